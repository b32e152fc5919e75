//! The transport: the global `fetch` (never `window.fetch`: workers have no
//! window) or one the caller injects, with an `AbortController` timeout that
//! covers the body too, and `setTimeout` for retry delays.
//!
//! One attempt is one call into a small JS function (`jifen_send` below): the
//! request goes over as one JSON array, the reply comes back as one object.
//! Driving `fetch`, `AbortController`, the hooks and the `Headers` iterator
//! from Rust took a JS crossing per step and several KB of binding code.

use crate::client::{Transport, TransportError};
use crate::core::json::{write_string, Json};
use crate::core::request::{is_secret_header, HttpRequest, HttpResponse};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export async function jifen_send(fetchFn, req, timeoutMs, onRequest, onResponse) {
  const [method, url, body, ...h] = JSON.parse(req);
  const event = () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 3) headers[h[i]] = h[i + 2] ? '***' : h[i + 1];
    return { method, url: url.split('?')[0], headers };
  };
  if (onRequest) try { onRequest(event()); } catch {}
  const started = Date.now();
  let aborted = false, controller = null, timer;
  try { controller = new AbortController(); } catch {}
  if (controller) timer = setTimeout(() => { aborted = true; controller.abort(); }, timeoutMs);
  const fail = (what) => ({ timeout: aborted, message: aborted ? 'request timed out' : what });
  const receive = async () => {
    const headers = {};
    for (let i = 0; i < h.length; i += 3) headers[h[i]] = h[i + 1];
    const init = { method, headers };
    if (body !== null) init.body = body;
    if (controller) init.signal = controller.signal;
    let pending, resp, buffer;
    try { pending = fetchFn ? Promise.resolve(fetchFn(url, init)) : fetch(url, init); }
    catch { return { timeout: false, message: 'fetch threw before sending (is fetch available here?)' }; }
    try { resp = await pending; } catch { return fail('network error (connection refused, reset or blocked)'); }
    const status = resp.status & 0xffff, head = [];
    try { for (const e of resp.headers) if (typeof e[0] === 'string' && typeof e[1] === 'string') head.push(e[0], e[1]); } catch {}
    try { buffer = resp.arrayBuffer(); } catch { return fail('could not read the reply body'); }
    try { buffer = await buffer; } catch { return fail('connection lost while reading the reply'); }
    return { status, head: JSON.stringify(head), body: new Uint8Array(buffer) };
  };
  const reply = await receive();
  if (controller) clearTimeout(timer);
  if (onResponse) {
    const e = event();
    e.durationMs = Date.now() - started;
    if (reply.message === undefined) e.status = reply.status; else e.error = reply.message;
    try { onResponse(e); } catch {}
  }
  return reply;
}
export function jifen_sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
"#)]
extern "C" {
    /// One attempt: resolves to a [`Reply`], never rejects.
    fn jifen_send(
        fetch: Option<&Function>,
        req: &str,
        timeout_ms: f64,
        on_request: Option<&Function>,
        on_response: Option<&Function>,
    ) -> Promise;

    /// A promise that resolves after `ms` (`setTimeout`).
    fn jifen_sleep(ms: f64) -> Promise;

    /// `{ status, head, body }`, or `{ timeout, message }` when nothing usable came back.
    type Reply;
    #[wasm_bindgen(method, getter)]
    fn message(this: &Reply) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn timeout(this: &Reply) -> bool;
    #[wasm_bindgen(method, getter)]
    fn status(this: &Reply) -> u16;
    /// The reply's headers as a JSON array `[name, value, name, value, …]`.
    #[wasm_bindgen(method, getter)]
    fn head(this: &Reply) -> String;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Reply) -> Vec<u8>;
}

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
