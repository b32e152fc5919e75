//! The result of an operation outside a vendor's table: the vendor's data (Kingdee's
//! `data`, Freemud's parsed `responseBody`, Qimai's `data`) as sent, after the vendor's
//! envelope and error codes have been read. jifen knows no schema for it, so it
//! normalises nothing, with one exception that keeps ids exact: an integer beyond
//! `Number.MAX_SAFE_INTEGER` (JSON numbers lose digits there once JavaScript parses
//! them: a 19-digit Kingdee id would come back as another id) is returned as a
//! string of its digits. Every other value, key order included, is as the vendor sent it.

use crate::core::json::Json;

/// The largest integer a JS number holds exactly.
const MAX_SAFE_INTEGER: &str = "9007199254740991";

/// Whether `text` (a JSON number as sent) is an integer beyond [`MAX_SAFE_INTEGER`].
/// Fractions and exponents are left alone: they are not ids.
fn beyond_safe(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits = digits.trim_start_matches('0');
    digits.len() > MAX_SAFE_INTEGER.len()
        || (digits.len() == MAX_SAFE_INTEGER.len() && digits > MAX_SAFE_INTEGER)
}

/// `data` as sent, integers beyond `Number.MAX_SAFE_INTEGER` as strings.
pub fn raw_result(data: &Json) -> Json {
    match data {
        Json::Number(text) if beyond_safe(text) => Json::String(text.clone()),
        Json::Array(items) => Json::Array(items.iter().map(raw_result).collect()),
        Json::Object(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.clone(), raw_result(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_exact_and_the_rest_as_sent() {
        let data = Json::parse(
            r#"{"z":1,"id":1480000000000000001,"n":-9007199254740992,"max":9007199254740991,"f":1.5e300,"a":[383933091455959041,"x",null,true],"o":{"big":12345678901234567,"s":"12345678901234567890"}}"#,
        )
        .unwrap();
        assert_eq!(
            raw_result(&data).to_json_string(),
            r#"{"z":1,"id":"1480000000000000001","n":"-9007199254740992","max":9007199254740991,"f":1.5e300,"a":["383933091455959041","x",null,true],"o":{"big":"12345678901234567","s":"12345678901234567890"}}"#
        );
    }
}
