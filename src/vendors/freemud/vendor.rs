//! Freemud as one value: the [`Vendor`] listed in `vendors::ALL`, and its
//! config as an [`Account`] whose signature (SHA256withRSA) is made by the
//! platform: a call is checked here, the client has its canonical string
//! signed through WebCrypto, and the envelope is finished here.

use super::{prepare_with, sign_request, Config, Prepared};
use crate::core::clock::{uuid_v4, Entropy};
use crate::core::crypto::base64_encode;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::SignedRequest;
use crate::points::Mapping;
use crate::vendors::call_options::CallOptions;
use crate::vendors::{Account, DryRunOptions, ExternallySigned, Vendor};

/// Freemud 非码 (开个店 open platform).
#[derive(Debug, Clone, Copy)]
pub struct Freemud;

/// Its points mappings, the default first.
static MAPPINGS: [&dyn Mapping; 1] = [&super::points::POINTS];

impl Vendor for Freemud {
    fn name(&self) -> &'static str {
        super::VENDOR
    }

    fn title(&self) -> &'static str {
        "Freemud"
    }

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

/// A checked Freemud call and the config that signs it.
struct Pending<'a> {
    config: &'a Config,
    prepared: Prepared,
}

impl ExternallySigned for Pending<'_> {
    fn payload(&self) -> String {
        self.prepared.canonical(self.config)
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
        Ok(sign_request(
            self.config,
            &self.prepared,
            &sign,
            &transaction_id,
        ))
    }
}

impl Account for Config {
    fn vendor(&self) -> &'static dyn Vendor {
        &Freemud
    }

    fn mapping(&self) -> &'static dyn Mapping {
        &super::points::POINTS
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
        Ok(Some(Box::new(Pending {
            config: self,
            prepared,
        })))
    }

    fn key_scope(&self) -> String {
        format!("freemud:{}:{}", self.partner_id, self.app_id)
    }

    fn rsa_key(&self) -> Option<&[u8]> {
        if self.dev_skip_signature {
            None
        } else {
            self.private_key_pkcs8.as_deref()
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
