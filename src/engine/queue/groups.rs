//! The pass's writes in groups: each group of clients' prepared writes is one short write
//! transaction, so that what is queued can be sent while the rest of the book is planned.
//!
//! Why: a first tick at 100,000 clients queues ~20,000 reminders in ~2 s and then sends them;
//! in one transaction, nothing could leave before the last was queued, and sending took as
//! long again. Committed in groups of [`GROUP`] messages, the sender (`daemon::pass`, on
//! another connection) starts after the first group and sends while the pass plans. The
//! write lock is taken only to write a group, not while the next one is planned and
//! rendered, so the sender's claims and marks get their turn.
//!
//! What a crash leaves: the groups committed so far, each whole (its messages with their
//! events, discounts, outcomes and the email records of its formal Telegram stages). The next
//! pass plans again and finds those messages' keys taken: it queues the rest, nothing twice.
//!
//! The pass's first transaction is begun before the planning read: the owner alerts are
//! written in it, and every range's read begins while it holds the lock (so all see the
//! database as it began). It is committed when the caller's range hands its first client
//! over, every read having begun by then.

use anyhow::{Context, Result};
use rusqlite::Connection;

/// Messages per group: a commit every ~3.5 MB of bodies, ~6 per 20,000 messages... enough for
/// the sender to start early, few enough commits not to matter.
pub(super) const GROUP: usize = 512;

/// The pass's writes, gathered and written a group at a time, each group in a write
/// transaction of its own (or, until [`Groups::allow_commits`], all in the first).
pub(super) struct Groups<'c, T> {
    conn: &'c Connection,
    /// Whether a transaction is open.
    open: bool,
    /// Whether this pass may commit before its end (not when it reads through `conn`).
    may_commit: bool,
    /// Written at the next group's commit, in order; with the messages they hold.
    pending: Vec<T>,
    messages: usize,
    /// Called after each commit.
    committed: &'c (dyn Fn() + Sync),
    /// Called in each transaction begun after a commit, before anything is written in it:
    /// others may have written in between (see `queue::changes`).
    reopened: &'c mut dyn FnMut(&Connection) -> Result<()>,
    /// Whether the pass has committed (so another writer may have written since).
    committed_once: bool,
}

impl<'c, T> Groups<'c, T> {
    /// Begins the pass's first transaction (`BEGIN IMMEDIATE`).
    pub(super) fn begin(
        conn: &'c Connection,
        committed: &'c (dyn Fn() + Sync),
        reopened: &'c mut dyn FnMut(&Connection) -> Result<()>,
    ) -> Result<Self> {
        let mut groups = Groups {
            conn,
            open: false,
            may_commit: false,
            pending: Vec::new(),
            messages: 0,
            committed,
            reopened,
            committed_once: false,
        };
        groups.open()?;
        Ok(groups)
    }

    /// The connection, inside the pass's open transaction (before any group is written).
    pub(super) fn conn(&self) -> &'c Connection {
        self.conn
    }

    /// Lets the pass commit before its end, once every range's read has begun and none goes
    /// through `conn`: what the first transaction wrote (the owner alerts) is committed now.
    pub(super) fn allow_commits(&mut self) -> Result<()> {
        if !self.may_commit {
            self.may_commit = true;
            self.commit()?;
        }
        Ok(())
    }

    /// Takes `item`, which holds `messages` messages, to be written with `write`: at once in
    /// the open transaction while commits are not allowed; else with its group, written and
    /// committed once it holds [`GROUP`] messages, `seal` writing what the group's items left
    /// for its end.
    pub(super) fn add(
        &mut self,
        item: T,
        messages: usize,
        write: impl FnMut(&Connection, T) -> Result<()>,
        seal: impl FnOnce(&Connection) -> Result<()>,
    ) -> Result<()> {
        if !self.may_commit {
            let mut write = write;
            self.open()?;
            return write(self.conn, item);
        }
        self.pending.push(item);
        self.messages += messages;
        if self.messages >= GROUP {
            self.write_pending(write)?;
            seal(self.conn)?;
            self.commit()?;
        }
        Ok(())
    }

    /// Writes what is pending, then `last`, and commits: the end of the pass.
    pub(super) fn finish<R>(
        mut self,
        write: impl FnMut(&Connection, T) -> Result<()>,
        last: impl FnOnce(&Connection) -> Result<R>,
    ) -> Result<R> {
        self.write_pending(write)?;
        let value = last(self.conn)?;
        self.commit()?;
        Ok(value)
    }

    fn write_pending(&mut self, mut write: impl FnMut(&Connection, T) -> Result<()>) -> Result<()> {
        self.open()?;
        self.messages = 0;
        for item in std::mem::take(&mut self.pending) {
            write(self.conn, item)?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if self.open {
            self.conn
                .execute_batch("COMMIT")
                .context("Failed to commit")?;
            crate::store::busy::released();
            self.open = false;
            self.committed_once = true;
            (self.committed)();
        }
        Ok(())
    }

    fn open(&mut self) -> Result<()> {
        if !self.open {
            self.conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(|e| crate::store::locked_error(e, crate::store::BUSY_TIMEOUT))?;
            self.open = true;
            if self.committed_once {
                (self.reopened)(self.conn)?;
            }
        }
        Ok(())
    }
}

impl<T> Drop for Groups<'_, T> {
    /// A pass that failed leaves its open group unwritten (the committed ones stay).
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
