//! Where a Kingdee app-token is kept, beyond this client: a gateway runs as
//! many isolates, and the token endpoint allows 2 calls a minute per account.
//! A shared cache (`get`, `set`) lets isolates reuse one token, and its lock
//! lets one of them refresh at a time while the others wait for the result.
//! The package ships a Durable Object adapter of this shape.
//!
//! The cached value is a [`Record`]: the token, and the endpoint's budget —
//! when the token endpoint was last called and until when it refused us (a
//! 429 or 5007 with its `Retry-After`). Keeping the budget in the value, read
//! and written under the lock, holds every client sharing the cache to 2 calls
//! a rolling minute without a new method on the cache. A client without a
//! shared cache keeps the same record in a [`MemoryTokenCache`] of its own.

use crate::core::error::Result;
use crate::core::json::{write_string, Json};
use crate::core::rsa::LocalFuture;
use std::cell::RefCell;

/// A token cache shared across clients. Values are JSON text; the token in it
/// is a credential, so the store must be private to the account's owner.
pub trait TokenCache {
    /// The cached value and its expiry (epoch ms), if any.
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>>;
    /// Stores a value until `expires_at_ms`.
    fn set<'a>(&'a self, value: &'a str, expires_at_ms: u64) -> LocalFuture<'a, Result<()>>;
    /// Asks to be the one refresher for `ttl_ms`; true if granted. Asked again
    /// by its holder, it should extend the lock. A cache without a lock grants
    /// every caller (single flight then holds per client only; the budget in
    /// the value still bounds the token calls, less tightly under races).
    fn lock(&self, ttl_ms: u64) -> LocalFuture<'_, Result<bool>>;
    /// Gives the lock back.
    fn unlock(&self) -> LocalFuture<'_, Result<()>>;
}

/// How long a refresher holds the fleet-wide lock unless it renews it: a
/// holder that died (a killed isolate) stalls the others this long at most.
/// The holder renews it before each step of a refresh; a token call slower
/// than this may let a waiter take over, which the budget still bounds.
pub const LOCK_TTL_MS: u64 = 5_000;
/// How often a waiting client looks for the refresher's token.
pub const POLL_MS: u64 = 200;
/// How many times it looks before giving up (15 s: a live holder's token call
/// and its timeout; a dead holder's lock is taken over after [`LOCK_TTL_MS`]).
pub const POLLS: u32 = 75;
/// Token endpoint calls allowed per rolling [`WINDOW_MS`] (docs/vendors/kingdee.md §4).
pub const CALLS_PER_WINDOW: usize = 2;
/// The token endpoint's rate-limit window (60 s), and 2 s for the call's way
/// to the vendor and the error of our estimate of its clock.
pub const WINDOW_MS: u64 = 62_000;
/// How long to hold back after a 429 / 5007 that names no `Retry-After`.
pub const DEFAULT_BLOCK_MS: u64 = 60_000;

/// A token as cached: the credential, its router address, when it expires and
/// (if known) when it was issued, by the vendor's clock as the client knows it.
#[derive(Clone, PartialEq, Eq)]
pub struct CachedToken {
    /// The app-token (a credential: never logged).
    pub token: String,
    /// The `X-GW-Router-Addr` it goes with.
    pub domain: String,
    /// Expiry, epoch ms.
    pub expires_ms: u64,
    /// Issue time, epoch ms; unknown for values written by older versions.
    pub issued_ms: Option<u64>,
}

impl std::fmt::Debug for CachedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachedToken")
            .field("token", &"***")
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

/// What the shared cache holds for one account set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The current token, if any.
    pub token: Option<CachedToken>,
    /// When the token endpoint was called (reserved before each call), within the window.
    pub calls: Vec<u64>,
    /// Until when the endpoint refused us (epoch ms; 0: not blocked).
    pub blocked_until: u64,
}

impl Record {
    /// Reads a cached value. A value of an older version (`appToken`, `domain`
    /// only) takes its expiry from the entry; anything unreadable is empty.
    pub fn parse(text: &str, entry_expires_ms: u64) -> Record {
        let Ok(j) = Json::parse(text) else {
            return Record::default();
        };
        let num = |name: &str| {
            j.get(name)
                .and_then(Json::as_i64_lenient)
                .and_then(|n| u64::try_from(n).ok())
        };
        let token = match (j.text_at("appToken"), j.text_at("domain")) {
            (Some(token), Some(domain)) => Some(CachedToken {
                token,
                domain,
                expires_ms: num("expiresAt").unwrap_or(entry_expires_ms),
                issued_ms: num("issuedAt"),
            }),
            _ => None,
        };
        let calls = j
            .get("calls")
            .and_then(Json::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|c| c.as_i64_lenient().and_then(|n| u64::try_from(n).ok()))
            .collect();
        Record {
            token,
            calls,
            blocked_until: num("blockedUntil").unwrap_or(0),
        }
    }

    /// The value to store. (Written by hand: `Json::object` of six fields is
    /// one more instantiation in the wasm.)
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        if let Some(t) = &self.token {
            out.push_str("\"appToken\":");
            write_string(&t.token, &mut out);
            out.push_str(",\"domain\":");
            write_string(&t.domain, &mut out);
            field(&mut out, "expiresAt", t.expires_ms);
            if let Some(i) = t.issued_ms {
                field(&mut out, "issuedAt", i);
            }
            out.push(',');
        }
        out.push_str("\"calls\":[");
        for (i, c) in self.calls.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&c.to_string());
        }
        out.push(']');
        if self.blocked_until > 0 {
            field(&mut out, "blockedUntil", self.blocked_until);
        }
        out.push('}');
        out
    }

    /// How long the cache must keep the value: the token's life, and as long
    /// as a call or a block still counts.
    pub fn keep_until(&self, now: u64) -> u64 {
        let token = self.token.as_ref().map_or(0, |t| t.expires_ms);
        let calls = self.calls.iter().max().map_or(0, |c| c + WINDOW_MS);
        token
            .max(calls)
            .max(self.blocked_until)
            .max(now.saturating_add(WINDOW_MS))
    }

    /// Forgets calls that left the window (and any from a clock far ahead).
    pub fn prune(&mut self, now: u64) {
        self.calls
            .retain(|&c| c.saturating_add(WINDOW_MS) > now && c <= now.saturating_add(WINDOW_MS));
    }

    /// How many recorded calls are still in the window at `t`.
    fn in_window(&self, t: u64) -> usize {
        self.calls
            .iter()
            .filter(|&&c| c.saturating_add(WINDOW_MS) > t)
            .count()
    }

    /// How long until a token call is allowed (0: now): the rate limit's
    /// block, and the first moment fewer than 2 calls are in the window.
    /// (No sort: the list holds a few entries, and a sort costs the wasm ~1 KB.)
    pub fn wait_ms(&self, now: u64) -> u64 {
        let block = self.blocked_until.saturating_sub(now);
        let budget = if self.in_window(now) < CALLS_PER_WINDOW {
            0
        } else {
            self.calls
                .iter()
                .map(|c| c.saturating_add(WINDOW_MS))
                .filter(|&free| free > now && self.in_window(free) < CALLS_PER_WINDOW)
                .min()
                .map_or(WINDOW_MS, |free| free - now)
        };
        block.max(budget)
    }

    /// Takes in the calls and block another writer recorded meanwhile.
    pub fn merge_budget(&mut self, other: &Record) {
        for &c in &other.calls {
            if !self.calls.contains(&c) {
                self.calls.push(c);
            }
        }
        self.blocked_until = self.blocked_until.max(other.blocked_until);
    }
}

/// Appends `,"name":n`.
fn field(out: &mut String, name: &str, n: u64) {
    out.push_str(",\"");
    out.push_str(name);
    out.push_str("\":");
    out.push_str(&n.to_string());
}

/// A client's own token cache when none is shared: the same record, in memory.
#[derive(Default)]
pub struct MemoryTokenCache {
    value: RefCell<Option<(String, u64)>>,
}

impl TokenCache for MemoryTokenCache {
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>> {
        let v = self.value.borrow().clone();
        Box::pin(async move { Ok(v) })
    }
    fn set<'a>(&'a self, value: &'a str, expires_at_ms: u64) -> LocalFuture<'a, Result<()>> {
        *self.value.borrow_mut() = Some((value.to_string(), expires_at_ms));
        Box::pin(async { Ok(()) })
    }
    /// The client's single flight already makes it the only refresher.
    fn lock(&self, _ttl_ms: u64) -> LocalFuture<'_, Result<bool>> {
        Box::pin(async { Ok(true) })
    }
    fn unlock(&self) -> LocalFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_older_versions_value_with_the_entrys_expiry() {
        let r = Record::parse(r#"{"appToken":"t","domain":"d"}"#, 99);
        let t = r.token.unwrap();
        assert_eq!((t.expires_ms, t.issued_ms), (99, None));
        assert!(r.calls.is_empty());
    }

    #[test]
    fn round_trips() {
        let r = Record {
            token: Some(CachedToken {
                token: "t".into(),
                domain: "d".into(),
                expires_ms: 5,
                issued_ms: Some(1),
            }),
            calls: vec![1, 2],
            blocked_until: 7,
        };
        assert_eq!(Record::parse(&r.to_json(), 0), r);
    }

    #[test]
    fn two_calls_a_window() {
        let mut r = Record::default();
        assert_eq!(r.wait_ms(1000), 0);
        r.calls = vec![1000];
        assert_eq!(r.wait_ms(1000), 0);
        r.calls = vec![1000, 5000];
        assert_eq!(r.wait_ms(6000), 57_000);
        assert_eq!(r.wait_ms(63_000), 0);
        r.blocked_until = 90_000;
        assert_eq!(r.wait_ms(63_000), 27_000);
        assert!(r.keep_until(63_000) >= 123_000);
        r.blocked_until = 0;
        r.calls = vec![5000, 1000, 3000];
        assert_eq!(r.wait_ms(6000), 59_000, "until the second oldest leaves");
    }
}
