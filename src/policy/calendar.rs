//! When may a message go out: the next allowed moment in the client's time zone, and why.
//!
//! All calendar decisions are made on the client's local dates and times
//! (`chrono_tz`, never fixed offsets); instants in and out are UTC.
//!
//! Semantics, chosen to be conservative:
//! - A day is usable if its weekday has a window in [`ContactRules`], it is
//!   not a holiday, and one more contact that day keeps every limit below.
//! - **Minimum gap**: no other contact within `min-gap-days - 1` local
//!   calendar days before *or after* the day (2 = Monday, then Wednesday).
//! - **Daily cap**: contacts on the same local date.
//! - **Weekly cap**: a *rolling* week: every run of 7 consecutive local days
//!   that includes the day must stay within the cap. This is never looser
//!   than a calendar week (Mon–Sun) and prevents Thu+Fri+Mon+Tue bursts.
//! - Windows are half-open `[start, end)` in local time. A start or end that
//!   does not exist (spring forward) moves to the first local time after the
//!   gap; in the repeated hour (fall back) a window runs from the first
//!   occurrence of its start to the last occurrence of its end.
//! - The search gives up after [`SEARCH_DAYS`] days and returns an error
//!   rather than loop; [`ContactRules::validate`] already rejects rules with
//!   no usable weekday, so in practice this needs an absurd holiday list.
//! - Years without holiday data are searched as if they had no official
//!   holidays (only the owner's); warn with [`HolidayCalendar::check_year`].

use std::fmt;

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use crate::policy::PolicyError;
use crate::policy::holidays::HolidayCalendar;
use crate::policy::rules::{ContactRules, TimeRange};

/// How many local days [`next_send_moment`] searches before giving up.
pub const SEARCH_DAYS: u32 = 400;

/// The first moment a message may be sent, and why it is later than asked, if it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMoment {
    /// The instant to send at.
    pub at: DateTime<Utc>,
    /// The client's time zone, used to render `at`.
    pub tz: Tz,
    /// Why `at` is later than the requested earliest instant; `None` = send then.
    pub reason: Option<WaitReason>,
}

impl fmt::Display for SendMoment {
    /// `waiting for Monday 2026-11-30 12:00 (Europe/Madrid): outside contact hours`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.at.with_timezone(&self.tz);
        let when = format!(
            "{} {} ({})",
            weekday_name(local.weekday()),
            local.format("%Y-%m-%d %H:%M"),
            self.tz.name()
        );
        match &self.reason {
            None => write!(f, "send at {when}"),
            Some(reason) => write!(f, "waiting for {when}: {reason}"),
        }
    }
}

/// Why a message waits; the first obstacle met at the requested instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// The day is fine but the time is outside its contact window.
    OutsideHours,
    /// Saturday or Sunday, and not a contact day.
    Weekend,
    /// A weekday that is not a contact day.
    DayNotAllowed {
        /// The weekday.
        day: Weekday,
    },
    /// A public holiday or one of the owner's closing days.
    Holiday {
        /// The local date.
        date: NaiveDate,
        /// The holiday's name.
        name: String,
    },
    /// Another contact is too close (before or after).
    MinGap {
        /// The configured minimum gap in days.
        days: u32,
        /// The local date of the contact that is too close.
        last_contact: NaiveDate,
    },
    /// The day already has its maximum number of contacts.
    DailyCap {
        /// The configured cap.
        cap: u32,
    },
    /// A 7-day run including the day already has its maximum number of contacts.
    WeeklyCap {
        /// The configured cap.
        cap: u32,
    },
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitReason::OutsideHours => f.write_str("outside contact hours"),
            WaitReason::Weekend => f.write_str("weekend"),
            WaitReason::DayNotAllowed { day } => {
                write!(f, "{} is not a contact day", weekday_name(*day))
            }
            WaitReason::Holiday { date, name } => write!(f, "holiday {name} on {date}"),
            WaitReason::MinGap { days, last_contact } => write!(
                f,
                "minimum gap of {days} days since last contact on {last_contact}"
            ),
            WaitReason::DailyCap { cap } => write!(f, "daily cap of {cap} reached"),
            WaitReason::WeeklyCap { cap } => write!(f, "weekly cap of {cap} reached"),
        }
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// The first instant ≥ `earliest` at which a message may go to a client in `tz`.
///
/// `recent_contacts` are the instants of earlier (or already scheduled)
/// contacts with the same client; they count against the gap and caps on
/// their local dates. Fails only if no moment exists within [`SEARCH_DAYS`].
pub fn next_send_moment(
    earliest: DateTime<Utc>,
    tz: Tz,
    rules: &ContactRules,
    holidays: &HolidayCalendar,
    recent_contacts: &[DateTime<Utc>],
) -> Result<SendMoment, PolicyError> {
    let contacts = local_dates(recent_contacts, tz);
    let first_day = earliest.with_timezone(&tz).date_naive();
    let mut reason = None;
    for offset in 0..SEARCH_DAYS {
        let Some(date) = first_day.checked_add_days(Days::new(offset.into())) else {
            break;
        };
        let window = match check_day(date, rules, holidays, &contacts) {
            Ok(window) => window,
            Err(why) => {
                reason.get_or_insert(why);
                continue;
            }
        };
        if let Some((open, close)) = window_instants(date, window, tz) {
            let at = open.max(earliest);
            if at < close {
                let reason = match reason {
                    None if at == earliest => None,
                    other => Some(other.unwrap_or(WaitReason::OutsideHours)),
                };
                return Ok(SendMoment { at, tz, reason });
            }
        }
        reason.get_or_insert(WaitReason::OutsideHours);
    }
    Err(PolicyError::NoSendMoment {
        country: rules.country(),
        from: first_day,
        days: SEARCH_DAYS,
    })
}

/// Whether a message may be sent to a client in `tz` exactly at `at`.
pub fn is_allowed(
    at: DateTime<Utc>,
    tz: Tz,
    rules: &ContactRules,
    holidays: &HolidayCalendar,
    recent_contacts: &[DateTime<Utc>],
) -> bool {
    let date = at.with_timezone(&tz).date_naive();
    let contacts = local_dates(recent_contacts, tz);
    check_day(date, rules, holidays, &contacts)
        .ok()
        .and_then(|window| window_instants(date, window, tz))
        .is_some_and(|(open, close)| open <= at && at < close)
}

/// Whether local `date` is a contact day for a client in `tz`: its weekday has a window that
/// is not empty on that date, and it is not a holiday. Other contacts (gap, caps) are not
/// counted: this is the calendar's answer, not [`next_send_moment`]'s.
pub fn is_contact_day(
    date: NaiveDate,
    tz: Tz,
    rules: &ContactRules,
    holidays: &HolidayCalendar,
) -> bool {
    check_day(date, rules, holidays, &[])
        .ok()
        .and_then(|window| window_instants(date, window, tz))
        .is_some()
}

fn local_dates(instants: &[DateTime<Utc>], tz: Tz) -> Vec<NaiveDate> {
    instants
        .iter()
        .map(|at| at.with_timezone(&tz).date_naive())
        .collect()
}

/// The day's window if one more contact on `date` is allowed, else why not.
fn check_day(
    date: NaiveDate,
    rules: &ContactRules,
    holidays: &HolidayCalendar,
    contacts: &[NaiveDate],
) -> Result<TimeRange, WaitReason> {
    let day = date.weekday();
    let Some(window) = rules.window(day) else {
        return Err(match day {
            Weekday::Sat | Weekday::Sun => WaitReason::Weekend,
            _ => WaitReason::DayNotAllowed { day },
        });
    };
    if let Some(name) = holidays.is_holiday(date) {
        return Err(WaitReason::Holiday {
            date,
            name: name.to_owned(),
        });
    }
    let gap = i64::from(rules.min_gap_days());
    let too_close = contacts
        .iter()
        .filter(|c| (date - **c).num_days().abs() < gap)
        .max();
    if let Some(&last_contact) = too_close {
        return Err(WaitReason::MinGap {
            days: rules.min_gap_days(),
            last_contact,
        });
    }
    let same_day = contacts.iter().filter(|c| **c == date).count();
    if same_day >= rules.daily_cap() as usize {
        return Err(WaitReason::DailyCap {
            cap: rules.daily_cap(),
        });
    }
    // Every 7-day run [start, start + 6] that contains `date`.
    let weekly_full = (0..7).any(|back| {
        let Some(start) = date.checked_sub_days(Days::new(back)) else {
            return false;
        };
        let in_run = contacts
            .iter()
            .filter(|c| {
                let offset = (**c - start).num_days();
                (0..7).contains(&offset)
            })
            .count();
        in_run >= rules.weekly_cap() as usize
    });
    if weekly_full {
        return Err(WaitReason::WeeklyCap {
            cap: rules.weekly_cap(),
        });
    }
    Ok(window)
}

/// The UTC instants `[open, close)` of `window` on local `date` in `tz`.
fn window_instants(
    date: NaiveDate,
    window: TimeRange,
    tz: Tz,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let open = local_instant(date, window.start(), tz, Edge::Open)?;
    let close = local_instant(date, window.end(), tz, Edge::Close)?;
    (open < close).then_some((open, close))
}

/// Which end of a window a local time is, to pick an occurrence in the repeated hour.
#[derive(Clone, Copy)]
enum Edge {
    Open,
    Close,
}

/// The instant of local `date` `time` in `tz`, resolving DST gaps and overlaps.
fn local_instant(date: NaiveDate, time: NaiveTime, tz: Tz, edge: Edge) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Some(
            match edge {
                Edge::Open => first.min(second),
                Edge::Close => first.max(second),
            }
            .with_timezone(&Utc),
        ),
        // In a gap: the first local minute that exists is the transition itself.
        LocalResult::None => (1..=24 * 60).find_map(|minutes| {
            tz.from_local_datetime(&(local + TimeDelta::minutes(minutes)))
                .earliest()
                .map(|at| at.with_timezone(&Utc))
        }),
    }
}

#[cfg(test)]
mod tests;
