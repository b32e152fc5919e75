//! The transport: the global `fetch` (never `window.fetch`: workers have no
//! window) or one the caller injects, with an `AbortController` timeout that
//! covers the body too, and `setTimeout` for retry delays.
//!
//! One attempt is one call into a small JS function (`jifen_send` in
//! `pkg-template/wasm_imports.js`, bound in js.rs) that does the fetch and the
//! body read: the request goes over as one packed string (pack.rs), the reply
//! comes back as one object, its headers as one NUL-separated string.
//! Driving `fetch`, `AbortController`, the hooks and the `Headers` iterator
//! from Rust took a JS crossing per step and several KB of binding code.

use super::error::keep_cause;
use super::js::{jifen_send, jifen_sleep, Reply};
use super::pack::pack;
use crate::client::{Transport, TransportError};
use crate::core::request::{is_secret_header, HttpRequest, HttpResponse, REPLY_HEADERS};
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

/// The request packed for `jifen_send`: `[method, url, body, secret, name,
/// value, …]`, flags bit 0 when there is a body; `secret` holds `1` for each
/// header whose value is a credential (masked in what the hooks see), `0` else.
fn packed_request(req: &HttpRequest) -> String {
    let secret: String = req
        .headers
        .iter()
        .map(|(k, _)| if is_secret_header(k) { '1' } else { '0' })
        .collect();
    let mut parts: Vec<&str> = Vec::with_capacity(4 + 2 * req.headers.len());
    parts.push(req.method.as_str());
    parts.push(&req.url);
    parts.push(req.body.as_deref().unwrap_or(""));
    parts.push(&secret);
    for (k, v) in &req.headers {
        parts.push(k);
        parts.push(v);
    }
    pack(u16::from(req.body.is_some()), &parts)
}

impl Transport for FetchTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let sent = jifen_send(
            self.fetch.as_ref(),
            &packed_request(&req),
            f64::from(self.timeout_ms),
            self.hooks.on_request.as_ref(),
            self.hooks.on_response.as_ref(),
            REPLY_HEADERS,
        );
        let reply: Reply = JsFuture::from(sent)
            .await
            .map_err(|thrown| TransportError {
                timeout: false,
                message: "network error (connection refused, reset or blocked)".to_string(),
                cause: keep_cause(thrown),
            })?
            .unchecked_into();
        if let Some(message) = reply.message() {
            return Err(TransportError {
                timeout: reply.timeout(),
                message,
                cause: keep_cause(reply.cause()),
            });
        }
        let head = reply.head();
        let mut headers = Vec::new();
        let mut items = head.split('\0');
        while let (Some(k), Some(v)) = (items.next(), items.next()) {
            headers.push((k.to_string(), v.to_string()));
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
