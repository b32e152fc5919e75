// `jifen` (pkg/cli.js, the package's bin) against the simulator: `jifen sign` prints what
// buildRequest builds, with the credentials masked and nothing else changed; its `--curl` command,
// once the masked variable is set, is accepted by the simulator; `jifen call` and `jifen points`
// reach the vendor; bad input is one sentence on stderr and exit status 2; `jifen sim -- CMD`
// hands CMD the sandbox's configs and its exit status. No output of these commands (`jifen sim`'s
// own banner aside, whose credentials are the labelled sandbox ones) contains a test secret from
// tests/secrets.list, raw or URL-encoded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../pkg/sim/index.mjs';
import { buildRequest } from '../../pkg/node.js';

const CLI = fileURLToPath(new URL('../../pkg/cli.js', import.meta.url));
const SECRETS = readFileSync(new URL('../secrets.list', import.meta.url), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#'));
const secretForms = SECRETS.flatMap((s) => [s, encodeURIComponent(s), encodeURIComponent(encodeURIComponent(s))]);

let sim, dir, configFile;
const printed = []; // everything the CLI printed, for the secrets check at the end

before(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'jifen-cli-'));
  configFile = join(dir, 'sim.json');
  writeFileSync(configFile, JSON.stringify(sim.accounts));
});
after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI; resolves { status, stdout, stderr }. A clean environment: no JIFEN_* of the caller's. */
function jifen(args, { env = {}, input, record = true } = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JIFEN_')));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], {
      encoding: 'utf8', timeout: 60_000, env: { ...base, XDG_CACHE_HOME: join(dir, 'cache'), ...env },
    }, (err, stdout, stderr) => {
      if (record) printed.push(stdout, stderr);
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

const FIXED = { timestamp: Date.now(), nonce: '4242424242', transactionId: 'tx-cli-test-0001' };
const fixedArgs = ['--timestamp', String(FIXED.timestamp), '--nonce', FIXED.nonce, '--transaction-id', FIXED.transactionId];
const CASES = [
  ['kingdee', '/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 5, operation: 5 }, { appToken: 'cli-test-app-token-not-real-01' }],
  ['kingdee', '/jdyconnector/app_management/kingdee_auth_token', {}, {}],
  ['freemud', '/member/score/statisticalScore', { memberId: '115589208394311926' }, {}],
  ['qimai', '/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' }, {}],
  ['qimai', 'user.points-add', { customerId: '383933091455959041', balance: 1, bizId: 'cli-biz-1' }, {}],
];

for (const [vendor, op, params, extra] of CASES) {
  test(`jifen sign ${vendor} ${op} --json = buildRequest, credentials masked`, async () => {
    const config = sim.accounts[vendor];
    const options = { ...FIXED, ...extra, ...(vendor === 'kingdee' ? { domain: config.domain } : {}) };
    const want = await buildRequest(config, op, params, options);
    const args = ['sign', vendor, op, JSON.stringify(params), '--json', '--config', configFile, ...fixedArgs];
    const r = await jifen(args, { env: extra.appToken ? { JIFEN_KINGDEE_APP_TOKEN: extra.appToken } : {} });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout);
    assert.equal(got.method, want.method);
    assert.equal(got.body, want.body);
    assert.deepEqual(Object.keys(got.headers), Object.keys(want.headers));
    for (const [k, v] of Object.entries(want.headers)) {
      // The credential headers are masked; every other header (the signature included) is as built.
      assert.equal(got.headers[k], ['app-token', 'access_token'].includes(k) ? '***' : v, k);
    }
    const signature = new URL(want.url).searchParams.get('app_signature');
    if (signature === null) {
      assert.equal(got.url, want.url);
      assert.equal(got.stringToSign, want.stringToSign);
    } else {
      // Kingdee's token call: app_signature (a standing credential) is masked in the URL and the string to sign.
      assert.equal(got.url, want.url.replace(/app_signature=[^&]*/, 'app_signature=***'));
      assert.ok(!got.stringToSign.includes(encodeURIComponent(encodeURIComponent(signature))));
      assert.match(got.stringToSign, /app_signature=\*\*\*/);
      assert.equal(got.stringToSign.replace('***', ''), want.stringToSign.replace(/app_signature=[^\n&]*/, 'app_signature='));
    }
  });
}

test('jifen sign prints the request for people: method and URL, headers, body, the string signed', async () => {
  const r = await jifen(['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{"customerId":"1"}', '--config', configFile, ...fixedArgs]);
  assert.equal(r.status, 0, r.stderr);
  const want = await buildRequest(sim.accounts.qimai, '/v3/crm/points/getCustomerPoints', { customerId: '1' }, FIXED);
  assert.equal(r.stdout, `POST ${want.url}\nContent-Type: application/json\n\n${want.body}\n\nstring to sign: ${JSON.stringify(want.stringToSign)}\n`);
});

test('jifen sign --curl: the command runs against the simulator once the masked credential is exported', async () => {
  for (const [vendor, op, params, check] of [
    ['freemud', '/member/score/statisticalScore', { memberId: '115589208394311926' }, (body) => assert.equal(JSON.parse(body).statusCode, '100')],
    ['qimai', '/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' }, (body) => assert.equal(JSON.parse(body).code, 0)],
  ]) {
    const r = await jifen(['sign', vendor, op, JSON.stringify(params), '--curl', '--config', configFile]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^curl /m);
    if (vendor === 'freemud') assert.match(r.stdout, /"access_token: \$\{JIFEN_FREEMUD_ACCESS_TOKEN\}"/);
    const out = await new Promise((resolve, reject) => execFile('bash', ['-c', r.stdout], {
      encoding: 'utf8', env: { PATH: process.env.PATH, JIFEN_FREEMUD_ACCESS_TOKEN: sim.accounts.freemud.accessToken },
    }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    check(out);
  }
});

test('jifen call and jifen points reach the simulator; results with credentials are masked', async () => {
  const balance = await jifen(['points', 'balance', 'qimai', 'id:383933091455959041', '--config', configFile]);
  assert.equal(balance.status, 0, balance.stderr);
  const before = JSON.parse(balance.stdout).available;
  const key = `cli-${process.pid}-${Date.now()}`;
  const adjust = await jifen(['points', 'adjust', 'qimai', 'id:383933091455959041', '7', '--reason', 'promotion', '--key', key, '--config', configFile]);
  assert.equal(adjust.status, 0, adjust.stderr);
  assert.equal(JSON.parse(adjust.stdout).applied, true);
  const call = await jifen(['call', 'qimai', '/v3/crm/points/getCustomerPoints', '-', '--config', configFile], { input: '{"customerId":"383933091455959041"}' });
  assert.equal(call.status, 0, call.stderr);
  assert.equal(JSON.parse(call.stdout).totalPoints, before + 7);
  assert.match(call.stderr, /→ POST .*\/qimai\/v3\/crm\/points\/getCustomerPoints/, 'progress on stderr');
  const spend = await jifen(['points', 'adjust', 'qimai', 'id:383933091455959041', '-2', '--reason', 'redemption', '--key', `${key}-spend`, '--config', configFile]);
  assert.equal(spend.status, 0, `a negative delta is an argument, not an option: ${spend.stderr}`);
  assert.equal(JSON.parse(spend.stdout).balance, before + 5);
  const ledger = await jifen(['points', 'ledger', 'qimai', 'id:383933091455959041', '--limit', '2', '-q', '--config', configFile]);
  assert.equal(ledger.status, 0, ledger.stderr);
  assert.deepEqual(JSON.parse(ledger.stdout).map((e) => e.delta), [-2, 7]);
  assert.equal(ledger.stderr, '', '--quiet: no progress');
  // push_app_authorize answers with the appSecret: printed masked.
  const env = Object.fromEntries(Object.entries(sim.accounts.kingdee).filter(([k]) => k !== 'vendor')
    .map(([k, v]) => [`JIFEN_KINGDEE_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`, v]));
  const auth = await jifen(['call', 'kingdee', '/jdyconnector/app_management/push_app_authorize', '{}'], { env });
  assert.equal(auth.status, 0, auth.stderr);
  const secrets = [];
  const walk = (v) => { if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'appSecret' ? secrets.push(x) : walk(x)); };
  walk(JSON.parse(auth.stdout));
  assert.ok(secrets.length > 0 && secrets.every((x) => x === '***'), 'the appSecret in the reply is masked');
});

test('jifen call and sign: an operation outside jifen\'s table, and --allow-field for a field jifen does not know yet', async () => {
  const call = await jifen(['call', 'qimai', 'user.coupon-list', '{"user_id":"383933091455959041"}', '--config', configFile]);
  assert.equal(call.status, 0, call.stderr);
  const out = JSON.parse(call.stdout);
  assert.equal(out.id, '1790000000000000001', 'the 19-digit id is exact');
  assert.deepEqual(out.echo, { version: 'v2', op: 'user.coupon-list', params: { user_id: '383933091455959041' } });
  const typo = await jifen(['sign', 'qimai', 'user.points-add', '{"customerID":"1","bizId":"b","balance":1}', '--config', configFile]);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /did you mean `customerId`\?/);
  const add = '{"customerId":"383933091455959041","bizId":"cli-allow-1","balance":1,"storeId":"s-1"}';
  assert.equal((await jifen(['sign', 'qimai', 'user.points-add', add, '--config', configFile])).status, 2);
  const signed = await jifen(['sign', 'qimai', 'user.points-add', add, '--allow-field', 'storeId', '--json', '--config', configFile]);
  assert.equal(signed.status, 0, signed.stderr);
  assert.ok(JSON.parse(JSON.parse(signed.stdout).body).Params.storeId === 's-1', signed.stdout);
});

test('bad input: one sentence on stderr, exit status 2, nothing on stdout', async () => {
  const cfg = ['--config', configFile];
  const badJson = join(dir, 'bad.json');
  writeFileSync(badJson, '{"vendor": "qimai",');
  for (const [args, message] of [
    [['sign', 'alipay', '/x', '{}', ...cfg], /unknown vendor "alipay": use kingdee, freemud or qimai/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{customerId: 1}', ...cfg], /PARAMS is not valid JSON/],
    [['sign', 'qimai', ...cfg], /missing <operation>/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}', '--config', badJson], /the config file .*bad\.json is not valid JSON/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}', '--config', join(dir, 'none.json')], /cannot read the config file .*: no such file/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}'], /no qimai config: give --config FILE/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}', '--timestamp', 'soon', ...cfg], /--timestamp must be an integer/],
    [['sign', 'qimai', '/v3/crm/points/addCustomerPoints', '{"customerId":"1","bizId":"b"}', ...cfg], /^jifen: invalid_input: .*balance/],
    [['points', 'adjust', 'qimai', 'id:1', '5', ...cfg], /needs --reason/],
    [['points', 'balance', 'qimai', 'phone:1', ...cfg], /<member> "phone:1" is not id:…, mobile:… or card:…/],
    [['teleport'], /unknown command "teleport"/],
  ]) {
    const r = await jifen(args);
    assert.equal(r.status, 2, `${args.join(' ')}: status ${r.status}, stderr ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  }
  const onArgv = await jifen(['sign', 'kingdee', '/jdy/v2/ls/integral_adjust', '{"mobile":"13800138000","integral":1,"operation":5}', '--app-token', 'argv-token-not-real-0001', '--json', ...cfg]);
  assert.equal(onArgv.status, 0, onArgv.stderr);
  assert.equal(JSON.parse(onArgv.stdout).headers['app-token'], '***');
  assert.match(onArgv.stderr, /--app-token: a command line shows in ps .* prefer JIFEN_KINGDEE_APP_TOKEN/);
  const noToken = await jifen(['sign', 'kingdee', '/jdy/v2/ls/integral_adjust', '{"mobile":"13800138000","integral":1,"operation":5}', ...cfg]);
  assert.equal(noToken.status, 0, 'signed all the same (the request is what the user asked to see)');
  assert.match(noToken.stderr, /no --app-token: Kingdee refuses a business call without one/);
  const env = await jifen(['sign', 'qimai', '/v3/crm/points/getCustomerPoints', '{}'], { env: { JIFEN_QIMAI_OPENKEY: 'x' } });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /JIFEN_QIMAI_OPENKEY is not a qimai setting \(known: OPEN_ID, GRANT_CODE, OPEN_KEY/);
});

test('a request the vendor refuses: the JifenError code on stderr, exit status 1', async () => {
  const r = await jifen(['call', 'qimai', '/v3/crm/points/getCustomerPoints', '{"customerId":"1"}', '--config', configFile]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^jifen: vendor: .*\(vendor code 50001/m);
});

test('jifen --help documents the commands and the JIFEN_* variables', async () => {
  const r = await jifen(['--help']);
  assert.equal(r.status, 0);
  for (const s of ['jifen sim', 'jifen sign', 'jifen call', 'jifen points', 'JIFEN_CONFIG', 'JIFEN_QIMAI_OPEN_KEY', 'JIFEN_TOKEN_CACHE', '--curl']) {
    assert.ok(r.stdout.includes(s), s);
  }
  const none = await jifen([]);
  assert.equal(none.status, 2, 'no command: usage and status 2');
});

test('jifen sim -- CMD: CMD sees the sandbox configs (and no JIFEN_* of the caller), its status is jifen\'s', async () => {
  const script = `
    const e = process.env;
    if (!/^http:\\/\\/127\\.0\\.0\\.1:\\d+$/.test(e.JIFEN_SIM_URL)) process.exit(10);
    if (e.JIFEN_QIMAI_BASE_URL !== e.JIFEN_SIM_URL + '/qimai') process.exit(11);
    if (!e.JIFEN_FREEMUD_PRIVATE_KEY.startsWith('-----BEGIN')) process.exit(12);
    if (e.JIFEN_KINGDEE_CLIENT_SECRET === undefined || e.JIFEN_REAL_SECRET !== undefined) process.exit(13);
    fetch(e.JIFEN_SIM_URL + '/_sim/health').then((r) => r.json()).then((h) => process.exit(h.ok ? 3 : 14), () => process.exit(15));`;
  const r = await jifen(['sim', '-q', '--', process.execPath, '-e', script], { env: { JIFEN_REAL_SECRET: 'from-the-callers-shell' } });
  assert.equal(r.status, 3, r.stderr);
  const missing = await jifen(['sim', '-q', '--', join(dir, 'no-such-command')]);
  assert.equal(missing.status, 127);
  assert.match(missing.stderr, /cannot run .*no-such-command: command not found/);
});

test('jifen sim serves, labels its made-up credentials, writes a private config file, stops on SIGTERM', async () => {
  const written = join(dir, 'written.json');
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [CLI, 'sim', '--port', '0', '--write-config', written], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 100 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
  // Not recorded for the secrets check, and not printed: the banner shows the sandbox's credentials on purpose.
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  assert.ok(url, 'prints its URL');
  assert.ok(out.includes('MADE UP for this simulator'), 'labels its credentials');
  for (const v of ['kingdee', 'freemud', 'qimai']) assert.ok(out.includes(`"baseUrl":"${url}/${v}"`), `a ready ${v} config`);
  assert.equal((await (await fetch(`${url}/_sim/health`)).json()).ok, true);
  assert.equal(statSync(written).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(written, 'utf8')).qimai.baseUrl, `${url}/qimai`);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('nothing the CLI printed contains a test secret (raw or URL-encoded)', () => {
  assert.ok(printed.length > 20, 'the tests above ran');
  const all = printed.join('\n');
  const leaked = secretForms.filter((s) => all.includes(s));
  assert.deepEqual(leaked.map((s) => `${s.slice(0, 6)}… (${s.length} chars)`), []);
});
