//! Contact rules: the owner's `[contact]` preferences resolved against a country profile.
//!
//! Resolution is conservative: preferred hours are intersected with the legal
//! window of each day, days the law forbids are dropped, and a cap or gap
//! looser than a statutory limit is tightened to it. Each such adjustment of
//! an explicit owner setting is recorded in [`ContactRules::adjustments`] so
//! `cobrador check` can show it; none of them is an error, because one global
//! `[contact]` table applies to clients in several countries.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Weekday};
use serde::Deserialize;

use crate::policy::PolicyError;
use crate::policy::profiles::Country;

/// Default preferred window: mid-morning, when reminders are read and acted on.
const DEFAULT_HOURS: TimeRange = TimeRange::from_hm(10, 0, 12, 30);
/// Mondays open no earlier, and Fridays close no later, than midday.
const MIDDAY: NaiveTime = TimeRange::from_hm(0, 0, 12, 0).end;
/// Larger gaps would leave whole search windows empty; nobody needs them.
const MAX_MIN_GAP_DAYS: u32 = 30;

/// A half-open local time-of-day range `[start, end)` within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct TimeRange {
    start: NaiveTime,
    end: NaiveTime,
}

impl TimeRange {
    /// A range from `start` (inclusive) to `end` (exclusive); `None` if empty.
    pub const fn new(start: NaiveTime, end: NaiveTime) -> Option<TimeRange> {
        // `Ord` is not const; a positive duration means start < end.
        let length = end.signed_duration_since(start);
        if length.num_seconds() > 0 || (length.num_seconds() == 0 && length.subsec_nanos() > 0) {
            Some(TimeRange { start, end })
        } else {
            None
        }
    }

    /// A range from literal hours and minutes, for constants: an invalid or
    /// empty range is a compile error when used in a `const`/`static`.
    pub(crate) const fn from_hm(start_h: u32, start_m: u32, end_h: u32, end_m: u32) -> TimeRange {
        let (Some(start), Some(end)) = (
            NaiveTime::from_hms_opt(start_h, start_m, 0),
            NaiveTime::from_hms_opt(end_h, end_m, 0),
        ) else {
            panic!("invalid time literal");
        };
        match TimeRange::new(start, end) {
            Some(range) => range,
            None => panic!("empty time range literal"),
        }
    }

    /// First instant of the range (inclusive).
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// End of the range (exclusive).
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// Whether `time` lies in `[start, end)`.
    pub fn contains(&self, time: NaiveTime) -> bool {
        self.start <= time && time < self.end
    }

    /// The overlap of two ranges, if any.
    pub fn intersect(&self, other: &TimeRange) -> Option<TimeRange> {
        TimeRange::new(self.start.max(other.start), self.end.min(other.end))
    }
}

/// Written as it is read: `"10:00-12:30"`.
impl serde::Serialize for TimeRange {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// Parses `"HH:MM"` (24-hour clock) with a message that says what is expected.
fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{text:?} is not a time of day: write HH:MM, 00:00 to 23:59"))
}

impl FromStr for TimeRange {
    type Err = String;

    /// Parses `"10:00-12:30"` (an en dash is accepted too); the end is exclusive.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((start, end)) = s.split_once(['-', '–']) else {
            return Err(format!(
                "{s:?} is not a time range: write \"HH:MM-HH:MM\", e.g. \"10:00-12:30\""
            ));
        };
        let (start, end) = (parse_time(start)?, parse_time(end)?);
        TimeRange::new(start, end).ok_or_else(|| {
            format!("{s:?}: the start must be before the end (a range cannot cross midnight)")
        })
    }
}

impl TryFrom<String> for TimeRange {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// A weekday as written in the config: `"mon"`…`"sun"`, full English names, or Spanish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct ContactDay(
    /// The weekday.
    pub Weekday,
);

impl FromStr for ContactDay {
    type Err = String;

    /// Accepts `mon`, `monday`, `lun`, `lunes` (any case, with or without accents).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let day = match s.trim().to_lowercase().as_str() {
            "mon" | "monday" | "lun" | "lunes" => Weekday::Mon,
            "tue" | "tuesday" | "mar" | "martes" => Weekday::Tue,
            "wed" | "wednesday" | "mie" | "mié" | "miercoles" | "miércoles" => Weekday::Wed,
            "thu" | "thursday" | "jue" | "jueves" => Weekday::Thu,
            "fri" | "friday" | "vie" | "viernes" => Weekday::Fri,
            "sat" | "saturday" | "sab" | "sáb" | "sabado" | "sábado" => Weekday::Sat,
            "sun" | "sunday" | "dom" | "domingo" => Weekday::Sun,
            _ => {
                return Err(format!(
                    "{s:?} is not a day: use mon, tue, wed, thu, fri, sat or sun"
                ));
            }
        };
        Ok(ContactDay(day))
    }
}

impl TryFrom<String> for ContactDay {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// The owner's contact preferences: the `[contact]` table, also usable per country.
///
/// Every field is optional; an absent field takes the country default. Times
/// are the client's local time. Nothing here can widen the legal limits of
/// the client's country (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ContactRulesConfig {
    /// Days reminders may be sent, e.g. `["mon", "tue", "wed", "thu", "fri"]`
    /// (English or Spanish names). Default: Monday to Friday. Days the
    /// country's law forbids (Sundays everywhere, Saturdays in ES, MX, PE, AR)
    /// are dropped.
    pub days: Option<Vec<ContactDay>>,
    /// Preferred sending hours on each allowed day, `"HH:MM-HH:MM"`, end
    /// exclusive. Default `"10:00-12:30"`. Clipped to the legal window.
    pub hours: Option<TimeRange>,
    /// Do not send on Monday mornings (before 12:00), when reminders are least
    /// effective. Default `true`.
    pub avoid_monday_morning: Option<bool>,
    /// Do not send on Friday afternoons (from 12:00), when reminders are least
    /// effective. Default `true`.
    pub avoid_friday_afternoon: Option<bool>,
    /// Minimum calendar days between two contacts with a client (2 = Monday,
    /// then Wednesday at the earliest; 0 = same day allowed). Default: 2 in
    /// ES and CL, 1 elsewhere. Never below the legal minimum (CL: 2).
    pub min_gap_days: Option<u32>,
    /// Maximum contacts with a client per local calendar day. Default 1.
    /// Never above the legal maximum (CO: 1).
    pub daily_cap: Option<u32>,
    /// Maximum contacts with a client in any 7 consecutive local days (a
    /// rolling week). Default: 3 in MX and CO, 2 elsewhere. Never above the
    /// legal maximum (CL: 2).
    pub weekly_cap: Option<u32>,
}

impl ContactRulesConfig {
    /// This config with every field set in `over` replacing ours (global, then per country).
    pub fn overlay(&self, over: &ContactRulesConfig) -> ContactRulesConfig {
        ContactRulesConfig {
            days: over.days.clone().or_else(|| self.days.clone()),
            hours: over.hours.or(self.hours),
            avoid_monday_morning: over.avoid_monday_morning.or(self.avoid_monday_morning),
            avoid_friday_afternoon: over.avoid_friday_afternoon.or(self.avoid_friday_afternoon),
            min_gap_days: over.min_gap_days.or(self.min_gap_days),
            daily_cap: over.daily_cap.or(self.daily_cap),
            weekly_cap: over.weekly_cap.or(self.weekly_cap),
        }
    }
}

/// Resolved contact rules for one country: effective windows and frequency limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRules {
    pub(crate) country: Country,
    /// Effective window per weekday, Monday first: preferred ∩ legal, after
    /// the Monday-morning / Friday-afternoon clipping.
    pub(crate) windows: [Option<TimeRange>; 7],
    pub(crate) min_gap_days: u32,
    pub(crate) daily_cap: u32,
    pub(crate) weekly_cap: u32,
    pub(crate) adjustments: Vec<String>,
}

/// The part of `asked` (a client's own hours) that `country`'s law lets anyone write in on
/// some day: from its earliest legal minute to its latest. `None` when nothing is left (a
/// client in Bogotá who asks to be written to after 19:00): such hours cannot be honoured, and
/// saying they will be would be untrue.
pub fn within_legal_hours(country: Country, asked: TimeRange) -> Option<TimeRange> {
    legal_hours(country)?.intersect(&asked)
}

/// [`within_legal_hours`] for hours an owner gives (`client hours`, an import's `horario`):
/// the part kept, or why none can be, naming the legal hours.
pub fn lawful_own_hours(country: Country, asked: TimeRange) -> Result<TimeRange, String> {
    within_legal_hours(country, asked).ok_or_else(|| {
        format!(
            "{asked} is outside the hours the law of {} lets anyone write in ({}): give hours inside them",
            country.code(),
            legal_hours(country).map_or_else(|| "none".to_owned(), |l| l.to_string())
        )
    })
}

/// The hours `country`'s law lets anyone write in on some day: from its earliest legal minute
/// to its latest (`07:00-22:00` in Mexico).
pub fn legal_hours(country: Country) -> Option<TimeRange> {
    let legal = country.profile().legal_hours.iter().flatten();
    let start = legal.clone().map(TimeRange::start).min()?;
    let end = legal.map(TimeRange::end).max()?;
    TimeRange::new(start, end)
}

/// The weekdays `country` allows contact on, e.g. `Mon, Tue, Wed, Thu, Fri`.
fn legal_days(country: Country) -> String {
    let profile = country.profile();
    let days: Vec<String> = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .filter(|day| profile.legal_window(*day).is_some())
    .map(|day| day.to_string())
    .collect();
    days.join(", ")
}

impl ContactRules {
    /// The country's default rules (an empty `[contact]` table).
    pub fn defaults(country: Country) -> Result<ContactRules, PolicyError> {
        ContactRules::resolve(country, &ContactRulesConfig::default())
    }

    /// Resolves the owner's config against `country`'s profile, then [`validate`](Self::validate)s it.
    pub fn resolve(
        country: Country,
        config: &ContactRulesConfig,
    ) -> Result<ContactRules, PolicyError> {
        let profile = country.profile();
        let mut adjustments = Vec::new();
        let preferred = config.hours.unwrap_or(DEFAULT_HOURS);
        let days: Vec<Weekday> = match &config.days {
            Some(days) => days.iter().map(|d| d.0).collect(),
            None => vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
        };
        let mut windows = [None; 7];
        for day in days {
            let Some(legal) = profile.legal_window(day) else {
                if config.days.is_some() {
                    adjustments.push(format!(
                        "days: {day} dropped, {country} allows contact only on {}",
                        legal_days(country)
                    ));
                }
                continue;
            };
            let Some(mut window) = preferred.intersect(&legal) else {
                adjustments.push(format!(
                    "hours: {day} dropped, no time left inside its legal window {legal} in {country}"
                ));
                continue;
            };
            if config.hours.is_some_and(|hours| hours != window) {
                adjustments.push(format!(
                    "hours: {preferred} clipped to {window} on {day}, the legal window in {country}"
                ));
            }
            // A preference against Monday mornings or Friday afternoons that would leave the
            // whole day without a minute (Colombia's 09:00-12:00) is set aside for that day:
            // a lost weekday puts off every reminder due on it.
            if day == Weekday::Mon && config.avoid_monday_morning.unwrap_or(true) {
                match TimeRange::new(window.start.max(MIDDAY), window.end) {
                    Some(w) => window = w,
                    None => adjustments.push(format!(
                        "avoid-monday-morning set aside in {country}: Monday's hours {window} end by 12:00"
                    )),
                }
            }
            if day == Weekday::Fri && config.avoid_friday_afternoon.unwrap_or(true) {
                match TimeRange::new(window.start, window.end.min(MIDDAY)) {
                    Some(w) => window = w,
                    None => adjustments.push(format!(
                        "avoid-friday-afternoon set aside in {country}: Friday's hours {window} start at 12:00 or later"
                    )),
                }
            }
            windows[day.num_days_from_monday() as usize] = Some(window);
        }

        let mut daily_cap = config.daily_cap.unwrap_or(profile.default_daily_cap);
        if let Some(limit) = profile.legal_daily_cap.filter(|&l| daily_cap > l) {
            adjustments.push(format!(
                "daily-cap {daily_cap} lowered to {limit} in {country} ({})",
                profile.source
            ));
            daily_cap = limit;
        }
        let mut weekly_cap = config.weekly_cap.unwrap_or(profile.default_weekly_cap);
        if let Some(limit) = profile.legal_weekly_cap.filter(|&l| weekly_cap > l) {
            adjustments.push(format!(
                "weekly-cap {weekly_cap} lowered to {limit} in {country} ({})",
                profile.source
            ));
            weekly_cap = limit;
        }
        let mut min_gap_days = config.min_gap_days.unwrap_or(profile.default_min_gap_days);
        if let Some(limit) = profile.legal_min_gap_days.filter(|&l| min_gap_days < l) {
            adjustments.push(format!(
                "min-gap-days {min_gap_days} raised to {limit} in {country} ({})",
                profile.source
            ));
            min_gap_days = limit;
        }

        let rules = ContactRules {
            country,
            windows,
            min_gap_days,
            daily_cap,
            weekly_cap,
            adjustments,
        };
        rules.validate()?;
        Ok(rules)
    }

    /// Rejects rules that allow no send moment, or that break the country's legal limits.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let invalid = |problem: String| PolicyError::InvalidRules {
            country: self.country,
            problem,
        };
        if self.windows.iter().all(Option::is_none) {
            return Err(invalid(
                "no day has contact hours left: contact.days and contact.hours must overlap \
                 the legal window on at least one day (check avoid-monday-morning and \
                 avoid-friday-afternoon too)"
                    .to_owned(),
            ));
        }
        if self.daily_cap == 0 {
            return Err(invalid(
                "daily-cap must be at least 1; to stop contacting a client, put it on hold"
                    .to_owned(),
            ));
        }
        if self.weekly_cap == 0 {
            return Err(invalid(
                "weekly-cap must be at least 1; to stop contacting a client, put it on hold"
                    .to_owned(),
            ));
        }
        if self.min_gap_days > MAX_MIN_GAP_DAYS {
            return Err(invalid(format!(
                "min-gap-days {} is too large: use at most {MAX_MIN_GAP_DAYS}",
                self.min_gap_days
            )));
        }
        let profile = self.country.profile();
        for (index, window) in self.windows.iter().enumerate() {
            let Some(window) = window else { continue };
            let legal = profile.legal_hours[index];
            if legal.and_then(|l| l.intersect(window)) != Some(*window) {
                return Err(invalid(format!(
                    "contact window {window} on day {} is outside the legal window ({})",
                    index + 1,
                    profile.source
                )));
            }
        }
        let too_loose = profile.legal_daily_cap.is_some_and(|l| self.daily_cap > l)
            || profile
                .legal_weekly_cap
                .is_some_and(|l| self.weekly_cap > l)
            || profile
                .legal_min_gap_days
                .is_some_and(|l| self.min_gap_days < l);
        if too_loose {
            return Err(invalid(format!(
                "frequency limits looser than the law ({})",
                profile.source
            )));
        }
        Ok(())
    }

    /// These rules for a client who asked to be written to only within `asked` (its own
    /// local hours: «no me escriban antes de las 11» is 11:00 to the end of the day): each
    /// day's window narrowed to it. Where the owner's window and `asked` do not meet (the
    /// owner writes 10:00-12:30, the client asked for the afternoon), the part of the legal
    /// window inside `asked`, no longer than the owner's window that day: the client's
    /// wish goes before the owner's preference, the law before both. A day whose legal window
    /// has nothing inside `asked` is dropped (the client was told it is written to within
    /// them); if that leaves no day, the owner's windows stay, said in [`Self::adjustments`].
    pub fn for_client(&self, asked: TimeRange) -> ContactRules {
        let profile = self.country.profile();
        let mut rules = self.clone();
        let mut missed = Vec::new();
        for (index, slot) in rules.windows.iter_mut().enumerate() {
            let Some(window) = *slot else { continue };
            if let Some(both) = window.intersect(&asked) {
                *slot = Some(both);
                continue;
            }
            match profile.legal_hours[index].and_then(|l| l.intersect(&asked)) {
                Some(allowed) => {
                    let length = window.end - window.start;
                    let end = if allowed.end - allowed.start > length {
                        allowed.start + length
                    } else {
                        allowed.end
                    };
                    *slot = TimeRange::new(allowed.start, end).or(Some(allowed));
                }
                None => {
                    missed.push(index + 1);
                    *slot = None;
                }
            }
        }
        if rules.windows.iter().all(Option::is_none) {
            let mut kept = self.clone();
            kept.adjustments.push(format!(
                "the client's hours {asked} are outside the legal window on every contact day: \
                 the [contact] hours kept"
            ));
            return kept;
        }
        if !missed.is_empty() {
            rules.adjustments.push(format!(
                "the client's hours {asked} are outside the legal window on day(s) {missed:?}: \
                 no contact then"
            ));
        }
        rules
    }

    /// The country these rules were resolved for.
    pub fn country(&self) -> Country {
        self.country
    }

    /// The effective contact window on `day`, if any.
    pub fn window(&self, day: Weekday) -> Option<TimeRange> {
        self.windows[day.num_days_from_monday() as usize]
    }

    /// Minimum calendar days between two contacts (0 = same day allowed).
    pub fn min_gap_days(&self) -> u32 {
        self.min_gap_days
    }

    /// Maximum contacts per local calendar day.
    pub fn daily_cap(&self) -> u32 {
        self.daily_cap
    }

    /// Maximum contacts in any 7 consecutive local days.
    pub fn weekly_cap(&self) -> u32 {
        self.weekly_cap
    }

    /// Owner settings that were tightened to the law, in English, for `cobrador check`.
    pub fn adjustments(&self) -> &[String] {
        &self.adjustments
    }
}

#[cfg(test)]
mod tests;
