//! Telegram as an inbox [`Source`] (the receiving half of the channel): one pass reads with [`super::poll_once`],
//! the daemon's watcher long-polls with [`super::poll_loop`].

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::channel::registry::BoxFuture;
use crate::channel::{Source, SourceReport, WatchContext};
use crate::config::Config;
use crate::store::Store;

/// The bot's updates: linking, button presses and answers in words.
pub struct TelegramSource;

impl Source for TelegramSource {
    fn name(&self) -> &'static str {
        "telegram"
    }

    fn check_once<'a>(
        &'a self,
        config: &'a Config,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<SourceReport>> {
        Box::pin(async move {
            let r = super::poll_once(config, store, now).await?;
            Ok(SourceReport {
                read: r.updates,
                applied: r
                    .outcomes
                    .iter()
                    .filter(|o| *o == super::conversation::Outcome::Applied.as_str())
                    .count(),
                review: 0,
                warnings: r.warnings,
            })
        })
    }

    fn after_sends<'a>(
        &'a self,
        config: &'a Config,
        store: &'a mut Store,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<String>>> {
        Box::pin(super::deliver_after_sends(config, store, now))
    }

    fn watch(&self, ctx: WatchContext) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            let changed = ctx.changed.clone();
            super::poll_loop(
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
