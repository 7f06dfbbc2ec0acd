//! Button presses: checked against the chat's own client, then shown a date picker, asked for
//! a date, or turned into the words they stand for and applied like a typed answer.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::conversation::{
    Action, Env, Handled, Outcome, Said, ask_date, event, linked, next_days, not_linked_text,
    refuse, refused_text, send, words, words_of,
};
use crate::channel::telegram::api::CallbackQuery;
use crate::channel::telegram::buttons::{self, Callback, Press};
use crate::domain::{EventKind, InvoiceStatus};
use crate::store;

/// How long a «¿Qué día pagará?» stands for its message: «Otra fecha» pressed again under it
/// meanwhile, unanswered, asks nothing new.
const ASKED_DAY_FOR: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Decides what a press does (inside the update's transaction).
pub(super) fn handle(
    tx: &Connection,
    env: &Env<'_>,
    q: &CallbackQuery,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let chat = q.message.as_ref().map(|m| m.chat.id).unwrap_or(q.from.id);
    let answer = |text: &str| Action::Answer {
        id: q.id.clone(),
        text: text.to_owned(),
    };
    let mut h = Handled {
        kind: "callback_query",
        chat: Some(chat),
        outcome: Outcome::Ignored,
        actions: vec![],
    };
    let Some(who) = linked(tx, chat)? else {
        event(
            tx,
            now,
            EventKind::TelegramRefused,
            None,
            json!({ "chat": chat, "data": q.data, "why": "the chat is not linked to a client" }),
        )?;
        h.outcome = Outcome::NotLinked;
        h.actions
            .push(answer("Este chat no está vinculado a ningún cliente."));
        h.actions
            .push(send(chat, not_linked_text(env.config), None));
        return Ok(h);
    };
    let Some(cb) = q.data.as_deref().and_then(Callback::parse) else {
        h.outcome = Outcome::UnknownButton;
        h.actions.push(answer("Este botón ya no está disponible."));
        return Ok(h);
    };
    let pressed_on = match cb.outbox_id {
        0 => None,
        id => store::outbox::get(tx, id)?,
    };
    if cb.outbox_id != 0 {
        let owner = pressed_on.as_ref().map(|m| m.message.client_id.as_str());
        if owner != Some(who.client.id.as_str()) {
            refuse(
                tx,
                &who,
                &[format!("outbox {}", cb.outbox_id)],
                now,
                "a button for a message to another client",
            )?;
            h.outcome = Outcome::Refused;
            h.actions
                .push(answer("No puedo hacer eso desde este chat."));
            h.actions.push(send(chat, refused_text(&who), None));
            return Ok(h);
        }
    }
    let message_id = q.message.as_ref().map(|m| m.message_id);
    // The buttons of a reminder stay under it after its invoices are paid: a press then is
    // stale. Told so, its keyboard removed, nothing recorded (a promise to pay what is paid
    // would be "kept" by nothing). Asking for a person is never stale.
    if cb.press != Press::Human
        && let Some(sent) = &pressed_on
        && let Some(notice) = settled(tx, &sent.message.invoices)?
    {
        h.outcome = Outcome::Settled;
        h.actions.push(answer(notice));
        if let Some(message_id) = message_id {
            h.actions.push(Action::Edit {
                chat,
                message_id,
                markup: None,
            });
        }
        return Ok(h);
    }
    let today = who.today(now);
    let outbox = (cb.outbox_id != 0).then_some(cb.outbox_id);
    match cb.press {
        Press::When | Press::Change => {
            h.outcome = Outcome::Picker;
            h.actions.push(answer(""));
            // A day typed instead of tapped answers this question (not asked back again).
            // Stored as message 0: a tap on «Otra fecha» of this message still asks in words.
            store::telegram::set_asked_day(tx, chat, Some((0, now)))?;
            let days = next_days(env.config, &who, today);
            match message_id {
                Some(message_id) => h.actions.push(Action::Edit {
                    chat,
                    message_id,
                    markup: Some(buttons::date_picker(cb.outbox_id, today, None, &days)),
                }),
                None => h
                    .actions
                    .push(ask_date(env.config, &who, cb.outbox_id, today, None)),
            }
        }
        Press::OtherDay => {
            h.actions.push(answer(""));
            // A double tap (or a tap again while the first prompt is on its way) asks once.
            let mid = message_id.unwrap_or(0);
            if store::telegram::asked_day(tx, chat)?
                .is_some_and(|(asked, at)| asked == mid && now - at < ASKED_DAY_FOR)
            {
                h.outcome = Outcome::Duplicate;
                return Ok(h);
            }
            store::telegram::set_asked_day(tx, chat, Some((mid, now)))?;
            h.outcome = Outcome::AskedDate;
            let text = format!(
                "¿Qué día {}? {} aquí, por ejemplo «el viernes» o «15/12».",
                who.u("pagará", "pagarás"),
                who.u("Escríbalo", "Escríbelo")
            );
            h.actions
                .push(send(chat, text, Some(buttons::force_reply())));
        }
        Press::Day(d) if d < today => {
            h.outcome = Outcome::PastDate;
            h.actions.push(answer("Ese día ya ha pasado."));
            h.actions
                .push(ask_date(env.config, &who, cb.outbox_id, today, None));
        }
        press => {
            let text = words_of(press).unwrap_or_default();
            // Two taps on the same button of the same message are one answer, though each tap
            // is a callback query of its own id (a double tap, or a tap again while the
            // spinner turns).
            let external_id = match message_id {
                Some(mid) => format!(
                    "telegram:press:{chat}:{mid}:{}",
                    q.data.as_deref().unwrap_or_default()
                ),
                None => format!("telegram:cb:{}", q.id),
            };
            let said = Said {
                text: &text,
                answering: outbox,
                external_id: &external_id,
                forwarded: false,
                with_file: false,
            };
            let mut inner = words(tx, env, &who, &said, now)?;
            inner.kind = "callback_query";
            let notice = match (inner.outcome, press) {
                (Outcome::Applied, Press::Paid) => "Gracias: lo comprobaremos.",
                (Outcome::Applied, Press::Day(_)) => "Anotado.",
                (Outcome::Applied, Press::Plan) => "Recibido.",
                (Outcome::Applied, _) => "Avisado.",
                _ => "",
            };
            inner.actions.insert(0, answer(notice));
            if inner.outcome == Outcome::Applied
                && let Some(message_id) = message_id
            {
                // The answer is recorded: the buttons under that message have done their job.
                inner.actions.push(Action::Edit {
                    chat,
                    message_id,
                    markup: None,
                });
            }
            return Ok(inner);
        }
    }
    Ok(h)
}

/// What a press on a message about `invoices` is told when none of them is owed any more.
fn settled(tx: &Connection, invoices: &[(String, bool)]) -> Result<Option<&'static str>> {
    let mut statuses = Vec::with_capacity(invoices.len());
    for (number, _) in invoices {
        match store::invoices::get(tx, number)? {
            Some(invoice) => statuses.push(invoice.status),
            None => return Ok(None),
        }
    }
    if statuses.is_empty() || !statuses.iter().all(|s| s.is_closed()) {
        return Ok(None);
    }
    let paid = statuses.iter().all(|s| *s == InvoiceStatus::Paid);
    Ok(Some(match (statuses.len(), paid) {
        (1, true) => "Esta factura ya está pagada: no hace falta hacer nada.",
        (_, true) => "Estas facturas ya están pagadas: no hace falta hacer nada.",
        (1, false) => "Esta factura ya no está pendiente: no hace falta hacer nada.",
        (_, false) => "Estas facturas ya no están pendientes: no hace falta hacer nada.",
    }))
}
