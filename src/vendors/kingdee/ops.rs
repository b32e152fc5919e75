//! Kingdee operations and their parameters, validated before anything is signed.
//!
//! Operation ids are the vendor's own paths. Names follow the vendor's fields
//! (`integral`, `mobile`, `member_card_id`).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::Method;
use crate::vendors::params::{is_datetime, Params};

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
    /// Looks an operation up by its path.
    pub fn from_path(path: &str) -> Result<Operation> {
        Ok(match path {
            PUSH_APP_AUTHORIZE => Operation::PushAppAuthorize,
            KINGDEE_AUTH_TOKEN => Operation::KingdeeAuthToken,
            INTEGRAL_ADJUST => Operation::IntegralAdjust,
            INTEGRAL_RECORD => Operation::IntegralRecord,
            ACCOUNT_BALANCE_INFO => Operation::AccountBalanceInfo,
            other => {
                return Err(Error::unsupported(format!(
                    "unknown Kingdee operation `{}`; known: {}",
                    crate::core::error::scrub(other, 80),
                    crate::core::text::join(&OPERATIONS, ", ")
                ))
                .with_vendor("kingdee"))
            }
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
        p.only(&["mobile", "integral", "operation"])?;
        let mobile = p.req_str("mobile")?;
        check_mobile(&mobile)?;
        let integral = p.req_int("integral")?;
        if integral == 0 {
            return Err(Error::invalid_input("`integral` must not be zero"));
        }
        let code = p.req_int("operation")?;
        let operation = AdjustOperation::from_code(code)
            .ok_or_else(|| Error::invalid_input(format!("`operation` must be 1–11, got {code}")))?;
        Ok(IntegralAdjust {
            mobile,
            integral,
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

/// `integral_record` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegralRecordQuery {
    /// 会员ID.
    pub member_id: Option<String>,
    /// 会员手机号码.
    pub mobile: Option<String>,
    /// 流水记录ID.
    pub id: Option<String>,
    /// 积分业务类型编码.
    pub integral_type: Option<String>,
    /// 开始日期 `yyyy-MM-dd HH:mm:ss`.
    pub start_date: Option<String>,
    /// 结束日期 `yyyy-MM-dd HH:mm:ss`.
    pub end_date: Option<String>,
    /// Page, from 1.
    pub page: Option<i64>,
    /// Rows per page, 1–100.
    pub page_size: Option<i64>,
}

impl IntegralRecordQuery {
    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        p.only(&[
            "member_id",
            "mobile",
            "id",
            "integral_type",
            "start_date",
            "end_date",
            "page",
            "page_size",
        ])?;
        let q = IntegralRecordQuery {
            member_id: p.opt_nonempty("member_id")?,
            mobile: p.opt_nonempty("mobile")?,
            id: p.opt_nonempty("id")?,
            integral_type: p.opt_nonempty("integral_type")?,
            start_date: p.opt_nonempty("start_date")?,
            end_date: p.opt_nonempty("end_date")?,
            page: p.opt_int_in("page", 1, i64::from(i32::MAX))?,
            page_size: p.opt_int_in("page_size", 1, MAX_PAGE_SIZE)?,
        };
        if let Some(m) = &q.mobile {
            check_mobile(m)?;
        }
        for (name, v) in [("start_date", &q.start_date), ("end_date", &q.end_date)] {
            if let Some(d) = v {
                if !is_datetime(d) {
                    return Err(Error::invalid_input(format!(
                        "`{name}` must be `yyyy-MM-dd HH:mm:ss`"
                    )));
                }
            }
        }
        if let (Some(s), Some(e)) = (&q.start_date, &q.end_date) {
            if s > e {
                return Err(Error::invalid_input("`start_date` is after `end_date`"));
            }
        }
        Ok(q)
    }

    /// The query parameters (unordered; signing sorts them).
    pub fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        let fields = [
            ("member_id", &self.member_id),
            ("mobile", &self.mobile),
            ("id", &self.id),
            ("integral_type", &self.integral_type),
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
        ];
        for (k, v) in fields {
            if let Some(v) = v {
                q.push((k.to_string(), v.clone()));
            }
        }
        if let Some(p) = self.page {
            q.push(("page".into(), p.to_string()));
        }
        if let Some(s) = self.page_size {
            q.push(("page_size".into(), s.to_string()));
        }
        q
    }
}

/// `account_balance_info` parameters: both ids are required by the vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountBalanceQuery {
    /// 会员ID.
    pub member_id: String,
    /// 会员卡ID (the card's id, not its number).
    pub member_card_id: String,
}

impl AccountBalanceQuery {
    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        p.only(&["member_id", "member_card_id"])?;
        Ok(AccountBalanceQuery {
            member_id: p.req_str("member_id")?,
            member_card_id: p.req_str("member_card_id")?,
        })
    }

    /// The query parameters.
    pub fn query(&self) -> Vec<(String, String)> {
        vec![
            ("member_id".into(), self.member_id.clone()),
            ("member_card_id".into(), self.member_card_id.clone()),
        ]
    }
}

fn check_mobile(m: &str) -> Result<()> {
    let ok = (3..=20).contains(&m.len())
        && m.bytes()
            .all(|b| b.is_ascii_digit() || b == b'+' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input("`mobile` must be 3–20 digits"))
    }
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
        assert!(IntegralRecordQuery::from_params(&j(r#"{"start_date":"2024-01-01"}"#)).is_err());
        assert!(IntegralRecordQuery::from_params(&j(r#"{"page_size":101}"#)).is_err());
        assert!(IntegralRecordQuery::from_params(&j(
            r#"{"start_date":"2024-02-01 00:00:00","end_date":"2024-01-01 00:00:00"}"#
        ))
        .is_err());
        assert!(IntegralRecordQuery::from_params(&j(
            r#"{"start_date":"2024-01-01 00:00:00","page":"2","page_size":50}"#
        ))
        .is_ok());
    }
}
