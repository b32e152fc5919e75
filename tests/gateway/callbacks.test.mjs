// POST /api/callbacks/freemud: the simulator pushes signed Freemud callbacks
// to the gateway, which verifies and acknowledges them; a tampered, unsigned
// or malformed push is refused. No admin token is needed (the vendor signs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, MEMBERS, ADMIN_TOKEN } from './helpers.mjs';

let t;
before(async () => { t = await setup('freemud'); });
after(() => t?.stop());

const push = async (body) => {
  const r = await fetch(`${t.sim.url}/_sim/freemud/push`, { method: 'POST', body: JSON.stringify({ url: `${t.gw.url}/api/callbacks/freemud`, ...body }) });
  assert.equal(r.status, 200);
  const report = await r.json();
  t.record(`push ${body.event} (the gateway's answer, as the sim saw it)`, { status: report.status, headers: [] }, JSON.stringify(report.response ?? null));
  return report;
};

/** Posts `body` to the callback route as the vendor would (no admin token). */
const deliver = (body, headers = {}) => t.call('/api/callbacks/freemud', {
  method: 'POST', body, token: null, headers: { 'content-type': 'application/json;charset=utf-8', 'x-transaction-id': 'tx-gw-test', ...headers },
});

let signed; // the exact bytes of a genuine push

test('a signed points.changed push is verified and acknowledged', async () => {
  const report = await push({ event: 'points.changed', memberId: MEMBERS.freemud.id });
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.equal(report.status, 200);
  assert.equal(report.ack.statusCode, '100');
  signed = report.body;
  const again = await deliver(signed);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.statusCode, '100');
  assert.match(t.gw.output(), /POST \/api\/callbacks\/freemud -> 200 event=points\.changed verified=true/);
});

test('a member.registered push is acknowledged', async () => {
  const report = await push({ event: 'member.registered', member: { mobile: '13912345678', nickName: '网关测试' } });
  assert.equal(report.ok, true, JSON.stringify(report));
});

test('a tampered, unsigned or malformed push is refused with callback_invalid', async () => {
  const env = JSON.parse(signed);
  const inner = JSON.parse(env.requestBody);
  const tampered = JSON.stringify({ ...env, requestBody: JSON.stringify({ ...inner, changeScore: '99999' }) });
  const unsigned = JSON.stringify({ ...env, sign: undefined });
  const otherMerchant = JSON.stringify({ ...env, partnerId: '9999' });
  for (const body of [tampered, unsigned, otherMerchant, '{"ver":1}', 'not json at all']) {
    const r = await deliver(body);
    assert.equal(r.status, 400, r.text);
    assert.ok(['callback_invalid', 'invalid_input'].includes(r.json.error.code), r.text);
    assert.notEqual(r.json.statusCode, '100');
  }
  const wrong = await deliver(tampered);
  assert.equal(wrong.json.error.code, 'callback_invalid');
});

test('the callback route takes POST only, refuses a foreign Origin and an oversized body', async () => {
  assert.equal((await t.call('/api/callbacks/freemud', { token: null })).status, 405);
  const foreign = await deliver(signed, { origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  const big = await deliver(signed.replace('"ver"', `"pad":"${'x'.repeat(70_000)}","ver"`));
  assert.equal(big.status, 413);
  assert.equal(big.json.error.code, 'payload_too_large');
  // The admin token is neither needed nor a way around verification.
  const withToken = await t.call('/api/callbacks/freemud', { method: 'POST', body: JSON.stringify({ ...JSON.parse(signed), sign: 'AAAA' }), token: ADMIN_TOKEN, headers: { 'content-type': 'application/json' } });
  assert.equal(withToken.status, 400);
});

test('no secret in any response or in the gateway log', () => {
  assert.ok(t.assertNoSecrets() >= 8);
});
