// The checker's own test: fabricated ledgers with a double, a loss and a false answer,
// each of which must be reported, on the keyed vendors (Freemud, Qimai) and on
// Kingdee (rows without keys, counted per member, delta and type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, classify, clean, table } from './checker.mjs';

const applied = { kind: 'applied', code: 'applied' };
const unknown = { kind: 'pending', code: 'outcome_unknown' };
const refused = { kind: 'refused', code: 'vendor' };
const change = (scenario, key, member, delta, answers, type = '5') => ({ scenario, key, member, delta, type, answers });

test('classify: applied, refused and pending answers', () => {
  assert.equal(classify(200, { applied: true }).kind, 'applied');
  assert.equal(classify(200, { applied: false }).kind, 'refused');
  assert.equal(classify(422, { error: { code: 'vendor', retryable: false } }).kind, 'refused');
  assert.equal(classify(502, { error: { code: 'outcome_unknown', retryable: false } }).kind, 'pending');
  const c = classify(409, { error: { code: 'conflict', retryable: true, retryAfterMs: 1500 } });
  assert.deepEqual(c, { status: 409, code: 'conflict', retryable: true, retryAfterMs: 1500, kind: 'pending' });
  assert.equal(classify(429, { error: { code: 'rate_limited', retryable: true } }).kind, 'pending');
  assert.equal(classify(0, undefined).code, 'no_answer');
  assert.equal(classify(500, { error: { code: 'internal' } }).kind, 'pending');
});

test('keyed vendors: a double, a loss, a false refusal, an unknown and a stray row are each reported', () => {
  const changes = [
    change('s1', 'k-ok', 'm1', 10, [unknown, applied]),
    change('s1', 'k-double', 'm1', 11, [applied]),
    change('s1', 'k-lost', 'm1', 12, [applied]),
    change('s2', 'k-false-refused', 'm2', 13, [refused]),
    change('s2', 'k-refused', 'm2', -99, [refused]),
    change('s2', 'k-unknown', 'm2', 14, [unknown]),
  ];
  const rows = [
    { member: 'm1', delta: 10, key: 'k-ok' },
    { member: 'm1', delta: 11, key: 'k-double' },
    { member: 'm1', delta: 11, key: 'k-double' },
    { member: 'm2', delta: 13, key: 'k-false-refused' },
    { member: 'm2', delta: 14, key: 'k-unknown' },
    { member: 'm9', delta: 1, key: 'nobody-sent-this' },
  ];
  const r = check({ changes, rows, keyed: true });
  assert.deepEqual(r.scenarios.s1, { attempted: 3, appliedOnce: 1, refused: 0, doubled: 1, lost: 1, falseAnswers: 1, unknown: 0, stray: 0 });
  assert.deepEqual(r.scenarios.s2, { attempted: 3, appliedOnce: 2, refused: 1, doubled: 0, lost: 0, falseAnswers: 1, unknown: 1, stray: 0 });
  assert.equal(r.total.stray, 1);
  assert.ok(!clean(r.total));
  const text = r.findings.join('\n');
  for (const key of ['k-double', 'k-lost', 'k-false-refused', 'k-unknown', 'nobody-sent-this']) assert.match(text, new RegExp(key));
  assert.doesNotMatch(text, /k-ok|k-refused\b/);
});

test('Kingdee: counts per (member, delta, type) against the keys answered', () => {
  const changes = [
    // two keys make the same change: two rows are right
    change('same', 'a1', 'm1', 5, [applied]),
    change('same', 'a2', 'm1', 5, [unknown, applied]),
    // one key, two rows: doubled
    change('late', 'b1', 'm2', 7, [unknown, applied]),
    // told applied, no row (it took someone else's): lost and false
    change('steal', 'c1', 'm3', 8, [applied]),
    change('steal', 'c2', 'm3', 8, [applied]),
    // told refused, has a row: false
    change('refuse', 'd1', 'm4', 9, [refused]),
    // the same member and delta but another type is another change
    change('refuse', 'd2', 'm4', 9, [refused], '1'),
    // never settled
    change('open', 'e1', 'm5', 3, [unknown]),
  ];
  const rows = [
    { member: 'm1', delta: 5, type: '5' }, { member: 'm1', delta: 5, type: '5' },
    { member: 'm2', delta: 7, type: '5' }, { member: 'm2', delta: 7, type: '5' },
    { member: 'm3', delta: 8, type: '5' },
    { member: 'm4', delta: 9, type: '5' },
    { member: 'm6', delta: 1, type: '5' },
  ];
  const r = check({ changes, rows, keyed: false });
  assert.deepEqual(r.scenarios.same, { attempted: 2, appliedOnce: 2, refused: 0, doubled: 0, lost: 0, falseAnswers: 0, unknown: 0, stray: 0 });
  assert.deepEqual(r.scenarios.late, { attempted: 1, appliedOnce: 0, refused: 0, doubled: 1, lost: 0, falseAnswers: 0, unknown: 0, stray: 0 });
  assert.deepEqual(r.scenarios.steal, { attempted: 2, appliedOnce: 1, refused: 0, doubled: 0, lost: 1, falseAnswers: 1, unknown: 0, stray: 0 });
  assert.deepEqual(r.scenarios.refuse, { attempted: 2, appliedOnce: 0, refused: 1, doubled: 0, lost: 0, falseAnswers: 1, unknown: 0, stray: 0 });
  assert.deepEqual(r.scenarios.open, { attempted: 1, appliedOnce: 0, refused: 0, doubled: 0, lost: 0, falseAnswers: 0, unknown: 1, stray: 0 });
  assert.equal(r.total.stray, 1);
  const text = r.findings.join('\n');
  for (const key of ['b1', 'c1', 'd1', 'e1', 'm6']) assert.match(text, new RegExp(key));
});

test('a clean run is clean, and the table prints every scenario and the total', () => {
  const changes = [change('s', 'k1', 'm1', 1, [unknown, applied]), change('s', 'k2', 'm1', -5, [refused])];
  const r = check({ changes, rows: [{ member: 'm1', delta: 1, type: '5', key: 'k1' }], keyed: true });
  assert.ok(clean(r.total));
  assert.equal(r.findings.length, 0);
  const t = table([{ vendor: 'qimai', report: r }]);
  assert.match(t, /\| qimai \| s \| 2 \| 1 \| 1 \| 0 \| 0 \| 0 \| 0 \| 0 \|/);
  assert.match(t, /\*\*total\*\*/);
});
