//! Text formats as a sequence of chunks: a head, groups of rows, a tail. The chunks own their
//! catalogue snapshot (an `Arc`), so a response body can outlive the handler that made it.

use std::io::{self, Write};
use std::sync::Arc;

use crate::incidents::Catalog;

/// Rows per chunk when streaming.
pub const CHUNK_ROWS: usize = 512;

/// Appends the row of the incident at `idx`; `first` is true for the first row of the export.
pub type RowFn = fn(&Catalog, u32, bool, &mut Vec<u8>);

pub struct Chunks {
    catalog: Arc<Catalog>,
    positions: Vec<u32>,
    head: Option<Vec<u8>>,
    tail: Option<Vec<u8>>,
    row: RowFn,
    next: usize,
}

impl Chunks {
    pub fn new(
        catalog: Arc<Catalog>,
        positions: Vec<u32>,
        head: Vec<u8>,
        row: RowFn,
        tail: Vec<u8>,
    ) -> Chunks {
        Chunks {
            catalog,
            positions,
            head: (!head.is_empty()).then_some(head),
            tail: (!tail.is_empty()).then_some(tail),
            row,
            next: 0,
        }
    }
}

impl Iterator for Chunks {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if let Some(h) = self.head.take() {
            return Some(h);
        }
        if self.next < self.positions.len() {
            let end = (self.next + CHUNK_ROWS).min(self.positions.len());
            let mut buf = Vec::with_capacity(64 * 1024);
            for n in self.next..end {
                (self.row)(&self.catalog, self.positions[n], n == 0, &mut buf);
            }
            self.next = end;
            return Some(buf);
        }
        self.tail.take()
    }
}

/// Writes head, rows and tail to `w`, a chunk at a time.
pub fn write_rows(
    w: &mut dyn Write,
    catalog: &Catalog,
    positions: &[u32],
    head: &[u8],
    row: RowFn,
    tail: &[u8],
) -> io::Result<()> {
    w.write_all(head)?;
    let mut buf = Vec::with_capacity(64 * 1024);
    for (c, chunk) in positions.chunks(CHUNK_ROWS).enumerate() {
        buf.clear();
        for (n, &idx) in chunk.iter().enumerate() {
            row(catalog, idx, c == 0 && n == 0, &mut buf);
        }
        w.write_all(&buf)?;
    }
    w.write_all(tail)
}
