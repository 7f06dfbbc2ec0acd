//! What the bot does with one update, decided inside the update's transaction.
//!
//! The decision and every change it makes (a link, a promise, an acknowledgement queued in
//! the outbox) are committed together with the update's id, so an update is applied at most
//! once. The bot's immediate answers (a greeting, the date picker, a button's notice) are
//! returned as [`Action`]s; the poller queues them in the same transaction
//! ([`super::answers`]), so a crash after the commit delays them, and never repeats an effect.
//!
//! Every answer of the client, typed or pressed, goes through [`crate::understand`] and
//! [`crate::engine::apply`], scoped to the chat's own client: a button press is turned into
//! the words it stands for ("Pagaré el 04/12/2026."). A promise whose date is missing or
//! ambiguous is asked back with buttons, never guessed.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::channel::telegram::api::Update;
use crate::channel::telegram::buttons::{self, Press};
use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Client};
use crate::engine::apply::{self, Incoming, Scope};
use crate::engine::matcher;
use crate::render::dates::{date_day, date_short};
use crate::render::{Renderer, telegram_escape as esc};
use crate::store;
use crate::understand::{Intent, understand};

const ACTOR: Actor = Actor::Telegram;

/// Something the bot says right away: a button's answer after the update's transaction
/// commits, the rest queued in it (see [`super::answers`], which stores it as JSON).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Action {
    /// `sendMessage` (Telegram HTML).
    Send {
        /// The chat.
        chat: i64,
        /// The text.
        html: String,
        /// Buttons or ForceReply.
        markup: Option<Value>,
    },
    /// `forwardMessage`: a client's photo or file, into the owner's chat; then, to the client,
    /// `done` when it went (if any), or `failed` when it did not (and `failed_owner` to the
    /// owner).
    Forward {
        /// The owner's chat.
        to: i64,
        /// The client's chat.
        from: i64,
        /// The client's message.
        message_id: i64,
        /// What the client is told once it is forwarded (none when its words were answered).
        done: Option<String>,
        /// What the client is told if it could not be forwarded.
        failed: String,
        /// What the owner is told then (after the line announcing it).
        failed_owner: String,
    },
    /// `answerCallbackQuery` with a short notice.
    Answer {
        /// The callback query.
        id: String,
        /// The notice.
        text: String,
    },
    /// `editMessageReplyMarkup`: new buttons, or none.
    Edit {
        /// The chat.
        chat: i64,
        /// Our message.
        message_id: i64,
        /// The new keyboard; `None` removes it.
        markup: Option<Value>,
    },
}

crate::domain::vocabulary! {
    /// What one Telegram update came to: logged, stored with the update
    /// (`telegram_updates.outcome`) and reported by `telegram poll`.
    #[derive(Default)]
    pub enum Outcome ("Telegram update outcome") {
        /// The answer was understood and applied.
        Applied => "applied",
        /// Not clear enough: the client was asked back.
        AskedBack => "asked_back",
        /// «Otra fecha»: the client was asked for a date.
        AskedDate => "asked_date",
        /// The user blocked the bot: the chat is unreachable.
        Blocked => "blocked",
        /// The user unblocked the bot: the chat is used again.
        Unblocked => "unblocked",
        /// The same answer was applied before.
        Duplicate => "duplicate",
        /// `/start` without a link, or a greeting: how to link was explained.
        Help => "help",
        /// Nothing to do (not for this bot, or a service update).
        #[default]
        Ignored => "ignored",
        /// A deep link that is unknown, used or expired.
        LinkRefused => "link_refused",
        /// A used deep link opened again from the chat it linked: confirmed, not refused.
        AlreadyLinked => "already_linked",
        /// A chat linked to its client.
        Linked => "linked",
        /// `/facturas`: the open invoices were listed.
        Listed => "listed",
        /// A chat that is not linked to any client.
        NotLinked => "not_linked",
        /// A message without text (a sticker, a voice note...).
        NotText => "not_text",
        /// A photo or a file without words: passed to the owner.
        Attachment => "attachment",
        /// The owner's chat (alerts and the digest), not a client.
        Owner => "owner",
        /// A date button for a day already gone.
        PastDate => "past_date",
        /// The date buttons were shown.
        Picker => "picker",
        /// An invoice of another client was named.
        Refused => "refused",
        /// A button cobrador does not know (an old or forged one).
        UnknownButton => "unknown_button",
        /// A button of a message whose invoices are all settled: told so, nothing recorded.
        Settled => "settled",
        /// An edit that reads as the version before it: nothing changes.
        Unchanged => "unchanged",
        /// The owner's group became a supergroup: its new id is followed.
        Migrated => "migrated",
        /// A command cobrador does not know.
        UnknownCommand => "unknown_command",
        /// `/stop`: the chat was unlinked.
        Unlinked => "unlinked",
    }
}

/// What one update came to.
#[derive(Debug, Clone, Default)]
pub struct Handled {
    /// `message`, `edited_message`, `callback_query`, `my_chat_member`, `other`.
    pub kind: &'static str,
    /// The chat, when there is one.
    pub chat: Option<i64>,
    /// What it came to, for the audit and the report.
    pub outcome: Outcome,
    /// What to say now.
    pub actions: Vec<Action>,
}

impl Handled {
    /// A typed message (or a press read as words) in `chat`, come to `outcome` so far.
    fn message(chat: i64, outcome: Outcome) -> Handled {
        Handled {
            kind: "message",
            chat: Some(chat),
            outcome,
            actions: vec![],
        }
    }
}

/// The configuration and templates the decisions need.
pub struct Env<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The templates (acknowledgements, owner alerts).
    pub renderer: &'a Renderer,
}

/// A chat linked to a client.
pub(super) struct Linked {
    /// The chat.
    pub(super) chat: i64,
    /// Its client.
    pub(super) client: Client,
}

impl Linked {
    /// Usted or tú, as the client is spoken to.
    pub(super) fn u<'s>(&self, usted: &'s str, tu: &'s str) -> &'s str {
        if self.client.tuteo { tu } else { usted }
    }

    /// The client's today.
    pub(super) fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.client.time_zone).date_naive()
    }

    /// The client's name as the bot writes it, escaped: cut to [`NAME_IN_CHAT`] characters.
    /// A name is imported as given (a cell may hold 64 KiB) and a Telegram message holds
    /// 4,096, so a name that long would leave the greeting undeliverable; the whole name
    /// stays in the book.
    pub(super) fn name(&self) -> String {
        let name = self.client.name.trim();
        if name.chars().count() <= NAME_IN_CHAT {
            return esc(name);
        }
        let cut: String = name.chars().take(NAME_IN_CHAT - 1).collect();
        esc(&format!("{}…", cut.trim_end()))
    }
}

impl Linked {
    /// «Hola, Café La Latina.», without a second full stop after a name that ends with one
    /// («Construcciones López S.L.»).
    pub(super) fn hello(&self) -> String {
        let name = self.name();
        let stop = if name.ends_with('.') { "" } else { "." };
        format!("Hola, {name}{stop}")
    }
}

/// The longest client name the bot writes in a chat (see [`Linked::name`]).
const NAME_IN_CHAT: usize = 120;

/// The client a chat is linked to, if any.
pub(super) fn linked(tx: &Connection, chat: i64) -> Result<Option<Linked>> {
    let Some((client_id, _)) = store::telegram::linked_client(tx, chat)? else {
        return Ok(None);
    };
    Ok(store::clients::get(tx, &client_id)?.map(|client| Linked { chat, client }))
}

/// Decides what to do with one update (inside the caller's transaction).
pub fn handle(tx: &Connection, env: &Env<'_>, upd: &Update, now: DateTime<Utc>) -> Result<Handled> {
    if let Some(m) = &upd.my_chat_member {
        let chat = m.chat.id;
        let outcome = if m.new_chat_member.status == "kicked" {
            for client in store::telegram::mark_unreachable(tx, chat, now)? {
                event(
                    tx,
                    now,
                    EventKind::TelegramUnreachable,
                    Some(&client),
                    json!({ "chat": chat, "why": "the user blocked the bot" }),
                )?;
            }
            Outcome::Blocked
        } else if m.new_chat_member.status == "member" {
            // "Restart bot" after a block: the chat its contacts had is theirs again.
            let clients = reachable_again(tx, chat, "the user unblocked the bot", now)?;
            if clients.is_empty() {
                Outcome::Ignored
            } else {
                Outcome::Unblocked
            }
        } else {
            Outcome::Ignored
        };
        return Ok(Handled {
            kind: "my_chat_member",
            chat: Some(chat),
            outcome,
            actions: vec![],
        });
    }
    if let Some(q) = &upd.callback_query {
        return super::callbacks::handle(tx, env, q, now);
    }
    if let Some(m) = &upd.message {
        if m.chat.kind == "private" {
            reachable_again(tx, m.chat.id, "the user wrote to the bot again", now)?;
        }
        return super::commands::handle_message(tx, env, m, now);
    }
    if let Some(m) = &upd.edited_message {
        return super::commands::handle_edit(tx, env, m, now);
    }
    Ok(Handled {
        kind: "other",
        chat: None,
        outcome: Outcome::Ignored,
        actions: vec![],
    })
}

/// A chat found blocked (403) is its contacts' again (`why`: the user tapped «Reiniciar», or
/// wrote to the bot: Telegram delivers nothing from a user to a bot they block; tg30: a client
/// who wrote again still got the next reminder by email). Returns the clients concerned.
fn reachable_again(
    tx: &Connection,
    chat: i64,
    why: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let clients = store::telegram::mark_reachable(tx, chat, now)?;
    for client in &clients {
        event(
            tx,
            now,
            EventKind::TelegramReachable,
            Some(client),
            json!({ "chat": chat, "why": why }),
        )?;
    }
    Ok(clients)
}

pub(super) fn send(chat: i64, html: String, markup: Option<Value>) -> Action {
    Action::Send { chat, html, markup }
}

pub(super) fn event(
    tx: &Connection,
    now: DateTime<Utc>,
    kind: EventKind,
    client: Option<&str>,
    detail: Value,
) -> Result<()> {
    store::events::append(tx, now, ACTOR, kind, client, None, detail)
}

/// The polite answer to a chat that is not linked: who we are, how to link; nothing else.
pub(super) fn not_linked_text(config: &Config) -> String {
    let b = &config.business;
    format!(
        "Hola. Este es el asistente de cobros de <b>{}</b>. Solo atiende a clientes que han \
         vinculado este chat con el enlace personal que les enviamos. Si es cliente y quiere \
         recibir aquí sus avisos, pida su enlace a {} ({}).",
        esc(&b.name),
        esc(&b.contact_person),
        esc(&b.email)
    )
}

/// What a chat sent, as [`words`] reads it.
pub(super) struct Said<'a> {
    /// The words (typed, a caption, or what a button stands for).
    pub(super) text: &'a str,
    /// Our outbox message it answers, when known.
    pub(super) answering: Option<i64>,
    /// What makes reading it again change nothing (`telegram:<chat>:<message>`...).
    pub(super) external_id: &'a str,
    /// Someone else's message the client forwarded (`forward_origin`): recorded for a person,
    /// never read as the client's own statement.
    pub(super) forwarded: bool,
    /// A photo or a file came with the words (they are its caption).
    pub(super) with_file: bool,
}

/// A typed answer: checked for other clients' invoices, read, then applied or asked back.
pub(super) fn words(
    tx: &Connection,
    env: &Env<'_>,
    who: &Linked,
    said: &Said<'_>,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let Said {
        text,
        answering,
        forwarded,
        ..
    } = *said;
    let chat = who.chat;
    let mut h = Handled::message(chat, Outcome::Applied);
    let foreign: Vec<String> = matcher::named_in(tx, text)?
        .into_iter()
        .filter(|i| i.client_id != who.client.id)
        .map(|i| i.number)
        .collect();
    if !foreign.is_empty() {
        refuse(
            tx,
            who,
            &foreign,
            now,
            "a message names another client's invoice",
        )?;
        h.outcome = Outcome::Refused;
        h.actions.push(send(chat, refused_text(who), None));
        return Ok(h);
    }
    if forwarded {
        // A dispute, a promise or «baja» someone else wrote is not the client's: a person
        // reads it, with what it is; the client is told it was passed on.
        let marked = format!("[Mensaje reenviado: no lo escribió el cliente] {text}");
        let marked = Said {
            text: &marked,
            ..*said
        };
        return record(tx, env, who, &marked, now);
    }
    // Whatever it says, a «¿Qué día pagará?» asked before has its answer.
    let asked_day = store::telegram::asked_day(tx, chat)?.is_some();
    store::telegram::set_asked_day(tx, chat, None)?;
    let reading = understand(text, now, who.client.time_zone);
    let today = who.today(now);
    let pending = store::telegram::pending_date(tx, chat)?;
    if reading.intent == Intent::Stop && this_chat_only(text) {
        // Our Telegram messages say «baja» stops messages *by Telegram*: so «baja» (or «por
        // aquí no») unlinks the chat and reminders go on by email. Words that ask for no more
        // messages at all («dejen de escribirme», «ni por aquí ni por correo») are read as
        // they are by email below: the client opts out and the owner is told.
        event(
            tx,
            now,
            EventKind::TelegramStopWords,
            Some(&who.client.id),
            json!({ "chat": chat, "words": text, "evidence": reading.evidence }),
        )?;
        h.outcome = Outcome::Unlinked;
        h.actions.push(super::commands::stop(tx, who, now)?);
        return Ok(h);
    }
    // «Sí, el lunes» to «¿Quiere decir el lunes 7?» is the same yes; so is a day typed
    // after «¿Qué día pagará?» (asked by us: «el 15» needs no confirming again).
    // So is the verb after the day («el viernes» … «te pago»: tg30, asked for the day twice).
    let confirms = |date: NaiveDate| {
        reading.intent == Intent::Other && crate::understand::is_short_yes(text)
            || reading.intent == Intent::Promise && reading.promised_date == Some(date)
            || reading.intent == Intent::Promise
                && reading.promised_date.is_none()
                && reading.promised_range.is_none()
                && !reading.ambiguous
    };
    if let Some((date, outbox)) = pending
        && date >= today
        && confirms(date)
    {
        // "Sí" to "¿Quiere decir el viernes 4?": the date asked about, in words, read again.
        let words_for = format!("Pagaré el {}.", date_short(date));
        let again = Said {
            text: &words_for,
            answering: (outbox != 0).then_some(outbox),
            ..*said
        };
        // Answered: read again, it is not asked about a second time.
        store::telegram::set_pending_date(tx, chat, None)?;
        return words(tx, env, who, &again, now);
    }
    let answered_our_question = asked_day
        && reading.promised_date.is_some_and(|d| d >= today)
        && reading.promised_range.is_none();
    if answered_our_question {
        // Read in the same batch as the words we asked about: the question need not go.
        super::answers::withdraw_date_questions(tx, chat)?;
    }
    // «el viernes», typed to «¿Qué día pagará?»: the day we asked for, not a hope to confirm
    // once more (its acknowledgement asked «¿Confirmamos…?» after the client had answered).
    if answered_our_question
        && reading.ambiguous
        && reading.promised_amount.is_none()
        && let Some(date) = reading.promised_date
    {
        let words_for = format!("Pagaré el {}.", date_short(date));
        let again = Said {
            text: &words_for,
            ..*said
        };
        store::telegram::set_pending_date(tx, chat, None)?;
        return record(tx, env, who, &again, now);
    }
    if reading.intent == Intent::Promise
        && (reading.promised_date.is_none() || reading.ambiguous)
        && !answered_our_question
    {
        event(
            tx,
            now,
            EventKind::TelegramAskedBack,
            Some(&who.client.id),
            json!({ "chat": chat, "words": text, "understood": reading.promised_date }),
        )?;
        h.outcome = Outcome::AskedBack;
        let outbox = answering.unwrap_or(0);
        let candidate = reading.promised_date.filter(|d| *d >= today);
        store::telegram::set_pending_date(tx, chat, candidate.map(|d| (d, outbox)))?;
        // Its answer may be a day typed («le pago» … «el viernes»): that day, not asked again.
        store::telegram::set_asked_day(tx, chat, Some((0, now)))?;
        h.actions
            .push(ask_date(env.config, who, outbox, today, candidate));
        // Until the client answers, no reminder crosses the day they seem to offer (by email
        // the promise itself would pause them): at least the five days a question holds them.
        hold_while_asked(tx, who, candidate, now)?;
        return Ok(h);
    }
    store::telegram::set_pending_date(tx, chat, None)?;
    record(tx, env, who, said, now)
}

/// Holds the client's automatic reminders while a day asked back waits for the client's
/// answer: past the candidate day (its end, in the client's time zone, and one more day), and
/// at least [`apply::ANSWER_WAIT_DAYS`] days.
fn hold_while_asked(
    tx: &Connection,
    who: &Linked,
    candidate: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<()> {
    let at_least = now + chrono::Duration::days(apply::ANSWER_WAIT_DAYS);
    let past_the_day = candidate
        .and_then(|d| d.succ_opt()?.succ_opt()?.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(who.client.time_zone).earliest())
        .map(|t| t.with_timezone(&Utc));
    let until = past_the_day.map_or(at_least, |t| t.max(at_least));
    // (It never shortens a longer hold.)
    store::clients::set_awaiting_answer(tx, &who.client.id, Some(until))
}

/// Whether stop words typed in the chat are about this chat only: the word our messages offer
/// («baja», «stop», «darme de baja»: four words at most), or this channel named («por aquí
/// no», «por Telegram no») without another («ni por correo»).
fn this_chat_only(text: &str) -> bool {
    let folded = crate::understand::fold_str(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let keyword = words.len() <= 4
        && words
            .iter()
            .any(|w| matches!(*w, "baja" | "stop" | "parar" | "alto"));
    let here = folded.contains("por aqui")
        || folded.contains("por este")
        || folded.contains("en este chat")
        || folded.contains("telegram");
    let elsewhere = [
        "correo", "mail", "email", "ningun", "ninguna", "nada", "ningún",
    ]
    .iter()
    .any(|w| words.contains(w));
    keyword || here && !elsewhere
}

/// Records an answer and applies it (a forwarded one goes to a person as it is); the client is
/// told when a person will read it.
fn record(
    tx: &Connection,
    env: &Env<'_>,
    who: &Linked,
    said: &Said<'_>,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let chat = who.chat;
    let mut h = Handled::message(chat, Outcome::Applied);
    let inc = Incoming {
        channel: Some(Channel::Telegram),
        external_id: Some(said.external_id.to_owned()),
        received_at: now,
        sender: Some(chat.to_string()),
        subject: None,
        body: said.text.to_owned(),
        forwarded: said.forwarded,
        with_file: said.with_file,
        ..Incoming::default()
    };
    let scope = Scope {
        client_id: who.client.id.clone(),
        outbox_id: said.answering,
    };
    let Some(applied) = apply::apply_scoped_reply(tx, env.config, env.renderer, &inc, &scope, now)?
    else {
        h.outcome = Outcome::Duplicate;
        return Ok(h);
    };
    if applied.status == crate::domain::ResponseStatus::NeedsReview && applied.alert.is_some() {
        h.actions.push(send(
            chat,
            format!(
                "Gracias. Se lo he pasado a {}, que {} responderá lo antes posible.",
                esc(&env.config.business.contact_person),
                who.u("le", "te")
            ),
            None,
        ));
    } else if let Some(text) = nothing_owed(tx, who, &applied)? {
        h.actions.push(send(chat, text, None));
    }
    Ok(h)
}

/// «Le pago el viernes» about invoices paid since, or from a client who owes nothing: no
/// promise is recorded, and the chat is told why (by email the receipt says it).
fn nothing_owed(tx: &Connection, who: &Linked, applied: &apply::Applied) -> Result<Option<String>> {
    if applied.status != crate::domain::ResponseStatus::Applied
        || !applied.invoices.is_empty()
        || !matches!(applied.intent, Intent::Promise | Intent::Paid)
    {
        return Ok(None);
    }
    let owes = crate::store::invoices::list(tx, Some(&who.client.id))?
        .iter()
        .any(|i| !i.status.is_closed());
    Ok(Some(if owes {
        format!(
            "Gracias. La factura por la que {} escribimos ya consta como pagada: no hace falta que {} nada más por ella.",
            who.u("le", "te"),
            who.u("haga", "hagas")
        )
    } else {
        format!(
            "Gracias. No nos consta ninguna factura {} pendiente de pago: no hace falta que {} nada.",
            who.u("suya", "tuya"),
            who.u("haga", "hagas")
        )
    }))
}

/// Asks for a date: `candidate` (an ambiguous reading) to confirm, the next business days,
/// and "Otra fecha".
pub(super) fn ask_date(
    config: &Config,
    who: &Linked,
    outbox_id: i64,
    today: NaiveDate,
    candidate: Option<NaiveDate>,
) -> Action {
    let calendar = calendar_of(config, who);
    let days = buttons::business_days(today, 4, calendar.as_ref());
    // Why a day is asked back when it is a holiday there (tg30: «te pago el lunes», the 7th a
    // holiday in Argentina, was asked back without a word why).
    let holiday = |d: NaiveDate| {
        calendar
            .as_ref()
            .and_then(|c| c.is_holiday(d))
            .map(|name| format!(" Ese día es festivo ({name})."))
            .unwrap_or_default()
    };
    let text = match candidate {
        Some(d) => format!(
            "¿{} decir el {} ({})?{} {} la fecha o {} otra.",
            who.u("Quiere", "Quieres"),
            date_day(d, today),
            date_short(d),
            holiday(d),
            who.u("Confirme", "Confirma"),
            who.u("elija", "elige")
        ),
        None => format!(
            "¿Qué día {}? {} uno o {} la fecha (por ejemplo, «el viernes» o «15/12»).",
            who.u("pagará", "pagarás"),
            who.u("Elija", "Elige"),
            who.u("escriba", "escribe")
        ),
    };
    send(
        who.chat,
        text,
        Some(buttons::date_picker(outbox_id, today, candidate, &days)),
    )
}

pub(super) fn next_days(config: &Config, who: &Linked, today: NaiveDate) -> Vec<NaiveDate> {
    buttons::business_days(today, 4, calendar_of(config, who).as_ref())
}

/// The holidays of the client's country (and region, in Spain), with the owner's own.
fn calendar_of(config: &Config, who: &Linked) -> Option<crate::policy::HolidayCalendar> {
    who.client.country.parse().ok().and_then(|country| {
        let extra = config
            .countries
            .get(&who.client.country)
            .map(|s| s.extra_holidays.clone())
            .unwrap_or_default();
        let region = (country == crate::policy::Country::Spain)
            .then_some(who.client.region.as_deref())
            .flatten();
        crate::policy::HolidayCalendar::new(country, region, &extra).ok()
    })
}

pub(super) fn refused_text(who: &Linked) -> String {
    format!(
        "Desde este chat solo puedo atender las facturas de <b>{}</b>.",
        who.name()
    )
}

/// Logs a chat's attempt to act on what is not its client's.
pub(super) fn refuse(
    tx: &Connection,
    who: &Linked,
    what: &[String],
    now: DateTime<Utc>,
    why: &str,
) -> Result<()> {
    tracing::warn!(chat = who.chat, client = %who.client.id, ?what, why, "Refused a Telegram request.");
    event(
        tx,
        now,
        EventKind::TelegramRefused,
        Some(&who.client.id),
        json!({ "chat": who.chat, "what": what, "why": why }),
    )
}

/// The words a button stands for, as the client would have typed them.
pub(super) fn words_of(press: Press) -> Option<String> {
    match press {
        Press::Paid => Some("Ya he pagado.".into()),
        Press::Day(d) => Some(format!("Pagaré el {}.", date_short(d))),
        Press::Plan => Some("Necesito un plan de pagos.".into()),
        Press::Human => Some("Quiero hablar con una persona.".into()),
        Press::When | Press::OtherDay | Press::Change => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(name: &str) -> Linked {
        Linked {
            chat: 1,
            client: Client {
                id: "C1".into(),
                name: name.into(),
                legal_name: None,
                tax_id: None,
                country: "ES".into(),
                region: None,
                time_zone: chrono_tz::Europe::Madrid,
                kind: crate::domain::ClientKind::B2b,
                segment: None,
                language: "es".into(),
                tuteo: false,
                on_hold: false,
                awaiting_answer_until: None,
                notes: None,
            },
        }
    }

    /// An outside tester's link greeting read «Hola, Construcciones López S.L.. Este chat…».
    #[test]
    fn a_name_that_ends_with_a_full_stop_gets_no_second_one() {
        assert_eq!(
            linked("Construcciones López S.L.").hello(),
            "Hola, Construcciones López S.L."
        );
        assert_eq!(linked("Café La Latina").hello(), "Hola, Café La Latina.");
    }
}
