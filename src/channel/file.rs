//! The file channel: each message becomes `<outbox-id>-<stage>-<client>.eml` (email) or `.txt`
//! (Telegram) in a directory. The embedded default when no SMTP server is configured, and what
//! `demo` writes.
//!
//! Writes are atomic (a temporary file in the same directory, then a rename), so a reader never
//! sees half a message; a name that already exists counts as sent, so a re-run after a crash
//! writes nothing twice.
//!
//! One file per message, on purpose: this is the dry-run and test channel, and what a person
//! checks is "what would client C get": one `.eml` to open in a mail client, `grep`, or diff,
//! named by outbox id, stage and client. There is no `fsync`: a dry run does not need
//! durability, and the outbox row (committed after the write) is the record of what went out.
//! The file is written with plain blocking calls, not through `tokio::fs`: a few kilobytes to
//! a local directory take microseconds, less than the four thread hand-offs `tokio::fs` made
//! per message (existence check, directory, write, rename), which dominated a 20,000-message
//! tick. (Writing on `spawn_blocking` threads with four messages in flight, to overlap the
//! inode creation with the next message's building, was tried: no faster on two shared cores,
//! and more system time; not kept. So was one dedicated writer thread fed two groups at a time,
//! answering in batches: +0.5 s of user time per 20,000 messages (eight times the context
//! switches) and no shorter flush at a load of 6-10 (BENCHMARKS.md, `tick-files`).)

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Channel, ChannelError, SendContext, SendOutcome, email, smtp::outcome_of};
use crate::domain;
use crate::store::OutboxMessage;

/// Writes messages into a directory.
pub struct FileChannel {
    dir: PathBuf,
    /// Whether `dir` was created (once per channel, not once per message).
    dir_ready: AtomicBool,
}

impl FileChannel {
    /// A channel writing into `dir` (created on first use).
    pub fn new(dir: impl Into<PathBuf>) -> FileChannel {
        FileChannel {
            dir: dir.into(),
            dir_ready: AtomicBool::new(false),
        }
    }

    /// The directory written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message is written to.
    pub fn path_for(&self, msg: &OutboxMessage) -> PathBuf {
        let ext = match msg.message.channel {
            domain::Channel::Email => "eml",
            domain::Channel::Telegram => "txt",
        };
        self.dir.join(format!(
            "{}-{}-{}.{ext}",
            msg.id,
            safe(&msg.message.stage),
            safe(&msg.message.client_id)
        ))
    }

    /// The message's bytes, or `None` when its file already exists (a re-run: it counts as
    /// written).
    fn bytes(
        &self,
        msg: &OutboxMessage,
        ctx: SendContext<'_>,
    ) -> Result<Option<Vec<u8>>, ChannelError> {
        if self.path_for(msg).exists() {
            return Ok(None);
        }
        let bytes = match msg.message.channel {
            domain::Channel::Email => email::build_message(msg, ctx.business, ctx.now)?.formatted(),
            domain::Channel::Telegram => format!(
                "Para: {}\n\n{}\n",
                msg.message.recipients.join(", "),
                msg.message.body_text
            )
            .into_bytes(),
        };
        if !self.dir_ready.load(Ordering::Relaxed) {
            std::fs::create_dir_all(&self.dir).map_err(|source| ChannelError::Write {
                path: self.dir.clone(),
                source,
            })?;
            self.dir_ready.store(true, Ordering::Relaxed);
        }
        Ok(Some(bytes))
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ChannelError> {
    let write_err = |source| ChannelError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(write_err)?;
    std::fs::rename(&tmp, path).map_err(write_err)
}

/// A file-name-safe rendering of an id: letters, digits, `-`, `_` and `.` kept; others `_`.
fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Channel for FileChannel {
    fn name(&self) -> &'static str {
        "file"
    }

    fn kinds(&self) -> &[domain::Channel] {
        &[domain::Channel::Email, domain::Channel::Telegram]
    }

    /// Larger groups than the network channels: a write takes microseconds, so a commit per few
    /// messages would cost more than the writes, and after a crash the directory itself shows
    /// which of the `uncertain` messages were written.
    fn group_size(&self) -> usize {
        64
    }

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        let written = match self.bytes(msg, ctx) {
            Ok(None) => Ok(()),
            Ok(Some(bytes)) => write_atomically(&self.path_for(msg), &bytes),
            Err(e) => Err(e),
        };
        match written {
            Ok(()) => SendOutcome::Sent {
                telegram_message_id: None,
            },
            Err(e) => outcome_of(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(safe("C/1 ñ"), "C_1_ñ");
        assert_eq!(safe("../x"), ".._x");
    }
}
