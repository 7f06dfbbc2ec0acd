//! The thank-you receipt: when an invoice the client was reminded of is paid, one short message
//! says it arrived and that no more reminders will come for it.
//!
//! Why only after a reminder: a client who paid on time never heard from us and needs no
//! receipt; one who was chased deserves to know the chase is over, and most of all one whose
//! payment crossed with our last reminder (paid the day before it, known the day after), who
//! was told it was still unpaid: the order of the payment and the reminder does not matter.
//! Once per invoice (outbox key `client|receipt|number`), by the channel and to the contacts
//! the last reminder reached, never to a contact who opted out.
//!
//! Which payments are thanked ([`is_news`]): those cobrador learned of in the last
//! [`RECENT_DAYS`] days (`Payment::recorded_at`: when it was imported or typed in), not those
//! *made* in the last days. A bank statement imported three weeks late, or last month's
//! payments in one CSV, still bring the receipt to the client we reminded meanwhile; and a
//! payment recorded long ago never brings one now (turning the feature on thanks nobody for
//! last year). But only for payments made in the last [`OLDEST_DAYS`] days: what a client
//! finds natural is a thank-you for a transfer they remember making; two months on, «hemos
//! recibido su pago» reads as our bookkeeping being late, and such entries are mostly history
//! being loaded (a first import, old statements). A client who was reminded about an invoice
//! paid that long ago and answers «ya pagué» gets the acknowledgement of that reply instead.
//!
//! It is queued for the client's reply hours ([`planner::reply_moment`]); the sender then holds
//! it to the client's contact window like any client message.

use anyhow::Result;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};

use super::context;
use crate::config::{Config, message_stage};
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Invoice, InvoiceStatus, Payment, PaymentKind};
use crate::policy::planner::{self, ClientFile};
use crate::render::Renderer;
use crate::store::{self, NewOutboxMessage, OutboxMessage, OutboxStatus};

/// The outbox stage (and template) of a receipt.
pub const STAGE: &str = "receipt";

/// Payments cobrador learned of more than this many days ago get no receipt.
pub const RECENT_DAYS: u64 = 14;

/// Payments made more than this many days before the client's date get no receipt, however
/// lately they were recorded.
pub const OLDEST_DAYS: u64 = 60;

/// Whether `p` may bring a receipt at `now` (`today` is the client's date then): money
/// received (a discount is not a payment to thank for, nor a payment the bank returned), learned of in the last
/// [`RECENT_DAYS`] days and made in the last [`OLDEST_DAYS`] (see the module docs).
pub fn is_news(p: &Payment, today: NaiveDate, now: DateTime<Utc>) -> bool {
    p.kind == PaymentKind::Payment
        && p.amount.0.is_sign_positive()
        && p.recorded_at >= now - chrono::Duration::days(RECENT_DAYS as i64)
        && p.paid_on >= today - Days::new(OLDEST_DAYS)
}

/// Whether an outbox stage is a reminder about the invoice (not an acknowledgement, an owner
/// message or another receipt).
pub(crate) fn is_reminder(stage: &str) -> bool {
    !stage.starts_with("ack_")
        && !stage.starts_with("owner")
        && !matches!(stage, "handover" | "digest" | STAGE | "plan_confirmation")
}

/// The last reminder delivered about `number`, if any.
fn last_reminder<'a>(file: &'a ClientFile, number: &str) -> Option<&'a OutboxMessage> {
    file.messages
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent && is_reminder(&m.message.stage))
        .filter(|m| m.message.invoices.iter().any(|(n, _)| n == number))
        .max_by_key(|m| m.sent_at)
}

/// The recipients of `reminder` who may still be written to on its channel.
fn still_reachable(file: &ClientFile, reminder: &OutboxMessage) -> Vec<String> {
    reminder
        .message
        .recipients
        .iter()
        .filter(|r| {
            file.contacts.iter().any(|c| {
                !c.opted_out
                    && match reminder.message.channel {
                        Channel::Email => c.email.as_deref() == Some(r.as_str()),
                        Channel::Telegram => {
                            c.telegram_chat_id.map(|t| t.to_string()) == Some((*r).clone())
                        }
                    }
            })
        })
        .cloned()
        .collect()
}

/// Whether `file` may need a receipt at `now` (a payment that [`is_news`] of an invoice now
/// paid that a reminder was about: what [`receipts_for`] asks of each receipt): the planning
/// pass streams clients and keeps only such files (and those with something due).
pub fn may_need_receipt(file: &ClientFile, now: DateTime<Utc>) -> bool {
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    file.payments
        .iter()
        .filter(|p| is_news(p, today, now))
        .any(|p| {
            file.invoices
                .iter()
                .any(|i| i.number == p.invoice_number && i.status == InvoiceStatus::Paid)
                && last_reminder(file, &p.invoice_number).is_some()
        })
}

/// A receipt rendered for a client, to queue with [`queue_receipt`].
#[derive(Debug, Clone)]
pub struct PendingReceipt {
    /// The paid invoices it thanks for (one audit event each).
    pub invoices: Vec<String>,
    /// The outbox row.
    pub message: NewOutboxMessage,
}

/// The receipts due at `now` for one client, rendered (keys already queued are skipped):
/// one message for the invoices whose reminders reached the same recipients (two invoices
/// paid together were thanked in two messages in the same minute), on a day that has no
/// other message to the client (`also_today`: the client-facing messages this pass queues
/// for it; one message per client per local day, like the reminders).
pub fn receipts_for(
    tx: &rusqlite::Connection,
    config: &Config,
    renderer: &Renderer,
    file: &ClientFile,
    also_today: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Result<Vec<PendingReceipt>> {
    let mut out = Vec::new();
    if !config.reminders.receipts {
        return Ok(out);
    }
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    // (reminder, recipients, invoices): the receipts to write, grouped.
    let mut groups: Vec<(&OutboxMessage, Vec<String>, Vec<&Invoice>)> = Vec::new();
    for invoice in file
        .invoices
        .iter()
        .filter(|i| i.status == InvoiceStatus::Paid)
    {
        let Some(reminder) = last_reminder(file, &invoice.number) else {
            continue;
        };
        // Whatever the order of the payment and the reminder: a client who paid just before
        // our last reminder, and was told it was still unpaid, needs the receipt most.
        let news = file
            .payments
            .iter()
            .any(|p| p.invoice_number == invoice.number && is_news(p, today, now));
        if !news || thanked(tx, file, &invoice.number)? {
            continue;
        }
        let recipients = still_reachable(file, reminder);
        if recipients.is_empty() {
            continue;
        }
        // A discount taken is said of its own invoice: that receipt goes alone.
        let alone = discount_taken(&file.payments, invoice).is_some();
        match groups.iter_mut().find(|(r, to, invoices)| {
            !alone
                && r.message.channel == reminder.message.channel
                && *to == recipients
                && invoices
                    .iter()
                    .all(|i| discount_taken(&file.payments, i).is_none())
        }) {
            Some((_, _, invoices)) => invoices.push(invoice),
            None => groups.push((reminder, recipients, vec![invoice])),
        }
    }
    let send_at = free_moment(file, also_today, now);
    // The sender holds it until the client's contact window: it greets for then.
    let goes = if groups.is_empty() {
        send_at
    } else {
        context::first_moment(tx, config, &file.client, send_at)
    };
    for (reminder, recipients, invoices) in groups {
        let numbers: Vec<&str> = invoices.iter().map(|i| i.number.as_str()).collect();
        let key = format!("{}|{STAGE}|{}", file.client.id, numbers.join("+"));
        let message = render(
            config,
            renderer,
            file,
            &invoices,
            reminder,
            recipients,
            key,
            now,
            (send_at, goes),
        )?;
        out.push(PendingReceipt {
            invoices: numbers.iter().map(|n| (*n).to_owned()).collect(),
            message,
        });
    }
    Ok(out)
}

/// Whether a receipt for `number` was already queued: its own key (`client|receipt|number`),
/// or a receipt of several invoices that listed it.
fn thanked(tx: &rusqlite::Connection, file: &ClientFile, number: &str) -> Result<bool> {
    let key = format!("{}|{STAGE}|{number}", file.client.id);
    Ok(store::outbox::key_exists(tx, &key)?
        || file.messages.iter().any(|m| {
            m.message.stage == STAGE
                && !matches!(m.status, OutboxStatus::Dead | OutboxStatus::Cancelled)
                && m.message.invoices.iter().any(|(n, _)| n == number)
        }))
}

/// When a receipt may go: at once in the client's reply hours, but not on a local day that
/// already has a message to the client (sent, waiting, or queued by this pass: `also_today`);
/// then at the opening of the reply hours of the next day without one.
fn free_moment(
    file: &ClientFile,
    also_today: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let tz = file.client.time_zone;
    // A message still waiting whose moment has come goes with this pass, today, whatever day
    // it was queued for (an acknowledgement queued by yesterday evening's `inbox check` goes
    // with this morning's tick: the receipt went beside it).
    let waiting_now = file.messages.iter().any(|m| {
        planner::is_client_facing(&m.message.stage)
            && matches!(
                m.status,
                OutboxStatus::Queued | OutboxStatus::Failed | OutboxStatus::Sending
            )
            && m.message.send_at <= now
    });
    let taken: Vec<NaiveDate> = planner::recent_contact_days(&file.messages, tz)
        .into_iter()
        .chain(also_today.iter().map(|t| t.with_timezone(&tz).date_naive()))
        .chain(waiting_now.then(|| now.with_timezone(&tz).date_naive()))
        .collect();
    let mut at = planner::reply_moment(now, tz).max(now);
    for _ in 0..30 {
        let day = at.with_timezone(&tz).date_naive();
        if !taken.contains(&day) {
            break;
        }
        let next = day + Days::new(1);
        let Some(start) = next
            .and_hms_opt(0, 0, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
        else {
            break;
        };
        at = planner::reply_moment(start.with_timezone(&Utc), tz);
    }
    at
}

/// Queues a rendered receipt with its audit events (one per invoice thanked); its outbox id,
/// or `None` when its key was taken.
pub fn queue_receipt(
    tx: &rusqlite::Connection,
    receipt: &PendingReceipt,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let Some(id) = store::outbox::insert_if_new(tx, &receipt.message, now)? else {
        return Ok(None);
    };
    for invoice in &receipt.invoices {
        store::events::append(
            tx,
            now,
            Actor::Planner,
            EventKind::ReceiptQueued,
            Some(&receipt.message.client_id),
            Some(invoice),
            serde_json::json!({ "outbox": id }),
        )?;
    }
    Ok(Some(id))
}

/// The prompt-payment discount the client took on `invoice`, for the receipt to say so: the
/// payments of kind discount (whose reference is the offer's description, see
/// `store::invoices`), with the total the client paid and the day it was taken (`taken_on`; the
/// offer's last day is not at hand here, and a receipt has no use for it).
fn discount_taken(
    payments: &[Payment],
    invoice: &Invoice,
) -> Option<crate::render::context::Discount> {
    let taken: Vec<_> = payments
        .iter()
        .filter(|p| p.invoice_number == invoice.number && p.kind == PaymentKind::Discount)
        .collect();
    let last = taken.last()?;
    let amount: rust_decimal::Decimal = taken.iter().map(|p| p.amount.0).sum();
    Some(crate::render::context::Discount {
        description: last
            .reference
            .clone()
            .unwrap_or_else(|| "un descuento por pronto pago".to_owned()),
        currency: invoice.currency.clone(),
        amount,
        discounted_total: invoice.amount.0 - amount,
        valid_until: None,
        taken_on: Some(last.paid_on),
        only_of: None,
        only_of_count: 0,
    })
}

#[allow(clippy::too_many_arguments)]
fn render(
    config: &Config,
    renderer: &Renderer,
    file: &ClientFile,
    invoices: &[&Invoice],
    reminder: &OutboxMessage,
    recipients: Vec<String>,
    key: String,
    now: DateTime<Utc>,
    (send_at, goes): (DateTime<Utc>, DateTime<Utc>),
) -> Result<NewOutboxMessage> {
    let channel = reminder.message.channel;
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let stage = message_stage(STAGE);
    let mut ctx = context::build(
        config,
        &file.client,
        &file.contacts,
        &stage,
        invoices,
        &file.payments,
        &[],
        today,
        channel,
    );
    ctx.part_of_day = context::part_of_day(&file.client, goes);
    ctx.discount = match invoices {
        [one] => discount_taken(&file.payments, one),
        _ => None,
    };
    let rendered = renderer.render_message(STAGE, super::render_medium(channel), &ctx)?;
    let email = channel == Channel::Email;
    // A receipt answers the reminders: it threads under the last one.
    let (in_reply_to, references) = if email {
        (
            reminder.message.message_id.clone(),
            reminder
                .message
                .references
                .as_ref()
                .map(|r| {
                    format!(
                        "{r} {}",
                        reminder.message.message_id.clone().unwrap_or_default()
                    )
                })
                .or_else(|| reminder.message.message_id.clone()),
        )
    } else {
        (None, None)
    };
    Ok(NewOutboxMessage {
        message_id: email.then(|| super::message_id(&config.business.email, &key, now)),
        dedup_key: key,
        client_id: file.client.id.clone(),
        stage: STAGE.into(),
        cycle: invoices
            .first()
            .map(|i| i.number.clone())
            .unwrap_or_default(),
        channel,
        recipients,
        cc: vec![],
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: None,
        in_reply_to,
        references,
        send_at,
        invoices: invoices.iter().map(|i| (i.number.clone(), false)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Money;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    /// The receipt of an invoice settled with a prompt-payment discount names the day the
    /// discount was taken as such, not as the offer's last day.
    #[test]
    fn a_discount_taken_carries_the_day_it_was_taken() {
        let money = |s: &str| s.parse::<Money>().unwrap();
        let invoice = Invoice {
            number: "F1".into(),
            client_id: "C1".into(),
            issue_date: day("2026-10-01"),
            due_date: day("2026-11-01"),
            currency: "EUR".into(),
            amount: money("1000.00"),
            paid: money("1000.00"),
            balance: money("0.00"),
            status: InvoiceStatus::Paid,
            paid_claimed_on: None,
            returned: None,
            pdf_path: None,
            description: None,
        };
        let payment = |id, amount: &str, kind, reference: &str| Payment {
            id,
            invoice_number: "F1".into(),
            paid_on: day("2026-11-20"),
            amount: money(amount),
            reference: Some(reference.to_owned()),
            kind,
            recorded_at: "2026-11-20T16:00:00Z".parse().unwrap(),
        };
        let payments = [
            payment(1, "980.00", PaymentKind::Payment, "TR1"),
            payment(2, "20.00", PaymentKind::Discount, "un descuento del 2 %"),
        ];
        let taken = discount_taken(&payments, &invoice).unwrap();
        let json = serde_json::to_value(&taken).unwrap();
        assert_eq!(json["description"], "un descuento del 2 %");
        assert_eq!(json["amount"], "20.00");
        assert_eq!(json["discounted_total"], "980.00");
        assert_eq!(json["taken_on"], "2026-11-20", "{json}");
        assert!(json["valid_until"].is_null(), "not an offer: {json}");
    }
}
