// Starts and stops the gateway under workerd (node_modules/.bin/workerd, run
// directly so its PID is the one to stop). Used by the tests, the demo and by
// hand:
//
//   node www-demo/worker/gateway.mjs            # env: VENDOR, UPSTREAM, ADMIN_TOKEN, ADMIN_ORIGIN, PORT, vendor bindings
//
// From code:
//   const gw = await startGateway({ vendor: 'kingdee', credentials: accounts.kingdee,
//     upstream: `${sim.url}/kingdee`, adminToken, adminOrigin, port: 0 });
//   gw.url; gw.pid; gw.output(); await gw.stop();
//
// Fleet options: `instances: n` serves n separate gateway Workers (n isolates,
// each its own Client) on n ports (`gw.urls`); `coordinator` (default true)
// gives them one Durable Object namespace of JifenCoordinator (JIFEN_COORDINATOR,
// storage in memory) for idempotency keys and the Kingdee token; `kv:
// 'host:port'` binds JIFEN_KV to a local KV service (kv-local.mjs); `front:
// '<module path>'` adds a Worker on its own port (`gw.frontUrl`) that reaches
// the gateway through a service binding (tests: a caller that gives up there
// cancels the gateway's request as a disconnecting client does on Cloudflare).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, renderConfig } from './capnp.mjs';
import { VENDORS, VENDOR_BINDINGS, bindingNames, bindingsFor } from './src/config.js';

/** The workerd binary from the npm package (pinned in the root package.json). */
export const WORKERD = join(ROOT, 'node_modules', '.bin', 'workerd');

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

/**
 * Starts workerd serving the gateway. `credentials` is a jifen config object
 * for `vendor` (e.g. sim/accounts.json's entry); `bindings` adds or overrides
 * raw env bindings. Resolves once the gateway answers HTTP.
 */
export async function startGateway({
  vendor = 'kingdee', credentials = {}, upstream, adminToken, adminOrigin, port = 0, host = '127.0.0.1',
  bindings = {}, maxBodyBytes, log = false, readyTimeoutMs = 30_000,
  instances = 1, coordinator = true, kv = null, front = null,
} = {}) {
  if (!Number.isSafeInteger(instances) || instances < 1 || instances > 16) throw new Error('instances must be 1..16');
  if (port !== 0 && instances > 1) throw new Error('a fixed port serves one instance only');
  if (!VENDORS.includes(vendor)) throw new Error(`vendor must be one of ${VENDORS.join(', ')}`);
  if (!existsSync(WORKERD)) throw new Error(`${WORKERD} is missing: run npm install (make setup)`);
  if (!existsSync(join(ROOT, 'pkg', 'jifen_wasm_bg.wasm'))) throw new Error('pkg/ is missing: run make build');
  const values = {
    VENDOR: vendor,
    ...(upstream ? { UPSTREAM: upstream } : {}),
    ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}),
    ...(adminOrigin ? { ADMIN_ORIGIN: adminOrigin } : {}),
    ...(maxBodyBytes ? { MAX_BODY_BYTES: String(maxBodyBytes) } : {}),
    ...bindingsFor(vendor, credentials),
    ...bindings,
  };
  const names = [...new Set([...bindingNames(vendor), ...Object.keys(values)])];
  const dir = mkdtempSync(join(tmpdir(), 'jifen-gateway-'));
  const configPath = join(dir, 'gateway.capnp');
  // The process environment: PATH and the binding values, nothing else inherited.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...values };

  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const ports = [];
    for (let i = 0; i < instances; i++) {
      let p = port === 0 ? await freePort(host) : port;
      while (ports.includes(p)) p = await freePort(host);
      ports.push(p);
    }
    const addresses = ports.map((p) => `${host}:${p}`);
    let frontAddress = null;
    if (front) {
      let p = await freePort(host);
      while (ports.includes(p)) p = await freePort(host);
      frontAddress = `${host}:${p}`;
    }
    const frontConfig = front ? { module: front, address: frontAddress } : null;
    writeFileSync(configPath, renderConfig({ configDir: dir, addresses, names, coordinator, kv, front: frontConfig }), { mode: 0o600 });
    const child = spawn(WORKERD, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d;
      if (log) process.stderr.write(`[gateway] ${d}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    let gone = null;
    exited.then((x) => { gone = x; });
    const urls = addresses.map((a) => `http://${a}`);
    if (frontAddress) urls.push(`http://${frontAddress}`);
    const deadline = Date.now() + readyTimeoutMs;
    const ready = new Set();
    while (!gone && Date.now() < deadline) {
      for (const url of urls) {
        if (ready.has(url)) continue;
        try {
          await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
          ready.add(url);
        } catch {
          // not yet
        }
      }
      if (ready.size === urls.length) return handle(child, exited, frontAddress ? urls.slice(0, -1) : urls, dir, () => out, frontAddress && `http://${frontAddress}`);
      await sleep(50);
    }
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`workerd did not answer within ${readyTimeoutMs} ms:\n${out}`);
    }
    lastError = out;
    // A taken port (a race with another process): try another; anything else is fatal.
    if (port !== 0 || !/address already in use|EADDRINUSE/i.test(out)) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`workerd exited before serving:\n${lastError}`);
}

function handle(child, exited, urls, dir, output, frontUrl) {
  let stopping = null;
  return {
    /** The first instance's URL; `urls` has every instance's, in order. */
    url: urls[0],
    urls,
    /** With `front`: the URL of the Worker that calls the gateway through a service binding. */
    frontUrl,
    pid: child.pid,
    /** Everything workerd printed so far (stdout and stderr). */
    output,
    /** Stops workerd by its PID: SIGTERM, then SIGKILL after 5 s. */
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone (e.g. the demo's process group got the signal) */ }
          const timer = setTimeout(() => {
            try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
          }, 5000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

// CLI: node www-demo/worker/gateway.mjs — configured by the environment.
if (import.meta.url === `file://${process.argv[1]}`) {
  const vendor = process.env.VENDOR ?? 'kingdee';
  const bindings = {};
  for (const n of bindingNames(vendor)) if (process.env[n] !== undefined) bindings[n] = process.env[n];
  if (!VENDOR_BINDINGS[vendor]) {
    console.error(`VENDOR must be one of ${VENDORS.join(', ')}`);
    process.exit(2);
  }
  const gw = await startGateway({ vendor, bindings, port: Number(process.env.PORT ?? 8701), log: true });
  console.log(`jifen gateway (${vendor}) at ${gw.url}, workerd pid ${gw.pid}; Ctrl-C stops it`);
  const stop = async () => { await gw.stop(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
