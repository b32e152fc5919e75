//! Substring search by plain byte comparison. `str::split_once("…")`,
//! `contains("…")` and `replace("…", …)` go through core's two-way searcher,
//! which with its panic paths costs about 5 KB of wasm; the texts searched
//! here (a PEM key, a message) are short. `join` likewise skips std's
//! generic join.

/// The byte offset of the first `needle` in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    // A match of a whole UTF-8 needle starts and ends on char boundaries.
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay.split_once(sep)`.
pub fn split_once<'a>(hay: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let i = find(hay, sep)?;
    Some((hay.get(..i)?, hay.get(i + sep.len()..)?))
}

/// `hay.replace(from, to)` for a non-empty `from`.
pub fn replace(hay: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    while let Some((before, after)) = split_once(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(before);
        out.push_str(to);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `items.join(sep)`: a plain loop instead of std's `join_generic_copy`.
pub fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Whether every byte of `s` passes `ok` (true for `""`). One function for
/// every such check: each `bytes().all(closure)` is otherwise its own copy of
/// the iterator's `try_fold` in the wasm.
#[inline(never)]
pub fn all_bytes(s: &str, ok: fn(u8) -> bool) -> bool {
    for b in s.bytes() {
        if !ok(b) {
            return false;
        }
    }
    true
}

/// `s.chars().count()`: the bytes that start a character (core's counter is
/// a wide, unrolled loop of about 0.8 KB of wasm, for strings of a few hundred bytes here).
pub fn char_count(s: &str) -> usize {
    let mut n = 0;
    for b in s.bytes() {
        if b & 0xC0 != 0x80 {
            n += 1;
        }
    }
    n
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_str_methods() {
        let cases = [
            ("-----BEGIN KEY-----abc-----END KEY-----", "-----"),
            ("a\\nb\\n", "\\n"),
            ("", "x"),
            ("xx", "xx"),
            ("密钥：abc", "："),
            ("abc", "abcd"),
            ("aaa", "aa"),
        ];
        for (hay, needle) in cases {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay} {needle}");
            assert_eq!(split_once(hay, needle), hay.split_once(needle));
            assert_eq!(contains(hay, needle), hay.contains(needle));
            assert_eq!(replace(hay, needle, "+"), hay.replace(needle, "+"));
        }
    }

    #[test]
    fn joins_like_std() {
        let none: [&str; 0] = [];
        assert_eq!(join(&none, ", "), none.join(", "));
        assert_eq!(join(&["a"], ", "), "a");
        let owned = vec!["a".to_string(), String::new(), "c".to_string()];
        assert_eq!(join(&owned, "&"), owned.join("&"));
    }

    proptest::proptest! {
        #[test]
        fn all_bytes_is_all(s in ".{0,20}") {
            let digit = |b: u8| b.is_ascii_digit();
            proptest::prop_assert_eq!(all_bytes(&s, digit), s.bytes().all(digit));
        }

        #[test]
        fn counts_chars_like_std(s in ".{0,40}") {
            proptest::prop_assert_eq!(char_count(&s), s.chars().count());
        }

        #[test]
        fn agrees_on_random_text(hay in "[ab\\n-]{0,16}", needle in "[ab\\n-]{1,3}") {
            proptest::prop_assert_eq!(find(&hay, &needle), hay.find(needle.as_str()));
            proptest::prop_assert_eq!(split_once(&hay, &needle), hay.split_once(needle.as_str()));
            proptest::prop_assert_eq!(replace(&hay, &needle, "X"), hay.replace(needle.as_str(), "X"));
        }
    }
}
