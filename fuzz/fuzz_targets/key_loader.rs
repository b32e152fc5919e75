//! The RSA key loader (PEM or bare base64; PKCS#8, PKCS#1, SPKI): a hand-written DER reader.
#![no_main]
use jifen::vendors::freemud::key::{load_private_key, load_public_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(der) = load_private_key(text) {
        assert!(!der.is_empty());
    }
    if let Ok(der) = load_public_key(text) {
        assert!(!der.is_empty());
    }
});
