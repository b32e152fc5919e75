// The npm README's main example (pkg-template/README.md, the ```js block after the
// `readme-example` marker) runs exactly as written, as `npx jifen sim -- node app.mjs` would run it:
// in a project where "jifen" is the built package, with the simulator's made-up Qimai config in the
// JIFEN_QIMAI_* variables and no other JIFEN_* variable. Then: the process exits 0, the ledger lines
// it prints include the -20 it spent, and the simulator's balance for that member moved by exactly -20.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../sim/server.mjs';

const readmeUrl = new URL('../../pkg-template/README.md', import.meta.url);
const pkgDir = new URL('../../pkg', import.meta.url).pathname;
const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
const MARKER = '<!-- readme-example:';

/** The simulator's config for `vendor` as JIFEN_<VENDOR>_<FIELD> variables (what `jifen sim --` sets). */
const simEnv = (vendor, baseUrl) => Object.fromEntries(Object.entries({ ...accounts[vendor], baseUrl })
  .filter(([k]) => k !== 'vendor').map(([k, v]) => [`JIFEN_${vendor.toUpperCase()}_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, v]));

/** Runs `file` in a child node; resolves to { status, stdout, stderr } (async: the simulator lives in this process). */
const run = (file, env) => new Promise((resolve) => {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JIFEN_')));
  execFile(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, env: { ...base, ...env } }, (err, stdout, stderr) => {
    resolve({ status: err ? (err.code ?? err.signal ?? 1) : 0, stdout, stderr });
  });
});

let sim, dir;
before(async () => {
  sim = await startSim({ port: 0, log: false });
  dir = mkdtempSync(join(tmpdir(), 'jifen-readme-'));
  // A project that installed the package: "jifen" resolves through node_modules to pkg/.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(pkgDir, join(dir, 'node_modules', 'jifen'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The ```js block after the marker, and the vendor the example talks to. */
export function extract(readme) {
  const at = readme.indexOf(MARKER);
  assert.ok(at >= 0, `pkg-template/README.md has no "${MARKER} …-->" marker before its main example`);
  const m = readme.slice(at).match(/```js\n([\s\S]*?)\n```/);
  assert.ok(m, 'no ```js block after the readme-example marker');
  return m[1];
}

/** The vendor of the example's one `new Client({ vendor: "…", … })`. */
export function vendorOf(code) {
  assert.ok(/from\s+["']jifen["']/.test(code), 'the example imports nothing from "jifen"');
  const configs = [...code.matchAll(/new Client\(\{\s*vendor:\s*"(\w+)"/g)];
  assert.equal(configs.length, 1, 'the example should construct exactly one Client with an inline { vendor: "…" } config');
  assert.ok(accounts[configs[0][1]], `the simulator has no ${configs[0][1]} account`);
  return configs[0][1];
}

test('the npm README main example runs against the simulator and does what it says', async () => {
  await sim.reset();
  const source = extract(readFileSync(readmeUrl, 'utf8'));
  const vendor = vendorOf(source);
  assert.equal(vendor, 'qimai', 'this test checks the Qimai member the example names; update it with the example');
  const id = '383933091455959041';
  const before = sim.state().qimai.customers.find((c) => c.customerId === id)?.points;
  assert.equal(typeof before, 'number', 'the seeded Qimai member is in the simulator');
  const file = join(dir, 'app.mjs');
  writeFileSync(file, source);
  const r = await run(file, simEnv(vendor, `${sim.url}/${vendor}`));
  assert.equal(r.status, 0, `the README example failed:\n${r.stderr}\n--- as run:\n${source}`);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1 && lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d -?\d+$/.test(l)),
    `the ledger loop prints "<ISO time with offset> <delta>" per entry, got:\n${r.stdout}`);
  assert.match(lines[0], / -20$/, 'newest entry first: the -20 the example spent');
  const afterPoints = sim.state().qimai.customers.find((c) => c.customerId === id)?.points;
  assert.equal(afterPoints, before - 20, 'the simulator applied exactly the one -20 adjustment');
});

test('the example holds no credential: its config comes from the environment', () => {
  const source = extract(readFileSync(readmeUrl, 'utf8'));
  for (const [k, v] of Object.entries(accounts[vendorOf(source)])) {
    if (k !== 'vendor' && typeof v === 'string' && v.length > 3) assert.ok(!source.includes(v), `the example spells out ${k}`);
  }
  assert.match(source, /process\.env/);
});
