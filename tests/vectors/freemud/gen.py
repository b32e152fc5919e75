#!/usr/bin/env python3
"""Regenerate the Freemud vector files (*.json) in this folder.

Run from anywhere: python3 tests/vectors/freemud/gen.py
It does NOT create keys (see README.md: keys were made once with openssl and are
committed). Signatures come from the openssl CLI (`openssl dgst -sha256 -sign`) and are
checked with `openssl dgst -sha256 -verify`; RSASSA-PKCS1-v1_5 is deterministic, so
re-running this script rewrites identical files. check.mjs re-verifies with node:crypto.
"""
import base64
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_KEY = "keys/test-key-pkcs8.pem"
TEST_PUB = "keys/test-pub-spki.pem"
TEST_EQUIV = ["keys/test-key-pkcs1.pem", "keys/test-key-pkcs8.b64", "keys/test-key-pkcs1.b64"]
PLATFORM_KEY = "keys/platform-key-pkcs8.pem"
PLATFORM_PUB = "keys/platform-pub-spki.pem"


def canonical(fields):
    """docs/vendors/freemud.md §3: drop `sign` and null/empty values, ASCII-sort keys, raw k=v joined by &."""
    parts = []
    for k in sorted(fields):
        v = fields[k]
        if k == "sign" or v is None or v == "":
            continue
        parts.append(f"{k}={v}")
    return "&".join(parts)


def compact(obj):
    """Same bytes as JavaScript JSON.stringify(obj) for the values used here (checked in check.mjs)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def sign(canon, key):
    # printf '%s' "$CANONICAL" | openssl dgst -sha256 -sign KEY | base64 -w0
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                         input=canon.encode("utf-8"), capture_output=True, check=True, cwd=HERE).stdout
    return base64.b64encode(sig).decode()


def verify(canon, sig_b64, pub):
    with tempfile.NamedTemporaryFile(suffix=".sig") as f:
        f.write(base64.b64decode(sig_b64))
        f.flush()
        r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", f.name],
                           input=canon.encode("utf-8"), capture_output=True, cwd=HERE)
    return r.returncode == 0 and r.stdout.strip() == b"Verified OK"


def write(v):
    path = os.path.join(HERE, v["id"] + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(v, f, ensure_ascii=False, indent=2)
        f.write("\n")


A1_BODY = '{"orderCode":["14466581149538022700014"]}'
A2_BODY = '{"orderCode":"1023987523084","operator":"操作人员"}'
# Backslash escapes are part of the raw requestBody text (Python raw strings keep them as-is).
ESC_BODY = r'{"nickName":"童百良😀","remark":"say \"hi\"\nline2","alias":"\u7ae5\ud83d\ude00"}'

# ---------------------------------------------------------------- canonical (no crypto)
CANON = [
    ("C01", "docs/vendors/freemud.md §9 A1: the vendor demo's input (kaigedian/openapi-demo C++/TestRSATool.cc), fields in wire order",
     None,
     {"ver": "1", "partnerId": "2282", "appId": "wxaa246", "requestBody": A1_BODY}),
    ("C02", "project vector: A1 fields shuffled; same canonical as C01", "shuffled field order",
     {"requestBody": A1_BODY, "ver": "1", "appId": "wxaa246", "partnerId": "2282"}),
    ("C03", "project vector (docs/vendors/freemud.md §3 step 3)", "ver as JSON number 1 renders as 1",
     {"ver": 1, "partnerId": "2282", "appId": "wxaa246", "requestBody": A1_BODY}),
    ("C04", "project vector (docs/vendors/freemud.md §3 step 3)", "ver as JSON string \"1\" renders as 1",
     {"appId": "wxaa246", "ver": "1", "requestBody": A1_BODY, "partnerId": "2282"}),
    ("C05", "project vector (docs/vendors/freemud.md §3 step 1, recommendation: skip null or empty)", "empty-string partnerId is dropped",
     {"ver": "1", "partnerId": "", "appId": "wxaa246", "requestBody": A1_BODY}),
    ("C06", "project vector (docs/vendors/freemud.md §3 step 1, recommendation: skip null or empty)", "null partnerId is dropped",
     {"ver": 1, "partnerId": None, "appId": "wxaa246", "requestBody": A1_BODY}),
    ("C07", "project vector (docs/vendors/freemud.md §3 step 1)", "sign field ignored (whatever its value)",
     {"ver": "1", "partnerId": "2282", "appId": "wxaa246", "requestBody": A1_BODY,
      "sign": "c2lnbmF0dXJlLXZhbHVlLWlzLWlnbm9yZWQ="}),
    ("C08", "docs/vendors/freemud.md §9 A2: UTF-8 canonicaliser vector", "non-ASCII requestBody kept verbatim; sign \"skip\" ignored",
     {"ver": 1, "partnerId": "2038", "appId": "2038", "requestBody": A2_BODY, "sign": "skip"}),
    ("C09", "project vector", "requestBody with spaces (after ':' and ',' and inside values) kept verbatim",
     {"appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864", "ver": "1",
      "requestBody": '{"memberId": "115589208394311926", "remark": "a  b c "}'}),
    ("C10", "project vector", "\\\" escapes in requestBody kept verbatim (backslash + quote, not unescaped)",
     {"ver": "1", "appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864",
      "requestBody": r'{"remark":"say \"hi\" to \"them\""}'}),
    ("C11", "project vector", "\\n escape in requestBody kept verbatim as two characters (backslash, n); no real newline",
     {"ver": "1", "appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864",
      "requestBody": r'{"remark":"line1\nline2\tend"}'}),
    ("C12", "project vector", "\\u escapes kept verbatim (not decoded to 童百良), next to the same text as raw UTF-8",
     {"ver": "1", "appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864",
      "requestBody": r'{"escaped":"\u7ae5\u767e\u826f","raw":"童百良"}'}),
    ("C13", "docs/vendors/freemud.md §3 (docs contain single-quoted pseudo-JSON in requestBody; the signature covers whatever string is sent)",
     "requestBody is opaque: single-quoted pseudo-JSON and a raw newline are kept verbatim",
     {"appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864", "ver": 1, "sign": "skip",
      "requestBody": "{'partnerId':'1864','memberId':'115632749214110108'\n\n\t,'showScoreSwitch':'1'}"}),
    ("C14", "project vector", "values are raw, not URL-encoded: '&' and '=' inside requestBody stay as they are",
     {"ver": "1", "appId": "2eb5c8f1170246429755e6dac313f89d", "partnerId": "1864",
      "requestBody": '{"remark":"a=b&c=d 100%"}'}),
]

vectors = []
for vid, source, note, fields in CANON:
    v = {"id": vid, "kind": "canonical", "source": source}
    if note:
        v["note"] = note
    v["fields"] = fields
    v["canonical"] = canonical(fields)
    vectors.append(v)

assert vectors[0]["canonical"] == 'appId=wxaa246&partnerId=2282&requestBody={"orderCode":["14466581149538022700014"]}&ver=1'
assert vectors[7]["canonical"] == 'appId=2038&partnerId=2038&requestBody={"orderCode":"1023987523084","operator":"操作人员"}&ver=1'
assert all(v["canonical"] == vectors[0]["canonical"] for v in vectors[1:4] + vectors[6:7])

# ---------------------------------------------------------------- rsa
RSA = [
    ("R1", "docs/vendors/freemud.md §9 A1 input, signed with the project test key (NOT the vendor demo key)",
     "the vendor's own A1 signature (c33TwZkf…1k0d2lbo3Q==) is made with the demo key and is deliberately not reproduced here",
     {"ver": "1", "partnerId": "2282", "appId": "wxaa246", "requestBody": A1_BODY}),
    ("R2", "docs/vendors/freemud.md §9 A2 input, signed with the project test key", "UTF-8 bytes of Chinese characters are signed",
     {"ver": "1", "partnerId": "2038", "appId": "2038", "requestBody": A2_BODY}),
    ("R3", "project vector", "raw requestBody with \\\" and \\n and \\u escapes (kept as escapes) plus raw emoji (4-byte UTF-8)",
     {"ver": "1", "partnerId": "1864", "appId": "2eb5c8f1170246429755e6dac313f89d", "requestBody": ESC_BODY}),
]
for vid, source, note, fields in RSA:
    c = canonical(fields)
    s = sign(c, TEST_KEY)
    assert len(s) == 344 and verify(c, s, TEST_PUB)
    for k in TEST_EQUIV:  # the other encodings of the same key give the same (deterministic) signature
        if k.endswith(".pem"):
            assert sign(c, k) == s, k
    vectors.append({"id": vid, "kind": "rsa", "source": source, "note": note, "fields": fields,
                    "canonical": c, "key": TEST_KEY, "equivalent_keys": TEST_EQUIV,
                    "public_key": TEST_PUB, "signature": s})

# ---------------------------------------------------------------- request envelope
params = {"memberId": "115589208394311926", "score": 100, "operationType": 4, "operationName": "手动赠送",
          "remark": "jifen 测试 \"vector\"", "idempotencyBussinessId": "jifen-test-0001",
          "idempotencyBussinessType": "6"}
partner_id, app_id = "1864", "2eb5c8f1170246429755e6dac313f89d"
request_body = compact(params)
env = {"ver": "1", "partnerId": partner_id, "appId": app_id, "requestBody": request_body}
c = canonical(env)
s = sign(c, TEST_KEY)
assert verify(c, s, TEST_PUB)
body = compact({**env, "sign": s})
vectors.append({
    "id": "E1", "kind": "request",
    "source": "project vector; doc example ids from docs/vendors/freemud.md §1 (partnerId 1864, appId 2eb5c8f1…) and the "
              "/member/score/opt/{type} params of docs/vendors/freemud.md §12.3",
    "note": "requestBody = JSON.stringify(params) (compact, caller's key order, non-ASCII not escaped); "
            "body field order is ver, partnerId, appId, requestBody, sign with ver as the string \"1\"; "
            "headers other than Content-Type are not signed and not part of this vector",
    "method": "POST", "path": "/member/score/opt/1",
    "partnerId": partner_id, "appId": app_id, "params": params,
    "requestBody": request_body, "canonical": c,
    "key": TEST_KEY, "equivalent_keys": TEST_EQUIV, "public_key": TEST_PUB,
    "signature": s, "body": body,
    "content_type": "application/json;charset=utf-8",
})

# ---------------------------------------------------------------- callback (platform key)
cb_body_rb = ('{"changeScore":"20","currentScore":"200","changeType":"1","operationType":"2",'
              '"memberId":"115589208394311926","mobile":"13333333333","transNo":"31231233"}')
cb = {"ver": 1, "partnerId": "1000", "appId": "2eb5c8f117dac313f89d", "requestBody": cb_body_rb}
c = canonical(cb)
s = sign(c, PLATFORM_KEY)
assert verify(c, s, PLATFORM_PUB) and not verify(c, s, TEST_PUB)
cb_body = compact({**cb, "sign": s})
common = {
    "rule": "request rule applied to the callback envelope (docs/vendors/freemud.md §5 recommended default; the vendor's "
            "real callback rule is undocumented): appId=…&partnerId=…&requestBody=…&ver=1",
    "key": PLATFORM_KEY, "public_key": PLATFORM_PUB,
}
vectors.append({
    "id": "K1", "kind": "callback",
    "source": "project vector; requestBody and envelope copied from docs/vendors/freemud.md §12.5 (推送会员积分变动信息接口) example",
    "note": "points-changed push signed with the project's throw-away platform key; must verify", **common,
    "body": cb_body, "canonical": c, "signature": s, "valid": True,
    "event": json.loads(cb_body_rb),
    "ack": {"ver": "1", "statusCode": "100", "message": "成功"},
})
tampered_rb = cb_body_rb.replace('"changeScore":"20"', '"changeScore":"90"')
assert len(tampered_rb) == len(cb_body_rb) and sum(a != b for a, b in zip(tampered_rb, cb_body_rb)) == 1
tcb = {**cb, "requestBody": tampered_rb}
tc = canonical(tcb)
assert not verify(tc, s, PLATFORM_PUB)
vectors.append({
    "id": "K2", "kind": "callback",
    "source": "K1 with one byte of requestBody changed (changeScore \"20\" -> \"90\") and K1's sign kept",
    "note": "tampered callback: verification must fail (Enforce -> reject with callback_invalid / signature)", **common,
    "body": compact({**tcb, "sign": s}), "canonical": tc, "signature": s, "valid": False,
})

for v in vectors:
    write(v)
print(f"wrote {len(vectors)} vectors")
