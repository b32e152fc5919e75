// Timing helpers shared by the benchmark scripts: per-call samples in µs,
// round-robin across cases (so machine noise hits every case alike), and
// order statistics.
import { performance } from 'node:perf_hooks';
import { cpus, loadavg, totalmem } from 'node:os';

/** The q-quantile (0..1) of a sorted array, nearest rank. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function summarise(samples) {
  const s = Float64Array.from(samples).sort();
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), mean, min: s[0], max: s[s.length - 1] };
}

/**
 * Times `fn` once per sample, awaiting it (a sync function is awaited too, so
 * every case pays the same await). Returns µs per call.
 */
export async function timeCalls(fn, n, out) {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push((performance.now() - t0) * 1000);
  }
}

/**
 * Runs every case `rounds` times in turn, `perRound(case)` calls each time,
 * after `warmup` untimed calls per case. Returns Map(case.id → summary).
 */
export async function roundRobin(cases, { rounds, warmup }) {
  const samples = new Map(cases.map((c) => [c.id, []]));
  for (const c of cases) for (let i = 0; i < warmup * c.weight; i++) await c.fn();
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) await timeCalls(c.fn, c.perRound, samples.get(c.id));
  }
  return new Map([...samples].map(([id, s]) => [id, summarise(s)]));
}

/** The machine and its load, recorded next to every number. */
export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    loadavg: loadavg().map((x) => x.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
}

export const fmtUs = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : us >= 100 ? `${us.toFixed(0)} µs` : `${us.toFixed(2)} µs`);

/** Prints the command that is running, so every number printed below comes with it. */
export function printCommand() {
  const script = process.argv[1].slice(process.argv[1].lastIndexOf('/bench/') + 1);
  console.log(`$ node ${[script, ...process.argv.slice(2)].join(' ')}`);
}
