//! Qimai operations and their parameters, validated before anything is signed.
//!
//! Operation ids are the vendor's own names: v2 Actions (`user.points-add`) and
//! v3 paths (`/v3/crm/points/addCustomerPoints`). The id decides the envelope.
//!
//! Every operation's parameters are a [`Schema`] (table) checked by the
//! interpreter shared with the other vendors ([`crate::vendors::schema`]).
//! Where the schema comes from:
//!
//! | operation | schema |
//! | --- | --- |
//! | v2 `user.points-add`, v3 `addCustomerPoints` | vendor doc (doc2 id=484, docs/vendors/qimai.md §11); v3 takes the same params (docs/vendors/qimai.md §6). Typed: [`POINTS_ADD_PARAMS`] |
//! | v2 `user.user-points-records` | vendor doc (doc2 id=228): `user_id`, `page_size`, `page`. Typed: [`USER_POINTS_RECORDS_PARAMS`] |
//! | v2 `communal.user.identity` | vendor doc (id=316). Typed: [`USER_IDENTITY_PARAMS`] |
//! | v2 `communal.user.gether-customer-info`, v3 `gatherCustomerInfo` | vendor doc (id=726). Typed: [`GATHER_CUSTOMER_INFO_PARAMS`] |
//! | v3 `getCustomerPoints` | `customerId`, `orderTime` from client code (docs/vendors/qimai.md §6); free-form otherwise |
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
//!
//! # Operations outside the table
//!
//! Every v2 Action and every v3 path is signed by the same Token rule, so any of them can
//! be called ([`route`]): a v2 Action (`user.coupon-list`: letters, digits, `.`, `-`, `_`,
//! with at least one `.`) in the v2 envelope, a v3 path (`/v3/…`) in the v3 envelope, the
//! params sent as given, unchecked. The reply goes through the envelope and its codes and
//! its `data` comes back as sent ([`crate::vendors::generic`]).
//!
//! **Retries.** Every Qimai call is a POST, and jifen knows the de-duplication key
//! (`bizId`) only of its own operations: one outside the table is treated as a write that
//! may not be idempotent and is never sent again after a lost reply (`outcome_unknown`),
//! unless the caller says per call that it is safe to repeat (`idempotent: true`,
//! [`crate::vendors::call_options`]).

use crate::core::error::Result;
use crate::core::json::Json;
use crate::vendors::call_options::CallOptions;
use crate::vendors::param_schema::{int_of, Kind, Rule, Schema};
use crate::vendors::params::Params;

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
    /// A v2 Action or v3 path outside the table (its id is the prepared call's).
    Other {
        /// The family, from the id's shape.
        version: Version,
        /// Whether it may be repeated after a lost reply (the caller said so).
        idempotent: bool,
    },
}

const OTHER_HINT: &str =
    " (an operation outside jifen's table is a v2 Action such as `user.coupon-list` or a v3 path `/v3/…`)";

/// Whether `id` has the shape of a v2 Action: letters, digits, `.`, `-`, `_`,
/// starting with a letter or digit, with at least one `.`.
fn is_v2_action(id: &str) -> bool {
    id.len() <= 128
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id.contains('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
}

/// Resolves an operation id: a known one, or any v2 Action or v3 path as
/// [`Operation::Other`] (not idempotent until the caller says so).
pub fn route(id: &str) -> Result<Operation> {
    if let Some(op) = Operation::ALL.into_iter().find(|o| o.id() == id) {
        return Ok(op);
    }
    let version = if crate::vendors::generic::is_api_path(id, "/v3/") {
        Version::V3
    } else if is_v2_action(id) {
        Version::V2
    } else {
        return Err(crate::vendors::unknown_operation(
            "qimai",
            "Qimai",
            id,
            OTHER_HINT,
            &OPERATIONS,
        ));
    };
    Ok(Operation::Other {
        version,
        idempotent: false,
    })
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
            .ok_or_else(|| crate::vendors::unknown_operation("qimai", "Qimai", id, "", &OPERATIONS))
    }

    /// The v2 Action or v3 path of a known operation; `""` for
    /// [`Operation::Other`], whose id is the prepared call's (`Prepared::id`).
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
            Operation::Other { .. } => "",
        }
    }

    /// The API family, which decides the envelope.
    pub fn version(self) -> Version {
        match self {
            Operation::Other { version, .. } => version,
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
    /// change carries a required `bizId` that the vendor de-duplicates on; an
    /// operation outside the table only when the caller said so (module docs).
    pub fn is_idempotent(self) -> bool {
        match self {
            Operation::Other { idempotent, .. } => idempotent,
            _ => true,
        }
    }

    /// Whether jifen knows the parameter schema (typed, unknown fields refused)
    /// or sends the params free-form (see the module docs).
    pub fn is_typed(self) -> bool {
        !self.schema().known.is_empty()
    }
}

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, { $($(#[$vdoc:meta])* $variant:ident = $code:literal, $zh:literal;)+ }) => {
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
        }
    };
}

code_enum!(
    /// `sourceType` of a points add: 积分来源途径/方式 (doc2 id=484).
    SourceType, {
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
    PointsChannel, {
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

/// `user.points-add` / `addCustomerPoints` (doc2 id=484), in the doc's order:
/// 积分值 (a positive integer), 业务标识 (the idempotency key, reused on every
/// retry of one call), 客户ID, 更改原因 (may be empty, as in the doc example),
/// [`SourceType`], [`PointsChannel`].
pub static POINTS_ADD_PARAMS: Schema = Schema {
    known: &[
        "balance",
        "bizId",
        "customerId",
        "reason",
        "sourceType",
        "pointsChannel",
    ],
    rules: &[
        Rule::Req("balance", Kind::PositiveInt),
        Rule::Opt("sourceType", Kind::Code(12)),
        Rule::Opt("pointsChannel", Kind::Code(9)),
        Rule::Req("bizId", Kind::NonEmpty),
        Rule::Req("customerId", Kind::NonEmpty),
        Rule::Opt("reason", Kind::Text),
    ],
};

/// `user.user-points-records` (doc2 id=228): 企迈云商用户ID (the customerId),
/// rows per page (vendor default 10), page from 1 (vendor default 1).
pub static USER_POINTS_RECORDS_PARAMS: Schema = Schema {
    known: &["user_id", "page_size", "page"],
    rules: &[
        Rule::Req("user_id", Kind::NonEmpty),
        Rule::Opt("page_size", Kind::Min1),
        Rule::Opt("page", Kind::Min1),
    ],
};

/// `communal.user.identity` (id=316): `type` 1 账号 (mobile + password), 2 卡号
/// (card_number + card_password), 3 会员识别码 (user_code), 4 user_id; the
/// fields of the type are required; `point_rules` is sent as given.
pub static USER_IDENTITY_PARAMS: Schema = Schema {
    known: &[
        "type",
        "mobile",
        "password",
        "card_number",
        "card_password",
        "user_code",
        "user_id",
        "multi_store_sn",
        "point_rules",
    ],
    rules: &[
        Rule::ReqOr(&(
            "type",
            Kind::UpTo(4),
            "`type` is required (1 账号, 2 卡号, 3 会员识别码, 4 user_id)",
        )),
        Rule::Fn(identity_fields),
        Rule::Opt("mobile", Kind::Text),
        Rule::Opt("password", Kind::Text),
        Rule::Opt("card_number", Kind::Text),
        Rule::Opt("card_password", Kind::Text),
        Rule::Opt("user_code", Kind::Text),
        Rule::Opt("user_id", Kind::Text),
        Rule::Opt("multi_store_sn", Kind::Text),
    ],
};

/// The fields `communal.user.identity` requires for its `type`.
fn identity_fields(p: &Params<'_>) -> Result<()> {
    let required: &[&str] = match int_of(p, "type") {
        Some(1) => &["mobile", "password"],
        Some(2) => &["card_number", "card_password"],
        Some(3) => &["user_code"],
        _ => &["user_id"],
    };
    for name in required {
        p.req_str(name)?;
    }
    Ok(())
}

/// `communal.user.gether-customer-info` / `gatherCustomerInfo` (id=726): the
/// identifier and its `type` (1 会员码/ID, 2 手机号, 3 卡号, 4 支付宝 userid,
/// 5 微信 openid, 6 unionid); `multiMark`, `typeCate`, `discountPrice` sent as
/// given (their types are not documented).
pub static GATHER_CUSTOMER_INFO_PARAMS: Schema = Schema {
    known: &[
        "identifierNumber",
        "type",
        "multiMark",
        "typeCate",
        "discountPrice",
    ],
    rules: &[
        Rule::ReqOr(&(
            "type",
            Kind::UpTo(6),
            "`type` is required (1 会员码/ID, 2 手机号, 3 卡号, 4 支付宝 userid, 5 微信 openid, 6 unionid)")),
        Rule::Req("identifierNumber", Kind::NonEmpty),
    ],
};

const CUSTOMER_ID: Rule = Rule::Opt("customerId", Kind::NonEmpty);
const BIZ_ID: Rule = Rule::Req("bizId", Kind::NonEmpty);

/// Free-form `getCustomerPoints`: `customerId` required.
static GET_CUSTOMER_POINTS_PARAMS: Schema = Schema {
    known: &[],
    rules: &[
        Rule::Req("customerId", Kind::NonEmpty),
        Rule::Opt("orderTime", Kind::NonEmpty),
    ],
};

/// Free-form `reducePoints`: `bizId` required.
static REDUCE_POINTS_PARAMS: Schema = Schema {
    known: &[],
    rules: &[
        BIZ_ID,
        CUSTOMER_ID,
        Rule::Opt("reason", Kind::Text),
        Rule::Opt("balance", Kind::Positive),
    ],
};

/// Free-form `reversePoints`: `bizId` required.
static REVERSE_POINTS_PARAMS: Schema = Schema {
    known: &[],
    rules: &[
        BIZ_ID,
        CUSTOMER_ID,
        Rule::Opt("originBizId", Kind::NonEmpty),
    ],
};

/// Free-form `getCrmPointsFlow`.
static GET_CRM_POINTS_FLOW_PARAMS: Schema = Schema {
    known: &[],
    rules: &[
        CUSTOMER_ID,
        Rule::Opt("page", Kind::Positive),
        Rule::Opt("pageSize", Kind::Positive),
    ],
};

/// Free-form `allCustomerInfo`.
static ALL_CUSTOMER_INFO_PARAMS: Schema = Schema {
    known: &[],
    rules: &[CUSTOMER_ID],
};

/// An operation outside the table: any field, unchecked.
static OTHER_PARAMS: Schema = Schema {
    known: &[],
    rules: &[],
};

/// Free-form `getCustomerIdByPhone`.
static GET_CUSTOMER_ID_BY_PHONE_PARAMS: Schema = Schema {
    known: &[],
    rules: &[Rule::Opt("phone", Kind::NonEmpty)],
};

impl Operation {
    /// The operation's parameter schema (typed operations list their fields in
    /// `known`; free-form ones accept any field).
    pub fn schema(self) -> &'static Schema {
        match self {
            Operation::PointsAdd | Operation::AddCustomerPoints => &POINTS_ADD_PARAMS,
            Operation::UserPointsRecords => &USER_POINTS_RECORDS_PARAMS,
            Operation::UserIdentity => &USER_IDENTITY_PARAMS,
            Operation::GetherCustomerInfo | Operation::GatherCustomerInfo => {
                &GATHER_CUSTOMER_INFO_PARAMS
            }
            Operation::GetCustomerPoints => &GET_CUSTOMER_POINTS_PARAMS,
            Operation::ReducePoints => &REDUCE_POINTS_PARAMS,
            Operation::ReversePoints => &REVERSE_POINTS_PARAMS,
            Operation::GetCrmPointsFlow => &GET_CRM_POINTS_FLOW_PARAMS,
            Operation::AllCustomerInfo => &ALL_CUSTOMER_INFO_PARAMS,
            Operation::GetCustomerIdByPhone => &GET_CUSTOMER_ID_BY_PHONE_PARAMS,
            Operation::Other { .. } => &OTHER_PARAMS,
        }
    }
}

/// Checks `params` for `op` and returns them as they will be sent: a typed
/// operation's fields in the documented order with every scalar a string; a
/// free-form operation's object as given (`null` as `{}`).
pub fn params_to_send(op: Operation, params: &Json) -> Result<Json> {
    params_to_send_with(op, params, &CallOptions::default())
}

/// [`params_to_send`], with the fields `options.allowFields` names accepted and
/// sent as given after a typed operation's own.
pub fn params_to_send_with(op: Operation, params: &Json, options: &CallOptions) -> Result<Json> {
    let p = Params::new(params)?;
    let schema = op.schema();
    schema.check_with(&p, options)?;
    Ok(if op.is_typed() {
        let mut fields = schema.canonical(&p);
        fields.extend(schema.allowed_extras(&p, options));
        Json::Object(fields)
    } else {
        match params {
            Json::Null => Json::Object(Vec::new()),
            other => other.clone(),
        }
    })
}

/// The `bizId` of a points change, as the vendor will see it.
pub fn biz_id_of(params: &Json) -> Option<String> {
    params.text_at("bizId")
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
        let a = params_to_send(
            Operation::PointsAdd,
            &j(r#"{"customerId":"1","bizId":"b","balance":11,"sourceType":1,"pointsChannel":"7"}"#),
        )
        .unwrap();
        assert_eq!(
            a.to_json_string(),
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
                params_to_send(Operation::AddCustomerPoints, &j(bad))
                    .unwrap_err()
                    .code,
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn identity_requires_the_fields_of_its_type() {
        let identity = |s: &str| params_to_send(Operation::UserIdentity, &j(s));
        assert_eq!(
            identity(r#"{"type":1,"mobile":"13700137000"}"#)
                .unwrap_err()
                .message,
            "`password` is required"
        );
        assert!(identity(r#"{"type":5,"user_id":"1"}"#).is_err());
        assert_eq!(
            identity(r#"{"user_id":"1","type":4,"point_rules":{"a":1}}"#)
                .unwrap()
                .to_json_string(),
            r#"{"type":"4","user_id":"1","point_rules":{"a":1}}"#
        );
    }

    #[test]
    fn free_form_keeps_the_object_and_checks_what_is_known() {
        let p = j(r#"{"customerId":"1","bizId":"r1","balance":5,"anything":{"x":[1]}}"#);
        assert_eq!(params_to_send(Operation::ReducePoints, &p).unwrap(), p);
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
                params_to_send(op, &j(bad)).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        assert_eq!(
            params_to_send(Operation::AllCustomerInfo, &Json::Null).unwrap(),
            Json::Object(vec![])
        );
    }
}
