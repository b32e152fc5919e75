//! Canonicalisers and encoders: percent/form encoding (and its inverse), Kingdee's
//! GwEnc and canonical query, Freemud's canonical string, Qimai's token encoding.
#![no_main]
use jifen::core::encode::{form_decode, form_encode, percent_encode, Space};
use jifen::core::json::Json;
use jifen::vendors::freemud::sign::canonical_of_object;
use jifen::vendors::kingdee::sign::{canonical_query, gw_encode, string_to_sign, wire_query};
use jifen::vendors::qimai::sign::{percent_encode_base64, string_to_sign as qimai_sts, Fields};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        let _ = form_decode(&String::from_utf8_lossy(data));
        return;
    };
    // Form encoding is reversible, and its output is plain ASCII.
    let encoded = form_encode(text);
    assert!(encoded.is_ascii());
    assert_eq!(form_decode(&encoded).as_deref(), Some(text));
    let _ = form_decode(text);
    let _ = percent_encode(text, b"-_.~", Space::Percent);
    assert!(gw_encode(text).is_ascii());
    // Query pairs from the text.
    let pairs: Vec<(String, String)> = text
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    let canonical = canonical_query(&pairs);
    assert!(canonical.is_ascii());
    let _ = wire_query(&pairs);
    let _ = string_to_sign("GET", text, &pairs, "1", "2");
    // Freemud canonical string over any object.
    if let Ok(Json::Object(fields)) = Json::parse(text) {
        let _ = canonical_of_object(&fields);
    }
    let _ = qimai_sts(
        &Fields {
            open_id: text,
            grant_code: text,
            timestamp: "1",
            nonce: "2",
        },
        data.len() % 2 == 0,
    );
    let _ = percent_encode_base64(text);
});
