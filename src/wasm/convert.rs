//! JS values ⇄ [`Json`]: params through the platform's own `JSON` text (object
//! key order and number text are the caller's, what the vendors sign); configs
//! and options, flat objects of strings, read key by key ([`from_js_flat`]).
//! No serde in the bundle (docs/benchmarks.md has the measurements).

use super::js::{jifen_flat, jifen_json};
use super::pack::unpack;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use wasm_bindgen::prelude::*;

/// Reads a JS value as JSON. `undefined` and `null` are `Json::Null`;
/// functions and symbols are dropped as `JSON.stringify` drops them.
pub fn from_js(value: &JsValue, what: &str) -> Result<Json> {
    if value.is_undefined() || value.is_null() {
        return Ok(Json::Null);
    }
    let text = jifen_json(value).ok_or_else(|| {
        Error::invalid_input(format!(
            "{what} cannot be serialised as JSON (BigInt or a cycle?)"
        ))
    })?;
    let json = Json::parse(&text)
        .map_err(|_| Error::invalid_input(format!("{what} is not valid JSON data")))?;
    check_safe_integers(&json, what)?;
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
/// on a number the caller never wrote. `what` names the value, for the message.
fn check_safe_integers(json: &Json, what: &str) -> Result<()> {
    match unsafe_integer(json) {
        None => Ok(()),
        Some((path, text)) => Err(Error::invalid_input(format!(
            "{what}{path} is {text}, beyond Number.MAX_SAFE_INTEGER: JavaScript has already rounded it \
             (it may now be another id); pass it as a string"
        ))),
    }
}

/// Where the first integer beyond [`MAX_SAFE_INTEGER`] is (`.a[2].b`), and
/// its text. Nothing is allocated unless one is found.
fn unsafe_integer(json: &Json) -> Option<(String, &str)> {
    match json {
        Json::Number(text) if beyond_safe(text) => Some((String::new(), text)),
        Json::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            unsafe_integer(item).map(|(path, text)| (format!("[{i}]{path}"), text))
        }),
        Json::Object(pairs) => pairs.iter().find_map(|(key, value)| {
            unsafe_integer(value).map(|(path, text)| {
                (
                    format!(".{}{path}", crate::core::error::scrub(key, 40)),
                    text,
                )
            })
        }),
        _ => None,
    }
}

/// Reads a flat object (a config, the options) without a JSON text round
/// trip: one call into `jifen_flat` (`pkg-template/wasm_imports.js`) hands
/// back its strings, booleans and safe integers as they are, and anything else
/// (a nested value, a fraction) as that value's JSON text, so the result is
/// what [`from_js`] gives for the same object: its own enumerable keys, in
/// the order `JSON.stringify` writes them. A value that is not an object is
/// left to [`from_js`] (the caller refuses it with its own message).
pub fn from_js_flat(value: &JsValue, what: &str) -> Result<Json> {
    if !value.is_object() || js_sys::Array::is_array(value) {
        return from_js(value, what);
    }
    let unreadable = || Error::invalid_input(format!("{what} could not be read"));
    let packed = jifen_flat(value).ok_or_else(unreadable)?;
    let parts = unpack(&packed).ok_or_else(unreadable)?;
    let mut pairs = Vec::with_capacity(parts.len() / 2);
    for pair in parts.chunks_exact(2) {
        let [key, tagged] = pair else {
            continue;
        };
        let mut chars = tagged.chars();
        let tag = chars.next();
        let v = chars.as_str();
        let json = match tag {
            Some('s') => Json::String(v.to_string()),
            Some('n') => Json::Number(v.to_string()),
            Some('b') => Json::Bool(v == "t"),
            Some('z') => Json::Null,
            Some('j') => Json::parse(v)
                .map_err(|_| Error::invalid_input(format!("{what} is not valid JSON data")))?,
            _ => {
                return Err(Error::invalid_input(format!(
                    "{what} cannot be serialised as JSON (BigInt or a cycle?)"
                )))
            }
        };
        pairs.push((key.to_string(), json));
    }
    let json = Json::Object(pairs);
    check_safe_integers(&json, what)?;
    Ok(json)
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
