//! `cobrador demo`: a temporary database with varied sample clients, simulated day by day
//! through the file channel, with a readable timeline. Every message is written to a directory.

mod script;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use crate::channel::Registry;
use crate::channel::file::FileChannel;
use crate::config::{Config, EXAMPLE};
use crate::daemon::{self, Loop, Steps};
use crate::domain::Actor;
use crate::domain::HoldKind;
use crate::domain::{Channel, Money, PaymentKind};
use crate::engine::decisions::{self, Decision};
use crate::engine::{self, apply::Incoming};
use crate::render::Renderer;
use crate::sender::FlushOptions;
use crate::store::{self, OutboxStatus, Store};

use script::{Action, Character, When};

/// Marks a directory as the demo's own, so a second run may clean it.
const MARKER: &str = ".cobrador-demo";

/// What the demo saw, for the summary and for tests.
#[derive(Debug, Default)]
pub struct DemoReport {
    /// Messages sent, per stage or message kind.
    pub sent_by_stage: BTreeMap<String, usize>,
    /// Kinds of pause seen (promise, dispute, paid claim, opt-out, hold, hand-over...).
    pub pauses: BTreeSet<String>,
    /// Promise outcomes: "kept" / "broken".
    pub promises: BTreeMap<String, usize>,
    /// Files written.
    pub files: usize,
    /// The timeline, one line per event.
    pub timeline: Vec<String>,
    /// Final status per invoice.
    pub final_status: BTreeMap<String, String>,
    /// The owner's report written at the end (`informe-cobros.html` in the output directory).
    pub report_html: PathBuf,
}

/// Runs the demo over `days` days, writing messages and the database into `out`.
pub fn run(out: &Path, days: u64, mut print: impl FnMut(&str)) -> Result<DemoReport> {
    prepare_dir(out)?;
    let mut config = Config::parse(EXAMPLE, "config.example.toml (embedded)")?;
    config.database = out.join("demo.db");
    config.email.outbox_dir = Some(out.to_path_buf());
    let mut store = Store::open(&config.database)?;
    let renderer = Renderer::new(None)?;
    let cast = script::cast();
    seed(&mut store, &cast)?;
    let channel = FileChannel::new(out);
    let mut channels = Registry::default();
    channels.register(FileChannel::new(out));
    let config = Arc::new(config);
    let lp = Loop {
        config: config.clone(),
        renderer: Arc::new(Renderer::new(None)?),
        channels,
        sources: Vec::new(),
        flush: FlushOptions::default(),
    };
    let stop = CancellationToken::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut report = DemoReport::default();
    let mut say = |report: &mut DemoReport, line: String| {
        print(&line);
        report.timeline.push(line);
    };
    say(
        &mut report,
        format!(
            "cobrador demo: {} clients, {days} days from {}, messages in {} (times in UTC)",
            cast.len(),
            script::start(),
            out.display()
        ),
    );
    for c in &cast {
        say(
            &mut report,
            format!("  {:<8} {:<24} {}", c.client.id, c.client.name, c.role),
        );
    }
    let mut done: BTreeSet<(String, usize)> = BTreeSet::new();
    let mut last_hold: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_sent: BTreeSet<i64> = BTreeSet::new();
    let start = Utc.from_utc_datetime(&script::start().and_time(NaiveTime::MIN));
    let mut reply_seq = 0;
    for d in 0..days {
        for hour in 7..=21 {
            let now = start + Duration::days(d as i64) + Duration::hours(hour);
            // The cast acts first: replies, payments, the owner's decisions.
            for c in &cast {
                for (i, s) in c.story.iter().enumerate() {
                    if done.contains(&(c.client.id.clone(), i)) {
                        continue;
                    }
                    let Some(at) = due_at(&store, c, s.when, start)? else {
                        continue;
                    };
                    if at > now {
                        continue;
                    }
                    done.insert((c.client.id.clone(), i));
                    reply_seq += 1;
                    let line = act(&mut store, &config, &renderer, c, &s.action, now, reply_seq)?;
                    say(&mut report, stamp(now, &c.client.id, &line));
                }
            }
            let pass = runtime.block_on(daemon::pass(
                &mut store,
                &lp,
                now,
                Steps { read: false },
                &stop,
            ))?;
            let queued = &pass.queued;
            for e in &queued.effects {
                use crate::policy::planner::Effect;
                let (kind, client) = match e {
                    Effect::PromiseKept { client, .. } => ("promise kept", client),
                    Effect::PromiseBroken { client, .. } => ("promise broken", client),
                    Effect::PlanCompleted { client, .. } => ("payment plan completed", client),
                    Effect::PlanBroken { client, .. } => {
                        ("payment plan broken: the ladder resumes", client)
                    }
                    Effect::PlanRestored { client, .. } => ("payment plan running again", client),
                };
                *report.promises.entry(kind.into()).or_default() += 1;
                say(&mut report, stamp(now, client, kind));
            }
            for err in &queued.errors {
                say(&mut report, stamp(now, "-", &format!("error: {err}")));
            }
            for m in store::outbox::with_status(store.conn(), OutboxStatus::Sent)? {
                if !seen_sent.insert(m.id) {
                    continue;
                }
                *report
                    .sent_by_stage
                    .entry(m.message.stage.clone())
                    .or_default() += 1;
                report.files += 1;
                let to = if crate::domain::is_owner_facing(&m.message.stage) {
                    "to the owner".to_owned()
                } else {
                    format!("by {}", m.message.channel)
                };
                let invoices: Vec<&str> =
                    m.message.invoices.iter().map(|(n, _)| n.as_str()).collect();
                let file = channel.path_for(&m);
                let file = file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                say(
                    &mut report,
                    stamp(
                        now,
                        &m.message.client_id,
                        &format!(
                            "sent {:<17} {:<12} {:<10} {file}",
                            m.message.stage,
                            to,
                            invoices.join(",")
                        ),
                    ),
                );
            }
            // Pauses and stops, each time they change.
            let plan = engine::plan_now(&store, &config, now)?;
            let mut current: BTreeMap<String, String> = BTreeMap::new();
            for h in &plan.held {
                if let Some(kind) = pause_kind(h.kind) {
                    report.pauses.insert(kind.into());
                    current
                        .entry(h.client.clone())
                        .or_insert_with(|| h.reason.clone());
                }
            }
            for (client, reason) in &current {
                if last_hold.get(client) != Some(reason) {
                    say(&mut report, stamp(now, client, &format!("held: {reason}")));
                }
            }
            last_hold = current;
        }
    }
    for inv in store::invoices::list(store.conn(), None)? {
        report.final_status.insert(
            inv.number.clone(),
            format!("{} (balance {} {})", inv.status, inv.balance, inv.currency),
        );
    }
    say(&mut report, "Summary:".into());
    let stages: Vec<String> = report
        .sent_by_stage
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    say(&mut report, format!("  messages: {}", stages.join(", ")));
    let pauses = report
        .pauses
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    say(&mut report, format!("  pauses seen: {pauses}"));
    let lines: Vec<String> = report
        .final_status
        .iter()
        .map(|(n, s)| format!("  {n:<10} {s}"))
        .collect();
    for l in lines {
        say(&mut report, l);
    }
    let files = report.files;
    say(
        &mut report,
        format!(
            "  {files} files in {}; explore with: cobrador --db {} status",
            out.display(),
            config.database.display()
        ),
    );
    // The report is made the evening after the last day simulated.
    let end = start + Duration::days(days as i64) + Duration::hours(18);
    let html = out.join("informe-cobros.html");
    crate::report::write(store.conn(), &config, end, &html)?;
    let line = format!(
        "  owner's report: {} (open it in a browser)",
        html.display()
    );
    say(&mut report, line);
    report.report_html = html;
    Ok(report)
}

fn stamp(now: DateTime<Utc>, client: &str, what: &str) -> String {
    let day = (now.date_naive() - script::start()).num_days();
    format!(
        "D{day:<3} {} {:<8} {what}",
        now.format("%a %d %b %H:%M"),
        client
    )
}

/// Which pause a planner hold is; `None` for ordinary waiting.
fn pause_kind(kind: HoldKind) -> Option<&'static str> {
    match kind {
        HoldKind::Promise => Some("promise"),
        HoldKind::Disputed => Some("dispute"),
        HoldKind::PaidClaim => Some("paid claim"),
        HoldKind::OptedOut => Some("opt-out"),
        HoldKind::InvoiceOnHold | HoldKind::ClientOnHold => Some("manual hold"),
        HoldKind::PlanInstalment => Some("payment plan"),
        // One step at a time: after each reminder, the next stage and its earliest day.
        HoldKind::NextStep => Some("one step at a time: the next stage waits"),
        HoldKind::HandedOver => Some("handed over to a person"),
        HoldKind::AwaitingAnswer => Some("a reply waits for a person's answer"),
        HoldKind::NoContact
        | HoldKind::PlanBalance
        | HoldKind::BelowMinimum
        | HoldKind::MessagePending
        | HoldKind::NoOverdueStage
        | HoldKind::NotYetDue
        | HoldKind::LadderFinished
        | HoldKind::NoReachableContact
        | HoldKind::NoMoment
        | HoldKind::SkippedBeforeDue
        | HoldKind::SkippedAfterInstalment
        | HoldKind::SkippedWhileChased => None,
    }
}

fn prepare_dir(out: &Path) -> Result<()> {
    if out.exists() {
        let empty = std::fs::read_dir(out)?.next().is_none();
        if !empty && !out.join(MARKER).exists() {
            bail!(
                "{} is not empty and was not made by `cobrador demo`: choose another --out",
                out.display()
            );
        }
        if !empty {
            std::fs::remove_dir_all(out)
                .with_context(|| format!("cannot clean {}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    std::fs::write(
        out.join(MARKER),
        "Written by `cobrador demo`; safe to delete.\n",
    )?;
    Ok(())
}

fn seed(store: &mut Store, cast: &[Character]) -> Result<()> {
    let now = Utc.from_utc_datetime(&script::start().and_time(NaiveTime::MIN));
    store.transaction(|tx| {
        for c in cast {
            store::clients::upsert(tx, &c.client, now)?;
            store::clients::sync_imported_contacts(
                tx,
                &c.client.id,
                std::slice::from_ref(&c.contact),
            )?;
            if let Some(chat) = c.telegram {
                store::clients::link_telegram(tx, &c.client.id, &c.contact.email, chat)?;
            }
            let (number, due, amount, currency) = c.invoice;
            let due = script::day(due);
            store::invoices::upsert(
                tx,
                &store::invoices::InvoiceInput {
                    number: number.into(),
                    client_id: c.client.id.clone(),
                    issue_date: due - chrono::Days::new(30),
                    due_date: due,
                    currency: currency.into(),
                    amount: amount.parse::<Money>()?,
                    pdf_path: None,
                    description: None,
                },
                now,
            )?;
        }
        Ok(())
    })
}

/// When a step is due, if it can be known yet.
fn due_at(
    store: &Store,
    c: &Character,
    when: When,
    start: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    Ok(match when {
        When::Day(n) => Some(start + Duration::days(n as i64) + Duration::hours(15)),
        When::AfterStage(stage, hours) => store::outbox::for_client(store.conn(), &c.client.id)?
            .iter()
            .filter(|m| m.message.stage == stage && m.status == OutboxStatus::Sent)
            .filter_map(|m| m.sent_at)
            .min()
            .map(|at| at + Duration::hours(hours)),
        When::OnPromisedDate => store::promises::all(store.conn())?
            .iter()
            .rfind(|p| p.client_id == c.client.id)
            .map(|p| {
                Utc.from_utc_datetime(&p.promised_date.and_time(NaiveTime::MIN))
                    + Duration::hours(12)
            }),
    })
}

fn act(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    c: &Character,
    action: &Action,
    now: DateTime<Utc>,
    seq: usize,
) -> Result<String> {
    let number = c.invoice.0;
    match action {
        Action::Reply(text) => {
            let last = store::outbox::for_client(store.conn(), &c.client.id)?
                .into_iter()
                .rfind(|m| m.status == OutboxStatus::Sent);
            let channel = last
                .as_ref()
                .map(|m| m.message.channel)
                .unwrap_or(Channel::Email);
            let incoming = Incoming {
                channel: Some(channel),
                external_id: Some(format!(
                    "<demo-reply-{seq}@{}>",
                    crate::channel::email::domain_of(&c.contact.email)
                )),
                received_at: now,
                sender: Some(match channel {
                    Channel::Email => c.contact.email.clone(),
                    Channel::Telegram => c.telegram.map(|t| t.to_string()).unwrap_or_default(),
                }),
                subject: last
                    .as_ref()
                    .and_then(|m| m.message.subject.clone())
                    .map(|s| format!("Re: {s}")),
                body: (*text).to_owned(),
                references: last
                    .and_then(|m| m.message.message_id)
                    .into_iter()
                    .collect(),
                automatic: false,
                ..Incoming::default()
            };
            let applied = engine::apply::apply_reply(store, config, renderer, &incoming, now)?
                .context("the demo's reply was already applied")?;
            let first_line = text.lines().next().unwrap_or_default();
            let date = store::responses::list(store.conn(), false)?
                .into_iter()
                .find(|r| r.id == applied.response_id)
                .and_then(|r| r.response.promised_date)
                .map(|d| format!(" {d}"))
                .unwrap_or_default();
            Ok(format!(
                "replied «{first_line}» → {}{date}: {}",
                applied.intent, applied.effect
            ))
        }
        Action::PressDay(nth) => {
            let chat = c.telegram.context("a button press needs a Telegram chat")?;
            let update_id = 1_000_000 + i64::try_from(seq)?;
            crate::telegram::simulate::press_day(
                store, config, renderer, chat, *nth, update_id, now,
            )
        }
        Action::Pay(amount) => {
            let invoice = store::invoices::require(store.conn(), number)?;
            let amount = match amount {
                Some(a) => a.parse::<Money>()?,
                None => invoice.balance,
            };
            let today = now.with_timezone(&c.client.time_zone).date_naive();
            let input = store::invoices::PaymentInput {
                invoice_number: number.into(),
                paid_on: today,
                amount,
                reference: Some(format!("DEMO-{seq}")),
                kind: PaymentKind::Payment,
                source: Actor::Demo,
                import_key: None,
            };
            store.transaction(|tx| store::invoices::add_payment(tx, &input, now))?;
            let after = store::invoices::require(store.conn(), number)?;
            let discount: Money = store::invoices::payments(store.conn(), number)?
                .iter()
                .filter(|p| p.kind == PaymentKind::Discount)
                .map(|p| p.amount)
                .sum();
            let note = if discount.is_settled() {
                String::new()
            } else {
                format!(", prompt-payment discount of {discount} recorded")
            };
            Ok(format!(
                "paid {amount} {}: balance {} ({}){note}",
                after.currency, after.balance, after.status
            ))
        }
        Action::AgreePlan(instalments) => {
            let list: Vec<crate::store::agreements::Instalment> = instalments
                .iter()
                .enumerate()
                .map(|(i, (d, a))| {
                    Ok(crate::store::agreements::Instalment {
                        number: i as u32 + 1,
                        due_date: script::day(*d),
                        amount: a.parse::<Money>()?,
                    })
                })
                .collect::<Result<_>>()?;
            let id = engine::agreements::agree_plan(
                store,
                config,
                renderer,
                &[number.to_owned()],
                list.clone(),
                Some("agreed by phone"),
                now,
            )?;
            let dates: Vec<String> = list
                .iter()
                .map(|i| format!("{} {}", i.due_date, i.amount))
                .collect();
            Ok(format!(
                "owner agrees payment plan {id}: {}",
                dates.join(", ")
            ))
        }
        Action::Resolve | Action::Hold | Action::Unhold => {
            let (decision, line) = match action {
                Action::Resolve => (
                    Decision::Resolve,
                    "owner resolves the dispute: reminders resume",
                ),
                Action::Hold => (Decision::Hold, "owner puts the invoice on hold"),
                _ => (Decision::Unhold, "owner lifts the hold"),
            };
            decisions::decide(store, number, decision, None, Actor::Demo, now)?;
            Ok(line.into())
        }
    }
}

/// The default output directory.
pub fn default_out() -> PathBuf {
    PathBuf::from("demo-out")
}
