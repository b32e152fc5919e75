//! The Kingdee side of the client: the app-token flow and its cache.
//!
//! Token rules (docs/vendors/kingdee.md §4): pull the authorisation with `outerInstanceId`
//! (or use appKey/appSecret/domain from the config), exchange it for an
//! app-token, reuse it until 5 minutes before `expires` (a short-lived one:
//! until the last quarter of its life), refresh once on 4009–4011, re-pull
//! once on 1030002006. The token endpoint allows 2 calls a minute per account
//! set: concurrent callers share one refresh, and every token call is first
//! recorded in the token cache (shared, or the client's own), which also
//! remembers a 429 until its `Retry-After` passes; beyond either, callers are
//! answered `rate_limited` locally (`token_cache.rs`).

use super::dry_run::DryRunOptions;
use super::session::{self, Keys};
use super::token_cache::{
    CachedToken, MemoryTokenCache, Record, TokenCache, DEFAULT_BLOCK_MS, LOCK_TTL_MS, POLLS,
    POLL_MS,
};
use super::{Client, SingleFlight, Transport};
use crate::core::clock::random_in;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::rsa::LocalFuture;
use crate::retry::{
    classify, decide, delivery, mark, Decision, Delivery, Failure, Renew, RetryPolicy,
};
use crate::vendors::kingdee::response::{parse_envelope, AppToken, Authorization};
use crate::vendors::kingdee::{self, Attempt, Config, Prepared};
use crate::vendors::Account;
use std::cell::{Cell, RefCell};

/// Refresh this long before the vendor's `expires`; a token that lives less
/// than 4 times this is refreshed in the last quarter of its life instead.
pub const TOKEN_MARGIN_MS: u64 = 5 * 60 * 1000;
/// How long a recorded token call of another client may still be under way
/// (its timeout): while it may, a client finding the budget spent waits for
/// its token instead of answering `rate_limited`.
const IN_FLIGHT_MS: u64 = 15_000;

use crate::vendors::kingdee::VENDOR;
/// How often a request waiting for this client's own token refresh looks again.
const WAIT_POLL_MS: u64 = 20;

/// A cached token with the router address it goes with.
#[derive(Clone)]
struct Session {
    token: AppToken,
    domain: String,
    /// When it was issued, if known: a short-lived token's margin is a share of its life.
    issued_ms: Option<u64>,
}

impl Session {
    fn from_cached(t: &CachedToken) -> Session {
        Session {
            token: AppToken {
                token: t.token.clone(),
                expires_ms: t.expires_ms,
                uid: None,
            },
            domain: t.domain.clone(),
            issued_ms: t.issued_ms,
        }
    }

    fn to_cached(&self) -> CachedToken {
        CachedToken {
            token: self.token.token.clone(),
            domain: self.domain.clone(),
            expires_ms: self.token.expires_ms,
            issued_ms: self.issued_ms,
        }
    }

    /// How long before expiry it is refreshed: 5 minutes, or a quarter of
    /// its life if that is shorter (else a token living under 5 minutes would
    /// be refreshed on every call).
    fn margin_ms(&self) -> u64 {
        self.issued_ms.map_or(TOKEN_MARGIN_MS, |issued| {
            TOKEN_MARGIN_MS.min(self.token.expires_ms.saturating_sub(issued) / 4)
        })
    }
}

/// Per-client Kingdee state.
pub(super) struct KingdeeState {
    pub(super) config: Config,
    authorization: RefCell<Option<Authorization>>,
    session: RefCell<Option<Session>>,
    last_refresh_error: RefCell<Option<Error>>,
    refresh: SingleFlight,
    token_calls: Cell<u32>,
    /// A cache shared with other clients (other isolates), if configured.
    shared: Option<Box<dyn TokenCache>>,
    /// The cache when none is shared: the same budget, for this client alone.
    own: MemoryTokenCache,
    /// The last token the vendor refused: never taken from the shared cache again.
    rejected: RefCell<Option<String>>,
}

impl KingdeeState {
    fn new(config: Config) -> Self {
        KingdeeState {
            config,
            authorization: RefCell::new(None),
            session: RefCell::new(None),
            last_refresh_error: RefCell::new(None),
            refresh: SingleFlight::default(),
            token_calls: Cell::new(0),
            shared: None,
            own: MemoryTokenCache::default(),
            rejected: RefCell::new(None),
        }
    }

    fn valid_session(&self, now: u64) -> Option<Session> {
        self.session
            .borrow()
            .as_ref()
            .filter(|s| now.saturating_add(s.margin_ms()) < s.token.expires_ms)
            .cloned()
    }

    /// The session, even inside its refresh margin, while it has not expired:
    /// what a call uses when a refresh is not allowed or failed.
    fn still_good(&self, now: u64) -> Option<Session> {
        self.session
            .borrow()
            .as_ref()
            .filter(|s| now < s.token.expires_ms)
            .cloned()
    }

    fn cache(&self) -> &dyn TokenCache {
        self.shared.as_deref().unwrap_or(&self.own)
    }
}

/// What the vendor's error table says must be renewed after `e`.
fn renew(e: &Error) -> Renew {
    e.row.map_or(Renew::Nothing, |r| r.renew)
}

/// The answer, given locally, while the token endpoint's budget is spent or
/// the vendor's rate limit holds: no token call is made until `wait_ms` passes.
/// `vendor_code`: the code of the vendor's refusal that set the block, if it
/// named one; else the gateway's "overloaded" (a bare 429, a remembered block).
fn token_rate_limited(wait_ms: u64, vendor_code: Option<&str>) -> Error {
    Error::new(
        ErrorCode::RateLimited,
        format!(
            "Kingdee's token endpoint allows 2 calls a minute per account set and is rate limited for {} s more; \
             answered locally, no token call made. Clients that share one tokenCache share one token and this \
             limit (without one, every client or isolate calls the endpoint on its own)",
            wait_ms.div_ceil(1000)
        ),
    )
    .with_vendor(VENDOR)
    .with_vendor_code(vendor_code.unwrap_or(kingdee::errors::OVERLOADED))
    .with_retry_after(Some(wait_ms))
    .retryable(true)
}

/// The session for a Kingdee account; any other account is handed back.
#[allow(clippy::type_complexity)]
pub(super) fn session<T: Transport>(
    account: Box<dyn Account>,
) -> std::result::Result<Box<dyn session::Session<T>>, Box<dyn Account>> {
    // Cloned out of the box (once per client): no `Box<dyn Any>` to lose the account in.
    match account.as_any().downcast_ref::<Config>() {
        Some(config) => Ok(Box::new(KingdeeState::new(config.clone()))),
        None => Err(account),
    }
}

impl<T: Transport> session::Session<T> for KingdeeState {
    fn account(&self) -> &dyn Account {
        &self.config
    }

    fn call<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
        params: &'a Json,
        options: &'a super::CallOptions,
    ) -> LocalFuture<'a, Result<Json>> {
        Box::pin(client.kingdee_call(self, op, params, options))
    }

    fn sign_options<'a>(
        &'a self,
        client: &'a Client<T>,
        op: &'a str,
    ) -> LocalFuture<'a, Result<DryRunOptions>> {
        Box::pin(async move {
            let mut options = DryRunOptions::default();
            if needs_token(op) {
                let (token, domain) = client.kingdee_token(self).await?;
                options.app_token = Some(token);
                options.domain = Some(domain);
            }
            Ok(options)
        })
    }

    fn share_tokens(&mut self, cache: Box<dyn TokenCache>) {
        self.shared = Some(cache);
    }

    fn token_calls(&self) -> u32 {
        self.token_calls.get()
    }

    fn settle_change<'a, 'k: 'a>(
        &'a self,
        client: &'a Client<T>,
        keys: &'a Keys<'k>,
        params: &'a Json,
    ) -> Option<LocalFuture<'a, Result<Json>>> {
        Some(Box::pin(client.kingdee_adjust(self, keys, params)))
    }
}

/// Whether operation `op` carries an app-token.
pub(super) fn needs_token(op: &str) -> bool {
    kingdee::ops::needs_app_token(op)
}

impl<T: Transport> Client<T> {
    pub(super) async fn kingdee_call(
        &self,
        k: &KingdeeState,
        op: &str,
        params: &Json,
        options: &super::CallOptions,
    ) -> Result<Json> {
        let prepared = kingdee::prepare_with(&k.config, op, params, options)?;
        let data = self.kingdee_send_once(k, &prepared, None, None).await?;
        let result = kingdee::result_json(prepared.op, &data)?;
        // A token fetched through `call` also primes the cache.
        if prepared.op == kingdee::ops::Operation::KingdeeAuthToken {
            if let (Ok(token), Some(domain)) = (AppToken::from_data(&data), k.config.domain.clone())
            {
                *k.session.borrow_mut() = Some(Session {
                    token,
                    domain,
                    issued_ms: Some(self.now_ms()),
                });
            }
        }
        Ok(result)
    }

    /// Sends a prepared call, with the app-token when it needs one, refreshing
    /// the token once if the vendor says it is missing, invalid or expired.
    /// `cause` receives the last failed attempt's error (an `outcome_unknown`
    /// error wraps it). No attempt is signed with a timestamp after `until`
    /// (vendor ms), when given: a change's attempts must stay inside the
    /// window its settlement counts on (`kingdee_settle.rs`).
    pub(super) async fn kingdee_send_once(
        &self,
        k: &KingdeeState,
        prepared: &Prepared,
        cause: Option<&RefCell<Option<Error>>>,
        until: Option<i64>,
    ) -> Result<Json> {
        if !prepared.op.needs_app_token() {
            return self
                .kingdee_exchange(k, prepared, None, cause, until, false)
                .await;
        }
        let mut refreshed = false;
        loop {
            let session = self.kingdee_session(k).await?;
            match self
                .kingdee_exchange(k, prepared, Some(&session), cause, until, false)
                .await
            {
                Err(e) if renew(&e) == Renew::Token && !refreshed => {
                    refreshed = true;
                    *k.rejected.borrow_mut() = Some(session.token.token.clone());
                    // Drop the token only if it is still the one that failed.
                    let mut s = k.session.borrow_mut();
                    if s.as_ref()
                        .is_some_and(|cur| cur.token.token == session.token.token)
                    {
                        *s = None;
                    }
                }
                Err(mut e) if renew(&e) == Renew::Token => {
                    e.code = ErrorCode::Auth;
                    e.retryable = false;
                    e.message =
                        format!("Kingdee refused a freshly issued app-token: {}", e.message);
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    /// One signed call with retries by policy (`once`: a single attempt); no token logic.
    async fn kingdee_exchange(
        &self,
        k: &KingdeeState,
        prepared: &Prepared,
        session: Option<&Session>,
        cause: Option<&RefCell<Option<Error>>>,
        until: Option<i64>,
        once: bool,
    ) -> Result<Json> {
        let sign = |now: u64| {
            if until.is_some_and(|u| i64::try_from(now).unwrap_or(i64::MAX) > u) {
                // Every earlier attempt was refused (a write is repeated only then).
                return Err(Error::new(
                    ErrorCode::Timeout,
                    "not sent: Kingdee refused every attempt until the change's signing window closed; nothing was applied",
                )
                .with_vendor(VENDOR)
                .retryable(true));
            }
            let attempt = Attempt {
                timestamp_ms: now,
                nonce: random_in(self.env.entropy.as_ref(), 1_000_000_000, 9_999_999_999)
                    .to_string(),
                app_token: session.map(|s| s.token.token.clone()),
                domain: session.map(|s| s.domain.clone()),
            };
            Ok(crate::core::request::HttpRequest::from(
                kingdee::sign_request(&k.config, prepared, &attempt),
            ))
        };
        let delivered = |e: &Error| {
            if let Some(c) = cause {
                *c.borrow_mut() = Some(e.clone());
            }
            delivery(e)
        };
        let single = RetryPolicy {
            max_attempts: 1,
            ..self.policy
        };
        self.exchange(
            if once { &single } else { &self.policy },
            VENDOR,
            prepared.op.is_idempotent(),
            &sign,
            &parse_envelope,
            &delivered,
        )
        .await
    }

    /// A valid session, refreshing it if needed; concurrent callers share one refresh.
    async fn kingdee_session(&self, k: &KingdeeState) -> Result<Session> {
        loop {
            if let Some(s) = k.valid_session(self.now_ms()) {
                return Ok(s);
            }
            let seen = k.refresh.generation();
            match k.refresh.try_begin() {
                Some(_flight) => {
                    // Boxed: one copy of its state machine in the wasm.
                    let result = Box::pin(self.kingdee_fleet_refresh(k)).await;
                    *k.last_refresh_error.borrow_mut() = result.as_ref().err().cloned();
                    return result;
                }
                None => {
                    // Wait on our own timer, not on a wake from the refresher: in a
                    // Worker, requests share this client, and a request resumed from
                    // another request's context is cancelled by workerd as hung (and
                    // would do its I/O on the other's behalf).
                    while k.refresh.is_busy() {
                        self.transport.sleep(WAIT_POLL_MS).await;
                    }
                    // A refresh finished while we waited: share its failure
                    // rather than hitting the rate-limited endpoint again.
                    if k.refresh.generation() != seen && k.valid_session(self.now_ms()).is_none() {
                        if let Some(e) = k.last_refresh_error.borrow().clone() {
                            return Err(e);
                        }
                    }
                }
            }
        }
    }

    /// Reads the cache's record; its token, unless the vendor refused it,
    /// becomes this client's session. Boxed: one copy for its two callers.
    fn kingdee_read<'a>(
        &'a self,
        k: &'a KingdeeState,
        cache: &'a dyn TokenCache,
    ) -> LocalFuture<'a, Result<Record>> {
        Box::pin(async move {
            let record = match cache.get().await? {
                Some((text, expires_ms)) => Record::parse(&text, expires_ms),
                None => Record::default(),
            };
            if let Some(t) = &record.token {
                if k.rejected.borrow().as_deref() != Some(t.token.as_str()) {
                    *k.session.borrow_mut() = Some(Session::from_cached(t));
                }
            }
            Ok(record)
        })
    }

    /// Refresh through the cache (shared, or this client's own): use its token
    /// if another client already refreshed; answer a rate limit it remembers
    /// locally; else refresh under its lock; else wait for the holder's token.
    async fn kingdee_fleet_refresh(&self, k: &KingdeeState) -> Result<Session> {
        let cache = k.cache();
        for _ in 0..POLLS {
            let record = self.kingdee_read(k, cache).await?;
            let now = self.now_ms();
            if let Some(s) = k.valid_session(now) {
                return Ok(s);
            }
            // The endpoint's budget is kept on our clock, not the vendor's estimated one:
            // an estimate that moves (the vendor's clock stepped) must not age a call out.
            let local = self.env.clock.now_ms();
            if record.blocked_until > local {
                return k
                    .still_good(now)
                    .ok_or_else(|| token_rate_limited(record.wait_ms(local), None));
            }
            if cache.lock(LOCK_TTL_MS).await? {
                // Boxed: its state machine stays one function in the wasm.
                let result = Box::pin(self.kingdee_locked_refresh(k, cache)).await;
                // Others wait for the value: a failed unlock costs them LOCK_TTL_MS at most.
                let _ = cache.unlock().await;
                if let Some(result) = result {
                    return result;
                }
            }
            self.transport.sleep(POLL_MS).await;
        }
        Err(Error::new(
            ErrorCode::Timeout,
            "waited too long for another client's Kingdee token refresh (shared tokenCache)",
        )
        .with_vendor(VENDOR)
        .retryable(true))
    }

    /// The refresh, under the cache's lock: each token call is first recorded
    /// in the cache, and made only while the endpoint's budget (2 a rolling
    /// minute) allows; a rate limit is recorded for every client to answer.
    /// `None`: another client's call may still be under way; wait for its token.
    async fn kingdee_locked_refresh(
        &self,
        k: &KingdeeState,
        cache: &dyn TokenCache,
    ) -> Option<Result<Session>> {
        let mut attempt = 0u32;
        let mut repulled = false;
        loop {
            attempt += 1;
            let mut record = match self.kingdee_read(k, cache).await {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            let now = self.now_ms();
            if let Some(s) = k.valid_session(now) {
                return Some(Ok(s));
            }
            let local = self.env.clock.now_ms();
            record.prune(local);
            let wait = record.wait_ms(local);
            if wait > 0 {
                if let Some(s) = k.still_good(now) {
                    return Some(Ok(s));
                }
                let newest = record.calls.iter().max().copied().unwrap_or(0);
                if k.shared.is_some()
                    && attempt == 1
                    && record.blocked_until <= local
                    && newest.saturating_add(IN_FLIGHT_MS) > local
                {
                    return None;
                }
                return Some(Err(token_rate_limited(wait, None)));
            }
            // The authorisation first: the call is recorded just before it is sent.
            let auth = match self.kingdee_authorization(k).await {
                Ok(a) => a,
                Err(e) => return Some(Err(e)),
            };
            let _ = cache.lock(LOCK_TTL_MS).await;
            let now = self.now_ms();
            // Recorded before it is made: a client that takes over a lapsed lock
            // counts it. A cache that cannot store it still gets the call (as
            // before the budget): its failure stops no points change, and this
            // client's single flight still holds.
            let local = self.env.clock.now_ms();
            record.calls.push(local);
            let _ = cache.set(&record.to_json(), record.keep_until(local)).await;
            let result = self.kingdee_token_call(k, &auth, now).await;
            let local = self.env.clock.now_ms();
            // Keep what another writer recorded meanwhile (a lapsed lock).
            if let Ok(Some((text, expires_ms))) = cache.get().await {
                record.merge_budget(&Record::parse(&text, expires_ms));
            }
            record.prune(local);
            let outcome = match result {
                Ok(session) => {
                    record.token = Some(session.to_cached());
                    *k.session.borrow_mut() = Some(session.clone());
                    Some(Ok(session))
                }
                // The vendor asked us to slow down (a 429, or its table's overload codes).
                Err(e) if classify(&e) == Failure::Throttled => {
                    let block = e.retry_after_ms.unwrap_or(DEFAULT_BLOCK_MS).max(1_000);
                    record.blocked_until = record.blocked_until.max(local.saturating_add(block));
                    Some(Err(token_rate_limited(
                        record.wait_ms(local),
                        e.vendor_code.as_deref(),
                    )))
                }
                Err(e)
                    if renew(&e) == Renew::Authorization
                        && k.config.outer_instance_id.is_some()
                        && !repulled =>
                {
                    // appSecret rotated: pull the authorisation again, once.
                    repulled = true;
                    *k.authorization.borrow_mut() = None;
                    None
                }
                Err(e) => match decide(
                    &self.policy,
                    attempt,
                    &e,
                    true,
                    Delivery::Refused,
                    self.jitter(),
                ) {
                    Decision::RetryAfter(ms) => {
                        self.transport.sleep(ms).await;
                        None
                    }
                    Decision::Stop => Some(Err(mark(e))),
                },
            };
            // Others wait for this value: a failed publish costs them a refresh, not a token.
            let _ = cache.set(&record.to_json(), record.keep_until(local)).await;
            match outcome {
                Some(Err(e)) => return Some(k.still_good(self.now_ms()).ok_or(e)),
                Some(ok) => return Some(ok),
                // Another attempt: still the refresher.
                None => {
                    let _ = cache.lock(LOCK_TTL_MS).await;
                }
            }
        }
    }

    /// One call to the token endpoint, one attempt: each is counted against
    /// the endpoint's budget.
    async fn kingdee_token_call(
        &self,
        k: &KingdeeState,
        auth: &Authorization,
        now: u64,
    ) -> Result<Session> {
        k.token_calls.set(k.token_calls.get() + 1);
        let prepared = Prepared::auth_token(auth, k.config.uid.as_deref());
        let data = self
            .kingdee_exchange(k, &prepared, None, None, None, true)
            .await?;
        let token = AppToken::from_data(&data)?;
        let domain = if auth.domain.is_empty() {
            k.config.domain.clone().ok_or_else(|| {
                Error::config(
                    "`domain` (X-GW-Router-Addr) is required when appKey/appSecret are given directly",
                )
                .with_vendor(VENDOR)
            })?
        } else {
            auth.domain.clone()
        };
        Ok(Session {
            token,
            domain,
            issued_ms: Some(now),
        })
    }

    async fn kingdee_authorization(&self, k: &KingdeeState) -> Result<Authorization> {
        if let Some(a) = k.authorization.borrow().clone() {
            return Ok(a);
        }
        let auth = match &k.config.outer_instance_id {
            Some(id) => {
                let data = self
                    .kingdee_exchange(
                        k,
                        &Prepared::push_app_authorize(id),
                        None,
                        None,
                        None,
                        false,
                    )
                    .await?;
                Authorization::from_data(&data)?
            }
            None => k.config.static_authorization().ok_or_else(|| {
                Error::config(
                    "Kingdee needs `outerInstanceId`, or `appKey` + `appSecret` + `domain`",
                )
                .with_vendor(VENDOR)
            })?,
        };
        *k.authorization.borrow_mut() = Some(auth.clone());
        Ok(auth)
    }

    /// The app-token and router address a business call would carry now.
    pub(super) async fn kingdee_token(&self, k: &KingdeeState) -> Result<(String, String)> {
        let s = self.kingdee_session(k).await?;
        Ok((s.token.token, s.domain))
    }

    /// How many times this client has called the token endpoint (0 on a
    /// vendor without one).
    pub fn kingdee_token_calls(&self) -> u32 {
        self.vendor.token_calls()
    }
}
