//! Telegram's pace, kept for every message a bot sends: at most one message per second to a
//! chat and about thirty per second overall; a 429 holds the chat it came for until its
//! `retry_after` ends.
//!
//! One [`Pacer`] per bot in the process ([`Pacer::for_bot`], keyed by the Bot API's address and
//! the token): Telegram counts a bot's messages whoever sends them, so the outbox's reminders
//! and the poller's immediate answers (greetings, notices, forwards, edits) take their turns in
//! the same chats. [`Pacer::send`] is the one way a message goes out: it waits for the chat's
//! turn, and after a 429 waits the server's `retry_after` once when that is short enough; a
//! pause longer than the caller may wait is not slept through but returned.
//!
//! A 429 holds only its chat. Telegram does not say which limit a 429 is for; the overall pace
//! is kept here (thirty a second), so the one a bot can still run into is a chat's own, and
//! holding every chat for one client's flood would keep the others' answers waiting for
//! nothing. The pause is counted on the caller's clock (`now`), as every date in cobrador is:
//! a rehearsal's clock, or `--now`, sees it end when its own time says so.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::api::ApiError;

/// Telegram's documented pace: one message per second in a chat.
const PER_CHAT: Duration = Duration::from_secs(1);
/// ... and about thirty per second overall.
const OVERALL: Duration = Duration::from_millis(34);

#[derive(Default)]
struct Pace {
    per_chat: HashMap<i64, Instant>,
    next_any: Option<Instant>,
    /// Chats a 429 holds, until this instant of the callers' clock.
    paused: HashMap<i64, DateTime<Utc>>,
}

/// The pace of one bot's sends.
#[derive(Default)]
pub struct Pacer {
    pace: Mutex<Pace>,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pacer")
    }
}

impl Pacer {
    /// The pacer of the bot `token` at `api_base`, shared by every [`Bot`](super::api::Bot)
    /// of the process built for it.
    pub fn for_bot(api_base: &str, token: &str) -> Arc<Pacer> {
        static PACERS: OnceLock<Mutex<HashMap<String, Arc<Pacer>>>> = OnceLock::new();
        let key = format!("{}\n{token}", api_base.trim_end_matches('/'));
        let mut pacers = PACERS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pacers.entry(key).or_default().clone()
    }

    /// Sends one message to `chat` with `call`, in the chat's turn, at `now` on the caller's
    /// clock. A 429 holds the chat for its `retry_after`; when that is at most `max_wait`
    /// seconds it is waited out and the message tried once more. The error of the last try is
    /// returned (with [`ApiError::retry_after`] when Telegram still asks to wait).
    pub async fn send<T, F, Fut>(
        &self,
        chat: i64,
        now: DateTime<Utc>,
        max_wait: u64,
        mut call: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        // An earlier 429 still holds the chat: not slept through when it is longer than this
        // caller may wait; a shorter one is waited out in the chat's turn.
        let mut hold = Duration::ZERO;
        if let Some(secs) = self.paused_for(chat, now) {
            if secs > max_wait {
                return Err(ApiError::Paused { secs });
            }
            hold = Duration::from_secs(secs);
        }
        let mut waited = false;
        loop {
            self.wait_turn(chat, hold).await;
            let sent = call().await;
            self.done(chat);
            let err = match sent {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match err.retry_after() {
                Some(secs) => {
                    self.pause(chat, now, secs);
                    if waited || secs > max_wait {
                        return Err(err);
                    }
                    tracing::info!(chat, secs, "Telegram asked to slow down; waiting.");
                    hold = Duration::from_secs(secs);
                    waited = true;
                }
                None => return Err(err),
            }
        }
    }

    /// How long until `chat`'s next turn (zero: now), without taking it: a caller that marks a
    /// message as going out (the bot's answers) waits for the turn first.
    pub fn turn_in(&self, chat: i64) -> Duration {
        let Ok(pace) = self.pace.lock() else {
            return Duration::ZERO;
        };
        pace.per_chat.get(&chat).map_or(Duration::ZERO, |t| {
            (*t + PER_CHAT).saturating_duration_since(Instant::now())
        })
    }

    /// Waits for this chat's turn (and `hold` more, a 429's pause) and reserves it.
    async fn wait_turn(&self, chat: i64, hold: Duration) {
        let wait_until = {
            let Ok(mut pace) = self.pace.lock() else {
                return;
            };
            let now = Instant::now();
            let mut at = now + hold;
            for limit in [
                pace.next_any,
                pace.per_chat.get(&chat).map(|t| *t + PER_CHAT),
            ]
            .into_iter()
            .flatten()
            {
                at = at.max(limit);
            }
            pace.next_any = Some(at + OVERALL);
            pace.per_chat.insert(chat, at);
            // Chats whose last message is past its second need no memory.
            pace.per_chat.retain(|_, t| *t + PER_CHAT > now);
            at
        };
        tokio::time::sleep_until(wait_until).await;
    }

    /// Counts the chat's second from the end of the exchange: the next message then reaches
    /// Telegram at least a second after this one did, whatever the network's delays.
    fn done(&self, chat: i64) {
        if let Ok(mut pace) = self.pace.lock() {
            pace.per_chat.insert(chat, Instant::now());
        }
    }

    /// Whole seconds (rounded up) until an earlier 429's pause of `chat` ends at `now`, if one
    /// is on.
    fn paused_for(&self, chat: i64, now: DateTime<Utc>) -> Option<u64> {
        let until = *self.pace.lock().ok()?.paused.get(&chat)?;
        let left = (until - now).to_std().ok()?;
        (!left.is_zero()).then(|| left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }

    fn pause(&self, chat: i64, now: DateTime<Utc>, secs: u64) {
        if let Ok(mut pace) = self.pace.lock() {
            // A year at most: beyond it, a server's number means nothing but an overflow.
            let secs = i64::try_from(secs.min(366 * 86_400)).unwrap_or_default();
            let until = now + chrono::Duration::seconds(secs);
            pace.paused.retain(|_, t| *t > now);
            let held = pace.paused.entry(chat).or_insert(until);
            *held = (*held).max(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_many(secs: u64) -> ApiError {
        ApiError::Refused {
            method: "sendMessage",
            code: 429,
            description: format!("Too Many Requests: retry after {secs}"),
            retry_after: Some(secs),
            migrate_to: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_gets_one_message_a_second_and_a_short_429_is_waited_out_once() {
        let pacer = Pacer::default();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..3 {
            pacer
                .send(1, now, 5, || {
                    at.push(start.elapsed());
                    async { Ok::<_, ApiError>(()) }
                })
                .await
                .unwrap();
        }
        assert_eq!(at[1] - at[0], PER_CHAT);
        assert_eq!(at[2] - at[1], PER_CHAT);
        assert_eq!(pacer.turn_in(1), PER_CHAT);
        assert_eq!(pacer.turn_in(2), Duration::ZERO);
        // Another chat is not held up by the first one's second, only by the overall pace.
        let before = Instant::now();
        pacer
            .send(2, now, 5, || async { Ok::<_, ApiError>(()) })
            .await
            .unwrap();
        assert!(before.elapsed() <= OVERALL);

        // A 429 of 3 s: waited out, then sent; a second 429 is returned.
        let mut tries = 0;
        let before = Instant::now();
        let sent = pacer
            .send(3, now, 5, || {
                tries += 1;
                let first = tries == 1;
                async move { if first { Err(too_many(3)) } else { Ok(()) } }
            })
            .await;
        assert!(sent.is_ok() && tries == 2);
        assert!(before.elapsed() >= Duration::from_secs(3));
        let mut tries = 0;
        let refused = pacer
            .send(4, now, 5, || {
                tries += 1;
                async { Err::<(), _>(too_many(2)) }
            })
            .await
            .unwrap_err();
        assert_eq!((refused.retry_after(), tries), (Some(2), 2));
        // Longer than allowed: not waited in place.
        let mut tries = 0;
        let before = Instant::now();
        let refused = pacer
            .send(5, now, 5, || {
                tries += 1;
                async { Err::<(), _>(too_many(60)) }
            })
            .await
            .unwrap_err();
        assert_eq!((refused.retry_after(), tries), (Some(60), 1));
        assert!(before.elapsed() < Duration::from_secs(60));
        // Meanwhile that chat is held: a send that may wait 5 s is not made, and not slept on.
        let before = Instant::now();
        let mut tries = 0;
        let held = pacer
            .send(5, now, 5, || {
                tries += 1;
                async { Ok::<_, ApiError>(()) }
            })
            .await
            .unwrap_err();
        assert_eq!((held.retry_after(), tries), (Some(60), 0));
        assert!(held.is_transient());
        assert!(before.elapsed() < Duration::from_secs(1));
        // Other chats are not.
        pacer
            .send(6, now, 5, || async { Ok::<_, ApiError>(()) })
            .await
            .unwrap();
        assert!(before.elapsed() < Duration::from_secs(1));
        // On the clock, the pause ends with its minute; a send that may wait longer waits the
        // rest in the chat's turn.
        let later = now + chrono::Duration::seconds(60);
        pacer
            .send(5, later, 5, || async { Ok::<_, ApiError>(()) })
            .await
            .unwrap();
        let before = Instant::now();
        pacer
            .send(5, later, 5, || async { Err::<(), _>(too_many(30)) })
            .await
            .unwrap_err();
        pacer
            .send(5, later + chrono::Duration::seconds(20), 10, || async {
                Ok::<_, ApiError>(())
            })
            .await
            .unwrap();
        assert!(before.elapsed() >= Duration::from_secs(10));
    }

    #[test]
    fn one_pacer_per_bot() {
        let a = Pacer::for_bot("http://127.0.0.1:1/", "1:a");
        assert!(Arc::ptr_eq(
            &a,
            &Pacer::for_bot("http://127.0.0.1:1", "1:a")
        ));
        assert!(!Arc::ptr_eq(
            &a,
            &Pacer::for_bot("http://127.0.0.1:1", "1:b")
        ));
        assert!(!Arc::ptr_eq(
            &a,
            &Pacer::for_bot("http://127.0.0.1:2", "1:a")
        ));
    }
}
