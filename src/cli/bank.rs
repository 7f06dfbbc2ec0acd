//! `cobrador import bank FILE`, `cobrador bank review`, `cobrador bank settle ID`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::{Context, print_json};
use crate::bank::{self, Settle};
use crate::store;

/// `bank` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Credits from imported statements that no invoice matched with confidence.
    Review {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Settle one credit of the review list: the invoices it pays, or --ignore.
    Settle {
        /// The credit's id (see `bank review`).
        id: i64,
        /// An invoice it pays (repeat for several; each takes up to its balance, in order).
        #[arg(
            long = "invoice",
            value_name = "NUMBER",
            required_unless_present = "ignore"
        )]
        invoices: Vec<String>,
        /// Not a client's payment: take it off the list.
        #[arg(long, conflicts_with = "invoices")]
        ignore: bool,
        /// A note kept with an ignored credit.
        #[arg(long)]
        note: Option<String>,
        /// The instant to act at (RFC 3339). Default: now.
        #[arg(long, value_parser = super::plan::parse_now)]
        now: Option<DateTime<Utc>>,
    },
}

/// The first lines about payments not added again, and how many more (all of them are in the
/// audit log as `payment.repeated` / `payment.doubtful` events).
pub(super) fn print_notes(notes: &[String], indent: &str) {
    const SHOWN: usize = 50;
    for note in notes.iter().take(SHOWN) {
        println!("{indent}{note}");
    }
    if notes.len() > SHOWN {
        println!(
            "{indent}... and {} more (in the audit log: payment.repeated, payment.doubtful)",
            notes.len() - SHOWN
        );
    }
}

/// `import bank FILE [--dry-run] [--now T]`.
pub fn import(ctx: &Context, file: &Path, dry_run: bool, now: DateTime<Utc>) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let s = bank::import_file(&mut store, file, dry_run, now)?;
    println!(
        "{}{}: {:?}, {} credits ({} debits skipped): {} matched to invoices, {} to review, {} imported before{}",
        if dry_run {
            "[dry run, nothing written] "
        } else {
            ""
        },
        file.display(),
        s.format,
        s.credits,
        s.debits,
        s.matched,
        s.review,
        s.already,
        if s.claims_confirmed > 0 {
            format!("; {} \"ya pagué\" confirmed", s.claims_confirmed)
        } else {
            String::new()
        }
    );
    print_notes(&s.notes, "");
    if s.debits > 0 {
        // Money out is not read; a direct debit or transfer the bank returned to the client is
        // money out too, and only the owner knows which it is.
        println!(
            "debits are not read: if one is a payment the bank returned (a direct debit sent \
             back, «devolución de recibo»), record it with `cobrador invoice pay NUMBER -AMOUNT \
             --date DAY` (the invoice is due again)"
        );
    }
    if s.review > 0 && !dry_run {
        println!("see them with `cobrador bank review`");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(ctx: &Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Review { json } => {
            let store = ctx.store()?;
            let list = store::bank::list(store.conn(), Some("review"))?;
            if json {
                print_json(&list)?;
                return Ok(ExitCode::SUCCESS);
            }
            if list.is_empty() {
                println!("nothing to review");
            }
            for m in &list {
                println!(
                    "{:>5}  {}  {:>12} {}  {}  {}\n       {}\n       why: {}",
                    m.id,
                    m.booked_on,
                    m.amount.to_string(),
                    m.currency,
                    m.payer_name.as_deref().unwrap_or("(payer not given)"),
                    m.payer_iban.as_deref().unwrap_or(""),
                    m.concept,
                    m.note.as_deref().unwrap_or("-"),
                );
            }
            if !list.is_empty() {
                println!(
                    "settle one with `cobrador bank settle ID --invoice NUMBER` or `--ignore`"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Settle {
            id,
            invoices,
            ignore,
            note,
            now,
        } => {
            let mut store = ctx.store()?;
            let decision = if ignore {
                Settle::Ignore(note)
            } else {
                Settle::Invoices(invoices)
            };
            let paid = bank::settle(&mut store, id, &decision, now.unwrap_or_else(Utc::now))?;
            if paid.is_empty() {
                println!("bank movement {id} ignored");
            }
            for (number, amount) in paid {
                let inv = store::invoices::require(store.conn(), &number)?;
                println!(
                    "{number}: {amount} {} recorded from bank movement {id}; balance {}, {}",
                    inv.currency, inv.balance, inv.status
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
