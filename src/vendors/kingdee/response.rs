//! Parsing Kingdee replies: the 519 gateway errors, the business envelope, and
//! the typed results of each operation. Numbers are read leniently (the vendor
//! sends `"100"` and `100` for the same field).

use super::errors;
use crate::core::error::{scrub, Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;
use crate::vendors::result_schema::{read, Dialect, Field, Kind::*, Schema};
use std::fmt;

const VENDOR: &str = "kingdee";

/// Checks the status and envelope of a reply and returns its `data`
/// (`Json::Null` when the vendor sent none).
pub fn parse_envelope(resp: &HttpResponse) -> Result<Json> {
    let request_id = resp.header("x-api-requestid").map(str::to_string);
    let fail = |e: Error| {
        e.with_vendor(VENDOR)
            .with_status(resp.status)
            .with_request_id(request_id.clone())
    };

    let body = Json::parse_bytes(&resp.body);
    if resp.status == 429 {
        // The token endpoint's 429 names the gateway's code (`{errcode:5007}`): keep it.
        let mut e = Error::new(
            ErrorCode::RateLimited,
            "Kingdee rate limit reached (HTTP 429)",
        )
        .retryable(true)
        .with_retry_after(resp.retry_after_ms());
        if let Some(c) = body
            .as_ref()
            .ok()
            .and_then(|b| b.get("errcode"))
            .and_then(Json::as_i64_lenient)
        {
            e = e.with_vendor_code(c.to_string());
        }
        return Err(fail(e));
    }
    if resp.status == 519 {
        let body = body.map_err(|_| {
            fail(Error::parse(
                "Kingdee gateway error (HTTP 519) with an unreadable body",
            ))
        })?;
        let code = body.get("errcode").and_then(Json::as_i64_lenient);
        let text = body
            .get("description_cn")
            .or_else(|| body.get("description"))
            .and_then(Json::as_text)
            .unwrap_or_default();
        return Err(fail(gateway_error(code, &text)));
    }
    if !(200..300).contains(&resp.status) {
        return Err(fail(
            Error::new(
                ErrorCode::Http,
                format!("Kingdee answered HTTP {}", i64::from(resp.status)),
            )
            .retryable(resp.status >= 500),
        ));
    }
    let body = body.map_err(|e| {
        // Not JSON at all: truncated or garbled on the way, worth another try.
        fail(Error::parse(format!("Kingdee reply is not JSON ({})", e.message)).retryable(true))
    })?;
    if body.as_object().is_none() {
        return Err(fail(Error::parse("Kingdee reply is not a JSON object")));
    }
    // Business envelope {errcode, description, data}; push_app_authorize may
    // answer {code: 200, msg, data} instead (docs/vendors/kingdee.md §4).
    let (code, text) = if let Some(c) = body.get("errcode") {
        (c.as_i64_lenient(), body.text_at("description"))
    } else if let Some(c) = body.get("code") {
        let c = c.as_i64_lenient();
        (c.map(|c| if c == 200 { 0 } else { c }), body.text_at("msg"))
    } else {
        return Err(fail(Error::parse(
            "Kingdee reply has neither `errcode` nor `code`",
        )));
    };
    match code {
        // Moved out, not cloned: the rest of the reply is dropped here.
        Some(0) => Ok(body.take("data").unwrap_or(Json::Null)),
        Some(c) => {
            let text = scrub(&text.unwrap_or_default(), 200);
            let e = match errors::row(resp.status, c) {
                Some(row) => {
                    Error::new(row.kind, row.describe(&format!("Kingdee error {c}"), &text))
                        .with_row(row)
                }
                None => Error::new(ErrorCode::Vendor, format!("Kingdee error {c}: {text}")),
            };
            Err(fail(e.with_vendor_code(c.to_string())))
        }
        None => Err(fail(Error::parse("Kingdee `errcode` is not a number"))),
    }
}

/// Maps an HTTP 519 gateway errcode through the error table (`errors.rs`).
fn gateway_error(code: Option<i64>, text: &str) -> Error {
    let text = scrub(text, 200);
    let Some(c) = code else {
        // Like any 5xx: another attempt may help, and it proves nothing.
        return Error::new(
            ErrorCode::Http,
            "Kingdee gateway error (HTTP 519) without an errcode",
        )
        .retryable(true);
    };
    let row = errors::row(errors::GATEWAY, c).unwrap_or(&errors::OTHER_GATEWAY);
    Error::new(
        row.kind,
        row.describe(&format!("Kingdee gateway {c}"), &text),
    )
    .with_row(row)
    .with_vendor_code(c.to_string())
}

fn opt_text(j: &Json, key: &str) -> Option<String> {
    j.filled_at(key)
}

fn opt_json_str(s: &Option<String>) -> Option<Json> {
    s.as_ref().map(Json::str)
}

/// One authorisation row of `push_app_authorize`. `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization {
    /// appKey of the account set.
    pub app_key: String,
    /// appSecret of the account set (rotates; never logged).
    pub app_secret: String,
    /// IDC address for `X-GW-Router-Addr`.
    pub domain: String,
    /// Account set id, if given.
    pub account_id: Option<String>,
    /// Account set name, if given.
    pub account_name: Option<String>,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("app_key", &self.app_key)
            .field("app_secret", &"***")
            .field("domain", &self.domain)
            .finish()
    }
}

impl Authorization {
    /// Picks the valid row (`status == 1`) of the `data` array.
    pub fn from_data(data: &Json) -> Result<Authorization> {
        let rows = data.as_array().ok_or_else(|| {
            Error::parse("push_app_authorize `data` is not an array").with_vendor(VENDOR)
        })?;
        let row = rows
            .iter()
            .find(|r| r.get("status").and_then(Json::as_i64_lenient) == Some(1))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Auth,
                    "no valid (status 1) authorisation for this outerInstanceId",
                )
                .with_vendor(VENDOR)
            })?;
        let field =
            |camel: &str, snake: &str| opt_text(row, camel).or_else(|| opt_text(row, snake));
        let missing = |name: &str| {
            Error::parse(format!("authorisation row lacks `{name}`")).with_vendor(VENDOR)
        };
        Ok(Authorization {
            app_key: field("appKey", "app_key").ok_or_else(|| missing("appKey"))?,
            app_secret: field("appSecret", "app_secret").ok_or_else(|| missing("appSecret"))?,
            domain: field("domain", "domain").ok_or_else(|| missing("domain"))?,
            account_id: field("accountId", "account_id"),
            account_name: field("accountName", "account_name"),
        })
    }

    /// The row without its secret, for returning to callers.
    pub fn to_json_masked(&self) -> Json {
        Json::object([
            ("appKey", Some(Json::str(&self.app_key))),
            ("appSecret", Some(Json::str("***"))),
            ("domain", Some(Json::str(&self.domain))),
            ("accountId", opt_json_str(&self.account_id)),
            ("accountName", opt_json_str(&self.account_name)),
            ("status", Some(Json::int(1))),
        ])
    }
}

/// An app-token and when it expires. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AppToken {
    /// The token (`data["app-token"]`).
    pub token: String,
    /// Expiry, epoch ms.
    pub expires_ms: u64,
    /// The user the token is for, if given.
    pub uid: Option<String>,
}

impl fmt::Debug for AppToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppToken")
            .field("token", &"***")
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

impl AppToken {
    /// Reads `kingdee_auth_token` data.
    pub fn from_data(data: &Json) -> Result<AppToken> {
        let token = opt_text(data, "app-token").ok_or_else(|| {
            Error::parse("kingdee_auth_token reply lacks `app-token`").with_vendor(VENDOR)
        })?;
        let expires = data
            .get("expires")
            .and_then(Json::as_i64_lenient)
            .filter(|e| *e > 0)
            .ok_or_else(|| {
                Error::parse("kingdee_auth_token reply lacks a valid `expires`").with_vendor(VENDOR)
            })?;
        Ok(AppToken {
            token,
            expires_ms: u64::try_from(expires).unwrap_or(0),
            uid: opt_text(data, "uid"),
        })
    }

    /// The token data with the token masked.
    pub fn to_json_masked(&self) -> Json {
        Json::object([
            ("app-token", Some(Json::str("***"))),
            ("expires", Some(Json::Number(self.expires_ms.to_string()))),
            ("uid", opt_json_str(&self.uid)),
        ])
    }
}

/// How Kingdee words result errors (`@` is the operation, e.g. `integral_record `).
static DIALECT: Dialect = Dialect {
    vendor: VENDOR,
    blank_is_absent: false,
    not_int: "Kingdee field `$` is not an integer",
    missing: "@lacks `$`",
    not_array: "@`$` is not an array",
    not_row: "@row is not an object",
    not_object: "",
    int_keys: &[],
    id_keys: &[],
};

/// One ledger row of `integral_record`: 唯一记录标识id, 会员ID/名称, 创建/更改时间,
/// 上存积分 (balance before), 当次积分 (the change), 结存积分 (balance after),
/// 积分业务类型 id/编号/名称.
static RECORD: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("id", Text),
        Field("member_id", Text),
        Field("member_name", Text),
        Field("create_time", Text),
        Field("modify_time", Text),
        Field("last_integral", Int),
        Field("occur", Int),
        Field("integral", Int),
        Field("type_id", Text),
        Field("type_number", Text),
        Field("type_name", Text),
    ],
};

fn row_count(data: &Json) -> Option<Json> {
    let n = data
        .get_present("rows")
        .and_then(Json::as_array)
        .map_or(0, <[Json]>::len);
    Some(Json::int(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// One page of `integral_record`: 总条数, 总页数, 当前页 (`page`, or
/// `current_page`), 每页条数, the rows of this page (read first, then `page`).
static RECORD_PAGE: Schema = Schema {
    object: Some("@`data` is missing or not an object"),
    first: &[5, 2],
    fields: &[
        Field("count", Int),
        Field("total_page", Int),
        Field("page", IntOr(&"current_page")),
        Field("page_size", Int),
        Field("cur_page_size", Derived(row_count)),
        Field("rows", Rows(&RECORD)),
    ],
};

/// Member info inside a balance reply.
static MEMBER: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("id", Text),
        Field("mobile", Text),
        Field("name", Text),
        Field("db_modify_time", Text),
    ],
};

/// The member card inside a balance reply.
static CARD: Schema = Schema {
    object: None,
    first: &[],
    fields: &[Field("id", Text), Field("card_no", Text)],
};

/// The points part of `account_balance_info`: 总积分, 会员等级积分, 剩余积分,
/// 预核销积分 (pending), 可用积分.
static INTEGRAL: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("member", Nested(&MEMBER)),
        Field("mb_card", Nested(&CARD)),
        Field("total", Int),
        Field("level_total", Int),
        Field("last", Int),
        Field("pre", Int),
        Field("usable", Int),
    ],
};

/// The stored-value part (money, not points): each amount as text, in the
/// vendor's order; `null` when not sent.
fn recharge(data: &Json) -> Option<Json> {
    let amounts = data.get_present("recharge").and_then(Json::as_object);
    Some(amounts.map_or(Json::Null, |pairs| {
        let mut out = Vec::new();
        for (k, v) in pairs {
            if let (false, Some(t)) = (k == "member", v.as_text()) {
                out.push((k.clone(), Json::String(t)));
            }
        }
        Json::Object(out)
    }))
}

/// `account_balance_info` data.
static BALANCE: Schema = Schema {
    object: None,
    first: &[],
    fields: &[
        Field("integral", Object(&INTEGRAL)),
        Field("recharge", Derived(recharge)),
    ],
};

/// `integral_record` data as JSON, numbers as numbers.
pub fn record_page_json(data: &Json) -> Result<Json> {
    read(&RECORD_PAGE, &DIALECT, "integral_record ", data)
}

/// `account_balance_info` data as JSON, points as numbers.
pub fn balance_json(data: &Json) -> Result<Json> {
    read(&BALANCE, &DIALECT, "account_balance_info reply ", data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("X-Api-Requestid".into(), "rid-1".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn gateway_519_maps_codes() {
        let e = parse_envelope(&resp(
            519,
            r#"{"errcode":4008,"description":"X-Api-Signature is invalid"}"#,
        ))
        .err();
        let e = e.as_ref();
        assert_eq!(e.map(|e| e.code), Some(ErrorCode::Signature));
        assert_eq!(e.and_then(|e| e.request_id.as_deref()), Some("rid-1"));
        assert_eq!(e.and_then(|e| e.vendor_code.as_deref()), Some("4008"));
        let unknown = parse_envelope(&resp(519, r#"{"errcode":4999}"#)).err();
        assert_eq!(
            unknown.map(|e| (e.code, e.retryable)),
            Some((ErrorCode::Http, false))
        );
        let token = parse_envelope(&resp(519, r#"{"errcode":"4011"}"#)).err();
        let renew = token.as_ref().and_then(|e| e.row).map(|r| r.renew);
        assert_eq!(renew, Some(crate::core::error_table::Renew::Token));
    }

    #[test]
    fn malformed_replies_are_errors() {
        for (status, body) in [
            (200, "<html>"),
            (200, "[]"),
            (200, r#"{"data":{}}"#),
            (200, r#"{"errcode":"x"}"#),
            (519, "oops"),
            (200, ""),
        ] {
            assert!(
                parse_envelope(&resp(status, body)).is_err(),
                "{status} {body}"
            );
        }
        let page = record_page_json(&Json::Null);
        assert_eq!(page.err().map(|e| e.code), Some(ErrorCode::Parse));
        let bad_rows = Json::parse(r#"{"count":1,"rows":[{"occur":"abc"}]}"#).unwrap_or(Json::Null);
        assert!(record_page_json(&bad_rows).is_err());
    }

    #[test]
    fn both_envelopes_are_accepted() {
        let a = parse_envelope(&resp(
            200,
            r#"{"code":200,"msg":"ok","data":[{"appKey":"k","appSecret":"s","domain":"d","status":0},{"appKey":"k2","appSecret":"s2","domain":"https://tf.jdy.com","status":"1"}]}"#,
        ));
        let auth = a.and_then(|d| Authorization::from_data(&d));
        assert_eq!(auth.as_ref().map(|a| a.app_key.as_str()).ok(), Some("k2"));
        assert!(!format!("{auth:?}").contains("s2"));
        let b = parse_envelope(&resp(
            200,
            r#"{"errcode":1030002006,"description":"授权密钥校验失败"}"#,
        ))
        .err();
        assert_eq!(b.map(|e| e.code), Some(ErrorCode::Auth));
    }

    #[test]
    fn numbers_parse_as_strings_or_ints() {
        let data = Json::parse(r#"{"count":"2","total_page":1,"page":"1","page_size":10,"rows":[{"id":"1","occur":"20","integral":500,"last_integral":"480"},{"id":"2","occur":-5,"integral":"495","last_integral":500}]}"#).unwrap_or(Json::Null);
        let page = record_page_json(&data).unwrap_or(Json::Null);
        assert_eq!(page.get("count"), Some(&Json::int(2)));
        let rows = page.get("rows").and_then(Json::as_array).unwrap_or(&[]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.get(1).and_then(|r| r.get("occur")),
            Some(&Json::int(-5))
        );
    }
}
