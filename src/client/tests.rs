//! Client behaviour against a scripted transport.

use super::*;
use crate::core::clock::{ManualClock, TestEntropy};
use crate::testing::{block_on, Reply, ScriptedTransport};
use std::rc::Rc;

const AUTH: &str = "push_app_authorize";
const TOKEN: &str = "kingdee_auth_token";
const ADJUST: &str = "integral_adjust";
const NOW: u64 = 1_700_000_000_000;

struct SharedClock(Rc<ManualClock>);
impl Clock for SharedClock {
    fn now_ms(&self) -> u64 {
        self.0.now_ms()
    }
}

fn kingdee(
    transport: ScriptedTransport,
    outer: bool,
) -> (Client<ScriptedTransport>, Rc<ManualClock>) {
    let cfg = if outer {
        r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","outerInstanceId":"42","baseUrl":"http://sim/kingdee"}"#
    } else {
        r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#
    };
    let clock = Rc::new(ManualClock(std::cell::Cell::new(NOW)));
    let c = Client::new(
        &Json::parse(cfg).unwrap(),
        transport,
        Env::new(
            Box::new(SharedClock(clock.clone())),
            Box::new(TestEntropy(std::cell::Cell::new(9))),
        ),
    )
    .unwrap();
    (c, clock)
}

fn authorize() -> Reply {
    Reply::json(
        200,
        r#"{"code":200,"msg":"ok","data":[{"appKey":"old","appSecret":"x","domain":"https://old","status":0},{"appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","status":1}]}"#,
    )
}

fn token(t: &str, expires: u64) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"errcode":0,"description":"成功","data":{{"app-token":"{t}","expires":{expires}}}}}"#
        ),
    )
}

fn ok() -> Reply {
    Reply::json(200, r#"{"errcode":0,"description":"success","data":{}}"#)
}

fn gw(code: u32) -> Reply {
    Reply::json(519, &format!(r#"{{"errcode":{code},"description":"x"}}"#))
}

fn adjust_params() -> Json {
    Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#).unwrap()
}

#[test]
fn first_call_fetches_token_second_reuses_it() {
    let t = ScriptedTransport::new()
        .then(AUTH, authorize())
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(ADJUST, ok())
        .then(ADJUST, ok());
    let (c, _) = kingdee(t, true);
    block_on(c.call("/jdy/v2/ls/integral_adjust", &adjust_params())).unwrap();
    block_on(c.call("/jdy/v2/ls/integral_adjust", &adjust_params())).unwrap();
    let sent = c.transport().sent.borrow();
    assert_eq!(c.transport().count(TOKEN), 1);
    assert_eq!(c.transport().count(AUTH), 1);
    assert_eq!(sent[2].header("app-token"), Some("tok-1"));
    assert_eq!(sent[3].header("app-token"), Some("tok-1"));
    assert_eq!(
        sent[3].header("X-GW-Router-Addr"),
        Some("https://tf.jdy.com")
    );
    assert!(sent[1].url.contains("app_key=k&app_signature="));
}

#[test]
fn token_refreshes_before_expiry() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 10 * 60_000))
        .then(ADJUST, ok())
        .then(ADJUST, ok())
        .then(TOKEN, token("tok-2", NOW + 86_400_000))
        .then(ADJUST, ok());
    let (c, clock) = kingdee(t, false);
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    // A 10-minute token is refreshed in the last quarter of its life (2.5 min).
    clock.advance(7 * 60_000);
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    assert_eq!(c.kingdee_token_calls(), 1, "3 minutes left: kept");
    clock.advance(60_000); // 2 minutes left: inside the margin
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    assert_eq!(c.kingdee_token_calls(), 2);
    assert_eq!(
        c.transport().sent.borrow()[4].header("app-token"),
        Some("tok-2")
    );
}

const ADJUST_PATH: &str = "/jdy/v2/ls/integral_adjust";

#[test]
fn expired_token_answer_refreshes_once_and_retries_once() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(ADJUST, gw(4011))
        .then(TOKEN, token("tok-2", NOW + 86_400_000))
        .then(ADJUST, ok());
    let (c, _) = kingdee(t, false);
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    assert_eq!(c.kingdee_token_calls(), 2);
    assert_eq!(c.transport().remaining(), 0);
}

#[test]
fn second_token_failure_surfaces_as_auth() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(ADJUST, gw(4010))
        .then(TOKEN, token("tok-2", NOW + 86_400_000))
        .then(ADJUST, gw(4010));
    let (c, _) = kingdee(t, false);
    let e = block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap_err();
    assert_eq!(e.code, ErrorCode::Auth);
    assert_eq!(e.vendor_code.as_deref(), Some("4010"));
    assert_eq!(c.transport().remaining(), 0);
    assert_eq!(c.kingdee_token_calls(), 2);
}

#[test]
fn rotated_app_secret_repulls_authorization_once() {
    let t = ScriptedTransport::new()
        .then(AUTH, authorize())
        .then(
            TOKEN,
            Reply::json(
                200,
                r#"{"errcode":1030002006,"description":"授权密钥校验失败"}"#,
            ),
        )
        .then(AUTH, authorize())
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(ADJUST, ok());
    let (c, _) = kingdee(t, true);
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    assert_eq!(c.transport().count(AUTH), 2);
}

#[test]
fn invalid_input_sends_nothing() {
    let (c, _) = kingdee(ScriptedTransport::new(), false);
    let e = block_on(c.call(
        ADJUST_PATH,
        &Json::parse(r#"{"mobile":"13800138000","integral":0,"operation":5}"#).unwrap(),
    ))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    let e = block_on(c.call("/jdy/v2/ls/nope", &Json::Null)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(c.transport().sent.borrow().is_empty());
}

#[test]
fn reads_are_retried_on_5xx_with_backoff() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then("integral_record", Reply::json(503, "busy"))
        .then("integral_record", Reply::network())
        .then(
            "integral_record",
            Reply::json(200, r#"{"errcode":0,"data":{"count":"0","rows":[]}}"#),
        );
    let (c, _) = kingdee(t, false);
    let page = block_on(c.call("/jdy/v2/ls/integral_record", &Json::Null)).unwrap();
    assert_eq!(page.get("count").and_then(Json::as_i64_lenient), Some(0));
    assert_eq!(c.transport().slept.borrow().len(), 2);
}

#[test]
fn adjust_is_not_repeated_after_a_lost_reply() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(ADJUST, Reply::network());
    let (c, _) = kingdee(t, false);
    let e = block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert_eq!(c.transport().count(ADJUST), 1);
}

#[test]
fn adjust_is_retried_when_the_gateway_refused_it() {
    let t = ScriptedTransport::new()
        .then(TOKEN, token("tok-1", NOW + 86_400_000))
        .then(
            ADJUST,
            Reply::with_headers(429, &[("Retry-After", "1")], ""),
        )
        .then(ADJUST, ok());
    let (c, _) = kingdee(t, false);
    block_on(c.call(ADJUST_PATH, &adjust_params())).unwrap();
    assert_eq!(*c.transport().slept.borrow(), vec![1000]);
}

#[test]
fn malformed_replies_are_errors_not_panics() {
    for body in [
        "not json",
        "[]",
        r#"{"errcode":0}"#,
        r#"{"errcode":0,"data":{"rows":"x"}}"#,
        r#"{"errcode":"zero"}"#,
    ] {
        let t = ScriptedTransport::new()
            .then(TOKEN, token("tok-1", NOW + 86_400_000))
            .then("integral_record", Reply::json(200, body));
        let (c, _) = kingdee(t, false);
        let e = block_on(c.call("/jdy/v2/ls/integral_record", &Json::Null));
        assert!(e.is_err(), "{body}");
    }
}

#[test]
fn a_vendor_error_echoing_the_request_does_not_carry_its_credentials() {
    // Made-up token; the vendor's text echoes the header and the URL it refused.
    let tok = "test-app-token-echoed-0001";
    let t = ScriptedTransport::new()
        .then(AUTH, authorize())
        .then(TOKEN, token(tok, NOW + 86_400_000))
        .then(
            ADJUST,
            Reply::json(
                200,
                &format!(r#"{{"errcode":2000002002,"description":"refused: app-token {tok}"}}"#),
            ),
        );
    let (c, _) = kingdee(t, true);
    let e = block_on(c.call("/jdy/v2/ls/integral_adjust", &adjust_params())).unwrap_err();
    assert!(!e.message.contains(tok), "{}", e.message);
    assert!(e.message.contains("app-token ***"), "{}", e.message);
    assert_eq!(e.vendor_code.as_deref(), Some("2000002002"));
}
