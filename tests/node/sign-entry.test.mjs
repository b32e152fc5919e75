// `jifen/sign` (pkg/sign/, its own wasm without the client) signs as `jifen` does: every parameter
// case of the golden files (valid and refused alike) through its `buildRequest`, `signer.build` and
// `signer.buildSync`, equal to `jifen`'s `buildRequest` (the request, or the error's code, vendor and
// message); the vectors through it; and it is the smaller of the two wasm files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import * as jifen from '../../pkg/node.js';
import * as sign from '../../pkg/sign/node.js';

const read = (p) => readFileSync(new URL(p, import.meta.url), 'utf8');
const json = (p) => JSON.parse(read(p));
const key = (name) => read(`../vectors/freemud/keys/${name}`);

const configs = {
  kingdee: { vendor: 'kingdee', clientId: '200421', clientSecret: 'sign-entry-test-secret-not-real', appKey: 'AbCd1234',
    appSecret: 'sign-entry-test-app-secret-not-real', domain: 'https://tf.jdy.com' },
  qimai: { vendor: 'qimai', openId: '6dc0', grantCode: '782c', openKey: 'sign-entry-test-open-key-not-real', version: 'v2' },
  freemud: { vendor: 'freemud', partnerId: '9001', appId: 'app', privateKey: key('test-key-pkcs8.pem'), baseUrl: 'https://example.invalid' },
};
const opts = { timestamp: 1700000000000, nonce: '1234567890', transactionId: 'tx-1' };

/** A call's outcome, comparable across the two entries (each has its own JifenError class). */
const outcome = async (f, JifenError) => {
  try {
    return { ok: await f() };
  } catch (e) {
    return { err: { jifen: e instanceof JifenError, code: e?.code, vendor: e?.vendor, message: e?.message } };
  }
};

for (const vendor of ['kingdee', 'qimai', 'freemud']) {
  test(`${vendor}: every parameter case of the golden file: jifen/sign's buildRequest and Signer = jifen's buildRequest`, async () => {
    const config = configs[vendor];
    const signer = new sign.Signer(config);
    let ok = 0, refused = 0;
    for (const c of json(`../vectors/params/${vendor}.json`)) {
      const o = { ...opts, nonce: vendor === 'qimai' ? 4242 : opts.nonce };
      const want = await outcome(() => jifen.buildRequest(config, c.op, c.params, o), jifen.JifenError);
      const what = `${vendor} ${c.op} ${JSON.stringify(c.params).slice(0, 200)}`;
      assert.deepEqual(await outcome(() => sign.buildRequest(config, c.op, c.params, o), sign.JifenError), want, `buildRequest: ${what}`);
      assert.deepEqual(await outcome(() => signer.build(c.op, c.params, o), sign.JifenError), want, `signer.build: ${what}`);
      if (vendor !== 'freemud') {
        assert.deepEqual(await outcome(() => signer.buildSync(c.op, c.params, o), sign.JifenError), want, `signer.buildSync: ${what}`);
      }
      if (want.ok) ok++; else refused++;
    }
    signer.free();
    assert.ok(ok > 50 && refused > 50, `both outcomes exercised (${ok} ok, ${refused} refused)`);
  });
}

test('the vectors through jifen/sign: Kingdee D2, V4, V5, Qimai P2, P3, Freemud E1', async () => {
  for (const id of ['D2', 'V4', 'V5']) {
    const v = json(`../vectors/kingdee/${id}.json`);
    const config = { vendor: 'kingdee', clientId: '200421', clientSecret: v.client_secret };
    const o = { timestamp: Number(v.timestamp), nonce: v.nonce };
    const signer = new sign.Signer(config);
    for (const req of [await sign.buildRequest(config, v.path, Object.fromEntries(v.query), o), signer.buildSync(v.path, Object.fromEntries(v.query), o)]) {
      assert.equal(req.stringToSign, v.string_to_sign, id);
      assert.equal(req.headers['X-Api-Signature'], v.x_api_signature, id);
      assert.equal(req.url, `https://api.kingdee.com${v.path}?${v.wire_query}`, id);
    }
    signer.free();
  }
  for (const id of ['P2', 'P3']) {
    const v = json(`../vectors/qimai/${id}.json`);
    const version = v.kind === 'v2_request' ? 'v2' : 'v3';
    const config = { vendor: 'qimai', openId: v.fields.openId ?? v.fields.OpenId, grantCode: v.fields.grantCode ?? v.fields.GrantCode,
      openKey: v.open_key, version, keyCase: v.key_case, ...(version === 'v3' ? { baseUrl: v.url.split('/v3/')[0] } : {}) };
    const op = version === 'v3' ? v.path : v.action;
    const o = { timestamp: Number(v.fields.timestamp ?? v.fields.Timestamp) * 1000, nonce: v.fields.nonce ?? v.fields.Nonce };
    const signer = new sign.Signer(config);
    for (const req of [await sign.buildRequest(config, op, v.params, o), signer.buildSync(op, v.params, o)]) {
      assert.equal(req.url, v.url, id);
      assert.equal(req.body, v.body, id);
    }
    signer.free();
  }
  const v = json('../vectors/freemud/E1.json');
  const config = { vendor: 'freemud', partnerId: v.partnerId, appId: v.appId, privateKey: key(v.key.replace('keys/', '')),
    baseUrl: 'https://example.invalid' };
  const signer = new sign.Signer(config);
  for (const req of [await sign.buildRequest(config, v.path, v.params, { transactionId: 'fixed-id' }),
    await signer.build(v.path, v.params, { transactionId: 'fixed-id' })]) {
    assert.equal(req.stringToSign, v.canonical);
    assert.equal(req.body, v.body);
  }
  signer.free();
});

test('jifen/sign\'s wasm is smaller than jifen\'s and exports nothing of the client', async () => {
  const file = (f) => new URL(`../../pkg/${f}`, import.meta.url);
  assert.ok(statSync(file('sign/jifen_wasm_bg.wasm')).size < statSync(file('jifen_wasm_bg.wasm')).size);
  const exported = (f) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(file(f)))).map((e) => e.name);
  const client = (names) => names.filter((n) => /^(client_|ledgeriter_|capabilities)/.test(n));
  assert.ok(client(exported('jifen_wasm_bg.wasm')).length > 5, 'the check finds the client in jifen\'s wasm');
  assert.deepEqual(client(exported('sign/jifen_wasm_bg.wasm')), []);
  for (const name of ['Client', 'capabilities', 'LedgerIter']) assert.equal(name in sign, false, name);
});
