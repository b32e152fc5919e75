// Errors keep their cause (issue 17 item 7): what a custom `fetch` throws or rejects with (a TypeError,
// as a fetch does for a refused connection) is the JifenError's `cause`, the same object, on the unified
// calls and on `call`, after retries too (the last attempt's); errors nothing was thrown for have no cause.
// No network: every reply comes from the injected fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, JifenError } from '../../pkg/node.js';

// Made-up test credentials (not real).
const config = {
  vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee',
};
const TOKEN = JSON.stringify({ errcode: 0, description: 'ok', data: { 'app-token': 'test-tok', expires: 4102444800000 } });
const member = { id: 'm1', cardId: 'c1' };

/** A client whose business calls go to `business`; the token call is answered. */
const client = (business, options = {}) => new Client(config, {
  retries: 0,
  ...options,
  fetch: (url, init) => (url.includes('kingdee_auth_token')
    ? Promise.resolve(new Response(TOKEN, { status: 200 }))
    : business(url, init)),
});

test('a TypeError thrown by a custom fetch is error.cause', async () => {
  const thrown = new TypeError('fetch failed: connection refused (made up)');
  const e = await client(() => { throw thrown; }).getBalance({ member }).catch((x) => x);
  assert.ok(e instanceof JifenError, String(e));
  assert.equal(e.code, 'network');
  assert.equal(e.cause, thrown);
});

test('a custom fetch that rejects with a TypeError: error.cause, on call() too', async () => {
  const thrown = new TypeError('fetch failed (made up)');
  const e = await client(() => Promise.reject(thrown)).call('/jdy/v2/ls/account_balance_info', { member_id: 'm1', member_card_id: 'c1' })
    .catch((x) => x);
  assert.ok(e instanceof JifenError, String(e));
  assert.equal(e.code, 'network');
  assert.equal(e.cause, thrown);
});

test('after retries, the cause is what the last attempt threw', async () => {
  let n = 0;
  const e = await client(() => Promise.reject(new TypeError(`attempt ${++n}`)), { retries: 2 })
    .getBalance({ member }).catch((x) => x);
  assert.equal(e.code, 'network');
  assert.equal(n, 3);
  assert.ok(e.cause instanceof TypeError);
  assert.equal(e.cause.message, 'attempt 3');
});

test('an error nothing was thrown for has no cause', async () => {
  const e = await client(() => new Response('busy', { status: 503 })).getBalance({ member }).catch((x) => x);
  assert.ok(e instanceof JifenError);
  assert.equal(e.httpStatus, 503);
  assert.equal('cause' in e, false);
  const bad = await client(() => { throw new Error('unused'); }).getBalance({}).catch((x) => x);
  assert.equal(bad.code, 'invalid_input');
  assert.equal('cause' in bad, false);
});
