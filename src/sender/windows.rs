//! The client's contact window at send time: a first try or a retry that falls outside the
//! client's days, hours or holidays waits for the next allowed moment.
//!
//! The planner already schedules each message inside the window, but the moment it is *sent*
//! can be later (the daemon was down, the server was down, a retry's backoff): the window is
//! checked again here, with the very functions the planner uses
//! ([`crate::policy::next_send_moment`]), rules and calendars built the same way
//! ([`Settings::from_config`]). Gaps and caps are not counted again: the message being sent is
//! the contact they were checked for. Messages to the owner are never held.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::config::Config;
use crate::policy::next_send_moment;
use crate::policy::planner::Settings;
use crate::store::{OutboxMessage, snapshot};

/// Where each client may be contacted, for the sender.
#[derive(Debug, Clone)]
pub struct ContactWindows {
    settings: Settings,
    /// Client id → (time zone, country, region).
    clients: BTreeMap<String, (Tz, String, Option<String>)>,
}

impl ContactWindows {
    /// The windows of every client in the database, under the configuration's contact rules.
    pub fn load(config: &Config, conn: &Connection) -> Result<ContactWindows> {
        // Only what the window needs, one row per client (not the planner's whole snapshot).
        let settings = Settings::for_clients(config, &snapshot::one_per_region(conn)?)?;
        let mut stmt = conn.prepare("SELECT id, time_zone, country, region FROM clients")?;
        let mut rows = stmt.query([])?;
        let mut clients = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let tz: String = r.get(1)?;
            let tz = Tz::from_str(&tz).map_err(|e| {
                anyhow::anyhow!(
                    "client {}: time zone {tz:?}: {e}",
                    r.get::<_, String>(0).unwrap_or_default()
                )
            })?;
            clients.insert(r.get(0)?, (tz, r.get(2)?, r.get(3)?));
        }
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
            self.settings.rules.get(country),
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
