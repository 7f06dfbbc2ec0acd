//! Invoices and payments. The balance is the amount less the payments: each invoice's paid sum
//! is stored (`invoices.paid`) and kept exact by SQLite triggers on `payments` (migration
//! `schema_paid_sum.sql`, with the exact decimal sum of [`super::money_sql`]), so that reading
//! a balance never probes the payments. [`list`] still sums the payments itself: the reference
//! snapshot loader reads through it, and the tests compare the two.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::clients::conversion;
use super::{parse_day, parse_ts, ts};
use crate::domain::{Actor, EventKind};
use crate::domain::{Invoice, InvoiceStatus, Money, Payment, PaymentKind, Returned};

/// Invoice columns plus the paid sum, computed by SQL over TEXT amounts without floats:
/// the sum is done in Rust (see [`balance_of`]) to stay exact.
pub(crate) const INVOICE_COLUMNS: &str =
    "number, client_id, issue_date, due_date, currency, amount, status,
     paid_claimed_on, pdf_path, description";

pub(crate) fn invoice_from_row(row: &Row<'_>) -> rusqlite::Result<Invoice> {
    let status: String = row.get(6)?;
    let claimed: Option<String> = row.get(7)?;
    let amount: Money = row.get(5)?;
    Ok(Invoice {
        number: row.get(0)?,
        client_id: row.get(1)?,
        issue_date: parse_day(&row.get::<_, String>(2)?)?,
        due_date: parse_day(&row.get::<_, String>(3)?)?,
        currency: row.get(4)?,
        amount,
        paid: Money::ZERO,
        balance: amount,
        status: InvoiceStatus::from_str(&status).map_err(|e| conversion(6, e))?,
        paid_claimed_on: claimed.as_deref().map(parse_day).transpose()?,
        pdf_path: row.get(8)?,
        description: row.get(9)?,
        returned: None,
    })
}

/// [`INVOICE_COLUMNS`], the stored paid sum (column 10) and the standing return (11 and 12:
/// its day and amount, see schema_returns.sql), read by [`invoice_with_paid`].
pub(crate) const INVOICE_COLUMNS_PAID: &str =
    "number, client_id, issue_date, due_date, currency, amount, status,
     paid_claimed_on, pdf_path, description, paid, returned_on, returned_amount";

/// An invoice with its stored paid sum and balance (columns of [`INVOICE_COLUMNS_PAID`]).
/// No payment leaves the paid sum at zero and the balance at the amount, as summing none does.
pub(crate) fn invoice_with_paid(row: &Row<'_>) -> rusqlite::Result<Invoice> {
    let mut invoice = invoice_from_row(row)?;
    let paid: Money = row.get(10)?;
    if paid != Money::ZERO {
        invoice.paid = paid;
        invoice.balance = invoice.amount - invoice.paid;
    }
    if let Some(on) = row.get::<_, Option<String>>(11)? {
        invoice.returned = Some(Returned {
            on: parse_day(&on)?,
            amount: row.get(12)?,
        });
    }
    Ok(invoice)
}

/// The fields an import sets on an invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct InvoiceInput {
    /// Number, unique.
    pub number: String,
    /// Client id (must exist).
    pub client_id: String,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Currency code.
    pub currency: String,
    /// Total.
    pub amount: Money,
    /// Optional PDF path.
    pub pdf_path: Option<String>,
    /// Optional description.
    pub description: Option<String>,
}

/// Inserts or updates an invoice from an import; returns whether anything changed.
/// The status a person set (disputed, on hold...) is kept.
pub fn upsert(conn: &Connection, input: &InvoiceInput, now: DateTime<Utc>) -> Result<bool> {
    let old = get_without_balance(conn, &input.number)?;
    upsert_over(conn, old.as_ref(), input, now)
}

/// [`upsert`] when the caller has read the stored invoice already (`old`, as
/// [`get_without_balance`] gives it): an import reads each invoice once, not twice.
pub fn upsert_over(
    conn: &Connection,
    old: Option<&Invoice>,
    input: &InvoiceInput,
    now: DateTime<Utc>,
) -> Result<bool> {
    if let Some(old) = old {
        if old.client_id != input.client_id {
            bail!(
                "invoice {} already belongs to client {}, not {}",
                input.number,
                old.client_id,
                input.client_id
            );
        }
        let same = old.issue_date == input.issue_date
            && old.due_date == input.due_date
            && old.currency == input.currency
            && old.amount == input.amount
            && old.pdf_path == input.pdf_path
            && old.description == input.description;
        if same {
            return Ok(false);
        }
    }
    let existed = old.is_some();
    write_input(
        conn,
        "INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount, pdf_path,
                               description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
         ON CONFLICT (number) DO UPDATE SET
             issue_date = excluded.issue_date, due_date = excluded.due_date,
             currency = excluded.currency, amount = excluded.amount, pdf_path = excluded.pdf_path,
             description = excluded.description, updated_at = excluded.updated_at",
        input,
        now,
    )?;
    // A new invoice has no payments (they reference it) and a positive amount: it is open.
    if existed {
        refresh_status(conn, &input.number, now)?;
    }
    Ok(true)
}

/// Runs `sql`, an `INSERT INTO invoices` binding an import's fields in [`InvoiceInput`]'s
/// order and `?9` as both timestamps (the upsert above).
pub(super) fn write_input(
    conn: &Connection,
    sql: &str,
    input: &InvoiceInput,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(sql)?
        .execute(params![
            input.number,
            input.client_id,
            input.issue_date,
            input.due_date,
            input.currency,
            input.amount,
            input.pdf_path,
            input.description,
            ts(now)
        ])
        .with_context(|| format!("Failed to save invoice {}", input.number))?;
    Ok(())
}

/// One invoice as stored, for imports (which compare the stored fields): the same as [`get`],
/// through a cached statement because an import looks up every row's invoice.
pub fn get_without_balance(conn: &Connection, number: &str) -> Result<Option<Invoice>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {INVOICE_COLUMNS_PAID} FROM invoices WHERE number = ?1"
        ))?
        .query_row([number], invoice_with_paid)
        .optional()?)
}

/// One invoice with its balance.
pub fn get(conn: &Connection, number: &str) -> Result<Option<Invoice>> {
    Ok(conn
        .query_row(
            &format!("SELECT {INVOICE_COLUMNS_PAID} FROM invoices WHERE number = ?1"),
            [number],
            invoice_with_paid,
        )
        .optional()?)
}

/// The invoices whose number is one of `candidates` (ASCII letters in any case), by due date
/// and number, each once. By index (`schema_lookups.sql`): a reply's words are looked up, not
/// every invoice of the book read.
pub fn numbered_any_case<'a>(
    conn: &Connection,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Invoice>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INVOICE_COLUMNS_PAID} FROM invoices WHERE number = ?1 COLLATE NOCASE"
    ))?;
    let mut found: BTreeMap<(NaiveDate, String), Invoice> = BTreeMap::new();
    for candidate in candidates {
        let mut rows = stmt.query([candidate])?;
        while let Some(row) = rows.next()? {
            let inv = invoice_with_paid(row)?;
            found.insert((inv.due_date, inv.number.clone()), inv);
        }
    }
    Ok(found.into_values().collect())
}

/// One invoice, or an error that names the fix.
pub fn require(conn: &Connection, number: &str) -> Result<Invoice> {
    get(conn, number)?
        .with_context(|| format!("no invoice numbered {number:?}: see `cobrador invoice list`"))
}

/// Every invoice (optionally of one client) with balances, by due date.
///
/// Linear: one pass over the invoices and one over the payments (of that client only, by
/// index, when a client is given), summed per invoice in exact decimals.
pub fn list(conn: &Connection, client_id: Option<&str>) -> Result<Vec<Invoice>> {
    let (invoices, payments) = match client_id {
        Some(_) => (
            format!(
                "SELECT {INVOICE_COLUMNS} FROM invoices WHERE client_id = ?1
                 ORDER BY due_date, number"
            ),
            "SELECT p.invoice_number, p.amount FROM invoices i
             JOIN payments p ON p.invoice_number = i.number WHERE i.client_id = ?1",
        ),
        None => (
            format!("SELECT {INVOICE_COLUMNS} FROM invoices ORDER BY due_date, number"),
            "SELECT invoice_number, amount FROM payments WHERE ?1 IS NULL",
        ),
    };
    let mut paid: HashMap<String, Money> = HashMap::new();
    let mut stmt = conn.prepare(payments)?;
    let mut rows = stmt.query([client_id])?;
    while let Some(r) = rows.next()? {
        let sum = paid.entry(r.get(0)?).or_insert(Money::ZERO);
        *sum = *sum + r.get::<_, Money>(1)?;
    }
    let mut stmt = conn.prepare(&invoices)?;
    let mut out = Vec::new();
    let mut rows = match client_id {
        Some(id) => stmt.query([id])?,
        None => stmt.query([])?,
    };
    while let Some(r) = rows.next()? {
        let mut inv = invoice_from_row(r)?;
        if let Some(sum) = paid.get(&inv.number) {
            inv.paid = *sum;
            inv.balance = inv.amount - inv.paid;
        }
        out.push(inv);
    }
    Ok(out)
}

/// Calls `f` with each client's open invoices (not paid, cancelled or written off) with their
/// balances, client after client in id order (never an empty group), as the rows come: by the
/// index `invoices_open_client`, without reading the closed ones.
pub fn for_each_client_open(
    conn: &Connection,
    mut f: impl FnMut(Vec<Invoice>) -> Result<()>,
) -> Result<()> {
    let mut group: Vec<Invoice> = Vec::new();
    each_with_paid(
        conn,
        "FROM invoices INDEXED BY invoices_open_client
         WHERE status IN ('open', 'disputed', 'on_hold') ORDER BY client_id, due_date, number",
        |inv| {
            if group.first().is_some_and(|g| g.client_id != inv.client_id) {
                f(std::mem::take(&mut group))?;
            }
            group.push(inv);
            Ok(())
        },
    )?;
    if !group.is_empty() {
        f(group)?;
    }
    Ok(())
}

/// The numbers of `client`'s invoices in status open (those reminders may name).
pub fn open_numbers(conn: &Connection, client: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached("SELECT number FROM invoices WHERE client_id = ?1 AND status = 'open'")?;
    let numbers = stmt
        .query_map([client], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(numbers)
}

/// Calls `f` with every invoice with its balance (its stored paid sum), by due date and
/// number, as the rows come: [`list`] without holding a million of them.
pub fn for_each(conn: &Connection, f: impl FnMut(Invoice) -> Result<()>) -> Result<()> {
    each_with_paid(conn, "FROM invoices ORDER BY due_date, number", f)
}

/// Calls `f` with each invoice `SELECT … {from}` reads, with its stored paid sum.
fn each_with_paid(
    conn: &Connection,
    from: &str,
    f: impl FnMut(Invoice) -> Result<()>,
) -> Result<()> {
    each_with_paid_where(conn, from, [], f)
}

/// [`each_with_paid`] with parameters for `from`'s placeholders.
fn each_with_paid_where(
    conn: &Connection,
    from: &str,
    params: impl rusqlite::Params,
    mut f: impl FnMut(Invoice) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {INVOICE_COLUMNS_PAID} {from}"))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        f(invoice_with_paid(r)?)?;
    }
    Ok(())
}

/// The open invoices whose payment was claimed ("ya pagué") and not yet seen in the bank, with
/// their balances: of one client, or of everyone. By the index `invoices_claimed`: a handful of
/// rows, whatever the size of the book.
pub fn claimed_open(conn: &Connection, client: Option<&str>) -> Result<Vec<Invoice>> {
    let mut out = Vec::new();
    let push = |inv: Invoice| {
        if !inv.balance.is_settled() {
            out.push(inv);
        }
        Ok(())
    };
    const CLAIMED: &str = "FROM invoices INDEXED BY invoices_claimed
         WHERE status = 'open' AND paid_claimed_on IS NOT NULL";
    match client {
        Some(id) => each_with_paid_where(
            conn,
            &format!("{CLAIMED} AND client_id = ?1 ORDER BY due_date, number"),
            [id],
            push,
        )?,
        None => each_with_paid(conn, &format!("{CLAIMED} ORDER BY due_date, number"), push)?,
    }
    Ok(out)
}

/// Calls `f` with each open invoice (not paid, cancelled or written off) with its balance, by
/// due date, as the rows come: the first ones are out before the last are read.
pub fn for_each_open(conn: &Connection, f: impl FnMut(Invoice) -> Result<()>) -> Result<()> {
    each_with_paid(
        conn,
        "FROM invoices INDEXED BY invoices_open_due
         WHERE status IN ('open', 'disputed', 'on_hold') ORDER BY due_date, number",
        f,
    )
}

/// The open invoices (open, disputed, on hold) of one currency and due date, summed.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenGroup {
    /// Currency code.
    pub currency: String,
    /// Due date.
    pub due_date: NaiveDate,
    /// What they still owe (the positive balances, exactly); `None` when all are settled.
    pub owed: Option<Money>,
    /// How many of them are disputed.
    pub disputed: usize,
}

/// The open invoices grouped by currency and due date (for `status`), summed in SQL from the
/// stored paid sums over the covering index `invoices_open_aging`: no row leaves SQLite but
/// one per group.
pub fn open_by_due_date(conn: &Connection) -> Result<Vec<OpenGroup>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT currency, due_date, {}(amount, paid), sum(status = 'disputed')
         FROM invoices INDEXED BY invoices_open_aging
         WHERE status IN ('open', 'disputed', 'on_hold') GROUP BY currency, due_date",
        super::money_sql::OWED_SUM
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(OpenGroup {
            currency: r.get(0)?,
            due_date: parse_day(&r.get::<_, String>(1)?)?,
            owed: r.get(2)?,
            disputed: usize::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An invoice held because its client asked to pay in instalments: the owner must answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanRequest {
    /// The client's id.
    pub client_id: String,
    /// The client's name.
    pub client: String,
    /// The invoice held.
    pub invoice: String,
    /// When the request held it.
    pub since: DateTime<Utc>,
}

/// The invoices on hold whose last hold came from a client's plan request (event
/// `invoice.held_for_plan`), by client name: a matter waiting for the owner's decision, unlike
/// a hold the owner made. A plan agreed or an unhold opens them again.
pub fn plan_requests(conn: &Connection) -> Result<Vec<PlanRequest>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, i.number, e.at
           FROM invoices i JOIN clients c ON c.id = i.client_id
           JOIN events e ON e.id = (
                SELECT max(h.id) FROM events h
                 WHERE h.client_id = i.client_id AND h.invoice_number = i.number
                   AND h.kind IN (?1, ?2, ?3))
          WHERE i.status = 'on_hold' AND e.kind = ?1
          ORDER BY c.name, i.number",
    )?;
    let rows = stmt.query_map(
        params![
            EventKind::InvoiceHeldForPlan,
            EventKind::InvoiceHeld,
            EventKind::InvoiceUnheld
        ],
        |r| {
            Ok(PlanRequest {
                client_id: r.get(0)?,
                client: r.get(1)?,
                invoice: r.get(2)?,
                since: super::parse_ts(&r.get::<_, String>(3)?)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets an invoice's status by hand (dispute, hold, cancel...) and logs nothing: callers log.
pub fn set_status(
    conn: &Connection,
    number: &str,
    status: InvoiceStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached("UPDATE invoices SET status = ?2, updated_at = ?3 WHERE number = ?1")?
        .execute(params![number, status.as_str(), ts(now)])?;
    Ok(())
}

/// Records (or clears) a "ya pagué" claim awaiting a bank check.
pub fn set_paid_claim(
    conn: &Connection,
    number: &str,
    on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE invoices SET paid_claimed_on = ?2, updated_at = ?3 WHERE number = ?1",
    )?
    .execute(params![number, on, ts(now)])?;
    Ok(())
}

/// Keeps `open` and `paid` in line with the balance; other statuses are a person's call.
/// Returns the new status.
pub fn refresh_status(
    conn: &Connection,
    number: &str,
    now: DateTime<Utc>,
) -> Result<InvoiceStatus> {
    let invoice = require(conn, number)?;
    settle_status(conn, number, invoice.status, invoice.balance, now)
}

/// The status `open` or `paid` that a `balance` calls for, written when it differs from
/// `status` (the invoice's stored one); other statuses are kept.
fn settle_status(
    conn: &Connection,
    number: &str,
    status: InvoiceStatus,
    balance: Money,
    now: DateTime<Utc>,
) -> Result<InvoiceStatus> {
    let new = match status {
        InvoiceStatus::Open if balance.is_settled() => InvoiceStatus::Paid,
        InvoiceStatus::Paid if !balance.is_settled() => InvoiceStatus::Open,
        other => other,
    };
    if new != status {
        set_status(conn, number, new, now)?;
        if new == InvoiceStatus::Paid {
            set_paid_claim(conn, number, None, now)?;
        }
    }
    Ok(new)
}

/// The invoices a payment recorded at `created_at` (an import) left paid beyond their amount
/// (paid twice, say), with what the client has in its favour: the owner refunds or credits it.
pub fn overpaid_by(conn: &Connection, created_at: DateTime<Utc>) -> Result<Vec<(Invoice, Money)>> {
    let numbers: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT invoice_number FROM payments WHERE created_at = ?1
              ORDER BY invoice_number",
        )?
        .query_map([ts(created_at)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for number in numbers {
        let invoice = require(conn, &number)?;
        if invoice.balance.0 < rust_decimal::Decimal::ZERO {
            let over = Money(-invoice.balance.0);
            out.push((invoice, over));
        }
    }
    Ok(out)
}

/// An invoice paid beyond its amount: the client has `over` in its favour.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InFavour {
    /// Client name.
    pub client: String,
    /// The invoice paid beyond its amount.
    pub invoice: String,
    /// How much beyond.
    pub over: Money,
    /// Its currency.
    pub currency: String,
}

/// The invoices paid beyond their amount, by client name (the partial index
/// `invoices_paid_beyond` finds the candidates; the difference is exact).
pub fn in_favour(conn: &Connection) -> Result<Vec<InFavour>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.name, {PAID_BEYOND_COLUMNS}
         FROM invoices i INDEXED BY invoices_paid_beyond JOIN clients c ON c.id = i.client_id
         WHERE {PAID_BEYOND} ORDER BY c.name, i.number"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, credit_at(r, 1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        if let (client, Some(c)) = row? {
            let (invoice, over, currency) = (c.invoice, c.over, c.currency);
            out.push(InFavour {
                client,
                invoice,
                over,
                currency,
            });
        }
    }
    Ok(out)
}

/// A client's invoices paid beyond their amount (through the partial index
/// `invoices_paid_beyond`, as [`in_favour`]).
pub fn in_favour_of(conn: &Connection, client_id: &str) -> Result<Vec<crate::domain::Credit>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAID_BEYOND_COLUMNS} FROM invoices i INDEXED BY invoices_paid_beyond
         WHERE i.client_id = ?1 AND {PAID_BEYOND} ORDER BY i.number"
    ))?;
    let rows = stmt.query_map([client_id], |r| credit_at(r, 0))?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// The candidates of the partial index `invoices_paid_beyond` (its own condition).
const PAID_BEYOND: &str = "i.status = 'paid' AND CAST(i.paid AS REAL) > CAST(i.amount AS REAL)";

/// What [`credit_at`] reads.
const PAID_BEYOND_COLUMNS: &str = "i.number, i.amount, i.paid, i.currency";

/// The credit of a row of [`PAID_BEYOND_COLUMNS`] from column `at`: `None` when the exact
/// decimals show nothing beyond (the index selects by floating point).
fn credit_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<crate::domain::Credit>> {
    let (amount, paid): (Money, Money) = (r.get(at + 1)?, r.get(at + 2)?);
    let over = paid - amount;
    Ok(
        (over.0 > rust_decimal::Decimal::ZERO).then_some(crate::domain::Credit {
            invoice: r.get(at)?,
            over,
            currency: r.get(at + 3)?,
        }),
    )
}

/// A payment to record.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentInput {
    /// Invoice paid.
    pub invoice_number: String,
    /// Day received.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Bank reference.
    pub reference: Option<String>,
    /// Payment or discount.
    pub kind: PaymentKind,
    /// Who recorded it (`csv`, `cli`, `demo`, `bank`, `owner`): the `payments.source` column
    /// and the audit event's actor.
    pub source: Actor,
    /// Key that makes re-importing the same row a no-op.
    pub import_key: Option<String>,
}

/// Records a payment (with its audit event) unless one with the same import key exists;
/// returns whether it was new. The invoice is read once: its balance after the payment is
/// computed, not read back (an import records hundreds of thousands of payments).
pub fn add_payment(conn: &Connection, input: &PaymentInput, now: DateTime<Utc>) -> Result<bool> {
    let invoice = require(conn, &input.invoice_number)?;
    add_payment_to(conn, &invoice, input, now)
}

/// [`add_payment`] to `invoice`, read by the caller (as [`get`] gives it, with its balance).
pub fn add_payment_to(
    conn: &Connection,
    invoice: &Invoice,
    input: &PaymentInput,
    now: DateTime<Utc>,
) -> Result<bool> {
    check_amount(invoice, input)?;
    if matches!(
        invoice.status,
        InvoiceStatus::Cancelled | InvoiceStatus::WrittenOff
    ) {
        bail!(
            "invoice {} is {}: a payment cannot be recorded against it",
            invoice.number,
            invoice.status
        );
    }
    let inserted = conn
        .prepare_cached(
            "INSERT INTO payments (invoice_number, paid_on, amount, reference, kind, source, import_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (import_key) DO NOTHING",
        )?
        .execute(params![
            input.invoice_number,
            input.paid_on,
            input.amount,
            input.reference,
            input.kind.as_str(),
            input.source,
            input.import_key,
            ts(now)
        ])?;
    if inserted > 0 {
        let mut balance = invoice.balance - input.amount;
        if input.kind == PaymentKind::Payment && input.amount.0.is_sign_positive() {
            balance = take_discount(conn, invoice, balance, input.paid_on, now)?;
        }
        settle_status(conn, &invoice.number, invoice.status, balance, now)?;
        // Every payment is in the audit log, whoever recorded it (the source is the actor).
        let kind = if input.amount.0.is_sign_negative() {
            EventKind::PaymentReturned
        } else {
            EventKind::PaymentRecorded
        };
        super::events::append(
            conn,
            now,
            input.source,
            kind,
            Some(&invoice.client_id),
            Some(&input.invoice_number),
            serde_json::json!({ "amount": input.amount, "paid_on": input.paid_on, "balance": balance }),
        )?;
    }
    Ok(inserted > 0)
}

/// A payment's amount is positive; a negative one is a payment the bank returned, and cannot
/// return more than the invoice has received.
fn check_amount(invoice: &Invoice, input: &PaymentInput) -> Result<()> {
    let amount = input.amount.0;
    if amount.is_zero() {
        bail!("payment amount must not be zero");
    }
    if amount > rust_decimal::Decimal::ZERO {
        return Ok(());
    }
    if input.kind == PaymentKind::Discount {
        bail!("a discount cannot be negative, got {}", input.amount);
    }
    if invoice.paid.0 + amount < rust_decimal::Decimal::ZERO {
        bail!(
            "invoice {} has received {} in all: a returned payment of {} cannot be more than \
             that (a negative amount records a payment the bank returned)",
            invoice.number,
            invoice.paid,
            -amount
        );
    }
    Ok(())
}

/// A payment made by an offer's date that leaves at most the offered discount unpaid settles
/// the invoice: the rest is recorded as a discount (never as a silent write-off). Offers whose
/// date has passed expire; the remainder is then still owed and reminded. `balance` is what
/// the payment left; returns the balance after the discount (zero when one was taken).
fn take_discount(
    conn: &Connection,
    invoice: &Invoice,
    balance: Money,
    paid_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Money> {
    let number = invoice.number.as_str();
    // Most invoices have no offer: one indexed probe instead of reading the offers.
    let offered: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM discount_offers
                            WHERE invoice_number = ?1 AND status = 'offered')",
        )?
        .query_row([number], |r| r.get(0))?;
    if !offered {
        return Ok(balance);
    }
    let cent = Money(rust_decimal::Decimal::new(1, 2));
    for offer in super::agreements::offers(conn, Some(number))? {
        if offer.status != "offered" {
            continue;
        }
        if paid_on > offer.valid_until {
            super::agreements::set_offer_status(conn, offer.id, "expired")?;
            continue;
        }
        if !balance.is_settled() && balance.0 <= (offer.amount + cent).0 {
            conn.execute(
                "INSERT INTO payments (invoice_number, paid_on, amount, reference, kind, source, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'discount', 'discount', ?5)",
                params![number, paid_on, balance, offer.description, ts(now)],
            )?;
            super::agreements::set_offer_status(conn, offer.id, "taken")?;
            super::events::append(
                conn,
                now,
                Actor::Payments,
                EventKind::DiscountTaken,
                Some(&invoice.client_id),
                Some(number),
                serde_json::json!({ "offer": offer.id, "amount": balance, "valid_until": offer.valid_until }),
            )?;
            // Zero with the amounts' scale (`0.00`), as summing the payments gives it.
            let mut zero = rust_decimal::Decimal::ZERO;
            zero.rescale(balance.0.scale());
            return Ok(Money(zero));
        }
        break;
    }
    Ok(balance)
}

/// The columns [`payment_from_row`] reads, in its order.
pub(crate) const PAYMENT_COLUMNS: &str =
    "id, invoice_number, paid_on, amount, reference, kind, created_at";

/// A payment from [`PAYMENT_COLUMNS`] (more columns may follow).
pub(crate) fn payment_from_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let kind: String = r.get(5)?;
    Ok(Payment {
        id: r.get(0)?,
        invoice_number: r.get(1)?,
        paid_on: parse_day(&r.get::<_, String>(2)?)?,
        amount: r.get(3)?,
        reference: r.get(4)?,
        kind: if kind == "discount" {
            PaymentKind::Discount
        } else {
            PaymentKind::Payment
        },
        recorded_at: parse_ts(r.get_ref(6)?.as_str()?)?,
    })
}

/// Payments of one invoice, oldest first.
pub fn payments(conn: &Connection, number: &str) -> Result<Vec<Payment>> {
    payments_of(conn, &[number])
}

/// Payments of the invoices `numbers`, by day and id, in one statement (by the
/// `payments_invoice` index): what a message stating interest reads of a few partly paid
/// invoices (`engine::interest::complete_payments`).
pub fn payments_of(conn: &Connection, numbers: &[&str]) -> Result<Vec<Payment>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; numbers.len()].join(", ");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE invoice_number IN ({marks})
         ORDER BY paid_on, id"
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(numbers), payment_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether a payment with this import key is already recorded: a row of a file imported
/// before.
pub fn payment_imported(conn: &Connection, import_key: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM payments WHERE import_key = ?1")?
        .exists([import_key])?)
}

/// Every payment, oldest first (for snapshots and listings).
pub fn all_payments(conn: &Connection) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments ORDER BY paid_on, id"
    ))?;
    let rows = stmt.query_map([], payment_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
