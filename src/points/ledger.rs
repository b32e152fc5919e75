//! The ledger in points terms: the query, one page of entries, the opaque
//! cursor, and the page arithmetic that turns a vendor silently dropping rows
//! into an error instead of a shorter history.

use super::Member;
use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::vendors::params::{is_datetime, Params};

/// Rows per vendor page when the caller does not say (every vendor allows 100).
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// The most rows a page may ask for (Kingdee truncates larger pages silently).
pub const MAX_PAGE_SIZE: i64 = 100;

/// A ledger query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerQuery {
    /// Whose ledger.
    pub member: Member,
    /// From, inclusive, `yyyy-MM-dd HH:mm:ss` China Standard Time.
    pub from: Option<String>,
    /// To, inclusive, `yyyy-MM-dd HH:mm:ss` China Standard Time.
    pub to: Option<String>,
    /// Rows per vendor page.
    pub page_size: i64,
    /// Stop after this many entries (the iterator only).
    pub limit: Option<u64>,
    /// Page to start at (from the cursor; 1 without one).
    pub page: i64,
}

/// `yyyy-MM-dd`, `yyyy-MM-dd HH:mm:ss` or `yyyy-MM-ddTHH:mm:ss[+08:00]` →
/// `yyyy-MM-dd HH:mm:ss`; a bare date is the start of the day for `from`
/// and its end for `to`.
fn bound(p: &Params, key: &str, end_of_day: bool) -> Result<Option<String>> {
    let Some(v) = p.opt_nonempty(key)? else {
        return Ok(None);
    };
    let bad = || {
        Error::invalid_input(format!(
            "`{key}` must be `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss` (China Standard Time)"
        ))
    };
    let v = v.strip_suffix("+08:00").unwrap_or(&v);
    let full = if v.len() == 10 {
        format!("{v} {}", if end_of_day { "23:59:59" } else { "00:00:00" })
    } else if v.len() == 19 && v.as_bytes().get(10) == Some(&b'T') {
        // The `T` at 10 becomes a space. (An earlier `T` fails the check
        // below either way, as it did when the first `T` was replaced.)
        let mut s = String::with_capacity(19);
        s.push_str(v.get(..10).unwrap_or_default());
        s.push(' ');
        s.push_str(v.get(11..).unwrap_or_default());
        s
    } else {
        v.to_string()
    };
    if is_datetime(&full) {
        Ok(Some(full))
    } else {
        Err(bad())
    }
}

impl LedgerQuery {
    /// Reads `{ member, from?, to?, pageSize?, limit?, cursor? }`; `cursor`
    /// only where `paged` (`ledgerPage`), `limit` only where not.
    pub fn from_json(j: &Json, paged: bool) -> Result<LedgerQuery> {
        let p = Params::new(j)?;
        let last = if paged { "cursor" } else { "limit" };
        p.only(&["member", "from", "to", "pageSize", last])?;
        let member = Member::from_json(p.get("member"))?;
        let from = bound(&p, "from", false)?;
        let to = bound(&p, "to", true)?;
        if let (Some(f), Some(t)) = (&from, &to) {
            if f > t {
                return Err(Error::invalid_input("`from` is after `to`"));
            }
        }
        let page_size = p
            .opt_int_in("pageSize", 1, MAX_PAGE_SIZE)?
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let limit = p
            .opt_int_in("limit", 1, i64::from(u32::MAX))?
            .and_then(|l| u64::try_from(l).ok());
        let page = match p.opt_nonempty("cursor")? {
            Some(c) if paged => decode_cursor(&c)?,
            _ => 1,
        };
        Ok(LedgerQuery {
            member,
            from,
            to,
            page_size,
            limit,
            page,
        })
    }

    /// Whether a `yyyy-MM-dd HH:mm:ss` time is inside the range.
    pub fn contains(&self, at: &str) -> bool {
        self.from.as_deref().is_none_or(|f| at >= f) && self.to.as_deref().is_none_or(|t| at <= t)
    }
}

/// The cursor for `page`: opaque to callers, checked when it comes back.
pub fn encode_cursor(page: i64) -> String {
    format!("p{page}")
}

/// The page a cursor names.
pub fn decode_cursor(c: &str) -> Result<i64> {
    c.strip_prefix('p')
        .filter(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| Error::invalid_input("`cursor` is not one this library returned"))
}

/// One page of the ledger, in points terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Entries, newest first: `{ id, at, delta, balanceAfter?, type: { code, name }, raw }`.
    pub entries: Vec<Json>,
    /// The next page to ask for, if any.
    pub next: Option<i64>,
}

/// A vendor's page as numbers, before mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arithmetic {
    /// The page number the vendor answered for.
    pub page: i64,
    /// The page size asked for.
    pub page_size: i64,
    /// The vendor's total across all pages.
    pub total: i64,
    /// Rows on this page.
    pub rows: usize,
}

impl Arithmetic {
    /// Checks the rows against the total, and says which page comes next.
    /// A page with fewer (or more) rows than `total` implies is an error: the
    /// vendor dropped rows, or the pages do not add up.
    pub fn check(self, vendor: &'static str) -> Result<Option<i64>> {
        let before = self.page.saturating_sub(1).saturating_mul(self.page_size);
        let expected = self.total.saturating_sub(before).clamp(0, self.page_size);
        let rows = i64::try_from(self.rows).unwrap_or(i64::MAX);
        if rows != expected {
            return Err(Error::parse(format!(
                "ledger page {} has {rows} rows where the vendor's total of {} implies {expected} (page size {}): rows were dropped or the pages do not add up",
                self.page, self.total, self.page_size
            ))
            .with_vendor(vendor));
        }
        Ok((before + rows < self.total).then_some(self.page + 1))
    }
}

/// One entry in points terms.
pub fn entry(
    id: String,
    at: &str,
    delta: i64,
    balance_after: Option<i64>,
    code: String,
    name: String,
    raw: Json,
) -> Json {
    Json::object([
        ("id", Some(Json::String(id))),
        ("at", Some(super::iso_time(at))),
        ("delta", Some(Json::int(delta))),
        ("balanceAfter", balance_after.map(Json::int)),
        (
            "type",
            Some(Json::object([
                ("code", Some(Json::String(code))),
                ("name", Some(Json::String(name))),
            ])),
        ),
        ("raw", Some(raw)),
    ])
}

/// Rows of a page: a missing list is an empty page, anything else but an array is an error.
pub fn rows<'a>(raw: &'a Json, key: &str, vendor: &'static str) -> Result<&'a [Json]> {
    match raw.get_present(key) {
        None => Ok(&[]),
        Some(r) => r.as_array().ok_or_else(|| {
            Error::parse(format!("ledger `{key}` is not an array")).with_vendor(vendor)
        }),
    }
}

/// A vendor page's rows (under `rows_key`), checked against its total (under
/// `total_key`), with the page to ask for next.
pub fn checked_rows<'a>(
    raw: &'a Json,
    rows_key: &str,
    total_key: &str,
    q: &LedgerQuery,
    page: i64,
    vendor: &'static str,
) -> Result<(&'a [Json], Option<i64>)> {
    let rows = rows(raw, rows_key, vendor)?;
    let next = Arithmetic {
        page,
        page_size: q.page_size,
        total: total(raw, total_key, vendor)?,
        rows: rows.len(),
    }
    .check(vendor)?;
    Ok((rows, next))
}

/// The total a page reports.
pub fn total(raw: &Json, key: &str, vendor: &'static str) -> Result<i64> {
    super::int(raw, key)
        .filter(|&t| t >= 0)
        .ok_or_else(|| Error::parse(format!("ledger reply lacks `{key}`")).with_vendor(vendor))
}

// Native only: proptest and base64 are native dev-dependencies, and `wasm-pack test`
// builds every test target for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `from` (`end_of_day` false) or `to` (true) read from `v`.
    fn read(v: &str, end_of_day: bool) -> Result<Option<String>> {
        let key = if end_of_day { "to" } else { "from" };
        let j = Json::Object(vec![(key.into(), Json::str(v))]);
        let p = Params::new(&j).unwrap_or_else(|_| unreachable!());
        bound(&p, key, end_of_day)
    }

    /// The forms the README (`from`/`to` take `yyyy-MM-dd` or `yyyy-MM-dd
    /// HH:mm:ss`, China Standard Time), index.d.ts (`LedgerDate`) and
    /// `LedgerQuery::from_json` (ISO 8601 with a `T`, optionally `+08:00`) document.
    #[test]
    fn the_documented_forms_read_as_documented() {
        for (v, from, to) in [
            ("2024-01-02", "2024-01-02 00:00:00", "2024-01-02 23:59:59"),
            (
                "2024-01-02 03:04:05",
                "2024-01-02 03:04:05",
                "2024-01-02 03:04:05",
            ),
            (
                "2024-01-02T03:04:05",
                "2024-01-02 03:04:05",
                "2024-01-02 03:04:05",
            ),
            (
                "2024-01-02T03:04:05+08:00",
                "2024-01-02 03:04:05",
                "2024-01-02 03:04:05",
            ),
            (
                "2024-12-31T23:59:59+08:00",
                "2024-12-31 23:59:59",
                "2024-12-31 23:59:59",
            ),
        ] {
            assert_eq!(read(v, false).unwrap().as_deref(), Some(from), "{v}");
            assert_eq!(read(v, true).unwrap().as_deref(), Some(to), "{v}");
        }
        // Given but empty is a mistake, not "no bound".
        let e = read("", false).unwrap_err();
        assert_eq!(e.message, "`from` must not be empty");
    }

    #[test]
    fn other_forms_are_refused_with_the_accepted_ones_named() {
        for v in [
            "x",
            "2024/01/02",
            "2024-1-2",
            "2024-13-02T03:04:05",
            "2024-01-02T24:00:00",
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05+09:00",
            "2024-01-02T03:04:05.000+08:00",
            "T024-01-02T03:04:05",
            "2024-01-0TT03:04:05",
            "2024-01-02T03:04:0T",
            "2024-01-02t03:04:05",
            " 2024-01-02",
        ] {
            for end in [false, true] {
                let e = read(v, end).unwrap_err();
                assert_eq!(e.code, crate::core::error::ErrorCode::InvalidInput, "{v}");
                assert!(
                    e.message
                        .contains("must be `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss`"),
                    "{v}: {}",
                    e.message
                );
                assert!(
                    !e.message.contains(v.trim()),
                    "the value is not echoed: {v}"
                );
            }
        }
    }

    /// A valid `yyyy-MM-dd` and `HH:mm:ss` (the calendar is not checked: the
    /// vendors' own fields are not either).
    fn date_time() -> impl Strategy<Value = (String, String)> {
        (
            0u32..=9999,
            1u32..=12,
            1u32..=31,
            0u32..=23,
            0u32..=59,
            0u32..=59,
        )
            .prop_map(|(y, mo, d, h, mi, s)| {
                (
                    format!("{y:04}-{mo:02}-{d:02}"),
                    format!("{h:02}:{mi:02}:{s:02}"),
                )
            })
    }

    proptest! {
        /// Every spelling of one moment reads as that moment, at either end.
        #[test]
        fn every_spelling_of_a_moment_reads_as_it((date, time) in date_time(), end in any::<bool>()) {
            let want = format!("{date} {time}");
            for v in [
                want.clone(),
                format!("{date}T{time}"),
                format!("{date}T{time}+08:00"),
            ] {
                prop_assert_eq!(read(&v, end).unwrap(), Some(want.clone()), "{}", v);
            }
        }

        /// A bare date is its day's first second as `from`, its last as `to`.
        #[test]
        fn a_date_is_the_whole_day((date, _) in date_time()) {
            prop_assert_eq!(read(&date, false).unwrap(), Some(format!("{date} 00:00:00")));
            prop_assert_eq!(read(&date, true).unwrap(), Some(format!("{date} 23:59:59")));
        }

        /// Whatever is given, what is accepted is a valid `yyyy-MM-dd HH:mm:ss`
        /// of the same day, and reads back as itself.
        #[test]
        fn what_is_accepted_is_canonical(v in "[0-9T :+-]{0,26}|20[0-9]{2}-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\+08:00)?", end in any::<bool>()) {
            if let Ok(Some(x)) = read(&v, end) {
                prop_assert!(is_datetime(&x), "{} -> {}", v, x);
                prop_assert_eq!(x.get(..10), v.get(..10));
                prop_assert_eq!(read(&x, end).unwrap(), Some(x.clone()));
                prop_assert_eq!(read(&x, !end).unwrap(), Some(x.clone()));
            }
        }
    }
}
