//! Freemud reply parsing: the envelope, its canonical string, every operation's typed result.
#![no_main]
use jifen::core::request::HttpResponse;
use jifen::vendors::freemud::ops::{Operation, OPERATIONS};
use jifen::vendors::freemud::response::{parse_envelope, result_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, op, body @ ..] = data else {
        return;
    };
    let status = [200, 429, 500, 503, 404][usize::from(*a) % 5];
    let resp = HttpResponse {
        status,
        headers: vec![],
        body: body.to_vec(),
    };
    let op =
        Operation::from_path(OPERATIONS[usize::from(*op) % OPERATIONS.len()]).expect("known op");
    match parse_envelope(&resp) {
        Ok(envelope) => {
            if let Ok(body) = envelope.body() {
                let _ = result_json(op, &body);
            }
        }
        Err(e) => {
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
