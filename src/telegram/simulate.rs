//! Button presses without a Bot API server, for the demo: the update a press would bring is
//! built here and goes through exactly the code the poller runs ([`super::conversation`]).

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::conversation::{self, Env};
use crate::channel::telegram::api::Update;
use crate::channel::telegram::buttons::{Callback, Press};
use crate::config::Config;
use crate::domain::Channel;
use crate::render::Renderer;
use crate::store::{self, OutboxStatus, Store};

/// The client of `chat` answers our last Telegram message to it with "Pagaré el…" and then
/// the `nth` business day offered (0 = the first). Returns what was pressed and the outcome.
pub fn press_day(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    chat: i64,
    nth: usize,
    update_id: i64,
    now: DateTime<Utc>,
) -> Result<String> {
    let (client_id, _) = store::telegram::linked_client(store.conn(), chat)?
        .with_context(|| format!("chat {chat} is not linked to a client"))?;
    let client = store::clients::get(store.conn(), &client_id)?
        .with_context(|| format!("there is no client {client_id}"))?;
    let last = store::outbox::for_client(store.conn(), &client_id)?
        .into_iter()
        .rfind(|m| m.status == OutboxStatus::Sent && m.message.channel == Channel::Telegram)
        .with_context(|| format!("nothing was sent to chat {chat} by Telegram"))?;
    let today = now.with_timezone(&client.time_zone).date_naive();
    let offered = crate::channel::telegram::buttons::business_days(today, 4, None);
    let date = *offered
        .get(nth)
        .with_context(|| format!("only {} days are offered", offered.len()))?;
    let data = Callback {
        press: Press::Day(date),
        outbox_id: last.id,
    }
    .data();
    let update: Update = serde_json::from_value(json!({
        "update_id": update_id,
        "callback_query": {
            "id": format!("demo-{update_id}"),
            "from": { "id": chat, "is_bot": false, "first_name": client.name },
            "message": {
                "message_id": last.telegram_message_id.unwrap_or(0),
                "date": 0,
                "chat": { "id": chat, "type": "private" },
            },
            "chat_instance": format!("demo-{chat}"),
            "data": data,
        }
    }))?;
    let env = Env { config, renderer };
    let handled = store.transaction(|tx| {
        let h = conversation::handle(tx, &env, &update, now)?;
        store::telegram::record_update(tx, update_id, h.chat, h.kind, h.outcome.as_str(), now)?;
        Ok(h)
    })?;
    Ok(format!(
        "pressed «Pagaré el…» then «{}» on Telegram → {}",
        crate::render::dates::date_day(date, today),
        handled.outcome
    ))
}
