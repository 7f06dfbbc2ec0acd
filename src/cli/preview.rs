//! `cobrador preview --invoice NUMBER [--stage NAME] [--channel email|telegram|letter]`:
//! exactly what would be sent, headers included for email (built by the same code as a send).

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use chrono::Utc;

use super::Context;
use crate::domain::Channel;
use crate::engine;
use crate::policy::planner::PlannedMessage;
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
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let now = Utc::now();
    let number = match (&args.invoice, &args.client) {
        (Some(n), _) => n.clone(),
        (None, Some(client)) => oldest_open_invoice(store.conn(), client)?,
        (None, None) => bail!("preview: pass --invoice NUMBER or --client ID"),
    };
    let invoice = store::invoices::require(store.conn(), &number)?;
    let snapshot = store::snapshot::load(store.conn())?;
    let file = snapshot
        .clients
        .iter()
        .find(|f| f.client.id == invoice.client_id)
        .context("the invoice's client is missing")?;
    let ladder = ctx.config.ladder_for(file.client.segment.as_deref());
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let days = invoice.days_overdue(today);
    let stage = match &args.stage {
        Some(name) => ladder
            .iter()
            .find(|s| &s.name == name)
            .with_context(|| {
                let names: Vec<&str> = ladder.iter().map(|s| s.name.as_str()).collect();
                format!("no stage {name:?}: use one of {}", names.join(", "))
            })?
            .clone(),
        None => ladder
            .iter()
            .rfind(|s| i64::from(s.offset_days) <= days)
            .unwrap_or(&ladder[0])
            .clone(),
    };
    let (channel, letter) = match args.channel.as_str() {
        "email" => (Channel::Email, false),
        "telegram" => (Channel::Telegram, false),
        "letter" => (Channel::Email, true),
        other => bail!("--channel {other:?}: use email, telegram or letter"),
    };
    let renderer = Renderer::new(
        args.templates
            .as_deref()
            .or(ctx.config.templates_dir.as_deref()),
    )?;
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
    let next = ladder.iter().skip_while(|s| s.name != stage.name).nth(1);
    let planned = PlannedMessage {
        client: file.client.id.clone(),
        stage: stage.name.clone(),
        template: stage.template_name().to_owned(),
        cycle: invoice.number.clone(),
        dedup_key: format!("{}|{}|{}", file.client.id, stage.name, invoice.number),
        channel,
        recipients: file
            .contacts
            .iter()
            .filter(|c| !c.opted_out && c.role == crate::domain::ContactRole::Billing)
            .filter_map(|c| match channel {
                Channel::Email => c.email.clone(),
                Channel::Telegram => c.telegram_chat_id.map(|t| t.to_string()),
            })
            .collect(),
        cc: file
            .contacts
            .iter()
            .filter(|c| !c.opted_out && stage.copy_roles.iter().any(|r| r == c.role.as_str()))
            .filter_map(|c| c.email.clone())
            .collect(),
        invoices,
        reached,
        send_at: now,
        due_now: true,
        why: "preview".into(),
        waiting: None,
        handover: stage.handover,
        broken_promise: None,
        deadline: next.map(|n| {
            today + chrono::Days::new(u64::try_from(n.offset_days - stage.offset_days).unwrap_or(0))
        }),
        segment: file.client.segment.clone(),
        plan: None,
    };
    if letter {
        let tmpl = stage.template_name();
        let mut rctx = engine::context::build(
            &ctx.config,
            &file.client,
            &file.contacts,
            &stage,
            &planned
                .invoices
                .iter()
                .filter_map(|n| file.invoices.iter().find(|i| &i.number == n))
                .collect::<Vec<_>>(),
            &planned.reached,
            today,
            Channel::Email,
        );
        rctx.deadline = planned.deadline;
        rctx.handover_date = planned
            .deadline
            .filter(|_| next.is_some_and(|n| n.handover));
        let r = renderer
            .render_message(tmpl, render::Channel::Letter, &rctx)
            .with_context(|| {
                format!(
                    "stage {} has no printable letter (only formal and final do)",
                    stage.name
                )
            })?;
        println!("{}", r.html.unwrap_or_default());
        return Ok(ExitCode::SUCCESS);
    }
    let msg = engine::render_planned(&ctx.config, &renderer, file, &planned, now)?.message;
    if channel == Channel::Email {
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
    store::invoices::list(conn, None)?
        .into_iter()
        .filter(|i| i.client_id == client && !i.status.is_closed() && !i.balance.is_settled())
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
