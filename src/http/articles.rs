//! `POST /api/articles`: ingest a report (token required).
//!
//! The body is the article as `text/plain` (UTF-8), or JSON `{title, source, url, published,
//! text}` (`text` required, `published` as `YYYY-MM-DD`). The answer lists every proposed
//! incident with its GeoJSON Feature and evidence (sentence, place phrase and the gazetteer
//! entry, date phrase, type words, confidence), which were stored and which look like
//! incidents already on the map. 201 for a new article; 200 when the same text was ingested
//! before (nothing new is stored). Text over 1 MB → 413; empty or non-UTF-8 → 400.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;

use super::auth::require_token;
use super::{ApiError, AppState};
use crate::extract::ingest::ArticleInput;
use crate::extract::MAX_ARTICLE_BYTES;

/// Largest body read: a JSON body may escape its 1 MB of text (`\u0627` is six bytes).
const MAX_BODY_BYTES: usize = 6 * MAX_ARTICLE_BYTES + 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/articles",
        post(create).layer(DefaultBodyLimit::disable()),
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleBody {
    title: Option<String>,
    source: Option<String>,
    url: Option<String>,
    published: Option<String>,
    text: String,
}

fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "the article text may be at most {MAX_ARTICLE_BYTES} bytes (1 MB)"
    ))
}

/// Parses the body into an article, or says what is wrong with it.
fn article(headers: &HeaderMap, body: &[u8]) -> Result<ArticleInput, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/plain")
        .to_ascii_lowercase();
    let input = if content_type.starts_with("application/json") {
        let b: ArticleBody = serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(
                "invalid JSON body",
                format!("{e}; expected {{\"title\", \"source\", \"url\", \"published\": \"YYYY-MM-DD\", \"text\"}} with text required"),
            )
        })?;
        let published = b
            .published
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                NaiveDate::parse_from_str(p.trim(), "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_request(
                        "invalid published",
                        format!("{p:?} is not a date; give YYYY-MM-DD"),
                    )
                })
            })
            .transpose()?;
        ArticleInput {
            title: b.title.filter(|t| !t.trim().is_empty()),
            source: b.source.filter(|t| !t.trim().is_empty()),
            url: b.url.filter(|t| !t.trim().is_empty()),
            published,
            text: b.text,
        }
    } else if content_type.starts_with("text/plain") {
        if body.len() > MAX_ARTICLE_BYTES {
            return Err(too_large());
        }
        let text = String::from_utf8(body.to_vec()).map_err(|e| {
            ApiError::bad_request(
                "article is not UTF-8",
                format!("{e}; send the text encoded as UTF-8"),
            )
        })?;
        ArticleInput {
            text,
            ..ArticleInput::default()
        }
    } else {
        return Err(ApiError::bad_request(
            "unsupported content type",
            format!("got {content_type:?}; send text/plain (UTF-8) or application/json"),
        ));
    };
    if input.text.len() > MAX_ARTICLE_BYTES {
        return Err(too_large());
    }
    if input.text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "empty article",
            "the article text is empty; send the report as UTF-8 text",
        ));
    }
    Ok(input)
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    require_token(&state, &headers)?;
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    let input = article(&headers, &bytes)?;
    let answer = tokio::task::spawn_blocking(move || state.ingest(input))
        .await
        .map_err(|e| ApiError::Internal(format!("ingest task: {e}")))??;
    let status = if answer.article.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)).into_response())
}
