//! Phase 5: the contact window. When may a client-facing message go out, counting every
//! earlier client-facing message (reminders, instalment reminders, acknowledgements) against
//! the gap and the caps, and never two on one local day whatever their kinds.
//!
//! Owner-facing messages (hand-over tasks, owner alerts) are not limited: they go at once.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};

use super::choose::ClientCtx;
use super::{Plan, PlannedMessage, hold};
use crate::domain::HoldKind;
use crate::domain::{OutboxMessage, OutboxStatus};
use crate::policy::calendar::next_send_moment;

/// How many later local days [`schedule_after`] tries before giving up on a free day.
const MAX_DAY_SKIPS: u32 = 60;

/// Whether a stage's messages are read by the client (and so count against its limits).
pub fn is_client_facing(stage: &str) -> bool {
    !crate::domain::is_owner_facing(stage)
}

/// Instants of the client's earlier client-facing messages (sent, or still to be sent).
pub(super) fn recent_contacts(messages: &[OutboxMessage]) -> Vec<DateTime<Utc>> {
    messages
        .iter()
        .filter(|m| is_client_facing(&m.message.stage))
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
pub(super) fn schedule(
    ctx: &ClientCtx<'_>,
    handover: bool,
) -> Result<(DateTime<Utc>, Option<String>), String> {
    schedule_after(ctx, handover, &[])
}

/// Which rules a moment keeps: all of them, or the contact window and one message a day only
/// (what the client asked for: the written terms of an agreement).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pace {
    Caps,
    WindowOnly,
}

/// Like [`schedule`], with `taken` (messages planned earlier in this pass) counted too.
pub(super) fn schedule_after(
    ctx: &ClientCtx<'_>,
    handover: bool,
    taken: &[DateTime<Utc>],
) -> Result<(DateTime<Utc>, Option<String>), String> {
    schedule_paced(ctx, handover, taken, Pace::Caps)
}

fn schedule_paced(
    ctx: &ClientCtx<'_>,
    handover: bool,
    taken: &[DateTime<Utc>],
    pace: Pace,
) -> Result<(DateTime<Utc>, Option<String>), String> {
    if handover {
        // A task for the owner: no client contact rules.
        return Ok((ctx.now, None));
    }
    let tz = ctx.file.client.time_zone;
    let mut recent = recent_contacts(&ctx.file.messages);
    recent.extend_from_slice(taken);
    let used: Vec<NaiveDate> = recent
        .iter()
        .map(|at| at.with_timezone(&tz).date_naive())
        .collect();
    let mut from = ctx.now;
    let mut first_reason: Option<String> = None;
    for _ in 0..MAX_DAY_SKIPS {
        let counted: &[DateTime<Utc>] = if pace == Pace::Caps { &recent } else { &[] };
        let moment = next_send_moment(from, tz, ctx.rules, ctx.calendar, counted)
            .map_err(|e| e.to_string())?;
        let day = moment.at.with_timezone(&tz).date_naive();
        if !used.contains(&day) {
            // «outside contact hours» of a client with hours of its own names them: the
            // owner looking at a wait finds why (`client hours`).
            let said = || match ctx.own_hours {
                true => moment
                    .to_string()
                    .replace("outside contact hours", OUTSIDE_OWN_HOURS),
                false => moment.to_string(),
            };
            let waiting = match &first_reason {
                Some(r) => Some(format!("{}; {r}", said())),
                None => moment.reason.is_some().then(said),
            };
            return Ok((moment.at, waiting));
        }
        // The day already has a message for this client (allowed by a loose daily cap):
        // one message per client per local day, whatever its kind.
        first_reason.get_or_insert_with(|| "one message per client per day".to_owned());
        from =
            start_of_day(tz, day + Days::new(1)).unwrap_or(moment.at + chrono::Duration::days(1));
    }
    Err(format!(
        "no free day within {MAX_DAY_SKIPS} days (one message per client per day)"
    ))
}

/// The client's local days of its earlier client-facing messages (sent, or still to be sent).
pub fn recent_contact_days(messages: &[OutboxMessage], tz: chrono_tz::Tz) -> Vec<NaiveDate> {
    recent_contacts(messages)
        .into_iter()
        .map(|t| t.with_timezone(&tz).date_naive())
        .collect()
}

/// Why a message to a client with hours of its own waits outside them.
/// (It says «outside contact hours» too: the digest looks for those words.)
const OUTSIDE_OWN_HOURS: &str = "outside contact hours (those the client asked for: client hours)";

/// Local hours in which a reply to the client's own message may go at once: not at night in
/// the client's zone.
const REPLY_HOURS: std::ops::Range<u32> = 9..21;

/// When an answer to a message the client just sent may go: at once inside
/// [`REPLY_HOURS`] in the client's zone, else at the next opening of those hours.
pub fn reply_moment(now: DateTime<Utc>, tz: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::Timelike;
    let local = now.with_timezone(&tz);
    if REPLY_HOURS.contains(&local.hour()) {
        return now;
    }
    let day = if local.hour() < REPLY_HOURS.start {
        local.date_naive()
    } else {
        local.date_naive() + Days::new(1)
    };
    day.and_hms_opt(REPLY_HOURS.start, 0, 0)
        .and_then(|t| tz.from_local_datetime(&t).earliest())
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// When a client-facing message the owner asked for (a plan confirmation) may go: the contact
/// window of the client's country and one message per client per day, not the reminders' gap
/// and caps (the client asked for these terms: a walker's confirmation waited four days
/// behind the weekly cap while thanks went daily).
pub fn owner_initiated_moment(
    file: &super::ClientFile,
    settings: &super::Settings,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let (rules, calendar) = super::rules_for(settings, &file.client)?;
    let ctx = ClientCtx {
        file,
        reachable: &[],
        rules,
        calendar,
        now,
        segment: None,
        telegram: settings.telegram,
        own_hours: settings.client_rules.contains_key(&file.client.id),
    };
    schedule_paced(&ctx, false, &[], Pace::WindowOnly).map(|(at, _)| at)
}

/// Whether `m` is the advance notice of an instalment that could only go after the
/// instalment's day: it is dropped (with its hold), as a heads-up that arrives after the fact
/// is no heads-up; the day after a missed instalment its own gentle nudge is planned.
fn late_instalment_notice(ctx: &ClientCtx<'_>, m: &PlannedMessage, out: &mut Plan) -> bool {
    let Some(p) = m.plan.filter(|p| !p.missed) else {
        return false;
    };
    let due = ctx
        .file
        .plans
        .iter()
        .find(|plan| plan.id == p.id)
        .and_then(|plan| plan.instalments.iter().find(|i| i.number == p.instalment))
        .map(|i| i.due_date);
    let send_day = m
        .send_at
        .with_timezone(&ctx.file.client.time_zone)
        .date_naive();
    if due.is_none_or(|d| send_day <= d) {
        return false;
    }
    hold(
        out,
        &m.client,
        m.invoices.clone(),
        HoldKind::SkippedAfterInstalment,
        format!(
            "notice of instalment {} of plan {} skipped: the first free day ({send_day}) is after the instalment",
            p.instalment, p.id
        ),
    );
    true
}

fn start_of_day(tz: chrono_tz::Tz, day: NaiveDate) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Importance of a client-facing message when several are due: the notices of a payment
/// plan first (a notice a day late is no notice: the third instalment's was crowded out by a
/// reminder of another invoice and never went), then the ladder (it can wait a day), and last
/// a preventive reminder.
fn priority(m: &PlannedMessage, preventive: &[&str]) -> u8 {
    if m.plan.is_some_and(|p| p.missed) {
        1
    } else if m.plan.is_some() {
        0
    } else if preventive.contains(&m.stage.as_str()) {
        3
    } else {
        2
    }
}

/// One message per client per local day: orders the client's messages by importance and
/// gives each later one its own day (after the ones before it). A preventive reminder that
/// could only go on or after its invoice's due date is dropped (with its hold): it would
/// announce a due date already past; the invoice is then in the overdue messages.
pub(super) fn one_per_day(
    ctx: &ClientCtx<'_>,
    mut messages: Vec<PlannedMessage>,
    preventive: &[&str],
    out: &mut Plan,
) -> Result<Vec<PlannedMessage>, String> {
    messages.sort_by_key(|m| (priority(m, preventive), m.send_at));
    let tz = ctx.file.client.time_zone;
    let mut taken: Vec<DateTime<Utc>> = Vec::new();
    let mut kept = Vec::with_capacity(messages.len());
    for mut m in messages {
        if m.handover {
            kept.push(m);
            continue;
        }
        if !taken.is_empty() {
            let (at, waiting) = schedule_after(ctx, false, &taken)?;
            m.send_at = at;
            m.due_now = at <= ctx.now;
            m.waiting = waiting.or_else(|| Some("one message per client per day".to_owned()));
        }
        if late_instalment_notice(ctx, &m, out) {
            continue;
        }
        if preventive.contains(&m.stage.as_str()) {
            let send_day = m.send_at.with_timezone(&tz).date_naive();
            let due = ctx
                .file
                .invoices
                .iter()
                .find(|i| i.number == m.cycle)
                .map(|i| i.due_date);
            if due.is_some_and(|d| send_day >= d) {
                hold(
                    out,
                    &m.client,
                    m.invoices.clone(),
                    HoldKind::SkippedBeforeDue,
                    format!(
                        "{} for {} skipped: the first free day ({send_day}) is not before its due date",
                        m.stage, m.cycle
                    ),
                );
                continue;
            }
        }
        taken.push(m.send_at);
        kept.push(m);
    }
    Ok(kept)
}
