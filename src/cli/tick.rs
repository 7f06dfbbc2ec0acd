//! `cobrador tick [--now RFC3339]`: one full pass (read replies, plan, queue, send), then exit.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use super::outbox::runtime;
use super::plan::parse_now;
use crate::engine;
use crate::render::Renderer;
use crate::sender::{self, FlushOptions};

/// Options of `tick`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The instant of the pass (RFC 3339). Default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let renderer = Renderer::new(ctx.config.templates_dir.as_deref())?;
    let rt = runtime()?;
    // Replies first: a promise or a «baja» read now changes what is planned below.
    let mut warnings = Vec::new();
    if ctx.config.email.imap.is_some() {
        match rt.block_on(crate::inbox::check_once(&ctx.config, &mut store, now)) {
            Ok(r) => println!(
                "inbox: {} new, {} applied, {} for review",
                r.fetched, r.applied, r.needs_review
            ),
            Err(e) => warnings.push(format!("inbox not read: {e:#}")),
        }
    }
    let queued = engine::queue_due(&mut store, &ctx.config, &renderer, now)?;
    for e in &queued.effects {
        println!("recorded: {}", serde_json::to_string(e)?);
    }
    for (client, stage, id) in &queued.queued {
        println!("queued: {client} {stage} (outbox {id})");
    }
    let flushed = rt.block_on(sender::flush_configured(
        &ctx.config,
        &mut store,
        now,
        &FlushOptions::default(),
    ))?;
    println!(
        "tick at {now}: {} queued, {} sent, {} to retry, {} dead, {} uncertain",
        queued.queued.len(),
        flushed.sent,
        flushed.retry,
        flushed.dead,
        flushed.recovered_uncertain
    );
    for w in flushed
        .warnings
        .iter()
        .chain(&warnings)
        .chain(queued.errors.iter())
    {
        eprintln!("warning: {w}");
    }
    Ok(if queued.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
