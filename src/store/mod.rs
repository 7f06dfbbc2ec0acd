//! The SQLite store: one write connection in WAL mode, versioned migrations, and one file per
//! table group.
//!
//! Every function that changes data takes `&mut self` or runs inside a transaction the caller
//! opened, so an import or a reply is applied all at once or not at all.

pub mod agreements;
pub mod bank;
pub mod bulk;
pub mod busy;
pub mod checkpoint;
pub mod clients;
pub mod events;
pub mod inbox;
pub mod invoices;
pub mod money_sql;
pub mod outbox;
pub mod payment_matches;
pub mod promises;
pub mod responses;
pub mod snapshot;
pub mod telegram;

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use events::Event;
pub use outbox::{NewOutboxMessage, OutboxMessage, OutboxStatus};
pub use promises::{Promise, PromiseStatus};
pub use responses::{NewResponse, StoredResponse};

/// The migrations, in order. Never edit a released one: append.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("schema_v1.sql")),
    M::up(include_str!("schema_v2.sql")),
    M::up(include_str!("schema_outbox_retry.sql")),
    M::up(include_str!("schema_telegram.sql")),
    M::up(include_str!("schema_inbox.sql")),
    M::up(include_str!("schema_bank.sql")),
    M::up(include_str!("schema_scale.sql")),
    M::up(include_str!("schema_paid_sum.sql")),
    M::up(include_str!("schema_paid_incremental.sql")),
    M::up(include_str!("schema_payment_match.sql")),
    M::up(include_str!("schema_regions.sql")),
    M::up(include_str!("schema_outbox_basis.sql")),
    M::up(include_str!("schema_lookups.sql")),
    M::up(include_str!("schema_claims.sql")),
    M::up(include_str!("schema_responses.sql")),
    M::up(include_str!("schema_payments_recorded.sql")),
    M::up(include_str!("schema_telegram_answers.sql")),
    M::up(include_str!("schema_awaiting.sql")),
    M::up(include_str!("schema_outbox_lean.sql")),
    M::up(include_str!("schema_opted_out.sql")),
    M::up(include_str!("schema_returns.sql")),
    M::up(include_str!("schema_in_favour.sql")),
    M::up(include_str!("schema_outbox_packed.sql")),
    M::up(include_str!("schema_answers_order.sql")),
    M::up(include_str!("schema_client_hours.sql")),
];

/// How long a writer waits for another writer before giving up ([`busy::wait_for_writer`]).
pub const BUSY_TIMEOUT: Duration = Duration::from_millis(BUSY_TIMEOUT_MS);
const BUSY_TIMEOUT_MS: u64 = 30_000;

/// Explains a lock error (another process kept the database busy longer than `waited`); any
/// other error passes through with its own words.
pub fn locked_error(e: rusqlite::Error, waited: Duration) -> anyhow::Error {
    if is_busy(&e) {
        anyhow::Error::new(e).context(format!(
            "the database is busy: another cobrador process kept it locked for more than {} s; \
             try again when it has finished",
            waited.as_secs()
        ))
    } else {
        anyhow::Error::new(e).context("Failed to begin a transaction")
    }
}

/// Whether `e` says that another writer holds the database.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The page size of a new database, in bytes (SQLite's default is 4,096).
///
/// A queued message's text and HTML bodies (7 KB on average) overflow a 4 KB page into a chain
/// of pages, and every page written goes through the write-ahead log as a frame of its own
/// (two writes each, read back once more when SQLite spills its cache mid-transaction), then is
/// copied by the checkpoint. With 16 KB pages a body is one page: the first tick of a 100,000-
/// client book made 0.15–0.3 s less system time and finished 0.1–0.3 s sooner (BENCHMARKS.md,
/// tenth step); 32 KB and 64 KB pages made no further gain, and the planner's scans read as
/// many bytes either way.
pub const PAGE_SIZE: i64 = 16_384;

/// The page cache, in KiB, of the connection that writes a large pass (the tick's queueing,
/// `daemon::queue_and_send`); SQLite's default is 2,000 KiB.
///
/// The default holds 125 pages of 16 KB, less than one group of the queueing's writes (512
/// messages: ~2.7 MB of bodies, and the index pages they touch), so SQLite spilled dirty
/// pages into the WAL before the commit and wrote many of them again at the commit: the queueing's
/// connection wrote 298 MB to the WAL in the first tick of a 100,000-client book, 204 MB
/// with this cache (`strace`, BENCHMARKS.md, eleventh step). The cache takes memory only as
/// pages are read or written through it, and is freed with the connection at the pass's end.
pub const BULK_CACHE_KIB: i64 = 32 * 1024;

/// An open cobrador database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
        let new = !path.exists();
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open database {}", path.display()))?;
        if new {
            private(path)?;
        }
        Store::setup(conn).with_context(|| format!("cannot prepare database {}", path.display()))
    }

    /// Opens an existing database without creating it; the error names the fix.
    pub fn open_existing(path: &Path) -> Result<Store> {
        if !path.exists() {
            anyhow::bail!(
                "database {} does not exist: run `cobrador init` first (or pass --db PATH)",
                path.display()
            );
        }
        Store::open(path)
    }

    /// An in-memory database, for tests and the planner's dry runs.
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store> {
        conn.busy_handler(Some(busy::wait_for_writer::<BUSY_TIMEOUT_MS>))?;
        // Only a database without tables takes it; an older one keeps the size it was made with.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Before the migrations: `schema_paid_sum.sql` and its triggers call it.
        money_sql::register(&conn)?;
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .context("Failed to migrate the database schema")?;
        Ok(Store { conn })
    }

    /// Gives this connection the page cache of one that writes a large pass
    /// ([`BULK_CACHE_KIB`]).
    pub fn with_bulk_cache(self) -> Result<Store> {
        self.conn
            .pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        Ok(self)
    }

    /// The schema version (number of applied migrations).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The raw connection, for read-only queries in commands.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The database file, when it is one (not in memory): for a second connection to it.
    pub fn file_path(&self) -> Option<std::path::PathBuf> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
    }

    /// The raw connection for opening transactions.
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs `f` inside one write transaction: all of it is committed or none.
    ///
    /// The transaction is `BEGIN IMMEDIATE`: it takes the write lock at once, waiting up to the
    /// busy timeout for another writer. A deferred transaction that reads first and upgrades to
    /// a write later fails with "database is locked" at once when another process wrote in
    /// between, because SQLite's busy handler cannot help it (its snapshot is stale).
    pub fn transaction<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self.write_transaction()?;
        let done = f(&tx).and_then(|value| {
            tx.commit().context("Failed to commit")?;
            Ok(value)
        });
        // Committed or rolled back (dropped): a writer of this process waiting goes on now.
        busy::released();
        done
    }

    /// As [`Store::transaction`] when the write lock is free now; `None` (nothing run) when
    /// another writer holds it, instead of waiting for it.
    pub fn try_transaction<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let begun = busy::without_waiting(|| {
            self.conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        });
        let tx = match begun {
            Ok(tx) => tx,
            Err(e) if is_busy(&e) => return Ok(None),
            Err(e) => return Err(locked_error(e, BUSY_TIMEOUT)),
        };
        let done = f(&tx).and_then(|value| {
            tx.commit().context("Failed to commit")?;
            Ok(Some(value))
        });
        busy::released();
        done
    }

    /// Opens a write transaction (`BEGIN IMMEDIATE`, see [`Store::transaction`]); the error
    /// says that another cobrador process holds the database.
    pub fn write_transaction(&mut self) -> Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| locked_error(e, BUSY_TIMEOUT))
    }

    /// Copies the live database to `dest` with SQLite's online backup.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            anyhow::bail!("{} already exists: choose a new file name", dest.display());
        }
        let mut target = Connection::open(dest)
            .with_context(|| format!("cannot create backup file {}", dest.display()))?;
        private(dest)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
        backup
            .run_to_completion(256, Duration::from_millis(5), None)
            .with_context(|| format!("backup to {} failed", dest.display()))?;
        Ok(())
    }
}

/// The database and its backups hold clients' personal data: readable by their owner only
/// (0600), whatever the umask of the shell that created them.
fn private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if path.as_os_str() == ":memory:" || !path.exists() {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot make {} private (mode 0600)", path.display()))
}

/// Formats an instant the one way the store writes them (sortable as text).
pub fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `YYYY-MM-DD` with ASCII digits, or `None`.
fn plain_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |s: &[u8]| {
        s.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

/// Reads an instant written by [`ts`].
pub fn parse_ts(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

/// Reads a date column written as `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> rusqlite::Result<NaiveDate> {
    // The stored form is always `YYYY-MM-DD`: read it directly (the planner's snapshot reads
    // millions of dates; chrono's format parser was a tenth of its time), anything else the
    // general way.
    if let Some(day) = plain_day(text) {
        return Ok(day);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_days_read_as_chrono_reads_them() {
        for text in [
            "2026-11-24",
            "2024-02-29",
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "0001-01-01",
            "2026-1-05",
            "2026-01-5",
            "20261105",
            "2026/11/05",
            "2026-11-2x",
            "+2026-11-24",
        ] {
            let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            assert_eq!(parse_day(text).ok(), chrono, "{text}");
            if let Some(day) = plain_day(text) {
                assert_eq!(Some(day), chrono, "{text}");
            }
        }
    }

    #[test]
    fn migrations_are_valid() {
        // As `Migrations::validate`, on a connection with the functions the store registers.
        let mut conn = Connection::open_in_memory().unwrap();
        money_sql::register(&conn).unwrap();
        Migrations::from_slice(MIGRATIONS)
            .to_latest(&mut conn)
            .unwrap();
    }

    #[test]
    fn migrates_an_empty_database_and_reopens_an_existing_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cobrador.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        store
            .conn()
            .execute(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('C1', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')",
                [],
            )
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let n: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM clients", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "existing data survives a re-open");
    }

    /// The queueing's connection gets the bulk cache; others keep SQLite's default.
    #[test]
    fn a_bulk_connection_has_its_larger_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        let cache = |store: &Store| -> i64 {
            store
                .conn()
                .pragma_query_value(None, "cache_size", |r| r.get(0))
                .unwrap()
        };
        assert_eq!(cache(&Store::open(&path).unwrap()), -2000);
        let bulk = Store::open_existing(&path)
            .unwrap()
            .with_bulk_cache()
            .unwrap();
        assert_eq!(cache(&bulk), -BULK_CACHE_KIB);
    }

    #[test]
    fn a_new_database_has_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |store: &Store| -> i64 {
            store
                .conn()
                .pragma_query_value(None, "page_size", |r| r.get(0))
                .unwrap()
        };
        let new = Store::open(&dir.path().join("new.db")).unwrap();
        assert_eq!(page_size(&new), PAGE_SIZE);
        let old_path = dir.path().join("old.db");
        Connection::open(&old_path)
            .unwrap()
            .execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let old = Store::open(&old_path).unwrap();
        assert_eq!(page_size(&old), 4096);
        assert_eq!(old.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn an_existing_version_1_database_is_upgraded_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            Migrations::from_slice(&MIGRATIONS[..1])
                .to_latest(&mut conn)
                .unwrap();
            conn.execute(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('C1', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')",
                [],
            )
            .unwrap();
            let v: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(v, 1);
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert!(store.schema_version().unwrap() >= 2);
        assert_eq!(clients::list(store.conn()).unwrap()[0].name, "Ana");
        assert!(
            agreements::plans(store.conn()).unwrap().is_empty(),
            "the new tables exist"
        );
    }

    #[test]
    fn messages_waiting_at_the_upgrade_are_planned_from_their_own_queue_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            money_sql::register(&conn).unwrap();
            // Every migration before `schema_outbox_basis.sql`, the twelfth.
            Migrations::from_slice(&MIGRATIONS[..11])
                .to_latest(&mut conn)
                .unwrap();
            conn.execute_batch(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('C1', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
                 INSERT INTO outbox (id, dedup_key, client_id, stage, cycle, channel, recipients,
                                     body_text, send_at, created_at, status)
                 VALUES (7, 'k7', 'C1', 'early', 'F1', 'email', '[]', '', 't', 't', 'failed'),
                        (8, 'k8', 'C1', 'early', 'F2', 'email', '[]', '', 't', 't', 'sent');
                 INSERT INTO events (id, at, actor, kind, client_id, detail) VALUES
                    (40, 't', 'planner', 'reminder.queued', 'C1', '{\"outbox\": 7}'),
                    (41, 't', 'planner', 'reminder.queued', 'C1', '{\"outbox\": 8}'),
                    (42, 't', 'cli', 'payment.recorded', 'C1', '{}');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let basis = |id: i64| -> Option<i64> {
            store
                .conn()
                .query_row(
                    "SELECT planned_after_event FROM outbox WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        assert_eq!(basis(7), Some(40), "waiting: planned as of its queue event");
        assert_eq!(basis(8), None, "sent: nothing to withdraw");
        // The payment recorded after it withdraws the waiting one.
        assert_eq!(
            outbox::withdrawn_by(store.conn(), 7).unwrap().as_deref(),
            Some("payment.recorded")
        );
    }

    #[test]
    fn events_are_append_only() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO events (at, actor, kind) VALUES ('t', 'test', 'k')",
                [],
            )
            .unwrap();
        assert!(
            store
                .conn()
                .execute("UPDATE events SET kind = 'x'", [])
                .is_err()
        );
        assert!(store.conn().execute("DELETE FROM events", []).is_err());
    }

    #[test]
    fn backup_copies_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("a.db")).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO events (at, actor, kind) VALUES ('t', 'test', 'k')",
                [],
            )
            .unwrap();
        let dest = dir.path().join("b.db");
        store.backup(&dest).unwrap();
        let copy = Store::open(&dest).unwrap();
        let n: i64 = copy
            .conn()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert!(store.backup(&dest).is_err(), "never overwrites");
    }
}
