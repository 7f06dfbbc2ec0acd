//! Clients and contacts.

use std::str::FromStr;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::ts;
use crate::domain::{Channel, Client, ClientKind, Contact, ContactRole};

pub(crate) const CLIENT_COLUMNS: &str = "id, name, legal_name, tax_id, country, region, time_zone, kind, segment, language, tuteo, on_hold, notes, awaiting_answer_until";

pub(crate) fn client_from_row(row: &Row<'_>) -> rusqlite::Result<Client> {
    let tz: String = row.get(6)?;
    let kind: String = row.get(7)?;
    Ok(Client {
        id: row.get(0)?,
        name: row.get(1)?,
        legal_name: row.get(2)?,
        tax_id: row.get(3)?,
        country: row.get(4)?,
        region: row.get(5)?,
        time_zone: Tz::from_str(&tz).map_err(|e| conversion(6, e))?,
        kind: ClientKind::from_str(&kind).map_err(|e| conversion(7, e))?,
        segment: row.get(8)?,
        language: row.get(9)?,
        tuteo: row.get(10)?,
        on_hold: row.get(11)?,
        notes: row.get(12)?,
        awaiting_answer_until: row
            .get::<_, Option<String>>(13)?
            .as_deref()
            .map(super::parse_ts)
            .transpose()?,
    })
}

pub(crate) fn conversion(col: usize, e: impl ToString) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        e.to_string().into(),
    )
}

/// Inserts or updates a client; returns whether anything changed.
pub fn upsert(conn: &Connection, client: &Client, now: DateTime<Utc>) -> Result<bool> {
    // What cobrador keeps on the client row (a reply awaiting an answer) is not the import's
    // to change, nor a change.
    let stored = get(conn, &client.id)?.map(|c| Client {
        awaiting_answer_until: client.awaiting_answer_until,
        ..c
    });
    if stored.as_ref() == Some(client) {
        return Ok(false);
    }
    conn.prepare_cached(
        "INSERT INTO clients (id, name, legal_name, tax_id, country, region, time_zone, kind, segment,
                              language, tuteo, on_hold, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, legal_name = excluded.legal_name, tax_id = excluded.tax_id,
             country = excluded.country, region = excluded.region, time_zone = excluded.time_zone,
             kind = excluded.kind, segment = excluded.segment, language = excluded.language,
             tuteo = excluded.tuteo, notes = excluded.notes, updated_at = excluded.updated_at")?.execute(
        params![
            client.id,
            client.name,
            client.legal_name,
            client.tax_id,
            client.country,
            client.region,
            client.time_zone.name(),
            client.kind.as_str(),
            client.segment,
            client.language,
            client.tuteo,
            client.on_hold,
            client.notes,
            ts(now),
        ],
    )
    .with_context(|| format!("Failed to save client {}", client.id))?;
    Ok(true)
}

/// One client by id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<Client>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?1"
        ))?
        .query_row([id], client_from_row)
        .optional()?)
}

/// Whether a client with this id exists (one indexed probe, for imports).
pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// Every client, by id (not the reserved owner row that owner-only messages belong to).
pub fn list(conn: &Connection) -> Result<Vec<Client>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CLIENT_COLUMNS} FROM clients WHERE id <> ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([crate::domain::OWNER_CLIENT], client_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The ids of the clients written to with usted, by id, and how many there are (at most
/// `limit` ids).
pub fn addressed_as_usted(conn: &Connection, limit: usize) -> Result<(Vec<String>, i64)> {
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM clients WHERE tuteo = 0 AND id <> ?1",
        [crate::domain::OWNER_CLIENT],
        |r| r.get(0),
    )?;
    let mut stmt =
        conn.prepare("SELECT id FROM clients WHERE tuteo = 0 AND id <> ?1 ORDER BY id LIMIT ?2")?;
    let ids = stmt
        .query_map(
            rusqlite::params![crate::domain::OWNER_CLIENT, limit as i64],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((ids, count))
}

/// Calls `f` with each client that has a message due at `now` (queued and due, or failed and
/// due for a retry: [`super::outbox::due`]'s rows), by id: what a send pass may meet, so that
/// it need not read every client's contact window when little or nothing is due. Streamed: the
/// first tick of a large book has tens of thousands.
pub fn for_each_with_due_messages(
    conn: &Connection,
    now: DateTime<Utc>,
    mut f: impl FnMut(Client) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CLIENT_COLUMNS} FROM clients WHERE id IN (
           SELECT client_id FROM outbox WHERE status = 'queued' AND send_at <= ?1
           UNION SELECT client_id FROM outbox WHERE status = 'failed' AND retry_at <= ?1)
         ORDER BY id"
    ))?;
    let mut rows = stmt.query([ts(now)])?;
    while let Some(r) = rows.next()? {
        f(client_from_row(r)?)?;
    }
    Ok(())
}

/// The hours a client asked to be written to within, with its words when a reply set them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OwnHours {
    /// Local hours, end exclusive.
    pub hours: crate::policy::TimeRange,
    /// The client's words, when a reply set them.
    pub said: Option<String>,
    /// When they were set.
    pub set_at: DateTime<Utc>,
}

/// Sets (`Some`) or clears (`None`) the hours `id` asked to be written to within.
pub fn set_own_hours(
    conn: &Connection,
    id: &str,
    hours: Option<crate::policy::TimeRange>,
    said: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    match hours {
        Some(hours) => conn.execute(
            "INSERT INTO client_hours (client_id, hours, said, set_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (client_id) DO UPDATE
             SET hours = excluded.hours, said = excluded.said, set_at = excluded.set_at",
            params![id, hours.to_string(), said, ts(now)],
        )?,
        None => conn.execute("DELETE FROM client_hours WHERE client_id = ?1", [id])?,
    };
    Ok(())
}

/// The hours `id` asked to be written to within, if any.
pub fn own_hours(conn: &Connection, id: &str) -> Result<Option<OwnHours>> {
    let row = conn
        .query_row(
            "SELECT hours, said, set_at FROM client_hours WHERE client_id = ?1",
            [id],
            |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?)),
        )
        .optional()?;
    row.map(|(hours, said, set_at)| {
        Ok(OwnHours {
            hours: hours.parse().map_err(anyhow::Error::msg)?,
            said,
            set_at: crate::store::parse_ts(&set_at)?,
        })
    })
    .transpose()
}

/// Every client's own hours: `(client id, country, hours)`, for the planner's and the
/// sender's settings ([`crate::policy::planner::Settings::with_client_hours`]). A row that
/// does not parse (written by hand) is skipped with a warning.
pub fn all_own_hours(conn: &Connection) -> Result<Vec<(String, String, crate::policy::TimeRange)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.client_id, c.country, h.hours FROM client_hours h
         JOIN clients c ON c.id = h.client_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut all = Vec::new();
    for row in rows {
        let (id, country, hours) = row?;
        match hours.parse() {
            Ok(hours) => all.push((id, country, hours)),
            Err(e) => {
                tracing::warn!(client = %id, "The client's own hours are unreadable ({e}); its country's hours apply.")
            }
        }
    }
    Ok(all)
}

/// Sets or clears the manual hold on a client.
pub fn set_hold(conn: &Connection, id: &str, on_hold: bool, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE clients SET on_hold = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, on_hold, ts(now)],
    )?;
    Ok(())
}

/// A reply of the client's waits for a person's answer until `until` (`None`: no longer): the
/// client's automatic reminders wait as long. A later wait never shortens an earlier one.
pub fn set_awaiting_answer(
    conn: &Connection,
    id: &str,
    until: Option<DateTime<Utc>>,
) -> Result<()> {
    match until {
        Some(until) => conn.execute(
            "UPDATE clients SET awaiting_answer_until = max(coalesce(awaiting_answer_until, ''), ?2)
             WHERE id = ?1",
            params![id, ts(until)],
        )?,
        None => conn.execute(
            "UPDATE clients SET awaiting_answer_until = NULL WHERE id = ?1",
            params![id],
        )?,
    };
    Ok(())
}

/// Until when the client's reminders wait for a person's answer ([`set_awaiting_answer`]).
pub fn awaiting_answer_until(conn: &Connection, id: &str) -> Result<Option<DateTime<Utc>>> {
    let until: Option<String> = conn
        .prepare_cached("SELECT awaiting_answer_until FROM clients WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(until.as_deref().map(super::parse_ts).transpose()?)
}

pub(crate) const CONTACT_COLUMNS: &str =
    "id, client_id, name, email, telegram_chat_id, role, preferred_channel, opted_out";

pub(crate) fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    let role: String = row.get(5)?;
    let channel: String = row.get(6)?;
    Ok(Contact {
        id: row.get(0)?,
        client_id: row.get(1)?,
        name: row.get(2)?,
        email: row.get(3)?,
        telegram_chat_id: row.get(4)?,
        role: ContactRole::from_str(&role).map_err(|e| conversion(5, e))?,
        preferred_channel: Channel::from_str(&channel).map_err(|e| conversion(6, e))?,
        opted_out: row.get(7)?,
    })
}

/// A contact as an import describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactInput {
    /// Name, if known.
    pub name: Option<String>,
    /// Email address.
    pub email: String,
    /// Role at the client.
    pub role: ContactRole,
    /// Preferred channel.
    pub preferred_channel: Channel,
}

/// Makes the client's imported email contacts exactly `contacts` (in order), keeping opt-outs
/// and Telegram links; returns whether anything changed.
pub fn sync_imported_contacts(
    conn: &Connection,
    client_id: &str,
    contacts: &[ContactInput],
) -> Result<bool> {
    let mut changed = false;
    let existing: Vec<Contact> = for_client(conn, client_id)?;
    for old in existing.iter().filter(|c| c.email.is_some()) {
        let still = contacts
            .iter()
            .any(|c| Some(&c.email) == old.email.as_ref());
        if !still && old.telegram_chat_id.is_none() {
            conn.prepare_cached("DELETE FROM contacts WHERE id = ?1 AND source = 'csv'")?
                .execute([old.id])?;
            changed = true;
        }
    }
    for (position, input) in contacts.iter().enumerate() {
        let same = existing.iter().any(|c| {
            c.email.as_ref() == Some(&input.email)
                && c.name == input.name
                && c.role == input.role
                && c.preferred_channel == input.preferred_channel
        });
        if same {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO contacts (client_id, name, email, role, preferred_channel, source, position)
             VALUES (?1, ?2, ?3, ?4, ?5, 'csv', ?6)
             ON CONFLICT (client_id, email) DO UPDATE SET
                 name = excluded.name, role = excluded.role,
                 preferred_channel = excluded.preferred_channel, position = excluded.position")?.execute(
            params![
                client_id,
                input.name,
                input.email,
                input.role.as_str(),
                input.preferred_channel.as_str(),
                position as i64
            ],
        )?;
        changed = true;
    }
    Ok(changed)
}

/// The client's contacts, billing first.
pub fn for_client(conn: &Connection, client_id: &str) -> Result<Vec<Contact>> {
    // Cached: an import reads every row's client's contacts.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE client_id = ?1
         ORDER BY CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END, position, id"
    ))?;
    let rows = stmt.query_map([client_id], contact_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The first contact, in the order of [`all_contacts`] (by client, billing first), whose email
/// is one of `senders` (ASCII letters in any case) or whose Telegram chat id one of them spells:
/// who a received message comes from. By index (`schema_lookups.sql`), not by reading them all.
pub fn first_for_senders(conn: &Connection, senders: &[&str]) -> Result<Option<Contact>> {
    Ok(for_senders(conn, senders)?
        .into_iter()
        .min_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, contact)| contact))
}

/// The clients whose contacts are `senders` (as [`first_for_senders`] finds them): more than
/// one when an address (a gestoría's, say) is the contact of several clients.
pub fn clients_of_senders(
    conn: &Connection,
    senders: &[&str],
) -> Result<std::collections::BTreeSet<String>> {
    Ok(for_senders(conn, senders)?
        .into_iter()
        .map(|(_, contact)| contact.client_id)
        .collect())
}

/// A contact's place in [`all_contacts`]'s order: client, role's rank, position, id.
type Place = (String, i64, i64, i64);

/// The contacts of [`first_for_senders`], each with its [`Place`].
fn for_senders(conn: &Connection, senders: &[&str]) -> Result<Vec<(Place, Contact)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLUMNS}, CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END,
                position
         FROM contacts WHERE email = ?1 COLLATE NOCASE
         UNION ALL
         SELECT {CONTACT_COLUMNS}, CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END,
                position
         FROM contacts WHERE telegram_chat_id = ?2"
    ))?;
    let mut found = Vec::new();
    for sender in senders {
        // A chat id only as Telegram writes it (no sign, no leading zeros, no spaces).
        let chat = sender
            .parse::<i64>()
            .ok()
            .filter(|n| n.to_string() == *sender);
        let mut rows = stmt.query(rusqlite::params![sender, chat])?;
        while let Some(row) = rows.next()? {
            let contact = contact_from_row(row)?;
            let key = (
                contact.client_id.clone(),
                row.get::<_, i64>(8)?,
                row.get::<_, i64>(9)?,
                contact.id,
            );
            found.push((key, contact));
        }
    }
    Ok(found)
}

/// Every contact, for the planner's snapshot.
pub fn all_contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts
         ORDER BY client_id, CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END, position, id"
    ))?;
    let rows = stmt.query_map([], contact_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks every contact of a client as opted out (or back in).
pub fn set_opt_out(conn: &Connection, client_id: &str, opted_out: bool) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET opted_out = ?2 WHERE client_id = ?1",
        params![client_id, opted_out],
    )?;
    Ok(())
}

/// Links a Telegram chat to the client's contact with this email, and prefers Telegram.
pub fn link_telegram(conn: &Connection, client_id: &str, email: &str, chat_id: i64) -> Result<()> {
    let n = conn.execute(
        "UPDATE contacts SET telegram_chat_id = ?3, preferred_channel = 'telegram'
         WHERE client_id = ?1 AND email = ?2",
        params![client_id, email, chat_id],
    )?;
    anyhow::ensure!(n == 1, "client {client_id} has no contact {email}");
    Ok(())
}

/// A client who asked not to be written to (every contact opted out) with invoices still open:
/// cobrador sends them nothing, so a person must handle them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OptedOutOwing {
    /// Client id.
    pub client_id: String,
    /// Client name.
    pub name: String,
    /// The open invoices, by number.
    pub invoices: Vec<String>,
}

/// How many of the [`OptedOutOwing`] the owner's lists name (`status`, the digest) before
/// they count the rest: a large book has hundreds, every day.
pub const OPTED_OUT_LISTED: usize = 10;

/// The open invoices created at `created_at` (an import) of clients handed over to a person
/// whose hand-over still covers an open invoice: cobrador sends them no overdue reminder (the
/// person who took over has the whole client), so the import says so.
pub fn handed_over_new(conn: &Connection, created_at: DateTime<Utc>) -> Result<Vec<OptedOutOwing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, i.number
           FROM invoices i JOIN clients c ON c.id = i.client_id
          WHERE i.status = 'open' AND i.created_at = ?1
            AND EXISTS (SELECT 1 FROM outbox o
                          JOIN outbox_invoices oi ON oi.outbox_id = o.id
                          JOIN invoices h ON h.number = oi.invoice_number
                         WHERE o.client_id = c.id AND o.stage = ?2 AND o.status = 'sent'
                           AND h.number <> i.number
                           AND h.status NOT IN ('paid', 'cancelled', 'written_off'))
          ORDER BY c.name, c.id, i.number",
    )?;
    let rows = stmt.query(rusqlite::params![
        ts(created_at),
        crate::domain::HANDOVER_STAGE
    ])?;
    by_client(rows)
}

/// Every [`OptedOutOwing`], by name: from the few opted-out contacts (a partial index), not
/// the whole book. With `created_at`, only the invoices created at that instant (an import's).
pub fn opted_out_owing(
    conn: &Connection,
    created_at: Option<DateTime<Utc>>,
) -> Result<Vec<OptedOutOwing>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.name, i.number
           FROM (SELECT DISTINCT client_id FROM contacts WHERE opted_out = 1) o
           JOIN clients c ON c.id = o.client_id
           JOIN invoices i ON i.client_id = c.id AND i.status = 'open'
                            AND (?1 IS NULL OR i.created_at = ?1)
          WHERE NOT EXISTS (SELECT 1 FROM contacts k
                             WHERE k.client_id = c.id AND k.opted_out = 0)
          ORDER BY c.name, c.id, i.number",
    )?;
    by_client(stmt.query([created_at.map(ts)])?)
}

/// Rows of (client id, name, invoice number), in client order, as one [`OptedOutOwing`] per
/// client.
fn by_client(mut rows: rusqlite::Rows<'_>) -> Result<Vec<OptedOutOwing>> {
    let mut out: Vec<OptedOutOwing> = Vec::new();
    while let Some(r) = rows.next()? {
        let (id, name, number): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        match out.last_mut() {
            Some(last) if last.client_id == id => last.invoices.push(number),
            _ => out.push(OptedOutOwing {
                client_id: id,
                name,
                invoices: vec![number],
            }),
        }
    }
    Ok(out)
}
