//! Freemud vectors (tests/vectors/freemud): canonical strings, RSA signatures
//! through jifen's key loader and a native RsaProvider, the full E1 request via
//! the dry run, the callback vectors, and the key loader's refusals.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{read, s, vector, TestRsa};
use jifen::client::{dry_run, verify_callback, DryRunOptions, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::crypto::base64_encode;
use jifen::core::error::ErrorCode;
use jifen::core::rsa::RsaProvider;
use jifen::testing::block_on;
use jifen::vendors::freemud::{key, sign};
use jifen::Json;
use std::cell::Cell;

fn env() -> Env {
    Env::new(
        Box::new(FixedClock(1_700_000_000_000)),
        Box::new(TestEntropy(Cell::new(5))),
    )
    .with_rsa(Box::new(TestRsa::default()))
}

fn keys_of(v: &Json) -> Vec<String> {
    let mut out = vec![s(v, "key").to_string()];
    for k in v
        .get("equivalent_keys")
        .and_then(Json::as_array)
        .unwrap_or(&[])
    {
        out.push(k.as_str().unwrap().to_string());
    }
    out
}

#[test]
fn canonical_vectors_c01_to_c14() {
    for i in 1..=14 {
        let v = vector(&format!("C{i:02}"));
        let fields = v.get("fields").and_then(Json::as_object).unwrap();
        assert_eq!(
            sign::canonical_of_object(fields),
            s(&v, "canonical"),
            "C{i:02}"
        );
    }
}

#[test]
fn rsa_vectors_sign_with_every_key_encoding() {
    let rsa = TestRsa::default();
    for id in ["R1", "R2", "R3", "E1"] {
        let v = vector(id);
        if let Some(fields) = v.get("fields").and_then(Json::as_object) {
            assert_eq!(
                sign::canonical_of_object(fields),
                s(&v, "canonical"),
                "{id}"
            );
        }
        for k in keys_of(&v) {
            let der = key::load_private_key(&read(&k)).unwrap_or_else(|e| panic!("{id} {k}: {e}"));
            let signer = block_on(rsa.signer(&der)).unwrap();
            let sig = block_on(signer.sign(s(&v, "canonical").as_bytes())).unwrap();
            assert_eq!(base64_encode(&sig), s(&v, "signature"), "{id} with {k}");
            assert_eq!(s(&v, "signature").len(), 344);
        }
        let spki = key::load_public_key(&read(s(&v, "public_key"))).unwrap();
        let verifier = block_on(rsa.verifier(&spki)).unwrap();
        let sig = jifen::core::crypto::base64_decode(s(&v, "signature")).unwrap();
        assert!(
            block_on(verifier.verify(s(&v, "canonical").as_bytes(), &sig)).unwrap(),
            "{id}"
        );
        assert!(
            !block_on(verifier.verify(format!("{}x", s(&v, "canonical")).as_bytes(), &sig))
                .unwrap()
        );
    }
}

#[test]
fn pkcs1_and_pkcs8_load_to_the_same_pkcs8() {
    let pkcs8 = key::load_private_key(&read("keys/test-key-pkcs8.pem")).unwrap();
    for k in [
        "keys/test-key-pkcs1.pem",
        "keys/test-key-pkcs8.b64",
        "keys/test-key-pkcs1.b64",
    ] {
        let der = key::load_private_key(&read(k)).unwrap();
        let signer = block_on(TestRsa::default().signer(&der)).unwrap();
        let a = block_on(signer.sign(b"x")).unwrap();
        let b = block_on(
            block_on(TestRsa::default().signer(&pkcs8))
                .unwrap()
                .sign(b"x"),
        )
        .unwrap();
        assert_eq!(a, b, "{k}");
    }
    // PEM with literal \n (pasted into an environment variable) loads too.
    let escaped = read("keys/test-key-pkcs8.pem")
        .trim_end()
        .replace('\n', "\\n");
    assert_eq!(key::load_private_key(&escaped).unwrap(), pkcs8);
}

#[test]
fn bad_keys_are_config_errors_without_the_key() {
    let good = read("keys/test-key-pkcs8.b64");
    for k in [
        "keys/bad-truncated-b64.txt",
        "keys/bad-ec-key.txt",
        "keys/bad-random-text.txt",
        "keys/test-pub-spki.pem",
    ] {
        let text = read(k);
        let e = key::load_private_key(&text).unwrap_err();
        assert_eq!(e.code, ErrorCode::Config, "{k}");
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains(&good[..40])
                && !shown
                    .contains(&text.trim()[..20.min(text.trim().len())].replace("-----BEGIN", "")),
            "{k}: {shown}"
        );
        assert!(!shown.contains("MII"), "{k}: {shown}");
    }
    assert!(key::load_private_key(&read("keys/bad-ec-key.txt"))
        .unwrap_err()
        .message
        .contains("not an RSA key"));
    // Through the config: the error names the field, never the value.
    let cfg = Json::parse(&format!(
        r#"{{"vendor":"freemud","partnerId":"1","appId":"a","baseUrl":"https://x.example","privateKey":{}}}"#,
        jifen::core::request::json_string(&read("keys/bad-truncated-b64.txt"))
    ))
    .unwrap();
    let e = jifen::vendors::freemud::Config::from_json(&cfg).unwrap_err();
    assert_eq!(e.code, ErrorCode::Config);
    assert!(
        e.message.starts_with("`privateKey`") && !e.message.contains("MII"),
        "{e}"
    );
    // The public loader takes SPKI PEM and the platform key.
    assert!(key::load_public_key(&read("keys/platform-pub-spki.pem")).is_ok());
    assert!(key::load_public_key(&read("keys/test-key-pkcs8.pem")).is_err());
}

#[test]
fn e1_full_request_matches_byte_for_byte() {
    let v = vector("E1");
    for k in keys_of(&v) {
        let config = Json::object([
            ("vendor", Some(Json::str("freemud"))),
            ("partnerId", Some(Json::str(s(&v, "partnerId")))),
            ("appId", Some(Json::str(s(&v, "appId")))),
            ("privateKey", Some(Json::str(read(&k)))),
            ("accessToken", Some(Json::str("test-access-token"))),
            (
                "baseUrl",
                Some(Json::str("https://open-store.example/openapi")),
            ),
        ]);
        let options = DryRunOptions {
            transaction_id: Some("00000000-0000-4000-8000-000000000001".into()),
            ..Default::default()
        };
        let req = block_on(dry_run(
            &config,
            s(&v, "path"),
            v.get("params").unwrap(),
            &options,
            &env(),
        ))
        .unwrap();
        assert_eq!(req.body.as_deref(), Some(s(&v, "body")), "{k}");
        assert_eq!(req.string_to_sign, s(&v, "canonical"));
        assert_eq!(
            req.url,
            format!("https://open-store.example/openapi{}", s(&v, "path"))
        );
        assert_eq!(req.header("content-type"), Some(s(&v, "content_type")));
        assert_eq!(
            req.header("x-transaction-id"),
            Some("00000000-0000-4000-8000-000000000001")
        );
        assert_eq!(req.header("access_token"), Some("test-access-token"));
        assert!(!format!("{req:?}").contains("test-access-token"));
        // The string form of params is used verbatim and gives the same bytes.
        let verbatim = block_on(dry_run(
            &config,
            s(&v, "path"),
            &Json::str(s(&v, "requestBody")),
            &options,
            &env(),
        ))
        .unwrap();
        assert_eq!(verbatim.body, req.body);
    }
}

#[test]
fn dry_run_transaction_ids_are_fresh_uuids() {
    let v = vector("E1");
    let config = Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("1864"))),
        ("appId", Some(Json::str("a"))),
        (
            "privateKey",
            Some(Json::str(read("keys/test-key-pkcs8.pem"))),
        ),
        ("baseUrl", Some(Json::str("https://x.example"))),
    ]);
    let env = env();
    let a = block_on(dry_run(
        &config,
        s(&v, "path"),
        v.get("params").unwrap(),
        &DryRunOptions::default(),
        &env,
    ))
    .unwrap();
    let b = block_on(dry_run(
        &config,
        s(&v, "path"),
        v.get("params").unwrap(),
        &DryRunOptions::default(),
        &env,
    ))
    .unwrap();
    let (ta, tb) = (
        a.header("x-transaction-id").unwrap(),
        b.header("x-transaction-id").unwrap(),
    );
    assert_ne!(ta, tb);
    assert_eq!(ta.len(), 36);
    assert!(a.header("access_token").is_none());
    // No RSA provider: a clear error, not a panic.
    let bare = Env::new(Box::new(FixedClock(0)), Box::new(TestEntropy(Cell::new(1))));
    let e = block_on(dry_run(
        &config,
        s(&v, "path"),
        v.get("params").unwrap(),
        &DryRunOptions::default(),
        &bare,
    ))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
}

fn callback_config(verify: &str) -> Json {
    Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("1000"))),
        ("appId", Some(Json::str("2eb5c8f117dac313f89d"))),
        (
            "platformPublicKey",
            Some(Json::str(read("keys/platform-pub-spki.pem"))),
        ),
        ("verify", Some(Json::str(verify))),
    ])
}

#[test]
fn callback_k1_valid_k2_tampered() {
    let k1 = vector("K1");
    for policy in ["log", "enforce"] {
        let out = block_on(verify_callback(
            &callback_config(policy),
            s(&k1, "body").as_bytes(),
            Some("tx-1"),
            &env(),
        ))
        .unwrap();
        assert_eq!(out.get("verified"), Some(&Json::Bool(true)), "{policy}");
        assert_eq!(out.get("signature").and_then(Json::as_str), Some("valid"));
        let event = out.get("event").unwrap();
        assert_eq!(
            event.get("type").and_then(Json::as_str),
            Some("points.changed")
        );
        let data = event.get("data").unwrap();
        assert_eq!(data.get("changeScore"), Some(&Json::int(20)));
        assert_eq!(data.get("currentScore"), Some(&Json::int(200)));
        assert_eq!(
            data.get("operationName").and_then(Json::as_str),
            Some("积分支付退回")
        );
        assert_eq!(out.get("ack"), k1.get("ack"));
        assert_eq!(
            out.get("ackBody").and_then(Json::as_str),
            Some(r#"{"ver":"1","statusCode":"100","message":"成功"}"#)
        );
    }
    let k2 = vector("K2");
    let logged = block_on(verify_callback(
        &callback_config("log"),
        s(&k2, "body").as_bytes(),
        None,
        &env(),
    ))
    .unwrap();
    assert_eq!(logged.get("verified"), Some(&Json::Bool(false)));
    assert_eq!(
        logged.get("signature").and_then(Json::as_str),
        Some("invalid")
    );
    assert_eq!(
        logged
            .get("event")
            .and_then(|e| e.get("data"))
            .and_then(|d| d.get("changeScore")),
        Some(&Json::int(90))
    );
    let refused = block_on(verify_callback(
        &callback_config("enforce"),
        s(&k2, "body").as_bytes(),
        None,
        &env(),
    ))
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::CallbackInvalid);
    let off = block_on(verify_callback(
        &callback_config("off"),
        s(&k2, "body").as_bytes(),
        None,
        &env(),
    ))
    .unwrap();
    assert_eq!(
        off.get("signature").and_then(Json::as_str),
        Some("unchecked")
    );
    // Signed with the platform key: the merchant's test key does not verify it.
    let mut wrong = callback_config("enforce");
    if let Json::Object(p) = &mut wrong {
        p.retain(|(k, _)| k != "platformPublicKey");
        p.push((
            "platformPublicKey".into(),
            Json::str(read("keys/test-pub-spki.pem")),
        ));
    }
    assert!(block_on(verify_callback(
        &wrong,
        s(&k1, "body").as_bytes(),
        None,
        &env()
    ))
    .is_err());
}

#[test]
fn malformed_callbacks_are_callback_invalid() {
    let k1 = vector("K1");
    let unsigned = s(&k1, "body").replace(&format!(",\"sign\":\"{}\"", s(&k1, "signature")), "");
    for body in [
        "",
        "{",
        "[]",
        r#"{"ver":1,"partnerId":"1000","appId":"2eb5c8f117dac313f89d","requestBody":"{oops"}"#,
        "\u{0}\u{ff}",
    ] {
        let e = block_on(verify_callback(
            &callback_config("log"),
            body.as_bytes(),
            None,
            &env(),
        ))
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::CallbackInvalid, "{body:?}");
    }
    let e = block_on(verify_callback(
        &callback_config("enforce"),
        unsigned.as_bytes(),
        None,
        &env(),
    ))
    .unwrap_err();
    assert!(e.message.contains("absent"), "{e}");
    let logged = block_on(verify_callback(
        &callback_config("log"),
        unsigned.as_bytes(),
        None,
        &env(),
    ))
    .unwrap();
    assert_eq!(
        logged.get("signature").and_then(Json::as_str),
        Some("absent")
    );
    // Another merchant's push.
    let other = s(&k1, "body").replace("\"partnerId\":\"1000\"", "\"partnerId\":\"1001\"");
    assert_eq!(
        block_on(verify_callback(
            &callback_config("off"),
            other.as_bytes(),
            None,
            &env()
        ))
        .unwrap_err()
        .code,
        ErrorCode::CallbackInvalid
    );
}
