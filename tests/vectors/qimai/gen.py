#!/usr/bin/env python3
"""Regenerate the Qimai vector files (*.json) in this folder.

Run from anywhere: python3 tests/vectors/qimai/gen.py
Every token is computed twice, with `openssl dgst -sha1 -hmac KEY -binary | base64` and with
Python's hmac module, and the two must agree; B1-B3 must also equal the values printed in
docs/vendors/qimai.md §8. check.mjs re-verifies everything with node:crypto.
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {"lower": ["openId", "grantCode", "timestamp", "nonce"],
         "as_sent": ["OpenId", "GrantCode", "Timestamp", "Nonce"]}


def string_to_sign(fields, key_case):
    named = dict(zip(NAMES[key_case], (fields[k] for k in NAMES["lower"])))
    return "&".join(f"{k}={named[k]}" for k in sorted(named))


def mac_b64(open_key, msg):
    py = base64.b64encode(hmac.new(open_key.encode("utf-8"), msg.encode("utf-8"), hashlib.sha1).digest()).decode()
    ossl = subprocess.run(f"openssl dgst -sha1 -hmac \"$K\" -binary | base64 -w0", shell=True,
                          env={**os.environ, "K": open_key}, input=msg.encode("utf-8"),
                          capture_output=True, check=True).stdout.decode()
    assert py == ossl, (py, ossl)
    return py


def pct(b64):
    return b64.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def token_vector(vid, source, note, open_key, fields, key_case, expect_b64=None):
    s = string_to_sign(fields, key_case)
    b = mac_b64(open_key, s)
    if expect_b64:
        assert b == expect_b64, (vid, b)
    v = {"id": vid, "kind": "token", "source": source}
    if note:
        v["note"] = note
    v.update({"open_key": open_key, "fields": fields, "key_case": key_case,
              "string_to_sign": s, "base64": b, "token": pct(b)})
    return v


def write(v):
    with open(os.path.join(HERE, v["id"] + ".json"), "w", encoding="utf-8") as f:
        json.dump(v, f, ensure_ascii=False, indent=2)
        f.write("\n")


B1_KEY = "fake-open-key-for-test-only-0001"
B1 = {"openId": "fake-open-id-for-test-only-0001", "grantCode": "fake-grant-code-0001",
      "timestamp": "1712563200", "nonce": "24680"}
DOC_KEY = "example-open-key-not-real"
DOC = {"openId": "6dc05b4ac175cf316d226252b05cf685", "grantCode": "782c281f62",
       "timestamp": "1547186244", "nonce": "658965"}

vectors = [
    token_vector("B1", "docs/vendors/qimai.md §8 B1: feixiao629/qmai-cli-public internal/auth/sign_test.go (fake credentials)",
                 None, B1_KEY, B1, "lower", "ySypL4SRFMmfSrCqOiFE01LK3ks="),
    token_vector("B2", "docs/vendors/qimai.md §8 B2: doc example values (open.zmcms.cn doc2 id=484) + made-up OpenKey",
                 "base64 contains '+'", DOC_KEY, DOC, "lower", "Pz+xK5sKJotGhD9N+8anWLECuNk="),
    token_vector("B3", "docs/vendors/qimai.md §8 B3: as B2 with capitalised keys (v2 AsSent variant, unconfirmed)",
                 "base64 contains '/'; use only if the v2 AsSent spelling is ever confirmed", DOC_KEY, DOC,
                 "as_sent", "e/ajQ0Gbkb8DHw01vXHyHb5qro8="),
]

# Non-ASCII values: raw UTF-8 (value_encoding Raw). A FormUrlEncoded signer would differ here.
vectors.append(token_vector(
    "B4", "project vector", "non-ASCII grantCode, signed as raw UTF-8 (value_encoding Raw, the default); "
    "a FormUrlEncoded signer would produce a different string_to_sign", DOC_KEY,
    {**DOC, "grantCode": "授权码-测试"}, "lower"))
vectors.append(token_vector(
    "B5", "project vector", "non-ASCII OpenKey: the HMAC key is the UTF-8 bytes of the string",
    "测试密钥-not-real", DOC, "lower"))


def search(base_id, open_key, fields, want, start):
    n = start
    while True:
        f = {**fields, "nonce": str(n)}
        b = mac_b64(open_key, string_to_sign(f, "lower"))
        if all(c in b for c in want):
            return f, n
        n += 1


f6, n6 = search("B6", B1_KEY, B1, "+/", 24681)
vectors.append(token_vector(
    "B6", "project vector: B1 credentials, nonce searched",
    f"nonces 24681..{n6} tried in order; {n6} is the first whose base64 contains both '+' and '/' "
    "(every HMAC-SHA1 base64 ends in exactly one '=', so all three escapes %2B %2F %3D occur)",
    B1_KEY, f6, "lower"))
vectors.append(token_vector(
    "B7", "project vector", "largest recommended nonce 2^31-1 (decimal, no sign, no leading zeros)", DOC_KEY,
    {**DOC, "timestamp": "1712563200", "nonce": "2147483647"}, "lower"))
vectors.append(token_vector(
    "B8", "project vector", "smallest nonce 1 and a 10-digit timestamp in seconds (not milliseconds)", DOC_KEY,
    {**DOC, "timestamp": "1700000000", "nonce": "1"}, "lower"))

# ---------------------------------------------------------------- request bodies (B2's signing values)
PARAMS = {"balance": "11", "bizId": "appPay10190709", "customerId": "383933091455959041", "reason": "",
          "sourceType": "1", "pointsChannel": "7"}
b2 = vectors[1]


def compact(o):
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


v2_body = {"OpenId": DOC["openId"], "GrantCode": DOC["grantCode"], "Timestamp": DOC["timestamp"],
           "Nonce": DOC["nonce"], "Token": b2["token"], "Action": "user.points-add", "Params": PARAMS}
vectors.append({
    "id": "P2", "kind": "v2_request",
    "source": "docs/vendors/qimai.md §11 (open.zmcms.cn doc2 id=484, 7.6.4 新增积分) request example values; token as B2",
    "note": "capitalised envelope, all envelope values strings, order OpenId, GrantCode, Timestamp, Nonce, Token, "
            "Action, Params; Token is the percent-encoded base64; Action and Params are not signed; signed with "
            "lowercase keys (key_case lower, the project default for v2 too); Params copied verbatim from the doc "
            "(sourceType and pointsChannel are strings there although the table says int)",
    "method": "POST", "url": "http://openapi.zvcms.com/api/v2",
    "open_key": DOC_KEY, "fields": DOC, "key_case": "lower",
    "action": "user.points-add", "params": PARAMS,
    "string_to_sign": b2["string_to_sign"], "base64": b2["base64"], "token": b2["token"],
    "body": compact(v2_body),
    "content_type": "application/json",
})
v3_body = {"openId": DOC["openId"], "grantCode": DOC["grantCode"], "timestamp": DOC["timestamp"],
           "nonce": DOC["nonce"], "token": b2["token"], "params": PARAMS}
vectors.append({
    "id": "P3", "kind": "v3_request",
    "source": "docs/vendors/qimai.md §6 (v3 /v3/crm/points/addCustomerPoints takes the same params as v2 user.points-add); "
              "doc example values; token as B2",
    "note": "lowercase envelope in order openId, grantCode, timestamp, nonce, token, params; jifen sends timestamp "
            "and nonce as JSON strings in v3 too, for uniformity with v2 (the simulator accepts strings or "
            "numbers; working third-party v3 clients send numbers); the path replaces v2's Action",
    "method": "POST", "url": "https://openapi.qmai.cn/v3/crm/points/addCustomerPoints",
    "open_key": DOC_KEY, "fields": DOC, "key_case": "lower",
    "path": "/v3/crm/points/addCustomerPoints", "params": PARAMS,
    "string_to_sign": b2["string_to_sign"], "base64": b2["base64"], "token": b2["token"],
    "body": compact(v3_body),
    "content_type": "application/json",
})

for v in vectors:
    write(v)
print(f"wrote {len(vectors)} vectors; B6 nonce = {n6}")
