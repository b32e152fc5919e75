//! The idempotency-key protocol of `adjustPoints` under attack: a key reused for
//! another change, two calls with one key at once (one client, and two clients
//! sharing a store), and a store that fails or loses a write at each of its
//! calls, combined with a network fault at each step. Against the vendor
//! models of `tests/model/`.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod model;

use jifen::client::{Client, IdempotencyStore, MemoryStore};
use jifen::core::error::{Error, ErrorCode, Result};
use jifen::core::rsa::LocalFuture;
use jifen::testing::block_on;
use jifen::Json;
use model::*;
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

fn j(s: &str) -> Json {
    Json::parse(s).unwrap()
}

fn vendors() -> [Vendor; 3] {
    [Vendor::Kingdee, Vendor::Freemud, Vendor::Qimai]
}

/// Runs two futures on this thread, interleaved, until both are done.
fn join2<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut ra, mut rb) = (None, None);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(&mut cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(&mut cx) {
                rb = Some(v);
            }
        }
        if let (Some(_), Some(_)) = (&ra, &rb) {
            return (ra.unwrap(), rb.unwrap());
        }
    }
}

#[test]
fn a_key_reused_with_fields_shifted_across_the_separator_is_refused() {
    // orderId "A|B" + remark "C" and orderId "A" + remark "B|C" are two changes; the
    // fingerprint must not join them into the same text.
    let m = Model::new(Vendor::Freemud, 0);
    let c = client(&m);
    let first = r#"{"member":{"id":"1480000000000000001"},"delta":10,"reason":"promotion","idempotencyKey":"k-1","orderId":"A|B","remark":"C"}"#;
    let second = r#"{"member":{"id":"1480000000000000001"},"delta":10,"reason":"promotion","idempotencyKey":"k-1","orderId":"A","remark":"B|C"}"#;
    block_on(c.adjust_points(&j(first))).unwrap();
    let e = block_on(c.adjust_points(&j(second))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
    assert!(e.message.contains("different change"), "{e:?}");
    // And the plain repeat is still a repeat.
    block_on(c.adjust_points(&j(first))).unwrap();
    assert_eq!(m.applied(), 1);
}

#[test]
fn a_key_reused_with_another_member_delta_or_reason_is_refused_on_every_vendor() {
    for v in vendors() {
        let m = Model::new(v, 0);
        let c = client(&m);
        block_on(c.adjust_points(&args(10, "k-1"))).unwrap();
        let other = [
            r#"{"member":{"mobile":"13800138001"},"delta":10,"reason":"promotion","idempotencyKey":"k-1"}"#,
            r#"{"member":{"mobile":"13800138000"},"delta":11,"reason":"promotion","idempotencyKey":"k-1"}"#,
            r#"{"member":{"mobile":"13800138000"},"delta":10,"reason":"manual_grant","idempotencyKey":"k-1"}"#,
            r#"{"member":{"mobile":"13800138000"},"delta":-10,"reason":"redemption","idempotencyKey":"k-1"}"#,
        ];
        for o in other {
            let e = block_on(c.adjust_points(&j(o))).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{v:?} {o}: {e:?}");
        }
        assert_eq!(m.applied(), 1, "{v:?}");
        assert_eq!(
            m.requests.get(),
            2,
            "{v:?}: a lookup (or token) and one change, nothing more"
        );
    }
}

#[test]
fn two_calls_with_one_key_at_once_apply_once() {
    for v in vendors() {
        // One client.
        let m = Model::new(v, 0);
        m.yield_once.set(true);
        let c = client(&m);
        let (a, b) = join2(
            c.adjust_points(&args(10, "k-1")),
            c.adjust_points(&args(10, "k-1")),
        );
        assert_eq!(m.applied(), 1, "{v:?}: {a:?} {b:?}");
        check_pair(v, &a, &b);

        // Two clients sharing one store (two isolates, one Durable Object).
        let m = Model::new(v, 0);
        m.yield_once.set(true);
        let store = Rc::new(MemoryStore::new(100));
        let c1 = client(&m).with_idempotency_store(Box::new(store.clone()));
        let c2 = client(&m).with_idempotency_store(Box::new(store.clone()));
        let (a, b) = join2(
            c1.adjust_points(&args(10, "k-1")),
            c2.adjust_points(&args(10, "k-1")),
        );
        assert_eq!(m.applied(), 1, "{v:?} shared: {a:?} {b:?}");
        check_pair(v, &a, &b);
        // Later callers replay the outcome.
        let c3 = client(&m).with_idempotency_store(Box::new(store.clone()));
        let sent = m.requests.get();
        block_on(c3.adjust_points(&args(10, "k-1"))).unwrap();
        assert_eq!(m.requests.get(), sent, "{v:?}: replayed, not sent");

        // The same key for another change at the same time: refused, not applied.
        let m = Model::new(v, 0);
        m.yield_once.set(true);
        let c = client(&m);
        let (a, b) = join2(
            c.adjust_points(&args(10, "k-1")),
            c.adjust_points(&args(-10, "k-1")),
        );
        assert!(a.is_ok(), "{v:?}: {a:?}");
        assert_eq!(b.unwrap_err().code, ErrorCode::InvalidInput, "{v:?}");
        assert_eq!(m.applied(), 1);
    }
}

fn check_pair(v: Vendor, a: &Result<Json>, b: &Result<Json>) {
    assert!(a.is_ok(), "{v:?}: {a:?}");
    match v {
        // Without a vendor key the second caller must not send: it waits for the
        // first one's outcome and replays it, or is told to try again shortly.
        Vendor::Kingdee => match b {
            Ok(r) => assert_eq!(Some(r), a.as_ref().ok(), "{v:?}"),
            Err(e) => {
                assert_eq!(e.code, ErrorCode::Conflict, "{e:?}");
                assert!(e.retryable);
            }
        },
        // With one, it sends and the vendor answers with the first result.
        _ => assert_eq!(
            a.as_ref().unwrap().get("balance"),
            b.as_ref().unwrap().get("balance"),
            "{v:?}"
        ),
    }
}

/// How a store misbehaves at one of its calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoreFault {
    /// The call fails (rejects / throws).
    Error,
    /// The call says it stored or deleted, but did not.
    Lose,
}

/// A memory store whose call number `at` misbehaves.
struct FlakyStore {
    inner: MemoryStore,
    calls: Cell<usize>,
    at: Option<(usize, StoreFault)>,
}

impl FlakyStore {
    fn fault(&self) -> Option<StoreFault> {
        let i = self.calls.get();
        self.calls.set(i + 1);
        self.at.filter(|(n, _)| *n == i).map(|(_, f)| f)
    }
}

fn store_down<'a, T: 'a>() -> LocalFuture<'a, Result<T>> {
    Box::pin(async { Err(Error::new(ErrorCode::Network, "the shared store failed")) })
}

impl IdempotencyStore for FlakyStore {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>> {
        match self.fault() {
            Some(StoreFault::Error) => store_down(),
            // A read that misses a write (eventual consistency).
            Some(StoreFault::Lose) => Box::pin(async { Ok(None) }),
            None => self.inner.get(key),
        }
    }

    fn put_if_absent<'a>(&'a self, key: &'a str, value: &'a str) -> LocalFuture<'a, Result<bool>> {
        match self.fault() {
            Some(StoreFault::Error) => store_down(),
            Some(StoreFault::Lose) => Box::pin(async { Ok(true) }),
            None => self.inner.put_if_absent(key, value),
        }
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>> {
        match self.fault() {
            Some(StoreFault::Error) => store_down(),
            Some(StoreFault::Lose) => Box::pin(async { Ok(true) }),
            None => self.inner.delete(key),
        }
    }

    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, Result<bool>> {
        match self.fault() {
            Some(StoreFault::Error) => store_down(),
            // A compare-and-set that reports failure (the store lost the race).
            Some(StoreFault::Lose) => Box::pin(async { Ok(false) }),
            None => self.inner.replace(key, expected, value),
        }
    }

    fn can_replace(&self) -> bool {
        true
    }
}

/// One call with a store fault and a network fault, then a same-key retry from
/// another client sharing the store; returns what broke the promise.
fn store_scenario(
    v: Vendor,
    store_at: (usize, StoreFault),
    net: Option<(usize, Fault)>,
) -> Vec<String> {
    let name = format!("{v:?} store {store_at:?} net {net:?}");
    let m = Model::new(v, 0);
    if let Some((i, f)) = net {
        m.faults.borrow_mut().insert(i, f);
    }
    let store = Rc::new(FlakyStore {
        inner: MemoryStore::new(100),
        calls: Cell::new(0),
        at: Some(store_at),
    });
    let c: Client<Net> = client(&m).with_idempotency_store(Box::new(store.clone()));
    let first = block_on(c.adjust_points(&args(10, "k-1")));
    let rows = m.applied();
    let mut bad = Vec::new();
    match &first {
        Ok(_) if rows != 1 => bad.push(format!("{name}: told applied, {rows} rows")),
        Err(e)
            if v == Vendor::Kingdee
                && rows != 0
                && !matches!(e.code, ErrorCode::OutcomeUnknown | ErrorCode::Conflict) =>
        {
            bad.push(format!(
                "{name}: `{}` for an applied change ({e:?})",
                e.code
            ))
        }
        _ => {}
    }
    let other = client(&m).with_idempotency_store(Box::new(store.clone()));
    let again = block_on(other.adjust_points(&args(10, "k-1")));
    if m.applied() > 1 {
        bad.push(format!(
            "{name}: applied {} times (first {first:?}, retry {again:?})",
            m.applied()
        ));
    }
    if again.is_ok() && m.applied() != 1 {
        bad.push(format!("{name}: retry told applied, {} rows", m.applied()));
    }
    bad
}

#[test]
fn a_store_failing_or_losing_one_write_at_any_call_never_doubles() {
    let mut bad = Vec::new();
    let mut count = 0;
    for v in vendors() {
        for at in 0..8 {
            for sf in [StoreFault::Error, StoreFault::Lose] {
                let mut nets: Vec<Option<(usize, Fault)>> = vec![None];
                for i in 0..4 {
                    for f in [Fault::NetAfter, Fault::NetBefore, Fault::TruncatedAfter] {
                        nets.push(Some((i, f)));
                    }
                }
                for net in nets {
                    count += 1;
                    bad.extend(store_scenario(v, (at, sf), net));
                }
            }
        }
    }
    assert!(count > 500);
    assert!(
        bad.is_empty(),
        "{} of {count}:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Kingdee configs of one developer app (clientId "1") for two account sets (made-up credentials).
const SET_A: &str = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"set-a","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;
const SET_B: &str = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"set-b","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;

/// Two merchants (account sets) of one ISV app, each with its own ledger, sharing one store.
fn two_sets() -> (Rc<Model>, Rc<Model>, Client<Net>, Client<Net>) {
    let (ma, mb) = (
        Model::new(Vendor::Kingdee, 0),
        Model::new(Vendor::Kingdee, 0),
    );
    ma.adjust_reply.replace(r#"{"merchant":"a"}"#.into());
    mb.adjust_reply.replace(r#"{"merchant":"b"}"#.into());
    let store = Rc::new(MemoryStore::new(100));
    let a = client_with(&ma, SET_A).with_idempotency_store(Box::new(store.clone()));
    let b = client_with(&mb, SET_B).with_idempotency_store(Box::new(store));
    (ma, mb, a, b)
}

fn merchant(r: &Json) -> Option<&str> {
    r.get("raw")?.get("merchant")?.as_str()
}

#[test]
fn two_kingdee_account_sets_of_one_client_id_keep_the_same_key_apart() {
    // Two merchants numbering their orders alike: the same key, the same member, the same change.
    let (ma, mb, a, b) = two_sets();
    let ra = block_on(a.adjust_points(&args(10, "order-1001"))).unwrap();
    let rb = block_on(b.adjust_points(&args(10, "order-1001"))).unwrap();
    assert_eq!((ma.applied(), mb.applied()), (1, 1), "both changes applied");
    assert_eq!(merchant(&ra), Some("a"), "{ra:?}");
    assert_eq!(
        merchant(&rb),
        Some("b"),
        "b answered with its own result: {rb:?}"
    );
    // A repeat in each account set replays its own result and sends nothing.
    let sent = (ma.requests.get(), mb.requests.get());
    assert_eq!(
        block_on(a.adjust_points(&args(10, "order-1001"))).unwrap(),
        ra
    );
    assert_eq!(
        block_on(b.adjust_points(&args(10, "order-1001"))).unwrap(),
        rb
    );
    assert_eq!((ma.requests.get(), mb.requests.get()), sent);

    // The same key for another change in the other set is that set's own first use.
    let (ma, mb, a, b) = two_sets();
    block_on(a.adjust_points(&args(10, "order-1002"))).unwrap();
    let rb = block_on(b.adjust_points(&args(-10, "order-1002"))).unwrap();
    assert_eq!(merchant(&rb), Some("b"));
    assert_eq!((ma.applied(), mb.applied()), (1, 1));
    // Reuse within one set is still refused.
    let e = block_on(a.adjust_points(&args(-10, "order-1002"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");

    // At once, interleaved: neither waits for the other's lane (their ledgers are apart).
    let (ma, mb, a, b) = two_sets();
    ma.yield_once.set(true);
    mb.yield_once.set(true);
    let (ra, rb) = join2(
        a.adjust_points(&args(10, "order-1003")),
        b.adjust_points(&args(10, "order-1003")),
    );
    assert_eq!(merchant(&ra.unwrap()), Some("a"));
    assert_eq!(merchant(&rb.unwrap()), Some("b"));
    assert_eq!((ma.applied(), mb.applied()), (1, 1));
}

#[test]
fn a_kingdee_key_stored_under_the_client_id_alone_is_refused_naming_the_migration() {
    // What a version before per-account-set keys left in a shared store: a claim under
    // `jifen:kingdee:<clientId>:<key>` (with a try in flight) and, for another key, an outcome.
    let fp = "|13800138000||10|promotion||";
    let store = Rc::new(MemoryStore::new(100));
    let put = |k: &str, v: &str| assert!(block_on(store.put_if_absent(k, v)).unwrap());
    put(
        "jifen:kingdee:1:old-1",
        &format!(r#"{{"fp":"{fp}","try":{{"n":0,"from":1,"until":2,"at":3,"skip":[]}}}}"#),
    );
    put("jifen:kingdee:1:old-2", &format!(r#"{{"fp":"{fp}"}}"#));
    put(
        "jifen:kingdee:1:old-2:result",
        &format!(r#"{{"fp":"{fp}","status":"done","result":{{"applied":true,"raw":{{}}}}}}"#),
    );
    // Another developer app's old key of the same name is not this client's.
    put("jifen:kingdee:2:mine", &format!(r#"{{"fp":"{fp}"}}"#));
    for cfg in [SET_A, SET_B] {
        let m = Model::new(Vendor::Kingdee, 0);
        let c = client_with(&m, cfg).with_idempotency_store(Box::new(store.clone()));
        for key in ["old-1", "old-2"] {
            // The same change or another: neither replayed nor sent.
            for delta in [10, -10] {
                let e = block_on(c.adjust_points(&args(delta, key))).unwrap_err();
                assert_eq!(e.code, ErrorCode::Conflict, "{cfg} {key}: {e:?}");
                assert!(!e.retryable, "{e:?}");
                assert!(
                    e.message.contains("earlier jifen") && e.message.contains("new key"),
                    "{e:?}"
                );
            }
        }
        assert_eq!(m.requests.get(), 0, "{cfg}: nothing sent");
        assert!(block_on(c.adjust_points(&args(10, "mine"))).is_ok());
        assert_eq!(m.applied(), 1);
    }
    // The old entries are left as they were (the store expires them).
    assert!(block_on(store.get("jifen:kingdee:1:old-2:result"))
        .unwrap()
        .is_some());
}
