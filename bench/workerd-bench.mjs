// Inside workerd, in one Worker (bench/workerd/signing-worker.js):
//  1. Kingdee signing: jifen's buildRequest and prepared Signer (buildSync, build) against the JS
//     crypto.subtle signer (aws4fetch's way: the key imported per call; and with the CryptoKey kept). All
//     must return the same request (checked first).
//  2. `getBalance` through jifen's Client and through the plain-JS client (bench/plain-gateway/jifen.js),
//     both on the same stub fetch (bench/canned-kingdee.mjs): the same answer (checked first), then workerd's
//     CPU time per call (/proc/PID/stat; 10 ms ticks, so N is large).
// Per call = (t(N) − t(1)) / (N − 1) over alternating requests, median of the rounds: time inside a Worker
// only advances on I/O.
//
//   node bench/workerd-bench.mjs            N = 4000 (getBalance 5000), 9 rounds
//   node bench/workerd-bench.mjs --quick    N = 50, 2 rounds
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ROOT, renderConfig } from '../www-demo/worker/capnp.mjs';
import { WORKERD } from '../www-demo/worker/gateway.mjs';
import { machine, printCommand } from './stats.mjs';

printCommand();

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' } } });
const N = args.quick ? 50 : 4000;
const NB = args.quick ? 50 : 5000; // CPU is read in 10 ms ticks: 5000 calls of ~100 µs resolve ~2 µs per call
const ROUNDS = args.quick ? 2 : Number(process.env.ROUNDS ?? 9);
/** utime + stime of a process, in ms (Linux /proc; USER_HZ = 100). */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

const dir = mkdtempSync(join(tmpdir(), 'jifen-wbench-'));
const address = `127.0.0.1:${await freePort()}`;
const path = join(dir, 'signing.capnp');
let capnp = renderConfig({ configDir: dir, address, names: [], entry: join(ROOT, 'bench/workerd/signing-worker.js') });
// WORKERD_V8_FLAGS="--no-liftoff ..." for experiments (e.g. which wasm tier runs).
if (process.env.WORKERD_V8_FLAGS) capnp = capnp.replace('const config :Workerd.Config = (', `const config :Workerd.Config = (\n  v8Flags = ${JSON.stringify(process.env.WORKERD_V8_FLAGS.split(' '))},`);
writeFileSync(path, capnp);
const proc = spawn(WORKERD, ['serve', path], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH } });
const exited = new Promise((r) => proc.once('exit', r));
const base = `http://${address}`;
const get = async (impl, n) => {
  const t0 = performance.now();
  const r = await fetch(`${base}/${impl}?n=${n}`);
  const body = await r.text();
  if (r.status !== 200) throw new Error(`${impl}: HTTP ${r.status} ${body}`);
  return { ms: performance.now() - t0, body };
};
try {
  for (let i = 0; i < 600; i++) {
    try { await fetch(`${base}/jifen`); break; } catch { await sleep(50); }
  }
  const IMPLS = ['jifen', 'signer', 'signerAsync', 'subtle', 'subtleKept'];
  const LABEL = {
    jifen: 'jifen buildRequest (wasm)', signer: 'jifen signer.buildSync (wasm)', signerAsync: 'jifen signer.build (wasm)',
    subtle: 'JS crypto.subtle (aws4fetch way, key imported per call)', subtleKept: 'JS crypto.subtle (CryptoKey kept)',
  };
  const a = await get('jifen', 1);
  for (const impl of IMPLS.slice(1)) {
    const b = await get(impl, 1);
    if (a.body !== b.body) throw new Error(`workerd-bench: ${impl} differs from buildRequest:\n  ${a.body}\n  ${b.body}`);
  }
  console.log('workerd-bench: the Signer and both crypto.subtle signers return the same request as buildRequest');
  for (const impl of IMPLS) await get(impl, N); // warm-up, tier-up
  const per = Object.fromEntries(IMPLS.map((i) => [i, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of IMPLS) {
      const one = await get(impl, 1);
      const many = await get(impl, N);
      per[impl].push(((many.ms - one.ms) * 1000) / (N - 1));
    }
  }
  const env = machine();
  const m = Object.fromEntries(IMPLS.map((i) => [i, median(per[i])]));
  const j = m.jifen, s = m.subtle;
  console.log(`\nworkerd ${JSON.parse(readFileSync(join(ROOT, 'node_modules/workerd/package.json'), 'utf8')).version}, ${env.cpu} × ${env.cores}, load average ${env.loadavg}; N = ${N}, ${ROUNDS} rounds${args.quick ? ' (--quick: smoke numbers, not measurements)' : ''}\n`);
  console.log('| Kingdee integral_adjust, inside workerd | per call (median of rounds) | ÷ buildRequest | ÷ signer.buildSync |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const impl of IMPLS) {
    const x = m[impl];
    console.log(`| ${LABEL[impl]} | ${x.toFixed(2)} µs | ${impl === 'jifen' ? '—' : `${(x / j).toFixed(2)}×`} | ${impl === 'signer' ? '—' : `${(x / m.signer).toFixed(2)}×`} |`);
  }
  console.log(`\nbudgets (docs/architecture.md §6), reported, not enforced: signer.buildSync ${m.signer.toFixed(2)} µs (≤ 5 µs: ${m.signer <= 5 ? 'met' : 'MISSED'}), `
    + `crypto.subtle per-call key ÷ signer ${(m.subtle / m.signer).toFixed(2)}× (≥ 3×: ${m.subtle / m.signer >= 3 ? 'met' : 'MISSED'}), `
    + `crypto.subtle kept key ÷ signer ${(m.subtleKept / m.signer).toFixed(2)}× (≥ 1.5×: ${m.subtleKept / m.signer >= 1.5 ? 'met' : 'MISSED'})`);
  // A few calls (--quick) can come out below the noise; a full run cannot.
  if (!args.quick && !(j > 0 && s > 0)) throw new Error('workerd-bench: no valid timing (the machine is too noisy for this N)');

  // 2. getBalance: the same answer first, then wall and CPU per call.
  const ja = await get('balanceJifen', 1);
  for (const impl of ['balancePlain', 'balanceFair']) {
    const pa = await get(impl, 1);
    if (ja.body !== pa.body) throw new Error(`workerd-bench: getBalance differs between jifen and ${impl}:\n  ${ja.body}\n  ${pa.body}`);
  }
  console.log('\nworkerd-bench: jifen\'s Client and the plain-JS client return the same getBalance answer');
  const BAL = ['balanceJifen', 'balancePlain', 'balanceFair'];
  for (const impl of BAL) await get(impl, NB);
  const bal = Object.fromEntries(BAL.map((i) => [i, { wall: [], cpu: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const impl of BAL) {
      const c0 = cpuMs(proc.pid);
      const one = await get(impl, 1);
      const c1 = cpuMs(proc.pid);
      const many = await get(impl, NB);
      const c2 = cpuMs(proc.pid);
      bal[impl].wall.push(((many.ms - one.ms) * 1000) / (NB - 1));
      bal[impl].cpu.push((((c2 - c1) - (c1 - c0)) * 1000) / (NB - 1));
    }
  }
  const bm = Object.fromEntries(BAL.map((i) => [i, { wall: median(bal[i].wall), cpu: median(bal[i].cpu) }]));
  console.log('\n| getBalance (Kingdee), stub fetch, inside workerd | wall per call | workerd CPU per call |');
  console.log('| --- | ---: | ---: |');
  console.log(`| jifen Client (wasm) | ${bm.balanceJifen.wall.toFixed(1)} µs | ${bm.balanceJifen.cpu.toFixed(1)} µs |`);
  console.log(`| plain-JS client (crypto.subtle, key kept) | ${bm.balancePlain.wall.toFixed(1)} µs | ${bm.balancePlain.cpu.toFixed(1)} µs |`);
  console.log(`| … doing jifen's work around the call (fair.js: cleared timer, reply headers, token expiry, crypto nonce) | ${bm.balanceFair.wall.toFixed(1)} µs | ${bm.balanceFair.cpu.toFixed(1)} µs |`);
  const ratio = bm.balanceJifen.cpu / bm.balancePlain.cpu;
  const fairRatio = bm.balanceJifen.cpu / bm.balanceFair.cpu;
  console.log(`\nbudget (docs/architecture.md §6), reported, not enforced: getBalance CPU jifen ÷ plain JS ${ratio.toFixed(2)}× (≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}); `
    + `÷ the plain client doing the same work ${fairRatio.toFixed(2)}× (≤ 2×: ${fairRatio <= 2 ? 'met' : 'MISSED'})`);
  if (args.out) {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify({
      env, quick: Boolean(args.quick), n: N, rounds: ROUNDS, jifen_us: j, subtle_us: s, median_us: m, samples: per,
      balance: { n: NB, median_us: bm, samples: bal },
    }, null, 2));
  }
} finally {
  if (proc.exitCode === null) proc.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
