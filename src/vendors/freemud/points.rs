//! Freemud in points terms: everything by `memberId`, found from a mobile
//! through `getMemberInfoByIdOrMobile`; changes through `updateScore`, whose
//! `idempotencyBussinessId` carries the caller's idempotency key.

use super::ops::{GET_MEMBER_INFO, GET_SCORE_RECORDS, STATISTICAL_SCORE, UPDATE_SCORE};
use super::VENDOR;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::points::ledger::{self, LedgerQuery, Page};
use crate::points::reasons::{CodeRow, VendorCode};
use crate::points::{
    capabilities, int, Adjust, Balance, Call, Mapping, Member, MemberFields, Need, Plan, Reason,
};

/// Freemud's points mapping.
#[derive(Debug, Clone, Copy)]
pub struct Points;

/// The one Freemud mapping.
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
        (int(raw, "currentScore"), None)
    }

    fn dedupes_changes(&self) -> bool {
        // idempotencyBussinessId.
        true
    }

    fn balance_plan(&self, m: &Member) -> Result<Plan> {
        balance_plan(m)
    }

    fn balance_reply(&self, raw: &Json) -> Balance {
        Balance {
            available: int(raw, "currentScore"),
            total: int(raw, "totalScore"),
            used: int(raw, "usedScore"),
            pending: None,
        }
    }

    fn member_plan(&self, m: &Member) -> Result<Plan> {
        member_plan(m)
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
        &capabilities::FREEMUD
    }

    fn adjust_fields(&self) -> &'static [&'static str] {
        &["orderId", "remark"]
    }
}

fn need(call: Call) -> Need {
    match call {
        Call::Member => Need::IdOrMobile,
        _ => Need::Id,
    }
}

fn lookup(m: &Member, need: Need) -> Result<Plan> {
    match &m.mobile {
        Some(mobile) if need != Need::Mobile => Ok(Plan::new(
            GET_MEMBER_INFO,
            [("mobile", Some(Json::str(mobile)))],
        )),
        _ => Err(Error::invalid_input(format!(
            "Freemud needs {} here and can look a member up only by mobile",
            need.describe()
        ))
        .with_vendor(VENDOR)),
    }
}

fn read_lookup(result: &Json) -> Result<Member> {
    let id = result.filled_at("memberId").ok_or_else(|| {
        Error::parse("getMemberInfoByIdOrMobile reply has no memberId").with_vendor(VENDOR)
    })?;
    Ok(Member {
        id: Some(id),
        mobile: result.filled_at("mobile"),
        card_id: None,
    })
}

fn member_id(m: &Member) -> Result<&str> {
    m.id.as_deref()
        .ok_or_else(|| Error::invalid_input("Freemud needs member.id").with_vendor(VENDOR))
}

fn adjust_plan(a: &Adjust) -> Result<Plan> {
    let code = a.code(&POINTS)?;
    let operation = code
        .code
        .parse::<i64>()
        .map_err(|_| Error::config("bad code"))?;
    Ok(Plan::new(
        UPDATE_SCORE,
        [
            ("memberId", Some(Json::str(member_id(&a.member)?))),
            ("changeScore", Some(Json::int(a.delta.abs()))),
            (
                "changeType",
                Some(Json::int(if a.delta > 0 { 1 } else { 2 })),
            ),
            ("operationType", Some(Json::int(operation))),
            (
                "idempotencyBussinessId",
                Some(Json::str(&a.idempotency_key)),
            ),
            ("orderId", a.order_id.as_deref().map(Json::str)),
            ("remark", a.remark.as_deref().map(Json::str)),
        ],
    ))
}

fn balance_plan(m: &Member) -> Result<Plan> {
    Ok(Plan::new(
        STATISTICAL_SCORE,
        [("memberId", Some(Json::str(member_id(m)?)))],
    ))
}

fn member_plan(m: &Member) -> Result<Plan> {
    let (key, value) = match (&m.id, &m.mobile) {
        (Some(id), _) => ("memberId", id),
        (None, Some(mobile)) => ("mobile", mobile),
        _ => {
            return Err(
                Error::invalid_input("Freemud finds members by member.id or member.mobile")
                    .with_vendor(VENDOR),
            )
        }
    };
    Ok(Plan::new(
        GET_MEMBER_INFO,
        [
            (key, Some(Json::str(value))),
            ("showScoreSwitch", Some(Json::int(1))),
        ],
    ))
}

fn member_fields(raw: &Json) -> MemberFields {
    let card = raw
        .get_present("memberChannels")
        .and_then(Json::as_array)
        .and_then(|c| c.iter().find_map(|ch| ch.filled_at("cardId")));
    MemberFields {
        id: raw.text_at("memberId"),
        name: raw
            .filled_at("memberName")
            .or_else(|| raw.text_at("nickName")),
        mobile: raw.text_at("mobile"),
        card_id: card,
        level: None,
        registered_at: raw.filled_at("registerTime"),
        points: int(raw, "currentScore"),
    }
}

fn ledger_plan(q: &LedgerQuery, page: i64) -> Result<Plan> {
    Ok(Plan::new(
        GET_SCORE_RECORDS,
        [
            ("memberId", Some(Json::str(member_id(&q.member)?))),
            ("pageNum", Some(Json::int(page))),
            ("pageSize", Some(Json::int(q.page_size))),
            ("startTime", q.from.as_deref().map(Json::str)),
            ("endTime", q.to.as_deref().map(Json::str)),
        ],
    ))
}

fn ledger_read(q: &LedgerQuery, page: i64, raw: &Json) -> Result<Page> {
    let (rows, next) = ledger::checked_rows(raw, "scoreRecords", "totalCount", q, page, VENDOR)?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let score = int(r, "changeScore")
            .ok_or_else(|| Error::parse("score record lacks `changeScore`").with_vendor(VENDOR))?;
        let delta = match int(r, "changeType") {
            Some(1) => score.abs(),
            Some(2) => -score.abs(),
            _ => {
                return Err(Error::parse("score record `changeType` is neither 1 nor 2")
                    .with_vendor(VENDOR))
            }
        };
        entries.push(ledger::entry(
            r.text_at("transNo").unwrap_or_default(),
            &r.text_at("createTime").unwrap_or_default(),
            delta,
            int(r, "currentScore"),
            r.text_at("operationType").unwrap_or_default(),
            r.text_at("operationName").unwrap_or_default(),
            r.clone(),
        ));
    }
    Ok(Page { entries, next })
}

/// Freemud `operationType`, in code order (no top-up bonus). Points spent on a
/// purchase are 14 积分支付 whether Kingdee would call them 积分抵现 or 积分消费;
/// 3 积分签到 is sign-in, and no type says check-in (打卡), so `check_in` is
/// refused rather than recorded as a sign-in. 16 and 17 (reversals of an
/// upgrade bonus and of a promotion) have no reason.
pub(crate) static REASON_CODES: [CodeRow; 16] = [
    (Reason::Purchase, "1", "消费送积分"),
    (Reason::PaymentRefund, "2", "积分支付退回"),
    (Reason::SignIn, "3", "积分签到"),
    (Reason::ManualGrant, "4", "手动赠送"),
    (Reason::Upgrade, "5", "等级升级送积分"),
    (Reason::Migration, "6", "割接"),
    (Reason::Birthday, "7", "生日送"),
    (Reason::Registration, "8", "注册送"),
    (Reason::ProfileCompletion, "9", "完善送"),
    (Reason::Promotion, "10", "消费满赠"),
    (Reason::ManualDeduction, "11", "手动扣减"),
    (Reason::Redemption, "12", "积分兑换"),
    (Reason::Expiry, "13", "积分清理"),
    (Reason::PointsPayment, "14", "积分支付"),
    (Reason::Consumption, "14", "积分支付"),
    (Reason::EarnReversal, "15", "消费送积分扣回"),
];
