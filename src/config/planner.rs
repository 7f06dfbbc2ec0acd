//! Building the planner's [`Settings`] from the configuration and the clients it will meet.
//! It lives here, not in the planner, so that the pure policy never reads the configuration:
//! the configuration builds the policy's settings.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use super::Config;
use crate::domain::Snapshot;
use crate::policy::planner::Settings;
use crate::policy::{ContactRules, Country, HolidayCalendar};

impl Settings {
    /// Resolves contact rules for every country and a holiday calendar for every
    /// `(country, region)` the snapshot's clients live in.
    pub fn from_config(config: &Config, snapshot: &Snapshot) -> Result<Settings> {
        Settings::for_clients(config, snapshot.clients.iter().map(|f| &f.client))
    }

    /// Like [`Settings::from_config`], for the given clients (one per `(country, region)` is
    /// enough), so that a streamed plan need not hold every client first.
    pub fn for_clients<'a>(
        config: &Config,
        clients: impl IntoIterator<Item = &'a crate::domain::Client>,
    ) -> Result<Settings> {
        let mut rules = BTreeMap::new();
        for country in Country::ALL {
            let resolved = ContactRules::resolve(country, &config.contact_config(country.code()))
                .with_context(|| format!("contact rules for {}", country.code()))?;
            rules.insert(country.code().to_owned(), resolved);
        }
        let mut calendars = BTreeMap::new();
        for c in clients {
            let key = (c.country.clone(), c.region.clone());
            if calendars.contains_key(&key) {
                continue;
            }
            let calendar = calendar_for(config, c)?;
            calendars.insert(key, calendar);
        }
        Ok(Settings {
            reminders: config.reminders.clone(),
            rules,
            calendars,
            client_rules: BTreeMap::new(),
            // Telegram is delivered by the bot (`[telegram]`), or written by the file channel
            // when there is no SMTP server; otherwise it would wait in the outbox forever.
            telegram: config.telegram.is_some() || config.email.smtp.is_none(),
        })
    }

    /// These settings with the contact hours clients asked for (`client hours`): `(client id,
    /// country, hours)`. A country without rules is skipped (its clients are not planned).
    pub fn with_client_hours(
        mut self,
        hours: impl IntoIterator<Item = (String, String, crate::policy::TimeRange)>,
    ) -> Settings {
        for (id, country, asked) in hours {
            if let Some(rules) = self.rules.get(&country) {
                let narrowed = rules.for_client(asked);
                self.client_rules.insert(id, narrowed);
            }
        }
        self
    }
}

/// The holiday calendar of a client: its country's (and, in Spain, its region's) holidays
/// plus the owner's extra closing days for that country.
pub fn calendar_for(config: &Config, c: &crate::domain::Client) -> Result<HolidayCalendar> {
    let country: Country = c
        .country
        .parse()
        .map_err(|e| anyhow::anyhow!("client {}: {e}", c.id))?;
    let extra = config
        .countries
        .get(&c.country)
        .map(|s| s.extra_holidays.clone())
        .unwrap_or_default();
    // Regions only exist in Spain's data; elsewhere the region is informative.
    let region = if country == Country::Spain {
        c.region.as_deref()
    } else {
        None
    };
    // A region the calendar does not know (stored before the import checked it, or written
    // into the database by hand) must not stop the plan of every client: this one is planned
    // on the national calendar, and the log says which client and how to correct it.
    match HolidayCalendar::new(country, region, &extra) {
        Err(e @ crate::policy::PolicyError::UnknownRegion { .. }) => {
            tracing::warn!(
                client = %c.id,
                "{e}; planned on the national holidays until its region is corrected (import the client again with a region from the list)"
            );
            HolidayCalendar::new(country, None, &extra)
        }
        calendar => calendar,
    }
    .with_context(|| format!("client {}: holiday calendar", c.id))
}
