//! Freemud through the wasm build: WebCrypto signatures against the vectors,
//! and the public `buildRequest` / `verifyCallback` functions. Runs in Node and
//! in headless Chromium (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::crypto::{base64_decode, base64_encode};
use jifen::core::rsa::RsaProvider;
use jifen::vendors::freemud::key;
use jifen::wasm::api::{build_request, verify_callback};
use jifen::wasm::subtle::SubtleRsa;
use jifen::Json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const PKCS8_PEM: &str = include_str!("vectors/freemud/keys/test-key-pkcs8.pem");
const PKCS1_PEM: &str = include_str!("vectors/freemud/keys/test-key-pkcs1.pem");
const PKCS8_B64: &str = include_str!("vectors/freemud/keys/test-key-pkcs8.b64");
const PKCS1_B64: &str = include_str!("vectors/freemud/keys/test-key-pkcs1.b64");
const PUB: &str = include_str!("vectors/freemud/keys/test-pub-spki.pem");
const PLATFORM_PUB: &str = include_str!("vectors/freemud/keys/platform-pub-spki.pem");
const BAD_TRUNCATED: &str = include_str!("vectors/freemud/keys/bad-truncated-b64.txt");
const R: [&str; 3] = [
    include_str!("vectors/freemud/R1.json"),
    include_str!("vectors/freemud/R2.json"),
    include_str!("vectors/freemud/R3.json"),
];
const E1: &str = include_str!("vectors/freemud/E1.json");
const K1: &str = include_str!("vectors/freemud/K1.json");
const K2: &str = include_str!("vectors/freemud/K2.json");

fn field(j: &Json, k: &str) -> String {
    j.get(k).and_then(Json::as_str).unwrap().to_string()
}

fn js(json: &Json) -> JsValue {
    js_sys::JSON::parse(&json.to_json_string()).unwrap()
}

fn prop(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

#[wasm_bindgen_test]
async fn rsa_vectors_sign_and_verify_through_webcrypto() {
    let rsa = SubtleRsa;
    let spki = key::load_public_key(PUB).unwrap();
    let verifier = rsa.verifier(&spki).await.unwrap();
    for text in R {
        let v = Json::parse(text).unwrap();
        let canonical = field(&v, "canonical");
        let want = field(&v, "signature");
        for k in [PKCS8_PEM, PKCS1_PEM, PKCS8_B64, PKCS1_B64] {
            let der = key::load_private_key(k).unwrap();
            let signer = rsa.signer(&der).await.unwrap();
            let sig = signer.sign(canonical.as_bytes()).await.unwrap();
            assert_eq!(base64_encode(&sig), want, "{}", field(&v, "id"));
        }
        let sig = base64_decode(&want).unwrap();
        assert!(verifier.verify(canonical.as_bytes(), &sig).await.unwrap());
        assert!(!verifier
            .verify(format!("{canonical} ").as_bytes(), &sig)
            .await
            .unwrap());
    }
}

fn e1_config(private_key: &str) -> Json {
    let v = Json::parse(E1).unwrap();
    Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str(field(&v, "partnerId")))),
        ("appId", Some(Json::str(field(&v, "appId")))),
        ("privateKey", Some(Json::str(private_key))),
        ("accessToken", Some(Json::str("test-access-token"))),
        (
            "baseUrl",
            Some(Json::str("https://open-store.example/openapi")),
        ),
    ])
}

#[wasm_bindgen_test]
async fn e1_build_request_matches_byte_for_byte() {
    let v = Json::parse(E1).unwrap();
    let options =
        js(&Json::parse(r#"{"transactionId":"00000000-0000-4000-8000-000000000001"}"#).unwrap());
    for k in [PKCS8_PEM, PKCS1_PEM, PKCS8_B64, PKCS1_B64] {
        let promise = build_request(
            js(&e1_config(k)),
            JsValue::from_str(&field(&v, "path")),
            js(v.get("params").unwrap()),
            options.clone(),
        );
        let req = JsFuture::from(promise).await.unwrap();
        assert_eq!(prop(&req, "body").as_string().unwrap(), field(&v, "body"));
        assert_eq!(
            prop(&req, "stringToSign").as_string().unwrap(),
            field(&v, "canonical")
        );
        let headers = prop(&req, "headers");
        assert_eq!(
            prop(&headers, "x-transaction-id").as_string().as_deref(),
            Some("00000000-0000-4000-8000-000000000001")
        );
        assert_eq!(
            prop(&headers, "Content-Type").as_string().unwrap(),
            field(&v, "content_type")
        );
    }
    // Without a pinned transactionId, each request gets a fresh UUIDv4.
    let a = JsFuture::from(build_request(
        js(&e1_config(PKCS8_PEM)),
        JsValue::from_str(&field(&v, "path")),
        js(v.get("params").unwrap()),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let b = JsFuture::from(build_request(
        js(&e1_config(PKCS8_PEM)),
        JsValue::from_str(&field(&v, "path")),
        js(v.get("params").unwrap()),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    let (ta, tb) = (
        prop(&prop(&a, "headers"), "x-transaction-id")
            .as_string()
            .unwrap(),
        prop(&prop(&b, "headers"), "x-transaction-id")
            .as_string()
            .unwrap(),
    );
    assert_ne!(ta, tb);
    assert_eq!(ta.as_bytes()[14], b'4');
}

#[wasm_bindgen_test]
async fn wrong_key_is_a_config_error_without_the_key() {
    let v = Json::parse(E1).unwrap();
    let err = JsFuture::from(build_request(
        js(&e1_config(BAD_TRUNCATED)),
        JsValue::from_str(&field(&v, "path")),
        js(v.get("params").unwrap()),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(prop(&err, "code").as_string().as_deref(), Some("config"));
    let message = prop(&err, "message").as_string().unwrap();
    assert!(
        !message.contains("MII") && message.contains("privateKey"),
        "{message}"
    );
    assert!(err.is_instance_of::<js_sys::Error>());
}

fn callback_config(verify: &str) -> JsValue {
    js(&Json::object([
        ("vendor", Some(Json::str("freemud"))),
        ("partnerId", Some(Json::str("1000"))),
        ("appId", Some(Json::str("2eb5c8f117dac313f89d"))),
        ("platformPublicKey", Some(Json::str(PLATFORM_PUB))),
        ("verify", Some(Json::str(verify))),
    ]))
}

fn push(body: &str) -> JsValue {
    js(&Json::object([
        (
            "headers",
            Some(Json::object([(
                "X-Transaction-Id",
                Some(Json::str("tx-9")),
            )])),
        ),
        ("body", Some(Json::str(body))),
    ]))
}

#[wasm_bindgen_test]
async fn verify_callback_k1_valid_k2_tampered_and_malformed() {
    let k1 = field(&Json::parse(K1).unwrap(), "body");
    let out = JsFuture::from(verify_callback(
        callback_config("enforce"),
        push(&k1),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(prop(&out, "verified").as_bool(), Some(true));
    assert_eq!(
        prop(&out, "transactionId").as_string().as_deref(),
        Some("tx-9")
    );
    assert_eq!(
        prop(&prop(&out, "event"), "type").as_string().as_deref(),
        Some("points.changed")
    );
    assert_eq!(
        prop(&out, "ackBody").as_string().as_deref(),
        Some(r#"{"ver":"1","statusCode":"100","message":"成功"}"#)
    );

    let k2 = field(&Json::parse(K2).unwrap(), "body");
    let logged = JsFuture::from(verify_callback(
        callback_config("log"),
        push(&k2),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap();
    assert_eq!(prop(&logged, "verified").as_bool(), Some(false));
    assert_eq!(
        prop(&logged, "signature").as_string().as_deref(),
        Some("invalid")
    );
    let refused = JsFuture::from(verify_callback(
        callback_config("enforce"),
        push(&k2),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(
        prop(&refused, "code").as_string().as_deref(),
        Some("callback_invalid")
    );

    for bad in [
        "",
        "{",
        "[1]",
        r#"{"ver":1,"partnerId":"1000","appId":"2eb5c8f117dac313f89d","requestBody":"{nope"}"#,
    ] {
        let e = JsFuture::from(verify_callback(
            callback_config("log"),
            push(bad),
            JsValue::UNDEFINED,
        ))
        .await
        .unwrap_err();
        assert_eq!(
            prop(&e, "code").as_string().as_deref(),
            Some("callback_invalid"),
            "{bad:?}"
        );
    }
    let e = JsFuture::from(verify_callback(
        callback_config("log"),
        JsValue::from_str("nope"),
        JsValue::UNDEFINED,
    ))
    .await
    .unwrap_err();
    assert_eq!(
        prop(&e, "code").as_string().as_deref(),
        Some("invalid_input")
    );
}
