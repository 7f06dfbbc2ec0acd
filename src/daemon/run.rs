//! `cobrador run`: the daemon. Passes on a schedule and on change, watchers supervised, signals,
//! systemd notify. See the module doc of [`crate::daemon`] for the loop itself.
//!
//! - **When a pass runs**: at start, once the watchers have read what waited for them; every `daemon.plan-interval-secs`; when the next queued or
//!   retrying message falls due; at once when a watcher applied a reply or another process
//!   changed the database (`PRAGMA data_version`, looked at every `daemon.change-poll-secs`).
//! - **SIGTERM / SIGINT**: no new send starts; the sends in flight finish (each is bounded by the
//!   channel's timeout); watchers stop; SMTP connections are closed; exit 0. Nothing stays
//!   `sending`.
//! - **SIGHUP**: the configuration and templates are read again; an invalid file is logged with
//!   its `FILE:LINE` and the running configuration stays in force.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Clock, InstanceLock, Loop, PassReport, Steps, WatchContext, notify, pass, supervise};
use crate::config::Config;
use crate::store::{Store, outbox};

/// Loads the configuration (at start and on SIGHUP).
pub type Loader = Box<dyn Fn() -> Result<Config> + Send + Sync>;

/// Runs the daemon until SIGTERM/SIGINT or `shutdown` is cancelled.
pub async fn run(load: Loader, clock: Clock, shutdown: CancellationToken) -> Result<()> {
    let config = Arc::new(load()?);
    let _lock = InstanceLock::acquire(&config.database, "run", Duration::ZERO)?;
    // The daemon owns its state directory: a missing database is created (and migrated).
    let mut store = Store::open(&config.database)?;
    let mut lp = Loop::from_config(config.clone())?;
    let changed = Arc::new(Notify::new());
    let mut reload = listen_to_signals(shutdown.clone())?;
    let mut watchers = Watchers::start(&lp, &shutdown, &changed, clock);
    tracing::info!(
        database = %config.database.display(),
        channels = ?lp.channels.iter().map(|c| c.dyn_name()).collect::<Vec<_>>(),
        sources = ?lp.sources.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "cobrador is running"
    );
    notify::ready("started");
    watchers.caught_up(&shutdown).await;
    let mut version = data_version(&store)?;
    // The schedule is in monotonic real time: the clock (real or a rehearsal's) advances at the
    // normal speed, so an interval is the same on both; dates are read from `clock` only.
    let mut next_pass = Instant::now();
    let tick = notify::watchdog_interval()
        .unwrap_or(Duration::MAX)
        .min(Duration::from_secs(
            lp.config.daemon.change_poll_secs.max(1),
        ));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            Some(()) = reload.recv() => {
                if let Some(new) = reloaded(&load, &lp) {
                    watchers.stop().await;
                    lp = new;
                    watchers = Watchers::start(&lp, &shutdown, &changed, clock);
                    next_pass = Instant::now();
                }
                notify::ready("configuration reloaded");
            }
            _ = changed.notified() => next_pass = Instant::now(),
            _ = tokio::time::sleep_until(next_pass.min(Instant::now() + tick)) => {}
        }
        notify::watchdog();
        let now_version = data_version(&store)?;
        if now_version != version {
            tracing::info!("the database changed (a payment, an import, a reply): planning again");
            version = now_version;
            next_pass = Instant::now();
        }
        if Instant::now() < next_pass || shutdown.is_cancelled() {
            continue;
        }
        let report = pass(
            &mut store,
            &lp,
            clock.now(),
            Steps { read: false },
            &shutdown,
        )
        .await;
        let again = report.as_ref().is_ok_and(PassReport::plan_again);
        match report {
            Ok(report) => log_pass(&store, &report),
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "pass failed; trying again at the next one")
            }
        }
        // Someone else's change during the pass (seen by its groups or at sending) is planned
        // at once; the pass's own writes, through a second connection for a large book, are
        // not a reason to plan again.
        next_pass = if again {
            Instant::now()
        } else {
            next_wake(&store, &lp.config, clock)
        };
        version = data_version(&store)?;
        give_back_freed_memory();
    }
    notify::stopping();
    tracing::info!("stopping: no new sends; waiting for the watchers");
    watchers.stop().await;
    lp.channels.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// TERM and INT cancel `shutdown`; HUP sends on the returned channel.
fn listen_to_signals(shutdown: CancellationToken) -> Result<mpsc::Receiver<()>> {
    let mut term = signal(SignalKind::terminate()).context("cannot listen to SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot listen to SIGINT")?;
    let mut hup = signal(SignalKind::hangup()).context("cannot listen to SIGHUP")?;
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = term.recv() => { tracing::info!("SIGTERM received"); shutdown.cancel(); break }
                _ = int.recv() => { tracing::info!("SIGINT received"); shutdown.cancel(); break }
                _ = hup.recv() => {
                    tracing::info!("SIGHUP received: reloading the configuration");
                    let _ = tx.try_send(());
                }
                _ = shutdown.cancelled() => break,
            }
        }
    });
    Ok(rx)
}

/// The new loop after SIGHUP, or `None` (logged) when the new configuration is invalid.
fn reloaded(load: &Loader, old: &Loop) -> Option<Loop> {
    notify::reloading();
    let new = load().and_then(|config| {
        if config.database != old.config.database {
            anyhow::bail!(
                "database: changed from {} to {}; a new database needs a restart (systemctl restart cobrador)",
                old.config.database.display(),
                config.database.display()
            );
        }
        Loop::from_config(Arc::new(config))
    });
    match new {
        Ok(lp) => {
            tracing::info!("configuration and templates reloaded");
            Some(lp)
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the new configuration is invalid; keeping the running one");
            None
        }
    }
}

/// When the next pass is due: the plan interval, or sooner if a message falls due before.
fn next_wake(store: &Store, config: &Config, clock: Clock) -> Instant {
    let interval = Duration::from_secs(config.daemon.plan_interval_secs.max(1));
    let mut wake = Instant::now() + interval;
    if let Ok(Some(due)) = outbox::next_due(store.conn()) {
        let in_ = (due - clock.now()).to_std().unwrap_or(Duration::ZERO);
        wake = wake.min(Instant::now() + in_ + Duration::from_secs(1));
    }
    wake
}

/// Hands the heap pages that a pass (or the start-up, before the first one) freed back to the
/// system. glibc returns only the top of the main heap by itself; free pages between live
/// blocks, and in the worker threads' arenas, stay resident until `malloc_trim`. The daemon
/// then idles for minutes, so they are worth the few microseconds: ~0.25 MB after start-up
/// (measured), more after a pass that rendered thousands of messages.
///
/// Two allocators hold such pages: glibc's (SQLite's page caches and statements) and jemalloc,
/// the binary's global allocator (everything Rust allocates), which keeps freed pages for a
/// decay time before it returns them; both are told to give them back now.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas, under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
    let status = purge_jemalloc();
    if status != 0 {
        tracing::debug!(status, "jemalloc did not purge its arenas");
    }
}

/// `arena.<MALLCTL_ARENAS_ALL>.purge`: every jemalloc arena's unused dirty pages go back to
/// the system at once. Returns `mallctl`'s status (0: done). In a test binary, whose allocator
/// is the system's, jemalloc starts with nothing to purge.
fn purge_jemalloc() -> i32 {
    let purge = c"arena.4096.purge";
    // SAFETY: a valid NUL-terminated name; this control takes no input and gives no output.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            purge.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        )
    }
}

/// Changes when another connection commits (SQLite's `PRAGMA data_version`).
fn data_version(store: &Store) -> Result<i64> {
    Ok(store
        .conn()
        .query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

fn log_pass(store: &Store, r: &PassReport) {
    let q = &r.queued;
    let f = &r.flushed;
    if r.did_something() {
        tracing::info!(
            queued = q.queued.len(),
            sent = f.sent,
            retry = f.retry,
            dead = f.dead,
            uncertain = f.recovered_uncertain,
            withdrawn = f.cancelled,
            "pass"
        );
    } else {
        tracing::debug!("pass: nothing to do");
    }
    for (client, stage, id) in &q.queued {
        tracing::info!(client = %client, stage = %stage, outbox = id, "queued");
    }
    for e in &q.errors {
        tracing::warn!(error = %e, "planning problem");
    }
    if let Some(note) = q.changed_meanwhile_note() {
        tracing::info!("{note}");
    }
    for w in &f.warnings {
        tracing::warn!(warning = %w, "sending problem");
    }
    if let Some(why) = &f.stopped {
        tracing::warn!(reason = %why, "sending paused until the next retry");
    }
    let counts = outbox::counts(store.conn()).unwrap_or_default();
    let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    notify::status(&format!(
        "last pass {}: {} queued, {} sent; outbox: {}",
        r.at.format("%Y-%m-%d %H:%M"),
        q.queued.len(),
        f.sent,
        if counts.is_empty() {
            "empty".to_owned()
        } else {
            counts.join(", ")
        }
    ));
}

/// How long the first pass waits for the watchers to read what waited for them (a mailbox
/// that cannot be reached, say, is not waited for longer: its replies are read when it can be).
const CATCH_UP_WAIT: Duration = Duration::from_secs(30);

/// The supervised watcher tasks of the inbox sources.
struct Watchers {
    token: CancellationToken,
    handles: Vec<JoinHandle<()>>,
    /// Per source, cancelled once it has read what was waiting when it started.
    caught_up: Vec<(&'static str, CancellationToken)>,
}

impl Watchers {
    fn start(
        lp: &Loop,
        shutdown: &CancellationToken,
        changed: &Arc<Notify>,
        clock: Clock,
    ) -> Watchers {
        let token = shutdown.child_token();
        let mut caught_up = Vec::new();
        let handles = lp
            .sources
            .iter()
            .map(|source| {
                let source = source.clone();
                let ctx = WatchContext {
                    config: lp.config.clone(),
                    renderer: lp.renderer.clone(),
                    shutdown: token.clone(),
                    changed: changed.clone(),
                    clock,
                    caught_up: CancellationToken::new(),
                };
                caught_up.push((source.name(), ctx.caught_up.clone()));
                supervise::spawn(source.name(), token.clone(), move || {
                    source.watch(ctx.clone())
                })
            })
            .collect();
        Watchers {
            token,
            handles,
            caught_up,
        }
    }

    /// Waits until every watcher has read what was waiting when it started (at most
    /// [`CATCH_UP_WAIT`]), so that the first pass plans from the clients' latest answers: a
    /// dispute or a promise that waited at Telegram or in the mailbox while cobrador was
    /// stopped must stop the reminder that pass would otherwise send (README: "a pass (read
    /// replies → plan → queue → send) at start").
    async fn caught_up(&self, shutdown: &CancellationToken) {
        let all = futures_util::future::join_all(self.caught_up.iter().map(|(_, t)| t.cancelled()));
        tokio::select! {
            _ = all => {}
            _ = shutdown.cancelled() => {}
            _ = tokio::time::sleep(CATCH_UP_WAIT) => {
                for (name, _) in self.caught_up.iter().filter(|(_, t)| !t.is_cancelled()) {
                    tracing::warn!(source = name, "has not read what was waiting within {} s; the first pass goes without it", CATCH_UP_WAIT.as_secs());
                }
            }
        }
    }

    /// Cancels the watchers and waits for them (at most 30 s; they stop at the next await).
    async fn stop(&mut self) {
        self.token.cancel();
        for h in self.handles.drain(..) {
            if tokio::time::timeout(Duration::from_secs(30), h)
                .await
                .is_err()
            {
                tracing::warn!("a watcher did not stop within 30 s");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The control's name is one jemalloc knows (4096 is `MALLCTL_ARENAS_ALL`): a wrong name
    /// would make every purge a silent no-op.
    #[test]
    fn jemalloc_knows_the_purge_control() {
        assert_eq!(super::purge_jemalloc(), 0);
    }

    /// jemalloc was built with the project's configuration (`.cargo/config.toml`,
    /// `JEMALLOC_SYS_WITH_MALLOC_CONF`): one arena, for the idle daemon's memory.
    #[test]
    fn jemalloc_has_one_arena() {
        let mut arenas: u32 = 0;
        let mut size = std::mem::size_of::<u32>();
        // SAFETY: `opt.narenas` is an unsigned int, read into one of that size.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                c"opt.narenas".as_ptr(),
                (&raw mut arenas).cast(),
                &raw mut size,
                std::ptr::null_mut(),
                0,
            )
        };
        assert_eq!((status, arenas), (0, 1));
    }
}
