// The prepared `Signer` (pkg/): `signer.buildSync` and `signer.build` give what `buildRequest` gives,
// byte for byte, on random inputs for every vendor, on every parameter case of the golden files
// (tests/vectors/params/, valid and refused alike) and on the vectors; wrong calls are JifenErrors.
// Random inputs come from a seeded generator: a failure prints its seed (JIFEN_SEED=… reruns it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Signer, buildRequest, JifenError } from '../../pkg/node.js';
import cjs from '../../pkg/node.cjs';

const read = (p) => readFileSync(new URL(p, import.meta.url), 'utf8');
const json = (p) => JSON.parse(read(p));
const key = (name) => read(`../vectors/freemud/keys/${name}`);

const seed = Number(process.env.JIFEN_SEED ?? Date.now() % 2 ** 31);
// mulberry32: small, seedable, good enough to pick test inputs.
let state = seed >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const int = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[int(xs.length)];
const ALPHABET = ['a', 'Z', '0', '9', ' ', '-', '_', '.', '~', '&', '=', '+', '/', '?', '%', '#', '"', '\\', '\n',
  '积', '分', '测', 'é', 'ß', '😀', '\u0000', '\u2028', '\ud800'];
const text = () => Array.from({ length: int(12) }, () => pick(ALPHABET)).join('');
const value = (depth = 0) => {
  switch (int(depth > 2 ? 5 : 7)) {
    case 0: return text();
    case 1: return int(2 ** 31) - 2 ** 30;
    case 2: return pick([0, -0, 1.5, 1e-7, 2 ** 53 - 1, -(2 ** 53 - 1), true, false, null]);
    case 3: return String(int(1e9));
    case 4: return pick(['13800138000', '1480000000000000001', '2024-01-31', '']);
    case 5: return Array.from({ length: int(4) }, () => value(depth + 1));
    default: return Object.fromEntries(Array.from({ length: int(4) }, () => [text() || 'k', value(depth + 1)]));
  }
};
const options = (vendor) => {
  const o = {};
  if (rand() < 0.8) o.timestamp = pick([0, 1, 1700000000000, int(2 ** 42), String(int(2 ** 40))]);
  if (rand() < 0.8) o.nonce = vendor === 'qimai' ? pick([int(999999) + 1, String(int(999999) + 1)]) : pick([String(int(1e10)), text() || '7']);
  if (rand() < 0.3) o.transactionId = pick([text() || 't', int(1e6)]);
  if (rand() < 0.3) o.appToken = pick(['tok-not-real', text() || 'x']);
  if (rand() < 0.3) o.domain = pick(['https://tf.jdy.com', text() || 'd']);
  return o;
};

const configs = {
  kingdee: [
    { vendor: 'kingdee', clientId: '200421', clientSecret: 'signer-test-secret-not-real', appKey: 'AbCd1234',
      appSecret: 'signer-test-app-secret-not-real', domain: 'https://tf.jdy.com' },
    { vendor: 'kingdee', clientId: '200421', clientSecret: 'signer-test-secret-not-real', outerInstanceId: 'oi-9' },
  ],
  qimai: [
    { vendor: 'qimai', openId: '6dc0', grantCode: '782c', openKey: 'signer-test-open-key-not-real', version: 'v2', keyCase: 'as_sent' },
    { vendor: 'qimai', openId: '6dc0', grantCode: '782c', openKey: 'signer-test-open-key-not-real', version: 'v3' },
  ],
  freemud: [
    { vendor: 'freemud', partnerId: '9001', appId: 'app', privateKey: key('test-key-pkcs8.pem'), baseUrl: 'https://example.invalid',
      accessToken: 'signer-test-token-not-real' },
    { vendor: 'freemud', partnerId: '9001', appId: 'app', privateKey: key('test-key-pkcs1.b64'), baseUrl: 'https://example.invalid' },
    { vendor: 'freemud', partnerId: '9001', appId: 'app', baseUrl: 'http://127.0.0.1:1/freemud', devSkipSignature: true },
  ],
};

/** What a call gives: its value, or its error's class, code, vendor and message. */
const outcome = async (f) => {
  try {
    return { ok: await f() };
  } catch (e) {
    return { err: { jifen: e instanceof JifenError, code: e?.code, vendor: e?.vendor, message: e?.message } };
  }
};
const sync = (f) => {
  try {
    return { ok: f() };
  } catch (e) {
    return { err: { jifen: e instanceof JifenError, code: e?.code, vendor: e?.vendor, message: e?.message } };
  }
};

/** Checks one call through buildRequest, signer.build and (HMAC vendors) signer.buildSync. */
async function same(signer, config, op, params, opts, what) {
  const want = await outcome(() => buildRequest(config, op, params, opts));
  const built = await outcome(() => signer.build(op, params, opts));
  const where = `${what} (JIFEN_SEED=${seed}): ${JSON.stringify({ op, params, opts }).slice(0, 300)}`;
  // Without a pinned nonce / transaction id the two draw their own: compare all else.
  const free = opts.nonce === undefined || opts.timestamp === undefined || (config.vendor === 'freemud' && opts.transactionId === undefined);
  const strip = (o) => (free && o.ok ? { ok: { method: o.ok.method, body: config.vendor === 'kingdee' ? o.ok.body : typeof o.ok.body } } : o);
  assert.deepEqual(strip(built), strip(want), `signer.build ≠ buildRequest, ${where}`);
  if (want.err) assert.ok(want.err.jifen, `not a JifenError: ${where}`);
  if (config.vendor !== 'freemud') {
    assert.deepEqual(strip(sync(() => signer.buildSync(op, params, opts))), strip(want), `signer.buildSync ≠ buildRequest, ${where}`);
  }
  return want;
}

for (const vendor of ['kingdee', 'qimai', 'freemud']) {
  const cases = json(`../vectors/params/${vendor}.json`);
  test(`${vendor}: every parameter case of the golden file, each config, random options: Signer = buildRequest`, async () => {
    let ok = 0, refused = 0;
    for (const config of configs[vendor]) {
      const signer = new Signer(config);
      // Freemud signs with RSA (~1 ms): a random fifth of its cases per config, every case for the others.
      for (const c of cases) {
        if (vendor === 'freemud' && config.devSkipSignature !== true && rand() > 0.2) continue;
        const opts = options(vendor);
        opts.timestamp ??= 1700000000000;
        opts.nonce ??= vendor === 'qimai' ? 4242 : '1234567890';
        opts.transactionId ??= 'tx-1';
        const r = await same(signer, config, c.op, c.params, opts, `${vendor} case`);
        if (r.ok) ok++; else refused++;
      }
      signer.free();
    }
    assert.ok(ok > 50 && refused > 50, `both outcomes exercised (${ok} ok, ${refused} refused)`);
  });

  test(`${vendor}: random params (unicode, nested, numbers) and random options: Signer = buildRequest`, async () => {
    const ops = [...new Set(cases.map((c) => c.op))];
    let ok = 0;
    for (const config of configs[vendor]) {
      const signer = new Signer(config);
      for (let i = 0; i < (vendor === 'freemud' ? 60 : 400); i++) {
        const op = pick(ops);
        // A valid case's params with random fields changed or added, or random params outright.
        const base = cases.find((c) => c.op === op && c.expect.ok)?.params ?? {};
        const params = rand() < 0.2 ? value() : { ...base };
        if (params && typeof params === 'object' && !Array.isArray(params)) {
          for (let k = int(3); k > 0; k--) params[pick([...Object.keys(params), text() || 'extra'])] = value();
        }
        const r = await same(signer, config, op, params, options(vendor), `${vendor} random`);
        if (r.ok) ok++;
      }
      signer.free();
    }
    assert.ok(ok > 10, `some random calls were signed (${ok})`);
  });
}

test('the vectors through the Signer: Kingdee D2, V1–V6, Qimai P2, P3, Freemud E1', async () => {
  // D2, V4, V5 are calls jifen makes as they stand; V1–V3 and V6 are signing vectors whose params its
  // checks refuse (dates without a time, missing fields): the Signer refuses them as buildRequest does.
  for (const id of ['D2', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']) {
    const v = json(`../vectors/kingdee/${id}.json`);
    const config = { vendor: 'kingdee', clientId: '200421', clientSecret: v.client_secret };
    const signer = new Signer(config);
    const opts = { timestamp: Number(v.timestamp), nonce: v.nonce };
    const params = Object.fromEntries(v.query);
    const r = await same(signer, config, v.path, params, opts, `vector ${id}`);
    assert.equal(r.ok !== undefined, ['D2', 'V4', 'V5'].includes(id), `${id}: ${JSON.stringify(r.err)}`);
    if (!r.ok) continue;
    for (const req of [signer.buildSync(v.path, params, opts), await signer.build(v.path, params, opts)]) {
      assert.equal(req.method, v.method, id);
      assert.equal(req.stringToSign, v.string_to_sign, id);
      assert.equal(req.headers['X-Api-Signature'], v.x_api_signature, id);
      assert.equal(req.url, `https://api.kingdee.com${v.path}?${v.wire_query}`, id);
    }
  }
  for (const id of ['P2', 'P3']) {
    const v = json(`../vectors/qimai/${id}.json`);
    const version = v.kind === 'v2_request' ? 'v2' : 'v3';
    const baseUrl = version === 'v3' ? v.url.split('/v3/')[0] : undefined;
    const signer = new Signer({ vendor: 'qimai', openId: v.fields.openId ?? v.fields.OpenId, grantCode: v.fields.grantCode ?? v.fields.GrantCode,
      openKey: v.open_key, version, keyCase: v.key_case, ...(baseUrl ? { baseUrl } : {}) });
    const op = version === 'v3' ? v.path : v.action;
    const opts = { timestamp: Number(v.fields.timestamp ?? v.fields.Timestamp) * 1000, nonce: v.fields.nonce ?? v.fields.Nonce };
    for (const req of [signer.buildSync(op, v.params, opts), await signer.build(op, v.params, opts)]) {
      assert.equal(req.url, v.url, id);
      assert.equal(req.body, v.body, id);
    }
  }
  const v = json('../vectors/freemud/E1.json');
  const signer = new Signer({ vendor: 'freemud', partnerId: v.partnerId, appId: v.appId, privateKey: key(v.key.replace('keys/', '')),
    baseUrl: 'https://example.invalid' });
  for (let i = 0; i < 3; i++) {
    const req = await signer.build(v.path, v.params, { transactionId: 'fixed-id' });
    assert.equal(req.stringToSign, v.canonical);
    assert.equal(req.body, v.body);
    assert.equal(JSON.parse(req.body).sign, v.signature);
  }
});

test('wrong calls are JifenErrors, thrown by the constructor and buildSync, rejected by build', async () => {
  const isJifen = (code, re) => (e) => e instanceof JifenError && e.code === code && (!re || re.test(e.message));
  assert.throws(() => new Signer(), isJifen('config'));
  assert.throws(() => new Signer({ vendor: 'nope' }), isJifen('config', /unknown vendor/));
  assert.throws(() => new Signer({ vendor: 'kingdee' }), isJifen('config', /clientId/));
  assert.throws(() => new Signer({ vendor: 'freemud', partnerId: '1', appId: 'a', baseUrl: 'https://x.invalid', privateKey: 'not a key' }),
    isJifen('config', /privateKey/));
  assert.throws(() => new Signer({ vendor: 'kingdee', clientId: 1n }), isJifen('invalid_input', /BigInt/));
  const k = new Signer(configs.kingdee[0]);
  assert.throws(() => k.buildSync(), isJifen('invalid_input', /operation/));
  assert.throws(() => k.buildSync(42, {}), isJifen('invalid_input', /operation/));
  assert.throws(() => k.buildSync('/jdy/v2/ls/integral_adjust', { integral: 2 ** 60 }), isJifen('invalid_input', /MAX_SAFE_INTEGER/));
  assert.throws(() => k.buildSync('/jdy/v2/ls/integral_adjust', {}, 'x'), isJifen('invalid_input', /options/));
  assert.throws(() => k.buildSync('/jdy/v2/ls/integral_adjust', {}, { timestamp: -1 }), isJifen('invalid_input', /timestamp/));
  const cycle = {}; cycle.self = cycle;
  assert.throws(() => k.buildSync('/jdy/v2/ls/integral_adjust', cycle), isJifen('invalid_input'));
  await assert.rejects(k.build('', {}), isJifen('invalid_input', /operation/));
  await assert.rejects(k.build('/jdy/v2/ls/integral_adjust', cycle), isJifen('invalid_input'));
  // Freemud signs asynchronously: buildSync says so, build works.
  const f = new Signer(configs.freemud[0]);
  assert.throws(() => f.buildSync('/member/score/opt/1', {}), (e) => isJifen('unsupported', /signer\.build/)(e) && e.vendor === 'freemud');
  // After all that the instance still works: no trap killed it.
  assert.equal(k.buildSync('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 1, operation: 5 },
    { timestamp: 1, nonce: '1' }).method, 'POST');
  assert.equal((await f.build('/member/score/opt/1', json('../vectors/freemud/E1.json').params)).method, 'POST');
});

test('no secret in what a Signer shows: String(), JSON, inspect', async () => {
  const { inspect } = await import('node:util');
  for (const config of [...configs.kingdee, ...configs.qimai, configs.freemud[0]]) {
    const signer = new Signer(config);
    const shown = [String(signer), JSON.stringify(signer), inspect(signer, { depth: 5, showHidden: true })].join('\n');
    for (const secret of ['signer-test-secret-not-real', 'signer-test-app-secret-not-real', 'signer-test-open-key-not-real',
      'signer-test-token-not-real', 'PRIVATE KEY']) {
      assert.ok(!shown.includes(secret), `${config.vendor} shows a secret`);
    }
  }
});

test('CommonJS and ESM hand out the same Signer class', () => {
  assert.equal(cjs.Signer, Signer);
  assert.equal(cjs.buildRequest, buildRequest);
});
