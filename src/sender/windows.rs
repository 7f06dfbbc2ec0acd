//! The client's contact window at send time: a first try or a retry that falls outside the
//! client's days, hours or holidays waits for the next allowed moment.
//!
//! The planner already schedules each message inside the window, but the moment it is *sent*
//! can be later (the daemon was down, the server was down, a retry's backoff): the window is
//! checked again here, with the very functions the planner uses
//! ([`crate::policy::next_send_moment`]), rules and calendars built the same way
//! ([`Settings::from_config`]). Gaps and caps are not counted again: the message being sent is
//! the contact they were checked for. Messages to the owner are never held.

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use std::collections::BTreeMap;

use crate::config::Config;
use crate::policy::next_send_moment;
use crate::policy::planner::Settings;
use crate::store::{self, OutboxMessage};

/// Where each client may be contacted, for the sender.
#[derive(Debug, Clone)]
pub struct ContactWindows {
    settings: Settings,
    /// Client id → (time zone, country, region).
    clients: BTreeMap<String, (Tz, String, Option<String>)>,
}

impl ContactWindows {
    /// The windows of the clients with a message due at `now` (the only messages a send
    /// pass at `now` checks: due rows, and retries of them, which are due later), under the
    /// configuration's contact rules. Reads those clients only: a pass with nothing due reads
    /// none (not the 200k rows of every client).
    pub fn load(config: &Config, conn: &Connection, now: DateTime<Utc>) -> Result<ContactWindows> {
        // One client per (country, region) met builds the calendars, as the planner's are.
        let mut firsts = BTreeMap::new();
        let mut clients = BTreeMap::new();
        store::clients::for_each_with_due_messages(conn, now, |c| {
            let key = (c.country.clone(), c.region.clone());
            clients.insert(c.id.clone(), (c.time_zone, key.0.clone(), key.1.clone()));
            firsts.entry(key).or_insert(c);
            Ok(())
        })?;
        let settings = Settings::for_clients(config, firsts.values())?
            .with_client_hours(store::clients::all_own_hours(conn)?);
        Ok(ContactWindows { settings, clients })
    }

    /// The first instant ≥ `at` at which `msg` may go: `at` itself for owner messages and
    /// for clients without rules (never blocks a send on missing data).
    pub fn next_allowed(&self, msg: &OutboxMessage, at: DateTime<Utc>) -> DateTime<Utc> {
        if crate::domain::is_owner_facing(&msg.message.stage) {
            return at;
        }
        let Some((tz, country, region)) = self.clients.get(&msg.message.client_id) else {
            return at;
        };
        let (Some(rules), Some(calendar)) = (
            (self.settings.client_rules.get(&msg.message.client_id))
                .or_else(|| self.settings.rules.get(country)),
            self.settings
                .calendars
                .get(&(country.clone(), region.clone())),
        ) else {
            return at;
        };
        match next_send_moment(at, *tz, rules, calendar, &[]) {
            Ok(moment) => moment.at,
            Err(e) => {
                tracing::warn!(
                    outbox_id = msg.id,
                    "No allowed moment to send to client {}: {e}; sending anyway.",
                    msg.message.client_id
                );
                at
            }
        }
    }
}
