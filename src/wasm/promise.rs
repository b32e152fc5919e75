//! Turning a Rust future into a JS `Promise`, with a small executor of our own
//! instead of wasm-bindgen-futures' `future_to_promise`.
//!
//! Why: wasm-bindgen-futures polls a woken task in a later microtask, which it
//! queues with the global `queueMicrotask`; in workerd one such hop cost
//! 5–18 µs per awaited JS promise (issue 18; `Promise.prototype.then` 2–5 µs),
//! and a client call awaits several (token cache, fetch, body). Here a task
//! woken from a JS callback (a settled promise's reaction, which is where a
//! `JsFuture` wakes it) is polled at once, inside that callback: no hop at all,
//! and no global is read or changed. A wake that comes while a task is being
//! polled (one task releasing another) is queued and run when that poll
//! returns, or on a `then` of an already-resolved promise if more wakes keep
//! coming. Futures that are ready on their first poll (Kingdee and Qimai
//! signing) come back as settled promises without a task at all.

use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use wasm_bindgen::prelude::*;

/// The boxed future every promise-returning method runs.
type JsTask = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

/// A task waiting to be woken, with the functions that settle its promise.
struct Waiting {
    future: JsTask,
    resolve: Function,
    reject: Function,
}

/// A task's place in [`TASKS`]; its index is the task's id.
enum Slot {
    Free,
    /// Taken out while it is polled (so no borrow is held across the poll).
    Running,
    Waiting(Waiting),
}

thread_local! {
    static TASKS: RefCell<Vec<Slot>> = const { RefCell::new(Vec::new()) };
    /// Tasks woken while a poll was under way, to poll after it.
    static WOKEN: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
    /// How many polls are under way (a poll may call JS that calls back in).
    static POLLING: Cell<u32> = const { Cell::new(0) };
    /// Whether a `then` to run [`WOKEN`] is pending.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// `Promise.resolve()` and the callback its `then` runs, made once.
    static LATER: (Promise, Closure<dyn FnMut(JsValue)>) =
        (Promise::resolve(&JsValue::UNDEFINED), Closure::new(|_| run_woken()));
}

/// The waker of task `.0`.
struct TaskWaker(usize);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if POLLING.get() == 0 {
            run(self.0);
            run_woken();
        } else {
            WOKEN.with(|w| w.borrow_mut().push(self.0));
            schedule();
        }
    }
}

/// Runs [`run_woken`] on a `then` (a microtask), once however often asked.
fn schedule() {
    if !SCHEDULED.replace(true) {
        LATER.with(|(resolved, callback)| {
            let _ = resolved.then(callback);
        });
    }
}

/// Polls the tasks woken so far; those woken meanwhile go to a later microtask.
fn run_woken() {
    SCHEDULED.set(false);
    let woken = WOKEN.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for id in woken {
        run(id);
    }
}

/// Polls `f` once; resolves `f`'s result at once if it is ready, else returns
/// its pending promise and polls it again each time it is woken.
pub fn promise(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let mut future: JsTask = Box::pin(f);
    let id = TASKS.with(|t| {
        let mut tasks = t.borrow_mut();
        match tasks.iter().position(|s| matches!(s, Slot::Free)) {
            Some(i) => {
                if let Some(slot) = tasks.get_mut(i) {
                    *slot = Slot::Running;
                }
                i
            }
            None => {
                tasks.push(Slot::Running);
                tasks.len() - 1
            }
        }
    });
    match poll(id, &mut future) {
        Poll::Ready(Ok(v)) => Promise::resolve(&v),
        Poll::Ready(Err(e)) => Promise::reject(&e),
        Poll::Pending => {
            let mut settle = None;
            let pending = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
            if let Some((resolve, reject)) = settle {
                set(
                    id,
                    Slot::Waiting(Waiting {
                        future,
                        resolve,
                        reject,
                    }),
                );
            }
            pending
        }
    }
}

/// Polls task `id`'s future with its waker; frees its slot when it is done.
fn poll(id: usize, future: &mut JsTask) -> Poll<Result<JsValue, JsValue>> {
    let waker = Waker::from(Arc::new(TaskWaker(id)));
    POLLING.set(POLLING.get() + 1);
    let r = future.as_mut().poll(&mut Context::from_waker(&waker));
    POLLING.set(POLLING.get() - 1);
    if r.is_ready() {
        set(id, Slot::Free);
    }
    r
}

fn set(id: usize, slot: Slot) {
    TASKS.with(|t| {
        if let Some(s) = t.borrow_mut().get_mut(id) {
            *s = slot;
        }
    });
}

/// Polls task `id` if it is waiting (a wake for a finished task is ignored;
/// one for a task that reused its slot is a spurious poll, which futures allow).
fn run(id: usize) {
    let taken = TASKS.with(|t| {
        let mut tasks = t.borrow_mut();
        let slot = tasks.get_mut(id)?;
        match std::mem::replace(slot, Slot::Running) {
            Slot::Waiting(w) => Some(w),
            other => {
                *slot = other;
                None
            }
        }
    });
    let Some(mut task) = taken else {
        return;
    };
    match poll(id, &mut task.future) {
        Poll::Ready(Ok(v)) => {
            let _ = task.resolve.call1(&JsValue::UNDEFINED, &v);
        }
        Poll::Ready(Err(e)) => {
            let _ = task.reject.call1(&JsValue::UNDEFINED, &e);
        }
        Poll::Pending => set(id, Slot::Waiting(task)),
    }
}
