//! The append-only audit log: every change a person or cobrador makes is an event.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use super::{parse_ts, ts};
use crate::domain::{Actor, EventKind};

/// One audit-log entry as read back: `actor` and `kind` stay text, so that a row written by a
/// newer version still reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it: an [`Actor`]'s spelling (`cli`, `import`, `planner`, `sender`, `inbox`...).
    pub actor: String,
    /// What happened: an [`EventKind`]'s spelling, e.g. `invoice.disputed`.
    pub kind: String,
    /// The client concerned.
    pub client_id: Option<String>,
    /// The invoice concerned.
    pub invoice_number: Option<String>,
    /// Details as JSON.
    pub detail: serde_json::Value,
}

/// Appends an event: `actor` and `kind` are stored as their spelling ([`Actor::as_str`]).
pub fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: Actor,
    kind: EventKind,
    client_id: Option<&str>,
    invoice_number: Option<&str>,
    detail: serde_json::Value,
) -> Result<()> {
    // Cached: an import appends one event per row changed.
    conn.prepare_cached(
        "INSERT INTO events (at, actor, kind, client_id, invoice_number, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        ts(at),
        actor,
        kind,
        client_id,
        invoice_number,
        detail.to_string()
    ])?;
    Ok(())
}

/// Events for a client (and optionally one invoice), oldest first.
pub fn for_client(conn: &Connection, client_id: &str, invoice: Option<&str>) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, kind, client_id, invoice_number, detail FROM events
         WHERE client_id = ?1 AND (?2 IS NULL OR invoice_number = ?2 OR invoice_number IS NULL)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![client_id, invoice], |r| {
        let at: String = r.get(0)?;
        let detail: String = r.get(5)?;
        Ok(Event {
            at: parse_ts(&at)?,
            actor: r.get(1)?,
            kind: r.get(2)?,
            client_id: r.get(3)?,
            invoice_number: r.get(4)?,
            detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
