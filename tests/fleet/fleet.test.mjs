// A fleet of gateway isolates under workerd, sharing jifen's JifenCoordinator
// Durable Object namespace (one service defines it, the others bind it by
// className + serviceName), against the simulator:
// - started cold, many concurrent requests make ONE call to Kingdee's token endpoint;
// - the same Kingdee adjustment with the same Idempotency-Key, sent to two isolates at
//   once, is applied once;
// - the KV adapter (best-effort) through workerd's kvNamespace binding and a local KV service.
// Each claim is checked against the same fleet without the shared store, so the test
// would fail if the store did nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFleet, pointsState, accounts } from './helpers.mjs';
import { startKvServer } from '../../www-demo/worker/kv-local.mjs';

const KINGDEE_MEMBER = 'id:1480000000000000001,card:1490000000000000001';

async function coldBalances(fleet, n) {
  const q = `/api/balance?member=${encodeURIComponent(KINGDEE_MEMBER)}`;
  return Promise.all(Array.from({ length: n }, (_, i) => fleet.call(i, q)));
}

test('Kingdee, 3 cold isolates sharing the Durable Object token cache, 60 concurrent requests: the token endpoint is hit once', async () => {
  const fleet = await startFleet({ vendor: 'kingdee', instances: 3 });
  try {
    const rs = await coldBalances(fleet, 60);
    for (const r of rs) assert.equal(r.status, 200, r.text);
    assert.ok(rs.every((r) => r.json.available === 500));
    assert.equal(pointsState(fleet.sim, 'kingdee').tokenEndpointHits, 1);
    // The token lives in the object's storage, not in any response or log line.
    const token = fleet.sim.state().kingdee.tokens[0].token;
    assert.ok(!fleet.gw.output().includes(token));
    assert.ok(!rs.some((r) => r.text.includes(token)));
  } finally {
    await fleet.stop();
  }
});

test('without the coordinator, the same cold fleet calls the token endpoint once per isolate (and trips its 2-a-minute limit)', async () => {
  const fleet = await startFleet({ vendor: 'kingdee', instances: 3, coordinator: false, bindings: { RETRIES: '0' } });
  try {
    const rs = await coldBalances(fleet, 60);
    const hits = pointsState(fleet.sim, 'kingdee').tokenEndpointHits;
    assert.ok(hits >= 3, `${hits} token calls`);
    assert.ok(rs.some((r) => r.status === 429 && r.json.error.code === 'rate_limited'), 'the third isolate is rate limited');
  } finally {
    await fleet.stop();
  }
});

/** Sends each of `n` Kingdee adjustments to two isolates at once (two requests each), same key. */
async function duplicateAdjustments(fleet, n, tag) {
  const before = pointsState(fleet.sim, 'kingdee');
  const sent = [];
  await Promise.all(Array.from({ length: n }, async (_, k) => {
    const delta = 1000 + k; // unique: identifies the adjustment in the ledger
    const key = `fleet-${tag}-${k}`;
    const body = { member: 'mobile:13800138000', delta, reason: 'promotion' };
    const rs = await Promise.all([0, 1, 0, 1].map((i) => fleet.adjust(i, key, body)));
    sent.push({ delta, key, body, rs });
  }));
  const after = pointsState(fleet.sim, 'kingdee');
  const known = new Set(before.rows.map((r) => r.id));
  const fresh = after.rows.filter((r) => !known.has(r.id));
  return { before, after, sent, fresh };
}

test('Kingdee: the same adjustment and Idempotency-Key sent to two isolates at once is applied once (Durable Object store)', async () => {
  const fleet = await startFleet({ vendor: 'kingdee', instances: 2 });
  try {
    const { before, after, sent, fresh } = await duplicateAdjustments(fleet, 10, 'do');
    for (const { delta, key, body, rs } of sent) {
      assert.equal(fresh.filter((r) => r.delta === delta).length, 1, `delta ${delta} applied ${fresh.filter((r) => r.delta === delta).length} times`);
      const oks = rs.filter((r) => r.status === 200);
      assert.ok(oks.length >= 1, rs.map((r) => r.text).join('\n'));
      assert.ok(oks.every((r) => r.json.applied === true));
      // The others were told the key is held (409 conflict, retryable), never a different outcome.
      for (const r of rs.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.error.code, 'conflict', r.text);
        assert.equal(r.json.error.retryable, true, r.text);
        assert.match(r.json.error.message, /in flight/);
      }
      // Retried later on either isolate: the recorded result, nothing sent.
      const calls = fleet.sim.state().kingdee.counters.total;
      for (const i of [0, 1]) {
        const again = await fleet.adjust(i, key, body);
        assert.equal(again.status, 200, again.text);
        assert.equal(again.json.applied, true);
      }
      assert.equal(fleet.sim.state().kingdee.counters.total, calls, 'a replay called the vendor');
    }
    assert.equal(fresh.length, 10);
    const m = '1480000000000000001';
    assert.equal(after.balances[m], before.balances[m] + sent.reduce((s, x) => s + x.delta, 0));
    assert.match(fleet.gw.output(), /POST \/api\/adjust -> 200 store=durable_object/);
  } finally {
    await fleet.stop();
  }
});

test('without the coordinator, two isolates apply the same Kingdee key twice (what the shared store prevents)', async () => {
  const fleet = await startFleet({ vendor: 'kingdee', instances: 2, coordinator: false, bindings: { ALLOW_UNSHARED_KINGDEE_STORE: '1' } });
  try {
    // A token first, so both isolates are warm and the adjustments really race.
    for (const i of [0, 1]) assert.equal((await fleet.call(i, `/api/balance?member=${encodeURIComponent(KINGDEE_MEMBER)}`)).status, 200);
    const { fresh, sent } = await duplicateAdjustments(fleet, 3, 'mem');
    for (const { delta } of sent) assert.ok(fresh.filter((r) => r.delta === delta).length >= 2, `delta ${delta}`);
    assert.match(fleet.gw.output(), /store=memory/);
  } finally {
    await fleet.stop();
  }
});

test('KV adapter through workerd: claims and results in KV with a TTL, replayed by another isolate, a refused change frees its key', async () => {
  const kv = await startKvServer();
  const fleet = await startFleet({ vendor: 'qimai', instances: 2, coordinator: false, kv: kv.address });
  try {
    const body = { member: 'mobile:13700137000', delta: 12, reason: 'promotion' };
    const first = await fleet.adjust(0, 'kv-key-1', body);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.applied, true);
    const entries = kv.entries();
    const tag = `jifen:qimai:${accounts.qimai.openId}:kv-key-1`;
    assert.ok(entries.has(tag), [...entries.keys()].join(', '));
    assert.ok(entries.has(`${tag}:result`));
    const week = 7 * 24 * 3600 * 1000;
    for (const e of entries.values()) assert.ok(Math.abs(e.expiresAt - (Date.now() + week)) < 60_000, 'TTL 7 days');
    // The stored value is the adapter's wrapper around the client's JSON; no secret in it.
    for (const e of entries.values()) assert.ok(!e.value.includes(accounts.qimai.openKey));

    const vendorCalls = fleet.sim.state().qimai.counters.total;
    const replay = await fleet.adjust(1, 'kv-key-1', body);
    assert.equal(replay.status, 200, replay.text);
    assert.deepEqual(replay.json, first.json, 'the other isolate replays the recorded result');
    assert.equal(fleet.sim.state().qimai.counters.total, vendorCalls, 'the replay called the vendor');
    const rows = pointsState(fleet.sim, 'qimai').rows.filter((r) => r.key === 'kv-key-1');
    assert.equal(rows.length, 1);

    // Refused by the vendor (not enough points): the claim is deleted, the key can be used again.
    const refused = await fleet.adjust(1, 'kv-key-2', { member: 'mobile:13700137001', delta: -100000, reason: 'redemption' });
    assert.equal(refused.status, 422, refused.text);
    assert.ok(![...kv.entries().keys()].some((k) => k.includes('kv-key-2')));
    assert.ok(kv.ops.delete >= 1 && kv.ops.put >= 2 && kv.ops.get >= 4, JSON.stringify(kv.ops));
    assert.match(fleet.gw.output(), /POST \/api\/adjust -> 200 store=kv/);
  } finally {
    await fleet.stop();
    await kv.close();
  }
});
