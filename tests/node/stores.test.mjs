// JS idempotency stores and token caches as the built package (pkg/) calls them, pinned against a
// golden file written from the code before their binding moved into JS (branch size-async): which
// methods are called with which arguments (and how many), and the result or JifenError, for sync
// and async stores, throwing and rejecting ones, wrong return types, a thenable, a store without
// delete, a store without replace (Kingdee needs its compare-and-set: a config error), one whose
// replace rejects, and token caches with and without lock/unlock, holding a good, an expired or no
// token. Re-blessed for the Kingdee settle protocol (issue 16): a change now also reads and
// compare-and-sets the claim's try and the change's lane before it is sent.
// Re-blessed for per-account-set Kingdee keys (issue 17 item 6): keys are named
// `jifen:kingdee-set:<clientId>:<appKey>:<key>`, and a new key first reads the name an earlier
// version gave it (`jifen:kingdee:<clientId>:<key>`).
// No network: the vendor is an injected fetch. Regenerate only on purpose:
// JIFEN_BLESS=1 node --test tests/node/stores.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Client } from '../../pkg/node.js';

const GOLDEN = new URL('./stores.golden.json', import.meta.url);

// Made-up test credentials (not real).
const config = {
  vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee',
};
const reply = (data, errcode = 0) => new Response(JSON.stringify({ errcode, description: errcode ? '会员积分不足' : 'ok', data }), { status: 200 });
const TOKEN = { 'app-token': 'test-tok', expires: 4102444800000 };

function vendor(fetched, refuse) {
  return async (url) => {
    const path = new URL(url).pathname;
    fetched.push(path);
    if (path.endsWith('kingdee_auth_token')) return reply(TOKEN);
    if (path.endsWith('integral_adjust') && refuse) return reply(undefined, 2000002002);
    return reply({});
  };
}

const logged = (log, name, f) => function (...args) { log.push([name, args.length, ...args]); return f.apply(this, args); };

function memory(log, { async = false, get, put, del, cas, noDelete = false, noReplace = false } = {}) {
  const m = new Map();
  const wrap = (v) => (async ? Promise.resolve(v) : v);
  const store = {
    get: logged(log, 'get', get ?? ((k) => wrap(m.get(k)))),
    putIfAbsent: logged(log, 'putIfAbsent', put ?? ((k, v) => wrap(m.has(k) ? false : (m.set(k, v), true)))),
  };
  if (!noDelete) store.delete = logged(log, 'delete', del ?? ((k) => wrap(m.delete(k))));
  if (!noReplace) {
    store.replace = logged(log, 'replace', cas ?? ((k, expected, v) => wrap(m.get(k) === (expected ?? undefined) ? (m.set(k, v), true) : false)));
  }
  return store;
}

const adjust = { member: { mobile: '13800138000' }, delta: -5, reason: 'redemption', idempotencyKey: 'k-1' };

const storeCases = {
  sync: (log) => memory(log),
  async: (log) => memory(log, { async: true }),
  getThrows: (log) => memory(log, { get: () => { throw new Error('down'); } }),
  getRejects: (log) => memory(log, { get: () => Promise.reject(new Error('down')) }),
  getNumber: (log) => memory(log, { get: () => 7 }),
  getThenable: (log) => memory(log, { get: () => ({ then: (r) => r(undefined) }) }),
  putString: (log) => memory(log, { put: () => 'yes' }),
  putRejects: (log) => memory(log, { put: () => Promise.reject(new Error('down')) }),
  refusedNoDelete: (log) => memory(log, { noDelete: true }),
  refusedDeleteThrows: (log) => memory(log, { del: () => { throw new Error('down'); } }),
  refusedDelete: (log) => memory(log, { async: true }),
  noReplace: (log) => memory(log, { noReplace: true }),
  replaceRejects: (log) => memory(log, { cas: () => Promise.reject(new Error('down')) }),
  replaceString: (log) => memory(log, { cas: () => 'yes' }),
};

function cache(log, { value, expiresAt, lock = true, get, set, noLock = false } = {}) {
  const c = {
    get: logged(log, 'get', get ?? (() => (value === undefined ? null : { value, expiresAt }))),
    set: logged(log, 'set', set ?? (() => undefined)),
  };
  if (!noLock) {
    c.lock = logged(log, 'lock', () => Promise.resolve(lock));
    c.unlock = logged(log, 'unlock', () => undefined);
  }
  return c;
}

const shared = JSON.stringify({ appToken: 'test-shared-tok', domain: 'https://tf.jdy.com' });
const cacheCases = {
  empty: (log) => cache(log),
  good: (log) => cache(log, { value: shared, expiresAt: 4102444800000 }),
  expired: (log) => cache(log, { value: shared, expiresAt: 1000 }),
  badExpiry: (log) => cache(log, { value: shared, expiresAt: -1 }),
  notJson: (log) => cache(log, { value: 'x', expiresAt: 4102444800000 }),
  noLock: (log) => cache(log, { noLock: true }),
  getThrows: (log) => cache(log, { get: () => { throw new Error('down'); } }),
  getRejects: (log) => cache(log, { get: () => Promise.reject(new Error('down')) }),
  setRejects: (log) => cache(log, { set: () => Promise.reject(new Error('down')) }),
  asyncGood: (log) => cache(log, { get: async () => ({ value: shared, expiresAt: 4102444800000 }) }),
};

const outcome = async (f) => {
  try {
    return { ok: await f() };
  } catch (e) {
    return { error: { name: e.name, ...e.toJSON() } };
  }
};

async function storeRun(name) {
  const log = [];
  const fetched = [];
  const refuse = name.startsWith('refused');
  const client = new Client(config, { retries: 0, fetch: vendor(fetched, refuse), idempotencyStore: storeCases[name](log) });
  const first = await outcome(() => client.adjustPoints(adjust));
  const again = await outcome(() => client.adjustPoints(adjust));
  return { name, log, fetched, first, again };
}

/**
 * The cache's value holds the times of token calls (and what it is kept until depends on them):
 * epoch-ms numbers within an hour of the run are written relative to its start, in seconds.
 */
function relativeTimes(x, t0) {
  const rel = (n) => (Math.abs(n - t0) < 3_600_000 ? `now+${Math.round((n - t0) / 1000)}s` : n);
  if (typeof x === 'number') return rel(x);
  if (typeof x === 'string') return x.replace(/\b\d{13}\b/g, (d) => String(rel(Number(d))));
  if (Array.isArray(x)) return x.map((y) => relativeTimes(y, t0));
  return x;
}

async function cacheRun(name) {
  const log = [];
  const fetched = [];
  const t0 = Date.now();
  const client = new Client(config, { retries: 0, fetch: vendor(fetched, false), tokenCache: cacheCases[name](log) });
  const first = await outcome(() => client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 1, operation: 1 }));
  return { name, log: relativeTimes(log, t0), fetched, first };
}

test('idempotency stores and token caches: every path matches the golden file', async () => {
  const got = { stores: [], caches: [] };
  for (const name of Object.keys(storeCases)) got.stores.push(await storeRun(name));
  for (const name of Object.keys(cacheCases)) got.caches.push(await cacheRun(name));
  // The Kingdee claim and lane records carry clock readings (a try's window, a lane's bound), and
  // a Kingdee conflict names a time and a retryAfterMs: their presence is pinned, not their value.
  const norm = JSON.parse(JSON.stringify(got)
    .replace(/(\\"(?:from|until|at|bound)\\":)\d+/g, '$1\\"<ms>\\"')
    .replace(/("retryAfterMs":)\d+/g, '$1"<ms>"')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(China time\)/g, '<time> (China time)'));
  if (process.env.JIFEN_BLESS) {
    writeFileSync(GOLDEN, `${JSON.stringify(norm, null, 1)}\n`);
    return;
  }
  const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  for (const kind of ['stores', 'caches']) {
    assert.equal(norm[kind].length, want[kind].length);
    for (let i = 0; i < want[kind].length; i++) assert.deepStrictEqual(norm[kind][i], want[kind][i], want[kind][i].name);
  }
});
