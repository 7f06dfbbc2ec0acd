//! Channels: how an outbox message leaves the building.
//!
//! One trait, [`Channel`], with one job: hand one [`OutboxMessage`] to the outside world and say
//! what happened as a [`SendOutcome`]. Transient and permanent failures are different variants,
//! not strings to grep (Delta Chat's `Success | Retry | Failure`): the durable outbox loop in
//! [`crate::sender`] turns `Retry` into a backoff and `Failure` into a dead message the owner is
//! told about.
//!
//! - [`email`]: builds the MIME message (headers, threading, unsubscribe, attachment).
//! - [`smtp`]: sends it with lettre over a pooled, TLS-verified connection, always under a timeout.
//! - [`file`]: writes `.eml`/`.txt` files into a directory (the embedded default and the demo).
//! - [`telegram`]: the Bot API's `sendMessage`, with inline buttons, paced to Telegram's limits.
//! - [`imap_sent`]: the Sent mailbox, to resolve uncertain sends and keep a copy of what went out.

pub mod email;
pub mod file;
pub mod imap;
pub mod imap_sent;
pub mod registry;
pub mod smtp;
pub mod source;
pub mod telegram;

use std::future::Future;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::{Business, Config};
use crate::domain;
use crate::store::OutboxMessage;

pub use file::FileChannel;
pub use registry::{AnyChannel, Registry};
pub use smtp::SmtpChannel;
pub use source::{Source, SourceReport, WatchContext};
pub use telegram::TelegramChannel;

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted by the server (or written). Telegram returns the id of the message it created.
    Sent {
        /// Telegram's id of the delivered message, to match replies; `None` for email.
        telegram_message_id: Option<i64>,
    },
    /// A transient failure (4xx, connection refused, timeout): try again later.
    Retry(String),
    /// A transient failure with the server's own wait (Telegram's 429 `retry_after`, in
    /// seconds): tried again no sooner than that, whatever the backoff says.
    RetryAfter(String, u64),
    /// A permanent failure (5xx, invalid address, missing attachment): never retried.
    Failure(String),
    /// The recipient cannot be reached on this channel any more (a Telegram chat that blocked
    /// the bot or is gone; the contact already moved to email): never retried, and its stage
    /// free at once for the other channel.
    Unreachable(String),
    /// The whole message was handed over but no answer came (the connection closed or timed
    /// out after the final `.` of DATA): the server may have accepted it, so it is never resent
    /// blindly; the outbox marks it `uncertain`, resolved like a crash mid-send.
    Uncertain(String),
}

/// What a channel needs to know besides the message.
#[derive(Debug, Clone, Copy)]
pub struct SendContext<'a> {
    /// The creditor: From, Reply-To and the Message-ID domain.
    pub business: &'a Business,
    /// The instant of this send pass; the Date header.
    pub now: DateTime<Utc>,
}

/// A way out for outbox messages.
pub trait Channel: Send + Sync {
    /// A short name for logs and reports (`smtp`, `file`, `telegram`).
    fn name(&self) -> &'static str;

    /// The outbox channels (email, telegram) this channel delivers.
    fn kinds(&self) -> &[domain::Channel];

    /// How many sends may be in flight at once.
    fn concurrency(&self) -> usize {
        1
    }

    /// How many messages the sender claims `sending` per transaction (see [`crate::sender`]):
    /// a crash leaves up to about twice this many `uncertain`. Default: four per send in flight.
    fn group_size(&self) -> usize {
        self.concurrency() * 4
    }

    /// Hands one message over. Never panics and never hangs: every network call is bounded.
    fn send(
        &self,
        msg: &OutboxMessage,
        ctx: SendContext<'_>,
    ) -> impl Future<Output = SendOutcome> + Send;

    /// Closes open connections politely (SMTP: QUIT). Default: nothing to close.
    fn close(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// Errors of the channels, with messages that say what could not be done.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    /// The TCP/TLS connection or the SMTP greeting failed.
    #[error("cannot connect to SMTP server {server}: {detail}")]
    Connect {
        /// `host:port`.
        server: String,
        /// What went wrong.
        detail: String,
    },
    /// The whole message was written, then the server's answer was lost: it may have been
    /// accepted.
    #[error(
        "SMTP server {server} received the whole message but its answer was lost ({detail}): \
         it may have been delivered, so it is not sent again (see `outbox resolve`)"
    )]
    AnswerLost {
        /// `host:port`.
        server: String,
        /// What happened instead of the answer.
        detail: String,
    },
    /// The server did not answer in time.
    #[error("SMTP server {server} did not answer within {secs} s (email.smtp.timeout-secs)")]
    Timeout {
        /// `host:port`.
        server: String,
        /// The configured timeout.
        secs: u64,
    },
    /// The server refused our login.
    #[error(
        "SMTP server {server} refused the login: {reply} (check email.smtp.username and the password)"
    )]
    Auth {
        /// `host:port`.
        server: String,
        /// The server's answer.
        reply: String,
    },
    /// A 4xx answer: try later.
    #[error("SMTP server {server} deferred the message: {reply}")]
    Deferred {
        /// `host:port`.
        server: String,
        /// The server's answer.
        reply: String,
    },
    /// A 5xx answer: the message will never be accepted as it is.
    #[error("SMTP server {server} rejected the message: {reply}")]
    Rejected {
        /// `host:port`.
        server: String,
        /// The server's answer.
        reply: String,
    },
    /// An address that is not an email address.
    #[error("invalid email address {address:?} in {field}")]
    Address {
        /// Which field (`to`, `cc`, `business.email`).
        field: &'static str,
        /// The offending text.
        address: String,
    },
    /// The attachment named by the outbox row cannot be read.
    #[error("cannot read attachment {}: {source}", path.display())]
    Attachment {
        /// The path in the outbox row.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// lettre refused to build the message.
    #[error("cannot build the email: {0}")]
    Build(#[from] lettre::error::Error),
    /// The file channel could not write.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A setting is missing or wrong.
    #[error("{0}")]
    Config(String),
}

/// The email channel chosen by the configuration: SMTP when `[email.smtp]` is set, otherwise the
/// file channel writing into `email.outbox-dir`.
pub enum EmailOut {
    /// A real SMTP server.
    Smtp(Box<SmtpChannel>),
    /// `.eml` files in a directory.
    File(FileChannel),
}

impl EmailOut {
    /// Builds the channel the configuration asks for; errors name the setting to fix.
    pub fn from_config(config: &Config) -> anyhow::Result<EmailOut> {
        match &config.email.smtp {
            Some(smtp) => Ok(EmailOut::Smtp(Box::new(SmtpChannel::new(
                smtp,
                &config.business,
                config.email.imap.as_ref(),
            )?))),
            None => Ok(EmailOut::File(FileChannel::new(config.outbox_dir()))),
        }
    }
}

impl Channel for EmailOut {
    fn name(&self) -> &'static str {
        match self {
            EmailOut::Smtp(c) => c.name(),
            EmailOut::File(c) => c.name(),
        }
    }

    fn kinds(&self) -> &[domain::Channel] {
        match self {
            EmailOut::Smtp(c) => c.kinds(),
            EmailOut::File(c) => c.kinds(),
        }
    }

    fn concurrency(&self) -> usize {
        match self {
            EmailOut::Smtp(c) => c.concurrency(),
            EmailOut::File(c) => c.concurrency(),
        }
    }

    fn group_size(&self) -> usize {
        match self {
            EmailOut::Smtp(c) => c.group_size(),
            EmailOut::File(c) => c.group_size(),
        }
    }

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        match self {
            EmailOut::Smtp(c) => c.send(msg, ctx).await,
            EmailOut::File(c) => c.send(msg, ctx).await,
        }
    }

    async fn close(&self) {
        if let EmailOut::Smtp(c) = self {
            c.shutdown().await;
        }
    }
}
