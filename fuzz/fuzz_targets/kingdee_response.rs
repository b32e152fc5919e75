//! Kingdee reply parsing: the 519 gateway errors, the envelope, every operation's typed result.
#![no_main]
use jifen::core::request::HttpResponse;
use jifen::vendors::kingdee::ops::{Operation, OPERATIONS};
use jifen::vendors::kingdee::response::{parse_envelope, AppToken, Authorization};
use jifen::vendors::kingdee::result_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, op, body @ ..] = data else {
        return;
    };
    let status = [200, 519, 429, 500, 503, 404][usize::from(*a) % 6];
    let headers = if b & 1 == 1 {
        vec![("X-Api-Requestid".to_string(), "rid".to_string())]
    } else {
        vec![]
    };
    let resp = HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    };
    let op =
        Operation::from_path(OPERATIONS[usize::from(*op) % OPERATIONS.len()]).expect("known op");
    match parse_envelope(&resp) {
        Ok(data) => {
            let _ = result_json(op, &data);
            let _ = (AppToken::from_data(&data), Authorization::from_data(&data));
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            let _ = (jifen::retry::classify(&e), jifen::retry::delivery(&e));
            // A row of the vendor's error table comes with the code it was read from,
            // at the status it names.
            if let Some(row) = e.row {
                assert!(e.vendor_code.is_some(), "{e:?}");
                assert!(row.status.is_none_or(|s| Some(s) == e.http_status), "{e:?}");
            }
        }
    }
});
