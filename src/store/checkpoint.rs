//! WAL checkpoints off a pass's path: while a pass queues and sends, the pages it committed
//! are copied into the database file by a second connection on another thread.
//!
//! Why: SQLite checkpoints on the committing connection, after the commit that grew the WAL
//! past 1,000 pages. A first tick's queueing transaction writes ~150 MB of message bodies to
//! the WAL; copying them into the database file and the two `fsync`s took ~0.3 s of CPU and
//! ~0.45 s of waiting for the disk on the pass's own thread, and the send pass that follows
//! checkpointed again every few dozen group commits (another ~40 `fsync`s, ~0.3 s). With
//! [`Deferred`], the pass's connection does not checkpoint; from the start of the pass (the
//! queueing commits in groups), [`Deferred::start`] copies what is committed in the
//! background (SQLite lets a checkpoint run beside a writer: the writer appends to the WAL
//! meanwhile), and again every second, so that what the pass commits is copied too and the
//! WAL does not grow through a long pass. (The queueing's own connection, when it runs on a
//! thread of its own, does not checkpoint either.) The pass asks for one more copy when its
//! queueing ends ([`Deferred::copy_now`]), and each large copy syncs the database file it
//! wrote (see [`checkpoint`]): the close at the pass's end then has little left to copy or sync.
//! [`Deferred::finish`] stops the copies and gives the connection back its automatic
//! checkpoints.
//!
//! Durability is unchanged: a commit is durable once in the WAL (synchronous = NORMAL), a
//! database file synced earlier than SQLite would is only more so, and a crash in the middle
//! of a checkpoint is recovered by SQLite as any other.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Result;
use rusqlite::{Connection, OpenFlags};

use super::Store;

/// SQLite's default: a checkpoint after a commit that leaves this many pages in the WAL.
const AUTO_CHECKPOINT_PAGES: i64 = 1000;

/// How often the background connection checkpoints again while a pass goes on: what the
/// pass commits after the queueing (group commits while it sends) is copied too, and the WAL
/// can be reset once a copy catches up, so it does not grow through a long pass.
const AGAIN: Duration = Duration::from_secs(1);

/// Automatic checkpoints turned off on a store's connection, until [`Deferred::finish`].
pub struct Deferred {
    /// The database file, when it is one (not in memory).
    path: Option<String>,
    /// The checkpointing thread, and how to wake it (dropped: stop).
    copier: Option<(JoinHandle<()>, Sender<()>)>,
    /// How long the copier waits between two copies when not woken ([`AGAIN`]).
    again: Duration,
}

impl Deferred {
    /// Turns off the automatic checkpoints of `store`'s connection.
    pub fn begin(store: &Store) -> Result<Deferred> {
        let path = store
            .conn
            .path()
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        if path.is_some() {
            store.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        }
        Ok(Deferred {
            path,
            copier: None,
            again: AGAIN,
        })
    }

    /// Starts copying the WAL into the database file on another thread, now and then every
    /// [`AGAIN`] until [`Deferred::finish`] (passive checkpoints: they never wait for, nor hold
    /// up, the writer). Failures are logged: a later checkpoint does the work.
    pub fn start(&mut self) {
        let Some(path) = self.path.clone() else {
            return;
        };
        if self.copier.is_some() {
            return;
        }
        let (wake, woken) = channel();
        let again = self.again;
        let copier = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || copy_until_stopped(&path, &woken, again));
        match copier {
            Ok(handle) => self.copier = Some((handle, wake)),
            Err(e) => tracing::warn!("Cannot start the checkpoint thread: {e}"),
        }
    }

    /// Asks for a copy now rather than at the next second: when a pass's queueing has ended,
    /// what it committed (most of the pass's pages) is copied and the database file synced
    /// while the channels send the rest, not by the close at the end, which waited for the
    /// disk with nothing else to do (0.1–0.2 s of a first tick at 100,000 clients).
    pub fn copy_now(&self) {
        if let Some((_, wake)) = &self.copier {
            // A copier that has ended (it could not open the file) is not woken.
            let _ = wake.send(());
        }
    }

    /// Tells the copies to stop, without waiting: the copy under way finishes on its thread,
    /// which [`Stopping::wait`] joins. An async pass waits for it off its runtime's threads
    /// (`spawn_blocking`), since the last copy can take as long as the pass's WAL is big.
    pub fn stop(&mut self) -> Stopping {
        Stopping(self.copier.take().map(|(copier, stop)| {
            drop(stop);
            copier
        }))
    }

    /// Stops the copies (the one under way finishes), then turns the automatic checkpoints of
    /// `store`'s connection back on.
    pub fn finish(mut self, store: &Store) -> Result<()> {
        self.stop().wait();
        if self.path.is_some() {
            store
                .conn
                .pragma_update(None, "wal_autocheckpoint", AUTO_CHECKPOINT_PAGES)?;
        }
        Ok(())
    }
}

/// The checkpoint thread told to stop (see [`Deferred::stop`]).
#[must_use = "wait for the copy under way to finish"]
pub struct Stopping(Option<JoinHandle<()>>);

impl Stopping {
    /// Waits until the copy under way, if any, has finished.
    pub fn wait(self) {
        if let Some(copier) = self.0
            && copier.join().is_err()
        {
            tracing::warn!("The checkpoint thread panicked; the next checkpoint does its work.");
        }
    }
}

/// Checkpoints the database at `path` through a connection of its own, then again every
/// `again` or when `wake` hears from the owner, until the owner is gone.
fn copy_until_stopped(path: &str, wake: &Receiver<()>, again: Duration) {
    let conn = match Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!("Cannot open {path} to checkpoint it (done later): {e}");
            return;
        }
    };
    let mut last = None;
    loop {
        match checkpoint(&conn, path, last) {
            Ok(now) => last = Some(now),
            Err(e) => tracing::warn!("Background checkpoint of {path} failed (retried): {e}"),
        }
        if wake.recv_timeout(again) == Err(RecvTimeoutError::Disconnected) {
            return;
        }
    }
}

/// A copy syncs the database file itself ([`checkpoint`]) once this many frames of the WAL
/// are copied: a large pass's. The daemon's small passes copy a few pages each, and a sync
/// after each of them multiplied the `fsync`s of the 120-day demo by eight (253 → 2,054).
const SYNC_FROM_FRAMES: i64 = AUTO_CHECKPOINT_PAGES;

/// One passive checkpoint, then, when it copied a large pass's pages ([`SYNC_FROM_FRAMES`]),
/// the database file synced ([`sync_database_file`]); returns the WAL's size and how much of
/// it is copied (frames).
///
/// Why the sync: SQLite syncs the database file only after a checkpoint that copied up to the
/// live end of the WAL, and a pass that sends commits every millisecond or two, so that while
/// it sends no copy does (each begins with the WAL's own sync). The pages copied then stayed
/// unsynced until the pass's close, which waited for the disk to write them all with nothing
/// else to do: 0.1 s at the end of a first tick at 100,000 clients. Synced here, they are
/// written beside the pass. A sync with nothing to write costs one system call.
fn checkpoint(conn: &Connection, path: &str, last: Option<(i64, i64)>) -> Result<(i64, i64)> {
    let (busy, log, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if copied > 0 && last != Some((log, copied)) {
        if copied >= SYNC_FROM_FRAMES {
            sync_database_file(conn)?;
        }
        tracing::debug!(path, busy, log, copied, "Background checkpoint done.");
    }
    Ok((log, copied))
}

/// Syncs the database file of `conn` through SQLite's own handle of it (its VFS's `xSync`).
///
/// Not through a file opened here: opening and closing the file beside SQLite's connections
/// would drop every POSIX lock the process holds on it (a `close` releases them all), and
/// another process could then take the daemon's database for unused, checkpoint it and delete
/// the WAL under it.
fn sync_database_file(conn: &Connection) -> Result<()> {
    use rusqlite::ffi;
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `conn` is open and used by this thread only; SQLITE_FCNTL_FILE_POINTER writes the
    // main database's `sqlite3_file` (owned by the connection, alive while it is) into `file`,
    // and its `xSync` is called as SQLite itself calls it, outside any statement of `conn`.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&raw mut file).cast(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            anyhow::bail!("the database file is not open (code {rc})");
        }
        let Some(sync) = (*(*file).pMethods).xSync else {
            anyhow::bail!("the database file cannot be synced");
        };
        let rc = sync(file, ffi::SQLITE_SYNC_NORMAL);
        if rc != ffi::SQLITE_OK {
            anyhow::bail!("syncing the database file failed (code {rc})");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deferred store commits without checkpointing (the database file stays small, the
    /// pages are in the WAL); the background copy puts them in the database file; automatic
    /// checkpoints come back on.
    #[test]
    fn the_background_copy_checkpoints_what_was_committed() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.db");
        let mut store = Store::open(&path).unwrap();
        let pages = |store: &Store| -> i64 {
            store
                .conn
                .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
                .unwrap()
        };
        let size = || std::fs::metadata(&path).unwrap().len();
        let mut deferred = Deferred::begin(&store).unwrap();
        assert_eq!(pages(&store), 0);
        let before = size();
        store
            .transaction(|tx| {
                tx.execute_batch(
                    "CREATE TABLE filler (x BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                     INSERT INTO filler SELECT randomblob(2000) FROM n;",
                )?;
                Ok(())
            })
            .unwrap();
        assert_eq!(size(), before, "committed to the WAL only");
        deferred.start();
        deferred.finish(&store).unwrap();
        assert!(size() > before + 5_000_000, "{before} -> {}", size());
        assert_eq!(pages(&store), AUTO_CHECKPOINT_PAGES);
        let count: i64 = store
            .conn
            .query_row("SELECT count(*) FROM filler", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 3000);
    }

    /// Waits (up to a minute: a broken wake-up fails, a slow machine does not) until the
    /// database file is larger than `than` bytes.
    fn grows_past(path: &std::path::Path, than: u64) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            if std::fs::metadata(path).unwrap().len() > than {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// `copy_now` copies what was committed since the last copy without waiting for the next
    /// one (an hour away here: without the wake-up, the second table would not be copied).
    #[test]
    fn a_copy_asked_for_comes_before_the_next_round() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.db");
        let mut store = Store::open(&path).unwrap();
        let fill = |store: &mut Store, table: &str| {
            store
                .transaction(|tx| {
                    tx.execute_batch(&format!(
                        "CREATE TABLE {table} (x BLOB);
                         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                         INSERT INTO {table} SELECT randomblob(2000) FROM n;"
                    ))?;
                    Ok(())
                })
                .unwrap();
        };
        let size = |path: &std::path::Path| std::fs::metadata(path).unwrap().len();
        let mut deferred = Deferred::begin(&store).unwrap();
        deferred.again = Duration::from_secs(3600);
        let empty = size(&path);
        fill(&mut store, "first");
        deferred.start();
        // The first table is 4 MB of blobs: its copy, at the start, is (all but) done.
        assert!(
            grows_past(&path, empty + 4_000_000),
            "the first copy, at the start"
        );
        let after_first = size(&path);
        fill(&mut store, "second");
        deferred.copy_now();
        // Waited for whole: `after_first` may be read before the first copy's last pages (a
        // loaded machine), and their growth is not the second table's copy.
        assert!(
            grows_past(&path, after_first + 3_000_000),
            "the copy asked for"
        );
        deferred.finish(&store).unwrap();
    }

    /// The database file is synced through the connection's own handle of it, once open.
    #[test]
    fn the_database_file_is_synced_through_sqlites_handle() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert!(tables > 0);
        sync_database_file(&conn).unwrap();
    }
}
