//! Reading replies from an IMAP mailbox: one pass ([`check_once`]: new messages by UID, each
//! classified ([`crate::mail`]), matched and applied ([`crate::engine::apply`]) in one
//! transaction with the read-up-to mark) and the watcher the daemon supervises ([`watch`]:
//! IDLE when the server has it, polling otherwise, reconnecting with backoff). The connection
//! code ([`crate::channel::imap`]) is shared with the Sent mailbox.

pub mod check;
pub mod source;
pub mod watch;

pub use check::{InboxReport, check_once};
pub use watch::watch;
