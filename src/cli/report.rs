//! `cobrador report --html FILE [--now RFC3339]`: the owner's report as one self-contained page.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use super::plan::parse_now;

/// Options of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the report as one HTML page (inline charts, nothing loaded from the network).
    #[arg(long, value_name = "FILE")]
    pub html: PathBuf,
    /// The instant the report is made at (RFC 3339). Default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// Writes the report and prints its path.
pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    crate::report::write(store.conn(), &ctx.config, now, &args.html)?;
    println!("Report written to {}", args.html.display());
    Ok(ExitCode::SUCCESS)
}
