import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startSim, maskQuery } from '../server.mjs';
import { kingdeeCall, kingdeeToken, kingdeeAppSignature, accounts, freemudCall, qimaiV3, postJson, getJson, rawRequest } from './helpers.mjs';

describe('server', () => {
  let sim;
  before(async () => { sim = await startSim(); });
  after(() => sim.close());

  test('binds to loopback on an ephemeral port', () => {
    assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(sim.port > 0);
  });

  test('OPTIONS preflight answers CORS for the vendors\' headers', async () => {
    const r = await fetch(`${sim.url}/kingdee/jdy/v2/ls/integral_adjust`, {
      method: 'OPTIONS', headers: { Origin: 'http://127.0.0.1:9999', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-signature,app-token' },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const allow = r.headers.get('access-control-allow-headers').toLowerCase();
    for (const h of ['x-api-signature', 'x-api-timestamp', 'app-token', 'x-gw-router-addr', 'access_token', 'x-transaction-id', 'content-type', 'idempotency-key', 'authorization']) assert.ok(allow.includes(h), h);
    const expose = r.headers.get('access-control-expose-headers').toLowerCase();
    for (const h of ['x-api-requestid', 'retry-after', 'date']) assert.ok(expose.includes(h), h);
  });

  test('unknown paths: 404 outside the vendors; vendor-shaped not-found inside', async () => {
    let r = await fetch(`${sim.url}/acme/x`);
    assert.equal(r.status, 404);
    r = await kingdeeCall(sim, { path: '/nope' });
    assert.equal(r.status, 519);
    assert.equal(r.json.errcode, 5001);
    r = await freemudCall(sim, '/member/score/opt/2', {});
    assert.equal(r.json.statusCode, '404');
    r = await postJson(`${sim.url}/qimai/nope`, {});
    assert.equal(r.json.status, false);
    assert.equal((await fetch(`${sim.url}/_sim/nope`)).status, 404);
  });

  test('bodies over 1 MiB are refused', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) });
    const r = await rawRequest(`${sim.url}/freemud/member/getMembers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big });
    assert.equal(r.status, 413);
  });

  test('garbage never crashes the server; each vendor answers in its own shape', async () => {
    const junk = ['', 'null', '[]', '{"requestBody":{}}', '\u0000\u00ff', '{"ver":1,"partnerId":1,"appId":1,"requestBody":"x","sign":"!!"}', '{"OpenId":{},"Params":7}'];
    for (const body of junk) {
      const k = await rawRequest(`${sim.url}/kingdee/jdy/v2/ls/integral_adjust?%zz=%&&=x`, { method: 'POST', body, headers: { 'X-Api-ClientID': '1' } });
      assert.ok([200, 519].includes(k.status), `kingdee ${k.status}`);
      const f = await rawRequest(`${sim.url}/freemud/member/score/opt/1`, { method: 'POST', body, headers: { access_token: 'sim-access-token-not-real-0001', 'x-transaction-id': '1' } });
      assert.equal(f.status, 200);
      assert.notEqual(JSON.parse(f.text).statusCode, '100');
      const q = await rawRequest(`${sim.url}/qimai/api/v2`, { method: 'POST', body });
      assert.equal(q.status, 200);
      assert.equal(JSON.parse(q.text).status, false);
    }
    assert.equal((await getJson(`${sim.url}/_sim/health`)).ok, true);
  });

  test('state shows members, ledgers, idempotency records, counters; reset restores the seed', async () => {
    sim.reset();
    const { token } = await kingdeeToken(sim);
    await kingdeeCall(sim, { method: 'POST', path: '/jdy/v2/ls/integral_adjust', token, body: { mobile: '13800138000', integral: 1, operation: 5 } });
    await freemudCall(sim, '/member/score/opt/1', { memberId: '115589208394311926', score: 1, operationType: 4, idempotencyBussinessId: 'st-1' });
    await qimaiV3(sim, '/v3/crm/points/addCustomerPoints', { balance: 1, bizId: 'st-q', customerId: '383933091455959041' });
    let st = await getJson(`${sim.url}/_sim/state`);
    assert.equal(st.kingdee.members.find((m) => m.mobile === '13800138000').balance, 501);
    assert.equal(st.kingdee.ledger[0].occur, '1');
    assert.ok(st.kingdee.counters.total >= 3);
    assert.equal(st.kingdee.counters.byRoute['POST /jdy/v2/ls/integral_adjust'], 1);
    assert.equal(st.kingdee.counters.tokenEndpointHits, 1);
    assert.equal(st.freemud.idempotency[0].idempotencyBussinessId, 'st-1');
    assert.equal(st.freemud.ledger[0].changeScore, 1);
    assert.equal(st.qimai.idempotency[0].bizId, 'st-q');
    assert.equal(st.qimai.ledger[0].bizId, 'st-q');
    assert.equal(st.qimai.counters.total, 1);
    const r = await postJson(`${sim.url}/_sim/reset`, {});
    assert.equal(r.json.reset, true);
    st = await getJson(`${sim.url}/_sim/state`);
    assert.equal(st.kingdee.members.find((m) => m.mobile === '13800138000').balance, 500);
    assert.equal(st.kingdee.counters.total, 0);
    assert.equal(st.kingdee.tokens.length, 0);
    assert.equal(st.freemud.idempotency.length, 0);
    assert.equal(st.qimai.customers.find((c) => c.customerId === '383933091455959041').points, 1000);
    assert.equal(st.qimai.ledger.length, 3);
  });

  test('POST /_sim/clock skews the sim clock (a client with a correct clock then fails 4006)', async () => {
    const { token } = await kingdeeToken(sim);
    let r = await postJson(`${sim.url}/_sim/clock`, { offsetMs: 10 * 60000 });
    assert.equal(r.json.offsetMs, 600000);
    r = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token });
    assert.equal(r.json.errcode, 4006);
    // The reply's Date follows the sim clock, so a client can learn the skew from it.
    const dated = await fetch(`${sim.url}/freemud/member/nope`, { method: 'POST' });
    const skew = Date.parse(dated.headers.get('date')) - Date.now();
    assert.ok(Math.abs(skew - 600000) < 2000, `Date skew ${skew}`);
    r = await qimaiV3(sim, '/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' });
    assert.equal(r.json.code, 40003);
    await postJson(`${sim.url}/_sim/clock`, { offsetMs: 0 });
    r = await kingdeeCall(sim, { path: '/jdy/v2/ls/integral_record', token });
    assert.equal(r.json.errcode, 0);
  });

  test('an injected clock (`now`) drives every time check', async () => {
    let t = Date.UTC(2024, 0, 1);
    const s2 = await startSim({ now: () => t });
    try {
      const r = await qimaiV3(s2, '/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' }, { timestamp: String(t / 1000) });
      assert.equal(r.json.code, 0);
      t += 3600e3;
      assert.equal(s2.state().now, t);
    } finally { await s2.close(); }
  });
});

test('main.mjs: SIM_PORT, a log line per request, clean exit on SIGTERM', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [new URL('../main.mjs', import.meta.url).pathname], { env: { ...process.env, SIM_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  for (let i = 0; i < 100 && !out.includes('listening'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(out, new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
  const h = await getJson(`http://127.0.0.1:${port}/_sim/health`);
  assert.equal(h.ok, true);
  await fetch(`http://127.0.0.1:${port}/kingdee/jdy/v2/ls/integral_record`);
  await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /GET \/kingdee\/jdy\/v2\/ls\/integral_record -> kingdee 519 errcode=4002/);
  const code = await new Promise((resolve) => { child.on('exit', (c) => resolve(c)); child.kill('SIGTERM'); });
  assert.equal(code, 0);
});

test('the request log masks credential query parameters (Kingdee app_signature) and keeps the rest', async () => {
  const lines = [];
  const sim = await startSim({ log: (l) => lines.push(l) });
  try {
    const { token } = await kingdeeToken(sim);
    assert.ok(token);
    const sig = kingdeeAppSignature(accounts.kingdee.appKey, accounts.kingdee.appSecret);
    const tokenLine = lines.find((l) => l.includes('kingdee_auth_token'));
    assert.ok(tokenLine, lines.join('\n'));
    assert.match(tokenLine, /app_signature=\*\*\* /);
    assert.match(tokenLine, new RegExp(`app_key=${accounts.kingdee.appKey}`));
    for (const secret of [sig, encodeURIComponent(sig), accounts.kingdee.appSecret]) {
      assert.ok(!lines.some((l) => l.includes(secret)), 'a log line holds a credential');
    }
  } finally {
    await sim.close();
  }
});

test('maskQuery: credential names by pattern, undecodable names as sent, other pairs untouched', () => {
  assert.equal(maskQuery('app_key=K&app_signature=abc%3D'), 'app_key=K&app_signature=***');
  assert.equal(maskQuery('access_token=t&page=1&sign=s&client_secret=x'), 'access_token=***&page=1&sign=***&client_secret=***');
  assert.equal(maskQuery('%zz=%&&=x&flag'), '%zz=%&&=x&flag');
  assert.equal(maskQuery('designation=a'), 'designation=a');
});
