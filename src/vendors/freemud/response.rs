//! Parsing Freemud replies: the envelope `{ver, statusCode, message,
//! responseBody, sign}` and the typed result of each operation.
//!
//! `statusCode` `"100"` is success and `responseBody` (a JSON *string*) holds
//! the result; any other code is a `vendor` error carrying the code and the
//! vendor's message (`21` missing parameter, `500` server error, and the
//! simulator's own `401`/`403`/`1001`–`1003`). Numbers in results are
//! normalised: the vendor sends `"20"` and `20` for the same field, jifen
//! returns `20`.

use super::errors;
use super::ops::{lenient_int, Operation, OperationType};
use super::sign::canonical_of_object;
use crate::core::error::{scrub, Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;
use crate::vendors::result_schema::{fail, read, Dialect, Field, Kind::*, Schema};

const VENDOR: &str = "freemud";

/// The success code.
pub const STATUS_OK: &str = "100";

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

/// Checks the HTTP status and the envelope of a reply.
pub fn parse_envelope(resp: &HttpResponse) -> Result<Envelope> {
    let fail = |e: Error| e.with_vendor(VENDOR).with_status(resp.status);
    let body = Json::parse_bytes(&resp.body)
        .ok()
        .filter(|b| b.as_object().is_some());
    let status_code = body.as_ref().and_then(|b| b.text_at("statusCode"));
    let message = body
        .as_ref()
        .and_then(|b| b.text_at("message"))
        .unwrap_or_default();
    // An error that answers with the vendor's `statusCode`, and what it means (`errors.rs`).
    let coded = |mut e: Error| {
        if let Some(code) = &status_code {
            if let Some(row) = errors::row(resp.status, code) {
                e = e.with_row(row);
            }
            e = e.with_vendor_code(code.clone());
        }
        fail(e)
    };
    if resp.status == 429 {
        return Err(coded(
            Error::new(
                ErrorCode::RateLimited,
                "Freemud rate limit reached (HTTP 429)",
            )
            .retryable(true)
            .with_retry_after(resp.retry_after_ms()),
        ));
    }
    if !(200..300).contains(&resp.status) {
        let status = i64::from(resp.status);
        let text = if message.is_empty() {
            format!("Freemud answered HTTP {status}")
        } else {
            format!("Freemud answered HTTP {status}: {}", scrub(&message, 200))
        };
        return Err(coded(
            Error::new(ErrorCode::Http, text).retryable(resp.status >= 500),
        ));
    }
    // A truncated or non-JSON reply: the request may or may not have been acted
    // on. Retryable: the retry policy repeats it only where that is safe (a
    // points change carries its idempotencyBussinessId), else outcome_unknown.
    let body = body
        .ok_or_else(|| fail(Error::parse("Freemud reply is not a JSON object").retryable(true)))?;
    let Some(status_code) = status_code.clone() else {
        return Err(fail(Error::parse("Freemud reply lacks `statusCode`")));
    };
    if status_code != STATUS_OK {
        let lead = format!("Freemud statusCode {}", scrub(&status_code, 16));
        let text = scrub(&message, 200);
        // Our words for a code of the table, then the vendor's.
        let e = match errors::row(resp.status, &status_code) {
            Some(r) => Error::new(r.kind, r.describe(&lead, &text)),
            None if text.is_empty() => Error::new(ErrorCode::Vendor, format!("{lead}: no message")),
            None => Error::new(ErrorCode::Vendor, format!("{lead}: {text}")),
        };
        return Err(coded(e));
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

/// How Freemud words result errors (`@` is `Freemud {path} reply: `).
static DIALECT: Dialect = Dialect {
    vendor: VENDOR,
    blank_is_absent: true,
    not_int: "Freemud field `$` is not an integer",
    missing: "@lacks `$`",
    not_array: "@`$` is not an array",
    not_row: "@a `$` row is not an object",
    not_object: "",
    int_keys: &[],
    id_keys: &[],
};

const NOT_OBJECT: Option<&str> = Some("@`responseBody` is not an object");

/// A member channel: each field as text.
static CHANNEL: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("cardCode", Text),
        Field("cardId", Text),
        Field("channelCode", Text),
        Field("channelId", Text),
        Field("createTime", Text),
        Field("memberId", Text),
        Field("partnerId", Text),
        Field("registerStoreCode", Text),
        Field("registerType", Text),
        Field("thirdPartyCode", Text),
        Field("unionId", Text),
        Field("updateTime", Text),
    ],
};

/// A member's profile (`getMemberInfoByIdOrMobile`, and the `member.registered`
/// push): the vendor's field names, scores as numbers (only with
/// `showScoreSwitch: 1`), coupons as sent (only with `showCouponSwitch: 1`).
static MEMBER: Schema = Schema {
    object: Some("@member is not an object"),
    first: &[],
    fields: &[
        Field("memberId", Text),
        Field("memberName", Text),
        Field("nickName", Text),
        Field("mobile", Text),
        Field("photoUrl", Text),
        Field("sexFlag", Text),
        Field("birthday", Text),
        Field("email", Text),
        Field("idCard", Text),
        Field("registerTime", Text),
        Field("registerStoreCode", Text),
        Field("memberChannels", Each(&CHANNEL)),
        Field("currentScore", OptInt),
        Field("totalScore", OptInt),
        Field("usedScore", OptInt),
        Field("memberCoupons", OptList),
    ],
};

/// One row of `getMembers` (labels from `labelList`, or `labels`).
static MEMBER_ROW: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("memberId", Text),
        Field("nickName", Text),
        Field("mobile", Text),
        Field("registerTime", Text),
        Field("ruleName", Text),
        Field("currentScore", Int),
        Field("statusFlag", OptInt),
        Field("consumeCount", Text),
        Field("consumeMoney", Text),
        Field("labelList", ListOr(&"labels")),
        Field("memberPaidList", List),
    ],
};

/// A page of `getMembers` (rows read first).
static MEMBER_PAGE: Schema = Schema {
    object: NOT_OBJECT,
    first: &[4],
    fields: &[
        Field("totalCount", ReqInt),
        Field("totalPages", Int),
        Field("pageNum", Int),
        Field("pageSize", Int),
        Field("memberList", Rows(&MEMBER_ROW)),
    ],
};

/// A points change (`opt/1`, `opt/15`, `updateScore`, `sendScore`, `returnScore`).
static SCORE_CHANGE: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[
        Field("currentScore", OptInt),
        Field("updateScore", OptInt),
        Field("sendScore", OptInt),
    ],
};

/// `statisticalScore`.
static STATISTICS: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[
        Field("currentScore", ReqInt),
        Field("totalScore", Int),
        Field("usedScore", Int),
    ],
};

/// The operation's name as sent, or else the name of its `operationType` code.
fn operation_name(row: &Json) -> Option<Json> {
    let name = row.text_at("operationName").unwrap_or_default();
    Some(Json::String(if name.is_empty() {
        row.get_present("operationType")
            .and_then(lenient_int)
            .and_then(OperationType::from_code)
            .map_or("", OperationType::name_zh)
            .to_string()
    } else {
        name
    }))
}

/// One ledger row of `getScoreRecords`.
static SCORE_ROW: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("transNo", Text),
        Field("memberId", Text),
        Field("changeScore", ReqInt),
        Field("changeType", ReqInt),
        Field("operationType", OptInt),
        Field("operationName", Derived(operation_name)),
        Field("beforeScore", OptInt),
        Field("currentScore", OptInt),
        Field("orderId", Text),
        Field("remark", Text),
        Field("idempotencyBussinessId", Text),
        Field("createTime", Text),
    ],
};

/// A page of `getScoreRecords`, rows newest first (rows read first).
static SCORE_PAGE: Schema = Schema {
    object: NOT_OBJECT,
    first: &[4],
    fields: &[
        Field("totalCount", ReqInt),
        Field("totalPages", Int),
        Field("pageNum", Int),
        Field("pageSize", Int),
        Field("scoreRecords", Rows(&SCORE_ROW)),
    ],
};

fn context(op: Operation) -> String {
    format!("Freemud {} reply: ", op.path())
}

/// A member object (a `member.registered` push) as the `getMemberInfoByIdOrMobile` result.
pub fn member_json(member: &Json) -> Result<Json> {
    read(
        &MEMBER,
        &DIALECT,
        &context(Operation::GetMemberInfo),
        member,
    )
}

/// The typed result of `op` from its parsed `responseBody`, as JSON.
pub fn result_json(op: Operation, body: &Json) -> Result<Json> {
    if let Operation::Other { .. } = op {
        return Ok(crate::vendors::generic::raw_result(body));
    }
    let ctx = context(op);
    let schema = match op {
        Operation::GetMemberInfo if body.is_null() => {
            return Err(fail(&DIALECT, "@no `responseBody`", &ctx, ""))
        }
        Operation::GetMemberInfo => &MEMBER,
        Operation::GetMembers => &MEMBER_PAGE,
        Operation::StatisticalScore => &STATISTICS,
        Operation::GetScoreRecords => &SCORE_PAGE,
        // A points change without `responseBody` is an empty result.
        _ if body.is_null() => return Ok(Json::Object(Vec::new())),
        _ => &SCORE_CHANGE,
    };
    read(schema, &DIALECT, &ctx, body)
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
