// The chaos suite's short, bounded form (make test): the three vendors at once, each
// through its own gateways on workerd and its own simulator (tests/chaos/run.mjs, profile
// "short"). Each vendor passes only with 0 doubled, 0 lost, 0 false answers, 0 unknown
// at the end and no stray row; the table and every finding are printed, and the run is
// written to test-output/chaos-short.json. `make chaos` runs the long profile.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos, render, writeReport, VENDORS } from './run.mjs';

let results;
before(async () => {
  const t0 = Date.now();
  results = await runChaos({ vendors: VENDORS, profile: 'short', seed: Number(process.env.CHAOS_SEED ?? 1), log: !!process.env.CHAOS_LOG });
  console.log(render(results));
  console.log(`chaos (short): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  writeReport('test-output/chaos-short.json', results, 'node --test tests/chaos/chaos.test.mjs');
}, { timeout: 360_000 });

for (const vendor of VENDORS) {
  test(`chaos (short) on ${vendor}: 0 doubled, 0 lost, 0 false answers, 0 unknown after the window`, () => {
    const r = results.find((x) => x.vendor === vendor);
    assert.ok(r, `no result for ${vendor}`);
    const t = r.report.total;
    assert.ok(r.clean, `${vendor}: doubled ${t.doubled}, lost ${t.lost}, false answers ${t.falseAnswers}, unknown ${t.unknown}, stray ${t.stray}\n${r.report.findings.join('\n')}`);
    assert.ok(t.appliedOnce > 0, 'nothing was applied: the run did not exercise anything');
  });
}
