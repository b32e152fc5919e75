//! The retry policy: plain data plus pure functions, so every decision can be
//! unit-tested without a network or a clock (after async-stripe's `RequestStrategy`).
//!
//! Three questions decide a retry:
//! 1. **Can another attempt help?** [`classify`] sorts a failure into
//!    [`Failure::Transient`] (network, timeout, 5xx, a reply that is not JSON, a
//!    vendor's "try again" code), [`Failure::Throttled`] (429 and the vendors'
//!    overload codes), [`Failure::Stale`] (the vendor refused the request's
//!    timestamp or nonce: sign again, now, with the corrected clock) or
//!    [`Failure::Permanent`].
//! 2. **Is repeating harmless?** Reads, and writes the vendor de-duplicates by
//!    a key the request carries, may be repeated after any failure. A write
//!    without such a key is repeated only when the failure proves the vendor did
//!    nothing ([`delivery`] is [`Delivery::Refused`]); otherwise the client must
//!    find out from the vendor's ledger, never guess.
//! 3. **When?** Capped exponential backoff with jitter, never sooner than the
//!    vendor's `Retry-After`; a `Retry-After` longer than the cap is not cut
//!    short but ends the call, so the caller can schedule it.
//!
//! ## Where a vendor's codes come in
//!
//! This module knows no vendor. Each vendor keeps one error table in its folder
//! (`vendors/<v>/errors.rs`, rows of [`ErrorRow`]); its reply parser attaches the
//! row of the code it read to the error (`Error::row`). [`classify`] and
//! [`delivery`] read that row first and fall back on what any reply shows
//! (transport failures, the HTTP status, an unreadable body). The tables, with
//! their sources, are printed in `docs/vendors/<v>.md` ("jifen's error table"),
//! which `tests/error_tables.rs` checks against the Rust tables.

use crate::core::error::{Error, ErrorCode};
pub use crate::core::error_table::{Delivery, ErrorRow, Failure, Renew};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Delay before the first retry, ms; doubles each time.
    pub base_delay_ms: u64,
    /// Upper bound of any delay, ms. A vendor's `Retry-After` above it stops
    /// the retries instead of being shortened.
    pub max_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 10_000,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this many ms.
    RetryAfter(u64),
    /// Give up and report the error.
    Stop,
}

/// Sorts a failure by whether, and how, another attempt may help: the vendor's
/// row when its parser attached one, else by what kind of failure it is.
pub fn classify(err: &Error) -> Failure {
    if let Some(row) = err.row {
        return row.retry;
    }
    match err.code {
        ErrorCode::Network | ErrorCode::Timeout => Failure::Transient,
        ErrorCode::RateLimited => Failure::Throttled,
        ErrorCode::Http if err.http_status.is_some_and(|s| s >= 500 || s == 408) => {
            Failure::Transient
        }
        // A reply that is not JSON at all was truncated or garbled on the way
        // (the parsers mark it retryable); a well-formed reply of the wrong
        // shape will be wrong again.
        ErrorCode::Parse if err.retryable => Failure::Transient,
        _ => Failure::Permanent,
    }
}

/// Whether a failed attempt proves the vendor did nothing: the vendor's row
/// when its parser attached one; else a rate limit (HTTP 429) and a business
/// refusal in an answered envelope (`vendor`) do, and nothing else does (a
/// lost reply, a timeout, a 5xx, an unreadable reply may follow the work).
pub fn delivery(err: &Error) -> Delivery {
    match err.row {
        Some(row) => row.delivery,
        None if err.http_status == Some(429) || err.code == ErrorCode::Vendor => Delivery::Refused,
        None => Delivery::Unknown,
    }
}

/// Sets `err.retryable` from [`classify`], so the flag a caller sees agrees
/// with what the client itself would do.
pub fn mark(mut err: Error) -> Error {
    err.retryable = err.code != ErrorCode::OutcomeUnknown && classify(&err) != Failure::Permanent;
    err
}

/// The backoff before retry number `attempt` (1-based): half of
/// `base · 2^(attempt−1)` plus a `jitter`-scaled share of the other half,
/// capped at `max_delay_ms`. `jitter` is in `[0, 1000)`.
pub fn backoff(policy: &RetryPolicy, attempt: u32, jitter: u64) -> u64 {
    let exp = policy
        .base_delay_ms
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let half = exp / 2;
    let spread = half.saturating_mul(jitter.min(999)) / 1000;
    half.saturating_add(spread).min(policy.max_delay_ms)
}

/// Decides whether to retry after attempt number `attempt` (1-based) failed with `err`.
///
/// `idempotent` says whether repeating the call is harmless (reads, and writes
/// with a vendor idempotency key). A write without one is retried only when
/// `delivery` is [`Delivery::Refused`]. `jitter` is a random value in
/// `[0, 1000)` supplied by the caller so the function stays pure.
pub fn decide(
    policy: &RetryPolicy,
    attempt: u32,
    err: &Error,
    idempotent: bool,
    delivery: Delivery,
    jitter: u64,
) -> Decision {
    let failure = classify(err);
    if failure == Failure::Permanent || attempt >= policy.max_attempts {
        return Decision::Stop;
    }
    if !idempotent && delivery == Delivery::Unknown {
        return Decision::Stop;
    }
    if failure == Failure::Stale {
        return Decision::RetryAfter(0);
    }
    let wait = backoff(policy, attempt, jitter);
    match err.retry_after_ms {
        Some(asked) if asked > policy.max_delay_ms => Decision::Stop,
        Some(asked) => Decision::RetryAfter(asked.max(wait)),
        None => Decision::RetryAfter(wait),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode) -> Error {
        Error::new(code, "x")
    }

    /// A row of some vendor's table (its code and wording do not matter here).
    const fn row(kind: ErrorCode, retry: Failure, delivery: Delivery) -> ErrorRow {
        ErrorRow {
            code: "7",
            status: None,
            kind,
            retry,
            delivery,
            renew: Renew::Nothing,
            message: "x",
        }
    }
    static STALE: ErrorRow = row(ErrorCode::Signature, Failure::Stale, Delivery::Refused);
    static UNAVAILABLE: ErrorRow = row(ErrorCode::Http, Failure::Transient, Delivery::Refused);
    static BACKEND_FAILED: ErrorRow = row(ErrorCode::Http, Failure::Transient, Delivery::Unknown);
    static SYSTEM_ERROR: ErrorRow = row(ErrorCode::Vendor, Failure::Permanent, Delivery::Unknown);
    static OVERLOAD: ErrorRow = row(
        ErrorCode::RateLimited,
        Failure::Throttled,
        Delivery::Refused,
    );
    static REFUSED: ErrorRow = row(ErrorCode::Auth, Failure::Permanent, Delivery::Refused);
    static UNKNOWN_CODE: ErrorRow = row(ErrorCode::Http, Failure::Permanent, Delivery::Unknown);

    /// What a vendor's parser returns for a code of its table.
    fn coded(row: &'static ErrorRow, status: u16) -> Error {
        Error::new(row.kind, "x")
            .with_status(status)
            .with_vendor_code(row.code)
            .with_row(row)
    }

    /// A vendor code the vendor's table has no row for.
    fn uncoded(code: ErrorCode, status: u16) -> Error {
        Error::new(code, "x")
            .with_status(status)
            .with_vendor_code("7")
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 100,
            max_delay_ms: 1000,
        }
    }

    #[test]
    fn classifies_by_the_vendors_row_first_then_by_kind() {
        use Failure::*;
        for (e, want) in [
            (coded(&STALE, 200), Stale),
            (coded(&UNAVAILABLE, 200), Transient),
            (coded(&OVERLOAD, 200), Throttled),
            (coded(&REFUSED, 200), Permanent),
            // The row wins over what the status alone would say.
            (coded(&UNKNOWN_CODE, 519), Permanent),
            (coded(&STALE, 400), Stale),
            // No row: the kind and the status decide.
            (uncoded(ErrorCode::Vendor, 200), Permanent),
            (uncoded(ErrorCode::Http, 519), Transient),
            (uncoded(ErrorCode::Http, 400), Permanent),
            (err(ErrorCode::Network), Transient),
            (err(ErrorCode::Timeout), Transient),
            (err(ErrorCode::RateLimited).with_status(429), Throttled),
            (err(ErrorCode::Http).with_status(503), Transient),
            (err(ErrorCode::Http).with_status(500), Transient),
            (err(ErrorCode::Http).with_status(408), Transient),
            (err(ErrorCode::Http).with_status(404), Permanent),
            (
                err(ErrorCode::Parse).with_status(200).retryable(true),
                Transient,
            ),
            (err(ErrorCode::Parse).with_status(200), Permanent),
            (err(ErrorCode::Parse), Permanent),
            (err(ErrorCode::InvalidInput), Permanent),
            (err(ErrorCode::Signature), Permanent),
            (err(ErrorCode::Auth), Permanent),
            (err(ErrorCode::OutcomeUnknown), Permanent),
        ] {
            assert_eq!(classify(&e), want, "{e:?}");
        }
    }

    #[test]
    fn delivery_is_the_rows_else_only_a_refusal_proves_nothing_was_done() {
        use Delivery::*;
        for (e, want) in [
            (coded(&STALE, 200), Refused),
            (coded(&UNAVAILABLE, 519), Refused),
            (coded(&BACKEND_FAILED, 519), Unknown),
            (coded(&UNKNOWN_CODE, 519), Unknown),
            // A business answer whose row says the work may have been done.
            (coded(&SYSTEM_ERROR, 200), Unknown),
            (uncoded(ErrorCode::Vendor, 200), Refused),
            (err(ErrorCode::RateLimited).with_status(429), Refused),
            (err(ErrorCode::Http).with_status(429), Refused),
            (uncoded(ErrorCode::Http, 503), Unknown),
            (err(ErrorCode::Http).with_status(404), Unknown),
            (err(ErrorCode::Network), Unknown),
            (err(ErrorCode::Timeout), Unknown),
            (
                err(ErrorCode::Parse).with_status(200).retryable(true),
                Unknown,
            ),
        ] {
            assert_eq!(delivery(&e), want, "{e:?}");
        }
    }

    #[test]
    fn mark_sets_retryable_from_the_class() {
        assert!(mark(err(ErrorCode::Network)).retryable);
        assert!(mark(coded(&UNAVAILABLE, 200)).retryable);
        assert!(!mark(err(ErrorCode::Signature).retryable(true)).retryable);
        assert!(!mark(err(ErrorCode::OutcomeUnknown).retryable(true)).retryable);
    }

    #[test]
    fn stops_at_max_attempts_and_on_permanent_errors() {
        let p = RetryPolicy::default();
        let d = |a, e: &Error| decide(&p, a, e, true, Delivery::Unknown, 0);
        assert_eq!(d(3, &err(ErrorCode::Network)), Decision::Stop);
        assert!(matches!(
            d(2, &err(ErrorCode::Network)),
            Decision::RetryAfter(_)
        ));
        assert_eq!(d(1, &err(ErrorCode::Signature)), Decision::Stop);
        assert_eq!(d(1, &coded(&REFUSED, 519)), Decision::Stop);
        let once = RetryPolicy {
            max_attempts: 1,
            ..p
        };
        assert_eq!(
            decide(
                &once,
                1,
                &err(ErrorCode::Network),
                true,
                Delivery::Unknown,
                0
            ),
            Decision::Stop
        );
    }

    #[test]
    fn reads_and_keyed_writes_retry_on_every_transient_failure() {
        let p = policy();
        for e in [
            err(ErrorCode::Network),
            err(ErrorCode::Timeout),
            err(ErrorCode::Http).with_status(502),
            err(ErrorCode::Parse).with_status(200).retryable(true),
            coded(&BACKEND_FAILED, 519),
            coded(&UNAVAILABLE, 200),
        ] {
            assert!(
                matches!(
                    decide(&p, 1, &e, true, Delivery::Unknown, 500),
                    Decision::RetryAfter(_)
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn never_blindly_repeats_a_write_that_may_have_applied() {
        let p = policy();
        for e in [
            err(ErrorCode::Network),
            err(ErrorCode::Timeout),
            err(ErrorCode::Http).with_status(503),
            err(ErrorCode::Parse).with_status(200).retryable(true),
            err(ErrorCode::Parse).with_status(200),
            coded(&BACKEND_FAILED, 519),
        ] {
            assert_eq!(
                decide(&p, 1, &e, false, Delivery::Unknown, 0),
                Decision::Stop,
                "{e:?}"
            );
        }
        // Refused before it could apply: a rate limit, a gateway refusal, a stale timestamp.
        for e in [
            err(ErrorCode::RateLimited).with_status(429),
            coded(&UNAVAILABLE, 519),
            coded(&OVERLOAD, 519),
            coded(&STALE, 519),
        ] {
            assert!(
                matches!(
                    decide(&p, 1, &e, false, Delivery::Refused, 0),
                    Decision::RetryAfter(_)
                ),
                "{e:?}"
            );
        }
    }

    #[test]
    fn a_stale_timestamp_is_re_signed_at_once() {
        let p = policy();
        assert_eq!(
            decide(&p, 1, &coded(&STALE, 519), false, Delivery::Refused, 999),
            Decision::RetryAfter(0)
        );
        assert_eq!(
            decide(&p, 2, &coded(&STALE, 200), true, Delivery::Refused, 999),
            Decision::RetryAfter(0)
        );
        assert_eq!(
            decide(&p, 10, &coded(&STALE, 200), true, Delivery::Refused, 0),
            Decision::Stop
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let p = policy();
        let e = err(ErrorCode::Http).with_status(503);
        let d = |a, j| decide(&p, a, &e, true, Delivery::Unknown, j);
        assert_eq!(d(1, 0), Decision::RetryAfter(50));
        assert_eq!(d(1, 999), Decision::RetryAfter(99));
        assert_eq!(d(2, 0), Decision::RetryAfter(100));
        assert_eq!(d(3, 0), Decision::RetryAfter(200));
        assert_eq!(d(3, 500), Decision::RetryAfter(300));
        assert_eq!(d(9, 999), Decision::RetryAfter(1000));
        // Huge attempt numbers and delays saturate instead of overflowing.
        let big = RetryPolicy {
            max_attempts: u32::MAX,
            base_delay_ms: u64::MAX,
            max_delay_ms: u64::MAX,
        };
        assert!(backoff(&big, u32::MAX - 1, 999) >= u64::MAX / 2);
        // Every jitter gives a delay inside [half, full] of the window.
        for j in 0..1000 {
            let w = backoff(&p, 4, j);
            assert!((400..=800).contains(&w), "{j} {w}");
        }
    }

    #[test]
    fn retry_after_is_honoured_never_shortened() {
        let p = policy();
        let rl = |ms| {
            err(ErrorCode::RateLimited)
                .with_status(429)
                .with_retry_after(Some(ms))
        };
        assert_eq!(
            decide(&p, 1, &rl(700), true, Delivery::Refused, 0),
            Decision::RetryAfter(700)
        );
        // The backoff wins when it is longer than what the vendor asked.
        assert_eq!(
            decide(&p, 4, &rl(10), true, Delivery::Refused, 0),
            Decision::RetryAfter(400)
        );
        assert_eq!(
            decide(&p, 1, &rl(0), true, Delivery::Refused, 0),
            Decision::RetryAfter(50)
        );
        // Longer than the cap: stop and let the caller schedule it.
        assert_eq!(
            decide(&p, 1, &rl(60_000), true, Delivery::Refused, 0),
            Decision::Stop
        );
        // A 503 with Retry-After is honoured too.
        let busy = err(ErrorCode::Http)
            .with_status(503)
            .with_retry_after(Some(900));
        assert_eq!(
            decide(&p, 1, &busy, true, Delivery::Unknown, 0),
            Decision::RetryAfter(900)
        );
    }
}
