//! `cobrador responses [--review] [--json]`: the replies received and what was done with them.

use std::process::ExitCode;

use std::str::FromStr;

use anyhow::Result;
use chrono::{NaiveDate, Utc};

use super::client::truncate;
use super::{Context, print_json};
use crate::engine::apply::{self, Reclassify};
use crate::mail::classify::Kind;
use crate::render::Renderer;
use crate::store;
use crate::understand::Intent;

/// Options of `responses`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the replies a person must read (not matched or not understood).
    #[arg(long)]
    pub review: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// Re-classify reply ID as the owner reads it (with --as and, for replies, --intent); the
    /// effect follows as if it had been read so.
    #[arg(long, value_name = "ID", requires = "kind")]
    pub reclassify: Option<i64>,
    /// With --reclassify: reply, auto_reply or bounce.
    #[arg(long = "as", value_name = "KIND", value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// With --reclassify --as reply: promise, paid, dispute, plan, stop, question or other.
    #[arg(long, value_parser = parse_intent)]
    pub intent: Option<Intent>,
    /// With --intent promise: the promised date (YYYY-MM-DD).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// With --reclassify: the client it comes from (when not matched, or matched wrongly).
    #[arg(long)]
    pub client: Option<String>,
    /// With --as bounce: the address that failed (default: the sender).
    #[arg(long)]
    pub address: Option<String>,
    /// Reply ID waiting for review has been dealt with (its reading stands): no longer listed
    /// as «por revisar».
    #[arg(long, value_name = "ID", conflicts_with = "reclassify")]
    pub done: Option<i64>,
    /// The instant a reclassification is applied at (RFC 3339). Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<Utc>>,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| format!("{s:?}: use reply, auto_reply or bounce"))
}

fn parse_intent(s: &str) -> Result<Intent, String> {
    match Intent::from_str(s) {
        Ok(Intent::Bounce) => Err("bounce is a class, not an intent: use --as bounce".into()),
        read => read.map_err(|e| e.to_string()),
    }
}

fn reclassify(ctx: &Context, args: &Args, id: i64) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let renderer = Renderer::new(ctx.config.templates_dir.as_deref())?;
    let r = Reclassify {
        kind: args.kind.unwrap_or_default(),
        intent: args.intent,
        promised_date: args.date,
        client: args.client.clone(),
        address: args.address.clone(),
    };
    let applied = apply::reclassify(
        &mut store,
        &ctx.config,
        &renderer,
        id,
        &r,
        args.now.unwrap_or_else(Utc::now),
    )?;
    if args.json {
        print_json(&applied)?;
    } else {
        println!(
            "#{} {} {} {}: {}",
            applied.response_id,
            applied.kind,
            applied.client.as_deref().unwrap_or("(unknown)"),
            applied.intent,
            applied.effect
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    if let Some(id) = args.reclassify {
        return reclassify(ctx, args, id);
    }
    if let Some(id) = args.done {
        let mut store = ctx.store()?;
        let r = apply::mark_handled(&mut store, id, args.now.unwrap_or_else(Utc::now))?;
        if args.json {
            print_json(&r)?;
        } else {
            println!(
                "#{id} {}: dealt with, no longer to review",
                r.response.status
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = ctx.store()?;
    let list = store::responses::list(store.conn(), args.review)?;
    if args.json {
        print_json(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!(
            "{}",
            if args.review {
                "Nothing to review."
            } else {
                "No replies yet."
            }
        );
    }
    for r in &list {
        let x = &r.response;
        println!(
            "#{:<4} {} {:<8} {:<10} {:<10} {:<12} {:<10} {}",
            r.id,
            ctx.local(x.received_at),
            x.channel,
            x.kind,
            x.client_id.as_deref().unwrap_or("(unknown)"),
            x.intent,
            x.promised_date.map(|d| d.to_string()).unwrap_or_default(),
            x.status
        );
        let words = x.excerpt.as_deref().unwrap_or(&x.body);
        println!("       «{}»", truncate(&words.replace('\n', " "), 100));
        if let Some(effect) = &x.effect {
            println!("       {effect}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
