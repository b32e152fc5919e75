//! Kingdee as one value: the [`Vendor`] listed in `vendors::ALL`, and its
//! config as an [`Account`] that signs synchronously (HMAC-SHA256).

use super::{build_request_with, Attempt, Config};
use crate::core::clock::{random_in, Entropy};
use crate::core::error::Result;
use crate::core::json::Json;
use crate::core::request::SignedRequest;
use crate::points::Mapping;
use crate::vendors::{Account, DryRunOptions, SigningAccount, SigningVendor, Vendor};

/// Kingdee 精斗云 (JDY) open API v2.
#[derive(Debug, Clone, Copy)]
pub struct Kingdee;

/// Its points mappings, the default first.
static MAPPINGS: [&dyn Mapping; 1] = [&super::points::POINTS];

impl SigningVendor for Kingdee {
    fn name(&self) -> &'static str {
        super::VENDOR
    }

    fn title(&self) -> &'static str {
        "Kingdee"
    }

    fn read_signing(&self, config: &Json) -> Result<Box<dyn SigningAccount>> {
        Ok(Box::new(Config::from_json(config)?))
    }
}

impl Vendor for Kingdee {
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

/// A nonce as Kingdee's gateway takes it: ten decimal digits.
fn draw_nonce(entropy: &dyn Entropy) -> String {
    random_in(entropy, 1_000_000_000, 9_999_999_999).to_string()
}

impl SigningAccount for Config {
    fn signing_vendor(&self) -> &'static dyn SigningVendor {
        &Kingdee
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
            Some(n) => n.clone(),
            None => draw_nonce(entropy),
        };
        let attempt = Attempt {
            timestamp_ms,
            nonce,
            app_token: options.app_token.clone(),
            domain: options.domain.clone(),
        };
        build_request_with(self, op, params, &attempt, &options.call)
    }
}

impl Account for Config {
    fn vendor(&self) -> &'static dyn Vendor {
        &Kingdee
    }

    fn mapping(&self) -> &'static dyn Mapping {
        &super::points::POINTS
    }

    fn key_scope(&self) -> String {
        self.key_namespace()
    }

    fn legacy_key_scope(&self) -> Option<String> {
        Some(Config::legacy_key_scope(self))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
