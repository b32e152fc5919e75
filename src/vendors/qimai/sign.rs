//! The Qimai Token (docs/vendors/qimai.md §2), byte for byte:
//!
//! ```text
//! string_to_sign = grantCode={GrantCode}&nonce={Nonce}&openId={OpenId}&timestamp={Timestamp}
//! Token          = percent_encode(Base64(HMAC-SHA1(key = UTF-8(OpenKey), msg = string_to_sign)))
//! ```
//!
//! Exactly four fields, ASCII-sorted, raw values (no encoding before the HMAC).
//! `Params` and the v2 `Action` are not signed. Only `+`, `/` and `=` are
//! percent-encoded (`%2B`, `%2F`, `%3D`), the only non-alphanumeric base64 bytes.

use crate::core::crypto::{base64_encode, hmac_sha1};

/// How the four keys are spelled in the signed string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyCase {
    /// `grantCode=…&nonce=…&openId=…&timestamp=…`: the v3 spelling, and the default for v2 too.
    #[default]
    Lower,
    /// The keys as the envelope sends them: capitalised for v2
    /// (`GrantCode=…&Nonce=…&OpenId=…&Timestamp=…`, unconfirmed; vector B3),
    /// lowercase for v3 (where it equals [`KeyCase::Lower`]).
    AsSent,
}

impl KeyCase {
    /// Reads the config spelling: `"lower"` or `"as_sent"`.
    pub fn from_name(name: &str) -> Option<KeyCase> {
        match name {
            "lower" => Some(KeyCase::Lower),
            "as_sent" => Some(KeyCase::AsSent),
            _ => None,
        }
    }

    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyCase::Lower => "lower",
            KeyCase::AsSent => "as_sent",
        }
    }
}

/// The four signed values, as decimal text where numeric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields<'a> {
    /// `OpenId` / `openId`.
    pub open_id: &'a str,
    /// `GrantCode` / `grantCode`.
    pub grant_code: &'a str,
    /// Unix time in seconds, decimal.
    pub timestamp: &'a str,
    /// Positive integer, decimal.
    pub nonce: &'a str,
}

/// The string the Token covers. `capitalised` selects `GrantCode=…&Nonce=…&OpenId=…&Timestamp=…`
/// (capitalised keys sort in the same order, so only the spelling differs).
pub fn string_to_sign(fields: &Fields<'_>, capitalised: bool) -> String {
    let [g, n, o, t] = if capitalised {
        ["GrantCode", "Nonce", "OpenId", "Timestamp"]
    } else {
        ["grantCode", "nonce", "openId", "timestamp"]
    };
    format!(
        "{g}={}&{n}={}&{o}={}&{t}={}",
        fields.grant_code, fields.nonce, fields.open_id, fields.timestamp
    )
}

/// `Base64(HMAC-SHA1(open_key, string_to_sign))`: 28 characters, one `=` of padding.
pub fn token_base64(open_key: &str, string_to_sign: &str) -> String {
    base64_encode(&hmac_sha1(open_key.as_bytes(), string_to_sign.as_bytes()))
}

/// Percent-encodes a base64 text the way the vendor expects: `+`→`%2B`, `/`→`%2F`, `=`→`%3D`;
/// every other byte (letters and digits) as is.
pub fn percent_encode_base64(b64: &str) -> String {
    let mut out = String::with_capacity(b64.len() + 8);
    for c in b64.chars() {
        match c {
            '+' => out.push_str("%2B"),
            '/' => out.push_str("%2F"),
            '=' => out.push_str("%3D"),
            c => out.push(c),
        }
    }
    out
}

/// The Token as sent: percent-encoded base64 HMAC-SHA1. Base64 holds only
/// letters, digits, `+`, `/` and `=`, so the shared encoder keeping letters and
/// digits writes exactly [`percent_encode_base64`]'s text.
pub fn token(open_key: &str, string_to_sign: &str) -> String {
    token_of(&hmac_sha1(open_key.as_bytes(), string_to_sign.as_bytes()))
}

/// The Token for an HMAC-SHA1 already made: `percent_encode(Base64(mac))`.
pub fn token_of(mac: &[u8]) -> String {
    crate::core::encode::percent_encode(
        &base64_encode(mac),
        b"",
        crate::core::encode::Space::Percent,
    )
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const B2: Fields<'static> = Fields {
        open_id: "6dc05b4ac175cf316d226252b05cf685",
        grant_code: "782c281f62",
        timestamp: "1547186244",
        nonce: "658965",
    };

    #[test]
    fn b1_b2_b3_from_the_notes() {
        let b1 = Fields {
            open_id: "fake-open-id-for-test-only-0001",
            grant_code: "fake-grant-code-0001",
            timestamp: "1712563200",
            nonce: "24680",
        };
        let s = string_to_sign(&b1, false);
        assert_eq!(s, "grantCode=fake-grant-code-0001&nonce=24680&openId=fake-open-id-for-test-only-0001&timestamp=1712563200");
        assert_eq!(
            token("fake-open-key-for-test-only-0001", &s),
            "ySypL4SRFMmfSrCqOiFE01LK3ks%3D"
        );
        let s = string_to_sign(&B2, false);
        assert_eq!(
            token_base64("example-open-key-not-real", &s),
            "Pz+xK5sKJotGhD9N+8anWLECuNk="
        );
        assert_eq!(
            token("example-open-key-not-real", &s),
            "Pz%2BxK5sKJotGhD9N%2B8anWLECuNk%3D"
        );
        let s = string_to_sign(&B2, true);
        assert_eq!(s, "GrantCode=782c281f62&Nonce=658965&OpenId=6dc05b4ac175cf316d226252b05cf685&Timestamp=1547186244");
        assert_eq!(
            token("example-open-key-not-real", &s),
            "e%2FajQ0Gbkb8DHw01vXHyHb5qro8%3D"
        );
    }

    #[test]
    fn key_case_names() {
        assert_eq!(KeyCase::from_name("as_sent"), Some(KeyCase::AsSent));
        assert_eq!(KeyCase::from_name("Lower"), None);
        assert_eq!(KeyCase::default().as_str(), "lower");
    }

    proptest! {
        #[test]
        fn token_encoding_is_percent_encode_base64(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let b64 = crate::core::crypto::base64_encode(&bytes);
            prop_assert_eq!(
                crate::core::encode::percent_encode(&b64, b"", crate::core::encode::Space::Percent),
                percent_encode_base64(&b64)
            );
        }

        #[test]
        fn token_is_encoded_base64_of_20_bytes(key in ".*", nonce in 1u32..=u32::MAX) {
            let n = nonce.to_string();
            let s = string_to_sign(&Fields { nonce: &n, ..B2 }, false);
            let t = token(&key, &s);
            prop_assert!(t.ends_with("%3D"));
            prop_assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'%'));
            let decoded = t.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
            prop_assert_eq!(decoded.len(), 28);
            prop_assert_eq!(crate::core::crypto::base64_decode(&decoded).map(|b| b.len()), Some(20));
        }
    }
}
