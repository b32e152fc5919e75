// Small helpers shared by the vendor modules. Node built-ins only.
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Constant-time string equality (false on length mismatch). */
export function safeEqual(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ba.length !== bb.length) return false;
  return timingSafeEqual(ba, bb);
}

export const randomHex = (bytes = 16) => randomBytes(bytes).toString('hex');

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** epoch ms → "yyyy-MM-dd HH:mm:ss" in Asia/Shanghai (UTC+8, no DST). */
export function fmtShanghai(ms) {
  const iso = new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * "yyyy-MM-dd HH:mm:ss" or "yyyy-MM-dd" (Asia/Shanghai) → epoch ms, or null if unparseable.
 * A date-only value means 00:00:00, or 23:59:59.999 when `endOfDay` is set.
 */
export function parseShanghai(s, { endOfDay = false } = {}) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m;
  let ms;
  if (h === undefined) {
    ms = Date.UTC(+y, +mo - 1, +d, endOfDay ? 23 : 0, endOfDay ? 59 : 0, endOfDay ? 59 : 0, endOfDay ? 999 : 0);
  } else {
    ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, se === undefined ? 0 : +se);
  }
  if (Number.isNaN(ms)) return null;
  return ms - SHANGHAI_OFFSET_MS;
}

/**
 * Lenient integer reading: a JSON integer, or a string of an optionally signed integer.
 * Returns a Number or null.
 */
export function asInt(v) {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^[+-]?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** Non-empty string (numbers are stringified). */
export function asStr(v) {
  if (typeof v === 'string') return v.length ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** Percent-decode a string into UTF-8 without ever throwing ('+' is left alone; bad escapes stay literal). */
export function pctDecode(s) {
  const parts = [];
  let last = 0;
  const re = /%[0-9A-Fa-f]{2}/g;
  let m;
  while ((m = re.exec(s)) !== null) {
    if (m.index > last) parts.push(Buffer.from(s.slice(last, m.index), 'utf8'));
    parts.push(Buffer.from([parseInt(m[0].slice(1), 16)]));
    last = m.index + 3;
  }
  if (last < s.length) parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}

/** application/x-www-form-urlencoded decoding of one component: '+' → space, then %XX. */
export const formDecode = (s) => pctDecode(s.replace(/\+/g, ' '));

/** Deep clone of plain JSON data. */
export const clone = (x) => JSON.parse(JSON.stringify(x));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A JSON HTTP answer as the server module expects it from vendor handlers. */
export function jsonReply(status, obj, headers = {}, note = '') {
  return { status, headers: { 'Content-Type': 'application/json;charset=utf-8', ...headers }, body: JSON.stringify(obj), note };
}

export function rawReply(status, body, headers = {}, note = '') {
  return { status, headers: { 'Content-Type': 'application/json;charset=utf-8', ...headers }, body, note };
}

// ---------------------------------------------------------------- operations outside the table
// Each vendor answers any path of its API family (Kingdee `/jdy/v2/…`, Freemud any path, Qimai any
// v2 Action and `/v3/…` path) with its generic success once the request passes the same gateway
// checks as a known route (signature, timestamp, token). The data says what the sim received.

/** A 19-digit id written as a JSON number, as vendors write ids: a client must return it exact. */
export const GENERIC_ID = '1790000000000000001';

/** The generic success data as JSON text: `{"simGeneric":true,"id":<GENERIC_ID>,"echo":…}`. */
export const genericDataText = (echo) => `{"simGeneric":true,"id":${GENERIC_ID},"echo":${JSON.stringify(echo)}}`;

/** A path of unreserved characters under `prefix`, no empty, `.` or `..` segment. */
export function isApiPath(path, prefix = '/') {
  if (typeof path !== 'string' || !path.startsWith(prefix) || path.length > 256) return false;
  const rest = path.slice(prefix.length);
  return rest.length > 0 && /^[A-Za-z0-9\-._~/]+$/.test(rest) && rest.split('/').every((seg) => seg && seg !== '.' && seg !== '..');
}

/** A bounded log of what verified requests carried (state().seen): tests read what the sim saw. */
export function seenLog(max = 50) {
  const list = [];
  return {
    add(entry) { list.push(entry); if (list.length > max) list.shift(); },
    clear() { list.length = 0; },
    toJSON() { return list.slice(); },
  };
}

/** Simple per-route request counter. */
export class Counters {
  constructor() { this.reset(); }
  reset() { this.total = 0; this.byRoute = {}; }
  hit(method, path) {
    this.total += 1;
    const k = `${method} ${path}`;
    this.byRoute[k] = (this.byRoute[k] || 0) + 1;
  }
  toJSON() { return { total: this.total, byRoute: { ...this.byRoute } }; }
}
