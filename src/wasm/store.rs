//! JavaScript storage as the client's shared stores: an idempotency store
//! (`{ get(key), putIfAbsent(key, value), delete?(key), replace?(key, expected, value) }`) as an
//! [`IdempotencyStore`], and a token cache (`{ get(), set(value, expiresAt),
//! lock?(ttlMs), unlock?() }`) as a [`TokenCache`]. Methods may return values,
//! Promises (of any realm) or thenables, and each call is given as long as one
//! vendor request (the client's `timeoutMs`): a store that never answers must
//! not hold an adjustment, or the report that it was applied, forever. The
//! package ships Durable Object and KV adapters of these shapes; any object
//! with these methods works.

use super::convert::get;
use super::js::{jifen_call, Settled};
use crate::client::{IdempotencyStore, TokenCache};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::rsa::LocalFuture;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A JS object with `get`, `putIfAbsent` and optionally `delete` and `replace`.
pub struct JsStore {
    obj: JsValue,
    get: Function,
    put_if_absent: Function,
    delete: Option<Function>,
    replace: Option<Function>,
    timeout_ms: f64,
}

fn method(obj: &JsValue, name: &str) -> Option<Function> {
    get(obj, name).dyn_into::<Function>().ok()
}

impl JsStore {
    /// Checks the shape of `obj`; each call may take `timeout_ms`.
    pub fn from_js(obj: JsValue, timeout_ms: u32) -> Result<JsStore> {
        let (Some(get), Some(put_if_absent)) = (method(&obj, "get"), method(&obj, "putIfAbsent"))
        else {
            return Err(Error::invalid_input(
                "options.idempotencyStore must have get(key) and putIfAbsent(key, value) methods",
            ));
        };
        let delete = method(&obj, "delete");
        let replace = method(&obj, "replace");
        Ok(JsStore {
            obj,
            get,
            put_if_absent,
            delete,
            replace,
            timeout_ms: f64::from(timeout_ms),
        })
    }
}

fn failed(op: &str) -> Error {
    // The store's own message may carry anything; keep ours fixed.
    Error::new(
        ErrorCode::Network,
        format!("the shared store failed ({op})"),
    )
    .retryable(true)
}

/// `f.call(obj, …)` with the first `n` of `a`, `b`, `c`, settled within `ms`;
/// `failed(op)` if it throws, rejects or takes longer.
/// Called when the method's future is first polled, and boxed: one state
/// machine for the wait instead of one inlined into every method.
fn call(
    obj: &JsValue,
    ms: f64,
    f: &Function,
    n: u8,
    [a, b, c]: [&JsValue; 3],
    op: &'static str,
) -> LocalFuture<'static, Result<JsValue>> {
    let pending = JsFuture::from(jifen_call(obj, f, n, a, b, c, ms));
    Box::pin(async move {
        match pending.await {
            Ok(settled) => Ok(settled.unchecked_into::<Settled>().value()),
            Err(_) => Err(failed(op)),
        }
    })
}

impl IdempotencyStore for JsStore {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>> {
        Box::pin(async move {
            let v = call(
                &self.obj,
                self.timeout_ms,
                &self.get,
                1,
                [&key.into(), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
                "get",
            )
            .await?;
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            v.as_string()
                .map(Some)
                .ok_or_else(|| failed("get: not a string"))
        })
    }

    fn put_if_absent<'a>(&'a self, key: &'a str, value: &'a str) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            let v = call(
                &self.obj,
                self.timeout_ms,
                &self.put_if_absent,
                2,
                [&key.into(), &value.into(), &JsValue::UNDEFINED],
                "putIfAbsent",
            )
            .await?;
            v.as_bool()
                .ok_or_else(|| failed("putIfAbsent: not a boolean"))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            let Some(f) = &self.delete else {
                return Ok(false);
            };
            call(
                &self.obj,
                self.timeout_ms,
                f,
                1,
                [&key.into(), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
                "delete",
            )
            .await?;
            Ok(true)
        })
    }

    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            let Some(f) = &self.replace else {
                return Err(failed("replace: the store has no replace method"));
            };
            let v = call(
                &self.obj,
                self.timeout_ms,
                f,
                3,
                [&key.into(), &expected.into(), &value.into()],
                "replace",
            )
            .await?;
            v.as_bool().ok_or_else(|| failed("replace: not a boolean"))
        })
    }

    fn can_replace(&self) -> bool {
        self.replace.is_some()
    }
}

/// A JS object with `get`, `set` and optionally `lock` / `unlock`.
pub struct JsTokenCache {
    obj: JsValue,
    get: Function,
    set: Function,
    lock: Option<Function>,
    unlock: Option<Function>,
    timeout_ms: f64,
}

impl JsTokenCache {
    /// Checks the shape of `obj`; each call may take `timeout_ms`.
    pub fn from_js(obj: JsValue, timeout_ms: u32) -> Result<JsTokenCache> {
        let (Some(get), Some(set)) = (method(&obj, "get"), method(&obj, "set")) else {
            return Err(Error::invalid_input(
                "options.tokenCache must have get() and set(value, expiresAt) methods",
            ));
        };
        Ok(JsTokenCache {
            lock: method(&obj, "lock"),
            unlock: method(&obj, "unlock"),
            obj,
            get,
            set,
            timeout_ms: f64::from(timeout_ms),
        })
    }
}

impl TokenCache for JsTokenCache {
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>> {
        Box::pin(async move {
            let u = JsValue::UNDEFINED;
            let v = call(
                &self.obj,
                self.timeout_ms,
                &self.get,
                0,
                [&u, &u, &JsValue::UNDEFINED],
                "tokenCache.get",
            )
            .await?;
            if v.is_undefined() || v.is_null() {
                return Ok(None);
            }
            let value = get(&v, "value").as_string();
            let expires = get(&v, "expiresAt").as_f64();
            match (value, expires) {
                (Some(value), Some(e)) if e.is_finite() && e > 0.0 => Ok(Some((value, e as u64))),
                _ => Ok(None),
            }
        })
    }

    fn set<'a>(&'a self, value: &'a str, expires_at_ms: u64) -> LocalFuture<'a, Result<()>> {
        Box::pin(async move {
            let expires = JsValue::from_f64(expires_at_ms as f64);
            call(
                &self.obj,
                self.timeout_ms,
                &self.set,
                2,
                [&value.into(), &expires, &JsValue::UNDEFINED],
                "tokenCache.set",
            )
            .await
            .map(|_| ())
        })
    }

    fn lock(&self, ttl_ms: u64) -> LocalFuture<'_, Result<bool>> {
        Box::pin(async move {
            let Some(f) = &self.lock else {
                return Ok(true);
            };
            let ttl = JsValue::from_f64(ttl_ms as f64);
            let v = call(
                &self.obj,
                self.timeout_ms,
                f,
                1,
                [&ttl, &JsValue::UNDEFINED, &JsValue::UNDEFINED],
                "tokenCache.lock",
            )
            .await?;
            Ok(v.as_bool() == Some(true))
        })
    }

    fn unlock(&self) -> LocalFuture<'_, Result<()>> {
        Box::pin(async move {
            if let Some(f) = &self.unlock {
                let u = JsValue::UNDEFINED;
                call(
                    &self.obj,
                    self.timeout_ms,
                    f,
                    0,
                    [&u, &u, &JsValue::UNDEFINED],
                    "tokenCache.unlock",
                )
                .await?;
            }
            Ok(())
        })
    }
}
