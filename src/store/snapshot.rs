//! Loading the planner's snapshot in one read transaction.
//!
//! Only a delivered message advances the ladder. A message that died (the server refused it,
//! or kept failing for `limits.retry-for-hours`) is not a stage sent: while it still holds its
//! stage's key (for `limits.retry-stage-after-hours`, see `sender`) the planner sees it as
//! `failed`, still being tried, and waits; once released, it sees it `dead`, plans the stage
//! again and, where the client has another channel, uses that one.

mod bulk;
mod parts;
mod to_plan;

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

pub use bulk::{
    for_each_client, for_each_client_to_plan, for_each_client_to_plan_only,
    for_each_client_to_queue, messages_whole,
};
pub use parts::Handed;
pub use to_plan::{RECEIPT_DAYS, RECEIPT_PAID_DAYS};

use super::{OutboxMessage, OutboxStatus};
use crate::domain::{ClientFile, Snapshot};

/// A dead message that still holds its stage is, for planning, a stage still being tried.
fn as_the_planner_sees_it(mut m: OutboxMessage) -> OutboxMessage {
    if super::outbox::holds_its_stage(&m) {
        m.status = OutboxStatus::Failed;
    }
    m
}

/// Which planning read [`in_ranges`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRead {
    /// `plan`'s: [`for_each_client_to_plan_only`].
    Plan,
    /// The tick's pass: [`for_each_client_to_queue`]. Inside the caller's write transaction,
    /// every range, the caller's too, reads the database as that transaction began, each
    /// through a connection of its own when there are several: the caller may commit as it
    /// goes. (One range is read through the caller's connection.)
    Queue,
}

/// A planning read in up to `ranges` ranges of client ids, a thread each (see `parts`):
/// `mine` gets the first range's files on this thread, with the connection they were read
/// through (for [`RangeRead::Queue`], `conn` itself only when no other connection can be
/// had: an in-memory database); `theirs` each other range's on its thread, with that range's
/// connection, its state and a list of items to hand over; `then` those items and states,
/// after the first range, in client order.
pub fn in_ranges<S: Default + Send, T: Send>(
    conn: &Connection,
    read: RangeRead,
    now: DateTime<Utc>,
    ranges: usize,
    mine: impl FnMut(&Connection, ClientFile) -> Result<()>,
    theirs: impl Fn(&Connection, ClientFile, &mut S, &mut Vec<T>) -> Result<()> + Sync,
    then: impl FnMut(Handed<T, S>) -> Result<()>,
) -> Result<()> {
    let purpose = match read {
        RangeRead::Plan => to_plan::Purpose::Plan,
        RangeRead::Queue => to_plan::Purpose::Queue,
    };
    let apart = read == RangeRead::Queue;
    parts::in_ranges(conn, (now, purpose), ranges, apart, mine, theirs, then)
}

/// One client's file as [`load`] gives it, read by the indexes from that client on: what a
/// command about one client needs (`preview`, `agreement plan`), not the whole book (on a
/// 200,000-client book, `preview` read every client: 3.5 s and 1.2 GB).
pub fn load_client(conn: &Connection, client_id: &str) -> Result<Option<ClientFile>> {
    // The first id after `client_id` in byte order: the read stops before it.
    let next = format!("{client_id}\u{0}");
    let part = bulk::Part {
        from: client_id,
        to: Some(&next),
    };
    let mut found = None;
    bulk::for_each(conn, None, part, |file| {
        found = Some(file).filter(|f: &ClientFile| f.client.id == client_id);
        Ok(())
    })?;
    Ok(found)
}

/// Reads every client with its contacts, invoices, payments, promises and messages, through
/// the bulk loader (each table read once, in client order; see [`for_each_client`]).
pub fn load(conn: &Connection) -> Result<Snapshot> {
    let mut clients = Vec::new();
    for_each_client(conn, |file| {
        clients.push(file);
        Ok(())
    })?;
    Ok(Snapshot { clients })
}

/// One client per `(country, region)`, the first by id of each: enough to build the planner's
/// settings ([`crate::policy::planner::Settings::for_clients`]) without loading every client.
pub fn one_per_region(conn: &Connection) -> Result<Vec<crate::domain::Client>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM clients WHERE id IN (SELECT min(id) FROM clients GROUP BY country, region)
         ORDER BY id",
        super::clients::CLIENT_COLUMNS
    ))?;
    let rows = stmt.query_map([], super::clients::client_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reference loader, per client over whole tables (quadratic): the bulk loader must give
/// the planner the same plans (the test `tests/scale.rs` compares them on generated data).
/// Not for production use.
#[doc(hidden)]
pub fn load_reference(conn: &Connection) -> Result<Snapshot> {
    let clients = super::clients::list(conn)?;
    let contacts = super::inbox::reachable_contacts(conn)?;
    let invoices = super::invoices::list(conn, None)?;
    let payments = super::invoices::all_payments(conn)?;
    let promises = super::promises::all(conn)?;
    let messages: Vec<OutboxMessage> = super::outbox::all(conn)?
        .into_iter()
        .map(as_the_planner_sees_it)
        .collect();
    let plans = super::agreements::plans(conn)?;
    let files = clients
        .into_iter()
        .map(|client| {
            let id = client.id.clone();
            let invoices: Vec<_> = invoices
                .iter()
                .filter(|i| i.client_id == id)
                .cloned()
                .collect();
            ClientFile {
                contacts: contacts
                    .iter()
                    .filter(|c| c.client_id == id)
                    .cloned()
                    .collect(),
                payments: payments
                    .iter()
                    .filter(|p| invoices.iter().any(|i| i.number == p.invoice_number))
                    .cloned()
                    .collect(),
                promises: promises
                    .iter()
                    .filter(|p| p.client_id == id)
                    .cloned()
                    .collect(),
                messages: messages
                    .iter()
                    .filter(|m| m.message.client_id == id)
                    .cloned()
                    .collect(),
                plans: plans
                    .iter()
                    .filter(|p| p.client_id == id)
                    .cloned()
                    .collect(),
                in_favour: crate::domain::Credit::of(&invoices),
                invoices,
                client,
                history: None,
            }
        })
        .collect();
    Ok(Snapshot { clients: files })
}
