//! Limits that keep one client from starving the rest, each answered with a JSON error:
//!
//! - request bodies: a default cap for every extractor that buffers a body (axum's
//!   [`DefaultBodyLimit`]; 413), which a route raises or lowers with its own
//!   `.layer(DefaultBodyLimit::max(n))`;
//! - time: a handler that has not produced its response headers within the time-out is
//!   dropped (503). Only the wait for the headers counts: a download that has started streams
//!   for as long as the client reads it;
//! - concurrency: at most so many exports, and so many writes, at once; one more is answered
//!   at once with 503 and `Retry-After` instead of queueing. An export holds its place until
//!   its body has been sent (or the client went away); only writes with the right token count;
//! - export size: at most so many incidents in one export ([`ExportCap`], read by the export
//!   handler; 400 telling the client to narrow the filter).

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use bytes::Bytes;
use http_body::{Frame, SizeHint};

use super::ApiError;

/// Default of `--max-body`: 2 MiB (axum's own default).
pub const DEFAULT_MAX_BODY: usize = 2 * 1024 * 1024;
/// Default of `--request-timeout`.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of `--max-concurrent-exports`.
pub const DEFAULT_MAX_CONCURRENT_EXPORTS: usize = 4;
/// Default of `--max-concurrent-writes`.
pub const DEFAULT_MAX_CONCURRENT_WRITES: usize = 4;
/// Default of `--max-export`: as many as one `/api/incidents` page may hold.
pub const DEFAULT_MAX_EXPORT: usize = crate::incidents::query::MAX_LIMIT;
/// `Retry-After` of a request turned away because too many of its kind run.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Read routes expensive enough to share the export limit (`--max-concurrent-exports`).
/// Writes (any method but GET, HEAD and OPTIONS) share the write limit.
pub const EXPORT_PATHS: &[&str] = &["/api/export"];

/// The limits of one server; [`Limits::default`] are the defaults of the `serve` flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// largest body an extractor buffers, in bytes, unless its route sets its own
    pub max_body: usize,
    /// longest wait for a response's headers
    pub request_timeout: Duration,
    /// exports running at once (text exports until their last byte is sent)
    pub max_concurrent_exports: usize,
    /// writes running at once
    pub max_concurrent_writes: usize,
    /// incidents in one export
    pub max_export: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body: DEFAULT_MAX_BODY,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_concurrent_exports: DEFAULT_MAX_CONCURRENT_EXPORTS,
            max_concurrent_writes: DEFAULT_MAX_CONCURRENT_WRITES,
            max_export: DEFAULT_MAX_EXPORT,
        }
    }
}

/// The most incidents one export may hold; a request extension set by [`apply`].
#[derive(Clone, Copy, Debug)]
pub struct ExportCap(pub usize);

/// Says whether a write bears the right token. Writes without it take no place at the write
/// gate (their handler refuses them, storing nothing), so clients without the token cannot
/// keep out those with it.
pub(crate) type Authorized = Arc<dyn Fn(&HeaderMap) -> bool + Send + Sync>;

/// Wraps `router` in the limits (innermost first: body cap, time-out, concurrency). Without
/// `authorized`, every write counts against the write limit.
pub(crate) fn apply(router: Router, limits: &Limits, authorized: Option<Authorized>) -> Router {
    let gates = Arc::new(Gates {
        exports: Gate::new("exports", limits.max_concurrent_exports),
        writes: Gate::new("writes", limits.max_concurrent_writes),
        authorized,
    });
    router
        .layer(DefaultBodyLimit::max(limits.max_body))
        .layer(Extension(ExportCap(limits.max_export)))
        .layer(middleware::from_fn_with_state(
            limits.request_timeout,
            timeout,
        ))
        .layer(middleware::from_fn_with_state(gates, shed))
}

/// Drops the handler when its response has not begun within the time; the body of a response
/// that has begun is not limited.
async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let write = !is_read(request.method());
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, %path, "no response within the request time-out");
            ApiError::Timeout(format!(
                "no answer within {} (the server's --request-timeout){}",
                show_duration(limit),
                if write {
                    "; the write may still have been applied, so read before retrying (an \
                 article posted again is recognised and not stored twice)"
                } else {
                    "; narrow the request or try again later"
                }
            ))
            .into_response()
        }
    }
}

fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

struct Gates {
    exports: Gate,
    writes: Gate,
    authorized: Option<Authorized>,
}

/// A counter of requests running, with a maximum.
struct Gate {
    name: &'static str,
    max: usize,
    running: Arc<AtomicUsize>,
}

impl Gate {
    fn new(name: &'static str, max: usize) -> Gate {
        Gate {
            name,
            max: max.max(1),
            running: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A place, or `None` when all are taken.
    fn try_enter(&self) -> Option<Place> {
        self.running
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Place(Arc::clone(&self.running)))
    }
}

/// One request's place at a [`Gate`], given back when dropped.
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Load shedding: an export or a write beyond its limit is answered at once with 503 and
/// `Retry-After`; one let through keeps its place until its response body is dropped.
async fn shed(State(gates): State<Arc<Gates>>, request: Request, next: Next) -> Response {
    let gate = if !is_read(request.method()) {
        if let Some(authorized) = &gates.authorized {
            if !authorized(request.headers()) {
                return next.run(request).await;
            }
        }
        &gates.writes
    } else if EXPORT_PATHS.contains(&request.uri().path()) {
        &gates.exports
    } else {
        return next.run(request).await;
    };
    let Some(place) = gate.try_enter() else {
        tracing::warn!(
            kind = gate.name,
            max = gate.max,
            "turned a request away: busy"
        );
        return ApiError::Busy {
            detail: format!(
                "{} {} already running, the most this server takes at once (--max-concurrent-{}); \
                 try again in {RETRY_AFTER_SECS} s",
                gate.max, gate.name, gate.name
            ),
            retry_after: RETRY_AFTER_SECS,
        }
        .into_response();
    };
    next.run(request).await.map(|body| {
        Body::new(Holding {
            body,
            _place: place,
        })
    })
}

/// A response body that holds a place at a gate until it is dropped.
struct Holding {
    body: Body,
    _place: Place,
}

impl http_body::Body for Holding {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A size in bytes: a whole number with an optional binary unit `K`, `M` or `G` (also `KB`,
/// `KiB`, …; case-insensitive), e.g. `2M` = 2 × 1024 × 1024.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: usize = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size; give bytes, e.g. 2097152, 512K or 2M"))?;
    let unit = unit.trim().to_ascii_lowercase();
    let scale: usize = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(format!("{text:?}: unknown unit; use K, M or G (binary)")),
    };
    let bytes = n
        .checked_mul(scale)
        .ok_or_else(|| format!("{text:?} is too large"))?;
    if bytes == 0 {
        return Err("must be more than 0 bytes".into());
    }
    Ok(bytes)
}

/// A duration: a whole number with `ms`, `s` or `m` (seconds when there is no unit).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration; e.g. 30s, 500ms or 2m"))?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" | "min" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("{text:?}: unknown unit; use ms, s or m")),
    };
    if d.is_zero() {
        return Err("must be longer than 0".into());
    }
    Ok(d)
}

/// A count of 1 or more.
pub fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text:?}: give a whole number, 1 or more")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2097152"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("2M"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("1 GB"), Ok(1 << 30));
        for bad in ["", "M", "0", "-1", "2X", "1.5M", "99999999999999999999G"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "0", "0ms", "s", "1h", "-5s", "1.5s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert_eq!(show_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(show_duration(Duration::from_secs(30)), "30 s");
    }

    #[test]
    fn a_gate_counts_places_and_gives_them_back() {
        let gate = Gate::new("exports", 2);
        let a = gate.try_enter().expect("first");
        let b = gate.try_enter().expect("second");
        assert!(gate.try_enter().is_none());
        drop(a);
        let c = gate.try_enter().expect("after one left");
        assert!(gate.try_enter().is_none());
        drop((b, c));
        assert_eq!(gate.running.load(Ordering::Acquire), 0);
    }
}
