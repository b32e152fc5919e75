//! A JS promise awaited from Rust without a closure per await.
//!
//! Why: wasm-bindgen-futures' `JsFuture` makes two wasm-bindgen closures for
//! every promise it awaits, each registered with a `FinalizationRegistry`
//! (old-space cells that keep their state alive through scavenges), plus their
//! externref slots. For a Freemud signature, awaited once per call while the
//! RSA runs on the platform's thread, that was most of the garbage a call left
//! to the old generation (issue 18). Here one callback, made once, settles
//! every awaited promise by id: per await there is a slot in [`SLOTS`] and
//! two small JS arrow functions (`jifen_settle`).

use super::js::jifen_settle;
use js_sys::Promise;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

/// An awaited promise's state.
enum State {
    /// Not settled yet; the waker of the task awaiting it, once polled.
    Waiting(Option<Waker>),
    /// Settled, not yet taken by its [`Settled`].
    Done(Result<JsValue, JsValue>),
}

thread_local! {
    /// The promises being awaited, by id (few at a time: a linear search).
    static SLOTS: RefCell<Vec<(u32, State)>> = const { RefCell::new(Vec::new()) };
    /// The last id given out.
    static LAST: Cell<u32> = const { Cell::new(0) };
    /// What `jifen_settle` calls with `(id, value, fulfilled)`, made once.
    static DONE: Closure<dyn Fn(u32, JsValue, bool)> = Closure::new(settle);
}

/// Records `id`'s outcome and wakes its task (outside the borrow: the wake may
/// poll the task at once, see `promise.rs`). An id no one awaits any more is ignored.
fn settle(id: u32, value: JsValue, fulfilled: bool) {
    let outcome = if fulfilled { Ok(value) } else { Err(value) };
    let waker = SLOTS.with(|s| {
        let mut slots = s.borrow_mut();
        let (_, state) = slots.iter_mut().find(|(i, _)| *i == id)?;
        match std::mem::replace(state, State::Done(outcome)) {
            State::Waiting(w) => w,
            State::Done(_) => None,
        }
    });
    if let Some(w) = waker {
        w.wake();
    }
}

/// The outcome of a JS promise: `Ok` with what it fulfilled with, `Err` with
/// what it rejected with.
pub struct Settled(u32);

/// Starts awaiting `p`.
pub fn settled(p: &Promise) -> Settled {
    settled_by(|id, done| jifen_settle(p, id, done))
}

/// Starts awaiting what `start` begins: it is handed the await's id and the
/// callback to call with `(id, value, fulfilled)` once it settles (a JS helper
/// that makes a promise and waits for it itself: one crossing, not two).
pub fn settled_by(start: impl FnOnce(u32, &JsValue)) -> Settled {
    let id = LAST.get().wrapping_add(1);
    LAST.set(id);
    SLOTS.with(|s| s.borrow_mut().push((id, State::Waiting(None))));
    DONE.with(|done| start(id, done.as_ref()));
    Settled(id)
}

impl Future for Settled {
    type Output = Result<JsValue, JsValue>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = self.0;
        SLOTS.with(|s| {
            let mut slots = s.borrow_mut();
            let Some(at) = slots.iter().position(|(i, _)| *i == id) else {
                // Taken already: a poll after completion, which futures need not answer.
                return Poll::Pending;
            };
            match slots.get_mut(at) {
                Some((_, State::Waiting(w))) => {
                    *w = Some(cx.waker().clone());
                    Poll::Pending
                }
                _ => match slots.swap_remove(at).1 {
                    State::Done(outcome) => Poll::Ready(outcome),
                    State::Waiting(_) => Poll::Pending,
                },
            }
        })
    }
}

impl Drop for Settled {
    /// A dropped await frees its slot; the promise's late outcome is then ignored.
    fn drop(&mut self) {
        let id = self.0;
        // Not while the slots are borrowed (a waker dropped inside `settle`'s borrow cannot get here:
        // wakers are taken out first), so `try_with`/`try_borrow_mut` only guard thread teardown.
        let _ = SLOTS.try_with(|s| {
            if let Ok(mut slots) = s.try_borrow_mut() {
                if let Some(at) = slots.iter().position(|(i, _)| *i == id) {
                    slots.swap_remove(at);
                }
            }
        });
    }
}
