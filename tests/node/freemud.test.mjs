// The built package in Node against the simulator: Freemud 非码, RSA through Node's WebCrypto.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { startSim } from '../../sim/server.mjs';
import { buildRequest, Client, JifenError, verifyCallback } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim, config;
before(async () => {
  sim = await startSim({ port: 0 });
  config = { ...accounts.freemud, baseUrl: `${sim.url}/freemud` };
});
after(() => sim.close());
beforeEach(() => sim.reset());

const memberId = '115589208394311926';

test('buildRequest reproduces the E1 request vector byte for byte', async () => {
  const v = JSON.parse(readFileSync(new URL('../vectors/freemud/E1.json', import.meta.url)));
  const key = readFileSync(new URL(`../vectors/freemud/${v.key}`, import.meta.url), 'utf8');
  const req = await buildRequest({ vendor: 'freemud', partnerId: v.partnerId, appId: v.appId, privateKey: key, baseUrl: 'https://example.invalid' },
    v.path, v.params, { transactionId: 'fixed-id' });
  assert.equal(req.body, v.body);
  assert.equal(req.stringToSign, v.canonical);
  assert.equal(req.headers['x-transaction-id'], 'fixed-id');
});

test('every operation against the simulator; the balance adds up; a repeated id changes nothing', async () => {
  const client = new Client(config);
  const info = await client.call('/member/getMemberInfoByIdOrMobile', { mobile: '18616703980', showScoreSwitch: 1 });
  assert.equal(info.memberId, memberId);
  const members = await client.call('/member/getMembers', { pageNum: 1, pageSize: 10 });
  assert.ok(members.memberList.length > 0);
  const start = (await client.call('/member/score/statisticalScore', { memberId })).currentScore;
  const add = { memberId, score: 50, operationType: 4, idempotencyBussinessId: 'e2e-fm-add-1' };
  const first = await client.call('/member/score/opt/1', add);
  const again = await client.call('/member/score/opt/1', add);
  assert.deepEqual({ ...again, _signature: undefined }, { ...first, _signature: undefined });
  await client.call('/member/score/opt/15', { memberId, score: 20, operationType: 11, idempotencyBussinessId: 'e2e-fm-sub-1' });
  await client.call('/member/score/updateScore', { memberId, changeScore: 5, changeType: 1, operationType: 4, idempotencyBussinessId: 'e2e-fm-upd-1' });
  await client.call('/member/score/sendScore', { memberId, score: 7, operationType: 1, orderId: 'order-e2e-1', idempotencyBussinessId: 'e2e-fm-send-1', idempotencyBussinessType: '6' });
  await client.call('/member/score/returnScore', { memberId, orderId: 'order-e2e-1', operationType: 15, idempotencyBussinessId: 'e2e-fm-ret-1' });
  const end = await client.call('/member/score/statisticalScore', { memberId });
  assert.equal(end.currentScore, start + 50 - 20 + 5);
  assert.equal(end._signature, 'valid');
  await assert.rejects(client.call('/member/score/opt/1', { memberId, score: 1, operationType: 4 }), (e) => e instanceof JifenError && e.code === 'invalid_input');
  await assert.rejects(client.call('/member/score/opt/15', { memberId, score: 1e6, operationType: 11, idempotencyBussinessId: 'e2e-fm-big' }), (e) => e.code === 'vendor' && Boolean(e.vendorCode));
});

test('a push from the simulator verifies and is acknowledged', async () => {
  let result;
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    result = await verifyCallback({ ...config, verify: 'enforce' }, { headers: req.headers, body: Buffer.concat(chunks).toString() });
    res.setHeader('content-type', 'application/json');
    res.end(result.ackBody);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/hook`;
    const r = await fetch(`${sim.url}/_sim/freemud/push`, { method: 'POST', body: JSON.stringify({ url, event: 'points.changed', memberId }) });
    assert.ok(r.ok, await r.text());
    assert.equal(result.verified, true);
    assert.equal(result.event.type, 'points.changed');
  } finally {
    server.close();
  }
});

test('a wrong private key is a config error that does not echo the key', async () => {
  assert.throws(() => new Client({ ...config, privateKey: 'MIIsecretish-not-a-key' }), (e) => {
    assert.ok(e instanceof JifenError);
    assert.equal(e.code, 'config');
    assert.ok(!e.message.includes('MIIsecretish'));
    return true;
  });
});
