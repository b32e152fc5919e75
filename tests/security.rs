//! Attacks on the pure layers. Two failed before their fix: `devSkipSignature`'s
//! loopback rule tricked by user-info in `baseUrl`, and an unauthenticated
//! Freemud push that cost quadratic time before its signature was looked at.
//! The forgeries of a signed Freemud push below were refused already; they are
//! pinned here.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{read, vector, TestRsa};
use jifen::client::{verify_callback, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::error::ErrorCode;
use jifen::testing::block_on;
use jifen::vendors::config::is_loopback_url;
use jifen::vendors::freemud::{callback, Config};
use jifen::Json;
use std::cell::Cell;
use std::time::Instant;

fn freemud_dev(base_url: &str) -> Json {
    Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("9001"))),
        ("appId", Some(Json::str("app-1"))),
        ("baseUrl", Some(Json::str(base_url))),
        ("devSkipSignature", Some(Json::Bool(true))),
    ])
}

/// URLs whose host (as `fetch`/WHATWG URL reads them) is NOT this machine,
/// though the text before the `@` or after the host looks like it.
const NOT_LOOPBACK: &[&str] = &[
    "http://localhost:1@evil.example/x",
    "http://localhost:@evil.example/x",
    "http://127.0.0.1:80@evil.example/",
    "http://[::1]@evil.example/x",
    "http://[::1]:80@evil.example/x",
    "https://localhost:8787:x@open-store.sandload.cn/openapi",
    "http://127.0.0.1.evil.example/",
    "http://localhost.evil.example/",
    "http://evil.example/127.0.0.1",
    "http://evil.example\\@localhost/",
];

#[test]
fn user_info_cannot_pass_for_a_loopback_host() {
    for url in NOT_LOOPBACK {
        assert!(!is_loopback_url(url), "{url} counted as loopback");
        let e = Config::from_json(&freemud_dev(url)).err();
        assert_eq!(
            e.map(|e| e.code),
            Some(ErrorCode::Config),
            "devSkipSignature accepted with {url}"
        );
    }
    for url in [
        "http://localhost/x",
        "http://localhost:8787/freemud",
        "http://127.0.0.1:8787/freemud",
        "http://[::1]:80/",
    ] {
        assert!(is_loopback_url(url), "{url}");
        assert!(Config::from_json(&freemud_dev(url)).is_ok(), "{url}");
    }
}

/// An envelope with `n` extra fields in reverse order (the insertion sort's worst case).
fn wide_push(n: usize) -> String {
    let mut s = String::from("{");
    for i in (0..n).rev() {
        s.push_str(&format!("\"k{i:07}\":1,"));
    }
    s.push_str(r#""ver":1,"partnerId":"9001","appId":"app-1","requestBody":"{\"memberId\":\"1\"}","sign":"AAAA"}"#);
    s
}

#[test]
fn a_push_with_thousands_of_fields_is_refused_in_linear_time() {
    // 64 KB (the gateway's body limit) holds ~5,000 such fields; quadratic
    // sorting of them cost ~200 ms of wasm CPU per unauthenticated request.
    let body = wide_push(60_000);
    let started = Instant::now();
    let e = callback::parse(body.as_bytes()).err().map(|e| e.code);
    let took = started.elapsed();
    assert_eq!(e, Some(ErrorCode::CallbackInvalid));
    assert!(took.as_secs() < 3, "took {took:?}");
    // A genuine envelope (5 fields) and a few unknown extra ones still parse.
    assert!(callback::parse(wide_push(8).as_bytes()).is_ok());
}

fn env() -> Env {
    Env::new(
        Box::new(FixedClock(1_700_000_000_000)),
        Box::new(TestEntropy(Cell::new(5))),
    )
    .with_rsa(Box::new(TestRsa::default()))
}

fn enforcing() -> Json {
    Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("1000"))),
        ("appId", Some(Json::str("2eb5c8f117dac313f89d"))),
        (
            "platformPublicKey",
            Some(Json::str(read("keys/platform-pub-spki.pem"))),
        ),
        ("verify", Some(Json::str("enforce"))),
    ])
}

fn verify(body: &str) -> jifen::Result<Json> {
    block_on(verify_callback(&enforcing(), body.as_bytes(), None, &env()))
}

#[test]
fn forged_freemud_pushes_are_refused_under_enforce() {
    let k1 = vector("K1");
    let genuine = k1.get("body").and_then(Json::as_str).unwrap().to_string();
    let sign = k1.get("signature").and_then(Json::as_str).unwrap();
    let signed_event = verify(&genuine).unwrap().get("event").cloned().unwrap();
    let signed_rb = r#""requestBody":"{\"changeScore\":\"20\","#;
    let forged_rb = r#""requestBody":"{\"changeScore\":\"99999\","#;
    assert!(genuine.contains(signed_rb));
    let with = |from: &str, to: &str| genuine.replacen(from, to, 1);
    let sign_field = format!(r#","sign":"{sign}""#);
    for (what, body) in [
        (
            "another requestBody, the old sign",
            with(signed_rb, forged_rb),
        ),
        ("no sign", with(&sign_field, "")),
        ("empty sign", with(&sign_field, r#","sign":"""#)),
        ("sign: skip", with(&sign_field, r#","sign":"skip""#)),
        ("sign as a number", with(&sign_field, r#","sign":0"#)),
        (
            "sign as an array",
            with(&sign_field, &format!(r#","sign":["{sign}"]"#)),
        ),
        ("sign not base64", with(&sign_field, r#","sign":"***""#)),
        (
            "sign of another length",
            with(&sign_field, &format!(r#","sign":"{sign}AAAA""#)),
        ),
        (
            "a forged requestBody before the signed one (first wins)",
            with(
                r#""ver":1,"#,
                &format!(
                    r#""ver":1,{forged_rb}\"changeType\":\"1\",\"memberId\":\"1\",\"currentScore\":\"1\"}}","#
                ),
            ),
        ),
        (
            "a forged requestBody after the signed one",
            with(
                &sign_field,
                &format!(
                    r#",{forged_rb}\"changeType\":\"1\",\"memberId\":\"1\",\"currentScore\":\"1\"}}"{sign_field}"#
                ),
            ),
        ),
        (
            "an extra field",
            with(r#""ver":1,"#, r#""ver":1,"changeScore":"99999","#),
        ),
        (
            "another partner",
            with(r#""partnerId":"1000""#, r#""partnerId":"1001""#),
        ),
        ("ver 2", with(r#""ver":1"#, r#""ver":2"#)),
    ] {
        assert_ne!(body, genuine, "{what}: the replacement did not apply");
        let e = verify(&body).err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::CallbackInvalid), "{what} was accepted");
    }
    // What the canonical string drops (null and empty fields, `"ver":"1"` for
    // `1`, JSON escapes) changes nothing that was signed: accepted, with the
    // event exactly as signed.
    for (what, body) in [
        (
            "a null duplicate after",
            with(
                &sign_field,
                &format!(r#",{}":null{sign_field}"#, "\"requestBody"),
            ),
        ),
        ("an empty field", with(r#""ver":1,"#, r#""ver":1,"x":"","#)),
        ("ver as a string", with(r#""ver":1"#, r#""ver":"1""#)),
        ("escaped key", with(r#""appId""#, r#""\u0061ppId""#)),
    ] {
        assert_ne!(body, genuine, "{what}: the replacement did not apply");
        let out = verify(&body).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(out.get("event"), Some(&signed_event), "{what}");
    }
    // A null or empty duplicate BEFORE the signed field hides it (first wins): refused.
    for dup in [r#""requestBody":null,"#, r#""requestBody":"","#] {
        let body = with(r#""ver":1,"#, &format!(r#""ver":1,{dup}"#));
        assert_eq!(
            verify(&body).err().map(|e| e.code),
            Some(ErrorCode::CallbackInvalid),
            "{dup}"
        );
    }
}

/// A Kingdee config (made-up test credentials) with `field` set to `value`.
fn kingdee_with(field: &str, value: &str) -> Json {
    let mut cfg = Json::parse(r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-client-secret","appKey":"k","appSecret":"test-app-secret","domain":"https://tf.jdy.com","baseUrl":"http://sim/kingdee"}"#).unwrap();
    if let Json::Object(fields) = &mut cfg {
        for (k, v) in fields.iter_mut() {
            if k == field {
                *v = Json::str(value);
            }
        }
    }
    cfg
}

#[test]
fn a_line_break_cannot_smuggle_a_header_into_a_built_request() {
    let params = Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#).unwrap();
    let options = |token: &str| {
        jifen::client::DryRunOptions::from_json(&Json::object([
            ("timestamp", Some(Json::int(1_700_000_000_000))),
            ("nonce", Some(Json::str("1234567890"))),
            ("appToken", Some(Json::str(token))),
        ]))
        .unwrap()
    };
    let build = |cfg: &Json, token: &str| {
        block_on(jifen::client::dry_run(
            cfg,
            "/jdy/v2/ls/integral_adjust",
            &params,
            &options(token),
            &env(),
        ))
    };
    // Clean values build as before.
    assert!(build(&kingdee_with("clientId", "1"), "tok").is_ok());
    for (cfg, token) in [
        (kingdee_with("clientId", "1\r\nX-Evil: 1"), "tok"),
        (
            kingdee_with("domain", "https://tf.jdy.com\nX-Evil: 1"),
            "tok",
        ),
        (kingdee_with("clientId", "1"), "tok\r\nX-Evil: 1"),
        (kingdee_with("clientId", "1"), "tok\u{0}x"),
    ] {
        let e = build(&cfg, token).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
        assert!(e.message.contains("line break or NUL"), "{}", e.message);
        assert!(
            !e.message.contains("X-Evil"),
            "the value is not echoed: {}",
            e.message
        );
    }
}

#[test]
fn a_vendor_reply_cannot_smuggle_a_header_into_the_next_request() {
    use jifen::client::Client;
    use jifen::testing::{Reply, ScriptedTransport};
    // The token endpoint answers an app-token with a line break in it.
    let t = ScriptedTransport::new()
        .then(
            "kingdee_auth_token",
            Reply::json(
                200,
                r#"{"errcode":0,"description":"ok","data":{"app-token":"tok\r\nX-Evil: 1","expires":1800000000000}}"#,
            ),
        );
    let c = Client::new(&kingdee_with("clientId", "1"), t, env()).unwrap();
    let params = Json::parse(r#"{"mobile":"13800138000","integral":10,"operation":5}"#).unwrap();
    let e = block_on(c.call("/jdy/v2/ls/integral_adjust", &params)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput, "{}", e.message);
    assert_eq!(c.transport().count("integral_adjust"), 0, "nothing sent");
}
