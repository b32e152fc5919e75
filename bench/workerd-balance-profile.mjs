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
import { join, relative } from 'node:path';
import { ROOT, renderConfig } from '../www-demo/worker/capnp.mjs';
import { WORKERD } from '../www-demo/worker/gateway.mjs';

if (typeof WebSocket !== 'function') throw new Error('needs a global WebSocket (Node 22: node_modules/.bin/node)');
const dir = process.argv[2] ?? 'target/pkg-named';
const N = Number(process.env.N ?? 20000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

const at = join(ROOT, 'target', 'workerd-balance-profile');
mkdirSync(at, { recursive: true });
const rel = (p) => { const r = relative(at, join(ROOT, p)).split('\\').join('/'); return r.startsWith('.') ? r : `./${r}`; };
// `plain` profiles the plain-JS client (bench/plain-gateway/jifen.js) instead.
const source = dir === 'plain' ? `import { jifen } from '${rel('bench/plain-gateway/jifen.js')}';\nconst { Client } = jifen;` : `import { Client } from '${rel(`${dir}/workerd.js`)}';`;
writeFileSync(join(at, 'worker.js'), `${source}
import { config, args, stubFetch } from '${rel('bench/canned-kingdee.mjs')}';
let client;
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n') ?? 1);
    client ??= new Client(config, { fetch: stubFetch });
    let last;
    for (let i = 0; i < n; i++) last = await client.getBalance(args);
    return new Response(JSON.stringify(last));
  },
};
`);
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
  const targets = await (await fetch(`http://127.0.0.1:${inspector}/json/list`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  let id = 0;
  const pending = new Map();
  ws.onmessage = (m) => { const d = JSON.parse(m.data); if (pending.has(d.id)) { pending.get(d.id)(d); pending.delete(d.id); } };
  const send = (method, params = {}) => new Promise((r) => { pending.set(++id, r); ws.send(JSON.stringify({ id, method, params })); });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: Number(process.env.INTERVAL ?? 50) });
  await send('Profiler.start');
  await get(N);
  const { result } = await send('Profiler.stop');
  ws.close();
  console.error(`profiled ${N} getBalance calls (${dir})`);
  process.stdout.write(JSON.stringify(result.profile));
} finally {
  proc.kill();
}
