//! The Freemud canonical string (docs/vendors/freemud.md §3): every envelope field except
//! `sign`, dropping `null` and empty values, sorted by key in ASCII order,
//! joined as raw `key=value` pairs with `&` — no URL-encoding, no JSON
//! re-escaping. A number renders as its decimal text (`"ver":1` and
//! `"ver":"1"` both give `ver=1`). The same rule is the default for responses
//! (`message&responseBody&statusCode&ver`) and callbacks.

use crate::core::encode::sort_by_name;
use crate::core::json::Json;

/// A field's raw value as it enters the canonical string, or `None` when it is dropped.
pub fn raw_value(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) if s.is_empty() => None,
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.clone()),
        Json::Bool(b) => Some(b.to_string()),
        other => Some(other.to_json_string()),
    }
}

/// The canonical string of `(key, value)` pairs; `sign` and empty values are skipped.
pub fn canonical(fields: &[(&str, Option<&str>)]) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(fields.len());
    for &(k, v) in fields {
        match v {
            Some(v) if k != "sign" && !v.is_empty() => pairs.push((k, v)),
            _ => {}
        }
    }
    // Stable: a repeated key keeps its written order.
    sort_by_name(&mut pairs);
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The canonical string of a JSON object's top-level fields (responses, callbacks, vectors).
pub fn canonical_of_object(obj: &[(String, Json)]) -> String {
    let mut values = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        values.push((k.as_str(), raw_value(v)));
    }
    let mut fields = Vec::with_capacity(values.len());
    for (k, v) in &values {
        fields.push((*k, v.as_deref()));
    }
    canonical(&fields)
}

/// The request canonical string: `appId=…&partnerId=…&requestBody=…&ver=1`,
/// [`canonical`]'s rule written out for these four keys (already in ASCII order;
/// an empty value is dropped), without its pair list and sort: it is made once
/// per signed call. A test checks it against [`canonical`].
pub fn request_canonical(app_id: &str, partner_id: &str, request_body: &str) -> String {
    let mut out = String::with_capacity(app_id.len() + partner_id.len() + request_body.len() + 40);
    for (key, value) in [
        ("appId=", app_id),
        ("partnerId=", partner_id),
        ("requestBody=", request_body),
        ("ver=", "1"),
    ] {
        if value.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push_str(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_raw_and_skipping() {
        assert_eq!(
            request_canonical("a", "p", "{\"x\":\"1 & 2\"}"),
            "appId=a&partnerId=p&requestBody={\"x\":\"1 & 2\"}&ver=1"
        );
        assert_eq!(
            request_canonical("a", "", "{}"),
            "appId=a&requestBody={}&ver=1"
        );
        let obj = Json::parse(r#"{"ver":1,"statusCode":"100","sign":"zz","message":"成功","responseBody":"{\"a\":1}","x":null}"#).unwrap();
        assert_eq!(
            canonical_of_object(obj.as_object().unwrap()),
            "message=成功&responseBody={\"a\":1}&statusCode=100&ver=1"
        );
    }

    #[test]
    fn the_request_string_is_the_general_rule() {
        for (a, p, b) in [
            ("a", "p", "{}"),
            ("", "p", "{}"),
            ("a", "", "x=1&y"),
            ("", "", ""),
            ("é", "9", "{\"k\":\"v\"}"),
        ] {
            assert_eq!(
                request_canonical(a, p, b),
                canonical(&[
                    ("ver", Some("1")),
                    ("partnerId", Some(p)),
                    ("appId", Some(a)),
                    ("requestBody", Some(b)),
                ])
            );
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_written_order() {
        // The sort is stable: a push carrying a key more than once signs as
        // sent. Forty fields: std's unstable sort is an insertion sort (stable
        // by accident) below about twenty.
        let values: Vec<String> = (0..40).map(|i| i.to_string()).collect();
        let fields: Vec<(&str, Option<&str>)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (["b", "a", "c"][i % 3], Some(v.as_str())))
            .collect();
        let want = |key: &str, offset: usize| -> Vec<String> {
            (offset..40)
                .step_by(3)
                .map(|i| format!("{key}={i}"))
                .collect()
        };
        let mut expected = want("a", 1);
        expected.extend(want("b", 0));
        expected.extend(want("c", 2));
        assert_eq!(canonical(&fields), expected.join("&"));
    }
}

// Native only: proptest is a native dev-dependency, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The rule of docs/vendors/freemud.md §3 read another way: group the
    /// non-empty fields other than `sign` by key (a `BTreeMap` orders keys by
    /// their bytes, i.e. ASCII order), a repeated key's values in written order.
    fn by_the_rule(fields: &[(&str, Option<&str>)]) -> String {
        let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for &(k, v) in fields {
            if let Some(v) = v.filter(|v| !v.is_empty() && k != "sign") {
                groups.entry(k).or_default().push(v);
            }
        }
        let mut pieces = Vec::new();
        for (k, values) in groups {
            for v in values {
                pieces.push(format!("{k}={v}"));
            }
        }
        pieces.join("&")
    }

    proptest! {
        #[test]
        fn canonical_order_is_ascii_order_of_keys(
            fields in prop::collection::vec(
                ("[aAbB_1é]{0,1}|[ab]{2}|sign", prop::option::weighted(0.9, "[a-z=&]{0,3}")),
                0..64,
            ),
        ) {
            let fields: Vec<(&str, Option<&str>)> =
                fields.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
            prop_assert_eq!(canonical(&fields), by_the_rule(&fields));
        }
    }
}
