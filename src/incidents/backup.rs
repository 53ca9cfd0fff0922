//! Backups of the store while the service runs, and restoring one into a data directory.
//!
//! A backup is SQLite's online backup API copying every page of the data directory's database
//! in one step, inside one read transaction: in WAL mode that is a consistent snapshot of the
//! last committed write, taken without blocking the service's writer or readers. The copy is
//! written to a temporary file next to the target, checked (`PRAGMA integrity_check`, the
//! incidents table readable), switched to a single self-contained file (rollback journal, no
//! `-wal`/`-shm` beside it), flushed to disk and only then renamed to the target name, so a
//! failed or interrupted backup never leaves a half-written file under that name.
//!
//! A restore checks that the file is one of ours (the store's tables, integrity ok), refuses a
//! data directory whose database is still open in another process (a running service), then
//! copies the backup in next to it, removes the old database's stale `-wal` and `-shm` files
//! and renames the copy into place.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::store::DB_FILE;

/// Tables every store has; a file without them is not one of ours.
const TABLES: &[&str] = &["incidents", "meta", "articles"];

/// How long a backup waits for a lock (a checkpoint in progress) before giving up.
const BUSY_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("no database at {0}; give the data directory of the service with --data")]
    NoDatabase(PathBuf),
    #[error("{0} exists already; pass --force to replace it")]
    Exists(PathBuf),
    #[error("{path} is not an incident-map database: {detail}")]
    NotOurs { path: PathBuf, detail: String },
    #[error("{0} is in use by another process (a running service?); stop it first, then restore")]
    InUse(PathBuf),
    #[error("the database stayed locked for {}s; try again", BUSY_WAIT.as_secs())]
    Busy,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// What a checked database file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub incidents: u64,
    pub articles: u64,
    /// size of the file in bytes
    pub bytes: u64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Copies the database of `data_dir` to `target` while the service may be running. An
/// existing `target` is replaced only with `force`.
pub fn backup(data_dir: &Path, target: &Path, force: bool) -> Result<Summary, BackupError> {
    let db = data_dir.join(DB_FILE);
    if !db.is_file() {
        return Err(BackupError::NoDatabase(db));
    }
    if !force && target.exists() {
        return Err(BackupError::Exists(target.to_path_buf()));
    }
    // read-write without create: a WAL reader may need to set up the shared-memory index
    let source = Connection::open_with_flags(
        &db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(Duration::from_secs(5))?;
    has_tables(&source).map_err(|detail| BackupError::NotOurs {
        path: db.clone(),
        detail,
    })?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".incident-map-backup-")
        .tempfile_in(&dir)
        .map_err(io(&dir))?;
    copy(&source, temp.path())?;
    drop(source);
    let summary = check(temp.path())?;
    temp.as_file().sync_all().map_err(io(temp.path()))?;
    let persisted = if force {
        temp.persist(target).map_err(|e| e.error)
    } else {
        temp.persist_noclobber(target).map_err(|e| e.error)
    };
    persisted.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            BackupError::Exists(target.to_path_buf())
        } else {
            io(target)(e)
        }
    })?;
    sync_dir(&dir);
    Ok(summary)
}

/// Replaces the database of `data_dir` with the backup `file`, after checking it. Refuses
/// while the current database is open elsewhere, and replaces an existing one only with
/// `force`.
pub fn restore(file: &Path, data_dir: &Path, force: bool) -> Result<Summary, BackupError> {
    if !file.is_file() {
        return Err(BackupError::Io {
            path: file.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        });
    }
    let checked = check(file)?;
    std::fs::create_dir_all(data_dir).map_err(io(data_dir))?;
    let db = data_dir.join(DB_FILE);
    if db.exists() {
        if !force {
            return Err(BackupError::Exists(db));
        }
        ensure_unused(&db)?;
    }
    let source = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let temp = tempfile::Builder::new()
        .prefix(".incident-map-restore-")
        .tempfile_in(data_dir)
        .map_err(io(data_dir))?;
    copy(&source, temp.path())?;
    drop(source);
    temp.as_file().sync_all().map_err(io(temp.path()))?;
    // a -wal left beside the new file would be replayed into it
    for suffix in ["-wal", "-shm"] {
        let stale = data_dir.join(format!("{DB_FILE}{suffix}"));
        match std::fs::remove_file(&stale) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&stale)(e)),
        }
    }
    temp.persist(&db).map_err(|e| io(&db)(e.error))?;
    sync_dir(data_dir);
    Ok(Summary {
        bytes: std::fs::metadata(&db).map_err(io(&db))?.len(),
        ..checked
    })
}

/// Checks that `path` is a sound incident-map database and counts what it holds.
pub fn check(path: &Path) -> Result<Summary, BackupError> {
    let not_ours = |detail: String| BackupError::NotOurs {
        path: path.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_ours(e.to_string()))?;
    has_tables(&conn).map_err(&not_ours)?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    if integrity != "ok" {
        return Err(not_ours(format!("integrity check: {integrity}")));
    }
    let count = |table: &str| -> Result<u64, BackupError> {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|e| not_ours(e.to_string()))?;
        Ok(n.max(0) as u64)
    };
    Ok(Summary {
        incidents: count("incidents")?,
        articles: count("articles")?,
        bytes: std::fs::metadata(path).map_err(io(path))?.len(),
    })
}

/// The store's tables are all there, or which one is missing.
fn has_tables(conn: &Connection) -> Result<(), String> {
    for table in TABLES {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        if found == 0 {
            return Err(format!("it has no {table} table"));
        }
    }
    Ok(())
}

/// Copies every page of `source` into a new database at `target` in one step (one read
/// transaction, so one snapshot), and leaves it as a single file with a rollback journal.
fn copy(source: &Connection, target: &Path) -> Result<(), BackupError> {
    let mut dest = Connection::open(target)?;
    {
        let backup = Backup::new(source, &mut dest)?;
        let started = Instant::now();
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ => {
                    if started.elapsed() > BUSY_WAIT {
                        return Err(BackupError::Busy);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
    // the copied header says WAL; a backup is one self-contained file
    dest.pragma_update(None, "journal_mode", "DELETE")?;
    dest.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// Fails when another connection has `db` open: leaving WAL mode needs the only connection.
fn ensure_unused(db: &Path) -> Result<(), BackupError> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_millis(200))?;
    let mode: Result<String, _> = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0));
    match mode {
        Ok(m) if m.eq_ignore_ascii_case("delete") => Ok(()),
        Ok(_) => Err(BackupError::InUse(db.to_path_buf())),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ) =>
        {
            Err(BackupError::InUse(db.to_path_buf()))
        }
        Err(e) => Err(BackupError::NotOurs {
            path: db.to_path_buf(),
            detail: e.to_string(),
        }),
    }
}

/// Makes a rename durable (best effort: not every platform can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incidents::model::tests::sample;
    use crate::incidents::Store;

    fn store_with(dir: &Path, ids: &[&str]) -> Store {
        let mut store = Store::open(dir).expect("open");
        let incidents: Vec<_> = ids
            .iter()
            .map(|id| sample(id, 36.5, 35.5, "2025-11-24"))
            .collect();
        store.upsert(&incidents, &[("k", "v")]).expect("upsert");
        store
    }

    #[test]
    fn backup_of_an_open_store_then_restore() {
        let data = tempfile::tempdir().expect("tempdir");
        let out = tempfile::tempdir().expect("tempdir");
        let file = out.path().join("b.sqlite");
        // the store stays open (as in a running service) during the backup
        let mut store = store_with(data.path(), &["A", "B"]);
        let summary = backup(data.path(), &file, false).expect("backup");
        assert_eq!(summary.incidents, 2);
        assert!(summary.bytes > 0);
        // written after the backup: not in it
        store
            .upsert(&[sample("C", 36.0, 35.0, "2025-11-25")], &[])
            .expect("upsert");
        assert!(matches!(
            backup(data.path(), &file, false),
            Err(BackupError::Exists(_))
        ));
        assert!(!out.path().join("b.sqlite-wal").exists());

        // restoring over the open store is refused, even with force
        assert!(matches!(
            restore(&file, data.path(), true),
            Err(BackupError::InUse(_))
        ));
        drop(store);
        assert!(matches!(
            restore(&file, data.path(), false),
            Err(BackupError::Exists(_))
        ));
        let restored = restore(&file, data.path(), true).expect("restore");
        assert_eq!(restored.incidents, 2);
        let store = Store::open(data.path()).expect("reopen");
        let mut ids: Vec<_> = store
            .load_all()
            .expect("load")
            .into_iter()
            .map(|i| i.id)
            .collect();
        ids.sort();
        assert_eq!(ids, ["A", "B"]);
        assert_eq!(store.meta("k").expect("meta").as_deref(), Some("v"));
    }

    #[test]
    fn refuses_what_is_not_ours() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a database at all, just some text").expect("write");
        assert!(matches!(check(&text), Err(BackupError::NotOurs { .. })));
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .and_then(|c| c.execute_batch("CREATE TABLE t (x)"))
            .expect("other db");
        let err = restore(&other, &dir.path().join("data"), false).unwrap_err();
        assert!(err.to_string().contains("no incidents table"), "{err}");
        assert!(!dir.path().join("data").join(DB_FILE).exists());
        assert!(matches!(
            backup(&dir.path().join("empty"), &dir.path().join("b"), false),
            Err(BackupError::NoDatabase(_))
        ));
    }
}
