//! Whether a promise to pay was kept, broken, or is still pending.

use chrono::NaiveDate;

use super::plans::PlanCalendar;
use crate::domain::Promise;
use crate::domain::{Invoice, Money, Payment};
use crate::policy::HolidayCalendar;

/// The state of a pending promise on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseCheck {
    /// Still running: reminders for what it covers wait until this day (inclusive).
    Pending {
        /// Last day of the grace period.
        until: NaiveDate,
    },
    /// Paid as promised.
    Kept,
    /// The grace period ended without the payment.
    Broken,
}

/// `date` plus `n` business days (no weekends, no holidays of the client's calendar).
pub fn add_business_days(date: NaiveDate, n: u32, calendar: &HolidayCalendar) -> NaiveDate {
    use chrono::Datelike;
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        let weekend = matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend && calendar.is_holiday(d).is_none() {
            left -= 1;
        }
    }
    d
}

/// `date` itself if it is a business day in the client's calendar, else the next one: a
/// deadline or an instalment never falls on a weekend or a holiday.
pub fn on_business_day(date: NaiveDate, calendar: &HolidayCalendar) -> NaiveDate {
    use chrono::Datelike;
    let mut d = date;
    // A year has at most a few dozen closed days in a row; 60 is a safe bound.
    for _ in 0..60 {
        let weekend = matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend && calendar.is_holiday(d).is_none() {
            return d;
        }
        d = d.succ_opt().unwrap_or(d);
    }
    d
}

/// Checks a pending promise on `today` (the client's local date).
///
/// Kept when what it covers is settled, or when the promised amount was paid between the
/// day it was made (the client's date then, as payments are dated) and the end of grace.
/// Broken when the grace period has ended without that.
pub fn check_promise(
    promise: &Promise,
    invoices: &[Invoice],
    payments: &[Payment],
    today: NaiveDate,
    grace_days: u32,
    calendar: &PlanCalendar<'_>,
) -> PromiseCheck {
    let covered: Vec<&Invoice> = invoices
        .iter()
        .filter(|i| {
            promise
                .invoice_number
                .as_ref()
                .is_none_or(|n| *n == i.number)
        })
        .filter(|i| {
            !matches!(
                i.status,
                crate::domain::InvoiceStatus::Cancelled | crate::domain::InvoiceStatus::WrittenOff
            )
        })
        .collect();
    let until = add_business_days(promise.promised_date, grace_days, calendar.holidays);
    let settled = covered.iter().all(|i| i.balance.is_settled());
    let made_on = promise
        .created_at
        .with_timezone(&calendar.time_zone)
        .date_naive();
    let paid: Money = payments
        .iter()
        .filter(|p| covered.iter().any(|i| i.number == p.invoice_number))
        .filter(|p| p.paid_on >= made_on && p.paid_on <= until)
        .map(|p| p.amount)
        .sum();
    let amount_met = promise.amount.is_some_and(|a| paid.0 >= a.0);
    if settled || amount_met {
        return PromiseCheck::Kept;
    }
    if today > until {
        PromiseCheck::Broken
    } else {
        PromiseCheck::Pending { until }
    }
}
