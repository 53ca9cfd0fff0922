//! Bulk import: incidents from GeoJSON FeatureCollections, GeoJSON Lines and ACLED-style CSV,
//! read as streams (one row in memory at a time) into validated [`Incident`]s.
//!
//! [`read`] yields one result per row: the incident, or a [`RowError`] naming the row (line of
//! a CSV or GeoJSON Lines file, feature number and line of a FeatureCollection) and what is
//! wrong with which field. A row error does not stop the reading; a *fatal* one (the file is not
//! the format at all, a broken FeatureCollection, an I/O error) is the last item.
//!
//! Our own outputs read back as they were written (`/api/incidents`, `export` in every text
//! format). Names are ours or ACLED's (`event_id_cnty`, `latitude`, `longitude`); what ACLED
//! rows lack is filled (see `record`):
//!
//! - `admin1_ar`: the Arabic name of the governorate `admin1` names (ACLED's spellings
//!   included), else of the one containing the point, else `admin1` as written;
//! - `location_ar` and `place_id`: the gazetteer place `location` resolves to, when it lies
//!   within 10 km of the point; else `location` as written and `acled:<event_id_cnty>`;
//! - `disorder_type` from `event_type`; `time_precision`, `geo_precision` 1; `fatalities` 0;
//!   `notes`, `source_text`, `source` empty;
//! - `review`: `curated` unless given (ACLED codes each event by hand).
//!
//! [`store_rows`] upserts rows into a [`Store`] by id in batches, one transaction each (the
//! `import` command); `POST /api/import` stores a whole body in one (`AppState::import`).

mod csv;
mod geojson;
mod geojsonl;
mod record;

use std::fmt;
use std::io::BufRead;
use std::path::Path;

pub use record::{parse_date, PLACE_MATCH_KM};

use crate::gazetteer::Gazetteer;
use crate::incidents::{Incident, Store, StoreError};

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// a GeoJSON FeatureCollection
    GeoJson,
    /// one GeoJSON Feature per line
    GeoJsonLines,
    /// CSV with ACLED's column names
    Csv,
}

impl InputFormat {
    pub const ALL: &'static [InputFormat] = &[
        InputFormat::GeoJson,
        InputFormat::GeoJsonLines,
        InputFormat::Csv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InputFormat::GeoJson => "geojson",
            InputFormat::GeoJsonLines => "geojsonl",
            InputFormat::Csv => "csv",
        }
    }

    /// By name: `geojson` (`json`), `geojsonl` (`geojsons`, `jsonl`, `ndjson`), `csv`.
    pub fn parse(name: &str) -> Result<InputFormat, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "geojson" | "json" => Ok(InputFormat::GeoJson),
            "geojsonl" | "geojsons" | "geojsonseq" | "jsonl" | "ndjson" => {
                Ok(InputFormat::GeoJsonLines)
            }
            "csv" => Ok(InputFormat::Csv),
            other => Err(format!(
                "unknown format {other:?}; use geojson, geojsonl or csv"
            )),
        }
    }

    /// By file extension: `.geojson`/`.json`, `.geojsonl`/`.geojsons`/`.jsonl`/`.ndjson`,
    /// `.csv` (case-insensitive).
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(InputFormat::GeoJson),
            "geojsonl" | "geojsons" | "jsonl" | "ndjson" => Some(InputFormat::GeoJsonLines),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }

    /// By media type (parameters such as `charset` ignored): `application/geo+json` and
    /// `application/json`; `application/geo+json-seq`, `application/x-ndjson`,
    /// `application/jsonl`; `text/csv`.
    pub fn from_content_type(content_type: &str) -> Option<InputFormat> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/geo+json" | "application/json" => Some(InputFormat::GeoJson),
            "application/geo+json-seq"
            | "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines" => Some(InputFormat::GeoJsonLines),
            "text/csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }
}

/// Where a row is in its input (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAt {
    /// a line of a CSV or GeoJSON Lines file (a CSV record's first line)
    Line(u64),
    /// the n-th feature of a FeatureCollection, starting on `line`
    Feature { n: u64, line: u64 },
}

impl fmt::Display for RowAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowAt::Line(n) => write!(f, "line {n}"),
            RowAt::Feature { n, line } => write!(f, "feature {n} (line {line})"),
        }
    }
}

/// A row that did not become an incident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {reason}")]
pub struct RowError {
    pub at: RowAt,
    /// which field and what was wrong with it
    pub reason: String,
    /// the input cannot be read further (not the format, broken structure, I/O error); this is
    /// the last item
    pub fatal: bool,
}

/// The rows of one input.
pub struct Rows<'a>(Box<dyn Iterator<Item = Result<Incident, RowError>> + 'a>);

impl Iterator for Rows<'_> {
    type Item = Result<Incident, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// Reads `reader` as `format`: one item per row, in order, each incident validated
/// ([`Incident::validate`]). Never panics, whatever the bytes; memory holds one row at a time
/// (plus the names looked up in `gazetteer`).
pub fn read<'a, R: BufRead + 'a>(
    format: InputFormat,
    reader: R,
    gazetteer: &'a Gazetteer,
) -> Rows<'a> {
    let filler = record::Filler::new(gazetteer);
    match format {
        InputFormat::GeoJson => Rows(Box::new(geojson::Collection::new(reader, filler))),
        InputFormat::GeoJsonLines => Rows(Box::new(geojsonl::Lines::new(reader, filler))),
        InputFormat::Csv => Rows(Box::new(csv::Records::new(reader, filler))),
    }
}

/// Every row of an in-memory input: the incidents and the row errors, in order.
pub fn read_all(
    format: InputFormat,
    bytes: &[u8],
    gazetteer: &Gazetteer,
) -> (Vec<Incident>, Vec<RowError>) {
    let mut incidents = Vec::new();
    let mut errors = Vec::new();
    for row in read(format, bytes, gazetteer) {
        match row {
            Ok(i) => incidents.push(i),
            Err(e) => errors.push(e),
        }
    }
    (incidents, errors)
}

/// What storing the rows of one input did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// rows read (valid and invalid; a fatal error is not a row)
    pub read: u64,
    /// new ids stored
    pub inserted: u64,
    /// ids that were stored already (or came twice), replaced
    pub updated: u64,
    /// rows refused
    pub invalid: u64,
}

impl std::ops::AddAssign for Summary {
    fn add_assign(&mut self, o: Summary) {
        self.read += o.read;
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.invalid += o.invalid;
    }
}

/// Upserts the valid rows into `store` by id, `batch` rows per transaction (each batch is
/// stored whole or not at all); every row error goes to `on_error` (a fatal one last). Rows
/// read before a fatal error are stored.
pub fn store_rows(
    rows: impl Iterator<Item = Result<Incident, RowError>>,
    store: &mut Store,
    batch: usize,
    mut on_error: impl FnMut(&RowError),
) -> Result<Summary, StoreError> {
    let batch = batch.max(1);
    let mut summary = Summary::default();
    let mut pending = Vec::with_capacity(batch.min(1 << 16));
    let mut stored = store.count()?;
    let mut flush = |pending: &mut Vec<Incident>, summary: &mut Summary| {
        if pending.is_empty() {
            return Ok::<(), StoreError>(());
        }
        store.upsert(pending, &[])?;
        let now = store.count()?;
        let inserted = now.saturating_sub(stored);
        summary.inserted += inserted;
        summary.updated += pending.len() as u64 - inserted.min(pending.len() as u64);
        stored = now;
        pending.clear();
        Ok(())
    };
    for row in rows {
        match row {
            Ok(incident) => {
                summary.read += 1;
                pending.push(incident);
                if pending.len() >= batch {
                    flush(&mut pending, &mut summary)?;
                }
            }
            Err(e) => {
                if !e.fatal {
                    summary.read += 1;
                    summary.invalid += 1;
                }
                on_error(&e);
            }
        }
    }
    flush(&mut pending, &mut summary)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;
    use std::sync::OnceLock;

    fn gz() -> &'static Gazetteer {
        static GZ: OnceLock<Gazetteer> = OnceLock::new();
        GZ.get_or_init(|| Gazetteer::embedded().expect("embedded gazetteer"))
    }

    #[test]
    fn formats_by_name_extension_and_media_type() {
        for f in InputFormat::ALL {
            assert_eq!(InputFormat::parse(f.name()), Ok(*f));
        }
        assert!(InputFormat::parse("shp").is_err());
        assert_eq!(
            InputFormat::from_path(Path::new("a/b.NDJSON")),
            Some(InputFormat::GeoJsonLines)
        );
        assert_eq!(InputFormat::from_path(Path::new("x.txt")), None);
        assert_eq!(
            InputFormat::from_content_type("text/csv; charset=utf-8"),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            InputFormat::from_content_type("application/geo+json-seq"),
            Some(InputFormat::GeoJsonLines)
        );
        assert_eq!(InputFormat::from_content_type("text/plain"), None);
    }

    #[test]
    fn a_feature_reads_back_as_it_was_written() {
        let mut a = sample("SYR-1", 36.5, 35.25, "2025-11-24");
        a.actor2 = Some("Civilians (Syria)".into());
        a.notes = "line one\nline \"two\", with \\ and ,".into();
        let mut b = sample("SYR-2", 37.0, 36.0, "2025-11-25");
        b.event_date_end = chrono::NaiveDate::from_ymd_opt(2025, 11, 27);
        b.review = crate::incidents::Review::Extracted;
        let mut lines = Vec::new();
        for i in [&a, &b] {
            lines.extend(i.to_feature_json());
            lines.extend(b"\n\n");
        }
        let (got, errors) = read_all(InputFormat::GeoJsonLines, &lines, gz());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(got, vec![a.clone(), b.clone()]);

        let fc = format!(
            "\u{feff}{{\"type\":\"FeatureCollection\",\"name\":\"x\",\"bbox\":[1,2,3,4],\
             \"features\":[\n{},\n{}\n],\"numberMatched\":2}}\n",
            String::from_utf8(a.to_feature_json()).expect("utf-8"),
            String::from_utf8(b.to_feature_json()).expect("utf-8"),
        );
        let (got, errors) = read_all(InputFormat::GeoJson, fc.as_bytes(), gz());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(got, vec![a, b]);
    }

    #[test]
    fn collection_errors_name_the_feature_and_structure_errors_are_fatal() {
        let good = String::from_utf8(sample("A", 36.0, 35.0, "2025-01-01").to_feature_json())
            .expect("utf-8");
        let bad = good
            .replace("\"A\"", "\"B\"")
            .replace("2025-01-01", "2025-02-30");
        let fc = format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{good},\n{bad}]}}");
        let (got, errors) = read_all(InputFormat::GeoJson, fc.as_bytes(), gz());
        assert_eq!(got.len(), 1);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].at, RowAt::Feature { n: 2, line: 3 });
        assert!(errors[0].reason.contains("event_date"), "{}", errors[0]);
        assert!(!errors[0].fatal);

        for broken in [
            "",
            "[]",
            "{\"type\":\"Feature\",\"features\":[]}",
            "{\"type\":\"FeatureCollection\"}",
            "{\"type\":\"FeatureCollection\",\"features\":[",
            "{\"features\":[]} x",
            "{\"features\":[1 2]}",
        ] {
            let (_, errors) = read_all(InputFormat::GeoJson, broken.as_bytes(), gz());
            let last = errors
                .last()
                .unwrap_or_else(|| panic!("{broken:?} is accepted"));
            assert!(last.fatal, "{broken:?}: {last}");
        }
        let (got, errors) = read_all(
            InputFormat::GeoJson,
            b"{\"features\":[],\"type\":\"FeatureCollection\"}",
            gz(),
        );
        assert!(got.is_empty() && errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn acled_rows_are_filled_from_the_gazetteer() {
        let csv = "\u{feff}event_id_cnty,event_date,year,time_precision,disorder_type,event_type,\
                   sub_event_type,actor1,actor2,admin1,admin2,location,latitude,longitude,\
                   geo_precision,source,notes,fatalities\n\
                   SYR1,15 March 2024,2024,1,Political violence,Battles,Armed clash,A,,Idleb,\
                   Ariha,Saraqib,35.8640,36.8006,1,SOHR,\"clash, two killed\",2\n\
                   SYR2,2024-03-16,2024,2,,explosions/remote violence,air/drone strike,B,,\
                   Rural Damascus,,Nowhere Farm,33.61,36.50,2,Src,n,0\n";
        let (got, errors) = read_all(InputFormat::Csv, csv.as_bytes(), gz());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(got[0].admin1, "Idleb");
        assert_eq!(got[0].admin1_ar, "محافظة إدلب");
        assert_eq!(got[0].location_ar, "سراقب");
        assert!(
            got[0].place_id.starts_with("geonames:"),
            "{}",
            got[0].place_id
        );
        assert_eq!(got[0].notes, "clash, two killed");
        assert_eq!(got[0].fatalities, 2);
        assert_eq!(got[0].review, crate::incidents::Review::Curated);
        // no such place: the name as written; the governorate from the point
        assert_eq!(got[1].location_ar, "Nowhere Farm");
        assert_eq!(got[1].place_id, "acled:SYR2");
        assert_eq!(got[1].admin1_ar, "محافظة ريف دمشق");
        assert_eq!(got[1].disorder_type, "Political violence");
        assert_eq!(got[1].event_type, "Explosions/Remote violence");
        assert_eq!(got[1].sub_event_type, "Air/drone strike");
        assert_eq!(got[1].actor2, None);
    }
}
