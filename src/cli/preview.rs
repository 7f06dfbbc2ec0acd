//! `cobrador preview --invoice NUMBER [--stage NAME] [--channel email|telegram|letter]`:
//! exactly what would be sent, headers included for email (built by the same code as a send).
//!
//! The message is the planner's: when it plans one for the invoice (at that stage, on that
//! channel), that very message is shown; when it would not send it now (a hold, another step
//! of the ladder first, another channel), the preview is hypothetical, says so on stderr, and
//! its recipients, copies and deadline still come from the planner's functions
//! ([`planner::addressees`], [`planner::overdue_deadline`]), so a preview never disagrees with
//! a send about who is written to.

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};

use super::Context;
use crate::domain::{Channel, ClientFile, Invoice};
use crate::engine;
use crate::policy::ladder::Stage;
use crate::policy::planner::{self, Plan, PlannedMessage, Settings};
use crate::render::{self, Renderer};
use crate::store;

/// Options of `preview`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The invoice to preview a reminder for (or `--client`).
    #[arg(long, required_unless_present = "client")]
    pub invoice: Option<String>,
    /// The client to preview a reminder for (its oldest open invoice).
    #[arg(long, conflicts_with = "invoice")]
    pub client: Option<String>,
    /// A directory of edited templates to render from (default: `templates-dir` in the
    /// configuration), e.g. one written by `cobrador templates export`.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<std::path::PathBuf>,
    /// Stage (default: the stage the invoice's client is at now).
    #[arg(long)]
    pub stage: Option<String>,
    /// email, telegram or letter (formal and final stages). Default: email.
    #[arg(long, default_value = "email")]
    pub channel: String,
    /// The instant to preview at (RFC 3339), as `plan --now` and `tick --now`. Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<DateTime<Utc>>,
}

/// The message a preview shows, and how it relates to what the planner would do.
struct Choice {
    /// The planner's message, or one addressed and dated by the planner's rules.
    planned: PlannedMessage,
    /// Its ladder stage.
    stage: Stage,
    /// The stage after it, if any (a letter names the hand-over date).
    next: Option<Stage>,
    /// What to tell the owner about it (printed on stderr, so stdout stays the message).
    note: String,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let number = match (&args.invoice, &args.client) {
        (Some(n), _) => n.clone(),
        (None, Some(client)) => oldest_open_invoice(store.conn(), client)?,
        (None, None) => bail!("preview: pass --invoice NUMBER or --client ID"),
    };
    let invoice = store::invoices::require(store.conn(), &number)?;
    let file = &store::snapshot::load_client(store.conn(), &invoice.client_id)?
        .context("the invoice's client is missing")?;
    let (channel, letter) = match args.channel.as_str() {
        "email" => (Channel::Email, false),
        "telegram" => (Channel::Telegram, false),
        "letter" => (Channel::Email, true),
        other => bail!("--channel {other:?}: use email, telegram or letter"),
    };
    let settings = engine::settings_for(store.conn(), &ctx.config)?;
    let choice = choose(
        file,
        &settings,
        &invoice,
        args.stage.as_deref(),
        channel,
        now,
    )?;
    let m = &choice.planned;
    let list = |l: &[String]| {
        if l.is_empty() {
            "none".to_owned()
        } else {
            l.join(", ")
        }
    };
    eprintln!(
        "{}\nTo: {}; cc: {}; deadline: {}",
        choice.note,
        list(&m.recipients),
        list(&m.cc),
        m.deadline
            .map_or_else(|| "none".to_owned(), |d| d.to_string())
    );
    let renderer = Renderer::new(
        args.templates
            .as_deref()
            .or(ctx.config.templates_dir.as_deref()),
    )?;
    if letter {
        print_letter(ctx, &renderer, file, &choice, now)
    } else {
        print_message(ctx, &renderer, file, &choice.planned, now)
    }
}

/// The planner's own message for this invoice (and `stage`, and `channel`) when it plans one
/// now or later; else the message it would write at that stage, hypothetically: recipients,
/// copies and deadline chosen by the planner's functions, and a note saying why the planner
/// would not send it.
fn choose(
    file: &ClientFile,
    settings: &Settings,
    invoice: &Invoice,
    stage: Option<&str>,
    channel: Channel,
    now: DateTime<Utc>,
) -> Result<Choice> {
    let client = &file.client;
    let today = now.with_timezone(&client.time_zone).date_naive();
    let (segment, ladder) =
        planner::segment_and_ladder(file, settings, today, now).map_err(anyhow::Error::msg)?;
    let mut plan = Plan::default();
    planner::plan_into(file, settings, now, &mut plan);
    let position = |name: &str| ladder.iter().position(|s| s.name == name);
    let real = plan.messages.iter().find(|m| {
        m.invoices.contains(&invoice.number)
            && m.channel == channel
            && stage.is_none_or(|s| s == m.stage)
            && position(&m.stage).is_some()
    });
    if let Some(m) = real {
        let index = position(&m.stage).unwrap_or_default();
        return Ok(Choice {
            planned: m.clone(),
            stage: ladder[index].clone(),
            next: ladder.get(index + 1).cloned(),
            note: format!(
                "Planned: the message `cobrador plan` lists for {} (stage {}, {}, send at {}, the client's clock).",
                client.id,
                m.stage,
                m.channel.as_str(),
                super::local_time(m.send_at, client.time_zone)
            ),
        });
    }
    let index = match stage {
        Some(name) => position(name).with_context(|| {
            let names: Vec<&str> = ladder.iter().map(|s| s.name.as_str()).collect();
            format!("no stage {name:?}: use one of {}", names.join(", "))
        })?,
        None => {
            let days = invoice.days_overdue(today);
            ladder
                .iter()
                .rposition(|s| i64::from(s.offset_days) <= days)
                .unwrap_or(0)
        }
    };
    let stage = &ladder[index];
    let (invoices, reached) = listed(file, invoice, stage, today);
    let (recipients, cc) = planner::addressees(&planner::reachable(file), stage, channel);
    let (_, calendar) = planner::rules_for(settings, client).map_err(anyhow::Error::msg)?;
    let deadline = (stage.offset_days >= 0)
        .then(|| planner::overdue_deadline(ladder, index, today, calendar))
        .flatten();
    let why = why_not(&plan, &client.id);
    Ok(Choice {
        planned: PlannedMessage {
            client: client.id.clone(),
            stage: stage.name.clone(),
            template: stage.template_name().to_owned(),
            cycle: invoice.number.clone(),
            dedup_key: format!("{}|{}|{}", client.id, stage.name, invoice.number),
            channel,
            recipients,
            cc,
            invoices,
            reached,
            send_at: now,
            due_now: true,
            why: "preview".into(),
            waiting: None,
            handover: stage.handover,
            broken_promise: None,
            broken_plan: None,
            deadline,
            segment,
            plan: None,
        },
        stage: stage.clone(),
        next: ladder.get(index + 1).cloned(),
        note: format!(
            "Hypothetical: the planner would not send {} stage {} by {} now ({why}). \
             Recipients, copies and deadline are the ones it would choose.",
            client.id,
            stage.name,
            channel.as_str()
        ),
    })
}

/// The invoices a hypothetical message of `stage` lists (the invoice itself first if it is not
/// overdue yet), and those old enough to have reached the stage.
fn listed(
    file: &ClientFile,
    invoice: &Invoice,
    stage: &Stage,
    today: NaiveDate,
) -> (Vec<String>, Vec<String>) {
    let mut invoices: Vec<String> = if stage.offset_days < 0 {
        vec![invoice.number.clone()]
    } else {
        file.invoices
            .iter()
            .filter(|i| {
                !i.status.is_closed() && !i.balance.is_settled() && i.days_overdue(today) >= 0
            })
            .map(|i| i.number.clone())
            .collect()
    };
    if !invoices.contains(&invoice.number) {
        invoices.insert(0, invoice.number.clone());
    }
    let reached = invoices
        .iter()
        .filter(|n| {
            file.invoices
                .iter()
                .any(|i| &i.number == *n && i.days_overdue(today) >= i64::from(stage.offset_days))
        })
        .cloned()
        .collect();
    (invoices, reached)
}

/// Why the planner sends nothing like the previewed message: what it holds back for the
/// client, or what it plans instead.
fn why_not(plan: &Plan, client: &str) -> String {
    let held: Vec<&str> = plan
        .held
        .iter()
        .filter(|h| h.client == client)
        .map(|h| h.reason.as_str())
        .collect();
    let instead: Vec<String> = plan
        .messages
        .iter()
        .filter(|m| m.client == client)
        .map(|m| format!("it plans {} by {}", m.stage, m.channel.as_str()))
        .collect();
    let reasons = [held.join("; "), instead.join("; ")];
    let reasons: Vec<&str> = reasons
        .iter()
        .map(String::as_str)
        .filter(|r| !r.is_empty())
        .collect();
    if reasons.is_empty() {
        "nothing is planned for this client".to_owned()
    } else {
        reasons.join("; ")
    }
}

/// Prints the printable letter of a formal or final stage (HTML).
fn print_letter(
    ctx: &Context,
    renderer: &Renderer,
    file: &ClientFile,
    choice: &Choice,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let (planned, stage) = (&choice.planned, &choice.stage);
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let mut rctx = engine::context::build(
        &ctx.config,
        &file.client,
        &file.contacts,
        stage,
        &planned
            .invoices
            .iter()
            .filter_map(|n| file.invoices.iter().find(|i| &i.number == n))
            .collect::<Vec<_>>(),
        &file.payments,
        &planned.reached,
        today,
        Channel::Email,
    );
    rctx.deadline = planned.deadline;
    rctx.handover_date = planned
        .deadline
        .filter(|_| choice.next.as_ref().is_some_and(|n| n.handover));
    let r = renderer
        .render_message(stage.template_name(), render::Medium::Letter, &rctx)
        .with_context(|| {
            format!(
                "stage {} has no printable letter (only formal and final do)",
                stage.name
            )
        })?;
    println!("{}", r.html.unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}

/// Prints an email (its headers as sent, then the text) or a Telegram message.
fn print_message(
    ctx: &Context,
    renderer: &Renderer,
    file: &ClientFile,
    planned: &PlannedMessage,
    now: DateTime<Utc>,
) -> Result<ExitCode> {
    let msg = engine::render_planned(&ctx.config, renderer, file, planned, now)?.message;
    if msg.channel == Channel::Email {
        // The very builder the SMTP and file channels use: the headers shown are the headers sent.
        let row = store::OutboxMessage {
            id: 0,
            message: msg.clone(),
            status: store::OutboxStatus::Queued,
            attempts: 0,
            retry_at: None,
            last_error: None,
            sent_at: None,
            telegram_message_id: None,
        };
        let built = crate::channel::email::build_message(&row, &ctx.config.business, now)?;
        println!("{}", header_block(&built.formatted()));
        println!();
    } else {
        println!("Telegram to chat {}:", msg.recipients.join(", "));
        println!();
    }
    println!("{}", msg.body_text);
    if let Some(html) = msg.body_html {
        println!("\n----- HTML alternative ({} bytes) -----", html.len());
    }
    if msg.channel == Channel::Telegram {
        let labels = crate::channel::telegram::buttons::labels(&msg.stage);
        if !labels.is_empty() {
            println!(
                "\nButtons: {}",
                labels
                    .iter()
                    .map(|l| format!("[{l}]"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The client's open invoice that fell due first: what its next reminder is about.
fn oldest_open_invoice(conn: &rusqlite::Connection, client: &str) -> Result<String> {
    store::clients::get(conn, client)?
        .with_context(|| format!("no client {client:?}: see `cobrador client list`"))?;
    store::invoices::list(conn, Some(client))?
        .into_iter()
        .filter(|i| !i.status.is_closed() && !i.balance.is_settled())
        .min_by_key(|i| (i.due_date, i.number.clone()))
        .map(|i| i.number)
        .with_context(|| format!("client {client} has no open invoice to preview a reminder for"))
}

/// The header section of a formatted message (up to the blank line), as sent.
fn header_block(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let end = text.find("\r\n\r\n").unwrap_or(text.len());
    text[..end].replace("\r\n", "\n")
}
