//! # cobrador
//!
//! A daemon that collects unpaid invoices politely, in Spanish, for small businesses in Spain
//! and Latin America.
//!
//! ## The loop
//!
//! [`daemon::pass`] is one pass: read every [`channel::Source`] (IMAP, Telegram) and
//! [`engine::apply`] the answers; [`engine::queue_due`] plans ([`policy::planner`], pure) and
//! queues (the durable [`store::outbox`]); [`sender::flush_all`] hands what is due to every
//! channel of the [`channel::Registry`]. `tick`, `demo` and `run` all call it.
//! docs/architecture.md walks one invoice through every module.
//!
//! ## Layout, lowest layer first (a module only uses those above it in this list)
//!
//! - [`domain`]: the vocabulary: clients, contacts, invoices, payments, money, promises,
//!   payment plans, outbox messages, the planner's snapshot; every stored word of a closed set
//!   as an enum (audit [`domain::Actor`] and [`domain::EventKind`], [`domain::Intent`],
//!   [`domain::ResponseStatus`], [`domain::HoldKind`]...). [`logging`]: credentials never
//!   logged, journald under systemd.
//! - [`understand`]: the pure reader of Spanish replies. [`policy`]: ladder, contact rules per
//!   country, holidays, interest, and the pure planner.
//! - [`render`]: the Spanish templates. [`config`]: the TOML, validated; builds the planner's
//!   settings. [`store`]: SQLite (WAL, migrations, audit log, outbox). [`mail`]: what a received
//!   email says (MIME, reply/auto-reply/bounce, visible words).
//! - [`channel`]: how messages leave and come back: SMTP, files, Telegram, IMAP; the registry
//!   and the `Source` trait. [`import`]: all-or-nothing import (CSV in any usual encoding,
//!   XLSX, ODS; column maps for invoicing programs' exports).
//! - [`sender`]: the durable outbox loop. [`engine`]: queueing a pass, matching and applying
//!   replies.
//! - [`inbox`]: the IMAP inbox reader. [`telegram`]: the bot's conversations. [`digest`]: the
//!   owner's morning digest. [`report`]: the owner's HTML report. [`bank`]: bank statements
//!   (Norma 43, camt.053) matched to invoices, the rest to a review list.
//! - [`daemon`]: the one owner of the loop (pass, `run`, lock, watchers, systemd).
//! - [`demo`]: sample clients simulated day by day. [`cli`]: one file per command group.

pub mod bank;
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
pub mod mail;
pub mod policy;
pub mod render;
pub mod report;
pub mod sender;
pub mod store;
pub mod telegram;
pub mod understand;
