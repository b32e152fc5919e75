//! Kingdee `integral_adjust` with lost replies settled from the ledger.
//!
//! The adjustment has no idempotency field, so when an attempt may have
//! reached the vendor and no answer came back (a dropped connection, a
//! timeout, a 5xx, an unreadable reply, gateway 5000/5004/5005), repeating it
//! could credit twice and giving up could lose it. Instead the client waits a
//! moment, reads the member's ledger (`integral_record`) from just before the
//! first attempt, and judges it (`vendors::kingdee::reconcile`):
//!
//! * **applied**: the call succeeds with `{reconciled: "integral_record", record}`,
//!   `record` being the ledger row (its `id`, and `integral` = balance after);
//! * **not applied**: the adjustment is sent **once** more. This is the one
//!   automatic repeat of a non-idempotent write, and it is safe because the
//!   ledger showed the first attempt did nothing. If that attempt is lost too,
//!   the ledger is read again over the same window, now counting both attempts:
//!   one row → applied; none → the call fails with the transport's code
//!   (`network`, `timeout`, `http`, `parse`), `retryable`, saying it was not
//!   applied; two → `outcome_unknown` saying it may have been applied twice;
//! * **unknown** (two identical changes in the window, unreadable rows, the
//!   ledger unreachable): `outcome_unknown`, as distinct error, with the reason.
//!
//! The residual risk, stated in the README: a write the vendor is still
//! processing when the ledger is read is judged "not applied".

use super::kingdee::KingdeeState;
use super::{Client, Transport};
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::retry::backoff;
use crate::vendors::kingdee::ops::{IntegralAdjust, INTEGRAL_RECORD};
use crate::vendors::kingdee::reconcile::{
    judge, query, Expected, Verdict, MAX_PAGES, SLACK_KNOWN_CLOCK_MS, SLACK_UNKNOWN_CLOCK_MS,
};
use crate::vendors::kingdee::response::record_page_json;
use crate::vendors::kingdee::{self, Prepared};
use std::cell::RefCell;

/// The result of an adjustment settled from the ledger.
fn applied(row: Json) -> Json {
    Json::object([
        ("reconciled", Some(Json::str("integral_record"))),
        ("record", Some(row)),
    ])
}

/// Appends what the ledger said to an `outcome_unknown` error.
fn still_unknown(mut e: Error, why: &str) -> Error {
    e.message = format!(
        "{}; jifen read the ledger (integral_record) and it cannot tell: {why}",
        e.message
    );
    e
}

/// The error for an adjustment the ledger shows was not applied, twice:
/// the last attempt's own error, retryable, saying so.
fn not_applied(unknown: Error, cause: Option<Error>) -> Error {
    let mut e = cause.unwrap_or(unknown);
    e.retryable = true;
    e.message = format!(
        "Kingdee integral_adjust was not applied: two attempts got no usable reply and the \
         ledger (integral_record) shows neither, so repeating it is safe (last failure: {}: {})",
        e.code, e.message
    );
    e
}

impl<T: Transport> Client<T> {
    /// Sends a prepared call, with the app-token when it needs one, refreshing
    /// the token once if the vendor says it is missing, invalid or expired.
    /// An `integral_adjust` whose outcome is unknown is settled from the
    /// ledger before anything is reported. (Every call goes through this loop,
    /// so the wasm has one await of `kingdee_send_once` here, not two.)
    pub(super) async fn kingdee_send(&self, k: &KingdeeState, prepared: &Prepared) -> Result<Json> {
        let adjust = if prepared.op == kingdee::ops::Operation::IntegralAdjust {
            let body = prepared.body.as_deref().unwrap_or_default();
            Some(IntegralAdjust::from_params(&Json::parse(body)?)?)
        } else {
            None
        };
        // Our clock, not the vendor's: the offset may be learned during the call.
        let started = self.env.clock.now_ms();
        let mut resent = false;
        loop {
            let cause = RefCell::new(None);
            let (e, adjust) = match (
                self.kingdee_send_once(k, prepared, Some(&cause)).await,
                &adjust,
            ) {
                (Err(e), Some(adjust)) if e.code == ErrorCode::OutcomeUnknown => (e, adjust),
                (other, _) => return other,
            };
            match self.kingdee_ledger_verdict(k, adjust, started).await {
                Ok(Verdict::Applied(row)) => return Ok(applied(row)),
                Ok(Verdict::NotApplied) if !resent => resent = true,
                Ok(Verdict::NotApplied) => return Err(not_applied(e, cause.into_inner())),
                Ok(Verdict::Unknown(why)) if resent => {
                    return Err(still_unknown(
                        e,
                        &format!("{why} (it was sent twice: the first attempt was not in the ledger when checked, so one may be a duplicate)"),
                    ))
                }
                Ok(Verdict::Unknown(why)) => return Err(still_unknown(e, &why)),
                Err(read) => {
                    return Err(still_unknown(
                        e,
                        &format!("reading it failed ({}: {})", read.code, read.message),
                    ))
                }
            }
        }
    }

    /// Reads the ledger window since `started` (our clock, ms) and judges it.
    async fn kingdee_ledger_verdict(
        &self,
        k: &KingdeeState,
        adjust: &IntegralAdjust,
        started: u64,
    ) -> Result<Verdict> {
        // Let a write that is still landing land before looking.
        self.transport
            .sleep(backoff(&self.policy, 2, self.jitter()))
            .await;
        // The vendor's clock is known to within the error bar of the exchange it was
        // learned from; without a `Date`, the gateway's 5-minute timestamp check bounds it.
        let slack = if self.skew.is_known() {
            SLACK_KNOWN_CLOCK_MS
                .saturating_add(self.skew.error_ms())
                .min(SLACK_UNKNOWN_CLOCK_MS)
        } else {
            SLACK_UNKNOWN_CLOCK_MS
        };
        let vendor_ms = |local: u64| i64::try_from(self.skew.apply(local)).unwrap_or(i64::MAX);
        let mut expected = Expected {
            adjust: adjust.clone(),
            from_ms: vendor_ms(started).saturating_sub(slack),
            to_ms: i64::MAX,
        };
        let mut rows = Vec::new();
        let mut complete = false;
        for page in 1..=MAX_PAGES {
            let prepared = kingdee::prepare(&k.config, INTEGRAL_RECORD, &query(&expected, page))?;
            let data = self.kingdee_send_once(k, &prepared, None).await?;
            let got = record_page_json(&data)?;
            let got_rows = got.get("rows").and_then(Json::as_array).unwrap_or_default();
            let field = |k: &str| got.get(k).and_then(Json::as_i64_lenient).unwrap_or(0);
            let (count, total_page) = (field("count"), field("total_page"));
            rows.extend_from_slice(got_rows);
            // The last page is the one the vendor's totals say (its pages may be
            // shorter than the 100 asked); a total that overstates ends as unknown.
            let read = i64::try_from(rows.len()).unwrap_or(i64::MAX);
            if page >= total_page && read >= count {
                complete = true;
                break;
            }
        }
        // The window closes after the last page was read: a row that landed while
        // the pages were read (slowly, with retries) is counted, not ignored.
        expected.to_ms = vendor_ms(self.env.clock.now_ms()).saturating_add(slack);
        Ok(judge(&expected, &rows, complete))
    }
}
