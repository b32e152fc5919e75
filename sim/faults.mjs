// Fault injection: a list of pending faults, matched against each vendor request.
//
// A fault is { vendor?, path?, method?, member?, nth?, kind, ms?, holdMs?, status?, retryAfter?, body?, times? }.
// Targeting: `path` is a prefix of the vendor path; `method` the HTTP method; `member` a string the
// request's body or query must contain (a member id or mobile); `nth` (default 1) skips the first
// nth-1 matching requests, so a fault can hit e.g. the 3rd adjust of one member and nothing else.
//   latency         wait `ms` (default 1000) before handling normally
//   status          answer HTTP `status` (default 503) with a vendor-shaped error body; state untouched
//   malformed       answer 200 with a truncated, non-JSON body (or `body` if given); state untouched
//   drop            destroy the socket without answering; state untouched
//   apply_no_reply  handle the request normally (the write happens), then destroy the socket
//   rate_limit      answer 429 with `Retry-After: retryAfter` (default 1 s); state untouched
//   apply_late      the vendor's gateway checks run now (a refusal is answered); then nothing while the
//                   client waits in vain (until it hangs up, or `holdMs` real ms, default 120000, then the
//                   socket is destroyed); the request lands `ms` of sim time after that (default 1000,
//                   up to 1 h: a clock jump brings it forward) and is handled then, at that sim time,
//                   checks again included: past Kingdee's 5-minute window it is refused, not written
// `times` (default 1) is how many matching requests the fault affects.

export const FAULT_KINDS = ['latency', 'status', 'malformed', 'drop', 'apply_no_reply', 'rate_limit', 'apply_late'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const VENDORS = ['kingdee', 'freemud', 'qimai'];

export class FaultError extends Error {}

function normalise(spec, id) {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new FaultError('a fault must be an object');
  const { vendor, path, kind } = spec;
  if (!FAULT_KINDS.includes(kind)) throw new FaultError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  if (vendor !== undefined && !VENDORS.includes(vendor)) throw new FaultError(`vendor must be one of ${VENDORS.join(', ')}`);
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) throw new FaultError('path must start with /');
  const times = spec.times === undefined ? 1 : spec.times;
  if (!Number.isSafeInteger(times) || times < 1) throw new FaultError('times must be a positive integer');
  const f = { id, vendor, path, kind, times };
  if (spec.method !== undefined) {
    if (typeof spec.method !== 'string' || !METHODS.includes(spec.method.toUpperCase())) throw new FaultError(`method must be one of ${METHODS.join(', ')}`);
    f.method = spec.method.toUpperCase();
  }
  if (spec.member !== undefined) {
    if (typeof spec.member !== 'string' || !/^[A-Za-z0-9_.@+-]{1,64}$/.test(spec.member)) throw new FaultError('member must be a member id or mobile (1-64 of A-Z a-z 0-9 _ . @ + -)');
    f.member = spec.member;
  }
  const nth = spec.nth === undefined ? 1 : spec.nth;
  if (!Number.isSafeInteger(nth) || nth < 1) throw new FaultError('nth must be a positive integer');
  f.nth = nth;
  f.seen = 0;
  if (kind === 'apply_late') {
    f.ms = spec.ms === undefined ? 1000 : spec.ms;
    if (!Number.isFinite(f.ms) || f.ms < 0 || f.ms > 3600000) throw new FaultError('ms must be 0..3600000 (sim time after the client gave up)');
    f.holdMs = spec.holdMs === undefined ? 120000 : spec.holdMs;
    if (!Number.isFinite(f.holdMs) || f.holdMs < 0 || f.holdMs > 600000) throw new FaultError('holdMs must be 0..600000');
  }
  if (kind === 'latency') {
    f.ms = spec.ms === undefined ? 1000 : spec.ms;
    if (!Number.isFinite(f.ms) || f.ms < 0 || f.ms > 120000) throw new FaultError('ms must be 0..120000');
  }
  if (kind === 'status') {
    f.status = spec.status === undefined ? 503 : spec.status;
    if (!Number.isSafeInteger(f.status) || f.status < 200 || f.status > 599) throw new FaultError('status must be an HTTP status 200..599');
  }
  if (kind === 'rate_limit') {
    f.retryAfter = spec.retryAfter === undefined ? 1 : spec.retryAfter;
    if (!Number.isSafeInteger(f.retryAfter) || f.retryAfter < 0) throw new FaultError('retryAfter must be a non-negative integer (seconds)');
  }
  if (kind === 'malformed' && spec.body !== undefined) {
    if (typeof spec.body !== 'string') throw new FaultError('body must be a string');
    f.body = spec.body;
  }
  return f;
}

export class Faults {
  constructor() { this.list = []; this.nextId = 1; }

  /** Add one fault or an array of faults; all-or-nothing. Returns the stored faults. */
  add(specs) {
    const arr = Array.isArray(specs) ? specs : [specs];
    if (arr.length === 0) throw new FaultError('no fault given');
    const made = arr.map((s, i) => normalise(s, this.nextId + i));
    this.nextId += made.length;
    this.list.push(...made);
    return made;
  }

  clear() { this.list = []; }

  /**
   * Consume the faults matching one request: every matching latency fault (their delays add up)
   * and the first matching non-latency fault.
   * `vendorPath` is the path beneath the vendor prefix, `fullPath` the path as requested;
   * `method` and `text` (the body and the decoded query) serve the `method` and `member` targets.
   */
  take(vendor, vendorPath, fullPath, { method = '', text = '' } = {}) {
    const matches = (f) => (f.vendor === undefined || f.vendor === vendor)
      && (f.path === undefined || vendorPath.startsWith(f.path) || fullPath.startsWith(f.path))
      && (f.method === undefined || f.method === method.toUpperCase())
      && (f.member === undefined || text.includes(f.member));
    // Counts a match; true once the fault's nth occurrence is reached.
    const due = (f) => { f.seen += 1; return f.seen >= f.nth; };
    let delayMs = 0;
    let action = null;
    for (const f of this.list) {
      if (!matches(f)) continue;
      if (f.kind === 'latency') { if (due(f)) { delayMs += f.ms; f.times -= 1; } }
      else if (!action) { if (due(f)) { action = { ...f }; f.times -= 1; } }
    }
    this.list = this.list.filter((f) => f.times > 0);
    return { delayMs, action };
  }

  toJSON() { return this.list.map((f) => ({ ...f })); }
}
