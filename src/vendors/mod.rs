//! The vendors: one folder each, pure (build, sign, parse), no transport.
//!
//! A vendor is one value behind two traits: [`SigningVendor`] (its names and
//! its config read as a [`SigningAccount`], all that `buildRequest`, `Signer`
//! and `verifyCallback` use) and [`Vendor`] on top of it (its config as the
//! client's [`Account`], its points mappings). The vendors are listed once
//! (the `vendors!` line below), which makes [`ALL`] and [`SIGNING`]. Signing
//! never names the client's traits, so a wasm without the client (`jifen/sign`)
//! holds no vtable that reaches the points mappings, reply parsing or error
//! tables (docs/size.md). Everything above this module reaches a vendor
//! through the lists and the traits: nothing outside a vendor's folder
//! matches on its name. A vendor's folder holds its configuration (the config
//! read and checked), its operations, signing, reply parsing and error table,
//! and its points mapping ([`crate::points::Mapping`]).
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
pub use options::DryRunOptions;

/// What signing needs of a vendor: its names and its config read for
/// signing. `buildRequest`, `Signer` and `verifyCallback` reach a vendor
/// through this trait only, so a wasm without the client (`jifen/sign`) has
/// no vtable that reaches the points mappings, reply parsing or error tables.
pub trait SigningVendor: Sync {
    /// The name a config gives as `vendor` (`kingdee`).
    fn name(&self) -> &'static str;
    /// How messages name it (`Kingdee`).
    fn title(&self) -> &'static str;
    /// Reads and checks a config that names this vendor, for signing
    /// (`config` errors name the field, never its value).
    fn read_signing(&self, config: &Json) -> Result<Box<dyn SigningAccount>>;
}

/// One vendor as the client uses it: signing, its config as an [`Account`],
/// and its points mappings.
pub trait Vendor: SigningVendor {
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

/// Lists the vendors once, as the client sees them ([`ALL`]) and as signing
/// does ([`SIGNING`]): two lists of the same values in the same order, so that
/// what signs never names the client's traits.
macro_rules! vendors {
    ($($v:expr),+ $(,)?) => {
        /// The vendors jifen speaks to: the one list.
        pub static ALL: [&dyn Vendor; [$(stringify!($v)),+].len()] = [$(&$v),+];
        /// [`ALL`] as signing reaches it.
        pub static SIGNING: [&dyn SigningVendor; [$(stringify!($v)),+].len()] = [$(&$v),+];
    };
}

vendors!(kingdee::Kingdee, freemud::Freemud, qimai::Qimai);

/// The vendor named `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Vendor> {
    ALL.into_iter().find(|v| v.name() == name)
}

/// The vendors' names (`a, b, c`; `last` " or ": `a, b or c`), in the lists' order.
fn vendor_names(last: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for v in SIGNING {
        names.push(v.name());
    }
    listed(&names, last)
}

/// `a, b, c` with `last` before the final name (`" or "`: `a, b or c`).
fn listed(names: &[&str], last: &str) -> String {
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == names.len() { last } else { ", " });
        }
        out.push_str(n);
    }
    out
}

/// The vendor of `list` that `config.vendor` names (one reader for both
/// lists; a generic, not a position shared between them: measured smaller in
/// `jifen/sign`, docs/size.md).
fn named_in<V: SigningVendor + ?Sized>(list: &[&'static V], config: &Json) -> Result<&'static V> {
    let name = config.get("vendor").and_then(Json::as_str).ok_or_else(|| {
        Error::config(format!(
            "config.vendor is required: one of {}",
            vendor_names(", ")
        ))
    })?;
    list.iter()
        .find(|v| v.name() == name)
        .copied()
        .ok_or_else(|| {
            Error::config(format!(
                "unknown vendor `{}`: expected {}",
                crate::core::error::scrub(name, 40),
                vendor_names(" or ")
            ))
        })
}

/// The vendor `config.vendor` names.
pub fn vendor_of(config: &Json) -> Result<&'static dyn Vendor> {
    named_in(&ALL, config)
}

/// The vendor `config.vendor` names, as signing reaches it.
pub fn signing_vendor_of(config: &Json) -> Result<&'static dyn SigningVendor> {
    named_in(&SIGNING, config)
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
    listed(&all, " or ")
}

/// A vendor config, read and checked for signing: what `buildRequest` and
/// the JS `Signer` keep. Each vendor's config type implements it; their
/// `Debug` shows no secret. (Not a supertrait: the vtables would keep every
/// `Debug` in the wasm.)
pub trait SigningAccount {
    /// Its vendor, as signing knows it.
    fn signing_vendor(&self) -> &'static dyn SigningVendor;
    /// Builds and signs `op` with `params` at `timestamp_ms`; values `options`
    /// does not pin (the nonce) are drawn from `entropy`. A vendor that signs
    /// asynchronously ([`SigningAccount::prepare_external`]) refuses with `unsupported`.
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
    /// `None`: [`SigningAccount::build_sync`] signs it.
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
}

/// A vendor config as the client uses it: signing ([`SigningAccount`]), and
/// its points mapping, reply checks, idempotency-key scope and calls.
pub trait Account: SigningAccount {
    /// Its vendor.
    fn vendor(&self) -> &'static dyn Vendor;
    /// The points mapping the unified calls use with this account.
    fn mapping(&self) -> &'static dyn Mapping;
    /// Whether replies' signatures are checked ([`PreparedCall::judge_reply`]).
    fn checks_replies(&self) -> bool {
        false
    }
    /// The public key (SPKI DER) replies are checked with, and the config
    /// field it came from (for messages); `None`: replies stay unchecked.
    fn reply_key(&self) -> Option<(&'static str, &[u8])> {
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
    /// vendor whose protocol needs more between calls (a session token) has
    /// its own client-side flow and answers `unsupported` here.
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
/// afresh, every reply parsed and judged here. Sans-IO: time, randomness and
/// a platform signature come in.
pub trait PreparedCall {
    /// Whether repeating it is safe at the vendor.
    fn idempotent(&self) -> bool;
    /// What a platform signature (RSA through WebCrypto) must cover, made
    /// once per call with [`SigningAccount::rsa_key`]; `None`: no such signature.
    fn external_payload(&self) -> Option<String> {
        None
    }
    /// The request for one attempt at `now_ms` (vendor time as far as the
    /// client knows it), per-attempt values drawn from `entropy`, with the
    /// platform `signature` over [`PreparedCall::external_payload`] if one was made.
    fn sign(
        &self,
        now_ms: u64,
        entropy: &dyn Entropy,
        signature: Option<&[u8]>,
    ) -> Result<SignedRequest>;
    /// The reply's data, or the vendor's error (judged for a retry); with
    /// the reply's signature where the vendor signs replies.
    fn parse(&self, reply: &HttpResponse) -> Result<Parsed>;
    /// The typed result from the last reply's data, once the sending is
    /// over (an error here is not retried).
    fn result(&self, data: Json) -> Result<Json> {
        Ok(data)
    }
    /// The result once the last reply's signature was checked
    /// ([`Account::checks_replies`]): kept, marked, or refused by the account's policy.
    fn judge_reply(&self, result: Json, status: SignatureStatus) -> Result<Json> {
        let _ = status;
        Ok(result)
    }
}

/// A parsed reply: its data and, where the vendor signs replies, what its
/// signature covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The data (typed already, for a vendor that types it while parsing).
    pub data: Json,
    /// The reply's signature, to be checked by the client.
    pub proof: Option<ReplyProof>,
}

/// A signed reply: the text the vendor's signature covers, and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyProof {
    /// The canonical text the signature covers.
    pub signed: String,
    /// The signature as sent.
    pub signature: ReplySignature,
}

/// A reply's or push's signature as the vendor sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplySignature {
    /// None was sent.
    Absent,
    /// One was sent that does not decode (not base64).
    Unreadable,
    /// The signature's bytes.
    Bytes(Vec<u8>),
}

/// The outcome of a signature check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStatus {
    /// The signature verifies with the platform's public key.
    Valid,
    /// It does not (or is not base64).
    Invalid,
    /// There was no signature.
    Absent,
    /// Not checked: no public key.
    Unchecked,
}

impl SignatureStatus {
    /// `"valid"`, `"invalid"`, `"absent"`, `"unchecked"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Absent => "absent",
            SignatureStatus::Unchecked => "unchecked",
        }
    }
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

// Native only: proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod reason_codes_tests;

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
    fn both_lists_hold_the_same_vendors_in_the_same_order() {
        assert_eq!(ALL.len(), SIGNING.len());
        for (v, s) in ALL.iter().zip(SIGNING) {
            assert_eq!(v.name(), s.name());
            assert_eq!(v.title(), s.title());
            let c = config(v.name());
            assert_eq!(signing_vendor_of(&c).unwrap().name(), v.name());
            // A config read either way answers for the same vendor.
            let e = s.read_signing(&c).err().map(|e| e.message.clone());
            let f = v.read(&c).err().map(|e| e.message.clone());
            assert_eq!(e, f, "{}", v.name());
        }
        let e = signing_vendor_of(&config("acme")).err().unwrap();
        let f = vendor_of(&config("acme")).err().unwrap();
        assert_eq!(e.message, f.message);
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
