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
    let updates = bot
        .get_updates(offset, 0)
        .await
        .context("Failed to read Telegram updates (getUpdates)")?;
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
        for action in h.actions {
            if let Err(e) = perform(bot, &action).await {
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

async fn perform(bot: &Bot, action: &Action) -> Result<()> {
    match action {
        Action::Send { chat, html, markup } => {
            bot.send_message(*chat, html, markup.clone())
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
            let forwarded = bot
                .forward_message(*to, *from, *message_id)
                .await
                .with_context(|| format!("cannot pass message {message_id} of chat {from} on"));
            // The client is told only what happened: passed on, or to send it by email.
            let to_client = match &forwarded {
                Ok(_) => done.as_deref(),
                Err(_) => Some(failed.as_str()),
            };
            if let Some(text) = to_client {
                bot.send_message(*from, text, None)
                    .await
                    .with_context(|| format!("cannot answer chat {from}"))?;
            }
            // The forward's failure is the one reported, with the owner's note's if that fails too.
            if let Err(e) = forwarded {
                return match bot.send_message(*to, failed_owner, None).await {
                    Ok(_) => Err(e),
                    Err(note) => Err(e.context(format!("nor could chat {to} be told: {note}"))),
                };
            }
        }
        Action::Answer { id, text } => {
            bot.answer_callback_query(id, text)
                .await
                .context("cannot answer a button press")?;
        }
        Action::Edit {
            chat,
            message_id,
            markup,
        } => {
            bot.edit_message_reply_markup(*chat, *message_id, markup.clone())
                .await
                .with_context(|| {
                    format!("cannot change the buttons of message {message_id} in chat {chat}")
                })?;
        }
    }
    Ok(())
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
                if matches!(e, ApiError::Refused { code: 409, .. }) && !conflict_told {
                    conflict_told = true;
                    tracing::error!(
                        error = %e,
                        "Telegram refuses getUpdates (409): a webhook is set on this bot, or another \
                         program reads its updates. Clients' answers cannot be read until it stops: \
                         delete the webhook (the Bot API's deleteWebhook) or stop the other program."
                    );
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
