//! `cobrador import clients|invoices|payments FILE [--columns map.toml] [--sheet NAME] [--dry-run]
//! [--progress]`
//! and `cobrador import bank STATEMENT`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;

use super::Context;
use crate::import::{self, ColumnMap, Defaults, Kind, ReadOptions};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Clients and their contacts (CSV, XLSX or ODS).
    Clients,
    /// Invoices (CSV, XLSX or ODS).
    Invoices,
    /// Payments, partial or full (CSV, XLSX or ODS).
    Payments,
    /// A bank statement (AEB Norma 43 or ISO 20022 camt.053): credits matched to invoices.
    Bank,
}

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: What,
    /// The file: CSV (UTF-8 or Excel's Windows-1252), XLSX, ODS; for `bank`, the statement.
    pub file: PathBuf,
    /// A TOML file mapping the file's column names to cobrador's (see README, "--columns").
    #[arg(long, value_name = "MAP.toml")]
    pub columns: Option<PathBuf>,
    /// The sheet of a workbook to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Check everything and report, but change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Report progress on stderr every 100,000 rows (done anyway when stderr is a terminal).
    #[arg(long)]
    pub progress: bool,
    /// The instant recorded for the import (RFC 3339), to replay a scenario. Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<Utc>>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let kind = match args.kind {
        What::Clients => Kind::Clients,
        What::Invoices => Kind::Invoices,
        What::Payments => Kind::Payments,
        What::Bank => {
            let now = args.now.unwrap_or_else(Utc::now);
            return super::bank::import(ctx, &args.file, args.dry_run, now);
        }
    };
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let defaults = Defaults::from_config(&ctx.config);
    let options = ReadOptions {
        columns: args.columns.as_deref().map(ColumnMap::load).transpose()?,
        sheet: args.sheet.clone(),
    };
    let s = import::import_file_reporting(
        &mut store,
        kind,
        &args.file,
        &options,
        &defaults,
        args.dry_run,
        now,
        args.progress,
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
    if kind == Kind::Invoices && !args.dry_run {
        for o in crate::store::clients::opted_out_owing(store.conn(), Some(now))? {
            println!(
                "note: {} ({}) asked not to be written to: cobrador will not remind {}; chase {} in person",
                o.client_id,
                o.name,
                o.invoices.join(", "),
                if o.invoices.len() == 1 { "it" } else { "them" }
            );
        }
        for o in crate::store::clients::handed_over_new(store.conn(), now)? {
            println!(
                "note: {} ({}) was handed over to a person: cobrador will not remind {} while the \
                 hand-over's invoices are open; the person who took over chases {}",
                o.client_id,
                o.name,
                o.invoices.join(", "),
                if o.invoices.len() == 1 { "it" } else { "them" }
            );
        }
    }
    if kind == Kind::Clients && defaults.tuteo && !args.dry_run {
        let (ids, count) = crate::store::clients::addressed_as_usted(store.conn(), 5)?;
        if count > 0 {
            println!(
                "note: {count} clients are written to with usted ({}{}): form-of-address = \"tú\" \
                 applies to clients imported without a trato; import them with trato = tú to change them",
                ids.join(", "),
                if count as usize > ids.len() {
                    ", …"
                } else {
                    ""
                }
            );
        }
    }
    if kind == Kind::Payments && !args.dry_run {
        for (invoice, over) in crate::store::invoices::overpaid_by(store.conn(), now)? {
            println!(
                "note: {n} ({client}) is now paid {shown} beyond its amount (paid twice?): the \
                 client has it in its favour, and the reminders of its other invoices do not \
                 know it. Refunded: `cobrador invoice pay {n} -{over}`; applied to another \
                 invoice: that, then `cobrador invoice pay OTHER {over}`",
                n = invoice.number,
                client = invoice.client_id,
                shown = crate::render::money::format_money(
                    over.0,
                    &invoice.currency,
                    &ctx.config.business.locale
                )
                .unwrap_or_else(|_| format!("{} {}", over.0, invoice.currency)),
                over = over.0,
            );
        }
    }
    if s.already_recorded > 0 {
        println!(
            "{} payments already recorded from another source, not added again:",
            s.already_recorded
        );
        super::bank::print_notes(&s.notes, "  ");
    }
    Ok(ExitCode::SUCCESS)
}
