//! The inbox's own records: how far each IMAP mailbox was read, and contacts whose email
//! bounced.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;
use crate::domain::Contact;

/// How far a mailbox was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxState {
    /// The server's UIDVALIDITY when `last_uid` was recorded.
    pub uidvalidity: u32,
    /// The highest UID processed (applied or left for review).
    pub last_uid: u32,
}

/// The recorded state of `mailbox`, if it was ever read.
pub fn mailbox_state(conn: &Connection, mailbox: &str) -> Result<Option<MailboxState>> {
    Ok(conn
        .query_row(
            "SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = ?1",
            [mailbox],
            |r| {
                Ok(MailboxState {
                    uidvalidity: r.get(0)?,
                    last_uid: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// When `mailbox` was last read (the clock's time of the previous pass over it), if ever.
pub fn last_read(conn: &Connection, mailbox: &str) -> Result<Option<DateTime<Utc>>> {
    conn.query_row(
        "SELECT updated_at FROM mailbox_state WHERE mailbox = ?1",
        [mailbox],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|t| Ok(super::parse_ts(&t)?))
    .transpose()
}

/// Records that `mailbox` was read up to `state.last_uid` (never moves backwards within one
/// UIDVALIDITY).
pub fn set_mailbox_state(
    conn: &Connection,
    mailbox: &str,
    state: MailboxState,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (mailbox) DO UPDATE SET
             last_uid = CASE WHEN uidvalidity = excluded.uidvalidity
                             THEN max(last_uid, excluded.last_uid) ELSE excluded.last_uid END,
             uidvalidity = excluded.uidvalidity,
             updated_at = excluded.updated_at",
        params![mailbox, state.uidvalidity, state.last_uid, ts(now)],
    )?;
    Ok(())
}

/// Marks every contact with this address undeliverable by email; returns `(contact id,
/// client id)` of those newly marked.
pub fn mark_undeliverable(
    conn: &Connection,
    email: &str,
    diagnostic: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare(
        "UPDATE contacts SET email_undeliverable_at = ?2, email_bounce = ?3
         WHERE lower(email) = lower(?1) AND email_undeliverable_at IS NULL
         RETURNING id, client_id",
    )?;
    let rows = stmt.query_map(params![email, ts(now), diagnostic], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ids of the contacts whose email bounced.
pub fn undeliverable_contacts(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare("SELECT id FROM contacts WHERE email_undeliverable_at IS NOT NULL")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which of `addresses` are given up for `client_id` (a permanent bounce marked a contact of
/// the client with that address undeliverable).
pub fn undeliverable_among(
    conn: &Connection,
    client_id: &str,
    addresses: &[String],
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM contacts WHERE client_id = ?1 AND email = ?2 COLLATE NOCASE
           AND email_undeliverable_at IS NOT NULL",
    )?;
    let mut given_up = Vec::new();
    for address in addresses {
        if stmt.exists(rusqlite::params![client_id, address])? {
            given_up.push(address.clone());
        }
    }
    Ok(given_up)
}

/// Every contact as the planner must see it: a bounced email address is no address.
pub fn reachable_contacts(conn: &Connection) -> Result<Vec<Contact>> {
    let bounced = undeliverable_contacts(conn)?;
    let mut contacts = super::clients::all_contacts(conn)?;
    for c in contacts.iter_mut().filter(|c| bounced.contains(&c.id)) {
        c.email = None;
    }
    Ok(contacts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn state_never_moves_back_within_one_uidvalidity() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let now = Utc::now();
        let s = |v, u| MailboxState {
            uidvalidity: v,
            last_uid: u,
        };
        set_mailbox_state(c, "INBOX", s(7, 10), now).unwrap();
        set_mailbox_state(c, "INBOX", s(7, 4), now).unwrap();
        assert_eq!(mailbox_state(c, "INBOX").unwrap(), Some(s(7, 10)));
        set_mailbox_state(c, "INBOX", s(8, 2), now).unwrap();
        assert_eq!(mailbox_state(c, "INBOX").unwrap(), Some(s(8, 2)));
        assert_eq!(mailbox_state(c, "Other").unwrap(), None);
    }
}
