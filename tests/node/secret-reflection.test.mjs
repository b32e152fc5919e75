// A vendor error that reflects the request must not carry a credential into a JifenError.
// The simulator answers every call for real, except the one a test picks: that reply is an
// error whose message echoes what jifen sent (headers, URL, body), as a careless vendor or a
// proxy in front of it might. The standing credentials jifen sends are Freemud's
// `access_token` header, Kingdee's `app-token` header (issued by the vendor) and Kingdee's
// `app_signature` query value (HMAC of appSecret, constant: whoever holds it can ask for a
// token). None of them may appear in the error's message, vendorCode, requestId, JSON or stack,
// in any of the forms the echo may take (as sent, percent-decoded, JSON-escaped).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim;
before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());
beforeEach(() => sim.reset());

const config = (vendor) => ({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}` });

/** A fetch that passes through to the sim, but answers calls whose URL matches `hit` with `reply(echo)`. */
function reflecting(hit, reply) {
  const sent = [];
  const fetchFn = async (url, init) => {
    sent.push({ url, headers: { ...init.headers }, body: init.body ?? null });
    if (!hit.test(url)) return fetch(url, init);
    const headers = Object.entries(init.headers).map(([k, v]) => `${k}: ${v}`).join('; ');
    let decoded = url;
    try { decoded = decodeURIComponent(url); } catch { /* keep */ }
    // Credential headers first: the message is cut to 200 characters.
    const creds = Object.entries(init.headers).filter(([k]) => /token|authorization/i.test(k)).map(([, v]) => v);
    const pieces = [...creds, url.split('?')[1] ?? '', decoded.split('?')[1] ?? '', headers, init.body ?? ''];
    return new Response(reply(pieces), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': pieces.join(' ').slice(0, 120) } });
  };
  return { fetchFn, sent };
}

/** Every credential value in the requests sent, as sent and decoded. */
function credentials(sent) {
  const out = new Set();
  for (const r of sent) {
    for (const [k, v] of Object.entries(r.headers)) if (/^(app-token|access_token|authorization)$/i.test(k)) out.add(v);
    const m = /[?&]app_signature=([^&]+)/.exec(r.url);
    if (m) { out.add(m[1]); out.add(decodeURIComponent(m[1])); }
  }
  return [...out].filter((s) => s.length >= 8);
}

function assertClean(e, sent, what) {
  assert.equal(e?.name, 'JifenError', `${what}: ${e?.stack ?? e}`);
  const creds = credentials(sent);
  assert.ok(creds.length > 0, `${what}: no credential was sent, the test proves nothing`);
  const shown = [e.message, e.vendorCode, e.requestId, JSON.stringify(e), String(e.stack)].join('\n');
  for (const c of creds) {
    // The trailing '=' padding may be cut off by the echo or by the 200-character limit.
    // Any 16 characters of it, so a credential cut short by the limit counts too.
    const core = c.replace(/(=|%3D)+$/i, '');
    for (let i = 0; i + 16 <= core.length; i++) {
      const part = core.slice(i, i + 16);
      assert.ok(!shown.includes(part), `${what}: part of a credential (${part}) is in the error: ${shown.slice(0, 400)}`);
    }
  }
  console.log(`${what}: ${e.code} ${e.message}`);
}

async function failure(p) {
  try { await p; } catch (e) { return e; }
  assert.fail('the call succeeded');
}

test('Freemud: an error echoing the access_token header', async () => {
  for (const echo of [(p) => p.join(' '), (p) => p.map((x) => JSON.stringify(x)).join(',')]) {
    const { fetchFn, sent } = reflecting(/\/member\//, (p) => JSON.stringify({ ver: '1', statusCode: '201', message: `access_token 无效: ${echo(p)}` }));
    const c = new Client(config('freemud'), { fetch: fetchFn, retries: 0 });
    assertClean(await failure(c.getBalance({ member: { id: '115589208394311926' } })), sent, 'freemud getBalance');
  }
});

test('Kingdee: an error echoing the app-token header of a business call', async () => {
  const { fetchFn, sent } = reflecting(/\/jdy\/v2\/ls\//, (p) => JSON.stringify({ errcode: 1001, description: `app-token 无效: ${p.join(' ')}`, data: null }));
  const c = new Client(config('kingdee'), { fetch: fetchFn, retries: 0 });
  const e = await failure(c.getBalance({ member: { id: '1480000000000000001', cardId: '1490000000000000001' } }));
  assert.ok(sent.some((r) => r.headers['app-token']), 'no business call was sent');
  assertClean(e, sent, 'kingdee getBalance');
});

test('Kingdee: an error of the token call echoing its query (app_signature)', async () => {
  for (const shape of [(m) => ({ code: 1002, msg: m, data: null }), (m) => ({ errcode: 1002, description: m })]) {
    const { fetchFn, sent } = reflecting(/kingdee_auth_token/, (p) => JSON.stringify(shape(`签名错误 ${p.slice(0, 2).join(' ')}`)));
    const c = new Client(config('kingdee'), { fetch: fetchFn, retries: 0 });
    const e = await failure(c.getBalance({ member: { id: '1480000000000000001', cardId: '1490000000000000001' } }));
    assert.ok(sent.some((r) => r.url.includes('app_signature=')), 'no token call was sent');
    assertClean(e, sent, 'kingdee token call');
  }
});
