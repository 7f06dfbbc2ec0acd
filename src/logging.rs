//! Logging: `COBRADOR_LOG` chooses what is written (default `warn`), and credentials are never
//! written, whatever it says.
//!
//! lettre logs every byte of an SMTP session at debug level (`Wrote: AUTH PLAIN <base64 of user
//! and password>`, and the whole message body, with the client's personal data), and
//! async-imap logs every IMAP command at trace level (`LOGIN user password`). Those wire
//! traces are dropped at every level by a filter the environment cannot override; cobrador's
//! own `cobrador::smtp` debug lines say what happened in a session without its secrets.
//!
//! Under systemd (`JOURNAL_STREAM` set) events go to journald with their priority and fields
//! (CLIENT, STAGE, ...) and the default level is `info`; elsewhere plain lines on stderr,
//! coloured only on a terminal.

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{EnvFilter, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// Log targets whose debug and trace lines carry protocol bytes (passwords, message bodies).
pub const WIRE_TARGETS: &[&str] = &["lettre::transport::smtp", "async_imap", "imap_proto"];

/// Whether an event may be written: wire traces below info never are.
pub fn allowed(meta: &Metadata<'_>) -> bool {
    let wire = WIRE_TARGETS.iter().any(|t| meta.target().starts_with(t));
    !(wire && *meta.level() > Level::INFO)
}

/// Installs the global subscriber: journald under systemd, stderr elsewhere, filtered by
/// `COBRADOR_LOG`, wire traces dropped.
pub fn init() {
    let under_systemd = std::env::var_os("JOURNAL_STREAM").is_some();
    let env = EnvFilter::try_from_env("COBRADOR_LOG")
        .unwrap_or_else(|_| EnvFilter::new(if under_systemd { "info" } else { "warn" }));
    if under_systemd && let Ok(journald) = tracing_journald::layer() {
        let layer = journald
            .with_syslog_identifier("cobrador".into())
            .with_filter(env)
            .with_filter(filter_fn(allowed));
        let _ = tracing_subscriber::registry().with(layer).try_init();
        return;
    }
    let layer = fmt::layer()
        .with_writer(std::io::stderr)
        // Colours only on a terminal: journald and log files get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(env)
        .with_filter(filter_fn(allowed));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
