//! Parsing Qimai replies: the `{status, code, message, data}` envelope (plus
//! `traceId` in v3) and the typed results of each operation.
//!
//! The envelope is read tolerantly (docs/vendors/qimai.md §7): `status` as a boolean or
//! `"true"`/`"false"`, `code` as an integer or a numeric string. Success is
//! `status` true **and** `code` 0; the doc's "异常示例" answers `status: true`
//! with a non-zero code, which is an error. Anything but success is a `vendor`
//! error carrying the vendor's code, message and `traceId` (as `request_id`).
//!
//! Result shapes other than `getCustomerPoints` (docs/vendors/qimai.md §6) are the
//! simulator's assumptions (`sim/README.md`); results keep every field the
//! vendor sent, under its own name, with the known integer fields turned into
//! JSON numbers and the known id fields into strings (an 18-digit id must not
//! pass through a JavaScript number).

use super::errors;
use super::ops::Operation;
use crate::core::error::{scrub, Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;
use crate::vendors::result_schema::{self, read, Dialect, Field, Kind::*, Schema};

const VENDOR: &str = "qimai";

/// Fields read as integers wherever they occur in a result.
const INT_KEYS: [&str; 16] = [
    "totalPoints",
    "foreverPoints",
    "soonExpiredPoints",
    "changePoints",
    "afterPoints",
    "sourceType",
    "pointsChannel",
    "total",
    "page",
    "pageSize",
    "page_size",
    "points",
    "after_points",
    "source_type",
    "user_points",
    "type",
];

/// Fields read as strings wherever they occur in a result (ids).
const ID_KEYS: [&str; 7] = [
    "customerId",
    "user_id",
    "bizId",
    "biz_id",
    "flowId",
    "id",
    "originBizId",
];

fn trace_id(body: &Json) -> Option<String> {
    body.filled_at("traceId")
}

/// The vendor's code and message from an error body, if it has them.
fn code_and_message(body: &Json) -> (Option<String>, String) {
    let code = body.filled_at("code");
    let message = body
        .text_at("message")
        .map(|m| scrub(&m, 200))
        .unwrap_or_default();
    (code, message)
}

/// Checks the status and envelope of a reply and returns its `data`
/// (`Json::Null` when the vendor sent none).
pub fn parse_envelope(resp: &HttpResponse) -> Result<Json> {
    let body = Json::parse_bytes(&resp.body)
        .ok()
        .filter(|b| b.as_object().is_some());
    let request_id = body.as_ref().and_then(trace_id);
    let fail = |e: Error| {
        e.with_vendor(VENDOR)
            .with_status(resp.status)
            .with_request_id(request_id.clone())
    };
    let (vendor_code, vendor_message) = body.as_ref().map(code_and_message).unwrap_or_default();
    // What the code means, at any status (`errors.rs`).
    let row = body
        .as_ref()
        .and_then(|b| b.get_present("code"))
        .and_then(Json::as_i64_lenient)
        .and_then(|c| errors::row(resp.status, &c.to_string()));
    // An error that answers with the vendor's code.
    let coded = |mut e: Error| {
        if let Some(r) = row {
            e = e.with_row(r);
        }
        if let Some(c) = &vendor_code {
            e = e.with_vendor_code(c.clone());
        }
        fail(e)
    };
    let detail = if vendor_message.is_empty() {
        String::new()
    } else {
        format!(" ({vendor_message})")
    };

    if resp.status == 429 {
        return Err(coded(
            Error::new(
                ErrorCode::RateLimited,
                format!("Qimai rate limit reached (HTTP 429){detail}"),
            )
            .retryable(true)
            .with_retry_after(resp.retry_after_ms()),
        ));
    }
    if !(200..300).contains(&resp.status) {
        return Err(coded(
            Error::new(
                ErrorCode::Http,
                format!("Qimai answered HTTP {}{detail}", i64::from(resp.status)),
            )
            .retryable(resp.status >= 500),
        ));
    }
    let Some(body) = body else {
        // A truncated or non-JSON reply: the request may or may not have been
        // acted on; every Qimai call is safe to repeat, so it is retryable.
        return Err(fail(
            Error::parse("Qimai reply is not a JSON object").retryable(true),
        ));
    };
    let status = body
        .get("status")
        .and_then(Json::as_bool_lenient)
        .ok_or_else(|| fail(Error::parse("Qimai reply lacks a boolean `status`")))?;
    let code = body.get_present("code").and_then(Json::as_i64_lenient);
    if status && code == Some(0) {
        return Ok(body.get("data").cloned().unwrap_or(Json::Null));
    }
    if status && code.is_none() {
        return Err(fail(Error::parse(
            "Qimai reply has `status` true but no numeric `code`",
        )));
    }
    let shown = vendor_code.clone().unwrap_or_else(|| "(none)".into());
    // Our words for a code of the table, then the vendor's.
    let lead = format!("Qimai error {shown}");
    let message = match row {
        Some(r) => r.describe(&lead, &vendor_message),
        None if vendor_message.is_empty() => lead,
        None => format!("{lead}: {vendor_message}"),
    };
    Err(coded(Error::new(
        row.map_or(ErrorCode::Vendor, |r| r.kind),
        message,
    )))
}

/// How Qimai words result errors (`@` names the result) and which keys it normalises.
static DIALECT: Dialect = Dialect {
    vendor: VENDOR,
    blank_is_absent: true,
    not_int: "Qimai field `$` is not an integer",
    missing: "Qimai field `$` is not present",
    not_array: "Qimai field `$` is not an array",
    not_row: "Qimai field `$` is not an array of objects",
    not_object: "Qimai field `$` is not an object",
    int_keys: &INT_KEYS,
    id_keys: &ID_KEYS,
};

const NOT_OBJECT: Option<&str> = Some("Qimai `data` of @ is missing or not an object");

/// A copy of `value` with the known integer fields as JSON numbers and the
/// known id fields as strings, at any depth. A known integer field holding
/// something else is a parse error; `null` and `""` are kept as they are.
pub fn normalise(value: &Json) -> Result<Json> {
    result_schema::normalise(&DIALECT, value)
}

/// `getCustomerPoints` data (docs/vendors/qimai.md §6), also the `points` of
/// `allCustomerInfo`: 总积分 (the balance, required), 永久积分, 即将过期积分,
/// and when those expire (`yyyy-MM-dd HH:mm:ss`, or empty).
static CUSTOMER_POINTS: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[
        Field("totalPoints", ReqInt),
        Field("foreverPoints", Int),
        Field("soonExpiredPoints", Int),
        Field("expiredTime", Text),
    ],
};

/// The data of a points change (add, reduce, reverse): the known fields
/// present, then every other field's value normalised (read first). Every field is
/// optional: the v3 shape is the simulator's assumption.
static POINTS_CHANGE: Schema = Schema {
    object: NOT_OBJECT,
    first: &[5],
    fields: &[
        Field("customerId", OptText),
        Field("bizId", OptText),
        Field("changePoints", OptInt),
        Field("totalPoints", OptInt),
        Field("flowId", OptText),
        Field("", RestValues),
    ],
};

/// A page of ledger rows: `list`, when present, an array of objects.
static PAGE: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[Field("list", MustRows), Field("", Rest)],
};

/// `getCustomerIdByPhone`: a non-empty `customerId`.
static CUSTOMER_ID: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[Field("customerId", MustText), Field("", Rest)],
};

/// `communal.user.identity`: `user_info`, when present, an object.
static IDENTITY: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[Field("user_info", MustObject), Field("", Rest)],
};

/// Any object, normalised.
static OBJECT: Schema = Schema {
    object: NOT_OBJECT,
    first: &[],
    fields: &[Field("", Rest)],
};

/// `allCustomerInfo`: every field normalised, `points` read as `getCustomerPoints`.
fn all_customer_info(data: &Json) -> Result<Json> {
    let pairs = data.as_object().ok_or_else(|| {
        result_schema::fail(
            &DIALECT,
            NOT_OBJECT.unwrap_or_default(),
            "allCustomerInfo",
            "",
        )
    })?;
    let mut out = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        let v = if k == "points" && !v.is_null() {
            read(&CUSTOMER_POINTS, &DIALECT, "getCustomerPoints", v)?
        } else {
            normalise(v)?
        };
        out.push((k.clone(), v));
    }
    Ok(Json::Object(out))
}

/// The typed result of `op`, as JSON.
pub fn result_json(op: Operation, data: &Json) -> Result<Json> {
    let (schema, what) = match op {
        Operation::Other { .. } => return Ok(crate::vendors::generic::raw_result(data)),
        Operation::PointsAdd
        | Operation::AddCustomerPoints
        | Operation::ReducePoints
        | Operation::ReversePoints => {
            // v2 `user.points-add` answers `data: []`: nothing to report.
            if data.is_null() || data.as_array().is_some_and(<[Json]>::is_empty) {
                return Ok(Json::Object(Vec::new()));
            }
            (&POINTS_CHANGE, "a points change")
        }
        Operation::GetCustomerPoints => (&CUSTOMER_POINTS, "getCustomerPoints"),
        Operation::GetCrmPointsFlow => (&PAGE, "getCrmPointsFlow"),
        Operation::UserPointsRecords => (&PAGE, "user.user-points-records"),
        Operation::AllCustomerInfo => return all_customer_info(data),
        Operation::GetCustomerIdByPhone => (&CUSTOMER_ID, "getCustomerIdByPhone"),
        Operation::GatherCustomerInfo | Operation::GetherCustomerInfo => {
            (&OBJECT, "gatherCustomerInfo")
        }
        Operation::UserIdentity => (&IDENTITY, "communal.user.identity"),
    };
    read(schema, &DIALECT, what, data)
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
    fn success_in_both_spellings() {
        let v2 = parse_envelope(&resp(
            200,
            r#"{"status":"true","code":"0","message":"success","data":[]}"#,
        ))
        .unwrap();
        assert_eq!(v2, Json::Array(vec![]));
        let v3 = parse_envelope(&resp(
            200,
            r#"{"status":true,"code":0,"message":"success","data":{"a":1},"traceId":"t1"}"#,
        ))
        .unwrap();
        assert_eq!(v3.get("a"), Some(&Json::int(1)));
        assert_eq!(
            parse_envelope(&resp(200, r#"{"status":"TRUE","code":" 0 "}"#)).unwrap(),
            Json::Null
        );
    }

    #[test]
    fn business_and_system_errors() {
        let e = parse_envelope(&resp(
            200,
            r#"{"status":false,"code":50002,"message":"积分不足","data":null,"traceId":"abc"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            (e.code, e.vendor_code.as_deref(), e.request_id.as_deref()),
            (ErrorCode::Vendor, Some("50002"), Some("abc"))
        );
        assert!(e.message.contains("积分不足") && !e.retryable);
        // The doc's 异常示例: status true with an error code.
        let e = parse_envelope(&resp(
            200,
            r#"{"status":true,"code":"40005","message":"查询的信息不存在"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.vendor_code.as_deref(), Some("40005"));
        let e = parse_envelope(&resp(
            503,
            r#"{"status":false,"code":99999,"message":"系统错误","traceId":"t"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            (e.code, e.retryable, e.vendor_code.as_deref(), e.http_status),
            (ErrorCode::Http, true, Some("99999"), Some(503))
        );
        let e = parse_envelope(&HttpResponse {
            status: 429,
            headers: vec![("Retry-After".into(), "2".into())],
            body: b"{}".to_vec(),
        })
        .unwrap_err();
        assert_eq!(
            (e.code, e.retry_after_ms),
            (ErrorCode::RateLimited, Some(2000))
        );
    }

    #[test]
    fn malformed_replies_are_parse_errors() {
        for body in [
            "",
            "{\"status\":true,\"code\":0,\"data\":{\"tot",
            "[]",
            "null",
            r#"{"code":0}"#,
            r#"{"status":"yes","code":0}"#,
            r#"{"status":true}"#,
            r#"{"status":true,"code":"x"}"#,
            "\u{0}",
        ] {
            let e = parse_envelope(&resp(200, body)).unwrap_err();
            assert_eq!(e.code, ErrorCode::Parse, "{body}");
        }
        for (op, data) in [
            (Operation::GetCustomerPoints, "null"),
            (Operation::GetCustomerPoints, r#"{"totalPoints":"abc"}"#),
            (Operation::GetCustomerPoints, r#"{"foreverPoints":1}"#),
            (Operation::GetCrmPointsFlow, r#"{"list":"x"}"#),
            (Operation::GetCrmPointsFlow, r#"{"list":[1]}"#),
            (Operation::GetCrmPointsFlow, r#"{"total":1.5,"list":[]}"#),
            (Operation::AddCustomerPoints, r#""ok""#),
            (Operation::ReducePoints, r#"{"totalPoints":{}}"#),
            (Operation::GetCustomerIdByPhone, r#"{}"#),
            (Operation::UserIdentity, r#"{"user_info":[]}"#),
            (
                Operation::AllCustomerInfo,
                r#"{"points":{"totalPoints":"x"}}"#,
            ),
        ] {
            let e = result_json(op, &Json::parse(data).unwrap()).unwrap_err();
            assert_eq!(e.code, ErrorCode::Parse, "{op:?} {data}");
        }
    }

    #[test]
    fn results_normalise_numbers_and_ids() {
        let d = Json::parse(r#"{"totalPoints":"1000","foreverPoints":900,"soonExpiredPoints":"100","expiredTime":"2025-12-31 23:59:59"}"#).unwrap();
        assert_eq!(
            result_json(Operation::GetCustomerPoints, &d)
                .unwrap()
                .to_json_string(),
            r#"{"totalPoints":1000,"foreverPoints":900,"soonExpiredPoints":100,"expiredTime":"2025-12-31 23:59:59"}"#
        );
        let d = Json::parse(r#"{"customerId":383933091455959041,"bizId":"b","changePoints":"-5","totalPoints":"995","flowId":7,"extra":{"id":1}}"#).unwrap();
        assert_eq!(
            result_json(Operation::ReducePoints, &d)
                .unwrap()
                .to_json_string(),
            r#"{"customerId":"383933091455959041","bizId":"b","changePoints":-5,"totalPoints":995,"flowId":"7","extra":{"id":"1"}}"#
        );
        assert_eq!(
            result_json(Operation::PointsAdd, &Json::Array(vec![])).unwrap(),
            Json::Object(vec![])
        );
        let d = Json::parse(r#"{"total":"2","page":1,"page_size":"10","list":[{"id":1,"user_id":"u","points":"-200","after_points":"1000","source_type":"0","reason":"","biz_id":"b","created_at":"t"}]}"#).unwrap();
        assert_eq!(
            result_json(Operation::UserPointsRecords, &d)
                .unwrap()
                .to_json_string(),
            r#"{"total":2,"page":1,"page_size":10,"list":[{"id":"1","user_id":"u","points":-200,"after_points":1000,"source_type":0,"reason":"","biz_id":"b","created_at":"t"}]}"#
        );
    }
}
