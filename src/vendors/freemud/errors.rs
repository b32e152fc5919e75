//! Freemud's error table: every `statusCode` jifen gives a meaning, once
//! (docs/vendors/freemud.md §8.1, "jifen's error table", is checked against it by
//! `tests/error_tables.rs`; `tests/vectors/freemud/errors/codes.json` is the spec).
//!
//! `100` is success. The member pages document no other code; the general page
//! documents those below (the delivery module's 8001–8003 are refusals like any
//! code not here: `vendor`, not retried, nothing done, its `message` shown). Codes mean
//! the same at any HTTP status; a non-2xx reply keeps the kind its status gives.

use crate::core::error::ErrorCode::*;
use crate::core::error_table::{Delivery::*, ErrorRow, Failure::*, Renew::Nothing};

/// The table.
#[rustfmt::skip]
pub static TABLE: [ErrorRow; 2] = [
    ErrorRow { code: "21", status: None, kind: Vendor, retry: Permanent, delivery: Refused, renew: Nothing,
        message: "a required parameter is missing" },
    ErrorRow { code: "500", status: None, kind: Vendor, retry: Transient, delivery: Unknown, renew: Nothing,
        message: "internal service error" },
];

/// The row for `statusCode` `code` answered with HTTP `status`.
pub fn row(status: u16, code: &str) -> Option<&'static ErrorRow> {
    ErrorRow::find(&TABLE, status, code)
}
