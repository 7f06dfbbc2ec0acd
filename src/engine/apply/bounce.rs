//! Applying a bounce: the failed address, and the message that did not arrive.
//!
//! - A **permanent** failure (the address is gone) marks the client's failed address
//!   undeliverable (the planner then uses another contact or Telegram) and alerts the owner.
//! - A temporary failure (a full mailbox, a delay) leaves the address alone, until the same
//!   address has been bouncing for a week: then it is given up as if permanent. A refusal of
//!   our message itself (spam, SPF/DKIM/DMARC, size: X.7.x, X.3.4, X.6.x) never marks the
//!   address: the owner reads the server's answer in the alert about the message undone.
//! - A **final** failure, permanent or not (the mail system gave up: "552 5.2.2 mailbox full,
//!   permanent error"), means our message never arrived. The message of ours it returns (found
//!   by its Message-ID) is then `dead` like one the server refused at once, when every one of
//!   its recipients failed: it never counts as sent, so no later message cites it as a
//!   reminder that reached the client, and its stage is planned again after
//!   `limits.retry-stage-after-hours` (by another channel when the client has one). A delay
//!   ("still being retried") changes nothing: the message may yet arrive.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::{Applied, Incoming, applied, clues, effects, machine_reading, new_response, record};
use crate::config::Config;
use crate::domain::{Actor, Channel, EventKind, OutboxStatus, ResponseStatus};
use crate::engine::matcher::{self, Match};
use crate::mail::bounce::Bounce;
use crate::mail::classify::Kind;
use crate::render::Renderer;
use crate::store::{self, OutboxMessage};

/// Records and acts on a bounce (see the module doc).
pub(super) fn apply(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let mut bounce = inc.bounce.clone().unwrap_or_default();
    let senders: Vec<&str> = bounce
        .failed_recipients
        .iter()
        .map(String::as_str)
        .collect();
    let matched = matcher::find(tx, &clues(inc, &bounce.original_message_ids, senders, None))?;
    let reading = machine_reading(inc, "bounce");
    let lasting = match &matched {
        // Our message refused (spam, DMARC, size) says nothing of the address, however long.
        Some(m) if !bounce.permanent && !bounce.refused_message => {
            temporary_for_days(tx, &m.client.id, &bounce, now)?
        }
        _ => false,
    };
    bounce.permanent |= lasting;
    let lost = matched
        .as_ref()
        .and_then(|m| not_delivered(m, &bounce))
        .cloned();
    let effect = effect_of(matched.is_some(), bounce.permanent, lasting, lost.is_some());
    let status = if matched.is_some() {
        ResponseStatus::Applied
    } else {
        ResponseStatus::NeedsReview
    };
    let mut response = new_response(
        inc,
        matched.as_ref(),
        &reading,
        Kind::Bounce,
        status,
        effect,
    );
    response.excerpt = bounce.diagnostic.clone();
    let Some(response_id) = record(tx, &response, &reading, now)? else {
        return Ok(None);
    };
    let mut applied = applied(response_id, &response, effect);
    let Some(m) = matched else {
        applied.alert = effects::queue_alert(
            tx,
            config,
            renderer,
            None,
            "needs_review",
            inc,
            response_id,
            now,
        )?;
        return Ok(Some(applied));
    };
    if let Some(msg) = &lost {
        mark_not_delivered(tx, config, msg, &bounce, response_id, now)?;
    }
    if bounce.permanent {
        let marked = mark_undeliverable(tx, &bounce, &m, response_id, now)?;
        // A message undone is told to the owner once, as every dead message is (the queueing
        // pass's `alert_failures`, with the server's answer): a second alert here repeated it.
        if !marked.is_empty() && lost.is_none() {
            let words = format!(
                "No se pudo entregar a {}{}",
                marked.join(", "),
                bounce
                    .diagnostic
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
            let alert_inc = Incoming {
                visible: Some(words),
                ..inc.clone()
            };
            applied.alert = effects::queue_alert(
                tx,
                config,
                renderer,
                Some(&m),
                "address",
                &alert_inc,
                response_id,
                now,
            )?;
        }
    }
    Ok(Some(applied))
}

/// What a bounce did, for the response's record: matched or not, the address given up
/// (`permanent`, after a week of a full mailbox when `lasting`), the message undone (`lost`).
fn effect_of(matched: bool, permanent: bool, lasting: bool, lost: bool) -> &'static str {
    match (matched, permanent, lost) {
        (false, ..) => "bounce not matched to any contact: a person must look",
        (true, true, _) if lasting => {
            "temporary delivery failure for a week (a full mailbox): address marked undeliverable"
        }
        (true, true, true) => {
            "permanent delivery failure: address marked undeliverable, message not delivered"
        }
        (true, true, false) => "permanent delivery failure: address marked undeliverable",
        (true, false, true) => {
            "message not delivered (the address is kept): its stage is tried again later"
        }
        (true, false, false) => "temporary delivery failure: recorded, nothing changes",
    }
}

/// How long a temporary failure (a full mailbox, RFC 3463's "persistent transient") may last
/// before the address is given up as if the failure were permanent: mail systems stop
/// retrying a message after about five days (Postfix's `maximal_queue_lifetime`).
const TEMPORARY_FOR_DAYS: i64 = 7;

/// Whether a failed address of this temporary bounce already bounced for the client
/// [`TEMPORARY_FOR_DAYS`] or more ago (and still does now).
fn temporary_for_days(
    tx: &Connection,
    client_id: &str,
    bounce: &Bounce,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let since = store::ts(now - chrono::Duration::days(TEMPORARY_FOR_DAYS));
    let mut stmt = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM responses
                        WHERE client_id = ?1 AND kind = 'bounce' AND received_at <= ?2
                          AND instr(lower(body), ?3) > 0)",
    )?;
    for address in &bounce.failed_recipients {
        if stmt.query_row(
            rusqlite::params![client_id, since, address.to_lowercase()],
            |r| r.get::<_, bool>(0),
        )? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Marks the client's failed addresses undeliverable; returns those newly marked.
pub(super) fn mark_undeliverable(
    tx: &Connection,
    bounce: &Bounce,
    m: &Match,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    let mut marked = Vec::new();
    for address in &bounce.failed_recipients {
        let ours = m.contacts.iter().any(|c| {
            c.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(address))
        });
        if !ours {
            continue;
        }
        for (contact, client) in
            store::inbox::mark_undeliverable(tx, address, bounce.diagnostic.as_deref(), now)?
        {
            store::events::append(
                tx,
                now,
                Actor::Inbox,
                EventKind::ContactUndeliverable,
                Some(&client),
                None,
                serde_json::json!({ "contact": contact, "address": address,
                                    "response": response_id, "diagnostic": bounce.diagnostic }),
            )?;
            if !marked.contains(address) {
                marked.push(address.clone());
            }
        }
    }
    Ok(marked)
}

/// The message of ours a final failure returns, when it was handed over by email and every one
/// of its recipients (copies included) failed: a copy that arrived reached the client.
fn not_delivered<'m>(m: &'m Match, bounce: &Bounce) -> Option<&'m OutboxMessage> {
    let msg = m.outbox.as_ref()?;
    let handed = matches!(msg.status, OutboxStatus::Sent | OutboxStatus::Uncertain);
    let failed = |r: &String| {
        bounce
            .failed_recipients
            .iter()
            .any(|f| f.eq_ignore_ascii_case(r))
    };
    let all_failed = msg
        .message
        .recipients
        .iter()
        .chain(&msg.message.cc)
        .all(failed);
    (bounce.undelivered && handed && msg.message.channel == Channel::Email && all_failed)
        .then_some(msg)
}

/// Makes `msg` dead, as the sender does with a message refused for good: its stage is held
/// for `limits.retry-stage-after-hours`, then planned again.
fn mark_not_delivered(
    tx: &Connection,
    config: &Config,
    msg: &OutboxMessage,
    bounce: &Bounce,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let error = format!(
        "bounced: {}",
        bounce.diagnostic.as_deref().unwrap_or("not delivered")
    );
    store::outbox::mark_dead(tx, msg.id, &error)?;
    let hold = Duration::hours(config.limits.retry_stage_after_hours.into());
    store::outbox::hold_stage_until(tx, msg.id, now + hold)?;
    store::events::append(
        tx,
        now,
        Actor::Inbox,
        EventKind::OutboxDead,
        Some(&msg.message.client_id),
        None,
        serde_json::json!({
            "outbox_id": msg.id, "stage": msg.message.stage, "channel": msg.message.channel,
            "recipients": msg.message.recipients, "error": error, "response": response_id,
        }),
    )?;
    Ok(())
}
