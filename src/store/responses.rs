//! Replies received from clients, understood and applied or left for review.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{parse_day, parse_ts, ts};
use crate::domain::{Intent, Money, ReplyChannel, ReplyKind, ResponseStatus};

/// A reply to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewResponse {
    /// Matched client, if any.
    pub client_id: Option<String>,
    /// Matched outbox message, if any.
    pub outbox_id: Option<i64>,
    /// How it arrived (`email`, `telegram`, `manual`).
    pub channel: ReplyChannel,
    /// Message-ID or Telegram update id: makes re-reading idempotent.
    pub external_id: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Sender address or chat.
    pub sender: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// The text (as received).
    pub body: String,
    /// Understood intent (`bounce` for a delivery failure).
    pub intent: Intent,
    /// Promised date.
    pub promised_date: Option<NaiveDate>,
    /// Promised amount.
    pub promised_amount: Option<Money>,
    /// Read with doubt.
    pub ambiguous: bool,
    /// The words that decided.
    pub evidence: Vec<String>,
    /// `applied`, `needs_review` or `reviewed`.
    pub status: ResponseStatus,
    /// Invoices it concerns.
    pub invoices: Vec<String>,
    /// `reply`, `auto_reply`, `bounce` or `unparsed`.
    pub kind: ReplyKind,
    /// Where the raw message is (`imap:MAILBOX;UIDVALIDITY=n;UID=m`, a file), if anywhere.
    pub raw_ref: Option<String>,
    /// The client's visible words (no quotes, no signature).
    pub excerpt: Option<String>,
    /// What was done, in one line.
    pub effect: Option<String>,
}

/// A stored reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredResponse {
    /// Row id.
    pub id: i64,
    /// The reply.
    #[serde(flatten)]
    pub response: NewResponse,
}

/// Stores a reply unless its external id was seen; returns the new id or `None`.
pub fn insert_if_new(
    conn: &Connection,
    r: &NewResponse,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let n = conn.execute(
        "INSERT INTO responses (client_id, outbox_id, channel, external_id, received_at, sender, subject,
                                body, intent, promised_date, promised_amount, ambiguous, evidence,
                                status, created_at, kind, raw_ref, excerpt, effect)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)
         ON CONFLICT (external_id) DO NOTHING",
        params![
            r.client_id,
            r.outbox_id,
            r.channel,
            r.external_id,
            ts(r.received_at),
            r.sender,
            r.subject,
            r.body,
            r.intent,
            r.promised_date,
            r.promised_amount,
            r.ambiguous,
            serde_json::to_string(&r.evidence)?,
            r.status,
            ts(now),
            r.kind,
            r.raw_ref,
            r.excerpt,
            r.effect,
        ],
    )?;
    if n == 0 {
        return Ok(None);
    }
    let id = conn.last_insert_rowid();
    for number in &r.invoices {
        conn.execute(
            "INSERT OR IGNORE INTO response_invoices (response_id, invoice_number) VALUES (?1, ?2)",
            params![id, number],
        )?;
    }
    Ok(Some(id))
}

fn from_row(conn: &Connection, r: &Row<'_>) -> rusqlite::Result<StoredResponse> {
    let id: i64 = r.get(0)?;
    let promised: Option<String> = r.get(10)?;
    let evidence: String = r.get(13)?;
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_number FROM response_invoices WHERE response_id = ?1 ORDER BY invoice_number",
    )?;
    let invoices = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(StoredResponse {
        id,
        response: NewResponse {
            client_id: r.get(1)?,
            outbox_id: r.get(2)?,
            channel: r.get(3)?,
            external_id: r.get(4)?,
            received_at: parse_ts(&r.get::<_, String>(5)?)?,
            sender: r.get(6)?,
            subject: r.get(7)?,
            body: r.get(8)?,
            intent: r.get(9)?,
            promised_date: promised.as_deref().map(parse_day).transpose()?,
            promised_amount: r.get(11)?,
            ambiguous: r.get(12)?,
            evidence: serde_json::from_str(&evidence).unwrap_or_default(),
            status: r.get(14)?,
            invoices,
            kind: r.get(15)?,
            raw_ref: r.get(16)?,
            excerpt: r.get(17)?,
            effect: r.get(18)?,
        },
    })
}

const COLUMNS: &str =
    "id, client_id, outbox_id, channel, external_id, received_at, sender, subject, body,
    intent, promised_date, promised_amount, ambiguous, evidence, status, kind, raw_ref, excerpt,
    effect";

/// Replies, newest first; only those needing review when `review_only`.
pub fn list(conn: &Connection, review_only: bool) -> Result<Vec<StoredResponse>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM responses WHERE ?1 = 0 OR status = ?2
         ORDER BY received_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map(params![review_only, ResponseStatus::NeedsReview], |r| {
        from_row(conn, r)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replies that concern an invoice (directly or through the client), oldest first.
pub fn for_invoice(conn: &Connection, number: &str) -> Result<Vec<StoredResponse>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM responses
         WHERE id IN (SELECT response_id FROM response_invoices WHERE invoice_number = ?1)
         ORDER BY received_at, id"
    ))?;
    let rows = stmt.query_map([number], |r| from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One reply by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<StoredResponse>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM responses WHERE id = ?1"))?;
    let mut rows = stmt.query_map([id], |r| from_row(conn, r))?;
    Ok(rows.next().transpose()?)
}

/// Whether a reply with this external id (Message-ID) is already stored.
pub fn exists(conn: &Connection, external_id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM responses WHERE external_id = ?1",
            [external_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The latest stored version of a message that clients can edit (Telegram): the reply stored
/// as `external_id`, or the newest of its edits (`<external_id>:edit:<date>`).
pub fn latest_version(conn: &Connection, external_id: &str) -> Result<Option<StoredResponse>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM responses
         WHERE external_id = ?1 OR (external_id > ?1 || ':edit:' AND external_id < ?1 || ':edit;')
         ORDER BY id DESC LIMIT 1"
    ))?;
    let mut rows = stmt.query_map([external_id], |r| from_row(conn, r))?;
    Ok(rows.next().transpose()?)
}

/// Records the owner's reading of a reply: its new class, intent, date, client and status.
pub fn set_review(conn: &Connection, id: i64, review: &Review<'_>) -> Result<()> {
    let n = conn.execute(
        "UPDATE responses SET kind = ?2, intent = ?3, promised_date = ?4, client_id = ?5,
                              status = ?6, effect = ?7
         WHERE id = ?1",
        params![
            id,
            review.kind,
            review.intent,
            review.promised_date,
            review.client_id,
            review.status,
            review.effect
        ],
    )?;
    anyhow::ensure!(n == 1, "no reply #{id} (see `cobrador responses`)");
    if let Some(numbers) = review.invoices {
        conn.execute("DELETE FROM response_invoices WHERE response_id = ?1", [id])?;
        for number in numbers {
            conn.execute(
                "INSERT OR IGNORE INTO response_invoices (response_id, invoice_number) VALUES (?1, ?2)",
                params![id, number],
            )?;
        }
    }
    Ok(())
}

/// A reply's new reading, decided by the owner.
#[derive(Debug, Clone)]
pub struct Review<'a> {
    /// `reply`, `auto_reply`, `bounce`.
    pub kind: ReplyKind,
    /// The intent.
    pub intent: Intent,
    /// The promised date.
    pub promised_date: Option<NaiveDate>,
    /// The client.
    pub client_id: Option<&'a str>,
    /// Its new status (the owner's reading: `reviewed`).
    pub status: ResponseStatus,
    /// What was done.
    pub effect: &'a str,
    /// The invoices it concerns, when they change.
    pub invoices: Option<&'a [String]>,
}
