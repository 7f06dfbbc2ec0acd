//! Bounces in every form: RFC 3464 delivery status reports, and the plain-text or multipart
//! notices many servers still send (qmail, Exim, Postfix, Sendmail, Exchange, Gmail, Yahoo,
//! Domino, MDaemon, GroupWise…).
//!
//! A message is a bounce when it is a `multipart/report; report-type=delivery-status`, or has
//! `X-Failed-Recipients`, or comes from a mail system (MAILER-DAEMON, postmaster, "Mail Delivery
//! System"…) or carries a bounce subject *and* its text says that delivery failed. The failed
//! recipients come from the report's `Final-Recipient`/`Original-Recipient` fields, else from
//! `X-Failed-Recipients`, else from the addresses the notice names (above the returned copy),
//! preferring those that were recipients of the returned message. A failure is permanent with
//! a 5.x.x status or a 55x reply, temporary with 4.x.x / 45x or "delayed, still trying" words;
//! a temporary failure is recorded but never marks a contact undeliverable.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use serde::Serialize;

/// What a bounce says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Bounce {
    /// Addresses that could not be delivered to, lower case.
    pub failed_recipients: Vec<String>,
    /// A permanent failure (5.x.x); false for delays and temporary failures.
    pub permanent: bool,
    /// The server's words, for the owner.
    pub diagnostic: Option<String>,
    /// Message-IDs of the returned message (ours), without angle brackets.
    pub original_message_ids: Vec<String>,
}

/// Local parts of the addresses mail systems send notices from.
const SYSTEM_SENDERS: [&str; 8] = [
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "maildaemon",
    "mailerdaemon",
    "mdaemon",
    "bounce",
    "nobody",
];

/// Display names of mail systems.
const SYSTEM_NAMES: [&str; 8] = [
    "mail delivery",
    "mail administrator",
    "mailer-daemon",
    "postmaster",
    "microsoft outlook",
    "mail system",
    "sistema de correo",
    "mail delivery subsystem",
];

/// Subjects of non-delivery notices.
const SUBJECTS: [&str; 30] = [
    "undelivered mail",
    "undeliverable",
    "undelivered",
    "returned mail",
    "mail delivery failed",
    "delivery failure",
    "delivery failed",
    "delivery has failed",
    "delivery status notification",
    "failure notice",
    "delivery notification",
    "non-delivery",
    "nondelivery",
    "message not delivered",
    "could not send message",
    "delayed mail",
    "delivery delayed",
    "mail system error",
    "no se puede entregar",
    "no entregado",
    "no se pudo entregar",
    "notificación de estado",
    "error de entrega",
    "mensaje no entregado",
    "não entregue",
    "não foi possível entregar",
    "non remis",
    "échec de la remise",
    "unzustellbar",
    "no s'ha pogut lliurar",
];

/// Phrases of delivery failure in a notice's text.
const FAILURE_WORDS: [&str; 28] = [
    "could not be delivered",
    "couldn't be delivered",
    "wasn't delivered",
    "was not delivered",
    "not delivered to",
    "delivery to the following",
    "undeliverable",
    "permanent error",
    "permanent fatal",
    "fatal error",
    "i'm afraid i wasn't able to deliver",
    "unable to deliver",
    "delivery has failed",
    "delivery failed",
    "failed permanently",
    "address not found",
    "user unknown",
    "mailbox unavailable",
    "no such user",
    "did not reach",
    "cannot be reached",
    "could not deliver",
    "message could not be",
    "no se ha podido entregar",
    "no se pudo entregar",
    "não foi possível entregar",
    "n'a pas pu être remis",
    "delivery is delayed",
];

/// Phrases of a temporary failure (a delay notice).
const DELAY_WORDS: [&str; 12] = [
    "delayed",
    "delay)",
    "still being retried",
    "will retry",
    "will continue trying",
    "will keep trying",
    "has not yet been delivered",
    "not been delivered yet",
    "temporary failure",
    "temporarily",
    "no action is required",
    "could not send message for past",
];

/// Markers of the returned copy below a notice: addresses after them are not the failed ones.
const COPY_MARKERS: [&str; 10] = [
    "this is a copy of the message",
    "below this line is a copy",
    "original message follows",
    "original message headers",
    "----- original message -----",
    "------- returned message",
    "--- below this line",
    "the headers of the original",
    "returned message",
    "---- mensaje original",
];

/// Reads a bounce out of a parsed message, or `None` if it is not one.
pub fn detect(
    msg: &Message<'_>,
    from: Option<&str>,
    subject: &str,
    text: &str,
    own_addresses: &[String],
) -> Option<Bounce> {
    let report = delivery_report(msg);
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
    let subject_says = SUBJECTS.iter().any(|s| subject.contains(s));
    let notice = notice_text(text);
    let lower = notice.to_lowercase();
    let body_says = FAILURE_WORDS.iter().any(|w| lower.contains(w))
        || DELAY_WORDS.iter().any(|w| lower.contains(w)) && (sender_is_system || subject_says);
    let is_bounce = report.is_some()
        || !x_failed.is_empty()
        || ((sender_is_system || subject_says) && body_says)
        || (sender_is_system && subject_says);
    if !is_bounce {
        return None;
    }
    let original = returned_message(msg);
    let mut bounce = Bounce {
        original_message_ids: original_ids(msg, text),
        ..Bounce::default()
    };
    if let Some(r) = report.filter(|r| !r.recipients.is_empty()) {
        bounce.failed_recipients = r.recipients;
        bounce.permanent = r.permanent;
        bounce.diagnostic = r.diagnostic.or_else(|| first_diagnostic(&notice));
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
    let recipients_of_original = original.map(|o| o.to).unwrap_or_default();
    let mut failed = if !x_failed.is_empty() {
        x_failed
    } else {
        let both: Vec<String> = named
            .iter()
            .filter(|a| recipients_of_original.contains(a))
            .cloned()
            .collect();
        if !both.is_empty() { both } else { named }
    };
    if failed.is_empty() && recipients_of_original.len() == 1 {
        failed = recipients_of_original;
    }
    dedup(&mut failed);
    bounce.failed_recipients = failed;
    bounce.permanent = permanence(&lower, &subject);
    bounce.diagnostic = first_diagnostic(&notice);
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
    let lower = text.to_lowercase();
    let cut = COPY_MARKERS
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(text.len());
    // `find` on the lower-cased copy: map back safely (lower-casing can change lengths).
    let cut = if lower.len() == text.len() && text.is_char_boundary(cut) {
        cut
    } else {
        text.len()
    };
    text[..cut].to_owned()
}

/// Permanent unless the notice only speaks of delays and temporary failures.
fn permanence(lower: &str, subject: &str) -> bool {
    if let Some(class) = status_class(lower) {
        return class == '5';
    }
    let delayed = DELAY_WORDS
        .iter()
        .any(|w| lower.contains(w) || subject.contains(w));
    let permanent_words = [
        "permanent",
        "given up",
        "gave up",
        "fatal",
        "user unknown",
        "not found",
    ]
    .iter()
    .any(|w| lower.contains(w));
    permanent_words || !delayed
}

/// The class of the first enhanced status code (`5.1.1`) or SMTP reply code in the text.
fn status_class(lower: &str) -> Option<char> {
    let b = lower.as_bytes();
    let mut fallback = None;
    for i in 0..b.len() {
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if !boundary || !(b[i] == b'4' || b[i] == b'5') {
            continue;
        }
        // Enhanced status code: d.d{1,3}.d{1,3}
        if b.get(i + 1) == Some(&b'.') && b.get(i + 2).is_some_and(u8::is_ascii_digit) {
            let mut j = i + 2;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
                return Some(b[i] as char);
            }
        }
        // SMTP reply code: [45][0-5][0-9] followed by a space or '-'.
        if fallback.is_none()
            && b.get(i + 1).is_some_and(|c| (b'0'..=b'5').contains(c))
            && b.get(i + 2).is_some_and(u8::is_ascii_digit)
            && b.get(i + 3)
                .is_some_and(|c| *c == b' ' || *c == b'-' || *c == b':')
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
        {
            fallback = Some(b[i] as char);
        }
    }
    fallback
}

fn first_diagnostic(notice: &str) -> Option<String> {
    notice
        .lines()
        .map(str::trim)
        .find(|l| {
            let l = l.to_lowercase();
            (l.starts_with("5") || l.starts_with("4") || l.contains(" said:") || l.contains("550"))
                && l.len() > 6
        })
        .map(|l| l.chars().take(300).collect())
}

struct Report {
    recipients: Vec<String>,
    /// Recipients reported delivered, relayed or expanded.
    successes: usize,
    permanent: bool,
    diagnostic: Option<String>,
}

/// The `message/delivery-status` part of an RFC 3464 report, read per recipient.
fn delivery_report(msg: &Message<'_>) -> Option<Report> {
    let part = msg.parts.iter().find(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("message")
                && ct.subtype().is_some_and(|s| {
                    s.eq_ignore_ascii_case("delivery-status")
                        || s.eq_ignore_ascii_case("global-delivery-status")
                })
        })
    })?;
    let text = String::from_utf8_lossy(part.contents()).into_owned();
    let mut report = Report {
        recipients: Vec::new(),
        successes: 0,
        permanent: false,
        diagnostic: None,
    };
    let mut any_failed = false;
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let field = |name: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_owned())
            })
        };
        let Some(recipient) = field("Final-Recipient").or_else(|| field("Original-Recipient"))
        else {
            continue;
        };
        let action = field("Action").unwrap_or_default().to_ascii_lowercase();
        if action.starts_with("delivered")
            || action.starts_with("relayed")
            || action.starts_with("expanded")
        {
            report.successes += 1;
            continue;
        }
        let status = field("Status").unwrap_or_default();
        let permanent = if status.starts_with('5') {
            true
        } else if status.starts_with('4') {
            false
        } else {
            action.starts_with("failed")
        };
        let address = recipient
            .split_once(';')
            .map_or(recipient.as_str(), |(_, a)| a)
            .trim()
            .trim_matches(['<', '>'])
            .to_ascii_lowercase();
        if address.contains('@') {
            report.recipients.push(address);
        }
        any_failed |= permanent;
        if report.diagnostic.is_none() {
            report.diagnostic = field("Diagnostic-Code").or(Some(status).filter(|s| !s.is_empty()));
        }
    }
    dedup(&mut report.recipients);
    report.permanent = any_failed;
    Some(report)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_classes() {
        assert_eq!(
            status_class("said: 550 5.1.1 <a@b.c>: user unknown"),
            Some('5')
        );
        assert_eq!(status_class("451 4.3.0 try later"), Some('4'));
        assert_eq!(
            status_class("remote host said: 554 delivery error"),
            Some('5')
        );
        assert_eq!(status_class("nothing here 2026"), None);
    }

    #[test]
    fn addresses_skip_ids_and_trace() {
        let t = "Message-ID: <x.y@z.example>\n<ana@cliente.example>: host said 550\n\
                 Received: from a@b.example\nmailto:Pepe@Otro.example.";
        assert_eq!(
            addresses_in(t),
            vec!["ana@cliente.example", "pepe@otro.example"]
        );
    }
}
