//! Promises to pay: from replies or typed in by the owner.

use std::str::FromStr;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Row, params};
use serde::Serialize;

use super::clients::conversion;
use super::{parse_day, ts};
use crate::domain::Money;

/// Where a promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromiseStatus {
    /// The date (plus grace) has not passed yet.
    Pending,
    /// Paid by the date plus grace.
    Kept,
    /// Not paid by the date plus grace.
    Broken,
    /// Replaced by a newer promise or withdrawn.
    Cancelled,
}

impl PromiseStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PromiseStatus::Pending => "pending",
            PromiseStatus::Kept => "kept",
            PromiseStatus::Broken => "broken",
            PromiseStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for PromiseStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => PromiseStatus::Pending,
            "kept" => PromiseStatus::Kept,
            "broken" => PromiseStatus::Broken,
            "cancelled" => PromiseStatus::Cancelled,
            other => return Err(format!("unknown promise status {other:?}")),
        })
    }
}

/// A promise to pay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promise {
    /// Row id.
    pub id: i64,
    /// Client who promised.
    pub client_id: String,
    /// The invoice, or `None` for all the client's open invoices.
    pub invoice_number: Option<String>,
    /// Promised day.
    pub promised_date: NaiveDate,
    /// Promised amount, if stated.
    pub amount: Option<Money>,
    /// `reply` or `owner`.
    pub source: String,
    /// Whether the date was read with doubt (the acknowledgement asked to confirm).
    pub ambiguous: bool,
    /// State.
    pub status: PromiseStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was found kept or broken (or cancelled).
    pub resolved_at: Option<DateTime<Utc>>,
}

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

/// Sets a promise's final state.
pub fn resolve(
    conn: &Connection,
    id: i64,
    status: PromiseStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE promises SET status = ?2, resolved_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), ts(now)],
    )?;
    Ok(())
}
