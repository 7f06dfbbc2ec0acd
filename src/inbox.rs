//! Reading replies: IMAP (shared with the Sent mailbox), MIME parsing, classification
//! (bounce / auto-reply / reply), quote and signature trimming.

pub mod bounce;
pub mod check;
pub mod classify;
pub mod html;
pub mod imap;
pub mod matcher;
pub mod mime;
pub mod trim;
pub mod watch;

pub use check::{InboxReport, check_once};
pub use watch::watch;
