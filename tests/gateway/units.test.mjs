// The gateway's pure parts in Node: member references, redaction, settings,
// the binding table, and the generated workerd config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMemberRef, memberFromJson, ledgerArgs, adjustArgs, adjustRules, previewArgs } from '../../www-demo/worker/src/input.js';
import { capabilities } from '../../pkg/node.js';
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
  const rules = adjustRules(capabilities('freemud'));
  assert.deepEqual(ledgerArgs({ member: 'id:1', pageSize: '20', from: '2026-01-01', cursor: 'abc=' }),
    { member: { id: '1' }, from: '2026-01-01', pageSize: 20, cursor: 'abc=' });
  assert.deepEqual(adjustArgs({ member: { id: '1' }, delta: -3, reason: 'redemption' }, 'key-1', rules),
    { member: { id: '1' }, delta: -3, reason: 'redemption', idempotencyKey: 'key-1' });
  assert.throws(() => adjustArgs({ member: 'id:1', delta: 3, reason: 'promotion' }, null, rules), /Idempotency-Key/);
  assert.deepEqual(previewArgs({ method: 'getBalance', args: { member: 'id:1' } }, rules), { unified: true, method: 'getBalance', args: { member: { id: '1' } } });
  assert.deepEqual(previewArgs({ method: 'user.points-add', args: { a: 1 } }, rules), { unified: false, operation: 'user.points-add', params: { a: 1 } });
  assert.equal(previewArgs({ method: 'adjustPoints', args: { member: 'id:1', delta: 1, reason: 'promotion', idempotencyKey: 'k' } }, rules).args.idempotencyKey, 'k');
});

test('adjust rules come from capabilities(): its reasons and its accepted fields, nothing of the gateway\'s own', () => {
  const code = (f) => { try { f(); return null; } catch (e) { return e.code; } };
  const body = { member: 'id:1', delta: 2 };
  for (const flavor of ['kingdee', 'freemud', 'qimai', 'qimai-v2']) {
    const caps = capabilities(flavor);
    const rules = adjustRules(caps);
    for (const [reason, sent] of Object.entries(caps.reasons)) {
      const delta = caps.reasonSigns[reason] === 'earn' ? 2 : -2;
      // A reason the vendor records passes; one of the contract it has no type for is jifen's 422.
      assert.equal(code(() => adjustArgs({ ...body, delta, reason }, 'k', rules)), sent ? null : 'unsupported', `${flavor} ${reason}`);
    }
    assert.equal(code(() => adjustArgs({ ...body, reason: 'gift' }, 'k', rules)), 'invalid_input', flavor);
    const accepts = caps.operations.adjustPoints.accepts;
    const orderId = code(() => adjustArgs({ ...body, reason: 'promotion', orderId: 'O-1' }, 'k', rules));
    assert.equal(orderId, accepts.includes('orderId') ? null : 'unsupported', flavor);
    // The remark is always taken: the audit trail keeps it where the vendor cannot.
    assert.equal(code(() => adjustArgs({ ...body, reason: 'promotion', remark: 'r' }, 'k', rules)), null, flavor);
    assert.equal(code(() => adjustArgs({ ...body, reason: 'promotion', orderid: 'O-1' }, 'k', rules)), 'invalid_input', flavor);
    // Malformed is invalid before it is unsupported; null is absent.
    assert.equal(code(() => adjustArgs({ ...body, reason: 'promotion', orderId: 'a b' }, 'k', rules)), 'invalid_input', flavor);
    assert.equal(code(() => adjustArgs({ ...body, reason: 'promotion', orderId: null }, 'k', rules)), null, flavor);
  }
  // A reason or a field a later jifen adds reaches the vendor without a gateway change.
  const later = capabilities('freemud');
  later.reasons.gift_card = { code: '99', name: '礼品卡' };
  later.reasonSigns.gift_card = 'earn';
  later.operations.adjustPoints.accepts = [...later.operations.adjustPoints.accepts, 'storeCode'];
  const rules = adjustRules(later);
  assert.deepEqual(adjustArgs({ ...body, reason: 'gift_card', storeCode: 'S-1' }, 'k', rules),
    { member: { id: '1' }, delta: 2, reason: 'gift_card', storeCode: 'S-1', idempotencyKey: 'k' });
  // And one it drops is refused.
  const fewer = capabilities('freemud');
  delete fewer.reasons.promotion;
  assert.equal(code(() => adjustArgs({ ...body, reason: 'promotion' }, 'k', adjustRules(fewer))), 'invalid_input');
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
  assert.equal(gatewaySettings({}).upstream, 'http://127.0.0.1:8700/kingdee');
  assert.ok(gatewaySettings({ VENDOR: 'other' }).error);
  assert.ok(gatewaySettings({ VENDOR: 'qimai', MAX_BODY_BYTES: '1e9' }).error);
  assert.match(gatewaySettings({ JIFEN_COORDINATOR_SERVICE: {} }).error, /needs JIFEN_COORDINATOR_TOKEN/);
  assert.match(gatewaySettings({ JIFEN_COORDINATOR_SERVICE: {}, JIFEN_COORDINATOR_TOKEN: 'short' }).error, /16\+ characters/);
  assert.equal(gatewaySettings({ JIFEN_COORDINATOR_SERVICE: {}, JIFEN_COORDINATOR_TOKEN: 'x'.repeat(16) }).error, undefined);
  assert.ok(secretValues({ JIFEN_COORDINATOR_TOKEN: 'coordinator-token-0123' }).includes('coordinator-token-0123'));
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
  const graph = moduleGraph();
  const names = graph.filter((m) => !m.npm).map((m) => m.path.slice(ROOT.length + 1));
  assert.ok(names.includes('www-demo/worker/src/index.js'));
  // The router and the schemas, npm packages, are modules named as imported, bundled inline.
  assert.deepEqual(graph.filter((m) => m.npm).map((m) => m.name), ['www-demo/worker/src/hono', 'www-demo/worker/src/valibot']);
  assert.ok(names.includes('pkg/workerd.js'), names.join(' ')); // the package's own workerd entry
  assert.ok(names.some((n) => n.startsWith('pkg/') && n.endsWith('.wasm')));
  const text = renderConfig({ configDir: '/tmp/x', address: '127.0.0.1:1', names: ['VENDOR', 'ADMIN_TOKEN'] });
  assert.match(text, /name = "internet", network = \(allow = \["public", "private", "local"\]/);
  assert.match(text, /\(name = "ADMIN_TOKEN", fromEnvironment = "ADMIN_TOKEN"\)/);
  assert.match(text, /wasm = embed "[^"]*pkg\/[^"]+\.wasm"/);
  assert.match(text, /\(name = "www-demo\/worker\/src\/hono", esModule = "/);
  assert.match(text, /\(name = "www-demo\/worker\/src\/valibot", esModule = "/);
});

test('two Kingdee account sets of one app (clientId) never share a token cache', async () => {
  const { sharedStores } = await import('../../www-demo/worker/src/stores.js');
  const names = [];
  const ns = {
    idFromName: (name) => { names.push(name); return name; },
    get: () => ({ fetch: async () => new Response(JSON.stringify({ result: null })) }),
  };
  // An ISV app authorised by two merchants: same clientId, two account sets. The app-token
  // (and its router address) belongs to the account set: a shared one would send one
  // merchant's points changes to the other's books.
  const app = { vendor: 'kingdee', clientId: '300721', clientSecret: 'test-client-secret' };
  for (const config of [{ ...app, outerInstanceId: 'test-instance-a' }, { ...app, outerInstanceId: 'test-instance-b' },
    { ...app, appKey: 'test-app-key-c', appSecret: 'test-app-secret', domain: 'https://tf.jdy.com' }]) {
    const { options } = sharedStores({ JIFEN_COORDINATOR: ns }, config);
    await options.tokenCache.get();
  }
  assert.equal(new Set(names).size, 3, JSON.stringify(names));
});
