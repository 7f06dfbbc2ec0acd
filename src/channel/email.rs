//! Builds the MIME message for an outbox row, the way mail clients and spam filters expect it.
//!
//! - `From`: the business name and address (`business.name`, `business.email`);
//!   `Reply-To`: the same address, the mailbox cobrador reads.
//! - `To`: every address in the row's `recipients`, in one message; `Cc`: the row's `cc`.
//! - `Message-ID`: the row's (see [`new_message_id`]); `In-Reply-To`/`References`: the row's
//!   (see [`thread_headers`]), so a follow-up lands in the same conversation.
//! - `Date`, `Subject`, `Content-Language: es`, `Auto-Submitted: auto-generated` (RFC 3834: no
//!   auto-replies, please), and `List-Unsubscribe: <mailto:BUSINESS?subject=BAJA%20CLIENT>`.
//! - Body: plain text, or `multipart/alternative` with the HTML version; with an attachment the
//!   whole is wrapped in `multipart/mixed`. Each text part is encoded by [`body::encode`]
//!   (7bit or quoted-printable, CRLF line ends), byte for byte as lettre would.
//!
//! ## The unsubscribe request
//!
//! A client who presses "unsubscribe" sends a message to the business address whose subject is
//! [`UNSUBSCRIBE_SUBJECT`] (`BAJA`), a space and the client id, e.g. `BAJA C-0042`. The inbox
//! treats a subject starting with `BAJA` as a `stop` request for that client (see
//! [`is_unsubscribe_subject`]).

pub mod body;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::ChannelError;
use crate::config::Business;
use crate::domain;
use crate::store::{OutboxMessage, OutboxStatus};

/// The subject word of an unsubscribe request (`BAJA C-0042`).
pub const UNSUBSCRIBE_SUBJECT: &str = "BAJA";

/// The subject used when a row has none.
const DEFAULT_SUBJECT: &str = "Recordatorio de pago";

/// How many ids `References` keeps: the first and the most recent ones (RFC 5322 3.6.4 allows
/// trimming; mail clients thread on the first and the last).
const MAX_REFERENCES: usize = 10;

/// Whether a subject asks to stop the reminders (`BAJA`, `Re: baja C-1`...).
pub fn is_unsubscribe_subject(subject: &str) -> bool {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let stripped = ["re:", "fw:", "fwd:", "rv:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| s[p.len()..].trim_start());
        match stripped {
            Some(rest) => s = rest,
            None => break,
        }
    }
    s.split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case(UNSUBSCRIBE_SUBJECT))
}

/// The domain of an email address (`cobros@x.example` → `x.example`); the whole text without `@`.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, d)| d).trim()
}

/// A Message-ID derived from a seed that is unique per message (e.g. the dedup key plus the
/// instant it was queued): `<HASH.cobrador@DOMAIN>`. Pure, so the planner can call it.
pub fn new_message_id(domain: &str, seed: &str) -> String {
    message_id_from(domain, format_args!("{seed}"))
}

/// [`new_message_id`] of the text `seed` writes, hashed as it is written: the queue makes one
/// id per message (`{dedup_key}|{timestamp}`), and formatting the seed into a string, then the
/// hash through `{:032x}`, cost as much as building the rest of the outbox row.
pub fn message_id_from(domain: &str, seed: std::fmt::Arguments<'_>) -> String {
    let mut hash = Fnv1a128(FNV_OFFSET);
    // Writing into the hash cannot fail (`write_str` always returns `Ok`).
    let _ = std::fmt::Write::write_fmt(&mut hash, seed);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(32 + domain.len() + ".cobrador@<>".len());
    id.push('<');
    // 32 lowercase hex digits, most significant first: `{:032x}`. The top four bits each
    // time, then shifted out (a shift by a constant: two instructions on a 128-bit number).
    let mut rest = hash.0;
    for _ in 0..32 {
        id.push(char::from(HEX[(rest >> 124) as usize]));
        rest <<= 4;
    }
    id.push_str(".cobrador@");
    id.push_str(domain);
    id.push('>');
    id
}

/// A random Message-ID, for rows queued without one: `<RANDOM.cobrador@DOMAIN>`.
pub fn random_message_id(domain: &str) -> String {
    // The real time only as entropy for a unique id (never a decision): a rehearsal's clock
    // would repeat ids across runs started at the same simulated instant.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos();
    let seed = format!("{nanos}.{}.{}", fastrand::u64(..), fastrand::u64(..));
    new_message_id(domain, &seed)
}

const FNV_OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
const FNV_PRIME: u128 = 0x0000000001000000000000000000013B;

/// The 128-bit FNV-1a hash of the text written into it so far.
struct Fnv1a128(u128);

impl std::fmt::Write for Fnv1a128 {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = s
            .bytes()
            .fold(self.0, |h, b| (h ^ u128::from(b)).wrapping_mul(FNV_PRIME));
        Ok(())
    }
}

/// Threading headers for a follow-up to `previous` (the client's earlier messages, any order):
/// `(In-Reply-To, References)`. Only email messages that may have reached the client count
/// (sent, sending or uncertain, with a Message-ID). `References` lists them oldest first,
/// keeping the first and the most recent ones.
pub fn thread_headers<'a>(
    previous: impl IntoIterator<Item = &'a OutboxMessage>,
) -> (Option<String>, Option<String>) {
    let mut out: Vec<&OutboxMessage> = previous
        .into_iter()
        .filter(|m| {
            m.message.channel == domain::Channel::Email
                && m.message.message_id.is_some()
                && matches!(
                    m.status,
                    OutboxStatus::Sent | OutboxStatus::Sending | OutboxStatus::Uncertain
                )
        })
        .collect();
    out.sort_by_key(|m| (m.sent_at.unwrap_or(m.message.send_at), m.id));
    let mut ids: Vec<&str> = Vec::new();
    for m in &out {
        if let Some(id) = m.message.message_id.as_deref()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    let Some(last) = ids.last().map(|s| s.to_string()) else {
        return (None, None);
    };
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    (Some(last), Some(ids.join(" ")))
}

/// The `From` mailbox of the business; the error names the setting.
pub fn business_mailbox(business: &Business) -> Result<Mailbox, ChannelError> {
    let address = business.email.parse().map_err(|_| ChannelError::Address {
        field: "business.email",
        address: business.email.clone(),
    })?;
    Ok(Mailbox::new(Some(business.name.clone()), address))
}

fn mailbox(field: &'static str, text: &str) -> Result<Mailbox, ChannelError> {
    text.trim().parse().map_err(|_| ChannelError::Address {
        field,
        address: text.to_owned(),
    })
}

fn raw(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for the mailto URL.
fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `List-Unsubscribe` value for a client: a mailto to the business address.
pub fn list_unsubscribe(business_email: &str, client_id: &str) -> String {
    format!(
        "<mailto:{}?subject={}%20{}>",
        business_email.trim(),
        UNSUBSCRIBE_SUBJECT,
        percent_encode(client_id)
    )
}

/// Builds the message for an email outbox row, dated `date`.
///
/// Errors are permanent for this row (a bad address, a missing attachment): the outbox marks it
/// dead and tells the owner.
pub fn build_message(
    msg: &OutboxMessage,
    business: &Business,
    date: DateTime<Utc>,
) -> Result<Message, ChannelError> {
    let row = &msg.message;
    let from = business_mailbox(business)?;
    let message_id = row
        .message_id
        .clone()
        .unwrap_or_else(|| random_message_id(domain_of(&business.email)));
    let mut builder = Message::builder()
        .from(from.clone())
        .reply_to(from)
        .subject(row.subject.as_deref().unwrap_or(DEFAULT_SUBJECT))
        .date(SystemTime::from(date))
        .message_id(Some(message_id))
        .raw_header(raw("Auto-Submitted", "auto-generated".into()))
        .raw_header(raw("Content-Language", "es".into()));
    // The client's opt-out link goes to clients only: on an alert or the digest it would
    // offer the owner «BAJA C04», the client's own opt-out.
    if !domain::is_owner_facing(&row.stage) {
        builder = builder.raw_header(raw(
            "List-Unsubscribe",
            list_unsubscribe(&business.email, &row.client_id),
        ));
    }
    if row.recipients.is_empty() {
        return Err(ChannelError::Address {
            field: "to",
            address: String::new(),
        });
    }
    for to in &row.recipients {
        builder = builder.to(mailbox("to", to)?);
    }
    for cc in &row.cc {
        builder = builder.cc(mailbox("cc", cc)?);
    }
    if let Some(id) = row.in_reply_to.as_deref().filter(|s| !s.trim().is_empty()) {
        builder = builder.in_reply_to(id.trim().to_owned());
    }
    if let Some(refs) = row.references.as_deref().filter(|s| !s.trim().is_empty()) {
        builder = builder.references(refs.trim().to_owned());
    }
    let text = SinglePart::plain(body::encode(&row.body_text));
    let body = match &row.body_html {
        Some(html) => Body::Multi(
            MultiPart::alternative()
                .singlepart(text)
                .singlepart(SinglePart::html(body::encode(html))),
        ),
        None => Body::Single(text),
    };
    let message = match &row.attachment {
        None => match body {
            Body::Single(part) => builder.singlepart(part)?,
            Body::Multi(part) => builder.multipart(part)?,
        },
        Some(path) => {
            let attachment = attachment(Path::new(path))?;
            let mixed = match body {
                Body::Single(part) => MultiPart::mixed().singlepart(part),
                Body::Multi(part) => MultiPart::mixed().multipart(part),
            };
            builder.multipart(mixed.singlepart(attachment))?
        }
    };
    Ok(message)
}

enum Body {
    Single(SinglePart),
    Multi(MultiPart),
}

fn attachment(path: &Path) -> Result<SinglePart, ChannelError> {
    let bytes = std::fs::read(path).map_err(|source| ChannelError::Attachment {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "adjunto".into());
    let is_pdf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let content_type = if is_pdf {
        ContentType::parse("application/pdf")
    } else {
        ContentType::parse("application/octet-stream")
    }
    .map_err(|e| ChannelError::Config(format!("content type: {e}")))?;
    Ok(Attachment::new(name).body(bytes, content_type))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewOutboxMessage;
    use chrono::TimeZone;

    fn row(id: i64, mid: Option<&str>, status: OutboxStatus, day: u32) -> OutboxMessage {
        OutboxMessage {
            id,
            message: NewOutboxMessage {
                dedup_key: format!("C1|s{id}|1"),
                client_id: "C1".into(),
                stage: format!("s{id}"),
                cycle: "1".into(),
                channel: domain::Channel::Email,
                recipients: vec!["ana@cliente.example".into()],
                cc: vec![],
                subject: Some("Factura".into()),
                body_text: "Hola".into(),
                body_html: None,
                attachment: None,
                message_id: mid.map(str::to_owned),
                in_reply_to: None,
                references: None,
                send_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap(),
                invoices: vec![],
            },
            status,
            attempts: 1,
            retry_at: None,
            last_error: None,
            sent_at: None,
            telegram_message_id: None,
        }
    }

    /// The id is `<{:032x}.cobrador@DOMAIN>` of the seed's 128-bit FNV-1a hash, whether the
    /// seed is given as text or written as it is hashed: ids already sent must not change.
    #[test]
    fn message_ids_are_the_fnv_hash_of_the_seed_in_hex() {
        let reference = |domain: &str, seed: &str| {
            let hash = seed.bytes().fold(FNV_OFFSET, |h, b| {
                (h ^ u128::from(b)).wrapping_mul(FNV_PRIME)
            });
            format!("<{hash:032x}.cobrador@{domain}>")
        };
        for seed in [
            "",
            "a",
            "C1|early|1",
            "C-0042|second|F-2026-0142|1795514400",
            "ñ€|-1",
        ] {
            assert_eq!(
                new_message_id("x.example", seed),
                reference("x.example", seed)
            );
        }
        let (key, at) = ("C-7|firm|F-1", 1_795_514_400_i64);
        assert_eq!(
            message_id_from("x.example", format_args!("{key}|{at}")),
            reference("x.example", &format!("{key}|{at}"))
        );
    }

    #[test]
    fn message_ids_are_stable_unique_and_well_formed() {
        let a = new_message_id("x.example", "C1|early|1");
        assert_eq!(a, new_message_id("x.example", "C1|early|1"));
        assert_ne!(a, new_message_id("x.example", "C1|early|2"));
        assert!(a.starts_with('<') && a.ends_with("@x.example>"), "{a}");
        assert_ne!(random_message_id("x"), random_message_id("x"));
        assert_eq!(domain_of("cobros@Reformas.example"), "Reformas.example");
    }

    #[test]
    fn thread_headers_follow_the_delivered_messages_in_order() {
        assert_eq!(thread_headers(&[]), (None, None));
        let prev = vec![
            row(3, Some("<c@x>"), OutboxStatus::Sent, 20),
            row(1, Some("<a@x>"), OutboxStatus::Sent, 3),
            row(2, Some("<b@x>"), OutboxStatus::Dead, 10),
            row(4, None, OutboxStatus::Sent, 21),
            row(5, Some("<d@x>"), OutboxStatus::Queued, 22),
        ];
        let (irt, refs) = thread_headers(&prev);
        assert_eq!(irt.as_deref(), Some("<c@x>"));
        assert_eq!(refs.as_deref(), Some("<a@x> <c@x>"));
    }

    #[test]
    fn references_keep_the_first_and_the_latest() {
        let prev: Vec<_> = (1..=15)
            .map(|i| {
                let id = format!("<m{i}@x>");
                row(i, Some(&id), OutboxStatus::Sent, i as u32)
            })
            .collect();
        let (irt, refs) = thread_headers(&prev);
        assert_eq!(irt.as_deref(), Some("<m15@x>"));
        let refs: Vec<_> = refs.unwrap().split(' ').map(str::to_owned).collect();
        assert_eq!(refs.len(), MAX_REFERENCES);
        assert_eq!(refs[0], "<m1@x>");
        assert_eq!(refs[1], "<m7@x>");
        assert_eq!(refs[9], "<m15@x>");
    }

    /// A client's message carries its opt-out link; an owner alert or the digest does not
    /// (it offered the owner «BAJA C1», the client's own opt-out).
    #[test]
    fn only_messages_to_clients_carry_the_opt_out_link() {
        let config =
            crate::config::Config::parse(crate::config::EXAMPLE, "config.example.toml").unwrap();
        let header = |stage: &str| {
            let mut m = row(1, Some("<a@x>"), OutboxStatus::Queued, 2);
            m.message.stage = stage.into();
            let built = build_message(&m, &config.business, Utc::now()).unwrap();
            String::from_utf8(built.formatted())
                .unwrap()
                .contains("List-Unsubscribe:")
        };
        assert!(header("early"));
        assert!(header("receipt"));
        assert!(!header("owner_alert"));
        assert!(!header("digest"));
        assert!(!header("handover"));
    }

    #[test]
    fn unsubscribe_subjects_are_recognised() {
        assert_eq!(
            list_unsubscribe("cobros@x.example", "C 1/ñ"),
            "<mailto:cobros@x.example?subject=BAJA%20C%201%2F%C3%B1>"
        );
        assert!(is_unsubscribe_subject("BAJA C1"));
        assert!(is_unsubscribe_subject("Re: RE: baja"));
        assert!(!is_unsubscribe_subject("Bajamos el precio"));
        assert!(!is_unsubscribe_subject("Factura F-1"));
    }
}
