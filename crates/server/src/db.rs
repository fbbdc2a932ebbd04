//! Saved scenarios and runs in SQLite: one file, schema versions applied in order at open
//! (`PRAGMA user_version`), write-ahead logging with full sync so a run acknowledged to a
//! client survives the process being killed, and every save one transaction.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

/// The schema, one step per version; step `i` takes the database from version `i` to
/// `i + 1`. Never edit a step once released: add one.
const MIGRATIONS: &[&str] = &["CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        seed INTEGER,
        request TEXT NOT NULL,
        result TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE TABLE scenarios (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        text TEXT NOT NULL,
        created INTEGER NOT NULL
    );"];

/// A saved run.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: String,
    pub kind: String,
    pub snapshot: String,
    pub seed: Option<u64>,
    pub request: String,
    pub result: String,
    pub created: i64,
}

/// A saved scenario file.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedScenario {
    pub id: String,
    pub name: String,
    pub text: String,
    pub created: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("database {path}: {source}")]
pub struct DbError {
    pub path: String,
    #[source]
    pub source: rusqlite::Error,
}

pub struct Db {
    conn: Mutex<Connection>,
    path: String,
}

impl Db {
    /// Open (creating if needed) and bring the schema up to date.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let name = path.display().to_string();
        let err = |source| DbError {
            path: name.clone(),
            source,
        };
        let mut conn = Connection::open(path).map_err(err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(err)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(err)?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction().map_err(err)?;
            tx.execute_batch(step).map_err(err)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(err)?;
            tx.commit().map_err(err)?;
        }
        Ok(Db {
            conn: Mutex::new(conn),
            path: name,
        })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, DbError> {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn).map_err(|source| DbError {
            path: self.path.clone(),
            source,
        })
    }

    pub fn save_run(&self, run: &Run) -> Result<(), DbError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO runs (id, kind, snapshot, seed, request, result, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    run.id,
                    run.kind,
                    run.snapshot,
                    run.seed.map(|s| s as i64),
                    run.request,
                    run.result,
                    run.created
                ],
            )
            .map(|_| ())
        })
    }

    pub fn run(&self, id: &str) -> Result<Option<Run>, DbError> {
        self.with(|c| {
            c.query_row(
                "SELECT id, kind, snapshot, seed, request, result, created FROM runs WHERE id = ?1",
                [id],
                |r| {
                    Ok(Run {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        snapshot: r.get(2)?,
                        seed: r.get::<_, Option<i64>>(3)?.map(|s| s as u64),
                        request: r.get(4)?,
                        result: r.get(5)?,
                        created: r.get(6)?,
                    })
                },
            )
            .optional()
        })
    }

    pub fn save_scenario(&self, s: &SavedScenario) -> Result<(), DbError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO scenarios (id, name, text, created) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.name, s.text, s.created],
            )
            .map(|_| ())
        })
    }

    pub fn scenario(&self, id: &str) -> Result<Option<SavedScenario>, DbError> {
        self.with(|c| {
            c.query_row(
                "SELECT id, name, text, created FROM scenarios WHERE id = ?1",
                [id],
                |r| {
                    Ok(SavedScenario {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        text: r.get(2)?,
                        created: r.get(3)?,
                    })
                },
            )
            .optional()
        })
    }

    /// `PRAGMA quick_check`: "ok" when the file is sound.
    pub fn check(&self) -> Result<String, DbError> {
        self.with(|c| c.query_row("PRAGMA quick_check", [], |r| r.get(0)))
    }

    /// The schema version.
    pub fn version(&self) -> Result<i64, DbError> {
        self.with(|c| c.pragma_query_value(None, "user_version", |r| r.get(0)))
    }
}

/// The number of schema versions this build knows.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();
