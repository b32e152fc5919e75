//! HMAC, hex and base64: the synchronous primitives every vendor signs with.
//!
//! They run in Rust rather than through `crypto.subtle` because an awaited
//! WebCrypto call costs far more than these few microseconds (docs/architecture.md §2.3).

use sha2::digest::{Digest, Output};

/// The standard base64 alphabet (RFC 4648 §4).
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// HMAC (RFC 2104) over a hash with a 64-byte block (SHA-1, SHA-256). Written
/// out rather than taken from the `hmac` crate, whose layered wrappers cost
/// more wasm than the construction itself; a native test checks both agree.
fn hmac<D: Digest>(key: &[u8], msg: &[u8]) -> Output<D> {
    let mut block = [0u8; 64];
    let hashed;
    let key = if key.len() > block.len() {
        hashed = D::digest(key);
        hashed.as_slice()
    } else {
        key
    };
    for (b, k) in block.iter_mut().zip(key) {
        *b = *k;
    }
    let mut inner = D::new();
    inner.update(xor(&block, 0x36));
    inner.update(msg);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(xor(&block, 0x5c));
    outer.update(inner);
    outer.finalize()
}

/// The key block XOR the pad byte.
fn xor(block: &[u8; 64], pad: u8) -> [u8; 64] {
    let mut out = *block;
    for b in &mut out {
        *b ^= pad;
    }
    out
}

/// HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    hmac::<sha2::Sha256>(key, msg).into()
}

/// HMAC-SHA1 of `msg` under `key`.
pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    hmac::<sha1::Sha1>(key, msg).into()
}

/// Lower-case hex.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(hex_digit(b >> 4, false));
        out.push(hex_digit(b & 15, false));
    }
    out
}

/// The hex digit for the low four bits of `n`.
pub fn hex_digit(n: u8, upper: bool) -> char {
    let n = n & 15;
    char::from(match (n, upper) {
        (0..=9, _) => b'0' + n,
        (_, true) => b'A' + n - 10,
        (_, false) => b'a' + n - 10,
    })
}

/// Standard base64 with `=` padding and no line breaks.
///
/// Written out here rather than taken from the `base64` crate, whose general
/// engine costs about 7 KB of wasm; a native test checks both agree.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    let sym = |n: u32| char::from(B64.get((n & 63) as usize).copied().unwrap_or(b'='));
    for chunk in bytes.chunks(3) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if chunk.len() > 1 { sym(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(n) } else { '=' });
    }
    out
}

/// The value of a base64 symbol.
fn b64_value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes standard base64, ignoring ASCII whitespace (PEM bodies wrap lines).
/// Canonical form only, as the `base64` crate's `STANDARD` engine reads it:
/// `=` padding to a multiple of four, and no stray bits in the last symbol.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut compact = Vec::with_capacity(text.len());
    for c in text.bytes() {
        if !c.is_ascii_whitespace() {
            compact.push(c);
        }
    }
    if compact.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(compact.len() / 4 * 3);
    let mut start = 0;
    while let Some(quad) = compact.get(start..start + 4) {
        start += 4;
        let last = start == compact.len();
        // Trailing `=`s of this quad.
        let mut pad = 0;
        while pad < 4 && quad.get(3 - pad) == Some(&b'=') {
            pad += 1;
        }
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (j, &c) in quad.iter().enumerate() {
            let v = if j < 4 - pad { b64_value(c)? } else { 0 };
            n = (n << 6) | v;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = 3 - pad;
        // Bits below the last kept byte must be zero (canonical encoding).
        if pad > 0 && n & ((1 << (8 * pad)) - 1) != 0 {
            return None;
        }
        out.extend_from_slice(bytes.get(..keep).unwrap_or_default());
    }
    Some(out)
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex_lower(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn rfc2202_sha1_case_2() {
        let mac = hmac_sha1(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex_lower(&mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }

    #[test]
    fn base64_round_trip_with_whitespace() {
        assert_eq!(base64_decode("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
        assert_eq!(base64_decode("***"), None);
        for bad in [
            "aGVsbG8", "aGVsbG9=", "aGVsbA=", "aG==bG8=", "a===", "=AAA", "aGVsbA==",
        ] {
            let want = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, bad).ok();
            assert_eq!(base64_decode(bad), want, "{bad}");
        }
    }

    #[test]
    fn base64_padding_agrees_with_the_base64_crate() {
        // Every 4- and 8-symbol text over a few symbols, `=` among them: all
        // the padding positions, stray bits and misplaced `=`.
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine;
        let symbols = [b'A', b'B', b'Q', b'g', b'=', b'/'];
        for len in [4u32, 8] {
            for mut n in 0..6usize.pow(len) {
                let mut text = String::new();
                for _ in 0..len {
                    text.push(char::from(symbols[n % 6]));
                    n /= 6;
                }
                assert_eq!(base64_decode(&text), STANDARD.decode(&text).ok(), "{text}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn hmac_agrees_with_the_hmac_crate(key in proptest::collection::vec(0u8.., 0..150), msg: Vec<u8>) {
            use hmac::{Hmac, Mac};
            let mut m = Hmac::<sha2::Sha256>::new_from_slice(&key).map_err(|_| proptest::test_runner::TestCaseError::fail("key"))?;
            m.update(&msg);
            let want: [u8; 32] = m.finalize().into_bytes().into();
            proptest::prop_assert_eq!(hmac_sha256(&key, &msg), want);
            let mut m = Hmac::<sha1::Sha1>::new_from_slice(&key).map_err(|_| proptest::test_runner::TestCaseError::fail("key"))?;
            m.update(&msg);
            let want: [u8; 20] = m.finalize().into_bytes().into();
            proptest::prop_assert_eq!(hmac_sha1(&key, &msg), want);
        }

        #[test]
        fn base64_agrees_with_the_base64_crate(bytes: Vec<u8>, text in "[A-Za-z0-9+/=]{0,12}") {
            use base64::engine::general_purpose::STANDARD;
            use base64::Engine;
            let encoded = base64_encode(&bytes);
            proptest::prop_assert_eq!(&encoded, &STANDARD.encode(&bytes));
            proptest::prop_assert_eq!(base64_decode(&encoded), Some(bytes));
            proptest::prop_assert_eq!(base64_decode(&text), STANDARD.decode(&text).ok());
        }
    }
}
