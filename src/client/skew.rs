//! Learning the vendor's clock from its `Date` header, so a client whose clock
//! is off still signs timestamps the vendor accepts (Kingdee and Qimai refuse
//! any more than 5 minutes off).
//!
//! A `Date` is stamped somewhere between sending and receiving, truncated to
//! the second, so the vendor's time at the midpoint of the exchange is about
//! `date + 500 ms`; the estimate is good to ±(500 ms + half the round trip).
//! Small changes are ignored (they are noise), and so is a less precise
//! estimate that agrees with the current one within both error bars (a
//! gateway timeout answered after 30 s says little about the clock: its
//! `Date` is from the end of the wait). An estimate beyond a day is ignored as
//! garbage rather than trusted. The error bar of the estimate in use widens
//! the ledger window a lost Kingdee adjustment is looked for in.

use super::{Client, Transport};
use std::cell::Cell;

/// Estimates below this change from the current one are noise.
pub const NOISE_MS: i64 = 1_000;

/// Offsets beyond this are not believed.
pub const MAX_SKEW_MS: i64 = 24 * 3600 * 1000;

/// The vendor's clock minus ours, estimated from one exchange: `sent` and
/// `received` on our clock, `date` the reply's `Date` header (vendor clock), all epoch ms.
pub fn estimate(sent: u64, received: u64, date: i64) -> Option<i64> {
    estimate_with_error(sent, received, date).map(|(skew, _)| skew)
}

/// [`estimate`] and its error bar: 500 ms plus half the round trip.
fn estimate_with_error(sent: u64, received: u64, date: i64) -> Option<(i64, i64)> {
    let sent = i64::try_from(sent).ok()?;
    let received = i64::try_from(received).ok()?.max(sent);
    let half = (received - sent) / 2;
    let skew = date.checked_add(500)?.checked_sub(sent + half)?;
    (skew.abs() <= MAX_SKEW_MS).then_some((skew, half + 500))
}

/// The learned offset between the vendor's clock and ours.
#[derive(Debug, Default)]
pub struct Skew {
    offset_ms: Cell<i64>,
    /// How far off `offset_ms` may be (its exchange's error bar).
    error_ms: Cell<i64>,
    known: Cell<bool>,
    /// Whether any reply came back, with a `Date` or without.
    replied: Cell<bool>,
}

impl Skew {
    /// The offset to add to our clock, ms (0 until learned).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.get()
    }

    /// Whether a vendor `Date` has been seen, so the offset is known to ±[`Skew::error_ms`].
    pub fn is_known(&self) -> bool {
        self.known.get()
    }

    /// How far off the offset may be, ms: 500 ms plus half the round trip of
    /// the exchange it was learned from (0 until learned).
    pub fn error_ms(&self) -> i64 {
        self.error_ms.get()
    }

    /// Whether any reply has been seen (so a vendor whose replies carry no
    /// `Date` is not asked again just to learn its clock).
    pub fn has_replied(&self) -> bool {
        self.replied.get()
    }

    /// Takes in one exchange's timing and the reply's `Date` (if any).
    pub fn observe(&self, sent: u64, received: u64, date: Option<i64>) {
        self.replied.set(true);
        let Some((skew, error)) = date.and_then(|d| estimate_with_error(sent, received, d)) else {
            return;
        };
        let (current, current_error) = (self.offset_ms.get(), self.error_ms.get());
        let moved = (skew - current).abs();
        // A new estimate replaces the current one if it is as precise, or if
        // it cannot be reconciled with it (the clock stepped).
        if !self.known.get()
            || (moved > NOISE_MS && (error <= current_error || moved > error + current_error))
        {
            self.offset_ms.set(skew);
            self.error_ms.set(error);
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
    fn a_slow_reply_does_not_replace_a_precise_estimate_it_agrees_with() {
        let s = Skew::default();
        // A quick exchange: the clocks agree.
        s.observe(NOW, NOW + 40, Some(NOW as i64));
        assert_eq!((s.offset_ms(), s.error_ms()), (480, 520));
        // A gateway timeout answered after 30 s, its Date from the end of the wait:
        // taken alone it says +15 s, but within its ±15.5 s.
        s.observe(NOW, NOW + 30_000, Some(NOW as i64 + 30_000));
        assert_eq!((s.offset_ms(), s.error_ms()), (480, 520));
        // A slow reply that cannot agree (the vendor's clock stepped 2 minutes) is taken.
        s.observe(NOW, NOW + 30_000, Some(NOW as i64 + 150_000));
        assert_eq!((s.offset_ms(), s.error_ms()), (135_500, 15_500));
        // And a precise one after it.
        s.observe(NOW, NOW, Some(NOW as i64 + 140_000));
        assert_eq!((s.offset_ms(), s.error_ms()), (140_500, 500));
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
