// The built package (pkg/) in Node against the simulator: Kingdee end to end.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { buildRequest, Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
const vector = (id) => JSON.parse(readFileSync(new URL(`../vectors/kingdee/${id}.json`, import.meta.url)));
let sim, config;

before(async () => {
  sim = await startSim({ port: 0 });
  config = { ...accounts.kingdee, baseUrl: `${sim.url}/kingdee` };
});
after(() => sim.close());
// Fresh state per test: the token endpoint allows 2 calls a minute per appKey.
beforeEach(() => sim.reset());

test('buildRequest reproduces the official D2 vector', async () => {
  const v = vector('D2');
  const req = await buildRequest(
    { vendor: 'kingdee', clientId: '200421', clientSecret: v.client_secret },
    v.path,
    Object.fromEntries(v.query),
    { timestamp: Number(v.timestamp), nonce: v.nonce },
  );
  assert.equal(req.stringToSign, v.string_to_sign);
  assert.equal(req.headers['X-Api-Signature'], v.x_api_signature);
  assert.equal(req.url, `https://api.kingdee.com${v.path}?${v.wire_query}`);
  assert.equal(req.body, null);
});

test('every operation against the simulator; the token is fetched once', async () => {
  const client = new Client(config);
  assert.equal(client.vendor, 'kingdee');
  const member = { member_id: '1480000000000000001', member_card_id: '1490000000000000001' };
  const before = await client.call('/jdy/v2/ls/account_balance_info', member);
  assert.equal(before.integral.member.mobile, '13800138000');
  assert.equal(typeof before.integral.usable, 'number');

  const deltas = [25, -10, 40, -5];
  for (const integral of deltas) {
    await client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral, operation: integral > 0 ? 5 : 1 });
  }
  const after = await client.call('/jdy/v2/ls/account_balance_info', member);
  assert.equal(after.integral.usable, before.integral.usable + deltas.reduce((a, b) => a + b, 0));

  // The balance equals the sum of the ledger, walked page by page.
  let sum = 0, page = 1, seen = 0, count;
  do {
    const p = await client.call('/jdy/v2/ls/integral_record', { mobile: '13800138000', page, page_size: 3 });
    count = p.count;
    for (const row of p.rows) { sum += row.occur; seen += 1; }
    page += 1;
  } while (seen < count);
  assert.equal(sum, after.integral.usable);
  assert.equal(sim.state().kingdee.counters.tokenEndpointHits, 1);
});

test('errors are JifenError with codes, and carry no secret', async () => {
  const client = new Client(config);
  await assert.rejects(client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 0, operation: 1 }), (e) => {
    assert.ok(e instanceof JifenError && e instanceof Error);
    assert.equal(e.code, 'invalid_input');
    return true;
  });
  await assert.rejects(client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: -1e6, operation: 1 }), (e) => {
    assert.equal(e.code, 'vendor');
    assert.equal(e.vendor, 'kingdee');
    assert.ok(e.vendorCode);
    assert.ok(e.requestId, 'X-Api-Requestid is carried');
    return true;
  });
  const wrong = new Client({ ...config, clientSecret: 'a-wrong-secret-value' });
  await assert.rejects(wrong.call('/jdy/v2/ls/integral_record', {}), (e) => {
    assert.equal(e.code, 'signature');
    assert.equal(e.vendorCode, '4008');
    assert.equal(e.httpStatus, 519);
    const shown = JSON.stringify(e) + e.message + e.stack;
    for (const secret of ['a-wrong-secret-value', accounts.kingdee.appSecret]) assert.ok(!shown.includes(secret));
    return true;
  });
  assert.throws(() => new Client({ vendor: 'kingdee', clientId: '1' }), (e) => e instanceof JifenError && e.code === 'config');
});

test('an injected fetch and hooks see the requests, with credentials masked', async () => {
  const seen = [];
  const client = new Client(config, {
    fetch: (url, init) => fetch(url, init),
    onRequest: (r) => seen.push(r),
  });
  await client.call('/jdy/v2/ls/integral_record', { mobile: '13800138001' });
  assert.ok(seen.length >= 2);
  for (const r of seen) {
    assert.ok(!r.url.includes('?'), 'no query string in hook events');
    if (r.headers['app-token']) assert.equal(r.headers['app-token'], '***');
    assert.equal(r.headers['X-Api-Signature'], '***');
  }
});

test('a timeout is reported as timeout', async () => {
  await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'kingdee', path: '/jdy/v2/ls/integral_record', kind: 'latency', ms: 1500, times: 5 }) });
  const client = new Client(config, { timeoutMs: 200, retries: 0 });
  await assert.rejects(client.call('/jdy/v2/ls/integral_record', {}), (e) => e.code === 'timeout' && e.retryable === true);
  await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
});
