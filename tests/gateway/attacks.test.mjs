// Requests an attacker would try, sent as raw HTTP (fetch would normalise the path and merge
// headers): the callback route's exemption from the admin token reached through path tricks,
// two Authorization headers, a method override, a foreign or "null" Origin. None may reach an
// admin route or the vendor; the admin token works with any case of "Bearer" and blanks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setup, ADMIN_TOKEN, ADMIN_ORIGIN } from './helpers.mjs';

let t;
before(async () => { t = await setup('freemud'); });
after(() => t?.stop());

/** Sends `head` (request line and headers, CRLF-separated, no final blank line) and `body`; resolves to { status, text }. */
function raw(head, body = '') {
  const { port } = new URL(t.gw.url);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), '127.0.0.1', () => {
      s.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { data += d; });
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)?.[1]);
      t.record(head.split('\r\n')[0], { status, headers: [] }, data);
      resolve({ status, text: data });
    });
    s.on('error', reject);
    setTimeout(() => { s.destroy(); reject(new Error(`no answer to ${head.split('\r\n')[0]}`)); }, 10_000).unref();
  });
}

const auth = `Authorization: Bearer ${ADMIN_TOKEN}`;

test('path tricks around the callback exemption reach no admin route and nothing upstream', async () => {
  const before = t.upstreamHits();
  for (const path of [
    '/api/callbacks/freemud/../../api/capabilities',
    '/api/callbacks/freemud/%2e%2e/%2e%2e/api/capabilities',
    '/api/callbacks/freemud/..%2f..%2fapi%2fcapabilities',
    '/api/callbacks/freemud%2f..%2f..%2fcapabilities',
    '/api/callbacks/freemud/',
    '//api/callbacks/freemud',
    '/api/callbacks/Freemud',
    '/api/callbacks/freemud;/../../capabilities',
    '/api/callbacks/freemud/..\\..\\capabilities',
    'http://127.0.0.1/api/callbacks/freemud/../../api/capabilities',
  ]) {
    for (const method of ['GET', 'POST']) {
      const r = await raw(`${method} ${path} HTTP/1.1\r\nContent-Type: application/json`, method === 'POST' ? '{}' : '');
      assert.notEqual(r.status, 200, `${method} ${path}: ${r.text}`);
      assert.ok(!r.text.includes('"operations"'), `${method} ${path} reached capabilities`);
    }
  }
  assert.equal(t.upstreamHits(), before, 'a trick reached the vendor');
});

test('a route name sent percent-encoded is no route: the path routed is the path the gate checked', async () => {
  // A router that decodes before matching (Hono's default) would take /api/%61djust for
  // /api/adjust, while the role's permission was looked up for the encoded path ('read').
  const before = t.upstreamHits();
  const change = JSON.stringify({ member: 'id:115589208394311926', delta: 1, reason: 'manual_grant' });
  for (const [line, body] of [
    ['POST /api/%61djust', change],
    ['POST /api/adjus%74', change],
    ['GET /api/%63apabilities', ''],
    ['GET /api/balanc%65?member=id:115589208394311926', ''],
    ['POST /api/callbacks/%66reemud', '{}'],
  ]) {
    const r = await raw(`${line} HTTP/1.1\r\n${auth}\r\nContent-Type: application/json\r\nIdempotency-Key: encoded-${line.length}`, body);
    assert.equal(r.status, 404, `${line}: ${r.text}`);
    assert.match(r.text, /"code":"not_found"/, line);
  }
  assert.equal(t.upstreamHits(), before, 'an encoded route reached the vendor');
});

test('two Authorization headers, a wrong or non-ASCII token are 401; "bearer" in any case with blanks is fine', async () => {
  for (const headers of [
    `Authorization: Bearer wrong-token-0123456789\r\n${auth}`,
    `${auth}\r\nAuthorization: Bearer wrong-token-0123456789`,
    `${auth}\r\n${auth}`,
    `Authorization: Bearer ${ADMIN_TOKEN}\u00e9`,
    `Authorization: Bearer ${ADMIN_TOKEN.toUpperCase()}`,
    `Authorization: Bearer\r\nX-Authorization: Bearer ${ADMIN_TOKEN}`,
    `Authorization: Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
    `Authorization: Bearer ${ADMIN_TOKEN},`,
  ]) {
    const r = await raw(`GET /api/capabilities HTTP/1.1\r\n${headers}`);
    assert.equal(r.status, 401, `${headers}: ${r.text}`);
  }
  for (const header of [`authorization: bearer ${ADMIN_TOKEN}`, `Authorization: BEARER \t${ADMIN_TOKEN} \t`]) {
    const r = await raw(`GET /api/capabilities HTTP/1.1\r\n${header}`);
    assert.equal(r.status, 200, `${header}: ${r.text}`);
  }
});

test('method override headers are ignored; HEAD, PUT and DELETE are refused', async () => {
  for (const [line, headers] of [
    ['GET /api/adjust', 'X-HTTP-Method-Override: POST'],
    ['GET /api/adjust', 'X-Method-Override: POST'],
    ['POST /api/capabilities', 'X-HTTP-Method-Override: GET\r\nContent-Type: application/json'],
    ['HEAD /api/capabilities', ''],
    ['PUT /api/adjust', 'Content-Type: application/json'],
    ['DELETE /api/adjust', ''],
  ]) {
    const r = await raw(`${line} HTTP/1.1\r\n${auth}${headers ? `\r\n${headers}` : ''}`);
    assert.equal(r.status, 405, `${line} ${headers}: ${r.text}`);
  }
});

test('a foreign, "null" or look-alike Origin is 403 on the admin and callback routes, with no CORS grant', async () => {
  for (const origin of ['null', `${ADMIN_ORIGIN}.evil.example`, `${ADMIN_ORIGIN}/`, ADMIN_ORIGIN.toUpperCase(), 'http://evil.example']) {
    for (const line of ['GET /api/capabilities', 'OPTIONS /api/adjust', 'POST /api/callbacks/freemud']) {
      const r = await raw(`${line} HTTP/1.1\r\n${auth}\r\nOrigin: ${origin}\r\nAccess-Control-Request-Method: POST\r\nContent-Type: application/json`, line.startsWith('POST') ? '{}' : '');
      assert.equal(r.status, 403, `${line} from ${origin}: ${r.text}`);
      assert.ok(!/access-control-allow-origin/i.test(r.text), `${line} from ${origin} granted CORS`);
    }
  }
});

test('hostile JSON in a preview (deep nesting, lone surrogates, huge numbers, duplicate keys) is a 4xx, never a 500', async () => {
  const before = t.upstreamHits();
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  // [args, status]: a key twice is refused (JSON.parse would keep the last); a string is Freemud's exact requestBody.
  for (const [args, status] of [
    [deep, 400],
    ['{"memberId":"\\ud800"}', 400],
    ['{"memberId":"\\udc00\\ud800"}', 400],
    ['{"memberId":1e400,"n":-1e-400,"big":123456789012345678901234567890}', 400],
    ['{"memberId":"1","memberId":"2"}', 400],
    ['"\\u0000"', 200],
    ['[]', 400],
  ]) {
    const body = `{"method":"/member/getMemberInfoByIdOrMobile","args":${args}}`;
    const r = await raw(`POST /api/preview HTTP/1.1\r\n${auth}\r\nContent-Type: application/json`, body);
    assert.equal(r.status, status, `${args.slice(0, 40)}: ${r.text.slice(0, 300)}`);
    assert.ok(!/"internal"/.test(r.text), `${args.slice(0, 40)}: ${r.text.slice(0, 300)}`);
  }
  assert.equal(t.upstreamHits(), before, 'a preview called the vendor');
});

test('no secret in any response or in the gateway log', () => {
  assert.ok(t.assertNoSecrets() >= 40);
});
