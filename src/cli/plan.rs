//! `cobrador plan [--now RFC3339] [--json]`: what would be sent now, and why; sends nothing.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use crate::engine;
use crate::policy::planner::{Held, Plan, PlannedMessage};

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

/// A planned message as a row of `plan --json`: its fields and `held: false`, keys in
/// alphabetical order (the order the rows had when they went through `serde_json::Value`;
/// the test below checks the two agree, so a field added to `PlannedMessage` shows here).
#[derive(serde::Serialize)]
struct PlannedRow<'a> {
    broken_plan: &'a Option<chrono::NaiveDate>,
    broken_promise: &'a Option<chrono::NaiveDate>,
    cc: &'a [String],
    channel: crate::domain::Channel,
    client: &'a str,
    cycle: &'a str,
    deadline: &'a Option<chrono::NaiveDate>,
    dedup_key: &'a str,
    due_now: bool,
    handover: bool,
    held: bool,
    invoices: &'a [String],
    plan: &'a Option<crate::policy::planner::PlanRef>,
    reached: &'a [String],
    recipients: &'a [String],
    segment: &'a Option<String>,
    send_at: &'a DateTime<Utc>,
    stage: &'a str,
    template: &'a str,
    waiting: &'a Option<String>,
    why: &'a str,
}

impl<'a> From<&'a PlannedMessage> for PlannedRow<'a> {
    fn from(m: &'a PlannedMessage) -> Self {
        // Destructured: a field added to `PlannedMessage` does not compile until it is here.
        let PlannedMessage {
            client,
            stage,
            template,
            cycle,
            dedup_key,
            channel,
            recipients,
            cc,
            invoices,
            reached,
            send_at,
            due_now,
            why,
            waiting,
            handover,
            broken_promise,
            broken_plan,
            deadline,
            segment,
            plan,
        } = m;
        PlannedRow {
            broken_plan,
            broken_promise,
            cc,
            channel: *channel,
            client,
            cycle,
            deadline,
            dedup_key,
            due_now: *due_now,
            handover: *handover,
            held: false,
            invoices,
            plan,
            reached,
            recipients,
            segment,
            send_at,
            stage,
            template,
            waiting,
            why,
        }
    }
}

/// What is not sent, as a row of `plan --json`: the stable fields null, `held: true` and the
/// reason (keys in alphabetical order, as [`PlannedRow`]).
#[derive(serde::Serialize)]
struct HeldRow<'a> {
    channel: Option<()>,
    client: &'a str,
    held: bool,
    invoices: &'a [String],
    reason: &'a str,
    send_at: Option<()>,
    stage: Option<()>,
}

impl<'a> From<&'a Held> for HeldRow<'a> {
    fn from(h: &'a Held) -> Self {
        HeldRow {
            channel: None,
            client: &h.client,
            held: true,
            invoices: &h.invoices,
            reason: &h.reason,
            send_at: None,
            stage: None,
        }
    }
}

/// The rows of `plan --json` of a range of clients, as they stand inside the pretty array.
/// The array has the stable fields (`client`, `stage`, `channel`, `invoices`, `send_at`) on
/// every row, every range's planned messages first, then the held items with their reason, so
/// the JSON says everything the text does: a range keeps its messages and held items apart,
/// each row indented one level and rows separated by `,\n`. Written on the range's thread
/// ([`engine::plan_by_range`]); [`write_json_parts`] puts the ranges together.
#[derive(Default)]
struct JsonPart {
    messages: Vec<u8>,
    held: Vec<u8>,
    /// The first row that could not be written (the output would not be the plan).
    error: Option<String>,
}

impl JsonPart {
    /// Adds one client's plan's rows.
    fn add(&mut self, plan: &Plan) {
        for m in &plan.messages {
            let written = row(&mut self.messages, &PlannedRow::from(m));
            self.note(written);
        }
        for h in &plan.held {
            let written = row(&mut self.held, &HeldRow::from(h));
            self.note(written);
        }
    }

    fn note(&mut self, written: serde_json::Result<()>) {
        if let Err(e) = written {
            self.error.get_or_insert_with(|| e.to_string());
        }
    }
}

/// Appends `value` to `out` as a row of the pretty array (serialized straight from the plan:
/// no `serde_json::Value` per row).
fn row(out: &mut Vec<u8>, value: &impl serde::Serialize) -> serde_json::Result<()> {
    let from = out.len();
    if from > 0 {
        out.extend_from_slice(b",\n");
    }
    // A one-row array, pretty, is the row indented as inside the whole array, between "[\n"
    // and "\n]".
    let at = out.len();
    if let Err(e) = serde_json::to_writer_pretty(&mut *out, &[value]) {
        out.truncate(from);
        return Err(e);
    }
    out.drain(at..at + 2);
    out.truncate(out.len() - 2);
    Ok(())
}

/// Writes the ranges' rows as one pretty JSON array: every range's planned messages, then
/// every range's held items (what `serde_json::to_writer_pretty` writes for all the rows).
fn write_json_parts(parts: &[JsonPart], out: &mut impl std::io::Write) -> Result<()> {
    if let Some(e) = parts.iter().find_map(|p| p.error.as_ref()) {
        anyhow::bail!("cannot write the plan as JSON: {e}");
    }
    let mut rows = parts
        .iter()
        .map(|p| &p.messages)
        .chain(parts.iter().map(|p| &p.held))
        .filter(|rows| !rows.is_empty())
        .peekable();
    if rows.peek().is_none() {
        out.write_all(b"[]\n")?;
        return Ok(());
    }
    out.write_all(b"[\n")?;
    let mut first = true;
    for part in rows {
        if !first {
            out.write_all(b",\n")?;
        }
        out.write_all(part)?;
        first = false;
    }
    out.write_all(b"\n]\n")?;
    Ok(())
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    if args.json {
        let parts =
            engine::plan_by_range(&store, &ctx.config, now, |plan, part: &mut JsonPart| {
                part.add(&plan)
            })?;
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        write_json_parts(&parts, &mut out)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let plan = engine::plan_now(&store, &ctx.config, now)?;
    println!("Plan at {}", ctx.local(now));
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
    // The tick releases them before it plans (`sender::release`); this plan, a dry run, does
    // not (mail28 U1: «still failed» here, sent again by a tick at the same instant).
    if crate::store::outbox::any_dead_to_release(store.conn(), now)? {
        println!(
            "Note: messages that could not be delivered have waited their hold out: the next \
             `tick` plans their stages again (this plan still shows them as failed)."
        );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HoldKind;
    use crate::policy::planner::PlanRef;

    /// The rows of `plan --json` in one `serde_json` call over a whole plan (what the ranges'
    /// rows put together must equal): the stable fields (`client`, `stage`, `channel`, `invoices`,
    /// `send_at`) on every row, planned messages first, then the held items with their reason, so
    /// the JSON says everything the text does.
    struct JsonRows<'a>(&'a Plan);

    impl serde::Serialize for JsonRows<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq as _;
            let mut seq = s.serialize_seq(Some(self.0.messages.len() + self.0.held.len()))?;
            for m in &self.0.messages {
                seq.serialize_element(&PlannedRow::from(m))?;
            }
            for h in &self.0.held {
                seq.serialize_element(&HeldRow::from(h))?;
            }
            seq.end()
        }
    }

    /// The rows as they were written through `serde_json::Value` (a map: sorted keys).
    fn through_values(plan: &Plan) -> String {
        let planned = plan.messages.iter().map(|m| {
            let mut v = serde_json::to_value(m).unwrap();
            v.as_object_mut()
                .unwrap()
                .insert("held".into(), false.into());
            v
        });
        let held = plan.held.iter().map(|h| {
            serde_json::json!({
                "client": h.client, "stage": null, "channel": null, "invoices": h.invoices,
                "send_at": null, "held": true, "reason": h.reason,
            })
        });
        serde_json::to_string_pretty(&planned.chain(held).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn json_rows_are_written_as_through_values() {
        let now: DateTime<Utc> = "2026-11-24T10:00:00Z".parse().unwrap();
        let full = PlannedMessage {
            client: "C1".into(),
            stage: "instalment".into(),
            template: "instalment".into(),
            cycle: "F-1".into(),
            dedup_key: "C1|instalment|plan-3-2".into(),
            channel: crate::domain::Channel::Telegram,
            recipients: vec!["123".into()],
            cc: vec!["a@b.example".into(), "\"quoted\" ñ".into()],
            invoices: vec!["F-1".into(), "F-2".into()],
            reached: vec!["F-1".into()],
            send_at: now,
            due_now: true,
            why: "why".into(),
            waiting: Some("waiting for Monday".into()),
            handover: false,
            broken_promise: Some(now.date_naive()),
            broken_plan: Some(now.date_naive()),
            deadline: Some(now.date_naive()),
            segment: Some("late".into()),
            plan: Some(PlanRef {
                id: 3,
                instalment: 2,
                missed: true,
            }),
        };
        let empty = PlannedMessage {
            recipients: vec![],
            cc: vec![],
            waiting: None,
            handover: true,
            broken_promise: None,
            broken_plan: None,
            deadline: None,
            segment: None,
            plan: None,
            ..full.clone()
        };
        let plan = Plan {
            messages: vec![full, empty],
            held: vec![
                Held {
                    client: "C2".into(),
                    invoices: vec![],
                    kind: HoldKind::Promise,
                    reason: "paused".into(),
                },
                Held {
                    client: "C3".into(),
                    invoices: vec!["F-9".into()],
                    kind: HoldKind::Promise,
                    reason: "disputed".into(),
                },
            ],
            ..Plan::default()
        };
        let direct = serde_json::to_string_pretty(&JsonRows(&plan)).unwrap();
        assert_eq!(direct, through_values(&plan));
        // In ranges: the first client in one, the others in another (messages of both first).
        let mut parts = vec![JsonPart::default(), JsonPart::default()];
        let (first, second) = plan.messages.split_at(1);
        let (held_first, held_second) = plan.held.split_at(1);
        parts[0].add(&Plan {
            messages: first.to_vec(),
            held: held_first.to_vec(),
            ..Plan::default()
        });
        parts[1].add(&Plan {
            messages: second.to_vec(),
            held: held_second.to_vec(),
            ..Plan::default()
        });
        let mut written = Vec::new();
        write_json_parts(&parts, &mut written).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), direct + "\n");
        // Nothing at all, or held items only.
        let mut written = Vec::new();
        write_json_parts(&[JsonPart::default(), JsonPart::default()], &mut written).unwrap();
        assert_eq!(written, b"[]\n");
        let mut only_held = JsonPart::default();
        only_held.add(&Plan {
            held: plan.held.clone(),
            ..Plan::default()
        });
        let mut written = Vec::new();
        write_json_parts(&[JsonPart::default(), only_held], &mut written).unwrap();
        let held_only = Plan {
            held: plan.held.clone(),
            ..Plan::default()
        };
        assert_eq!(
            String::from_utf8(written).unwrap(),
            serde_json::to_string_pretty(&JsonRows(&held_only)).unwrap() + "\n"
        );
    }
}
