//! Qimai as one value: the [`Vendor`] listed in `vendors::ALL`, and its config
//! as an [`Account`] that signs synchronously (HMAC-SHA1 Token). The config's
//! `version` picks the API family the unified calls use, so Qimai has two
//! points mappings.

use super::ops::Version;
use super::{build_request_with, parse_nonce, Attempt, Config, MAX_NONCE};
use crate::core::clock::{random_in, Entropy};
use crate::core::error::Result;
use crate::core::json::Json;
use crate::core::request::SignedRequest;
use crate::points::Mapping;
use crate::vendors::{Account, DryRunOptions, Vendor};

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

impl Vendor for Qimai {
    fn name(&self) -> &'static str {
        super::VENDOR
    }

    fn title(&self) -> &'static str {
        "Qimai"
    }

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

impl Account for Config {
    fn vendor(&self) -> &'static dyn Vendor {
        &Qimai
    }

    fn mapping(&self) -> &'static dyn Mapping {
        mapping(self.version)
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

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }
}
