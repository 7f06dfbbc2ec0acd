//! Phase 1: settle promises and payment plans that are due, and find what they pause.
//!
//! A pending promise pauses what it covers; a kept or broken one becomes an [`Effect`] for the
//! caller to record. A running payment plan replaces the ladder for its invoices by instalment
//! reminders; a broken one lets the ladder resume (one step at a time, see `overdue`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::plans::{PlanCalendar, allocate};
use super::promises::add_business_days;
use super::{ClientFile, PlanCheck, Settings};
use super::{Effect, Plan, PromiseCheck, check_plan, check_promise};
use crate::domain::HoldKind;
use crate::domain::{Payment, PaymentPlan, PlanStatus};
use crate::domain::{Promise, PromiseStatus};

/// What the promises and plans of one client mean today.
#[derive(Debug, Default)]
pub(super) struct Settled<'a> {
    /// Invoice number → last day its pending promise pauses it.
    pub paused: BTreeMap<String, NaiveDate>,
    /// A pending promise on the whole client pauses everything until this day.
    pub client_paused_until: Option<NaiveDate>,
    /// Promises found broken in this pass.
    pub broken_now: Vec<&'a Promise>,
    /// Invoice number → why a running plan covers it.
    pub in_plan: BTreeMap<String, (HoldKind, String)>,
    /// Invoice number → when its plan broke, and the instalment that broke it.
    pub plan_broken_on: BTreeMap<String, BrokenPlan>,
    /// Instalment reminders due: (plan, instalment, missed).
    pub instalment_due: Vec<(&'a PaymentPlan, u32, bool)>,
}

/// A payment plan that broke.
#[derive(Debug, Clone, Copy)]
pub(super) struct BrokenPlan {
    /// When it broke.
    pub on: DateTime<Utc>,
    /// The due date of the instalment missed (the first one not paid when it broke).
    pub missed: Option<NaiveDate>,
}

/// The first instalment of `plan` not paid on `day` (payments after it left out: one made
/// later does not change which instalment broke the plan).
fn missed_instalment(
    plan: &PaymentPlan,
    payments: &[Payment],
    day: NaiveDate,
    tz: chrono_tz::Tz,
) -> Option<NaiveDate> {
    let before: Vec<Payment> = payments
        .iter()
        .filter(|p| p.paid_on <= day)
        .cloned()
        .collect();
    allocate(plan, &before, day, tz)
        .into_iter()
        .find(|i| i.status != "paid")
        .map(|i| i.due_date)
}

/// Settles the client's promises and plans on its local `today`.
pub(super) fn settle<'a>(
    file: &'a ClientFile,
    settings: &Settings,
    calendar: &PlanCalendar<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
    out: &mut Plan,
) -> Settled<'a> {
    let mut s = Settled::default();
    settle_promises(file, settings, calendar, today, out, &mut s);
    settle_plans(file, settings, calendar, today, now, out, &mut s);
    s
}

fn settle_promises<'a>(
    file: &'a ClientFile,
    settings: &Settings,
    calendar: &PlanCalendar<'_>,
    today: NaiveDate,
    out: &mut Plan,
    s: &mut Settled<'a>,
) {
    let client = &file.client.id;
    let grace = settings.reminders.promise_grace_days;
    for p in file
        .promises
        .iter()
        .filter(|p| p.status == PromiseStatus::Pending)
    {
        match check_promise(p, &file.invoices, &file.payments, today, grace, calendar) {
            PromiseCheck::Pending { until } => match &p.invoice_number {
                Some(n) => {
                    s.paused.insert(n.clone(), until);
                }
                None => {
                    s.client_paused_until =
                        Some(s.client_paused_until.map_or(until, |u| u.max(until)));
                }
            },
            PromiseCheck::Kept => out.effects.push(Effect::PromiseKept {
                id: p.id,
                client: client.clone(),
            }),
            PromiseCheck::Broken => {
                out.effects.push(Effect::PromiseBroken {
                    id: p.id,
                    client: client.clone(),
                    promised_date: p.promised_date,
                });
                s.broken_now.push(p);
            }
        }
    }
}

fn settle_plans<'a>(
    file: &'a ClientFile,
    settings: &Settings,
    calendar: &PlanCalendar<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
    out: &mut Plan,
    s: &mut Settled<'a>,
) {
    let client = &file.client.id;
    let grace = settings.reminders.promise_grace_days;
    let notice = settings.reminders.instalment_notice_days;
    for p in &file.plans {
        match p.status {
            PlanStatus::Broken => {
                let on = p.resolved_at.unwrap_or(now);
                let day = on.with_timezone(&file.client.time_zone).date_naive();
                let missed = missed_instalment(p, &file.payments, day, file.client.time_zone);
                // Paid in time after all (dated before its grace ended, recorded after the
                // pass that broke the plan): the plan runs again, and is checked as one today.
                let in_time = missed
                    .is_none_or(|due| day <= add_business_days(due, grace, calendar.holidays));
                if !in_time {
                    for n in &p.invoices {
                        s.plan_broken_on
                            .insert(n.clone(), BrokenPlan { on, missed });
                    }
                    continue;
                }
                out.effects.push(Effect::PlanRestored {
                    id: p.id,
                    client: client.clone(),
                });
            }
            PlanStatus::Active => {}
            _ => continue,
        }
        let check = check_plan(
            p,
            &file.invoices,
            &file.payments,
            today,
            grace,
            notice,
            calendar,
        );
        match check {
            PlanCheck::Completed => out.effects.push(Effect::PlanCompleted {
                id: p.id,
                client: client.clone(),
            }),
            PlanCheck::Broken { number } => {
                out.effects.push(Effect::PlanBroken {
                    id: p.id,
                    client: client.clone(),
                    instalment: number,
                });
                let broken = BrokenPlan {
                    on: now,
                    missed: p
                        .instalments
                        .iter()
                        .find(|i| i.number == number)
                        .map(|i| i.due_date),
                };
                for n in &p.invoices {
                    s.plan_broken_on.insert(n.clone(), broken);
                }
            }
            PlanCheck::Running { next, remind } => {
                let reason = match next {
                    Some((n, due)) => (
                        HoldKind::PlanInstalment,
                        format!("plan: instalment {n} due {due}"),
                    ),
                    None => (
                        HoldKind::PlanBalance,
                        "plan: every instalment paid, a balance remains".to_owned(),
                    ),
                };
                for n in &p.invoices {
                    s.in_plan.insert(n.clone(), reason.clone());
                }
                if let Some((n, missed)) = remind {
                    s.instalment_due.push((p, n, missed));
                }
            }
        }
    }
}
