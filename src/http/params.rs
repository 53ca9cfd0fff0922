//! The query string as ordered `key=value` pairs, with malformed strings answered in our error
//! format instead of axum's plain-text rejection.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::error::ApiError;

/// Decoded query pairs in the order given.
pub struct Params(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Params, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .map(Params)
            .map_err(|e| ApiError::bad_request("invalid query string", e.to_string()))
    }
}

impl Params {
    /// Removes and returns the value of `key`; an error when it appears twice.
    pub fn take(&mut self, key: &str) -> Result<Option<String>, ApiError> {
        let mut found = None;
        let mut err = None;
        self.0.retain(|(k, v)| {
            if k != key {
                return true;
            }
            if found.is_some() {
                err = Some(ApiError::bad_request(
                    format!("invalid {key}"),
                    "given more than once; give it once",
                ));
            }
            found = Some(v.clone());
            false
        });
        match err {
            Some(e) => Err(e),
            None => Ok(found),
        }
    }
}
