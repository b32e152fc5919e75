//! Kingdee JDY in points terms: `integral_adjust` by mobile,
//! `account_balance_info` by member id and card id (the vendor requires both),
//! `integral_record` by member id or mobile. Kingdee has no member search: a
//! mobile is resolved to a member id through the member's own ledger rows, and
//! a card id is never found for the caller.

use super::ops::{ACCOUNT_BALANCE_INFO, INTEGRAL_ADJUST, INTEGRAL_RECORD};
use super::VENDOR;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::points::ledger::{self, LedgerQuery, Page};
use crate::points::reasons::{CodeRow, VendorCode};
use crate::points::{
    capabilities, int, Adjust, Balance, Call, Mapping, Member, MemberFields, Need, Plan, Reason,
};

/// Kingdee's points mapping.
#[derive(Debug, Clone, Copy)]
pub struct Points;

/// The one Kingdee mapping.
pub static POINTS: Points = Points;

impl Mapping for Points {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn names(&self) -> &'static [&'static str] {
        &[VENDOR]
    }

    fn need(&self, call: Call) -> Need {
        need(call)
    }

    fn lookup(&self, member: &Member, need: Need) -> Result<Plan> {
        lookup(member, need)
    }

    fn read_lookup(&self, result: &Json) -> Result<Member> {
        read_lookup(result)
    }

    fn adjust_plan(&self, a: &Adjust) -> Result<Plan> {
        adjust_plan(a)
    }

    fn adjust_reply(&self, raw: &Json) -> (Option<i64>, Option<String>) {
        // A reply settled from the ledger carries the ledger row (client/kingdee_settle.rs).
        match raw.get("record") {
            Some(r) => (int(r, "integral"), r.text_at("id")),
            None => (None, None),
        }
    }

    fn dedupes_changes(&self) -> bool {
        // integral_adjust has no idempotency field.
        false
    }

    fn balance_plan(&self, m: &Member) -> Result<Plan> {
        balance_plan(m)
    }

    fn balance_reply(&self, raw: &Json) -> Balance {
        let i = raw.get("integral");
        let f = |k: &str| i.and_then(|i| int(i, k));
        Balance {
            available: f("usable"),
            total: f("total"),
            used: None,
            pending: f("pre"),
        }
    }

    fn member_plan(&self, m: &Member) -> Result<Plan> {
        balance_plan(m)
    }

    fn member_fields(&self, raw: &Json) -> MemberFields {
        member_fields(raw)
    }

    fn ledger_plan(&self, q: &LedgerQuery, page: i64) -> Result<Plan> {
        ledger_plan(q, page)
    }

    fn ledger_read(&self, q: &LedgerQuery, page: i64, raw: &Json) -> Result<Page> {
        ledger_read(q, page, raw)
    }

    fn reason_code(&self, reason: Reason) -> Option<VendorCode> {
        reason.code_in(&REASON_CODES)
    }

    fn capabilities(&self) -> &'static [capabilities::Capability; 4] {
        &capabilities::KINGDEE
    }

    fn adjust_fields(&self) -> &'static [&'static str] {
        &[]
    }
}

fn need(call: Call) -> Need {
    match call {
        Call::Adjust => Need::Mobile,
        Call::Balance | Call::Member => Need::IdAndCard,
        Call::Ledger => Need::IdOrMobile,
    }
}

fn by_id_and_card(m: &Member) -> Plan {
    Plan::new(
        ACCOUNT_BALANCE_INFO,
        [
            ("member_id", m.id.as_deref().map(Json::str)),
            ("member_card_id", m.card_id.as_deref().map(Json::str)),
        ],
    )
}

fn lookup(m: &Member, need: Need) -> Result<Plan> {
    match need {
        Need::Mobile if m.id.is_some() && m.card_id.is_some() => Ok(by_id_and_card(m)),
        Need::IdAndCard if m.id.is_none() && m.card_id.is_some() && m.mobile.is_some() => {
            Ok(Plan::new(
                INTEGRAL_RECORD,
                [
                    ("mobile", m.mobile.as_deref().map(Json::str)),
                    ("page", Some(Json::int(1))),
                    ("page_size", Some(Json::int(1))),
                ],
            ))
        }
        _ => Err(Error::invalid_input(format!(
            "Kingdee needs {} here ({}) and has no lookup from what was given",
            need.describe(),
            if need == Need::IdAndCard { "account_balance_info requires member_id and member_card_id, the card's id, not its number" } else { "integral_adjust is by mobile; the mobile is read from account_balance_info, which needs member.id and member.cardId" }
        ))
        .with_vendor(VENDOR)),
    }
}

fn read_lookup(result: &Json) -> Result<Member> {
    if let Some(i) = result.get_present("integral") {
        let member = i.get("member");
        return Ok(Member {
            id: member.and_then(|m| m.filled_at("id")),
            mobile: member.and_then(|m| m.filled_at("mobile")),
            card_id: i.get("mb_card").and_then(|c| c.filled_at("id")),
        });
    }
    let rows = ledger::rows(result, "rows", VENDOR)?;
    let id = rows
        .first()
        .and_then(|r| r.filled_at("member_id"))
        .ok_or_else(|| {
            Error::invalid_input(
                "Kingdee has no member lookup by mobile, and this mobile has no ledger rows to find the member id in: pass member.id",
            )
            .with_vendor(VENDOR)
        })?;
    Ok(Member {
        id: Some(id),
        ..Member::default()
    })
}

fn adjust_plan(a: &Adjust) -> Result<Plan> {
    let code = a.code(&POINTS)?;
    if a.order_id.is_some() || a.remark.is_some() {
        return Err(Error::unsupported(
            "Kingdee integral_adjust has no order id or remark field: leave orderId and remark out",
        )
        .with_vendor(VENDOR));
    }
    let mobile = a.member.mobile.as_deref().ok_or_else(|| {
        Error::invalid_input("Kingdee adjusts points by member.mobile").with_vendor(VENDOR)
    })?;
    let operation = code.code.parse().map_err(|_| Error::config("bad code"))?;
    Ok(Plan::new(
        INTEGRAL_ADJUST,
        [
            ("mobile", Some(Json::str(mobile))),
            ("integral", Some(Json::int(a.delta))),
            ("operation", Some(Json::int(operation))),
        ],
    ))
}

fn balance_plan(m: &Member) -> Result<Plan> {
    if !Need::IdAndCard.met_by(m) {
        return Err(
            Error::invalid_input("Kingdee reads balances by member.id and member.cardId")
                .with_vendor(VENDOR),
        );
    }
    Ok(by_id_and_card(m))
}

fn member_fields(raw: &Json) -> MemberFields {
    let i = raw.get("integral");
    let m = i.and_then(|i| i.get("member"));
    MemberFields {
        id: m.and_then(|m| m.text_at("id")),
        name: m.and_then(|m| m.text_at("name")),
        mobile: m.and_then(|m| m.text_at("mobile")),
        card_id: i
            .and_then(|i| i.get("mb_card"))
            .and_then(|c| c.text_at("id")),
        level: None,
        registered_at: None,
        points: i.and_then(|i| int(i, "usable")),
    }
}

fn ledger_plan(q: &LedgerQuery, page: i64) -> Result<Plan> {
    let (id, mobile) = match (&q.member.id, &q.member.mobile) {
        (Some(id), _) => (Some(id), None),
        (None, Some(m)) => (None, Some(m)),
        (None, None) => {
            return Err(Error::invalid_input(
                "Kingdee reads the ledger by member.id or member.mobile",
            )
            .with_vendor(VENDOR))
        }
    };
    Ok(Plan::new(
        INTEGRAL_RECORD,
        [
            ("member_id", id.map(Json::str)),
            ("mobile", mobile.map(Json::str)),
            ("start_date", q.from.as_deref().map(Json::str)),
            ("end_date", q.to.as_deref().map(Json::str)),
            ("page", Some(Json::int(page))),
            ("page_size", Some(Json::int(q.page_size))),
        ],
    ))
}

fn ledger_read(q: &LedgerQuery, page: i64, raw: &Json) -> Result<Page> {
    let (rows, next) = ledger::checked_rows(raw, "rows", "count", q, page, VENDOR)?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let delta = int(r, "occur")
            .ok_or_else(|| Error::parse("ledger row lacks `occur`").with_vendor(VENDOR))?;
        entries.push(ledger::entry(
            r.text_at("id").unwrap_or_default(),
            &r.text_at("create_time").unwrap_or_default(),
            delta,
            int(r, "integral"),
            r.text_at("type_number").unwrap_or_default(),
            r.text_at("type_name").unwrap_or_default(),
            r.clone(),
        ));
    }
    Ok(Page { entries, next })
}

/// Kingdee `operation`, in code order: all eleven 调整类型 have a reason (9
/// 购买积分 and 10 积分购买退款 are the purchase earn and its reversal, 1 积分消费
/// is `consumption`, 6 打卡赠送 `check_in`); no operation says "manual",
/// "registration", "birthday", "profile", "migration" or "upgrade".
pub(crate) static REASON_CODES: [CodeRow; 11] = [
    (Reason::Consumption, "1", "积分消费"),
    (Reason::PointsPayment, "2", "积分抵现"),
    (Reason::Redemption, "3", "积分兑换"),
    (Reason::TopUpBonus, "4", "充值赠送"),
    (Reason::Promotion, "5", "促销赠送"),
    (Reason::CheckIn, "6", "打卡赠送"),
    (Reason::Expiry, "7", "到期清零"),
    (Reason::PaymentRefund, "8", "退款"),
    (Reason::Purchase, "9", "购买积分"),
    (Reason::EarnReversal, "10", "积分购买退款"),
    (Reason::SignIn, "11", "会员签到赠送"),
];
