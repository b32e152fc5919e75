//! The JS `Signer` class: a vendor config read and checked once, then many
//! requests signed with it: `buildSync` for the HMAC vendors (Kingdee, Qimai),
//! `build` (a Promise) for every vendor. Freemud's RSA key import starts when
//! the `Signer` is made, and the `CryptoKey` is kept. The output is
//! `buildRequest`'s, byte for byte: both sign through the vendor's
//! [`crate::vendors::Account`] (`client::build`).

use super::api::{read_call, signed_to_js};
use super::convert::from_js;
use super::env::{JsClock, JsEntropy};
use super::error;
use super::promise::promise;
use super::subtle::KeptRsa;
use crate::client::{self, Env};
use crate::core::error::Result;
use crate::vendors::Account;
use js_sys::Promise;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A prepared signer for one vendor account.
#[wasm_bindgen(js_name = Signer)]
pub struct JsSigner {
    inner: Rc<Prepared>,
}

/// What every call uses: the read config and the platform (with the kept key).
struct Prepared {
    account: Box<dyn Account>,
    env: Env,
}

#[wasm_bindgen(js_class = Signer)]
impl JsSigner {
    /// `new Signer(config)`: reads and checks `config` (a `JifenError` with
    /// code `config` if it is wrong); Freemud's key import starts here.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> std::result::Result<JsSigner, JsValue> {
        Self::create(&config).map_err(error::to_js)
    }

    pub(super) fn create(config: &JsValue) -> Result<JsSigner> {
        let account = client::read_account(&from_js(config, "config")?)?;
        let mut env = Env::new(Box::new(JsClock), Box::new(JsEntropy));
        if let Some(der) = account.rsa_key() {
            env = env.with_rsa(Box::new(KeptRsa::import(der)));
        }
        Ok(JsSigner {
            inner: Rc::new(Prepared { account, env }),
        })
    }

    /// `signer.buildSync(operation, params?, options?)`: the signed request, for
    /// Kingdee and Qimai; throws a `JifenError` (`unsupported` for Freemud).
    #[wasm_bindgen(js_name = buildSync)]
    pub fn build_sync(
        &self,
        operation: JsValue,
        params: JsValue,
        options: JsValue,
    ) -> std::result::Result<JsValue, JsValue> {
        let p = &self.inner;
        let (op, params, options) =
            read_call(&operation, &params, &options).map_err(error::to_js)?;
        let req = client::build_sync(p.account.as_ref(), &op, &params, &options, &p.env)
            .map_err(error::to_js)?;
        signed_to_js(&req)
    }

    /// `signer.build(operation, params?, options?)`: a Promise of the signed
    /// request, for every vendor; rejects with a `JifenError`.
    pub fn build(&self, operation: JsValue, params: JsValue, options: JsValue) -> Promise {
        let p = Rc::clone(&self.inner);
        let call = read_call(&operation, &params, &options);
        promise(async move {
            let (op, params, options) = call.map_err(error::to_js)?;
            let req = client::build(p.account.as_ref(), &op, &params, &options, &p.env)
                .await
                .map_err(error::to_js)?;
            signed_to_js(&req)
        })
    }
}
