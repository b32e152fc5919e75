// Validation of everything a caller sends, before anything reaches the vendor.
// Each function returns the arguments of one jifen Client method or throws
// `invalid_input`. Messages name the field, never echo a value.

import * as v from 'valibot';
import { GatewayError, invalid } from './http.js';

const MEMBER_KINDS = { id: 'id', mobile: 'mobile', card: 'cardId' };
const MEMBER_VALUE = /^[A-Za-z0-9_.@+-]{1,64}$/;
const MAX_DELTA = 1_000_000_000;

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
    member[key] = parse(memberText(key), value);
  }
  return member;
}

/** Runs `schema` on `value`: its output, or `invalid_input` with the first issue's message. */
function parse(schema, value) {
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (!result.success) throw invalid(result.issues[0].message);
  return result.output;
}

/** A JSON object (not null, not an array). */
const plainObject = (message) => v.custom((x) => x !== null && typeof x === 'object' && !Array.isArray(x), message);

/** A key shown in a message: at most 32 characters, nothing but word characters, `.` and `-`. */
const shown = (k) => k.slice(0, 32).replace(/[^\w.-]/g, '?');

/**
 * Refuses any own key not in `allowed` (`__proto__` included: valibot's object schemas pass
 * over that one and `constructor` silently, and the gateway refuses every key it does not take).
 */
const onlyKeys = (allowed, message) => v.rawCheck(({ dataset, addIssue }) => {
  const extra = Object.keys(dataset.value).find((k) => !allowed.includes(k));
  if (extra !== undefined) addIssue({ message: message(extra) });
});
const takesOnly = (what, allowed) => onlyKeys(allowed, (k) => `${what} does not take "${shown(k)}"; allowed: ${allowed.join(', ')}`);
const required = (key) => v.check((o) => o[key] !== undefined, `${key} is required`);

/** One of a member's identifiers (`key`: id, mobile or cardId). */
const memberText = (key) => {
  const message = `member.${key} must be 1–64 characters of letters, digits and _ . @ + -`;
  return v.pipe(v.string(message), v.regex(MEMBER_VALUE, message));
};
const memberValue = (key) => v.optional(memberText(key));

/** `{ id?, mobile?, cardId? }`, at least one. */
const MemberObject = v.pipe(
  plainObject('member must be a reference string or an object { id?, mobile?, cardId? }'),
  v.check((m) => Object.keys(m).length > 0, 'member needs at least one of id, mobile, cardId'),
  onlyKeys(['id', 'mobile', 'cardId'], () => 'member accepts only id, mobile and cardId'),
  v.strictObject({ id: memberValue('id'), mobile: memberValue('mobile'), cardId: memberValue('cardId') }),
);

/** A member as a JSON body gives it: a reference string or `{ id?, mobile?, cardId? }`. */
export function memberFromJson(value) {
  if (typeof value === 'string') return parseMemberRef(value);
  return parse(MemberObject, value);
}

/** The query parameters, each at most once and all known. */
export function queryParams(url, allowed) {
  const out = {};
  for (const [k, val] of url.searchParams) {
    if (!allowed.includes(k)) throw invalid(`unknown query parameter; allowed: ${allowed.join(', ')}`);
    if (k in out) throw invalid(`query parameter ${k} given twice`);
    out[k] = val;
  }
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

const isoDate = (name) => {
  const message = `${name} must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T08:00:00+08:00`;
  return v.optional(v.pipe(v.string(message), v.regex(ISO_DATE, message), v.check((s) => !Number.isNaN(Date.parse(s)), message)));
};

const PAGE_SIZE_MESSAGE = 'pageSize must be an integer from 1 to 100';
/** 1–100, as a JSON number or a query's digits. */
const PageSize = v.optional(v.pipe(
  v.union([v.number(PAGE_SIZE_MESSAGE), v.pipe(v.string(PAGE_SIZE_MESSAGE), v.regex(/^\d{1,3}$/, PAGE_SIZE_MESSAGE), v.transform(Number))], PAGE_SIZE_MESSAGE),
  v.integer(PAGE_SIZE_MESSAGE), v.minValue(1, PAGE_SIZE_MESSAGE), v.maxValue(100, PAGE_SIZE_MESSAGE),
));

const CURSOR_MESSAGE = 'cursor must be the opaque string a previous page returned';
const Cursor = v.nullish(v.pipe(v.string(CURSOR_MESSAGE), v.regex(/^[\x21-\x7e]{1,2048}$/, CURSOR_MESSAGE)));

/** Free text of 1–`max` characters, no control characters (and `pattern` where given). */
const optionalText = (name, max, pattern) => {
  const message = `${name} must be a string of 1–${max} characters${pattern ? ' (letters, digits, _ . : -)' : ''} without control characters`;
  return v.nullish(v.pipe(
    v.string(message), v.minLength(1, message), v.maxLength(max, message),
    ...(pattern ? [v.regex(pattern, message)] : []),
    v.check((s) => !/[\u0000-\u001f\u007f]/.test(s), message),
  ));
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/** An Idempotency-Key: 1–128 visible ASCII characters. */
export function idempotencyKey(value, where = 'the Idempotency-Key header') {
  if (value === null || value === undefined || value === '') throw invalid(`${where} is required on a points change`);
  const message = `${where} must be 1–128 visible ASCII characters`;
  return parse(v.pipe(v.string(message), v.regex(IDEMPOTENCY_KEY, message)), value);
}

/** Drops the keys whose value is undefined or null (an absent optional). */
const present = (o) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined && x !== null));

const MemberArgs = v.pipe(plainObject('args must be an object'), takesOnly('this call', ['member']), required('member'));

/** Arguments of `getMember` / `getBalance`. */
export function memberArgs(obj) {
  parse(MemberArgs, obj);
  return { member: memberFromJson(obj.member) };
}

const LEDGER_KEYS = ['member', 'cursor', 'from', 'to', 'pageSize'];
const LedgerHead = v.pipe(plainObject('args must be an object'), takesOnly('ledger', LEDGER_KEYS), required('member'));
const LedgerDates = v.pipe(
  v.object({ from: isoDate('from'), to: isoDate('to') }),
  v.check(({ from, to }) => !(from && to && Date.parse(from) > Date.parse(to)), 'from is after to'),
);
const LedgerPage = v.object({ pageSize: PageSize, cursor: Cursor });

/** Arguments of `ledgerPage` from an object whose values may be strings (a query) or JSON. */
export function ledgerArgs(obj) {
  parse(LedgerHead, obj);
  const member = memberFromJson(obj.member);
  const { from, to } = parse(LedgerDates, obj);
  const { pageSize, cursor } = parse(LedgerPage, obj);
  return { member, ...present({ from, to, pageSize, cursor }) };
}

const DELTA_MESSAGE = `delta must be a non-zero integer between -${MAX_DELTA} and ${MAX_DELTA}`;
const Delta = v.pipe(v.number(DELTA_MESSAGE), v.safeInteger(DELTA_MESSAGE), v.check((d) => d !== 0 && Math.abs(d) <= MAX_DELTA, DELTA_MESSAGE));

/**
 * The gateway's format for each optional field of `adjustPoints` it knows; a field the
 * vendor's capabilities accept that is not here is free text of at most 200 characters.
 */
const FIELD_FORMATS = {
  orderId: optionalText('orderId', 64, /^[A-Za-z0-9_.:-]+$/),
  remark: optionalText('remark', 200),
};

/**
 * What `POST /api/adjust` takes from one vendor, built from its `capabilities()` (jifen's own
 * table, read once per isolate): the reasons it records, and the optional fields
 * it carries — plus `remark` always, which the gateway keeps in its audit trail where the vendor
 * has no field for it. A reason or field of the contract the vendor cannot carry is refused as
 * jifen would refuse it (`unsupported`, 422); anything else is `invalid_input`.
 */
export function adjustRules(caps) {
  const reasons = Object.keys(caps?.reasons ?? {});
  if (!reasons.length) throw new TypeError('adjustRules: capabilities() names no reasons');
  const recorded = reasons.filter((r) => caps.reasons[r]);
  const accepts = [...new Set([...(caps.operations?.adjustPoints?.accepts ?? []), 'remark'])];
  const fields = Object.fromEntries(accepts.map((f) => [f, FIELD_FORMATS[f] ?? optionalText(f, 200)]));
  return {
    vendor: caps.vendor ?? 'this vendor',
    reasons: recorded,
    all: reasons,
    accepts,
    allowed: ['member', 'delta', 'reason', ...accepts],
    extras: v.object(fields),
  };
}

const AdjustBody = plainObject('the body must be a JSON object');

/** `unsupported` (422): a well-formed request this vendor cannot carry out. */
function unsupported(message) {
  return new GatewayError('unsupported', message);
}

/** Arguments of `adjustPoints`: the body fields plus the idempotency key, by `rules` (adjustRules). */
export function adjustArgs(body, key, rules) {
  parse(AdjustBody, body);
  // A contract field left null is absent, as it always was.
  const extra = Object.keys(body).find((k) => !rules.allowed.includes(k) && !(Object.hasOwn(FIELD_FORMATS, k) && body[k] == null));
  if (extra !== undefined) {
    // A well-formed field of the contract this vendor has no place for: jifen's own answer, unsupported.
    if (Object.hasOwn(FIELD_FORMATS, extra) && parse(FIELD_FORMATS[extra], body[extra])) throw unsupported(`${rules.vendor} cannot carry ${extra}; it takes ${rules.allowed.join(', ')}`);
    throw invalid(`adjust does not take "${shown(extra)}"; allowed: ${rules.allowed.join(', ')}`);
  }
  parse(required('member'), body);
  const member = memberFromJson(body.member);
  const delta = parse(Delta, body.delta);
  // Its sign against the delta is jifen's to check (capabilities().reasonSigns says it too).
  const reason = parse(v.picklist(rules.all, `reason must be one of ${rules.reasons.join(', ')}`), body.reason);
  if (!rules.reasons.includes(reason)) throw unsupported(`${rules.vendor} cannot record reason ${reason} (capabilities().reasons); it records ${rules.reasons.join(', ')}`);
  const args = { member, delta, reason, idempotencyKey: idempotencyKey(key) };
  return { ...args, ...present(parse(rules.extras, Object.fromEntries(rules.accepts.map((f) => [f, body[f]])))) };
}

/** `format` of GET /api/audit: csv, or absent for JSON. */
export const auditFormat = (format) => parse(v.optional(v.literal('csv', 'format must be csv (or absent for JSON)')), format);

/** `cursor` of GET /api/audit: the opaque string a previous page returned. */
export const auditCursor = (cursor) => parse(v.optional(v.pipe(v.string(CURSOR_MESSAGE), v.regex(/^[\x21-\x7e]{1,1200}$/, CURSOR_MESSAGE))), cursor);

/** The unified methods `POST /api/preview` can show. */
export const PREVIEW_METHODS = ['adjustPoints', 'getBalance', 'ledgerPage', 'getMember'];

// A vendor operation id: a path or a Qimai v2 Action, a Kingdee path optionally with its method
// ("GET /jdy/v2/bd/customer": operations outside jifen's table are written so).
const VENDOR_OPERATION = /^((GET|POST) )?(\/[A-Za-z0-9_.\/~-]{1,200}|[a-z][a-z0-9_-]*(\.[a-z0-9_-]+){1,6})$/;

/**
 * `{ method, args }` → `{ unified: true, method, args }` for a unified method,
 * or `{ unified: false, operation, params }` for a vendor-native operation id
 * ("/jdy/v2/ls/integral_adjust", "user.points-add"), shown with buildRequest.
 */
export function previewArgs(body, rules) {
  parse(v.pipe(plainObject('the body must be a JSON object'), takesOnly('preview', ['method', 'args'])), body);
  const { method } = body;
  const args = body.args ?? {};
  if (typeof method !== 'string') throw invalid(`method must be one of ${PREVIEW_METHODS.join(', ')} or a vendor operation id`);
  if (PREVIEW_METHODS.includes(method)) {
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw invalid('args must be an object');
    if (method === 'adjustPoints') {
      const { idempotencyKey: key, ...rest } = args;
      return { unified: true, method, args: adjustArgs(rest, idempotencyKey(key, 'args.idempotencyKey'), rules) };
    }
    if (method === 'ledgerPage') return { unified: true, method, args: ledgerArgs(args) };
    return { unified: true, method, args: memberArgs(args) };
  }
  if (!VENDOR_OPERATION.test(method) || method.includes('..')) {
    throw invalid(`method must be one of ${PREVIEW_METHODS.join(', ')} or a vendor operation id`);
  }
  // Kingdee's token plumbing: its signed request carries app_signature (HMAC of appSecret),
  // and jifen makes these calls itself. (Checked on the path, with or without a method.)
  if (method.replace(/^(GET|POST) /, '').startsWith('/jdyconnector/')) {
    throw invalid('the vendor\'s token operations cannot be previewed here');
  }
  const paramsOk = typeof args === 'string' || (args && typeof args === 'object' && !Array.isArray(args));
  if (!paramsOk) throw invalid('args must be an object (or, for Freemud, the exact requestBody string)');
  return { unified: false, operation: method, params: args };
}
