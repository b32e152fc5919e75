//! What every vendor shares about operations outside its table (each vendor's `ops`
//! module says which ids are of its API family and how they are signed):
//!
//! * **The path check** ([`is_api_path`]): a path jifen puts in a URL and signs as given
//!   must be unreserved characters and `/` under the family's prefix, with no empty, `.`
//!   or `..` segment (which a URL parser would rewrite after signing).
//! * **The result** ([`raw_result`]): the vendor's data (Kingdee's `data`, Freemud's parsed
//!   `responseBody`, Qimai's `data`) as sent, after the vendor's envelope and error codes
//!   have been read. jifen knows no schema for it, so it normalises nothing, with one
//!   exception that keeps ids exact: an integer beyond `Number.MAX_SAFE_INTEGER` (JSON
//!   numbers lose digits there once JavaScript parses them: a 19-digit Kingdee id would
//!   come back as another id) is returned as a string of its digits. Every other value,
//!   key order included, is as the vendor sent it.

use crate::core::json::Json;

/// Whether `path` is `prefix` then at most 256 bytes in all of unreserved
/// characters (`A–Z a–z 0–9 - . _ ~`) and `/`, every segment non-empty and
/// neither `.` nor `..`.
pub fn is_api_path(path: &str, prefix: &str) -> bool {
    let Some(rest) = path.strip_prefix(prefix) else {
        return false;
    };
    let mut segment = 0usize;
    let mut dots = 0usize;
    for b in rest.bytes().chain([b'/']) {
        match b {
            b'/' => {
                if segment == 0 || segment == dots && dots <= 2 {
                    return false;
                }
                segment = 0;
                dots = 0;
            }
            b'.' => {
                segment += 1;
                dots += 1;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'~' => segment += 1,
            _ => return false,
        }
    }
    path.len() <= 256
}

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
    let mut out = data.clone();
    exact_ids(&mut out);
    out
}

/// Turns every integer beyond `Number.MAX_SAFE_INTEGER` in `v` into a string, in place.
fn exact_ids(v: &mut Json) {
    match v {
        Json::Number(text) if beyond_safe(text) => *v = Json::String(std::mem::take(text)),
        Json::Array(items) => {
            for item in items {
                exact_ids(item);
            }
        }
        Json::Object(pairs) => {
            for (_, value) in pairs {
                exact_ids(value);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths() {
        for (path, ok) in [
            ("/jdy/v2/bd/customer", true),
            ("/jdy/v2/a.b/c-d_e~f/1", true),
            ("/jdy/v2/...", true),
            ("/jdy/v2/", false),
            ("/jdy/v2", false),
            ("/jdy/v1/x", false),
            ("/jdy/v2/a//b", false),
            ("/jdy/v2/a/", false),
            ("/jdy/v2/./a", false),
            ("/jdy/v2/a/..", false),
            ("/jdy/v2/a?b=1", false),
            ("/jdy/v2/a b", false),
            ("/jdy/v2/a%20b", false),
            ("/jdy/v2/积分", false),
        ] {
            assert_eq!(is_api_path(path, "/jdy/v2/"), ok, "{path}");
        }
        assert!(is_api_path(&format!("/{}", "a".repeat(255)), "/"));
        assert!(!is_api_path(&format!("/{}", "a".repeat(256)), "/"));
    }

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
