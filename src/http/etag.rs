//! `ETag` and `If-None-Match` for the answers made from the catalogue (incidents, their OGC
//! collection and items, exports).
//!
//! Such an answer is a function of the catalogue snapshot and of the request, so its validator
//! is made without looking at the body: the catalogue's generation (different after every
//! write and in every run) and a hash of the path, the query and the request headers that
//! change the bytes (`Host` and `X-Forwarded-Proto` for the absolute links, `Accept`, and
//! `Accept-Encoding`, since the compression layer outside this one encodes by it). A request
//! whose `If-None-Match` names the current tag gets `304 Not Modified` with an empty body,
//! before any query runs. `*` matches when the answer would be 200.
//!
//! The tags are strong, except for GeoPackage exports: SQLite writes the time of writing into
//! them, so two exports of the same data are equivalent, not the same bytes (`W/`).
//! Answers carry `Cache-Control: no-cache`: a cache may keep them and must ask again.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// The paths whose answers depend on the catalogue (and nothing else that changes).
fn covered(path: &str) -> bool {
    const EXACT: &[&str] = &[
        "/api/incidents",
        "/api/export",
        "/ogc/collections",
        "/ogc/collections/incidents",
        "/ogc/collections/incidents/items",
    ];
    const BELOW: &[&str] = &[
        "/api/incidents/",
        "/ogc/collections/incidents/items/",
        "/tiles/incidents/",
    ];
    EXACT.contains(&path)
        || BELOW
            .iter()
            .any(|p| path.starts_with(p) && path.len() > p.len())
}

/// Request headers that change the bytes of an answer.
const VARYING: &[header::HeaderName] = &[header::HOST, header::ACCEPT, header::ACCEPT_ENCODING];

/// The strong tag (quoted) of a request against the catalogue generation.
pub fn tag(generation: u64, path_and_query: &str, headers: &HeaderMap) -> String {
    let mut h = Fnv::new();
    h.write(path_and_query.as_bytes());
    for name in VARYING
        .iter()
        .map(header::HeaderName::as_str)
        .chain(["x-forwarded-proto"])
    {
        h.write(&[0]);
        for v in headers.get_all(name) {
            h.write(v.as_bytes());
            h.write(&[1]);
        }
    }
    format!("\"{generation:x}-{:016x}\"", h.0)
}

/// What `If-None-Match` asks about `tag`.
#[derive(Debug, PartialEq, Eq)]
enum Match {
    /// absent, or names other tags
    No,
    /// names this tag (compared weakly, as RFC 9110 asks for `If-None-Match`)
    Tag,
    /// `*`: any current answer
    Any,
}

fn if_none_match(headers: &HeaderMap, tag: &str) -> Match {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(tag);
    let mut any = false;
    for value in headers.get_all(header::IF_NONE_MATCH) {
        let Ok(value) = value.to_str() else { continue };
        for t in value.split(',') {
            let t = t.trim();
            if t == "*" {
                any = true;
            } else if opaque(t) == ours {
                return Match::Tag;
            }
        }
    }
    if any {
        Match::Any
    } else {
        Match::No
    }
}

fn not_modified(tag: HeaderValue) -> Response {
    (
        StatusCode::NOT_MODIFIED,
        [
            (header::ETAG, tag),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
    )
        .into_response()
}

/// The middleware (`axum::middleware::from_fn_with_state`).
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method();
    if (method != Method::GET && method != Method::HEAD) || !covered(request.uri().path()) {
        return next.run(request).await;
    }
    let path_and_query = request
        .uri()
        .path_and_query()
        .map_or(request.uri().path(), |p| p.as_str());
    // The generation read before the answer is made: if a write comes in between, the tag
    // is older than the body, and the next request with it gets a 200, never a stale 304.
    let tag = tag(
        state.catalog().generation(),
        path_and_query,
        request.headers(),
    );
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return next.run(request).await;
    };
    let asked = if_none_match(request.headers(), &tag);
    if asked == Match::Tag {
        return not_modified(value);
    }
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return response;
    }
    let weak = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/geopackage"));
    let value = if weak {
        HeaderValue::from_str(&format!("W/{tag}")).unwrap_or(value)
    } else {
        value
    };
    if asked == Match::Any {
        return not_modified(value);
    }
    let headers = response.headers_mut();
    headers.insert(header::ETAG, value);
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use crate::gazetteer::Gazetteer;
    use crate::incidents::Store;

    fn state() -> AppState {
        let gz = Gazetteer::embedded().expect("gazetteer");
        let store = Store::open_in_memory().expect("store");
        AppState::with_store(gz, store)
            .expect("state")
            .with_token(Some("t".into()))
    }

    async fn get(
        app: &axum::Router,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = app
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = r.status();
        let headers = r.headers().clone();
        let body = r.into_body().collect().await.expect("body").to_bytes();
        (status, headers, body.to_vec())
    }

    fn etag(h: &HeaderMap) -> String {
        h.get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .expect("an ETag")
            .to_string()
    }

    #[test]
    fn if_none_match_forms() {
        let mut h = HeaderMap::new();
        let t = "\"5-00ff\"";
        assert_eq!(if_none_match(&h, t), Match::No);
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", W/\"5-00ff\""),
        );
        assert_eq!(if_none_match(&h, t), Match::Tag);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"x\" , *"));
        assert_eq!(if_none_match(&h, t), Match::Any);
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"5-00fe\""),
        );
        assert_eq!(if_none_match(&h, t), Match::No);
        assert!(covered("/api/incidents/SYR-1"));
        assert!(!covered("/api/incidents/"));
        assert!(!covered("/api/geocode"));
        assert!(!covered("/ogc/collections/places/items"));
    }

    #[tokio::test]
    async fn not_modified_until_a_write() {
        let state = state();
        let app = crate::http::app(state.clone());
        for uri in [
            "/api/incidents?region=idlib",
            "/ogc/collections/incidents/items?limit=3",
            "/ogc/collections/incidents",
            "/api/export?format=csv",
        ] {
            let (status, h, body) = get(&app, uri, &[]).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert!(!body.is_empty());
            let tag = etag(&h);
            assert_eq!(h[header::CACHE_CONTROL], "no-cache");
            let (status, h2, body) = get(&app, uri, &[("if-none-match", &tag)]).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
            assert!(body.is_empty());
            assert_eq!(etag(&h2), tag);
            // weak form, in a list, and *
            let listed = format!("\"nope\", W/{tag}");
            let (status, _, _) = get(&app, uri, &[("if-none-match", &listed)]).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
            let (status, _, _) = get(&app, uri, &[("if-none-match", "*")]).await;
            assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
            // another query or another encoding is another tag
            let other = format!("{uri}{}x=", if uri.contains('?') { "&" } else { "?" });
            let (_, h3, _) = get(&app, &other, &[]).await;
            assert_ne!(
                h3.get(header::ETAG).map(|v| v.as_bytes()),
                Some(tag.as_bytes())
            );
            let (status, h4, _) = get(&app, uri, &[("accept-encoding", "gzip")]).await;
            assert_eq!(status, StatusCode::OK);
            assert_ne!(etag(&h4), tag);
        }
        // an unknown incident is a 404 without a tag, and * does not turn it into a 304
        let (status, h, _) = get(&app, "/api/incidents/nope", &[("if-none-match", "*")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(h.get(header::ETAG).is_none());

        let uri = "/api/incidents?limit=5";
        let (_, h, before) = get(&app, uri, &[]).await;
        let tag = etag(&h);
        let mut inc = state.catalog().get(0);
        inc.id = "NEW-1".into();
        state.import(vec![inc]).expect("import");
        let (status, h, after) = get(&app, uri, &[("if-none-match", &tag)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_ne!(etag(&h), tag);
        assert_ne!(before, after);
        let (status, _, _) = get(&app, uri, &[("if-none-match", &etag(&h))]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }

    #[tokio::test]
    async fn compressed_answers_keep_their_tag() {
        let app = crate::http::app(state());
        let uri = "/api/incidents";
        let (status, h, body) = get(&app, uri, &[("accept-encoding", "gzip")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut text)
            .expect("gzip");
        let v: serde_json::Value = serde_json::from_slice(&text).expect("json");
        assert_eq!(v["type"], "FeatureCollection");
        let tag = etag(&h);
        let (status, h, body) = get(
            &app,
            uri,
            &[("accept-encoding", "gzip"), ("if-none-match", &tag)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert!(body.is_empty());
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(etag(&h), tag);
    }

    #[tokio::test]
    async fn geopackage_tags_are_weak() {
        let app = crate::http::app(state());
        let (status, h, _) = get(&app, "/api/export?format=gpkg", &[]).await;
        assert_eq!(status, StatusCode::OK);
        let tag = etag(&h);
        assert!(tag.starts_with("W/\""), "{tag}");
        let (status, _, _) = get(&app, "/api/export?format=gpkg", &[("if-none-match", &tag)]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }
}
