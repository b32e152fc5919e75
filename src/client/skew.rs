//! Learning the vendor's clock from its `Date` header, so a client whose clock
//! is off still signs timestamps the vendor accepts (Kingdee and Qimai refuse
//! any more than 5 minutes off).
//!
//! A `Date` is stamped somewhere between sending and receiving, truncated to
//! the second, so the vendor's time at the midpoint of the exchange is about
//! `date + 500 ms`; the estimate is good to ±(500 ms + half the round trip).
//! Small changes are ignored (they are noise); an estimate beyond a day is
//! ignored as garbage rather than trusted.

use super::{Client, Transport};
use std::cell::Cell;

/// Estimates below this change from the current one are noise.
pub const NOISE_MS: i64 = 1_000;

/// Offsets beyond this are not believed.
pub const MAX_SKEW_MS: i64 = 24 * 3600 * 1000;

/// The vendor's clock minus ours, estimated from one exchange: `sent` and
/// `received` on our clock, `date` the reply's `Date` header (vendor clock), all epoch ms.
pub fn estimate(sent: u64, received: u64, date: i64) -> Option<i64> {
    let sent = i64::try_from(sent).ok()?;
    let received = i64::try_from(received).ok()?.max(sent);
    let midpoint = sent + (received - sent) / 2;
    let skew = date.checked_add(500)?.checked_sub(midpoint)?;
    (skew.abs() <= MAX_SKEW_MS).then_some(skew)
}

/// The learned offset between the vendor's clock and ours.
#[derive(Debug, Default)]
pub struct Skew {
    offset_ms: Cell<i64>,
    known: Cell<bool>,
}

impl Skew {
    /// The offset to add to our clock, ms (0 until learned).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.get()
    }

    /// Whether a vendor `Date` has been seen, so the offset is known to ±2 s.
    pub fn is_known(&self) -> bool {
        self.known.get()
    }

    /// Takes in one exchange's timing and the reply's `Date` (if any).
    pub fn observe(&self, sent: u64, received: u64, date: Option<i64>) {
        let Some(skew) = date.and_then(|d| estimate(sent, received, d)) else {
            return;
        };
        if !self.known.get() || (skew - self.offset_ms.get()).abs() > NOISE_MS {
            self.offset_ms.set(skew);
        }
        self.known.set(true);
    }

    /// `local` moved to the vendor's clock.
    pub fn apply(&self, local: u64) -> u64 {
        local.saturating_add_signed(self.offset_ms.get())
    }
}

impl<T: Transport> Client<T> {
    /// The vendor's clock minus ours as learned from `Date` headers, ms; `None` until one was seen.
    pub fn clock_skew_ms(&self) -> Option<i64> {
        self.skew.is_known().then(|| self.skew.offset_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;
    const TEN_MIN: i64 = 600_000;

    #[test]
    fn a_clock_ten_minutes_fast_is_corrected() {
        let s = Skew::default();
        assert_eq!((s.offset_ms(), s.is_known()), (0, false));
        // The vendor says it is 10 minutes earlier than we think (whole seconds).
        let vendor = NOW as i64 - TEN_MIN;
        s.observe(NOW, NOW + 80, Some(vendor - vendor % 1000));
        assert!(s.is_known());
        assert!(
            (s.offset_ms() + TEN_MIN).abs() <= 1_000,
            "{}",
            s.offset_ms()
        );
        let corrected = s.apply(NOW) as i64;
        assert!((corrected - vendor).abs() <= 1_000);
    }

    #[test]
    fn noise_is_ignored_and_real_changes_are_taken() {
        let s = Skew::default();
        s.observe(NOW, NOW, Some(NOW as i64));
        assert_eq!(s.offset_ms(), 500);
        s.observe(NOW, NOW, Some(NOW as i64 - 1_000));
        assert_eq!(s.offset_ms(), 500, "a 1 s wobble is noise");
        s.observe(NOW, NOW, Some(NOW as i64 + 30_000));
        assert_eq!(s.offset_ms(), 30_500);
    }

    #[test]
    fn no_date_or_an_absurd_date_teaches_nothing() {
        let s = Skew::default();
        s.observe(NOW, NOW, None);
        assert!(!s.is_known());
        s.observe(NOW, NOW, Some(0));
        assert!(!s.is_known());
        s.observe(NOW, NOW, Some(i64::MAX));
        assert!(!s.is_known());
        assert_eq!(estimate(u64::MAX, 0, 0), None);
        // A reply "received" before it was sent (a clock step) uses the send time.
        assert_eq!(estimate(NOW, NOW - 5_000, NOW as i64), Some(500));
        assert_eq!(s.apply(5), 5);
    }
}
