// The built package in Node against the simulator: Qimai 企迈 v3 and v2 end to end.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { buildRequest, Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim, config;
before(async () => {
  sim = await startSim({ port: 0 });
  config = { ...accounts.qimai, baseUrl: `${sim.url}/qimai` };
});
after(() => sim.close());
beforeEach(() => sim.reset());

const customerId = '383933091455959041';

test('buildRequest reproduces the P3 v3 body vector', async () => {
  const v = JSON.parse(readFileSync(new URL('../vectors/qimai/P3.json', import.meta.url)));
  const req = await buildRequest(
    { vendor: 'qimai', openId: v.fields.openId, grantCode: v.fields.grantCode, openKey: v.open_key, version: 'v3', baseUrl: v.url.split('/v3/')[0] },
    v.path, v.params, { timestamp: Number(v.fields.timestamp) * 1000, nonce: v.fields.nonce });
  assert.equal(req.body, v.body);
  assert.equal(req.url, v.url);
});

test('v3 points: balance, add, reduce, reverse, flow; the balance equals the sum of the flow', async () => {
  const client = new Client(config);
  const id = (await client.call('/v3/crm/customer/getCustomerIdByPhone', { phone: '13700137000' })).customerId;
  assert.equal(id, customerId);
  const start = (await client.call('/v3/crm/points/getCustomerPoints', { customerId })).totalPoints;
  await client.call('/v3/crm/points/addCustomerPoints', { customerId, balance: '30', bizId: 'e2e-add-1', reason: '购物送积分', sourceType: '1', pointsChannel: '8' });
  // A repeated bizId changes nothing.
  await client.call('/v3/crm/points/addCustomerPoints', { customerId, balance: '30', bizId: 'e2e-add-1', reason: '购物送积分', sourceType: '1', pointsChannel: '8' });
  await client.call('/v3/crm/points/reducePoints', { customerId, balance: '12', bizId: 'e2e-reduce-1', reason: '积分兑换' });
  await client.call('/v3/crm/points/reversePoints', { customerId, bizId: 'e2e-reverse-1', originBizId: 'e2e-reduce-1', reason: '退单' });
  const end = (await client.call('/v3/crm/points/getCustomerPoints', { customerId })).totalPoints;
  assert.equal(end, start + 30);
  const flow = await client.call('/v3/crm/customer/getCrmPointsFlow', { customerId, page: 1, pageSize: 100 });
  assert.equal(flow.list.reduce((a, r) => a + Number(r.changePoints), 0), end);
  const info = await client.call('/v3/crm/customer/allCustomerInfo', { customerId });
  assert.equal(String(info.customerInfo.customerId), customerId);
  assert.equal(Number(info.points.totalPoints), end);
  const gathered = await client.call('/v3/crm/customer/gatherCustomerInfo', { identifierNumber: '13700137000', type: 2 });
  assert.equal(Number(gathered.points), end);
  await assert.rejects(client.call('/v3/crm/points/reducePoints', { customerId, balance: '999999', bizId: 'e2e-too-much', reason: 'x' }),
    (e) => e instanceof JifenError && e.code === 'vendor' && String(e.vendorCode) === '50002');
  await assert.rejects(client.call('/v3/crm/points/addCustomerPoints', { customerId, balance: '5', reason: 'no bizId' }),
    (e) => e.code === 'invalid_input');
});

test('v2 gateway actions', async () => {
  const client = new Client({ ...config, version: 'v2' });
  await client.call('user.points-add', { balance: '11', bizId: 'e2e-v2-1', customerId, reason: '', sourceType: '1', pointsChannel: '7' });
  const records = await client.call('user.user-points-records', { user_id: customerId, page: '1', page_size: '10' });
  const newest = records.list[0];
  assert.equal(String(newest.biz_id), 'e2e-v2-1');
  assert.equal(Number(newest.points), 11);
  const who = await client.call('communal.user.gether-customer-info', { identifierNumber: '13700137000', type: '2' });
  assert.equal(String(who.customerId), customerId);
  assert.equal(Number(who.points), Number(newest.after_points));
  const identity = await client.call('communal.user.identity', { type: '4', user_id: customerId });
  assert.equal(Number(identity.user_info.user_points), Number(newest.after_points));
});

test('a wrong openKey is refused by the vendor and the key never shows', async () => {
  const client = new Client({ ...config, openKey: 'wrong-open-key-zzz' }, { retries: 0 });
  await assert.rejects(client.call('/v3/crm/points/getCustomerPoints', { customerId }), (e) => {
    assert.ok(e instanceof JifenError);
    assert.equal(e.code, 'vendor');
    assert.equal(String(e.vendorCode), '40002'); // the simulator's "Token校验失败"
    assert.ok(!(JSON.stringify(e) + e.message).includes('wrong-open-key-zzz'));
    return true;
  });
});
