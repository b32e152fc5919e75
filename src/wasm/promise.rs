//! Turning a Rust future into a JS `Promise` through one monomorphic
//! `future_to_promise`: every `#[wasm_bindgen]` method that returns a promise
//! boxes its future here, so the spawning machinery is in the wasm once
//! instead of once per method.

use js_sys::Promise;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::future_to_promise;

/// The boxed future every promise-returning method runs.
type JsTask = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// Runs `f` on the JS event loop and returns a promise of its result.
pub fn promise(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    spawn(Box::pin(f))
}

fn spawn(task: JsTask) -> Promise {
    future_to_promise(task)
}
