//! The durable outbox: `queued -> sending -> sent | failed(retry_at) | dead | uncertain`.
//!
//! A message is inserted once under its `dedup_key`; a retry, a second tick or a restart finds
//! the key taken and plans nothing. A crash between the server's acceptance and our commit
//! leaves `sending`; the next pass turns those into `uncertain` ([`mark_interrupted`]), never back
//! to `queued`, unless its hand-over journal shows they never left (`sender::journal`).

use std::str::FromStr;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::clients::conversion;
use super::{parse_ts, ts};
use crate::domain::Channel;

pub use crate::domain::outbox::{NewOutboxMessage, OutboxMessage, OutboxStatus};
pub use group::{claim_many, get_many, mark_sent_many};
pub use packed::Packer;

mod group;
mod packed;

/// Queues a message unless its key is taken; returns the new row id, or `None` if it existed.
pub fn insert_if_new(
    conn: &Connection,
    msg: &NewOutboxMessage,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    insert(conn, msg, now, None, None)
}

/// [`insert_if_new`] for a message the planner planned from the book as it stood at audit
/// event `after_event`: it is withdrawn before sending if someone else records, after that
/// event, something for its client that may change it ([`withdrawn_by`]). Its body is
/// packed against the pass's earlier bodies of its stage (`packer`, one per pass).
pub fn insert_planned(
    conn: &Connection,
    msg: &NewOutboxMessage,
    now: DateTime<Utc>,
    after_event: i64,
    packer: &mut Packer,
) -> Result<Option<i64>> {
    insert(conn, msg, now, Some(after_event), Some(packer))
}

fn insert(
    conn: &Connection,
    msg: &NewOutboxMessage,
    now: DateTime<Utc>,
    after_event: Option<i64>,
    packer: Option<&mut Packer>,
) -> Result<Option<i64>> {
    // Cached statements: a first tick queues tens of thousands of rows in one pass.
    let n = conn.prepare_cached(
        "INSERT INTO outbox (dedup_key, client_id, stage, cycle, channel, recipients, cc, subject,
                             body_text, body_html, attachment, message_id, in_reply_to,
                             message_references, send_at, created_at, planned_after_event)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '', NULL, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (dedup_key) DO NOTHING",
    )?
    .execute(params![
            msg.dedup_key,
            msg.client_id,
            msg.stage,
            msg.cycle,
            msg.channel.as_str(),
            serde_json::to_string(&msg.recipients)?,
            serde_json::to_string(&msg.cc)?,
            msg.subject,
            msg.attachment,
            msg.message_id,
            msg.in_reply_to,
            msg.references,
            ts(msg.send_at),
            ts(now),
            after_event,
        ])?;
    if n == 0 {
        return Ok(None);
    }
    let id = conn.last_insert_rowid();
    // The body apart from the row whose state changes (see schema_scale.sql).
    match packer {
        Some(packer) => packer.store(conn, id, msg)?,
        None => packed::store_raw(conn, id, msg)?,
    }
    let mut covers = conn.prepare_cached(
        "INSERT INTO outbox_invoices (outbox_id, invoice_number, reached) VALUES (?1, ?2, ?3)",
    )?;
    for (number, reached) in &msg.invoices {
        covers.execute(params![id, number, reached])?;
    }
    Ok(Some(id))
}

/// What withdraws a planned message before it is sent: the kind of the first audit event
/// someone other than the planner and the sender recorded for its client after the message was
/// planned that may make it untrue (`EventKind::changes_a_planned_message`: a payment, a
/// dispute, a promise, a hold, a stop, an edit); `None` for a message that may go (or was not
/// planned from the book: acknowledgements, receipts, alerts, the digest).
pub fn withdrawn_by(conn: &Connection, id: i64) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.kind FROM outbox o JOIN events e ON e.client_id = o.client_id
         WHERE o.id = ?1 AND o.planned_after_event IS NOT NULL
           AND e.id > o.planned_after_event AND e.actor NOT IN (?2, ?3)
         ORDER BY e.id",
    )?;
    let mut rows = stmt.query(params![
        id,
        crate::domain::Actor::Planner,
        crate::domain::Actor::Sender
    ])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        if crate::domain::EventKind::stored_changes_a_planned_message(&kind) {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

/// Withdraws a message before sending (`cancelled`, with why), and the discounts it offered
/// (the message that replaces it offers its own, if any); its stage may be planned again.
/// Returns whether it was waiting to be sent (and is now withdrawn).
pub fn cancel(conn: &Connection, id: i64, why: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET status = 'cancelled', last_error = ?2, retry_at = NULL
             WHERE id = ?1 AND status IN ('queued', 'failed')",
        )?
        .execute(params![id, why])?;
    if n == 1 {
        conn.prepare_cached(
            "UPDATE discount_offers SET status = 'expired'
             WHERE outbox_id = ?1 AND status = 'offered'",
        )?
        .execute([id])?;
    }
    Ok(n == 1)
}

/// A person chose to send a planned message as it stands (`outbox requeue`, `outbox resolve
/// --requeue`), having seen the client's record as it is now: only what is recorded after this
/// withdraws it.
pub fn seen_by_person(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET planned_after_event = (SELECT max(id) FROM events)
         WHERE id = ?1 AND planned_after_event IS NOT NULL",
        [id],
    )?;
    Ok(())
}

/// Whether the owner was alerted about a reply of `client_id` from `sender` (an alert whose
/// cycle is that response) at or after `since`.
pub fn reply_alerted_since(
    conn: &Connection,
    client_id: &str,
    sender: Option<&str>,
    since: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM outbox o
             JOIN responses r ON r.id = CAST(substr(o.cycle, 10) AS INTEGER)
             WHERE o.client_id = ?1 AND o.stage = 'owner_alert' AND o.created_at >= ?2
               AND o.cycle = 'response-' || r.id AND r.sender IS ?3
             LIMIT 1",
        )?
        .query_row(params![client_id, ts(since), sender], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether the same words (the text body) went out to the same recipients in a message of the
/// same stage for the same client as `msg`, queued since `since`: a client who writes «ya pagué» twice in a
/// minute is not sent the same long acknowledgement twice, nor the owner the same alert. The
/// same words still waiting to go are withdrawn instead (the message about to be queued
/// replaces them: the earlier may yet be withdrawn for a change it does not know of). Cancelled
/// and dead messages do not count (they never arrived).
pub fn same_words_since(
    conn: &Connection,
    msg: &NewOutboxMessage,
    since: DateTime<Utc>,
) -> Result<bool> {
    let mut unpacker = packed::Unpacker::default();
    let same: Vec<(i64, String)> = conn
        .prepare_cached(&format!(
            "SELECT o.id, o.status, {} FROM outbox o
             JOIN outbox_bodies ON outbox_bodies.outbox_id = o.id
             WHERE o.client_id = ?1 AND o.stage = ?2 AND o.created_at >= ?3
               AND o.status NOT IN ('cancelled', 'dead') AND o.recipients = ?4
               AND (outbox_bodies.text = ?5 OR outbox_bodies.packed IS NOT NULL)",
            packed::packed_columns!()
        ))?
        .query_map(
            params![
                msg.client_id,
                msg.stage,
                ts(since),
                serde_json::to_string(&msg.recipients)?,
                msg.body_text
            ],
            |r| {
                let same = match unpacker.unpack(conn, r, 2)? {
                    Some((text, _)) => text == msg.body_text,
                    None => true,
                };
                Ok((r.get(0)?, r.get(1)?, same))
            },
        )?
        .filter(|found| !matches!(found, Ok((_, _, false))))
        .map(|found| found.map(|(id, status, _)| (id, status)))
        .collect::<rusqlite::Result<_>>()?;
    let waiting = |status: &str| matches!(status, "queued" | "failed");
    if same.iter().any(|(_, status)| !waiting(status)) {
        return Ok(true);
    }
    for (id, _) in same {
        cancel(
            conn,
            id,
            "the same words were queued again: the newer message goes",
        )?;
    }
    Ok(false)
}

/// Whether a key has been used.
pub fn key_exists(conn: &Connection, dedup_key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM outbox WHERE dedup_key = ?1")?
        .query_row([dedup_key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The columns [`from_row`] reads; the bodies come from `outbox_bodies` (see [`FROM`]), or
/// from the outbox row itself for a row written before they moved.
/// A packed body's columns follow ([`BODY_AT`]).
const COLUMNS: &str = concat!("id, dedup_key, client_id, stage, cycle, channel, recipients, cc, subject,
    coalesce(text, body_text), coalesce(html, body_html), attachment, message_id, in_reply_to, message_references, send_at,
    status, attempts, retry_at, last_error, sent_at, telegram_message_id, ", packed::packed_columns!());

/// Where the packed body's columns begin in [`COLUMNS`].
const BODY_AT: usize = 22;

/// The outbox with its bodies.
const FROM: &str = "outbox LEFT JOIN outbox_bodies ON outbox_bodies.outbox_id = outbox.id";

fn from_row(
    conn: &Connection,
    r: &Row<'_>,
    unpacker: &mut packed::Unpacker,
) -> rusqlite::Result<OutboxMessage> {
    let id: i64 = r.get(0)?;
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_number, reached FROM outbox_invoices WHERE outbox_id = ?1 ORDER BY invoice_number",
    )?;
    let invoices = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut msg = from_row_with(r, invoices)?;
    unpack_body(conn, r, unpacker, &mut msg)?;
    Ok(msg)
}

/// Puts a packed body of a row of [`COLUMNS`] in its message.
fn unpack_body(
    conn: &Connection,
    r: &Row<'_>,
    unpacker: &mut packed::Unpacker,
    msg: &mut OutboxMessage,
) -> rusqlite::Result<()> {
    if let Some((text, html)) = unpacker.unpack(conn, r, BODY_AT)? {
        msg.message.body_text = text;
        msg.message.body_html = html;
    }
    Ok(())
}

/// A message from a row of [`COLUMNS`] and its invoices, read separately (the planner's bulk
/// loader reads them all in one ordered pass instead of one query per message).
pub(crate) fn from_row_with(
    r: &Row<'_>,
    invoices: Vec<(String, bool)>,
) -> rusqlite::Result<OutboxMessage> {
    let id: i64 = r.get(0)?;
    let channel: String = r.get(5)?;
    let recipients: String = r.get(6)?;
    let cc: String = r.get(7)?;
    let status: String = r.get(16)?;
    let retry_at: Option<String> = r.get(18)?;
    let sent_at: Option<String> = r.get(20)?;
    Ok(OutboxMessage {
        id,
        message: NewOutboxMessage {
            dedup_key: r.get(1)?,
            client_id: r.get(2)?,
            stage: r.get(3)?,
            cycle: r.get(4)?,
            channel: Channel::from_str(&channel).map_err(|e| conversion(5, e))?,
            recipients: serde_json::from_str(&recipients).map_err(|e| conversion(6, e))?,
            cc: serde_json::from_str(&cc).map_err(|e| conversion(7, e))?,
            subject: r.get(8)?,
            body_text: r.get(9)?,
            body_html: r.get(10)?,
            attachment: r.get(11)?,
            message_id: r.get(12)?,
            in_reply_to: r.get(13)?,
            references: r.get(14)?,
            send_at: parse_ts(&r.get::<_, String>(15)?)?,
            invoices,
        },
        status: OutboxStatus::from_str(&status).map_err(|e| conversion(16, e))?,
        attempts: r.get(17)?,
        retry_at: retry_at.as_deref().map(parse_ts).transpose()?,
        last_error: r.get(19)?,
        sent_at: sent_at.as_deref().map(parse_ts).transpose()?,
        telegram_message_id: r.get(21)?,
    })
}

fn query(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<OutboxMessage>> {
    let mut out = Vec::new();
    query_each(conn, filter, params, |m| {
        out.push(m);
        Ok(())
    })?;
    Ok(out)
}

/// [`query`], calling `f` with each message as its row comes.
fn query_each(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
    mut f: impl FnMut(OutboxMessage) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM {FROM} {filter}"))?;
    let mut rows = stmt.query(params)?;
    let mut unpacker = packed::Unpacker::default();
    while let Some(row) = rows.next()? {
        f(from_row(conn, row, &mut unpacker)?)?;
    }
    Ok(())
}

/// One message by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxMessage>> {
    Ok(query(conn, "WHERE id = ?1", [id])?.into_iter().next())
}

/// Every message of a client, oldest first.
pub fn for_client(conn: &Connection, client_id: &str) -> Result<Vec<OutboxMessage>> {
    query(
        conn,
        "WHERE client_id = ?1 ORDER BY send_at, id",
        [client_id],
    )
}

/// Every message, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<OutboxMessage>> {
    query(conn, ALL, [])
}

/// The filters of [`all`] and [`with_status`] (and of [`for_each`], which streams them).
const ALL: &str = "ORDER BY send_at, id";
const WITH_STATUS: &str = "WHERE status = ?1 ORDER BY send_at, id";

/// Calls `f` with every message (or every one in `status`), oldest first, as the rows come:
/// `outbox list` on a large book, without holding them all (469,000 messages with their bodies
/// took 1.4 GB).
pub fn for_each(
    conn: &Connection,
    status: Option<OutboxStatus>,
    f: impl FnMut(OutboxMessage) -> Result<()>,
) -> Result<()> {
    match status {
        Some(s) => query_each(conn, WITH_STATUS, [s.as_str()], f),
        None => query_each(conn, ALL, [], f),
    }
}

/// What a line of `outbox list`'s table shows of a message: no bodies, no invoices.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxLine {
    /// The row's id.
    pub id: i64,
    /// Its state.
    pub status: OutboxStatus,
    /// `email` or `telegram`.
    pub channel: Channel,
    /// The client.
    pub client_id: String,
    /// The stage (template).
    pub stage: String,
    /// When it was sent, or is retried, or is due: the first of these it has.
    pub when: DateTime<Utc>,
    /// Where it goes.
    pub recipients: Vec<String>,
    /// The last delivery error, if any.
    pub last_error: Option<String>,
}

/// [`for_each`] for the table: only the columns a line shows, so listing a large outbox does
/// not read every message's bodies (a kilobyte or more each) and invoices.
pub fn for_each_line(
    conn: &Connection,
    status: Option<OutboxStatus>,
    mut f: impl FnMut(OutboxLine) -> Result<()>,
) -> Result<()> {
    let filter = if status.is_some() { WITH_STATUS } else { ALL };
    let mut stmt = conn.prepare(&format!(
        "SELECT id, status, channel, client_id, stage, coalesce(sent_at, retry_at, send_at),
                recipients, last_error
         FROM outbox {filter}"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(status.map(|s| s.as_str())))?;
    while let Some(r) = rows.next()? {
        let status: String = r.get(1)?;
        let channel: String = r.get(2)?;
        let recipients: String = r.get(6)?;
        f(OutboxLine {
            id: r.get(0)?,
            status: OutboxStatus::from_str(&status).map_err(|e| conversion(1, e))?,
            channel: Channel::from_str(&channel).map_err(|e| conversion(2, e))?,
            client_id: r.get(3)?,
            stage: r.get(4)?,
            when: parse_ts(&r.get::<_, String>(5)?)?,
            recipients: serde_json::from_str(&recipients).map_err(|e| conversion(6, e))?,
            last_error: r.get(7)?,
        })?;
    }
    Ok(())
}

/// Messages that mention an invoice, oldest first.
pub fn for_invoice(conn: &Connection, number: &str) -> Result<Vec<OutboxMessage>> {
    query(
        conn,
        "WHERE id IN (SELECT outbox_id FROM outbox_invoices WHERE invoice_number = ?1) ORDER BY send_at, id",
        [number],
    )
}

/// Messages ready to go at `now`: queued and due, or failed and due for a retry.
pub fn due(conn: &Connection, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>> {
    query(
        conn,
        "WHERE (status = 'queued' AND send_at <= ?1) OR (status = 'failed' AND retry_at <= ?1)
         ORDER BY send_at, id LIMIT ?2",
        params![ts(now), limit as i64],
    )
}

/// Marks a message as handed to the channel. Must be committed *before* the hand-over.
pub fn mark_sending(conn: &Connection, id: i64) -> Result<()> {
    if claim(conn, id, None)?.is_none() {
        bail!("outbox message {id} is no longer queued");
    }
    Ok(())
}

/// Marks a queued or failed message `sending` (one attempt more) and gives it `message_id` if
/// it has none, in one statement. Returns the Message-ID the row now has (`Some(None)`: none),
/// the one the message must go out with; `None` when the row is neither queued nor failed
/// (another process took it) and nothing changed. Must be committed *before* the hand-over;
/// the sender claims a group of messages in one transaction (see `sender`).
pub fn claim(
    conn: &Connection,
    id: i64,
    message_id: Option<&str>,
) -> Result<Option<Option<String>>> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1,
                               message_id = COALESCE(message_id, ?2)
             WHERE id = ?1 AND status IN ('queued', 'failed')
             RETURNING message_id",
        )?
        .query_row(params![id, message_id], |r| r.get(0))
        .optional()?)
}

/// Gives back a claimed message that was never handed over (the pass stopped first): it is
/// `previous` (queued or failed) again, without the attempt it did not make.
pub fn unclaim(conn: &Connection, id: i64, previous: OutboxStatus) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = ?2, attempts = attempts - 1 WHERE id = ?1 AND status = 'sending'",
    )?
    .execute(params![id, previous.as_str()])?;
    Ok(())
}

/// Records acceptance by the server at `at`, which is also the first attempt's instant if none
/// was recorded (one statement: a flush records tens of thousands of these).
pub fn mark_sent(
    conn: &Connection,
    id: i64,
    at: DateTime<Utc>,
    telegram_message_id: Option<i64>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = 'sent', sent_at = ?2, telegram_message_id = ?3, last_error = NULL,
                           retry_at = NULL, first_attempt_at = COALESCE(first_attempt_at, ?2)
         WHERE id = ?1",
    )?
    .execute(params![id, ts(at), telegram_message_id])?;
    Ok(())
}

/// Records a transient failure, to retry at `retry_at`.
pub fn mark_failed(conn: &Connection, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?2, retry_at = ?3 WHERE id = ?1",
        params![id, error, ts(retry_at)],
    )?;
    Ok(())
}

/// Records a permanent failure.
pub fn mark_dead(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET status = 'dead', last_error = ?2, retry_at = NULL WHERE id = ?1",
        params![id, error],
    )?;
    Ok(())
}

/// After a crash: a `sending` row that may have gone out becomes `uncertain`.
pub fn mark_interrupted(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = 'uncertain',
                last_error = 'interrupted while sending: it may or may not have been delivered'
         WHERE id = ?1 AND status = 'sending'",
    )?
    .execute([id])?;
    Ok(())
}

/// Gives back a message claimed by an interrupted pass that never handed it over: due again,
/// `failed` if it had failed before (it has a retry instant), `queued` otherwise.
pub fn unclaim_interrupted(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET status = CASE WHEN retry_at IS NULL THEN 'queued' ELSE 'failed' END,
                           attempts = attempts - 1
         WHERE id = ?1 AND status = 'sending'",
    )?
    .execute([id])?;
    Ok(())
}

/// Resolves an uncertain message as sent (found in the Sent mailbox) or queues it again by a
/// person's decision.
pub fn resolve_uncertain(conn: &Connection, id: i64, sent: bool, now: DateTime<Utc>) -> Result<()> {
    let n = if sent {
        conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?2 WHERE id = ?1 AND status = 'uncertain'",
            params![id, ts(now)],
        )?
    } else {
        conn.execute(
            "UPDATE outbox SET status = 'queued', send_at = ?2, first_attempt_at = NULL
             WHERE id = ?1 AND status = 'uncertain'",
            params![id, ts(now)],
        )?
    };
    if n != 1 {
        bail!("outbox message {id} is not uncertain");
    }
    Ok(())
}

/// Counts per status, for `status`.
pub fn counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut stmt =
        conn.prepare("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds the message we sent with this Message-ID (angle brackets optional).
pub fn by_message_id(conn: &Connection, message_id: &str) -> Result<Option<OutboxMessage>> {
    let bare = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    Ok(query(conn, "WHERE message_id = ?1", [format!("<{bare}>")])?
        .into_iter()
        .next())
}

/// Messages on the given channels ready to go at `now` (see [`due`]), oldest first.
pub fn due_on(
    conn: &Connection,
    now: DateTime<Utc>,
    channels: &[Channel],
    limit: usize,
) -> Result<Vec<OutboxMessage>> {
    query(
        conn,
        &format!(
            "WHERE {} ORDER BY send_at, id LIMIT ?2",
            due_filter(channels)
        ),
        params![ts(now), limit as i64],
    )
}

/// The ids of [`due_on`]'s messages, all of them, oldest first: what a send pass works
/// through (one sort of the due rows per pass instead of one per batch; see [`get_many`]).
pub fn due_ids_on(conn: &Connection, now: DateTime<Utc>, channels: &[Channel]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id FROM outbox WHERE {} ORDER BY send_at, id",
        due_filter(channels)
    ))?;
    let ids = stmt
        .query_map([ts(now)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// `WHERE` for due messages on `channels` at `?1`.
fn due_filter(channels: &[Channel]) -> String {
    let list = channels
        .iter()
        .map(|c| format!("'{}'", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "channel IN ({list})
           AND ((status = 'queued' AND send_at <= ?1) OR (status = 'failed' AND retry_at <= ?1))"
    )
}

/// Every message in one state, oldest first.
pub fn with_status(conn: &Connection, status: OutboxStatus) -> Result<Vec<OutboxMessage>> {
    query(conn, WITH_STATUS, [status.as_str()])
}

/// The earliest instant a queued or failed message becomes due, if any: when the daemon wakes.
pub fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn.query_row(
        "SELECT min(CASE status WHEN 'queued' THEN send_at ELSE retry_at END)
         FROM outbox WHERE status IN ('queued', 'failed')",
        [],
        |r| r.get(0),
    )?;
    Ok(next.map(|t| parse_ts(&t)).transpose()?)
}

/// The marker a dead message's `dedup_key` gets when its stage is released for a new attempt.
pub const RELEASED: &str = "#dead";

/// Records the first attempt's instant (kept on later attempts): retries are bounded by time.
pub fn mark_first_attempt(conn: &Connection, id: i64, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE outbox SET first_attempt_at = COALESCE(first_attempt_at, ?2) WHERE id = ?1",
    )?
    .execute(params![id, ts(at)])?;
    Ok(())
}

/// When a message was first handed to a channel, if it was.
pub fn first_attempt(conn: &Connection, id: i64) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn
        .query_row(
            "SELECT first_attempt_at FROM outbox WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(at.as_deref().map(parse_ts).transpose()?)
}

/// A dead message's stage may be planned again from `at` (see [`release_dead`]).
pub fn hold_stage_until(conn: &Connection, id: i64, at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET retry_at = ?2 WHERE id = ?1 AND status = 'dead'",
        params![id, ts(at)],
    )?;
    Ok(())
}

/// Frees the `dedup_key` of dead messages whose hold is over, so that the planner may queue
/// their stage again (on another channel when the client has one). Returns their ids.
pub fn release_dead(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(&format!(
        "UPDATE outbox SET dedup_key = dedup_key || ?2 || id, retry_at = NULL
         WHERE {DEAD_TO_RELEASE} RETURNING id"
    ))?;
    let ids = stmt
        .query_map(params![ts(now), RELEASED], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// The dead messages whose hold is over at `?1` and that still hold their stage's key (`?2`
/// is [`RELEASED`]).
const DEAD_TO_RELEASE: &str = "status = 'dead' AND retry_at IS NOT NULL AND retry_at <= ?1
                                AND instr(dedup_key, ?2) = 0";

/// Whether [`release_dead`] would release anything at `now` (a read, without the write lock).
pub fn any_dead_to_release(conn: &Connection, now: DateTime<Utc>) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE {DEAD_TO_RELEASE})"
        ))?
        .query_row(params![ts(now), RELEASED], |r| r.get(0))?)
}

/// Whether any message has `status` (a read through the `outbox_status` index).
pub fn any_with_status(conn: &Connection, status: OutboxStatus) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM outbox WHERE status = ?1)")?
        .query_row([status.as_str()], |r| r.get(0))?)
}

/// Whether a dead message still holds its stage's key (its stage is not planned again yet).
pub fn holds_its_stage(msg: &OutboxMessage) -> bool {
    msg.status == OutboxStatus::Dead && !msg.message.dedup_key.contains(RELEASED)
}

/// A message whose fate is unknown (the server may have accepted it): never resent blindly.
pub fn mark_uncertain(conn: &Connection, id: i64, error: &str) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET status = 'uncertain', last_error = ?2, retry_at = NULL WHERE id = ?1",
        params![id, error],
    )?;
    Ok(())
}

/// Moves a due message to `at` (outside the client's contact window) without an attempt.
pub fn postpone(conn: &Connection, id: i64, at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET send_at = CASE WHEN status = 'queued' THEN ?2 ELSE send_at END,
                           retry_at = CASE WHEN status = 'failed' THEN ?2 ELSE retry_at END
         WHERE id = ?1 AND status IN ('queued', 'failed')",
        params![id, ts(at)],
    )?;
    Ok(())
}

/// Queues a dead message again by a person's decision (after fixing an address, or once the
/// server is back), with a fresh retry period. Its stage key is taken back; if the planner has
/// queued the stage anew meanwhile, that message stands and this one is refused.
pub fn requeue_dead(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    let msg = get(conn, id)?.ok_or_else(|| {
        anyhow::anyhow!("there is no outbox message {id}: see `outbox list --status dead`")
    })?;
    if msg.status != OutboxStatus::Dead {
        bail!(
            "outbox message {id} is {}, not dead: only dead messages are requeued \
             (an uncertain one is decided with `outbox resolve {id} --sent|--requeue`)",
            msg.status.as_str()
        );
    }
    let key = msg.message.dedup_key;
    let original = key.split(RELEASED).next().unwrap_or(&key).to_owned();
    if original != key {
        let taken: Option<i64> = conn
            .query_row(
                "SELECT id FROM outbox WHERE dedup_key = ?1",
                [&original],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = taken {
            bail!(
                "outbox message {id}'s stage was already queued again as outbox message {other}: \
                 see `outbox list`"
            );
        }
    }
    conn.execute(
        "UPDATE outbox SET status = 'queued', dedup_key = ?2, send_at = ?3, attempts = 0,
                           first_attempt_at = NULL, retry_at = NULL
         WHERE id = ?1 AND status = 'dead'",
        params![id, original, ts(now)],
    )?;
    Ok(())
}

/// The earliest retry among failed messages, for "retrying at ..." messages.
pub fn next_retry(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = conn.query_row(
        "SELECT min(retry_at) FROM outbox WHERE status = 'failed'",
        [],
        |r| r.get(0),
    )?;
    Ok(at.as_deref().map(parse_ts).transpose()?)
}
