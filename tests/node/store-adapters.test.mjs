// User-provided idempotency stores and token caches as the built package (pkg/) calls them, beyond
// the shapes pinned by stores.test.mjs: promises from another realm and thenables (a Workers RPC
// stub's methods return those), methods that never settle, and one store shared by two clients.
// No network: the vendor is an injected fetch that counts its calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { Client } from '../../pkg/node.js';

// Made-up test credentials (not real).
const config = {
  vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee',
};
const args = (key) => ({ member: { mobile: '13800138000' }, delta: 5, reason: 'promotion', idempotencyKey: key });

function vendor() {
  const calls = { adjust: 0, token: 0 };
  const fetch = async (url) => {
    const path = new URL(url).pathname;
    if (path.endsWith('kingdee_auth_token')) calls.token += 1;
    if (path.endsWith('integral_adjust')) calls.adjust += 1;
    const data = path.endsWith('kingdee_auth_token') ? { 'app-token': 'test-tok', expires: 4102444800000 } : {};
    return new Response(JSON.stringify({ errcode: 0, description: 'ok', data }), { status: 200 });
  };
  return { calls, fetch };
}

/** A Map store whose methods hand their results through `wrap`; `replace` is its compare-and-set
 * (Kingdee changes need one). */
function store(wrap, { hangOn = () => false } = {}) {
  const m = new Map();
  const never = new Promise(() => {});
  return {
    m,
    get: (k) => (hangOn('get', k) ? never : wrap(m.get(k) ?? null)),
    putIfAbsent: (k, v) => (hangOn('putIfAbsent', k) ? never : wrap(m.has(k) ? false : (m.set(k, v), true))),
    delete: (k) => wrap(m.delete(k)),
    replace: (k, expected, v) => (hangOn('replace', k) ? never
      : wrap((m.get(k) ?? null) === expected ? (m.set(k, v), true) : false)),
  };
}

const otherRealm = vm.runInNewContext('(v) => Promise.resolve(v)');
const thenable = (v) => ({ then: (resolve) => resolve(v) });

/** Settles within `ms`, or says it hung. */
const within = (p, ms) => Promise.race([p.then((ok) => ({ ok }), (error) => ({ error })), new Promise((r) => setTimeout(() => r({ hung: true }), ms))]);

for (const [name, wrap] of [['a Promise of another realm (vm, iframe)', otherRealm], ['a thenable (e.g. a Workers RPC stub)', thenable]]) {
  test(`an idempotency store whose methods return ${name}: claimed once, replayed, sent once`, async () => {
    assert.equal(otherRealm(1) instanceof Promise, false, 'the realm really differs');
    const v = vendor();
    const s = store(wrap);
    const client = new Client(config, { retries: 0, fetch: v.fetch, idempotencyStore: s });
    const first = await within(client.adjustPoints(args('realm-1')), 5000);
    assert.equal(first.ok?.applied, true, JSON.stringify(first.error ?? first));
    const again = await within(client.adjustPoints(args('realm-1')), 5000);
    assert.deepEqual(again.ok, first.ok, 'the recorded outcome');
    assert.equal(v.calls.adjust, 1, 'sent once');
  });
}

test('a token cache whose get returns a thenable holding a token: the token is used, not fetched again', async () => {
  const v = vendor();
  const shared = JSON.stringify({ appToken: 'test-shared-tok', domain: 'https://tf.jdy.com' });
  const tokenCache = { get: () => thenable({ value: shared, expiresAt: 4102444800000 }), set: () => thenable(undefined) };
  const client = new Client(config, { retries: 0, fetch: v.fetch, tokenCache });
  const r = await within(client.adjustPoints(args('tok-1')), 5000);
  assert.equal(r.ok?.applied, true, JSON.stringify(r.error ?? r));
  assert.equal(v.calls.token, 0, 'the cached token was read');
});

test('a store that never answers the outcome write: the applied change is still reported (within the client timeout)', async () => {
  const v = vendor();
  const s = store((x) => Promise.resolve(x), { hangOn: (op, k) => op === 'putIfAbsent' && k.endsWith(':result') });
  const client = new Client(config, { retries: 0, timeoutMs: 300, fetch: v.fetch, idempotencyStore: s });
  const r = await within(client.adjustPoints(args('hang-1')), 5000);
  assert.ok(!r.hung, 'adjustPoints never settled: the caller never learns that the change was applied');
  assert.equal(r.ok?.applied, true, JSON.stringify(r.error ?? r));
  assert.equal(v.calls.adjust, 1);
});

test('a store that never answers the first read: nothing is sent, and the call fails as retryable', async () => {
  const v = vendor();
  const s = store((x) => Promise.resolve(x), { hangOn: (op) => op === 'get' });
  const client = new Client(config, { retries: 0, timeoutMs: 300, fetch: v.fetch, idempotencyStore: s });
  const r = await within(client.adjustPoints(args('hang-2')), 5000);
  assert.ok(!r.hung, 'adjustPoints never settled');
  assert.equal(r.error?.code, 'network');
  assert.equal(r.error?.retryable, true);
  assert.match(r.error?.message, /shared store/);
  assert.equal(v.calls.adjust, 0, 'nothing sent');
});

test('one store shared by two clients of the same account: the second replays the first outcome, sends nothing', async () => {
  const v = vendor();
  const s = store((x) => Promise.resolve(x));
  const a = new Client(config, { retries: 0, fetch: v.fetch, idempotencyStore: s });
  const b = new Client(config, { retries: 0, fetch: v.fetch, idempotencyStore: s });
  const [ra, rb] = await Promise.all([a.adjustPoints(args('shared-1')).then((ok) => ({ ok }), (error) => ({ error })),
    b.adjustPoints(args('shared-1')).then((ok) => ({ ok }), (error) => ({ error }))]);
  assert.equal(v.calls.adjust, 1, 'one of the two sent it');
  // The other waited for it and replayed its outcome, or (still in flight) was told to retry:
  // conflict, or outcome_unknown with a time (Kingdee: no vendor key).
  const other = ra.ok && rb.ok ? rb : ra.error ? ra : rb;
  const sender = other === ra ? rb : ra;
  if (other.error) {
    assert.ok(['conflict', 'outcome_unknown'].includes(other.error.code), JSON.stringify(other.error));
    assert.equal(other.error.retryable, true);
  } else {
    assert.deepEqual(other.ok, sender.ok, 'the same outcome, replayed');
  }
  const later = await b.adjustPoints(args('shared-1'));
  assert.equal(later.applied, true);
  assert.equal(v.calls.adjust, 1);
});
