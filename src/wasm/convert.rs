//! JS values ⇄ [`Json`] through the platform's own `JSON`: no serde in the
//! bundle, and object key order is the caller's (what Freemud signs).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use wasm_bindgen::prelude::*;

/// Reads a JS value as JSON. `undefined` and `null` are `Json::Null`;
/// functions and symbols are dropped as `JSON.stringify` drops them.
pub fn from_js(value: &JsValue, what: &str) -> Result<Json> {
    if value.is_undefined() || value.is_null() {
        return Ok(Json::Null);
    }
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::invalid_input(format!(
                "{what} cannot be serialised as JSON (BigInt or a cycle?)"
            ))
        })?;
    Json::parse(&text).map_err(|_| Error::invalid_input(format!("{what} is not valid JSON data")))
}

/// A JS value from JSON.
pub fn to_js(json: &Json) -> Result<JsValue> {
    js_sys::JSON::parse(&json.to_json_string())
        .map_err(|_| Error::parse("internal: result is not valid JSON"))
}

/// Reads a property of a JS object without throwing.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
