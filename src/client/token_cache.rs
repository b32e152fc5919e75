//! Where a Kingdee app-token is kept, beyond this client: a gateway runs as
//! many isolates, and the token endpoint allows 2 calls a minute per account.
//! A shared cache (`get`, `set`) lets isolates reuse one token, and its lock
//! lets exactly one of them refresh at a time while the others wait for the
//! result. The package ships a Durable Object adapter of this shape.

use crate::core::error::Result;
use crate::core::rsa::LocalFuture;

/// A token cache shared across clients. Values are JSON text; the token in it
/// is a credential, so the store must be private to the account's owner.
pub trait TokenCache {
    /// The cached value and its expiry (epoch ms), if any.
    fn get(&self) -> LocalFuture<'_, Result<Option<(String, u64)>>>;
    /// Stores a value until `expires_at_ms`.
    fn set<'a>(&'a self, value: &'a str, expires_at_ms: u64) -> LocalFuture<'a, Result<()>>;
    /// Asks to be the one refresher for `ttl_ms`; true if granted. A cache
    /// without a lock grants every caller (single flight then holds per client only).
    fn lock(&self, ttl_ms: u64) -> LocalFuture<'_, Result<bool>>;
    /// Gives the lock back.
    fn unlock(&self) -> LocalFuture<'_, Result<()>>;
}

/// How long a refresher holds the fleet-wide lock at most.
pub const LOCK_TTL_MS: u64 = 30_000;
/// How often a waiting client looks for the refresher's token.
pub const POLL_MS: u64 = 200;
/// How many times it looks before giving up.
pub const POLLS: u32 = 75;
