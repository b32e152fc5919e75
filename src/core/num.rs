//! Decimal integers read exactly as `str::parse::<i64>()` / `::<u64>()` read
//! them (an optional sign, then one or more ASCII digits, no overflow), without
//! std's generic `FromStr` code: one small function instead of a copy per
//! integer type in the wasm.

/// Whether every byte of `s` is an ASCII digit (true for `""`).
pub fn all_digits(s: &str) -> bool {
    crate::core::text::all_bytes(s, |b| b.is_ascii_digit())
}

/// The magnitude and sign of `s`: `+` or (when `signed`) `-` may lead.
fn magnitude(s: &str, signed: bool) -> Option<(bool, u64)> {
    let b = s.as_bytes();
    let (neg, digits) = match b {
        [b'-', rest @ ..] if signed => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n = 0u64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some((neg, n))
}

/// `s.parse::<u64>().ok()`.
pub fn parse_u64(s: &str) -> Option<u64> {
    magnitude(s, false).map(|(_, n)| n)
}

/// `s.parse::<i64>().ok()`.
pub fn parse_i64(s: &str) -> Option<i64> {
    let (neg, n) = magnitude(s, true)?;
    if neg {
        // Up to 2^63: `i64::MIN` is its own negation.
        (n <= 1 << 63).then(|| (n as i64).wrapping_neg())
    } else {
        i64::try_from(n).ok()
    }
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CASES: [&str; 30] = [
        "",
        "+",
        "-",
        "0",
        "-0",
        "+0",
        "007",
        "12",
        "-12",
        "+12",
        "--1",
        "+-1",
        "1 ",
        " 1",
        "1.0",
        "1e3",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "-18446744073709551615",
        "99999999999999999999999",
        "00000000000000000000000000001",
        "١٢",
        "12a",
        "0x10",
        "٣",
        "+00",
    ];

    #[test]
    fn reads_like_std() {
        for s in CASES {
            assert_eq!(parse_i64(s), s.parse::<i64>().ok(), "i64 {s:?}");
            assert_eq!(parse_u64(s), s.parse::<u64>().ok(), "u64 {s:?}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_std_on_any_text(s in "[-+0-9]{0,22}|.{0,8}") {
            prop_assert_eq!(parse_i64(&s), s.parse::<i64>().ok());
            prop_assert_eq!(parse_u64(&s), s.parse::<u64>().ok());
        }

        #[test]
        fn agrees_with_std_on_every_i64(n: i64) {
            prop_assert_eq!(parse_i64(&n.to_string()), Some(n));
            prop_assert_eq!(parse_u64(&n.to_string()), n.to_string().parse::<u64>().ok());
        }
    }
}
