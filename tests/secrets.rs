//! No secret in a `Debug`, a `Display` or an error: one test per credential-bearing
//! type, with the simulator's made-up credentials (sim/accounts.json). Everything
//! formatted here is also appended to `test-output/logs/native-debug.log`, which
//! `scripts/check-secrets.mjs` greps with every other suite's output.
// Native only: `jifen::testing` is not in the wasm build, and `wasm-pack test` builds every test target.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

use jifen::client::{Client, DryRunOptions, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::core::json::Json;
use jifen::core::request::{redact_url, HttpResponse};
use jifen::testing::{block_on, Reply, ScriptedTransport};
use jifen::vendors::kingdee::response::{AppToken, Authorization};
use jifen::vendors::{freemud, kingdee, qimai};
use std::cell::Cell;
use std::io::Write;

fn accounts() -> Json {
    Json::parse(include_str!("../sim/accounts.json")).unwrap()
}

fn account(vendor: &str) -> Json {
    let mut c = accounts().get(vendor).cloned().unwrap();
    if let Json::Object(pairs) = &mut c {
        pairs.push((
            "baseUrl".into(),
            Json::str("http://127.0.0.1:9/".to_string() + vendor),
        ));
    }
    c
}

fn field(vendor: &str, key: &str) -> String {
    accounts()
        .get(vendor)
        .and_then(|a| a.get(key))
        .and_then(Json::as_str)
        .unwrap()
        .to_string()
}

/// A fragment of a PEM's base64 body (the whole key never prints in one piece).
fn pem_fragment(pem: &str) -> String {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    body[100..140].to_string()
}

/// Every secret of the accounts, and Kingdee's app_signature (a constant HMAC
/// of appSecret that opens a token), as it could appear in text.
fn secrets() -> Vec<String> {
    vec![
        field("kingdee", "clientSecret"),
        field("kingdee", "appSecret"),
        kingdee::sign::app_signature(&field("kingdee", "appKey"), &field("kingdee", "appSecret")),
        field("freemud", "accessToken"),
        pem_fragment(&field("freemud", "privateKey")),
        field("qimai", "openKey"),
    ]
}

/// A secret's forms in text: as is, percent-encoded (once, and twice as in a
/// stringToSign), base64; without base64 padding, so a cut-short one matches.
fn forms(s: &str) -> Vec<String> {
    use jifen::core::encode::{percent_encode, Space};
    let once = percent_encode(s, b"-_.~", Space::Percent);
    let twice = percent_encode(&once, b"-_.~", Space::Percent);
    let b64 = jifen::core::crypto::base64_encode(s.as_bytes());
    [s.to_string(), once, twice, b64]
        .iter()
        .map(|f| {
            f.trim_end_matches("%253D")
                .trim_end_matches("%3D")
                .trim_end_matches('=')
                .to_string()
        })
        .collect()
}

/// Whether `shown` holds any secret in any form.
fn leaks(shown: &str) -> bool {
    secrets()
        .iter()
        .any(|s| forms(s).iter().any(|f| shown.contains(f.as_str())))
}

/// Checks `shown` has `***` and no secret, and logs it for the suite-wide grep.
fn check(what: &str, shown: &str, expect_mask: bool) {
    assert!(!leaks(shown), "{what} shows a secret: {shown}");
    if expect_mask {
        assert!(shown.contains("***"), "{what} does not mask: {shown}");
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/test-output/logs");
    if std::fs::create_dir_all(dir).is_ok() {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{dir}/native-debug.log"))
        {
            let _ = writeln!(f, "{what}: {shown}");
        }
    }
}

#[test]
fn the_check_finds_every_form() {
    assert!(!leaks("kingdee app_key=SimAppKey01&app_signature=***"));
    for s in secrets() {
        for f in forms(&s) {
            assert!(leaks(&format!("x {f}… y")), "a form of a secret is missed");
        }
    }
}

#[test]
fn kingdee_config() {
    let c = kingdee::Config::from_json(&account("kingdee")).unwrap();
    check("kingdee::Config", &format!("{c:?}"), true);
}

#[test]
fn freemud_config() {
    let c = freemud::Config::from_json(&account("freemud")).unwrap();
    check("freemud::Config", &format!("{c:?}"), true);
}

#[test]
fn qimai_config() {
    let c = qimai::Config::from_json(&account("qimai")).unwrap();
    check("qimai::Config", &format!("{c:?}"), true);
}

#[test]
fn kingdee_authorization_and_token() {
    let auth = Authorization {
        app_key: field("kingdee", "appKey"),
        app_secret: field("kingdee", "appSecret"),
        domain: "https://tf.jdy.com".into(),
        account_id: None,
        account_name: None,
    };
    check("Authorization", &format!("{auth:?}"), true);
    check(
        "Authorization::to_json_masked",
        &auth.to_json_masked().to_json_string(),
        true,
    );
    let token = AppToken {
        token: field("kingdee", "appSecret"),
        expires_ms: 1,
        uid: None,
    };
    check("AppToken", &format!("{token:?}"), true);
    check(
        "AppToken::to_json_masked",
        &token.to_json_masked().to_json_string(),
        true,
    );
}

#[test]
fn kingdee_attempt_and_prepared_token_call() {
    let attempt = kingdee::Attempt {
        timestamp_ms: 1,
        nonce: "1234567890".into(),
        app_token: Some(field("kingdee", "appSecret")),
        domain: None,
    };
    check("kingdee::Attempt", &format!("{attempt:?}"), true);
    let config = kingdee::Config::from_json(&account("kingdee")).unwrap();
    // kingdee_auth_token accepts app_secret in the query: the request carries a secret.
    let params = Json::object([
        ("app_key", Some(Json::str(field("kingdee", "appKey")))),
        ("app_secret", Some(Json::str(field("kingdee", "appSecret")))),
    ]);
    let prepared = kingdee::prepare(&config, kingdee::ops::KINGDEE_AUTH_TOKEN, &params).unwrap();
    check("kingdee::Prepared", &format!("{prepared:?}"), false);
    let signed = kingdee::sign_request(&config, &prepared, &attempt);
    // The secret itself becomes app_signature, a credential in the URL.
    let app_signature =
        kingdee::sign::app_signature(&field("kingdee", "appKey"), &field("kingdee", "appSecret"));
    let in_url = jifen::core::encode::percent_encode(
        &app_signature,
        b"-_.~",
        jifen::core::encode::Space::Percent,
    );
    assert!(
        signed.url.contains(&app_signature) || signed.url.contains(&in_url),
        "the fixture really has a credential in the URL: {}",
        signed.url
    );
    for shown in [format!("{signed:?}"), format!("{:?}", signed.to_http())] {
        assert!(
            !shown.contains(&app_signature) && !shown.contains(&in_url),
            "{shown}"
        );
        check("SignedRequest / HttpRequest", &shown, true);
    }
}

#[test]
fn http_response_with_a_token_in_its_body() {
    let body = format!(
        r#"{{"errcode":0,"data":{{"app-token":"{}","expires":1}}}}"#,
        field("kingdee", "appSecret")
    );
    let resp = HttpResponse {
        status: 200,
        headers: vec![("access_token".into(), field("freemud", "accessToken"))],
        body: body.into_bytes(),
    };
    check("HttpResponse", &format!("{resp:?}"), true);
    let reply = Reply::Http(resp);
    check("testing::Reply", &format!("{reply:?}"), true);
}

#[test]
fn qimai_prepared_with_a_password() {
    let params =
        Json::parse(r#"{"type":1,"mobile":"13700137000","password":"sim-open-key-not-real-0001"}"#)
            .unwrap();
    let p = qimai::prepare(qimai::ops::USER_IDENTITY, &params).unwrap();
    check("qimai::Prepared", &format!("{p:?}"), false);
}

#[test]
fn dry_run_options() {
    let o = DryRunOptions {
        app_token: Some(field("kingdee", "appSecret")),
        ..DryRunOptions::default()
    };
    check("DryRunOptions", &format!("{o:?}"), true);
}

#[test]
fn redacted_urls_keep_what_was_called() {
    assert_eq!(
        redact_url("https://u:p@api.kingdee.com/jdy/x?app_key=k&app_secret=s&flag#frag"),
        "https://***@api.kingdee.com/jdy/x?app_key=***&app_secret=***&flag"
    );
    assert_eq!(redact_url("http://h:8/p"), "http://h:8/p");
    assert_eq!(redact_url("/rel?a=1"), "/rel?a=***");
    assert_eq!(redact_url(""), "");
}

fn env() -> Env {
    Env::new(
        Box::new(FixedClock(1_700_000_000_000)),
        Box::new(TestEntropy(Cell::new(1))),
    )
}

#[test]
fn client_transport_and_errors_of_a_refused_token_call() {
    // The token endpoint refuses, the business call never happens; every error
    // and every recorded request is formatted.
    let t = ScriptedTransport::new()
        .then(
            "push_app_authorize",
            Reply::json(
                200,
                &format!(
                    r#"{{"code":200,"data":[{{"appKey":"SimAppKey01","appSecret":"{}","domain":"https://tf.jdy.com","status":1}}]}}"#,
                    field("kingdee", "appSecret")
                ),
            ),
        )
        .then(
            "kingdee_auth_token",
            Reply::json(519, r#"{"errcode":4008,"description":"X-Api-Signature is invalid"}"#),
        );
    let mut cfg = account("kingdee");
    if let Json::Object(pairs) = &mut cfg {
        pairs.retain(|(k, _)| k != "appKey" && k != "appSecret");
    }
    let c = Client::new(&cfg, t, env()).unwrap();
    let e = block_on(c.call(
        "/jdy/v2/ls/integral_record",
        &Json::parse(r#"{"mobile":"13800138000"}"#).unwrap(),
    ))
    .unwrap_err();
    check("Error (Display)", &e.to_string(), false);
    check("Error (Debug)", &format!("{e:?}"), false);
    check("Client", &format!("{c:?}"), false);
    check("ScriptedTransport", &format!("{:?}", c.transport()), true);
    // A call through the transport with nothing scripted names the URL, redacted.
    let t = ScriptedTransport::new();
    let c = Client::new(&account("kingdee"), t, env()).unwrap();
    let e = block_on(c.call(
        kingdee::ops::KINGDEE_AUTH_TOKEN,
        &Json::object([
            ("app_key", Some(Json::str("SimAppKey01"))),
            ("app_secret", Some(Json::str(field("kingdee", "appSecret")))),
        ]),
    ))
    .unwrap_err();
    assert!(e.message.contains("app_signature=***"), "{e}");
    check("Error of an unscripted call", &format!("{e} {e:?}"), true);
}

#[test]
fn freemud_and_qimai_errors() {
    let qimai = Client::new(
        &account("qimai"),
        ScriptedTransport::new().then(
            "getCustomerPoints",
            Reply::json(200, r#"{"status":false,"code":40002,"message":"签名错误"}"#),
        ),
        env(),
    )
    .unwrap();
    let e = block_on(qimai.call(
        "/v3/crm/points/getCustomerPoints",
        &Json::parse(r#"{"customerId":"1"}"#).unwrap(),
    ))
    .unwrap_err();
    check("qimai Error", &format!("{e} {e:?}"), false);
    // Freemud without RSA in the environment: the error must not echo the key.
    let freemud = Client::new(&account("freemud"), ScriptedTransport::new(), env()).unwrap();
    let e = block_on(freemud.call(
        "/member/score/statisticalScore",
        &Json::parse(r#"{"memberId":"1"}"#).unwrap(),
    ))
    .unwrap_err();
    check("freemud Error", &format!("{e} {e:?}"), false);
    check("freemud Client", &format!("{freemud:?}"), false);
}
