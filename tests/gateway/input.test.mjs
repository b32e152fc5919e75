// Gateway input (issue 16, item 7), through workerd against the sim and as pure functions:
// a body shorter than its Content-Length (the client went away) is 400, not 500 internal;
// `unsupported` is 422; a JSON body that names a key twice, at any depth, is refused with 400
// naming the key (JSON.parse alone keeps the last: {"delta":10,"delta":20} applied 20).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { findDuplicateKey, duplicateKeyMessage } from '../../www-demo/worker/src/json.js';
import { STATUS_BY_CODE } from '../../www-demo/worker/src/http.js';
import { ADMIN_TOKEN, MEMBERS, setup } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('findDuplicateKey: the first key named twice in one object, at any depth, keys compared decoded', () => {
  const cases = [
    ['{"delta":10,"delta":20}', { key: 'delta', path: '' }],
    ['{"member":{"id":"1","id":"2"},"delta":1}', { key: 'id', path: 'member' }],
    ['{"args":[{"x":1},{"x":2,"y":{"z":1,"z":1}}]}', { key: 'z', path: 'args[].y' }],
    ['{"a":1,"\\u0061":2}', { key: 'a', path: '' }],
    ['{"k\\\\":1,"k\\\\":2}', { key: 'k\\', path: '' }],
    ['{ "a" : 1 ,\n "b" : { } , "a" : [ ] }', { key: 'a', path: '' }],
    ['{"a":"x,\\"a\\":","b":1}', null], // a key-like text inside a string value
    ['{"a":{"a":{"a":1}},"b":[{"a":1},{"a":1}]}', null], // the same key in different objects
    ['[{"a":1},{"a":1}]', null],
    ['{}', null], ['"a"', null], ['[]', null], ['{"":1,"a":""}', null],
  ];
  for (const [text, want] of cases) {
    JSON.parse(text); // every case is valid JSON
    assert.deepEqual(findDuplicateKey(text), want, text);
  }
});

test('findDuplicateKey agrees with a reference on 2,000 random documents', () => {
  // Random nested objects written with a duplicate or not; the generator knows which.
  let seed = 16;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const KEYS = ['a', 'b', 'delta', 'é', 'q"x', 'back\\slash', '\u2028', 'a b'];
  const gen = (depth) => {
    const kind = depth > 3 ? rnd(3) : rnd(6);
    if (kind === 0) return { text: String(rnd(100) - 50), dup: false };
    if (kind === 1) return { text: JSON.stringify(KEYS[rnd(KEYS.length)] + ',"x":{'), dup: false };
    if (kind === 2) return { text: rnd(2) ? 'true' : 'null', dup: false };
    if (kind === 3) {
      const items = Array.from({ length: rnd(4) }, () => gen(depth + 1));
      return { text: `[${items.map((x) => x.text).join(', ')}]`, dup: items.some((x) => x.dup) };
    }
    const n = rnd(5);
    const names = Array.from({ length: n }, () => KEYS[rnd(KEYS.length)]);
    const values = names.map(() => gen(depth + 1));
    const own = new Set(names).size < names.length;
    // Escape some keys as \uXXXX: the same key to JSON.parse.
    const write = (k) => (rnd(4) === 0 ? `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k));
    return { text: `{${names.map((k, i) => `${write(k)}: ${values[i].text}`).join(' ,')}}`, dup: own || values.some((x) => x.dup) };
  };
  let withDup = 0;
  for (let i = 0; i < 2000; i++) {
    const { text, dup } = gen(0);
    JSON.parse(text);
    assert.equal(findDuplicateKey(text) !== null, dup, text);
    if (dup) withDup++;
  }
  assert.ok(withDup > 200 && withDup < 1800, `${withDup} with a duplicate`);
});

test('the message names the key and its object, shortened and without quotes', () => {
  assert.equal(duplicateKeyMessage({ key: 'delta', path: '' }), 'the body names the key "delta" twice: each key at most once');
  assert.equal(duplicateKeyMessage({ key: 'id', path: 'member' }), 'the body names the key "id" twice in member: each key at most once');
  assert.ok(!duplicateKeyMessage({ key: `"${'x'.repeat(100)}`, path: '' }).includes('x'.repeat(33)));
});

test('unsupported is a 4xx: 422, like a vendor refusal of a well-formed request', () => {
  assert.equal(STATUS_BY_CODE.unsupported, 422);
});

/**
 * Sends `POST path` on a raw socket with `Content-Length: declared` but only `sent` bytes of
 * body, then half-closes (`end`: the answer can still be read) or resets (`destroy`).
 */
async function shortPost(url, path, { declared, sent, how }) {
  const u = new URL(url);
  const s = net.connect(Number(u.port), u.hostname);
  let got = '';
  s.on('data', (d) => { got += d; });
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  s.write(`POST ${path} HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\n`
    + `Idempotency-Key: short-body-${how}\r\nContent-Length: ${declared}\r\n\r\n${sent}`);
  await sleep(200);
  if (how === 'end') s.end(); else s.destroy();
  await new Promise((r) => { s.once('close', r); setTimeout(r, 3000); });
  return got;
}

describe('through the gateway (qimai)', { timeout: 60_000 }, () => {
  let t;
  before(async () => { t = await setup('qimai'); });
  after(async () => { await t?.stop(); });

  test('a body shorter than its Content-Length, the client gone: 400 invalid_input, nothing sent', async () => {
    const hits = t.upstreamHits();
    const body = `{"member":"${MEMBERS.qimai.ref}","delta":5`;
    const answer = await shortPost(t.gw.url, '/api/adjust', { declared: 200, sent: body, how: 'end' });
    assert.match(answer, /^HTTP\/1\.1 400 /, answer);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(json.error.code, 'invalid_input');
    assert.match(json.error.message, /ended before its Content-Length \(200 bytes\)/);
    // Reset instead of half-closed: no one reads the answer, the log says what it was.
    await shortPost(t.gw.url, '/api/adjust', { declared: 200, sent: body, how: 'destroy' });
    await sleep(300);
    const lines = t.gw.output().split('\n').filter((l) => l.startsWith('POST /api/adjust'));
    assert.equal(lines.length, 2, t.gw.output());
    for (const l of lines) assert.match(l, /-> 400 invalid_input/);
    assert.ok(!t.gw.output().includes('internal'), t.gw.output());
    assert.equal(t.upstreamHits(), hits, 'nothing reached the vendor');
  });

  test('an unsupported field for this vendor (orderId on Qimai) is 422 unsupported', async () => {
    const r = await t.call('/api/adjust', { method: 'POST', body: { member: MEMBERS.qimai.ref, delta: 1, reason: 'promotion', orderId: 'O-1' }, idempotencyKey: 'unsupported-1' });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.code, 'unsupported');
  });

  test('{"delta":10,"delta":20} is refused with 400 naming the key; nothing is applied', async () => {
    const before = t.sim.state().qimai.ledger.length;
    const hits = t.upstreamHits();
    const raw = `{"member":"${MEMBERS.qimai.ref}","delta":10,"reason":"promotion","delta":20}`;
    const r = await t.call('/api/adjust', { method: 'POST', body: raw, headers: { 'content-type': 'application/json' }, idempotencyKey: 'dup-1' });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'invalid_input');
    assert.match(r.json.error.message, /"delta" twice/);
    // Nested: the member object, and the preview's args.
    const nested = await t.call('/api/adjust', { method: 'POST', body: `{"member":{"id":"${MEMBERS.qimai.id}","id":"1"},"delta":1,"reason":"promotion"}`, headers: { 'content-type': 'application/json' }, idempotencyKey: 'dup-2' });
    assert.equal(nested.status, 400, nested.text);
    assert.match(nested.json.error.message, /"id" twice in member/);
    const preview = await t.call('/api/preview', { method: 'POST', body: '{"method":"getBalance","args":{"member":"id:1","member":"id:2"}}', headers: { 'content-type': 'application/json' } });
    assert.equal(preview.status, 400, preview.text);
    assert.match(preview.json.error.message, /"member" twice in args/);
    assert.equal(t.sim.state().qimai.ledger.length, before);
    assert.equal(t.upstreamHits(), hits);
    // The same body without the duplicate goes through.
    const ok = await t.call('/api/adjust', { method: 'POST', body: { member: MEMBERS.qimai.ref, delta: 20, reason: 'promotion' }, idempotencyKey: 'dup-3' });
    assert.equal(ok.status, 200, ok.text);
    t.assertNoSecrets();
  });
});
