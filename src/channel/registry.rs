//! The channels this configuration can deliver through, as one list.
//!
//! Each channel module implements [`Channel`]; the registry holds them behind [`AnyChannel`]
//! (the object-safe face of the trait) so the loop can flush "every registered channel" and the
//! planner can ask which outbox channels can be delivered at all. Adding a channel is one module
//! implementing [`Channel`], its config section, and one line in [`Registry::from_config`].

use std::future::Future;
use std::pin::Pin;

use crate::channel::{Channel, EmailOut, SendContext, SendOutcome};
use crate::config::Config;
use crate::domain;
use crate::store::OutboxMessage;

/// A boxed future, what [`AnyChannel`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The object-safe face of [`Channel`], implemented for every channel.
pub trait AnyChannel: Send + Sync {
    /// See [`Channel::name`].
    fn dyn_name(&self) -> &'static str;
    /// See [`Channel::kinds`].
    fn dyn_kinds(&self) -> &[domain::Channel];
    /// See [`Channel::concurrency`].
    fn dyn_concurrency(&self) -> usize;
    /// See [`Channel::group_size`].
    fn dyn_group_size(&self) -> usize;
    /// See [`Channel::send`].
    fn send_boxed<'a>(
        &'a self,
        msg: &'a OutboxMessage,
        ctx: SendContext<'a>,
    ) -> BoxFuture<'a, SendOutcome>;
    /// See [`Channel::close`].
    fn close_boxed(&self) -> BoxFuture<'_, ()>;
}

impl<C: Channel> AnyChannel for C {
    fn dyn_name(&self) -> &'static str {
        Channel::name(self)
    }
    fn dyn_kinds(&self) -> &[domain::Channel] {
        Channel::kinds(self)
    }
    fn dyn_concurrency(&self) -> usize {
        Channel::concurrency(self)
    }
    fn dyn_group_size(&self) -> usize {
        Channel::group_size(self)
    }
    fn send_boxed<'a>(
        &'a self,
        msg: &'a OutboxMessage,
        ctx: SendContext<'a>,
    ) -> BoxFuture<'a, SendOutcome> {
        Box::pin(Channel::send(self, msg, ctx))
    }
    fn close_boxed(&self) -> BoxFuture<'_, ()> {
        Box::pin(Channel::close(self))
    }
}

impl Channel for dyn AnyChannel + '_ {
    fn name(&self) -> &'static str {
        self.dyn_name()
    }
    fn kinds(&self) -> &[domain::Channel] {
        self.dyn_kinds()
    }
    fn concurrency(&self) -> usize {
        self.dyn_concurrency()
    }
    fn group_size(&self) -> usize {
        self.dyn_group_size()
    }
    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        self.send_boxed(msg, ctx).await
    }
    async fn close(&self) {
        self.close_boxed().await
    }
}

/// Every channel the configuration sets up, in flush order.
#[derive(Default)]
pub struct Registry {
    channels: Vec<Box<dyn AnyChannel>>,
}

impl Registry {
    /// The channels the configuration asks for: Telegram (with `[telegram]`), then email
    /// (SMTP, or files in `email.outbox-dir`; the file channel also writes Telegram messages
    /// when there is no bot). Errors name the setting to fix.
    pub fn from_config(config: &Config) -> anyhow::Result<Registry> {
        let mut registry = Registry::default();
        match crate::channel::TelegramChannel::from_config(config)? {
            Some(telegram) => {
                registry.register(telegram);
                registry.register(Only {
                    inner: EmailOut::from_config(config)?,
                    kinds: &[domain::Channel::Email],
                });
            }
            None => registry.register(EmailOut::from_config(config)?),
        }
        Ok(registry)
    }

    /// Adds a channel (tests and the demo build their own registries).
    pub fn register(&mut self, channel: impl Channel + 'static) {
        self.channels.push(Box::new(channel));
    }

    /// The registered channels.
    pub fn iter(&self) -> impl Iterator<Item = &dyn AnyChannel> {
        self.channels.iter().map(AsRef::as_ref)
    }

    /// Whether some registered channel delivers outbox messages of this kind.
    pub fn delivers(&self, kind: domain::Channel) -> bool {
        self.iter().any(|c| c.dyn_kinds().contains(&kind))
    }

    /// Closes every channel's connections (SMTP pool: QUIT).
    pub async fn close(&self) {
        for c in self.iter() {
            c.close_boxed().await;
        }
    }
}

/// A channel restricted to some of its kinds (the file channel writes Telegram messages too,
/// but not while a bot delivers them).
pub struct Only<C> {
    /// The channel.
    pub inner: C,
    /// The kinds it may take.
    pub kinds: &'static [domain::Channel],
}

impl<C: Channel> Channel for Only<C> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn kinds(&self) -> &[domain::Channel] {
        self.kinds
    }
    fn concurrency(&self) -> usize {
        self.inner.concurrency()
    }
    fn group_size(&self) -> usize {
        self.inner.group_size()
    }
    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        self.inner.send(msg, ctx).await
    }
    async fn close(&self) {
        self.inner.close().await
    }
}
