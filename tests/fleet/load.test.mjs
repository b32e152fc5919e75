// The load test as the issue asks it, in CI: 1,000 adjustments from 50 concurrent callers
// through two gateway isolates (shared Durable Object store and token cache) under
// workerd, with faults on the adjust path, for Qimai (vendor idempotency) and Kingdee
// (none: the shared store is the only guard). About 15 s per vendor on 2 cores;
// LOAD_ADJUSTMENTS / LOAD_CALLERS change the size. Writes test-output/load-ci.json. The reconciliation itself is checked first on
// made-up runs, so it is known to catch what it claims to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoad, reconcile, summary, writeReport, percentile } from './load.mjs';

const ADJUSTMENTS = Number(process.env.LOAD_ADJUSTMENTS ?? 1000);
const CALLERS = Number(process.env.LOAD_CALLERS ?? 50);

test('the reconciliation catches a double, a lost success, an applied refusal, a stray row and a balance off', () => {
  const m = { id: 'M1' };
  const plan = [1, 2, 3, 4].map((d, i) => ({ i, key: `k${i}`, member: m, body: { delta: d }, outcome: 'applied', code: null }));
  const start = { balances: { M1: 100 }, rows: [{ id: 'seed', member: 'M1', delta: 100 }] };
  const row = (id, delta, extra = {}) => ({ id, member: 'M1', delta, ...extra });
  const good = { balances: { M1: 110 }, rows: [...start.rows, row('a', 1), row('b', 2), row('c', 3), row('d', 4)] };
  assert.deepEqual(reconcile({ plan, start, end: good, members: [m] }).violations, []);

  const twice = { balances: { M1: 111 }, rows: [...good.rows, row('e', 1)] };
  assert.match(reconcile({ plan, start, end: twice, members: [m] }).violations.join('\n'), /adjustment 0 \(k0\) is in the ledger 2 times/);

  const lost = { balances: { M1: 106 }, rows: [...start.rows, row('a', 1), row('b', 2), row('c', 3)] };
  assert.match(reconcile({ plan, start, end: lost, members: [m] }).violations.join('\n'), /adjustment 3 succeeded but is in the ledger 0 times/);

  const vague = plan.map((a) => (a.i === 3 ? { ...a, outcome: 'error', code: 'parse', error: { code: 'parse', retryable: false } } : a));
  const lostGood = { balances: { M1: 106 }, rows: lost.rows };
  assert.match(reconcile({ plan: vague, start, end: lostGood, members: [m] }).violations.join('\n'), /ended in parse .* neither "refused" nor "outcome unknown"/);
  const retry = plan.map((a) => (a.i === 3 ? { ...a, outcome: 'error', code: 'http', error: { code: 'http', retryable: true } } : a));
  assert.deepEqual(reconcile({ plan: retry, start, end: lostGood, members: [m], idempotent: true }).violations, []);
  // Without vendor idempotency, "retry" is true only if nothing was applied.
  assert.deepEqual(reconcile({ plan: retry, start, end: lostGood, members: [m], idempotent: false }).violations, []);
  assert.equal(reconcile({ plan: retry, start, end: good, members: [m], idempotent: false }).violations.length, 1);

  const refused = plan.map((a) => (a.i === 1 ? { ...a, outcome: 'error', code: 'vendor' } : a));
  assert.match(reconcile({ plan: refused, start, end: good, members: [m] }).violations.join('\n'), /definite vendor but is in the ledger/);
  const unknown = plan.map((a) => (a.i === 1 ? { ...a, outcome: 'error', code: 'outcome_unknown' } : a));
  const u = reconcile({ plan: unknown, start, end: good, members: [m] });
  assert.deepEqual(u.violations, []);
  assert.equal(u.outcomes.unknownApplied, 1);

  const stray = { balances: { M1: 117 }, rows: [...good.rows, row('x', 7)] };
  assert.match(reconcile({ plan, start, end: stray, members: [m] }).violations.join('\n'), /matches no adjustment/);

  const off = { balances: { M1: 109 }, rows: good.rows };
  assert.match(reconcile({ plan, start, end: off, members: [m] }).violations.join('\n'), /balance 109 ≠ 100 \+ ledger 10/);

  const wrongKey = { balances: { M1: 110 }, rows: [...start.rows, row('a', 1, { key: 'k9' }), row('b', 2), row('c', 3), row('d', 4)] };
  assert.match(reconcile({ plan, start, end: wrongKey, members: [m] }).violations.join('\n'), /carries key k9, not k0/);
});

test('percentiles are nearest-rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([], 50), null);
});

const results = [];
for (const vendor of ['qimai', 'kingdee']) {
  test(`load: ${ADJUSTMENTS} ${vendor} adjustments, ${CALLERS} callers, faults on: the totals reconcile exactly`, async () => {
    const r = await runLoad({ vendor, adjustments: ADJUSTMENTS, callers: CALLERS, instances: 2, faultRate: 0.15, seed: 7 });
    console.log(summary(r));
    results.push(r);
    assert.deepEqual(r.violations, []);
    assert.ok(Object.values(r.faultsInjected).reduce((s, n) => s + n, 0) >= ADJUSTMENTS / 20, 'faults were injected');
    for (const [kind, n] of Object.entries(r.faultsInjected)) assert.ok(n >= 1, `no ${kind} fault`);
    assert.ok(r.outcomes.applied >= ADJUSTMENTS * 0.7, `only ${r.outcomes.applied} applied`);
    assert.ok((r.outcomes.refused.vendor ?? 0) >= 1, 'no deduction was refused');
    assert.equal(r.ledgerRows, r.outcomes.applied + r.outcomes.unknownApplied);
    if (vendor === 'kingdee') assert.equal(r.tokenEndpointHits, 1);
    assert.ok(r.throughput.adjustmentsPerSec > 0 && r.latencyMs.p99 >= r.latencyMs.p50);
  });
}

test('write test-output/load-ci.json', () => {
  assert.equal(results.length, 2);
  writeReport('test-output/load-ci.json', results, 'node --test tests/fleet/load.test.mjs');
});
