//! `cobrador bench gen --clients N --out DB` (hidden): a generated database for the scale
//! benchmarks (`scripts/bench.sh`); see [`crate::bench`]. `cobrador bench csv --dir DIR`:
//! the CSV files of the import benchmark.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use super::plan::parse_now;
use crate::bench::{CsvOptions, GenOptions, generate, write_csv};
use crate::store::Store;

/// The benchmark helpers.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a new database with generated clients, invoices, payments and history.
    Gen(GenArgs),
    /// Write CSV files (clients, invoices, payments) for the import benchmark.
    Csv(CsvArgs),
}

/// Options of `bench csv`.
#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    /// Invoice rows (a fifth as many clients).
    #[arg(long, default_value_t = 1_000_000)]
    pub invoices: usize,
    /// Payment rows.
    #[arg(long, default_value_t = 500_000)]
    pub payments: usize,
    /// The directory to write clients.csv, invoices.csv and payments.csv into.
    #[arg(long)]
    pub dir: PathBuf,
    /// Seed of the generator (same seed, same files).
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
}

/// Options of `bench gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Number of clients (about five invoices each).
    #[arg(long)]
    pub clients: usize,
    /// The database to create (must not exist).
    #[arg(long)]
    pub out: PathBuf,
    /// The instant the data is "as of" (RFC 3339).
    #[arg(long, value_parser = parse_now, default_value = "2026-11-24T09:00:00Z")]
    pub now: DateTime<Utc>,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    /// Size of each historical message body, in bytes.
    #[arg(long, default_value_t = 2000)]
    pub body_bytes: usize,
}

pub fn run(cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Csv(args) => {
            let options = CsvOptions {
                invoices: args.invoices,
                payments: args.payments,
                seed: args.seed,
            };
            let report = write_csv(&args.dir, &options)?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Gen(args) => {
            if args.out.exists() {
                bail!(
                    "{} already exists: pass a new file to --out",
                    args.out.display()
                );
            }
            let mut store = Store::open(&args.out)?;
            let report = generate(
                store.conn_mut(),
                &GenOptions {
                    clients: args.clients,
                    now: args.now,
                    seed: args.seed,
                    body_bytes: args.body_bytes,
                },
            )?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
