//! A send pass's statements for a whole group of messages at once: read them, claim them,
//! mark them sent.
//!
//! Why: the sender claims and records messages in groups (one transaction each, see
//! `sender`), and a first tick puts 20,000 messages through them. One statement per message
//! (a read plus an invoices read, a claim, a `sent` mark: four per message) cost about
//! 0.55 s of CPU per 20,000 messages in statement overhead alone; one statement per group
//! keeps only the row work. The ids travel as a JSON array (`json_each`), so the statements
//! are prepared once whatever the group's size.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{COLUMNS, FROM, OutboxMessage, from_row_with, packed::Unpacker, unpack_body};
use crate::store::ts;

/// `[1,2,3]`: ids for `json_each`.
fn json_ids(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// The messages with these ids, in that order (ids that do not exist are left out).
pub fn get_many(conn: &Connection, ids: &[i64]) -> Result<Vec<OutboxMessage>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = json_ids(ids.iter().copied());
    let mut invoices: HashMap<i64, Vec<(String, bool)>> = HashMap::with_capacity(ids.len());
    let mut stmt = conn.prepare_cached(
        "SELECT outbox_id, invoice_number, reached FROM outbox_invoices
         WHERE outbox_id IN (SELECT value FROM json_each(?1))
         ORDER BY outbox_id, invoice_number",
    )?;
    let mut rows = stmt.query([&list])?;
    while let Some(r) = rows.next()? {
        invoices
            .entry(r.get(0)?)
            .or_default()
            .push((r.get(1)?, r.get(2)?));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut found: HashMap<i64, OutboxMessage> = HashMap::with_capacity(ids.len());
    let mut rows = stmt.query([&list])?;
    let mut unpacker = Unpacker::default();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let mut msg = from_row_with(r, invoices.remove(&id).unwrap_or_default())?;
        unpack_body(conn, r, &mut unpacker, &mut msg)?;
        found.insert(id, msg);
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// [`super::claim`] for a group: each `(id, message_id)` is marked `sending` (one attempt
/// more) if it is queued or failed, and given `message_id` if it has none. Returns, for each
/// row claimed, the Message-ID it now has (the one it must go out with); rows another process
/// took are absent. Must be committed *before* any is handed over.
///
/// One statement for the group; the Message-IDs are written only where one is missing (a
/// statement that sets the column rewrites its unique index entry for every row, even when
/// the value stays: a random page each).
pub fn claim_many(
    conn: &Connection,
    rows: &[(i64, Option<String>)],
) -> Result<HashMap<i64, Option<String>>> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    // `+status`: the lookup goes by id (with the status index SQLite walked every queued row
    // for each group).
    let mut claimed: HashMap<i64, Option<String>> = conn
        .prepare_cached(&format!(
            "UPDATE {OR_FAIL} outbox SET status = 'sending', attempts = attempts + 1
             WHERE id IN (SELECT value FROM json_each(?1)) AND +status IN ('queued', 'failed')
             RETURNING id, message_id"
        ))?
        .query_map([json_ids(rows.iter().map(|(id, _)| *id))], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, new) in rows {
        if let (Some(new), Some(stored @ None)) = (new, claimed.get_mut(id)) {
            conn.prepare_cached("UPDATE outbox SET message_id = ?2 WHERE id = ?1")?
                .execute(params![id, new])?;
            *stored = Some(new.clone());
        }
    }
    Ok(claimed)
}

/// `OR FAIL` on the group statements: a failure stops the statement without undoing its
/// earlier rows, which spares SQLite the statement journal it otherwise keeps for a
/// multi-row change (spilled to a temporary file past 64 KiB: half the cost of the
/// statement). Nothing half-done survives: any error rolls back the whole transaction.
const OR_FAIL: &str = "OR FAIL";

/// [`super::mark_sent`] for a group whose channel gave no message id (email, files): one
/// statement. Returns how many rows it changed.
pub fn mark_sent_many(conn: &Connection, ids: &[i64], at: DateTime<Utc>) -> Result<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(conn
        .prepare_cached(&format!(
            "UPDATE {OR_FAIL} outbox SET status = 'sent', sent_at = ?2, telegram_message_id = NULL,
                               last_error = NULL, retry_at = NULL,
                               first_attempt_at = COALESCE(first_attempt_at, ?2)
             WHERE id IN (SELECT value FROM json_each(?1))"
        ))?
        .execute(params![json_ids(ids.iter().copied()), ts(at)])?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_as_json() {
        assert_eq!(json_ids([]), "[]");
        assert_eq!(json_ids([3, -1, 12]), "[3,-1,12]");
    }
}
