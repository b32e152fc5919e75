//! What each vendor can do through the unified calls, as data: the native
//! operations used, the identifiers needed, whether a change is idempotent at
//! the vendor, and how every reason maps. The README table is this, rendered.

use super::reasons::ALL;
use super::{Call, Mapping};
use crate::core::json::Json;

/// One unified call on one vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// The unified call.
    pub call: Call,
    /// The vendor operations it uses (lookups included).
    pub native_calls: &'static [&'static str],
    /// Whether repeating it is safe at the vendor.
    pub idempotent: bool,
    /// What the caller should know.
    pub note: &'static str,
}

/// The unified calls' JS names.
pub fn call_name(call: Call) -> &'static str {
    match call {
        Call::Adjust => "adjustPoints",
        Call::Balance => "getBalance",
        Call::Ledger => "ledger",
        Call::Member => "getMember",
    }
}

/// Every capability of a vendor's mapping, in call order (each vendor's
/// table is in its folder, `vendors/<v>/points.rs`, read by [`Mapping::capabilities`]).
pub fn of(mapping: &dyn Mapping) -> &'static [Capability; 4] {
    mapping.capabilities()
}

/// A capability (for the vendors' tables, `vendors/<v>/points.rs`).
pub const fn c(
    call: Call,
    native_calls: &'static [&'static str],
    idempotent: bool,
    note: &'static str,
) -> Capability {
    Capability {
        call,
        native_calls,
        idempotent,
        note,
    }
}

/// The optional `adjustPoints` fields a vendor can carry (others are refused).
pub fn adjust_fields(mapping: &dyn Mapping) -> &'static [&'static str] {
    mapping.adjust_fields()
}

fn strs(items: &[&str]) -> Json {
    let mut out = Vec::with_capacity(items.len());
    for s in items {
        out.push(Json::str(*s));
    }
    Json::Array(out)
}

/// `{ vendor, operations: { adjustPoints: { supported, nativeCalls, needs, needsAll, idempotent, note, accepts }, … },
///    reasons: { purchase: { code, name } | null, … }, reasonSigns: { purchase: "earn", redemption: "spend", … } }`:
/// every reason of the table, each vendor's code for it, and which way it moves points.
pub fn to_json(mapping: &dyn Mapping) -> Json {
    let mut ops = Vec::new();
    for c in of(mapping) {
        ops.push((
            call_name(c.call).to_string(),
            Json::object([
                ("supported", Some(Json::Bool(true))),
                ("nativeCalls", Some(strs(c.native_calls))),
                ("needs", Some(strs(mapping.need(c.call).names()))),
                (
                    "needsAll",
                    Some(Json::Bool(mapping.need(c.call) == super::Need::IdAndCard)),
                ),
                ("idempotent", Some(Json::Bool(c.idempotent))),
                ("note", Some(Json::str(c.note))),
                (
                    "accepts",
                    (c.call == Call::Adjust).then(|| strs(adjust_fields(mapping))),
                ),
            ]),
        ));
    }
    let mut reasons = Vec::with_capacity(ALL.len());
    let mut signs = Vec::with_capacity(ALL.len());
    for r in ALL {
        signs.push((r.name().to_string(), Json::str(r.sign().name())));
        let v = r.vendor_code(mapping).map_or(Json::Null, |c| {
            Json::object([
                ("code", Some(Json::str(c.code))),
                ("name", Some(Json::str(c.name))),
            ])
        });
        reasons.push((r.name().to_string(), v));
    }
    Json::object([
        ("vendor", Some(Json::str(mapping.vendor()))),
        ("version", mapping.version().map(Json::str)),
        ("operations", Some(Json::Object(ops))),
        ("reasons", Some(Json::Object(reasons))),
        ("reasonSigns", Some(Json::Object(signs))),
    ])
}
