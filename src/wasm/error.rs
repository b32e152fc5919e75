//! `JifenError`: a real `Error` subclass, defined in JS so `instanceof` and
//! stack traces work, and built from a Rust [`Error`] without any secret.

use super::js::{jifen_error_class, make_jifen_error};
use crate::core::error::Error;
use wasm_bindgen::prelude::*;

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
