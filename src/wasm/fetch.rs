//! The transport: the global `fetch` (never `window.fetch`: workers have no
//! window) or one the caller injects, with an `AbortController` timeout that
//! covers the body too, and `setTimeout` for retry delays.

use crate::client::{Transport, TransportError};
use crate::core::request::{is_secret_header, HttpRequest, HttpResponse};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &JsValue, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    type AbortController;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> JsValue;
    #[wasm_bindgen(method, js_name = arrayBuffer, catch)]
    fn array_buffer(this: &FetchResponse) -> Result<Promise, JsValue>;
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

fn transport_error(timeout: bool, message: &str) -> TransportError {
    TransportError {
        timeout,
        message: message.to_string(),
    }
}

/// The URL without its query: queries can carry credentials (`app_signature`).
pub fn url_without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn call_hook(hook: &Option<Function>, event: &Object) {
    if let Some(f) = hook {
        // A throwing hook must not break the call.
        let _ = f.call1(&JsValue::UNDEFINED, event);
    }
}

impl FetchTransport {
    fn request_event(req: &HttpRequest) -> Object {
        let event = Object::new();
        set(&event, "method", &JsValue::from_str(req.method.as_str()));
        set(
            &event,
            "url",
            &JsValue::from_str(url_without_query(&req.url)),
        );
        let headers = Object::new();
        for (k, v) in &req.headers {
            let shown = if is_secret_header(k) {
                "***"
            } else {
                v.as_str()
            };
            set(&headers, k, &JsValue::from_str(shown));
        }
        set(&event, "headers", &headers);
        event
    }

    async fn send_inner(
        &self,
        req: &HttpRequest,
        aborted: &Rc<Cell<bool>>,
        controller: &Option<AbortController>,
    ) -> Result<HttpResponse, TransportError> {
        let init = Object::new();
        set(&init, "method", &JsValue::from_str(req.method.as_str()));
        let headers = Object::new();
        for (k, v) in &req.headers {
            set(&headers, k, &JsValue::from_str(v));
        }
        set(&init, "headers", &headers);
        if let Some(body) = &req.body {
            set(&init, "body", &JsValue::from_str(body));
        }
        if let Some(c) = controller {
            set(&init, "signal", &c.signal());
        }
        let promise = match &self.fetch {
            Some(f) => f
                .call2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
                .map(|v| Promise::resolve(&v)),
            None => global_fetch(&req.url, &init),
        }
        .map_err(|_| {
            transport_error(
                false,
                "fetch threw before sending (is fetch available here?)",
            )
        })?;
        let fail = |what: &str| {
            transport_error(
                aborted.get(),
                &if aborted.get() {
                    "request timed out".to_string()
                } else {
                    what.to_string()
                },
            )
        };
        let resp: FetchResponse = JsFuture::from(promise)
            .await
            .map_err(|_| fail("network error (connection refused, reset or blocked)"))?
            .unchecked_into();
        let status = resp.status();
        let mut headers = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(&resp.headers()) {
            for entry in iter.flatten() {
                let pair: Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    headers.push((k, v));
                }
            }
        }
        let buffer = resp
            .array_buffer()
            .map_err(|_| fail("could not read the reply body"))?;
        let buffer = JsFuture::from(buffer)
            .await
            .map_err(|_| fail("connection lost while reading the reply"))?;
        let body = Uint8Array::new(&buffer).to_vec();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

impl Transport for FetchTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Events are built only for hooks that exist: each costs several
        // JS crossings, twice per request (bench/e2e.mjs measures the gateway).
        if self.hooks.on_request.is_some() {
            call_hook(&self.hooks.on_request, &Self::request_event(&req));
        }
        let started = js_sys::Date::now();
        let aborted = Rc::new(Cell::new(false));
        let controller = AbortController::new().ok();
        let timer = controller.as_ref().map(|c| {
            let c: AbortController = AsRef::<JsValue>::as_ref(c).clone().unchecked_into();
            let flag = aborted.clone();
            let on_timeout = Closure::once_into_js(move || {
                flag.set(true);
                c.abort();
            });
            set_timeout(&on_timeout, f64::from(self.timeout_ms))
        });
        let result = self.send_inner(&req, &aborted, &controller).await;
        if let Some(t) = timer {
            clear_timeout(&t);
        }
        if self.hooks.on_response.is_some() {
            let event = Self::request_event(&req);
            set(
                &event,
                "durationMs",
                &JsValue::from_f64(js_sys::Date::now() - started),
            );
            match &result {
                Ok(r) => set(&event, "status", &JsValue::from(r.status)),
                Err(e) => set(&event, "error", &JsValue::from_str(&e.message)),
            }
            call_hook(&self.hooks.on_response, &event);
        }
        result
    }

    async fn sleep(&self, ms: u64) {
        let promise = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms as f64);
        });
        let _ = JsFuture::from(promise).await;
    }
}
