//! The JS `Client` class, its ledger iterator and `capabilities()`: the unified
//! points API over `fetch` (built with the `js-client` feature, on by default).

use super::api::{env, operation_name, reject};
use super::convert::{from_js, get, to_js};
use super::error;
use super::fetch::{FetchTransport, Hooks};
use super::js::{jifen_done, jifen_step};
use super::promise::promise;
use crate::client::{CallOptions, Client, LedgerWalk, Method};
use crate::core::error::{Error, Result};
use crate::points::capabilities as caps;
use crate::retry::RetryPolicy;
use crate::vendors;
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A client for one vendor account. Sends through `fetch`.
#[wasm_bindgen(js_name = Client)]
pub struct JsClient {
    inner: Rc<Client<FetchTransport>>,
}

fn optional_function(options: &JsValue, key: &str) -> Result<Option<Function>> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| Error::invalid_input(format!("options.{key} must be a function")))
}

fn optional_number(options: &JsValue, key: &str, lo: u32, hi: u32) -> Result<Option<u32>> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        // Integers only, formatted as integers: f64 Display would pull float
        // formatting (~15 KB) into the bundle.
        Some(n) if n.fract() == 0.0 && n >= f64::from(lo) && n <= f64::from(hi) => {
            Ok(Some(n as u32))
        }
        _ => Err(Error::invalid_input(format!(
            "options.{key} must be an integer between {lo} and {hi}"
        ))),
    }
}

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// `new Client(config, { fetch?, timeoutMs?, retries?, onRequest?, onResponse?, idempotencyStore?, tokenCache? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, options: JsValue) -> std::result::Result<JsClient, JsValue> {
        Self::create(&config, &options).map_err(error::to_js)
    }

    fn create(config: &JsValue, options: &JsValue) -> Result<JsClient> {
        let config = from_js(config, "config")?;
        if !(options.is_undefined() || options.is_null() || options.is_object()) {
            return Err(Error::invalid_input("options must be an object"));
        }
        let fetch = optional_function(options, "fetch")?;
        let timeout_ms = optional_number(options, "timeoutMs", 1, 600_000)?.unwrap_or(15_000);
        let transport = FetchTransport {
            fetch,
            timeout_ms,
            hooks: Hooks {
                on_request: optional_function(options, "onRequest")?,
                on_response: optional_function(options, "onResponse")?,
            },
        };
        let mut policy = RetryPolicy::default();
        if let Some(r) = optional_number(options, "retries", 0, 10)? {
            policy.max_attempts = r + 1;
        }
        let mut client = Client::new(&config, transport, env())?.with_policy(policy);
        let store = get(options, "idempotencyStore");
        if !(store.is_undefined() || store.is_null()) {
            client = client.with_idempotency_store(Box::new(super::store::JsStore::from_js(
                store, timeout_ms,
            )?));
        }
        let cache = get(options, "tokenCache");
        if !(cache.is_undefined() || cache.is_null()) {
            client = client.with_token_cache(Box::new(super::store::JsTokenCache::from_js(
                cache, timeout_ms,
            )?));
        }
        Ok(JsClient {
            inner: Rc::new(client),
        })
    }

    /// The vendor this client talks to.
    #[wasm_bindgen(getter)]
    pub fn vendor(&self) -> String {
        self.inner.vendor_name().to_string()
    }

    /// `adjustPoints({ member, delta, reason, idempotencyKey, orderId?, remark? })`
    /// → `{ applied, balance?, vendorRef?, raw }`.
    #[wasm_bindgen(js_name = adjustPoints)]
    pub fn adjust_points(&self, args: JsValue) -> Promise {
        self.run(
            Run::Points(Some(Method::AdjustPoints)),
            String::new(),
            &args,
            "args",
        )
    }

    /// `getBalance({ member })` → `{ available, total?, used?, pending?, raw }`.
    #[wasm_bindgen(js_name = getBalance)]
    pub fn get_balance(&self, args: JsValue) -> Promise {
        self.run(
            Run::Points(Some(Method::GetBalance)),
            String::new(),
            &args,
            "args",
        )
    }

    /// `getMember({ member })` → `{ id, name?, mobile?, cardId?, level?, registeredAt?, points?, raw }`.
    #[wasm_bindgen(js_name = getMember)]
    pub fn get_member(&self, args: JsValue) -> Promise {
        self.run(
            Run::Points(Some(Method::GetMember)),
            String::new(),
            &args,
            "args",
        )
    }

    /// `ledgerPage({ member, from?, to?, pageSize?, cursor? })` → `{ entries, cursor }`.
    #[wasm_bindgen(js_name = ledgerPage)]
    pub fn ledger_page(&self, args: JsValue) -> Promise {
        self.run(
            Run::Points(Some(Method::LedgerPage)),
            String::new(),
            &args,
            "args",
        )
    }

    /// `preview(method, args)`: the signed vendor request a unified call would
    /// send, with standing credentials shown as `***`; sends only lookups.
    pub fn preview(&self, method: JsValue, args: JsValue) -> Promise {
        let Some(method) = method.as_string() else {
            return reject(Error::invalid_input("preview: method must be a string"));
        };
        self.run(Run::Points(None), method, &args, "args")
    }

    /// `ledger({ member, from?, to?, pageSize?, limit? })`: an async iterator
    /// over entries, newest first, fetching pages as it goes. Throws a
    /// `JifenError` at once on bad arguments.
    pub fn ledger(&self, args: JsValue) -> std::result::Result<LedgerIter, JsValue> {
        let walk = from_js(&args, "args")
            .and_then(|a| LedgerWalk::new(&a))
            .map_err(error::to_js)?;
        Ok(LedgerIter {
            client: self.inner.clone(),
            walk: Rc::new(RefCell::new(Some(walk))),
        })
    }

    /// `call(operation, params?, { allowFields?, idempotent? }?)`: calls a vendor
    /// operation by its vendor-native id (or, outside jifen's table, by the
    /// vendor's generic rule); resolves to its typed result (raw data outside the table).
    pub fn call(&self, operation: JsValue, params: JsValue, options: JsValue) -> Promise {
        let read = || -> Result<(String, CallOptions)> {
            let op = operation_name(&operation)?;
            Ok((op, CallOptions::from_json(&from_js(&options, "options")?)?))
        };
        match read() {
            Ok((op, options)) => self.run(Run::Call(options), op, &params, "params"),
            Err(e) => reject(e),
        }
    }

    /// The one promise body of every client method above: one state machine
    /// for all of them instead of one per method. `name` is the preview's
    /// method or the call's operation; `what` names `args` in errors.
    fn run(&self, run: Run, name: String, args: &JsValue, what: &str) -> Promise {
        let args = match from_js(args, what) {
            Ok(a) => a,
            Err(e) => return reject(e),
        };
        let c = self.inner.clone();
        promise(async move {
            let result = match run {
                Run::Points(m) => c.unified_or_preview(m, &name, &args).await,
                Run::Call(options) => c.call_with(&name, &args, &options).await,
            }
            .map_err(error::to_js)?;
            to_js(&result).map_err(error::to_js)
        })
    }
}

/// Which client method [`JsClient::run`] runs.
enum Run {
    /// A unified call, or with `None` a preview of the one `name` names.
    Points(Option<Method>),
    /// `call`, with its options.
    Call(CallOptions),
}

/// The iterator `client.ledger()` returns; the package entry makes it an
/// async iterable (`for await … of`).
#[wasm_bindgen]
pub struct LedgerIter {
    client: Rc<Client<FetchTransport>>,
    /// `None` while a `next()` is pending.
    walk: Rc<RefCell<Option<LedgerWalk>>>,
}

#[wasm_bindgen]
impl LedgerIter {
    /// Resolves to `{ done, value }` as the async-iterator protocol wants.
    pub fn next(&self) -> Promise {
        let Some(mut walk) = self.walk.borrow_mut().take() else {
            return reject(Error::invalid_input(
                "ledger: next() called while the previous next() is still pending",
            ));
        };
        let slot = self.walk.clone();
        let client = self.client.clone();
        promise(async move {
            let r = walk.next(&client).await;
            let done = !matches!(r, Ok(Some(_)));
            if !done {
                *slot.borrow_mut() = Some(walk);
            }
            let value = match r.map_err(error::to_js)? {
                Some(entry) => to_js(&entry).map_err(error::to_js)?,
                None => JsValue::UNDEFINED,
            };
            Ok(jifen_step(done, &value))
        })
    }

    /// Ends the walk early (`break` in `for await` calls this).
    #[wasm_bindgen(js_name = return)]
    pub fn finish(&self) -> Promise {
        self.walk.borrow_mut().take();
        Promise::resolve(&jifen_done())
    }
}

/// `capabilities(vendor)`: what the unified calls do on `vendor` (`"kingdee"`,
/// `"freemud"`, `"qimai"`, `"qimai-v2"`, or a config object), as data.
#[wasm_bindgen]
pub fn capabilities(vendor: JsValue) -> std::result::Result<JsValue, JsValue> {
    let mapping = match vendor.as_string() {
        Some(name) => vendors::mapping_named(&name).ok_or_else(|| {
            Error::invalid_input(format!(
                "capabilities: vendor must be {}",
                vendors::mapping_names()
            ))
        }),
        None => from_js(&vendor, "vendor")
            .and_then(|config| Ok(vendors::vendor_of(&config)?.mapping_for(&config))),
    }
    .map_err(error::to_js)?;
    to_js(&caps::to_json(mapping)).map_err(error::to_js)
}
