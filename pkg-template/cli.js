#!/usr/bin/env node
// `npx jifen`: the package's command line. `jifen sim` runs the vendor simulator (the sandbox),
// `jifen sign` prints a signed request without sending it (a dry run, credentials masked),
// `jifen call` sends one, `jifen points` uses the unified points API. `jifen --help` says how.
//
// It never prints a credential: headers that carry one, query values that are one, and every
// config secret (raw or URL-encoded) are masked in whatever it prints, and `--curl` writes a
// masked value as a shell variable (`"$JIFEN_FREEMUD_ACCESS_TOKEN"`) for the user to set. There is
// deliberately no option to show secrets: a terminal's scroll-back, a shell history and a CI log
// are where credentials leak from. The one exception is `jifen sim`, whose credentials are made up,
// public, labelled so, and work nowhere but the simulator.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';

const VENDORS = ['kingdee', 'freemud', 'qimai'];
/** The config fields per vendor (the JS API's), as read from JIFEN_<VENDOR>_<FIELD> variables. */
const FIELDS = {
  kingdee: ['clientId', 'clientSecret', 'appKey', 'appSecret', 'outerInstanceId', 'domain', 'uid', 'baseUrl'],
  freemud: ['partnerId', 'appId', 'privateKey', 'accessToken', 'baseUrl', 'platformPublicKey', 'verify', 'devSkipSignature'],
  qimai: ['openId', 'grantCode', 'openKey', 'version', 'keyCase', 'baseUrl'],
};
/** Config fields that are credentials: never printed. */
const SECRET_FIELDS = new Set(['clientSecret', 'appSecret', 'privateKey', 'accessToken', 'openKey', 'appToken']);
/** Header names whose values are standing credentials (as the library's is_credential_header). */
const CREDENTIAL_HEADER = /^(app-token|access_token|authorization)$/i;
/** Query keys and result keys whose values are credentials. */
const SECRET_KEY = /secret|token|password|private_?key|app_signature/i;
const DEFAULT_SIM_PORT = 8700;

const USAGE = `jifen: sign and send membership-points requests to Kingdee JDY, Freemud and Qimai.

Usage:
  jifen sim [--port N] [--write-config FILE] [--log]      start the vendor simulator (the sandbox; port 8700, 0 = any free)
  jifen sim [--port N] -- COMMAND [ARGS…]                 run COMMAND against it, with JIFEN_* set; then stop it
  jifen sign <vendor> <operation> [PARAMS] [--curl|--json] print the signed request, credentials masked; sends nothing
  jifen call <vendor> <operation> [PARAMS]                send it; prints the vendor's result as JSON
  jifen points balance <vendor> <member>
  jifen points adjust  <vendor> <member> <delta> --reason R --key IDEMPOTENCY_KEY [--remark T] [--order-id ID]
  jifen points ledger  <vendor> <member> [--limit N]

  <vendor>     kingdee, freemud or qimai
  <operation>  the vendor's own id: "/jdy/v2/ls/integral_adjust", "/member/score/updateScore",
               "/v3/crm/points/getCustomerPoints", "user.points-add"; outside jifen's table, any operation of
               the vendor's API family: "GET /jdy/v2/bd/customer", "POST /jdy/v2/…", any Freemud path, any
               Qimai v2 Action ("user.coupon-list") or v3 path
  PARAMS       JSON (default {}), @FILE to read it from a file, or - for standard input
  <member>     id:123, mobile:13800138000 or card:C001 (comma-separated to combine: id:1,card:2)

Configuration (credentials never go on the command line):
  --config FILE   a JSON file: one vendor's config ({"vendor": "qimai", …}) or one per vendor
                  ({"kingdee": {…}, "qimai": {…}}, as \`jifen sim --write-config\` writes)
  JIFEN_CONFIG    the same, from the environment
  JIFEN_<VENDOR>_<FIELD>  one field, overriding the file, e.g. JIFEN_QIMAI_OPEN_KEY, JIFEN_KINGDEE_CLIENT_SECRET,
                  JIFEN_FREEMUD_BASE_URL; <FIELD>_FILE reads the value from a file (JIFEN_FREEMUD_PRIVATE_KEY_FILE)
    kingdee: CLIENT_ID CLIENT_SECRET APP_KEY APP_SECRET OUTER_INSTANCE_ID DOMAIN UID BASE_URL
    freemud: PARTNER_ID APP_ID PRIVATE_KEY ACCESS_TOKEN BASE_URL PLATFORM_PUBLIC_KEY VERIFY
    qimai:   OPEN_ID GRANT_CODE OPEN_KEY VERSION KEY_CASE BASE_URL

Options:
  sign:       --timestamp MS --nonce N --transaction-id ID --domain D; Kingdee's app-token from JIFEN_KINGDEE_APP_TOKEN
              (--app-token T works too, but a command line shows in ps and in your shell history)
              --curl (a curl command; masked values become "$JIFEN_…" variables) --json (the request as JSON)
  sign/call:  --allow-field NAME (repeatable) sends a field jifen does not know yet on a known operation;
              --idempotent says an operation outside jifen's table is safe to repeat after a lost reply
  call/points: --timeout-ms N --retries N
              Kingdee tokens are kept in a private file between runs (the token endpoint allows 2 calls a
              minute): --token-cache FILE or JIFEN_TOKEN_CACHE (default: $XDG_CACHE_HOME/jifen or
              ~/.cache/jifen, one file per account set), --no-token-cache to keep it in memory only
  -q, --quiet  no progress lines on standard error
  -h, --help   this text

Exit status: 0 done, 1 the request failed (the JifenError's code is printed), 2 bad usage or input.`;

/** A mistake in how jifen was called: one sentence, exit status 2. */
class UsageError extends Error {}

const OPTIONS = {
  config: { type: 'string' },
  curl: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  port: { type: 'string' },
  log: { type: 'boolean' },
  'write-config': { type: 'string' },
  timestamp: { type: 'string' },
  nonce: { type: 'string' },
  'transaction-id': { type: 'string' },
  'app-token': { type: 'string' },
  domain: { type: 'string' },
  'token-cache': { type: 'string' },
  'no-token-cache': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  reason: { type: 'string' },
  key: { type: 'string' },
  remark: { type: 'string' },
  'order-id': { type: 'string' },
  limit: { type: 'string' },
  'allow-field': { type: 'string', multiple: true },
  idempotent: { type: 'boolean' },
};

const env = process.env;
let quiet = false;
const progress = (line) => { if (!quiet) process.stderr.write(`jifen: ${line}\n`); };

async function main(argv) {
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  let parsed;
  // A negative number (`points adjust … -20`) is an argument, not an option: hidden from parseArgs.
  const NEG = '\u0000neg:';
  const own = (dash >= 0 ? argv.slice(0, dash) : argv).map((a) => (/^-\d+$/.test(a) ? NEG + a : a));
  try {
    parsed = parseArgs({ args: own, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${e.message.split(/\.(?:\s|$)/)[0]} (see jifen --help)`);
  }
  const { values: opts } = parsed;
  const args = parsed.positionals.map((a) => (a.startsWith(NEG) ? a.slice(NEG.length) : a));
  quiet = Boolean(opts.quiet);
  if (opts.help || args.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return args.length === 0 && !opts.help ? 2 : 0;
  }
  const [verb, ...rest] = args;
  switch (verb) {
    case 'sim': return sim(rest, opts, command);
    case 'sign': return sign(rest, opts);
    case 'call': return call(rest, opts);
    case 'points': return points(rest, opts);
    default: throw new UsageError(`unknown command "${verb}": use sim, sign, call or points (see jifen --help)`);
  }
}

// ------------------------------------------------------------------------------------------------
// Input

function vendorArg(v) {
  if (v === undefined) throw new UsageError('missing <vendor>: kingdee, freemud or qimai');
  if (!VENDORS.includes(v)) throw new UsageError(`unknown vendor "${v}": use kingdee, freemud or qimai`);
  return v;
}

function readJsonFile(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path} is not valid JSON (${e.message})`);
  }
}

/** PARAMS: JSON text, @file or - (standard input); default {}. */
function paramsArg(p) {
  if (p === undefined) return {};
  if (p === '-') {
    try {
      p = readFileSync(0, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read PARAMS from standard input: ${e.message}`);
    }
  } else if (p.startsWith('@')) {
    return readJsonFile(p.slice(1), 'the PARAMS file');
  }
  try {
    return JSON.parse(p);
  } catch (e) {
    throw new UsageError(`PARAMS is not valid JSON (${e.message}); quote it for the shell: '{"customerId": "1"}'`);
  }
}

const camel = (s) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const upperSnake = (s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** The vendor's config: the file (--config or JIFEN_CONFIG), then JIFEN_<VENDOR>_<FIELD> variables over it. */
function loadConfig(vendor, opts) {
  let config = {};
  const path = opts.config ?? (env.JIFEN_CONFIG || undefined);
  if (path !== undefined) {
    const data = readJsonFile(path, 'the config file');
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`the config file ${path} must hold a JSON object`);
    if (typeof data.vendor === 'string') {
      if (data.vendor !== vendor) throw new UsageError(`the config file ${path} is for ${data.vendor}, not ${vendor}`);
      config = { ...data };
    } else if (data[vendor] && typeof data[vendor] === 'object') {
      config = { ...data[vendor] };
    } else {
      throw new UsageError(`the config file ${path} has no ${vendor} config (give {"vendor": "${vendor}", …} or {"${vendor}": {…}})`);
    }
  }
  const prefix = `JIFEN_${vendor.toUpperCase()}_`;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(prefix) || value === undefined || value === '') continue;
    let key = name.slice(prefix.length);
    if (key === 'APP_TOKEN' && vendor === 'kingdee') continue; // a sign option, not config
    const fromFile = key.endsWith('_FILE');
    if (fromFile) key = key.slice(0, -5);
    const field = camel(key);
    if (!FIELDS[vendor].includes(field)) {
      throw new UsageError(`${name} is not a ${vendor} setting (known: ${FIELDS[vendor].map(upperSnake).join(', ')})`);
    }
    let v = value;
    if (fromFile) {
      try {
        v = readFileSync(value, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read ${name} ${value}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      }
    }
    config[field] = field === 'devSkipSignature' ? v === 'true' || v === '1' : v;
  }
  config.vendor = vendor;
  if (Object.keys(config).length === 1) {
    throw new UsageError(`no ${vendor} config: give --config FILE, JIFEN_CONFIG, or JIFEN_${vendor.toUpperCase()}_* variables (try \`jifen sim -- …\` for the sandbox)`);
  }
  return config;
}

function intOpt(opts, name, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  const v = opts[name];
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${v}"`);
  return Number(v);
}

/** "id:1,card:2" → { id, cardId }. */
function memberArg(s) {
  if (s === undefined) throw new UsageError('missing <member>: id:…, mobile:… or card:…');
  const member = {};
  for (const part of s.split(',')) {
    const m = /^(id|mobile|card):(.+)$/.exec(part.trim());
    if (!m) throw new UsageError(`<member> "${s}" is not id:…, mobile:… or card:… (comma-separated)`);
    member[m[1] === 'card' ? 'cardId' : m[1]] = m[2];
  }
  return member;
}

// ------------------------------------------------------------------------------------------------
// Masking: what jifen prints

/** Every secret value of the config, in the forms it can appear in a request (raw and URL-encoded). */
function secretValues(config, extra = []) {
  const raw = [...extra];
  for (const [k, v] of Object.entries(config)) {
    if (!SECRET_FIELDS.has(k) || typeof v !== 'string' || v.length < 4) continue;
    raw.push(v);
    if (k === 'privateKey') raw.push(...v.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith('-----')));
  }
  const forms = new Set();
  for (const s of raw) {
    const once = encodeURIComponent(s);
    for (const f of [s, once, encodeURIComponent(once), once.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())]) forms.add(f);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

const scrub = (text, secrets) => {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
};

/** The URL with the value of every secret-named query key replaced by `replace(key)`. */
function maskUrl(url, replace) {
  const q = url.indexOf('?');
  if (q < 0) return { url, masked: [] };
  const masked = [];
  const query = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try { name = decodeURIComponent(name.replace(/\+/g, ' ')); } catch { /* as sent */ }
    if (!SECRET_KEY.test(name)) return pair;
    masked.push({ name, value: pair.slice(eq + 1) });
    return `${pair.slice(0, eq)}=${replace(name)}`;
  });
  return { url: `${url.slice(0, q)}?${query.join('&')}`, masked };
}

/** The signed request as safe to print, and the raw values it masked. */
function maskRequest(req, config) {
  const hidden = [];
  const { url, masked } = maskUrl(req.url, () => '***');
  hidden.push(...masked.map((m) => m.value));
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (CREDENTIAL_HEADER.test(k) || SECRET_KEY.test(k)) { headers[k] = '***'; hidden.push(v); } else headers[k] = v;
  }
  const decoded = hidden.flatMap((v) => { try { return [v, decodeURIComponent(v)]; } catch { return [v]; } });
  const secrets = secretValues(config, decoded.filter((v) => v.length >= 4));
  return {
    method: req.method,
    url: scrub(url, secrets),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, scrub(v, secrets)])),
    body: req.body === null || req.body === undefined ? null : scrub(req.body, secrets),
    stringToSign: scrub(req.stringToSign, secrets),
  };
}

/** A JSON value with credential-named keys' values (e.g. a token reply, push_app_authorize's appSecret) masked. */
function maskResult(value, secrets) {
  if (Array.isArray(value)) return value.map((v) => maskResult(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) =>
      [k, SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? '***' : maskResult(v, secrets)]));
  }
  return typeof value === 'string' ? scrub(value, secrets) : value;
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const varName = (vendor, name) => `JIFEN_${vendor.toUpperCase()}_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;

/** A curl command for `req`: masked values become "$JIFEN_…" shell variables the user sets. */
function curlOf(vendor, req, config) {
  const vars = new Set();
  // Split the URL at each masked query value, so the variable sits outside single quotes.
  let url = '';
  const q = req.url.indexOf('?');
  if (q < 0) {
    url = shellQuote(req.url);
  } else {
    const { url: marked } = maskUrl(req.url, (name) => `\u0000${name}\u0000`);
    url = marked.split('\u0000').map((part, i) => {
      if (i % 2 === 0) return part === '' ? '' : shellQuote(part);
      const v = varName(vendor, part);
      vars.add(v);
      return `"\${${v}}"`;
    }).join('');
  }
  const safe = maskRequest(req, config);
  const lines = [`curl -sS -X ${req.method} ${url}`];
  for (const [k, v] of Object.entries(req.headers)) {
    if (CREDENTIAL_HEADER.test(k) || SECRET_KEY.test(k)) {
      const name = varName(vendor, k);
      vars.add(name);
      lines.push(`  -H "${k}: \${${name}}"`);
    } else {
      lines.push(`  -H ${shellQuote(`${k}: ${safe.headers[k]}`)}`);
    }
  }
  if (safe.body !== null) lines.push(`  --data-raw ${shellQuote(safe.body)}`);
  const notes = vars.size
    ? [`# jifen prints no credential: set ${[...vars].join(', ')} first (URL-encoded where it goes in the URL).`]
    : [];
  const expiry = { kingdee: 'the signature is valid for 5 minutes', freemud: 'the signature covers this body only', qimai: 'the nonce is single-use and the timestamp valid for 5 minutes' }[vendor];
  notes.push(`# ${expiry}: run \`jifen sign\` again for a fresh one.`);
  return `${notes.join('\n')}\n${lines.join(' \\\n')}\n`;
}

// ------------------------------------------------------------------------------------------------
// Commands

async function loadJifen() {
  return import('./node.js');
}

function describeError(e, secrets) {
  if (e && e.name === 'JifenError') {
    const extra = [e.vendorCode !== undefined && e.vendorCode !== null ? `vendor code ${e.vendorCode}` : '',
      e.httpStatus ? `HTTP ${e.httpStatus}` : '', e.retryable ? `retryable${e.retryAfterMs ? ` after ${e.retryAfterMs} ms` : ''}` : '']
      .filter(Boolean).join(', ');
    return `${e.code}: ${scrub(String(e.message), secrets)}${extra ? ` (${extra})` : ''}`;
  }
  return scrub(String(e?.message ?? e), secrets);
}

async function sign([vendor, operation, params, ...extra], opts) {
  vendorArg(vendor);
  if (!operation) throw new UsageError('missing <operation>: the vendor\'s own id, e.g. /v3/crm/points/getCustomerPoints');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" (PARAMS is one JSON argument; quote it)`);
  if (opts.curl && opts.json) throw new UsageError('--curl and --json: pick one');
  const p = paramsArg(params);
  const config = loadConfig(vendor, opts);
  const options = callOptions(opts);
  const ts = intOpt(opts, 'timestamp', { min: 1 });
  if (ts !== undefined) options.timestamp = ts;
  if (opts.nonce !== undefined) options.nonce = opts.nonce;
  if (opts['transaction-id'] !== undefined) options.transactionId = opts['transaction-id'];
  if (opts['app-token'] !== undefined) {
    progress('--app-token: a command line shows in ps and in your shell history; prefer JIFEN_KINGDEE_APP_TOKEN');
  }
  const appToken = opts['app-token'] ?? (env.JIFEN_KINGDEE_APP_TOKEN || undefined);
  if (appToken !== undefined) options.appToken = appToken;
  const domain = opts.domain ?? config.domain;
  if (domain !== undefined && vendor === 'kingdee') options.domain = domain;
  const secrets = secretValues({ ...config, appToken });
  const { buildRequest } = await loadJifen();
  let req;
  try {
    req = await buildRequest(config, operation, p, options);
  } catch (e) {
    process.stderr.write(`jifen: ${describeError(e, secrets)}\n`);
    return e?.name === 'JifenError' && ['config', 'invalid_input', 'unsupported'].includes(e.code) ? 2 : 1;
  }
  if (vendor === 'kingdee' && appToken === undefined && !/\/jdyconnector\//.test(operation)) {
    progress('no --app-token: Kingdee refuses a business call without one (`jifen call` fetches and caches it)');
  }
  const cfg = { ...config, appToken };
  if (opts.curl) {
    process.stdout.write(curlOf(vendor, req, cfg));
  } else if (opts.json) {
    process.stdout.write(`${JSON.stringify(maskRequest(req, cfg), null, 2)}\n`);
  } else {
    const safe = maskRequest(req, cfg);
    const lines = [`${safe.method} ${safe.url}`];
    for (const [k, v] of Object.entries(safe.headers)) lines.push(`${k}: ${v}`);
    lines.push('', safe.body ?? '(no body)', '', `string to sign: ${JSON.stringify(safe.stringToSign)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

function defaultTokenCachePath(config) {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  // One file per account set and endpoint: a simulator's token must never be sent to the vendor.
  const id = createHash('sha256').update(JSON.stringify([config.baseUrl ?? '', config.clientId, config.outerInstanceId ?? config.appKey ?? ''])).digest('hex').slice(0, 16);
  return join(base, 'jifen', `kingdee-token-${id}.json`);
}

async function makeClient(vendor, opts) {
  const config = loadConfig(vendor, opts);
  const jifen = await loadJifen();
  const options = {
    onRequest: (e) => progress(`→ ${e.method} ${maskUrl(e.url, () => '***').url}`),
    onResponse: (e) => progress(`← ${e.status ?? e.error ?? 'no reply'} in ${Math.round(e.durationMs)} ms`),
  };
  const timeoutMs = intOpt(opts, 'timeout-ms', { min: 1, max: 600_000 });
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const retries = intOpt(opts, 'retries', { min: 0, max: 10 });
  if (retries !== undefined) options.retries = retries;
  if (vendor === 'kingdee' && !opts['no-token-cache']) {
    const path = opts['token-cache'] ?? (env.JIFEN_TOKEN_CACHE || defaultTokenCachePath(config));
    options.tokenCache = jifen.fileTokenCache(path);
    progress(`token cache ${path}`);
  }
  const secrets = secretValues(config);
  try {
    return { client: new jifen.Client(config, options), secrets };
  } catch (e) {
    throw new UsageError(describeError(e, secrets));
  }
}

async function run(secrets, fn) {
  try {
    const result = await fn();
    process.stdout.write(`${JSON.stringify(maskResult(result, secrets), null, 2)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`jifen: ${describeError(e, secrets)}\n`);
    return e?.name === 'JifenError' && ['config', 'invalid_input'].includes(e.code) ? 2 : 1;
  }
}

/** `--allow-field NAME` (repeatable) and `--idempotent`: the per-call options of sign and call. */
function callOptions(opts) {
  const options = {};
  if (opts['allow-field']) options.allowFields = opts['allow-field'];
  if (opts.idempotent) options.idempotent = true;
  return options;
}

async function call([vendor, operation, params, ...extra], opts) {
  vendorArg(vendor);
  if (!operation) throw new UsageError('missing <operation>: the vendor\'s own id, e.g. /v3/crm/points/getCustomerPoints');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}" (PARAMS is one JSON argument; quote it)`);
  const p = paramsArg(params);
  const { client, secrets } = await makeClient(vendor, opts);
  return run(secrets, () => client.call(operation, p, callOptions(opts)));
}

async function points([what, vendor, member, delta, ...extra], opts) {
  if (!['balance', 'adjust', 'ledger'].includes(what)) throw new UsageError(`jifen points: use balance, adjust or ledger, not "${what ?? ''}"`);
  vendorArg(vendor);
  const m = memberArg(member);
  if (what !== 'adjust' && delta !== undefined) throw new UsageError(`unexpected argument "${delta}"`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (what === 'adjust') {
    if (delta === undefined || !/^[+-]?\d+$/.test(delta)) throw new UsageError('points adjust needs <delta>, a non-zero integer (e.g. 10 or -5)');
    if (!opts.reason) throw new UsageError('points adjust needs --reason (e.g. promotion, redemption, manual_grant)');
    if (!opts.key) throw new UsageError('points adjust needs --key, one idempotency key per business event (reuse it to retry safely)');
  }
  const limit = intOpt(opts, 'limit', { min: 1, max: 10_000 });
  const { client, secrets } = await makeClient(vendor, opts);
  if (what === 'balance') return run(secrets, () => client.getBalance({ member: m }));
  if (what === 'adjust') {
    const args = { member: m, delta: Number(delta), reason: opts.reason, idempotencyKey: opts.key };
    if (opts.remark !== undefined) args.remark = opts.remark;
    if (opts['order-id'] !== undefined) args.orderId = opts['order-id'];
    return run(secrets, () => client.adjustPoints(args));
  }
  return run(secrets, async () => {
    const rows = [];
    for await (const entry of client.ledger({ member: m, limit: limit ?? 20 })) rows.push(entry);
    return rows;
  });
}

/** The simulator's configs as environment variables (JIFEN_<VENDOR>_<FIELD>). */
function simEnv(accounts, url) {
  const out = { JIFEN_SIM_URL: url };
  for (const vendor of VENDORS) {
    for (const [k, v] of Object.entries(accounts[vendor])) {
      if (k === 'vendor' || typeof v !== 'string') continue;
      out[`JIFEN_${vendor.toUpperCase()}_${upperSnake(k)}`] = v;
    }
  }
  return out;
}

async function sim(rest, opts, command) {
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}" (a command to run goes after --: jifen sim -- node test.mjs)`);
  const port = opts.port === undefined ? (command.length ? 0 : DEFAULT_SIM_PORT) : intOpt(opts, 'port', { min: 0, max: 65535 });
  const { startSimulator } = await import('./sim/index.mjs');
  let simulator;
  try {
    simulator = await startSimulator({ port, log: Boolean(opts.log) || (command.length === 0 && !quiet) });
  } catch (e) {
    throw new UsageError(e.code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port N (0 = any free port)` : `the simulator did not start: ${e.message}`);
  }
  const { url, accounts } = simulator;
  if (opts['write-config'] !== undefined) {
    writeFileSync(opts['write-config'], `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
    chmodSync(opts['write-config'], 0o600); // also when the file was there before
  }
  if (command.length) {
    progress(`simulator on ${url}; running ${command.join(' ')}`);
    // The child sees the sandbox only: no JIFEN_* variable of this shell (a real credential) reaches it.
    const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('JIFEN_')));
    Object.assign(childEnv, simEnv(accounts, url));
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: childEnv });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise((resolve) => {
      child.on('error', (e) => {
        process.stderr.write(`jifen: cannot run ${command[0]}: ${e.code === 'ENOENT' ? 'command not found' : e.message}\n`);
        resolve(127);
      });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    await simulator.stop();
    return code;
  }
  const out = [
    `jifen simulator (the sandbox for Kingdee JDY, Freemud and Qimai) listening on ${url}`,
    '',
    'Every credential below is MADE UP for this simulator: it is public, protects nothing and works nowhere else.',
    'Ready client configs (new Client(config)):',
  ];
  for (const vendor of VENDORS) out.push(`  ${vendor.padEnd(8)} ${JSON.stringify(accounts[vendor])}`);
  out.push('', `Members, balances and ledgers: ${url}/_sim/state   reset: POST ${url}/_sim/reset`);
  out.push(opts['write-config'] !== undefined
    ? `Configs written to ${opts['write-config']}: jifen call qimai /v3/crm/points/getCustomerPoints '{"customerId":"383933091455959041"}' --config ${opts['write-config']}`
    : 'Run a script against it: jifen sim -- node my-script.mjs   (JIFEN_SIM_URL and JIFEN_<VENDOR>_* are set for it)');
  out.push('Ctrl-C stops it.', '');
  process.stdout.write(out.join('\n'));
  await new Promise((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await simulator.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`jifen: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`jifen: unexpected failure: ${e?.message ?? e}\n`);
      process.exitCode = 1;
    }
  },
);
