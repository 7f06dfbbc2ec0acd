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

use anyhow::Result;
use rusqlite::{Connection, Row, Rows, Statement};

use chrono::{DateTime, Utc};

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;

use super::to_plan::{self, Purpose};
use crate::domain::{Channel, Invoice, Money, PaidHistory, Payment, PaymentPlan, Promise};
use crate::policy::planner::ClientFile;
use crate::store::clients::{CLIENT_COLUMNS, client_from_row, contact_from_row};
use crate::store::invoices::{
    INVOICE_COLUMNS, invoice_from_row, invoice_with_paid, payment_from_row,
};
use crate::store::{OutboxMessage, OutboxStatus};

/// One ordered statement's rows with the client id in column `key`; the row under the cursor
/// is read ahead. The id is compared borrowed (no `String` per row for the key), and a row is
/// converted only for the client it belongs to.
pub(super) struct Cursor<'s, T> {
    rows: Rows<'s>,
    key: usize,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
}

impl<'s, T> Cursor<'s, T> {
    /// The rows of `stmt`, whose one parameter is the first client id it reads
    /// ([`Part::from`]).
    pub(super) fn new(
        stmt: &'s mut Statement<'_>,
        key: usize,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
        from: &str,
    ) -> Result<Cursor<'s, T>> {
        let mut rows = stmt.query([from])?;
        rows.advance()?;
        Ok(Cursor { rows, key, map })
    }

    /// The rows of `client` (rows of smaller ids, which have no client, are skipped).
    pub(super) fn take(&mut self, client: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while let Some(row) = self.rows.get() {
            match row.get_ref(self.key)?.as_str()?.cmp(client) {
                Ordering::Greater => break,
                Ordering::Equal => out.push((self.map)(row)?),
                Ordering::Less => {}
            }
            self.rows.advance()?;
        }
        Ok(out)
    }

    /// The next row's client and its value, in statement order; none from `to` on.
    fn next_row(&mut self, to: Option<&str>) -> Result<Option<(String, T)>> {
        let Some(row) = self.rows.get() else {
            return Ok(None);
        };
        if let Some(to) = to
            && row.get_ref(self.key)?.as_str()? >= to
        {
            return Ok(None);
        }
        let next = (row.get(self.key)?, (self.map)(row)?);
        self.rows.advance()?;
        Ok(Some(next))
    }
}

/// A bounced address is no address for the planner (as [`crate::store::inbox::reachable_contacts`]).
const CONTACTS: &str = "SELECT id, client_id, name,
    CASE WHEN email_undeliverable_at IS NULL THEN email END, telegram_chat_id, role,
    preferred_channel, opted_out FROM contacts WHERE client_id >= ?1
    ORDER BY client_id, CASE role WHEN 'billing' THEN 0 WHEN 'finance' THEN 1 ELSE 2 END, position, id";

/// Payments with their invoice's client (last column), in client order; sorted by day and id
/// per client afterwards.
const PAYMENTS: &str = "SELECT p.id, p.invoice_number, p.paid_on, p.amount, p.reference, p.kind,
    p.created_at, i.client_id FROM invoices i JOIN payments p ON p.invoice_number = i.number
    WHERE i.client_id >= ?1 ORDER BY i.client_id";

/// The outbox columns of [`crate::store::outbox`] with the bodies left out (empty).
const MESSAGES: &str = "SELECT id, dedup_key, client_id, stage, cycle, channel, recipients, cc,
    subject, '', NULL, attachment, message_id, in_reply_to, message_references, send_at,
    status, attempts, retry_at, last_error, sent_at, telegram_message_id
    FROM outbox WHERE client_id >= ?1 ORDER BY client_id, send_at, id";

/// [`MESSAGES`] of one client (`?1`), through the index on `(client_id, send_at, id)`.
const MESSAGES_OF_CLIENT: &str = "SELECT id, dedup_key, client_id, stage, cycle, channel,
    recipients, cc, subject, '', NULL, attachment, message_id, in_reply_to, message_references,
    send_at, status, attempts, retry_at, last_error, sent_at, telegram_message_id
    FROM outbox WHERE client_id = ?1 ORDER BY send_at, id";

/// The invoices of each message, in client order (sorted by invoice number per message in Rust: no
/// sort of the whole table in SQLite).
const MESSAGE_INVOICES: &str = "SELECT o.client_id, oi.outbox_id, oi.invoice_number, oi.reached
    FROM outbox o JOIN outbox_invoices oi ON oi.outbox_id = o.id
    WHERE o.client_id >= ?1 ORDER BY o.client_id";

/// [`MESSAGES`] without what only the tick reads of a past message (addresses, subject,
/// threading headers, errors): what `plan` reads. The planner looks at a past message's key,
/// stage, cycle, channel, status, times and invoices only (`tests/scale.rs` checks the plans).
const MESSAGES_TO_PLAN: &str = "SELECT id, dedup_key, client_id, stage, cycle, channel, status,
    send_at, sent_at FROM outbox WHERE client_id >= ?1 ORDER BY client_id, send_at, id";

fn message(r: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    crate::store::outbox::from_row_with(r, Vec::new())
}

/// A row of [`MESSAGES_TO_PLAN`].
fn message_to_plan(r: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    use std::str::FromStr;
    let conversion = crate::store::clients::conversion;
    let text = |i: usize| -> rusqlite::Result<&str> { Ok(r.get_ref(i)?.as_str()?) };
    let sent_at = match r.get_ref(8)?.as_str_or_null()? {
        Some(t) => Some(crate::store::parse_ts(t)?),
        None => None,
    };
    Ok(OutboxMessage {
        id: r.get(0)?,
        message: crate::store::NewOutboxMessage {
            dedup_key: r.get(1)?,
            client_id: r.get(2)?,
            stage: r.get(3)?,
            cycle: r.get(4)?,
            channel: Channel::from_str(text(5)?).map_err(|e| conversion(5, e))?,
            recipients: Vec::new(),
            cc: Vec::new(),
            subject: None,
            body_text: String::new(),
            body_html: None,
            attachment: None,
            message_id: None,
            in_reply_to: None,
            references: None,
            send_at: crate::store::parse_ts(text(7)?)?,
            invoices: Vec::new(),
        },
        status: OutboxStatus::from_str(text(6)?).map_err(|e| conversion(6, e))?,
        attempts: 0,
        retry_at: None,
        last_error: None,
        sent_at,
        telegram_message_id: None,
    })
}

/// A row of [`MESSAGE_INVOICES`]: the message, the invoice, whether it reached the stage.
type MessageInvoice = (i64, String, bool);

fn message_invoice(r: &Row<'_>) -> rusqlite::Result<MessageInvoice> {
    Ok((r.get(1)?, r.get(2)?, r.get(3)?))
}

/// Calls `f` with every client's file, in client id order, reading each table once.
pub fn for_each_client(conn: &Connection, f: impl FnMut(ClientFile) -> Result<()>) -> Result<()> {
    for_each(conn, None, Part::default(), f)
}

/// Calls `f` with every client's file as the planner and the tick's queueing pass need it at
/// `now`: the open invoices, the few closed ones and payments they look at, and a summary of
/// the rest (see [`super::to_plan`]).
pub fn for_each_client_to_plan(
    conn: &Connection,
    now: DateTime<Utc>,
    f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    for_each(conn, Some((now, Purpose::Tick)), Part::default(), f)
}

/// Like [`for_each_client_to_plan`], with only what the planner reads (for `plan`): no
/// receipts' part (paid invoices and payments of the last days that nothing else needs), and
/// past messages without their addresses, subjects and headers. `plan` reads it in ranges
/// ([`super::in_ranges`]); this is the same read on one thread.
pub fn for_each_client_to_plan_only(
    conn: &Connection,
    now: DateTime<Utc>,
    f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    for_each(conn, Some((now, Purpose::Plan)), Part::default(), f)
}

/// Like [`for_each_client_to_plan`], with past messages narrow as for `plan` (the receipts'
/// part is read): what the tick's queueing pass streams. The planner's part of each message is
/// all it plans with; the pass reads whole, with [`messages_whole`], the messages of the few
/// clients it renders for (threading, receipts' addresses), not the 22 columns of every one.
/// The pass reads it in ranges ([`super::in_ranges`]); this is the same read on one thread.
pub fn for_each_client_to_queue(
    conn: &Connection,
    now: DateTime<Utc>,
    f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    for_each(conn, Some((now, Purpose::Queue)), Part::default(), f)
}

/// One client's messages as [`for_each_client_to_plan`] gives them (whole, without bodies,
/// with their invoices, as the planner sees them), read by the client's index.
pub fn messages_whole(conn: &Connection, client_id: &str) -> Result<Vec<OutboxMessage>> {
    let mut stmt = conn.prepare_cached(MESSAGES_OF_CLIENT)?;
    let mut messages = stmt
        .query_map([client_id], message)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut links = conn.prepare_cached(
        "SELECT o.client_id, oi.outbox_id, oi.invoice_number, oi.reached
         FROM outbox o JOIN outbox_invoices oi ON oi.outbox_id = o.id WHERE o.client_id = ?1",
    )?;
    let links = links
        .query_map([client_id], message_invoice)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    link_invoices(&mut messages, links);
    Ok(messages
        .into_iter()
        .map(super::as_the_planner_sees_it)
        .collect())
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

/// Gives each of a client's messages its invoices (`links` sorted here: by message, then
/// invoice number, as the reference path orders them).
fn link_invoices(messages: &mut [OutboxMessage], mut links: Vec<MessageInvoice>) {
    if links.is_empty() {
        return;
    }
    links.sort_unstable();
    for m in messages {
        let from = links.partition_point(|l| l.0 < m.id);
        let to = from + links[from..].partition_point(|l| l.0 == m.id);
        m.message.invoices = links[from..to]
            .iter_mut()
            .map(|l| (std::mem::take(&mut l.1), l.2))
            .collect();
    }
}

/// The clients a read covers, by id: from `from` (inclusive; `""` is before every id) up to
/// `to` (exclusive; `None`: to the last). Every statement starts at `from` by its index, and
/// the read stops at the first client from `to` on.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Part<'a> {
    pub from: &'a str,
    pub to: Option<&'a str>,
}

/// What a read takes whole rather than in client order, grouped by client: promises and
/// payment plans (few), and for a planning read the closed invoices and payments it needs
/// ([`to_plan::Whole`]). Read once, and cut by range for a read in ranges ([`Shared::split`]).
pub(super) struct Shared {
    promises: HashMap<String, Vec<Promise>>,
    plans: HashMap<String, Vec<PaymentPlan>>,
    whole: Option<to_plan::Whole>,
}

impl Shared {
    pub(super) fn read(
        conn: &Connection,
        to_plan_at: Option<(DateTime<Utc>, Purpose)>,
    ) -> Result<Shared> {
        let mut promises: HashMap<String, Vec<_>> = HashMap::new();
        for p in crate::store::promises::all(conn)? {
            promises.entry(p.client_id.clone()).or_default().push(p);
        }
        let mut plans: HashMap<String, Vec<_>> = HashMap::new();
        for p in crate::store::agreements::plans(conn)? {
            plans.entry(p.client_id.clone()).or_default().push(p);
        }
        let whole = match to_plan_at {
            Some((now, purpose)) => Some(to_plan::Whole::read(conn, now, purpose)?),
            None => None,
        };
        Ok(Shared {
            promises,
            plans,
            whole,
        })
    }

    /// [`Shared::read`] of a planning read at `at` on two connections at once: the payments
    /// on `other` (in the same snapshot as `conn`), on a thread of its own, the rest on `conn`.
    /// `other` is handed back.
    pub(super) fn read_on_two(
        conn: &Connection,
        other: Connection,
        at: (DateTime<Utc>, Purpose),
    ) -> Result<(Shared, Connection)> {
        let (now, purpose) = at;
        std::thread::scope(|scope| {
            let payments = std::thread::Builder::new()
                .name("planning-read-payments".into())
                .spawn_scoped(scope, move || {
                    let payments = to_plan::Whole::payments(&other, now, purpose);
                    (payments, other)
                })?;
            let mut shared = Shared::read(conn, None)?;
            let invoices = to_plan::Whole::invoices(conn, now, purpose);
            let (payments, other) = payments
                .join()
                .map_err(|_| anyhow::anyhow!("the planning read's payments thread panicked"))?;
            shared.whole = Some(to_plan::Whole::of(invoices?, payments?, now));
            Ok((shared, other))
        })
    }

    /// One part per range: the clients before `starts[0]`, then from each start to the next.
    pub(super) fn split(self, starts: &[String]) -> Vec<Shared> {
        let range = |client: &str| starts.partition_point(|s| s.as_str() <= client);
        let mut parts: Vec<Shared> = (0..=starts.len())
            .map(|_| Shared {
                promises: HashMap::new(),
                plans: HashMap::new(),
                whole: self.whole.as_ref().map(to_plan::Whole::empty_like),
            })
            .collect();
        for (client, p) in self.promises {
            parts[range(&client)].promises.insert(client, p);
        }
        for (client, p) in self.plans {
            parts[range(&client)].plans.insert(client, p);
        }
        if let Some(whole) = self.whole {
            for (client, i) in whole.invoices {
                if let Some(w) = &mut parts[range(&client)].whole {
                    w.invoices.insert(client, i);
                }
            }
            for (client, p) in whole.payments {
                if let Some(w) = &mut parts[range(&client)].whole {
                    w.payments.insert(client, p);
                }
            }
        }
        parts
    }
}

/// Every client's file of `part`, in id order (see the module docs), in one read transaction.
pub(super) fn for_each(
    conn: &Connection,
    to_plan_at: Option<(DateTime<Utc>, Purpose)>,
    part: Part<'_>,
    f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    // One read transaction: every statement sees the same database. Inside the caller's own
    // transaction (the tick queues as it plans), that one.
    let _read = match conn.is_autocommit() {
        true => Some(conn.unchecked_transaction()?),
        false => None,
    };
    let shared = Shared::read(conn, to_plan_at)?;
    for_each_with(conn, to_plan_at, part, shared, f)
}

/// [`for_each`] with the shared part already read, inside the caller's read transaction.
pub(super) fn for_each_with(
    conn: &Connection,
    to_plan_at: Option<(DateTime<Utc>, Purpose)>,
    part: Part<'_>,
    shared: Shared,
    mut f: impl FnMut(ClientFile) -> Result<()>,
) -> Result<()> {
    let tx = conn;
    let Shared {
        mut promises,
        mut plans,
        whole,
    } = shared;
    let mut s_clients = tx.prepare(&format!(
        "SELECT {CLIENT_COLUMNS} FROM clients WHERE id >= ?1 ORDER BY id"
    ))?;
    let mut s_contacts = tx.prepare(CONTACTS)?;
    let (invoices_sql, payments_sql) = match to_plan_at {
        None => (
            format!(
                "SELECT {INVOICE_COLUMNS} FROM invoices WHERE client_id >= ?1
                 ORDER BY client_id, due_date, number"
            ),
            PAYMENTS.to_owned(),
        ),
        Some((now, _)) => (to_plan::open_invoices_sql(), to_plan::history_sql(now)),
    };
    let narrow = matches!(to_plan_at, Some((_, Purpose::Plan | Purpose::Queue)));
    let (messages_sql, message_row): (_, fn(&Row<'_>) -> _) = if narrow {
        (MESSAGES_TO_PLAN, message_to_plan)
    } else {
        (MESSAGES, message)
    };
    let mut s_invoices = tx.prepare(&invoices_sql)?;
    let mut s_payments = tx.prepare(&payments_sql)?;
    let mut s_messages = tx.prepare(messages_sql)?;
    let mut s_message_invoices = tx.prepare(MESSAGE_INVOICES)?;
    let mut clients = Cursor::new(&mut s_clients, 0, client_from_row, part.from)?;
    let mut contacts = Cursor::new(&mut s_contacts, 1, contact_from_row, part.from)?;
    let mut invoices = match whole {
        None => Invoices::Whole {
            invoices: Cursor::new(&mut s_invoices, 1, invoice_from_row, part.from)?,
            payments: Cursor::new(&mut s_payments, 7, payment_from_row, part.from)?,
        },
        Some(whole) => Invoices::ToPlan {
            open: Cursor::new(&mut s_invoices, 1, invoice_with_paid, part.from)?,
            history: Cursor::new(&mut s_payments, 0, to_plan::history, part.from)?,
            whole,
        },
    };
    let mut messages = Cursor::new(&mut s_messages, 2, message_row, part.from)?;
    let mut message_invoices = Cursor::new(&mut s_message_invoices, 0, message_invoice, part.from)?;
    while let Some((id, client)) = clients.next_row(part.to)? {
        let (invoices, payments, history) = invoices.take(&id)?;
        let mut messages = messages.take(&id)?;
        link_invoices(&mut messages, message_invoices.take(&id)?);
        let messages = messages
            .into_iter()
            .map(super::as_the_planner_sees_it)
            .collect();
        // With every invoice read, the credits are among them; a planning read leaves the paid
        // ones out (`ClientFile::in_favour`).
        let in_favour = match history {
            None => crate::domain::Credit::of(&invoices),
            Some(_) => Vec::new(),
        };
        f(ClientFile {
            in_favour,
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
