//! `buildRequest`: build and sign one request for any vendor, send nothing.
//! Values the caller does not pin (timestamp, nonce, transaction id) come from
//! the environment, exactly as a real call would make them.

use super::Env;
use crate::core::clock::random_in;
use crate::core::clock::uuid_v4;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{check_header_values, SignedRequest};
use crate::vendors::call_options::CallOptions;
use crate::vendors::{self, freemud, kingdee, qimai};

/// Options that make a dry run deterministic. `Debug` hides the app-token.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DryRunOptions {
    /// Timestamp in ms (each vendor converts to its own unit: Qimai signs seconds, `ms / 1000`).
    pub timestamp_ms: Option<u64>,
    /// Nonce, as decimal text.
    pub nonce: Option<String>,
    /// Freemud `x-transaction-id`.
    pub transaction_id: Option<String>,
    /// Kingdee `app-token` to put on a business call.
    pub app_token: Option<String>,
    /// Kingdee `X-GW-Router-Addr`.
    pub domain: Option<String>,
    /// `allowFields` and `idempotent`, as for a call.
    pub call: CallOptions,
}

impl std::fmt::Debug for DryRunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DryRunOptions")
            .field("timestamp_ms", &self.timestamp_ms)
            .field("nonce", &self.nonce)
            .field("transaction_id", &self.transaction_id)
            .field("app_token", &self.app_token.as_ref().map(|_| "***"))
            .field("domain", &self.domain)
            .field("call", &self.call)
            .finish()
    }
}

impl DryRunOptions {
    /// Reads `{ timestamp?, nonce?, transactionId?, appToken?, domain?, allowFields?, idempotent? }`.
    pub fn from_json(j: &Json) -> Result<DryRunOptions> {
        if j.is_null() {
            return Ok(DryRunOptions::default());
        }
        if j.as_object().is_none() {
            return Err(Error::invalid_input("options must be an object"));
        }
        let text = |k: &str| -> Result<Option<String>> {
            match j.get_present(k) {
                None => Ok(None),
                Some(v) => v
                    .as_text()
                    .filter(|t| !t.is_empty())
                    .map(Some)
                    .ok_or_else(|| {
                        Error::invalid_input(format!("options.{k} must be a string or number"))
                    }),
            }
        };
        let timestamp_ms = match j.get_present("timestamp") {
            None => None,
            Some(v) => Some(
                v.as_i64_lenient()
                    .and_then(|t| u64::try_from(t).ok())
                    .ok_or_else(|| {
                        Error::invalid_input(
                            "options.timestamp must be a non-negative integer (ms)",
                        )
                    })?,
            ),
        };
        Ok(DryRunOptions {
            timestamp_ms,
            nonce: text("nonce")?,
            transaction_id: text("transactionId")?,
            app_token: text("appToken")?,
            domain: text("domain")?,
            call: CallOptions::from_json(j)?,
        })
    }
}

/// A vendor config read and checked once, for signing many requests with it
/// (what the JS `Signer` keeps); [`dry_run`] makes one and uses it once.
pub enum SignerConfig {
    /// Kingdee: HMAC-SHA256, signed synchronously.
    Kingdee(kingdee::Config),
    /// Qimai: HMAC-SHA1 token, signed synchronously.
    Qimai(qimai::Config),
    /// Freemud: SHA256withRSA through `env.rsa`, so asynchronous.
    Freemud(freemud::Config),
}

impl SignerConfig {
    /// Reads and checks the config for the vendor it names.
    pub fn from_json(config: &Json) -> Result<SignerConfig> {
        match vendors::vendor_of(config)? {
            "kingdee" => Ok(SignerConfig::Kingdee(kingdee::Config::from_json(config)?)),
            "qimai" => Ok(SignerConfig::Qimai(qimai::Config::from_json(config)?)),
            "freemud" => Ok(SignerConfig::Freemud(freemud::Config::from_json(config)?)),
            other => Err(Error::unsupported(format!(
                "vendor `{other}` is not available in this build"
            ))),
        }
    }

    /// Freemud's PKCS#8 signing key, where signing needs one (not under `devSkipSignature`).
    pub fn rsa_key(&self) -> Option<&[u8]> {
        match self {
            SignerConfig::Freemud(c) if !c.dev_skip_signature => c.private_key_pkcs8.as_deref(),
            _ => None,
        }
    }

    /// The config borrowed, to sign with.
    pub fn as_ref(&self) -> ConfigRef<'_> {
        match self {
            SignerConfig::Kingdee(c) => ConfigRef::Kingdee(c),
            SignerConfig::Qimai(c) => ConfigRef::Qimai(c),
            SignerConfig::Freemud(c) => ConfigRef::Freemud(c),
        }
    }
}

/// A read config, borrowed from a [`SignerConfig`] or from a `Client`'s state.
#[derive(Clone, Copy)]
pub enum ConfigRef<'a> {
    /// Kingdee.
    Kingdee(&'a kingdee::Config),
    /// Qimai.
    Qimai(&'a qimai::Config),
    /// Freemud.
    Freemud(&'a freemud::Config),
}

impl ConfigRef<'_> {
    /// Builds and signs `op` for the HMAC vendors, which need no I/O. Freemud's
    /// RSA signature is asynchronous (WebCrypto): `unsupported`, use [`ConfigRef::build`].
    pub fn build_sync(
        &self,
        op: &str,
        params: &Json,
        options: &DryRunOptions,
        env: &Env,
    ) -> Result<SignedRequest> {
        let timestamp_ms = options.timestamp_ms.unwrap_or_else(|| env.clock.now_ms());
        let signed = match self {
            ConfigRef::Kingdee(config) => {
                let nonce = match &options.nonce {
                    Some(n) => n.clone(),
                    None => {
                        random_in(env.entropy.as_ref(), 1_000_000_000, 9_999_999_999).to_string()
                    }
                };
                let attempt = kingdee::Attempt {
                    timestamp_ms,
                    nonce,
                    app_token: options.app_token.clone(),
                    domain: options.domain.clone(),
                };
                kingdee::build_request_with(config, op, params, &attempt, &options.call)
            }
            ConfigRef::Qimai(config) => {
                let nonce = match &options.nonce {
                    Some(n) => qimai::parse_nonce(n)?,
                    None => random_in(env.entropy.as_ref(), 1, qimai::MAX_NONCE),
                };
                // `options.timestamp` is ms in the JS API; Qimai signs seconds.
                let attempt = qimai::Attempt {
                    timestamp_s: timestamp_ms / 1000,
                    nonce,
                };
                qimai::build_request_with(config, op, params, &attempt, &options.call)
            }
            ConfigRef::Freemud(_) => Err(Error::unsupported(
                "Freemud signs with RSA through WebCrypto, which is asynchronous: use `await signer.build(...)`",
            )
            .with_vendor("freemud")),
        }?;
        check_header_values(&signed.headers)?;
        Ok(signed)
    }

    /// Builds and signs `op` for any vendor. Freemud's key comes from
    /// `env.rsa` (imported there; a provider may keep it).
    pub async fn build(
        &self,
        op: &str,
        params: &Json,
        options: &DryRunOptions,
        env: &Env,
    ) -> Result<SignedRequest> {
        let ConfigRef::Freemud(config) = self else {
            return self.build_sync(op, params, options, env);
        };
        // The params are checked before the key is imported: a bad call fails
        // the same way whatever the key.
        let prepared = freemud::prepare_with(config, op, params, &options.call)?;
        let signer = if config.dev_skip_signature {
            None
        } else {
            Some(super::freemud::import_signer(env, config).await?)
        };
        let signature =
            super::freemud::sign_with(signer.as_deref(), config, &prepared.canonical(config))
                .await?;
        let transaction_id = options
            .transaction_id
            .clone()
            .unwrap_or_else(|| uuid_v4(env.entropy.as_ref()));
        let signed = freemud::sign_request(config, &prepared, &signature, &transaction_id);
        check_header_values(&signed.headers)?;
        Ok(signed)
    }
}

/// Builds and signs `op` with `params` for the vendor named in `config`.
pub async fn dry_run(
    config: &Json,
    op: &str,
    params: &Json,
    options: &DryRunOptions,
    env: &Env,
) -> Result<SignedRequest> {
    SignerConfig::from_json(config)?
        .as_ref()
        .build(op, params, options, env)
        .await
}
