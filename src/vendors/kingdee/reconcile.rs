//! Deciding from the ledger whether an `integral_adjust` whose reply was lost
//! was applied. Kingdee's adjustment has no idempotency field, so a lost reply
//! cannot be repeated blindly; `integral_record` (the member's ledger) is the
//! only witness. Pure: the client reads the pages, this module judges them;
//! `client/kingdee_settle.rs` decides which window to read and when.
//!
//! A ledger row is **ours** when it is the member's (the query filters by
//! mobile), has `occur` equal to the adjustment, the adjustment's type
//! (`type_number` is the operation code, or `type_name` its name), a
//! `create_time` inside the window, and an `id` not known to be another
//! change's. Then:
//!
//! * exactly one such row, and no row that only *might* be ours → **applied**;
//! * none, and none that might be → **not applied**;
//! * anything else (two candidates, a row whose type or time cannot be read) → **unknown**.
//!
//! The limit, also in docs/reliability.md: an identical change (same member,
//! amount and type) made by a writer jifen does not know, inside the window,
//! looks like ours.

use super::ops::{AdjustOperation, IntegralAdjust, MAX_PAGE_SIZE};
use crate::core::json::Json;
use crate::core::time::{format_cst, parse_cst};

/// The margin when the vendor's clock is not known: the gateway accepted our
/// timestamps (it refuses any more than 5 minutes off, error 4006), so our
/// clock is within 5 minutes of the vendor's.
pub const SLACK_UNKNOWN_CLOCK_MS: i64 = 5 * 60_000 + 10_000;

/// How far an `X-Api-TimeStamp` may be from the vendor's clock and still be
/// accepted (seed page of `integral_adjust`: 有效期为5min; error 4006 beyond).
/// A write signed at `T` can therefore only be accepted until vendor time
/// `T + ACCEPT_WINDOW_MS`: the bound that lets a lost write be settled.
pub const ACCEPT_WINDOW_MS: i64 = 5 * 60_000;

/// How long an accepted request may still be in the vendor's hands before its
/// row is written or the request is dropped: its gateway gives up on a backend
/// after about 30 s (errors 5004/5005).
pub const HOLD_MS: i64 = 30_000;

/// The latest vendor time at which a write whose attempts were all signed
/// with timestamps up to `signed_until` can create a ledger row.
pub fn last_row_time(signed_until: i64) -> i64 {
    signed_until
        .saturating_add(ACCEPT_WINDOW_MS)
        .saturating_add(HOLD_MS)
}

/// `ms` rounded down to the whole second (`create_time` has whole seconds).
pub fn floor_second(ms: i64) -> i64 {
    ms - ms.rem_euclid(1000)
}

/// Pages read at most; a busier window is judged unknown.
pub const MAX_PAGES: i64 = 5;

/// The adjustment to look for and where, in the vendor's time (epoch ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The adjustment as sent.
    pub adjust: IntegralAdjust,
    /// Window start (first attempt − slack).
    pub from_ms: i64,
    /// Ledger rows known to be other changes' (by `id`): never ours.
    pub skip_ids: Vec<String>,
    /// Window end (ledger read + slack).
    pub to_ms: i64,
}

/// What the ledger says.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Exactly one row is the adjustment (as in the `integral_record` result).
    Applied(Json),
    /// No row is, or might be, the adjustment.
    NotApplied,
    /// The ledger cannot tell; the text says why.
    Unknown(String),
}

/// `integral_record` params for page `page` of the window.
pub fn query(expected: &Expected, page: i64) -> Json {
    Json::object([
        ("mobile", Some(Json::str(&expected.adjust.mobile))),
        ("start_date", Some(Json::str(format_cst(expected.from_ms)))),
        ("page", Some(Json::int(page))),
        ("page_size", Some(Json::int(MAX_PAGE_SIZE))),
    ])
}

/// A text field of a ledger row (`""` when absent).
fn text<'a>(row: &'a Json, key: &str) -> &'a str {
    row.get(key).and_then(Json::as_str).unwrap_or_default()
}

/// Whether a row's type is the operation: `Some(true)` / `Some(false)`, or
/// `None` when neither `type_number` nor `type_name` names any known operation.
fn same_type(row: &Json, op: AdjustOperation) -> Option<bool> {
    let by_number = text(row, "type_number")
        .trim()
        .parse()
        .ok()
        .and_then(AdjustOperation::from_code);
    let by_name = AdjustOperation::ALL
        .into_iter()
        .find(|o| o.name_zh() == text(row, "type_name").trim());
    match (by_number, by_name) {
        (None, None) => None,
        (a, b) => Some(a == Some(op) || b == Some(op)),
    }
}

/// Judges the rows read from the window (rows of the `integral_record`
/// result). `complete` says whether every row of the window was read (all
/// pages, within [`MAX_PAGES`]).
pub fn judge(expected: &Expected, rows: &[Json], complete: bool) -> Verdict {
    // The matching rows: how many, and the first.
    let mut ours = 0usize;
    let mut first = None;
    let mut unclear = 0usize;
    for row in rows {
        if row.get("occur").and_then(Json::as_i64_lenient) != Some(expected.adjust.integral) {
            continue;
        }
        if expected.skip_ids.iter().any(|id| id == text(row, "id")) {
            continue;
        }
        let in_window = parse_cst(text(row, "create_time"))
            .map(|t| (expected.from_ms..=expected.to_ms).contains(&t));
        match (in_window, same_type(row, expected.adjust.operation)) {
            (Some(false), _) | (_, Some(false)) => {}
            (Some(true), Some(true)) => {
                first = first.or(Some(row));
                ours += 1;
            }
            _ => unclear += 1,
        }
    }
    if !complete {
        return Verdict::Unknown(format!(
            "the ledger has more rows in the window than {MAX_PAGES} pages"
        ));
    }
    match (ours, unclear, first) {
        (0, 0, _) => Verdict::NotApplied,
        (1, 0, Some(row)) => Verdict::Applied(row.clone()),
        (_, 0, _) => Verdict::Unknown(format!(
            "the ledger shows {ours} identical changes in the window"
        )),
        _ => Verdict::Unknown(format!(
            "{unclear} ledger row(s) with the same amount have a type or time that cannot be read"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_700_000_000_000; // 2023-11-15 06:13:20 CST

    fn expected() -> Expected {
        Expected {
            adjust: IntegralAdjust {
                mobile: "13800138000".into(),
                integral: 10,
                operation: AdjustOperation::PromotionGrant,
            },
            from_ms: T0 - 5_000,
            skip_ids: Vec::new(),
            to_ms: T0 + 7_000,
        }
    }

    fn row_at(id: &str, occur: i64, time: &str, number: &str, name: &str) -> Json {
        Json::object([
            ("id", Some(Json::str(id))),
            ("member_id", Some(Json::str("1480000000000000001"))),
            ("member_name", Some(Json::str("张三"))),
            ("create_time", Some(Json::str(time))),
            ("modify_time", Some(Json::str(time))),
            ("last_integral", Some(Json::int(500))),
            ("occur", Some(Json::int(occur))),
            ("integral", Some(Json::int(500 + occur))),
            ("type_id", Some(Json::str(""))),
            ("type_number", Some(Json::str(number))),
            ("type_name", Some(Json::str(name))),
        ])
    }

    fn row(id: &str, occur: i64, at_ms: i64, number: &str, name: &str) -> Json {
        row_at(id, occur, &format_cst(at_ms), number, name)
    }

    #[test]
    fn one_matching_row_is_applied() {
        let r = row("7", 10, T0 + 1_000, "5", "促销赠送");
        let older = row("6", 10, T0 - 3_600_000, "5", "促销赠送");
        let other = row("8", -10, T0 + 1_000, "1", "积分消费");
        assert_eq!(
            judge(&expected(), &[other, r.clone(), older], true),
            Verdict::Applied(r)
        );
        // Matched by name alone, or by number alone.
        let by_name = row("9", 10, T0, "x", "促销赠送");
        assert_eq!(
            judge(&expected(), std::slice::from_ref(&by_name), true),
            Verdict::Applied(by_name)
        );
    }

    #[test]
    fn no_matching_row_is_not_applied() {
        let e = expected();
        for rows in [
            vec![],
            vec![row("1", 11, T0, "5", "促销赠送")],
            vec![row("1", 10, T0, "6", "打卡赠送")],
            vec![row("1", 10, T0 - 60_000, "5", "促销赠送")],
            vec![row("1", 10, T0 + 60_000, "5", "促销赠送")],
        ] {
            assert_eq!(judge(&e, &rows, true), Verdict::NotApplied, "{rows:?}");
        }
    }

    #[test]
    fn ambiguity_is_unknown_never_a_guess() {
        let e = expected();
        let two = [
            row("1", 10, T0, "5", "促销赠送"),
            row("2", 10, T0 + 1_000, "5", "促销赠送"),
        ];
        assert!(matches!(judge(&e, &two, true), Verdict::Unknown(_)));
        assert_eq!(
            judge(&e, &two, true),
            Verdict::Unknown("the ledger shows 2 identical changes in the window".into())
        );
        let unreadable_time = row_at("3", 10, "yesterday", "5", "促销赠送");
        assert!(matches!(
            judge(&e, &[unreadable_time], true),
            Verdict::Unknown(_)
        ));
        let unknown_type = row("4", 10, T0, "T-0042", "门店活动");
        assert!(matches!(
            judge(&e, std::slice::from_ref(&unknown_type), true),
            Verdict::Unknown(_)
        ));
        // A clear match plus an unclear row is still unknown.
        assert!(matches!(
            judge(&e, &[row("5", 10, T0, "5", "促销赠送"), unknown_type], true),
            Verdict::Unknown(_)
        ));
        // Rows left unread: even none seen is unknown.
        assert!(matches!(judge(&e, &[], false), Verdict::Unknown(_)));
    }

    #[test]
    fn a_row_known_to_be_another_changes_is_never_ours() {
        let theirs = row("7", 10, T0 + 1_000, "5", "促销赠送");
        let ours = row("8", 10, T0 + 2_000, "5", "促销赠送");
        let e = Expected {
            skip_ids: vec!["7".into()],
            ..expected()
        };
        assert_eq!(
            judge(&e, std::slice::from_ref(&theirs), true),
            Verdict::NotApplied
        );
        assert_eq!(
            judge(&e, &[theirs.clone(), ours.clone()], true),
            Verdict::Applied(ours)
        );
        // Without the id, two identical rows cannot be told apart.
        assert!(matches!(
            judge(
                &expected(),
                &[theirs, row("8", 10, T0 + 2_000, "5", "促销赠送")],
                true
            ),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn query_opens_the_window_in_china_time() {
        let q = query(&expected(), 2);
        assert_eq!(
            q.to_json_string(),
            r#"{"mobile":"13800138000","start_date":"2023-11-15 06:13:15","page":2,"page_size":100}"#
        );
    }
}
