//! Freemud operations (docs/vendors/freemud.md §12, sim/README "Assumed schemas") and the
//! validation of their parameters. Operation ids are the vendor paths;
//! `/member/score/opt/{type}` is called as `/member/score/opt/1` (add) or
//! `/member/score/opt/15` (subtract).
//!
//! Validation never rewrites the caller's parameters: the `requestBody` that
//! is signed and sent is the caller's JSON, serialised once in the caller's
//! key order. Validation only refuses what the vendor would refuse, and what
//! jifen must not send (a points change without `idempotencyBussinessId`).
//!
//! # Operations outside the table
//!
//! Every Freemud API is the same signed envelope POSTed to a path, so any path can be
//! called ([`route`]): `/member/coupon/list` is sent like a known operation, its params
//! (object or string) as the `requestBody`, unchecked but for `partnerId` (it must be the
//! configured one). `/member/score/opt/{type}` is the one family jifen knows to refuse
//! beyond types 1 and 15. The reply goes through the envelope and its status codes and
//! its `responseBody` comes back as sent ([`crate::vendors::generic`]).
//!
//! **Retries.** Every Freemud call is a POST, so jifen cannot tell a read from a write
//! outside its table: such an operation is treated as a write that may not be idempotent
//! and is never sent again after a lost reply (`outcome_unknown`), unless the caller says
//! per call that it is safe to repeat (`idempotent: true`, [`crate::vendors::call_options`]).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::call_options::CallOptions;
use crate::vendors::param_schema::{text_of, Kind, Rule, Schema};
use crate::vendors::params::{strict_int, Params};

/// Member info by id, mobile or dynamic code.
pub const GET_MEMBER_INFO: &str = "/member/getMemberInfoByIdOrMobile";
/// Member list, paged.
pub const GET_MEMBERS: &str = "/member/getMembers";
/// Add points (`/member/score/opt/{type}` with type 1).
pub const SCORE_ADD: &str = "/member/score/opt/1";
/// Subtract points (`/member/score/opt/{type}` with type 15).
pub const SCORE_SUBTRACT: &str = "/member/score/opt/15";
/// Add or subtract points by `changeType`.
pub const UPDATE_SCORE: &str = "/member/score/updateScore";
/// Grant points.
pub const SEND_SCORE: &str = "/member/score/sendScore";
/// Reverse an order's points.
pub const RETURN_SCORE: &str = "/member/score/returnScore";
/// Balance statistics.
pub const STATISTICAL_SCORE: &str = "/member/score/statisticalScore";
/// Points ledger, paged (docs/vendors/freemud.md §12.11: not on the member pages).
pub const GET_SCORE_RECORDS: &str = "/member/score/getScoreRecords";

/// Every Freemud operation jifen knows.
pub const OPERATIONS: [&str; 9] = [
    GET_MEMBER_INFO,
    GET_MEMBERS,
    SCORE_ADD,
    SCORE_SUBTRACT,
    UPDATE_SCORE,
    SEND_SCORE,
    RETURN_SCORE,
    STATISTICAL_SCORE,
    GET_SCORE_RECORDS,
];

/// Largest page jifen asks for (the vendor clamps larger sizes).
pub const MAX_PAGE_SIZE: i64 = 100;

/// A Freemud operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `/member/getMemberInfoByIdOrMobile`
    GetMemberInfo,
    /// `/member/getMembers`
    GetMembers,
    /// `/member/score/opt/1`
    ScoreAdd,
    /// `/member/score/opt/15`
    ScoreSubtract,
    /// `/member/score/updateScore`
    UpdateScore,
    /// `/member/score/sendScore`
    SendScore,
    /// `/member/score/returnScore`
    ReturnScore,
    /// `/member/score/statisticalScore`
    StatisticalScore,
    /// `/member/score/getScoreRecords`
    GetScoreRecords,
    /// A path outside the table (its path is the prepared call's).
    Other {
        /// Whether it may be repeated after a lost reply (the caller said so).
        idempotent: bool,
    },
}

/// Resolves a path: a known operation, or any other API path as
/// [`Operation::Other`] (not idempotent until the caller says so).
pub fn route(path: &str) -> Result<Operation> {
    match Operation::from_path(path) {
        Ok(op) => Ok(op),
        Err(e)
            if path.starts_with("/member/score/opt/")
                || !crate::vendors::generic::is_api_path(path, "/") =>
        {
            Err(e)
        }
        Err(_) => Ok(Operation::Other { idempotent: false }),
    }
}

impl Operation {
    /// Every operation, in [`OPERATIONS`] order.
    pub const ALL: [Operation; 9] = [
        Operation::GetMemberInfo,
        Operation::GetMembers,
        Operation::ScoreAdd,
        Operation::ScoreSubtract,
        Operation::UpdateScore,
        Operation::SendScore,
        Operation::ReturnScore,
        Operation::StatisticalScore,
        Operation::GetScoreRecords,
    ];

    /// Looks an operation up by its path.
    pub fn from_path(path: &str) -> Result<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.path() == path)
            .ok_or_else(|| {
                let hint = if path.starts_with("/member/score/opt/") {
                    " (`/member/score/opt/{type}` takes type 1 or 15)"
                } else {
                    ""
                };
                crate::vendors::unknown_operation("freemud", "Freemud", path, hint, &OPERATIONS)
            })
    }

    /// The path of a known operation; `""` for [`Operation::Other`], whose
    /// path is the prepared call's (`Prepared::path`).
    pub fn path(self) -> &'static str {
        match self {
            Operation::GetMemberInfo => GET_MEMBER_INFO,
            Operation::GetMembers => GET_MEMBERS,
            Operation::ScoreAdd => SCORE_ADD,
            Operation::ScoreSubtract => SCORE_SUBTRACT,
            Operation::UpdateScore => UPDATE_SCORE,
            Operation::SendScore => SEND_SCORE,
            Operation::ReturnScore => RETURN_SCORE,
            Operation::StatisticalScore => STATISTICAL_SCORE,
            Operation::GetScoreRecords => GET_SCORE_RECORDS,
            Operation::Other { .. } => "",
        }
    }

    /// Whether the operation changes points (and so needs `idempotencyBussinessId`).
    pub fn changes_points(self) -> bool {
        matches!(
            self,
            Operation::ScoreAdd
                | Operation::ScoreSubtract
                | Operation::UpdateScore
                | Operation::SendScore
                | Operation::ReturnScore
        )
    }

    /// Whether repeating the call is harmless: reads always, points changes
    /// because each carries its `idempotencyBussinessId` (the vendor answers a
    /// repeat with the first result and changes nothing); an operation outside
    /// the table only when the caller said so (see the module docs).
    pub fn is_idempotent(self) -> bool {
        match self {
            Operation::Other { idempotent } => idempotent,
            _ => true,
        }
    }
}

/// `operationType`: the kind of points movement, as the seed lists it (1–17).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationType {
    /// 1 消费送积分: points earned by a purchase.
    PurchaseReward = 1,
    /// 2 积分支付退回: a points payment refunded.
    PaymentRefund = 2,
    /// 3 积分签到: check-in.
    CheckIn = 3,
    /// 4 手动赠送: granted by hand.
    ManualGrant = 4,
    /// 5 等级升级送积分: level-up bonus.
    LevelUpGrant = 5,
    /// 6 割接: migration.
    Migration = 6,
    /// 7 生日送: birthday bonus.
    BirthdayGrant = 7,
    /// 8 注册送: registration bonus.
    RegistrationGrant = 8,
    /// 9 完善送: profile-completion bonus.
    ProfileGrant = 9,
    /// 10 消费满赠: spend-threshold bonus.
    SpendThresholdGrant = 10,
    /// 11 手动扣减: deducted by hand.
    ManualDeduction = 11,
    /// 12 积分兑换: redeemed.
    Redemption = 12,
    /// 13 积分清理: cleared (expiry).
    Clearance = 13,
    /// 14 积分支付: paid with points.
    Payment = 14,
    /// 15 消费送积分扣回: purchase reward taken back.
    PurchaseRewardReversal = 15,
    /// 16 等级升级退积分: level-up bonus taken back.
    LevelUpReversal = 16,
    /// 17 消费满赠扣回: spend-threshold bonus taken back.
    SpendThresholdReversal = 17,
}

impl OperationType {
    /// All seventeen, in code order.
    pub const ALL: [OperationType; 17] = [
        OperationType::PurchaseReward,
        OperationType::PaymentRefund,
        OperationType::CheckIn,
        OperationType::ManualGrant,
        OperationType::LevelUpGrant,
        OperationType::Migration,
        OperationType::BirthdayGrant,
        OperationType::RegistrationGrant,
        OperationType::ProfileGrant,
        OperationType::SpendThresholdGrant,
        OperationType::ManualDeduction,
        OperationType::Redemption,
        OperationType::Clearance,
        OperationType::Payment,
        OperationType::PurchaseRewardReversal,
        OperationType::LevelUpReversal,
        OperationType::SpendThresholdReversal,
    ];

    /// From the vendor's code.
    pub fn from_code(code: i64) -> Option<OperationType> {
        OperationType::ALL.into_iter().find(|o| *o as i64 == code)
    }

    /// The vendor's code.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The seed's name for it (the vendor's `operationName`).
    pub fn name_zh(self) -> &'static str {
        match self {
            OperationType::PurchaseReward => "消费送积分",
            OperationType::PaymentRefund => "积分支付退回",
            OperationType::CheckIn => "积分签到",
            OperationType::ManualGrant => "手动赠送",
            OperationType::LevelUpGrant => "等级升级送积分",
            OperationType::Migration => "割接",
            OperationType::BirthdayGrant => "生日送",
            OperationType::RegistrationGrant => "注册送",
            OperationType::ProfileGrant => "完善送",
            OperationType::SpendThresholdGrant => "消费满赠",
            OperationType::ManualDeduction => "手动扣减",
            OperationType::Redemption => "积分兑换",
            OperationType::Clearance => "积分清理",
            OperationType::Payment => "积分支付",
            OperationType::PurchaseRewardReversal => "消费送积分扣回",
            OperationType::LevelUpReversal => "等级升级退积分",
            OperationType::SpendThresholdReversal => "消费满赠扣回",
        }
    }
}

/// What validation learned about a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// The business idempotency id (points changes only).
    pub idempotency_id: Option<String>,
}

const IDEMPOTENCY_REQUIRED: &str = "`idempotencyBussinessId` is required for Freemud points changes: pass a stable id per business event so retries cannot apply twice";
const I32_MAX: u32 = i32::MAX as u32;

const MEMBER_ID: Rule = Rule::Req("memberId", Kind::MemberId);
const IDEMPOTENCY: Rule = Rule::ReqOr(&(
    "idempotencyBussinessId",
    Kind::NonEmpty,
    IDEMPOTENCY_REQUIRED,
));
const ORG_TYPE: Rule = Rule::Opt("orgType", Kind::OneOf(0b1110));
const AMOUNT: Rule = Rule::Opt("amount", Kind::AtLeast1);
const SCORE: Rule = Rule::Opt("score", Kind::AtLeast1);
const AMOUNT_OR_SCORE: Rule =
    Rule::AnyOf(&(&["amount", "score"], "`score` or `amount` is required"));
const PAGE_NUM: Rule = Rule::Opt("pageNum", Kind::UpTo(I32_MAX));
const PAGE_SIZE: Rule = Rule::Opt("pageSize", Kind::UpTo(MAX_PAGE_SIZE as u32));
const TIMES: [Rule; 3] = [
    Rule::Opt("startTime", Kind::DateTime),
    Rule::Opt("endTime", Kind::DateTime),
    Rule::NotAbove(&("startTime", "endTime", "`startTime` is after `endTime`")),
];

fn pages_required(p: &Params<'_>) -> Result<()> {
    if p.get("pageNum").is_none() || p.get("pageSize").is_none() {
        return Err(Error::invalid_input(
            "`pageNum` and `pageSize` are required",
        ));
    }
    Ok(())
}

static MEMBER_INFO: Schema = Schema {
    known: &[
        "partnerId",
        "memberId",
        "mobile",
        "dynamicCode",
        "showScoreSwitch",
        "showCouponSwitch",
    ],
    rules: &[
        Rule::Opt("memberId", Kind::MemberId),
        Rule::Opt("mobile", Kind::NonEmpty),
        Rule::Opt("dynamicCode", Kind::NonEmpty),
        Rule::AnyOf(&(
            &["memberId", "mobile", "dynamicCode"],
            "one of `memberId`, `mobile` or `dynamicCode` is required",
        )),
        Rule::Opt("showScoreSwitch", Kind::OneOf(0b110)),
        Rule::Opt("showCouponSwitch", Kind::OneOf(0b110)),
    ],
};

static MEMBERS: Schema = Schema {
    known: &[
        "partnerId",
        "nickName",
        "mobile",
        "paidId",
        "labelName",
        "ruleCode",
        "startScore",
        "endScore",
        "statusFlag",
        "startTime",
        "endTime",
        "pageNum",
        "pageSize",
    ],
    rules: &[
        Rule::Opt("nickName", Kind::Text),
        Rule::Opt("mobile", Kind::Text),
        Rule::Opt("paidId", Kind::Text),
        Rule::Opt("labelName", Kind::Text),
        Rule::Opt("ruleCode", Kind::Text),
        Rule::Fn(pages_required),
        PAGE_NUM,
        PAGE_SIZE,
        Rule::Opt("startScore", Kind::Int),
        Rule::Opt("endScore", Kind::Int),
        Rule::NotAbove(&("startScore", "endScore", "`startScore` is above `endScore`")),
        Rule::Opt("statusFlag", Kind::OneOf(0b11)),
        TIMES[0],
        TIMES[1],
        TIMES[2],
    ],
};

/// The fields of `/member/score/opt/{type}`.
const OPT_FIELDS: &[&str] = &[
    "partnerId",
    "memberId",
    "amount",
    "score",
    "operationType",
    "operationName",
    "orderId",
    "activityCode",
    "remark",
    "idempotencyBussinessId",
    "idempotencyBussinessType",
];

static SCORE_OPT: Schema = Schema {
    known: OPT_FIELDS,
    rules: &[
        MEMBER_ID,
        AMOUNT,
        SCORE,
        AMOUNT_OR_SCORE,
        Rule::Req("operationType", Kind::Code(17)),
        IDEMPOTENCY,
    ],
};

static UPDATE: Schema = Schema {
    known: &[
        "partnerId",
        "memberId",
        "operationType",
        "operationName",
        "orderId",
        "activityCode",
        "remark",
        "idempotencyBussinessId",
        "idempotencyBussinessType",
        "changeScore",
        "changeType",
        "operator",
        "operatorId",
        "orgCode",
        "orgType",
    ],
    rules: &[
        MEMBER_ID,
        Rule::Req("changeScore", Kind::AtLeast1),
        Rule::ReqOr(&(
            "changeType",
            Kind::OneOf(0b110),
            "`changeType` is required (1 add, 2 subtract)",
        )),
        Rule::Req("operationType", Kind::Code(17)),
        ORG_TYPE,
        IDEMPOTENCY,
    ],
};

static SEND: Schema = Schema {
    known: &[
        "partnerId",
        "memberId",
        "amount",
        "score",
        "operationType",
        "operationName",
        "orderId",
        "activityCode",
        "remark",
        "idempotencyBussinessId",
        "idempotencyBussinessType",
        "orgCode",
        "orgType",
    ],
    rules: &[
        MEMBER_ID,
        AMOUNT,
        SCORE,
        AMOUNT_OR_SCORE,
        Rule::Req("operationType", Kind::Code(10)),
        ORG_TYPE,
        IDEMPOTENCY,
        Rule::Req("idempotencyBussinessType", Kind::NonEmpty),
    ],
};

static RETURN: Schema = Schema {
    known: &[
        "partnerId",
        "memberId",
        "operationType",
        "orderId",
        "activityCode",
        "remark",
        "idempotencyBussinessId",
        "idempotencyBussinessType",
    ],
    rules: &[
        MEMBER_ID,
        Rule::Req("orderId", Kind::NonEmpty),
        Rule::Req("operationType", Kind::Code(17)),
        IDEMPOTENCY,
    ],
};

static STATISTICS: Schema = Schema {
    known: &["partnerId", "memberId"],
    rules: &[MEMBER_ID],
};

/// An operation outside the table: any field.
static OTHER: Schema = Schema {
    known: &[],
    rules: &[],
};

static RECORDS: Schema = Schema {
    known: &[
        "partnerId",
        "memberId",
        "pageNum",
        "pageSize",
        "startTime",
        "endTime",
    ],
    rules: &[MEMBER_ID, PAGE_NUM, PAGE_SIZE, TIMES[0], TIMES[1], TIMES[2]],
};

impl Operation {
    /// The operation's parameter schema.
    pub fn schema(self) -> &'static Schema {
        match self {
            Operation::GetMemberInfo => &MEMBER_INFO,
            Operation::GetMembers => &MEMBERS,
            Operation::ScoreAdd | Operation::ScoreSubtract => &SCORE_OPT,
            Operation::UpdateScore => &UPDATE,
            Operation::SendScore => &SEND,
            Operation::ReturnScore => &RETURN,
            Operation::StatisticalScore => &STATISTICS,
            Operation::GetScoreRecords => &RECORDS,
            Operation::Other { .. } => &OTHER,
        }
    }
}

/// Validates `params` (a JSON object, or `null` for none) for `op`. `partner_id`
/// is the configured merchant: a `partnerId` in params must match it.
pub fn check(op: Operation, params: &Json, partner_id: &str) -> Result<Checked> {
    check_with(op, params, partner_id, &CallOptions::default())
}

/// [`check`], with the fields `options.allowFields` names accepted.
pub fn check_with(
    op: Operation,
    params: &Json,
    partner_id: &str,
    options: &CallOptions,
) -> Result<Checked> {
    let p = Params::new(params)?;
    if let Some(pid) = p.opt_str("partnerId")? {
        if pid != partner_id {
            return Err(Error::invalid_input(
                "`partnerId` in params differs from the configured `partnerId`",
            ));
        }
    }
    op.schema().check_with(&p, options)?;
    Ok(Checked {
        idempotency_id: if op.changes_points() {
            Some(text_of(&p, "idempotencyBussinessId"))
        } else {
            None
        },
    })
}

/// Reads an integer field leniently for results (`"20"` or `20`).
pub(crate) fn lenient_int(v: &Json) -> Option<i64> {
    strict_int(v).or_else(|| v.as_i64_lenient())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> Json {
        Json::parse(s).unwrap()
    }

    #[test]
    fn points_changes_need_an_idempotency_id() {
        let ok = j(r#"{"memberId":"1","score":5,"operationType":4,"idempotencyBussinessId":"x"}"#);
        assert_eq!(
            check(Operation::ScoreAdd, &ok, "p")
                .unwrap()
                .idempotency_id
                .as_deref(),
            Some("x")
        );
        let missing = j(r#"{"memberId":"1","score":5,"operationType":4}"#);
        for op in [Operation::ScoreAdd, Operation::ScoreSubtract] {
            let e = check(op, &missing, "p").unwrap_err();
            assert!(e.message.contains("idempotencyBussinessId"), "{e}");
        }
    }

    #[test]
    fn refusals() {
        for (op, bad) in [
            (Operation::GetMemberInfo, r#"{}"#),
            (
                Operation::GetMemberInfo,
                r#"{"memberId":115589208394311926}"#,
            ),
            (
                Operation::GetMemberInfo,
                r#"{"mobile":"1","showScoreSwitch":3}"#,
            ),
            (Operation::GetMembers, r#"{"pageNum":1}"#),
            (Operation::GetMembers, r#"{"pageNum":1,"pageSize":101}"#),
            (
                Operation::ScoreAdd,
                r#"{"memberId":"1","operationType":4,"idempotencyBussinessId":"x"}"#,
            ),
            (
                Operation::ScoreAdd,
                r#"{"memberId":"1","score":5,"operationType":18,"idempotencyBussinessId":"x"}"#,
            ),
            (
                Operation::ScoreAdd,
                r#"{"memberId":"1","score":0,"operationType":4,"idempotencyBussinessId":"x"}"#,
            ),
            (
                Operation::ScoreAdd,
                r#"{"memberId":"1","score":5,"operationType":4,"idempotencyBussinessId":"x","partnerId":"other"}"#,
            ),
            (
                Operation::UpdateScore,
                r#"{"memberId":"1","changeScore":5,"changeType":3,"operationType":4,"idempotencyBussinessId":"x"}"#,
            ),
            (
                Operation::SendScore,
                r#"{"memberId":"1","score":5,"operationType":11,"idempotencyBussinessId":"x","idempotencyBussinessType":"4"}"#,
            ),
            (
                Operation::SendScore,
                r#"{"memberId":"1","score":5,"operationType":4,"idempotencyBussinessId":"x"}"#,
            ),
            (
                Operation::ReturnScore,
                r#"{"memberId":"1","operationType":2,"idempotencyBussinessId":"x"}"#,
            ),
            (Operation::StatisticalScore, r#"{"memberId":"1","typo":1}"#),
        ] {
            let e = check(op, &j(bad), "p").err();
            assert_eq!(
                e.map(|e| e.code),
                Some(crate::core::error::ErrorCode::InvalidInput),
                "{op:?} {bad}"
            );
        }
        assert!(check(
            Operation::GetMemberInfo,
            &j(r#"{"dynamicCode":"880001","partnerId":"p"}"#),
            "p"
        )
        .is_ok());
    }

    #[test]
    fn opt_paths() {
        assert_eq!(
            Operation::from_path("/member/score/opt/15").unwrap(),
            Operation::ScoreSubtract
        );
        assert!(Operation::from_path("/member/score/opt/2")
            .unwrap_err()
            .message
            .contains("type 1 or 15"));
        assert_eq!(
            OperationType::from_code(17).map(OperationType::name_zh),
            Some("消费满赠扣回")
        );
    }
}
