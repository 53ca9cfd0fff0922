//! The incident record: one flat, ACLED-compatible row with a point.
//!
//! Every property has one JSON type across all features and missing values are `null`, never
//! `""`, because GDAL/QGIS turn mixed types into unusable JSON fields.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who vouches for a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Review {
    /// checked by a person
    Curated,
    /// machine-made, not yet checked
    Extracted,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Curated => "curated",
            Review::Extracted => "extracted",
        }
    }

    pub fn parse(s: &str) -> Option<Review> {
        match s {
            "curated" => Some(Review::Curated),
            "extracted" => Some(Review::Extracted),
            _ => None,
        }
    }
}

/// One incident. Property names are ACLED's where ACLED has them.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub event_date: NaiveDate,
    pub event_date_end: Option<NaiveDate>,
    /// 1 day known · 2 week known · 3 only month known
    pub time_precision: u8,
    pub disorder_type: String,
    pub event_type: String,
    pub sub_event_type: String,
    pub actor1: Option<String>,
    pub actor2: Option<String>,
    /// lowest reported figure; 0 when none reported
    pub fatalities: u32,
    pub location: String,
    pub location_ar: String,
    pub admin1: String,
    pub admin1_ar: String,
    /// 1 the named place · 2 near it / part of its district · 3 only a larger region
    pub geo_precision: u8,
    pub place_id: String,
    pub notes: String,
    pub source_text: String,
    pub source: String,
    pub review: Review,
    /// degrees east, WGS84
    pub lon: f64,
    /// degrees north, WGS84
    pub lat: f64,
}

/// Rounds a coordinate to 6 decimals (about 0.1 m), the precision RFC 7946 output carries.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The flat property set, in DESIGN order, as serialised into every output.
#[derive(Serialize)]
struct Properties<'a> {
    id: &'a str,
    event_date: String,
    event_date_end: Option<String>,
    time_precision: u8,
    disorder_type: &'a str,
    event_type: &'a str,
    sub_event_type: &'a str,
    actor1: Option<&'a str>,
    actor2: Option<&'a str>,
    fatalities: u32,
    location: &'a str,
    location_ar: &'a str,
    admin1: &'a str,
    admin1_ar: &'a str,
    geo_precision: u8,
    place_id: &'a str,
    notes: &'a str,
    source_text: &'a str,
    source: &'a str,
    review: &'a str,
}

#[derive(Serialize)]
struct Geometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: Geometry,
    properties: Properties<'a>,
}

/// The properties as read back from stored feature bytes.
#[derive(Deserialize)]
struct PropertiesIn {
    id: String,
    event_date: String,
    event_date_end: Option<String>,
    time_precision: u8,
    disorder_type: String,
    event_type: String,
    sub_event_type: String,
    actor1: Option<String>,
    actor2: Option<String>,
    fatalities: u32,
    location: String,
    location_ar: String,
    admin1: String,
    admin1_ar: String,
    geo_precision: u8,
    place_id: String,
    notes: String,
    source_text: String,
    source: String,
    review: String,
}

#[derive(Deserialize)]
struct FeatureIn {
    properties: PropertiesIn,
}

/// An incident together with its GeoJSON Feature bytes, serialised once and then shared by the
/// store (the `feature` column) and the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub incident: Incident,
    pub feature: Arc<[u8]>,
}

impl Encoded {
    pub fn new(incident: Incident) -> Encoded {
        let feature = Arc::from(incident.to_feature_json());
        Encoded { incident, feature }
    }
}

impl Incident {
    /// Reads an incident back from the Feature bytes [`Incident::to_feature_json`] wrote. The
    /// point is given apart: the bytes carry it rounded to 6 decimals, the store keeps it whole.
    pub fn from_feature_json(bytes: &[u8], lon: f64, lat: f64) -> Result<Incident, String> {
        let f: FeatureIn = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        let p = f.properties;
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("date {s:?}: {e}"))
        };
        Ok(Incident {
            event_date: date(&p.event_date)?,
            event_date_end: p.event_date_end.as_deref().map(date).transpose()?,
            review: Review::parse(&p.review).ok_or_else(|| format!("review {:?}", p.review))?,
            id: p.id,
            time_precision: p.time_precision,
            disorder_type: p.disorder_type,
            event_type: p.event_type,
            sub_event_type: p.sub_event_type,
            actor1: p.actor1,
            actor2: p.actor2,
            fatalities: p.fatalities,
            location: p.location,
            location_ar: p.location_ar,
            admin1: p.admin1,
            admin1_ar: p.admin1_ar,
            geo_precision: p.geo_precision,
            place_id: p.place_id,
            notes: p.notes,
            source_text: p.source_text,
            source: p.source,
            lon,
            lat,
        })
    }

    /// The last day the incident covers (`event_date` when it is a single day).
    pub fn last_date(&self) -> NaiveDate {
        self.event_date_end.unwrap_or(self.event_date)
    }

    fn properties(&self) -> Properties<'_> {
        Properties {
            id: &self.id,
            event_date: self.event_date.format("%Y-%m-%d").to_string(),
            event_date_end: self
                .event_date_end
                .map(|d| d.format("%Y-%m-%d").to_string()),
            time_precision: self.time_precision,
            disorder_type: &self.disorder_type,
            event_type: &self.event_type,
            sub_event_type: &self.sub_event_type,
            actor1: self.actor1.as_deref(),
            actor2: self.actor2.as_deref(),
            fatalities: self.fatalities,
            location: &self.location,
            location_ar: &self.location_ar,
            admin1: &self.admin1,
            admin1_ar: &self.admin1_ar,
            geo_precision: self.geo_precision,
            place_id: &self.place_id,
            notes: &self.notes,
            source_text: &self.source_text,
            source: &self.source,
            review: self.review.as_str(),
        }
    }

    /// The GeoJSON Feature (RFC 7946: `[lon, lat]`, 6 decimals, no `crs`) as compact bytes.
    pub fn to_feature_json(&self) -> Vec<u8> {
        let feature = Feature {
            kind: "Feature",
            id: &self.id,
            geometry: Geometry {
                kind: "Point",
                coordinates: [round6(self.lon), round6(self.lat)],
            },
            properties: self.properties(),
        };
        // Serialising plain strings and numbers into a Vec cannot fail.
        serde_json::to_vec(&feature).unwrap_or_default()
    }

    /// Checks the invariants every stored incident keeps; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.id.trim().is_empty() {
            return Err("id is empty".into());
        }
        if !(-180.0..=180.0).contains(&self.lon) || !(-90.0..=90.0).contains(&self.lat) {
            return Err(format!(
                "{}: point {} {} is outside -180..180, -90..90",
                self.id, self.lon, self.lat
            ));
        }
        if let Some(end) = self.event_date_end {
            if end < self.event_date {
                return Err(format!(
                    "{}: event_date_end {end} is before event_date {}",
                    self.id, self.event_date
                ));
            }
        }
        if !(1..=3).contains(&self.time_precision) {
            return Err(format!("{}: time_precision must be 1, 2 or 3", self.id));
        }
        if !(1..=3).contains(&self.geo_precision) {
            return Err(format!("{}: geo_precision must be 1, 2 or 3", self.id));
        }
        super::taxonomy::check(&self.disorder_type, &self.event_type, &self.sub_event_type)
            .map_err(|e| format!("{}: {e}", self.id))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(id: &str, lon: f64, lat: f64, date: &str) -> Incident {
        Incident {
            id: id.into(),
            event_date: NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("test date"),
            event_date_end: None,
            time_precision: 1,
            disorder_type: "Political violence".into(),
            event_type: "Battles".into(),
            sub_event_type: "Armed clash".into(),
            actor1: Some("Islamic State (Syria)".into()),
            actor2: None,
            fatalities: 0,
            location: "Saraqib".into(),
            location_ar: "سراقب".into(),
            admin1: "Idlib".into(),
            admin1_ar: "إدلب".into(),
            geo_precision: 1,
            place_id: "geonames:1".into(),
            notes: "note".into(),
            source_text: "نص".into(),
            source: "src".into(),
            review: Review::Curated,
            lon,
            lat,
        }
    }

    #[test]
    fn feature_json_is_flat_rfc7946() {
        let inc = sample("SYR-1", 36.123_456_789, 35.000_000_4, "2025-12-02");
        let v: serde_json::Value =
            serde_json::from_slice(&inc.to_feature_json()).expect("valid json");
        assert_eq!(v["type"], "Feature");
        assert_eq!(v["id"], "SYR-1");
        assert_eq!(v["geometry"]["coordinates"][0], 36.123457);
        assert_eq!(v["geometry"]["coordinates"][1], 35.0);
        let props = v["properties"].as_object().expect("object");
        assert_eq!(props["event_date_end"], serde_json::Value::Null);
        assert_eq!(props["actor2"], serde_json::Value::Null);
        assert_eq!(props["fatalities"], 0);
        assert!(props.values().all(|p| !p.is_object() && !p.is_array()));
        assert!(v.get("crs").is_none());
    }

    #[test]
    fn feature_json_reads_back() {
        let mut inc = sample("SYR-\"1\"", 36.123_456_789, 35.000_000_4, "2025-12-02");
        inc.event_date_end = NaiveDate::from_ymd_opt(2025, 12, 4);
        inc.actor1 = None;
        inc.notes = "a \\ \n line".into();
        let back = Incident::from_feature_json(&inc.to_feature_json(), inc.lon, inc.lat)
            .expect("reads back");
        assert_eq!(back, inc);
        assert!(Incident::from_feature_json(b"{}", 0.0, 0.0).is_err());
    }

    #[test]
    fn validate_names_the_problem() {
        let mut inc = sample("SYR-1", 36.0, 35.0, "2025-12-02");
        assert!(inc.validate().is_ok());
        inc.event_date_end = NaiveDate::from_ymd_opt(2025, 12, 1);
        assert!(inc.validate().unwrap_err().contains("event_date_end"));
        inc.event_date_end = None;
        inc.lat = 95.0;
        assert!(inc.validate().unwrap_err().contains("outside"));
    }
}
