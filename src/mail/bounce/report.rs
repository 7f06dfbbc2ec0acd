//! RFC 3464 delivery status reports, read per recipient: who failed, for good or for now.

use mail_parser::{Message, MimeHeaders};

use super::{account_gone, dedup, mailbox_full, refused_message};

/// What a report says of the recipients that failed.
pub(super) struct Report {
    /// The worst failed recipients (see [`delivery_report`]).
    pub(super) recipients: Vec<String>,
    /// Recipients reported delivered, relayed or expanded.
    pub(super) successes: usize,
    /// The listed addresses are gone for good.
    pub(super) permanent: bool,
    /// The message was not delivered to them (not a delay).
    pub(super) undelivered: bool,
    /// Every listed failure refused our message, not the address (see `Bounce`).
    pub(super) refused_message: bool,
    /// The first listed recipient's diagnostic.
    pub(super) diagnostic: Option<String>,
}

/// One failed (or delayed) recipient of a report.
struct Failure {
    address: String,
    permanent: bool,
    /// Failed for good for this message ("failed", 5.x.x), not delayed.
    undelivered: bool,
    /// Our message refused (policy, size, content), not the address.
    refused_message: bool,
    diagnostic: Option<String>,
}

impl Failure {
    /// How bad: a dead address, a message given up, a delay.
    fn rank(&self) -> u8 {
        u8::from(self.permanent) + u8::from(self.undelivered)
    }
}

/// The `message/delivery-status` part of an RFC 3464 report, read per recipient. When some
/// recipients failed for good and others only for now, the report names the former.
pub(super) fn delivery_report(
    msg: &Message<'_>,
    returned_to: &[String],
    notice: &str,
) -> Option<Report> {
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
        // RFC 3464: "failed" is given up, "delayed" still tried, whatever the status's class
        // (a 4.4.7 past the queue's lifetime is failed).
        let undelivered = if action.starts_with("delayed") {
            false
        } else {
            status.starts_with('5') || action.starts_with("failed")
        };
        let mut permanent = if status.starts_with('5') {
            true
        } else if status.starts_with('4') {
            false
        } else {
            action.starts_with("failed")
        };
        let evidence = format!("{status}\n{}", diagnostic.as_deref().unwrap_or(notice));
        let evidence = evidence.to_lowercase();
        let refused_message = refused_message(&evidence);
        if permanent {
            permanent = (!mailbox_full(&evidence) || account_gone(&evidence)) && !refused_message;
        }
        failures.push(Failure {
            address,
            permanent,
            refused_message,
            undelivered: undelivered || permanent,
            diagnostic: diagnostic.or(Some(status).filter(|s| !s.is_empty())),
        });
    }
    // Only the worst failures are listed: the bounce's `permanent` and `undelivered` hold for
    // every address it names.
    let worst = failures.iter().map(Failure::rank).max().unwrap_or(0);
    let listed: Vec<&Failure> = failures.iter().filter(|f| f.rank() == worst).collect();
    let mut recipients: Vec<String> = listed.iter().map(|f| f.address.clone()).collect();
    dedup(&mut recipients);
    Some(Report {
        recipients,
        successes,
        permanent: listed.iter().any(|f| f.permanent),
        undelivered: listed.iter().any(|f| f.undelivered),
        refused_message: listed.iter().all(|f| f.refused_message),
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
pub(super) fn recipient_we_wrote_to(
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
