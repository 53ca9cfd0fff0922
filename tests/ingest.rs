//! The write path over HTTP (without a socket): POST /api/articles, PATCH and DELETE
//! /api/incidents/{id} — the token rules, body limits, idempotent ingest, duplicates of curated
//! incidents, and every endpoint seeing a change at once. Then the `ingest` and `eval` commands
//! of the binary.

mod common;

use axum::Router;
use common::{app_with_token, get, send_body, Reply};

const TOKEN: &str = "s3cret-token";
const SEED_ARTICLE: &str = include_str!("../seeds/000_256fd19c77ba421f.txt");
const EN_ARTICLE: &str = include_str!("../seeds/eval/en_desert_north.txt");
const AR_ARTICLE: &str = include_str!("../seeds/eval/ar_east_south.txt");

async fn post_text(app: &Router, token: Option<&str>, text: &str) -> Reply {
    send_body(
        app,
        "POST",
        "/api/articles",
        token,
        Some("text/plain; charset=utf-8"),
        text.as_bytes().to_vec(),
    )
    .await
}

#[tokio::test]
async fn writes_need_a_configured_token_and_the_right_one() {
    let closed = app_with_token(None);
    let r = post_text(&closed, Some(TOKEN), EN_ARTICLE).await;
    r.expect_status(403);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap_or("")
            .contains("INCIDENT_MAP_TOKEN"),
        "{}",
        r.text()
    );
    send_body(
        &closed,
        "DELETE",
        "/api/incidents/SYR-2025-0001",
        Some(TOKEN),
        None,
        vec![],
    )
    .await
    .expect_status(403);

    let open = app_with_token(Some(TOKEN));
    for token in [None, Some("wrong"), Some("s3cret-token2"), Some("")] {
        let r = post_text(&open, token, EN_ARTICLE).await;
        r.expect_status(401);
        assert_eq!(r.header("www-authenticate"), "Bearer");
        assert_eq!(r.json()["error"], "unauthorized");
        let r = send_body(
            &open,
            "PATCH",
            "/api/incidents/SYR-2025-0001",
            token,
            Some("application/json"),
            br#"{"fatalities": 9}"#.to_vec(),
        )
        .await;
        r.expect_status(401);
    }
    // nothing was written by the refused requests
    let all = get(&open, "/api/incidents").await;
    assert_eq!(all.json()["numberMatched"], 9);
    let one = get(&open, "/api/incidents/SYR-2025-0001").await;
    assert_eq!(one.json()["properties"]["fatalities"], 2);
}

#[tokio::test]
async fn bad_bodies_are_400_and_oversized_413() {
    let app = app_with_token(Some(TOKEN));
    for (ct, body) in [
        (Some("text/plain"), b"".to_vec()),
        (Some("text/plain"), b"  \n\t ".to_vec()),
        (Some("text/plain"), vec![0xff, 0xfe, 0x41]),
        (Some("application/json"), br#"{"title": "x"}"#.to_vec()),
        (
            Some("application/json"),
            br#"{"text": "x", "colour": 1}"#.to_vec(),
        ),
        (
            Some("application/json"),
            br#"{"text": "x", "published": "yesterday"}"#.to_vec(),
        ),
        (Some("application/json"), b"{not json".to_vec()),
        (Some("image/png"), b"abc".to_vec()),
    ] {
        let r = send_body(&app, "POST", "/api/articles", Some(TOKEN), ct, body).await;
        r.expect_status(400);
        let v = r.json();
        assert!(v["error"].is_string() && v["detail"].is_string(), "{v}");
    }
    let big = "قتل ".repeat(200_000); // 1.4 MB
    let r = post_text(&app, Some(TOKEN), &big).await;
    r.expect_status(413);
    assert_eq!(r.json()["error"], "payload too large");
    let body = serde_json::json!({ "text": big }).to_string().into_bytes();
    send_body(
        &app,
        "POST",
        "/api/articles",
        Some(TOKEN),
        Some("application/json"),
        body,
    )
    .await
    .expect_status(413);
    assert_eq!(get(&app, "/api/incidents").await.json()["numberMatched"], 9);
}

#[tokio::test]
async fn an_english_report_lands_on_the_map_once() {
    let app = app_with_token(Some(TOKEN));
    let body = serde_json::json!({
        "title": "Islamic State cells step up attacks",
        "source": "Test Wire",
        "url": "https://example.org/report",
        "published": "2026-02-25",
        "text": EN_ARTICLE,
    });
    let r = send_body(
        &app,
        "POST",
        "/api/articles",
        Some(TOKEN),
        Some("application/json"),
        body.to_string().into_bytes(),
    )
    .await;
    r.expect_status(201);
    let answer = r.json();
    assert_eq!(answer["article"]["new"], true);
    assert_eq!(answer["article"]["published"], "2026-02-25");
    let incidents = answer["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 5, "{answer:#}");
    for inc in incidents {
        assert_eq!(inc["status"], "stored");
        let e = &inc["evidence"];
        for key in ["sentence", "place_phrase"] {
            assert!(!e[key].as_str().unwrap_or("").is_empty(), "{key}: {inc}");
        }
        assert!(e["place"]["id"].is_string() && e["place"]["geo_precision"].is_u64());
        assert!(
            e["type_words"].as_array().is_some_and(|w| !w.is_empty()),
            "{inc}"
        );
        let c = e["confidence"].as_f64().expect("confidence");
        assert!((0.0..=1.0).contains(&c));
        let props = &inc["feature"]["properties"];
        assert_eq!(props["review"], "extracted");
        assert_eq!(
            props["source"],
            "Test Wire — Islamic State cells step up attacks"
        );
        assert!(inc["id"].as_str().unwrap_or("").starts_with("ART-"));
    }
    let tabqa = incidents
        .iter()
        .find(|i| i["evidence"]["place"]["id"] == "geonames:172374")
        .expect("the Tabqa drone strike");
    assert_eq!(tabqa["evidence"]["date_phrase"], "mid-February");
    assert_eq!(tabqa["feature"]["properties"]["event_date"], "2026-02-15");
    assert_eq!(tabqa["feature"]["properties"]["time_precision"], 2);
    assert_eq!(
        tabqa["feature"]["properties"]["sub_event_type"],
        "Air/drone strike"
    );
    assert_eq!(tabqa["feature"]["properties"]["fatalities"], 3);

    // on the map at once, filterable, marked extracted
    let extracted = get(&app, "/api/incidents?review=extracted").await;
    assert_eq!(extracted.json()["numberMatched"], 5);
    let raqqa = get(&app, "/api/incidents?region=raqqa").await;
    assert_eq!(raqqa.json()["numberMatched"], 2);
    assert_eq!(get(&app, "/healthz").await.json()["incidents"], 14);

    // the same text again creates nothing new and answers the same ids
    let again = post_text(&app, Some(TOKEN), &format!("\n{EN_ARTICLE}  \r\n")).await;
    again.expect_status(200);
    let a2 = again.json();
    assert_eq!(a2["article"]["new"], false);
    assert_eq!(a2["article"]["id"], answer["article"]["id"]);
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["incidents"]
            .as_array()
            .expect("incidents")
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(ids(&a2), ids(&answer));
    assert_eq!(
        get(&app, "/api/incidents").await.json()["numberMatched"],
        14
    );
}

#[tokio::test]
async fn the_seed_article_reports_duplicates_instead_of_second_points() {
    let app = app_with_token(Some(TOKEN));
    let r = post_text(&app, Some(TOKEN), SEED_ARTICLE).await;
    r.expect_status(201);
    let answer = r.json();
    let incidents = answer["incidents"].as_array().expect("incidents");
    assert!(incidents.len() >= 9, "{answer:#}");
    let mut duplicates: Vec<String> = incidents
        .iter()
        .filter(|i| i["status"] == "duplicate")
        .map(|i| i["duplicate_of"].as_str().unwrap_or("").to_string())
        .collect();
    duplicates.sort();
    let curated: Vec<String> = (1..=9).map(|n| format!("SYR-2025-{n:04}")).collect();
    assert_eq!(duplicates, curated, "{answer:#}");
    let stored = incidents.iter().filter(|i| i["status"] == "stored").count();
    assert_eq!(
        get(&app, "/api/incidents").await.json()["numberMatched"],
        9 + stored
    );
}

#[tokio::test]
async fn review_patch_and_delete_reach_every_endpoint() {
    let app = app_with_token(Some(TOKEN));
    let r = post_text(&app, Some(TOKEN), AR_ARTICLE).await;
    r.expect_status(201);
    let answer = r.json();
    let first = &answer["incidents"][0];
    let id = first["id"].as_str().expect("id").to_string();
    let uri = format!("/api/incidents/{id}");

    // mark curated and correct the fatalities
    let r = send_body(
        &app,
        "PATCH",
        &uri,
        Some(TOKEN),
        Some("application/json"),
        br#"{"review": "curated", "fatalities": 4, "actor2": null}"#.to_vec(),
    )
    .await;
    r.expect_status(200);
    assert_eq!(r.json()["properties"]["review"], "curated");
    let now = get(&app, &uri).await.json();
    assert_eq!(now["properties"]["fatalities"], 4);
    assert_eq!(now["properties"]["actor2"], serde_json::Value::Null);
    let curated = get(&app, "/api/incidents?review=curated").await.json();
    assert!(common::ids(&curated).contains(&id));

    // move it to another gazetteer place: the R-tree sees the new point
    let r = send_body(
        &app,
        "PATCH",
        &uri,
        Some(TOKEN),
        Some("application/json"),
        br#"{"place_id": "geonames:163808", "location": "Tadmur"}"#.to_vec(),
    )
    .await;
    r.expect_status(200);
    assert_eq!(r.json()["properties"]["admin1"], "Homs");
    let near_palmyra = get(&app, "/api/incidents?bbox=38.2,34.5,38.35,34.6")
        .await
        .json();
    assert!(common::ids(&near_palmyra).contains(&id), "{near_palmyra}");

    // invalid patches change nothing
    for body in [
        r#"{"time_precision": 7}"#,
        r#"{"event_type": "Battles", "sub_event_type": "Suicide bomb"}"#,
        r#"{"event_date": "2026-13-01"}"#,
        r#"{"id": "other"}"#,
        r#"{"event_date_end": "2020-01-01"}"#,
        r#"{"lon": 2.35, "lat": 48.85}"#,
        r#"{}"#,
        r#"[1]"#,
    ] {
        let r = send_body(
            &app,
            "PATCH",
            &uri,
            Some(TOKEN),
            Some("application/json"),
            body.into(),
        )
        .await;
        r.expect_status(400);
    }
    let before = near_palmyra["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["id"] == id.as_str())
        .expect("feature")
        .clone();
    assert_eq!(get(&app, &uri).await.json(), before);

    // a type correction takes ACLED's disorder type along
    let r = send_body(
        &app,
        "PATCH",
        &uri,
        Some(TOKEN),
        Some("application/json"),
        br#"{"event_type": "Battles", "sub_event_type": "Armed clash"}"#.to_vec(),
    )
    .await;
    r.expect_status(200);
    assert_eq!(
        r.json()["properties"]["disorder_type"],
        "Political violence"
    );

    // delete: gone from the item, the list, the bbox search
    send_body(&app, "DELETE", &uri, Some(TOKEN), None, vec![])
        .await
        .expect_status(204);
    get(&app, &uri).await.expect_status(404);
    let after = get(&app, "/api/incidents?bbox=38.2,34.5,38.35,34.6")
        .await
        .json();
    assert!(!common::ids(&after).contains(&id));
    send_body(&app, "DELETE", &uri, Some(TOKEN), None, vec![])
        .await
        .expect_status(404);
    send_body(
        &app,
        "PATCH",
        "/api/incidents/NOPE",
        Some(TOKEN),
        Some("application/json"),
        br#"{"fatalities": 1}"#.to_vec(),
    )
    .await
    .expect_status(404);
}

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(BIN)
        .args(args)
        .output()
        .expect("run the binary")
}

#[test]
fn ingest_command_stores_once_and_refuses_bad_files() {
    let data = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("report.txt");
    std::fs::write(&article, AR_ARTICLE).expect("write");
    let d = data.path().as_os_str();
    let out = run(&["ingest".as_ref(), "--data".as_ref(), d, article.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json answer");
    assert_eq!(answer["incidents"].as_array().map(Vec::len), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 stored"));

    let again = run(&["ingest".as_ref(), "--data".as_ref(), d, article.as_os_str()]);
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("ingested before"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let export = run(&["export".as_ref(), "--data".as_ref(), d]);
    let fc: serde_json::Value = serde_json::from_slice(&export.stdout).expect("geojson");
    assert_eq!(fc["features"].as_array().map(Vec::len), Some(14));

    for (name, bytes) in [
        ("empty.txt", b"  \n".to_vec()),
        ("latin1.txt", vec![0xe9, 0x74, 0xe9]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let out = run(&["ingest".as_ref(), "--data".as_ref(), d, path.as_os_str()]);
        assert!(!out.status.success(), "{name} was accepted");
        assert!(String::from_utf8_lossy(&out.stderr).contains(name));
    }
}

#[test]
fn eval_command_prints_the_table() {
    let out = run(&["eval".as_ref()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("| seed 000_256fd19c77ba421f (ar) | 9 | 9 | 0 |"),
        "{table}"
    );

    // a gold file given on the command line, its article read next to it
    let gold =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/eval/en_desert_north.toml");
    let out = run(&["eval".as_ref(), gold.as_os_str()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("en_desert_north.txt | 5 | 5 | 0 |"),
        "{table}"
    );

    let missing = run(&["eval".as_ref(), "no-such-gold.toml".as_ref()]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-gold.toml"));
}

#[test]
fn an_article_without_any_year_is_dated_from_the_day_it_is_read() {
    let data = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("undated.txt");
    std::fs::write(
        &article,
        "اعتقلت قوى الأمن الداخلي أمس ثلاثة مطلوبين في مدينة الباب بريف حلب الشرقي.",
    )
    .expect("write");
    let before = chrono::Utc::now().date_naive();
    let out = run(&[
        "ingest".as_ref(),
        "--data".as_ref(),
        data.path().as_os_str(),
        article.as_os_str(),
    ]);
    let after = chrono::Utc::now().date_naive();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json answer");
    let incidents = answer["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 1, "{answer:#}");
    let date = incidents[0]["feature"]["properties"]["event_date"]
        .as_str()
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
        .expect("event_date");
    // "yesterday" of the day the article was read (the run may cross midnight)
    assert!(
        date == before - chrono::Duration::days(1) || date == after - chrono::Duration::days(1),
        "{date}"
    );
    let reference = incidents[0]["evidence"]["reference_date"]
        .as_str()
        .expect("reference_date");
    assert!(
        reference.contains("the day the article was read"),
        "{reference}"
    );
    assert_eq!(answer["article"]["published"], serde_json::Value::Null);
}
