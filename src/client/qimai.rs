//! The Qimai side of the client. Qimai has no session token: every attempt is
//! signed on its own, with a fresh timestamp (seconds) and a fresh nonce drawn
//! uniformly from `[1, 2^31−1]`, so a Token is never reused, not even on a
//! retry. The params of one call, and so its `bizId`, stay the same across
//! retries: the vendor de-duplicates points changes on `bizId`, which makes
//! every Qimai operation safe to repeat.

use super::{Client, Transport};
use crate::core::clock::random_in;
use crate::core::error::Result;
use crate::core::json::Json;
use crate::retry::delivery;
use crate::vendors::qimai::response::parse_envelope;
use crate::vendors::qimai::{self, Attempt, Config, Prepared, MAX_NONCE};

const VENDOR: &str = "qimai";

/// Per-client Qimai state: just the configuration.
pub(super) struct QimaiState {
    pub(super) config: Config,
}

impl QimaiState {
    pub(super) fn new(config: Config) -> Self {
        QimaiState { config }
    }
}

impl<T: Transport> Client<T> {
    pub(super) async fn qimai_call(
        &self,
        q: &QimaiState,
        op: &str,
        params: &Json,
        options: &super::CallOptions,
    ) -> Result<Json> {
        let prepared = qimai::prepare_with(op, params, options)?;
        let data = self.qimai_send(q, &prepared).await?;
        match qimai::result_json(prepared.op, &data) {
            // `code` 0: the change is applied. A result jifen cannot type is
            // returned as sent, not turned into an error that hides that (a
            // retry with the same bizId would get the same reply again).
            Err(_) if prepared.op.is_points_change() => Ok(data),
            other => other,
        }
    }

    /// One prepared call with retries by policy; each attempt is signed afresh.
    pub(super) async fn qimai_send(&self, q: &QimaiState, prepared: &Prepared) -> Result<Json> {
        let sign = |now_ms: u64| {
            let attempt = Attempt {
                timestamp_s: now_ms / 1000,
                nonce: random_in(self.env.entropy.as_ref(), 1, MAX_NONCE),
            };
            Ok(qimai::sign_request(&q.config, prepared, &attempt).to_http())
        };
        self.exchange(
            &self.policy,
            VENDOR,
            prepared.op.is_idempotent(),
            &sign,
            &parse_envelope,
            &delivery,
        )
        .await
    }
}
