// One smoke test (smoke.mjs), run against the built package (pkg/) from every runtime it claims:
// Node 20 and Node 22 (ESM and CommonJS), Bun (ESM and CommonJS), Deno, workerd (as a test Worker and through the edge gateway in www-demo/worker/) and headless
// Chromium (with and without an explicit init()). Each runtime resolves `jifen` through the package's
// own exports map (node_modules/jifen is a link to pkg/; workerd and Chromium get the file the map
// names for their condition), and each report says which entry file it loaded, which is checked too.
// Each runtime then runs `jifen/sign`'s short case (smoke.mjs `signSmoke`: its API, the vectors through
// its buildRequest and Signer equal to jifen's, a push read) through the same map's "./sign" entry.
// The runtimes come from the root package.json (exact pins) and Debian's chromium; a runtime that is
// missing fails its test with the reason: nothing here is skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSim } from '../../sim/server.mjs';
import { startGateway } from '../../www-demo/worker/gateway.mjs';
import { moduleGraph, ROOT as GATEWAY_ROOT } from '../../www-demo/worker/capnp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkg = join(root, 'pkg');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SMOKE_CHECKS = 10; // the checks in smoke.mjs; the browser driver adds one
const SIGN_CHECKS = 3; // the checks in smoke.mjs `signSmoke`; the browser driver adds one

let sim, work, fixture;

before(async () => {
  assert.ok(existsSync(join(pkg, 'package.json')), 'pkg/ is missing: run `make build` first');
  sim = await startSim({ port: 0 });
  work = mkdtempSync(join(tmpdir(), 'jifen-runtimes-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(pkg, join(work, 'node_modules', 'jifen'), 'dir');
  symlinkSync(pkg, join(work, 'pkg'), 'dir');
  for (const f of ['smoke.mjs', 'esm-driver.mjs', 'cjs-driver.cjs', 'workerd-driver.mjs']) copyFileSync(join(here, f), join(work, f));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'jifen-runtime-smoke', private: true, type: 'module', dependencies: { jifen: 'file:./pkg' } }));
  const vector = (p) => JSON.parse(readFileSync(join(root, 'tests', 'vectors', p), 'utf8'));
  const e1 = vector('freemud/E1.json');
  fixture = {
    simUrl: sim.url,
    accounts: JSON.parse(readFileSync(join(root, 'sim', 'accounts.json'), 'utf8')),
    kingdee: vector('kingdee/D2.json'),
    freemud: { vector: e1, key: readFileSync(join(root, 'tests', 'vectors', 'freemud', e1.key), 'utf8') },
    qimai: vector('qimai/P3.json'),
  };
  writeFileSync(join(work, 'fixture.json'), JSON.stringify(fixture));
});

after(async () => {
  await sim?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The file pkg/package.json's exports map names for `subpath` under `conditions` (in the map's own key order). */
function exportFor(conditions, subpath = '.') {
  const map = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).exports[subpath];
  const pick = (node) => {
    if (typeof node === 'string') return node;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'default' || conditions.includes(k)) {
        const got = pick(v);
        if (got) return got;
      }
    }
    return null;
  };
  const target = pick(map);
  assert.ok(target, `no export for conditions ${conditions}`);
  return target.replace(/^\.\//, '');
}

/** Runs a command (no shell), resolving to its exit code and output; kills it after `timeoutMs`. */
function run(cmd, args, { cwd = work, timeoutMs = 120_000 } = {}) {
  assert.ok(existsSync(cmd), `${cmd} is missing: the runtime did not install (run scripts/setup.sh / npm install)`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out }); });
  });
}

/** The report line of a run, checked: every smoke check passed, and the expected entry file was loaded. */
function assertReport({ code, signal, out }, { runtime, entry, checks = SMOKE_CHECKS, tag = 'JIFEN-SMOKE' }) {
  const line = out.split('\n').find((l) => l.startsWith(`${tag} `));
  assert.ok(line, `${runtime}: no ${tag} report (exit ${code}${signal ? `, ${signal}` : ''}); output:\n${out}`);
  const r = JSON.parse(line.slice(`${tag} `.length));
  const failures = r.checks.filter((c) => !c.ok).map((c) => `  ✗ ${c.name}\n    ${c.error}`).join('\n');
  assert.equal(r.failed, 0, `${runtime}: ${r.failed} check(s) failed:\n${failures}`);
  assert.equal(r.passed, checks, `${runtime}: expected ${checks} checks to pass, got ${r.passed}`);
  assert.ok(String(r.entry).endsWith(`/${entry}`), `${runtime}: loaded ${r.entry}, expected the package's ${entry}`);
  assert.equal(code, 0, `${runtime}: exit ${code}; output:\n${out}`);
  for (const c of r.checks) console.log(`    ${runtime}: ✓ ${c.name}`);
}

/** The `jifen/sign` report line of a run, checked the same way. */
const assertSignReport = (res, { runtime, entry, checks = SIGN_CHECKS }) =>
  assertReport(res, { runtime, entry, checks, tag: 'JIFEN-SIGN-SMOKE' });

const node22 = bin('node');

for (const [runtime, cmd, driver, entry] of [
  ['node20-esm', process.execPath, 'esm-driver.mjs', 'node.js'],
  ['node20-cjs', process.execPath, 'cjs-driver.cjs', 'node.cjs'],
  ['node22-esm', node22, 'esm-driver.mjs', 'node.js'],
  ['node22-cjs', node22, 'cjs-driver.cjs', 'node.cjs'],
  ['bun-esm', bin('bun'), 'esm-driver.mjs', 'node.js'],
  ['bun-cjs', bin('bun'), 'cjs-driver.cjs', 'node.cjs'],
]) {
  test(`${runtime}: smoke test through the package's exports map (jifen, then jifen/sign)`, async () => {
    sim.reset();
    if (runtime.startsWith('node20')) assert.match(process.version, /^v20\./, 'the harness itself is the Node 20 runtime');
    const res = await run(cmd, [driver, runtime, JSON.stringify(fixture)]);
    if (runtime.startsWith('node22')) assert.match((await run(cmd, ['--version'])).out, /^v22\./);
    assertReport(res, { runtime, entry });
    assertSignReport(res, { runtime, entry: `sign/${entry}` });
  });
}

test('deno: smoke test with no permission but the network to 127.0.0.1', async () => {
  sim.reset();
  const res = await run(bin('deno'), ['run', '--no-prompt', '--no-lock', '--allow-net=127.0.0.1', 'esm-driver.mjs', 'deno', JSON.stringify(fixture)]);
  assertReport(res, { runtime: 'deno', entry: 'deno.js' });
  assertSignReport(res, { runtime: 'deno', entry: 'sign/deno.js' });
});

test('workerd: smoke test as a Worker (`workerd test`), the wasm embedded as a module', async () => {
  sim.reset();
  const entry = exportFor(['workerd', 'worker', 'import']);
  const signEntry = exportFor(['workerd', 'worker', 'import'], './sign');
  const files = [];
  const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); statSync(p).isDirectory() ? walk(p) : files.push(relative(pkg, p).split(sep).join('/')); } };
  walk(pkg);
  // The package's ES modules keep their relative names; the entry is also reachable as bare "jifen",
  // which is what a bundler (wrangler) does with the exports map.
  const modules = [
    '(name = "driver.js", esModule = embed "workerd-driver.mjs")',
    '(name = "smoke.mjs", esModule = embed "smoke.mjs")',
    `(name = "jifen", esModule = embed "pkg/${entry}")`,
    ...files.filter((f) => f.endsWith('.js') && f !== entry).map((f) => `(name = "${f}", esModule = embed "pkg/${f}")`),
    ...files.filter((f) => f.endsWith('.wasm')).map((f) => `(name = "${f}", wasm = embed "pkg/${f}")`),
  ];
  writeFileSync(join(work, 'workerd.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smoke),
    # The built-in "internet" service refuses local addresses; the simulator is on 127.0.0.1.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
);
const smoke :Workerd.Worker = (
  compatibilityDate = "2026-11-01",
  modules = [
    ${modules.join(',\n    ')},
  ],
  bindings = [
    (name = "FIXTURE", text = embed "fixture.json"),
    (name = "ENTRY", text = "pkg/${entry}"),
    # jifen/sign's entry under its own module name (its path in the package), imported by the driver.
    (name = "SIGN_ENTRY", text = "${signEntry}"),
  ],
);
`);
  const res = await run(bin('workerd'), ['test', 'workerd.capnp']);
  assertReport(res, { runtime: 'workerd', entry: 'workerd.js' });
  assertSignReport(res, { runtime: 'workerd', entry: 'sign/workerd.js' });
});

test('workerd: the gateway Worker (www-demo/worker/) serves the package over HTTP, for each vendor', async () => {
  sim.reset();
  // The gateway loads the file the exports map names for workerd.
  const entry = exportFor(['workerd', 'worker', 'import']);
  const modules = moduleGraph().filter((m) => !m.npm).map((m) => relative(GATEWAY_ROOT, m.path).split(sep).join('/'));
  assert.ok(modules.includes(`pkg/${entry}`), `the gateway does not load pkg/${entry}: ${modules.join(', ')}`);
  const adminToken = 'runtime-smoke-admin-token-not-secret';
  const members = { kingdee: ['id:1480000000000000001,card:1490000000000000001', 500], freemud: ['id:115589208394311926', 300], qimai: ['id:383933091455959041', 1000] };
  for (const [vendor, [member, balance]] of Object.entries(members)) {
    const gw = await startGateway({ vendor, credentials: fixture.accounts[vendor], upstream: `${sim.url}/${vendor}`, adminToken, port: 0 });
    try {
      const get = async (path) => {
        const r = await fetch(gw.url + path, { headers: { authorization: `Bearer ${adminToken}` } });
        const body = await r.json();
        assert.equal(r.status, 200, `${vendor} ${path}: ${JSON.stringify(body)}`);
        return body;
      };
      assert.equal((await get('/api/capabilities')).vendor, vendor);
      assert.equal((await get(`/api/balance?member=${member}`)).available, balance, `${vendor}: seeded balance`);
      assert.ok((await get(`/api/ledger?member=${member}&pageSize=2`)).entries.length > 0, `${vendor}: ledger`);
      console.log(`    workerd-gateway: ✓ ${vendor} capabilities, balance, ledger`);
    } finally {
      await gw.stop();
    }
  }
});

/** A static server for the page, the package and the fixture, on 127.0.0.1. */
async function serveStatic(entry, signEntry) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.cjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (path === '/') file = { body: readFileSync(join(here, 'browser.html'), 'utf8').replace('/pkg/ENTRY', `/pkg/${entry}`).replace('/pkg/SIGN_ENTRY', `/pkg/${signEntry}`), type: types['.html'] };
    else if (path === '/fixture.json') file = { body: JSON.stringify(fixture), type: types['.json'] };
    else {
      const [, base, rest] = /^\/(pkg|tests)\/(.+)$/.exec(path) ?? [];
      const dir = base === 'pkg' ? pkg : base === 'tests' ? here : null;
      const full = dir && join(dir, rest);
      if (full && full.startsWith(dir + sep) && existsSync(full) && statSync(full).isFile()) file = { body: readFileSync(full), type: types[extname(full)] ?? 'application/octet-stream' };
    }
    if (!file) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

for (const mode of ['explicit', 'lazy']) {
  test(`chromium (headless, playwright-core): smoke test, ${mode === 'explicit' ? 'after an explicit `await init(source)`' : 'with no init() call (buildRequest loads the wasm)'}`, async () => {
    sim.reset();
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
    const entry = exportFor(['browser', 'import']);
    const signEntry = exportFor(['browser', 'import'], './sign');
    const { chromium } = await import('playwright-core');
    const { server, url } = await serveStatic(entry, signEntry);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const logs = [];
      page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e}`));
      page.on('response', (r) => { if (r.status() >= 400) logs.push(`HTTP ${r.status()} ${r.url()}`); });
      await page.goto(`${url}/?init=${mode}`);
      const result = await page.waitForFunction(() => window.__jifenSmoke, null, { timeout: 30_000 })
        .then((h) => h.jsonValue(), (e) => assert.fail(`no result from the page (${e.message}):\n${logs.join('\n')}`));
      const signResult = await page.waitForFunction(() => window.__jifenSignSmoke, null, { timeout: 30_000 })
        .then((h) => h.jsonValue(), (e) => assert.fail(`no jifen/sign result from the page (${e.message}):\n${logs.join('\n')}`));
      const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      assertReport({ code: 0, out: `JIFEN-SMOKE ${JSON.stringify(result)}` },
        { runtime: `chromium-${mode}`, entry: 'browser.js', checks: SMOKE_CHECKS + 1 });
      assert.ok(loaded.some((n) => n.endsWith('/pkg/jifen_wasm_bg.wasm')), `the page never fetched pkg/jifen_wasm_bg.wasm: ${loaded}`);
      assertSignReport({ code: 0, out: `JIFEN-SIGN-SMOKE ${JSON.stringify(signResult)}` },
        { runtime: `chromium-${mode}`, entry: 'sign/browser.js', checks: SIGN_CHECKS + 1 });
      assert.ok(loaded.some((n) => n.endsWith('/pkg/sign/jifen_wasm_bg.wasm')), `the page never fetched pkg/sign/jifen_wasm_bg.wasm: ${loaded}`);
    } finally {
      await browser.close();
      server.close();
    }
  });
}
