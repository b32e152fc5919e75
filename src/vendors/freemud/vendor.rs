//! Freemud as one value: the [`Vendor`] listed in `vendors::ALL`, and its
//! config as an [`Account`] whose signature (SHA256withRSA) is made by the
//! platform: a call is checked here, the client has its canonical string
//! signed through WebCrypto, and the envelope is finished here.

use super::response::{parse_envelope, result_json};
use super::{prepare_with, Config, Envelope, Prepared, VerifyPolicy};
use crate::core::clock::{uuid_v4, Entropy};
use crate::core::crypto::{base64_decode, base64_encode};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::{HttpResponse, SignedRequest};
use crate::points::Mapping;
use crate::vendors::call_options::CallOptions;
use crate::vendors::{
    Account, DryRunOptions, ExternallySigned, Parsed, PreparedCall, ReplyProof, ReplySignature,
    SignatureStatus, SigningAccount, SigningVendor, Vendor,
};

/// Freemud 非码 (开个店 open platform).
#[derive(Debug, Clone, Copy)]
pub struct Freemud;

/// Its points mappings, the default first.
static MAPPINGS: [&dyn Mapping; 1] = [&super::points::POINTS];

impl SigningVendor for Freemud {
    fn name(&self) -> &'static str {
        super::VENDOR
    }

    fn title(&self) -> &'static str {
        "Freemud"
    }

    fn read_signing(&self, config: &Json) -> Result<Box<dyn SigningAccount>> {
        Ok(Box::new(Config::from_json(config)?))
    }
}

impl Vendor for Freemud {
    fn read(&self, config: &Json) -> Result<Box<dyn Account>> {
        Ok(Box::new(Config::from_json(config)?))
    }

    fn mappings(&self) -> &'static [&'static dyn Mapping] {
        &MAPPINGS
    }

    fn mapping_for(&self, _config: &Json) -> &'static dyn Mapping {
        &super::points::POINTS
    }
}

/// The `sign` value: base64 of the signature, or `"skip"` under `devSkipSignature`.
pub fn sign_text(config: &Config, signature: Option<&[u8]>) -> Result<String> {
    if config.dev_skip_signature {
        return Ok("skip".to_string());
    }
    signature.map(base64_encode).ok_or_else(|| {
        Error::config("`privateKey` is required for freemud").with_vendor(super::VENDOR)
    })
}

/// A checked Freemud call, the config that signs it, and its envelope.
struct Pending<'a> {
    config: &'a Config,
    prepared: Prepared,
    envelope: Envelope,
}

impl<'a> Pending<'a> {
    fn new(config: &'a Config, prepared: Prepared) -> Pending<'a> {
        let envelope = Envelope::new(config, &prepared);
        Pending {
            config,
            prepared,
            envelope,
        }
    }
}

impl ExternallySigned for Pending<'_> {
    fn payload(&self) -> String {
        self.envelope.canonical.clone()
    }

    fn finish(
        &self,
        signature: Option<&[u8]>,
        options: &DryRunOptions,
        entropy: &dyn Entropy,
    ) -> Result<SignedRequest> {
        let sign = sign_text(self.config, signature)?;
        let transaction_id = options
            .transaction_id
            .clone()
            .unwrap_or_else(|| uuid_v4(entropy));
        Ok(self.envelope.request(self.config, &sign, &transaction_id))
    }
}

/// A reply's or push's `sign` (base64), as sent.
pub fn reply_signature(sign: Option<&str>) -> ReplySignature {
    match sign {
        None => ReplySignature::Absent,
        Some(text) => base64_decode(text).map_or(ReplySignature::Unreadable, ReplySignature::Bytes),
    }
}

/// A Freemud call sent by the client: one signature per call (the body does
/// not change between attempts), a fresh `x-transaction-id` per attempt, the
/// same `idempotencyBussinessId` on every attempt because it is in the body,
/// and the reply's signature judged by `config.verify`.
impl PreparedCall for Pending<'_> {
    fn idempotent(&self) -> bool {
        self.prepared.op.is_idempotent()
    }

    fn external_payload(&self) -> Option<String> {
        Some(self.envelope.canonical.clone())
    }

    fn sign(
        &self,
        _now_ms: u64,
        entropy: &dyn Entropy,
        signature: Option<&[u8]>,
    ) -> Result<SignedRequest> {
        let sign = sign_text(self.config, signature)?;
        Ok(self.envelope.request(self.config, &sign, &uuid_v4(entropy)))
    }

    fn parse(&self, reply: &HttpResponse) -> Result<Parsed> {
        let envelope = parse_envelope(reply)?;
        let op = self.prepared.op;
        let data = match envelope
            .body()
            .and_then(|body| result_json(op, &body).map_err(|e| e.with_status(reply.status)))
        {
            Ok(result) => result,
            // statusCode 100: the change is applied. A result jifen cannot read
            // is returned as sent, not turned into an error that hides that
            // (a retry with the same key would get the same reply again).
            Err(_) if op.changes_points() => Json::object([(
                "responseBody",
                envelope.response_body.clone().map(Json::String),
            )]),
            Err(e) => return Err(e),
        };
        Ok(Parsed {
            data,
            proof: Some(ReplyProof {
                signature: reply_signature(envelope.sign.as_deref()),
                signed: envelope.canonical,
            }),
        })
    }

    fn judge_reply(&self, mut result: Json, status: SignatureStatus) -> Result<Json> {
        match (self.config.verify, status) {
            (VerifyPolicy::Enforce, SignatureStatus::Valid) => Ok(result),
            (VerifyPolicy::Enforce, status) => {
                let what = if self.prepared.op.changes_points() {
                    "; the points change may have been applied: check before repeating it"
                } else {
                    ""
                };
                Err(Error::new(
                    ErrorCode::Signature,
                    format!("Freemud reply signature is {}{what}", status.as_str()),
                )
                .with_vendor(super::VENDOR))
            }
            (_, status) => {
                if let Json::Object(pairs) = &mut result {
                    pairs.push(("_signature".to_string(), Json::str(status.as_str())));
                }
                Ok(result)
            }
        }
    }
}

impl SigningAccount for Config {
    fn signing_vendor(&self) -> &'static dyn SigningVendor {
        &Freemud
    }

    fn build_sync(
        &self,
        _op: &str,
        _params: &Json,
        _options: &DryRunOptions,
        _timestamp_ms: u64,
        _entropy: &dyn Entropy,
    ) -> Result<SignedRequest> {
        Err(Error::unsupported(
            "Freemud signs with RSA through WebCrypto, which is asynchronous: use `await signer.build(...)`",
        )
        .with_vendor(super::VENDOR))
    }

    fn prepare_external(
        &self,
        op: &str,
        params: &Json,
        call: &CallOptions,
    ) -> Result<Option<Box<dyn ExternallySigned + '_>>> {
        let prepared = prepare_with(self, op, params, call)?;
        Ok(Some(Box::new(Pending::new(self, prepared))))
    }

    fn rsa_key(&self) -> Option<&[u8]> {
        if self.dev_skip_signature {
            None
        } else {
            self.private_key_pkcs8.as_deref()
        }
    }
}

impl Account for Config {
    fn vendor(&self) -> &'static dyn Vendor {
        &Freemud
    }

    fn mapping(&self) -> &'static dyn Mapping {
        &super::points::POINTS
    }

    fn key_scope(&self) -> String {
        format!("freemud:{}:{}", self.partner_id, self.app_id)
    }

    fn prepare_call(
        &self,
        op: &str,
        params: &Json,
        call: &CallOptions,
    ) -> Result<Box<dyn PreparedCall + '_>> {
        Ok(Box::new(Pending::new(
            self,
            prepare_with(self, op, params, call)?,
        )))
    }

    fn checks_replies(&self) -> bool {
        self.verify != VerifyPolicy::Off
    }

    fn reply_key(&self) -> Option<(&'static str, &[u8])> {
        self.platform_public_key_spki
            .as_deref()
            .map(|spki| ("platformPublicKey", spki))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
