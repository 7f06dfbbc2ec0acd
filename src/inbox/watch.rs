//! The long-lived inbox watcher used by the daemon: one IMAP session, a pass over the mailbox
//! (see [`super::check`]), then IDLE until the server says something arrived — re-issued at
//! most every 25 minutes (servers drop IDLE after 30), with `DONE` bounded — or, on a server
//! without IDLE, a pass every `poll-secs`. Any error drops the session and reconnects after a
//! backoff (1 s doubling to 5 min, with jitter, reset after a good pass). Cancelling
//! `shutdown` returns promptly, from IDLE, from a backoff sleep or between messages.
//!
//! The watcher opens its own [`Store`] from the database path; each message is one short
//! transaction, and no transaction is held across an `.await`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use async_imap::extensions::idle::IdleResponse;
use tokio_util::sync::CancellationToken;

use super::check::pass;
use crate::channel::imap::{Account, IMAP_TIMEOUT, ImapSession, bounded};
use crate::config::Config;
use crate::domain::Clock;
use crate::render::Renderer;
use crate::store::Store;

/// IDLE is re-issued after this long (RFC 2177: servers may drop it after 30 minutes).
pub const IDLE_REISSUE: Duration = Duration::from_secs(25 * 60);
/// First reconnection delay.
const BACKOFF_MIN: Duration = Duration::from_secs(1);
/// Longest reconnection delay.
const BACKOFF_MAX: Duration = Duration::from_secs(300);

/// Watches `[email.imap] mailbox` until `shutdown` is cancelled; calls `on_change` after each
/// pass that recorded something, and cancels `caught_up` after the first one (what waited in
/// the mailbox is read: the daemon's first pass waits for it).
pub async fn watch(
    config: Arc<Config>,
    renderer: Arc<Renderer>,
    clock: Clock,
    shutdown: CancellationToken,
    caught_up: CancellationToken,
    on_change: impl Fn() + Send + Sync + 'static,
) -> Result<()> {
    let imap = config
        .email
        .imap
        .as_ref()
        .context("email.imap is not configured: add an [email.imap] section to read replies")?;
    let account = Account::new(imap)?;
    let reader = Reader {
        account: &account,
        config: &config,
        renderer: &renderer,
        clock,
    };
    let mut store = Store::open_existing(&config.database)?;
    let mut delay = BACKOFF_MIN;
    loop {
        if shutdown.is_cancelled() {
            return Ok(());
        }
        let mut good_pass = false;
        let outcome = tokio::select! {
            r = session(&reader, &mut store, &shutdown, &caught_up, &on_change, &mut good_pass) => r,
            _ = shutdown.cancelled() => return Ok(()),
        };
        match outcome {
            Ok(()) => return Ok(()),
            Err(e) => {
                if good_pass {
                    delay = BACKOFF_MIN;
                }
                let wait = jitter(delay);
                tracing::warn!(
                    error = %format!("{e:#}"),
                    retry_in_ms = wait.as_millis() as u64,
                    "IMAP watcher lost its session; reconnecting."
                );
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.cancelled() => return Ok(()),
                }
                delay = (delay * 2).min(BACKOFF_MAX);
            }
        }
    }
}

/// ±50 % so that many daemons restarted together do not reconnect in step.
fn jitter(d: Duration) -> Duration {
    d.mul_f64(0.5 + fastrand::f64())
}

/// What every pass of the watcher reads with: the account, the configuration, the templates
/// and the daemon's clock (each pass is at `clock.now()`).
struct Reader<'a> {
    account: &'a Account,
    config: &'a Config,
    renderer: &'a Renderer,
    clock: Clock,
}

/// One connection's life: passes and waits until an error (returned) or shutdown (`Ok`).
async fn session(
    reader: &Reader<'_>,
    store: &mut Store,
    shutdown: &CancellationToken,
    caught_up: &CancellationToken,
    on_change: &(impl Fn() + Send + Sync),
    good_pass: &mut bool,
) -> Result<()> {
    let Reader {
        account,
        config,
        renderer,
        clock,
    } = *reader;
    let server = account.server();
    let mut session = account.connect().await?;
    let idle = bounded(&server, async {
        session
            .capabilities()
            .await
            .context("IMAP CAPABILITY failed")
    })
    .await?
    .has_str("IDLE");
    let poll = Duration::from_secs(
        config
            .email
            .imap
            .as_ref()
            .map_or(60, |i| i.poll_secs.max(1)),
    );
    loop {
        let report = pass(&mut session, account, config, renderer, store, clock.now()).await?;
        *good_pass = true;
        caught_up.cancel();
        if report.changed() {
            tracing::info!(
                applied = report.applied,
                needs_review = report.needs_review,
                "Inbox: messages recorded."
            );
            on_change();
        }
        if shutdown.is_cancelled() {
            let _ = tokio::time::timeout(IMAP_TIMEOUT, session.logout()).await;
            return Ok(());
        }
        if idle {
            let (back, cancelled) = idle_once(session, &server, shutdown).await?;
            session = back;
            if cancelled {
                let _ = tokio::time::timeout(IMAP_TIMEOUT, session.logout()).await;
                return Ok(());
            }
        } else {
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = shutdown.cancelled() => {
                    let _ = tokio::time::timeout(IMAP_TIMEOUT, session.logout()).await;
                    return Ok(());
                }
            }
        }
    }
}

/// Waits in IDLE until the server reports something, [`IDLE_REISSUE`] passes, or shutdown;
/// returns the session (after a bounded `DONE`) and whether shutdown was asked.
async fn idle_once(
    session: ImapSession,
    server: &str,
    shutdown: &CancellationToken,
) -> Result<(ImapSession, bool)> {
    let mut handle = session.idle();
    bounded(server, async {
        handle.init().await.context("IMAP IDLE did not start")
    })
    .await?;
    let cancelled = {
        let (wait, stop) = handle.wait_with_timeout(IDLE_REISSUE);
        tokio::pin!(wait);
        tokio::select! {
            r = &mut wait => {
                match r.context("IMAP IDLE failed")? {
                    // A closed connection also ends the wait this way; DONE below finds out.
                    IdleResponse::ManualInterrupt | IdleResponse::Timeout | IdleResponse::NewData(_) => {}
                }
                false
            }
            _ = shutdown.cancelled() => {
                drop(stop);
                true
            }
        }
    };
    let session = bounded(server, async {
        handle.done().await.context("IMAP IDLE did not end (DONE)")
    })
    .await?;
    Ok((session, cancelled))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_watcher_can_be_spawned() {
        fn is_send<T: Send + 'static>(_: &T) {}
        let config = crate::config::Config::parse(
            "[business]\nname = \"x\"\nemail = \"a@b.example\"\ncountry = \"ES\"\n",
            "t.toml",
        );
        if let Ok(config) = config {
            let fut = super::watch(
                std::sync::Arc::new(config),
                std::sync::Arc::new(crate::render::Renderer::new(None).unwrap()),
                crate::domain::Clock::real(),
                tokio_util::sync::CancellationToken::new(),
                tokio_util::sync::CancellationToken::new(),
                || {},
            );
            is_send(&fut);
        }
    }
}
