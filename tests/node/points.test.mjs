// The unified points API through the built package in Node, against the simulator, for every vendor:
// the same five calls, member resolution, the ledger walk, idempotency, refusals and previews.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client, JifenError, capabilities } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim;
before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());
beforeEach(() => sim.reset());

const cfg = (vendor, extra = {}) => ({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}`, ...extra });
const state = async () => (await fetch(`${sim.url}/_sim/state`)).json();

async function all(iter) {
  const out = [];
  for await (const e of iter) out.push(e);
  return out;
}

// Each vendor's seeded member with history, and how the caller knows them.
const cases = {
  kingdee: {
    member: { id: '1480000000000000001', cardId: '1490000000000000001', mobile: '13800138000' },
    byMobileOnly: null, // Kingdee's balance needs member id + card id
    earn: 'promotion', spend: 'redemption',
  },
  freemud: {
    member: { id: '115589208394311926' },
    byMobileOnly: { mobile: '18616703980' },
    earn: 'manual_grant', spend: 'manual_deduction',
  },
  qimai: {
    member: { id: '383933091455959041' },
    byMobileOnly: { mobile: '13700137000' },
    earn: 'manual_grant', spend: 'redemption',
  },
};

for (const [vendor, c] of Object.entries(cases)) {
  test(`${vendor}: member, balance, adjust twice with one key, ledger reconciles`, async () => {
    const client = new Client(cfg(vendor));
    const member = await client.getMember({ member: c.member });
    assert.equal(typeof member.id, 'string');
    assert.ok(member.name);
    const before = await client.getBalance({ member: c.member });
    assert.equal(typeof before.available, 'number');
    assert.equal(member.points, before.available);

    // Kingdee adjusts by mobile; a copy, so the shared case keeps its ids for the calls below.
    const earnMember = vendor === 'kingdee' ? { mobile: c.member.mobile } : c.member;
    const earn = { member: earnMember, delta: 40, reason: c.earn, idempotencyKey: `${vendor}-e2e-earn` };
    const r1 = await client.adjustPoints(earn);
    assert.equal(r1.applied, true);
    // The same key again, from a fresh client (as after a restart): the vendor's key or ours dedupes.
    if (vendor !== 'kingdee') {
      const again = await new Client(cfg(vendor)).adjustPoints(earn);
      assert.equal(again.applied, true);
    } else {
      assert.deepEqual(await client.adjustPoints(earn), r1);
    }
    await client.adjustPoints({ member: c.member, delta: -15, reason: c.spend, idempotencyKey: `${vendor}-e2e-spend` });

    const after = await client.getBalance({ member: c.member });
    assert.equal(after.available, before.available + 25, 'each change applied exactly once');
    if (r1.balance !== undefined) assert.equal(r1.balance, before.available + 40);

    const entries = await all(client.ledger({ member: c.member, pageSize: 2 }));
    assert.ok(entries.length >= 3);
    assert.equal(entries[0].delta, -15, 'newest first');
    assert.match(entries[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    assert.equal(entries.reduce((a, e) => a + e.delta, 0), after.available, 'the ledger sums to the balance');
    if (entries[0].balanceAfter !== undefined) assert.equal(entries[0].balanceAfter, after.available);
    assert.ok(entries[0].type.code !== undefined && typeof entries[0].type.name === 'string');

    // limit stops early; pages walked by cursor give the same entries.
    assert.equal((await all(client.ledger({ member: c.member, pageSize: 2, limit: 1 }))).length, 1);
    const paged = [];
    let cursor;
    do {
      const p = await client.ledgerPage({ member: c.member, pageSize: 2, ...(cursor ? { cursor } : {}) });
      paged.push(...p.entries);
      cursor = p.cursor;
    } while (cursor);
    assert.deepEqual(paged.map((e) => e.id), entries.map((e) => e.id));
  });

  test(`${vendor}: lookups resolve a mobile, refusals are clear, previews mask credentials`, async () => {
    const client = new Client(cfg(vendor));
    if (c.byMobileOnly) {
      const b1 = await client.getBalance({ member: c.byMobileOnly });
      const b2 = await client.getBalance({ member: c.member });
      assert.equal(b1.available, b2.available);
    } else {
      await assert.rejects(client.getBalance({ member: { mobile: '13800138000' } }),
        (e) => e instanceof JifenError && e.code === 'invalid_input' && /member\.id and member\.cardId/.test(e.message));
    }
    const caps = capabilities(vendor);
    const refused = Object.entries(caps.reasons).find(([, v]) => v === null);
    if (refused) {
      const [reason] = refused;
      const sign = ['redemption', 'points_payment', 'consumption', 'manual_deduction', 'earn_reversal', 'expiry'].includes(reason) ? -1 : 1;
      await assert.rejects(client.adjustPoints({ member: c.member, delta: sign, reason, idempotencyKey: 'refused-1' }),
        (e) => e instanceof JifenError && e.code === 'unsupported');
    }
    await assert.rejects(client.adjustPoints({ member: c.member, delta: 5, reason: 'redemption', idempotencyKey: 'sign-1' }),
      (e) => e.code === 'invalid_input');
    await assert.rejects(client.adjustPoints({ member: c.member, delta: 5, reason: c.earn }),
      (e) => e.code === 'invalid_input' && /idempotencyKey/.test(e.message));
    assert.throws(() => client.ledger({ member: c.member, pageSize: 1000 }), (e) => e.code === 'invalid_input');

    const balanceHits = (st) => Object.entries(st[vendor].counters.byRoute ?? {})
      .filter(([r]) => /account_balance_info|statisticalScore|getCustomerPoints/.test(r)).reduce((a, [, n]) => a + n, 0);
    const hitsBefore = balanceHits(await state());
    const p = await client.preview('getBalance', { member: c.member });
    assert.equal(typeof p.stringToSign, 'string');
    assert.ok(p.url.startsWith(sim.url));
    for (const [k, v] of Object.entries(p.headers)) {
      if (/^(app-token|access_token|authorization)$/i.test(k)) assert.equal(v, '***');
    }
    const text = JSON.stringify(p);
    const secrets = { kingdee: ['clientSecret', 'appSecret'], freemud: ['privateKey', 'accessToken'], qimai: ['openKey'] }[vendor];
    for (const name of secrets) assert.ok(!text.includes(accounts[vendor][name]), `no ${name} in a preview`);
    if (vendor === 'kingdee') assert.ok(!/"app-token":"(?!\*\*\*)/.test(text), 'the app-token is masked');
    assert.equal(balanceHits(await state()), hitsBefore, 'a preview sends no balance call');
  });
}

test('capabilities are data for every vendor, and for a config', () => {
  for (const v of ['kingdee', 'freemud', 'qimai', 'qimai-v2']) {
    const caps = capabilities(v);
    assert.deepEqual(Object.keys(caps.operations), ['adjustPoints', 'getBalance', 'ledger', 'getMember']);
    assert.equal(Object.keys(caps.reasons).length, 18);
  }
  assert.equal(capabilities({ vendor: 'qimai', version: 'v2' }).version, 'v2');
  assert.equal(capabilities('kingdee').operations.adjustPoints.idempotent, false);
  assert.throws(() => capabilities('acme'), (e) => e instanceof JifenError && e.code === 'invalid_input');
});

test('kingdee: two clients sharing an idempotency store apply a change once, even concurrently', async () => {
  const map = new Map();
  const store = {
    get: async (k) => map.get(k) ?? null,
    putIfAbsent: async (k, v) => (map.has(k) ? false : (map.set(k, v), true)),
    delete: async (k) => { map.delete(k); },
    // Compare-and-set: Kingdee changes need it (a store without it is a config error, below).
    replace: async (k, expected, v) => ((map.get(k) ?? null) === expected ? (map.set(k, v), true) : false),
  };
  const a = new Client(cfg('kingdee'), { idempotencyStore: store });
  await a.getBalance({ member: cases.kingdee.member }); // one token for a, before b asks
  const b = new Client(cfg('kingdee'), { idempotencyStore: store });
  const before = (await a.getBalance({ member: cases.kingdee.member })).available;
  const args = { member: { mobile: '13800138000' }, delta: 9, reason: 'promotion', idempotencyKey: 'shared-1' };
  const results = await Promise.allSettled([a.adjustPoints(args), b.adjustPoints(args), a.adjustPoints(args)]);
  const ok = results.filter((r) => r.status === 'fulfilled');
  assert.ok(ok.length >= 1);
  for (const r of results.filter((r) => r.status === 'rejected')) {
    assert.ok(r.reason instanceof JifenError && r.reason.retryable, String(r.reason));
    assert.ok(['conflict', 'outcome_unknown'].includes(r.reason.code), String(r.reason));
  }
  for (const r of ok) assert.deepEqual(r.value, ok[0].value, 'every applied answer is the one change');
  assert.deepEqual(await b.adjustPoints(args), ok[0].value, 'a later repeat replays the result');
  const after = (await a.getBalance({ member: cases.kingdee.member })).available;
  assert.equal(after, before + 9, 'applied exactly once');
  assert.throws(() => new Client(cfg('kingdee'), { idempotencyStore: { get() {} } }),
    (e) => e instanceof JifenError && e.code === 'invalid_input');
  // Without replace, a Kingdee change is refused before anything is sent.
  const { replace, ...noCas } = store;
  const c = new Client(cfg('kingdee'), { idempotencyStore: noCas });
  await assert.rejects(c.adjustPoints({ ...args, idempotencyKey: 'shared-2' }),
    (e) => e instanceof JifenError && e.code === 'config' && /replace/.test(e.message));
  assert.equal((await a.getBalance({ member: cases.kingdee.member })).available, after, 'nothing applied');
});
