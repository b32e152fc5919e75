//! Parameter validation and config reading, pinned by golden files
//! (`tests/vectors/params/*.json`, README.md there): every case runs through the
//! vendor's `prepare` (or `Config::from_json`), and the outcome — the prepared
//! request or the error's code, message and vendor — must equal the recorded
//! `expect`, which was generated from the code before validation became tables.
//!
//! `JIFEN_BLESS=1 cargo test --test params_golden` rewrites every `expect` from the
//! code as it is; do that only to record behaviour you mean to keep.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::error::{Error, Result};
use jifen::vendors::{freemud, kingdee, qimai, vendor_of};
use jifen::Json;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/params");

fn s(v: &str) -> Json {
    Json::str(v)
}

fn opt(v: Option<&str>) -> Json {
    v.map_or(Json::Null, s)
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// An output equal to the case's params (their compact text for a string) is
/// recorded as `"=params"`, which keeps the golden files short.
fn same_or(params: &Json, out: Json) -> Json {
    let same = match &out {
        Json::String(t) => *t == params.to_json_string(),
        other => other == params,
    };
    if same {
        s("=params")
    } else {
        out
    }
}

/// A secret is recorded by its length only, so no credential is ever printed.
fn secret(v: Option<&str>) -> Json {
    v.map_or(Json::Null, |v| s(&format!("set:{}", v.len())))
}

fn outcome(r: Result<Json>) -> Json {
    match r {
        Ok(v) => obj(vec![("ok", v)]),
        Err(e) => error_json(&e),
    }
}

fn error_json(e: &Error) -> Json {
    assert!(
        e.vendor_code.is_none()
            && e.http_status.is_none()
            && e.request_id.is_none()
            && !e.retryable
            && e.retry_after_ms.is_none(),
        "unexpected error fields: {e:?}"
    );
    obj(vec![
        ("code", s(e.code.as_str())),
        ("message", s(&e.message)),
        ("vendor", opt(e.vendor)),
    ])
}

fn kingdee_config(name: &str) -> kingdee::Config {
    let text = match name {
        "full" => {
            r#"{"vendor":"kingdee","clientId":"200421","clientSecret":"golden-secret-not-real","appKey":"AbCd1234","appSecret":"golden-app-secret-not-real","outerInstanceId":"oi-cfg","domain":"https://tf.jdy.com","uid":"u-cfg"}"#
        }
        "bare" => {
            r#"{"vendor":"kingdee","clientId":"200421","clientSecret":"golden-secret-not-real"}"#
        }
        other => panic!("unknown kingdee config {other}"),
    };
    kingdee::Config::from_json(&Json::parse(text).unwrap()).unwrap()
}

fn kingdee_case(config: &str, op: &str, params: &Json) -> Json {
    outcome(
        kingdee::prepare(&kingdee_config(config), op, params).map(|p| {
            let query = p
                .query
                .iter()
                .map(|(k, v)| Json::Array(vec![s(k), s(v)]))
                .collect();
            obj(vec![
                ("op", s(&p.path)),
                ("query", Json::Array(query)),
                ("body", opt(p.body.as_deref())),
            ])
        }),
    )
}

fn freemud_config() -> freemud::Config {
    freemud::Config::from_json(
        &Json::parse(
            r#"{"vendor":"freemud","partnerId":"9001","appId":"app","baseUrl":"http://127.0.0.1/fm","devSkipSignature":true}"#,
        )
        .unwrap(),
    )
    .unwrap()
}

fn freemud_case(op: &str, params: &Json) -> Json {
    outcome(freemud::prepare(&freemud_config(), op, params).map(|p| {
        obj(vec![
            ("op", s(&p.path)),
            ("requestBody", same_or(params, s(&p.request_body))),
            ("idempotencyId", opt(p.idempotency_id.as_deref())),
        ])
    }))
}

fn qimai_case(op: &str, params: &Json) -> Json {
    outcome(qimai::prepare(op, params).map(|p| {
        obj(vec![
            ("op", s(&p.id)),
            ("params", same_or(params, p.params.clone())),
            ("bizId", opt(p.biz_id().as_deref())),
        ])
    }))
}

/// `"<file>"` string values name a key file of `tests/vectors/freemud/keys/`.
fn with_key_files(v: &Json) -> Json {
    match v {
        Json::String(t) if t.starts_with('<') && t.ends_with('>') => {
            let path = format!(
                "{}/tests/vectors/freemud/keys/{}",
                env!("CARGO_MANIFEST_DIR"),
                &t[1..t.len() - 1]
            );
            s(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        }
        Json::Object(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), with_key_files(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn key_len(k: Option<&Vec<u8>>) -> Json {
    k.map_or(Json::Null, |k| Json::int(k.len() as i64))
}

fn config_case(kind: &str, config: &Json) -> Json {
    let c = with_key_files(config);
    outcome(match kind {
        "kingdee" => kingdee::Config::from_json(&c).map(|c| {
            obj(vec![
                ("clientId", s(&c.client_id)),
                ("clientSecret", secret(Some(&c.client_secret))),
                ("appKey", opt(c.app_key.as_deref())),
                ("appSecret", secret(c.app_secret.as_deref())),
                ("outerInstanceId", opt(c.outer_instance_id.as_deref())),
                ("domain", opt(c.domain.as_deref())),
                ("uid", opt(c.uid.as_deref())),
                ("baseUrl", s(&c.base_url)),
            ])
        }),
        "freemud" => freemud::Config::from_json(&c).map(|c| {
            obj(vec![
                ("partnerId", s(&c.partner_id)),
                ("appId", s(&c.app_id)),
                ("privateKey", key_len(c.private_key_pkcs8.as_ref())),
                ("accessToken", secret(c.access_token.as_deref())),
                ("baseUrl", s(&c.base_url)),
                (
                    "platformPublicKey",
                    key_len(c.platform_public_key_spki.as_ref()),
                ),
                ("verify", s(&format!("{:?}", c.verify))),
                ("devSkipSignature", Json::Bool(c.dev_skip_signature)),
            ])
        }),
        "freemud-callback" => freemud::CallbackConfig::from_json(&c).map(|c| {
            obj(vec![
                ("partnerId", s(&c.partner_id)),
                ("appId", s(&c.app_id)),
                (
                    "platformPublicKey",
                    key_len(c.platform_public_key_spki.as_ref()),
                ),
                ("verify", s(&format!("{:?}", c.verify))),
            ])
        }),
        "qimai" => qimai::Config::from_json(&c).map(|c| {
            obj(vec![
                ("openId", s(&c.open_id)),
                ("grantCode", s(&c.grant_code)),
                ("openKey", secret(Some(&c.open_key))),
                ("version", s(c.version.as_str())),
                ("keyCase", s(&format!("{:?}", c.key_case))),
                ("baseUrl", opt(c.base_url.as_deref())),
            ])
        }),
        "vendor_of" => vendor_of(&c).map(|v| s(v.name())),
        other => panic!("unknown config kind {other}"),
    })
}

fn run(file: &str, case: impl Fn(&Json) -> Json) {
    let path = format!("{DIR}/{file}.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let cases = Json::parse(&text).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() > 100, "{file}: only {} cases", cases.len());
    let bless = std::env::var_os("JIFEN_BLESS").is_some();
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let got = case(c);
        let mut pairs = c.as_object().unwrap().to_vec();
        let want = field(c, "expect");
        if bless {
            pairs.iter_mut().find(|(k, _)| k == "expect").unwrap().1 = got;
        } else if *want != got {
            failures.push(format!(
                "{file}.json case {}: {}\n  want {}\n  got  {}",
                i + 1,
                Json::Object(
                    pairs
                        .iter()
                        .filter(|(k, _)| k != "expect")
                        .cloned()
                        .collect()
                )
                .to_json_string(),
                want.to_json_string(),
                got.to_json_string()
            ));
        }
        lines.push(Json::Object(pairs).to_json_string());
    }
    if bless {
        std::fs::write(&path, format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
        return;
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ; the first ones:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn field<'a>(c: &'a Json, k: &str) -> &'a Json {
    c.get(k).unwrap_or_else(|| panic!("case without `{k}`"))
}

fn text<'a>(c: &'a Json, k: &str) -> &'a str {
    field(c, k).as_str().unwrap()
}

#[test]
fn kingdee_params() {
    run("kingdee", |c| {
        kingdee_case(text(c, "config"), text(c, "op"), field(c, "params"))
    });
}

#[test]
fn freemud_params() {
    run("freemud", |c| {
        freemud_case(text(c, "op"), field(c, "params"))
    });
}

#[test]
fn qimai_params() {
    run("qimai", |c| qimai_case(text(c, "op"), field(c, "params")));
}

#[test]
fn configs() {
    run("config", |c| config_case(text(c, "op"), field(c, "params")));
}
