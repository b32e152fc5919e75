// Staff accounts on the gateway (STAFF): each person their own token, a role (viewer, operator,
// admin) and a per-change limit; GET /api/me; and the audit trail of every change (GET
// /api/audit, CSV export), kept in jifen's Durable Object. Against the sim, under workerd.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, MEMBERS, setup } from './helpers.mjs';
import { startGateway } from '../../www-demo/worker/gateway.mjs';
import { tokenSha256 } from '../../www-demo/worker/staff-tool.mjs';
import { authenticate, staffSettings } from '../../www-demo/worker/src/staff.js';

/** Made up for these tests; guard nothing. */
const TOKENS = {
  wang: 'staff-test-operator-wang-not-a-secret-01',
  li: 'staff-test-viewer-li-not-a-secret-000002',
  zhao: 'staff-test-revoked-zhao-not-a-secret-003',
  chen: 'staff-test-operator-chen-not-a-secret-04',
};
const STAFF = [
  { id: 'wang', name: '王芳', role: 'operator', limit: 500, token: TOKENS.wang },
  { id: 'chen', name: '陈明', role: 'operator', limit: 50, token: TOKENS.chen },
  { id: 'li', name: '李雷', role: 'viewer', token: TOKENS.li },
  { id: 'zhao', name: '赵敏', role: 'admin', token: TOKENS.zhao, revoked: true },
];
const SECRETS = [...Object.values(TOKENS), ...Object.values(TOKENS).map(tokenSha256)];

for (const vendor of ['freemud', 'kingdee']) {
  describe(`staff accounts and the audit trail on ${vendor}`, { timeout: 120_000 }, () => {
    let t;
    const m = MEMBERS[vendor];
    before(async () => {
      t = await setup(vendor, { gatewayOptions: { staff: STAFF, bindings: { STORE_NAME: '静安店', CONFIRM_ABOVE: '200' } }, secrets: SECRETS });
    });
    after(async () => { await t?.stop(); });

    const adjust = (token, delta, key, extra = {}) => t.call('/api/adjust', {
      method: 'POST', token, idempotencyKey: key, body: { member: m.ref, delta, reason: 'promotion', ...extra },
    });

    test('GET /api/me says who the token belongs to, their role and limit, and the store', async () => {
      const me = await t.call('/api/me', { token: TOKENS.wang });
      assert.equal(me.status, 200, me.text);
      assert.deepEqual(me.json, { name: '王芳', role: 'operator', limit: 500, maxChange: 1_000_000_000, confirmAbove: 200, store: '静安店', vendor });
      assert.equal((await t.call('/api/me', { token: TOKENS.li })).json.role, 'viewer');
      assert.equal((await t.call('/api/me', { token: TOKENS.li })).json.limit, 0);
      assert.deepEqual((await t.call('/api/me')).json.role, 'admin');
    });

    test('an unknown token and a revoked one are 401 with the same sentence; neither reaches the vendor', async () => {
      const hits = t.upstreamHits();
      const unknown = await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`, { token: 'staff-test-nobody-not-a-secret-00000005' });
      const revoked = await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`, { token: TOKENS.zhao });
      for (const r of [unknown, revoked]) {
        assert.equal(r.status, 401, r.text);
        assert.equal(r.json.error.code, 'unauthorized');
        assert.match(r.headers.get('www-authenticate'), /^Bearer /);
      }
      assert.equal(unknown.json.error.message, revoked.json.error.message, 'a revoked token is not told apart from an unknown one');
      const none = await t.call('/api/me', { token: null });
      assert.equal(none.status, 401);
      assert.match(none.json.error.message, /sign in/);
      assert.equal(t.upstreamHits(), hits);
    });

    test('a viewer reads but may not adjust, preview or read the trail (403, nothing sent)', async () => {
      const read = await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`, { token: TOKENS.li });
      assert.equal(read.status, 200, read.text);
      const hits = t.upstreamHits();
      const change = await adjust(TOKENS.li, 5, `${vendor}-viewer-1`);
      assert.equal(change.status, 403, change.text);
      assert.equal(change.json.error.code, 'forbidden');
      assert.match(change.json.error.message, /李雷 is a viewer and may not change points/);
      const preview = await t.call('/api/preview', { method: 'POST', token: TOKENS.li, body: { method: 'getBalance', args: { member: m.ref } } });
      assert.equal(preview.status, 403);
      const trail = await t.call('/api/audit', { token: TOKENS.li });
      assert.equal(trail.status, 403);
      assert.equal(t.upstreamHits(), hits, 'nothing reached the vendor');
    });

    test('an operator above their limit is refused with a sentence that gives the limit; within it, applied', async () => {
      const hits = t.upstreamHits();
      const over = await adjust(TOKENS.wang, -800, `${vendor}-over-1`);
      assert.equal(over.status, 403, over.text);
      assert.equal(over.json.error.code, 'over_limit');
      assert.equal(over.json.error.limit, 500);
      assert.equal(over.json.error.message, 'this change is 800 points; 王芳 may change at most 500 points at a time: ask an admin to make it');
      assert.equal(t.upstreamHits(), hits, 'nothing reached the vendor');
      const okay = await adjust(TOKENS.wang, 7, `${vendor}-wang-1`, { remark: '生日补偿' });
      assert.equal(okay.status, 200, okay.text);
      assert.equal(okay.json.applied, true);
      // An operator may not see signed requests: the inspector is an admin's.
      assert.equal((await t.call('/api/preview', { method: 'POST', token: TOKENS.wang, body: { method: 'getBalance', args: { member: m.ref } } })).status, 403);
      // The admin may go above an operator's limit.
      const big = await adjust(ADMIN_TOKEN, 800, `${vendor}-admin-1`);
      assert.equal(big.status, 200, big.text);
    });

    test('the operator\'s name reaches the vendor in its remark field where it has one, and nowhere else', async () => {
      const state = t.sim.state()[vendor];
      const text = JSON.stringify(state.ledger ?? state.records);
      if (vendor === 'freemud') {
        assert.ok(text.includes('【王芳】生日补偿'), 'the remark names the operator');
      } else {
        // Kingdee's integral_adjust has no remark field: the change is in the ledger, the remark only in the trail.
        assert.ok(!text.includes('生日补偿') && !text.includes('王芳'), 'nothing of the remark is sent where the vendor has no field for it');
        assert.ok(state.ledger.some((r) => Number(r.occur) === 7), 'the change itself was applied');
      }
    });

    test('the trail records who, what, why and the outcome; an admin sees everyone, an operator themselves', async () => {
      await adjust(TOKENS.chen, -3, `${vendor}-chen-1`);
      const all = await t.call(`/api/audit?member=${encodeURIComponent(m.ref)}`);
      assert.equal(all.status, 200, all.text);
      assert.equal(all.json.durable, true);
      const byKey = Object.fromEntries(all.json.entries.map((e) => [e.idempotencyKey, e]));
      assert.deepEqual(Object.keys(byKey).sort(), [`${vendor}-admin-1`, `${vendor}-chen-1`, `${vendor}-wang-1`], 'refused-by-the-gateway changes never reached the vendor and are not in it');
      const w = byKey[`${vendor}-wang-1`];
      assert.equal(w.operator, '王芳');
      assert.equal(w.delta, 7);
      assert.equal(w.reason, 'promotion');
      assert.equal(w.remark, '生日补偿', 'the trail keeps the remark as typed');
      assert.equal(w.outcome, 'applied');
      assert.equal(w.member, m.id);
      assert.ok(Date.now() - Date.parse(w.at) < 120_000, w.at);
      assert.equal(byKey[`${vendor}-chen-1`].operator, '陈明');
      assert.deepEqual(all.json.entries.map((e) => e.at), all.json.entries.map((e) => e.at).sort().reverse(), 'newest first');
      // Found by any key the member was named by: the mobile alone finds the changes made by id.
      const byMobile = await t.call(`/api/audit?member=mobile:${m.mobile}`);
      assert.deepEqual(byMobile.json.entries.map((e) => e.idempotencyKey).sort(), Object.keys(byKey).sort());
      assert.ok(all.json.entries.every((e) => !('members' in e)), 'the internal keys list stays inside');
      const own = await t.call('/api/audit', { token: TOKENS.wang });
      assert.equal(own.status, 200);
      assert.deepEqual(own.json.entries.map((e) => e.operator), ['王芳']);
      // Date filters (China time).
      const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
      assert.equal((await t.call(`/api/audit?from=${today}&to=${today}`)).json.entries.length, 3);
      assert.equal((await t.call('/api/audit?to=2020-01-01')).json.entries.length, 0);
      assert.equal((await t.call('/api/audit?from=yesterday')).status, 400);
      assert.equal((await t.call('/api/audit?whom=x')).status, 400);
    });

    test('the CSV export: an admin\'s, every entry, formula-safe', async () => {
      const csv = await t.call('/api/audit?format=csv');
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type'), /^text\/csv/);
      assert.match(csv.headers.get('content-disposition'), /attachment; filename="jifen-audit-/);
      const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
      assert.equal(lines[0], 'at,operator,member,delta,reason,remark,orderId,idempotencyKey,outcome,settledAt,requestId,error');
      assert.ok(lines.some((l) => l.includes('王芳') && l.includes(',7,') && l.includes('applied')), csv.text);
      assert.ok(lines.some((l) => l.includes('陈明') && l.includes(',-3,')), 'a negative number stays a number');
      assert.equal((await t.call('/api/audit?format=csv', { token: TOKENS.wang })).status, 403, 'an operator may not export');
    });

    if (vendor === 'freemud') {
      test('a change whose outcome was unknown is recorded unknown, then settled by the retry with its key', async () => {
        const body = { member: m.ref, delta: 9, reason: 'promotion' };
        // The vendor applies every attempt and drops every reply, until the fault is cleared.
        await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'freemud', kind: 'apply_no_reply', times: 20 }) });
        const lost = await t.call('/api/adjust', { method: 'POST', token: TOKENS.wang, body, idempotencyKey: 'freemud-unknown-1' });
        await fetch(`${t.sim.url}/_sim/faults`, { method: 'DELETE' });
        assert.equal(lost.json?.error?.code, 'outcome_unknown', lost.text);
        const first = (await t.call('/api/audit')).json.entries.find((e) => e.idempotencyKey === 'freemud-unknown-1');
        assert.equal(first.outcome, 'unknown');
        assert.equal(first.operator, '王芳');
        const retry = await t.call('/api/adjust', { method: 'POST', token: TOKENS.wang, body, idempotencyKey: 'freemud-unknown-1' });
        assert.equal(retry.status, 200, retry.text);
        assert.equal(retry.json.applied, true);
        const settled = (await t.call('/api/audit')).json.entries.find((e) => e.idempotencyKey === 'freemud-unknown-1');
        assert.equal(settled.outcome, 'applied');
        assert.equal(settled.was, 'unknown');
        assert.ok(Date.parse(settled.settledAt) >= Date.parse(settled.at));
        assert.equal(settled.at, first.at, 'the same entry, not a new one');
      });
    }

    test('no staff token (or its digest) in any response or in the gateway log', () => {
      assert.ok(t.assertNoSecrets() > 10);
    });
  });
}

describe('staff configuration', () => {
  test('ADMIN_TOKEN is refused with the migration sentence; a bad STAFF says what is wrong without a value', async () => {
    const old = await startGateway({ vendor: 'qimai', upstream: 'http://127.0.0.1:9/qimai', bindings: { ADMIN_TOKEN: 'old-shared-token-0123456789' } });
    try {
      const r = await fetch(`${old.url}/api/me`, { headers: { authorization: 'Bearer old-shared-token-0123456789' } });
      const body = await r.json();
      assert.equal(r.status, 500);
      assert.equal(body.error.code, 'config');
      assert.match(body.error.message, /ADMIN_TOKEN is no longer read: give every person their own account in STAFF/);
      assert.ok(!old.output().includes('old-shared-token-0123456789'));
    } finally {
      await old.stop();
    }
    const hex = 'ab'.repeat(32);
    const cases = [
      [{}, /STAFF is not set/],
      [{ STAFF: '{' }, /not valid JSON/],
      [{ STAFF: JSON.stringify({ wang: { role: 'operator', tokenSha256: hex } }) }, /STAFF.wang is an operator and needs a limit/],
      [{ STAFF: JSON.stringify({ wang: { role: 'boss', tokenSha256: hex } }) }, /role must be one of viewer, operator, admin/],
      [{ STAFF: JSON.stringify({ wang: { role: 'admin', tokenSha256: 'secret-token-itself' } }) }, /tokenSha256 must be the 64 hex digits/],
      [{ STAFF: JSON.stringify({ a: { role: 'admin', tokenSha256: hex }, b: { role: 'viewer', tokenSha256: hex } }) }, /STAFF.b shares its token/],
      [{ STAFF: JSON.stringify({ a: { role: 'admin', tokenSha256: hex, revoked: true } }) }, /no account that is not revoked/],
      [{ STAFF: JSON.stringify({ a: { role: 'admin', tokenSha256: hex, password: 'x' } }) }, /unknown fields \(password\)/],
    ];
    for (const [env, re] of cases) {
      const s = staffSettings(env);
      assert.match(s.error ?? '', re, JSON.stringify(env));
      assert.ok(!s.error.includes('secret-token-itself'));
    }
    const ok = staffSettings({ STAFF: JSON.stringify({ a: { role: 'admin', tokenSha256: hex, limit: 10_000 } }), MAX_CHANGE: '5000' });
    assert.equal(ok.accounts[0].limit, 5000, 'no one above the gateway limit');
  });

  test('the token check compares every account\'s digest, whichever matched (timing-safe)', async () => {
    const tokens = Array.from({ length: 6 }, (_, i) => `timing-test-token-not-a-secret-${i}-padding`);
    const staff = staffSettings({ STAFF: JSON.stringify(Object.fromEntries(tokens.map((tk, i) => [`p${i}`, { role: 'viewer', tokenSha256: tokenSha256(tk) }]))) });
    const subtle = globalThis.crypto.subtle;
    const calls = [];
    subtle.timingSafeEqual = (a, b) => {
      calls.push([a.length, b.length]);
      let d = 0;
      for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
      return d === 0;
    };
    try {
      const req = (tk) => new Request('http://x/api/me', { headers: { authorization: `Bearer ${tk}` } });
      for (const tk of [tokens[0], tokens[5], 'timing-test-token-unknown-000000000']) {
        calls.length = 0;
        await authenticate(req(tk), staff).catch(() => {});
        assert.equal(calls.length, 6, 'one comparison per account, no early exit');
        assert.ok(calls.every(([a, b]) => a === 32 && b === 32), 'always two 32-byte digests, whatever the token length');
      }
      assert.equal((await authenticate(req(tokens[5]), staff)).id, 'p5');
    } finally {
      delete subtle.timingSafeEqual;
    }
  });
});
