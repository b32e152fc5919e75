//! A single-flight gate for the single-threaded JS event loop: one task runs
//! a refresh while the others wait for it to finish, instead of each calling
//! a rate-limited token endpoint.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// The gate.
#[derive(Debug, Default)]
pub struct SingleFlight {
    busy: Cell<bool>,
    generation: Cell<u64>,
    waiters: RefCell<Vec<Waker>>,
}

/// Held by the task doing the work; dropping it (even on cancellation) opens the gate.
#[derive(Debug)]
pub struct Flight<'a> {
    gate: &'a SingleFlight,
}

impl SingleFlight {
    /// Starts a flight if none is running.
    pub fn try_begin(&self) -> Option<Flight<'_>> {
        if self.busy.get() {
            return None;
        }
        self.busy.set(true);
        Some(Flight { gate: self })
    }

    /// Whether a flight is running now.
    pub fn is_busy(&self) -> bool {
        self.busy.get()
    }

    /// How many flights have finished; lets a waiter tell whether one ran meanwhile.
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// Resolves once no flight is running. The waker comes from the task that
    /// ends the flight: in a Worker, where requests share a client, poll
    /// [`SingleFlight::is_busy`] on a timer instead.
    pub fn idle(&self) -> Idle<'_> {
        Idle { gate: self }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.gate.busy.set(false);
        self.gate.generation.set(self.gate.generation.get() + 1);
        for w in self.gate.waiters.borrow_mut().drain(..) {
            w.wake();
        }
    }
}

/// Future returned by [`SingleFlight::idle`].
#[derive(Debug)]
pub struct Idle<'a> {
    gate: &'a SingleFlight,
}

impl Future for Idle<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.gate.busy.get() {
            self.gate.waiters.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}
