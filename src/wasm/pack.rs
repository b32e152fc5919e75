//! Several strings handed to JS as one (`unpack` in `pkg-template/wasm_imports.js` reads it): char 0 a
//! flags word, char 1 the number of parts, then each part's length in UTF-16 units as two 15-bit chars
//! (high, low), then the parts. One string crossing the boundary is one UTF-8 decode in the glue; a
//! signed request as separate strings was 20 decodes, and as JSON text a `JSON.parse` (1.2 µs in Node
//! for a Kingdee request, against 0.8 µs to decode and slice this: docs/benchmarks.md).

/// Flags and parts (at most 32,767 parts, each shorter than 2^30 UTF-16 units) as one string.
pub fn pack(flags: u16, parts: &[&str]) -> String {
    let mut size = 2 + 6 * parts.len();
    for p in parts {
        size += p.len();
    }
    let mut out = String::with_capacity(size);
    push_unit(&mut out, u32::from(flags));
    push_unit(&mut out, parts.len() as u32);
    for p in parts {
        let n = utf16_len(p);
        push_unit(&mut out, n >> 15);
        push_unit(&mut out, n & 0x7fff);
    }
    for p in parts {
        out.push_str(p);
    }
    out
}

/// A value below 2^15 as one char (never a surrogate: those start at 0xD800).
fn push_unit(out: &mut String, v: u32) {
    out.push(char::from_u32(v & 0x7fff).unwrap_or('\0'));
}

/// The length of `s` in UTF-16 code units, as JS counts it.
fn utf16_len(s: &str) -> u32 {
    let n = if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    };
    n as u32
}

/// The parts of a string packed the same way by JS (`pack` in
/// `pkg-template/wasm_imports.js`); `None` if it is not such a string.
pub fn unpack(packed: &str) -> Option<Vec<&str>> {
    let mut head = packed.chars();
    let _flags = head.next()?;
    let n = head.next()? as usize;
    let mut lens = Vec::with_capacity(n);
    for _ in 0..n {
        let hi = head.next()? as usize;
        let lo = head.next()? as usize;
        lens.push((hi << 15) | lo);
    }
    let mut rest = head.as_str();
    let mut parts = Vec::with_capacity(n);
    for units in lens {
        let (part, tail) = split_utf16(rest, units)?;
        parts.push(part);
        rest = tail;
    }
    rest.is_empty().then_some(parts)
}

/// `s` split after `units` UTF-16 code units.
fn split_utf16(s: &str, units: usize) -> Option<(&str, &str)> {
    // Most parts are ASCII, where a unit is a byte.
    if let Some(head) = s.get(..units) {
        if head.is_ascii() {
            return Some((head, s.get(units..)?));
        }
    }
    let mut seen = 0;
    for (at, c) in s.char_indices() {
        if seen == units {
            return Some((s.get(..at)?, s.get(at..)?));
        }
        seen += c.len_utf16();
    }
    (seen == units).then_some((s, ""))
}
