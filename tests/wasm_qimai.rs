//! The Qimai vectors through the wasm build, on the path `buildRequest` takes
//! (`DryRunOptions` read from the JS options shape, `options.timestamp` in ms,
//! then `client::dry_run`), plus malformed replies parsed without a trap.
//! Run with `wasm-bindgen-test-runner` in Node and in headless Chromium.
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{dry_run, DryRunOptions, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::json::Json;
use jifen::core::request::HttpResponse;
use jifen::vendors::qimai::{ops::Operation, response};
use std::cell::Cell;
use wasm_bindgen_test::*;

const VECTORS: [&str; 10] = [
    include_str!("vectors/qimai/B1.json"),
    include_str!("vectors/qimai/B2.json"),
    include_str!("vectors/qimai/B3.json"),
    include_str!("vectors/qimai/B4.json"),
    include_str!("vectors/qimai/B5.json"),
    include_str!("vectors/qimai/B6.json"),
    include_str!("vectors/qimai/B7.json"),
    include_str!("vectors/qimai/B8.json"),
    include_str!("vectors/qimai/P2.json"),
    include_str!("vectors/qimai/P3.json"),
];

fn s<'a>(v: &'a Json, k: &str) -> &'a str {
    v.get(k).and_then(Json::as_str).unwrap()
}

fn field<'a>(v: &'a Json, k: &str) -> &'a str {
    v.get("fields")
        .and_then(|f| f.get(k))
        .and_then(Json::as_str)
        .unwrap()
}

fn env() -> Env {
    // A clock far from every vector: the options must win.
    Env::new(Box::new(FixedClock(1)), Box::new(TestEntropy(Cell::new(5))))
}

fn config(v: &Json, version: &str) -> Json {
    Json::object([
        ("vendor", Some(Json::str("qimai"))),
        ("openId", Some(Json::str(field(v, "openId")))),
        ("grantCode", Some(Json::str(field(v, "grantCode")))),
        ("openKey", Some(Json::str(s(v, "open_key")))),
        ("version", Some(Json::str(version))),
        ("keyCase", Some(Json::str(s(v, "key_case")))),
    ])
}

/// JS options: `timestamp` in ms (with a sub-second part that must be dropped), nonce as text.
fn options(v: &Json) -> DryRunOptions {
    let ms = field(v, "timestamp").parse::<u64>().unwrap() * 1000 + 999;
    let js = format!(r#"{{"timestamp":{ms},"nonce":"{}"}}"#, field(v, "nonce"));
    DryRunOptions::from_json(&Json::parse(&js).unwrap()).unwrap()
}

#[wasm_bindgen_test]
async fn token_vectors_through_build_request() {
    let mut checked = 0;
    for text in VECTORS {
        let v = Json::parse(text).unwrap();
        if s(&v, "kind") != "token" {
            continue;
        }
        let params = Json::parse(r#"{"user_id":"383933091455959041"}"#).unwrap();
        let req = dry_run(
            &config(&v, "v2"),
            "user.user-points-records",
            &params,
            &options(&v),
            &env(),
        )
        .await
        .unwrap();
        assert_eq!(
            req.string_to_sign,
            s(&v, "string_to_sign"),
            "{}",
            s(&v, "id")
        );
        let body = Json::parse(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body.get("Token").and_then(Json::as_str),
            Some(s(&v, "token")),
            "{}",
            s(&v, "id")
        );
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[wasm_bindgen_test]
async fn p2_and_p3_bodies_byte_for_byte() {
    let mut checked = 0;
    for text in VECTORS {
        let v = Json::parse(text).unwrap();
        let (version, op) = match s(&v, "kind") {
            "v2_request" => ("v2", s(&v, "action")),
            "v3_request" => ("v3", s(&v, "path")),
            _ => continue,
        };
        let req = dry_run(
            &config(&v, version),
            op,
            v.get("params").unwrap(),
            &options(&v),
            &env(),
        )
        .await
        .unwrap();
        let out = req.to_json();
        assert_eq!(out.get("url").and_then(Json::as_str), Some(s(&v, "url")));
        assert_eq!(
            out.get("method").and_then(Json::as_str),
            Some(s(&v, "method"))
        );
        assert_eq!(
            out.get("stringToSign").and_then(Json::as_str),
            Some(s(&v, "string_to_sign"))
        );
        assert_eq!(
            out.get("body").and_then(Json::as_str),
            Some(s(&v, "body")),
            "{}",
            s(&v, "id")
        );
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[wasm_bindgen_test]
async fn bad_input_is_an_error_not_a_trap() {
    let v = Json::parse(VECTORS[1]).unwrap();
    let bad = Json::parse(r#"{"customerId":"1","bizId":"b","balance":5,"sourceType":99}"#).unwrap();
    let e = dry_run(
        &config(&v, "v3"),
        "/v3/crm/points/addCustomerPoints",
        &bad,
        &options(&v),
        &env(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code.as_str(), "invalid_input");
    assert!(!e.message.contains("example-open-key-not-real"));
}

#[wasm_bindgen_test]
fn malformed_replies_do_not_trap() {
    for body in [
        "",
        "{",
        "[]",
        r#"{"status":true}"#,
        r#"{"status":true,"code":0,"data":{"tot"#,
        "\u{1}\u{ff}",
        r#"{"status":"maybe","code":0}"#,
    ] {
        let r = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        assert_eq!(
            response::parse_envelope(&r).unwrap_err().code.as_str(),
            "parse",
            "{body}"
        );
    }
    let r = HttpResponse {
        status: 200,
        headers: vec![],
        body: br#"{"status":false,"code":"50001","message":"x","traceId":"t"}"#.to_vec(),
    };
    assert_eq!(
        response::parse_envelope(&r)
            .unwrap_err()
            .request_id
            .as_deref(),
        Some("t")
    );
    let data = Json::parse(r#"{"totalPoints":"x"}"#).unwrap();
    assert!(response::result_json(Operation::GetCustomerPoints, &data).is_err());
}
