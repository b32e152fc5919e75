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

    use crate::vendors::param_schema::{Rule, Schema};
    use proptest::prelude::*;

    /// `yyyy-MM-dd HH:mm:ss` from its six fields, zero-padded.
    fn datetime(f: [u32; 6]) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            f[0], f[1], f[2], f[3], f[4], f[5]
        )
    }

    /// The fields' ranges as `is_datetime`'s doc gives them.
    const RANGES: [(u32, u32); 6] = [(0, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 59)];

    /// The byte each position of the shape holds: `None` for a digit.
    fn shape(at: usize) -> Option<u8> {
        match at {
            4 | 7 => Some(b'-'),
            10 => Some(b' '),
            13 | 16 => Some(b':'),
            _ => None,
        }
    }

    fn in_range() -> impl Strategy<Value = [u32; 6]> {
        (
            0u32..=9999,
            1u32..=12,
            1u32..=31,
            0u32..=23,
            0u32..=59,
            0u32..=59,
        )
            .prop_map(|(y, mo, d, h, mi, s)| [y, mo, d, h, mi, s])
    }

    /// A params object `{name: value}`.
    fn one(name: &str, value: Json) -> Json {
        Json::Object(vec![(name.to_string(), value)])
    }

    /// A schema as an operation's table writes one: an integer, a text and a
    /// field without a rule, accepted in this order.
    static CANON: Schema = Schema {
        known: &["page", "mobile", "extra"],
        rules: &[
            Rule::Opt("page", Kind::Int),
            Rule::Opt("mobile", Kind::Text),
        ],
    };

    /// Canonical decimal text: `-` only for a negative number, no `+`, no
    /// leading zero (`0` itself excepted), ASCII digits only.
    fn is_canonical_decimal(s: &str) -> bool {
        let digits = s.strip_prefix('-').unwrap_or(s);
        !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && s != "-0"
    }

    proptest! {
        /// Every date and time whose six fields are in range is accepted.
        #[test]
        fn datetime_accepts_every_in_range_value(f in in_range()) {
            prop_assert!(is_datetime(&datetime(f)), "{}", datetime(f));
        }

        /// One field out of its range (two digits, or four for the year, as
        /// the shape allows) and the text is refused.
        #[test]
        fn datetime_refuses_a_field_out_of_range(f in in_range(), field in 1usize..6, v in 0u32..100) {
            let (lo, hi) = RANGES[field];
            prop_assume!(v < lo || v > hi);
            let mut f = f;
            f[field] = v;
            prop_assert!(!is_datetime(&datetime(f)), "{}", datetime(f));
        }

        /// Any character where the shape wants another kind (a non-digit for
        /// a digit, anything but the separator), or a character more or less:
        /// refused.
        #[test]
        fn datetime_refuses_any_other_shape(
            f in in_range(),
            at in 0usize..19,
            c in prop_oneof![any::<char>(), prop::char::range(' ', '~')],
            cut in 0usize..19,
        ) {
            let good = datetime(f);
            let wrong = match shape(at) {
                Some(sep) => c != char::from(sep),
                None => !c.is_ascii_digit(),
            };
            if wrong {
                let mut s: Vec<char> = good.chars().collect();
                s[at] = c;
                let s: String = s.into_iter().collect();
                prop_assert!(!is_datetime(&s), "{:?}", s);
            }
            let mut longer = good.clone();
            longer.insert(cut, if c.is_ascii_digit() { c } else { '0' });
            prop_assert!(!is_datetime(&longer), "{:?}", longer);
            let mut shorter = good;
            shorter.remove(cut);
            prop_assert!(!is_datetime(&shorter), "{:?}", shorter);
        }

        /// `strict_int`: an exact integer as a JSON number or a string of an
        /// optional `-` and ASCII digits, within i64; nothing else.
        #[test]
        fn strict_int_reads_integers_and_only_integers(n: i64, zeros in 0usize..3, other in 1u8..10) {
            let num = |t: &str| Json::parse(t).ok().as_ref().and_then(strict_int);
            let text = |t: &str| strict_int(&Json::str(t));
            let (sign, digits) = if n < 0 { ("-", n.unsigned_abs().to_string()) } else { ("", n.to_string()) };
            let padded = format!("{sign}{}{digits}", "0".repeat(zeros));
            prop_assert_eq!(num(&n.to_string()), Some(n));
            prop_assert_eq!(text(&n.to_string()), Some(n));
            prop_assert_eq!(text(&padded), Some(n));
            // Refused: a fraction (even .0), an exponent, `+`, whitespace, a
            // second sign, digits beyond i64, other JSON types.
            prop_assert_eq!(num(&format!("{n}.0")), None);
            prop_assert_eq!(num(&format!("{n}e0")), None);
            prop_assert_eq!(text(&format!("{n}.{other}")), None);
            prop_assert_eq!(text(&format!("+{digits}")), None);
            prop_assert_eq!(text(&format!(" {n}")), None);
            prop_assert_eq!(text(&format!("{n} ")), None);
            prop_assert_eq!(text(&format!("--{digits}")), None);
            prop_assert_eq!(text(&format!("{n}{other}0000000000000000000")), None);
            prop_assert_eq!(num("true"), None);
            prop_assert_eq!(num(&format!("[{n}]")), None);
        }

        /// docs/vendors/kingdee.md §7.3: query integers go as decimal strings
        /// (`"page":"1"`). Whatever exact form the caller used (number,
        /// string, leading zeros), the canonical value is the one canonical
        /// decimal text of the same integer; text goes as given; a field
        /// without a rule as given; the order is the schema's.
        #[test]
        fn integers_are_sent_in_canonical_decimal(
            n: i64,
            zeros in 0usize..3,
            as_string: bool,
            mobile in "[0-9+ -]{0,12}",
            extra in any::<bool>(),
        ) {
            let digits = format!("{}{}", "0".repeat(zeros), n.unsigned_abs());
            let given = format!("{}{digits}", if n < 0 { "-" } else { "" });
            let page = if as_string { Json::str(given) } else { Json::Number(n.to_string()) };
            let params = Json::Object(vec![
                ("extra".to_string(), Json::Bool(extra)),
                ("mobile".to_string(), Json::str(mobile.as_str())),
                ("page".to_string(), page),
            ]);
            let p = Params::new(&params).map_err(|e| TestCaseError::fail(e.message.clone()))?;
            prop_assert!(CANON.check(&p).is_ok());
            let out = CANON.canonical(&p);
            let names: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
            prop_assert_eq!(names, vec!["page", "mobile", "extra"]);
            let sent = out[0].1.as_str().unwrap_or("");
            prop_assert!(is_canonical_decimal(sent), "{:?}", sent);
            prop_assert_eq!(sent.parse::<i64>().ok(), Some(n));
            prop_assert_eq!(&out[1].1, &Json::str(mobile.as_str()));
            prop_assert_eq!(&out[2].1, &Json::Bool(extra));
            // Absent and null fields are left out.
            let empty = one("page", Json::Null);
            let p = Params::new(&empty).map_err(|e| TestCaseError::fail(e.message.clone()))?;
            prop_assert!(CANON.canonical(&p).is_empty());
        }
    }

    #[test]
    fn canonical_decimal_means_what_it_says() {
        for good in ["0", "7", "-7", "10", "-9223372036854775808"] {
            assert!(is_canonical_decimal(good), "{good}");
        }
        for bad in ["", "-", "-0", "007", "+7", "-07", "7 ", "٧", "1e3"] {
            assert!(!is_canonical_decimal(bad), "{bad}");
        }
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
