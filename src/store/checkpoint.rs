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
//! thread of its own, does not checkpoint either.)
//! [`Deferred::finish`] stops the copies and gives the connection back its automatic
//! checkpoints.
//!
//! Durability is unchanged: a commit is durable once in the WAL (synchronous = NORMAL), and a
//! crash in the middle of a checkpoint is recovered by SQLite as any other.

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
    /// The checkpointing thread, and how to tell it to stop.
    copier: Option<(JoinHandle<()>, Sender<()>)>,
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
        Ok(Deferred { path, copier: None })
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
        let (stop, stopped) = channel();
        let copier = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || copy_until_stopped(&path, &stopped));
        match copier {
            Ok(handle) => self.copier = Some((handle, stop)),
            Err(e) => tracing::warn!("Cannot start the checkpoint thread: {e}"),
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
/// [`AGAIN`] until `stopped` hears from the owner (or it is gone).
fn copy_until_stopped(path: &str, stopped: &Receiver<()>) {
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
        if stopped.recv_timeout(AGAIN) != Err(RecvTimeoutError::Timeout) {
            return;
        }
    }
}

/// One passive checkpoint; returns the WAL's size and how much of it is copied (frames).
///
/// The database file is not synced here: SQLite syncs it after a checkpoint that reaches the
/// end of the WAL (the last one, at [`Deferred::finish`] or later). Opening and closing the
/// file beside SQLite's connections would drop every POSIX lock the process holds on it (a
/// `close` releases them all), and another process could then take the daemon's database for
/// unused, checkpoint it and delete the WAL under it.
fn checkpoint(conn: &Connection, path: &str, last: Option<(i64, i64)>) -> Result<(i64, i64)> {
    let (busy, log, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    if copied > 0 && last != Some((log, copied)) {
        tracing::debug!(path, busy, log, copied, "Background checkpoint done.");
    }
    Ok((log, copied))
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
}
