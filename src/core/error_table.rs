//! The row type of a vendor's error table: what one of the vendor's own error
//! codes means to jifen, as plain data.
//!
//! Each vendor keeps one table of these in its folder (`vendors/<v>/errors.rs`).
//! Its reply parser finds the row of the code it read and attaches it to the
//! [`Error`](super::error::Error) it returns; from then on nothing looks at the
//! code again: the retry policy (`crate::retry`) reads [`ErrorRow::retry`] and
//! [`ErrorRow::delivery`], the client reads [`ErrorRow::renew`]. Nothing here
//! knows a vendor.

use super::error::ErrorCode;

/// Whether, and how, another attempt may help after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Another attempt after a pause may succeed.
    Transient,
    /// The vendor asked us to slow down.
    Throttled,
    /// The vendor refused the timestamp or nonce: sign again at once.
    Stale,
    /// Another attempt will fail the same way.
    Permanent,
}

impl Failure {
    /// The name the vendor docs' error tables use.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Transient => "transient",
            Failure::Throttled => "throttled",
            Failure::Stale => "stale",
            Failure::Permanent => "permanent",
        }
    }
}

/// Whether the failed attempt may have changed anything at the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The vendor refused the request before acting on it (a gateway refusal,
    /// a rate limit, a business error): repeating it cannot apply twice.
    Refused,
    /// The request may have been acted on (lost reply, timeout, 5xx, a
    /// "system error" that may come after the work was done).
    Unknown,
}

impl Delivery {
    /// The name the vendor docs' error tables use.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Refused => "refused",
            Delivery::Unknown => "unknown",
        }
    }
}

/// What must be obtained again before another attempt can succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renew {
    /// Nothing.
    Nothing,
    /// The session token the request carried (fetch a new one, then retry once).
    Token,
    /// The credentials the token is requested with (pull them again, then retry once).
    Authorization,
}

impl Renew {
    /// The name the vendor docs' error tables use.
    pub fn as_str(self) -> &'static str {
        match self {
            Renew::Nothing => "-",
            Renew::Token => "token",
            Renew::Authorization => "authorization",
        }
    }
}

/// One vendor error code and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRow {
    /// The vendor's code, as text (`"4011"`, `"500"`).
    pub code: &'static str,
    /// The HTTP status the code means this with, when it matters (a vendor
    /// whose gateway and business layer share one code space); `None`: any.
    pub status: Option<u16>,
    /// The error's `code` when the vendor answers with this code (a reply whose
    /// HTTP status says more, 429 or another non-2xx, keeps that kind).
    pub kind: ErrorCode,
    /// Whether, and how, another attempt may help.
    pub retry: Failure,
    /// Whether the vendor may have acted on the request.
    pub delivery: Delivery,
    /// What must be obtained again first.
    pub renew: Renew,
    /// What it means, in our words; the parser adds the vendor's own text.
    pub message: &'static str,
}

impl ErrorRow {
    /// `{lead}: {message} ({text})`: our words, then the vendor's own when it sent any.
    pub fn describe(&self, lead: &str, text: &str) -> String {
        if text.is_empty() {
            format!("{lead}: {}", self.message)
        } else {
            format!("{lead}: {} ({text})", self.message)
        }
    }

    /// The row of `table` for `code` answered with HTTP `status`.
    pub fn find(table: &'static [ErrorRow], status: u16, code: &str) -> Option<&'static ErrorRow> {
        table
            .iter()
            .find(|r| r.code == code && r.status.is_none_or(|s| s == status))
    }
}
