// Who is calling: the staff accounts of one gateway, their roles and limits,
// and the check of a presented credential against them.
//
// The accounts come from one binding, STAFF (JSON), keyed by a short account
// id:
//
//   { "wang": { "name": "王芳", "role": "operator", "limit": 500,
//               "tokenSha256": "<64 hex: SHA-256 of wang's token>" }, … }
//
// The binding holds digests only, never a token: a person's token exists in
// their own browser (or password manager) and nowhere else. Adding a person is
// adding an entry, rotating is replacing `tokenSha256`, revoking is
// `"revoked": true` (kept so the audit trail still names them) or deleting the
// entry; see README.md.
//
// The presented token is hashed once and compared with *every* account's digest,
// without an early exit and with the platform's timingSafeEqual where there is
// one, so the time taken depends on the number of accounts only, never on which
// one matched or how much of a digest did.

import { GatewayError } from './http.js';

/** What each role may do. */
export const ROLES = {
  viewer: ['read'],
  operator: ['read', 'adjust', 'audit:own'],
  admin: ['read', 'adjust', 'audit:all', 'preview'],
};

/** The change limit of the whole gateway when MAX_CHANGE is not set (the input check's own bound). */
export const GATEWAY_MAX_CHANGE = 1_000_000_000;
/** A token shorter than this is never accepted (new ones are 32 random bytes, see README.md). */
export const MIN_TOKEN_LENGTH = 16;
/** Changes above this many points need a second confirmation on the page, unless CONFIRM_ABOVE says otherwise. */
export const DEFAULT_CONFIRM_ABOVE = 1000;

const ID = /^[a-z0-9][a-z0-9_.-]{0,31}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();

function hexBytes(hex) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function limitSetting(value, what) {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isSafeInteger(n) || n < 1 || n > GATEWAY_MAX_CHANGE) {
    throw new Error(`${what} must be a whole number of points from 1 to ${GATEWAY_MAX_CHANGE}`);
  }
  return n;
}

/**
 * The staff table from `env`: `{ accounts: [{ id, name, role, limit, revoked, digest }], maxChange, confirmAbove,
 * store }`, or `{ error }` saying what is wrong, naming an account id but never a value.
 */
export function staffSettings(env) {
  try {
    if (typeof env.ADMIN_TOKEN === 'string' && env.ADMIN_TOKEN !== '') {
      throw new Error('ADMIN_TOKEN is no longer read: give every person their own account in STAFF '
        + '(README.md, "Migrating from ADMIN_TOKEN"), then delete the ADMIN_TOKEN secret');
    }
    const maxChange = limitSetting(env.MAX_CHANGE, 'MAX_CHANGE') ?? GATEWAY_MAX_CHANGE;
    const confirmAbove = limitSetting(env.CONFIRM_ABOVE, 'CONFIRM_ABOVE') ?? DEFAULT_CONFIRM_ABOVE;
    const store = typeof env.STORE_NAME === 'string' ? env.STORE_NAME.trim().slice(0, 60) : '';
    if (typeof env.STAFF !== 'string' || env.STAFF.trim() === '') {
      throw new Error('STAFF is not set: no one can sign in (README.md, "Staff accounts")');
    }
    let table;
    try {
      table = JSON.parse(env.STAFF);
    } catch {
      throw new Error('STAFF is not valid JSON');
    }
    if (!table || typeof table !== 'object' || Array.isArray(table)) throw new Error('STAFF must be a JSON object keyed by account id');
    const accounts = [];
    const digests = new Set();
    for (const [id, a] of Object.entries(table)) {
      if (!ID.test(id)) throw new Error('a STAFF account id must be 1–32 characters of a-z 0-9 _ . - (lower case)');
      if (!a || typeof a !== 'object') throw new Error(`STAFF.${id} must be an object`);
      const unknown = Object.keys(a).filter((k) => !['name', 'role', 'limit', 'tokenSha256', 'revoked'].includes(k));
      if (unknown.length) throw new Error(`STAFF.${id} has unknown fields (${unknown.join(', ')})`);
      if (!Object.hasOwn(ROLES, a.role)) throw new Error(`STAFF.${id}.role must be one of ${Object.keys(ROLES).join(', ')}`);
      const name = typeof a.name === 'string' && a.name.trim() ? a.name.trim() : id;
      if (name.length > 40 || /[\u0000-\u001f\u007f]/.test(name)) throw new Error(`STAFF.${id}.name must be up to 40 printable characters`);
      if (typeof a.tokenSha256 !== 'string' || !HEX64.test(a.tokenSha256.toLowerCase())) {
        throw new Error(`STAFF.${id}.tokenSha256 must be the 64 hex digits of the SHA-256 of the person's token`);
      }
      const digest = a.tokenSha256.toLowerCase();
      if (digests.has(digest)) throw new Error(`STAFF.${id} shares its token with another account: every person needs their own`);
      digests.add(digest);
      if (a.revoked !== undefined && typeof a.revoked !== 'boolean') throw new Error(`STAFF.${id}.revoked must be true or false`);
      let limit = limitSetting(a.limit, `STAFF.${id}.limit`);
      if (a.role === 'operator' && limit === null) throw new Error(`STAFF.${id} is an operator and needs a limit (points per change)`);
      if (a.role === 'viewer') limit = 0;
      limit = limit === null ? maxChange : Math.min(limit, maxChange);
      accounts.push({ id, name, role: a.role, limit, revoked: a.revoked === true, digest: hexBytes(digest), hex: digest });
    }
    if (!accounts.some((a) => !a.revoked)) throw new Error('STAFF has no account that is not revoked');
    return { accounts, maxChange, confirmAbove, store };
  } catch (e) {
    return { error: e.message };
  }
}

let parsed = null; // { text, settings }: the STAFF table parsed once per value

/** staffSettings, parsed again only when the bindings change. */
export function cachedStaffSettings(env) {
  const text = JSON.stringify([env.STAFF, env.ADMIN_TOKEN ? 1 : 0, env.MAX_CHANGE, env.CONFIRM_ABOVE, env.STORE_NAME]);
  if (parsed?.text !== text) parsed = { text, settings: staffSettings(env) };
  return parsed.settings;
}

/** The permission a route needs (POST /api/adjust and GET /api/audit check theirs further). */
export function permissionFor(method, path) {
  if (path === '/api/preview') return ['preview', 'see signed requests (the developer tools are for admins)'];
  if (path === '/api/adjust' && method === 'POST') return ['adjust', 'change points'];
  return ['read', 'read'];
}

/** Equal-length byte arrays compared without an early exit. */
function sameBytes(a, b) {
  if (typeof crypto.subtle.timingSafeEqual === 'function') return crypto.subtle.timingSafeEqual(a, b);
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** The bearer token of `Authorization`, or null. */
export function bearer(request) {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.get('authorization') ?? '');
  return m ? m[1] : null;
}

const refuse = (message) => new GatewayError('unauthorized', message, {
  headers: { 'www-authenticate': 'Bearer realm="jifen-gateway"' },
});

/**
 * The account whose token `request` presents: `{ id, name, role, limit }`. Throws `unauthorized` for no token, an
 * unknown one or a revoked account (the same sentence for the last two: which tokens once existed is not told).
 */
export async function authenticate(request, staff) {
  const token = bearer(request);
  if (token === null) throw refuse('sign in first: every request needs your staff token (Authorization: Bearer <token>)');
  const given = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(token)));
  let found = null;
  for (const a of staff.accounts) {
    // Every account is compared, whatever matched before it.
    const same = sameBytes(given, a.digest);
    if (same && found === null) found = a;
  }
  if (found === null || token.length < MIN_TOKEN_LENGTH || found.revoked) {
    throw refuse('this staff token is not valid (unknown or revoked): ask the store\'s admin for yours');
  }
  return { id: found.id, name: found.name, role: found.role, limit: found.limit };
}

/** Throws `forbidden` unless `who`'s role may do `what` (one of the ROLES permissions). */
export function requirePermission(who, what, doing) {
  if (!ROLES[who.role]?.includes(what)) {
    throw new GatewayError('forbidden', `${who.name} is ${who.role === 'admin' ? 'an' : 'a'} ${who.role} and may not ${doing}`);
  }
}

/** Throws `over_limit` when |delta| is above `who`'s per-change limit. */
export function requireWithinLimit(who, delta) {
  const size = Math.abs(delta);
  if (size > who.limit) {
    throw new GatewayError('over_limit',
      `this change is ${size} points; ${who.name} may change at most ${who.limit} points at a time: ask an admin to make it`,
      { limit: who.limit });
  }
}

/** The staff token digests in `env` (kept out of every response and log line like a secret). */
export function staffSecretValues(staff, request) {
  const out = [];
  for (const a of staff.accounts ?? []) out.push(a.hex);
  const token = request ? bearer(request) : null;
  if (token && token.length >= 8) out.push(token);
  return out;
}
