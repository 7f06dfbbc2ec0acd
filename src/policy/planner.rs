//! The pure planner: `plan(snapshot, settings, now) -> Plan`. No I/O, no clock.
//!
//! For each client it finds the stage its overdue invoices have reached, applies the pauses
//! (manual hold, opt-out, dispute, "ya pagué" claim, pending promise), the contact rules of the
//! client's country in the client's time zone, and returns what to send and when, with the
//! reason; and, for what it will not send, why not.
//!
//! ## Rules, in the order they apply
//!
//! - **Candidates**: open invoices with a balance, not disputed, not held, without a pending
//!   "ya pagué" claim, not covered by a pending promise. Per currency, a client whose overdue
//!   balance is below `minimum-amount` is not chased in that currency.
//! - **Preventive** stages (negative offsets) are per invoice: key `client|stage|invoice`.
//! - **Overdue** stages are per client: one message listing every overdue invoice. The client's
//!   stage is driven by its oldest overdue invoice (the *cycle* is that invoice's number: when
//!   it is settled, the next-oldest drives a new cycle). Invoices whose own age reached the
//!   stage are *reached*; younger ones are listed as also pending, so no invoice escalates
//!   faster than its own age. Key: `client|stage|cycle`.
//! - **Catch-up**: only the latest stage due is planned, once: after any downtime there is
//!   never a burst of the missed stages. Nothing new is planned while a message of the cycle is
//!   still queued or failed.
//! - **Promises**: a pending promise pauses what it covers until the promised date plus
//!   `promise-grace-days` business days. It is *kept* when the promised amount (or the whole
//!   balance) was paid by then, *broken* otherwise; a broken promise resumes at the stage after
//!   the last one sent (at least the age stage), and that message mentions the promise.
//! - **Final notice** (the stage before a hand-over stage) is sent once; after it only the
//!   hand-over follows, on the date it announced. The hand-over is never reached without the
//!   final notice having been sent: a client whose invoice is already past the hand-over age
//!   gets the final notice first.
//! - **Channel**: the first billing contact's preferred channel among those the stage allows
//!   and the contact can be reached on; a channel whose last message died falls back to the
//!   other. Later stages copy the roles in `copy-roles`.
//! - **When**: [`crate::policy::calendar::next_send_moment`] in the client's time zone, counting
//!   the client's earlier reminders against the gap and caps. A message due outside the window
//!   waits; it is never dropped.

mod choose;
mod plans;
mod promises;
mod segment;
mod settings;
#[cfg(test)]
mod tests;
mod types;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::Stage;
use crate::domain::{Contact, Invoice, InvoiceStatus, Money};
use crate::policy::calendar::next_send_moment;
use crate::store::agreements::{self, PlanStatus};
use crate::store::{OutboxMessage, OutboxStatus, Promise};

pub use plans::{InstalmentState, PlanCheck, allocate, check_plan};
pub use promises::{PromiseCheck, add_business_days, check_promise};
pub use segment::derive_segment;
pub use types::{ClientFile, Effect, Held, Plan, PlanRef, PlannedMessage, Settings, Snapshot};

/// Plans every client at `now`.
pub fn plan(snapshot: &Snapshot, settings: &Settings, now: DateTime<Utc>) -> Plan {
    let mut out = Plan::default();
    for file in &snapshot.clients {
        if let Err(e) = plan_client(file, settings, now, &mut out) {
            out.errors.push(format!("client {}: {e}", file.client.id));
        }
    }
    out
}

fn hold(out: &mut Plan, client: &str, invoices: Vec<String>, reason: String) {
    out.held.push(Held {
        client: client.to_owned(),
        invoices,
        reason,
    });
}

/// Outbox statuses that count as "this stage went out (or may have)". A dead message does
/// not: only a delivered one advances the ladder (see `store::snapshot`).
fn counts_as_sent(status: OutboxStatus) -> bool {
    matches!(status, OutboxStatus::Sent | OutboxStatus::Uncertain)
}

fn plan_client(
    file: &ClientFile,
    settings: &Settings,
    now: DateTime<Utc>,
    out: &mut Plan,
) -> Result<(), String> {
    let client = &file.client;
    let tz = client.time_zone;
    let today = now.with_timezone(&tz).date_naive();
    let rules = settings
        .rules
        .get(&client.country)
        .ok_or_else(|| format!("no contact rules for country {}", client.country))?;
    let calendar = settings
        .calendars
        .get(&(client.country.clone(), client.region.clone()))
        .ok_or_else(|| {
            format!(
                "no holiday calendar for {} {:?}",
                client.country, client.region
            )
        })?;
    let grace = settings.reminders.promise_grace_days;

    // Promises: settle the ones that are due, pause what the pending ones cover.
    let mut paused: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut client_paused_until: Option<NaiveDate> = None;
    let mut broken_now: Vec<&Promise> = Vec::new();
    for p in file
        .promises
        .iter()
        .filter(|p| p.status == crate::store::PromiseStatus::Pending)
    {
        match check_promise(p, &file.invoices, &file.payments, today, grace, calendar) {
            PromiseCheck::Pending { until } => match &p.invoice_number {
                Some(n) => {
                    paused.insert(n.clone(), until);
                }
                None => {
                    client_paused_until = Some(client_paused_until.map_or(until, |u| u.max(until)))
                }
            },
            PromiseCheck::Kept => out.effects.push(Effect::PromiseKept {
                id: p.id,
                client: client.id.clone(),
            }),
            PromiseCheck::Broken => {
                out.effects.push(Effect::PromiseBroken {
                    id: p.id,
                    client: client.id.clone(),
                    promised_date: p.promised_date,
                });
                broken_now.push(p);
            }
        }
    }

    // Payment plans: their invoices get instalment reminders instead of the ladder.
    let mut in_plan: BTreeMap<String, String> = BTreeMap::new();
    let mut plan_broken_on: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    let mut instalment_due: Vec<(&agreements::Plan, u32, bool)> = Vec::new();
    for p in &file.plans {
        match p.status {
            PlanStatus::Broken => {
                let on = p.resolved_at.unwrap_or(now);
                for n in &p.invoices {
                    plan_broken_on.insert(n.clone(), on);
                }
                continue;
            }
            PlanStatus::Active => {}
            _ => continue,
        }
        let notice = settings.reminders.instalment_notice_days;
        match check_plan(
            p,
            &file.invoices,
            &file.payments,
            today,
            grace,
            notice,
            calendar,
        ) {
            PlanCheck::Completed => out.effects.push(Effect::PlanCompleted {
                id: p.id,
                client: client.id.clone(),
            }),
            PlanCheck::Broken { number } => {
                out.effects.push(Effect::PlanBroken {
                    id: p.id,
                    client: client.id.clone(),
                    instalment: number,
                });
                for n in &p.invoices {
                    plan_broken_on.insert(n.clone(), now);
                }
            }
            PlanCheck::Running { next, remind } => {
                let reason = match next {
                    Some((n, due)) => format!("plan: instalment {n} due {due}"),
                    None => "plan: every instalment paid, a balance remains".to_owned(),
                };
                for n in &p.invoices {
                    in_plan.insert(n.clone(), reason.clone());
                }
                if let Some((n, missed)) = remind {
                    instalment_due.push((p, n, missed));
                }
            }
        }
    }

    let open: Vec<&Invoice> = file
        .invoices
        .iter()
        .filter(|i| !i.status.is_closed() && !i.balance.is_settled())
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    if client.on_hold {
        hold(
            out,
            &client.id,
            vec![],
            "paused: client on manual hold".into(),
        );
        return Ok(());
    }
    let reachable: Vec<&Contact> = file.contacts.iter().filter(|c| !c.opted_out).collect();
    if reachable.is_empty() {
        let reason = if file.contacts.is_empty() {
            "no contact to write to"
        } else {
            "opted out"
        };
        hold(out, &client.id, vec![], reason.into());
        return Ok(());
    }
    if let Some(until) = client_paused_until {
        hold(
            out,
            &client.id,
            vec![],
            format!("paused: promise until {until}"),
        );
        return Ok(());
    }

    let mut candidates: Vec<&Invoice> = Vec::new();
    for inv in open {
        let reason = match inv.status {
            InvoiceStatus::Disputed => {
                Some("stopped: disputed, waiting for a person to resolve it".to_owned())
            }
            InvoiceStatus::OnHold => Some("stopped: invoice on hold".to_owned()),
            _ if inv.paid_claimed_on.is_some() => Some(format!(
                "stopped: client says it was paid ({}), check the bank",
                inv.paid_claimed_on
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            )),
            _ => in_plan.get(&inv.number).cloned().or_else(|| {
                paused
                    .get(&inv.number)
                    .map(|until| format!("paused: promise until {until}"))
            }),
        };
        match reason {
            Some(r) => hold(out, &client.id, vec![inv.number.clone()], r),
            None => candidates.push(inv),
        }
    }
    // Minimum amount, per currency.
    let minimum = settings.reminders.minimum_amount;
    let mut per_currency: BTreeMap<&str, Money> = BTreeMap::new();
    for inv in &candidates {
        *per_currency.entry(inv.currency.as_str()).or_default() = per_currency
            .get(inv.currency.as_str())
            .copied()
            .unwrap_or_default()
            + inv.balance;
    }
    candidates.retain(|inv| {
        let below = per_currency[inv.currency.as_str()].0 < minimum;
        if below {
            hold(
                out,
                &client.id,
                vec![inv.number.clone()],
                format!("below the minimum amount of {minimum} {}", inv.currency),
            );
        }
        !below
    });

    let year_ago = now - chrono::Duration::days(365);
    let broken_in_year = u32::try_from(
        file.promises
            .iter()
            .filter(|p| {
                p.status == crate::store::PromiseStatus::Broken
                    && p.resolved_at.is_some_and(|r| r > year_ago)
            })
            .count(),
    )
    .unwrap_or(u32::MAX);
    let segment = client.segment.clone().or_else(|| {
        derive_segment(
            &file.invoices,
            &file.payments,
            broken_in_year,
            today,
            settings.reminders.late_payer_share,
        )
    });
    let ladder: &[Stage] = settings
        .reminders
        .segments
        .iter()
        .find(|l| Some(&l.segment) == segment.as_ref())
        .map(|l| l.ladder.as_slice())
        .unwrap_or(&settings.reminders.ladder);

    let ctx = choose::ClientCtx {
        file,
        reachable: &reachable,
        rules,
        calendar,
        now,
        segment: segment.clone(),
        telegram: settings.telegram,
    };

    // Instalment reminders: a few days before each instalment, and the day after a missed one.
    for (p, n, missed) in instalment_due {
        let kind = if missed {
            "instalment_missed"
        } else {
            "instalment"
        };
        let key = format!("{}|{kind}|plan-{}-{n}", client.id, p.id);
        if file.messages.iter().any(|m| m.message.dedup_key == key) {
            continue;
        }
        let covered: Vec<&Invoice> = file
            .invoices
            .iter()
            .filter(|i| p.invoices.contains(&i.number))
            .collect();
        let why = if missed {
            format!(
                "instalment {n} of plan {} was missed yesterday or earlier (grace not over)",
                p.id
            )
        } else {
            format!("instalment {n} of plan {} is due soon", p.id)
        };
        let stage = instalment_stage();
        if let Some(mut m) = choose::message(
            &ctx,
            &stage,
            &format!("plan-{}", p.id),
            key,
            &covered,
            &p.invoices,
            why,
            None,
            None,
            out,
        ) {
            m.plan = Some(PlanRef {
                id: p.id,
                instalment: n,
                missed,
            });
            m.stage = kind.to_owned();
            out.messages.push(m);
        }
    }

    // Preventive, per invoice: the latest negative stage whose window has opened.
    for inv in candidates.iter().filter(|i| i.days_overdue(today) < 0) {
        let days = inv.days_overdue(today);
        let Some(stage) = ladder
            .iter()
            .rfind(|s| s.offset_days < 0 && i64::from(s.offset_days) <= days)
        else {
            continue;
        };
        let key = format!("{}|{}|{}", client.id, stage.name, inv.number);
        if file.messages.iter().any(|m| m.message.dedup_key == key) {
            continue;
        }
        let why = format!(
            "invoice {} is due on {} (in {} days): {}",
            inv.number, inv.due_date, -days, stage.name
        );
        if let Some(m) = choose::message(
            &ctx,
            stage,
            &inv.number,
            key,
            &[inv],
            std::slice::from_ref(&inv.number),
            why,
            None,
            None,
            out,
        ) {
            out.messages.push(m);
        }
    }

    // Overdue, per client.
    let mut overdue: Vec<&Invoice> = candidates
        .iter()
        .copied()
        .filter(|i| i.days_overdue(today) >= 0)
        .collect();
    if overdue.is_empty() {
        return Ok(());
    }
    overdue.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.number.cmp(&b.number)));
    let driver = overdue[0];
    let cycle = driver.number.clone();
    let in_cycle: Vec<&OutboxMessage> = file
        .messages
        .iter()
        .filter(|m| m.message.cycle == cycle && ladder.iter().any(|s| s.name == m.message.stage))
        .collect();
    if let Some(pending) = in_cycle.iter().find(|m| {
        matches!(
            m.status,
            OutboxStatus::Queued | OutboxStatus::Sending | OutboxStatus::Failed
        )
    }) {
        hold(
            out,
            &client.id,
            vec![],
            format!(
                "waiting: the {} message is still {}",
                pending.message.stage,
                pending.status.as_str()
            ),
        );
        return Ok(());
    }
    let sent: Vec<(usize, &OutboxMessage)> = in_cycle
        .iter()
        .filter(|m| counts_as_sent(m.status))
        .filter_map(|m| {
            ladder
                .iter()
                .position(|s| s.name == m.message.stage)
                .map(|i| (i, *m))
        })
        .collect();
    let last_sent = sent.iter().map(|(i, _)| *i).max();
    let stages: Vec<(usize, &Stage)> = ladder
        .iter()
        .enumerate()
        .filter(|(_, s)| s.offset_days >= 0)
        .collect();
    // After a broken payment plan the ladder resumes where it stopped, not from the start and
    // not at the invoice's full age: the clock restarts at the next stage on the day it broke.
    let age = match plan_broken_on.get(&driver.number) {
        Some(&on) => {
            let before: Option<usize> = sent
                .iter()
                .filter(|(_, m)| {
                    m.sent_at
                        .or(Some(m.message.send_at))
                        .is_some_and(|at| at < on)
                })
                .map(|(i, _)| *i)
                .max();
            let resume = before.map_or(stages.first().map(|(i, _)| *i).unwrap_or(0), |b| {
                (b + 1).min(ladder.len() - 1)
            });
            i64::from(ladder[resume].offset_days)
                + (today - on.with_timezone(&tz).date_naive()).num_days()
        }
        None => driver.days_overdue(today),
    };
    let Some(&(age_idx, _)) = stages
        .iter()
        .rfind(|(_, s)| i64::from(s.offset_days) <= age)
    else {
        return Ok(());
    };
    let last_sent_at = sent
        .iter()
        .filter_map(|(_, m)| m.sent_at.or(Some(m.message.send_at)))
        .max();

    // A broken promise not yet mentioned since it broke: resume one stage further.
    let broken: Option<NaiveDate> = broken_now
        .iter()
        .map(|p| p.promised_date)
        .chain(
            file.promises
                .iter()
                .filter(|p| p.status == crate::store::PromiseStatus::Broken)
                .filter(|p| {
                    p.resolved_at
                        .is_some_and(|r| last_sent_at.is_none_or(|s| r > s))
                })
                .map(|p| p.promised_date),
        )
        .max();
    let mut target = age_idx;
    // Only delivered messages advance the ladder: a stage that died undelivered (and was
    // released, see `store::snapshot`) is tried again before any later one.
    if let Some(dead) = in_cycle
        .iter()
        .filter(|m| m.status == OutboxStatus::Dead)
        .filter_map(|m| ladder.iter().position(|s| s.name == m.message.stage))
        .filter(|i| ladder[*i].offset_days >= 0 && last_sent.is_none_or(|l| *i > l))
        .min()
    {
        target = target.min(dead);
    }
    if broken.is_some()
        && let Some(last) = last_sent
    {
        target = target.max(last + 1);
    }
    let final_idx = ladder
        .iter()
        .position(|s| s.handover)
        .and_then(|h| h.checked_sub(1));
    if let (Some(f), Some(last)) = (final_idx, last_sent)
        && last >= f
    {
        // After the final notice only the hand-over follows, on the date it announced.
        let Some(handover_idx) = ladder.iter().position(|s| s.handover) else {
            return Ok(());
        };
        if last >= handover_idx {
            hold(
                out,
                &client.id,
                vec![],
                "handed over to a person: no more automatic reminders".into(),
            );
            return Ok(());
        }
        let final_msg = sent.iter().find(|(i, _)| *i == f).map(|(_, m)| *m);
        let announced = final_msg
            .and_then(|m| m.sent_at.or(Some(m.message.send_at)))
            .map(|at| at.with_timezone(&tz).date_naive())
            .unwrap_or(today)
            + chrono::Days::new(
                u64::try_from(ladder[handover_idx].offset_days - ladder[f].offset_days)
                    .unwrap_or(0),
            );
        if today < announced {
            hold(
                out,
                &client.id,
                vec![],
                format!("final notice sent: hand-over on {announced}"),
            );
            return Ok(());
        }
        target = handover_idx;
    } else if ladder.get(target).is_some_and(|s| s.handover) {
        // Never hand over without the final notice that announces it.
        target = final_idx.unwrap_or(target);
    }
    if last_sent.is_some_and(|l| target <= l) {
        let stage = &ladder[last_sent.unwrap_or(0)];
        let next = ladder.get(last_sent.unwrap_or(0) + 1);
        hold(
            out,
            &client.id,
            vec![],
            match next {
                Some(n) => format!(
                    "{} already sent for {}; next: {} at {} days overdue",
                    stage.name, cycle, n.name, n.offset_days
                ),
                None => format!(
                    "{} already sent for {}; the ladder is finished",
                    stage.name, cycle
                ),
            },
        );
        return Ok(());
    }
    let stage = &ladder[target];
    let reached: Vec<String> = overdue
        .iter()
        .filter(|i| {
            i.days_overdue(today) >= i64::from(stage.offset_days) || i.number == driver.number
        })
        .map(|i| i.number.clone())
        .collect();
    let key = format!("{}|{}|{}", client.id, stage.name, cycle);
    let mut why = format!(
        "oldest invoice {} is {} days overdue: {}",
        driver.number,
        driver.days_overdue(today),
        stage.name
    );
    if plan_broken_on.contains_key(&driver.number) {
        why.push_str(" (resumed after a broken payment plan)");
    }
    if target > age_idx {
        why.push_str(&format!(
            " (one step further: promise of {} broken)",
            broken.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    let deadline = ladder.get(target + 1).map(|next| {
        today + chrono::Days::new(u64::try_from(next.offset_days - stage.offset_days).unwrap_or(0))
    });
    if let Some(m) = choose::message(
        &ctx, stage, &cycle, key, &overdue, &reached, why, broken, deadline, out,
    ) {
        out.messages.push(m);
    }
    Ok(())
}

/// Instants of the client's earlier reminders (sent or scheduled), for gaps and caps.
fn recent_contacts(
    messages: &[OutboxMessage],
    ladder_names: impl Fn(&str) -> bool,
) -> Vec<DateTime<Utc>> {
    messages
        .iter()
        .filter(|m| ladder_names(&m.message.stage))
        .filter_map(|m| match m.status {
            OutboxStatus::Sent | OutboxStatus::Uncertain => m.sent_at.or(Some(m.message.send_at)),
            OutboxStatus::Queued | OutboxStatus::Failed | OutboxStatus::Sending => {
                Some(m.message.send_at)
            }
            OutboxStatus::Dead | OutboxStatus::Cancelled => None,
        })
        .collect()
}

/// Schedules at the first allowed moment; returns (at, waiting reason).
fn schedule(
    ctx: &choose::ClientCtx<'_>,
    handover: bool,
) -> Result<(DateTime<Utc>, Option<String>), String> {
    if handover {
        // A task for the owner: no client contact rules.
        return Ok((ctx.now, None));
    }
    let recent = recent_contacts(&ctx.file.messages, |s| {
        !s.starts_with("ack_") && s != "handover" && s != "owner_alert"
    });
    let moment = next_send_moment(
        ctx.now,
        ctx.file.client.time_zone,
        ctx.rules,
        ctx.calendar,
        &recent,
    )
    .map_err(|e| e.to_string())?;
    let waiting = moment.reason.is_some().then(|| moment.to_string());
    Ok((moment.at, waiting))
}

/// The pseudo-stage of instalment reminders (not part of any ladder).
pub fn instalment_stage() -> Stage {
    crate::config::message_stage("instalment")
}
