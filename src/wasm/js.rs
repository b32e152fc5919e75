//! The hand-written JavaScript the binding imports, bound from one linted
//! module, `pkg-template/wasm_imports.js` (one module for the glue to load, one
//! gzip stream): the `JifenError` class, the unpacking of packed strings
//! (pack.rs), one fetch attempt with its timeout and hooks, `setTimeout` as a
//! promise, WebCrypto RSA, a call into a JS store, ledger iterator steps, and
//! the reading of a pushed request. Each is used by the file named in its comment.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/pkg-template/wasm_imports.js")]
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
        cause: &JsValue,
    ) -> JsValue;

    // These two never throw (a throw is `None`), so they are bound without `catch`,
    // whose glue wraps every call in `handleError` (a closure and an `arguments`
    // object per call): 73 B smaller, no measurable change in a Kingdee `buildSync`.
    /// `JSON.stringify(v)`; `None` where it gives nothing or throws (convert.rs).
    pub(super) fn jifen_json(v: &JsValue) -> Option<String>;
    /// A flat object's own enumerable keys and their values, packed and tagged;
    /// `None` where reading it threw (convert.rs).
    pub(super) fn jifen_flat(o: &JsValue) -> Option<String>;

    /// `{ method, url, headers, body, stringToSign }` from a request packed by
    /// [`super::pack::pack`] (signer.rs).
    pub(super) fn jifen_signed(packed: &str) -> JsValue;

    /// One fetch attempt (fetch.rs): `req` packed by [`super::pack::pack`];
    /// resolves to a [`Reply`] holding the reply headers named in `reply_headers`
    /// (NUL-separated), never rejects.
    pub(super) fn jifen_send(
        fetch: Option<&Function>,
        req: &str,
        timeout_ms: f64,
        on_request: Option<&Function>,
        on_response: Option<&Function>,
        reply_headers: &str,
    ) -> Promise;

    /// A promise that resolves after `ms`, by `setTimeout` (fetch.rs).
    pub(super) fn jifen_sleep(ms: f64) -> Promise;

    /// `{ status, head, body }`, or `{ timeout, message, cause? }` when nothing usable came back.
    pub(super) type Reply;
    #[wasm_bindgen(method, getter)]
    pub(super) fn message(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    pub(super) fn timeout(this: &Reply) -> bool;
    #[wasm_bindgen(method, getter)]
    pub(super) fn status(this: &Reply) -> u16;
    /// The reply's headers as `name\0value\0name\0value…` (no header holds a NUL).
    #[wasm_bindgen(method, getter)]
    pub(super) fn head(this: &Reply) -> String;
    #[wasm_bindgen(method, getter)]
    pub(super) fn body(this: &Reply) -> Vec<u8>;
    /// What the platform threw, where it threw (a custom `fetch`'s `TypeError`).
    #[wasm_bindgen(method, getter)]
    pub(super) fn cause(this: &Reply) -> JsValue;

    /// WebCrypto RSA (subtle.rs): `op` 0 imports a PKCS#8 key (`a`), 1 an SPKI key, 2 signs `a` with
    /// `key` (to an `ArrayBuffer`), 3 verifies signature `a` over `b`; then calls `done(id, value,
    /// fulfilled)` (settle.rs). Not fulfilled: with `true` where WebCrypto is missing, with the
    /// platform's error (not `true`) where it refused.
    pub(super) fn jifen_subtle(op: u8, key: &JsValue, a: &[u8], b: &[u8], id: u32, done: &JsValue);
    /// Calls `done(id, value, fulfilled)` once `p` settles (settle.rs).
    pub(super) fn jifen_settle(p: &Promise, id: u32, done: &JsValue);
    /// A PKCS#8 import's promise, started now and awaited later (subtle.rs):
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
