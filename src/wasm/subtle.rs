//! RSA through WebCrypto (`crypto.subtle`, RSASSA-PKCS1-v1_5 with SHA-256):
//! no bignum code in the bundle, platform constant-time code, ~1 ms per
//! signature. Keys are imported non-extractable; the client keeps them.

use crate::core::error::{Error, Result};
use crate::core::rsa::{LocalFuture, RsaProvider, RsaSigner, RsaVerifier};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = importKey, catch)]
    fn import_key(
        format: &str,
        key: &Uint8Array,
        algorithm: &Object,
        extractable: bool,
        usages: &Array,
    ) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = sign, catch)]
    fn subtle_sign(
        algorithm: &str,
        key: &JsValue,
        data: &Uint8Array,
    ) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["crypto", "subtle"], js_name = verify, catch)]
    fn subtle_verify(
        algorithm: &str,
        key: &JsValue,
        signature: &Uint8Array,
        data: &Uint8Array,
    ) -> std::result::Result<Promise, JsValue>;
}

const ALGORITHM: &str = "RSASSA-PKCS1-v1_5";

fn algorithm() -> Object {
    let alg = Object::new();
    let _ = Reflect::set(
        &alg,
        &JsValue::from_str("name"),
        &JsValue::from_str(ALGORITHM),
    );
    let _ = Reflect::set(
        &alg,
        &JsValue::from_str("hash"),
        &JsValue::from_str("SHA-256"),
    );
    alg
}

fn unavailable() -> Error {
    Error::unsupported("WebCrypto (crypto.subtle) is not available here; Freemud RSA signing needs it (a secure context in browsers)")
}

async fn import(format: &str, der: &[u8], usage: &str) -> Result<JsValue> {
    let usages = Array::of1(&JsValue::from_str(usage));
    let promise = import_key(format, &Uint8Array::from(der), &algorithm(), false, &usages)
        .map_err(|_| unavailable())?;
    // The platform's message may quote nothing secret, but keep ours fixed anyway.
    JsFuture::from(promise).await.map_err(|_| {
        Error::config(format!(
            "WebCrypto refused the RSA {} key",
            if format == "pkcs8" {
                "private"
            } else {
                "public"
            }
        ))
    })
}

/// `crypto.subtle` as an [`RsaProvider`].
pub struct SubtleRsa;

struct SubtleSigner(JsValue);
struct SubtleVerifier(JsValue);

impl RsaProvider for SubtleRsa {
    fn signer<'a>(&'a self, pkcs8_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaSigner>>> {
        Box::pin(async move {
            Ok(
                Box::new(SubtleSigner(import("pkcs8", pkcs8_der, "sign").await?))
                    as Box<dyn RsaSigner>,
            )
        })
    }

    fn verifier<'a>(&'a self, spki_der: &'a [u8]) -> LocalFuture<'a, Result<Box<dyn RsaVerifier>>> {
        Box::pin(async move {
            Ok(
                Box::new(SubtleVerifier(import("spki", spki_der, "verify").await?))
                    as Box<dyn RsaVerifier>,
            )
        })
    }
}

impl RsaSigner for SubtleSigner {
    fn sign<'a>(&'a self, msg: &'a [u8]) -> LocalFuture<'a, Result<Vec<u8>>> {
        Box::pin(async move {
            let promise = subtle_sign(ALGORITHM, &self.0, &Uint8Array::from(msg))
                .map_err(|_| unavailable())?;
            let buffer = JsFuture::from(promise).await.map_err(|_| {
                Error::new(
                    crate::core::error::ErrorCode::Signature,
                    "WebCrypto failed to sign",
                )
            })?;
            Ok(Uint8Array::new(&buffer).to_vec())
        })
    }
}

impl RsaVerifier for SubtleVerifier {
    fn verify<'a>(&'a self, msg: &'a [u8], sig: &'a [u8]) -> LocalFuture<'a, Result<bool>> {
        Box::pin(async move {
            let promise = subtle_verify(
                ALGORITHM,
                &self.0,
                &Uint8Array::from(sig),
                &Uint8Array::from(msg),
            )
            .map_err(|_| unavailable())?;
            Ok(JsFuture::from(promise)
                .await
                .map(|v| v.as_bool() == Some(true))
                .unwrap_or(false))
        })
    }
}
