//! The vendors: one folder each, pure (build, sign, parse), no transport.
//!
//! A vendor is one value behind one trait, [`Vendor`], and the vendors are
//! listed once, in [`ALL`]. Everything above this module reaches a vendor
//! through that list and the trait: nothing outside a vendor's folder matches
//! on its name. A vendor's folder holds its configuration ([`Account`], the
//! config read and checked), its operations, signing, reply parsing and error
//! table, and its points mapping ([`crate::points::Mapping`]).
//!
//! Sans-IO: a vendor builds, signs and parses; time, nonces and asynchronous
//! signatures (RSA through the platform) are passed in, and the client does the
//! sending (`crate::client`).

pub mod call_options;
pub mod config;
pub mod freemud;
pub mod generic;
pub mod kingdee;
mod options;
pub mod param_schema;
pub mod params;
pub mod qimai;
pub mod result_schema;

use crate::core::clock::Entropy;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::request::{HttpResponse, SignedRequest};
use crate::points::Mapping;
use crate::retry::Delivery;
pub use options::DryRunOptions;

/// One vendor: its name, how its config is read, and its points mappings.
pub trait Vendor: Sync {
    /// The name a config gives as `vendor` (`kingdee`).
    fn name(&self) -> &'static str;
    /// How messages name it (`Kingdee`).
    fn title(&self) -> &'static str;
    /// Reads and checks a config that names this vendor (`config` errors name
    /// the field, never its value).
    fn read(&self, config: &Json) -> Result<Box<dyn Account>>;
    /// Every points mapping this vendor offers (one per API family), the
    /// default first.
    fn mappings(&self) -> &'static [&'static dyn Mapping];
    /// The mapping a config selects, read without checking the rest of it
    /// (`capabilities(config)`).
    fn mapping_for(&self, config: &Json) -> &'static dyn Mapping;
}

/// The vendors jifen speaks to: the one list.
pub static ALL: [&dyn Vendor; 3] = [&kingdee::Kingdee, &freemud::Freemud, &qimai::Qimai];

/// The vendor named `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Vendor> {
    ALL.into_iter().find(|v| v.name() == name)
}

/// The vendors' names (`a, b, c`; `last` " or ": `a, b or c`), in [`ALL`]'s order.
fn vendor_names(last: &str) -> String {
    let mut out = String::new();
    for (i, v) in ALL.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == ALL.len() { last } else { ", " });
        }
        out.push_str(v.name());
    }
    out
}

/// The vendor `config.vendor` names.
pub fn vendor_of(config: &Json) -> Result<&'static dyn Vendor> {
    let name = config.get("vendor").and_then(Json::as_str).ok_or_else(|| {
        Error::config(format!(
            "config.vendor is required: one of {}",
            vendor_names(", ")
        ))
    })?;
    by_name(name).ok_or_else(|| {
        Error::config(format!(
            "unknown vendor `{}`: expected {}",
            crate::core::error::scrub(name, 40),
            vendor_names(" or ")
        ))
    })
}

/// The points mapping named `name` (`kingdee`, `qimai`, `qimai-v2`, …), as
/// `capabilities(name)` takes it.
pub fn mapping_named(name: &str) -> Option<&'static dyn Mapping> {
    for v in ALL {
        for m in v.mappings() {
            if m.names().contains(&name) {
                return Some(*m);
            }
        }
    }
    None
}

/// The mappings' canonical names, as `capabilities` lists them: `a, b, c or d`.
pub fn mapping_names() -> String {
    let mut all: Vec<&str> = Vec::new();
    for v in ALL {
        for m in v.mappings() {
            all.push(m.name());
        }
    }
    let mut out = String::new();
    for (i, n) in all.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == all.len() { " or " } else { ", " });
        }
        out.push_str(n);
    }
    out
}

/// A vendor config, read and checked: the typed account that signs. Each
/// vendor's config type implements it; their `Debug` shows no secret. (Not a
/// supertrait: the vtables would keep every `Debug` in the wasm.)
pub trait Account {
    /// Its vendor.
    fn vendor(&self) -> &'static dyn Vendor;
    /// The points mapping the unified calls use with this account.
    fn mapping(&self) -> &'static dyn Mapping;
    /// Builds and signs `op` with `params` at `timestamp_ms`; values `options`
    /// does not pin (the nonce) are drawn from `entropy`. A vendor that signs
    /// asynchronously ([`Account::prepare_external`]) refuses with `unsupported`.
    fn build_sync(
        &self,
        op: &str,
        params: &Json,
        options: &DryRunOptions,
        timestamp_ms: u64,
        entropy: &dyn Entropy,
    ) -> Result<SignedRequest>;
    /// For a vendor whose signature is made outside this crate (RSA through
    /// the platform's WebCrypto): the call checked, with the bytes to sign.
    /// `None`: [`Account::build_sync`] signs it.
    fn prepare_external(
        &self,
        op: &str,
        params: &Json,
        call: &call_options::CallOptions,
    ) -> Result<Option<Box<dyn ExternallySigned + '_>>> {
        let _ = (op, params, call);
        Ok(None)
    }
    /// The private key (PKCS#8 DER) an external signature needs, where one
    /// is needed (a dev switch may turn signing off).
    fn rsa_key(&self) -> Option<&[u8]> {
        None
    }
    /// Non-secret ids naming the account (`<vendor>:<ids>`): the namespace
    /// of its idempotency keys in a store shared with other accounts.
    fn key_scope(&self) -> String;
    /// Where an earlier version kept this account's keys, if their namespace
    /// has changed since; a key found there is refused, never guessed.
    fn legacy_key_scope(&self) -> Option<String> {
        None
    }
    /// Checks `op` with `params` once for a call the client sends with
    /// retries, each attempt signed afresh by [`PreparedCall::sign`]. A
    /// vendor whose protocol needs more between attempts (a session token, a
    /// platform signature) has its own client-side flow and answers
    /// `unsupported` here.
    fn prepare_call(
        &self,
        op: &str,
        params: &Json,
        call: &call_options::CallOptions,
    ) -> Result<Box<dyn PreparedCall + '_>> {
        let _ = (op, params, call);
        Err(Error::unsupported(format!(
            "{} calls are sent by their own client-side flow",
            self.vendor().title()
        ))
        .with_vendor(self.vendor().name()))
    }
    /// The account as `Any`: a client-side flow written for one vendor's
    /// account type finds its accounts by it (`client/session.rs`).
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A checked call, sent by the client with retries: every attempt signed
/// afresh, every reply parsed and judged here. Sans-IO: time and randomness
/// come in.
pub trait PreparedCall {
    /// Whether repeating it is safe at the vendor.
    fn idempotent(&self) -> bool;
    /// The request for one attempt at `now_ms` (vendor time as far as the
    /// client knows it), its nonce drawn from `entropy`.
    fn sign(&self, now_ms: u64, entropy: &dyn Entropy) -> SignedRequest;
    /// The reply's data, or the vendor's error.
    fn parse(&self, reply: &HttpResponse) -> Result<Json>;
    /// Whether an error proves the vendor did nothing.
    fn delivery(&self, error: &Error) -> Delivery;
    /// The typed result from the reply's data.
    fn result(&self, data: Json) -> Result<Json>;
}

/// A checked call waiting for its external (RSA) signature.
pub trait ExternallySigned {
    /// What the signature covers.
    fn payload(&self) -> String;
    /// The signed request, given the signature over [`ExternallySigned::payload`]
    /// (`None` where the account needs none); per-request values `options`
    /// does not pin are drawn from `entropy`.
    fn finish(
        &self,
        signature: Option<&[u8]>,
        options: &DryRunOptions,
        entropy: &dyn Entropy,
    ) -> Result<SignedRequest>;
}

/// The `unsupported` refusal of an operation id no table knows:
/// "unknown {title} operation `{id}`{hint}; known: {known…}".
pub(crate) fn unknown_operation(
    vendor: &'static str,
    title: &str,
    id: &str,
    hint: &str,
    known: &[&str],
) -> Error {
    let mut m = String::from("unknown ");
    m.push_str(title);
    m.push_str(" operation `");
    m.push_str(&crate::core::error::scrub(id, 80));
    m.push('`');
    m.push_str(hint);
    m.push_str("; known: ");
    m.push_str(&known.join(", "));
    Error::unsupported(m).with_vendor(vendor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vendor: &str) -> Json {
        Json::object([("vendor", Some(Json::str(vendor)))])
    }

    #[test]
    fn the_list_names_each_vendor_once_and_finds_it_by_name() {
        for (i, v) in ALL.iter().enumerate() {
            assert!(!v.title().is_empty());
            let same = ALL.iter().filter(|w| w.name() == v.name()).count();
            assert_eq!(same, 1, "{}", v.name());
            assert_eq!(by_name(v.name()).map(|f| f.name()), Some(v.name()));
            let found = vendor_of(&config(v.name())).unwrap();
            assert!(std::ptr::addr_eq(found, ALL[i]), "{}", v.name());
        }
        assert!(by_name("Kingdee").is_none());
        let e = vendor_of(&config("acme")).err().unwrap();
        let none = vendor_of(&Json::object([("x", Some(Json::int(1)))]))
            .err()
            .unwrap();
        for v in ALL {
            assert!(e.message.contains(v.name()), "{}", e.message);
            assert!(none.message.contains(v.name()), "{}", none.message);
        }
    }

    #[test]
    fn every_mapping_belongs_to_its_vendor_and_answers_to_its_names() {
        let mut seen = Vec::new();
        for v in ALL {
            assert!(!v.mappings().is_empty(), "{}", v.name());
            let default = v.mapping_for(&config(v.name()));
            assert_eq!(default.name(), v.mappings()[0].name(), "{}", v.name());
            for m in v.mappings() {
                assert_eq!(m.vendor(), v.name());
                for n in m.names() {
                    assert!(!seen.contains(n), "{n} names two mappings");
                    seen.push(*n);
                    assert_eq!(mapping_named(n).map(|f| f.name()), Some(m.name()));
                }
                assert!(mapping_names().contains(m.name()));
            }
        }
        assert!(mapping_named("acme").is_none());
    }
}
