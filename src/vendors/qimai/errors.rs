//! Qimai's error table: every code jifen gives a meaning, once
//! (docs/vendors/qimai.md §7.1, "jifen's error table", is checked against it by
//! `tests/error_tables.rs`; `tests/vectors/qimai/errors/codes.json` is the spec).
//!
//! Qimai's global code table is not public and no code is documented for a
//! refused timestamp, a reused nonce or a rate limit: these rows are the
//! simulator's codes (`sim/README.md`), and say so. A code not here is a
//! business refusal (`vendor`, not retried, nothing done). Codes mean the same
//! at any HTTP status; a non-2xx reply keeps the kind its status gives.

use crate::core::error::ErrorCode::*;
use crate::core::error_table::{Delivery::*, ErrorRow, Failure::*, Renew::Nothing};

/// The table.
#[rustfmt::skip]
pub static TABLE: [ErrorRow; 4] = [
    ErrorRow { code: "40003", status: None, kind: Signature, retry: Stale, delivery: Refused, renew: Nothing,
        message: "timestamp refused (expired, or not in seconds)" },
    ErrorRow { code: "40004", status: None, kind: Signature, retry: Stale, delivery: Refused, renew: Nothing,
        message: "nonce refused (reused, or not a positive integer)" },
    ErrorRow { code: "42900", status: None, kind: RateLimited, retry: Throttled, delivery: Refused, renew: Nothing,
        message: "too many requests" },
    ErrorRow { code: "99999", status: None, kind: Vendor, retry: Transient, delivery: Unknown, renew: Nothing,
        message: "system error" },
];

/// The row for `code` answered with HTTP `status`.
pub fn row(status: u16, code: &str) -> Option<&'static ErrorRow> {
    ErrorRow::find(&TABLE, status, code)
}
