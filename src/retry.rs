//! The retry policy: plain data plus a pure function, so every decision can be
//! unit-tested without a network or a clock (after async-stripe's `RequestStrategy`).

use crate::core::error::{Error, ErrorCode};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Delay before the first retry, ms; doubles each time.
    pub base_delay_ms: u64,
    /// Upper bound of any delay, ms (a vendor's `Retry-After` is capped too).
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

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this many ms.
    RetryAfter(u64),
    /// Give up and report the error.
    Stop,
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
    if attempt >= policy.max_attempts || !err.retryable {
        return Decision::Stop;
    }
    if !idempotent && delivery == Delivery::Unknown {
        return Decision::Stop;
    }
    let exp = policy
        .base_delay_ms
        .saturating_mul(1u64 << attempt.saturating_sub(1).min(20));
    // Full jitter on half of the window keeps retries spread out but never instant.
    let half = exp / 2;
    let backoff = half + half * jitter.min(999) / 1000;
    let wanted = match (err.code, err.retry_after_ms) {
        (ErrorCode::RateLimited, Some(ra)) => ra.max(backoff),
        (_, Some(ra)) => ra.max(backoff),
        _ => backoff,
    };
    Decision::RetryAfter(wanted.min(policy.max_delay_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(code: ErrorCode, retryable: bool) -> Error {
        Error::new(code, "x").retryable(retryable)
    }

    #[test]
    fn stops_at_max_attempts_and_on_permanent_errors() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(
                &p,
                3,
                &err(ErrorCode::Network, true),
                true,
                Delivery::Unknown,
                0
            ),
            Decision::Stop
        );
        assert_eq!(
            decide(
                &p,
                1,
                &err(ErrorCode::Signature, false),
                true,
                Delivery::Refused,
                0
            ),
            Decision::Stop
        );
    }

    #[test]
    fn never_blindly_repeats_a_write_that_may_have_applied() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(
                &p,
                1,
                &err(ErrorCode::Network, true),
                false,
                Delivery::Unknown,
                0
            ),
            Decision::Stop
        );
        assert!(matches!(
            decide(
                &p,
                1,
                &err(ErrorCode::RateLimited, true),
                false,
                Delivery::Refused,
                0
            ),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn backoff_grows_and_is_capped_and_honours_retry_after() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay_ms: 100,
            max_delay_ms: 1000,
        };
        let e = err(ErrorCode::Http, true);
        let d = |a, j| decide(&p, a, &e, true, Delivery::Unknown, j);
        assert_eq!(d(1, 0), Decision::RetryAfter(50));
        assert_eq!(d(1, 999), Decision::RetryAfter(99));
        assert_eq!(d(3, 0), Decision::RetryAfter(200));
        assert_eq!(d(9, 999), Decision::RetryAfter(1000));
        let rl = err(ErrorCode::RateLimited, true).with_retry_after(Some(700));
        assert_eq!(
            decide(&p, 1, &rl, true, Delivery::Refused, 0),
            Decision::RetryAfter(700)
        );
        let rl_long = err(ErrorCode::RateLimited, true).with_retry_after(Some(60_000));
        assert_eq!(
            decide(&p, 1, &rl_long, true, Delivery::Refused, 0),
            Decision::RetryAfter(1000)
        );
    }
}
