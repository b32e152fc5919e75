//! Unit tests of the pure mapping: times, page arithmetic, member parsing.

use super::ledger::{decode_cursor, encode_cursor, Arithmetic};
use super::*;
use proptest::prelude::*;

#[test]
fn vendor_times_become_iso_8601_in_china_time() {
    assert_eq!(
        iso_time("2026-11-23 08:05:09"),
        Json::str("2026-11-23T08:05:09+08:00")
    );
    // 2023-11-14T22:13:20Z = 2023-11-15 06:13:20 +08:00.
    assert_eq!(
        iso_time("1700000000000"),
        Json::str("2023-11-15T06:13:20+08:00")
    );
    assert_eq!(iso_time("yesterday"), Json::str("yesterday"));
    assert_eq!(cst_from_epoch_ms(0), "1970-01-01T08:00:00+08:00");
    assert_eq!(
        cst_from_epoch_ms(951_782_400_000),
        "2000-02-29T08:00:00+08:00"
    );
}

#[test]
fn page_arithmetic() {
    let a = |page, total, rows| {
        Arithmetic {
            page,
            page_size: 10,
            total,
            rows,
        }
        .check("kingdee")
    };
    assert_eq!(a(1, 25, 10).unwrap(), Some(2));
    assert_eq!(a(3, 25, 5).unwrap(), None);
    assert_eq!(a(1, 0, 0).unwrap(), None);
    assert_eq!(a(1, 10, 10).unwrap(), None);
    assert!(a(1, 25, 9).is_err(), "a short middle page");
    assert!(a(3, 25, 4).is_err(), "a short last page");
    assert!(a(3, 25, 6).is_err(), "rows the total has no room for");
    assert!(a(4, 25, 1).is_err(), "a page past the end with rows");
    assert_eq!(a(4, 25, 0).unwrap(), None);
}

proptest! {
    /// Walking pages of exactly the rows the total implies always ends, at the total.
    #[test]
    fn honest_pages_add_up(total in 0i64..500, size in 1i64..=100) {
        let mut page = 1;
        let mut seen = 0;
        loop {
            let rows = (total - seen).clamp(0, size);
            let next = Arithmetic { page, page_size: size, total, rows: rows as usize }.check("x").unwrap();
            seen += rows;
            match next { Some(n) => page = n, None => break }
        }
        prop_assert_eq!(seen, total);
    }

    /// Any page one row short of what the total implies is an error.
    #[test]
    fn short_pages_are_reported(total in 1i64..500, size in 1i64..=100, page in 1i64..10) {
        let expected = (total - (page - 1) * size).clamp(0, size);
        prop_assume!(expected > 0);
        let r = Arithmetic { page, page_size: size, total, rows: (expected - 1) as usize }.check("x");
        prop_assert!(r.is_err());
    }

    #[test]
    fn cursors_round_trip(page in 1i64..999_999_999) {
        prop_assert_eq!(decode_cursor(&encode_cursor(page)).unwrap(), page);
    }
}

#[test]
fn members_are_checked() {
    let ok =
        Member::from_json(Some(&Json::parse(r#"{"mobile":" 13800138000 "}"#).unwrap())).unwrap();
    assert_eq!(ok.mobile.as_deref(), Some("13800138000"));
    for bad in [
        "null",
        "[]",
        "{}",
        r#"{"mobile":"abc"}"#,
        r#"{"id":""}"#,
        r#"{"id":"a\nb"}"#,
        r#"{"id":7}"#,
        r#"{"name":"x"}"#,
    ] {
        let j = Json::parse(bad).unwrap();
        assert!(Member::from_json(Some(&j)).is_err(), "{bad}");
    }
    assert!(Member::from_json(None).is_err());
}

#[test]
fn need_descriptions_join_the_names_as_before() {
    // `describe` used to join `member.{name}` with " and " (IdAndCard) or " or ".
    for need in [
        Need::Id,
        Need::Mobile,
        Need::IdAndCard,
        Need::IdOrMobile,
        Need::Any,
    ] {
        let sep = if need == Need::IdAndCard {
            " and "
        } else {
            " or "
        };
        let names: Vec<String> = need.names().iter().map(|n| format!("member.{n}")).collect();
        assert_eq!(need.describe(), names.join(sep));
    }
}
