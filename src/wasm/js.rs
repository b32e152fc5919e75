//! The hand-written JavaScript the binding imports, in one snippet (one
//! module for the glue to load, one gzip stream): the `JifenError` class, one
//! fetch attempt with its timeout and hooks, `setTimeout` as a promise,
//! WebCrypto RSA, a call into a JS store, ledger iterator steps, and the
//! reading of a pushed request. Each is used by the file named in its comment.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export class JifenError extends Error {
  constructor(code, message, details) {
    super(message);
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
    return { name: this.name, code: this.code, message: this.message, vendor: this.vendor, vendorCode: this.vendorCode,
             httpStatus: this.httpStatus, requestId: this.requestId, retryable: this.retryable, retryAfterMs: this.retryAfterMs };
  }
}
export function jifen_error_class() { return JifenError; }
export function make_jifen_error(code, message, vendor, vendorCode, httpStatus, requestId, retryable, retryAfterMs) {
  return new JifenError(code, message, { vendor, vendorCode, httpStatus, requestId, retryable, retryAfterMs });
}

export async function jifen_send(fetchFn, req, timeoutMs, onRequest, onResponse) {
  const [method, url, body, ...h] = JSON.parse(req);
  const event = () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 3) headers[h[i]] = h[i + 2] ? '***' : h[i + 1];
    return { method, url: url.split('?')[0], headers };
  };
  if (onRequest) try { onRequest(event()); } catch {}
  const started = Date.now();
  let aborted = false, controller = null, timer;
  try { controller = new AbortController(); } catch {}
  if (controller) timer = setTimeout(() => { aborted = true; controller.abort(); }, timeoutMs);
  const fail = (what) => ({ timeout: aborted, message: aborted ? 'request timed out' : what });
  const receive = async () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 3) headers[h[i]] = h[i + 1];
    const init = { method, headers };
    if (body !== null) init.body = body;
    if (controller) init.signal = controller.signal;
    let pending, resp, buffer;
    try { pending = fetchFn ? Promise.resolve(fetchFn(url, init)) : fetch(url, init); }
    catch { return { timeout: false, message: 'fetch threw before sending (is fetch available here?)' }; }
    try { resp = await pending; } catch { return fail('network error (connection refused, reset or blocked)'); }
    const status = resp.status & 0xffff, head = [];
    try { for (const e of resp.headers) if (typeof e[0] === 'string' && typeof e[1] === 'string') head.push(e[0], e[1]); } catch {}
    try { buffer = resp.arrayBuffer(); } catch { return fail('could not read the reply body'); }
    try { buffer = await buffer; } catch { return fail('connection lost while reading the reply'); }
    return { status, head: JSON.stringify(head), body: new Uint8Array(buffer) };
  };
  const reply = await receive();
  if (controller) clearTimeout(timer);
  if (onResponse) {
    const e = event();
    e.durationMs = Date.now() - started;
    if (reply.message === undefined) e.status = reply.status; else e.error = reply.message;
    try { onResponse(e); } catch {}
  }
  return reply;
}
export function jifen_sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function jifen_subtle(op, key, a, b) {
  let pending;
  try {
    const s = crypto.subtle, alg = 'RSASSA-PKCS1-v1_5';
    const params = { name: alg, hash: 'SHA-256' };
    pending = op === 0 ? s.importKey('pkcs8', a.slice(), params, false, ['sign'])
      : op === 1 ? s.importKey('spki', a.slice(), params, false, ['verify'])
      : op === 2 ? s.sign(alg, key, a.slice())
      : s.verify(alg, key, a.slice(), b.slice());
  } catch { throw true; }
  try { const v = await pending; return op === 2 ? new Uint8Array(v) : v; } catch { throw false; }
}
export function jifen_kept(der) {
  const p = jifen_subtle(0, undefined, der);
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
  try { get = h.get; } catch {}
  try {
    if (typeof get === 'function') v = get.call(h, name);
    else {
      const k = Object.keys(h).find((k) => k.replace(/[A-Z]/g, (c) => c.toLowerCase()) === name);
      if (k !== undefined) v = h[k];
    }
  } catch {}
  return typeof v === 'string' ? v : undefined;
}
"#)]
extern "C" {
    /// The `JifenError` class (error.rs).
    pub(super) fn jifen_error_class() -> JsValue;
    #[allow(clippy::too_many_arguments)]
    pub(super) fn make_jifen_error(
        code: &str,
        message: &str,
        vendor: Option<&str>,
        vendor_code: Option<&str>,
        http_status: Option<u16>,
        request_id: Option<&str>,
        retryable: bool,
        retry_after_ms: Option<f64>,
    ) -> JsValue;

    /// One fetch attempt (fetch.rs): resolves to a [`Reply`], never rejects.
    pub(super) fn jifen_send(
        fetch: Option<&Function>,
        req: &str,
        timeout_ms: f64,
        on_request: Option<&Function>,
        on_response: Option<&Function>,
    ) -> Promise;

    /// A promise that resolves after `ms`, by `setTimeout` (fetch.rs).
    pub(super) fn jifen_sleep(ms: f64) -> Promise;

    /// `{ status, head, body }`, or `{ timeout, message }` when nothing usable came back.
    pub(super) type Reply;
    #[wasm_bindgen(method, getter)]
    pub(super) fn message(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(super) fn timeout(this: &Reply) -> bool;
    #[wasm_bindgen(method, getter)]
    pub(super) fn status(this: &Reply) -> u16;
    /// The reply's headers as a JSON array `[name, value, name, value, …]`.
    #[wasm_bindgen(method, getter)]
    pub(super) fn head(this: &Reply) -> String;
    #[wasm_bindgen(method, getter)]
    pub(super) fn body(this: &Reply) -> Vec<u8>;

    /// WebCrypto RSA (subtle.rs): `op` 0 imports a PKCS#8 key (`a`), 1 an SPKI key, 2 signs `a` with
    /// `key`, 3 verifies signature `a` over `b`. Rejects with `true` where
    /// WebCrypto is missing, `false` where it refused.
    pub(super) fn jifen_subtle(op: u8, key: &JsValue, a: &[u8], b: &[u8]) -> Promise;
    /// `jifen_subtle(0, …)`, an import started now and awaited later (subtle.rs):
    /// its rejection is marked handled, so a key no call uses is no unhandled rejection.
    pub(super) fn jifen_kept(pkcs8_der: &[u8]) -> Promise;

    /// Calls a store's method (store.rs): `fn.call(obj, …)` with the first `n`
    /// of `a`, `b`, `c`; what it returns is awaited, a Promise of any realm or a
    /// thenable (a Workers RPC stub's) alike, for at most `ms`. Resolves to
    /// `{ value }`; rejects if it throws, rejects or has not settled by then.
    pub(super) fn jifen_call(
        obj: &JsValue,
        f: &Function,
        n: u8,
        a: &JsValue,
        b: &JsValue,
        c: &JsValue,
        ms: f64,
    ) -> Promise;

    /// What [`jifen_call`] resolves to.
    pub(super) type Settled;
    #[wasm_bindgen(method, getter)]
    pub(super) fn value(this: &Settled) -> JsValue;

    /// `{ done, value }`, a ledger iterator's step (api.rs).
    pub(super) fn jifen_step(done: bool, value: &JsValue) -> JsValue;
    /// `{ done: true }`, what a ledger iterator's `return()` resolves to (api.rs).
    pub(super) fn jifen_done() -> JsValue;

    /// The bytes of a string (UTF-8), `Uint8Array` or `ArrayBuffer`; `None` for anything else (api.rs).
    pub(super) fn jifen_bytes(b: &JsValue) -> Option<Vec<u8>>;
    /// Header `name` (lower case) of a `Headers`, a `Map` or a plain object (any
    /// case), if it is a string (api.rs).
    pub(super) fn jifen_header(headers: &JsValue, name: &str) -> Option<String>;
}
