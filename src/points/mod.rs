//! The unified points model: one set of calls (adjust, balance, ledger, member)
//! mapped onto each vendor's own operations. Pure: this module says which
//! vendor operation to call with which params, and what a reply means in
//! points terms; [`crate::client`] does the calling.
//!
//! Each vendor needs its own identifier for each call (Kingdee adjusts by
//! mobile but reads by member id; Freemud works by `memberId`; Qimai by
//! `customerId`). [`need`] says which, [`lookup`] plans the vendor's own lookup
//! for what the caller did not give, and [`read_lookup`] reads its answer.

pub mod capabilities;
mod freemud;
mod kingdee;
pub mod ledger;
mod qimai;
pub mod reasons;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::params::Params;
pub use reasons::{Reason, Sign};

/// A vendor and, for Qimai, the API family the unified calls use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Kingdee JDY v2.
    Kingdee,
    /// Freemud 开个店.
    Freemud,
    /// Qimai v3 paths.
    QimaiV3,
    /// Qimai v2 gateway Actions (no deduction, no balance query of its own).
    QimaiV2,
}

impl Flavor {
    /// The vendor's name.
    pub fn vendor(self) -> &'static str {
        match self {
            Flavor::Kingdee => "kingdee",
            Flavor::Freemud => "freemud",
            Flavor::QimaiV3 | Flavor::QimaiV2 => "qimai",
        }
    }

    /// The flavor a client config selects (Qimai's `version` picks the family).
    pub fn of_config(config: &Json) -> Result<Flavor> {
        let vendor = crate::vendors::vendor_of(config)?;
        let name = match (vendor, config.get("version").and_then(Json::as_str)) {
            ("qimai", Some("v2")) => "qimai-v2",
            (v, _) => v,
        };
        Flavor::from_name(name)
            .ok_or_else(|| Error::unsupported("this vendor is not available in this build"))
    }

    /// `kingdee`, `freemud`, `qimai` (v3) or `qimai-v2`.
    pub fn from_name(name: &str) -> Option<Flavor> {
        match name {
            "kingdee" => Some(Flavor::Kingdee),
            "freemud" => Some(Flavor::Freemud),
            "qimai" | "qimai-v3" => Some(Flavor::QimaiV3),
            "qimai-v2" => Some(Flavor::QimaiV2),
            _ => None,
        }
    }
}

/// A unified call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `adjustPoints`.
    Adjust,
    /// `getBalance`.
    Balance,
    /// `ledger` / `ledgerPage`.
    Ledger,
    /// `getMember`.
    Member,
}

/// Which identifier a vendor operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The vendor's member id.
    Id,
    /// The mobile number.
    Mobile,
    /// The member id and the card id, both.
    IdAndCard,
    /// The member id or the mobile number.
    IdOrMobile,
    /// Any one identifier.
    Any,
}

impl Need {
    /// Whether `m` carries what is needed.
    pub fn met_by(self, m: &Member) -> bool {
        match self {
            Need::Id => m.id.is_some(),
            Need::Mobile => m.mobile.is_some(),
            Need::IdAndCard => m.id.is_some() && m.card_id.is_some(),
            Need::IdOrMobile => m.id.is_some() || m.mobile.is_some(),
            Need::Any => m.id.is_some() || m.mobile.is_some() || m.card_id.is_some(),
        }
    }

    /// What is needed, in words (`member.id and member.cardId`).
    pub fn describe(self) -> String {
        match self {
            Need::Id => "member.id",
            Need::Mobile => "member.mobile",
            Need::IdAndCard => "member.id and member.cardId",
            Need::IdOrMobile => "member.id or member.mobile",
            Need::Any => "member.id or member.mobile or member.cardId",
        }
        .to_string()
    }

    /// How the docs name what is needed.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Need::Id => &["id"],
            Need::Mobile => &["mobile"],
            Need::IdAndCard => &["id", "cardId"],
            Need::IdOrMobile => &["id", "mobile"],
            Need::Any => &["id", "mobile", "cardId"],
        }
    }
}

/// A member as the caller knows it: any of the vendor's member id, the mobile
/// number and the card id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Member {
    /// The vendor's member id (Kingdee `member_id`, Freemud `memberId`, Qimai `customerId`).
    pub id: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// Card id (Kingdee `member_card_id`, Qimai card number).
    pub card_id: Option<String>,
}

const MAX_IDENT: usize = 64;

fn ident(p: &Params, key: &str) -> Result<Option<String>> {
    let v = match p.get(key) {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::String(s)) => s,
        // A 19-digit id as a JS number has already lost its last digits.
        Some(_) => {
            return Err(Error::invalid_input(format!(
                "`member.{key}` must be a string"
            )))
        }
    };
    let v = v.trim().to_string();
    if v.is_empty() || v.len() > MAX_IDENT || v.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "`member.{key}` must be 1–{MAX_IDENT} characters without control characters"
        )));
    }
    Ok(Some(v))
}

impl Member {
    /// Reads `{ id?, mobile?, cardId? }`; at least one is required.
    pub fn from_json(j: Option<&Json>) -> Result<Member> {
        let j = j.ok_or_else(|| Error::invalid_input("`member` is required"))?;
        if j.as_object().is_none() {
            return Err(Error::invalid_input(
                "`member` must be an object { id?, mobile?, cardId? }",
            ));
        }
        let p = Params::new(j)?;
        p.only(&["id", "mobile", "cardId"])
            .map_err(|e| Error::invalid_input(format!("member: {}", e.message)))?;
        let m = Member {
            id: ident(&p, "id")?,
            mobile: ident(&p, "mobile")?,
            card_id: ident(&p, "cardId")?,
        };
        if let Some(mobile) = &m.mobile {
            if !(mobile.len() >= 5 && mobile.bytes().all(|b| b.is_ascii_digit() || b == b'+')) {
                return Err(Error::invalid_input(
                    "`member.mobile` must be a phone number (digits)",
                ));
            }
        }
        if !Need::Any.met_by(&m) {
            return Err(Error::invalid_input(
                "`member` needs at least one of `id`, `mobile`, `cardId`",
            ));
        }
        Ok(m)
    }

    /// Fills what `self` lacks from `other`.
    pub fn merge(&mut self, other: &Member) {
        for (mine, theirs) in [
            (&mut self.id, &other.id),
            (&mut self.mobile, &other.mobile),
            (&mut self.card_id, &other.card_id),
        ] {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
    }

    /// Keys under which a resolution of this member is cached.
    pub fn cache_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for (kind, v) in [
            ("id:", &self.id),
            ("mobile:", &self.mobile),
            ("card:", &self.card_id),
        ] {
            if let Some(v) = v {
                keys.push(format!("{kind}{v}"));
            }
        }
        keys
    }

    /// As `{ id?, mobile?, cardId? }`.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("id", self.id.as_deref().map(Json::str)),
            ("mobile", self.mobile.as_deref().map(Json::str)),
            ("cardId", self.card_id.as_deref().map(Json::str)),
        ])
    }
}

/// One vendor operation to call.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The vendor-native operation id (as `Client::call` takes it).
    pub op: &'static str,
    /// Its params.
    pub params: Json,
}

impl Plan {
    fn new<const N: usize>(op: &'static str, params: [(&str, Option<Json>); N]) -> Plan {
        Plan {
            op,
            params: Json::object(params),
        }
    }
}

/// `adjustPoints` arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjust {
    /// Whose points.
    pub member: Member,
    /// Non-zero; positive earns, negative spends.
    pub delta: i64,
    /// Why.
    pub reason: Reason,
    /// The caller's key for this change; the same key never applies twice.
    pub idempotency_key: String,
    /// The order the change belongs to.
    pub order_id: Option<String>,
    /// Free text.
    pub remark: Option<String>,
}

/// Largest |delta| accepted (the vendors' integer fields are 32-bit).
pub const MAX_DELTA: i64 = 2_147_483_647;

impl Adjust {
    /// Reads `{ member, delta, reason, idempotencyKey, orderId?, remark? }`.
    pub fn from_json(j: &Json) -> Result<Adjust> {
        let p = Params::new(j)?;
        p.only(&[
            "member",
            "delta",
            "reason",
            "idempotencyKey",
            "orderId",
            "remark",
        ])?;
        let member = Member::from_json(p.get("member"))?;
        let delta = match p.get("delta") {
            Some(Json::Number(_)) => p.req_int("delta")?,
            Some(_) => return Err(Error::invalid_input("`delta` must be an integer number")),
            None => return Err(Error::invalid_input("`delta` is required")),
        };
        if delta == 0 || delta.abs() > MAX_DELTA {
            return Err(Error::invalid_input(
                "`delta` must be a non-zero integer within ±2147483647",
            ));
        }
        let name = p.req_str("reason")?;
        let reason = Reason::from_name(&name).ok_or_else(|| {
            Error::invalid_input(format!(
                "`reason` `{}` is not one of: {}",
                crate::core::error::scrub(&name, 40),
                reasons::NAMES.join(", ")
            ))
        })?;
        let sign_ok = match reason.sign() {
            Sign::Earn => delta > 0,
            Sign::Spend => delta < 0,
        };
        if !sign_ok {
            let want = if reason.sign() == Sign::Earn {
                "positive"
            } else {
                "negative"
            };
            return Err(Error::invalid_input(format!(
                "`reason` {} needs a {want} `delta`",
                reason.name()
            )));
        }
        let key = p.req_str("idempotencyKey")?;
        if key.is_empty()
            || key.len() > MAX_IDENT
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        {
            return Err(Error::invalid_input(
                "`idempotencyKey` must be 1–64 characters of A–Z a–z 0–9 - _ . :",
            ));
        }
        let text = |k: &str, max: usize| -> Result<Option<String>> {
            match p.opt_str(k)? {
                Some(v) if v.chars().count() > max => Err(Error::invalid_input(format!(
                    "`{k}` must be at most {max} characters"
                ))),
                Some(v) if v.is_empty() => Ok(None),
                other => Ok(other),
            }
        };
        Ok(Adjust {
            member,
            delta,
            reason,
            idempotency_key: key,
            order_id: text("orderId", 64)?,
            remark: text("remark", 200)?,
        })
    }

    /// What makes two adjustments "the same change" (the key aside). Fields are
    /// joined by `|`; a `|` or `\` inside a text field is escaped with `\`, so
    /// that text moved from one field to the next (orderId `A|B` + remark `C`
    /// against orderId `A` + remark `B|C`) is another change. Fields without
    /// either character read as they always did (stored fingerprints stay valid).
    pub fn fingerprint(&self) -> String {
        let delta = self.delta.to_string();
        let fields = [
            self.member.id.as_deref(),
            self.member.mobile.as_deref(),
            self.member.card_id.as_deref(),
            Some(delta.as_str()),
            Some(self.reason.name()),
            self.order_id.as_deref(),
            self.remark.as_deref(),
        ];
        let mut out = String::new();
        for (i, field) in fields.into_iter().enumerate() {
            if i > 0 {
                out.push('|');
            }
            for c in field.unwrap_or_default().chars() {
                if matches!(c, '|' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        out
    }

    /// The vendor code for this adjustment's reason, or `unsupported`.
    pub fn code(&self, flavor: Flavor) -> Result<reasons::VendorCode> {
        self.reason.vendor_code(flavor).ok_or_else(|| {
            Error::unsupported(format!(
                "{} cannot record reason `{}` (see capabilities().reasons)",
                flavor.vendor(),
                self.reason.name()
            ))
            .with_vendor(flavor.vendor())
        })
    }
}

/// Which identifier `call` needs on `flavor`.
pub fn need(flavor: Flavor, call: Call) -> Need {
    match flavor {
        Flavor::Kingdee => kingdee::need(call),
        Flavor::Freemud => freemud::need(call),
        Flavor::QimaiV3 | Flavor::QimaiV2 => qimai::need(call),
    }
}

/// The vendor lookup that finds what `member` lacks for `need`, or
/// `invalid_input` when the vendor has none.
pub fn lookup(flavor: Flavor, member: &Member, need: Need) -> Result<Plan> {
    match flavor {
        Flavor::Kingdee => kingdee::lookup(member, need),
        Flavor::Freemud => freemud::lookup(member, need),
        Flavor::QimaiV3 => qimai::lookup(member, need, true),
        Flavor::QimaiV2 => qimai::lookup(member, need, false),
    }
}

/// Reads a lookup's result (from `Client::call`) into what it found.
pub fn read_lookup(flavor: Flavor, result: &Json) -> Result<Member> {
    match flavor {
        Flavor::Kingdee => kingdee::read_lookup(result),
        Flavor::Freemud => freemud::read_lookup(result),
        Flavor::QimaiV3 | Flavor::QimaiV2 => qimai::read_lookup(result),
    }
}

/// The vendor call for an adjustment (member already resolved).
pub fn adjust_plan(flavor: Flavor, a: &Adjust) -> Result<Plan> {
    match flavor {
        Flavor::Kingdee => kingdee::adjust_plan(a),
        Flavor::Freemud => freemud::adjust_plan(a),
        Flavor::QimaiV3 => qimai::adjust_plan(a, true),
        Flavor::QimaiV2 => qimai::adjust_plan(a, false),
    }
}

/// `{ applied, balance?, vendorRef?, raw }` from the vendor's reply.
pub fn adjust_result(flavor: Flavor, raw: Json) -> Json {
    let (balance, vendor_ref) = match flavor {
        // A reply settled from the ledger carries the ledger row (client/kingdee_reconcile.rs).
        Flavor::Kingdee => match raw.get("record") {
            Some(r) => (int(r, "integral"), r.text_at("id")),
            None => (None, None),
        },
        Flavor::Freemud => (int(&raw, "currentScore"), None),
        Flavor::QimaiV3 | Flavor::QimaiV2 => (int(&raw, "totalPoints"), raw.text_at("flowId")),
    };
    Json::object([
        ("applied", Some(Json::Bool(true))),
        ("balance", balance.map(Json::int)),
        ("vendorRef", vendor_ref.map(Json::String)),
        ("raw", Some(raw)),
    ])
}

/// The vendor call for a balance.
pub fn balance_plan(flavor: Flavor, m: &Member) -> Result<Plan> {
    match flavor {
        Flavor::Kingdee => kingdee::balance_plan(m),
        Flavor::Freemud => freemud::balance_plan(m),
        Flavor::QimaiV3 => qimai::balance_plan(m, true),
        Flavor::QimaiV2 => qimai::balance_plan(m, false),
    }
}

/// `{ available, total?, used?, pending?, raw }` from the vendor's reply.
pub fn balance_result(flavor: Flavor, raw: Json) -> Result<Json> {
    let (available, total, used, pending) = match flavor {
        Flavor::Kingdee => {
            let i = raw.get("integral");
            let f = |k: &str| i.and_then(|i| int(i, k));
            (f("usable"), f("total"), None, f("pre"))
        }
        Flavor::Freemud => (
            int(&raw, "currentScore"),
            int(&raw, "totalScore"),
            int(&raw, "usedScore"),
            None,
        ),
        Flavor::QimaiV3 => (int(&raw, "totalPoints"), None, None, None),
        Flavor::QimaiV2 => (
            raw.get("user_info").and_then(|u| int(u, "user_points")),
            None,
            None,
            None,
        ),
    };
    let available = available.ok_or_else(|| {
        Error::parse("the vendor's balance reply has no current balance")
            .with_vendor(flavor.vendor())
    })?;
    Ok(Json::object([
        ("available", Some(Json::int(available))),
        ("total", total.map(Json::int)),
        ("used", used.map(Json::int)),
        ("pending", pending.map(Json::int)),
        ("raw", Some(raw)),
    ]))
}

/// The vendor call for a member's profile.
pub fn member_plan(flavor: Flavor, m: &Member) -> Result<Plan> {
    match flavor {
        Flavor::Kingdee => kingdee::balance_plan(m),
        Flavor::Freemud => freemud::member_plan(m),
        Flavor::QimaiV3 => qimai::member_plan(m, true),
        Flavor::QimaiV2 => qimai::member_plan(m, false),
    }
}

/// The common member shape from the vendor's reply.
pub fn member_result(flavor: Flavor, raw: Json) -> Result<Json> {
    let m = match flavor {
        Flavor::Kingdee => kingdee::member_fields(&raw),
        Flavor::Freemud => freemud::member_fields(&raw),
        Flavor::QimaiV3 | Flavor::QimaiV2 => qimai::member_fields(&raw),
    };
    let id = m.id.filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::parse("the vendor's member reply has no member id").with_vendor(flavor.vendor())
    })?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty()).map(Json::String);
    Ok(Json::object([
        ("id", Some(Json::String(id))),
        ("name", nonempty(m.name)),
        ("mobile", nonempty(m.mobile)),
        ("cardId", nonempty(m.card_id)),
        ("level", nonempty(m.level)),
        ("registeredAt", m.registered_at.as_deref().map(iso_time)),
        ("points", m.points.map(Json::int)),
        ("raw", Some(raw)),
    ]))
}

/// Profile fields a vendor reply carries.
#[derive(Debug, Default)]
struct MemberFields {
    id: Option<String>,
    name: Option<String>,
    mobile: Option<String>,
    card_id: Option<String>,
    level: Option<String>,
    registered_at: Option<String>,
    points: Option<i64>,
}

/// An integer field, read leniently (vendors send numbers or numeric strings).
fn int(j: &Json, key: &str) -> Option<i64> {
    j.get_present(key).and_then(Json::as_i64_lenient)
}

/// A vendor time (`yyyy-MM-dd HH:mm:ss`, China Standard Time, or epoch ms) as
/// ISO 8601 with its `+08:00` offset. Anything else is passed through as text.
pub fn iso_time(t: &str) -> Json {
    if t.len() == 13 && t.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(ms) = t.parse::<i64>() {
            return Json::String(cst_from_epoch_ms(ms));
        }
    }
    Json::String(cst_iso(t).unwrap_or_else(|| t.to_string()))
}

/// `yyyy-MM-dd HH:mm:ss` → `yyyy-MM-ddTHH:mm:ss+08:00`, if `t` has that shape.
fn cst_iso(t: &str) -> Option<String> {
    if !crate::vendors::params::is_datetime(t) {
        return None;
    }
    // `get` rather than `split_at`: no panic path (is_datetime checked the shape).
    let (date, time) = (t.get(..10)?, t.get(11..)?);
    Some(format!("{date}T{time}+08:00"))
}

/// Epoch ms → `yyyy-MM-ddTHH:mm:ss+08:00`.
pub fn cst_from_epoch_ms(ms: i64) -> String {
    let local = crate::core::time::format_cst(ms);
    cst_iso(&local).unwrap_or(local)
}

// Native only (proptest, base64, crate::testing): `wasm-pack test` builds every test
// target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
