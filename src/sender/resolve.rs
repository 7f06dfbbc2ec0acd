//! What resolves a message the send pass could not: an uncertain one found in the Sent
//! mailbox, or a person's decision on an uncertain or dead one (`outbox resolve`,
//! `outbox requeue`).

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::ACTOR;
use crate::channel::imap_sent::SentMailbox;
use crate::domain::{Actor, EventKind};
use crate::store::{OutboxStatus, Store, events, outbox};

/// Looks for the uncertain rows' Message-IDs in the Sent mailbox and marks those found as sent.
/// Returns their ids.
pub async fn resolve_from_sent(
    store: &mut Store,
    sent: &SentMailbox,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let uncertain = outbox::with_status(store.conn(), OutboxStatus::Uncertain)?;
    let ids: Vec<String> = uncertain
        .iter()
        .filter_map(|m| m.message.message_id.clone())
        .collect();
    let found = sent.find(&ids).await?;
    store.transaction(|tx| {
        let mut resolved = Vec::new();
        for m in &uncertain {
            if m.message
                .message_id
                .as_ref()
                .is_some_and(|id| found.contains(id))
            {
                outbox::resolve_uncertain(tx, m.id, true, now)?;
                events::append(
                    tx,
                    now,
                    ACTOR,
                    EventKind::OutboxResolved,
                    Some(&m.message.client_id),
                    None,
                    json!({"outbox_id": m.id, "sent": true, "by": "found in the Sent mailbox"}),
                )?;
                resolved.push(m.id);
            }
        }
        Ok(resolved)
    })
}

/// A person's decision on a dead message: queue it again now, with a fresh retry period.
pub fn requeue_dead(store: &mut Store, id: i64, now: DateTime<Utc>) -> Result<()> {
    store.transaction(|tx| {
        outbox::requeue_dead(tx, id, now)?;
        let client = outbox::get(tx, id)?.map(|m| m.message.client_id);
        events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::OutboxRequeued,
            client.as_deref(),
            None,
            json!({"outbox_id": id, "by": "person"}),
        )?;
        outbox::seen_by_person(tx, id)
    })
}

/// A person's decision on an uncertain message: it went out (`sent`) or send it again.
pub fn resolve_by_person(store: &mut Store, id: i64, sent: bool, now: DateTime<Utc>) -> Result<()> {
    store.transaction(|tx| {
        let msg = outbox::get(tx, id)?
            .with_context(|| format!("there is no outbox message {id}: see `outbox list`"))?;
        outbox::resolve_uncertain(tx, id, sent, now)?;
        events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::OutboxResolved,
            Some(&msg.message.client_id),
            None,
            json!({"outbox_id": id, "sent": sent, "by": "person"}),
        )?;
        outbox::seen_by_person(tx, id)
    })
}
