import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { startSim } from '../server.mjs';
import { freemudCanonical, verifyFreemudSignature, signFreemud, parseLenientJson, loadPrivateKey } from '../freemud.mjs';
import { loadVectors, readVectorFile, freemudCall, freemudCanonical as testCanonical, rsaVerify, rsaSign, accounts, getJson, postJson } from './helpers.mjs';

const A = accounts.freemud;
const SEED_MEMBER = '115589208394311926'; // currentScore 300
const POOR_MEMBER = '115591161789102515'; // currentScore 0

describe('freemud verifier (pure) against tests/vectors/freemud', () => {
  const vectors = loadVectors('freemud');
  test('vectors exist', () => assert.ok(vectors.length > 0, 'no vectors in tests/vectors/freemud'));
  for (const v of vectors) {
    test(`${v._file} (${v.kind})`, () => {
      if (v.kind === 'canonical') {
        assert.equal(freemudCanonical(v.fields), v.canonical);
        return;
      }
      const pub = readVectorFile('freemud', v.public_key);
      if (v.kind === 'rsa') {
        assert.equal(freemudCanonical(v.fields), v.canonical);
        assert.equal(verifyFreemudSignature(pub, v.fields, v.signature), true);
        assert.equal(signFreemud(readVectorFile('freemud', v.key), v.fields), v.signature);
        for (const k of v.equivalent_keys || []) assert.equal(signFreemud(loadPrivateKey(readVectorFile('freemud', k)), v.fields), v.signature, k);
      } else if (v.kind === 'request') {
        const env = JSON.parse(v.body);
        assert.equal(env.requestBody, v.requestBody);
        assert.equal(freemudCanonical(env), v.canonical);
        assert.equal(verifyFreemudSignature(pub, env, env.sign), true);
      } else if (v.kind === 'callback') {
        const env = JSON.parse(v.body);
        assert.equal(freemudCanonical(env), v.canonical);
        assert.equal(verifyFreemudSignature(pub, env, env.sign), v.valid);
      } else {
        assert.fail(`unknown vector kind ${v.kind}`);
      }
    });
    if (v.kind === 'rsa' || v.kind === 'request') {
      test(`${v._file}: a one-byte change to any signed field is rejected`, () => {
        const pub = readVectorFile('freemud', v.public_key);
        const fields = v.kind === 'request' ? JSON.parse(v.body) : v.fields;
        for (const k of ['appId', 'partnerId', 'requestBody']) {
          const s = String(fields[k]);
          const changed = { ...fields, [k]: s.slice(0, -1) + (s.endsWith('1') ? '2' : '1') };
          assert.equal(verifyFreemudSignature(pub, changed, v.signature), false, k);
        }
        const sig = v.signature;
        assert.equal(verifyFreemudSignature(pub, fields, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)), false);
      });
    }
  }
  test('lenient requestBody parsing accepts the docs\' single-quoted pseudo-JSON', () => {
    assert.deepEqual(parseLenientJson("{'partnerId':'1864','memberId':'115632749214110108'\n\n\t,'score':'1'}"), { partnerId: '1864', memberId: '115632749214110108', score: '1' });
    assert.equal(parseLenientJson('{"a":'), null);
  });
});

describe('freemud over HTTP', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());

  test('a correctly signed request succeeds; the response is signed with the platform key', async () => {
    const r = await freemudCall(sim, '/member/score/statisticalScore', { partnerId: A.partnerId, memberId: SEED_MEMBER });
    assert.equal(r.status, 200);
    assert.equal(r.json.statusCode, '100');
    assert.equal(r.json.ver, '1');
    assert.deepEqual(r.body, { currentScore: 300, totalScore: 500, usedScore: 200 });
    const canon = `message=${r.json.message}&responseBody=${r.json.responseBody}&statusCode=100&ver=1`;
    assert.equal(testCanonical(r.json), canon);
    assert.equal(rsaVerify(A.platformPublicKey, canon, r.json.sign), true);
  });

  test('a one-byte change to requestBody / appId / partnerId, or a bad sign → 401', async () => {
    const params = { partnerId: A.partnerId, memberId: SEED_MEMBER };
    const body = JSON.stringify(params);
    const cases = {
      requestBody: { signFields: { requestBody: body.replace('}', ' }') } },
      appId: { signFields: { appId: A.appId.slice(0, -1) + '2' } },
      partnerId: { signFields: { partnerId: A.partnerId.slice(0, -1) + '2' } },
      sentAppId: { envelope: { appId: A.appId.slice(0, -1) + '2' } },
      sentPartnerId: { envelope: { partnerId: A.partnerId.slice(0, -1) + '2' } },
      sign: { sign: rsaSign(A.privateKey, 'something else') },
      skipWithoutDevMode: { sign: 'skip' },
    };
    for (const [name, opts] of Object.entries(cases)) {
      const r = await freemudCall(sim, '/member/score/statisticalScore', body, opts);
      assert.equal(r.status, 200, name);
      assert.equal(r.json.statusCode, '401', name);
      assert.equal(r.json.responseBody, undefined, name);
    }
  });

  test('wrong or missing access_token → 403; missing envelope field or x-transaction-id → 21; unknown path → 404', async () => {
    const params = { memberId: SEED_MEMBER };
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', params, { accessToken: 'nope' })).json.statusCode, '403');
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', params, { accessToken: null })).json.statusCode, '403');
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', params, { envelope: { ver: '' } })).json.statusCode, '21');
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', params, { headers: { 'x-transaction-id': '' } })).json.statusCode, '21');
    assert.equal((await freemudCall(sim, '/member/score/statisticalScore', params, { rawBody: '{"ver":' })).json.statusCode, '21');
    for (const path of ['/member/score/opt/2', '/member//x']) {
      const nf = await freemudCall(sim, path, params);
      assert.equal(nf.status, 404, path);
      assert.equal(nf.json.statusCode, '404', path);
    }
  });

  test('any other path: the generic success once the envelope verifies; a bad signature is still 401', async () => {
    const body = { orderCode: ['14466581149538022700014'] };
    const r = await freemudCall(sim, '/member/coupon/list', body);
    assert.equal(r.status, 200);
    assert.equal(r.json.statusCode, '100');
    assert.ok(r.json.responseBody.includes('"id":1790000000000000001'), r.json.responseBody);
    assert.deepEqual(r.body.echo, { path: '/member/coupon/list', requestBody: body });
    assert.deepEqual(sim.state().freemud.seen.at(-1), r.body.echo);
    const forged = await freemudCall(sim, '/member/coupon/list', body, { signFields: { requestBody: '{"orderCode":[]}' } });
    assert.equal(forged.json.statusCode, '401');
    assert.equal((await freemudCall(sim, '/member/coupon/list', body, { accessToken: 'nope' })).json.statusCode, '403');
  });

  test('ver as a number is accepted; dev mode accepts sign "skip" and single-quoted requestBody', async () => {
    const n = await freemudCall(sim, '/member/score/statisticalScore', { memberId: SEED_MEMBER }, { envelope: { ver: 1 } });
    assert.equal(n.json.statusCode, '100');
    await postJson(`${sim.url}/_sim/freemud/config`, { devSkipSign: true });
    const r = await freemudCall(sim, '/member/score/statisticalScore', `{'partnerId':'${A.partnerId}','memberId':'${SEED_MEMBER}'}`, { sign: 'skip' });
    assert.equal(r.json.statusCode, '100');
    sim.reset();
  });

  test('opt/1 add, opt/15 subtract, updateScore, sendScore, statisticalScore and getScoreRecords agree', async () => {
    const call = (path, p) => freemudCall(sim, path, { partnerId: A.partnerId, ...p });
    let r = await call('/member/score/opt/1', { memberId: SEED_MEMBER, score: 100, operationType: 4, idempotencyBussinessId: 'add-1', idempotencyBussinessType: '6' });
    assert.deepEqual(r.body, { currentScore: 400, updateScore: 100, sendScore: 100 });
    r = await call('/member/score/opt/15', { memberId: SEED_MEMBER, score: '50', operationType: '11', idempotencyBussinessId: 'sub-1' });
    assert.deepEqual(r.body, { currentScore: 350, updateScore: 50, sendScore: 0 });
    r = await call('/member/score/updateScore', { memberId: SEED_MEMBER, changeScore: 10, changeType: 2, operationType: 14, idempotencyBussinessId: 'upd-1', orderId: 'SO-9' });
    assert.deepEqual(r.body, { updateScore: 10, currentScore: 340 });
    r = await call('/member/score/sendScore', { memberId: SEED_MEMBER, amount: 2599, operationType: 1, idempotencyBussinessId: 'send-1', idempotencyBussinessType: '6', orderId: 'SO-9' });
    assert.deepEqual(r.body, { currentScore: 365, updateScore: 25, sendScore: 25 });
    r = await call('/member/score/statisticalScore', { memberId: SEED_MEMBER });
    assert.deepEqual(r.body, { currentScore: 365, totalScore: 625, usedScore: 260 });
    r = await call('/member/score/returnScore', { memberId: SEED_MEMBER, orderId: 'SO-9', operationType: 15, idempotencyBussinessId: 'ret-1' });
    assert.deepEqual(r.body, { currentScore: 350, updateScore: 15 });
    r = await call('/member/score/returnScore', { memberId: SEED_MEMBER, orderId: 'SO-9', operationType: 15, idempotencyBussinessId: 'ret-2' });
    assert.equal(r.json.statusCode, '1003');
    r = await call('/member/score/getScoreRecords', { memberId: SEED_MEMBER, pageNum: 1, pageSize: 3 });
    assert.equal(r.body.totalCount, 7);
    assert.equal(r.body.totalPages, 3);
    assert.equal(r.body.scoreRecords.length, 3);
    assert.equal(r.body.scoreRecords[0].currentScore, 350);
    for (let i = 0; i + 1 < r.body.scoreRecords.length; i++) assert.equal(r.body.scoreRecords[i].beforeScore, r.body.scoreRecords[i + 1].currentScore);
    r = await call('/member/getMemberInfoByIdOrMobile', { mobile: '18616703980', showScoreSwitch: 1 });
    assert.equal(r.body.memberId, SEED_MEMBER);
    assert.equal(r.body.currentScore, 350);
    r = await call('/member/getMemberInfoByIdOrMobile', { memberId: SEED_MEMBER });
    assert.equal(r.body.currentScore, undefined);
    assert.equal(r.body.memberChannels[0].memberId, SEED_MEMBER);
    sim.reset();
  });

  test('subtracting below zero is refused and changes nothing; unknown member → 1001; missing idempotencyBussinessId → 21', async () => {
    const before = JSON.stringify(sim.state().freemud.members);
    let r = await freemudCall(sim, '/member/score/opt/15', { memberId: POOR_MEMBER, score: 1, operationType: 11, idempotencyBussinessId: 'poor-1' });
    assert.equal(r.json.statusCode, '1002');
    r = await freemudCall(sim, '/member/score/updateScore', { memberId: SEED_MEMBER, changeScore: 301, changeType: 2, operationType: 11, idempotencyBussinessId: 'poor-2' });
    assert.equal(r.json.statusCode, '1002');
    r = await freemudCall(sim, '/member/score/opt/1', { memberId: '1', score: 1, operationType: 4, idempotencyBussinessId: 'x-1' });
    assert.equal(r.json.statusCode, '1001');
    r = await freemudCall(sim, '/member/score/opt/1', { memberId: SEED_MEMBER, score: 1, operationType: 4 });
    assert.equal(r.json.statusCode, '21');
    assert.match(r.json.message, /缺少必要的请求参数/);
    assert.equal(JSON.stringify(sim.state().freemud.members), before);
    // a refused change is not remembered: after a top-up the same id succeeds
    const top = await freemudCall(sim, '/member/score/opt/1', { memberId: POOR_MEMBER, score: 5, operationType: 4, idempotencyBussinessId: 'topup' });
    assert.equal(top.json.statusCode, '100', top.text);
    r = await freemudCall(sim, '/member/score/opt/15', { memberId: POOR_MEMBER, score: 1, operationType: 11, idempotencyBussinessId: 'poor-1' });
    assert.equal(r.json.statusCode, '100');
    sim.reset();
  });

  test('idempotencyBussinessId: a repeat returns the first answer byte for byte and changes nothing', async () => {
    const p = { memberId: SEED_MEMBER, score: 7, operationType: 4, idempotencyBussinessId: 'same-id', idempotencyBussinessType: '6' };
    const first = await freemudCall(sim, '/member/score/opt/1', p);
    const second = await freemudCall(sim, '/member/score/opt/1', p);
    assert.equal(first.json.statusCode, '100');
    assert.equal(second.text, first.text);
    const third = await freemudCall(sim, '/member/score/sendScore', { ...p, score: 999 });
    assert.equal(third.text, first.text);
    const st = sim.state().freemud;
    assert.equal(st.members.find((m) => m.memberId === SEED_MEMBER).currentScore, 307);
    assert.equal(st.idempotency.length, 1);
    sim.reset();
  });

  test('getMembers pages', async () => {
    let r = await freemudCall(sim, '/member/getMembers', { pageNum: 1, pageSize: 2 });
    assert.equal(r.body.totalCount, 3);
    assert.equal(r.body.totalPages, 2);
    assert.equal(r.body.memberList.length, 2);
    r = await freemudCall(sim, '/member/getMembers', { pageNum: 2, pageSize: 2 });
    assert.equal(r.body.memberList.length, 1);
    r = await freemudCall(sim, '/member/getMembers', { pageNum: 1 });
    assert.equal(r.json.statusCode, '21');
    r = await freemudCall(sim, '/member/getMembers', { pageNum: 1, pageSize: 500 });
    assert.equal(r.body.pageSize, 100);
  });
});

describe('freemud callbacks', () => {
  let sim; let hook; let received;
  before(async () => {
    sim = await startSim();
    received = [];
    hook = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ver: '1', statusCode: '100', message: '成功' }));
      });
    });
    await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  });
  after(async () => { await sim.close(); await new Promise((r) => hook.close(r)); });
  const hookUrl = () => `http://127.0.0.1:${hook.address().port}/freemud-hook`;

  test('push member.registered and points.changed: signed envelope, merchant answer reported', async () => {
    let r = await postJson(`${sim.url}/_sim/freemud/push`, { url: hookUrl(), event: 'member.registered', memberId: SEED_MEMBER });
    assert.equal(r.status, 200);
    assert.equal(r.json.ok, true);
    assert.deepEqual(r.json.ack, { ver: '1', statusCode: '100', message: '成功' });
    const got = received.at(-1);
    const env = JSON.parse(got.body);
    assert.equal(got.body, r.json.body);
    assert.ok(got.headers['x-transaction-id']);
    assert.equal(env.ver, 1);
    assert.equal(rsaVerify(A.platformPublicKey, `appId=${A.appId}&partnerId=${A.partnerId}&requestBody=${env.requestBody}&ver=1`, env.sign), true);
    assert.equal(JSON.parse(env.requestBody).memberId, SEED_MEMBER);

    r = await postJson(`${sim.url}/_sim/freemud/push`, { url: hookUrl(), event: 'points.changed', memberId: SEED_MEMBER, changeScore: '20' });
    assert.equal(r.json.ok, true);
    const ev = JSON.parse(JSON.parse(received.at(-1).body).requestBody);
    assert.equal(ev.changeScore, '20');
    assert.equal(ev.mobile, '18616703980');
    for (const k of ['memberId', 'mobile', 'changeScore', 'currentScore', 'changeType', 'operationType', 'transNo']) assert.ok(k in ev, k);
  });

  test('auto-push points.changed after each points change when a callback URL is set', async () => {
    const n = received.length;
    await postJson(`${sim.url}/_sim/freemud/callback-url`, { url: hookUrl() });
    const r = await freemudCall(sim, '/member/score/opt/1', { memberId: SEED_MEMBER, score: 3, operationType: 4, idempotencyBussinessId: 'auto-1' });
    assert.equal(r.json.statusCode, '100');
    for (let i = 0; i < 50 && received.length === n; i++) await new Promise((res) => setTimeout(res, 10));
    assert.equal(received.length, n + 1);
    const ev = JSON.parse(JSON.parse(received.at(-1).body).requestBody);
    assert.deepEqual([ev.changeScore, ev.currentScore, ev.changeType], ['3', '303', '1']);
    const st = await getJson(`${sim.url}/_sim/state`);
    assert.ok(st.freemud.callbacks.at(-1).ok);
  });

  test('only loopback URLs are pushed to; a dead URL is reported, not thrown', async () => {
    let r = await postJson(`${sim.url}/_sim/freemud/push`, { url: 'http://example.com/x', event: 'points.changed', memberId: SEED_MEMBER });
    assert.equal(r.json.ok, false);
    assert.match(r.json.error, /loopback/);
    r = await postJson(`${sim.url}/_sim/freemud/push`, { url: 'http://127.0.0.1:1/x', event: 'points.changed', memberId: SEED_MEMBER });
    assert.equal(r.json.ok, false);
    r = await postJson(`${sim.url}/_sim/freemud/push`, { url: hookUrl(), event: 'nope' });
    assert.equal(r.status, 400);
  });
});

// keep the key file honest: the sim verifies with sim/keys/merchant_public.pem, which must match accounts.json
test('accounts.json privateKey matches sim/keys/merchant_public.pem', () => {
  const pub = readFileSync(new URL('../keys/merchant_public.pem', import.meta.url), 'utf8');
  assert.equal(rsaVerify(pub, 'x', rsaSign(A.privateKey, 'x')), true);
});
