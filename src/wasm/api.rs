//! The `#[wasm_bindgen]` surface: `buildRequest`, `Client`, `JifenError`.
//! Every entry point returns a `JifenError` on bad input; nothing here panics.

use super::convert::{from_js, get, to_js};
use super::env::{JsClock, JsEntropy};
use super::error;
use super::fetch::{FetchTransport, Hooks};
use super::promise::promise;
use super::subtle::SubtleRsa;
use crate::client::{dry_run, verify_callback as verify_callback_rs, Client, DryRunOptions, Env};
use crate::core::error::{Error, Result};
use crate::retry::RetryPolicy;
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

fn env() -> Env {
    Env::new(Box::new(JsClock), Box::new(JsEntropy)).with_rsa(Box::new(SubtleRsa))
}

/// The body of a pushed request: a string (UTF-8), a `Uint8Array` or an `ArrayBuffer`.
fn body_bytes(body: &JsValue) -> Result<Vec<u8>> {
    if let Some(s) = body.as_string() {
        return Ok(s.into_bytes());
    }
    if body.is_instance_of::<js_sys::Uint8Array>() || body.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(body).to_vec());
    }
    Err(Error::invalid_input(
        "request.body must be a string, Uint8Array or ArrayBuffer (the exact bytes received)",
    ))
}

/// A header of a plain object or a `Headers`, case-insensitively.
fn header_value(headers: &JsValue, name: &str) -> Option<String> {
    if !headers.is_object() {
        return None;
    }
    let getter = get(headers, "get");
    if let Some(f) = getter.dyn_ref::<Function>() {
        return f
            .call1(headers, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string());
    }
    let keys = js_sys::Object::keys(headers.unchecked_ref::<js_sys::Object>());
    keys.iter()
        .filter_map(|k| k.as_string())
        .find(|k| k.eq_ignore_ascii_case(name))
        .and_then(|k| get(headers, &k).as_string())
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
        let body = body_bytes(&get(&request, "body"))?;
        let tx = header_value(&get(&request, "headers"), "x-transaction-id");
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

fn operation_name(op: &JsValue) -> Result<String> {
    op.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::invalid_input(
            "operation must be a non-empty string, e.g. \"/jdy/v2/ls/integral_adjust\"",
        )
    })
}

fn reject(e: Error) -> Promise {
    Promise::reject(&error::to_js(e))
}

/// Builds and signs a request without sending it. Resolves to
/// `{ method, url, headers, body, stringToSign }`.
#[wasm_bindgen(js_name = buildRequest)]
pub fn build_request(
    config: JsValue,
    operation: JsValue,
    params: JsValue,
    options: JsValue,
) -> Promise {
    let prepared = (|| -> Result<_> {
        Ok((
            from_js(&config, "config")?,
            operation_name(&operation)?,
            from_js(&params, "params")?,
            DryRunOptions::from_json(&from_js(&options, "options")?)?,
        ))
    })();
    let (config, op, params, options) = match prepared {
        Ok(v) => v,
        Err(e) => return reject(e),
    };
    promise(async move {
        let env = env();
        let req = dry_run(&config, &op, &params, &options, &env)
            .await
            .map_err(error::to_js)?;
        to_js(&req.to_json()).map_err(error::to_js)
    })
}

/// A client for one vendor account. Sends through `fetch`.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Rc<Client<FetchTransport>>,
}

fn optional_function(options: &JsValue, key: &str) -> Result<Option<Function>> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| Error::invalid_input(format!("options.{key} must be a function")))
}

fn optional_number(options: &JsValue, key: &str, lo: u32, hi: u32) -> Result<Option<u32>> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        // Integers only, formatted as integers: f64 Display would pull float
        // formatting (~15 KB) into the bundle.
        Some(n) if n.fract() == 0.0 && n >= f64::from(lo) && n <= f64::from(hi) => {
            Ok(Some(n as u32))
        }
        _ => Err(Error::invalid_input(format!(
            "options.{key} must be an integer between {lo} and {hi}"
        ))),
    }
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// `new Client(config, { fetch?, timeoutMs?, retries?, onRequest?, onResponse? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> std::result::Result<JsClient, JsValue> {
        Self::create(&config, &options).map_err(error::to_js)
    }

    fn create(config: &JsValue, options: &JsValue) -> Result<JsClient> {
        let config = from_js(config, "config")?;
        if !(options.is_undefined() || options.is_null() || options.is_object()) {
            return Err(Error::invalid_input("options must be an object"));
        }
        let transport = FetchTransport {
            fetch: optional_function(options, "fetch")?,
            timeout_ms: optional_number(options, "timeoutMs", 1, 600_000)?.unwrap_or(15_000),
            hooks: Hooks {
                on_request: optional_function(options, "onRequest")?,
                on_response: optional_function(options, "onResponse")?,
            },
        };
        let mut policy = RetryPolicy::default();
        if let Some(r) = optional_number(options, "retries", 0, 10)? {
            policy.max_attempts = r + 1;
        }
        let client = Client::new(&config, transport, env())?.with_policy(policy);
        Ok(JsClient {
            inner: Rc::new(client),
        })
    }

    /// The vendor this client talks to.
    #[wasm_bindgen(getter)]
    pub fn vendor(&self) -> String {
        self.inner.vendor_name().to_string()
    }

    /// Calls a vendor operation by its vendor-native id; resolves to its typed result.
    pub fn call(&self, operation: JsValue, params: JsValue) -> Promise {
        let input =
            (|| -> Result<_> { Ok((operation_name(&operation)?, from_js(&params, "params")?)) })();
        let (op, params) = match input {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        promise(async move {
            let result = inner.call(&op, &params).await.map_err(error::to_js)?;
            to_js(&result).map_err(error::to_js)
        })
    }
}
