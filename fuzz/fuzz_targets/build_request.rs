//! Building and signing each vendor's request from arbitrary params (what
//! `buildRequest` does with caller input), for the known operations and for
//! operations outside the table: refused with an error, never a panic.
#![no_main]
use jifen::core::json::Json;
use jifen::vendors::{freemud, kingdee, qimai};
use libfuzzer_sys::fuzz_target;

struct Configs {
    kingdee: kingdee::Config,
    freemud: freemud::Config,
    qimai: qimai::Config,
}

thread_local! {
    // Thread-local, not a `static OnceLock`: a config keeps its keyed MAC in a
    // `OnceCell` (core::crypto::KeyCache), so it is `Send` but not `Sync`.
    static CONFIGS: &'static Configs = Box::leak(Box::new(make_configs()));
}

fn configs() -> &'static Configs {
    CONFIGS.with(|c| *c)
}

fn make_configs() -> Configs {
    // The simulator's made-up test accounts.
    let accounts = Json::parse(include_str!("../../sim/accounts.json")).expect("accounts");
    let with_base = |v: &str| {
        let mut c = accounts.get(v).cloned().expect("vendor");
        if let Json::Object(pairs) = &mut c {
            pairs.push(("baseUrl".into(), Json::str("http://127.0.0.1:8787")));
        }
        c
    };
    Configs {
        kingdee: kingdee::Config::from_json(&with_base("kingdee")).expect("kingdee"),
        freemud: freemud::Config::from_json(&with_base("freemud")).expect("freemud"),
        qimai: qimai::Config::from_json(&with_base("qimai")).expect("qimai"),
    }
}

fuzz_target!(|data: &[u8]| {
    let [op, rest @ ..] = data else {
        return;
    };
    let Ok(params) = Json::parse_bytes(rest) else {
        return;
    };
    let c = configs();
    let i = usize::from(*op);
    // The table, then operations outside it (signed by each vendor's generic rule).
    let k_ops: Vec<&str> = kingdee::ops::OPERATIONS
        .into_iter()
        .chain(["GET /jdy/v2/bd/customer", "POST /jdy/v2/bd/customer_save"])
        .collect();
    let k_op = k_ops[i % k_ops.len()];
    if let Ok(p) = kingdee::prepare(&c.kingdee, k_op, &params) {
        let attempt = kingdee::Attempt {
            timestamp_ms: 1_700_000_000_000,
            nonce: "1234567890".into(),
            app_token: Some("t".into()),
            domain: Some("https://tf.jdy.com".into()),
        };
        let req = kingdee::sign_request(&c.kingdee, &p, &attempt);
        assert!(req.url.is_ascii(), "{}", req.url);
    }
    let f_ops: Vec<&str> = freemud::ops::OPERATIONS
        .into_iter()
        .chain(["/member/coupon/list"])
        .collect();
    let f_op = f_ops[i % f_ops.len()];
    if let Ok(p) = freemud::prepare(&c.freemud, f_op, &params) {
        let _ = freemud::sign_request(&c.freemud, &p, "c2lnbg==", "tx-1");
        let _ = p.canonical(&c.freemud);
    }
    let q_ops: Vec<&str> = qimai::ops::OPERATIONS
        .into_iter()
        .chain(["user.coupon-list", "/v3/crm/coupon/list"])
        .collect();
    let q_op = q_ops[i % q_ops.len()];
    if let Ok(p) = qimai::prepare(q_op, &params) {
        let attempt = qimai::Attempt {
            timestamp_s: 1_700_000_000,
            nonce: 42,
        };
        let req = qimai::sign_request(&c.qimai, &p, &attempt);
        let body = req.body.expect("qimai has a body");
        Json::parse(&body).expect("qimai body is JSON");
    }
});
