//! Kingdee X-Api-Signature, byte for byte as the official Java gateway SDK
//! (`com.smecloud.apigw`) computes it. See `docs/vendors/kingdee.md` §3.
//!
//! ```text
//! StringToSign = METHOD \n GwEnc(path) \n CanonicalQuery \n x-api-nonce:N \n x-api-timestamp:T \n
//! X-Api-Signature = Base64(lower_hex(HMAC-SHA256(client_secret, StringToSign)))
//! ```

use crate::core::crypto::{base64_of_hex_lower, hmac_sha256};
use crate::core::encode::{form_encode, percent_encode, percent_encode_into, sort_by_name, Space};

/// The bytes Kingdee's `GwURLEncoder` keeps besides ASCII letters and digits.
const GW_KEEP: &[u8] = b"-._~";

/// Kingdee's `GwURLEncoder`: keeps `- . _ ~`, space as `+`, the rest `%XX`.
pub fn gw_encode(s: &str) -> String {
    percent_encode(s, GW_KEEP, Space::Plus)
}

/// The once-encoded `GwEnc(k)=FormEnc(v)` pairs, in the caller's order.
fn encoded_pairs(params: &[(String, String)]) -> Vec<String> {
    let mut pairs = Vec::with_capacity(params.len());
    for (k, v) in params {
        let mut pair = String::with_capacity(k.len() + v.len() + 8);
        percent_encode_into(k, GW_KEEP, Space::Plus, &mut pair);
        pair.push('=');
        pair.push_str(&form_encode(v));
        pairs.push(pair);
    }
    pairs
}

/// `pairs` in the SDK's order: whole `k=v` strings compared bytewise, through
/// Freemud's sort (one copy of std's sort in the wasm); equal strings are
/// identical, so stable or not gives the same order.
fn in_order(pairs: &[String]) -> Vec<(&str, &str)> {
    let mut order: Vec<(&str, &str)> = pairs.iter().map(|p| (p.as_str(), "")).collect();
    sort_by_name(&mut order);
    order
}

/// The query string sent on the wire: once-encoded, in signing order.
pub fn wire_query(params: &[(String, String)]) -> String {
    Query::of(params).wire
}

/// The signed query: each once-encoded side encoded again with `GwEnc`.
pub fn canonical_query(params: &[(String, String)]) -> String {
    Query::of(params).canonical
}

/// A call's query both ways, from one encoding and one sort: as sent
/// (`wire`) and as signed (`canonical`).
pub struct Query {
    /// Once-encoded, sorted, joined with `&`.
    pub wire: String,
    /// Each once-encoded side encoded again with `GwEnc`, in the same order.
    pub canonical: String,
}

impl Query {
    /// Encodes and sorts `params` once for both strings.
    pub fn of(params: &[(String, String)]) -> Query {
        let pairs = encoded_pairs(params);
        let mut wire = String::new();
        let mut canonical = String::new();
        for (pair, _) in in_order(&pairs) {
            if !wire.is_empty() {
                wire.push('&');
            }
            wire.push_str(pair);
            // The SDK drops a piece whose '=' is missing or first; GwEnc(k) is
            // empty only for an empty name.
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            if k.is_empty() {
                continue;
            }
            if !canonical.is_empty() {
                canonical.push('&');
            }
            percent_encode_into(k, GW_KEEP, Space::Plus, &mut canonical);
            canonical.push('=');
            percent_encode_into(v, GW_KEEP, Space::Plus, &mut canonical);
        }
        Query { wire, canonical }
    }
}

/// The string that X-Api-Signature covers.
pub fn string_to_sign(
    method: &str,
    path: &str,
    params: &[(String, String)],
    nonce: &str,
    timestamp_ms: &str,
) -> String {
    string_to_sign_with(method, path, &canonical_query(params), nonce, timestamp_ms)
}

/// [`string_to_sign`] from the canonical query already written, in one
/// buffer of about its final size.
pub fn string_to_sign_with(
    method: &str,
    path: &str,
    canonical_query: &str,
    nonce: &str,
    timestamp_ms: &str,
) -> String {
    let mut out =
        String::with_capacity(method.len() + path.len() + canonical_query.len() + nonce.len() + 48);
    out.push_str(&method.to_ascii_uppercase());
    out.push('\n');
    percent_encode_into(path, GW_KEEP, Space::Plus, &mut out);
    out.push('\n');
    out.push_str(canonical_query);
    out.push_str("\nx-api-nonce:");
    out.push_str(nonce);
    out.push_str("\nx-api-timestamp:");
    out.push_str(timestamp_ms);
    out.push('\n');
    out
}

/// `Base64(lower_hex(HMAC-SHA256(key, msg)))`: Kingdee's signature format (88 chars).
pub fn hex_base64_hmac(key: &str, msg: &str) -> String {
    hex_base64(&hmac_sha256(key.as_bytes(), msg.as_bytes()))
}

/// `Base64(lower_hex(mac))`: a MAC written as Kingdee's signatures are.
pub fn hex_base64(mac: &[u8]) -> String {
    base64_of_hex_lower(mac)
}

/// X-Api-Signature for a string to sign.
pub fn x_api_signature(client_secret: &str, string_to_sign: &str) -> String {
    hex_base64_hmac(client_secret, string_to_sign)
}

/// `app_signature` for the token call: HMAC keyed with appSecret over appKey.
pub fn app_signature(app_key: &str, app_secret: &str) -> String {
    hex_base64_hmac(app_secret, app_key)
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn encoders_differ_only_where_the_sdk_does() {
        assert_eq!(gw_encode("a b*~"), "a+b%2A~");
        assert_eq!(canonical_query(&p(&[("m", "a b*~")])), "m=a%2Bb%2A%257E");
    }

    #[test]
    fn sorts_on_the_encoded_pair_like_the_sdk() {
        // docs/vendors/kingdee.md §3.4: the SDK orders a-b=…, a1=…, a=… (sorting k=v strings).
        assert_eq!(
            wire_query(&p(&[("a", "1"), ("a1", "2"), ("a-b", "3")])),
            "a-b=3&a1=2&a=1"
        );
    }

    proptest! {
        #[test]
        fn signature_is_always_88_chars(secret in ".*", sts in ".*") {
            prop_assert_eq!(x_api_signature(&secret, &sts).len(), 88);
        }

        #[test]
        fn query_both_ways_from_one_sort(pairs in prop::collection::vec(("[a-c=_é ~]{0,3}", "[a-c=%+& ]{0,3}"), 0..8)) {
            // The SDK's order, written out: each `GwEnc(k)=FormEnc(v)` whole, sorted bytewise.
            // Sent joined with `&`; signed with each side of every piece that has a name
            // encoded again with `GwEnc` (docs/vendors/kingdee.md §3.4).
            let mut sorted: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", gw_encode(k), form_encode(v))).collect();
            sorted.sort_unstable();
            let q = Query::of(&pairs);
            prop_assert_eq!(&q.wire, &sorted.join("&"));
            let pieces: Vec<String> = sorted
                .iter()
                .filter_map(|p| p.split_once('='))
                .filter(|(k, _)| !k.is_empty())
                .map(|(k, v)| format!("{}={}", gw_encode(k), gw_encode(v)))
                .collect();
            prop_assert_eq!(&q.canonical, &pieces.join("&"));
        }

        #[test]
        fn canonical_query_is_order_independent(mut pairs in prop::collection::vec(("[a-z_]{1,8}", ".*"), 0..6)) {
            let a = canonical_query(&pairs);
            pairs.reverse();
            prop_assert_eq!(canonical_query(&pairs), a);
        }
    }
}
