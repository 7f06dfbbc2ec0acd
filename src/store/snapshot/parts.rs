//! The planning read in parts, a thread each: the clients are cut into ranges of ids, and each
//! range is read, and planned, on its own thread through its own connection.
//!
//! Why: at 200,000 clients the planning read is about three quarters of `plan` and of a quiet
//! tick, on one core (SQLite stepping six ordered statements, and the rows' conversion). A
//! reader thread feeding a planning thread did not pay (the read alone set the wall time, and
//! the hand-over of every file cost about what it saved); cutting the book into ranges lets
//! every core do the same work on fewer clients, and hands over only what must be done on the
//! caller's connection.
//!
//! How: the caller's thread reads the first range on its own connection (`mine`); each other
//! range is read on a thread of its own through a second connection (`theirs`), which keeps a
//! state of its own and may hand items over; the caller takes them ([`Handed`]) after its own
//! range, range by range, in client order. So whatever the caller does with them happens in
//! the order a single read would give. Items cross in batches through a bounded channel
//! ([`BATCH`] x [`DEPTH`]): a range that runs far ahead of the caller waits, and memory stays
//! bounded whatever the size of the book.
//!
//! What each range sees: the same database as the caller's thread, as a single read would.
//! - Inside the caller's write transaction (`BEGIN IMMEDIATE`, the tick), the other ranges'
//!   read transactions begin while it is held, so no one can commit in between: they see what
//!   the caller's began from, without the caller's own writes. Those concern its own clients
//!   only (a client's writes are the pass's, made after its file was read), and owner alerts
//!   about failed messages, which the pass leaves out of the files anyway.
//! - Outside one (`plan`), the caller's thread begins a read transaction and the others open
//!   its snapshot (`sqlite3_snapshot_open`; SQLite is built with `SQLITE_ENABLE_SNAPSHOT`,
//!   `.cargo/config.toml`): a commit by another process meanwhile is seen by none of them.
//!   SQLite has no snapshot to give while the WAL has no frame (just after the database was
//!   opened, or checkpointed and emptied): then the others begin as usual and check that the
//!   WAL still has none, that is, that nothing was committed in between (else: one range).
//!
//! What every range needs whole (promises, payment plans, the closed invoices and payments a
//! planning read takes) is read once, before the ranges (the payments on the second range's
//! connection and thread, the rest on the caller's), and cut by range.
//!
//! Each connection keeps its own page cache: the bundled SQLite is built without
//! `SQLITE_ENABLE_MEMORY_MANAGEMENT` (`.cargo/config.toml`), which would put every connection
//! of the process into one shared cache where two busy readers evict each other's pages
//! (6-10x the page reads, measured). A test below checks the option is gone.
//!
//! An in-memory database has no second connection, and a small book is not worth a thread:
//! both are read in one range on the caller's thread.

use std::sync::mpsc;

use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::bulk::{Part, Shared, for_each, for_each_with};
use super::to_plan::Purpose;
use crate::policy::planner::ClientFile;

/// Items per batch handed from a range's thread to the caller.
const BATCH: usize = 64;

/// Batches in flight per range: with [`BATCH`], up to 4,096 items (for the tick: a client's
/// rendered messages, ~10 kilobytes) wait for the caller before a range stops to wait too.
/// The caller's thread, which writes everything, sets the pace of a busy pass anyway.
const DEPTH: usize = 64;

/// Fewer clients per range than this are read in one range: a thread and a connection cost
/// more than they save on a small book.
const MIN_CLIENTS_PER_RANGE: i64 = 64;

/// What a range's thread hands to the caller's thread.
pub enum Handed<T, S> {
    /// An item, in client order.
    Item(T),
    /// The range's state, after its last item.
    Done(S),
}

/// What a range's thread sends through its channel.
enum Batch<T, S> {
    Items(Vec<T>),
    Done(S),
}

/// Reads every client's file for `purpose` at `now` in up to `ranges` ranges (see the module
/// docs): `mine` gets the first range's files on this thread, with the connection they were
/// read through; each other range's files go to `theirs` on that range's thread, with the
/// range's connection (to read more of a client), its state and a list to push items onto;
/// `then` gets, after the first range, each other range's items and then its state, range by
/// range. An error from any of them ends the read and is the error returned.
///
/// `apart`: when the book is read in several ranges, the first is read through a connection
/// of its own too (in the same state), so that the caller may commit on `conn` while it reads
/// (the tick's pass commits in groups). In one range, or where no other connection can be had
/// (an in-memory database), it is read through `conn`: `mine` is then handed `conn` itself.
pub(super) fn in_ranges<S, T>(
    conn: &Connection,
    at: (DateTime<Utc>, Purpose),
    ranges: usize,
    apart: bool,
    mut mine: impl FnMut(&Connection, ClientFile) -> Result<()>,
    theirs: impl Fn(&Connection, ClientFile, &mut S, &mut Vec<T>) -> Result<()> + Sync,
    mut then: impl FnMut(Handed<T, S>) -> Result<()>,
) -> Result<()>
where
    S: Default + Send,
    T: Send,
{
    // The caller's read transaction, unless it is in its own (write) transaction.
    let read = match conn.is_autocommit() {
        true => Some(conn.unchecked_transaction()?),
        false => None,
    };
    let starts = range_starts(conn, ranges, at.1)?;
    // A book read in one range (small, or one planning thread) is read through `conn`: the
    // pass is then one transaction, as it was before groups, and the daemon's idle passes do
    // not open and close a connection each (what glibc keeps of it stayed resident).
    let apart = apart && !starts.is_empty();
    let others = starts.len() + usize::from(apart);
    let Some(mut readers) = other_readers(conn, read.is_some(), others)? else {
        return for_each(conn, Some(at), Part::default(), |file| mine(conn, file));
    };
    // The connection this thread reads through.
    let own = apart.then(|| readers.remove(0));
    let conn = own.as_ref().unwrap_or(conn);
    if readers.is_empty() {
        return for_each(conn, Some(at), Part::default(), |file| mine(conn, file));
    }
    // Read on this thread and the first other range's at once.
    let (shared, reader) = Shared::read_on_two(conn, readers.remove(0), at)?;
    readers.insert(0, reader);
    let mut shared = shared.split(&starts).into_iter();
    let mine_shared = shared.next().context("no part for the first range")?;
    let theirs = &theirs;
    std::thread::scope(|scope| {
        let mut threads = Vec::with_capacity(readers.len());
        for (i, (reader, shared)) in readers.into_iter().zip(shared).enumerate() {
            let part = Part {
                from: starts[i].as_str(),
                to: starts.get(i + 1).map(String::as_str),
            };
            let (send, receive) = mpsc::sync_channel::<Batch<T, S>>(DEPTH);
            let range = Range {
                reader,
                at,
                part,
                shared,
            };
            let thread = std::thread::Builder::new()
                .name(format!("planning-read-{}", i + 2))
                .spawn_scoped(scope, move || range.read(theirs, send))
                .context("cannot start a planning read's thread")?;
            threads.push((receive, thread));
        }
        let first = Part {
            from: "",
            to: starts.first().map(String::as_str),
        };
        let mut result = for_each_with(conn, Some(at), first, mine_shared, |file| mine(conn, file));
        for (receive, thread) in threads {
            if result.is_ok() {
                result = take_range(&receive, &mut then);
            }
            // Hang up first: a range waiting on a full channel then stops.
            drop(receive);
            let read = thread
                .join()
                .map_err(|_| anyhow!("a planning read's thread panicked"))?;
            // The caller's error comes first; a range's own is the next.
            if result.is_ok() {
                result = read;
            }
        }
        result
    })
}

/// A range other than the first: its connection (in its read transaction), its clients and
/// its part of what is read whole.
struct Range<'a> {
    reader: Connection,
    at: (DateTime<Utc>, Purpose),
    part: Part<'a>,
    shared: Shared,
}

impl Range<'_> {
    /// On the range's thread: its files to `theirs`, the items in batches, then the state.
    fn read<S: Default, T>(
        self,
        theirs: &(impl Fn(&Connection, ClientFile, &mut S, &mut Vec<T>) -> Result<()> + Sync),
        send: mpsc::SyncSender<Batch<T, S>>,
    ) -> Result<()> {
        let mut state = S::default();
        let mut items = Vec::with_capacity(BATCH);
        let hand = |batch: Batch<T, S>| send.send(batch).map_err(|_| anyhow!(Stopped));
        let reader = &self.reader;
        for_each_with(reader, Some(self.at), self.part, self.shared, |file| {
            theirs(reader, file, &mut state, &mut items)?;
            if items.len() >= BATCH {
                let full = std::mem::replace(&mut items, Vec::with_capacity(BATCH));
                hand(Batch::Items(full))?;
            }
            Ok(())
        })?;
        if !items.is_empty() {
            hand(Batch::Items(items))?;
        }
        hand(Batch::Done(state))
    }
}

/// A range's items and state, to `then`, as they come; until the range's thread ends.
fn take_range<T, S>(
    receive: &mpsc::Receiver<Batch<T, S>>,
    then: &mut impl FnMut(Handed<T, S>) -> Result<()>,
) -> Result<()> {
    for batch in receive {
        match batch {
            Batch::Items(items) => {
                for item in items {
                    then(Handed::Item(item))?;
                }
            }
            Batch::Done(state) => then(Handed::Done(state))?,
        }
    }
    Ok(())
}

/// The caller's range, in fifths of another's, for a read for `purpose`. In the tick's pass
/// it is smaller: the caller's thread also writes what every range hands over (measured when
/// it read inside the pass's write transaction: ~1.25x the time per client in a quiet tick at
/// 200,000 clients; reading through a connection of its own, equal ranges measured no better
/// in a quiet tick and a little worse in a first one). For `plan` the threads do the same
/// work (equal ranges measured fastest).
fn callers_fifths(purpose: Purpose) -> i64 {
    match purpose {
        Purpose::Plan => 5,
        Purpose::Tick | Purpose::Queue => 4,
    }
}

/// The first client id of each range after the first, for `ranges` ranges (the caller's
/// [`callers_fifths`] of the others'); none when the book is too small to be worth cutting.
fn range_starts(conn: &Connection, ranges: usize, purpose: Purpose) -> Result<Vec<String>> {
    let ranges = i64::try_from(ranges).unwrap_or(1);
    if ranges < 2 {
        return Ok(Vec::new());
    }
    let clients: i64 = conn.query_row("SELECT count(*) FROM clients", [], |r| r.get(0))?;
    if clients < ranges * MIN_CLIENTS_PER_RANGE {
        return Ok(Vec::new());
    }
    // In fifths of a range: the caller's ends at `callers`, each other one 5 further.
    let callers = callers_fifths(purpose);
    let fifths = callers + 5 * (ranges - 1);
    let mut stmt = conn.prepare("SELECT id FROM clients ORDER BY id LIMIT 1 OFFSET ?1")?;
    (0..ranges - 1)
        .map(|k| {
            let offset = clients * (callers + 5 * k) / fifths;
            Ok(stmt.query_row([offset], |r| r.get(0))?)
        })
        .collect()
}

/// `count` other connections to `conn`'s database, each in a read transaction that sees what
/// `conn` sees: `conn`'s snapshot when `conn` is in a read transaction of ours (`snapshot`),
/// the last commit when it holds the write lock. `None` when that cannot be (an in-memory
/// database, a journal that is not WAL) or `count` is 0: then one range is read.
fn other_readers(
    conn: &Connection,
    snapshot: bool,
    count: usize,
) -> Result<Option<Vec<Connection>>> {
    // Readers beside a writer need WAL (in a rollback journal the caller could not commit
    // while they read): without it, one range on the caller's connection.
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if count == 0 || !mode.eq_ignore_ascii_case("wal") {
        return Ok(None);
    }
    let taken = snapshot
        .then(|| sqlite_snapshot::Snapshot::of(conn))
        .flatten();
    let mut readers = Vec::with_capacity(count);
    for _ in 0..count {
        let Some(reader) = other_connection(conn)? else {
            return Ok(None);
        };
        // A first read outside a transaction: SQLite learns the file is in WAL mode, which
        // opening a snapshot needs.
        reader.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        reader.execute_batch("BEGIN")?;
        if let Some(taken) = &taken {
            taken.open_on(&reader)?;
        }
        // A deferred transaction takes its snapshot at its first read (or keeps the opened one).
        reader
            .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
            .context("cannot begin a planning read")?;
        // No snapshot to give: the WAL has no frame. It still has none if nothing was
        // committed since `conn`'s read began (a commit adds frames, which cannot be
        // checkpointed away while `conn` reads the database file); otherwise, one range.
        if snapshot && taken.is_none() && sqlite_snapshot::Snapshot::of(&reader).is_some() {
            return Ok(None);
        }
        readers.push(reader);
    }
    Ok(Some(readers))
}

/// A range stopped because the caller stopped taking its items (the caller's error is the
/// one returned).
#[derive(Debug, thiserror::Error)]
#[error("a planning read stopped: the pass using it ended early")]
struct Stopped;

/// Another connection to `conn`'s database file, for reading only (`None` for an in-memory or
/// temporary database, which another connection would not see).
fn other_connection(conn: &Connection) -> Result<Option<Connection>> {
    let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let reader = Connection::open_with_flags(path, flags)
        .with_context(|| format!("cannot open database {path} a second time for reading"))?;
    reader.busy_timeout(crate::store::BUSY_TIMEOUT)?;
    // Reads only: a write through it would be a bug, and SQLite refuses it.
    reader.pragma_update(None, "query_only", true)?;
    crate::store::money_sql::register(&reader)?;
    Ok(Some(reader))
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// The other ranges see the caller's snapshot, not a commit made after it was taken.
    #[test]
    fn other_readers_open_the_callers_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let writer = Connection::open(&path).unwrap();
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);",
            )
            .unwrap();
        let caller = Connection::open(&path).unwrap();
        let read = caller.unchecked_transaction().unwrap();
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(count(&caller), 1);
        writer.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let readers = super::other_readers(&caller, true, 2).unwrap().unwrap();
        assert_eq!(readers.len(), 2);
        for reader in &readers {
            assert_eq!(count(reader), 1, "the reader sees the caller's snapshot");
        }
        // Without the snapshot, a new reader sees the commit: the check above can fail.
        let fresh = Connection::open(&path).unwrap();
        assert_eq!(count(&fresh), 2);
        drop(read);
        // A database whose WAL has no frame has no snapshot: readers begin as usual while
        // nothing is committed, and there is one range when something was.
        drop(readers);
        drop(fresh);
        drop(caller);
        // The last connection closed checkpoints and deletes the WAL.
        drop(writer);
        let caller = Connection::open(&path).unwrap();
        let writer = Connection::open(&path).unwrap();
        let read = caller.unchecked_transaction().unwrap();
        assert_eq!(count(&caller), 2);
        assert!(super::sqlite_snapshot::Snapshot::of(&caller).is_none());
        let readers = super::other_readers(&caller, true, 1).unwrap().unwrap();
        assert_eq!(count(&readers[0]), 2);
        drop(readers);
        writer.execute("INSERT INTO t VALUES (3)", []).unwrap();
        assert!(super::other_readers(&caller, true, 1).unwrap().is_none());
        drop(read);
        // An in-memory database has no other reader: one range.
        let memory = Connection::open_in_memory().unwrap();
        assert!(super::other_readers(&memory, false, 1).unwrap().is_none());
    }
    /// Each connection keeps its own page cache: the bundled SQLite is built without
    /// `SQLITE_ENABLE_MEMORY_MANAGEMENT` (`.cargo/config.toml`), which would put every
    /// connection's pages in one shared group and make two busy readers evict each other's.
    #[test]
    fn sqlite_is_built_without_the_shared_page_cache() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let options: Vec<String> = conn
            .prepare("PRAGMA compile_options")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        // The list is the real one (the threading mode rusqlite's `bundled` sets).
        assert!(options.iter().any(|o| o == "THREADSAFE=1"), "{options:?}");
        assert!(
            !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
            "built with SQLITE_ENABLE_MEMORY_MANAGEMENT (is LIBSQLITE3_FLAGS from \
             .cargo/config.toml set?): {options:?}"
        );
    }
}

/// SQLite's snapshots (`sqlite3_snapshot_get` / `_open`), which rusqlite does not wrap.
mod sqlite_snapshot {
    use anyhow::{Result, bail};
    use rusqlite::{Connection, ffi};

    /// A connection's current read snapshot (freed on drop).
    pub(super) struct Snapshot(*mut ffi::sqlite3_snapshot);

    impl Snapshot {
        /// The snapshot of `conn`'s open read transaction; `None` where SQLite has none to give
        /// (not WAL, no read transaction, a write transaction).
        pub(super) fn of(conn: &Connection) -> Option<Snapshot> {
            let mut taken = std::ptr::null_mut();
            // SAFETY: the handle is `conn`'s open database, used on this thread only while
            // `conn` is borrowed; "main" is a NUL-terminated schema name; SQLite writes a
            // snapshot pointer into `taken` on success and nothing else.
            let rc =
                unsafe { ffi::sqlite3_snapshot_get(conn.handle(), c"main".as_ptr(), &mut taken) };
            (rc == ffi::SQLITE_OK && !taken.is_null()).then_some(Snapshot(taken))
        }

        /// Makes `reader`'s read transaction (begun, not yet read) see this snapshot.
        pub(super) fn open_on(&self, reader: &Connection) -> Result<()> {
            // SAFETY: `reader`'s handle is open and borrowed for the call; `self.0` is a live
            // snapshot of the same database file (freed only on drop).
            let rc =
                unsafe { ffi::sqlite3_snapshot_open(reader.handle(), c"main".as_ptr(), self.0) };
            if rc != ffi::SQLITE_OK {
                bail!(
                    "cannot open the planning read's snapshot on a second connection (SQLite error {rc})"
                );
            }
            Ok(())
        }
    }

    impl Drop for Snapshot {
        fn drop(&mut self) {
            // SAFETY: `self.0` came from `sqlite3_snapshot_get` and is freed once, here.
            unsafe { ffi::sqlite3_snapshot_free(self.0) }
        }
    }
}
