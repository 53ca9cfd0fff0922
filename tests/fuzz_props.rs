//! The fuzz targets' entry points as proptest properties, so plain `cargo test` exercises them
//! without a fuzzer: query-string parsing (`Filter::parse`, bbox, datetime) and the whole
//! listing endpoints on any query, OGC cursors, and gazetteer name normalisation and lookup.
//! Errors are values (a 4xx with our JSON message), never a panic or a 5xx; what parses keeps
//! its invariants; lookups finish in bounded time. Article extraction has its own property in
//! `tests/extract.rs`.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use chrono::NaiveDate;
use incident_map::gazetteer::normalize::{loose_key, name_keys, normalize_text, words};
use incident_map::gazetteer::Gazetteer;
use incident_map::http::ogc::Cursor;
use incident_map::incidents::query::{parse_bbox, parse_datetime, FILTER_PARAMS, MAX_LIMIT};
use incident_map::incidents::Filter;
use proptest::prelude::*;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().expect("gazetteer"))
}

fn shared_app() -> &'static Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(common::seeded_app)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
    })
}

/// Values as people and programs write them, broken ones included.
fn value() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("35.5".to_string()),
            Just("-180".to_string()),
            Just("90".to_string()),
            Just("1e308".to_string()),
            Just("NaN".to_string()),
            Just("inf".to_string()),
            Just(",".to_string()),
            Just("/".to_string()),
            Just("..".to_string()),
            Just("2025-11-24".to_string()),
            Just("2025-02-30".to_string()),
            Just("T10:00:00Z".to_string()),
            Just("+03:00".to_string()),
            Just("idlib".to_string()),
            Just("Battles".to_string()),
            Just("curated".to_string()),
            Just("إدلب".to_string()),
            Just(" ".to_string()),
            Just("-1".to_string()),
            Just("99999999999999999999".to_string()),
            "[0-9.,/:TZ+-]{0,12}",
            "\\PC{0,8}",
        ],
        0..8,
    );
    pieces.prop_map(|v| v.concat())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FILTER_PARAMS).prop_map(str::to_string),
        1 => prop::sample::select(&["cursor", "f", "resultType", "format"][..]).prop_map(str::to_string),
        1 => "[a-zA-Z_]{0,8}",
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((key(), value()), 0..6)
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0u64..40_000)
        .prop_map(|n| NaiveDate::from_ymd_opt(1950, 1, 1).expect("date") + chrono::Days::new(n))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn filter_parse_is_a_filter_or_an_error_naming_a_given_key(pairs in pairs()) {
        match Filter::parse(&pairs, gazetteer(), &["cursor", "f", "resultType", "format"]) {
            Ok(f) => {
                if let Some(b) = f.bbox {
                    prop_assert!(b[0] <= b[2] && b[1] <= b[3], "{b:?}");
                    prop_assert!((-180.0..=180.0).contains(&b[0]) && (-180.0..=180.0).contains(&b[2]));
                    prop_assert!((-90.0..=90.0).contains(&b[1]) && (-90.0..=90.0).contains(&b[3]));
                }
                if let Some(l) = f.limit {
                    prop_assert!((1..=MAX_LIMIT).contains(&l));
                }
                if let Some(d) = f.datetime {
                    prop_assert!(d.start.is_some() || d.end.is_some());
                    if let (Some(s), Some(e)) = (d.start, d.end) {
                        prop_assert!(s <= e);
                    }
                }
                if let Some(r) = &f.region {
                    prop_assert!(gazetteer().region(r).is_some());
                }
            }
            Err(e) => {
                prop_assert!(pairs.iter().any(|(k, _)| *k == e.param), "{e} not about {pairs:?}");
                prop_assert!(!e.detail.is_empty());
            }
        }
    }

    #[test]
    fn a_box_in_range_parses_to_its_numbers(
        a in -180.0f64..=180.0, b in -180.0f64..=180.0,
        c in -90.0f64..=90.0, d in -90.0f64..=90.0,
        heights in any::<bool>(), pad in " {0,2}",
    ) {
        let (w, e, s, n) = (a.min(b), a.max(b), c.min(d), c.max(d));
        let text = if heights {
            format!("{w},{pad}{s},{pad}-10,{e},{n},{pad}1e3")
        } else {
            format!("{pad}{w},{s},{e}{pad},{n}")
        };
        prop_assert_eq!(parse_bbox(&text), Ok([w, s, e, n]));
        // the same box with its corners swapped is refused
        if w < e {
            let swapped = format!("{e},{s},{w},{n}");
            prop_assert!(parse_bbox(&swapped).is_err(), "{}", swapped);
        }
    }

    #[test]
    fn an_interval_parses_to_its_days_or_says_it_is_reversed(a in day(), b in day(), open in 0u8..3) {
        let got = match open {
            0 => parse_datetime(&format!("{a}/{b}")),
            1 => parse_datetime(&format!("../{b}T23:59:59Z")),
            _ => parse_datetime(&format!("{a}T00:00:00+00:00/")),
        };
        match open {
            0 if a > b => prop_assert!(got.is_err(), "{got:?}"),
            0 => {
                let r = got.expect("a/b").expect("a range");
                prop_assert_eq!((r.start, r.end), (Some(a), Some(b)));
            }
            1 => {
                let r = got.expect("../b").expect("a range");
                prop_assert_eq!((r.start, r.end), (None, Some(b)));
            }
            _ => {
                let r = got.expect("a/").expect("a range");
                prop_assert_eq!((r.start, r.end), (Some(a), None));
            }
        }
    }

    #[test]
    fn any_query_is_answered_without_a_5xx(pairs in pairs(), which in 0usize..4) {
        let path = [
            "/api/incidents",
            "/api/export",
            "/ogc/collections/incidents/items",
            "/ogc/collections/places/items",
        ][which];
        let query = serde_urlencoded::to_string(&pairs).expect("encode");
        let uri = format!("{path}?{query}");
        let reply = runtime().block_on(common::get(shared_app(), &uri));
        let status = reply.status.as_u16();
        prop_assert!(status == 200 || status == 400 || status == 404, "{uri} → {status}: {}", reply.text());
        if status != 200 {
            let v = reply.json();
            prop_assert!(v["error"].is_string() && v["detail"].is_string(), "{uri}: {v}");
        }
    }

    #[test]
    fn a_cursor_round_trips(date in day(), id in "\\PC{0,40}", next in any::<bool>()) {
        let c = if next { Cursor::After(date, id) } else { Cursor::Through(date, id) };
        let text = c.encode();
        prop_assert!(text.chars().all(|ch| ch.is_ascii_alphanumeric()), "{text}");
        prop_assert_eq!(Cursor::parse(&text).expect("decodes"), c);
    }

    #[test]
    fn any_text_is_a_cursor_or_an_error(text in prop_oneof![
        "[np]?[0-9a-fA-F]{0,80}",
        "\\PC{0,60}",
    ]) {
        if let Ok(c) = Cursor::parse(&text) {
            // what decodes encodes to a cursor of the same key (a date may be written
            // unpadded, so the text itself need not come back)
            prop_assert_eq!(Cursor::parse(&c.encode()).expect("decodes"), c);
        }
        let query = serde_urlencoded::to_string([("cursor", text.as_str())]).expect("encode");
        let uri = format!("/ogc/collections/incidents/items?{query}&limit=2");
        let reply = runtime().block_on(common::get(shared_app(), &uri));
        let status = reply.status.as_u16();
        prop_assert!(status == 200 || status == 400, "{uri} → {status}: {}", reply.text());
    }
}

/// Names as news reports write them, and noise.
fn name() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("سراقب".to_string()),
            Just("بريف ".to_string()),
            Just("الشمالي ".to_string()),
            Just("دير الزور".to_string()),
            Just("Deir ez-Zor".to_string()),
            Just("Ma‘arrat an-Nu‘mān ".to_string()),
            Just("west of the city, ".to_string()),
            Just("al-".to_string()),
            Just("ّ".to_string()),
            Just("ـ".to_string()),
            Just("٣".to_string()),
            Just("'s ".to_string()),
            Just("-".to_string()),
            "\\PC{0,10}",
            any::<String>(),
        ],
        0..12,
    );
    pieces.prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn normalising_is_stable_and_keys_agree(name in name()) {
        let once = normalize_text(&name);
        prop_assert_eq!(normalize_text(&once), once.clone(), "{:?}", name);
        for w in words(&once) {
            prop_assert!(!w.text.is_empty());
        }
        if let Some(keys) = name_keys(&name) {
            prop_assert!(keys.words >= 1);
            prop_assert_eq!(loose_key(&name), keys.loose);
        } else {
            prop_assert_eq!(loose_key(&name), "");
        }
    }

    #[test]
    fn any_name_is_looked_up_fast_and_scored(name in name(), context in prop::option::of(name())) {
        let gz = gazetteer(); // built once, before the clock starts
        let started = Instant::now();
        let found = gz.geocode(&name, context.as_deref(), 10);
        prop_assert!(found.len() <= 10);
        for c in &found {
            prop_assert!((0.0..=1.0).contains(&c.score), "{name:?}: {}", c.score);
            prop_assert!((1..=3).contains(&c.geo_precision));
        }
        if let Some(c) = gz.resolve(&name, context.as_deref()) {
            prop_assert!(c.score >= incident_map::gazetteer::RESOLVE_THRESHOLD);
        }
        // generous for a debug build on a busy machine; a release build takes milliseconds
        prop_assert!(started.elapsed() < Duration::from_secs(2), "{name:?}: {:?}", started.elapsed());
    }
}
