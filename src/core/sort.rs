//! A stable insertion sort for the short lists a request has (its query
//! parameters, an envelope's fields). The standard library's sorts
//! (driftsort, pattern-defeating quicksort) cost about 6 KB of wasm per
//! element type; this costs a few dozen bytes. It is quadratic, so it is
//! only for lists of tens of items, not for data.

/// Sorts `v` in place, stably: `less(a, b)` is true when `a` goes before `b`.
pub fn sort_small<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 {
            match (v.get(j - 1), v.get(j)) {
                (Some(a), Some(b)) if less(b, a) => v.swap(j - 1, j),
                _ => break,
            }
            j -= 1;
        }
    }
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        sort_small(&mut v, |a, b| a.0 < b.0);
        assert_eq!(
            v,
            vec![(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]
        );
        let mut empty: Vec<u8> = Vec::new();
        sort_small(&mut empty, |a, b| a < b);
        assert!(empty.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_standard_sort(mut v: Vec<(u8, u16)>) {
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_small(&mut v, |a, b| a.0 < b.0);
            proptest::prop_assert_eq!(v, want);
        }
    }
}
