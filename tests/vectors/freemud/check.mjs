// Re-verify every Freemud vector with node:crypto, independently of gen.py/openssl.
// Usage: node tests/vectors/freemud/check.mjs   -> "N passed, 0 failed", exit 1 on any failure.
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
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

// docs/vendors/freemud.md §3: drop `sign` and null/empty values, ASCII-sort keys, raw `k=v` joined with `&`.
function canonical(fields) {
  return Object.keys(fields)
    .filter((k) => k !== "sign" && fields[k] !== null && fields[k] !== undefined && fields[k] !== "")
    .sort() // keys are ASCII: UTF-16 order == byte order
    .map((k) => `${k}=${String(fields[k])}`)
    .join("&");
}

// Private keys: PEM (PKCS#1 or PKCS#8) or bare base64 DER (PKCS#8 tried first, then PKCS#1).
function loadPrivate(rel) {
  const text = readFileSync(join(dir, rel), "utf8");
  let key;
  if (text.includes("-----BEGIN")) key = createPrivateKey(text);
  else {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error("not bare base64");
    const der = Buffer.from(text, "base64");
    try {
      key = createPrivateKey({ key: der, format: "der", type: "pkcs8" });
    } catch {
      key = createPrivateKey({ key: der, format: "der", type: "pkcs1" });
    }
  }
  if (key.asymmetricKeyType !== "rsa") throw new Error(`not an RSA key (${key.asymmetricKeyType})`);
  if (key.asymmetricKeyDetails.modulusLength < 2048) throw new Error("RSA key < 2048 bits");
  return key;
}
const loadPublic = (rel) => createPublicKey(readFileSync(join(dir, rel), "utf8"));
const spki = (k) => (k.type === "public" ? k : createPublicKey(k)).export({ type: "spki", format: "der" }).toString("base64");
const rsaSign = (canon, key) => sign("sha256", Buffer.from(canon, "utf8"), key).toString("base64");
const rsaVerify = (canon, sigB64, pub) => verify("sha256", Buffer.from(canon, "utf8"), pub, Buffer.from(sigB64, "base64"));

// ---- keys
const testPub = loadPublic("keys/test-pub-spki.pem");
for (const k of ["keys/test-key-pkcs8.pem", "keys/test-key-pkcs1.pem", "keys/test-key-pkcs8.b64", "keys/test-key-pkcs1.b64"]) {
  try {
    check(`${k} matches test-pub-spki.pem`, spki(loadPrivate(k)) === spki(testPub));
  } catch (e) {
    check(`${k} loads`, false, e.message);
  }
}
check("test-key-pkcs8.b64 is PKCS#8 DER", readFileSync(join(dir, "keys/test-key-pkcs8.b64"), "utf8").startsWith("MIIEv"));
check("test-key-pkcs1.b64 is PKCS#1 DER", readFileSync(join(dir, "keys/test-key-pkcs1.b64"), "utf8").startsWith("MIIEo"));
check("platform key matches platform-pub-spki.pem",
  spki(loadPrivate("keys/platform-key-pkcs8.pem")) === spki(loadPublic("keys/platform-pub-spki.pem")));
check("platform key differs from test key", spki(loadPublic("keys/platform-pub-spki.pem")) !== spki(testPub));
for (const f of readdirSync(join(dir, "keys")).filter((f) => f.startsWith("bad-")).sort()) {
  let loaded = false;
  try {
    loadPrivate(`keys/${f}`);
    loaded = true;
  } catch {}
  check(`keys/${f} is rejected by the loader`, !loaded);
}

// ---- vectors
const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
const kinds = {};
for (const f of files) {
  const v = JSON.parse(readFileSync(join(dir, f), "utf8"));
  const id = v.id;
  check(`${f}: id matches file name`, `${id}.json` === f);
  kinds[v.kind] = (kinds[v.kind] ?? 0) + 1;
  if (v.fields) check(`${id}: canonical from fields`, canonical(v.fields) === v.canonical, canonical(v.fields));
  switch (v.kind) {
    case "canonical":
      break;
    case "rsa":
    case "request": {
      if (v.kind === "request") {
        check(`${id}: requestBody === JSON.stringify(params)`, JSON.stringify(v.params) === v.requestBody);
        const env = { ver: "1", partnerId: v.partnerId, appId: v.appId, requestBody: v.requestBody };
        check(`${id}: canonical from envelope`, canonical(env) === v.canonical);
        check(`${id}: exact body`, JSON.stringify({ ...env, sign: v.signature }) === v.body);
        const parsed = JSON.parse(v.body);
        check(`${id}: body field order`, Object.keys(parsed).join() === "ver,partnerId,appId,requestBody,sign");
        check(`${id}: signed bytes == embedded requestBody`, parsed.requestBody === v.requestBody);
      }
      check(`${id}: 344-char signature`, v.signature.length === 344);
      check(`${id}: verify with ${v.public_key}`, rsaVerify(v.canonical, v.signature, loadPublic(v.public_key)));
      for (const k of [v.key, ...(v.equivalent_keys ?? [])])
        check(`${id}: re-sign with ${k}`, rsaSign(v.canonical, loadPrivate(k)) === v.signature);
      break;
    }
    case "callback": {
      const env = JSON.parse(v.body);
      check(`${id}: canonical from body`, canonical(env) === v.canonical);
      check(`${id}: body sign == signature`, env.sign === v.signature);
      const ok = rsaVerify(v.canonical, env.sign, loadPublic(v.public_key));
      check(`${id}: verifies == ${v.valid}`, ok === v.valid);
      check(`${id}: does not verify under the test key`, !rsaVerify(v.canonical, env.sign, testPub));
      if (v.valid) check(`${id}: re-sign with ${v.key}`, rsaSign(v.canonical, loadPrivate(v.key)) === v.signature);
      if (v.event) check(`${id}: event == JSON.parse(requestBody)`, JSON.stringify(JSON.parse(env.requestBody)) === JSON.stringify(v.event));
      break;
    }
    default:
      check(`${id}: known kind`, false, v.kind);
  }
}
console.log(`vectors: ${files.length} (${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(", ")})`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
