// The admin credential: `Authorization: Bearer <ADMIN_TOKEN>`, compared in
// constant time. Both sides are HMAC'd with a key made once per isolate, so the
// comparison runs over two 32-byte digests whatever the lengths, and a timing
// difference could reveal nothing about the token itself.

import { GatewayError } from './http.js';
import { MIN_ADMIN_TOKEN_LENGTH } from './config.js';

const encoder = new TextEncoder();
let keyPromise = null; // made on first use: workers may not use randomness at global scope

async function mac(text) {
  keyPromise ??= crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const key = await keyPromise;
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

/** Equal-length byte arrays compared without an early exit. */
function sameBytes(a, b) {
  if (typeof crypto.subtle.timingSafeEqual === 'function') return crypto.subtle.timingSafeEqual(a, b);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Throws `unauthorized` unless the request carries the admin token (`config` if none is set). */
export async function requireAdmin(request, adminToken) {
  if (typeof adminToken !== 'string' || adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new GatewayError('config', `ADMIN_TOKEN is not set (or shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters)`);
  }
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  const given = m ? m[1] : '';
  const [a, b] = await Promise.all([mac(given), mac(adminToken)]);
  if (!m || !sameBytes(a, b)) {
    throw new GatewayError('unauthorized', 'an admin token is required: Authorization: Bearer <token>', {
      headers: { 'www-authenticate': 'Bearer realm="jifen-gateway"' },
    });
  }
}
