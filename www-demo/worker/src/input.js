// Validation of everything a caller sends, before anything reaches the vendor.
// Each function returns the arguments of one jifen Client method or throws
// `invalid_input`. Messages name the field, never echo a value.

import { invalid } from './http.js';

/** The unified reasons (docs/architecture.md §4, the JS API contract). */
export const REASONS = [
  'purchase', 'sign_in', 'manual_grant', 'promotion', 'registration', 'birthday',
  'profile_completion', 'top_up_bonus', 'migration', 'upgrade',
  'redemption', 'points_payment', 'manual_deduction',
  'earn_reversal', 'payment_refund', 'expiry',
];

const MEMBER_KINDS = { id: 'id', mobile: 'mobile', card: 'cardId' };
const MEMBER_VALUE = /^[A-Za-z0-9_.@+-]{1,64}$/;
const MAX_DELTA = 1_000_000_000;

function checkMemberValue(key, value) {
  if (typeof value !== 'string' || !MEMBER_VALUE.test(value)) {
    throw invalid(`member.${key} must be 1–64 characters of letters, digits and _ . @ + -`);
  }
}

/**
 * `mobile:13800000001`, `id:M001,card:C001`, or a bare id → `{ id?, mobile?, cardId? }`.
 */
export function parseMemberRef(text) {
  if (typeof text !== 'string' || text.length === 0 || text.length > 256) {
    throw invalid('member must be kind:value pairs joined by commas (kind: id, mobile or card), or a bare id');
  }
  const member = {};
  for (const part of text.split(',')) {
    const i = part.indexOf(':');
    const kind = i < 0 ? 'id' : part.slice(0, i);
    const value = i < 0 ? part : part.slice(i + 1);
    const key = Object.hasOwn(MEMBER_KINDS, kind) ? MEMBER_KINDS[kind] : null;
    if (!key) throw invalid('member kind must be id, mobile or card');
    if (key in member) throw invalid(`member names ${kind} twice`);
    checkMemberValue(key, value);
    member[key] = value;
  }
  return member;
}

/** A member as a JSON body gives it: a reference string or `{ id?, mobile?, cardId? }`. */
export function memberFromJson(value) {
  if (typeof value === 'string') return parseMemberRef(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('member must be a reference string or an object { id?, mobile?, cardId? }');
  }
  const keys = Object.keys(value);
  if (keys.length === 0) throw invalid('member needs at least one of id, mobile, cardId');
  const member = {};
  for (const k of keys) {
    if (!['id', 'mobile', 'cardId'].includes(k)) throw invalid('member accepts only id, mobile and cardId');
    checkMemberValue(k, value[k]);
    member[k] = value[k];
  }
  return member;
}

function onlyKeys(obj, allowed, what) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw invalid(`${what} does not take "${k.slice(0, 32).replace(/[^\w.-]/g, '?')}"; allowed: ${allowed.join(', ')}`);
  }
}

/** The query parameters, each at most once and all known. */
export function queryParams(url, allowed) {
  const out = {};
  for (const [k, v] of url.searchParams) {
    if (!allowed.includes(k)) throw invalid(`unknown query parameter; allowed: ${allowed.join(', ')}`);
    if (k in out) throw invalid(`query parameter ${k} given twice`);
    out[k] = v;
  }
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function optionalDate(value, name) {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid(`${name} must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T08:00:00+08:00`);
  }
  return value;
}

function optionalPageSize(value) {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^\d{1,3}$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) throw invalid('pageSize must be an integer from 1 to 100');
  return n;
}

function optionalCursor(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048 || !/^[\x21-\x7e]+$/.test(value)) {
    throw invalid('cursor must be the opaque string a previous page returned');
  }
  return value;
}

function optionalText(value, name, max, pattern) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max || (pattern && !pattern.test(value))
    || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalid(`${name} must be a string of 1–${max} characters${pattern ? ' (letters, digits, _ . : -)' : ''} without control characters`);
  }
  return value;
}

/** An Idempotency-Key: 1–128 visible ASCII characters. */
export function idempotencyKey(value, where = 'the Idempotency-Key header') {
  if (value === null || value === undefined || value === '') throw invalid(`${where} is required on a points change`);
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw invalid(`${where} must be 1–128 visible ASCII characters`);
  }
  return value;
}

/** Arguments of `getMember` / `getBalance`. */
export function memberArgs(obj) {
  onlyKeys(obj, ['member'], 'this call');
  if (obj.member === undefined) throw invalid('member is required');
  return { member: memberFromJson(obj.member) };
}

/** Arguments of `ledgerPage` from an object whose values may be strings (a query) or JSON. */
export function ledgerArgs(obj) {
  onlyKeys(obj, ['member', 'cursor', 'from', 'to', 'pageSize'], 'ledger');
  if (obj.member === undefined) throw invalid('member is required');
  const args = { member: memberFromJson(obj.member) };
  const from = optionalDate(obj.from, 'from');
  const to = optionalDate(obj.to, 'to');
  if (from && to && Date.parse(from) > Date.parse(to)) throw invalid('from is after to');
  const pageSize = optionalPageSize(obj.pageSize);
  const cursor = optionalCursor(obj.cursor);
  if (from !== undefined) args.from = from;
  if (to !== undefined) args.to = to;
  if (pageSize !== undefined) args.pageSize = pageSize;
  if (cursor !== undefined) args.cursor = cursor;
  return args;
}

/** Arguments of `adjustPoints`: the body fields plus the idempotency key. */
export function adjustArgs(body, key) {
  onlyKeys(body, ['member', 'delta', 'reason', 'orderId', 'remark'], 'adjust');
  if (body.member === undefined) throw invalid('member is required');
  const args = { member: memberFromJson(body.member) };
  if (!Number.isSafeInteger(body.delta) || body.delta === 0 || Math.abs(body.delta) > MAX_DELTA) {
    throw invalid(`delta must be a non-zero integer between -${MAX_DELTA} and ${MAX_DELTA}`);
  }
  args.delta = body.delta;
  if (typeof body.reason !== 'string' || !REASONS.includes(body.reason)) {
    throw invalid(`reason must be one of ${REASONS.join(', ')}`);
  }
  args.reason = body.reason;
  args.idempotencyKey = idempotencyKey(key);
  const orderId = optionalText(body.orderId, 'orderId', 64, /^[A-Za-z0-9_.:-]+$/);
  const remark = optionalText(body.remark, 'remark', 200);
  if (orderId !== undefined) args.orderId = orderId;
  if (remark !== undefined) args.remark = remark;
  return args;
}

/** The unified methods `POST /api/preview` can show. */
export const PREVIEW_METHODS = ['adjustPoints', 'getBalance', 'ledgerPage', 'getMember'];

const VENDOR_OPERATION = /^(\/[A-Za-z0-9_.\/-]{1,200}|[a-z][a-z0-9_-]*(\.[a-z0-9_-]+){1,6})$/;

/**
 * `{ method, args }` → `{ unified: true, method, args }` for a unified method,
 * or `{ unified: false, operation, params }` for a vendor-native operation id
 * ("/jdy/v2/ls/integral_adjust", "user.points-add"), shown with buildRequest.
 */
export function previewArgs(body) {
  onlyKeys(body, ['method', 'args'], 'preview');
  const { method } = body;
  const args = body.args ?? {};
  if (typeof method !== 'string') throw invalid(`method must be one of ${PREVIEW_METHODS.join(', ')} or a vendor operation id`);
  if (PREVIEW_METHODS.includes(method)) {
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw invalid('args must be an object');
    if (method === 'adjustPoints') {
      const { idempotencyKey: key, ...rest } = args;
      return { unified: true, method, args: adjustArgs(rest, idempotencyKey(key, 'args.idempotencyKey')) };
    }
    if (method === 'ledgerPage') return { unified: true, method, args: ledgerArgs(args) };
    return { unified: true, method, args: memberArgs(args) };
  }
  if (!VENDOR_OPERATION.test(method) || method.includes('..')) {
    throw invalid(`method must be one of ${PREVIEW_METHODS.join(', ')} or a vendor operation id`);
  }
  // Kingdee's token plumbing: its signed request carries app_signature (HMAC of appSecret),
  // and jifen makes these calls itself.
  if (method.startsWith('/jdyconnector/app_management/')) {
    throw invalid('the vendor\'s token operations cannot be previewed here');
  }
  const paramsOk = typeof args === 'string' || (args && typeof args === 'object' && !Array.isArray(args));
  if (!paramsOk) throw invalid('args must be an object (or, for Freemud, the exact requestBody string)');
  return { unified: false, operation: method, params: args };
}
