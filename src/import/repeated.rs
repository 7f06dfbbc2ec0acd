//! A payment row of the accounting export that repeats a payment recorded from another source
//! (the bank statement, typed in): linked to it, not added (`policy::payment_match`).
//!
//! Cost per row: hashing the invoice number and a binary search among the payments from other
//! sources (their list read once per import, over a partial index); SQL only for a row whose
//! invoice has such payments (one row-id read per payment, one probe of `payment_matches`).

use anyhow::Result;
use rusqlite::Connection;

use super::{Change, Session};
use crate::domain::{Actor, EventKind, Invoice};
use crate::policy::payment_match::{self, Arriving, Origin, Twin};
use crate::store::invoices::PaymentInput;
use crate::store::payment_matches::{ExportTwins, Repeat, link};

impl Session<'_> {
    /// `Some` when the row must not be added: imported before as a repeat (unchanged), the
    /// same money as a recorded payment, or possibly one of several.
    pub(super) fn repeated_payment(
        &mut self,
        conn: &Connection,
        invoice: &Invoice,
        input: &PaymentInput,
    ) -> Result<Option<Change>> {
        let twins = match &mut self.twins {
            Some(t) => t,
            None => self.twins.insert(ExportTwins::load(conn)?),
        };
        let candidates = twins.candidates(conn, &invoice.number)?;
        if candidates.is_empty() {
            return Ok(None);
        }
        let key = input.import_key.as_deref().unwrap_or_default();
        if twins.repeated(key) {
            return Ok(Some(Change::Unchanged));
        }
        let references: Vec<String> = input.reference.iter().cloned().collect();
        let arriving = Arriving {
            dates: &[input.paid_on],
            amount: input.amount,
            origin: Origin::Export,
            references: &references,
        };
        let what = format!(
            "payment of {} {} to {} on {}",
            input.amount, invoice.currency, invoice.number, input.paid_on
        );
        let now = self.job.now;
        match payment_match::twin(&arriving, &candidates) {
            Twin::None => Ok(None),
            Twin::Same(first) => {
                let repeat = Repeat {
                    payment_id: first.id,
                    invoice: &invoice.number,
                    client: &invoice.client_id,
                    source: Actor::Csv,
                    import_key: input.import_key.as_deref(),
                    paid_on: input.paid_on,
                    amount: input.amount,
                    reference: input.reference.as_deref(),
                };
                link(conn, &repeat, &first, now)?;
                twins.paired(key);
                Ok(Some(Change::NotAdded(format!(
                    "{what} already recorded from {} ({}); not added again",
                    first.origin.describe(),
                    first.paid_on
                ))))
            }
            Twin::Ambiguous(several) => {
                let days: Vec<String> = several
                    .iter()
                    .map(|r| format!("{} ({})", r.paid_on, r.origin.describe()))
                    .collect();
                crate::store::events::append(
                    conn,
                    now,
                    Actor::Csv,
                    EventKind::PaymentDoubtful,
                    Some(&invoice.client_id),
                    Some(&invoice.number),
                    serde_json::json!({ "amount": input.amount, "paid_on": input.paid_on,
                                        "reference": input.reference,
                                        "may_be": several.iter().map(|r| r.id).collect::<Vec<_>>() }),
                )?;
                Ok(Some(Change::NotAdded(format!(
                    "{what} may be any of the payments already recorded on {}; not added: if it is \
                     another payment, record it with `cobrador invoice pay {} {} --date {} --again`",
                    days.join(", "),
                    invoice.number,
                    input.amount,
                    input.paid_on
                ))))
            }
        }
    }
}
