//! The Kingdee side of the client: the app-token flow and its cache.
//!
//! Token rules (docs/vendors/kingdee.md §4): pull the authorisation with `outerInstanceId`
//! (or use appKey/appSecret/domain from the config), exchange it for an
//! app-token, reuse it until 5 minutes before `expires`, refresh once on
//! 4009–4011, re-pull once on 1030002006. The token endpoint allows 2 calls a
//! minute, so concurrent callers share one refresh.

use super::token_cache::{TokenCache, LOCK_TTL_MS, POLLS, POLL_MS};
use super::{Client, SingleFlight, Transport};
use crate::core::clock::random_in;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::retry::Delivery;
use crate::vendors::kingdee::response::{
    is_authorization_error, is_token_error, parse_envelope, AppToken, Authorization,
};
use crate::vendors::kingdee::{self, Attempt, Config, Prepared};
use std::cell::{Cell, RefCell};

/// Refresh this long before the vendor's `expires`.
pub const TOKEN_MARGIN_MS: u64 = 5 * 60 * 1000;

const VENDOR: &str = "kingdee";
/// How often a request waiting for this client's own token refresh looks again.
const WAIT_POLL_MS: u64 = 20;

/// A cached token with the router address it goes with.
#[derive(Clone)]
struct Session {
    token: AppToken,
    domain: String,
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
    pub(super) shared: Option<Box<dyn TokenCache>>,
    /// The last token the vendor refused: never taken from the shared cache again.
    rejected: RefCell<Option<String>>,
}

impl KingdeeState {
    pub(super) fn new(config: Config) -> Self {
        KingdeeState {
            config,
            authorization: RefCell::new(None),
            session: RefCell::new(None),
            last_refresh_error: RefCell::new(None),
            refresh: SingleFlight::default(),
            token_calls: Cell::new(0),
            shared: None,
            rejected: RefCell::new(None),
        }
    }

    fn valid_session(&self, now: u64) -> Option<Session> {
        self.session
            .borrow()
            .as_ref()
            .filter(|s| now.saturating_add(TOKEN_MARGIN_MS) < s.token.expires_ms)
            .cloned()
    }
}

/// Whether operation `op` carries an app-token.
pub(super) fn needs_token(op: &str) -> bool {
    kingdee::ops::Operation::from_path(op).is_ok_and(|o| o.needs_app_token())
}

/// Whether a Kingdee error proves the vendor did nothing: the documented
/// gateway refusals (docs/vendors/kingdee.md §7.1; not the backend timeouts/failures
/// 5000/5004/5005), rate limits, and business errors. A 519 whose errcode is
/// unreadable or unknown proves nothing: it may be one of 5000/5004/5005.
pub(super) fn delivery(e: &Error) -> Delivery {
    let code = e
        .vendor_code
        .as_deref()
        .and_then(crate::core::num::parse_i64);
    match (e.http_status, code) {
        (Some(519), Some(4001..=4012 | 5001..=5003 | 5006 | 5007))
        | (Some(429), _)
        | (Some(200), Some(_)) => Delivery::Refused,
        _ => Delivery::Unknown,
    }
}

impl<T: Transport> Client<T> {
    pub(super) async fn kingdee_call(
        &self,
        k: &KingdeeState,
        op: &str,
        params: &Json,
    ) -> Result<Json> {
        let prepared = kingdee::prepare(&k.config, op, params)?;
        let data = self.kingdee_send(k, &prepared).await?;
        let result = kingdee::result_json(prepared.op, &data)?;
        // A token fetched through `call` also primes the cache.
        if prepared.op == kingdee::ops::Operation::KingdeeAuthToken {
            if let (Ok(token), Some(domain)) = (AppToken::from_data(&data), k.config.domain.clone())
            {
                *k.session.borrow_mut() = Some(Session { token, domain });
            }
        }
        Ok(result)
    }

    /// `kingdee_send` (`kingdee_reconcile.rs`) without the ledger check. `cause` receives the
    /// last failed attempt's error (an `outcome_unknown` error wraps it).
    pub(super) async fn kingdee_send_once(
        &self,
        k: &KingdeeState,
        prepared: &Prepared,
        cause: Option<&RefCell<Option<Error>>>,
    ) -> Result<Json> {
        if !prepared.op.needs_app_token() {
            return self.kingdee_exchange(k, prepared, None, cause).await;
        }
        let mut refreshed = false;
        loop {
            let session = self.kingdee_session(k).await?;
            match self
                .kingdee_exchange(k, prepared, Some(&session), cause)
                .await
            {
                Err(e) if is_token_error(&e) && !refreshed => {
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
                Err(mut e) if is_token_error(&e) => {
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

    /// One signed call with retries by policy; no token logic.
    async fn kingdee_exchange(
        &self,
        k: &KingdeeState,
        prepared: &Prepared,
        session: Option<&Session>,
        cause: Option<&RefCell<Option<Error>>>,
    ) -> Result<Json> {
        let sign = |now: u64| {
            let attempt = Attempt {
                timestamp_ms: now,
                nonce: random_in(self.env.entropy.as_ref(), 1_000_000_000, 9_999_999_999)
                    .to_string(),
                app_token: session.map(|s| s.token.token.clone()),
                domain: session.map(|s| s.domain.clone()),
            };
            kingdee::sign_request(&k.config, prepared, &attempt).to_http()
        };
        let delivery = |e: &Error| {
            if let Some(c) = cause {
                *c.borrow_mut() = Some(e.clone());
            }
            delivery(e)
        };
        self.exchange(
            VENDOR,
            prepared.op.is_idempotent(),
            &sign,
            &parse_envelope,
            &delivery,
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
                    let result = match &k.shared {
                        Some(cache) => self.kingdee_fleet_refresh(k, cache.as_ref()).await,
                        None => self.kingdee_refresh(k).await,
                    };
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

    /// A session from the shared cache, if it holds one that is still good.
    async fn kingdee_shared_session(
        &self,
        k: &KingdeeState,
        cache: &dyn TokenCache,
    ) -> Result<Option<Session>> {
        let Some((text, expires_ms)) = cache.get().await? else {
            return Ok(None);
        };
        let j = Json::parse(&text).ok();
        let field = |name: &str| j.as_ref().and_then(|j| j.get(name)).and_then(Json::as_text);
        let (Some(token), Some(domain)) = (field("appToken"), field("domain")) else {
            return Ok(None);
        };
        if k.rejected.borrow().as_deref() == Some(token.as_str()) {
            return Ok(None);
        }
        let session = Session {
            token: AppToken {
                token,
                expires_ms,
                uid: None,
            },
            domain,
        };
        *k.session.borrow_mut() = Some(session);
        Ok(k.valid_session(self.now_ms()))
    }

    /// Refresh with a shared cache: use its token if another client already
    /// refreshed; else refresh under its lock and publish; else wait for the
    /// lock holder's token.
    async fn kingdee_fleet_refresh(
        &self,
        k: &KingdeeState,
        cache: &dyn TokenCache,
    ) -> Result<Session> {
        for _ in 0..POLLS {
            if let Some(s) = self.kingdee_shared_session(k, cache).await? {
                return Ok(s);
            }
            if cache.lock(LOCK_TTL_MS).await? {
                let result = self.kingdee_refresh(k).await;
                if let Ok(s) = &result {
                    let value = Json::object([
                        ("appToken", Some(Json::str(&s.token.token))),
                        ("domain", Some(Json::str(&s.domain))),
                    ])
                    .to_json_string();
                    // Others wait for this value: a failed publish costs them a refresh, not a token.
                    let _ = cache.set(&value, s.token.expires_ms).await;
                }
                let _ = cache.unlock().await;
                return result;
            }
            self.transport.sleep(POLL_MS).await;
        }
        Err(Error::new(
            ErrorCode::Timeout,
            "waited too long for another client's Kingdee token refresh (shared token cache)",
        )
        .with_vendor(VENDOR)
        .retryable(true))
    }

    async fn kingdee_refresh(&self, k: &KingdeeState) -> Result<Session> {
        let mut repulled = false;
        loop {
            let auth = self.kingdee_authorization(k).await?;
            k.token_calls.set(k.token_calls.get() + 1);
            let prepared = Prepared::auth_token(&auth, k.config.uid.as_deref());
            match self.kingdee_exchange(k, &prepared, None, None).await {
                Ok(data) => {
                    let token = AppToken::from_data(&data)?;
                    let domain = if auth.domain.is_empty() {
                        k.config.domain.clone().ok_or_else(|| {
                            Error::config("`domain` (X-GW-Router-Addr) is required when appKey/appSecret are given directly")
                                .with_vendor(VENDOR)
                        })?
                    } else {
                        auth.domain.clone()
                    };
                    let session = Session { token, domain };
                    *k.session.borrow_mut() = Some(session.clone());
                    return Ok(session);
                }
                Err(e)
                    if is_authorization_error(&e)
                        && k.config.outer_instance_id.is_some()
                        && !repulled =>
                {
                    // appSecret rotated: pull the authorisation again, once.
                    repulled = true;
                    *k.authorization.borrow_mut() = None;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn kingdee_authorization(&self, k: &KingdeeState) -> Result<Authorization> {
        if let Some(a) = k.authorization.borrow().clone() {
            return Ok(a);
        }
        let auth = match &k.config.outer_instance_id {
            Some(id) => {
                let data = self
                    .kingdee_exchange(k, &Prepared::push_app_authorize(id), None, None)
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

    /// How many times this client has called the token endpoint.
    pub fn kingdee_token_calls(&self) -> u32 {
        match &self.vendor {
            super::VendorClient::Kingdee(k) => k.token_calls.get(),
            _ => 0,
        }
    }
}
