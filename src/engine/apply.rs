//! Applying a client's reply: match it to a client and our messages, understand it, record it,
//! change course, and queue the acknowledgement and the owner's alert, all in one transaction.
//!
//! Matching order: In-Reply-To/References to our Message-IDs, then an invoice number in the
//! subject or text, then the sender's address (or Telegram chat). A reply that cannot be
//! matched, or that a person must answer (a question, something not understood, a promise
//! without a date), is stored as `needs_review` and the owner is told. Nothing is lost.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::config::Config;
use crate::domain::{Channel, Client, Contact, Invoice, InvoiceStatus, Money};
use crate::render::{self, Renderer};
use crate::store::{self, NewOutboxMessage, NewResponse, OutboxMessage, Store};
use crate::understand::{Intent, PromisedAmount, Reading, understand};

/// A reply as it arrived.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// `email` or `telegram`.
    pub channel: Option<Channel>,
    /// Message-ID (email) or `telegram:<chat>:<message>`: makes re-reading idempotent.
    pub external_id: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Sender address, or the Telegram chat id.
    pub sender: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// Text as received (quotes and signature included: `understand` strips them).
    pub body: String,
    /// In-Reply-To and References, bare or in angle brackets.
    pub references: Vec<String>,
    /// Marked automatic by its headers (RFC 3834 Auto-Submitted, bounces).
    pub automatic: bool,
}

/// What applying a reply did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// The stored response.
    pub response_id: i64,
    /// Matched client.
    pub client: Option<String>,
    /// Understood intent.
    pub intent: String,
    /// `applied` or `needs_review`.
    pub status: String,
    /// Invoices concerned.
    pub invoices: Vec<String>,
    /// One line for the owner: what changed.
    pub effect: String,
    /// The acknowledgement queued, if any.
    pub ack: Option<i64>,
    /// The owner alert queued, if any.
    pub alert: Option<i64>,
}

/// Who and what a reply is about.
struct Match {
    client: Client,
    contacts: Vec<Contact>,
    outbox: Option<OutboxMessage>,
    invoices: Vec<Invoice>,
}

fn find_match(conn: &Connection, inc: &Incoming) -> anyhow::Result<Option<Match>> {
    let mut outbox = None;
    for r in inc.references.iter().rev() {
        if let Some(m) = store::outbox::by_message_id(conn, r)? {
            outbox = Some(m);
            break;
        }
    }
    let all_invoices = store::invoices::list(conn, None)?;
    let text = format!("{} {}", inc.subject.as_deref().unwrap_or(""), inc.body);
    let mentioned: Vec<&Invoice> = all_invoices
        .iter()
        .filter(|i| mentions(&text, &i.number))
        .collect();
    let client_id = if let Some(m) = &outbox {
        Some(m.message.client_id.clone())
    } else if let Some(first) = mentioned.first() {
        Some(first.client_id.clone())
    } else if let Some(sender) = &inc.sender {
        let contacts = store::clients::all_contacts(conn)?;
        contacts
            .iter()
            .find(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(sender))
                    || c.telegram_chat_id.is_some_and(|t| t.to_string() == *sender)
            })
            .map(|c| c.client_id.clone())
    } else {
        None
    };
    let Some(client_id) = client_id else {
        return Ok(None);
    };
    let Some(client) = store::clients::get(conn, &client_id)? else {
        return Ok(None);
    };
    let mine: Vec<Invoice> = all_invoices
        .iter()
        .filter(|i| i.client_id == client_id)
        .cloned()
        .collect();
    let open: Vec<Invoice> = mine
        .iter()
        .filter(|i| !i.status.is_closed())
        .cloned()
        .collect();
    let named: Vec<Invoice> = mentioned
        .iter()
        .filter(|i| i.client_id == client_id)
        .map(|i| (*i).clone())
        .collect();
    let invoices = if !named.is_empty() {
        named
    } else if let Some(m) = &outbox {
        open.iter()
            .filter(|i| m.message.invoices.iter().any(|(n, _)| *n == i.number))
            .cloned()
            .collect()
    } else {
        open
    };
    Ok(Some(Match {
        contacts: store::clients::for_client(conn, &client_id)?,
        client,
        outbox,
        invoices,
    }))
}

/// Whether `text` names invoice `number` as a whole word (F-1 is not F-10).
fn mentions(text: &str, number: &str) -> bool {
    let lower = text.to_lowercase();
    let needle = number.to_lowercase();
    lower.match_indices(&needle).any(|(pos, _)| {
        let before = lower[..pos].chars().next_back();
        let after = lower[pos + needle.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/')
    })
}

/// Records, understands and acts on one reply. Returns `None` if it was already applied.
pub fn apply_reply(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    store.transaction(|tx| apply_in(tx, config, renderer, inc, now))
}

fn apply_in(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let matched = find_match(tx, inc)?;
    let tz = matched
        .as_ref()
        .map(|m| m.client.time_zone)
        .unwrap_or(config.business.time_zone);
    let mut reading = understand(&inc.body, inc.received_at, tz);
    if inc.automatic {
        reading.intent = Intent::AutoReply;
    } else if inc
        .subject
        .as_deref()
        .is_some_and(crate::channel::email::is_unsubscribe_subject)
    {
        // The List-Unsubscribe mailto link: a subject of "BAJA <client>", usually no text.
        reading.intent = Intent::Stop;
        reading
            .evidence
            .push(inc.subject.clone().unwrap_or_default());
    }
    let numbers: Vec<String> = matched
        .as_ref()
        .map(|m| m.invoices.iter().map(|i| i.number.clone()).collect())
        .unwrap_or_default();
    let currency = matched
        .as_ref()
        .and_then(|m| m.invoices.first())
        .map(|i| i.currency.clone());
    let balance: Money = matched
        .as_ref()
        .map(|m| m.invoices.iter().map(|i| i.balance).sum())
        .unwrap_or_default();
    let promised_amount = reading
        .promised_amount
        .as_ref()
        .and_then(|a| money_of(a, balance));
    let (status, effect) = decide(&reading, matched.is_some(), numbers.is_empty());
    let channel = inc.channel.unwrap_or(Channel::Email);
    let response = NewResponse {
        client_id: matched.as_ref().map(|m| m.client.id.clone()),
        outbox_id: matched
            .as_ref()
            .and_then(|m| m.outbox.as_ref().map(|o| o.id)),
        channel: channel.as_str().into(),
        external_id: inc.external_id.clone(),
        received_at: inc.received_at,
        sender: inc.sender.clone(),
        subject: inc.subject.clone(),
        body: inc.body.clone(),
        intent: reading.intent.as_str().into(),
        promised_date: reading.promised_date,
        promised_amount,
        ambiguous: reading.ambiguous,
        evidence: reading.evidence.clone(),
        status: status.into(),
        invoices: numbers.clone(),
    };
    let Some(response_id) = store::responses::insert_if_new(tx, &response, now)? else {
        return Ok(None);
    };
    let client_id = response.client_id.clone();
    store::events::append(
        tx,
        now,
        "inbox",
        "reply.received",
        client_id.as_deref(),
        None,
        serde_json::json!({ "response": response_id, "intent": response.intent, "status": status,
                            "promised_date": reading.promised_date, "evidence": reading.evidence }),
    )?;
    let mut applied = Applied {
        response_id,
        client: client_id.clone(),
        intent: response.intent.clone(),
        status: status.into(),
        invoices: numbers.clone(),
        effect: effect.into(),
        ack: None,
        alert: None,
    };
    let Some(m) = matched else {
        applied.alert = queue_alert(
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
    let today = inc
        .received_at
        .with_timezone(&m.client.time_zone)
        .date_naive();
    let single = (m.invoices.len() == 1).then(|| m.invoices[0].number.clone());
    let mut ack_kind = None;
    let mut alert_kind = None;
    match reading.intent {
        Intent::Promise if reading.promised_date.is_some() => {
            let date = reading.promised_date.unwrap_or(today);
            let id = store::promises::add(
                tx,
                &m.client.id,
                single.as_deref(),
                date,
                promised_amount,
                "reply",
                Some(response_id),
                reading.ambiguous,
                now,
            )?;
            store::events::append(
                tx,
                now,
                "inbox",
                "promise.recorded",
                Some(&m.client.id),
                single.as_deref(),
                serde_json::json!({ "promise": id, "date": date, "amount": promised_amount, "ambiguous": reading.ambiguous }),
            )?;
            ack_kind = Some("ack_promise");
        }
        Intent::Paid => {
            for inv in m
                .invoices
                .iter()
                .filter(|i| i.status == InvoiceStatus::Open)
            {
                store::invoices::set_paid_claim(tx, &inv.number, Some(today), now)?;
                store::events::append(
                    tx,
                    now,
                    "inbox",
                    "invoice.paid_claimed",
                    Some(&m.client.id),
                    Some(&inv.number),
                    serde_json::json!({ "response": response_id }),
                )?;
            }
            ack_kind = Some("ack_paid");
            alert_kind = Some("paid");
            // Checked against the bank credits already imported before a person is asked.
            if crate::bank::confirm_claims(tx, &m.client.id, now)? {
                alert_kind = None;
            }
        }
        Intent::Dispute => {
            for inv in m
                .invoices
                .iter()
                .filter(|i| matches!(i.status, InvoiceStatus::Open | InvoiceStatus::OnHold))
            {
                store::invoices::set_status(tx, &inv.number, InvoiceStatus::Disputed, now)?;
                store::events::append(
                    tx,
                    now,
                    "inbox",
                    "invoice.disputed",
                    Some(&m.client.id),
                    Some(&inv.number),
                    serde_json::json!({ "response": response_id }),
                )?;
            }
            ack_kind = Some("ack_dispute");
            alert_kind = Some("dispute");
        }
        Intent::Plan => {
            // Reminders wait while a person prepares the payment calendar.
            for inv in m
                .invoices
                .iter()
                .filter(|i| i.status == InvoiceStatus::Open)
            {
                store::invoices::set_status(tx, &inv.number, InvoiceStatus::OnHold, now)?;
                store::events::append(
                    tx,
                    now,
                    "inbox",
                    "invoice.held_for_plan",
                    Some(&m.client.id),
                    Some(&inv.number),
                    serde_json::json!({ "response": response_id }),
                )?;
            }
            ack_kind = Some("ack_plan");
            alert_kind = Some("plan");
        }
        Intent::Stop => {
            store::clients::set_opt_out(tx, &m.client.id, true)?;
            store::events::append(
                tx,
                now,
                "inbox",
                "client.opted_out",
                Some(&m.client.id),
                None,
                serde_json::json!({ "response": response_id }),
            )?;
            ack_kind = Some("ack_stop");
            alert_kind = Some("stop");
        }
        Intent::AutoReply => {}
        Intent::Promise | Intent::Question | Intent::Other => alert_kind = Some("needs_review"),
    }
    if let Some(kind) = ack_kind {
        applied.ack = queue_ack(
            tx,
            config,
            renderer,
            &m,
            kind,
            &reading,
            promised_amount,
            currency.as_deref(),
            inc,
            response_id,
            now,
        )?;
    }
    if let Some(kind) = alert_kind {
        applied.alert = queue_alert(tx, config, renderer, Some(&m), kind, inc, response_id, now)?;
    }
    Ok(Some(applied))
}

/// `applied` or `needs_review`, and a line for the owner.
fn decide(reading: &Reading, matched: bool, no_invoice: bool) -> (&'static str, &'static str) {
    if !matched {
        return (
            "needs_review",
            "not matched to a client: a person must read it",
        );
    }
    match reading.intent {
        Intent::Promise if reading.promised_date.is_some() => (
            "applied",
            "promise recorded: reminders paused until its date",
        ),
        Intent::Promise => (
            "needs_review",
            "promise without a date: a person should agree one",
        ),
        Intent::Paid if !no_invoice => (
            "applied",
            "payment claimed: reminders stopped until the bank is checked",
        ),
        Intent::Dispute if !no_invoice => ("applied", "dispute: reminders stopped, owner alerted"),
        Intent::Plan if !no_invoice => ("applied", "plan requested: reminders held, owner alerted"),
        Intent::Stop => ("applied", "opted out of automatic reminders"),
        Intent::AutoReply => ("applied", "automatic reply: ignored"),
        _ => ("needs_review", "a person must answer it"),
    }
}

fn money_of(amount: &PromisedAmount, balance: Money) -> Option<Money> {
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
fn queue_ack(
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
    let mut ctx = super::context::build(
        config,
        &m.client,
        &m.contacts,
        &stage,
        &invoices,
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
    let rendered = renderer.render_message(kind, super::render_channel(channel), &ctx)?;
    let key = format!("{}|{kind}|response-{response_id}", m.client.id);
    let message_id =
        (channel == Channel::Email).then(|| super::message_id(&config.business.email, &key, now));
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
fn queue_alert(
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
            "inbox",
            "reply.needs_review",
            None,
            None,
            serde_json::json!({ "response": response_id }),
        )?;
        return Ok(None);
    };
    let invoices: Vec<&Invoice> = m.invoices.iter().collect();
    let alert = super::OwnerAlertFor {
        client: &m.client,
        contacts: &m.contacts,
        invoices: &invoices,
        kind,
        words: crate::understand::strip_quotes_and_signature(&inc.body),
        cycle: format!("response-{response_id}"),
    };
    super::queue_owner_alert(tx, config, renderer, &alert, now)
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn invoice_numbers_match_whole_words_only() {
        assert!(mentions("Sobre la factura F-1, ya pagué", "F-1"));
        assert!(!mentions("Sobre la factura F-10, ya pagué", "F-1"));
        assert!(mentions("re: F2026-101", "f2026-101"));
        assert!(!mentions("AF2026-101", "F2026-101"));
    }
}
