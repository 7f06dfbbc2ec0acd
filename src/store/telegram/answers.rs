//! The bot's immediate answers waiting to be delivered (`telegram_answers`): each one's chat,
//! its action as JSON (the store does not read it: `telegram::answers` does), and when it may
//! go. See `src/telegram/answers.rs` for the rules.

use anyhow::Result;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use crate::store::{parse_ts, ts};

/// An answer taken for delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// Its row.
    pub id: i64,
    /// The chat whose turn it takes.
    pub chat: i64,
    /// The action, as JSON.
    pub action: String,
}

/// Queues an answer for `chat` (inside the update's transaction), to go after the outbox
/// messages up to `after_outbox` (see [`due`]).
pub fn queue(
    conn: &Connection,
    chat: i64,
    action: &str,
    now: DateTime<Utc>,
    after_outbox: Option<i64>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO telegram_answers (chat_id, action, created_at, not_before, after_outbox)
         VALUES (?1, ?2, ?3, ?3, ?4)",
        params![chat, action, ts(now), after_outbox],
    )?;
    Ok(())
}

/// The outbox's last message so far (what an answer queued now comes after).
pub fn last_outbox(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn.query_row("SELECT max(id) FROM outbox", [], |r| r.get(0))?)
}

/// The answers [`due`] found.
#[derive(Debug, Default, PartialEq)]
pub struct Turns {
    /// The first answer of every chat that may go now.
    pub due: Vec<Due>,
    /// Whether a chat's first answer waits for an outbox message queued before it.
    pub held: bool,
}

/// The first answer of every chat that may go at `now`: not held (`not_before`), not out
/// already, its chat not in `busy` (one request at a time in a chat keeps its order), and no
/// outbox message to its chat queued before it still due and unsent (an «Anotado» goes before
/// the answer to what the client wrote next) unless the answer was queued before
/// `wait_from`: an outbox that does not move (a channel down) delays the answer, it does not
/// keep it.
pub fn due(
    conn: &Connection,
    now: DateTime<Utc>,
    busy: &[i64],
    wait_from: DateTime<Utc>,
) -> Result<Turns> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.chat_id, a.action, a.not_before, a.started_at, a.created_at,
                a.after_outbox IS NOT NULL AND EXISTS (
                    SELECT 1 FROM outbox o
                    WHERE o.status IN ('queued', 'sending') AND o.send_at <= ?1
                      AND o.id <= a.after_outbox AND o.channel = 'telegram'
                      AND EXISTS (SELECT 1 FROM json_each(o.recipients) r
                                  WHERE r.value = CAST(a.chat_id AS TEXT)))
         FROM telegram_answers a
         WHERE a.id = (SELECT min(b.id) FROM telegram_answers b WHERE b.chat_id = a.chat_id)
         ORDER BY a.id",
    )?;
    let rows = stmt.query_map([ts(now)], |r| {
        Ok((
            Due {
                id: r.get(0)?,
                chat: r.get(1)?,
                action: r.get(2)?,
            },
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?;
    let mut turns = Turns::default();
    for row in rows {
        let (answer, not_before, started, created, after_unsent) = row?;
        if started.is_some() || parse_ts(&not_before)? > now || busy.contains(&answer.chat) {
            continue;
        }
        if after_unsent && parse_ts(&created)? >= wait_from {
            turns.held = true;
            continue;
        }
        turns.due.push(answer);
    }
    Ok(turns)
}

/// Whether any answer waits to be delivered.
pub fn any_waiting(conn: &Connection) -> Result<bool> {
    let any = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM telegram_answers WHERE started_at IS NULL)",
        [],
        |r| r.get(0),
    )?;
    Ok(any)
}

/// When the next held answer may go (the earliest `not_before` after `now`), if any.
pub fn next_release(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn.query_row(
        "SELECT min(not_before) FROM telegram_answers WHERE started_at IS NULL AND not_before > ?1",
        [ts(now)],
        |r| r.get(0),
    )?;
    Ok(next.as_deref().map(parse_ts).transpose()?)
}

/// Marks an answer as out: its request is being made.
pub fn started(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE telegram_answers SET started_at = ?2 WHERE id = ?1",
        params![id, ts(now)],
    )?;
    Ok(())
}

/// The answers of `chat` still waiting, none of them out yet: `(id, action)`, in order.
pub fn waiting(conn: &Connection, chat: i64) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, action FROM telegram_answers
         WHERE chat_id = ?1 AND started_at IS NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([chat], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An answer delivered (or given up): forgotten.
pub fn done(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM telegram_answers WHERE id = ?1", [id])?;
    Ok(())
}

/// An answer to try again from `not_before` (Telegram asked to wait, or could not be reached).
pub fn later(conn: &Connection, id: i64, not_before: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE telegram_answers SET started_at = NULL, not_before = ?2 WHERE id = ?1",
        params![id, ts(not_before)],
    )?;
    Ok(())
}

/// Removes the answers that were out when the last delivery stopped (a crash, a kill): they may
/// have been delivered. Returns their chats.
pub fn drop_abandoned(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare("DELETE FROM telegram_answers WHERE started_at IS NOT NULL RETURNING chat_id")?;
    let chats = stmt.query_map([], |r| r.get(0))?;
    Ok(chats.collect::<rusqlite::Result<_>>()?)
}

/// Removes the answers asked for before `before` and not delivered since (not out now). Returns
/// their chats.
pub fn drop_stale(conn: &Connection, before: DateTime<Utc>) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM telegram_answers WHERE created_at < ?1 AND started_at IS NULL
         RETURNING chat_id",
    )?;
    let chats = stmt.query_map([ts(before)], |r| r.get(0))?;
    Ok(chats.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn each_chat_in_its_order_held_ones_later_and_out_ones_dropped() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let s = chrono::Duration::seconds;
        for (chat, action) in [(1, "a1"), (2, "b1"), (1, "a2"), (3, "c1")] {
            queue(c, chat, action, t, None).unwrap();
        }
        let actions = |d: Turns| d.due.into_iter().map(|d| d.action).collect::<Vec<_>>();
        assert_eq!(actions(due(c, t, &[], t).unwrap()), ["a1", "b1", "c1"]);
        assert_eq!(actions(due(c, t, &[2], t).unwrap()), ["a1", "c1"]);
        let first = due(c, t, &[], t).unwrap().due;
        started(c, first[0].id, t).unwrap();
        assert_eq!(
            actions(due(c, t, &[], t).unwrap()),
            ["b1", "c1"],
            "a1 is out"
        );
        done(c, first[0].id).unwrap();
        assert_eq!(actions(due(c, t, &[], t).unwrap()), ["b1", "a2", "c1"]);
        // b1: Telegram asked to wait 30 s.
        later(c, first[1].id, t + s(30)).unwrap();
        assert_eq!(actions(due(c, t, &[], t).unwrap()), ["a2", "c1"]);
        assert_eq!(next_release(c, t).unwrap(), Some(t + s(30)));
        assert_eq!(
            actions(due(c, t + s(30), &[], t + s(30)).unwrap()),
            ["b1", "a2", "c1"]
        );
        // c1 was out when cobrador stopped: dropped, not repeated.
        let c1 = due(c, t, &[], t).unwrap().due.pop().unwrap();
        started(c, c1.id, t).unwrap();
        assert_eq!(drop_abandoned(c).unwrap(), [3]);
        let mut stale = drop_stale(c, t + s(1)).unwrap();
        stale.sort_unstable();
        assert_eq!(stale, [1, 2]);
        assert!(due(c, t + s(60), &[], t + s(60)).unwrap().due.is_empty());
    }

    /// tg30 Z1: an answer waits for the outbox messages to its chat queued before it, while
    /// they are due and unsent, and for a while only; one queued after it does not hold it.
    #[test]
    fn an_answer_waits_for_the_outbox_messages_to_its_chat_queued_before_it() {
        let store = Store::open_in_memory().unwrap();
        let c = store.conn();
        let t = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let s = chrono::Duration::seconds;
        let outbox = |id: i64, to: &str, send_at: DateTime<Utc>| {
            c.execute(
                "INSERT INTO outbox (id, dedup_key, client_id, stage, cycle, channel, recipients,
                                     body_text, send_at, created_at)
                 VALUES (?1, ?1, 'C1', 'ack_promise', 'x', 'telegram', ?2, '', ?3, ?3)",
                params![id, to, ts(send_at)],
            )
            .unwrap();
        };
        c.execute(
            "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
             VALUES ('C1', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')",
            [],
        )
        .unwrap();
        outbox(1, r#"["7"]"#, t);
        outbox(2, r#"["8"]"#, t + s(3600));
        for chat in [7, 8, 9] {
            queue(c, chat, "answer", t, last_outbox(c).unwrap()).unwrap();
        }
        outbox(3, r#"["9"]"#, t);
        let chats = |turns: Turns| {
            let held = turns.held;
            (
                turns.due.into_iter().map(|d| d.chat).collect::<Vec<_>>(),
                held,
            )
        };
        // 7 waits for message 1; 8's message is not due until the contact window; 9's was
        // queued after its answer.
        assert_eq!(chats(due(c, t, &[], t).unwrap()), (vec![8, 9], true));
        // Not for ever: an answer queued before `wait_from` goes.
        assert_eq!(
            chats(due(c, t, &[], t + s(1)).unwrap()),
            (vec![7, 8, 9], false)
        );
        c.execute("UPDATE outbox SET status = 'sent' WHERE id = 1", [])
            .unwrap();
        assert_eq!(chats(due(c, t, &[], t).unwrap()), (vec![7, 8, 9], false));
    }
}
