//! The Telegram channel: an outbox message becomes one `sendMessage` (Telegram HTML, already
//! escaped by the renderer) with the inline buttons of its kind (see
//! [`buttons::for_stage`]).
//!
//! Telegram's limits are kept by the bot's [`pace::Pacer`], shared with the poller's immediate
//! answers: at most one message per second to a chat and thirty per second overall. A 429
//! holds its chat for its `retry_after`; a short one is waited out in place
//! (`telegram.max-retry-after-secs`), a longer one leaves the message for a later pass
//! (`RetryAfter`). A 403 (the user blocked the bot) is a permanent failure, and the chat is
//! marked unreachable in the database at once (the channel's own short connection): the
//! contact prefers email from then on, so when the sender releases the dead message's stage
//! the planner sends it by email (and Telegram again if the user unblocks the bot). A request
//! that went out but whose answer was lost may have been delivered: it is `Uncertain`, as an
//! email whose answer was lost, never a blind resend; the owner resolves it.

use std::path::PathBuf;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

pub mod api;
pub mod buttons;
mod http;
pub mod pace;
mod split;

use super::{Channel, SendContext, SendOutcome};
use crate::config::Config;
use crate::domain;
use crate::store::OutboxMessage;
use api::{ApiError, Bot};

/// Sends outbox messages through the Bot API.
pub struct TelegramChannel {
    bot: Bot,
    max_retry_after: u64,
    blocked: Mutex<Vec<i64>>,
    database: Option<PathBuf>,
}

impl TelegramChannel {
    /// The channel `[telegram]` describes; `None` without that section.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<TelegramChannel>> {
        let Some(tg) = &config.telegram else {
            return Ok(None);
        };
        let mut channel = TelegramChannel::new(Bot::from_config(tg)?, tg.max_retry_after_secs);
        channel.database = Some(config.database.clone());
        Ok(Some(channel))
    }

    /// A channel over `bot`, waiting out 429s of up to `max_retry_after` seconds in place.
    pub fn new(bot: Bot, max_retry_after: u64) -> TelegramChannel {
        TelegramChannel {
            bot,
            max_retry_after,
            blocked: Mutex::new(Vec::new()),
            database: None,
        }
    }

    /// The bot, for the poller and `telegram` commands.
    pub fn bot(&self) -> &Bot {
        &self.bot
    }

    /// Chats found blocked (403) since the last call (also marked unreachable in the database
    /// when the channel was built from a configuration).
    pub fn take_blocked(&self) -> Vec<i64> {
        self.blocked
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }

    async fn send_one(&self, chat: i64, msg: &OutboxMessage, now: DateTime<Utc>) -> SendOutcome {
        let markup = buttons::for_stage(&msg.message.stage, msg.id);
        // Too long for one message: several, the buttons under the last (see `split`).
        let parts = split::parts(&msg.message.body_text, split::LIMIT);
        let last = parts.len() - 1;
        let attempt = |chat: i64, k: usize| {
            let markup = markup.clone().filter(|_| k == last);
            let text = parts[k];
            async move {
                self.bot
                    .pacer()
                    .send(chat, now, self.max_retry_after, || {
                        self.bot.send_message(chat, text, markup.clone())
                    })
                    .await
            }
        };
        let mut sent = attempt(chat, 0).await;
        // The group became a supergroup: followed from now on, and this message sent there.
        let mut chat = chat;
        if let Some(to) = sent.as_ref().err().and_then(ApiError::migrated_to) {
            self.follow_migration(chat, to, now).await;
            chat = to;
            sent = attempt(to, 0).await;
        }
        if sent.is_ok() {
            for k in 1..=last {
                sent = attempt(chat, k).await;
                if let Err(e) = &sent {
                    return self.outcome_of(chat, e, k, parts.len());
                }
            }
        }
        let err = match sent {
            Ok(sent) => {
                return SendOutcome::Sent {
                    telegram_message_id: Some(sent.message_id),
                };
            }
            Err(e) => e,
        };
        if let Some(secs) = err.retry_after() {
            return SendOutcome::RetryAfter(format!("{err} (retry after {secs} s)"), secs);
        }
        if err.is_blocked() {
            return self.blocked(chat, &err, now).await;
        }
        self.outcome_of(chat, &err, 0, 1)
    }

    /// Telegram answered that group `from` is now supergroup `to`: recorded (the owner's
    /// messages follow it, see `store::telegram::owner_chat`), and the owner told there, once,
    /// to change `owner-chat-id`.
    async fn follow_migration(&self, from: i64, to: i64, now: DateTime<Utc>) {
        tracing::warn!(
            from,
            to,
            "The owner's Telegram group became a supergroup; following it: set telegram.owner-chat-id = {to}."
        );
        let Some(db) = self.database.clone() else {
            return;
        };
        let recorded = tokio::task::spawn_blocking(move || {
            let mut store = crate::store::Store::open_existing(&db)?;
            store.transaction(|tx| {
                crate::store::telegram::record_migration_event(
                    tx,
                    from,
                    to,
                    now,
                    domain::Actor::Sender,
                )
            })
        })
        .await;
        match recorded {
            Ok(Ok(true)) => {
                let note = migration_note(to);
                if let Err(e) = self.bot.send_message(to, &note, None).await {
                    tracing::warn!(to, error = %e, "Cannot tell the owner about the new group id.");
                }
            }
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::error!(
                from,
                to,
                error = format!("{e:#}"),
                "Cannot record a chat's migration."
            ),
            Err(e) => tracing::error!(from, to, error = %e, "Cannot record a chat's migration."),
        }
    }

    /// A 403: remember the chat, mark it unreachable (its contact falls back to email).
    async fn blocked(&self, chat: i64, err: &ApiError, now: DateTime<Utc>) -> SendOutcome {
        if let Ok(mut b) = self.blocked.lock() {
            b.push(chat);
        }
        if let Some(db) = self.database.clone() {
            let marked = tokio::task::spawn_blocking(move || {
                let mut store = crate::store::Store::open_existing(&db)?;
                crate::store::telegram::record_blocked(&mut store, &[chat], now)
            })
            .await;
            match marked {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(
                    chat,
                    error = format!("{e:#}"),
                    "Cannot mark a blocked chat unreachable."
                ),
                Err(e) => {
                    tracing::error!(chat, error = %e, "Cannot mark a blocked chat unreachable.")
                }
            }
        }
        SendOutcome::Unreachable(format!("chat {chat} is unreachable: {err}"))
    }

    /// The outcome of `err`, met sending part `k` (from 0) of a message in `of` parts.
    fn outcome_of(&self, chat: i64, err: &ApiError, k: usize, of: usize) -> SendOutcome {
        // Some parts went out: sent again, they would go twice; a person decides.
        if k > 0 {
            return SendOutcome::Uncertain(format!(
                "{err}: the message went in {of} parts (too long for one) and part {} failed; \
                 the first {k} reached chat {chat}. Not resent (check the chat, then \
                 `outbox resolve ID --sent` or `--requeue`)",
                k + 1
            ));
        }
        // As for email (RFC 1047): `uncertain`, never resent blindly, and never taken for a
        // failure of the chat (a dead message would move the client to email).
        if err.maybe_delivered() {
            return SendOutcome::Uncertain(format!(
                "{err}: the message may or may not have been delivered to chat {chat}; \
                 not resent (check the chat, then `outbox resolve ID --sent` or `--requeue`)"
            ));
        }
        if err.is_transient() {
            SendOutcome::Retry(err.to_string())
        } else {
            SendOutcome::Failure(err.to_string())
        }
    }
}

/// What the owner is told in the supergroup their group became.
pub fn migration_note(to: i64) -> String {
    format!(
        "Este grupo es ahora un supergrupo y Telegram le ha dado otro número: cobrador le \
         seguirá enviando los avisos aquí. Para que no dependa de esto, cambie en la \
         configuración <code>owner-chat-id = {to}</code> (sección [telegram])."
    )
}

impl Channel for TelegramChannel {
    fn name(&self) -> &'static str {
        "telegram"
    }

    fn kinds(&self) -> &[domain::Channel] {
        &[domain::Channel::Telegram]
    }

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        let mut chats = Vec::new();
        for r in &msg.message.recipients {
            match r.trim().parse::<i64>() {
                Ok(chat) => chats.push(chat),
                Err(_) => {
                    return SendOutcome::Failure(format!("{r:?} is not a Telegram chat id"));
                }
            }
        }
        let Some((&first, rest)) = chats.split_first() else {
            return SendOutcome::Failure("no Telegram chat to send to".into());
        };
        let outcome = self.send_one(first, msg, ctx.now).await;
        if matches!(outcome, SendOutcome::Sent { .. }) {
            // The first chat has it: the message counts as sent. Others are best effort.
            for &chat in rest {
                let other = self.send_one(chat, msg, ctx.now).await;
                if !matches!(other, SendOutcome::Sent { .. }) {
                    tracing::warn!(
                        chat,
                        outbox = msg.id,
                        ?other,
                        "Copy to a second chat failed."
                    );
                }
            }
        }
        outcome
    }
}
