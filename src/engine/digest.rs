//! The owner's morning digest: one message a day, in Spanish, saying what happened since the
//! previous one and what is waiting for a person.
//!
//! Why a digest and not only alerts: alerts (a dispute, a dead message) go out at once, one
//! each; the owner still needs one place, once a day, to see the whole picture — what was
//! sent, who answered, which promises fall due today, what the outbox could not deliver and how
//! old the payment data is (stale payments are how a client who already paid gets reminded).
//!
//! The digest is an ordinary outbox message of stage `digest` addressed to the owner, so every
//! channel can carry it and the outbox's key (`_owner|digest|YYYY-MM-DD`) makes it go exactly
//! once a day, whatever the number of passes, restarts or crashes. It is queued by the planning
//! pass ([`crate::engine::queue_due`]) from the configured hour on, in the business's time zone.
//!
//! Outbox rows need a client: the digest belongs to a reserved client row, [`OWNER_CLIENT`],
//! created on first use, on hold, and left out of every client listing.
//!
//! Gathering (SQL, this file) is separate from wording ([`text`], pure and tested by cases).

pub mod text;

use anyhow::{Context as _, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::config::{Config, DigestConfig};
use crate::domain::Channel;
use crate::domain::{Actor, EventKind, Intent, ResponseStatus};
use crate::store::{self, NewOutboxMessage, ts};

pub use crate::domain::OWNER_CLIENT;

/// The outbox stage of the digest.
pub const STAGE: &str = "digest";

/// One line of "what was sent": to whom, which stage, by which channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentLine {
    /// Client name.
    pub client: String,
    /// Stage name (`early`, `firm`, ...).
    pub stage: String,
    /// `email` or `telegram`.
    pub channel: String,
}

/// One reply received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    /// Client name, or the sender when no client was matched.
    pub client: String,
    /// The intent read.
    pub intent: Intent,
    /// The promised date, for promises.
    pub promised_date: Option<NaiveDate>,
    /// Whether it waits for a person (`needs_review`).
    pub needs_review: bool,
    /// The first words of what the client wrote, after the greeting.
    pub excerpt: String,
}

/// A promise (due today, or broken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseLine {
    /// Client name.
    pub client: String,
    /// The invoice, if the promise names one.
    pub invoice: Option<String>,
    /// The promised date.
    pub date: NaiveDate,
}

/// Something waiting for a person: a dispute, a paid claim, an unread reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingLine {
    /// Client name.
    pub client: String,
    /// Invoice number (empty for a reply without one).
    pub invoice: String,
    /// Since when (the claim date, for paid claims).
    pub since: Option<NaiveDate>,
}

/// A contact a message could not reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeliverableLine {
    /// Client name.
    pub client: String,
    /// The addresses tried.
    pub recipients: String,
    /// The server's answer.
    pub error: String,
    /// What the owner can do about it.
    pub fix: UndeliveredFix,
}

/// What a message not delivered asks of the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndeliveredFix {
    /// The address does not exist (a contact marked undeliverable, or the server says so):
    /// correct it.
    Address,
    /// The client's server refused the message itself (spam, SPF/DKIM/DMARC, size): the
    /// address is good, the fix is on the business's side.
    Sending,
    /// Nothing to correct (a full mailbox, a server that did not answer): the stage is tried
    /// again.
    None,
}

/// Everything the digest says, gathered from the database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DigestData {
    /// The digest's day (business time zone).
    pub today: NaiveDate,
    /// Start of the period covered (the previous digest's hour), local.
    pub since: Option<chrono::NaiveDateTime>,
    /// When it is written, in the business's time zone: its greeting follows it (a digest
    /// at 18:00, or one caught up after an outage, is no «Buenos días»).
    pub part_of_day: crate::render::context::PartOfDay,
    /// Client messages sent in the period.
    pub sent: Vec<SentLine>,
    /// Replies received in the period.
    pub replies: Vec<ReplyLine>,
    /// Pending promises due today.
    pub promises_today: Vec<PromiseLine>,
    /// Promises found broken in the period.
    pub promises_broken: Vec<PromiseLine>,
    /// Payment plans found broken in the period: `invoice` lists the plan's invoices, `date`
    /// is the missed instalment's.
    pub plans_broken: Vec<PromiseLine>,
    /// Payment plans that run again in the period (a payment recorded late showed the
    /// instalment paid in time): `date` is the day it was restored.
    pub plans_restored: Vec<PromiseLine>,
    /// Disputed invoices.
    pub disputes: Vec<WaitingLine>,
    /// Open invoices the client says are paid.
    pub paid_claims: Vec<WaitingLine>,
    /// Invoices held because the client asked to pay in instalments (since: the request).
    pub plan_requests: Vec<WaitingLine>,
    /// Clients handed over to the owner in the period (the hand-over task, one line per
    /// invoice; since: the day it was queued).
    pub handovers: Vec<WaitingLine>,
    /// Clients who asked not to be written to and still owe (every day: cobrador no longer
    /// chases them, a person must).
    pub opted_out: Vec<store::clients::OptedOutOwing>,
    /// Money clients have in their favour (an invoice paid beyond its amount), every day until
    /// the owner refunds or applies it.
    pub in_favour: Vec<store::invoices::InFavour>,
    /// Replies waiting for review.
    pub to_review: usize,
    /// Client messages that could not be delivered.
    pub undeliverable: Vec<UndeliverableLine>,
    /// A lasting problem reading the bot's updates (the owner's words), and since when (the
    /// business's date).
    pub telegram_problem: Option<(NaiveDate, String)>,
    /// Outbox rows by status: dead, uncertain, failed (retrying), queued.
    pub outbox: OutboxHealth,
    /// Days since payment data was last updated (`None`: never), when invoices are open.
    pub payments_age: Option<Option<i64>>,
    /// `daemon.payments-stale-days`.
    pub payments_stale_days: u32,
    /// The next reminder the pass planned, when it waits for its client's contact hours (or a
    /// day off) and goes before the next digest: a tick run by cron outside those hours sends
    /// nothing, day after day (walk28 P1: a 09:00 cron for a 10:00 window, every digest «Todo
    /// en orden»).
    pub next: Option<NextLine>,
}

/// The next reminder planned (see [`DigestData::next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextLine {
    /// The client's name.
    pub client: String,
    /// The stage.
    pub stage: String,
    /// When it may go, on the business's clock.
    pub at: chrono::NaiveDateTime,
    /// It waits for the client's contact hours (not a weekend, a holiday or the days between
    /// two reminders): what a cron tick outside those hours never reaches.
    pub hours: bool,
}

/// Counts of outbox rows in the states that need attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxHealth {
    /// Could not be delivered.
    pub dead: i64,
    /// Fate unknown (a crash between the server's answer and our commit).
    pub uncertain: i64,
    /// Failed and waiting for a retry.
    pub failed: i64,
    /// Waiting to go.
    pub queued: i64,
}

/// The digest of `today` if it is due at `now` and not queued yet: returns its outbox id.
pub fn queue_if_due(
    tx: &Connection,
    config: &Config,
    digest: &DigestConfig,
    now: DateTime<Utc>,
    next: Option<&crate::policy::planner::PlannedMessage>,
) -> Result<Option<i64>> {
    let tz = config.business.time_zone;
    let local = now.with_timezone(&tz);
    if local.time() < digest.hour {
        return Ok(None);
    }
    let today = local.date_naive();
    let key = format!("{OWNER_CLIENT}|{STAGE}|{today}");
    if store::outbox::key_exists(tx, &key)? {
        return Ok(None);
    }
    ensure_owner_client(tx, config, now)?;
    let mut data = gather(tx, config, digest, today, now)?;
    data.next = next_line(tx, next, now, tz)?;
    let message = text::compose(&data, &config.business.locale);
    let row = NewOutboxMessage {
        message_id: Some(crate::engine::message_id(&config.business.email, &key, now)),
        dedup_key: key,
        client_id: OWNER_CLIENT.into(),
        stage: STAGE.into(),
        cycle: today.to_string(),
        channel: Channel::Email,
        recipients: vec![config.owner_email().to_owned()],
        cc: vec![],
        subject: Some(message.subject),
        body_text: message.body,
        body_html: None,
        attachment: None,
        in_reply_to: None,
        references: None,
        send_at: now,
        invoices: vec![],
    };
    let id = store::outbox::insert_if_new(tx, &row, now)?;
    let owner_chat = config.telegram.as_ref().and_then(|t| t.owner_chat_id);
    if let Some(chat) = store::telegram::owner_chat(tx, owner_chat)? {
        // A copy in the owner's own Telegram chat (`telegram.owner-chat-id`), as for alerts.
        let copy = NewOutboxMessage {
            dedup_key: format!("{}|telegram", row.dedup_key),
            channel: Channel::Telegram,
            recipients: vec![chat.to_string()],
            subject: None,
            body_text: telegram_text(&row),
            message_id: None,
            ..row.clone()
        };
        store::outbox::insert_if_new(tx, &copy, now)?;
    }
    if let Some(id) = id {
        store::events::append(
            tx,
            now,
            Actor::Planner,
            EventKind::DigestQueued,
            None,
            None,
            serde_json::json!({ "outbox": id, "day": today }),
        )?;
    }
    Ok(id)
}

/// The digest as Telegram HTML: the subject in bold, the text escaped, cut to fit Telegram's
/// 4,096 characters (the whole digest is in the email).
fn telegram_text(row: &NewOutboxMessage) -> String {
    const LIMIT: usize = 3800;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = esc(&row.body_text);
    if body.chars().count() > LIMIT {
        body = body.chars().take(LIMIT).collect::<String>()
            + "\n… (el resumen completo está en su correo)";
    }
    format!(
        "<b>{}</b>\n\n{body}",
        esc(row.subject.as_deref().unwrap_or("Resumen"))
    )
}

/// Creates the reserved owner row outbox messages to the owner belong to (on hold, no invoices).
fn ensure_owner_client(tx: &Connection, config: &Config, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO clients (id, name, country, time_zone, kind, on_hold, notes,
                                        created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'b2b', 1, ?5, ?6, ?6)",
        params![
            OWNER_CLIENT,
            config.business.name,
            config.business.country,
            config.business.time_zone.name(),
            "reservado por cobrador: mensajes para el propietario (resumen diario); no es un cliente",
            ts(now),
        ],
    )
    .context("Failed to create the owner's reserved row")?;
    Ok(())
}

/// When the last digest before `now` was queued, if any (one row read through
/// `outbox_client_send`, not the owner's alerts with their bodies).
fn last_digest(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let last: Option<String> = conn
        .query_row(
            "SELECT MAX(send_at) FROM outbox WHERE client_id = ?1 AND stage = ?2 AND send_at < ?3",
            params![OWNER_CLIENT, STAGE, ts(now)],
            |r| r.get(0),
        )
        .context("Failed to read when the last digest went")?;
    Ok(last.as_deref().map(store::parse_ts).transpose()?)
}

/// Collects what the digest of `today` says.
/// [`DigestData::next`]: the next planned reminder, if it waits and goes within a day.
fn next_line(
    tx: &Connection,
    next: Option<&crate::policy::planner::PlannedMessage>,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<Option<NextLine>> {
    let Some(m) = next.filter(|m| m.waiting.is_some() && !m.handover) else {
        return Ok(None);
    };
    if m.send_at > now + chrono::Duration::days(1) {
        return Ok(None);
    }
    let client = store::clients::get(tx, &m.client)?.map_or_else(|| m.client.clone(), |c| c.name);
    Ok(Some(NextLine {
        client,
        stage: m.stage.clone(),
        at: m.send_at.with_timezone(&tz).naive_local(),
        hours: m
            .waiting
            .as_deref()
            .is_some_and(|w| w.contains("outside contact hours")),
    }))
}

pub fn gather(
    conn: &Connection,
    config: &Config,
    digest: &DigestConfig,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DigestData> {
    let tz = config.business.time_zone;
    let yesterday = (today - chrono::Days::new(1)).and_time(digest.hour);
    let yesterday = tz
        .from_local_datetime(&yesterday)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now - chrono::Duration::days(1));
    // Since the last digest: after days without one (the service was stopped), what happened
    // meanwhile is told too. What a pass finds before its digest is gathered (a promise broken
    // during an outage, a hand-over) is counted up to this instant inclusive and from the last
    // digest's exclusive, so it is told that day and once; messages sent and replies read
    // after the digest are counted from the last digest's instant inclusive.
    let since = last_digest(conn, now)?.unwrap_or(yesterday);
    let since_local = since.with_timezone(&tz).naive_local();
    let (from, to) = (ts(since), ts(now));
    Ok(DigestData {
        today,
        since: Some(since_local),
        part_of_day: crate::render::context::PartOfDay::at(
            now.with_timezone(&tz).time(),
            &config.business.country,
        ),
        sent: sent(conn, &from, &to)?,
        replies: replies(conn, &from, &to)?,
        promises_today: promises(
            conn,
            "p.status = 'pending' AND p.promised_date = ?1",
            &[&today.to_string()],
        )?,
        promises_broken: promises(
            conn,
            "p.status = 'broken' AND p.resolved_at > ?1 AND p.resolved_at <= ?2",
            &[&from, &to],
        )?,
        plans_broken: plans_broken(conn, &from, &to)?,
        plans_restored: plans_restored(conn, &from, &to, tz)?,
        disputes: waiting(conn, "i.status = 'disputed'")?,
        paid_claims: waiting(conn, "i.status = 'open' AND i.paid_claimed_on IS NOT NULL")?,
        plan_requests: store::invoices::plan_requests(conn)?
            .into_iter()
            .map(|p| WaitingLine {
                client: p.client,
                invoice: p.invoice,
                since: Some(p.since.with_timezone(&tz).date_naive()),
            })
            .collect(),
        handovers: handovers(conn, &from, &to, tz)?,
        opted_out: store::clients::opted_out_owing(conn, None)?,
        in_favour: store::invoices::in_favour(conn)?,
        telegram_problem: store::telegram::problem(conn)?
            .map(|(at, words)| (at.with_timezone(&tz).date_naive(), words)),
        to_review: conn.query_row(
            "SELECT count(*) FROM responses WHERE status = 'needs_review'",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize,
        undeliverable: undeliverable(conn)?,
        outbox: health(conn)?,
        payments_age: payments_age(conn, now, config.business.time_zone)?,
        payments_stale_days: config.daemon.payments_stale_days,
        next: None,
    })
}

/// Stages that are not messages to a client.
const NOT_TO_CLIENTS: &str = "('digest', 'owner_alert', 'handover')";

fn sent(conn: &Connection, from: &str, to: &str) -> Result<Vec<SentLine>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.name, o.stage, o.channel FROM outbox o JOIN clients c ON c.id = o.client_id
         WHERE o.status = 'sent' AND o.sent_at >= ?1 AND o.sent_at < ?2
           AND o.stage NOT IN {NOT_TO_CLIENTS}
         ORDER BY o.sent_at, o.id"
    ))?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(SentLine {
            client: r.get(0)?,
            stage: r.get(1)?,
            channel: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn replies(conn: &Connection, from: &str, to: &str) -> Result<Vec<ReplyLine>> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(c.name, r.sender, '?'), r.intent, r.promised_date, r.status, r.body,
                r.excerpt
         FROM responses r LEFT JOIN clients c ON c.id = r.client_id
         WHERE r.received_at >= ?1 AND r.received_at < ?2
         ORDER BY r.received_at, r.id",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        // The client's visible words, as `responses` shows them: the body starts with the
        // quoted history in a bottom-posted reply. Rows without them (auto-replies, bounces,
        // older rows) are trimmed here the same way.
        let words = match r.get::<_, Option<String>>(5)? {
            Some(visible) => visible,
            None => crate::mail::trim::visible_text(&r.get::<_, String>(4)?),
        };
        Ok(ReplyLine {
            client: r.get(0)?,
            intent: r.get(1)?,
            promised_date: r.get(2)?,
            needs_review: r.get::<_, ResponseStatus>(3)? == ResponseStatus::NeedsReview,
            excerpt: text::excerpt(&words, 120),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn promises(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<PromiseLine>> {
    promise_lines(
        conn,
        &format!(
            "SELECT c.name, p.invoice_number, p.promised_date
             FROM promises p JOIN clients c ON c.id = p.client_id
             WHERE {filter} ORDER BY c.name, p.id"
        ),
        args,
    )
}

/// Plans broken in the period, with the instalment that broke each (the planner's
/// `plan.broken` event of the period names it: a plan broken before, restored and broken
/// again is not told its first break again; walk30).
fn plans_broken(conn: &Connection, from: &str, to: &str) -> Result<Vec<PromiseLine>> {
    promise_lines(
        conn,
        "SELECT c.name,
                (SELECT group_concat(invoice_number, ', ') FROM plan_invoices WHERE plan_id = p.id),
                i.due_date
         FROM plans p JOIN clients c ON c.id = p.client_id
         JOIN events e ON e.client_id = p.client_id AND e.kind = ?3
                      AND json_extract(e.detail, '$.plan') = p.id
                      AND e.at > ?1 AND e.at <= ?2
         JOIN instalments i ON i.plan_id = p.id
                           AND i.number = json_extract(e.detail, '$.instalment')
         WHERE p.status = 'broken' AND p.resolved_at > ?1 AND p.resolved_at <= ?2
         ORDER BY c.name, p.id",
        &[&from, &to, &EventKind::PlanBroken],
    )
}

/// Plans restored in the period (`plan.restored`): the owner was told they broke.
fn plans_restored(
    conn: &Connection,
    from: &str,
    to: &str,
    tz: chrono_tz::Tz,
) -> Result<Vec<PromiseLine>> {
    let mut stmt = conn.prepare(
        "SELECT c.name,
                (SELECT group_concat(invoice_number, ', ') FROM plan_invoices WHERE plan_id = p.id),
                e.at
         FROM events e JOIN plans p ON p.id = json_extract(e.detail, '$.plan')
         JOIN clients c ON c.id = p.client_id
         WHERE e.kind = ?3 AND e.at > ?1 AND e.at <= ?2 AND p.status = 'active'
         ORDER BY c.name, p.id",
    )?;
    let rows = stmt.query_map(params![from, to, EventKind::PlanRestored], |r| {
        let at: String = r.get(2)?;
        Ok(PromiseLine {
            client: r.get(0)?,
            invoice: r.get(1)?,
            date: store::parse_ts(&at)?.with_timezone(&tz).date_naive(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rows of `sql` (client name, invoice or invoices, date) as promise lines.
fn promise_lines(
    conn: &Connection,
    sql: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<PromiseLine>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok(PromiseLine {
            client: r.get(0)?,
            invoice: r.get(1)?,
            date: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn waiting(conn: &Connection, filter: &str) -> Result<Vec<WaitingLine>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.name, i.number, i.paid_claimed_on FROM invoices i JOIN clients c ON c.id = i.client_id
         WHERE {filter} ORDER BY c.name, i.number"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(WaitingLine {
            client: r.get(0)?,
            invoice: r.get(1)?,
            since: r
                .get::<_, Option<String>>(2)?
                .and_then(|s| s.get(..10).and_then(|d| d.parse().ok())),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The hand-over tasks queued in the period, one line per invoice handed over.
fn handovers(
    conn: &Connection,
    from: &str,
    to: &str,
    tz: chrono_tz::Tz,
) -> Result<Vec<WaitingLine>> {
    let mut stmt = conn.prepare(
        "SELECT c.name, oi.invoice_number, o.send_at
         FROM outbox o JOIN clients c ON c.id = o.client_id
              JOIN outbox_invoices oi ON oi.outbox_id = o.id
         WHERE o.stage = 'handover' AND o.status NOT IN ('cancelled', 'dead')
           AND o.send_at > ?1 AND o.send_at <= ?2
         ORDER BY c.name, oi.invoice_number",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        let at: String = r.get(2)?;
        Ok(WaitingLine {
            client: r.get(0)?,
            invoice: r.get(1)?,
            since: Some(store::parse_ts(&at)?.with_timezone(&tz).date_naive()),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn undeliverable(conn: &Connection) -> Result<Vec<UndeliverableLine>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT c.name, o.recipients, coalesce(o.last_error, ''),
                EXISTS (SELECT 1 FROM contacts k
                        WHERE k.client_id = o.client_id AND k.email_undeliverable_at IS NOT NULL
                          AND instr(lower(o.recipients), lower(k.email)) > 0)
         FROM outbox o JOIN clients c ON c.id = o.client_id
         WHERE o.status = 'dead' AND o.stage NOT IN {NOT_TO_CLIENTS}
         ORDER BY o.id DESC LIMIT 20"
    ))?;
    let rows = stmt.query_map([], |r| {
        let recipients: String = r.get(1)?;
        let list: Vec<String> = serde_json::from_str(&recipients).unwrap_or_default();
        let error: String = r.get(2)?;
        let marked: bool = r.get(3)?;
        let fix = if marked || crate::mail::bounce::says_the_address_is_gone(&error) {
            UndeliveredFix::Address
        } else if crate::mail::bounce::says_the_message_was_refused(&error) {
            UndeliveredFix::Sending
        } else {
            UndeliveredFix::None
        };
        Ok(UndeliverableLine {
            client: r.get(0)?,
            recipients: if list.is_empty() {
                recipients
            } else {
                list.join(", ")
            },
            error,
            fix,
        })
    })?;
    let mut lines: Vec<UndeliverableLine> = rows.collect::<rusqlite::Result<_>>()?;
    // One line per contact: the newest failure says enough.
    let mut seen = std::collections::BTreeSet::new();
    lines.retain(|l| seen.insert((l.client.clone(), l.recipients.clone())));
    Ok(lines)
}

fn health(conn: &Connection) -> Result<OutboxHealth> {
    let count = |status: &str| -> Result<i64> {
        Ok(conn.query_row(
            "SELECT count(*) FROM outbox WHERE status = ?1",
            [status],
            |r| r.get(0),
        )?)
    };
    Ok(OutboxHealth {
        dead: count("dead")?,
        uncertain: count("uncertain")?,
        failed: count("failed")?,
        queued: count("queued")?,
    })
}

/// Days since payment data was last recorded or imported (`Some(None)`: never), when some
/// invoice is owed (`None`: nothing is): calendar days on the business's clock (`tz`), so a
/// payment recorded yesterday evening is «ayer» in this morning's digest, not «hoy». The same measure `check` warns about. A disputed or
/// held invoice is still owed, and may be paid any day: the digest must not say that no
/// invoice is open while a plan request holds one.
pub fn payments_age(
    conn: &Connection,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<Option<Option<i64>>> {
    let owed: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM invoices WHERE status IN ('open', 'disputed', 'on_hold'))",
        [],
        |r| r.get(0),
    )?;
    if !owed {
        return Ok(None);
    }
    let last: Option<String> = conn
        .query_row(
            "SELECT max(at) FROM events
             WHERE kind = ?1 OR (kind = ?2 AND json_extract(detail, '$.kind') = 'payments')",
            [EventKind::PaymentRecorded, EventKind::ImportFile],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let last = last.map(|t| store::parse_ts(&t)).transpose()?;
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    Ok(Some(last.map(|l| (day(now) - day(l)).num_days())))
}

#[cfg(test)]
mod tests;
