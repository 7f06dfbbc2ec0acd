//! The one owner of the loop: one pass, and the long-running daemon built on it.
//!
//! One pass ([`pass`]) is the whole loop of DESIGN.md, in this order:
//!
//! 1. **read** every inbox source ([`Source`]: IMAP, Telegram) and apply what clients answered —
//!    first, so that a promise that arrived since the last pass pauses the reminder this very
//!    pass would otherwise send;
//! 2. **plan and queue** ([`crate::engine::queue_due_in_groups`]): the pure planner decides, the
//!    outbox records each message under its unique key, committed in groups;
//! 3. **flush every registered channel** ([`crate::sender::flush_all`]): SMTP or files, Telegram;
//!    uncertain sends are looked up in the Sent mailbox. Steps 2 and 3 overlap
//!    (`queue_and_send`): each group is sent as soon as it is committed.
//!
//! `tick`, `demo` and the daemon (`run`, in [`run`]) all call [`pass`]; nothing else re-implements
//! it. The daemon adds the schedule (a pass every `daemon.plan-interval-secs`, at once after any
//! change in the database or a reply, and when the next queued message falls due), supervised
//! watchers for the inbox sources, the single-instance lock ([`lock`]), signals (TERM/INT stop,
//! HUP reloads) and systemd's notify protocol ([`notify`]).

pub mod lock;
pub mod notify;
pub mod run;
pub mod supervise;

use std::sync::Arc;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::channel::{Registry, Source, SourceReport};
use crate::config::Config;
use crate::engine::{self, QueueReport};
use crate::render::Renderer;
use crate::sender::{self, FlushOptions, FlushReport};
use crate::store::{self, Store};

pub use crate::channel::WatchContext;
/// The daemon's clock (defined in the domain so that every layer can be handed it).
pub use crate::domain::Clock;
pub use lock::InstanceLock;

/// Everything a pass needs besides the database and the clock.
pub struct Loop {
    /// The configuration.
    pub config: Arc<Config>,
    /// The compiled templates (shared with the queueing pass's thread).
    pub renderer: Arc<Renderer>,
    /// Every channel messages can leave by.
    pub channels: Registry,
    /// Every source replies come from.
    pub sources: Vec<Arc<dyn Source>>,
    /// Tuning of the outbox flush.
    pub flush: FlushOptions,
}

impl Loop {
    /// The loop the configuration asks for: templates compiled, channels and sources registered.
    pub fn from_config(config: Arc<Config>) -> Result<Loop> {
        let renderer = Arc::new(Renderer::new(config.templates_dir.as_deref())?);
        // An override from an older export would send its other wording for the cases added
        // since (`cobrador check` names them too).
        for lag in crate::render::lint::lagging_overrides(&renderer) {
            tracing::warn!("Template {lag}");
        }
        let channels = Registry::from_config(&config)?;
        Ok(Loop {
            renderer,
            channels,
            sources: sources_from_config(&config),
            flush: FlushOptions::for_config(&config),
            config,
        })
    }
}

/// The inbox sources the configuration sets up.
pub fn sources_from_config(config: &Config) -> Vec<Arc<dyn Source>> {
    let mut sources: Vec<Arc<dyn Source>> = Vec::new();
    if config.email.imap.is_some() {
        sources.push(Arc::new(crate::inbox::source::ImapSource));
    }
    if config.telegram.is_some() {
        sources.push(Arc::new(crate::telegram::source::TelegramSource));
    }
    sources
}

/// What one pass did.
#[derive(Debug, Default, Serialize)]
pub struct PassReport {
    /// The instant of the pass.
    pub at: DateTime<Utc>,
    /// Per source: its name and what it read.
    pub read: Vec<(String, SourceReport)>,
    /// What was planned and queued.
    pub queued: QueueReport,
    /// What the channels did.
    pub flushed: FlushReport,
}

impl PassReport {
    /// Whether the book should be planned again at once: messages were withdrawn, or a client
    /// changed, because someone recorded something for them while this pass ran.
    pub fn plan_again(&self) -> bool {
        self.flushed.cancelled > 0 || self.queued.others_wrote
    }

    /// Whether anything changed (for the daemon's log level and status line).
    pub fn did_something(&self) -> bool {
        !self.queued.queued.is_empty()
            || !self.queued.effects.is_empty()
            || self.flushed.sent + self.flushed.retry + self.flushed.dead + self.flushed.cancelled
                > 0
            || self.read.iter().any(|(_, r)| r.read > 0)
    }
}

/// Which steps a pass runs.
#[derive(Debug, Clone, Copy)]
pub struct Steps {
    /// Read the inbox sources (`false` in the daemon, whose watchers read them).
    pub read: bool,
}

/// One pass of the loop at `now`: read replies, plan and queue, flush every channel. Stops
/// taking new sends when `stop` is cancelled (what is in flight finishes).
pub async fn pass(
    store: &mut Store,
    lp: &Loop,
    now: DateTime<Utc>,
    steps: Steps,
    stop: &CancellationToken,
) -> Result<PassReport> {
    let mut report = PassReport {
        at: now,
        ..PassReport::default()
    };
    if steps.read {
        for source in &lp.sources {
            let read = match source.check_once(&lp.config, store, now).await {
                Ok(r) => r,
                Err(e) => SourceReport {
                    warnings: vec![format!("{}: {e:#}", source.name())],
                    ..SourceReport::default()
                },
            };
            report.read.push((source.name().to_owned(), read));
        }
    }
    // A dead message whose hold is over frees its stage before the planning, not after it:
    // the same pass plans the stage again (the flush's release came one pass late, and with a
    // tick a day, a contact window late).
    crate::sender::release(store, now)?;
    // The WAL is copied into the database file beside the pass, not in its way (see
    // `store::checkpoint`), from the start: the queueing commits in groups while the channels
    // send.
    let mut checkpoints = store::checkpoint::Deferred::begin(store)?;
    checkpoints.start();
    let opts = FlushOptions {
        stop: stop.clone(),
        ..lp.flush.clone()
    };
    let sent = queue_and_send(store, lp, now, &opts, &mut report, &checkpoints).await;
    // The last copy may still run: wait for it off the runtime's threads, so that signals and
    // the other loops are not held up meanwhile.
    let stopping = checkpoints.stop();
    if let Err(e) = tokio::task::spawn_blocking(move || stopping.wait()).await {
        tracing::warn!("Waiting for the checkpoint thread failed: {e}");
    }
    let restored = checkpoints.finish(store);
    sent?;
    restored?;
    if steps.read {
        after_sends(store, lp, now, &mut report).await;
    }
    Ok(report)
}

/// What each source left for after the sends (the bot's answers that waited for an
/// acknowledgement): its warnings join the source's read report.
async fn after_sends(store: &mut Store, lp: &Loop, now: DateTime<Utc>, report: &mut PassReport) {
    for source in &lp.sources {
        let warnings = match source.after_sends(&lp.config, store, now).await {
            Ok(warnings) => warnings,
            Err(e) => vec![format!("{}: {e:#}", source.name())],
        };
        if let Some((_, read)) = report.read.iter_mut().find(|(n, _)| n == source.name()) {
            read.warnings.extend(warnings);
        }
    }
}

/// Books from this many clients are queued on a thread of their own while the channels send
/// (see [`queue_and_send`]). A smaller book queues at most a few hundred messages in well under
/// a second, and the thread would cost the idle daemon its memory (glibc keeps an arena per
/// thread: +0.6 MB resident, measured).
const OVERLAP_FROM_CLIENTS: i64 = 5_000;

/// Whether the book is large enough for the queueing to run beside the sending.
fn worth_a_thread(store: &Store) -> bool {
    store
        .conn()
        .query_row("SELECT count(*) FROM clients", [], |r| r.get::<_, i64>(0))
        .is_ok_and(|n| n >= OVERLAP_FROM_CLIENTS)
}

/// Plans and queues what is due, and sends it: the queueing on a thread of its own, through a
/// second connection, committing in groups (`engine::queue_due_in_groups`); this task sends
/// each group as it is committed, then what is left once the queueing ends. So the first
/// messages leave while the rest of the book is planned, not after. A database with no file
/// (in memory) has no second connection, and a small book is not worth a thread
/// ([`OVERLAP_FROM_CLIENTS`]): queued, then sent.
async fn queue_and_send(
    store: &mut Store,
    lp: &Loop,
    now: DateTime<Utc>,
    opts: &FlushOptions,
    report: &mut PassReport,
    checkpoints: &store::checkpoint::Deferred,
) -> Result<()> {
    let path = store.file_path();
    let Some(path) = path.filter(|_| worth_a_thread(store)) else {
        report.queued = engine::queue_due(store, &lp.config, &lp.renderer, now)?;
        report.flushed = sender::flush_all(store, &lp.channels, &lp.config, now, opts).await?;
        return Ok(());
    };
    let committed = Arc::new(tokio::sync::Notify::new());
    let mut queueing = tokio::task::spawn_blocking({
        let (config, renderer, committed) =
            (lp.config.clone(), lp.renderer.clone(), committed.clone());
        move || {
            let mut store = Store::open_existing(&path)?.with_bulk_cache()?;
            // The pass's own background copy checkpoints (see `pass`).
            let deferred = store::checkpoint::Deferred::begin(&store)?;
            let queued = engine::queue_due_in_groups(&mut store, &config, &renderer, now, &|| {
                committed.notify_one()
            });
            deferred.finish(&store)?;
            queued
        }
    });
    // While the queueing goes on: a flush after each commit (its permit waits if one runs),
    // until a channel stops (a server unwell: one more try at the end, as in a pass without
    // overlap) or the flush fails.
    let during = FlushOptions {
        resolve_from_sent: false,
        ..opts.clone()
    };
    let mut flushed = sender::FlushReport::default();
    let mut failed = None;
    let queued = loop {
        tokio::select! {
            biased;
            joined = &mut queueing => break joined,
            () = committed.notified(), if failed.is_none() && flushed.stopped.is_none() => {
                match sender::flush_all(store, &lp.channels, &lp.config, now, &during).await {
                    Ok(one) => {
                        tracing::debug!(sent = one.sent, "Sent what the queueing has committed so far");
                        flushed.absorb(one);
                    }
                    // Reported once the queueing has ended (it cannot be stopped half-way).
                    Err(e) => failed = Some(e),
                }
            }
        }
    };
    // Most of the pass's pages are committed: copied now, beside the last sends.
    checkpoints.copy_now();
    if let Some(e) = failed {
        return Err(e);
    }
    // What the queueing committed is sent even when it then failed (its error is returned
    // after): the groups it committed are queued for good.
    if !opts.stop.is_cancelled() {
        flushed.stopped = None;
        flushed.absorb(sender::flush_all(store, &lp.channels, &lp.config, now, opts).await?);
    }
    report.flushed = flushed;
    report.queued = queued.context("the queueing pass's thread failed")??;
    Ok(())
}
