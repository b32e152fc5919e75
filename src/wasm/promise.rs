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

/// A future that is ready on its first poll (Kingdee and Qimai signing do no
/// I/O) comes back as an already settled promise, skipping the task queue, its
/// closures and a microtask (a tenth of `buildRequest`'s cost; see
/// docs/benchmarks.md). A future still pending is handed to `future_to_promise`,
/// which polls it again with its own waker: the Future contract only wakes the
/// latest poll's waker.
fn spawn(mut task: JsTask) -> Promise {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match task.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Ok(v)) => Promise::resolve(&v),
        std::task::Poll::Ready(Err(e)) => Promise::reject(&e),
        std::task::Poll::Pending => future_to_promise(task),
    }
}
