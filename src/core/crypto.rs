//! HMAC, hex and base64: the synchronous primitives every vendor signs with.
//!
//! They run in Rust rather than through `crypto.subtle` because an awaited
//! WebCrypto call costs far more than these few microseconds (docs/architecture.md §2.3).
//! HMAC is the `hmac` crate over `sha2` / `sha1` (the design card's stack, +0.7 KB
//! gzip over a hand-written HMAC). Base64 and hex stay written out here: the
//! `base64` crate's engine costs 4.7 KB gzip in the package (2 KB for encoding,
//! 2 KB for decoding), 7.6 % of the `jifen/sign` floor, for a few dozen lines that
//! native tests check against the crate itself (docs/dependencies.md has the numbers).
//! Both write bytes from a table into a buffer sized up front, made a `String`
//! once: a `String::push` per character cost ~0.5 µs per Kingdee signature in
//! the wasm (docs/benchmarks.md, "Signing speed").

use hmac::digest::{KeyInit, Output};
use hmac::{Hmac, Mac};
use std::cell::OnceCell;
use std::fmt;

/// A MAC keyed once: `M` as it stands after the key (for HMAC, the inner and
/// outer pads already hashed: two of a short message's four compressions).
#[inline(never)]
fn keyed<M: Mac + KeyInit>(key: &[u8]) -> M {
    // HMAC takes a key of any length (a longer one than the block is hashed
    // first), so `new_from_slice` cannot fail for `Hmac<_>`; the fallback only
    // satisfies the type (no panic path in the wasm).
    <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| <M as KeyInit>::new(&Default::default()))
}

/// The MAC of `msg` by a keyed `M`. Not inlined: one copy per `M` serves the
/// stateless functions and [`KeyCache`] alike (the inlined copies cost 0.7 KB gzip).
#[inline(never)]
fn finish<M: Mac>(mut m: M, msg: &[u8]) -> Output<M> {
    m.update(msg);
    m.finalize().into_bytes()
}

/// HMAC-SHA256 of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    finish(keyed::<Hmac<sha2::Sha256>>(key), msg).into()
}

/// HMAC-SHA1 of `msg` under `key`.
pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    finish(keyed::<Hmac<sha1::Sha1>>(key), msg).into()
}

/// An account's MAC key, keyed once and cloned per message, so a prepared
/// `Signer` or a `Client` does not hash the key's pads again for every
/// signature. It remembers the key it was made from and re-keys when asked
/// for another (a config's secret is a public field), so it can only ever
/// speed a signature up, never change it. Derived state: every `KeyCache`
/// compares equal, and `Debug` shows none of it.
pub struct KeyCache<M> {
    keyed: OnceCell<Box<(Vec<u8>, M)>>,
}

/// [`KeyCache`] for HMAC-SHA256 (Kingdee).
pub type HmacSha256Cache = KeyCache<Hmac<sha2::Sha256>>;

/// [`KeyCache`] for HMAC-SHA1 (Qimai).
pub type HmacSha1Cache = KeyCache<Hmac<sha1::Sha1>>;

impl<M: Mac + KeyInit + Clone> KeyCache<M> {
    /// The MAC of `msg` under `key`: from the kept state when it was keyed
    /// with `key` (the first call keys and keeps it), else keyed afresh.
    pub fn mac(&self, key: &[u8], msg: &[u8]) -> Output<M> {
        let m = match self.keyed.get() {
            Some(kept) if kept.0.as_slice() == key => kept.1.clone(),
            Some(_) => keyed(key),
            None => self
                .keyed
                .get_or_init(|| Box::new((key.to_vec(), keyed(key))))
                .1
                .clone(),
        };
        finish(m, msg)
    }
}

impl<M> Default for KeyCache<M> {
    fn default() -> Self {
        KeyCache {
            keyed: OnceCell::new(),
        }
    }
}

impl<M: Clone> Clone for KeyCache<M> {
    fn clone(&self) -> Self {
        KeyCache {
            keyed: self.keyed.clone(),
        }
    }
}

impl<M> PartialEq for KeyCache<M> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<M> Eq for KeyCache<M> {}

impl<M> fmt::Debug for KeyCache<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCache(***)")
    }
}

/// Lower-case hex digits.
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// The ASCII in `bytes` as a `String` (every caller writes only table bytes).
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Lower-case hex, as bytes: written in place into a buffer of the final
/// length (no per-byte capacity check).
fn hex_lower_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0; bytes.len() * 2];
    let digit = |n: u8| HEX_LOWER.get(usize::from(n & 15)).copied().unwrap_or(b'0');
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = digit(b >> 4);
            *lo = digit(b);
        }
    }
    out
}

/// Lower-case hex.
pub fn hex_lower(bytes: &[u8]) -> String {
    ascii(hex_lower_bytes(bytes))
}

/// `Base64(lower_hex(bytes))`, as Kingdee's signatures are written, without
/// the hex as a `String` in between.
pub fn base64_of_hex_lower(bytes: &[u8]) -> String {
    base64_encode(&hex_lower_bytes(bytes))
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

/// The standard base64 alphabet (RFC 4648 §4).
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding and no line breaks.
///
/// Written out here rather than taken from the `base64` crate, whose engine
/// costs 2 KB gzip in the package for encoding alone (docs/dependencies.md); a
/// native test checks both agree.
pub fn base64_encode(bytes: &[u8]) -> String {
    // Written in place into a buffer of the final length, `=` where no symbol goes.
    let mut out = vec![b'='; bytes.len().div_ceil(3) * 4];
    let sym = |n: u32| B64.get((n & 63) as usize).copied().unwrap_or(b'=');
    for (quad, chunk) in out.chunks_exact_mut(4).zip(bytes.chunks(3)) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        if let [s0, s1, s2, s3] = quad {
            *s0 = sym(n >> 18);
            *s1 = sym(n >> 12);
            if chunk.len() > 1 {
                *s2 = sym(n >> 6);
            }
            if chunk.len() > 2 {
                *s3 = sym(n);
            }
        }
    }
    ascii(out)
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

    /// RFC 4231 (HMAC-SHA256) cases 1, 2, 3 and 6 (a key longer than the block).
    #[test]
    fn rfc4231() {
        let cases: [(&[u8], &[u8], &str); 4] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, msg, want) in cases {
            assert_eq!(hex_lower(&hmac_sha256(key, msg)), want);
        }
    }

    #[test]
    fn key_cache_signs_as_keying_afresh_and_follows_a_changed_key() {
        // A config's secret is a public field: a cache keyed with one secret
        // must not sign for another (the second, fourth and fifth keys differ
        // from the one kept; the last is longer than a block).
        let cache = HmacSha256Cache::default();
        let sha1 = HmacSha1Cache::default();
        for key in [&b"k1"[..], b"k1", b"k2", b"", b"k1", &[7; 100]] {
            let copy = cache.clone();
            for c in [&cache, &copy] {
                assert_eq!(
                    <[u8; 32]>::from(c.mac(key, b"msg")),
                    hmac_sha256(key, b"msg")
                );
            }
            assert_eq!(
                <[u8; 20]>::from(sha1.mac(key, b"msg")),
                hmac_sha1(key, b"msg")
            );
        }
        // Derived state: not part of a config's identity, and never shown.
        assert_eq!(cache, HmacSha256Cache::default());
        assert_eq!(format!("{cache:?}"), "KeyCache(***)");
    }

    /// RFC 2202 (HMAC-SHA1) cases 1, 2 and 6 (a key longer than the block).
    #[test]
    fn rfc2202_sha1() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
        ];
        for (key, msg, want) in cases {
            assert_eq!(hex_lower(&hmac_sha1(key, msg)), want);
        }
    }

    /// RFC 4648 §10, both ways.
    #[test]
    fn rfc4648_base64() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), coded);
            assert_eq!(base64_decode(coded).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn base64_decode_ignores_whitespace_and_refuses_non_canonical_text() {
        assert_eq!(base64_decode("aGVs\nbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(
            base64_decode(" aG\tVs\r\nbG8=\n").as_deref(),
            Some(&b"hello"[..])
        );
        // No padding, stray bits in the last symbol, short padding, `=` inside,
        // too much padding, foreign symbols, URL-safe symbols.
        for bad in [
            "aGVsbG8",
            "aGVsbG9=",
            "aGVsbA=",
            "aG==bG8=",
            "a===",
            "=AAA",
            "aGVsbA==x",
            "***",
            "aGVs-G8=",
        ] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
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
        fn base64_agrees_with_the_base64_crate(bytes: Vec<u8>, text in "[A-Za-z0-9+/=]{0,12}") {
            use base64::engine::general_purpose::STANDARD;
            use base64::Engine;
            let encoded = base64_encode(&bytes);
            proptest::prop_assert_eq!(&encoded, &STANDARD.encode(&bytes));
            proptest::prop_assert_eq!(base64_decode(&encoded), Some(bytes));
            proptest::prop_assert_eq!(base64_decode(&text), STANDARD.decode(&text).ok());
        }

        #[test]
        fn hex_and_the_key_cache_agree_with_their_references(
            key: Vec<u8>,
            other: Vec<u8>,
            msg: Vec<u8>,
        ) {
            use base64::engine::general_purpose::STANDARD;
            use base64::Engine;
            let hex: String = msg.iter().map(|b| format!("{b:02x}")).collect();
            proptest::prop_assert_eq!(&hex_lower(&msg), &hex);
            proptest::prop_assert_eq!(base64_of_hex_lower(&msg), STANDARD.encode(&hex));
            let cache = HmacSha256Cache::default();
            for k in [&key, &other, &key] {
                proptest::prop_assert_eq!(<[u8; 32]>::from(cache.mac(k, &msg)), hmac_sha256(k, &msg));
            }
        }
    }
}
