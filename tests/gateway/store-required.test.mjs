// No silent doubles by configuration (issue 16, item 5): a Kingdee gateway without a shared,
// durable idempotency store (no JIFEN_COORDINATOR, or one stored in memory, or JIFEN_KV alone)
// refuses adjust with a `config` error naming the binding to add, unless
// ALLOW_UNSHARED_KINGDEE_STORE=1 (local development). Reads are not refused; other vendors
// (which deduplicate on the key at the vendor) are not refused.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { kingdeeAdjustRefusal, storeKind } from '../../www-demo/worker/src/stores.js';
import { startKvServer } from '../../www-demo/worker/kv-local.mjs';
import { MEMBERS, setup } from './helpers.mjs';

const namespace = { idFromName: () => 'id', get: () => ({ fetch: async () => new Response('{}') }) };
const service = { fetch: async () => new Response('{}') };
const kv = { get: async () => null, put: async () => {}, delete: async () => {} };

test('kingdeeAdjustRefusal: which bindings are enough', () => {
  assert.equal(kingdeeAdjustRefusal({ JIFEN_COORDINATOR: namespace }, 'kingdee'), null);
  assert.equal(kingdeeAdjustRefusal({ JIFEN_COORDINATOR_SERVICE: service, JIFEN_COORDINATOR_TOKEN: 't'.repeat(16) }, 'kingdee'), null);
  for (const [env, says] of [
    [{}, /no shared idempotency store/],
    [{ JIFEN_KV: kv }, /JIFEN_KV alone is not atomic/],
    [{ JIFEN_COORDINATOR: namespace, JIFEN_COORDINATOR_STORAGE: 'memory' }, /in memory/],
  ]) {
    const why = kingdeeAdjustRefusal(env, 'kingdee');
    assert.match(why, says);
    assert.match(why, /Bind JIFEN_COORDINATOR \(a Durable Object namespace of JifenCoordinator/);
    assert.match(why, /ALLOW_UNSHARED_KINGDEE_STORE=1/);
    assert.equal(kingdeeAdjustRefusal({ ...env, ALLOW_UNSHARED_KINGDEE_STORE: '1' }, 'kingdee'), null);
    assert.notEqual(kingdeeAdjustRefusal({ ...env, ALLOW_UNSHARED_KINGDEE_STORE: 'true' }, 'kingdee'), null, 'only "1" allows it');
    for (const vendor of ['freemud', 'qimai']) assert.equal(kingdeeAdjustRefusal(env, vendor), null);
  }
  assert.deepEqual(storeKind({ JIFEN_COORDINATOR: namespace, JIFEN_KV: kv }), { kind: 'durable_object', durable: true });
});

const m = MEMBERS.kingdee;
const adjust = { member: m.ref, delta: 3, reason: 'promotion' };

async function refusedButReads(gatewayOptions, says) {
  const t = await setup('kingdee', { gatewayOptions });
  try {
    const r = await t.call('/api/adjust', { method: 'POST', body: adjust, idempotencyKey: 'unshared-1' });
    assert.equal(r.status, 500, r.text);
    assert.equal(r.json.error.code, 'config');
    assert.match(r.json.error.message, says);
    assert.match(r.json.error.message, /JIFEN_COORDINATOR/);
    assert.equal(t.sim.state().kingdee.ledger.filter((x) => x.member_id === m.id && Number(x.occur) === 3).length, 0);
    const q = encodeURIComponent(m.ref);
    for (const path of [`/api/balance?member=${q}`, `/api/ledger?member=${q}`, `/api/members/${q}`]) {
      const read = await t.call(path);
      assert.equal(read.status, 200, `${path}: ${read.text}`);
    }
    t.assertNoSecrets();
  } finally {
    await t.stop();
  }
}

describe('kingdee gateways without a shared, durable store', { timeout: 90_000 }, () => {
  let kvServer;
  after(async () => { await kvServer?.close(); });

  test('no coordinator: adjust refused (config, names JIFEN_COORDINATOR); balance, ledger, member answered', async () => {
    await refusedButReads({ coordinator: false }, /no shared idempotency store/);
  });

  test('the coordinator stored in memory: refused', async () => {
    await refusedButReads({ storage: 'memory' }, /in memory/);
  });

  test('JIFEN_KV alone: refused', async () => {
    kvServer = await startKvServer();
    await refusedButReads({ coordinator: false, kv: kvServer.address }, /JIFEN_KV alone is not atomic/);
  });

  test('ALLOW_UNSHARED_KINGDEE_STORE=1 lets it through (local development); a gateway with the coordinator on disk needs nothing', async () => {
    for (const gatewayOptions of [{ coordinator: false, bindings: { ALLOW_UNSHARED_KINGDEE_STORE: '1' } }, {}]) {
      const t = await setup('kingdee', { gatewayOptions });
      try {
        const r = await t.call('/api/adjust', { method: 'POST', body: adjust, idempotencyKey: 'unshared-2' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.applied, true);
      } finally {
        await t.stop();
      }
    }
  });

  test('qimai without any store is not refused (Qimai deduplicates on the key itself)', async () => {
    const t = await setup('qimai', { gatewayOptions: { coordinator: false } });
    try {
      const r = await t.call('/api/adjust', { method: 'POST', body: { member: MEMBERS.qimai.ref, delta: 3, reason: 'promotion' }, idempotencyKey: 'unshared-3' });
      assert.equal(r.status, 200, r.text);
    } finally {
      await t.stop();
    }
  });
});
