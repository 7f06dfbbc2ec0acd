//! A person's decisions on an invoice (dispute, resolve, hold, cancel...), with the rules about
//! which changes make sense and their audit events. The CLI and the demo both go through here.

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use crate::domain::InvoiceStatus;
use crate::domain::{Actor, EventKind};
use crate::store::{self, Store};

/// What a person decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The client contests it: automatic reminders stop.
    Dispute,
    /// A dispute or a "ya pagué" claim is settled: reminders may resume.
    Resolve,
    /// Stop automatic reminders for it.
    Hold,
    /// Resume automatic reminders.
    Unhold,
    /// Cancel it (e.g. a credit note was issued).
    Cancel,
    /// Give it up as uncollectable.
    WriteOff,
}

impl Decision {
    /// The command's own word, for messages.
    pub fn verb(self) -> &'static str {
        match self {
            Decision::Dispute => "dispute",
            Decision::Resolve => "resolve",
            Decision::Hold => "hold",
            Decision::Unhold => "unhold",
            Decision::Cancel => "cancel",
            Decision::WriteOff => "write-off",
        }
    }
}

/// Applies a decision in one transaction; returns the new status and the event kind.
/// Transitions that make no sense are refused with the invoice's current status.
pub fn decide(
    store: &mut Store,
    number: &str,
    decision: Decision,
    note: Option<&str>,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<(InvoiceStatus, EventKind)> {
    use InvoiceStatus::*;
    store.transaction(|tx| {
        let inv = store::invoices::require(tx, number)?;
        let (new, kind) = match (decision, inv.status) {
            (Decision::Dispute, Open | OnHold) => (Disputed, EventKind::InvoiceDisputed),
            (Decision::Resolve, Disputed) => (Open, EventKind::InvoiceDisputeResolved),
            (Decision::Resolve, Open) if inv.paid_claimed_on.is_some() => {
                (Open, EventKind::InvoicePaidClaimResolved)
            }
            (Decision::Hold, Open | Disputed) => (OnHold, EventKind::InvoiceHeld),
            (Decision::Unhold, OnHold) => (Open, EventKind::InvoiceUnheld),
            (Decision::Cancel, Open | Disputed | OnHold) => {
                (Cancelled, EventKind::InvoiceCancelled)
            }
            (Decision::WriteOff, Open | Disputed | OnHold) => {
                (WrittenOff, EventKind::InvoiceWrittenOff)
            }
            (d, s) => bail!(
                "invoice {} is {s}: nothing to {} (see `cobrador invoice show {}`)",
                inv.number,
                d.verb(),
                inv.number
            ),
        };
        store::invoices::set_status(tx, &inv.number, new, now)?;
        if decision == Decision::Resolve {
            store::invoices::set_paid_claim(tx, &inv.number, None, now)?;
        }
        let new = store::invoices::refresh_status(tx, &inv.number, now)?;
        store::events::append(
            tx,
            now,
            actor,
            kind,
            Some(&inv.client_id),
            Some(&inv.number),
            serde_json::json!({ "from": inv.status, "to": new, "note": note }),
        )?;
        Ok((new, kind))
    })
}
