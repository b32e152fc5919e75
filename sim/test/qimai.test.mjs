import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../server.mjs';
import { qimaiSign, verifyQimaiToken } from '../qimai.mjs';
import { loadVectors, qimaiV3, qimaiV2, qimaiToken, qimaiNonce, accounts, postJson } from './helpers.mjs';

const A = accounts.qimai;
const RICH = '383933091455959041'; // 1000 points, 100 soon expiring
const POOR = '383933091455959043'; // 0 points

describe('qimai verifier (pure) against tests/vectors/qimai', () => {
  const vectors = loadVectors('qimai');
  test('vectors exist', () => assert.ok(vectors.length > 0, 'no vectors in tests/vectors/qimai'));
  for (const v of vectors) {
    test(`${v._file} (${v.kind})`, () => {
      const capitalised = v.key_case === 'as_sent';
      const s = qimaiSign(v.open_key, v.fields, { capitalised });
      assert.equal(s.stringToSign, v.string_to_sign);
      assert.equal(s.base64, v.base64);
      assert.equal(s.token, v.token);
      assert.equal(verifyQimaiToken({ openKey: v.open_key, ...v.fields, token: v.token, allowCapitalised: capitalised }).ok, true);
      // the test helper's independent signer agrees
      assert.equal(qimaiToken(v.open_key, v.fields, { capitalised }).token, v.token);
      if (v.body) {
        const env = JSON.parse(v.body);
        const f = v.kind === 'v2_request' ? { openId: env.OpenId, grantCode: env.GrantCode, nonce: env.Nonce, timestamp: env.Timestamp, token: env.Token }
          : { openId: env.openId, grantCode: env.grantCode, nonce: env.nonce, timestamp: env.timestamp, token: env.token };
        assert.equal(verifyQimaiToken({ openKey: v.open_key, ...f, allowCapitalised: v.kind === 'v2_request' }).ok, true);
      }
    });
    test(`${v._file}: a one-byte change to any signed field is rejected`, () => {
      const bump = (x) => x.slice(0, -1) + (x.endsWith('1') ? '2' : '1');
      const base = { openKey: v.open_key, ...v.fields, token: v.token, allowCapitalised: true };
      for (const k of ['openId', 'grantCode', 'nonce', 'timestamp', 'token', 'openKey']) {
        assert.equal(verifyQimaiToken({ ...base, [k]: bump(String(base[k])) }).ok, false, k);
      }
      assert.equal(verifyQimaiToken({ ...base, token: v.base64 }).ok, false, 'un-encoded base64 token');
    });
  }
});

describe('qimai over HTTP', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());

  test('v3: a correctly signed request succeeds (strings or numbers for timestamp/nonce)', async () => {
    let r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, true);
    assert.equal(r.json.code, 0);
    assert.ok(r.json.traceId);
    assert.deepEqual(r.json.data, { totalPoints: 1000, foreverPoints: 900, soonExpiredPoints: 100, expiredTime: '2025-12-31 23:59:59' });
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, { asNumbers: true });
    assert.equal(r.json.code, 0);
  });

  test('v2: capitalised envelope; token signed with lowercase or capitalised keys', async () => {
    let r = await qimaiV2(sim, 'communal.user.gether-customer-info', { identifierNumber: '13700137000', type: 2 });
    assert.equal(r.json.status, 'true');
    assert.equal(r.json.code, '0');
    assert.equal(r.json.data.customerId, RICH);
    r = await qimaiV2(sim, 'communal.user.gether-customer-info', { identifierNumber: '13700137000', type: 2 }, { capitalised: true });
    assert.equal(r.json.code, '0');
    r = await qimaiV2(sim, 'no_such_action', {});
    assert.equal(r.json.status, false);
    assert.equal(r.json.code, '40005');
  });

  test('a one-byte change to nonce / timestamp / openId / grantCode / token → status:false 40002', async () => {
    const bump = (x) => x.slice(0, -1) + (x.endsWith('1') ? '2' : '1');
    const ts = String(Math.floor(Date.now() / 1000));
    const cases = {
      nonce: { sign: { nonce: '7777771' }, nonce: '7777772' },
      timestamp: { sign: { timestamp: ts }, timestamp: String(Number(ts) - 1) },
      openId: { sign: { openId: bump(A.openId) } },
      grantCode: { sign: { grantCode: bump(A.grantCode) } },
      sentOpenId: { openId: bump(A.openId) },
      sentGrantCode: { grantCode: bump(A.grantCode) },
      token: { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D' },
      wrongKey: { openKey: 'not-the-key' },
    };
    for (const [name, opts] of Object.entries(cases)) {
      const r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, opts);
      assert.equal(r.status, 200, name);
      assert.equal(r.json.status, false, name);
      assert.equal(r.json.code, 40002, name);
      assert.ok(r.json.message, name);
    }
    const v2 = await qimaiV2(sim, 'user.points-add', { balance: 1, bizId: 'v2-bad', customerId: RICH }, { sign: { nonce: '123' } });
    assert.equal(v2.json.status, false);
    assert.equal(v2.json.code, '40002');
  });

  test('old timestamp, ms timestamp → 40003; reused nonce → 40004; missing public field → 40001', async () => {
    let r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, { timestamp: String(Math.floor(Date.now() / 1000) - 301) });
    assert.equal(r.json.code, 40003);
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, { timestamp: String(Date.now()) });
    assert.equal(r.json.code, 40003);
    const nonce = qimaiNonce();
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, { nonce });
    assert.equal(r.json.code, 0);
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: RICH }, { nonce });
    assert.equal(r.json.code, 40004);
    r = await postJson(`${sim.url}/qimai/v3/crm/points/getCustomerPoints`, { openId: A.openId, params: {} });
    assert.equal(r.json.code, 40001);
    r = await postJson(`${sim.url}/qimai/v3/crm/points/getCustomerPoints`, '{"openId":');
    assert.equal(r.json.status, false);
    r = await postJson(`${sim.url}/qimai/v4/crm/nope`, {});
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 40005);
  });

  test('any other v2 Action or v3 path: the generic success once the Token verifies; a bad Token is still 40002', async () => {
    let r = await qimaiV2(sim, 'user.coupon-list', { user_id: RICH });
    assert.equal(r.json.status, 'true');
    assert.equal(r.json.code, '0');
    assert.ok(r.text.includes('"id":1790000000000000001'), r.text);
    assert.deepEqual(r.json.data.echo, { version: 'v2', op: 'user.coupon-list', params: { user_id: RICH } });
    r = await qimaiV3(sim, '/v3/crm/coupon/list', { customerId: RICH });
    assert.equal(r.json.status, true);
    assert.deepEqual(r.json.data.echo, { version: 'v3', op: '/v3/crm/coupon/list', params: { customerId: RICH } });
    assert.deepEqual(sim.state().qimai.seen.at(-1), r.json.data.echo);
    r = await qimaiV3(sim, '/v3/crm/coupon/list', {}, { sign: { nonce: '1' } });
    assert.equal(r.json.code, 40002);
    r = await qimaiV2(sim, 'user.coupon-list', {}, { sign: { timestamp: '1' } });
    assert.equal(r.json.code, '40002');
  });

  test('add, reduce, reverse; flow, points and info agree; below zero refused', async () => {
    let r = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: '50', bizId: 'a-1', customerId: POOR, reason: '购物送积分', sourceType: 1, pointsChannel: 7 });
    assert.equal(r.json.code, 0);
    assert.deepEqual({ ...r.json.data, flowId: undefined }, { customerId: POOR, bizId: 'a-1', changePoints: 50, totalPoints: 50, flowId: undefined });
    r = await qimaiV3(sim, '/v3/crm/points/reducePoints', { balance: 20, bizId: 'r-1', customerId: POOR, reason: '积分兑换' });
    assert.equal(r.json.data.totalPoints, 30);
    assert.equal(r.json.data.changePoints, -20);
    r = await qimaiV3(sim, '/v3/crm/points/reducePoints', { balance: 31, bizId: 'r-2', customerId: POOR });
    assert.equal(r.json.status, false);
    assert.equal(r.json.code, 50002);
    // reversing the add would go below zero (only 30 left of the 50)
    r = await qimaiV3(sim, '/v3/crm/points/reversePoints', { customerId: POOR, bizId: 'rv-0', originBizId: 'a-1', reason: '退单' });
    assert.equal(r.json.code, 50002);
    r = await qimaiV3(sim, '/v3/crm/points/reversePoints', { customerId: POOR, bizId: 'rv-1', originBizId: 'r-1', reason: '退单' });
    assert.equal(r.json.data.totalPoints, 50);
    r = await qimaiV3(sim, '/v3/crm/points/reversePoints', { customerId: POOR, bizId: 'rv-2', originBizId: 'r-1' });
    assert.equal(r.json.code, 50004);
    r = await qimaiV3(sim, '/v3/crm/points/reversePoints', { customerId: POOR, bizId: 'rv-3', originBizId: 'nope' });
    assert.equal(r.json.code, 50003);
    r = await qimaiV3(sim, '/v3/crm/customer/getCrmPointsFlow', { customerId: POOR, page: 1, pageSize: 2 });
    assert.equal(r.json.data.total, 3);
    assert.equal(r.json.data.list.length, 2);
    assert.deepEqual(r.json.data.list.map((f) => [f.changePoints, f.afterPoints, f.bizId]), [[20, 50, 'rv-1'], [-20, 30, 'r-1']]);
    r = await qimaiV3(sim, '/v3/crm/customer/getCrmPointsFlow', { customerId: POOR, page: 2, pageSize: 2 });
    assert.deepEqual(r.json.data.list.map((f) => f.bizId), ['a-1']);
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: POOR });
    assert.equal(r.json.data.totalPoints, 50);
    r = await qimaiV3(sim, '/v3/crm/customer/getCustomerIdByPhone', { phone: '13700137002' });
    assert.deepEqual(r.json.data, { customerId: POOR });
    r = await qimaiV3(sim, '/v3/crm/customer/gatherCustomerInfo', { identifierNumber: 'QM0003', type: 3 });
    assert.deepEqual(r.json.data, { customerId: POOR, name: '吴三', mobile: '13700137002', levelName: '普通会员', registerTime: '2024-06-30 08:00:00', points: 50 });
    r = await qimaiV3(sim, '/v3/crm/customer/allCustomerInfo', { customerId: POOR });
    assert.equal(r.json.data.points.totalPoints, 50);
    r = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: 1, bizId: 'x', customerId: '1' });
    assert.equal(r.json.code, 50001);
    r = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: 0, bizId: 'x', customerId: POOR });
    assert.equal(r.json.code, 40006);
    r = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: 1, customerId: POOR });
    assert.equal(r.json.code, 40006);
    sim.reset();
  });

  test('bizId: a repeat returns the first result and changes nothing (v3 and v2)', async () => {
    const p = { balance: '11', bizId: 'appPay10190709', customerId: RICH, reason: '', sourceType: '1', pointsChannel: '7' };
    const first = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', p);
    const again = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { ...p, balance: '999' });
    assert.equal(again.text, first.text);
    const v2 = await qimaiV2(sim, 'user.points-add', p);
    assert.equal(v2.json.status, 'true');
    assert.deepEqual(v2.json.data, []);
    assert.equal(sim.state().qimai.customers.find((c) => c.customerId === RICH).points, 1011);
    // v2 user.points-add, then its records
    const v2b = await qimaiV2(sim, 'user.points-add', { ...p, bizId: 'v2-only', balance: '4' });
    assert.equal(v2b.json.code, '0');
    const rec = await qimaiV2(sim, 'user.user-points-records', { user_id: RICH, page: 1, page_size: 10 });
    assert.equal(rec.json.data.total, 4);
    assert.deepEqual([rec.json.data.list[0].points, rec.json.data.list[0].after_points], [4, 1015]);
    const id = await qimaiV2(sim, 'communal.user.identity', { type: 4, user_id: RICH });
    assert.equal(id.json.data.user_info.user_points, 1015);
    sim.reset();
  });
});
