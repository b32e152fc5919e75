//! RSA as a capability the platform provides (WebCrypto in wasm, a test crate
//! natively): jifen ships no bignum code. Futures are boxed so the traits can
//! be used as objects on the single-threaded JS event loop.

use crate::core::error::Result;
use std::future::Future;
use std::pin::Pin;

/// A boxed, non-`Send` future.
pub type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Signs with one imported private key: RSASSA-PKCS1-v1_5 over SHA-256.
pub trait RsaSigner {
    /// The raw signature bytes of `msg`.
    fn sign<'a>(&'a self, msg: &'a [u8]) -> LocalFuture<'a, Result<Vec<u8>>>;
}

/// Verifies with one imported public key: RSASSA-PKCS1-v1_5 over SHA-256.
pub trait RsaVerifier {
    /// Whether `sig` is a valid signature of `msg`.
    fn verify<'a>(&'a self, msg: &'a [u8], sig: &'a [u8]) -> LocalFuture<'a, Result<bool>>;
}

/// Imports keys. Import may be slow (WebCrypto is async), so callers keep the
/// returned signer/verifier for the client's life.
pub trait RsaProvider {
    /// Imports a PKCS#8 DER private key.
    fn signer<'a>(&'a self, pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>>;
    /// Imports an SPKI DER public key.
    fn verifier<'a>(&'a self, spki_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaVerifier>>>;
}
