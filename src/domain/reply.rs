//! The words of a stored reply (`responses`): what it means ([`Intent`]), where it stands
//! ([`ResponseStatus`]) and how it arrived ([`ReplyChannel`]). `understand` produces the
//! intent, `engine::apply` decides the status, `store::responses` keeps all three as text.

use std::fmt;
use std::str::FromStr;

use super::vocabulary::vocabulary;
use super::{Channel, UnknownWord};

vocabulary! {
    /// What the client means by the reply. The reader (`understand`) answers one of the first
    /// eight, in this order of precedence when several are present; [`Intent::Bounce`] is only
    /// stored, for a delivery failure report nobody wrote.
    pub enum Intent ("intent") {
        /// An automatic reply (out of office, acknowledgement).
        AutoReply => "auto_reply",
        /// Contests the invoice, the amount or the work.
        Dispute => "dispute",
        /// Says the invoice is already paid.
        Paid => "paid",
        /// Asks not to be contacted any more.
        Stop => "stop",
        /// Asks for instalments or a delay, or proposes partial payments.
        Plan => "plan",
        /// Will pay, with or without a date.
        Promise => "promise",
        /// Asks for a copy, bank details or an explanation.
        Question => "question",
        /// None of the above.
        Other => "other",
        /// A delivery failure report (stored with class `bounce`; never read from words).
        Bounce => "bounce",
    }
}

vocabulary! {
    /// The class of a stored message (`responses.kind`): what `mail::classify` found, or
    /// `unparsed` when it could not be read at all.
    pub enum ReplyKind ("reply class") {
        /// A person's answer.
        Reply => "reply",
        /// Out-of-office, vacation or challenge-response: recorded, never read as a promise.
        AutoReply => "auto_reply",
        /// A delivery failure notice.
        Bounce => "bounce",
        /// Too large or not a message: kept for a person to look at.
        Unparsed => "unparsed",
    }
}

/// The error for a string that names no intent.
pub type UnknownIntent = UnknownWord;

vocabulary! {
    /// Where a stored reply stands.
    pub enum ResponseStatus ("reply status") {
        /// Understood and acted on.
        Applied => "applied",
        /// A person must read it (not matched, not vouched for, not understood).
        NeedsReview => "needs_review",
        /// The owner read it again and decided (`responses --reclassify`).
        Reviewed => "reviewed",
    }
}

/// How a reply reached cobrador: by a [`Channel`], or typed in by the owner (`cobrador reply`:
/// an answer given by phone or in person). Stored as the channel's spelling or `manual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplyChannel {
    /// By email or Telegram.
    Channel(Channel),
    /// Told to the owner, who typed it in.
    Manual,
}

impl ReplyChannel {
    /// Every stored spelling this version reads.
    pub const WORDS: &'static [&'static str] = &["email", "telegram", "manual"];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyChannel::Channel(c) => c.as_str(),
            ReplyChannel::Manual => "manual",
        }
    }

    /// The channel to answer by, if it came by one.
    pub fn channel(self) -> Option<Channel> {
        match self {
            ReplyChannel::Channel(c) => Some(c),
            ReplyChannel::Manual => None,
        }
    }
}

impl From<Channel> for ReplyChannel {
    fn from(c: Channel) -> Self {
        ReplyChannel::Channel(c)
    }
}

impl fmt::Display for ReplyChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReplyChannel {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "manual" {
            return Ok(ReplyChannel::Manual);
        }
        Channel::ALL
            .iter()
            .find(|c| c.as_str() == s)
            .map(|c| ReplyChannel::Channel(*c))
            .ok_or_else(|| UnknownWord {
                what: "reply channel",
                value: s.to_owned(),
                known: Self::WORDS,
            })
    }
}

impl serde::Serialize for ReplyChannel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl rusqlite::types::ToSql for ReplyChannel {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl rusqlite::types::FromSql for ReplyChannel {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_round_trip() {
        for i in Intent::ALL {
            assert_eq!(i.as_str().parse::<Intent>(), Ok(*i));
        }
        for s in ResponseStatus::ALL {
            assert_eq!(s.as_str().parse::<ResponseStatus>(), Ok(*s));
        }
        for k in ReplyKind::ALL {
            assert_eq!(k.as_str().parse::<ReplyKind>(), Ok(*k));
        }
        let channels: Vec<&str> = ReplyChannel::WORDS
            .iter()
            .map(|w| w.parse::<ReplyChannel>().map(ReplyChannel::as_str))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(channels, ReplyChannel::WORDS);
        for c in Channel::ALL {
            assert!(
                ReplyChannel::WORDS.contains(&c.as_str()),
                "{c} is not read back"
            );
        }
    }

    #[test]
    fn the_spellings_are_those_stored_before() {
        let intents: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
        assert_eq!(
            intents,
            [
                "auto_reply",
                "dispute",
                "paid",
                "stop",
                "plan",
                "promise",
                "question",
                "other",
                "bounce"
            ]
        );
        assert_eq!(
            ResponseStatus::WORDS,
            ["applied", "needs_review", "reviewed"]
        );
        assert_eq!(
            ReplyKind::WORDS,
            ["reply", "auto_reply", "bounce", "unparsed"]
        );
    }

    #[test]
    fn an_unknown_stored_value_names_the_concept() {
        let e = "fax".parse::<ReplyChannel>().unwrap_err().to_string();
        assert_eq!(
            e,
            "unknown reply channel \"fax\": this version of cobrador knows email, telegram, manual"
        );
        let e = "done".parse::<ResponseStatus>().unwrap_err().to_string();
        assert!(e.starts_with("unknown reply status \"done\""), "{e}");
    }
}
