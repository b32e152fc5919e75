//! A Kingdee token shared through a `TokenCache`: one refresh serves many
//! clients, a client that is refused the lock waits for the holder's token, and
//! a token the vendor refuses is never taken from the cache again.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{Client, Env, TokenCache};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::error::Result;
use jifen::core::rsa::LocalFuture;
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::Json;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

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
