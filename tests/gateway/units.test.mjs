// The gateway's pure parts in Node: member references, redaction, settings,
// the binding table, and the generated workerd config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMemberRef, memberFromJson, ledgerArgs, adjustArgs, previewArgs } from '../../www-demo/worker/src/input.js';
import { redact, STATUS_BY_CODE, errorBody, GatewayError } from '../../www-demo/worker/src/http.js';
import { gatewaySettings, bindingsFor, vendorConfig, secretValues, VENDOR_BINDINGS } from '../../www-demo/worker/src/config.js';
import { moduleGraph, renderConfig, ROOT } from '../../www-demo/worker/capnp.mjs';
import { accounts } from './helpers.mjs';

test('member references', () => {
  assert.deepEqual(parseMemberRef('mobile:13800000001'), { mobile: '13800000001' });
  assert.deepEqual(parseMemberRef('id:M001,card:C001'), { id: 'M001', cardId: 'C001' });
  assert.deepEqual(parseMemberRef('M001'), { id: 'M001' });
  for (const bad of ['', 'phone:1', 'id:', 'id:1,id:2', 'id:a b', 'mobile:1,', ':1', 'x'.repeat(300), 'id:<x>', 'id:1;drop']) {
    assert.throws(() => parseMemberRef(bad), (e) => e.code === 'invalid_input', bad);
  }
  assert.deepEqual(memberFromJson({ mobile: '1', cardId: 'C' }), { mobile: '1', cardId: 'C' });
  for (const bad of [null, 1, [], {}, { card: 'C' }, { id: 1 }, { id: '' }]) {
    assert.throws(() => memberFromJson(bad), (e) => e.code === 'invalid_input');
  }
});

test('ledger, adjust and preview arguments', () => {
  assert.deepEqual(ledgerArgs({ member: 'id:1', pageSize: '20', from: '2026-01-01', cursor: 'abc=' }),
    { member: { id: '1' }, from: '2026-01-01', pageSize: 20, cursor: 'abc=' });
  assert.deepEqual(adjustArgs({ member: { id: '1' }, delta: -3, reason: 'redemption' }, 'key-1'),
    { member: { id: '1' }, delta: -3, reason: 'redemption', idempotencyKey: 'key-1' });
  assert.throws(() => adjustArgs({ member: 'id:1', delta: 3, reason: 'promotion' }, null), /Idempotency-Key/);
  assert.deepEqual(previewArgs({ method: 'getBalance', args: { member: 'id:1' } }), { unified: true, method: 'getBalance', args: { member: { id: '1' } } });
  assert.deepEqual(previewArgs({ method: 'user.points-add', args: { a: 1 } }), { unified: false, operation: 'user.points-add', params: { a: 1 } });
  assert.equal(previewArgs({ method: 'adjustPoints', args: { member: 'id:1', delta: 1, reason: 'promotion', idempotencyKey: 'k' } }).args.idempotencyKey, 'k');
});

test('redaction covers raw, JSON-escaped and PEM-line forms', () => {
  const pem = accounts.freemud.privateKey;
  const line = pem.split('\n')[1];
  const out = redact(JSON.stringify({ a: pem, b: `x${line}y`, c: 'token=abcd-secret-1' }), [pem, 'abcd-secret-1']);
  assert.ok(!out.includes(line));
  assert.ok(!out.includes('abcd-secret-1'));
  assert.match(out, /token=\*\*\*/);
});

test('every code has a status; unknown errors are internal with no detail', () => {
  for (const code of ['config', 'invalid_input', 'network', 'timeout', 'http', 'vendor', 'auth', 'signature', 'rate_limited',
    'unsupported', 'callback_invalid', 'parse', 'outcome_unknown', 'conflict']) {
    assert.ok(STATUS_BY_CODE[code] >= 400, code);
  }
  const e = errorBody(new Error('secret detail'));
  assert.equal(e.status, 500);
  assert.deepEqual(e.body, { error: { code: 'internal', message: 'internal error', retryable: false } });
  assert.equal(errorBody(new GatewayError('forbidden', 'no')).status, 403);
  assert.equal(errorBody(Object.assign(new Error('held'), { name: 'JifenError', code: 'conflict', retryable: true })).status, 409);
});

test('settings and the binding table round-trip a vendor config; secrets are listed', () => {
  assert.equal(gatewaySettings({}).upstream, 'http://127.0.0.1:8787/kingdee');
  assert.ok(gatewaySettings({ VENDOR: 'other' }).error);
  assert.ok(gatewaySettings({ VENDOR: 'qimai', MAX_BODY_BYTES: '1e9' }).error);
  for (const vendor of Object.keys(VENDOR_BINDINGS)) {
    const env = { VENDOR: vendor, ADMIN_TOKEN: 'admin-token-0123456789', ...bindingsFor(vendor, accounts[vendor]) };
    const config = vendorConfig(env, vendor, 'http://u');
    const { vendor: _v, ...given } = accounts[vendor];
    assert.deepEqual(config, { vendor, baseUrl: 'http://u', ...Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)])) });
    const secrets = secretValues(env);
    assert.ok(secrets.includes('admin-token-0123456789'));
    assert.ok(secrets.length >= 2, vendor);
  }
});

test('the workerd config lists the import graph and holds no binding value', () => {
  const names = moduleGraph().map((m) => m.path.slice(ROOT.length + 1));
  assert.ok(names.includes('www-demo/worker/src/index.js'));
  assert.ok(names.includes('pkg/workerd.js'), names.join(' ')); // the package's own workerd entry
  assert.ok(names.some((n) => n.startsWith('pkg/') && n.endsWith('.wasm')));
  const text = renderConfig({ configDir: '/tmp/x', address: '127.0.0.1:1', names: ['VENDOR', 'ADMIN_TOKEN'] });
  assert.match(text, /name = "internet", network = \(allow = \["public", "private", "local"\]/);
  assert.match(text, /\(name = "ADMIN_TOKEN", fromEnvironment = "ADMIN_TOKEN"\)/);
  assert.match(text, /wasm = embed "[^"]*pkg\/[^"]+\.wasm"/);
});

// Kingdee's clientId is the developer's application, which serves many customer account sets (账套,
// each its own appKey / outerInstanceId); the app-token, and the domain cached with it, belong to
// one account set. Two gateways of one developer app sharing a coordinator namespace must not share
// a token: the second would send its points changes into the first one's account set.
test('stores.js: the Kingdee token object is named per account set, not per developer app', async () => {
  const { sharedStores } = await import('../../www-demo/worker/src/stores.js');
  const names = [];
  const ns = {
    idFromName: (name) => { names.push(name); return { name }; },
    get: () => ({ fetch: async () => new Response(JSON.stringify({ result: null })) }),
  };
  const base = { vendor: 'kingdee', clientId: '200421', clientSecret: 'test-secret-not-real' };
  const sets = [
    { ...base, appKey: 'AppKeyOfShopA', appSecret: 'test-a', domain: 'https://a.test' },
    { ...base, appKey: 'AppKeyOfShopB', appSecret: 'test-b', domain: 'https://b.test' },
    { ...base, outerInstanceId: '210987654321' },
    { ...base, outerInstanceId: '210987654322' },
  ];
  const tokenObjects = [];
  for (const config of sets) {
    names.length = 0;
    await sharedStores({ JIFEN_COORDINATOR: ns }, config).options.tokenCache.get();
    assert.equal(names.length, 1);
    tokenObjects.push(names[0]);
  }
  assert.equal(new Set(tokenObjects).size, sets.length, `one token object per account set: ${tokenObjects.join(', ')}`);
  for (const n of tokenObjects) assert.ok(!n.includes('test-'), 'no secret in an object name');
});
