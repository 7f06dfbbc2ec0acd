//! When Telegram is not enough: the email twin of a Telegram reminder.
//!
//! - Formal stages (tone `formal`: the formal notice and the final notice) sent by Telegram
//!   also go by email, a written record the client keeps ([`email_record`]).
//! - A reminder that died because the client blocked the bot (403) is sent again by email
//!   ([`requeue_blocked_by_email`]); later reminders follow the contact, which now prefers
//!   email.
//!
//! The twin has its own outbox key (`<key>|email`), so it is queued at most once.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::config::Config;
use crate::domain::{Channel, ContactRole};
use crate::engine;
use crate::policy::planner::{ClientFile, PlannedMessage};
use crate::render::Renderer;
use crate::store::{self, OutboxMessage, OutboxStatus, Store};

/// The email twin of a planned Telegram message: same stage and invoices, to the client's
/// billing email (any contact's when there is no billing one), under the key `<key>|email`.
/// `None` when no contact has an email.
pub fn email_twin(
    config: &Config,
    file: &ClientFile,
    m: &PlannedMessage,
) -> Option<PlannedMessage> {
    let reachable: Vec<_> = file
        .contacts
        .iter()
        .filter(|c| !c.opted_out && c.email.is_some())
        .collect();
    let billing: Vec<String> = reachable
        .iter()
        .filter(|c| c.role == ContactRole::Billing)
        .filter_map(|c| c.email.clone())
        .collect();
    let to = if billing.is_empty() {
        reachable
            .iter()
            .filter_map(|c| c.email.clone())
            .take(1)
            .collect()
    } else {
        billing
    };
    if to.is_empty() {
        return None;
    }
    let copy_roles: Vec<String> = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .find(|s| s.name == m.stage)
        .map(|s| s.copy_roles.clone())
        .unwrap_or_default();
    let cc = reachable
        .iter()
        .filter(|c| copy_roles.iter().any(|r| r == c.role.as_str()))
        .filter_map(|c| c.email.clone())
        .filter(|e| !to.contains(e))
        .collect();
    Some(PlannedMessage {
        dedup_key: format!("{}|email", m.dedup_key),
        channel: Channel::Email,
        recipients: to,
        cc,
        ..m.clone()
    })
}

/// For a formal stage planned by Telegram, its email twin (a written record); else `None`.
pub fn email_record(
    config: &Config,
    file: &ClientFile,
    m: &PlannedMessage,
) -> Option<PlannedMessage> {
    let formal = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .chain(config.reminders.ladder.iter())
        .find(|s| s.name == m.stage)
        .is_some_and(|s| s.tone == "formal");
    if m.channel != Channel::Telegram || m.handover || m.plan.is_some() || !formal {
        return None;
    }
    email_twin(config, file, m)
}

/// Queues by email the reminders that died in blocked chats (not yet twinned, invoices still
/// open). Returns the new outbox ids.
pub fn requeue_blocked_by_email(
    store: &mut Store,
    config: &Config,
    chats: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if chats.is_empty() {
        return Ok(Vec::new());
    }
    let renderer = Renderer::new(config.templates_dir.as_deref())?;
    let snapshot = store::snapshot::load(store.conn())?;
    let mut queued = Vec::new();
    store.transaction(|tx| {
        for file in &snapshot.clients {
            for row in file.messages.iter().filter(|r| died_in(r, chats)) {
                let Some(planned) = planned_from(config, file, row, now) else {
                    continue;
                };
                let Some(twin) = email_twin(config, file, &planned) else {
                    continue;
                };
                if store::outbox::key_exists(tx, &twin.dedup_key)? {
                    continue;
                }
                let rendered = engine::render_planned(config, &renderer, file, &twin, now)?;
                if let Some(id) = store::outbox::insert_if_new(tx, &rendered.message, now)? {
                    store::events::append(
                        tx,
                        now,
                        "sender",
                        "reminder.fallback_email",
                        Some(&file.client.id),
                        None,
                        json!({ "outbox": id, "instead_of": row.id, "stage": row.message.stage }),
                    )?;
                    queued.push(id);
                }
            }
        }
        Ok(())
    })?;
    Ok(queued)
}

fn died_in(row: &OutboxMessage, chats: &[i64]) -> bool {
    row.status == OutboxStatus::Dead
        && row.message.channel == Channel::Telegram
        && row
            .message
            .recipients
            .iter()
            .any(|r| chats.iter().any(|c| c.to_string() == *r))
}

/// The planned message a dead Telegram ladder reminder came from (as far as the row tells).
fn planned_from(
    config: &Config,
    file: &ClientFile,
    row: &OutboxMessage,
    now: DateTime<Utc>,
) -> Option<PlannedMessage> {
    let stage = config
        .reminders
        .ladder
        .iter()
        .chain(
            config
                .reminders
                .segments
                .iter()
                .flat_map(|s| s.ladder.iter()),
        )
        .find(|s| s.name == row.message.stage)?;
    if stage.handover {
        return None;
    }
    let open: Vec<String> = row
        .message
        .invoices
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| {
            file.invoices
                .iter()
                .any(|i| &i.number == n && !i.status.is_closed())
        })
        .collect();
    if open.is_empty() {
        return None;
    }
    let in_default = config.reminders.ladder.iter().any(|s| s.name == stage.name);
    let segment = config
        .reminders
        .segments
        .iter()
        .find(|s| !in_default && s.ladder.iter().any(|st| st.name == stage.name))
        .map(|s| s.segment.clone());
    Some(PlannedMessage {
        client: file.client.id.clone(),
        stage: stage.name.clone(),
        template: stage.template_name().to_owned(),
        cycle: row.message.cycle.clone(),
        dedup_key: row.message.dedup_key.clone(),
        channel: Channel::Telegram,
        recipients: row.message.recipients.clone(),
        cc: Vec::new(),
        reached: row
            .message
            .invoices
            .iter()
            .filter(|(n, reached)| *reached && open.contains(n))
            .map(|(n, _)| n.clone())
            .collect(),
        invoices: open,
        send_at: now,
        due_now: true,
        why: format!("Telegram chat unreachable: {} by email instead", stage.name),
        waiting: None,
        handover: false,
        broken_promise: None,
        deadline: None,
        segment,
        plan: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Client, ClientKind, Contact};

    fn file() -> ClientFile {
        let contact = |id, email: &str, role| Contact {
            id,
            client_id: "C1".into(),
            name: None,
            email: Some(email.into()),
            telegram_chat_id: (id == 1).then_some(5001),
            role,
            preferred_channel: Channel::Telegram,
            opted_out: false,
        };
        ClientFile {
            client: Client {
                id: "C1".into(),
                name: "Café".into(),
                legal_name: None,
                tax_id: None,
                country: "ES".into(),
                region: None,
                time_zone: chrono_tz::Europe::Madrid,
                kind: ClientKind::B2b,
                segment: None,
                language: "es".into(),
                tuteo: false,
                on_hold: false,
                notes: None,
            },
            contacts: vec![
                contact(1, "pagos@cafe.example", ContactRole::Billing),
                contact(2, "finanzas@cafe.example", ContactRole::Finance),
            ],
            invoices: vec![],
            payments: vec![],
            promises: vec![],
            messages: vec![],
            plans: vec![],
        }
    }

    fn planned(stage: &str) -> PlannedMessage {
        PlannedMessage {
            client: "C1".into(),
            stage: stage.into(),
            template: stage.into(),
            cycle: "F-1".into(),
            dedup_key: format!("C1|{stage}|F-1"),
            channel: Channel::Telegram,
            recipients: vec!["5001".into()],
            cc: vec![],
            invoices: vec!["F-1".into()],
            reached: vec!["F-1".into()],
            send_at: chrono::Utc::now(),
            due_now: true,
            why: String::new(),
            waiting: None,
            handover: false,
            broken_promise: None,
            deadline: None,
            segment: None,
            plan: None,
        }
    }

    #[test]
    fn formal_stages_by_telegram_also_go_by_email() {
        let config = Config::parse(crate::config::EXAMPLE, "example").unwrap();
        let twin = email_record(&config, &file(), &planned("formal")).unwrap();
        assert_eq!(twin.channel, Channel::Email);
        assert_eq!(twin.dedup_key, "C1|formal|F-1|email");
        assert_eq!(twin.recipients, ["pagos@cafe.example"]);
        assert_eq!(twin.cc, ["finanzas@cafe.example"], "the stage's copy roles");
        assert!(email_record(&config, &file(), &planned("final")).is_some());
        assert!(email_record(&config, &file(), &planned("early")).is_none());
        let mut by_email = planned("formal");
        by_email.channel = Channel::Email;
        assert!(email_record(&config, &file(), &by_email).is_none());
    }
}
