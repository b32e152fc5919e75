//! The transport: the global `fetch` (never `window.fetch`: workers have no
//! window) or one the caller injects, with an `AbortController` timeout that
//! covers the body too, and `setTimeout` for retry delays.
//!
//! One attempt is one call into a small JS function (`jifen_send`, js.rs): the
//! request goes over as one JSON array, the reply comes back as one object.
//! Driving `fetch`, `AbortController`, the hooks and the `Headers` iterator
//! from Rust took a JS crossing per step and several KB of binding code.

use super::js::{jifen_send, jifen_sleep, Reply};
use crate::client::{Transport, TransportError};
use crate::core::json::{write_string, Json};
use crate::core::request::{is_secret_header, HttpRequest, HttpResponse};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Hooks called around each attempt; they see no secret.
#[derive(Default, Clone)]
pub struct Hooks {
    pub on_request: Option<Function>,
    pub on_response: Option<Function>,
}

/// `fetch` with a timeout.
pub struct FetchTransport {
    pub fetch: Option<Function>,
    pub timeout_ms: u32,
    pub hooks: Hooks,
}

/// `[method, url, body|null, name, value, secret(0|1), …]`: what `jifen_send` reads.
fn request_json(req: &HttpRequest) -> String {
    let mut out = String::from("[");
    write_string(req.method.as_str(), &mut out);
    out.push(',');
    write_string(&req.url, &mut out);
    out.push(',');
    match &req.body {
        Some(b) => write_string(b, &mut out),
        None => out.push_str("null"),
    }
    for (k, v) in &req.headers {
        out.push(',');
        write_string(k, &mut out);
        out.push(',');
        write_string(v, &mut out);
        out.push_str(if is_secret_header(k) { ",1" } else { ",0" });
    }
    out.push(']');
    out
}

impl Transport for FetchTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let sent = jifen_send(
            self.fetch.as_ref(),
            &request_json(&req),
            f64::from(self.timeout_ms),
            self.hooks.on_request.as_ref(),
            self.hooks.on_response.as_ref(),
        );
        let reply: Reply = JsFuture::from(sent)
            .await
            .map_err(|_| TransportError {
                timeout: false,
                message: "network error (connection refused, reset or blocked)".to_string(),
            })?
            .unchecked_into();
        if let Some(message) = reply.message() {
            return Err(TransportError {
                timeout: reply.timeout(),
                message,
            });
        }
        let mut headers = Vec::new();
        if let Ok(Json::Array(items)) = Json::parse(&reply.head()) {
            let mut items = items.into_iter();
            while let (Some(Json::String(k)), Some(Json::String(v))) = (items.next(), items.next())
            {
                headers.push((k, v));
            }
        }
        Ok(HttpResponse {
            status: reply.status(),
            headers,
            body: reply.body(),
        })
    }

    async fn sleep(&self, ms: u64) {
        let _ = JsFuture::from(jifen_sleep(ms as f64)).await;
    }
}
