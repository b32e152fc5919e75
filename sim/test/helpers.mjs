// Test helpers: tiny request signers written separately from the simulator's verifiers
// (different encoders, built on URLSearchParams / encodeURIComponent / node:crypto), so that a
// mistake in one shows up against the other.
import { createHmac, createSign, createVerify } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';

export const repoRoot = new URL('../../', import.meta.url);
export const accounts = JSON.parse(readFileSync(new URL('sim/accounts.json', repoRoot), 'utf8'));

/** Every *.json vector in tests/vectors/<vendor>/ (sorted by file name), each with its `_file`. */
export function loadVectors(vendor) {
  const dir = new URL(`tests/vectors/${vendor}/`, repoRoot);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const v = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
    v._file = f;
    return v;
  });
}

export function readVectorFile(vendor, rel) {
  return readFileSync(new URL(`tests/vectors/${vendor}/${rel}`, repoRoot), 'utf8');
}

// ------------------------------------------------------------------ Kingdee

/** Java URLEncoder == WHATWG form serialisation (keeps * - . _, space → +). */
const formEncT = (s) => new URLSearchParams([['', s]]).toString().slice(1);
/** GwURLEncoder: encodeURIComponent minus ! ' ( ) *, space → + (keeps - _ . ~). */
const gwEncT = (s) => encodeURIComponent(s)
  .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  .replace(/%20/g, '+');

export function kingdeeSign({ secret, method, path, query = [], nonce, timestamp }) {
  const once = query.map(([k, v]) => `${gwEncT(k)}=${formEncT(v)}`).sort();
  const canonical = once.map((p) => {
    const i = p.indexOf('=');
    return `${gwEncT(p.slice(0, i))}=${gwEncT(p.slice(i + 1))}`;
  }).join('&');
  const sts = `${method}\n${gwEncT(path)}\n${canonical}\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;
  const hex = createHmac('sha256', secret).update(sts).digest('hex');
  return { stringToSign: sts, signature: Buffer.from(hex).toString('base64'), wire: once.join('&') };
}

export const kingdeeAppSignature = (appKey, appSecret) => Buffer.from(createHmac('sha256', appSecret).update(appKey).digest('hex')).toString('base64');

let nonceSeq = 1000000000;
export const freshNonce = () => String(++nonceSeq + Math.floor(Math.random() * 1000) * 1000000);

/**
 * Send a signed Kingdee request to the sim. Options:
 *  signPath / signQuery / signTs / signNonce: what to sign, when it differs from what is sent (tampering tests)
 *  token, domain: app-token and X-GW-Router-Addr (business calls); headers: extra/override headers
 *  tamper(headers): last-minute header changes
 */
export async function kingdeeCall(sim, { method = 'GET', path, query = [], body, token, domain = accounts.kingdee.domain, ts, nonce, signPath, signQuery, signTs, signNonce, headers: extra = {}, tamper, secret = accounts.kingdee.clientSecret, signal }) {
  const timestamp = ts ?? String(Date.now());
  const n = nonce ?? freshNonce();
  const { signature } = kingdeeSign({ secret, method, path: signPath ?? path, query: signQuery ?? query, nonce: signNonce ?? n, timestamp: signTs ?? timestamp });
  const wire = query.map(([k, v]) => `${gwEncT(k)}=${formEncT(v)}`).sort().join('&');
  const headers = {
    'Content-Type': 'application/json',
    'X-Api-ClientID': accounts.kingdee.clientId,
    'X-Api-Auth-Version': '2.0',
    'X-Api-TimeStamp': timestamp,
    'X-Api-Nonce': n,
    'X-Api-SignHeaders': 'X-Api-TimeStamp,X-Api-Nonce',
    'X-Api-Signature': signature,
    ...(token ? { 'app-token': token, 'X-GW-Router-Addr': domain } : {}),
    ...extra,
  };
  if (tamper) tamper(headers);
  const res = await fetch(`${sim.url}/kingdee${path}${wire ? '?' + wire : ''}`, { method, headers, signal, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null */ }
  return { status: res.status, headers: res.headers, text, json };
}

/** push_app_authorize + kingdee_auth_token → { token, expires, domain }. */
export async function kingdeeToken(sim) {
  const auth = await kingdeeCall(sim, { method: 'POST', path: '/jdyconnector/app_management/push_app_authorize', query: [['outerInstanceId', accounts.kingdee.outerInstanceId]] });
  const row = auth.json.data.find((r) => r.status === 1);
  const tok = await kingdeeCall(sim, { path: '/jdyconnector/app_management/kingdee_auth_token', query: [['app_key', row.appKey], ['app_signature', kingdeeAppSignature(row.appKey, row.appSecret)]] });
  return { token: tok.json.data['app-token'], expires: tok.json.data.expires, domain: row.domain, raw: tok };
}

// ------------------------------------------------------------------ Freemud

export function freemudCanonical(fields) {
  return Object.keys(fields).filter((k) => k !== 'sign' && fields[k] !== null && fields[k] !== undefined && String(fields[k]) !== '')
    .sort().map((k) => `${k}=${fields[k]}`).join('&');
}
export const rsaSign = (privateKeyPem, text) => createSign('RSA-SHA256').update(Buffer.from(text, 'utf8')).sign(privateKeyPem, 'base64');
export const rsaVerify = (publicKeyPem, text, sig) => createVerify('RSA-SHA256').update(Buffer.from(text, 'utf8')).verify(publicKeyPem, sig, 'base64');

/**
 * Send a signed Freemud request. `params` object (JSON.stringify'd) or string (verbatim).
 * `signFields` overrides what is signed (tampering); `envelope` overrides what is sent.
 */
export async function freemudCall(sim, path, params, { accessToken = accounts.freemud.accessToken, signFields, envelope: over = {}, sign, headers: extra = {}, rawBody } = {}) {
  const a = accounts.freemud;
  const requestBody = typeof params === 'string' ? params : JSON.stringify(params);
  const env = { ver: '1', partnerId: a.partnerId, appId: a.appId, requestBody };
  const toSign = { ...env, ...(signFields || {}) };
  env.sign = sign ?? rsaSign(a.privateKey, freemudCanonical(toSign));
  Object.assign(env, over);
  const headers = { 'Content-Type': 'application/json;charset=utf-8', Accept: 'application/json;charset=utf-8', 'x-transaction-id': crypto.randomUUID(), ...(accessToken === null ? {} : { access_token: accessToken }), ...extra };
  const res = await fetch(`${sim.url}/freemud${path}`, { method: 'POST', headers, body: rawBody ?? JSON.stringify(env) });
  const text = await res.text();
  let json = null; let body = null;
  try { json = JSON.parse(text); } catch { /* left null */ }
  try { if (json && json.responseBody) body = JSON.parse(json.responseBody); } catch { /* left null */ }
  return { status: res.status, text, json, body };
}

// ------------------------------------------------------------------ Qimai

export function qimaiToken(openKey, { openId, grantCode, nonce, timestamp }, { capitalised = false } = {}) {
  const f = capitalised ? ['GrantCode', 'Nonce', 'OpenId', 'Timestamp'] : ['grantCode', 'nonce', 'openId', 'timestamp'];
  const s = `${f[0]}=${grantCode}&${f[1]}=${nonce}&${f[2]}=${openId}&${f[3]}=${timestamp}`;
  const b64 = createHmac('sha1', openKey).update(s).digest('base64');
  return { string: s, base64: b64, token: encodeURIComponent(b64) };
}

let qnonce = 100000;
export const qimaiNonce = () => String(++qnonce * 7 + Math.floor(Math.random() * 7));

/** v3 call: path like '/v3/crm/points/addCustomerPoints'. `sign` overrides what is signed. */
export async function qimaiV3(sim, path, params, { openId, grantCode, timestamp, nonce, token, sign = {}, openKey = accounts.qimai.openKey, asNumbers = false } = {}) {
  const a = accounts.qimai;
  const env = { openId: openId ?? a.openId, grantCode: grantCode ?? a.grantCode, timestamp: timestamp ?? String(Math.floor(Date.now() / 1000)), nonce: nonce ?? qimaiNonce() };
  env.token = token ?? qimaiToken(openKey, { ...env, ...sign }).token;
  if (asNumbers) { env.timestamp = Number(env.timestamp); env.nonce = Number(env.nonce); }
  env.params = params;
  return postJson(`${sim.url}/qimai${path}`, env);
}

/** v2 call through /api/v2 with the capitalised envelope. */
export async function qimaiV2(sim, action, params, { timestamp, nonce, token, sign = {}, capitalised = false } = {}) {
  const a = accounts.qimai;
  const env = { OpenId: a.openId, GrantCode: a.grantCode, Timestamp: timestamp ?? String(Math.floor(Date.now() / 1000)), Nonce: nonce ?? qimaiNonce() };
  env.Token = token ?? qimaiToken(a.openKey, { openId: env.OpenId, grantCode: env.GrantCode, timestamp: env.Timestamp, nonce: env.Nonce, ...sign }, { capitalised }).token;
  env.Action = action;
  env.Params = params;
  return postJson(`${sim.url}/qimai/api/v2`, env);
}

export async function postJson(url, obj, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof obj === 'string' ? obj : JSON.stringify(obj) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null */ }
  return { status: res.status, headers: res.headers, text, json };
}

export const getJson = async (url) => (await fetch(url)).json();

/** A raw HTTP request that reports socket errors instead of throwing. */
export function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ error: e }));
    });
    req.on('error', (e) => resolve({ error: e }));
    if (body) req.write(body);
    req.end();
  });
}
