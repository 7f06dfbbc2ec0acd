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

/// Queues an answer for `chat` (inside the update's transaction).
pub fn queue(conn: &Connection, chat: i64, action: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO telegram_answers (chat_id, action, created_at, not_before)
         VALUES (?1, ?2, ?3, ?3)",
        params![chat, action, ts(now)],
    )?;
    Ok(())
}

/// The first answer of every chat that may go at `now`: not held (`not_before`), not out
/// already, and its chat not in `busy` (one request at a time in a chat keeps its order).
pub fn due(conn: &Connection, now: DateTime<Utc>, busy: &[i64]) -> Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.chat_id, a.action, a.not_before, a.started_at FROM telegram_answers a
         WHERE a.id = (SELECT min(b.id) FROM telegram_answers b WHERE b.chat_id = a.chat_id)
         ORDER BY a.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Due {
                id: r.get(0)?,
                chat: r.get(1)?,
                action: r.get(2)?,
            },
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut due = Vec::new();
    for row in rows {
        let (answer, not_before, started) = row?;
        if started.is_none() && parse_ts(&not_before)? <= now && !busy.contains(&answer.chat) {
            due.push(answer);
        }
    }
    Ok(due)
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
            queue(c, chat, action, t).unwrap();
        }
        let actions = |d: Vec<Due>| d.into_iter().map(|d| d.action).collect::<Vec<_>>();
        assert_eq!(actions(due(c, t, &[]).unwrap()), ["a1", "b1", "c1"]);
        assert_eq!(actions(due(c, t, &[2]).unwrap()), ["a1", "c1"]);
        let first = due(c, t, &[]).unwrap();
        started(c, first[0].id, t).unwrap();
        assert_eq!(actions(due(c, t, &[]).unwrap()), ["b1", "c1"], "a1 is out");
        done(c, first[0].id).unwrap();
        assert_eq!(actions(due(c, t, &[]).unwrap()), ["b1", "a2", "c1"]);
        // b1: Telegram asked to wait 30 s.
        later(c, first[1].id, t + s(30)).unwrap();
        assert_eq!(actions(due(c, t, &[]).unwrap()), ["a2", "c1"]);
        assert_eq!(next_release(c, t).unwrap(), Some(t + s(30)));
        assert_eq!(actions(due(c, t + s(30), &[]).unwrap()), ["b1", "a2", "c1"]);
        // c1 was out when cobrador stopped: dropped, not repeated.
        let c1 = due(c, t, &[]).unwrap().pop().unwrap();
        started(c, c1.id, t).unwrap();
        assert_eq!(drop_abandoned(c).unwrap(), [3]);
        let mut stale = drop_stale(c, t + s(1)).unwrap();
        stale.sort_unstable();
        assert_eq!(stale, [1, 2]);
        assert!(due(c, t + s(60), &[]).unwrap().is_empty());
    }
}
