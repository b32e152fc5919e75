//! The unified points model: one set of calls (adjust, balance, ledger, member)
//! mapped onto each vendor's own operations. Pure: this module says which
//! vendor operation to call with which params, and what a reply means in
//! points terms; [`crate::client`] does the calling.
//!
//! The mapping itself is per vendor, behind the [`Mapping`] trait, in each
//! vendor's folder (`vendors/<v>/points.rs`). Each vendor needs its own
//! identifier for each call (Kingdee adjusts by mobile but reads by member id;
//! Freemud works by `memberId`; Qimai by `customerId`): [`Mapping::need`] says
//! which, [`Mapping::lookup`] plans the vendor's own lookup for what the caller
//! did not give, and [`Mapping::read_lookup`] reads its answer.

pub mod capabilities;
pub mod ledger;
pub mod reasons;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::params::Params;
use ledger::LedgerQuery;
pub use reasons::{Reason, Sign};

/// A vendor's points mapping (one per API family): which of its operations
/// each unified call uses, with which params, and what the replies mean in
/// points terms. Implemented in each vendor's folder (`vendors/<v>/points.rs`);
/// reached through [`crate::vendors::Account::mapping`] or by name
/// ([`crate::vendors::mapping_named`]). Pure: it plans, the client calls.
pub trait Mapping: Sync {
    /// The vendor's name (`qimai`).
    fn vendor(&self) -> &'static str;
    /// The names `capabilities(name)` takes for it, the canonical one first
    /// (`qimai`, `qimai-v3`; `qimai-v2`).
    fn names(&self) -> &'static [&'static str];
    /// The canonical name.
    fn name(&self) -> &'static str {
        self.names()
            .first()
            .copied()
            .unwrap_or_else(|| self.vendor())
    }
    /// The API family, where the vendor has more than one (`v3`).
    fn version(&self) -> Option<&'static str> {
        None
    }
    /// Which identifier `call` needs.
    fn need(&self, call: Call) -> Need;
    /// The vendor lookup that finds what `member` lacks for `need`, or
    /// `invalid_input` when the vendor has none.
    fn lookup(&self, member: &Member, need: Need) -> Result<Plan>;
    /// Reads a lookup's result (from `Client::call`) into what it found.
    fn read_lookup(&self, result: &Json) -> Result<Member>;
    /// The vendor call for an adjustment (member already resolved).
    fn adjust_plan(&self, a: &Adjust) -> Result<Plan>;
    /// The balance after a change and the vendor's reference for it, from its reply.
    fn adjust_reply(&self, raw: &Json) -> (Option<i64>, Option<String>);
    /// Whether the vendor deduplicates a change on a key it is sent (its own
    /// idempotency field). Without one, a change is settled exactly once by
    /// the client from the ledger (`client/kingdee_settle.rs`).
    fn dedupes_changes(&self) -> bool;
    /// The vendor call for a balance.
    fn balance_plan(&self, m: &Member) -> Result<Plan>;
    /// `available, total, used, pending` from the vendor's balance reply.
    fn balance_reply(&self, raw: &Json) -> Balance;
    /// The vendor call for a member's profile.
    fn member_plan(&self, m: &Member) -> Result<Plan>;
    /// The profile fields the vendor's member reply carries.
    fn member_fields(&self, raw: &Json) -> MemberFields;
    /// The vendor call for one ledger page.
    fn ledger_plan(&self, q: &LedgerQuery, page: i64) -> Result<Plan>;
    /// One ledger page in points terms from the vendor's reply to [`Mapping::ledger_plan`].
    fn ledger_read(&self, q: &LedgerQuery, page: i64, raw: &Json) -> Result<ledger::Page>;
    /// The vendor's code for `reason`, or `None` where it has none.
    fn reason_code(&self, reason: Reason) -> Option<reasons::VendorCode>;
    /// Every capability, in call order (`capabilities.rs`).
    fn capabilities(&self) -> &'static [capabilities::Capability; 4];
    /// The optional `adjustPoints` fields the vendor can carry (others are refused).
    fn adjust_fields(&self) -> &'static [&'static str];
}

impl std::fmt::Debug for dyn Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The balance fields of a vendor's balance reply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    /// What can be spent now.
    pub available: Option<i64>,
    /// All-time total, where the vendor reports it.
    pub total: Option<i64>,
    /// Spent so far, where the vendor reports it.
    pub used: Option<i64>,
    /// Not yet available, where the vendor reports it.
    pub pending: Option<i64>,
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
    /// A plan from `op` and its params (absent ones left out).
    pub fn new<const N: usize>(op: &'static str, params: [(&str, Option<Json>); N]) -> Plan {
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
    pub fn code(&self, mapping: &dyn Mapping) -> Result<reasons::VendorCode> {
        mapping.reason_code(self.reason).ok_or_else(|| {
            Error::unsupported(format!(
                "{} cannot record reason `{}` (see capabilities().reasons)",
                mapping.vendor(),
                self.reason.name()
            ))
            .with_vendor(mapping.vendor())
        })
    }
}

/// `{ applied, balance?, vendorRef?, raw }` from the vendor's reply.
pub fn adjust_result(mapping: &dyn Mapping, raw: Json) -> Json {
    let (balance, vendor_ref) = mapping.adjust_reply(&raw);
    Json::object([
        ("applied", Some(Json::Bool(true))),
        ("balance", balance.map(Json::int)),
        ("vendorRef", vendor_ref.map(Json::String)),
        ("raw", Some(raw)),
    ])
}

/// `{ available, total?, used?, pending?, raw }` from the vendor's reply.
pub fn balance_result(mapping: &dyn Mapping, raw: Json) -> Result<Json> {
    let b = mapping.balance_reply(&raw);
    let available = b.available.ok_or_else(|| {
        Error::parse("the vendor's balance reply has no current balance")
            .with_vendor(mapping.vendor())
    })?;
    Ok(Json::object([
        ("available", Some(Json::int(available))),
        ("total", b.total.map(Json::int)),
        ("used", b.used.map(Json::int)),
        ("pending", b.pending.map(Json::int)),
        ("raw", Some(raw)),
    ]))
}

/// The common member shape from the vendor's reply.
pub fn member_result(mapping: &dyn Mapping, raw: Json) -> Result<Json> {
    let m = mapping.member_fields(&raw);
    let id = m.id.filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::parse("the vendor's member reply has no member id").with_vendor(mapping.vendor())
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
pub struct MemberFields {
    /// The vendor's member id.
    pub id: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// Card id.
    pub card_id: Option<String>,
    /// Membership level.
    pub level: Option<String>,
    /// When the member registered (vendor time text).
    pub registered_at: Option<String>,
    /// Current points.
    pub points: Option<i64>,
}

/// An integer field, read leniently (vendors send numbers or numeric strings).
pub fn int(j: &Json, key: &str) -> Option<i64> {
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
