//! `cobrador bench gen --clients N --out DB` (hidden): a generated database for the scale
//! benchmarks (`scripts/bench.sh`); see [`crate::bench`]. `cobrador bench csv --dir DIR`:
//! the CSV files of the import benchmark. `cobrador bench encode`: the body encoder against the
//! crates it replaced, on the rendered bodies of every due message.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};

use super::plan::parse_now;
use crate::bench::{CsvOptions, GenOptions, generate, write_csv};
use crate::channel::email::body;
use crate::domain::ClientFile;
use crate::engine;
use crate::policy::planner::PlannedMessage;
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
    /// Render every message due at `--now` once, then encode each text and HTML body with the
    /// one-pass encoder and with the crates it replaced (alternating rounds); print the CPU
    /// time of each as JSON, and fail if any body differs.
    Encode(EncodeArgs),
}

/// Options of `bench encode`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    /// The instant to plan at (RFC 3339).
    #[arg(long, value_parser = parse_now, default_value = "2026-11-24T10:00:00Z")]
    pub now: DateTime<Utc>,
    /// How many times to encode the whole set with each encoder.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
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
        Command::Encode(args) => encode(&super::load_config(config, db)?, &args),
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
    with_due(config, args.now, |renderer, due| {
        render_due(config, renderer, due, args)
    })
}

/// Plans at `now` (with the database's client files kept) and calls `f` with the renderer and
/// every message due then, next to its client's file.
fn with_due<T>(
    config: &crate::config::Config,
    now: DateTime<Utc>,
    f: impl FnOnce(&Renderer, &[(&ClientFile, &PlannedMessage)]) -> Result<T>,
) -> Result<T> {
    let store = Store::open_existing(&config.database)?;
    let renderer = Renderer::new(config.templates_dir.as_deref())?;
    let (plan, files) = engine::plan_keeping_files(&store, config, now)?;
    let due: Vec<_> = plan
        .messages
        .iter()
        .filter(|m| m.due_now)
        .filter_map(|m| Some((files.get(m.client.as_str())?, m)))
        .collect();
    f(&renderer, &due)
}

fn render_due(
    config: &crate::config::Config,
    renderer: &Renderer,
    due: &[(&ClientFile, &PlannedMessage)],
    args: &RenderArgs,
) -> Result<ExitCode> {
    let (mut rendered, mut bytes, mut errors) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    for _ in 0..args.rounds.max(1) {
        for (file, m) in due {
            match engine::render_planned(config, renderer, file, m, args.now) {
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
        for (file, m) in due {
            match engine::render_planned(config, renderer, file, m, args.now) {
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

/// Renders the due messages once (not timed), then encodes their bodies `rounds` times with
/// each encoder, the crates first in each round; CPU time of this thread only.
fn encode(config: &crate::config::Config, args: &EncodeArgs) -> Result<ExitCode> {
    let bodies = with_due(config, args.now, |renderer, due| {
        let mut bodies = Vec::with_capacity(due.len() * 2);
        for (file, m) in due {
            if let Ok(r) = engine::render_planned(config, renderer, file, m, args.now) {
                bodies.push(r.message.body_text);
                bodies.extend(r.message.body_html);
            }
        }
        Ok(bodies)
    })?;
    let same = |b: &String| {
        let (ours, crates) = (body::encode(b), body::encode_with_crates(b));
        ours.encoding() == crates.encoding() && ours.as_ref() == crates.as_ref()
    };
    let differing = bodies.iter().filter(|b| !same(b)).count();
    let rounds = args.rounds.max(1);
    let (mut ours, mut crates, mut encoded) = (0.0, 0.0, 0usize);
    for _ in 0..rounds {
        crates += thread_cpu_seconds(|| {
            for b in &bodies {
                std::hint::black_box(body::encode_with_crates(b));
            }
        });
        ours += thread_cpu_seconds(|| {
            for b in &bodies {
                encoded += std::hint::black_box(body::encode(b)).as_ref().len();
            }
        });
    }
    let input: usize = bodies.iter().map(String::len).sum();
    let per_byte = |secs: f64| secs * 1e9 / (input * rounds).max(1) as f64;
    let report = serde_json::json!({
        "bodies": bodies.len(), "input_bytes": input, "encoded_bytes": encoded / rounds,
        "rounds": rounds, "differing": differing,
        "crates_cpu_s_per_round": crates / rounds as f64,
        "ours_cpu_s_per_round": ours / rounds as f64,
        "crates_ns_per_byte": per_byte(crates), "ours_ns_per_byte": per_byte(ours),
    });
    println!("{report}");
    if differing > 0 {
        bail!(
            "{differing} bodies encode differently from the crates: a bug in channel::email::body"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The CPU time this thread spends in `f`, in seconds.
fn thread_cpu_seconds(f: impl FnOnce()) -> f64 {
    let now = || {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` is a valid, writable timespec; the clock id is a constant Linux knows.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
    };
    let start = now();
    f();
    now() - start
}
