//! Qimai 企迈 open platform (企迈云商; API v2 gateway and v3): configuration,
//! request building and Token signing, reply parsing. Pure: no clock, no
//! randomness, no I/O (the caller passes the timestamp and nonce of each attempt).
//!
//! * **Config**: `{ vendor: "qimai", openId, grantCode, openKey, version?: "v2" | "v3"
//!   (default "v3"), keyCase?: "lower" | "as_sent" (default "lower"), baseUrl? }`.
//! * **Operations** are the vendor's names: v2 Actions (`user.points-add`) and v3 paths
//!   (`/v3/crm/points/addCustomerPoints`); see [`ops`] for the list and where each
//!   parameter schema comes from (vendor docs, or the simulator's assumptions).
//! * **Versions.** The operation id decides the envelope, whatever `version` says: a v2
//!   Action is always sent as `POST <base>/api/v2` with
//!   `{OpenId, GrantCode, Timestamp, Nonce, Token, Action, Params}`, a v3 path as
//!   `POST <base><path>` with `{openId, grantCode, timestamp, nonce, token, params}`.
//!   So one config can call both families (the vendor's v2 and v3 share credentials).
//!   `version` names the account's main family: it is what the unified points API uses,
//!   and it is reported back; it never refuses an operation.
//! * **Base URL.** `baseUrl`, when given, is used for both families (the simulator serves
//!   both under `<sim>/qimai`). Without it each family goes to its own gateway:
//!   [`DEFAULT_V3_BASE_URL`] (`https://openapi.qmai.cn`) for v3 and
//!   [`DEFAULT_V2_BASE_URL`] (`http://openapi.zvcms.com`, the only documented v2 gateway,
//!   plain HTTP as the doc gives it) for v2.
//! * **Token** ([`sign`]): percent-encoded base64 HMAC-SHA1 keyed with `openKey` over
//!   `grantCode=…&nonce=…&openId=…&timestamp=…`. Timestamp in **seconds**, nonce a
//!   positive integer; both fresh for every attempt, never reused (the client draws the
//!   nonce uniformly from `[1, 2^31−1]`). `keyCase: "as_sent"` signs the capitalised v2
//!   spelling `GrantCode=…&Nonce=…` on v2 Actions (unconfirmed; vector B3); on v3 the
//!   envelope is lowercase, so both settings sign the same string.
//! * **Wire types.** Every envelope value is a JSON string, in v3 too (vectors P2, P3).
//! * **Idempotency.** `bizId` is required on every points change and is sent unchanged on
//!   every retry of one call: it is the vendor's idempotency key.
//! * **Secrets.** `openKey` is the HMAC key only: never sent, never in an error or a
//!   `Debug` output. It alone authorises points changes: keep it server-side.
//!
//! ```
//! use jifen::core::json::Json;
//! use jifen::vendors::qimai::{build_request, Attempt, Config};
//!
//! let config = Config::from_json(&Json::parse(r#"{"vendor":"qimai","openId":"6dc05b4ac175cf316d226252b05cf685",
//!     "grantCode":"782c281f62","openKey":"example-open-key-not-real"}"#)?)?;
//! let params = Json::parse(r#"{"customerId":"383933091455959041","bizId":"order-1","balance":11}"#)?;
//! let attempt = Attempt { timestamp_s: 1_547_186_244, nonce: 658_965 };
//! let req = build_request(&config, "/v3/crm/points/addCustomerPoints", &params, &attempt)?;
//! assert_eq!(req.url, "https://openapi.qmai.cn/v3/crm/points/addCustomerPoints");
//! assert!(req.body.unwrap().contains(r#""token":"Pz%2BxK5sKJotGhD9N%2B8anWLECuNk%3D""#)); // vector B2
//! # Ok::<(), jifen::core::error::Error>(())
//! ```

pub mod errors;
pub mod ops;
pub mod points;
pub mod response;
pub mod sign;
mod vendor;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{Method, SignedRequest};
use crate::vendors::call_options::CallOptions;
use crate::vendors::config::ConfigReader;
use ops::{Operation, Version};
pub use sign::KeyCase;
use std::fmt;
pub use vendor::Qimai;

/// The v3 gateway used when `baseUrl` is absent.
pub const DEFAULT_V3_BASE_URL: &str = "https://openapi.qmai.cn";
/// The v2 gateway used when `baseUrl` is absent (the doc gives plain HTTP).
pub const DEFAULT_V2_BASE_URL: &str = "http://openapi.zvcms.com";

/// Largest nonce the client draws (2^31 − 1, docs/vendors/qimai.md §5).
pub const MAX_NONCE: u64 = 2_147_483_647;

/// Timestamps at or above this are refused as milliseconds (it is the year 5138 in seconds).
const MAX_TIMESTAMP_S: u64 = 100_000_000_000;

/// The vendor's name, as configs give it and errors carry it.
pub const VENDOR: &str = "qimai";

/// A Qimai client configuration. `Debug` hides `open_key`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// `OpenId`: the key id (密钥Id), sent in clear.
    pub open_id: String,
    /// `GrantCode`: the merchant's authorisation code (授权code), sent in clear and signed.
    pub grant_code: String,
    /// `OpenKey`: the shared secret, HMAC key only, never sent.
    pub open_key: String,
    /// The account's main API family.
    pub version: Version,
    /// How the signed keys are spelled on v2 Actions.
    pub key_case: KeyCase,
    /// The explicit base URL, if any (used for both families).
    pub base_url: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("qimai::Config")
            .field("open_id", &self.open_id)
            .field("grant_code", &self.grant_code)
            .field("open_key", &"***")
            .field("version", &self.version)
            .field("key_case", &self.key_case)
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .map(crate::core::request::redact_url),
            )
            .finish()
    }
}

impl Config {
    /// Reads `{ vendor: "qimai", openId, grantCode, openKey, version?, keyCase?, baseUrl? }`.
    #[allow(clippy::field_reassign_with_default)] // see below
    pub fn from_json(j: &Json) -> Result<Config> {
        let r = ConfigReader::new(j, VENDOR)?;
        // Filled field by field: an early return then drops one `Config`
        // instead of each value read so far (smaller wasm).
        let mut c = Config::default();
        if let Some(v) = r.opt("version")? {
            c.version = Version::from_name(&v).ok_or_else(|| {
                Error::config("`version` must be \"v2\" or \"v3\"").with_vendor(VENDOR)
            })?;
        }
        if let Some(k) = r.opt("keyCase")? {
            c.key_case = KeyCase::from_name(&k).ok_or_else(|| {
                Error::config("`keyCase` must be \"lower\" or \"as_sent\"").with_vendor(VENDOR)
            })?;
        }
        if r.opt("baseUrl")?.is_some() {
            c.base_url = Some(r.base_url(None)?);
        }
        c.open_id = r.req("openId")?;
        c.grant_code = r.req("grantCode")?;
        c.open_key = r.req("openKey")?;
        Ok(c)
    }

    /// The base URL requests of `version` go to.
    pub fn base_url_for(&self, version: Version) -> &str {
        match (&self.base_url, version) {
            (Some(u), _) => u,
            (None, Version::V2) => DEFAULT_V2_BASE_URL,
            (None, Version::V3) => DEFAULT_V3_BASE_URL,
        }
    }
}

/// A validated call, ready to be signed any number of times (each attempt
/// gets a fresh timestamp and nonce; the params, `bizId` included, stay the same).
/// `Debug` shows the operation only (params may hold member passwords).
#[derive(Clone, PartialEq)]
pub struct Prepared {
    /// The operation.
    pub op: Operation,
    /// The v2 Action or v3 path.
    pub id: String,
    /// The params object exactly as it will be sent.
    pub params: Json,
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prepared")
            .field("op", &self.op)
            .field("biz_id", &self.biz_id())
            .finish()
    }
}

impl Prepared {
    /// The URL path under the base URL: `/api/v2` for every v2 Action, the id for v3.
    pub fn path(&self) -> &str {
        match self.op.version() {
            Version::V2 => "/api/v2",
            Version::V3 => &self.id,
        }
    }

    /// The `bizId` of a points change (the idempotency key), if any.
    pub fn biz_id(&self) -> Option<String> {
        if self.op.is_points_change() {
            ops::biz_id_of(&self.params)
        } else {
            None
        }
    }
}

/// Validates `params` for `op` (a v2 Action or v3 path; one outside the table
/// is sent unchecked, see [`ops`]). Errors are `unsupported` for an id that is
/// neither, `invalid_input` for bad params.
pub fn prepare(op: &str, params: &Json) -> Result<Prepared> {
    prepare_with(op, params, &CallOptions::default())
}

/// [`prepare`] under per-call options (`allowFields`, `idempotent`).
pub fn prepare_with(id: &str, params: &Json, options: &CallOptions) -> Result<Prepared> {
    let with_vendor = |e: Error| e.with_vendor(VENDOR);
    let op = match ops::route(id)? {
        Operation::Other { version, .. } => Operation::Other {
            version,
            idempotent: options.idempotent.unwrap_or(false),
        },
        known => {
            options
                .refuse_idempotent_on_known(id)
                .map_err(with_vendor)?;
            known
        }
    };
    let params = ops::params_to_send_with(op, params, options).map_err(with_vendor)?;
    Ok(Prepared {
        op,
        id: id.to_string(),
        params,
    })
}

/// Per-attempt values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// Unix time in seconds.
    pub timestamp_s: u64,
    /// A positive integer, fresh for every attempt.
    pub nonce: u64,
}

/// Checks per-attempt values: a positive nonce and a timestamp in seconds.
pub fn check_attempt(attempt: &Attempt) -> Result<()> {
    if attempt.nonce == 0 {
        return Err(
            Error::invalid_input("Qimai nonce must be a positive integer").with_vendor(VENDOR),
        );
    }
    if attempt.timestamp_s >= MAX_TIMESTAMP_S {
        return Err(
            Error::invalid_input("Qimai timestamp must be in seconds, not milliseconds")
                .with_vendor(VENDOR),
        );
    }
    Ok(())
}

/// Reads a caller-supplied nonce: decimal digits of a positive integer.
pub fn parse_nonce(text: &str) -> Result<u64> {
    let ok = !text.is_empty()
        && text.len() <= 19
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    text.parse::<u64>()
        .ok()
        .filter(|n| ok && *n > 0)
        .ok_or_else(|| {
            Error::invalid_input("Qimai nonce must be a positive decimal integer")
                .with_vendor(VENDOR)
        })
}

/// The string to sign for an attempt of `op` under `config`.
pub fn string_to_sign(config: &Config, op: Operation, attempt: &Attempt) -> String {
    let timestamp = attempt.timestamp_s.to_string();
    let nonce = attempt.nonce.to_string();
    let fields = sign::Fields {
        open_id: &config.open_id,
        grant_code: &config.grant_code,
        timestamp: &timestamp,
        nonce: &nonce,
    };
    let capitalised = op.version() == Version::V2 && config.key_case == KeyCase::AsSent;
    sign::string_to_sign(&fields, capitalised)
}

/// Signs a prepared call: the envelope of the operation's family, with a Token
/// over this attempt's timestamp and nonce.
pub fn sign_request(config: &Config, prepared: &Prepared, attempt: &Attempt) -> SignedRequest {
    let op = prepared.op;
    let string_to_sign = string_to_sign(config, op, attempt);
    let token = sign::token(&config.open_key, &string_to_sign);
    let timestamp = Json::str(attempt.timestamp_s.to_string());
    let nonce = Json::str(attempt.nonce.to_string());
    let body = match op.version() {
        Version::V2 => Json::object([
            ("OpenId", Some(Json::str(&config.open_id))),
            ("GrantCode", Some(Json::str(&config.grant_code))),
            ("Timestamp", Some(timestamp)),
            ("Nonce", Some(nonce)),
            ("Token", Some(Json::str(token))),
            ("Action", Some(Json::str(&prepared.id))),
            ("Params", Some(prepared.params.clone())),
        ]),
        Version::V3 => Json::object([
            ("openId", Some(Json::str(&config.open_id))),
            ("grantCode", Some(Json::str(&config.grant_code))),
            ("timestamp", Some(timestamp)),
            ("nonce", Some(nonce)),
            ("token", Some(Json::str(token))),
            ("params", Some(prepared.params.clone())),
        ]),
    };
    SignedRequest {
        method: Method::Post,
        url: format!("{}{}", config.base_url_for(op.version()), prepared.path()),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(body.to_json_string()),
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
    check_attempt(attempt)?;
    let prepared = prepare_with(op, params, options)?;
    Ok(sign_request(config, &prepared, attempt))
}

pub use response::result_json;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    fn config(extra: &str) -> Config {
        Config::from_json(
            &Json::parse(&format!(
                r#"{{"vendor":"qimai","openId":"6dc05b4ac175cf316d226252b05cf685","grantCode":"782c281f62","openKey":"example-open-key-not-real"{extra}}}"#
            ))
            .unwrap(),
        )
        .unwrap()
    }

    const B2: Attempt = Attempt {
        timestamp_s: 1_547_186_244,
        nonce: 658_965,
    };

    #[test]
    fn config_defaults_and_redaction() {
        let c = config("");
        assert_eq!(
            (c.version, c.key_case, c.base_url.as_deref()),
            (Version::V3, KeyCase::Lower, None)
        );
        assert_eq!(c.base_url_for(Version::V2), DEFAULT_V2_BASE_URL);
        assert_eq!(c.base_url_for(Version::V3), DEFAULT_V3_BASE_URL);
        let dbg = format!("{c:?}");
        assert!(
            dbg.contains("***") && !dbg.contains("example-open-key-not-real"),
            "{dbg}"
        );
        let c = config(
            r#","version":"v2","keyCase":"as_sent","baseUrl":"http://127.0.0.1:8787/qimai/""#,
        );
        assert_eq!(c.base_url_for(Version::V3), "http://127.0.0.1:8787/qimai");
        for bad in [
            r#","version":"v4""#,
            r#","keyCase":"upper""#,
            r#","baseUrl":"ftp://x""#,
        ] {
            let e = Config::from_json(
                &Json::parse(&format!(
                    r#"{{"openId":"a","grantCode":"b","openKey":"zzz-secret-zzz"{bad}}}"#
                ))
                .unwrap(),
            )
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::Config);
            assert!(!e.to_string().contains("zzz-secret-zzz"));
        }
        let e = Config::from_json(&Json::parse(r#"{"openId":"a","grantCode":"b"}"#).unwrap())
            .unwrap_err();
        assert!(e.message.contains("openKey"));
    }

    #[test]
    fn key_case_applies_to_v2_only() {
        let c = config(r#","keyCase":"as_sent""#);
        let p = j(r#"{"customerId":"1"}"#);
        let v3 = build_request(&c, ops::GET_CUSTOMER_POINTS, &p, &B2).unwrap();
        assert!(v3.string_to_sign.starts_with("grantCode="));
        let v2 =
            build_request(&c, ops::USER_POINTS_RECORDS, &j(r#"{"user_id":"1"}"#), &B2).unwrap();
        assert!(v2.string_to_sign.starts_with("GrantCode="));
        assert!(v2
            .body
            .unwrap()
            .contains(r#""Token":"e%2FajQ0Gbkb8DHw01vXHyHb5qro8%3D""#));
    }

    fn j(s: &str) -> Json {
        Json::parse(s).unwrap()
    }

    #[test]
    fn attempts_are_checked() {
        let c = config("");
        let p = j(r#"{"customerId":"1"}"#);
        assert!(build_request(
            &c,
            ops::GET_CUSTOMER_POINTS,
            &p,
            &Attempt {
                timestamp_s: 1,
                nonce: 0
            }
        )
        .is_err());
        let ms = Attempt {
            timestamp_s: 1_547_186_244_000,
            nonce: 1,
        };
        assert_eq!(
            build_request(&c, ops::GET_CUSTOMER_POINTS, &p, &ms)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
        for bad in ["", "0", "012", "-1", "1.5", "99999999999999999999"] {
            assert!(parse_nonce(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_nonce("2147483647").unwrap(), MAX_NONCE);
    }

    #[test]
    fn prepared_debug_hides_params() {
        let p = prepare(
            ops::USER_IDENTITY,
            &j(r#"{"type":1,"mobile":"1","password":"hunter2"}"#),
        )
        .unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
        let p = prepare(
            ops::REDUCE_POINTS,
            &j(r#"{"bizId":"r-1","customerId":"1","balance":1}"#),
        )
        .unwrap();
        assert_eq!(p.biz_id().as_deref(), Some("r-1"));
    }

    /// Vectors B2/B3 (docs/vendors/qimai.md): the Token covers the credentials, the
    /// timestamp and the nonce, never the operation, so any v2 Action or v3 path gets
    /// the vectors' Tokens in its family's envelope.
    #[test]
    fn any_action_or_v3_path_is_signed_by_the_token_rule() {
        let c = config("");
        let params = j(r#"{"user_id":"383933091455959041","status":1}"#);
        let v2 = build_request(&c, "user.coupon-list", &params, &B2).unwrap();
        assert_eq!(v2.url, "http://openapi.zvcms.com/api/v2");
        assert_eq!(
            v2.string_to_sign,
            "grantCode=782c281f62&nonce=658965&openId=6dc05b4ac175cf316d226252b05cf685&timestamp=1547186244"
        );
        assert_eq!(
            v2.body.as_deref(),
            Some(
                r#"{"OpenId":"6dc05b4ac175cf316d226252b05cf685","GrantCode":"782c281f62","Timestamp":"1547186244","Nonce":"658965","Token":"Pz%2BxK5sKJotGhD9N%2B8anWLECuNk%3D","Action":"user.coupon-list","Params":{"user_id":"383933091455959041","status":1}}"#
            )
        );
        let as_sent = config(r#","keyCase":"as_sent""#);
        let v2 = build_request(&as_sent, "user.coupon-list", &params, &B2).unwrap();
        assert!(v2
            .body
            .unwrap()
            .contains(r#""Token":"e%2FajQ0Gbkb8DHw01vXHyHb5qro8%3D""#));
        let v3 = build_request(&c, "/v3/crm/coupon/list", &params, &B2).unwrap();
        assert_eq!(v3.url, "https://openapi.qmai.cn/v3/crm/coupon/list");
        assert_eq!(
            v3.body.as_deref(),
            Some(
                r#"{"openId":"6dc05b4ac175cf316d226252b05cf685","grantCode":"782c281f62","timestamp":"1547186244","nonce":"658965","token":"Pz%2BxK5sKJotGhD9N%2B8anWLECuNk%3D","params":{"user_id":"383933091455959041","status":1}}"#
            )
        );
        let p = prepare("user.coupon-list", &params).unwrap();
        assert!(!p.op.is_idempotent() && !p.op.is_points_change());
        assert_eq!(p.biz_id(), None);
        let said = CallOptions {
            idempotent: Some(true),
            ..CallOptions::default()
        };
        assert!(prepare_with("/v3/crm/coupon/list", &params, &said)
            .unwrap()
            .op
            .is_idempotent());
        assert!(
            prepare_with(ops::GET_CUSTOMER_POINTS, &j(r#"{"customerId":"1"}"#), &said).is_err()
        );
        for bad in [
            "",
            "user",
            ".user",
            "user coupon.list",
            "/v2/x",
            "/v3/",
            "/v3//x",
            "/v3/a/../b",
            "/v3/x?y=1",
        ] {
            assert_eq!(
                prepare(bad, &Json::Null).unwrap_err().code,
                ErrorCode::Unsupported,
                "{bad}"
            );
        }
        assert_eq!(
            result_json(p.op, &j(r#"[{"coupon_id":383933091455959041}]"#))
                .unwrap()
                .to_json_string(),
            r#"[{"coupon_id":"383933091455959041"}]"#
        );
    }

    #[test]
    fn allow_fields_adds_to_a_typed_operations_params() {
        let params = j(r#"{"storeId":"s-1","customerId":"1","bizId":"b","balance":11}"#);
        let e = prepare(ops::POINTS_ADD, &params).unwrap_err();
        assert!(
            e.message.starts_with("unknown parameter `storeId`;"),
            "{}",
            e.message
        );
        let allow = CallOptions {
            allow_fields: vec!["storeId".into()],
            idempotent: None,
        };
        let p = prepare_with(ops::POINTS_ADD, &params, &allow).unwrap();
        assert_eq!(
            p.params.to_json_string(),
            r#"{"balance":"11","bizId":"b","customerId":"1","storeId":"s-1"}"#
        );
        let e = prepare_with(
            ops::POINTS_ADD,
            &j(r#"{"customerID":"1","bizId":"b","balance":1}"#),
            &allow,
        )
        .unwrap_err();
        assert!(
            e.message.contains("did you mean `customerId`?"),
            "{}",
            e.message
        );
    }
}
