//! Loading the planner's snapshot in one read transaction.

use anyhow::Result;
use rusqlite::Connection;

use crate::policy::planner::{ClientFile, Snapshot};

/// Reads every client with its contacts, invoices, payments, promises and messages.
pub fn load(conn: &Connection) -> Result<Snapshot> {
    let clients = super::clients::list(conn)?;
    let contacts = super::inbox::reachable_contacts(conn)?;
    let invoices = super::invoices::list(conn, None)?;
    let payments = super::invoices::all_payments(conn)?;
    let promises = super::promises::all(conn)?;
    let messages = super::outbox::all(conn)?;
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
                invoices,
                client,
            }
        })
        .collect();
    Ok(Snapshot { clients: files })
}
