//! The wasm build, run by wasm-bindgen-test in Node, headless Chromium (page)
//! and a dedicated worker: the Kingdee vectors through the wasm code, the JS
//! surface's errors, and a full `client.call` against the simulator.
//!
//! The simulator's URL is fixed at compile time (`JIFEN_SIM_URL`, set by
//! `make test-wasm`). Without it the end-to-end test fails rather than skips.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly
#![cfg(target_arch = "wasm32")]

use jifen::vendors::kingdee::sign;
use jifen::wasm::{build_request, JsClient};
use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const VECTORS: [&str; 8] = [
    include_str!("vectors/kingdee/D1.json"),
    include_str!("vectors/kingdee/D2.json"),
    include_str!("vectors/kingdee/V1.json"),
    include_str!("vectors/kingdee/V2.json"),
    include_str!("vectors/kingdee/V3.json"),
    include_str!("vectors/kingdee/V4.json"),
    include_str!("vectors/kingdee/V5.json"),
    include_str!("vectors/kingdee/V6.json"),
];
const ACCOUNTS: &str = include_str!("../sim/accounts.json");

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap()
}

fn prop(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn text(v: &JsValue, k: &str) -> String {
    prop(v, k)
        .as_string()
        .unwrap_or_else(|| panic!("{k} is not a string"))
}

#[allow(clippy::option_env_unwrap)] // a missing URL fails only the end-to-end test, with this message
fn sim_url() -> &'static str {
    option_env!("JIFEN_SIM_URL")
        .expect("JIFEN_SIM_URL must be set at build time (make test-wasm does it)")
}

fn pairs(v: &JsValue) -> Vec<(String, String)> {
    js_sys::Array::from(&prop(v, "query"))
        .iter()
        .map(|p| {
            let p = js_sys::Array::from(&p);
            (p.get(0).as_string().unwrap(), p.get(1).as_string().unwrap())
        })
        .collect()
}

#[wasm_bindgen_test]
fn every_kingdee_vector_reproduces_in_wasm() {
    for raw in VECTORS {
        let v = js(raw);
        if text(&v, "kind") == "app_signature" {
            assert_eq!(
                sign::app_signature(&text(&v, "app_key"), &text(&v, "app_secret")),
                text(&v, "app_signature")
            );
            continue;
        }
        let q = pairs(&v);
        let sts = sign::string_to_sign(
            &text(&v, "method"),
            &text(&v, "path"),
            &q,
            &text(&v, "nonce"),
            &text(&v, "timestamp"),
        );
        assert_eq!(sts, text(&v, "string_to_sign"), "{}", text(&v, "id"));
        assert_eq!(
            sign::x_api_signature(&text(&v, "client_secret"), &sts),
            text(&v, "x_api_signature"),
            "{}",
            text(&v, "id")
        );
        assert_eq!(sign::wire_query(&q), text(&v, "wire_query"));
    }
}

async fn build(config: &str, op: &str, params: &str, options: &str) -> Result<JsValue, JsValue> {
    JsFuture::from(build_request(
        js(config),
        JsValue::from_str(op),
        js(params),
        js(options),
    ))
    .await
}

#[wasm_bindgen_test]
async fn build_request_reproduces_d2_v4_v5() {
    for (id, params) in [
        (
            "D2",
            r#"{"app_key":"bVZgAZOv1","app_signature":"MzZlYTk0ODk4MWZlNjdiODNmNWU4YzViNzYxNGM5MTFlOGJkN2NjMzk0MTJkZGNhZGM0NzZhN2YxZDJmOTlkZA=="}"#,
        ),
        (
            "V4",
            r#"{"app_key":"AbCd1234","app_secret":"fake-app-secret-0001"}"#,
        ),
        ("V5", r#"{"outerInstanceId":"210987654321"}"#),
    ] {
        let v = js(VECTORS
            .iter()
            .find(|r| r.contains(&format!("\"id\": \"{id}\"")))
            .unwrap());
        let config = format!(
            r#"{{"vendor":"kingdee","clientId":"200421","clientSecret":"{}"}}"#,
            text(&v, "client_secret")
        );
        let options = format!(
            r#"{{"timestamp":{},"nonce":"{}"}}"#,
            text(&v, "timestamp"),
            text(&v, "nonce")
        );
        let req = build(&config, &text(&v, "path"), params, &options)
            .await
            .unwrap();
        assert_eq!(
            text(&req, "stringToSign"),
            text(&v, "string_to_sign"),
            "{id}"
        );
        assert_eq!(text(&req, "method"), text(&v, "method"));
        assert_eq!(
            text(&req, "url"),
            format!(
                "https://api.kingdee.com{}?{}",
                text(&v, "path"),
                text(&v, "wire_query")
            )
        );
        let headers = prop(&req, "headers");
        assert_eq!(
            text(&headers, "X-Api-Signature"),
            text(&v, "x_api_signature"),
            "{id}"
        );
        assert_eq!(text(&headers, "X-Api-Nonce"), text(&v, "nonce"));
        assert_eq!(text(&headers, "X-Api-TimeStamp"), text(&v, "timestamp"));
    }
}

fn assert_jifen_error(e: &JsValue, code: &str) {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(text(e, "name"), "JifenError");
    assert_eq!(text(e, "code"), code, "{:?}", text(e, "message"));
    assert!(prop(e, "retryable").as_bool().is_some());
}

#[wasm_bindgen_test]
async fn bad_input_is_a_jifen_error_not_a_trap() {
    let cfg = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"test-secret-xyz"}"#;
    let cases = [
        (
            cfg,
            "/jdy/v2/ls/integral_adjust",
            r#"{"integral":5,"operation":1}"#,
            "invalid_input",
        ),
        (
            cfg,
            "/jdy/v2/ls/integral_adjust",
            r#"{"mobile":"13800138000","integral":0,"operation":1}"#,
            "invalid_input",
        ),
        (
            cfg,
            "/jdy/v2/ls/integral_adjust",
            r#"{"mobile":"13800138000","integral":2.5,"operation":1}"#,
            "invalid_input",
        ),
        (
            cfg,
            "/jdy/v2/ls/integral_adjust",
            r#"{"mobile":"13800138000","integral":5,"operation":99}"#,
            "invalid_input",
        ),
        (
            cfg,
            "/jdy/v2/ls/integral_record",
            r#"{"start_date":"2024/01/01"}"#,
            "invalid_input",
        ),
        (cfg, "/jdy/v2/ls/nope", "{}", "unsupported"),
        (
            r#"{"vendor":"kingdee","clientId":"1"}"#,
            "/jdy/v2/ls/integral_record",
            "{}",
            "config",
        ),
        (r#"{"vendor":"nobody"}"#, "/x", "{}", "config"),
        ("42", "/x", "{}", "config"),
    ];
    for (config, op, params, code) in cases {
        let e = build(config, op, params, "null").await.unwrap_err();
        assert_jifen_error(&e, code);
        assert!(!text(&e, "message").contains("test-secret-xyz"));
    }
    // A non-string operation, and options of the wrong type.
    let e = JsFuture::from(build_request(
        js(cfg),
        JsValue::from_f64(3.0),
        JsValue::NULL,
        JsValue::NULL,
    ))
    .await
    .unwrap_err();
    assert_jifen_error(&e, "invalid_input");
    let e = build(
        cfg,
        "/jdy/v2/ls/integral_record",
        "{}",
        r#"{"timestamp":"soon"}"#,
    )
    .await
    .unwrap_err();
    assert_jifen_error(&e, "invalid_input");
    // The instance still works after all of that.
    assert!(build(cfg, "/jdy/v2/ls/integral_record", "{}", "{}")
        .await
        .is_ok());
}

fn kingdee_config() -> String {
    let accounts = js(ACCOUNTS);
    let k = prop(&accounts, "kingdee");
    Reflect::set(
        &k,
        &"baseUrl".into(),
        &format!("{}/kingdee", sim_url()).into(),
    )
    .unwrap();
    JSON::stringify(&k).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
async fn client_call_against_the_simulator() {
    let client = JsClient::new(js(&kingdee_config()), js(r#"{"timeoutMs":5000}"#)).unwrap();
    let balance = JsFuture::from(client.call(
        "/jdy/v2/ls/account_balance_info".into(),
        js(r#"{"member_id":"1480000000000000004","member_card_id":"1490000000000000004"}"#),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let integral = prop(&balance, "integral");
    let before = prop(&integral, "usable").as_f64().unwrap();
    assert_eq!(text(&prop(&integral, "member"), "mobile"), "13900139000");

    JsFuture::from(client.call(
        "/jdy/v2/ls/integral_adjust".into(),
        js(r#"{"mobile":"13900139000","integral":7,"operation":5}"#),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let balance = JsFuture::from(client.call(
        "/jdy/v2/ls/account_balance_info".into(),
        js(r#"{"member_id":"1480000000000000004","member_card_id":"1490000000000000004"}"#),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(
        prop(&prop(&balance, "integral"), "usable")
            .as_f64()
            .unwrap(),
        before + 7.0
    );

    let page = JsFuture::from(client.call(
        "/jdy/v2/ls/integral_record".into(),
        js(r#"{"mobile":"13900139000","page":1,"page_size":10}"#),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let first = js_sys::Array::from(&prop(&page, "rows")).get(0);
    assert_eq!(prop(&first, "occur").as_f64(), Some(7.0));

    // A vendor refusal arrives as a JifenError with the vendor's code.
    let e = JsFuture::from(client.call(
        "/jdy/v2/ls/integral_adjust".into(),
        js(r#"{"mobile":"13900139000","integral":-999999,"operation":1}"#),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_jifen_error(&e, "vendor");
    assert!(prop(&e, "vendorCode").as_string().is_some());
}

#[wasm_bindgen_test]
async fn client_reports_a_refused_connection_as_network() {
    let cfg = r#"{"vendor":"kingdee","clientId":"1","clientSecret":"s","appKey":"k","appSecret":"s2","domain":"https://tf.jdy.com","baseUrl":"http://127.0.0.1:9"}"#;
    let client = JsClient::new(js(cfg), js(r#"{"retries":0,"timeoutMs":3000}"#)).unwrap();
    let e = JsFuture::from(client.call(
        "/jdy/v2/ls/integral_record".into(),
        js("{}"),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    let code = text(&e, "code");
    assert!(code == "network" || code == "timeout", "{code}");
}

#[wasm_bindgen_test]
fn client_constructor_rejects_bad_options() {
    let cfg = js(r#"{"vendor":"kingdee","clientId":"1","clientSecret":"s"}"#);
    let e = JsClient::new(cfg.clone(), js(r#"{"retries":-1}"#))
        .err()
        .unwrap();
    assert_jifen_error(&e, "invalid_input");
    let e = JsClient::new(cfg, js(r#"{"fetch":"nope"}"#)).err().unwrap();
    assert_jifen_error(&e, "invalid_input");
}
