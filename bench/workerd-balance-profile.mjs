// A CPU profile of the `getBalance` loop of bench/workerd-ab.mjs inside workerd (jifen's Client on the stub fetch
// of bench/canned-kingdee.mjs, no network): workerd's DevTools inspector, Profiler.start/stop over its WebSocket,
// around N calls after a warm-up. Needs a Node with a global WebSocket (Node 22: node_modules/.bin/node).
//
//   bench/build-named.sh target/pkg-named        # names of Rust functions in the profile
//   node_modules/.bin/node bench/workerd-balance-profile.mjs target/pkg-named > target/balance.cpuprofile
//   node bench/profile-report.mjs target/balance.cpuprofile
//   node_modules/.bin/node bench/workerd-balance-profile.mjs plain > target/plain.cpuprofile   # the plain-JS client
//   N=… (default 20000), INTERVAL=… µs (default 50)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, renderConfig } from '../www-demo/worker/capnp.mjs';
import { WORKERD } from '../www-demo/worker/gateway.mjs';
import { balanceWorker } from './balance-worker.mjs';
import { profileWhile } from './inspector-profile.mjs';

if (typeof WebSocket !== 'function') throw new Error('needs a global WebSocket (Node 22: node_modules/.bin/node)');
const dir = process.argv[2] ?? 'target/pkg-named';
const N = Number(process.env.N ?? 20000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

const at = join(ROOT, 'target', 'workerd-balance-profile');
mkdirSync(at, { recursive: true });
// `plain` profiles the plain-JS client (bench/plain-gateway/jifen.js) instead.
writeFileSync(join(at, 'worker.js'), balanceWorker(dir, at));
const configDir = mkdtempSync(join(tmpdir(), 'jifen-bprof-'));
const address = `127.0.0.1:${await freePort()}`;
const inspector = await freePort();
const path = join(configDir, 'p.capnp');
writeFileSync(path, renderConfig({ configDir, address, names: [], entry: join(at, 'worker.js') }));
const proc = spawn(WORKERD, ['serve', path, `--inspector-addr=127.0.0.1:${inspector}`], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH } });
const get = async (n) => {
  const r = await fetch(`http://${address}/?n=${n}`);
  const body = await r.text();
  if (r.status !== 200) throw new Error(`HTTP ${r.status} ${body}`);
  return body;
};
try {
  for (let i = 0; i < 600; i++) {
    try { await get(1); break; } catch (e) { if (i === 599) throw e; await sleep(50); }
  }
  await get(N); // warm-up, tier-up
  const { profile } = await profileWhile(inspector, Number(process.env.INTERVAL ?? 50), () => get(N));
  console.error(`profiled ${N} getBalance calls (${dir})`);
  process.stdout.write(JSON.stringify(profile));
} finally {
  proc.kill();
}
