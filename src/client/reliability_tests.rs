//! Clocks that are off, and a lost Kingdee adjustment sent through `call`,
//! against a scripted transport. (`adjustPoints` settles lost Kingdee
//! adjustments: `tests/kingdee_exactly_once.rs`.)

use super::*;
use crate::core::clock::{ManualClock, TestEntropy};
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

fn adjust() -> Json {
    Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#).unwrap()
}

fn dated(status: u16, date_ms: u64, body: &str) -> Reply {
    Reply::with_headers(status, &[("Date", &http_date(date_ms))], body)
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

#[test]
fn call_never_repeats_a_lost_integral_adjust_and_points_to_adjust_points() {
    // `call` has no idempotency key to settle a lost reply with: it says so and sends
    // nothing more (adjustPoints settles it; see kingdee_settle.rs).
    let t = ScriptedTransport::new()
        .then(TOKEN, token())
        .then(ADJUST, Reply::network());
    let c = kingdee(t);
    let e = block_on(c.call(ADJUST_PATH, &adjust())).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e:?}");
    assert!(!e.retryable, "{e:?}");
    assert!(!e.message.contains("safe"), "{}", e.message);
    assert_eq!(
        c.transport().sent.borrow().len(),
        2,
        "token + one adjust, nothing more"
    );
}
