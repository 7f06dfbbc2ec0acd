//! `cobrador responses [--review] [--json]`: the replies received and what was done with them.

use std::process::ExitCode;

use anyhow::Result;

use super::client::truncate;
use super::{Context, print_json};
use crate::store;

/// Options of `responses`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the replies a person must read (not matched or not understood).
    #[arg(long)]
    pub review: bool,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
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
            "#{:<4} {} {:<8} {:<10} {:<12} {:<10} {}",
            r.id,
            store::ts(x.received_at),
            x.channel,
            x.client_id.as_deref().unwrap_or("(unknown)"),
            x.intent,
            x.promised_date.map(|d| d.to_string()).unwrap_or_default(),
            x.status
        );
        println!("       «{}»", truncate(&x.body.replace('\n', " "), 100));
    }
    Ok(ExitCode::SUCCESS)
}
