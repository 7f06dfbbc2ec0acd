//! Reading replies: MIME parsing (here) and, later, the IMAP and Telegram watchers.

pub mod imap;
pub mod mime;
