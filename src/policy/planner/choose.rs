//! Choosing the channel, the recipients and the moment of one planned message.

use crate::domain::HoldKind;
use crate::domain::OutboxStatus;
use crate::domain::{Channel, Contact, ContactRole, Invoice};
use crate::policy::ladder::Stage;
use crate::policy::{ContactRules, HolidayCalendar};

use super::{ClientFile, Plan, PlannedMessage, hold, schedule};

/// What every message of one client shares.
pub(super) struct ClientCtx<'a> {
    pub file: &'a ClientFile,
    pub reachable: &'a [&'a Contact],
    pub rules: &'a ContactRules,
    pub calendar: &'a HolidayCalendar,
    pub now: chrono::DateTime<chrono::Utc>,
    pub segment: Option<String>,
    pub telegram: bool,
    /// The client asked for hours of its own (`rules` are them): a wait says so.
    pub own_hours: bool,
}

fn address(c: &Contact, channel: Channel) -> Option<String> {
    match channel {
        Channel::Email => c.email.clone(),
        Channel::Telegram => c.telegram_chat_id.map(|id| id.to_string()),
    }
}

/// The contacts a message is addressed to: the billing contacts among `reachable` that can still
/// be written to (an address on some channel), or, when none can (there is no billing contact,
/// or its only address bounced for good and was set aside), every reachable contact that can:
/// the client's finance or other contact takes over rather than the client never being
/// reminded again.
fn addressed<'a>(reachable: &[&'a Contact]) -> Vec<&'a Contact> {
    let can = |c: &&Contact| c.email.is_some() || c.telegram_chat_id.is_some();
    let billing: Vec<&Contact> = reachable
        .iter()
        .copied()
        .filter(|c| c.role == ContactRole::Billing)
        .filter(can)
        .collect();
    if billing.is_empty() {
        reachable.iter().copied().filter(can).collect()
    } else {
        billing
    }
}

/// The recipients and the copies of a message of `stage` on `channel`, among the `reachable`
/// contacts ([`super::reachable`]): the addresses of the [`addressed`] contacts; in copy (email
/// only), the contacts whose role the stage's `copy-roles` names, never a recipient twice. A
/// hand-over goes to no client address (it is a task for a person). `preview` uses it too.
pub fn addressees(
    reachable: &[&Contact],
    stage: &Stage,
    channel: Channel,
) -> (Vec<String>, Vec<String>) {
    if stage.handover {
        return (Vec::new(), Vec::new());
    }
    let recipients: Vec<String> = addressed(reachable)
        .iter()
        .filter_map(|c| address(c, channel))
        .collect();
    let cc: Vec<String> = if channel == Channel::Email {
        reachable
            .iter()
            .filter(|c| stage.copy_roles.iter().any(|r| r == c.role.as_str()))
            .filter_map(|c| c.email.clone())
            .filter(|e| !recipients.contains(e))
            .collect()
    } else {
        Vec::new()
    };
    (recipients, cc)
}

/// The channel for a stage: the first contact's preference if allowed and reachable, else
/// the other; a channel whose last message to this client died is avoided when possible.
pub(super) fn channel_for(ctx: &ClientCtx<'_>, stage: &Stage, to: &[&Contact]) -> Option<Channel> {
    let dead = |ch: Channel| {
        ctx.file
            .messages
            .iter()
            .filter(|m| m.message.channel == ch)
            .max_by_key(|m| m.id)
            .is_some_and(|m| m.status == OutboxStatus::Dead)
    };
    let reachable = |ch: Channel| {
        (ch != Channel::Telegram || ctx.telegram)
            && stage.channels.contains(&ch)
            && to.iter().any(|c| address(c, ch).is_some())
    };
    let preferred = to
        .first()
        .map(|c| c.preferred_channel)
        .unwrap_or(Channel::Email);
    let other = match preferred {
        Channel::Email => Channel::Telegram,
        Channel::Telegram => Channel::Email,
    };
    let order = if dead(preferred) && reachable(other) {
        [other, preferred]
    } else {
        [preferred, other]
    };
    order.into_iter().find(|ch| reachable(*ch))
}

/// Builds one planned message, or records why it cannot be sent.
#[allow(clippy::too_many_arguments)]
pub(super) fn message(
    ctx: &ClientCtx<'_>,
    stage: &Stage,
    cycle: &str,
    dedup_key: String,
    invoices: &[&Invoice],
    reached: &[String],
    why: String,
    broken_promise: Option<chrono::NaiveDate>,
    deadline: Option<chrono::NaiveDate>,
    out: &mut Plan,
) -> Option<PlannedMessage> {
    let client = &ctx.file.client;
    let numbers: Vec<String> = invoices.iter().map(|i| i.number.clone()).collect();
    let channel = if stage.handover {
        Channel::Email
    } else {
        let Some(channel) = channel_for(ctx, stage, &addressed(ctx.reachable)) else {
            let allowed: Vec<&str> = stage.channels.iter().map(|c| c.as_str()).collect();
            hold(
                out,
                &client.id,
                numbers,
                HoldKind::NoReachableContact,
                format!(
                    "no contact reachable by {} for stage {}",
                    allowed.join(" or "),
                    stage.name
                ),
            );
            return None;
        };
        channel
    };
    let (recipients, cc) = addressees(ctx.reachable, stage, channel);
    let (send_at, waiting) = match schedule(ctx, stage.handover) {
        Ok(s) => s,
        Err(e) => {
            hold(
                out,
                &client.id,
                numbers,
                HoldKind::NoMoment,
                format!("no allowed moment to send: {e}"),
            );
            return None;
        }
    };
    Some(PlannedMessage {
        client: client.id.clone(),
        stage: stage.name.clone(),
        template: stage.template_name().to_owned(),
        cycle: cycle.to_owned(),
        dedup_key,
        channel,
        recipients,
        cc,
        invoices: numbers,
        reached: reached.to_vec(),
        due_now: send_at <= ctx.now,
        send_at,
        why,
        waiting,
        handover: stage.handover,
        broken_promise,
        // Only an overdue message resuming after a plan broke mentions it (`overdue`).
        broken_plan: None,
        deadline,
        segment: ctx.segment.clone(),
        plan: None,
    })
}
