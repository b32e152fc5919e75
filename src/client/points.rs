//! The unified points calls on [`Client`]: resolve the member through the
//! vendor's own lookup (cached for the client's life), call the operation that
//! [`crate::points`] plans, and map the reply into points terms.
//!
//! `adjustPoints` records its idempotency keys in the client's
//! [`IdempotencyStore`] (see `store.rs` for the claim/record protocol): a
//! repeated key with the same change returns the first result without calling
//! the vendor, a repeated key with a different change is refused, and a key
//! claimed by a caller still in flight is sent again on Freemud and Qimai
//! (their own key dedupes). Kingdee has no such key: its changes go through
//! `kingdee_settle.rs`, which settles a lost reply from the ledger once the
//! vendor can no longer accept the request.

use super::store::{IdempotencyStore, MemoryStore};
use super::{Client, Transport};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::request::{is_credential_header, SignedRequest};
use crate::points::ledger::{self, LedgerQuery};
use crate::points::{self, Adjust, Call, Mapping, Member, Need, Plan};
use crate::retry::Delivery;
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
pub(super) fn record(fingerprint: &str, status: &str, body: (&str, Json)) -> String {
    Json::object([
        ("fp", Some(Json::str(fingerprint))),
        ("status", Some(Json::str(status))),
        (body.0, Some(body.1)),
    ])
    .to_json_string()
}

/// The first outcome for this key, replayed; or a refusal if the key named another change.
pub(super) fn replay(text: &str, fingerprint: &str, vendor: &'static str) -> Result<Json> {
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

pub(super) fn reused() -> Error {
    Error::invalid_input(
        "this idempotencyKey was already used for a different change: use a new key per change",
    )
}

/// What `preview` can show.
const PREVIEW_METHODS: [&str; 4] = ["adjustPoints", "getBalance", "ledgerPage", "getMember"];

impl<T: Transport> Client<T> {
    /// The points mapping (the vendor, and its API family) the unified calls use.
    pub fn mapping(&self) -> &'static dyn Mapping {
        self.account().mapping()
    }

    /// `member` with what `call` needs, looked up at the vendor if missing.
    pub async fn resolve(&self, member: &Member, call: Call) -> Result<Member> {
        let mapping = self.mapping();
        let need = mapping.need(call);
        let mut m = member.clone();
        self.recall(&mut m);
        if need.met_by(&m) {
            return Ok(m);
        }
        let plan = mapping.lookup(&m, need)?;
        let raw = self.call(plan.op, &plan.params).await?;
        self.learn(mapping, need, &mut m, &raw)?;
        Ok(m)
    }

    /// Fills in `member` from the members this client has resolved before.
    fn recall(&self, member: &mut Member) {
        let cache = self.points.members.borrow();
        for key in member.cache_keys() {
            if let Some(known) = cache.get(&key) {
                member.merge(known);
            }
        }
    }

    /// Adds what a lookup (`raw`) found to `member`, refuses it if `need` is
    /// still not met, and remembers it.
    fn learn(
        &self,
        mapping: &dyn Mapping,
        need: Need,
        member: &mut Member,
        raw: &Json,
    ) -> Result<()> {
        let found = mapping.read_lookup(raw)?;
        member.merge(&found);
        if !need.met_by(member) {
            return Err(Error::invalid_input(format!(
                "{}'s lookup did not give {}",
                mapping.vendor(),
                need.describe()
            ))
            .with_vendor(mapping.vendor()));
        }
        let mut cache = self.points.members.borrow_mut();
        if cache.len() >= MAX_MEMBERS {
            cache.clear();
        }
        for key in member.cache_keys() {
            cache.insert(key, member.clone());
        }
        Ok(())
    }

    /// `adjustPoints({ member, delta, reason, idempotencyKey, orderId?, remark? })`
    /// → `{ applied, balance?, vendorRef?, raw }`.
    pub async fn adjust_points(&self, args: &Json) -> Result<Json> {
        let a = Adjust::from_json(args)?;
        let mapping = self.mapping();
        let vendor = mapping.vendor();
        let fp = a.fingerprint();
        let store = self.points.store.as_ref();
        let claim = format!("jifen:{}:{}", self.account_tag(), a.idempotency_key);
        let result_key = format!("{claim}:result");
        if let Some(rec) = store.get(&result_key).await? {
            return replay(&rec, &fp, vendor);
        }
        let claim_value = Json::object([("fp", Some(Json::str(&fp)))]).to_json_string();
        if !mapping.dedupes_changes() && !store.can_replace() {
            return Err(Error::config(
                "Kingdee changes need an idempotencyStore with replace(key, expected, value), an atomic \
                 compare-and-set (durableObjectIdempotencyStore has it; the default in-memory store too): \
                 without it a lost reply could not be settled exactly once",
            )
            .with_vendor(vendor));
        }
        // A key an earlier version stored under the clientId alone: refused, never guessed.
        if let Some(scope) = self.account().legacy_key_scope() {
            let old = format!("jifen:{scope}:{}", a.idempotency_key);
            if store.get(&old).await?.is_some() {
                return Err(super::kingdee_settle::legacy_key());
            }
        }
        let claimed = store.put_if_absent(&claim, &claim_value).await?;
        if !claimed {
            let theirs = store.get(&claim).await?;
            if theirs.is_some_and(|t| super::kingdee_settle::claim_fp(&t).as_deref() != Some(&fp)) {
                return Err(reused());
            }
            if let Some(rec) = store.get(&result_key).await? {
                return replay(&rec, &fp, vendor);
            }
            // Freemud and Qimai dedupe on their own key: sending again is safe;
            // Kingdee's settlement reads the claim's state.
        }
        if !mapping.dedupes_changes() {
            let keys = super::session::Keys {
                claim: &claim,
                result: &result_key,
                fp: &fp,
            };
            let result = self.settle_change(a, &keys).await;
            if let Err(e) = &result {
                // Refused before anything was sent (a lookup, the input): the key is free.
                if claimed && e.code != ErrorCode::OutcomeUnknown && e.code != ErrorCode::Conflict {
                    if let Some(c) = store.get(&claim).await.ok().flatten() {
                        if c == claim_value {
                            let _ = store.delete(&claim).await;
                        }
                    }
                }
            }
            return result;
        }
        let result = self.pipeline(&mut Request::Adjust(a), Mode::Send).await;
        // What the outcome leaves in the store: one write (or none), awaited once.
        let rec;
        let after = match &result {
            // The change is applied: a failure to record it must not hide that.
            Ok(r) => {
                rec = record(&fp, "done", ("result", r.clone()));
                Some(store.put_if_absent(&result_key, &rec))
            }
            Err(e) if e.code == ErrorCode::OutcomeUnknown => None,
            // Refused: nothing applied, so the key may be tried again.
            Err(_) if claimed => Some(store.delete(&claim)),
            Err(_) => None,
        };
        if let Some(write) = after {
            let _ = write.await;
        }
        result
    }

    /// `adjustPoints` under `keys` (claimed) on a vendor that does not
    /// deduplicate changes: the member resolved, then the change applied
    /// exactly once by the vendor's session (Kingdee: `kingdee_settle.rs`).
    async fn settle_change(&self, a: Adjust, keys: &super::session::Keys<'_>) -> Result<Json> {
        let vendor = self.account().vendor();
        let params = self.pipeline(&mut Request::Adjust(a), Mode::Plan).await?;
        let settled = match self.vendor.settle_change(self, keys, &params) {
            Some(settled) => settled.await,
            None => Err(Error::unsupported(format!(
                "{} has no idempotency field and no settlement of changes in this build",
                vendor.title()
            ))
            .with_vendor(vendor.name())),
        };
        settled
    }

    /// Which account this client acts for (non-secret ids), to keep keys of
    /// different accounts apart in a shared store: on Kingdee the account set,
    /// as one developer app (clientId) serves many merchants.
    fn account_tag(&self) -> String {
        self.account().key_scope()
    }

    /// Replaces the store of idempotency keys (default: this client's memory).
    pub fn with_idempotency_store(mut self, store: Box<dyn IdempotencyStore>) -> Self {
        self.points.store = store;
        self
    }

    /// `getBalance({ member })` → `{ available, total?, used?, pending?, raw }`.
    pub async fn get_balance(&self, args: &Json) -> Result<Json> {
        self.unified(Method::GetBalance, args).await
    }

    /// `getMember({ member })` → `{ id, name?, mobile?, cardId?, level?, registeredAt?, points?, raw }`.
    pub async fn get_member(&self, args: &Json) -> Result<Json> {
        self.unified(Method::GetMember, args).await
    }

    /// `ledgerPage({ member, from?, to?, pageSize?, cursor? })` → `{ entries, cursor }`.
    pub async fn ledger_page(&self, args: &Json) -> Result<Json> {
        self.unified(Method::LedgerPage, args).await
    }

    /// Runs the unified call `method` with `args` (what `adjust_points`,
    /// `get_balance`, `get_member` and `ledger_page` do).
    pub async fn unified(&self, method: Method, args: &Json) -> Result<Json> {
        self.unified_or_preview(Some(method), "", args).await
    }

    /// The vendor request a unified call would send (after any lookups, which
    /// are sent for real: they only read), signed, with standing credentials
    /// shown as `***`.
    pub async fn preview(&self, method: &str, args: &Json) -> Result<Json> {
        self.unified_or_preview(None, method, args).await
    }

    /// `unified(method, args)` when `method` is given, else `preview(name, args)`:
    /// one body, so a caller that offers both awaits the pipeline in one place.
    pub(crate) async fn unified_or_preview(
        &self,
        method: Option<Method>,
        name: &str,
        args: &Json,
    ) -> Result<Json> {
        let (method, preview) = match method {
            Some(m) => (m, false),
            None => match Method::from_name(name) {
                Some(m) => (m, true),
                None => {
                    return Err(Error::invalid_input(format!(
                        "preview: method `{}` is not one of {}",
                        crate::core::error::scrub(name, 40),
                        PREVIEW_METHODS.join(", ")
                    )))
                }
            },
        };
        if method == Method::AdjustPoints && !preview {
            return self.adjust_points(args).await;
        }
        let mode = if preview { Mode::Preview } else { Mode::Send };
        self.pipeline(&mut Request::parse(method, args)?, mode)
            .await
    }

    /// Every unified call: resolve the member, plan the vendor call, then
    /// either sign it for a preview or send it and map the reply. One state
    /// machine for all of them; the steps around the awaits are plain functions.
    async fn pipeline(&self, req: &mut Request, mode: Mode) -> Result<Json> {
        let mapping = self.mapping();
        req.check(mapping)?;
        let (member, call) = req.member();
        let need = mapping.need(call);
        self.recall(member);
        // First the vendor's lookup if the member lacks what the call needs,
        // then the call: one await for both.
        let mut lookup = !need.met_by(member);
        loop {
            let plan = if lookup {
                mapping.lookup(req.member().0, need)?
            } else {
                let plan = req.plan(mapping)?;
                match mode {
                    Mode::Preview => {
                        let signed: SignedRequest = self.sign_only(plan.op, &plan.params).await?;
                        return Ok(preview_json(signed, plan));
                    }
                    Mode::Plan => return Ok(plan.params),
                    Mode::Send => {}
                }
                plan
            };
            let raw = match self.call(plan.op, &plan.params).await {
                Ok(raw) => raw,
                Err(e) if !lookup && matches!(req, Request::Adjust(_)) => {
                    return Err(unsettled(mapping, e))
                }
                Err(e) => return Err(e),
            };
            if !lookup {
                return req.finish(mapping, raw);
            }
            self.learn(mapping, need, req.member().0, &raw)?;
            lookup = false;
        }
    }
}

/// The error of a points change that may have reached Freemud or Qimai and
/// came back without an answer (`network`, `timeout`, `http`, `parse`), or with
/// a code the vendor's error table says may follow the work (a "system error"):
/// it may have been applied, so it is `outcome_unknown`, and retryable, since the
/// vendor deduplicates the key and answers a repeat with the first result.
/// Kingdee's changes do not come here (`kingdee_settle.rs`).
fn unsettled(mapping: &dyn Mapping, e: Error) -> Error {
    let hides_a_change = match e.row {
        Some(row) => row.delivery == Delivery::Unknown,
        None => matches!(
            e.code,
            ErrorCode::Network | ErrorCode::Timeout | ErrorCode::Http | ErrorCode::Parse
        ),
    };
    if !mapping.dedupes_changes() || !hides_a_change {
        return e;
    }
    super::outcome_unknown(
        e,
        "change",
        "repeat it with the same idempotencyKey: the vendor deduplicates it and answers with the first result",
        true,
    )
}

/// What the pipeline does once the member is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Send the call and map its reply.
    Send,
    /// Sign it and show it, credentials masked.
    Preview,
    /// Return the planned params (Kingdee's adjustment sends them itself).
    Plan,
}

/// A unified call's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `adjustPoints`.
    AdjustPoints,
    /// `getBalance`.
    GetBalance,
    /// `getMember`.
    GetMember,
    /// `ledgerPage`.
    LedgerPage,
}

impl Method {
    /// The method named `name` in JS, among those `preview` can show.
    pub fn from_name(name: &str) -> Option<Method> {
        match name {
            "adjustPoints" => Some(Method::AdjustPoints),
            "getBalance" => Some(Method::GetBalance),
            "getMember" => Some(Method::GetMember),
            "ledgerPage" => Some(Method::LedgerPage),
            _ => None,
        }
    }
}

/// A unified call's arguments, read; the member is resolved in place.
enum Request {
    Adjust(Adjust),
    /// `getBalance` (`Call::Balance`) or `getMember` (`Call::Member`).
    Member(Member, Call),
    /// A ledger page (`q.page`).
    Ledger {
        q: LedgerQuery,
        /// Set by the pipeline: the page after this one, if any.
        next: Option<i64>,
        /// A walk's entries not yet taken: a walk's pages land here, and the
        /// pipeline returns `null` for them instead of `{ entries, cursor }`.
        buffer: Option<VecDeque<Json>>,
    },
}

impl Request {
    fn parse(method: Method, args: &Json) -> Result<Request> {
        let call = match method {
            Method::AdjustPoints => return Adjust::from_json(args).map(Request::Adjust),
            Method::LedgerPage => {
                return LedgerQuery::from_json(args, true).map(|q| Request::Ledger {
                    q,
                    next: None,
                    buffer: None,
                })
            }
            Method::GetBalance => Call::Balance,
            Method::GetMember => Call::Member,
        };
        let p = crate::vendors::params::Params::new(args)?;
        p.only(&["member"])?;
        Ok(Request::Member(Member::from_json(p.get("member"))?, call))
    }

    /// Refuses what the vendor cannot record, before any lookup is sent.
    fn check(&self, mapping: &dyn Mapping) -> Result<()> {
        if let Request::Adjust(a) = self {
            a.code(mapping)?;
        }
        Ok(())
    }

    /// The member to resolve, and for which call.
    fn member(&mut self) -> (&mut Member, Call) {
        match self {
            Request::Adjust(a) => (&mut a.member, Call::Adjust),
            Request::Member(m, call) => (m, *call),
            Request::Ledger { q, .. } => (&mut q.member, Call::Ledger),
        }
    }

    fn plan(&self, mapping: &dyn Mapping) -> Result<Plan> {
        match self {
            Request::Adjust(a) => mapping.adjust_plan(a),
            Request::Member(m, Call::Balance) => mapping.balance_plan(m),
            Request::Member(m, _) => mapping.member_plan(m),
            Request::Ledger { q, .. } => mapping.ledger_plan(q, q.page),
        }
    }

    fn finish(&mut self, mapping: &dyn Mapping, raw: Json) -> Result<Json> {
        match self {
            Request::Adjust(_) => Ok(points::adjust_result(mapping, raw)),
            Request::Member(_, Call::Balance) => points::balance_result(mapping, raw),
            Request::Member(..) => points::member_result(mapping, raw),
            Request::Ledger { q, next, buffer } => {
                let page = mapping.ledger_read(q, q.page, &raw)?;
                *next = page.next;
                if let Some(buffer) = buffer {
                    buffer.extend(page.entries);
                    return Ok(Json::Null);
                }
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
        }
    }
}

/// A preview: the signed request with credentials masked, its operation first and its params last.
fn preview_json(signed: SignedRequest, plan: Plan) -> Json {
    let mut j = signed.to_json_masking(is_credential_header);
    if let Json::Object(pairs) = &mut j {
        pairs.insert(0, ("operation".to_string(), Json::str(plan.op)));
        pairs.push(("params".to_string(), plan.params));
    }
    j
}

/// A lazy walk over a member's ledger, page by page, stopping at `limit`.
pub struct LedgerWalk {
    /// The query (its member resolved by the first page), the next page and the entries not yet taken.
    request: Request,
    yielded: u64,
}

impl LedgerWalk {
    /// A walk for `{ member, from?, to?, pageSize?, limit? }`; nothing is sent
    /// until the first [`LedgerWalk::next`]. Bad arguments are refused here.
    pub fn new(args: &Json) -> Result<LedgerWalk> {
        Ok(LedgerWalk {
            request: Request::Ledger {
                q: LedgerQuery::from_json(args, false)?,
                next: Some(1),
                buffer: Some(VecDeque::new()),
            },
            yielded: 0,
        })
    }

    /// The next entry, or `None` at the end of the ledger or at `limit`.
    pub async fn next<T: Transport>(&mut self, client: &Client<T>) -> Result<Option<Json>> {
        loop {
            let Request::Ledger {
                q,
                next,
                buffer: Some(buffer),
            } = &mut self.request
            else {
                return Ok(None);
            };
            if q.limit.is_some_and(|l| self.yielded >= l) {
                return Ok(None);
            }
            if let Some(e) = buffer.pop_front() {
                self.yielded += 1;
                return Ok(Some(e));
            }
            let Some(page) = *next else {
                return Ok(None);
            };
            q.page = page;
            client.pipeline(&mut self.request, Mode::Send).await?;
        }
    }
}
