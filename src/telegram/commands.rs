//! Messages typed in a chat: commands (`/start TOKEN` links, `/facturas`, `/stop`), and
//! anything else from a linked chat as an answer in words.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

use super::conversation::{
    Action, Env, Handled, Linked, Outcome, Said, event, linked, not_linked_text, send, words,
};
use super::link::token_hash;
use crate::channel::telegram::api::Message;
use crate::config::Config;
use crate::domain::Channel;
use crate::domain::EventKind;
use crate::engine::apply::{self, Incoming};
use crate::render::dates::overdue_words;
use crate::render::telegram_escape as esc;
use crate::store::{self, NewResponse, telegram::TokenProblem};
use crate::understand::understand;

/// Decides what a typed message does.
pub(super) fn handle_message(
    tx: &Connection,
    env: &Env<'_>,
    m: &Message,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let chat = m.chat.id;
    let mut h = Handled {
        kind: "message",
        chat: Some(chat),
        outcome: Outcome::Ignored,
        actions: vec![],
    };
    let moved = |k: &str| m.other.get(k).and_then(serde_json::Value::as_i64);
    if let Some(to) = moved("migrate_to_chat_id") {
        return migrated(tx, env, chat, to, now);
    }
    if let Some(from) = moved("migrate_from_chat_id") {
        return migrated(tx, env, from, chat, now);
    }
    if m.chat.kind != "private" {
        return Ok(h);
    }
    // A photo or a file carries its words as a caption.
    let text = words_in(m);
    let attached = m.photo.is_some() || m.document.is_some();
    // A message pinned, an auto-delete timer, a new chat photo...: Telegram's own notes in the
    // chat, not something the client said. Nothing to answer.
    if m.is_service() {
        return Ok(h);
    }
    let (command, arg) = command_of(text);
    if command.as_deref() == Some("start") && !arg.is_empty() {
        let username = m.from.as_ref().and_then(|u| u.username.as_deref());
        return start_with_token(tx, env, chat, arg, username, now);
    }
    let Some(who) = linked(tx, chat)? else {
        let owner = owner_chat(tx, env)?;
        if owner == Some(chat) {
            h.outcome = Outcome::Owner;
            h.actions.push(send(
                chat,
                "Este es el chat del propietario: aquí recibirá los avisos de cobrador. Las \
                 respuestas de los clientes se revisan con <code>cobrador responses --review</code>."
                    .into(),
                None,
            ));
            return Ok(h);
        }
        h.outcome = Outcome::NotLinked;
        h.actions
            .push(send(chat, not_linked_text(env.config), None));
        if command.is_none() && !text.is_empty() {
            // Not a client's chat, but perhaps a client's words (a link expired, a chat just
            // unlinked with /stop): they wait for a person in the review queue, as an email
            // from an unknown address does (DESIGN: no reply is ever lost). Nothing is decided
            // on them.
            let inc = Incoming {
                channel: Some(Channel::Telegram),
                external_id: Some(format!("telegram:{chat}:{}", m.message_id)),
                received_at: now,
                sender: Some(chat.to_string()),
                body: text.to_owned(),
                ..Incoming::default()
            };
            apply::apply_in(tx, env.config, env.renderer, &inc, now)?;
        }
        return Ok(h);
    };
    match command.as_deref() {
        Some("start") | Some("ayuda") | Some("help") => {
            h.outcome = Outcome::Help;
            h.actions.push(send(chat, greeting(env.config, &who), None));
        }
        Some("stop") => {
            h.outcome = Outcome::Unlinked;
            h.actions.push(stop(tx, &who, now)?);
        }
        Some("facturas") => {
            h.outcome = Outcome::Listed;
            h.actions
                .push(send(chat, invoice_list(tx, env.config, &who, now)?, None));
        }
        Some(_) => {
            h.outcome = Outcome::UnknownCommand;
            h.actions.push(send(chat, greeting(env.config, &who), None));
        }
        // The rest of an album (photos sent together share a `media_group_id`): each goes to
        // the owner, but the client was answered, and the owner told, for its first one.
        None if text.is_empty() && attached && album_seen(tx, &who, m)? => {
            h.outcome = Outcome::Attachment;
            h.actions = attachment(tx, env, &who, m, false, now)?
                .into_iter()
                .filter_map(|a| match a {
                    Action::Forward {
                        to,
                        from,
                        message_id,
                        failed,
                        failed_owner,
                        ..
                    } => Some(Action::Forward {
                        to,
                        from,
                        message_id,
                        done: None,
                        failed,
                        failed_owner,
                    }),
                    _ => None,
                })
                .collect();
        }
        None if text.is_empty() && attached => {
            h.outcome = Outcome::Attachment;
            h.actions = attachment(tx, env, &who, m, false, now)?;
            // A receipt's photo, most likely: it waits in the review queue, and holds the
            // reminders, as a voice note does (the owner's chat has the file itself).
            let what = match (
                &m.photo,
                m.document.as_ref().and_then(|d| d.file_name.as_deref()),
            ) {
                (Some(_), _) => "una imagen sin texto".to_owned(),
                (None, Some(name)) => format!("el archivo «{name}» sin texto"),
                (None, None) => "un archivo sin texto".to_owned(),
            };
            for_a_person(tx, env, &who, m, &what, now)?;
        }
        None if text.is_empty() => {
            h.outcome = Outcome::NotText;
            let answer = format!(
                "{} con palabras o con los botones de los avisos.",
                who.u("Conteste", "Contesta")
            );
            let Some(what) = kept_for_a_person(m) else {
                h.actions.push(send(
                    chat,
                    format!("Solo puedo leer mensajes de texto. {answer}"),
                    None,
                ));
                return Ok(h);
            };
            // A voice note, a contact, a place: the owner learns it came (what it says cannot be
            // read here), and the client that they know.
            for_a_person(tx, env, &who, m, &what, now)?;
            h.actions.push(send(
                chat,
                format!(
                    "Solo puedo leer mensajes de texto: he avisado a {} de que {} enviado {}. {answer}",
                    esc(&env.config.business.contact_person),
                    who.u("ha", "has"),
                    what.split(':').next().unwrap_or(&what)
                ),
                None,
            ));
        }
        None => {
            let external_id = format!("telegram:{chat}:{}", m.message_id);
            let mut said = said_in(tx, m, text, &external_id)?;
            // «ya pagué» typed just after a photo or a file the owner got: that file is the
            // proof (tg30: the client was asked for the receipt the bot had just passed on).
            said.with_file |= sent_a_file_lately(tx, &who.client.id, chat, now)?;
            let mut read = words(tx, env, &who, &said, now)?;
            if attached {
                // Its words are read as any; the photo or file itself goes to the owner.
                read.actions
                    .extend(attachment(tx, env, &who, m, true, now)?);
            }
            return Ok(read);
        }
    }
    Ok(h)
}

/// An edited message: its words, as they read now, are a new statement of the client (the
/// later one counts, as any later answer does). Each edit is its own answer (its external id
/// carries `edit_date`), so the same edit delivered twice is applied once. Commands are not
/// run again, a file is not passed on again, and nothing is said to a chat that is not linked.
pub(super) fn handle_edit(
    tx: &Connection,
    env: &Env<'_>,
    m: &Message,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let chat = m.chat.id;
    let ignored = Handled {
        kind: "edited_message",
        chat: Some(chat),
        outcome: Outcome::Ignored,
        actions: vec![],
    };
    let text = words_in(m);
    if m.chat.kind != "private" || text.is_empty() || command_of(text).0.is_some() {
        return Ok(ignored);
    }
    let Some(who) = linked(tx, chat)? else {
        return Ok(ignored);
    };
    let first = format!("telegram:{chat}:{}", m.message_id);
    let edited = m.edit_date.unwrap_or(m.date);
    let external_id = format!("{first}:edit:{edited}");
    // (The same edit delivered twice is a duplicate, told as such by `words`.)
    if !store::responses::exists(tx, &external_id)?
        && let Some(before) = store::responses::latest_version(tx, &first)?
        && same_reading(&before.response, text, now, &who)
    {
        // A typo fixed, a word added that changes nothing: the answer stands as it was read,
        // and nothing is said or alerted again.
        return Ok(Handled {
            outcome: Outcome::Unchanged,
            ..ignored
        });
    }
    let said = said_in(tx, m, text, &external_id)?;
    let mut read = words(tx, env, &who, &said, now)?;
    read.kind = "edited_message";
    Ok(read)
}

/// Whether `text`, read at `now`, means what the version `before` of the message meant when
/// it was read: the same intent, dates, amount and doubts (each read at its own time, so «el
/// viernes» edited a week later is another Friday, a change).
fn same_reading(before: &NewResponse, text: &str, now: DateTime<Utc>, who: &Linked) -> bool {
    let tz = who.client.time_zone;
    let was = understand(&before.body, before.received_at, tz);
    let is = understand(text, now, tz);
    (
        was.intent,
        was.promised_date,
        was.promised_range,
        &was.promised_amount,
        was.ambiguous,
        &was.also,
    ) == (
        is.intent,
        is.promised_date,
        is.promised_range,
        &is.promised_amount,
        is.ambiguous,
        &is.also,
    )
}

/// What a message the bot cannot read carries that a person may need: a voice note or a video
/// (often a client explaining), a contact or a place shared; described for the owner. `None`
/// for the rest (a sticker, a dice...), answered but not kept.
/// Records a message cobrador cannot read (`what` it is) for a person, as the client's answer
/// «[what, por Telegram]»: it waits in the review queue and holds the reminders; the answer to
/// the client is the caller's.
fn for_a_person(
    tx: &Connection,
    env: &Env<'_>,
    who: &Linked,
    m: &Message,
    what: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let external_id = format!("telegram:{}:{}", who.chat, m.message_id);
    let described = format!("[{what}, por Telegram]");
    words(
        tx,
        env,
        who,
        &said_in(tx, m, &described, &external_id)?,
        now,
    )?;
    Ok(())
}

fn kept_for_a_person(m: &Message) -> Option<String> {
    let field = |k: &str| m.other.get(k);
    if field("voice").is_some() || field("audio").is_some() {
        return Some("una nota de voz".into());
    }
    if field("video").is_some() || field("video_note").is_some() {
        return Some("un vídeo".into());
    }
    if field("location").is_some() || field("venue").is_some() {
        return Some("una ubicación".into());
    }
    // The contact's name, not its number: these words are read like any answer, and digits
    // could pass for an amount or a date.
    let contact = field("contact")?;
    let name = |k: &str| contact.get(k).and_then(|v| v.as_str()).unwrap_or("");
    let who = format!("{} {}", name("first_name"), name("last_name"));
    Some(match who.trim() {
        "" => "un contacto".to_owned(),
        who => format!("un contacto: {who}"),
    })
}

/// The owner's chat (`telegram.owner-chat-id`), or the supergroup it became.
fn owner_chat(tx: &Connection, env: &Env<'_>) -> Result<Option<i64>> {
    let configured = env.config.telegram.as_ref().and_then(|t| t.owner_chat_id);
    store::telegram::owner_chat(tx, configured)
}

/// Group `from` became supergroup `to` (Telegram says so in both chats, `migrate_to_chat_id`
/// and `migrate_from_chat_id`): the old id answers nothing any more. When it is the owner's
/// chat, the owner's messages follow it, and the owner is told, once, in the new one, to
/// change `owner-chat-id` (the configuration stays the truth after a restore, say).
fn migrated(
    tx: &Connection,
    env: &Env<'_>,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let mut h = Handled {
        kind: "message",
        chat: Some(from),
        outcome: Outcome::Ignored,
        actions: vec![],
    };
    let configured = env.config.telegram.as_ref().and_then(|t| t.owner_chat_id);
    if store::telegram::owner_chat(tx, configured)? != Some(from)
        || !store::telegram::record_migration_event(
            tx,
            from,
            to,
            now,
            crate::domain::Actor::Telegram,
        )?
    {
        return Ok(h);
    }
    tracing::warn!(
        from,
        to,
        "The owner's Telegram group became a supergroup; following it: set telegram.owner-chat-id = {to}."
    );
    h.outcome = Outcome::Migrated;
    h.actions
        .push(send(to, crate::channel::telegram::migration_note(to), None));
    Ok(h)
}

/// The words of a message: its text, or a photo's or a file's caption.
fn words_in(m: &Message) -> &str {
    m.text
        .as_deref()
        .or(m.caption.as_deref())
        .unwrap_or("")
        .trim()
}

/// What message `m` says, as [`words`] reads it: `text`, the message of ours it replies to,
/// whether it is forwarded.
fn said_in<'a>(
    tx: &Connection,
    m: &Message,
    text: &'a str,
    external_id: &'a str,
) -> Result<Said<'a>> {
    Ok(Said {
        text,
        answering: answered_outbox(tx, m)?,
        external_id,
        forwarded: m.is_forwarded(),
        with_file: m.photo.is_some() || m.document.is_some(),
    })
}

/// How long a photo or a file passed to the owner counts as the proof of a payment the client
/// then says they made.
const FILE_THEN_WORDS: chrono::TimeDelta = chrono::TimeDelta::hours(2);

/// Whether `chat` sent a photo or a file that reached the owner within [`FILE_THEN_WORDS`] (one
/// the owner's chat refused is no proof: the client was asked to send it by email).
fn sent_a_file_lately(
    tx: &Connection,
    client: &str,
    chat: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let since = crate::store::ts(now - FILE_THEN_WORDS);
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM events a WHERE client_id = ?1 AND kind = ?2 AND at >= ?3
                 AND json_extract(detail, '$.chat') = ?4
                 AND json_extract(detail, '$.passed_to_owner') = 1
                 AND NOT EXISTS (SELECT 1 FROM events n WHERE n.client_id = ?1 AND n.kind = ?5
                     AND json_extract(n.detail, '$.chat') = ?4
                     AND json_extract(n.detail, '$.message_id')
                         = json_extract(a.detail, '$.message_id')))",
        )?
        .query_row(
            rusqlite::params![
                client,
                EventKind::TelegramAttachment,
                since,
                chat,
                EventKind::TelegramAttachmentNotPassed
            ],
            |r| r.get(0),
        )?)
}

/// The outbox message (ours) the client's message replies to, if any.
fn answered_outbox(tx: &Connection, m: &Message) -> Result<Option<i64>> {
    Ok(m.reply_to_message
        .as_ref()
        .map(|r| store::telegram::outbox_for_message(tx, m.chat.id, r.message_id))
        .transpose()?
        .flatten())
}

/// A photo or a file from a client (a payment receipt, often): an event, and the message
/// forwarded into the owner's chat (`telegram.owner-chat-id`) after a line saying whose it is;
/// unless `with_words` (its caption was read and answered as any message), the client is told
/// who will look at it. Without an owner's chat no one could see it here: the client is asked
/// to send it by email (also when its caption was read: the words are not the file).
fn attachment(
    tx: &Connection,
    env: &Env<'_>,
    who: &Linked,
    m: &Message,
    with_words: bool,
    now: DateTime<Utc>,
) -> Result<Vec<Action>> {
    let owner = owner_chat(tx, env)?;
    let file_name = m.document.as_ref().and_then(|d| d.file_name.clone());
    event(
        tx,
        now,
        EventKind::TelegramAttachment,
        Some(&who.client.id),
        json!({
            "chat": who.chat, "message_id": m.message_id,
            "kind": if m.photo.is_some() { "photo" } else { "document" },
            "file_name": file_name, "passed_to_owner": owner.is_some(),
            "media_group_id": album_of(m),
        }),
    )?;
    // (what it is, for the owner; for the client; the pronoun that stands for it)
    let (what, received, it) = match (&m.photo, &file_name) {
        (Some(_), _) => ("una imagen".to_owned(), "la imagen", "la"),
        (None, Some(name)) => (format!("el archivo «{}»", esc(name)), "el archivo", "lo"),
        (None, None) => ("un archivo".to_owned(), "el archivo", "lo"),
    };
    // For the client when no one here can see it: no owner's chat, or the forward failed.
    let by_email = |opening: &str| {
        format!(
            "{opening} si es un justificante de pago, {} por correo a {}, por favor.",
            who.u("envíelo", "envíalo"),
            esc(&env.config.business.email)
        )
    };
    let Some(owner) = owner else {
        // Its words are read all the same (and answered); the file itself is asked for by
        // email, as README promises, whether or not words came with it.
        let opening = if with_words {
            format!("{} no {it} puedo pasar por aquí:", capitalized(received))
        } else {
            "Gracias. Por aquí solo puedo leer mensajes de texto:".to_owned()
        };
        return Ok(vec![send(who.chat, by_email(&opening), None)]);
    };
    let done = (!with_words).then(|| {
        format!(
            "Gracias, hemos recibido {received}. Se {it} pasamos a {} para que {it} revise.",
            esc(&env.config.business.contact_person)
        )
    });
    let failed = by_email(&format!(
        "No he podido pasar {received} a {}:",
        esc(&env.config.business.contact_person)
    ));
    Ok(vec![
        send(
            owner,
            format!(
                "<b>{}</b> ha enviado {what} por Telegram; se {it} reenvío:",
                who.name()
            ),
            None,
        ),
        Action::Forward {
            to: owner,
            from: who.chat,
            message_id: m.message_id,
            done,
            failed,
            failed_owner: format!(
                "No he podido reenviar{it}; le he pedido que {it} envíe por correo."
            ),
        },
    ])
}

/// The album (`media_group_id`) `m` belongs to, if any.
fn album_of(m: &Message) -> Option<&str> {
    m.other.get("media_group_id").and_then(|v| v.as_str())
}

/// Whether another item of `m`'s album already came from this chat (its attachment event
/// names the album).
fn album_seen(tx: &Connection, who: &Linked, m: &Message) -> Result<bool> {
    let Some(album) = album_of(m) else {
        return Ok(false);
    };
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM events
                            WHERE kind = 'telegram.attachment' AND client_id = ?1
                              AND json_extract(detail, '$.media_group_id') = ?2
                              AND json_extract(detail, '$.chat') = ?3
                              AND json_extract(detail, '$.message_id') <> ?4)",
        )?
        .query_row(
            rusqlite::params![who.client.id, album, who.chat, m.message_id],
            |r| r.get(0),
        )?)
}

/// «la imagen» → «La imagen».
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `/start@bot payload` → (`start`, `payload`); text without a leading `/` → (None, "").
fn command_of(text: &str) -> (Option<String>, &str) {
    let Some(rest) = text.strip_prefix('/') else {
        return (None, "");
    };
    let (head, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = head.split('@').next().unwrap_or(head).to_lowercase();
    (Some(name), arg.trim())
}

fn greeting(config: &Config, who: &Linked) -> String {
    format!(
        "{} Este chat está vinculado: aquí {} enviaremos los avisos de pago de <b>{}</b>. \
         {} contestar a cualquier aviso con sus botones o con {} palabras.\n\n\
         /facturas muestra lo pendiente.\n/stop deja de enviar{} mensajes por Telegram.",
        who.hello(),
        who.u("le", "te"),
        esc(&config.business.name),
        who.u("Puede", "Puedes"),
        who.u("sus", "tus"),
        who.u("le", "te"),
    )
}

fn start_with_token(
    tx: &Connection,
    env: &Env<'_>,
    chat: i64,
    token: &str,
    username: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Handled> {
    let mut h = Handled {
        kind: "message",
        chat: Some(chat),
        outcome: Outcome::LinkRefused,
        actions: vec![],
    };
    let b = &env.config.business;
    let ask = format!(
        "pida uno nuevo a {} ({})",
        esc(&b.contact_person),
        esc(&b.email)
    );
    // A chat stands for one client: the link of another client opened in a chat already linked
    // (a bookkeeper with two clients, say) would move it silently, and the first client's
    // reminders would go by email without anyone knowing. Refused, the link left unused.
    if let Some(current) = linked(tx, chat)?
        && let Some(target) = store::telegram::token_target(tx, &token_hash(token))?
        && target.client_id != current.client.id
    {
        event(
            tx,
            now,
            EventKind::TelegramLinkRefused,
            Some(&target.client_id),
            json!({ "chat": chat, "why": "linked to another client", "linked_to": current.client.id }),
        )?;
        h.actions.push(send(
            chat,
            format!(
                "Este chat ya está vinculado a <b>{}</b>, y cada chat atiende a un solo cliente. \
                 Para usar este enlace aquí, {} /stop y {} de nuevo; o {} desde otra cuenta de \
                 Telegram.",
                current.name(),
                current.u("escriba", "escribe"),
                current.u("ábralo", "ábrelo"),
                current.u("ábralo", "ábrelo"),
            ),
            None,
        ));
        return Ok(h);
    }
    let used = store::telegram::use_token(tx, &token_hash(token), chat, now)?;
    if used == Err(TokenProblem::Used)
        && let Some(who) = linked_by(tx, token, chat)?
    {
        // The link opened again (a second tap, the QR code scanned again) in the chat it
        // linked: all is well, and the client is told so.
        h.outcome = Outcome::AlreadyLinked;
        h.actions
            .push(send(chat, already_linked(env.config, &who), None));
        return Ok(h);
    }
    match used {
        Ok(target) => {
            store::telegram::link_chat(tx, chat, target.contact_id, username, now)?;
            event(
                tx,
                now,
                EventKind::TelegramLinked,
                Some(&target.client_id),
                json!({ "chat": chat, "contact": target.contact_id }),
            )?;
            let who =
                linked(tx, chat)?.ok_or_else(|| anyhow::anyhow!("chat {chat} did not link"))?;
            h.outcome = Outcome::Linked;
            h.actions.push(send(chat, greeting(env.config, &who), None));
        }
        Err(problem) => {
            let (why, text) = match problem {
                TokenProblem::Used => (
                    "used",
                    format!("Este enlace ya se ha usado. Si quiere vincular otro chat, {ask}."),
                ),
                TokenProblem::Expired => ("expired", format!("Este enlace ha caducado: {ask}.")),
                TokenProblem::Unknown => ("unknown", format!("Este enlace no es válido: {ask}.")),
            };
            event(
                tx,
                now,
                EventKind::TelegramLinkRefused,
                None,
                json!({ "chat": chat, "why": why }),
            )?;
            h.actions.push(send(chat, text, None));
        }
    }
    Ok(h)
}

/// The chat's client, when `token` linked this very chat to the contact it is still linked to.
fn linked_by(tx: &Connection, token: &str, chat: i64) -> Result<Option<Linked>> {
    let Some((used_by, contact)) = store::telegram::token_used_by(tx, &token_hash(token))? else {
        return Ok(None);
    };
    if used_by != chat {
        return Ok(None);
    }
    match store::telegram::linked_client(tx, chat)? {
        Some((_, linked_contact)) if linked_contact == contact => linked(tx, chat),
        _ => Ok(None),
    }
}

fn already_linked(config: &Config, who: &Linked) -> String {
    format!(
        "{} Este chat ya está vinculado: no hace falta hacer nada más. Aquí {} \
         seguiremos enviando los avisos de pago de <b>{}</b>.\n\n\
         /facturas muestra lo pendiente.\n/stop deja de enviar{} mensajes por Telegram.",
        who.hello(),
        who.u("le", "te"),
        esc(&config.business.name),
        who.u("le", "te"),
    )
}

fn invoice_list(
    tx: &Connection,
    config: &Config,
    who: &Linked,
    now: DateTime<Utc>,
) -> Result<String> {
    let today = who.today(now);
    let open: Vec<_> = store::invoices::list(tx, Some(&who.client.id))?
        .into_iter()
        .filter(|i| !i.status.is_closed())
        .collect();
    if open.is_empty() {
        return Ok(format!(
            "No {} ninguna factura pendiente con <b>{}</b>. ¡Gracias!",
            who.u("tiene", "tienes"),
            esc(&config.business.name)
        ));
    }
    let mut text = format!(
        "Facturas pendientes con <b>{}</b>:\n",
        esc(&config.business.name)
    );
    // One message holds 4,096 characters: the oldest that fit, then how many more.
    let room = crate::render::TELEGRAM_LIMIT - 100;
    let mut length = text.encode_utf16().count();
    for (listed, i) in open.iter().enumerate() {
        let money =
            crate::render::money::format_money(i.balance.0, &i.currency, &config.business.locale)
                .unwrap_or_else(|_| format!("{} {}", i.balance.0, i.currency));
        let line = format!(
            "\n• <b>{}</b>: {}, {}",
            esc(&i.number),
            esc(&money),
            overdue_words(i.days_overdue(today))
        );
        length += line.encode_utf16().count();
        if length > room {
            text.push_str(&match open.len() - listed {
                1 => "\n… y una factura más.".to_owned(),
                more => format!("\n… y otras {more} facturas pendientes."),
            });
            break;
        }
        text.push_str(&line);
    }
    Ok(text)
}

/// Unlinks the chat (`/stop`, or «baja» typed in it): no more Telegram messages; the
/// reminders go back to email when the client has an address.
pub(super) fn stop(tx: &Connection, who: &Linked, now: DateTime<Utc>) -> Result<Action> {
    let chat = who.chat;
    store::telegram::unlink_chat(tx, chat, now)?;
    event(
        tx,
        now,
        EventKind::TelegramUnlinked,
        Some(&who.client.id),
        json!({ "chat": chat }),
    )?;
    let by_email = store::clients::for_client(tx, &who.client.id)?
        .iter()
        .any(|c| c.email.is_some() && !c.opted_out);
    let mut text = format!(
        "Hecho: este chat ya no está vinculado y no {} enviaremos más mensajes por Telegram.",
        who.u("le", "te")
    );
    if by_email {
        text.push_str(&format!(
            " Los avisos {} llegarán por correo electrónico.",
            who.u("le", "te")
        ));
    }
    Ok(send(chat, text, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_with_or_without_the_bot_name() {
        assert_eq!(command_of("/start abc"), (Some("start".into()), "abc"));
        assert_eq!(
            command_of("/Facturas@CobrosBot"),
            (Some("facturas".into()), "")
        );
        assert_eq!(command_of("le pago el viernes"), (None, ""));
    }
}
