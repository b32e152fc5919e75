//! Qimai as one value: the [`Vendor`] listed in `vendors::ALL`, and its config
//! as an [`Account`] that signs synchronously (HMAC-SHA1 Token). The config's
//! `version` picks the API family the unified calls use, so Qimai has two
//! points mappings.
//!
//! Qimai has no session token: the client sends its calls through the generic
//! per-attempt flow ([`PreparedCall`]). Every attempt is signed on its own,
//! with a fresh timestamp (seconds) and a fresh nonce drawn uniformly from
//! `[1, 2^31−1]`, so a Token is never reused, not even on a retry. The params
//! of one call, and so its `bizId`, stay the same across retries: the vendor
//! de-duplicates points changes on `bizId`, which makes every Qimai operation
//! safe to repeat.

use super::ops::Version;
use super::response::{parse_envelope, result_json};
use super::{
    build_request_with, parse_nonce, prepare_with, sign_request, Attempt, Config, Prepared,
    MAX_NONCE,
};
use crate::core::clock::{random_in, Entropy};
use crate::core::error::Result;
use crate::core::json::Json;
use crate::core::request::{HttpResponse, SignedRequest};
use crate::points::Mapping;
use crate::vendors::call_options::CallOptions;
use crate::vendors::{
    Account, DryRunOptions, Parsed, PreparedCall, SigningAccount, SigningVendor, Vendor,
};

/// Qimai 企迈: the v2 gateway and v3.
#[derive(Debug, Clone, Copy)]
pub struct Qimai;

/// The mapping of an API family.
fn mapping(version: Version) -> &'static dyn Mapping {
    match version {
        Version::V3 => &super::points::V3,
        Version::V2 => &super::points::V2,
    }
}

/// Its points mappings, the default first.
static MAPPINGS: [&dyn Mapping; 2] = [&super::points::V3, &super::points::V2];

impl SigningVendor for Qimai {
    fn name(&self) -> &'static str {
        super::VENDOR
    }

    fn title(&self) -> &'static str {
        "Qimai"
    }

    fn read_signing(&self, config: &Json) -> Result<Box<dyn SigningAccount>> {
        Ok(Box::new(Config::from_json(config)?))
    }
}

impl Vendor for Qimai {
    fn read(&self, config: &Json) -> Result<Box<dyn Account>> {
        Ok(Box::new(Config::from_json(config)?))
    }

    fn mappings(&self) -> &'static [&'static dyn Mapping] {
        &MAPPINGS
    }

    fn mapping_for(&self, config: &Json) -> &'static dyn Mapping {
        let version = config
            .get("version")
            .and_then(Json::as_str)
            .and_then(Version::from_name)
            .unwrap_or(Version::V3);
        mapping(version)
    }
}

/// A checked Qimai call and the config that signs its attempts.
struct Call<'a> {
    config: &'a Config,
    prepared: Prepared,
}

impl PreparedCall for Call<'_> {
    fn idempotent(&self) -> bool {
        self.prepared.op.is_idempotent()
    }

    fn sign(
        &self,
        now_ms: u64,
        entropy: &dyn Entropy,
        _signature: Option<&[u8]>,
    ) -> Result<SignedRequest> {
        let attempt = Attempt {
            timestamp_s: now_ms / 1000,
            nonce: random_in(entropy, 1, MAX_NONCE),
        };
        Ok(sign_request(self.config, &self.prepared, &attempt))
    }

    fn parse(&self, reply: &HttpResponse) -> Result<Parsed> {
        Ok(Parsed {
            data: parse_envelope(reply)?,
            proof: None,
        })
    }

    fn result(&self, data: Json) -> Result<Json> {
        match result_json(self.prepared.op, &data) {
            // `code` 0: the change is applied. A result jifen cannot type is
            // returned as sent, not turned into an error that hides that (a
            // retry with the same bizId would get the same reply again).
            Err(_) if self.prepared.op.is_points_change() => Ok(data),
            other => other,
        }
    }
}

impl SigningAccount for Config {
    fn signing_vendor(&self) -> &'static dyn SigningVendor {
        &Qimai
    }

    fn build_sync(
        &self,
        op: &str,
        params: &Json,
        options: &DryRunOptions,
        timestamp_ms: u64,
        entropy: &dyn Entropy,
    ) -> Result<SignedRequest> {
        let nonce = match &options.nonce {
            Some(n) => parse_nonce(n)?,
            None => random_in(entropy, 1, MAX_NONCE),
        };
        // `options.timestamp` is ms in the JS API; Qimai signs seconds.
        let attempt = Attempt {
            timestamp_s: timestamp_ms / 1000,
            nonce,
        };
        build_request_with(self, op, params, &attempt, &options.call)
    }
}

impl Account for Config {
    fn vendor(&self) -> &'static dyn Vendor {
        &Qimai
    }

    fn mapping(&self) -> &'static dyn Mapping {
        mapping(self.version)
    }

    fn key_scope(&self) -> String {
        format!("qimai:{}", self.open_id)
    }

    fn prepare_call(
        &self,
        op: &str,
        params: &Json,
        call: &CallOptions,
    ) -> Result<Box<dyn PreparedCall + '_>> {
        Ok(Box::new(Call {
            config: self,
            prepared: prepare_with(op, params, call)?,
        }))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
