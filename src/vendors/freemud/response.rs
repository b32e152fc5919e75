//! Parsing Freemud replies: the envelope `{ver, statusCode, message,
//! responseBody, sign}` and the typed result of each operation.
//!
//! `statusCode` `"100"` is success and `responseBody` (a JSON *string*) holds
//! the result; any other code is a `vendor` error carrying the code and the
//! vendor's message (`21` missing parameter, `500` server error, and the
//! simulator's own `401`/`403`/`1001`–`1003`). Numbers in results are
//! normalised: the vendor sends `"20"` and `20` for the same field, jifen
//! returns `20`.

use super::ops::{lenient_int, Operation, OperationType};
use super::sign::canonical_of_object;
use crate::core::error::{scrub, Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;

const VENDOR: &str = "freemud";

/// The success code.
pub const STATUS_OK: &str = "100";
/// 缺少必要的请求参数: a required parameter is missing.
pub const STATUS_MISSING_PARAMETER: &str = "21";
/// 内部服务异常: the vendor failed internally.
pub const STATUS_SERVER_ERROR: &str = "500";

/// A successful reply's envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// `statusCode` (always `"100"` here).
    pub status_code: String,
    /// `message`.
    pub message: String,
    /// `responseBody`, the JSON string as received (absent for some writes).
    pub response_body: Option<String>,
    /// `sign`, if the vendor sent one.
    pub sign: Option<String>,
    /// The canonical string a response signature covers:
    /// `message=…&responseBody=…&statusCode=…&ver=…` (non-empty fields except `sign`, sorted).
    pub canonical: String,
}

impl Envelope {
    /// `responseBody` parsed (`null` when absent or empty).
    pub fn body(&self) -> Result<Json> {
        match self.response_body.as_deref() {
            None | Some("") => Ok(Json::Null),
            Some(text) => Json::parse(text).map_err(|e| {
                Error::parse(format!(
                    "Freemud `responseBody` is not JSON ({})",
                    e.message
                ))
                .with_vendor(VENDOR)
            }),
        }
    }
}

fn text_of(body: &Json, key: &str) -> Option<String> {
    body.get_present(key).and_then(Json::as_text)
}

/// Checks the HTTP status and the envelope of a reply.
pub fn parse_envelope(resp: &HttpResponse) -> Result<Envelope> {
    let fail = |e: Error| e.with_vendor(VENDOR).with_status(resp.status);
    let body = Json::parse_bytes(&resp.body)
        .ok()
        .filter(|b| b.as_object().is_some());
    if resp.status == 429 {
        return Err(fail(
            Error::new(
                ErrorCode::RateLimited,
                "Freemud rate limit reached (HTTP 429)",
            )
            .retryable(true)
            .with_retry_after(resp.retry_after_ms()),
        ));
    }
    if !(200..300).contains(&resp.status) {
        let mut e = Error::new(
            ErrorCode::Http,
            format!("Freemud answered HTTP {}", resp.status),
        )
        .retryable(resp.status >= 500);
        if let Some(b) = &body {
            if let Some(code) = text_of(b, "statusCode") {
                e = e.with_vendor_code(code);
            }
            if let Some(m) = text_of(b, "message") {
                e.message = format!("Freemud answered HTTP {}: {}", resp.status, scrub(&m, 200));
            }
        }
        return Err(fail(e));
    }
    // A truncated or non-JSON reply: the request may or may not have been acted
    // on. Retryable: the retry policy repeats it only where that is safe (a
    // points change carries its idempotencyBussinessId), else outcome_unknown.
    let body = body
        .ok_or_else(|| fail(Error::parse("Freemud reply is not a JSON object").retryable(true)))?;
    let status_code = text_of(&body, "statusCode")
        .ok_or_else(|| fail(Error::parse("Freemud reply lacks `statusCode`")))?;
    let message = text_of(&body, "message").unwrap_or_default();
    if status_code != STATUS_OK {
        let text = if message.is_empty() {
            "no message".to_string()
        } else {
            scrub(&message, 200)
        };
        return Err(fail(
            Error::new(
                ErrorCode::Vendor,
                format!("Freemud statusCode {}: {text}", scrub(&status_code, 16)),
            )
            .with_vendor_code(status_code.clone())
            .retryable(status_code == STATUS_SERVER_ERROR),
        ));
    }
    let response_body = match body.get_present("responseBody") {
        None => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => return Err(fail(Error::parse("Freemud `responseBody` is not a string"))),
    };
    let sign = body
        .get_present("sign")
        .and_then(Json::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty());
    let canonical = body
        .as_object()
        .map(canonical_of_object)
        .unwrap_or_default();
    Ok(Envelope {
        status_code,
        message,
        response_body,
        sign,
        canonical,
    })
}

fn missing(op: Operation, what: &str) -> Error {
    Error::parse(format!("Freemud {} reply: {what}", op.path())).with_vendor(VENDOR)
}

fn text(j: &Json, key: &str) -> String {
    text_of(j, key).unwrap_or_default()
}

fn opt_int(j: &Json, key: &str) -> Result<Option<i64>> {
    match j.get_present(key) {
        None => Ok(None),
        Some(Json::String(s)) if s.is_empty() => Ok(None),
        Some(v) => lenient_int(v).map(Some).ok_or_else(|| {
            Error::parse(format!("Freemud field `{key}` is not an integer")).with_vendor(VENDOR)
        }),
    }
}

fn req_int(op: Operation, j: &Json, key: &str) -> Result<i64> {
    opt_int(j, key)?.ok_or_else(|| missing(op, &format!("lacks `{key}`")))
}

fn int_json(n: Option<i64>) -> Option<Json> {
    n.map(Json::int)
}

fn str_fields(j: &Json, keys: &[&str]) -> Json {
    Json::Object(
        keys.iter()
            .map(|k| ((*k).to_string(), Json::str(text(j, k))))
            .collect(),
    )
}

fn array<'a>(op: Operation, j: &'a Json, key: &str) -> Result<&'a [Json]> {
    match j.get_present(key) {
        None => Ok(&[]),
        Some(v) => v
            .as_array()
            .ok_or_else(|| missing(op, &format!("`{key}` is not an array"))),
    }
}

const CHANNEL_FIELDS: [&str; 12] = [
    "cardCode",
    "cardId",
    "channelCode",
    "channelId",
    "createTime",
    "memberId",
    "partnerId",
    "registerStoreCode",
    "registerType",
    "thirdPartyCode",
    "unionId",
    "updateTime",
];

/// A member's profile (`getMemberInfoByIdOrMobile`, and the `member.registered` push).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberInfo {
    /// 会员编号.
    pub member_id: String,
    /// 会员名称.
    pub member_name: String,
    /// 昵称.
    pub nick_name: String,
    /// 手机号.
    pub mobile: String,
    /// 头像地址.
    pub photo_url: String,
    /// 性别 {0 unknown, 1 male, 2 female}.
    pub sex_flag: String,
    /// 生日.
    pub birthday: String,
    /// 邮箱.
    pub email: String,
    /// 身份证.
    pub id_card: String,
    /// 注册时间 `yyyy-MM-dd HH:mm:ss`.
    pub register_time: String,
    /// 注册门店.
    pub register_store_code: String,
    /// 会员渠道列表: each channel's fields as strings.
    pub member_channels: Vec<Json>,
    /// 当前可用积分 (only with `showScoreSwitch: 1`).
    pub current_score: Option<i64>,
    /// 历史累计积分.
    pub total_score: Option<i64>,
    /// 已使用积分.
    pub used_score: Option<i64>,
    /// 优惠券列表 (only with `showCouponSwitch: 1`), as sent.
    pub member_coupons: Option<Vec<Json>>,
}

impl MemberInfo {
    /// Reads a member object.
    pub fn from_json(j: &Json) -> Result<MemberInfo> {
        let op = Operation::GetMemberInfo;
        if j.as_object().is_none() {
            return Err(missing(op, "member is not an object"));
        }
        Ok(MemberInfo {
            member_id: text(j, "memberId"),
            member_name: text(j, "memberName"),
            nick_name: text(j, "nickName"),
            mobile: text(j, "mobile"),
            photo_url: text(j, "photoUrl"),
            sex_flag: text(j, "sexFlag"),
            birthday: text(j, "birthday"),
            email: text(j, "email"),
            id_card: text(j, "idCard"),
            register_time: text(j, "registerTime"),
            register_store_code: text(j, "registerStoreCode"),
            member_channels: array(op, j, "memberChannels")?
                .iter()
                .map(|c| str_fields(c, &CHANNEL_FIELDS))
                .collect(),
            current_score: opt_int(j, "currentScore")?,
            total_score: opt_int(j, "totalScore")?,
            used_score: opt_int(j, "usedScore")?,
            member_coupons: match j.get_present("memberCoupons") {
                None => None,
                Some(_) => Some(array(op, j, "memberCoupons")?.to_vec()),
            },
        })
    }

    /// As JSON, the vendor's field names, scores as numbers.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("memberId", Some(Json::str(&self.member_id))),
            ("memberName", Some(Json::str(&self.member_name))),
            ("nickName", Some(Json::str(&self.nick_name))),
            ("mobile", Some(Json::str(&self.mobile))),
            ("photoUrl", Some(Json::str(&self.photo_url))),
            ("sexFlag", Some(Json::str(&self.sex_flag))),
            ("birthday", Some(Json::str(&self.birthday))),
            ("email", Some(Json::str(&self.email))),
            ("idCard", Some(Json::str(&self.id_card))),
            ("registerTime", Some(Json::str(&self.register_time))),
            (
                "registerStoreCode",
                Some(Json::str(&self.register_store_code)),
            ),
            (
                "memberChannels",
                Some(Json::Array(self.member_channels.clone())),
            ),
            ("currentScore", int_json(self.current_score)),
            ("totalScore", int_json(self.total_score)),
            ("usedScore", int_json(self.used_score)),
            (
                "memberCoupons",
                self.member_coupons.clone().map(Json::Array),
            ),
        ])
    }
}

/// One row of `getMembers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberSummary {
    /// 会员编号.
    pub member_id: String,
    /// 昵称.
    pub nick_name: String,
    /// 手机号.
    pub mobile: String,
    /// 注册时间.
    pub register_time: String,
    /// 等级名称.
    pub rule_name: String,
    /// 当前积分.
    pub current_score: i64,
    /// 状态 {0 disabled, 1 active}.
    pub status_flag: Option<i64>,
    /// 累计消费次数.
    pub consume_count: String,
    /// 累计消费金额.
    pub consume_money: String,
    /// 会员标签 (`labelList`, or `labels`), as sent.
    pub labels: Vec<Json>,
    /// 付费会员卡, as sent.
    pub member_paid_list: Vec<Json>,
}

/// A page of `getMembers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberPage {
    /// 记录总数.
    pub total_count: i64,
    /// 总页数.
    pub total_pages: i64,
    /// 页号.
    pub page_num: i64,
    /// 一页数据大小.
    pub page_size: i64,
    /// The rows.
    pub member_list: Vec<MemberSummary>,
}

impl MemberPage {
    /// Reads `getMembers` data.
    pub fn from_json(j: &Json) -> Result<MemberPage> {
        let op = Operation::GetMembers;
        if j.as_object().is_none() {
            return Err(missing(op, "`responseBody` is not an object"));
        }
        let rows = array(op, j, "memberList")?
            .iter()
            .map(|r| {
                if r.as_object().is_none() {
                    return Err(missing(op, "a `memberList` row is not an object"));
                }
                let labels = if r.get_present("labelList").is_some() {
                    array(op, r, "labelList")?
                } else {
                    array(op, r, "labels")?
                };
                Ok(MemberSummary {
                    member_id: text(r, "memberId"),
                    nick_name: text(r, "nickName"),
                    mobile: text(r, "mobile"),
                    register_time: text(r, "registerTime"),
                    rule_name: text(r, "ruleName"),
                    current_score: opt_int(r, "currentScore")?.unwrap_or(0),
                    status_flag: opt_int(r, "statusFlag")?,
                    consume_count: text(r, "consumeCount"),
                    consume_money: text(r, "consumeMoney"),
                    labels: labels.to_vec(),
                    member_paid_list: array(op, r, "memberPaidList")?.to_vec(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(MemberPage {
            total_count: req_int(op, j, "totalCount")?,
            total_pages: opt_int(j, "totalPages")?.unwrap_or(0),
            page_num: opt_int(j, "pageNum")?.unwrap_or(0),
            page_size: opt_int(j, "pageSize")?.unwrap_or(0),
            member_list: rows,
        })
    }

    /// As JSON.
    pub fn to_json(&self) -> Json {
        let rows = self
            .member_list
            .iter()
            .map(|m| {
                Json::object([
                    ("memberId", Some(Json::str(&m.member_id))),
                    ("nickName", Some(Json::str(&m.nick_name))),
                    ("mobile", Some(Json::str(&m.mobile))),
                    ("registerTime", Some(Json::str(&m.register_time))),
                    ("ruleName", Some(Json::str(&m.rule_name))),
                    ("currentScore", Some(Json::int(m.current_score))),
                    ("statusFlag", int_json(m.status_flag)),
                    ("consumeCount", Some(Json::str(&m.consume_count))),
                    ("consumeMoney", Some(Json::str(&m.consume_money))),
                    ("labelList", Some(Json::Array(m.labels.clone()))),
                    (
                        "memberPaidList",
                        Some(Json::Array(m.member_paid_list.clone())),
                    ),
                ])
            })
            .collect();
        Json::object([
            ("totalCount", Some(Json::int(self.total_count))),
            ("totalPages", Some(Json::int(self.total_pages))),
            ("pageNum", Some(Json::int(self.page_num))),
            ("pageSize", Some(Json::int(self.page_size))),
            ("memberList", Some(Json::Array(rows))),
        ])
    }
}

/// The result of a points change (`opt/1`, `opt/15`, `updateScore`, `sendScore`, `returnScore`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreChange {
    /// 当前可用积分: the balance after the change.
    pub current_score: Option<i64>,
    /// 变化积分数: points moved.
    pub update_score: Option<i64>,
    /// 新增积分数: points added (opt and sendScore).
    pub send_score: Option<i64>,
}

impl ScoreChange {
    /// Reads a points-change result; `null` (no `responseBody`) is an empty result.
    pub fn from_json(op: Operation, j: &Json) -> Result<ScoreChange> {
        if j.is_null() {
            return Ok(ScoreChange::default());
        }
        if j.as_object().is_none() {
            return Err(missing(op, "`responseBody` is not an object"));
        }
        Ok(ScoreChange {
            current_score: opt_int(j, "currentScore")?,
            update_score: opt_int(j, "updateScore")?,
            send_score: opt_int(j, "sendScore")?,
        })
    }

    /// As JSON (absent fields omitted).
    pub fn to_json(&self) -> Json {
        Json::object([
            ("currentScore", int_json(self.current_score)),
            ("updateScore", int_json(self.update_score)),
            ("sendScore", int_json(self.send_score)),
        ])
    }
}

/// `statisticalScore`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreStatistics {
    /// 当前可用积分.
    pub current_score: i64,
    /// 历史累计积分.
    pub total_score: i64,
    /// 已使用积分.
    pub used_score: i64,
}

impl ScoreStatistics {
    /// Reads `statisticalScore` data.
    pub fn from_json(j: &Json) -> Result<ScoreStatistics> {
        let op = Operation::StatisticalScore;
        if j.as_object().is_none() {
            return Err(missing(op, "`responseBody` is not an object"));
        }
        Ok(ScoreStatistics {
            current_score: req_int(op, j, "currentScore")?,
            total_score: opt_int(j, "totalScore")?.unwrap_or(0),
            used_score: opt_int(j, "usedScore")?.unwrap_or(0),
        })
    }

    /// As JSON.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("currentScore", Some(Json::int(self.current_score))),
            ("totalScore", Some(Json::int(self.total_score))),
            ("usedScore", Some(Json::int(self.used_score))),
        ])
    }
}

/// One ledger row of `getScoreRecords`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreRecord {
    /// 流水号.
    pub trans_no: String,
    /// 会员编号.
    pub member_id: String,
    /// Points moved (positive).
    pub change_score: i64,
    /// 1 add, 2 subtract.
    pub change_type: i64,
    /// The operation type code.
    pub operation_type: Option<i64>,
    /// The operation's name.
    pub operation_name: String,
    /// Balance before.
    pub before_score: Option<i64>,
    /// Balance after.
    pub current_score: Option<i64>,
    /// 订单编号.
    pub order_id: String,
    /// 备注.
    pub remark: String,
    /// The idempotency id of the change.
    pub idempotency_bussiness_id: String,
    /// When, `yyyy-MM-dd HH:mm:ss`.
    pub create_time: String,
}

/// A page of `getScoreRecords`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreRecordPage {
    /// Rows across all pages.
    pub total_count: i64,
    /// Pages.
    pub total_pages: i64,
    /// This page, from 1.
    pub page_num: i64,
    /// Rows per page.
    pub page_size: i64,
    /// The rows, newest first.
    pub score_records: Vec<ScoreRecord>,
}

impl ScoreRecordPage {
    /// Reads `getScoreRecords` data.
    pub fn from_json(j: &Json) -> Result<ScoreRecordPage> {
        let op = Operation::GetScoreRecords;
        if j.as_object().is_none() {
            return Err(missing(op, "`responseBody` is not an object"));
        }
        let rows = array(op, j, "scoreRecords")?
            .iter()
            .map(|r| {
                if r.as_object().is_none() {
                    return Err(missing(op, "a `scoreRecords` row is not an object"));
                }
                Ok(ScoreRecord {
                    trans_no: text(r, "transNo"),
                    member_id: text(r, "memberId"),
                    change_score: req_int(op, r, "changeScore")?,
                    change_type: req_int(op, r, "changeType")?,
                    operation_type: opt_int(r, "operationType")?,
                    operation_name: text(r, "operationName"),
                    before_score: opt_int(r, "beforeScore")?,
                    current_score: opt_int(r, "currentScore")?,
                    order_id: text(r, "orderId"),
                    remark: text(r, "remark"),
                    idempotency_bussiness_id: text(r, "idempotencyBussinessId"),
                    create_time: text(r, "createTime"),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ScoreRecordPage {
            total_count: req_int(op, j, "totalCount")?,
            total_pages: opt_int(j, "totalPages")?.unwrap_or(0),
            page_num: opt_int(j, "pageNum")?.unwrap_or(0),
            page_size: opt_int(j, "pageSize")?.unwrap_or(0),
            score_records: rows,
        })
    }

    /// As JSON.
    pub fn to_json(&self) -> Json {
        let rows = self
            .score_records
            .iter()
            .map(|r| {
                Json::object([
                    ("transNo", Some(Json::str(&r.trans_no))),
                    ("memberId", Some(Json::str(&r.member_id))),
                    ("changeScore", Some(Json::int(r.change_score))),
                    ("changeType", Some(Json::int(r.change_type))),
                    ("operationType", int_json(r.operation_type)),
                    (
                        "operationName",
                        Some(Json::str(if r.operation_name.is_empty() {
                            r.operation_type
                                .and_then(OperationType::from_code)
                                .map_or("", OperationType::name_zh)
                                .to_string()
                        } else {
                            r.operation_name.clone()
                        })),
                    ),
                    ("beforeScore", int_json(r.before_score)),
                    ("currentScore", int_json(r.current_score)),
                    ("orderId", Some(Json::str(&r.order_id))),
                    ("remark", Some(Json::str(&r.remark))),
                    (
                        "idempotencyBussinessId",
                        Some(Json::str(&r.idempotency_bussiness_id)),
                    ),
                    ("createTime", Some(Json::str(&r.create_time))),
                ])
            })
            .collect();
        Json::object([
            ("totalCount", Some(Json::int(self.total_count))),
            ("totalPages", Some(Json::int(self.total_pages))),
            ("pageNum", Some(Json::int(self.page_num))),
            ("pageSize", Some(Json::int(self.page_size))),
            ("scoreRecords", Some(Json::Array(rows))),
        ])
    }
}

/// The typed result of `op` from its parsed `responseBody`, as JSON.
pub fn result_json(op: Operation, body: &Json) -> Result<Json> {
    Ok(match op {
        Operation::GetMemberInfo => {
            if body.is_null() {
                return Err(missing(op, "no `responseBody`"));
            }
            MemberInfo::from_json(body)?.to_json()
        }
        Operation::GetMembers => MemberPage::from_json(body)?.to_json(),
        Operation::ScoreAdd
        | Operation::ScoreSubtract
        | Operation::UpdateScore
        | Operation::SendScore
        | Operation::ReturnScore => ScoreChange::from_json(op, body)?.to_json(),
        Operation::StatisticalScore => ScoreStatistics::from_json(body)?.to_json(),
        Operation::GetScoreRecords => ScoreRecordPage::from_json(body)?.to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn success_and_failures() {
        let ok = parse_envelope(&resp(200, r#"{"ver":"1","statusCode":"100","message":"成功","responseBody":"{\"currentScore\":\"300\",\"updateScore\":100}","sign":"abc"}"#)).unwrap();
        assert_eq!(
            ok.canonical,
            r#"message=成功&responseBody={"currentScore":"300","updateScore":100}&statusCode=100&ver=1"#
        );
        let r = result_json(Operation::ScoreAdd, &ok.body().unwrap()).unwrap();
        assert_eq!(
            r.to_json_string(),
            r#"{"currentScore":300,"updateScore":100}"#
        );
        let e = parse_envelope(&resp(
            200,
            r#"{"ver":"1","statusCode":"21","message":"缺少必要的请求参数"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            (e.code, e.vendor_code.as_deref(), e.retryable),
            (ErrorCode::Vendor, Some("21"), false)
        );
        let e = parse_envelope(&resp(
            200,
            r#"{"ver":"1","statusCode":500,"message":"内部服务异常"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            (e.code, e.vendor_code.as_deref(), e.retryable),
            (ErrorCode::Vendor, Some("500"), true)
        );
        for (s, b) in [
            (200, "<html>"),
            (200, "[]"),
            (200, r#"{"message":"x"}"#),
            (200, r#"{"statusCode":"100","responseBody":{}}"#),
        ] {
            assert!(parse_envelope(&resp(s, b)).is_err(), "{b}");
        }
        assert!(
            parse_envelope(&resp(502, "bad gateway"))
                .unwrap_err()
                .retryable
        );
        let truncated = parse_envelope(&resp(200, r#"{"ver":"1","statusCode":"1"#)).unwrap_err();
        assert_eq!(truncated.code, ErrorCode::Parse);
        assert!(truncated.retryable, "a truncated reply may be retried");
        let bad_body =
            parse_envelope(&resp(200, r#"{"statusCode":"100","responseBody":"{nope"}"#)).unwrap();
        assert_eq!(bad_body.body().unwrap_err().code, ErrorCode::Parse);
    }
}
