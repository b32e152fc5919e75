//! The unified points calls on [`Client`]: resolve the member through the
//! vendor's own lookup (cached for the client's life), call the operation that
//! [`crate::points`] plans, and map the reply into points terms.
//!
//! `adjustPoints` records its idempotency keys in the client's
//! [`IdempotencyStore`] (see `store.rs` for the claim/record protocol): a
//! repeated key with the same change returns the first result without calling
//! the vendor, a repeated key with a different change is refused, a key
//! claimed by a caller still in flight is refused on a vendor without
//! idempotency (Kingdee) and sent on the others (their own key dedupes), and a
//! key whose write may or may not have applied keeps answering
//! `outcome_unknown` on Kingdee, so that a retry cannot apply it twice.

use super::store::{IdempotencyStore, MemoryStore};
use super::{Client, Transport};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::{is_credential_header, SignedRequest};
use crate::points::ledger::{self, LedgerQuery, Page};
use crate::points::{self, Adjust, Call, Flavor, Member, Plan};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

/// How many idempotency keys the default store remembers.
pub const MAX_KEYS: usize = 10_000;
/// How many member resolutions a client remembers.
const MAX_MEMBERS: usize = 10_000;

/// Per-client state of the unified calls.
pub(super) struct PointsState {
    members: RefCell<HashMap<String, Member>>,
    pub(super) store: Box<dyn IdempotencyStore>,
}

impl Default for PointsState {
    fn default() -> Self {
        PointsState {
            members: RefCell::new(HashMap::new()),
            store: Box::new(MemoryStore::new(2 * MAX_KEYS)),
        }
    }
}

/// A recorded outcome, as stored under `<key>:result`.
fn record(fingerprint: &str, status: &str, body: (&str, Json)) -> String {
    Json::object([
        ("fp", Some(Json::str(fingerprint))),
        ("status", Some(Json::str(status))),
        (body.0, Some(body.1)),
    ])
    .to_json_string()
}

/// The first outcome for this key, replayed; or a refusal if the key named another change.
fn replay(text: &str, fingerprint: &str, vendor: &'static str) -> Result<Json> {
    let rec = Json::parse(text).map_err(|_| {
        Error::config("the idempotency store returned a value this library did not write")
    })?;
    if rec.get("fp").and_then(Json::as_str) != Some(fingerprint) {
        return Err(reused());
    }
    match (rec.get("status").and_then(Json::as_str), rec.get("result")) {
        (Some("done"), Some(result)) => Ok(result.clone()),
        _ => Err(Error::new(
            ErrorCode::OutcomeUnknown,
            "an earlier attempt with this idempotencyKey may or may not have applied: check the ledger, then use a new key if it did not",
        )
        .with_vendor(vendor)),
    }
}

fn reused() -> Error {
    Error::invalid_input(
        "this idempotencyKey was already used for a different change: use a new key per change",
    )
}

/// What `preview` can show.
const PREVIEW_METHODS: [&str; 4] = ["adjustPoints", "getBalance", "ledgerPage", "getMember"];

impl<T: Transport> Client<T> {
    /// The vendor, and for Qimai the API family, the unified calls use.
    pub fn flavor(&self) -> Flavor {
        match &self.vendor {
            super::VendorClient::Kingdee(_) => Flavor::Kingdee,
            super::VendorClient::Freemud(_) => Flavor::Freemud,
            super::VendorClient::Qimai(q) => match q.config.version {
                crate::vendors::qimai::ops::Version::V2 => Flavor::QimaiV2,
                crate::vendors::qimai::ops::Version::V3 => Flavor::QimaiV3,
            },
        }
    }

    /// `member` with what `call` needs, looked up at the vendor if missing.
    pub async fn resolve(&self, member: &Member, call: Call) -> Result<Member> {
        let flavor = self.flavor();
        let need = points::need(flavor, call);
        let mut m = member.clone();
        for key in member.cache_keys() {
            if let Some(known) = self.points.members.borrow().get(&key) {
                m.merge(known);
            }
        }
        if need.met_by(&m) {
            return Ok(m);
        }
        let plan = points::lookup(flavor, &m, need)?;
        let found = points::read_lookup(flavor, &self.call(plan.op, &plan.params).await?)?;
        m.merge(&found);
        if !need.met_by(&m) {
            return Err(Error::invalid_input(format!(
                "{}'s lookup did not give {}",
                flavor.vendor(),
                need.describe()
            ))
            .with_vendor(flavor.vendor()));
        }
        let mut cache = self.points.members.borrow_mut();
        if cache.len() >= MAX_MEMBERS {
            cache.clear();
        }
        for key in m.cache_keys() {
            cache.insert(key, m.clone());
        }
        Ok(m)
    }

    async fn plan_adjust(&self, a: &Adjust) -> Result<(Adjust, Plan)> {
        let flavor = self.flavor();
        // Refuse what the vendor cannot record before any lookup is sent.
        a.code(flavor)?;
        let mut resolved = a.clone();
        resolved.member = self.resolve(&a.member, Call::Adjust).await?;
        let plan = points::adjust_plan(flavor, &resolved)?;
        Ok((resolved, plan))
    }

    /// `adjustPoints({ member, delta, reason, idempotencyKey, orderId?, remark? })`
    /// → `{ applied, balance?, vendorRef?, raw }`.
    pub async fn adjust_points(&self, args: &Json) -> Result<Json> {
        let a = Adjust::from_json(args)?;
        let flavor = self.flavor();
        let vendor = flavor.vendor();
        let fp = a.fingerprint();
        let store = self.points.store.as_ref();
        let claim = format!("jifen:{}:{}", self.account_tag(), a.idempotency_key);
        let result_key = format!("{claim}:result");
        if let Some(rec) = store.get(&result_key).await? {
            return replay(&rec, &fp, vendor);
        }
        let claim_value = Json::object([("fp", Some(Json::str(&fp)))]).to_json_string();
        let claimed = store.put_if_absent(&claim, &claim_value).await?;
        if !claimed {
            let theirs = store.get(&claim).await?;
            if theirs.is_some_and(|t| t != claim_value) {
                return Err(reused());
            }
            if let Some(rec) = store.get(&result_key).await? {
                return replay(&rec, &fp, vendor);
            }
            // Freemud and Qimai dedupe on their own key: sending again is safe.
            if flavor == Flavor::Kingdee {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    "an adjustment with this idempotencyKey is in flight, or was interrupted: try again shortly with the same key; if this persists, check the ledger before using a new key",
                )
                .with_vendor(vendor)
                .retryable(true));
            }
        }
        let result = self.adjust_once(&a).await;
        match &result {
            Ok(r) => {
                // The change is applied: a failure to record it must not hide that.
                let _ = store
                    .put_if_absent(&result_key, &record(&fp, "done", ("result", r.clone())))
                    .await;
            }
            // Without a vendor key, a write that may have applied must never be sent
            // again under this key.
            Err(e) if e.code == ErrorCode::OutcomeUnknown && flavor == Flavor::Kingdee => {
                let _ = store
                    .put_if_absent(
                        &result_key,
                        &record(&fp, "unknown", ("message", Json::str(&e.message))),
                    )
                    .await;
            }
            Err(e) if e.code == ErrorCode::OutcomeUnknown => {}
            Err(_) if claimed => {
                // Refused: nothing applied, so the key may be tried again.
                let _ = store.delete(&claim).await;
            }
            Err(_) => {}
        }
        result
    }

    /// Which account this client acts for (non-secret ids), to keep keys of
    /// different accounts apart in a shared store.
    fn account_tag(&self) -> String {
        let field = |k: &str| {
            self.config
                .get(k)
                .and_then(Json::as_text)
                .unwrap_or_default()
        };
        match self.flavor() {
            Flavor::Kingdee => format!("kingdee:{}", field("clientId")),
            Flavor::Freemud => format!("freemud:{}:{}", field("partnerId"), field("appId")),
            Flavor::QimaiV3 | Flavor::QimaiV2 => format!("qimai:{}", field("openId")),
        }
    }

    /// Replaces the store of idempotency keys (default: this client's memory).
    pub fn with_idempotency_store(mut self, store: Box<dyn IdempotencyStore>) -> Self {
        self.points.store = store;
        self
    }

    async fn adjust_once(&self, a: &Adjust) -> Result<Json> {
        let (_, plan) = self.plan_adjust(a).await?;
        let raw = self.call(plan.op, &plan.params).await?;
        Ok(points::adjust_result(self.flavor(), raw))
    }

    /// `getBalance({ member })` → `{ available, total?, used?, pending?, raw }`.
    pub async fn get_balance(&self, args: &Json) -> Result<Json> {
        let plan = self.plan_member_call(args, Call::Balance).await?;
        let raw = self.call(plan.op, &plan.params).await?;
        points::balance_result(self.flavor(), raw)
    }

    /// `getMember({ member })` → `{ id, name?, mobile?, cardId?, level?, registeredAt?, points?, raw }`.
    pub async fn get_member(&self, args: &Json) -> Result<Json> {
        let plan = self.plan_member_call(args, Call::Member).await?;
        let raw = self.call(plan.op, &plan.params).await?;
        points::member_result(self.flavor(), raw)
    }

    async fn plan_member_call(&self, args: &Json, call: Call) -> Result<Plan> {
        let p = crate::vendors::params::Params::new(args)?;
        p.only(&["member"])?;
        let m = Member::from_json(p.get("member"))?;
        let m = self.resolve(&m, call).await?;
        match call {
            Call::Balance => points::balance_plan(self.flavor(), &m),
            _ => points::member_plan(self.flavor(), &m),
        }
    }

    async fn ledger_query(&self, args: &Json, paged: bool) -> Result<LedgerQuery> {
        let mut q = LedgerQuery::from_json(args, paged)?;
        q.member = self.resolve(&q.member, Call::Ledger).await?;
        Ok(q)
    }

    /// One page of the ledger for a resolved query.
    pub async fn ledger_fetch(&self, q: &LedgerQuery, page: i64) -> Result<Page> {
        let flavor = self.flavor();
        let plan = ledger::plan(flavor, q, page)?;
        let raw = self.call(plan.op, &plan.params).await?;
        ledger::read(flavor, q, page, &raw)
    }

    /// `ledgerPage({ member, from?, to?, pageSize?, cursor? })` → `{ entries, cursor }`.
    pub async fn ledger_page(&self, args: &Json) -> Result<Json> {
        let q = self.ledger_query(args, true).await?;
        let page = self.ledger_fetch(&q, q.page).await?;
        Ok(Json::object([
            ("entries", Some(Json::Array(page.entries))),
            (
                "cursor",
                Some(
                    page.next
                        .map_or(Json::Null, |n| Json::String(ledger::encode_cursor(n))),
                ),
            ),
        ]))
    }

    /// The vendor request a unified call would send (after any lookups, which
    /// are sent for real: they only read), signed, with standing credentials
    /// shown as `***`.
    pub async fn preview(&self, method: &str, args: &Json) -> Result<Json> {
        let flavor = self.flavor();
        let plan = match method {
            "adjustPoints" => self.plan_adjust(&Adjust::from_json(args)?).await?.1,
            "getBalance" => self.plan_member_call(args, Call::Balance).await?,
            "getMember" => self.plan_member_call(args, Call::Member).await?,
            "ledgerPage" => {
                let q = self.ledger_query(args, true).await?;
                ledger::plan(flavor, &q, q.page)?
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "preview: method `{}` is not one of {}",
                    crate::core::error::scrub(other, 40),
                    crate::core::text::join(&PREVIEW_METHODS, ", ")
                )))
            }
        };
        let signed: SignedRequest = self.sign_only(plan.op, &plan.params).await?;
        let mut j = signed.to_json_masking(is_credential_header);
        if let Json::Object(pairs) = &mut j {
            pairs.insert(0, ("operation".to_string(), Json::str(plan.op)));
            pairs.push(("params".to_string(), plan.params));
        }
        Ok(j)
    }
}

/// A lazy walk over a member's ledger, page by page, stopping at `limit`.
pub struct LedgerWalk {
    query: Option<LedgerQuery>,
    args: Json,
    next_page: Option<i64>,
    buffer: VecDeque<Json>,
    yielded: u64,
}

impl LedgerWalk {
    /// A walk for `{ member, from?, to?, pageSize?, limit? }`; nothing is sent
    /// until the first [`LedgerWalk::next`]. Bad arguments are refused here.
    pub fn new(args: &Json) -> Result<LedgerWalk> {
        LedgerQuery::from_json(args, false)?;
        Ok(LedgerWalk {
            query: None,
            args: args.clone(),
            next_page: Some(1),
            buffer: VecDeque::new(),
            yielded: 0,
        })
    }

    /// The next entry, or `None` at the end of the ledger or at `limit`.
    pub async fn next<T: Transport>(&mut self, client: &Client<T>) -> Result<Option<Json>> {
        loop {
            let limit = match &self.query {
                Some(q) => q.limit,
                None => None,
            };
            if limit.is_some_and(|l| self.yielded >= l) {
                return Ok(None);
            }
            if let Some(e) = self.buffer.pop_front() {
                self.yielded += 1;
                return Ok(Some(e));
            }
            let Some(page) = self.next_page else {
                return Ok(None);
            };
            if self.query.is_none() {
                self.query = Some(client.ledger_query(&self.args, false).await?);
            }
            let Some(q) = &self.query else {
                return Ok(None);
            };
            let got = client.ledger_fetch(q, page).await?;
            self.next_page = got.next;
            self.buffer.extend(got.entries);
        }
    }
}
