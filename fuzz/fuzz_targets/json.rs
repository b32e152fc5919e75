//! The core JSON parser: never panics, and what it accepts survives a write/parse round trip.
#![no_main]
use jifen::core::json::Json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = Json::parse_bytes(data) else {
        return;
    };
    let text = value.to_json_string();
    let again = Json::parse(&text).expect("our own output parses");
    assert_eq!(again, value, "round trip changed the value");
    assert_eq!(again.to_json_string(), text, "writing is deterministic");
    // Accessors on whatever came in.
    let _ = (
        value.as_i64_lenient(),
        value.as_bool_lenient(),
        value.as_text(),
    );
});
