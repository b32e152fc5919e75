//! Where `adjustPoints` records the idempotency keys it has used: a small
//! key-value interface (`get`, `putIfAbsent`, and `delete` where the store can)
//! so that a fleet of isolates can share one strongly consistent store (a
//! Durable Object) instead of each remembering only its own keys. In memory by
//! default.
//!
//! Per key, two entries: a claim (`<key>`, the change's fingerprint) written
//! with `putIfAbsent` before the write is sent, so that of two concurrent
//! callers exactly one sends; and a record (`<key>:result`) of the outcome.
//! A definite refusal deletes the claim, so the same key may be tried again.
//!
//! Kingdee's adjustment has no idempotency field of its own, so its keys also
//! need `replace`, a compare-and-set: the claim records each attempt's
//! acceptance window, and a lane per identical change serialises the keys
//! that the vendor's ledger could not tell apart (`kingdee_settle.rs`).

use crate::core::error::Result;
use crate::core::rsa::LocalFuture;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// A key-value store shared by the callers that must not apply a change twice.
/// Values are JSON text. Implementations must make `put_if_absent` atomic.
pub trait IdempotencyStore {
    /// The value under `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>>;
    /// Stores `value` under `key` unless the key exists; true if it stored.
    fn put_if_absent<'a>(&'a self, key: &'a str, value: &'a str) -> LocalFuture<'a, Result<bool>>;
    /// Removes `key`; false where the store cannot delete (then a refused
    /// change keeps its key, and a retry needs a new one).
    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>>;
    /// Replaces the value under `key` with `value` if it is exactly `expected`
    /// (atomically: a compare-and-set); true if it replaced. Only called when
    /// [`IdempotencyStore::can_replace`] says the store can.
    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, Result<bool>>;
    /// Whether [`IdempotencyStore::replace`] is atomic here. Kingdee changes
    /// are refused with a store that cannot (their settlement needs it).
    fn can_replace(&self) -> bool;
}

/// One store shared by several clients on this thread.
impl<S: IdempotencyStore + ?Sized> IdempotencyStore for Rc<S> {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>> {
        (**self).get(key)
    }

    fn put_if_absent<'a>(&'a self, key: &'a str, value: &'a str) -> LocalFuture<'a, Result<bool>> {
        (**self).put_if_absent(key, value)
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>> {
        (**self).delete(key)
    }

    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, Result<bool>> {
        (**self).replace(key, expected, value)
    }

    fn can_replace(&self) -> bool {
        (**self).can_replace()
    }
}

/// The default store: this client's memory, the last `capacity` keys.
#[derive(Debug)]
pub struct MemoryStore {
    map: RefCell<HashMap<String, String>>,
    order: RefCell<VecDeque<String>>,
    capacity: usize,
}

impl MemoryStore {
    /// A store that keeps at most `capacity` entries, forgetting the oldest.
    pub fn new(capacity: usize) -> MemoryStore {
        MemoryStore {
            map: RefCell::new(HashMap::new()),
            order: RefCell::new(VecDeque::new()),
            capacity: capacity.max(2),
        }
    }

    fn insert(&self, key: &str, value: &str) -> bool {
        let mut map = self.map.borrow_mut();
        if map.contains_key(key) {
            return false;
        }
        map.insert(key.to_string(), value.to_string());
        let mut order = self.order.borrow_mut();
        order.push_back(key.to_string());
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
        true
    }
}

impl IdempotencyStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<Option<String>>> {
        let v = self.map.borrow().get(key).cloned();
        Box::pin(async move { Ok(v) })
    }

    fn put_if_absent<'a>(&'a self, key: &'a str, value: &'a str) -> LocalFuture<'a, Result<bool>> {
        let stored = self.insert(key, value);
        Box::pin(async move { Ok(stored) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalFuture<'a, Result<bool>> {
        self.map.borrow_mut().remove(key);
        self.order.borrow_mut().retain(|k| k != key);
        Box::pin(async { Ok(true) })
    }

    fn replace<'a>(
        &'a self,
        key: &'a str,
        expected: &'a str,
        value: &'a str,
    ) -> LocalFuture<'a, Result<bool>> {
        let replaced = match self.map.borrow_mut().get_mut(key) {
            Some(v) if v == expected => {
                *v = value.to_string();
                true
            }
            _ => false,
        };
        Box::pin(async move { Ok(replaced) })
    }

    fn can_replace(&self) -> bool {
        true
    }
}
