//! Kingdee 精斗云 (JDY) open API v2: configuration, request building and signing,
//! reply parsing. Pure: no clock, no randomness, no I/O (the caller passes the
//! timestamp and nonce). The token flow's decisions live in `client`.

mod account_set;
pub mod errors;
pub mod ops;
pub mod points;
pub mod reconcile;
pub mod response;
pub mod sign;
mod vendor;

use crate::core::crypto::HmacSha256Cache;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{Header, Method, SignedRequest};
use crate::vendors::call_options::CallOptions;
use crate::vendors::config::ConfigReader;
use crate::vendors::params::Params;
use ops::Operation;
use response::{balance_json, record_page_json, AppToken, Authorization};
use std::fmt;
pub use vendor::Kingdee;

/// The production gateway.
pub const DEFAULT_BASE_URL: &str = "https://api.kingdee.com";

/// The vendor's name, as configs give it and errors carry it.
pub const VENDOR: &str = "kingdee";

/// A Kingdee client configuration. `Debug` hides both secrets.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// `X-Api-ClientID`: the developer app's id.
    pub client_id: String,
    /// The developer app's secret; signs every call.
    pub client_secret: String,
    /// The account set's appKey, when not pulled through `outerInstanceId`.
    pub app_key: Option<String>,
    /// The account set's appSecret (rotates every 24 h; prefer `outer_instance_id`).
    pub app_secret: Option<String>,
    /// Pull appKey/appSecret/domain with `push_app_authorize` using this id.
    pub outer_instance_id: Option<String>,
    /// The IDC address for `X-GW-Router-Addr`, when not pulled.
    pub domain: Option<String>,
    /// Ask for the token of this user instead of the account-set admin.
    pub uid: Option<String>,
    /// Gateway base URL.
    pub base_url: String,
    /// `client_secret` keyed into HMAC-SHA256 once, for every signature
    /// this config makes (re-keyed should `client_secret` change).
    mac: HmacSha256Cache,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("kingdee::Config")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("app_key", &self.app_key)
            .field("app_secret", &self.app_secret.as_ref().map(|_| "***"))
            .field("outer_instance_id", &self.outer_instance_id)
            .field("domain", &self.domain)
            .field(
                "base_url",
                &crate::core::request::redact_url(&self.base_url),
            )
            .finish()
    }
}

impl Config {
    /// Reads `{ vendor: "kingdee", clientId, clientSecret, appKey?, appSecret?, outerInstanceId?, domain?, uid?, baseUrl? }`.
    #[allow(clippy::field_reassign_with_default)] // see below
    pub fn from_json(j: &Json) -> Result<Config> {
        let r = ConfigReader::new(j, VENDOR)?;
        // Filled field by field: an early return then drops one `Config`
        // instead of each string read so far (smaller wasm).
        let mut c = Config::default();
        c.client_id = r.req("clientId")?;
        c.client_secret = r.req("clientSecret")?;
        c.app_key = r.opt("appKey")?;
        c.app_secret = r.opt("appSecret")?;
        c.outer_instance_id = r.opt("outerInstanceId")?;
        c.domain = r.opt("domain")?;
        c.uid = r.opt("uid")?;
        c.base_url = r.base_url(Some(DEFAULT_BASE_URL))?;
        if c.app_key.is_some() != c.app_secret.is_some() {
            return Err(Error::config("`appKey` and `appSecret` go together").with_vendor(VENDOR));
        }
        Ok(c)
    }

    /// [`sign::x_api_signature`] under `client_secret`, keyed once per config.
    pub fn x_api_signature(&self, string_to_sign: &str) -> String {
        sign::hex_base64(
            &self
                .mac
                .mac(self.client_secret.as_bytes(), string_to_sign.as_bytes()),
        )
    }

    /// The authorisation given directly in the config (no pull), if complete.
    pub fn static_authorization(&self) -> Option<Authorization> {
        Some(Authorization {
            app_key: self.app_key.clone()?,
            app_secret: self.app_secret.clone()?,
            domain: self.domain.clone().unwrap_or_default(),
            account_id: None,
            account_name: None,
        })
    }
}

/// A validated call, ready to be signed any number of times (each attempt
/// gets a fresh timestamp and nonce).
#[derive(Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The operation.
    pub op: Operation,
    /// The path it is sent to (a known operation's, or the one given with its method).
    pub path: String,
    /// Query parameters, unsorted.
    pub query: Vec<(String, String)>,
    /// JSON body for POSTs.
    pub body: Option<String>,
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token call's query carries app_signature, a credential.
        f.debug_struct("Prepared")
            .field("op", &self.op)
            .field("query_len", &self.query.len())
            .finish()
    }
}

impl Prepared {
    /// `push_app_authorize` for an outerInstanceId.
    pub fn push_app_authorize(outer_instance_id: &str) -> Prepared {
        Prepared {
            op: Operation::PushAppAuthorize,
            path: ops::PUSH_APP_AUTHORIZE.to_string(),
            query: vec![("outerInstanceId".into(), outer_instance_id.to_string())],
            body: Some("{}".into()),
        }
    }

    /// `kingdee_auth_token` for an authorisation.
    pub fn auth_token(auth: &Authorization, uid: Option<&str>) -> Prepared {
        let mut query = vec![
            ("app_key".to_string(), auth.app_key.clone()),
            (
                "app_signature".to_string(),
                sign::app_signature(&auth.app_key, &auth.app_secret),
            ),
        ];
        if let Some(uid) = uid {
            query.push(("uid".into(), uid.to_string()));
        }
        Prepared {
            op: Operation::KingdeeAuthToken,
            path: ops::KINGDEE_AUTH_TOKEN.to_string(),
            query,
            body: None,
        }
    }
}

/// Validates `params` for `op` (an operation path, or `METHOD /path`; see
/// [`ops`] for operations outside the table) against `config`.
pub fn prepare(config: &Config, op: &str, params: &Json) -> Result<Prepared> {
    prepare_with(config, op, params, &CallOptions::default())
}

/// [`prepare`] under per-call options (`allowFields`, `idempotent`).
pub fn prepare_with(
    config: &Config,
    op: &str,
    params: &Json,
    options: &CallOptions,
) -> Result<Prepared> {
    prepare_op(config, op, params, options).map_err(|e| e.with_vendor(VENDOR))
}

fn prepare_op(config: &Config, id: &str, params: &Json, options: &CallOptions) -> Result<Prepared> {
    let (op, path) = ops::route(id)?;
    if !matches!(op, Operation::Other { .. }) {
        options.refuse_idempotent_on_known(id)?;
    }
    let p = Params::new(params)?;
    let (query, body) = match op {
        // The token flow's two calls take no `allowFields`: jifen drives them itself.
        Operation::PushAppAuthorize => {
            p.only(&["outerInstanceId"])?;
            let id = p
                .opt_nonempty("outerInstanceId")?
                .or_else(|| config.outer_instance_id.clone())
                .ok_or_else(|| {
                    Error::invalid_input("`outerInstanceId` is required (in params or config)")
                })?;
            return Ok(Prepared::push_app_authorize(&id));
        }
        Operation::KingdeeAuthToken => {
            p.only(&["app_key", "app_secret", "app_signature", "uid"])?;
            let app_key = p
                .opt_nonempty("app_key")?
                .or_else(|| config.app_key.clone())
                .ok_or_else(|| {
                    Error::invalid_input("`app_key` is required (in params or config appKey)")
                })?;
            let uid = p.opt_nonempty("uid")?.or_else(|| config.uid.clone());
            let signature = match p.opt_nonempty("app_signature")? {
                Some(s) => s,
                None => {
                    let secret = p
                        .opt_nonempty("app_secret")?
                        .or_else(|| config.app_secret.clone())
                        .ok_or_else(|| {
                            Error::invalid_input("`app_secret` or `app_signature` is required (in params or config appSecret)")
                        })?;
                    sign::app_signature(&app_key, &secret)
                }
            };
            let mut query = vec![
                ("app_key".to_string(), app_key),
                ("app_signature".to_string(), signature),
            ];
            if let Some(uid) = uid {
                query.push(("uid".into(), uid));
            }
            (query, None)
        }
        Operation::IntegralAdjust => (Vec::new(), Some(ops::adjust_body(params, options)?)),
        Operation::IntegralRecord => (ops::query_with(&ops::RECORD, params, options)?, None),
        Operation::AccountBalanceInfo => (ops::query_with(&ops::BALANCE, params, options)?, None),
        Operation::Other { method, .. } => return prepare_other(method, path, params, options),
    };
    Ok(Prepared {
        op,
        path,
        query,
        body,
    })
}

/// An operation outside the table: a GET's params as its query, a POST's as
/// its JSON body (compact, in the caller's order; none is `{}`).
fn prepare_other(
    method: Method,
    path: String,
    params: &Json,
    options: &CallOptions,
) -> Result<Prepared> {
    let p = Params::new(params)?;
    let op = Operation::Other {
        method,
        idempotent: options.idempotent.unwrap_or(method == Method::Get),
    };
    let (query, body) = match method {
        Method::Get => {
            let mut fields = Vec::new();
            for name in p.names() {
                if let Some(v) = p.get(name) {
                    fields.push((name.to_string(), v.clone()));
                }
            }
            (ops::query_pairs(fields)?, None)
        }
        Method::Post => (
            Vec::new(),
            Some(if params.is_null() {
                "{}".to_string()
            } else {
                params.to_json_string()
            }),
        ),
    };
    Ok(Prepared {
        op,
        path,
        query,
        body,
    })
}

/// Per-attempt values: when, which nonce, and the token to present.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Attempt {
    /// `X-Api-TimeStamp`, ms.
    pub timestamp_ms: u64,
    /// `X-Api-Nonce`: decimal digits, no leading zero.
    pub nonce: String,
    /// `app-token`, for business calls.
    pub app_token: Option<String>,
    /// `X-GW-Router-Addr`, for business calls.
    pub domain: Option<String>,
}

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attempt")
            .field("timestamp_ms", &self.timestamp_ms)
            .field("nonce", &self.nonce)
            .field("app_token", &self.app_token.as_ref().map(|_| "***"))
            .field("domain", &self.domain)
            .finish()
    }
}

/// Checks a caller-supplied nonce: a positive decimal integer.
pub fn check_nonce(nonce: &str) -> Result<()> {
    let ok = !nonce.is_empty()
        && nonce.len() <= 19
        && nonce.bytes().all(|b| b.is_ascii_digit())
        && !nonce.starts_with('0');
    if ok {
        Ok(())
    } else {
        Err(
            Error::invalid_input("Kingdee nonce must be a positive decimal integer")
                .with_vendor(VENDOR),
        )
    }
}

/// Signs a prepared call: the URL with its once-encoded sorted query, the
/// `X-Api-*` headers, and for business calls `app-token` and `X-GW-Router-Addr`
/// (omitted when not given, as in a dry run without a token; they are not signed).
pub fn sign_request(config: &Config, prepared: &Prepared, attempt: &Attempt) -> SignedRequest {
    let op = prepared.op;
    let timestamp = attempt.timestamp_ms.to_string();
    let query = sign::Query::of(&prepared.query);
    let string_to_sign = sign::string_to_sign_with(
        op.method().as_str(),
        &prepared.path,
        &query.canonical,
        &attempt.nonce,
        &timestamp,
    );
    let signature = config.x_api_signature(&string_to_sign);
    let mut url =
        String::with_capacity(config.base_url.len() + prepared.path.len() + query.wire.len() + 1);
    url.push_str(&config.base_url);
    url.push_str(&prepared.path);
    if !query.wire.is_empty() {
        url.push('?');
        url.push_str(&query.wire);
    }
    let mut headers: Vec<Header> = Vec::with_capacity(9);
    headers.extend([
        ("Content-Type".into(), "application/json".into()),
        ("X-Api-ClientID".into(), config.client_id.clone().into()),
        ("X-Api-Auth-Version".into(), "2.0".into()),
        ("X-Api-TimeStamp".into(), timestamp.into()),
        ("X-Api-Nonce".into(), attempt.nonce.clone().into()),
        (
            "X-Api-SignHeaders".into(),
            "X-Api-TimeStamp,X-Api-Nonce".into(),
        ),
        ("X-Api-Signature".into(), signature.into()),
    ]);
    if op.needs_app_token() {
        if let Some(t) = &attempt.app_token {
            headers.push(("app-token".into(), t.clone().into()));
        }
        if let Some(d) = attempt.domain.as_ref().or(config.domain.as_ref()) {
            headers.push(("X-GW-Router-Addr".into(), d.clone().into()));
        }
    }
    SignedRequest {
        method: op.method(),
        url,
        headers,
        body: prepared.body.clone(),
        string_to_sign,
    }
}

/// Prepares and signs in one step (a dry run's `buildRequest`).
pub fn build_request(
    config: &Config,
    op: &str,
    params: &Json,
    attempt: &Attempt,
) -> Result<SignedRequest> {
    build_request_with(config, op, params, attempt, &CallOptions::default())
}

/// [`build_request`] under per-call options.
pub fn build_request_with(
    config: &Config,
    op: &str,
    params: &Json,
    attempt: &Attempt,
    options: &CallOptions,
) -> Result<SignedRequest> {
    check_nonce(&attempt.nonce)?;
    let prepared = prepare_with(config, op, params, options)?;
    Ok(sign_request(config, &prepared, attempt))
}

/// The typed result of `op`, as JSON (numbers normalised, credentials masked).
pub fn result_json(op: Operation, data: &Json) -> Result<Json> {
    Ok(match op {
        Operation::PushAppAuthorize => Authorization::from_data(data)?.to_json_masked(),
        Operation::KingdeeAuthToken => AppToken::from_data(data)?.to_json_masked(),
        Operation::IntegralAdjust => match data {
            Json::Null => Json::Object(Vec::new()),
            other => other.clone(),
        },
        Operation::IntegralRecord => record_page_json(data)?,
        Operation::AccountBalanceInfo => balance_json(data)?,
        Operation::Other { .. } => crate::vendors::generic::raw_result(data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let j = Json::parse(
            r#"{"vendor":"kingdee","clientId":"200421","clientSecret":"test-secret-not-real","appKey":"AbCd1234","appSecret":"fake-app-secret-0001","domain":"https://tf.jdy.com"}"#,
        )
        .unwrap_or(Json::Null);
        Config::from_json(&j).unwrap_or_else(|_| Config {
            client_id: String::new(),
            client_secret: String::new(),
            app_key: None,
            app_secret: None,
            outer_instance_id: None,
            domain: None,
            uid: None,
            base_url: String::new(),
            mac: HmacSha256Cache::default(),
        })
    }

    #[test]
    fn config_errors_name_fields_not_values() {
        let e = Config::from_json(&Json::parse(r#"{"clientId":"1"}"#).unwrap_or(Json::Null)).err();
        assert_eq!(
            e.as_ref().map(|e| e.message.contains("clientSecret")),
            Some(true)
        );
        let e = Config::from_json(
            &Json::parse(r#"{"clientId":"1","clientSecret":"zzz-secret","appKey":"k"}"#)
                .unwrap_or(Json::Null),
        )
        .err();
        assert!(e
            .as_ref()
            .is_some_and(|e| !e.to_string().contains("zzz-secret")));
        assert!(!format!("{:?}", config()).contains("test-secret-not-real"));
    }

    #[test]
    fn a_changed_client_secret_signs_with_the_new_one() {
        // The keyed HMAC state is kept in the config; `client_secret` is a
        // public field, so a change after the first signature must show.
        let mut c = config();
        let a = Attempt {
            timestamp_ms: 1_700_000_000_000,
            nonce: "1234567890".into(),
            app_token: None,
            domain: None,
        };
        let p = Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#)
            .unwrap_or(Json::Null);
        let signature = |c: &Config| {
            build_request(c, ops::INTEGRAL_ADJUST, &p, &a)
                .ok()
                .map(|r| {
                    let want = sign::x_api_signature(&c.client_secret, &r.string_to_sign);
                    (r.header("X-Api-Signature").map(str::to_string), want)
                })
        };
        let first = signature(&c);
        c.client_secret = "another-secret-not-real".into();
        let second = signature(&c);
        for (got, want) in [&first, &second].into_iter().flatten() {
            assert_eq!(got.as_deref(), Some(want.as_str()));
        }
        assert!(first.is_some() && second.is_some() && first != second);
        assert_eq!(c.clone(), c);
    }

    #[test]
    fn business_call_headers() {
        let c = config();
        let a = Attempt {
            timestamp_ms: 1_700_000_000_000,
            nonce: "1234567890".into(),
            app_token: Some("tok".into()),
            domain: None,
        };
        let r = build_request(
            &c,
            ops::INTEGRAL_ADJUST,
            &Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#)
                .unwrap_or(Json::Null),
            &a,
        );
        let r = r.ok();
        let r = r.as_ref();
        assert_eq!(
            r.map(|r| r.url.as_str()),
            Some("https://api.kingdee.com/jdy/v2/ls/integral_adjust")
        );
        assert_eq!(r.and_then(|r| r.header("app-token")), Some("tok"));
        assert_eq!(
            r.and_then(|r| r.header("x-gw-router-addr")),
            Some("https://tf.jdy.com")
        );
        assert_eq!(
            r.and_then(|r| r.body.as_deref()),
            Some(r#"{"mobile":"13800138000","integral":10,"operation":5}"#)
        );
    }

    #[test]
    fn token_call_has_no_token_headers_and_signs_app_signature() {
        let c = config();
        let a = Attempt {
            timestamp_ms: 1_700_001_000_000,
            nonce: "2222222222".into(),
            app_token: Some("tok".into()),
            domain: None,
        };
        let r = build_request(&c, ops::KINGDEE_AUTH_TOKEN, &Json::Null, &a).ok();
        assert!(r.as_ref().is_some_and(|r| r.header("app-token").is_none()));
        // V4's values: appKey AbCd1234 + appSecret fake-app-secret-0001.
        assert!(r.as_ref().is_some_and(|r| r.url.ends_with("app_key=AbCd1234&app_signature=ZTllZWMxMzQwZGRlYmIyNGQzZDE3ZjRhYjY1M2U1M2M2MTk1NzY3ZDk1NDExZDk4ODg2Y2Y5YjdhMDA5YWQyNw%3D%3D")));
    }

    /// A hand-written case of the generic rule (docs/vendors/kingdee.md §3): the path
    /// GwEnc'd, each pair once `GwEnc(k)=FormEnc(v)`, sorted as `k=v` text (`page=` before
    /// `page_size=`: `=` is 0x3D, `_` 0x5F), then both sides GwEnc'd again. The
    /// signature is Base64(hex(HMAC-SHA256)) computed outside jifen (Python's `hmac`).
    #[test]
    fn any_get_is_signed_by_the_generic_rule() {
        let c = config();
        let a = Attempt {
            timestamp_ms: 1_700_000_000_000,
            nonce: "1234567890".into(),
            app_token: Some("tok".into()),
            domain: None,
        };
        let params =
            Json::parse(r#"{"search":"张 三","page":1,"page_size":20,"enable":true,"gone":null}"#)
                .unwrap();
        let r = build_request(&c, "GET /jdy/v2/bd/customer", &params, &a).unwrap();
        assert_eq!(
            r.string_to_sign,
            "GET\n%2Fjdy%2Fv2%2Fbd%2Fcustomer\nenable=true&page=1&page_size=20&search=%25E5%25BC%25A0%2B%25E4%25B8%2589\nx-api-nonce:1234567890\nx-api-timestamp:1700000000000\n"
        );
        assert_eq!(
            r.header("X-Api-Signature"),
            Some("NDg5OTg3M2I1MjgwYzU4ZGZjMzg5MmI0OTk1Yjk3YTAwYmI0MGZjNjVkZDUwNWY3YzhjNGRiNDQzYmEwYmIxOQ==")
        );
        assert_eq!(
            r.url,
            "https://api.kingdee.com/jdy/v2/bd/customer?enable=true&page=1&page_size=20&search=%E5%BC%A0+%E4%B8%89"
        );
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.body, None);
        assert_eq!(r.header("app-token"), Some("tok"));
        assert_eq!(r.header("X-GW-Router-Addr"), Some("https://tf.jdy.com"));
        let p = prepare(&c, "GET /jdy/v2/bd/customer", &params).unwrap();
        assert!(p.op.is_idempotent() && p.op.needs_app_token());
        assert_eq!(
            result_json(
                p.op,
                &Json::parse(r#"{"id":1480000000000000001,"rows":[]}"#).unwrap()
            )
            .unwrap()
            .to_json_string(),
            r#"{"id":"1480000000000000001","rows":[]}"#
        );
    }

    #[test]
    fn any_post_sends_its_params_as_the_body() {
        let c = config();
        let a = Attempt {
            timestamp_ms: 1_700_000_000_000,
            nonce: "1234567890".into(),
            app_token: Some("tok".into()),
            domain: None,
        };
        let params = Json::parse(
            r#"{"number":"C001","name":"张三","id":"1480000000000000001","tags":[1,{"a":null}]}"#,
        )
        .unwrap();
        let r = build_request(&c, "POST /jdy/v2/bd/customer_save", &params, &a).unwrap();
        assert_eq!(
            r.string_to_sign,
            "POST\n%2Fjdy%2Fv2%2Fbd%2Fcustomer_save\n\nx-api-nonce:1234567890\nx-api-timestamp:1700000000000\n"
        );
        assert_eq!(
            r.header("X-Api-Signature"),
            Some("NzE2ZjU5Y2FkODQ5OGViNjkzYTVkYzAzZjhkZTU3MjE1YWFlYzUzY2U0MzliZDU3Y2ZjNzg5NTEwMTI4NjExNQ==")
        );
        assert_eq!(r.url, "https://api.kingdee.com/jdy/v2/bd/customer_save");
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"number":"C001","name":"张三","id":"1480000000000000001","tags":[1,{"a":null}]}"#
            )
        );
        assert_eq!(r.header("app-token"), Some("tok"));
        let body = |p: &str| {
            build_request(&c, "POST /jdy/v2/x", &Json::parse(p).unwrap(), &a)
                .unwrap()
                .body
        };
        assert_eq!(body("null").as_deref(), Some("{}"));
        // An unknown POST may be a write: not repeated after a lost reply, unless the caller says so.
        let unsafe_write = prepare(&c, "POST /jdy/v2/bd/customer_save", &params).unwrap();
        assert!(!unsafe_write.op.is_idempotent());
        let said = CallOptions {
            idempotent: Some(true),
            ..CallOptions::default()
        };
        let p = prepare_with(&c, "POST /jdy/v2/bd/customer_save", &params, &said).unwrap();
        assert!(p.op.is_idempotent());
    }

    #[test]
    fn a_known_operation_under_its_method_stays_typed() {
        let c = config();
        let ok = Json::parse(r#"{"mobile":"13800138000","integral":"007","operation":5}"#).unwrap();
        let typed = prepare(&c, ops::INTEGRAL_ADJUST, &ok).unwrap();
        let spelled = prepare(&c, "POST /jdy/v2/ls/integral_adjust", &ok).unwrap();
        assert_eq!(typed, spelled);
        assert_eq!(spelled.op, Operation::IntegralAdjust);
        assert_eq!(
            spelled.body.as_deref(),
            Some(r#"{"mobile":"13800138000","integral":7,"operation":5}"#)
        );
        let bad = Json::parse(r#"{"mobile":"13800138000","integral":0,"operation":5}"#).unwrap();
        assert_eq!(
            prepare(&c, "POST /jdy/v2/ls/integral_adjust", &bad)
                .unwrap_err()
                .message,
            "`integral` must not be zero"
        );
        let e = prepare(&c, "GET /jdy/v2/ls/integral_adjust", &ok).unwrap_err();
        assert_eq!(e.code, crate::core::error::ErrorCode::InvalidInput);
        assert!(e.message.contains("called with POST"), "{}", e.message);
        let said = CallOptions {
            idempotent: Some(true),
            ..CallOptions::default()
        };
        assert!(prepare_with(&c, ops::INTEGRAL_ADJUST, &ok, &said).is_err());
    }

    #[test]
    fn other_ids_must_be_jdy_v2_paths_with_a_method() {
        let c = config();
        for (id, code) in [
            ("/jdy/v2/bd/customer", "unsupported"),
            ("get /jdy/v2/bd/customer", "unsupported"),
            ("PUT /jdy/v2/bd/customer", "unsupported"),
            ("GET /jdy/v1/bd/customer", "unsupported"),
            ("GET /jdy/v2/", "unsupported"),
            ("GET /jdy/v2/bd//customer", "unsupported"),
            ("GET /jdy/v2/bd/../customer", "unsupported"),
            ("GET /jdy/v2/bd/customer?x=1", "unsupported"),
            ("GET /jdy/v2/bd/customer ", "unsupported"),
            ("GET  /jdy/v2/bd/customer", "unsupported"),
        ] {
            let e = prepare(&c, id, &Json::Null).unwrap_err();
            assert_eq!(e.code.as_str(), code, "{id}");
            assert_eq!(e.vendor, Some("kingdee"));
        }
        let e = prepare(&c, "/jdy/v2/bd/customer", &Json::Null).unwrap_err();
        assert!(e.message.contains("`GET /jdy/v2/…`"), "{}", e.message);
        let nested = Json::parse(r#"{"filter":{"a":1}}"#).unwrap();
        let e = prepare(&c, "GET /jdy/v2/bd/customer", &nested).unwrap_err();
        assert!(
            e.message.starts_with("`filter` is an object or array"),
            "{}",
            e.message
        );
    }

    #[test]
    fn allowed_fields_go_where_the_operations_fields_go() {
        let c = config();
        let allow = CallOptions {
            allow_fields: vec!["shop_id".into()],
            idempotent: None,
        };
        let q = Json::parse(r#"{"shop_id":7,"member_id":"1","member_card_id":"2"}"#).unwrap();
        let e = prepare(&c, ops::ACCOUNT_BALANCE_INFO, &q).unwrap_err();
        assert!(
            e.message.starts_with("unknown parameter `shop_id`;"),
            "{}",
            e.message
        );
        let p = prepare_with(&c, ops::ACCOUNT_BALANCE_INFO, &q, &allow).unwrap();
        assert_eq!(
            sign::wire_query(&p.query),
            "member_card_id=2&member_id=1&shop_id=7"
        );
        let b = Json::parse(r#"{"shop_id":7,"mobile":"13800138000","integral":1,"operation":5}"#)
            .unwrap();
        let p = prepare_with(&c, ops::INTEGRAL_ADJUST, &b, &allow).unwrap();
        assert_eq!(
            p.body.as_deref(),
            Some(r#"{"mobile":"13800138000","integral":1,"operation":5,"shop_id":7}"#)
        );
        let typo = Json::parse(r#"{"mobiel":"13800138000","integral":1,"operation":5}"#).unwrap();
        let e = prepare_with(&c, ops::INTEGRAL_ADJUST, &typo, &allow).unwrap_err();
        assert!(
            e.message.contains("did you mean `mobile`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_nonce_is_refused() {
        for n in ["", "0123", "12a", "-5"] {
            assert!(check_nonce(n).is_err(), "{n}");
        }
    }
}
