// Prints criterion's results (target/criterion, after `cargo bench --bench
// signing`) as a Markdown table: median per iteration, and the p99 of the
// per-sample means (criterion times batches, so this is not a per-call p99).
import { readFileSync, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { quantile } from './stats.mjs';

const root = new URL('../target/criterion/', import.meta.url).pathname;
const out = process.argv[2];
const rows = [];
for (const group of ['kingdee', 'qimai', 'freemud']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const bench of readdirSync(dir).sort()) {
    const est = join(dir, bench, 'new', 'estimates.json');
    if (!existsSync(est)) continue;
    const median = JSON.parse(readFileSync(est, 'utf8')).median.point_estimate / 1000;
    const s = JSON.parse(readFileSync(join(dir, bench, 'new', 'sample.json'), 'utf8'));
    const per = s.iters.map((n, i) => s.times[i] / n / 1000).sort((a, b) => a - b);
    rows.push({ group, bench, median_us: median, p99_sample_us: quantile(per, 0.99) });
  }
}
if (!rows.length) { console.error('criterion-table: no results under target/criterion (run cargo bench --bench signing)'); process.exit(1); }
const f = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`);
console.log('| benchmark (native, cargo bench) | median | p99 of sample means |');
console.log('| --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.group}/${r.bench} | ${f(r.median_us)} | ${f(r.p99_sample_us)} |`);
if (out) { mkdirSync(dirname(out), { recursive: true }); writeFileSync(out, JSON.stringify(rows, null, 2)); }
