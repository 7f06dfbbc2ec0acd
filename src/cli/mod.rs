//! The command line: one file per command group. Stable interface: see DESIGN.md.

mod agreement;
mod backup;
mod bank;
mod bench;
mod check;
mod client;
mod demo;
mod generate;
mod import;
mod inbox;
mod init;
mod invoice;
mod outbox;
mod parse_reply;
mod plan;
mod preview;
mod reply;
mod report;
mod responses;
mod run;
mod send_test;
mod status;
mod telegram;
mod templates;
mod tick;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::store::Store;

/// cobrador: collects unpaid invoices politely, in Spanish.
#[derive(Debug, Parser)]
#[command(name = "cobrador", version, about)]
pub struct Cli {
    /// Configuration file (default: ./cobrador.toml, then /etc/cobrador/config.toml).
    #[arg(long, global = true, env = "COBRADOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database file (default: `database` in the configuration).
    #[arg(long, global = true, env = "COBRADOR_DB")]
    pub db: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether the command talks to a mail server or the Bot API. Those keep SIGPIPE ignored:
    /// a server gone mid-write (Dovecot restarted under the daemon) is an error the command
    /// handles, not a signal that kills the daemon without a word.
    pub fn talks_to_servers(&self) -> bool {
        matches!(
            self.command,
            Command::Run(_)
                | Command::Tick(_)
                | Command::Inbox(_)
                | Command::Telegram(_)
                | Command::Outbox(_)
                | Command::SendTest { .. }
                | Command::Check(_)
                | Command::Bench(_)
        )
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database (and ./cobrador.toml from the example if there is no config).
    Init(init::Args),
    /// Validate the configuration, templates and database; non-zero exit on any error.
    Check(check::Args),
    /// Import clients, invoices or payments (CSV, XLSX, ODS), or a bank statement (all or nothing).
    Import(import::Args),
    /// Credits from bank statements waiting for the owner: list and settle them.
    #[command(subcommand)]
    Bank(bank::Command),
    /// List or show clients.
    Client(client::Args),
    /// List, show and change invoices.
    Invoice(invoice::Args),
    /// What would be sent now, and why (and why not); sends nothing.
    Plan(plan::Args),
    /// Print exactly what would be sent for an invoice (headers included for email).
    Preview(preview::Args),
    /// Read a reply (text, or a whole .eml with --eml) on stdin; print intent and date as JSON.
    ParseReply(parse_reply::Args),
    /// One full pass: read replies (IMAP, Telegram), plan, queue, send; then exit.
    Tick(tick::Args),
    /// The daemon: passes on a schedule and on change, replies read as they come; SIGTERM stops,
    /// SIGHUP reloads the configuration and templates.
    Run(run::Args),
    /// Generate the man page or shell completions (used to build the package).
    #[command(subcommand, hide = true)]
    Generate(generate::Command),
    /// Benchmark helpers: generated databases (see scripts/bench.sh).
    #[command(subcommand, hide = true)]
    Bench(bench::Command),
    /// Sample clients simulated day by day; every message written to a directory.
    Demo(demo::Args),
    /// Payment plans and promises typed in by the owner.
    Agreement(agreement::Args),
    /// Replies received and what was done with them (`--review`: those a person must read;
    /// `--reclassify ID --as KIND`: the owner's reading, and its effect).
    Responses(responses::Args),
    /// The IMAP inbox: `inbox check` reads what arrived, once, and applies it.
    #[command(subcommand)]
    Inbox(inbox::Command),
    /// Answers given by phone, WhatsApp or in person: `reply record CLIENT --text "…"`.
    #[command(subcommand)]
    Reply(reply::Command),
    /// Aging buckets, promises due, review queue, outbox health.
    Status(status::Args),
    /// The message templates: `export DIR` writes the defaults to start editing from.
    #[command(subcommand)]
    Templates(templates::Command),
    /// The owner's report: one self-contained HTML page (`--html FILE`).
    Report(report::Args),
    /// The durable outbox: list messages, send what is due, resolve uncertain ones.
    #[command(subcommand)]
    Outbox(outbox::Command),
    /// Telegram: link a client's chat (deep link + QR code), read the bot's updates.
    #[command(subcommand)]
    Telegram(telegram::Command),
    /// Send one sample message through the configured SMTP server and print its answer.
    SendTest {
        /// Recipient address.
        address: String,
    },
    /// Online copy of the database to FILE.
    Backup {
        /// Destination file (must not exist).
        file: PathBuf,
    },
}

/// What every command needs: the configuration and where the database is.
pub struct Context {
    /// The loaded configuration.
    pub config: Config,
}

impl Context {
    /// Opens the existing database.
    pub fn store(&self) -> Result<Store> {
        Store::open_existing(&self.config.database)
    }

    /// An instant as the owner reads it: the business's own clock and zone
    /// (`2027-02-26 12:15 -03`, `2026-12-02 10:30 CET`). JSON keeps RFC 3339 in UTC.
    pub fn local(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        local_time(at, self.config.business.time_zone)
    }
}

/// `at` on the clock of `tz`, minutes and the zone's abbreviation.
pub(crate) fn local_time(at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Demo(args) = &cli.command {
        return demo::run(args);
    }
    if let Command::Init(args) = &cli.command {
        return init::run(cli.config.as_deref(), cli.db.as_deref(), args);
    }
    match cli.command {
        Command::Run(args) => return run::run(cli.config, cli.db, &args),
        Command::Templates(cmd) => return templates::run(cmd),
        Command::Generate(cmd) => return generate::run(cmd),
        Command::Bench(cmd) => return bench::run(cmd, cli.config.as_deref(), cli.db.as_deref()),
        _ => {}
    }
    let config = load_config(cli.config.as_deref(), cli.db.as_deref())?;
    let ctx = Context { config };
    match cli.command {
        Command::Init(_)
        | Command::Demo(_)
        | Command::Run(_)
        | Command::Generate(_)
        | Command::Templates(_)
        | Command::Bench(_) => {
            unreachable!("handled above")
        }
        Command::Check(args) => check::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Bank(cmd) => bank::run(&ctx, cmd),
        Command::Client(cmd) => client::run(&ctx, cmd),
        Command::Invoice(cmd) => invoice::run(&ctx, cmd),
        Command::Status(args) => status::run(&ctx, &args),
        Command::Plan(args) => plan::run(&ctx, &args),
        Command::Tick(args) => tick::run(&ctx, &args),
        Command::Responses(args) => responses::run(&ctx, &args),
        Command::Inbox(cmd) => inbox::run(&ctx, cmd),
        Command::Reply(cmd) => reply::run(&ctx, cmd),
        Command::Agreement(cmd) => agreement::run(&ctx, cmd),
        Command::ParseReply(args) => parse_reply::run(&ctx, &args),
        Command::Preview(args) => preview::run(&ctx, &args),
        Command::Outbox(cmd) => outbox::run(&ctx, cmd),
        Command::Telegram(cmd) => telegram::run(&ctx, cmd),
        Command::Report(args) => report::run(&ctx, &args),
        Command::SendTest { address } => send_test::run(&ctx, &address),
        Command::Backup { file } => backup::run(&ctx, &file),
    }
}

/// The configuration the command line points to, with `--db` applied.
pub(crate) fn load_config(path: Option<&Path>, db: Option<&Path>) -> Result<Config> {
    let mut config = Config::discover(path)?;
    if let Some(db) = db {
        config.database = db.to_path_buf();
    }
    Ok(config)
}

/// Writes what `produce` hands to its callback as one pretty JSON array (the text
/// [`print_json`] prints for them all), each item as it comes, so that `| head` answers at
/// once on a large database; a closed pipe ends it quietly.
pub(crate) fn stream_json<T: serde::Serialize>(
    produce: impl FnOnce(&mut dyn FnMut(T) -> Result<()>) -> Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    let written = produce(&mut |item| {
        let item = serde_json::to_string_pretty(&item)?.replace('\n', "\n  ");
        write!(out, "{}{item}", if first { "[\n  " } else { ",\n  " })?;
        first = false;
        Ok(())
    })
    .and_then(|()| {
        writeln!(out, "{}", if first { "[]" } else { "\n]" })?;
        Ok(out.flush()?)
    });
    quiet_on_closed_pipe(written)
}

/// Runs `write` on a buffered standard output (one `write` per buffer, not per line); a closed
/// pipe (`| head`) ends it quietly.
pub(crate) fn stream_lines(
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    quiet_on_closed_pipe(write(&mut out).and_then(|()| Ok(out.flush()?)))
}

/// `Ok` for an error that is a closed pipe: the reader had what it wanted.
fn quiet_on_closed_pipe(written: Result<()>) -> Result<()> {
    match written {
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Prints a value as pretty JSON.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
