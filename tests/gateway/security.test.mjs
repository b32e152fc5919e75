// The gateway's refusals, each checked to send nothing upstream, and a vendor
// error passed through with its code; no secret in any response.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { setup, ADMIN_TOKEN, ADMIN_ORIGIN, MEMBERS } from './helpers.mjs';
import { startGateway } from '../../www-demo/worker/gateway.mjs';

const LIMIT = 4096;
let t;
before(async () => {
  // RETRIES=0: a faulted upstream answer comes straight back, so the test sees one attempt.
  t = await setup('kingdee', { gatewayOptions: { maxBodyBytes: LIMIT, bindings: { RETRIES: '0' } } });
});
after(() => t?.stop());
beforeEach(() => t.sim.reset());

const member = MEMBERS.kingdee;
const adjust = { member: member.ref, delta: 5, reason: 'promotion' };

/** Runs `fn` and asserts the simulator saw no request meanwhile. */
async function sendsNothing(fn) {
  const before = t.upstreamHits();
  const out = await fn();
  assert.equal(t.upstreamHits(), before, 'the gateway called the vendor');
  return out;
}

function assertError(r, status, code) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(typeof r.json.error.retryable, 'boolean');
}

test('a missing or wrong admin token is 401 and sends nothing upstream', async () => {
  await sendsNothing(async () => {
    const routes = [
      ['GET', `/api/balance?member=${member.ref}`],
      ['GET', '/api/capabilities'],
      ['GET', `/api/members/${member.ref}`],
      ['GET', `/api/ledger?member=${member.ref}`],
      ['POST', '/api/adjust', adjust],
      ['POST', '/api/preview', { method: 'getBalance', args: { member: member.ref } }],
      ['GET', '/api/no-such-route'],
    ];
    const wrong = [
      { token: null },
      { token: 'wrong-token-of-some-length' },
      { token: ADMIN_TOKEN.slice(0, -1) }, // a prefix
      { token: `${ADMIN_TOKEN}x` }, // longer
      { token: ADMIN_TOKEN.replace(/.$/, (c) => (c === '9' ? '8' : '9')) }, // same length, last byte differs
      { token: null, headers: { authorization: `Basic ${ADMIN_TOKEN}` } },
      { token: null, headers: { authorization: `Bearer ${ADMIN_TOKEN} extra` } },
      { token: null, headers: { authorization: ADMIN_TOKEN } },
    ];
    for (const [method, path, body] of routes) {
      for (const w of wrong) {
        const r = await t.call(path, { method, body, idempotencyKey: 'k-401', ...w });
        assertError(r, 401, 'unauthorized');
        assert.match(r.headers.get('www-authenticate'), /^Bearer/);
      }
    }
  });
});

test('only the admin origin may call cross-origin; its preflight is answered', async () => {
  await sendsNothing(async () => {
    for (const origin of ['http://evil.example', 'null', `${ADMIN_ORIGIN}.evil.example`, ADMIN_ORIGIN.replace('http:', 'https:')]) {
      const r = await t.call(`/api/balance?member=${member.ref}`, { origin });
      assertError(r, 403, 'forbidden');
      assert.equal(r.headers.get('access-control-allow-origin'), null);
      const pre = await t.call('/api/adjust', { method: 'OPTIONS', token: null, origin, headers: { 'access-control-request-method': 'POST' } });
      assertError(pre, 403, 'forbidden');
    }
    const pre = await t.call('/api/adjust', {
      method: 'OPTIONS', token: null, origin: ADMIN_ORIGIN,
      headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), ADMIN_ORIGIN);
    assert.match(pre.headers.get('access-control-allow-headers'), /Authorization/);
    assert.match(pre.headers.get('access-control-allow-headers'), /Idempotency-Key/);
    assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    // The admin origin still needs the token, and gets CORS headers on the refusal so the page can read it.
    const noToken = await t.call('/api/capabilities', { origin: ADMIN_ORIGIN, token: null });
    assertError(noToken, 401, 'unauthorized');
    assert.equal(noToken.headers.get('access-control-allow-origin'), ADMIN_ORIGIN);
    assert.equal(noToken.headers.get('vary'), 'Origin');
  });
});

test('malformed JSON, a wrong content type, unknown fields and a missing Idempotency-Key are refused before the vendor', async () => {
  await sendsNothing(async () => {
    const k = { idempotencyKey: 'k-bad-input' };
    assertError(await t.call('/api/adjust', { method: 'POST', body: '{"member": "id:1",', headers: { 'content-type': 'application/json' }, ...k }), 400, 'invalid_input');
    assertError(await t.call('/api/adjust', { method: 'POST', body: '[1,2]', headers: { 'content-type': 'application/json' }, ...k }), 400, 'invalid_input');
    assertError(await t.call('/api/adjust', { method: 'POST', body: '', headers: { 'content-type': 'application/json' }, ...k }), 400, 'invalid_input');
    assertError(await t.call('/api/preview', { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } }), 400, 'invalid_input');
    assertError(await t.call('/api/adjust', { method: 'POST', body: JSON.stringify(adjust), headers: { 'content-type': 'text/plain' }, ...k }), 415, 'unsupported_media_type');
    const missing = await t.call('/api/adjust', { method: 'POST', body: adjust });
    assertError(missing, 400, 'invalid_input');
    assert.match(missing.json.error.message, /Idempotency-Key/);
    assertError(await t.call('/api/adjust', { method: 'POST', body: adjust, idempotencyKey: 'x'.repeat(129) }), 400, 'invalid_input');
    assertError(await t.call('/api/adjust', { method: 'POST', body: adjust, headers: { 'idempotency-key': 'has space' } }), 400, 'invalid_input');
    for (const bad of [
      { ...adjust, delta: 0 }, { ...adjust, delta: 1.5 }, { ...adjust, delta: '5' }, { ...adjust, delta: 2 ** 53 },
      { ...adjust, reason: 'gift' }, { ...adjust, member: 'phone:123' }, { ...adjust, member: {} },
      { ...adjust, member: { mobile: 13800138000 } }, { ...adjust, member: 'id:1,id:2' }, { ...adjust, extra: 1 },
      { ...adjust, orderId: 'a b' }, { ...adjust, remark: 'x'.repeat(201) }, { member: member.ref, delta: 5 },
    ]) {
      assertError(await t.call('/api/adjust', { method: 'POST', body: bad, ...k }), 400, 'invalid_input');
    }
    for (const path of [
      '/api/balance', '/api/balance?member=', '/api/balance?member=kind:1', `/api/balance?member=${member.ref}&x=1`,
      `/api/balance?member=${member.ref}&member=id:2`, `/api/ledger?member=${member.ref}&pageSize=0`,
      `/api/ledger?member=${member.ref}&pageSize=101`, `/api/ledger?member=${member.ref}&from=yesterday`,
      `/api/ledger?member=${member.ref}&from=2026-02-01&to=2026-01-01`, '/api/members/mobile:%E0%A4%A',
      `/api/members/${encodeURIComponent('id:<script>')}`, `/api/capabilities?x=1`,
    ]) {
      assertError(await t.call(path), 400, 'invalid_input');
    }
    for (const body of [{ method: 'getBalance' }, { method: 'deleteEverything', args: {} }, { method: 'adjustPoints', args: adjust },
      { method: 'getBalance', args: { member: member.ref }, extra: 1 }, { method: '/jdy/../etc', args: {} }]) {
      assertError(await t.call('/api/preview', { method: 'POST', body }), 400, 'invalid_input');
    }
    assertError(await t.call('/api/nothing-here'), 404, 'not_found');
    assertError(await t.call('/api/adjust'), 405, 'method_not_allowed');
    assertError(await t.call('/api/balance', { method: 'POST', body: {} }), 405, 'method_not_allowed');
    assertError(await t.call('/api/callbacks/freemud', { method: 'POST', body: {} }), 404, 'not_found'); // a Kingdee gateway
  });
});

/** A raw request with node:http: a declared Content-Length, or a chunked body. */
function rawPost(path, chunks, headers) {
  return new Promise((resolve, reject) => {
    const url = new URL(t.gw.url + path);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        t.record(`POST ${path} (raw)`, { status: res.statusCode, headers: Object.entries(res.headers) }, text);
        resolve({ status: res.statusCode, headers: new Headers(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), text, json: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    (async () => {
      for (const c of chunks) {
        if (req.destroyed) return;
        req.write(c);
        await new Promise((r) => setTimeout(r, 5));
      }
      req.end();
    })().catch(() => {});
  });
}

test('an oversized body is 413, by Content-Length and by counting a chunked body', async () => {
  await sendsNothing(async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': 'k-413' };
    const big = JSON.stringify({ ...adjust, remark: 'x'.repeat(LIMIT) });
    // Declared: refused before the body is read.
    const declared = await rawPost('/api/adjust', [big], { ...auth, 'content-length': String(Buffer.byteLength(big)) });
    assertError(declared, 413, 'payload_too_large');
    assert.match(declared.json.error.message, /^Content-Length is over 4096 bytes/);
    // Chunked, no Content-Length: refused while counting.
    const pieces = big.match(/.{1,1000}/gs);
    const chunked = await rawPost('/api/adjust', pieces, { ...auth, 'transfer-encoding': 'chunked' });
    assertError(chunked, 413, 'payload_too_large');
    assert.match(chunked.json.error.message, /^the body is over 4096 bytes/); // counted, not declared
    const preview = await rawPost('/api/preview', pieces, { ...auth, 'transfer-encoding': 'chunked' });
    assertError(preview, 413, 'payload_too_large');
    // Just under the limit is read (and refused for its content instead).
    const under = JSON.stringify({ method: 'getBalance', args: { member: member.ref }, pad: 'x'.repeat(LIMIT - 200) });
    assert.ok(Buffer.byteLength(under) <= LIMIT);
    const ok = await rawPost('/api/preview', under.match(/.{1,1000}/gs), { ...auth, 'transfer-encoding': 'chunked' });
    assertError(ok, 400, 'invalid_input');
  });
});

test('a vendor error comes back with its code, vendor code and a fitting status', async () => {
  // Not enough points: the vendor refuses; the gateway says so with 422.
  const r = await t.call('/api/adjust', { method: 'POST', body: { ...adjust, delta: -1_000_000, reason: 'redemption' }, idempotencyKey: 'k-vendor-1' });
  assertError(r, 422, 'vendor');
  assert.equal(r.json.error.vendor, 'kingdee');
  assert.ok(r.json.error.vendorCode, r.text);
  // An upstream 503: `http`, 502, with the vendor's status.
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'kingdee', path: '/jdy/v2/ls/account_balance_info', kind: 'status', status: 503, times: 5 }) });
  const down = await t.call(`/api/balance?member=${member.ref}`);
  assertError(down, 502, 'http');
  assert.equal(down.json.error.httpStatus, 503);
  assert.equal(down.json.error.retryable, true);
  // Rate limited: 429 with Retry-After.
  await t.sim.reset();
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'kingdee', path: '/jdy/v2/ls/account_balance_info', kind: 'rate_limit', retryAfter: 3, times: 5 }) });
  const limited = await t.call(`/api/balance?member=${member.ref}`);
  assertError(limited, 429, 'rate_limited');
  assert.equal(limited.json.error.retryable, true);
  assert.equal(limited.headers.get('retry-after'), '3');
  // The reply to a write the vendor applied was lost: the client finds it in the ledger, so it is
  // applied exactly once. (The reset above dropped the sim's tokens: a read first, so that the
  // write carries a valid token — a lost reply to a refused write stays unknown, see below.)
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'DELETE' });
  assert.equal((await t.call(`/api/balance?member=${member.ref}`)).status, 200);
  const rowsBefore = t.sim.state().kingdee.ledger.length;
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_no_reply' }) });
  const settled = await t.call('/api/adjust', { method: 'POST', body: adjust, idempotencyKey: 'k-lost-1' });
  assert.equal(settled.status, 200, settled.text);
  assert.equal(settled.json.applied, true);
  assert.equal(t.sim.state().kingdee.ledger.length, rowsBefore + 1, 'applied exactly once');
  assert.equal(t.sim.state().kingdee.counters.byRoute['POST /jdy/v2/ls/integral_adjust'], 1, 'not resent');
  // …and when the ledger cannot be read either: outcome_unknown, 502, retryable with the same key
  // once Kingdee's acceptance window has passed (retryAfterMs, Retry-After), never resent before.
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify([
    { vendor: 'kingdee', path: '/jdy/v2/ls/integral_adjust', kind: 'apply_no_reply' },
    { vendor: 'kingdee', path: '/jdy/v2/ls/integral_record', kind: 'status', status: 503, times: 10 },
  ]) });
  const lost = await t.call('/api/adjust', { method: 'POST', body: adjust, idempotencyKey: 'k-lost-2' });
  assertError(lost, 502, 'outcome_unknown');
  assert.equal(lost.json.error.retryable, true);
  const wait = lost.json.error.retryAfterMs;
  assert.ok(wait > 0 && wait <= 7 * 60_000, lost.text);
  assert.equal(lost.headers.get('retry-after'), String(Math.ceil(wait / 1000)));
  assert.doesNotMatch(lost.json.error.message, /safe/);
  assert.equal(t.sim.state().kingdee.ledger.length, rowsBefore + 2, 'the lost write applied once');
  assert.equal(t.sim.state().kingdee.counters.byRoute['POST /jdy/v2/ls/integral_adjust'], 2, 'never resent');
  await fetch(`${t.sim.url}/_sim/faults`, { method: 'DELETE' });
});

test('a gateway without an admin token refuses every admin route with a config error', async () => {
  const gw = await startGateway({ vendor: 'qimai', credentials: {}, upstream: 'http://127.0.0.1:9/qimai' });
  try {
    const r = await fetch(`${gw.url}/api/capabilities`, { headers: { authorization: 'Bearer anything-at-all-0000' } });
    const text = await r.text();
    t.record('GET /api/capabilities (no ADMIN_TOKEN)', r, text);
    assert.equal(r.status, 500);
    assert.equal(JSON.parse(text).error.code, 'config');
    const wrongVendor = await startGateway({ vendor: 'qimai', bindings: { VENDOR: 'nope' }, adminToken: ADMIN_TOKEN });
    try {
      const w = await fetch(`${wrongVendor.url}/api/capabilities`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const wt = await w.text();
      t.record('GET /api/capabilities (bad VENDOR)', w, wt);
      assert.equal(w.status, 500);
      assert.equal(JSON.parse(wt).error.code, 'config');
    } finally {
      await wrongVendor.stop();
    }
  } finally {
    await gw.stop();
  }
});

test('no secret in any response or in the gateway log', () => {
  const n = t.assertNoSecrets();
  assert.ok(n > 50, `only ${n} responses were checked`);
});
