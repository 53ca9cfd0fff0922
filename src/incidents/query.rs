//! Filters over the catalogue: bbox, governorate, date interval, event type, paging.
//!
//! Parameters arrive as text (HTTP query string or CLI flags) and are validated here, once, so
//! that every front door rejects the same bad input with the same message.

use chrono::{Datelike, NaiveDate};
use geo::Intersects;

use super::index::{Catalog, Row};
use super::model::Review;
use super::taxonomy;
use crate::gazetteer::Gazetteer;

/// Bad filter input: which parameter and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{param}: {detail}")]
pub struct QueryError {
    pub param: String,
    pub detail: String,
}

fn err(param: &str, detail: impl Into<String>) -> QueryError {
    QueryError {
        param: param.to_string(),
        detail: detail.into(),
    }
}

/// A closed interval of days; `None` is an open end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl DateRange {
    /// True when [first, last] shares at least one day with the range.
    pub fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.start.is_none_or(|s| last >= s) && self.end.is_none_or(|e| first <= e)
    }
}

/// Upper bound for `limit`.
pub const MAX_LIMIT: usize = 100_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// minLon, minLat, maxLon, maxLat in degrees (WGS84)
    pub bbox: Option<[f64; 4]>,
    /// a governorate id, checked against the gazetteer
    pub region: Option<String>,
    pub datetime: Option<DateRange>,
    /// canonical ACLED names; empty means any
    pub event_types: Vec<&'static str>,
    /// curated and/or extracted; empty means both
    pub review: Vec<Review>,
    /// exact governorate names as stored (English or Arabic); empty means any
    pub admin1: Vec<String>,
    /// exact actor1 values; empty means any
    pub actor1: Vec<String>,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// The filter parameters every listing accepts.
pub const FILTER_PARAMS: &[&str] = &[
    "bbox",
    "region",
    "datetime",
    "event_type",
    "review",
    "admin1",
    "actor1",
    "limit",
    "offset",
];

impl Filter {
    /// Parses `key=value` pairs. Keys outside `FILTER_PARAMS` and `extra` are an error (a typo
    /// must not silently widen a query); `extra` keys are left for the caller.
    pub fn parse(
        pairs: &[(String, String)],
        gazetteer: &Gazetteer,
        extra: &[&str],
    ) -> Result<Filter, QueryError> {
        let mut filter = Filter::default();
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in pairs {
            if seen.contains(&key.as_str()) {
                return Err(err(key, "given more than once; give it once"));
            }
            seen.push(key);
            match key.as_str() {
                "bbox" => filter.bbox = Some(parse_bbox(value)?),
                "region" => filter.region = Some(parse_region(value, gazetteer)?),
                "datetime" => filter.datetime = parse_datetime(value)?,
                "event_type" => filter.event_types = parse_event_types(value)?,
                "review" => filter.review = parse_review(value)?,
                "admin1" => filter.admin1 = parse_list("admin1", value)?,
                "actor1" => filter.actor1 = parse_list("actor1", value)?,
                "limit" => filter.limit = Some(parse_limit(value)?),
                "offset" => {
                    filter.offset = value.trim().parse::<usize>().map_err(|_| {
                        err(
                            "offset",
                            format!("needs a whole number 0 or more; got {value:?}"),
                        )
                    })?
                }
                k if extra.contains(&k) => {}
                k => {
                    let mut allowed: Vec<&str> = FILTER_PARAMS.to_vec();
                    allowed.extend_from_slice(extra);
                    return Err(err(
                        k,
                        format!("unknown query parameter; allowed: {}", allowed.join(", ")),
                    ));
                }
            }
        }
        Ok(filter)
    }

    /// Positions of all matching incidents, in catalogue order (event_date, id). Paging is the
    /// caller's: see [`Filter::page`].
    pub fn select(&self, catalog: &Catalog, gazetteer: &Gazetteer) -> Vec<u32> {
        let region = self.region.as_deref().and_then(|id| gazetteer.region(id));
        let envelope = match (self.bbox, region) {
            (Some(b), Some(r)) => match intersect(b, r.bbox) {
                Some(e) => Some(e),
                None => return Vec::new(),
            },
            (Some(b), None) => Some(b),
            (None, Some(r)) => Some(r.bbox),
            (None, None) => None,
        };
        // the filter's values as the catalogue's codes and day numbers; a value no incident
        // has matches nothing
        let strings = catalog.strings();
        let codes = |values: &mut dyn Iterator<Item = &str>| -> Vec<u32> {
            values.filter_map(|v| strings.code(v)).collect()
        };
        let event_types = codes(&mut self.event_types.iter().copied());
        let admin1 = codes(&mut self.admin1.iter().map(String::as_str));
        let actor1 = codes(&mut self.actor1.iter().map(String::as_str));
        if (!self.event_types.is_empty() && event_types.is_empty())
            || (!self.admin1.is_empty() && admin1.is_empty())
            || (!self.actor1.is_empty() && actor1.is_empty())
        {
            return Vec::new();
        }
        let days = self.datetime.map(|d| {
            (
                d.start.map_or(i32::MIN, |s| s.num_days_from_ce()),
                d.end.map_or(i32::MAX, |e| e.num_days_from_ce()),
            )
        });
        let only_where = days.is_none()
            && self.event_types.is_empty()
            && self.review.is_empty()
            && self.admin1.is_empty()
            && self.actor1.is_empty();
        let keep = |row: &Row| {
            days.is_none_or(|(s, e)| row.last >= s && row.first <= e)
                && (self.event_types.is_empty() || event_types.contains(&row.event_type))
                && (self.review.is_empty() || self.review.contains(&row.review))
                && (self.admin1.is_empty()
                    || admin1.contains(&row.admin1)
                    || admin1.contains(&row.admin1_ar))
                && (self.actor1.is_empty() || actor1.contains(&row.actor1))
        };
        if only_where && region.is_none() {
            return match envelope {
                Some(e) => catalog.in_bbox(e),
                None => (0..catalog.len() as u32).collect(),
            };
        }
        catalog.select_rows(
            envelope,
            |p| region.is_none_or(|r| r.geometry.intersects(&geo::Point::new(p[0], p[1]))),
            (!only_where).then_some(keep),
        )
    }

    /// `numberMatched` and the positions from `offset` (at most `limit`) without finding every
    /// match, when that is cheaper: for a box and no other filter, the count comes from the
    /// R-tree's cells and the page from reading the catalogue in order until it is full, as
    /// long as that reads fewer rows than collecting and sorting every match would cost.
    /// `None` when the filter or the sizes call for [`Filter::select`]; the answer is then the
    /// same as `select` followed by the page.
    pub fn count_and_page(
        &self,
        catalog: &Catalog,
        offset: usize,
        limit: usize,
    ) -> Option<(usize, Vec<u32>)> {
        let bbox = self.bbox?;
        if self.region.is_some()
            || self.datetime.is_some()
            || !self.event_types.is_empty()
            || !self.review.is_empty()
            || !self.admin1.is_empty()
            || !self.actor1.is_empty()
        {
            return None;
        }
        let count = catalog.count_in_bbox(bbox);
        let end = offset.saturating_add(limit).min(count);
        if count == 0 || end == 0 {
            return Some((count, Vec::new()));
        }
        // rows read by the scan, about end · len / count, against count · log2(count)
        let scan = end as f64 * catalog.len() as f64 / count as f64;
        let collect = count as f64 * (count as f64).log2().max(1.0);
        if scan > collect {
            return None;
        }
        let first = catalog.first_in_bbox(bbox, end);
        let start = offset.min(first.len());
        Some((count, first[start..].to_vec()))
    }

    /// The slice of `matched` that `offset` and `limit` select (`default_limit` when no limit
    /// was given; `None` for all).
    pub fn page<'a>(&self, matched: &'a [u32], default_limit: Option<usize>) -> &'a [u32] {
        let start = self.offset.min(matched.len());
        let rest = &matched[start..];
        match self.limit.or(default_limit) {
            Some(l) => &rest[..l.min(rest.len())],
            None => rest,
        }
    }
}

fn intersect(a: [f64; 4], b: [f64; 4]) -> Option<[f64; 4]> {
    let e = [
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].min(b[2]),
        a[3].min(b[3]),
    ];
    (e[0] <= e[2] && e[1] <= e[3]).then_some(e)
}

/// `minLon,minLat,maxLon,maxLat` in degrees; the OGC 6-number form with heights
/// (`minLon,minLat,minH,maxLon,maxLat,maxH`) is accepted and its heights ignored.
pub fn parse_bbox(value: &str) -> Result<[f64; 4], QueryError> {
    const FORM: &str = "needs 4 numbers minLon,minLat,maxLon,maxLat in degrees (WGS84)";
    let parts: Vec<&str> = value.split(',').map(str::trim).collect();
    let nums: Vec<f64> = parts
        .iter()
        .map(|p| {
            p.parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| err("bbox", format!("{FORM}; {p:?} is not a number")))
        })
        .collect::<Result<_, _>>()?;
    let b = match nums.len() {
        4 => [nums[0], nums[1], nums[2], nums[3]],
        6 => [nums[0], nums[1], nums[3], nums[4]],
        n => return Err(err("bbox", format!("{FORM}; got {n}"))),
    };
    for (x, what) in [(b[0], "minLon"), (b[2], "maxLon")] {
        if !(-180.0..=180.0).contains(&x) {
            return Err(err("bbox", format!("{what} {x} is outside -180..180")));
        }
    }
    for (y, what) in [(b[1], "minLat"), (b[3], "maxLat")] {
        if !(-90.0..=90.0).contains(&y) {
            return Err(err("bbox", format!("{what} {y} is outside -90..90")));
        }
    }
    if b[0] > b[2] {
        return Err(err(
            "bbox",
            format!(
                "minLon {} is above maxLon {} (boxes across the antimeridian are not supported)",
                b[0], b[2]
            ),
        ));
    }
    if b[1] > b[3] {
        return Err(err(
            "bbox",
            format!("minLat {} is above maxLat {}", b[1], b[3]),
        ));
    }
    Ok(b)
}

fn parse_region(value: &str, gazetteer: &Gazetteer) -> Result<String, QueryError> {
    match gazetteer.region(value.trim()) {
        Some(r) => Ok(r.id.clone()),
        None => {
            let ids: Vec<&str> = gazetteer.regions().iter().map(|r| r.id.as_str()).collect();
            Err(err(
                "region",
                format!("unknown governorate {value:?}; allowed: {}", ids.join(", ")),
            ))
        }
    }
}

/// One end of a `datetime`: a date `YYYY-MM-DD` or an RFC 3339 date-time (taken as its UTC
/// day); a trailing `T` (`2025-11-24T`, as GDAL writes it) is accepted.
fn parse_instant(s: &str) -> Result<NaiveDate, QueryError> {
    const FORM: &str = "an RFC 3339 date-time (2025-11-24T10:00:00Z) or a date (2025-11-24)";
    let s = s.trim();
    let day = s.strip_suffix(['T', 't']).unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        if day.len() == 10 {
            return Ok(d);
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&chrono::Utc).date_naive());
    }
    Err(err(
        "datetime",
        format!("{s:?} is not a valid date or date-time; use {FORM}, or an interval a/b with .. for an open end"),
    ))
}

/// An instant, or an interval `a/b` where either end may be `..` or empty (open).
pub fn parse_datetime(value: &str) -> Result<Option<DateRange>, QueryError> {
    let value = value.trim();
    let open = |s: &str| s.trim().is_empty() || s.trim() == "..";
    let range = match value.split_once('/') {
        None if open(value) => {
            return Err(err(
                "datetime",
                "is empty; give a date, a date-time or an interval a/b",
            ))
        }
        None => {
            let d = parse_instant(value)?;
            DateRange {
                start: Some(d),
                end: Some(d),
            }
        }
        Some((a, b)) => {
            if b.contains('/') {
                return Err(err("datetime", "an interval has one '/': start/end"));
            }
            let start = if open(a) {
                None
            } else {
                Some(parse_instant(a)?)
            };
            let end = if open(b) {
                None
            } else {
                Some(parse_instant(b)?)
            };
            if let (Some(s), Some(e)) = (start, end) {
                if s > e {
                    return Err(err(
                        "datetime",
                        format!("interval starts ({s}) after it ends ({e})"),
                    ));
                }
            }
            DateRange { start, end }
        }
    };
    Ok((range.start.is_some() || range.end.is_some()).then_some(range))
}

/// A comma-separated list of ACLED event types (case-insensitive).
pub fn parse_event_types(value: &str) -> Result<Vec<&'static str>, QueryError> {
    let mut types = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match taxonomy::canonical_event_type(part) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => {}
            None => {
                return Err(err(
                    "event_type",
                    format!(
                        "unknown event type {part:?}; allowed (comma-separated): {}",
                        taxonomy::event_type_names().join(", ")
                    ),
                ))
            }
        }
    }
    if types.is_empty() {
        return Err(err(
            "event_type",
            "is empty; name one or more ACLED event types",
        ));
    }
    Ok(types)
}

/// `curated`, `extracted` or both, comma-separated.
pub fn parse_review(value: &str) -> Result<Vec<Review>, QueryError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            Review::parse(v).ok_or_else(|| {
                err(
                    "review",
                    format!("needs curated, extracted or both (comma-separated); got {v:?}"),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|r| {
            if r.is_empty() {
                Err(err("review", "is empty; give curated, extracted or both"))
            } else {
                Ok(r)
            }
        })
}

/// Exact values, comma-separated (values containing a comma cannot be given).
fn parse_list(param: &str, value: &str) -> Result<Vec<String>, QueryError> {
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    if items.is_empty() {
        return Err(err(
            param,
            "is empty; give one value or several, comma-separated",
        ));
    }
    if items.iter().any(|v| v.chars().count() > 200) {
        return Err(err(param, "a value is longer than 200 characters"));
    }
    Ok(items)
}

fn parse_limit(value: &str) -> Result<usize, QueryError> {
    match value.trim().parse::<i64>() {
        Ok(n) if n >= 1 && n as usize <= MAX_LIMIT => Ok(n as usize),
        Ok(n) => Err(err(
            "limit",
            format!("must be between 1 and {MAX_LIMIT}; got {n}"),
        )),
        Err(_) => Err(err(
            "limit",
            format!("needs a whole number between 1 and {MAX_LIMIT}; got {value:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_and_page_equals_select_then_page() {
        let gazetteer = Gazetteer::embedded().expect("gazetteer");
        let catalog = Catalog::new(crate::incidents::synthetic::incidents(20_000, 5));
        let mut rng = crate::incidents::synthetic::Rng::new(9);
        let mut fast = 0;
        // grid-aligned boxes (whole cells counted by size), random ones, tiny and huge ones
        let mut boxes = vec![
            [36.0, 35.0, 37.0, 36.0],
            [35.75, 32.25, 42.5, 37.5],
            [-180.0, -90.0, 180.0, 90.0],
            [36.25, 35.25, 36.5, 35.5],
            [10.0, 10.0, 11.0, 11.0],
        ];
        for _ in 0..300 {
            let (a, b) = (rng.unit(), rng.unit());
            let (c, d) = (rng.unit(), rng.unit());
            boxes.push([
                35.5 + 7.0 * a.min(b),
                32.3 + 5.0 * c.min(d),
                35.5 + 7.0 * a.max(b),
                32.3 + 5.0 * c.max(d),
            ]);
        }
        for (n, bbox) in boxes.into_iter().enumerate() {
            assert_eq!(catalog.count_in_bbox(bbox), catalog.in_bbox(bbox).len());
            let offset = [0, 0, 3, 50, 20_000][n % 5];
            let limit = [100, 1, 10, 0, 7][n % 5];
            let filter = Filter {
                bbox: Some(bbox),
                offset,
                limit: Some(limit),
                ..Filter::default()
            };
            let matched = filter.select(&catalog, &gazetteer);
            let page = filter.page(&matched, None).to_vec();
            if let Some((count, got)) = filter.count_and_page(&catalog, offset, limit) {
                fast += 1;
                assert_eq!((count, got), (matched.len(), page), "box {bbox:?}");
            }
        }
        assert!(fast > 50, "the scan was chosen only {fast} times");
        // any other filter goes through select
        let dated = Filter {
            bbox: Some([36.0, 35.0, 37.0, 36.0]),
            datetime: Some(DateRange {
                start: None,
                end: None,
            }),
            ..Filter::default()
        };
        assert_eq!(dated.count_and_page(&catalog, 0, 10), None);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn bbox_forms() {
        assert_eq!(parse_bbox("36,35,37,36"), Ok([36.0, 35.0, 37.0, 36.0]));
        assert_eq!(parse_bbox(" 36 , 35,37,36 "), Ok([36.0, 35.0, 37.0, 36.0]));
        assert_eq!(
            parse_bbox("36,35,0,37,36,100"),
            Ok([36.0, 35.0, 37.0, 36.0])
        );
        for bad in [
            "36,35,37",
            "a,b,c,d",
            "37,35,36,36",
            "36,36,37,35",
            "36,-91,37,36",
            "36,35,181,36",
            "NaN,35,37,36",
            "inf,35,37,36",
            "",
        ] {
            let e = parse_bbox(bad).unwrap_err();
            assert_eq!(e.param, "bbox", "{bad}");
        }
        assert!(parse_bbox("36,35,37").unwrap_err().detail.contains("got 3"));
        assert!(parse_bbox("36,-91,37,36")
            .unwrap_err()
            .detail
            .contains("-90..90"));
    }

    #[test]
    fn datetime_forms() {
        let r = |s: &str| parse_datetime(s).expect(s);
        assert_eq!(
            r("2025-11-24"),
            Some(DateRange {
                start: Some(d("2025-11-24")),
                end: Some(d("2025-11-24"))
            })
        );
        assert_eq!(
            r("2025-11-24T00:00:00Z/.."),
            Some(DateRange {
                start: Some(d("2025-11-24")),
                end: None
            })
        );
        assert_eq!(
            r("../2025-11-30T23:00:00-02:00"),
            Some(DateRange {
                start: None,
                end: Some(d("2025-12-01"))
            })
        );
        assert_eq!(
            r("2025-11-24T/2025-11-30T"),
            Some(DateRange {
                start: Some(d("2025-11-24")),
                end: Some(d("2025-11-30"))
            })
        );
        assert_eq!(r("../.."), None);
        assert_eq!(r("/"), None);
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "yesterday",
            "2025-11-30/2025-11-01",
            "",
            "a/b/c",
            "2025-1-1",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlap_is_inclusive() {
        let range = DateRange {
            start: Some(d("2025-11-25")),
            end: Some(d("2025-11-26")),
        };
        assert!(range.overlaps(d("2025-11-24"), d("2025-11-27")));
        assert!(range.overlaps(d("2025-11-26"), d("2025-11-26")));
        assert!(!range.overlaps(d("2025-11-27"), d("2025-11-28")));
        assert!(!range.overlaps(d("2025-11-20"), d("2025-11-24")));
    }

    #[test]
    fn limit_and_types() {
        assert_eq!(parse_limit("5"), Ok(5));
        for bad in ["0", "-1", "x", "1.5", "100001", ""] {
            assert!(parse_limit(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_event_types("battles, Strategic developments,battles"),
            Ok(vec!["Battles", "Strategic developments"])
        );
        assert!(parse_event_types("Bombing")
            .unwrap_err()
            .detail
            .contains("Battles"));
        assert!(parse_event_types(" , ").is_err());
    }

    #[test]
    fn paging() {
        let f = Filter {
            limit: Some(2),
            offset: 1,
            ..Filter::default()
        };
        assert_eq!(f.page(&[1, 2, 3, 4], None), &[2, 3]);
        let f = Filter {
            offset: 9,
            ..Filter::default()
        };
        assert_eq!(f.page(&[1, 2, 3], Some(10)), &[] as &[u32]);
        let f = Filter::default();
        assert_eq!(f.page(&[1, 2, 3], Some(2)), &[1, 2]);
        assert_eq!(f.page(&[1, 2, 3], None), &[1, 2, 3]);
    }
}
