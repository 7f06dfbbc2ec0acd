//! Receiving: the other half of a channel. A channel that can hear back from clients (IMAP,
//! Telegram) implements [`Source`]: one read for `tick` and tests, and a watcher the daemon
//! supervises. Applying what was read is the same code for every source
//! ([`crate::engine::apply`]).

use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::channel::registry::BoxFuture;
use crate::config::Config;
use crate::domain::Clock;
use crate::render::Renderer;
use crate::store::Store;

/// What one read of an inbox source found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    /// Messages or updates read.
    pub read: usize,
    /// Replies understood and applied (promises, payments claimed, disputes, opt-outs...).
    pub applied: usize,
    /// Messages kept for a person to read (`responses --review`).
    pub review: usize,
    /// Problems that did not stop the read.
    pub warnings: Vec<String>,
}

/// A way replies come in (IMAP inbox, Telegram updates). One pass reads it with
/// [`Source::check_once`]; the daemon runs [`Source::watch`] as a supervised task.
pub trait Source: Send + Sync {
    /// A short name for logs (`imap`, `telegram`).
    fn name(&self) -> &'static str;

    /// Reads what arrived since the last read and applies it.
    fn check_once<'a>(
        &'a self,
        config: &'a Config,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<SourceReport>>;

    /// After a pass's sends (`tick`): what the read left to do once the outbox has gone (the
    /// bot's answers that wait for an acknowledgement, see `telegram::answers`). Returns
    /// warnings.
    fn after_sends<'a>(
        &'a self,
        _config: &'a Config,
        _store: &'a mut Store,
        _now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<String>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Watches for new messages until `shutdown` is cancelled, calling `changed` after applying
    /// anything. Opens its own connection to the database.
    fn watch(&self, ctx: WatchContext) -> BoxFuture<'static, Result<()>>;
}

/// What a watcher needs: the configuration (with the database path), the templates, shutdown,
/// and a way to wake the loop.
#[derive(Clone)]
pub struct WatchContext {
    /// The configuration in force when the watcher started (a reload restarts watchers).
    pub config: Arc<Config>,
    /// The daemon's compiled templates (acknowledgements), shared: each compiled copy is
    /// ~1.6 MB of heap, which the idle daemon paid once per watcher when each compiled its own.
    pub renderer: Arc<Renderer>,
    /// Cancelled when the daemon stops or reloads.
    pub shutdown: CancellationToken,
    /// Wakes the planning loop (a reply was applied).
    pub changed: Arc<tokio::sync::Notify>,
    /// The daemon's clock: a reply's received time and everything it changes read it.
    pub clock: Clock,
    /// Cancelled (a one-way signal) once the watcher has read and applied what was waiting
    /// when it started: the daemon's first pass waits for it.
    pub caught_up: CancellationToken,
}
