// A loop to profile: Kingdee buildRequest, N times, from a package directory
// (default the names-kept build of bench/build-named.sh). For node --cpu-prof:
//
//   bench/build-named.sh
//   node --cpu-prof --cpu-prof-interval 50 --cpu-prof-dir=target/prof bench/profile-loop.mjs
//   node bench/profile-report.mjs target/prof/*.cpuprofile
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const dir = process.argv[2] ?? 'target/pkg-named';
const n = Number(process.argv[3] ?? 50000);
const { buildRequest } = await import(new URL(`../${dir}/node.js`, import.meta.url));
const kd = JSON.parse(readFileSync(new URL('../sim/accounts.json', import.meta.url))).kingdee;
const params = { mobile: '13800138000', integral: 10, operation: 5 };
const options = { timestamp: 1700000000000, nonce: '1234567890', appToken: 'bench-app-token-not-real' };
for (let i = 0; i < n / 10; i++) await buildRequest(kd, '/jdy/v2/ls/integral_adjust', params, options);
const cpu = process.cpuUsage();
const t = performance.now();
for (let i = 0; i < n; i++) await buildRequest(kd, '/jdy/v2/ls/integral_adjust', params, options);
const c = process.cpuUsage(cpu);
console.log(`${n} × buildRequest: ${(((performance.now() - t) * 1000) / n).toFixed(2)} µs wall, ${((c.user + c.system) / n).toFixed(2)} µs CPU per call`);
