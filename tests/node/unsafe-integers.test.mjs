// An integer beyond Number.MAX_SAFE_INTEGER has already lost digits when it reaches jifen
// (383933091455959041 is the number 383933091455959040 in JavaScript, which may be another real
// member): every entry point refuses it with invalid_input naming where it was, and sends nothing.
// A string of the same digits goes through untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequest, Client, JifenError } from '../../pkg/node.js';

// Made-up test credentials (not real).
const kingdee = { vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee' };
const qimai = { vendor: 'qimai', openId: 'test-open-id', grantCode: 'g', openKey: 'test-open-key',
  baseUrl: 'http://127.0.0.1:9/qimai' };
const BIG = 383933091455959041; // eslint-disable-line no-loss-of-precision -- the point of the test

function refused(e, where) {
  assert.ok(e instanceof JifenError, String(e));
  assert.equal(e.code, 'invalid_input');
  assert.match(e.message, new RegExp(where.replace(/[.[\]]/g, '\\$&')));
  assert.match(e.message, /MAX_SAFE_INTEGER/);
  assert.match(e.message, /string/);
  return true;
}

test('buildRequest refuses an unsafe integer in params, nested too, and in the config', async () => {
  const opts = { timestamp: 1700000000000, nonce: '1234567890', appToken: 't', domain: 'https://tf.jdy.com' };
  await assert.rejects(buildRequest(kingdee, 'GET /jdy/v2/ls/integral_record', { member_id: BIG }, opts),
    (e) => refused(e, 'params.member_id'));
  await assert.rejects(buildRequest(qimai, 'user.points-add', { list: [{ id: 1 }, { id: -BIG }] }, opts),
    (e) => refused(e, 'params.list[1].id'));
  await assert.rejects(buildRequest({ ...kingdee, clientId: 2 ** 60 }, '/jdy/v2/ls/integral_record', {}, opts),
    (e) => refused(e, 'config.clientId'));
  await assert.rejects(buildRequest(kingdee, 'GET /jdy/v2/ls/integral_record', { id: 2 ** 53 }, opts),
    (e) => refused(e, 'params.id'));
  await assert.rejects(buildRequest(kingdee, 'GET /jdy/v2/ls/integral_record', { id: -1e21 }, opts),
    (e) => refused(e, 'params.id'));
  // The same digits as a string and the largest safe integer are fine.
  const ok = await buildRequest(kingdee, '/jdy/v2/ls/integral_record', { member_id: '383933091455959041', id: Number.MAX_SAFE_INTEGER }, opts);
  assert.match(ok.url, /member_id=383933091455959041/);
  assert.match(ok.url, /id=9007199254740991/);
});

test('Client.call and adjustPoints refuse it before anything is sent', async () => {
  let sent = 0;
  const fetch = async () => { sent++; throw new TypeError('must not be called'); };
  const c = new Client(kingdee, { fetch });
  await assert.rejects(c.call('/jdy/v2/ls/integral_record', { member_id: BIG }), (e) => refused(e, 'params.member_id'));
  await assert.rejects(c.adjustPoints({ member: { id: BIG, cardId: '1' }, delta: 5, reason: 'promotion', idempotencyKey: 'k' }),
    (e) => refused(e, 'member.id'));
  await assert.rejects(c.getBalance({ member: { id: '1', cardId: BIG } }), (e) => refused(e, 'member.cardId'));
  assert.equal(sent, 0);
});
