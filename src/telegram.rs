//! Telegram: the Bot API client, linking chats to clients, and reading their answers.
//!
//! - [`api`] (over `http`): the Bot API methods cobrador calls, with the documented JSON;
//!   a small hand-written HTTP/1.1 client rather than teloxide: the outbox, not a library's
//!   retry loop, must decide what is resent after a 429 or a lost answer, and the update
//!   offset must live in our database, not in a dispatcher.
//! - [`link`]: one-time, expiring deep links (`https://t.me/<bot>?start=<token>`).
//! - [`buttons`]: the inline keyboards and their `callback_data`.
//! - [`conversation`], `commands` and `callbacks`: what each update does, inside its
//!   transaction;
//!   every answer goes through [`crate::understand`] and [`crate::engine::apply`].
//! - [`poll`]: `getUpdates` from the stored offset ([`poll_once`], [`poll_loop`]).
//! - [`fallback`]: formal stages sent by Telegram also go by email.
//! - [`source`]: Telegram as an inbox [`crate::channel::Source`] of the loop.
//!
//! Sending reminders is the outbox's job: [`crate::channel::telegram::TelegramChannel`].

pub mod api;
pub mod buttons;
mod callbacks;
mod commands;
pub mod conversation;
pub mod fallback;
mod http;
pub mod link;
pub mod poll;
pub mod simulate;
pub mod source;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::json;

pub use poll::{PollReport, poll_loop, poll_once};

use crate::store::{self, Store};

/// Marks chats found blocked while sending (403) as unreachable: their contacts fall back to
/// email, and an event records it for the owner.
pub fn record_blocked(store: &mut Store, chats: &[i64], now: DateTime<Utc>) -> Result<()> {
    if chats.is_empty() {
        return Ok(());
    }
    store.transaction(|tx| {
        for &chat in chats {
            for client in store::telegram::mark_unreachable(tx, chat, now)? {
                store::events::append(
                    tx,
                    now,
                    "sender",
                    "telegram.unreachable",
                    Some(&client),
                    None,
                    json!({ "chat": chat, "why": "the Bot API answered 403: the bot was blocked" }),
                )?;
            }
        }
        Ok(())
    })
}
