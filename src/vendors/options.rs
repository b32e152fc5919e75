//! The per-request values a caller may pin when building a request (a dry
//! run's `options`): the same for every vendor, each reads what it signs.

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::call_options::CallOptions;

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
