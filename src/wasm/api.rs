//! The `#[wasm_bindgen]` signing surface: `buildRequest` and `verifyCallback`
//! (the `Client` class is in `wasm/client.rs`). Every entry point returns a
//! `JifenError` on bad input; nothing here panics. (`Signer` is in
//! `wasm/signer.rs`.)

use super::convert::{from_js, from_js_flat, get, to_js};
use super::env::{JsClock, JsEntropy};
use super::error;
use super::js::{jifen_bytes, jifen_header, jifen_signed};
use super::pack::pack;
use super::promise::promise;
use super::signer::JsSigner;
use super::subtle::SubtleRsa;
use crate::client::{verify_callback as verify_callback_rs, DryRunOptions, Env};
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::SignedRequest;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// The platform the binding runs on: JS clock, `crypto.getRandomValues`, WebCrypto RSA.
pub(super) fn env() -> Env {
    Env::new(Box::new(JsClock), Box::new(JsEntropy)).with_rsa(Box::new(SubtleRsa))
}

/// Verifies and parses a Freemud push. `request` is `{ headers, body }` with the
/// exact body received. Resolves to `{ event: {type, data}, verified, signature,
/// transactionId, ack, ackBody }`; answer the vendor with `ackBody`.
#[wasm_bindgen(js_name = verifyCallback)]
pub fn verify_callback(config: JsValue, request: JsValue, options: JsValue) -> Promise {
    let input = (|| -> Result<_> {
        let config = from_js(&config, "config")?;
        if !request.is_object() {
            return Err(Error::invalid_input("request must be { headers, body }"));
        }
        if !(options.is_undefined() || options.is_null() || options.is_object()) {
            return Err(Error::invalid_input("options must be an object"));
        }
        let body = jifen_bytes(&get(&request, "body")).ok_or_else(|| {
            Error::invalid_input(
                "request.body must be a string, Uint8Array or ArrayBuffer (the exact bytes received)",
            )
        })?;
        let tx = jifen_header(&get(&request, "headers"), "x-transaction-id");
        Ok((config, body, tx))
    })();
    let (config, body, tx) = match input {
        Ok(v) => v,
        Err(e) => return reject(e),
    };
    promise(async move {
        let env = env();
        let out = verify_callback_rs(&config, &body, tx.as_deref(), &env)
            .await
            .map_err(error::to_js)?;
        to_js(&out).map_err(error::to_js)
    })
}

pub(super) fn operation_name(op: &JsValue) -> Result<String> {
    op.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::invalid_input(
            "operation must be a non-empty string, e.g. \"/jdy/v2/ls/integral_adjust\"",
        )
    })
}

pub(super) fn reject(e: Error) -> Promise {
    Promise::reject(&error::to_js(e))
}

/// Builds and signs a request without sending it. Resolves to
/// `{ method, url, headers, body, stringToSign }`. What the package's JS
/// `buildRequest` does (pkg-template/build_request.js): not exported from the
/// wasm itself, so the wasm holds one signing path (with its shims) for both.
pub fn build_request(
    config: JsValue,
    operation: JsValue,
    params: JsValue,
    options: JsValue,
) -> Promise {
    // A `Signer` made and used once: one signing path in the wasm for both.
    match JsSigner::create(&config) {
        Ok(signer) => signer.build(operation, params, options),
        Err(e) => reject(e),
    }
}

/// The `(operation, params, options)` of a `buildRequest` or `Signer` call:
/// params as JSON text (the caller's key order and number text, what the
/// vendors sign), options as a flat object (convert.rs, [`from_js_flat`]).
pub(super) fn read_call(
    operation: &JsValue,
    params: &JsValue,
    options: &JsValue,
) -> Result<(String, Json, DryRunOptions)> {
    Ok((
        operation_name(operation)?,
        from_js(params, "params")?,
        DryRunOptions::from_json(&from_js_flat(options, "options")?)?,
    ))
}

/// `{ method, url, headers, body, stringToSign }` as a JS object: one packed
/// string (pack.rs) that the JS side slices, no JSON text.
pub(super) fn signed_to_js(req: &SignedRequest) -> JsValue {
    let mut parts: Vec<&str> = Vec::with_capacity(4 + 2 * req.headers.len());
    parts.push(req.method.as_str());
    parts.push(&req.url);
    parts.push(req.body.as_deref().unwrap_or(""));
    parts.push(&req.string_to_sign);
    for (k, v) in &req.headers {
        parts.push(k);
        parts.push(v);
    }
    jifen_signed(&pack(u16::from(req.body.is_some()), &parts))
}
