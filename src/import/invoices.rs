//! Invoice and payment rows. Each is checked against the file and the database and written
//! at once through the store's cached statements; a million rows cost a few statements each.

use std::collections::hash_map::Entry;
use std::str::FromStr;

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::columns::*;
use super::table::Row;
use super::{Change, Defaults, Session, audit};
use crate::domain::{Actor, EventKind, Invoice, Money, PaymentKind, parse_date};
use crate::store;

impl Session<'_> {
    /// Creates or updates the invoice of one row (a table that held invoices when the import
    /// began; a first import takes `fresh`'s path).
    pub(super) fn invoice_row(&mut self, conn: &Connection, row: &Row) -> Result<Change> {
        let (defaults, now) = (self.job.defaults, self.job.now);
        let (number, client_id) = invoice_keys(row)?;
        if !self.clients.exist(conn, &client_id)? {
            return Err(missing_client(&client_id));
        }
        let existing = store::invoices::get_without_balance(conn, &number)?;
        let old = existing.as_ref();
        let input = invoice_fields(row, number, client_id, old, defaults)?;
        let existed = existing.is_some();
        let changed = store::invoices::upsert_over(conn, old, &input, now)?;
        if changed {
            let kind = if existed {
                EventKind::InvoiceUpdated
            } else {
                EventKind::InvoiceCreated
            };
            let detail = serde_json::json!({ "amount": input.amount, "due_date": input.due_date });
            audit(
                conn,
                now,
                kind,
                Some(&input.client_id),
                Some(&input.number),
                detail,
            )?;
        }
        Ok(match (existed, changed) {
            (false, _) => Change::Created,
            (true, true) => Change::Updated,
            (true, false) => Change::Unchanged,
        })
    }

    /// Records the payment of one row, unless this row was imported before.
    pub(super) fn payment_row(&mut self, conn: &Connection, row: &Row) -> Result<Change> {
        let number = row.require(INVOICE_NO)?.to_owned();
        // Cached: a payments file reads one invoice per row.
        let Some(invoice) = store::invoices::get_without_balance(conn, &number)? else {
            anyhow::bail!("invoice {number:?} does not exist: import the invoices file first");
        };
        let paid_on = date_field(row, PAID_ON)?;
        // A payment dated weeks ahead is a typo (a year, day and month swapped): recorded, it
        // settled the invoice at once. A bank's value date a few days ahead is fine.
        let today = self.job.now.date_naive();
        if paid_on > today + chrono::Days::new(FUTURE_PAYMENT_DAYS) {
            anyhow::bail!(
                "payment dated {paid_on} is more than {FUTURE_PAYMENT_DAYS} days after today ({today}): correct the date (day/month/year) and import again"
            );
        }
        let amount = amount_field(row, PAID_AMOUNT, self.job.defaults)?;
        let reference = row.get(REFERENCE).map(str::to_owned);
        // The same row imported twice must be the same payment; two identical rows in one file
        // are two payments, told apart by their order.
        let base = match &reference {
            Some(r) => format!("ref|{number}|{r}"),
            None => format!("row|{number}|{paid_on}|{}", amount.0.normalize()),
        };
        let n = match self.seen.entry(base.into_boxed_str()) {
            Entry::Occupied(mut seen) => {
                *seen.get_mut() += 1;
                format!("{}|{}", seen.key(), seen.get())
            }
            Entry::Vacant(slot) => format!("{}|1", slot.insert_entry(1).key()),
        };
        let input = store::invoices::PaymentInput {
            invoice_number: number,
            paid_on,
            amount,
            reference,
            kind: PaymentKind::Payment,
            source: Actor::Csv,
            import_key: Some(n),
        };
        if let Some(change) = self.repeated_payment(conn, &invoice, &input)? {
            return Ok(change);
        }
        if store::invoices::add_payment_to(conn, &invoice, &input, self.job.now)? {
            Ok(Change::Created)
        } else {
            Ok(Change::Unchanged)
        }
    }
}

/// How many days after today a payment's date may be (a bank's value date); later is a typo.
const FUTURE_PAYMENT_DAYS: u64 = 7;

/// The number and the client of an invoice row: what is checked before the client's existence.
pub(super) fn invoice_keys(row: &Row) -> Result<(String, String)> {
    let number = row.require(INVOICE_NO)?.to_owned();
    let client_id = row.require(CLIENT_ID)?.to_owned();
    Ok((number, client_id))
}

/// The refusal of a row whose client is not in the database.
pub(super) fn missing_client(client_id: &str) -> anyhow::Error {
    anyhow::anyhow!("client {client_id:?} does not exist: import the clients file first")
}

/// The invoice a row describes once its client is known to exist: its values, or the stored
/// invoice's (`old`) where the file has no such column. Reads nothing: the checks a reading
/// thread can make on its own.
pub(super) fn invoice_fields(
    row: &Row,
    number: String,
    client_id: String,
    old: Option<&Invoice>,
    defaults: &Defaults,
) -> Result<store::invoices::InvoiceInput> {
    let issue_date = date_field(row, ISSUE_DATE)?;
    let due_date = date_field(row, DUE_DATE)?;
    if due_date < issue_date {
        anyhow::bail!("due date {due_date} is before the issue date {issue_date}");
    }
    let amount = amount_field(row, INVOICE_AMOUNT, defaults)?;
    if amount.0 <= rust_decimal::Decimal::ZERO {
        anyhow::bail!("amount must be positive (credit notes are recorded with `invoice cancel`)");
    }
    let currency = row
        .or_keep(CURRENCY, old.map(|i| i.currency.clone()), str::to_owned)
        .unwrap_or_else(|| defaults.currency.clone())
        .to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        anyhow::bail!("currency {currency:?} is not an ISO code such as EUR, MXN or COP");
    }
    // Refused here rather than failing to render on every tick.
    crate::render::money::currency_decimals(&currency)
        .map_err(|e| anyhow::anyhow!("currency: {e}"))?;
    Ok(store::invoices::InvoiceInput {
        number,
        client_id,
        issue_date,
        due_date,
        currency,
        amount,
        pdf_path: row.or_keep(PDF, old.and_then(|i| i.pdf_path.clone()), str::to_owned),
        description: row.or_keep(
            DESCRIPTION,
            old.and_then(|i| i.description.clone()),
            str::to_owned,
        ),
    })
}

fn date_field(row: &Row, aliases: &[&str]) -> Result<chrono::NaiveDate> {
    let text = row.require(aliases)?;
    parse_date(text).with_context(|| {
        format!(
            "{}: {text:?} is not a date (use dd/mm/yyyy or yyyy-mm-dd)",
            aliases[0]
        )
    })
}

/// A required amount, bounded by `limits.max-amount`.
fn amount_field(row: &Row, aliases: &[&str], defaults: &Defaults) -> Result<Money> {
    let text = row.require(aliases)?;
    let amount = Money::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", aliases[0]))?;
    if amount.0.abs() > defaults.max_amount {
        anyhow::bail!(
            "{}: {text:?} is larger than the largest amount accepted, {} (limits.max-amount)",
            aliases[0],
            defaults.max_amount
        );
    }
    Ok(amount)
}
