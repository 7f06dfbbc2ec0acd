//! The hand-over journal: which claimed messages a pass really handed to a channel, and which
//! the channel accepted, written beside the database before the database is told.
//!
//! Why: a pass claims messages (`sending`, committed) before it hands them over, so that a
//! crash never sends one twice. Claimed rows the pass never got to would otherwise all become
//! `uncertain` after a crash, for a person to decide; that kept the claims small (a group of
//! 16), and every claim waited for the write lock while a large first tick queued (the
//! queueing holds it ~17 ms per group of 512). With the journal the pass claims a few groups
//! ahead and tries for the lock only when it is free; a crash leaves exactly the messages in
//! flight `uncertain` (as before), requeues those never handed over and marks `sent` those the
//! server accepted whose outcome had not been committed yet.
//!
//! The file (`<database>-handover`) has one line per fact, appended with one `write` each and
//! never read back by the pass that writes it:
//! - `p <instant>`: the pass's clock, first (the `sent_at` of recovered sends);
//! - `a <id>`: message `id` is about to be handed over (written *before* the hand-over);
//! - `s <id> [<telegram message id>]`: the channel accepted it.
//!
//! Durability is the database's own (`synchronous = NORMAL`): a process killed at any moment
//! loses nothing written (the kernel has it); a power cut may lose the last lines as it may the
//! last commits. The next pass reads it in [`super::recover`] (only for rows still `sending`)
//! and starts it anew; a pass that ends clears it.

use std::collections::HashMap;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

/// The journal of a database file.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-handover");
    PathBuf::from(name)
}

/// What a journal says about the pass that wrote it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// The pass's clock.
    pub at: Option<DateTime<Utc>>,
    /// Handed over (or about to be).
    pub handed: HashSet<i64>,
    /// Accepted by the channel, with the Telegram message id when there is one.
    pub sent: HashMap<i64, Option<i64>>,
}

/// Reads the journal at `path`; a missing file says nothing. A line cut short by a crash
/// (the last one) is ignored: its fact was not written before the hand-over went on.
pub fn read(path: &Path) -> Result<Written> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Written::default()),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", path.display()));
        }
    };
    let mut written = Written::default();
    let complete = text
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(&[][..], |end| &text[..end]);
    for line in String::from_utf8_lossy(complete).lines() {
        let mut words = line.split(' ');
        let (kind, id) = (words.next(), words.next());
        match (kind, id.and_then(|i| i.parse::<i64>().ok())) {
            (Some("a"), Some(id)) => {
                written.handed.insert(id);
            }
            (Some("s"), Some(id)) => {
                let telegram = words.next().and_then(|t| t.parse().ok());
                written.sent.insert(id, telegram);
            }
            (Some("p"), _) => {
                written.at = id
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc));
            }
            _ => {}
        }
    }
    Ok(written)
}

/// The journal a pass writes.
pub struct Journal {
    file: File,
    path: PathBuf,
    /// Accepted sends not written yet: they go out with the next hand-over's line (one `write`
    /// for both) or at the next commit.
    pending: String,
}

impl Journal {
    /// Starts the journal of a pass at `now` (whatever an earlier pass wrote is gone: read by
    /// [`super::recover`] first).
    pub fn begin(db: &Path, now: DateTime<Utc>) -> Result<Journal> {
        let path = path_of(db);
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .with_context(|| {
                format!(
                    "cannot write {} (the sender's journal, beside the database): check that \
                     the database's directory is writable and not full",
                    path.display()
                )
            })?;
        let mut journal = Journal {
            file,
            path,
            pending: String::new(),
        };
        journal.pending = format!("p {}\n", now.to_rfc3339());
        journal.write_pending()?;
        Ok(journal)
    }

    /// Says that message `id` is handed over now; returns once the line is written.
    pub fn handing_over(&mut self, id: i64) -> Result<()> {
        // Writing to a String cannot fail.
        let _ = writeln!(self.pending, "a {id}");
        self.write_pending()
    }

    /// Says that the channel accepted message `id` (written with the next line).
    pub fn accepted(&mut self, id: i64, telegram_message_id: Option<i64>) {
        let _ = match telegram_message_id {
            Some(t) => writeln!(self.pending, "s {id} {t}"),
            None => writeln!(self.pending, "s {id}"),
        };
    }

    /// Writes what is pending.
    pub fn write_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.file
            .write_all(self.pending.as_bytes())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.pending.clear();
        Ok(())
    }

    /// Empties the journal: every outcome it holds is committed.
    pub fn clear(mut self) -> Result<()> {
        self.pending.clear();
        self.file
            .set_len(0)
            .with_context(|| format!("cannot empty {}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_pass_wrote_is_read_back_and_a_cut_line_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let at = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut j = Journal::begin(&db, at).unwrap();
        j.handing_over(7).unwrap();
        j.handing_over(8).unwrap();
        j.accepted(7, None);
        j.accepted(8, Some(4242));
        j.handing_over(9).unwrap();
        drop(j);
        // A crash in the middle of a line.
        let mut f = OpenOptions::new().append(true).open(path_of(&db)).unwrap();
        f.write_all(b"a 1").unwrap();
        let w = read(&path_of(&db)).unwrap();
        assert_eq!(w.at, Some(at));
        assert_eq!(w.handed, HashSet::from([7, 8, 9]));
        assert_eq!(w.sent, HashMap::from([(7, None), (8, Some(4242))]));
        assert_eq!(read(&dir.path().join("none")).unwrap(), Written::default());
    }

    #[test]
    fn a_new_pass_starts_an_empty_journal_and_a_cleared_one_says_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let mut j = Journal::begin(&db, Utc::now()).unwrap();
        j.handing_over(1).unwrap();
        drop(j);
        let j = Journal::begin(&db, Utc::now()).unwrap();
        assert!(read(&path_of(&db)).unwrap().handed.is_empty());
        j.clear().unwrap();
        assert_eq!(read(&path_of(&db)).unwrap(), Written::default());
    }
}
