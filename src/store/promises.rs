//! Promises to pay: from replies or typed in by the owner.

use std::str::FromStr;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row, params};

use super::clients::conversion;
use super::{parse_day, ts};
use crate::domain::Money;

pub use crate::domain::agreement::{Promise, PromiseStatus};

fn from_row(r: &Row<'_>) -> rusqlite::Result<Promise> {
    let status: String = r.get(7)?;
    Ok(Promise {
        id: r.get(0)?,
        client_id: r.get(1)?,
        invoice_number: r.get(2)?,
        promised_date: parse_day(&r.get::<_, String>(3)?)?,
        amount: r.get(4)?,
        source: r.get(5)?,
        ambiguous: r.get(6)?,
        status: PromiseStatus::from_str(&status).map_err(|e| conversion(7, e))?,
        created_at: super::parse_ts(&r.get::<_, String>(8)?)?,
        resolved_at: r
            .get::<_, Option<String>>(9)?
            .as_deref()
            .map(super::parse_ts)
            .transpose()?,
    })
}

/// Records a promise; an earlier pending promise of the same client and invoice is replaced.
#[allow(clippy::too_many_arguments)]
pub fn add(
    conn: &Connection,
    client_id: &str,
    invoice_number: Option<&str>,
    promised_date: NaiveDate,
    amount: Option<Money>,
    source: &str,
    response_id: Option<i64>,
    ambiguous: bool,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "UPDATE promises SET status = 'cancelled', resolved_at = ?3
         WHERE client_id = ?1 AND status = 'pending' AND (invoice_number IS ?2 OR ?2 IS NULL)",
        params![client_id, invoice_number, ts(now)],
    )?;
    conn.execute(
        "INSERT INTO promises (client_id, invoice_number, promised_date, amount, source, response_id,
                               ambiguous, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![client_id, invoice_number, promised_date, amount, source, response_id, ambiguous, ts(now)],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Cancels the client's pending promises about `invoices`, and its promise about all its
/// invoices when `whole` (the invoices named are all it owes); returns the ids cancelled.
pub fn cancel_pending_about(
    conn: &Connection,
    client_id: &str,
    invoices: &[String],
    whole: bool,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for p in pending(conn)?
        .into_iter()
        .filter(|p| p.client_id == client_id)
    {
        let about = match &p.invoice_number {
            Some(n) => invoices.contains(n),
            None => whole,
        };
        if about && settle_pending(conn, p.id, PromiseStatus::Cancelled, now)? {
            ids.push(p.id);
        }
    }
    Ok(ids)
}

/// The promise read from a response that an acknowledgement about `invoices` (its outbox
/// invoices: number, reached) is about, if any.
/// A reply that promised to pay some of the client's invoices made one promise per invoice
/// (on one day, or each on its own): the one about these invoices, a pending one first (the
/// acknowledgement holds while any is pending).
pub fn of_response(
    conn: &Connection,
    response_id: i64,
    invoices: &[(String, bool)],
) -> Result<Option<Promise>> {
    let all = all_of_response(conn, response_id)?;
    let about = |p: &&Promise| {
        p.invoice_number
            .as_ref()
            .is_none_or(|n| invoices.is_empty() || invoices.iter().any(|(i, _)| i == n))
    };
    Ok(all.iter().find(about).or(all.first()).cloned())
}

/// Every promise recorded from reply `response_id`, the pending first, then the newest first.
pub fn all_of_response(conn: &Connection, response_id: i64) -> Result<Vec<Promise>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, client_id, invoice_number, promised_date, amount, source, ambiguous, status, created_at,
                resolved_at
         FROM promises WHERE response_id = ?1 ORDER BY status = 'pending' DESC, id DESC",
    )?;
    let all = stmt
        .query_map([response_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(all)
}

/// Every promise, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<Promise>> {
    let mut stmt = conn.prepare(
        "SELECT id, client_id, invoice_number, promised_date, amount, source, ambiguous, status, created_at,
                resolved_at
         FROM promises ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The pending promises, oldest first (what `status` lists).
pub fn pending(conn: &Connection) -> Result<Vec<Promise>> {
    let mut stmt = conn.prepare(
        "SELECT id, client_id, invoice_number, promised_date, amount, source, ambiguous, status, created_at,
                resolved_at
         FROM promises WHERE status = 'pending' ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Settles a pending promise (kept or broken, as the planner found it); `false` when it is no
/// longer pending (settled meanwhile by someone else: that change stands).
pub fn settle_pending(
    conn: &Connection,
    id: i64,
    status: PromiseStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE promises SET status = ?2, resolved_at = ?3 WHERE id = ?1 AND status = 'pending'",
        params![id, status.as_str(), ts(now)],
    )?;
    Ok(changed > 0)
}
