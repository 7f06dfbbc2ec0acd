//! Button presses: checked against the chat's own client, then shown a date picker, asked for
//! a date, or turned into the words they stand for and applied like a typed answer.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::conversation::{
    Action, Env, Handled, Outcome, ask_date, event, linked, next_days, not_linked_text, refuse,
    refused_text, send, words, words_of,
};
use crate::channel::telegram::api::CallbackQuery;
use crate::channel::telegram::buttons::{self, Callback, Press};
use crate::domain::EventKind;
use crate::store;

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
    if cb.outbox_id != 0 {
        let owner = store::outbox::get(tx, cb.outbox_id)?.map(|m| m.message.client_id);
        if owner.as_deref() != Some(who.client.id.as_str()) {
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
    let today = who.today(now);
    let outbox = (cb.outbox_id != 0).then_some(cb.outbox_id);
    match cb.press {
        Press::When | Press::Change => {
            h.outcome = Outcome::Picker;
            h.actions.push(answer(""));
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
            h.outcome = Outcome::AskedDate;
            h.actions.push(answer(""));
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
            let mut inner = words(tx, env, &who, &text, outbox, &external_id, now)?;
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
