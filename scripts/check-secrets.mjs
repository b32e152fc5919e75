// Greps everything the test suites printed (test-output/logs/, written by `make test` through
// tee) for the made-up test credentials listed in tests/secrets.list, and fails on any hit.
//
//   node scripts/check-secrets.mjs [DIR]      check DIR (default test-output/logs); exit 1 on a hit
//   node scripts/check-secrets.mjs --self-test  prove the check can fail: a planted line must be caught
//   node scripts/check-secrets.mjs --derive     print the list as derived from the sources
//
// The list is derived from sim/accounts.json, sim/keys/, tests/vectors/ and the native tests'
// own literals; the check also fails when the committed list misses a derived entry, so a new
// vector's secret cannot be forgotten. Secrets shorter than 8 characters are left out (the
// official Kingdee D1 example "abc123" would match unrelated text).
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LIST = join(root, 'tests/secrets.list');
const MIN_LEN = 8;

/** Lines of a PEM (or bare base64) key body: any one of them in a log is a leak. */
function keyLines(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('-----') && l.length >= 40);
}

/** Every test secret, from the files that define them. */
export function derive() {
  const out = new Set();
  const add = (s) => { if (typeof s === 'string' && s.length >= MIN_LEN && s !== '…') out.add(s); };
  const acc = JSON.parse(readFileSync(join(root, 'sim/accounts.json'), 'utf8'));
  add(acc.kingdee.clientSecret); add(acc.kingdee.appSecret);
  // Derived, and as good as a secret: whoever holds app_signature (a constant HMAC of
  // appSecret) can ask the vendor for a token.
  const hex = createHmac('sha256', acc.kingdee.appSecret).update(acc.kingdee.appKey).digest('hex');
  add(Buffer.from(hex).toString('base64'));
  add(acc.freemud.accessToken); keyLines(acc.freemud.privateKey).forEach(add);
  add(acc.qimai.openKey);
  for (const f of readdirSync(join(root, 'sim/keys'))) {
    if (f.includes('private')) keyLines(readFileSync(join(root, 'sim/keys', f), 'utf8')).forEach(add);
  }
  for (const vendor of ['kingdee', 'freemud', 'qimai']) {
    const dir = join(root, 'tests/vectors', vendor);
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json')) continue;
      const v = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      for (const k of ['client_secret', 'app_secret', 'open_key', 'clientSecret', 'appSecret', 'openKey', 'access_token', 'accessToken']) add(v[k]);
    }
  }
  const keys = join(root, 'tests/vectors/freemud/keys');
  for (const f of readdirSync(keys)) {
    if (/key-pkcs|platform-key/.test(f)) keyLines(readFileSync(join(keys, f), 'utf8')).forEach(add);
  }
  // Literals of the native tests (src/client/tests.rs and friends).
  ['test-client-secret', 'test-app-secret', 'test-open-key'].forEach(add);
  return [...out];
}

function readList() {
  return readFileSync(LIST, 'utf8').split('\n').map((l) => l.trimEnd()).filter((l) => l && !l.startsWith('#'));
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p); else yield p;
  }
}

/**
 * The forms a secret can take in a log: as written, percent-encoded (twice, as in a
 * stringToSign), JSON-escaped with `\\/` and `\\uXXXX` (PHP, Python), and base64; base64
 * padding is dropped, so a value cut short after it, or with `%3D` for `=`, still matches.
 */
export function forms(s) {
  const ascii = s.replace(/[\/\u007f-\uffff]/g, (c) => (c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const out = [s, encodeURIComponent(s), encodeURIComponent(encodeURIComponent(s)), ascii, Buffer.from(s).toString('base64')];
  return [...new Set(out.map((f) => f.replace(/(=|%3D|%253D)+$/i, '')))].filter((f) => f.length >= MIN_LEN);
}

/**
 * Hits of any secret, in any of its `forms`, in the files under `dir`: per line, and in each
 * file with its line breaks (and the indentation after them) removed, for a secret wrapped
 * over two lines.
 */
export function scan(dir, secrets) {
  const needles = secrets.flatMap((s) => forms(s).map((n) => [s, n]));
  const hits = [];
  let lines = 0;
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    const found = new Set();
    text.split('\n').forEach((line, i) => {
      lines += 1;
      for (const [secret, needle] of needles) {
        if (line.includes(needle)) {
          hits.push({ file, line: i + 1, secret: `${secret.slice(0, 6)}…` });
          found.add(secret);
        }
      }
    });
    const flat = text.replace(/\r?\n[ \t]*/g, '');
    for (const [secret, needle] of needles) {
      if (needle.length >= 16 && !found.has(secret) && flat.includes(needle)) {
        found.add(secret);
        hits.push({ file, line: 'split across lines', secret: `${secret.slice(0, 6)}…` });
      }
    }
  }
  return { hits, lines };
}

function check(dir) {
  const list = readList();
  const missing = derive().filter((s) => !list.includes(s));
  if (missing.length) {
    console.error(`check-secrets: tests/secrets.list lacks ${missing.length} secret(s) found in the sources, e.g. ${missing[0].slice(0, 6)}…; regenerate with --derive`);
    return 1;
  }
  let count = 0;
  try { count = [...files(dir)].length; } catch { /* missing dir */ }
  if (count === 0) {
    console.error(`check-secrets: no logs under ${dir} (run the suites through make)`);
    return 1;
  }
  const { hits, lines } = scan(dir, list);
  if (hits.length) {
    for (const h of hits.slice(0, 20)) console.error(`check-secrets: ${h.file}:${h.line} contains a test secret (${h.secret})`);
    console.error(`check-secrets: FAILED, ${hits.length} hit(s)`);
    return 1;
  }
  console.log(`check-secrets: ${lines} lines in ${count} log file(s), ${list.length} secrets, no hit`);
  return 0;
}

function selfTest() {
  const dir = mkdtempSync(join(tmpdir(), 'check-secrets-'));
  const run = () => spawnSync(process.execPath, [fileURLToPath(import.meta.url), dir], { encoding: 'utf8' });
  try {
    mkdirSync(join(dir, 'suite'));
    writeFileSync(join(dir, 'suite/clean.log'), 'ok 1 - kingdee: applied once\nclient_secret: "***"\n');
    const clean = run();
    if (clean.status !== 0) throw new Error(`a clean log failed the check: ${clean.stderr}`);
    const list = readList();
    const derived = derive();
    const wide = derived.find((s) => /[^\x20-\x7e]/.test(s)) || list[0];
    const long = list.find((s) => s.length >= 32) || list[0];
    for (const planted of [list[0], list[list.length - 1], encodeURIComponent(derived.find((s) => s !== encodeURIComponent(s)) || list[0]),
      JSON.stringify(wide).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      Buffer.from(list[0]).toString('base64'), `${long.slice(0, 12)}\n    ${long.slice(12)}`,
      encodeURIComponent(encodeURIComponent(derived.find((s) => s.endsWith('=')) || list[0])).slice(0, -3),
      derived.find((s) => s.startsWith('MDBi')) ?? 'the app_signature is not derived']) {
      writeFileSync(join(dir, 'suite/planted.log'), `debug: request failed, query=${planted}&x=1\n`);
      const caught = run();
      if (caught.status === 0 || !/contains a test secret/.test(caught.stderr)) {
        throw new Error(`a planted secret was NOT caught (${planted.slice(0, 6)}…)`);
      }
    }
    console.log('check-secrets self-test: a clean log passes, planted secrets (plain, percent-encoded once and twice, JSON \\u-escaped, base64, split over two lines, Kingdee app_signature) fail');
    return 0;
  } catch (e) {
    console.error(`check-secrets self-test FAILED: ${e.message}`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const arg = process.argv[2];
if (arg === '--derive') {
  console.log('# Made-up test credentials (sim/accounts.json, sim/keys, tests/vectors, native test literals).');
  console.log('# Generated by `node scripts/check-secrets.mjs --derive`; the check greps every test log for each line.');
  for (const s of derive()) console.log(s);
} else if (arg === '--self-test') {
  process.exit(selfTest());
} else {
  process.exit(check(arg || join(root, 'test-output/logs')));
}
