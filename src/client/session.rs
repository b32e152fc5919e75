//! How a client drives its vendor: one [`Session`] per client, reached
//! through a trait object, never by matching a vendor.
//!
//! Most of a vendor is pure and lives in its folder (`src/vendors/<v>/`):
//! config, signing, reply parsing, error judgement, the points mapping. What
//! is left here is I/O with state between calls, which stays on this side of
//! the sans-IO line:
//!
//! - A vendor whose calls need nothing but signing each attempt, sending it
//!   and parsing the reply (Qimai; any new vendor of that kind) is driven by
//!   [`Plain`], through [`Account::prepare_call`]: no file of its own here.
//! - Kingdee's app-token session (fetch, cache, share, refresh, the endpoint's
//!   budget) and its exactly-once settlement of points changes (`kingdee.rs`,
//!   `kingdee_settle.rs`), and Freemud's platform RSA key, imported once, and
//!   reply verification (`freemud.rs`), are flows of their own: each module
//!   offers a session for the account type it drives, and [`for_account`]
//!   asks them in turn (by the account's type, `Any`; not by name).
//!
//! Moving those two flows into their vendors' folders needs their protocols
//! written as sans-IO steps (the token exchange as plans and replies, as the
//! points mapping is); that is the next step, and it would leave this list empty.

use super::dry_run::DryRunOptions;
use super::token_cache::TokenCache;
use super::{Client, Transport};
use crate::core::error::Result;
use crate::core::json::Json;
use crate::core::rsa::LocalFuture;
use crate::vendors::call_options::CallOptions;
use crate::vendors::Account;

/// The keys of one `adjustPoints` call in the store.
pub(super) struct Keys<'a> {
    /// The claim (`jifen:<account>:<idempotencyKey>`).
    pub claim: &'a str,
    /// Where the outcome is recorded.
    pub result: &'a str,
    /// The change's fingerprint.
    pub fp: &'a str,
}

/// A client's vendor side: the account and whatever state its flow keeps.
pub(super) trait Session<T: Transport> {
    /// The account, as read when the client was made.
    fn account(&self) -> &dyn Account;

    /// Calls `op` with `params` under per-call `options` and returns its typed result.
    fn call<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
        params: &'a Json,
        options: &'a CallOptions,
    ) -> LocalFuture<'a, Result<Json>>;

    /// What signing `op` as a call would at this moment needs beyond the
    /// account (a session token, fetched or cached).
    fn sign_options<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
    ) -> LocalFuture<'a, Result<DryRunOptions>> {
        let _ = (client, op);
        Box::pin(async { Ok(DryRunOptions::default()) })
    }

    /// Shares session tokens through `cache` (a vendor without tokens ignores it).
    fn share_tokens(&mut self, cache: Box<dyn TokenCache>) {
        drop(cache);
    }

    /// How many times this client has called the vendor's token endpoint.
    fn token_calls(&self) -> u32 {
        0
    }

    /// For a vendor that does not deduplicate points changes on a key of its
    /// own ([`crate::points::Mapping::dedupes_changes`]): applies `params`
    /// (the planned change, member resolved) exactly once under `keys`.
    fn settle_change<'a, 'k: 'a>(
        &'a self,
        client: &'a Client<T>,
        keys: &'a Keys<'k>,
        params: &'a Json,
    ) -> Option<LocalFuture<'a, Result<Json>>> {
        let _ = (client, keys, params);
        None
    }
}

/// The session for a vendor driven attempt by attempt through its account.
pub(super) struct Plain {
    account: Box<dyn Account>,
}

impl<T: Transport> Session<T> for Plain {
    fn account(&self) -> &dyn Account {
        self.account.as_ref()
    }

    fn call<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
        params: &'a Json,
        options: &'a CallOptions,
    ) -> LocalFuture<'a, Result<Json>> {
        Box::pin(client.plain_call(self.account.as_ref(), op, params, options))
    }
}

/// The session for `account`: its vendor's own flow if it has one, else [`Plain`].
pub(super) fn for_account<T: Transport>(account: Box<dyn Account>) -> Result<Box<dyn Session<T>>> {
    let account = match super::kingdee::session(account) {
        Ok(session) => return Ok(session),
        Err(account) => account,
    };
    let account = match super::freemud::session(account) {
        Ok(session) => return Ok(session),
        Err(account) => account,
    };
    Ok(Box::new(Plain { account }))
}

impl<T: Transport> Client<T> {
    /// One call through the account: checked once, then each attempt signed
    /// afresh and sent, with retries by policy.
    async fn plain_call(
        &self,
        account: &dyn Account,
        op: &str,
        params: &Json,
        options: &CallOptions,
    ) -> Result<Json> {
        let call = account.prepare_call(op, params, options)?;
        let sign = |now_ms: u64| Ok(call.sign(now_ms, self.env.entropy.as_ref()).to_http());
        let parse = |reply: &crate::core::request::HttpResponse| call.parse(reply);
        let delivery = |e: &crate::core::error::Error| call.delivery(e);
        let data = self
            .exchange(
                &self.policy,
                account.vendor().name(),
                call.idempotent(),
                &sign,
                &parse,
                &delivery,
            )
            .await?;
        call.result(data)
    }
}
