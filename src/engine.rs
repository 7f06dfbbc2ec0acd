//! One pass of the loop, as a library: plan, record promise outcomes, render and queue what is
//! due, in one transaction. `tick`, `run` and `demo` call this; sending is the outbox sender's
//! job and reading replies the inbox's.

pub mod apply;
pub mod context;

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::channel::email::{domain_of, new_message_id, thread_headers};
use crate::config::{Config, Stage};
use crate::domain::{Channel, Invoice};
use crate::policy::planner::{self, ClientFile, Effect, Plan, PlannedMessage, Settings};
use crate::render::{self, Renderer};
use crate::store::{self, NewOutboxMessage, PromiseStatus, Store};

/// What a queueing pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueReport {
    /// Messages newly queued: (client, stage, outbox id).
    pub queued: Vec<(String, String, i64)>,
    /// Promise outcomes recorded.
    pub effects: Vec<Effect>,
    /// Problems with one client or message (the rest went on).
    pub errors: Vec<String>,
}

/// Plans at `now` without changing anything.
pub fn plan_now(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<Plan> {
    let snapshot = store::snapshot::load(store.conn())?;
    let settings = Settings::from_config(config, &snapshot)?;
    Ok(planner::plan(&snapshot, &settings, now))
}

/// Plans at `now`, records promise outcomes, and queues every message due now.
/// Running it again at the same `now` queues nothing: the outbox keys are taken.
pub fn queue_due(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    now: DateTime<Utc>,
) -> Result<QueueReport> {
    let snapshot = store::snapshot::load(store.conn())?;
    let settings = Settings::from_config(config, &snapshot)?;
    let plan = planner::plan(&snapshot, &settings, now);
    let files: BTreeMap<&str, &ClientFile> = snapshot
        .clients
        .iter()
        .map(|f| (f.client.id.as_str(), f))
        .collect();
    let mut report = QueueReport {
        errors: plan.errors.clone(),
        ..Default::default()
    };
    store.transaction(|tx| {
        for effect in &plan.effects {
            let (id, client, kind, status) = match effect {
                Effect::PromiseKept { id, client } => {
                    (*id, client, "promise.kept", PromiseStatus::Kept)
                }
                Effect::PromiseBroken { id, client, .. } => {
                    (*id, client, "promise.broken", PromiseStatus::Broken)
                }
            };
            store::promises::resolve(tx, id, status, now)?;
            store::events::append(
                tx,
                now,
                "planner",
                kind,
                Some(client),
                None,
                serde_json::json!({ "promise": id }),
            )?;
            report.effects.push(effect.clone());
        }
        for m in plan.messages.iter().filter(|m| m.due_now) {
            let Some(file) = files.get(m.client.as_str()) else {
                continue;
            };
            match render_planned(config, renderer, file, m, now) {
                Ok(msg) => {
                    if let Some(id) = store::outbox::insert_if_new(tx, &msg, now)? {
                        store::events::append(
                            tx,
                            now,
                            "planner",
                            if m.handover {
                                "handover.queued"
                            } else {
                                "reminder.queued"
                            },
                            Some(&m.client),
                            None,
                            serde_json::json!({ "stage": m.stage, "cycle": m.cycle, "outbox": id,
                                                "invoices": m.invoices, "why": m.why }),
                        )?;
                        report.queued.push((m.client.clone(), m.stage.clone(), id));
                    }
                }
                Err(e) => report
                    .errors
                    .push(format!("client {} stage {}: {e:#}", m.client, m.stage)),
            }
        }
        Ok(())
    })?;
    Ok(report)
}

fn find_stage<'a>(config: &'a Config, m: &PlannedMessage) -> Option<&'a Stage> {
    config
        .ladder_for(m.segment.as_deref())
        .iter()
        .chain(config.reminders.ladder.iter())
        .find(|s| s.name == m.stage)
}

/// Renders a planned message into an outbox row (subject, bodies, threading headers).
pub fn render_planned(
    config: &Config,
    renderer: &Renderer,
    file: &ClientFile,
    m: &PlannedMessage,
    now: DateTime<Utc>,
) -> Result<NewOutboxMessage> {
    let stage =
        find_stage(config, m).with_context(|| format!("stage {} is not in the ladder", m.stage))?;
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let invoices: Vec<&Invoice> = m
        .invoices
        .iter()
        .filter_map(|n| file.invoices.iter().find(|i| &i.number == n))
        .collect();
    let mut ctx = context::build(
        config,
        &file.client,
        &file.contacts,
        stage,
        &invoices,
        &m.reached,
        today,
        m.channel,
    );
    ctx.broken_promise = m.broken_promise;
    ctx.deadline = m.deadline;
    let is_final = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .skip_while(|s| s.name != m.stage)
        .nth(1)
        .is_some_and(|next| next.handover);
    if is_final {
        ctx.handover_date = m.deadline;
    }
    let (recipients, channel) = if m.handover {
        ctx.owner_alert = Some(render::context::OwnerAlert {
            kind: "handover".into(),
            client_words: String::new(),
            invoice_numbers: m.invoices.clone(),
        });
        (vec![config.owner_email().to_owned()], Channel::Email)
    } else {
        (m.recipients.clone(), m.channel)
    };
    let rendered = renderer
        .render_message(stage.template_name(), render_channel(channel), &ctx)
        .with_context(|| format!("cannot render template {}", stage.template_name()))?;
    let (message_id, in_reply_to, references) = if channel == Channel::Email {
        // Follow-ups thread to the client's earlier reminders, so the client sees one
        // conversation; owner tasks start their own thread.
        let previous: Vec<_> = file
            .messages
            .iter()
            .filter(|p| {
                !m.handover
                    && !p.message.stage.starts_with("owner")
                    && p.message.stage != "handover"
            })
            .cloned()
            .collect();
        let (in_reply_to, references) = thread_headers(&previous);
        (
            Some(message_id(&config.business.email, &m.dedup_key, now)),
            in_reply_to,
            references,
        )
    } else {
        (None, None, None)
    };
    Ok(NewOutboxMessage {
        dedup_key: m.dedup_key.clone(),
        client_id: m.client.clone(),
        stage: m.stage.clone(),
        cycle: m.cycle.clone(),
        channel,
        recipients,
        cc: m.cc.clone(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: invoices
            .iter()
            .filter(|_| !m.handover)
            .find_map(|i| i.pdf_path.clone())
            .filter(|_| invoices.len() == 1),
        message_id,
        in_reply_to,
        references,
        send_at: m.send_at.max(now),
        invoices: m
            .invoices
            .iter()
            .map(|n| (n.clone(), m.reached.contains(n)))
            .collect(),
    })
}

/// The renderer's channel for a domain channel.
pub fn render_channel(channel: Channel) -> render::Channel {
    match channel {
        Channel::Email => render::Channel::Email,
        Channel::Telegram => render::Channel::Telegram,
    }
}

/// A Message-ID unique to this outbox key and instant, on the business's own domain.
pub fn message_id(business_email: &str, dedup_key: &str, now: DateTime<Utc>) -> String {
    new_message_id(
        domain_of(business_email),
        &format!("{dedup_key}|{}", now.timestamp()),
    )
}
