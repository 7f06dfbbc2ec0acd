//! `cobrador reply record CLIENT --text "…" | --eml FILE`: an answer the client gave by phone,
//! WhatsApp or in person, typed in by the owner, applied exactly as an email would be.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Utc};

use super::plan::parse_now;
use super::{Context, print_json};
use crate::engine::apply::{self, Incoming};
use crate::inbox;
use crate::render::Renderer;
use crate::store;

/// `reply` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record a client's answer and apply it (promise, paid, dispute, plan, stop…).
    Record(RecordArgs),
}

/// Options of `reply record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The client (id) who answered.
    pub client: String,
    /// What the client said.
    #[arg(long, conflicts_with = "eml", required_unless_present = "eml")]
    pub text: Option<String>,
    /// A whole message saved as .eml (forwarded to the owner, say).
    #[arg(long)]
    pub eml: Option<PathBuf>,
    /// When the client said it (RFC 3339). Default: the Date header with --eml, else now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> Result<ExitCode> {
    let Command::Record(args) = cmd;
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let contacts = store::clients::for_client(store.conn(), &args.client)?;
    if store::clients::get(store.conn(), &args.client)?.is_none() {
        bail!("no client {} (see `cobrador client list`)", args.client);
    }
    let mut inc = match (&args.text, &args.eml) {
        (Some(text), _) => Incoming {
            body: text.clone(),
            received_at: now,
            ..Incoming::default()
        },
        (None, Some(path)) => {
            let raw =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut inc = inbox::check::incoming(&ctx.config, &raw, now);
            if args.now.is_some() {
                inc.received_at = now;
            }
            inc.raw_ref = Some(path.display().to_string());
            inc
        }
        (None, None) => bail!("give --text \"…\" or --eml FILE"),
    };
    // The owner vouches for it: it is this client's answer, whoever typed it.
    inc.trusted = true;
    inc.client = Some(args.client.clone());
    if args.text.is_some() {
        inc.via = Some(crate::domain::ReplyChannel::Manual);
    }
    inc.channel = inc.channel.or(Some(crate::domain::Channel::Email));
    let billing = contacts.iter().find_map(|c| c.email.clone());
    if args.text.is_some() || inc.sender.is_none() {
        inc.sender = billing;
    }
    let renderer = Renderer::new(ctx.config.templates_dir.as_deref())?;
    let applied = apply::apply_reply(&mut store, &ctx.config, &renderer, &inc, now)?;
    let Some(applied) = applied else {
        println!("already recorded (same Message-ID): nothing done");
        return Ok(ExitCode::SUCCESS);
    };
    if applied.client.as_deref() != Some(args.client.as_str()) {
        eprintln!(
            "warning: the message was matched to {} rather than {}; check it with \
             `cobrador responses` and re-classify if needed",
            applied.client.as_deref().unwrap_or("no client"),
            args.client
        );
    }
    if args.json {
        print_json(&applied)?;
    } else {
        println!(
            "#{} {} {} {}: {}",
            applied.response_id,
            applied.client.as_deref().unwrap_or("(unknown)"),
            applied.intent,
            applied.status,
            applied.effect
        );
    }
    Ok(ExitCode::SUCCESS)
}
