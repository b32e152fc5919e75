// The npm README's main example (pkg-template/README.md, the ```js block after the
// `readme-example` marker) runs as written against the simulator, through the built package.
// Only two things are rewritten: the import specifier "jifen" becomes pkg/node.js, and the
// config literal `new Client({ vendor: "<v>", … })` gets `baseUrl` (the simulator's, as
// sim/README.md says to point a client at it). The example's free variables (openId, …) are the
// simulator's made-up account fields. Then: the process exits 0, the ledger lines it prints
// include the -20 it spent, and the simulator's balance for that member moved by exactly -20.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim } from '../../sim/server.mjs';

const readmeUrl = new URL('../../pkg-template/README.md', import.meta.url);
const pkgEntry = new URL('../../pkg/node.js', import.meta.url).href;
const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
const MARKER = '<!-- readme-example:';

/** Runs `file` in a child node; resolves to { status, stdout, stderr } (async: the simulator lives in this process). */
const run = (file) => new Promise((resolve) => {
  execFile(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
    resolve({ status: err ? (err.code ?? err.signal ?? 1) : 0, stdout, stderr });
  });
});

let sim, dir;
before(async () => {
  sim = await startSim({ port: 0, log: false });
  dir = mkdtempSync(join(tmpdir(), 'jifen-readme-'));
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

/** The example made runnable: import specifier and baseUrl rewritten, free variables declared. */
export function runnable(code, simUrl) {
  const imports = code.match(/from\s+["']jifen["']/g) ?? [];
  assert.ok(imports.length > 0, 'the example imports nothing from "jifen"');
  const configs = [...code.matchAll(/new Client\(\{\s*vendor:\s*"(\w+)"/g)];
  assert.equal(configs.length, 1, 'the example should construct exactly one Client with an inline { vendor: "…" } config');
  const vendor = configs[0][1];
  assert.ok(accounts[vendor], `the simulator has no ${vendor} account`);
  const body = code
    .replace(/from\s+["']jifen["']/g, `from ${JSON.stringify(pkgEntry)}`)
    .replace(/new Client\(\{\s*vendor:\s*"(\w+)",/, (s) => `${s} baseUrl: __simBaseUrl,`);
  const preamble = [`const __simBaseUrl = ${JSON.stringify(`${simUrl}/${vendor}`)};`];
  for (const [k, v] of Object.entries(accounts[vendor])) {
    if (k !== 'vendor' && k !== 'baseUrl') preamble.push(`const ${k} = ${JSON.stringify(v)};`);
  }
  return { vendor, source: `${preamble.join('\n')}\n${body}\n` };
}

test('the npm README main example runs against the simulator and does what it says', async () => {
  await sim.reset();
  const { vendor, source } = runnable(extract(readFileSync(readmeUrl, 'utf8')), sim.url);
  assert.equal(vendor, 'qimai', 'this test checks the Qimai member the example names; update it with the example');
  const id = '383933091455959041';
  const before = sim.state().qimai.customers.find((c) => c.customerId === id)?.points;
  assert.equal(typeof before, 'number', 'the seeded Qimai member is in the simulator');
  const file = join(dir, 'example.mjs');
  writeFileSync(file, source);
  const r = await run(file);
  assert.equal(r.status, 0, `the README example failed:\n${r.stderr}\n--- as run:\n${source}`);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1 && lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d -?\d+$/.test(l)),
    `the ledger loop prints "<ISO time with offset> <delta>" per entry, got:\n${r.stdout}`);
  assert.match(lines[0], / -20$/, 'newest entry first: the -20 the example spent');
  const afterPoints = sim.state().qimai.customers.find((c) => c.customerId === id)?.points;
  assert.equal(afterPoints, before - 20, 'the simulator applied exactly the one -20 adjustment');
});

test('the rewriting touches only the import specifier and the baseUrl', () => {
  const { source } = runnable('import { Client } from "jifen";\nconst c = new Client({ vendor: "qimai", openId, grantCode, openKey });', 'http://127.0.0.1:1');
  assert.match(source, /from "file:.*\/pkg\/node\.js";\nconst c = new Client\(\{ vendor: "qimai", baseUrl: __simBaseUrl, openId, grantCode, openKey \}\);/);
  assert.match(source, /const __simBaseUrl = "http:\/\/127\.0\.0\.1:1\/qimai";/);
});
