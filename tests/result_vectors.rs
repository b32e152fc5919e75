//! Result vectors (tests/vectors/results/*.json): reply bodies of every
//! operation of every vendor through `result_json`, compared with the result
//! JSON text or the error (code, message, vendor, …) recorded in the file.
//!
//! The expectations were generated from the hand-written result builders
//! before they became tables, so this pins what `client.call` returns.
//! Freemud's `callback` cases are push `requestBody`s through
//! `callback::parse` (its `member.registered` event reads a member the same way).
//!
//! To regenerate after a deliberate change: `JIFEN_BLESS_RESULTS=1 cargo test
//! --test result_vectors`, then review the diff.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::core::error::Result;
use jifen::vendors::{freemud, kingdee, qimai};
use jifen::{Error, Json};

fn error_json(e: &Error) -> Json {
    let opt = |s: Option<&str>| s.map_or(Json::Null, Json::str);
    Json::Object(vec![
        ("code".into(), Json::str(e.code.as_str())),
        ("message".into(), Json::str(&e.message)),
        ("vendor".into(), opt(e.vendor)),
        ("vendorCode".into(), opt(e.vendor_code.as_deref())),
        (
            "httpStatus".into(),
            e.http_status
                .map_or(Json::Null, |s| Json::int(i64::from(s))),
        ),
        ("requestId".into(), opt(e.request_id.as_deref())),
        ("retryable".into(), Json::Bool(e.retryable)),
        (
            "retryAfterMs".into(),
            e.retry_after_ms
                .map_or(Json::Null, |s| Json::Number(s.to_string())),
        ),
    ])
}

fn outcome(r: Result<Json>) -> Json {
    match r {
        Ok(j) => Json::Object(vec![("ok".into(), j)]),
        Err(e) => Json::Object(vec![("error".into(), error_json(&e))]),
    }
}

fn freemud_callback(body: &Json) -> Result<Json> {
    let envelope = Json::Object(vec![
        ("ver".into(), Json::str("1")),
        ("partnerId".into(), Json::str("1")),
        ("appId".into(), Json::str("a")),
        ("requestBody".into(), Json::str(body.to_json_string())),
    ]);
    let c = freemud::callback::parse(envelope.to_json_string().as_bytes())?;
    Ok(c.event.to_json())
}

fn run(vendor: &str, op: &str, input: &Json) -> Json {
    outcome(match vendor {
        "freemud" if op == "callback" => freemud_callback(input),
        "freemud" => freemud::ops::Operation::from_path(op)
            .and_then(|o| freemud::response::result_json(o, input)),
        "kingdee" => {
            kingdee::ops::Operation::from_path(op).and_then(|o| kingdee::result_json(o, input))
        }
        "qimai" => qimai::ops::Operation::from_id(op).and_then(|o| qimai::result_json(o, input)),
        other => panic!("unknown vendor {other}"),
    })
}

fn path(vendor: &str) -> String {
    format!(
        "{}/tests/vectors/results/{vendor}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn cases(vendor: &str) -> Vec<Json> {
    let text = std::fs::read_to_string(path(vendor)).unwrap();
    Json::parse(&text)
        .unwrap()
        .as_array()
        .expect("a JSON array of cases")
        .to_vec()
}

fn field<'a>(case: &'a Json, key: &str) -> &'a Json {
    case.get(key)
        .unwrap_or_else(|| panic!("case lacks `{key}`: {}", case.to_json_string()))
}

fn bless(vendor: &str) {
    let lines: Vec<String> = cases(vendor)
        .iter()
        .map(|c| {
            let op = field(c, "op").as_str().unwrap();
            let mut pairs = vec![("op".to_string(), Json::str(op))];
            if let Some(n) = c.get("note") {
                pairs.push(("note".into(), n.clone()));
            }
            let input = field(c, "input");
            pairs.push(("input".into(), input.clone()));
            pairs.push(("expect".into(), run(vendor, op, input)));
            Json::Object(pairs).to_json_string()
        })
        .collect();
    std::fs::write(path(vendor), format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
}

/// Runs every case of `vendor`; each operation in `ops` must have cases, and
/// both successes and errors must be among them.
fn check(vendor: &str, ops: &[&str]) {
    if std::env::var_os("JIFEN_BLESS_RESULTS").is_some() {
        bless(vendor);
    }
    let cases = cases(vendor);
    let mut failures = Vec::new();
    let (mut oks, mut errors) = (0, 0);
    for c in &cases {
        let op = field(c, "op").as_str().unwrap();
        let want = field(c, "expect");
        let got = run(vendor, op, field(c, "input"));
        if got.get("ok").is_some() {
            oks += 1;
        } else {
            errors += 1;
        }
        if got.to_json_string() != want.to_json_string() {
            failures.push(format!(
                "{op} ({}):\n  input {}\n  want  {}\n  got   {}",
                c.get("note").and_then(Json::as_str).unwrap_or(""),
                field(c, "input").to_json_string(),
                want.to_json_string(),
                got.to_json_string()
            ));
        }
    }
    for op in ops {
        let n = cases
            .iter()
            .filter(|c| field(c, "op").as_str() == Some(op))
            .count();
        assert!(n >= 3, "{vendor} {op}: only {n} cases");
    }
    assert!(
        oks > 10 && errors > 10,
        "{vendor}: {oks} ok, {errors} errors"
    );
    assert!(
        failures.is_empty(),
        "{} of {} {vendor} result vectors differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!("{vendor}: {} result vectors match", cases.len());
}

#[test]
fn freemud_results() {
    let mut ops = freemud::ops::OPERATIONS.to_vec();
    ops.push("callback");
    check("freemud", &ops);
}

#[test]
fn kingdee_results() {
    check("kingdee", &kingdee::ops::OPERATIONS);
}

#[test]
fn qimai_results() {
    check("qimai", &qimai::ops::OPERATIONS);
}
