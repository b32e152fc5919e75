//! The Freemud client against a scripted transport: every operation's body,
//! the parse of a success, a statusCode 21 and a 500; retries, idempotency,
//! key caching and reply-signature policies.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{read, TestRsa};
use jifen::client::{Client, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::crypto::base64_encode;
use jifen::core::error::ErrorCode;
use jifen::core::request::{json_string, HttpRequest};
use jifen::core::rsa::RsaProvider;
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::vendors::freemud::{key, sign};
use jifen::Json;
use std::cell::Cell;

const MEMBER: &str = "115589208394311926";

fn config(verify: &str) -> Json {
    Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("9001"))),
        ("appId", Some(Json::str("app-1"))),
        (
            "privateKey",
            Some(Json::str(read("keys/test-key-pkcs1.pem"))),
        ),
        ("accessToken", Some(Json::str("test-access-token-0001"))),
        ("baseUrl", Some(Json::str("http://sim/freemud"))),
        (
            "platformPublicKey",
            Some(Json::str(read("keys/platform-pub-spki.pem"))),
        ),
        ("verify", Some(Json::str(verify))),
    ])
}

fn client(t: ScriptedTransport, verify: &str) -> (Client<ScriptedTransport>, TestRsa) {
    let rsa = TestRsa::default();
    let env = Env::new(
        Box::new(FixedClock(1_700_000_000_000)),
        Box::new(TestEntropy(Cell::new(3))),
    )
    .with_rsa(Box::new(rsa.clone()));
    (Client::new(&config(verify), t, env).unwrap(), rsa)
}

/// A success reply signed with the platform key, as the sim signs it.
fn ok(body: &str) -> Reply {
    let canonical = format!("message=成功&responseBody={body}&statusCode=100&ver=1");
    let der = key::load_private_key(&read("keys/platform-key-pkcs8.pem")).unwrap();
    let signer = block_on(TestRsa::default().signer(&der)).unwrap();
    let sig = base64_encode(&block_on(signer.sign(canonical.as_bytes())).unwrap());
    Reply::json(
        200,
        &format!(
            r#"{{"ver":"1","statusCode":"100","message":"成功","responseBody":{},"sign":"{sig}"}}"#,
            json_string(body)
        ),
    )
}

fn status(code: &str, message: &str) -> Reply {
    Reply::json(
        200,
        &format!(r#"{{"ver":"1","statusCode":"{code}","message":"{message}","sign":"x"}}"#),
    )
}

fn j(s: &str) -> Json {
    Json::parse(s).unwrap()
}

/// The envelope of a sent request, checked: signature verifies with the test key.
fn sent_envelope(req: &HttpRequest) -> Json {
    let body = Json::parse(req.body.as_deref().unwrap()).unwrap();
    let rb = body.get("requestBody").and_then(Json::as_str).unwrap();
    let canonical = sign::request_canonical("app-1", "9001", rb);
    let spki = key::load_public_key(&read("keys/test-pub-spki.pem")).unwrap();
    let v = block_on(TestRsa::default().verifier(&spki)).unwrap();
    let sig = jifen::core::crypto::base64_decode(body.get("sign").and_then(Json::as_str).unwrap())
        .unwrap();
    assert!(
        block_on(v.verify(canonical.as_bytes(), &sig)).unwrap(),
        "request signature must verify"
    );
    assert_eq!(req.header("access_token"), Some("test-access-token-0001"));
    assert_eq!(
        req.header("content-type"),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(req.header("x-transaction-id").map(str::len), Some(36));
    body
}

struct Case {
    op: &'static str,
    params: &'static str,
    reply: &'static str,
    want: &'static str,
}

const CASES: [Case; 9] = [
    Case {
        op: "/member/getMemberInfoByIdOrMobile",
        params: r#"{"memberId":"115589208394311926","showScoreSwitch":1}"#,
        reply: r#"{"memberId":"115589208394311926","nickName":"童百良","mobile":"18616703980","memberChannels":[{"channelCode":"dcxcx","memberId":"115589208394311926"}],"currentScore":"300","totalScore":500,"usedScore":200}"#,
        want: r#"{"memberId":"115589208394311926","memberName":"","nickName":"童百良","mobile":"18616703980","photoUrl":"","sexFlag":"","birthday":"","email":"","idCard":"","registerTime":"","registerStoreCode":"","memberChannels":[{"cardCode":"","cardId":"","channelCode":"dcxcx","channelId":"","createTime":"","memberId":"115589208394311926","partnerId":"","registerStoreCode":"","registerType":"","thirdPartyCode":"","unionId":"","updateTime":""}],"currentScore":300,"totalScore":500,"usedScore":200}"#,
    },
    Case {
        op: "/member/getMembers",
        params: r#"{"pageNum":1,"pageSize":20,"nickName":"三"}"#,
        reply: r#"{"memberList":[{"consumeMoney":"","currentScore":"0","labelList":[],"memberId":"115591161789102515","memberPaidList":[],"mobile":"15956904546","nickName":"三虎","registerTime":"2019-05-29 15:49:38","ruleName":"","statusFlag":1}],"pageNum":1,"pageSize":20,"totalCount":"1","totalPages":1}"#,
        want: r#"{"totalCount":1,"totalPages":1,"pageNum":1,"pageSize":20,"memberList":[{"memberId":"115591161789102515","nickName":"三虎","mobile":"15956904546","registerTime":"2019-05-29 15:49:38","ruleName":"","currentScore":0,"statusFlag":1,"consumeCount":"","consumeMoney":"","labelList":[],"memberPaidList":[]}]}"#,
    },
    Case {
        op: "/member/score/opt/1",
        params: r#"{"memberId":"115589208394311926","score":100,"operationType":4,"idempotencyBussinessId":"biz-1"}"#,
        reply: r#"{"currentScore":400,"sendScore":100,"updateScore":100}"#,
        want: r#"{"currentScore":400,"updateScore":100,"sendScore":100}"#,
    },
    Case {
        op: "/member/score/opt/15",
        params: r#"{"memberId":"115589208394311926","amount":"500","operationType":14,"idempotencyBussinessId":"biz-2"}"#,
        reply: r#"{"currentScore":295,"sendScore":0,"updateScore":5}"#,
        want: r#"{"currentScore":295,"updateScore":5,"sendScore":0}"#,
    },
    Case {
        op: "/member/score/updateScore",
        params: r#"{"memberId":"115589208394311926","changeScore":8,"changeType":2,"operationType":11,"idempotencyBussinessId":"biz-3","operator":"店长"}"#,
        reply: r#"{"updateScore":"8","currentScore":"292"}"#,
        want: r#"{"currentScore":292,"updateScore":8}"#,
    },
    Case {
        op: "/member/score/sendScore",
        params: r#"{"memberId":"115589208394311926","score":"8","operationType":"4","idempotencyBussinessId":"biz-4","idempotencyBussinessType":"15"}"#,
        reply: r#"{"currentScore":300,"updateScore":8,"sendScore":8}"#,
        want: r#"{"currentScore":300,"updateScore":8,"sendScore":8}"#,
    },
    Case {
        op: "/member/score/returnScore",
        params: r#"{"memberId":"115589208394311926","orderId":"o-1","operationType":2,"idempotencyBussinessId":"biz-5"}"#,
        reply: r#"{"currentScore":200,"updateScore":-100}"#,
        want: r#"{"currentScore":200,"updateScore":-100}"#,
    },
    Case {
        op: "/member/score/statisticalScore",
        params: r#"{"memberId":"115589208394311926"}"#,
        reply: r#"{"currentScore":300,"totalScore":"500","usedScore":200}"#,
        want: r#"{"currentScore":300,"totalScore":500,"usedScore":200}"#,
    },
    Case {
        op: "/member/score/getScoreRecords",
        params: r#"{"memberId":"115589208394311926","pageNum":1,"pageSize":10}"#,
        reply: r#"{"pageNum":1,"pageSize":10,"totalCount":1,"totalPages":1,"scoreRecords":[{"transNo":"t1","memberId":"115589208394311926","changeScore":100,"changeType":1,"operationType":4,"beforeScore":200,"currentScore":300,"orderId":"","remark":"","idempotencyBussinessId":"biz-1","createTime":"2024-01-01 00:00:00"}]}"#,
        want: r#"{"totalCount":1,"totalPages":1,"pageNum":1,"pageSize":10,"scoreRecords":[{"transNo":"t1","memberId":"115589208394311926","changeScore":100,"changeType":1,"operationType":4,"operationName":"手动赠送","beforeScore":200,"currentScore":300,"orderId":"","remark":"","idempotencyBussinessId":"biz-1","createTime":"2024-01-01 00:00:00"}]}"#,
    },
];

#[test]
fn every_operation_sends_parses_and_fails_typed() {
    for case in CASES {
        let path = case.op;
        let t = ScriptedTransport::new()
            .then(path, ok(case.reply))
            .then(path, status("21", "缺少必要的请求参数"))
            .then(path, status("500", "内部服务异常"));
        let (c, _) = client(t, "off");
        c.transport().push(path, status("500", "内部服务异常"));
        c.transport().push(path, status("500", "内部服务异常"));
        let params = j(case.params);
        // Success: the body sent and the typed result.
        let result = block_on(c.call(path, &params)).unwrap();
        assert_eq!(result.to_json_string(), case.want, "{path}");
        {
            let sent = c.transport().sent.borrow();
            assert_eq!(sent[0].url, format!("http://sim/freemud{path}"));
            let env = sent_envelope(&sent[0]);
            assert_eq!(
                env.get("requestBody").and_then(Json::as_str),
                Some(case.params),
                "{path}: requestBody is the caller's JSON"
            );
            assert_eq!(env.get("ver").and_then(Json::as_str), Some("1"));
            assert_eq!(env.get("partnerId").and_then(Json::as_str), Some("9001"));
        }
        // statusCode 21: a vendor error, not retried.
        let e = block_on(c.call(path, &params)).unwrap_err();
        assert_eq!(
            (e.code, e.vendor_code.as_deref(), e.vendor),
            (ErrorCode::Vendor, Some("21"), Some("freemud")),
            "{path}"
        );
        assert!(e.message.contains("缺少必要的请求参数"));
        assert_eq!(c.transport().sent.borrow().len(), 2);
        // statusCode 500: a vendor error, retried by policy (3 attempts), then surfaced.
        let e = block_on(c.call(path, &params)).unwrap_err();
        assert_eq!(
            (e.code, e.vendor_code.as_deref()),
            (ErrorCode::Vendor, Some("500")),
            "{path}"
        );
        assert_eq!(c.transport().sent.borrow().len(), 5, "{path}");
        assert_eq!(c.transport().remaining(), 0);
    }
}

#[test]
fn retries_reuse_the_idempotency_id_with_fresh_transaction_ids_and_one_key_import() {
    let path = "/member/score/opt/1";
    let t = ScriptedTransport::new()
        .then(path, Reply::network())
        .then(path, Reply::json(503, "busy"))
        .then(
            path,
            ok(r#"{"currentScore":400,"sendScore":100,"updateScore":100}"#),
        )
        .then(
            path,
            ok(r#"{"currentScore":500,"sendScore":100,"updateScore":100}"#),
        );
    let (c, rsa) = client(t, "off");
    let params = j(
        r#"{"memberId":"115589208394311926","score":100,"operationType":4,"idempotencyBussinessId":"biz-retry"}"#,
    );
    block_on(c.call(path, &params)).unwrap();
    block_on(c.call(path, &params)).unwrap();
    let sent = c.transport().sent.borrow();
    assert_eq!(sent.len(), 4);
    let bodies: Vec<_> = sent
        .iter()
        .map(|r| sent_envelope(r).get("requestBody").cloned())
        .collect();
    assert!(bodies.iter().all(|b| b == &bodies[0]));
    assert!(bodies[0]
        .as_ref()
        .and_then(Json::as_str)
        .unwrap()
        .contains("\"idempotencyBussinessId\":\"biz-retry\""));
    let mut ids: Vec<_> = sent
        .iter()
        .map(|r| r.header("x-transaction-id").unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "a fresh x-transaction-id per attempt");
    assert_eq!(
        rsa.signer_imports.get(),
        1,
        "the key is imported once per client"
    );
    assert_eq!(c.transport().slept.borrow().len(), 2);
}

#[test]
fn points_change_without_idempotency_id_sends_nothing() {
    let (c, rsa) = client(ScriptedTransport::new(), "off");
    for path in [
        "/member/score/opt/1",
        "/member/score/opt/15",
        "/member/score/updateScore",
        "/member/score/sendScore",
        "/member/score/returnScore",
    ] {
        let e = block_on(c.call(path, &j(&format!(r#"{{"memberId":"{MEMBER}","score":1,"changeScore":1,"changeType":1,"operationType":4,"orderId":"o"}}"#)))).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{path}");
    }
    let e = block_on(c.call("/member/score/opt/2", &Json::Null)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(c.transport().sent.borrow().is_empty());
    assert_eq!(rsa.signer_imports.get(), 0);
}

#[test]
fn reply_signatures_follow_the_policy() {
    let path = "/member/score/statisticalScore";
    let params = j(&format!(r#"{{"memberId":"{MEMBER}"}}"#));
    let good = || ok(r#"{"currentScore":300,"totalScore":500,"usedScore":200}"#);
    let forged = || {
        Reply::json(
            200,
            r#"{"ver":"1","statusCode":"100","message":"成功","responseBody":"{\"currentScore\":999999}","sign":"QUJD"}"#,
        )
    };
    let unsigned = || {
        Reply::json(
            200,
            r#"{"ver":"1","statusCode":"100","message":"成功","responseBody":"{\"currentScore\":1}"}"#,
        )
    };

    let (c, _) = client(
        ScriptedTransport::new()
            .then(path, good())
            .then(path, forged())
            .then(path, unsigned()),
        "log",
    );
    let r = block_on(c.call(path, &params)).unwrap();
    assert_eq!(r.get("_signature").and_then(Json::as_str), Some("valid"));
    assert_eq!(
        block_on(c.call(path, &params))
            .unwrap()
            .get("_signature")
            .and_then(Json::as_str),
        Some("invalid")
    );
    assert_eq!(
        block_on(c.call(path, &params))
            .unwrap()
            .get("_signature")
            .and_then(Json::as_str),
        Some("absent")
    );

    let (c, _) = client(
        ScriptedTransport::new()
            .then(path, good())
            .then(path, forged())
            .then(path, unsigned()),
        "enforce",
    );
    assert!(block_on(c.call(path, &params))
        .unwrap()
        .get("_signature")
        .is_none());
    assert_eq!(
        block_on(c.call(path, &params)).unwrap_err().code,
        ErrorCode::Signature
    );
    assert_eq!(
        block_on(c.call(path, &params)).unwrap_err().code,
        ErrorCode::Signature
    );

    let (c, _) = client(ScriptedTransport::new().then(path, forged()), "off");
    assert!(block_on(c.call(path, &params))
        .unwrap()
        .get("_signature")
        .is_none());
}

#[test]
fn malformed_replies_are_errors_not_panics() {
    let path = "/member/score/statisticalScore";
    for body in [
        "not json",
        "[]",
        r#"{"statusCode":"100","responseBody":"{bad"}"#,
        r#"{"statusCode":"100","responseBody":"{\"currentScore\":\"x\"}"}"#,
        r#"{"message":"no code"}"#,
    ] {
        // A reply that is not a JSON object (truncated, garbled) is retried: up to 3 attempts.
        let t = ScriptedTransport::new()
            .then(path, Reply::json(200, body))
            .then(path, Reply::json(200, body))
            .then(path, Reply::json(200, body));
        let (c, _) = client(t, "off");
        let e = block_on(c.call(path, &j(&format!(r#"{{"memberId":"{MEMBER}"}}"#)))).unwrap_err();
        assert_eq!(e.code, ErrorCode::Parse, "{body}");
        let retried = matches!(body, "not json" | "[]");
        assert_eq!(e.retryable, retried, "{body}");
        assert_eq!(
            c.transport().count(path),
            if retried { 3 } else { 1 },
            "{body}"
        );
    }
}

#[test]
fn dev_skip_signature_sends_skip_and_only_to_localhost() {
    let mut cfg = config("off");
    if let Json::Object(p) = &mut cfg {
        p.retain(|(k, _)| k != "privateKey" && k != "baseUrl");
        p.push(("devSkipSignature".into(), Json::Bool(true)));
        p.push(("baseUrl".into(), Json::str("http://127.0.0.1:8787/freemud")));
    }
    let t = ScriptedTransport::new().then("statisticalScore", ok(r#"{"currentScore":1}"#));
    let env = Env::new(Box::new(FixedClock(0)), Box::new(TestEntropy(Cell::new(3))));
    let c = Client::new(&cfg, t, env).unwrap();
    block_on(c.call(
        "/member/score/statisticalScore",
        &j(&format!(r#"{{"memberId":"{MEMBER}"}}"#)),
    ))
    .unwrap();
    assert!(c.transport().sent.borrow()[0]
        .body
        .as_deref()
        .unwrap()
        .ends_with(r#","sign":"skip"}"#));
    if let Json::Object(p) = &mut cfg {
        p.retain(|(k, _)| k != "baseUrl");
        p.push((
            "baseUrl".into(),
            Json::str("https://open-store.sandload.cn/openapi"),
        ));
    }
    let env = Env::new(Box::new(FixedClock(0)), Box::new(TestEntropy(Cell::new(3))));
    assert_eq!(
        Client::new(&cfg, ScriptedTransport::new(), env)
            .unwrap_err()
            .code,
        ErrorCode::Config
    );
}
