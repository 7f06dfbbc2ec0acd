//! The effects of a reply once it is recorded: a promise, a payment claim, a dispute, a plan
//! request or an opt-out changes the invoices and the client; then the acknowledgement to the
//! client (threaded, in Spanish, repeating what was understood) and the owner's alert are
//! queued in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Applied, Incoming};
use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Invoice, InvoiceStatus, Money};
use crate::engine::matcher::Match;
use crate::render::{self, Renderer};
use crate::store::{self, NewOutboxMessage};
use crate::understand::{Intent, PromisedAmount, Reading};

/// Applies `reading` for the matched client: state changes, acknowledgement and alert.
#[allow(clippy::too_many_arguments)]
pub(super) fn act(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: &Match,
    reading: &Reading,
    promised_amount: Option<Money>,
    inc: &Incoming,
    response_id: i64,
    applied: &mut Applied,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let narrowed = (reading.intent == Intent::Dispute)
        .then(|| disputed_only(m, reading, &inc.visible_text()))
        .flatten();
    let m = narrowed.as_ref().unwrap_or(m);
    let currency = m.invoices.first().map(|i| i.currency.clone());
    let today = inc
        .received_at
        .with_timezone(&m.client.time_zone)
        .date_naive();
    let (ack_kind, alert_kind) =
        change_state(tx, m, reading, today, promised_amount, response_id, now)?;
    // An acknowledgement names the invoices it is about ("del pago de las facturas F-1, F-2"):
    // with none left open it would read "de las facturas ."; the owner's alert (and, for a
    // reply a person must read, the bot's "se lo he pasado") say what there is to say.
    let mut ack_kind = ack_kind.filter(|k| *k == "ack_stop" || !m.invoices.is_empty());
    // Nothing automatic after a hand-over or an opt-out (the opt-out itself is confirmed).
    if ack_kind.is_some_and(|k| k != "ack_stop")
        && let Some(why) = m.silenced(tx, inc.sender.as_deref())?
    {
        applied.effect = format!("{}; no acknowledgement: {why}", applied.effect);
        ack_kind = None;
    }
    if let Some(kind) = ack_kind {
        applied.ack = queue_ack(
            tx,
            config,
            renderer,
            m,
            kind,
            reading,
            promised_amount,
            currency.as_deref(),
            inc,
            response_id,
            now,
        )?;
    }
    if let Some(kind) = alert_kind {
        applied.alert = queue_alert(tx, config, renderer, Some(m), kind, inc, response_id, now)?;
    }
    Ok(())
}

/// A dispute concerns the invoices named where the client disputes: when the sentence that
/// carries the dispute, or else its paragraph («Pero la factura A-115 no la reconocemos: las
/// ventanas no se han terminado de instalar. Hasta que no esté terminado no vamos a pagar esa
/// factura.»), names some of the invoices the reply is about and not others («La A-101 … no hay
/// problema con ella»), only those are disputed, acknowledged and reported; `None` when it names
/// none of them, or all: then the dispute is about all, as before.
fn disputed_only(m: &Match, reading: &Reading, visible: &str) -> Option<Match> {
    let text = visible.to_lowercase();
    let cues: Vec<String> = reading
        .evidence
        .iter()
        .map(|e| e.to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    let named_in = |units: Vec<&str>| -> Vec<Invoice> {
        let disputing: Vec<&str> = units
            .into_iter()
            .filter(|u| cues.iter().any(|c| u.contains(c.as_str())))
            .collect();
        m.invoices
            .iter()
            .filter(|i| {
                disputing
                    .iter()
                    .any(|u| crate::engine::matcher::mentions(u, &i.number))
            })
            .cloned()
            .collect()
    };
    let mut named = named_in(text.split(['.', '!', '?', ';', '\n']).collect());
    if named.is_empty() {
        named = named_in(text.split("\n\n").collect());
    }
    (!named.is_empty() && named.len() < m.invoices.len()).then(|| Match {
        invoices: named,
        ..m.clone()
    })
}

/// The state change an intent calls for (promise, claim, dispute, plan hold, opt-out), with
/// its audit events; returns the acknowledgement and the owner alert it calls for.
fn change_state(
    tx: &Connection,
    m: &Match,
    reading: &Reading,
    today: chrono::NaiveDate,
    promised_amount: Option<Money>,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(Option<&'static str>, Option<&'static str>)> {
    let single = (m.invoices.len() == 1).then(|| m.invoices[0].number.clone());
    let mut ack_kind = None;
    let mut alert_kind = None;
    match reading.intent {
        Intent::Promise if reading.promised_date.is_some() => {
            let date = reading.promised_date.unwrap_or(today);
            record_promise(
                tx,
                m,
                reading,
                date,
                single.as_deref(),
                promised_amount,
                response_id,
                now,
            )?;
            ack_kind = Some("ack_promise");
        }
        Intent::Paid => {
            each_invoice(
                tx,
                m,
                |s| s == InvoiceStatus::Open,
                EventKind::InvoicePaidClaimed,
                response_id,
                now,
                |n| store::invoices::set_paid_claim(tx, n, Some(today), now),
            )?;
            ack_kind = Some("ack_paid");
            alert_kind = Some("paid");
            // Checked against the bank credits already imported before a person is asked.
            if store::bank::confirm_claims(tx, &m.client.id, now)? {
                alert_kind = None;
            }
        }
        Intent::Dispute => {
            let open = |s| matches!(s, InvoiceStatus::Open | InvoiceStatus::OnHold);
            each_invoice(
                tx,
                m,
                open,
                EventKind::InvoiceDisputed,
                response_id,
                now,
                |n| store::invoices::set_status(tx, n, InvoiceStatus::Disputed, now),
            )?;
            ack_kind = Some("ack_dispute");
            alert_kind = Some("dispute");
        }
        Intent::Plan => {
            // Reminders wait while a person prepares the payment calendar.
            each_invoice(
                tx,
                m,
                |s| s == InvoiceStatus::Open,
                EventKind::InvoiceHeldForPlan,
                response_id,
                now,
                |n| store::invoices::set_status(tx, n, InvoiceStatus::OnHold, now),
            )?;
            ack_kind = Some("ack_plan");
            alert_kind = Some("plan");
        }
        Intent::Stop => {
            store::clients::set_opt_out(tx, &m.client.id, true)?;
            store::events::append(
                tx,
                now,
                Actor::Inbox,
                EventKind::ClientOptedOut,
                Some(&m.client.id),
                None,
                serde_json::json!({ "response": response_id }),
            )?;
            ack_kind = Some("ack_stop");
            alert_kind = Some("stop");
        }
        Intent::AutoReply | Intent::Bounce => {}
        Intent::Promise | Intent::Question | Intent::Other => alert_kind = Some("needs_review"),
    }
    Ok((ack_kind, alert_kind))
}

/// Records the promise a reply made, with its audit event.
#[allow(clippy::too_many_arguments)]
fn record_promise(
    tx: &Connection,
    m: &Match,
    reading: &Reading,
    date: chrono::NaiveDate,
    invoice: Option<&str>,
    amount: Option<Money>,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let id = store::promises::add(
        tx,
        &m.client.id,
        invoice,
        date,
        amount,
        "reply",
        Some(response_id),
        reading.ambiguous,
        now,
    )?;
    store::events::append(
        tx,
        now,
        Actor::Inbox,
        EventKind::PromiseRecorded,
        Some(&m.client.id),
        invoice,
        serde_json::json!({ "promise": id, "date": date, "amount": amount, "ambiguous": reading.ambiguous }),
    )?;
    Ok(())
}

/// Changes every matched invoice whose status `applies`, with one audit event each.
fn each_invoice(
    tx: &Connection,
    m: &Match,
    applies: impl Fn(InvoiceStatus) -> bool,
    kind: EventKind,
    response_id: i64,
    now: DateTime<Utc>,
    change: impl Fn(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for inv in m.invoices.iter().filter(|i| applies(i.status)) {
        change(&inv.number)?;
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            kind,
            Some(&m.client.id),
            Some(&inv.number),
            serde_json::json!({ "response": response_id }),
        )?;
    }
    Ok(())
}

pub(super) fn money_of(amount: &PromisedAmount, balance: Money) -> Option<Money> {
    match amount {
        PromisedAmount::Money { amount, .. } => Some(Money(*amount)),
        PromisedAmount::Fraction {
            numerator,
            denominator,
        } if *denominator > 0 => Some(Money(
            (balance.0 * rust_decimal::Decimal::from(*numerator)
                / rust_decimal::Decimal::from(*denominator))
            .round_dp(2),
        )),
        PromisedAmount::Fraction { .. } => None,
        PromisedAmount::Remainder => Some(balance),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn queue_ack(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: &Match,
    kind: &str,
    reading: &Reading,
    amount: Option<Money>,
    currency: Option<&str>,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let channel = inc.channel.unwrap_or(Channel::Email);
    let Some(to) = inc.sender.clone() else {
        return Ok(None);
    };
    let today = now.with_timezone(&m.client.time_zone).date_naive();
    // The tone of the message being answered (a reply to the formal notice stays formal).
    let stage = config
        .reminders
        .ladder
        .iter()
        .find(|s| m.outbox.as_ref().is_some_and(|o| o.message.stage == s.name))
        .cloned()
        .unwrap_or_else(|| crate::config::message_stage(kind));
    let invoices: Vec<&Invoice> = m.invoices.iter().collect();
    let payments = crate::engine::interest::payments_stated(tx, &stage, &invoices)?;
    let mut ctx = crate::engine::context::build(
        config,
        &m.client,
        &m.contacts,
        &stage,
        &invoices,
        &payments,
        &[],
        today,
        channel,
    );
    ctx.promise = reading.promised_date.map(|date| render::context::Promise {
        date,
        amount: amount.map(|a| a.0),
        currency: currency.unwrap_or(&config.business.currency).to_owned(),
        ambiguous: reading.ambiguous,
    });
    let rendered = renderer.render_message(kind, crate::engine::render_medium(channel), &ctx)?;
    let key = format!("{}|{kind}|response-{response_id}", m.client.id);
    let message_id = (channel == Channel::Email)
        .then(|| crate::engine::message_id(&config.business.email, &key, now));
    let parent = inc
        .external_id
        .clone()
        .filter(|_| channel == Channel::Email);
    let msg = NewOutboxMessage {
        dedup_key: key,
        client_id: m.client.id.clone(),
        stage: kind.into(),
        cycle: format!("response-{response_id}"),
        channel,
        recipients: vec![to],
        cc: vec![],
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: None,
        message_id,
        in_reply_to: parent.clone().map(|p| bracket(&p)),
        references: parent.map(|p| bracket(&p)),
        send_at: now,
        invoices: m
            .invoices
            .iter()
            .map(|i| (i.number.clone(), false))
            .collect(),
    };
    store::outbox::insert_if_new(tx, &msg, now)
}

fn bracket(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn queue_alert(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: Option<&Match>,
    kind: &str,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    // Alerts about unmatched replies are not about any client: keep them in the review queue
    // (`responses --review`), which `status` counts, rather than in the outbox.
    let Some(m) = m else {
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            EventKind::ReplyNeedsReview,
            None,
            None,
            serde_json::json!({ "response": response_id }),
        )?;
        return Ok(None);
    };
    let invoices: Vec<&Invoice> = m.invoices.iter().collect();
    let alert = crate::engine::OwnerAlertFor {
        client: &m.client,
        contacts: &m.contacts,
        invoices: &invoices,
        kind,
        words: inc.visible_text(),
        cycle: format!("response-{response_id}"),
        // A client's answer, or an email bounce: about a message by email or a client's words.
        telegram: false,
    };
    crate::engine::queue_owner_alert(tx, config, renderer, &alert, now)
}
