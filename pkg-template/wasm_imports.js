// The JavaScript the wasm imports (src/wasm/js.rs binds each export; wasm-bindgen copies this file into
// snippets/): the `JifenError` class, the unpacking of what the wasm hands back as one string, one fetch
// attempt with its timeout and hooks, `setTimeout` as a promise, WebCrypto RSA, a call into a JS store,
// ledger iterator steps and the reading of a pushed request. Plain ES2020, no imports: scripts/pkg-finish.mjs
// writes its CommonJS twin, and `make lint` runs `deno lint` on it.

export class JifenError extends Error {
  constructor(code, message, details) {
    super(message, details?.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'JifenError';
    this.code = code;
    this.vendor = details?.vendor ?? null;
    this.vendorCode = details?.vendorCode ?? null;
    this.httpStatus = details?.httpStatus ?? null;
    this.requestId = details?.requestId ?? null;
    this.retryable = details?.retryable ?? false;
    this.retryAfterMs = details?.retryAfterMs ?? null;
  }
  toJSON() {
    return {
      name: this.name, code: this.code, message: this.message, vendor: this.vendor, vendorCode: this.vendorCode,
      httpStatus: this.httpStatus, requestId: this.requestId, retryable: this.retryable, retryAfterMs: this.retryAfterMs,
    };
  }
}
export function jifen_error_class() {
  return JifenError;
}
export function make_jifen_error(code, message, vendor, vendorCode, httpStatus, requestId, retryable, retryAfterMs, cause) {
  return new JifenError(code, message, { vendor, vendorCode, httpStatus, requestId, retryable, retryAfterMs, cause });
}

// The parts of a string packed by src/wasm/pack.rs: char 0 is a flags word, char 1 the number of parts n,
// then each part's length in UTF-16 units as two 15-bit chars (high, low), then the parts back to back.
// One string crosses instead of one per part (each crossing is a decode), and no JSON is parsed.
function unpack(s) {
  const n = s.charCodeAt(1);
  const parts = new Array(n);
  let pos = 2 + 2 * n;
  for (let i = 0; i < n; i++) {
    const end = pos + s.charCodeAt(2 + 2 * i) * 32768 + s.charCodeAt(3 + 2 * i);
    parts[i] = s.slice(pos, end);
    pos = end;
  }
  return parts;
}

// The other way: parts packed for src/wasm/pack.rs `unpack` (flags 0).
function pack(parts) {
  let head = String.fromCharCode(0, parts.length);
  for (const p of parts) head += String.fromCharCode(p.length >> 15, p.length & 0x7fff);
  return head + parts.join('');
}

// JSON text of `v` (src/wasm/convert.rs reads params this way: the caller's key order and number text),
// or undefined where JSON.stringify gives none or throws (BigInt, a cycle). It never throws: an import
// that may throw is wrapped by the glue in a closure per call (src/wasm/js.rs).
export function jifen_json(v) {
  try { return JSON.stringify(v); } catch { return undefined; }
}

// A flat object (a config, the options) as packed [key, tagged value, …] for src/wasm/convert.rs: one
// crossing and no JSON text for the strings, booleans and safe integers a config or the options hold.
// Tags: s string, n safe integer (its digits), b "t"/"f", z null, j JSON text of anything else, e
// JSON.stringify threw. Its own enumerable keys, in JSON.stringify's order; what JSON.stringify leaves
// out (undefined, functions, symbols) is left out. Undefined where reading the object threw (a getter, a
// Proxy): it never throws, like jifen_json.
export function jifen_flat(o) {
  try { return flat(o); } catch { return undefined; }
}
function flat(o) {
  const parts = [];
  for (const k of Object.keys(o)) {
    const v = o[k];
    let t;
    switch (typeof v) {
      case 'undefined': case 'function': case 'symbol': continue;
      case 'string': t = 's' + v; break;
      case 'boolean': t = v ? 'bt' : 'bf'; break;
      default:
        if (v === null) t = 'z';
        else if (Number.isSafeInteger(v)) t = 'n' + String(v);
        else {
          try { t = JSON.stringify(v); } catch { t = 'e'; break; }
          if (t === undefined) continue;
          t = 'j' + t;
        }
    }
    parts.push(k, t);
  }
  return pack(parts);
}

// `{ method, url, headers, body, stringToSign }` from [method, url, body, stringToSign, name, value, …];
// flags bit 0: the body is present (else null).
export function jifen_signed(packed) {
  const p = unpack(packed);
  const headers = {};
  for (let i = 4; i < p.length; i += 2) headers[p[i]] = p[i + 1];
  return { method: p[0], url: p[1], headers, body: packed.charCodeAt(0) & 1 ? p[2] : null, stringToSign: p[3] };
}

// One fetch attempt (src/wasm/fetch.rs). `req` is packed: [method, url, body, secret, name, value, …], flags
// bit 0: the body is present; secret holds "1" at k where header k is a credential (masked in what the hooks
// see), "0" elsewhere. Resolves to
// `{ status, head, body }` (head: the reply's headers as "name\0value\0…", which fetch's Headers never
// contain a NUL in) or `{ timeout, message, cause? }` when nothing usable came back; never rejects. The timer
// is cleared on every path (an uncleared one counts against workerd's per-isolate timer cap).
// The reply headers to read (`names`, NUL-separated: src/core/request.rs REPLY_HEADERS), split once.
let wantedText = '', wanted = [];
export async function jifen_send(fetchFn, req, timeoutMs, onRequest, onResponse, names) {
  const flags = req.charCodeAt(0);
  const [method, url, body, secret, ...h] = unpack(req);
  const event = () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 2) headers[h[i]] = secret[i / 2] === '1' ? '***' : h[i + 1];
    return { method, url: url.split('?')[0], headers };
  };
  if (onRequest) try { onRequest(event()); } catch { /* a hook's failure is not the request's */ }
  const started = Date.now();
  let aborted = false, controller = null, timer;
  try { controller = new AbortController(); } catch { /* no AbortController: no timeout */ }
  if (controller) timer = setTimeout(() => { aborted = true; controller.abort(); }, timeoutMs);
  const fail = (what, cause) => ({ timeout: aborted, message: aborted ? 'request timed out' : what, cause });
  const receive = async () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 2) headers[h[i]] = h[i + 1];
    const init = { method, headers };
    if (flags & 1) init.body = body;
    if (controller) init.signal = controller.signal;
    let pending, resp, buffer;
    try { pending = fetchFn ? Promise.resolve(fetchFn(url, init)) : fetch(url, init); }
    catch (e) { return { timeout: false, message: 'fetch threw before sending (is fetch available here?)', cause: e }; }
    try { resp = await pending; } catch (e) { return fail('network error (connection refused, reset or blocked)', e); }
    const status = resp.status & 0xffff, head = [];
    // Only the headers jifen reads, by `get`: iterating every header of a reply cost ~8 µs per call in
    // workerd (docs/benchmarks.md). A `Headers` or a `Map` keyed in lower case; else no headers.
    if (names !== wantedText) { wantedText = names; wanted = names.split('\0'); }
    try {
      for (const k of wanted) { const v = resp.headers.get(k); if (typeof v === 'string') head.push(k, v); }
    } catch { /* headers unreadable: none */ }
    try { buffer = resp.arrayBuffer(); } catch (e) { return fail('could not read the reply body', e); }
    try { buffer = await buffer; } catch (e) { return fail('connection lost while reading the reply', e); }
    return { status, head: head.join('\0'), body: new Uint8Array(buffer) };
  };
  let reply;
  try { reply = await receive(); } finally { if (controller) clearTimeout(timer); }
  if (onResponse) {
    const e = event();
    e.durationMs = Date.now() - started;
    if (reply.message === undefined) e.status = reply.status; else e.error = reply.message;
    try { onResponse(e); } catch { /* a hook's failure is not the request's */ }
  }
  return reply;
}
export function jifen_sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// WebCrypto RSA (src/wasm/subtle.rs): op 0 imports a PKCS#8 key (a), 1 an SPKI key, 2 signs a with key,
// 3 verifies signature a over b. Rejects with `true` where WebCrypto is missing, with what the platform
// rejected with where it refused. The platform's own promise, not an async function's: its settling wakes
// the caller directly, without two more microtasks (signing resolves to an ArrayBuffer).
function subtle(op, key, a, b) {
  try {
    const s = crypto.subtle, alg = 'RSASSA-PKCS1-v1_5';
    return op === 2 ? s.sign(alg, key, a.slice())
      : op === 3 ? s.verify(alg, key, a.slice(), b.slice())
      : s.importKey(op ? 'spki' : 'pkcs8', a.slice(), { name: alg, hash: 'SHA-256' }, false, [op ? 'verify' : 'sign']);
  } catch { return Promise.reject(true); }
}
// One WebCrypto operation, awaited for src/wasm/settle.rs: done(id, value, fulfilled) once it settles.
export function jifen_subtle(op, key, a, b, id, done) {
  jifen_settle(subtle(op, key, a, b), id, done);
}
// Awaits p for src/wasm/settle.rs: done(id, value, fulfilled) once it settles (one Rust callback for all).
export function jifen_settle(p, id, done) {
  p.then((v) => done(id, v, true), (e) => done(id, e, false));
}
// An import started now and awaited later (subtle.rs); its rejection is marked handled, so a key no call
// uses is no unhandled rejection.
export function jifen_kept(der) {
  const p = subtle(0, undefined, der);
  p.catch(() => {});
  return p;
}
export async function jifen_call(obj, fn, n, a, b, c, ms) {
  const v = n === 0 ? fn.call(obj) : n === 1 ? fn.call(obj, a) : n === 2 ? fn.call(obj, a, b) : fn.call(obj, a, b, c);
  let timer;
  try { return { value: await Promise.race([v, new Promise((_, no) => { timer = setTimeout(no, ms); })]) }; }
  finally { clearTimeout(timer); }
}
export function jifen_step(done, value) {
  return { done, value };
}
export function jifen_done() {
  return { done: true };
}
export function jifen_bytes(b) {
  if (typeof b === 'string') return new TextEncoder().encode(b);
  return b instanceof Uint8Array || b instanceof ArrayBuffer ? new Uint8Array(b) : undefined;
}
export function jifen_header(h, name) {
  if (typeof h !== 'object' || h === null) return undefined;
  let get, v;
  try { get = h.get; } catch { /* an unreadable get: treat as a plain object */ }
  try {
    if (typeof get === 'function') v = get.call(h, name);
    else {
      const k = Object.keys(h).find((k) => k.replace(/[A-Z]/g, (c) => c.toLowerCase()) === name);
      if (k !== undefined) v = h[k];
    }
  } catch { /* unreadable: absent */ }
  return typeof v === 'string' ? v : undefined;
}
