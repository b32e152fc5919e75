// The no-loss / no-double promise of adjustPoints through the built package (pkg/), with JS
// stores and a small Kingdee model as the injected fetch (no idempotency key at the vendor: the
// store and the ledger are the only guards). Concurrent calls with one key on one client and on
// two clients sharing an async store (with compare-and-set `replace`, which Kingdee needs), a
// store without `replace` (refused), a store that fails to record an applied change, a key
// reused for another change, and a 519 with an unreadable body after the change was applied.
// The native fault matrix (tests/fault_matrix.rs) covers every fault at every step; this checks
// that the JS bindings (Promises, JS stores) keep the same guarantees.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../../pkg/node.js';
import { later, resetClock, assertUnknownUntil } from './later.mjs';

// Made-up test credentials (not real).
const config = {
  vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee',
};

const pad = (n) => String(n).padStart(2, '0');
const cst = (ms) => {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

/** A Kingdee model: applies integral_adjust to a ledger, serves integral_record from it. */
function kingdee({ faultOnAdjust } = {}) {
  const rows = [];
  const calls = [];
  let balance = 500;
  const reply = (data, status = 200, body) => new Response(body ?? JSON.stringify({ errcode: 0, description: 'ok', data }), {
    // `Date.now()`, not `new Date()`: later() moves this model's clock with the client's.
    status, headers: { date: new Date(Date.now()).toUTCString() },
  });
  const fetch = async (url, init) => {
    const u = new URL(url);
    const path = u.pathname.split('/').pop();
    calls.push(path);
    await new Promise((r) => setTimeout(r, 5)); // let concurrent callers interleave
    if (path === 'kingdee_auth_token') return reply({ 'app-token': 'test-tok', expires: Date.now() + 86_400_000 });
    if (path === 'integral_adjust') {
      const b = JSON.parse(init.body);
      balance += b.integral;
      rows.unshift({ id: String(1000 + rows.length), member_id: '1480000000000000001', member_name: '张三', create_time: cst(Date.now()),
        modify_time: '', last_integral: String(balance - b.integral), occur: String(b.integral), integral: String(balance),
        type_id: 'x', type_number: String(b.operation), type_name: '' });
      const fault = faultOnAdjust?.shift();
      if (fault) return reply(undefined, fault.status, fault.body);
      return reply({});
    }
    if (path === 'integral_record') {
      const start = u.searchParams.get('start_date');
      const mine = rows.filter((r) => r.create_time >= start);
      return reply({ count: String(mine.length), total_page: 1, page: 1, page_size: 100, rows: mine });
    }
    return reply(undefined, 404, 'not found');
  };
  return { fetch, rows, calls, adjusts: () => calls.filter((c) => c === 'integral_adjust').length };
}

/** An async store in a Map, as a Durable Object would be (every call a Promise); `replace` is
 * its compare-and-set, atomic as a Durable Object's single-threaded storage makes it. */
function asyncStore({ failResultWrite = false, withReplace = true } = {}) {
  const m = new Map();
  const store = {
    map: m,
    get: async (k) => m.get(k) ?? null,
    putIfAbsent: async (k, v) => {
      await new Promise((r) => setTimeout(r, 1));
      if (failResultWrite && k.endsWith(':result')) throw new Error('storage down');
      if (m.has(k)) return false;
      m.set(k, v);
      return true;
    },
    delete: async (k) => { m.delete(k); },
  };
  if (withReplace) {
    store.replace = async (k, expected, v) => {
      await new Promise((r) => setTimeout(r, 1));
      if ((m.get(k) ?? null) !== expected) return false;
      m.set(k, v);
      return true;
    };
  }
  return store;
}

beforeEach(resetClock);

/** A concurrent same-key caller's answer: the first's outcome replayed, or told to come back. */
function replayedOrBusy(r, applied) {
  if (r.status === 'fulfilled') {
    assert.deepEqual(r.value, applied, 'the same outcome, replayed');
    return;
  }
  assert.ok(['conflict', 'outcome_unknown'].includes(r.reason.code), JSON.stringify(r.reason));
  assert.equal(r.reason.retryable, true);
}

const args = (key, delta = 5) => ({ member: { mobile: '13800138000' }, delta, reason: delta > 0 ? 'promotion' : 'redemption', idempotencyKey: key });
const settle = (ps) => Promise.allSettled(ps);

test('one client, one key, two calls at once: sent once, the other replays its outcome (or is told to retry)', async () => {
  const k = kingdee();
  const client = new Client(config, { fetch: k.fetch });
  const [a, b] = await settle([client.adjustPoints(args('k-1')), client.adjustPoints(args('k-1'))]);
  assert.equal(k.adjusts(), 1);
  assert.equal(k.rows.length, 1);
  assert.equal(a.status, 'fulfilled', JSON.stringify(a.reason));
  assert.equal(a.value.applied, true);
  replayedOrBusy(b, a.value);
  // Afterwards the key replays the first result without a call.
  const again = await client.adjustPoints(args('k-1'));
  assert.deepEqual(again, a.value);
  assert.equal(k.adjusts(), 1);
});

test('two clients sharing an async store, one key at once: applied once', async () => {
  const k = kingdee();
  const store = asyncStore();
  const c1 = new Client(config, { fetch: k.fetch, idempotencyStore: store });
  const c2 = new Client(config, { fetch: k.fetch, idempotencyStore: store });
  const results = await settle([c1.adjustPoints(args('k-2')), c2.adjustPoints(args('k-2'))]);
  assert.equal(k.rows.length, 1, JSON.stringify(results));
  assert.equal(k.adjusts(), 1);
  const applied = results.filter((r) => r.status === 'fulfilled');
  assert.ok(applied.length >= 1, JSON.stringify(results));
  for (const r of results) replayedOrBusy(r, applied[0].value);
  assert.equal(applied[0].value.applied, true);
});

test('a store without replace (compare-and-set) is refused for Kingdee before anything is sent', async () => {
  const k = kingdee();
  const client = new Client(config, { fetch: k.fetch, idempotencyStore: asyncStore({ withReplace: false }) });
  await assert.rejects(client.adjustPoints(args('k-6')), (e) => {
    assert.equal(e.code, 'config');
    assert.equal(e.retryable, false);
    assert.match(e.message, /replace\(key, expected, value\)/);
    return true;
  });
  assert.equal(k.adjusts(), 0);
});

test('a store that cannot record an applied change: the caller is told applied; a retry is unknown until the window, then settled from the ledger, never resent', async () => {
  const k = kingdee();
  const store = asyncStore({ failResultWrite: true });
  const client = new Client(config, { fetch: k.fetch, idempotencyStore: store });
  const first = await client.adjustPoints(args('k-3'));
  assert.equal(first.applied, true);
  // The claim is there, the result is not: a retry must not send it again.
  const e = await client.adjustPoints(args('k-3')).then((x) => assert.fail(JSON.stringify(x)), (err) => err);
  const wait = assertUnknownUntil(e, 'result not recorded');
  assert.equal(k.adjusts(), 1);
  await later(wait);
  const settled = await client.adjustPoints(args('k-3'));
  assert.equal(settled.applied, true);
  assert.equal(settled.vendorRef, k.rows[0].id, 'the ledger row');
  assert.equal(k.adjusts(), 1, 'never resent');
  assert.equal(k.rows.length, 1);
});

test('two calls of one key at once with a store that cannot record the result: sent once, never sent afresh by the other', async () => {
  // Before the fix in kingdee_settle.rs (Lane::held_by compared the try's number only): the caller
  // that lost the claim gave the lane back as "done, not applied" under try number 0, the other
  // caller's try read that as its own settled "not applied" and sent the change again: two rows,
  // both callers told applied.
  const k = kingdee();
  const store = asyncStore({ failResultWrite: true });
  const c1 = new Client(config, { fetch: k.fetch, idempotencyStore: store });
  const c2 = new Client(config, { fetch: k.fetch, idempotencyStore: store });
  const results = await settle([c1.adjustPoints(args('k-7')), c2.adjustPoints(args('k-7'))]);
  assert.equal(k.adjusts(), 1, JSON.stringify(results));
  const applied = results.filter((r) => r.status === 'fulfilled');
  assert.ok(applied.length >= 1, JSON.stringify(results));
  for (const r of results) replayedOrBusy(r, applied[0].value);
  // After the window the key settles from the ledger: the one row, nothing sent.
  const e = await c1.adjustPoints(args('k-7')).then((x) => assert.fail(JSON.stringify(x)), (err) => err);
  await later(assertUnknownUntil(e, 'result not recorded'));
  const settled = await c2.adjustPoints(args('k-7'));
  assert.equal(settled.applied, true);
  assert.equal(settled.vendorRef, k.rows[0].id);
  assert.equal(k.adjusts(), 1, 'never sent afresh');
  assert.equal(k.rows.length, 1);
});

test('a key reused for another change is refused, not replayed', async () => {
  const k = kingdee();
  const client = new Client(config, { fetch: k.fetch });
  await client.adjustPoints(args('k-4', 5));
  for (const other of [args('k-4', 6), args('k-4', -5), { ...args('k-4', 5), member: { mobile: '13800138001' } }]) {
    await assert.rejects(client.adjustPoints(other), (e) => e.code === 'invalid_input' && /different change/.test(e.message));
  }
  assert.equal(k.adjusts(), 1);
});

test('a 519 with an unreadable body after the change was applied is settled from the ledger, not repeated', async () => {
  const k = kingdee({ faultOnAdjust: [{ status: 519, body: '{"errcode":50' }] });
  const client = new Client(config, { fetch: k.fetch });
  const r = await client.adjustPoints(args('k-5'));
  assert.equal(r.applied, true);
  assert.equal(r.vendorRef, k.rows[0].id, 'the ledger row');
  assert.equal(k.adjusts(), 1);
  assert.ok(k.calls.includes('integral_record'));
  // A retry with the same key replays it.
  await client.adjustPoints(args('k-5'));
  assert.equal(k.rows.length, 1);
});
