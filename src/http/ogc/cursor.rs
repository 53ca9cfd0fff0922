//! Keyset paging over the catalogue order (event_date, id): a `next` link carries the key of
//! the page's last incident ("after this"), a `prev` link the key of the incident before the
//! page ("up to this"). Unlike an offset, a key still points at the same place when incidents
//! are added or removed between two requests, so walking the `next` links never skips or
//! repeats an incident that was there throughout.
//!
//! On the wire a cursor is opaque: `n` or `p` and the key's UTF-8 bytes in hex.

use std::ops::Range;

use chrono::NaiveDate;

use crate::http::ApiError;
use crate::incidents::Catalog;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    /// incidents after (event_date, id), the first `limit` of them
    After(NaiveDate, String),
    /// incidents up to and including (event_date, id), the last `limit` of them
    Through(NaiveDate, String),
}

/// Longest cursor accepted (an id is at most a few hundred bytes).
const MAX_LEN: usize = 2048;

fn invalid(detail: &str) -> ApiError {
    ApiError::bad_request(
        "invalid cursor",
        format!("{detail}; use the cursor of a next or prev link as it is"),
    )
}

impl Cursor {
    pub fn encode(&self) -> String {
        let (tag, date, id) = match self {
            Cursor::After(d, id) => ('n', d, id),
            Cursor::Through(d, id) => ('p', d, id),
        };
        let key = format!("{}/{id}", date.format("%Y-%m-%d"));
        let mut out = String::with_capacity(1 + 2 * key.len());
        out.push(tag);
        for b in key.bytes() {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    pub fn parse(s: &str) -> Result<Cursor, ApiError> {
        if s.len() > MAX_LEN || !s.is_ascii() {
            return Err(invalid("not a cursor of this API"));
        }
        let (tag, hex) = s.split_at(s.len().min(1));
        if hex.len() % 2 != 0 {
            return Err(invalid("not a cursor of this API"));
        }
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| invalid("not a cursor of this API"))?;
        let key = String::from_utf8(bytes).map_err(|_| invalid("not a cursor of this API"))?;
        let (date, id) = key
            .split_once('/')
            .ok_or_else(|| invalid("not a cursor of this API"))?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| invalid("not a cursor of this API"))?;
        match tag {
            "n" => Ok(Cursor::After(date, id.to_string())),
            "p" => Ok(Cursor::Through(date, id.to_string())),
            _ => Err(invalid("not a cursor of this API")),
        }
    }

    /// The next page's cursor after the incident at `idx`.
    pub fn after(catalog: &Catalog, idx: u32) -> Cursor {
        Cursor::After(catalog.event_date(idx), catalog.id(idx).to_string())
    }

    /// The previous page's cursor, ending with the incident at `idx`.
    pub fn through(catalog: &Catalog, idx: u32) -> Cursor {
        Cursor::Through(catalog.event_date(idx), catalog.id(idx).to_string())
    }
}

/// The range of `matched` (positions in catalogue order) that a page of `limit` starting at
/// `cursor` covers.
pub fn page(
    catalog: &Catalog,
    matched: &[u32],
    cursor: Option<&Cursor>,
    limit: usize,
) -> Range<usize> {
    let key = |idx: u32| (catalog.event_date(idx), catalog.id(idx));
    match cursor {
        None => 0..limit.min(matched.len()),
        Some(Cursor::After(d, id)) => {
            let start = matched.partition_point(|&i| key(i) <= (*d, id.as_str()));
            start..(start + limit).min(matched.len())
        }
        Some(Cursor::Through(d, id)) => {
            let end = matched.partition_point(|&i| key(i) <= (*d, id.as_str()));
            end.saturating_sub(limit)..end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    fn ids(cat: &Catalog, matched: &[u32], r: Range<usize>) -> Vec<String> {
        matched[r].iter().map(|&i| cat.id(i).to_string()).collect()
    }

    #[test]
    fn encodes_and_rejects() {
        let d = NaiveDate::from_ymd_opt(2025, 11, 24).expect("date");
        for c in [
            Cursor::After(d, "SYR-2025-0001".into()),
            Cursor::Through(d, "a/b ü".into()),
        ] {
            let s = c.encode();
            assert!(s.chars().all(|c| c.is_ascii_alphanumeric()), "{s}");
            assert_eq!(Cursor::parse(&s).expect("round trip"), c);
        }
        for bad in [
            "",
            "n",
            "x3230",
            "nzz",
            "n323",
            "n2f",
            "n323032352d31312d3234",
        ] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn walking_next_links_survives_concurrent_inserts() {
        let day = |n: u32| format!("2025-01-{:02}", 1 + n % 28);
        let before = Catalog::new(
            (0..50)
                .map(|n| sample(&format!("A-{n:03}"), 36.0, 35.0, &day(n)))
                .collect(),
        );
        let all: Vec<u32> = (0..before.len() as u32).collect();
        let first = page(&before, &all, None, 7);
        let mut seen = ids(&before, &all, first.clone());
        let mut cursor = Cursor::after(&before, all[first.end - 1]);

        // incidents arrive before and after the cursor, on the same days too
        let mut grown = before.incidents();
        grown.extend((0..30).map(|n| sample(&format!("B-{n:03}"), 36.0, 35.0, &day(n * 3))));
        let after = Catalog::new(grown);
        let all: Vec<u32> = (0..after.len() as u32).collect();
        loop {
            let r = page(&after, &all, Some(&cursor), 7);
            if r.is_empty() {
                break;
            }
            seen.extend(ids(&after, &all, r.clone()));
            cursor = Cursor::after(&after, all[r.end - 1]);
        }
        let old: Vec<String> = seen
            .iter()
            .filter(|s| s.starts_with("A-"))
            .cloned()
            .collect();
        let mut expected: Vec<String> = before.incidents().iter().map(|i| i.id.clone()).collect();
        expected.sort();
        let mut got = old.clone();
        got.sort();
        assert_eq!(got, expected, "every old incident exactly once");
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no repeats");
    }

    #[test]
    fn prev_is_the_page_before() {
        let cat = Catalog::new(
            (0..20)
                .map(|n| sample(&format!("I-{n:02}"), 36.0, 35.0, "2025-01-01"))
                .collect(),
        );
        let matched: Vec<u32> = (0..20).filter(|n| n % 2 == 0).collect();
        let p1 = page(&cat, &matched, None, 3);
        let p2 = page(
            &cat,
            &matched,
            Some(&Cursor::after(&cat, matched[p1.end - 1])),
            3,
        );
        assert_eq!(p2, 3..6);
        let back = page(
            &cat,
            &matched,
            Some(&Cursor::through(&cat, matched[p2.start - 1])),
            3,
        );
        assert_eq!(back, p1);
        let last = page(&cat, &matched, Some(&Cursor::after(&cat, matched[9])), 3);
        assert!(last.is_empty());
    }
}
