//! Strict readers for caller-supplied parameters.
//!
//! Every vendor validates its inputs before anything is signed or sent, and
//! every refusal names the field. Values may come from JS as numbers or strings;
//! integers must be exact (no fractions, no exponents, within i64).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::param_schema::{check_value, required, Kind};

/// A view of a params object that reads fields with clear errors.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a> {
    obj: &'a [(String, Json)],
}

static EMPTY: [(String, Json); 0] = [];

impl<'a> Params<'a> {
    /// Wraps a params value: an object, or `null`/absent meaning no params.
    pub fn new(value: &'a Json) -> Result<Self> {
        match value {
            Json::Object(obj) => Ok(Params { obj }),
            Json::Null => Ok(Params { obj: &EMPTY }),
            _ => Err(Error::invalid_input("params must be an object")),
        }
    }

    /// The raw value of `name`, treating `null` as absent.
    pub fn get(&self, name: &str) -> Option<&'a Json> {
        self.obj
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// The names present.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.obj.iter().map(|(k, _)| k.as_str())
    }

    /// An optional field of a text `kind`, checked, as text.
    fn text(&self, name: &str, kind: Kind) -> Result<Option<String>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => {
                check_value(name, v, kind)?;
                Ok(v.as_text())
            }
        }
    }

    /// An optional string field (numbers are accepted and kept as written).
    pub fn opt_str(&self, name: &str) -> Result<Option<String>> {
        self.text(name, Kind::Text)
    }

    /// An optional non-empty string field.
    pub fn opt_nonempty(&self, name: &str) -> Result<Option<String>> {
        self.text(name, Kind::NonEmpty)
    }

    /// A required non-empty string field.
    pub fn req_str(&self, name: &str) -> Result<String> {
        self.opt_nonempty(name)?.ok_or_else(|| required(name))
    }

    /// An optional exact integer (a JSON integer or a string of one).
    pub fn opt_int(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => {
                check_value(name, v, Kind::Int)?;
                Ok(strict_int(v))
            }
        }
    }

    /// A required exact integer.
    pub fn req_int(&self, name: &str) -> Result<i64> {
        self.opt_int(name)?.ok_or_else(|| required(name))
    }

    /// An optional integer within `[lo, hi]`.
    pub fn opt_int_in(&self, name: &str, lo: i64, hi: i64) -> Result<Option<i64>> {
        match self.opt_int(name)? {
            Some(n) if n < lo || n > hi => Err(Error::invalid_input(format!(
                "`{name}` must be between {lo} and {hi}"
            ))),
            other => Ok(other),
        }
    }

    /// Refuses any field not in `known`, so a typo is caught rather than ignored
    /// ("did you mean", [`crate::vendors::param_schema::unknown_field`]). For
    /// arguments that have no `allowFields` escape (a vendor operation's params
    /// go through [`crate::vendors::param_schema::refuse_unknown`]).
    pub fn only(&self, known: &[&str]) -> Result<()> {
        match self.names().find(|n| !known.contains(n)) {
            Some(name) => Err(crate::vendors::param_schema::unknown_field(
                name, known, false,
            )),
            None => Ok(()),
        }
    }
}

/// An exact integer from a JSON number or string: `12`, `"12"`, `"-3"`; not `1.5`, `1e3`, `""`.
pub fn strict_int(v: &Json) -> Option<i64> {
    let text = match v {
        Json::Number(n) => n.as_str(),
        Json::String(s) => s.as_str(),
        _ => return None,
    };
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// Checks `yyyy-MM-dd HH:mm:ss` (the format Kingdee and Freemud use for times):
/// ASCII digits, month 1–12, day 1–31, hour 0–23, minute and second 0–59.
pub fn is_datetime(s: &str) -> bool {
    const SHAPE: &[u8] = b"0000-00-00 00:00:00.";
    const RANGES: [(u32, u32); 6] = [(0, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 59)];
    if s.len() + 1 != SHAPE.len() {
        return false;
    }
    let mut ranges = RANGES.iter();
    let mut n = 0;
    // A final '.' on both sides closes the last field.
    for (c, &shape) in s.bytes().chain([b'.']).zip(SHAPE) {
        if shape == b'0' {
            if !c.is_ascii_digit() {
                return false;
            }
            n = n * 10 + u32::from(c - b'0');
        } else {
            match ranges.next() {
                Some(&(lo, hi)) if c == shape && (lo..=hi).contains(&n) => n = 0,
                _ => return false,
            }
        }
    }
    true
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn strict_integers() {
        for (j, want) in [
            ("12", Some(12)),
            ("\"-3\"", Some(-3)),
            ("1.5", None),
            ("1e3", None),
            ("\"\"", None),
            // `str::parse` takes a leading `+`: not an exact integer here.
            ("\"+5\"", None),
            ("\"-+5\"", None),
            ("\"-\"", None),
            ("\"1 \"", None),
            ("true", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(
                Json::parse(j).ok().as_ref().and_then(strict_int),
                want,
                "{j}"
            );
        }
    }

    /// The check as it was written before (slices parsed with `str::parse`).
    fn is_datetime_by_parse(s: &str) -> bool {
        let b = s.as_bytes();
        if b.len() != 19 {
            return false;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let seps = [(4, b'-'), (7, b'-'), (10, b' '), (13, b':'), (16, b':')];
        seps.iter().all(|&(i, c)| b.get(i) == Some(&c))
            && matches!(
                (
                    num(0..4),
                    num(5..7),
                    num(8..10),
                    num(11..13),
                    num(14..16),
                    num(17..19)
                ),
                (
                    Some(_),
                    Some(1..=12),
                    Some(1..=31),
                    Some(0..=23),
                    Some(0..=59),
                    Some(0..=59)
                )
            )
    }

    proptest::proptest! {
        #[test]
        fn datetime_agrees_with_the_parsing_check(s in "[0-9]{4}[-/][0-3][0-9][- ][0-3][0-9][ T][0-2][0-9]:[0-6][0-9]:[0-6][0-9]:?") {
            proptest::prop_assert_eq!(is_datetime(&s), is_datetime_by_parse(&s));
        }

        #[test]
        fn datetime_agrees_on_any_text(s in "[0-9: -]{17,21}|.{0,22}") {
            proptest::prop_assert_eq!(is_datetime(&s), is_datetime_by_parse(&s));
        }
    }

    #[test]
    fn datetime_agrees_on_every_field_value_and_separator() {
        let base = "2024-06-15 12:30:45";
        let mut tried = 0;
        for start in [0, 2, 5, 8, 11, 14, 17] {
            for v in 0..100 {
                let s = format!("{}{v:02}{}", &base[..start], &base[start + 2..]);
                assert_eq!(is_datetime(&s), is_datetime_by_parse(&s), "{s}");
                tried += 1;
            }
        }
        for at in 0..19 {
            for c in 0..=255u8 {
                let mut b = base.as_bytes().to_vec();
                b[at] = c;
                if let Ok(s) = String::from_utf8(b) {
                    assert_eq!(is_datetime(&s), is_datetime_by_parse(&s), "{s}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 3000);
    }

    #[test]
    fn datetimes() {
        assert!(is_datetime("2024-01-31 23:59:59"));
        assert!(is_datetime("0000-12-01 00:00:00"));
        for bad in [
            "2024-01-31",
            "2024-13-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024-01-01 24:00:00",
            "２０２４-01-01 00:00:00",
            "2024-01-00 00:00:00",
            "2024-01-32 00:00:00",
            "2024-00-01 00:00:00",
            "2024-01-01 00:60:00",
            "2024-01-01 00:00:60",
            "2024-01-01 00:00:0.",
            "2024-01-01 00:00:000",
            "2024/01/01 00:00:00",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }
}
