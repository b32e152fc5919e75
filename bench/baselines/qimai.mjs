// Qimai v3 Token signing in plain JavaScript, written for the benchmark
// (docs/vendors/qimai.md §2): Token = pct(Base64(HMAC-SHA1(openKey,
// "grantCode=…&nonce=…&openId=…&timestamp=…"))). Two HMAC back ends:
// `subtle` (crypto.subtle, importKey + sign per call, as aws4fetch does) and
// `node` (node:crypto createHmac). It handles the operation the benchmark times
// (/v3/crm/points/addCustomerPoints) with jifen's checks and returns what
// buildRequest returns, byte for byte (asserted before timing).
import { createHmac } from 'node:crypto';

const enc = new TextEncoder();
const isInt = (v) => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));
const FIELDS = ['balance', 'bizId', 'customerId', 'reason', 'sourceType', 'pointsChannel'];

function prepare(op, params) {
  if (op !== '/v3/crm/points/addCustomerPoints') throw new Error(`operation ${op} is not in the benchmark baseline`);
  for (const k of Object.keys(params)) if (!FIELDS.includes(k)) throw new Error(`unknown param ${k}`);
  if (!isInt(params.balance) || Number(params.balance) < 1) throw new Error('`balance` must be a positive integer');
  for (const k of ['bizId', 'customerId']) if (typeof params[k] !== 'string' || !params[k]) throw new Error(`\`${k}\` is required`);
  // Every value is sent as a string, in the documented order.
  const out = {};
  for (const k of FIELDS) if (params[k] !== undefined && params[k] !== null && params[k] !== '') out[k] = String(params[k]);
  return out;
}

function canonical(config, options) {
  const timestamp = String(Math.floor(options.timestamp / 1000)); // the JS API takes ms; Qimai signs seconds
  const nonce = String(options.nonce);
  return { timestamp, nonce, stringToSign: `grantCode=${config.grantCode}&nonce=${nonce}&openId=${config.openId}&timestamp=${timestamp}` };
}

const pctB64 = (b64) => b64.replace(/[+/=]/g, (c) => (c === '+' ? '%2B' : c === '/' ? '%2F' : '%3D'));

function assemble(config, op, params, c, token) {
  const body = JSON.stringify({ openId: config.openId, grantCode: config.grantCode, timestamp: c.timestamp, nonce: c.nonce, token, params });
  const base = (config.baseUrl ?? 'https://openapi.qmai.cn').replace(/\/+$/, '');
  return { method: 'POST', url: base + op, headers: { 'Content-Type': 'application/json' }, body, stringToSign: c.stringToSign };
}

function base64(buf) {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return btoa(s);
}

/** crypto.subtle (import the key and sign, per call). */
export async function qimaiSubtle(config, op, params, options) {
  const p = prepare(op, params);
  const c = canonical(config, options);
  const key = await crypto.subtle.importKey('raw', enc.encode(config.openKey), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(c.stringToSign));
  return assemble(config, op, p, c, pctB64(base64(mac)));
}

/** node:crypto, synchronous. */
export function qimaiNode(config, op, params, options) {
  const p = prepare(op, params);
  const c = canonical(config, options);
  const token = pctB64(createHmac('sha1', config.openKey).update(c.stringToSign).digest('base64'));
  return assemble(config, op, p, c, token);
}
