//! The one place that maps errors to HTTP statuses and the JSON error body
//! `{"error": "...", "detail": "..."}`.

use axum::http::{header, StatusCode};
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
