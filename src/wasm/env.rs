//! The platform's clock and random source.

use crate::core::clock::{Clock, Entropy};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// `Date.now()`.
pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        let now = js_sys::Date::now();
        if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        }
    }
}

/// `crypto.getRandomValues` (present in browsers, workers, Node ≥ 19, Deno, Bun).
pub struct JsEntropy;

impl Entropy for JsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // getRandomValues takes at most 65536 bytes per call.
        for chunk in buf.chunks_mut(65_536) {
            if get_random_values(chunk).is_err() {
                // No CSPRNG: fall back to Math.random rather than trap; nonces
                // stay unique, but say so loudly in the docs for such hosts.
                for b in chunk.iter_mut() {
                    *b = (js_sys::Math::random() * 256.0) as u8;
                }
            }
        }
    }
}
