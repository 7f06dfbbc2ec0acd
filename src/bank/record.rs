//! Applying a statement to the store: one transaction per file, one row per credit, payments
//! for confident matches, the review list for the rest, and the owner's settlements.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::matching::{self, Outcome, Payer};
use super::{Format, Movement};
use crate::domain::{Invoice, InvoiceStatus, Money, PaymentKind};
use crate::store::bank::{self as bank_store, NewMovement};
use crate::store::{self, Store};

/// What a statement import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankSummary {
    /// The format read.
    pub format: Format,
    /// Credits on the statement.
    pub credits: usize,
    /// Debits skipped.
    pub debits: usize,
    /// Credits imported before (changed nothing).
    pub already: usize,
    /// Credits recorded as payments.
    pub matched: usize,
    /// Credits left for review.
    pub review: usize,
    /// Of the matched, those that confirmed a "ya pagué".
    pub claims_confirmed: usize,
}

/// Reads and applies a statement file.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<BankSummary> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    import_bytes(store, &path.display().to_string(), &bytes, dry_run, now)
}

/// Reads and applies a statement: all of it or, on any error, nothing.
pub fn import_bytes(
    store: &mut Store,
    name: &str,
    bytes: &[u8],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<BankSummary> {
    let statement = super::parse(name, bytes)?;
    let tx = store.write_transaction()?;
    let payers = payers(&tx)?;
    let mut open = open_invoices(&tx)?;
    let mut s = BankSummary {
        format: statement.format,
        credits: statement.credits.len(),
        debits: statement.debits,
        already: 0,
        matched: 0,
        review: 0,
        claims_confirmed: 0,
    };
    for m in &statement.credits {
        if bank_store::exists(&tx, &m.key)? {
            s.already += 1;
            continue;
        }
        let new = new_movement(m, name);
        match matching::decide(m, &open, &payers) {
            Outcome::Pay { rule, allocations } => {
                let id = bank_store::insert(&tx, &new, "matched", Some(rule), None, now)?;
                s.claims_confirmed += pay(&tx, id, m, &allocations, "bank", now)
                    .with_context(|| format!("{name}:{}: cannot record the payment", m.line))?;
                s.matched += 1;
                open = open_invoices(&tx)?;
            }
            Outcome::Review(reason) => {
                bank_store::insert(&tx, &new, "review", None, Some(&reason), now)?;
                s.review += 1;
            }
        }
    }
    if dry_run {
        tx.rollback()?;
    } else {
        store::events::append(
            &tx,
            now,
            "bank",
            "bank.imported",
            None,
            None,
            serde_json::json!({ "file": name, "summary": s }),
        )?;
        tx.commit().context("Failed to commit the bank statement")?;
    }
    Ok(s)
}

fn new_movement<'a>(m: &'a Movement, file: &'a str) -> NewMovement<'a> {
    NewMovement {
        import_key: &m.key,
        file,
        account: &m.account,
        booked_on: m.booked_on,
        value_on: m.value_on,
        amount: Money(m.amount),
        currency: &m.currency,
        reference: m.reference.as_deref(),
        concept: &m.concept,
        payer_name: m.payer_name.as_deref(),
        payer_iban: m.payer_iban.as_deref(),
    }
}

/// Every invoice with its balance: the matcher pays open ones and sends credits naming the
/// others (paid, disputed, cancelled) to review.
fn open_invoices(conn: &Connection) -> Result<Vec<Invoice>> {
    store::invoices::list(conn, None)
}

fn payers(conn: &Connection) -> Result<Vec<Payer>> {
    let ibans = bank_store::ibans(conn)?;
    Ok(store::clients::list(conn)?
        .into_iter()
        .map(|c| Payer {
            ibans: ibans
                .iter()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, iban)| iban.clone())
                .collect(),
            names: std::iter::once(c.name).chain(c.legal_name).collect(),
            id: c.id,
        })
        .collect())
}

/// Records the payments of one credit; returns how many "ya pagué" claims it confirmed.
fn pay(
    tx: &Connection,
    id: i64,
    m: &Movement,
    allocations: &[(String, Money)],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut confirmed = 0;
    let reference = m
        .reference
        .clone()
        .or_else(|| Some(m.concept.chars().take(140).collect::<String>()))
        .filter(|r| !r.is_empty());
    for (number, amount) in allocations {
        let before = store::invoices::require(tx, number)?;
        store::invoices::add_payment(
            tx,
            &store::invoices::PaymentInput {
                invoice_number: number.clone(),
                paid_on: m.booked_on,
                amount: *amount,
                reference: reference.clone(),
                kind: PaymentKind::Payment,
                source: actor.to_owned(),
                import_key: Some(format!("bank|{}|{number}", m.key)),
            },
            now,
        )?;
        bank_store::allocate(tx, id, number, *amount)?;
        if let Some(claimed_on) = before.paid_claimed_on {
            confirmed += 1;
            store::events::append(
                tx,
                now,
                "bank",
                "invoice.paid_claim_confirmed",
                Some(&before.client_id),
                Some(number),
                serde_json::json!({ "claimed_on": claimed_on, "movement": id, "amount": amount,
                                    "booked_on": m.booked_on, "reference": reference }),
            )?;
        }
    }
    if let (Some(iban), Some((first, _))) = (&m.payer_iban, allocations.first()) {
        let client = store::invoices::require(tx, first)?.client_id;
        bank_store::add_iban(
            tx,
            &client,
            iban,
            if actor == "owner" { "owner" } else { "bank" },
            now,
        )?;
    }
    Ok(confirmed)
}

/// The owner's decision about a credit on the review list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// It pays these invoices, in this order (each up to its balance).
    Invoices(Vec<String>),
    /// Not a client's payment (a refund, a loan...), with an optional note.
    Ignore(Option<String>),
}

/// Settles one credit of the review list in one transaction; returns the payments made.
pub fn settle(
    store: &mut Store,
    id: i64,
    decision: &Settle,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Money)>> {
    store.transaction(|tx| {
        let stored = bank_store::get(tx, id)?
            .with_context(|| format!("no bank movement {id}: see `cobrador bank review`"))?;
        if stored.status != "review" {
            bail!(
                "bank movement {id} is already {} ({}): nothing to settle",
                stored.status,
                stored.rule.as_deref().unwrap_or("-")
            );
        }
        let numbers = match decision {
            Settle::Ignore(note) => {
                bank_store::resolve(tx, id, "ignored", Some("owner"), note.as_deref(), now)?;
                return Ok(Vec::new());
            }
            Settle::Invoices(numbers) => numbers,
        };
        let allocations = split(tx, &stored, numbers)?;
        let m = Movement {
            key: stored.import_key.clone(),
            account: stored.account.clone(),
            line: 0,
            booked_on: stored.booked_on,
            value_on: None,
            amount: stored.amount.0,
            currency: stored.currency.clone(),
            reference: stored.reference.clone(),
            concept: stored.concept.clone(),
            payer_name: stored.payer_name.clone(),
            payer_iban: stored.payer_iban.clone(),
        };
        pay(tx, id, &m, &allocations, "owner", now)?;
        bank_store::resolve(tx, id, "settled", Some("owner"), None, now)?;
        Ok(allocations)
    })
}

/// The credit spread over the named invoices, each up to its balance; it must all be used.
fn split(
    tx: &Connection,
    stored: &bank_store::StoredMovement,
    numbers: &[String],
) -> Result<Vec<(String, Money)>> {
    let mut left = stored.amount.0;
    let mut out = Vec::new();
    for number in numbers {
        let inv = store::invoices::require(tx, number)?;
        if inv.currency != stored.currency {
            bail!(
                "invoice {number} is in {}, the credit in {}",
                inv.currency,
                stored.currency
            );
        }
        if inv.balance.is_settled() {
            bail!("invoice {number} is already paid: name another invoice");
        }
        let take = left.min(inv.balance.0);
        if take > Decimal::ZERO {
            out.push((number.clone(), Money(take)));
            left -= take;
        }
    }
    if left > Decimal::ZERO {
        bail!(
            "the credit of {} {} is {left} more than what {} owe: name another invoice too, or \
             --ignore it and record the payment by hand (`cobrador invoice pay`)",
            stored.amount,
            stored.currency,
            numbers.join(", ")
        );
    }
    Ok(out)
}

/// Checks a client's "ya pagué" against the credits already imported and waiting for review:
/// a credit that now matches (the claim itself is evidence, rule `claim`) is recorded and the
/// claim confirmed. Returns whether no claimed invoice of the client is left unpaid, i.e.
/// whether nobody needs to be asked. Call it inside the transaction that recorded the claim.
pub fn confirm_claims(tx: &Connection, client_id: &str, now: DateTime<Utc>) -> Result<bool> {
    let claimed = |tx: &Connection| -> Result<Vec<String>> {
        Ok(store::invoices::list(tx, Some(client_id))?
            .into_iter()
            .filter(|i| i.status == InvoiceStatus::Open && i.paid_claimed_on.is_some())
            .map(|i| i.number)
            .collect())
    };
    if claimed(tx)?.is_empty() {
        return Ok(false);
    }
    let payers = payers(tx)?;
    for stored in bank_store::list(tx, Some("review"))? {
        let mine = claimed(tx)?;
        if mine.is_empty() {
            break;
        }
        let m = Movement {
            key: stored.import_key.clone(),
            account: stored.account.clone(),
            line: 0,
            booked_on: stored.booked_on,
            value_on: None,
            amount: stored.amount.0,
            currency: stored.currency.clone(),
            reference: stored.reference.clone(),
            concept: stored.concept.clone(),
            payer_name: stored.payer_name.clone(),
            payer_iban: stored.payer_iban.clone(),
        };
        if let Outcome::Pay { rule, allocations } =
            matching::decide(&m, &open_invoices(tx)?, &payers)
            && allocations.iter().all(|(n, _)| mine.contains(n))
        {
            pay(tx, stored.id, &m, &allocations, "bank", now)?;
            bank_store::resolve(tx, stored.id, "matched", Some(rule), None, now)?;
        }
    }
    Ok(claimed(tx)?.is_empty())
}
