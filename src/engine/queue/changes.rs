//! What other writers changed while a pass queued in groups, so that nothing is queued from a
//! plan that is no longer true.
//!
//! Why: a pass that commits in groups ([`super::groups`]) plans every client from the state
//! the book was in when its read began, but writes the later groups seconds later, and between
//! two groups others may commit: the owner records a payment or cancels a plan, the inbox
//! applies a client's "no reconozco la factura". A reminder planned before that would claim a
//! debt that is paid or disputed. So each group's transaction, before it writes anything, looks
//! at the audit events others appended since the last look (every change to a client's
//! invoices, payments, promises, plans, replies or contact preferences appends one, with the
//! client's id); the clients named there are left out of this pass, and the next pass plans
//! them from the new state. An event for no client in particular (a whole file imported, a bank
//! statement) leaves out every client not yet written. The check runs inside the group's
//! `BEGIN IMMEDIATE`, so nothing can be committed between the look and the group's commit.
//!
//! The pass's own writers are not "others": the planner (this pass's groups) and the sender
//! (which sends what the groups committed, on another connection of the same process).

use std::collections::HashSet;

use anyhow::Result;
use rusqlite::Connection;

use crate::domain::Actor;

/// The changes others made since the pass's read began.
pub(super) struct Changes {
    /// The last audit event looked at.
    seen: i64,
    /// Clients another writer changed.
    clients: HashSet<String>,
    /// Another writer changed something for no client in particular: any client may have.
    all: bool,
}

impl Changes {
    /// Starts from the audit log as `conn` sees it now (inside the pass's first transaction,
    /// where the planning read begins).
    pub(super) fn from_now_on(conn: &Connection) -> Result<Changes> {
        Ok(Changes {
            seen: last_event(conn)?,
            clients: HashSet::new(),
            all: false,
        })
    }

    /// The last audit event looked at.
    pub(super) fn seen(&self) -> i64 {
        self.seen
    }

    /// Reads the events appended since the last look by writers other than the pass's own.
    pub(super) fn look(&mut self, conn: &Connection) -> Result<()> {
        let mut stmt = conn.prepare_cached(
            "SELECT client_id FROM events WHERE id > ?1 AND actor NOT IN (?2, ?3)",
        )?;
        let mut rows = stmt.query(rusqlite::params![self.seen, Actor::Planner, Actor::Sender])?;
        while let Some(row) = rows.next()? {
            match row.get::<_, Option<String>>(0)? {
                Some(client) => {
                    self.clients.insert(client);
                }
                None => self.all = true,
            }
        }
        self.seen = last_event(conn)?;
        Ok(())
    }

    /// Whether `client` may have changed since the pass read it.
    pub(super) fn touch(&self, client: &str) -> bool {
        self.all || self.clients.contains(client)
    }
}

fn last_event(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
}
