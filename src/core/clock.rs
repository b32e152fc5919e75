//! Time and randomness, injected so every signature is reproducible.
//!
//! Nothing in `core` or `vendors` reads a clock or a random source: callers pass
//! a [`Clock`] and an [`Entropy`] (the wasm layer supplies `Date.now()` and
//! `crypto.getRandomValues`; tests supply fixed ones).

use std::cell::Cell;

/// Milliseconds since the Unix epoch.
pub trait Clock {
    /// The current time in ms.
    fn now_ms(&self) -> u64;
}

/// A cryptographically secure random source.
pub trait Entropy {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// A clock that always says the same time; for tests and dry runs.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0
    }
}

/// A clock tests can move.
#[derive(Debug, Default)]
pub struct ManualClock(pub Cell<u64>);

impl ManualClock {
    /// Moves the clock forward.
    pub fn advance(&self, ms: u64) {
        self.0.set(self.0.get() + ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

/// A deterministic byte stream (xorshift); for tests only, never for real nonces.
#[derive(Debug)]
pub struct TestEntropy(pub Cell<u64>);

impl Entropy for TestEntropy {
    fn fill(&self, buf: &mut [u8]) {
        for b in buf {
            let mut x = self.0.get() | 1;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0.set(x);
            *b = (x >> 24) as u8;
        }
    }
}

/// The system clock (native targets).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// The operating system's random source (native targets).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

#[cfg(not(target_arch = "wasm32"))]
impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) {
        // getrandom only fails on platforms without an OS RNG; there is no safe fallback.
        if getrandom::getrandom(buf).is_err() {
            buf.fill(0);
        }
    }
}

/// A random u64 from `entropy`.
pub fn random_u64(entropy: &dyn Entropy) -> u64 {
    let mut b = [0u8; 8];
    entropy.fill(&mut b);
    u64::from_le_bytes(b)
}

/// A uniformly random integer in `[lo, hi]` (rejection sampling, no modulo bias).
pub fn random_in(entropy: &dyn Entropy, lo: u64, hi: u64) -> u64 {
    let span = hi.saturating_sub(lo).saturating_add(1);
    if span == 0 {
        return random_u64(entropy);
    }
    let zone = u64::MAX - (u64::MAX % span);
    loop {
        let x = random_u64(entropy);
        if x < zone {
            return lo + x % span;
        }
    }
}

/// A random RFC 4122 version-4 UUID, lower case.
pub fn uuid_v4(entropy: &dyn Entropy) -> String {
    let mut b = [0u8; 16];
    entropy.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // 8-4-4-4-12 hex digits: a dash before bytes 4, 6, 8 and 10.
    let mut out = String::with_capacity(36);
    for (i, &byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(crate::core::crypto::hex_digit(byte >> 4, false));
        out.push(crate::core::crypto::hex_digit(byte, false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let e = TestEntropy(Cell::new(42));
        let u = uuid_v4(&e);
        assert_eq!(u.len(), 36);
        assert_eq!(u.as_bytes()[14], b'4');
        assert!(matches!(u.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    /// Entropy that hands out the bytes it was given.
    struct Bytes([u8; 16]);

    impl Entropy for Bytes {
        fn fill(&self, buf: &mut [u8]) {
            for (b, &v) in buf.iter_mut().zip(self.0.iter()) {
                *b = v;
            }
        }
    }

    #[test]
    fn uuid_matches_the_rfc_9562_example() {
        // RFC 9562 Appendix A.4, "Example of a UUIDv4 Value": its random bits
        // already carry version 4 and variant 0b10, so the bytes are the UUID.
        let bytes = [
            0x91, 0x91, 0x08, 0xf7, 0x52, 0xd1, 0x43, 0x20, 0x9b, 0xac, 0xf8, 0x47, 0xdb, 0x41,
            0x48, 0xa8,
        ];
        assert_eq!(
            uuid_v4(&Bytes(bytes)),
            "919108f7-52d1-4320-9bac-f847db4148a8"
        );
    }

    // Native only: proptest is a native dev-dependency.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// RFC 9562 §5.4: 8-4-4-4-12 lower-case hex digits of the 16 bytes in
        /// order, the version field (the high nibble of byte 6) 4, the variant
        /// (the top two bits of byte 8) 0b10, every other bit the entropy's.
        #[test]
        fn uuid_is_the_entropy_with_version_and_variant(bytes: [u8; 16]) {
            let u = uuid_v4(&Bytes(bytes));
            let groups: Vec<&str> = u.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            proptest::prop_assert_eq!(lengths, vec![8, 4, 4, 4, 12]);
            let hex: String = groups.concat();
            proptest::prop_assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
            let got: Vec<u8> = (0..16)
                .filter_map(|i| hex.get(2 * i..2 * i + 2))
                .filter_map(|h| u8::from_str_radix(h, 16).ok())
                .collect();
            let mut want = bytes.to_vec();
            if let (Some(v), Some(r)) = (want.get(6).copied(), want.get(8).copied()) {
                want[6] = 0x40 | (v & 0x0f);
                want[8] = 0x80 | (r & 0x3f);
            }
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn random_in_stays_in_range() {
        let e = TestEntropy(Cell::new(7));
        for _ in 0..1000 {
            let n = random_in(&e, 1_000_000_000, 9_999_999_999);
            assert!((1_000_000_000..=9_999_999_999).contains(&n));
        }
    }
}
