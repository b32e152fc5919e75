//! RSA key loading for Freemud: PEM or bare base64 DER, PKCS#8 or PKCS#1,
//! normalised to what WebCrypto imports (PKCS#8 for private keys, SPKI for
//! public keys). Nothing here does RSA arithmetic: the DER is parsed only far
//! enough to check that it is a well-formed RSA key, then wrapped.
//!
//! Every failure is a `config` error with fixed text: a key, or any part of
//! one, never appears in a message.

use crate::core::crypto::base64_decode;
use crate::core::error::{Error, Result};

const VENDOR: &str = "freemud";

/// DER of the OID 1.2.840.113549.1.1.1 (rsaEncryption), tag and length included.
const RSA_OID: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
];

/// Smallest modulus accepted. The vendor's rule is ≥ 2048 bits, but its own
/// older examples use 1024-bit keys, so those still load.
pub const MIN_MODULUS_BITS: usize = 1024;

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_NULL: u8 = 0x05;
const TAG_SEQUENCE: u8 = 0x30;

fn bad(what: &str) -> Error {
    Error::config(what.to_string()).with_vendor(VENDOR)
}

/// A minimal, fully checked DER reader over a byte slice.
struct Der<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Der { bytes, pos: 0 }
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// Reads one element with tag `tag`; returns its content.
    fn element(&mut self, tag: u8) -> Option<&'a [u8]> {
        if self.byte()? != tag {
            return None;
        }
        let first = self.byte()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None; // indefinite or absurd lengths are not DER
            }
            let mut len = 0usize;
            for _ in 0..n {
                len = len
                    .checked_mul(256)?
                    .checked_add(usize::from(self.byte()?))?;
            }
            if len < 0x80 {
                return None; // non-minimal length encoding
            }
            len
        };
        let end = self.pos.checked_add(len)?;
        let content = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(content)
    }

    /// A non-negative INTEGER's magnitude (leading zero dropped).
    fn unsigned(&mut self) -> Option<&'a [u8]> {
        let v = self.element(TAG_INTEGER)?;
        match v {
            [] => None,
            [first, ..] if first & 0x80 != 0 => None, // negative
            [0, rest @ ..] if rest.first().is_some_and(|b| b & 0x80 == 0) => None, // non-minimal
            [0, rest @ ..] => Some(rest),
            v => Some(v),
        }
    }

    /// A small non-negative INTEGER.
    fn small(&mut self) -> Option<u8> {
        match self.element(TAG_INTEGER)? {
            [v] if v & 0x80 == 0 => Some(*v),
            _ => None,
        }
    }
}

fn bit_length(magnitude: &[u8]) -> usize {
    let skip = magnitude.iter().take_while(|b| **b == 0).count();
    match magnitude.get(skip) {
        None => 0,
        Some(first) => (magnitude.len() - skip - 1) * 8 + (8 - first.leading_zeros() as usize),
    }
}

/// Checks a PKCS#1 `RSAPrivateKey` (two-prime, version 0).
fn check_pkcs1_private(der: &[u8]) -> Result<()> {
    let malformed = || bad("the RSA private key is malformed (truncated or corrupt DER)");
    let mut outer = Der::new(der);
    let seq = outer.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    if !outer.is_empty() {
        return Err(malformed());
    }
    let mut d = Der::new(seq);
    if d.small().ok_or_else(malformed)? != 0 {
        return Err(bad("multi-prime RSA private keys are not supported"));
    }
    let modulus = d.unsigned().ok_or_else(malformed)?;
    for _ in 0..7 {
        d.unsigned().ok_or_else(malformed)?; // e, d, p, q, dp, dq, qinv
    }
    if !d.is_empty() {
        return Err(malformed());
    }
    if bit_length(modulus) < MIN_MODULUS_BITS {
        return Err(bad(
            "the RSA key is too short (at least 1024 bits; Freemud asks for 2048)",
        ));
    }
    Ok(())
}

/// Checks a PKCS#1 `RSAPublicKey`.
fn check_pkcs1_public(der: &[u8]) -> Result<()> {
    let malformed = || bad("the RSA public key is malformed (truncated or corrupt DER)");
    let mut outer = Der::new(der);
    let seq = outer.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    let mut d = Der::new(seq);
    let modulus = d.unsigned().ok_or_else(malformed)?;
    d.unsigned().ok_or_else(malformed)?;
    if !outer.is_empty() || !d.is_empty() {
        return Err(malformed());
    }
    if bit_length(modulus) < MIN_MODULUS_BITS {
        return Err(bad("the RSA public key is too short (at least 1024 bits)"));
    }
    Ok(())
}

/// Reads an `AlgorithmIdentifier` and checks it is rsaEncryption (NULL or absent parameters).
fn check_rsa_algorithm(alg: &[u8], what: &str) -> Result<()> {
    let not_rsa = || {
        bad(&format!(
            "the {what} is not an RSA key (only RSA keys can sign for Freemud)"
        ))
    };
    let rest = alg.strip_prefix(&RSA_OID[..]).ok_or_else(not_rsa)?;
    match rest {
        [] | [TAG_NULL, 0] => Ok(()),
        _ => Err(not_rsa()),
    }
}

/// Returns the PKCS#1 key inside a PKCS#8 `PrivateKeyInfo`, checked.
fn unwrap_pkcs8(der: &[u8]) -> Result<&[u8]> {
    let malformed = || bad("the private key is malformed (truncated or corrupt DER)");
    let mut outer = Der::new(der);
    let seq = outer.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    if !outer.is_empty() {
        return Err(malformed());
    }
    let mut d = Der::new(seq);
    let version = d.small().ok_or_else(malformed)?;
    if version > 1 {
        return Err(malformed());
    }
    let alg = d.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    check_rsa_algorithm(alg, "private key")?;
    let inner = d.element(TAG_OCTET_STRING).ok_or_else(malformed)?;
    // Optional [0] attributes / [1] public key follow; they are not needed.
    check_pkcs1_private(inner)?;
    Ok(inner)
}

fn der_len(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

fn der_element(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    der_len(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

fn rsa_algorithm_identifier() -> Vec<u8> {
    let mut alg = RSA_OID.to_vec();
    alg.extend_from_slice(&[TAG_NULL, 0]);
    der_element(TAG_SEQUENCE, &alg)
}

/// Wraps a PKCS#1 `RSAPrivateKey` into a PKCS#8 `PrivateKeyInfo` (what WebCrypto imports).
pub fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Vec<u8> {
    let mut body = vec![TAG_INTEGER, 1, 0];
    body.extend_from_slice(&rsa_algorithm_identifier());
    body.extend_from_slice(&der_element(TAG_OCTET_STRING, pkcs1));
    der_element(TAG_SEQUENCE, &body)
}

/// Wraps a PKCS#1 `RSAPublicKey` into an X.509 `SubjectPublicKeyInfo`.
pub fn pkcs1_public_to_spki(pkcs1: &[u8]) -> Vec<u8> {
    let mut bits = vec![0u8];
    bits.extend_from_slice(pkcs1);
    let mut body = rsa_algorithm_identifier();
    body.extend_from_slice(&der_element(TAG_BIT_STRING, &bits));
    der_element(TAG_SEQUENCE, &body)
}

/// `text` with `\n` as a line break, `\r` dropped and any other backslash kept:
/// `text.replace("\\n", "\n").replace("\\r", "")`, split on the one byte instead,
/// because a `&str` pattern brings core's two-way searcher and its panic path into
/// the wasm (~2 KB gzip with the other such searches, docs/size.md).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, piece) in text.split('\\').enumerate() {
        let piece = match (i, piece.as_bytes().first()) {
            (0, _) => piece,
            (_, Some(b'n')) => {
                out.push('\n');
                piece.get(1..).unwrap_or_default()
            }
            (_, Some(b'r')) => piece.get(1..).unwrap_or_default(),
            _ => {
                out.push('\\');
                piece
            }
        };
        out.push_str(piece);
    }
    out
}

/// Which PEM label a text carries, and its decoded DER.
enum Pem {
    Labelled(String, Vec<u8>),
    Bare(Vec<u8>),
}

/// Reads PEM (`-----BEGIN …-----`) or bare base64. Literal `\n` sequences
/// (keys pasted into environment variables) count as line breaks.
fn decode_text(text: &str, what: &str) -> Result<Pem> {
    let unescaped = unescape(text);
    let text = unescaped.trim();
    let not_key = || bad(&format!("the {what} is neither PEM nor base64 DER"));
    // `s.split_once(marker)` for a non-empty marker, by a byte-window search.
    fn split<'a>(s: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
        let at = s
            .as_bytes()
            .windows(marker.len())
            .position(|w| w == marker.as_bytes())?;
        Some((s.get(..at)?, s.get(at + marker.len()..)?))
    }
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let (label, rest) = split(rest, "-----").ok_or_else(not_key)?;
        let end = format!("-----END {label}-----");
        let (body, tail) = split(rest, &end).ok_or_else(not_key)?;
        if !tail.trim().is_empty() {
            return Err(bad(&format!("the {what} has text after its PEM END line")));
        }
        if body.contains(':') {
            return Err(bad(&format!(
                "encrypted PEM {what}s are not supported; decrypt it first"
            )));
        }
        let der = base64_decode(body).ok_or_else(not_key)?;
        return Ok(Pem::Labelled(label.to_string(), der));
    }
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b) || b.is_ascii_whitespace())
    {
        return Err(not_key());
    }
    base64_decode(text).map(Pem::Bare).ok_or_else(not_key)
}

/// Loads a private key (PEM or bare base64 DER; PKCS#8 or PKCS#1) and returns
/// it as PKCS#8 DER.
pub fn load_private_key(text: &str) -> Result<Vec<u8>> {
    match decode_text(text, "private key")? {
        Pem::Labelled(label, der) => match label.as_str() {
            "PRIVATE KEY" => unwrap_pkcs8(&der).map(|_| ()).map(|()| der),
            "RSA PRIVATE KEY" => check_pkcs1_private(&der).map(|()| pkcs1_to_pkcs8(&der)),
            "ENCRYPTED PRIVATE KEY" => Err(bad("encrypted private keys are not supported; export it unencrypted (PKCS#8 or PKCS#1)")),
            "PUBLIC KEY" | "RSA PUBLIC KEY" => Err(bad("`privateKey` holds a public key; give the private key")),
            _ => Err(bad("the private key PEM must be `PRIVATE KEY` (PKCS#8) or `RSA PRIVATE KEY` (PKCS#1)")),
        },
        // Bare DER: a PKCS#8 PrivateKeyInfo starts SEQUENCE { INTEGER, SEQUENCE …
        // a PKCS#1 RSAPrivateKey starts SEQUENCE { INTEGER, INTEGER …; try PKCS#8 first.
        Pem::Bare(der) => match unwrap_pkcs8(&der).map(|_| ()) {
            Ok(()) => Ok(der),
            Err(pkcs8_err) => match check_pkcs1_private(&der) {
                Ok(()) => Ok(pkcs1_to_pkcs8(&der)),
                // Report the PKCS#8 reason when the DER looked like PKCS#8 (e.g. an EC key).
                Err(e) if looks_like_pkcs8(&der) => Err(if pkcs8_err.message.ends_with("(only RSA keys can sign for Freemud)") { pkcs8_err } else { e }),
                Err(e) => Err(e),
            },
        },
    }
}

fn looks_like_pkcs8(der: &[u8]) -> bool {
    let mut outer = Der::new(der);
    let Some(seq) = outer.element(TAG_SEQUENCE) else {
        return false;
    };
    let mut d = Der::new(seq);
    d.small().is_some() && d.element(TAG_SEQUENCE).is_some()
}

/// Checks an SPKI and that it holds an RSA key.
fn check_spki(der: &[u8]) -> Result<()> {
    let malformed = || bad("the public key is malformed (truncated or corrupt DER)");
    let mut outer = Der::new(der);
    let seq = outer.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    if !outer.is_empty() {
        return Err(malformed());
    }
    let mut d = Der::new(seq);
    let alg = d.element(TAG_SEQUENCE).ok_or_else(malformed)?;
    check_rsa_algorithm(alg, "public key")?;
    let bits = d.element(TAG_BIT_STRING).ok_or_else(malformed)?;
    if !d.is_empty() {
        return Err(malformed());
    }
    match bits {
        [0, key @ ..] => check_pkcs1_public(key),
        _ => Err(malformed()),
    }
}

/// Loads a public key (PEM `PUBLIC KEY` / `RSA PUBLIC KEY`, or bare base64
/// SPKI or PKCS#1 DER) and returns it as SPKI DER.
pub fn load_public_key(text: &str) -> Result<Vec<u8>> {
    match decode_text(text, "public key")? {
        Pem::Labelled(label, der) => match label.as_str() {
            "PUBLIC KEY" => check_spki(&der).map(|()| der),
            "RSA PUBLIC KEY" => check_pkcs1_public(&der).map(|()| pkcs1_public_to_spki(&der)),
            _ => Err(bad(
                "the public key PEM must be `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1)",
            )),
        },
        Pem::Bare(der) => match check_spki(&der) {
            Ok(()) => Ok(der),
            Err(spki_err) => check_pkcs1_public(&der)
                .map(|()| pkcs1_public_to_spki(&der))
                .map_err(|_| spki_err),
        },
    }
}

// Native only: proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod unescape_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // std's `replace` is the spec; backslashes, `n`, `r` and a non-ASCII
        // character are the interesting bytes.
        #[test]
        fn unescape_is_std_replace(text in "[\\\\nrx\n é]{0,24}") {
            prop_assert_eq!(unescape(&text), text.replace("\\n", "\n").replace("\\r", ""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_round_trips() {
        // A fake 1024-bit PKCS#1 key: version 0 and 8 integers.
        let mut ints = vec![TAG_INTEGER, 1, 0];
        let mut n = vec![0u8];
        n.extend(std::iter::repeat_n(0xffu8, 128));
        ints.extend(der_element(TAG_INTEGER, &n));
        for _ in 0..7 {
            ints.extend(der_element(TAG_INTEGER, &[3]));
        }
        let pkcs1 = der_element(TAG_SEQUENCE, &ints);
        assert!(check_pkcs1_private(&pkcs1).is_ok());
        let pkcs8 = pkcs1_to_pkcs8(&pkcs1);
        assert_eq!(unwrap_pkcs8(&pkcs8).ok(), Some(&pkcs1[..]));
        let mut short = pkcs8.clone();
        short.truncate(pkcs8.len() - 1);
        assert!(unwrap_pkcs8(&short).is_err());
    }

    #[test]
    fn garbage_never_panics_and_never_echoes() {
        for text in [
            "",
            "-----BEGIN PRIVATE KEY-----",
            "MIIE",
            "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
            "secret-ish text",
            "\u{0}\u{1}",
            "MA==",
            "MIAwgA==",
        ] {
            let e = load_private_key(text).err();
            assert!(
                e.as_ref()
                    .is_some_and(|e| e.code == crate::core::error::ErrorCode::Config),
                "{text:?}"
            );
            assert!(e.is_some_and(|e| text.len() < 5 || !e.message.contains(text)));
            assert!(load_public_key(text).is_err());
        }
    }

    #[test]
    fn lengths_encode_minimally() {
        let mut out = Vec::new();
        der_len(300, &mut out);
        assert_eq!(out, vec![0x82, 0x01, 0x2c]);
        assert_eq!(bit_length(&[0x01, 0x00]), 9);
    }
}
