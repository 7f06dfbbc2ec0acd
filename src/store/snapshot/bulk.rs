//! The bulk loader: every table read once, in client order, and merged.
//!
//! The big tables (clients, contacts, invoices, payments, messages and the invoices each
//! message covers) are each read by one statement ordered by client id (indexes in
//! `schema_scale.sql` give that order without sorting), and a cursor per statement hands out
//! the rows of the client being built: the cost is linear in the rows, and only one client's
//! file is held at a time. Promises and payment plans are few and read whole.
//!
//! The order inside each client is the order the per-client reference path gives
//! ([`super::load_reference`]): invoices by due date and number, payments by day and id,
//! contacts billing first, promises by creation, messages by send time and id. Message bodies
//! are not read: neither the planner nor the renderer looks at a past message's text.

use std::cmp::Ordering;
use std::collections::HashMap;

use anyhow::{Context, Result};
use rusqlite::{Connection, Row, Rows, Statement};

use chrono::{DateTime, Utc};

use super::to_plan;
use crate::domain::{Contact, Invoice, Money, PaidHistory, Payment};
use crate::policy::planner::ClientFile;
use crate::store::OutboxMessage;
use crate::store::clients::{CLIENT_COLUMNS, client_from_row, contact_from_row};
use crate::store::invoices::{INVOICE_COLUMNS, invoice_from_row, payment_from_row};

/// One ordered statement's rows, keyed by client id, with the next row read ahead.
pub(super) struct Cursor<'s, T> {
    rows: Rows<'s>,
    map: fn(&Row<'_>) -> rusqlite::Result<(String, T)>,
    next: Option<(String, T)>,
}

impl<'s, T> Cursor<'s, T> {
    pub(super) fn new(
        stmt: &'s mut Statement<'_>,
        map: fn(&Row<'_>) -> rusqlite::Result<(String, T)>,
    ) -> Result<Cursor<'s, T>> {
        let mut rows = stmt.query([])?;
        let next = rows.next()?.map(map).transpose()?;
        Ok(Cursor { rows, map, next })
    }

    /// The rows of `client` (rows of smaller ids, which have no client, are skipped).
    pub(super) fn take(&mut self, client: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while let Some((id, _)) = &self.next {
            match id.as_str().cmp(client) {
                Ordering::Greater => break,
                order => {
                    let (_, row) = self.next.take().context("cursor row read ahead vanished")?;
                    if order == Ordering::Equal {
                        out.push(row);
                    }
                    self.next = self.rows.next()?.map(self.map).transpose()?;
                }
            }
        }
        Ok(out)
    }
}

/// A bounced address is no address for the planner (as [`crate::store::inbox::reachable_contacts`]).
const CONTACTS: &str = "SELECT id, client_id, name,
    CASE WHEN email_undeliverable_at IS NULL THEN email END, telegram_chat_id, role,
    preferred_channel, opted_out FROM contacts
    ORDER BY client_id, CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END, position, id";

/// Payments with their invoice's client (last column), in client order; sorted by day and id
/// per client afterwards.
const PAYMENTS: &str = "SELECT p.id, p.invoice_number, p.paid_on, p.amount, p.reference, p.kind,
    i.client_id FROM invoices i JOIN payments p ON p.invoice_number = i.number
    ORDER BY i.client_id";

/// The outbox columns of [`crate::store::outbox`] with the bodies left out (empty).
const MESSAGES: &str = "SELECT id, dedup_key, client_id, stage, cycle, channel, recipients, cc,
    subject, '', NULL, attachment, message_id, in_reply_to, message_references, send_at,
    status, attempts, retry_at, last_error, sent_at, telegram_message_id
    FROM outbox ORDER BY client_id, send_at, id";

/// The invoices of each message, in client order (sorted by invoice number per message in Rust: no
/// sort of the whole table in SQLite).
const MESSAGE_INVOICES: &str = "SELECT o.client_id, oi.outbox_id, oi.invoice_number, oi.reached
    FROM outbox o JOIN outbox_invoices oi ON oi.outbox_id = o.id
    ORDER BY o.client_id";

fn keyed_client(r: &Row<'_>) -> rusqlite::Result<(String, crate::domain::Client)> {
    Ok((r.get(0)?, client_from_row(r)?))
}

fn keyed_contact(r: &Row<'_>) -> rusqlite::Result<(String, Contact)> {
    Ok((r.get(1)?, contact_from_row(r)?))
}

fn keyed_invoice(r: &Row<'_>) -> rusqlite::Result<(String, Invoice)> {
    Ok((r.get(1)?, invoice_from_row(r)?))
}

fn keyed_payment(r: &Row<'_>) -> rusqlite::Result<(String, Payment)> {
    Ok((r.get(6)?, payment_from_row(r)?))
}

fn keyed_message(r: &Row<'_>) -> rusqlite::Result<(String, OutboxMessage)> {
    Ok((
        r.get(2)?,
        crate::store::outbox::from_row_with(r, Vec::new())?,
    ))
}

type MessageInvoice = (i64, (String, bool));

fn keyed_message_invoice(r: &Row<'_>) -> rusqlite::Result<(String, MessageInvoice)> {
    Ok((r.get(0)?, (r.get(1)?, (r.get(2)?, r.get(3)?))))
}

/// Calls `f` with every client's file, in client id order, reading each table once.
pub fn for_each_client(conn: &Connection, f: impl FnMut(ClientFile) -> Result<()>) -> Result<()> {
    for_each(conn, None, f)
}

/// Calls `f` with every client's file as the planner needs it at `now`: the open invoices, the
/// few closed ones and payments it looks at, and a summary of the rest (see [`super::to_plan`]).
pub fn for_each_client_to_plan(
    conn: &Connection,
    now: DateTime<Utc>,
    f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    for_each(conn, Some(now), f)
}

/// Where a client's invoices and payments come from: every row (`Whole`), or a planning read.
enum Invoices<'s> {
    Whole {
        invoices: Cursor<'s, Invoice>,
        payments: Cursor<'s, Payment>,
    },
    ToPlan {
        open: Cursor<'s, Invoice>,
        history: Cursor<'s, PaidHistory>,
        whole: to_plan::Whole,
    },
}

impl Invoices<'_> {
    /// The invoices (with balances, by due date and number), payments (by day and id) and
    /// history summary of `client`.
    fn take(&mut self, client: &str) -> Result<(Vec<Invoice>, Vec<Payment>, Option<PaidHistory>)> {
        match self {
            Invoices::Whole { invoices, payments } => {
                let mut payments = payments.take(client)?;
                payments.sort_by(|a, b| a.paid_on.cmp(&b.paid_on).then(a.id.cmp(&b.id)));
                let mut invoices = invoices.take(client)?;
                with_balances(&mut invoices, &payments);
                Ok((invoices, payments, None))
            }
            Invoices::ToPlan {
                open,
                history,
                whole,
            } => {
                let mut invoices = open.take(client)?;
                if let Some(closed) = whole.invoices.remove(client) {
                    invoices.extend(closed);
                    invoices
                        .sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.number.cmp(&b.number)));
                }
                let mut payments = whole.payments.remove(client).unwrap_or_default();
                payments.sort_by(|a, b| a.paid_on.cmp(&b.paid_on).then(a.id.cmp(&b.id)));
                // No closed invoice: an empty summary for the same dates.
                let history = history
                    .take(client)?
                    .pop()
                    .unwrap_or_else(|| whole.empty.clone());
                Ok((invoices, payments, Some(history)))
            }
        }
    }
}

fn for_each(
    conn: &Connection,
    to_plan_at: Option<DateTime<Utc>>,
    mut f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    // One read transaction: every statement sees the same database. Inside the caller's own
    // transaction (the tick queues as it plans), that one.
    let _read = match conn.is_autocommit() {
        true => Some(conn.unchecked_transaction()?),
        false => None,
    };
    let tx = conn;
    let mut promises: HashMap<String, Vec<_>> = HashMap::new();
    for p in crate::store::promises::all(tx)? {
        promises.entry(p.client_id.clone()).or_default().push(p);
    }
    let mut plans: HashMap<String, Vec<_>> = HashMap::new();
    for p in crate::store::agreements::plans(tx)? {
        plans.entry(p.client_id.clone()).or_default().push(p);
    }
    let mut s_clients = tx.prepare(&format!("SELECT {CLIENT_COLUMNS} FROM clients ORDER BY id"))?;
    let mut s_contacts = tx.prepare(CONTACTS)?;
    let (invoices_sql, payments_sql) = match to_plan_at {
        None => (
            format!("SELECT {INVOICE_COLUMNS} FROM invoices ORDER BY client_id, due_date, number"),
            PAYMENTS.to_owned(),
        ),
        Some(now) => (to_plan::open_invoices_sql(), to_plan::history_sql(now)),
    };
    let mut s_invoices = tx.prepare(&invoices_sql)?;
    let mut s_payments = tx.prepare(&payments_sql)?;
    let mut s_messages = tx.prepare(MESSAGES)?;
    let mut s_message_invoices = tx.prepare(MESSAGE_INVOICES)?;
    let mut clients = Cursor::new(&mut s_clients, keyed_client)?;
    let mut contacts = Cursor::new(&mut s_contacts, keyed_contact)?;
    let mut invoices = match to_plan_at {
        None => Invoices::Whole {
            invoices: Cursor::new(&mut s_invoices, keyed_invoice)?,
            payments: Cursor::new(&mut s_payments, keyed_payment)?,
        },
        Some(now) => Invoices::ToPlan {
            open: Cursor::new(&mut s_invoices, to_plan::keyed_open_invoice)?,
            history: Cursor::new(&mut s_payments, to_plan::keyed_history)?,
            whole: to_plan::Whole::read(tx, now)?,
        },
    };
    let mut messages = Cursor::new(&mut s_messages, keyed_message)?;
    let mut message_invoices = Cursor::new(&mut s_message_invoices, keyed_message_invoice)?;
    while let Some((id, client)) = clients.next.take() {
        clients.next = clients.rows.next()?.map(clients.map).transpose()?;
        let (invoices, payments, history) = invoices.take(&id)?;
        let mut messages = messages.take(&id)?;
        let mut by_message: HashMap<i64, Vec<(String, bool)>> = HashMap::new();
        for (outbox_id, inv) in message_invoices.take(&id)? {
            by_message.entry(outbox_id).or_default().push(inv);
        }
        for m in &mut messages {
            let mut invoices = by_message.remove(&m.id).unwrap_or_default();
            invoices.sort();
            m.message.invoices = invoices;
        }
        let messages = messages
            .into_iter()
            .map(super::as_the_planner_sees_it)
            .collect();
        f(ClientFile {
            contacts: contacts.take(&id)?,
            payments,
            promises: promises.remove(&id).unwrap_or_default(),
            messages,
            plans: plans.remove(&id).unwrap_or_default(),
            invoices,
            client,
            history,
        })?;
    }
    Ok(())
}

/// Each invoice's paid sum and balance from its client's payments (exact decimals, in Rust).
fn with_balances(invoices: &mut [Invoice], payments: &[Payment]) {
    if payments.is_empty() {
        return;
    }
    let mut paid: HashMap<&str, Money> = HashMap::new();
    for p in payments {
        let sum = paid.entry(p.invoice_number.as_str()).or_insert(Money::ZERO);
        *sum = *sum + p.amount;
    }
    for inv in invoices {
        if let Some(sum) = paid.get(inv.number.as_str()) {
            inv.paid = *sum;
            inv.balance = inv.amount - inv.paid;
        }
    }
}
