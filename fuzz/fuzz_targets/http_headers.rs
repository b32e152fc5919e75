//! Header values read from outside: HTTP dates (`Date`, `Retry-After`) and the
//! vendors' `yyyy-MM-dd HH:mm:ss` times.
#![no_main]
use jifen::core::request::HttpResponse;
use jifen::core::time::{format_cst, parse_cst, parse_http_date};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_at(
        text.char_indices()
            .nth(text.chars().count() / 2)
            .map_or(0, |(i, _)| i),
    );
    let _ = parse_http_date(&text);
    if let Some(ms) = parse_cst(&text) {
        assert_eq!(parse_cst(&format_cst(ms)), Some(ms - ms.rem_euclid(1000)));
    }
    let resp = HttpResponse {
        status: 429,
        headers: vec![
            ("Date".into(), a.to_string()),
            ("Retry-After".into(), b.to_string()),
        ],
        body: vec![],
    };
    let _ = (resp.retry_after_ms(), resp.date_ms());
});
