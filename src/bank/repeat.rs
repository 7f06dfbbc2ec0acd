//! A statement credit that repeats a payment already recorded from the accounting export or
//! typed in by the owner: linked to it, not paid again (`policy::payment_match`). Checked
//! before the matcher, which only looks at balances and would otherwise pay an invoice twice
//! (a partial payment) or send a settled invoice's credit to review as a "second payment".

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::Movement;
use super::matching::{Ledger, Payers, pointed_invoices};
use crate::domain::{Actor, Invoice, Money};
use crate::policy::payment_match::{self, Arriving, Origin, Recorded, Twin};
use crate::store::payment_matches::{self, Repeat};

/// The rule a credit that repeats a recorded payment is stored with (`bank_movements.rule`).
pub const ALREADY_RECORDED: &str = "already-recorded";

/// What a credit is to the payments already recorded.
#[derive(Debug)]
pub enum Found<'a> {
    /// Nothing recorded is the same money: match it as usual.
    Nothing,
    /// The same money as this payment of this invoice.
    Same(&'a Invoice, Recorded),
    /// It may repeat one of several recorded payments: for the owner (the review list).
    Doubt(String),
}

/// Compares a credit with the payments recorded on the invoices it points at.
pub fn find<'a>(
    conn: &Connection,
    m: &Movement,
    ledger: &'a Ledger,
    payers: &Payers,
) -> Result<Found<'a>> {
    let mut dates = vec![m.booked_on];
    dates.extend(m.value_on);
    let references: Vec<String> = m
        .reference
        .iter()
        .cloned()
        .chain(Some(m.concept.clone()).filter(|c| !c.is_empty()))
        .collect();
    let arriving = Arriving {
        dates: &dates,
        amount: Money(m.amount),
        origin: Origin::Bank,
        references: &references,
    };
    let mut same = Vec::new();
    let mut doubts = Vec::new();
    // Only invoices with something paid can hold a payment this credit repeats.
    for inv in pointed_invoices(m, ledger, payers)
        .into_iter()
        .filter(|i| i.paid.0 > rust_decimal::Decimal::ZERO)
    {
        match payment_match::twin(
            &arriving,
            &payment_matches::recorded(conn, &inv.number, Actor::Bank)?,
        ) {
            Twin::None => {}
            Twin::Same(r) => same.push((inv, r)),
            Twin::Ambiguous(rs) => doubts.extend(rs.into_iter().map(|r| (inv, r))),
        }
    }
    if same.len() == 1 && doubts.is_empty() {
        let (inv, r) = same.remove(0);
        return Ok(Found::Same(inv, r));
    }
    doubts.extend(same);
    if doubts.is_empty() {
        return Ok(Found::Nothing);
    }
    let list: Vec<String> = doubts
        .iter()
        .map(|(inv, r)| format!("{} on {} ({})", inv.number, r.paid_on, r.origin.describe()))
        .collect();
    Ok(Found::Doubt(format!(
        "may repeat a payment already recorded: {}; settle it with --invoice if it is another \
         payment, or --ignore it",
        list.join(", ")
    )))
}

/// Links credit `m` (stored as movement `id`) to the payment it repeats, with the allocation
/// the movement would have had; returns the line for the owner.
pub fn link(
    conn: &Connection,
    id: i64,
    m: &Movement,
    invoice: &Invoice,
    first: &Recorded,
    now: DateTime<Utc>,
) -> Result<String> {
    let key = format!("bank|{}|{}", m.key, invoice.number);
    let repeat = Repeat {
        payment_id: first.id,
        invoice: &invoice.number,
        client: &invoice.client_id,
        source: Actor::Bank,
        import_key: Some(&key),
        paid_on: m.booked_on,
        amount: Money(m.amount),
        reference: m.reference.as_deref(),
    };
    payment_matches::link(conn, &repeat, first, now)?;
    crate::store::bank::allocate(conn, id, &invoice.number, Money(m.amount))?;
    Ok(format!(
        "payment of {} {} to {} on {} already recorded from {} ({}); not added again",
        m.amount,
        m.currency,
        invoice.number,
        m.booked_on,
        first.origin.describe(),
        first.paid_on
    ))
}
