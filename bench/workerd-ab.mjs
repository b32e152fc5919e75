// A/B of package builds inside workerd: `getBalance` CPU per call through jifen's Client on the stub fetch of
// bench/canned-kingdee.mjs, one workerd process per package directory, all running at once and measured in
// turns (A, B, …, then …, B, A), so a change of machine load falls on every build alike. Per call = (CPU of N
// calls − CPU of 1 call) / (N − 1) from /proc/PID/stat (10 ms ticks, hence the large N), median of the rounds.
// Every build must give the same answer first (the JSON of the last call), unless --any-answer (for a build
// that leaves work out on purpose, to measure what that work costs).
//
//   scripts/build-pkg.sh target/pkg-a   # one build per variant (any directory under the repository)
//   node bench/workerd-ab.mjs pkg target/pkg-a [...]        N = 10000, 9 rounds (N=… ROUNDS=… to change)
//   N=5000 node bench/workerd-ab.mjs plain target/pkg-a     against the plain-JS client (whose never-cleared
//                                                          AbortSignal.timeout timers cap one request at < 10,000 calls)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, renderConfig } from '../www-demo/worker/capnp.mjs';
import { WORKERD } from '../www-demo/worker/gateway.mjs';
import { printCommand } from './stats.mjs';
import { balanceWorker } from './balance-worker.mjs';

printCommand();
const anyAnswer = process.argv.includes('--any-answer');
const dirs = process.argv.slice(2).filter((a) => a !== '--any-answer');
if (!dirs.length) throw new Error('usage: node bench/workerd-ab.mjs PKG_DIR [PKG_DIR …]');
const N = Number(process.env.N ?? 10000);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
/** utime + stime of a process, in ms (Linux /proc; USER_HZ = 100). */
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});

// The Worker of each build (bench/balance-worker.mjs).
const worker = balanceWorker;

const runs = [];
try {
  for (const [i, dir] of dirs.entries()) {
    const at = join(ROOT, 'target', 'workerd-ab', String(i));
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'worker.js'), worker(dir, at));
    const configDir = mkdtempSync(join(tmpdir(), 'jifen-ab-'));
    const address = `127.0.0.1:${await freePort()}`;
    const path = join(configDir, 'ab.capnp');
    writeFileSync(path, renderConfig({ configDir, address, names: [], entry: join(at, 'worker.js') }));
    const proc = spawn(WORKERD, ['serve', path], { stdio: ['ignore', 'ignore', 'inherit'], env: { PATH: process.env.PATH } });
    runs.push({ dir, proc, base: `http://${address}`, cpu: [] });
  }
  const get = async (run, n) => {
    const r = await fetch(`${run.base}/?n=${n}`);
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${run.dir}: HTTP ${r.status} ${body}`);
    return body;
  };
  for (const run of runs) {
    for (let i = 0; i < 600; i++) {
      try { await get(run, 1); break; } catch (e) { if (i === 599) throw e; await sleep(50); }
    }
  }
  const answers = await Promise.all(runs.map((run) => get(run, 1)));
  for (const [i, a] of answers.entries()) {
    if (a !== answers[0] && !anyAnswer) throw new Error(`workerd-ab: ${runs[i].dir} answers differently from ${runs[0].dir}:\n  ${a}\n  ${answers[0]}`);
  }
  for (const run of runs) await get(run, N); // warm-up, tier-up
  const before = load();
  for (let r = 0; r < ROUNDS; r++) {
    for (const run of r % 2 ? [...runs].reverse() : runs) {
      const c0 = cpuMs(run.proc.pid);
      await get(run, 1);
      const c1 = cpuMs(run.proc.pid);
      await get(run, N);
      const c2 = cpuMs(run.proc.pid);
      run.cpu.push((((c2 - c1) - (c1 - c0)) * 1000) / (N - 1));
    }
  }
  console.log(`getBalance (Kingdee), stub fetch, workerd CPU per call; N = ${N}, ${ROUNDS} rounds; load average ${before} → ${load()}`);
  // Against the first build, round by round (measured next to each other, so a change of load between rounds
  // cancels out): the median of the per-round differences.
  console.log('| build | median | − first build, paired by round | rounds |\n| --- | ---: | ---: | --- |');
  for (const run of runs) {
    const diff = run === runs[0] ? '—' : `${median(run.cpu.map((x, i) => x - runs[0].cpu[i])).toFixed(1)} µs`;
    console.log(`| ${run.dir} | ${median(run.cpu).toFixed(1)} µs | ${diff} | ${run.cpu.map((x) => x.toFixed(0)).join(' ')} |`);
  }
} finally {
  for (const run of runs) run.proc.kill();
}
