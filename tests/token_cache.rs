//! A Kingdee token shared through a `TokenCache`: one refresh serves many
//! clients, a client that is refused the lock waits for the holder's token, and
//! a token the vendor refuses is never taken from the cache again. Then the
//! token endpoint's discipline against an in-memory Kingdee with a fake clock
//! (`World`): at most 2 token calls in any 60 s across a fleet, a 429 answered
//! locally until its `Retry-After` passes, a short-lived token reused, and a
//! dead refresher's lock taken over within seconds.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{Client, Env, TokenCache, Transport, TransportError};
use jifen::core::clock::{Clock, FixedClock, TestEntropy};
use jifen::core::error::{ErrorCode, Result};
use jifen::core::request::{HttpRequest, HttpResponse};
use jifen::core::rsa::LocalFuture;
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::Json;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

const NOW: u64 = 1_700_000_000_000;
const CFG: &str = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;

#[derive(Default)]
struct Shared {
    value: RefCell<Option<(String, u64)>>,
    locked: Cell<bool>,
    /// Locks refused before one is granted (another isolate holds it).
    refuse_locks: Cell<u32>,
    /// `get`s that see nothing before the holder's value appears.
    hide_gets: Cell<u32>,
    pending: RefCell<Option<(String, u64)>>,
    gets: Cell<u32>,
}

#[derive(Clone, Default)]
struct Cache(Rc<Shared>);

impl TokenCache for Cache {
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>> {
        let s = &self.0;
        s.gets.set(s.gets.get() + 1);
        if s.hide_gets.get() > 0 {
            s.hide_gets.set(s.hide_gets.get() - 1);
            if s.hide_gets.get() == 0 {
                *s.value.borrow_mut() = s.pending.borrow_mut().take();
            }
            return Box::pin(async { Ok(None) });
        }
        let v = s.value.borrow().clone();
        Box::pin(async move { Ok(v) })
    }
    fn set<'a>(&'a self, value: &'a str, expires: u64) -> LocalFuture<'a, Result<()>> {
        *self.0.value.borrow_mut() = Some((value.to_string(), expires));
        Box::pin(async { Ok(()) })
    }
    fn lock(&self, _ttl: u64) -> LocalFuture<'_, Result<bool>> {
        let s = &self.0;
        let granted = if s.refuse_locks.get() > 0 {
            s.refuse_locks.set(s.refuse_locks.get() - 1);
            false
        } else {
            !s.locked.replace(true)
        };
        Box::pin(async move { Ok(granted) })
    }
    fn unlock(&self) -> LocalFuture<'_, Result<()>> {
        self.0.locked.set(false);
        Box::pin(async { Ok(()) })
    }
}

fn client(t: ScriptedTransport, cache: &Cache) -> Client<ScriptedTransport> {
    Client::new(
        &Json::parse(CFG).unwrap(),
        t,
        Env::new(
            Box::new(FixedClock(NOW)),
            Box::new(TestEntropy(Cell::new(1))),
        ),
    )
    .unwrap()
    .with_token_cache(Box::new(cache.clone()))
}

fn token(t: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"errcode":0,"description":"成功","data":{{"app-token":"{t}","expires":{}}}}}"#,
            NOW + 86_400_000
        ),
    )
}

fn ok() -> Reply {
    Reply::json(200, r#"{"errcode":0,"description":"success","data":{}}"#)
}

const ADJUST: &str = "/jdy/v2/ls/integral_adjust";

fn adjust(c: &Client<ScriptedTransport>) -> Result<Json> {
    block_on(c.call(
        ADJUST,
        &Json::parse(r#"{"mobile":"13800138000","integral":1,"operation":5}"#).unwrap(),
    ))
}

fn sent_token(c: &Client<ScriptedTransport>, i: usize) -> String {
    c.transport().sent.borrow()[i]
        .header("app-token")
        .unwrap_or_default()
        .to_string()
}

#[test]
fn one_refresh_serves_every_client() {
    let cache = Cache::default();
    let a = client(
        ScriptedTransport::new()
            .then("kingdee_auth_token", token("tok-a"))
            .then(ADJUST, ok()),
        &cache,
    );
    adjust(&a).unwrap();
    let b = client(ScriptedTransport::new().then(ADJUST, ok()), &cache);
    adjust(&b).unwrap();
    assert_eq!(b.transport().count("kingdee_auth_token"), 0);
    assert_eq!(sent_token(&b, 0), "tok-a");
    assert!(!cache.0.locked.get(), "the lock is given back");
    let stored = cache.0.value.borrow().clone().unwrap();
    assert!(stored.0.contains("tok-a") && stored.1 == NOW + 86_400_000);
}

#[test]
fn a_client_refused_the_lock_waits_for_the_holders_token() {
    let cache = Cache::default();
    cache.0.refuse_locks.set(3);
    cache.0.hide_gets.set(3);
    *cache.0.pending.borrow_mut() = Some((
        r#"{"appToken":"tok-holder","domain":"https://tf.jdy.com"}"#.to_string(),
        NOW + 86_400_000,
    ));
    let b = client(ScriptedTransport::new().then(ADJUST, ok()), &cache);
    adjust(&b).unwrap();
    assert_eq!(
        b.transport().count("kingdee_auth_token"),
        0,
        "no refresh of its own"
    );
    assert_eq!(sent_token(&b, 0), "tok-holder");
    assert_eq!(
        b.transport().slept.borrow().len(),
        3,
        "it polled until the value appeared"
    );
}

#[test]
fn a_refused_shared_token_is_replaced_not_reused() {
    let cache = Cache::default();
    *cache.0.value.borrow_mut() = Some((
        r#"{"appToken":"tok-stale","domain":"https://tf.jdy.com"}"#.to_string(),
        NOW + 86_400_000,
    ));
    let c = client(
        ScriptedTransport::new()
            .then(
                ADJUST,
                Reply::json(519, r#"{"errcode":4010,"description":"token invalid"}"#),
            )
            .then("kingdee_auth_token", token("tok-new"))
            .then(ADJUST, ok()),
        &cache,
    );
    adjust(&c).unwrap();
    assert_eq!(sent_token(&c, 0), "tok-stale");
    assert_eq!(sent_token(&c, 2), "tok-new");
    assert!(cache
        .0
        .value
        .borrow()
        .clone()
        .unwrap()
        .0
        .contains("tok-new"));
}

#[test]
fn an_expired_shared_token_is_refreshed() {
    let cache = Cache::default();
    *cache.0.value.borrow_mut() = Some((
        r#"{"appToken":"tok-old","domain":"https://tf.jdy.com"}"#.to_string(),
        NOW + 60_000, // inside the 5-minute margin
    ));
    let c = client(
        ScriptedTransport::new()
            .then("kingdee_auth_token", token("tok-fresh"))
            .then(ADJUST, ok()),
        &cache,
    );
    adjust(&c).unwrap();
    assert_eq!(sent_token(&c, 1), "tok-fresh");
}

// ---- The token endpoint's discipline, against an in-memory Kingdee ----

/// Kingdee as the client sees it, on a clock the test moves: a token endpoint
/// that allows 2 calls a rolling minute (429 + 5007 + `Retry-After` beyond),
/// tokens that expire, and business calls that answer 4011 to a dead token.
#[derive(Default)]
struct World {
    now: Cell<u64>,
    token_ttl_ms: Cell<u64>,
    /// The time of every request to the token endpoint, refused ones included.
    token_calls: RefCell<Vec<u64>>,
    tokens: RefCell<HashMap<String, u64>>,
    /// Token requests never answered (a process killed mid-refresh).
    hang_tokens: Cell<bool>,
    /// Token requests answered 429 until then, with `Retry-After: 60` (seconds).
    storm_until: Cell<u64>,
    /// The storm's 429 has no body (a bare 429, no errcode).
    bare_429: Cell<bool>,
    /// Business calls that carried an expired or revoked token.
    refused_tokens: Cell<u32>,
    /// When the clients now waiting wake up (registered by each pending `Sleep`).
    wakes: RefCell<Vec<u64>>,
    /// The vendor's clock minus the world's, as its `Date` headers say (tests step it).
    vendor_offset_ms: Cell<i64>,
}

impl World {
    fn new(token_ttl_ms: u64) -> Rc<World> {
        let w = World::default();
        w.now.set(NOW);
        w.token_ttl_ms.set(token_ttl_ms);
        Rc::new(w)
    }

    fn advance(&self, ms: u64) {
        self.now.set(self.now.get() + ms);
    }

    /// Every token is expired at once (the vendor revokes them).
    fn revoke_all(&self) {
        self.tokens.borrow_mut().clear();
    }

    /// The most token calls seen in any 60 s window.
    fn max_calls_per_minute(&self) -> usize {
        let calls = self.token_calls.borrow();
        calls
            .iter()
            .map(|&t| calls.iter().filter(|&&c| c >= t && c < t + 60_000).count())
            .max()
            .unwrap_or(0)
    }

    fn serve(&self, req: &HttpRequest) -> Option<HttpResponse> {
        let now = self.now.get();
        let date =
            jifen::testing::http_date(now.saturating_add_signed(self.vendor_offset_ms.get()));
        let json = |status: u16, headers: &[(&str, &str)], body: &str| HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .chain([("Date".to_string(), date.clone())])
                .collect(),
            body: body.as_bytes().to_vec(),
        };
        if req.url.contains("kingdee_auth_token") {
            let recent = {
                let calls = self.token_calls.borrow();
                calls.iter().filter(|&&c| c + 60_000 > now).count()
            };
            self.token_calls.borrow_mut().push(now);
            if self.hang_tokens.get() {
                return None;
            }
            if now < self.storm_until.get() || recent >= 2 {
                let body = if self.bare_429.get() {
                    "Too Many Requests"
                } else {
                    r#"{"errcode":5007,"description":"Too Many Requests[GW]"}"#
                };
                return Some(json(429, &[("Retry-After", "60")], body));
            }
            let n = self.tokens.borrow().len() + self.token_calls.borrow().len();
            let token = format!("tok-{n}");
            let expires = now + self.token_ttl_ms.get();
            self.tokens.borrow_mut().insert(token.clone(), expires);
            return Some(json(
                200,
                &[],
                &format!(
                    r#"{{"errcode":0,"description":"成功","data":{{"app-token":"{token}","expires":{expires}}}}}"#
                ),
            ));
        }
        let live = req
            .header("app-token")
            .and_then(|t| self.tokens.borrow().get(t).copied())
            .is_some_and(|expires| now < expires);
        if !live {
            self.refused_tokens.set(self.refused_tokens.get() + 1);
            return Some(json(
                519,
                &[],
                r#"{"errcode":4011,"description":"app-token is expired[GW]"}"#,
            ));
        }
        Some(json(
            200,
            &[],
            r#"{"errcode":0,"description":"success","data":{}}"#,
        ))
    }
}

/// Ready once the world's clock reaches `until` (`None`: never).
struct Sleep<'a> {
    world: &'a World,
    until: Option<u64>,
}

impl Future for Sleep<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        match self.until {
            Some(t) if self.world.now.get() >= t => Poll::Ready(()),
            Some(t) => {
                self.world.wakes.borrow_mut().push(t);
                Poll::Pending
            }
            None => Poll::Pending,
        }
    }
}

/// How long a request takes to reach the vendor, and its reply to come back.
const LATENCY_MS: u64 = 30;

struct Net(Rc<World>);

impl Transport for Net {
    async fn send(&self, req: HttpRequest) -> std::result::Result<HttpResponse, TransportError> {
        self.sleep(LATENCY_MS).await;
        let reply = self.0.serve(&req);
        self.sleep(LATENCY_MS).await;
        match reply {
            Some(r) => Ok(r),
            None => {
                Sleep {
                    world: &self.0,
                    until: None,
                }
                .await;
                unreachable!()
            }
        }
    }

    async fn sleep(&self, ms: u64) {
        Sleep {
            world: &self.0,
            until: Some(self.0.now.get() + ms),
        }
        .await;
    }
}

struct WorldClock(Rc<World>);
impl Clock for WorldClock {
    fn now_ms(&self) -> u64 {
        self.0.now.get()
    }
}

/// A cache shared by a fleet, with a lock that lapses after its TTL and
/// belongs to a holder (as `durableObjectTokenCache`): asked again by its
/// holder, it is extended.
#[derive(Default)]
struct FleetStore {
    value: RefCell<Option<(String, u64)>>,
    lock: Cell<Option<(u32, u64)>>,
}

struct FleetCache {
    store: Rc<FleetStore>,
    world: Rc<World>,
    holder: u32,
}

impl TokenCache for FleetCache {
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>> {
        let now = self.world.now.get();
        let v = self
            .store
            .value
            .borrow()
            .clone()
            .filter(|(_, expires)| *expires > now);
        Box::pin(async move { Ok(v) })
    }
    fn set<'a>(&'a self, value: &'a str, expires: u64) -> LocalFuture<'a, Result<()>> {
        *self.store.value.borrow_mut() = Some((value.to_string(), expires));
        Box::pin(async { Ok(()) })
    }
    fn lock(&self, ttl: u64) -> LocalFuture<'_, Result<bool>> {
        let now = self.world.now.get();
        let granted = match self.store.lock.get() {
            Some((holder, until)) if until > now && holder != self.holder => false,
            _ => {
                self.store.lock.set(Some((self.holder, now + ttl)));
                true
            }
        };
        Box::pin(async move { Ok(granted) })
    }
    fn unlock(&self) -> LocalFuture<'_, Result<()>> {
        if matches!(self.store.lock.get(), Some((h, _)) if h == self.holder) {
            self.store.lock.set(None);
        }
        Box::pin(async { Ok(()) })
    }
}

fn world_client(w: &Rc<World>, store: Option<(&Rc<FleetStore>, u32)>) -> Client<Net> {
    let c = Client::new(
        &Json::parse(CFG).unwrap(),
        Net(w.clone()),
        Env::new(
            Box::new(WorldClock(w.clone())),
            Box::new(TestEntropy(Cell::new(1))),
        ),
    )
    .unwrap();
    match store {
        Some((store, holder)) => c.with_token_cache(Box::new(FleetCache {
            store: store.clone(),
            world: w.clone(),
            holder,
        })),
        None => c,
    }
}

fn adjust_args() -> Json {
    Json::parse(r#"{"mobile":"13800138000","integral":1,"operation":5}"#).unwrap()
}

/// Calls running together.
type Calls<'a> = Pin<Box<dyn Future<Output = Result<Json>> + 'a>>;

/// Runs the calls together on this thread to completion, in simulated time:
/// each round polls every call; when all that are left wait on sleeps, the
/// clock jumps to the earliest wake.
fn run_all<'a>(w: &World, futs: Vec<Calls<'a>>) -> Vec<Result<Json>> {
    let mut futs: Vec<_> = futs.into_iter().map(Some).collect();
    let mut out: Vec<Option<Result<Json>>> = futs.iter().map(|_| None).collect();
    let mut cx = Context::from_waker(Waker::noop());
    while out.iter().any(Option::is_none) {
        w.wakes.borrow_mut().clear();
        for (f, o) in futs.iter_mut().zip(out.iter_mut()) {
            if let Some(fut) = f {
                if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                    *o = Some(v);
                    *f = None;
                }
            }
        }
        if out.iter().all(Option::is_some) {
            break;
        }
        let next = w.wakes.borrow().iter().min().copied();
        let next = next.expect("every call left waits forever");
        if next > w.now.get() {
            w.now.set(next);
        }
    }
    out.into_iter().map(Option::unwrap).collect()
}

/// One call, in simulated time.
fn run1(w: &World, c: &Client<Net>) -> Result<Json> {
    let args = adjust_args();
    run_all(w, vec![Box::pin(c.call(ADJUST, &args))])
        .pop()
        .unwrap()
}

/// 10 simulated minutes of `clients` calling every 5 s together, with tokens
/// living 3 minutes (less than the 5-minute refresh margin) and the vendor
/// revoking every token 3 times. Returns the calls that failed.
fn ten_minutes(w: &Rc<World>, clients: &[Client<Net>]) -> Vec<String> {
    let start = w.now.get();
    let revocations = [130_000, 320_000, 510_000];
    let mut failures = Vec::new();
    let mut revoked = 0;
    while w.now.get() < start + 600_000 {
        if revocations
            .get(revoked)
            .is_some_and(|&at| w.now.get() >= start + at)
        {
            w.revoke_all();
            revoked += 1;
        }
        let args = adjust_args();
        let futs: Vec<Calls<'_>> = clients
            .iter()
            .map(|c| Box::pin(c.call(ADJUST, &args)) as Calls<'_>)
            .collect();
        for r in run_all(w, futs) {
            if let Err(e) = r {
                failures.push(format!("{}: {}", e.code, e.message));
            }
        }
        w.advance(5_000);
    }
    assert_eq!(revoked, 3);
    failures
}

#[test]
fn a_fleet_sharing_a_cache_makes_at_most_2_token_calls_a_minute_through_expiries() {
    let w = World::new(3 * 60_000);
    let store = Rc::new(FleetStore::default());
    let fleet: Vec<_> = (0..6)
        .map(|i| world_client(&w, Some((&store, i))))
        .collect();
    let failures = ten_minutes(&w, &fleet);
    let calls = w.token_calls.borrow().len();
    assert!(
        w.max_calls_per_minute() <= 2,
        "{} token calls in one minute ({calls} in all)",
        w.max_calls_per_minute()
    );
    // 3-minute tokens refreshed in their last quarter, and 3 revocations.
    let times: Vec<u64> = w
        .token_calls
        .borrow()
        .iter()
        .map(|t| (t - NOW) / 1000)
        .collect();
    assert!(
        (5..=10).contains(&calls),
        "{calls} token calls at {times:?} s"
    );
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn a_client_without_a_shared_cache_keeps_the_same_budget() {
    let w = World::new(3 * 60_000);
    let fleet = [world_client(&w, None)];
    let failures = ten_minutes(&w, &fleet);
    assert!(
        w.max_calls_per_minute() <= 2,
        "{} token calls in one minute",
        w.max_calls_per_minute()
    );
    assert!(failures.is_empty(), "{failures:?}");
}

/// 30 clients sharing a cache meet a 429 with `Retry-After: 60` from the token
/// endpoint: one token call, every client answered locally until it passes.
fn storm(bare: bool) {
    let w = World::new(86_400_000);
    w.storm_until.set(NOW + 60_000);
    w.bare_429.set(bare);
    let store = Rc::new(FleetStore::default());
    let fleet: Vec<_> = (0..30)
        .map(|i| world_client(&w, Some((&store, i))))
        .collect();
    let args = adjust_args();
    for round in 0..3 {
        let futs: Vec<Calls<'_>> = fleet
            .iter()
            .map(|c| Box::pin(c.call(ADJUST, &args)) as Calls<'_>)
            .collect();
        for r in run_all(&w, futs) {
            let e = r.unwrap_err();
            assert_eq!(e.code, ErrorCode::RateLimited, "{}", e.message);
            assert_eq!(e.vendor_code.as_deref(), Some("5007"));
            let after = e.retry_after_ms.unwrap();
            assert!(after > 0 && after <= 60_000, "{after}");
            assert!(e.message.contains("tokenCache"), "{}", e.message);
            assert!(e.retryable);
        }
        assert_eq!(
            w.token_calls.borrow().len(),
            1,
            "round {round}: only the first met the 429"
        );
        w.advance(10_000);
    }
    // Once the Retry-After has passed, one client refreshes for all.
    w.now.set(NOW + 61_000);
    let futs: Vec<Calls<'_>> = fleet
        .iter()
        .map(|c| Box::pin(c.call(ADJUST, &args)) as Calls<'_>)
        .collect();
    for r in run_all(&w, futs) {
        r.unwrap();
    }
    assert_eq!(w.token_calls.borrow().len(), 2);
}

#[test]
fn a_429_storm_is_answered_locally_until_retry_after_passes() {
    storm(false);
}

#[test]
fn a_bare_429_is_answered_locally_as_5007() {
    storm(true);
}

#[test]
fn a_429_is_remembered_by_a_client_without_a_shared_cache() {
    let w = World::new(86_400_000);
    w.storm_until.set(NOW + 60_000);
    let c = world_client(&w, None);
    for _ in 0..5 {
        let e = run1(&w, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert_eq!(e.vendor_code.as_deref(), Some("5007"));
        w.advance(5_000);
    }
    assert_eq!(w.token_calls.borrow().len(), 1);
}

/// Issue 17 item 7: the token endpoint's 429 names the gateway's code in its body
/// (`{errcode:5007}`), and the error keeps it as `vendorCode`, also when the token
/// operation is called directly (the client's own refresh answers through
/// `a_429_storm_is_answered_locally_until_retry_after_passes`).
#[test]
fn a_token_endpoint_429_called_directly_carries_its_vendor_code() {
    let w = World::new(86_400_000);
    w.storm_until.set(NOW + 60_000);
    let c = world_client(&w, None);
    let none = Json::parse("{}").unwrap();
    let token_op = "/jdyconnector/app_management/kingdee_auth_token";
    let e = run_all(&w, vec![Box::pin(c.call(token_op, &none))])
        .pop()
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (e.code, e.vendor_code.as_deref(), e.http_status),
        (ErrorCode::RateLimited, Some("5007"), Some(429)),
        "{}",
        e.message
    );
    assert_eq!(e.retry_after_ms, Some(60_000));
    assert!(e.retryable);
    assert_eq!(
        w.token_calls.borrow().len(),
        1,
        "Retry-After beyond the cap: not retried"
    );
}

#[test]
fn a_token_shorter_lived_than_the_margin_is_reused_until_shortly_before_it_expires() {
    let w = World::new(2 * 60_000);
    let store = Rc::new(FleetStore::default());
    let c = world_client(&w, Some((&store, 1)));
    let alone = world_client(&w, None);
    for _ in 0..9 {
        run1(&w, &c).unwrap();
        run1(&w, &alone).unwrap();
        w.advance(10_000); // 0 … 80 s into a 120 s token
    }
    assert_eq!(c.kingdee_token_calls(), 1, "shared cache: one token");
    assert_eq!(alone.kingdee_token_calls(), 1, "own cache: one token");
    w.advance(20_000); // 100 s: 20 s left, inside the last quarter
    run1(&w, &c).unwrap();
    assert_eq!(c.kingdee_token_calls(), 2, "refreshed before it expired");
    assert_eq!(w.refused_tokens.get(), 0, "no call carried a dead token");
}

#[test]
fn a_dead_refreshers_lock_stalls_the_others_for_seconds_only() {
    let w = World::new(86_400_000);
    let store = Rc::new(FleetStore::default());
    // A takes the lock and calls the token endpoint; its process dies there.
    let a = world_client(&w, Some((&store, 1)));
    w.hang_tokens.set(true);
    {
        let args = adjust_args();
        let mut fut = Box::pin(a.call(ADJUST, &args));
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..20 {
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            w.advance(LATENCY_MS);
        }
    }
    assert_eq!(
        w.token_calls.borrow().len(),
        1,
        "A is inside its token call"
    );
    assert!(store.lock.get().is_some(), "A's lock is left behind");
    w.hang_tokens.set(false);
    let b = world_client(&w, Some((&store, 2)));
    let start = w.now.get();
    run1(&w, &b).unwrap();
    let stalled = w.now.get() - start;
    assert!(stalled <= 6_000, "B stalled {stalled} ms");
    assert_eq!(b.kingdee_token_calls(), 1);
}

#[test]
fn a_vendor_clock_that_steps_does_not_age_token_calls_out_of_the_budget() {
    // Found by the chaos suite: the budget was kept on the client's estimate of the vendor's
    // clock, so a vendor clock stepping 5 minutes ahead made a call 10 s old look 5 minutes
    // old, and a third token call went out within the minute.
    let w = World::new(3 * 60_000);
    let store = Rc::new(FleetStore::default());
    let c = world_client(&w, Some((&store, 0)));
    run1(&w, &c).unwrap();
    w.advance(10_000);
    w.revoke_all();
    run1(&w, &c).unwrap();
    w.advance(10_000);
    w.revoke_all();
    w.vendor_offset_ms.set(5 * 60_000);
    let e = run1(&w, &c).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited, "{e:?}");
    assert_eq!(
        w.token_calls.borrow().len(),
        2,
        "no third token call within the minute"
    );
    assert!(w.max_calls_per_minute() <= 2);
}
