//! Qimai client behaviour against a scripted transport: every operation's
//! body, fresh Tokens per attempt, `bizId` reuse, business/system errors and
//! malformed replies.

use super::*;
use crate::core::clock::{ManualClock, TestEntropy};
use crate::retry::delivery;
use crate::testing::{block_on, Reply, ScriptedTransport};
use crate::vendors::qimai::ops;
use crate::vendors::qimai::sign::{string_to_sign, token, Fields};
use std::cell::Cell;

const NOW_MS: u64 = 1_712_563_200_123;
const OPEN_KEY: &str = "sim-open-key-not-real-0001";
const OPEN_ID: &str = "5b1f0e3a9c7d4e2f8a6b1c0d9e8f7a6b";
const GRANT_CODE: &str = "a1b2c3d4e5";
const BASE: &str = "http://sim/qimai";

fn client(transport: ScriptedTransport, extra: &str) -> Client<ScriptedTransport> {
    let cfg = format!(
        r#"{{"vendor":"qimai","openId":"{OPEN_ID}","grantCode":"{GRANT_CODE}","openKey":"{OPEN_KEY}","version":"v3","baseUrl":"{BASE}"{extra}}}"#
    );
    Client::new(
        &Json::parse(&cfg).unwrap(),
        transport,
        Env::new(
            Box::new(ManualClock(Cell::new(NOW_MS))),
            Box::new(TestEntropy(Cell::new(11))),
        ),
    )
    .unwrap()
}

fn v3_ok(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"status":true,"code":0,"message":"success","data":{data},"traceId":"trace-ok"}}"#
        ),
    )
}

fn v2_ok(data: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"status":"true","code":"0","message":"success","data":{data}}}"#),
    )
}

fn fail(code: u32, message: &str) -> Reply {
    Reply::json(
        200,
        &format!(
            r#"{{"status":false,"code":{code},"message":"{message}","data":null,"traceId":"trace-{code}"}}"#
        ),
    )
}

fn j(s: &str) -> Json {
    Json::parse(s).unwrap()
}

/// Checks the envelope of a sent request and returns (body, params).
fn check_envelope(req: &HttpRequest, v2: bool, capitalised: bool) -> (Json, Json) {
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.header("Content-Type"), Some("application/json"));
    let body = Json::parse(req.body.as_deref().unwrap()).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    let names: [&str; 5] = if v2 {
        ["OpenId", "GrantCode", "Timestamp", "Nonce", "Token"]
    } else {
        ["openId", "grantCode", "timestamp", "nonce", "token"]
    };
    let want: Vec<&str> = if v2 {
        names.iter().copied().chain(["Action", "Params"]).collect()
    } else {
        names.iter().copied().chain(["params"]).collect()
    };
    assert_eq!(keys, want);
    let text = |k: &str| body.get(k).and_then(Json::as_str).unwrap().to_string();
    let (open_id, grant_code, ts, nonce, tok) = (
        text(names[0]),
        text(names[1]),
        text(names[2]),
        text(names[3]),
        text(names[4]),
    );
    assert_eq!(
        (open_id.as_str(), grant_code.as_str()),
        (OPEN_ID, GRANT_CODE)
    );
    assert_eq!(ts, (NOW_MS / 1000).to_string(), "timestamp in seconds");
    let n: u64 = nonce.parse().unwrap();
    assert!((1..=2_147_483_647).contains(&n), "{n}");
    let fields = Fields {
        open_id: &open_id,
        grant_code: &grant_code,
        timestamp: &ts,
        nonce: &nonce,
    };
    assert_eq!(
        tok,
        token(OPEN_KEY, &string_to_sign(&fields, capitalised)),
        "Token verifies"
    );
    assert!(!req.body.as_deref().unwrap().contains(OPEN_KEY));
    let params = body
        .get(if v2 { "Params" } else { "params" })
        .unwrap()
        .clone();
    (body, params)
}

#[test]
fn every_operation_sends_its_envelope_and_params() {
    let cases: [(&str, &str, &str, &str); 12] = [
        (
            ops::POINTS_ADD,
            r#"{"customerId":"383933091455959041","bizId":"b-1","balance":11,"reason":"","sourceType":1,"pointsChannel":7}"#,
            r#"{"balance":"11","bizId":"b-1","customerId":"383933091455959041","reason":"","sourceType":"1","pointsChannel":"7"}"#,
            "[]",
        ),
        (
            ops::USER_POINTS_RECORDS,
            r#"{"page":2,"user_id":"383933091455959041","page_size":5}"#,
            r#"{"user_id":"383933091455959041","page_size":"5","page":"2"}"#,
            r#"{"total":0,"page":2,"page_size":5,"list":[]}"#,
        ),
        (
            ops::USER_IDENTITY,
            r#"{"type":3,"user_code":"UC0001"}"#,
            r#"{"type":"3","user_code":"UC0001"}"#,
            r#"{"user_info":{"user_id":"383933091455959041","user_points":"1000"},"coupons":[]}"#,
        ),
        (
            ops::GETHER_CUSTOMER_INFO,
            r#"{"type":2,"identifierNumber":"13700137000"}"#,
            r#"{"identifierNumber":"13700137000","type":"2"}"#,
            r#"{"customerId":"383933091455959041","points":1000}"#,
        ),
        (
            ops::GET_CUSTOMER_POINTS,
            r#"{"customerId":"383933091455959041"}"#,
            r#"{"customerId":"383933091455959041"}"#,
            r#"{"totalPoints":1000,"foreverPoints":900,"soonExpiredPoints":100,"expiredTime":"2025-12-31 23:59:59"}"#,
        ),
        (
            ops::ADD_CUSTOMER_POINTS,
            r#"{"customerId":"383933091455959041","bizId":"b-2","balance":"5"}"#,
            r#"{"balance":"5","bizId":"b-2","customerId":"383933091455959041"}"#,
            r#"{"customerId":"383933091455959041","bizId":"b-2","changePoints":5,"totalPoints":1005,"flowId":"4"}"#,
        ),
        (
            ops::REDUCE_POINTS,
            r#"{"customerId":"383933091455959041","balance":5,"bizId":"b-3","reason":"兑换"}"#,
            r#"{"customerId":"383933091455959041","balance":5,"bizId":"b-3","reason":"兑换"}"#,
            r#"{"customerId":"383933091455959041","bizId":"b-3","changePoints":-5,"totalPoints":1000,"flowId":"5"}"#,
        ),
        (
            ops::REVERSE_POINTS,
            r#"{"customerId":"383933091455959041","bizId":"b-4","originBizId":"b-3"}"#,
            r#"{"customerId":"383933091455959041","bizId":"b-4","originBizId":"b-3"}"#,
            r#"{"customerId":"383933091455959041","bizId":"b-4","changePoints":5,"totalPoints":1005,"flowId":"6"}"#,
        ),
        (
            ops::GET_CRM_POINTS_FLOW,
            r#"{"customerId":"383933091455959041","page":1,"pageSize":10}"#,
            r#"{"customerId":"383933091455959041","page":1,"pageSize":10}"#,
            r#"{"total":1,"page":1,"pageSize":10,"list":[{"id":"1","customerId":"383933091455959041","changePoints":1200,"afterPoints":1200,"sourceType":1,"reason":"购物送积分","bizId":"seed-qm-1","createdAt":"2024-01-05 10:00:00"}]}"#,
        ),
        (
            ops::GATHER_CUSTOMER_INFO,
            r#"{"identifierNumber":"QM0001","type":"3"}"#,
            r#"{"identifierNumber":"QM0001","type":"3"}"#,
            r#"{"customerId":"383933091455959041","name":"陈一","points":"1000"}"#,
        ),
        (
            ops::ALL_CUSTOMER_INFO,
            r#"{"customerId":"383933091455959041"}"#,
            r#"{"customerId":"383933091455959041"}"#,
            r#"{"customerInfo":{"customerId":"383933091455959041"},"points":{"totalPoints":"1000","foreverPoints":"900","soonExpiredPoints":"100","expiredTime":""},"balance":{"totalBalance":"0.00"},"coupons":[]}"#,
        ),
        (
            ops::GET_CUSTOMER_ID_BY_PHONE,
            r#"{"phone":"13700137000"}"#,
            r#"{"phone":"13700137000"}"#,
            r#"{"customerId":"383933091455959041"}"#,
        ),
    ];
    for (op, params, sent_params, data) in cases {
        let v2 = !op.starts_with('/');
        let path = if v2 {
            "/api/v2".to_string()
        } else {
            op.to_string()
        };
        let reply = if v2 { v2_ok(data) } else { v3_ok(data) };
        let c = client(ScriptedTransport::new().then(&path, reply), "");
        let result = block_on(c.call(op, &j(params))).unwrap_or_else(|e| panic!("{op}: {e}"));
        let sent = c.transport().sent.borrow();
        assert_eq!(sent.len(), 1, "{op}");
        assert_eq!(sent[0].url, format!("{BASE}{path}"), "{op}");
        let (body, p) = check_envelope(&sent[0], v2, false);
        if v2 {
            assert_eq!(body.get("Action").and_then(Json::as_str), Some(op));
        }
        assert_eq!(p.to_json_string(), sent_params, "{op}");
        assert!(
            result.as_object().is_some(),
            "{op}: {}",
            result.to_json_string()
        );
    }
}

#[test]
fn success_results_are_typed() {
    let c = client(
        ScriptedTransport::new().then(
            "getCustomerPoints",
            v3_ok(r#"{"totalPoints":"1000","foreverPoints":"900","soonExpiredPoints":"100","expiredTime":"2025-12-31 23:59:59"}"#),
        ),
        "",
    );
    let r = block_on(c.call(
        ops::GET_CUSTOMER_POINTS,
        &j(r#"{"customerId":"383933091455959041"}"#),
    ))
    .unwrap();
    assert_eq!(
        r.to_json_string(),
        r#"{"totalPoints":1000,"foreverPoints":900,"soonExpiredPoints":100,"expiredTime":"2025-12-31 23:59:59"}"#
    );
    let c = client(ScriptedTransport::new().then("/api/v2", v2_ok("[]")), "");
    let r = block_on(c.call(
        ops::POINTS_ADD,
        &j(r#"{"customerId":"1","bizId":"b","balance":1}"#),
    ))
    .unwrap();
    assert_eq!(r, Json::Object(vec![]));
}

#[test]
fn business_error_is_a_vendor_error_and_not_retried() {
    let c = client(
        ScriptedTransport::new().then("reducePoints", fail(50002, "积分不足: 当前积分20")),
        "",
    );
    let e = block_on(c.call(
        ops::REDUCE_POINTS,
        &j(r#"{"customerId":"1","bizId":"r-1","balance":50}"#),
    ))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Vendor);
    assert_eq!(e.vendor, Some("qimai"));
    assert_eq!(e.vendor_code.as_deref(), Some("50002"));
    assert_eq!(e.request_id.as_deref(), Some("trace-50002"));
    assert!(e.message.contains("积分不足"));
    assert_eq!(delivery(&e), Delivery::Refused);
    assert_eq!(c.transport().sent.borrow().len(), 1);
    assert!(c.transport().slept.borrow().is_empty());
}

#[test]
fn system_error_is_retried_with_a_fresh_token_and_the_same_biz_id() {
    let t = ScriptedTransport::new()
        .then("addCustomerPoints", Reply::json(503, r#"{"status":false,"code":99999,"message":"系统错误","data":null,"traceId":"t"}"#))
        .then("addCustomerPoints", Reply::network())
        .then("addCustomerPoints", v3_ok(r#"{"customerId":"1","bizId":"add-1","changePoints":5,"totalPoints":25,"flowId":"9"}"#));
    let c = client(t, "");
    let r = block_on(c.call(
        ops::ADD_CUSTOMER_POINTS,
        &j(r#"{"customerId":"1","bizId":"add-1","balance":5}"#),
    ))
    .unwrap();
    assert_eq!(r.get("totalPoints"), Some(&Json::int(25)));
    let sent = c.transport().sent.borrow();
    assert_eq!(sent.len(), 3);
    assert_eq!(c.transport().slept.borrow().len(), 2);
    let envelopes: Vec<(Json, Json)> = sent
        .iter()
        .map(|r| check_envelope(r, false, false))
        .collect();
    for (_, p) in &envelopes {
        assert_eq!(p.get("bizId").and_then(Json::as_str), Some("add-1"));
    }
    let nonces: Vec<&str> = envelopes
        .iter()
        .map(|(b, _)| b.get("nonce").and_then(Json::as_str).unwrap())
        .collect();
    let tokens: Vec<&str> = envelopes
        .iter()
        .map(|(b, _)| b.get("token").and_then(Json::as_str).unwrap())
        .collect();
    assert!(
        nonces[0] != nonces[1] && nonces[1] != nonces[2] && nonces[0] != nonces[2],
        "{nonces:?}"
    );
    assert!(
        tokens[0] != tokens[1] && tokens[1] != tokens[2],
        "{tokens:?}"
    );
}

#[test]
fn persistent_system_error_surfaces_as_http_not_outcome_unknown() {
    let t = ScriptedTransport::new();
    for _ in 0..3 {
        t.push(
            "reducePoints",
            Reply::json(500, r#"{"status":false,"code":99999,"message":"系统错误"}"#),
        );
    }
    let c = client(t, "");
    let e = block_on(c.call(
        ops::REDUCE_POINTS,
        &j(r#"{"customerId":"1","bizId":"r-2","balance":1}"#),
    ))
    .unwrap_err();
    assert_eq!(
        (e.code, e.http_status, e.vendor_code.as_deref()),
        (ErrorCode::Http, Some(500), Some("99999"))
    );
    assert_eq!(delivery(&e), Delivery::Unknown);
    assert_eq!(c.transport().remaining(), 0);
}

#[test]
fn rate_limit_waits_as_asked() {
    let t = ScriptedTransport::new()
        .then(
            "getCustomerPoints",
            Reply::with_headers(
                429,
                &[("Retry-After", "2")],
                r#"{"status":false,"code":42900,"message":"请求过于频繁"}"#,
            ),
        )
        .then("getCustomerPoints", v3_ok(r#"{"totalPoints":0}"#));
    let c = client(t, "");
    block_on(c.call(ops::GET_CUSTOMER_POINTS, &j(r#"{"customerId":"1"}"#))).unwrap();
    assert_eq!(*c.transport().slept.borrow(), vec![2000]);
}

#[test]
fn malformed_replies_are_errors_not_panics() {
    let bodies = [
        "",
        r#"{"status":true,"code":0,"message":"success","data":{"tot"#,
        "<html>",
        "[]",
        r#"{"code":0}"#,
        r#"{"status":true}"#,
        r#"{"status":true,"code":"zero"}"#,
        r#"{"status":true,"code":0,"data":{"totalPoints":"many"}}"#,
        r#"{"status":true,"code":0,"data":"x"}"#,
        r#"{"status":true,"code":0}"#,
    ];
    for body in bodies {
        let t = ScriptedTransport::new();
        for _ in 0..3 {
            t.push("getCustomerPoints", Reply::json(200, body));
        }
        let c = client(t, "");
        let e =
            block_on(c.call(ops::GET_CUSTOMER_POINTS, &j(r#"{"customerId":"1"}"#))).unwrap_err();
        assert_eq!(e.code, ErrorCode::Parse, "{body}");
        assert_eq!(delivery(&e), Delivery::Unknown, "{body}");
    }
    // A truncated reply is retried (every Qimai call is safe to repeat).
    let t = ScriptedTransport::new()
        .then(
            "addCustomerPoints",
            Reply::json(
                200,
                r#"{"status":true,"code":0,"message":"success","data":{"tot"#,
            ),
        )
        .then(
            "addCustomerPoints",
            v3_ok(r#"{"bizId":"m-1","totalPoints":6}"#),
        );
    let c = client(t, "");
    let r = block_on(c.call(
        ops::ADD_CUSTOMER_POINTS,
        &j(r#"{"customerId":"1","bizId":"m-1","balance":1}"#),
    ))
    .unwrap();
    assert_eq!(r.get("totalPoints"), Some(&Json::int(6)));
}

#[test]
fn v2_operation_under_a_v3_config_uses_the_v2_envelope_and_key_case() {
    let c = client(
        ScriptedTransport::new().then("/api/v2", v2_ok(r#"{"total":0,"list":[]}"#)),
        r#","keyCase":"as_sent""#,
    );
    block_on(c.call(ops::USER_POINTS_RECORDS, &j(r#"{"user_id":"1"}"#))).unwrap();
    let sent = c.transport().sent.borrow();
    check_envelope(&sent[0], true, true);
}

#[test]
fn invalid_input_sends_nothing_and_secrets_stay_out_of_errors() {
    let c = client(ScriptedTransport::new(), "");
    for (op, params, code) in [
        (
            ops::ADD_CUSTOMER_POINTS,
            r#"{"customerId":"1","balance":5}"#,
            ErrorCode::InvalidInput,
        ),
        (
            ops::REDUCE_POINTS,
            r#"{"customerId":"1","balance":5}"#,
            ErrorCode::InvalidInput,
        ),
        (
            ops::REVERSE_POINTS,
            r#"{"customerId":"1","originBizId":"x"}"#,
            ErrorCode::InvalidInput,
        ),
        (
            ops::POINTS_ADD,
            r#"{"customerId":"1","bizId":"b","balance":5,"sourceType":13}"#,
            ErrorCode::InvalidInput,
        ),
        (
            ops::POINTS_ADD,
            r#"{"customerId":"1","bizId":"b","balance":5,"pointsChannel":10}"#,
            ErrorCode::InvalidInput,
        ),
        (
            ops::POINTS_ADD,
            r#"{"customerId":"1","bizId":"b","balance":"0"}"#,
            ErrorCode::InvalidInput,
        ),
        (ops::GET_CUSTOMER_POINTS, "[1]", ErrorCode::InvalidInput),
        // Neither a v2 Action (no `.`) nor a v3 path: not of the API family.
        ("points-reduce", "{}", ErrorCode::Unsupported),
        ("/v4/crm/points/reducePoints", "{}", ErrorCode::Unsupported),
    ] {
        let e = block_on(c.call(op, &j(params))).unwrap_err();
        assert_eq!(e.code, code, "{op} {params}");
        assert_eq!(e.vendor, Some("qimai"));
        assert!(!format!("{e:?} {e}").contains(OPEN_KEY));
    }
    assert!(c.transport().sent.borrow().is_empty());
    assert!(!format!("{c:?}").contains(OPEN_KEY));
    let cfg = j(
        r#"{"vendor":"qimai","openId":"a","grantCode":"b","openKey":"k-secret-k","version":"v9"}"#,
    );
    let e = Client::new(
        &cfg,
        ScriptedTransport::new(),
        Env::new(
            Box::new(ManualClock(Cell::new(0))),
            Box::new(TestEntropy(Cell::new(1))),
        ),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Config);
    assert!(!format!("{e:?}").contains("k-secret-k"));
}

#[test]
fn dry_run_converts_ms_to_seconds_and_pins_the_nonce() {
    let cfg = j(&format!(
        r#"{{"vendor":"qimai","openId":"{OPEN_ID}","grantCode":"{GRANT_CODE}","openKey":"{OPEN_KEY}"}}"#
    ));
    let env = Env::new(
        Box::new(ManualClock(Cell::new(NOW_MS))),
        Box::new(TestEntropy(Cell::new(3))),
    );
    let opts =
        DryRunOptions::from_json(&j(r#"{"timestamp":1712563200999,"nonce":"24680"}"#)).unwrap();
    let req = block_on(dry_run(
        &cfg,
        ops::GET_CUSTOMER_POINTS,
        &j(r#"{"customerId":"1"}"#),
        &opts,
        &env,
    ))
    .unwrap();
    assert_eq!(
        req.url,
        "https://openapi.qmai.cn/v3/crm/points/getCustomerPoints"
    );
    assert!(req
        .string_to_sign
        .ends_with("&nonce=24680&openId=5b1f0e3a9c7d4e2f8a6b1c0d9e8f7a6b&timestamp=1712563200"));
    let req = block_on(dry_run(
        &cfg,
        ops::POINTS_ADD,
        &j(r#"{"customerId":"1","bizId":"b","balance":1}"#),
        &DryRunOptions::default(),
        &env,
    ))
    .unwrap();
    assert!(req.url.starts_with("http://openapi.zvcms.com/api/v2"));
    assert!(req.string_to_sign.ends_with("&timestamp=1712563200"));
    let bad = DryRunOptions {
        nonce: Some("0".into()),
        ..Default::default()
    };
    assert!(block_on(dry_run(
        &cfg,
        ops::GET_CUSTOMER_POINTS,
        &j(r#"{"customerId":"1"}"#),
        &bad,
        &env
    ))
    .is_err());
}

/// An operation outside the table: sent in its family's envelope, its `data`
/// returned as sent (ids exact); after a lost reply it is not sent again
/// (it may be a write), unless the call says it is safe to repeat.
#[test]
fn operations_outside_the_table_are_sent_and_not_blindly_repeated() {
    let t = ScriptedTransport::new().then(
        "/api/v2",
        v2_ok(r#"{"list":[{"coupon_id":383933091455959041}],"total":"1"}"#),
    );
    let c = client(t, "");
    let out = block_on(c.call("user.coupon-list", &j(r#"{"user_id":"1"}"#))).unwrap();
    assert_eq!(
        out.to_json_string(),
        r#"{"list":[{"coupon_id":"383933091455959041"}],"total":"1"}"#
    );
    let sent = c.transport().sent.borrow()[0].clone();
    let (body, params) = check_envelope(&sent, true, false);
    assert_eq!(body.get("Action"), Some(&Json::str("user.coupon-list")));
    assert_eq!(params, j(r#"{"user_id":"1"}"#));

    let t = ScriptedTransport::new()
        .then("/v3/crm/coupon/send", Reply::network())
        .then("/v3/crm/coupon/send", v3_ok("{}"));
    let c = client(t, "");
    let e = block_on(c.call("/v3/crm/coupon/send", &j(r#"{"customerId":"1"}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown, "{e}");
    assert_eq!(c.transport().count("/v3/crm/coupon/send"), 1);

    let t = ScriptedTransport::new()
        .then("/v3/crm/coupon/list", Reply::network())
        .then("/v3/crm/coupon/list", v3_ok(r#"{"n":1}"#));
    let c = client(t, "");
    let said = CallOptions {
        idempotent: Some(true),
        ..CallOptions::default()
    };
    let out = block_on(c.call_with("/v3/crm/coupon/list", &j("{}"), &said)).unwrap();
    assert_eq!(out, j(r#"{"n":1}"#));
    assert_eq!(c.transport().count("/v3/crm/coupon/list"), 2);
}
