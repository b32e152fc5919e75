//! Kingdee `adjustPoints` exactly once: the vendor's acceptance window as the
//! bound, the ledger as the witness, the shared store as the referee.
//!
//! `integral_adjust` has no idempotency field and its reply names no ledger
//! row, so a lost reply can neither be repeated blindly (it may have applied)
//! nor given up on (it may not have). What bounds the question is the vendor's
//! timestamp check: a request signed at `T` is refused once the vendor's clock
//! is past `T + 5 min`, and an accepted one is written within [`HOLD_MS`]. So:
//!
//! 1. **A try is recorded before it is sent.** The key's claim (in the shared
//!    [`IdempotencyStore`]) is replaced, compare-and-set, by one that names the
//!    try: its number, the vendor time its ledger window opens (`from`), the
//!    latest timestamp any of its attempts may carry (`until`, [`SIGN_WINDOW_MS`]
//!    after it starts) and our clock when it started (`at`). A process that dies
//!    after this leaves everything the next caller with the key needs.
//! 2. **One lane per identical change.** Kingdee's ledger rows carry no key:
//!    two identical changes (same account set, mobile, amount and type) in one
//!    window cannot be told apart. The lane key serialises them: a try takes
//!    the lane (compare-and-set) only when the previous holder is done or can
//!    no longer write, and its window opens after the last moment the previous
//!    holder's rows can carry. So a row in a try's window can belong to that
//!    try only — or to a writer jifen does not know (a POS): that limit is
//!    stated in the README. An identical change from another key meanwhile is
//!    `conflict` (nothing was sent), with `retryAfterMs`.
//! 3. **An answer is a proof.** `applied` comes with the vendor's success
//!    reply, or with the ledger row found in the try's window. `not applied`
//!    comes with the vendor's refusal, or once the vendor can no longer accept
//!    the try — its clock, read from the `Date` of the ledger reply itself, past
//!    `until + 5 min + HOLD`, and our own clock past `at + SIGN_WINDOW + HOLD`
//!    (so a vendor clock jumping forward cannot close the window on a write
//!    still in its hands) — with a ledger window that holds no row. Then the
//!    change is sent afresh under the same key, as a new try. Anything else is
//!    `outcome_unknown` with `retryAfterMs` saying when it can be settled.
//!
//! The store entries, all under the key's namespace (`points.rs`):
//! `<claim>` = `{fp, try?: {n, from, until, at}}`, `<claim>:result` (as for
//! every vendor), and `jifen:kingdee-lane:<account set>:<mobile>:<amount>:<type>`
//! = `{key, n, from, until, at, done?: {bound, applied}}`.

use super::kingdee::KingdeeState;
use super::points::record;
use super::session::Keys;
use super::store::IdempotencyStore;
use super::{Client, Transport};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::time::format_cst;
use crate::points;
use crate::retry::backoff;
use crate::vendors::kingdee;
use crate::vendors::kingdee::ops::{IntegralAdjust, INTEGRAL_ADJUST, INTEGRAL_RECORD};
use crate::vendors::kingdee::reconcile::{
    floor_second, judge, last_row_time, query, Expected, Verdict, ACCEPT_WINDOW_MS, HOLD_MS,
    MAX_PAGES, SLACK_UNKNOWN_CLOCK_MS,
};
use crate::vendors::kingdee::response::record_page_json;

use crate::vendors::kingdee::VENDOR;

/// The attempts of one try are signed within this long of its start; an
/// attempt that would be signed later is not sent.
pub const SIGN_WINDOW_MS: i64 = 20_000;

/// How often, and how many times, a try waits for an identical change in
/// flight to finish (its reply, then its last row's second) before answering
/// `conflict`.
const LANE_POLL_MS: u64 = 100;
const LANE_POLLS: u32 = 30;

/// How many times a same-key call waits [`LANE_POLL_MS`] for a try another
/// caller may have in flight, before answering `outcome_unknown`.
const SETTLE_POLLS: u32 = 10;

/// Rounds of read–decide–write against concurrent callers of one key.
const ROUNDS: u32 = 4;

/// One try of a change: what the claim records before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Try {
    /// 0 for the first try of a key, then 1, 2, … after each settled "not applied".
    n: i64,
    /// Vendor time (ms) from which this try's ledger rows can carry a `create_time`.
    from: i64,
    /// The latest `X-Api-TimeStamp` any attempt of this try carries.
    until: i64,
    /// Our clock (ms) when the try started.
    at: i64,
    /// Ledger rows in the window known to be earlier identical changes' (by `id`).
    skip: Vec<String>,
}

/// Reads an array of strings.
fn texts(j: Option<&Json>) -> Vec<String> {
    let mut out = Vec::new();
    for v in j.and_then(Json::as_array).unwrap_or_default() {
        if let Some(t) = v.as_text() {
            out.push(t);
        }
    }
    out
}

fn text_array(items: &[String]) -> Json {
    let mut out = Vec::new();
    for t in items {
        out.push(Json::str(t));
    }
    Json::Array(out)
}

impl Try {
    fn to_json(&self) -> Json {
        Json::object([
            ("n", Some(Json::int(self.n))),
            ("from", Some(Json::int(self.from))),
            ("until", Some(Json::int(self.until))),
            ("at", Some(Json::int(self.at))),
            ("skip", Some(text_array(&self.skip))),
        ])
    }

    fn from_json(j: &Json) -> Option<Try> {
        let f = |k: &str| j.get(k).and_then(Json::as_i64_lenient);
        Some(Try {
            n: f("n")?,
            from: f("from")?,
            until: f("until")?,
            at: f("at")?,
            skip: texts(j.get("skip")),
        })
    }

    /// The last vendor time a row of this try can carry.
    fn last_row(&self) -> i64 {
        last_row_time(self.until)
    }

    /// Our clock after which no attempt of this try can still be in the vendor's hands.
    fn quiet_after(&self) -> i64 {
        self.at
            .saturating_add(SIGN_WINDOW_MS)
            .saturating_add(HOLD_MS)
    }
}

/// A claim: the change's fingerprint and its current try, if one was started.
fn claim_text(fp: &str, t: Option<&Try>) -> String {
    Json::object([("fp", Some(Json::str(fp))), ("try", t.map(Try::to_json))]).to_json_string()
}

fn claim_try(text: &str) -> Option<Try> {
    Json::parse(text).ok()?.get("try").and_then(Try::from_json)
}

/// The claim's fingerprint (a claim written by any version of jifen has one).
pub(super) fn claim_fp(text: &str) -> Option<String> {
    Json::parse(text).ok()?.get("fp").and_then(Json::as_text)
}

/// How a lane's holder ended: the last vendor time its row can carry, whether
/// it applied, and its row's `id` when the ledger showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Done {
    bound: i64,
    applied: bool,
    row: Option<String>,
}

/// The lane of one identical change: who holds it, when it is free, and the
/// earlier holders whose rows may still fall in a new try's window.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lane {
    key: String,
    t: Try,
    done: Option<Done>,
    /// Earlier holders that applied (or may have), recent enough to matter:
    /// their row's `id` if known, else the last vendor time it can carry.
    before: Vec<(Option<String>, i64)>,
}

impl Lane {
    fn to_text(&self) -> String {
        let done = self.done.as_ref().map(|d| {
            Json::object([
                ("bound", Some(Json::int(d.bound))),
                ("applied", Some(Json::Bool(d.applied))),
                ("row", d.row.as_deref().map(Json::str)),
            ])
        });
        let mut before = Vec::new();
        for (row, bound) in &self.before {
            before.push(Json::object([
                ("row", row.as_deref().map(Json::str)),
                ("bound", Some(Json::int(*bound))),
            ]));
        }
        Json::object([
            ("key", Some(Json::str(&self.key))),
            ("try", Some(self.t.to_json())),
            ("done", done),
            ("before", Some(Json::Array(before))),
        ])
        .to_json_string()
    }

    fn parse(text: &str) -> Option<Lane> {
        let j = Json::parse(text).ok()?;
        let done = match j.get("done") {
            Some(d) if !d.is_null() => Some(Done {
                bound: d.get("bound")?.as_i64_lenient()?,
                applied: d.get("applied")?.as_bool_lenient()?,
                row: d.get("row").and_then(Json::as_text),
            }),
            _ => None,
        };
        let mut before = Vec::new();
        for b in j.get("before").and_then(Json::as_array).unwrap_or_default() {
            before.push((
                b.get("row").and_then(Json::as_text),
                b.get("bound")?.as_i64_lenient()?,
            ));
        }
        Some(Lane {
            key: j.get("key")?.as_text()?,
            t: Try::from_json(j.get("try")?)?,
            done,
            before,
        })
    }

    /// Whether the lane records try `t` of `key` itself: the whole try, not its number, as a
    /// same-key caller that lost the claim to `t` gives the lane back under its own, unsent try.
    fn held_by(&self, key: &str, t: &Try) -> bool {
        self.key == key && self.t == *t
    }

    /// The same lane, finished: no row of its holder after `bound`.
    fn finished(&self, bound: i64, applied: bool, row: Option<String>) -> Lane {
        Lane {
            done: Some(Done {
                bound,
                applied,
                row,
            }),
            ..self.clone()
        }
    }
}

/// The refusal of a key found under its earlier name (`Account::legacy_key_scope`).
pub(super) fn legacy_key() -> Error {
    Error::new(
        ErrorCode::Conflict,
        "not sent: an earlier jifen stored this idempotencyKey under the clientId alone, which several account \
         sets share (CHANGELOG: per-account-set keys). Check the member's ledger; send a change not there with a new key",
    )
    .with_vendor(VENDOR)
}

/// The lane key of `adjust` for account set `account`.
fn lane_key(account: &str, adjust: &IntegralAdjust) -> String {
    format!(
        "jifen:kingdee-lane:{account}:{}:{}:{}",
        adjust.mobile,
        adjust.integral,
        adjust.operation.code()
    )
}

/// The result of a change found in the ledger: the row (`id`, and `integral` = balance after).
fn ledger_result(row: Json) -> Json {
    Json::object([
        ("reconciled", Some(Json::str("integral_record"))),
        ("record", Some(row)),
    ])
}

/// What a settled try came to.
enum Settled {
    Applied(Json),
    NotApplied,
}

/// `outcome_unknown`: the change may or may not have applied, and can be
/// settled from the ledger in `retry_after_ms` (local milliseconds).
fn unknown_until(cause: Option<&Error>, why: &str, last_row: i64, retry_after_ms: u64) -> Error {
    let cause = cause
        .map(|c| format!(" ({}: {})", c.code, c.message))
        .unwrap_or_default();
    let mut e = Error::new(
        ErrorCode::OutcomeUnknown,
        format!(
            "the change may or may not have been applied{cause}; {why}. Kingdee cannot accept it after {} \
             (China time, its clock); then jifen reads the ledger and answers for certain: repeat the call \
             with the same idempotencyKey after retryAfterMs, never with a new key",
            format_cst(last_row)
        ),
    )
    .with_vendor(VENDOR)
    .retryable(true);
    e.retry_after_ms = Some(retry_after_ms.max(1));
    e
}

/// An identical change by another key holds the lane: nothing was sent.
fn lane_busy(holder_last_row: i64, retry_after_ms: u64, same_key: bool) -> Error {
    let whose = if same_key {
        "an earlier try of this idempotencyKey"
    } else {
        "an identical change (same member, amount and type) under another idempotencyKey"
    };
    let mut e = Error::new(
        ErrorCode::Conflict,
        format!(
            "not sent: {whose} is not settled yet, and Kingdee's ledger cannot tell two such changes apart; \
             it is settled by {} (China time) at the latest: repeat this call with the same idempotencyKey \
             after retryAfterMs",
            format_cst(holder_last_row)
        ),
    )
    .with_vendor(VENDOR)
    .retryable(true);
    e.retry_after_ms = Some(retry_after_ms.max(1));
    e
}

fn as_ms(x: u64) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

fn ms_until(now: i64, then: i64) -> u64 {
    u64::try_from(then.saturating_sub(now)).unwrap_or(0)
}

impl<T: Transport> Client<T> {
    /// Our clock, ms.
    fn local_ms(&self) -> i64 {
        as_ms(self.env.clock.now_ms())
    }

    /// The vendor's clock now as far as we know it, and how far off that may be.
    fn vendor_now(&self) -> (i64, i64) {
        let now = as_ms(self.now_ms());
        if self.skew.is_known() {
            (now, self.skew.error_ms())
        } else {
            // Without a `Date`, the vendor accepting our timestamps bounds it.
            (now, SLACK_UNKNOWN_CLOCK_MS)
        }
    }

    /// Applies `params` (an `integral_adjust` body, member resolved) exactly
    /// once under `keys`, as the module says. The claim exists (written by the caller).
    /// Returns the `adjustPoints` result, recorded under `keys.result`.
    pub(super) async fn kingdee_adjust(
        &self,
        k: &KingdeeState,
        keys: &Keys<'_>,
        params: &Json,
    ) -> Result<Json> {
        let store = self.points.store.as_ref();
        let adjust = IntegralAdjust::from_params(params)?;
        let lane = lane_key(&k.config.account_set(), &adjust);
        for _ in 0..ROUNDS {
            if let Some(rec) = store.get(keys.result).await? {
                return super::points::replay(&rec, keys.fp, VENDOR);
            }
            let claim = match store.get(keys.claim).await? {
                Some(text) => text,
                None => {
                    // A try under this key was refused and freed it: claim it again.
                    let fresh = claim_text(keys.fp, None);
                    let _ = store.put_if_absent(keys.claim, &fresh).await?;
                    continue;
                }
            };
            if claim_fp(&claim).as_deref() != Some(keys.fp) {
                return Err(super::points::reused());
            }
            let next = match claim_try(&claim) {
                None => 0,
                Some(t) => match self
                    .kingdee_settle(k, store, keys, &lane, &t, &adjust)
                    .await?
                {
                    Settled::Applied(result) => return Ok(result),
                    Settled::NotApplied => t.n + 1,
                },
            };
            match self
                .kingdee_try(k, store, keys, &lane, &claim, next, &adjust, params)
                .await?
            {
                Some(result) => return Ok(result),
                // Another caller of this key moved its claim first: look again.
                None => continue,
            }
        }
        let mut e = Error::new(
            ErrorCode::Conflict,
            "another caller is sending the change with this idempotencyKey right now: repeat the call with the same key after retryAfterMs",
        )
        .with_vendor(VENDOR)
        .retryable(true);
        e.retry_after_ms = Some(1_000);
        Err(e)
    }

    /// Starts try `n`: takes the lane, records the try in the claim (compare-and-set
    /// against `claim`), sends. `None` if another caller of the key changed the claim first.
    #[allow(clippy::too_many_arguments)]
    async fn kingdee_try(
        &self,
        k: &KingdeeState,
        store: &dyn IdempotencyStore,
        keys: &Keys<'_>,
        lane_key: &str,
        claim: &str,
        n: i64,
        adjust: &IntegralAdjust,
        params: &Json,
    ) -> Result<Option<Json>> {
        // The window's start must be known on the vendor's clock.
        self.kingdee_learn_clock(k, adjust).await?;
        let Some(held) = self
            .kingdee_take_lane(store, lane_key, (keys.claim, claim), n)
            .await?
        else {
            return Ok(None);
        };
        let t = &held.t;
        let tried = claim_text(keys.fp, Some(t));
        let recorded = store.replace(keys.claim, claim, &tried).await;
        if !matches!(recorded, Ok(true)) {
            Self::kingdee_give_back(store, lane_key, &held).await;
            // A store that failed: its error; one that said no: another caller of the key won.
            return recorded.map(|_| None);
        }
        let prepared = kingdee::prepare(&k.config, INTEGRAL_ADJUST, params)?;
        let cause = std::cell::RefCell::new(None);
        let sent = self
            .kingdee_send_once(k, &prepared, Some(&cause), Some(t.until))
            .await;
        match sent {
            Ok(data) => {
                let raw = kingdee::result_json(prepared.op, &data)?;
                let result = points::adjust_result(self.mapping(), raw);
                let bound = self.reply_bound();
                self.kingdee_finish(store, keys, lane_key, &held, Some(&result), (bound, None))
                    .await;
                Ok(Some(result))
            }
            Err(e) if e.code != ErrorCode::OutcomeUnknown => {
                // Refused, every attempt: nothing was applied; the key is free again.
                Self::kingdee_give_back(store, lane_key, &held).await;
                let _ = store.delete(keys.claim).await;
                Err(e)
            }
            Err(e) => {
                // No answer: the ledger may already show it (a lost reply of an applied write).
                self.transport
                    .sleep(backoff(&self.policy, 2, self.jitter()))
                    .await;
                let (vendor_now, err) = self.vendor_now();
                let window = (t.from, vendor_now.saturating_add(err));
                if let Ok((Verdict::Applied(row), _)) =
                    self.kingdee_ledger(k, adjust, window, &t.skip).await
                {
                    let id = row.text_at("id").filter(|id| !id.is_empty());
                    let result = points::adjust_result(self.mapping(), ledger_result(row));
                    let bound = self.reply_bound();
                    self.kingdee_finish(store, keys, lane_key, &held, Some(&result), (bound, id))
                        .await;
                    return Ok(Some(result));
                }
                Err(self.not_yet(cause.into_inner().as_ref().or(Some(&e)), t))
            }
        }
    }

    /// Makes sure the vendor's clock is known: a token first (its exchange
    /// teaches the clock, and a try's signing window is then not spent waiting
    /// for one); if it came from a shared cache, one small ledger read.
    async fn kingdee_learn_clock(&self, k: &KingdeeState, adjust: &IntegralAdjust) -> Result<()> {
        self.kingdee_token(k).await?;
        if self.skew.is_known() || self.skew.has_replied() {
            // Known, or the vendor's replies carry no `Date`: the 5-minute bound then.
            return Ok(());
        }
        let probe = kingdee::prepare(
            &k.config,
            INTEGRAL_RECORD,
            &Json::object([
                ("mobile", Some(Json::str(&adjust.mobile))),
                ("page", Some(Json::int(1))),
                ("page_size", Some(Json::int(1))),
            ]),
        )?;
        self.kingdee_send_once(k, &probe, None, None)
            .await
            .map(|_| ())
    }

    /// The last vendor time a row written before the reply just received can
    /// carry: the vendor's clock now, its error bar and the `create_time` second.
    fn reply_bound(&self) -> i64 {
        let (vendor_now, err) = self.vendor_now();
        vendor_now.saturating_add(err).saturating_add(1_000)
    }

    /// Gives back a lane whose try was never sent: finished, not applied (its
    /// earlier holders stay recorded in it).
    async fn kingdee_give_back(store: &dyn IdempotencyStore, lane_key: &str, held: &Lane) {
        let unsent = held.finished(held.t.from, false, None);
        let _ = store
            .replace(lane_key, &held.to_text(), &unsent.to_text())
            .await;
    }

    /// `outcome_unknown` for try `t`, with the time it can be settled.
    fn not_yet(&self, cause: Option<&Error>, t: &Try) -> Error {
        let (vendor_now, err) = self.vendor_now();
        let by_vendor = ms_until(vendor_now.saturating_sub(err), t.last_row());
        let by_ours = ms_until(self.local_ms(), t.quiet_after());
        unknown_until(
            cause,
            "Kingdee gave no answer and its ledger does not show the change yet",
            t.last_row(),
            by_vendor.max(by_ours).saturating_add(1_000),
        )
    }

    /// Records a definite outcome: the result (if applied) first, then the lane
    /// as done, so that a done, applied lane always has its result.
    async fn kingdee_finish(
        &self,
        store: &dyn IdempotencyStore,
        keys: &Keys<'_>,
        lane_key: &str,
        held: &Lane,
        result: Option<&Json>,
        (bound, row): (i64, Option<String>),
    ) {
        if let Some(r) = result {
            let rec = record(keys.fp, "done", ("result", r.clone()));
            let _ = store.put_if_absent(keys.result, &rec).await;
        }
        let _ = store
            .replace(
                lane_key,
                &held.to_text(),
                &held.finished(bound, result.is_some(), row).to_text(),
            )
            .await;
    }

    /// Takes the lane for try `n` of `claim_key`: free, finished, or its holder
    /// past the point where it can still write. Waits a little for a holder in
    /// flight; then `conflict`. Returns the lane as stored, its try included.
    ///
    /// The try's window opens where the vendor could first stamp its row: the
    /// vendor accepts a timestamp at most 5 minutes ahead of its clock, so no
    /// row of ours is older than our first timestamp − 5 min, whatever its
    /// clock does meanwhile. Earlier identical changes in that span are told
    /// apart by their row `id` when the ledger showed it, else by time: the
    /// window then opens after their last possible row.
    async fn kingdee_take_lane(
        &self,
        store: &dyn IdempotencyStore,
        lane_key: &str,
        (claim_key, claim): (&str, &str),
        n: i64,
    ) -> Result<Option<Lane>> {
        let mut polls = 0;
        loop {
            let current = store.get(lane_key).await?;
            let prev = current.as_deref().and_then(Lane::parse);
            if current.is_some() && prev.is_none() {
                return Err(Error::config(
                    "the idempotency store returned a value this library did not write",
                ));
            }
            let (vendor_now, err) = self.vendor_now();
            let earliest = vendor_now.saturating_sub(err);
            let opens = floor_second(vendor_now.saturating_sub(ACCEPT_WINDOW_MS));
            // The earlier holders whose rows may fall in our window.
            let mut before: Vec<(Option<String>, i64)> = Vec::new();
            if let Some(l) = &prev {
                match &l.done {
                    Some(d) if d.applied => before.push((d.row.clone(), d.bound)),
                    Some(_) => {}
                    // Past its last row: it may have applied, we cannot know its row.
                    None if earliest > l.t.last_row() && self.local_ms() > l.t.quiet_after() => {
                        before.push((None, l.t.last_row()))
                    }
                    // Another caller of this very key holds it: once it has recorded its
                    // try, our claim text is stale; the caller then settles from that.
                    None if l.key == claim_key
                        && store.get(claim_key).await?.as_deref() != Some(claim) =>
                    {
                        return Ok(None)
                    }
                    None => {
                        let wait = ms_until(earliest, l.t.last_row())
                            .max(ms_until(self.local_ms(), l.t.quiet_after()));
                        if polls >= LANE_POLLS {
                            return Err(lane_busy(
                                l.t.last_row(),
                                wait.saturating_add(1_000),
                                l.key == claim_key,
                            ));
                        }
                        polls += 1;
                        self.transport.sleep(LANE_POLL_MS).await;
                        continue;
                    }
                }
                for b in &l.before {
                    before.push(b.clone());
                }
            }
            before.retain(|(_, bound)| *bound >= opens);
            // A row we know by time only: our window opens on the second after it.
            let mut after_known = i64::MIN;
            for (row, bound) in &before {
                if row.is_none() {
                    after_known = after_known.max(floor_second(*bound).saturating_add(1_000));
                }
            }
            let from = opens.max(after_known);
            // Our first attempt must not be stamped before that second.
            if earliest < after_known {
                if polls >= LANE_POLLS {
                    return Err(lane_busy(
                        after_known,
                        ms_until(earliest, after_known),
                        false,
                    ));
                }
                polls += 1;
                self.transport
                    .sleep(ms_until(earliest, after_known).min(1_000))
                    .await;
                continue;
            }
            let mut skip = Vec::new();
            for (row, _) in &before {
                if let Some(id) = row {
                    skip.push(id.clone());
                }
            }
            let mine = Lane {
                key: claim_key.to_string(),
                t: Try {
                    n,
                    from,
                    until: vendor_now.saturating_add(SIGN_WINDOW_MS),
                    at: self.local_ms(),
                    skip,
                },
                done: None,
                before,
            };
            let won = match &current {
                None => store.put_if_absent(lane_key, &mine.to_text()).await?,
                Some(text) => store.replace(lane_key, text, &mine.to_text()).await?,
            };
            if won {
                return Ok(Some(mine));
            }
        }
    }

    /// Settles try `t` of the key: from the lane if its outcome was recorded,
    /// else from the ledger once the vendor can no longer accept it.
    async fn kingdee_settle(
        &self,
        k: &KingdeeState,
        store: &dyn IdempotencyStore,
        keys: &Keys<'_>,
        lane_key: &str,
        t: &Try,
        adjust: &IntegralAdjust,
    ) -> Result<Settled> {
        // A try still in flight elsewhere (another caller of this key) usually ends
        // within a round trip: wait a little for its outcome before answering.
        let mut polls = 0;
        let lane = loop {
            let lane = store.get(lane_key).await?.as_deref().and_then(Lane::parse);
            if let Some(rec) = store.get(keys.result).await? {
                return super::points::replay(&rec, keys.fp, VENDOR).map(Settled::Applied);
            }
            match lane.as_ref().filter(|l| l.held_by(keys.claim, t)) {
                Some(Lane {
                    done: Some(Done { applied: false, .. }),
                    ..
                }) => return Ok(Settled::NotApplied),
                Some(Lane { done: None, .. })
                    if polls < SETTLE_POLLS && self.local_ms() < t.quiet_after() =>
                {
                    polls += 1;
                    self.transport.sleep(LANE_POLL_MS).await;
                }
                _ => break lane,
            }
        };
        if let Err(e) = self.kingdee_learn_clock(k, adjust).await {
            return Err(self.not_yet(Some(&e), t));
        }
        // Our own clock first: until it says the try is quiet, nothing can settle it.
        // After that the ledger read's own `Date` judges the vendor's clock: the
        // estimate from earlier replies may be stale (a vendor clock that stepped).
        if self.local_ms() <= t.quiet_after() {
            return Err(self.not_yet(None, t));
        }
        let window = (t.from, t.last_row());
        let (verdict, read_at) = match self.kingdee_ledger(k, adjust, window, &t.skip).await {
            Ok(v) => v,
            // A refused or failed read (rate limit, network) settles nothing: later.
            Err(e) => {
                let mut u = self.not_yet(Some(&e), t);
                u.retry_after_ms = Some(e.retry_after_ms.unwrap_or(0).max(1_000));
                return Err(u);
            }
        };
        if read_at <= t.last_row() {
            // The read's own `Date` says the vendor's clock had not passed it yet.
            return Err(self.not_yet(None, t));
        }
        let mine = lane.filter(|l| l.held_by(keys.claim, t) && l.done.is_none());
        match verdict {
            Verdict::Applied(row) => {
                let id = row.text_at("id").filter(|id| !id.is_empty());
                let result = points::adjust_result(self.mapping(), ledger_result(row));
                match &mine {
                    Some(l) => {
                        let last = t.last_row();
                        self.kingdee_finish(store, keys, lane_key, l, Some(&result), (last, id))
                            .await
                    }
                    None => {
                        let rec = record(keys.fp, "done", ("result", result.clone()));
                        let _ = store.put_if_absent(keys.result, &rec).await;
                    }
                }
                Ok(Settled::Applied(result))
            }
            Verdict::NotApplied => {
                if let Some(l) = &mine {
                    self.kingdee_finish(store, keys, lane_key, l, None, (t.last_row(), None))
                        .await;
                }
                Ok(Settled::NotApplied)
            }
            Verdict::Unknown(why) => Err(Error::new(
                ErrorCode::OutcomeUnknown,
                format!(
                    "the change may or may not have been applied, and Kingdee's ledger cannot tell: {why} \
                     between {} and {} (China time) for this member, amount and type. Another writer (a POS, \
                     another system) made an identical change: check the member's ledger and settle it by hand; \
                     repeating the call will not tell more",
                    format_cst(t.from),
                    format_cst(t.last_row())
                ),
            )
            .with_vendor(VENDOR)),
        }
    }

    /// Reads the member's ledger rows with `create_time` in `window` (vendor
    /// ms, inclusive) and judges them. Also returns a lower bound of the
    /// vendor's clock when the first page was read (from that reply's `Date`).
    async fn kingdee_ledger(
        &self,
        k: &KingdeeState,
        adjust: &IntegralAdjust,
        window: (i64, i64),
        skip: &[String],
    ) -> Result<(Verdict, i64)> {
        let expected = Expected {
            adjust: adjust.clone(),
            from_ms: window.0,
            to_ms: window.1,
            skip_ids: skip.to_vec(),
        };
        let mut rows: Vec<Json> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut complete = false;
        let mut read_at = i64::MIN;
        for page in 1..=MAX_PAGES {
            let prepared = kingdee::prepare(&k.config, INTEGRAL_RECORD, &query(&expected, page))?;
            let sent_local = self.env.clock.now_ms();
            let data = self.kingdee_send_once(k, &prepared, None, None).await?;
            if page == 1 {
                read_at = if self.skew.is_known() {
                    as_ms(self.skew.apply(sent_local)).saturating_sub(self.skew.error_ms())
                } else {
                    as_ms(sent_local).saturating_sub(SLACK_UNKNOWN_CLOCK_MS)
                };
            }
            let got = record_page_json(&data)?;
            let got_rows = got.get("rows").and_then(Json::as_array).unwrap_or_default();
            let field = |k: &str| got.get(k).and_then(Json::as_i64_lenient).unwrap_or(0);
            let (count, total_page) = (field("count"), field("total_page"));
            // A row landing while the pages are read shifts them: the same row may
            // come twice (counted once, by id); none is skipped, as rows are only added.
            for row in got_rows {
                let id = row.text_at("id").unwrap_or_default();
                // (At most MAX_PAGES × 100 rows: a scan costs less than a hash set's code.)
                if id.is_empty() || !seen.contains(&id) {
                    seen.push(id);
                    rows.push(row.clone());
                }
            }
            let read = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            if page >= total_page && read >= count {
                complete = true;
                break;
            }
        }
        Ok((judge(&expected, &rows, complete), read_at))
    }
}
