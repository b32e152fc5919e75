//! RSA through WebCrypto (`crypto.subtle`, RSASSA-PKCS1-v1_5 with SHA-256):
//! no bignum code in the bundle, platform constant-time code, ~1 ms per
//! signature. Keys are imported non-extractable; the client keeps them.

use super::js::jifen_subtle;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::rsa::{LocalFuture, RsaProvider, RsaSigner, RsaVerifier};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Runs one WebCrypto operation; `Err(true)` where WebCrypto is missing.
async fn subtle(op: u8, key: &JsValue, a: &[u8], b: &[u8]) -> std::result::Result<JsValue, bool> {
    JsFuture::from(jifen_subtle(op, key, a, b))
        .await
        .map_err(|e| e.as_bool() == Some(true))
}

fn unavailable() -> Error {
    Error::unsupported("WebCrypto (crypto.subtle) is not available here; Freemud RSA signing needs it (a secure context in browsers)")
}

async fn import(op: u8, der: &[u8]) -> Result<JsValue> {
    // The platform's message may quote nothing secret, but keep ours fixed anyway.
    subtle(op, &JsValue::UNDEFINED, der, &[])
        .await
        .map_err(|missing| {
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

/// `crypto.subtle` as an [`RsaProvider`].
pub struct SubtleRsa;

struct SubtleSigner(JsValue);
struct SubtleVerifier(JsValue);

impl RsaProvider for SubtleRsa {
    fn signer<'a>(&'a self, pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>> {
        Box::pin(async move {
            Ok(Box::new(SubtleSigner(import(0, pkcs8_der).await?)) as Box<dyn RsaSigner>)
        })
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
                Ok(sig) => Ok(sig.unchecked_into::<Uint8Array>().to_vec()),
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
