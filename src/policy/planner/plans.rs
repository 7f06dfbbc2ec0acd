//! Payment plans: allocating payments to instalments, and what a running plan asks for.

use chrono::{Days, NaiveDate};

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

/// Allocates the payments made since the plan was agreed to its instalments, in order.
pub fn allocate(
    plan: &PaymentPlan,
    payments: &[Payment],
    today: NaiveDate,
) -> Vec<InstalmentState> {
    let since = plan.created_at.date_naive();
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

/// Checks a plan on `today` (the client's local date).
pub fn check_plan(
    plan: &PaymentPlan,
    invoices: &[Invoice],
    payments: &[Payment],
    today: NaiveDate,
    grace_days: u32,
    notice_days: u32,
    calendar: &HolidayCalendar,
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
    let states = allocate(plan, payments, today);
    let Some(next) = states.iter().find(|s| s.status != "paid") else {
        // Every instalment paid but a balance remains (the plan was short): keep it running,
        // the owner sees it in `plan`; nothing more to remind under the plan.
        return PlanCheck::Running {
            next: None,
            remind: None,
        };
    };
    if today > add_business_days(next.due_date, grace_days, calendar) {
        return PlanCheck::Broken {
            number: next.number,
        };
    }
    let remind = if today > next.due_date {
        Some((next.number, true))
    } else if today + Days::new(u64::from(notice_days)) >= next.due_date {
        Some((next.number, false))
    } else {
        None
    };
    PlanCheck::Running {
        next: Some((next.number, next.due_date)),
        remind,
    }
}
