import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../server.mjs';
import { kingdeeCall, kingdeeToken, freemudCall, qimaiV3, postJson, getJson, rawRequest, accounts } from './helpers.mjs';

const FM_MEMBER = '115589208394311926'; // 300
const QM = '383933091455959042'; // 20

const addFault = async (sim, f) => {
  const r = await postJson(`${sim.url}/_sim/faults`, f);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const fmBalance = (sim) => sim.state().freemud.members.find((m) => m.memberId === FM_MEMBER).currentScore;
const qmBalance = (sim) => sim.state().qimai.customers.find((c) => c.customerId === QM).points;

describe('faults', () => {
  let sim; let token;
  before(async () => {
    sim = await startSim();
    ({ token } = await kingdeeToken(sim));
  });
  after(() => sim.close());

  test('latency delays the matching route only', async () => {
    await addFault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_record', kind: 'latency', ms: 300 });
    let t = Date.now();
    const other = await kingdeeCall(sim, { path: '/jdy/v2/ls/account_balance_info', query: [['member_id', '1480000000000000001']], token });
    assert.equal(other.json.errcode, 0);
    assert.ok(Date.now() - t < 250);
    t = Date.now();
    const r = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token });
    assert.ok(Date.now() - t >= 280, `took ${Date.now() - t} ms`);
    assert.equal(r.json.errcode, 0);
    assert.equal(sim.state().faults.length, 0);
  });

  test('status answers that HTTP status in the vendor\'s shape and changes nothing', async () => {
    await addFault(sim, { vendor: 'qimai', kind: 'status', status: 503 });
    const r = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: 5, bizId: 'f-status', customerId: QM });
    assert.equal(r.status, 503);
    assert.equal(r.json.status, false);
    assert.equal(qmBalance(sim), 20);
    await addFault(sim, { vendor: 'kingdee', kind: 'status', status: 502 });
    const k = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token });
    assert.equal(k.status, 502);
    assert.ok(k.headers.get('x-api-requestid'));
    assert.equal(typeof k.json.errcode, 'number');
  });

  test('malformed answers 200 with a body that is not JSON', async () => {
    for (const [vendor, call] of [
      ['kingdee', () => kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token })],
      ['freemud', () => freemudCall(sim, '/member/score/statisticalScore', { memberId: FM_MEMBER })],
      ['qimai', () => qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: QM })],
    ]) {
      await addFault(sim, { vendor, kind: 'malformed' });
      const r = await call();
      assert.equal(r.status, 200, vendor);
      assert.equal(r.json, null, vendor);
      assert.throws(() => JSON.parse(r.text));
    }
  });

  test('drop closes the connection without an answer and changes nothing', async () => {
    await addFault(sim, { vendor: 'freemud', path: '/member/score/opt/1', kind: 'drop' });
    await assert.rejects(freemudCall(sim, '/member/score/opt/1', { memberId: FM_MEMBER, score: 10, operationType: 4, idempotencyBussinessId: 'drop-1' }));
    assert.equal(fmBalance(sim), 300);
    const raw = await rawRequest(`${sim.url}/kingdee/jdy/v2/ls/integral_record`, {});
    assert.equal(raw.status, 519); // the fault was used up
  });

  test('apply_no_reply: Freemud retry with the same idempotencyBussinessId credits once', async () => {
    await addFault(sim, { vendor: 'freemud', path: '/member/score/opt/1', kind: 'apply_no_reply' });
    const p = { memberId: FM_MEMBER, score: 10, operationType: 4, idempotencyBussinessId: 'lost-reply-1' };
    await assert.rejects(freemudCall(sim, '/member/score/opt/1', p));
    assert.equal(fmBalance(sim), 310); // the write happened
    const retry = await freemudCall(sim, '/member/score/opt/1', p);
    assert.equal(retry.json.statusCode, '100');
    assert.equal(retry.body.currentScore, 310);
    assert.equal(fmBalance(sim), 310); // …once
  });

  test('apply_no_reply: Qimai retry with the same bizId credits once', async () => {
    await addFault(sim, { vendor: 'qimai', path: '/v3/crm/points/addCustomerPoints', kind: 'apply_no_reply' });
    const p = { balance: 5, bizId: 'lost-reply-q', customerId: QM };
    await assert.rejects(qimaiV3(sim, '/v3/crm/points/addCustomerPoints', p));
    assert.equal(qmBalance(sim), 25);
    const retry = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', p);
    assert.equal(retry.json.data.totalPoints, 25);
    assert.equal(qmBalance(sim), 25);
  });

  test('apply_no_reply: a Kingdee retry double-credits (no idempotency key at the vendor)', async () => {
    await addFault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_no_reply' });
    const body = { mobile: '13800138002', integral: 10, operation: 5 };
    await assert.rejects(kingdeeCall(sim, { method: 'POST', path: '/jdy/v2/ls/integral_adjust', token, body }));
    const retry = await kingdeeCall(sim, { method: 'POST', path: '/jdy/v2/ls/integral_adjust', token, body });
    assert.equal(retry.json.errcode, 0);
    assert.equal(sim.state().kingdee.members.find((m) => m.mobile === '13800138002').balance, 20);
  });

  test('rate_limit answers 429 with Retry-After; times counts matching requests', async () => {
    await addFault(sim, { vendor: 'kingdee', kind: 'rate_limit', retryAfter: 7, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '7');
    }
    assert.equal((await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token })).status, 200);
  });

  test('an array of faults; vendor scoping; GET lists, DELETE clears; bad specs → 400', async () => {
    const r = await addFault(sim, [{ vendor: 'qimai', kind: 'status', status: 500 }, { path: '/freemud/member', kind: 'rate_limit' }]);
    assert.equal(r.added.length, 2);
    const st = await getJson(`${sim.url}/_sim/state`);
    assert.equal(st.qimai.faults.length, 1);
    assert.equal(st.freemud.faults.length, 1);
    assert.equal(st.kingdee.faults.length, 0);
    assert.equal((await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token })).status, 200);
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', { memberId: FM_MEMBER })).status, 429);
    assert.equal((await getJson(`${sim.url}/_sim/faults`)).pending.length, 1);
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    assert.equal((await getJson(`${sim.url}/_sim/faults`)).pending.length, 0);
    for (const bad of [{ kind: 'explode' }, { kind: 'latency', ms: -1 }, { kind: 'status', vendor: 'acme' }, { kind: 'drop', times: 0 }, []]) {
      assert.equal((await postJson(`${sim.url}/_sim/faults`, bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal((await postJson(`${sim.url}/_sim/faults`, '{nope')).status, 400);
  });

  test('reset clears faults', async () => {
    await addFault(sim, { kind: 'drop', times: 5 });
    await postJson(`${sim.url}/_sim/reset`, {});
    assert.equal(sim.state().faults.length, 0);
    ({ token } = await kingdeeToken(sim));
    assert.equal((await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token })).status, 200);
  });
});

test('accounts are exposed for the demo', async () => {
  const sim = await startSim();
  try {
    const acc = await getJson(`${sim.url}/_sim/accounts`);
    assert.deepEqual(acc, accounts);
  } finally { await sim.close(); }
});
