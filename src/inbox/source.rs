//! The IMAP inbox as a [`Source`]: one pass reads with [`super::check_once`], the daemon's
//! watcher runs [`super::watch`] (IDLE or polling, reconnecting by itself).

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::channel::registry::BoxFuture;
use crate::channel::{Source, SourceReport, WatchContext};
use crate::config::Config;
use crate::store::Store;

/// The mailbox clients answer to (`[email.imap] mailbox`).
pub struct ImapSource;

impl Source for ImapSource {
    fn name(&self) -> &'static str {
        "imap"
    }

    fn check_once<'a>(
        &'a self,
        config: &'a Config,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<SourceReport>> {
        Box::pin(async move {
            let r = super::check_once(config, store, now).await?;
            Ok(SourceReport {
                read: r.fetched,
                applied: r.applied,
                review: r.needs_review,
                warnings: Vec::new(),
            })
        })
    }

    fn watch(&self, ctx: WatchContext) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            let changed = ctx.changed.clone();
            super::watch(
                ctx.config,
                ctx.renderer,
                ctx.clock,
                ctx.shutdown,
                ctx.caught_up,
                move || changed.notify_one(),
            )
            .await
        })
    }
}
