// The package as a user gets it: `npm pack` of pkg/, installed from the tarball into a scratch
// project (offline: jifen has no dependencies), then every example in examples/ run there with the
// command examples/README.md gives, each under `jifen sim` from that installed package: Node ESM and
// CommonJS, TypeScript (tsc --strict, then Node), Bun, Deno, the browser page in Chromium, and the
// Cloudflare Worker in `wrangler dev`. `wrangler deploy --dry-run` bundles the Worker example and
// the gateway (www-demo/worker) offline. Tools: the repository's devDependencies (node_modules/.bin).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'node_modules', '.bin');
const EXAMPLES = ['node-esm', 'node-cjs', 'typescript', 'bun', 'deno', 'browser', 'cloudflare-worker'];
// No telemetry, no update check; the repository's tools first on PATH, Node 20 (this process) first of all.
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JIFEN_'))),
  PATH: `${join(process.execPath, '..')}:${bin}:${process.env.PATH}`,
  WRANGLER_SEND_METRICS: 'false',
  NO_UPDATE_NOTIFIER: '1',
};
let work;

before(() => {
  assert.ok(existsSync(join(root, 'pkg', 'cli.js')), 'pkg/ is not built: run `make build` first');
  work = mkdtempSync(join(tmpdir(), 'jifen-examples-'));
  const pack = spawnSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: join(root, 'pkg'), encoding: 'utf8', env: ENV });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = pack.stdout.trim().split('\n').pop();
  assert.match(tgz, /^jifen-\d+\.\d+\.\d+\.tgz$/);
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tgz}`], { cwd: work, encoding: 'utf8', env: ENV });
  assert.equal(install.status, 0, install.stderr);
  for (const name of EXAMPLES) cpSync(join(root, 'examples', name), join(work, name), { recursive: true });
});
after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

/** `jifen sim -q -- …command` in the scratch project, with the installed package's bin. */
function underSim(command, { cwd = work, env = {}, timeout = 90_000 } = {}) {
  return new Promise((resolve) => {
    execFile(join(work, 'node_modules', '.bin', 'jifen'), ['sim', '-q', '--', ...command], { cwd, encoding: 'utf8', timeout, env: { ...ENV, ...env } },
      (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }).on('error', reject);
});

test('the tarball holds the CLI, jifen/sim and its data, and every example is tested here', () => {
  const pkg = join(work, 'node_modules', 'jifen');
  for (const f of ['cli.js', 'sim.d.ts', 'sim/index.mjs', 'sim/server.mjs', 'sim/accounts.json', 'sim/seed.json', 'sim/keys/merchant_public.pem', 'file_token_cache.cjs']) {
    assert.ok(existsSync(join(pkg, f)), f);
  }
  const inRepo = readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'node_modules').map((d) => d.name).sort();
  assert.deepEqual(inRepo, [...EXAMPLES].sort(), 'a new example folder needs a test here');
});

test('jifen/sim from the installed package: startSimulator() → { url, accounts, stop }', async () => {
  writeFileSync(join(work, 'sim-check.mjs'), `
    import { startSimulator } from 'jifen/sim';
    import { Client } from 'jifen';
    const sim = await startSimulator();
    const { available } = await new Client(sim.accounts.qimai).getBalance({ member: { id: '383933091455959041' } });
    await sim.stop();
    console.log(sim.url.startsWith('http://127.0.0.1:') && available === 1000 ? 'ok' : 'wrong');`);
  const r = spawnSync(process.execPath, ['sim-check.mjs'], { cwd: work, encoding: 'utf8', env: ENV });
  assert.equal(r.stdout.trim(), 'ok', r.stderr);
});

test('jifen/sign from the installed tarball: Node import and require sign as jifen does; wrangler bundles a signing Worker with its wasm only', () => {
  writeFileSync(join(work, 'sign-check.mjs'), `
    import { createRequire } from 'node:module';
    import { Signer, buildRequest } from 'jifen/sign';
    import * as jifen from 'jifen';
    const { accounts } = JSON.parse(process.argv[2]);
    const config = { ...accounts.kingdee, baseUrl: 'http://127.0.0.1:9/kingdee' };
    const args = ['/jdy/v2/ls/integral_record', { mobile: '13800138000' }, { timestamp: 1700000000000, nonce: '1234567890' }];
    const want = JSON.stringify(await jifen.buildRequest(config, ...args));
    const cjs = createRequire(import.meta.url)('jifen/sign');
    const got = [await buildRequest(config, ...args), new Signer(config).buildSync(...args), new cjs.Signer(config).buildSync(...args)];
    console.log(got.every((r) => JSON.stringify(r) === want) && !('Client' in cjs) ? 'ok' : 'wrong');`);
  const accounts = JSON.parse(readFileSync(join(work, 'node_modules', 'jifen', 'sim', 'accounts.json'), 'utf8'));
  const r = spawnSync(process.execPath, ['sign-check.mjs', JSON.stringify({ accounts })], { cwd: work, encoding: 'utf8', env: ENV });
  assert.equal(r.stdout.trim(), 'ok', r.stderr);
  // A Worker that only signs: wrangler resolves "jifen/sign" through the workerd condition and bundles its wasm.
  const dir = join(work, 'sign-worker');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.js'), `import { Signer } from 'jifen/sign';
export default {
  async fetch(request, env) {
    const signer = new Signer(JSON.parse(env.CONFIG));
    return Response.json(signer.buildSync('/jdy/v2/ls/integral_record', { mobile: '13800138000' }));
  },
};
`);
  writeFileSync(join(dir, 'wrangler.toml'), 'name = "jifen-sign-check"\nmain = "index.js"\ncompatibility_date = "2025-09-01"\n');
  const outdir = join(work, 'dist-sign');
  const b = spawnSync(join(bin, 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 120_000 });
  assert.equal(b.status, 0, b.stdout + b.stderr);
  const wasm = readdirSync(outdir).filter((f) => f.endsWith('.wasm'));
  const signWasm = statSync(join(work, 'node_modules', 'jifen', 'sign', 'jifen_wasm_bg.wasm')).size;
  assert.deepEqual(wasm.map((f) => statSync(join(outdir, f)).size), [signWasm], `bundled: ${wasm}`);
});

test('node-esm: balance, +10, ledger', async () => {
  const r = await underSim(['node', 'node-esm/index.mjs']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^balance: 1000\nadjusted \+10: applied=true balance=1010\nledger \S+ 10 /);
});

test('node-cjs (require, Freemud): balance, +5', async () => {
  const r = await underSim(['node', 'node-cjs/index.cjs']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'balance: 300\nadjusted +5: applied=true balance=305\n');
});

test('typescript: tsc --strict against the installed declarations, then Node', async () => {
  const tsc = spawnSync(join(bin, 'tsc'), ['-p', 'typescript'], { cwd: work, encoding: 'utf8', env: ENV });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  const r = await underSim(['node', 'typescript/dist/index.js']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'balance: 1000 (100 expiring 2025-12-31 23:59:59)\ngetBalance agrees: true\n');
});

test('typescript: jifen/sim and fileTokenCache are typed (a wrong use fails tsc)', () => {
  const dir = join(work, 'ts-sim');
  cpSync(join(work, 'typescript', 'tsconfig.json'), join(dir, 'tsconfig.json'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const ok = `import { startSimulator } from "jifen/sim";
import { Client, fileTokenCache, type QimaiConfig, type TokenCache } from "jifen";
const sim = await startSimulator({ port: 0 });
const config: QimaiConfig = sim.accounts.qimai;
const cache: TokenCache = fileTokenCache(".jifen/t.json");
new Client(sim.accounts.kingdee, { tokenCache: cache });
const url: string = sim.url;
await sim.stop();
export { config, url };
`;
  const compile = (source) => {
    writeFileSync(join(dir, 'index.ts'), source);
    return spawnSync(join(bin, 'tsc'), ['-p', '.', '--noEmit'], { cwd: dir, encoding: 'utf8', env: ENV });
  };
  const good = compile(ok);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  const bad = compile(ok.replace('startSimulator({ port: 0 })', 'startSimulator({ port: "0" })'));
  assert.notEqual(bad.status, 0, 'a string port must not type-check');
  assert.match(bad.stdout + bad.stderr, /index\.ts/);
});

test('bun (Kingdee, fileTokenCache): two runs against one simulator, one token call, a 0600 file', async () => {
  const cache = join(work, '.jifen', 'kingdee-token.json'); // the example's default path (jifen sim passes no JIFEN_* of ours)
  const count = 'fetch(process.env.JIFEN_SIM_URL + "/_sim/state").then((r) => r.json()).then((s) => console.log("token calls: " + s.kingdee.counters.tokenEndpointHits))';
  const r = await underSim(['sh', '-c', `bun bun/index.ts && bun bun/index.ts && node -e '${count}'`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'balance: 500 (earned in all: 800)\n'.repeat(2) + 'token calls: 1\n');
  assert.equal(statSync(cache).mode & 0o777, 0o600);
});

test('deno: a dry run, then the balance', async () => {
  const r = await underSim(['deno', 'run', '--allow-net', '--allow-env', 'deno/main.ts'], { env: { DENO_NO_UPDATE_CHECK: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^dry run: POST http:\/\/127\.0\.0\.1:\d+\/qimai\/v3\/crm\/points\/getCustomerPoints\nbalance: 1000\n$/);
});

test('browser: the page in Chromium signs and reads the balance from the simulator', async () => {
  const { chromium } = await import('playwright-core');
  const child = spawn(join(work, 'node_modules', '.bin', 'jifen'), ['sim', '-q', '--', 'node', 'browser/serve.mjs'], { cwd: work, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  let browser;
  try {
    for (let i = 0; i < 200 && !/open (http\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /open (http\S+)/.exec(out)?.[1];
    assert.ok(url, `serve.mjs printed no URL: ${err}`);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('#out[data-status]', { timeout: 30_000 });
    const text = await page.textContent('#out');
    assert.equal(await page.getAttribute('#out', 'data-status'), 'ok', text);
    assert.match(text, /^dry run: POST http:\/\/127\.0\.0\.1:\d+\/qimai\/v3\/crm\/points\/getCustomerPoints\nbalance: 1000$/);
  } finally {
    await browser?.close();
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, 'jifen sim stops serve.mjs and exits 0 on SIGTERM');
});

test('wrangler deploy --dry-run bundles the Worker example and the gateway (offline)', () => {
  for (const [name, cwd] of [['example', join(work, 'cloudflare-worker')], ['gateway', join(root, 'www-demo', 'worker')]]) {
    const outdir = join(work, `dist-${name}`);
    const r = spawnSync(join(bin, 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], { cwd, encoding: 'utf8', env: ENV, timeout: 120_000 });
    assert.equal(r.status, 0, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /env\.JIFEN_COORDINATOR \(JifenCoordinator\)\s+Durable Object/, name);
    const files = readdirSync(outdir);
    assert.ok(files.includes('index.js') && files.some((f) => f.endsWith('.wasm')), `${name}: ${files}`);
  }
});

test('wrangler dev: the Worker example answers a balance through its Durable Object stores', async () => {
  const [port, inspector] = [await freePort(), await freePort()];
  const token = 'example-bearer-not-a-secret';
  const child = spawn(join(work, 'node_modules', '.bin', 'jifen'),
    ['sim', '-q', '--', 'wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)],
    { cwd: join(work, 'cloudflare-worker'), env: { ...ENV, CLOUDFLARE_INCLUDE_PROCESS_ENV: 'true', API_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  try {
    const url = `http://127.0.0.1:${port}`;
    let res;
    for (let i = 0; i < 120 && !res; i++) {
      res = await fetch(`${url}/balance?id=1480000000000000001&card=1490000000000000001`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(res, `wrangler dev did not answer within 60 s:\n${log.slice(-2000)}`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { available: 500, total: 800 });
    const denied = await fetch(`${url}/balance?id=1`);
    assert.equal(denied.status, 401, 'no bearer token, no answer');
    const auth = { authorization: `Bearer ${token}` };
    const adjust = (body) => fetch(`${url}/adjust`, { method: 'POST', headers: auth, body });
    const change = JSON.stringify({ member: { mobile: '13800138000' }, delta: 3, reason: 'promotion', idempotencyKey: 'example-wrangler-1' });
    const first = await adjust(change);
    assert.equal(first.status, 200, await first.clone().text());
    assert.equal((await first.json()).applied, true); // Kingdee's reply carries no balance
    const again = await adjust(change); // the same key: the recorded outcome, not a second change
    assert.equal(again.status, 200);
    const after = await fetch(`${url}/balance?id=1480000000000000001&card=1490000000000000001`, { headers: auth });
    assert.equal((await after.json()).available, 503, 'the same key applied once');
    assert.equal((await adjust('{not json')).status, 400);
  } finally {
    child.kill('SIGTERM');
  }
  await exited;
});

test('wrangler dev: the gateway (www-demo/worker/wrangler.toml) answers a balance from the simulator', async () => {
  const [port, inspector] = [await freePort(), await freePort()];
  const { startSimulator } = await import(join(work, 'node_modules', 'jifen', 'sim', 'index.mjs'));
  const sim = await startSimulator();
  const admin = 'gateway-admin-token-not-a-secret';
  const q = sim.accounts.qimai;
  // One staff account (STAFF holds the token's digest; www-demo/worker/README.md, "Staff accounts").
  const { staffBinding } = await import(join(root, 'www-demo', 'worker', 'staff-tool.mjs'));
  const STAFF = staffBinding([{ id: 'admin', name: 'admin', role: 'admin', token: admin }]);
  const vars = { VENDOR: 'qimai', UPSTREAM: q.baseUrl, STAFF, QIMAI_OPEN_ID: q.openId, QIMAI_GRANT_CODE: q.grantCode, QIMAI_OPEN_KEY: q.openKey };
  // State (the Durable Object's storage) in the scratch folder, not in the repository.
  const child = spawn(join(bin, 'wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector),
    '--persist-to', join(work, 'gateway-state'), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
  { cwd: join(root, 'www-demo', 'worker'), env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  try {
    let res;
    for (let i = 0; i < 120 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/api/balance?member=id:383933091455959041`, { headers: { authorization: `Bearer ${admin}` } }).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(res, `wrangler dev did not answer within 60 s:\n${log.slice(-2000)}`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.available, 1000);
  } finally {
    child.kill('SIGTERM');
    await exited;
    await sim.stop();
  }
});

test('plain workerd: the npm README\'s module list, as written, runs a Worker calling the simulator', async () => {
  const readme = readFileSync(join(work, 'node_modules', 'jifen', 'README.md'), 'utf8');
  const list = /```capnp\n(modules = \[[\s\S]*?\],)\n```/.exec(readme)?.[1];
  assert.ok(list, 'the package README has a ```capnp modules = [...] block');
  const { startSimulator } = await import(join(work, 'node_modules', 'jifen', 'sim', 'index.mjs'));
  const sim = await startSimulator();
  try {
    const dir = join(work, 'plain-workerd');
    mkdirSync(dir);
    symlinkSync(join(work, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'config.json'), JSON.stringify(sim.accounts.qimai));
    writeFileSync(join(dir, 'worker.js'), `import { Client } from "jifen";
export default {
  async test(ctrl, env) {
    const { available } = await new Client(JSON.parse(env.CONFIG)).getBalance({ member: { id: "383933091455959041" } });
    if (available !== 1000) throw new Error("balance " + available);
  },
};
`);
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .w),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
);
const w :Workerd.Worker = (
  compatibilityDate = "2025-09-01",
  ${list}
  bindings = [ (name = "CONFIG", text = embed "config.json") ],
);
`);
    // Asynchronously: the simulator answers from this process.
    const r = await new Promise((resolve) => execFile(join(bin, 'workerd'), ['test', 'config.capnp'], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ status: err ? err.code ?? 1 : 0, stdout, stderr })));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /\[ PASS \] main\b/);
  } finally {
    await sim.stop();
  }
});

