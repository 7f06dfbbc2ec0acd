//! The file channel: each message becomes `<outbox-id>-<stage>-<client>.eml` (email) or `.txt`
//! (Telegram) in a directory. The embedded default when no SMTP server is configured, and what
//! `demo` writes.
//!
//! Writes are atomic, so a reader never sees half a message, and a name that already exists
//! counts as sent, so a re-run after a crash writes nothing twice. On Linux the file is written
//! unnamed (`O_TMPFILE`) and then linked under its name (`linkat`, which never replaces an
//! existing name: `EEXIST` means a previous run wrote it): four system calls and one directory
//! entry per message. Elsewhere, or where the file system or a missing `/proc` refuses it, a
//! temporary file beside it is renamed into place after an existence check (six calls, three
//! directory entry changes); a 20,000-message tick spent 0.8 s of CPU in these calls, half of its
//! send time (`bench-flush5.md`).
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
    /// Whether unnamed files cannot be linked here (learnt at the first refusal): then every
    /// message takes the temporary-file-and-rename path.
    no_linking: AtomicBool,
    /// Whether the kernel links an unnamed file by its descriptor (until it refuses once).
    link_by_fd: AtomicBool,
}

impl FileChannel {
    /// A channel writing into `dir` (created on first use).
    pub fn new(dir: impl Into<PathBuf>) -> FileChannel {
        FileChannel {
            dir: dir.into(),
            dir_ready: AtomicBool::new(false),
            no_linking: AtomicBool::new(false),
            link_by_fd: AtomicBool::new(true),
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

    /// The message's bytes (and the directory created, the first time).
    fn bytes(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> Result<Vec<u8>, ChannelError> {
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
        Ok(bytes)
    }

    /// Writes a message's file unless it exists (then it counts as written).
    fn write(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> Result<(), ChannelError> {
        let path = self.path_for(msg);
        let mut built = None;
        if !self.no_linking.load(Ordering::Relaxed) {
            let bytes = self.bytes(msg, ctx)?;
            match write_linked(&self.dir, &path, &bytes, &self.link_by_fd) {
                Linked::Done => return Ok(()),
                Linked::Failed(source) => return Err(ChannelError::Write { path, source }),
                Linked::Unsupported => self.no_linking.store(true, Ordering::Relaxed),
            }
            built = Some(bytes);
        }
        if path.exists() {
            return Ok(());
        }
        let bytes = match built {
            Some(bytes) => bytes,
            None => self.bytes(msg, ctx)?,
        };
        write_renamed(&path, &bytes)
    }
}

/// What [`write_linked`] did.
enum Linked {
    /// The file is there: written now, or by an earlier run.
    Done,
    /// Writing failed.
    Failed(std::io::Error),
    /// This system or file system cannot write unnamed files and link them (nothing written).
    Unsupported,
}

/// Writes `bytes` as an unnamed file in `dir`, then gives it the name `path` unless that name
/// exists. Linux only; `Unsupported` elsewhere.
#[cfg(target_os = "linux")]
fn write_linked(dir: &Path, path: &Path, bytes: &[u8], by_fd: &AtomicBool) -> Linked {
    use std::ffi::CString;
    use std::io::Write;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;

    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .mode(0o666)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)
    {
        Ok(f) => f,
        // The kernel or the file system has no O_TMPFILE (older kernels: EISDIR or EINVAL).
        Err(e)
            if matches!(
                e.raw_os_error(),
                Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
            ) =>
        {
            return Linked::Unsupported;
        }
        Err(e) => return Linked::Failed(e),
    };
    if let Err(e) = file.write_all(bytes) {
        return Linked::Failed(e);
    }
    let Ok(to) = CString::new(path.as_os_str().as_bytes()) else {
        return Linked::Unsupported;
    };
    // The descriptor itself (AT_EMPTY_PATH) when the kernel lets us (Linux 6.10 and later for
    // a file we opened; before, only with CAP_DAC_READ_SEARCH: ENOENT), else its /proc name,
    // whose lookup cost as much as the link itself.
    if by_fd.load(Ordering::Relaxed) {
        // SAFETY: `c""` and `to` are valid NUL-terminated paths; `file` is open.
        let linked = unsafe {
            libc::linkat(
                file.as_raw_fd(),
                c"".as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_EMPTY_PATH,
            )
        };
        match (linked, std::io::Error::last_os_error().raw_os_error()) {
            (0, _) | (_, Some(libc::EEXIST)) => return Linked::Done,
            (_, Some(libc::ENOENT | libc::EPERM)) => by_fd.store(false, Ordering::Relaxed),
            _ => {}
        }
    }
    let Ok(from) = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())) else {
        return Linked::Unsupported;
    };
    // SAFETY: both are valid NUL-terminated paths that outlive the call; `file` is open.
    let linked = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if linked == 0 {
        return Linked::Done;
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        // Written by an earlier run: what a reader sees stays that file.
        Some(libc::EEXIST) => Linked::Done,
        // No /proc (a chroot, a container without it): the unnamed file goes with `file`.
        Some(libc::ENOENT) if std::fs::metadata(dir).is_ok() => Linked::Unsupported,
        _ => Linked::Failed(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn write_linked(_dir: &Path, _path: &Path, _bytes: &[u8], _by_fd: &AtomicBool) -> Linked {
    Linked::Unsupported
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, then a rename.
fn write_renamed(path: &Path, bytes: &[u8]) -> Result<(), ChannelError> {
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
        match self.write(msg, ctx) {
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

    /// Both ways of writing: a file with the message under its name, and a second send of the
    /// same message leaves the first file as it was (it counts as written).
    #[test]
    fn writes_once_linked_or_renamed() {
        let tmp = tempfile::tempdir().unwrap();
        let config =
            crate::config::Config::parse(crate::config::EXAMPLE, "config.example.toml").unwrap();
        let business = config.business;
        for (renamed, by_fd) in [(false, true), (false, false), (true, false)] {
            let channel = FileChannel::new(tmp.path().join(format!("out-{renamed}-{by_fd}")));
            channel.no_linking.store(renamed, Ordering::Relaxed);
            channel.link_by_fd.store(by_fd, Ordering::Relaxed);
            let mut msg = sample();
            let ctx = SendContext {
                business: &business,
                now: chrono::Utc::now(),
            };
            let path = channel.path_for(&msg);
            channel.write(&msg, ctx).unwrap();
            let first = std::fs::read(&path).unwrap();
            assert!(String::from_utf8_lossy(&first).contains("Hola"), "{path:?}");
            msg.message.body_text = "Otro texto".into();
            channel.write(&msg, ctx).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), first);
            let names: Vec<_> = std::fs::read_dir(channel.dir())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names.len(), 1, "{names:?}");
            #[cfg(target_os = "linux")]
            assert_eq!(channel.no_linking.load(Ordering::Relaxed), renamed);
        }
    }

    fn sample() -> OutboxMessage {
        OutboxMessage {
            id: 7,
            message: crate::store::NewOutboxMessage {
                dedup_key: "C1|early|1".into(),
                client_id: "C1".into(),
                stage: "early".into(),
                cycle: "1".into(),
                channel: domain::Channel::Telegram,
                recipients: vec!["12345".into()],
                cc: Vec::new(),
                subject: None,
                body_text: "Hola".into(),
                body_html: None,
                attachment: None,
                message_id: None,
                in_reply_to: None,
                references: None,
                send_at: chrono::Utc::now(),
                invoices: Vec::new(),
            },
            status: crate::store::OutboxStatus::Sending,
            attempts: 1,
            retry_at: None,
            last_error: None,
            sent_at: None,
            telegram_message_id: None,
        }
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(safe("C/1 ñ"), "C_1_ñ");
        assert_eq!(safe("../x"), ".._x");
    }
}
