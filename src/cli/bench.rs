//! `cobrador bench gen --clients N --out DB` (hidden): a generated database for the scale
//! benchmarks (`scripts/bench.sh`); see [`crate::bench`]. `cobrador bench csv --dir DIR`:
//! the CSV files of the import benchmark.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use super::plan::parse_now;
use crate::bench::{CsvOptions, GenOptions, generate, write_csv};
use crate::engine;
use crate::render::Renderer;
use crate::store::Store;

/// The benchmark helpers.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write a new database with generated clients, invoices, payments and history.
    Gen(GenArgs),
    /// Write CSV files (clients, invoices, payments) for the import benchmark.
    Csv(CsvArgs),
    /// Render every message due at `--now` (as `tick` would, without queueing) and print the
    /// rendering rate on one core as JSON.
    Render(RenderArgs),
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

/// Options of `bench render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The instant to plan at (RFC 3339).
    #[arg(long, value_parser = parse_now, default_value = "2026-11-24T10:00:00Z")]
    pub now: DateTime<Utc>,
    /// How many times to render the whole set (the rate is over all rounds).
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// After the timed rounds, render the set once more (untimed) and print the SHA-256 of
    /// every outbox row (subject, bodies, headers) in order, to compare two builds' output.
    #[arg(long)]
    pub digest: bool,
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

pub fn run(cmd: Command, config: Option<&Path>, db: Option<&Path>) -> Result<ExitCode> {
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
        Command::Render(args) => render(&super::load_config(config, db)?, &args),
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

/// Plans (not timed), then renders every due message `rounds` times on this thread: templates
/// compiled once, contexts built from the planner's in-memory client files (no database read
/// per message). Prints messages, seconds and messages per second.
fn render(config: &crate::config::Config, args: &RenderArgs) -> Result<ExitCode> {
    let store = Store::open_existing(&config.database)?;
    let renderer = Renderer::new(config.templates_dir.as_deref())?;
    let (plan, files) = engine::plan_keeping_files(&store, config, args.now)?;
    let due: Vec<_> = plan
        .messages
        .iter()
        .filter(|m| m.due_now)
        .filter_map(|m| Some((files.get(m.client.as_str())?, m)))
        .collect();
    let (mut rendered, mut bytes, mut errors) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    for _ in 0..args.rounds.max(1) {
        for (file, m) in &due {
            match engine::render_planned(config, &renderer, file, m, args.now) {
                Ok(r) => {
                    rendered += 1;
                    bytes += r.message.body_text.len()
                        + r.message.body_html.as_ref().map_or(0, String::len);
                }
                Err(_) => errors += 1,
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mut report = serde_json::json!({
        "due": due.len(), "rounds": args.rounds.max(1), "rendered": rendered,
        "errors": errors, "body_bytes": bytes, "seconds": secs,
        "per_second": (rendered as f64 / secs.max(1e-9)).round(),
    });
    if args.digest {
        let mut sha = ring::digest::Context::new(&ring::digest::SHA256);
        for (file, m) in &due {
            match engine::render_planned(config, &renderer, file, m, args.now) {
                Ok(r) => sha.update(format!("{:?}\n", r.message).as_bytes()),
                Err(e) => sha.update(format!("error: {e:#}\n").as_bytes()),
            }
        }
        let hex: String = sha
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        report["digest"] = serde_json::Value::String(hex);
    }
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
