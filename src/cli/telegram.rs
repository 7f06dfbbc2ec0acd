//! `cobrador telegram link|poll|me|delete-webhook`: issue a deep link for a client, read the
//! bot's updates, check the token (and that no webhook stops polling), remove a webhook.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use super::outbox::runtime;
use super::plan::parse_now;
use super::{Context, print_json};
use crate::channel::Registry;
use crate::channel::telegram::api::{self, Bot};
use crate::daemon::Clock;
use crate::sender::{self, FlushOptions};
use crate::telegram::{self, link};

/// `telegram` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a one-time deep link (and a QR code) that links a client's Telegram chat.
    Link {
        /// The client id.
        client: String,
        /// The contact (email) the chat stands for. Default: the billing contact.
        #[arg(long)]
        contact: Option<String>,
        /// JSON output (no QR code).
        #[arg(long)]
        json: bool,
        /// The instant the link is issued at (RFC 3339). Default: now.
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<Utc>>,
    },
    /// Read the bot's updates and apply them, then send what they queued.
    Poll {
        /// One pass without waiting, then exit (cron, tests). Without it: long polling until
        /// Ctrl-C.
        #[arg(long)]
        once: bool,
        /// The instant of the pass (RFC 3339). Default: now. Without --once: the clock starts
        /// at this instant and advances in real time (like `run --clock-start`).
        #[arg(long, value_parser = parse_now)]
        now: Option<DateTime<Utc>>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Ask the Bot API who the bot is (checks the token and `api-url`) and whether a webhook
    /// is set (polling cannot work while one is).
    Me,
    /// Remove the bot's webhook (the Bot API's deleteWebhook), so that cobrador can poll.
    DeleteWebhook {
        /// Also drop the updates waiting on Telegram (clients' answers not yet read).
        #[arg(long)]
        drop_pending_updates: bool,
    },
}

pub fn run(ctx: &Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Link {
            client,
            contact,
            json,
            now,
        } => {
            let mut store = ctx.store()?;
            let now = now.unwrap_or_else(Utc::now);
            let link =
                link::create_link(&mut store, &ctx.config, &client, contact.as_deref(), now)?;
            if json {
                print_json(&link)?;
            } else {
                println!(
                    "Deep link for {} ({}):\n{}\n",
                    link.client, link.contact, link.url
                );
                println!("{}\n", qr(&link.url)?);
                println!("For an email to the client:\n{}", link.invitation);
                println!("\nValid once, until {}.", link.expires_at);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Poll { once, now, json } => poll(ctx, once, now, json),
        Command::Me => me(ctx),
        Command::DeleteWebhook {
            drop_pending_updates,
        } => delete_webhook(ctx, drop_pending_updates),
    }
}

fn bot(ctx: &Context) -> Result<(Bot, &crate::config::Telegram)> {
    let tg = ctx
        .config
        .telegram
        .as_ref()
        .context("there is no [telegram] section in the configuration")?;
    Ok((Bot::from_config(tg)?, tg))
}

/// `telegram me`: the bot behind the token, and whether a webhook stops polling (exit 1 if
/// the username is not the configured one, or a webhook is set).
fn me(ctx: &Context) -> Result<ExitCode> {
    let (bot, tg) = bot(ctx)?;
    let rt = runtime()?;
    let me = rt.block_on(bot.get_me())?;
    let name = me.username.unwrap_or_default();
    println!("bot @{name} (id {})", me.id);
    let mut code = ExitCode::SUCCESS;
    if !name.eq_ignore_ascii_case(tg.bot_username.trim_start_matches('@')) {
        println!(
            "warning: telegram.bot-username is {:?} but the token belongs to @{name}: deep links would open the wrong bot",
            tg.bot_username
        );
        code = ExitCode::FAILURE;
    }
    let hook = rt
        .block_on(bot.get_webhook_info())
        .context("Failed to ask the Bot API for the bot's webhook (getWebhookInfo)")?;
    if hook.is_set() {
        println!(
            "warning: {}",
            api::webhook_problem(&hook.url, tg.api_base())
        );
        code = ExitCode::FAILURE;
    } else {
        println!("webhook: none (cobrador reads the updates by polling)");
    }
    Ok(code)
}

/// `telegram delete-webhook`: removes the webhook, then confirms none is left.
fn delete_webhook(ctx: &Context, drop_pending_updates: bool) -> Result<ExitCode> {
    let (bot, _) = bot(ctx)?;
    let rt = runtime()?;
    let before = rt
        .block_on(bot.get_webhook_info())
        .context("Failed to ask the Bot API for the bot's webhook (getWebhookInfo)")?;
    rt.block_on(bot.delete_webhook(drop_pending_updates))
        .context("Failed to delete the bot's webhook (deleteWebhook)")?;
    let after = rt
        .block_on(bot.get_webhook_info())
        .context("Failed to ask the Bot API for the bot's webhook (getWebhookInfo)")?;
    if after.is_set() {
        println!(
            "the webhook is still set ({}): another program may have set it again",
            after.url
        );
        return Ok(ExitCode::FAILURE);
    }
    match (before.is_set(), drop_pending_updates) {
        (false, false) => println!("no webhook was set; nothing changed"),
        // Dropped all the same: saying "nothing changed" would hide answers lost unread.
        (false, true) => println!(
            "no webhook was set; the updates waiting ({}) were dropped, unread",
            before.pending_update_count
        ),
        (true, false) => println!(
            "webhook {} deleted; the {} updates waiting are kept and read by the next poll",
            before.url, before.pending_update_count
        ),
        (true, true) => println!(
            "webhook {} deleted; the updates waiting were dropped",
            before.url
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn poll(ctx: &Context, once: bool, now: Option<DateTime<Utc>>, json: bool) -> Result<ExitCode> {
    // One poller per bot (Telegram answers 409 to a second getUpdates) and one writer: not
    // while `cobrador run` or a `tick` is working on this database.
    let _lock = crate::daemon::InstanceLock::acquire(
        &ctx.config.database,
        "telegram poll",
        std::time::Duration::from_secs(60),
    )?;
    let rt = runtime()?;
    if !once {
        let token = tokio_util::sync::CancellationToken::new();
        let cancel = token.clone();
        let config = std::sync::Arc::new(ctx.config.clone());
        let renderer = std::sync::Arc::new(crate::render::Renderer::new(
            config.templates_dir.as_deref(),
        )?);
        rt.block_on(async move {
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
                cancel.cancel();
            });
            let clock = now.map_or_else(Clock::real, Clock::starting_at);
            let caught_up = tokio_util::sync::CancellationToken::new();
            // What an answer queued (its acknowledgement, the owner's alert) goes out as soon
            // as it is applied, as `cobrador run` sends it.
            let changed = std::sync::Arc::new(tokio::sync::Notify::new());
            let sending = tokio::spawn(send_when_changed(
                config.clone(),
                clock,
                changed.clone(),
                token.clone(),
            ));
            let polled = telegram::poll_loop(
                config,
                renderer,
                clock,
                token.clone(),
                caught_up,
                move || changed.notify_one(),
            )
            .await;
            token.cancel();
            let sent = sending.await?;
            polled.and(sent)
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = ctx.store()?;
    let now = now.unwrap_or_else(Utc::now);
    let mut report = rt.block_on(telegram::poll_once(&ctx.config, &mut store, now))?;
    let channels = Registry::from_config(&ctx.config)?;
    let flushed = rt.block_on(async {
        let r = sender::flush_all(
            &mut store,
            &channels,
            &ctx.config,
            now,
            &FlushOptions::for_config(&ctx.config),
        )
        .await;
        channels.close().await;
        r
    })?;
    // The answers that waited for an acknowledgement just sent.
    let late = rt.block_on(telegram::deliver_after_sends(&ctx.config, &mut store, now))?;
    report.warnings.extend(late);
    if json {
        print_json(&serde_json::json!({ "poll": report, "flush": flushed }))?;
    } else {
        println!(
            "telegram poll at {now}: {} updates, {} applied, {} repeated; {} sent, {} to retry, {} dead",
            report.updates,
            report.handled,
            report.repeated,
            flushed.sent,
            flushed.retry,
            flushed.dead
        );
        for o in &report.outcomes {
            println!("update: {o}");
        }
    }
    for w in report.warnings.iter().chain(&flushed.warnings) {
        eprintln!("warning: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `telegram poll`'s sender: after each change the poller applied, flushes the outbox until
/// `shutdown`.
async fn send_when_changed(
    config: std::sync::Arc<crate::config::Config>,
    clock: Clock,
    changed: std::sync::Arc<tokio::sync::Notify>,
    shutdown: tokio_util::sync::CancellationToken,
) -> Result<()> {
    let mut store = crate::store::Store::open_existing(&config.database)?;
    let channels = Registry::from_config(&config)?;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = changed.notified() => {}
        }
        let flushed = sender::flush_all(
            &mut store,
            &channels,
            &config,
            clock.now(),
            &FlushOptions::for_config(&config),
        )
        .await;
        match flushed {
            Ok(r) => r.warnings.iter().for_each(|w| tracing::warn!("{w}")),
            Err(e) => tracing::error!(error = %e, "sending what the answers queued failed"),
        }
    }
    channels.close().await;
    Ok(())
}

/// The link as a QR code drawn with Unicode half blocks (two modules per character).
fn qr(url: &str) -> Result<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).context("cannot draw the link as a QR code")?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .build())
}
