//! The JavaScript binding: translates between JS values and the Rust API, and
//! supplies the platform (global `fetch`, `setTimeout`, `Date.now`,
//! `crypto.getRandomValues`). No vendor logic lives here.

pub mod api;
pub use api::{build_request, capabilities, JsClient, LedgerIter};
pub use error::error_class;
mod convert;
mod env;
mod error;
mod fetch;
mod js;
mod promise;
mod store;
pub mod subtle;
