//! `cobrador inbox check [--now RFC3339] [--json]`: one pass over the IMAP inbox (for cron and
//! tests); the daemon's watcher does the same continuously.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::outbox::runtime;
use super::plan::parse_now;
use super::{Context, print_json};
use crate::inbox;

/// `inbox` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Read what arrived since the last check: classify, match, apply; then exit.
    Check(CheckArgs),
}

/// Options of `inbox check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The instant of the pass (RFC 3339). Default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> Result<ExitCode> {
    let Command::Check(args) = cmd;
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let report = runtime()?.block_on(inbox::check_once(&ctx.config, &mut store, now))?;
    if args.json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    for a in &report.results {
        println!(
            "#{} {} {} {} {}: {}",
            a.response_id,
            a.kind,
            a.client.as_deref().unwrap_or("(unknown)"),
            a.intent,
            a.status,
            a.effect
        );
    }
    println!(
        "inbox {}: {} new, {} applied, {} for review, {} already recorded \
         ({} replies, {} auto-replies, {} bounces){}",
        report.mailbox,
        report.fetched,
        report.applied,
        report.needs_review,
        report.duplicates,
        report.replies,
        report.auto_replies,
        report.bounces,
        if report.uidvalidity_reset {
            "; UIDVALIDITY changed, mailbox re-read"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}
