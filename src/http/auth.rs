//! Bearer-token check for writes (`Authorization: Bearer <token>`).
//!
//! No token configured: every write is refused (403) with a message saying how to enable
//! writes. A missing or wrong token: 401 with `WWW-Authenticate: Bearer`. The comparison takes
//! the same time wherever the tokens differ, and the token is never logged nor echoed in an
//! answer. `--read-only` refuses writes before this check (see `security.rs`).

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};

/// Compares two byte strings in constant time: their SHA-256 digests are compared with every
/// byte visited, so neither where they differ nor the expected token's length shows in the
/// time taken.
fn same(a: &[u8], b: &[u8]) -> bool {
    let (x, y) = (Sha256::digest(a), Sha256::digest(b));
    let diff = x.iter().zip(y.iter()).fold(0u8, |d, (p, q)| d | (p ^ q));
    std::hint::black_box(diff) == 0
}

/// Allows the request to write, or says why not.
pub fn require_token(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.token() else {
        return Err(ApiError::Forbidden(
            "writes are disabled: start the server with --token or INCIDENT_MAP_TOKEN set, then \
             send Authorization: Bearer <token>"
                .into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        });
    match given {
        None => Err(ApiError::Unauthorized(
            "this write needs the header Authorization: Bearer <token>".into(),
        )),
        Some(t) if same(t.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::Unauthorized("the bearer token is wrong".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::same;

    #[test]
    fn equal_only_when_equal() {
        assert!(same(b"secret", b"secret"));
        assert!(!same(b"secret", b"secreT"));
        assert!(!same(b"secret", b"secret2"));
        assert!(!same(b"", b"x"));
        assert!(!same(b"x", b""));
        assert!(same(b"", b""));
    }
}
