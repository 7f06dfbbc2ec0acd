//! Reading updates: `getUpdates` from the stored offset, each update applied in its own
//! transaction together with its id, the new offset and the bot's answers to it, which
//! [`answers`] then delivers.
//!
//! A restart starts from the stored offset, so no update is lost; an update that arrives
//! again (the offset was not confirmed to Telegram before a crash) is recognised by its id
//! and not applied twice.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::answers;
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
    /// Answers queued for the chats (see [`answers`]).
    pub queued: usize,
    /// Immediate answers that could not be delivered (nothing was lost: effects are stored).
    pub warnings: Vec<String>,
}

impl PollReport {
    /// Adds what another batch did.
    fn absorb(&mut self, other: PollReport) {
        self.updates += other.updates;
        self.handled += other.handled;
        self.repeated += other.repeated;
        self.queued += other.queued;
        self.outcomes.extend(other.outcomes);
        self.warnings.extend(other.warnings);
    }

    /// Whether anything was applied (worth a planner pass and a flush).
    pub fn changed(&self) -> bool {
        self.handled > 0
    }
}

/// One pass without waiting: fetch what is pending, apply it, deliver the answers that may go
/// now (those held by a 429 stay queued for a later pass). For `telegram poll --once`, `tick`
/// and tests.
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
    let mut report = PollReport::default();
    loop {
        let offset = store::telegram::next_offset(store.conn())?;
        let polled = bot.get_updates(offset, 0).await;
        note_problem(store, polled.as_ref().err(), now);
        let updates = match polled {
            Ok(updates) => updates,
            Err(e) => {
                let fix = conflict_fix(&e);
                return Err(anyhow::Error::from(e)
                    .context(fix.unwrap_or("Failed to read Telegram updates (getUpdates)")));
            }
        };
        let batch = process(&bot, config, &renderer, store, &updates, now).await?;
        report.absorb(batch);
        // A full batch: more may be waiting.
        if updates.len() < BATCH || report.updates >= MAX_UPDATES_AT_ONCE {
            break;
        }
    }
    let mut warn = |w: String| report.warnings.push(w);
    answers::deliver(&bot, store, move || now, answers::Until::Idle, &mut warn).await?;
    Ok(report)
}

/// Delivers the answers still waiting after a run's sends (those that waited for an
/// acknowledgement in the outbox, see [`answers`]), without waiting: for `tick` and `telegram
/// poll --once`, which poll, then send. Returns the warnings.
pub async fn deliver_after_sends(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let Some(tg) = config.telegram.as_ref() else {
        return Ok(Vec::new());
    };
    if !store::telegram::answers::any_waiting(store.conn())? {
        return Ok(Vec::new());
    }
    let bot = Bot::from_config(tg)?;
    let mut warnings = Vec::new();
    let mut warn = |w: String| warnings.push(w);
    answers::deliver(&bot, store, move || now, answers::Until::Idle, &mut warn).await?;
    Ok(warnings)
}

/// How many updates `getUpdates` returns at most (its `limit`, 100 by default).
const BATCH: usize = 100;

/// How many updates [`poll_once`] reads in one call at most, in batches: the rest waits for
/// the next call.
const MAX_UPDATES_AT_ONCE: usize = 1_000;

/// Applies a batch of updates in order, each in its transaction with its answers queued (see
/// [`answers`]); a button press is answered at once, after its commit.
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
                // The answers come after what earlier updates queued in the outbox (an
                // «Anotado»), not after what this one queues (an owner's alert).
                let after = store::telegram::answers::last_outbox(tx)?;
                let h = conversation::handle(tx, &env, upd, received)?;
                store::telegram::record_update(
                    tx,
                    upd.update_id,
                    h.chat,
                    h.kind,
                    h.outcome.as_str(),
                    now,
                )?;
                for action in &h.actions {
                    if !matches!(action, Action::Answer { .. }) {
                        answers::queue(tx, action, now, after)?;
                        report.queued += 1;
                    }
                }
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
        for action in &h.actions {
            if let Action::Answer { id, text } = action {
                // Not a message in the chat, and the client's button spins until it comes: at
                // once, whatever the chats' turns.
                if let Err(e) = bot.answer_callback_query(id, text).await {
                    report
                        .warnings
                        .push(format!("cannot answer a button press: {e}"));
                }
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
    // The queue's order is the ids' order; a batch served out of order (tg27: [1007, 1006])
    // still has its newest as the highest id, not the last.
    let Some(newest) = updates.iter().map(|u| u.update_id).max() else {
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

/// Errors of `getUpdates` that last until someone changes something (a token Telegram refuses,
/// a webhook set, another program polling), in the owner's words: kept in the database for
/// the digest and `status` (a daemon that cannot read the clients' answers went on reminding
/// them, the owner told nothing).
fn lasting_problem(e: &ApiError) -> Option<&'static str> {
    let ApiError::Refused {
        code, description, ..
    } = e
    else {
        return None;
    };
    Some(match code {
        401 | 404 => {
            "Telegram no acepta el token del bot (revise token-env o token-file en la sección \
             [telegram]; `cobrador telegram me` lo comprueba): no se leen las respuestas de los \
             clientes por Telegram ni se les escribe por allí."
        }
        409 if description.to_lowercase().contains("webhook") => {
            "El bot tiene un webhook activo y Telegram no deja leer las respuestas de los \
             clientes; quítelo con `cobrador telegram delete-webhook`."
        }
        409 => {
            "Otro programa lee las actualizaciones de este bot (¿un segundo cobrador con el \
             mismo token?): las respuestas de los clientes por Telegram no llegan a cobrador."
        }
        _ => return None,
    })
}

/// Records (or clears, after a read that went through) the lasting problem of a read.
fn note_problem(store: &Store, error: Option<&ApiError>, now: DateTime<Utc>) {
    let problem = error.map(lasting_problem);
    // A transient error (network, 5xx) says nothing either way.
    if matches!(problem, Some(None)) {
        return;
    }
    let words = problem.flatten().map(|w| (w, now));
    if let Err(e) = store::telegram::set_problem(store.conn(), words) {
        tracing::warn!(
            error = format!("{e:#}"),
            "Cannot record the state of Telegram reads."
        );
    }
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

/// The long-polling loop of `cobrador run`. First it reads what waited while nobody polled
/// (`getUpdates` without waiting, until a batch is short) and then cancels `caught_up`: the
/// daemon's first pass waits for that, so that it plans from the clients' latest answers (a
/// dispute waiting at Telegram must stop the reminder that pass would send). Then it waits for
/// updates (`telegram.poll-timeout-secs`), applies them, calls `on_change` after applying
/// anything, backs off on errors (up to a minute), and returns promptly when `shutdown` is
/// cancelled. The answers go out beside it ([`answers::run`]), which finishes the requests
/// that are out before this returns.
pub async fn poll_loop(
    config: Arc<Config>,
    renderer: Arc<Renderer>,
    clock: Clock,
    shutdown: CancellationToken,
    caught_up: CancellationToken,
    on_change: impl Fn() + Send + Sync + 'static,
) -> Result<()> {
    let tg = config
        .telegram
        .as_ref()
        .context("there is no [telegram] section in the configuration")?;
    let bot = Bot::from_config(tg)?;
    let mut store = Store::open_existing(&config.database)?;
    let wake = Arc::new(Notify::new());
    let stop_delivery = shutdown.child_token();
    let delivery = tokio::spawn(answers::run(
        bot.clone(),
        config.database.clone(),
        clock,
        wake.clone(),
        stop_delivery.clone(),
    ));
    let read = async {
        let mut backoff = Duration::from_secs(1);
        let mut conflict_told = false;
        loop {
            let offset = store::telegram::next_offset(store.conn())?;
            let wait = if caught_up.is_cancelled() {
                tg.poll_timeout_secs.max(1)
            } else {
                0
            };
            let polled = tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                r = bot.get_updates(offset, wait) => r,
            };
            note_problem(&store, polled.as_ref().err(), clock.now());
            let updates = match polled {
                Ok(u) => {
                    backoff = Duration::from_secs(1);
                    u
                }
                Err(e) => {
                    // 409: a webhook is set on this bot (or another program polls it): nothing
                    // can be read until it is gone, whatever the wait. Said once, plainly, with
                    // the fix.
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
                caught_up.cancel();
                continue;
            }
            let report =
                match process(&bot, &config, &renderer, &mut store, &updates, clock.now()).await {
                    Ok(r) => r,
                    Err(e) => {
                        // Nothing of the failed update was committed: it is read again after a
                        // pause.
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
            if updates.len() < BATCH {
                caught_up.cancel();
            }
            for w in &report.warnings {
                tracing::warn!("{w}");
            }
            if report.queued > 0 {
                wake.notify_one();
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
    };
    let read: Result<()> = read.await;
    stop_delivery.cancel();
    if let Err(e) = delivery.await {
        tracing::error!(error = %e, "The delivery of the bot's answers failed.");
    }
    read
}
