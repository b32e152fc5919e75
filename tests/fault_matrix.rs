//! The "never lose, never double" promise of `adjustPoints`, attacked with a
//! fault at every step: a small in-process model of each vendor (Kingdee's
//! ledger without an idempotency key; Freemud and Qimai deduplicating on their
//! key) answers the client, and a fault replaces the reply of request number
//! `i` (before the vendor acted, or after it applied the change). Then the
//! caller retries with the same key, and — only when it was told "not applied"
//! — with a new key. After each scenario the model's ledger is checked against
//! what the caller was told:
//!
//! * never two rows for one change;
//! * told applied ⇒ one row;
//! * Kingdee (no vendor key): any error other than `outcome_unknown` and
//!   `conflict` releases the key, so it must mean "not applied" (no row);
//! * Freemud/Qimai: an error may hide an applied change (a proxy's 404, a reply
//!   without a status: the README says so), but a retry with the same key must
//!   then report it applied.
//!
//! Every single fault at every step, and every pair of faults, for each vendor,
//! with the vendor's clock equal to ours, 10 minutes behind and 3 minutes ahead
//! (and, for single faults, without a `Date` header to learn it from).
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod model;

use jifen::core::error::ErrorCode;
use jifen::Json;
use model::*;
use std::rc::Rc;

/// What one scenario showed; `Err` lists what broke the promise.
fn scenario(
    vendor: Vendor,
    (skew_ms, dateless): (i64, usize),
    faults: &[(usize, Fault)],
    delta: i64,
) -> Vec<String> {
    let m = Model::new(vendor, skew_ms);
    m.dateless.set(dateless);
    for (i, f) in faults {
        m.faults.borrow_mut().insert(*i, *f);
    }
    let c = client(&m);
    let mut bad = Vec::new();
    let name =
        format!("{vendor:?} skew {skew_ms} dateless {dateless} faults {faults:?} delta {delta}");
    let first = jifen::testing::block_on(c.adjust_points(&args(delta, "key-1")));
    let rows = m.applied();
    let after_first = m.rows.borrow().clone();
    if rows > 1 {
        bad.push(format!(
            "{name}: applied {rows} times by the first call ({first:?})"
        ));
    }
    match &first {
        Ok(_) if rows != 1 => bad.push(format!("{name}: told applied, ledger has {rows}")),
        Ok(_) => {}
        Err(e) if matches!(e.code, ErrorCode::OutcomeUnknown | ErrorCode::Conflict) => {}
        Err(e) if vendor == Vendor::Kingdee && rows != 0 => bad.push(format!(
            "{name}: key released with `{}` ({}) but the change was applied",
            e.code, e.message
        )),
        Err(_) => {}
    }
    // The caller retries with the same key, no faults now.
    m.faults.borrow_mut().clear();
    let again = jifen::testing::block_on(c.adjust_points(&args(delta, "key-1")));
    let rows2 = m.applied();
    if rows2 > 1 {
        bad.push(format!(
            "{name}: applied {rows2} times after a retry with the same key (first: {first:?}, retry: {again:?})"
        ));
    }
    if again.is_ok() && rows2 != 1 {
        bad.push(format!(
            "{name}: same-key retry told applied, ledger has {rows2}"
        ));
    }
    // Kingdee: once the vendor can no longer accept the request, a same-key call has a
    // definite answer, and a true one (README: 0 unknown once the window has passed).
    if vendor == Vendor::Kingdee {
        // Wait as long as it says (at most 6 min with the vendor's clock known, 12 without
        // a `Date` to learn it from), at most twice.
        let mut settled = again.clone();
        for _ in 0..2 {
            let wait = match &settled {
                Err(e) if e.code == ErrorCode::OutcomeUnknown => e.retry_after_ms,
                _ => None,
            };
            let Some(wait) = wait else { break };
            let most = if dateless > 0 {
                12 * 60_000
            } else {
                6 * 60_000
            };
            if wait > most {
                bad.push(format!("{name}: retryAfterMs {wait} is past the window"));
            }
            m.clock.0.set(m.clock.0.get() + wait);
            settled = jifen::testing::block_on(c.adjust_points(&args(delta, "key-1")));
        }
        let rows3 = m.applied();
        match &settled {
            _ if rows3 > 1 => bad.push(format!(
                "{name}: applied {rows3} times once settled ({settled:?})"
            )),
            Ok(_) if rows3 != 1 => {
                bad.push(format!("{name}: settled as applied, ledger has {rows3}"))
            }
            Err(e) if matches!(e.code, ErrorCode::OutcomeUnknown | ErrorCode::Conflict) => bad
                .push(format!(
                    "{name}: still `{}` after the window: {}",
                    e.code, e.message
                )),
            Err(e) if rows3 != 0 => bad.push(format!(
                "{name}: settled as `{}` but the ledger has {rows3}",
                e.code
            )),
            _ => {}
        }
    }
    // With a vendor key, an error may hide an applied change (a proxy's 404, a reply
    // without a status: the README says so), but the same key must then tell the truth.
    if vendor != Vendor::Kingdee && rows == 1 && first.is_err() && again.is_err() {
        bad.push(format!(
            "{name}: applied, but told {first:?} and a same-key retry {again:?}"
        ));
    }
    // Told "not applied" (the key was released)? Then a new key is fair.
    let released = matches!(&first, Err(e) if !matches!(e.code, ErrorCode::OutcomeUnknown | ErrorCode::Conflict));
    if released && vendor == Vendor::Kingdee && rows == 0 {
        let m2 = Model::new(vendor, skew_ms);
        m2.dateless.set(dateless);
        *m2.rows.borrow_mut() = after_first;
        let fresh = client(&m2);
        let _ = jifen::testing::block_on(fresh.adjust_points(&args(delta, "key-2")));
        if m2.applied() > 1 {
            bad.push(format!(
                "{name}: told not applied, a new key applied it twice"
            ));
        }
    }
    bad
}

/// How many requests a fault-free adjust takes, for the step range.
fn steps(vendor: Vendor) -> usize {
    let m = Model::new(vendor, 0);
    let c = client(&m);
    jifen::testing::block_on(c.adjust_points(&args(10, "k"))).unwrap();
    assert_eq!(m.applied(), 1);
    m.requests.get()
}

fn run(vendor: Vendor, pairs: bool) -> (usize, Vec<String>) {
    // Two ledger reads, a resend and a few retries beyond the fault-free path.
    let n = steps(vendor) + 6;
    let mut count = 0;
    let mut bad = Vec::new();
    // The vendor's clock: ours, 10 minutes behind, 3 minutes ahead; and (single
    // faults only) replies without a `Date`, so the client never learns it.
    let clocks: &[(i64, usize)] = if pairs {
        &[(0, 0), (-600_000, 0), (180_000, 0)]
    } else {
        &[
            (0, 0),
            (-600_000, 0),
            (180_000, 0),
            (0, usize::MAX),
            (-600_000, usize::MAX),
            (180_000, usize::MAX),
        ]
    };
    // Pairs with one sign only: the sign changes the operation code, not the path.
    let deltas: &[i64] = if pairs { &[10] } else { &[10, -10] };
    for &clock in clocks {
        for &delta in deltas {
            for i in 0..n {
                for f in FAULTS {
                    count += 1;
                    bad.extend(scenario(vendor, clock, &[(i, f)], delta));
                    if !pairs {
                        continue;
                    }
                    for j in i + 1..n {
                        for g in FAULTS {
                            count += 1;
                            bad.extend(scenario(vendor, clock, &[(i, f), (j, g)], delta));
                        }
                    }
                }
            }
        }
    }
    (count, bad)
}

fn check(vendor: Vendor) {
    // Single faults first: their failures are the easiest to read.
    let (singles, bad) = run(vendor, false);
    let (count, bad) = if bad.is_empty() {
        let (pairs, bad) = run(vendor, true);
        println!("{vendor:?}: {singles} single-fault and {pairs} two-fault scenarios");
        (singles + pairs, bad)
    } else {
        (singles, bad)
    };
    assert!(count > 100, "{count} scenarios");
    let shown: Vec<&String> = bad.iter().take(40).collect();
    assert!(
        bad.is_empty(),
        "{} of {count} scenarios broke the promise:\n{}",
        bad.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn kingdee_every_fault_at_every_step() {
    check(Vendor::Kingdee);
}

#[test]
fn freemud_every_fault_at_every_step() {
    check(Vendor::Freemud);
}

#[test]
fn qimai_every_fault_at_every_step() {
    check(Vendor::Qimai);
}

// ---------- The scenarios the matrix found, one by one ----------

fn adjust_once(m: &Rc<Model>, key: &str) -> Result<Json, jifen::core::error::Error> {
    jifen::testing::block_on(client(m).adjust_points(&args(10, key)))
}

#[test]
fn kingdee_gateway_timeout_after_a_long_wait_is_found_in_the_ledger_not_sent_again() {
    // The token reply is quick, so the vendor's clock is known; then integral_adjust is
    // applied at once but the gateway answers 5004 only 30 s later. Its `Date` (stamped
    // when the gateway gave up) must not move the ledger window past the row.
    // Also when that slow reply is the first to carry a `Date` (the token reply had none):
    // then its error bar must widen the window.
    for dateless in [0, 1] {
        for fault in [Fault::Gw5004SlowAfter, Fault::H504AfterSlow] {
            let m = Model::new(Vendor::Kingdee, 0);
            m.dateless.set(dateless);
            m.faults.borrow_mut().insert(1, fault);
            let r = adjust_once(&m, "k-1");
            assert_eq!(
                m.applied(),
                1,
                "{fault:?} {dateless}: applied twice ({r:?})"
            );
            assert!(r.is_ok(), "{fault:?} {dateless}: {r:?}");
        }
    }
}

#[test]
fn kingdee_519_with_an_unreadable_body_is_settled_from_the_ledger() {
    // A 519 whose errcode cannot be read may be 5000/5004/5005 (the backend may have
    // applied it): it proves nothing, so the ledger decides and the key is kept.
    let m = Model::new(Vendor::Kingdee, 0);
    m.faults.borrow_mut().insert(1, Fault::Gw519GarbledAfter);
    let r = adjust_once(&m, "k-1");
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(m.applied(), 1);
}

#[test]
fn kingdee_519_with_an_unknown_errcode_is_settled_from_the_ledger() {
    let m = Model::new(Vendor::Kingdee, 0);
    m.faults
        .borrow_mut()
        .insert(1, Fault::Gw519UnknownCodeAfter);
    let r = adjust_once(&m, "k-1");
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(m.applied(), 1);
}

#[test]
fn freemud_and_qimai_success_with_an_unreadable_result_is_applied() {
    // statusCode 100 / code 0: the vendor applied the change. A result jifen cannot type
    // must not turn it into a non-retryable `parse` error (a same-key retry gets the same
    // stored reply, so the caller would never learn it was applied).
    for vendor in [Vendor::Freemud, Vendor::Qimai] {
        let m = Model::new(vendor, 0);
        m.faults.borrow_mut().insert(1, Fault::BadResultAfter);
        let r = adjust_once(&m, "k-1");
        assert_eq!(m.applied(), 1);
        let r = r.unwrap_or_else(|e| panic!("{vendor:?}: {e:?}"));
        assert_eq!(r.get("applied"), Some(&Json::Bool(true)));
        assert_eq!(
            r.get("balance"),
            None,
            "{vendor:?}: no balance was readable"
        );
    }
}

#[test]
fn freemud_and_qimai_system_error_on_every_attempt_is_outcome_unknown_not_a_refusal() {
    // Freemud statusCode 500 / Qimai 99999 may come after the vendor applied the change
    // (their error tables: delivery unknown). After every attempt got one, the change is
    // `outcome_unknown` (retryable: the vendor deduplicates the key), never a plain
    // `vendor` error that reads as "not applied"; the same key then tells the truth.
    for vendor in [Vendor::Freemud, Vendor::Qimai] {
        let m = Model::new(vendor, 0);
        for i in 1..=3 {
            m.faults.borrow_mut().insert(i, Fault::SysErrAfter);
        }
        let c = client(&m);
        let e = jifen::testing::block_on(c.adjust_points(&args(10, "k-1")))
            .expect_err("every attempt answered a system error");
        assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{vendor:?}: {e:?}");
        assert!(e.retryable, "{vendor:?}");
        assert_eq!(m.applied(), 1, "{vendor:?}");
        let r = jifen::testing::block_on(c.adjust_points(&args(10, "k-1")));
        let r = r.unwrap_or_else(|e| panic!("{vendor:?}: {e:?}"));
        assert_eq!(r.get("applied"), Some(&Json::Bool(true)), "{vendor:?}");
        assert_eq!(m.applied(), 1, "{vendor:?}");
    }
}

#[test]
fn kingdee_a_row_that_lands_during_a_slow_ledger_read_is_found() {
    // integral_adjust times out (15 s); the vendor was still processing it and writes the
    // row 25 s after it arrived. The first ledger read times out too (15 s): the change is
    // unknown until the vendor can no longer accept it, then the ledger shows it: applied,
    // never sent twice.
    let m = Model::new(Vendor::Kingdee, 0);
    m.land_after_ms.set(25_000);
    m.faults.borrow_mut().insert(1, Fault::TimeoutAfter);
    m.faults.borrow_mut().insert(2, Fault::TimeoutBefore);
    let c = client(&m);
    let r = jifen::testing::block_on(c.adjust_points(&args(10, "k-1")));
    let e = r.expect_err("no answer yet");
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    m.clock
        .0
        .set(m.clock.0.get() + e.retry_after_ms.expect("when to settle"));
    let r = jifen::testing::block_on(c.adjust_points(&args(10, "k-1")));
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(m.applied(), 1, "sent again ({r:?})");
}

#[test]
fn kingdee_reconcile_reads_every_page_when_the_vendor_pages_are_smaller_than_asked() {
    // The vendor caps pages at 50 rows (jifen asks for 100) and 60 newer rows by others push
    // ours to page 2: page 1 is not the last page just because it has fewer than 100 rows.
    let m = Model::new(Vendor::Kingdee, 0);
    m.page_cap.set(50);
    m.others.borrow_mut().extend((0..60).map(|_| (1, 5)));
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    let r = adjust_once(&m, "k-1");
    assert_eq!(m.applied(), 1, "sent again ({r:?})");
    assert!(r.is_ok(), "{r:?}");
}

// ---------- Limits the vendor API leaves (README, "Where this can still be wrong") ----------
// These pin what happens today, so a change to either is seen and the README updated with it.

#[test]
fn kingdee_a_write_still_invisible_when_the_ledger_is_first_read_is_not_sent_again() {
    // integral_adjust reached the vendor but its reply was lost, and the row appears only
    // 5 s later, after the first ledger read. It used to be sent once more (two rows, the
    // limit this test pinned); now it stays unknown until the vendor's window closes.
    let m = Model::new(Vendor::Kingdee, 0);
    m.land_after_ms.set(5_000);
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    let c = client(&m);
    let e = jifen::testing::block_on(c.adjust_points(&args(10, "k-1"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(m.applied(), 1);
    m.clock.0.set(m.clock.0.get() + e.retry_after_ms.unwrap());
    assert!(jifen::testing::block_on(c.adjust_points(&args(10, "k-1"))).is_ok());
    assert_eq!(m.applied(), 1, "sent once");
}

#[test]
fn limitation_kingdee_an_identical_change_by_someone_else_is_taken_for_ours() {
    // integral_adjust was NOT applied (dropped before the vendor), and another caller made
    // the same change (same member, amount and type) in the window: the ledger shows one
    // matching row, which jifen must take for ours. Told applied; ours is lost.
    let m = Model::new(Vendor::Kingdee, 0);
    m.others.borrow_mut().push((10, 5));
    m.faults.borrow_mut().insert(1, Fault::NetBefore);
    let r = adjust_once(&m, "k-1").unwrap();
    assert_eq!(r.get("applied"), Some(&Json::Bool(true)));
    assert_eq!(
        m.applied(),
        0,
        "the known limit: another caller's row was taken for ours"
    );
    // When ours was applied too, two identical rows are outcome_unknown, never a guess.
    let m = Model::new(Vendor::Kingdee, 0);
    m.others.borrow_mut().push((10, 5));
    m.faults.borrow_mut().insert(1, Fault::NetAfter);
    let e = adjust_once(&m, "k-1").unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert_eq!(m.applied(), 1);
}
