//! Bounces in every form: RFC 3464 delivery status reports, and the plain-text or multipart
//! notices many servers still send (qmail, Exim, Postfix, Sendmail, Exchange, Gmail, Yahoo,
//! Domino, MDaemon, GroupWise…), in English, Spanish and a few other languages.
//!
//! A message is a bounce when it is a `multipart/report; report-type=delivery-status`, or has
//! `X-Failed-Recipients`, or comes from a mail system (MAILER-DAEMON, postmaster, "Mail Delivery
//! System"…) or carries a bounce subject *and* its text says that delivery failed. A person's
//! reply that says "el usuario no existe" is neither, so it stays a reply; so is a notice a
//! person forwards ("FW: Undeliverable…"): their own words (often a new address) are not the
//! notice's, and a person reads it.
//!
//! The failed recipients come from the report, per recipient the `Original-Recipient` (the
//! address we wrote to, RFC 3464) before the `Final-Recipient` (where an alias forwarded it),
//! unless only the final one is a recipient of the returned message; else from
//! `X-Failed-Recipients`, else from the addresses the notice names (above the returned copy,
//! whose start is marked in English or Spanish), preferring recipients of the returned message.
//!
//! A failure is permanent with a 5.x.x status or a 55x reply, temporary with 4.x.x / 45x or
//! "delayed, still trying" words. A full mailbox (X.2.2, "over quota", "buzón lleno") is
//! temporary whatever its class: RFC 3463 calls it a persistent transient failure, and it
//! clears when the owner empties it. It stays permanent when the notice says the account is
//! gone or inactive (Gmail's "OverQuotaPerm"). A temporary failure is recorded but never
//! marks a contact undeliverable.
//!
//! The diagnostic is the first notice line with a status code written as a whole token
//! (`550`, `5.1.1`, qmail's `(#5.1.1)`, Exchange's `#554 5.2.2`), never a header line of the
//! returned copy; without one, the reason written beside or under the failed address.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

/// What a bounce says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Bounce {
    /// Addresses that could not be delivered to, lower case.
    pub failed_recipients: Vec<String>,
    /// A permanent failure (5.x.x, not a full mailbox); false for delays, temporary failures
    /// and full mailboxes.
    pub permanent: bool,
    /// The server's words, for the owner.
    pub diagnostic: Option<String>,
    /// Message-IDs of the returned message (ours), without angle brackets.
    pub original_message_ids: Vec<String>,
}

mod diagnostic;
#[cfg(test)]
mod tests;
mod words;

use diagnostic::*;
use words::*;

/// Reads a bounce out of a parsed message, or `None` if it is not one.
pub fn detect(
    msg: &Message<'_>,
    from: Option<&str>,
    subject: &str,
    text: &str,
    own_addresses: &[String],
) -> Option<Bounce> {
    let returned_to: Vec<String> = returned_message(msg).map(|o| o.to).unwrap_or_default();
    let notice = notice_text(text);
    let lower = notice.to_lowercase();
    let report = delivery_report(msg, &returned_to, &lower);
    if report
        .as_ref()
        .is_some_and(|r| r.recipients.is_empty() && r.successes > 0)
    {
        // "Delivery Status Notification (Success/Relay)": delivered, not a bounce.
        return None;
    }
    let x_failed: Vec<String> = msg
        .header_raw("X-Failed-Recipients")
        .map(addresses_in)
        .unwrap_or_default();
    let sender_is_system = from.is_some_and(|f| {
        let local = f.split('@').next().unwrap_or("").to_ascii_lowercase();
        SYSTEM_SENDERS
            .iter()
            .any(|s| local == *s || local.starts_with(&format!("{s}-")))
    }) || display_name(msg)
        .is_some_and(|n| SYSTEM_NAMES.iter().any(|s| n.contains(s)));
    let subject = subject.to_lowercase();
    // "FW: Undeliverable: ...", "RV: Mail delivery failed": a person passing a notice on,
    // with words of their own (often a new address) that are not the notice's.
    let passed_on = ["fw:", "fwd:", "rv:", "re:", "reenv:", "tr:", "wg:"]
        .iter()
        .any(|p| subject.trim_start().starts_with(p));
    let subject_says = !passed_on && SUBJECTS.iter().any(|s| subject.contains(s));
    let body_says = FAILURE_WORDS.iter().any(|w| lower.contains(w))
        || DELAY_WORDS.iter().any(|w| lower.contains(w)) && (sender_is_system || subject_says);
    let is_bounce = (!passed_on || sender_is_system)
        && (report.is_some()
            || !x_failed.is_empty()
            || ((sender_is_system || subject_says) && body_says)
            || (sender_is_system && subject_says));
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
        return Some(bounce);
    }
    let ours: Vec<String> = from
        .into_iter()
        .map(str::to_ascii_lowercase)
        .chain(own_addresses.iter().map(|a| a.to_ascii_lowercase()))
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
    dedup(&mut failed);
    bounce.permanent = permanence(&lower, &subject);
    bounce.diagnostic = first_diagnostic(&notice, &failed);
    bounce.failed_recipients = failed;
    Some(bounce)
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

/// The notice itself: the text above the returned copy of the message.
fn notice_text(text: &str) -> String {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.to_lowercase();
        let heading = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let at = COPY_MARKERS
            .iter()
            .filter_map(|m| lower.find(m))
            .min()
            .or_else(|| COPY_HEADINGS.contains(&heading).then_some(0));
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

/// Permanent unless the notice only speaks of delays and temporary failures, or of a full
/// mailbox whose account still exists.
fn permanence(lower: &str, subject: &str) -> bool {
    if mailbox_full(lower) && !account_gone(lower) {
        return false;
    }
    if let Some(class) = status_class(lower) {
        return class == '5';
    }
    let delayed = DELAY_WORDS
        .iter()
        .any(|w| lower.contains(w) || subject.contains(w));
    let permanent_words = PERMANENT_WORDS.iter().any(|w| lower.contains(w));
    permanent_words || !delayed
}

/// The text speaks of a full mailbox: an X.2.2 status or words such as "over quota".
fn mailbox_full(lower: &str) -> bool {
    status_codes(lower)
        .iter()
        .any(|c| c.enhanced == Some((2, 2)))
        || MAILBOX_FULL_WORDS.iter().any(|w| lower.contains(w))
}

/// The text says the account does not exist or is inactive (X.1.x, X.2.1, or words).
fn account_gone(lower: &str) -> bool {
    status_codes(lower)
        .iter()
        .any(|c| matches!(c.enhanced, Some((1, _)) | Some((2, 1))))
        || ACCOUNT_GONE_WORDS.iter().any(|w| lower.contains(w))
}

struct Report {
    recipients: Vec<String>,
    /// Recipients reported delivered, relayed or expanded.
    successes: usize,
    permanent: bool,
    diagnostic: Option<String>,
}

/// One failed (or delayed) recipient of a report.
struct Failure {
    address: String,
    permanent: bool,
    diagnostic: Option<String>,
}

/// The `message/delivery-status` part of an RFC 3464 report, read per recipient. When some
/// recipients failed for good and others only for now, the report names the former: the
/// bounce's `permanent` holds for every address it lists.
fn delivery_report(msg: &Message<'_>, returned_to: &[String], notice: &str) -> Option<Report> {
    let part = msg.parts.iter().find(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("delivery-status")
                        || s.eq_ignore_ascii_case("global-delivery-status")
                })
        })
    })?;
    let text = String::from_utf8_lossy(part.contents()).replace("\r\n", "\n");
    let mut successes = 0;
    let mut failures = Vec::new();
    for block in text.split("\n\n") {
        let field = |name: &str| dsn_field(block, name);
        let original = field("Original-Recipient");
        let last = field("Final-Recipient");
        if original.is_none() && last.is_none() {
            continue;
        }
        let action = field("Action").unwrap_or_default().to_ascii_lowercase();
        if action.starts_with("delivered")
            || action.starts_with("relayed")
            || action.starts_with("expanded")
        {
            successes += 1;
            continue;
        }
        let Some(address) = recipient_we_wrote_to(
            original.as_deref().and_then(dsn_address),
            last.as_deref().and_then(dsn_address),
            returned_to,
        ) else {
            continue;
        };
        let status = field("Status").unwrap_or_default();
        let diagnostic = field("Diagnostic-Code");
        let mut permanent = if status.starts_with('5') {
            true
        } else if status.starts_with('4') {
            false
        } else {
            action.starts_with("failed")
        };
        if permanent {
            let evidence = format!("{status}\n{}", diagnostic.as_deref().unwrap_or(notice));
            let evidence = evidence.to_lowercase();
            permanent = !mailbox_full(&evidence) || account_gone(&evidence);
        }
        failures.push(Failure {
            address,
            permanent,
            diagnostic: diagnostic.or(Some(status).filter(|s| !s.is_empty())),
        });
    }
    let permanent = failures.iter().any(|f| f.permanent);
    let listed: Vec<&Failure> = failures
        .iter()
        .filter(|f| f.permanent || !permanent)
        .collect();
    let mut recipients: Vec<String> = listed.iter().map(|f| f.address.clone()).collect();
    dedup(&mut recipients);
    Some(Report {
        recipients,
        successes,
        permanent,
        diagnostic: listed.iter().find_map(|f| f.diagnostic.clone()),
    })
}

/// A field of one block of a delivery status report, its folded lines unfolded.
fn dsn_field(block: &str, name: &str) -> Option<String> {
    let mut lines = block.lines();
    while let Some(l) = lines.next() {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        if !k.trim().eq_ignore_ascii_case(name) {
            continue;
        }
        let mut value = v.trim().to_owned();
        for more in lines.take_while(|l| l.starts_with([' ', '\t'])) {
            value.push(' ');
            value.push_str(more.trim());
        }
        return Some(value);
    }
    None
}

/// The address of a recipient field (`rfc822; Ana@X.es`), lower case.
fn dsn_address(value: &str) -> Option<String> {
    let address = value
        .split_once(';')
        .map_or(value, |(_, a)| a)
        .trim()
        .trim_matches(['<', '>'])
        .to_ascii_lowercase();
    address.contains('@').then_some(address)
}

/// The address we wrote to (RFC 3464): the one of the two that the returned message was sent
/// to, else the `Original-Recipient` (an alias before it was expanded), else the final one.
/// Exchange's encapsulated `IMCEA…` originals are internal names, never what we wrote.
fn recipient_we_wrote_to(
    original: Option<String>,
    last: Option<String>,
    returned_to: &[String],
) -> Option<String> {
    let original = original.filter(|a| !a.starts_with("imcea"));
    let sent_to = [&original, &last]
        .into_iter()
        .flatten()
        .find(|a| returned_to.contains(a))
        .cloned();
    sent_to.or(original).or(last)
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
fn original_ids(msg: &Message<'_>, text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for part in &msg.parts {
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
