//! # cobrador
//!
//! A daemon that collects unpaid invoices politely, in Spanish, for small businesses in Spain
//! and Latin America.
//!
//! ## Layout
//!
//! - [`config`]: the TOML configuration, validated at start-up; secrets only from env or files.
//! - [`domain`]: clients, contacts, invoices, payments and exact money.
//! - [`store`]: the SQLite database (WAL, migrations, append-only audit log, durable outbox).
//! - [`channel`]: how a message leaves: SMTP (lettre), a directory of `.eml` files, the Sent
//!   mailbox (IMAP); one trait, transient and permanent failures as types.
//! - [`sender`]: the durable outbox loop: `sending` committed before the hand-over, backoff,
//!   dead letters, crash recovery to `uncertain`.
//! - [`logging`]: the log set-up; credentials and message bytes are never written.
//! - [`import`]: all-or-nothing CSV import of clients, invoices and payments.
//! - [`policy`]: contact rules per country, holidays, interest, and the pure planner.
//! - [`render`]: the Spanish templates (Handlebars, strict), helpers, linter.
//! - [`understand`]: the pure reader of Spanish replies: intent, promised date and amount.
//! - [`engine`]: one pass of the loop (plan, queue) and applying replies.
//! - [`inbox`]: reading replies (MIME parsing, auto-reply and bounce detection).
//! - [`demo`]: sample clients simulated day by day through the file channel.
//! - [`cli`]: one file per command group; `main.rs` only parses arguments and calls [`cli::run`].
//!
//! The loop (see DESIGN.md): invoices → planner (pure) → outbox (durable) → channels
//! (SMTP | Telegram | file); replies → understand (pure) → apply.

pub mod bench;
pub mod channel;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod import;
pub mod inbox;
pub mod logging;
pub mod policy;
pub mod render;
pub mod sender;
pub mod store;
pub mod understand;
