//! OGC API – Features under /ogc, without a socket: the documents the clients read, paging
//! through next/prev links, counts against the JSON API, filters and the 400s for bad input.

mod common;

use std::collections::BTreeSet;

use axum::Router;
use common::{get, ids, state_with, Reply};
use incident_map::incidents::synthetic;
use serde_json::Value;

const ROOT: &str = "http://localhost";

fn app_with(n: usize) -> Router {
    incident_map::app(state_with(&synthetic::incidents(n, 42)))
}

/// A link's target with the host taken off, so it can be requested in-process.
fn href(doc: &Value, rel: &str) -> Option<String> {
    doc["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == rel)
        .map(|l| {
            let h = l["href"].as_str().expect("href");
            assert!(h.starts_with(ROOT), "links are absolute: {h}");
            h[ROOT.len()..].to_string()
        })
}

async fn json(app: &Router, uri: &str) -> (Reply, Value) {
    let r = get(app, uri).await;
    r.expect_status(200);
    let v = r.json();
    (r, v)
}

#[tokio::test]
async fn landing_conformance_and_api_document() {
    let app = app_with(0);
    let (r, landing) = json(&app, "/ogc").await;
    assert_eq!(r.header("content-type"), "application/json");
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(href(&landing, rel).is_some(), "{rel}: {landing}");
    }
    let desc = landing["links"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["rel"] == "service-desc"))
        .expect("service-desc");
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(href(&landing, "service-desc").as_deref(), Some("/ogc/api"));

    let (_, conf) = json(&app, "/ogc/conformance").await;
    let classes: Vec<&str> = conf["conformsTo"]
        .as_array()
        .expect("conformsTo")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in ["core", "geojson", "oas30"] {
        let uri = format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}");
        assert!(classes.contains(&uri.as_str()), "{classes:?}");
    }

    let (r, api) = json(&app, "/ogc/api").await;
    assert!(r
        .header("content-type")
        .starts_with("application/vnd.oai.openapi+json"));
    assert!(api["openapi"]
        .as_str()
        .expect("openapi")
        .starts_with("3.0."));
    assert_eq!(api["servers"][0]["url"], format!("{ROOT}/ogc"));
    // every $ref resolves inside the document
    let text = api.to_string();
    for part in text.split("\"$ref\":\"#/").skip(1) {
        let path = &part[..part.find('"').expect("end of ref")];
        let target = path.split('/').fold(&api, |v, k| &v[k]);
        assert!(!target.is_null(), "dangling $ref #/{path}");
    }
    // the property filters are declared on the incidents' items, so GDAL sends them
    let names: Vec<String> = api["paths"]["/collections/incidents/items"]["get"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| {
            let r = p["$ref"].as_str().expect("ref");
            let name = r.rsplit('/').next().expect("name");
            api["components"]["parameters"][name]["name"]
                .as_str()
                .expect("name")
                .to_string()
        })
        .collect();
    for p in [
        "bbox",
        "datetime",
        "limit",
        "event_type",
        "admin1",
        "actor1",
    ] {
        assert!(names.iter().any(|n| n == p), "{p} in {names:?}");
    }
    let limit = &api["components"]["parameters"]["limit"]["schema"];
    assert_eq!(
        (limit["default"].as_u64(), limit["maximum"].as_u64()),
        (Some(10), Some(10000))
    );
    for path in [
        "/",
        "/conformance",
        "/collections",
        "/collections/{collectionId}/items/{featureId}",
    ] {
        assert!(
            api["paths"][path]["get"]["responses"]["200"].is_object(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn collections_describe_extent_and_links() {
    let app = app_with(30);
    let (_, all) = json(&app, "/ogc/collections").await;
    let list = all["collections"].as_array().expect("collections");
    let names: Vec<&str> = list.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(names, ["incidents", "places", "regions"]);
    for c in list {
        let id = c["id"].as_str().expect("id");
        let (_, one) = json(&app, &format!("/ogc/collections/{id}")).await;
        assert_eq!(&one, c);
        assert_eq!(
            one["crs"][0],
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        );
        let b = one["extent"]["spatial"]["bbox"][0]
            .as_array()
            .expect("bbox");
        assert_eq!(b.len(), 4);
        assert!(b[0].as_f64() < b[2].as_f64() && b[1].as_f64() < b[3].as_f64());
        assert_eq!(
            href(&one, "items"),
            Some(format!("/ogc/collections/{id}/items"))
        );
        let (r, schema) = json(&app, &href(&one, "describedBy").expect("describedBy")).await;
        assert_eq!(r.header("content-type"), "application/schema+json");
        assert_eq!(schema["type"], "object");
    }
    let (_, inc) = json(&app, "/ogc/collections/incidents").await;
    let interval = &inc["extent"]["temporal"]["interval"][0];
    assert!(interval[0].as_str().expect("start") <= interval[1].as_str().expect("end"));
    let (_, schema) = json(&app, "/ogc/collections/incidents/schema").await;
    let props = &schema["properties"]["properties"]["properties"];
    assert_eq!(props["fatalities"]["type"], "integer");
    assert_eq!(props["event_date"]["format"], "date");
    assert_eq!(props["event_date_end"]["format"], "date");

    let r = get(&app, "/ogc/collections/people").await;
    r.expect_status(404);
    assert_eq!(r.json()["error"], "not found");
}

#[tokio::test]
async fn items_page_through_next_links_in_catalogue_order() {
    let app = app_with(95);
    let (_, api) = json(&app, "/api/incidents?limit=100000").await;
    let expected = ids(&api);
    assert_eq!(expected.len(), 104);

    let (r, first) = json(&app, "/ogc/collections/incidents/items").await;
    assert_eq!(r.header("content-type"), "application/geo+json");
    assert_eq!(first["numberMatched"], 104);
    assert_eq!(first["numberReturned"], 10);
    let stamp = first["timeStamp"].as_str().expect("timeStamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(stamp).is_ok(),
        "{stamp}"
    );
    assert_eq!(
        href(&first, "self").as_deref(),
        Some("/ogc/collections/incidents/items")
    );
    assert!(href(&first, "prev").is_none());
    let alternates: Vec<&Value> = first["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["rel"] == "alternate")
        .collect();
    assert!(alternates
        .iter()
        .any(|l| l["type"] == "text/csv; charset=utf-8"));

    let mut seen = ids(&first);
    let mut page = first;
    let mut pages = vec![];
    while let Some(next) = href(&page, "next") {
        assert!(next.contains("cursor="), "{next}");
        pages.push(next.clone());
        page = json(&app, &next).await.1;
        assert_eq!(page["numberMatched"], 104);
        seen.extend(ids(&page));
    }
    assert_eq!(seen, expected, "every incident once, in catalogue order");
    assert_eq!(pages.len(), 10);

    // prev of the third page is the second page
    let (_, third) = json(&app, &pages[1]).await;
    let (_, back) = json(&app, &href(&third, "prev").expect("prev")).await;
    assert_eq!(ids(&back), expected[10..20]);
    let (_, first_again) = json(&app, &href(&back, "prev").expect("prev")).await;
    assert_eq!(ids(&first_again), expected[..10]);
}

#[tokio::test]
async fn counts_and_property_filters_match_the_json_api() {
    let app = app_with(300);
    for (ogc, api) in [
        ("bbox=36,34,39,36.5", "bbox=36,34,39,36.5"),
        ("bbox=36,34,-100,39,36.5,100", "bbox=36,34,39,36.5"),
        (
            "datetime=2015-01-01/2016-12-31",
            "datetime=2015-01-01/2016-12-31",
        ),
        (
            "datetime=2015-01-01T/2016-12-31T",
            "datetime=2015-01-01/2016-12-31",
        ),
        ("datetime=../2013-06-30", "datetime=../2013-06-30"),
        ("datetime=2024-01-01T00:00:00Z/", "datetime=2024-01-01/.."),
        ("event_type=Battles", "event_type=Battles"),
        ("admin1=Idlib", "admin1=Idlib"),
        (
            "actor1=Islamic%20State%20(Syria)",
            "actor1=Islamic%20State%20(Syria)",
        ),
        ("region=idlib&review=curated", "region=idlib&review=curated"),
        (
            "event_type=Protests,Riots&admin1=Aleppo",
            "event_type=Protests,Riots&admin1=Aleppo",
        ),
    ] {
        let (_, want) = json(&app, &format!("/api/incidents?limit=100000&{api}")).await;
        let want = ids(&want);
        assert!(!want.is_empty(), "{api} selects something");
        let (_, page) = json(
            &app,
            &format!("/ogc/collections/incidents/items?limit=10000&{ogc}"),
        )
        .await;
        assert_eq!(
            page["numberMatched"].as_u64(),
            Some(want.len() as u64),
            "{ogc}"
        );
        assert_eq!(ids(&page), want, "{ogc}");
        let (_, hits) = json(
            &app,
            &format!("/ogc/collections/incidents/items?resultType=hits&{ogc}"),
        )
        .await;
        assert_eq!(hits["numberMatched"].as_u64(), Some(want.len() as u64));
        assert_eq!(hits["numberReturned"], 0);
    }
}

#[tokio::test]
async fn limit_is_clamped_to_the_maximum() {
    let app = app_with(10_050);
    let (_, page) = json(&app, "/ogc/collections/incidents/items?limit=50000").await;
    assert_eq!(page["numberMatched"], 10_059);
    assert_eq!(page["numberReturned"], 10_000);
    let next = href(&page, "next").expect("next");
    assert!(next.contains("limit=10000"), "{next}");
    let (_, rest) = json(&app, &next).await;
    assert_eq!(rest["numberReturned"], 59);
}

#[tokio::test]
async fn items_by_id_in_every_collection() {
    let app = app_with(5);
    let (_, page) = json(&app, "/ogc/collections/incidents/items?limit=3").await;
    for f in page["features"].as_array().expect("features") {
        let id = f["id"].as_str().expect("id");
        let (r, one) = json(&app, &format!("/ogc/collections/incidents/items/{id}")).await;
        assert_eq!(r.header("content-type"), "application/geo+json");
        assert_eq!(one["id"], id);
        assert_eq!(one["properties"], f["properties"]);
        assert_eq!(
            href(&one, "self"),
            Some(format!("/ogc/collections/incidents/items/{id}"))
        );
        assert_eq!(
            href(&one, "collection").as_deref(),
            Some("/ogc/collections/incidents")
        );
    }
    for collection in ["places", "regions"] {
        let (_, page) = json(
            &app,
            &format!("/ogc/collections/{collection}/items?limit=4"),
        )
        .await;
        let first = &page["features"][0];
        let id = first["id"].as_str().expect("id");
        let (_, one) = json(&app, &format!("/ogc/collections/{collection}/items/{id}")).await;
        assert_eq!(one["id"], id);
        assert_eq!(one["geometry"], first["geometry"]);
    }
    for uri in [
        "/ogc/collections/incidents/items/NOPE-1",
        "/ogc/collections/places/items/geonames:0",
        "/ogc/collections/regions/items/narnia",
        "/ogc/collections/people/items/1",
    ] {
        let r = get(&app, uri).await;
        r.expect_status(404);
        assert_eq!(r.json()["error"], "not found");
    }
}

#[tokio::test]
async fn places_and_regions_page_by_offset_and_filter_by_bbox() {
    let app = app_with(0);
    let (_, all) = json(&app, "/ogc/collections/places/items?limit=10000").await;
    let total = all["numberMatched"].as_u64().expect("count") as usize;
    assert_eq!(ids(&all).len(), total);
    let mut seen = Vec::new();
    let mut next = Some("/ogc/collections/places/items?limit=100".to_string());
    while let Some(uri) = next {
        let (_, page) = json(&app, &uri).await;
        seen.extend(ids(&page));
        next = href(&page, "next");
    }
    assert_eq!(seen, ids(&all));
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), total, "place ids are unique");

    let (_, idlib) = json(
        &app,
        "/ogc/collections/places/items?limit=10000&bbox=36.3,35.6,36.9,36.1",
    )
    .await;
    for f in idlib["features"].as_array().expect("features") {
        let c = &f["geometry"]["coordinates"];
        let (x, y) = (c[0].as_f64().expect("x"), c[1].as_f64().expect("y"));
        assert!((36.3..=36.9).contains(&x) && (35.6..=36.1).contains(&y));
    }
    assert!(idlib["numberMatched"].as_u64() < Some(total as u64));

    let (_, regions) = json(&app, "/ogc/collections/regions/items?limit=100").await;
    assert_eq!(regions["numberMatched"], 14);
    assert_eq!(regions["features"][0]["geometry"]["type"], "MultiPolygon");
    let (_, coast) = json(
        &app,
        "/ogc/collections/regions/items?bbox=35.8,35.4,35.9,35.5",
    )
    .await;
    let names: Vec<String> = ids(&coast);
    assert!(names.contains(&"latakia".to_string()), "{names:?}");
    assert!(names.len() < 4, "{names:?}");
}

#[tokio::test]
async fn bad_parameters_are_400_json() {
    let app = app_with(3);
    for uri in [
        "/ogc/collections/incidents/items?foo=1",
        "/ogc/collections/incidents/items?offset=10",
        "/ogc/collections/incidents/items?bbox=1,2,3",
        "/ogc/collections/incidents/items?bbox=a,b,c,d",
        "/ogc/collections/incidents/items?datetime=2025-02-30",
        "/ogc/collections/incidents/items?datetime=2025-12-01/2025-11-01",
        "/ogc/collections/incidents/items?limit=0",
        "/ogc/collections/incidents/items?limit=-5",
        "/ogc/collections/incidents/items?limit=ten",
        "/ogc/collections/incidents/items?limit=5&limit=6",
        "/ogc/collections/incidents/items?cursor=zz",
        "/ogc/collections/incidents/items?event_type=Bombing",
        "/ogc/collections/incidents/items?resultType=all",
        "/ogc/collections/incidents/items?f=html",
        "/ogc/collections/places/items?cursor=n00",
        "/ogc/collections/places/items?offset=-1",
        "/ogc/collections/regions/items?event_type=Battles",
        "/ogc/collections?limit=3",
        "/ogc?x=1",
        "/ogc/collections/incidents/items/SYN-0000001?bbox=1,2,3,4",
    ] {
        let r = get(&app, uri).await;
        r.expect_status(400);
        let body = r.json();
        assert!(
            body["error"].is_string() && body["detail"].is_string(),
            "{uri}: {body}"
        );
    }
    let r = get(&app, "/ogc/collections/incidents/items?foo=1").await;
    assert_eq!(r.json()["error"], "invalid foo");
    for uri in [
        "/ogc?f=json",
        "/ogc/collections/incidents/items?f=json",
        "/ogc/",
    ] {
        get(&app, uri).await.expect_status(200);
    }
}

#[tokio::test]
async fn links_follow_the_host_header() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let app = app_with(0);
    let request = |host: &str| {
        Request::get("/ogc")
            .header("host", host)
            .body(Body::empty())
            .expect("request")
    };
    let response = app
        .clone()
        .oneshot(request("maps.example.org:8080"))
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let v: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["links"][0]["href"], "http://maps.example.org:8080/ogc");
    let response = app.oneshot(request("evil\"host")).await.expect("response");
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn next_links_stay_valid_when_incidents_arrive_between_pages() {
    let old = synthetic::incidents(60, 3);
    let before = incident_map::app(state_with(&old));
    let (_, first) = json(
        &before,
        "/ogc/collections/incidents/items?limit=7&bbox=35,32,43,38",
    )
    .await;
    let mut seen = ids(&first);
    let mut next = href(&first, "next");

    // the same store after 40 more incidents arrived, spread over the same years
    let mut grown = old.clone();
    let mut new = synthetic::incidents(40, 4);
    for (n, inc) in new.iter_mut().enumerate() {
        inc.id = format!("NEW-{n:03}");
    }
    grown.extend(new);
    let after = incident_map::app(state_with(&grown));
    while let Some(uri) = next {
        let (_, page) = json(&after, &uri).await;
        seen.extend(ids(&page));
        next = href(&page, "next");
    }
    let mut old_seen: Vec<&String> = seen.iter().filter(|id| !id.starts_with("NEW-")).collect();
    let total = old_seen.len();
    old_seen.sort();
    old_seen.dedup();
    assert_eq!(old_seen.len(), total, "no incident twice");
    // every incident that was there before (60 synthetic + 9 seed) came exactly once
    assert_eq!(total, 69);
}

/// The same, live: articles are posted and an incident is deleted between two pages of one
/// running app; every incident that was there throughout still comes exactly once.
#[tokio::test]
async fn paging_survives_writes_through_the_api() {
    use axum::body::Body;
    use axum::http::Request;

    let app =
        incident_map::app(state_with(&synthetic::incidents(30, 8)).with_token(Some("t".into())));
    let before: BTreeSet<String> = ids(&json(&app, "/api/incidents?limit=100000").await.1)
        .into_iter()
        .collect();
    let (_, first) = json(&app, "/ogc/collections/incidents/items?limit=4").await;
    let mut seen = ids(&first);
    let mut next = href(&first, "next");
    let write = |method: &str, uri: &str, body: &str| {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer t")
            .header("content-type", "text/plain")
            .body(Body::from(body.to_string()))
            .expect("request");
        common::send(&app, request, format!("{method} {uri}"))
    };
    // one not yet seen goes away
    let gone = before
        .iter()
        .find(|id| !seen.contains(id))
        .expect("an unseen incident")
        .clone();
    write("DELETE", &format!("/api/incidents/{gone}"), "")
        .await
        .expect_status(204);
    let mut pages = 0;
    while let Some(uri) = next {
        // an article between every two pages, dated among the incidents already there
        let article = format!(
            "On {} March 2019, gunmen attacked an army checkpoint in Saraqib, killing {} soldiers.",
            pages % 27 + 1,
            pages % 5 + 2
        );
        let r = write("POST", "/api/articles", &article).await;
        assert!(r.status.is_success(), "{}", r.status);
        let (_, page) = json(&app, &uri).await;
        seen.extend(ids(&page));
        next = href(&page, "next");
        pages += 1;
    }
    assert!(pages > 5, "paged {pages} times");
    let after: BTreeSet<String> = ids(&json(&app, "/api/incidents?limit=100000").await.1)
        .into_iter()
        .collect();
    assert!(after.len() > before.len(), "the articles added incidents");
    for id in before.iter().filter(|id| **id != gone) {
        assert_eq!(
            seen.iter().filter(|s| *s == id).count(),
            1,
            "{id} came once"
        );
    }
}
