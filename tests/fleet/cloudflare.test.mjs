// pkg-template/cloudflare.js in Node, against stand-ins for Durable Object
// storage and a KV namespace: the protocol, lock ownership, expiry, argument
// checks, and that no stored value ever appears in an error. Atomicity under
// real concurrency is tested in workerd (fleet.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../pkg/node.js';
import {
  JifenCoordinator, durableObjectIdempotencyStore, durableObjectTokenCache, kvIdempotencyStore, DEFAULT_TTL_SECONDS,
  serveCoordinator, coordinatorServiceNamespace,
} from '../../pkg-template/cloudflare.js';

/** Durable Object storage in memory (the subset the coordinator uses). */
function fakeStorage() {
  const m = new Map();
  let alarm = null;
  return {
    map: m,
    async get(k) { return structuredClone(m.get(k)); },
    async put(k, v) { m.set(k, structuredClone(v)); },
    async delete(k) { for (const x of [k].flat()) m.delete(x); return true; },
    async list({ prefix = '', limit = Infinity, startAfter } = {}) {
      return new Map([...m].filter(([k]) => k.startsWith(prefix) && (startAfter === undefined || k > startAfter)).sort().slice(0, limit));
    },
    async getAlarm() { return alarm; },
    async setAlarm(t) { alarm = t; },
    alarmAt: () => alarm,
  };
}

/** A namespace whose objects are JifenCoordinators over fake storage, one per name. */
function fakeNamespace() {
  const objects = new Map();
  const calls = [];
  return {
    objects,
    calls,
    idFromName: (name) => ({ name }),
    get(id) {
      if (!objects.has(id.name)) objects.set(id.name, new JifenCoordinator({ storage: fakeStorage() }, {}));
      const obj = objects.get(id.name);
      return { fetch: (url, init) => { calls.push(id.name); return obj.fetch(new Request(url, init)); } };
    },
  };
}

async function withClock(t0, fn) {
  const real = Date.now;
  let now = t0;
  Date.now = () => now;
  try {
    return await fn((ms) => { now += ms; });
  } finally {
    Date.now = real;
  }
}

test('idempotency store: putIfAbsent claims once; get, delete; entries expire after ttlSeconds', async () => {
  const ns = fakeNamespace();
  const store = durableObjectIdempotencyStore(ns, { ttlSeconds: 86_400 });
  await withClock(1_000_000, async (advance) => {
    assert.equal(await store.get('k1'), null);
    assert.equal(await store.putIfAbsent('k1', '{"fp":"a"}'), true);
    assert.equal(await store.putIfAbsent('k1', '{"fp":"b"}'), false);
    assert.equal(await store.get('k1'), '{"fp":"a"}');
    await store.delete('k1');
    assert.equal(await store.get('k1'), null);
    assert.equal(await store.putIfAbsent('k1', 'v2'), true);
    advance(86_399_000);
    assert.equal(await store.putIfAbsent('k1', 'v3'), false);
    advance(1_001);
    assert.equal(await store.get('k1'), null, 'expired');
    assert.equal(await store.putIfAbsent('k1', 'v3'), true, 'an expired key is free again');
  });
  assert.deepEqual([...ns.objects.keys()], ['jifen-idempotency']);
});

test('the sweep alarm deletes expired entries only', async () => {
  const storage = fakeStorage();
  const obj = new JifenCoordinator({ storage }, {});
  const call = async (msg) => (await (await obj.fetch(new Request('https://x/', { method: 'POST', body: JSON.stringify(msg) }))).json()).result;
  await withClock(5_000_000, async (advance) => {
    assert.equal(await call({ op: 'idem.putIfAbsent', key: 'old', value: 'x', ttlMs: 1000 }), true);
    assert.ok(storage.alarmAt() > Date.now(), 'a sweep is scheduled');
    advance(2000);
    assert.equal(await call({ op: 'idem.putIfAbsent', key: 'new', value: 'y', ttlMs: 60_000 }), true);
    await obj.alarm();
    assert.deepEqual([...storage.map.keys()].sort(), ['i:new']);
    assert.ok(storage.alarmAt() > Date.now(), 'swept again later while entries remain');
  });
});

test('shards spread keys over several objects, each key always to the same one', async () => {
  const ns = fakeNamespace();
  const store = durableObjectIdempotencyStore(ns, { name: 'idem', shards: 4 });
  for (let i = 0; i < 40; i++) assert.equal(await store.putIfAbsent(`key-${i}`, String(i)), true);
  for (let i = 0; i < 40; i++) assert.equal(await store.get(`key-${i}`), String(i));
  assert.equal(ns.objects.size, 4);
  assert.ok([...ns.objects.keys()].every((n) => /^idem:[0-3]$/.test(n)));
});

test('token cache: get/set with expiry; the lock has one holder, a time limit, and only its holder unlocks', async () => {
  const ns = fakeNamespace();
  const a = durableObjectTokenCache(ns, 'kingdee-token:300721');
  const b = durableObjectTokenCache(ns, 'kingdee-token:300721');
  await withClock(10_000_000, async (advance) => {
    assert.equal(await a.get(), null);
    await a.set('{"appToken":"made-up-token-1"}', Date.now() + 5000);
    assert.deepEqual(await b.get(), { value: '{"appToken":"made-up-token-1"}', expiresAt: Date.now() + 5000 });
    advance(5000);
    assert.equal(await b.get(), null, 'an expired token is not served');

    assert.equal(await a.lock(5_000), true);
    assert.equal(await b.lock(5_000), false, 'held by a');
    await b.unlock(); // not b's: no effect
    assert.equal(await b.lock(5_000), false);
    await a.unlock();
    assert.equal(await b.lock(5_000), true);
    advance(5_001);
    assert.equal(await a.lock(5_000), true, "b's lock ran out");
    await b.unlock(); // b's expired lock is a's now: b cannot release it
    assert.equal(await b.lock(1000), false);
  });
  assert.deepEqual([...ns.objects.keys()], ['kingdee-token:300721']);
});

test('token cache: a lock lasts 10 s at most, whatever its holder asked; its holder renews it', async () => {
  const ns = fakeNamespace();
  const dead = durableObjectTokenCache(ns, 'kingdee:1:k');
  const alive = durableObjectTokenCache(ns, 'kingdee:1:k');
  await withClock(20_000_000, async (advance) => {
    // A holder that asked for 30 s (as older clients did) and was killed.
    assert.equal(await dead.lock(30_000), true);
    advance(9_000);
    assert.equal(await alive.lock(5_000), false, 'still within 10 s');
    advance(1_001);
    assert.equal(await alive.lock(5_000), true, 'the dead holder stalled the others 10 s, not 30 s');
    // Renewed by its holder, the lock outlives its first term; the others wait.
    advance(4_000);
    assert.equal(await alive.lock(5_000), true, 'renewed');
    advance(4_000);
    assert.equal(await dead.lock(5_000), false, '8 s after it was taken, renewed at 4 s: still held');
  });
});

test('a Client whose refresher died mid-call through the Durable Object refreshes within seconds', async () => {
  const ns = fakeNamespace();
  const config = {
    vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k', appSecret: 'test-app-secret',
    domain: 'https://tf.jdy.com', baseUrl: 'http://kingdee.invalid',
  };
  const tokenReply = () => new Response(JSON.stringify({
    errcode: 0, description: '成功', data: { 'app-token': 'made-up-token-b', expires: Date.now() + 86_400_000 },
  }), { headers: { 'content-type': 'application/json' } });
  const adjusted = () => new Response('{"errcode":0,"description":"success","data":{}}', { headers: { 'content-type': 'application/json' } });
  let release;
  const hung = new Promise((_, reject) => { release = () => reject(new TypeError('connection reset')); });
  let tokenCalls = 0;
  // A's token call never comes back (its isolate was killed there); B's is answered.
  const a = new Client(config, {
    tokenCache: durableObjectTokenCache(ns, 'kingdee:1:k'),
    fetch: (url) => { if (String(url).includes('kingdee_auth_token')) { tokenCalls++; return hung; } return adjusted(); },
    retries: 0,
  });
  const b = new Client(config, {
    tokenCache: durableObjectTokenCache(ns, 'kingdee:1:k'),
    fetch: (url) => { if (String(url).includes('kingdee_auth_token')) { tokenCalls++; return tokenReply(); } return adjusted(); },
  });
  const params = { mobile: '13800138000', integral: 1, operation: 5 };
  const dying = a.call('/jdy/v2/ls/integral_adjust', params).catch((e) => e);
  while (tokenCalls === 0) await new Promise((r) => setTimeout(r, 10));
  const t0 = Date.now();
  await b.call('/jdy/v2/ls/integral_adjust', params);
  const stalled = Date.now() - t0;
  assert.ok(stalled <= 7_000, `B waited ${stalled} ms for A's lock`);
  assert.equal(tokenCalls, 2);
  release();
  await dying;
});

test('bad requests get fixed messages that echo nothing sent', async () => {
  const obj = new JifenCoordinator({ storage: fakeStorage() }, {});
  const secret = 'made-up-secret-value-0001';
  const bad = [
    { op: 'nope', value: secret },
    { op: 'constructor', value: secret },
    { op: 'idem.putIfAbsent', key: '', value: secret, ttlMs: 1 },
    { op: 'idem.putIfAbsent', key: 'k', value: secret, ttlMs: -1 },
    { op: 'token.set', value: secret, expiresAt: 'soon' },
    { op: 'token.lock', holder: secret.repeat(5), ttlMs: 1000 },
  ];
  for (const msg of bad) {
    const r = await obj.fetch(new Request('https://x/', { method: 'POST', body: JSON.stringify(msg) }));
    const text = await r.text();
    assert.equal(r.status, 400, text);
    assert.ok(!text.includes(secret), text);
  }
  const r = await obj.fetch(new Request('https://x/', { method: 'POST', body: `{"op":"token.set","value":"${secret}"` }));
  assert.equal(r.status, 400);
  assert.ok(!(await r.text()).includes(secret));
  assert.equal((await obj.fetch(new Request('https://x/'))).status, 405);

  // A storage failure: the adapter's error names the operation and status, no value.
  const failing = { idFromName: (n) => n, get: () => ({ fetch: async () => new Response('{"error":"storage failed"}', { status: 500 }) }) };
  await assert.rejects(durableObjectTokenCache(failing).set(secret, 1), (e) => /token\.set failed \(HTTP 500\)/.test(e.message) && !e.message.includes(secret));
});

test('adapter arguments are checked', () => {
  assert.throws(() => durableObjectIdempotencyStore(undefined), TypeError);
  assert.throws(() => durableObjectIdempotencyStore({}), TypeError);
  assert.throws(() => durableObjectIdempotencyStore(fakeNamespace(), { shards: 0 }), TypeError);
  assert.throws(() => durableObjectIdempotencyStore(fakeNamespace(), { ttlSeconds: 1.5 }), TypeError);
  assert.throws(() => durableObjectTokenCache(fakeNamespace(), ''), TypeError);
  assert.throws(() => kvIdempotencyStore(null), TypeError);
  assert.throws(() => kvIdempotencyStore(fakeKv(), { ttlSeconds: 30 }), /at least 86400/);
  assert.equal(DEFAULT_TTL_SECONDS, 7 * 24 * 3600);
});

function fakeKv() {
  const m = new Map();
  return {
    m,
    async get(k) { return m.has(k) ? m.get(k).value : null; },
    async put(k, value, opts) { m.set(k, { value, opts }); },
    async delete(k) { m.delete(k); },
  };
}

test('KV store (best-effort): claims, reads back, deletes; entries carry the TTL', async () => {
  const kv = fakeKv();
  const store = kvIdempotencyStore(kv, { ttlSeconds: 86_400, prefix: 'p:' });
  assert.equal(store.bestEffort, true);
  assert.equal(await store.get('k'), null);
  assert.equal(await store.putIfAbsent('k', '{"fp":"a"}'), true);
  assert.equal(await store.putIfAbsent('k', '{"fp":"a"}'), false);
  assert.equal(await store.get('k'), '{"fp":"a"}', 'the value as given, not the wrapper');
  assert.deepEqual(kv.m.get('p:k').opts, { expirationTtl: 86_400 });
  await store.delete('k');
  assert.equal(await store.get('k'), null);

  // A second writer that lands between our write and our read-back wins; we report not claimed.
  const racing = fakeKv();
  const put = racing.put.bind(racing);
  racing.put = async (k, v, o) => { await put(k, v, o); await put(k, JSON.stringify({ n: 'other', v: 'theirs' }), o); };
  assert.equal(await kvIdempotencyStore(racing).putIfAbsent('k', 'mine'), false);
});

// A claim must outlive the change it guards. jifen's Client keeps a Kingdee adjustment in flight for
// up to hours in the worst case (timeoutMs up to 600 s, up to 11 attempts, then the ledger reads and
// the one repeat of reconciliation), and a claim that expires meanwhile lets a second caller with the
// same key claim it again and send the change a second time.
test('a claim cannot expire while its change is in flight: ttlSeconds under 1 day is refused', async () => {
  for (const ttlSeconds of [1, 60, 3600, 86_399]) {
    assert.throws(() => durableObjectIdempotencyStore(fakeNamespace(), { ttlSeconds }), /at least 86400/, `DO ${ttlSeconds}`);
    assert.throws(() => kvIdempotencyStore(fakeKv(), { ttlSeconds }), /at least 86400/, `KV ${ttlSeconds}`);
  }
  durableObjectIdempotencyStore(fakeNamespace(), { ttlSeconds: 86_400 });
  kvIdempotencyStore(fakeKv(), { ttlSeconds: 86_400 });
});

test('the sweep walks every entry: expired ones behind a full batch of live ones are deleted too, live ones never', async () => {
  const storage = fakeStorage();
  const obj = new JifenCoordinator({ storage }, {});
  const call = async (msg) => (await (await obj.fetch(new Request('https://x/', { method: 'POST', body: JSON.stringify(msg) }))).json()).result;
  await withClock(5_000_000, async (advance) => {
    // 1,000 live claims sort before 5 short-lived ones (the sweep lists keys in order, 1,000 at a time).
    for (let i = 0; i < 1000; i++) await storage.put(`i:a${String(i).padStart(4, '0')}`, { v: 'live', exp: Date.now() + 86_400_000 });
    for (let i = 0; i < 5; i++) assert.equal(await call({ op: 'idem.putIfAbsent', key: `z${i}`, value: 'x', ttlMs: 1000 }), true);
    advance(2000);
    for (let i = 0; i < 4; i++) {
      await obj.alarm();
      if (![...storage.map.keys()].some((k) => k.startsWith('i:z'))) break;
      advance(storage.alarmAt() - Date.now());
    }
    const left = [...storage.map.keys()].filter((k) => k.startsWith('i:'));
    assert.equal(left.filter((k) => k.startsWith('i:z')).length, 0, 'the expired entries were reached and deleted');
    assert.equal(left.length, 1000, 'every live claim is kept');
    assert.ok(storage.alarmAt() > Date.now(), 'still scheduled while entries remain');
  });
});

test('a coordinator in another process: coordinatorServiceNamespace over serveCoordinator, token required', async () => {
  const ns = fakeNamespace();
  const token = 'coordinator-token-not-a-secret-01';
  const seen = [];
  // The service binding: each call goes through serveCoordinator as the coordinator Worker runs it.
  const service = {
    fetch: (url, init) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      return serveCoordinator(new Request(url, init), ns, { token });
    },
  };
  const remote = coordinatorServiceNamespace(service, { token });
  const store = durableObjectIdempotencyStore(remote);
  assert.equal(await store.putIfAbsent('k/1?x', 'claim'), true);
  assert.equal(await store.putIfAbsent('k/1?x', 'other'), false);
  assert.equal(await store.get('k/1?x'), 'claim');
  const cache = durableObjectTokenCache(remote, 'kingdee-token:a/b');
  await cache.set('tok', Date.now() + 60_000);
  assert.equal((await cache.get()).value, 'tok');
  assert.deepEqual([...ns.objects.keys()].sort(), ['jifen-idempotency', 'kingdee-token:a/b'], 'names reach the objects intact');
  assert.ok(seen.every((c) => c.auth === `Bearer ${token}`));
  assert.ok(seen.some((c) => c.url.endsWith('/objects/kingdee-token%3Aa%2Fb')));

  const post = (path, headers = {}) => serveCoordinator(new Request(`http://c${path}`, { method: 'POST', headers, body: '{"op":"token.get"}' }), ns, { token });
  assert.equal((await post('/objects/x')).status, 401);
  assert.equal((await post('/objects/x', { authorization: `Bearer ${token}x` })).status, 401);
  assert.equal((await post('/other', { authorization: `Bearer ${token}` })).status, 404);
  assert.equal((await post('/objects/', { authorization: `Bearer ${token}` })).status, 400);
  assert.equal((await post('/objects/%E0%A4%A', { authorization: `Bearer ${token}` })).status, 400);
  assert.equal((await serveCoordinator(new Request('http://c/objects/x', { headers: { authorization: `Bearer ${token}` } }), ns, { token })).status, 405);
  // Without a token of its own the coordinator answers nothing; a gateway needs the token too.
  const none = await serveCoordinator(new Request('http://c/objects/x', { method: 'POST', body: '{}' }), ns, {});
  assert.equal(none.status, 500);
  assert.throws(() => coordinatorServiceNamespace(service, {}), /token/);
  assert.throws(() => coordinatorServiceNamespace({}, { token }), /service binding/);
  const out = JSON.stringify(await (await post('/objects/x', { authorization: 'Bearer wrong' })).json());
  assert.ok(!out.includes(token));
});
