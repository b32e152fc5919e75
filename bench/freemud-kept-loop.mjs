// Freemud signing with a kept CryptoKey, for A/B comparisons of packages on a busy machine: each
// package's `signer.build` and the JS baseline with a kept key (bench/baselines/freemud.mjs), all
// loaded in one process and run interleaved in small batches (the order reversed every round), so
// load changes hit every contender alike. Prints each one's per-call median and its ratio to the JS
// baseline: node-bench's Freemud budget row, with more samples and any number of packages. Every
// contender's output is first checked to be byte-identical to the baseline's.
//
//   node bench/freemud-kept-loop.mjs [pkgDir…]         pkgDir defaults to pkg
//   ROUNDS=200 BATCH=20 node bench/freemud-kept-loop.mjs target/pkg-a target/pkg-b
//   node bench/freemud-kept-loop.mjs --own [pkgDir…]   the work around the signature alone: WebCrypto's
//                                                       sign replaced by an already-settled promise of
//                                                       the same signature; µs per call, hot
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { printCommand } from './stats.mjs';
import { fm, fmAdd, fmOpts, keptContenders } from './freemud-kept.mjs';

printCommand();
const own = process.argv.includes('--own');
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (dirs.length === 0) dirs.push('pkg');
const rounds = Number(process.env.ROUNDS ?? (own ? 15 : 200));
const batch = Number(process.env.BATCH ?? (own ? 20000 : 20));
const { js, cases } = await keptContenders(dirs);
const reference = JSON.stringify(await js(...fmAdd, fmOpts));
if (own) {
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5',
    await crypto.subtle.importKey('pkcs8', Buffer.from(fm.privateKey.replace(/-----[^-]+-----|\s+/g, ''), 'base64'),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']),
    new TextEncoder().encode(JSON.parse(reference).stringToSign));
  crypto.subtle.sign = () => Promise.resolve(sig.slice(0));
}
for (const [name, f] of Object.entries(cases)) {
  if (JSON.stringify(await f()) !== reference) {
    console.error(`freemud-kept-loop: ${name} differs from the baseline; nothing timed`);
    process.exit(1);
  }
}

const names = Object.keys(cases);
const samples = new Map(names.map((n) => [n, []]));
for (const f of Object.values(cases)) for (let i = 0; i < (own ? 20000 : 300); i++) await f();
const load0 = loadavg()[0];
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 ? names.slice().reverse() : names) {
    const f = cases[name];
    const out = samples.get(name);
    if (own) {
      // Per batch: a per-call clock would cost as much as what it measures.
      const t = performance.now();
      for (let i = 0; i < batch; i++) await f();
      out.push(((performance.now() - t) * 1000) / batch);
    } else {
      for (let i = 0; i < batch; i++) {
        const t = performance.now();
        await f();
        out.push((performance.now() - t) * 1000);
      }
    }
  }
}
const median = (x) => Float64Array.from(x).sort()[x.length >> 1];
const base = median(samples.get(names[0]));
console.log(`load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}; ${rounds} rounds × ${batch} calls each${own ? ', WebCrypto sign replaced (--own): medians of batch means' : ', per-call medians'}`);
for (const n of names) {
  const m = median(samples.get(n));
  console.log(`  ${n}: ${m.toFixed(own ? 2 : 1)} µs, ÷ JS ${(m / base).toFixed(3)}×${own ? `, +${(m - base).toFixed(2)} µs` : ''}`);
}
