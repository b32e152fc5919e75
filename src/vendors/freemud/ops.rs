//! Freemud operations (seeds/002, sim/README "Assumed schemas") and the
//! validation of their parameters. Operation ids are the vendor paths;
//! `/member/score/opt/{type}` is called as `/member/score/opt/1` (add) or
//! `/member/score/opt/15` (subtract).
//!
//! Validation never rewrites the caller's parameters: the `requestBody` that
//! is signed and sent is the caller's JSON, serialised once in the caller's
//! key order. Validation only refuses what the vendor would refuse, and what
//! jifen must not send (a points change without `idempotencyBussinessId`).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::params::{is_datetime, strict_int, Params};

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
/// Points ledger, paged (freemud.md §1; not in seeds/002).
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
}

impl Operation {
    /// Looks an operation up by its path.
    pub fn from_path(path: &str) -> Result<Operation> {
        Ok(match path {
            GET_MEMBER_INFO => Operation::GetMemberInfo,
            GET_MEMBERS => Operation::GetMembers,
            SCORE_ADD => Operation::ScoreAdd,
            SCORE_SUBTRACT => Operation::ScoreSubtract,
            UPDATE_SCORE => Operation::UpdateScore,
            SEND_SCORE => Operation::SendScore,
            RETURN_SCORE => Operation::ReturnScore,
            STATISTICAL_SCORE => Operation::StatisticalScore,
            GET_SCORE_RECORDS => Operation::GetScoreRecords,
            other => {
                let hint = if other.starts_with("/member/score/opt/") {
                    " (`/member/score/opt/{type}` takes type 1 or 15)"
                } else {
                    ""
                };
                return Err(Error::unsupported(format!(
                    "unknown Freemud operation `{}`{hint}; known: {}",
                    crate::core::error::scrub(other, 80),
                    crate::core::text::join(&OPERATIONS, ", ")
                ))
                .with_vendor("freemud"));
            }
        })
    }

    /// The path.
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
    /// repeat with the first result and changes nothing).
    pub fn is_idempotent(self) -> bool {
        true
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

fn member_id(p: &Params<'_>, required: bool) -> Result<Option<String>> {
    match p.get("memberId") {
        Some(Json::Number(_)) => Err(Error::invalid_input(
            "`memberId` must be a string: Freemud ids have 18 digits and lose precision as numbers",
        )),
        _ if required => p.req_str("memberId").map(Some),
        _ => p.opt_nonempty("memberId"),
    }
}

fn operation_type(p: &Params<'_>, max: i64) -> Result<OperationType> {
    let code = p.req_int("operationType")?;
    OperationType::from_code(code)
        .filter(|o| o.code() <= max)
        .ok_or_else(|| Error::invalid_input(format!("`operationType` must be 1–{max}, got {code}")))
}

fn positive(p: &Params<'_>, name: &str) -> Result<Option<i64>> {
    match p.opt_int(name)? {
        Some(n) if n < 1 => Err(Error::invalid_input(format!("`{name}` must be at least 1"))),
        other => Ok(other),
    }
}

fn one_of(p: &Params<'_>, name: &str, allowed: &[i64]) -> Result<Option<i64>> {
    match p.opt_int(name)? {
        Some(n) if !allowed.contains(&n) => Err(Error::invalid_input(format!(
            "`{name}` must be one of {}",
            crate::core::text::join(
                &allowed.iter().map(i64::to_string).collect::<Vec<_>>(),
                ", "
            )
        ))),
        other => Ok(other),
    }
}

fn datetime(p: &Params<'_>, name: &str) -> Result<Option<String>> {
    match p.opt_nonempty(name)? {
        Some(d) if !is_datetime(&d) => Err(Error::invalid_input(format!(
            "`{name}` must be `yyyy-MM-dd HH:mm:ss`"
        ))),
        other => Ok(other),
    }
}

fn idempotency(p: &Params<'_>) -> Result<String> {
    p.opt_nonempty("idempotencyBussinessId")?.ok_or_else(|| {
        Error::invalid_input(
            "`idempotencyBussinessId` is required for Freemud points changes: pass a stable id per business event so retries cannot apply twice",
        )
    })
}

fn amount_or_score(p: &Params<'_>) -> Result<()> {
    let amount = positive(p, "amount")?;
    let score = positive(p, "score")?;
    if amount.is_none() && score.is_none() {
        return Err(Error::invalid_input("`score` or `amount` is required"));
    }
    Ok(())
}

const OPT_FIELDS: [&str; 11] = [
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

/// Validates `params` (a JSON object, or `null` for none) for `op`. `partner_id`
/// is the configured merchant: a `partnerId` in params must match it.
pub fn check(op: Operation, params: &Json, partner_id: &str) -> Result<Checked> {
    let p = Params::new(params)?;
    if let Some(pid) = p.opt_str("partnerId")? {
        if pid != partner_id {
            return Err(Error::invalid_input(
                "`partnerId` in params differs from the configured `partnerId`",
            ));
        }
    }
    let mut checked = Checked::default();
    match op {
        Operation::GetMemberInfo => {
            p.only(&[
                "partnerId",
                "memberId",
                "mobile",
                "dynamicCode",
                "showScoreSwitch",
                "showCouponSwitch",
            ])?;
            let any = member_id(&p, false)?.is_some()
                | p.opt_nonempty("mobile")?.is_some()
                | p.opt_nonempty("dynamicCode")?.is_some();
            if !any {
                return Err(Error::invalid_input(
                    "one of `memberId`, `mobile` or `dynamicCode` is required",
                ));
            }
            one_of(&p, "showScoreSwitch", &[1, 2])?;
            one_of(&p, "showCouponSwitch", &[1, 2])?;
        }
        Operation::GetMembers => {
            p.only(&[
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
            ])?;
            for name in ["nickName", "mobile", "paidId", "labelName", "ruleCode"] {
                p.opt_str(name)?;
            }
            if p.get("pageNum").is_none() || p.get("pageSize").is_none() {
                return Err(Error::invalid_input(
                    "`pageNum` and `pageSize` are required",
                ));
            }
            p.opt_int_in("pageNum", 1, i64::from(i32::MAX))?;
            p.opt_int_in("pageSize", 1, MAX_PAGE_SIZE)?;
            let (start, end) = (p.opt_int("startScore")?, p.opt_int("endScore")?);
            if let (Some(s), Some(e)) = (start, end) {
                if s > e {
                    return Err(Error::invalid_input("`startScore` is above `endScore`"));
                }
            }
            one_of(&p, "statusFlag", &[0, 1])?;
            if let (Some(s), Some(e)) = (datetime(&p, "startTime")?, datetime(&p, "endTime")?) {
                if s > e {
                    return Err(Error::invalid_input("`startTime` is after `endTime`"));
                }
            }
        }
        Operation::ScoreAdd | Operation::ScoreSubtract => {
            p.only(&OPT_FIELDS)?;
            member_id(&p, true)?;
            amount_or_score(&p)?;
            operation_type(&p, 17)?;
            checked.idempotency_id = Some(idempotency(&p)?);
        }
        Operation::UpdateScore => {
            let mut known = OPT_FIELDS.to_vec();
            known.retain(|k| *k != "amount" && *k != "score");
            known.extend([
                "changeScore",
                "changeType",
                "operator",
                "operatorId",
                "orgCode",
                "orgType",
            ]);
            p.only(&known)?;
            member_id(&p, true)?;
            if positive(&p, "changeScore")?.is_none() {
                return Err(Error::invalid_input("`changeScore` is required"));
            }
            if one_of(&p, "changeType", &[1, 2])?.is_none() {
                return Err(Error::invalid_input(
                    "`changeType` is required (1 add, 2 subtract)",
                ));
            }
            operation_type(&p, 17)?;
            one_of(&p, "orgType", &[1, 2, 3])?;
            checked.idempotency_id = Some(idempotency(&p)?);
        }
        Operation::SendScore => {
            let mut known = OPT_FIELDS.to_vec();
            known.extend(["orgCode", "orgType"]);
            p.only(&known)?;
            member_id(&p, true)?;
            amount_or_score(&p)?;
            operation_type(&p, 10)?;
            one_of(&p, "orgType", &[1, 2, 3])?;
            checked.idempotency_id = Some(idempotency(&p)?);
            p.req_str("idempotencyBussinessType")?;
        }
        Operation::ReturnScore => {
            p.only(&[
                "partnerId",
                "memberId",
                "operationType",
                "orderId",
                "activityCode",
                "remark",
                "idempotencyBussinessId",
                "idempotencyBussinessType",
            ])?;
            member_id(&p, true)?;
            p.req_str("orderId")?;
            operation_type(&p, 17)?;
            checked.idempotency_id = Some(idempotency(&p)?);
        }
        Operation::StatisticalScore => {
            p.only(&["partnerId", "memberId"])?;
            member_id(&p, true)?;
        }
        Operation::GetScoreRecords => {
            p.only(&[
                "partnerId",
                "memberId",
                "pageNum",
                "pageSize",
                "startTime",
                "endTime",
            ])?;
            member_id(&p, true)?;
            p.opt_int_in("pageNum", 1, i64::from(i32::MAX))?;
            p.opt_int_in("pageSize", 1, MAX_PAGE_SIZE)?;
            if let (Some(s), Some(e)) = (datetime(&p, "startTime")?, datetime(&p, "endTime")?) {
                if s > e {
                    return Err(Error::invalid_input("`startTime` is after `endTime`"));
                }
            }
        }
    }
    Ok(checked)
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
