// Every route of the gateway, for each vendor, under workerd against the simulator.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, MEMBERS, ADMIN_ORIGIN } from './helpers.mjs';

const OPERATIONS = ['adjustPoints', 'getBalance', 'ledger', 'getMember'];

for (const vendor of ['kingdee', 'freemud', 'qimai']) {
  describe(`${vendor} gateway`, () => {
    let t;
    let caps;
    const m = MEMBERS[vendor];
    before(async () => { t = await setup(vendor); });
    after(() => t?.stop());

    const ok = (r) => assert.equal(r.status, 200, r.text);
    const balance = async () => {
      const r = await t.call(`/api/balance?member=${encodeURIComponent(m.ref)}`);
      ok(r);
      return r.json.available;
    };

    test('GET /api/capabilities', async () => {
      const r = await t.call('/api/capabilities', { origin: ADMIN_ORIGIN });
      ok(r);
      assert.equal(r.headers.get('access-control-allow-origin'), ADMIN_ORIGIN);
      caps = r.json;
      assert.equal(caps.vendor, vendor);
      assert.deepEqual(Object.keys(caps.operations).sort(), [...OPERATIONS].sort());
      for (const op of OPERATIONS) assert.equal(typeof caps.operations[op].supported, 'boolean');
      assert.equal(typeof caps.reasons, 'object');
      assert.ok(Object.values(caps.reasons).some((x) => x !== null));
    });

    test('GET /api/members/:member', async () => {
      const r = await t.call(`/api/members/${encodeURIComponent(m.ref)}`);
      ok(r);
      assert.equal(r.json.id, m.id);
      const byMobile = await t.call(`/api/members/mobile:${m.mobile}`);
      if (byMobile.status === 200) assert.equal(byMobile.json.id, m.id);
      else assert.ok(['invalid_input', 'unsupported'].includes(byMobile.json.error.code), byMobile.text);
    });

    test('GET /api/balance', async () => {
      assert.equal(await balance(), m.balance);
    });

    test('POST /api/adjust changes the balance; the same Idempotency-Key never applies twice, nor to another change', async () => {
      const reason = ['promotion', 'manual_grant', 'purchase'].find((x) => caps.reasons[x]);
      assert.ok(reason, 'no earning reason is supported');
      // Only Freemud has an order id field; Kingdee has no remark either (capabilities say so).
      const extra = { kingdee: {}, freemud: { orderId: `gw-${vendor}-1`, remark: 'gateway test' }, qimai: { remark: 'gateway test' } }[vendor];
      const body = { member: m.ref, delta: 7, reason, ...extra };
      const r = await t.call('/api/adjust', { method: 'POST', body, idempotencyKey: `gw-${vendor}-adjust-1` });
      ok(r);
      assert.equal(r.json.applied, true, r.text);
      assert.equal(await balance(), m.balance + 7);
      // Idempotent at the vendor (Freemud, Qimai) or in the gateway's one Client per isolate (Kingdee).
      const again = await t.call('/api/adjust', { method: 'POST', body, idempotencyKey: `gw-${vendor}-adjust-1` });
      ok(again);
      assert.equal(await balance(), m.balance + 7);
      const reused = await t.call('/api/adjust', { method: 'POST', body: { ...body, delta: 8 }, idempotencyKey: `gw-${vendor}-adjust-1` });
      assert.equal(reused.status, 400, reused.text);
      assert.equal(reused.json.error.code, 'invalid_input');
      assert.equal(await balance(), m.balance + 7);
      const spend = { member: { id: m.id, mobile: m.mobile }, delta: -2, reason: ['manual_deduction', 'redemption'].find((x) => caps.reasons[x]) };
      ok(await t.call('/api/adjust', { method: 'POST', body: spend, idempotencyKey: `gw-${vendor}-adjust-2` }));
      assert.equal(await balance(), m.balance + 5);
    });

    test('GET /api/ledger pages with an opaque cursor', async () => {
      const seen = [];
      let cursor = null;
      let pages = 0;
      do {
        const q = new URLSearchParams({ member: m.ref, pageSize: '1', ...(cursor ? { cursor } : {}) });
        const r = await t.call(`/api/ledger?${q}`);
        ok(r);
        assert.ok(Array.isArray(r.json.entries));
        assert.ok(r.json.entries.length <= 1);
        for (const e of r.json.entries) {
          assert.equal(typeof e.id, 'string');
          assert.equal(typeof e.delta, 'number');
          assert.match(e.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
          seen.push(e);
        }
        cursor = r.json.cursor;
        pages += 1;
      } while (cursor && pages < 20);
      assert.equal(cursor, null, 'the ledger never ended');
      assert.ok(seen.length >= 3, `only ${seen.length} entries (the two adjustments and the seeded rows expected)`);
      assert.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'an entry came twice');
      assert.ok(seen.some((e) => e.delta === 7) && seen.some((e) => e.delta === -2));
    });

    test('POST /api/preview shows the signed request with secrets masked, for unified and vendor-native calls', async () => {
      const r = await t.call('/api/preview', { method: 'POST', body: { method: 'adjustPoints', args: { member: m.ref, delta: 3, reason: 'promotion', idempotencyKey: 'gw-preview-1' } } });
      ok(r);
      assert.match(r.json.method, /^(GET|POST)$/);
      assert.ok(r.json.url.startsWith(`${t.sim.url}/${vendor}`), r.json.url);
      assert.equal(typeof r.json.headers, 'object');
      assert.equal(typeof r.json.stringToSign, 'string');
      for (const [k, v] of Object.entries(r.json.headers)) {
        if (/^(app-token|access_token|authorization)$/i.test(k)) assert.equal(v, '***');
      }
      // The plan it signed, for the admin page's in-page signing (jifen/sign).
      assert.match(r.json.operation, /^(\/|user\.)/);
      assert.equal(typeof r.json.params, 'object');
      const bal = await balance();
      assert.equal(bal, m.balance + 5, 'a preview changed the balance');
      const native = {
        kingdee: ['/jdy/v2/ls/account_balance_info', { member_id: m.id, member_card_id: '1490000000000000001' }],
        freemud: ['/member/score/statisticalScore', { memberId: m.id }],
        qimai: ['/v3/crm/points/getCustomerPoints', { customerId: m.id }],
      }[vendor];
      const n = await t.call('/api/preview', { method: 'POST', body: { method: native[0], args: native[1] } });
      ok(n);
      assert.ok(n.json.url.startsWith(`${t.sim.url}/${vendor}`), n.json.url);
      assert.ok(n.json.stringToSign.length > 0 || vendor === 'qimai');
      assert.deepEqual([n.json.operation, n.json.params], native);
    });

    test('no secret in any response or in the gateway log', () => {
      assert.ok(t.assertNoSecrets() >= 10);
    });
  });
}
