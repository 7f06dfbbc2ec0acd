//! The planner's inputs (a snapshot of the database, the settings) and outputs (messages,
//! holds, effects).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::Channel;
use crate::domain::HoldKind;
use crate::policy::ladder::Reminders;
use crate::policy::{ContactRules, HolidayCalendar};

pub use crate::domain::{ClientFile, Snapshot};

/// The rules that do not change between ticks.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Ladders, minimum amount, grace.
    pub reminders: Reminders,
    /// Contact rules per country code.
    pub rules: BTreeMap<String, ContactRules>,
    /// Holiday calendars per `(country, region)`.
    pub calendars: BTreeMap<(String, Option<String>), HolidayCalendar>,
    /// The contact rules of the clients who have hours of their own (client id →
    /// [`ContactRules::for_client`]); the others follow their country's.
    pub client_rules: BTreeMap<String, ContactRules>,
    /// Whether something can deliver Telegram messages (today only the file channel writes
    /// them); otherwise Telegram is never chosen.
    pub telegram: bool,
}

/// A message the planner wants sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedMessage {
    /// Client id.
    pub client: String,
    /// Stage name.
    pub stage: String,
    /// Template base name.
    pub template: String,
    /// The cycle: the driving invoice (or the invoice, for preventive stages).
    pub cycle: String,
    /// The outbox key.
    pub dedup_key: String,
    /// Channel.
    pub channel: Channel,
    /// Addresses or chat ids.
    pub recipients: Vec<String>,
    /// Copies.
    pub cc: Vec<String>,
    /// Invoice numbers covered.
    pub invoices: Vec<String>,
    /// Which of them reached the stage.
    pub reached: Vec<String>,
    /// When to send.
    pub send_at: DateTime<Utc>,
    /// Whether `send_at <= now`.
    pub due_now: bool,
    /// Why this message.
    pub why: String,
    /// Why it waits, when it does (e.g. "waiting for Monday 2026-11-30 10:00 (Europe/Madrid): weekend").
    pub waiting: Option<String>,
    /// A task for a person (hand-over), not a message to the client.
    pub handover: bool,
    /// The broken promise this message mentions.
    pub broken_promise: Option<NaiveDate>,
    /// The missed instalment (its due date) of the broken payment plan this message mentions.
    pub broken_plan: Option<NaiveDate>,
    /// The date the next step happens if nothing is paid (formal and final stages).
    pub deadline: Option<NaiveDate>,
    /// The client's segment.
    pub segment: Option<String>,
    /// For instalment reminders: the plan, the instalment, and whether it was missed.
    pub plan: Option<PlanRef>,
}

/// Which instalment of which plan a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlanRef {
    /// Plan id.
    pub id: i64,
    /// Instalment number.
    pub instalment: u32,
    /// The day after a missed instalment (a gentle nudge) rather than before it.
    pub missed: bool,
}

/// Something not planned, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    /// Client id.
    pub client: String,
    /// Invoices concerned (empty = the whole client).
    pub invoices: Vec<String>,
    /// Which kind of hold: what callers tell apart (not in the JSON, which is unchanged).
    #[serde(skip)]
    pub kind: HoldKind,
    /// Why, for a person, e.g. "paused: promise until 2026-12-04".
    pub reason: String,
}

/// A change the planner found due, for the caller to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Effect {
    /// The promise was kept.
    PromiseKept {
        /// Promise id.
        id: i64,
        /// Client id.
        client: String,
    },
    /// The promise was broken.
    PromiseBroken {
        /// Promise id.
        id: i64,
        /// Client id.
        client: String,
        /// The date promised.
        promised_date: NaiveDate,
    },
    /// Every invoice of the plan is paid.
    PlanCompleted {
        /// Plan id.
        id: i64,
        /// Client id.
        client: String,
    },
    /// An instalment was missed beyond the grace period: the ladder resumes.
    PlanBroken {
        /// Plan id.
        id: i64,
        /// Client id.
        client: String,
        /// The instalment missed.
        instalment: u32,
    },
    /// A plan found broken runs again: a payment recorded since, dated in time, paid the
    /// instalment it was broken for (paid during an outage, recorded after the pass).
    PlanRestored {
        /// Plan id.
        id: i64,
        /// Client id.
        client: String,
    },
}

/// The planner's answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Messages to send (now or later).
    pub messages: Vec<PlannedMessage>,
    /// What is not chased, and why.
    pub held: Vec<Held>,
    /// Promise outcomes to record.
    pub effects: Vec<Effect>,
    /// Problems that stop one client's planning (bad rules, no calendar...).
    pub errors: Vec<String>,
}

impl Plan {
    /// Adds `later`'s messages, holds, effects and errors after this plan's (the plan of the
    /// clients that come after this one's).
    pub fn append(&mut self, mut later: Plan) {
        self.messages.append(&mut later.messages);
        self.held.append(&mut later.held);
        self.effects.append(&mut later.effects);
        self.errors.append(&mut later.errors);
    }
}
