//! The incident's attribute columns with their types, shared by the typed formats (CSV,
//! GeoPackage, FlatGeobuf) and the JSON Schema of the OGC API, so every output has the same
//! columns in the same order as the GeoJSON properties.

use chrono::NaiveDate;

use crate::incidents::Incident;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// a whole number (32 bits are plenty)
    Int,
    /// a calendar day, written `YYYY-MM-DD`
    Date,
}

/// One cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(Option<&'a str>),
    Int(i64),
    Date(Option<NaiveDate>),
}

impl Value<'_> {
    /// The cell as text (`None` for null); dates as `YYYY-MM-DD`.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Text(t) => t.map(str::to_string),
            Value::Int(n) => Some(n.to_string()),
            Value::Date(d) => d.map(|d| d.format("%Y-%m-%d").to_string()),
        }
    }
}

pub struct Field {
    /// the GeoJSON property name
    pub name: &'static str,
    /// ACLED's column name where it differs (CSV uses it)
    pub acled: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    pub get: for<'a> fn(&'a Incident) -> Value<'a>,
}

const fn field(
    name: &'static str,
    kind: Kind,
    nullable: bool,
    get: for<'a> fn(&'a Incident) -> Value<'a>,
) -> Field {
    Field {
        name,
        acled: name,
        kind,
        nullable,
        get,
    }
}

/// The columns, in the order of the GeoJSON properties (`id` first).
pub const FIELDS: &[Field] = &[
    Field {
        name: "id",
        acled: "event_id_cnty",
        kind: Kind::Text,
        nullable: false,
        get: |i| Value::Text(Some(&i.id)),
    },
    field("event_date", Kind::Date, false, |i| {
        Value::Date(Some(i.event_date))
    }),
    field("event_date_end", Kind::Date, true, |i| {
        Value::Date(i.event_date_end)
    }),
    field("time_precision", Kind::Int, false, |i| {
        Value::Int(i64::from(i.time_precision))
    }),
    field("disorder_type", Kind::Text, false, |i| {
        Value::Text(Some(&i.disorder_type))
    }),
    field("event_type", Kind::Text, false, |i| {
        Value::Text(Some(&i.event_type))
    }),
    field("sub_event_type", Kind::Text, false, |i| {
        Value::Text(Some(&i.sub_event_type))
    }),
    field("actor1", Kind::Text, true, |i| {
        Value::Text(i.actor1.as_deref())
    }),
    field("actor2", Kind::Text, true, |i| {
        Value::Text(i.actor2.as_deref())
    }),
    field("fatalities", Kind::Int, false, |i| {
        Value::Int(i64::from(i.fatalities))
    }),
    field("location", Kind::Text, false, |i| {
        Value::Text(Some(&i.location))
    }),
    field("location_ar", Kind::Text, false, |i| {
        Value::Text(Some(&i.location_ar))
    }),
    field("admin1", Kind::Text, false, |i| {
        Value::Text(Some(&i.admin1))
    }),
    field("admin1_ar", Kind::Text, false, |i| {
        Value::Text(Some(&i.admin1_ar))
    }),
    field("geo_precision", Kind::Int, false, |i| {
        Value::Int(i64::from(i.geo_precision))
    }),
    field("place_id", Kind::Text, false, |i| {
        Value::Text(Some(&i.place_id))
    }),
    field("notes", Kind::Text, false, |i| Value::Text(Some(&i.notes))),
    field("source_text", Kind::Text, false, |i| {
        Value::Text(Some(&i.source_text))
    }),
    field("source", Kind::Text, false, |i| {
        Value::Text(Some(&i.source))
    }),
    field("review", Kind::Text, false, |i| {
        Value::Text(Some(i.review.as_str()))
    }),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn columns_follow_the_geojson_properties() {
        let inc = sample("SYR-1", 36.0, 35.0, "2025-12-02");
        let v: serde_json::Value =
            serde_json::from_slice(&inc.to_feature_json()).expect("feature json");
        let props = v["properties"].as_object().expect("properties");
        assert_eq!(props.len(), FIELDS.len());
        // same order as the serialised properties
        let text = String::from_utf8(inc.to_feature_json()).expect("utf-8");
        let at: Vec<usize> = FIELDS
            .iter()
            .map(|f| text.find(&format!("\"{}\":", f.name)).expect(f.name))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        for f in FIELDS {
            let expected = match &props[f.name] {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            };
            assert_eq!((f.get)(&inc).to_text(), expected, "{}", f.name);
        }
    }
}
