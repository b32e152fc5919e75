//! The wasm suites (`tests/wasm.rs`, `tests/wasm_freemud.rs`, `tests/wasm_qimai.rs`)
//! configured for the browser, so that `wasm-pack test --headless --chrome` runs
//! them in headless Chromium instead of skipping them. The three files themselves
//! carry no `wasm_bindgen_test_configure!`: `scripts/test-wasm.sh` picks their
//! runtime per run (Node, a dedicated worker), and `wasm-pack test --node` runs
//! them in Node. A configured suite ignores the runner's `WASM_BINDGEN_USE_*`
//! variables, which is why the browser configuration lives only here.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "wasm.rs"]
mod kingdee;

#[path = "wasm_freemud.rs"]
mod freemud;

#[path = "wasm_qimai.rs"]
mod qimai;
