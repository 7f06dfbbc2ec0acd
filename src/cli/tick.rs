//! `cobrador tick [--now RFC3339]`: one full pass (read replies, plan, queue, send), then exit.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::Context;
use super::outbox::pass_runtime;
use super::plan::parse_now;
use crate::daemon::{self, InstanceLock, Loop, PassReport, Steps};
use crate::engine;
use crate::store::{Store, outbox};

/// Options of `tick`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The instant of the pass (RFC 3339). Default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// Seconds to wait for another cobrador process using the database (e.g. another tick).
    #[arg(long, default_value_t = 60)]
    pub wait: u64,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let _lock =
        InstanceLock::acquire(&ctx.config.database, "tick", Duration::from_secs(args.wait))?;
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let lp = Loop::from_config(Arc::new(ctx.config.clone()))?;
    let report = pass_runtime()?.block_on(async {
        let report = daemon::pass(
            &mut store,
            &lp,
            now,
            Steps { read: true },
            &CancellationToken::new(),
        )
        .await;
        lp.channels.close().await;
        report
    })?;
    print_report(ctx, &report)?;
    // Only the owner's digest (or nothing) went: say what comes next for the clients, and when
    // (a cron tick outside their contact hours sends nothing, day after day).
    let owners_only = report
        .queued
        .queued
        .iter()
        .all(|(client, _, _)| client == engine::digest::OWNER_CLIENT);
    if owners_only && report.flushed.sent <= report.queued.queued.len() {
        explain_quiet(ctx, &report.queued, &store)?;
    }
    Ok(if report.queued.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Prints what the pass did. The per-message lines go through one buffered, locked stdout (a
/// first tick of a large book queues tens of thousands: one `write` per line otherwise), flushed
/// before anything goes to stderr, so the two keep their order on a terminal.
fn print_report(ctx: &Context, r: &PassReport) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (source, read) in &r.read {
        writeln!(
            out,
            "read {source}: {} messages, {} applied, {} for review",
            read.read, read.applied, read.review
        )?;
        if !read.warnings.is_empty() {
            out.flush()?;
            for w in &read.warnings {
                eprintln!("warning: {w}");
            }
        }
    }
    for e in &r.queued.effects {
        writeln!(out, "recorded: {}", serde_json::to_string(e)?)?;
    }
    for (client, stage, id) in &r.queued.queued {
        writeln!(out, "queued: {client} {stage} (outbox {id})")?;
    }
    let f = &r.flushed;
    writeln!(
        out,
        "tick at {}: {} queued, {} sent, {} to retry, {} dead, {} uncertain{}",
        ctx.local(r.at),
        r.queued.queued.len(),
        f.sent,
        f.retry,
        f.dead,
        f.recovered_uncertain + f.uncertain,
        f.withdrawn_note()
            .map(|note| format!(", {note}"))
            .unwrap_or_default()
    )?;
    out.flush()?;
    if let Some(problem) = super::outbox::delivery_problem(ctx, f) {
        eprintln!("warning: {problem}");
    }
    for w in f.warnings.iter().chain(r.queued.errors.iter()) {
        eprintln!("warning: {w}");
    }
    if let Some(note) = r.queued.changed_meanwhile_note() {
        eprintln!("note: {note}");
    }
    Ok(())
}

/// Nothing went out: say why, and when the next message is due.
/// Says what comes next, from the pass's own plan (not planning a second time).
fn explain_quiet(ctx: &Context, queued: &engine::QueueReport, store: &Store) -> Result<()> {
    match (
        queued.next_planned.as_ref(),
        outbox::next_due(store.conn())?,
    ) {
        (Some(m), retry) if retry.is_none_or(|r| m.send_at <= r) => println!(
            "nothing to send now; next: {} {} at {} ({})",
            m.client,
            m.stage,
            ctx.local(m.send_at),
            m.waiting.as_deref().unwrap_or("contact window")
        ),
        (_, Some(retry)) => println!(
            "nothing to send now; the next message in the outbox is due at {} (see `cobrador outbox list`)",
            ctx.local(retry)
        ),
        (_, None) if queued.held == 0 => {
            println!("nothing to send: no open invoice needs a message")
        }
        (_, None) => println!(
            "nothing to send now; {} held (see `cobrador plan` for each reason)",
            queued.held
        ),
    }
    Ok(())
}
