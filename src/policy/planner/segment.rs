//! The client's segment from its payment history.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{Invoice, InvoiceStatus, Payment};

/// `late` when at least `late_share` of the invoices paid in the last 12 months were paid
/// after their due date (each promise broken in that time counts as one more late payment);
/// `regular` with three or more paid and none late; `new` with no history; `None` (the default
/// ladder) otherwise.
pub fn derive_segment(
    invoices: &[Invoice],
    payments: &[Payment],
    broken_promises: u32,
    today: NaiveDate,
    late_share: Decimal,
) -> Option<String> {
    let year_ago = today - chrono::Days::new(365);
    let mut paid = 0u32;
    let mut late = 0u32;
    for inv in invoices.iter().filter(|i| i.status == InvoiceStatus::Paid) {
        let Some(last) = payments
            .iter()
            .filter(|p| p.invoice_number == inv.number)
            .map(|p| p.paid_on)
            .max()
        else {
            continue;
        };
        if last < year_ago || last > today {
            continue;
        }
        paid += 1;
        if last > inv.due_date {
            late += 1;
        }
    }
    paid += broken_promises;
    late += broken_promises;
    let history_before = invoices.iter().any(|i| i.issue_date < year_ago);
    if paid == 0 {
        return (!history_before && invoices.iter().all(|i| i.status != InvoiceStatus::Paid))
            .then(|| "new".into());
    }
    if Decimal::from(late) >= late_share * Decimal::from(paid) {
        Some("late".into())
    } else if late == 0 && paid >= 3 {
        Some("regular".into())
    } else {
        None
    }
}
