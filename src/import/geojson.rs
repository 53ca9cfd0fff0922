//! GeoJSON FeatureCollection, read as a stream: a small scanner walks the top-level object,
//! skips every member but `features` without keeping it, and hands each element of the
//! `features` array to serde on its own, so memory holds one feature at a time however large
//! the file. Also the parsing of one Feature, shared with GeoJSON Lines.

use std::borrow::Cow;
use std::io::BufRead;

use serde::Deserialize;

use super::record::{self, Cell, Fields, Filler, Origin};
use super::{RowAt, RowError};
use crate::incidents::Incident;

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    id: Cell<'a>,
    #[serde(default)]
    geometry: Option<GeometryIn>,
    #[serde(default, borrow)]
    properties: Fields<'a>,
}

#[derive(Deserialize)]
struct GeometryIn {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: serde_json::Value,
}

/// One GeoJSON Feature (compact or not) into a validated incident.
pub(crate) fn feature(bytes: &[u8], filler: &mut Filler<'_>) -> Result<Incident, String> {
    let f: FeatureIn<'_> =
        serde_json::from_slice(bytes).map_err(|e| format!("not a GeoJSON Feature: {e}"))?;
    match f.kind.as_deref() {
        Some("Feature") => {}
        Some(other) => return Err(format!("type is {other:?}, expected \"Feature\"")),
        None => return Err("type: missing, expected \"Feature\"".into()),
    }
    let point = match f.geometry {
        None => None,
        Some(g) if g.kind == "Point" => {
            let c = g.coordinates.as_array();
            match c.map(|c| {
                (
                    c.first().and_then(|v| v.as_f64()),
                    c.get(1).and_then(|v| v.as_f64()),
                )
            }) {
                Some((Some(lon), Some(lat))) => Some((lon, lat)),
                _ => return Err("geometry: a Point needs coordinates [longitude, latitude]".into()),
            }
        }
        Some(g) => {
            return Err(format!(
                "geometry: type {:?}, expected a Point (or null with latitude and longitude)",
                g.kind
            ))
        }
    };
    record::build(&f.properties, &f.id, point, Origin::Json, filler)
}

/// Where the scanner is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// before the opening `{`
    Start,
    /// between members of the top-level object
    Members { first: bool },
    /// inside `features`
    Features { first: bool },
    /// the document is over (or broken)
    Done,
}

/// The features of a FeatureCollection, one at a time.
pub(crate) struct Collection<'g, R> {
    reader: R,
    filler: Filler<'g>,
    state: State,
    /// current line, 1-based
    line: u64,
    features: u64,
    seen_features: bool,
    buf: Vec<u8>,
}

impl<'g, R: BufRead> Collection<'g, R> {
    pub(crate) fn new(reader: R, filler: Filler<'g>) -> Collection<'g, R> {
        Collection {
            reader,
            filler,
            state: State::Start,
            line: 1,
            features: 0,
            seen_features: false,
            buf: Vec::new(),
        }
    }

    fn fatal(&mut self, reason: impl Into<String>) -> RowError {
        self.state = State::Done;
        RowError {
            at: RowAt::Line(self.line),
            reason: reason.into(),
            fatal: true,
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, String> {
        loop {
            match self.reader.fill_buf() {
                Ok(b) => return Ok(b.first().copied()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("reading: {e}")),
            }
        }
    }

    fn bump(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.reader.consume(1);
    }

    /// The next byte that is not white space (not consumed).
    fn peek_token(&mut self) -> Result<Option<u8>, String> {
        loop {
            match self.peek()? {
                Some(b @ (b' ' | b'\t' | b'\r' | b'\n')) => self.bump(b),
                other => return Ok(other),
            }
        }
    }

    fn expect(&mut self, want: u8, what: &str) -> Result<(), String> {
        match self.peek_token()? {
            Some(b) if b == want => {
                self.bump(b);
                Ok(())
            }
            Some(b) => Err(format!(
                "expected {what}, found {:?}",
                char::from(b).escape_default().to_string()
            )),
            None => Err(format!("expected {what}, found the end of the input")),
        }
    }

    /// Reads one JSON value as its bytes into `self.buf` (`keep`) or skips it. Only the nesting
    /// and strings are checked here; serde checks the rest of what is kept.
    fn value(&mut self, keep: bool) -> Result<(), String> {
        self.buf.clear();
        let first = self.peek_token()?;
        let scalar = !matches!(first, Some(b'{' | b'[' | b'"'));
        let mut stack: Vec<u8> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let Collection {
            reader, buf, line, ..
        } = self;
        loop {
            let chunk = match reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("reading: {e}")),
            };
            if chunk.is_empty() {
                return if scalar && !buf.is_empty() {
                    Ok(())
                } else {
                    Err("the input ends inside a value".into())
                };
            }
            // bytes of this chunk that belong to the value, and how the value ended
            let mut used = 0;
            let mut end: Option<Result<(), String>> = None;
            for &b in chunk {
                if scalar {
                    if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n') {
                        end = Some(if buf.is_empty() && used == 0 {
                            Err(format!(
                                "expected a value, found {:?}",
                                char::from(b).escape_default().to_string()
                            ))
                        } else {
                            Ok(())
                        });
                        break;
                    }
                    used += 1;
                    continue;
                }
                used += 1;
                if b == b'\n' {
                    *line += 1;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if stack.is_empty() {
                            end = Some(Ok(()));
                            break;
                        }
                    }
                    continue;
                }
                match b {
                    b'"' => in_string = true,
                    b'{' => stack.push(b'}'),
                    b'[' => stack.push(b']'),
                    b'}' | b']' => {
                        if stack.pop() != Some(b) {
                            end = Some(Err(format!("unbalanced {:?}", char::from(b))));
                            break;
                        }
                        if stack.is_empty() {
                            end = Some(Ok(()));
                            break;
                        }
                    }
                    _ => {}
                }
            }
            // a scalar is kept even when skipped: it is short and tells it was there
            if keep || scalar {
                buf.extend_from_slice(&chunk[..used]);
            }
            reader.consume(used);
            if let Some(end) = end {
                return end;
            }
        }
    }

    /// A member name.
    fn key(&mut self) -> Result<String, String> {
        if self.peek_token()? != Some(b'"') {
            return Err("expected a member name in quotes".into());
        }
        self.value(true)?;
        serde_json::from_slice::<String>(&self.buf).map_err(|e| format!("member name: {e}"))
    }

    /// Advances to the next feature (its bytes in `self.buf`), or to the end.
    fn advance(&mut self) -> Result<bool, String> {
        loop {
            match self.state {
                State::Done => return Ok(false),
                State::Start => {
                    // a UTF-8 byte-order mark is allowed before the document
                    if self.peek()? == Some(0xEF) {
                        for want in [0xEF, 0xBB, 0xBF] {
                            if self.peek()? != Some(want) {
                                return Err("not JSON: a broken byte-order mark".into());
                            }
                            self.bump(want);
                        }
                    }
                    self.expect(b'{', "a GeoJSON FeatureCollection object '{'")?;
                    self.state = State::Members { first: true };
                }
                State::Members { first } => {
                    if self.peek_token()? == Some(b'}') {
                        self.bump(b'}');
                        if self.peek_token()?.is_some() {
                            return Err("more data after the FeatureCollection".into());
                        }
                        self.state = State::Done;
                        if !self.seen_features {
                            return Err("the FeatureCollection has no \"features\" member".into());
                        }
                        return Ok(false);
                    }
                    if !first {
                        self.expect(b',', "',' or '}' after a member")?;
                    }
                    let key = self.key()?;
                    self.expect(b':', "':' after a member name")?;
                    match key.as_str() {
                        "features" => {
                            if self.seen_features {
                                return Err("\"features\" appears twice".into());
                            }
                            self.seen_features = true;
                            self.expect(b'[', "the features array '['")?;
                            self.state = State::Features { first: true };
                        }
                        "type" => {
                            self.value(true)?;
                            let kind: String = serde_json::from_slice(&self.buf)
                                .map_err(|_| "type is not a string".to_string())?;
                            if kind != "FeatureCollection" {
                                return Err(format!(
                                    "type is {kind:?}, expected \"FeatureCollection\" (one \
                                     Feature per line is the geojsonl format)"
                                ));
                            }
                            self.state = State::Members { first: false };
                        }
                        _ => {
                            self.value(false)?;
                            self.state = State::Members { first: false };
                        }
                    }
                }
                State::Features { first } => {
                    if self.peek_token()? == Some(b']') {
                        self.bump(b']');
                        self.state = State::Members { first: false };
                        continue;
                    }
                    if !first {
                        self.expect(b',', "',' or ']' between features")?;
                    }
                    self.state = State::Features { first: false };
                    self.value(true)?;
                    return Ok(true);
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for Collection<'_, R> {
    type Item = Result<Incident, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.line;
        match self.advance() {
            Ok(false) => None,
            Err(reason) => Some(Err(self.fatal(reason))),
            Ok(true) => {
                self.features += 1;
                let at = RowAt::Feature {
                    n: self.features,
                    line: start.max(self.line - count_lines(&self.buf)),
                };
                Some(
                    feature(&self.buf, &mut self.filler).map_err(|reason| RowError {
                        at,
                        reason,
                        fatal: false,
                    }),
                )
            }
        }
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}
