//! Phase 2: which invoices may be chased at all, and whether the client may be written to.
//!
//! Gates on the whole client come first (manual hold, no reachable contact, a promise on the
//! whole client); then each open invoice is dropped with its reason (disputed, on hold, "ya
//! pagué", in a plan, under a promise); last, per currency, a balance below `minimum-amount`
//! is not chased.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::settle::Settled;
use super::{ClientFile, Plan, hold};
use crate::domain::{Contact, HoldKind, Invoice, InvoiceStatus, Money};

/// The contacts that may be written to at all: those who have not opted out.
pub fn reachable(file: &ClientFile) -> Vec<&Contact> {
    file.contacts.iter().filter(|c| !c.opted_out).collect()
}

/// The contacts that may be written to, or `None` (with the hold recorded) when the client as
/// a whole is not chased today.
pub(super) fn gate_client<'a>(
    file: &'a ClientFile,
    client_paused_until: Option<NaiveDate>,
    now: DateTime<Utc>,
    out: &mut Plan,
) -> Option<Vec<&'a Contact>> {
    let id = &file.client.id;
    if file.client.on_hold {
        hold(
            out,
            id,
            vec![],
            HoldKind::ClientOnHold,
            "paused: client on manual hold".into(),
        );
        return None;
    }
    let reachable = reachable(file);
    if reachable.is_empty() {
        let (kind, reason) = if file.contacts.is_empty() {
            (HoldKind::NoContact, "no contact to write to")
        } else {
            (HoldKind::OptedOut, "opted out")
        };
        hold(out, id, vec![], kind, reason.into());
        return None;
    }
    // «¿Me reenvía la factura?» waits for a person's answer, and a day asked back on Telegram
    // for the client's: no reminder crosses either. (tg30: the reason named only the first,
    // and the owner found nothing to review.)
    if let Some(until) = file.client.awaiting_answer_until.filter(|u| *u > now) {
        hold(
            out,
            id,
            vec![],
            HoldKind::AwaitingAnswer,
            format!(
                "waiting for an answer: a reply of the client's for a person (`cobrador responses --review`), or the day the client was asked to confirm (until {})",
                until
                    .with_timezone(&file.client.time_zone)
                    .format("%Y-%m-%d %H:%M")
            ),
        );
        return None;
    }
    if let Some(until) = client_paused_until {
        hold(
            out,
            id,
            vec![],
            HoldKind::Promise,
            format!("paused: promise until {until}"),
        );
        return None;
    }
    Some(reachable)
}

/// Why an open invoice is not chased today, if it is not.
pub(super) fn stop_reason(inv: &Invoice, settled: &Settled<'_>) -> Option<(HoldKind, String)> {
    match inv.status {
        InvoiceStatus::Disputed => Some((
            HoldKind::Disputed,
            "stopped: disputed, waiting for a person to resolve it".to_owned(),
        )),
        InvoiceStatus::OnHold => Some((
            HoldKind::InvoiceOnHold,
            "stopped: invoice on hold".to_owned(),
        )),
        _ => match inv.paid_claimed_on {
            Some(on) => Some((
                HoldKind::PaidClaim,
                format!("stopped: client says it was paid ({on}), check the bank"),
            )),
            None => settled.in_plan.get(&inv.number).cloned().or_else(|| {
                settled
                    .paused
                    .get(&inv.number)
                    .map(|until| (HoldKind::Promise, format!("paused: promise until {until}")))
            }),
        },
    }
}

/// The open invoices that may be chased, each dropped one with its hold recorded.
pub(super) fn candidates<'a>(
    open: &[&'a Invoice],
    settled: &Settled<'_>,
    client: &str,
    minimum: &dyn Fn(&str) -> Decimal,
    out: &mut Plan,
) -> Vec<&'a Invoice> {
    let mut kept: Vec<&Invoice> = Vec::new();
    for inv in open {
        match stop_reason(inv, settled) {
            Some((kind, r)) => hold(out, client, vec![inv.number.clone()], kind, r),
            None => kept.push(inv),
        }
    }
    apply_minimum(kept, client, minimum, out)
}

/// Drops the invoices of a currency whose total balance is below its `minimum`.
pub(super) fn apply_minimum<'a>(
    mut invoices: Vec<&'a Invoice>,
    client: &str,
    minimum: &dyn Fn(&str) -> Decimal,
    out: &mut Plan,
) -> Vec<&'a Invoice> {
    let mut per_currency: BTreeMap<&str, Money> = BTreeMap::new();
    for inv in &invoices {
        let sum = per_currency.entry(inv.currency.as_str()).or_default();
        *sum = *sum + inv.balance;
    }
    let below: Vec<String> = per_currency
        .iter()
        .filter(|(c, total)| total.0 < minimum(c))
        .map(|(c, _)| (*c).to_owned())
        .collect();
    invoices.retain(|inv| {
        let drop = below.contains(&inv.currency);
        if drop {
            hold(
                out,
                client,
                vec![inv.number.clone()],
                HoldKind::BelowMinimum,
                format!(
                    "below the minimum amount of {} {}",
                    minimum(&inv.currency),
                    inv.currency
                ),
            );
        }
        !drop
    });
    invoices
}
