//! Telegram's pace, kept for every message a bot sends: at most one message per second to a
//! chat and about thirty per second overall; a 429 pauses every send for its `retry_after`.
//!
//! Each [`Bot`](super::api::Bot) has one [`Pacer`], shared by its clones: the outbox's
//! channel keeps its bot's, and the poller's immediate answers (greetings, notices, forwards,
//! edits) keep the poller's. [`Pacer::send`] is the one way a message goes out: it waits for
//! the chat's turn, and after a 429 waits the server's `retry_after` once when that is short
//! enough; a pause longer than the caller may wait is not slept through but returned.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

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
    paused_until: Option<Instant>,
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
    /// Sends one message to `chat` with `call`, in the chat's turn. A 429 pauses every send
    /// of the bot for its `retry_after`; when that is at most `max_wait` seconds it is waited
    /// out and the message tried once more. The error of the last try is returned (with
    /// [`ApiError::retry_after`] when Telegram still asks to wait).
    pub async fn send<T, F, Fut>(
        &self,
        chat: i64,
        max_wait: u64,
        mut call: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut waited = false;
        loop {
            // An earlier 429 still holds every send: not slept through when it is longer than
            // this caller may wait (the poller would read nothing meanwhile).
            if let Some(secs) = self.paused_for().filter(|s| *s > max_wait) {
                return Err(ApiError::Paused { secs });
            }
            self.wait_turn(chat).await;
            let sent = call().await;
            self.done(chat);
            let err = match sent {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            match err.retry_after() {
                Some(secs) => {
                    self.pause(secs);
                    if waited || secs > max_wait {
                        return Err(err);
                    }
                    tracing::info!(chat, secs, "Telegram asked to slow down; waiting.");
                    waited = true;
                }
                None => return Err(err),
            }
        }
    }

    /// Waits for this chat's turn and reserves it.
    async fn wait_turn(&self, chat: i64) {
        let wait_until = {
            let Ok(mut pace) = self.pace.lock() else {
                return;
            };
            let now = Instant::now();
            let mut at = now;
            for limit in [
                pace.paused_until,
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

    /// Whole seconds (rounded up) until an earlier 429's pause ends, if one is on.
    fn paused_for(&self) -> Option<u64> {
        let until = self.pace.lock().ok()?.paused_until?;
        let left = until.checked_duration_since(Instant::now())?;
        (!left.is_zero()).then(|| left.as_secs() + u64::from(left.subsec_nanos() > 0))
    }

    fn pause(&self, secs: u64) {
        if let Ok(mut pace) = self.pace.lock() {
            let until = Instant::now() + Duration::from_secs(secs);
            pace.paused_until = Some(pace.paused_until.map_or(until, |p| p.max(until)));
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
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_gets_one_message_a_second_and_a_short_429_is_waited_out_once() {
        let pacer = Pacer::default();
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..3 {
            pacer
                .send(1, 5, || {
                    at.push(start.elapsed());
                    async { Ok::<_, ApiError>(()) }
                })
                .await
                .unwrap();
        }
        assert_eq!(at[1] - at[0], PER_CHAT);
        assert_eq!(at[2] - at[1], PER_CHAT);
        // Another chat is not held up by the first one's second, only by the overall pace.
        let before = Instant::now();
        pacer
            .send(2, 5, || async { Ok::<_, ApiError>(()) })
            .await
            .unwrap();
        assert!(before.elapsed() <= OVERALL);

        // A 429 of 3 s: waited out, then sent; a second 429 is returned.
        let mut tries = 0;
        let before = Instant::now();
        let sent = pacer
            .send(3, 5, || {
                tries += 1;
                let first = tries == 1;
                async move { if first { Err(too_many(3)) } else { Ok(()) } }
            })
            .await;
        assert!(sent.is_ok() && tries == 2);
        assert!(before.elapsed() >= Duration::from_secs(3));
        let mut tries = 0;
        let refused = pacer
            .send(4, 5, || {
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
            .send(5, 5, || {
                tries += 1;
                async { Err::<(), _>(too_many(60)) }
            })
            .await
            .unwrap_err();
        assert_eq!((refused.retry_after(), tries), (Some(60), 1));
        assert!(before.elapsed() < Duration::from_secs(60));
        // Meanwhile every send is held: one that may wait 5 s is not made, and not slept on.
        let before = Instant::now();
        let mut tries = 0;
        let held = pacer
            .send(6, 5, || {
                tries += 1;
                async { Ok::<_, ApiError>(()) }
            })
            .await
            .unwrap_err();
        assert_eq!((held.retry_after(), tries), (Some(60), 0));
        assert!(held.is_transient());
        assert!(before.elapsed() < Duration::from_secs(1));
        // One that may wait longer waits its turn and goes.
        pacer
            .send(6, 120, || async { Ok::<_, ApiError>(()) })
            .await
            .unwrap();
        assert!(before.elapsed() >= Duration::from_secs(59));
    }
}
