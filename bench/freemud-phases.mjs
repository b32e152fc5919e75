// Where a Freemud signature with a kept CryptoKey spends its wall time, for each package's
// `signer.build` and the JS baseline (bench/baselines/freemud.mjs): `crypto.subtle.sign` is wrapped
// to stamp the time it is called, returns and settles, so each call splits into the work before
// the signature starts, the `sign()` call itself, the wait for the thread-pool RSA, and the work
// after it until the caller's `await` resumes. Per-phase medians, contenders interleaved in
// batches of 20. The wrapper adds the same `then` to every contender.
//
//   node bench/freemud-phases.mjs [pkgDir…]      pkgDir defaults to pkg
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { printCommand } from './stats.mjs';
import { fmAdd, fmOpts, keptContenders } from './freemud-kept.mjs';

printCommand();
const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push('pkg');
const calls = Number(process.env.CALLS ?? 3000);
const { js, cases } = await keptContenders(dirs);
const subtle = crypto.subtle;
const sign = subtle.sign.bind(subtle);
let called = 0, returned = 0, settled = 0;
subtle.sign = (...args) => {
  called = performance.now();
  const p = sign(...args);
  returned = performance.now();
  return p.then((v) => { settled = performance.now(); return v; });
};
const reference = JSON.stringify(await js(...fmAdd, fmOpts));
for (const [name, f] of Object.entries(cases)) {
  if (JSON.stringify(await f()) !== reference) {
    console.error(`freemud-phases: ${name} differs from the baseline; nothing timed`);
    process.exit(1);
  }
  for (let i = 0; i < 300; i++) await f();
}
const phases = ['before sign()', 'sign() call', 'RSA wait', 'after, to the await', 'total'];
const rows = new Map(Object.keys(cases).map((n) => [n, phases.map(() => [])]));
const load0 = loadavg()[0];
for (let r = 0; r < calls / 20; r++) {
  for (const [name, f] of Object.entries(cases)) {
    const row = rows.get(name);
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await f();
      const t1 = performance.now();
      [called - t0, returned - called, settled - returned, t1 - settled, t1 - t0].forEach((d, k) => row[k].push(d * 1000));
    }
  }
}
const median = (x) => Float64Array.from(x).sort()[x.length >> 1];
console.log(`load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}; ${calls} calls each, medians in µs\n`);
console.log(`| contender | ${phases.join(' | ')} |`);
console.log(`| --- |${phases.map(() => ' ---: |').join('')}`);
for (const [name, row] of rows) console.log(`| ${name} | ${row.map((x) => median(x).toFixed(1)).join(' | ')} |`);
