//! A payment row of the accounting export that repeats a payment recorded from another source
//! (the bank statement, typed in): linked to it, not added (`policy::payment_match`).
//!
//! Cost per row: hashing the invoice number and a binary search among the payments from other
//! sources (their list read once per import, over a partial index); SQL only for a row whose
//! invoice has such payments (one row-id read per payment, one probe of `payment_matches`).

use anyhow::Result;
use rusqlite::Connection;

use super::{Change, Session};
use crate::domain::Invoice;
use crate::policy::payment_match::Origin;
use crate::store::invoices::{PaymentInput, payment_imported};
use crate::store::payment_matches::{Compared, ExportTwins, compare};

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
        // A row imported before (added, or linked as a repeat) is the same payment again: it
        // must not be compared with the recorded ones, or it would pair with another
        // payment of the same amount (an instalment typed in with `--again`).
        if twins.repeated(key) || payment_imported(conn, key)? {
            return Ok(Some(Change::Unchanged));
        }
        Ok(
            match compare(
                conn,
                invoice,
                input,
                Origin::Export,
                &candidates,
                self.job.now,
            )? {
                Compared::New => None,
                Compared::Linked(note) => {
                    twins.paired(key);
                    Some(Change::NotAdded(note))
                }
                Compared::Doubt(note) => {
                    let reference = input
                        .reference
                        .as_ref()
                        .map(|r| format!(" --reference {r:?}"))
                        .unwrap_or_default();
                    Some(Change::NotAdded(format!(
                        "{note}: if it is another payment, record it with \
                         `cobrador invoice pay {} {} --date {}{reference} --again`",
                        invoice.number, input.amount, input.paid_on
                    )))
                }
            },
        )
    }
}
