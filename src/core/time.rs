//! Calendar arithmetic and the two wall-clock formats jifen reads: HTTP dates
//! (the `Date` and `Retry-After` headers, RFC 9110 §5.6.7) and the vendors'
//! `yyyy-MM-dd HH:mm:ss` in China Standard Time (UTC+8, no daylight saving).
//!
//! Pure functions over epoch milliseconds; nothing here reads a clock.

/// China Standard Time, the zone every vendor's timestamps are written in.
pub const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Epoch ms of a wall-clock time, if every field is in range.
fn epoch_ms(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(h) * 3600
        + i64::from(m) * 60
        + i64::from(s.min(59));
    Some(secs * 1000)
}

fn digits(s: &str, len: usize) -> Option<u32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_of(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?, 2)?;
    let m = digits(parts.next()?, 2)?;
    let sec = digits(parts.next()?, 2)?;
    if parts.next().is_some() {
        return None;
    }
    Some((h, m, sec))
}

/// Parses an HTTP date to epoch ms. Accepts the three forms RFC 9110 requires a
/// recipient to read: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the
/// obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
/// (`Sun Nov  6 08:49:37 1994`). The weekday is not checked (senders get it
/// wrong and it adds nothing). Anything else is `None`.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_ascii() || s.len() > 64 {
        return None;
    }
    let mut fields = Vec::new();
    for f in s.split_ascii_whitespace() {
        fields.push(f);
    }
    match fields.as_slice() {
        // IMF-fixdate: "Sun," "06" "Nov" "1994" "08:49:37" "GMT"
        [wd, day, mon, year, time, "GMT"] if wd.ends_with(',') && day.len() == 2 => {
            let (h, m, sec) = hms(time)?;
            epoch_ms(
                i64::from(digits(year, 4)?),
                month_of(mon)?,
                digits(day, 2)?,
                h,
                m,
                sec,
            )
        }
        // RFC 850: "Sunday," "06-Nov-94" "08:49:37" "GMT"
        [wd, date, time, "GMT"] if wd.ends_with(',') => {
            let mut dp = date.split('-');
            let day = digits(dp.next()?, 2)?;
            let mon = month_of(dp.next()?)?;
            let yy = i64::from(digits(dp.next()?, 2)?);
            if dp.next().is_some() {
                return None;
            }
            // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            let (h, m, sec) = hms(time)?;
            epoch_ms(year, mon, day, h, m, sec)
        }
        // asctime: "Sun" "Nov" "6" "08:49:37" "1994"
        [_wd, mon, day, time, year] => {
            let day = if day.len() == 1 {
                digits(day, 1)?
            } else {
                digits(day, 2)?
            };
            let (h, m, sec) = hms(time)?;
            epoch_ms(i64::from(digits(year, 4)?), month_of(mon)?, day, h, m, sec)
        }
        _ => None,
    }
}

/// Formats epoch ms as `yyyy-MM-dd HH:mm:ss` in China Standard Time (the
/// vendors' query format). Milliseconds are truncated.
pub fn format_cst(ms: i64) -> String {
    let local = ms + CST_OFFSET_MS;
    let days = local.div_euclid(MS_PER_DAY);
    let secs = local.rem_euclid(MS_PER_DAY) / 1000;
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{y:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        i64::from(mo),
        i64::from(d),
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Parses `yyyy-MM-dd HH:mm:ss` in China Standard Time to epoch ms.
pub fn parse_cst(s: &str) -> Option<i64> {
    let (date, time) = s.trim().split_once(' ')?;
    let mut dp = date.split('-');
    let year = digits(dp.next()?, 4)?;
    let month = digits(dp.next()?, 2)?;
    let day = digits(dp.next()?, 2)?;
    if dp.next().is_some() {
        return None;
    }
    let (h, m, sec) = hms(time)?;
    epoch_ms(i64::from(year), month, day, h, m, sec).map(|ms| ms - CST_OFFSET_MS)
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RFC_EXAMPLE_MS: i64 = 784_111_777_000; // 1994-11-06T08:49:37Z

    #[test]
    fn the_three_rfc_9110_forms() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(RFC_EXAMPLE_MS)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994"),
            Some(RFC_EXAMPLE_MS)
        );
        // What Node and Workers send.
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date(" Tue, 29 Feb 2028 23:59:59 GMT "),
            Some(1_835_481_599_000)
        );
    }

    #[test]
    fn rejects_what_is_not_an_http_date() {
        for bad in [
            "",
            "3",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Mon, 29 Feb 2027 00:00:00 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:01 GMT",
            "Sun, 06 Nov -994 08:49:37 GMT",
            "Sun, 06 Nov 1994 +8:49:37 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun Nov 006 08:49:37 1994",
            "Sun, ０６ Nov 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn cst_round_trip_and_known_values() {
        assert_eq!(format_cst(0), "1970-01-01 08:00:00");
        assert_eq!(parse_cst("1970-01-01 08:00:00"), Some(0));
        assert_eq!(format_cst(1_700_000_000_000), "2023-11-15 06:13:20");
        assert_eq!(parse_cst("2023-11-15 06:13:20"), Some(1_700_000_000_000));
        assert_eq!(parse_cst("2023-11-15T06:13:20"), None);
        assert_eq!(parse_cst("2023-02-29 00:00:00"), None);
    }

    proptest! {
        #[test]
        fn civil_round_trips(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn cst_round_trips(secs in 0i64..8_000_000_000) {
            prop_assert_eq!(parse_cst(&format_cst(secs * 1000)), Some(secs * 1000));
        }

        #[test]
        fn http_date_never_panics(s in "\\PC{0,40}") {
            let _ = parse_http_date(&s);
        }
    }
}
