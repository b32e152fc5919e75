// The built package (pkg/) in Node against the simulator's injected faults, for every vendor:
// 5xx then success, 429 with Retry-After, a malformed reply, a dropped connection, and a write
// applied whose reply is lost (apply_no_reply). After each, the simulator's balance equals the sum
// of its ledger, and the change was applied exactly once, or the error says it was not (or may
// have been). Kingdee's integral_adjust has no idempotency field: a 5xx, malformed reply or
// dropped connection on it is never resent before the vendor's 5-minute acceptance window has
// passed (`outcome_unknown` with `retryAfterMs`); the same key after that reads the ledger and
// sends the change afresh only if it is not there. `later()` moves both clocks past the window.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client, capabilities } from '../../pkg/node.js';
import { later, resetClock, assertUnknownUntil } from './later.mjs';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim;

before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());
beforeEach(() => { resetClock(); sim.reset(); });

// One seeded member per vendor, and how to read its balance and ledger from the sim's state.
const vendors = {
  kingdee: {
    member: { mobile: '13800138000' },
    balance: (st) => st.kingdee.members.find((m) => m.mobile === '13800138000').balance,
    rows: (st) => st.kingdee.ledger.filter((r) => r.member_id === '1480000000000000001').map((r) => Number(r.occur)),
  },
  freemud: {
    member: { id: '115589208394311926' },
    balance: (st) => st.freemud.members.find((m) => m.memberId === '115589208394311926').currentScore,
    rows: (st) => st.freemud.ledger.filter((r) => r.memberId === '115589208394311926')
      .map((r) => (Number(r.changeType) === 1 ? 1 : -1) * Number(r.changeScore)),
  },
  qimai: {
    member: { id: '383933091455959041' },
    balance: (st) => st.qimai.customers.find((c) => c.customerId === '383933091455959041').points,
    rows: (st) => st.qimai.ledger.filter((r) => r.customerId === '383933091455959041').map((r) => Number(r.changePoints)),
  },
};

const config = (vendor) => ({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}` });
// Every hook event and error is printed: `make test` keeps this output and greps it for secrets.
const show = (what) => (x) => console.log(`${what} ${JSON.stringify(x)}`);
const logged = { onRequest: show('request'), onResponse: show('response') };
const showError = (e) => console.log(`error ${e.name} ${e.message} ${JSON.stringify(e)}\n${e.stack}`);
// The vendor path adjustPoints sends a +delta to (the fault is aimed at it, not at lookups or tokens).
const adjustPath = (vendor) => capabilities(vendor).operations.adjustPoints.nativeCalls[0].split(' ')[0];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
let keySeq = 0;
const key = () => `faults-${process.pid}-${++keySeq}`;
const kingdeeAdjusts = () => sim.state().kingdee.counters.byRoute['POST /jdy/v2/ls/integral_adjust'];

/** The sim's balance and ledger for the vendor's member; checks they agree. */
function ledgerOf(vendor) {
  const st = sim.state();
  const v = vendors[vendor];
  const rows = v.rows(st);
  assert.equal(v.balance(st), sum(rows), `${vendor}: balance equals the sum of the ledger`);
  return { balance: v.balance(st), count: rows.length };
}

async function injectFault(vendor, fault) {
  const r = await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ vendor, path: adjustPath(vendor), ...fault }),
  });
  assert.equal(r.status, 200, await r.text());
}

const faults = [
  ['5xx then success', { kind: 'status', status: 503 }],
  ['429 with Retry-After', { kind: 'rate_limit', retryAfter: 1 }],
  ['malformed JSON', { kind: 'malformed' }],
  ['a dropped connection', { kind: 'drop' }],
  ['applied but the reply lost', { kind: 'apply_no_reply' }],
];

// Faults after which a Kingdee write may have left without an answer (and did not apply here).
const unanswered = (vendor, fault) => vendor === 'kingdee' && ['status', 'malformed', 'drop'].includes(fault.kind);

for (const vendor of Object.keys(vendors)) {
  for (const [name, fault] of faults) {
    if (unanswered(vendor, fault)) {
      test(`${vendor}: ${name} → outcome_unknown until the window has passed, never resent before; then applied exactly once`, async () => {
        const client = new Client(config(vendor), logged);
        const start = ledgerOf(vendor);
        await injectFault(vendor, fault);
        const change = { member: vendors[vendor].member, delta: 7, reason: 'promotion', idempotencyKey: key() };
        const first = await client.adjustPoints(change).then((x) => assert.fail(JSON.stringify(x)), (e) => e);
        showError(first);
        const wait = assertUnknownUntil(first, 'first answer');
        assert.equal(sim.state().faults.length, 0, 'the fault was used');
        assert.equal(kingdeeAdjusts(), 1, 'sent once, not resent');
        // The same key before the window: the same answer, nothing sent.
        assertUnknownUntil(await client.adjustPoints(change).catch((e) => e), 'same key, before the window');
        assert.equal(kingdeeAdjusts(), 1, 'nothing sent before the window');
        assert.deepEqual(ledgerOf(vendor), start, 'the faulted write did not apply');
        // After the window: the ledger shows no row, so the change is sent afresh under the key.
        await later(wait, sim);
        const out = await client.adjustPoints(change);
        show('result')(out);
        assert.equal(out.applied, true);
        assert.equal(kingdeeAdjusts(), 2, 'sent afresh once');
        const end = ledgerOf(vendor);
        assert.equal(end.count, start.count + 1, 'exactly one ledger row');
        assert.equal(end.balance, start.balance + 7);
        // From then on the key replays it.
        assert.deepEqual(await client.adjustPoints(change), out);
        assert.equal(kingdeeAdjusts(), 2);
      });
      continue;
    }
    test(`${vendor}: ${name} → applied exactly once`, async () => {
      const client = new Client(config(vendor), logged);
      const start = ledgerOf(vendor);
      await injectFault(vendor, fault);
      const t0 = Date.now();
      const out = await client.adjustPoints({ member: vendors[vendor].member, delta: 7, reason: 'promotion', idempotencyKey: key() });
      const took = Date.now() - t0;
      show('result')(out);
      assert.equal(out.applied, true);
      assert.equal(sim.state().faults.length, 0, 'the fault was used');
      const end = ledgerOf(vendor);
      assert.equal(end.count, start.count + 1, 'exactly one ledger row');
      assert.equal(end.balance, start.balance + 7);
      if (out.balance !== undefined) assert.equal(out.balance, end.balance);
      if (fault.kind === 'rate_limit') assert.ok(took >= 1000, `waited for Retry-After (${took} ms)`);
      if (vendor === 'kingdee' && fault.kind === 'apply_no_reply') {
        // Settled from the ledger, not sent again.
        assert.equal(out.raw.reconciled, 'integral_record');
        assert.equal(out.vendorRef, out.raw.record.id);
        assert.equal(kingdeeAdjusts(), 1);
      }
    });
  }
}

test('kingdee: lost twice and not in the ledger → unknown, settled after each window, sent afresh each time, applied once', async () => {
  const client = new Client(config('kingdee'), logged);
  const start = ledgerOf('kingdee');
  await injectFault('kingdee', { kind: 'drop', times: 2 });
  const change = { member: vendors.kingdee.member, delta: 5, reason: 'promotion', idempotencyKey: key() };
  for (const n of [1, 2]) {
    const e = await client.adjustPoints(change).then((x) => assert.fail(JSON.stringify(x)), (err) => err);
    showError(e);
    const wait = assertUnknownUntil(e, `try ${n}`);
    assert.equal(kingdeeAdjusts(), n, `try ${n}: one send per window`);
    assert.deepEqual(ledgerOf('kingdee'), start, 'nothing applied');
    await later(wait, sim);
  }
  const out = await client.adjustPoints(change);
  assert.equal(out.applied, true);
  assert.equal(kingdeeAdjusts(), 3);
  const end = ledgerOf('kingdee');
  assert.equal(end.count, start.count + 1);
  assert.equal(end.balance, start.balance + 5);
});

test('kingdee: applied, reply lost, ledger unreadable → outcome_unknown with a time, never resent; settled from the ledger after the window', async () => {
  const client = new Client(config('kingdee'), logged);
  const start = ledgerOf('kingdee');
  await injectFault('kingdee', { kind: 'apply_no_reply' });
  await injectFault('kingdee', { path: '/jdy/v2/ls/integral_record', kind: 'status', status: 503, times: 10 });
  const change = { member: vendors.kingdee.member, delta: 5, reason: 'promotion', idempotencyKey: key() };
  const e = await client.adjustPoints(change).then((x) => assert.fail(JSON.stringify(x)), (err) => err);
  showError(e);
  const wait = assertUnknownUntil(e, 'ledger unreadable');
  const end = ledgerOf('kingdee');
  assert.equal(end.count, start.count + 1, 'applied once by the vendor');
  assert.equal(kingdeeAdjusts(), 1);
  // The ledger readable again and the window passed: the row is found, nothing is sent.
  await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
  await later(wait, sim);
  const out = await client.adjustPoints(change);
  assert.equal(out.applied, true);
  assert.equal(out.raw.reconciled, 'integral_record');
  assert.equal(out.balance, end.balance);
  assert.equal(kingdeeAdjusts(), 1, 'never resent');
  assert.deepEqual(ledgerOf('kingdee'), end);
});

test('vendor-native call: a lost kingdee integral_adjust reply is outcome_unknown and never resent (no key to settle by)', async () => {
  const client = new Client(config('kingdee'), logged);
  const start = ledgerOf('kingdee');
  await injectFault('kingdee', { kind: 'apply_no_reply' });
  await assert.rejects(
    client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 3, operation: 5 }),
    (e) => {
      showError(e);
      assert.equal(e.code, 'outcome_unknown');
      assert.equal(e.retryable, false, 'without an idempotency key nothing can settle it: not retryable');
      assert.doesNotMatch(e.message, /safe/);
      return true;
    },
  );
  assert.equal(kingdeeAdjusts(), 1, 'never resent');
  assert.equal(ledgerOf('kingdee').count, start.count + 1, 'the vendor applied it once');
});
