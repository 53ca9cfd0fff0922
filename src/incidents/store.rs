//! Durable storage of incidents in SQLite (rusqlite, bundled) inside the data directory.
//!
//! The store is the source of truth; the R-tree catalogue is rebuilt from it at start-up.
//! Journal mode is WAL with `synchronous = FULL`: a write that returned is on disk even across
//! a power cut, and readers are never blocked by the writer.
//!
//! Next to its columns every row keeps its GeoJSON Feature bytes (`feature`), written with the
//! row, so that start-up reads them instead of serialising again. A database made before that
//! column existed gets it when opened, filled from the columns; rows written without it (by an
//! older build) are found through a partial index and filled on the next open.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::model::{Encoded, Incident, Review};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "incidents.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored incident {id} is unreadable: {detail}")]
    Corrupt { id: String, detail: String },
    #[error("incident {id} is invalid: {detail}")]
    Invalid { id: String, detail: String },
}

pub struct Store {
    conn: Connection,
    /// the database file, so a scan can read it through more connections (none in memory)
    path: Option<PathBuf>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY NOT NULL,
    event_date TEXT NOT NULL,
    event_date_end TEXT,
    time_precision INTEGER NOT NULL,
    disorder_type TEXT NOT NULL,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    actor1 TEXT,
    actor2 TEXT,
    fatalities INTEGER NOT NULL,
    location TEXT NOT NULL,
    location_ar TEXT NOT NULL,
    admin1 TEXT NOT NULL,
    admin1_ar TEXT NOT NULL,
    geo_precision INTEGER NOT NULL,
    place_id TEXT NOT NULL,
    notes TEXT NOT NULL,
    source_text TEXT NOT NULL,
    source TEXT NOT NULL,
    review TEXT NOT NULL,
    lon REAL NOT NULL,
    lat REAL NOT NULL,
    feature BLOB
) STRICT;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT,
    source TEXT,
    url TEXT,
    published TEXT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    answer TEXT NOT NULL
) STRICT;
";

/// An ingested article: its text is kept, so nothing read is lost and it can be read again.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleRow {
    /// SHA-256 of the text, hex
    pub id: String,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub text: String,
    /// the answer given when it was ingested (JSON)
    pub answer: String,
}

/// Rows whose feature bytes are missing; empty unless an older build wrote some.
const UNENCODED_INDEX: &str =
    "CREATE INDEX IF NOT EXISTS incidents_unencoded ON incidents (id) WHERE feature IS NULL";

/// Rows filled per transaction when feature bytes are missing.
const FILL_BATCH: usize = 10_000;

/// One stored incident as the catalogue reads it: the columns it indexes and the Feature bytes,
/// borrowed from SQLite for the time of one call.
#[derive(Debug, Clone, Copy)]
pub struct StoredRow<'a> {
    pub id: &'a str,
    pub event_date: NaiveDate,
    pub event_date_end: Option<NaiveDate>,
    pub event_type: &'a str,
    pub review: Review,
    pub admin1: &'a str,
    pub admin1_ar: &'a str,
    pub actor1: Option<&'a str>,
    pub lon: f64,
    pub lat: f64,
    pub feature: &'a [u8],
}

const COLUMNS: &str = "id, event_date, event_date_end, time_precision, disorder_type, event_type, \
    sub_event_type, actor1, actor2, fatalities, location, location_ar, admin1, admin1_ar, \
    geo_precision, place_id, notes, source_text, source, review, lon, lat";

impl Store {
    /// Opens (creating if needed) `DIR/incidents.sqlite`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut store = Store::init(conn)?;
        store.path = Some(path);
        Ok(store)
    }

    /// A throwaway store, for tests and one-shot commands.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        let has_feature: bool = conn
            .prepare("SELECT 1 FROM pragma_table_info('incidents') WHERE name = 'feature'")?
            .exists([])?;
        if !has_feature {
            conn.execute_batch("ALTER TABLE incidents ADD COLUMN feature BLOB")?;
        }
        conn.execute_batch(UNENCODED_INDEX)?;
        let mut store = Store { conn, path: None };
        let filled = store.fill_features()?;
        if filled > 0 {
            tracing::info!(
                filled,
                "stored the feature bytes of incidents that had none"
            );
        }
        Ok(store)
    }

    /// Serialises and stores the Feature bytes of every row that has none; returns how many.
    fn fill_features(&mut self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let tx = self.conn.transaction()?;
            let batch: Vec<Incident> = {
                let mut stmt = tx.prepare(&format!(
                    "SELECT {COLUMNS} FROM incidents WHERE feature IS NULL LIMIT {FILL_BATCH}"
                ))?;
                let rows = stmt.query_map([], raw_row)?;
                let mut out = Vec::new();
                for row in rows {
                    out.push(row?.finish()?);
                }
                out
            };
            if batch.is_empty() {
                return Ok(total);
            }
            {
                let mut update = tx.prepare("UPDATE incidents SET feature = ?1 WHERE id = ?2")?;
                for inc in &batch {
                    update.execute(params![inc.to_feature_json(), inc.id])?;
                }
            }
            tx.commit()?;
            total += batch.len();
        }
    }

    pub fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM incidents", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Inserts or replaces incidents by id and sets the meta entries, all in one transaction:
    /// either everything is stored or nothing is.
    pub fn upsert(
        &mut self,
        incidents: &[Incident],
        meta: &[(&str, &str)],
    ) -> Result<(), StoreError> {
        validate_all(incidents)?;
        let rows: Vec<Encoded> = incidents.iter().cloned().map(Encoded::new).collect();
        let tx = self.conn.transaction()?;
        {
            insert_incidents(&tx, "INSERT OR REPLACE", &rows)?;
            let mut meta_stmt =
                tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?;
            for (k, v) in meta {
                meta_stmt.execute([k, v])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Inserts or replaces incidents (with the Feature bytes they carry) by id in one
    /// transaction, all or nothing. Answers (inserted, updated): an id met a second time in
    /// the same batch counts as updated.
    pub fn import(&mut self, rows: &[Encoded]) -> Result<(usize, usize), StoreError> {
        for r in rows {
            r.incident
                .validate()
                .map_err(|detail| StoreError::Invalid {
                    id: r.incident.id.clone(),
                    detail,
                })?;
        }
        let tx = self.conn.transaction()?;
        let mut inserted = 0;
        {
            let mut exists = tx.prepare_cached("SELECT 1 FROM incidents WHERE id = ?1")?;
            for r in rows {
                if !exists.exists([&r.incident.id])? {
                    inserted += 1;
                }
                insert_incidents(&tx, "INSERT OR REPLACE", std::slice::from_ref(r))?;
            }
        }
        tx.commit()?;
        Ok((inserted, rows.len() - inserted))
    }

    /// Stores an article and its incidents in one transaction, unless an article with the same
    /// id is stored already: then nothing changes and `false` is returned. An incident whose
    /// id exists already fails the whole write.
    pub fn ingest(
        &mut self,
        article: &ArticleRow,
        incidents: &[Incident],
    ) -> Result<bool, StoreError> {
        let rows: Vec<Encoded> = incidents.iter().cloned().map(Encoded::new).collect();
        self.ingest_encoded(article, &rows)
    }

    /// [`Store::ingest`] with incidents already serialised.
    pub fn ingest_encoded(
        &mut self,
        article: &ArticleRow,
        rows: &[Encoded],
    ) -> Result<bool, StoreError> {
        for r in rows {
            validate_all(std::slice::from_ref(&r.incident))?;
        }
        let tx = self.conn.transaction()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO articles (id, title, source, url, published, text, \
             ingested_at, answer) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
            params![
                article.id,
                article.title,
                article.source,
                article.url,
                article.published,
                article.text,
                chrono::Utc::now().to_rfc3339(),
                article.answer,
            ],
        )?;
        if added == 0 {
            return Ok(false);
        }
        insert_incidents(&tx, "INSERT", rows)?;
        tx.commit()?;
        Ok(true)
    }

    /// The answer stored with an ingested article.
    pub fn article_answer(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT answer FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Replaces an existing incident (same id); `false` when there is none.
    pub fn replace(&mut self, incident: &Incident) -> Result<bool, StoreError> {
        self.replace_encoded(&Encoded::new(incident.clone()))
    }

    /// [`Store::replace`] with the incident already serialised.
    pub fn replace_encoded(&mut self, row: &Encoded) -> Result<bool, StoreError> {
        let incident = &row.incident;
        validate_all(std::slice::from_ref(incident))?;
        let tx = self.conn.transaction()?;
        let exists: bool = tx
            .query_row(
                "SELECT 1 FROM incidents WHERE id = ?1",
                [&incident.id],
                |_| Ok(true),
            )
            .optional()?
            .unwrap_or(false);
        if !exists {
            return Ok(false);
        }
        insert_incidents(&tx, "INSERT OR REPLACE", std::slice::from_ref(row))?;
        tx.commit()?;
        Ok(true)
    }

    /// Deletes an incident; `false` when there was none.
    pub fn delete(&mut self, id: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .execute("DELETE FROM incidents WHERE id = ?1", [id])?
            > 0)
    }

    /// Every stored incident (unordered).
    pub fn load_all(&self) -> Result<Vec<Incident>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM incidents"))?;
        let rows = stmt.query_map([], raw_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.finish()?);
        }
        Ok(out)
    }

    /// Calls `f` with every stored row (unordered), reading only the columns the catalogue
    /// keeps and borrowing them from SQLite: nothing is allocated per row here.
    pub fn scan(
        &self,
        mut f: impl FnMut(StoredRow<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        scan_rows(&self.conn, None, &mut f)
    }

    /// Like [`Store::scan`], in `parts` ranges of rows read at the same time by as many threads
    /// and connections (one part for a store in memory or a small one). Each part starts from
    /// `init()`; the results come in rowid order. Should another process commit while the
    /// parts are read, they are read again as one, so the result is one consistent state.
    pub fn scan_parts<T: Send>(
        &self,
        parts: usize,
        init: impl Fn(usize) -> T + Sync,
        f: impl Fn(&mut T, StoredRow<'_>) -> Result<(), StoreError> + Sync,
    ) -> Result<Vec<T>, StoreError> {
        let bounds: (Option<i64>, Option<i64>) =
            self.conn
                .query_row("SELECT min(rowid), max(rowid) FROM incidents", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        let one = || -> Result<Vec<T>, StoreError> {
            let size = bounds.1.zip(bounds.0).map_or(0, |(hi, lo)| hi - lo + 1);
            let mut t = init(size.max(0) as usize);
            scan_rows(&self.conn, None, &mut |r| f(&mut t, r))?;
            Ok(vec![t])
        };
        let (Some(lo), Some(hi), Some(path)) = (bounds.0, bounds.1, self.path.as_ref()) else {
            return one();
        };
        if parts < 2 || hi - lo < 10_000 {
            return one();
        }
        let mut conns = vec![];
        for _ in 1..parts {
            let c = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            c.busy_timeout(std::time::Duration::from_secs(5))?;
            conns.push(c);
        }
        let version = |c: &Connection| -> Result<i64, StoreError> {
            Ok(c.query_row("PRAGMA data_version", [], |r| r.get(0))?)
        };
        let mut before = vec![version(&self.conn)?];
        for c in &conns {
            before.push(version(c)?);
        }
        let step = (hi - lo) / parts as i64 + 1;
        let range = |k: usize| (lo + k as i64 * step, lo + (k as i64 + 1) * step - 1);
        let (init, f) = (&init, &f);
        let (first, rest) = std::thread::scope(|s| {
            let handles: Vec<_> = conns
                .into_iter()
                .enumerate()
                .map(|(k, c)| {
                    s.spawn(move || {
                        let (a, b) = range(k + 1);
                        let mut t = init((b - a + 1) as usize);
                        let done = scan_rows(&c, Some((a, b)), &mut |r| f(&mut t, r));
                        (done.map(|()| t), c)
                    })
                })
                .collect();
            let (a, b) = range(0);
            let mut t = init((b - a + 1) as usize);
            let first = scan_rows(&self.conn, Some((a, b)), &mut |r| f(&mut t, r)).map(|()| t);
            let rest: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
            (first, rest)
        });
        let mut out = vec![first?];
        let mut after = vec![version(&self.conn)?];
        for part in rest {
            let (t, c) = part.map_err(|_| StoreError::Corrupt {
                id: String::new(),
                detail: "a reading thread failed".into(),
            })?;
            out.push(t?);
            after.push(version(&c)?);
        }
        if before != after {
            tracing::info!("the store changed while it was read; reading it again");
            drop(out);
            return one();
        }
        Ok(out)
    }
}

/// Reads the catalogue's columns of every row, or of the rows whose rowid is in `range`.
fn scan_rows(
    conn: &Connection,
    range: Option<(i64, i64)>,
    f: &mut dyn FnMut(StoredRow<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    {
        let mut stmt = conn.prepare(
            "SELECT id, event_date, event_date_end, event_type, review, admin1, admin1_ar, \
             actor1, lon, lat, feature FROM incidents WHERE rowid BETWEEN ?1 AND ?2",
        )?;
        let (a, b) = range.unwrap_or((i64::MIN, i64::MAX));
        let mut rows = stmt.query([a, b])?;
        while let Some(r) = rows.next()? {
            let text = |i: usize| -> Result<&str, StoreError> {
                r.get_ref(i)?.as_str().map_err(|e| conversion(i, e))
            };
            let opt_text = |i: usize| -> Result<Option<&str>, StoreError> {
                r.get_ref(i)?.as_str_or_null().map_err(|e| conversion(i, e))
            };
            let id = text(0)?;
            let corrupt = |detail: String| StoreError::Corrupt {
                id: id.to_string(),
                detail,
            };
            let date = |s: &str| parse_day(s).ok_or_else(|| corrupt(format!("date {s:?}")));
            let review = text(4)?;
            let feature = r
                .get_ref(10)?
                .as_blob_or_null()
                .map_err(|e| conversion(10, e))?
                .ok_or_else(|| corrupt("no feature bytes".into()))?;
            let number = |i: usize| -> Result<f64, StoreError> {
                r.get_ref(i)?.as_f64().map_err(|e| conversion(i, e))
            };
            f(StoredRow {
                id,
                event_date: date(text(1)?)?,
                event_date_end: opt_text(2)?.map(date).transpose()?,
                event_type: text(3)?,
                review: Review::parse(review)
                    .ok_or_else(|| corrupt(format!("review {review:?}")))?,
                admin1: text(5)?,
                admin1_ar: text(6)?,
                actor1: opt_text(7)?,
                lon: number(8)?,
                lat: number(9)?,
                feature,
            })?;
        }
    }
    Ok(())
}

fn conversion(i: usize, e: rusqlite::types::FromSqlError) -> StoreError {
    StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Null,
        Box::new(e),
    ))
}

/// `YYYY-MM-DD` without the general parser (start-up reads two per row).
fn parse_day(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        event_date: r.get(1)?,
        event_date_end: r.get(2)?,
        incident: Incident {
            id: r.get(0)?,
            event_date: NaiveDate::MIN,
            event_date_end: None,
            time_precision: r.get(3)?,
            disorder_type: r.get(4)?,
            event_type: r.get(5)?,
            sub_event_type: r.get(6)?,
            actor1: r.get(7)?,
            actor2: r.get(8)?,
            fatalities: r.get(9)?,
            location: r.get(10)?,
            location_ar: r.get(11)?,
            admin1: r.get(12)?,
            admin1_ar: r.get(13)?,
            geo_precision: r.get(14)?,
            place_id: r.get(15)?,
            notes: r.get(16)?,
            source_text: r.get(17)?,
            source: r.get(18)?,
            review: Review::Curated,
            lon: r.get(20)?,
            lat: r.get(21)?,
        },
        review: r.get(19)?,
    })
}

fn validate_all(incidents: &[Incident]) -> Result<(), StoreError> {
    for inc in incidents {
        inc.validate().map_err(|detail| StoreError::Invalid {
            id: inc.id.clone(),
            detail,
        })?;
    }
    Ok(())
}

/// Binds an incident's values to parameters 1 to 22 of `stmt`, in the order of [`COLUMNS`].
fn bind_columns(stmt: &mut rusqlite::Statement<'_>, i: &Incident) -> rusqlite::Result<()> {
    let event_date = i.event_date.to_string();
    let event_date_end = i.event_date_end.map(|d| d.to_string());
    let values: [&dyn rusqlite::ToSql; 22] = [
        &i.id,
        &event_date,
        &event_date_end,
        &i.time_precision,
        &i.disorder_type,
        &i.event_type,
        &i.sub_event_type,
        &i.actor1,
        &i.actor2,
        &i.fatalities,
        &i.location,
        &i.location_ar,
        &i.admin1,
        &i.admin1_ar,
        &i.geo_precision,
        &i.place_id,
        &i.notes,
        &i.source_text,
        &i.source,
        &i.review.as_str(),
        &i.lon,
        &i.lat,
    ];
    for (n, value) in values.into_iter().enumerate() {
        stmt.raw_bind_parameter(n + 1, value)?;
    }
    Ok(())
}

/// Writes incidents and their feature bytes with `verb` (`INSERT` or `INSERT OR REPLACE`)
/// inside a transaction.
fn insert_incidents(
    tx: &rusqlite::Transaction<'_>,
    verb: &str,
    rows: &[Encoded],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(&format!(
        "{verb} INTO incidents ({COLUMNS}, feature) VALUES \
         (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23)"
    ))?;
    for row in rows {
        bind_columns(&mut stmt, &row.incident)?;
        stmt.raw_bind_parameter(23, &row.feature[..])?;
        stmt.raw_execute()?;
    }
    Ok(())
}

struct RawRow {
    id: String,
    event_date: String,
    event_date_end: Option<String>,
    review: String,
    incident: Incident,
}

impl RawRow {
    fn finish(self) -> Result<Incident, StoreError> {
        let corrupt = |detail: String| StoreError::Corrupt {
            id: self.id.clone(),
            detail,
        };
        let date = |s: &str| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|e| corrupt(format!("date {s:?}: {e}")))
        };
        let mut inc = self.incident.clone();
        inc.event_date = date(&self.event_date)?;
        inc.event_date_end = self.event_date_end.as_deref().map(date).transpose()?;
        inc.review = Review::parse(&self.review)
            .ok_or_else(|| corrupt(format!("review {:?}", self.review)))?;
        Ok(inc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;

    #[test]
    fn round_trip_and_upsert_by_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut a = sample("A", 36.5, 35.5, "2025-11-24");
        a.event_date_end = NaiveDate::from_ymd_opt(2025, 11, 27);
        a.review = Review::Extracted;
        {
            let mut store = Store::open(dir.path()).expect("open");
            store
                .upsert(
                    &[a.clone(), sample("B", 36.0, 35.0, "2025-11-25")],
                    &[("k", "v")],
                )
                .expect("upsert");
            a.fatalities = 3;
            store.upsert(&[a.clone()], &[]).expect("upsert again");
        }
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(store.count().expect("count"), 2);
        assert_eq!(store.meta("k").expect("meta").as_deref(), Some("v"));
        let mut all = store.load_all().expect("load");
        all.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(all[0], a);
    }

    fn article(id: &str) -> ArticleRow {
        ArticleRow {
            id: id.into(),
            title: Some("t".into()),
            source: None,
            url: None,
            published: None,
            text: "text".into(),
            answer: "{}".into(),
        }
    }

    #[test]
    fn ingest_once_then_nothing_new() {
        let mut store = Store::open_in_memory().expect("open");
        let mut a = sample("ART-1", 36.0, 35.0, "2025-11-24");
        a.review = Review::Extracted;
        assert!(store.ingest(&article("h1"), &[a.clone()]).expect("ingest"));
        assert!(!store.ingest(&article("h1"), &[a.clone()]).expect("again"));
        assert_eq!(store.count().expect("count"), 1);
        assert_eq!(
            store.article_answer("h1").expect("answer").as_deref(),
            Some("{}")
        );
        // an incident id that exists fails the whole article: no article row either
        assert!(store.ingest(&article("h2"), &[a.clone()]).is_err());
        assert_eq!(store.article_answer("h2").expect("answer"), None);
    }

    #[test]
    fn replace_and_delete() {
        let mut store = Store::open_in_memory().expect("open");
        let mut a = sample("A", 36.0, 35.0, "2025-11-24");
        assert!(!store.replace(&a).expect("replace missing"));
        store.upsert(&[a.clone()], &[]).expect("upsert");
        a.fatalities = 4;
        assert!(store.replace(&a).expect("replace"));
        assert_eq!(store.load_all().expect("load")[0].fatalities, 4);
        a.time_precision = 9;
        assert!(store.replace(&a).is_err());
        assert!(store.delete("A").expect("delete"));
        assert!(!store.delete("A").expect("delete again"));
        assert_eq!(store.count().expect("count"), 0);
    }

    #[test]
    fn import_counts_inserted_and_updated() {
        let mut store = Store::open_in_memory().expect("open");
        let a = Encoded::new(sample("A", 36.0, 35.0, "2025-11-24"));
        let b = Encoded::new(sample("B", 36.0, 35.0, "2025-11-24"));
        assert_eq!(store.import(&[a.clone(), b]).expect("first"), (2, 0));
        let mut a2 = a.incident.clone();
        a2.fatalities = 9;
        let c = Encoded::new(sample("C", 36.0, 35.0, "2025-11-25"));
        assert_eq!(
            store
                .import(&[Encoded::new(a2.clone()), c.clone(), c])
                .expect("second"),
            (1, 2)
        );
        assert_eq!(store.count().expect("count"), 3);
        let mut bad = sample("D", 36.0, 35.0, "2025-11-24");
        bad.time_precision = 0;
        let d = Encoded::new(sample("E", 36.0, 35.0, "2025-11-24"));
        assert!(store.import(&[d, Encoded::new(bad)]).is_err());
        assert_eq!(store.count().expect("count"), 3, "all or nothing");
        let mut features = Vec::new();
        store
            .scan(|r| {
                if r.id == "A" {
                    features.push(r.feature.to_vec());
                }
                Ok(())
            })
            .expect("scan");
        assert_eq!(features, [a2.to_feature_json()]);
    }

    /// The incidents table as it was before the feature bytes were stored.
    const OLD_TABLE: &str = "CREATE TABLE incidents (
        id TEXT PRIMARY KEY NOT NULL, event_date TEXT NOT NULL, event_date_end TEXT,
        time_precision INTEGER NOT NULL, disorder_type TEXT NOT NULL, event_type TEXT NOT NULL,
        sub_event_type TEXT NOT NULL, actor1 TEXT, actor2 TEXT, fatalities INTEGER NOT NULL,
        location TEXT NOT NULL, location_ar TEXT NOT NULL, admin1 TEXT NOT NULL,
        admin1_ar TEXT NOT NULL, geo_precision INTEGER NOT NULL, place_id TEXT NOT NULL,
        notes TEXT NOT NULL, source_text TEXT NOT NULL, source TEXT NOT NULL,
        review TEXT NOT NULL, lon REAL NOT NULL, lat REAL NOT NULL) STRICT";

    /// Writes incidents the way a build without the feature column did.
    fn write_old(conn: &Connection, incidents: &[Incident]) {
        let mut stmt = conn
            .prepare(&format!(
                "INSERT OR REPLACE INTO incidents ({COLUMNS}) VALUES (?1,?2,?3,?4,?5,?6,?7,\
                 ?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22)"
            ))
            .expect("old insert");
        for i in incidents {
            bind_columns(&mut stmt, i).expect("bind");
            stmt.raw_execute().expect("old insert");
        }
    }

    fn stored_features(store: &Store) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        store
            .scan(|r| {
                out.push((r.id.to_string(), r.feature.to_vec()));
                Ok(())
            })
            .expect("scan");
        out.sort();
        out
    }

    #[test]
    fn old_database_gets_its_feature_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut old: Vec<Incident> = (0..25)
            .map(|n| {
                sample(
                    &format!("OLD-{n:02}"),
                    36.0 + n as f64 * 0.01,
                    35.0,
                    "2025-11-24",
                )
            })
            .collect();
        old[3].event_date_end = NaiveDate::from_ymd_opt(2025, 11, 26);
        old[4].actor1 = None;
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("old db");
            conn.execute_batch(OLD_TABLE).expect("old schema");
            write_old(&conn, &old);
        }
        let expected = |incidents: &[Incident]| {
            let mut v: Vec<(String, Vec<u8>)> = incidents
                .iter()
                .map(|i| (i.id.clone(), i.to_feature_json()))
                .collect();
            v.sort();
            v
        };
        {
            let store = Store::open(dir.path()).expect("migrates");
            assert_eq!(stored_features(&store), expected(&old));
            let mut all = store.load_all().expect("load");
            all.sort_by(|a, b| a.id.cmp(&b.id));
            assert_eq!(all, old);
        }
        // an older build writes again: its rows have no bytes until the next open
        let mut changed = old[7].clone();
        changed.fatalities = 12;
        let added = sample("OLD-99", 36.5, 35.5, "2025-11-30");
        {
            let conn = Connection::open(dir.path().join(DB_FILE)).expect("db");
            write_old(&conn, &[changed.clone(), added.clone()]);
            let missing: i64 = conn
                .query_row(
                    "SELECT count(*) FROM incidents WHERE feature IS NULL",
                    [],
                    |r| r.get(0),
                )
                .expect("count");
            assert_eq!(missing, 2);
        }
        let store = Store::open(dir.path()).expect("reopen");
        old[7] = changed;
        old.push(added);
        assert_eq!(stored_features(&store), expected(&old));
        let missing: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM incidents WHERE feature IS NULL",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(missing, 0);
    }

    #[test]
    fn day_parser_agrees_with_chrono() {
        for s in ["2025-11-24", "0001-01-01", "2024-02-29"] {
            assert_eq!(parse_day(s), NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        }
        for bad in [
            "2025-02-30",
            "2025-1-01",
            "2025/11/24",
            "20251124xx",
            "2025-11-2x",
            "",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn invalid_batch_stores_nothing() {
        let mut store = Store::open_in_memory().expect("open");
        let mut bad = sample("BAD", 36.0, 35.0, "2025-11-24");
        bad.geo_precision = 7;
        let err = store
            .upsert(&[sample("OK", 36.0, 35.0, "2025-11-24"), bad], &[])
            .unwrap_err();
        assert!(err.to_string().contains("geo_precision"), "{err}");
        assert_eq!(store.count().expect("count"), 0);
    }
}
