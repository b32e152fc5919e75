//! The vendors: one module each, pure (build, sign, parse), no transport.

pub mod call_options;
pub mod config;
pub mod freemud;
pub mod generic;
pub mod kingdee;
pub mod param_schema;
pub mod params;
pub mod qimai;
pub mod result_schema;

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
    m.push_str(&crate::core::text::join(known, ", "));
    Error::unsupported(m).with_vendor(vendor)
}
