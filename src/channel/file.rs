//! The file channel: each message becomes `<outbox-id>-<stage>-<client>.eml` (email) or `.txt`
//! (Telegram) in a directory. The embedded default when no SMTP server is configured, and what
//! `demo` writes.
//!
//! Writes are atomic (a temporary file in the same directory, then a rename), so a reader never
//! sees half a message; a name that already exists counts as sent, so a re-run after a crash
//! writes nothing twice.

use std::path::{Path, PathBuf};

use super::{Channel, ChannelError, SendContext, SendOutcome, email, smtp::outcome_of};
use crate::domain;
use crate::store::OutboxMessage;

/// Writes messages into a directory.
pub struct FileChannel {
    dir: PathBuf,
}

impl FileChannel {
    /// A channel writing into `dir` (created on first use).
    pub fn new(dir: impl Into<PathBuf>) -> FileChannel {
        FileChannel { dir: dir.into() }
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

    async fn write(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> Result<(), ChannelError> {
        let path = self.path_for(msg);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
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
        let write_err = |source| ChannelError::Write {
            path: path.clone(),
            source,
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|source| ChannelError::Write {
                path: self.dir.clone(),
                source,
            })?;
        let tmp = self.dir.join(format!(
            ".{}.tmp",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        tokio::fs::write(&tmp, &bytes).await.map_err(write_err)?;
        tokio::fs::rename(&tmp, &path).await.map_err(write_err)?;
        Ok(())
    }
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

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        match self.write(msg, ctx).await {
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
