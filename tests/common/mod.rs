//! Test support shared by the native Freemud tests: an `RsaProvider` over the
//! RustCrypto `rsa` crate (a dev-dependency only; nothing RSA ships in jifen),
//! and the vector files.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::error::{Error, Result};
use jifen::core::rsa::{LocalFuture, RsaProvider, RsaSigner, RsaVerifier};
use jifen::Json;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use std::cell::Cell;
use std::rc::Rc;

/// Native RSA for tests; counts key imports.
#[derive(Default, Clone)]
pub struct TestRsa {
    pub signer_imports: Rc<Cell<u32>>,
}

struct TestSigner(SigningKey<Sha256>);
struct TestVerifier(VerifyingKey<Sha256>);

impl RsaSigner for TestSigner {
    fn sign<'a>(&'a self, msg: &'a [u8]) -> LocalFuture<'a, Result<Vec<u8>>> {
        let sig = self.0.sign(msg).to_vec();
        Box::pin(async move { Ok(sig) })
    }
}

impl RsaVerifier for TestVerifier {
    fn verify<'a>(&'a self, msg: &'a [u8], sig: &'a [u8]) -> LocalFuture<'a, Result<bool>> {
        let ok = Signature::try_from(sig)
            .map(|s| self.0.verify(msg, &s).is_ok())
            .unwrap_or(false);
        Box::pin(async move { Ok(ok) })
    }
}

impl RsaProvider for TestRsa {
    fn signer<'a>(&'a self, pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>> {
        self.signer_imports.set(self.signer_imports.get() + 1);
        let r = RsaPrivateKey::from_pkcs8_der(pkcs8_der)
            .map(|k| Box::new(TestSigner(SigningKey::<Sha256>::new(k))) as Box<dyn RsaSigner>)
            .map_err(|_| Error::config("test provider: bad PKCS#8"));
        Box::pin(async move { r })
    }

    fn verifier<'a>(&'a self, spki_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaVerifier>>> {
        let r = RsaPublicKey::from_public_key_der(spki_der)
            .map(|k| Box::new(TestVerifier(VerifyingKey::<Sha256>::new(k))) as Box<dyn RsaVerifier>)
            .map_err(|_| Error::config("test provider: bad SPKI"));
        Box::pin(async move { r })
    }
}

pub const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/freemud");

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{VECTORS}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn vector(id: &str) -> Json {
    Json::parse(&read(&format!("{id}.json"))).unwrap()
}

pub fn s<'a>(j: &'a Json, key: &str) -> &'a str {
    j.get(key)
        .and_then(Json::as_str)
        .unwrap_or_else(|| panic!("missing {key}"))
}

pub fn sim_accounts() -> Json {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sim/accounts.json")).unwrap();
    Json::parse(&text).unwrap().get("freemud").unwrap().clone()
}
