//! The JavaScript binding: translates between JS values and the Rust API, and
//! supplies the platform (global `fetch`, `setTimeout`, `Date.now`,
//! `crypto.getRandomValues`). No vendor logic lives here.

pub mod api;
#[cfg(feature = "js-client")]
pub mod client;
pub use api::build_request;
#[cfg(feature = "js-client")]
pub use client::{capabilities, JsClient, LedgerIter};
pub use error::error_class;
pub use signer::JsSigner;
mod convert;
mod env;
mod error;
#[cfg(feature = "js-client")]
mod fetch;
mod js;
mod pack;
mod promise;
mod settle;
pub mod signer;
#[cfg(feature = "js-client")]
mod store;
pub mod subtle;
