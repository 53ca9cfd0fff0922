//! From an article to the incidents to store and the answer that shows their evidence.
//!
//! - The article's id is the SHA-256 of its text (line endings and surrounding blanks
//!   ignored): the same text ingested twice is the same article, and nothing new is made.
//! - Extracted incident ids are `ART-<first 12 hex digits of the id>-<nn>`, numbered in the
//!   order of the article, so they are stable and never collide with curated ids (`SYR-…`).
//! - A proposed incident that looks like one already on the map (within
//!   `DUPLICATE_KM`, overlapping dates, same event type) is not stored: the answer lists it
//!   with `status = "duplicate"` and `duplicate_of`, so a person decides instead of the map
//!   silently showing two points for one event.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Evidence, ExtractError, Extractor, Skipped};
use crate::gazetteer::Gazetteer;
use crate::incidents::{Catalog, Incident};

/// Two incidents closer than this (km), on overlapping dates and of the same event type are
/// taken for one.
pub const DUPLICATE_KM: f64 = 5.0;

/// An article as posted.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// publication date, `YYYY-MM-DD`
    pub published: Option<NaiveDate>,
    pub text: String,
}

/// The article as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    /// `YYYY-MM-DD`
    pub published: Option<String>,
    /// false when the same text had been ingested before (nothing new was made)
    pub new: bool,
}

/// One proposed incident in the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProposedIncident {
    pub id: String,
    /// `stored` (on the map, review = extracted) or `duplicate` (not stored)
    pub status: String,
    pub duplicate_of: Option<String>,
    /// the GeoJSON Feature, as the API serves it
    pub feature: serde_json::Value,
    pub evidence: Evidence,
}

/// The answer to an ingest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestAnswer {
    pub article: ArticleRecord,
    pub incidents: Vec<ProposedIncident>,
    /// sentences with event words that gave no incident, and why
    pub skipped: Vec<Skipped>,
}

/// The id of an article's text.
pub fn article_id(text: &str) -> String {
    let canonical = text.replace("\r\n", "\n");
    let digest = Sha256::digest(canonical.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The id of the `n`-th (from 0) incident proposed for an article.
pub fn incident_id(article_id: &str, n: usize) -> String {
    format!(
        "ART-{}-{:02}",
        &article_id[..12.min(article_id.len())],
        n + 1
    )
}

fn window(i: &Incident) -> (NaiveDate, NaiveDate) {
    let slack = match i.time_precision {
        1 => 1,
        2 => 7,
        _ => 31,
    };
    (
        i.event_date - Duration::days(slack),
        i.last_date() + Duration::days(slack),
    )
}

/// Great-circle distance in km between two incidents' points.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1)) / 1000.0
}

/// The incident of `catalog` that `inc` most likely repeats.
pub fn likely_duplicate(catalog: &Catalog, inc: &Incident) -> Option<String> {
    // 5 km is under 0.05° of latitude and under 0.06° of longitude at Syria's latitudes
    let d = 0.1;
    let (a0, a1) = window(inc);
    catalog
        .in_bbox([inc.lon - d, inc.lat - d, inc.lon + d, inc.lat + d])
        .into_iter()
        .map(|idx| catalog.get(idx))
        .filter(|o| o.id != inc.id && o.event_type == inc.event_type)
        .filter(|o| {
            let (b0, b1) = window(o);
            a0 <= b1 && b0 <= a1
        })
        .map(|o| (distance_km((o.lon, o.lat), (inc.lon, inc.lat)), o))
        .filter(|(km, _)| *km <= DUPLICATE_KM)
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, o)| o.id.clone())
}

/// Reads the article and decides what to store: the incidents (ids set, review = extracted)
/// and the answer.
pub fn plan(
    extractor: &Extractor,
    gazetteer: &Gazetteer,
    catalog: &Catalog,
    input: &ArticleInput,
) -> Result<(Vec<Incident>, IngestAnswer), ExtractError> {
    // an article without a publication date and without a year in its text is dated from the
    // day it is read (the evidence's `reference_date` says so)
    let today = chrono::Utc::now().date_naive();
    let extraction =
        extractor.extract_read_on(gazetteer, &input.text, input.published, Some(today))?;
    let id = article_id(&input.text);
    let source = match (&input.source, &input.title) {
        (Some(s), Some(t)) if !s.trim().is_empty() && !t.trim().is_empty() => {
            format!("{} — {}", s.trim(), t.trim())
        }
        (Some(s), _) if !s.trim().is_empty() => s.trim().to_string(),
        (_, Some(t)) if !t.trim().is_empty() => t.trim().to_string(),
        _ => format!("article {}", &id[..12]),
    };
    let mut store = Vec::new();
    let mut listed = Vec::new();
    for (n, p) in extraction.proposals.into_iter().enumerate() {
        let mut inc = p.incident;
        inc.id = incident_id(&id, n);
        inc.source = source.clone();
        let duplicate_of = likely_duplicate(catalog, &inc);
        let feature = serde_json::from_slice(&inc.to_feature_json()).unwrap_or_default();
        listed.push(ProposedIncident {
            id: inc.id.clone(),
            status: if duplicate_of.is_some() {
                "duplicate"
            } else {
                "stored"
            }
            .to_string(),
            duplicate_of: duplicate_of.clone(),
            feature,
            evidence: p.evidence,
        });
        if duplicate_of.is_none() {
            store.push(inc);
        }
    }
    let answer = IngestAnswer {
        article: ArticleRecord {
            id,
            title: input.title.clone(),
            source: input.source.clone(),
            url: input.url.clone(),
            published: input.published.map(|d| d.to_string()),
            new: true,
        },
        incidents: listed,
        skipped: extraction.skipped,
    };
    Ok((store, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_line_endings_do_not_matter() {
        let a = article_id("نص\r\nآخر\n");
        assert_eq!(a, article_id("  نص\nآخر"));
        assert_eq!(a.len(), 64);
        assert_eq!(incident_id(&a, 0), format!("ART-{}-01", &a[..12]));
        assert_ne!(article_id("a"), article_id("b"));
    }
}
