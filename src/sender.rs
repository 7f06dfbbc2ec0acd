//! The durable outbox loop: hands due messages to a channel without ever sending one twice.
//!
//! One pass ([`flush`]):
//! 1. **Recover**: rows left `sending` by a crash are settled with the interrupted pass's
//!    hand-over journal ([`journal`]): accepted → `sent`; never handed over → due again; handed
//!    over with no answer → `uncertain` (an `outbox.uncertain` event each; `outbox list --status
//!    uncertain` and `status` show them). Those may or may not have gone out, so they are never
//!    resent blindly: the Sent mailbox ([`resolve_from_sent`]) or a person (`outbox resolve ID
//!    --sent|--requeue`) decides. Dead messages whose hold is over
//!    release their stage (see [`outbox::release_dead`]) so that the planner tries it again.
//! 2. **Contact window**: a due client message outside the client's days, hours or holidays
//!    is moved to the next allowed moment without an attempt ([`windows`]).
//! 3. **Send**: due rows are claimed in groups ([`Channel::group_size`], at most
//!    [`FlushOptions::batch`]; four per SMTP session): one transaction
//!    commits the claim `sending` (and gives email rows their Message-ID) *before* any of
//!    them is handed over. With a database file, claims run [`GROUPS_AHEAD`] groups ahead of
//!    the sends and are tried when fewer than half of those are left, without waiting for the
//!    write lock (a large pass's queueing holds it ~17 ms per group of 512): the sessions go on
//!    with what is claimed, and the claim waits only when nothing is. Each message is written to
//!    the journal as it is handed over and again once accepted. Then the outcomes are committed,
//!    again in groups: with the next claim, or alone when a group's worth are in, 50 ms after
//!    the last commit, when the pass stops, or at its end: `sent`;
//!    `failed` with a retry instant (exponential backoff with jitter, see [`retry_delay`], moved
//!    into the contact window); `uncertain` when the server went silent after the whole message
//!    was written (it may have accepted it: never resent blindly); or `dead` (a permanent
//!    failure, or still failing `retry_for` after the first attempt, like an MTA's queue
//!    lifetime; an `outbox.dead` event tells the owner). A dead message never counts as sent:
//!    its stage is planned again after `stage_retry_after`, or the owner requeues it
//!    (`outbox requeue ID`).
//!
//!    **Withdrawn**: a message the planner planned from the book (`planned_after_event`) is
//!    not sent if anyone other than the planner and the sender recorded something for its
//!    client since that may change what it says (`EventKind::changes_a_planned_message`: a
//!    payment, a dispute, a promise, a plan, a hold, a stop, an edit; every such change appends
//!    an audit event naming the client). It is `cancelled` in the claim's transaction, with
//!    an `outbox.cancelled` event, and the planner plans its stage again from what is true now
//!    (under a new key). This is what keeps a retry after an outage, or a message postponed to
//!    the contact window, from asking for an invoice paid or disputed meanwhile. An
//!    acknowledgement of a promise is withdrawn the same way once its promise is settled or its
//!    day is past in the client's time zone («¿Confirmamos el viernes 13?» never goes out on
//!    the 30th).
//! 4. **Stop early** on the first transient failure: the server is unwell, and trying every
//!    other message would only wait out one timeout each. Claimed messages not handed over yet
//!    go back to `queued` (or `failed`) as they were; the rest are still due next pass.
//!
//! Why groups: with one commit per state change (two per message) a flush of 20,000 messages
//! used 4.4 s of CPU; with groups (and a single-threaded pass) 1.3 s, and the SMTP round trips
//! are what is left to wait for (bench/smtp.sh, BENCHMARKS.md "Sending at scale"). Groups used
//! to have a price, the size of what a crash left undecided (every claimed message became
//! `uncertain`, handed over or not); the journal makes it the messages in flight (measured by
//! tests/crash.rs with `pool-size` 2: 9 uncertain per kill before, 2 now). Exactly-once holds
//! either way: an outcome is never committed before the channel reported it, `sending` always
//! is, and a message is journalled before it is handed over.
//!
//! Store access is synchronous and short (one transaction per group); no transaction is ever
//! held across an `.await`.

use std::collections::VecDeque;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::channel::imap_sent::SentMailbox;
use crate::channel::{Channel, Registry, SendContext, SendOutcome, email};
use crate::config::{Business, Config};
use crate::domain;
use crate::domain::{Actor, EventKind};
use crate::store::{OutboxMessage, OutboxStatus, Store, events, outbox};

pub mod journal;
pub mod resolve;
pub mod windows;

pub use resolve::{requeue_dead, resolve_by_person, resolve_from_sent};
pub use windows::ContactWindows;

/// Who writes the events of this module.
const ACTOR: Actor = Actor::Sender;

/// The longest a finished send's outcome waits in memory for its group commit.
const GROUP_WINDOW: std::time::Duration = std::time::Duration::from_millis(50);

/// Tuning of a pass.
#[derive(Debug, Clone)]
pub struct FlushOptions {
    /// Messages claimed per transaction, and outcomes committed per transaction (group
    /// commits; see the module documentation).
    pub batch: usize,
    /// Delay before the first retry; doubled at each further attempt.
    pub first_retry: Duration,
    /// The longest delay between two attempts.
    pub max_retry: Duration,
    /// Cancelled to stop taking new sends (the daemon is stopping); in-flight sends finish.
    pub stop: CancellationToken,
    /// How long after its first attempt a message that keeps failing transiently is retried
    /// before it is given up (dead). Bounded by time, not by a count of attempts.
    pub retry_for: Duration,
    /// How long a dead message holds its stage before the planner may queue it again.
    pub stage_retry_after: Duration,
    /// The clients' contact windows; `None` sends whenever due ([`flush_configured`] always
    /// loads them).
    pub windows: Option<ContactWindows>,
    /// Look for uncertain messages in the Sent mailbox after sending (when one is configured).
    /// Off for the flushes a pass makes while it queues (`daemon::queue_and_send`): its last
    /// flush looks, once, not one IMAP session per group.
    pub resolve_from_sent: bool,
}

impl Default for FlushOptions {
    /// 1 min, 2, 4 ... capped at 6 h, for 4 days (`limits.retry-for-hours`); the stage of a
    /// dead message is tried again after 24 h.
    fn default() -> Self {
        let limits = crate::config::Limits::default();
        FlushOptions {
            batch: 100,
            first_retry: Duration::minutes(1),
            max_retry: Duration::hours(6),
            stop: CancellationToken::new(),
            retry_for: Duration::hours(limits.retry_for_hours.into()),
            stage_retry_after: Duration::hours(limits.retry_stage_after_hours.into()),
            windows: None,
            resolve_from_sent: true,
        }
    }
}

impl FlushOptions {
    /// The defaults with the configuration's `[limits]`.
    pub fn for_config(config: &Config) -> FlushOptions {
        FlushOptions {
            retry_for: Duration::hours(config.limits.retry_for_hours.into()),
            stage_retry_after: Duration::hours(config.limits.retry_stage_after_hours.into()),
            ..FlushOptions::default()
        }
    }
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FlushReport {
    /// Rows found `sending` (interrupted by a crash) and made `uncertain`.
    pub recovered_uncertain: usize,
    /// Accepted by the server.
    pub sent: usize,
    /// Failed transiently; will be retried.
    pub retry: usize,
    /// Failed permanently (or for too long); the owner is told.
    pub dead: usize,
    /// The server went silent after the whole message was written: it may have accepted it.
    pub uncertain: usize,
    /// Due, but outside the client's contact window: moved to the next allowed moment.
    pub postponed: usize,
    /// Dead messages whose stage was released for the planner to try again.
    pub released: usize,
    /// Withdrawn before sending: something was recorded for the client after the message was
    /// planned (a payment, a dispute...); the planner plans the stage again.
    pub cancelled: usize,
    /// The earliest retry of a failed message, when there is one.
    pub next_retry: Option<DateTime<Utc>>,
    /// Taken by another process between reading and sending.
    pub skipped: usize,
    /// Uncertain rows found in the Sent mailbox and marked sent.
    pub resolved_from_sent: usize,
    /// Why the pass stopped early, if it did.
    pub stopped: Option<String>,
    /// Problems that did not stop the pass (e.g. the Sent mailbox could not be read).
    pub warnings: Vec<String>,
}

/// The delay before attempt `attempts + 1`: `first_retry * 2^(attempts-1)`, capped at
/// `max_retry`, with ±20 % jitter so that many failed messages do not retry in lockstep.
pub fn retry_delay(attempts: i64, opts: &FlushOptions) -> Duration {
    let max = opts.max_retry.num_seconds().max(1);
    let exp = u32::try_from((attempts - 1).clamp(0, 40)).unwrap_or(40);
    let base = opts
        .first_retry
        .num_seconds()
        .max(1)
        .saturating_mul(2i64.saturating_pow(exp))
        .min(max);
    let spread = base / 5;
    let jitter = if spread > 0 {
        fastrand::i64(-spread..=spread)
    } else {
        0
    };
    Duration::seconds((base + jitter).clamp(1, max))
}

/// Step 1 of a pass: every `sending` row left by an interrupted pass is settled with what that
/// pass's hand-over journal says ([`journal`]): accepted by the channel → `sent` (at that
/// pass's clock); never handed over → due again, as it was; handed over with no outcome, or
/// no journal to tell → `uncertain`, with an event each. Returns the uncertain ones' ids.
pub fn recover(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<i64>> {
    // Looked at first without the write lock: a pass that sends while it queues flushes after
    // every group, and the queueing holds the lock about half of its time (see `store::busy`).
    if !outbox::any_with_status(store.conn(), OutboxStatus::Sending)? {
        return Ok(Vec::new());
    }
    let written = match store.file_path() {
        Some(db) => journal::read(&journal::path_of(&db))?,
        None => journal::Written::default(),
    };
    store.transaction(|tx| {
        let rows = outbox::with_status(tx, OutboxStatus::Sending)?;
        let mut uncertain = Vec::new();
        for m in &rows {
            if let (Some(telegram), Some(at)) = (written.sent.get(&m.id), written.at) {
                outbox::mark_sent(tx, m.id, at, *telegram)?;
                tracing::info!(outbox_id = m.id, "Accepted before the interruption: sent.");
                continue;
            }
            // The journal began before the claim (`flush`): a row it does not name was claimed
            // and never handed over.
            if written.at.is_some() && !written.handed.contains(&m.id) {
                outbox::unclaim_interrupted(tx, m.id)?;
                tracing::info!(outbox_id = m.id, "Claimed, never handed over: due again.");
                continue;
            }
            outbox::mark_interrupted(tx, m.id)?;
            events::append(
                tx,
                now,
                ACTOR,
                EventKind::OutboxUncertain,
                Some(&m.message.client_id),
                None,
                json!({
                    "outbox_id": m.id, "stage": m.message.stage,
                    "message_id": m.message.message_id,
                    "why": "interrupted while sending: it may or may not have been delivered",
                }),
            )?;
            uncertain.push(m.id);
        }
        Ok(uncertain)
    })
}

/// Groups claimed ahead of the sends when the pass keeps a hand-over journal ([`journal`]):
/// enough to go on sending while the queueing of a large pass holds the write lock.
const GROUPS_AHEAD: usize = 16;

/// One pass: recover, then hand every due message on the channel's kinds to `channel`, up to
/// `channel.concurrency()` at a time. `now` is the pass's clock (due times, Date header, sent_at).
pub async fn flush<C: Channel + ?Sized>(
    store: &mut Store,
    channel: &C,
    business: &Business,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<FlushReport> {
    // Recovery turns `sending` rows into `uncertain`, which is only right when no other process
    // is in the middle of sending them: callers hold the database's `daemon::InstanceLock`
    // (`run`, `tick` and `outbox flush` take it).
    let mut report = FlushReport {
        recovered_uncertain: recover(store, now)?.len(),
        released: release(store, now)?.len(),
        ..FlushReport::default()
    };
    let kinds = channel.kinds().to_vec();
    let concurrency = channel.concurrency().max(1);
    let group = opts.batch.min(channel.group_size()).max(1);
    let domain = email::domain_of(&business.email).to_owned();
    let ctx = SendContext { business, now };
    // With a journal (a database file), claims run `GROUPS_AHEAD` groups ahead of the sends and
    // take the write lock when it is free; they wait for it only with nothing left to send.
    // Without one (in memory), a group is claimed when the last one is handed over.
    let mut journal = store
        .file_path()
        .map(|db| journal::Journal::begin(&db, now))
        .transpose()?;
    let (ahead, refill_below) = match journal {
        Some(_) => (group * GROUPS_AHEAD, group * GROUPS_AHEAD / 2),
        None => (group, 1),
    };
    // The pass's clock does not move and the instance lock keeps other senders out: the due
    // rows are listed once. (A pass that queues while it sends commits more rows meanwhile;
    // it flushes again after each group and at its end: `daemon::queue_and_send`.)
    let mut due = outbox::due_ids_on(store.conn(), now, &kinds)?.into_iter();
    let mut fetched: Vec<OutboxMessage> = Vec::new();
    let mut claimed: VecDeque<OutboxMessage> = VecDeque::new();
    let mut done: Vec<(OutboxMessage, SendOutcome)> = Vec::new();
    let mut last_commit = Instant::now();
    let mut in_flight = FuturesUnordered::new();
    // Outcomes alone (no claim with them): a full group, a stop, the end of the pass.
    let record_done = |store: &mut Store, done: &mut Vec<_>, wait, report: &mut FlushReport| {
        commit(
            store,
            done,
            &mut Vec::new(),
            wait,
            &domain,
            now,
            opts,
            report,
        )
        .map(|c| c.is_some())
    };
    loop {
        if opts.stop.is_cancelled() {
            report
                .stopped
                .get_or_insert_with(|| "shutting down".to_owned());
        }
        while report.stopped.is_none() && claimed.len() < refill_below {
            if fetched.is_empty() {
                let ids: Vec<i64> = due.by_ref().take(ahead - claimed.len()).collect();
                if ids.is_empty() {
                    break;
                }
                fetched = outbox::get_many(store.conn(), &ids)?;
            }
            // The finished sends' outcomes go in the same transaction as the next claim.
            let wait = claimed.is_empty();
            let more = commit(
                store,
                &mut done,
                &mut fetched,
                wait,
                &domain,
                now,
                opts,
                &mut report,
            )?;
            let Some(more) = more else {
                break; // The lock is taken: tried again after the next send.
            };
            claimed.extend(more);
            last_commit = Instant::now();
        }
        while report.stopped.is_none() && in_flight.len() < concurrency {
            let Some(msg) = claimed.pop_front() else {
                break;
            };
            if let Some(journal) = journal.as_mut() {
                journal.handing_over(msg.id)?;
            }
            in_flight.push(async move {
                let outcome = channel.send(&msg, ctx).await;
                (msg, outcome)
            });
        }
        let Some((msg, outcome)) = in_flight.next().await else {
            break;
        };
        // The server is unwell: stop handing over (in-flight sends finish). Not for a wait
        // asked for one chat (Telegram's 429 holds that chat only, see `Pacer`).
        if let SendOutcome::Retry(why) | SendOutcome::Uncertain(why) = &outcome {
            report.stopped.get_or_insert_with(|| why.clone());
        }
        if let Some(journal) = journal.as_mut() {
            if let SendOutcome::Sent {
                telegram_message_id,
            } = &outcome
            {
                journal.accepted(msg.id, *telegram_message_id);
            }
            // Written with the next hand-over's line; at once when none comes next.
            if claimed.is_empty() {
                journal.write_pending()?;
            }
        }
        done.push((msg, outcome));
        let idle = in_flight.is_empty() && claimed.is_empty();
        // With a claim due next (at the top of the loop, right away), these outcomes go with
        // it: one transaction, not two.
        let claim_next = claimed.len() < refill_below
            && !(fetched.is_empty() && due.as_slice().is_empty())
            && report.stopped.is_none();
        if (idle && report.stopped.is_some())
            || (!claim_next && (done.len() >= group || last_commit.elapsed() >= GROUP_WINDOW))
        {
            // With a journal the outcomes are safe there: they wait for a free lock.
            let wait = idle || journal.is_none();
            if record_done(store, &mut done, wait, &mut report)? {
                last_commit = Instant::now();
            }
        }
    }
    record_done(store, &mut done, true, &mut report)?;
    // Claimed but never handed over (the pass stopped): due again, as they were.
    if !claimed.is_empty() {
        store.transaction(|tx| {
            claimed
                .iter()
                .try_for_each(|m| outbox::unclaim(tx, m.id, m.status))
        })?;
    }
    // Every outcome is committed: what the journal says is in the database.
    if let Some(journal) = journal {
        journal.clear()?;
    }
    report.next_retry = outbox::next_retry(store.conn())?;
    Ok(report)
}

/// Releases the stage of dead messages whose hold is over, with an event each.
pub fn release(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<i64>> {
    // As in `recover`: no write transaction when there is nothing to release.
    if !outbox::any_dead_to_release(store.conn(), now)? {
        return Ok(Vec::new());
    }
    store.transaction(|tx| {
        let ids = outbox::release_dead(tx, now)?;
        for id in &ids {
            let client = outbox::get(tx, *id)?.map(|m| m.message.client_id);
            events::append(
                tx,
                now,
                ACTOR,
                EventKind::OutboxStageReleased,
                client.as_deref(),
                None,
                json!({"outbox_id": id, "why": "dead: its stage may be planned again"}),
            )?;
        }
        Ok(ids)
    })
}

/// One transaction (a group commit): records the outcomes of finished sends, then claims the
/// next group of due messages. Those outside their client's contact window are postponed; the
/// others get a Message-ID (email rows without one) and are committed `sending` *before* any is
/// handed over. Returns the claimed ones in order; rows another process took are skipped.
///
/// Until an outcome commits, its row is still `sending`: a crash before then makes it
/// `uncertain`, never resent (or `sent`, when the pass's journal has the server's acceptance).
#[allow(clippy::too_many_arguments)]
fn commit(
    store: &mut Store,
    done: &mut Vec<(OutboxMessage, SendOutcome)>,
    due: &mut Vec<OutboxMessage>,
    wait: bool,
    domain: &str,
    now: DateTime<Utc>,
    opts: &FlushOptions,
    report: &mut FlushReport,
) -> Result<Option<VecDeque<OutboxMessage>>> {
    if done.is_empty() && due.is_empty() {
        return Ok(Some(VecDeque::new()));
    }
    let group = |tx: &rusqlite::Transaction<'_>| {
        // Plain successes (no Telegram id to keep) are marked in one statement.
        let mut sent = Vec::with_capacity(done.len());
        for (msg, outcome) in done.drain(..) {
            if outcome
                == (SendOutcome::Sent {
                    telegram_message_id: None,
                })
            {
                sent.push(msg.id);
                continue;
            }
            record(tx, &msg, outcome, now, opts, report).with_context(|| {
                format!("Failed to record the outcome of outbox message {}", msg.id)
            })?;
        }
        outbox::mark_sent_many(tx, &sent, now)
            .with_context(|| {
                format!(
                    "Failed to record {} sent outbox messages: they went out, and the next pass \
                     finds them `sending` and marks them uncertain: mark each sent with `cobrador outbox resolve ID --sent`",
                    sent.len()
                )
            })?;
        report.sent += sent.len();
        let mut wanted = Vec::with_capacity(due.len());
        for msg in due.drain(..) {
            if let Some(kind) = outbox::withdrawn_by(tx, msg.id)? {
                let why = format!("{kind} was recorded after it was planned");
                if withdraw(tx, &msg, &why, &kind, now)? {
                    report.cancelled += 1;
                }
                continue;
            }
            if let Some(why) = outdated_question(tx, &msg, now)? {
                if withdraw(tx, &msg, &why, "promise.settled", now)? {
                    report.cancelled += 1;
                }
                continue;
            }
            match opts
                .windows
                .as_ref()
                .map(|w| w.next_allowed(&msg, now))
                .filter(|at| *at > now)
            {
                Some(at) => {
                    outbox::postpone(tx, msg.id, at)?;
                    report.postponed += 1;
                }
                None => wanted.push(msg),
            }
        }
        let ids: Vec<(i64, Option<String>)> = wanted
            .iter()
            .map(|msg| {
                let new_id = (msg.message.channel == domain::Channel::Email
                    && msg.message.message_id.is_none())
                .then(|| email::random_message_id(domain));
                (msg.id, new_id)
            })
            .collect();
        let mut stored_ids = outbox::claim_many(tx, &ids)?;
        let mut claimed = VecDeque::with_capacity(wanted.len());
        for mut msg in wanted {
            if let Some(stored) = stored_ids.remove(&msg.id) {
                // The row's own Message-ID wins over the one just made: the Sent-mailbox
                // search for an uncertain message looks for the stored one.
                msg.message.message_id = stored;
                msg.attempts += 1;
                claimed.push_back(msg);
            } else {
                report.skipped += 1;
            }
        }
        Ok(claimed)
    };
    if wait {
        store.transaction(group).map(Some)
    } else {
        store.try_transaction(group)
    }
}

/// Why an acknowledgement of a promise would no longer be true when it goes out: its promise is
/// settled (kept, broken, replaced) or its day is past in the client's time zone. Such an
/// acknowledgement was queued before an outage or a long contact-window wait: «¿Confirmamos el
/// viernes 13?» sent on the 30th asks about a day long gone, and «Anotado: el 13» about a promise
/// already judged. The next reminder speaks of the promise as it stands.
fn outdated_question(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let Some(response_id) = (msg.message.stage == "ack_promise")
        .then(|| msg.message.cycle.strip_prefix("response-"))
        .flatten()
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let invoices = &msg.message.invoices;
    let Some(promise) = crate::store::promises::of_response(tx, response_id, invoices)? else {
        return Ok(None);
    };
    if promise.status != crate::store::promises::PromiseStatus::Pending {
        return Ok(Some(format!(
            "its promise is {} (promise {})",
            promise.status.as_str(),
            promise.id
        )));
    }
    let Some(client) = crate::store::clients::get(tx, &msg.message.client_id)? else {
        return Ok(None);
    };
    let today = now.with_timezone(&client.time_zone).date_naive();
    Ok((promise.promised_date < today).then(|| {
        format!(
            "the day it acknowledges ({}) is past (promise {})",
            promise.promised_date, promise.id
        )
    }))
}

/// Withdraws a message that would no longer be true (see the module documentation,
/// "Withdrawn"), with an event naming `after`, what made it so; the planner plans its stage
/// again. Returns whether it was withdrawn (it was still waiting).
fn withdraw(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    why: &str,
    after: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let why = format!("withdrawn before sending: {why}");
    if !outbox::cancel(tx, msg.id, &why)? {
        return Ok(false);
    }
    tracing::info!(outbox_id = msg.id, client = %msg.message.client_id, "Message {why}.");
    events::append(
        tx,
        now,
        ACTOR,
        EventKind::OutboxCancelled,
        Some(&msg.message.client_id),
        None,
        json!({ "outbox_id": msg.id, "stage": msg.message.stage, "after": after }),
    )?;
    Ok(true)
}

fn record(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    outcome: SendOutcome,
    now: DateTime<Utc>,
    opts: &FlushOptions,
    report: &mut FlushReport,
) -> Result<()> {
    // Retries are bounded by the time since the first attempt (this pass's clock, if it was;
    // `mark_sent` records it in the same statement).
    if !matches!(outcome, SendOutcome::Sent { .. }) {
        outbox::mark_first_attempt(tx, msg.id, now)?;
    }
    match outcome {
        SendOutcome::Sent {
            telegram_message_id,
        } => {
            outbox::mark_sent(tx, msg.id, now, telegram_message_id)?;
            report.sent += 1;
            Ok(())
        }
        SendOutcome::Retry(error) => retry(tx, msg, &error, None, report, now, opts),
        SendOutcome::RetryAfter(error, secs) => {
            retry(tx, msg, &error, Some(secs), report, now, opts)
        }
        SendOutcome::Uncertain(error) => {
            report.stopped.get_or_insert_with(|| error.clone());
            report.uncertain += 1;
            outbox::mark_uncertain(tx, msg.id, &error)?;
            events::append(
                tx,
                now,
                ACTOR,
                EventKind::OutboxUncertain,
                Some(&msg.message.client_id),
                None,
                json!({
                    "outbox_id": msg.id, "stage": msg.message.stage,
                    "message_id": msg.message.message_id, "why": error,
                }),
            )
        }
        SendOutcome::Failure(error) => {
            report.dead += 1;
            dead(tx, msg, &error, now, opts.stage_retry_after)
        }
        // The contact moved to the other channel: the stage is free for it in this pass's
        // plan, not a day later.
        SendOutcome::Unreachable(error) => {
            report.dead += 1;
            dead(tx, msg, &error, now, Duration::zero())
        }
    }
}

/// A transient failure: tried again after the backoff (no sooner than the server's own wait,
/// when it gave one), moved into the contact window; dead once `retry_for` has passed since
/// the first attempt.
fn retry(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    error: &str,
    server_wait: Option<u64>,
    report: &mut FlushReport,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<()> {
    // A wait the server asked for one chat (Telegram's 429) stops nothing else.
    if server_wait.is_none() {
        report.stopped.get_or_insert_with(|| error.to_owned());
    }
    let first = outbox::first_attempt(tx, msg.id)?.unwrap_or(now);
    if now - first >= opts.retry_for {
        let error = format!(
            "gave up after {} attempts over {} hours: {error}",
            msg.attempts,
            (now - first).num_hours()
        );
        report.dead += 1;
        return dead(tx, msg, &error, now, opts.stage_retry_after);
    }
    // At most a day: a server's wait beyond it is the backoff's business.
    let wait = Duration::seconds(server_wait.map_or(0, |s| s.min(86_400) as i64));
    let mut at = now + retry_delay(msg.attempts, opts).max(wait);
    if let Some(w) = &opts.windows {
        at = w.next_allowed(msg, at);
    }
    outbox::mark_failed(tx, msg.id, error, at)?;
    tracing::info!(
        outbox_id = msg.id,
        attempt = msg.attempts,
        retry_at = %at,
        "Send failed, will retry: {error}."
    );
    report.retry += 1;
    Ok(())
}

/// Marks `msg` dead; its stage may be planned again after `hold`.
fn dead(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    error: &str,
    now: DateTime<Utc>,
    hold: Duration,
) -> Result<()> {
    outbox::mark_dead(tx, msg.id, error)?;
    outbox::hold_stage_until(tx, msg.id, now + hold)?;
    events::append(
        tx,
        now,
        ACTOR,
        EventKind::OutboxDead,
        Some(&msg.message.client_id),
        None,
        json!({
            "outbox_id": msg.id, "stage": msg.message.stage, "channel": msg.message.channel,
            "recipients": msg.message.recipients, "attempts": msg.attempts, "error": error,
        }),
    )
}

/// Every channel the configuration asks for (see [`Registry::from_config`]), then the uncertain
/// rows looked up in the Sent mailbox. What `outbox flush` runs.
pub async fn flush_configured(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<FlushReport> {
    let channels = Registry::from_config(config)?;
    let report = flush_all(store, &channels, config, now, opts).await;
    channels.close().await;
    report
}

/// Flushes every registered channel in turn (one channel's outage does not hold up the others),
/// then, with `email.imap.sent-mailbox` set, looks for uncertain rows in the Sent mailbox.
/// Sends only inside each client's contact window (unless `opts` carries them, loaded here
/// for each channel just before it reads its due rows: the windows of the clients with a
/// message due at `now`, so a row another process queued while an earlier channel was sending
/// has its client's window too).
pub async fn flush_all(
    store: &mut Store,
    channels: &Registry,
    config: &Config,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<FlushReport> {
    let mut report = FlushReport::default();
    for channel in channels.iter() {
        let mut opts = opts.clone();
        if opts.windows.is_none() {
            opts.windows = Some(ContactWindows::load(config, store.conn(), now)?);
        }
        let one = flush(store, channel, &config.business, now, &opts).await?;
        report.absorb(one);
    }
    let uncertain = outbox::with_status(store.conn(), OutboxStatus::Uncertain)?;
    if let Some(imap) = &config.email.imap
        && imap.sent_mailbox.is_some()
        && opts.resolve_from_sent
        && !uncertain.is_empty()
    {
        let resolved = match SentMailbox::new(imap) {
            Ok(sent) => resolve_from_sent(store, &sent, now).await,
            Err(e) => Err(e.into()),
        };
        match resolved {
            Ok(ids) => report.resolved_from_sent = ids.len(),
            Err(e) => report.warnings.push(format!(
                "cannot look for uncertain messages in the Sent mailbox: {e:#}"
            )),
        }
    }
    Ok(report)
}

impl FlushReport {
    /// Says how many messages were withdrawn before sending, and why; `None` when none were.
    pub fn withdrawn_note(&self) -> Option<String> {
        (self.cancelled > 0).then(|| {
            format!(
                "withdrawn {} (something was recorded for the client after they were planned: \
                 the next pass plans them again)",
                self.cancelled
            )
        })
    }

    /// Adds one channel's (or one flush's) report to the total.
    pub fn absorb(&mut self, one: FlushReport) {
        self.recovered_uncertain += one.recovered_uncertain;
        self.sent += one.sent;
        self.retry += one.retry;
        self.dead += one.dead;
        self.uncertain += one.uncertain;
        self.postponed += one.postponed;
        self.released += one.released;
        self.cancelled += one.cancelled;
        self.next_retry = match (self.next_retry, one.next_retry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.skipped += one.skipped;
        self.resolved_from_sent += one.resolved_from_sent;
        if let Some(why) = one.stopped {
            self.stopped.get_or_insert(why);
        }
        self.warnings.extend(one.warnings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_are_capped() {
        let opts = FlushOptions::default();
        for attempts in 1..=20 {
            let d = retry_delay(attempts, &opts).num_seconds();
            let base = (60i64 << (attempts - 1).min(20)).min(6 * 3600);
            assert!(
                d >= base * 4 / 5 && d <= (base * 6 / 5).min(6 * 3600),
                "attempt {attempts}: {d} s"
            );
        }
        assert!(retry_delay(40, &opts) <= Duration::hours(6));
    }
}
