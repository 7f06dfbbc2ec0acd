//! The one clock every part of a run reads, and the rule that decides when a reply was received.
//!
//! `cobrador run --clock-start T` rehearses months of collections in a few hours: the daemon's
//! clock starts at `T` and then advances in real time. Every decision taken by the daemon or by
//! a command run with `--now` — the planner, the outbox, a reply's received time (against which
//! "le pago el viernes" is read), a blocked chat, an IMAP mailbox's bookkeeping — must read that
//! clock, never the machine's. The only reads of the real time left in the code measure elapsed
//! durations (locks, pacing, backoff), which are the same in a rehearsal.
//!
//! # When was a reply received
//!
//! A reply carries its own date (an email's `Date:` header, a Telegram message's `date`), set
//! by a server or a mail client that runs in *real* time. [`received_at`] takes that date only
//! when it lies within [`RECEIVED_TOLERANCE`] before the clock's now (and not after it); any
//! other date — in the future (a wrong clock), older than 36 hours, or from another era because
//! the clock is a rehearsal's — gives way to the clock's now at the moment the reply is read.
//!
//! | situation                                              | received at            |
//! |--------------------------------------------------------|------------------------|
//! | production, read within seconds or hours               | the message's date     |
//! | production, read after more than 36 h of downtime      | now, when read         |
//! | message date in the future (a wrong sender clock)      | now, when read         |
//! | rehearsal (`--clock-start`/`--now` months away)        | the clock's now        |
//! | rehearsal whose own messages carry simulated dates     | the message's date     |
//!
//! 36 hours because Telegram keeps undelivered updates for 24 hours, mail normally arrives
//! within minutes, and a `tick` run once a day by cron must still read yesterday's mail as of
//! when it was written; a message read after a longer outage is read as of the moment it was
//! read, which keeps a promise's date in the future rather than reading "mañana" against a day
//! long gone. A rehearsal whose clock is less than 36 hours from the real time reads real-time
//! dates as they are (they are within the tolerance): at most that much off. The rule depends
//! only on the message's date and the clock's reading, so `--now` runs are reproducible.

use chrono::{DateTime, Duration, Utc};

/// How far before the clock's now a message's own date is still believed (see the module doc).
pub const RECEIVED_TOLERANCE: Duration = Duration::hours(36);

/// The daemon's clock: the real time, or (for rehearsals and tests) a time that starts at a
/// given instant and then runs at the normal speed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    offset: Duration,
}

impl Clock {
    /// The real time.
    pub fn real() -> Clock {
        Clock::default()
    }

    /// A clock that reads `start` now and advances in real time.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock {
            // The one place the machine's time is read to build a clock.
            offset: start - Utc::now(),
        }
    }

    /// The current instant on this clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }
}

/// When a reply counts as received: its own `date` when it lies within [`RECEIVED_TOLERANCE`]
/// before `now` (the clock's now when the reply is read), otherwise `now`. See the module doc.
pub fn received_at(date: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    date.filter(|d| *d <= now && now - *d <= RECEIVED_TOLERANCE)
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_message_date_counts_only_within_36_hours_before_the_clock() {
        let now = at("2027-03-10T10:00:00Z");
        let cases = [
            // (message date, received at)
            (Some("2027-03-10T09:59:00Z"), "2027-03-10T09:59:00Z"),
            (Some("2027-03-08T22:00:00Z"), "2027-03-08T22:00:00Z"),
            (Some("2027-03-08T21:59:59Z"), "2027-03-10T10:00:00Z"),
            (Some("2027-03-10T10:00:01Z"), "2027-03-10T10:00:00Z"),
            // A server in real time, months before a rehearsal's clock.
            (Some("2026-11-29T08:00:00Z"), "2027-03-10T10:00:00Z"),
            // ... or months after it.
            (Some("2027-09-01T08:00:00Z"), "2027-03-10T10:00:00Z"),
            (None, "2027-03-10T10:00:00Z"),
        ];
        for (date, want) in cases {
            assert_eq!(received_at(date.map(at), now), at(want), "{date:?}");
        }
    }

    #[test]
    fn a_clock_starting_at_an_instant_reads_it_and_advances() {
        let start = at("2027-03-10T10:00:00Z");
        let clock = Clock::starting_at(start);
        let first = clock.now();
        assert!(first >= start && first - start < Duration::minutes(5));
        assert!(clock.now() >= first);
        assert_ne!(clock, Clock::real());
    }
}
