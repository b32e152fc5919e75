//! A vendor jifen does not list, written the way a fourth vendor would be:
//! its `Vendor`, its typed `Account` (signing each attempt with a time and a
//! nonce passed in, parsing replies with its error table: rows of
//! `jifen::retry::ErrorRow` the parser attaches, which the client's retries
//! read) and its points
//! `Mapping`, and nothing else. `Client::from_account` runs it through the
//! generic per-attempt session: `call` with retries, and the unified
//! `adjustPoints`, `getBalance`, `getMember` and ledger calls, with no
//! client code of its own. (Made-up vendor "acme"; made-up test secret.)

// Native only: `wasm-pack test` builds every test target for wasm32, and `jifen::testing` is native.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{Client, DryRunOptions, Env};
use jifen::core::clock::{random_in, Entropy, FixedClock, TestEntropy};
use jifen::core::crypto::{hex_lower, hmac_sha256};
use jifen::core::error::{Error, ErrorCode, Result};
use jifen::core::request::{HttpResponse, Method, SignedRequest};
use jifen::points::capabilities::Capability;
use jifen::points::ledger::{self, LedgerQuery, Page};
use jifen::points::reasons::VendorCode;
use jifen::points::{Adjust, Balance, Call, Mapping, Member, MemberFields, Need, Plan, Reason};
use jifen::retry::{Delivery, ErrorRow, Failure, Renew};
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::vendors::{Account, Parsed, PreparedCall, SigningAccount, SigningVendor, Vendor};
use jifen::Json;
use std::cell::Cell;

const NOW: u64 = 1_700_000_000_000;
const SECRET: &str = "made-up-acme-test-secret";

struct Acme;
static ACME: Acme = Acme;
struct AcmePoints;
static POINTS: AcmePoints = AcmePoints;
static MAPPINGS: [&dyn Mapping; 1] = [&POINTS];

impl SigningVendor for Acme {
    fn name(&self) -> &'static str {
        "acme"
    }
    fn title(&self) -> &'static str {
        "Acme"
    }
    fn read_signing(&self, config: &Json) -> Result<Box<dyn SigningAccount>> {
        Ok(Box::new(AcmeAccount::from_json(config)?))
    }
}

impl Vendor for Acme {
    fn read(&self, config: &Json) -> Result<Box<dyn Account>> {
        Ok(Box::new(AcmeAccount::from_json(config)?))
    }
    fn mappings(&self) -> &'static [&'static dyn Mapping] {
        &MAPPINGS
    }
    fn mapping_for(&self, _config: &Json) -> &'static dyn Mapping {
        &POINTS
    }
}

struct AcmeAccount {
    key: String,
}

impl AcmeAccount {
    fn from_json(config: &Json) -> Result<Self> {
        let key = config
            .get("key")
            .and_then(Json::as_str)
            .ok_or_else(|| Error::config("`key` is required for acme"))?;
        Ok(AcmeAccount {
            key: key.to_string(),
        })
    }
}

/// Acme's rule: `X-Sign` = hex HMAC-SHA256 of `<timestamp>\n<nonce>\n<body>`.
fn sign(key: &str, op: &str, params: &Json, timestamp_ms: u64, nonce: u64) -> SignedRequest {
    let body = params.to_json_string();
    let string_to_sign = format!("{timestamp_ms}\n{nonce}\n{body}");
    let mac = hex_lower(&hmac_sha256(key.as_bytes(), string_to_sign.as_bytes()));
    SignedRequest {
        method: Method::Post,
        url: format!("http://acme.test/api/{op}"),
        headers: vec![
            ("X-Timestamp".into(), timestamp_ms.to_string().into()),
            ("X-Nonce".into(), nonce.to_string().into()),
            ("X-Sign".into(), mac.into()),
        ],
        body: Some(body),
        string_to_sign,
    }
}

impl SigningAccount for AcmeAccount {
    fn signing_vendor(&self) -> &'static dyn SigningVendor {
        &ACME
    }
    fn build_sync(
        &self,
        op: &str,
        params: &Json,
        _options: &DryRunOptions,
        timestamp_ms: u64,
        entropy: &dyn Entropy,
    ) -> Result<SignedRequest> {
        Ok(sign(
            &self.key,
            op,
            params,
            timestamp_ms,
            random_in(entropy, 1, 999),
        ))
    }
}

impl Account for AcmeAccount {
    fn vendor(&self) -> &'static dyn Vendor {
        &ACME
    }
    fn mapping(&self) -> &'static dyn Mapping {
        &POINTS
    }
    fn key_scope(&self) -> String {
        "acme:one".into()
    }
    fn prepare_call(
        &self,
        op: &str,
        params: &Json,
        _call: &jifen::client::CallOptions,
    ) -> Result<Box<dyn PreparedCall + '_>> {
        if !["add", "balance", "member", "flow", "find"].contains(&op) {
            return Err(Error::unsupported(format!("unknown Acme operation `{op}`")));
        }
        Ok(Box::new(AcmeCall {
            key: &self.key,
            op: op.to_string(),
            params: params.clone(),
        }))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Acme's error table: its one code that is worth another try.
static ACME_ERRORS: [ErrorRow; 1] = [ErrorRow {
    code: "busy",
    status: None,
    kind: ErrorCode::Http,
    retry: Failure::Transient,
    delivery: Delivery::Unknown,
    renew: Renew::Nothing,
    message: "busy, try again shortly",
}];

struct AcmeCall<'a> {
    key: &'a str,
    op: String,
    params: Json,
}

impl PreparedCall for AcmeCall<'_> {
    fn idempotent(&self) -> bool {
        true
    }
    fn sign(
        &self,
        now_ms: u64,
        entropy: &dyn Entropy,
        _signature: Option<&[u8]>,
    ) -> Result<SignedRequest> {
        Ok(sign(
            self.key,
            &self.op,
            &self.params,
            now_ms,
            random_in(entropy, 1, 999),
        ))
    }
    fn parse(&self, reply: &HttpResponse) -> Result<Parsed> {
        if reply.status >= 500 {
            return Err(
                Error::new(ErrorCode::Http, "Acme is unavailable").with_status(reply.status)
            );
        }
        let body = Json::parse(std::str::from_utf8(&reply.body).unwrap_or("")).map_err(|_| {
            Error::new(ErrorCode::Parse, "unreadable Acme reply").with_status(reply.status)
        })?;
        if let Some(Json::Bool(true)) = body.get("ok") {
            return Ok(Parsed {
                data: body.get("data").cloned().unwrap_or(Json::Null),
                proof: None,
            });
        }
        let code = body.text_at("code").unwrap_or_default();
        let e = match ErrorRow::find(&ACME_ERRORS, reply.status, &code) {
            Some(row) => Error::new(row.kind, row.describe("Acme", "")).with_row(row),
            None => Error::new(ErrorCode::Vendor, "Acme refused"),
        };
        Err(e.with_vendor_code(code).with_status(reply.status))
    }
}

fn int(j: &Json, k: &str) -> Option<i64> {
    j.get(k).and_then(Json::as_i64_lenient)
}

static CAPS: [Capability; 4] = [
    Capability {
        call: Call::Adjust,
        native_calls: &["add"],
        idempotent: true,
        note: "",
    },
    Capability {
        call: Call::Balance,
        native_calls: &["balance"],
        idempotent: true,
        note: "",
    },
    Capability {
        call: Call::Ledger,
        native_calls: &["flow"],
        idempotent: true,
        note: "",
    },
    Capability {
        call: Call::Member,
        native_calls: &["member"],
        idempotent: true,
        note: "",
    },
];

impl Mapping for AcmePoints {
    fn vendor(&self) -> &'static str {
        "acme"
    }
    fn names(&self) -> &'static [&'static str] {
        &["acme"]
    }
    fn need(&self, _call: Call) -> Need {
        Need::Id
    }
    fn lookup(&self, member: &Member, _need: Need) -> Result<Plan> {
        let mobile = member
            .mobile
            .as_deref()
            .ok_or_else(|| Error::invalid_input("no mobile"))?;
        Ok(Plan::new("find", [("mobile", Some(Json::str(mobile)))]))
    }
    fn read_lookup(&self, result: &Json) -> Result<Member> {
        Ok(Member {
            id: result.text_at("uid"),
            ..Member::default()
        })
    }
    fn adjust_plan(&self, a: &Adjust) -> Result<Plan> {
        let code = a.code(self)?;
        Ok(Plan::new(
            "add",
            [
                ("uid", a.member.id.as_deref().map(Json::str)),
                ("amount", Some(Json::int(a.delta))),
                ("type", Some(Json::str(code.code))),
                ("key", Some(Json::str(&a.idempotency_key))),
            ],
        ))
    }
    fn adjust_reply(&self, raw: &Json) -> (Option<i64>, Option<String>) {
        (int(raw, "balance"), raw.text_at("ref"))
    }
    fn dedupes_changes(&self) -> bool {
        true
    }
    fn balance_plan(&self, m: &Member) -> Result<Plan> {
        Ok(Plan::new(
            "balance",
            [("uid", m.id.as_deref().map(Json::str))],
        ))
    }
    fn balance_reply(&self, raw: &Json) -> Balance {
        Balance {
            available: int(raw, "points"),
            ..Balance::default()
        }
    }
    fn member_plan(&self, m: &Member) -> Result<Plan> {
        Ok(Plan::new(
            "member",
            [("uid", m.id.as_deref().map(Json::str))],
        ))
    }
    fn member_fields(&self, raw: &Json) -> MemberFields {
        MemberFields {
            id: raw.text_at("uid"),
            points: int(raw, "points"),
            ..MemberFields::default()
        }
    }
    fn ledger_plan(&self, q: &LedgerQuery, page: i64) -> Result<Plan> {
        Ok(Plan::new(
            "flow",
            [
                ("uid", q.member.id.as_deref().map(Json::str)),
                ("page", Some(Json::int(page))),
            ],
        ))
    }
    fn ledger_read(&self, q: &LedgerQuery, page: i64, raw: &Json) -> Result<Page> {
        let (rows, next) = ledger::checked_rows(raw, "rows", "total", q, page, "acme")?;
        let entries = rows
            .iter()
            .map(|r| {
                ledger::entry(
                    r.text_at("id").unwrap_or_default(),
                    &r.text_at("at").unwrap_or_default(),
                    int(r, "amount").unwrap_or_default(),
                    None,
                    "earn".into(),
                    "Earn".into(),
                    r.clone(),
                )
            })
            .collect();
        Ok(Page { entries, next })
    }
    fn reason_code(&self, reason: Reason) -> Option<VendorCode> {
        (reason == Reason::Purchase).then_some(VendorCode {
            code: "P",
            name: "purchase",
        })
    }
    fn capabilities(&self) -> &'static [Capability; 4] {
        &CAPS
    }
    fn adjust_fields(&self) -> &'static [&'static str] {
        &[]
    }
}

fn client(t: ScriptedTransport) -> Client<ScriptedTransport> {
    let env = Env::new(
        Box::new(FixedClock(NOW)),
        Box::new(TestEntropy(Cell::new(7))),
    );
    let config = Json::parse(&format!(r#"{{"vendor":"acme","key":"{SECRET}"}}"#)).unwrap();
    Client::from_account(ACME.read(&config).unwrap(), t, env).unwrap()
}

fn j(s: &str) -> Json {
    Json::parse(s).unwrap()
}

#[test]
fn a_vendor_outside_the_list_is_driven_by_the_generic_session() {
    let t = ScriptedTransport::new()
        .then("/api/balance", Reply::json(503, "oops"))
        .then(
            "/api/balance",
            Reply::json(200, r#"{"ok":true,"data":{"points":42}}"#),
        );
    let c = client(t);
    assert_eq!(c.vendor_name(), "acme");
    let r = block_on(c.call("balance", &j(r#"{"uid":"u1"}"#))).unwrap();
    assert_eq!(int(&r, "points"), Some(42));
    // The 503 was retried, each attempt signed by the vendor's rule.
    let sent = c.transport().sent.borrow();
    assert_eq!(sent.len(), 2);
    for req in sent.iter() {
        let header = |n: &str| {
            req.headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        let text = format!(
            "{}\n{}\n{}",
            header("X-Timestamp"),
            header("X-Nonce"),
            r#"{"uid":"u1"}"#
        );
        assert_eq!(
            header("X-Sign"),
            hex_lower(&hmac_sha256(SECRET.as_bytes(), text.as_bytes()))
        );
        assert_eq!(header("X-Timestamp"), NOW.to_string());
    }
    drop(sent);
    // Refusals come back as the vendor's, not sent again.
    c.transport()
        .push("/api/balance", Reply::json(200, r#"{"ok":false}"#));
    let e = block_on(c.call("balance", &j(r#"{"uid":"u1"}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Vendor);
    assert_eq!(c.transport().sent.borrow().len(), 3);
    let e = block_on(c.call("drop", &j("{}"))).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
}

#[test]
fn its_error_table_decides_what_the_client_retries() {
    // "busy" is a row of Acme's table (transient): retried; any other code is a refusal, not retried.
    let t = ScriptedTransport::new()
        .then(
            "/api/balance",
            Reply::json(200, r#"{"ok":false,"code":"busy"}"#),
        )
        .then(
            "/api/balance",
            Reply::json(200, r#"{"ok":true,"data":{"points":7}}"#),
        )
        .then(
            "/api/balance",
            Reply::json(200, r#"{"ok":false,"code":"no-such-user"}"#),
        );
    let c = client(t);
    let r = block_on(c.call("balance", &j(r#"{"uid":"u1"}"#))).unwrap();
    assert_eq!(int(&r, "points"), Some(7));
    assert_eq!(c.transport().sent.borrow().len(), 2);
    let e = block_on(c.call("balance", &j(r#"{"uid":"u2"}"#))).unwrap_err();
    assert_eq!(
        (e.code, e.vendor_code.as_deref(), e.retryable),
        (ErrorCode::Vendor, Some("no-such-user"), false)
    );
    assert_eq!(
        c.transport().sent.borrow().len(),
        3,
        "a refusal is not retried"
    );
}

#[test]
fn the_unified_calls_run_through_its_mapping() {
    let t = ScriptedTransport::new()
        .then("/api/find", Reply::json(200, r#"{"ok":true,"data":{"uid":"u9"}}"#))
        .then("/api/add", Reply::json(200, r#"{"ok":true,"data":{"balance":110,"ref":"r1"}}"#))
        .then("/api/balance", Reply::json(200, r#"{"ok":true,"data":{"points":110}}"#))
        .then("/api/member", Reply::json(200, r#"{"ok":true,"data":{"uid":"u9","points":110}}"#))
        .then(
            "/api/flow",
            Reply::json(200, r#"{"ok":true,"data":{"total":1,"rows":[{"id":"f1","at":"2023-11-14 22:13:20","amount":10}]}}"#),
        );
    let c = client(t);
    let r = block_on(c.adjust_points(&j(
        r#"{"member":{"mobile":"13800138000"},"delta":10,"reason":"purchase","idempotencyKey":"k-1"}"#,
    )))
    .unwrap();
    assert_eq!(r.get("applied"), Some(&Json::Bool(true)));
    assert_eq!(int(&r, "balance"), Some(110));
    assert_eq!(r.text_at("vendorRef").as_deref(), Some("r1"));
    let add = c.transport().sent.borrow()[1].body.clone().unwrap();
    assert_eq!(add, r#"{"uid":"u9","amount":10,"type":"P","key":"k-1"}"#);
    // The same key again: replayed from the store, nothing sent.
    let again = block_on(c.adjust_points(&j(
        r#"{"member":{"mobile":"13800138000"},"delta":10,"reason":"purchase","idempotencyKey":"k-1"}"#,
    )))
    .unwrap();
    assert_eq!(again, r);
    assert_eq!(c.transport().sent.borrow().len(), 2);
    // A reason the vendor has no code for is refused before anything is sent.
    let e = block_on(c.adjust_points(&j(
        r#"{"member":{"id":"u9"},"delta":-1,"reason":"expiry","idempotencyKey":"k-2"}"#,
    )))
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(
        e.message.contains("acme cannot record reason `expiry`"),
        "{}",
        e.message
    );

    let b = block_on(c.get_balance(&j(r#"{"member":{"id":"u9"}}"#))).unwrap();
    assert_eq!(int(&b, "available"), Some(110));
    let m = block_on(c.get_member(&j(r#"{"member":{"id":"u9"}}"#))).unwrap();
    assert_eq!(m.text_at("id").as_deref(), Some("u9"));
    let p = block_on(c.ledger_page(&j(r#"{"member":{"id":"u9"}}"#))).unwrap();
    let entries = p.get("entries").and_then(Json::as_array).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(int(&entries[0], "delta"), Some(10));
    assert_eq!(
        entries[0].text_at("at").as_deref(),
        Some("2023-11-14T22:13:20+08:00")
    );
    assert_eq!(c.transport().remaining(), 0);
}
