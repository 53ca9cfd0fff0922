//! Parsing the gazetteer files: places TSV (GeoNames and curated), aliases TSV, foreign places
//! TSV and the governorates GeoJSON. Every problem is an error naming the file and the line (or feature);
//! nothing here panics on bad data.

use std::collections::HashMap;

use geo::{BoundingRect, InteriorPoint, MultiPolygon, Polygon};
use geojson::{GeoJson, GeometryValue};

use super::index::NameKind;
use super::{GazetteerError, Place, Region};

const PLACE_COLUMNS: [&str; 9] = [
    "id",
    "name",
    "name_ar",
    "lat",
    "lon",
    "feature_code",
    "admin1_code",
    "population",
    "alternate_names",
];
const ALIAS_COLUMNS: [&str; 3] = ["place_id", "name", "source"];
const FOREIGN_COLUMNS: [&str; 8] = [
    "id",
    "name",
    "country",
    "lat",
    "lon",
    "feature_code",
    "population",
    "names",
];

/// A populated place outside Syria (`foreign.tsv`): never an answer, only a namesake that may
/// stop a Syrian place from answering for a name (see `lookup`).
#[derive(Debug, Clone)]
pub struct Foreign {
    /// GeoNames name
    pub name: String,
    /// ISO 3166-1 alpha-2 country code
    pub country: String,
    /// GeoNames feature code (`PPLC` for a national capital); may be empty
    pub feature_code: String,
    pub population: u64,
    /// other Latin- and Arabic-script names
    pub names: Vec<String>,
}

fn line_err(file: &str, line: usize, problem: impl Into<String>) -> GazetteerError {
    GazetteerError::BadLine {
        file: file.to_string(),
        line,
        problem: problem.into(),
    }
}

fn file_err(file: &str, detail: impl Into<String>) -> GazetteerError {
    GazetteerError::BadFile {
        file: file.to_string(),
        detail: detail.into(),
    }
}

/// Rows of a TSV file as (line number, fields), with `wanted` columns picked by header name.
/// Blank lines and lines starting with `#` are skipped; extra columns are allowed.
fn tsv_rows<'a>(
    file: &str,
    text: &'a str,
    wanted: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, GazetteerError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (hline, header) = lines
        .next()
        .ok_or_else(|| file_err(file, "empty file, expected a header line"))?;
    let header: Vec<&str> = header.split('\t').map(str::trim).collect();
    let mut cols = Vec::with_capacity(wanted.len());
    for w in wanted {
        let pos = header.iter().position(|h| h == w).ok_or_else(|| {
            line_err(
                file,
                hline,
                format!(
                    "header has no column `{w}` (columns: {})",
                    header.join(", ")
                ),
            )
        })?;
        cols.push(pos);
    }
    let mut rows = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != header.len() {
            return Err(line_err(
                file,
                n,
                format!(
                    "expected {} tab-separated fields, found {}",
                    header.len(),
                    fields.len()
                ),
            ));
        }
        rows.push((n, cols.iter().map(|&c| fields[c].trim()).collect()));
    }
    Ok(rows)
}

fn parse_coord(
    file: &str,
    line: usize,
    what: &str,
    s: &str,
    limit: f64,
) -> Result<f64, GazetteerError> {
    let v: f64 = s
        .parse()
        .map_err(|_| line_err(file, line, format!("{what} `{s}` is not a number")))?;
    if !v.is_finite() || v.abs() > limit {
        return Err(line_err(
            file,
            line,
            format!("{what} {v} is outside -{limit}..={limit} degrees"),
        ));
    }
    Ok(v)
}

/// Places of one TSV file, appended to `out`.
pub fn places(file: &str, text: &str, out: &mut Vec<Place>) -> Result<(), GazetteerError> {
    for (n, f) in tsv_rows(file, text, &PLACE_COLUMNS)? {
        let [id, name, name_ar, lat, lon, code, admin1, pop, alts] = f[..] else {
            return Err(line_err(file, n, "wrong number of columns"));
        };
        if id.is_empty() || name.is_empty() {
            return Err(line_err(file, n, "`id` and `name` must not be empty"));
        }
        let population = parse_population(file, n, pop)?;
        out.push(Place {
            id: id.to_string(),
            name: name.to_string(),
            name_ar: (!name_ar.is_empty()).then(|| name_ar.to_string()),
            lat: parse_coord(file, n, "lat", lat, 90.0)?,
            lon: parse_coord(file, n, "lon", lon, 180.0)?,
            feature_code: code.to_string(),
            admin1_code: admin1.to_string(),
            population,
            alternate_names: alts
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    Ok(())
}

fn parse_population(file: &str, line: usize, pop: &str) -> Result<u64, GazetteerError> {
    if pop.is_empty() {
        return Ok(0);
    }
    pop.parse().map_err(|_| {
        line_err(
            file,
            line,
            format!("population `{pop}` is not a whole number"),
        )
    })
}

/// The foreign places of `foreign.tsv`; an empty text gives none.
pub fn foreign(file: &str, text: &str) -> Result<Vec<Foreign>, GazetteerError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (n, f) in tsv_rows(file, text, &FOREIGN_COLUMNS)? {
        let [id, name, country, lat, lon, code, pop, names] = f[..] else {
            return Err(line_err(file, n, "wrong number of columns"));
        };
        if id.is_empty() || name.is_empty() || country.is_empty() {
            return Err(line_err(
                file,
                n,
                "`id`, `name` and `country` must not be empty",
            ));
        }
        parse_coord(file, n, "lat", lat, 90.0)?;
        parse_coord(file, n, "lon", lon, 180.0)?;
        out.push(Foreign {
            name: name.to_string(),
            country: country.to_string(),
            feature_code: code.to_string(),
            population: parse_population(file, n, pop)?,
            names: names
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
        });
    }
    Ok(out)
}

/// Adds the names of an aliases TSV to the places they name.
pub fn aliases(
    file: &str,
    text: &str,
    places: &mut [Place],
    by_id: &HashMap<String, usize>,
) -> Result<(), GazetteerError> {
    if text.trim().is_empty() {
        return Ok(());
    }
    for (n, f) in tsv_rows(file, text, &ALIAS_COLUMNS)? {
        let [place_id, name, _source] = f[..] else {
            return Err(line_err(file, n, "wrong number of columns"));
        };
        let &i = by_id
            .get(place_id)
            .ok_or_else(|| line_err(file, n, format!("no place has id `{place_id}`")))?;
        if name.is_empty() {
            return Err(line_err(file, n, "`name` must not be empty"));
        }
        places[i].alternate_names.push(name.to_string());
    }
    Ok(())
}

fn prop<'a>(
    file: &str,
    feature: usize,
    props: Option<&'a geojson::JsonObject>,
    key: &str,
) -> Result<&'a str, GazetteerError> {
    props
        .and_then(|p| p.get(key))
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::trim)
        .ok_or_else(|| {
            file_err(
                file,
                format!("feature {feature}: property `{key}` missing or not a string"),
            )
        })
}

/// The governorates of a GeoJSON FeatureCollection of Polygon or MultiPolygon features.
pub fn regions(file: &str, text: &str) -> Result<Vec<Region>, GazetteerError> {
    let gj = GeoJson::from_reader(text.as_bytes())
        .map_err(|e| line_err(file, e.line(), format!("column {}: {e}", e.column())))?;
    let GeoJson::FeatureCollection(fc) = gj else {
        return Err(file_err(file, "expected a FeatureCollection"));
    };
    let mut out = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.iter().enumerate() {
        let props = f.properties.as_ref();
        let id = prop(file, i, props, "id")?;
        let geometry: MultiPolygon<f64> = match f.geometry.as_ref().map(|g| &g.value) {
            Some(v @ GeometryValue::MultiPolygon { .. }) => {
                MultiPolygon::try_from(v).map_err(|e| file_err(file, e.to_string()))?
            }
            Some(v @ GeometryValue::Polygon { .. }) => MultiPolygon(vec![
                Polygon::try_from(v).map_err(|e| file_err(file, e.to_string()))?
            ]),
            _ => {
                return Err(file_err(
                    file,
                    format!("feature {i} ({id}): geometry must be a Polygon or MultiPolygon"),
                ))
            }
        };
        let rect = geometry
            .bounding_rect()
            .ok_or_else(|| file_err(file, format!("feature {i} ({id}): empty geometry")))?;
        out.push(Region {
            id: id.to_string(),
            name: prop(file, i, props, "name")?.to_string(),
            name_ar: prop(file, i, props, "name_ar")?.to_string(),
            admin1_code: prop(file, i, props, "admin1_code")?.to_string(),
            bbox: [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
            geometry,
        });
    }
    Ok(out)
}

/// The names a governorate goes by: its own, and the phrases that name it whole ("محافظة X",
/// "X governorate") or its countryside ("ريف X", "X countryside").
pub fn region_forms(name: &str, name_ar: &str) -> Vec<(String, NameKind)> {
    use NameKind::*;
    vec![
        (name.to_string(), Name),
        (name_ar.to_string(), Name),
        (format!("محافظة {name_ar}"), Governorate),
        (format!("{name} Governorate"), Governorate),
        (format!("{name} Province"), Governorate),
        (format!("Governorate of {name}"), Governorate),
        (format!("Province of {name}"), Governorate),
        (format!("ريف {name_ar}"), Countryside),
        (format!("{name} countryside"), Countryside),
        (format!("countryside of {name}"), Countryside),
        (format!("Rif {name}"), Countryside),
    ]
}

/// `محافظة حلب` → `حلب`: the governorate names in the data carry the word "governorate".
pub fn bare_arabic_region_name(name_ar: &str) -> &str {
    let t = name_ar.trim();
    t.strip_prefix("محافظة")
        .or_else(|| t.strip_prefix("محافظه"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(t)
}

/// The place standing for a whole governorate: id `region:<slug>`, feature code `ADM1`, at a
/// point inside its polygon.
pub fn region_place(r: &Region) -> Result<Place, GazetteerError> {
    let p = r
        .geometry
        .interior_point()
        .ok_or_else(|| file_err("regions.geojson", format!("{}: no interior point", r.id)))?;
    Ok(Place {
        id: format!("region:{}", r.id),
        name: r.name.clone(),
        name_ar: Some(r.name_ar.clone()),
        lon: p.x(),
        lat: p.y(),
        feature_code: "ADM1".to_string(),
        admin1_code: r.admin1_code.clone(),
        population: 0,
        alternate_names: region_forms(&r.name, bare_arabic_region_name(&r.name_ar))
            .into_iter()
            .skip(1)
            .map(|(n, _)| n)
            .filter(|n| n != &r.name_ar)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "id\tname\tname_ar\tlat\tlon\tfeature_code\tadmin1_code\tpopulation\talternate_names\n";

    #[test]
    fn places_parse() {
        let text = format!(
            "{HEADER}geonames:1\tSaraqib\tسراقب\t35.86\t36.80\tPPL\t10\t32495\tSaraqeb|Sarāqib\n\n"
        );
        let mut out = Vec::new();
        places("places.tsv", &text, &mut out).expect("parses");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].alternate_names, vec!["Saraqeb", "Sarāqib"]);
        assert_eq!(out[0].name_ar.as_deref(), Some("سراقب"));
        assert_eq!(out[0].population, 32495);
    }

    #[test]
    fn errors_name_file_line_and_problem() {
        let cases = [
            (
                format!("{HEADER}a\tb\tc\tx\t36\tPPL\t10\t0\t\n"),
                2,
                "lat `x`",
            ),
            (format!("{HEADER}a\tb\tc\t35\t36\tPPL\n"), 2, "expected 9"),
            (
                format!("{HEADER}\na\tb\tc\t95\t36\tPPL\t10\t0\t\n"),
                3,
                "outside",
            ),
            (
                format!("{HEADER}a\tb\tc\t35\t36\tPPL\t10\tmany\t\n"),
                2,
                "population",
            ),
            ("id\tname\n".to_string(), 1, "no column `name_ar`"),
        ];
        for (text, line, words) in cases {
            let err = places("places.tsv", &text, &mut Vec::new()).expect_err("must fail");
            let msg = err.to_string();
            assert!(msg.contains("places.tsv"), "{msg}");
            assert!(msg.contains(&format!("line {line}")), "{msg}");
            assert!(msg.contains(words), "{msg}");
        }
        let err = places("places.tsv", "", &mut Vec::new()).expect_err("empty");
        assert!(err.to_string().contains("empty file"));
    }

    #[test]
    fn aliases_must_name_a_known_place() {
        let mut ps = Vec::new();
        places(
            "places.tsv",
            &format!("{HEADER}p1\tDweila\t\t33.5\t36.3\tPPLX\t13\t\t\n"),
            &mut ps,
        )
        .expect("parses");
        let by_id: HashMap<String, usize> = [("p1".to_string(), 0)].into();
        let text = "place_id\tname\tsource\np1\tDwela\tnews\n";
        aliases("aliases.tsv", text, &mut ps, &by_id).expect("parses");
        assert_eq!(ps[0].alternate_names, vec!["Dwela"]);
        let bad = "place_id\tname\tsource\np2\tX\tnews\n";
        let err = aliases("aliases.tsv", bad, &mut ps, &by_id).expect_err("unknown id");
        assert!(err.to_string().contains("aliases.tsv, line 2"), "{err}");
    }

    #[test]
    fn foreign_places_parse() {
        let head = "id\tname\tcountry\tlat\tlon\tfeature_code\tpopulation\tnames\n";
        let text = format!("{head}geonames:1\tKilis\tTR\t36.72\t37.12\tPPLA\t82301\tKilis|كلس\n");
        let out = foreign("foreign.tsv", &text).expect("parses");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].names, vec!["Kilis", "كلس"]);
        assert_eq!(out[0].population, 82301);
        assert!(foreign("foreign.tsv", "").expect("empty").is_empty());
        let bad = format!("{head}geonames:1\tKilis\tTR\t136.7\t37.1\tPPLA\t1\t\n");
        let err = foreign("foreign.tsv", &bad).expect_err("lat out of range");
        assert!(err.to_string().contains("foreign.tsv, line 2"), "{err}");
    }

    #[test]
    fn regions_parse_and_fail_clearly() {
        let good = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
            "properties":{"id":"idlib","name":"Idlib","name_ar":"إدلب","admin1_code":"10"},
            "geometry":{"type":"Polygon","coordinates":[[[36,35],[37,35],[37,36],[36,36],[36,35]]]}}]}"#;
        let rs = regions("regions.geojson", good).expect("parses");
        assert_eq!(rs[0].bbox, [36.0, 35.0, 37.0, 36.0]);
        let p = region_place(&rs[0]).expect("interior point");
        assert_eq!(p.id, "region:idlib");
        assert!(p.lon > 36.0 && p.lon < 37.0 && p.lat > 35.0 && p.lat < 36.0);

        let err = regions("regions.geojson", "{\n\"type\": }").expect_err("bad json");
        assert!(err.to_string().contains("regions.geojson, line 2"), "{err}");
        let no_name = good.replace("\"name\":\"Idlib\",", "");
        let err = regions("regions.geojson", &no_name).expect_err("no name");
        assert!(err.to_string().contains("`name`"), "{err}");
    }
}
