//! Pushes from Freemud (member registered, points changed): parsing the
//! envelope `{ver, partnerId, appId, requestBody, sign}` and its
//! `requestBody`, the typed event, and the acknowledgement body.
//!
//! How the vendor signs pushes is undocumented (docs/vendors/freemud.md §5); jifen's default
//! is the request rule over the push envelope (`appId=…&partnerId=…&requestBody=…&ver=…`),
//! verified with `platformPublicKey` under `config.verify` (see the module docs of
//! [`super`]). This module is pure: the RSA check itself happens in the client.

use super::ops::{lenient_int, OperationType};
use super::response::member_json;
use super::sign::canonical_of_object;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;

const VENDOR: &str = "freemud";

/// Most fields an envelope may have (it has five: ver, partnerId, appId, requestBody, sign).
const MAX_FIELDS: usize = 32;

fn invalid(what: &str) -> Error {
    Error::new(
        ErrorCode::CallbackInvalid,
        format!("Freemud callback: {what}"),
    )
    .with_vendor(VENDOR)
}

/// `points.changed`: 推送会员积分变动信息.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointsChanged {
    /// 会员号.
    pub member_id: String,
    /// 用户手机号.
    pub mobile: String,
    /// 更新积分数 (positive).
    pub change_score: i64,
    /// 当前积分数 (after the change).
    pub current_score: i64,
    /// 变动类型: 1 add, 2 subtract.
    pub change_type: i64,
    /// 操作类型 code (1–17; kept even when unknown).
    pub operation_type: Option<i64>,
    /// 积分变换流水号.
    pub trans_no: Option<String>,
}

/// A typed push.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `member.registered`: 推送会员信息 (the member's profile, as the
    /// `getMemberInfoByIdOrMobile` result).
    MemberRegistered(Json),
    /// `points.changed`: 推送会员积分变动信息.
    PointsChanged(PointsChanged),
}

impl Event {
    /// `member.registered` or `points.changed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::MemberRegistered(_) => "member.registered",
            Event::PointsChanged(_) => "points.changed",
        }
    }

    /// `{type, data}` with numbers normalised.
    pub fn to_json(&self) -> Json {
        let data = match self {
            Event::MemberRegistered(m) => m.clone(),
            Event::PointsChanged(p) => Json::object([
                ("memberId", Some(Json::str(&p.member_id))),
                ("mobile", Some(Json::str(&p.mobile))),
                ("changeScore", Some(Json::int(p.change_score))),
                ("currentScore", Some(Json::int(p.current_score))),
                ("changeType", Some(Json::int(p.change_type))),
                ("operationType", p.operation_type.map(Json::int)),
                (
                    "operationName",
                    p.operation_type
                        .and_then(OperationType::from_code)
                        .map(|o| Json::str(o.name_zh())),
                ),
                ("transNo", p.trans_no.as_ref().map(Json::str)),
            ]),
        };
        Json::object([("type", Some(Json::str(self.kind()))), ("data", Some(data))])
    }
}

/// A parsed push, before its signature is checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The envelope's `partnerId`.
    pub partner_id: String,
    /// The envelope's `appId`.
    pub app_id: String,
    /// The canonical string the signature should cover.
    pub canonical: String,
    /// The envelope's `sign` (base64), if any.
    pub sign: Option<String>,
    /// `requestBody` parsed.
    pub body: Json,
    /// The typed event.
    pub event: Event,
}

fn int_field(body: &Json, key: &str) -> Result<i64> {
    body.get_present(key)
        .and_then(lenient_int)
        .ok_or_else(|| invalid(&format!("points change lacks an integer `{key}`")))
}

/// Parses a push body. Refuses (with `callback_invalid`) anything that is not
/// a Freemud envelope with a JSON-object `requestBody` of a known kind.
pub fn parse(body: &[u8]) -> Result<Callback> {
    let env = Json::parse_bytes(body).map_err(|_| invalid("body is not JSON"))?;
    let fields = env
        .as_object()
        .ok_or_else(|| invalid("body is not a JSON object"))?;
    // The canonical string copies and sorts the fields before the signature
    // is checked: refuse a wide body first (a handful is expected).
    if fields.len() > MAX_FIELDS {
        return Err(invalid("the envelope has too many fields"));
    }
    let text = |k: &str| env.filled_at(k);
    let ver = text("ver").ok_or_else(|| invalid("`ver` is missing"))?;
    if ver != "1" {
        return Err(invalid("`ver` is not 1"));
    }
    let partner_id = text("partnerId").ok_or_else(|| invalid("`partnerId` is missing"))?;
    let app_id = text("appId").ok_or_else(|| invalid("`appId` is missing"))?;
    let request_body = match env.get_present("requestBody") {
        Some(Json::String(s)) if !s.is_empty() => s.clone(),
        _ => return Err(invalid("`requestBody` is missing or not a string")),
    };
    let sign = env
        .get_present("sign")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let parsed = Json::parse(&request_body).map_err(|_| invalid("`requestBody` is not JSON"))?;
    if parsed.as_object().is_none() {
        return Err(invalid("`requestBody` is not a JSON object"));
    }
    let event = if parsed.get_present("changeScore").is_some()
        || parsed.get_present("changeType").is_some()
    {
        let change_type = int_field(&parsed, "changeType")?;
        if !(1..=2).contains(&change_type) {
            return Err(invalid("`changeType` is not 1 or 2"));
        }
        Event::PointsChanged(PointsChanged {
            member_id: parsed
                .text_at("memberId")
                .ok_or_else(|| invalid("points change lacks `memberId`"))?,
            mobile: parsed.text_at("mobile").unwrap_or_default(),
            change_score: int_field(&parsed, "changeScore")?,
            current_score: int_field(&parsed, "currentScore")?,
            change_type,
            operation_type: parsed.get_present("operationType").and_then(lenient_int),
            trans_no: parsed.text_at("transNo"),
        })
    } else if parsed.get_present("memberId").is_some()
        || parsed.get_present("memberChannels").is_some()
    {
        Event::MemberRegistered(
            member_json(&parsed).map_err(|_| invalid("member push is malformed"))?,
        )
    } else {
        return Err(invalid(
            "unknown push kind (neither a points change nor a member)",
        ));
    };
    Ok(Callback {
        partner_id,
        app_id,
        canonical: canonical_of_object(fields),
        sign,
        body: parsed,
        event,
    })
}

/// The acknowledgement the vendor expects: `{"ver":"1","statusCode":"100","message":"成功"}`.
pub fn ack() -> Json {
    Json::object([
        ("ver", Some(Json::str("1"))),
        ("statusCode", Some(Json::str("100"))),
        ("message", Some(Json::str("成功"))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_pushes_are_callback_invalid() {
        for bad in [
            "",
            "nope",
            "[]",
            r#"{"ver":1}"#,
            r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":{}}"#,
            r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":"{bad"}"#,
            r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":"[1]"}"#,
            r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":"{\"x\":1}"}"#,
            r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":"{\"changeScore\":\"x\",\"changeType\":1}"}"#,
            r#"{"ver":2,"partnerId":"1","appId":"a","requestBody":"{\"memberId\":\"1\"}"}"#,
        ] {
            assert_eq!(
                parse(bad.as_bytes()).err().map(|e| e.code),
                Some(ErrorCode::CallbackInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn member_push() {
        let c = parse(r#"{"ver":1,"partnerId":"1","appId":"a","requestBody":"{\"memberId\":\"115\",\"nickName\":\"童\"}","sign":"s"}"#.as_bytes()).unwrap();
        assert_eq!(c.event.kind(), "member.registered");
        assert_eq!(
            c.canonical,
            r#"appId=a&partnerId=1&requestBody={"memberId":"115","nickName":"童"}&ver=1"#
        );
    }
}
