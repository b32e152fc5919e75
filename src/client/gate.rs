//! A single-flight gate for the single-threaded JS event loop: one task runs
//! a refresh while the others wait for it to finish, instead of each calling
//! a rate-limited token endpoint. Waiters poll [`SingleFlight::is_busy`] on
//! their own timer: in a Worker, where requests share a client, a request
//! woken from another request's context is cancelled by workerd as hung.
//! (The gate had a waker-based `idle()` future; nothing used it, and its
//! waker list cost the wasm ~0.5 KB.)

use std::cell::Cell;

/// The gate.
#[derive(Debug, Default)]
pub struct SingleFlight {
    busy: Cell<bool>,
    generation: Cell<u64>,
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
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        self.gate.busy.set(false);
        self.gate.generation.set(self.gate.generation.get() + 1);
    }
}
