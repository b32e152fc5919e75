//! Lost Kingdee adjustments settled from the ledger, and clocks that are off,
//! against a scripted transport.

use super::*;
use crate::core::clock::{ManualClock, TestEntropy};
use crate::core::time::format_cst;
use crate::testing::{block_on, http_date, Reply, ScriptedTransport};
use std::cell::Cell;
use std::rc::Rc;

const TOKEN: &str = "kingdee_auth_token";
const ADJUST: &str = "integral_adjust";
const RECORD: &str = "integral_record";
const ADJUST_PATH: &str = "/jdy/v2/ls/integral_adjust";
const NOW: u64 = 1_700_000_000_000;
const TEN_MIN: u64 = 600_000;

struct SharedClock(Rc<ManualClock>);
impl Clock for SharedClock {
    fn now_ms(&self) -> u64 {
        self.0.now_ms()
    }
}

fn kingdee(t: ScriptedTransport) -> Client<ScriptedTransport> {
    kingdee_at(t, NOW).0
}

fn kingdee_at(t: ScriptedTransport, now: u64) -> (Client<ScriptedTransport>, Rc<ManualClock>) {
    let cfg = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#;
    let clock = Rc::new(ManualClock(Cell::new(now)));
    let c = Client::new(
        &Json::parse(cfg).unwrap(),
        t,
        Env::new(
            Box::new(SharedClock(clock.clone())),
            Box::new(TestEntropy(Cell::new(5))),
        ),
    )
    .unwrap();
    (c, clock)
}

fn token() -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"errcode":0,"description":"成功","data":{{"app-token":"tok-1","expires":{}}}}}"#,
            NOW + 86_400_000
        ),
    )
}

fn ok() -> Reply {
    Reply::json(200, r#"{"errcode":0,"description":"success","data":{}}"#)
}

fn row(id: &str, occur: i64, at: u64) -> String {
    format!(
        r#"{{"id":"{id}","member_id":"1480000000000000001","member_name":"张三","create_time":"{t}","modify_time":"{t}","last_integral":"500","occur":"{occur}","integral":"{after}","type_id":"x","type_number":"5","type_name":"促销赠送"}}"#,
        t = format_cst(at as i64),
        after = 500 + occur
    )
}

fn ledger(rows: &[String]) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"errcode":0,"description":"success","data":{{"count":"{n}","total_page":1,"page":1,"page_size":100,"rows":[{r}]}}}}"#,
            n = rows.len(),
            r = rows.join(",")
        ),
    )
}

fn adjust() -> Json {
    Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#).unwrap()
}

fn dated(status: u16, date_ms: u64, body: &str) -> Reply {
    Reply::with_headers(status, &[("Date", &http_date(date_ms))], body)
}

#[test]
fn a_lost_reply_found_in_the_ledger_is_applied_and_not_repeated() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(
            RECORD,
            ledger(&[row("41", -10, NOW), row("42", 10, NOW + 300)]),
        );
    let c = kingdee(t);
    let out = block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    assert_eq!(
        out.get("reconciled").and_then(Json::as_str),
        Some("integral_record")
    );
    let record = out.get("record").unwrap();
    assert_eq!(record.get("id").and_then(Json::as_str), Some("42"));
    assert_eq!(
        record.get("integral").and_then(Json::as_i64_lenient),
        Some(510)
    );
    assert_eq!(c.transport().count(ADJUST), 1);
    // The ledger query asks for this member since just before the first attempt.
    let sent = c.transport().sent.borrow();
    let q = &sent.last().unwrap().url;
    assert!(q.contains("mobile=13800138000"), "{q}");
    assert!(q.contains("start_date=2023-11-15"), "{q}");
    // It waited for the write to settle before looking.
    assert_eq!(c.transport().slept.borrow().len(), 1);
}

#[test]
fn a_gateway_timeout_is_settled_the_same_way() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(
            ADJUST,
            Reply::json(519, r#"{"errcode":5004,"description":"API timeout"}"#),
        )
        .then(RECORD, ledger(&[row("7", 10, NOW)]));
    let c = kingdee(t);
    let out = block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    assert!(out.get("record").is_some());
    assert_eq!(c.transport().count(ADJUST), 1);
}

#[test]
fn not_in_the_ledger_is_sent_once_more() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::json(200, r#"{"errcode":0,"descr"#))
        .then(RECORD, ledger(&[row("1", 10, NOW - 3_600_000)]))
        .then(ADJUST, ok());
    let c = kingdee(t);
    let out = block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    assert_eq!(out, Json::Object(vec![]));
    assert_eq!(c.transport().count(ADJUST), 2);
    assert_eq!(c.transport().remaining(), 0);
}

#[test]
fn lost_twice_and_not_applied_is_a_retryable_error_saying_so() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[]))
        .then(ADJUST, Reply::json(502, "bad gateway"))
        .then(RECORD, ledger(&[]));
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::Http, "{e}");
    assert!(e.retryable);
    assert!(e.message.contains("was not applied"), "{e}");
    assert!(!e.message.contains("may or may not"), "{e}");
    assert_eq!(e.http_status, Some(502));
    assert_eq!(c.transport().count(ADJUST), 2, "never a third time");
}

#[test]
fn resent_and_then_found_once_is_applied() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[]))
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[row("9", 10, NOW)]));
    let c = kingdee(t);
    let out = block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    assert!(out.get("record").is_some());
    assert_eq!(c.transport().count(ADJUST), 2);
}

#[test]
fn resent_and_then_found_twice_is_unknown_and_says_duplicate() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[]))
        .then(ADJUST, Reply::network())
        .then(
            RECORD,
            ledger(&[row("9", 10, NOW), row("10", 10, NOW + 500)]),
        );
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert!(e.message.contains("duplicate"), "{e}");
    assert!(!e.retryable);
}

#[test]
fn two_identical_changes_in_the_window_are_unknown_not_a_guess() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[row("1", 10, NOW), row("2", 10, NOW)]));
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert!(e.message.contains("2 identical changes"), "{e}");
    assert_eq!(c.transport().count(ADJUST), 1);
}

#[test]
fn an_unreadable_ledger_leaves_the_outcome_unknown() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(
            RECORD,
            Reply::json(519, r#"{"errcode":4008,"description":"bad sig"}"#),
        );
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert!(e.message.contains("reading it failed"), "{e}");
    assert_eq!(c.transport().count(ADJUST), 1);
}

#[test]
fn a_definite_refusal_is_not_reconciled() {
    let t = ScriptedTransport::new().then(TOKEN, token()).then(
        ADJUST,
        Reply::json(
            200,
            r#"{"errcode":2000002002,"description":"会员积分不足"}"#,
        ),
    );
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::Vendor);
    assert_eq!(c.transport().count(RECORD), 0);
}

fn timestamp_of(req: &HttpRequest) -> u64 {
    req.header("X-Api-TimeStamp").unwrap().parse().unwrap()
}

#[test]
fn a_client_ten_minutes_fast_still_succeeds() {
    let vendor_now = NOW - TEN_MIN;
    let t = ScriptedTransport::new()
        .then(
            TOKEN,
            dated(
                519,
                vendor_now,
                r#"{"errcode":4006,"description":"X-Api-TimeStamp is invalid"}"#,
            ),
        )
        .then(TOKEN, token())
        .then(ADJUST, dated(200, vendor_now, r#"{"errcode":0,"data":{}}"#));
    let (c, _) = kingdee_at(t, NOW);
    block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    let sent = c.transport().sent.borrow();
    assert_eq!(timestamp_of(&sent[0]), NOW);
    for later in &sent[1..] {
        let ts = timestamp_of(later) as i64;
        assert!(
            (ts - vendor_now as i64).abs() <= 1_000,
            "re-signed with the vendor's time: {ts}"
        );
    }
    // Re-signed at once: a stale timestamp needs no backoff.
    assert_eq!(*c.transport().slept.borrow(), vec![0]);
    let skew = c.clock_skew_ms().unwrap();
    assert!((skew + TEN_MIN as i64).abs() <= 1_000, "{skew}");
}

#[test]
fn a_lost_reply_is_found_in_the_vendors_time_when_the_clock_is_fast() {
    // Our clock is 10 minutes ahead; the ledger row carries the vendor's time.
    // Judged in our time the row would fall outside the window.
    let vendor_now = NOW - TEN_MIN;
    let t = ScriptedTransport::new()
        .then(
            TOKEN,
            dated(
                519,
                vendor_now,
                r#"{"errcode":4006,"description":"expired"}"#,
            ),
        )
        .then(TOKEN, token())
        .then(ADJUST, Reply::network())
        .then(RECORD, ledger(&[row("77", 10, vendor_now + 200)]));
    let (c, _) = kingdee_at(t, NOW);
    let out = block_on(c.call(ADJUST_PATH, &adjust())).unwrap();
    assert_eq!(
        out.get("record")
            .and_then(|r| r.get("id"))
            .and_then(Json::as_str),
        Some("77")
    );
    assert_eq!(c.transport().count(ADJUST), 1);
}

#[test]
fn qimai_re_signs_a_refused_timestamp_with_the_vendors_time() {
    let vendor_now = NOW - TEN_MIN;
    let cfg = r#"{"vendor":"qimai","openId":"o","grantCode":"g","openKey":"test-open-key","version":"v3","baseUrl":"http://sim/qimai"}"#;
    let t = ScriptedTransport::new()
        .then(
            "getCustomerPoints",
            dated(
                200,
                vendor_now,
                r#"{"status":false,"code":40003,"message":"时间戳已过期","data":null}"#,
            ),
        )
        .then(
            "getCustomerPoints",
            Reply::json(
                200,
                r#"{"status":true,"code":0,"message":"success","data":{"totalPoints":5}}"#,
            ),
        );
    let c = Client::new(
        &Json::parse(cfg).unwrap(),
        t,
        Env::new(
            Box::new(crate::core::clock::FixedClock(NOW)),
            Box::new(TestEntropy(Cell::new(3))),
        ),
    )
    .unwrap();
    let out = block_on(c.call(
        "/v3/crm/points/getCustomerPoints",
        &Json::parse(r#"{"customerId":"1"}"#).unwrap(),
    ))
    .unwrap();
    assert_eq!(
        out.get("totalPoints").and_then(Json::as_i64_lenient),
        Some(5)
    );
    let sent = c.transport().sent.borrow();
    let ts = |i: usize| {
        Json::parse(sent[i].body.as_deref().unwrap())
            .unwrap()
            .get("timestamp")
            .and_then(Json::as_i64_lenient)
            .unwrap()
    };
    assert_eq!(ts(0), (NOW / 1000) as i64);
    assert!((ts(1) - (vendor_now / 1000) as i64).abs() <= 1, "{}", ts(1));
}
