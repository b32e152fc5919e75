//! `buildRequest`: build and sign one request for any vendor, send nothing.
//! Values the caller does not pin (timestamp, nonce, transaction id) come from
//! the environment, exactly as a real call would make them.
//!
//! The vendor is reached through its [`Account`] (the config read once, what
//! the JS `Signer` keeps): a vendor that signs synchronously signs here; one
//! whose signature is made by the platform (RSA through WebCrypto) hands back
//! the bytes to sign, and [`external_signature`] signs them with `env.rsa`.

use super::Env;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{check_header_values, SignedRequest};
use crate::core::rsa::RsaSigner;
pub use crate::vendors::DryRunOptions;
use crate::vendors::{self, Account, Vendor};

/// Reads and checks a config for the vendor it names (what the JS `Signer`
/// keeps; [`dry_run`] reads one and uses it once).
pub fn read_account(config: &Json) -> Result<Box<dyn Account>> {
    vendors::vendor_of(config)?.read(config)
}

/// Builds and signs `op` for an account that signs synchronously (no I/O).
/// One whose signature is made by the platform is `unsupported` here: use [`build`].
pub fn build_sync(
    account: &dyn Account,
    op: &str,
    params: &Json,
    options: &DryRunOptions,
    env: &Env,
) -> Result<SignedRequest> {
    let timestamp_ms = options.timestamp_ms.unwrap_or_else(|| env.clock.now_ms());
    let signed = account.build_sync(op, params, options, timestamp_ms, env.entropy.as_ref())?;
    check_header_values(&signed.headers)?;
    Ok(signed)
}

/// Builds and signs `op` for any account. An RSA key is imported through
/// `env.rsa` (a provider may keep it).
pub async fn build(
    account: &dyn Account,
    op: &str,
    params: &Json,
    options: &DryRunOptions,
    env: &Env,
) -> Result<SignedRequest> {
    // The params are checked before the key is imported: a bad call fails
    // the same way whatever the key.
    let Some(call) = account.prepare_external(op, params, &options.call)? else {
        return build_sync(account, op, params, options, env);
    };
    let signer = match account.rsa_key() {
        Some(der) => Some(import_signer(env, account, der).await?),
        None => None,
    };
    let signature = external_signature(signer.as_deref(), account, &call.payload()).await?;
    let signed = call.finish(signature.as_deref(), options, env.entropy.as_ref())?;
    check_header_values(&signed.headers)?;
    Ok(signed)
}

/// The `unsupported` answer where a vendor needs RSA and `env` has none.
pub(super) fn no_rsa(vendor: &dyn Vendor) -> Error {
    Error::unsupported(format!(
        "{} needs RSA (SHA256withRSA) and this environment provides none (Env::with_rsa)",
        vendor.title()
    ))
    .with_vendor(vendor.name())
}

/// Imports an account's signing key (PKCS#8 DER) through `env.rsa`.
pub(super) async fn import_signer(
    env: &Env,
    account: &dyn Account,
    der: &[u8],
) -> Result<Box<dyn RsaSigner>> {
    let rsa = env.rsa.as_ref().ok_or_else(|| no_rsa(account.vendor()))?;
    rsa.signer(der).await.map_err(|e| {
        Error::config(format!(
            "the platform refused the RSA private key ({})",
            e.code
        ))
        .with_vendor(account.vendor().name())
    })
}

/// The signature over `payload` with `signer`; `None` where the account signs
/// without a key (a dev switch).
pub(super) async fn external_signature(
    signer: Option<&dyn RsaSigner>,
    account: &dyn Account,
    payload: &str,
) -> Result<Option<Vec<u8>>> {
    let Some(signer) = signer else {
        return Ok(None);
    };
    signer
        .sign(payload.as_bytes())
        .await
        .map(Some)
        .map_err(|e| e.with_vendor(account.vendor().name()))
}

/// Builds and signs `op` with `params` for the vendor named in `config`.
pub async fn dry_run(
    config: &Json,
    op: &str,
    params: &Json,
    options: &DryRunOptions,
    env: &Env,
) -> Result<SignedRequest> {
    build(read_account(config)?.as_ref(), op, params, options, env).await
}
