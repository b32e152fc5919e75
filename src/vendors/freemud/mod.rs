//! Freemud 非码 (开个店 open platform): configuration, the signed envelope,
//! reply and callback parsing. Pure: no clock, no randomness, no I/O, no RSA
//! arithmetic (the RSA signature is computed by the platform through
//! [`crate::core::rsa`], in the client).
//!
//! # The request
//!
//! `POST <baseUrl><path>` with the body
//! `{"ver":"1","partnerId":…,"appId":…,"requestBody":"<JSON text>","sign":…}` and the headers
//! `Content-Type`/`Accept: application/json;charset=utf-8`, `x-transaction-id` (a fresh
//! UUIDv4 per attempt) and `access_token` (when configured). `sign` is base64
//! SHA256withRSA (PKCS#1 v1.5) over `appId=…&partnerId=…&requestBody=…&ver=1`
//! ([`sign::request_canonical`]). The `requestBody` that is signed is the one
//! that is sent: a string `params` is used verbatim, an object is serialised
//! once, compactly, in the caller's key order (the bytes of `JSON.stringify(params)`).
//!
//! # Signature verification of replies and pushes (`config.verify`)
//!
//! The vendor does not document how it signs replies and pushes, so jifen
//! verifies by a policy, with `platformPublicKey`:
//!
//! * `"off"`: nothing is checked and nothing is reported.
//! * `"log"` (the default): the signature is checked and reported, never
//!   refused. A call's result then carries `"_signature"`: `"valid"`,
//!   `"invalid"`, `"absent"` (the reply had no `sign`) or `"unchecked"` (no
//!   `platformPublicKey` configured). `verifyCallback` reports the same in its
//!   `signature` field and sets `verified` only for `"valid"`.
//! * `"enforce"`: an invalid or absent signature is an error: `signature` for a
//!   reply (the vendor may have applied the change: check before repeating),
//!   `callback_invalid` for a push. Needs `platformPublicKey`.
//!
//! Replies are checked over `message=…&responseBody=…&statusCode=…&ver=…` (non-empty fields
//! except `sign`, sorted), pushes over the request rule; error replies are not checked.
//!
//! # `"sign":"skip"`
//!
//! Old vendor examples send `"sign":"skip"` to a test environment.
//! `devSkipSignature: true` does the same, and is refused for any `baseUrl`
//! that is not on this machine (`localhost`, `127.0.0.0/8`, `[::1]`).

pub mod callback;
pub mod errors;
pub mod key;
pub mod ops;
pub mod points;
pub mod response;
pub mod sign;
mod vendor;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{Header, Method, SignedRequest};
use crate::vendors::call_options::CallOptions;
use crate::vendors::config::{is_loopback_url, ConfigReader};
use ops::Operation;
use std::fmt;
pub use vendor::{reply_signature, sign_text, Freemud};

/// The vendor's name, as configs give it and errors carry it.
pub const VENDOR: &str = "freemud";

/// The content type of requests and replies.
pub const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// The protocol version sent.
pub const VER: &str = "1";

/// How reply and push signatures are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyPolicy {
    /// Not checked.
    Off,
    /// Checked and reported, never refused.
    #[default]
    Log,
    /// Checked; a bad or missing signature is refused.
    Enforce,
}

impl VerifyPolicy {
    /// From `"off"`, `"log"`, `"enforce"`.
    pub fn parse(s: &str) -> Option<VerifyPolicy> {
        match s {
            "off" => Some(VerifyPolicy::Off),
            "log" => Some(VerifyPolicy::Log),
            "enforce" => Some(VerifyPolicy::Enforce),
            _ => None,
        }
    }
}

pub use crate::vendors::SignatureStatus;

fn read_verify(r: &ConfigReader<'_>) -> Result<VerifyPolicy> {
    match r.opt("verify")? {
        None => Ok(VerifyPolicy::default()),
        Some(v) => VerifyPolicy::parse(&v).ok_or_else(|| {
            Error::config("`verify` must be \"off\", \"log\" or \"enforce\"").with_vendor(VENDOR)
        }),
    }
}

fn read_platform_key(r: &ConfigReader<'_>, verify: VerifyPolicy) -> Result<Option<Vec<u8>>> {
    let key = match r.opt("platformPublicKey")? {
        Some(text) => Some(key::load_public_key(&text).map_err(|e| {
            Error::config(format!("`platformPublicKey`: {}", e.message)).with_vendor(VENDOR)
        })?),
        None => None,
    };
    if verify == VerifyPolicy::Enforce && key.is_none() {
        return Err(
            Error::config("`verify: \"enforce\"` needs `platformPublicKey`").with_vendor(VENDOR),
        );
    }
    Ok(key)
}

/// A Freemud client configuration. `Debug` hides the private key and the access token.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// 商户号, issued by 开个店.
    pub partner_id: String,
    /// Platform/app id, issued by 开个店.
    pub app_id: String,
    /// The signing key as PKCS#8 DER (`None` only with `dev_skip_signature`).
    pub private_key_pkcs8: Option<Vec<u8>>,
    /// The gateway token sent as `access_token`.
    pub access_token: Option<String>,
    /// Base URL, without a trailing `/`.
    pub base_url: String,
    /// The platform's public key (SPKI DER) for reply and push signatures.
    pub platform_public_key_spki: Option<Vec<u8>>,
    /// What to do with reply and push signatures.
    pub verify: VerifyPolicy,
    /// Send `"sign":"skip"` (loopback base URLs only).
    pub dev_skip_signature: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("freemud::Config")
            .field("partner_id", &self.partner_id)
            .field("app_id", &self.app_id)
            .field(
                "private_key",
                &self.private_key_pkcs8.as_ref().map(|_| "***"),
            )
            .field("access_token", &self.access_token.as_ref().map(|_| "***"))
            .field(
                "base_url",
                &crate::core::request::redact_url(&self.base_url),
            )
            .field(
                "platform_public_key",
                &self.platform_public_key_spki.is_some(),
            )
            .field("verify", &self.verify)
            .field("dev_skip_signature", &self.dev_skip_signature)
            .finish()
    }
}

impl Config {
    /// Reads `{ vendor: "freemud", partnerId, appId, privateKey, baseUrl, accessToken?,
    /// platformPublicKey?, verify?: "off"|"log"|"enforce", devSkipSignature? }`.
    /// The keys are loaded here, so a bad key is a `config` error at once.
    #[allow(clippy::field_reassign_with_default)] // see below
    pub fn from_json(j: &Json) -> Result<Config> {
        let r = ConfigReader::new(j, VENDOR)?;
        // Filled field by field: an early return then drops one `Config`
        // instead of each value read so far (smaller wasm).
        let mut c = Config::default();
        c.partner_id = r.req("partnerId")?;
        c.app_id = r.req("appId")?;
        c.base_url = r.base_url(None)?;
        c.dev_skip_signature = r.opt_bool("devSkipSignature")?.unwrap_or(false);
        if c.dev_skip_signature && !is_loopback_url(&c.base_url) {
            return Err(Error::config(
                "`devSkipSignature` is only allowed with a localhost `baseUrl`",
            )
            .with_vendor(VENDOR));
        }
        c.private_key_pkcs8 = match r.opt("privateKey")? {
            Some(text) => Some(key::load_private_key(&text).map_err(|e| {
                Error::config(format!("`privateKey`: {}", e.message)).with_vendor(VENDOR)
            })?),
            None if c.dev_skip_signature => None,
            None => {
                return Err(
                    Error::config("`privateKey` is required for freemud").with_vendor(VENDOR)
                )
            }
        };
        c.verify = read_verify(&r)?;
        c.access_token = r.opt("accessToken")?;
        c.platform_public_key_spki = read_platform_key(&r, c.verify)?;
        Ok(c)
    }
}

/// What `verifyCallback` needs: no private key, no base URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallbackConfig {
    /// The merchant the push must be for.
    pub partner_id: String,
    /// The app the push must be for.
    pub app_id: String,
    /// The platform's public key (SPKI DER).
    pub platform_public_key_spki: Option<Vec<u8>>,
    /// The verification policy.
    pub verify: VerifyPolicy,
}

impl CallbackConfig {
    /// Reads `{ partnerId, appId, platformPublicKey?, verify? }` from a Freemud config (other fields ignored).
    pub fn from_json(j: &Json) -> Result<CallbackConfig> {
        let r = ConfigReader::new(j, VENDOR)?;
        let mut c = CallbackConfig {
            verify: read_verify(&r)?,
            ..CallbackConfig::default()
        };
        c.partner_id = r.req("partnerId")?;
        c.app_id = r.req("appId")?;
        c.platform_public_key_spki = read_platform_key(&r, c.verify)?;
        Ok(c)
    }
}

/// A validated call: the exact `requestBody` to sign and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The operation.
    pub op: Operation,
    /// The path it is sent to.
    pub path: String,
    /// The `requestBody` text.
    pub request_body: String,
    /// `idempotencyBussinessId`, for points changes.
    pub idempotency_id: Option<String>,
}

impl Prepared {
    /// The canonical string the request signature covers.
    pub fn canonical(&self, config: &Config) -> String {
        sign::request_canonical(&config.app_id, &config.partner_id, &self.request_body)
    }
}

/// Validates `params` for `op` (a vendor path; any API path outside the table
/// is sent unchecked, see [`ops`]). `params` is a JSON object, or a string
/// used verbatim as `requestBody` (still validated when it is a JSON object; a
/// points change must be).
pub fn prepare(config: &Config, op: &str, params: &Json) -> Result<Prepared> {
    prepare_with(config, op, params, &CallOptions::default())
}

/// [`prepare`] under per-call options (`allowFields`, `idempotent`).
pub fn prepare_with(
    config: &Config,
    path: &str,
    params: &Json,
    options: &CallOptions,
) -> Result<Prepared> {
    let with_vendor = |e: Error| e.with_vendor(VENDOR);
    let op = match ops::route(path)? {
        Operation::Other { .. } => Operation::Other {
            idempotent: options.idempotent.unwrap_or(false),
        },
        known => {
            options
                .refuse_idempotent_on_known(path)
                .map_err(with_vendor)?;
            known
        }
    };
    let (request_body, checked) = match params {
        Json::String(text) => match Json::parse(text) {
            Ok(obj @ Json::Object(_)) => (text.clone(), ops::check_with(op, &obj, &config.partner_id, options).map_err(with_vendor)?),
            _ if op.changes_points() => {
                return Err(with_vendor(Error::invalid_input(
                    "a points change's `requestBody` string must be a JSON object (jifen checks `idempotencyBussinessId`)",
                )))
            }
            _ if text.trim().is_empty() => return Err(with_vendor(Error::invalid_input("`requestBody` string is empty"))),
            _ => (text.clone(), ops::Checked::default()),
        },
        Json::Object(_) | Json::Null => {
            let checked = ops::check_with(op, params, &config.partner_id, options).map_err(with_vendor)?;
            let text = if params.is_null() { "{}".to_string() } else { params.to_json_string() };
            (text, checked)
        }
        _ => return Err(with_vendor(Error::invalid_input("params must be an object or a JSON string"))),
    };
    Ok(Prepared {
        op,
        path: path.to_string(),
        request_body,
        idempotency_id: checked.idempotency_id,
    })
}

/// The request for a prepared call, given its base64 signature (or `"skip"`)
/// and this attempt's `x-transaction-id`.
pub fn sign_request(
    config: &Config,
    prepared: &Prepared,
    signature: &str,
    transaction_id: &str,
) -> SignedRequest {
    Envelope::new(config, prepared).request(config, signature, transaction_id)
}

/// What a prepared call's request holds before its signature is known: the
/// canonical string, the URL and the body up to its `sign`. Made when the call
/// is prepared, so that once the platform's signature arrives (a Freemud call
/// waits for WebCrypto) only the signature and the transaction id are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The canonical string the signature covers.
    pub canonical: String,
    url: String,
    /// `{"ver":"1","partnerId":…,"appId":…,"requestBody":…,"sign":`
    body_head: String,
}

impl Envelope {
    /// The envelope of `prepared`.
    pub fn new(config: &Config, prepared: &Prepared) -> Envelope {
        use crate::core::json::write_string;
        let mut body_head = String::with_capacity(prepared.request_body.len() * 2 + 96);
        body_head.push_str("{\"ver\":\"");
        body_head.push_str(VER);
        body_head.push_str("\",\"partnerId\":");
        write_string(&config.partner_id, &mut body_head);
        body_head.push_str(",\"appId\":");
        write_string(&config.app_id, &mut body_head);
        body_head.push_str(",\"requestBody\":");
        write_string(&prepared.request_body, &mut body_head);
        body_head.push_str(",\"sign\":");
        Envelope {
            canonical: prepared.canonical(config),
            url: [config.base_url.as_str(), prepared.path.as_str()].concat(),
            body_head,
        }
    }

    /// The request, given its base64 signature (or `"skip"`) and this attempt's `x-transaction-id`.
    pub fn request(&self, config: &Config, signature: &str, transaction_id: &str) -> SignedRequest {
        let mut body = String::with_capacity(self.body_head.len() + signature.len() + 3);
        body.push_str(&self.body_head);
        crate::core::json::write_string(signature, &mut body);
        body.push('}');
        let mut headers: Vec<Header> = vec![
            ("Content-Type".into(), CONTENT_TYPE.into()),
            ("Accept".into(), CONTENT_TYPE.into()),
            ("x-transaction-id".into(), transaction_id.to_string().into()),
        ];
        if let Some(t) = &config.access_token {
            headers.push(("access_token".into(), t.clone().into()));
        }
        SignedRequest {
            method: Method::Post,
            url: self.url.clone(),
            headers,
            body: Some(body),
            string_to_sign: self.canonical.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(extra: &str) -> Result<Config> {
        Config::from_json(
            &Json::parse(&format!(
                r#"{{"vendor":"freemud","partnerId":"9001","appId":"app"{extra}}}"#
            ))
            .unwrap(),
        )
    }

    #[test]
    fn dev_skip_needs_localhost() {
        assert!(
            cfg(r#","baseUrl":"http://127.0.0.1:8787/freemud","devSkipSignature":true"#).is_ok()
        );
        let e =
            cfg(r#","baseUrl":"https://open-store.sandload.cn/openapi","devSkipSignature":true"#)
                .unwrap_err();
        assert_eq!(e.code, crate::core::error::ErrorCode::Config);
        assert!(cfg(r#","baseUrl":"http://localhost/x""#)
            .unwrap_err()
            .message
            .contains("privateKey"));
        assert!(cfg(
            r#","baseUrl":"http://localhost/x","devSkipSignature":true,"verify":"enforce""#
        )
        .unwrap_err()
        .message
        .contains("platformPublicKey"));
        assert!(cfg(
            r#","baseUrl":"http://localhost/x","devSkipSignature":true,"verify":"strict""#
        )
        .is_err());
    }

    #[test]
    fn string_params_are_verbatim() {
        let c = cfg(r#","baseUrl":"http://127.0.0.1/fm","devSkipSignature":true,"accessToken":"tok-secret""#).unwrap();
        let text = "{ \"memberId\" : \"1\" }";
        let p = prepare(&c, ops::STATISTICAL_SCORE, &Json::str(text)).unwrap();
        assert_eq!(p.request_body, text);
        assert!(prepare(&c, ops::SCORE_ADD, &Json::str("{'memberId':'1'}")).is_err());
        assert!(prepare(&c, ops::GET_MEMBER_INFO, &Json::str("{'memberId':'1'}")).is_ok());
        let r = sign_request(&c, &p, "skip", "tx-1");
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"ver":"1","partnerId":"9001","appId":"app","requestBody":"{ \"memberId\" : \"1\" }","sign":"skip"}"#
            )
        );
        assert_eq!(r.url, "http://127.0.0.1/fm/member/score/statisticalScore");
        assert!(!format!("{c:?} {r:?}").contains("tok-secret"));
    }

    /// Vector A1 of docs/vendors/freemud.md §9 (the vendor demo's own input): an
    /// operation outside the table signs the same `appId=…&partnerId=…&requestBody=…&ver=1`.
    #[test]
    fn any_path_is_the_same_envelope() {
        let c = Config::from_json(
            &Json::parse(r#"{"vendor":"freemud","partnerId":"2282","appId":"wxaa246","baseUrl":"http://127.0.0.1/fm","devSkipSignature":true}"#)
                .unwrap(),
        )
        .unwrap();
        let params = Json::parse(r#"{"orderCode":["14466581149538022700014"]}"#).unwrap();
        let p = prepare(&c, "/order/getOrderDetail", &params).unwrap();
        assert_eq!(
            p.canonical(&c),
            r#"appId=wxaa246&partnerId=2282&requestBody={"orderCode":["14466581149538022700014"]}&ver=1"#
        );
        assert!(!p.op.is_idempotent() && !p.op.changes_points());
        assert_eq!(p.idempotency_id, None);
        let r = sign_request(&c, &p, "skip", "tx-1");
        assert_eq!(r.url, "http://127.0.0.1/fm/order/getOrderDetail");
        assert_eq!(r.method, Method::Post);
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"ver":"1","partnerId":"2282","appId":"wxaa246","requestBody":"{\"orderCode\":[\"14466581149538022700014\"]}","sign":"skip"}"#
            )
        );
        // A string is sent verbatim; `partnerId` must still be the configured one.
        let text = Json::str(r#"{ "pageNum" : 1 }"#);
        assert_eq!(
            prepare(&c, "/member/coupon/list", &text)
                .unwrap()
                .request_body,
            r#"{ "pageNum" : 1 }"#
        );
        let other = Json::parse(r#"{"partnerId":"9"}"#).unwrap();
        assert!(prepare(&c, "/member/coupon/list", &other).is_err());
        let said = CallOptions {
            idempotent: Some(true),
            ..CallOptions::default()
        };
        assert!(prepare_with(&c, "/member/coupon/list", &Json::Null, &said)
            .unwrap()
            .op
            .is_idempotent());
        assert!(prepare_with(&c, ops::STATISTICAL_SCORE, &Json::Null, &said).is_err());
        for bad in [
            "",
            "/",
            "member/x",
            "/member//x",
            "/member/../x",
            "/member/x?y=1",
            "/member/score/opt/2",
        ] {
            assert_eq!(
                prepare(&c, bad, &Json::Null).unwrap_err().code,
                crate::core::error::ErrorCode::Unsupported,
                "{bad}"
            );
        }
        // The reply's `responseBody` comes back as sent, ids exact.
        let body = Json::parse(r#"{"couponList":[{"couponId":115589208394311926000}],"total":1}"#)
            .unwrap();
        assert_eq!(
            response::result_json(p.op, &body).unwrap().to_json_string(),
            r#"{"couponList":[{"couponId":"115589208394311926000"}],"total":1}"#
        );
    }

    /// The demo's `orderCode` on a known operation: refused as unknown, sent with `allowFields`.
    #[test]
    fn allow_fields_sends_a_field_jifen_does_not_know() {
        let c = cfg(r#","baseUrl":"http://127.0.0.1/fm","devSkipSignature":true"#).unwrap();
        let params = Json::parse(
            r#"{"memberId":"115589208394311926","orderCode":["14466581149538022700014"]}"#,
        )
        .unwrap();
        let e = prepare(&c, ops::STATISTICAL_SCORE, &params).unwrap_err();
        assert!(
            e.message.starts_with("unknown parameter `orderCode`;"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains(r#"allowFields: ["orderCode"]"#),
            "{}",
            e.message
        );
        let allow = CallOptions {
            allow_fields: vec!["orderCode".into()],
            idempotent: None,
        };
        let p = prepare_with(&c, ops::STATISTICAL_SCORE, &params, &allow).unwrap();
        assert_eq!(p.request_body, params.to_json_string());
        let typo = Json::parse(r#"{"memberid":"1","orderCode":"x"}"#).unwrap();
        let e = prepare_with(&c, ops::STATISTICAL_SCORE, &typo, &allow).unwrap_err();
        assert!(
            e.message.contains("did you mean `memberId`?"),
            "{}",
            e.message
        );
    }
}
