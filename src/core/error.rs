//! The one error type every layer returns, and the codes the JS API exposes.
//!
//! An [`Error`] never carries a secret: messages are written by this crate from
//! fixed text plus non-secret identifiers, and vendor-supplied text is passed
//! through [`scrub`] before it is stored.

use super::error_table::{ErrorRow, Failure};
use std::fmt;

/// What kind of failure this is. The string forms are the `code` of a JS `JifenError`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The client configuration is missing a field, has a malformed key, or is contradictory.
    Config,
    /// The caller's parameters are wrong; nothing was sent.
    InvalidInput,
    /// The request could not be delivered or its reply could not be read.
    Network,
    /// The request took longer than the configured timeout.
    Timeout,
    /// The vendor answered with an HTTP status that has no more specific meaning.
    Http,
    /// The vendor answered with a business error.
    Vendor,
    /// Credentials or tokens were refused.
    Auth,
    /// The vendor refused the request's signature (a signing bug or a wrong secret).
    Signature,
    /// The vendor asked us to slow down.
    RateLimited,
    /// The vendor cannot do what was asked.
    Unsupported,
    /// A pushed callback failed verification or could not be parsed.
    CallbackInvalid,
    /// The vendor's reply could not be parsed.
    Parse,
    /// A write may or may not have been applied, and the client could not find out which.
    OutcomeUnknown,
    /// Another call holds this idempotency key (in flight, or interrupted before
    /// its result was recorded); nothing was sent. Retry later with the same key.
    Conflict,
}

impl ErrorCode {
    /// The code as the JS API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Config => "config",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Http => "http",
            ErrorCode::Vendor => "vendor",
            ErrorCode::Auth => "auth",
            ErrorCode::Signature => "signature",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::CallbackInvalid => "callback_invalid",
            ErrorCode::Parse => "parse",
            ErrorCode::OutcomeUnknown => "outcome_unknown",
            ErrorCode::Conflict => "conflict",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A jifen error: a code, a message safe to show or log, and what the vendor said.
///
/// The details live behind one allocation ([`ErrorDetails`], reached through
/// `Deref`: `e.code`, `e.message = …`), so a `Result<T, Error>` is one pointer
/// wider than `T`: every `?` in the crate moves a pointer instead of a
/// 70-byte struct, which keeps the wasm bundle small.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorDetails>);

/// The fields of an [`Error`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorDetails {
    /// The kind of failure.
    pub code: ErrorCode,
    /// A human-readable message with no secret in it.
    pub message: String,
    /// The vendor involved (`kingdee`, `freemud`, `qimai`), if any.
    pub vendor: Option<&'static str>,
    /// The vendor's own error code (`4008`, `21`, …), as text.
    pub vendor_code: Option<String>,
    /// The HTTP status of the reply, if there was one.
    pub http_status: Option<u16>,
    /// The vendor's request id (Kingdee `X-Api-Requestid`, Qimai `traceId`), for support.
    pub request_id: Option<String>,
    /// Whether trying the same thing again may succeed.
    pub retryable: bool,
    /// How long the vendor asked us to wait before retrying, in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// The row of the vendor's error table the vendor's code was read with:
    /// how retrying, delivery and the token judge this error (`crate::retry`).
    pub row: Option<&'static ErrorRow>,
}

impl std::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Error {
    /// A new error with just a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::from_string(code, message.into())
    }

    /// The fields, by value.
    pub fn into_details(self) -> ErrorDetails {
        *self.0
    }

    fn from_string(code: ErrorCode, message: String) -> Self {
        Error(Box::new(ErrorDetails {
            code,
            message,
            vendor: None,
            vendor_code: None,
            http_status: None,
            request_id: None,
            retryable: false,
            retry_after_ms: None,
            row: None,
        }))
    }

    /// `invalid_input`: the caller's parameters are wrong.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    /// `config`: the client configuration is wrong.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Config, message)
    }

    /// `parse`: a reply could not be understood.
    pub fn parse(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Parse, message)
    }

    /// `unsupported`: the operation does not exist for this vendor.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Unsupported, message)
    }

    /// Sets the vendor.
    pub fn with_vendor(mut self, vendor: &'static str) -> Self {
        self.vendor = Some(vendor);
        self
    }

    /// Sets the vendor's own code.
    pub fn with_vendor_code(mut self, code: impl Into<String>) -> Self {
        self.vendor_code = Some(scrub(&code.into(), 64));
        self
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// Sets the vendor's request id.
    pub fn with_request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id.map(|s| scrub(&s, 128));
        self
    }

    /// Marks the error retryable or not.
    pub fn retryable(mut self, yes: bool) -> Self {
        self.retryable = yes;
        self
    }

    /// Attaches the row of the vendor's error table this error was read with;
    /// the error is retryable unless the row says another attempt will fail.
    pub fn with_row(mut self, row: &'static ErrorRow) -> Self {
        self.row = Some(row);
        self.retryable = row.retry != Failure::Permanent;
        self
    }

    /// Sets the delay the vendor asked for.
    pub fn with_retry_after(mut self, ms: Option<u64>) -> Self {
        self.retry_after_ms = ms;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Makes vendor-supplied text safe to keep in an error: control characters
/// become spaces and the text is cut to `max` characters. It may be long or
/// contain terminal escapes; it may also echo our request, whose credentials
/// `core::echo` masks in the error it ends up in.
pub fn scrub(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    for (count, c) in text.chars().enumerate() {
        if count >= max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_cuts_and_cleans() {
        assert_eq!(scrub("a\nb\u{1b}[31m", 100), "a b [31m");
        assert_eq!(scrub("abcdef", 3), "abc…");
    }

    #[test]
    fn codes_are_the_documented_strings() {
        assert_eq!(ErrorCode::InvalidInput.as_str(), "invalid_input");
        assert_eq!(ErrorCode::RateLimited.to_string(), "rate_limited");
    }
}
