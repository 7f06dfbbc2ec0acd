//! `cobrador plan [--now RFC3339] [--json]`: what would be sent now, and why; sends nothing.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use crate::engine;

/// Options of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The instant to plan at (RFC 3339). Default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<DateTime<Utc>>,
    /// JSON output: a list of planned messages (`held: false`) followed by what is not sent
    /// (`held: true`, with `reason`; `stage`, `channel` and `send_at` null).
    #[arg(long)]
    pub json: bool,
}

/// Parses `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("{e}: use RFC 3339, e.g. 2026-11-24T10:30:00+01:00"))
}

/// The rows of `plan --json`: the stable fields (`client`, `stage`, `channel`, `invoices`,
/// `send_at`) on every row, planned messages first, then the held items with their reason, so
/// the JSON says everything the text does.
fn json_rows(plan: &crate::policy::planner::Plan) -> impl Iterator<Item = serde_json::Value> + '_ {
    let planned = plan.messages.iter().map(|m| {
        let mut v = serde_json::to_value(m).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("held".into(), false.into());
        }
        v
    });
    let held = plan.held.iter().map(|h| {
        serde_json::json!({
            "client": h.client,
            "stage": null,
            "channel": null,
            "invoices": h.invoices,
            "send_at": null,
            "held": true,
            "reason": h.reason,
        })
    });
    planned.chain(held)
}

/// Writes the rows as one pretty JSON array, row by row (no whole-output value in memory).
fn write_json_rows(plan: &crate::policy::planner::Plan) -> Result<()> {
    struct Rows<'a>(std::cell::RefCell<Option<Box<dyn Iterator<Item = serde_json::Value> + 'a>>>);
    impl serde::Serialize for Rows<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let rows = self.0.borrow_mut().take();
            s.collect_seq(rows.into_iter().flatten())
        }
    }
    let out = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(
        &mut out,
        &Rows(std::cell::RefCell::new(Some(Box::new(json_rows(plan))))),
    )?;
    use std::io::Write as _;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let plan = engine::plan_now(&store, &ctx.config, now)?;
    if args.json {
        write_json_rows(&plan)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("Plan at {now}");
    if plan.messages.is_empty() {
        println!("Nothing to send.");
    }
    for m in &plan.messages {
        let when = match &m.waiting {
            None => "now".to_owned(),
            Some(w) => w.clone(),
        };
        println!(
            "  {:<10} {:<10} {:<8} {:<38} {}",
            m.client,
            m.stage,
            if m.handover {
                "owner"
            } else {
                m.channel.as_str()
            },
            m.invoices.join(","),
            when
        );
        println!("  {:<10} why: {}", "", m.why);
    }
    if !plan.held.is_empty() {
        println!("Not sent:");
        for h in &plan.held {
            let what = if h.invoices.is_empty() {
                "(all)".to_owned()
            } else {
                h.invoices.join(",")
            };
            println!("  {:<10} {:<20} {}", h.client, what, h.reason);
        }
    }
    for e in &plan.effects {
        println!("Due: {}", serde_json::to_string(e)?);
    }
    for e in &plan.errors {
        eprintln!("error: {e}");
    }
    Ok(if plan.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
