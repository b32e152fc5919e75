// Starts and stops the gateway under workerd (node_modules/.bin/workerd, run
// directly so its PID is the one to stop), and the coordinator process that
// several gateway processes share. Used by the tests, the demo and by hand:
//
//   node www-demo/worker/gateway.mjs              # a gateway; env: VENDOR, UPSTREAM, STAFF, ADMIN_ORIGIN, PORT,
//                                                 #   vendor bindings, JIFEN_STORAGE_DIR (default .state/gateway-<vendor>),
//                                                 #   JIFEN_COORDINATOR_URL + JIFEN_COORDINATOR_TOKEN (use a coordinator process)
//   node www-demo/worker/gateway.mjs coordinator  # a coordinator; env: PORT (default 8790), JIFEN_COORDINATOR_TOKEN
//                                                 #   (required, 16+ characters), JIFEN_STORAGE_DIR (default .state/coordinator)
//
// From code (every handle: url, pid, storageDir, output(), stop(), kill(), restart()):
//
//   const gw = await startGateway({ vendor: 'kingdee', credentials: accounts.kingdee,
//     upstream: `${sim.url}/kingdee`, staff: [{ id: 'wang', name: '王芳', role: 'operator',
//     limit: 500, token }], adminOrigin, port: 0 });
//
// `adminToken` (tests, tools) is short for one account, `admin` (role admin), with that token.
//   gw.url; gw.pid; gw.output(); await gw.stop();
//
// Durable Object storage (the JifenCoordinator namespace: idempotency keys and
// the Kingdee token) is on disk. `storageDir: '/abs/dir'` puts it there and
// leaves it there; without it the gateway makes its own temporary directory,
// kept across kill()/restart() and removed by stop(). `storage: 'memory'` keeps
// it in memory (gone with the process; a Kingdee gateway then refuses adjust,
// README "Idempotency and state"). One storage directory serves one workerd
// process at a time (a second start on it is refused while the first lives).
//
//   await gw.kill();      // SIGKILL to workerd's PID (default signal), waits for it to exit; storage kept
//   await gw.restart();   // workerd again, same config, same ports, same storage; gw.pid is the new PID
//
// Two gateway processes sharing one store: a coordinator process hosts the
// objects on disk; each gateway reaches it over loopback (an `external`
// service binding, JIFEN_COORDINATOR_SERVICE, with the coordinator's token):
//
//   const co = await startCoordinator({ storageDir });   // { url, token, pid, storageDir, output, stop, kill, restart }
//   const a = await startGateway({ ..., coordinatorUrl: co.url, coordinatorToken: co.token });
//   const b = await startGateway({ ..., coordinatorUrl: co.url, coordinatorToken: co.token });
//
// Fleet options: `instances: n` serves n separate gateway Workers (n isolates,
// each its own Client) on n ports (`gw.urls`) in one process; `coordinator`
// (default true; ignored with coordinatorUrl) gives them one Durable Object
// namespace of JifenCoordinator (JIFEN_COORDINATOR) in this process; `kv:
// 'host:port'` binds JIFEN_KV to a local KV service (kv-local.mjs); `front:
// '<module path>'` adds a Worker on its own port (`gw.frontUrl`) that reaches
// the gateway through a service binding (tests: a caller that gives up there
// cancels the gateway's request as a disconnecting client does on Cloudflare).
// `bindings: { ALLOW_UNSHARED_KINGDEE_STORE: '1' }` lets a Kingdee gateway
// without a shared, durable store adjust (local development only).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ROOT, coordinatorConfig, renderConfig } from './capnp.mjs';
import { VENDORS, VENDOR_BINDINGS, bindingNames, bindingsFor } from './src/config.js';
import { staffBinding } from './staff-tool.mjs';

/** The workerd binary from the npm package (pinned in the root package.json). */
export const WORKERD = join(ROOT, 'node_modules', '.bin', 'workerd');

/** Where the CLI keeps Durable Object storage by default (ignored by git). */
export const STATE_DIR = join(ROOT, '.state');

function freePort(host) {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolveP(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PID_FILE = 'workerd.pid';

/**
 * Is `pid` alive and still the workerd that serves `configPath`? A PID file left by a killed
 * process names a dead PID, or one reused by another process (another workerd, even).
 */
function liveWorkerd(pid, configPath) {
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('workerd') && cmdline.includes(configPath);
  } catch {
    return false; // dead, or another user's (not one we started)
  }
}

/**
 * The storage directory to use: `storageDir` made absolute and created, or a
 * fresh temporary one (`owned`: removed by stop()). Refused while another live
 * workerd uses it: two processes on one SQLite file would corrupt it.
 */
function prepareStorage(storageDir, prefix) {
  if (storageDir === undefined || storageDir === null) return { dir: mkdtempSync(join(tmpdir(), prefix)), owned: true };
  if (typeof storageDir !== 'string' || storageDir === '') throw new Error('storageDir must be a directory path');
  const dir = resolve(storageDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let pid = NaN;
  let configPath = '';
  try {
    [pid, configPath] = readFileSync(join(dir, PID_FILE), 'utf8').split('\n');
    pid = Number(pid);
  } catch { /* none */ }
  if (Number.isSafeInteger(pid) && pid > 0 && configPath && liveWorkerd(pid, configPath)) {
    throw new Error(`storage directory ${dir} is in use by workerd pid ${pid}: stop it, or give another storageDir`);
  }
  return { dir, owned: false };
}

/**
 * Spawns workerd on a config written by `render(addresses)` and waits until
 * every address answers HTTP. `count` addresses on free ports (retried on a
 * port race), or exactly `addresses`. Returns { child, exited, addresses, output }.
 */
async function launch({ render, count, addresses: fixed = null, port = 0, host, env, dir, log, label, readyTimeoutMs, storageDir }) {
  const configPath = join(dir, `${label}.capnp`);
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    let addresses = fixed;
    if (!addresses) {
      const ports = [];
      for (let i = 0; i < count; i++) {
        let p = port === 0 ? await freePort(host) : port;
        while (ports.includes(p)) p = await freePort(host);
        ports.push(p);
      }
      addresses = ports.map((p) => `${host}:${p}`);
    }
    writeFileSync(configPath, render(addresses), { mode: 0o600 });
    const child = spawn(WORKERD, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (storageDir) writeFileSync(join(storageDir, PID_FILE), `${child.pid}\n${configPath}`);
    let out = '';
    const onData = (d) => {
      out += d;
      if (log) process.stderr.write(`[${label}] ${d}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    let gone = null;
    exited.then((x) => { gone = x; });
    const urls = addresses.map((a) => `http://${a}`);
    const deadline = Date.now() + readyTimeoutMs;
    const ready = new Set();
    while (!gone && Date.now() < deadline) {
      for (const url of urls) {
        if (ready.has(url)) continue;
        try {
          const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
          await r.body?.cancel();
          ready.add(url);
        } catch {
          // not yet
        }
      }
      if (ready.size === urls.length) return { child, exited, addresses, output: () => out };
      await sleep(50);
    }
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`workerd did not answer within ${readyTimeoutMs} ms:\n${out}`);
    }
    lastError = out;
    // A taken port (a race with another process): try others; anything else is fatal.
    if (fixed || port !== 0 || !/address already in use|EADDRINUSE/i.test(out)) break;
  }
  throw new Error(`workerd exited before serving:\n${lastError}`);
}

/**
 * A handle on a workerd process started by `launch`. `start(addresses)` runs
 * it again (restart); `cleanup()` removes what stop() removes.
 */
function processHandle(fields, started, start, cleanup) {
  let run = started;
  let stopping = null;
  const exitedNow = () => run.child.exitCode !== null || run.child.signalCode !== null;
  const handle = {
    ...fields,
    pid: run.child.pid,
    /** Everything this workerd process printed so far (stdout and stderr); after restart(), the new process's. */
    output: () => run.output(),
    /** Sends `signal` (default SIGKILL) to workerd's PID and waits until it has exited; storage stays. */
    async kill(signal = 'SIGKILL') {
      if (!exitedNow()) {
        try { process.kill(run.child.pid, signal); } catch { /* gone already */ }
      }
      await run.exited;
    },
    /** Starts workerd again on the same config, ports and storage (after kill()); updates `pid`. */
    async restart() {
      if (stopping) throw new Error('stopped');
      if (!exitedNow()) throw new Error(`workerd pid ${run.child.pid} is still running: kill() it first`);
      run = await start(run.addresses);
      handle.pid = run.child.pid;
      return handle;
    },
    /** Stops workerd by its PID: SIGTERM, then SIGKILL after 5 s; removes the config (and a storage directory of its own). */
    stop() {
      stopping ??= (async () => {
        if (!exitedNow()) {
          try { process.kill(run.child.pid, 'SIGTERM'); } catch { /* already gone (e.g. the demo's process group got the signal) */ }
          const timer = setTimeout(() => {
            try { process.kill(run.child.pid, 'SIGKILL'); } catch { /* gone */ }
          }, 5000);
          await run.exited;
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopping;
    },
  };
  return handle;
}

/**
 * Starts workerd serving the gateway. `credentials` is a jifen config object
 * for `vendor` (e.g. sim/accounts.json's entry); `bindings` adds or overrides
 * raw env bindings. Resolves once the gateway answers HTTP. See the header for
 * `storageDir`, `storage`, `coordinatorUrl`/`coordinatorToken` and the handle.
 */
export async function startGateway({
  vendor = 'kingdee', credentials = {}, upstream, adminToken, staff = null, adminOrigin, port = 0, host = '127.0.0.1',
  bindings = {}, maxBodyBytes, log = false, readyTimeoutMs = 30_000,
  instances = 1, coordinator = true, kv = null, front = null,
  storageDir, storage = 'disk', coordinatorUrl = null, coordinatorToken = null,
} = {}) {
  if (!Number.isSafeInteger(instances) || instances < 1 || instances > 16) throw new Error('instances must be 1..16');
  if (port !== 0 && instances > 1) throw new Error('a fixed port serves one instance only');
  if (!VENDORS.includes(vendor)) throw new Error(`vendor must be one of ${VENDORS.join(', ')}`);
  if (!['disk', 'memory'].includes(storage)) throw new Error("storage must be 'disk' or 'memory'");
  if (storage === 'memory' && storageDir) throw new Error("storage: 'memory' takes no storageDir");
  let coordinatorService = null;
  if (coordinatorUrl) {
    const m = /^http:\/\/([\w.-]+:\d+)\/?$/.exec(coordinatorUrl);
    if (!m) throw new Error(`coordinatorUrl must be http://host:port, not ${coordinatorUrl}`);
    if (typeof coordinatorToken !== 'string' || coordinatorToken.length < 16) throw new Error('coordinatorUrl needs coordinatorToken (the coordinator\'s, 16+ characters)');
    coordinatorService = m[1];
  }
  const localCoordinator = coordinator && !coordinatorService;
  if (!existsSync(WORKERD)) throw new Error(`${WORKERD} is missing: run npm install (make setup)`);
  if (!existsSync(join(ROOT, 'pkg', 'jifen_wasm_bg.wasm'))) throw new Error('pkg/ is missing: run make build');
  const values = {
    VENDOR: vendor,
    ...(upstream ? { UPSTREAM: upstream } : {}),
    ...(adminToken || staff ? {
      STAFF: staffBinding([...(adminToken ? [{ id: 'admin', name: 'admin', role: 'admin', token: adminToken }] : []), ...(staff ?? [])]),
    } : {}),
    ...(adminOrigin ? { ADMIN_ORIGIN: adminOrigin } : {}),
    ...(maxBodyBytes ? { MAX_BODY_BYTES: String(maxBodyBytes) } : {}),
    ...(localCoordinator && storage === 'memory' ? { JIFEN_COORDINATOR_STORAGE: 'memory' } : {}),
    ...(coordinatorService ? { JIFEN_COORDINATOR_TOKEN: coordinatorToken } : {}),
    ...bindingsFor(vendor, credentials),
    ...bindings,
  };
  const names = [...new Set([...bindingNames(vendor), ...Object.keys(values)])];
  const store = localCoordinator && storage === 'disk' ? prepareStorage(storageDir, 'jifen-gateway-storage-') : null;
  const dir = mkdtempSync(join(tmpdir(), 'jifen-gateway-'));
  // The process environment: PATH and the binding values, nothing else inherited.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...values };
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    if (store?.owned) rmSync(store.dir, { recursive: true, force: true });
    else if (store) rmSync(join(store.dir, PID_FILE), { force: true });
  };
  const render = (addresses) => {
    const [gateways, frontAddress] = front ? [addresses.slice(0, -1), addresses.at(-1)] : [addresses, null];
    return renderConfig({
      configDir: dir, addresses: gateways, names, coordinator: localCoordinator, storageDir: store?.dir ?? null,
      coordinatorService, kv, front: front ? { module: front, address: frontAddress } : null,
    });
  };
  const start = (addresses = null) => launch({
    render, count: instances + (front ? 1 : 0), addresses, port, host, env, dir, log, label: 'gateway', readyTimeoutMs, storageDir: store?.dir,
  });
  let first;
  try {
    first = await start();
  } catch (e) {
    cleanup();
    throw e;
  }
  const urls = first.addresses.map((a) => `http://${a}`);
  return processHandle({
    /** The first instance's URL; `urls` has every instance's, in order. */
    url: urls[0],
    urls: front ? urls.slice(0, -1) : urls,
    /** With `front`: the URL of the Worker that calls the gateway through a service binding. */
    frontUrl: front ? urls.at(-1) : undefined,
    /** The Durable Object storage directory (null: in memory, or in the coordinator process). */
    storageDir: store?.dir ?? null,
  }, first, start, cleanup);
}

/**
 * Starts a coordinator process: workerd hosting JifenCoordinator objects on
 * disk in `storageDir` (default: a temporary directory of its own, removed by
 * stop()) for gateways in other processes (`startGateway({ coordinatorUrl:
 * co.url, coordinatorToken: co.token })`). `token` (default: 32 random bytes,
 * hex) is the bearer token it requires. Resolves once it answers HTTP.
 */
export async function startCoordinator({
  storageDir, port = 0, host = '127.0.0.1', token = randomBytes(32).toString('hex'), log = false, readyTimeoutMs = 30_000,
} = {}) {
  if (typeof token !== 'string' || token.length < 16) throw new Error('token must be at least 16 characters');
  if (!existsSync(WORKERD)) throw new Error(`${WORKERD} is missing: run npm install (make setup)`);
  const store = prepareStorage(storageDir, 'jifen-coordinator-storage-');
  const dir = mkdtempSync(join(tmpdir(), 'jifen-coordinator-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', JIFEN_COORDINATOR_TOKEN: token };
  const cleanup = () => {
    rmSync(dir, { recursive: true, force: true });
    if (store.owned) rmSync(store.dir, { recursive: true, force: true });
    else rmSync(join(store.dir, PID_FILE), { force: true });
  };
  const start = (addresses = null) => launch({
    render: ([address]) => coordinatorConfig({ configDir: dir, address, storageDir: store.dir }),
    count: 1, addresses, port, host, env, dir, log, label: 'coordinator', readyTimeoutMs, storageDir: store.dir,
  });
  let first;
  try {
    first = await start();
  } catch (e) {
    cleanup();
    throw e;
  }
  return processHandle({ url: `http://${first.addresses[0]}`, token, storageDir: store.dir }, first, start, cleanup);
}

// CLI: node www-demo/worker/gateway.mjs [coordinator] — configured by the environment.
if (import.meta.url === `file://${process.argv[1]}`) {
  const storageDir = (name) => {
    const d = process.env.JIFEN_STORAGE_DIR;
    return d ? (isAbsolute(d) ? d : resolve(d)) : join(STATE_DIR, name);
  };
  let handle;
  if (process.argv[2] === 'coordinator') {
    const token = process.env.JIFEN_COORDINATOR_TOKEN;
    if (!token || token.length < 16) {
      console.error('JIFEN_COORDINATOR_TOKEN (16+ characters) is required: the gateways present it');
      process.exit(2);
    }
    handle = await startCoordinator({ token, storageDir: storageDir('coordinator'), port: Number(process.env.PORT ?? 8790), log: true });
    console.log(`jifen coordinator at ${handle.url}, workerd pid ${handle.pid}, storage ${handle.storageDir}; Ctrl-C stops it`);
  } else {
    const vendor = process.env.VENDOR ?? 'kingdee';
    const bindings = {};
    for (const n of bindingNames(vendor)) if (process.env[n] !== undefined) bindings[n] = process.env[n];
    if (!VENDOR_BINDINGS[vendor]) {
      console.error(`VENDOR must be one of ${VENDORS.join(', ')}`);
      process.exit(2);
    }
    const coordinatorUrl = process.env.JIFEN_COORDINATOR_URL || null;
    handle = await startGateway({
      vendor, bindings, port: Number(process.env.PORT ?? 8701), log: true,
      ...(coordinatorUrl
        ? { coordinatorUrl, coordinatorToken: process.env.JIFEN_COORDINATOR_TOKEN }
        : { storageDir: storageDir(`gateway-${vendor}`) }),
    });
    const where = coordinatorUrl ? `store: coordinator ${coordinatorUrl}` : `storage ${handle.storageDir}`;
    console.log(`jifen gateway (${vendor}) at ${handle.url}, workerd pid ${handle.pid}, ${where}; Ctrl-C stops it`);
  }
  const stop = async () => { await handle.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
