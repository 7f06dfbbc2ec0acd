//! The pure planner: `plan(snapshot, settings, now) -> Plan`. No I/O, no clock.
//!
//! For each client it finds the next step of its overdue invoices, applies the pauses (manual
//! hold, opt-out, dispute, "ya pagué" claim, pending promise, payment plan), the contact rules
//! of the client's country in the client's time zone, and returns what to send and when, with
//! the reason; and, for what it will not send, why not.
//!
//! ## Phases, in the order they run (one module each)
//!
//! 1. [`settle`]: promises and payment plans that are due become effects (kept, broken,
//!    completed); pending ones pause what they cover; running plans replace the ladder of their
//!    invoices by instalment reminders.
//! 2. [`candidates`]: gates on the whole client (hold, opt-out, a promise on everything), then
//!    the open invoices that may be chased, then the minimum amount per currency.
//! 3. [`preventive`]: per invoice, the reminder before its due date (key `client|stage|invoice`);
//!    and the instalment reminders of running plans.
//! 4. [`overdue`]: per client, one message listing the overdue invoices, **one step at a time**:
//!    first contact in a cycle at most at the configured first stage; then the stage after the
//!    last *delivered* one, not before its ladder offset and the ladder's gap after the previous
//!    message. The cycle is the oldest overdue invoice; key `client|stage|cycle`. After any
//!    downtime there is one message, the next step, never a burst and never a skipped step.
//!    The final notice and the hand-over only list invoices that were reminded and are old
//!    enough; the hand-over follows on the (business) day the final notice announced.
//! 5. [`window`]: when: [`crate::policy::calendar::next_send_moment`] in the client's time
//!    zone, counting every earlier client-facing message against the gap and caps, and never
//!    two client-facing messages on one local day: when several are due the most important
//!    goes first (ladder, missed instalment, instalment, preventive) and each other one gets a
//!    later day. A message due outside the window waits; it is never dropped.
//!
//! Channel and recipients ([`choose`]): the first billing contact's preferred channel among
//! those the stage allows and the contact can be reached on; a channel whose last message died
//! falls back to the other. Later stages copy the roles in `copy-roles`.

mod candidates;
mod choose;
mod overdue;
mod plans;
mod preventive;
mod promises;
mod segment;
mod settle;
#[cfg(test)]
mod tests;
mod types;
mod window;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::HoldKind;
use crate::domain::Invoice;
use crate::policy::ladder::Stage;

pub use candidates::reachable;
pub use choose::addressees;
pub use overdue::about as message_about;
pub use overdue::deadline as overdue_deadline;
pub use plans::{
    InstalmentState, PlanCalendar, PlanCheck, allocate, check_plan, first_day, notice_day,
};
pub use promises::{PromiseCheck, add_business_days, check_promise, on_business_day};
pub use segment::{derive_segment, derive_segment_from};
pub use types::{ClientFile, Effect, Held, Plan, PlanRef, PlannedMessage, Settings, Snapshot};
use window::schedule;
pub use window::{is_client_facing, owner_initiated_moment, recent_contact_days, reply_moment};

/// Plans every client at `now`.
pub fn plan(snapshot: &Snapshot, settings: &Settings, now: DateTime<Utc>) -> Plan {
    let mut out = Plan::default();
    for file in &snapshot.clients {
        plan_into(file, settings, now, &mut out);
    }
    out
}

/// Plans one client at `now`, adding to `out`: what [`plan`] does for each client, for callers
/// that stream the clients (the store's bulk loader) instead of holding a whole snapshot.
pub fn plan_into(file: &ClientFile, settings: &Settings, now: DateTime<Utc>, out: &mut Plan) {
    if let Err(e) = plan_client(file, settings, now, out) {
        out.errors.push(format!("client {}: {e}", file.client.id));
    }
}

fn hold(out: &mut Plan, client: &str, invoices: Vec<String>, kind: HoldKind, reason: String) {
    out.held.push(Held {
        client: client.to_owned(),
        invoices,
        kind,
        reason,
    });
}

/// The contact rules and holiday calendar of a client's country (and region).
pub fn rules_for<'a>(
    settings: &'a Settings,
    client: &crate::domain::Client,
) -> Result<
    (
        &'a crate::policy::ContactRules,
        &'a crate::policy::HolidayCalendar,
    ),
    String,
> {
    let rules = settings
        .client_rules
        .get(&client.id)
        .or_else(|| settings.rules.get(&client.country))
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
    Ok((rules, calendar))
}

/// The client's segment (assigned, or derived from its history) and its ladder.
pub fn segment_and_ladder<'a>(
    file: &ClientFile,
    settings: &'a Settings,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Option<String>, &'a [Stage]), String> {
    let year_ago = now - chrono::Duration::days(365);
    let broken_in_year = file
        .promises
        .iter()
        .filter(|p| {
            p.status == crate::domain::PromiseStatus::Broken
                && p.resolved_at.is_some_and(|r| r > year_ago)
        })
        .count();
    let broken = u32::try_from(broken_in_year).unwrap_or(u32::MAX);
    let share = settings.reminders.late_payer_share;
    let segment = match (&file.client.segment, &file.history) {
        (Some(s), _) => Some(s.clone()),
        (None, None) => derive_segment(&file.invoices, &file.payments, broken, today, share),
        (None, Some(h)) => derive_segment_from(h, &file.invoices, broken, today, share)?,
    };
    let ladder: &[Stage] = settings
        .reminders
        .segments
        .iter()
        .find(|l| Some(&l.segment) == segment.as_ref())
        .map(|l| l.ladder.as_slice())
        .unwrap_or(&settings.reminders.ladder);
    Ok((segment, ladder))
}

fn plan_client(
    file: &ClientFile,
    settings: &Settings,
    now: DateTime<Utc>,
    out: &mut Plan,
) -> Result<(), String> {
    let client = &file.client;
    let today = now.with_timezone(&client.time_zone).date_naive();
    let (rules, calendar) = rules_for(settings, client)?;
    let tz = client.time_zone;
    let contact_day =
        |d: NaiveDate| crate::policy::calendar::is_contact_day(d, tz, rules, calendar);
    let plan_calendar = PlanCalendar {
        holidays: calendar,
        contact_day: &contact_day,
        time_zone: tz,
    };
    let settled = settle::settle(file, settings, &plan_calendar, today, now, out);
    let open: Vec<&Invoice> = file
        .invoices
        .iter()
        .filter(|i| !i.status.is_closed() && !i.balance.is_settled())
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    let Some(reachable) = candidates::gate_client(file, settled.client_paused_until, now, out)
    else {
        return Ok(());
    };
    let minimum = |currency: &str| settings.reminders.minimum_for(currency);
    let chased = candidates::candidates(&open, &settled, &client.id, &minimum, out);
    let (segment, ladder) = segment_and_ladder(file, settings, today, now)?;
    let ctx = choose::ClientCtx {
        file,
        reachable: &reachable,
        rules,
        calendar,
        now,
        segment,
        telegram: settings.telegram,
        own_hours: settings.client_rules.contains_key(&client.id),
    };
    let mut planned = preventive::instalments(&ctx, &settled, out);
    planned.extend(preventive::preventive(&ctx, ladder, &chased, today, out));
    let overdue = overdue_message(&ctx, settings, ladder, &chased, &settled, today, out);
    if let Some((m, _)) = &overdue {
        planned.push(m.clone());
    }
    let before_due: Vec<&str> = ladder
        .iter()
        .filter(|s| s.offset_days < 0)
        .map(|s| s.name.as_str())
        .collect();
    let mut planned = window::one_per_day(&ctx, planned, &before_due, out)?;
    // The deadline a message states counts from the day it is actually sent.
    if let Some((key, index)) = overdue.map(|(m, i)| (m.dedup_key, i)) {
        for m in planned.iter_mut().filter(|m| m.dedup_key == key) {
            let send_day = m.send_at.with_timezone(&client.time_zone).date_naive();
            m.deadline = overdue::deadline(ladder, index, send_day, calendar);
        }
    }
    out.messages.extend(planned);
    Ok(())
}

/// Phase 4 for one client: the overdue message (and its ladder index), if one goes.
fn overdue_message(
    ctx: &choose::ClientCtx<'_>,
    settings: &Settings,
    ladder: &[Stage],
    chased: &[&Invoice],
    settled: &settle::Settled<'_>,
    today: NaiveDate,
    out: &mut Plan,
) -> Option<(PlannedMessage, usize)> {
    let mut overdue: Vec<&Invoice> = chased
        .iter()
        .copied()
        .filter(|i| i.days_overdue(today) >= 0)
        .collect();
    overdue.sort_by(|a, b| a.due_date.cmp(&b.due_date).then(a.number.cmp(&b.number)));
    let first = settings.reminders.first_stage.as_deref();
    let t = overdue::target(
        ctx.file,
        ladder,
        first,
        &overdue,
        settled,
        today,
        ctx.calendar,
        out,
    )?;
    let stage = &ladder[t.index];
    let mut m = choose::message(
        ctx,
        stage,
        &t.cycle,
        t.key,
        &t.invoices,
        &t.reached,
        t.why,
        t.broken,
        None,
        out,
    )?;
    m.broken_plan = t.broken_plan;
    // A stage whose message died is planned again (under a new key, see `overdue::retry_key`)
    // once the sender releases it (`limits.retry-stage-after-hours`): by the other channel when
    // the client has one (`choose::channel_for`), else by the same one; an address that bounced
    // or a chat that blocked the bot is no longer offered at all.
    Some((m, t.index))
}

/// The pseudo-stage of instalment reminders (not part of any ladder).
pub fn instalment_stage() -> Stage {
    crate::policy::ladder::message_stage("instalment")
}
