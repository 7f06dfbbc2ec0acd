//! Telegram: the Bot API client, linking chats to clients, and reading their answers.
//!
//! - [`crate::channel::telegram::api`] (over its `http`): the Bot API methods cobrador calls,
//!   with the documented JSON; a small hand-written HTTP/1.1 client rather than teloxide: the
//!   outbox, not a library's retry loop, must decide what is resent after a 429 or a lost
//!   answer, and the update offset must live in our database, not in a dispatcher.
//! - [`link`]: one-time, expiring deep links (`https://t.me/<bot>?start=<token>`).
//! - [`crate::channel::telegram::buttons`]: the inline keyboards and their `callback_data`.
//! - [`conversation`], `commands` and `callbacks`: what each update does, inside its
//!   transaction;
//!   every answer goes through [`crate::understand`] and [`crate::engine::apply`].
//! - [`poll`]: `getUpdates` from the stored offset ([`poll_once`], [`poll_loop`]), new and
//!   edited messages alike.
//! - [`answers`]: the bot's immediate answers, kept in the database until delivered, each chat
//!   in its own turn, in the pace of the bot's [`crate::channel::telegram::pace::Pacer`]
//!   (shared with the outbox's sends).
//! - [`crate::engine::fallback`]: formal stages sent by Telegram also go by email.
//! - [`source`]: the inbox [`crate::channel::Source`] for Telegram.
//!
//! Sending reminders is the outbox's job: [`crate::channel::telegram::TelegramChannel`].

pub mod answers;
mod callbacks;
mod commands;
pub mod conversation;
pub mod link;
pub mod poll;
pub mod simulate;
pub mod source;

pub use poll::{PollReport, deliver_after_sends, poll_loop, poll_once};
