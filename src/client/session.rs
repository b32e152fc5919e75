//! How a client drives its vendor: one [`Session`] per client, reached
//! through a trait object, never by matching a vendor.
//!
//! Most of a vendor is pure and lives in its folder (`src/vendors/<v>/`):
//! config, signing, reply parsing, error judgement, the points mapping. What
//! is left here is I/O with state between calls, which stays on this side of
//! the sans-IO line:
//!
//! - A vendor whose calls are signed (once by the platform where it signs
//!   with RSA, then each attempt), sent and parsed, with the reply's signature
//!   checked where it signs replies (Qimai, Freemud; any new vendor of that
//!   kind) is driven by [`Plain`], through [`Account::prepare_call`]: no file
//!   of its own here. `Plain` keeps the platform keys (imported once).
//! - Kingdee's app-token session (fetch, cache, share, refresh, the endpoint's
//!   budget) and its exactly-once settlement of points changes (`kingdee.rs`,
//!   `kingdee_settle.rs`) are a flow of its own: the module offers a session
//!   for the account type it drives, and [`for_account`] asks it (by the
//!   account's type, `Any`; not by name).
//!
//! Moving that flow into the vendor's folder needs its protocol written as
//! sans-IO steps (the token exchange as plans and replies, as the points
//! mapping is); that is the next step, and it would leave this list empty.

use super::dry_run::{external_signature, import_signer, no_rsa, DryRunOptions};
use super::token_cache::TokenCache;
use super::{Client, Env, Transport};
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::HttpResponse;
use crate::core::rsa::{LocalFuture, RsaSigner, RsaVerifier};
use crate::vendors::call_options::CallOptions;
use crate::vendors::{Account, ReplyProof, ReplySignature, SignatureStatus, SigningVendor};
use std::cell::RefCell;
use std::rc::Rc;

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

/// The session for a vendor driven attempt by attempt through its account,
/// with the keys a platform signature and reply checks need, imported on
/// first use and kept.
pub(super) struct Plain {
    account: Box<dyn Account>,
    signer: RefCell<Option<Rc<dyn RsaSigner>>>,
    verifier: RefCell<Option<Rc<dyn RsaVerifier>>>,
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
        Box::pin(client.plain_call(self, op, params, options))
    }
}

/// The session for `account`: its vendor's own flow if it has one, else [`Plain`].
pub(super) fn for_account<T: Transport>(account: Box<dyn Account>) -> Result<Box<dyn Session<T>>> {
    let account = match super::kingdee::session(account) {
        Ok(session) => return Ok(session),
        Err(account) => account,
    };
    Ok(Box::new(Plain {
        account,
        signer: RefCell::new(None),
        verifier: RefCell::new(None),
    }))
}

/// Checks a reply's or push's signature with `verifier` (`None`: unchecked).
pub(super) async fn check_reply(
    verifier: Option<&dyn RsaVerifier>,
    proof: &ReplyProof,
) -> SignatureStatus {
    let Some(verifier) = verifier else {
        return SignatureStatus::Unchecked;
    };
    match &proof.signature {
        ReplySignature::Absent => SignatureStatus::Absent,
        ReplySignature::Unreadable => SignatureStatus::Invalid,
        ReplySignature::Bytes(sig) => match verifier.verify(proof.signed.as_bytes(), sig).await {
            Ok(true) => SignatureStatus::Valid,
            _ => SignatureStatus::Invalid,
        },
    }
}

/// Imports the key replies are checked with (`reply_key`) through `env.rsa`.
pub(super) async fn import_verifier(
    env: &Env,
    vendor: &dyn SigningVendor,
    field: &str,
    spki: &[u8],
) -> Result<Box<dyn RsaVerifier>> {
    let rsa = env.rsa.as_ref().ok_or_else(|| no_rsa(vendor))?;
    rsa.verifier(spki).await.map_err(|e| {
        Error::config(format!("the platform refused `{field}` ({})", e.code))
            .with_vendor(vendor.name())
    })
}

impl<T: Transport> Client<T> {
    /// One call through the account: checked once, signed by the platform
    /// once where the vendor signs that way, then each attempt signed afresh
    /// and sent, with retries by policy; the last reply's signature checked
    /// where the account asks for it.
    async fn plain_call(
        &self,
        s: &Plain,
        op: &str,
        params: &Json,
        options: &CallOptions,
    ) -> Result<Json> {
        let account = s.account.as_ref();
        let call = account.prepare_call(op, params, options)?;
        let signature = match call.external_payload() {
            Some(payload) => {
                let signer = self.kept_signer(s).await?;
                external_signature(signer.as_deref(), account, &payload).await?
            }
            None => None,
        };
        let last: RefCell<Option<ReplyProof>> = RefCell::new(None);
        let sign = |now_ms: u64| {
            Ok(crate::core::request::HttpRequest::from(call.sign(
                now_ms,
                self.env.entropy.as_ref(),
                signature.as_deref(),
            )?))
        };
        let parse = |reply: &HttpResponse| {
            let parsed = call.parse(reply)?;
            *last.borrow_mut() = parsed.proof;
            Ok(parsed.data)
        };
        let data = self
            .exchange(
                &self.policy,
                account.vendor().name(),
                call.idempotent(),
                &sign,
                &parse,
                &crate::retry::delivery,
            )
            .await?;
        let result = call.result(data)?;
        let Some(proof) = last.into_inner() else {
            return Ok(result);
        };
        if !account.checks_replies() {
            return Ok(result);
        }
        // One check for every policy: the account's `judge_reply` says what it means.
        let verifier = self.kept_verifier(s).await?;
        let status = check_reply(verifier.as_deref(), &proof).await;
        call.judge_reply(result, status)
    }

    /// The account's platform signing key, imported once; `None` where it signs without one.
    async fn kept_signer(&self, s: &Plain) -> Result<Option<Rc<dyn RsaSigner>>> {
        let Some(der) = s.account.rsa_key() else {
            return Ok(None);
        };
        if let Some(signer) = s.signer.borrow().clone() {
            return Ok(Some(signer));
        }
        let signer: Rc<dyn RsaSigner> =
            Rc::from(import_signer(&self.env, s.account.as_ref(), der).await?);
        *s.signer.borrow_mut() = Some(signer.clone());
        Ok(Some(signer))
    }

    /// The key replies are checked with, imported once; `None` without one.
    async fn kept_verifier(&self, s: &Plain) -> Result<Option<Rc<dyn RsaVerifier>>> {
        let Some((field, spki)) = s.account.reply_key() else {
            return Ok(None);
        };
        if let Some(verifier) = s.verifier.borrow().clone() {
            return Ok(Some(verifier));
        }
        let verifier: Rc<dyn RsaVerifier> =
            Rc::from(import_verifier(&self.env, s.account.signing_vendor(), field, spki).await?);
        *s.verifier.borrow_mut() = Some(verifier.clone());
        Ok(Some(verifier))
    }
}
