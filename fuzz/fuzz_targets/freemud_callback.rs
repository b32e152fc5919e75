//! Freemud push parsing: the envelope, its requestBody and the typed event.
#![no_main]
use jifen::vendors::freemud::callback;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(cb) = callback::parse(data) {
        let _ = cb.event.to_json().to_json_string();
        let _ = cb.event.kind();
    }
});
