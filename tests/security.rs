//! Attacks on the pure layers, each a test that failed before its fix:
//! `devSkipSignature`'s loopback rule tricked by user-info in `baseUrl`, and
//! an unauthenticated Freemud push that costs quadratic time before its
//! signature is even looked at.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::error::ErrorCode;
use jifen::vendors::config::is_loopback_url;
use jifen::vendors::freemud::{callback, Config};
use jifen::Json;
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
