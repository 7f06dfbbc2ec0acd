//! Phase 4: the overdue target. One message per client listing its overdue invoices, one
//! step at a time.
//!
//! - The *cycle* is the oldest overdue invoice (the driver); its delivered ladder messages
//!   (status `sent` only: a dead or cancelled message never reached anyone) are the history.
//! - **First contact** in a cycle goes at the stage the driver's age has reached, but never
//!   above the configured first stage (`reminders.first-stage`, default the first stage after
//!   the due date): an invoice imported 200 days late gets a friendly first message, not a
//!   final notice.
//! - **Then one step at a time**: the next stage is the one after the last delivered, and it
//!   waits both for its ladder offset (the *earliest* day, counted from the due date) and for
//!   the ladder's gap after the previous message (counted from the last client-facing message
//!   of the cycle, instalment reminders included). A broken promise lifts the offset wait; a
//!   broken plan counts the offset from the day it broke.
//! - The hand-over follows the final notice on the date the final notice announced (a
//!   business day), and is about only invoices that were themselves reminded and are old
//!   enough; so is the final notice. Both list the client's other overdue invoices beside
//!   them as also pending: after the hand-over no automatic message goes to the client.

use chrono::{Datelike, Days, NaiveDate};

use super::settle::Settled;
use super::{ClientFile, Plan, hold, on_business_day};
use crate::domain::HoldKind;
use crate::domain::Invoice;
use crate::domain::{OutboxMessage, OutboxStatus, PromiseStatus};
use crate::policy::HolidayCalendar;
use crate::policy::ladder::Stage;

/// What the ladder allows today for one cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// Send this ladder index.
    Send(usize),
    /// Nothing yet; which kind of wait, and why (and until when).
    Wait(HoldKind, String),
}

/// Inputs of [`step`] that come from the cycle's history.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct History {
    /// The last delivered ladder index and the local day it was sent.
    pub last: Option<(usize, NaiveDate)>,
    /// The last client-facing message of the cycle (ladder or instalment), local day.
    pub since: Option<NaiveDate>,
    /// A promise broke and no message mentioned it yet.
    pub broken_promise: bool,
    /// The payment plan covering the driver broke on this local day.
    pub plan_broken: Option<NaiveDate>,
    /// The driver was paid, then the payment returned on this day: its ladder starts again
    /// (under keys of their own: the first ladder's are taken).
    pub reopened_on: Option<NaiveDate>,
}

/// Days from stage `from` to stage `to` in the ladder (never negative).
fn gap(ladder: &[Stage], from: usize, to: usize) -> u64 {
    u64::try_from(ladder[to].offset_days - ladder[from].offset_days).unwrap_or(0)
}

/// The first-contact stage: `first_stage` by name if it is an overdue, non-hand-over stage of
/// this ladder, else the first stage after the due date.
pub(super) fn first_index(ladder: &[Stage], first_stage: Option<&str>) -> Option<usize> {
    let overdue = |s: &Stage| s.offset_days >= 0 && !s.handover;
    first_stage
        .and_then(|name| ladder.iter().position(|s| s.name == name && overdue(s)))
        .or_else(|| ladder.iter().position(|s| s.offset_days > 0 && !s.handover))
        .or_else(|| ladder.iter().position(overdue))
}

/// The one-step rule: which ladder stage (if any) may go today for a driver due on `due`.
pub(super) fn step(
    ladder: &[Stage],
    first: usize,
    due: NaiveDate,
    today: NaiveDate,
    h: History,
    calendar: &HolidayCalendar,
) -> Step {
    let age = (today - due).num_days();
    let Some((last, last_day)) = h.last else {
        let reached = ladder
            .iter()
            .enumerate()
            .filter(|(_, s)| s.offset_days >= 0 && !s.handover)
            .rfind(|(_, s)| i64::from(s.offset_days) <= age)
            .map(|(i, _)| i);
        return match reached {
            Some(i) => Step::Send(i.min(first)),
            None => Step::Wait(
                HoldKind::NotYetDue,
                "not yet at the first overdue stage".into(),
            ),
        };
    };
    if ladder[last].handover {
        return Step::Wait(
            HoldKind::HandedOver,
            "handed over to a person: no more automatic reminders".into(),
        );
    }
    let next = last + 1;
    if next >= ladder.len() {
        return Step::Wait(
            HoldKind::LadderFinished,
            format!(
                "{} sent on {last_day}; the ladder is finished",
                ladder[last].name
            ),
        );
    }
    let g = gap(ladder, last, next);
    let mut earliest = h.since.unwrap_or(last_day).max(last_day) + Days::new(g);
    if ladder[next].handover {
        // On the date the final notice announced (a business day), not earlier.
        earliest = on_business_day(last_day + Days::new(g), calendar);
    } else if !h.broken_promise {
        let by_age = match h.plan_broken {
            Some(on) => on + Days::new(g),
            None => due
                .checked_add_signed(chrono::Duration::days(i64::from(ladder[next].offset_days)))
                .unwrap_or(due),
        };
        earliest = earliest.max(by_age);
    }
    if today >= earliest {
        Step::Send(next)
    } else {
        Step::Wait(
            HoldKind::NextStep,
            format!(
                "{} sent on {last_day}; next: {} not before {} {earliest}",
                ladder[last].name,
                ladder[next].name,
                weekday_name(earliest)
            ),
        )
    }
}

fn weekday_name(d: NaiveDate) -> &'static str {
    match d.weekday() {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    }
}

/// Whether a client-facing message that reached the client covered `number`.
pub(super) fn was_reminded(messages: &[OutboxMessage], number: &str) -> bool {
    messages.iter().any(|m| {
        m.status == OutboxStatus::Sent
            && super::window::is_client_facing(&m.message.stage)
            && m.message.invoices.iter().any(|(n, _)| n == number)
    })
}

/// What the overdue phase decided for one client.
pub(super) struct Target<'a> {
    /// The ladder index to send.
    pub index: usize,
    /// The cycle (driver's number).
    pub cycle: String,
    /// Invoices listed.
    pub invoices: Vec<&'a Invoice>,
    /// Invoices that reached the stage.
    pub reached: Vec<String>,
    /// The outbox key.
    pub key: String,
    /// Why.
    pub why: String,
    /// The broken promise to mention.
    pub broken: Option<NaiveDate>,
    /// The missed instalment of a broken payment plan to mention.
    pub broken_plan: Option<NaiveDate>,
}

/// The delivered history of `cycle` (the ladder messages of its cycle, and those of other
/// cycles that listed it: the client was told about it there), or the reason nothing may be
/// planned while one of them is still on its way (queued, sending, failed, or of uncertain
/// fate).
fn cycle_history(
    file: &ClientFile,
    ladder: &[Stage],
    cycle: &str,
    settled: &Settled<'_>,
) -> Result<(History, Option<NaiveDate>), String> {
    let tz = file.client.time_zone;
    let in_cycle: Vec<&OutboxMessage> = file
        .messages
        .iter()
        .filter(|m| about(file, m, cycle) && ladder.iter().any(|s| s.name == m.message.stage))
        .collect();
    let on_its_way = |m: &&&OutboxMessage| {
        matches!(
            m.status,
            OutboxStatus::Queued
                | OutboxStatus::Sending
                | OutboxStatus::Failed
                | OutboxStatus::Uncertain
        )
    };
    if let Some(pending) = in_cycle.iter().find(on_its_way) {
        return Err(format!(
            "waiting: the {} message is still {}",
            pending.message.stage,
            pending.status.as_str()
        ));
    }
    let local = |m: &OutboxMessage| {
        m.sent_at
            .unwrap_or(m.message.send_at)
            .with_timezone(&tz)
            .date_naive()
    };
    // A final notice that listed this invoice only as also pending announced no hand-over of
    // it: its next step is a final notice of its own.
    let only_listed_in_final = |m: &OutboxMessage, i: usize| {
        m.message.cycle != cycle
            && ladder.get(i + 1).is_some_and(|s| s.handover)
            && m.message
                .invoices
                .iter()
                .any(|(n, reached)| n == cycle && !reached)
    };
    // A payment that had settled the invoice, then returned by the bank: the invoice was
    // closed (its client thanked), and its ladder starts again from the first step, the
    // return told in it (walk28 G3: the next message after «gracias» was the second stage's).
    let reopened_on = file
        .invoices
        .iter()
        .find(|i| i.number == cycle)
        .and_then(|i| {
            let r = i.returned.as_ref()?;
            (i.paid.0 + r.amount.0 >= i.amount.0).then_some(r.on)
        });
    let delivered: Vec<(usize, NaiveDate)> = in_cycle
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent)
        .filter(|m| reopened_on.is_none_or(|on| local(m) >= on))
        .filter_map(|m| {
            let i = ladder.iter().position(|s| s.name == m.message.stage)?;
            let i = if only_listed_in_final(m, i) {
                i.checked_sub(1)?
            } else {
                i
            };
            Some((i, local(m)))
        })
        .collect();
    let last = delivered.iter().copied().max();
    let last_sent_day = delivered.iter().map(|(_, d)| *d).max();
    let instalments = file
        .messages
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent && m.message.stage.starts_with("instalment"))
        .filter(|m| m.message.invoices.iter().any(|(n, _)| n == cycle))
        .map(local)
        .max();
    let broken = broken_promise(file, settled, last_sent_day);
    let history = History {
        last,
        since: last_sent_day.max(instalments),
        broken_promise: broken.is_some() && last.is_some(),
        plan_broken: settled
            .plan_broken_on
            .get(cycle)
            .map(|b| b.on.with_timezone(&tz).date_naive()),
        reopened_on,
    };
    Ok((history, broken))
}

/// Whether `m` belongs to the cycle of invoice `number`, or listed it while its own cycle's
/// invoice is still open (disputed, promised, in a plan: the same escalation goes on). Once
/// the invoice that drove a cycle is paid, the next one starts its own, gently.
pub fn about(file: &ClientFile, m: &OutboxMessage, number: &str) -> bool {
    m.message.cycle == number
        || m.message.invoices.iter().any(|(n, _)| n == number)
            && file
                .invoices
                .iter()
                .any(|i| i.number == m.message.cycle && !i.status.is_closed())
}

/// The local day of the last hand-over whose invoices (its cycle's, or those it listed
/// beside it) are not all closed, and those still open. The person who took over has the
/// whole client: no automatic message follows, not for an invoice the hand-over listed once
/// its driver is paid, nor for one that fell due since (a walk: the hand-over covered F-901 to
/// F-904; F-901 to F-903 paid, F-904 began a gentle cycle again up to a second final notice).
fn handed_over(file: &ClientFile, ladder: &[Stage]) -> Option<(NaiveDate, Vec<String>)> {
    let is_open = |number: &str| {
        file.invoices
            .iter()
            .any(|i| i.number == number && !i.status.is_closed())
    };
    file.messages
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent)
        .filter(|m| {
            ladder
                .iter()
                .any(|s| s.handover && s.name == m.message.stage)
        })
        .filter_map(|m| {
            let mut open: Vec<String> = std::iter::once(m.message.cycle.as_str())
                .chain(m.message.invoices.iter().map(|(n, _)| n.as_str()))
                .filter(|n| is_open(n))
                .map(str::to_owned)
                .collect();
            open.dedup();
            let day = m
                .sent_at?
                .with_timezone(&file.client.time_zone)
                .date_naive();
            (!open.is_empty()).then_some((day, open))
        })
        .max_by_key(|(day, _)| *day)
}

/// A cycle's invoice, its delivered history and the broken promise to mention.
type Cycle<'a> = (&'a Invoice, History, Option<NaiveDate>);

/// The cycle a client's next message continues, with its history: the oldest overdue
/// invoice's, unless another chased invoice's history went further up the ladder (it drove the
/// messages while the oldest was out of them: disputed, promised, in a plan). A client who was
/// sent a formal demand about one invoice is not stepped back to a gentle reminder when an
/// older one comes back; the next message is the formal demand's next step, listing both.
/// Nor when the invoice that drove them leaves the ladder without being paid (disputed,
/// promised): an invoice the earlier messages listed goes on from the last of them (a second
/// reminder listing F-106 beside F-105 was followed by a due-day message and an early one of
/// F-106 once F-105 was disputed). Once the driver is paid, the next invoice starts afresh.
/// A message still on its way in any of these cycles holds the client (`Err`).
fn furthest_cycle<'a>(
    file: &ClientFile,
    ladder: &[Stage],
    overdue: &[&'a Invoice],
    settled: &Settled<'_>,
) -> Result<Option<Cycle<'a>>, String> {
    let mut best: Option<Cycle<'a>> = None;
    for (k, invoice) in overdue.iter().enumerate() {
        // Another invoice's history counts only when messages are about it.
        if k > 0
            && !file
                .messages
                .iter()
                .any(|m| about(file, m, &invoice.number))
        {
            continue;
        }
        let (h, broken) = cycle_history(file, ladder, &invoice.number, settled)?;
        let further = |b: &History| h.last.map(|l| l.0) > b.last.map(|l| l.0);
        if best.as_ref().is_none_or(|(_, b, _)| further(b)) {
            best = Some((invoice, h, broken));
        }
    }
    Ok(best)
}

/// Decides the overdue message of a client whose chased invoices include `overdue` (sorted,
/// oldest first, non-empty), or records why nothing goes.
#[allow(clippy::too_many_arguments)]
pub(super) fn target<'a>(
    file: &ClientFile,
    ladder: &[Stage],
    first_stage: Option<&str>,
    overdue: &[&'a Invoice],
    settled: &Settled<'_>,
    today: NaiveDate,
    calendar: &HolidayCalendar,
    out: &mut Plan,
) -> Option<Target<'a>> {
    let client = &file.client;
    if let Some((day, open)) = handed_over(file, ladder) {
        hold(
            out,
            &client.id,
            vec![],
            HoldKind::HandedOver,
            format!(
                "handed over to a person on {day} ({} still open): no automatic reminders",
                open.join(", ")
            ),
        );
        return None;
    }
    let (driver, h, broken) = match furthest_cycle(file, ladder, overdue, settled) {
        Ok(Some(found)) => found,
        Ok(None) => return None,
        Err(reason) => {
            hold(out, &client.id, vec![], HoldKind::MessagePending, reason);
            return None;
        }
    };
    let cycle = driver.number.clone();
    let Some(first) = first_index(ladder, first_stage) else {
        hold(
            out,
            &client.id,
            vec![],
            HoldKind::NoOverdueStage,
            "the ladder has no overdue stage".into(),
        );
        return None;
    };
    let index = match step(ladder, first, driver.due_date, today, h, calendar) {
        Step::Send(i) => i,
        Step::Wait(kind, reason) => {
            hold(out, &client.id, vec![], kind, format!("{cycle}: {reason}"));
            return None;
        }
    };
    let (invoices, mut reached) = listed(file, ladder, index, overdue, &cycle, today);
    // An older invoice joining a cycle that went further (one never reminded: imported late,
    // say) is listed as also pending above the first-contact stage, never demanded at once.
    if overdue.first().is_some_and(|o| o.number != cycle) && index > first {
        reached.retain(|n| *n == cycle || was_reminded(&file.messages, n));
    }
    let stage = &ladder[index];
    let mut why = format!(
        "{} invoice {} is {} days overdue: {}",
        if overdue.first().is_some_and(|o| o.number == cycle) {
            "oldest"
        } else {
            "furthest reminded"
        },
        driver.number,
        driver.days_overdue(today),
        stage.name
    );
    why.push_str(&match h.last {
        None => " (first contact in this cycle)".to_owned(),
        Some((l, d)) => format!(" (one step after {} on {d})", ladder[l].name),
    });
    if h.plan_broken.is_some() {
        why.push_str(" (resumed after a broken payment plan)");
    }
    if h.broken_promise {
        why.push_str(&format!(
            " (promise of {} broken)",
            broken.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    let key = retry_key(
        file,
        ladder_key(&client.id, &stage.name, &cycle, h.reopened_on),
    );
    let broken_plan = broken_plan(file, settled, &invoices, h.last.map(|(_, day)| day));
    Some(Target {
        index,
        cycle,
        invoices,
        reached,
        key,
        why,
        broken,
        broken_plan,
    })
}

/// The missed instalment of a payment plan covering `invoices` that broke after the cycle's
/// last message (`last_sent`): not mentioned yet, like [`broken_promise`]. The client was
/// told the calendar in writing; the message that resumes the ladder says why.
fn broken_plan(
    file: &ClientFile,
    settled: &Settled<'_>,
    invoices: &[&Invoice],
    last_sent: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let tz = file.client.time_zone;
    invoices
        .iter()
        .filter_map(|i| settled.plan_broken_on.get(&i.number))
        .filter(|b| last_sent.is_none_or(|s| b.on.with_timezone(&tz).date_naive() > s))
        .filter_map(|b| b.missed)
        .max()
}

/// The invoices a message of stage `index` lists, and those that reached the stage. Every
/// overdue invoice is listed; those younger than the stage are "también pendiente". A final
/// notice or a hand-over is *about* only invoices that went through the ladder and are old
/// enough (the others are listed beside them as also pending): the hand-over ends the
/// automatic messages to the client, so the person who takes over must see the whole debt,
/// and the final notice that announces it says so too (an invoice left out of both was never
/// reminded again).
fn listed<'a>(
    file: &ClientFile,
    ladder: &[Stage],
    index: usize,
    overdue: &[&'a Invoice],
    driver: &str,
    today: NaiveDate,
) -> (Vec<&'a Invoice>, Vec<String>) {
    let stage = &ladder[index];
    let strict = stage.handover || ladder.get(index + 1).is_some_and(|n| n.handover);
    let old_enough = |i: &Invoice| i.days_overdue(today) >= i64::from(stage.offset_days);
    let reached: Vec<String> = overdue
        .iter()
        .filter(|i| {
            i.number == driver
                || (old_enough(i) && (!strict || was_reminded(&file.messages, &i.number)))
        })
        .map(|i| i.number.clone())
        .collect();
    (overdue.to_vec(), reached)
}

/// A broken promise not yet mentioned by a message sent after it broke.
fn broken_promise(
    file: &ClientFile,
    settled: &Settled<'_>,
    last_sent: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let tz = file.client.time_zone;
    settled
        .broken_now
        .iter()
        .map(|p| p.promised_date)
        .chain(
            file.promises
                .iter()
                .filter(|p| p.status == PromiseStatus::Broken)
                .filter(|p| {
                    p.resolved_at.is_some_and(|r| {
                        last_sent.is_none_or(|s| r.with_timezone(&tz).date_naive() > s)
                    })
                })
                .map(|p| p.promised_date),
        )
        .max()
}

/// A ladder message's key: client, stage and cycle, and the day the cycle's invoice was
/// reopened by a returned payment (its second ladder's keys are its own).
fn ladder_key(client: &str, stage: &str, cycle: &str, reopened_on: Option<NaiveDate>) -> String {
    match reopened_on {
        Some(on) => format!("{client}|{stage}|{cycle}@{on}"),
        None => format!("{client}|{stage}|{cycle}"),
    }
}

/// The outbox key; a message that died, or was withdrawn before sending, is tried again under
/// a new key (`base|retryN`, N of them so far). Keys of `base`'s own messages only: `base`
/// itself, or followed by `|` (a retry, an email record) or `#` (a released dead one), not
/// another invoice's whose number starts the same (`FX-1`, `FX-10`).
pub(super) fn retry_key(file: &ClientFile, base: String) -> String {
    let of_base = |key: &str| {
        key.strip_prefix(base.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['|', '#']))
    };
    let failed = file
        .messages
        .iter()
        .filter(|m| {
            of_base(&m.message.dedup_key)
                && matches!(m.status, OutboxStatus::Dead | OutboxStatus::Cancelled)
        })
        .count();
    if failed == 0 {
        base
    } else {
        format!("{base}|retry{failed}")
    }
}

/// The deadline a stage states: the send day plus the gap to the next stage, moved forward
/// to a business day in the client's calendar (none for the last stage).
pub fn deadline(
    ladder: &[Stage],
    index: usize,
    send_day: NaiveDate,
    calendar: &HolidayCalendar,
) -> Option<NaiveDate> {
    ladder.get(index + 1)?;
    Some(on_business_day(
        send_day + Days::new(gap(ladder, index, index + 1)),
        calendar,
    ))
}
