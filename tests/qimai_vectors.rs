//! The Qimai vectors of `tests/vectors/qimai/` (B1–B3 from docs/vendors/qimai.md §8, B4–B8
//! project vectors, P2/P3 exact request bodies), reproduced byte for byte:
//! through the signing functions and through the public request builder.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::json::Json;
use jifen::vendors::qimai::{self, ops, sign, Attempt, Config};

fn load_all() -> Vec<(String, Json)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/qimai");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                Json::parse(&text).unwrap(),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 10, "expected B1–B8, P2, P3");
    out
}

fn s<'a>(v: &'a Json, k: &str) -> &'a str {
    v.get(k)
        .and_then(Json::as_str)
        .unwrap_or_else(|| panic!("vector lacks {k}"))
}

fn field<'a>(v: &'a Json, k: &str) -> &'a str {
    v.get("fields")
        .and_then(|f| f.get(k))
        .and_then(Json::as_str)
        .unwrap()
}

fn config(v: &Json, version: &str) -> Config {
    let cfg = Json::object([
        ("vendor", Some(Json::str("qimai"))),
        ("openId", Some(Json::str(field(v, "openId")))),
        ("grantCode", Some(Json::str(field(v, "grantCode")))),
        ("openKey", Some(Json::str(s(v, "open_key")))),
        ("version", Some(Json::str(version))),
        ("keyCase", Some(Json::str(s(v, "key_case")))),
    ]);
    Config::from_json(&cfg).unwrap()
}

fn attempt(v: &Json) -> Attempt {
    Attempt {
        timestamp_s: field(v, "timestamp").parse().unwrap(),
        nonce: field(v, "nonce").parse().unwrap(),
    }
}

#[test]
fn token_vectors_reproduce() {
    let mut checked = 0;
    for (name, v) in load_all() {
        let fields = sign::Fields {
            open_id: field(&v, "openId"),
            grant_code: field(&v, "grantCode"),
            timestamp: field(&v, "timestamp"),
            nonce: field(&v, "nonce"),
        };
        let capitalised = s(&v, "key_case") == "as_sent";
        let sts = sign::string_to_sign(&fields, capitalised);
        assert_eq!(sts, s(&v, "string_to_sign"), "{name}: string to sign");
        assert_eq!(
            sign::token_base64(s(&v, "open_key"), &sts),
            s(&v, "base64"),
            "{name}: base64"
        );
        assert_eq!(
            sign::token(s(&v, "open_key"), &sts),
            s(&v, "token"),
            "{name}: token"
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
}

/// Every token vector through the builder: a v2 Action (where `as_sent`
/// capitalises) and a v3 path (where `lower` is the only spelling).
#[test]
fn token_vectors_through_the_builder() {
    let mut checked = 0;
    for (name, v) in load_all()
        .into_iter()
        .filter(|(_, v)| s(v, "kind") == "token")
    {
        let params = Json::parse(r#"{"user_id":"383933091455959041"}"#).unwrap();
        let req = qimai::build_request(
            &config(&v, "v2"),
            ops::USER_POINTS_RECORDS,
            &params,
            &attempt(&v),
        )
        .unwrap();
        assert_eq!(req.string_to_sign, s(&v, "string_to_sign"), "{name}");
        let body = Json::parse(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body.get("Token").and_then(Json::as_str),
            Some(s(&v, "token")),
            "{name}"
        );
        assert_eq!(
            body.get("Timestamp").and_then(Json::as_str),
            Some(field(&v, "timestamp"))
        );
        assert_eq!(
            body.get("Nonce").and_then(Json::as_str),
            Some(field(&v, "nonce"))
        );
        if s(&v, "key_case") == "lower" {
            let params = Json::parse(r#"{"customerId":"383933091455959041"}"#).unwrap();
            let req = qimai::build_request(
                &config(&v, "v3"),
                ops::GET_CUSTOMER_POINTS,
                &params,
                &attempt(&v),
            )
            .unwrap();
            let body = Json::parse(req.body.as_deref().unwrap()).unwrap();
            assert_eq!(
                body.get("token").and_then(Json::as_str),
                Some(s(&v, "token")),
                "{name}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
}

/// P2 (v2 `user.points-add`) and P3 (v3 `addCustomerPoints`): URL, method,
/// content type, string to sign and the whole body, byte for byte.
#[test]
fn request_vectors_reproduce_byte_for_byte() {
    let mut checked = 0;
    for (name, v) in load_all()
        .into_iter()
        .filter(|(_, v)| s(v, "kind") != "token")
    {
        let (version, op) = match s(&v, "kind") {
            "v2_request" => ("v2", s(&v, "action")),
            "v3_request" => ("v3", s(&v, "path")),
            other => panic!("{name}: unknown kind {other}"),
        };
        let req = qimai::build_request(
            &config(&v, version),
            op,
            v.get("params").unwrap(),
            &attempt(&v),
        )
        .unwrap();
        assert_eq!(req.method.as_str(), s(&v, "method"), "{name}");
        assert_eq!(req.url, s(&v, "url"), "{name}");
        assert_eq!(
            req.header("Content-Type"),
            Some(s(&v, "content_type")),
            "{name}"
        );
        assert_eq!(req.string_to_sign, s(&v, "string_to_sign"), "{name}");
        assert_eq!(req.body.as_deref(), Some(s(&v, "body")), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// The same call with the params given as numbers and in another order
/// produces the same bytes: typed params are sent in the documented form.
#[test]
fn p2_from_numbers_in_another_order() {
    let v = load_all().into_iter().find(|(n, _)| n == "P2").unwrap().1;
    let params =
        Json::parse(r#"{"pointsChannel":7,"sourceType":1,"reason":"","customerId":"383933091455959041","bizId":"appPay10190709","balance":11}"#)
            .unwrap();
    let req =
        qimai::build_request(&config(&v, "v2"), ops::POINTS_ADD, &params, &attempt(&v)).unwrap();
    assert_eq!(req.body.as_deref(), Some(s(&v, "body")));
}
