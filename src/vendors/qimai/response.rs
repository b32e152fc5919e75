//! Parsing Qimai replies: the `{status, code, message, data}` envelope (plus
//! `traceId` in v3) and the typed results of each operation.
//!
//! The envelope is read tolerantly (qimai.md §7): `status` as a boolean or
//! `"true"`/`"false"`, `code` as an integer or a numeric string. Success is
//! `status` true **and** `code` 0; the doc's "异常示例" answers `status: true`
//! with a non-zero code, which is an error. Anything but success is a `vendor`
//! error carrying the vendor's code, message and `traceId` (as `request_id`).
//!
//! Result shapes other than `getCustomerPoints` (qimai.md §6) are the
//! simulator's assumptions (`sim/README.md`); results keep every field the
//! vendor sent, under its own name, with the known integer fields turned into
//! JSON numbers and the known id fields into strings (an 18-digit id must not
//! pass through a JavaScript number).

use super::ops::Operation;
use crate::core::error::{scrub, CollectAll, Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;

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
    body.get("traceId")
        .and_then(Json::as_text)
        .filter(|s| !s.is_empty())
}

/// The vendor's code and message from an error body, if it has them.
fn code_and_message(body: &Json) -> (Option<String>, String) {
    let code = body
        .get_present("code")
        .and_then(Json::as_text)
        .filter(|s| !s.is_empty());
    let message = body
        .get("message")
        .and_then(Json::as_text)
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
    let detail = if vendor_message.is_empty() {
        String::new()
    } else {
        format!(" ({vendor_message})")
    };

    if resp.status == 429 {
        let mut e = Error::new(
            ErrorCode::RateLimited,
            format!("Qimai rate limit reached (HTTP 429){detail}"),
        )
        .retryable(true)
        .with_retry_after(resp.retry_after_ms());
        if let Some(c) = vendor_code {
            e = e.with_vendor_code(c);
        }
        return Err(fail(e));
    }
    if !(200..300).contains(&resp.status) {
        let mut e = Error::new(
            ErrorCode::Http,
            format!("Qimai answered HTTP {}{detail}", resp.status),
        )
        .retryable(resp.status >= 500);
        if let Some(c) = vendor_code {
            e = e.with_vendor_code(c);
        }
        return Err(fail(e));
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
    let message = if vendor_message.is_empty() {
        format!("Qimai error {shown}")
    } else {
        format!("Qimai error {shown}: {vendor_message}")
    };
    let mut e = Error::new(ErrorCode::Vendor, message);
    if let Some(c) = vendor_code {
        e = e.with_vendor_code(c);
    }
    Err(fail(e))
}

/// Whether an error is a business refusal by the vendor (an answered
/// `status:false` or non-zero `code`), as opposed to a transport, HTTP or parse failure.
pub fn is_business_error(e: &Error) -> bool {
    e.vendor == Some(VENDOR) && e.code == ErrorCode::Vendor
}

fn bad_field(key: &str, what: &str) -> Error {
    Error::parse(format!("Qimai field `{key}` is not {what}")).with_vendor(VENDOR)
}

/// A copy of `value` with the known integer fields as JSON numbers and the
/// known id fields as strings, at any depth. A known integer field holding
/// something else is a parse error; `null` and `""` are kept as they are.
pub fn normalise(value: &Json) -> Result<Json> {
    Ok(match value {
        Json::Array(items) => Json::Array(items.iter().map(normalise).collect_all()?),
        Json::Object(pairs) => {
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let v = if INT_KEYS.contains(&k.as_str()) && !is_blank(v) {
                    Json::int(
                        v.as_i64_lenient()
                            .ok_or_else(|| bad_field(k, "an integer"))?,
                    )
                } else if ID_KEYS.contains(&k.as_str()) && matches!(v, Json::Number(_)) {
                    Json::String(v.as_text().unwrap_or_default())
                } else {
                    normalise(v)?
                };
                out.push((k.clone(), v));
            }
            Json::Object(out)
        }
        other => other.clone(),
    })
}

fn is_blank(v: &Json) -> bool {
    matches!(v, Json::Null) || v.as_str() == Some("")
}

fn opt_int(data: &Json, key: &str) -> Result<Option<i64>> {
    match data.get(key) {
        None => Ok(None),
        Some(v) if is_blank(v) => Ok(None),
        Some(v) => v
            .as_i64_lenient()
            .map(Some)
            .ok_or_else(|| bad_field(key, "an integer")),
    }
}

fn opt_text(data: &Json, key: &str) -> Option<String> {
    data.get_present(key).and_then(Json::as_text)
}

fn object<'a>(data: &'a Json, what: &str) -> Result<&'a [(String, Json)]> {
    data.as_object().ok_or_else(|| {
        Error::parse(format!(
            "Qimai `data` of {what} is missing or not an object"
        ))
        .with_vendor(VENDOR)
    })
}

/// `getCustomerPoints` data (qimai.md §6), also the `points` of `allCustomerInfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerPoints {
    /// 总积分: the balance.
    pub total_points: i64,
    /// 永久积分: points that do not expire.
    pub forever_points: i64,
    /// 即将过期积分.
    pub soon_expired_points: i64,
    /// When the expiring points expire (`yyyy-MM-dd HH:mm:ss`), or empty.
    pub expired_time: String,
}

impl CustomerPoints {
    /// Reads the data object; `totalPoints` is required.
    pub fn from_data(data: &Json) -> Result<Self> {
        object(data, "getCustomerPoints")?;
        Ok(CustomerPoints {
            total_points: opt_int(data, "totalPoints")?
                .ok_or_else(|| bad_field("totalPoints", "present"))?,
            forever_points: opt_int(data, "foreverPoints")?.unwrap_or(0),
            soon_expired_points: opt_int(data, "soonExpiredPoints")?.unwrap_or(0),
            expired_time: opt_text(data, "expiredTime").unwrap_or_default(),
        })
    }

    /// As JSON, vendor field names, points as numbers.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("totalPoints", Some(Json::int(self.total_points))),
            ("foreverPoints", Some(Json::int(self.forever_points))),
            (
                "soonExpiredPoints",
                Some(Json::int(self.soon_expired_points)),
            ),
            ("expiredTime", Some(Json::str(&self.expired_time))),
        ])
    }
}

/// The data of a points change (add, reduce, reverse). Every field is optional:
/// v2 `user.points-add` answers `data: []`, and the v3 shape is the simulator's assumption.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointsChange {
    /// 客户ID.
    pub customer_id: Option<String>,
    /// The change's `bizId`.
    pub biz_id: Option<String>,
    /// The signed change.
    pub change_points: Option<i64>,
    /// The balance after it.
    pub total_points: Option<i64>,
    /// The ledger row id.
    pub flow_id: Option<String>,
    /// Any other fields the vendor sent, normalised, in its order.
    pub other: Vec<(String, Json)>,
}

impl PointsChange {
    const KNOWN: [&'static str; 5] = [
        "customerId",
        "bizId",
        "changePoints",
        "totalPoints",
        "flowId",
    ];

    /// Reads the data: an object, or `null` / an empty array (nothing to report).
    pub fn from_data(data: &Json) -> Result<Self> {
        match data {
            Json::Null => return Ok(PointsChange::default()),
            Json::Array(a) if a.is_empty() => return Ok(PointsChange::default()),
            _ => {}
        }
        let pairs = object(data, "a points change")?;
        let mut other = Vec::new();
        for (k, v) in pairs {
            if !PointsChange::KNOWN.contains(&k.as_str()) {
                other.push((k.clone(), normalise(v)?));
            }
        }
        Ok(PointsChange {
            customer_id: opt_text(data, "customerId"),
            biz_id: opt_text(data, "bizId"),
            change_points: opt_int(data, "changePoints")?,
            total_points: opt_int(data, "totalPoints")?,
            flow_id: opt_text(data, "flowId"),
            other,
        })
    }

    /// As JSON: the known fields present, then the others.
    pub fn to_json(&self) -> Json {
        let mut j = Json::object([
            ("customerId", self.customer_id.as_deref().map(Json::str)),
            ("bizId", self.biz_id.as_deref().map(Json::str)),
            ("changePoints", self.change_points.map(Json::int)),
            ("totalPoints", self.total_points.map(Json::int)),
            ("flowId", self.flow_id.as_deref().map(Json::str)),
        ]);
        if let Json::Object(pairs) = &mut j {
            pairs.extend(self.other.iter().cloned());
        }
        j
    }
}

fn page(data: &Json, what: &str) -> Result<Json> {
    object(data, what)?;
    if let Some(list) = data.get_present("list") {
        let rows = list
            .as_array()
            .ok_or_else(|| bad_field("list", "an array"))?;
        if rows.iter().any(|r| r.as_object().is_none()) {
            return Err(bad_field("list", "an array of objects"));
        }
    }
    normalise(data)
}

/// The typed result of `op`, as JSON.
pub fn result_json(op: Operation, data: &Json) -> Result<Json> {
    match op {
        Operation::PointsAdd
        | Operation::AddCustomerPoints
        | Operation::ReducePoints
        | Operation::ReversePoints => Ok(PointsChange::from_data(data)?.to_json()),
        Operation::GetCustomerPoints => Ok(CustomerPoints::from_data(data)?.to_json()),
        Operation::GetCrmPointsFlow => page(data, "getCrmPointsFlow"),
        Operation::UserPointsRecords => page(data, "user.user-points-records"),
        Operation::AllCustomerInfo => {
            let pairs = object(data, "allCustomerInfo")?;
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let v = if k == "points" && !v.is_null() {
                    CustomerPoints::from_data(v)?.to_json()
                } else {
                    normalise(v)?
                };
                out.push((k.clone(), v));
            }
            Ok(Json::Object(out))
        }
        Operation::GetCustomerIdByPhone => {
            object(data, "getCustomerIdByPhone")?;
            if opt_text(data, "customerId").is_none_or(|s| s.is_empty()) {
                return Err(bad_field("customerId", "present"));
            }
            normalise(data)
        }
        Operation::GatherCustomerInfo | Operation::GetherCustomerInfo => {
            object(data, "gatherCustomerInfo")?;
            normalise(data)
        }
        Operation::UserIdentity => {
            object(data, "communal.user.identity")?;
            if let Some(u) = data.get_present("user_info") {
                if u.as_object().is_none() {
                    return Err(bad_field("user_info", "an object"));
                }
            }
            normalise(data)
        }
    }
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
        assert!(e.message.contains("积分不足") && !e.retryable && is_business_error(&e));
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
        assert!(!is_business_error(&e));
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
