// The simulator controls the chaos suite (tests/chaos/) relies on: the clock and its jumps
// (Kingdee's Date header, its 5-minute X-Api-TimeStamp window and ledger create_time all follow
// it), writes that land after the client gave up (apply_late), per-request fault targeting,
// the checker's ledger route, and Kingdee token storms.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../server.mjs';
import { fmtShanghai } from '../util.mjs';
import { kingdeeCall, kingdeeToken, kingdeeAppSignature, freemudCall, qimaiV3, postJson, getJson, accounts } from './helpers.mjs';

const KD = { id: '1480000000000000001', mobile: '13800138000' }; // 500
const KD2 = { id: '1480000000000000004', mobile: '13900139000' }; // 30
const FM = '115589208394311926';
const QM = '383933091455959042';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const adjust = (sim, token, body, opts = {}) => kingdeeCall(sim, { method: 'POST', path: '/jdy/v2/ls/integral_adjust', body, token, ...opts });
const kdRows = (sim, id = KD.id) => sim.state().kingdee.ledger.filter((r) => r.member_id === id);
const fault = async (sim, f) => { const r = await postJson(`${sim.url}/_sim/faults`, f); assert.equal(r.status, 200, r.text); return r.json; };
const clock = async (sim, b) => { const r = await postJson(`${sim.url}/_sim/clock`, b); assert.equal(r.status, 200, r.text); return r.json; };

describe('the sim clock', () => {
  let sim; let token;
  before(async () => { sim = await startSim(); });
  beforeEach(async () => { sim.reset(); ({ token } = await kingdeeToken(sim)); });
  after(() => sim.close());

  test('Kingdee\'s Date header, its 5-minute timestamp window and create_time follow the clock', async () => {
    await clock(sim, { offsetMs: 3 * 3600 * 1000 });
    const simNow = Date.now() + 3 * 3600 * 1000;
    // A timestamp from the caller's (unskewed) clock is now 3 h off: 4006.
    const stale = await adjust(sim, token, { mobile: KD.mobile, integral: 1, operation: 5 });
    assert.equal(stale.status, 519);
    assert.equal(stale.json.errcode, 4006);
    const date = Date.parse(stale.headers.get('date'));
    assert.ok(Math.abs(date - simNow) < 3000, `Date ${stale.headers.get('date')} is not the sim clock`);
    // Signed by the sim clock 4 min 50 s back: still inside the window; 5 min 10 s back: outside.
    const inside = await adjust(sim, token, { mobile: KD.mobile, integral: 7, operation: 5 }, { ts: String(simNow - 290_000) });
    assert.equal(inside.json.errcode, 0, inside.text);
    const outside = await adjust(sim, token, { mobile: KD.mobile, integral: 8, operation: 5 }, { ts: String(simNow - 310_000) });
    assert.equal(outside.json.errcode, 4006);
    const row = kdRows(sim)[0];
    assert.equal(row.occur, '7');
    const t = Date.parse(`${row.create_time.replace(' ', 'T')}+08:00`);
    assert.ok(Math.abs(t - simNow) < 3000, `create_time ${row.create_time} is not the sim clock`);
  });

  test('a jump moves the clock by ±N ms now, after a delay, or on the next matching request', async () => {
    const a = await clock(sim, { jumpMs: 6000 });
    assert.equal(a.offsetMs, 6000);
    const b = await clock(sim, { jumpMs: -30_000 });
    assert.equal(b.offsetMs, -24_000);
    const pending = await clock(sim, { jumpMs: 300_000, onRequest: { vendor: 'kingdee', path: '/jdy/v2/ls/integral_record' } });
    assert.equal(pending.offsetMs, -24_000);
    assert.equal(pending.pendingJumps, 1);
    // Another route does not trigger it.
    await kingdeeCall(sim, { path: '/jdy/v2/ls/account_balance_info', query: [['member_id', KD.id]], token, ts: String(Date.now() - 24_000) });
    assert.equal(sim.state().clockOffsetMs, -24_000);
    // The matching request sees the jumped clock already: its own timestamp (signed before) is now 5 min old.
    // (1 s more than the window: at exactly 5 min, within the same millisecond, it is still accepted.)
    const r = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', query: [['member_id', KD.id]], token, ts: String(Date.now() - 25_000) });
    assert.equal(r.json.errcode, 4006);
    assert.equal(sim.state().clockOffsetMs, 276_000);
    // member and nth: the 2nd request naming KD2 jumps the clock, not the 1st, not one for KD.
    await clock(sim, { jumpMs: -6000, onRequest: { vendor: 'kingdee', member: KD2.mobile, nth: 2 } });
    const ts = () => String(Date.now() + 276_000);
    await adjust(sim, token, { mobile: KD2.mobile, integral: 1, operation: 5 }, { ts: ts() });
    await adjust(sim, token, { mobile: KD.mobile, integral: 1, operation: 5 }, { ts: ts() });
    assert.equal(sim.state().clockOffsetMs, 276_000);
    await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', query: [['mobile', KD2.mobile]], token, ts: ts() });
    assert.equal(sim.state().clockOffsetMs, 270_000);
    await clock(sim, { jumpMs: 6000 });
    await clock(sim, { jumpMs: 1000, afterMs: 100 });
    assert.equal(sim.state().clockOffsetMs, 276_000);
    await sleep(250);
    assert.equal(sim.state().clockOffsetMs, 277_000);
    const bad = await postJson(`${sim.url}/_sim/clock`, { jumpMs: 'soon' });
    assert.equal(bad.status, 400);
    sim.reset();
    assert.equal(sim.state().clockOffsetMs, 0);
  });
});

describe('apply_late: the write lands after the client gave up', () => {
  let sim; let token;
  before(async () => { sim = await startSim(); });
  beforeEach(async () => { sim.reset(); ({ token } = await kingdeeToken(sim)); });
  after(() => sim.close());

  test('no reply while the client waits; the row appears N ms (sim time) after it hung up, stamped then', async () => {
    await fault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_late', ms: 500 });
    const before = kdRows(sim).length;
    const started = Date.now();
    await assert.rejects(adjust(sim, token, { mobile: KD.mobile, integral: 11, operation: 5 }, { signal: AbortSignal.timeout(300) }));
    assert.ok(Date.now() - started >= 290);
    await sleep(100);
    assert.equal(kdRows(sim).length, before, 'written before its time');
    assert.equal(sim.state().lateWrites.pending.length, 1);
    const gaveUp = Date.now();
    await sleep(600);
    const rows = kdRows(sim);
    assert.equal(rows.length, before + 1);
    assert.equal(rows[0].occur, '11');
    const t = Date.parse(`${rows[0].create_time.replace(' ', 'T')}+08:00`);
    assert.ok(t >= Math.floor((gaveUp + 400) / 1000) * 1000 - 1000, `stamped ${rows[0].create_time}, too early`);
    assert.equal(sim.state().lateWrites.applied.length, 1);
  });

  test('a write due 4 min later lands when the clock is jumped past it, stamped with its due time', async () => {
    await fault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_late', ms: 240_000 });
    await assert.rejects(adjust(sim, token, { mobile: KD.mobile, integral: 12, operation: 5 }, { signal: AbortSignal.timeout(200) }));
    await sleep(100);
    const gaveUp = sim.state().now;
    const rowsBefore = kdRows(sim).length;
    await clock(sim, { jumpMs: 200_000 });
    assert.equal(kdRows(sim).length, rowsBefore);
    await clock(sim, { jumpMs: 130_000 });
    const rows = kdRows(sim);
    assert.equal(rows.length, rowsBefore + 1);
    assert.equal(rows[0].occur, '12');
    const t = Date.parse(`${rows[0].create_time.replace(' ', 'T')}+08:00`);
    assert.ok(Math.abs(t - (gaveUp + 240_000)) < 2000, `stamped ${rows[0].create_time}, due ${fmtShanghai(gaveUp + 240_000)}`);
  });

  test('a Kingdee write still in transit when its timestamp leaves the 5-minute window is refused when it lands', async () => {
    await fault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_late', ms: 200_000 });
    // signed 2 min ago: inside the window on arrival, 5 min 20 s old when it lands
    await assert.rejects(adjust(sim, token, { mobile: KD.mobile, integral: 14, operation: 5 }, { ts: String(Date.now() - 120_000), signal: AbortSignal.timeout(200) }));
    await sleep(100);
    await clock(sim, { jumpMs: 250_000 });
    assert.ok(!kdRows(sim).some((x) => x.occur === '14'), 'written although its timestamp had expired');
    const [done] = sim.state().lateWrites.applied;
    assert.equal(done.status, 519);
  });

  test('a request the vendor gateway refuses on arrival is answered and never lands', async () => {
    await fault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_late', ms: 0 });
    const r = await adjust(sim, token, { mobile: KD.mobile, integral: 13, operation: 5 }, { ts: String(Date.now() - 400_000) });
    assert.equal(r.json.errcode, 4006);
    await sleep(100);
    assert.equal(sim.state().lateWrites.pending.length, 0);
    assert.ok(!kdRows(sim).some((x) => x.occur === '13'));
  });

  test('Freemud and Qimai late writes keep their idempotency: a same-key repeat before or after changes nothing twice', async () => {
    await fault(sim, { vendor: 'qimai', kind: 'apply_late', ms: 300, holdMs: 100 });
    const q1 = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { customerId: QM, balance: 3, bizId: 'late-q' }).catch((e) => ({ error: e }));
    assert.ok(q1.error, 'answered although held');
    await sleep(500);
    const q2 = await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { customerId: QM, balance: 3, bizId: 'late-q' });
    assert.equal(q2.json.code, 0);
    assert.equal(sim.state().qimai.ledger.filter((f) => f.bizId === 'late-q').length, 1);

    await fault(sim, { vendor: 'freemud', kind: 'apply_late', ms: 300, holdMs: 100 });
    const p = { memberId: FM, score: 4, operationType: 1, idempotencyBussinessId: 'late-f' };
    const f1 = await freemudCall(sim, '/member/score/opt/1', p).catch((e) => ({ error: e }));
    assert.ok(f1.error, 'answered although held');
    const f2 = await freemudCall(sim, '/member/score/opt/1', p); // before the late one lands
    assert.equal(f2.json.statusCode, '100');
    await sleep(500);
    assert.equal(sim.state().freemud.ledger.filter((r) => r.idempotencyBussinessId === 'late-f').length, 1);
  });
});

describe('per-request fault targeting', () => {
  let sim; let token;
  before(async () => { sim = await startSim(); });
  beforeEach(async () => { sim.reset(); ({ token } = await kingdeeToken(sim)); });
  after(() => sim.close());

  test('member and nth: only the 2nd adjust of one member is faulted', async () => {
    await fault(sim, { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', member: KD.mobile, nth: 2, kind: 'status', status: 503 });
    const other = await adjust(sim, token, { mobile: KD2.mobile, integral: 1, operation: 5 });
    assert.equal(other.json.errcode, 0);
    const first = await adjust(sim, token, { mobile: KD.mobile, integral: 1, operation: 5 });
    assert.equal(first.json.errcode, 0);
    const second = await adjust(sim, token, { mobile: KD.mobile, integral: 2, operation: 5 });
    assert.equal(second.status, 503);
    const third = await adjust(sim, token, { mobile: KD.mobile, integral: 3, operation: 5 });
    assert.equal(third.json.errcode, 0);
    assert.equal(sim.state().faults.length, 0);
  });

  test('method: a GET-only fault leaves POSTs alone; member matches the query too', async () => {
    await fault(sim, { vendor: 'kingdee', method: 'get', member: KD2.id, kind: 'status', status: 502 });
    const post = await adjust(sim, token, { mobile: KD2.mobile, integral: 1, operation: 5 });
    assert.equal(post.json.errcode, 0);
    const mine = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', query: [['member_id', KD.id]], token });
    assert.equal(mine.json.errcode, 0);
    const hit = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', query: [['member_id', KD2.id]], token });
    assert.equal(hit.status, 502);
    for (const bad of [{ kind: 'drop', nth: 0 }, { kind: 'drop', method: 'BREW' }, { kind: 'drop', member: 'a b' }, { kind: 'apply_late', ms: -1 }]) {
      assert.equal((await postJson(`${sim.url}/_sim/faults`, bad)).status, 400, JSON.stringify(bad));
    }
  });
});

describe('GET /_sim/ledger', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());

  test('every vendor\'s rows (oldest first, signed delta, key where the vendor keeps one) and balances', async () => {
    const { token } = await kingdeeToken(sim);
    await adjust(sim, token, { mobile: KD2.mobile, integral: -5, operation: 1 });
    await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { customerId: QM, balance: 9, bizId: 'ledger-q' });
    await freemudCall(sim, '/member/score/opt/15', { memberId: FM, score: 6, operationType: 2, idempotencyBussinessId: 'ledger-f' });
    const k = await getJson(`${sim.url}/_sim/ledger?vendor=kingdee&member=${KD2.mobile}`);
    assert.deepEqual(k.rows.at(-1), { ...k.rows.at(-1), member: KD2.id, mobile: KD2.mobile, delta: -5, type: '1', key: null });
    assert.equal(k.balances[KD2.id], 25);
    assert.deepEqual(Object.keys(k.balances), [KD2.id]);
    const q = await getJson(`${sim.url}/_sim/ledger?vendor=qimai`);
    assert.deepEqual(q.rows.at(-1), { ...q.rows.at(-1), member: QM, delta: 9, key: 'ledger-q' });
    assert.ok(q.rows[0].createTime < q.rows.at(-1).createTime, 'oldest first');
    const f = await getJson(`${sim.url}/_sim/ledger?vendor=freemud&member=${FM}`);
    assert.deepEqual(f.rows.at(-1), { ...f.rows.at(-1), member: FM, delta: -6, key: 'ledger-f' });
    assert.equal(f.balances[FM], 294);
    assert.equal((await fetch(`${sim.url}/_sim/ledger?vendor=nope`)).status, 400);
  });
});

describe('Kingdee token endpoint: storms and expiry on demand', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());

  test('a storm answers 429 with Retry-After until it ends; expire-tokens turns a live token into 4011', async () => {
    const { token } = await kingdeeToken(sim);
    const r = await postJson(`${sim.url}/_sim/kingdee/token-storm`, { ms: 60_000, retryAfter: 30 });
    assert.equal(r.status, 200, r.text);
    const a = accounts.kingdee;
    const stormed = await kingdeeCall(sim, { path: '/jdyconnector/app_management/kingdee_auth_token', query: [['app_key', a.appKey], ['app_signature', kingdeeAppSignature(a.appKey, a.appSecret)]] });
    assert.equal(stormed.status, 429);
    assert.equal(stormed.headers.get('retry-after'), '30');
    assert.equal(stormed.json.errcode, 5007);
    assert.ok(sim.state().kingdee.counters.tokenStormHits >= 1);
    await clock(sim, { jumpMs: 61_000 }); // the storm is over (and the rolling minute too)
    const after = await kingdeeToken(sim);
    assert.ok(after.token);
    const ok = await kingdeeCall(sim, { path: '/jdy/v2/ls/account_balance_info', query: [['member_id', KD.id]], token: after.token, ts: String(Date.now() + 61_000) });
    assert.equal(ok.json.errcode, 0);
    await postJson(`${sim.url}/_sim/kingdee/expire-tokens`, {});
    const expired = await kingdeeCall(sim, { path: '/jdy/v2/ls/account_balance_info', query: [['member_id', KD.id]], token, ts: String(Date.now() + 61_000) });
    assert.equal(expired.json.errcode, 4011);
  });
});
