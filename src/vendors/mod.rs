//! The vendors: one module each, pure (build, sign, parse), no transport.

pub mod config;
pub mod freemud;
pub mod kingdee;
pub mod params;
pub mod qimai;
pub mod schema;

use crate::core::error::{Error, Result};
use crate::core::json::Json;

/// The vendors jifen speaks to.
pub const VENDORS: [&str; 3] = ["kingdee", "freemud", "qimai"];

/// Reads `config.vendor`.
pub fn vendor_of(config: &Json) -> Result<&'static str> {
    let name = config.get("vendor").and_then(Json::as_str).ok_or_else(|| {
        Error::config("config.vendor is required: one of kingdee, freemud, qimai")
    })?;
    VENDORS.into_iter().find(|v| *v == name).ok_or_else(|| {
        Error::config(format!(
            "unknown vendor `{}`: expected kingdee, freemud or qimai",
            crate::core::error::scrub(name, 40)
        ))
    })
}
