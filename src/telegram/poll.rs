//! Reading updates: `getUpdates` from the stored offset, each update applied in its own
//! transaction together with its id and the new offset, then the bot's immediate answers.
//!
//! A restart starts from the stored offset, so no update is lost; an update that arrives
//! again (the offset was not confirmed to Telegram before a crash) is recognised by its id
//! and not applied twice.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::conversation::{self, Action, Env};
use crate::channel::telegram::api::{ApiError, Bot, Update};
use crate::config::Config;
use crate::domain::Clock;
use crate::render::Renderer;
use crate::store::{self, Store};

/// What a poll did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    /// Updates received.
    pub updates: usize,
    /// Updates applied now (not seen before).
    pub handled: usize,
    /// Updates received again and skipped.
    pub repeated: usize,
    /// Outcomes, one per handled update (`linked`, `applied`, `refused`...).
    pub outcomes: Vec<String>,
    /// Immediate answers that could not be delivered (nothing was lost: effects are stored).
    pub warnings: Vec<String>,
}

impl PollReport {
    /// Whether anything was applied (worth a planner pass and a flush).
    pub fn changed(&self) -> bool {
        self.handled > 0
    }
}

/// One pass without waiting: fetch what is pending, apply it, answer. For `telegram poll
/// --once`, cron and tests.
pub async fn poll_once(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<PollReport> {
    let tg = config
        .telegram
        .as_ref()
        .context("there is no [telegram] section in the configuration")?;
    let bot = Bot::from_config(tg)?;
    let renderer = Renderer::new(config.templates_dir.as_deref())?;
    let offset = store::telegram::next_offset(store.conn())?;
    let updates = match bot.get_updates(offset, 0).await {
        Ok(updates) => updates,
        Err(e) => {
            let fix = conflict_fix(&e);
            return Err(anyhow::Error::from(e)
                .context(fix.unwrap_or("Failed to read Telegram updates (getUpdates)")));
        }
    };
    process(&bot, config, &renderer, store, &updates, now).await
}

/// Applies a batch of updates in order, then performs each one's answers.
pub async fn process(
    bot: &Bot,
    config: &Config,
    renderer: &Renderer,
    store: &mut Store,
    updates: &[Update],
    now: DateTime<Utc>,
) -> Result<PollReport> {
    let mut report = PollReport {
        updates: updates.len(),
        ..PollReport::default()
    };
    let env = Env { config, renderer };
    if !updates.is_empty() {
        store::telegram::prune_updates(store.conn(), now - chrono::Duration::days(30))?;
    }
    for upd in updates {
        let handled = store
            .transaction(|tx| {
                if store::telegram::update_seen(tx, upd.update_id)? {
                    store::telegram::advance_offset(tx, upd.update_id + 1)?;
                    return Ok(None);
                }
                // A message's own date when it is recent (within 36 h before the clock's now), else
                // the clock's now (a rehearsal's clock, an outage): see `domain::clock`.
                let received = crate::domain::received_at(upd.sent_at(), now);
                let h = conversation::handle(tx, &env, upd, received)?;
                store::telegram::record_update(
                    tx,
                    upd.update_id,
                    h.chat,
                    h.kind,
                    h.outcome.as_str(),
                    now,
                )?;
                Ok(Some(h))
            })
            .with_context(|| format!("Failed to apply Telegram update {}", upd.update_id))?;
        let Some(h) = handled else {
            report.repeated += 1;
            continue;
        };
        tracing::info!(
            update = upd.update_id,
            chat = h.chat,
            outcome = h.outcome.as_str(),
            "Telegram update applied."
        );
        report.handled += 1;
        report.outcomes.push(h.outcome.as_str().to_owned());
        let max_wait = config
            .telegram
            .as_ref()
            .map_or(0, |tg| tg.max_retry_after_secs)
            .min(ANSWER_MAX_WAIT_SECS);
        for action in h.actions {
            if let Err(e) = perform(bot, max_wait, &action).await {
                report.warnings.push(format!("{e:#}"));
            }
        }
    }
    follow_restarted_ids(store, updates)?;
    Ok(report)
}

/// Telegram numbers updates in sequence, but "if there are no new updates for at least a
/// week, then identifier of the next update will be chosen randomly" (Bot API, `getUpdates`);
/// a new bot token starts a sequence of its own too. When the newest update of a batch is
/// below the stored offset, the offset follows it back: else each `getUpdates` would ask for ids
/// "in the future", the server would serve its oldest update again without confirming
/// anything, and newer answers would never be read.
fn follow_restarted_ids(store: &Store, updates: &[Update]) -> Result<()> {
    // The queue's order is the ids' order: the last update is the newest.
    let Some(newest) = updates.last().map(|u| u.update_id) else {
        return Ok(());
    };
    let stored = store::telegram::next_offset(store.conn())?;
    if newest + 1 < stored {
        tracing::warn!(
            stored,
            newest,
            "Telegram's update ids started again lower (a week without updates, or another bot \
             token); following them."
        );
        store::telegram::set_offset(store.conn(), newest + 1)?;
    }
    Ok(())
}

/// What a 409 from `getUpdates` means and how to end it: a webhook set on the bot (the Bot
/// API's description says so), or another program reading the same bot's updates.
fn conflict_fix(e: &ApiError) -> Option<&'static str> {
    let ApiError::Refused {
        code: 409,
        description,
        ..
    } = e
    else {
        return None;
    };
    Some(if description.to_lowercase().contains("webhook") {
        "Telegram refuses getUpdates (409): a webhook is set on this bot, so the clients' \
         answers cannot be read. Remove it with `cobrador telegram delete-webhook` (the Bot \
         API's deleteWebhook); `cobrador telegram me` shows it."
    } else {
        "Telegram refuses getUpdates (409): another program reads this bot's updates (a second \
         cobrador, or another bot using the same token). The clients' answers cannot be read \
         until it stops; `cobrador telegram me` shows whether a webhook is set."
    })
}

/// The longest `retry_after` an immediate answer waits out in place (also at most
/// `telegram.max-retry-after-secs`): the poller reads nothing while it waits, so a longer one
/// loses that courtesy (a warning) rather than holding up every chat's answers.
const ANSWER_MAX_WAIT_SECS: u64 = 5;

/// Performs one immediate answer. Messages to a chat (sends, forwards, edits) go through the
/// bot's [`Pacer`](crate::channel::telegram::pace::Pacer), as the outbox's do: a second
/// apart in a chat, and a short 429 waited out once.
async fn perform(bot: &Bot, max_wait: u64, action: &Action) -> Result<()> {
    let pacer = bot.pacer();
    match action {
        Action::Send { chat, html, markup } => {
            send_paced(bot, max_wait, *chat, html, markup.clone())
                .await
                .with_context(|| format!("cannot answer chat {chat}"))?;
        }
        Action::Forward {
            to,
            from,
            message_id,
            done,
            failed,
            failed_owner,
        } => {
            let forwarded = pacer
                .send(*to, max_wait, || {
                    bot.forward_message(*to, *from, *message_id)
                })
                .await
                .with_context(|| format!("cannot pass message {message_id} of chat {from} on"));
            // The client is told only what happened: passed on, or to send it by email.
            let to_client = match &forwarded {
                Ok(_) => done.as_deref(),
                Err(_) => Some(failed.as_str()),
            };
            if let Some(text) = to_client {
                send_paced(bot, max_wait, *from, text, None)
                    .await
                    .with_context(|| format!("cannot answer chat {from}"))?;
            }
            // The forward's failure is the one reported, with the owner's note's if that fails too.
            if let Err(e) = forwarded {
                return match send_paced(bot, max_wait, *to, failed_owner, None).await {
                    Ok(_) => Err(e),
                    Err(note) => Err(e.context(format!("nor could chat {to} be told: {note}"))),
                };
            }
        }
        Action::Answer { id, text } => {
            // Not a message in the chat, and the client's button spins until it comes: at once.
            bot.answer_callback_query(id, text)
                .await
                .context("cannot answer a button press")?;
        }
        Action::Edit {
            chat,
            message_id,
            markup,
        } => {
            pacer
                .send(*chat, max_wait, || {
                    bot.edit_message_reply_markup(*chat, *message_id, markup.clone())
                })
                .await
                .with_context(|| {
                    format!("cannot change the buttons of message {message_id} in chat {chat}")
                })?;
        }
    }
    Ok(())
}

async fn send_paced(
    bot: &Bot,
    max_wait: u64,
    chat: i64,
    html: &str,
    markup: Option<Value>,
) -> Result<(), ApiError> {
    bot.pacer()
        .send(chat, max_wait, || {
            bot.send_message(chat, html, markup.clone())
        })
        .await
        .map(drop)
}

/// The long-polling loop of `cobrador run`: waits for updates (`telegram.poll-timeout-secs`),
/// applies them, calls `on_change` after applying anything, backs off on errors (up to a
/// minute), and returns promptly when `shutdown` is cancelled.
pub async fn poll_loop(
    config: Arc<Config>,
    renderer: Arc<Renderer>,
    clock: Clock,
    shutdown: CancellationToken,
    on_change: impl Fn() + Send + Sync + 'static,
) -> Result<()> {
    let tg = config
        .telegram
        .as_ref()
        .context("there is no [telegram] section in the configuration")?;
    let bot = Bot::from_config(tg)?;
    let mut store = Store::open_existing(&config.database)?;
    let mut backoff = Duration::from_secs(1);
    let mut conflict_told = false;
    loop {
        let offset = store::telegram::next_offset(store.conn())?;
        let polled = tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            r = bot.get_updates(offset, tg.poll_timeout_secs.max(1)) => r,
        };
        let updates = match polled {
            Ok(u) => {
                backoff = Duration::from_secs(1);
                u
            }
            Err(e) => {
                // 409: a webhook is set on this bot (or another program polls it): nothing can
                // be read until it is gone, whatever the wait. Said once, plainly, with the fix.
                if let Some(fix) = conflict_fix(&e)
                    && !conflict_told
                {
                    conflict_told = true;
                    tracing::error!(error = %e, "{fix}");
                }
                tracing::warn!(error = %e, wait_secs = backoff.as_secs(), "Telegram getUpdates failed; retrying.");
                let wait = e
                    .retry_after()
                    .map(Duration::from_secs)
                    .unwrap_or(backoff)
                    .max(backoff);
                tokio::select! {
                    _ = shutdown.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(wait) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(60));
                continue;
            }
        };
        if updates.is_empty() {
            continue;
        }
        let report =
            match process(&bot, &config, &renderer, &mut store, &updates, clock.now()).await {
                Ok(r) => r,
                Err(e) => {
                    // Nothing of the failed update was committed: it is read again after a pause.
                    tracing::error!(
                        error = format!("{e:#}"),
                        "Cannot apply Telegram updates; retrying."
                    );
                    tokio::select! {
                        _ = shutdown.cancelled() => return Ok(()),
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(60));
                    continue;
                }
            };
        for w in &report.warnings {
            tracing::warn!("{w}");
        }
        if report.changed() {
            on_change();
        } else {
            // Only updates seen before: a pause, not a tight loop, whatever the server does.
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}
