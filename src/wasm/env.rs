//! The platform's clock and random source.

use crate::core::clock::{Clock, Entropy};
use std::cell::RefCell;
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
///
/// Small requests (nonces, UUIDs) are served from a pool refilled
/// [`POOL_SIZE`] bytes at a time: each `getRandomValues` is a JS crossing, and
/// in Node one per call was ~5 % of a Kingdee call (docs/benchmarks.md). Served bytes
/// are zeroed in the pool. Nothing jifen draws is a secret (nonces and ids are
/// sent in clear), and the pool is CSPRNG output all the same.
pub struct JsEntropy;

/// Bytes drawn from the platform per refill.
pub const POOL_SIZE: usize = 256;

thread_local! {
    static POOL: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

fn fill_direct(buf: &mut [u8]) {
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

impl Entropy for JsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        let n = buf.len();
        let served = n <= POOL_SIZE / 4
            && POOL.with(|cell| {
                let Ok(mut guard) = cell.try_borrow_mut() else {
                    return false;
                };
                let (pool, used) = &mut *guard;
                if pool.len() < *used + n {
                    pool.resize(POOL_SIZE, 0);
                    fill_direct(pool);
                    *used = 0;
                }
                match pool.get_mut(*used..*used + n) {
                    Some(src) => {
                        buf.copy_from_slice(src);
                        src.fill(0);
                        *used += n;
                        true
                    }
                    None => false,
                }
            });
        if !served {
            fill_direct(buf);
        }
    }
}
