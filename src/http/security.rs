//! Read-only mode, CORS and the security headers of every response.
//!
//! - `--read-only`: every write (any method but GET, HEAD and OPTIONS) is refused with 403,
//!   whatever the token.
//! - CORS is off unless origins are configured: then no `Access-Control-*` header is sent and
//!   browsers keep other sites' pages from reading the API. With origins listed, those may
//!   read and write (with the token); with `*`, any origin may read (GET, HEAD) but the
//!   `Authorization` header is not allowed, so no browser page elsewhere can write.
//! - Headers on every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//!   no-referrer`, `X-Frame-Options: DENY`, `Cross-Origin-Opener-Policy: same-origin` and a
//!   `Permissions-Policy` denying powerful features; a response that is not the page or a
//!   script gets `Content-Security-Policy: default-src 'none'; frame-ancestors 'none'` (the
//!   page has its own policy, see `web.rs`; scripts and the map's worker must keep theirs).

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::ApiError;

/// Who may call the API from a page of another origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Cors {
    /// No CORS headers at all (the default).
    #[default]
    Off,
    /// `*`: any origin may read; nothing else is allowed across origins.
    AnyOriginReads,
    /// These origins (`scheme://host[:port]`) may read and write.
    Origins(Vec<HeaderValue>),
}

impl Cors {
    /// From the values of `--cors-origin`: none (off), `*` alone, or origins such as
    /// `https://maps.example.org`.
    pub fn from_origins(origins: &[String]) -> Result<Cors, String> {
        let origins: Vec<&str> = origins
            .iter()
            .map(|o| o.trim())
            .filter(|o| !o.is_empty())
            .collect();
        if origins.is_empty() {
            return Ok(Cors::Off);
        }
        if origins.contains(&"*") {
            if origins.len() > 1 {
                return Err(
                    "`*` (any origin, reads only) cannot be combined with other origins".into(),
                );
            }
            return Ok(Cors::AnyOriginReads);
        }
        origins
            .iter()
            .map(|o| origin(o))
            .collect::<Result<_, _>>()
            .map(Cors::Origins)
    }

    /// The layer, or none when CORS is off.
    pub(crate) fn layer(&self) -> Option<CorsLayer> {
        let exposed = [
            header::CONTENT_DISPOSITION,
            header::CONTENT_LENGTH,
            header::RETRY_AFTER,
        ];
        let layer = match self {
            Cors::Off => return None,
            Cors::AnyOriginReads => CorsLayer::new()
                .allow_origin(tower_http::cors::Any)
                .allow_methods([Method::GET, Method::HEAD]),
            Cors::Origins(list) => CorsLayer::new()
                .allow_origin(AllowOrigin::list(list.iter().cloned()))
                .allow_methods([
                    Method::GET,
                    Method::HEAD,
                    Method::POST,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        };
        Some(
            layer
                .expose_headers(exposed)
                .max_age(Duration::from_secs(600)),
        )
    }
}

/// An origin as browsers send it: `http` or `https`, a host, an optional port, nothing else.
fn origin(text: &str) -> Result<HeaderValue, String> {
    let bad = |why: &str| {
        format!("{text:?} is not an origin ({why}); give scheme://host[:port], e.g. https://maps.example.org")
    };
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .ok_or_else(|| bad("it needs http:// or https://"))?;
    if rest.is_empty() {
        return Err(bad("no host"));
    }
    if rest.contains(['/', '?', '#', '@', ' ', '*']) {
        return Err(bad("only a host and a port may follow the scheme"));
    }
    HeaderValue::from_str(text).map_err(|_| bad("not a valid header value"))
}

/// Middleware: refuses every write with 403 (`--read-only`).
pub(crate) async fn read_only(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        next.run(request).await
    } else {
        ApiError::ReadOnly.into_response()
    }
}

/// `Permissions-Policy`: the map needs none of these.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
     interest-cohort=()";

/// The policy of everything that is neither the page nor a script: nothing may load from it.
const DATA_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Middleware: the security headers of every response (a header a handler set is kept).
pub(crate) async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let active = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.contains("javascript"));
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS_POLICY,
    );
    if !active {
        set(header::CONTENT_SECURITY_POLICY, DATA_CSP);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins() {
        assert_eq!(Cors::from_origins(&[]), Ok(Cors::Off));
        assert_eq!(Cors::from_origins(&[" ".into()]), Ok(Cors::Off));
        assert_eq!(Cors::from_origins(&["*".into()]), Ok(Cors::AnyOriginReads));
        assert_eq!(
            Cors::from_origins(&[
                "https://maps.example.org".into(),
                "http://localhost:3000".into()
            ]),
            Ok(Cors::Origins(vec![
                HeaderValue::from_static("https://maps.example.org"),
                HeaderValue::from_static("http://localhost:3000"),
            ]))
        );
        for bad in [
            &["*", "https://a.example"][..],
            &["maps.example.org"],
            &["https://a.example/"],
            &["https://a.example/path"],
            &["ftp://a.example"],
            &["https://"],
            &["https://*.example.org"],
        ] {
            let list: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(Cors::from_origins(&list).is_err(), "{bad:?}");
        }
    }
}
