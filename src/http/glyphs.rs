//! `GET /fonts/{fontstack}/{start}-{end}.pbf`: the SDF glyphs the map's labels
//! are drawn with, embedded in the binary so labels need no internet.
//!
//! `web/fonts/glyphs/<font>/<start>-<end>.pbf` holds one font per folder
//! (generated from the Noto TTFs by `web/fonts/generate`). MapLibre asks for a
//! whole stack — `Noto Sans Regular,Noto Sans Arabic Regular` — so the fonts of
//! the stack are combined here: every glyph comes from the first font of the
//! stack that has it.
//!
//! The glyph format is a small protobuf (`glyphs { stacks: fontstack { name,
//! range, glyphs: glyph { id, … } } }`); only the fields needed to combine
//! stacks are read, and glyph messages are copied byte for byte.

use std::collections::HashSet;

use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

use super::web::{fnv1a, serve};
use super::ApiError;

/// One folder per font, as written by `web/fonts/generate`.
static GLYPHS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web/fonts/glyphs");

/// Code points per glyph file.
const RANGE: u32 = 256;
/// A stack longer than this is not a real style's.
const MAX_FONTS: usize = 8;

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/fonts/{fontstack}/{range}", get(glyphs))
}

async fn glyphs(Path((stack, range)): Path<(String, String)>, headers: HeaderMap) -> Response {
    match answer(&stack, &range, &headers) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn answer(stack: &str, range: &str, headers: &HeaderMap) -> Result<Response, ApiError> {
    let (start, end) = parse_range(range)?;
    let fonts = parse_stack(stack)?;
    let name = format!("{start}-{end}.pbf");
    let files: Vec<&'static [u8]> = fonts
        .iter()
        .filter_map(|font| GLYPHS.get_file(format!("{font}/{name}")))
        .map(|file| file.contents())
        .collect();
    if let ([only], [file]) = (fonts.as_slice(), files.as_slice()) {
        let etag = fnv1a(file);
        tracing::trace!(font = only, range = %name, "glyphs");
        return Ok(serve(&name, *file, &etag, headers));
    }
    let body = combine(&fonts.join(","), &format!("{start}-{end}"), &files)
        .ok_or_else(|| ApiError::Internal(format!("corrupt embedded glyphs {stack}/{name}")))?;
    let etag = fnv1a(&body);
    Ok(serve(&name, body, &etag, headers))
}

/// `0-255.pbf` → (0, 255): a 256-code-point block of the Basic Multilingual Plane.
fn parse_range(range: &str) -> Result<(u32, u32), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid glyph range",
            format!(
                "expected START-END.pbf with START a multiple of 256 and END = START+255 \
                 (0-255.pbf … 65280-65535.pbf); got {range}"
            ),
        )
    };
    let (start, end) = range
        .strip_suffix(".pbf")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(bad)?;
    let start: u32 = start.parse().map_err(|_| bad())?;
    let end: u32 = end.parse().map_err(|_| bad())?;
    if !start.is_multiple_of(RANGE) || end != start + RANGE - 1 || end > 0xFFFF {
        return Err(bad());
    }
    Ok((start, end))
}

/// The fonts of a stack, each one embedded; in the stack's order.
fn parse_stack(stack: &str) -> Result<Vec<&str>, ApiError> {
    let fonts: Vec<&str> = stack.split(',').map(str::trim).collect();
    if fonts.len() > MAX_FONTS {
        return Err(ApiError::bad_request(
            "invalid font stack",
            format!("at most {MAX_FONTS} fonts; got {}", fonts.len()),
        ));
    }
    for font in &fonts {
        if !font.is_empty() && (!super::web::is_safe(font) || font.contains('/')) {
            return Err(ApiError::bad_request(
                "invalid font stack",
                format!(
                    "{font:?} is not a font name; the fonts are {}",
                    available().join(", ")
                ),
            ));
        }
        if font.is_empty() || GLYPHS.get_dir(font).is_none() {
            return Err(ApiError::NotFound(format!(
                "no font {font:?}; the fonts are {}",
                available().join(", ")
            )));
        }
    }
    Ok(fonts)
}

fn available() -> Vec<String> {
    let mut names: Vec<String> = GLYPHS
        .dirs()
        .filter_map(|d| d.path().to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// One glyphs message holding one stack named `name` for `range`, with each
/// glyph id taken from the first of `files` that has it; `None` when a file is
/// not a glyphs message.
fn combine(name: &str, range: &str, files: &[&[u8]]) -> Option<Vec<u8>> {
    let mut seen = HashSet::new();
    let mut stack = Vec::new();
    put_bytes(&mut stack, 1, name.as_bytes());
    put_bytes(&mut stack, 2, range.as_bytes());
    for file in files {
        for (field, value) in fields(file)? {
            let Value::Bytes(fontstack) = value else {
                continue;
            };
            if field != 1 {
                continue;
            }
            for (field, value) in fields(fontstack)? {
                if let (3, Value::Bytes(glyph)) = (field, value) {
                    if seen.insert(glyph_id(glyph)?) {
                        put_bytes(&mut stack, 3, glyph);
                    }
                }
            }
        }
    }
    let mut message = Vec::with_capacity(stack.len() + 8);
    put_bytes(&mut message, 1, &stack);
    Some(message)
}

fn glyph_id(glyph: &[u8]) -> Option<u64> {
    fields(glyph)?
        .into_iter()
        .find_map(|(field, value)| match value {
            Value::Varint(id) if field == 1 => Some(id),
            _ => None,
        })
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The fields of a protobuf message; `None` if it is malformed.
fn fields(mut buf: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut buf)?),
            1 => {
                buf = buf.get(8..)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                let bytes = buf.get(..len)?;
                buf = buf.get(len..)?;
                Value::Bytes(bytes)
            }
            5 => {
                buf = buf.get(4..)?;
                Value::Fixed
            }
            _ => return None,
        };
        out.push((key >> 3, value));
    }
    Some(out)
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    put_varint(out, field << 3 | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A glyphs message with one stack of the given glyph ids (each with one extra field).
    fn message(name: &str, ids: &[(u64, u8)]) -> Vec<u8> {
        let mut stack = Vec::new();
        put_bytes(&mut stack, 1, name.as_bytes());
        put_bytes(&mut stack, 2, b"0-255");
        for &(id, mark) in ids {
            let mut glyph = Vec::new();
            put_varint(&mut glyph, 1 << 3);
            put_varint(&mut glyph, id);
            put_bytes(&mut glyph, 2, &[mark]);
            put_bytes(&mut stack, 3, &glyph);
        }
        let mut out = Vec::new();
        put_bytes(&mut out, 1, &stack);
        out
    }

    /// (id, mark) of every glyph of the first stack, and the stack's name.
    fn read(message: &[u8]) -> (String, Vec<(u64, u8)>) {
        let fields = fields(message).expect("message");
        let Some((1, Value::Bytes(stack))) = fields.into_iter().next() else {
            panic!("no stack");
        };
        let mut name = String::new();
        let mut glyphs = Vec::new();
        for (field, value) in super::fields(stack).expect("stack") {
            match (field, value) {
                (1, Value::Bytes(n)) => name = String::from_utf8(n.to_vec()).expect("utf-8"),
                (3, Value::Bytes(g)) => {
                    // Field 2 is the mark in test glyphs, the bitmap in real ones.
                    let mark = super::fields(g)
                        .expect("glyph")
                        .into_iter()
                        .find_map(|(field, value)| match value {
                            Value::Bytes(m) if field == 2 => Some(m.first().copied().unwrap_or(0)),
                            _ => None,
                        })
                        .unwrap_or(0);
                    glyphs.push((glyph_id(g).expect("id"), mark));
                }
                _ => {}
            }
        }
        (name, glyphs)
    }

    #[test]
    fn the_first_font_with_a_glyph_wins() {
        let latin = message("Latin", &[(65, 1), (300, 1)]);
        let arabic = message("Arabic", &[(65, 2), (1575, 2)]);
        let combined = combine("Latin,Arabic", "0-255", &[&latin, &arabic]).expect("combined");
        let (name, glyphs) = read(&combined);
        assert_eq!(name, "Latin,Arabic");
        assert_eq!(glyphs, vec![(65, 1), (300, 1), (1575, 2)]);
        let (_, glyphs) = read(&combine("x", "0-255", &[&arabic, &latin]).expect("combined"));
        assert_eq!(glyphs, vec![(65, 2), (1575, 2), (300, 1)]);
    }

    #[test]
    fn malformed_messages_are_refused() {
        assert!(combine("x", "0-255", &[&[0x0a, 0x05, 0x01]]).is_none());
        assert!(combine("x", "0-255", &[&[0xff]]).is_none());
        let (_, glyphs) = read(&combine("x", "0-255", &[]).expect("empty"));
        assert!(glyphs.is_empty());
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0-255.pbf").ok(), Some((0, 255)));
        assert_eq!(parse_range("65280-65535.pbf").ok(), Some((65280, 65535)));
        for bad in [
            "0-255",
            "1-256.pbf",
            "0-511.pbf",
            "65536-65791.pbf",
            "a-b.pbf",
            "-1-254.pbf",
        ] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn embedded_fonts_cover_latin_and_arabic() {
        let fonts = available();
        assert!(fonts.iter().any(|f| f == "Noto Sans Regular"), "{fonts:?}");
        assert!(
            fonts.iter().any(|f| f == "Noto Sans Arabic Regular"),
            "{fonts:?}"
        );
        // Arabic letters, and the presentation forms the RTL plugin shapes them into.
        for range in ["1536-1791", "65024-65279"] {
            let file = GLYPHS
                .get_file(format!("Noto Sans Arabic Regular/{range}.pbf"))
                .unwrap_or_else(|| panic!("no Arabic glyphs for {range}"));
            assert!(!read(file.contents()).1.is_empty());
        }
        assert!(parse_stack("Noto Sans Regular, Noto Sans Arabic Regular").is_ok());
        assert!(parse_stack("Comic Sans").is_err());
        assert!(parse_stack("").is_err());
    }
}
