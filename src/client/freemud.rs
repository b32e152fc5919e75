//! Freemud's pushes (`verifyCallback`): parsed, checked to be for this
//! merchant, and their signature verified by `config.verify`. Freemud's calls
//! need no client code of their own: the generic session (`session.rs`) sends
//! them, with the platform's RSA signature and the replies' checks.

use super::session::{check_reply, import_verifier};
use super::Env;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::vendors::freemud::{
    callback, reply_signature, CallbackConfig, Freemud, SignatureStatus, VerifyPolicy, VENDOR,
};
use crate::vendors::ReplyProof;

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
            let verifier = import_verifier(env, &Freemud, "platformPublicKey", spki).await?;
            let proof = ReplyProof {
                signature: reply_signature(cb.sign.as_deref()),
                signed: cb.canonical,
            };
            check_reply(Some(verifier.as_ref()), &proof).await
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
