//! Each vendor's error table against its spec and its docs.
//!
//! 1. The spec vectors (`tests/vectors/<vendor>/errors/codes.json`): each reply,
//!    run through the vendor's own parser, gives the expected error `code`,
//!    `vendorCode`, retry class and delivery (`jifen::retry`), what must be
//!    renewed, and `retryable`. The expectations are written from the vendor
//!    notes, each with its source; they are not read from the Rust table.
//! 2. Every row of the Rust table has a vector (a code with no spec is untested).
//! 3. The table printed in `docs/vendors/<vendor>.md` ("jifen's error table") is
//!    the Rust table, row for row and column for column, and nothing more.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

use jifen::core::error::{Error, Result};
use jifen::core::json::Json;
use jifen::core::request::HttpResponse;
use jifen::retry::{classify, delivery, ErrorRow, Renew};
use jifen::vendors::{freemud, kingdee, qimai};

struct Vendor {
    name: &'static str,
    parse: fn(&HttpResponse) -> Result<()>,
    table: &'static [ErrorRow],
    /// A row outside the table that the docs print too (Kingdee's `other` 519).
    other: Option<&'static ErrorRow>,
}

fn vendors() -> [Vendor; 3] {
    [
        Vendor {
            name: "kingdee",
            parse: |r| kingdee::response::parse_envelope(r).map(drop),
            table: &kingdee::errors::TABLE,
            other: Some(&kingdee::errors::OTHER_GATEWAY),
        },
        Vendor {
            name: "freemud",
            parse: |r| freemud::response::parse_envelope(r).map(drop),
            table: &freemud::errors::TABLE,
            other: None,
        },
        Vendor {
            name: "qimai",
            parse: |r| qimai::response::parse_envelope(r).map(drop),
            table: &qimai::errors::TABLE,
            other: None,
        },
    ]
}

fn root(rel: &str) -> String {
    format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn cases(vendor: &str) -> Vec<Json> {
    let path = root(&format!("tests/vectors/{vendor}/errors/codes.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc = Json::parse(&text).unwrap();
    let cases = doc.get("cases").and_then(Json::as_array).unwrap().to_vec();
    assert!(!cases.is_empty(), "{path}: no cases");
    cases
}

fn text<'a>(j: &'a Json, key: &str) -> &'a str {
    j.get(key)
        .and_then(Json::as_str)
        .unwrap_or_else(|| panic!("`{key}` missing in {}", j.to_json_string()))
}

fn reply(case: &Json) -> HttpResponse {
    let r = case.get("reply").unwrap();
    let mut headers = vec![("X-Api-Requestid".to_string(), "rid-1".to_string())];
    if let Some(after) = r.get("retryAfter").and_then(Json::as_str) {
        headers.push(("Retry-After".into(), after.into()));
    }
    HttpResponse {
        status: u16::try_from(r.get("status").and_then(Json::as_i64_lenient).unwrap()).unwrap(),
        headers,
        body: text(r, "body").as_bytes().to_vec(),
    }
}

/// What the error says, in the vectors' terms.
fn observed(e: &Error) -> Json {
    let renew = e.row.map_or(Renew::Nothing, |r| r.renew);
    Json::object([
        ("code", Some(Json::str(e.code.as_str()))),
        (
            "vendorCode",
            Some(e.vendor_code.as_ref().map_or(Json::Null, Json::str)),
        ),
        ("retry", Some(Json::str(classify(e).as_str()))),
        ("delivery", Some(Json::str(delivery(e).as_str()))),
        ("renew", Some(Json::str(renew.as_str()))),
        ("retryable", Some(Json::Bool(e.retryable))),
        (
            "retryAfterMs",
            e.retry_after_ms
                .map(|ms| Json::int(i64::try_from(ms).unwrap())),
        ),
    ])
}

#[test]
fn every_spec_vector_is_read_as_its_source_says() {
    let mut failures = Vec::new();
    for v in vendors() {
        for case in cases(v.name) {
            let name = format!("{} {}", v.name, text(&case, "name"));
            assert!(!text(&case, "source").is_empty(), "{name}: no source");
            let e = match (v.parse)(&reply(&case)) {
                Ok(()) => {
                    failures.push(format!("{name}: parsed as a success"));
                    continue;
                }
                Err(e) => e,
            };
            assert_eq!(e.vendor, Some(v.name), "{name}");
            let want = case.get("expect").unwrap().to_json_string();
            let got = observed(&e).to_json_string();
            if want != got {
                failures.push(format!("{name}:\n  want {want}\n  got  {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_row_of_a_table_has_a_spec_vector() {
    for v in vendors() {
        let covered: Vec<(u16, String)> = cases(v.name)
            .iter()
            .filter_map(|c| {
                let code = c.get("expect")?.get("vendorCode")?.as_str()?.to_string();
                Some((reply(c).status, code))
            })
            .collect();
        for row in v.table {
            let hit = covered
                .iter()
                .any(|(s, c)| c == row.code && row.status.is_none_or(|want| want == *s));
            assert!(hit, "{}: code {} has no spec vector", v.name, row.code);
        }
    }
}

/// A row as the docs print it (`code | status | kind | retry | delivery | renew | message`).
fn doc_row(row: &ErrorRow) -> String {
    let code = if row.code.is_empty() {
        "other"
    } else {
        row.code
    };
    let status = row.status.map_or("any".to_string(), |s| s.to_string());
    format!(
        "| {code} | {status} | {} | {} | {} | {} | {} |",
        row.kind.as_str(),
        row.retry.as_str(),
        row.delivery.as_str(),
        row.renew.as_str(),
        row.message
    )
}

/// The rows of the table under the "jifen's error table" heading, without their `source` cell.
fn printed_rows(markdown: &str) -> Vec<String> {
    let mut lines = markdown
        .lines()
        .skip_while(|l| !(l.starts_with('#') && l.contains("jifen's error table")));
    assert!(lines.next().is_some(), "no \"jifen's error table\" heading");
    let table: Vec<&str> = lines
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        table.first().map(|h| h.trim()),
        Some("| code | status | kind | retry | delivery | renew | message | source |"),
        "the table's header"
    );
    table
        .iter()
        .skip(2)
        .map(|l| {
            let cells: Vec<&str> = l.trim().trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 8, "{l}");
            assert!(!cells[7].trim().is_empty(), "no source: {l}");
            format!("| {} |", cells[..7].join(" | ").trim())
        })
        .collect()
}

#[test]
fn the_docs_print_each_table_as_it_is() {
    for v in vendors() {
        let path = root(&format!("docs/vendors/{}.md", v.name));
        let markdown = std::fs::read_to_string(&path).unwrap();
        let printed = printed_rows(&markdown);
        let rows: Vec<String> = v.table.iter().chain(v.other).map(doc_row).collect();
        let missing: Vec<&String> = rows.iter().filter(|r| !printed.contains(r)).collect();
        let extra: Vec<&String> = printed.iter().filter(|r| !rows.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && printed.len() == rows.len(),
            "{path}: the error table differs from src/vendors/{}/errors.rs\n\
             not in the docs (add a source cell):\n{}\nonly in the docs:\n{}",
            v.name,
            missing
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            extra
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}
