// POST /api/preview must not hand out a credential the admin could use against the vendor
// directly, around the gateway (its validation, its idempotency store, its log):
// - Kingdee's token plumbing (`/jdyconnector/app_management/*`) is refused: the preview of
//   kingdee_auth_token carried `app_signature` (HMAC of appSecret; constant) in its URL and
//   stringToSign;
// - Qimai's `token` signs only openId/grantCode/nonce/timestamp, not the action or its params:
//   a previewed (never sent, so unused) token was accepted by the vendor for any other call;
// - Freemud's `sign` is the whole authorisation of an account without an access_token: a
//   preview of any vendor operation with any params was a signing oracle.
// Signatures that bind nothing else are shown as "***", as Kingdee's X-Api-Signature already was.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, accounts, MEMBERS } from './helpers.mjs';
import { appSignature } from '../../sim/kingdee.mjs';

describe('kingdee', () => {
  let t;
  before(async () => { t = await setup('kingdee'); });
  after(() => t?.stop());

  // First: the gateway's client has no token yet.
  test("a vendor error echoing app_signature reaches neither the gateway's answer nor its log", async () => {
    const sig = appSignature(accounts.kingdee.appKey, t.sim.state().kingdee.appSecret);
    const wire = encodeURIComponent(sig);
    const fault = { vendor: 'kingdee', path: '/jdyconnector/app_management/kingdee_auth_token', kind: 'malformed', times: 5,
      body: JSON.stringify({ code: 1002, msg: `签名错误: app_key=${accounts.kingdee.appKey}&app_signature=${wire}` }) };
    const f = await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify(fault) });
    assert.equal(f.status, 200, await f.text());
    const r = await t.call(`/api/balance?member=${encodeURIComponent(MEMBERS.kingdee.ref)}`);
    await fetch(`${t.sim.url}/_sim/faults`, { method: 'DELETE' });
    assert.notEqual(r.status, 200, r.text);
    assert.match(r.text, /签名错误/, 'the fault was not hit');
    const core = sig.replace(/=+$/, '');
    for (const text of [r.text, t.gw.output()]) assert.ok(!text.includes(core.slice(0, 24)), `app_signature leaked: ${text.slice(-600)}`);
  });

  test('the token operations cannot be previewed; app_signature never leaves', async () => {
    const sig = appSignature(accounts.kingdee.appKey, t.sim.state().kingdee.appSecret);
    const forms = [sig, encodeURIComponent(sig), encodeURIComponent(encodeURIComponent(sig))].map((s) => s.replace(/(=|%3D|%253D)+$/, ''));
    for (const method of ['/jdyconnector/app_management/kingdee_auth_token', '/jdyconnector/app_management/push_app_authorize',
      'GET /jdyconnector/app_management/kingdee_auth_token', 'POST /jdyconnector/app_management/push_app_authorize']) {
      const r = await t.call('/api/preview', { method: 'POST', body: { method, args: {} } });
      for (const f of forms) assert.ok(!r.text.includes(f), `app_signature in the preview of ${method}: ${r.text}`);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.code, 'invalid_input');
    }
    // The business operations still preview.
    const ok = await t.call('/api/preview', { method: 'POST', body: { method: 'getBalance', args: { member: MEMBERS.kingdee.ref } } });
    assert.equal(ok.status, 200, ok.text);
  });

  test('an operation outside jifen\'s table previews by its method and path, the signature masked, nothing sent', async () => {
    const before = t.sim.state().kingdee.counters.total;
    const r = await t.call('/api/preview', { method: 'POST', body: { method: 'GET /jdy/v2/bd/customer', args: { search: '张三', page: 1 } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.method, 'GET');
    assert.match(r.json.url, /\/jdy\/v2\/bd\/customer\?page=1&search=%E5%BC%A0%E4%B8%89$/);
    assert.match(r.json.stringToSign, /^GET\n%2Fjdy%2Fv2%2Fbd%2Fcustomer\npage=1&search=/);
    const post = await t.call('/api/preview', { method: 'POST', body: { method: 'POST /jdy/v2/bd/customer_save', args: { number: 'C1' } } });
    assert.equal(post.status, 200, post.text);
    assert.equal(post.json.body, '{"number":"C1"}');
    assert.equal(t.sim.state().kingdee.counters.total, before, 'a preview called the vendor');
    const bad = await t.call('/api/preview', { method: 'POST', body: { method: 'DELETE /jdy/v2/bd/customer', args: {} } });
    assert.equal(bad.status, 400, bad.text);
  });
});

describe('qimai', () => {
  let t;
  before(async () => { t = await setup('qimai'); });
  after(() => t?.stop());

  test("a previewed token cannot be replayed to the vendor for another call", async () => {
    const m = MEMBERS.qimai;
    for (const [method, args] of [['getBalance', { member: m.ref }], ['/v3/crm/points/getCustomerPoints', { customerId: m.id }]]) {
      const r = await t.call('/api/preview', { method: 'POST', body: { method, args } });
      assert.equal(r.status, 200, r.text);
      const env = JSON.parse(r.json.body);
      // The replay an admin could try: the previewed envelope, another action and params.
      env.params = { customerId: m.id, balance: 777, bizId: `replay-${method}`, reason: 'around the gateway' };
      const before = t.sim.state().qimai.customers.find((c) => c.customerId === m.id).points;
      const replay = await fetch(r.json.url.replace(/getCustomerPoints$/, 'addCustomerPoints'), {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(env),
      });
      const answer = await replay.json();
      assert.equal(answer.code, 40002, `the vendor accepted a previewed token: ${JSON.stringify(answer)}`);
      assert.equal(t.sim.state().qimai.customers.find((c) => c.customerId === m.id).points, before);
      assert.equal(JSON.parse(r.json.body).token, '***', r.json.body);
    }
  });
});

describe('freemud', () => {
  let t;
  before(async () => { t = await setup('freemud'); });
  after(() => t?.stop());

  test('a preview shows no usable sign', async () => {
    for (const [method, args] of [
      ['getBalance', { member: MEMBERS.freemud.ref }],
      ['/member/score/updateScore', { memberId: MEMBERS.freemud.id, changeType: 1, changeScore: 999999, idempotencyBussinessId: 'oracle-1', operationType: 1 }],
    ]) {
      const r = await t.call('/api/preview', { method: 'POST', body: { method, args } });
      assert.equal(r.status, 200, r.text);
      const env = JSON.parse(r.json.body);
      assert.equal(env.sign, '***', r.json.body);
      assert.ok(env.requestBody.length > 2, 'the signed requestBody is still shown');
      assert.match(r.json.stringToSign, /^appId=.*&requestBody=.*&ver=1$/);
    }
  });

  test('no secret in any response or in the gateway log', () => {
    assert.ok(t.assertNoSecrets() >= 2);
  });
});
