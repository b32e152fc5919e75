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
//! 2. **Is repeating harmless?** Reads, and writes the vendor de-duplicates
//!    (Freemud `idempotencyBussinessId`, Qimai `bizId`), may be repeated after
//!    any failure. A write without such a key (Kingdee `integral_adjust`) is
//!    repeated only when the failure proves the vendor did nothing
//!    ([`Delivery::Refused`]); otherwise the client must find out from the
//!    ledger (see `client/kingdee_reconcile.rs`), never guess.
//! 3. **When?** Capped exponential backoff with jitter, never sooner than the
//!    vendor's `Retry-After`; a `Retry-After` longer than the cap is not cut
//!    short but ends the call, so the caller can schedule it.
//!
//! The vendors' "try again" codes (the table in [`classify`]):
//!
//! | vendor | code | class | source |
//! | --- | --- | --- | --- |
//! | Kingdee (HTTP 519) | 4006 timestamp expired | stale | docs/vendors/kingdee.md §7.1 "re-sign at once" |
//! | Kingdee (HTTP 519) | 5000, 5003, 5004, 5005 | transient | docs/vendors/kingdee.md §7.1 "retryable" |
//! | Kingdee (HTTP 519) | 5006 circuit breaker, 5007 overload | throttled | docs/vendors/kingdee.md §7.1 "back off" |
//! | Kingdee (HTTP 519) | 4009–4011 token | permanent here | the client refreshes the token and retries once (client/kingdee.rs) |
//! | Freemud | statusCode `500` 内部服务异常 | transient | docs/vendors/freemud.md §8 |
//! | Qimai | 40003 timestamp expired, 40004 nonce reused | stale | docs/vendors/qimai.md §5 "signs again with a fresh nonce"; codes per sim/README.md |
//! | Qimai | 42900 too many requests | throttled | sim/README.md (Qimai publishes no code table) |
//! | Qimai | 99999 system error | transient | sim/README.md |

use crate::core::error::{Error, ErrorCode};

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

/// Whether the failed attempt may have changed anything at the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The vendor refused the request before acting on it (a gateway refusal,
    /// a rate limit, a business error): repeating it cannot apply twice.
    Refused,
    /// The request may have been acted on (lost reply, timeout, 5xx).
    Unknown,
}

/// What kind of failure an attempt had, for retrying.
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

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this many ms.
    RetryAfter(u64),
    /// Give up and report the error.
    Stop,
}

/// Sorts a failure by whether, and how, another attempt may help (the table in the module docs).
pub fn classify(err: &Error) -> Failure {
    let status = err.http_status;
    let code = err.vendor_code.as_deref();
    match (err.vendor, status, code) {
        (Some("kingdee"), Some(519), Some(c)) => {
            return match c {
                "4006" => Failure::Stale,
                "5000" | "5003" | "5004" | "5005" => Failure::Transient,
                "5006" | "5007" => Failure::Throttled,
                _ => Failure::Permanent,
            }
        }
        (Some("qimai"), _, Some("40003" | "40004")) => return Failure::Stale,
        (Some("qimai"), _, Some("42900")) => return Failure::Throttled,
        (Some("qimai"), _, Some("99999")) => return Failure::Transient,
        (Some("freemud"), _, Some("500")) => return Failure::Transient,
        _ => {}
    }
    match err.code {
        ErrorCode::Network | ErrorCode::Timeout => Failure::Transient,
        ErrorCode::RateLimited => Failure::Throttled,
        ErrorCode::Http if status.is_some_and(|s| s >= 500 || s == 408) => Failure::Transient,
        // A reply that is not JSON at all was truncated or garbled on the way
        // (the parsers mark it retryable); a well-formed reply of the wrong
        // shape will be wrong again.
        ErrorCode::Parse if err.retryable => Failure::Transient,
        _ => Failure::Permanent,
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

    fn vendor(v: &'static str, status: u16, code: &str) -> Error {
        Error::new(ErrorCode::Vendor, "x")
            .with_vendor(v)
            .with_status(status)
            .with_vendor_code(code)
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 100,
            max_delay_ms: 1000,
        }
    }

    #[test]
    fn classifies_the_vendors_try_again_codes() {
        use Failure::*;
        for (e, want) in [
            (vendor("kingdee", 519, "4006"), Stale),
            (vendor("kingdee", 519, "5000"), Transient),
            (vendor("kingdee", 519, "5003"), Transient),
            (vendor("kingdee", 519, "5004"), Transient),
            (vendor("kingdee", 519, "5005"), Transient),
            (vendor("kingdee", 519, "5006"), Throttled),
            (vendor("kingdee", 519, "5007"), Throttled),
            (vendor("kingdee", 519, "4008"), Permanent),
            (vendor("kingdee", 519, "4011"), Permanent),
            (vendor("kingdee", 519, "5001"), Permanent),
            (vendor("kingdee", 200, "2000002002"), Permanent),
            // A business code that happens to read 4006 is not a gateway refusal.
            (vendor("kingdee", 200, "4006"), Permanent),
            (vendor("freemud", 200, "500"), Transient),
            (vendor("freemud", 200, "21"), Permanent),
            (vendor("freemud", 200, "1002"), Permanent),
            (vendor("qimai", 200, "40003"), Stale),
            (vendor("qimai", 200, "40004"), Stale),
            (vendor("qimai", 200, "42900"), Throttled),
            (vendor("qimai", 200, "99999"), Transient),
            (vendor("qimai", 200, "40002"), Permanent),
            (vendor("qimai", 200, "50002"), Permanent),
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
    fn mark_sets_retryable_from_the_class() {
        assert!(mark(err(ErrorCode::Network)).retryable);
        assert!(mark(vendor("qimai", 200, "99999")).retryable);
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
        assert_eq!(d(1, &vendor("kingdee", 519, "4008")), Decision::Stop);
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
            vendor("kingdee", 519, "5004"),
            vendor("freemud", 200, "500"),
            vendor("qimai", 200, "99999"),
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
            vendor("kingdee", 519, "5000"),
            vendor("kingdee", 519, "5004"),
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
            vendor("kingdee", 519, "5003"),
            vendor("kingdee", 519, "5007"),
            vendor("kingdee", 519, "4006"),
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
            decide(
                &p,
                1,
                &vendor("kingdee", 519, "4006"),
                false,
                Delivery::Refused,
                999
            ),
            Decision::RetryAfter(0)
        );
        assert_eq!(
            decide(
                &p,
                2,
                &vendor("qimai", 200, "40003"),
                true,
                Delivery::Refused,
                999
            ),
            Decision::RetryAfter(0)
        );
        assert_eq!(
            decide(
                &p,
                10,
                &vendor("qimai", 200, "40003"),
                true,
                Delivery::Refused,
                0
            ),
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
