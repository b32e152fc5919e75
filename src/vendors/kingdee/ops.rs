//! Kingdee operations and their parameters, validated before anything is signed.
//!
//! Operation ids are the vendor's own paths. Names follow the vendor's fields
//! (`integral`, `mobile`, `member_card_id`).
//!
//! # Operations outside the table
//!
//! Every JDY v2 API is signed and authorised the same way (X-Api-Signature over the
//! method, path and canonical query; `app-token` and `X-GW-Router-Addr` from the token
//! flow), so any of them can be called: written with its method, `"GET /jdy/v2/bd/customer"`
//! or `"POST /jdy/v2/…"` ([`route`]). A GET's params become its query (strings, numbers as
//! written, booleans; encoded and sorted as for the known GETs), a POST's params its JSON
//! body (compact, in the caller's key order). Nothing is checked but the shape: jifen
//! does not know the fields. The reply goes through the same envelope and error codes and
//! its `data` comes back as sent ([`crate::vendors::generic`]).
//!
//! A known operation written with its method (`"POST /jdy/v2/ls/integral_adjust"`) *is*
//! that known operation, validated and typed as under its plain path: the spelling never
//! turns validation off (a field jifen lacks goes through `allowFields`,
//! [`crate::vendors::call_options`]). Written with the other method, it is refused.
//!
//! **Retries.** An operation outside the table is safe to repeat when it is a GET; a POST
//! may be a write that is not idempotent, so after a lost reply it is never sent again
//! (`outcome_unknown`), unless the caller says otherwise per call (`idempotent: true`).

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::Method;
use crate::vendors::call_options::CallOptions;
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
    /// An operation outside the table (its path is in [`route`]'s answer and in
    /// the prepared call): signed by the generic rule, with an app-token.
    Other {
        /// GET or POST.
        method: Method,
        /// Whether it may be repeated after a lost reply: a GET, or the caller said so.
        idempotent: bool,
    },
}

const OTHER_HINT: &str =
    " (an operation outside jifen's table is written with its method: `GET /jdy/v2/…` or `POST /jdy/v2/…`)";

/// Resolves an operation id to the operation and its path: a known path, or
/// `METHOD /path` (a known operation under its own method, else a JDY v2 API
/// outside the table, as [`Operation::Other`], idempotent when a GET).
pub fn route(id: &str) -> Result<(Operation, String)> {
    let Some((method, path)) = id.split_once(' ') else {
        return Operation::from_path(id).map(|op| (op, id.to_string()));
    };
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        _ => {
            return Err(crate::vendors::unknown_operation(
                "kingdee",
                "Kingdee",
                id,
                OTHER_HINT,
                &OPERATIONS,
            ))
        }
    };
    if let Some(op) = Operation::ALL.into_iter().find(|o| o.path() == path) {
        if op.method() != method {
            return Err(Error::invalid_input(format!(
                "Kingdee `{path}` is called with {}, not {}",
                op.method().as_str(),
                method.as_str()
            ))
            .with_vendor("kingdee"));
        }
        return Ok((op, path.to_string()));
    }
    if !crate::vendors::generic::is_api_path(path, "/jdy/v2/") {
        return Err(crate::vendors::unknown_operation(
            "kingdee",
            "Kingdee",
            id,
            OTHER_HINT,
            &OPERATIONS,
        ));
    }
    let op = Operation::Other {
        method,
        idempotent: method == Method::Get,
    };
    Ok((op, path.to_string()))
}

/// Whether the operation `id` names carries an app-token (every business API,
/// known or not; not the two token-flow calls). `false` for an id that does
/// not resolve.
pub fn needs_app_token(id: &str) -> bool {
    route(id).is_ok_and(|(op, _)| op.needs_app_token())
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
                crate::vendors::unknown_operation(
                    "kingdee",
                    "Kingdee",
                    path,
                    OTHER_HINT,
                    &OPERATIONS,
                )
            })
    }

    /// The path of a known operation; `""` for [`Operation::Other`], whose path
    /// is the prepared call's (`Prepared::path`).
    pub fn path(self) -> &'static str {
        match self {
            Operation::PushAppAuthorize => PUSH_APP_AUTHORIZE,
            Operation::KingdeeAuthToken => KINGDEE_AUTH_TOKEN,
            Operation::IntegralAdjust => INTEGRAL_ADJUST,
            Operation::IntegralRecord => INTEGRAL_RECORD,
            Operation::AccountBalanceInfo => ACCOUNT_BALANCE_INFO,
            Operation::Other { .. } => "",
        }
    }

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Operation::PushAppAuthorize | Operation::IntegralAdjust => Method::Post,
            Operation::Other { method, .. } => method,
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
    /// idempotency field: a repeat adjusts twice. An operation outside the
    /// table: a GET, or what the caller said (see the module docs).
    pub fn is_idempotent(self) -> bool {
        match self {
            Operation::IntegralAdjust => false,
            Operation::Other { idempotent, .. } => idempotent,
            _ => true,
        }
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
        Self::from_checked(&p)
    }

    /// Reads params checked by the caller.
    fn from_checked(p: &Params<'_>) -> Result<Self> {
        let p = *p;
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
        self.body_with(Vec::new())
    }

    /// The JSON body, then `extras` (fields `allowFields` let through) as given.
    pub fn body_with(&self, extras: Vec<(String, Json)>) -> String {
        let mut body = vec![
            ("mobile".to_string(), Json::str(&self.mobile)),
            ("integral".to_string(), Json::int(self.integral)),
            ("operation".to_string(), Json::int(self.operation.code())),
        ];
        body.extend(extras);
        Json::Object(body).to_json_string()
    }
}

/// The `integral_adjust` body for `params` under `options`: validated, the
/// documented fields in their order, then the allowed extras.
pub fn adjust_body(params: &Json, options: &CallOptions) -> Result<String> {
    let p = Params::new(params)?;
    ADJUST.check_with(&p, options)?;
    Ok(IntegralAdjust::from_checked(&p)?.body_with(ADJUST.allowed_extras(&p, options)))
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
    query_with(schema, params, &CallOptions::default())
}

/// [`query`], with the fields `options.allowFields` names added as given.
pub fn query_with(
    schema: &Schema,
    params: &Json,
    options: &CallOptions,
) -> Result<Vec<(String, String)>> {
    let p = Params::new(params)?;
    schema.check_with(&p, options)?;
    let mut q = Vec::new();
    for (k, v) in schema.canonical(&p) {
        if let Json::String(v) = v {
            q.push((k, v));
        }
    }
    q.extend(query_pairs(schema.allowed_extras(&p, options))?);
    Ok(q)
}

/// Query pairs from fields of any name: strings as they are, numbers as
/// written, booleans as `true`/`false`; `null` is absent; an object or array
/// has no query form and is refused.
pub fn query_pairs(fields: Vec<(String, Json)>) -> Result<Vec<(String, String)>> {
    let mut q = Vec::with_capacity(fields.len());
    for (k, v) in fields {
        match v {
            Json::Null => {}
            Json::String(t) | Json::Number(t) => q.push((k, t)),
            Json::Bool(b) => q.push((k, b.to_string())),
            Json::Array(_) | Json::Object(_) => {
                return Err(Error::invalid_input(format!(
                    "`{}` is an object or array: a GET query takes strings, numbers and booleans (send it with POST, or as text)",
                    crate::core::error::scrub(&k, 60)
                )))
            }
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
