// Many clients (as a gateway's many isolates) sharing one Kingdee token through a token cache with a
// lock: started cold and all at once, they make exactly one call to the rate-limited token endpoint;
// a 429 from it is remembered in the cache and answered locally, with the vendor's code; a short-lived token is
// reused.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim;
before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());
beforeEach(() => sim.reset());
const state = async () => (await fetch(`${sim.url}/_sim/state`)).json();
const config = () => ({ ...accounts.kingdee, baseUrl: `${sim.url}/kingdee` });

function sharedCache() {
  let entry = null;
  let lockedUntil = 0;
  return {
    async get() { await null; return entry; },
    async set(value, expiresAt) { await null; entry = { value, expiresAt }; },
    async lock(ttlMs) { await null; if (Date.now() < lockedUntil) return false; lockedUntil = Date.now() + ttlMs; return true; },
    async unlock() { lockedUntil = 0; },
  };
}

test('30 cold clients, one token refresh', async () => {
  const cache = sharedCache();
  const clients = Array.from({ length: 30 }, () => new Client(config(), { tokenCache: cache }));
  const member = { id: '1480000000000000001', cardId: '1490000000000000001' };
  const balances = await Promise.all(clients.map((c) => c.getBalance({ member })));
  assert.ok(balances.every((b) => b.available === balances[0].available));
  const s = await state();
  assert.equal(s.kingdee.counters.tokenEndpointHits, 1, 'the token endpoint was hit once');
  assert.ok(!JSON.stringify(await cache.get()).includes(accounts.kingdee.appSecret));
});

test('without a shared cache, the same fleet is rate limited by the vendor', async () => {
  const clients = Array.from({ length: 5 }, () => new Client(config(), { retries: 0 }));
  const member = { id: '1480000000000000001', cardId: '1490000000000000001' };
  const results = await Promise.allSettled(clients.map((c) => c.getBalance({ member })));
  assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof JifenError && r.reason.code === 'rate_limited'),
    'this is what the cache prevents');
});

/** A fetch that counts calls to the token endpoint. */
function counting() {
  const f = (url, init) => {
    if (String(url).includes('kingdee_auth_token')) f.tokenCalls++;
    return fetch(url, init);
  };
  f.tokenCalls = 0;
  return f;
}

test('a 429 with Retry-After: 60 from the token endpoint is remembered in the cache: 30 clients, one token call, answered locally', async () => {
  await fetch(`${sim.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendor: 'kingdee', path: '/jdyconnector/app_management/kingdee_auth_token', kind: 'rate_limit', retryAfter: 60, times: 100 }),
  });
  const cache = sharedCache();
  const f = counting();
  const clients = Array.from({ length: 30 }, () => new Client(config(), { tokenCache: cache, fetch: f }));
  const member = { id: '1480000000000000001', cardId: '1490000000000000001' };
  for (let round = 0; round < 2; round++) {
    const results = await Promise.allSettled(clients.map((c) => c.getBalance({ member })));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      const e = r.reason;
      assert.ok(e instanceof JifenError);
      assert.equal(e.code, 'rate_limited', e.message);
      assert.equal(e.vendorCode, '5007');
      assert.ok(e.retryAfterMs > 0 && e.retryAfterMs <= 60_000, String(e.retryAfterMs));
      assert.match(e.message, /tokenCache/);
      assert.equal(e.retryable, true);
    }
    assert.equal(f.tokenCalls, 1, `round ${round}: ${f.tokenCalls} token calls`);
  }
  // What the cache holds is the budget and the block, never a credential of the config.
  assert.ok(!JSON.stringify(await cache.get()).includes(accounts.kingdee.appSecret));
});

test('the token operation called directly during a token storm: rate_limited with the vendor\'s code 5007', async () => {
  await fetch(`${sim.url}/_sim/kingdee/token-storm`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 60_000, retryAfter: 60 }),
  });
  const client = new Client(config(), { retries: 0 });
  await assert.rejects(client.call('/jdyconnector/app_management/kingdee_auth_token', {}), (e) => {
    assert.ok(e instanceof JifenError);
    assert.equal(e.code, 'rate_limited', e.message);
    assert.equal(e.httpStatus, 429);
    assert.equal(e.vendorCode, '5007');
    assert.equal(e.retryAfterMs, 60_000);
    return true;
  });
});

test('a token living less than the 5-minute refresh margin is reused, not refreshed on every call', async () => {
  await fetch(`${sim.url}/_sim/kingdee/config`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokenTtlMs: 120_000 }),
  });
  const f = counting();
  const client = new Client(config(), { fetch: f });
  const member = { id: '1480000000000000001', cardId: '1490000000000000001' };
  for (let i = 0; i < 10; i++) await client.getBalance({ member });
  assert.equal(f.tokenCalls, 1);
});

test('a token cache of the wrong shape is refused at construction', () => {
  assert.throws(() => new Client(config(), { tokenCache: { get() {} } }), (e) => e instanceof JifenError && e.code === 'invalid_input');
});
