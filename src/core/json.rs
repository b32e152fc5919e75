//! A small JSON value, parser and compact writer.
//!
//! Why not serde_json: the wasm bundle has a size budget, and the platform
//! already has `JSON.parse`/`JSON.stringify`. What jifen needs from JSON in
//! Rust is narrow and must be byte-exact: object keys keep their order (a
//! Freemud `requestBody` is signed as written), numbers keep their original
//! text (a 19-digit member id must not become a float), and output matches
//! `JSON.stringify` for the same value. The parser is checked: bounded depth,
//! no panics, every byte of input validated; it is fuzzed in `fuzz/`.

use crate::core::error::{Error, Result};

/// Nesting deeper than this is refused rather than risking the stack.
pub const MAX_DEPTH: usize = 128;

/// A JSON value. Objects keep their key order; numbers keep their text.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as the exact text it was written with (validated JSON grammar).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, in the order its keys were written.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses a complete JSON text (surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Json> {
        let mut p = Parser { text, pos: 0 };
        p.skip_ws();
        let value = p.value(0)?;
        p.skip_ws();
        if p.pos != p.text.len() {
            return Err(p.error("trailing characters after the JSON value"));
        }
        Ok(value)
    }

    /// Parses JSON from bytes that must be UTF-8.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Json> {
        let text = std::str::from_utf8(bytes).map_err(|_| Error::parse("reply is not UTF-8"))?;
        Json::parse(text)
    }

    /// A number from an integer.
    pub fn int(n: i64) -> Json {
        Json::Number(n.to_string())
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }

    /// An object from pairs, dropping `None` values.
    ///
    /// Generic only over the length: the work is one non-generic function
    /// (one copy in wasm instead of one per call site's array type).
    #[inline]
    pub fn object<const N: usize>(mut pairs: [(&str, Option<Json>); N]) -> Json {
        object_of(&mut pairs)
    }

    /// The member `key` of an object (the first, if repeated).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key` (the first of that name, as [`Json::get`] finds it), moved
    /// out of the object instead of cloned; `None` if this is not an object or has no such key.
    pub fn take(self, key: &str) -> Option<Json> {
        match self {
            Json::Object(pairs) => pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key`, treating `null` as absent.
    pub fn get_present(&self, key: &str) -> Option<&Json> {
        self.get(key).filter(|v| !matches!(v, Json::Null))
    }

    /// The member `key` as text ([`Json::as_text`]); `None` when absent,
    /// `null` or not a string, number or boolean.
    pub fn text_at(&self, key: &str) -> Option<String> {
        self.get(key).and_then(Json::as_text)
    }

    /// [`Json::text_at`], with `""` as `None` too.
    pub fn filled_at(&self, key: &str) -> Option<String> {
        self.text_at(key).filter(|s| !s.is_empty())
    }

    /// The object's pairs, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The array's items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as text: strings as they are, numbers and booleans in their JSON form.
    /// Vendors send the same field as `"12"` or `12`; this reads both.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.clone()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value as an integer, from a JSON integer or a string holding one.
    /// `"12"`, `12`, `" 12 "` and `12.0` all read as 12; `12.5`, `"abc"` do not.
    pub fn as_i64_lenient(&self) -> Option<i64> {
        let text = match self {
            Json::Number(n) => n.as_str(),
            Json::String(s) => s.trim(),
            _ => return None,
        };
        parse_integer_text(text)
    }

    /// The value as a boolean, from `true`/`false` or the strings `"true"`/`"false"`.
    pub fn as_bool_lenient(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// Compact JSON text, byte-identical to `JSON.stringify` of the same value
    /// (given numbers already in JavaScript's canonical form).
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The object of the present pairs, taking each value out of `pairs`.
fn object_of(pairs: &mut [(&str, Option<Json>)]) -> Json {
    let mut out = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        if let Some(v) = v.take() {
            out.push((k.to_string(), v));
        }
    }
    Json::Object(out)
}

/// Reads an integer from decimal text; accepts a trailing `.0…` fraction of zeros.
fn parse_integer_text(text: &str) -> Option<i64> {
    let int_part = match text.split_once('.') {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        Some(_) => return None,
        None => text,
    };
    // `e`/`E` anywhere fail the digit parse; a `+` it would accept only first.
    if int_part.starts_with('+') {
        return None;
    }
    int_part.parse::<i64>().ok()
}

/// Writes a JSON string literal the way `JSON.stringify` does.
///
/// Plain runs are copied with one `push_str` each: escapes are ASCII, so every
/// split falls on a char boundary (this is most of `buildRequest`'s output
/// cost in wasm, where a per-char `push` is not inlined; see docs/benchmarks.md).
pub fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut start = 0;
    // An index loop, not `bytes().enumerate()`: at opt-level z the adapter's
    // `next` can end up outlined (shared with other callers), a call per byte;
    // that once cost every buildRequest ~17 % (docs/size.md).
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        let i = i - 1;
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            _ => "",
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            // A control byte below 0x20: `\u00` and two lower-case hex digits.
            out.push_str(if b < 0x10 { "\\u000" } else { "\\u001" });
            out.push(char::from(
                b"0123456789abcdef"
                    .get(usize::from(b & 0xf))
                    .copied()
                    .unwrap_or(b'0'),
            ));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

struct Parser<'a> {
    /// The input. Runs are sliced from it as `&str`: already valid UTF-8, so
    /// not validated again; bytes are read through [`Parser::bytes`].
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// The input as bytes.
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }
}

impl Parser<'_> {
    fn error(&self, what: &str) -> Error {
        Error::parse(format!("invalid JSON at byte {}: {}", self.pos, what))
    }

    // Forced inline: called once per input byte, and the size-optimised
    // build otherwise keeps it a call (measured in docs/benchmarks.md).
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, word: &str, value: Json) -> Result<Json> {
        let end = self.pos + word.len();
        if self.bytes().get(self.pos..end) == Some(word.as_bytes()) {
            self.pos = end;
            Ok(value)
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of input")),
            Some(b'n') => self.expect_word("null", Json::Null),
            Some(b't') => self.expect_word("true", Json::Bool(true)),
            Some(b'f') => self.expect_word("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json> {
        self.pos += 1;
        let mut pairs = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(pairs));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            pairs.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(pairs));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit after '.'"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = self
            .text
            .get(start..self.pos)
            .ok_or_else(|| self.error("bad number"))?;
        Ok(Json::Number(text.to_string()))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("bad \\u escape")),
            };
            v = v * 16 + u32::from(d);
            self.pos += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain bytes in one go; the input is a &str, so
            // any run that stops at an ASCII byte is valid UTF-8.
            let run_start = self.pos;
            // `position` over the rest: a tighter loop than `peek` per byte at opt-level z.
            let rest = self.bytes().get(run_start..).unwrap_or_default();
            self.pos += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            // A run ends at an ASCII byte or the end: a char boundary, so `get` finds it.
            let run = self
                .text
                .get(run_start..self.pos)
                .ok_or_else(|| self.error("bad UTF-8"))?;
            if out.is_empty() && self.peek() == Some(b'"') {
                // The usual string, without escapes: one allocation of its exact length.
                self.pos += 1;
                return Ok(run.to_string());
            }
            out.push_str(run);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self
                        .peek()
                        .ok_or_else(|| self.error("unterminated escape"))?;
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0C}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes().get(self.pos..self.pos + 2) != Some(b"\\u") {
                                    return Err(self.error("lone surrogate"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.error("lone surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.error("lone surrogate"));
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code).ok_or_else(|| self.error("bad code point"))?,
                            );
                        }
                        _ => return Err(self.error("unknown escape")),
                    }
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips_compact_text() {
        let text = r#"{"b":1,"a":[true,false,null,-0.5e+3,"x\"\\\n\u0001中"],"c":{}}"#;
        assert_eq!(
            Json::parse(text).map(|j| j.to_json_string()).ok(),
            Some(text.to_string())
        );
    }

    /// `tests/vectors/json/stringify.json`: JSON texts and what JavaScript's
    /// `JSON.stringify(JSON.parse(text))` makes of them (the RFC 8259 §13
    /// examples, every control character, each escape form, whitespace, key
    /// order, canonical numbers), generated by `node tests/vectors/json/gen.mjs`.
    #[test]
    fn writes_what_json_stringify_writes() {
        let file = Json::parse(include_str!("../../tests/vectors/json/stringify.json"))
            .unwrap_or(Json::Null);
        let cases = file.get("cases").and_then(Json::as_array).unwrap_or(&[]);
        assert!(cases.len() >= 60, "the vectors file did not load");
        for case in cases {
            let text = case.get("text").and_then(Json::as_str).unwrap_or("");
            let want = case.get("stringify").and_then(Json::as_str);
            let source = case.get("source").and_then(Json::as_str).unwrap_or("");
            let got = Json::parse(text).map(|j| j.to_json_string());
            assert_eq!(got.ok().as_deref(), want, "{source}: {text}");
        }
    }

    #[test]
    fn keeps_big_numbers_exact() {
        let j = Json::parse(r#"{"id":1234567890123456789}"#).ok();
        assert_eq!(
            j.as_ref()
                .and_then(|j| j.get("id"))
                .and_then(Json::as_i64_lenient),
            Some(1234567890123456789)
        );
    }

    #[test]
    fn lenient_integers() {
        for (text, want) in [
            (r#""12""#, Some(12)),
            ("12", Some(12)),
            ("12.0", Some(12)),
            ("12.5", None),
            (r#""abc""#, None),
            ("1e3", None),
            (r#"" -7 ""#, Some(-7)),
            // `str::parse` takes a leading `+`; a vendor's integer never has one.
            (r#""+12""#, None),
            (r#""+12.0""#, None),
        ] {
            assert_eq!(
                Json::parse(text).ok().and_then(|j| j.as_i64_lenient()),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_bad_input_without_panicking() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "nul",
            "\"a",
            "[1 2]",
            "{}x",
            "\"\u{1}\"",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} should fail");
        }
        let deep = "[".repeat(MAX_DEPTH + 5);
        assert!(Json::parse(&deep).is_err());
    }

    #[test]
    fn surrogate_pairs_decode() {
        assert_eq!(Json::parse(r#""\ud83d\ude00""#).ok(), Some(Json::str("😀")));
    }

    /// ECMA-262 `QuoteJSONString` (§25.5.2.3), one code point at a time as
    /// the spec writes it: the escapes of its table, `\u` and four lower-case
    /// hex digits for the other code points below U+0020 (Rust strings hold no
    /// lone surrogates), every other code point as itself.
    fn quote_json_string(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '\u{8}' => out.push_str("\\b"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\u{c}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c < '\u{20}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// Any number the RFC 8259 §6 grammar allows, as text.
    fn arb_number_text() -> impl Strategy<Value = String> {
        "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?"
    }

    fn arb_json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::int),
            arb_number_text().prop_map(Json::Number),
            any::<String>().prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                prop::collection::vec((any::<String>(), inner), 0..6).prop_map(Json::Object),
            ]
        })
    }

    proptest! {
        #[test]
        fn writer_output_parses_back_to_the_same_value(j in arb_json()) {
            let text = j.to_json_string();
            prop_assert_eq!(Json::parse(&text).ok(), Some(j));
        }

        #[test]
        fn strings_are_quoted_as_json_stringify_quotes_them(
            s in prop_oneof![any::<String>(), "[\\x00-\\x20\"\\\\/a\\x7f\\x{2028}é😀]{0,16}"],
        ) {
            let mut out = String::new();
            write_string(&s, &mut out);
            prop_assert_eq!(&out, &quote_json_string(&s));
            // RFC 8259 §7: no raw control character, only the grammar's escapes.
            prop_assert!(!out.chars().any(|c| c.is_ascii_control() && c != '\u{7f}'), "a raw control character");
            let mut chars = out.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    let escaped = chars.next().unwrap_or(' ');
                    prop_assert!("\"\\/bfnrtu".contains(escaped), "bad escape \\{}", escaped);
                }
            }
            prop_assert_eq!(Json::parse(&out).ok(), Some(Json::String(s)));
        }

        #[test]
        fn compact_text_reads_and_writes_back_byte_for_byte(j in arb_json()) {
            let text = j.to_json_string();
            let again = Json::parse(&text).map(|j| j.to_json_string());
            prop_assert_eq!(again.ok(), Some(text));
        }

        #[test]
        fn nineteen_digit_integers_stay_exact(n in 1_000_000_000_000_000_000i64..=i64::MAX, neg: bool) {
            let n = if neg { -n } else { n };
            let digits = n.to_string();
            let text = format!(r#"{{"id":{digits},"as_text":"{digits}"}}"#);
            let j = Json::parse(&text).unwrap_or(Json::Null);
            prop_assert_eq!(j.get("id"), Some(&Json::Number(digits.clone())));
            prop_assert_eq!(j.get("id").and_then(Json::as_i64_lenient), Some(n));
            prop_assert_eq!(j.get("as_text").and_then(Json::as_i64_lenient), Some(n));
            prop_assert_eq!(j.to_json_string(), text);
        }

        #[test]
        fn integers_beyond_i64_keep_their_text_and_read_as_none(
            digits in "[1-9][0-9]{19,30}|92233720368547758(0[89]|[1-9][0-9])",
            neg: bool,
        ) {
            // -9223372036854775808 is i64::MIN, in range.
            prop_assume!(!(neg && digits == "9223372036854775808"));
            let digits = if neg { format!("-{digits}") } else { digits };
            let j = Json::parse(&format!("[{digits}]")).unwrap_or(Json::Null);
            let item = j.as_array().and_then(|a| a.first());
            prop_assert_eq!(item, Some(&Json::Number(digits.clone())));
            prop_assert_eq!(item.and_then(Json::as_i64_lenient), None);
            prop_assert_eq!(j.to_json_string(), format!("[{digits}]"));
        }

        #[test]
        fn objects_keep_their_keys_in_written_order(keys in prop::collection::vec(".{0,4}", 0..12)) {
            let pairs: Vec<(String, Json)> =
                keys.iter().map(|k| (k.clone(), Json::str(k.as_str()))).collect();
            let text = Json::Object(pairs).to_json_string();
            let j = Json::parse(&text).unwrap_or(Json::Null);
            let read: Vec<&str> = j.as_object().unwrap_or(&[]).iter().map(|(k, _)| k.as_str()).collect();
            prop_assert_eq!(read, keys.iter().map(String::as_str).collect::<Vec<_>>());
        }

        /// `as_i64_lenient` (its doc): an integer, as a JSON number or a
        /// string (trimmed), optionally with a fraction of zeros; nothing else.
        #[test]
        fn lenient_integers_follow_their_rule(n: i64, zeros in 1usize..4, pad in "[ \t]{0,2}", other in 1u8..10) {
            let read = |text: &str| Json::str(text).as_i64_lenient();
            let number = |text: &str| Json::parse(text).ok().and_then(|j| j.as_i64_lenient());
            let zeros = "0".repeat(zeros);
            prop_assert_eq!(number(&n.to_string()), Some(n));
            prop_assert_eq!(number(&format!("{n}.{zeros}")), Some(n));
            prop_assert_eq!(read(&format!("{pad}{n}{pad}")), Some(n));
            prop_assert_eq!(read(&format!("{n}.{zeros}")), Some(n));
            // Refused: a non-zero fraction, an exponent, a bare or signed-twice
            // form, a `+`, an empty fraction, digits beyond i64.
            prop_assert_eq!(number(&format!("{n}.{zeros}{other}")), None);
            prop_assert_eq!(number(&format!("{n}e0")), None);
            prop_assert_eq!(read(&format!("{n}E1")), None);
            prop_assert_eq!(read(&format!("{n}.")), None);
            prop_assert_eq!(read(&format!("+{}", n.unsigned_abs())), None);
            prop_assert_eq!(read(&format!("--{}", n.unsigned_abs())), None);
            prop_assert_eq!(read(&format!("{n}{other}0000000000000000000")), None);
        }

        #[test]
        fn parser_never_panics(s in any::<String>()) {
            let _ = Json::parse(&s);
        }
    }
}
