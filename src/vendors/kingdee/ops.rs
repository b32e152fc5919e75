//! Kingdee operations and their parameters, validated before anything is signed.
//!
//! Operation ids are the vendor's own paths. Names follow the vendor's fields
//! (`integral`, `mobile`, `member_card_id`).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::Method;
use crate::vendors::param_schema::{int_of, text_of, Kind, Rule, Schema};
use crate::vendors::params::Params;

/// `POST /jdyconnector/app_management/push_app_authorize`: pull the account-set authorisation.
pub const PUSH_APP_AUTHORIZE: &str = "/jdyconnector/app_management/push_app_authorize";
/// `GET /jdyconnector/app_management/kingdee_auth_token`: exchange appKey/appSecret for an app-token.
pub const KINGDEE_AUTH_TOKEN: &str = "/jdyconnector/app_management/kingdee_auth_token";
/// `POST /jdy/v2/ls/integral_adjust`: adjust a member's points by mobile.
pub const INTEGRAL_ADJUST: &str = "/jdy/v2/ls/integral_adjust";
/// `GET /jdy/v2/ls/integral_record`: the points ledger, paged.
pub const INTEGRAL_RECORD: &str = "/jdy/v2/ls/integral_record";
/// `GET /jdy/v2/ls/account_balance_info`: points and stored-value balances of a member card.
pub const ACCOUNT_BALANCE_INFO: &str = "/jdy/v2/ls/account_balance_info";

/// Every Kingdee operation jifen knows.
pub const OPERATIONS: [&str; 5] = [
    PUSH_APP_AUTHORIZE,
    KINGDEE_AUTH_TOKEN,
    INTEGRAL_ADJUST,
    INTEGRAL_RECORD,
    ACCOUNT_BALANCE_INFO,
];

/// A Kingdee operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Token step 1.
    PushAppAuthorize,
    /// Token step 2.
    KingdeeAuthToken,
    /// Points adjustment.
    IntegralAdjust,
    /// Points ledger.
    IntegralRecord,
    /// Balances.
    AccountBalanceInfo,
}

impl Operation {
    /// Every operation, in [`OPERATIONS`] order.
    pub const ALL: [Operation; 5] = [
        Operation::PushAppAuthorize,
        Operation::KingdeeAuthToken,
        Operation::IntegralAdjust,
        Operation::IntegralRecord,
        Operation::AccountBalanceInfo,
    ];

    /// Looks an operation up by its path.
    pub fn from_path(path: &str) -> Result<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.path() == path)
            .ok_or_else(|| {
                crate::vendors::unknown_operation("kingdee", "Kingdee", path, "", &OPERATIONS)
            })
    }

    /// The path.
    pub fn path(self) -> &'static str {
        match self {
            Operation::PushAppAuthorize => PUSH_APP_AUTHORIZE,
            Operation::KingdeeAuthToken => KINGDEE_AUTH_TOKEN,
            Operation::IntegralAdjust => INTEGRAL_ADJUST,
            Operation::IntegralRecord => INTEGRAL_RECORD,
            Operation::AccountBalanceInfo => ACCOUNT_BALANCE_INFO,
        }
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Operation::PushAppAuthorize | Operation::IntegralAdjust => Method::Post,
            _ => Method::Get,
        }
    }

    /// Whether the call needs an app-token and router address.
    pub fn needs_app_token(self) -> bool {
        !matches!(
            self,
            Operation::PushAppAuthorize | Operation::KingdeeAuthToken
        )
    }

    /// Whether repeating the call is harmless. `integral_adjust` has no
    /// idempotency field: a repeat adjusts twice.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Operation::IntegralAdjust)
    }
}

/// `operation` of `integral_adjust`: the adjustment type, as the seed page lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustOperation {
    /// 1 积分消费: points spent on a purchase.
    Consume = 1,
    /// 2 积分抵现: points used as cash.
    CashOffset = 2,
    /// 3 积分兑换: points redeemed for goods.
    Redeem = 3,
    /// 4 充值赠送: bonus for a stored-value top-up.
    TopUpBonus = 4,
    /// 5 促销赠送: promotional grant.
    PromotionGrant = 5,
    /// 6 打卡赠送: check-in grant.
    CheckInGrant = 6,
    /// 7 到期清零: expiry.
    Expiry = 7,
    /// 8 退款: refund.
    Refund = 8,
    /// 9 购买积分: points bought.
    Purchase = 9,
    /// 10 积分购买退款: refund of bought points.
    PurchaseRefund = 10,
    /// 11 会员签到赠送: sign-in grant.
    SignInGrant = 11,
}

impl AdjustOperation {
    /// All eleven, in code order.
    pub const ALL: [AdjustOperation; 11] = [
        AdjustOperation::Consume,
        AdjustOperation::CashOffset,
        AdjustOperation::Redeem,
        AdjustOperation::TopUpBonus,
        AdjustOperation::PromotionGrant,
        AdjustOperation::CheckInGrant,
        AdjustOperation::Expiry,
        AdjustOperation::Refund,
        AdjustOperation::Purchase,
        AdjustOperation::PurchaseRefund,
        AdjustOperation::SignInGrant,
    ];

    /// From the vendor's code.
    pub fn from_code(code: i64) -> Option<AdjustOperation> {
        AdjustOperation::ALL.into_iter().find(|o| *o as i64 == code)
    }

    /// The vendor's code.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The vendor's name for it.
    pub fn name_zh(self) -> &'static str {
        match self {
            AdjustOperation::Consume => "积分消费",
            AdjustOperation::CashOffset => "积分抵现",
            AdjustOperation::Redeem => "积分兑换",
            AdjustOperation::TopUpBonus => "充值赠送",
            AdjustOperation::PromotionGrant => "促销赠送",
            AdjustOperation::CheckInGrant => "打卡赠送",
            AdjustOperation::Expiry => "到期清零",
            AdjustOperation::Refund => "退款",
            AdjustOperation::Purchase => "购买积分",
            AdjustOperation::PurchaseRefund => "积分购买退款",
            AdjustOperation::SignInGrant => "会员签到赠送",
        }
    }
}

/// `integral_adjust` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegralAdjust {
    /// Member mobile.
    pub mobile: String,
    /// The signed, non-zero adjustment (积分调整值).
    pub integral: i64,
    /// The adjustment type.
    pub operation: AdjustOperation,
}

impl IntegralAdjust {
    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        ADJUST.check(&p)?;
        let operation = int_of(&p, "operation")
            .and_then(AdjustOperation::from_code)
            .ok_or_else(|| Error::invalid_input("`operation` must be 1–11"))?;
        Ok(IntegralAdjust {
            mobile: text_of(&p, "mobile"),
            integral: int_of(&p, "integral").unwrap_or_default(),
            operation,
        })
    }

    /// The JSON body, fields in the vendor's documented order.
    pub fn body(&self) -> String {
        Json::object([
            ("mobile", Some(Json::str(&self.mobile))),
            ("integral", Some(Json::int(self.integral))),
            ("operation", Some(Json::int(self.operation.code()))),
        ])
        .to_json_string()
    }
}

/// Largest page Kingdee honours; larger sizes are silently truncated by the vendor.
pub const MAX_PAGE_SIZE: i64 = 100;

/// `integral_adjust` params.
pub static ADJUST: Schema = Schema {
    known: &["mobile", "integral", "operation"],
    rules: &[
        Rule::Req("mobile", Kind::Mobile),
        Rule::Req("integral", Kind::NonZero),
        Rule::Req("operation", Kind::Code(11)),
    ],
};

/// `integral_record` filters: 会员ID, 手机号码, 流水记录ID, 积分业务类型编码,
/// 开始/结束日期 `yyyy-MM-dd HH:mm:ss`, page from 1, page_size 1–100.
pub static RECORD: Schema = Schema {
    known: &[
        "member_id",
        "mobile",
        "id",
        "integral_type",
        "start_date",
        "end_date",
        "page",
        "page_size",
    ],
    rules: &[
        Rule::Opt("member_id", Kind::NonEmpty),
        Rule::Opt("mobile", Kind::NonEmpty),
        Rule::Opt("id", Kind::NonEmpty),
        Rule::Opt("integral_type", Kind::NonEmpty),
        Rule::Opt("start_date", Kind::NonEmpty),
        Rule::Opt("end_date", Kind::NonEmpty),
        Rule::Opt("page", Kind::UpTo(i32::MAX as u32)),
        Rule::Opt("page_size", Kind::UpTo(MAX_PAGE_SIZE as u32)),
        Rule::Opt("mobile", Kind::Mobile),
        Rule::Opt("start_date", Kind::DateTime),
        Rule::Opt("end_date", Kind::DateTime),
        Rule::NotAbove(&("start_date", "end_date", "`start_date` is after `end_date`")),
    ],
};

/// `account_balance_info` params: both ids are required by the vendor
/// (会员ID, and 会员卡ID: the card's id, not its number).
pub static BALANCE: Schema = Schema {
    known: &["member_id", "member_card_id"],
    rules: &[
        Rule::Req("member_id", Kind::NonEmpty),
        Rule::Req("member_card_id", Kind::NonEmpty),
    ],
};

/// Checks a query operation's params against `schema` and returns the query
/// parameters (unordered; signing sorts them), integers in canonical form.
pub fn query(schema: &Schema, params: &Json) -> Result<Vec<(String, String)>> {
    let p = Params::new(params)?;
    schema.check(&p)?;
    let mut q = Vec::new();
    for (k, v) in schema.canonical(&p) {
        if let Json::String(v) = v {
            q.push((k, v));
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> Json {
        Json::parse(s).unwrap_or(Json::Null)
    }

    #[test]
    fn adjust_validation() {
        assert!(IntegralAdjust::from_params(&j(
            r#"{"mobile":"13800138000","integral":5,"operation":5}"#
        ))
        .is_ok());
        for bad in [
            r#"{"integral":5,"operation":5}"#,
            r#"{"mobile":"","integral":5,"operation":5}"#,
            r#"{"mobile":"13800138000","integral":0,"operation":5}"#,
            r#"{"mobile":"13800138000","integral":1.5,"operation":5}"#,
            r#"{"mobile":"13800138000","integral":"x","operation":5}"#,
            r#"{"mobile":"13800138000","integral":5,"operation":12}"#,
            r#"{"mobile":"13800138000","integral":5,"operation":5,"extra":1}"#,
            r#"[1]"#,
        ] {
            let e = IntegralAdjust::from_params(&j(bad)).err();
            assert_eq!(
                e.map(|e| e.code),
                Some(crate::core::error::ErrorCode::InvalidInput),
                "{bad}"
            );
        }
    }

    #[test]
    fn adjust_body_is_compact_and_ordered() {
        let a = IntegralAdjust {
            mobile: "1".repeat(11),
            integral: -3,
            operation: AdjustOperation::Redeem,
        };
        assert_eq!(
            a.body(),
            r#"{"mobile":"11111111111","integral":-3,"operation":3}"#
        );
    }

    #[test]
    fn record_dates_are_checked() {
        assert!(query(&RECORD, &j(r#"{"start_date":"2024-01-01"}"#)).is_err());
        assert!(query(&RECORD, &j(r#"{"page_size":101}"#)).is_err());
        assert!(query(
            &RECORD,
            &j(r#"{"start_date":"2024-02-01 00:00:00","end_date":"2024-01-01 00:00:00"}"#)
        )
        .is_err());
        assert_eq!(
            query(
                &RECORD,
                &j(r#"{"page_size":50,"start_date":"2024-01-01 00:00:00","page":"02"}"#)
            )
            .ok(),
            Some(vec![
                ("start_date".to_string(), "2024-01-01 00:00:00".to_string()),
                ("page".to_string(), "2".to_string()),
                ("page_size".to_string(), "50".to_string()),
            ])
        );
    }
}
