// Two gateway processes (two workerd processes, as a self-hosted fleet runs them) sharing one
// store: a coordinator process hosts JifenCoordinator on disk and each gateway reaches it over
// loopback (JIFEN_COORDINATOR_SERVICE). The same Idempotency-Key sent to gateway A then B is
// applied once, on Kingdee (no vendor idempotency key: the store is the only guard) and Qimai.
// The control: two processes each with its own store apply the Kingdee change twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pointsState, startProcesses } from './helpers.mjs';

const MEMBER = { kingdee: { ref: 'mobile:13800138000', id: '1480000000000000001' }, qimai: { ref: 'mobile:13700137000', id: '383933091455959041' } };

/** Ledger rows and balance of the vendor's member for this test's unique delta. */
function applied(p, vendor, delta) {
  const st = pointsState(p.sim, vendor);
  return { rows: st.rows.filter((r) => r.member === MEMBER[vendor].id && r.delta === delta).length, balance: st.balances[MEMBER[vendor].id] };
}

for (const vendor of ['kingdee', 'qimai']) {
  test(`${vendor}: the same key to gateway process A, then B, sharing a coordinator process: applied once`, { timeout: 60_000 }, async () => {
    const p = await startProcesses({ vendor });
    try {
      assert.notEqual(p.gws[0].pid, p.gws[1].pid);
      const body = { member: MEMBER[vendor].ref, delta: 41, reason: 'promotion' };
      const start = applied(p, vendor, 41);
      const a = await p.adjust(0, `two-processes-${vendor}`, body);
      assert.equal(a.status, 200, a.text);
      const b = await p.adjust(1, `two-processes-${vendor}`, body);
      assert.equal(b.status, 200, b.text);
      assert.deepEqual(b.json, a.json, 'B answers with the outcome A recorded');
      const end = applied(p, vendor, 41);
      assert.equal(end.rows - start.rows, 1, 'one ledger row');
      assert.equal(end.balance - start.balance, 41, 'the balance moved once');
      if (vendor === 'kingdee') {
        assert.equal(pointsState(p.sim, 'kingdee').tokenEndpointHits, 1, 'one token for both processes');
        // The coordinator is killed (SIGKILL) and restarted on its directory: the key still replays.
        await p.co.kill();
        await p.co.restart();
        const c = await p.adjust(1, `two-processes-${vendor}`, body);
        assert.equal(c.status, 200, c.text);
        assert.deepEqual(c.json, a.json);
        assert.equal(applied(p, vendor, 41).rows - start.rows, 1);
      }
      for (const g of p.gws) assert.ok(!g.output().includes(p.co.token), 'the coordinator token is not logged');
    } finally {
      await p.stop();
    }
  });
}

test('control: kingdee, two processes each with its own store: the same key is applied twice', { timeout: 60_000 }, async () => {
  const p = await startProcesses({ vendor: 'kingdee', shared: false });
  try {
    const body = { member: MEMBER.kingdee.ref, delta: 43, reason: 'promotion' };
    assert.equal((await p.adjust(0, 'two-stores', body)).status, 200);
    assert.equal((await p.adjust(1, 'two-stores', body)).status, 200);
    assert.equal(applied(p, 'kingdee', 43).rows, 2);
  } finally {
    await p.stop();
  }
});

test('the coordinator refuses a caller without its token', { timeout: 30_000 }, async () => {
  const p = await startProcesses({ vendor: 'qimai', processes: 1 });
  try {
    const msg = { method: 'POST', body: JSON.stringify({ op: 'token.get' }) };
    assert.equal((await fetch(`${p.co.url}/objects/x`, msg)).status, 401);
    assert.equal((await fetch(`${p.co.url}/objects/x`, { ...msg, headers: { authorization: 'Bearer not-the-token-0000000' } })).status, 401);
    const ok = await fetch(`${p.co.url}/objects/x`, { ...msg, headers: { authorization: `Bearer ${p.co.token}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { result: null });
  } finally {
    await p.stop();
  }
});
