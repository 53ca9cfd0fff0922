//! Bulk import: the readers on the fixtures (counts, fields, Arabic text, ACLED's columns),
//! the `import` command on files (row errors with line or feature numbers, `--strict`,
//! re-import by id, export → import round trips), `POST /api/import` (token, counts, limits,
//! bad bodies), and random input fed to every reader without a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use common::{app_with_token, get, Reply};
use incident_map::gazetteer::Gazetteer;
use incident_map::import::{self, InputFormat, RowAt};
use incident_map::incidents::{seed, synthetic, Incident, Review, Store};
use proptest::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");
const TOKEN: &str = "import-token";

fn gz() -> &'static Gazetteer {
    static GZ: OnceLock<Gazetteer> = OnceLock::new();
    GZ.get_or_init(|| Gazetteer::embedded().expect("embedded gazetteer"))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn read_fixture(format: InputFormat, name: &str) -> (Vec<Incident>, Vec<import::RowError>) {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    import::read_all(format, &bytes, gz())
}

fn by_id<'a>(incidents: &'a [Incident], id: &str) -> &'a Incident {
    incidents
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no incident {id}"))
}

fn run(args: &[&str], data: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("run the binary")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every stored incident, by id.
fn all_stored(data: &Path) -> Vec<Incident> {
    let mut all = Store::open(data)
        .expect("open store")
        .load_all()
        .expect("load");
    all.sort_by(|a, b| a.id.cmp(&b.id));
    all
}

fn seed_ids() -> Vec<String> {
    seed::load(seed::SEED_TOML, gz())
        .expect("seed")
        .into_iter()
        .map(|i| i.id)
        .collect()
}

/// The stored incidents but the curated seed every data directory starts with.
fn stored(data: &Path) -> Vec<Incident> {
    let seeds = seed_ids();
    all_stored(data)
        .into_iter()
        .filter(|i| !seeds.contains(&i.id))
        .collect()
}

#[test]
fn acled_csv_with_its_own_columns() {
    let (got, errors) = read_fixture(InputFormat::Csv, "acled.csv");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(got.len(), 5);
    let a = by_id(&got, "SYR90001");
    assert_eq!(a.event_date.to_string(), "2024-03-15");
    assert_eq!(a.event_type, "Explosions/Remote violence");
    assert_eq!(a.sub_event_type, "Shelling/artillery/missile attack");
    assert_eq!(
        a.actor1.as_deref(),
        Some("Unidentified Armed Group (Syria)")
    );
    assert_eq!(a.actor2.as_deref(), Some("Civilians (Syria)"));
    assert_eq!(a.fatalities, 2);
    assert_eq!((a.lon, a.lat), (36.8059, 35.8645));
    assert_eq!(a.admin1, "Idleb");
    assert_eq!(a.admin1_ar, "محافظة إدلب");
    assert_eq!(a.location_ar, "سراقب");
    assert_eq!(a.place_id, "geonames:164816");
    assert_eq!(a.source, "Local monitoring group");
    assert!(a.notes.contains("(Idleb), killing 2") && a.notes.contains("\"several\""));
    assert_eq!(a.review, Review::Curated);
    assert_eq!(a.source_text, "");

    // the download's date form and a quoted line break
    let b = by_id(&got, "SYR90002");
    assert_eq!(b.event_date.to_string(), "2024-03-16");
    assert!(b.notes.contains("Al Bab.\nNo fatalities"), "{:?}", b.notes);
    assert_eq!(b.location_ar, "الباب");
    let c = by_id(&got, "SYR90003");
    assert_eq!(
        (c.disorder_type.as_str(), c.event_type.as_str()),
        ("Demonstrations", "Protests")
    );
    assert_eq!(c.admin1_ar, "محافظة درعا");
    let d = by_id(&got, "SYR90004");
    assert_eq!((d.time_precision, d.geo_precision), (2, 2));
    assert_eq!(d.admin1_ar, "محافظة دير الزور");
    assert_eq!(d.location_ar, "الميادين");
    // a place the gazetteer does not know, in a governorate spelt as ACLED does
    let e = by_id(&got, "SYR90005");
    assert_eq!(e.location_ar, "Hosh Al Warda Farm");
    assert_eq!(e.place_id, "acled:SYR90005");
    assert_eq!(e.admin1, "Rural Damascus");
    assert_eq!(e.admin1_ar, "محافظة ريف دمشق");
}

#[test]
fn geojson_and_geojson_lines_fixtures() {
    let (got, errors) = read_fixture(InputFormat::GeoJson, "incidents.geojson");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(got.len(), 3);
    let a = by_id(&got, "IMP-0001");
    assert_eq!(a.location_ar, "سراقب");
    assert!(a.source_text.starts_with("استهدفت طائرة مسيرة"));
    assert_eq!(a.place_id, "geonames:164816");
    let b = by_id(&got, "IMP-0002");
    assert_eq!(
        b.event_date_end.map(|d| d.to_string()).as_deref(),
        Some("2025-10-05")
    );
    assert_eq!(b.review, Review::Extracted);
    assert_eq!(b.actor2, None);
    assert!(by_id(&got, "IMP-0003").notes.contains("\"peacefully\""));

    let (lines, errors) = read_fixture(InputFormat::GeoJsonLines, "incidents.geojsonl");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(lines.len(), 4);
    // ACLED's names, no geometry, every value a string
    let acled = by_id(&lines, "IMP-0201");
    assert_eq!(acled.event_date.to_string(), "2025-10-07");
    assert_eq!((acled.lon, acled.lat), (35.92759, 35.36211));
    assert_eq!(acled.fatalities, 1);
    assert_eq!(acled.location_ar, "جبلة");
    assert_eq!(acled.admin1_ar, "محافظة اللاذقية");
    // the same features as the collection under other ids
    for (line, feature) in lines[1..].iter().zip(&got) {
        let mut same = line.clone();
        same.id = feature.id.clone();
        assert_eq!(&same, feature);
    }
}

#[test]
fn the_command_imports_each_format_and_reports_counts() {
    let data = tempfile::tempdir().expect("tempdir");
    for (file, read) in [
        ("acled.csv", 5),
        ("incidents.geojson", 3),
        ("incidents.geojsonl", 4),
    ] {
        let path = fixture(file);
        let out = run(&["import", path.to_str().expect("path")], data.path());
        let err = stderr(&out);
        assert!(out.status.success(), "{file}: {err}");
        assert!(
            err.contains(&format!(
                "{read} rows read, {read} inserted, 0 updated, 0 invalid"
            )),
            "{file}: {err}"
        );
    }
    let all = stored(data.path());
    assert_eq!(all.len(), 12);
    assert_eq!(by_id(&all, "IMP-0003").location_ar, "دوما");
    assert_eq!(by_id(&all, "SYR90001").location_ar, "سراقب");

    // the format by flag when the extension says nothing
    let copy = data.path().join("rows.txt");
    std::fs::copy(fixture("incidents.geojsonl"), &copy).expect("copy");
    let out = run(&["import", copy.to_str().expect("path")], data.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format"), "{}", stderr(&out));
    let out = run(
        &["import", copy.to_str().expect("path"), "--format", "ndjson"],
        data.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("4 rows read, 0 inserted, 4 updated"));

    // a missing file: an error naming it, a non-zero exit
    let out = run(&["import", "/nonexistent/x.csv"], data.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/x.csv"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &["import", copy.to_str().expect("path"), "--format", "shp"],
        data.path(),
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_rows_are_named_and_the_rest_imported() {
    let data = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "acled_invalid.csv",
            &[
                "line 3: event_date: \"2024-02-30\" is not a date",
                "line 6: SYRX4: sub_event_type \"Suicide bomb\"",
                "line 7: latitude: \"abc\" is not a number",
            ],
            "6 rows read, 3 inserted, 0 updated, 3 invalid",
        ),
        (
            "invalid.geojsonl",
            &[
                "line 3: not a GeoJSON Feature",
                "line 5: geometry: type \"Polygon\"",
                "line 6: BAD-6: time_precision must be 1, 2 or 3",
                "line 7: BAD-7: unknown event_type \"Bombing\"",
            ],
            "7 rows read, 3 inserted, 0 updated, 4 invalid",
        ),
        (
            "invalid.geojson",
            &[
                "feature 2 (line 37): fatalities: -1 is not a whole number",
                "feature 4 (line 103): event_date: \"yesterday\" is not a date",
            ],
            // BAD-1 and BAD-4 exist already from the lines file: updated
            "4 rows read, 1 inserted, 1 updated, 2 invalid",
        ),
    ];
    for (file, errors, summary) in cases {
        let path = fixture(file);
        let out = run(&["import", path.to_str().expect("path")], data.path());
        let err = stderr(&out);
        assert!(out.status.success(), "{file}: {err}");
        for e in errors {
            assert!(
                err.contains(&format!("{}: {e}", path.display())),
                "{file}: {e}\n{err}"
            );
        }
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with(&*path.to_string_lossy()))
                .count(),
            errors.len(),
            "{file}: {err}"
        );
        assert!(err.contains(summary), "{file}: {err}");
    }
    let ids: Vec<String> = stored(data.path()).into_iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        ["BAD-1", "BAD-3", "BAD-4", "BAD-8", "SYRX1", "SYRX3", "SYRX6"]
    );
}

#[test]
fn strict_stores_nothing_of_an_invalid_file_and_exits_2() {
    let data = tempfile::tempdir().expect("tempdir");
    for file in ["acled_invalid.csv", "invalid.geojsonl", "invalid.geojson"] {
        let path = fixture(file);
        let out = run(
            &["import", "--strict", path.to_str().expect("path")],
            data.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{file}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing of it stored"),
            "{}",
            stderr(&out)
        );
        assert!(stored(data.path()).is_empty(), "{file}");
    }
    // a broken FeatureCollection is refused whole too
    let broken = data.path().join("broken.geojson");
    let text = std::fs::read_to_string(fixture("incidents.geojson")).expect("fixture");
    std::fs::write(&broken, &text[..text.len() - 40]).expect("write");
    let out = run(
        &["import", "--strict", broken.to_str().expect("path")],
        data.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stored(data.path()).is_empty());
    // without --strict the features before the break are stored, and the exit says it broke
    let out = run(&["import", broken.to_str().expect("path")], data.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not readable to the end"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stored(data.path()).len(), 2);
    // a valid file with --strict goes in whole
    let path = fixture("acled.csv");
    let out = run(
        &["import", "--strict", path.to_str().expect("path")],
        data.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stored(data.path()).len(), 7);
}

#[test]
fn reimport_updates_by_id() {
    let data = tempfile::tempdir().expect("tempdir");
    let first = fixture("acled.csv");
    let out = run(
        &["import", first.to_str().expect("path"), "--batch", "2"],
        data.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("5 rows read, 5 inserted, 0 updated"));
    assert_eq!(by_id(&stored(data.path()), "SYR90001").fatalities, 2);
    let changed = fixture("acled_changed.csv");
    let out = run(
        &["import", changed.to_str().expect("path"), "--batch", "2"],
        data.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("5 rows read, 0 inserted, 5 updated, 0 invalid"),
        "{}",
        stderr(&out)
    );
    let all = stored(data.path());
    assert_eq!(all.len(), 5);
    assert_eq!(by_id(&all, "SYR90001").fatalities, 3);
}

/// Incidents whose text exercises quoting and the formula guard of the CSV export.
fn awkward() -> Vec<Incident> {
    let mut all = synthetic::incidents(300, 11);
    let texts = [
        "=1+2",
        "-3 dead, \"many\" hurt",
        "@home",
        "two\nlines",
        "سراقب، إدلب",
        "+963",
        " spaced ",
        "a,b;c\tq",
    ];
    for (n, inc) in all.iter_mut().enumerate() {
        inc.notes = texts[n % texts.len()].to_string();
        inc.actor1 = Some(texts[(n + 3) % texts.len()].to_string());
        inc.location_ar = texts[(n + 4) % texts.len()].to_string();
        inc.lon += 1e-9 * n as f64;
    }
    all
}

#[test]
fn export_then_import_gives_the_same_features() {
    let source = tempfile::tempdir().expect("tempdir");
    Store::open(source.path())
        .expect("store")
        .upsert(&awkward(), &[])
        .expect("upsert");
    for (format, ext) in [
        ("geojson", "geojson"),
        ("geojsonl", "geojsonl"),
        ("csv", "csv"),
    ] {
        let file = source.path().join(format!("all.{ext}"));
        let out = run(
            &[
                "export",
                "--format",
                format,
                "-o",
                file.to_str().expect("path"),
            ],
            source.path(),
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let target = tempfile::tempdir().expect("tempdir");
        let out = run(&["import", file.to_str().expect("path")], target.path());
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        // the export also holds the seed incidents it added on opening the directory, and the
        // import command seeds its new directory first: those rows are updates
        let exported = all_stored(source.path());
        let seeds = seed_ids().len();
        assert!(
            stderr(&out).contains(&format!(
                "{n} rows read, {i} inserted, {seeds} updated, 0 invalid",
                n = exported.len(),
                i = exported.len() - seeds
            )),
            "{format}: {}",
            stderr(&out)
        );
        let imported = all_stored(target.path());
        assert_eq!(imported.len(), exported.len());
        for (a, b) in exported.iter().zip(&imported) {
            assert_eq!(
                String::from_utf8(a.to_feature_json()).expect("utf-8"),
                String::from_utf8(b.to_feature_json()).expect("utf-8"),
                "{format}"
            );
        }
    }
}

// ---- HTTP ----

async fn post(
    app: &Router,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    common::send_body(app, "POST", uri, token, content_type, body).await
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture")
}

#[tokio::test]
async fn the_route_needs_the_token() {
    let body = fixture_bytes("incidents.geojson");
    let closed = app_with_token(None);
    let r = post(
        &closed,
        "/api/import",
        Some(TOKEN),
        Some("application/geo+json"),
        body.clone(),
    )
    .await;
    r.expect_status(403);
    let open = app_with_token(Some(TOKEN));
    let r = post(
        &open,
        "/api/import",
        None,
        Some("application/geo+json"),
        body.clone(),
    )
    .await;
    r.expect_status(401);
    assert_eq!(r.header("www-authenticate"), "Bearer");
    let r = post(
        &open,
        "/api/import",
        Some("wrong"),
        Some("application/geo+json"),
        body,
    )
    .await;
    r.expect_status(401);
    get(&open, "/api/incidents/IMP-0001")
        .await
        .expect_status(404);
}

#[tokio::test]
async fn the_route_imports_counts_and_serves_at_once() {
    let app = app_with_token(Some(TOKEN));
    let r = post(
        &app,
        "/api/import",
        Some(TOKEN),
        Some("application/geo+json"),
        fixture_bytes("incidents.geojson"),
    )
    .await;
    let v = r.expect_status(200).json();
    assert_eq!(
        (
            v["read"].as_u64(),
            v["inserted"].as_u64(),
            v["updated"].as_u64()
        ),
        (Some(3), Some(3), Some(0)),
        "{v}"
    );
    assert_eq!(v["invalid_count"], 0);
    let f = get(&app, "/api/incidents/IMP-0002")
        .await
        .expect_status(200)
        .json();
    assert_eq!(f["properties"]["location_ar"], "الميادين");

    // CSV by ?format=, again with one row more: updated and inserted
    let r = post(
        &app,
        "/api/import?format=csv",
        Some(TOKEN),
        None,
        fixture_bytes("acled.csv"),
    )
    .await;
    let v = r.expect_status(200).json();
    assert_eq!(
        (v["inserted"].as_u64(), v["updated"].as_u64()),
        (Some(5), Some(0))
    );
    let r = post(
        &app,
        "/api/import",
        Some(TOKEN),
        Some("text/csv; charset=utf-8"),
        fixture_bytes("acled_changed.csv"),
    )
    .await;
    let v = r.expect_status(200).json();
    assert_eq!(
        (v["inserted"].as_u64(), v["updated"].as_u64()),
        (Some(0), Some(5))
    );
    let f = get(&app, "/api/incidents/SYR90001")
        .await
        .expect_status(200)
        .json();
    assert_eq!(f["properties"]["fatalities"], 3);
    let fc = get(&app, "/api/incidents?limit=10000")
        .await
        .expect_status(200)
        .json();
    let ids = common::ids(&fc);
    assert_eq!(ids.iter().filter(|i| *i == "SYR90001").count(), 1);

    // invalid rows listed with their line, the rest stored
    let r = post(
        &app,
        "/api/import",
        Some(TOKEN),
        Some("application/x-ndjson"),
        fixture_bytes("invalid.geojsonl"),
    )
    .await;
    let v = r.expect_status(200).json();
    assert_eq!(v["read"], 7, "{v}");
    assert_eq!(v["inserted"], 3, "{v}");
    assert_eq!(v["invalid_count"], 4, "{v}");
    assert_eq!(v["invalid"][0]["row"], "line 3", "{v}");
    assert_eq!(v["invalid"][1]["row"], "line 5", "{v}");
    assert!(v["invalid"][2]["reason"]
        .as_str()
        .is_some_and(|r| r.contains("time_precision")));
    get(&app, "/api/incidents/BAD-8").await.expect_status(200);
}

#[tokio::test]
async fn the_route_refuses_bad_bodies() {
    let app = app_with_token(Some(TOKEN));
    // strict: one invalid row refuses all
    let r = post(
        &app,
        "/api/import?strict=true",
        Some(TOKEN),
        Some("application/geo+json-seq"),
        fixture_bytes("invalid.geojsonl"),
    )
    .await;
    let v = r.expect_status(400).json();
    assert!(
        v["error"]
            .as_str()
            .is_some_and(|e| e.contains("4 invalid rows")),
        "{v}"
    );
    assert!(
        v["detail"].as_str().is_some_and(|d| d.contains("line 3")),
        "{v}"
    );
    get(&app, "/api/incidents/BAD-1").await.expect_status(404);

    for (uri, ct, body, needle) in [
        (
            "/api/import",
            Some("application/geo+json"),
            b"{\"type\":\"Feature\"".to_vec(),
            "body is not geojson",
        ),
        (
            "/api/import",
            Some("application/geo+json"),
            b"hello".to_vec(),
            "body is not geojson",
        ),
        (
            "/api/import",
            Some("text/csv"),
            b"a,b\n1,2\n".to_vec(),
            "body is not csv",
        ),
        (
            "/api/import?format=shp",
            None,
            b"x".to_vec(),
            "invalid format",
        ),
        (
            "/api/import",
            Some("text/plain"),
            b"x".to_vec(),
            "unsupported content type",
        ),
        (
            "/api/import",
            None,
            b"x".to_vec(),
            "unsupported content type",
        ),
        (
            "/api/import?format=csv&strict=maybe",
            None,
            b"x".to_vec(),
            "invalid strict",
        ),
        (
            "/api/import?format=csv&dry=1",
            None,
            b"x".to_vec(),
            "unknown parameter",
        ),
    ] {
        let r = post(&app, uri, Some(TOKEN), ct, body).await;
        let v = r.expect_status(400).json();
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains(needle)),
            "{uri}: {v}"
        );
    }

    // over the limit: 413 in our error format, nothing stored
    let mut big = fixture_bytes("incidents.geojsonl");
    big.resize(incident_map::http::import::MAX_BODY_BYTES + 1, b'\n');
    let r = post(
        &app,
        "/api/import",
        Some(TOKEN),
        Some("application/x-ndjson"),
        big,
    )
    .await;
    let v = r.expect_status(413).json();
    assert_eq!(v["error"], "payload too large");
    get(&app, "/api/incidents/IMP-0201")
        .await
        .expect_status(404);
}

#[tokio::test]
async fn the_route_lists_the_first_invalid_rows_and_counts_all() {
    let app = app_with_token(Some(TOKEN));
    let good = String::from_utf8(synthetic::incidents(1, 9)[0].to_feature_json()).expect("utf-8");
    let mut body = format!("{good}\n");
    for n in 0..150 {
        body.push_str(&format!("not a feature {n}\n"));
    }
    let r = post(
        &app,
        "/api/import?format=geojsonl",
        Some(TOKEN),
        None,
        body.into_bytes(),
    )
    .await;
    let v = r.expect_status(200).json();
    assert_eq!(v["read"], 151, "{v}");
    assert_eq!(v["inserted"], 1, "{v}");
    assert_eq!(v["invalid_count"], 150, "{v}");
    let listed = v["invalid"].as_array().expect("invalid list");
    assert_eq!(listed.len(), 100);
    assert_eq!(listed[0]["row"], "line 2");
    assert_eq!(listed[99]["row"], "line 101");

    // a declared length over the limit is refused before the body is read
    let req = Request::builder()
        .method("POST")
        .uri("/api/import")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-type", "text/csv")
        .header("content-length", "999999999999")
        .body(Body::from("x"))
        .expect("request");
    let r = common::send(&app, req, "POST /api/import (declared)".into()).await;
    r.expect_status(413);
}

// ---- no input panics ----

/// Pieces of the three formats, shuffled into near-valid inputs.
fn fragments() -> Vec<String> {
    let feature =
        String::from_utf8(synthetic::incidents(1, 5)[0].to_feature_json()).expect("utf-8");
    let csv = std::fs::read_to_string(fixture("acled.csv")).expect("fixture");
    let mut out: Vec<String> = [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"",
        "\\",
        "\n",
        "\r\n",
        " ",
        "\u{feff}",
        "\u{1e}",
        "\"type\"",
        "\"FeatureCollection\"",
        "\"Feature\"",
        "\"features\"",
        "\"geometry\"",
        "\"Point\"",
        "\"coordinates\"",
        "[36.5,35.5]",
        "null",
        "1e999",
        "-0",
        "\"properties\"",
        "\"id\"",
        "\"event_date\"",
        "\"2024-02-30\"",
        "\"15 March 2024\"",
        "true",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "é",
        "سراقب",
        "\u{0}",
        "9999999999999999999999",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    out.push(feature.clone());
    out.extend(feature.split(',').map(str::to_string));
    out.extend(csv.split(',').map(str::to_string));
    out.extend(csv.lines().map(|l| format!("{l}\n")));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        for format in InputFormat::ALL {
            let rows: Vec<_> = import::read(*format, bytes.as_slice(), gz()).take(10_000).collect();
            // a fatal error is the last item
            if let Some(pos) = rows.iter().position(|r| r.as_ref().is_err_and(|e| e.fatal)) {
                prop_assert_eq!(pos + 1, rows.len());
            }
        }
    }

    #[test]
    fn shuffled_fragments_never_panic(picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..60)) {
        let pieces = fragments();
        let text: String = picks.iter().map(|i| i.get(&pieces).as_str()).collect();
        for format in InputFormat::ALL {
            for row in import::read(*format, text.as_bytes(), gz()).take(10_000) {
                if let Err(e) = row {
                    prop_assert!(!e.reason.is_empty());
                    let shown = e.at.to_string();
                    prop_assert!(shown.starts_with("line ") || shown.starts_with("feature "));
                    if let RowAt::Feature { n, .. } = e.at { prop_assert!(n >= 1); }
                }
            }
        }
    }
}
