//! The Freemud side of the client: RSA signing through the platform's
//! [`RsaProvider`] (the key is imported once, on first use, and kept), the
//! retry loop (one signature per call: the body does not change between
//! attempts; a fresh `x-transaction-id` per attempt; the same
//! `idempotencyBussinessId` on every attempt because it is in the body), and
//! reply/push signature verification by `config.verify`.

use super::dry_run::{external_signature, import_signer};
use super::session::Session;
use super::{Client, Env, Transport};
use crate::core::clock::uuid_v4;
use crate::core::crypto::base64_decode;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::rsa::LocalFuture;
use crate::core::rsa::{RsaSigner, RsaVerifier};
use crate::retry::delivery;
use crate::vendors::freemud::callback;
use crate::vendors::freemud::response::{parse_envelope, result_json, Envelope};
use crate::vendors::freemud::{
    self, sign_text, CallbackConfig, Config, SignatureStatus, VerifyPolicy,
};
use crate::vendors::Account;
use std::cell::RefCell;
use std::rc::Rc;

use crate::vendors::freemud::VENDOR;

/// Per-client Freemud state: the configuration and the imported keys.
pub(super) struct FreemudState {
    pub(super) config: Config,
    signer: RefCell<Option<Rc<dyn RsaSigner>>>,
    verifier: RefCell<Option<Rc<dyn RsaVerifier>>>,
}

impl FreemudState {
    fn new(config: Config) -> Self {
        FreemudState {
            config,
            signer: RefCell::new(None),
            verifier: RefCell::new(None),
        }
    }
}

/// The session for a Freemud account; any other account is handed back.
#[allow(clippy::type_complexity)]
pub(super) fn session<T: Transport>(
    account: Box<dyn Account>,
) -> std::result::Result<Box<dyn Session<T>>, Box<dyn Account>> {
    // Cloned out of the box (once per client): no `Box<dyn Any>` to lose the account in.
    match account.as_any().downcast_ref::<Config>() {
        Some(config) => Ok(Box::new(FreemudState::new(config.clone()))),
        None => Err(account),
    }
}

impl<T: Transport> Session<T> for FreemudState {
    fn account(&self) -> &dyn Account {
        &self.config
    }

    fn call<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
        params: &'a Json,
        options: &'a super::CallOptions,
    ) -> LocalFuture<'a, Result<Json>> {
        Box::pin(client.freemud_call(self, op, params, options))
    }
}

fn no_rsa() -> Error {
    super::dry_run::no_rsa(&freemud::Freemud)
}

/// Checks a base64 `sign` over `canonical`.
async fn check(
    verifier: Option<&dyn RsaVerifier>,
    canonical: &str,
    sign: Option<&str>,
) -> SignatureStatus {
    let Some(verifier) = verifier else {
        return SignatureStatus::Unchecked;
    };
    let Some(sign) = sign else {
        return SignatureStatus::Absent;
    };
    let Some(sig) = base64_decode(sign) else {
        return SignatureStatus::Invalid;
    };
    match verifier.verify(canonical.as_bytes(), &sig).await {
        Ok(true) => SignatureStatus::Valid,
        _ => SignatureStatus::Invalid,
    }
}

impl<T: Transport> Client<T> {
    async fn freemud_signer(&self, f: &FreemudState) -> Result<Option<Rc<dyn RsaSigner>>> {
        let Some(der) = f.config.rsa_key() else {
            return Ok(None);
        };
        if let Some(s) = f.signer.borrow().clone() {
            return Ok(Some(s));
        }
        let signer: Rc<dyn RsaSigner> = Rc::from(import_signer(&self.env, &f.config, der).await?);
        *f.signer.borrow_mut() = Some(signer.clone());
        Ok(Some(signer))
    }

    async fn freemud_verifier(&self, f: &FreemudState) -> Result<Option<Rc<dyn RsaVerifier>>> {
        let Some(spki) = &f.config.platform_public_key_spki else {
            return Ok(None);
        };
        if let Some(v) = f.verifier.borrow().clone() {
            return Ok(Some(v));
        }
        let rsa = self.env.rsa.as_ref().ok_or_else(no_rsa)?;
        let verifier: Rc<dyn RsaVerifier> = Rc::from(rsa.verifier(spki).await.map_err(|e| {
            Error::config(format!(
                "the platform refused `platformPublicKey` ({})",
                e.code
            ))
            .with_vendor(VENDOR)
        })?);
        *f.verifier.borrow_mut() = Some(verifier.clone());
        Ok(Some(verifier))
    }

    pub(super) async fn freemud_call(
        &self,
        f: &FreemudState,
        op: &str,
        params: &Json,
        options: &super::CallOptions,
    ) -> Result<Json> {
        let prepared = freemud::prepare_with(&f.config, op, params, options)?;
        let signer = self.freemud_signer(f).await?;
        let signature =
            external_signature(signer.as_deref(), &f.config, &prepared.canonical(&f.config))
                .await?;
        let signature = sign_text(&f.config, signature.as_deref())?;
        let last: RefCell<Option<Envelope>> = RefCell::new(None);
        let sign = |_now: u64| {
            let tx = uuid_v4(self.env.entropy.as_ref());
            Ok(freemud::sign_request(&f.config, &prepared, &signature, &tx).to_http())
        };
        let parse = |resp: &crate::core::request::HttpResponse| {
            let envelope = parse_envelope(resp)?;
            let result = match envelope.body().and_then(|body| {
                result_json(prepared.op, &body).map_err(|e| e.with_status(resp.status))
            }) {
                Ok(result) => result,
                // statusCode 100: the change is applied. A result jifen cannot read
                // is returned as sent, not turned into an error that hides that
                // (a retry with the same key would get the same reply again).
                Err(_) if prepared.op.changes_points() => Json::object([(
                    "responseBody",
                    envelope.response_body.clone().map(Json::String),
                )]),
                Err(e) => return Err(e),
            };
            *last.borrow_mut() = Some(envelope);
            Ok(result)
        };
        let mut result = self
            .exchange(
                &self.policy,
                VENDOR,
                prepared.op.is_idempotent(),
                &sign,
                &parse,
                &delivery,
            )
            .await?;
        let Some(envelope) = last.into_inner() else {
            return Ok(result);
        };
        if f.config.verify == VerifyPolicy::Off {
            return Ok(result);
        }
        // One verification for both policies: `log` reports it, `enforce` requires it.
        let verifier = self.freemud_verifier(f).await?;
        let status = check(
            verifier.as_deref(),
            &envelope.canonical,
            envelope.sign.as_deref(),
        )
        .await;
        match (f.config.verify, status) {
            (VerifyPolicy::Enforce, SignatureStatus::Valid) => Ok(result),
            (VerifyPolicy::Enforce, status) => {
                let what = if prepared.op.changes_points() {
                    "; the points change may have been applied: check before repeating it"
                } else {
                    ""
                };
                Err(Error::new(
                    ErrorCode::Signature,
                    format!("Freemud reply signature is {}{what}", status.as_str()),
                )
                .with_vendor(VENDOR))
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

/// Verifies and parses a Freemud push (`verifyCallback`).
///
/// `config` is a Freemud config (only `partnerId`, `appId`, `platformPublicKey`
/// and `verify` are read); `body` the exact bytes received; `transaction_id`
/// the `x-transaction-id` header, if any. Returns
/// `{event: {type, data}, verified, signature, transactionId, ack, ackBody}`
/// where `ackBody` is the exact text to answer with. A malformed push, a push
/// for another merchant, or (under `enforce`) a bad signature is `callback_invalid`.
pub async fn verify_callback(
    config: &Json,
    body: &[u8],
    transaction_id: Option<&str>,
    env: &Env,
) -> Result<Json> {
    let cc = CallbackConfig::from_json(config)?;
    let cb = callback::parse(body)?;
    if cb.partner_id != cc.partner_id || cb.app_id != cc.app_id {
        return Err(Error::new(
            ErrorCode::CallbackInvalid,
            "Freemud callback is for another partnerId/appId",
        )
        .with_vendor(VENDOR));
    }
    let status = match (cc.verify, &cc.platform_public_key_spki) {
        (VerifyPolicy::Off, _) | (_, None) => SignatureStatus::Unchecked,
        (_, Some(spki)) => {
            let rsa = env.rsa.as_ref().ok_or_else(no_rsa)?;
            let verifier = rsa.verifier(spki).await.map_err(|e| {
                Error::config(format!(
                    "the platform refused `platformPublicKey` ({})",
                    e.code
                ))
                .with_vendor(VENDOR)
            })?;
            check(Some(verifier.as_ref()), &cb.canonical, cb.sign.as_deref()).await
        }
    };
    if cc.verify == VerifyPolicy::Enforce && status != SignatureStatus::Valid {
        return Err(Error::new(
            ErrorCode::CallbackInvalid,
            format!("Freemud callback signature is {}", status.as_str()),
        )
        .with_vendor(VENDOR));
    }
    let ack = callback::ack();
    Ok(Json::object([
        ("event", Some(cb.event.to_json())),
        (
            "verified",
            Some(Json::Bool(status == SignatureStatus::Valid)),
        ),
        ("signature", Some(Json::str(status.as_str()))),
        ("transactionId", transaction_id.map(Json::str)),
        ("ackBody", Some(Json::str(ack.to_json_string()))),
        ("ack", Some(ack)),
    ]))
}
