// A client whose clock is 10 minutes fast, through the built package in Node: the simulator's
// clock is set 10 minutes behind ours (POST /_sim/clock), so every timestamp we sign is 10 minutes
// ahead of the vendor's and outside its ±5 minute window. The client learns the vendor's clock
// from the `Date` header of the refusal, signs again, and succeeds.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
const TEN_MIN = 10 * 60_000;
let sim;

before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());
beforeEach(async () => {
  sim.reset();
  const r = await fetch(`${sim.url}/_sim/clock`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ offsetMs: -TEN_MIN }),
  });
  assert.equal((await r.json()).offsetMs, -TEN_MIN);
});

const config = (vendor) => ({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}` });
const requests = (onRequest) => ({ onRequest });

test('kingdee: a client 10 minutes fast still succeeds (authorisation, token, adjustment, ledger)', async () => {
  const stamps = [];
  const client = new Client(config('kingdee'), requests((e) => stamps.push(Number(e.headers['X-Api-TimeStamp']))));
  const before = sim.state().kingdee.members.find((m) => m.mobile === '13800138000').balance;
  const out = await client.adjustPoints({ member: { mobile: '13800138000' }, delta: 4, reason: 'promotion', idempotencyKey: 'clock-1' });
  assert.equal(out.applied, true);
  assert.equal(sim.state().kingdee.members.find((m) => m.mobile === '13800138000').balance, before + 4);
  // Only the very first request carried our (fast) clock; it was refused and re-signed.
  const simNow = sim.state().now;
  assert.ok(stamps[0] - simNow > TEN_MIN - 60_000, 'the first timestamp was ours, 10 minutes ahead');
  for (const ts of stamps.slice(1)) assert.ok(Math.abs(ts - simNow) < 60_000, `re-signed in vendor time: ${ts - simNow} ms off`);
  const page = await client.call('/jdy/v2/ls/integral_record', { mobile: '13800138000', page: 1, page_size: 1 });
  assert.equal(page.rows[0].occur, 4);
});

test('kingdee: with the clock fast, a lost reply is still found in the ledger (vendor time), not resent', async () => {
  const client = new Client(config('kingdee'));
  await client.call('/jdy/v2/ls/account_balance_info', { member_id: '1480000000000000001', member_card_id: '1490000000000000001' });
  await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_no_reply' }),
  });
  // The try's ledger window opens on the vendor's clock: on ours (10 minutes ahead) the row
  // would fall before it and the change be unknown.
  const out = await client.adjustPoints({ member: { mobile: '13800138000' }, delta: 6, reason: 'promotion', idempotencyKey: 'clock-lost-1' });
  assert.equal(out.applied, true);
  assert.equal(out.raw.reconciled, 'integral_record');
  assert.equal(out.raw.record.occur, 6);
  assert.equal(sim.state().kingdee.counters.byRoute['POST /jdy/v2/ls/integral_adjust'], 1);
});

test('qimai: a client 10 minutes fast still succeeds', async () => {
  const client = new Client(config('qimai'));
  const before = sim.state().qimai.customers.find((c) => c.customerId === '383933091455959041').points;
  const out = await client.adjustPoints({ member: { id: '383933091455959041' }, delta: 9, reason: 'promotion', idempotencyKey: 'clock-qm-1' });
  assert.equal(out.applied, true);
  assert.equal(out.balance, before + 9);
  const bal = await client.getBalance({ member: { id: '383933091455959041' } });
  assert.equal(bal.available, before + 9);
});

test('freemud (signs no timestamp) is unaffected by the skew', async () => {
  const client = new Client(config('freemud'));
  const out = await client.adjustPoints({ member: { id: '115589208394311926' }, delta: 2, reason: 'promotion', idempotencyKey: 'clock-fm-1' });
  assert.equal(out.applied, true);
});

test('control: with retries off, the fast clock is refused (the skew is real)', async () => {
  const client = new Client(config('qimai'), { retries: 0 });
  await assert.rejects(
    client.getBalance({ member: { id: '383933091455959041' } }),
    (e) => { assert.equal(e.vendorCode, '40003'); assert.equal(e.retryable, true); return true; },
  );
  // …and the next call, with the clock learned from that refusal's Date, goes through.
  const bal = await client.getBalance({ member: { id: '383933091455959041' } });
  assert.equal(typeof bal.available, 'number');
});
