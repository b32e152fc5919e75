// Freemud request signing in plain JavaScript, written for the benchmark
// (docs/vendors/freemud.md §3): SHA256withRSA (PKCS#1 v1.5) over
// "appId=…&partnerId=…&requestBody=…&ver=1", base64, in the JSON envelope.
// RSA back ends: node:crypto (the key parsed from PEM per call, like
// buildRequest, or a KeyObject made once) and crypto.subtle from JS (importKey
// per call, or kept). Returns what buildRequest returns, byte for byte (asserted before
// timing). RSA PKCS#1 v1.5 is deterministic, so the signatures must be equal.
import { createPrivateKey, sign } from 'node:crypto';

const enc = new TextEncoder();

function prepare(config, params) {
  const requestBody = typeof params === 'string' ? params : JSON.stringify(params);
  // The canonical string: non-empty fields but `sign`, sorted by key (fixed order here).
  const fields = [['appId', config.appId], ['partnerId', config.partnerId], ['requestBody', requestBody], ['ver', '1']];
  const stringToSign = fields.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).join('&');
  return { requestBody, stringToSign };
}

function assemble(config, op, p, signature, options) {
  const body = `{"ver":"1","partnerId":${JSON.stringify(config.partnerId)},"appId":${JSON.stringify(config.appId)},"requestBody":${JSON.stringify(p.requestBody)},"sign":${JSON.stringify(signature)}}`;
  const headers = {
    'Content-Type': 'application/json;charset=utf-8',
    Accept: 'application/json;charset=utf-8',
    'x-transaction-id': options.transactionId ?? crypto.randomUUID(),
  };
  if (config.accessToken) headers.access_token = config.accessToken;
  return { method: 'POST', url: config.baseUrl.replace(/\/+$/, '') + op, headers, body, stringToSign: p.stringToSign };
}

/** node:crypto, the PEM parsed on every call (what buildRequest does with the config it is given). */
export function freemudNode(config, op, params, options) {
  const p = prepare(config, params);
  const key = createPrivateKey(config.privateKey);
  return assemble(config, op, p, sign('sha256', Buffer.from(p.stringToSign), key).toString('base64'), options);
}

/** node:crypto with a KeyObject made once (what a long-lived signer or Client does). */
export function freemudNodeCached(config) {
  const key = createPrivateKey(config.privateKey);
  return (op, params, options) => {
    const p = prepare(config, params);
    return assemble(config, op, p, sign('sha256', Buffer.from(p.stringToSign), key).toString('base64'), options);
  };
}

function pemToDer(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** crypto.subtle from JavaScript, importKey (PKCS#8) on every call. */
export async function freemudSubtle(config, op, params, options) {
  const p = prepare(config, params);
  const key = await crypto.subtle.importKey('pkcs8', pemToDer(config.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, enc.encode(p.stringToSign));
  return assemble(config, op, p, Buffer.from(sig).toString('base64'), options);
}

/** crypto.subtle from JavaScript with the CryptoKey imported once and kept (what a Signer does). */
export function freemudSubtleCached(config) {
  const key = crypto.subtle.importKey('pkcs8', pemToDer(config.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  return async (op, params, options) => {
    const p = prepare(config, params);
    const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await key, enc.encode(p.stringToSign));
    return assemble(config, op, p, Buffer.from(sig).toString('base64'), options);
  };
}
