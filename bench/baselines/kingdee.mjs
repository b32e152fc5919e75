// Kingdee JDY X-Api-Signature in plain JavaScript, written for the benchmark
// (docs/vendors/kingdee.md §3): the signer a team would write by hand instead of
// using jifen. Two HMAC back ends share the canonicalisation:
//   * `subtle`: crypto.subtle, the aws4fetch approach (importKey + sign per call,
//     hex and base64 in JS);
//   * `node`:   node:crypto createHmac (synchronous, Node only: kingdee-node.mjs).
// It handles the operations the benchmarks use (integral_record, a GET with a
// query; integral_adjust, a POST with a body; account_balance_info and the
// token flow, for the plain-JS gateway) with the same checks jifen makes on
// them, and returns what buildRequest returns, byte for byte
// (bench/node-bench.mjs asserts that before timing anything). No Node import:
// the plain-JS gateway runs this file in workerd.

const enc = new TextEncoder();
const HEX = '0123456789abcdef';

// GwURLEncoder keeps letters, digits and - . _ ~, writes a space as +.
// encodeURIComponent keeps letters, digits and - _ . ! ~ * ' ( ).
const pct = (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase();
export const gwEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, pct).replace(/%20/g, '+');
// application/x-www-form-urlencoded (Java URLEncoder): keeps * - . _, space as +.
export const formEncode = (s) => encodeURIComponent(s).replace(/[!'()~]/g, pct).replace(/%20/g, '+');

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const MOBILE = /^[0-9+-]{3,20}$/;
const isInt = (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));

export function prepare(op, params) {
  if (op === '/jdy/v2/ls/integral_adjust') {
    const { mobile, integral, operation } = params;
    for (const k of Object.keys(params)) if (k !== 'mobile' && k !== 'integral' && k !== 'operation') throw new Error(`unknown param ${k}`);
    if (typeof mobile !== 'string' || !MOBILE.test(mobile)) throw new Error('`mobile` must be 3–20 digits');
    if (!isInt(integral) || Number(integral) === 0) throw new Error('`integral` must be a non-zero integer');
    if (!isInt(operation) || operation < 1 || operation > 11) throw new Error('`operation` must be 1–11');
    return { method: 'POST', query: [], body: `{"mobile":${JSON.stringify(mobile)},"integral":${Number(integral)},"operation":${Number(operation)}}` };
  }
  if (op === '/jdy/v2/ls/integral_record') {
    const query = [];
    for (const k of ['member_id', 'mobile', 'id', 'integral_type', 'start_date', 'end_date']) {
      const v = params[k];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`\`${k}\` must be a string`);
      query.push([k, String(v)]);
    }
    for (const [k, max] of [['page', 2147483647], ['page_size', 100]]) {
      const v = params[k];
      if (v === undefined || v === null) continue;
      if (!isInt(v) || v < 1 || v > max) throw new Error(`\`${k}\` out of range`);
      query.push([k, String(Number(v))]);
    }
    if (params.mobile != null && !MOBILE.test(params.mobile)) throw new Error('`mobile` must be 3–20 digits');
    for (const k of ['start_date', 'end_date']) if (params[k] != null && !DATETIME.test(params[k])) throw new Error(`\`${k}\` must be yyyy-MM-dd HH:mm:ss`);
    if (params.start_date && params.end_date && params.start_date > params.end_date) throw new Error('`start_date` is after `end_date`');
    return { method: 'GET', query, body: null };
  }
  if (op === '/jdy/v2/ls/account_balance_info') {
    const { member_id, member_card_id } = params;
    if (typeof member_id !== 'string' || !member_id || typeof member_card_id !== 'string' || !member_card_id) throw new Error('`member_id` and `member_card_id` are required');
    return { method: 'GET', query: [['member_id', member_id], ['member_card_id', member_card_id]], body: null };
  }
  if (op === '/jdyconnector/app_management/push_app_authorize') {
    return { method: 'POST', query: [['outerInstanceId', String(params.outerInstanceId)]], body: '{}' };
  }
  if (op === '/jdyconnector/app_management/kingdee_auth_token') {
    return { method: 'GET', query: [['app_key', String(params.app_key)], ['app_signature', String(params.app_signature)]], body: null };
  }
  throw new Error(`operation ${op} is not in the benchmark baseline`);
}

// What is signed and what is sent, from the prepared call.
export function canonical(config, op, prepared, options) {
  // Pairs once-encoded, sorted on the `k=v` text (ASCII, so UTF-16 order is byte order).
  const pairs = prepared.query.map(([k, v]) => `${gwEncode(k)}=${formEncode(v)}`).sort();
  let cq = '';
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) continue;
    cq += (cq ? '&' : '') + gwEncode(p.slice(0, i)) + '=' + gwEncode(p.slice(i + 1));
  }
  const timestamp = String(options.timestamp);
  const nonce = String(options.nonce);
  const stringToSign = `${prepared.method}\n${gwEncode(op)}\n${cq}\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;
  const base = (config.baseUrl ?? 'https://api.kingdee.com').replace(/\/+$/, '');
  const url = base + op + (pairs.length ? '?' + pairs.join('&') : '');
  return { stringToSign, url, timestamp, nonce };
}

export function assemble(config, op, prepared, c, options, signature) {
  const headers = {
    'Content-Type': 'application/json',
    'X-Api-ClientID': config.clientId,
    'X-Api-Auth-Version': '2.0',
    'X-Api-TimeStamp': c.timestamp,
    'X-Api-Nonce': c.nonce,
    'X-Api-SignHeaders': 'X-Api-TimeStamp,X-Api-Nonce',
    'X-Api-Signature': signature,
  };
  if (op.startsWith('/jdy/')) { // business calls carry the token and the IDC route (not signed)
    if (options.appToken) headers['app-token'] = options.appToken;
    const domain = options.domain ?? config.domain;
    if (domain) headers['X-GW-Router-Addr'] = domain;
  }
  return { method: prepared.method, url: c.url, headers, body: prepared.body, stringToSign: c.stringToSign };
}

export function hex(buf) {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] >> 4] + HEX[b[i] & 15];
  return s;
}

/** `Base64(lower_hex(HMAC-SHA256(key, msg)))` on crypto.subtle; `key` a string or a CryptoKey. */
export async function hexBase64Hmac(key, msg) {
  const k = typeof key === 'string' ? await crypto.subtle.importKey('raw', enc.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']) : key;
  return btoa(hex(await crypto.subtle.sign('HMAC', k, enc.encode(msg))));
}

/**
 * crypto.subtle, aws4fetch's way: the key imported and used per call.
 * `options.key` may carry a CryptoKey imported once (the plain-JS gateway does).
 */
export async function kingdeeSubtle(config, op, params, options) {
  const prepared = prepare(op, params);
  const c = canonical(config, op, prepared, options);
  return assemble(config, op, prepared, c, options, await hexBase64Hmac(options.key ?? config.clientSecret, c.stringToSign));
}

