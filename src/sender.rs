//! The durable outbox loop: hands due messages to a channel without ever sending one twice.
//!
//! One pass ([`flush`]):
//! 1. **Recover**: rows left `sending` by a crash become `uncertain` (an `outbox.uncertain` event
//!    each; `outbox list --status uncertain` and `status` show them). They may or may not have
//!    gone out, so they are never resent blindly: the Sent mailbox ([`resolve_from_sent`]) or a
//!    person (`outbox resolve ID --sent|--requeue`) decides.
//! 2. **Send**: for each due row, `sending` is committed *before* the hand-over; then the outcome
//!    is committed: `sent`, `failed` with a retry instant (exponential backoff with jitter, see
//!    [`retry_delay`]), or `dead` (a permanent failure, or too many attempts; an `outbox.dead`
//!    event tells the owner).
//! 3. **Stop early** on the first transient failure: the server is unwell, and trying every
//!    other message would only burn their attempts (or wait out one timeout each). The rest are
//!    still due on the next pass.
//!
//! Store access is synchronous and short (one small transaction per state change); no
//! transaction is ever held across an `.await`.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;
use serde_json::json;

use crate::channel::imap_sent::SentMailbox;
use crate::channel::{Channel, EmailOut, SendContext, SendOutcome, TelegramChannel, email};
use crate::config::{Business, Config};
use crate::domain;
use crate::store::{OutboxMessage, OutboxStatus, Store, events, outbox};

/// Who writes the events of this module.
const ACTOR: &str = "sender";

/// Tuning of a pass.
#[derive(Debug, Clone)]
pub struct FlushOptions {
    /// Rows read from the database at a time.
    pub batch: usize,
    /// Attempts before a message that keeps failing transiently is given up (dead).
    pub max_attempts: i64,
    /// Delay before the first retry; doubled at each further attempt.
    pub first_retry: Duration,
    /// The longest delay between two attempts.
    pub max_retry: Duration,
}

impl Default for FlushOptions {
    /// 1 min, 2, 4 ... capped at 6 h; dead after 10 attempts (about 14 h of trying).
    fn default() -> Self {
        FlushOptions {
            batch: 100,
            max_attempts: 10,
            first_retry: Duration::minutes(1),
            max_retry: Duration::hours(6),
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
    /// Failed permanently (or too often); the owner is told.
    pub dead: usize,
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

/// Step 1 of a pass: every `sending` row becomes `uncertain`, with an event each. Returns their ids.
pub fn recover(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<i64>> {
    store.transaction(|tx| {
        let rows = outbox::with_status(tx, OutboxStatus::Sending)?;
        outbox::recover_interrupted(tx)?;
        for m in &rows {
            events::append(
                tx,
                now,
                ACTOR,
                "outbox.uncertain",
                Some(&m.message.client_id),
                None,
                json!({
                    "outbox_id": m.id, "stage": m.message.stage,
                    "message_id": m.message.message_id,
                    "why": "interrupted while sending: it may or may not have been delivered",
                }),
            )?;
        }
        Ok(rows.iter().map(|m| m.id).collect())
    })
}

/// One pass: recover, then hand every due message on the channel's kinds to `channel`, up to
/// `channel.concurrency()` at a time. `now` is the pass's clock (due times, Date header, sent_at).
pub async fn flush<C: Channel>(
    store: &mut Store,
    channel: &C,
    business: &Business,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<FlushReport> {
    let mut report = FlushReport {
        recovered_uncertain: recover(store, now)?.len(),
        ..FlushReport::default()
    };
    let kinds = channel.kinds().to_vec();
    let concurrency = channel.concurrency().max(1);
    let batch_size = opts.batch.max(1);
    let domain = email::domain_of(&business.email).to_owned();
    let ctx = SendContext { business, now };
    let mut in_flight = FuturesUnordered::new();
    loop {
        let batch = outbox::due_on(store.conn(), now, &kinds, batch_size)?;
        let full = batch.len() == batch_size;
        let mut queue = batch.into_iter();
        loop {
            while report.stopped.is_none() && in_flight.len() < concurrency {
                let Some(mut msg) = queue.next() else { break };
                if !start(store, &mut msg, &domain)? {
                    report.skipped += 1;
                    continue;
                }
                in_flight.push(async move {
                    let outcome = channel.send(&msg, ctx).await;
                    (msg, outcome)
                });
            }
            let Some((msg, outcome)) = in_flight.next().await else {
                break;
            };
            record(store, &msg, outcome, now, opts, &mut report)?;
        }
        if !full || report.stopped.is_some() {
            break;
        }
    }
    Ok(report)
}

/// Commits `sending` (and a Message-ID for email rows without one). `false`: someone else took it.
fn start(store: &mut Store, msg: &mut OutboxMessage, domain: &str) -> Result<bool> {
    store.transaction(|tx| {
        if msg.message.channel == domain::Channel::Email && msg.message.message_id.is_none() {
            let id = email::random_message_id(domain);
            outbox::set_message_id(tx, msg.id, &id)?;
            msg.message.message_id = Some(id);
        }
        match outbox::mark_sending(tx, msg.id) {
            Ok(()) => {
                msg.attempts += 1;
                Ok(true)
            }
            Err(e) if e.downcast_ref::<rusqlite::Error>().is_some() => Err(e),
            Err(_) => Ok(false),
        }
    })
}

fn record(
    store: &mut Store,
    msg: &OutboxMessage,
    outcome: SendOutcome,
    now: DateTime<Utc>,
    opts: &FlushOptions,
    report: &mut FlushReport,
) -> Result<()> {
    store
        .transaction(|tx| match outcome {
            SendOutcome::Sent {
                telegram_message_id,
            } => {
                outbox::mark_sent(tx, msg.id, now, telegram_message_id)?;
                report.sent += 1;
                Ok(())
            }
            SendOutcome::Retry(error) => {
                report.stopped.get_or_insert_with(|| error.clone());
                if msg.attempts >= opts.max_attempts {
                    let error = format!("gave up after {} attempts: {error}", msg.attempts);
                    report.dead += 1;
                    return dead(tx, msg, &error, now);
                }
                let at = now + retry_delay(msg.attempts, opts);
                outbox::mark_failed(tx, msg.id, &error, at)?;
                report.retry += 1;
                Ok(())
            }
            SendOutcome::Failure(error) => {
                report.dead += 1;
                dead(tx, msg, &error, now)
            }
        })
        .with_context(|| format!("Failed to record the outcome of outbox message {}", msg.id))
}

fn dead(
    tx: &rusqlite::Transaction<'_>,
    msg: &OutboxMessage,
    error: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    outbox::mark_dead(tx, msg.id, error)?;
    events::append(
        tx,
        now,
        ACTOR,
        "outbox.dead",
        Some(&msg.message.client_id),
        None,
        json!({
            "outbox_id": msg.id, "stage": msg.message.stage, "channel": msg.message.channel,
            "recipients": msg.message.recipients, "attempts": msg.attempts, "error": error,
        }),
    )
}

/// Looks for the uncertain rows' Message-IDs in the Sent mailbox and marks those found as sent.
/// Returns their ids.
pub async fn resolve_from_sent(
    store: &mut Store,
    sent: &SentMailbox,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let uncertain = outbox::with_status(store.conn(), OutboxStatus::Uncertain)?;
    let ids: Vec<String> = uncertain
        .iter()
        .filter_map(|m| m.message.message_id.clone())
        .collect();
    let found = sent.find(&ids).await?;
    store.transaction(|tx| {
        let mut resolved = Vec::new();
        for m in &uncertain {
            if m.message
                .message_id
                .as_ref()
                .is_some_and(|id| found.contains(id))
            {
                outbox::resolve_uncertain(tx, m.id, true, now)?;
                events::append(
                    tx,
                    now,
                    ACTOR,
                    "outbox.resolved",
                    Some(&m.message.client_id),
                    None,
                    json!({"outbox_id": m.id, "sent": true, "by": "found in the Sent mailbox"}),
                )?;
                resolved.push(m.id);
            }
        }
        Ok(resolved)
    })
}

/// A person's decision on an uncertain message: it went out (`sent`) or send it again.
pub fn resolve_by_person(store: &mut Store, id: i64, sent: bool, now: DateTime<Utc>) -> Result<()> {
    store.transaction(|tx| {
        let msg = outbox::get(tx, id)?
            .with_context(|| format!("there is no outbox message {id}: see `outbox list`"))?;
        outbox::resolve_uncertain(tx, id, sent, now)?;
        events::append(
            tx,
            now,
            "cli",
            "outbox.resolved",
            Some(&msg.message.client_id),
            None,
            json!({"outbox_id": id, "sent": sent, "by": "person"}),
        )
    })
}

/// The whole pass the configuration asks for: with `[telegram]`, the Telegram messages through
/// the bot (chats found blocked are marked unreachable); then the configured email channel
/// (SMTP, or files in `email.outbox-dir`, which also takes Telegram messages when there is no
/// bot); then, with `email.imap.sent-mailbox` set, the uncertain rows looked up in the Sent
/// mailbox. What `outbox flush` and `tick` run.
pub async fn flush_configured(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> Result<FlushReport> {
    let telegram = TelegramChannel::from_config(config)?;
    let mut tg_report = FlushReport::default();
    if let Some(tg) = &telegram {
        tg_report = flush(store, tg, &config.business, now, opts).await?;
        let blocked = tg.take_blocked();
        crate::telegram::record_blocked(store, &blocked, now)?;
        // Queued before the email pass below, so the client hears from us in this same pass.
        crate::telegram::fallback::requeue_blocked_by_email(store, config, &blocked, now)?;
    }
    let channel = EmailOut::from_config(config)?;
    let mut report = if telegram.is_some() {
        let email_only = Only {
            inner: &channel,
            kinds: &[domain::Channel::Email],
        };
        flush(store, &email_only, &config.business, now, opts).await?
    } else {
        flush(store, &channel, &config.business, now, opts).await?
    };
    report.merge(tg_report);
    if let EmailOut::Smtp(smtp) = &channel {
        smtp.shutdown().await;
    }
    let uncertain = outbox::with_status(store.conn(), OutboxStatus::Uncertain)?;
    if let Some(imap) = &config.email.imap
        && imap.sent_mailbox.is_some()
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
    /// Adds another pass's counts (the Telegram pass to the email pass).
    pub fn merge(&mut self, other: FlushReport) {
        self.recovered_uncertain += other.recovered_uncertain;
        self.sent += other.sent;
        self.retry += other.retry;
        self.dead += other.dead;
        self.skipped += other.skipped;
        self.resolved_from_sent += other.resolved_from_sent;
        if self.stopped.is_none() {
            self.stopped = other.stopped;
        }
        self.warnings.extend(other.warnings);
    }
}

/// A channel restricted to some of its kinds (the file channel writes Telegram messages too,
/// but not while a bot delivers them).
struct Only<'a, C> {
    inner: &'a C,
    kinds: &'a [domain::Channel],
}

impl<C: Channel> Channel for Only<'_, C> {
    fn kinds(&self) -> &[domain::Channel] {
        self.kinds
    }

    fn concurrency(&self) -> usize {
        self.inner.concurrency()
    }

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        self.inner.send(msg, ctx).await
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
