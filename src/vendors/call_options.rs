//! Per-call choices about what a call may send and whether it may be repeated:
//! the `allowFields` and `idempotent` options of `buildRequest`, `Signer.build`,
//! `Signer.buildSync` and `Client.call` (JS), read once and handed to each
//! vendor's `prepare`.
//!
//! * **`allowFields: ["orderCode"]`** names fields that this one call may send although
//!   jifen's schema of the (known) operation does not list them: the vendor added a field
//!   jifen does not know yet. Each named field is sent as given, where that operation's
//!   fields go (Kingdee: the query of a GET, the JSON body of a POST; Freemud: the
//!   `requestBody`; Qimai: `params`, after the typed fields). Fields not named are still
//!   refused, with "did you mean" for a near miss: a typo stays an error. The option is
//!   per call on purpose: there is no global switch that would turn typos back into
//!   silently sent fields. Operations outside jifen's table take any field, so there the
//!   option changes nothing.
//! * **`idempotent: true`** is the caller's word that an operation outside jifen's table is
//!   safe to repeat (a read, or a write the vendor de-duplicates on a key in its params).
//!   Without it, jifen repeats such an operation after a lost reply only when it is a
//!   Kingdee `GET`; every other one (all of Freemud's and Qimai's, which are POSTs, and
//!   Kingdee's `POST`s) may be a write, so a lost reply is `outcome_unknown` and is never
//!   sent again. On a known operation the option is refused: jifen already knows.

use crate::core::error::{Error, Result};
use crate::core::json::Json;

/// The most names `allowFields` takes (a guard against a list built by mistake).
const MAX_ALLOWED: usize = 64;

/// What one call allows beyond the operation's schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Field names sent although the known operation's schema lacks them.
    pub allow_fields: Vec<String>,
    /// The caller's word on whether an operation outside the table is safe to repeat.
    pub idempotent: Option<bool>,
}

impl CallOptions {
    /// Reads `{ allowFields?: string[], idempotent?: boolean }` from an options
    /// object; other members are left to whoever else reads the object.
    pub fn from_json(options: &Json) -> Result<CallOptions> {
        let mut out = CallOptions::default();
        if let Some(v) = options.get_present("allowFields") {
            let refuse = || {
                Error::invalid_input(
                    "options.allowFields must be an array of at most 64 field names (non-empty strings)",
                )
            };
            let items = v.as_array().ok_or_else(refuse)?;
            if items.len() > MAX_ALLOWED {
                return Err(refuse());
            }
            for item in items {
                match item.as_str() {
                    Some(name) if !name.is_empty() => out.allow_fields.push(name.to_string()),
                    _ => return Err(refuse()),
                }
            }
        }
        if let Some(v) = options.get_present("idempotent") {
            match v {
                Json::Bool(b) => out.idempotent = Some(*b),
                _ => {
                    return Err(Error::invalid_input(
                        "options.idempotent must be true or false",
                    ))
                }
            }
        }
        Ok(out)
    }

    /// Whether `name` is allowed by this call.
    pub fn allows(&self, name: &str) -> bool {
        self.allow_fields.iter().any(|n| n == name)
    }

    /// Refuses `idempotent` on a known operation (jifen knows whether it is safe to repeat).
    pub fn refuse_idempotent_on_known(&self, op: &str) -> Result<()> {
        if self.idempotent.is_some() {
            return Err(Error::invalid_input(format!(
                "options.idempotent applies to operations outside jifen's table; jifen already knows whether `{}` is safe to repeat",
                crate::core::error::scrub(op, 80)
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<CallOptions> {
        CallOptions::from_json(&Json::parse(s).unwrap())
    }

    #[test]
    fn reads_and_refuses() {
        let o = read(r#"{"allowFields":["orderCode"],"idempotent":true,"timestamp":1}"#).unwrap();
        assert!(o.allows("orderCode") && !o.allows("order"));
        assert_eq!(o.idempotent, Some(true));
        assert_eq!(read("null").unwrap(), CallOptions::default());
        for bad in [
            r#"{"allowFields":"orderCode"}"#,
            r#"{"allowFields":[""]}"#,
            r#"{"allowFields":[1]}"#,
            r#"{"idempotent":"yes"}"#,
        ] {
            assert_eq!(
                read(bad).unwrap_err().code,
                crate::core::error::ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        let many = format!(r#"{{"allowFields":[{}]}}"#, vec![r#""a""#; 65].join(","));
        assert!(read(&many).is_err());
    }
}
