//! The bot's immediate answers in chats (a greeting, `/facturas`, a receipt passed on to the
//! owner, a keyboard changed): stored with the update that asked for them, in its transaction,
//! and delivered apart from reading.
//!
//! - **Kept until delivered.** An answer is a row of `telegram_answers` until Telegram has it:
//!   a crash or a restart between the update's commit and the delivery delays the answer, it
//!   does not lose it. A row whose request was out when cobrador stopped may have been
//!   delivered: it is dropped, not sent twice (the outbox's rule for an answer lost on the way).
//! - **Each chat in its own turn.** A chat has at most one request out, its answers in order;
//!   chats go side by side, within the bot's [`Pacer`](crate::channel::telegram::pace::Pacer).
//!   So a client who typed twenty messages waits twenty seconds for the last answer, and nobody
//!   else waits for them.
//! - **429.** The answer is held until its `retry_after` ends (`not_before`), while the other
//!   chats' answers go on. A run that ends when nothing more may go (`tick`, `telegram poll
//!   --once`) first waits out one of up to [`WAIT_IN_PLACE_SECS`] in place (it holds only that
//!   chat), so that a short one does not leave the answer for the next run.
//! - **After the outbox.** An answer waits while an outbox message to its chat queued before
//!   it is due and unsent (an acknowledgement is queued in the outbox, in the update's
//!   transaction: «le pago el viernes» then «¿me manda la factura?» are answered «Anotado…»,
//!   then «Se lo he pasado…», in the client's order), for [`WAIT_FOR_OUTBOX`] at most. A run
//!   that ends when nothing more may go delivers again after its sends
//!   ([`crate::telegram::deliver_after_sends`]).
//! - **Not forever.** An answer that could not go within [`KEEP`] is dropped, with a warning:
//!   by then the client has stopped waiting for it (and an invoice list may have changed).
//!   What the client said was stored when the update was read, and the owner sees it.
//!
//! A button press is answered (`answerCallbackQuery`) by the poller at once, not here: it is
//! not a message in a chat, and the client's button spins until it comes.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use rusqlite::Connection;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::conversation::Action;
use crate::channel::telegram::api::{ApiError, Bot};
use crate::domain::Clock;
use crate::store::{Store, telegram::answers as rows};

/// How long an answer that cannot be delivered is kept.
pub const KEEP: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The longest `retry_after` waited out in place (it holds only the chat it is for); a longer
/// one leaves the answer for when it ends.
pub const WAIT_IN_PLACE_SECS: u64 = 5;

/// How long an answer waits for the outbox messages to its chat queued before it (an
/// «Anotado» before the answer to the client's next words): they go within seconds when the
/// channel is well; a channel down delays the answer this much, not more.
pub const WAIT_FOR_OUTBOX: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How often the daemon looks again at an answer waiting for the outbox.
const RECHECK: Duration = Duration::from_secs(1);

/// After a failure that may pass (the network, a 5xx), the answer is tried again this much later.
const AFTER_FAILURE: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// Queues `action` (not a button's answer) inside the update's transaction, to go after the
/// outbox messages up to `after_outbox` (those queued before the update).
pub fn queue(
    tx: &Connection,
    action: &Action,
    now: DateTime<Utc>,
    after_outbox: Option<i64>,
) -> Result<()> {
    let chat = turn_of(action).context("a button's answer is not queued")?;
    let json = serde_json::to_string(action).context("Failed to store a Telegram answer")?;
    rows::queue(tx, chat, &json, now, after_outbox)
}

/// Withdraws the date questions («¿Qué día pagará?» and its days) still waiting to go to
/// `chat`: the client has given the day since (tg28 T15: «le pago» and «el viernes» read in one
/// batch were answered «¿Qué día pagará?», then «Anotado»). Returns how many.
pub fn withdraw_date_questions(tx: &Connection, chat: i64) -> Result<usize> {
    let mut withdrawn = 0;
    for (id, json) in rows::waiting(tx, chat)? {
        if let Ok(Action::Send {
            markup: Some(markup),
            ..
        }) = serde_json::from_str::<Action>(&json)
            && crate::channel::telegram::buttons::is_date_picker(&markup)
        {
            rows::done(tx, id)?;
            withdrawn += 1;
        }
    }
    Ok(withdrawn)
}

/// The chat whose turn an action takes: a forward and the line announcing it go to the
/// owner's chat, one after the other, so they are in its turn (the client's follow-up is
/// queued once the forward is done). `None` for a button's answer.
fn turn_of(action: &Action) -> Option<i64> {
    match action {
        Action::Send { chat, .. } | Action::Edit { chat, .. } => Some(*chat),
        Action::Forward { to, .. } => Some(*to),
        Action::Answer { .. } => None,
    }
}

/// Until when [`deliver`] runs.
pub enum Until<'a> {
    /// Until nothing more may go now (`telegram poll --once`, `tick`): held answers stay for a
    /// later run.
    Idle,
    /// Until `stop` is cancelled (the daemon's poller), waking on `wake` (answers queued) and
    /// when a held answer may go.
    Stopped {
        /// Notified after answers are queued.
        wake: &'a Notify,
        /// Cancelled to stop: no new request starts; those out finish.
        stop: &'a CancellationToken,
    },
}

/// Delivers the queued answers (see the module doc), each at `clock()`. Every answer that
/// cannot be delivered is told to `warn`.
pub async fn deliver(
    bot: &Bot,
    store: &mut Store,
    clock: impl Fn() -> DateTime<Utc>,
    until: Until<'_>,
    warn: &mut (dyn FnMut(String) + Send),
) -> Result<()> {
    for chat in rows::drop_abandoned(store.conn())? {
        warn(format!(
            "an answer to chat {chat} was being sent when cobrador stopped: it may have \
             arrived, and is not sent again"
        ));
    }
    let (wake, stop, patience) = match until {
        Until::Idle => (None, None, WAIT_IN_PLACE_SECS),
        // The daemon waits for a 429 with the answer's `not_before`, not in place: nothing
        // marked out is waiting.
        Until::Stopped { wake, stop } => (Some(wake), Some(stop), 0),
    };
    let mut out = FuturesUnordered::new();
    let mut busy: Vec<i64> = Vec::new();
    loop {
        let now = clock();
        let stopping = stop.is_some_and(CancellationToken::is_cancelled);
        let mut next_turn: Option<Duration> = None;
        if !stopping {
            for chat in rows::drop_stale(store.conn(), now - KEEP)? {
                warn(format!(
                    "an answer to chat {chat} could not be delivered within {} minutes; dropped",
                    KEEP.num_minutes()
                ));
            }
            let turns = rows::due(store.conn(), now, &busy, now - WAIT_FOR_OUTBOX)?;
            // The daemon's sender sends the outbox message it waits for: looked at again soon.
            if turns.held && wake.is_some() {
                next_turn = Some(RECHECK);
            }
            for due in turns.due {
                // Marked out only when its request is about to be made: an answer waiting for
                // its chat's second is still queued if cobrador stops (or dies) meanwhile.
                let turn = bot.pacer().turn_in(due.chat);
                if !turn.is_zero() {
                    next_turn = Some(next_turn.map_or(turn, |t| t.min(turn)));
                    continue;
                }
                let action = match serde_json::from_str::<Action>(&due.action) {
                    Ok(action) => action,
                    Err(e) => {
                        rows::done(store.conn(), due.id)?;
                        warn(format!(
                            "an answer to chat {} is unreadable ({e}); dropped",
                            due.chat
                        ));
                        continue;
                    }
                };
                rows::started(store.conn(), due.id, now)?;
                busy.push(due.chat);
                let bot = bot.clone();
                out.push(async move {
                    let delivery = perform(&bot, &action, now, patience).await;
                    (due, delivery)
                });
            }
        }
        if out.is_empty() && (stopping || (stop.is_none() && next_turn.is_none())) {
            return Ok(());
        }
        let release = match (wake, stopping) {
            (Some(_), false) => rows::next_release(store.conn(), now)?,
            _ => None,
        };
        tokio::select! {
            Some((due, delivery)) = out.next() => {
                busy.retain(|c| *c != due.chat);
                record(store, &due, delivery, clock(), warn)?;
            }
            () = notified(wake), if !stopping => {}
            () = sleep_until(release, now), if release.is_some() => {}
            () = tokio::time::sleep(next_turn.unwrap_or_default()), if next_turn.is_some() => {}
            () = cancelled(stop), if !stopping => {}
        }
    }
}

/// The daemon's delivery, beside its poller: [`deliver`] on a connection of its own until
/// `stop`, started again after a pause if the database fails it.
pub async fn run(
    bot: Bot,
    database: std::path::PathBuf,
    clock: Clock,
    wake: Arc<Notify>,
    stop: CancellationToken,
) {
    let mut warn = |w: String| tracing::warn!("{w}");
    while !stop.is_cancelled() {
        let done = match Store::open_existing(&database) {
            Ok(mut store) => {
                let until = Until::Stopped {
                    wake: &wake,
                    stop: &stop,
                };
                deliver(&bot, &mut store, || clock.now(), until, &mut warn).await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            tracing::error!(
                error = format!("{e:#}"),
                "Cannot deliver the bot's answers; trying again."
            );
            tokio::select! {
                () = stop.cancelled() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            }
        }
    }
}

async fn notified(wake: Option<&Notify>) {
    match wake {
        Some(w) => w.notified().await,
        None => std::future::pending().await,
    }
}

async fn cancelled(stop: Option<&CancellationToken>) {
    match stop {
        Some(s) => s.cancelled().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<DateTime<Utc>>, now: DateTime<Utc>) {
    let Some(at) = at else {
        return std::future::pending().await;
    };
    tokio::time::sleep((at - now).to_std().unwrap_or_default()).await;
}

/// What one request came to, and what follows it (a forward's note to the client).
struct Delivery {
    result: Result<(), ApiError>,
    then: Vec<Action>,
    /// A client's file (chat, message) that did not reach the owner, for good.
    not_passed: Option<(i64, i64)>,
}

/// Records a delivery: the row forgotten, or held for a later try; what follows queued.
fn record(
    store: &mut Store,
    due: &rows::Due,
    delivery: Delivery,
    now: DateTime<Utc>,
    warn: &mut (dyn FnMut(String) + Send),
) -> Result<()> {
    let chat = due.chat;
    store.transaction(|tx| {
        // What follows an answer delivered waits for nothing more.
        for action in &delivery.then {
            queue(tx, action, now, None)?;
        }
        // Told apart: such a file is no proof of a payment the client then claims (see
        // `commands::sent_a_file_lately`).
        if let Some((from, message_id)) = delivery.not_passed
            && let Some(who) = super::conversation::linked(tx, from)?
        {
            crate::store::events::append(
                tx,
                now,
                crate::domain::Actor::Telegram,
                crate::domain::EventKind::TelegramAttachmentNotPassed,
                Some(&who.client.id),
                None,
                serde_json::json!({ "chat": from, "message_id": message_id }),
            )?;
        }
        match &delivery.result {
            Ok(()) => rows::done(tx, due.id),
            Err(e) if e.retry_after().is_some() => {
                let secs = e.retry_after().unwrap_or_default();
                tracing::info!(
                    chat,
                    secs,
                    "Telegram asked to wait before answering this chat; the answer waits."
                );
                let secs = i64::try_from(secs.min(86_400)).unwrap_or_default();
                rows::later(tx, due.id, now + chrono::TimeDelta::seconds(secs))
            }
            // As for the outbox: never sent twice blindly.
            Err(e) if e.maybe_delivered() => {
                warn(format!(
                    "cannot tell whether chat {chat} got its answer ({e}); not sent again"
                ));
                rows::done(tx, due.id)
            }
            Err(e) if e.is_transient() => {
                warn(format!(
                    "cannot answer chat {chat} now ({e}); trying again in {} s",
                    AFTER_FAILURE.num_seconds()
                ));
                rows::later(tx, due.id, now + AFTER_FAILURE)
            }
            Err(e) => {
                warn(format!("cannot answer chat {chat}: {e}"));
                rows::done(tx, due.id)
            }
        }
    })
}

/// Performs one answer at `now`, in its chat's turn, waiting out a 429 of up to `wait`
/// seconds in place.
async fn perform(bot: &Bot, action: &Action, now: DateTime<Utc>, wait: u64) -> Delivery {
    let pacer = bot.pacer();
    let done = |result: Result<(), ApiError>| Delivery {
        result,
        then: Vec::new(),
        not_passed: None,
    };
    match action {
        Action::Send { chat, html, markup } => done(
            pacer
                .send(*chat, now, wait, || {
                    bot.send_message(*chat, html, markup.clone())
                })
                .await
                .map(drop),
        ),
        Action::Edit {
            chat,
            message_id,
            markup,
        } => done(
            pacer
                .send(*chat, now, wait, || {
                    bot.edit_message_reply_markup(*chat, *message_id, markup.clone())
                })
                .await
                .map(drop)
                .or_else(|e| if e.is_unchanged() { Ok(()) } else { Err(e) }),
        ),
        Action::Forward {
            to,
            from,
            message_id,
            done: told,
            failed,
            failed_owner,
        } => {
            let forwarded = pacer
                .send(*to, now, wait, || {
                    bot.forward_message(*to, *from, *message_id)
                })
                .await;
            let say = |chat: i64, html: &str| Action::Send {
                chat,
                html: html.to_owned(),
                markup: None,
            };
            // The client is told only what happened: passed on, or to send it by email (once
            // it is clear that it will not go: a wait, or a failure that may pass, is tried
            // again first).
            let (then, not_passed) = match &forwarded {
                Ok(_) => (told.iter().map(|t| say(*from, t)).collect(), None),
                Err(e) if e.is_transient() || e.maybe_delivered() => (Vec::new(), None),
                Err(_) => (
                    vec![say(*from, failed), say(*to, failed_owner)],
                    Some((*from, *message_id)),
                ),
            };
            Delivery {
                result: forwarded.map(drop),
                then,
                not_passed,
            }
        }
        Action::Answer { id, text } => done(bot.answer_callback_query(id, text).await.map(drop)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_takes_its_chats_turn() {
        let send = Action::Send {
            chat: 7,
            html: "Hola".into(),
            markup: None,
        };
        let forward = Action::Forward {
            to: 9,
            from: 7,
            message_id: 3,
            done: None,
            failed: "x".into(),
            failed_owner: "y".into(),
        };
        let press = Action::Answer {
            id: "q".into(),
            text: String::new(),
        };
        assert_eq!(
            [&send, &forward, &press].map(turn_of),
            [Some(7), Some(9), None]
        );
        for action in [send, forward] {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
        }
    }
}
