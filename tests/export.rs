//! `/api/export` in every format and `incident-map export --format …`: media types, file
//! names, the files' signatures and contents, streaming, and bad formats.

mod common;

use std::process::Command;

use axum::body::Body;
use axum::http::Request;
use common::{get, state_with};
use http_body_util::BodyExt;
use incident_map::incidents::synthetic;
use tower::ServiceExt;

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");

fn gpkg_ids(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).expect("open gpkg");
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .expect("application_id");
    assert_eq!(app, 0x4750_4B47, "GPKG application id");
    let kinds: Vec<String> = conn
        .prepare("SELECT data_type FROM gpkg_contents WHERE table_name = 'incidents'")
        .expect("gpkg_contents")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(kinds, ["features"]);
    let style: String = conn
        .query_row(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'incidents' AND useAsDefault",
            [],
            |r| r.get(0),
        )
        .expect("a default QGIS style");
    assert!(style.contains("attr=\"event_type\""), "{style}");
    let ids = conn
        .prepare("SELECT id FROM incidents ORDER BY fid")
        .expect("table")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    ids
}

#[tokio::test]
async fn every_format_downloads_with_its_type_name_and_signature() {
    let app = incident_map::app(state_with(&synthetic::incidents(300, 5)));
    let api = get(&app, "/api/incidents?limit=100000&region=idlib")
        .await
        .json();
    let want: Vec<String> = common::ids(&api);
    assert!(want.len() > 5);
    let dir = tempfile::tempdir().expect("tempdir");
    for (format, media) in [
        ("geojson", "application/geo+json"),
        ("geojsonl", "application/x-ndjson"),
        ("csv", "text/csv; charset=utf-8"),
        ("gpkg", "application/geopackage+sqlite3"),
        ("fgb", "application/flatgeobuf"),
    ] {
        let r = get(&app, &format!("/api/export?format={format}&region=idlib")).await;
        r.expect_status(200);
        assert_eq!(r.header("content-type"), media);
        assert_eq!(
            r.header("content-disposition"),
            format!("attachment; filename=\"incidents-idlib.{format}\"")
        );
        let body = &r.body;
        match format {
            "geojson" => assert_eq!(common::ids(&r.json()), want),
            "geojsonl" => {
                let ids: Vec<String> = r
                    .text()
                    .lines()
                    .map(|l| {
                        let f: serde_json::Value = serde_json::from_str(l).expect("line");
                        f["id"].as_str().expect("id").to_string()
                    })
                    .collect();
                assert_eq!(ids, want);
            }
            "csv" => {
                let text = r.text();
                let text = text.strip_prefix('\u{feff}').expect("UTF-8 BOM");
                let mut lines = text.split("\r\n");
                let head = lines.next().expect("header");
                assert!(head.starts_with("event_id_cnty,event_date,"), "{head}");
                assert!(head.contains(",latitude,longitude,"), "{head}");
                let ids: Vec<&str> = lines
                    .filter(|l| !l.is_empty())
                    .map(|l| l.split(',').next().expect("id"))
                    .collect();
                assert_eq!(ids, want);
            }
            "gpkg" => {
                assert!(body.starts_with(b"SQLite format 3\0"));
                assert_eq!(r.header("content-length"), body.len().to_string());
                let path = dir.path().join("t.gpkg");
                std::fs::write(&path, body).expect("write");
                assert_eq!(gpkg_ids(&path), want);
            }
            "fgb" => {
                assert_eq!(&body[..3], b"fgb");
                assert_eq!(r.header("content-length"), body.len().to_string());
            }
            _ => unreachable!(),
        }
    }
    let r = get(&app, "/api/export?format=shp").await;
    r.expect_status(400);
    let err = r.json();
    assert_eq!(err["error"], "invalid format");
    assert!(err["detail"]
        .as_str()
        .expect("detail")
        .contains("geojson, geojsonl, csv, gpkg, fgb"));
}

/// With `Accept-Encoding`, every format arrives compressed and decodes to the same bytes.
#[tokio::test]
async fn compressed_downloads_decode_to_the_same_bytes() {
    use std::io::Read;
    let app = incident_map::app(state_with(&synthetic::incidents(300, 6)));
    for format in ["geojson", "geojsonl", "csv", "gpkg", "fgb"] {
        let uri = format!("/api/export?format={format}&region=aleppo");
        let plain = get(&app, &uri).await;
        plain.expect_status(200);
        for encoding in ["gzip", "br"] {
            let request = Request::get(&uri)
                .header("accept-encoding", encoding)
                .body(Body::empty())
                .expect("request");
            let response = app.clone().oneshot(request).await.expect("response");
            assert_eq!(response.status(), 200, "{format} {encoding}");
            assert_eq!(
                response.headers()["content-encoding"],
                encoding,
                "{format} {encoding}"
            );
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            let mut decoded = Vec::new();
            match encoding {
                "gzip" => flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut decoded)
                    .expect("gunzip"),
                _ => brotli_decompressor::Decompressor::new(&body[..], 4096)
                    .read_to_end(&mut decoded)
                    .expect("brotli"),
            };
            if format == "gpkg" {
                // a GeoPackage records when it was written: same size and signature
                assert_eq!(decoded.len(), plain.body.len(), "{format} {encoding}");
                assert!(decoded.starts_with(b"SQLite format 3\0"));
            } else {
                assert!(
                    decoded == plain.body,
                    "{format} {encoding}: decodes to other bytes"
                );
            }
            assert!(
                body.len() < plain.body.len(),
                "{format} {encoding} is smaller"
            );
        }
    }
}

#[tokio::test]
async fn large_exports_are_streamed_in_chunks() {
    let app = incident_map::app(state_with(&synthetic::incidents(5000, 9)));
    for format in ["geojson", "geojsonl", "csv", "gpkg"] {
        let response = app
            .clone()
            .oneshot(
                Request::get(format!("/api/export?format={format}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        assert_eq!(response.status(), 200);
        let mut body = response.into_body();
        let mut frames = 0;
        let mut bytes = 0;
        while let Some(frame) = body.frame().await {
            let frame = frame.expect("frame");
            if let Some(data) = frame.data_ref() {
                frames += 1;
                bytes += data.len();
            }
        }
        assert!(frames > 5, "{format}: {frames} chunks for {bytes} bytes");
    }
}

#[test]
fn the_command_line_writes_every_format() {
    let data = tempfile::tempdir().expect("tempdir");
    for format in ["geojson", "geojsonl", "csv", "gpkg", "fgb"] {
        let file = data.path().join(format!("idlib.{format}"));
        let out = Command::new(BIN)
            .args(["export", "--region", "idlib", "--format", format, "--data"])
            .arg(data.path())
            .arg("-o")
            .arg(&file)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(&file).expect("file");
        match format {
            "gpkg" => assert_eq!(gpkg_ids(&file).len(), 4),
            "fgb" => assert_eq!(&bytes[..3], b"fgb"),
            "csv" => assert_eq!(
                String::from_utf8(bytes)
                    .expect("utf-8")
                    .matches("\r\n")
                    .count(),
                5
            ),
            "geojsonl" => assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 4),
            _ => {
                let fc: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
                assert_eq!(fc["features"].as_array().map(Vec::len), Some(4));
            }
        }
    }
    // to stdout as well, binary formats included
    let out = Command::new(BIN)
        .args(["export", "--region", "idlib", "--format", "gpkg", "--data"])
        .arg(data.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"SQLite format 3\0"));

    let out = Command::new(BIN)
        .args(["export", "--format", "kml", "--data"])
        .arg(data.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--format") && err.contains("gpkg, fgb"),
        "{err}"
    );
}
