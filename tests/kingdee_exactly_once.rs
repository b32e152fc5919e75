//! Kingdee `adjustPoints` exactly once (README, "Reliability"): one test per
//! rule, against the in-process vendor model (`tests/model`), each naming the
//! way the change used to be doubled, lost or misreported.
//!
//! The rules: `applied` only with the vendor's success reply or a ledger row in
//! the try's own window; `not applied` only with the vendor's refusal or, once
//! the vendor can no longer accept the request (its 5-minute timestamp window
//! on its own clock, plus the hold margin), a ledger without it — and then the
//! change is sent afresh under the same key; anything else `outcome_unknown`
//! with `retryAfterMs`; identical changes serialised per member, amount and
//! type; a dead process's claim settled by the next same-key call.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod model;

use jifen::client::{Client, IdempotencyStore, MemoryStore};
use jifen::core::error::{Error, ErrorCode};
use jifen::core::rsa::LocalFuture;
use jifen::testing::block_on;
use jifen::Json;
use model::*;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Waker};

/// Past every window: 5 min acceptance + hold + signing window, with room.
const PAST_WINDOW_MS: u64 = 7 * 60_000;

fn shared_client(m: &Rc<Model>, store: &Rc<MemoryStore>) -> Client<Net> {
    client(m).with_idempotency_store(Box::new(store.clone()))
}

fn adjust(c: &Client<Net>, delta: i64, key: &str) -> Result<Json, Error> {
    block_on(c.adjust_points(&args(delta, key)))
}

fn later(m: &Model, ms: u64) {
    m.clock.0.set(m.clock.0.get() + ms);
}

/// Repeats the same-key call at each `retryAfterMs` while the answer is
/// `outcome_unknown`, at most `rounds` times; the last answer.
fn until_settled(
    m: &Model,
    rounds: usize,
    mut r: Result<Json, Error>,
    mut again: impl FnMut() -> Result<Json, Error>,
) -> Result<Json, Error> {
    for _ in 0..rounds {
        let Err(e) = &r else { break };
        if e.code != ErrorCode::OutcomeUnknown {
            break;
        }
        later(
            m,
            e.retry_after_ms
                .expect("outcome_unknown says when: retryAfterMs"),
        );
        r = again();
    }
    r
}

/// An `outcome_unknown` that says when it can be settled and never calls a repeat safe.
fn assert_unknown_until(r: &Result<Json, Error>, what: &str) -> u64 {
    let e = r.as_ref().expect_err(what);
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{what}: {e:?}");
    assert!(e.retryable, "{what}: {e:?}");
    assert!(
        !e.message.contains("safe") && !e.message.contains("was not applied"),
        "{what}: an unsettled change is never called safe to repeat: {}",
        e.message
    );
    let wait = e.retry_after_ms.expect("retryAfterMs says when");
    assert!(wait > 0 && wait <= PAST_WINDOW_MS, "{what}: {wait}");
    wait
}

fn assert_applied(r: &Result<Json, Error>, what: &str) {
    let out = r.as_ref().unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(out.get("applied"), Some(&Json::Bool(true)), "{what}");
}

#[test]
fn a_write_that_lands_after_the_timeout_is_settled_once_not_sent_again() {
    // On main before: the ledger check found nothing yet and the change was sent again.
    for land_ms in [500, 3_000, 20_000, 240_000] {
        let m = Model::new(Vendor::Kingdee, 0);
        m.land_after_ms.set(15_000 + land_ms);
        m.faults.borrow_mut().insert(1, Fault::TimeoutAfter);
        let c = client(&m);
        let first = adjust(&c, 10, "k-1");
        let wait = assert_unknown_until(&first, &format!("late {land_ms}"));
        // A same-key retry before the window closes answers the same, and sends nothing.
        let again = adjust(&c, 10, "k-1");
        assert_unknown_until(&again, "retry before the window");
        assert_eq!(m.adjusts_received.get(), 1, "late {land_ms}: sent again");
        later(&m, wait);
        let settled = adjust(&c, 10, "k-1");
        assert_applied(&settled, &format!("late {land_ms}: settled"));
        assert_eq!(m.applied(), 1, "late {land_ms}: {settled:?}");
        assert_eq!(m.adjusts_received.get(), 1, "late {land_ms}");
        // And replays from then on.
        assert_eq!(adjust(&c, 10, "k-1").unwrap(), settled.unwrap());
    }
}

#[test]
fn a_fetch_error_after_the_request_left_is_unknown_never_safe_to_repeat() {
    // On main before: `network`, retryable, "was not applied … repeating it is safe"; the
    // repeat applied and the first write landed later: two rows.
    let m = Model::new(Vendor::Kingdee, 0);
    m.land_after_ms.set(8_000);
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    let c = client(&m);
    let wait = assert_unknown_until(&adjust(&c, 10, "k-1"), "fetch error");
    later(&m, wait);
    assert_applied(&adjust(&c, 10, "k-1"), "settled");
    assert_eq!(m.applied(), 1);
}

#[test]
fn a_lost_write_that_never_applied_is_sent_afresh_under_the_same_key_after_the_window() {
    let m = Model::new(Vendor::Kingdee, 0);
    m.faults.borrow_mut().insert(1, Fault::NetBefore);
    let c = client(&m);
    let wait = assert_unknown_until(&adjust(&c, -10, "k-1"), "dropped");
    assert_eq!(m.applied(), 0);
    // One millisecond short of the time it gave: still unknown, nothing sent.
    later(&m, wait - 1_001);
    assert_unknown_until(&adjust(&c, -10, "k-1"), "a second early");
    assert_eq!(m.adjusts_received.get(), 0);
    later(&m, 1_001);
    assert_applied(&adjust(&c, -10, "k-1"), "sent afresh");
    assert_eq!(m.applied(), 1);
    assert_eq!(m.adjusts_received.get(), 1);
}

#[test]
fn vendor_clock_jumps_between_the_write_and_the_ledger_read_neither_double_nor_lose() {
    // On main before: a jump of 6 s or more between the write and the ledger read doubled.
    for jump in [6_000i64, -6_000, 30_000, -30_000, 300_000] {
        for fault in [Fault::NetAfter, Fault::NetBefore, Fault::TimeoutAfter] {
            let name = format!("jump {jump} {fault:?}");
            let m = Model::new(Vendor::Kingdee, 0);
            m.land_after_ms.set(2_000);
            m.faults.borrow_mut().insert(1, fault);
            let c = client(&m);
            let first = adjust(&c, 10, "k-1");
            if first.is_ok() {
                // Found in the ledger at once (a lost reply of an applied write).
                assert_eq!(m.applied(), 1, "{name}");
                continue;
            }
            m.skew_ms.set(m.skew_ms.get() + jump);
            let r = until_settled(&m, 6, first, || adjust(&c, 10, "k-1"));
            assert_applied(&r, &name);
            assert_eq!(m.applied(), 1, "{name}: {r:?}");
        }
    }
}

#[test]
fn an_identical_change_under_another_key_waits_its_turn_and_neither_takes_the_others_row() {
    // On main before: key 1's write was lost, key 2 made the same change, and key 1 was
    // answered "applied" with key 2's row: key 1's change lost.
    for fault in [Fault::NetBefore, Fault::NetAfter] {
        let m = Model::new(Vendor::Kingdee, 0);
        let store = Rc::new(MemoryStore::new(1_000));
        let (a, b) = (shared_client(&m, &store), shared_client(&m, &store));
        m.faults.borrow_mut().insert(1, fault);
        m.land_after_ms.set(5_000);
        let wait = assert_unknown_until(&adjust(&a, 10, "k-1"), "key 1 lost");
        let before = m.adjusts_received.get();
        // Key 2, same member, amount and type: nothing sent, conflict with a time.
        let e = adjust(&b, 10, "k-2").unwrap_err();
        assert_eq!(e.code, ErrorCode::Conflict, "{fault:?}: {e:?}");
        assert!(e.retryable && e.retry_after_ms.is_some(), "{e:?}");
        assert_eq!(
            m.adjusts_received.get(),
            before,
            "{fault:?}: key 2 was sent"
        );
        // A different amount is another change: it goes through at once.
        assert_applied(&adjust(&b, 11, "k-3"), "another amount");
        later(&m, wait.max(e.retry_after_ms.unwrap()));
        assert_applied(&adjust(&a, 10, "k-1"), "key 1 settled");
        assert_applied(&adjust(&b, 10, "k-2"), "key 2 after");
        let tens = m.rows.borrow().iter().filter(|r| r.delta == 10).count();
        assert_eq!(tens, 2, "{fault:?}: two keys, two rows");
    }
}

/// Polls `fut` until it is pending with request `hang` sent (the model never answers
/// it), then drops it: the process died waiting.
fn die_during<F: Future>(fut: F, m: &Model, hang: usize) {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if fut.as_mut().poll(&mut cx).is_ready() {
            panic!("the call finished; it was meant to hang");
        }
        if m.requests.get() > hang {
            return;
        }
    }
    panic!("request {hang} was never sent");
}

#[test]
fn a_claim_left_by_a_dead_process_is_settled_by_the_next_same_key_call() {
    // On main before: with storage in memory the retry was sent again (doubles); with it
    // on disk the key answered 409 for its lifetime, also for changes never sent.
    for applied_before_death in [true, false] {
        let m = Model::new(Vendor::Kingdee, 0);
        let store = Rc::new(MemoryStore::new(1_000));
        let dead = shared_client(&m, &store);
        if applied_before_death {
            m.hang_after.set(Some(1));
        } else {
            // The adjustment is dropped on the way and the process dies waiting.
            m.faults.borrow_mut().insert(1, Fault::NetBefore);
            m.hang_after.set(Some(2));
        }
        die_during(dead.adjust_points(&args(10, "k-1")), &m, 1);
        drop(dead);
        m.hang_after.set(None);
        let heir = shared_client(&m, &store);
        let wait = assert_unknown_until(&adjust(&heir, 10, "k-1"), "before the window");
        later(&m, wait);
        assert_applied(&adjust(&heir, 10, "k-1"), "settled");
        assert_eq!(
            m.applied(),
            1,
            "applied before death: {applied_before_death}"
        );
    }
}

#[test]
fn a_process_that_died_before_sending_leaves_a_key_that_is_sent_at_once() {
    let m = Model::new(Vendor::Kingdee, 0);
    let store = Rc::new(MemoryStore::new(1_000));
    let dead = shared_client(&m, &store);
    m.hang_after.set(Some(0)); // the token call: the claim is written, nothing else
    die_during(dead.adjust_points(&args(10, "k-1")), &m, 0);
    drop(dead);
    m.hang_after.set(None);
    let heir = shared_client(&m, &store);
    assert_applied(&adjust(&heir, 10, "k-1"), "no wait: nothing was sent");
    assert_eq!(m.applied(), 1);
}

#[test]
fn a_ledger_read_refused_by_the_rate_limit_is_tried_again_later_not_unknown_for_good() {
    // On main before: a ledger check refused by 429 left the key outcome_unknown forever.
    let m = Model::new(Vendor::Kingdee, 0);
    m.land_after_ms.set(10_000);
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    for i in 2..12 {
        m.faults.borrow_mut().insert(i, Fault::H429Before);
    }
    let c = client(&m);
    let r = until_settled(&m, 12, adjust(&c, 10, "k-1"), || adjust(&c, 10, "k-1"));
    assert_applied(&r, "settled once the rate limit passed");
    assert_eq!(m.applied(), 1);
}

/// A store whose `replace` is not atomic (KV, a plain map with get/put).
struct NoReplace(MemoryStore);

impl IdempotencyStore for NoReplace {
    fn get<'a>(
        &'a self,
        key: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<Option<String>>> {
        self.0.get(key)
    }
    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        self.0.put_if_absent(key, value)
    }
    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        self.0.delete(key)
    }
    fn replace<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        _: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        panic!("replace called on a store that said it cannot")
    }
    fn can_replace(&self) -> bool {
        false
    }
}

#[test]
fn a_store_without_compare_and_set_is_refused_for_kingdee_before_anything_is_sent() {
    let m = Model::new(Vendor::Kingdee, 0);
    let c = client(&m).with_idempotency_store(Box::new(NoReplace(MemoryStore::new(100))));
    let e = adjust(&c, 10, "k-1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Config, "{e:?}");
    assert!(e.message.contains("replace"), "{}", e.message);
    assert_eq!(m.requests.get(), 0);
}

#[test]
fn two_account_sets_of_one_client_id_do_not_share_a_lane() {
    // The lane is per account set: another merchant's identical change is another ledger.
    let m = Model::new(Vendor::Kingdee, 0);
    let store = Rc::new(MemoryStore::new(1_000));
    m.faults.borrow_mut().insert(1, Fault::NetBefore);
    let a = shared_client(&m, &store);
    assert_unknown_until(&adjust(&a, 10, "k-1"), "lost");
    let other = Client::new(
        &Json::parse(&KINGDEE.replace(r#""appKey":"k""#, r#""appKey":"k2""#)).unwrap(),
        Net(m.clone()),
        jifen::client::Env::new(
            Box::new(SharedClock(m.clock.clone())),
            Box::new(jifen::core::clock::TestEntropy(std::cell::Cell::new(9))),
        ),
    )
    .unwrap()
    .with_idempotency_store(Box::new(store.clone()));
    assert_applied(&adjust(&other, 10, "k-9"), "another account set");
}

#[test]
fn a_vendor_clock_stepping_back_as_the_write_arrives_neither_doubles_nor_loses() {
    // Found by the chaos suite: the row was stamped before the window the client had
    // computed from its estimate of the vendor's clock, so the ledger missed it and the
    // change was sent again. The window now opens where the vendor could first stamp it:
    // the first timestamp − 5 min (the vendor accepts no timestamp further ahead of it).
    for jump in [-6_000i64, -30_000, -240_000, 30_000] {
        for fault in [Fault::NetAfter, Fault::TimeoutAfter, Fault::NetBefore] {
            let name = format!("jump {jump} at the write, {fault:?}");
            let m = Model::new(Vendor::Kingdee, 0);
            m.jump_at_write_ms.set(jump);
            m.land_after_ms.set(3_000);
            m.faults.borrow_mut().insert(1, fault);
            let c = client(&m);
            let r = until_settled(&m, 4, adjust(&c, 10, "k-1"), || adjust(&c, 10, "k-1"));
            assert_applied(&r, &name);
            assert_eq!(m.applied(), 1, "{name}: {r:?}");
        }
    }
}

#[test]
fn an_identical_change_after_a_settled_one_does_not_take_its_row() {
    // Key 1's reply is lost and its row is found in the ledger (its id is then known);
    // key 2 makes the identical change seconds later, and its reply is lost too: its window
    // opens 5 min before its timestamp and so holds key 1's row, which it must not take.
    for second in [Fault::NetAfter, Fault::NetBefore] {
        let m = Model::new(Vendor::Kingdee, 0);
        let store = Rc::new(MemoryStore::new(1_000));
        let a = shared_client(&m, &store);
        let b = &a; // one client: key 2's first request is its adjustment
                    // Key 1's reply is lost; the ledger read right after shows its row.
        m.faults.borrow_mut().insert(1, Fault::NetAfter);
        assert_applied(&adjust(&a, 10, "k-1"), "key 1 found in the ledger");
        later(&m, 2_000);
        let i = m.requests.get();
        // Key 2: its first request is the adjustment (token and clock known).
        assert!(m.adjusts_received.get() == 1);
        m.faults.borrow_mut().insert(i, second);
        m.land_after_ms.set(5_000);
        let r = until_settled(&m, 4, adjust(b, 10, "k-2"), || adjust(b, 10, "k-2"));
        assert_applied(&r, &format!("key 2 {second:?}"));
        assert_eq!(m.applied(), 2, "{second:?}: one row per key");
    }
}

#[test]
fn a_vendor_clock_that_moved_while_the_client_was_idle_is_read_from_the_ledger_reply() {
    // Found by the chaos suite: a restarted gateway kept its stale estimate of the vendor's
    // clock (no exchange since) and answered "not yet" without asking, round after round.
    let m = Model::new(Vendor::Kingdee, 0);
    m.land_after_ms.set(3_000);
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    let c = client(&m);
    assert_unknown_until(&adjust(&c, 10, "k-1"), "lost");
    // The vendor's clock moves 6 minutes on; ours only one.
    m.skew_ms.set(m.skew_ms.get() + 6 * 60_000);
    later(&m, 60_000);
    assert_applied(
        &adjust(&c, 10, "k-1"),
        "settled from the ledger reply's Date",
    );
    assert_eq!(m.applied(), 1);
}

/// A memory store whose first compare-and-set of a claim fails (the store is down for it).
struct ClaimReplaceFails(MemoryStore, std::cell::Cell<bool>);

impl IdempotencyStore for ClaimReplaceFails {
    fn get<'a>(
        &'a self,
        key: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<Option<String>>> {
        self.0.get(key)
    }
    fn put_if_absent<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        self.0.put_if_absent(key, value)
    }
    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        self.0.delete(key)
    }
    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, jifen::core::error::Result<bool>> {
        if !key.contains("kingdee-lane") && self.1.replace(false) {
            return Box::pin(async {
                Err(Error::new(ErrorCode::Network, "the shared store failed"))
            });
        }
        self.0.replace(key, expected, value)
    }
    fn can_replace(&self) -> bool {
        true
    }
}

#[test]
fn a_store_failing_to_record_the_try_gives_the_lane_back_and_sends_nothing() {
    // Reported by the JS suites' migration: the failed compare-and-set returned before the
    // lane was given back, so identical changes got `conflict` for the whole window.
    let m = Model::new(Vendor::Kingdee, 0);
    let store = Rc::new(ClaimReplaceFails(
        MemoryStore::new(1_000),
        std::cell::Cell::new(true),
    ));
    let c = client(&m).with_idempotency_store(Box::new(store.clone()));
    let e = adjust(&c, 10, "k-1").unwrap_err();
    assert_eq!(e.code, ErrorCode::Network, "{e:?}");
    assert_eq!(m.adjusts_received.get(), 0, "nothing sent");
    // The lane is free: an identical change under another key goes through at once,
    // and the first key, repeated, too.
    assert_applied(&adjust(&c, 10, "k-2"), "another key");
    later(&m, 2_000);
    assert_applied(&adjust(&c, 10, "k-1"), "the same key again");
    assert_eq!(m.applied(), 2);
}
