// The vendor layer of the e2e route without the network: jifen's
// Client.getBalance and the plain-JS client (bench/plain-gateway/jifen.js)
// against a stub fetch that answers like the simulator, in one process,
// alternating. Shows what the gateway's extra CPU per request is made of;
// with node --cpu-prof on a names-kept build (bench/build-named.sh), where.
//
//   node bench/client-loop.mjs [pkgDir] [n]
import { performance } from 'node:perf_hooks';
import { jifen as plain } from './plain-gateway/jifen.js';
import { config, args, stubFetch } from './canned-kingdee.mjs';
import { printCommand } from './stats.mjs';

printCommand();

const dir = process.argv[2] ?? 'pkg';
const n = Number(process.argv[3] ?? 20000);
const { Client } = await import(new URL(`../${dir}/node.js`, import.meta.url));

const j = new Client(config, { fetch: stubFetch });
const p = new plain.Client(config, { fetch: stubFetch });
const a = await j.getBalance(args);
const b = await p.getBalance(args);
if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`different answers:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);

async function loop(c, k) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < k; i++) await c.getBalance(args);
  const u = process.cpuUsage(cpu);
  return { wall: ((performance.now() - t) * 1000) / k, cpu: (u.user + u.system) / k };
}
for (const c of [j, p]) await loop(c, n / 10);
if (process.env.ONLY === 'jifen') { await loop(j, n); process.exit(0); }
const res = { jifen: [], plain: [] };
for (let r = 0; r < 5; r++) { res.jifen.push(await loop(j, n / 5)); res.plain.push(await loop(p, n / 5)); }
const med = (xs, k) => xs.map((x) => x[k]).sort((x, y) => x - y)[2];
console.log(`getBalance with a stub fetch, per call (median of 5 rounds): jifen ${med(res.jifen, 'wall').toFixed(1)} µs wall / ${med(res.jifen, 'cpu').toFixed(1)} µs CPU; plain JS ${med(res.plain, 'wall').toFixed(1)} µs wall / ${med(res.plain, 'cpu').toFixed(1)} µs CPU`);
