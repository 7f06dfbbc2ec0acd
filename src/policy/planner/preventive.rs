//! Phase 3: reminders that are not the ladder's overdue steps: the preventive reminder before
//! an invoice's due date (per invoice) and the instalment reminders of a running plan.

use chrono::NaiveDate;

use super::choose::{self, ClientCtx};
use super::overdue::retry_key;
use super::settle::Settled;
use super::{ClientFile, Plan, PlanRef, PlannedMessage, instalment_stage};
use crate::domain::{HoldKind, Invoice};
use crate::policy::ladder::Stage;

/// Preventive reminders: per invoice not yet due, the latest negative stage whose window has
/// opened, once.
pub(super) fn preventive(
    ctx: &ClientCtx<'_>,
    ladder: &[Stage],
    candidates: &[&Invoice],
    today: NaiveDate,
    out: &mut Plan,
) -> Vec<PlannedMessage> {
    let client = &ctx.file.client;
    let mut planned = Vec::new();
    // «Le enviamos este recordatorio amable… para organizar sus próximos pagos» does not go
    // to a client whose overdue invoices are being chased (five days after a firm reminder,
    // two before a final notice): the invoice is listed beside them once due.
    // Any reminded overdue invoice counts, chased or paused (promised, disputed).
    let chased = ctx.file.invoices.iter().find(|i| {
        !i.status.is_closed()
            && i.days_overdue(today) > 0
            && super::overdue::was_reminded(&ctx.file.messages, &i.number)
    });
    if let Some(chased) = chased {
        for inv in candidates.iter().filter(|i| i.days_overdue(today) < 0) {
            if ladder
                .iter()
                .any(|s| s.offset_days < 0 && i64::from(s.offset_days) <= inv.days_overdue(today))
            {
                super::hold(
                    out,
                    &client.id,
                    vec![inv.number.clone()],
                    HoldKind::SkippedWhileChased,
                    format!(
                        "no preventive reminder for {}: overdue {} is being chased",
                        inv.number, chased.number
                    ),
                );
            }
        }
        return planned;
    }
    for inv in candidates.iter().filter(|i| i.days_overdue(today) < 0) {
        let days = inv.days_overdue(today);
        let Some(stage) = ladder.iter().rfind(|s| {
            s.offset_days < 0 && i64::from(s.offset_days) <= days + earlier_by(ctx, inv, s)
        }) else {
            continue;
        };
        let Some(key) = fresh_key(
            ctx.file,
            format!("{}|{}|{}", client.id, stage.name, inv.number),
        ) else {
            continue;
        };
        let why = format!(
            "invoice {} is due on {} (in {} day{}): {}",
            inv.number,
            inv.due_date,
            -days,
            if days == -1 { "" } else { "s" },
            stage.name
        );
        if let Some(m) = choose::message(
            ctx,
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
            planned.push(m);
        }
    }
    planned
}

/// How many days before its own day a reminder before the due date goes: when its day is not
/// a contact day of the client's (a weekend, a holiday), the contact day before it, so that it
/// comes before the due date as the ladder meant, not after a weekend (walk26: -3 on a
/// Saturday went on Monday, the day before; the due-day message, spaced after it, two days
/// late), and never before today.
fn earlier_by(ctx: &ClientCtx<'_>, inv: &Invoice, stage: &Stage) -> i64 {
    let tz = ctx.file.client.time_zone;
    let day = inv.due_date + chrono::Duration::days(i64::from(stage.offset_days));
    let contact_day =
        |d: NaiveDate| crate::policy::calendar::is_contact_day(d, tz, ctx.rules, ctx.calendar);
    if contact_day(day) {
        return 0;
    }
    (1..=4)
        .find(|back| {
            let earlier = day - chrono::Duration::days(*back);
            earlier < inv.due_date && contact_day(earlier)
        })
        .unwrap_or(0)
}

/// Instalment reminders: a few days before each instalment, and the day after a missed one.
pub(super) fn instalments(
    ctx: &ClientCtx<'_>,
    settled: &Settled<'_>,
    out: &mut Plan,
) -> Vec<PlannedMessage> {
    let file = ctx.file;
    let mut planned = Vec::new();
    for &(p, n, missed) in &settled.instalment_due {
        let kind = if missed {
            "instalment_missed"
        } else {
            "instalment"
        };
        let Some(key) = fresh_key(file, format!("{}|{kind}|plan-{}-{n}", file.client.id, p.id))
        else {
            continue;
        };
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
            ctx,
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
            planned.push(m);
        }
    }
    planned
}

/// The outbox key for a message planned once (`base`), or `None` when it is queued, was sent or
/// still holds its stage: a message that died or was withdrawn is tried again under a new key,
/// as the ladder's are ([`retry_key`]).
fn fresh_key(file: &ClientFile, base: String) -> Option<String> {
    let key = retry_key(file, base);
    (!file.messages.iter().any(|m| m.message.dedup_key == key)).then_some(key)
}
