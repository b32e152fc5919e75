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

    /// Refuses any field not in `known`, so a typo is caught rather than ignored.
    pub fn only(&self, known: &[&str]) -> Result<()> {
        for (n, _) in self.obj {
            if !known.contains(&n.as_str()) {
                return Err(Error::invalid_input(format!(
                    "unknown parameter `{n}`; expected one of: {}",
                    crate::core::text::join(known, ", ")
                )));
            }
        }
        Ok(())
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
    if digits.is_empty() || !crate::core::num::all_digits(digits) {
        return None;
    }
    crate::core::num::parse_i64(text)
}

/// Checks `yyyy-MM-dd HH:mm:ss` (the format Kingdee and Freemud use for times).
pub fn is_datetime(s: &str) -> bool {
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
    if !seps.iter().all(|&(i, c)| b.get(i) == Some(&c)) {
        return false;
    }
    matches!(
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

#[cfg(test)]
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

    #[test]
    fn datetimes() {
        assert!(is_datetime("2024-01-31 23:59:59"));
        for bad in [
            "2024-01-31",
            "2024-13-01 00:00:00",
            "2024-01-01T00:00:00",
            "2024-01-01 24:00:00",
            "２０２４-01-01 00:00:00",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }
}
