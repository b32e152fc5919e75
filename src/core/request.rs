//! The request and response model shared by every vendor and transport.

use crate::core::error::{Error, Result};
use crate::core::json::{write_string, Json};
use crate::core::time::parse_http_date;
use std::borrow::Cow;
use std::fmt;

/// A request header's name or value: borrowed where it is fixed text (every
/// header name, `application/json`, Kingdee's `2.0`), owned where it was
/// computed. A signed request's headers were a dozen owned `String`s made,
/// copied into JS and dropped on every call: about a tenth of a Kingdee
/// `buildSync` (docs/benchmarks.md).
pub type HeaderText = Cow<'static, str>;

/// One request header, `(name, value)`, name as sent.
pub type Header = (HeaderText, HeaderText);

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Method {
    /// The method as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request ready to send, plus the exact string that was signed.
///
/// Headers keep their order and the spelling they are sent with. `Debug`
/// hides header values that carry credentials (see [`is_secret_header`]).
#[derive(Clone, PartialEq)]
pub struct SignedRequest {
    /// HTTP method.
    pub method: Method,
    /// Full URL, query included.
    pub url: String,
    /// Headers, in sending order, names as sent.
    pub headers: Vec<Header>,
    /// The body, if any.
    pub body: Option<String>,
    /// The string the signature covers (empty where a vendor signs nothing textual).
    pub string_to_sign: String,
}

/// Refuses header values with a line break or NUL: a value taken from config,
/// options or a vendor reply must not add headers of its own to the request
/// (`fetch` refuses them, but a request built here may go out another way).
#[inline(never)]
pub fn check_header_values(headers: &[Header]) -> Result<()> {
    for (name, value) in headers {
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::invalid_input(format!(
                "header `{name}` would hold a line break or NUL (from config, options or a vendor reply): refused before sending"
            )));
        }
    }
    Ok(())
}

impl SignedRequest {
    /// The transport-level request.
    pub fn to_http(&self) -> HttpRequest {
        HttpRequest {
            method: self.method,
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// The header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_lookup(&self.headers, name)
    }

    /// `{method, url, headers, body, stringToSign}`, the shape `buildRequest` returns in JS.
    pub fn to_json(&self) -> Json {
        self.to_json_masking(|_| false)
    }

    /// As [`SignedRequest::to_json`], with the values of headers for which
    /// `mask` is true shown as `***`.
    pub fn to_json_masking(&self, mask: impl Fn(&str) -> bool) -> Json {
        let mut headers = Vec::with_capacity(self.headers.len());
        for (k, v) in &self.headers {
            let v = if mask(k) { "***" } else { v };
            headers.push((k.to_string(), Json::str(v)));
        }
        Json::object([
            ("method", Some(Json::str(self.method.as_str()))),
            ("url", Some(Json::str(&self.url))),
            ("headers", Some(Json::Object(headers))),
            (
                "body",
                Some(self.body.as_ref().map_or(Json::Null, Json::str)),
            ),
            ("stringToSign", Some(Json::str(&self.string_to_sign))),
        ])
    }
}

impl SignedRequest {
    /// [`SignedRequest::to_json`] as compact JSON text, written straight from
    /// the request: no intermediate tree, one allocation. `buildRequest`
    /// returns this (the tree's clones and drops were a fifth of its cost).
    pub fn to_json_string(&self) -> String {
        let mut sizes =
            self.url.len() + self.string_to_sign.len() + self.body.as_ref().map_or(4, String::len);
        for (k, v) in &self.headers {
            sizes += k.len() + v.len() + 6;
        }
        // Escapes are rare here (the string to sign's newlines); 5/4 covers them.
        let mut out = String::with_capacity(sizes + sizes / 4 + 64);
        out.push_str("{\"method\":");
        write_string(self.method.as_str(), &mut out);
        out.push_str(",\"url\":");
        write_string(&self.url, &mut out);
        out.push_str(",\"headers\":{");
        for (i, (k, v)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(k, &mut out);
            out.push(':');
            write_string(v, &mut out);
        }
        out.push_str("},\"body\":");
        match &self.body {
            Some(b) => write_string(b, &mut out),
            None => out.push_str("null"),
        }
        out.push_str(",\"stringToSign\":");
        write_string(&self.string_to_sign, &mut out);
        out.push('}');
        out
    }
}

/// Headers whose values are credentials, and are masked in `Debug` and logs.
pub fn is_secret_header(name: &str) -> bool {
    is_credential_header(name) || name.eq_ignore_ascii_case("x-api-signature")
}

/// Headers that carry a standing credential (a token that works for more than
/// one request). A request preview masks these but shows signatures, which
/// are what an integrator compares when a signature is refused.
pub fn is_credential_header(name: &str) -> bool {
    ["app-token", "access_token", "authorization"]
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s))
}

/// A URL safe to show: the user-info and every query value become `***`
/// (a query can carry `app_secret` or `app_signature`), the fragment is dropped;
/// scheme, host, path and query keys stay, since they say what was called.
pub fn redact_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    // `base.split_once("://")` by a byte-window search (a `&str` pattern brings core's
    // two-way searcher and its panic path into the wasm: docs/size.md).
    let sep = base.as_bytes().windows(3).position(|w| w == b"://");
    match sep.and_then(|at| Some((base.get(..at)?, base.get(at + 3..)?))) {
        Some((scheme, rest)) => {
            let slash = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at_checked(slash).unwrap_or((rest, ""));
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str("***@");
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if let Some(q) = query {
        out.push('?');
        for (i, pair) in q.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((k, _)) => {
                    out.push_str(k);
                    out.push_str("=***");
                }
                None => out.push_str(pair),
            }
        }
    }
    out
}

/// The headers with credential values shown as `***` (requests' and replies' alike).
fn masked_headers<K: AsRef<str>, V: AsRef<str>>(headers: &[(K, V)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(k, v)| {
            let (k, v) = (k.as_ref(), v.as_ref());
            (k, if is_secret_header(k) { "***" } else { v })
        })
        .collect()
}

fn header_lookup<'a, K: AsRef<str>, V: AsRef<str>>(
    headers: &'a [(K, V)],
    name: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = masked_headers(&self.headers);
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field("headers", &headers)
            .field("body_len", &self.body.as_ref().map(String::len))
            .finish()
    }
}

impl From<SignedRequest> for HttpRequest {
    /// The transport-level request, its parts moved ([`SignedRequest::to_http`]
    /// clones them: URL, body and every header, once per attempt).
    fn from(signed: SignedRequest) -> HttpRequest {
        HttpRequest {
            method: signed.method,
            url: signed.url,
            headers: signed.headers,
            body: signed.body,
        }
    }
}

/// What a transport sends.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Headers in order.
    pub headers: Vec<Header>,
    /// Body text.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_lookup(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redact_url(&self.url))
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_ref())
                    .collect::<Vec<&str>>(),
            )
            .finish()
    }
}

/// What a transport returns. `Debug` shows the body's length only (a token
/// or authorisation reply carries credentials) and masks credential headers.
#[derive(Clone, PartialEq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &masked_headers(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The reply headers jifen reads, NUL-separated: `date` and `retry-after` (here,
/// [`HttpResponse::retry_after_ms`], [`HttpResponse::date_ms`]) and Kingdee's
/// `x-api-requestid` (`vendors/kingdee/response.rs`). The wasm fetch transport
/// hands back only these: reading every header of a reply by iterating
/// `Headers` cost ~8 µs per call inside workerd, three `get`s ~0.5 µs each
/// (docs/benchmarks.md). A new reader of a reply header adds its name here.
pub const REPLY_HEADERS: &str = "date\0retry-after\0x-api-requestid";

impl HttpResponse {
    /// The header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_lookup(&self.headers, name)
    }

    /// `Retry-After` in milliseconds. Delta-seconds are read directly; an HTTP
    /// date is measured against the reply's own `Date` header (both come from
    /// the vendor's clock, so our clock's error cancels out) and ignored
    /// without one. A date in the past means "now" (0).
    pub fn retry_after_ms(&self) -> Option<u64> {
        let v = self.header("retry-after")?.trim();
        if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
            // Delta-seconds too large for u64 are still "a very long time".
            return Some(
                v.parse::<u64>()
                    .ok()
                    .unwrap_or(u64::MAX)
                    .saturating_mul(1000),
            );
        }
        let at = parse_http_date(v)?;
        let sent = self.date_ms()?;
        Some(u64::try_from(at.saturating_sub(sent)).unwrap_or(0))
    }

    /// The reply's `Date` header as epoch ms (the vendor's clock), if present and valid.
    pub fn date_ms(&self) -> Option<i64> {
        parse_http_date(self.header("date")?)
    }
}

/// Writes `s` as a JSON string literal (re-exported for vendor modules that build bodies by hand).
pub fn json_string(s: &str) -> String {
    let mut out = String::new();
    write_string(s, &mut out);
    out
}

// Native only: proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod redact_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // The scheme ends at the first `://`, as std's `split_once("://")` finds it.
        #[test]
        fn scheme_split_is_the_first_separator(url in "[a:/@é]{0,16}") {
            let out = redact_url(&url);
            match url.split_once("://") {
                Some((scheme, _)) => {
                    let head = format!("{scheme}://");
                    prop_assert!(out.starts_with(&head));
                }
                None => prop_assert_eq!(out, url),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_masks_credentials() {
        let req = SignedRequest {
            method: Method::Get,
            url: "https://x/y".into(),
            headers: vec![
                ("app-token".into(), "tok-secret".into()),
                ("X-Api-Nonce".into(), "1".into()),
            ],
            body: None,
            string_to_sign: String::new(),
        };
        let dbg = format!("{req:?} {:?}", req.to_http());
        assert!(!dbg.contains("tok-secret"), "{dbg}");
        assert!(dbg.contains("X-Api-Nonce"));
    }

    #[test]
    fn direct_json_text_equals_the_tree() {
        for body in [None, Some("{\"a\":\"x\\ny\"}".to_string())] {
            let req = SignedRequest {
                method: Method::Post,
                url: "https://x/y?q=\"1\"".into(),
                headers: vec![
                    ("A".into(), "1\t2".into()),
                    ("b".into(), "积分\u{1}".into()),
                ],
                body,
                string_to_sign: "POST\n/y\n".into(),
            };
            assert_eq!(req.to_json_string(), req.to_json().to_json_string());
        }
        let empty = SignedRequest {
            method: Method::Get,
            url: String::new(),
            headers: Vec::new(),
            body: None,
            string_to_sign: String::new(),
        };
        assert_eq!(empty.to_json_string(), empty.to_json().to_json_string());
    }

    #[test]
    fn retry_after_seconds() {
        let r = HttpResponse {
            status: 429,
            headers: vec![("Retry-After".into(), "3".into())],
            body: vec![],
        };
        assert_eq!(r.retry_after_ms(), Some(3000));
    }

    #[test]
    fn retry_after_date_is_measured_against_the_replys_date() {
        let r = |headers: &[(&str, &str)]| HttpResponse {
            status: 503,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: vec![],
        };
        let date = ("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
        let later = ("Retry-After", "Sun, 06 Nov 1994 08:50:07 GMT");
        assert_eq!(r(&[date, later]).retry_after_ms(), Some(30_000));
        assert_eq!(r(&[later]).retry_after_ms(), None, "no Date, no reference");
        let past = ("Retry-After", "Sun, 06 Nov 1994 08:00:00 GMT");
        assert_eq!(r(&[date, past]).retry_after_ms(), Some(0));
        assert_eq!(r(&[("Retry-After", "soon")]).retry_after_ms(), None);
        assert_eq!(
            r(&[("Retry-After", "99999999999999999999999")]).retry_after_ms(),
            Some(u64::MAX)
        );
        assert_eq!(r(&[date]).date_ms(), Some(784_111_777_000));
    }
}
