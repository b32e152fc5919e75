//! `JifenError`: a real `Error` subclass, defined in JS so `instanceof` and
//! stack traces work, and built from a Rust [`Error`] without any secret.
//! What the platform threw (a custom `fetch`'s `TypeError`) travels through the
//! Rust client as a handle ([`keep_cause`]) and comes back as the error's `cause`.

use super::js::{jifen_error_class, make_jifen_error};
use crate::core::error::Error;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The `JifenError` class, for the package entry to re-export.
#[wasm_bindgen(js_name = "__jifenErrorClass")]
pub fn error_class() -> JsValue {
    jifen_error_class()
}

/// How many thrown values are kept for errors not yet handed to JS. A handle
/// older than this (an error dropped without reaching JS, such as one that was
/// retried) gives no `cause`: the memory held stays bounded.
const KEPT: usize = 64;

thread_local! {
    /// The next handle, and the kept values: handle `h` in slot `h % KEPT`.
    static CAUSES: RefCell<(u32, Vec<(u32, JsValue)>)> = const { RefCell::new((0, Vec::new())) };
}

/// Keeps `thrown` and returns its handle, for [`Error::cause`].
#[cfg(feature = "js-client")]
pub fn keep_cause(thrown: JsValue) -> Option<u32> {
    if thrown.is_undefined() {
        return None;
    }
    CAUSES.with(|c| {
        let (next, kept) = &mut *c.try_borrow_mut().ok()?;
        let handle = *next;
        // Handles count up from 0, so slot `handle % KEPT` is the next one pushed
        // until all KEPT exist (2^32 is a multiple of KEPT: wrapping keeps it so).
        *next = next.wrapping_add(1);
        match kept.get_mut(handle as usize % KEPT) {
            Some(slot) => *slot = (handle, thrown),
            None => kept.push((handle, thrown)),
        }
        Some(handle)
    })
}

/// The value kept under `handle`, if it is still kept.
fn cause_of(handle: Option<u32>) -> JsValue {
    handle
        .and_then(|h| {
            CAUSES.with(|c| match c.try_borrow().ok()?.1.get(h as usize % KEPT) {
                Some((k, v)) if *k == h => Some(v.clone()),
                _ => None,
            })
        })
        .unwrap_or(JsValue::UNDEFINED)
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
        &cause_of(e.cause),
    )
}
