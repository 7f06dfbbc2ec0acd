//! Payment plans: allocating payments to instalments, and what a running plan asks for.

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;

use super::promises::add_business_days;
use crate::domain::PaymentPlan;
use crate::domain::{Invoice, Money, Payment};
use crate::policy::HolidayCalendar;

/// One instalment with what was allocated to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentState {
    /// 1-based position.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount due.
    pub amount: Money,
    /// Amount allocated to it from the payments (in order; overpayments carry forward).
    pub paid: Money,
    /// `paid`, `partial`, `missed` or `pending`.
    pub status: &'static str,
}

/// The plan's first day: the client's date (in `tz`, its time zone) when it was agreed. Not
/// the UTC date: a plan agreed on a Friday evening in Mexico is Saturday in UTC, and a payment
/// made that evening would not count for it; one agreed just after midnight in Madrid is still
/// the day before in UTC, and a payment of that day before would.
pub fn first_day(plan: &PaymentPlan, tz: Tz) -> NaiveDate {
    plan.created_at.with_timezone(&tz).date_naive()
}

/// Allocates the payments made since the plan was agreed (from its [`first_day`] in the
/// client's time zone `tz`) to its instalments, in order.
pub fn allocate(
    plan: &PaymentPlan,
    payments: &[Payment],
    today: NaiveDate,
    tz: Tz,
) -> Vec<InstalmentState> {
    let since = first_day(plan, tz);
    let mut left: Money = payments
        .iter()
        .filter(|p| plan.invoices.contains(&p.invoice_number) && p.paid_on >= since)
        .map(|p| p.amount)
        .sum();
    plan.instalments
        .iter()
        .map(|i| {
            let paid = if left.0 >= i.amount.0 {
                i.amount
            } else {
                Money(left.0.max(rust_decimal::Decimal::ZERO))
            };
            left = left - paid;
            let status = if paid.0 >= i.amount.0 {
                "paid"
            } else if i.due_date < today {
                "missed"
            } else if paid.0 > rust_decimal::Decimal::ZERO {
                "partial"
            } else {
                "pending"
            };
            InstalmentState {
                number: i.number,
                due_date: i.due_date,
                amount: i.amount,
                paid,
                status,
            }
        })
        .collect()
}

/// What a running plan needs on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanCheck {
    /// Every invoice of the plan is settled.
    Completed,
    /// Instalment `number` was missed beyond the grace period.
    Broken {
        /// The instalment missed.
        number: u32,
    },
    /// Running: reminders for the plan's invoices are replaced by instalment reminders.
    Running {
        /// The next unpaid instalment and its due date.
        next: Option<(u32, NaiveDate)>,
        /// A reminder due today: (instalment, missed).
        remind: Option<(u32, bool)>,
    },
}

/// The calendar a plan or a promise is checked on: the holidays (grace days are business days),
/// which days the client may be written to (an instalment's notice goes on one of them), and
/// the client's time zone (the day a plan or promise was made is the client's date then).
#[derive(Clone, Copy)]
pub struct PlanCalendar<'a> {
    /// The client's holidays.
    pub holidays: &'a HolidayCalendar,
    /// Whether a local date is a contact day for the client (its window, its holidays).
    pub contact_day: &'a dyn Fn(NaiveDate) -> bool,
    /// The client's time zone: a plan's first day is the client's date it was agreed on.
    pub time_zone: Tz,
}

/// How far back [`notice_day`] looks for a contact day.
const NOTICE_SEARCH_DAYS: u32 = 60;

/// The first day the notice of an instalment due on `due` may go: `notice_days` before it
/// (the nominal day) when that is a contact day, else the last contact day before it, so the
/// heads-up the plan confirmation promised is early, never late. A notice is never planned
/// before the plan's first day (`since`): when no contact day lies between `since` and the
/// nominal day, it opens on `since` and goes at the first opportunity (the planner drops it
/// if that opportunity is after the instalment's day; the missed-instalment nudge follows).
pub fn notice_day(
    due: NaiveDate,
    notice_days: u32,
    since: NaiveDate,
    contact_day: &dyn Fn(NaiveDate) -> bool,
) -> NaiveDate {
    let nominal = due - Days::new(u64::from(notice_days));
    if nominal <= since {
        return since;
    }
    (0..NOTICE_SEARCH_DAYS)
        .filter_map(|back| nominal.checked_sub_days(Days::new(u64::from(back))))
        .take_while(|d| *d >= since)
        .find(|d| contact_day(*d))
        .unwrap_or(since)
}

/// Checks a plan on `today` (the client's local date).
pub fn check_plan(
    plan: &PaymentPlan,
    invoices: &[Invoice],
    payments: &[Payment],
    today: NaiveDate,
    grace_days: u32,
    notice_days: u32,
    calendar: &PlanCalendar<'_>,
) -> PlanCheck {
    let settled = plan.invoices.iter().all(|n| {
        invoices
            .iter()
            .find(|i| &i.number == n)
            .is_none_or(|i| i.balance.is_settled() || i.status.is_closed())
    });
    if settled {
        return PlanCheck::Completed;
    }
    let states = allocate(plan, payments, today, calendar.time_zone);
    let Some(next) = states.iter().find(|s| s.status != "paid") else {
        // Every instalment paid but a balance remains (the plan was short): keep it running,
        // the owner sees it in `plan`; nothing more to remind under the plan.
        return PlanCheck::Running {
            next: None,
            remind: None,
        };
    };
    if today > add_business_days(next.due_date, grace_days, calendar.holidays) {
        return PlanCheck::Broken {
            number: next.number,
        };
    }
    let since = first_day(plan, calendar.time_zone);
    let remind = if today > next.due_date {
        Some((next.number, true))
    } else if today >= notice_day(next.due_date, notice_days, since, calendar.contact_day) {
        Some((next.number, false))
    } else {
        None
    };
    PlanCheck::Running {
        next: Some((next.number, next.due_date)),
        remind,
    }
}
