//! Telegram state: one-time link tokens, linked chats, the update offset and the updates
//! already applied (schema in `schema_telegram.sql`).
//!
//! A chat is linked to exactly one contact (`contacts.telegram_chat_id`); `telegram_chats`
//! remembers when, and whether the chat can still be reached (a blocked bot answers 403).
//! The bot's answers not yet delivered: [`answers`].

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use serde_json::json;

use super::{Store, parse_ts, ts};
use crate::domain::{Actor, EventKind};

pub mod answers;

/// Why a link token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// No such token (mistyped, or never issued).
    Unknown,
    /// Already used to link a chat.
    Used,
    /// Past its expiry.
    Expired,
}

/// A token that may link a chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    /// The client the token was issued for.
    pub client_id: String,
    /// The contact the chat will stand for.
    pub contact_id: i64,
}

/// Stores a new token (by its hash) for a client's contact.
pub fn add_token(
    conn: &Connection,
    token_hash: &str,
    client_id: &str,
    contact_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO telegram_link_tokens (token_hash, client_id, contact_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token_hash, client_id, contact_id, ts(now), ts(expires_at)],
    )?;
    Ok(())
}

/// Uses a token once: on success it is marked used by `chat_id` and its target returned.
pub fn use_token(
    conn: &Connection,
    token_hash: &str,
    chat_id: i64,
    now: DateTime<Utc>,
) -> Result<Result<LinkTarget, TokenProblem>> {
    let row: Option<(String, i64, String, Option<String>)> = conn
        .query_row(
            "SELECT client_id, contact_id, expires_at, used_at FROM telegram_link_tokens
             WHERE token_hash = ?1",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((client_id, contact_id, expires_at, used_at)) = row else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if used_at.is_some() {
        return Ok(Err(TokenProblem::Used));
    }
    if parse_ts(&expires_at)? <= now {
        return Ok(Err(TokenProblem::Expired));
    }
    conn.execute(
        "UPDATE telegram_link_tokens SET used_at = ?2, chat_id = ?3 WHERE token_hash = ?1",
        params![token_hash, ts(now), chat_id],
    )?;
    Ok(Ok(LinkTarget {
        client_id,
        contact_id,
    }))
}

/// Whom a token was issued for, used or not (nothing is marked).
pub fn token_target(conn: &Connection, token_hash: &str) -> Result<Option<LinkTarget>> {
    Ok(conn
        .query_row(
            "SELECT client_id, contact_id FROM telegram_link_tokens WHERE token_hash = ?1",
            [token_hash],
            |r| {
                Ok(LinkTarget {
                    client_id: r.get(0)?,
                    contact_id: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The chat a used token linked, and the contact it linked it to (`None`: the token is
/// unknown or unused).
pub fn token_used_by(conn: &Connection, token_hash: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT chat_id, contact_id FROM telegram_link_tokens
             WHERE token_hash = ?1 AND used_at IS NOT NULL AND chat_id IS NOT NULL",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Links `chat_id` to a contact (moving it from any other contact) and makes Telegram the
/// contact's preferred channel.
pub fn link_chat(
    conn: &Connection,
    chat_id: i64,
    contact_id: i64,
    username: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET telegram_chat_id = NULL, preferred_channel = 'email'
         WHERE telegram_chat_id = ?1 AND id <> ?2",
        params![chat_id, contact_id],
    )?;
    conn.execute(
        "UPDATE contacts SET telegram_chat_id = ?1, preferred_channel = 'telegram' WHERE id = ?2",
        params![chat_id, contact_id],
    )?;
    conn.execute(
        "INSERT INTO telegram_chats (chat_id, contact_id, username, linked_at, unreachable_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, NULL, ?4)
         ON CONFLICT (chat_id) DO UPDATE SET contact_id = ?2, username = ?3, linked_at = ?4,
                                             unreachable_at = NULL, updated_at = ?4",
        params![chat_id, contact_id, username, ts(now)],
    )?;
    Ok(())
}

/// Unlinks a chat (`/stop`): the contact goes back to email. Returns the client it was linked
/// to, if any.
pub fn unlink_chat(conn: &Connection, chat_id: i64, now: DateTime<Utc>) -> Result<Option<String>> {
    let client = linked_client(conn, chat_id)?;
    conn.execute(
        "UPDATE contacts SET telegram_chat_id = NULL, preferred_channel = 'email'
         WHERE telegram_chat_id = ?1",
        [chat_id],
    )?;
    conn.execute(
        "UPDATE telegram_chats SET contact_id = NULL, updated_at = ?2 WHERE chat_id = ?1",
        params![chat_id, ts(now)],
    )?;
    Ok(client.map(|(client, _)| client))
}

/// The client and contact a chat is linked to.
pub fn linked_client(conn: &Connection, chat_id: i64) -> Result<Option<(String, i64)>> {
    Ok(conn
        .query_row(
            "SELECT client_id, id FROM contacts WHERE telegram_chat_id = ?1 ORDER BY id LIMIT 1",
            [chat_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Marks a chat unreachable (the bot was blocked): its contacts prefer email from now on, so
/// the next messages fall back to email. Returns the clients concerned.
pub fn mark_unreachable(
    conn: &Connection,
    chat_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let clients = prefer_for_chat(conn, chat_id, "email")?;
    conn.execute(
        "INSERT INTO telegram_chats (chat_id, unreachable_at, updated_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (chat_id) DO UPDATE SET unreachable_at = ?2, updated_at = ?2",
        params![chat_id, ts(now)],
    )?;
    Ok(clients)
}

/// Sets the preferred channel of the contacts of `chat_id`; returns their clients.
fn prefer_for_chat(conn: &Connection, chat_id: i64, channel: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT client_id FROM contacts WHERE telegram_chat_id = ?1")?;
    let clients = stmt
        .query_map([chat_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    conn.execute(
        "UPDATE contacts SET preferred_channel = ?2 WHERE telegram_chat_id = ?1",
        params![chat_id, channel],
    )?;
    Ok(clients)
}

/// Undoes [`mark_unreachable`] when the user unblocks the bot: the chat's contacts prefer
/// Telegram again. Returns the clients concerned (none when the chat was not unreachable).
pub fn mark_reachable(conn: &Connection, chat_id: i64, now: DateTime<Utc>) -> Result<Vec<String>> {
    if unreachable_since(conn, chat_id)?.is_none() {
        return Ok(Vec::new());
    }
    let clients = prefer_for_chat(conn, chat_id, "telegram")?;
    conn.execute(
        "UPDATE telegram_chats SET unreachable_at = NULL, updated_at = ?2 WHERE chat_id = ?1",
        params![chat_id, ts(now)],
    )?;
    Ok(clients)
}

/// When a chat was found unreachable, if it was.
pub fn unreachable_since(conn: &Connection, chat_id: i64) -> Result<Option<DateTime<Utc>>> {
    let at: Option<Option<String>> = conn
        .query_row(
            "SELECT unreachable_at FROM telegram_chats WHERE chat_id = ?1",
            [chat_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(at.flatten().as_deref().map(parse_ts).transpose()?)
}

/// The offset for the next `getUpdates` (0 before the first update).
pub fn next_offset(conn: &Connection) -> Result<i64> {
    Ok(state(conn, "next_offset")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Records that update `update_id` was applied and moves the offset past it. `false`: it had
/// been applied already (nothing is recorded again).
pub fn record_update(
    conn: &Connection,
    update_id: i64,
    chat_id: Option<i64>,
    kind: &str,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = conn.execute(
        "INSERT INTO telegram_updates (update_id, chat_id, kind, outcome, applied_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (update_id) DO NOTHING",
        params![update_id, chat_id, kind, outcome, ts(now)],
    )?;
    advance_offset(conn, update_id + 1)?;
    Ok(n == 1)
}

/// Whether an update was applied already.
pub fn update_seen(conn: &Connection, update_id: i64) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM telegram_updates WHERE update_id = ?1",
            [update_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Moves the stored offset forward (never back).
pub fn advance_offset(conn: &Connection, offset: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO telegram_state (key, value) VALUES ('next_offset', ?1)
         ON CONFLICT (key) DO UPDATE SET value = ?1
         WHERE CAST(telegram_state.value AS INTEGER) < CAST(?1 AS INTEGER)",
        [offset.to_string()],
    )?;
    Ok(())
}

/// Sets the next offset to ask `getUpdates` for, even below the stored one (Telegram started
/// its update ids again: see `telegram::poll`).
pub fn set_offset(conn: &Connection, offset: i64) -> Result<()> {
    set_state(conn, "next_offset", Some(&offset.to_string()))
}

/// Our outbox message shown in `chat` as Telegram message `message_id`, if any.
pub fn outbox_for_message(conn: &Connection, chat_id: i64, message_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM outbox
             WHERE channel = 'telegram' AND telegram_message_id = ?1 AND instr(recipients, ?2) > 0
             ORDER BY id DESC LIMIT 1",
            params![message_id, format!("\"{chat_id}\"")],
            |r| r.get(0),
        )
        .optional()?)
}

/// Marks chats found blocked while sending (403) as unreachable: their contacts fall back to
/// email, and an event records it for the owner.
pub fn record_blocked(store: &mut Store, chats: &[i64], now: DateTime<Utc>) -> Result<()> {
    if chats.is_empty() {
        return Ok(());
    }
    store.transaction(|tx| {
        for &chat in chats {
            for client in mark_unreachable(tx, chat, now)? {
                super::events::append(
                    tx,
                    now,
                    Actor::Sender,
                    EventKind::TelegramUnreachable,
                    Some(&client),
                    None,
                    json!({ "chat": chat, "why": "the Bot API answered 403: the bot was blocked" }),
                )?;
            }
        }
        Ok(())
    })
}

/// Forgets the ids of updates applied before `before` (the stored offset already keeps them
/// from coming back; the ids only guard against a re-delivery soon after).
pub fn prune_updates(conn: &Connection, before: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM telegram_updates WHERE applied_at < ?1",
        [ts(before)],
    )?)
}

/// A value of `telegram_state` (small per-chat and per-bot state), if set.
fn state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM telegram_state WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// A lasting problem reading the bot's updates (a revoked token, a webhook set), in the
/// owner's words, since when: `None` clears it (a read went through). Written only when it
/// changes.
pub fn set_problem(conn: &Connection, problem: Option<(&str, DateTime<Utc>)>) -> Result<()> {
    let now = state(conn, "problem")?;
    let same = |words: &str| {
        now.as_deref()
            .and_then(|v| v.split_once('|'))
            .is_some_and(|(_, w)| w == words)
    };
    match problem {
        Some((words, at)) if !same(words) => {
            set_state(conn, "problem", Some(&format!("{}|{words}", ts(at))))?;
        }
        None if now.is_some() => set_state(conn, "problem", None)?,
        _ => {}
    }
    Ok(())
}

/// The lasting problem reading the bot's updates, if any: since when, and the owner's words.
pub fn problem(conn: &Connection) -> Result<Option<(DateTime<Utc>, String)>> {
    Ok(state(conn, "problem")?.and_then(|v| {
        let (at, words) = v.split_once('|')?;
        Some((parse_ts(at).ok()?, words.to_owned()))
    }))
}

/// Sets (or with `None` clears) a value of `telegram_state`.
fn set_state(conn: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(value) => conn.execute(
            "INSERT INTO telegram_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, value],
        )?,
        None => conn.execute("DELETE FROM telegram_state WHERE key = ?1", [key])?,
    };
    Ok(())
}

/// The date the bot last asked a chat to confirm ("¿Quiere decir el viernes 4?"), with the
/// outbox message it was about (0: none); `None` clears it.
pub fn set_pending_date(
    conn: &Connection,
    chat_id: i64,
    pending: Option<(chrono::NaiveDate, i64)>,
) -> Result<()> {
    let value = pending.map(|(date, outbox)| format!("{}|{outbox}", date.format("%Y-%m-%d")));
    set_state(conn, &format!("pending_date:{chat_id}"), value.as_deref())
}

/// The date waiting for the chat's confirmation, if any.
pub fn pending_date(conn: &Connection, chat_id: i64) -> Result<Option<(chrono::NaiveDate, i64)>> {
    Ok(
        state(conn, &format!("pending_date:{chat_id}"))?.and_then(|v| {
            let (d, o) = v.split_once('|')?;
            Some((
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
                o.parse().ok()?,
            ))
        }),
    )
}

/// Records that group `from` became supergroup `to` (Telegram's `migrate_to_chat_id`): messages
/// for `from` go to `to` from now on. `false` when it was known already.
pub fn record_migration(conn: &Connection, from: i64, to: i64) -> Result<bool> {
    let key = format!("migrated:{from}");
    if state(conn, &key)?.is_some() {
        return Ok(false);
    }
    set_state(conn, &key, Some(&to.to_string()))?;
    Ok(true)
}

/// [`record_migration`] with its audit event (`telegram.chat_migrated`, by `actor`), for the
/// two places that learn of it: the group's service message and a refused send.
pub fn record_migration_event(
    conn: &Connection,
    from: i64,
    to: i64,
    now: DateTime<Utc>,
    actor: Actor,
) -> Result<bool> {
    if !record_migration(conn, from, to)? {
        return Ok(false);
    }
    super::events::append(
        conn,
        now,
        actor,
        EventKind::TelegramChatMigrated,
        None,
        None,
        json!({ "from": from, "to": to }),
    )?;
    Ok(true)
}

/// The chat `chat` is now: itself, or the supergroup it became (see [`record_migration`]).
pub fn current_chat(conn: &Connection, chat: i64) -> Result<i64> {
    let mut now = chat;
    // A group migrates once; the bound only guards against a loop written by hand.
    for _ in 0..4 {
        match state(conn, &format!("migrated:{now}"))?.and_then(|t| t.parse().ok()) {
            Some(to) => now = to,
            None => break,
        }
    }
    Ok(now)
}

/// The owner's chat: `telegram.owner-chat-id` (`configured`), followed to the supergroup it
/// became if Telegram migrated it.
pub fn owner_chat(conn: &Connection, configured: Option<i64>) -> Result<Option<i64>> {
    configured.map(|c| current_chat(conn, c)).transpose()
}

/// When the bot last asked `chat` to type a day («Otra fecha»), and under which message of
/// ours; `None` clears it (the client answered).
pub fn set_asked_day(
    conn: &Connection,
    chat_id: i64,
    asked: Option<(i64, DateTime<Utc>)>,
) -> Result<()> {
    let value = asked.map(|(message_id, at)| format!("{message_id}|{}", ts(at)));
    set_state(conn, &format!("asked_day:{chat_id}"), value.as_deref())
}

/// The last «Otra fecha» of `chat` still waiting for its day: our message and when.
pub fn asked_day(conn: &Connection, chat_id: i64) -> Result<Option<(i64, DateTime<Utc>)>> {
    Ok(state(conn, &format!("asked_day:{chat_id}"))?.and_then(|v| {
        let (m, at) = v.split_once('|')?;
        Some((m.parse().ok()?, parse_ts(at).ok()?))
    }))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::store::Store;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).unwrap()
    }

    fn store_with_contact() -> (Store, i64) {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('C1', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
                 INSERT INTO contacts (client_id, email) VALUES ('C1', 'ana@example.com');",
            )
            .unwrap();
        let id = store.conn().last_insert_rowid();
        (store, id)
    }

    #[test]
    fn a_token_links_once_and_only_before_it_expires() {
        let (store, contact) = store_with_contact();
        let c = store.conn();
        add_token(c, "h1", "C1", contact, t(9), t(12)).unwrap();
        add_token(c, "h2", "C1", contact, t(9), t(10)).unwrap();
        assert_eq!(
            use_token(c, "nope", 7, t(9)).unwrap(),
            Err(TokenProblem::Unknown)
        );
        assert_eq!(
            use_token(c, "h2", 7, t(10)).unwrap(),
            Err(TokenProblem::Expired)
        );
        let target = use_token(c, "h1", 7, t(11)).unwrap().unwrap();
        assert_eq!(
            (target.client_id.as_str(), target.contact_id),
            ("C1", contact)
        );
        assert_eq!(
            use_token(c, "h1", 8, t(11)).unwrap(),
            Err(TokenProblem::Used)
        );
        link_chat(c, 7, contact, Some("ana"), t(11)).unwrap();
        assert_eq!(linked_client(c, 7).unwrap(), Some(("C1".into(), contact)));
        assert_eq!(mark_unreachable(c, 7, t(12)).unwrap(), ["C1"]);
        assert_eq!(unreachable_since(c, 7).unwrap(), Some(t(12)));
        assert_eq!(unlink_chat(c, 7, t(13)).unwrap().as_deref(), Some("C1"));
        assert_eq!(linked_client(c, 7).unwrap(), None);
    }

    #[test]
    fn the_offset_only_moves_forward_and_updates_apply_once() {
        let (store, _) = store_with_contact();
        let c = store.conn();
        assert_eq!(next_offset(c).unwrap(), 0);
        assert!(record_update(c, 41, Some(7), "message", "applied", t(9)).unwrap());
        assert!(!record_update(c, 41, Some(7), "message", "applied", t(9)).unwrap());
        assert_eq!(next_offset(c).unwrap(), 42);
        advance_offset(c, 10).unwrap();
        assert_eq!(next_offset(c).unwrap(), 42, "never back");
        assert!(update_seen(c, 41).unwrap());
        assert_eq!(prune_updates(c, t(10)).unwrap(), 1);
        assert!(!update_seen(c, 41).unwrap());
        assert_eq!(next_offset(c).unwrap(), 42, "the offset outlives the ids");
    }
}
