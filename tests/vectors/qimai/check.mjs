// Re-verify every Qimai vector with node:crypto, independently of gen.py/openssl/Python.
// Usage: node tests/vectors/qimai/check.mjs   -> "N passed, 0 failed", exit 1 on any failure.
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = dirname(fileURLToPath(import.meta.url));
let passed = 0;
let failed = 0;
function check(name, ok, detail = "") {
  if (ok) passed++;
  else {
    failed++;
    console.error(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

// docs/vendors/qimai.md §2: exactly four fields, ASCII-sorted, raw values, `k=v` joined with `&`.
function stringToSign({ openId, grantCode, timestamp, nonce }, keyCase) {
  const names = keyCase === "lower"
    ? { openId: "openId", grantCode: "grantCode", timestamp: "timestamp", nonce: "nonce" }
    : { openId: "OpenId", grantCode: "GrantCode", timestamp: "Timestamp", nonce: "Nonce" };
  const vals = { openId, grantCode, timestamp, nonce };
  return Object.keys(vals)
    .map((k) => [names[k], String(vals[k])])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}
const hmacB64 = (key, msg) => createHmac("sha1", Buffer.from(key, "utf8")).update(msg, "utf8").digest("base64");

const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const kinds = {};
for (const f of files) {
  const v = JSON.parse(readFileSync(join(dir, f), "utf8"));
  const id = v.id;
  kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
  check(`${f}: id matches file name`, `${id}.json` === f);
  if (!["token", "v2_request", "v3_request"].includes(v.kind)) {
    check(`${id}: known kind`, false, v.kind);
    continue;
  }
  const s = stringToSign(v.fields, v.key_case);
  check(`${id}: string_to_sign`, s === v.string_to_sign, s);
  const b = hmacB64(v.open_key, s);
  check(`${id}: base64 HMAC-SHA1`, b === v.base64, b);
  check(`${id}: 28-char padded base64`, /^[A-Za-z0-9+/]{27}=$/.test(v.base64));
  check(`${id}: token = encodeURIComponent(base64)`, encodeURIComponent(v.base64) === v.token);
  check(`${id}: token has no raw + / =`, !/[+/=]/.test(v.token));
  if (v.kind === "v2_request") {
    const env = {
      OpenId: v.fields.openId, GrantCode: v.fields.grantCode, Timestamp: v.fields.timestamp,
      Nonce: v.fields.nonce, Token: v.token, Action: v.action, Params: v.params,
    };
    check(`${id}: exact v2 body`, JSON.stringify(env) === v.body);
  }
  if (v.kind === "v3_request") {
    const env = {
      openId: v.fields.openId, grantCode: v.fields.grantCode, timestamp: v.fields.timestamp,
      nonce: v.fields.nonce, token: v.token, params: v.params,
    };
    check(`${id}: exact v3 body`, JSON.stringify(env) === v.body);
  }
  if (v.kind !== "token") {
    const body = JSON.parse(v.body);
    const get = (k) => body[k] ?? body[k[0].toUpperCase() + k.slice(1)];
    for (const k of ["openId", "grantCode", "timestamp", "nonce"])
      check(`${id}: body ${k} is the signed string value`, typeof get(k) === "string" && get(k) === v.fields[k]);
    check(`${id}: body token`, get("token") === v.token);
  }
}
console.log(`vectors: ${files.length} (${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(", ")})`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
