//! What other writers changed while a pass queued in groups, so that nothing is queued from a
//! plan that is no longer true.
//!
//! Why: a pass that commits in groups ([`super::groups`]) plans every client from the state
//! the book was in when its read began, but writes the later groups seconds later, and between
//! two groups others may commit: the owner records a payment or cancels a plan, the inbox
//! applies a client's "no reconozco la factura". A reminder planned before that would claim a
//! debt that is paid or disputed. So each group's transaction, before it writes anything, looks
//! at the audit events others appended since the last look; the clients named by one that may
//! change a planned message (`EventKind::changes_a_planned_message`: a payment, a dispute, a
//! promise, a hold, a stop, an edit) are left out of this pass, and the next pass plans them
//! from the new state. The check runs inside the group's `BEGIN IMMEDIATE`, so nothing can be
//! committed between the look and the group's commit. (Events that name no client, such as a
//! whole file imported, change nothing by themselves: each row's change has its own event.)
//!
//! The pass's own writers are not "others": the planner (this pass's groups) and the sender
//! (which sends what the groups committed, on another connection of the same process). What is
//! queued is also checked once more when it is sent (`sender`, "Withdrawn").

use std::collections::HashSet;

use anyhow::Result;
use rusqlite::Connection;

use crate::domain::{Actor, EventKind};

/// The changes others made since the pass's read began.
pub(super) struct Changes {
    /// The last audit event looked at.
    seen: i64,
    /// Clients another writer changed.
    clients: HashSet<String>,
}

impl Changes {
    /// Starts from the audit log as `conn` sees it now (inside the pass's first transaction,
    /// where the planning read begins).
    pub(super) fn from_now_on(conn: &Connection) -> Result<Changes> {
        Ok(Changes {
            seen: last_event(conn)?,
            clients: HashSet::new(),
        })
    }

    /// The last audit event looked at.
    pub(super) fn seen(&self) -> i64 {
        self.seen
    }

    /// Reads the events appended since the last look by writers other than the pass's own.
    pub(super) fn look(&mut self, conn: &Connection) -> Result<()> {
        let mut stmt = conn.prepare_cached(
            "SELECT client_id, kind FROM events
             WHERE id > ?1 AND actor NOT IN (?2, ?3) AND client_id IS NOT NULL",
        )?;
        let mut rows = stmt.query(rusqlite::params![self.seen, Actor::Planner, Actor::Sender])?;
        while let Some(row) = rows.next()? {
            let kind: String = row.get(1)?;
            if EventKind::stored_changes_a_planned_message(&kind) {
                self.clients.insert(row.get(0)?);
            }
        }
        self.seen = last_event(conn)?;
        Ok(())
    }

    /// Whether `client` may have changed since the pass read it.
    pub(super) fn touch(&self, client: &str) -> bool {
        self.clients.contains(client)
    }

    /// Whether anyone else changed a client while the pass ran (whether or not the pass had
    /// written that client already): the daemon then plans again at once.
    pub(super) fn any(&self) -> bool {
        !self.clients.is_empty()
    }
}

fn last_event(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
}
