//! What QGIS will see: the exported GeoJSON opened with GDAL's `ogrinfo` (Debian `gdal-bin`).
//! The feature count, the layer name and the field types must come through as typed fields.

mod common;

use std::process::Command;

use common::{get, seeded_app};

fn ogrinfo(path: &std::path::Path) -> String {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .arg(path)
        .output()
        .expect("ogrinfo must be installed (Debian gdal-bin; .ci/run installs it)");
    assert!(
        out.status.success(),
        "ogrinfo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // GDAL warns about anything non-conformant it reads (e.g. a timestamp in the wrong form)
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Warning"),
        "ogrinfo warns on {}: {stderr}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn exported_geojson_opens_in_gdal_with_typed_fields() {
    let app = seeded_app();
    let dir = tempfile::tempdir().expect("tempdir");
    for (uri, count) in [
        ("/api/export?format=geojson", 9),
        ("/api/export?format=geojson&region=idlib", 4),
    ] {
        let r = get(&app, uri).await;
        r.expect_status(200);
        let path = dir.path().join("export.geojson");
        std::fs::write(&path, &r.body).expect("write export");
        let info = ogrinfo(&path);
        assert!(info.contains("Layer name: incidents"), "{info}");
        assert!(info.contains("Geometry: Point"), "{info}");
        assert!(
            info.contains(&format!("Feature Count: {count}")),
            "{uri}: {info}"
        );
        for field in [
            "id: String",
            "event_date: Date",
            "time_precision: Integer",
            "event_type: String",
            "actor1: String",
            "actor2: String",
            "fatalities: Integer",
            "location_ar: String",
            "geo_precision: Integer",
            "source_text: String",
            "review: String",
        ] {
            assert!(
                info.contains(field),
                "{uri}: expected field {field:?} in\n{info}"
            );
        }
        assert!(
            !info.contains("(JSON)"),
            "no field may be a JSON blob: {info}"
        );
        assert!(info.contains("WGS 84"), "{info}");
    }
}

#[tokio::test]
async fn arabic_text_survives_gdal() {
    let app = seeded_app();
    let r = get(&app, "/api/export?format=geojson&region=damascus").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("damascus.geojson");
    std::fs::write(&path, &r.body).expect("write");
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-q"])
        .arg(&path)
        .output()
        .expect("ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fatalities (Integer) = 22"), "{text}");
    assert!(text.contains("الدويلعة"), "{text}");
    assert!(text.contains("event_date (Date) = 2025/06/22"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// The real binary on a free port, read by GDAL's OGC API – Features driver and GDAL's file
// drivers.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use chrono::{Days, NaiveDate};
use incident_map::incidents::{synthetic, Incident, Store};

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");

/// `incident-map serve` on 127.0.0.1 with a free port over a data directory holding the given
/// incidents (the curated seed is imported next to them at start-up); stopped by its PID.
struct Server {
    child: Child,
    addr: String,
    _data: tempfile::TempDir,
}

impl Server {
    fn start(incidents: &[Incident]) -> Server {
        let data = tempfile::tempdir().expect("tempdir");
        Store::open(data.path())
            .expect("store")
            .upsert(incidents, &[])
            .expect("store incidents");
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn the server");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(rest.trim_end_matches('/').to_string());
                    }
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the server prints its address");
        Server {
            child,
            addr,
            _data: data,
        }
    }

    fn ogc(&self) -> String {
        format!("OAPIF:http://{}/ogc", self.addr)
    }

    /// GET over HTTP/1.0 (the body ends with the connection, no chunking): status and body.
    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let (status, _, body) = self.get_with_head(path);
        (status, body)
    }

    /// Status, the head (status line and headers) and the body.
    fn get_with_head(&self, path: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        write!(s, "GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).expect("send");
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("headers end");
        let head = String::from_utf8_lossy(&raw[..split]);
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status");
        (status, head.into_owned(), raw[split + 4..].to_vec())
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json")
    }

    /// Feature ids the JSON API answers for a query, in catalogue order.
    fn api_ids(&self, query: &str) -> Vec<String> {
        ids(&self.json(&format!("/api/incidents?limit=100000&{query}")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ids(fc: &serde_json::Value) -> Vec<String> {
    fc["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_string())
        .collect()
}

/// Runs a GDAL program; stdout and stderr (the `--debug on` log) on success.
fn gdal(program: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (Debian gdal-bin): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{program} {args:?} failed: {stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

/// One feature as `ogrinfo -al` prints it: its fields and its point.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    fields: BTreeMap<String, String>,
    /// lon, lat in units of 1e-7 degrees
    point: Option<(i64, i64)>,
}

fn rows(ogrinfo_al: &str) -> Vec<Row> {
    let mut out: Vec<Row> = Vec::new();
    for line in ogrinfo_al.lines() {
        if line.starts_with("OGRFeature(") {
            out.push(Row {
                fields: BTreeMap::new(),
                point: None,
            });
            continue;
        }
        let Some(row) = out.last_mut() else { continue };
        let t = line.trim();
        if let Some(p) = t.strip_prefix("POINT (").and_then(|p| p.strip_suffix(')')) {
            let xy: Vec<f64> = p
                .split(' ')
                .map(|v| v.parse().expect("coordinate"))
                .collect();
            row.point = Some(((xy[0] * 1e7).round() as i64, (xy[1] * 1e7).round() as i64));
        } else if let Some((name, value)) = t.split_once(") = ") {
            if let Some((name, _type)) = name.split_once(" (") {
                row.fields.insert(name.to_string(), value.to_string());
            }
        }
    }
    out
}

fn field_ids(rows: &[Row], field: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r.fields.get(field).cloned().expect("id field"))
        .collect()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Synthetic incidents, a dozen of them moved into the last week of November 2025 and around
/// it (some spanning into it from before or out of it after), so date filters have work to do.
fn test_incidents(n: usize) -> Vec<Incident> {
    let mut all = synthetic::incidents(n, 11);
    for (k, inc) in all.iter_mut().take(12).enumerate() {
        inc.event_date = day("2025-11-20") + Days::new(k as u64);
        inc.event_date_end = (k % 3 == 0).then(|| inc.event_date + Days::new(3));
    }
    all
}

#[test]
fn oapif_layers_counts_and_typed_fields() {
    let server = Server::start(&test_incidents(60));
    let (list, _) = gdal("ogrinfo", &["-ro", &server.ogc()]);
    for layer in ["1: incidents", "2: places", "3: regions"] {
        assert!(list.contains(layer), "{list}");
    }
    let (info, log) = gdal(
        "ogrinfo",
        &["-ro", "-so", "--debug", "on", &server.ogc(), "incidents"],
    );
    assert!(info.contains("Feature Count: 69"), "{info}");
    // the count comes from numberMatched: one page was read, not all of them
    assert_eq!(log.matches("/items?").count(), 1, "{log}");
    for field in [
        "id: String",
        "event_date: Date",
        "event_date_end: Date",
        "fatalities: Integer",
        "time_precision: Integer",
        "geo_precision: Integer",
        "location_ar: String",
    ] {
        assert!(info.contains(field), "{field} in {info}");
    }
    let places = server.json("/ogc/collections/places/items?resultType=hits")["numberMatched"]
        .as_u64()
        .expect("count");
    let (info, _) = gdal("ogrinfo", &["-ro", "-so", &server.ogc(), "places"]);
    assert!(info.contains(&format!("Feature Count: {places}")), "{info}");
    let (info, _) = gdal("ogrinfo", &["-ro", "-so", &server.ogc(), "regions"]);
    assert!(
        info.contains("Feature Count: 14") && info.contains("Multi Polygon"),
        "{info}"
    );
}

#[test]
fn oapif_spat_returns_what_the_bbox_filter_returns() {
    let server = Server::start(&test_incidents(150));
    for bbox in [
        [36.0, 34.0, 39.0, 36.5],
        [35.5, 32.0, 37.0, 34.0],
        [40.0, 35.0, 42.5, 37.5],
    ] {
        let b: Vec<String> = bbox.iter().map(f64::to_string).collect();
        let want: BTreeSet<String> = server
            .api_ids(&format!("bbox={}", b.join(",")))
            .into_iter()
            .collect();
        assert!(want.len() > 3, "{bbox:?} selects a few");
        let mut args = vec!["-ro", "-q", "--debug", "on"];
        let ogc = server.ogc();
        args.extend([ogc.as_str(), "incidents", "-spat"]);
        args.extend(b.iter().map(String::as_str));
        let (out, log) = gdal("ogrinfo", &args);
        let got = field_ids(&rows(&out), "id");
        assert_eq!(
            got.len(),
            want.len(),
            "{bbox:?}: no duplicates, none missing"
        );
        assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want, "{bbox:?}");
        assert!(log.contains("bbox="), "the box goes to the server: {log}");
    }
}

#[test]
fn oapif_small_pages_lose_and_repeat_nothing() {
    let server = Server::start(&test_incidents(40));
    let want = server.api_ids("");
    assert_eq!(want.len(), 49);
    let (out, log) = gdal(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            "--debug",
            "on",
            "-oo",
            "PAGE_SIZE=3",
            &server.ogc(),
            "incidents",
        ],
    );
    let got = field_ids(&rows(&out), "id");
    assert_eq!(got, want, "every incident once, in catalogue order");
    let pages = log
        .lines()
        .filter(|l| l.contains("Fetch(") && l.contains("cursor="))
        .count();
    assert_eq!(pages, 16, "followed the next links: {log}");
}

/// `ogrinfo -where CLAUSE` on the OAPIF incidents layer: its rows and GDAL's debug log.
fn where_on_incidents(ogc: &str, clause: &str) -> (String, String) {
    gdal(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            "--debug",
            "on",
            ogc,
            "incidents",
            "-where",
            clause,
        ],
    )
}

#[test]
fn oapif_where_on_dates_and_properties_is_answered_by_the_server() {
    let server = Server::start(&test_incidents(200));
    let ogc = server.ogc();

    let (out, log) = where_on_incidents(
        &ogc,
        "event_date >= '2025-11-24' AND event_date <= '2025-11-30'",
    );
    assert!(log.contains("datetime=2025-11-24T%2F2025-11-30T"), "{log}");
    let got = rows(&out);
    let want = server.api_ids("datetime=2025-11-24/2025-11-30");
    assert!(want.len() >= 9, "{want:?}");
    assert_eq!(field_ids(&got, "id"), want);
    // the server's datetime is an overlap: an incident whose days reach into the week counts
    for r in &got {
        let first = day(&r.fields["event_date"].replace('/', "-"));
        let last = match r.fields.get("event_date_end").map(String::as_str) {
            None | Some("(null)") => first,
            Some(d) => day(&d.replace('/', "-")),
        };
        assert!(
            first <= day("2025-11-30") && last >= day("2025-11-24"),
            "{r:?}"
        );
    }

    for (clause, query, pushed) in [
        (
            "event_type = 'Battles'",
            "event_type=Battles",
            "event_type=Battles",
        ),
        ("admin1 = 'Idlib'", "admin1=Idlib", "admin1=Idlib"),
        (
            "actor1 = 'Islamic State (Syria)'",
            "actor1=Islamic%20State%20(Syria)",
            "actor1=Islamic%20State%20(Syria)",
        ),
        (
            "event_type = 'Protests' AND admin1 = 'Aleppo'",
            "event_type=Protests&admin1=Aleppo",
            "event_type=Protests&admin1=Aleppo",
        ),
    ] {
        let (out, log) = where_on_incidents(&ogc, clause);
        assert!(log.contains(pushed), "{clause}: {log}");
        assert!(!log.contains("evaluated on client side"), "{clause}: {log}");
        let want = server.api_ids(query);
        assert!(!want.is_empty(), "{clause}");
        assert_eq!(field_ids(&rows(&out), "id"), want, "{clause}");
    }
}

#[test]
fn bad_ogc_parameters_get_400_json_from_the_server() {
    let server = Server::start(&[]);
    for path in [
        "/ogc/collections/incidents/items?bbox=1,2,3",
        "/ogc/collections/incidents/items?limit=0",
        "/ogc/collections/incidents/items?datetime=yesterday",
        "/ogc/collections/incidents/items?colour=red",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 400, "{path}");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json error");
        assert!(v["error"].is_string() && v["detail"].is_string(), "{v}");
    }
}

#[test]
fn every_export_format_opens_in_gdal_with_the_same_features() {
    let mut incidents = test_incidents(120);
    // two awkward cells, on incidents inside the exported box
    let mut inside = incidents.iter_mut().filter(|i| i.lon <= 39.0);
    inside.next().expect("one inside").notes = "=HYPERLINK(\"http://example.org\")".into();
    inside.next().expect("another inside").location = "Kafr Nabl, \"the\" town".into();
    let server = Server::start(&incidents);
    let dir = tempfile::tempdir().expect("tempdir");
    let query = "bbox=35.5,32,39,37.5";
    let api = server.json(&format!("/api/incidents?limit=100000&{query}"));
    let features = api["features"].as_array().expect("features");
    assert!(features.len() > 30);
    // what every format must hold: id, Arabic place name, notes and point of each feature
    let want: BTreeSet<(String, String, String, (i64, i64))> = features
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let c = &f["geometry"]["coordinates"];
            let q = |v: &serde_json::Value| (v.as_f64().expect("coordinate") * 1e7).round() as i64;
            (
                f["id"].as_str().expect("id").to_string(),
                p["location_ar"].as_str().expect("location_ar").to_string(),
                p["admin1_ar"].as_str().expect("admin1_ar").to_string(),
                (q(&c[0]), q(&c[1])),
            )
        })
        .collect();
    assert!(want
        .iter()
        .any(|w| w.1.chars().any(|c| ('\u{0600}'..='\u{06ff}').contains(&c))));

    for (format, date_type) in [
        ("geojson", "Date"),
        ("geojsonl", "Date"),
        ("csv", "Date"),
        ("gpkg", "Date"),
        // FlatGeobuf has no date-only column type
        ("fgb", "DateTime"),
    ] {
        let (status, head, body) =
            server.get_with_head(&format!("/api/export?format={format}&{query}"));
        assert_eq!(status, 200, "{format}");
        // saved under the name the server suggests, as a browser would
        let name = head
            .split("filename=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("Content-Disposition names the file");
        assert!(
            name.starts_with("incidents-bbox") && name.ends_with(&format!(".{format}")),
            "{name}"
        );
        let path = dir.path().join(name);
        std::fs::write(&path, &body).expect("write");
        let path = path.to_string_lossy().into_owned();
        // the line-based formats take the layer name from the file name
        let layer = match format {
            "csv" | "geojsonl" => name.rsplit_once('.').map_or(name, |(stem, _)| stem),
            _ => "incidents",
        };
        let mut args = vec!["-ro"];
        if format == "csv" {
            args.extend([
                "-oo",
                "AUTODETECT_TYPE=YES",
                "-oo",
                "X_POSSIBLE_NAMES=longitude",
                "-oo",
                "Y_POSSIBLE_NAMES=latitude",
                "-oo",
                "KEEP_GEOM_COLUMNS=NO",
            ]);
        }
        args.extend([path.as_str(), layer]);
        let (summary, _) = gdal("ogrinfo", &[args.as_slice(), &["-so"]].concat());
        assert!(
            summary.contains(&format!("Feature Count: {}", want.len())),
            "{format}: {summary}"
        );
        assert!(summary.contains("Geometry: Point"), "{format}: {summary}");
        for field in [
            "fatalities: Integer",
            "time_precision: Integer",
            "geo_precision: Integer",
            &format!("event_date: {date_type}"),
            "location_ar: String",
        ] {
            assert!(summary.contains(field), "{format}: {field} in {summary}");
        }
        assert!(
            summary.contains(&format!("Layer name: {layer}\n")),
            "{format}: {summary}"
        );
        // every table read in full, the GeoPackage's style table too, without a warning
        let (_, warnings) = gdal("ogrinfo", &["-ro", "-al", "-q", path.as_str()]);
        assert!(!warnings.contains("Warning"), "{format}: {warnings}");
        let (all, _) = gdal("ogrinfo", &[args.as_slice(), &["-q"]].concat());
        let id = if format == "csv" {
            "event_id_cnty"
        } else {
            "id"
        };
        let got: BTreeSet<(String, String, String, (i64, i64))> = rows(&all)
            .into_iter()
            .map(|r| {
                (
                    r.fields[id].clone(),
                    r.fields["location_ar"].clone(),
                    r.fields["admin1_ar"].clone(),
                    r.point.expect("point"),
                )
            })
            .collect();
        assert_eq!(got, want, "{format}: the same features, Arabic intact");
        let notes: Vec<&str> = all
            .lines()
            .filter(|l| l.contains("notes (String) = ") && l.contains("HYPERLINK"))
            .collect();
        let expected_note = if format == "csv" {
            "'=HYPERLINK(\"http://example.org\")"
        } else {
            "=HYPERLINK(\"http://example.org\")"
        };
        assert!(
            notes
                .iter()
                .any(|l| l.ends_with(&format!("= {expected_note}"))),
            "{format}: {notes:?}"
        );
        assert!(all.contains("Kafr Nabl, \"the\" town"), "{format}");
    }
}

#[tokio::test]
async fn empty_exports_still_open_in_gdal() {
    let app = seeded_app();
    let dir = tempfile::tempdir().expect("tempdir");
    // an empty GeoJSON Lines file is an empty file, which no driver claims
    for format in ["geojson", "csv", "gpkg", "fgb"] {
        let r = get(
            &app,
            &format!("/api/export?format={format}&region=quneitra"),
        )
        .await;
        r.expect_status(200);
        let path = dir.path().join(format!("empty.{format}"));
        std::fs::write(&path, &r.body).expect("write");
        let (info, errors) = gdal("ogrinfo", &["-ro", "-so", "-al", &path.to_string_lossy()]);
        assert!(info.contains("Feature Count: 0"), "{format}: {info}");
        assert!(!errors.contains("ERROR"), "{format}: {errors}");
    }
}
