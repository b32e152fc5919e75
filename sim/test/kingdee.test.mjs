import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../server.mjs';
import {
  verifyKingdeeSignature, canonicalQuery, wireQuery, stringToSign, xApiSignature, appSignature, gwEnc, formEnc,
} from '../kingdee.mjs';
import { loadVectors, kingdeeCall, kingdeeToken, kingdeeSign, kingdeeAppSignature, accounts, getJson } from './helpers.mjs';

const A = accounts.kingdee;
const RECORD = '/jdy/v2/ls/integral_record';
const ADJUST = '/jdy/v2/ls/integral_adjust';
const BALANCE = '/jdy/v2/ls/account_balance_info';

describe('kingdee verifier (pure) against tests/vectors/kingdee', () => {
  const vectors = loadVectors('kingdee');
  test('vectors exist', () => assert.ok(vectors.length >= 8, `found ${vectors.length}`));
  for (const v of vectors) {
    if (v.kind === 'app_signature') {
      test(`${v._file}: app_signature`, () => assert.equal(appSignature(v.app_key, v.app_secret), v.app_signature));
      continue;
    }
    test(`${v._file}: string_to_sign, signature, wire query`, () => {
      const sts = stringToSign(v.method, v.path, canonicalQuery(v.query), v.nonce, v.timestamp);
      assert.equal(sts, v.string_to_sign);
      assert.equal(xApiSignature(v.client_secret, sts), v.x_api_signature);
      assert.equal(wireQuery(v.query), v.wire_query);
      const ok = verifyKingdeeSignature({ method: v.method, path: v.path, rawQuery: v.wire_query, nonce: v.nonce, timestamp: v.timestamp, signature: v.x_api_signature, clientSecret: v.client_secret });
      assert.equal(ok.ok, true);
      // The test helper's independent signer agrees too.
      assert.equal(kingdeeSign({ secret: v.client_secret, method: v.method, path: v.path, query: v.query, nonce: v.nonce, timestamp: v.timestamp }).signature, v.x_api_signature);
    });
    test(`${v._file}: a one-byte change to any signed part is rejected`, () => {
      const base = { method: v.method, path: v.path, rawQuery: v.wire_query, nonce: v.nonce, timestamp: v.timestamp, signature: v.x_api_signature, clientSecret: v.client_secret };
      const bump = (s) => s.slice(0, -1) + (s.endsWith('1') ? '2' : '1');
      const variants = [
        { path: bump(v.path) }, { nonce: bump(v.nonce) }, { timestamp: bump(v.timestamp) },
        { signature: (v.x_api_signature[0] === 'A' ? 'B' : 'A') + v.x_api_signature.slice(1) },
        { method: v.method === 'GET' ? 'POST' : 'GET' }, { clientSecret: bump(v.client_secret) },
      ];
      if (v.wire_query) variants.push({ rawQuery: v.wire_query.slice(0, -1) + (v.wire_query.endsWith('1') ? '2' : '1') });
      for (const change of variants) assert.equal(verifyKingdeeSignature({ ...base, ...change }).ok, false, JSON.stringify(change));
    });
  }
  test('encoders differ exactly on space, * and ~', () => {
    assert.equal(gwEnc('a b*~'), 'a+b%2A~');
    assert.equal(formEnc('a b*~'), 'a+b*%7E');
  });
  test('the "wire value encoded once more" reading is accepted too (PHP-SDK-style clients)', () => {
    // PHP SDK: rawurlencode on the wire, one more rawurlencode in the signature
    const rawurlencode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const secret = 'k';
    const wire = `mobile=${rawurlencode('138 0013~8000*')}&start_date=${rawurlencode('2024-01-01 00:00:00')}`;
    assert.equal(wire, 'mobile=138%200013~8000%2A&start_date=2024-01-01%2000%3A00%3A00');
    const canonical = wire.split('&').map((p) => p.split('=').map(rawurlencode).join('=')).join('&');
    const sig = xApiSignature(secret, stringToSign('GET', RECORD, canonical, '1234567890', '1700000000000'));
    const r = verifyKingdeeSignature({ method: 'GET', path: RECORD, rawQuery: wire, nonce: '1234567890', timestamp: '1700000000000', signature: sig, clientSecret: secret });
    assert.equal(r.ok, true);
    assert.equal(r.variant, 'wire');
    // …and the same request signed the Java-SDK way is accepted as well
    const javaSts = stringToSign('GET', RECORD, canonicalQuery([['mobile', '138 0013~8000*'], ['start_date', '2024-01-01 00:00:00']]), '1234567890', '1700000000000');
    assert.equal(verifyKingdeeSignature({ method: 'GET', path: RECORD, rawQuery: wire, nonce: '1234567890', timestamp: '1700000000000', signature: xApiSignature(secret, javaSts), clientSecret: secret }).variant, 'decoded');
  });
});

describe('kingdee over HTTP', () => {
  let sim; let token;
  before(async () => {
    sim = await startSim();
    ({ token } = await kingdeeToken(sim));
  });
  after(() => sim.close());

  test('push_app_authorize answers {code,msg,data} with a stale row first', async () => {
    const r = await kingdeeCall(sim, { method: 'POST', path: '/jdyconnector/app_management/push_app_authorize', query: [['outerInstanceId', A.outerInstanceId]] });
    assert.equal(r.status, 200);
    assert.equal(r.json.code, 200);
    assert.deepEqual(r.json.data.map((x) => x.status), [0, 1]);
    const row = r.json.data[1];
    for (const k of ['appKey', 'appSecret', 'domain', 'groupName', 'accountId', 'serviceId', 'outerInstanceId', 'clientId', 'accountName', 'status']) assert.ok(k in row, k);
    assert.equal(row.appKey, A.appKey);
    assert.equal(row.domain, A.domain);
    assert.ok(r.headers.get('x-api-requestid'));
  });

  test('a correctly signed business call succeeds; X-Api-Requestid and CORS headers present', async () => {
    const r = await kingdeeCall(sim, { path: RECORD, query: [['mobile', '13800138000']], token });
    assert.equal(r.status, 200);
    assert.equal(r.json.errcode, 0);
    assert.equal(r.json.data.count, '3');
    assert.ok(r.headers.get('x-api-requestid'));
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.ok(r.headers.get('date'));
  });

  test('a one-byte change to each signed part → 519 errcode 4008', async () => {
    const q = [['mobile', '13800138000'], ['page', '1']];
    const cases = {
      path: { signPath: RECORD.replace(/d$/, 'x') },
      queryValue: { signQuery: [['mobile', '13800138001'], ['page', '1']] },
      nonce: { tamper: (h) => { h['X-Api-Nonce'] = h['X-Api-Nonce'].slice(0, -1) + (h['X-Api-Nonce'].endsWith('1') ? '2' : '1'); } },
      timestamp: { tamper: (h) => { h['X-Api-TimeStamp'] = String(Number(h['X-Api-TimeStamp']) + 1); } },
      signature: { tamper: (h) => { h['X-Api-Signature'] = (h['X-Api-Signature'][0] === 'M' ? 'N' : 'M') + h['X-Api-Signature'].slice(1); } },
    };
    for (const [name, opts] of Object.entries(cases)) {
      const r = await kingdeeCall(sim, { path: RECORD, query: q, token, ...opts });
      assert.equal(r.status, 519, name);
      assert.equal(r.json.errcode, 4008, name);
      assert.ok(r.json.description && r.json.description_cn, name);
      assert.ok(r.headers.get('x-api-requestid'), name);
    }
  });

  test('old or future timestamp → 519 errcode 4006; 4:59 old still accepted', async () => {
    for (const skew of [-6 * 60000, 6 * 60000]) {
      const r = await kingdeeCall(sim, { path: RECORD, token, ts: String(Date.now() + skew) });
      assert.equal(r.status, 519);
      assert.equal(r.json.errcode, 4006);
    }
    const ok = await kingdeeCall(sim, { path: RECORD, token, ts: String(Date.now() - 4 * 60000 - 59000) });
    assert.equal(ok.json.errcode, 0);
  });

  test('other gateway headers are checked', async () => {
    const cases = [
      [(h) => { delete h['X-Api-ClientID']; }, 4002],
      [(h) => { h['X-Api-ClientID'] = '999999'; }, 4003],
      [(h) => { h['X-Api-Auth-Version'] = '1.0'; }, 4001],
      [(h) => { delete h['X-Api-SignHeaders']; }, 4007],
      [(h) => { h['X-Api-Nonce'] = 'abc'; }, 4007],
      [(h) => { h['X-Api-Nonce'] = '0'; }, 4007],
    ];
    for (const [tamper, code] of cases) {
      const r = await kingdeeCall(sim, { path: RECORD, token, tamper });
      assert.equal(r.status, 519);
      assert.equal(r.json.errcode, code);
    }
    // the SDK's reversed SignHeaders order is accepted
    const r = await kingdeeCall(sim, { path: RECORD, token, tamper: (h) => { h['X-Api-SignHeaders'] = 'X-Api-Nonce,X-Api-TimeStamp'; } });
    assert.equal(r.json.errcode, 0);
  });

  test('app-token missing → 4009, unknown → 4010, wrong router → 4012', async () => {
    let r = await kingdeeCall(sim, { path: RECORD });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 4009);
    r = await kingdeeCall(sim, { path: RECORD, token: token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a') });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 4010);
    r = await kingdeeCall(sim, { path: RECORD, token, domain: 'https://other.jdy.com' });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 4012);
  });

  test('a path outside the JDY v2 family → 519 5001; wrong method → 5002', async () => {
    let r = await kingdeeCall(sim, { path: '/jdy/v1/ls/no_such_api', token });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 5001);
    r = await kingdeeCall(sim, { path: '/jdy/v2/a//b', token });
    assert.equal(r.json.errcode, 5001);
    r = await kingdeeCall(sim, { method: 'POST', path: RECORD, token });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 5002);
    r = await kingdeeCall(sim, { method: 'PUT', path: '/jdy/v2/bd/customer', token });
    assert.equal(r.json.errcode, 5002);
  });

  test('any other JDY v2 API: the generic success once signature and token pass; refused as a known one otherwise', async () => {
    const query = [['search', '张 三'], ['page', '1']];
    let r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query, token });
    assert.equal(r.status, 200);
    assert.equal(r.json.errcode, 0);
    assert.ok(r.text.includes('"id":1790000000000000001'), r.text);
    assert.deepEqual(r.json.data.echo, { method: 'GET', path: '/jdy/v2/bd/customer', query: { search: '张 三', page: '1' }, body: null });
    r = await kingdeeCall(sim, { method: 'POST', path: '/jdy/v2/bd/customer_save', token, body: { number: 'C1', tags: [1] } });
    assert.equal(r.json.errcode, 0);
    assert.deepEqual(r.json.data.echo.body, { number: 'C1', tags: [1] });
    assert.deepEqual(sim.state().kingdee.seen.at(-1), r.json.data.echo);
    r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query, signQuery: [['search', '张 四'], ['page', '1']], token });
    assert.equal(r.status, 519); assert.equal(r.json.errcode, 4008);
    r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query, signPath: '/jdy/v2/bd/customers', token });
    assert.equal(r.json.errcode, 4008);
    r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query });
    assert.equal(r.json.errcode, 4009);
    r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query, token, domain: 'https://other.jdy.com' });
    assert.equal(r.json.errcode, 4012);
    r = await kingdeeCall(sim, { path: '/jdy/v2/bd/customer', query, token, ts: String(Date.now() - 6 * 60 * 1000) });
    assert.equal(r.json.errcode, 4006);
  });

  test('adjust + ledger + balance stay consistent; spend below zero refused and changes nothing', async () => {
    const member = sim.state().kingdee.members.find((m) => m.mobile === '13800138002');
    const bal = async () => (await kingdeeCall(sim, { path: BALANCE, query: [['member_id', member.id], ['member_card_id', member.card_id]], token })).json.data.integral;
    assert.equal((await bal()).usable, '0');
    let r = await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body: { mobile: '13800138002', integral: 100, operation: 5 } });
    assert.deepEqual(r.json, { data: {}, description: 'success', errcode: 0 });
    r = await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body: { mobile: '13800138002', integral: -30, operation: 1 } });
    assert.equal(r.json.errcode, 0);
    const b = await bal();
    assert.equal(b.usable, '70');
    assert.equal(b.last, '70');
    assert.equal(b.total, '100');
    assert.equal(b.member.mobile, '13800138002');
    assert.equal(b.mb_card.id, member.card_id);

    r = await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body: { mobile: '13800138002', integral: -71, operation: 1 } });
    assert.equal(r.status, 200);
    assert.notEqual(r.json.errcode, 0);
    assert.match(r.json.description, /积分不足/);
    assert.equal((await bal()).usable, '70');

    const led = await kingdeeCall(sim, { path: RECORD, query: [['member_id', member.id]], token });
    assert.equal(led.json.data.count, '2');
    const [newest, older] = led.json.data.rows;
    assert.deepEqual([newest.occur, newest.last_integral, newest.integral, newest.type_number, newest.type_name], ['-30', '100', '70', '1', '积分消费']);
    assert.deepEqual([older.occur, older.last_integral, older.integral, older.type_number, older.type_name], ['100', '0', '100', '5', '促销赠送']);
    assert.equal(newest.member_name, '王五');
    assert.match(newest.create_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  test('adjust validation: unknown mobile, zero, bad operation, bad JSON → errcode ≠ 0, nothing changes', async () => {
    const before = JSON.stringify(sim.state().kingdee.members);
    for (const body of [{ mobile: '19999999999', integral: 1, operation: 1 }, { mobile: '13800138000', integral: 0, operation: 1 }, { mobile: '13800138000', integral: 1, operation: 12 }, '{"mobile":']) {
      const r = await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body });
      assert.equal(r.status, 200);
      assert.notEqual(r.json.errcode, 0);
      assert.ok(r.json.description);
    }
    assert.equal(JSON.stringify(sim.state().kingdee.members), before);
  });

  test('no idempotency key: two identical adjusts apply twice', async () => {
    const body = { mobile: '13900139000', integral: 5, operation: 6 };
    await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body });
    await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body });
    assert.equal(sim.state().kingdee.members.find((m) => m.mobile === '13900139000').balance, 40);
  });

  test('paging: newest first, defaults, filters, >100 truncated but total_page from the requested size', async () => {
    for (let i = 0; i < 125; i++) {
      const r = await kingdeeCall(sim, { method: 'POST', path: ADJUST, token, body: { mobile: '13800138001', integral: 1, operation: 6 } });
      assert.equal(r.json.errcode, 0);
    }
    const q = (extra) => kingdeeCall(sim, { path: RECORD, query: [['mobile', '13800138001'], ...extra], token });
    let r = await q([]);
    assert.equal(r.json.data.count, '127');
    assert.equal(r.json.data.page, 1);
    assert.equal(r.json.data.page_size, 10);
    assert.equal(r.json.data.cur_page_size, 10);
    assert.equal(r.json.data.total_page, 13);
    assert.equal(r.json.data.rows[0].integral, '245'); // 120 seeded + 125
    // newest first: each row's last_integral is the next (older) row's integral
    const rows = r.json.data.rows;
    for (let i = 0; i + 1 < rows.length; i++) assert.equal(rows[i].last_integral, rows[i + 1].integral);
    r = await q([['page', '13'], ['page_size', '10']]);
    assert.equal(r.json.data.cur_page_size, 7);
    assert.equal(r.json.data.rows.at(-1).type_number, '4'); // the oldest seeded row
    r = await q([['page', '1'], ['page_size', '200']]);
    assert.equal(r.json.data.cur_page_size, 100);
    assert.equal(r.json.data.total_page, 1); // ceil(127/200): rows 101..127 are silently unreachable
    assert.equal(r.json.data.page_size, 200);
    r = await q([['page', '2'], ['page_size', '100']]);
    assert.equal(r.json.data.cur_page_size, 27);
    assert.equal(r.json.data.total_page, 2);
    // date filters (Asia/Shanghai); seeded rows are in 2024
    r = await q([['start_date', '2024-01-01 00:00:00'], ['end_date', '2024-01-31 23:59:59']]);
    assert.equal(r.json.data.count, '1');
    assert.equal(r.json.data.rows[0].create_time, '2024-01-15 10:00:00');
    r = await q([['integral_type', '2']]);
    assert.equal(r.json.data.count, '1');
    r = await q([['id', r.json.data.rows[0].id]]);
    assert.equal(r.json.data.count, '1');
    r = await q([['start_date', 'yesterday']]);
    assert.notEqual(r.json.errcode, 0);
  });

  test('balance: numbers as strings, pre from the seed, unknown member refused', async () => {
    const m = sim.state().kingdee.members.find((x) => x.mobile === '13800138001');
    let r = await kingdeeCall(sim, { path: BALANCE, query: [['member_id', m.id]], token });
    assert.equal(r.json.errcode, 0);
    assert.equal(r.json.data.integral.pre, '20');
    assert.equal(typeof r.json.data.integral.usable, 'string');
    assert.equal(r.json.data.credit, null);
    assert.ok(r.json.data.recharge.member);
    r = await kingdeeCall(sim, { path: BALANCE, query: [['member_id', '1']], token });
    assert.notEqual(r.json.errcode, 0);
  });

  test('token expiry → 4011, and a new token works', async () => {
    const res = await fetch(`${sim.url}/_sim/kingdee/expire-tokens`, { method: 'POST' });
    assert.equal(res.status, 200);
    const r = await kingdeeCall(sim, { path: RECORD, token });
    assert.equal(r.status, 519);
    assert.equal(r.json.errcode, 4011);
    sim.reset();
    ({ token } = await kingdeeToken(sim));
    assert.equal((await kingdeeCall(sim, { path: RECORD, token })).json.errcode, 0);
  });
});

describe('kingdee token endpoint', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());
  const TOKEN = '/jdyconnector/app_management/kingdee_auth_token';

  test('response shape; expires is epoch ms ~24 h ahead', async () => {
    const { raw } = await kingdeeToken(sim);
    assert.equal(raw.json.errcode, 0);
    assert.equal(raw.json.description, '成功');
    for (const k of ['access_token', 'app-token', 'expires', 'uid']) assert.ok(k in raw.json.data, k);
    assert.ok(Math.abs(raw.json.data.expires - (Date.now() + 24 * 3600e3)) < 60e3);
    sim.reset();
  });

  test('wrong app_signature → HTTP 200 errcode 1030002006', async () => {
    const r = await kingdeeCall(sim, { path: TOKEN, query: [['app_key', A.appKey], ['app_signature', kingdeeAppSignature(A.appKey, 'wrong')]] });
    assert.equal(r.status, 200);
    assert.equal(r.json.errcode, 1030002006);
    assert.equal(r.json.description, '授权密钥校验失败');
    sim.reset();
  });

  test('more than 2 calls per minute → 429 with Retry-After; the clock moving on frees it', async () => {
    const call = () => kingdeeCall(sim, { path: TOKEN, query: [['app_key', A.appKey], ['app_signature', kingdeeAppSignature(A.appKey, A.appSecret)]] });
    assert.equal((await call()).status, 200);
    assert.equal((await call()).status, 200);
    const third = await call();
    assert.equal(third.status, 429);
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    assert.equal(sim.state().kingdee.counters.tokenEndpointHits, 3);
    sim.clock.offsetMs = 61000;
    // the request timestamp must follow the sim clock
    const r = await kingdeeCall(sim, { path: TOKEN, ts: String(Date.now() + 61000), query: [['app_key', A.appKey], ['app_signature', kingdeeAppSignature(A.appKey, A.appSecret)]] });
    assert.equal(r.status, 200);
    sim.reset();
  });

  test('configurable token TTL; rotated appSecret → 1030002006 until re-pulled', async () => {
    await fetch(`${sim.url}/_sim/kingdee/config`, { method: 'POST', body: JSON.stringify({ tokenTtlMs: 1000 }) });
    const { expires } = await kingdeeToken(sim);
    assert.ok(expires - Date.now() <= 1000);
    await fetch(`${sim.url}/_sim/kingdee/rotate-secret`, { method: 'POST' });
    const r = await kingdeeCall(sim, { path: TOKEN, query: [['app_key', A.appKey], ['app_signature', kingdeeAppSignature(A.appKey, A.appSecret)]] });
    assert.equal(r.json.errcode, 1030002006);
    const st = await getJson(`${sim.url}/_sim/state`);
    assert.notEqual(st.kingdee.appSecret, A.appSecret);
    sim.reset();
  });
});
