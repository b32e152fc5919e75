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
/// [`Mapping::capabilities`] names its table below).
pub fn of(mapping: &dyn Mapping) -> &'static [Capability; 4] {
    mapping.capabilities()
}

const fn c(
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

/// The unified calls on Kingdee.
pub static KINGDEE: [Capability; 4] = [
            c(Call::Adjust, &["/jdy/v2/ls/integral_adjust", "/jdy/v2/ls/account_balance_info (mobile from id + cardId)"], false,
              "No idempotency field at the vendor: idempotencyKey is kept in the client's store (shared and atomic: compare-and-set); a lost reply is outcome_unknown with retryAfterMs until Kingdee's 5-minute timestamp window has closed, then settled from the ledger (integral_record) by the same key: applied, or not applied and sent afresh under that key; never repeated before. No orderId or remark field; no balance in the reply (but one settled from the ledger carries it)."),
            c(Call::Balance, &["/jdy/v2/ls/account_balance_info", "/jdy/v2/ls/integral_record (id from mobile)"], true,
              "Needs member.id and member.cardId (the vendor requires both; a card id cannot be looked up). available = usable, total = total (all-time earned), pending = pre; used is not reported."),
            c(Call::Ledger, &["/jdy/v2/ls/integral_record"], true,
              "Filtered by date at the vendor; pages of at most 100 (larger pages are truncated by the vendor, so they are refused)."),
            c(Call::Member, &["/jdy/v2/ls/account_balance_info", "/jdy/v2/ls/integral_record (id from mobile)"], true,
              "Needs member.id and member.cardId, as getBalance. No level or registration time. A mobile resolves to a member id only through the member's own ledger rows."),
];

/// The unified calls on Freemud.
pub static FREEMUD: [Capability; 4] = [
    c(
        Call::Adjust,
        &[
            "/member/score/updateScore",
            "/member/getMemberInfoByIdOrMobile (id from mobile)",
        ],
        true,
        "idempotencyKey is sent as idempotencyBussinessId; orderId and remark are sent.",
    ),
    c(
        Call::Balance,
        &["/member/score/statisticalScore"],
        true,
        "available = currentScore, total = totalScore, used = usedScore.",
    ),
    c(
        Call::Ledger,
        &["/member/score/getScoreRecords"],
        true,
        "Filtered by date at the vendor.",
    ),
    c(
        Call::Member,
        &["/member/getMemberInfoByIdOrMobile"],
        true,
        "No level.",
    ),
];

/// The unified calls on Qimai v3.
pub static QIMAI_V3: [Capability; 4] = [
            c(Call::Adjust, &["/v3/crm/points/addCustomerPoints", "/v3/crm/points/reducePoints", "/v3/crm/customer/getCustomerIdByPhone (id from mobile)"], true,
              "idempotencyKey is sent as bizId; remark is sent as reason; no orderId field. Reversals need reversePoints with the original bizId (use call)."),
            c(Call::Balance, &["/v3/crm/points/getCustomerPoints"], true,
              "available = totalPoints (the balance); soon-expiring points are in raw."),
            c(Call::Ledger, &["/v3/crm/customer/getCrmPointsFlow"], true,
              "The vendor takes no date range: rows are filtered by the client."),
            c(Call::Member, &["/v3/crm/customer/gatherCustomerInfo"], true, "By id, mobile or card number."),
];

/// The unified calls on Qimai v2.
pub static QIMAI_V2: [Capability; 4] = [
    c(
        Call::Adjust,
        &[
            "user.points-add",
            "communal.user.gether-customer-info (id from mobile)",
        ],
        true,
        "Additions only: the v2 gateway documents no deduction. idempotencyKey is sent as bizId.",
    ),
    c(
        Call::Balance,
        &["communal.user.identity"],
        true,
        "available = user_info.user_points.",
    ),
    c(
        Call::Ledger,
        &["user.user-points-records"],
        true,
        "The vendor takes no date range: rows are filtered by the client.",
    ),
    c(
        Call::Member,
        &["communal.user.gether-customer-info"],
        true,
        "By id, mobile or card number.",
    ),
];

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
