//! CSV with ACLED's column names (`event_id_cnty`, …, `latitude`, `longitude`), UTF-8 with a
//! byte-order mark so spreadsheet programs read Arabic correctly, CRLF line ends (RFC 4180).
//!
//! A text cell that a spreadsheet would run as a formula (one starting with `=`, `+`, `-`,
//! `@`, a tab or a carriage return) is prefixed with `'`, so opening an export can never
//! execute what a news report happened to contain. Numbers and dates are written as they are.

use std::sync::Arc;

use super::fields::{Value, FIELDS};
use super::stream::Chunks;
use crate::incidents::model::round6;
use crate::incidents::Catalog;

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The column before which `latitude` and `longitude` go (ACLED's order).
const POINT_BEFORE: &str = "geo_precision";

/// The column names, in order.
pub fn columns() -> Vec<&'static str> {
    let mut cols = Vec::with_capacity(FIELDS.len() + 2);
    for f in FIELDS {
        if f.name == POINT_BEFORE {
            cols.extend(["latitude", "longitude"]);
        }
        cols.push(f.acled);
    }
    cols
}

/// The byte-order mark and the header line.
pub fn header() -> Vec<u8> {
    let mut out = BOM.to_vec();
    out.extend_from_slice(columns().join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

pub fn row(catalog: &Catalog, idx: u32, _first: bool, out: &mut Vec<u8>) {
    let inc = &catalog.get(idx);
    for (n, f) in FIELDS.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        if f.name == POINT_BEFORE {
            out.extend_from_slice(format!("{},{},", round6(inc.lat), round6(inc.lon)).as_bytes());
        }
        match (f.get)(inc) {
            Value::Text(Some(t)) => push_text(out, t),
            other => {
                if let Some(t) = other.to_text() {
                    out.extend_from_slice(t.as_bytes());
                }
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// A text cell: neutralised against formula injection, quoted when it holds a separator, a
/// quote or a line break (quotes doubled).
fn push_text(out: &mut Vec<u8>, text: &str) {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || text.contains([',', '"', '\r', '\n']);
    if quote {
        out.push(b'"');
    }
    if formula {
        out.push(b'\'');
    }
    for part in text.split_inclusive('"') {
        out.extend_from_slice(part.as_bytes());
        if part.ends_with('"') {
            out.push(b'"');
        }
    }
    if quote {
        out.push(b'"');
    }
}

pub fn chunks(catalog: Arc<Catalog>, positions: Vec<u32>) -> Chunks {
    Chunks::new(catalog, positions, header(), row, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    fn cell(text: &str) -> String {
        let mut out = Vec::new();
        push_text(&mut out, text);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(cell("Saraqib"), "Saraqib");
        assert_eq!(cell("سراقب، إدلب"), "سراقب، إدلب");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        for bad in [
            "=1+2",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            let c = cell(bad);
            assert!(c.starts_with("\"'"), "{bad:?} → {c:?}");
        }
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn rows_have_every_column() {
        let mut inc = sample("SYR-1", 36.5, 35.25, "2025-11-24");
        inc.notes = "=cmd|' /C calc'!A0".into();
        let cat = Arc::new(Catalog::new(vec![inc]));
        let text = String::from_utf8(chunks(cat, vec![0]).flatten().collect()).expect("utf-8");
        let text = text.strip_prefix('\u{feff}').expect("BOM");
        let mut lines = text.split("\r\n");
        let head: Vec<&str> = lines.next().expect("header").split(',').collect();
        assert_eq!(head[0], "event_id_cnty");
        let lat = head
            .iter()
            .position(|c| *c == "latitude")
            .expect("latitude");
        assert_eq!(head[lat + 1], "longitude");
        assert_eq!(head[lat + 2], "geo_precision");
        let row = lines.next().expect("row");
        assert!(row.starts_with("SYR-1,2025-11-24,,1,"), "{row}");
        assert!(row.contains(",35.25,36.5,1,"), "{row}");
        assert!(row.contains("\"'=cmd|' /C calc'!A0\""), "{row}");
        assert_eq!(lines.next(), Some(""));
    }
}
