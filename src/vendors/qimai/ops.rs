//! Qimai operations and their parameters, validated before anything is signed.
//!
//! Operation ids are the vendor's own names: v2 Actions (`user.points-add`) and
//! v3 paths (`/v3/crm/points/addCustomerPoints`). The id decides the envelope.
//!
//! Where the schema comes from:
//!
//! | operation | schema |
//! | --- | --- |
//! | v2 `user.points-add`, v3 `addCustomerPoints` | vendor doc (doc2 id=484, seeds/003); v3 takes the same params (qimai.md §6). Typed: [`PointsAdd`] |
//! | v2 `user.user-points-records` | vendor doc (doc2 id=228): `user_id`, `page_size`, `page`. Typed: [`UserPointsRecords`] |
//! | v2 `communal.user.identity` | vendor doc (id=316). Typed: [`UserIdentity`] |
//! | v2 `communal.user.gether-customer-info`, v3 `gatherCustomerInfo` | vendor doc (id=726). Typed: [`GatherCustomerInfo`] |
//! | v3 `getCustomerPoints` | `customerId`, `orderTime` from client code (qimai.md §6); free-form otherwise |
//! | v3 `reducePoints`, `reversePoints`, `getCrmPointsFlow`, `allCustomerInfo`, `getCustomerIdByPhone` | **not in the vendor record**: free-form |
//!
//! Typed operations refuse unknown fields and send their params in the
//! documented order with every scalar as a string, as the doc's request
//! example does (`"balance":"11"`, `"sourceType":"1"`).
//!
//! Free-form operations send the caller's object as given (key order and JSON
//! types, the bytes of `JSON.stringify(params)`), after checking the fields
//! whose meaning is known: `bizId` is **required** on `reducePoints` and
//! `reversePoints` (it is the idempotency key of a points change);
//! `customerId`, `originBizId`, `phone` must be non-empty and `balance`,
//! `page`, `pageSize` positive integers when present. The field names used by
//! these checks (`balance`, `originBizId`, `page`, `pageSize`, `phone`) are the
//! simulator's assumptions (`sim/README.md`, "Assumed schemas (Qimai)"), not
//! the vendor's; confirm them against the vendor before relying on them.

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::params::{strict_int, Params};

/// The API family an operation belongs to; it decides the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Version {
    /// `POST <base>/api/v2`, capitalised envelope with `Action`.
    V2,
    /// `POST <base><path>`, lowercase envelope.
    #[default]
    V3,
}

impl Version {
    /// `"v2"` / `"v3"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "v2",
            Version::V3 => "v3",
        }
    }

    /// Reads `"v2"` / `"v3"`.
    pub fn from_name(name: &str) -> Option<Version> {
        match name {
            "v2" => Some(Version::V2),
            "v3" => Some(Version::V3),
            _ => None,
        }
    }
}

/// v2 Action 7.6.4 新增积分: add points.
pub const POINTS_ADD: &str = "user.points-add";
/// v2 Action 2.2.1 会员积分明细列表: a member's points records, paged.
pub const USER_POINTS_RECORDS: &str = "user.user-points-records";
/// v2 Action 会员识别: identify a member (returns `user_info.user_points`).
pub const USER_IDENTITY: &str = "communal.user.identity";
/// v2 Action 7.3.11 会员信息查询集合 (the vendor's spelling "gether").
pub const GETHER_CUSTOMER_INFO: &str = "communal.user.gether-customer-info";
/// v3 会员积分查询.
pub const GET_CUSTOMER_POINTS: &str = "/v3/crm/points/getCustomerPoints";
/// v3 会员积分发放.
pub const ADD_CUSTOMER_POINTS: &str = "/v3/crm/points/addCustomerPoints";
/// v3 会员积分扣减.
pub const REDUCE_POINTS: &str = "/v3/crm/points/reducePoints";
/// v3 会员积分冲正.
pub const REVERSE_POINTS: &str = "/v3/crm/points/reversePoints";
/// v3 会员积分明细.
pub const GET_CRM_POINTS_FLOW: &str = "/v3/crm/customer/getCrmPointsFlow";
/// v3 会员信息查询集合.
pub const GATHER_CUSTOMER_INFO: &str = "/v3/crm/customer/gatherCustomerInfo";
/// v3 会员三合一查询 (info, points, balance, coupons).
pub const ALL_CUSTOMER_INFO: &str = "/v3/crm/customer/allCustomerInfo";
/// v3 会员ID by 手机号.
pub const GET_CUSTOMER_ID_BY_PHONE: &str = "/v3/crm/customer/getCustomerIdByPhone";

/// Every Qimai operation jifen knows.
pub const OPERATIONS: [&str; 12] = [
    POINTS_ADD,
    USER_POINTS_RECORDS,
    USER_IDENTITY,
    GETHER_CUSTOMER_INFO,
    GET_CUSTOMER_POINTS,
    ADD_CUSTOMER_POINTS,
    REDUCE_POINTS,
    REVERSE_POINTS,
    GET_CRM_POINTS_FLOW,
    GATHER_CUSTOMER_INFO,
    ALL_CUSTOMER_INFO,
    GET_CUSTOMER_ID_BY_PHONE,
];

/// A Qimai operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// v2 `user.points-add`.
    PointsAdd,
    /// v2 `user.user-points-records`.
    UserPointsRecords,
    /// v2 `communal.user.identity`.
    UserIdentity,
    /// v2 `communal.user.gether-customer-info`.
    GetherCustomerInfo,
    /// v3 `/v3/crm/points/getCustomerPoints`.
    GetCustomerPoints,
    /// v3 `/v3/crm/points/addCustomerPoints`.
    AddCustomerPoints,
    /// v3 `/v3/crm/points/reducePoints`.
    ReducePoints,
    /// v3 `/v3/crm/points/reversePoints`.
    ReversePoints,
    /// v3 `/v3/crm/customer/getCrmPointsFlow`.
    GetCrmPointsFlow,
    /// v3 `/v3/crm/customer/gatherCustomerInfo`.
    GatherCustomerInfo,
    /// v3 `/v3/crm/customer/allCustomerInfo`.
    AllCustomerInfo,
    /// v3 `/v3/crm/customer/getCustomerIdByPhone`.
    GetCustomerIdByPhone,
}

impl Operation {
    /// All operations, in [`OPERATIONS`] order.
    pub const ALL: [Operation; 12] = [
        Operation::PointsAdd,
        Operation::UserPointsRecords,
        Operation::UserIdentity,
        Operation::GetherCustomerInfo,
        Operation::GetCustomerPoints,
        Operation::AddCustomerPoints,
        Operation::ReducePoints,
        Operation::ReversePoints,
        Operation::GetCrmPointsFlow,
        Operation::GatherCustomerInfo,
        Operation::AllCustomerInfo,
        Operation::GetCustomerIdByPhone,
    ];

    /// Looks an operation up by its v2 Action or v3 path.
    pub fn from_id(id: &str) -> Result<Operation> {
        Operation::ALL
            .into_iter()
            .find(|o| o.id() == id)
            .ok_or_else(|| {
                Error::unsupported(format!(
                    "unknown Qimai operation `{}`; known: {}",
                    crate::core::error::scrub(id, 80),
                    crate::core::text::join(&OPERATIONS, ", ")
                ))
                .with_vendor("qimai")
            })
    }

    /// The v2 Action or v3 path.
    pub fn id(self) -> &'static str {
        match self {
            Operation::PointsAdd => POINTS_ADD,
            Operation::UserPointsRecords => USER_POINTS_RECORDS,
            Operation::UserIdentity => USER_IDENTITY,
            Operation::GetherCustomerInfo => GETHER_CUSTOMER_INFO,
            Operation::GetCustomerPoints => GET_CUSTOMER_POINTS,
            Operation::AddCustomerPoints => ADD_CUSTOMER_POINTS,
            Operation::ReducePoints => REDUCE_POINTS,
            Operation::ReversePoints => REVERSE_POINTS,
            Operation::GetCrmPointsFlow => GET_CRM_POINTS_FLOW,
            Operation::GatherCustomerInfo => GATHER_CUSTOMER_INFO,
            Operation::AllCustomerInfo => ALL_CUSTOMER_INFO,
            Operation::GetCustomerIdByPhone => GET_CUSTOMER_ID_BY_PHONE,
        }
    }

    /// The API family, which decides the envelope.
    pub fn version(self) -> Version {
        match self {
            Operation::PointsAdd
            | Operation::UserPointsRecords
            | Operation::UserIdentity
            | Operation::GetherCustomerInfo => Version::V2,
            _ => Version::V3,
        }
    }

    /// The URL path under the base URL: `/api/v2` for every v2 Action, the id for v3.
    pub fn path(self) -> &'static str {
        match self.version() {
            Version::V2 => "/api/v2",
            Version::V3 => self.id(),
        }
    }

    /// Whether the operation changes a balance (and so carries a `bizId`).
    pub fn is_points_change(self) -> bool {
        matches!(
            self,
            Operation::PointsAdd
                | Operation::AddCustomerPoints
                | Operation::ReducePoints
                | Operation::ReversePoints
        )
    }

    /// Whether repeating the call is harmless: reads are, and every points
    /// change carries a required `bizId` that the vendor de-duplicates on.
    pub fn is_idempotent(self) -> bool {
        true
    }

    /// Whether jifen knows the parameter schema (typed, unknown fields refused)
    /// or sends the params free-form (see the module docs).
    pub fn is_typed(self) -> bool {
        matches!(
            self,
            Operation::PointsAdd
                | Operation::AddCustomerPoints
                | Operation::UserPointsRecords
                | Operation::UserIdentity
                | Operation::GetherCustomerInfo
                | Operation::GatherCustomerInfo
        )
    }
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $range:literal, { $($(#[$vdoc:meta])* $variant:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant = $code,)+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// From the vendor's code.
            pub fn from_code(code: i64) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| *v as i64 == code)
            }

            /// The vendor's code.
            pub fn code(self) -> i64 {
                self as i64
            }

            /// The vendor's name for it.
            pub fn name_zh(self) -> &'static str {
                match self {
                    $($name::$variant => $zh,)+
                }
            }

            fn range() -> &'static str {
                $range
            }
        }
    };
}

code_enum!(
    /// `sourceType` of a points add: 积分来源途径/方式 (doc2 id=484).
    SourceType, "1–12", {
        /// 1 消费增加.
        Consumption = 1, "消费增加";
        /// 2 关注有礼.
        FollowGift = 2, "关注有礼";
        /// 3 会员特权.
        MemberPrivilege = 3, "会员特权";
        /// 4 商家手动补发.
        MerchantManual = 4, "商家手动补发";
        /// 5 积分签到.
        CheckIn = 5, "积分签到";
        /// 6 满赠活动.
        SpendThresholdGift = 6, "满赠活动";
        /// 7 抽奖得积分.
        LuckyDraw = 7, "抽奖得积分";
        /// 8 储值赠送.
        StoredValueBonus = 8, "储值赠送";
        /// 9 资产迁入.
        AssetMigration = 9, "资产迁入";
        /// 10 登录获积分.
        Login = 10, "登录获积分";
        /// 11 评价得积分.
        Review = 11, "评价得积分";
        /// 12 完善会员资料得积分.
        ProfileCompletion = 12, "完善会员资料得积分";
    }
);

code_enum!(
    /// `pointsChannel` of a points add: 积分来源渠道 (doc2 id=484).
    PointsChannel, "1–9", {
        /// 1 支付宝.
        Alipay = 1, "支付宝";
        /// 2 微信.
        Wechat = 2, "微信";
        /// 3 pos.
        Pos = 3, "pos";
        /// 4 美团.
        Meituan = 4, "美团";
        /// 5 饿了么.
        Eleme = 5, "饿了么";
        /// 6 有赞商城.
        Youzan = 6, "有赞商城";
        /// 7 三方.
        ThirdParty = 7, "三方";
        /// 8 其他.
        Other = 8, "其他";
        /// 9 口碑.
        Koubei = 9, "口碑";
    }
);

fn str_json(s: &str) -> Option<Json> {
    Some(Json::str(s))
}

fn int_json(n: i64) -> Option<Json> {
    Some(Json::str(n.to_string()))
}

fn positive(p: &Params<'_>, name: &str) -> Result<Option<i64>> {
    p.opt_int_in(name, 1, i64::MAX)
}

/// `user.points-add` / `addCustomerPoints` params (doc2 id=484).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsAdd {
    /// 积分值: points to add, a positive integer.
    pub balance: i64,
    /// 业务标识: the idempotency key; reused on every retry of one call.
    pub biz_id: String,
    /// 客户ID.
    pub customer_id: String,
    /// 更改原因 (may be empty, as in the doc example).
    pub reason: Option<String>,
    /// 积分来源途径/方式.
    pub source_type: Option<SourceType>,
    /// 积分来源渠道.
    pub points_channel: Option<PointsChannel>,
}

impl PointsAdd {
    /// The documented fields, in the doc's order.
    pub const FIELDS: [&'static str; 6] = [
        "balance",
        "bizId",
        "customerId",
        "reason",
        "sourceType",
        "pointsChannel",
    ];

    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        p.only(&PointsAdd::FIELDS)?;
        let balance = p.req_int("balance")?;
        if balance < 1 {
            return Err(Error::invalid_input("`balance` must be a positive integer"));
        }
        let source_type = match p.opt_int("sourceType")? {
            None => None,
            Some(c) => Some(SourceType::from_code(c).ok_or_else(|| {
                Error::invalid_input(format!(
                    "`sourceType` must be {}, got {c}",
                    SourceType::range()
                ))
            })?),
        };
        let points_channel = match p.opt_int("pointsChannel")? {
            None => None,
            Some(c) => Some(PointsChannel::from_code(c).ok_or_else(|| {
                Error::invalid_input(format!(
                    "`pointsChannel` must be {}, got {c}",
                    PointsChannel::range()
                ))
            })?),
        };
        Ok(PointsAdd {
            balance,
            biz_id: p.req_str("bizId")?,
            customer_id: p.req_str("customerId")?,
            reason: p.opt_str("reason")?,
            source_type,
            points_channel,
        })
    }

    /// The params object as sent: doc order, every value a string.
    pub fn to_params(&self) -> Json {
        Json::object([
            ("balance", int_json(self.balance)),
            ("bizId", str_json(&self.biz_id)),
            ("customerId", str_json(&self.customer_id)),
            ("reason", self.reason.as_deref().and_then(str_json)),
            (
                "sourceType",
                self.source_type.and_then(|s| int_json(s.code())),
            ),
            (
                "pointsChannel",
                self.points_channel.and_then(|c| int_json(c.code())),
            ),
        ])
    }
}

/// `user.user-points-records` params (doc2 id=228).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPointsRecords {
    /// 企迈云商用户ID (the customerId).
    pub user_id: String,
    /// Rows per page (vendor default 10).
    pub page_size: Option<i64>,
    /// Page, from 1 (vendor default 1).
    pub page: Option<i64>,
}

impl UserPointsRecords {
    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        p.only(&["user_id", "page_size", "page"])?;
        Ok(UserPointsRecords {
            user_id: p.req_str("user_id")?,
            page_size: positive(&p, "page_size")?,
            page: positive(&p, "page")?,
        })
    }

    /// The params object as sent.
    pub fn to_params(&self) -> Json {
        Json::object([
            ("user_id", str_json(&self.user_id)),
            ("page_size", self.page_size.and_then(int_json)),
            ("page", self.page.and_then(int_json)),
        ])
    }
}

/// `communal.user.identity` params (id=316). `Debug` hides the passwords.
#[derive(Clone, PartialEq)]
pub struct UserIdentity {
    /// 1 账号 (mobile + password), 2 卡号 (card_number + card_password), 3 会员识别码 (user_code), 4 user_id.
    pub kind: i64,
    /// The other fields, validated, in the documented order.
    pub fields: Vec<(String, Json)>,
}

impl std::fmt::Debug for UserIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserIdentity")
            .field("type", &self.kind)
            .field(
                "fields",
                &self
                    .fields
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl UserIdentity {
    /// The documented fields besides `type`, in order.
    pub const FIELDS: [&'static str; 8] = [
        "mobile",
        "password",
        "card_number",
        "card_password",
        "user_code",
        "user_id",
        "multi_store_sn",
        "point_rules",
    ];

    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        let mut known = vec!["type"];
        known.extend(UserIdentity::FIELDS);
        p.only(&known)?;
        let kind = p.opt_int_in("type", 1, 4)?.ok_or_else(|| {
            Error::invalid_input("`type` is required (1 账号, 2 卡号, 3 会员识别码, 4 user_id)")
        })?;
        let required: &[&str] = match kind {
            1 => &["mobile", "password"],
            2 => &["card_number", "card_password"],
            3 => &["user_code"],
            _ => &["user_id"],
        };
        for name in required {
            p.req_str(name)?;
        }
        let mut fields = Vec::new();
        for name in UserIdentity::FIELDS {
            let Some(v) = p.get(name) else { continue };
            if name == "point_rules" {
                fields.push((name.to_string(), v.clone()));
            } else if let Some(s) = p.opt_str(name)? {
                fields.push((name.to_string(), Json::String(s)));
            }
        }
        Ok(UserIdentity { kind, fields })
    }

    /// The params object as sent.
    pub fn to_params(&self) -> Json {
        let mut pairs = vec![("type".to_string(), Json::str(self.kind.to_string()))];
        pairs.extend(self.fields.iter().cloned());
        Json::Object(pairs)
    }
}

/// `communal.user.gether-customer-info` / `gatherCustomerInfo` params (id=726).
#[derive(Debug, Clone, PartialEq)]
pub struct GatherCustomerInfo {
    /// The identifier to look up.
    pub identifier_number: String,
    /// 1 会员码/ID, 2 手机号, 3 卡号, 4 支付宝 userid, 5 微信 openid, 6 unionid.
    pub kind: i64,
    /// `multiMark`, `typeCate`, `discountPrice` when given, as given (their types are not documented).
    pub extra: Vec<(String, Json)>,
}

impl GatherCustomerInfo {
    /// Reads and validates params.
    pub fn from_params(params: &Json) -> Result<Self> {
        let p = Params::new(params)?;
        p.only(&[
            "identifierNumber",
            "type",
            "multiMark",
            "typeCate",
            "discountPrice",
        ])?;
        let kind = p.opt_int_in("type", 1, 6)?.ok_or_else(|| {
            Error::invalid_input("`type` is required (1 会员码/ID, 2 手机号, 3 卡号, 4 支付宝 userid, 5 微信 openid, 6 unionid)")
        })?;
        let extra = ["multiMark", "typeCate", "discountPrice"]
            .into_iter()
            .filter_map(|k| p.get(k).map(|v| (k.to_string(), v.clone())))
            .collect();
        Ok(GatherCustomerInfo {
            identifier_number: p.req_str("identifierNumber")?,
            kind,
            extra,
        })
    }

    /// The params object as sent.
    pub fn to_params(&self) -> Json {
        let mut pairs = vec![
            (
                "identifierNumber".to_string(),
                Json::str(&self.identifier_number),
            ),
            ("type".to_string(), Json::str(self.kind.to_string())),
        ];
        pairs.extend(self.extra.iter().cloned());
        Json::Object(pairs)
    }
}

/// Checks a free-form params object (see the module docs) and returns it as it will be sent.
pub fn free_form(op: Operation, params: &Json) -> Result<Json> {
    let p = Params::new(params)?;
    let (required, non_empty, positive_ints): (&[&str], &[&str], &[&str]) = match op {
        Operation::GetCustomerPoints => (&["customerId"], &["orderTime"], &[]),
        Operation::ReducePoints => (&["bizId"], &["customerId", "reason"], &["balance"]),
        Operation::ReversePoints => (&["bizId"], &["customerId", "originBizId"], &[]),
        Operation::GetCrmPointsFlow => (&[], &["customerId"], &["page", "pageSize"]),
        Operation::AllCustomerInfo => (&[], &["customerId"], &[]),
        Operation::GetCustomerIdByPhone => (&[], &["phone"], &[]),
        _ => (&[], &[], &[]),
    };
    for name in required {
        p.req_str(name)?;
    }
    for name in non_empty {
        if *name == "reason" {
            p.opt_str(name)?;
        } else {
            p.opt_nonempty(name)?;
        }
    }
    for name in positive_ints {
        if let Some(v) = p.get(name) {
            if strict_int(v).is_none_or(|n| n < 1) {
                return Err(Error::invalid_input(format!(
                    "`{name}` must be a positive integer"
                )));
            }
        }
    }
    Ok(match params {
        Json::Null => Json::Object(Vec::new()),
        other => other.clone(),
    })
}

/// The `bizId` of a points change, as the vendor will see it.
pub fn biz_id_of(params: &Json) -> Option<String> {
    params.get("bizId").and_then(Json::as_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    fn j(s: &str) -> Json {
        Json::parse(s).unwrap()
    }

    #[test]
    fn ids_round_trip_and_versions() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_id(op.id()).unwrap(), op);
        }
        assert_eq!(
            Operation::from_id("user.points-reduce").unwrap_err().code,
            ErrorCode::Unsupported
        );
        assert_eq!(Operation::PointsAdd.path(), "/api/v2");
        assert_eq!(Operation::ReducePoints.path(), REDUCE_POINTS);
        assert_eq!(Operation::GatherCustomerInfo.version(), Version::V3);
    }

    #[test]
    fn enums_carry_the_doc_names() {
        assert_eq!(SourceType::ALL.len(), 12);
        assert_eq!(PointsChannel::ALL.len(), 9);
        assert_eq!(
            SourceType::from_code(12).map(SourceType::name_zh),
            Some("完善会员资料得积分")
        );
        assert_eq!(
            PointsChannel::from_code(7).map(PointsChannel::name_zh),
            Some("三方")
        );
        assert_eq!(SourceType::from_code(0), None);
        assert_eq!(PointsChannel::from_code(10), None);
    }

    #[test]
    fn points_add_validation_and_canonical_form() {
        let a = PointsAdd::from_params(&j(
            r#"{"customerId":"1","bizId":"b","balance":11,"sourceType":1,"pointsChannel":"7"}"#,
        ))
        .unwrap();
        assert_eq!(
            a.to_params().to_json_string(),
            r#"{"balance":"11","bizId":"b","customerId":"1","sourceType":"1","pointsChannel":"7"}"#
        );
        for bad in [
            r#"{"customerId":"1","balance":5}"#,
            r#"{"customerId":"1","bizId":"","balance":5}"#,
            r#"{"bizId":"b","balance":5}"#,
            r#"{"customerId":"1","bizId":"b","balance":0}"#,
            r#"{"customerId":"1","bizId":"b","balance":-3}"#,
            r#"{"customerId":"1","bizId":"b","balance":1.5}"#,
            r#"{"customerId":"1","bizId":"b","balance":5,"sourceType":13}"#,
            r#"{"customerId":"1","bizId":"b","balance":5,"pointsChannel":0}"#,
            r#"{"customerId":"1","bizId":"b","balance":5,"extra":1}"#,
            r#"[]"#,
        ] {
            assert_eq!(
                PointsAdd::from_params(&j(bad)).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn identity_requires_the_fields_of_its_type() {
        assert!(UserIdentity::from_params(&j(r#"{"type":1,"mobile":"13700137000"}"#)).is_err());
        assert!(UserIdentity::from_params(&j(r#"{"type":5,"user_id":"1"}"#)).is_err());
        let i = UserIdentity::from_params(&j(r#"{"user_id":"1","type":4,"point_rules":{"a":1}}"#))
            .unwrap();
        assert_eq!(
            i.to_params().to_json_string(),
            r#"{"type":"4","user_id":"1","point_rules":{"a":1}}"#
        );
        let secret =
            UserIdentity::from_params(&j(r#"{"type":1,"mobile":"1","password":"hunter2"}"#))
                .unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn free_form_keeps_the_object_and_checks_what_is_known() {
        let p = j(r#"{"customerId":"1","bizId":"r1","balance":5,"anything":{"x":[1]}}"#);
        assert_eq!(free_form(Operation::ReducePoints, &p).unwrap(), p);
        for (op, bad) in [
            (Operation::ReducePoints, r#"{"customerId":"1","balance":5}"#),
            (
                Operation::ReducePoints,
                r#"{"customerId":"1","bizId":"b","balance":0}"#,
            ),
            (
                Operation::ReducePoints,
                r#"{"customerId":"","bizId":"b","balance":1}"#,
            ),
            (
                Operation::ReversePoints,
                r#"{"customerId":"1","originBizId":"a"}"#,
            ),
            (Operation::GetCustomerPoints, r#"{}"#),
            (
                Operation::GetCrmPointsFlow,
                r#"{"customerId":"1","pageSize":"x"}"#,
            ),
            (Operation::GetCustomerIdByPhone, r#"{"phone":""}"#),
        ] {
            assert_eq!(
                free_form(op, &j(bad)).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        assert_eq!(
            free_form(Operation::AllCustomerInfo, &Json::Null).unwrap(),
            Json::Object(vec![])
        );
    }
}
