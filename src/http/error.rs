//! The one place that maps errors to HTTP statuses and the JSON error body
//! `{"error": "...", "detail": "..."}`; [`json_errors`] gives the same body to the errors that
//! come from outside our handlers (axum's extractors, body limits).

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::state::WriteError;
use crate::extract::ExtractError;
use crate::incidents::{QueryError, StoreError};

/// The body of every error response, `error` first.
#[derive(serde::Serialize)]
struct ErrorBody {
    error: String,
    detail: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Bad input: what was wrong (`error`) and what is allowed (`detail`).
    #[error("{error}: {detail}")]
    BadRequest { error: String, detail: String },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// Anything that is our fault; logged, answered with a generic message.
    #[error("internal error: {0}")]
    Internal(String),
    /// A write without the right bearer token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A write while no token is configured: writes are off.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A body over the limit.
    #[error("payload too large: {0}")]
    TooLarge(String),
    /// A write while the server runs with `--read-only`, whatever the token.
    #[error("read-only: writes are refused")]
    ReadOnly,
    /// Too many requests of this kind at once: 503 with `Retry-After` (seconds).
    #[error("busy: {detail}")]
    Busy { detail: String, retry_after: u64 },
    /// No response within the configured time.
    #[error("timeout: {0}")]
    Timeout(String),
    /// Any other status, with what went wrong.
    #[error("{status}: {detail}")]
    Status { status: StatusCode, detail: String },
}

impl ApiError {
    pub fn bad_request(error: impl Into<String>, detail: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            error: error.into(),
            detail: detail.into(),
        }
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        ApiError::bad_request(format!("invalid {}", e.param), e.detail)
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> ApiError {
        match e {
            WriteError::Extract(ExtractError::TooLarge(_)) => ApiError::TooLarge(e.to_string()),
            WriteError::Extract(ExtractError::Empty) => ApiError::bad_request(
                "empty article",
                "the article text has no words; send UTF-8 text",
            ),
            WriteError::NotFound(_) => ApiError::NotFound(e.to_string()),
            WriteError::Invalid(detail) => ApiError::bad_request("invalid incident", detail),
            WriteError::Store(StoreError::Invalid { detail, .. }) => {
                ApiError::bad_request("invalid incident", detail)
            }
            WriteError::Store(_) | WriteError::Answer(_) => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Unauthorized(detail) = self {
            let body = ErrorBody {
                error: "unauthorized".to_string(),
                detail,
            };
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                Json(body),
            )
                .into_response();
        }
        if let ApiError::Busy {
            detail,
            retry_after,
        } = self
        {
            let body = ErrorBody {
                error: "busy".to_string(),
                detail,
            };
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, HeaderValue::from(retry_after))],
                Json(body),
            )
                .into_response();
        }
        let (status, error, detail) = match self {
            ApiError::BadRequest { error, detail } => (StatusCode::BAD_REQUEST, error, detail),
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, "not found".to_string(), detail),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed".to_string(),
                "this path does not answer this method; reads are GET, writes are POST /api/articles \
                 and PATCH or DELETE /api/incidents/{id}"
                    .to_string(),
            ),
            ApiError::Unauthorized(detail) => {
                (StatusCode::UNAUTHORIZED, "unauthorized".into(), detail)
            }
            ApiError::Forbidden(detail) => (StatusCode::FORBIDDEN, "forbidden".into(), detail),
            ApiError::TooLarge(detail) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload too large".into(),
                detail,
            ),
            ApiError::ReadOnly => (
                StatusCode::FORBIDDEN,
                "read-only".into(),
                "this server runs with --read-only (INCIDENT_MAP_READ_ONLY): every write is \
                 refused, whatever the token"
                    .into(),
            ),
            ApiError::Busy {
                detail,
                retry_after: _,
            } => (StatusCode::SERVICE_UNAVAILABLE, "busy".into(), detail),
            ApiError::Timeout(detail) => (StatusCode::SERVICE_UNAVAILABLE, "timeout".into(), detail),
            ApiError::Status { status, detail } => (
                status,
                status
                    .canonical_reason()
                    .unwrap_or("error")
                    .to_ascii_lowercase(),
                detail,
            ),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_string(),
                    "the server failed to answer; the error was logged".to_string(),
                )
            }
        };
        (status, Json(ErrorBody { error, detail })).into_response()
    }
}

/// Largest error body from outside our handlers that is read to become a `detail`.
const FOREIGN_ERROR_BYTES: usize = 16 * 1024;

/// Middleware: an error response that is not JSON (axum's plain-text rejections, such as a
/// body over its limit or an undecodable path) becomes our JSON error with the same status,
/// its text kept as the detail. `max_body` is named in the detail of a 413.
pub(crate) async fn json_errors(
    axum::extract::State(max_body): axum::extract::State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, FOREIGN_ERROR_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the request body is over the limit of this route ({}); most routes take at most \
             {max_body} bytes (--max-body)",
            if text.is_empty() { "too large" } else { &text }
        ),
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
        _ => text,
    };
    let mut answer = ApiError::Status { status, detail }.into_response();
    // keep what the inner layers said about the response (Allow, Retry-After, CORS, …)
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name, value.clone());
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    /// A plain-text error, as axum's rejections are.
    fn plain(status: StatusCode, text: &'static str) -> Response {
        (status, Body::from(text)).into_response()
    }
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    #[tokio::test]
    async fn plain_errors_become_json() {
        let app = Router::new()
            .route(
                "/plain",
                get(|| async { plain(StatusCode::UNSUPPORTED_MEDIA_TYPE, "no such type") }),
            )
            .route(
                "/big",
                get(|| async { plain(StatusCode::PAYLOAD_TOO_LARGE, "") }),
            )
            .route("/ok", get(|| async { "fine" }))
            .layer(axum::middleware::from_fn_with_state(123usize, json_errors));
        let call = |uri: &'static str| {
            let app = app.clone();
            async move {
                let r = app
                    .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                    .await
                    .expect("infallible");
                let status = r.status();
                let bytes = axum::body::to_bytes(r.into_body(), 1 << 16)
                    .await
                    .expect("body");
                (status, String::from_utf8_lossy(&bytes).into_owned())
            }
        };
        let (status, body) = call("/plain").await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["error"], "unsupported media type");
        assert_eq!(v["detail"], "no such type");
        let (status, body) = call("/big").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert!(
            v["detail"].as_str().unwrap_or("").contains("123 bytes"),
            "{v}"
        );
        assert_eq!(call("/ok").await, (StatusCode::OK, "fine".to_string()));
    }
}
