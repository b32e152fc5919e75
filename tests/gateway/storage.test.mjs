// Durable Object storage on disk (the default): the gateway's workerd process is killed with
// SIGKILL (by its PID) while adjustments are in flight and restarted on the same storage
// directory; a key recorded before the kill replays its outcome instead of being sent again. With
// storage in memory (the control case) the same sequence sends it again: the test can tell them
// apart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MEMBERS, setup } from './helpers.mjs';

const m = MEMBERS.kingdee;
const adjustBody = (delta) => ({ member: m.ref, delta, reason: 'promotion' });
/** The member's ledger rows at the sim with this (test-unique) delta. */
const rowsWith = (t, delta) => t.sim.state().kingdee.ledger.filter((r) => r.member_id === m.id && Number(r.occur) === delta);

/**
 * Records key `kill-before` (delta 17), sets 6 more adjustments going with the vendor slow, kills
 * workerd with SIGKILL while they are in flight, restarts it on the same storage, and retries
 * every key. Returns what the retries got.
 */
async function killAndRetry(t) {
  assert.equal((await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`)).status, 200);
  const first = await t.call('/api/adjust', { method: 'POST', body: adjustBody(17), idempotencyKey: 'kill-before' });
  assert.equal(first.status, 200, first.text);
  assert.equal(rowsWith(t, 17).length, 1);
  // Mid-load: six more changes, each its own delta, the vendor slow to answer.
  t.sim.faults.add({ vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'latency', ms: 800, times: 6 });
  const deltas = [31, 32, 33, 34, 35, 36];
  const inFlight = deltas.map((d) => t.call('/api/adjust', { method: 'POST', body: adjustBody(d), idempotencyKey: `kill-mid-${d}` }).catch((e) => e));
  await new Promise((r) => setTimeout(r, 300));
  const pidBefore = t.gw.pid;
  await t.gw.kill('SIGKILL');
  await Promise.all(inFlight); // each ends in a connection error
  await t.gw.restart();
  assert.notEqual(t.gw.pid, pidBefore, 'a new workerd process');
  const replay = await t.call('/api/adjust', { method: 'POST', body: adjustBody(17), idempotencyKey: 'kill-before' });
  const retries = [];
  for (const d of deltas) {
    retries.push(await t.call('/api/adjust', { method: 'POST', body: adjustBody(d), idempotencyKey: `kill-mid-${d}` }));
  }
  return { first, replay, deltas, retries };
}

describe('kingdee gateway, storage on disk: SIGKILL mid-load, restart on the same directory', { timeout: 90_000 }, () => {
  let t;
  let dir;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jifen-storage-test-'));
    t = await setup('kingdee', { gatewayOptions: { storageDir: dir } });
  });
  after(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a key recorded before the kill replays after the restart; no change is applied twice', async () => {
    assert.equal(t.gw.storageDir, dir);
    const { first, replay, deltas, retries } = await killAndRetry(t);
    assert.equal(replay.status, 200, `the recorded outcome, not a new send: ${replay.text}`);
    assert.deepEqual(replay.json, first.json);
    assert.equal(rowsWith(t, 17).length, 1, 'kill-before is in the ledger once');
    console.log('retries after the kill:', retries.map((r) => r.json?.error?.code ?? r.status).join(' '));
    for (const [i, d] of deltas.entries()) {
      assert.ok(rowsWith(t, d).length <= 1, `kill-mid-${d} applied ${rowsWith(t, d).length} times; retry: ${retries[i].status} ${retries[i].text}`);
    }
    // The objects' SQLite files are in the directory.
    const files = readdirSync(dir, { recursive: true }).map(String);
    assert.ok(files.some((f) => f.endsWith('.sqlite')), files.join(', '));
    t.assertNoSecrets();
  });

  test('a second gateway on a storage directory in use is refused', async () => {
    await assert.rejects(setup('kingdee', { gatewayOptions: { storageDir: dir } }), /in use by workerd pid/);
  });
});

describe('control: the same with storage in memory sends the recorded key again', { timeout: 90_000 }, () => {
  let t;
  before(async () => {
    t = await setup('kingdee', { gatewayOptions: { storage: 'memory', bindings: { ALLOW_UNSHARED_KINGDEE_STORE: '1' } } });
  });
  after(async () => { await t?.stop(); });

  test('kill-before is applied a second time after the restart', async () => {
    assert.equal(t.gw.storageDir, null);
    const { replay } = await killAndRetry(t);
    assert.equal(replay.status, 200, replay.text);
    assert.equal(rowsWith(t, 17).length, 2, 'in memory the claim died with the process: doubled');
  });
});
