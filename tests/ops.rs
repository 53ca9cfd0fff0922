//! Operations: the limits (body, time-out, concurrency, export size), read-only mode, CORS,
//! security headers and path traversal, in process through the whole layer stack; then the
//! binary: the serve flags and their variables, no token in logs, and backup and restore of
//! a running service.

mod common;

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use common::{get as get_uri, ids, send, state_with, Reply};
use http_body_util::BodyExt;
use incident_map::http::{app_with, harden, Cors, Limits, Options};
use tower::ServiceExt;

const TOKEN: &str = "tok-7f3a9c-only-for-tests";
const SEED_ARTICLE: &str = include_str!("../seeds/000_256fd19c77ba421f.txt");
const EN_ARTICLE: &str = include_str!("../seeds/eval/en_desert_north.txt");

fn app(options: Options) -> Router {
    app_with(
        state_with(&[]).with_token(Some(TOKEN.to_string())),
        &options,
    )
}

fn limits(change: impl FnOnce(&mut Limits)) -> Options {
    let mut options = Options::default();
    change(&mut options.limits);
    options
}

fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::from(body)).expect("request")
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Reply {
    send(
        app,
        request(method, uri, headers, body),
        format!("{method} {uri}"),
    )
    .await
}

const AUTH: (&str, &str) = ("authorization", "Bearer tok-7f3a9c-only-for-tests");
const JSON: (&str, &str) = ("content-type", "application/json");

/// The reply is our JSON error with this `error`; returns the detail.
fn json_error(r: &Reply, status: u16, error: &str) -> String {
    r.expect_status(status);
    assert!(
        r.header("content-type").starts_with("application/json"),
        "{}: {}",
        r.uri,
        r.header("content-type")
    );
    let v = r.json();
    assert_eq!(v["error"], error, "{}: {v}", r.uri);
    v["detail"].as_str().expect("detail").to_string()
}

// ---------------------------------------------------------------- body size

#[tokio::test]
async fn a_body_over_the_cap_is_a_json_413() {
    // the default cap, 2 MiB
    let app_default = app(Options::default());
    let big = format!("{{\"notes\":\"{}\"}}", "x".repeat(3 << 20)).into_bytes();
    let r = call(
        &app_default,
        "PATCH",
        "/api/incidents/SYR-2025-0001",
        &[AUTH, JSON],
        big,
    )
    .await;
    let detail = json_error(&r, 413, "payload too large");
    assert!(detail.contains("2097152 bytes (--max-body)"), "{detail}");

    // a configured cap of 1 KiB
    let small = app(limits(|l| l.max_body = 1024));
    let over = format!("{{\"notes\":\"{}\"}}", "y".repeat(2000)).into_bytes();
    let r = call(
        &small,
        "PATCH",
        "/api/incidents/SYR-2025-0001",
        &[AUTH, JSON],
        over,
    )
    .await;
    let detail = json_error(&r, 413, "payload too large");
    assert!(detail.contains("1024 bytes"), "{detail}");
    let r = call(
        &small,
        "PATCH",
        "/api/incidents/SYR-2025-0001",
        &[AUTH, JSON],
        br#"{"fatalities": 3}"#.to_vec(),
    )
    .await;
    r.expect_status(200);
    assert_eq!(r.json()["properties"]["fatalities"], 3);

    // POST /api/articles keeps its own cap (1 MB of text), above the global one
    assert!(SEED_ARTICLE.len() > 1024);
    let r = call(
        &small,
        "POST",
        "/api/articles",
        &[AUTH, ("content-type", "text/plain")],
        EN_ARTICLE.repeat(2).into_bytes(),
    )
    .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    let r = call(
        &small,
        "POST",
        "/api/articles",
        &[AUTH, ("content-type", "text/plain")],
        vec![b'a'; 1024 * 1024 + 1],
    )
    .await;
    json_error(&r, 413, "payload too large");
}

// ---------------------------------------------------------------- time-out

fn slow_and_streaming_routes() -> Router {
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(30)).await;
        "late"
    }
    Router::new().route("/slow", get(slow).post(slow)).route(
        "/stream",
        get(|| async {
            let chunks = futures_util::stream::unfold(0u32, |i| async move {
                if i == 4 {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
                Some((
                    Ok::<_, Infallible>(Bytes::from(format!("chunk{i};"))),
                    i + 1,
                ))
            });
            Body::from_stream(chunks)
        }),
    )
}

#[tokio::test]
async fn the_timeout_cuts_a_slow_handler_but_not_a_started_download() {
    let options = limits(|l| l.request_timeout = Duration::from_millis(100));
    let app = harden(slow_and_streaming_routes(), &options);

    let started = Instant::now();
    let r = get_uri(&app, "/slow").await;
    let detail = json_error(&r, 503, "timeout");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        detail.contains("100 ms") && detail.contains("--request-timeout"),
        "{detail}"
    );
    let r = call(&app, "POST", "/slow", &[], Vec::new()).await;
    let detail = json_error(&r, 503, "timeout");
    assert!(detail.contains("may still have been applied"), "{detail}");

    // headers at once, then a body that takes 450 ms, longer than the time-out
    let started = Instant::now();
    let r = get_uri(&app, "/stream").await;
    r.expect_status(200);
    assert_eq!(r.text(), "chunk0;chunk1;chunk2;chunk3;");
    assert!(started.elapsed() >= Duration::from_millis(450));
}

// ---------------------------------------------------------------- concurrency

#[tokio::test]
async fn an_export_beyond_the_limit_is_turned_away_until_one_finishes() {
    let app = app(limits(|l| l.max_concurrent_exports = 1));
    // a download that has started and is not read yet holds the only place
    let held = app
        .clone()
        .oneshot(request(
            "GET",
            "/api/export?format=geojson",
            &[],
            Vec::new(),
        ))
        .await
        .expect("infallible");
    assert_eq!(held.status(), StatusCode::OK);

    for uri in ["/api/export?format=csv", "/api/export?format=gpkg"] {
        let r = get_uri(&app, uri).await;
        let detail = json_error(&r, 503, "busy");
        assert_eq!(r.header("retry-after"), "2");
        assert!(detail.contains("--max-concurrent-exports"), "{detail}");
    }
    // other reads are not limited
    get_uri(&app, "/api/incidents").await.expect_status(200);
    get_uri(&app, "/ogc/collections/incidents/items?limit=5")
        .await
        .expect_status(200);

    // the held download is complete, and once it is done the next export is served
    let body = held.into_body().collect().await.expect("body").to_bytes();
    let fc: serde_json::Value = serde_json::from_slice(&body).expect("geojson");
    assert_eq!(fc["features"].as_array().map(Vec::len), Some(9));
    let r = get_uri(&app, "/api/export?format=csv").await;
    r.expect_status(200);
    assert!(r.text().contains("SYR-2025-0001"));

    // a download dropped half-way gives its place back too
    let dropped = app
        .clone()
        .oneshot(request("GET", "/api/export?format=fgb", &[], Vec::new()))
        .await
        .expect("infallible");
    assert_eq!(dropped.status(), StatusCode::OK);
    get_uri(&app, "/api/export").await.expect_status(503);
    drop(dropped);
    get_uri(&app, "/api/export").await.expect_status(200);
}

#[tokio::test]
async fn a_write_beyond_the_limit_is_turned_away() {
    let app = app(limits(|l| l.max_concurrent_writes = 1));
    let held = app
        .clone()
        .oneshot(request(
            "PATCH",
            "/api/incidents/SYR-2025-0002",
            &[AUTH, JSON],
            br#"{"fatalities": 7}"#.to_vec(),
        ))
        .await
        .expect("infallible");
    assert_eq!(held.status(), StatusCode::OK);
    let r = call(
        &app,
        "DELETE",
        "/api/incidents/SYR-2025-0003",
        &[AUTH],
        Vec::new(),
    )
    .await;
    let detail = json_error(&r, 503, "busy");
    assert!(detail.contains("--max-concurrent-writes"), "{detail}");
    assert_eq!(r.header("retry-after"), "2");
    // a write without the right token takes no place: it is refused as always
    let r = call(
        &app,
        "DELETE",
        "/api/incidents/SYR-2025-0003",
        &[("authorization", "Bearer wrong")],
        Vec::new(),
    )
    .await;
    json_error(&r, 401, "unauthorized");
    // exports and reads have their own limits
    get_uri(&app, "/api/export").await.expect_status(200);
    get_uri(&app, "/api/incidents/SYR-2025-0003")
        .await
        .expect_status(200);
    drop(held);
    call(
        &app,
        "DELETE",
        "/api/incidents/SYR-2025-0003",
        &[AUTH],
        Vec::new(),
    )
    .await
    .expect_status(204);

    // answers to writes without the token, not yet read, do not keep a writer out
    let mut unread = Vec::new();
    for auth in ["Bearer wrong", "Basic x", ""] {
        let r = app
            .clone()
            .oneshot(request(
                "PATCH",
                "/api/incidents/SYR-2025-0002",
                &[("authorization", auth), JSON],
                br#"{"fatalities": 1}"#.to_vec(),
            ))
            .await
            .expect("infallible");
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        unread.push(r);
    }
    call(
        &app,
        "PATCH",
        "/api/incidents/SYR-2025-0002",
        &[AUTH, JSON],
        br#"{"fatalities": 2}"#.to_vec(),
    )
    .await
    .expect_status(200);
    drop(unread);
}

// ---------------------------------------------------------------- export size

#[tokio::test]
async fn an_export_over_the_cap_asks_for_a_narrower_filter() {
    let app = app(limits(|l| l.max_export = 3));
    let r = get_uri(&app, "/api/export?format=csv").await;
    let detail = json_error(&r, 400, "export too large");
    assert!(
        detail.contains("9 incidents") && detail.contains("--max-export") && detail.contains('3'),
        "{detail}"
    );
    // a filter or a page within the cap is served
    let fc = get_uri(&app, "/api/export?region=aleppo").await;
    fc.expect_status(200);
    assert_eq!(ids(&fc.json()), ["SYR-2025-0002"]);
    let first = get_uri(&app, "/api/export?limit=3").await;
    let second = get_uri(&app, "/api/export?limit=3&offset=3").await;
    let (a, b) = (ids(&first.json()), ids(&second.json()));
    assert_eq!((a.len(), b.len()), (3, 3));
    assert!(a.iter().all(|id| !b.contains(id)));
    let r = get_uri(&app, "/api/export?limit=4").await;
    json_error(&r, 400, "export too large");
    // the listing keeps its own bounds
    let r = get_uri(&app, "/api/incidents?limit=100001").await;
    json_error(&r, 400, "invalid limit");
    get_uri(&app, "/api/incidents?limit=100000")
        .await
        .expect_status(200);
}

// ---------------------------------------------------------------- read-only

#[tokio::test]
async fn read_only_refuses_every_write_even_with_the_token() {
    let ro = app(Options {
        read_only: true,
        ..Options::default()
    });
    for (method, uri, body) in [
        ("POST", "/api/articles", EN_ARTICLE.as_bytes().to_vec()),
        (
            "PATCH",
            "/api/incidents/SYR-2025-0001",
            br#"{"fatalities": 9}"#.to_vec(),
        ),
        ("DELETE", "/api/incidents/SYR-2025-0001", Vec::new()),
        ("PUT", "/api/incidents/SYR-2025-0001", Vec::new()),
    ] {
        let r = call(
            &ro,
            method,
            uri,
            &[AUTH, ("content-type", "text/plain")],
            body,
        )
        .await;
        let detail = json_error(&r, 403, "read-only");
        assert!(
            detail.contains("--read-only") && detail.contains("INCIDENT_MAP_READ_ONLY"),
            "{detail}"
        );
    }
    let one = get_uri(&ro, "/api/incidents/SYR-2025-0001").await;
    one.expect_status(200);
    assert_ne!(one.json()["properties"]["fatalities"], 9);
    assert_eq!(
        get_uri(&ro, "/api/incidents").await.json()["numberMatched"],
        9
    );

    // the same write without --read-only goes through
    let rw = app(Options::default());
    call(
        &rw,
        "DELETE",
        "/api/incidents/SYR-2025-0001",
        &[AUTH],
        Vec::new(),
    )
    .await
    .expect_status(204);
}

// ---------------------------------------------------------------- CORS

/// A GET sent by a page of `origin`.
async fn get_from(app: &Router, uri: &str, origin: &str) -> Reply {
    call(app, "GET", uri, &[("origin", origin)], Vec::new()).await
}

async fn preflight(app: &Router, origin: &str, method: &str) -> Reply {
    call(
        app,
        "OPTIONS",
        "/api/incidents/SYR-2025-0001",
        &[
            ("origin", origin),
            ("access-control-request-method", method),
            (
                "access-control-request-headers",
                "authorization,content-type",
            ),
        ],
        Vec::new(),
    )
    .await
}

fn cors_headers(r: &Reply) -> Vec<String> {
    r.headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_given() {
    let site = "https://maps.example.org";
    let off = app(Options::default());
    let r = get_from(&off, "/api/incidents", site).await;
    r.expect_status(200);
    assert!(cors_headers(&r).is_empty(), "{:?}", r.headers);
    let r = preflight(&off, site, "PATCH").await;
    assert!(cors_headers(&r).is_empty(), "{:?}", r.headers);
    json_error(&r, 405, "method not allowed");

    let on = app(Options {
        cors: Cors::from_origins(&[site.to_string(), "http://localhost:3000".into()])
            .expect("origins"),
        ..Options::default()
    });
    let r = get_from(&on, "/api/incidents", site).await;
    r.expect_status(200);
    assert_eq!(r.header("access-control-allow-origin"), site);
    let vary: Vec<String> = r
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .collect();
    assert!(vary.iter().any(|v| v.contains("origin")), "{vary:?}");
    assert!(r
        .header("access-control-expose-headers")
        .to_ascii_lowercase()
        .contains("content-disposition"));
    let r = get_from(&on, "/api/incidents", "https://evil.example").await;
    assert_eq!(r.header("access-control-allow-origin"), "");
    let r = preflight(&on, site, "PATCH").await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), site);
    assert!(r.header("access-control-allow-methods").contains("PATCH"));
    assert!(r
        .header("access-control-allow-headers")
        .to_ascii_lowercase()
        .contains("authorization"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    // an error is readable by the allowed page too
    let r = get_from(&on, "/api/incidents?bbox=1", site).await;
    r.expect_status(400);
    assert_eq!(r.header("access-control-allow-origin"), site);

    // `*`: any origin reads, nobody writes across origins
    let any = app(Options {
        cors: Cors::from_origins(&["*".to_string()]).expect("any"),
        ..Options::default()
    });
    let r = get_from(&any, "/api/incidents", "https://elsewhere.example").await;
    assert_eq!(r.header("access-control-allow-origin"), "*");
    let r = preflight(&any, "https://elsewhere.example", "DELETE").await;
    let methods = r.header("access-control-allow-methods");
    assert!(
        methods.contains("GET") && !methods.contains("DELETE"),
        "{methods}"
    );
    assert!(!r
        .header("access-control-allow-headers")
        .to_ascii_lowercase()
        .contains("authorization"));
}

// ---------------------------------------------------------------- headers

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = app(Options::default());
    for uri in [
        "/",
        "/api/incidents",
        "/api/incidents?bbox=1",
        "/api/export?format=csv",
        "/healthz",
        "/ogc",
        "/assets/app.js",
        "/fonts/Noto%20Sans%20Regular/0-255.pbf",
        "/no/such/path",
    ] {
        let r = get_uri(&app, uri).await;
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{uri}");
        assert_eq!(r.header("x-frame-options"), "DENY", "{uri}");
        assert_eq!(
            r.header("cross-origin-opener-policy"),
            "same-origin",
            "{uri}"
        );
        assert!(
            r.header("permissions-policy").contains("geolocation=()"),
            "{uri}"
        );
        let csp = r.header("content-security-policy");
        match uri {
            // a script (the map's worker among them) is not given the data policy
            "/assets/app.js" => assert_eq!(csp, "", "{uri}"),
            "/" => {
                assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
                assert!(csp.contains("default-src 'self'"), "{csp}");
                assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"));
                // the OpenStreetMap background the user may switch on stays allowed
                for directive in ["img-src", "connect-src"] {
                    let d = csp
                        .split(';')
                        .find(|d| d.trim().starts_with(directive))
                        .unwrap_or("");
                    assert!(d.contains("https://tile.openstreetmap.org"), "{csp}");
                }
            }
            _ => assert_eq!(csp, "default-src 'none'; frame-ancestors 'none'", "{uri}"),
        }
    }
}

// ---------------------------------------------------------------- traversal

#[tokio::test]
async fn traversal_and_odd_paths_never_leave_the_embedded_files() {
    let app = app(Options::default());
    for uri in [
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E/%2E%2E/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/licenses/..%2f..%2fbuild.rs",
        "/assets/..%5cCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/%5cetc%5cpasswd",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/C:%5cWindows%5cwin.ini",
        "/assets/app.js%00",
        "/assets/%00",
        "/assets/app.js%00.png",
        "/assets/%ff%fe",
        "/assets/.",
        "/assets/./app.js",
        "/fonts/..%2f..%2fCargo.toml/0-255.pbf",
        "/fonts/%2e%2e/0-255.pbf",
        "/fonts/..%5c..%5cCargo.toml/0-255.pbf",
        "/fonts/Noto%20Sans%20Regular%00/0-255.pbf",
        "/fonts/%2fetc%2fpasswd/0-255.pbf",
        "/fonts/Noto%20Sans%20Regular/..%2f..%2fCargo.toml",
        "/fonts/Noto%20Sans%20Regular/0-255.pbf%00",
        "/data/..%2fCargo.toml",
    ] {
        let r = get_uri(&app, uri).await;
        assert!(
            matches!(r.status.as_u16(), 400 | 404),
            "{uri}: {} {}",
            r.status,
            r.text()
        );
        let v = r.json();
        assert!(
            v["error"].is_string() && v["detail"].is_string(),
            "{uri}: {v}"
        );
        let body = r.text();
        for leak in ["[package]", "root:", "fn main", "[fonts]"] {
            assert!(!body.contains(leak), "{uri} leaked a file: {body}");
        }
    }
    // and the plain names still work
    get_uri(&app, "/assets/app.js").await.expect_status(200);
    get_uri(&app, "/assets/licenses/maplibre-gl.txt")
        .await
        .expect_status(200);
}

// ---------------------------------------------------------------- token

#[tokio::test]
async fn the_token_is_never_echoed() {
    let guess = "tok-7f3a9c-only-for-testX";
    let apps = [
        app(Options::default()),
        app(Options {
            read_only: true,
            ..Options::default()
        }),
    ];
    for app in &apps {
        for (auth, body) in [
            (format!("Bearer {TOKEN}"), b"{not json".to_vec()),
            (format!("Bearer {guess}"), br#"{"fatalities":1}"#.to_vec()),
            (format!("Basic {TOKEN}"), br#"{"fatalities":1}"#.to_vec()),
            (TOKEN.to_string(), br#"{"fatalities":1}"#.to_vec()),
        ] {
            let r = call(
                app,
                "PATCH",
                "/api/incidents/SYR-2025-0004",
                &[("authorization", &auth), JSON],
                body,
            )
            .await;
            assert!(r.status.is_client_error(), "{auth}: {}", r.status);
            let everything = format!("{:?} {}", r.headers, r.text());
            assert!(
                !everything.contains(TOKEN) && !everything.contains(guess),
                "{everything}"
            );
        }
    }
}

// ---------------------------------------------------------------- the binary

const BIN: &str = env!("CARGO_BIN_EXE_incident-map");

struct HttpReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpReply {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", self.status, self.text()))
    }
}

/// One HTTP/1.1 request over a new connection, read to the end (chunked bodies decoded).
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpReply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).expect("send");
    s.write_all(body).expect("send body");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size");
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&rest[..eol])
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim(),
                16,
            )
            .expect("hex size");
            rest = &rest[eol + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    HttpReply {
        status,
        headers,
        body,
    }
}

/// A running `incident-map serve` on a free port, stopped by its PID when dropped; its stderr
/// is collected.
struct Server {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for var in [
            "INCIDENT_MAP_TOKEN",
            "INCIDENT_MAP_READ_ONLY",
            "INCIDENT_MAP_CORS_ORIGIN",
            "INCIDENT_MAP_MAX_BODY",
            "INCIDENT_MAP_REQUEST_TIMEOUT",
            "INCIDENT_MAP_MAX_CONCURRENT_EXPORTS",
            "INCIDENT_MAP_MAX_CONCURRENT_WRITES",
            "INCIDENT_MAP_MAX_EXPORT",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let _ = tx.send(rest.trim_end_matches('/').to_string());
                }
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "the server printed no address: {}",
                    log.lock().map(|l| l.clone()).unwrap_or_default()
                )
            });
        Server {
            child,
            addr,
            log,
            reader: Some(reader),
        }
    }

    /// Stops the server by its PID and returns everything it wrote to stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_flags_and_their_variables() {
    let data = tempfile::tempdir().expect("tempdir");
    let site = "https://maps.example.org";
    // flags
    let server = Server::start(
        data.path(),
        &[
            "--token",
            TOKEN,
            "--read-only",
            "--max-export",
            "3",
            "--cors-origin",
            site,
            "--max-body",
            "1K",
            "--request-timeout",
            "5s",
            "--max-concurrent-exports",
            "2",
            "--max-concurrent-writes",
            "1",
        ],
        &[],
    );
    let a = &server.addr;
    let r = http(a, "GET", "/api/export", &[("Origin", site)], b"");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("at most 3"));
    assert_eq!(r.header("access-control-allow-origin"), site);
    assert_eq!(r.header("x-frame-options"), "DENY");
    let r = http(
        a,
        "POST",
        "/api/articles",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        EN_ARTICLE.as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(r.json()["error"], "read-only");
    let log = server.stop();
    assert!(
        log.contains("body 1024 bytes, request timeout 5s, 2 exports and 1 writes at once, 3 incidents per export"),
        "{log}"
    );
    assert!(log.contains("writes disabled (--read-only)"), "{log}");

    // the same through the environment
    let server = Server::start(
        data.path(),
        &[],
        &[
            ("INCIDENT_MAP_TOKEN", TOKEN),
            ("INCIDENT_MAP_READ_ONLY", "1"),
            ("INCIDENT_MAP_MAX_EXPORT", "4"),
            ("INCIDENT_MAP_CORS_ORIGIN", "*"),
            ("INCIDENT_MAP_MAX_BODY", "2K"),
            ("INCIDENT_MAP_REQUEST_TIMEOUT", "750ms"),
            ("INCIDENT_MAP_MAX_CONCURRENT_EXPORTS", "3"),
            ("INCIDENT_MAP_MAX_CONCURRENT_WRITES", "2"),
        ],
    );
    let r = http(&server.addr, "GET", "/api/export", &[("Origin", site)], b"");
    assert_eq!(r.status, 400);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("at most 4"));
    assert_eq!(r.header("access-control-allow-origin"), "*");
    let r = http(
        &server.addr,
        "DELETE",
        "/api/incidents/SYR-2025-0001",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        b"",
    );
    assert_eq!(r.status, 403);
    let log = server.stop();
    assert!(
        log.contains("body 2048 bytes, request timeout 750ms, 3 exports and 2 writes at once, 4 incidents per export"),
        "{log}"
    );

    // bad values: a message and a non-zero exit, before anything is served
    for (flag, value) in [
        ("--max-body", "lots"),
        ("--request-timeout", "0"),
        ("--max-concurrent-exports", "0"),
        ("--max-export", "none"),
        ("--cors-origin", "maps.example.org"),
    ] {
        let out = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .args([flag, value])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(flag), "{flag} {value}: {err}");
    }
}

#[test]
fn raw_traversal_requests_to_the_binary() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = Server::start(data.path(), &[], &[]);
    for path in [
        "/assets/../../Cargo.toml",
        "/assets/..\\..\\Cargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/fonts/../../../etc/passwd/0-255.pbf",
        "/assets//etc/passwd",
        "/../Cargo.toml",
    ] {
        let r = http(&server.addr, "GET", path, &[], b"");
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        let v = r.json();
        assert!(v["error"].is_string(), "{path}: {v}");
        assert!(!r.text().contains("[package]") && !r.text().contains("root:"));
    }
    server.stop();
}

#[test]
fn tokens_stay_out_of_the_logs() {
    let data = tempfile::tempdir().expect("tempdir");
    let guess = "guessed-token-3b9e1d";
    let server = Server::start(
        data.path(),
        &[],
        &[
            ("INCIDENT_MAP_TOKEN", TOKEN),
            ("RUST_LOG", "trace"),
            ("INCIDENT_MAP_REQUEST_TIMEOUT", "10s"),
        ],
    );
    let a = server.addr.clone();
    let good = format!("Bearer {TOKEN}");
    let bad = format!("Bearer {guess}");
    let r = http(
        &a,
        "POST",
        "/api/articles",
        &[("Authorization", &good), ("Content-Type", "text/plain")],
        EN_ARTICLE.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = http(
        &a,
        "PATCH",
        "/api/incidents/SYR-2025-0001",
        &[
            ("Authorization", &bad),
            ("Content-Type", "application/json"),
        ],
        br#"{"fatalities":2}"#,
    );
    assert_eq!(r.status, 401);
    let r = http(
        &a,
        "PATCH",
        "/api/incidents/SYR-2025-0001",
        &[
            ("Authorization", &good),
            ("Content-Type", "application/json"),
        ],
        b"{broken",
    );
    assert_eq!(r.status, 400);
    let log = server.stop();
    assert!(
        log.contains("ingested an article"),
        "trace logging is on: {log}"
    );
    assert!(!log.contains(TOKEN), "the token was logged");
    assert!(!log.contains(guess), "a guessed token was logged");
}

fn all_ids(addr: &str) -> Vec<String> {
    let r = http(addr, "GET", "/api/incidents?limit=100000", &[], b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let fc = r.json();
    let mut v = ids(&fc);
    assert_eq!(fc["numberMatched"].as_u64(), Some(v.len() as u64));
    v.sort();
    v
}

fn run(args: &[&str], data: &Path) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn backup_of_a_running_service_restores_what_it_served() {
    let work = tempfile::tempdir().expect("tempdir");
    let (first, second) = (work.path().join("first"), work.path().join("second"));
    let file = work.path().join("incidents-backup.sqlite");
    let file_s = file.to_str().expect("utf-8 path");
    let auth = format!("Bearer {TOKEN}");

    let server = Server::start(&first, &["--token", TOKEN], &[]);
    let a = server.addr.clone();
    let r = http(
        &a,
        "POST",
        "/api/articles",
        &[("Authorization", &auth), ("Content-Type", "text/plain")],
        EN_ARTICLE.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let stored = r.json()["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .filter(|i| i["status"] == "stored")
        .count();
    assert!(stored > 0);
    // a deleted seed incident must stay deleted after the restore
    let r = http(
        &a,
        "DELETE",
        "/api/incidents/SYR-2025-0009",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 204);
    let served = all_ids(&a);
    assert_eq!(served.len(), 9 - 1 + stored);

    // the backup runs while a client keeps writing (changes of one incident, no new ids)
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (a, auth, stop) = (a.clone(), auth.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = format!("{{\"fatalities\": {}}}", n % 5);
                let r = http(
                    &a,
                    "PATCH",
                    "/api/incidents/SYR-2025-0001",
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                    ],
                    body.as_bytes(),
                );
                assert_eq!(r.status, 200, "{}", r.text());
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let (code, out, err) = run(&["backup", file_s], &first);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let patches = writer.join().expect("writer");
    assert_eq!(code, 0, "{err}");
    assert!(patches > 0);
    assert!(
        out.contains(&format!("backed up {} incidents", served.len())),
        "{out}"
    );
    assert!(!work.path().join("incidents-backup.sqlite-wal").exists());

    // no overwrite without --force; with it, yes
    let (code, _, err) = run(&["backup", file_s], &first);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    let (code, out, err) = run(&["backup", file_s, "--force"], &first);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("backed up {} incidents", served.len())));

    // restoring over the running service's database is refused
    let (code, _, err) = run(&["restore", file_s, "--force"], &first);
    assert_eq!(code, 2);
    assert!(err.contains("in use"), "{err}");
    assert_eq!(all_ids(&a), served);
    server.stop();

    // into a fresh data directory, then served again
    let (code, out, err) = run(&["restore", file_s], &second);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("restored {} incidents", served.len())),
        "{out}"
    );
    let server = Server::start(&second, &[], &[]);
    assert_eq!(all_ids(&server.addr), served);
    let r = http(
        &server.addr,
        "GET",
        "/api/incidents/SYR-2025-0009",
        &[],
        b"",
    );
    assert_eq!(r.status, 404);
    // the article is known: posting it again stores nothing new
    server.stop();
    let server = Server::start(&second, &["--token", TOKEN], &[]);
    let r = http(
        &server.addr,
        "POST",
        "/api/articles",
        &[("Authorization", &auth), ("Content-Type", "text/plain")],
        EN_ARTICLE.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(all_ids(&server.addr), served);
    server.stop();

    // what is not a backup is refused, and nothing is written
    let third = work.path().join("third");
    let (code, _, err) = run(&["restore", "Cargo.toml"], &third);
    assert_eq!(code, 2);
    assert!(err.contains("not an incident-map database"), "{err}");
    assert!(!third.join("incidents.sqlite").exists());
    let (code, _, err) = run(&["backup", file_s, "--force"], &third);
    assert_eq!(code, 2);
    assert!(err.contains("no database"), "{err}");
}
