//! `cobrador run`: the daemon (see [`crate::daemon::run`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use tokio_util::sync::CancellationToken;

use super::outbox::runtime;
use crate::daemon::run::Loader;

/// Runs the daemon until SIGTERM or SIGINT; SIGHUP reloads the configuration.
pub fn run(config: Option<PathBuf>, db: Option<PathBuf>) -> Result<ExitCode> {
    let load: Loader = Box::new(move || super::load_config(config.as_deref(), db.as_deref()));
    runtime()?.block_on(crate::daemon::run::run(load, CancellationToken::new()))?;
    Ok(ExitCode::SUCCESS)
}
