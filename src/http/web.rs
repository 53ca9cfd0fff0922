//! The web front-end: the map page, its static assets and the country
//! outlines it draws, all embedded in the binary so the service runs offline.
//!
//! `build.rs` gathers the page (`web/src/`) and the MapLibre files from
//! `web/node_modules/` into `$OUT_DIR/web/`; this module serves that tree
//! under `/assets/`, the page itself at `/`, and
//! `geodata/countries.geojson` at `/data/countries.geojson`.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

use super::ApiError;

/// The page and its assets, as gathered by `build.rs`.
static ASSETS: Dir<'static> = include_dir!("$OUT_DIR/web");

/// Country outlines (Syria and its neighbours) drawn under the incidents.
const COUNTRIES: &str = include_str!("../../geodata/countries.geojson");

/// Everything is revalidated with the `ETag`, so a new binary is picked up at once.
const CACHE_CONTROL: &str = "no-cache";

/// Keeps every request of the page on this server, except the OpenStreetMap
/// tiles the user can switch on (off by default); blocks inline scripts.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     worker-src 'self' blob:; child-src 'self' blob:; \
     img-src 'self' data: blob: https://tile.openstreetmap.org; \
     style-src 'self' 'unsafe-inline'; connect-src 'self' https://tile.openstreetmap.org; \
     object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Routes of the front-end; merge them into the application's router.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .route("/data/countries.geojson", get(countries))
}

async fn index(headers: HeaderMap) -> Response {
    match ASSETS.get_file("index.html") {
        Some(file) => {
            let etag = asset_etag("index.html").unwrap_or_default();
            let mut response = serve("index.html", file.contents(), etag, &headers);
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            );
            response
        }
        None => not_found("index.html"),
    }
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    if !is_safe(&path) {
        return ApiError::bad_request(
            "invalid asset path",
            format!(
                "{path:?}: a path under /assets/ is made of plain names separated by /, without \
                 . or .. segments, backslashes, colons or control characters"
            ),
        )
        .into_response();
    }
    match ASSETS.get_file(&path) {
        Some(file) => {
            let etag = asset_etag(&path).unwrap_or_default();
            serve(&path, file.contents(), etag, &headers)
        }
        None => not_found(&path),
    }
}

async fn countries(headers: HeaderMap) -> Response {
    static ETAG: OnceLock<String> = OnceLock::new();
    let etag = ETAG.get_or_init(|| fnv1a(COUNTRIES.as_bytes()));
    serve("countries.geojson", COUNTRIES.as_bytes(), etag, &headers)
}

/// A relative path made only of plain names: no `..`, `.`, empty segment,
/// backslash, drive prefix or control character (NUL included). The files are embedded, so
/// nothing outside them can be read anyway; this answers such paths with a 400.
pub(crate) fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && !path.contains(':')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// The `Content-Type` for a file name, by its extension.
fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "geojson" => "application/geo+json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "pbf" => "application/x-protobuf",
        "wasm" => "application/wasm",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A 200 response with content type (by `path`'s extension), cache headers
/// and `ETag`, or a 304 when the client already holds this version.
pub(crate) fn serve(
    path: &str,
    body: impl Into<Bytes>,
    etag: &str,
    request: &HeaderMap,
) -> Response {
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(path)),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::ETAG, etag),
    ];
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (headers, body.into()).into_response()
    }
}

/// The `ETag` of an embedded asset (FNV-1a of its bytes), computed once for all.
fn asset_etag(path: &str) -> Option<&'static str> {
    static TAGS: OnceLock<HashMap<String, String>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        let mut tags = HashMap::new();
        let mut pending = vec![&ASSETS];
        while let Some(dir) = pending.pop() {
            for file in dir.files() {
                if let Some(name) = file.path().to_str() {
                    tags.insert(name.to_string(), fnv1a(file.contents()));
                }
            }
            pending.extend(dir.dirs());
        }
        tags
    });
    tags.get(path).map(String::as_str)
}

/// An `ETag` for `bytes`: their FNV-1a hash and length.
pub(crate) fn fnv1a(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:016x}-{:x}\"", bytes.len())
}

fn not_found(path: &str) -> Response {
    ApiError::NotFound(format!("no asset {path}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe("app.js"));
        assert!(is_safe("licenses/maplibre-gl.txt"));
        for bad in [
            "",
            "..",
            "../Cargo.toml",
            "a/../../b",
            "./app.js",
            "a//b",
            "/etc/passwd",
            "..\\x",
            "a\\..\\..\\b",
            "C:/x",
            "app.js\0",
            "\0",
            "a/\n/b",
        ] {
            assert!(!is_safe(bad), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("a.JS"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x/y.pbf"), "application/x-protobuf");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn embedded_files_have_etags() {
        assert!(asset_etag("index.html").is_some());
        assert!(asset_etag("licenses/maplibre-gl.txt").is_some());
        assert!(asset_etag("licenses/noto-fonts-ofl.txt").is_some());
        assert!(asset_etag("mapbox-gl-rtl-text.mjs").is_some());
        assert!(asset_etag("missing.js").is_none());
    }
}
