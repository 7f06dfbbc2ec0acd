//! `cobrador import clients|invoices|payments FILE.csv [--dry-run]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;

use super::Context;
use crate::import::{self, Defaults, Kind};

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: Kind,
    /// The CSV file.
    pub file: PathBuf,
    /// Check everything and report, but change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The instant recorded for the import (RFC 3339), to replay a scenario. Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<Utc>>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let defaults = Defaults::from_config(&ctx.config);
    let s = import::import_file(
        &mut store,
        args.kind,
        &args.file,
        &defaults,
        args.dry_run,
        args.now.unwrap_or_else(Utc::now),
    )?;
    println!(
        "{}{}: {} rows: {} new, {} updated, {} unchanged",
        if args.dry_run {
            "[dry run, nothing written] "
        } else {
            ""
        },
        args.file.display(),
        s.rows,
        s.created,
        s.updated,
        s.unchanged
    );
    Ok(ExitCode::SUCCESS)
}
