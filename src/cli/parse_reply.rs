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
use crate::mail::classify::Kind;
use crate::mail::{mime, trim};
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
    let mut extra = serde_json::Map::new();
    let (text, received, kind) = if args.eml {
        let own = vec![ctx.config.business.email.to_ascii_lowercase()];
        let mail = mime::parse_with(&raw, &own)
            .context("stdin is not an RFC 5322 message (drop --eml for plain text)")?;
        let received = args.now.or(mail.date).unwrap_or_else(Utc::now);
        if let Some(b) = &mail.class.bounce {
            extra.insert(
                "failed_recipients".into(),
                serde_json::json!(b.failed_recipients),
            );
            extra.insert("permanent".into(), serde_json::json!(b.permanent));
            extra.insert("diagnostic".into(), serde_json::json!(b.diagnostic));
        }
        extra.insert(
            "class_evidence".into(),
            serde_json::json!(mail.class.evidence),
        );
        extra.insert("from".into(), serde_json::json!(mail.from));
        extra.insert("subject".into(), serde_json::json!(mail.subject));
        extra.insert("html_only".into(), serde_json::json!(mail.html_only));
        // A subject such as «Respuesta automática» marks a machine's message even without
        // the headers that say so.
        let auto_subject = mail
            .subject
            .as_deref()
            .is_some_and(crate::understand::subject_looks_automatic);
        let kind = if mail.class.kind == Kind::Reply && auto_subject {
            Kind::AutoReply
        } else {
            mail.class.kind
        };
        (mail.visible, received, kind)
    } else {
        let text = String::from_utf8_lossy(&raw).into_owned();
        (
            trim::visible_text(&text),
            args.now.unwrap_or_else(Utc::now),
            Kind::Reply,
        )
    };
    let mut reading = understand(&text, received, tz);
    if kind != Kind::Reply {
        // A machine's message is never read as a client's words, whatever dates it holds.
        reading.intent = crate::understand::Intent::AutoReply;
        reading.promised_date = None;
        reading.promised_range = None;
        reading.promised_amount = None;
    }
    let mut json = serde_json::to_value(&reading)?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert("kind".into(), serde_json::json!(kind.as_str()));
        obj.insert("visible_text".into(), serde_json::json!(text));
        obj.insert("received_at".into(), serde_json::json!(received));
        obj.insert("time_zone".into(), serde_json::json!(tz.name()));
        obj.extend(extra);
    }
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(ExitCode::SUCCESS)
}
