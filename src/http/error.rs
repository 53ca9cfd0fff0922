//! The one place that maps errors to HTTP statuses and the JSON error body
//! `{"error": "...", "detail": "..."}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::incidents::QueryError;

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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, detail) = match self {
            ApiError::BadRequest { error, detail } => (StatusCode::BAD_REQUEST, error, detail),
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, "not found".to_string(), detail),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed".to_string(),
                "this path answers GET (and HEAD) only".to_string(),
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
