//! Native benchmarks of each vendor's canonicalisation and signing (criterion).
//!
//! `make bench` runs them with `cargo bench --bench signing`; `cargo test
//! --benches` (part of `make test`) runs every one once, so they cannot rot.
//! The inputs are the ones `bench/node-bench.mjs` times through the JS API, so
//! the two tables can be read side by side: the difference is the wasm
//! boundary (JSON in and out) plus wasm-vs-native code.
//!
//! Freemud's RSA runs in WebCrypto in the package; natively there is none in
//! jifen, so `freemud/rsa_sign_reference` uses the RustCrypto `rsa`
//! dev-dependency only to show what the rest costs next to an RSA signature.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{criterion_group, criterion_main, Criterion};
use jifen::core::crypto::base64_encode;
use jifen::vendors::{freemud, kingdee, qimai};
use jifen::Json;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use std::hint::black_box;

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{}/{rel}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json(text: &str) -> Json {
    Json::parse(text).unwrap()
}

/// The simulator's made-up accounts (the same config the Node benchmark uses).
fn account(vendor: &str) -> Json {
    json(&read("sim/accounts.json"))
        .get(vendor)
        .unwrap()
        .clone()
}

const KD_RECORD: &str = r#"{"mobile":"13800138000","page":1,"page_size":10,"start_date":"2024-01-01 00:00:00","end_date":"2024-01-31 23:59:59"}"#;
const KD_ADJUST: &str = r#"{"mobile":"13800138000","integral":10,"operation":5}"#;
const QM_ADD: &str = r#"{"customerId":"383933091455959041","bizId":"order-1","balance":11}"#;
const FM_ADD: &str = r#"{"memberId":"115589208394311926","score":50,"operationType":4,"idempotencyBussinessId":"bench-fm-1"}"#;

fn kingdee_benches(c: &mut Criterion) {
    let config = kingdee::Config::from_json(&account("kingdee")).unwrap();
    let attempt = kingdee::Attempt {
        timestamp_ms: 1_700_000_000_000,
        nonce: "1234567890".into(),
        app_token: Some("bench-app-token-not-real".into()),
        domain: None,
    };
    let record = json(KD_RECORD);
    let adjust = json(KD_ADJUST);
    let prepared = kingdee::prepare(&config, kingdee::ops::INTEGRAL_RECORD, &record).unwrap();
    let sts = kingdee::sign::string_to_sign(
        "GET",
        kingdee::ops::INTEGRAL_RECORD,
        &prepared.query,
        &attempt.nonce,
        "1700000000000",
    );

    let mut g = c.benchmark_group("kingdee");
    g.bench_function("canonical_integral_record", |b| {
        b.iter(|| {
            kingdee::sign::string_to_sign(
                "GET",
                kingdee::ops::INTEGRAL_RECORD,
                black_box(&prepared.query),
                &attempt.nonce,
                "1700000000000",
            )
        })
    });
    g.bench_function("x_api_signature", |b| {
        b.iter(|| kingdee::sign::x_api_signature(&config.client_secret, black_box(&sts)))
    });
    g.bench_function("sign_request_integral_record", |b| {
        b.iter(|| kingdee::sign_request(&config, black_box(&prepared), &attempt))
    });
    g.bench_function("build_request_integral_record", |b| {
        b.iter(|| {
            kingdee::build_request(
                &config,
                kingdee::ops::INTEGRAL_RECORD,
                black_box(&record),
                &attempt,
            )
        })
    });
    g.bench_function("build_request_integral_adjust", |b| {
        b.iter(|| {
            kingdee::build_request(
                &config,
                kingdee::ops::INTEGRAL_ADJUST,
                black_box(&adjust),
                &attempt,
            )
        })
    });
    // What buildRequest does in Rust besides signing: parse the config and
    // params text (the JS boundary hands JSON text over) and serialise the result.
    let config_text = account("kingdee").to_json_string();
    g.bench_function("json_in_sign_json_out_integral_adjust", |b| {
        b.iter(|| {
            let cj = json(black_box(&config_text));
            let config = kingdee::Config::from_json(&cj).unwrap();
            let params = json(black_box(KD_ADJUST));
            let req =
                kingdee::build_request(&config, kingdee::ops::INTEGRAL_ADJUST, &params, &attempt)
                    .unwrap();
            req.to_json_string()
        })
    });
    g.finish();
}

fn qimai_benches(c: &mut Criterion) {
    let config = qimai::Config::from_json(&account("qimai")).unwrap();
    let attempt = qimai::Attempt {
        timestamp_s: 1_700_000_000,
        nonce: 658_965,
    };
    let params = json(QM_ADD);
    let fields = qimai::sign::Fields {
        open_id: &config.open_id,
        grant_code: &config.grant_code,
        timestamp: "1700000000",
        nonce: "658965",
    };
    let sts = qimai::sign::string_to_sign(&fields, false);

    let mut g = c.benchmark_group("qimai");
    g.bench_function("canonical", |b| {
        b.iter(|| qimai::sign::string_to_sign(black_box(&fields), false))
    });
    g.bench_function("token", |b| {
        b.iter(|| qimai::sign::token(&config.open_key, black_box(&sts)))
    });
    g.bench_function("build_request_add_customer_points", |b| {
        b.iter(|| {
            qimai::build_request(
                &config,
                qimai::ops::ADD_CUSTOMER_POINTS,
                black_box(&params),
                &attempt,
            )
        })
    });
    g.finish();
}

fn freemud_benches(c: &mut Criterion) {
    let mut account = account("freemud");
    if let Json::Object(pairs) = &mut account {
        pairs.push((
            "baseUrl".into(),
            Json::str("https://example.invalid/freemud"),
        ));
    }
    let config = freemud::Config::from_json(&account).unwrap();
    let params = json(FM_ADD);
    let prepared = freemud::prepare(&config, freemud::ops::SCORE_ADD, &params).unwrap();
    let canonical = prepared.canonical(&config);
    let pem = account.get("privateKey").and_then(Json::as_str).unwrap();
    let der = freemud::key::load_private_key(pem).unwrap();
    let key = SigningKey::<Sha256>::new(RsaPrivateKey::from_pkcs8_der(&der).unwrap());

    let mut g = c.benchmark_group("freemud");
    g.bench_function("prepare_score_add", |b| {
        b.iter(|| freemud::prepare(&config, freemud::ops::SCORE_ADD, black_box(&params)))
    });
    g.bench_function("canonical", |b| {
        b.iter(|| {
            freemud::sign::request_canonical(
                &config.app_id,
                &config.partner_id,
                black_box(&prepared.request_body),
            )
        })
    });
    g.bench_function("load_private_key_pem", |b| {
        b.iter(|| freemud::key::load_private_key(black_box(pem)))
    });
    g.bench_function("envelope_given_signature", |b| {
        let sig = base64_encode(&[7u8; 256]);
        b.iter(|| freemud::sign_request(&config, black_box(&prepared), &sig, "tx-fixed"))
    });
    // Reference only: jifen ships no RSA; the package signs through WebCrypto.
    g.sample_size(20);
    g.bench_function("rsa_sign_reference_rustcrypto", |b| {
        b.iter(|| base64_encode(&key.sign(black_box(canonical.as_bytes())).to_vec()))
    });
    g.finish();
}

criterion_group!(benches, kingdee_benches, qimai_benches, freemud_benches);
criterion_main!(benches);
