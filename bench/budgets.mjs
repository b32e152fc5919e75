// Issue 18's budgets (docs/architecture.md §6), from the JSON the benchmarks wrote (`make bench` writes
// bench/out/*.json, then runs this): each budget with its number, met or missed, and the command that
// measured it. A benchmark's report, not a timed test: it exits 0 either way (and 1 only when a file is
// missing). The numbers of one run are only as good as the machine's load then; each file carries its own.
//
//   node bench/budgets.mjs [dir]      dir defaults to bench/out
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { printCommand } from './stats.mjs';

printCommand();

const dir = process.argv[2] ?? 'bench/out';
const load = (name) => {
  const f = join(dir, name);
  if (!existsSync(f)) {
    console.error(`budgets: ${f} is missing (run make bench)`);
    process.exit(1);
  }
  return JSON.parse(readFileSync(f, 'utf8'));
};
const node = load('node.json');
const workerd = load('workerd.json');
const e2e = load('e2e.json');
const cold = load('cold-start.json');
const reference = JSON.parse(readFileSync(new URL('./cold-start-reference.json', import.meta.url), 'utf8'));

const us = (x) => `${x.toFixed(2)} µs`;
const times = (x) => `${x.toFixed(2)}×`;
const kd = (impl) => node.rows.find((r) => r.group.startsWith('kingdee integral_adjust') && r.impl.startsWith(impl));
const fm = (impl) => node.rows.find((r) => r.group.startsWith('freemud') && r.impl.startsWith(impl));
const sync = kd('jifen signer.buildSync');
const built = kd('jifen buildRequest');
const nodeCrypto = kd('JS node:crypto');
const w = workerd.median_us;
const gw = e2e.rows;
const rows = [
  ['Kingdee `signer.buildSync` median, Node', '≤ 5 µs', us(sync.median), sync.median <= 5, 'node bench/node-bench.mjs'],
  ['… node:crypto signer ÷ `signer.buildSync`, Node', '≥ 1.2×', times(nodeCrypto.median / sync.median), nodeCrypto.median / sync.median >= 1.2, 'node bench/node-bench.mjs'],
  ['… stateless `buildRequest`: node:crypto ÷ it, Node', '≥ 0.5×', times(nodeCrypto.median / built.median), nodeCrypto.median / built.median >= 0.5, 'node bench/node-bench.mjs'],
  ['Kingdee `signer.buildSync` per call, workerd', '≤ 5 µs', us(w.signer), w.signer <= 5, 'node bench/workerd-bench.mjs'],
  ['… crypto.subtle, key imported per call ÷ it, workerd', '≥ 3×', times(w.subtle / w.signer), w.subtle / w.signer >= 3, 'node bench/workerd-bench.mjs'],
  ['… crypto.subtle, key kept ÷ it, workerd', '≥ 1.5×', times(w.subtleKept / w.signer), w.subtleKept / w.signer >= 1.5, 'node bench/workerd-bench.mjs'],
  ['gateway CPU per request on workerd, jifen − plain JS', '≤ +100 µs', `${(gw[0].workerd_cpu_us_per_req - gw[1].workerd_cpu_us_per_req).toFixed(0)} µs`, gw[0].workerd_cpu_us_per_req - gw[1].workerd_cpu_us_per_req <= 100, 'node bench/e2e.mjs'],
  ['`getBalance` CPU in workerd, jifen ÷ plain JS (bench/plain-gateway/jifen.js)', '≤ 2×', times(workerd.balance.median_us.balanceJifen.cpu / workerd.balance.median_us.balancePlain.cpu), workerd.balance.median_us.balanceJifen.cpu <= 2 * workerd.balance.median_us.balancePlain.cpu, 'node bench/workerd-bench.mjs'],
  // The bare client's timeout is `AbortSignal.timeout` (never cleared: workerd refuses it past 10,000 calls in a
  // request) and it skips the reply headers, the token's expiry and a random nonce; fair.js adds those four.
  ['… ÷ the same plain-JS client doing jifen\'s work around the call (fair.js)', '≤ 2×', times(workerd.balance.median_us.balanceJifen.cpu / workerd.balance.median_us.balanceFair.cpu), workerd.balance.median_us.balanceJifen.cpu <= 2 * workerd.balance.median_us.balanceFair.cpu, 'node bench/workerd-bench.mjs'],
  ['Freemud RSA, kept CryptoKey: jifen ÷ the same WebCrypto call from JS, Node', '≤ 1.10×', times(fm('jifen signer.build').median / fm('JS crypto.subtle (CryptoKey kept)').median), fm('jifen signer.build').median <= 1.1 * fm('JS crypto.subtle (CryptoKey kept)').median, 'node bench/node-bench.mjs'],
  [`cold start in workerd, the package's share (reference: ${reference.package_startup_ms} ms, ${reference.what})`, `≤ ${reference.package_startup_ms} ms`, `${cold.workerd.packageStartup.toFixed(1)} ms`, cold.workerd.packageStartup <= reference.package_startup_ms, 'node bench/cold-start.mjs'],
];
console.log(`budgets (docs/architecture.md §6), from ${dir}/*.json; loads at start: node ${node.env.loadavg}, workerd ${workerd.env.loadavg}, e2e ${e2e.env.loadavg}, cold start ${cold.env.loadavg}${node.quick || workerd.quick || e2e.quick || cold.quick ? ' (some --quick: smoke numbers, not measurements)' : ''}\n`);
console.log('| budget | target | measured | verdict | command |');
console.log('| --- | ---: | ---: | --- | --- |');
for (const [what, target, got, ok, cmd] of rows) console.log(`| ${what} | ${target} | ${got} | ${ok ? 'met' : '**missed**'} | \`${cmd}\` |`);
