//! CSV with ACLED's column names (ACLED's own exports and ours): a header line, then one
//! incident per record; quoted cells may hold commas, quotes and line breaks. Columns are found
//! by name in any order, unknown ones are ignored, a UTF-8 byte-order mark is skipped. One
//! record in memory at a time.

use std::io::BufRead;

use super::record::{self, Cell, Fields, Filler, Origin, Slot};
use super::{RowAt, RowError};
use crate::incidents::Incident;

pub(crate) struct Records<'g, R: BufRead> {
    reader: csv::Reader<R>,
    filler: Filler<'g>,
    /// the slot of each column (`None`: ignored); read from the header on the first call
    columns: Option<Vec<Option<Slot>>>,
    record: csv::ByteRecord,
    done: bool,
}

impl<'g, R: BufRead> Records<'g, R> {
    pub(crate) fn new(reader: R, filler: Filler<'g>) -> Records<'g, R> {
        Records {
            reader: csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(true)
                .from_reader(reader),
            filler,
            columns: None,
            record: csv::ByteRecord::new(),
            done: false,
        }
    }

    fn fatal(&mut self, line: u64, reason: String) -> RowError {
        self.done = true;
        RowError {
            at: RowAt::Line(line),
            reason,
            fatal: true,
        }
    }

    fn header(&mut self) -> Result<Vec<Option<Slot>>, RowError> {
        let header = match self.reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(self.fatal(1, format!("header: {e}"))),
        };
        let mut columns = Vec::with_capacity(header.len());
        for cell in header.iter() {
            let name = String::from_utf8_lossy(cell);
            let slot = Slot::of(&name);
            if slot.is_some() && columns.contains(&slot) {
                return Err(
                    self.fatal(1, format!("header: column {:?} appears twice", name.trim()))
                );
            }
            columns.push(slot);
        }
        let has = |s: Slot| columns.contains(&Some(s));
        if !has(Slot::Id) && !has(Slot::EventIdCnty) {
            return Err(self.fatal(1, "header: no event_id_cnty (or id) column".into()));
        }
        for s in [
            Slot::Latitude,
            Slot::Longitude,
            Slot::EventDate,
            Slot::EventType,
        ] {
            if !has(s) {
                return Err(self.fatal(1, format!("header: no {} column", s.name())));
            }
        }
        Ok(columns)
    }
}

impl<R: BufRead> Iterator for Records<'_, R> {
    type Item = Result<Incident, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.columns.is_none() {
            match self.header() {
                Ok(c) => self.columns = Some(c),
                Err(e) => return Some(Err(e)),
            }
        }
        let columns = self.columns.as_deref().unwrap_or_default();
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                        return Some(Err(RowError {
                            at: RowAt::Line(line),
                            reason: format!("reading: {e}"),
                            fatal: true,
                        }));
                    }
                    return Some(Err(RowError {
                        at: RowAt::Line(line),
                        reason: e.to_string(),
                        fatal: false,
                    }));
                }
            }
            let line = self.record.position().map_or(0, |p| p.line());
            // a blank line reads as one empty cell
            if self.record.len() == 1 && self.record[0].trim_ascii().is_empty() {
                continue;
            }
            let mut fields = Fields::default();
            for (slot, bytes) in columns.iter().zip(self.record.iter()) {
                let Some(slot) = slot else { continue };
                let text = match std::str::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        return Some(Err(RowError {
                            at: RowAt::Line(line),
                            reason: format!("{}: not UTF-8 ({e})", slot.name()),
                            fatal: false,
                        }))
                    }
                };
                if !text.is_empty() {
                    fields.set(*slot, Cell::Text(text.into()));
                }
            }
            let incident = record::build(&fields, &Cell::Null, None, Origin::Csv, &mut self.filler);
            return Some(incident.map_err(|reason| RowError {
                at: RowAt::Line(line),
                reason,
                fatal: false,
            }));
        }
    }
}
