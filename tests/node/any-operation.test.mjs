// Operations outside jifen's table, from the built package against the simulator: each vendor's
// generic rule through buildRequest (the signed request then sent as is, so the simulator's own
// verifiers judge the signature) and through Client.call (token flow, envelope, raw result with
// ids exact); retries only where repeating is known to be safe; a typo on a known operation gets
// "did you mean"; `allowFields` sends a field jifen does not know yet and the simulator sees it;
// integers JavaScript has already rounded stay refused on the new paths.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { kingdeeToken } from '../../sim/test/helpers.mjs';
import { buildRequest, Signer, Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
const ID = '1790000000000000001'; // the sim's generic id, sent as a 19-digit JSON number
let sim;
let cfg;
before(async () => {
  sim = await startSim({ port: 0 });
  cfg = {
    kingdee: { ...accounts.kingdee, baseUrl: `${sim.url}/kingdee` },
    freemud: { ...accounts.freemud, baseUrl: `${sim.url}/freemud` },
    qimai: { ...accounts.qimai, baseUrl: `${sim.url}/qimai` },
  };
});
after(() => sim.close());
beforeEach(() => sim.reset());

/** Sends a buildRequest result as it is; resolves to the parsed reply. */
async function send(req) {
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined });
  return { status: res.status, text: await res.text() };
}

const requestsTo = (vendor, route) => sim.state()[vendor].counters.byRoute[route] ?? 0;
const seen = (vendor) => sim.state()[vendor].seen.at(-1);

test('Kingdee GET /jdy/v2/bd/customer: buildRequest is verified by the sim; call returns the data, id exact', async () => {
  const { token, domain } = await kingdeeToken(sim);
  const params = { search: '张 三', page: 1, enabled: true };
  const req = await buildRequest(cfg.kingdee, 'GET /jdy/v2/bd/customer', params, { appToken: token, domain });
  assert.equal(req.method, 'GET');
  assert.ok(req.url.endsWith('/jdy/v2/bd/customer?enabled=true&page=1&search=%E5%BC%A0+%E4%B8%89'), req.url);
  assert.ok(req.stringToSign.startsWith('GET\n%2Fjdy%2Fv2%2Fbd%2Fcustomer\nenabled=true&page=1&search='), req.stringToSign);
  const sent = await send(req);
  assert.equal(sent.status, 200, sent.text);
  assert.equal(JSON.parse(sent.text).errcode, 0);
  const signer = new Signer(cfg.kingdee);
  const sync = signer.buildSync('GET /jdy/v2/bd/customer', params, { appToken: token, domain, timestamp: 1, nonce: '123' });
  assert.equal(sync.url, req.url);

  const client = new Client(cfg.kingdee);
  const out = await client.call('GET /jdy/v2/bd/customer', params);
  assert.equal(out.id, ID);
  assert.deepEqual(out.echo, { method: 'GET', path: '/jdy/v2/bd/customer', query: { search: '张 三', page: '1', enabled: 'true' }, body: null });
});

test('Kingdee POST /jdy/v2/…: the JSON body as given; a lost reply is outcome_unknown and not resent, a GET is retried', async () => {
  const client = new Client(cfg.kingdee, { retries: 2 });
  const body = { number: 'C001', name: '张三', parent: { id: '1480000000000000001' }, tags: [1, 'a'] };
  const out = await client.call('POST /jdy/v2/bd/customer_save', body);
  assert.deepEqual(out.echo, { method: 'POST', path: '/jdy/v2/bd/customer_save', query: {}, body });

  sim.faults.add({ vendor: 'kingdee', path: '/jdy/v2/bd/customer_save', kind: 'drop' });
  await assert.rejects(client.call('POST /jdy/v2/bd/customer_save', body),
    (e) => e instanceof JifenError && e.code === 'outcome_unknown' && e.vendor === 'kingdee');
  assert.equal(requestsTo('kingdee', 'POST /jdy/v2/bd/customer_save'), 2, 'the first call, then the lost one once');

  // The caller may say a write outside the table is safe to repeat.
  sim.faults.add({ vendor: 'kingdee', path: '/jdy/v2/bd/customer_save', kind: 'drop' });
  await client.call('POST /jdy/v2/bd/customer_save', body, { idempotent: true });
  assert.equal(requestsTo('kingdee', 'POST /jdy/v2/bd/customer_save'), 4);

  sim.faults.add({ vendor: 'kingdee', path: '/jdy/v2/bd/customer', method: 'GET', kind: 'drop' });
  const got = await client.call('GET /jdy/v2/bd/customer', { page: 1 });
  assert.equal(got.id, ID);
  assert.equal(requestsTo('kingdee', 'GET /jdy/v2/bd/customer'), 2);
  // A known operation under its method is that operation: typed and validated.
  await assert.rejects(client.call('POST /jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 0, operation: 5 }),
    (e) => e.code === 'invalid_input' && /`integral` must not be zero/.test(e.message));
  await assert.rejects(client.call('GET /jdy/v2/ls/integral_adjust', {}), (e) => e.code === 'invalid_input');
  await assert.rejects(client.call('/jdy/v2/bd/customer', {}), (e) => e.code === 'unsupported' && e.message.includes('GET /jdy/v2/…'));
});

test('Freemud /member/coupon/list: buildRequest is verified by the sim; call returns the responseBody, id exact', async () => {
  const params = { memberId: '115589208394311926', pageNum: 1 };
  const req = await buildRequest(cfg.freemud, '/member/coupon/list', params);
  assert.equal(req.url, `${sim.url}/freemud/member/coupon/list`);
  assert.equal(req.stringToSign, `appId=${accounts.freemud.appId}&partnerId=${accounts.freemud.partnerId}&requestBody=${JSON.stringify(params)}&ver=1`);
  const sent = await send(req);
  assert.equal(JSON.parse(sent.text).statusCode, '100', sent.text);

  const client = new Client(cfg.freemud, { retries: 2 });
  const out = await client.call('/member/coupon/list', params);
  assert.equal(out.id, ID);
  assert.deepEqual(out.echo, { path: '/member/coupon/list', requestBody: params });
  sim.faults.add({ vendor: 'freemud', path: '/member/coupon/list', kind: 'drop' });
  await assert.rejects(client.call('/member/coupon/list', params), (e) => e.code === 'outcome_unknown');
  assert.equal(requestsTo('freemud', 'POST /member/coupon/list'), 3);
});

test('Qimai user.coupon-list (v2) and /v3/crm/coupon/list: buildRequest is verified by the sim; call returns data, id exact', async () => {
  const params = { user_id: '383933091455959041', status: 1 };
  for (const [op, ok] of [['user.coupon-list', (j) => j.code === '0'], ['/v3/crm/coupon/list', (j) => j.code === 0]]) {
    const req = await buildRequest(cfg.qimai, op, params);
    const sent = await send(req);
    assert.ok(ok(JSON.parse(sent.text)), sent.text);
  }
  const client = new Client(cfg.qimai);
  const v2 = await client.call('user.coupon-list', params);
  assert.equal(v2.id, ID);
  assert.deepEqual(v2.echo, { version: 'v2', op: 'user.coupon-list', params });
  const v3 = await client.call('/v3/crm/coupon/list', params);
  assert.deepEqual(v3.echo, { version: 'v3', op: '/v3/crm/coupon/list', params });
  sim.faults.add({ vendor: 'qimai', path: '/v3/crm/coupon/list', kind: 'drop' });
  await assert.rejects(client.call('/v3/crm/coupon/list', params), (e) => e.code === 'outcome_unknown');
  sim.faults.add({ vendor: 'qimai', path: '/v3/crm/coupon/list', kind: 'drop' });
  assert.equal((await client.call('/v3/crm/coupon/list', params, { idempotent: true })).id, ID);
  await assert.rejects(client.call('/v3/crm/points/getCustomerPoints', { customerId: '1' }, { idempotent: true }),
    (e) => e.code === 'invalid_input' && /already knows/.test(e.message));
});

test('a typo on a known operation: invalid_input with "did you mean", nothing sent', async () => {
  const client = new Client(cfg.freemud);
  await assert.rejects(client.call('/member/score/statisticalScore', { memberID: '115589208394311926' }), (e) => {
    assert.equal(e.code, 'invalid_input');
    assert.match(e.message, /unknown parameter `memberID`; did you mean `memberId`\?/);
    assert.match(e.message, /allowFields: \["memberID"\]/);
    return true;
  });
  const k = new Client(cfg.kingdee);
  await assert.rejects(k.call('/jdy/v2/ls/integral_record', { mobiel: '13800138000' }),
    (e) => e.code === 'invalid_input' && e.message.includes('did you mean `mobile`?'));
  assert.equal(sim.state().freemud.counters.total, 0);
  assert.equal(sim.state().kingdee.counters.total, 0);
});

test('allowFields: the Freemud demo\'s orderCode on a known operation is sent, signed, and seen by the sim', async () => {
  const params = { memberId: '115589208394311926', orderCode: ['14466581149538022700014'] };
  const client = new Client(cfg.freemud);
  await assert.rejects(client.call('/member/score/statisticalScore', params), (e) => e.code === 'invalid_input');
  const out = await client.call('/member/score/statisticalScore', params, { allowFields: ['orderCode'] });
  assert.equal(typeof out.currentScore, 'number');
  assert.deepEqual(seen('freemud'), { path: '/member/score/statisticalScore', requestBody: params });
  const req = await buildRequest(cfg.freemud, '/member/score/statisticalScore', params, { allowFields: ['orderCode'] });
  assert.ok(req.stringToSign.includes('requestBody={"memberId":"115589208394311926","orderCode":["14466581149538022700014"]}&'), req.stringToSign);
  assert.equal(JSON.parse((await send(req)).text).statusCode, '100');

  const k = new Client(cfg.kingdee);
  await k.call('/jdy/v2/ls/integral_record', { mobile: '13800138000', shop_id: 7 }, { allowFields: ['shop_id'] });
  assert.deepEqual(seen('kingdee').query, { mobile: '13800138000', shop_id: '7' });
  const q = new Client(cfg.qimai);
  await q.call('/v3/crm/points/addCustomerPoints', { customerId: '383933091455959041', bizId: 'allow-1', balance: 3, storeId: 's-1' }, { allowFields: ['storeId'] });
  assert.deepEqual(seen('qimai').params, { balance: '3', bizId: 'allow-1', customerId: '383933091455959041', storeId: 's-1' });
  await assert.rejects(q.call('user.points-add', {}, { allowFields: 'storeId' }),
    (e) => e.code === 'invalid_input' && /allowFields must be an array/.test(e.message));
});

test('integers JavaScript has already rounded are refused on operations outside the table too, nothing sent', async () => {
  const cases = [
    ['kingdee', 'GET /jdy/v2/bd/customer', { id: 1480000000000000001 }, 'params.id'],
    ['kingdee', 'POST /jdy/v2/bd/customer_save', { parent: { id: 1480000000000000001 } }, 'params.parent.id'],
    ['freemud', '/member/coupon/list', { couponIds: [115589208394311926] }, 'params.couponIds[0]'],
    ['qimai', 'user.coupon-list', { user_id: 383933091455959041 }, 'params.user_id'],
    ['qimai', '/v3/crm/coupon/list', { customerId: 383933091455959041 }, 'params.customerId'],
  ];
  for (const [vendor, op, params, where] of cases) {
    const check = (e) => e instanceof JifenError && e.code === 'invalid_input' && e.message.includes(where) && /pass it as a string/.test(e.message);
    await assert.rejects(new Client(cfg[vendor]).call(op, params), check, `${vendor} ${op} call`);
    await assert.rejects(buildRequest(cfg[vendor], op, params, { appToken: 't' }), check, `${vendor} ${op} buildRequest`);
  }
  for (const vendor of ['kingdee', 'freemud', 'qimai']) assert.equal(sim.state()[vendor].counters.total, 0, vendor);
});
