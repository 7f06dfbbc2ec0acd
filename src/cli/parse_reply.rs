//! `cobrador parse-reply [--now RFC3339] [--tz ZONE] [--eml]`: a reply on stdin, JSON out.
//!
//! Stable fields: `intent`, `promised_date` (`YYYY-MM-DD` or null), `promised_range`
//! (`["YYYY-MM-DD", "YYYY-MM-DD"]` for a period, else null; `promised_date` is its last day)
//! and `ambiguous` (true when the app should confirm before acting). With `--eml`, automatic
//! replies are recognised by their headers and their subject as well as their text.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::plan::parse_now;
use crate::inbox::mime;
use crate::understand::understand;

/// Options of `parse-reply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// When the reply was received (RFC 3339). Default: the Date header with --eml, else now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// The client's time zone (IANA). Default: the business's.
    #[arg(long)]
    pub tz: Option<String>,
    /// Stdin is a whole RFC 5322 message (.eml), not just the text.
    #[arg(long)]
    pub eml: bool,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .context("cannot read stdin")?;
    let tz: Tz = match &args.tz {
        Some(z) => z
            .parse()
            .map_err(|_| anyhow::anyhow!("--tz {z:?}: use an IANA name such as Europe/Madrid"))?,
        None => ctx.config.business.time_zone,
    };
    let (text, received, automatic) = if args.eml {
        let mail = mime::parse(&raw)
            .context("stdin is not an RFC 5322 message (drop --eml for plain text)")?;
        let auto_subject = mail
            .subject
            .as_deref()
            .is_some_and(crate::understand::subject_looks_automatic);
        (
            mail.text,
            args.now.or(mail.date).unwrap_or_else(Utc::now),
            mail.automatic || auto_subject,
        )
    } else {
        (
            String::from_utf8_lossy(&raw).into_owned(),
            args.now.unwrap_or_else(Utc::now),
            false,
        )
    };
    let mut reading = understand(&text, received, tz);
    if automatic {
        // An automatic reply never promises, whatever dates its text holds.
        reading.intent = crate::understand::Intent::AutoReply;
        reading.promised_date = None;
        reading.promised_range = None;
        reading.promised_amount = None;
    }
    let mut json = serde_json::to_value(&reading)?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert("received_at".into(), serde_json::json!(received));
        obj.insert("time_zone".into(), serde_json::json!(tz.name()));
    }
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(ExitCode::SUCCESS)
}
