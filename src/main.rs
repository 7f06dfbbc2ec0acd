//! The cobrador binary: parse the command line, set up logging, run the command.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

fn main() -> ExitCode {
    // `cobrador outbox list | head -1`: a closed pipe ends the program quietly, as for any Unix
    // tool, instead of a panic in `println!`.
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cobrador::cli::Cli::parse();
    init_logging();
    match cobrador::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// `COBRADOR_LOG` (default `warn`; `info` under systemd). Under systemd (`JOURNAL_STREAM` set)
/// events go to journald with their priority and fields (CLIENT, STAGE, ...); elsewhere plain
/// lines on stderr, coloured only on a terminal.
fn init_logging() {
    let under_systemd = std::env::var_os("JOURNAL_STREAM").is_some();
    let filter = EnvFilter::try_from_env("COBRADOR_LOG")
        .unwrap_or_else(|_| EnvFilter::new(if under_systemd { "info" } else { "warn" }));
    if under_systemd && let Ok(journald) = tracing_journald::layer() {
        tracing_subscriber::registry()
            .with(filter)
            .with(journald.with_syslog_identifier("cobrador".into()))
            .init();
        return;
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}
