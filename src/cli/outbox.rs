//! `cobrador outbox list|flush|resolve`: look at the durable outbox, send what is due, and decide
//! about uncertain messages.

use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use super::{Context, print_json};
use crate::sender::{self, FlushOptions};
use crate::store::{OutboxStatus, outbox};

/// `outbox` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List outbox messages, oldest first.
    List {
        /// Only this status: queued, sending, sent, failed, dead, uncertain, cancelled.
        #[arg(long, value_parser = OutboxStatus::from_str)]
        status: Option<OutboxStatus>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Send every message that is due now (what `tick` does after planning).
    Flush {
        /// The instant to act at (RFC 3339). Default, or bare `--now`: the current time.
        #[arg(long, num_args = 0..=1, value_parser = super::plan::parse_now)]
        now: Option<Option<DateTime<Utc>>>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Decide about an uncertain message (interrupted while sending).
    Resolve {
        /// The outbox id (see `outbox list --status uncertain`).
        id: i64,
        /// It did go out (e.g. it is in the Sent folder): mark it sent.
        #[arg(long, conflicts_with = "requeue", required_unless_present = "requeue")]
        sent: bool,
        /// It did not go out: queue it again.
        #[arg(long)]
        requeue: bool,
        /// The instant to act at (RFC 3339). Default: now.
        #[arg(long, value_parser = super::plan::parse_now)]
        now: Option<DateTime<Utc>>,
    },
    /// Queue a dead message again (after fixing the address, or once the server is back).
    Requeue {
        /// The outbox id (see `outbox list --status dead`).
        id: i64,
        /// The instant to act at (RFC 3339). Default: now.
        #[arg(long, value_parser = super::plan::parse_now)]
        now: Option<DateTime<Utc>>,
    },
}

/// A tokio runtime for commands that do network I/O.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("Failed to start the async runtime")
}

/// A single-threaded runtime for one send pass (`outbox flush`, `tick`): the pass is one task
/// that drives every connection itself, and on a worker pool each socket event woke it from
/// another thread (a context switch per SMTP reply: a fifth of a 20,000-message flush).
pub(crate) fn pass_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("Failed to start the async runtime")
}

/// Runs an `outbox` subcommand.
pub fn run(ctx: &Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::List { status, json } => list(ctx, status, json),
        Command::Flush { now, json } => {
            let _lock = crate::daemon::InstanceLock::acquire(
                &ctx.config.database,
                "outbox flush",
                std::time::Duration::from_secs(60),
            )?;
            let mut store = ctx.store()?;
            let now = now.flatten().unwrap_or_else(Utc::now);
            let report = pass_runtime()?.block_on(sender::flush_configured(
                &ctx.config,
                &mut store,
                now,
                &FlushOptions::for_config(&ctx.config),
            ))?;
            if json {
                print_json(&report)?;
            } else {
                println!(
                    "sent {}, to retry {}, dead {}, uncertain {}, uncertain (interrupted earlier) {}, \
                     resolved from Sent {}, waiting for the contact window {}",
                    report.sent,
                    report.retry,
                    report.dead,
                    report.uncertain,
                    report.recovered_uncertain,
                    report.resolved_from_sent,
                    report.postponed
                );
                if let Some(note) = report.withdrawn_note() {
                    println!("{note}");
                }
                if let Some(why) = delivery_problem(ctx, &report) {
                    eprintln!("warning: {why}");
                }
                for w in &report.warnings {
                    println!("warning: {w}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Requeue { id, now } => {
            let mut store = ctx.store()?;
            sender::requeue_dead(&mut store, id, now.unwrap_or_else(Utc::now))?;
            println!("outbox message {id}: queued again; `outbox flush` or the next tick sends it");
            Ok(ExitCode::SUCCESS)
        }
        Command::Resolve {
            id,
            sent,
            requeue,
            now,
        } => {
            let mut store = ctx.store()?;
            sender::resolve_by_person(
                &mut store,
                id,
                sent && !requeue,
                now.unwrap_or_else(Utc::now),
            )?;
            println!(
                "outbox message {id}: {}",
                if sent { "marked sent" } else { "queued again" }
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What went wrong with delivery in a pass, and when it is tried again; `None` when nothing did.
pub(crate) fn delivery_problem(ctx: &Context, report: &sender::FlushReport) -> Option<String> {
    let why = report.stopped.as_ref()?;
    let mut text = format!("sending stopped: {why}");
    if report.retry > 0 || report.next_retry.is_some() {
        text.push_str(&format!(
            "; {} message(s) to retry",
            report.retry.max(usize::from(report.next_retry.is_some()))
        ));
        if let Some(at) = report.next_retry {
            text.push_str(&format!(", the first at {}", ctx.local(at)));
        }
    }
    if report.uncertain > 0 {
        text.push_str(&format!(
            "; {} message(s) uncertain (the server may have them): see `outbox list --status uncertain`",
            report.uncertain
        ));
    }
    Some(text)
}

fn list(ctx: &Context, status: Option<OutboxStatus>, json: bool) -> Result<ExitCode> {
    let store = ctx.store()?;
    if json {
        super::stream_json(|emit| outbox::for_each(store.conn(), status, emit))?;
        return Ok(ExitCode::SUCCESS);
    }
    super::stream_lines(|out| {
        let mut none = true;
        outbox::for_each_line(store.conn(), status, |m| {
            none = false;
            writeln!(
                out,
                "{:>6}  {:<9}  {:<8}  {:<10}  {:<12}  {}  {}{}",
                m.id,
                m.status.as_str(),
                m.channel,
                m.client_id,
                m.stage,
                ctx.local(m.when),
                m.recipients.join(", "),
                m.last_error
                    .as_deref()
                    .map(|e| format!("  ({e})"))
                    .unwrap_or_default()
            )?;
            Ok(())
        })?;
        if none {
            writeln!(out, "(no messages)")?;
        }
        Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
