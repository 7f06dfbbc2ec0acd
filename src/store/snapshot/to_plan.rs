//! The planning read: what the planner and the queueing pass look at, and no more.
//!
//! Most invoices are closed (paid, cancelled, written off: 62 % of the rows at 200,000
//! clients), and nearly all payments are on them; the planner reads them only for
//!
//! - the segment: how many invoices were paid in the last 12 months, how many late, whether
//!   any invoice is older than that, whether any is paid. Summed per client in SQL over the
//!   index `invoices_closed_history` ([`PaidHistory`]: the 12 months are counted in the client's
//!   own date, so the days near the window's edges are listed, not summed);
//! - promises and payment plans: a pending promise on an invoice, or on all of a client's
//!   invoices, and every payment plan, see their invoices and payments whole;
//! - receipts: paid invoices and payments recorded in the last days and made in the last weeks
//!   ([`crate::engine`]'s receipts thank for payments cobrador learned of in the last 14 days,
//!   made in the last 60 days of the client's date);
//! - owner alerts about a dead or uncertain message list the invoices it was about.
//!
//! So a planning read takes the open invoices (by the partial index `invoices_open_client`,
//! balances from the stored paid sums), plus those closed invoices and payments (few, read
//! whole by index and grouped by client), plus the summary. `tests/scale.rs` checks that it
//! gives the planner the same plans as the whole read.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{Connection, Row};

use crate::domain::{Invoice, PaidHistory, Payment};
use crate::store::invoices::{INVOICE_COLUMNS_PAID, invoice_with_paid, payment_from_row};
use crate::store::parse_day;

/// How far back receipts look at when payments were recorded (`engine::receipts::RECENT_DAYS`,
/// which `tests/scale.rs` checks against this one).
pub const RECEIPT_DAYS: u64 = 14;

/// How far back receipts look at when payments were made (`engine::receipts::OLDEST_DAYS`,
/// which `tests/scale.rs` checks against this one).
pub const RECEIPT_PAID_DAYS: u64 = 60;

/// The first days (UTC, `YYYY-MM-DD`) of the receipts' part of a planning read at `now`: of
/// the payments made, and of those recorded; each a day earlier than receipts look, for the
/// day a client's date may lag the UTC one (a recording time compares with its UTC day).
pub(super) fn receipt_days(now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let d = now.date_naive();
    (
        d - Days::new(RECEIPT_PAID_DAYS + 1),
        d - Days::new(RECEIPT_DAYS + 1),
    )
}

/// The SQL condition "closed" (the complement of the open statuses).
const CLOSED: &str = "status IN ('paid', 'cancelled', 'written_off')";

/// The open invoices, in the snapshot's order.
pub(super) fn open_invoices_sql() -> String {
    format!(
        "SELECT {INVOICE_COLUMNS_PAID} FROM invoices INDEXED BY invoices_open_client
         WHERE status IN ('open', 'disputed', 'on_hold') AND client_id >= ?1 ORDER BY client_id, due_date, number"
    )
}

/// What a planning read is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    /// The tick's queueing pass: the planner's part, and what receipts, threading and owner
    /// alerts read.
    Tick,
    /// `plan`: what the planner reads, and no more.
    Plan,
    /// The tick's queueing pass, streamed: the receipts' part, but past messages narrow (as
    /// for `plan`); the pass reads whole ([`super::bulk::messages_whole`]) the messages of the
    /// clients it renders for.
    Queue,
}

/// The days a planning read at `now` sums up: every client's date is the UTC one or a day
/// either side; `core` is inside the 12 months of each of them, `edges` hold the rest.
struct Window {
    dates: (NaiveDate, NaiveDate),
    core: (NaiveDate, NaiveDate),
    edges: [(NaiveDate, NaiveDate); 2],
}

impl Window {
    fn at(now: DateTime<Utc>) -> Window {
        let d = now.date_naive();
        let (first, last) = (d - Days::new(1), d + Days::new(1));
        // The 12 months of date t are [t - 365, t]: for t in [first, last] they all hold
        // [last - 365, first], and none reaches past [first - 365, last].
        let core = (last - Days::new(365), first);
        Window {
            dates: (first, last),
            core,
            edges: [(first - Days::new(365), core.0 - Days::new(1)), (d, last)],
        }
    }
}

/// Per client in id order, the summary of its closed invoices. Dates are ours
/// (`YYYY-MM-DD`), written into the statement.
pub(super) fn history_sql(now: DateTime<Utc>) -> String {
    let w = Window::at(now);
    let (c0, c1) = w.core;
    let [(a0, a1), (b0, b1)] = w.edges;
    format!(
        "SELECT client_id, min(issue_date), max(status = 'paid'),
            sum(status = 'paid' AND last_paid_on BETWEEN '{c0}' AND '{c1}'),
            sum(status = 'paid' AND last_paid_on BETWEEN '{c0}' AND '{c1}' AND last_paid_on > due_date),
            group_concat(CASE WHEN status = 'paid' AND (last_paid_on BETWEEN '{a0}' AND '{a1}'
                                   OR last_paid_on BETWEEN '{b0}' AND '{b1}')
                         THEN due_date || ' ' || last_paid_on END, ' '),
            '{}', '{}', '{c0}', '{c1}'
         FROM invoices INDEXED BY invoices_closed_history WHERE {CLOSED} AND client_id >= ?1
         GROUP BY client_id ORDER BY client_id",
        w.dates.0, w.dates.1
    )
}

/// A row of [`history_sql`] (the client id is column 0).
pub(super) fn history(r: &Row<'_>) -> rusqlite::Result<PaidHistory> {
    let text = |i: usize| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
    let day = |i: usize| -> rusqlite::Result<NaiveDate> { parse_day(text(i)?.unwrap_or_default()) };
    let count = |i: usize| -> rusqlite::Result<u32> {
        Ok(u32::try_from(r.get::<_, i64>(i)?).unwrap_or(u32::MAX))
    };
    let edge_days: Vec<NaiveDate> = text(5)?
        .unwrap_or_default()
        .split_whitespace()
        .map(parse_day)
        .collect::<rusqlite::Result<_>>()?;
    Ok(PaidHistory {
        dates: (day(6)?, day(7)?),
        first_closed_issue: text(1)?.map(parse_day).transpose()?,
        any_paid: r.get::<_, i64>(2)? != 0,
        core: (day(8)?, day(9)?),
        core_paid: count(3)?,
        core_late: count(4)?,
        edge: edge_days.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
    })
}

/// The payments made since `?1` and recorded since `?2` (days, see [`receipt_days`]; a
/// recording time from the day `?2` on compares greater than it), in invoice number order: their
/// rows are fetched in row order and handed on sorted by invoice, so that the invoices they are
/// joined to are looked up along the number index, each page read once, not once per payment
/// (25,000 payments at 100,000 clients; read in day order, every lookup read its pages again:
/// five times the reads). `LIMIT -1` keeps the `ORDER BY` of a subquery, which SQLite
/// otherwise drops (the test `lookups_follow_the_number_order` reads the query plans).
const RECENT_PAYMENTS: &str =
    "SELECT id, invoice_number, paid_on, amount, reference, kind, created_at
     FROM payments WHERE id IN (SELECT id FROM payments INDEXED BY payments_paid_recorded
                                WHERE paid_on >= ?1 AND created_at >= ?2)
     ORDER BY invoice_number LIMIT -1";

/// The closed invoices a planning read takes (each part is a few rows found by index): those
/// with a payment of [`RECENT_PAYMENTS`] (receipts; `?1` and `?2` as there), and those whose
/// payments are all read too ([`WHOLE_PARTS`]).
const RECENT_PART: &str = "FROM (SELECT invoice_number FROM payments
         WHERE id IN (SELECT id FROM payments INDEXED BY payments_paid_recorded
                      WHERE paid_on >= ?1 AND created_at >= ?2)
         GROUP BY invoice_number ORDER BY invoice_number LIMIT -1) rp
     CROSS JOIN invoices i WHERE i.number = rp.invoice_number";

/// The invoices, open or closed, whose payments a planning read takes all of. (`CROSS JOIN`
/// keeps SQLite's join order: from the few rows to the many, never a scan of the payments;
/// the few rows sorted by invoice number first, for the lookups to follow the index.)
const WHOLE_PARTS: [&str; 4] = [
    // Every payment plan's invoices.
    "FROM (SELECT invoice_number FROM plan_invoices ORDER BY invoice_number LIMIT -1) pi
     CROSS JOIN invoices i WHERE i.number = pi.invoice_number",
    // A pending promise's invoice.
    "FROM (SELECT invoice_number FROM promises WHERE status = 'pending' AND invoice_number IS NOT NULL
           ORDER BY invoice_number LIMIT -1) pr
     CROSS JOIN invoices i WHERE i.number = pr.invoice_number",
    // A pending promise on all of a client's invoices.
    "FROM promises pr CROSS JOIN invoices i ON i.client_id = pr.client_id
     WHERE pr.status = 'pending' AND pr.invoice_number IS NULL",
    // A dead or uncertain message's invoices (the owner's alert lists them).
    "FROM outbox o CROSS JOIN outbox_invoices oi ON oi.outbox_id = o.id
     CROSS JOIN invoices i ON i.number = oi.invoice_number WHERE o.status IN ('dead', 'uncertain')",
];

/// `SELECT select part WHERE/AND cond` for each part, as one `UNION ALL` (repeats are dropped
/// in Rust: cheaper than SQLite's sorting of whole rows).
fn union_all<'a>(select: &str, parts: impl Iterator<Item = &'a str>, cond: &str) -> String {
    parts
        .map(|part| {
            let glue = if part.contains("WHERE") {
                "AND"
            } else {
                "WHERE"
            };
            format!("SELECT {select} {part} {glue} {cond}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The closed invoices a planning read takes whole, and the payments it takes (of the last
/// days, and all those of the invoices of [`WHOLE_PARTS`]), grouped by client.
pub(super) struct Whole {
    pub invoices: HashMap<String, Vec<Invoice>>,
    pub payments: HashMap<String, Vec<Payment>>,
    /// The summary of a client without closed invoices.
    pub empty: PaidHistory,
}

impl Whole {
    /// No closed invoice nor payment, with `self`'s summary of a client without closed
    /// invoices (a range's part, filled by [`super::bulk::Shared::split`]).
    pub(super) fn empty_like(&self) -> Whole {
        Whole {
            invoices: HashMap::new(),
            payments: HashMap::new(),
            empty: self.empty.clone(),
        }
    }

    /// For [`Purpose::Plan`], without the receipts' part (`RECENT_PART` and the payments of
    /// the last days): the planner reads payments only for promises and plans.
    pub(super) fn read(conn: &Connection, now: DateTime<Utc>, purpose: Purpose) -> Result<Whole> {
        Ok(Whole::of(
            Whole::invoices(conn, now, purpose)?,
            Whole::payments(conn, now, purpose)?,
            now,
        ))
    }

    /// The closed invoices of [`Whole::read`], by client.
    pub(super) fn invoices(
        conn: &Connection,
        now: DateTime<Utc>,
        purpose: Purpose,
    ) -> Result<HashMap<String, Vec<Invoice>>> {
        let receipts = purpose != Purpose::Plan;
        let (paid, recorded) = receipt_days(now);
        let mut invoices: HashMap<String, Vec<Invoice>> = HashMap::new();
        let mut seen = HashSet::new();
        let mut stmt = conn
            .prepare(&Whole::invoices_sql(receipts))
            .context("planning read: closed invoices")?;
        let mut rows = if receipts {
            stmt.query([paid, recorded])?
        } else {
            stmt.query([])?
        };
        while let Some(r) = rows.next()? {
            let inv = invoice_with_paid(r)?;
            if seen.insert(inv.number.clone()) {
                invoices.entry(inv.client_id.clone()).or_default().push(inv);
            }
        }
        Ok(invoices)
    }

    /// The payments of [`Whole::read`], by client.
    pub(super) fn payments(
        conn: &Connection,
        now: DateTime<Utc>,
        purpose: Purpose,
    ) -> Result<HashMap<String, Vec<Payment>>> {
        let receipts = purpose != Purpose::Plan;
        let (paid, recorded) = receipt_days(now);
        let mut payments: HashMap<String, Vec<Payment>> = HashMap::new();
        let mut seen = HashSet::new();
        let sql = Whole::payments_sql(receipts);
        let mut stmt = conn.prepare(&sql).context("planning read: payments")?;
        let mut rows = if receipts {
            stmt.query([paid, recorded])?
        } else {
            stmt.query([])?
        };
        while let Some(r) = rows.next()? {
            let payment = payment_from_row(r)?;
            if seen.insert(payment.id) {
                payments.entry(r.get(7)?).or_default().push(payment);
            }
        }
        Ok(payments)
    }

    /// The statement of [`Whole::invoices`]; with the receipts' part, `?1` and `?2` are its
    /// first days ([`receipt_days`]).
    fn invoices_sql(receipts: bool) -> String {
        let columns = INVOICE_COLUMNS_PAID
            .split(',')
            .map(|c| format!("i.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let parts = receipts
            .then_some(RECENT_PART)
            .into_iter()
            .chain(WHOLE_PARTS);
        union_all(&columns, parts, &format!("i.{CLOSED}"))
    }

    /// The statement of [`Whole::payments`]; with the receipts' part, `?1` and `?2` are its
    /// first days ([`receipt_days`]).
    fn payments_sql(receipts: bool) -> String {
        let whole_sql = format!(
            "SELECT p.id, p.invoice_number, p.paid_on, p.amount, p.reference, p.kind, p.created_at,
                    w.client_id
             FROM ({} ORDER BY 1 LIMIT -1) w CROSS JOIN payments p INDEXED BY payments_invoice
             ON p.invoice_number = w.number",
            union_all("i.number, i.client_id", WHOLE_PARTS.into_iter(), "1")
        );
        if receipts {
            format!(
                "SELECT p.id, p.invoice_number, p.paid_on, p.amount, p.reference, p.kind,
                        p.created_at, i.client_id
                 FROM ({RECENT_PAYMENTS}) p CROSS JOIN invoices i ON i.number = p.invoice_number
                 UNION ALL {whole_sql}"
            )
        } else {
            whole_sql
        }
    }

    /// The closed invoices and payments read at `now`, with the summary of a client without
    /// closed invoices.
    pub(super) fn of(
        invoices: HashMap<String, Vec<Invoice>>,
        payments: HashMap<String, Vec<Payment>>,
        now: DateTime<Utc>,
    ) -> Whole {
        let w = Window::at(now);
        let empty = PaidHistory {
            dates: w.dates,
            core: w.core,
            ..PaidHistory::default()
        };
        Whole {
            invoices,
            payments,
            empty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Whole;
    use crate::store::Store;

    /// The query plan's lines of `sql` (its parameters bound to days).
    fn plan(store: &Store, sql: &str) -> Vec<String> {
        let conn = store.conn();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let params = ["2026-09-24", "2026-11-09"][..stmt.parameter_count()].to_vec();
        stmt.query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// The few rows a planning read looks invoices and payments up for are sorted first (a
    /// temporary b-tree per sorted part), so that the lookups walk the number indexes in
    /// order; SQLite drops a subquery's `ORDER BY` without `LIMIT`, and nothing else fails.
    #[test]
    fn lookups_follow_the_number_order() {
        let store = Store::open_in_memory().unwrap();
        let sorts = |lines: &[String]| {
            lines
                .iter()
                .filter(|l| {
                    l.contains("TEMP B-TREE FOR ORDER BY") || l.contains("TEMP B-TREE FOR GROUP BY")
                })
                .count()
        };
        // Receipts' part (grouped and sorted), the plans' and the promises' parts.
        let invoices = plan(&store, &Whole::invoices_sql(true));
        assert!(sorts(&invoices) >= 3, "{invoices:#?}");
        assert!(
            !invoices.iter().any(|l| l.starts_with("SCAN i")),
            "{invoices:#?}"
        );
        // The recent payments, and the whole parts' union (its parts and the union itself).
        let payments = plan(&store, &Whole::payments_sql(true));
        assert!(sorts(&payments) >= 3, "{payments:#?}");
        assert!(
            payments
                .iter()
                .any(|l| l.contains("payments_paid_recorded")),
            "{payments:#?}"
        );
        // Never a scan of the payments or the invoices (a sorted part's rows are scanned).
        let scans = |l: &&String| l.starts_with("SCAN payments") || l.starts_with("SCAN i ");
        assert!(!payments.iter().any(|l| scans(&l)), "{payments:#?}");
    }
}
