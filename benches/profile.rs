//! A loop to profile, not a benchmark: runs one case of the Rust side of
//! `buildRequest` N times with no statistics around it, so an instruction
//! profiler sees only jifen. Used for docs/benchmarks.md's breakdown:
//!
//! ```sh
//! cargo bench --bench profile --no-run
//! valgrind --tool=callgrind target/release/deps/profile-* kingdee 20000
//! callgrind_annotate --inclusive=yes callgrind.out.*
//! ```
//!
//! Cases mirror what `src/wasm/api.rs` does per call: parse the JSON text of
//! config, params and options (what `JSON.stringify` hands over), build and
//! sign, and write the result as JSON text (what `JSON.parse` receives).
//! `cargo test --benches` runs each case a few times.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use jifen::client::{dry_run, DryRunOptions, Env};
use jifen::core::clock::{FixedClock, TestEntropy};
use jifen::testing::block_on;
use jifen::Json;
use std::cell::Cell;
use std::hint::black_box;

const KD_CONFIG: &str = r#"{"vendor":"kingdee","clientId":"300721","clientSecret":"sim0client0secret0not0real000001","appKey":"SimAppKey01","appSecret":"sim-app-secret-0001-not-real","outerInstanceId":"210987654321","domain":"https://tf.jdy.com"}"#;
const QM_CONFIG: &str = r#"{"vendor":"qimai","openId":"5b1f0e3a9c7d4e2f8a6b1c0d9e8f7a6b","grantCode":"a1b2c3d4e5","openKey":"sim-open-key-not-real-0001","version":"v3"}"#;

/// (config, operation, params, options) as the JS API receives them.
fn case(name: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match name {
        "kingdee" => (
            KD_CONFIG,
            "/jdy/v2/ls/integral_adjust",
            r#"{"mobile":"13800138000","integral":10,"operation":5}"#,
            r#"{"timestamp":1700000000000,"nonce":"1234567890","appToken":"bench-app-token-not-real"}"#,
        ),
        "kingdee_record" => (
            KD_CONFIG,
            "/jdy/v2/ls/integral_record",
            r#"{"mobile":"13800138000","page":1,"page_size":10,"start_date":"2024-01-01 00:00:00","end_date":"2024-01-31 23:59:59"}"#,
            r#"{"timestamp":1700000000000,"nonce":"1234567890","appToken":"bench-app-token-not-real"}"#,
        ),
        "qimai" => (
            QM_CONFIG,
            "/v3/crm/points/addCustomerPoints",
            r#"{"customerId":"383933091455959041","bizId":"order-1","balance":11}"#,
            r#"{"timestamp":1700000000000,"nonce":"658965"}"#,
        ),
        _ => return None,
    })
}

/// One `buildRequest` minus the JS glue; returns the output length.
fn run(env: &Env, c: (&str, &str, &str, &str)) -> usize {
    let (config, op, params, options) = c;
    let config = Json::parse(config).unwrap();
    let params = Json::parse(params).unwrap();
    let options = DryRunOptions::from_json(&Json::parse(options).unwrap()).unwrap();
    let req = block_on(dry_run(&config, op, &params, &options, env)).unwrap();
    req.to_json_string().len()
}

fn main() {
    // `cargo bench` and `cargo test --benches` pass flags (`--bench`); skip them.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let env = Env::new(
        Box::new(FixedClock(1_700_000_000_000)),
        Box::new(TestEntropy(Cell::new(5))),
    );
    let (names, n): (Vec<&str>, u64) = match args.as_slice() {
        [name, n] => (vec![name.as_str()], n.parse().expect("iterations")),
        // No arguments (cargo test --benches): every case, a few times.
        _ => (vec!["kingdee", "kingdee_record", "qimai"], 3),
    };
    for name in names {
        let c = case(name).unwrap_or_else(|| panic!("unknown case {name}"));
        let mut total = 0;
        for _ in 0..n {
            total += run(&env, black_box(c));
        }
        println!("profile: {name} × {n}: {total} bytes of output");
    }
}
