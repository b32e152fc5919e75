//! `Client<T>`: sends signed requests through a [`Transport`], keeps tokens,
//! retries by a pure policy. Runs on one thread (`?Send` futures) so the same
//! code drives `fetch` in wasm and a scripted transport in native tests.
//!
//! The client knows no vendor by name: the vendor side is one `session.rs`
//! trait object made from the config's `vendors::Account`, and the unified
//! points calls go through the account's `points::Mapping`.

mod dry_run;
mod freemud;
mod gate;
mod kingdee;
mod kingdee_settle;
mod points;
mod session;
pub mod skew;
mod store;
mod token_cache;

use crate::core::clock::{random_in, Clock, Entropy};
use crate::core::echo::Sent;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::{check_header_values, HttpRequest, HttpResponse, SignedRequest};
use crate::core::rsa::RsaProvider;
use crate::retry::{decide, mark, Decision, Delivery, RetryPolicy};
pub use crate::vendors::call_options::CallOptions;
use crate::vendors::Account;
pub use dry_run::{build, build_sync, dry_run, read_account, read_signing, DryRunOptions};
pub use freemud::verify_callback;
pub use gate::SingleFlight;
pub use points::{LedgerWalk, Method};
use session::Session;
pub use store::{IdempotencyStore, MemoryStore};
pub use token_cache::TokenCache;

/// Why a transport could not deliver a request or read its reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// The timeout fired.
    pub timeout: bool,
    /// What happened, with no URL query or header values in it.
    pub message: String,
    /// A handle to what the platform threw, passed on as [`Error`]'s `cause`.
    pub cause: Option<u32>,
}

impl TransportError {
    fn into_error(self, vendor: &'static str) -> Error {
        let code = if self.timeout {
            ErrorCode::Timeout
        } else {
            ErrorCode::Network
        };
        let mut e = Error::new(code, self.message)
            .with_vendor(vendor)
            .retryable(true);
        e.cause = self.cause;
        e
    }
}

/// Sends HTTP requests and waits. Futures need not be `Send`.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends one request and returns the whole reply.
    async fn send(&self, req: HttpRequest) -> std::result::Result<HttpResponse, TransportError>;
    /// Waits `ms` milliseconds (used between retries).
    async fn sleep(&self, ms: u64);
}

/// What the platform provides besides HTTP: time, randomness, RSA.
pub struct Env {
    /// The clock.
    pub clock: Box<dyn Clock>,
    /// A cryptographically secure random source.
    pub entropy: Box<dyn Entropy>,
    /// RSA (needed by Freemud); `None` where the platform has none.
    pub rsa: Option<Box<dyn RsaProvider>>,
}

impl Env {
    /// An environment from a clock and a random source, without RSA.
    pub fn new(clock: Box<dyn Clock>, entropy: Box<dyn Entropy>) -> Env {
        Env {
            clock,
            entropy,
            rsa: None,
        }
    }

    /// Adds an RSA provider.
    pub fn with_rsa(mut self, rsa: Box<dyn RsaProvider>) -> Env {
        self.rsa = Some(rsa);
        self
    }

    /// The system clock and OS randomness (native targets).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn system() -> Env {
        Env::new(
            Box::new(crate::core::clock::SystemClock),
            Box::new(crate::core::clock::OsEntropy),
        )
    }
}

/// A client for one vendor account.
pub struct Client<T: Transport> {
    transport: T,
    env: Env,
    policy: RetryPolicy,
    /// The vendor side: the account and its flow's state (`session.rs`).
    vendor: Box<dyn Session<T>>,
    /// Learned offset between the vendor's clock and ours (from `Date` headers).
    skew: skew::Skew,
    /// Member resolutions and idempotency keys of the unified calls.
    points: points::PointsState,
}

impl<T: Transport> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.vendor_name())
            .field("policy", &self.policy)
            .finish()
    }
}

impl<T: Transport> Client<T> {
    /// A client for `config` (a vendor config object as in docs/architecture.md §4).
    pub fn new(config: &Json, transport: T, env: Env) -> Result<Self> {
        Client::from_account(read_account(config)?, transport, env)
    }

    /// A client for an account already read: one of `vendors::ALL`'s, or of
    /// a vendor jifen does not list (one under development, implementing
    /// `vendors::Vendor` and `vendors::Account` with `prepare_call`).
    pub fn from_account(account: Box<dyn Account>, transport: T, env: Env) -> Result<Self> {
        let vendor = session::for_account(account)?;
        Ok(Client {
            transport,
            env,
            policy: RetryPolicy::default(),
            vendor,
            skew: skew::Skew::default(),
            points: points::PointsState::default(),
        })
    }

    /// Shares Kingdee app-tokens through `cache` (other vendors have no token
    /// to share, and ignore it).
    pub fn with_token_cache(mut self, cache: Box<dyn TokenCache>) -> Self {
        self.vendor.share_tokens(cache);
        self
    }

    /// Replaces the retry policy.
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The vendor's name.
    pub fn vendor_name(&self) -> &'static str {
        self.account().vendor().name()
    }

    /// The transport (tests read what was sent through it).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Calls a vendor operation by its vendor-native id and returns its typed result as JSON.
    pub async fn call(&self, op: &str, params: &Json) -> Result<Json> {
        self.call_with(op, params, &CallOptions::default()).await
    }

    /// [`Client::call`] under per-call options: `allowFields`, and `idempotent`
    /// for an operation outside the vendor's table ([`CallOptions`]).
    pub async fn call_with(&self, op: &str, params: &Json, options: &CallOptions) -> Result<Json> {
        // Boxed (the session's trait object): each vendor's state machine
        // stays its own function in the wasm instead of being inlined into one large poll.
        self.vendor.call(self, op, params, options).await
    }

    /// Signs `op` as a call would at this moment, and sends nothing but what
    /// signing needs (a Kingdee app-token, fetched or cached).
    pub async fn sign_only(&self, op: &str, params: &Json) -> Result<SignedRequest> {
        let timestamp_ms = Some(self.now_ms());
        let options = DryRunOptions {
            timestamp_ms,
            ..self.vendor.sign_options(self, op).await?
        };
        build(self.account(), op, params, &options, &self.env).await
    }

    /// The vendor account, as read when the client was made.
    fn account(&self) -> &dyn Account {
        self.vendor.account()
    }

    /// Now, by the vendor's clock as far as we know it.
    fn now_ms(&self) -> u64 {
        self.skew.apply(self.env.clock.now_ms())
    }

    fn jitter(&self) -> u64 {
        random_in(self.env.entropy.as_ref(), 0, 999)
    }

    /// Sends one signed request per attempt until success or the policy stops.
    /// `sign` builds the request for an attempt; `parse` reads a reply;
    /// `delivery` says whether an error proves the vendor did nothing.
    /// Not generic (trait objects and a fn pointer): one copy of the loop in
    /// the wasm instead of one per vendor.
    /// `policy` is usually the client's; the Kingdee token call makes one
    /// attempt at a time (each is counted against the endpoint's budget first).
    async fn exchange(
        &self,
        policy: &RetryPolicy,
        vendor: &'static str,
        idempotent: bool,
        sign: &dyn Fn(u64) -> Result<HttpRequest>,
        parse: &dyn Fn(&HttpResponse) -> Result<Json>,
        delivery: &dyn Fn(&Error) -> Delivery,
    ) -> Result<Json> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let req = sign(self.now_ms())?;
            check_header_values(&req.headers)?;
            // A vendor's error may echo the request: its credentials stay out of ours.
            let credentials = Sent::of(&req);
            let sent = self.env.clock.now_ms();
            let result = match self.transport.send(req).await {
                Ok(resp) => {
                    let received = self.env.clock.now_ms();
                    self.skew.observe(sent, received, resp.date_ms());
                    parse(&resp)
                }
                Err(e) => Err(e.into_error(vendor)),
            };
            let err = match result {
                Ok(data) => return Ok(data),
                Err(e) => credentials.mask(e),
            };
            let delivered = delivery(&err);
            match decide(policy, attempt, &err, idempotent, delivered, self.jitter()) {
                Decision::RetryAfter(ms) => self.transport.sleep(ms).await,
                Decision::Stop if !idempotent && delivered == Delivery::Unknown => {
                    return Err(outcome_unknown(
                        err,
                        "write",
                        "check the ledger before repeating it",
                        false,
                    ));
                }
                Decision::Stop => return Err(mark(err)),
            }
        }
    }
}

/// Wraps the error of a `what` ("write", "change") that may have been
/// applied: `outcome_unknown`, the cause in the message, then `advice`.
fn outcome_unknown(cause: Error, what: &str, advice: &str, retryable: bool) -> Error {
    let mut e = cause.clone();
    e.code = ErrorCode::OutcomeUnknown;
    e.retryable = retryable;
    e.message = format!(
        "the {what} may or may not have been applied ({}: {}); {advice}",
        cause.code, cause.message
    );
    e
}

// Native only (proptest, base64, crate::testing): `wasm-pack test` builds every test
// target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod qimai_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod reliability_tests;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
