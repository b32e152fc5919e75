//! Kingdee's error table: every errcode jifen gives a meaning, once
//! (docs/vendors/kingdee.md §7.2.1, "jifen's error table", is checked against it by
//! `tests/error_tables.rs`; `tests/vectors/kingdee/errors/codes.json` is the spec).
//!
//! The gateway answers HTTP 519 with the codes of the Java client's
//! `KDApiGwRespStatus`; the business layer answers HTTP 200 with its own. The two
//! share one number space, so each row names its status: a business errcode
//! that happens to read 4006 is not a gateway refusal. A 519 whose errcode is not
//! here gets [`OTHER_GATEWAY`]; a business errcode not here is a plain refusal.

use crate::core::error::ErrorCode::{self, *};
use crate::core::error_table::{
    Delivery::{self, *},
    ErrorRow,
    Failure::{self, *},
    Renew::{self, *},
};

/// The gateway's HTTP status.
pub const GATEWAY: u16 = 519;

/// The gateway's "overloaded" code: also what the client's own answer carries
/// while the token endpoint's budget is spent (no reply of the vendor's to quote).
pub const OVERLOADED: &str = "5007";

const fn gw(
    code: &'static str,
    kind: ErrorCode,
    retry: Failure,
    delivery: Delivery,
    renew: Renew,
    message: &'static str,
) -> ErrorRow {
    ErrorRow {
        code,
        status: Some(GATEWAY),
        kind,
        retry,
        delivery,
        renew,
        message,
    }
}

const fn biz(
    code: &'static str,
    kind: ErrorCode,
    retry: Failure,
    delivery: Delivery,
    renew: Renew,
    message: &'static str,
) -> ErrorRow {
    ErrorRow {
        code,
        status: Some(200),
        kind,
        retry,
        delivery,
        renew,
        message,
    }
}

/// The table. A gateway refusal (4xxx, 5001–5003, 5006, 5007) never reached the
/// backend; 5000, 5004 and 5005 may have come after the backend applied a write
/// (docs/reliability.md).
#[rustfmt::skip]
pub static TABLE: [ErrorRow; 22] = [
    gw("4001", Config, Permanent, Refused, Nothing, "unsupported X-Api-Auth-Version"),
    gw("4002", Config, Permanent, Refused, Nothing, "client id or secret missing"),
    gw("4003", Auth, Permanent, Refused, Nothing, "client id or secret refused"),
    gw("4004", Config, Permanent, Refused, Nothing, "client id or secret missing"),
    gw("4005", Auth, Permanent, Refused, Nothing, "client id or secret refused"),
    gw("4006", Signature, Stale, Refused, Nothing, "X-Api-TimeStamp expired (check the clock)"),
    gw("4007", Signature, Permanent, Refused, Nothing, "X-Api-SignHeaders refused"),
    gw("4008", Signature, Permanent, Refused, Nothing, "X-Api-Signature refused"),
    gw("4009", Auth, Permanent, Refused, Token, "app-token missing"),
    gw("4010", Auth, Permanent, Refused, Token, "app-token invalid"),
    gw("4011", Auth, Permanent, Refused, Token, "app-token expired"),
    gw("4012", Auth, Permanent, Refused, Nothing, "the app is not allowed to call this API"),
    gw("5000", Http, Transient, Unknown, Nothing, "gateway internal failure"),
    gw("5001", Unsupported, Permanent, Refused, Nothing, "API not found"),
    gw("5002", Unsupported, Permanent, Refused, Nothing, "method not allowed"),
    gw("5003", Http, Transient, Refused, Nothing, "API unavailable"),
    gw("5004", Timeout, Transient, Unknown, Nothing, "API timed out at the gateway"),
    gw("5005", Http, Transient, Unknown, Nothing, "request cancelled at the gateway"),
    gw("5006", RateLimited, Throttled, Refused, Nothing, "circuit breaker open"),
    gw(OVERLOADED, RateLimited, Throttled, Refused, Nothing, "gateway overloaded"),
    biz(
        "1030002006",
        Auth,
        Permanent,
        Refused,
        Authorization,
        "the app authorisation was refused (appSecret rotated, or app_signature wrong)",
    ),
    biz("2000002000", Vendor, Permanent, Unknown, Nothing, "system error"),
];

/// A 519 whose errcode is not in [`TABLE`] (or is not a number): it may be a
/// backend failure that came after a write was applied, so it proves nothing.
pub static OTHER_GATEWAY: ErrorRow = gw(
    "",
    Http,
    Permanent,
    Unknown,
    Nothing,
    "unknown gateway error",
);

/// The row for errcode `code` answered with HTTP `status`.
pub fn row(status: u16, code: i64) -> Option<&'static ErrorRow> {
    ErrorRow::find(&TABLE, status, &code.to_string())
}
