//! `cobrador run`: the daemon (see [`crate::daemon::run`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

use chrono::{DateTime, Utc};

use super::outbox::runtime;
use super::plan::parse_now;
use crate::daemon::Clock;
use crate::daemon::run::Loader;

/// Options of `run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rehearsal: the clock starts at this instant (RFC 3339) and then runs normally.
    #[arg(long, value_parser = parse_now)]
    pub clock_start: Option<DateTime<Utc>>,
}

/// Runs the daemon until SIGTERM or SIGINT; SIGHUP reloads the configuration.
pub fn run(config: Option<PathBuf>, db: Option<PathBuf>, args: &Args) -> Result<ExitCode> {
    let load: Loader = Box::new(move || super::load_config(config.as_deref(), db.as_deref()));
    let clock = args
        .clock_start
        .map_or_else(Clock::real, Clock::starting_at);
    runtime()?.block_on(crate::daemon::run::run(
        load,
        clock,
        CancellationToken::new(),
    ))?;
    Ok(ExitCode::SUCCESS)
}
