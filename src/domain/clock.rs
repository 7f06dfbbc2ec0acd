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
//! | mail read after more than 36 h of downtime             | the message's date, if after the mailbox's previous read ([`received_at_since`]) |
//! | a Telegram update after more than 36 h of downtime     | now, when read         |
//! | message date in the future (a wrong sender clock)      | now, when read         |
//! | rehearsal (`--clock-start`/`--now` months away)        | the clock's now        |
//! | rehearsal whose own messages carry simulated dates     | the message's date     |
//!
//! 36 hours because Telegram keeps undelivered updates for 24 hours, mail normally arrives
//! within minutes, and a `tick` run once a day by cron must still read yesterday's mail as of
//! when it was written. Mail that came during a longer outage is read as of its own date when
//! it is dated after the mailbox's previous read: reading it as of the moment it was read made
//! «el 20 de noviembre», written on the 10th and read on the 28th, next year's 20th (a walk
//! over months found a formal-stage invoice parked for a year so). A promise whose day passed
//! meanwhile is judged as it stands; its acknowledgement is withdrawn (`sender`). A rehearsal whose clock is less than 36 hours from the real time reads real-time
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
    received_at_since(date, now, None)
}

/// [`received_at`] for a mailbox last read at `last_read` (the clock's time of the previous
/// pass over it): a date between that read and `now` is believed however old, because the
/// message can only have arrived while nobody was reading: an outage. «Le pagamos el 20 de
/// noviembre», written on the 10th and read on the 28th after cobrador was down, is the 20th of
/// this year, not of the next. A rehearsal's clock keeps real-time dates out all the same: they
/// lie before its previous read (a clock ahead of the real time) or after its now (behind it).
pub fn received_at_since(
    date: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    last_read: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    date.filter(|d| {
        *d <= now && (now - *d <= RECEIVED_TOLERANCE || last_read.is_some_and(|r| *d >= r))
    })
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
    fn a_message_that_came_during_an_outage_keeps_its_date() {
        let now = at("2026-11-28T10:00:00Z");
        let last_read = Some(at("2026-11-07T09:00:00Z"));
        let cases = [
            // Written during the outage (after the last read): its own date.
            (Some("2026-11-10T16:00:00Z"), "2026-11-10T16:00:00Z"),
            // Before the last read (a rehearsal's real-time stamp, a wrong clock): now.
            (Some("2026-11-01T16:00:00Z"), "2026-11-28T10:00:00Z"),
            // After now: never.
            (Some("2026-11-29T16:00:00Z"), "2026-11-28T10:00:00Z"),
            // Within 36 hours: as always.
            (Some("2026-11-27T16:00:00Z"), "2026-11-27T16:00:00Z"),
        ];
        for (date, want) in cases {
            assert_eq!(
                received_at_since(date.map(at), now, last_read),
                at(want),
                "{date:?}"
            );
        }
        // Never read before: the 36 hours alone.
        assert_eq!(
            received_at_since(Some(at("2026-11-10T16:00:00Z")), now, None),
            now
        );
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
