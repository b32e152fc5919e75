//! Our own credentials, kept out of errors built from a vendor's reply.
//!
//! Vendor text goes into an error's message, vendor code and request id. A
//! vendor (or a proxy in front of it) may echo the request it refused, headers
//! and URL included, so that text can carry the credentials we sent: an
//! `app-token` or `access_token` header, a Kingdee `app_signature` (an HMAC of
//! the app secret that opens a token for whoever holds it). [`Sent::of`] takes
//! those values from a request before it goes out; [`Sent::mask`] replaces them
//! in an error with `***`, as sent, percent-decoded, and cut short by
//! [`scrub`](super::error::scrub)'s length limit.

use super::error::Error;
use super::request::{is_secret_header, HttpRequest};

/// Shorter values are not masked: they would match ordinary text.
const MIN_LEN: usize = 8;

/// The credential values one request carried.
#[derive(Default)]
pub struct Sent(Vec<String>);

impl Sent {
    /// The values of `req`'s secret headers and of its query parameters named
    /// like a credential (`*secret*`, `*signature*`, `*token*`; the vendors'
    /// query names are lower case), each as sent
    /// and percent-decoded, without base64 `=` padding (an echo may drop it).
    #[inline(never)]
    pub fn of(req: &HttpRequest) -> Sent {
        let mut sent = Sent::default();
        for (name, value) in &req.headers {
            if is_secret_header(name) {
                sent.add(value);
            }
        }
        let query = req.url.split('#').next().unwrap_or_default();
        if let Some((_, query)) = query.split_once('?') {
            for pair in query.split('&') {
                let Some((name, value)) = pair.split_once('=') else {
                    continue;
                };
                // Byte windows, not `str::contains`: see `hide`.
                let named = |word: &[u8]| name.as_bytes().windows(word.len()).any(|w| w == word);
                if named(b"secret") || named(b"signature") || named(b"token") {
                    sent.add(value);
                    if let Some(decoded) = percent_decoded(value) {
                        sent.add(&decoded);
                    }
                }
            }
        }
        sent
    }

    fn add(&mut self, value: &str) {
        let mut v = value;
        loop {
            if let Some(rest) = v.strip_suffix('=') {
                v = rest;
                continue;
            }
            let cut = v.len().saturating_sub(3);
            match (v.get(..cut), v.get(cut..)) {
                (Some(rest), Some(tail)) if tail.eq_ignore_ascii_case("%3D") => v = rest,
                _ => break,
            }
        }
        if v.len() >= MIN_LEN && !self.0.iter().any(|s| s == v) {
            self.0.push(v.to_string());
        }
    }

    /// `e` with every value of this request replaced by `***` in its message,
    /// vendor code and request id.
    #[inline(never)]
    pub fn mask(&self, mut e: Error) -> Error {
        if self.0.is_empty() {
            return e;
        }
        e.message = self.hide(&e.message);
        if let Some(code) = e.vendor_code.take() {
            e.vendor_code = Some(self.hide(&code));
        }
        if let Some(id) = e.request_id.take() {
            e.request_id = Some(self.hide(&id));
        }
        e
    }

    /// `t` without the values: whole, and at the end of a text cut short with
    /// `…` (the start of a value that the length limit cut).
    fn hide(&self, t: &str) -> String {
        let mut out = t.to_string();
        for s in &self.0 {
            // `out.replace(s, "***")` by a byte-window search: a `&str` pattern brings
            // core's two-way searcher and its panic path (`char` Debug, the Unicode
            // printable tables) into the wasm, ~2 KB gzip (docs/size.md). A match of a
            // whole UTF-8 value starts and ends on character boundaries.
            let mut masked = String::with_capacity(out.len());
            let mut rest = out.as_str();
            while let Some(at) = rest
                .as_bytes()
                .windows(s.len())
                .position(|w| w == s.as_bytes())
            {
                masked.push_str(rest.get(..at).unwrap_or_default());
                masked.push_str("***");
                rest = rest.get(at + s.len()..).unwrap_or_default();
            }
            masked.push_str(rest);
            out = masked;
            if let Some(body) = out.strip_suffix('…') {
                let mut n = s.len();
                while n > MIN_LEN {
                    n -= 1;
                    if let Some(head) = s.get(..n) {
                        if let Some(kept) = body.strip_suffix(head) {
                            let mut masked = kept.to_string();
                            masked.push_str("***…");
                            out = masked;
                            break;
                        }
                    }
                }
            }
        }
        out
    }
}

/// `v` with its `%XX` escapes decoded, if it has any and the result is UTF-8.
/// (Not `form_decode`: a smaller loop is enough for what we only search for.)
fn percent_decoded(v: &str) -> Option<String> {
    let b = v.as_bytes();
    if !b.contains(&b'%') {
        return None;
    }
    let hex = |i: usize| b.get(i).and_then(|&c| (c as char).to_digit(16));
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if let (b'%', Some(hi), Some(lo)) = (c, hex(i + 1), hex(i + 2)) {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// Native only: proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod hide_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Away from a cut-short end (`…`), hiding is std's `replace` of each value.
        #[test]
        fn hide_is_std_replace(value in "[ab€]{8,10}", pieces in prop::collection::vec("[ab€ x]{0,12}", 1..5)) {
            // The value between the pieces, so that it occurs, next to itself or overlapping.
            let text = pieces.join(&value);
            let sent = Sent(vec![value.clone()]);
            prop_assert_eq!(sent.hide(&text), text.replace(value.as_str(), "***"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::request::Method;

    // Made-up test credentials.
    const TOKEN: &str = "test-app-token-not-real-0001";
    const SIG: &str = "ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw+Lw==";
    const SIG_SENT: &str = "ZmFrZS1zaWduYXR1cmUtbm90LXJlYWw%2BLw%3D%3D";

    fn req() -> HttpRequest {
        HttpRequest {
            method: Method::Get,
            url: format!("http://sim/k?app_key=SimAppKey01&app_signature={SIG_SENT}&page=12345678"),
            headers: vec![
                ("app-token".into(), TOKEN.into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: None,
        }
    }

    fn err(message: &str) -> Error {
        let mut e = Error::new(ErrorCode::Vendor, message);
        e.vendor_code = Some(format!("x{TOKEN}"));
        e.request_id = Some(SIG.to_string());
        e
    }

    #[test]
    fn values_echoed_as_sent_or_decoded_are_masked_everywhere() {
        let e = Sent::of(&req()).mask(err(&format!(
            "refused app-token: {TOKEN}; query app_signature={SIG_SENT}; decoded {SIG}"
        )));
        assert_eq!(
            e.message,
            "refused app-token: ***; query app_signature=***%3D%3D; decoded ***=="
        );
        assert_eq!(e.vendor_code.as_deref(), Some("x***"));
        assert_eq!(e.request_id.as_deref(), Some("***=="));
    }

    #[test]
    fn a_value_cut_short_by_the_length_limit_is_masked() {
        let cut = TOKEN.get(..15).unwrap();
        let e = Sent::of(&req()).mask(err(&format!("echo: {cut}…")));
        assert_eq!(e.message, "echo: ***…");
        // Too short a stub (under 8 characters) is ordinary text.
        let e = Sent::of(&req()).mask(err("echo: test-ap…"));
        assert_eq!(e.message, "echo: test-ap…");
    }

    #[test]
    fn other_headers_and_query_values_stay() {
        let e = Sent::of(&req()).mask(err("application/json SimAppKey01 12345678"));
        assert_eq!(e.message, "application/json SimAppKey01 12345678");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decoded("a%2Bb%3d%3D").as_deref(), Some("a+b=="));
        assert_eq!(
            percent_decoded("%E7%A7%AF%zz%4").as_deref(),
            Some("积%zz%4")
        );
        assert_eq!(percent_decoded("plain"), None);
        assert_eq!(percent_decoded("%FF"), None);
    }

    #[test]
    fn nothing_sent_nothing_changed() {
        let plain = HttpRequest {
            method: Method::Post,
            url: "http://sim/x".into(),
            headers: vec![],
            body: Some(TOKEN.into()),
        };
        let e = Sent::of(&plain).mask(err(TOKEN));
        assert_eq!(e.message, TOKEN);
    }
}
