// The admin page's pure parts and its static server, without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startAdminServer, resolvePath } from '../../www-demo/serve.mjs';
import { describe as describeError, isDefinite } from '../../www-demo/js/errors.js';
import { maskRequest, toCurl } from '../../www-demo/js/inspector.js';
import { Gateway, memberRef } from '../../www-demo/js/gateway.js';
import { signed, time } from '../../www-demo/js/format.js';

test('serve.mjs: MIME types, the package under /pkg/, nothing outside or hidden', async () => {
  const s = await startAdminServer({ port: 0 });
  try {
    const get = (p, init) => fetch(s.url + p, init);
    const cases = [['/', 'text/html; charset=utf-8'], ['/app.js', 'text/javascript; charset=utf-8'], ['/style.css', 'text/css; charset=utf-8'],
      ['/js/chart.js', 'text/javascript; charset=utf-8'], ['/pkg/jifen_wasm_bg.wasm', 'application/wasm'], ['/pkg/jifen_wasm.js', 'text/javascript; charset=utf-8']];
    for (const [p, type] of cases) {
      const r = await get(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.headers.get('content-type'), type, p);
      assert.match(r.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
      await r.arrayBuffer();
    }
    const wasm = new Uint8Array(await (await get('/pkg/jifen_wasm_bg.wasm')).arrayBuffer());
    assert.deepEqual([...wasm.slice(0, 4)], [0, 0x61, 0x73, 0x6d], 'the wasm arrives as bytes');
    for (const p of ['/../Cargo.toml', '/%2e%2e/Cargo.toml', '/pkg/../sim/accounts.json', '/pkg/%2e%2e/sim/accounts.json',
      '/worker/src/index.js', '/serve.mjs', '/.gitignore', '/nope.html', '/%00', '/%E0%A4%A']) {
      const r = await get(p);
      assert.equal(r.status, 404, p);
      await r.text();
    }
    const post = await get('/', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal((await get('/', { method: 'HEAD' })).status, 200);
  } finally {
    await s.close();
  }
  assert.equal(resolvePath('/worker'), null);
  assert.match(resolvePath('/'), /www-demo\/index\.html$/);
});

test('every JifenError code reads as a sentence in Chinese and English; vendor codes get their own', () => {
  const codes = ['config', 'invalid_input', 'network', 'timeout', 'http', 'vendor', 'auth', 'signature', 'rate_limited', 'unsupported',
    'callback_invalid', 'parse', 'outcome_unknown', 'conflict', 'unauthorized', 'forbidden', 'gateway_unreachable', 'not_found', 'internal',
    'method_not_allowed', 'payload_too_large', 'unsupported_media_type'];
  const seen = new Set();
  for (const code of codes) {
    const d = describeError({ code, message: 'm' });
    assert.match(d.zh, /[\u4e00-\u9fff]/, code);
    assert.match(d.en, /^[A-Z]/, code);
    assert.ok(!/unexpected/i.test(d.en) || ['http', 'internal', 'gateway_http'].includes(code), `${code} has its own sentence: ${d.en}`);
    seen.add(d.zh);
  }
  assert.ok(seen.size >= codes.length - 1, 'sentences are distinct');
  const nf = describeError({ code: 'vendor', vendor: 'qimai', vendorCode: '50002', requestId: 'r-1', message: 'x' });
  assert.match(nf.zh, /积分不足/);
  assert.deepEqual(nf.details.slice(0, 3), [['供应商 Vendor', 'qimai'], ['供应商代码 Vendor code', '50002'], ['请求号 Request id', 'r-1']]);
  assert.match(describeError({ code: 'rate_limited', retryAfterMs: 2500 }).zh, /3 秒/);
  // A key stored before Kingdee keys were per account set: never retried with the same key.
  assert.match(describeError({ code: 'conflict', retryable: true }).en, /Retry shortly with the same key/);
  const old = describeError({ code: 'conflict', retryable: false });
  assert.match(old.zh, /旧版本.*查看流水/);
  assert.match(old.en, /Check the ledger first/);
  assert.match(describeError(new Error('boom')).en, /unexpected/);
  for (const c of ['network', 'timeout', 'outcome_unknown', 'parse', 'http', 'gateway_unreachable', 'conflict']) assert.equal(isDefinite({ code: c }), false, c);
  for (const c of ['vendor', 'invalid_input', 'auth', 'unsupported', 'unauthorized']) assert.equal(isDefinite({ code: c }), true, c);
});

test('inspector: secrets masked even if a preview left them in; curl is shell-safe', () => {
  const req = maskRequest({ method: 'POST', url: 'http://h/p?a=1', headers: { 'app-token': 'T', Authorization: 'Bearer x', 'X-Api-Nonce': '1' },
    body: JSON.stringify({ params: { openKey: 'k', a: "it's" }, token: 'tok' }), stringToSign: 's' });
  assert.deepEqual(req.headers, { 'app-token': '***', Authorization: '***', 'X-Api-Nonce': '1' });
  assert.deepEqual(JSON.parse(req.body), { params: { openKey: '***', a: "it's" }, token: '***' });
  const curl = toCurl(req);
  assert.equal(curl.split(' \\\n')[0], "curl -X POST 'http://h/p?a=1'");
  assert.ok(curl.includes(`--data-raw '{"params":{"openKey":"***","a":"it'\\''s"},"token":"***"}'`), curl);
  assert.equal(toCurl({ method: 'GET', url: 'http://h/', headers: {}, body: null }), "curl -X GET 'http://h/'");
});

test('member references and formatting', () => {
  assert.equal(memberRef({ id: 'M1', mobile: '138', cardId: 'C1' }), 'id:M1,mobile:138,card:C1');
  assert.equal(memberRef({ mobile: '138' }), 'mobile:138');
  assert.equal(signed(5), '+5');
  assert.equal(signed(-1200), '−1,200');
  assert.equal(time('2024-01-05T10:00:00+08:00'), '2024-01-05 10:00:00');
  assert.equal(time(undefined), '—');
});

// The page makes a new idempotency key only after an error that proves nothing was applied
// (errors.js isDefinite). Anything else keeps the key, so that the retry of the same submission
// is deduplicated instead of applied a second time.
test('a new key only after an error that proves nothing was applied: unknown codes and thrown non-gateway errors keep the key', () => {
  for (const e of [new TypeError('network error'), new Error('boom'), null, undefined, { code: 'internal' }, { code: 'some_new_code' }, {}]) {
    assert.equal(isDefinite(e), false, `${e?.code ?? e} must keep the key`);
  }
  // Errors jifen can raise after the vendor applied the change (README "Reliability"; Freemud's
  // reply signature under verify=enforce says "the points change may have been applied"), and a
  // final 429 after an earlier attempt that timed out, on a vendor that dedupes on the key.
  for (const c of ['signature', 'config', 'rate_limited']) {
    assert.equal(isDefinite({ code: c }), false, `${c} keeps the key where the vendor dedupes (a same-key retry is safe)`);
    assert.equal(isDefinite({ code: c }, { vendorDedupes: false }), true, `${c} is definite where the client never repeats a write blindly (Kingdee)`);
  }
  for (const c of ['vendor', 'invalid_input', 'auth', 'unsupported', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed',
    'payload_too_large', 'unsupported_media_type', 'not_configured']) {
    assert.equal(isDefinite({ code: c }), true, c);
    assert.equal(isDefinite({ code: c }, { vendorDedupes: false }), true, c);
  }
});

test('a reply whose body is lost after the status line is an uncertain outcome (GatewayError), not a thrown TypeError', async () => {
  // The gateway answered 200 (the change is applied) and the connection broke while the body streamed.
  const fetch = async () => ({ ok: true, status: 200, headers: new Headers(), text: () => Promise.reject(new TypeError('network error')) });
  const gw = new Gateway({ gateway: 'http://gw.test', token: 't', fetch });
  const e = await gw.adjust({ member: { mobile: '138' }, delta: 1, reason: 'manual_grant', idempotencyKey: 'k' }).then(() => null, (x) => x);
  assert.ok(e, 'the call fails');
  assert.equal(e.name, 'GatewayError', `a GatewayError, not ${e?.name}`);
  assert.equal(isDefinite(e), false, 'the key is kept');
  assert.equal(e.retryable, true);
});

test('serve.mjs: the page names content-hashed assets (cached for a year), all compressed, revalidated by ETag', async () => {
  const s = await startAdminServer({ port: 0 });
  try {
    const http = await import('node:http');
    const { brotliDecompressSync } = await import('node:zlib');
    // Raw requests: fetch would decompress and hide the encoding.
    const get = (path, headers = {}) => new Promise((res, rej) => {
      http.get(`${s.url}${path}`, { headers }, (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
      }).on('error', rej);
    });
    const page = await get('/', { 'accept-encoding': 'gzip, br' });
    assert.equal(page.headers['content-encoding'], 'br');
    assert.equal(page.headers['cache-control'], 'no-cache');
    const html = brotliDecompressSync(page.body).toString();
    const app = /src="(app\.[0-9a-f]{10}\.js)"/.exec(html)?.[1];
    assert.ok(app, 'index.html names the hashed app script');
    assert.match(html, /href="style\.[0-9a-f]{10}\.css"/);
    const js = await get(`/${app}`, { 'accept-encoding': 'gzip' });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-encoding'], 'gzip');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(js.body).toString();
    assert.match(text, /from '\.\/js\/gateway\.[0-9a-f]{10}\.js'/, 'its imports are hashed too');
    assert.ok(js.body.length < text.length / 2, `compressed: ${js.body.length} of ${text.length} bytes`);
    const again = await get(`/${app}`, { 'if-none-match': js.headers.etag });
    assert.equal(again.status, 304);
    const plain = await get('/', {});
    assert.equal(plain.headers['content-encoding'], undefined, 'no encoding the browser did not ask for');
  } finally {
    await s.close();
  }
});
