// POST /api/adjust and its Idempotency-Key at the edges of a request's life: the caller hangs up
// while the change is with the vendor, then retries with the same key. The gateway under workerd
// (which, like Cloudflare, cancels a request's work when its client disconnects) against the sim.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, MEMBERS, setup } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('POST /api/adjust and its Idempotency-Key on kingdee (no vendor idempotency key)', { timeout: 60_000 }, () => {
  let t;
  before(async () => { t = await setup('kingdee', { gatewayOptions: { front: new URL('./front-worker.js', import.meta.url).pathname } }); });
  after(async () => { await t?.stop(); });

  const simCall = async (method, path, body) => {
    const r = await fetch(t.sim.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    assert.ok(r.ok, `sim ${path}: HTTP ${r.status}`);
    return r.json();
  };
  const rows = async () => (await simCall('GET', '/_sim/state')).kingdee.ledger.filter((r) => r.member_id === MEMBERS.kingdee.id);

  test('a caller that disconnects mid-request: the change is still recorded; the retry with the same key gets the first outcome, not a 409 until the key expires, and it applies once', async () => {
    const m = MEMBERS.kingdee;
    // The app-token first, so that the adjustment is the only call in flight.
    assert.equal((await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`)).status, 200);
    const before = (await rows()).length;
    // The vendor takes 1.5 s to answer (and applies the change); the caller gives up after 0.5 s.
    await simCall('POST', '/_sim/faults', { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'latency', ms: 1500 });
    const body = JSON.stringify({ member: m.ref, delta: 4, reason: 'promotion' });
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'gw-disconnect-1' };
    // Through the front Worker, which gives up after 0.5 s: the gateway's request is cancelled, as on
    // Cloudflare when the client disconnects (a plain HTTP client that aborts is not noticed by workerd).
    const gone = await fetch(`${t.gw.frontUrl}/api/adjust`, { method: 'POST', headers: { ...headers, 'x-give-up-ms': '500' }, body });
    assert.equal(gone.status, 499, `the caller gave up before the answer: ${await gone.text()}`);
    await sleep(2500); // the vendor has answered by now
    assert.equal((await rows()).length, before + 1, 'the vendor applied it');
    const retry = await t.call('/api/adjust', { method: 'POST', body: JSON.parse(body), idempotencyKey: 'gw-disconnect-1' });
    assert.equal(retry.status, 200, `the retry gets the recorded outcome: ${retry.text}`);
    assert.equal(retry.json.applied, true);
    assert.equal((await rows()).length, before + 1, 'and nothing is applied twice');
    t.assertNoSecrets();
  });

  test('the same key sent 5 times at once to one isolate: sent to the vendor once; the others 409, then the recorded outcome', async () => {
    const m = MEMBERS.kingdee;
    const before = (await rows()).length;
    await simCall('POST', '/_sim/faults', { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'latency', ms: 500 });
    const body = { member: m.ref, delta: 6, reason: 'promotion' };
    const all = await Promise.all(Array.from({ length: 5 }, () => t.call('/api/adjust', { method: 'POST', body, idempotencyKey: 'gw-concurrent-1' })));
    const statuses = all.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 200).length >= 1, true, statuses.join());
    assert.ok(statuses.every((s) => s === 200 || s === 409), statuses.join());
    assert.equal((await rows()).length, before + 1, 'applied once');
    const later = await t.call('/api/adjust', { method: 'POST', body, idempotencyKey: 'gw-concurrent-1' });
    assert.equal(later.status, 200);
    assert.deepEqual(later.json, all.find((r) => r.status === 200).json, 'the recorded outcome');
    assert.equal((await rows()).length, before + 1);
  });
});
