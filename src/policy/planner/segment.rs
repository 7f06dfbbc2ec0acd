//! The client's segment from its payment history.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{Invoice, InvoiceStatus, PaidHistory, Payment};

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
    let history_before = invoices.iter().any(|i| i.issue_date < year_ago);
    let any_paid = invoices.iter().any(|i| i.status == InvoiceStatus::Paid);
    let counts = Counts {
        paid,
        late,
        history_before,
        any_paid,
    };
    decide(counts, broken_promises, late_share)
}

/// [`derive_segment`] for a file read to plan: `invoices` are its open ones (and a few closed
/// ones), `history` sums up its closed invoices. The same segment, or an error when `today` is
/// not a date the summary was built for.
pub fn derive_segment_from(
    history: &PaidHistory,
    invoices: &[Invoice],
    broken_promises: u32,
    today: NaiveDate,
    late_share: Decimal,
) -> Result<Option<String>, String> {
    let year_ago = today - chrono::Days::new(365);
    let (core_from, core_to) = history.core;
    if today < history.dates.0 || today > history.dates.1 || core_from < year_ago || core_to > today
    {
        return Err(format!(
            "payment history summed for dates {:?}, not for {today}",
            history.dates
        ));
    }
    let mut paid = history.core_paid;
    let mut late = history.core_late;
    for &(due, last) in &history.edge {
        if last >= year_ago && last <= today {
            paid += 1;
            late += u32::from(last > due);
        }
    }
    let counts = Counts {
        paid,
        late,
        history_before: history.first_closed_issue.is_some_and(|d| d < year_ago)
            || invoices.iter().any(|i| i.issue_date < year_ago),
        any_paid: history.any_paid || invoices.iter().any(|i| i.status == InvoiceStatus::Paid),
    };
    Ok(decide(counts, broken_promises, late_share))
}

/// What decides the segment.
struct Counts {
    /// Invoices paid in the 12 months.
    paid: u32,
    /// Of those, paid after their due date.
    late: u32,
    /// Any invoice issued before those 12 months.
    history_before: bool,
    /// Any invoice paid at all.
    any_paid: bool,
}

fn decide(c: Counts, broken_promises: u32, late_share: Decimal) -> Option<String> {
    let paid = c.paid + broken_promises;
    let late = c.late + broken_promises;
    if paid == 0 {
        return (!c.history_before && !c.any_paid).then(|| "new".into());
    }
    if Decimal::from(late) >= late_share * Decimal::from(paid) {
        Some("late".into())
    } else if late == 0 && paid >= 3 {
        Some("regular".into())
    } else {
        None
    }
}
