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
    let json = Json::parse(&text)
        .map_err(|_| Error::invalid_input(format!("{what} is not valid JSON data")))?;
    let mut path = what.to_string();
    check_safe_integers(&json, &mut path)?;
    Ok(json)
}

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: &str = "9007199254740991";

/// Whether `text`, a number as `JSON.stringify` writes it, is an integer beyond
/// [`MAX_SAFE_INTEGER`]. Read from the digits, not parsed as a float (float
/// parsing would add ~15 KB to the wasm): JS writes integers below 1e21 as
/// plain digits and every number from 1e21 up with `e+`, all of them integers.
fn beyond_safe(text: &str) -> bool {
    // Bytes, not `str` searching and slicing: those bring their panic paths and a
    // substring searcher into the wasm (+5.8 KB gzip, measured).
    let mut digits: &[u8] = text.as_bytes();
    if let [b'-', rest @ ..] = digits {
        digits = rest;
    }
    if digits.windows(2).any(|w| matches!(w, [b'e' | b'E', b'+'])) {
        return true;
    }
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    while let [b'0', rest @ ..] = digits {
        digits = rest;
    }
    let max = MAX_SAFE_INTEGER.as_bytes();
    digits.len() > max.len() || (digits.len() == max.len() && digits > max)
}

/// Refuses an integer beyond `Number.MAX_SAFE_INTEGER` anywhere in `json`:
/// it lost digits before it reached us (`383933091455959041` arrives as
/// `…040`, which may be another real member's id), so sending it would act
/// on a number the caller never wrote. `path` names where, for the message.
fn check_safe_integers(json: &Json, path: &mut String) -> Result<()> {
    match json {
        Json::Number(text) if beyond_safe(text) => {
            return Err(Error::invalid_input(format!(
                "{path} is {text}, beyond Number.MAX_SAFE_INTEGER: JavaScript has already rounded it \
                 (it may now be another id); pass it as a string"
            )));
        }
        Json::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_safe_integers(item, path)?;
                path.truncate(len);
            }
        }
        Json::Object(pairs) => {
            for (key, value) in pairs {
                let len = path.len();
                path.push('.');
                path.push_str(&crate::core::error::scrub(key, 40));
                check_safe_integers(value, path)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
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
