//! A JavaScript idempotency store (`{ get(key), putIfAbsent(key, value),
//! delete?(key) }`, each returning a value or a Promise) as an
//! [`IdempotencyStore`]. The package ships Durable Object and KV adapters of
//! this shape; any object with these methods works.

use super::convert::get;
use crate::client::IdempotencyStore;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::rsa::LocalFuture;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A JS object with `get`, `putIfAbsent` and optionally `delete`.
pub struct JsStore {
    obj: JsValue,
    get: Function,
    put_if_absent: Function,
    delete: Option<Function>,
}

fn method(obj: &JsValue, name: &str) -> Option<Function> {
    get(obj, name).dyn_into::<Function>().ok()
}

impl JsStore {
    /// Checks the shape of `obj`.
    pub fn from_js(obj: JsValue) -> Result<JsStore> {
        let (Some(get), Some(put_if_absent)) = (method(&obj, "get"), method(&obj, "putIfAbsent"))
        else {
            return Err(Error::invalid_input(
                "options.idempotencyStore must have get(key) and putIfAbsent(key, value) methods",
            ));
        };
        let delete = method(&obj, "delete");
        Ok(JsStore {
            obj,
            get,
            put_if_absent,
            delete,
        })
    }
}

fn failed(op: &str) -> Error {
    // The store's own message may carry anything; keep ours fixed.
    Error::new(
        ErrorCode::Network,
        format!("the idempotency store failed ({op}); nothing was sent"),
    )
    .retryable(true)
}

async fn settle(r: std::result::Result<JsValue, JsValue>, op: &str) -> Result<JsValue> {
    let v = r.map_err(|_| failed(op))?;
    if v.is_instance_of::<Promise>() {
        JsFuture::from(Promise::from(v))
            .await
            .map_err(|_| failed(op))
    } else {
        Ok(v)
    }
}

impl IdempotencyStore for JsStore {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>> {
        Box::pin(async move {
            let v = settle(self.get.call1(&self.obj, &JsValue::from_str(key)), "get").await?;
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
            let r = self.put_if_absent.call2(
                &self.obj,
                &JsValue::from_str(key),
                &JsValue::from_str(value),
            );
            let v = settle(r, "putIfAbsent").await?;
            v.as_bool()
                .ok_or_else(|| failed("putIfAbsent: not a boolean"))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            let Some(f) = &self.delete else {
                return Ok(false);
            };
            settle(f.call1(&self.obj, &JsValue::from_str(key)), "delete").await?;
            Ok(true)
        })
    }
}
