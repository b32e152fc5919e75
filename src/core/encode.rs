//! Byte-exact percent encoders.
//!
//! Vendors disagree on which bytes are left alone, so the encoder takes the set
//! of kept punctuation as data. Everything is UTF-8; hex is upper case.

use crate::core::crypto::hex_digit;

/// Sorts `(name, value)` pairs by name, bytewise, stably (equal names keep their
/// written order): the canonical strings' one sort. Kingdee and Freemud both call
/// this one function, so the wasm holds one copy of std's sort: each element type
/// and comparator is its own copy, about 1.4 KB gzip (docs/size.md).
#[inline(never)]
pub fn sort_by_name(pairs: &mut [(&str, &str)]) {
    pairs.sort_by(|a, b| a.0.cmp(b.0));
}

/// How a space is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// As `+` (form encoding).
    Plus,
    /// As `%20`.
    Percent,
}

/// Percent-encodes `s`: ASCII letters, digits and the bytes in `keep` stay,
/// a space follows `space`, every other byte becomes `%XX` (upper-case hex).
pub fn percent_encode(s: &str, keep: &[u8], space: Space) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    percent_encode_into(s, keep, space, &mut out);
    out
}

/// [`percent_encode`] appended to `out` (a canonical string is written in one buffer).
pub fn percent_encode_into(s: &str, keep: &[u8], space: Space, out: &mut String) {
    // Kept runs are copied with one `push_str` each (a per-char `push` is
    // not inlined in the size-optimised wasm); every split is at an ASCII byte.
    let mut start = 0;
    // An index loop, not `bytes().enumerate()` (see `json::write_string`).
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            continue;
        }
        let i = i - 1;
        out.push_str(s.get(start..i).unwrap_or_default());
        if b == b' ' && space == Space::Plus {
            out.push('+');
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4, true));
            out.push(hex_digit(b & 15, true));
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// `application/x-www-form-urlencoded` bytes, as Java's `URLEncoder` and WHATWG
/// write them: keeps `* - . _`, space as `+`.
pub fn form_encode(s: &str) -> String {
    percent_encode(s, b"*-._", Space::Plus)
}

/// Decodes `%XX` escapes and `+` (as space) from a form-encoded component.
/// Returns `None` on a malformed escape or bytes that are not UTF-8.
pub fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(text, 16).ok()?);
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn form_encoding_matches_java_urlencoder() {
        assert_eq!(form_encode("a b*~=:中"), "a+b*%7E%3D%3A%E4%B8%AD");
    }

    proptest! {
        #[test]
        fn form_round_trip(s in any::<String>()) {
            prop_assert_eq!(form_decode(&form_encode(&s)), Some(s));
        }

        #[test]
        fn output_is_plain_ascii(s in any::<String>()) {
            let e = percent_encode(&s, b"-._~", Space::Percent);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        }
    }
}
