//! RSA through WebCrypto (`crypto.subtle`, RSASSA-PKCS1-v1_5 with SHA-256):
//! no bignum code in the bundle, platform constant-time code, ~1 ms per
//! signature. Keys are imported non-extractable; the client keeps them, and a
//! `Signer` starts its import when it is made ([`KeptRsa`]).

use super::js::{jifen_bytes, jifen_kept, jifen_subtle};
use super::settle::{settled, settled_by};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::rsa::{LocalFuture, RsaProvider, RsaSigner, RsaVerifier};
use js_sys::Promise;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Runs one WebCrypto operation; `Err(true)` where WebCrypto is missing.
async fn subtle(op: u8, key: &JsValue, a: &[u8], b: &[u8]) -> std::result::Result<JsValue, bool> {
    settled_by(|id, done| jifen_subtle(op, key, a, b, id, done))
        .await
        .map_err(|e| e.as_bool() == Some(true))
}

fn unavailable() -> Error {
    Error::unsupported("WebCrypto (crypto.subtle) is not available here; Freemud RSA signing needs it (a secure context in browsers)")
}

async fn import(op: u8, der: &[u8]) -> Result<JsValue> {
    imported(op, subtle(op, &JsValue::UNDEFINED, der, &[]).await)
}

fn imported(op: u8, key: std::result::Result<JsValue, bool>) -> Result<JsValue> {
    // The platform's message may quote nothing secret, but keep ours fixed anyway.
    key.map_err(|missing| {
        if missing {
            unavailable()
        } else {
            Error::config(format!(
                "WebCrypto refused the RSA {} key",
                if op == 0 { "private" } else { "public" }
            ))
        }
    })
}

/// What a [`jifen_subtle`] or [`jifen_kept`] promise settles to; `Err(true)` where WebCrypto is missing.
async fn outcome(p: Promise) -> std::result::Result<JsValue, bool> {
    settled(&p).await.map_err(|e| e.as_bool() == Some(true))
}

/// The signer of a private key whose import is `import` (a [`jifen_kept`] promise).
async fn signer_of(import: Promise) -> Result<Box<dyn RsaSigner>> {
    Ok(Box::new(SubtleSigner(imported(0, outcome(import).await)?)) as Box<dyn RsaSigner>)
}

/// `crypto.subtle` as an [`RsaProvider`].
pub struct SubtleRsa;

struct SubtleSigner(JsValue);
struct SubtleVerifier(JsValue);

impl RsaProvider for SubtleRsa {
    fn signer<'a>(&'a self, pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>> {
        Box::pin(signer_of(jifen_kept(pkcs8_der)))
    }

    fn verifier<'a>(&'a self, spki_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaVerifier>>> {
        Box::pin(async move {
            Ok(Box::new(SubtleVerifier(import(1, spki_der).await?)) as Box<dyn RsaVerifier>)
        })
    }
}

impl RsaSigner for SubtleSigner {
    fn sign<'a>(&'a self, msg: &'a [u8]) -> LocalFuture<'a, Result<Vec<u8>>> {
        Box::pin(async move {
            match subtle(2, &self.0, msg, &[]).await {
                // One crossing (`jifen_bytes`), not three (`new Uint8Array`, `length`, copy).
                Ok(sig) => jifen_bytes(&sig)
                    .ok_or_else(|| Error::new(ErrorCode::Signature, "WebCrypto failed to sign")),
                Err(true) => Err(unavailable()),
                Err(false) => Err(Error::new(ErrorCode::Signature, "WebCrypto failed to sign")),
            }
        })
    }
}

impl RsaVerifier for SubtleVerifier {
    fn verify<'a>(&'a self, msg: &'a [u8], sig: &'a [u8]) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            match subtle(3, &self.0, sig, msg).await {
                Ok(v) => Ok(v.as_bool() == Some(true)),
                Err(true) => Err(unavailable()),
                Err(false) => Ok(false),
            }
        })
    }
}

/// One private key whose import started when it was made (a `Signer`'s):
/// every signer it hands out awaits that one import, so the key is imported
/// once and its `CryptoKey` kept for the life of the `Signer`. Once the import
/// has settled the key is held here too, so a signature starts at once instead
/// of a microtask later (an await of the settled promise, with its two
/// closures, on every call).
pub struct KeptRsa {
    import: Promise,
    key: RefCell<Option<JsValue>>,
}

impl KeptRsa {
    /// Starts importing `pkcs8_der`; a refusal surfaces on the first `signer`.
    pub fn import(pkcs8_der: &[u8]) -> KeptRsa {
        KeptRsa {
            import: jifen_kept(pkcs8_der),
            key: RefCell::new(None),
        }
    }
}

impl RsaProvider for KeptRsa {
    /// The kept key (`_pkcs8_der` is the key it was made with).
    fn signer<'a>(&'a self, _pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>> {
        let kept = self.key.borrow().clone();
        Box::pin(async move {
            let key = match kept {
                Some(key) => key,
                None => {
                    let key = imported(0, outcome(self.import.clone()).await)?;
                    *self.key.borrow_mut() = Some(key.clone());
                    key
                }
            };
            Ok(Box::new(SubtleSigner(key)) as Box<dyn RsaSigner>)
        })
    }

    fn verifier<'a>(&'a self, spki_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaVerifier>>> {
        SubtleRsa.verifier(spki_der)
    }
}
