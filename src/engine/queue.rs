//! The queueing pass ([`queue_due`]): plan, record promise outcomes, render and queue what is
//! due, client by client as the planning read streams, committed in groups ([`groups`]).
//!
//! Why streamed: the first tick of a large book has tens of thousands of messages due, and
//! keeping the file of every client with one until they were all planned held hundreds of
//! megabytes (377 MB at 200,000 clients). Each client is planned, its promise outcomes
//! recorded and its due messages rendered and queued while its file is in hand; then the file
//! goes. Every range's read begins inside the pass's first write transaction, so all see the
//! database as it began, before any of the pass's own writes.
//!
//! Past messages stream in their narrow form (what the planner reads: key, stage, cycle,
//! channel, status, times, invoices); only a client with a message due or a possible receipt
//! has its messages read whole (addresses for receipts, Message-IDs for threading). A quiet
//! tick at 200,000 clients thus converts 9 columns of each past message, not 22.
//!
//! The pass queues in an order that does not depend on how it is computed, so outbox ids (and
//! the file names and listings built from them) do not either: owner alerts about failed
//! messages first, then the due messages in plan order with, at the end of each group
//! ([`groups`]), the email records of the group's formal stages sent by Telegram; then
//! receipts, then the digest. (A pass of one group, any book under 512 messages, queues as it
//! always has: alerts, reminders, records, receipts, digest.) Records and receipts are rare:
//! they are rendered from the streaming file and kept until their group's reminders are in.
//! Owner alerts come before everything: the failed messages' clients, contacts and invoices
//! are read by key, and the planning read leaves the new alerts out of their files.
//!
//! The read is cut into ranges of clients, a thread each (`limits.planning-threads`,
//! `store::snapshot::in_ranges`), each through a connection of its own (a book read in one
//! range goes through the pass's, and is then one transaction). Every range plans and
//! renders its clients ([`Prepared`]); the pass's thread plans its own range and writes
//! everything: its own range's clients, then the others' as they hand them over, in client
//! order, so the outbox is the same for any number of threads. It writes in groups, each a
//! short write transaction of its own, so that a sender on another connection can send what
//! is committed while the rest is planned (`daemon::queue_and_send`).

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::{
    OwnerAlertFor, QueueReport, apply_effect, fallback, queue_owner_alert, receipts,
    render_planned, settings_for,
};
use crate::config::Config;
use crate::domain::{Actor, EventKind, Invoice};
use crate::policy::planner::{self, ClientFile, Effect, Plan, PlannedMessage};
use crate::render::Renderer;
use crate::store::snapshot::Handed;
use crate::store::{self, OutboxMessage, OutboxStatus, Store};

mod changes;
mod groups;

use changes::Changes;
use groups::Groups;

/// Plans at `now`, records promise outcomes, and queues every message due now.
/// Running it again at the same `now` queues nothing: the outbox keys are taken.
///
/// The book is read and planned in ranges of clients, a thread each
/// (`limits.planning-threads`, see `store::snapshot::in_ranges`); everything written
/// is written on this thread, in client order, so the outbox is the same for any number.
pub fn queue_due(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    now: DateTime<Utc>,
) -> Result<QueueReport> {
    queue_due_in_groups(store, config, renderer, now, &|| {})
}

/// [`queue_due`], committing in groups ([`groups`]) and calling `committed` after each commit:
/// a sender on another connection can send what is queued while the rest is planned.
pub fn queue_due_in_groups(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    now: DateTime<Utc>,
    committed: &(dyn Fn() + Sync),
) -> Result<QueueReport> {
    let settings = settings_for(store.conn(), config)?;
    // What others write between two groups (`changes`), looked at as each group begins.
    let changes = std::cell::RefCell::new(None::<Changes>);
    let mut look = |conn: &rusqlite::Connection| match changes.borrow_mut().as_mut() {
        Some(changes) => changes.look(conn),
        None => Ok(()),
    };
    let groups = Groups::begin(store.conn(), committed, &mut look)?;
    let tx = groups.conn();
    *changes.borrow_mut() = Some(Changes::from_now_on(tx)?);
    let known = alert_failures(tx, config, renderer, now)?;
    // A client's file as the pass plans it; with its messages read whole (threading,
    // addresses) when it has something to render or may get a receipt: few clients.
    let planned = |conn: &rusqlite::Connection, mut file: ClientFile| -> Result<_> {
        if let Some(last) = known {
            file.messages.retain(|m| m.id <= last);
        }
        let mut plan = Plan::default();
        planner::plan_into(&file, &settings, now, &mut plan);
        let due = plan.messages.iter().any(|m| m.due_now);
        if due || receipts::may_need_receipt(&file, now) {
            file.messages = store::snapshot::messages_whole(conn, &file.client.id)?;
            if let Some(last) = known {
                file.messages.retain(|m| m.id <= last);
            }
        }
        if due {
            complete_to_render(conn, config, &mut file, &plan, now)?;
        }
        Ok((file, plan))
    };
    let pass = std::cell::RefCell::new(Pass {
        planned_after_event: changes.borrow().as_ref().map_or(0, Changes::seen),
        ..Pass::default()
    });
    let groups = std::cell::RefCell::new(groups);
    let write = |conn: &rusqlite::Connection, prepared: Prepared| {
        let (changes, out) = (changes.borrow(), (config, renderer));
        pass.borrow_mut()
            .apply_unless_changed(conn, out, prepared, changes.as_ref(), now)
    };
    let seal = |conn: &rusqlite::Connection| pass.borrow_mut().queue_records(conn, now);
    store::snapshot::in_ranges(
        tx,
        store::snapshot::RangeRead::Queue,
        now,
        config.limits.planning_threads,
        // This thread's range, read through a connection of its own (unless the database
        // has no other: in memory): every range's read has begun, the pass may commit.
        |reader, file| {
            let mut groups = groups.borrow_mut();
            if !std::ptr::eq(reader, tx) {
                groups.allow_commits()?;
            }
            let (file, mut plan) = planned(reader, file)?;
            pass.borrow_mut().summary.add(&mut plan);
            let prepared = Prepared::of(reader, config, renderer, &file, plan, now)?;
            let messages = prepared.messages();
            groups.add(prepared, messages, write, seal)
        },
        // Another range's thread: the plan is summed up and rendered there, and only what
        // a client has to write is handed over.
        |conn, file, summary: &mut Summary, work: &mut Vec<Prepared>| {
            let (file, mut plan) = planned(conn, file)?;
            summary.add(&mut plan);
            let prepared = Prepared::of(conn, config, renderer, &file, plan, now)?;
            if !prepared.is_empty() {
                work.push(prepared);
            }
            Ok(())
        },
        |handed| match handed {
            Handed::Item(prepared) => {
                let messages = prepared.messages();
                groups.borrow_mut().add(prepared, messages, write, seal)
            }
            Handed::Done(summary) => {
                pass.borrow_mut().summary.append(summary);
                Ok(())
            }
        },
    )?;
    let mut report = groups
        .into_inner()
        .finish(write, |tx| pass.take().finish(tx, config, now))?;
    report.others_wrote = changes.borrow().as_ref().is_some_and(Changes::any);
    Ok(report)
}

/// What a client's due messages say that a planning read leaves out (few clients): the
/// payments a formal or final notice states interest from, and the money in its favour.
fn complete_to_render(
    conn: &rusqlite::Connection,
    config: &Config,
    file: &mut ClientFile,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<()> {
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let due_now = plan.messages.iter().filter(|m| m.due_now);
    super::interest::complete_payments(conn, config, file, due_now, today)?;
    if file.history.is_some() {
        file.in_favour = store::invoices::in_favour_of(conn, &file.client.id)?;
    }
    Ok(())
}

/// What the pass only counts or keeps of each client's plan: errors, holds, and the earliest
/// message not due yet (the first of equals, in client order).
#[derive(Default)]
struct Summary {
    errors: Vec<String>,
    held: usize,
    next: Option<PlannedMessage>,
}

impl Summary {
    /// A client's plan (its errors are taken).
    fn add(&mut self, plan: &mut Plan) {
        self.errors.append(&mut plan.errors);
        self.held += plan.held.len();
        for m in plan.messages.iter().filter(|m| !m.due_now) {
            self.earliest(m);
        }
    }

    /// The summary of the clients after these.
    fn append(&mut self, mut later: Summary) {
        self.errors.append(&mut later.errors);
        self.held += later.held;
        if let Some(m) = &later.next {
            self.earliest(m);
        }
    }

    fn earliest(&mut self, m: &PlannedMessage) {
        if self
            .next
            .as_ref()
            .is_none_or(|next| m.send_at < next.send_at)
        {
            self.next = Some(m.clone());
        }
    }
}

/// A client's plan made ready to write: its outcomes, its due messages rendered, the email
/// records of its formal Telegram stages rendered, its receipts. Rendering writes nothing, so
/// another range's thread prepares its clients and the pass's thread only writes them.
#[derive(Default)]
struct Prepared {
    /// The client's id.
    client: String,
    effects: Vec<crate::policy::planner::Effect>,
    /// Each due message, rendered or with the error to report.
    due: Vec<(PlannedMessage, Result<super::RenderedPlan, String>)>,
    records: Vec<Result<(PlannedMessage, super::RenderedPlan), String>>,
    receipts: Vec<receipts::PendingReceipt>,
}

impl Prepared {
    /// Renders what `plan` says is due for `file` (`conn` is read for the receipts already
    /// queued: inside the pass's transaction, or another range's read of the same state).
    fn of(
        conn: &rusqlite::Connection,
        config: &Config,
        renderer: &Renderer,
        file: &ClientFile,
        plan: Plan,
        now: DateTime<Utc>,
    ) -> Result<Prepared> {
        let error = |m: &PlannedMessage, e: anyhow::Error| {
            format!("client {} stage {}: {e:#}", m.client, m.stage)
        };
        let mut prepared = Prepared {
            client: file.client.id.clone(),
            effects: plan.effects,
            ..Prepared::default()
        };
        for m in plan.messages.into_iter().filter(|m| m.due_now) {
            // Formal stages sent by Telegram also go by email: a written record.
            if let Some(record) = fallback::email_record(config, file, &m) {
                let rendered = render_planned(config, renderer, file, &record, now);
                prepared.records.push(match rendered {
                    Ok(rendered) => Ok((record, rendered)),
                    Err(e) => Err(error(&record, e)),
                });
            }
            let rendered = render_planned(config, renderer, file, &m, now);
            let rendered = rendered.map_err(|e| error(&m, e));
            prepared.due.push((m, rendered));
        }
        if receipts::may_need_receipt(file, now) {
            let also_today: Vec<DateTime<Utc>> =
                prepared.due.iter().map(|(m, _)| m.send_at).collect();
            prepared.receipts =
                receipts::receipts_for(conn, config, renderer, file, &also_today, now)?;
        }
        Ok(prepared)
    }

    /// How many messages writing it queues, at most (what a group is counted in).
    fn messages(&self) -> usize {
        self.due.len() + self.records.len() + self.receipts.len() + self.effects.len()
    }

    fn is_empty(&self) -> bool {
        self.effects.is_empty()
            && self.due.is_empty()
            && self.records.is_empty()
            && self.receipts.is_empty()
    }
}

/// What the pass gathers while the clients stream by.
#[derive(Default)]
struct Pass {
    report: QueueReport,
    summary: Summary,
    record_errors: Vec<String>,
    /// Email records of formal Telegram stages, rendered, queued after their group's reminders.
    records: Vec<(PlannedMessage, super::RenderedPlan)>,
    /// Receipts, rendered, queued after the records.
    receipts: Vec<receipts::PendingReceipt>,
    /// The last audit event when the planning read began: what the queued messages were
    /// planned from (`store::outbox::insert_planned`).
    planned_after_event: i64,
    /// Owner alerts about broken plans queued so far ([`PLAN_ALERTS_PER_PASS`]).
    plan_alerts: usize,
    /// Packs the bodies this pass queues against its earlier ones of their stage.
    packer: store::outbox::Packer,
}

/// At most this many alerts about broken plans in one pass: more at once (a book's first pass,
/// a long outage) are for the digest, which lists them all, not for the owner's inbox.
const PLAN_ALERTS_PER_PASS: usize = 10;

impl Pass {
    /// Writes what [`Prepared::of`] made of a client's plan, in the order the pass always
    /// has: outcomes, then the due messages, then (kept for later) records and receipts.
    fn apply(
        &mut self,
        tx: &rusqlite::Connection,
        (config, renderer): (&Config, &Renderer),
        prepared: Prepared,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for effect in prepared.effects {
            let settled = apply_effect(tx, &effect, now)?;
            if settled
                && self.plan_alerts < PLAN_ALERTS_PER_PASS
                && let Effect::PlanBroken { id, instalment, .. } = &effect
                && super::alert_broken_plan(tx, config, renderer, *id, *instalment, now)?
            {
                self.plan_alerts += 1;
            }
            self.report.effects.push(effect);
        }
        for (m, rendered) in &prepared.due {
            match rendered {
                Ok(rendered) => queue_rendered(
                    tx,
                    m,
                    rendered,
                    now,
                    (self.planned_after_event, &mut self.packer),
                    &mut self.report,
                )?,
                Err(e) => self.report.errors.push(e.clone()),
            }
        }
        for record in prepared.records {
            match record {
                Ok(record) => self.records.push(record),
                Err(e) => self.record_errors.push(e),
            }
        }
        self.receipts.extend(prepared.receipts);
        Ok(())
    }

    /// [`Pass::apply`], unless someone else changed the client since the pass read it: then
    /// nothing is written for it, and the next pass plans it (`changes`).
    fn apply_unless_changed(
        &mut self,
        tx: &rusqlite::Connection,
        out: (&Config, &Renderer),
        prepared: Prepared,
        changes: Option<&Changes>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if changes.is_some_and(|c| c.touch(&prepared.client)) {
            if !prepared.is_empty() {
                self.report.changed_meanwhile.push(prepared.client);
            }
            return Ok(());
        }
        self.apply(tx, out, prepared, now)
    }

    /// Queues the email records kept so far: at the end of each group, in the group's
    /// transaction, so that a record is committed with its reminder (the planner never plans a
    /// queued stage again, so a record left for a later group that a crash then lost would
    /// never be queued).
    fn queue_records(&mut self, tx: &rusqlite::Connection, now: DateTime<Utc>) -> Result<()> {
        for (m, rendered) in std::mem::take(&mut self.records) {
            queue_rendered(
                tx,
                &m,
                &rendered,
                now,
                (self.planned_after_event, &mut self.packer),
                &mut self.report,
            )?;
        }
        Ok(())
    }

    /// Queues the records, receipts and digest, and puts the report's errors in their order:
    /// planning, then rendering of reminders, then of records.
    fn finish(
        mut self,
        tx: &rusqlite::Connection,
        config: &Config,
        now: DateTime<Utc>,
    ) -> Result<QueueReport> {
        self.queue_records(tx, now)?;
        let mut report = self.report;
        report.held = self.summary.held;
        report.next_planned = self.summary.next;
        for receipt in &self.receipts {
            if let Some(id) = receipts::queue_receipt(tx, receipt, now)? {
                let client = receipt.message.client_id.clone();
                report.queued.push((client, receipts::STAGE.into(), id));
            }
        }
        if let Some(digest) = &config.digest
            && let Some(id) =
                super::digest::queue_if_due(tx, config, digest, now, report.next_planned.as_ref())?
        {
            let owner = super::digest::OWNER_CLIENT.to_owned();
            report.queued.push((owner, super::digest::STAGE.into(), id));
        }
        let mut errors = self.summary.errors;
        errors.append(&mut report.errors);
        errors.append(&mut self.record_errors);
        report.errors = errors;
        Ok(report)
    }
}

/// Queues a rendered message with the discount it offers and its audit event; planned from
/// the book as it stood at audit event `after_event` (its body packed by the pass's packer).
fn queue_rendered(
    tx: &rusqlite::Connection,
    m: &PlannedMessage,
    rendered: &super::RenderedPlan,
    now: DateTime<Utc>,
    (after_event, packer): (i64, &mut store::outbox::Packer),
    report: &mut QueueReport,
) -> Result<()> {
    let message = &rendered.message;
    let Some(id) = store::outbox::insert_planned(tx, message, now, after_event, packer)? else {
        return Ok(());
    };
    if let Some(d) = &rendered.discount {
        for (number, amount) in &d.invoices {
            store::agreements::offer_discount(
                tx,
                number,
                id,
                *amount,
                &d.description,
                d.valid_until,
                now,
            )?;
        }
    }
    store::events::append(
        tx,
        now,
        Actor::Planner,
        if m.handover {
            EventKind::HandoverQueued
        } else {
            EventKind::ReminderQueued
        },
        Some(&m.client),
        None,
        serde_json::json!({ "stage": m.stage, "cycle": m.cycle, "outbox": id,
                            "invoices": m.invoices, "why": m.why }),
    )?;
    report.queued.push((m.client.clone(), m.stage.clone(), id));
    Ok(())
}

/// Client messages that died or whose fate is uncertain and that the owner has not been told
/// about yet (dead first, then uncertain; owner-facing ones never: an alert about an alert
/// would loop, the owner sees those in `status`).
fn untold_failures(tx: &rusqlite::Connection) -> Result<Vec<(OutboxStatus, OutboxMessage)>> {
    let mut untold = Vec::new();
    for status in [OutboxStatus::Dead, OutboxStatus::Uncertain] {
        for m in store::outbox::with_status(tx, status)? {
            let key = format!("{}|owner_alert|outbox-{}", m.message.client_id, m.id);
            if !crate::domain::is_owner_facing(&m.message.stage)
                && !store::outbox::key_exists(tx, &key)?
            {
                untold.push((status, m));
            }
        }
    }
    Ok(untold)
}

/// The alert a failed message calls for: `uncertain`; `bounced` for an email that died because
/// an address it went to is given up (a permanent bounce: resending it would go to the same
/// address, so the owner is told to correct the address, not to requeue); `refused` for an
/// email the client's server refused itself (spam, SPF/DKIM/DMARC: the address is fine);
/// `dead` otherwise.
fn failure_kind(tx: &rusqlite::Connection, m: &OutboxMessage, dead: bool) -> Result<&'static str> {
    if !dead {
        return Ok("uncertain");
    }
    let addresses: Vec<String> = m
        .message
        .recipients
        .iter()
        .chain(&m.message.cc)
        .cloned()
        .collect();
    let email = m.message.channel == crate::domain::Channel::Email;
    let refused = m
        .last_error
        .as_deref()
        .is_some_and(crate::mail::bounce::says_the_message_was_refused);
    Ok(
        if email
            && !store::inbox::undeliverable_among(tx, &m.message.client_id, &addresses)?.is_empty()
        {
            "bounced"
        } else if email && refused {
            "refused"
        } else {
            "dead"
        },
    )
}

/// What the server answered, from a dead message's error: without the prefix a bounce's error
/// gets here (`bounced: `) or the DSN's type (`smtp; `).
fn server_words(error: &str) -> String {
    let error = error.strip_prefix("bounced: ").unwrap_or(error);
    error
        .strip_prefix("smtp; ")
        .or_else(|| error.strip_prefix("smtp;"))
        .unwrap_or(error)
        .trim()
        .to_owned()
}

/// Tells the owner, once each, about client messages that died or whose fate is uncertain.
/// Returns the last outbox id before the alerts when it queued any (`None` otherwise).
fn alert_failures(
    tx: &rusqlite::Connection,
    config: &Config,
    renderer: &Renderer,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let untold = untold_failures(tx)?;
    if untold.is_empty() {
        return Ok(None);
    }
    let last: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM outbox", [], |r| r.get(0))?;
    let mut queued = false;
    for (status, m) in &untold {
        // Read by key, only for the few clients concerned: not the whole book's planning read.
        let Some(client) = store::clients::get(tx, &m.message.client_id)? else {
            continue;
        };
        let contacts = store::clients::for_client(tx, &client.id)?;
        let mut named = Vec::with_capacity(m.message.invoices.len());
        for (number, _) in &m.message.invoices {
            named.extend(store::invoices::get(tx, number)?);
        }
        named.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
        let invoices: Vec<&Invoice> = named.iter().collect();
        let dead = *status == OutboxStatus::Dead;
        let alert = OwnerAlertFor {
            client: &client,
            contacts: &contacts,
            invoices: &invoices,
            kind: failure_kind(tx, m, dead)?,
            // The server's own answer, for a dead message; nothing to quote for an uncertain one.
            words: if dead {
                server_words(m.last_error.as_deref().unwrap_or_default())
            } else {
                String::new()
            },
            cycle: format!("outbox-{}", m.id),
            telegram: m.message.channel == crate::domain::Channel::Telegram,
            sender: String::new(),
            said: Default::default(),
        };
        queued |= queue_owner_alert(tx, config, renderer, &alert, now)?.is_some();
    }
    Ok(queued.then_some(last))
}
