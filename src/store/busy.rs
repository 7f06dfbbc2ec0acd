//! Waiting for another writer: a busy handler that wakes when a writer of this process commits.
//!
//! Why: SQLite's own handler (`busy_timeout`) sleeps 1, 2, 5, 10, 15, 20, 25… up to 100 ms
//! between tries, whoever holds the lock. A first tick of a large book writes through two
//! connections at once: the queueing pass commits a group of messages every ~40 ms (its lock
//! held ~15 ms each time) while the sender, on the pass's own connection, claims and marks
//! what it sends. The sender found the lock taken at nearly every turn and slept 1 + 2 + 5 +
//! 10 ms to get it: 87 sleeps, 0.88 s of a 3.3 s tick (`perf` on the sleep syscalls), sending
//! nothing meanwhile.
//!
//! [`wait_for_writer`] instead waits on a process-wide signal that every commit made through
//! this module's callers raises ([`released`]: `Store::transaction` and the queueing pass's
//! groups), and tries again as soon as it comes, or after [`SLICE`] at the latest (a writer in
//! another process, or one that commits without saying so, is thus polled every millisecond;
//! a failed try costs microseconds). It gives up after `LIMIT_MS` in all, as `busy_timeout`
//! did, so a lock held too long by another process still ends in "database is busy".
//!
//! Measured on that tick: the sender's waits are now as long as the queueing really holds the
//! lock (0.6 s in all; the queueing holds it about half of its time, 17 ms per group of 512
//! messages), not rounded up to SQLite's next sleep. The tick's wall time did not change
//! measurably: what the sender gets back, it spends waiting for cpu beside the planning.

use std::cell::Cell;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest wait between two tries.
pub const SLICE: Duration = Duration::from_millis(1);

/// Commits counted by [`released`], and the waiters' wake-up call.
static RELEASES: (Mutex<u64>, Condvar) = (Mutex::new(0), Condvar::new());

thread_local! {
    /// When this thread's current wait for the lock began (SQLite counts the tries of one
    /// wait from 0).
    static WAITING_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Set while this thread would rather do something else than wait ([`without_waiting`]).
    static NO_WAIT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with the busy handler giving up at once on this thread: a lock held by another
/// writer fails with `SQLITE_BUSY` instead of waiting (the sender tries to claim ahead while
/// it still has messages to send, and waits only when it has none).
pub fn without_waiting<T>(f: impl FnOnce() -> T) -> T {
    let before = NO_WAIT.with(|w| w.replace(true));
    let value = f();
    NO_WAIT.with(|w| w.set(before));
    value
}

/// Says that a write transaction of this process has ended: writers waiting for the lock try
/// again now.
pub fn released() {
    let (count, wake) = &RELEASES;
    // A poisoned counter still counts: a panic elsewhere does not stop the waiters.
    let mut count = count.lock().unwrap_or_else(|e| e.into_inner());
    *count = count.wrapping_add(1);
    wake.notify_all();
}

/// SQLite's busy handler (`Connection::busy_handler`): `tries` is how many times this wait
/// has already been called. Waits until a writer of this process says it committed, or
/// [`SLICE`], then asks SQLite to try again; after `LIMIT_MS` milliseconds in all, gives up
/// (the statement fails with `SQLITE_BUSY`).
pub fn wait_for_writer<const LIMIT_MS: u64>(tries: i32) -> bool {
    if NO_WAIT.with(Cell::get) {
        return false;
    }
    let now = Instant::now();
    let since = WAITING_SINCE.with(|s| match s.get() {
        Some(since) if tries > 0 => since,
        _ => {
            s.set(Some(now));
            now
        }
    });
    if now.duration_since(since) >= Duration::from_millis(LIMIT_MS) {
        return false;
    }
    let (count, wake) = &RELEASES;
    let count = count.lock().unwrap_or_else(|e| e.into_inner());
    let seen = *count;
    // Spurious wake-ups and timeouts alike end in another try.
    let _ = wake
        .wait_timeout_while(count, SLICE, |c| *c == seen)
        .unwrap_or_else(|e| e.into_inner());
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, TransactionBehavior};

    fn open(path: &std::path::Path, handler: fn(i32) -> bool) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.busy_handler(Some(handler)).unwrap();
        conn
    }

    /// A database at `path` with a table `t` of one row, and a connection to it that holds
    /// the write lock (`BEGIN IMMEDIATE`, the row not committed yet).
    fn holding_the_lock(path: &std::path::Path) -> Connection {
        let holder = open(path, wait_for_writer::<30_000>);
        holder
            .execute_batch("CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
            .unwrap();
        holder
    }

    /// A writer waiting for another connection's lock gets it once that one commits (here
    /// after more than SQLite's whole 1-2-5-10-15 ms sequence), and sees its write.
    #[test]
    fn a_waiting_writer_goes_on_when_the_other_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let first = holding_the_lock(&path);
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                let mut second = open(&path, wait_for_writer::<30_000>);
                let tx = second
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .unwrap();
                let seen: i64 = tx
                    .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
                    .unwrap();
                tx.execute("INSERT INTO t VALUES (2)", []).unwrap();
                tx.commit().unwrap();
                released();
                seen
            }
        });
        std::thread::sleep(Duration::from_millis(60));
        first.execute_batch("COMMIT").unwrap();
        released();
        assert_eq!(
            waiter.join().unwrap(),
            1,
            "the waiter wrote after the first commit"
        );
        let rows: i64 = first
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2);
    }

    /// A lock held longer than the limit ends the wait with SQLITE_BUSY, as `busy_timeout`
    /// did; the waiting thread can wait again afterwards (its clock starts anew).
    #[test]
    fn a_writer_gives_up_after_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let holder = holding_the_lock(&path);
        let mut waiter = open(&path, wait_for_writer::<50>);
        for _ in 0..2 {
            let started = Instant::now();
            let err = waiter
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .unwrap_err();
            assert_eq!(
                err.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy)
            );
            assert!(started.elapsed() >= Duration::from_millis(50));
        }
        holder.execute_batch("ROLLBACK").unwrap();
        waiter
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap()
            .commit()
            .unwrap();
    }
}
