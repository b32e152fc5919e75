//! Qimai in points terms: everything by `customerId`, found from a mobile or a
//! card number; changes carry the caller's idempotency key as `bizId`. The v3
//! paths serve every call; a v2-only account (config `version: "v2"`) has no
//! deduction and reads its balance from `communal.user.identity`.

use super::ops::{
    ADD_CUSTOMER_POINTS, GATHER_CUSTOMER_INFO, GETHER_CUSTOMER_INFO, GET_CRM_POINTS_FLOW,
    GET_CUSTOMER_ID_BY_PHONE, GET_CUSTOMER_POINTS, POINTS_ADD, REDUCE_POINTS, USER_IDENTITY,
    USER_POINTS_RECORDS,
};
use super::VENDOR;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::points::ledger::{self, LedgerQuery, Page};
use crate::points::reasons::{CodeRow, VendorCode};
use crate::points::{
    capabilities, int, Adjust, Balance, Call, Mapping, Member, MemberFields, Need, Plan, Reason,
};
/// Qimai's points mapping for one API family: v3 paths, or the v2 gateway's
/// Actions (config `version: "v2"`).
#[derive(Debug, Clone, Copy)]
pub struct Points {
    v3: bool,
}

/// The v3 mapping (the default).
pub static V3: Points = Points { v3: true };
/// The v2 gateway's mapping.
pub static V2: Points = Points { v3: false };

impl Mapping for Points {
    fn vendor(&self) -> &'static str {
        VENDOR
    }

    fn names(&self) -> &'static [&'static str] {
        if self.v3 {
            &["qimai", "qimai-v3"]
        } else {
            &["qimai-v2"]
        }
    }

    fn version(&self) -> Option<&'static str> {
        Some(if self.v3 { "v3" } else { "v2" })
    }

    fn need(&self, call: Call) -> Need {
        need(call)
    }

    fn lookup(&self, member: &Member, need: Need) -> Result<Plan> {
        lookup(member, need, self.v3)
    }

    fn read_lookup(&self, result: &Json) -> Result<Member> {
        read_lookup(result)
    }

    fn adjust_plan(&self, a: &Adjust) -> Result<Plan> {
        adjust_plan(a, self.v3)
    }

    fn adjust_reply(&self, raw: &Json) -> (Option<i64>, Option<String>) {
        (int(raw, "totalPoints"), raw.text_at("flowId"))
    }

    fn dedupes_changes(&self) -> bool {
        // bizId.
        true
    }

    fn balance_plan(&self, m: &Member) -> Result<Plan> {
        balance_plan(m, self.v3)
    }

    fn balance_reply(&self, raw: &Json) -> Balance {
        let available = if self.v3 {
            int(raw, "totalPoints")
        } else {
            raw.get("user_info").and_then(|u| int(u, "user_points"))
        };
        Balance {
            available,
            ..Balance::default()
        }
    }

    fn member_plan(&self, m: &Member) -> Result<Plan> {
        member_plan(m, self.v3)
    }

    fn member_fields(&self, raw: &Json) -> MemberFields {
        member_fields(raw)
    }

    fn ledger_plan(&self, q: &LedgerQuery, page: i64) -> Result<Plan> {
        ledger_plan(q, page, self.v3)
    }

    fn ledger_read(&self, q: &LedgerQuery, page: i64, raw: &Json) -> Result<Page> {
        ledger_read(q, page, raw, self.v3)
    }

    fn reason_code(&self, reason: Reason) -> Option<VendorCode> {
        // The v2 gateway documents no deduction Action.
        let reduce: &[CodeRow] = if self.v3 { &REASON_CODES_REDUCE } else { &[] };
        reason
            .code_in(&REASON_CODES_ADD)
            .or_else(|| reason.code_in(reduce))
    }

    fn capabilities(&self) -> &'static [capabilities::Capability; 4] {
        if self.v3 {
            &capabilities::QIMAI_V3
        } else {
            &capabilities::QIMAI_V2
        }
    }

    fn adjust_fields(&self) -> &'static [&'static str] {
        &["remark"]
    }
}

/// `pointsChannel` 8 = 其他 (other).
const CHANNEL_OTHER: i64 = 8;

fn need(call: Call) -> Need {
    match call {
        Call::Member => Need::Any,
        _ => Need::Id,
    }
}

/// `gatherCustomerInfo` by an identifier: type 1 customer id, 2 mobile, 3 card.
fn gather(m: &Member, v3: bool) -> Option<Plan> {
    let (kind, value) = match (&m.id, &m.mobile, &m.card_id) {
        (Some(id), _, _) => (1, id),
        (None, Some(mobile), _) => (2, mobile),
        (None, None, Some(card)) => (3, card),
        _ => return None,
    };
    Some(Plan::new(
        if v3 {
            GATHER_CUSTOMER_INFO
        } else {
            GETHER_CUSTOMER_INFO
        },
        [
            ("identifierNumber", Some(Json::str(value))),
            ("type", Some(Json::int(kind))),
        ],
    ))
}

fn lookup(m: &Member, need: Need, v3: bool) -> Result<Plan> {
    let plan = match (&m.mobile, v3) {
        (Some(phone), true) if need == Need::Id => Some(Plan::new(
            GET_CUSTOMER_ID_BY_PHONE,
            [("phone", Some(Json::str(phone)))],
        )),
        _ if need == Need::Id && m.id.is_none() => gather(m, v3),
        _ => None,
    };
    plan.ok_or_else(|| {
        Error::invalid_input(format!(
            "Qimai needs {} here and has no lookup from what was given",
            need.describe()
        ))
        .with_vendor(VENDOR)
    })
}

fn read_lookup(result: &Json) -> Result<Member> {
    let id = result
        .filled_at("customerId")
        .ok_or_else(|| Error::parse("Qimai lookup reply has no customerId").with_vendor(VENDOR))?;
    Ok(Member {
        id: Some(id),
        mobile: result.filled_at("mobile"),
        card_id: None,
    })
}

fn customer_id(m: &Member) -> Result<&str> {
    m.id.as_deref().ok_or_else(|| {
        Error::invalid_input("Qimai needs member.id (customerId)").with_vendor(VENDOR)
    })
}

fn adjust_plan(a: &Adjust, v3: bool) -> Result<Plan> {
    let code = a.code(if v3 { &V3 } else { &V2 })?;
    if a.order_id.is_some() {
        return Err(Error::unsupported(
            "Qimai points changes have no order id field: leave orderId out (the remark is sent as `reason`)",
        )
        .with_vendor(VENDOR));
    }
    let reason = a.remark.as_deref().unwrap_or(a.reason.label_zh());
    let id = customer_id(&a.member)?;
    if a.delta > 0 {
        let source = code.code.parse().map_err(|_| Error::config("bad code"))?;
        Ok(Plan::new(
            if v3 { ADD_CUSTOMER_POINTS } else { POINTS_ADD },
            [
                ("customerId", Some(Json::str(id))),
                ("balance", Some(Json::int(a.delta))),
                ("bizId", Some(Json::str(&a.idempotency_key))),
                ("reason", Some(Json::str(reason))),
                ("sourceType", Some(Json::int(source))),
                ("pointsChannel", Some(Json::int(CHANNEL_OTHER))),
            ],
        ))
    } else {
        Ok(Plan::new(
            REDUCE_POINTS,
            [
                ("customerId", Some(Json::str(id))),
                ("balance", Some(Json::int(a.delta.abs()))),
                ("bizId", Some(Json::str(&a.idempotency_key))),
                ("reason", Some(Json::str(reason))),
            ],
        ))
    }
}

fn balance_plan(m: &Member, v3: bool) -> Result<Plan> {
    let id = customer_id(m)?;
    Ok(if v3 {
        Plan::new(GET_CUSTOMER_POINTS, [("customerId", Some(Json::str(id)))])
    } else {
        Plan::new(
            USER_IDENTITY,
            [
                ("type", Some(Json::int(4))),
                ("user_id", Some(Json::str(id))),
            ],
        )
    })
}

fn member_plan(m: &Member, v3: bool) -> Result<Plan> {
    gather(m, v3).ok_or_else(|| {
        Error::invalid_input("Qimai finds members by member.id, member.mobile or member.cardId")
            .with_vendor(VENDOR)
    })
}

fn member_fields(raw: &Json) -> MemberFields {
    MemberFields {
        id: raw.text_at("customerId"),
        name: raw.text_at("name"),
        mobile: raw.text_at("mobile"),
        card_id: raw.text_at("cardNumber"),
        level: raw.text_at("levelName"),
        registered_at: raw.filled_at("registerTime"),
        points: int(raw, "points"),
    }
}

fn ledger_plan(q: &LedgerQuery, page: i64, v3: bool) -> Result<Plan> {
    let id = customer_id(&q.member)?;
    Ok(if v3 {
        Plan::new(
            GET_CRM_POINTS_FLOW,
            [
                ("customerId", Some(Json::str(id))),
                ("page", Some(Json::int(page))),
                ("pageSize", Some(Json::int(q.page_size))),
            ],
        )
    } else {
        Plan::new(
            USER_POINTS_RECORDS,
            [
                ("user_id", Some(Json::str(id))),
                ("page", Some(Json::int(page))),
                ("page_size", Some(Json::int(q.page_size))),
            ],
        )
    })
}

/// Field names of a flow row in each family.
struct Fields {
    delta: &'static str,
    after: &'static str,
    source: &'static str,
    at: &'static str,
}

const V3_FIELDS: Fields = Fields {
    delta: "changePoints",
    after: "afterPoints",
    source: "sourceType",
    at: "createdAt",
};
const V2_FIELDS: Fields = Fields {
    delta: "points",
    after: "after_points",
    source: "source_type",
    at: "created_at",
};

/// Qimai's flow takes no date range: rows (newest first) are filtered here,
/// and the walk stops at the first row older than `from`.
fn ledger_read(q: &LedgerQuery, page: i64, raw: &Json, v3: bool) -> Result<Page> {
    let f = if v3 { V3_FIELDS } else { V2_FIELDS };
    let (rows, mut next) = ledger::checked_rows(raw, "list", "total", q, page, VENDOR)?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in rows {
        let at = r.text_at(f.at).unwrap_or_default();
        if q.from.as_deref().is_some_and(|from| at.as_str() < from) {
            next = None;
            break;
        }
        if !q.contains(&at) {
            continue;
        }
        let delta = int(r, f.delta)
            .ok_or_else(|| Error::parse("points flow row lacks its change").with_vendor(VENDOR))?;
        let code = r.text_at(f.source).unwrap_or_default();
        let name = qimai_source_name(&code).to_string();
        entries.push(ledger::entry(
            r.text_at("id").unwrap_or_default(),
            &at,
            delta,
            int(r, f.after),
            code,
            name,
            r.clone(),
        ));
    }
    Ok(Page { entries, next })
}

/// Qimai `sourceType` for additions (v2 `user.points-add`, v3 `addCustomerPoints`),
/// in code order; 5 积分签到 is sign-in, and no type says check-in (打卡).
/// Reversals need the original `bizId` (`reversePoints`), which a delta does
/// not carry; expiry is the vendor's own job.
pub(crate) static REASON_CODES_ADD: [CodeRow; 7] = [
    (Reason::Purchase, "1", "消费增加"),
    (Reason::ManualGrant, "4", "商家手动补发"),
    (Reason::SignIn, "5", "积分签到"),
    (Reason::Promotion, "6", "满赠活动"),
    (Reason::TopUpBonus, "8", "储值赠送"),
    (Reason::Migration, "9", "资产迁入"),
    (Reason::ProfileCompletion, "12", "完善会员资料得积分"),
];

/// Qimai v3 `reducePoints`, which takes no type: every deduction is 积分扣减.
pub(crate) static REASON_CODES_REDUCE: [CodeRow; 4] = [
    (Reason::Redemption, "reduce", "积分扣减"),
    (Reason::PointsPayment, "reduce", "积分扣减"),
    (Reason::Consumption, "reduce", "积分扣减"),
    (Reason::ManualDeduction, "reduce", "积分扣减"),
];

/// Qimai's flow `sourceType` codes and their labels (0 = a reduction).
static SOURCE_NAMES: [(&str, &str); 13] = [
    ("0", "积分扣减"),
    ("1", "消费增加"),
    ("2", "关注有礼"),
    ("3", "会员特权"),
    ("4", "商家手动补发"),
    ("5", "积分签到"),
    ("6", "满赠活动"),
    ("7", "抽奖得积分"),
    ("8", "储值赠送"),
    ("9", "资产迁入"),
    ("10", "登录获积分"),
    ("11", "评价得积分"),
    ("12", "完善会员资料得积分"),
];

/// Qimai's label for a flow's `sourceType` (0 = a reduction); `""` for an unknown code.
pub fn qimai_source_name(code: &str) -> &'static str {
    SOURCE_NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, name)| name)
}
