//! Applying a statement to the store: one transaction per file, one row per credit, payments
//! for confident matches, the review list for the rest, and the owner's settlements.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::Serialize;

use super::matching::{self, Ledger, Outcome, Payer, Payers};
use super::repeat::{self, Found};
use super::{Format, Movement};
use crate::domain::Money;
use crate::domain::{Actor, EventKind};
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
    /// Credits that repeat a payment already recorded from another source (the accounting
    /// export, typed in): linked to it, not added (see `policy::payment_match`).
    pub already_recorded: usize,
    /// One line per credit not added, for the owner (not in the statement's audit event:
    /// each has its own `payment.repeated` event).
    #[serde(skip)]
    pub notes: Vec<String>,
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
    let mut open = ledger(&tx)?;
    let mut s = BankSummary {
        format: statement.format,
        credits: statement.credits.len(),
        debits: statement.debits,
        already: 0,
        matched: 0,
        review: 0,
        claims_confirmed: 0,
        already_recorded: 0,
        notes: Vec::new(),
    };
    for m in &statement.credits {
        if bank_store::exists(&tx, &m.key)? {
            s.already += 1;
            continue;
        }
        let new = new_movement(m, name);
        match repeat::find(&tx, m, &open, &payers)? {
            Found::Nothing => {}
            Found::Same(invoice, first) => {
                let rule = Some(repeat::ALREADY_RECORDED);
                let id = bank_store::insert(&tx, &new, "matched", rule, None, now)?;
                let note = repeat::link(&tx, id, m, invoice, &first, now)?;
                s.notes.push(format!("{name}:{}: {note}", m.line));
                s.already_recorded += 1;
                continue;
            }
            Found::Doubt(reason) => {
                bank_store::insert(&tx, &new, "review", None, Some(&reason), now)?;
                s.review += 1;
                continue;
            }
        }
        match matching::decide(m, &open, &payers) {
            Outcome::Pay { rule, allocations } => {
                let id = bank_store::insert(&tx, &new, "matched", Some(rule), None, now)?;
                let credit = credit_of(id, m);
                s.claims_confirmed += bank_store::pay(&tx, &credit, &allocations, Actor::Bank, now)
                    .with_context(|| format!("{name}:{}: cannot record the payment", m.line))?;
                s.matched += 1;
                refresh(
                    &tx,
                    &mut open,
                    allocations.iter().map(|(number, _)| number.as_str()),
                )?;
            }
            Outcome::Review { reason, unmatched } => {
                let rule = unmatched.then_some(bank_store::UNMATCHED);
                bank_store::insert(&tx, &new, "review", rule, Some(&reason), now)?;
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
            Actor::Bank,
            EventKind::BankImported,
            None,
            None,
            serde_json::json!({ "file": name, "summary": s }),
        )?;
        tx.commit().context("Failed to commit the bank statement")?;
    }
    Ok(s)
}

fn credit_of(id: i64, m: &Movement) -> bank_store::Credit<'_> {
    bank_store::Credit {
        id,
        key: &m.key,
        booked_on: m.booked_on,
        reference: m.reference.as_deref(),
        concept: &m.concept,
        payer_iban: m.payer_iban.as_deref(),
    }
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

/// Every invoice with its balance, read once per statement: the matcher pays open ones and
/// sends credits naming the others (paid, disputed, cancelled) to review.
fn ledger(conn: &Connection) -> Result<Ledger> {
    Ok(Ledger::new(store::invoices::list(conn, None)?))
}

/// Reads again the invoices a credit has just paid (their balances and statuses), so that the
/// next credits of the statement see them as they are now. Only those: the whole book read
/// again after every credit matched made a statement of 100 credits take 135 s on a book of
/// 500,000 invoices (BENCHMARKS.md, eleventh step).
fn refresh<'n>(
    conn: &Connection,
    ledger: &mut Ledger,
    paid: impl Iterator<Item = &'n str>,
) -> Result<()> {
    for number in paid {
        ledger.update(store::invoices::require(conn, number)?);
    }
    Ok(())
}

/// Every client with the names and accounts a credit may come from.
fn payers(conn: &Connection) -> Result<Payers> {
    let mut ibans: HashMap<String, Vec<String>> = HashMap::new();
    for (id, iban) in bank_store::ibans(conn)? {
        ibans.entry(id).or_default().push(iban);
    }
    let all = store::clients::list(conn)?
        .into_iter()
        .map(|c| {
            let accounts = ibans.remove(&c.id).unwrap_or_default();
            Payer::new(c.id, std::iter::once(c.name).chain(c.legal_name), accounts)
        })
        .collect();
    Ok(Payers::new(all))
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
        bank_store::pay(tx, &(&stored).into(), &allocations, Actor::Owner, now)?;
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
