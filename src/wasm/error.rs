//! `JifenError`: a real `Error` subclass, defined in JS so `instanceof` and
//! stack traces work, and built from a Rust [`Error`] without any secret.

use crate::core::error::Error;
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
"#)]
extern "C" {
    fn jifen_error_class() -> JsValue;
    #[allow(clippy::too_many_arguments)]
    fn make_jifen_error(
        code: &str,
        message: &str,
        vendor: Option<&str>,
        vendor_code: Option<&str>,
        http_status: Option<u16>,
        request_id: Option<&str>,
        retryable: bool,
        retry_after_ms: Option<f64>,
    ) -> JsValue;
}

/// The `JifenError` class, for the package entry to re-export.
#[wasm_bindgen(js_name = "__jifenErrorClass")]
pub fn error_class() -> JsValue {
    jifen_error_class()
}

/// A `JifenError` instance for `e`.
pub fn to_js(e: Error) -> JsValue {
    make_jifen_error(
        e.code.as_str(),
        &e.message,
        e.vendor,
        e.vendor_code.as_deref(),
        e.http_status,
        e.request_id.as_deref(),
        e.retryable,
        e.retry_after_ms.map(|ms| ms as f64),
    )
}
