//! GeoJSON Lines (`.geojsonl`, `.ndjson`, RFC 8142 sequences): one Feature per line; blank
//! lines and a leading record separator (0x1E) are allowed. One line in memory at a time.

use std::io::BufRead;

use super::geojson::feature;
use super::record::Filler;
use super::{RowAt, RowError};
use crate::incidents::Incident;

pub(crate) struct Lines<'g, R> {
    reader: R,
    filler: Filler<'g>,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<'g, R: BufRead> Lines<'g, R> {
    pub(crate) fn new(reader: R, filler: Filler<'g>) -> Lines<'g, R> {
        Lines {
            reader,
            filler,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Lines<'_, R> {
    type Item = Result<Incident, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    let mut text: &[u8] = &self.buf;
                    if self.line == 1 {
                        text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
                    }
                    let text = text.trim_ascii();
                    let text = text.strip_prefix(b"\x1E").unwrap_or(text).trim_ascii();
                    if text.is_empty() {
                        continue;
                    }
                    let at = RowAt::Line(self.line);
                    return Some(feature(text, &mut self.filler).map_err(|reason| RowError {
                        at,
                        reason,
                        fatal: false,
                    }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(RowError {
                        at: RowAt::Line(self.line + 1),
                        reason: format!("reading: {e}"),
                        fatal: true,
                    }));
                }
            }
        }
        None
    }
}
