//! Parameter schemas as data: each operation's fields and rules are a `static`
//! [`Schema`], and one small interpreter ([`Schema::check`]) checks a params
//! object against it for all three vendors. Rules run in table order and the
//! first refusal wins, so the order of a table is part of its behaviour (which
//! message a caller sees when two fields are wrong); `tests/params_golden.rs`
//! pins it.

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::call_options::CallOptions;
use crate::vendors::params::{is_datetime, strict_int, Params};

/// What a present field must hold, and the refusal when it does not. Every
/// refusal names the field: "`name` must …".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything (not checked; sent as given).
    Any,
    /// A string or number ("must be a string").
    Text,
    /// A string or number, not blank ("must not be empty").
    NonEmpty,
    /// A non-blank `yyyy-MM-dd HH:mm:ss` ("must be `yyyy-MM-dd HH:mm:ss`").
    DateTime,
    /// A non-blank 3–20 digits, `+` or `-` ("must be 3–20 digits").
    Mobile,
    /// A Freemud member id: a non-blank string, never a JSON number (18-digit ids lose precision).
    MemberId,
    /// An exact integer ("must be an integer").
    Int,
    /// An integer in `1..=hi` ("must be between 1 and hi").
    UpTo(u32),
    /// An integer in `1..=i64::MAX` ("must be between 1 and 9223372036854775807").
    Min1,
    /// An integer ≥ 1 ("must be at least 1").
    AtLeast1,
    /// An integer ≥ 1 ("must be an integer", then "must be a positive integer").
    PositiveInt,
    /// An integer ≥ 1, anything else refused as "must be a positive integer".
    Positive,
    /// An integer whose bit is set in the mask ("must be one of 1, 2").
    OneOf(u32),
    /// A code in `1..=max` ("must be 1–max, got n").
    Code(u32),
    /// A non-zero integer ("must not be zero").
    NonZero,
}

impl Kind {
    fn is_int(self) -> bool {
        matches!(
            self,
            Kind::Int
                | Kind::UpTo(_)
                | Kind::Min1
                | Kind::AtLeast1
                | Kind::PositiveInt
                | Kind::Positive
                | Kind::OneOf(_)
                | Kind::Code(_)
                | Kind::NonZero
        )
    }
}

/// One step of a schema.
#[derive(Clone, Copy)]
pub enum Rule {
    /// An optional field of this kind.
    Opt(&'static str, Kind),
    /// A required field: absent or `null` is "`name` is required".
    Req(&'static str, Kind),
    /// A required field with its own message when absent.
    ReqOr(&'static (&'static str, Kind, &'static str)),
    /// At least one of these fields present, else the message.
    AnyOf(&'static (&'static [&'static str], &'static str)),
    /// The first field not above the second when both are present (integers
    /// compared as numbers, anything else as text), else the message.
    NotAbove(&'static (&'static str, &'static str, &'static str)),
    /// A rule no table expresses, as a named function.
    Fn(fn(&Params<'_>) -> Result<()>),
}

/// An operation's parameters: the fields it accepts and the rules they obey.
pub struct Schema {
    /// The accepted fields, in the order the refusal of an unknown one lists
    /// them and [`Schema::canonical`] writes them; empty: any field is accepted.
    pub known: &'static [&'static str],
    /// The rules, checked in order.
    pub rules: &'static [Rule],
}

pub(crate) fn invalid(name: &str, what: &str) -> Error {
    let mut m = String::with_capacity(name.len() + what.len() + 2);
    m.push('`');
    m.push_str(name);
    m.push('`');
    m.push_str(what);
    Error::invalid_input(m)
}

/// "`name` is required".
pub(crate) fn required(name: &str) -> Error {
    invalid(name, " is required")
}

/// A string or number's text.
fn text(v: &Json) -> Option<&str> {
    match v {
        Json::String(s) => Some(s),
        Json::Number(n) => Some(n),
        _ => None,
    }
}

fn is_mobile(m: &str) -> bool {
    (3..=20).contains(&m.len())
        && m.bytes()
            .all(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
}

/// Checks one present value against its kind.
pub(crate) fn check_value(name: &str, v: &Json, kind: Kind) -> Result<()> {
    if kind == Kind::Any {
        return Ok(());
    }
    if kind == Kind::Positive {
        return match strict_int(v) {
            Some(n) if n >= 1 => Ok(()),
            _ => Err(invalid(name, " must be a positive integer")),
        };
    }
    if kind.is_int() {
        let n = strict_int(v).ok_or_else(|| invalid(name, " must be an integer"))?;
        let refusal = match kind {
            Kind::UpTo(hi) if n < 1 || n > i64::from(hi) => {
                Some(format!(" must be between 1 and {}", i64::from(hi)))
            }
            Kind::Min1 if n < 1 => Some(format!(" must be between 1 and {}", i64::MAX)),
            Kind::AtLeast1 if n < 1 => Some(" must be at least 1".into()),
            Kind::PositiveInt if n < 1 => Some(" must be a positive integer".into()),
            Kind::Code(max) if n < 1 || n > i64::from(max) => {
                Some(format!(" must be 1–{}, got {n}", i64::from(max)))
            }
            Kind::NonZero if n == 0 => Some(" must not be zero".into()),
            Kind::OneOf(mask) if !(0..32).contains(&n) || mask & (1 << n) == 0 => {
                let mut m = String::from(" must be one of ");
                let mut first = true;
                for bit in 0..32u32 {
                    if mask & (1 << bit) != 0 {
                        if !first {
                            m.push_str(", ");
                        }
                        first = false;
                        m.push_str(&i64::from(bit).to_string());
                    }
                }
                Some(m)
            }
            _ => None,
        };
        return match refusal {
            Some(what) => Err(invalid(name, &what)),
            None => Ok(()),
        };
    }
    if kind == Kind::MemberId && matches!(v, Json::Number(_)) {
        return Err(invalid(
            name,
            " must be a string: Freemud ids have 18 digits and lose precision as numbers",
        ));
    }
    let s = text(v).ok_or_else(|| invalid(name, " must be a string"))?;
    if kind == Kind::Text {
        return Ok(());
    }
    if s.trim().is_empty() {
        return Err(invalid(name, " must not be empty"));
    }
    match kind {
        Kind::DateTime if !is_datetime(s) => Err(invalid(name, " must be `yyyy-MM-dd HH:mm:ss`")),
        Kind::Mobile if !is_mobile(s) => Err(invalid(name, " must be 3–20 digits")),
        _ => Ok(()),
    }
}

/// The Damerau (optimal string alignment) distance between `a` and `b`, by
/// bytes: insertions, deletions, substitutions and swaps of two neighbours
/// each cost 1, so `mobiel` is 1 from `mobile` (field names are ASCII; a
/// non-ASCII character counts as its UTF-8 bytes).
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    // Rows of the table: the one two back (for swaps), the last, this one.
    let at = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX / 2);
    let mut two_back: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = Vec::with_capacity(b.len() + 1);
    for j in 0..=b.len() {
        last.push(j);
    }
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (at(&last, j) + cost)
                .min(at(&last, j + 1) + 1)
                .min(at(&row, j) + 1);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                d = d.min(at(&two_back, j - 1) + 1);
            }
            row.push(d);
        }
        two_back = std::mem::replace(&mut last, row);
    }
    at(&last, b.len())
}

/// The known field `name` most likely meant: the nearest by [`edit_distance`]
/// ignoring ASCII case, if within a third of `name`'s length (at least 1, at
/// most 3); the first in `known` order on a tie.
pub fn did_you_mean<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let wanted = name.as_bytes().to_ascii_lowercase();
    let limit = (wanted.len() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for k in known {
        let d = edit_distance(&wanted, &k.as_bytes().to_ascii_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Refuses the first field of `p` that is neither in `known` nor named in
/// `options.allowFields`: "unknown parameter `x`; did you mean `y`? expected
/// one of: …", and how to send a field jifen does not know yet.
pub fn refuse_unknown(p: &Params<'_>, known: &[&str], options: &CallOptions) -> Result<()> {
    match p.names().find(|n| !known.contains(n) && !options.allows(n)) {
        Some(name) => Err(unknown_field(name, known, true)),
        None => Ok(()),
    }
}

/// "unknown parameter `name`; did you mean `y`? expected one of: …", and with
/// `escape` how a vendor operation sends a field jifen does not know yet (not
/// said where there is no such way, as in the unified calls' arguments).
pub fn unknown_field(name: &str, known: &[&str], escape: bool) -> Error {
    let name = crate::core::error::scrub(name, 60);
    let mut m = String::from("unknown parameter `");
    m.push_str(&name);
    m.push_str("`; ");
    if let Some(near) = did_you_mean(&name, known) {
        m.push_str("did you mean `");
        m.push_str(near);
        m.push_str("`? ");
    }
    m.push_str("expected one of: ");
    for (i, k) in known.iter().enumerate() {
        if i > 0 {
            m.push_str(", ");
        }
        m.push_str(k);
    }
    if escape {
        m.push_str(
            " (a field jifen does not know yet is sent with the call option allowFields: [\"",
        );
        m.push_str(&name);
        m.push_str("\"])");
    }
    Error::invalid_input(m)
}

impl Schema {
    /// Checks `p`: unknown fields first (when `known` is not empty), then every rule in order.
    pub fn check(&self, p: &Params<'_>) -> Result<()> {
        self.check_with(p, &CallOptions::default())
    }

    /// [`Schema::check`], with the fields `options.allowFields` names accepted
    /// (and not checked: jifen does not know what they hold).
    pub fn check_with(&self, p: &Params<'_>, options: &CallOptions) -> Result<()> {
        if !self.known.is_empty() {
            refuse_unknown(p, self.known, options)?;
        }
        for rule in self.rules {
            match *rule {
                Rule::Opt(name, kind) | Rule::Req(name, kind) | Rule::ReqOr(&(name, kind, _)) => {
                    match p.get(name) {
                        Some(v) => check_value(name, v, kind)?,
                        None => match *rule {
                            Rule::Req(..) => return Err(required(name)),
                            Rule::ReqOr(&(_, _, message)) => {
                                return Err(Error::invalid_input(message))
                            }
                            _ => {}
                        },
                    }
                }
                Rule::AnyOf(&(names, message)) => {
                    if names.iter().all(|n| p.get(n).is_none()) {
                        return Err(Error::invalid_input(message));
                    }
                }
                Rule::NotAbove(&(a, b, message)) => {
                    if let (Some(a), Some(b)) = (p.get(a), p.get(b)) {
                        let above = match (strict_int(a), strict_int(b)) {
                            (Some(a), Some(b)) => a > b,
                            _ => text(a) > text(b),
                        };
                        if above {
                            return Err(Error::invalid_input(message));
                        }
                    }
                }
                Rule::Fn(f) => f(p)?,
            }
        }
        Ok(())
    }

    /// The kind of the first rule on `name`.
    fn kind_of(&self, name: &str) -> Option<Kind> {
        self.rules.iter().find_map(|r| match *r {
            Rule::Opt(n, k) | Rule::Req(n, k) | Rule::ReqOr(&(n, k, _)) if n == name => Some(k),
            _ => None,
        })
    }

    /// The present fields of a checked `p`, in `known` order, every scalar as a
    /// JSON string: integers in their canonical form (`"007"` → `"7"`), text as
    /// given; fields of kind [`Kind::Any`] or without a rule as given.
    pub fn canonical(&self, p: &Params<'_>) -> Vec<(String, Json)> {
        let mut out = Vec::new();
        for name in self.known {
            let Some(v) = p.get(name) else { continue };
            let value = match self.kind_of(name) {
                Some(k) if k.is_int() => {
                    Json::String(strict_int(v).unwrap_or_default().to_string())
                }
                Some(Kind::Any) | None => v.clone(),
                Some(_) => Json::String(text(v).unwrap_or_default().to_string()),
            };
            out.push((name.to_string(), value));
        }
        out
    }

    /// The present fields that `options.allowFields` let through (not in
    /// `known`), as given and in the caller's order: what a typed operation
    /// sends after its own fields.
    pub fn allowed_extras(&self, p: &Params<'_>, options: &CallOptions) -> Vec<(String, Json)> {
        let mut out = Vec::new();
        for name in p.names() {
            if self.known.contains(&name) || !options.allows(name) {
                continue;
            }
            if let Some(v) = p.get(name) {
                out.push((name.to_string(), v.clone()));
            }
        }
        out
    }
}

/// The text of a present string or number field of a checked params object.
pub fn text_of(p: &Params<'_>, name: &str) -> String {
    p.get(name)
        .and_then(text)
        .map(str::to_string)
        .unwrap_or_default()
}

/// The integer of a present integer field of a checked params object.
pub fn int_of(p: &Params<'_>, name: &str) -> Option<i64> {
    p.get(name).and_then(strict_int)
}

#[cfg(test)]
mod tests {
    use super::*;

    static S: Schema = Schema {
        known: &["a", "b", "c"],
        rules: &[
            Rule::Req("a", Kind::OneOf(0b1010)),
            Rule::Opt("b", Kind::DateTime),
            Rule::Opt("c", Kind::Code(9)),
        ],
    };

    fn check(s: &str) -> std::result::Result<(), String> {
        let j = Json::parse(s).map_err(|e| e.message.clone())?;
        let p = Params::new(&j).map_err(|e| e.message.clone())?;
        S.check(&p).map_err(|e| e.message.clone())
    }

    #[test]
    fn messages_name_the_field() {
        assert_eq!(check(r#"{"a":1}"#), Ok(()));
        assert_eq!(check(r#"{}"#), Err("`a` is required".into()));
        assert_eq!(check(r#"{"a":2}"#), Err("`a` must be one of 1, 3".into()));
        assert_eq!(
            check(r#"{"a":1,"b":"2024-01-01"}"#),
            Err("`b` must be `yyyy-MM-dd HH:mm:ss`".into())
        );
        assert_eq!(
            check(r#"{"a":1,"c":"10"}"#),
            Err("`c` must be 1–9, got 10".into())
        );
        assert_eq!(
            check(r#"{"a":1,"d":1}"#),
            Err("unknown parameter `d`; did you mean `a`? expected one of: a, b, c (a field jifen does not know yet is sent with the call option allowFields: [\"d\"])".into())
        );
    }

    #[test]
    fn distances_count_swaps_as_one() {
        let d = |a: &str, b: &str| edit_distance(a.as_bytes(), b.as_bytes());
        for (a, b, want) in [
            ("", "", 0),
            ("mobile", "mobile", 0),
            ("mobiel", "mobile", 1),
            ("mobil", "mobile", 1),
            ("page_siz", "page_size", 1),
            ("pageNo", "pageNum", 2),
            ("kitten", "sitting", 3),
            ("ca", "abc", 3),
            ("", "abc", 3),
            // A non-ASCII character counts as its bytes (分 and 份 differ in all three).
            ("积分", "积份", 3),
        ] {
            assert_eq!(d(a, b), want, "{a} {b}");
            assert_eq!(d(b, a), want, "{b} {a}");
        }
    }

    #[test]
    fn suggestions_are_near_misses_only() {
        let known = ["member_id", "mobile", "page", "page_size", "memberId"];
        for (typo, want) in [
            ("mobiel", Some("mobile")),
            ("MOBILE", Some("mobile")),
            // A case-only difference is the nearest of all.
            ("memberid", Some("memberId")),
            ("memberID", Some("memberId")),
            ("member-id", Some("member_id")),
            ("page_szie", Some("page_size")),
            ("pag", Some("page")),
            ("orderCode", None),
            ("typo", None),
            ("x", None),
        ] {
            assert_eq!(did_you_mean(typo, &known), want, "{typo}");
        }
    }

    #[test]
    fn allowed_fields_pass_and_are_sent_after_the_known() {
        let j = Json::parse(r#"{"newField":[1],"a":1,"other":2}"#).unwrap();
        let p = Params::new(&j).unwrap();
        let allow = CallOptions {
            allow_fields: vec!["newField".into()],
            idempotent: None,
        };
        let e = S.check_with(&p, &allow).unwrap_err();
        assert!(
            e.message.starts_with("unknown parameter `other`;"),
            "{}",
            e.message
        );
        let j = Json::parse(r#"{"newField":[1],"a":1}"#).unwrap();
        let p = Params::new(&j).unwrap();
        assert!(S.check_with(&p, &allow).is_ok());
        assert!(S.check(&p).is_err());
        let mut sent = S.canonical(&p);
        sent.extend(S.allowed_extras(&p, &allow));
        assert_eq!(
            Json::Object(sent).to_json_string(),
            r#"{"a":"1","newField":[1]}"#
        );
    }

    #[test]
    fn canonical_writes_known_order_as_strings() {
        let j = Json::parse(r#"{"c":"007","a":3}"#).unwrap_or(Json::Null);
        let p = Params::new(&j);
        assert_eq!(
            p.map(|p| Json::Object(S.canonical(&p)).to_json_string())
                .ok(),
            Some(r#"{"a":"3","c":"7"}"#.to_string())
        );
    }
}
