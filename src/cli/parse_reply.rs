//! `cobrador parse-reply [--now RFC3339] [--tz ZONE] [--eml]`: a reply on stdin, JSON out.
//!
//! Stable fields: `intent`, `promised_date` (`YYYY-MM-DD` or null), `promised_range`
//! (`["YYYY-MM-DD", "YYYY-MM-DD"]` for a period, else null; `promised_date` is its last day)
//! and `ambiguous` (true when the app should confirm before acting). With `--eml` the message
//! is read exactly as the inbox reads it ([`crate::inbox::check::incoming_from`] and
//! [`crate::engine::apply::read_words`]): the same class, the same received time, the same
//! words; a bounce adds `failed_recipients`, `permanent`, `undelivered` and `refused_message`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::plan::parse_now;
use crate::engine::apply;
use crate::inbox::check;
use crate::mail::classify::Kind;
use crate::mail::{mime, trim};
use crate::understand::understand;

/// Options of `parse-reply`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The clock's now (RFC 3339), against which the reply is read. With --eml the message's
    /// Date is its received time when it lies within 36 h before this (as the inbox reads
    /// mail), else this. Default: with --eml the message's Date, else the real time.
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
    let mut extra = serde_json::Map::new();
    let (text, received, kind, reading) = if args.eml {
        let mail = mime::parse_with(&raw, &check::own_addresses(&ctx.config))
            .context("stdin is not an RFC 5322 message (drop --eml for plain text)")?;
        // Without --now, the message is read as of when it was written.
        let now = args.now.or(mail.date).unwrap_or_else(Utc::now);
        let inc = check::incoming_from(&mail, &raw, now);
        if let Some(b) = &mail.class.bounce {
            extra.insert(
                "failed_recipients".into(),
                serde_json::json!(b.failed_recipients),
            );
            extra.insert("permanent".into(), serde_json::json!(b.permanent));
            extra.insert("undelivered".into(), serde_json::json!(b.undelivered));
            extra.insert(
                "refused_message".into(),
                serde_json::json!(b.refused_message),
            );
            extra.insert("diagnostic".into(), serde_json::json!(b.diagnostic));
        }
        extra.insert(
            "class_evidence".into(),
            serde_json::json!(mail.class.evidence),
        );
        extra.insert("from".into(), serde_json::json!(mail.from));
        extra.insert("subject".into(), serde_json::json!(mail.subject));
        extra.insert("html_only".into(), serde_json::json!(mail.html_only));
        let reading = apply::read_words(&inc, &mail.visible, None, tz);
        (mail.visible, inc.received_at, inc.kind, reading)
    } else {
        let text = String::from_utf8_lossy(&raw).into_owned();
        let text = trim::visible_text(&text);
        let received = args.now.unwrap_or_else(Utc::now);
        let reading = understand(&text, received, tz);
        (text, received, Kind::Reply, reading)
    };
    let mut reading = reading;
    if kind != Kind::Reply {
        // A machine's message is never read as a client's words, whatever dates it holds.
        reading.intent = crate::understand::Intent::AutoReply;
        reading.promised_date = None;
        reading.promised_range = None;
        reading.promised_amount = None;
        reading.evidence.clear();
        reading.also.clear();
    }
    let mut json = serde_json::to_value(&reading)?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert("kind".into(), serde_json::json!(kind.as_str()));
        obj.insert("visible_text".into(), serde_json::json!(text));
        obj.insert("received_at".into(), serde_json::json!(received));
        obj.insert("time_zone".into(), serde_json::json!(tz.name()));
        // Hours the client asks to be written to within (`client hours`), or null.
        let hours = (kind == Kind::Reply)
            .then(|| crate::understand::asked_hours(&reading.cleaned_text))
            .flatten();
        obj.insert("asked_hours".into(), serde_json::json!(hours));
        obj.extend(extra);
    }
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(ExitCode::SUCCESS)
}
