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

/** Hits of any secret (as written, or percent-encoded) in the files under `dir`. */
export function scan(dir, secrets) {
  const needles = secrets.flatMap((s) => [...new Set([s, encodeURIComponent(s)])].map((n) => [s, n]));
  const hits = [];
  let lines = 0;
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    text.split('\n').forEach((line, i) => {
      lines += 1;
      for (const [secret, needle] of needles) {
        if (line.includes(needle)) hits.push({ file, line: i + 1, secret: `${secret.slice(0, 6)}…` });
      }
    });
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
    for (const planted of [list[0], list[list.length - 1], encodeURIComponent(derive().find((s) => s !== encodeURIComponent(s)) || list[0])]) {
      writeFileSync(join(dir, 'suite/planted.log'), `debug: request failed, query=${planted}&x=1\n`);
      const caught = run();
      if (caught.status === 0 || !/contains a test secret/.test(caught.stderr)) {
        throw new Error(`a planted secret was NOT caught (${planted.slice(0, 6)}…)`);
      }
    }
    console.log('check-secrets self-test: a clean log passes, planted secrets (plain and percent-encoded) fail');
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
