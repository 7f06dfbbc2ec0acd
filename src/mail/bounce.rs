//! Bounces in every form: RFC 3464 delivery status reports ([`report`]), and the plain-text or
//! multipart notices many servers still send (qmail, Exim, Postfix, Sendmail, Exchange, Gmail,
//! Yahoo, Domino, MDaemon, GroupWise, spam filters…), in English, Spanish and a few other
//! languages.
//!
//! A message is a bounce when it is a `multipart/report; report-type=delivery-status`, or has
//! `X-Failed-Recipients`, or comes from a mail system (MAILER-DAEMON, postmaster, "Mail Delivery
//! System"…) or carries a bounce subject *and* its text says that delivery failed, or was sent
//! with a null reverse path (`Return-Path: <>`, as RFC 5321 has every notice sent) and its
//! text says that delivery failed. A person's reply that says "el usuario no existe" is none of
//! these, so it stays a reply; so is a notice a client forwards ("FW: Undeliverable…"): their
//! own words (often a new address) are not the notice's, and a person reads it. A notice that
//! someone on our own side forwards (from our organisation's domain) is read as the notice it
//! holds ([`super::forward`]).
//!
//! The failed recipients come from the report, per recipient the `Original-Recipient` (the
//! address we wrote to, RFC 3464) before the `Final-Recipient` (where an alias forwarded it),
//! unless only the final one is a recipient of the returned message; else from
//! `X-Failed-Recipients`, else from the addresses the notice names above the returned copy
//! (whose start is marked in English or Spanish, or shown by its header fields), preferring
//! recipients of the returned message. Our own side is never a failed recipient: our
//! addresses, whoever the notice was sent to (the sender of the message that failed), and the
//! returned message's sender.
//!
//! A failure is permanent with a 5.x.x status or a 55x reply, temporary with 4.x.x / 45x or
//! "delayed, still trying" words. A full mailbox (X.2.2, "over quota", "buzón lleno") is
//! temporary whatever its class: RFC 3463 calls it a persistent transient failure, and it
//! clears when the owner empties it. It stays permanent when the notice says the account is
//! gone or inactive (Gmail's "OverQuotaPerm"). A temporary failure is recorded but never
//! marks a contact undeliverable. Apart from the address, a bounce says whether *this
//! message* arrived: `undelivered` when the mail system gave up on it (5.x.x, a report's
//! `Action: failed`), a full mailbox's final "552 5.2.2" included; not for a delay.
//!
//! The diagnostic is the first notice line with a status code written as a whole token
//! (`550`, `5.1.1`, qmail's `(#5.1.1)`, Exchange's `#554 5.2.2`), never a header line of the
//! returned copy; without one, the reason written beside or under the failed address.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

use super::forward::{self, Forwarded};
use super::subject;

/// What a bounce says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Bounce {
    /// Addresses that could not be delivered to, lower case.
    pub failed_recipients: Vec<String>,
    /// A permanent failure of the address (5.x.x, not a full mailbox): it will never receive
    /// mail. False for delays, temporary failures and full mailboxes.
    pub permanent: bool,
    /// This message was not delivered: the mail system gave up on it (a 5.x.x status or 55x
    /// reply, a report's `Action: failed`), whether or not the address stays good (a full
    /// mailbox refuses this message, and takes the next one once emptied). False for a delay:
    /// the message is still being tried and may yet arrive. Always true when `permanent` is.
    pub undelivered: bool,
    /// The receiving server refused our message itself, not the address: as spam, for our
    /// domain's authentication (SPF, DKIM, DMARC), its size or its content (X.7.x, X.3.4,
    /// X.6.x). The address is kept however long it lasts: the fix is on our side.
    pub refused_message: bool,
    /// The server's words, for the owner.
    pub diagnostic: Option<String>,
    /// Message-IDs of the returned message (ours), without angle brackets.
    pub original_message_ids: Vec<String>,
}

mod diagnostic;
mod report;
#[cfg(test)]
mod tests;
mod words;

use diagnostic::*;
use report::delivery_report;
use words::*;

/// Reads a bounce out of a parsed message, or `None` if it is not one.
pub fn detect(
    msg: &Message<'_>,
    from: Option<&str>,
    subject: &str,
    text: &str,
    own_addresses: &[String],
) -> Option<Bounce> {
    let ours = our_side(msg, own_addresses);
    if let Some(fwd) = passed_on_by_us(from, subject, text, &ours) {
        let sender = Sender {
            address: fwd.from.as_deref(),
            name: fwd.name,
            null_path: false,
        };
        let subject = fwd.subject.unwrap_or_default();
        return read(None, &sender, &subject, fwd.body, &ours);
    }
    if subject::first_prefix(subject).is_some() && !is_system(from, display_name(msg)) {
        // "FW: Undeliverable: ...", "RV: Mail delivery failed": a person passing a notice on,
        // with words of their own (often a new address) that are not the notice's.
        return None;
    }
    let sender = Sender {
        address: from,
        name: display_name(msg),
        null_path: null_reverse_path(msg),
    };
    read(Some(msg), &sender, subject, text, &ours)
}

/// Who sent a notice.
struct Sender<'a> {
    /// The address, lower case.
    address: Option<&'a str>,
    /// The display name, lower case.
    name: Option<String>,
    /// Sent with a null reverse path (`Return-Path: <>`): RFC 5321 (4.5.5) has every delivery
    /// notice sent so, and no person's mail program does.
    null_path: bool,
}

/// Reads a notice from `sender` (its MIME structure in `msg`, when it is the message itself).
fn read(
    msg: Option<&Message<'_>>,
    sender: &Sender<'_>,
    subject: &str,
    text: &str,
    ours: &[String],
) -> Option<Bounce> {
    let returned_to: Vec<String> = msg
        .and_then(returned_message)
        .map(|o| o.to)
        .unwrap_or_default();
    let notice = notice_text(text);
    let lower = notice.to_lowercase();
    let report = msg.and_then(|m| delivery_report(m, &returned_to, &lower));
    if report
        .as_ref()
        .is_some_and(|r| r.recipients.is_empty() && r.successes > 0)
    {
        // "Delivery Status Notification (Success/Relay)": delivered, not a bounce.
        return None;
    }
    let x_failed: Vec<String> = msg
        .and_then(|m| m.header_raw("X-Failed-Recipients"))
        .map(addresses_in)
        .unwrap_or_default();
    let system = is_system(sender.address, sender.name.clone());
    let subject = subject.to_lowercase();
    let subject_says = SUBJECTS.iter().any(|s| subject.contains(s));
    let failure_said = FAILURE_WORDS.iter().any(|w| lower.contains(w));
    let body_says =
        failure_said || DELAY_WORDS.iter().any(|w| lower.contains(w)) && (system || subject_says);
    // A null reverse path stands for a mail system only with words of failure: automatic
    // replies are sent so too, and "estaré temporalmente fuera" is no delay.
    let is_bounce = report.is_some()
        || !x_failed.is_empty()
        || ((system || subject_says) && body_says)
        || (system && subject_says)
        || (sender.null_path && failure_said);
    if !is_bounce {
        return None;
    }
    let mut bounce = Bounce {
        original_message_ids: original_ids(msg, text),
        ..Bounce::default()
    };
    if let Some(r) = report.filter(|r| !r.recipients.is_empty()) {
        bounce.diagnostic = r
            .diagnostic
            .or_else(|| first_diagnostic(&notice, &r.recipients));
        bounce.failed_recipients = r.recipients;
        bounce.permanent = r.permanent;
        bounce.undelivered = r.undelivered;
        bounce.refused_message = r.refused_message;
        return Some(bounce);
    }
    let ours: Vec<String> = sender
        .address
        .into_iter()
        .map(str::to_ascii_lowercase)
        .chain(ours.iter().cloned())
        .collect();
    let named: Vec<String> = addresses_in(&notice)
        .into_iter()
        .filter(|a| !ours.contains(a) && !is_system_address(a))
        .collect();
    let mut failed = if !x_failed.is_empty() {
        x_failed
    } else {
        let both: Vec<String> = named
            .iter()
            .filter(|a| returned_to.contains(a))
            .cloned()
            .collect();
        if !both.is_empty() { both } else { named }
    };
    if failed.is_empty() && returned_to.len() == 1 {
        failed = returned_to;
    }
    failed.retain(|a| !ours.contains(a));
    dedup(&mut failed);
    bounce.undelivered = gave_up(&lower, &subject);
    bounce.refused_message = refused_message(&lower);
    bounce.permanent = permanence(&lower, &subject) && !bounce.refused_message;
    bounce.diagnostic = first_diagnostic(&notice, &failed);
    bounce.failed_recipients = failed;
    Some(bounce)
}

/// Our own side of a notice, never a failed recipient: our addresses, and whoever the notice
/// went to (a notice goes back to the sender of the message that failed) or the returned
/// message came from.
fn our_side(msg: &Message<'_>, own: &[String]) -> Vec<String> {
    let mut ours: Vec<String> = own.iter().map(|a| a.to_ascii_lowercase()).collect();
    let addresses = |h: Option<&mail_parser::Address<'_>>| -> Vec<String> {
        h.into_iter()
            .flat_map(|a| a.iter())
            .filter_map(|a| a.address())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    ours.extend(addresses(msg.to()));
    for name in ["Delivered-To", "X-Original-To", "Envelope-To"] {
        ours.extend(msg.header_raw(name).map(addresses_in).unwrap_or_default());
    }
    for part in &msg.parts {
        if let PartType::Message(inner) = &part.body {
            ours.extend(addresses(inner.from()));
            ours.extend(addresses(inner.sender()));
        }
    }
    dedup(&mut ours);
    ours
}

/// The notice inside a message that someone on our own side forwarded ("Fwd: Delivery Status
/// Notification (Failure)" from a colleague's mailbox at our organisation, `ours` being our
/// addresses and those the message was sent to): their words are not a client's, and the
/// notice says which address failed. A client who forwards a notice stays a reply for a person
/// to read: their words often give a new address.
fn passed_on_by_us<'a>(
    from: Option<&str>,
    subject: &str,
    text: &'a str,
    ours: &[String],
) -> Option<Forwarded<'a>> {
    let from = from?;
    let us = ours
        .iter()
        .any(|a| a.eq_ignore_ascii_case(from) || crate::domain::same_organisation(a, from));
    if !us || subject::first_prefix(subject) != Some(subject::Prefix::Forward) {
        return None;
    }
    forward::first(text).filter(|f| is_system(f.from.as_deref(), f.name.clone()))
}

/// A mail system's address ("MAILER-DAEMON@…", "postmaster-…") or display name ("Mail
/// Delivery Subsystem").
fn is_system(address: Option<&str>, name: Option<String>) -> bool {
    address.is_some_and(|f| {
        let local = f.split('@').next().unwrap_or("").to_ascii_lowercase();
        SYSTEM_SENDERS
            .iter()
            .any(|s| local == *s || local.starts_with(&format!("{s}-")))
    }) || name.is_some_and(|n| SYSTEM_NAMES.iter().any(|s| n.contains(s)))
}

/// `Return-Path: <>`.
fn null_reverse_path(msg: &Message<'_>) -> bool {
    msg.header_raw("Return-Path")
        .is_some_and(|v| v.trim().trim_matches(['<', '>', ' ']).is_empty())
}

fn display_name(msg: &Message<'_>) -> Option<String> {
    msg.from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .map(|n| n.to_lowercase())
}

fn is_system_address(a: &str) -> bool {
    let local = a.split('@').next().unwrap_or("");
    SYSTEM_SENDERS.contains(&local)
}

/// The notice itself: the text above the returned copy of the message, which starts at a
/// marker ("----- Unsent message follows -----", "Debajo de esta línea se encuentra una
/// copia…") or, unmarked, at its header fields (three in a row, one of them the copy's own
/// `From:`, `To:`, `Subject:`, `Date:` or `Message-ID:`).
fn notice_text(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut offset = 0;
    for (i, line) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        let heading = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let at = COPY_MARKERS
            .iter()
            .filter_map(|m| lower.find(m))
            .min()
            .or_else(|| COPY_HEADINGS.contains(&heading).then_some(0))
            .or_else(|| copied_headers_at(&lines[i..]).then_some(0));
        if let Some(at) = at {
            // `at` indexes the lower-cased line, whose length may differ: then, and when only
            // dashes come before the marker, cut at the line's start.
            let words_before = lower[..at].chars().any(char::is_alphanumeric);
            let at = if words_before && lower.len() == line.len() && line.is_char_boundary(at) {
                at
            } else {
                0
            };
            return text[..offset + at].to_owned();
        }
        offset += line.len();
    }
    text.to_owned()
}

/// Whether `lines` start with the header fields of a returned message (see [`notice_text`]).
fn copied_headers_at(lines: &[&str]) -> bool {
    const OWN: [&str; 5] = ["from", "to", "subject", "date", "message-id"];
    let mut fields = 0;
    let mut own = false;
    for line in lines {
        if fields > 0 && line.starts_with([' ', '\t']) && !line.trim().is_empty() {
            continue;
        }
        if !is_copied_header(line) {
            break;
        }
        fields += 1;
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        own |= OWN.contains(&name.as_str());
        if fields >= 3 && own {
            return true;
        }
    }
    false
}

/// The mail system gave up on the message: a 5.x.x status (or a 55x reply); without a code,
/// words of a permanent failure or no words of a delay. A 4.x.x status is a delay.
fn gave_up(lower: &str, subject: &str) -> bool {
    if let Some(class) = status_class(lower) {
        return class == '5';
    }
    let delayed = DELAY_WORDS
        .iter()
        .any(|w| lower.contains(w) || subject.contains(w));
    PERMANENT_WORDS.iter().any(|w| lower.contains(w)) || !delayed
}

/// Permanent for the address: the message was not delivered, and not because of a full
/// mailbox whose account still exists.
fn permanence(lower: &str, subject: &str) -> bool {
    gave_up(lower, subject) && (!mailbox_full(lower) || account_gone(lower))
}

/// The text speaks of a full mailbox: an X.2.2 status or words such as "over quota".
pub(super) fn mailbox_full(lower: &str) -> bool {
    status_codes(lower)
        .iter()
        .any(|c| c.enhanced == Some((2, 2)))
        || MAILBOX_FULL_WORDS.iter().any(|w| lower.contains(w))
}

/// The server refused the message, not the address: a policy or security status (X.7.x:
/// spam, SPF/DKIM/DMARC, a blocklist), a message too big (X.3.4) or its content (X.6.x), and
/// no word or code of an account gone.
pub(super) fn refused_message(lower: &str) -> bool {
    status_codes(lower)
        .iter()
        .any(|c| matches!(c.enhanced, Some((7, _)) | Some((3, 4)) | Some((6, _))))
        && !account_gone(lower)
}

/// A server's answer (a bounce's diagnostic, an SMTP reply) refuses our message itself, not
/// the address (see [`Bounce::refused_message`]).
pub fn says_the_message_was_refused(answer: &str) -> bool {
    refused_message(&answer.to_lowercase())
}

/// A server's answer says the address does not exist or is inactive.
pub fn says_the_address_is_gone(answer: &str) -> bool {
    account_gone(&answer.to_lowercase())
}

/// The text says the account does not exist or is inactive (X.1.x, X.2.1, or words).
pub(super) fn account_gone(lower: &str) -> bool {
    status_codes(lower)
        .iter()
        .any(|c| matches!(c.enhanced, Some((1, _)) | Some((2, 1))))
        || ACCOUNT_GONE_WORDS.iter().any(|w| lower.contains(w))
}

struct Original {
    to: Vec<String>,
}

/// The returned message (`message/rfc822` or `text/rfc822-headers`), if attached.
fn returned_message(msg: &Message<'_>) -> Option<Original> {
    for part in &msg.parts {
        if let PartType::Message(inner) = &part.body {
            let to = inner
                .to()
                .into_iter()
                .chain(inner.cc())
                .flat_map(|a| a.iter())
                .filter_map(|a| a.address())
                .map(str::to_ascii_lowercase)
                .collect();
            return Some(Original { to });
        }
        if is_headers_part(part) {
            let text = String::from_utf8_lossy(part.contents());
            let to = text
                .lines()
                .filter(|l| {
                    let l = l.to_ascii_lowercase();
                    l.starts_with("to:") || l.starts_with("cc:")
                })
                .flat_map(addresses_in)
                .collect();
            return Some(Original { to });
        }
    }
    None
}

fn is_headers_part(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
    })
}

/// Message-IDs of the returned message: its header when attached, else any `Message-ID:` line
/// in the text (notices that quote the original inline).
fn original_ids(msg: Option<&Message<'_>>, text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for part in msg.iter().flat_map(|m| m.parts.iter()) {
        if let PartType::Message(inner) = &part.body
            && let Some(id) = inner.message_id()
        {
            ids.push(id.to_owned());
        }
        let raw = String::from_utf8_lossy(part.contents());
        if is_headers_part(part) || matches!(part.body, PartType::Text(_)) {
            ids.extend(message_id_lines(&raw));
        }
    }
    ids.extend(message_id_lines(text));
    dedup(&mut ids);
    ids
}

fn message_id_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let t = l.trim_start_matches(['>', ' ']);
            let (k, v) = t.split_once(':')?;
            if !k.trim().eq_ignore_ascii_case("message-id") {
                return None;
            }
            let v = v.trim();
            let start = v.find('<')? + 1;
            let end = v[start..].find('>')? + start;
            Some(v[start..end].to_owned())
        })
        .collect()
}

/// Every email address written in `text`, lower case, in order, without duplicates.
pub fn addresses_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start().to_ascii_lowercase();
        // Threading and trace lines hold ids and hosts, not recipients.
        if [
            "message-id:",
            "references:",
            "in-reply-to:",
            "received:",
            "reporting-mta:",
        ]
        .iter()
        .any(|h| l.starts_with(h))
        {
            continue;
        }
        for token in line.split(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | '"' | '\''
                )
        }) {
            let t = token.trim_matches(|c: char| matches!(c, '.' | ':' | '*'));
            let t = t.strip_prefix("mailto:").unwrap_or(t);
            if let Some((local, domain)) = t.split_once('@')
                && !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.contains('@')
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._%+-=".contains(c))
                && domain
                    .chars()
                    .all(|c| c.is_alphanumeric() || ".-".contains(c))
            {
                out.push(t.to_lowercase());
            }
        }
    }
    dedup(&mut out);
    out
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|x| seen.insert(x.clone()));
}
