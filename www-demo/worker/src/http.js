// HTTP plumbing: JSON responses, the error code → status table, the body
// reader with its size limit, and the last-line redaction of secrets.

import { duplicateKeyMessage, findDuplicateKey } from './json.js';

/** HTTP status per error code: jifen's JifenError codes and the gateway's own. */
export const STATUS_BY_CODE = {
  invalid_input: 400,
  callback_invalid: 400,
  unauthorized: 401, // gateway: staff token missing, unknown or revoked
  forbidden: 403, // gateway: Origin not the admin origin, or the staff member's role may not do this
  over_limit: 403, // gateway: a change above the staff member's per-change limit
  not_found: 404, // gateway: no such route
  method_not_allowed: 405, // gateway
  conflict: 409, // another request holds this Idempotency-Key (in flight, or interrupted)
  payload_too_large: 413, // gateway: body over MAX_BODY_BYTES
  unsupported_media_type: 415, // gateway: POST body not application/json
  vendor: 422, // the vendor refused (member unknown, not enough points, …)
  rate_limited: 429,
  config: 500, // the gateway's own configuration is wrong
  internal: 500, // a bug; details only in the log
  unsupported: 422, // a well-formed request this vendor (or this build) cannot carry out: the caller's to change
  network: 502,
  http: 502,
  auth: 502, // the vendor refused the gateway's credentials: not the admin's fault
  signature: 502,
  parse: 502,
  outcome_unknown: 502, // the change may or may not have been applied
  unavailable: 503, // gateway: the audit trail could not be written (nothing was sent)
  timeout: 504,
};

/** An error the gateway raises itself (before or instead of a vendor call). */
export class GatewayError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.extra = extra;
  }
}

export const invalid = (message) => new GatewayError('invalid_input', message);

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * Replaces every occurrence of every secret in `text` with `***`: the value as
 * is, as it reads inside a JSON string, and each line of a PEM key's body.
 */
export function redact(text, secrets) {
  let out = text;
  for (const s of secrets) {
    const forms = new Set([s, JSON.stringify(s).slice(1, -1)]);
    if (s.includes('-----BEGIN')) {
      for (const line of s.split(/\r?\n|\\n/)) if (line.length >= 16 && !line.startsWith('-----')) forms.add(line);
    }
    for (const f of forms) if (f.length >= 4 && out.includes(f)) out = out.split(f).join('***');
  }
  return out;
}

/** A JSON response; the serialised body passes through `redact` whatever it holds. */
export function json(status, value, secrets, headers = {}) {
  const body = redact(JSON.stringify(value), secrets);
  return new Response(body, { status, headers: { ...BASE_HEADERS, ...headers } });
}

/**
 * `{ error: { code, message, vendor?, vendorCode?, httpStatus?, requestId?, retryable, retryAfterMs? } }`
 * for a JifenError or a GatewayError; anything else is `internal` with no detail.
 */
export function errorBody(e) {
  const known = e && typeof e === 'object' && typeof e.code === 'string' && e.code in STATUS_BY_CODE
    && (e.name === 'JifenError' || e instanceof GatewayError);
  if (!known) return { status: 500, body: { error: { code: 'internal', message: 'internal error', retryable: false } } };
  const error = { code: e.code, message: String(e.message) };
  for (const k of ['vendor', 'vendorCode', 'httpStatus', 'requestId']) {
    if (e[k] !== undefined && e[k] !== null) error[k] = e[k];
  }
  error.retryable = e.retryable === true;
  if (typeof e.retryAfterMs === 'number') error.retryAfterMs = e.retryAfterMs;
  const headers = {};
  if (typeof e.retryAfterMs === 'number') headers['retry-after'] = String(Math.max(1, Math.ceil(e.retryAfterMs / 1000)));
  if (Number.isSafeInteger(e.extra?.limit)) error.limit = e.extra.limit; // over_limit: the caller's limit
  Object.assign(headers, e.extra?.headers);
  return { status: STATUS_BY_CODE[e.code], body: { error }, headers };
}

/**
 * The request body, at most `limit` bytes: refused by Content-Length before
 * reading, and by counting while reading (a chunked body has no length).
 */
export async function readBody(request, limit) {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared.trim())) throw invalid('Content-Length is not a number');
    if (Number(declared) > limit) throw tooLarge(`Content-Length is over ${limit} bytes`);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch {
      // The client went away mid-body (workerd: "Network connection lost"), or sent a broken chunk.
      throw shortBody(declared);
    }
    const { done, value } = step;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`the body is over ${limit} bytes`);
    }
    chunks.push(value);
  }
  if (declared !== null && total < Number(declared)) throw shortBody(declared);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A body that ended before all of it arrived: the client's fault (400), not the gateway's. */
function shortBody(declared) {
  return invalid(declared === null
    ? 'the body ended before it was complete'
    : `the body ended before its Content-Length (${Number(declared)} bytes)`);
}

function tooLarge(message) {
  return new GatewayError('payload_too_large', message, { headers: { connection: 'close' } });
}

/** A POST body that must be a JSON object, each key at most once in every object (json.js). */
export async function readJsonObject(request, limit) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    throw new GatewayError('unsupported_media_type', 'the body must be application/json');
  }
  const bytes = await readBody(request, limit);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('the body is not UTF-8');
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('the body is not valid JSON');
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate) throw invalid(duplicateKeyMessage(duplicate));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('the body must be a JSON object');
  return value;
}
