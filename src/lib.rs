//! # jifen 积分
//!
//! Build, sign and send membership-points requests to the loyalty systems
//! Chinese retailers run on: Kingdee 精斗云 (JDY) open API v2, Freemud 非码 and
//! Qimai 企迈. The same code runs natively and, compiled to WebAssembly, in
//! Cloudflare Workers, Node, Deno, Bun and browsers.
//!
//! Layers, from pure to effectful: [`core`] (request model, encoders, crypto,
//! JSON, errors), [`vendors`] (one pure module per vendor: build, sign, parse),
//! [`client`] (tokens, retries over a [`client::Transport`]), and `wasm` (the JS API).
//!
//! ```
//! use jifen::core::json::Json;
//! use jifen::vendors::kingdee::{build_request, Attempt, Config};
//!
//! let config = Config::from_json(&Json::parse(r#"{"vendor":"kingdee","clientId":"200421",
//!     "clientSecret":"made-up-test-secret","appKey":"AbCd1234","appSecret":"made-up"}"#)?)?;
//! let params = Json::parse(r#"{"mobile":"13800138000","page":"1","page_size":"10"}"#)?;
//! let attempt = Attempt { timestamp_ms: 1_700_000_000_000, nonce: "1234567890".into(), ..Default::default() };
//! let req = build_request(&config, "/jdy/v2/ls/integral_record", &params, &attempt)?;
//! assert!(req.url.ends_with("/jdy/v2/ls/integral_record?mobile=13800138000&page=1&page_size=10"));
//! assert_eq!(req.header("X-Api-Signature").map(str::len), Some(88));
//! # Ok::<(), jifen::core::error::Error>(())
//! ```

#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod client;
pub mod core;
pub mod points;
pub mod retry;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod vendors;

/// The JavaScript binding (wasm32 only). Public so wasm tests can call the
/// exported functions from Rust; JS users import the npm package instead.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use crate::client::{Client, Transport, TransportError};
pub use crate::core::error::{Error, ErrorCode, Result};
pub use crate::core::json::Json;
