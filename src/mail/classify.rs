//! What kind of message arrived: a bounce, an auto-reply, or a person's reply.
//!
//! Bounces first ([`super::bounce`]): a notice from a mail system must never be read as a
//! client's words. Then auto-replies (out-of-office, vacation, challenge-response), by
//! headers (RFC 3834 `Auto-Submitted`, `X-Autoreply`, `X-Autorespond`, `Precedence`…), by a
//! sender that reads no answers (`noreply@…`), by the subject's own words (es, en, pt, ca, fr,
//! de, it; not an earlier message's subject behind "Re:"), and last by the text itself when it
//! is short, quotes no history, and reads as automatic or says "I am away" without a promise,
//! payment, dispute or request. Everything else is a reply.

use chrono::{DateTime, Utc};
use mail_parser::{Message, MessagePart, MimeHeaders};
use serde::Serialize;

use super::bounce::{self, Bounce};
use super::{subject, trim};
use crate::domain::ReplyKind;
use crate::understand::{self, Intent};

/// The class of a received message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A person's answer.
    #[default]
    Reply,
    /// Out-of-office, vacation or challenge-response: recorded, never read as a promise.
    AutoReply,
    /// A delivery failure notice.
    Bounce,
}

impl Kind {
    /// `reply`, `auto_reply` or `bounce`: the stored spelling ([`ReplyKind`]).
    pub fn as_str(self) -> &'static str {
        ReplyKind::from(self).as_str()
    }

    /// Parses [`Kind::as_str`].
    pub fn parse(text: &str) -> Option<Kind> {
        match text.parse::<ReplyKind>().ok()? {
            ReplyKind::Reply => Some(Kind::Reply),
            ReplyKind::AutoReply => Some(Kind::AutoReply),
            ReplyKind::Bounce => Some(Kind::Bounce),
            ReplyKind::Unparsed => None,
        }
    }
}

impl From<Kind> for ReplyKind {
    fn from(k: Kind) -> ReplyKind {
        match k {
            Kind::Reply => ReplyKind::Reply,
            Kind::AutoReply => ReplyKind::AutoReply,
            Kind::Bounce => ReplyKind::Bounce,
        }
    }
}

/// The class and why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Classified {
    /// The class.
    pub kind: Kind,
    /// For bounces: recipients, permanence, the returned message.
    pub bounce: Option<Bounce>,
    /// What decided (a header, a subject, a phrase).
    pub evidence: Vec<String>,
    /// A person's message whose words are not an answer to read (a calendar invitation «Le
    /// propongo una llamada el viernes para aclarar la factura»): kept for a person, who is
    /// alerted; nothing is decided on it.
    pub for_a_person: bool,
}

/// Classifies a parsed message. `text` is its full text (HTML converted), `visible` the
/// reply without quotes and signature, `own` our own addresses (never a failed recipient).
pub fn classify(
    msg: &Message<'_>,
    from: Option<&str>,
    subject: &str,
    text: &str,
    visible: &str,
    own: &[String],
) -> Classified {
    if let Some(b) = bounce::detect(msg, from, subject, text, own) {
        return Classified {
            kind: Kind::Bounce,
            evidence: vec![format!("bounce: {}", b.failed_recipients.join(", "))],
            bounce: Some(b),
            for_a_person: false,
        };
    }
    let evidence = auto_reply_headers(msg)
        .or_else(|| domain_report(msg, subject))
        .or_else(|| auto_reply_sender(from))
        .or_else(|| auto_reply_subject(subject))
        .or_else(|| auto_reply_text(text, visible));
    match evidence {
        Some(e) => Classified {
            kind: Kind::AutoReply,
            bounce: None,
            evidence: vec![e],
            for_a_person: false,
        },
        // «Aceptado: Llamada factura F-18» with no words: the calendar's answer to an
        // invitation, not a client's (mail29 M18: it held the reminders five days for review).
        None if calendar_reply(msg) && visible.trim().is_empty() => Classified {
            kind: Kind::AutoReply,
            evidence: vec!["calendar response (METHOD:REPLY) without words".into()],
            ..Classified::default()
        },
        None if calendar_invitation(msg) => Classified {
            evidence: vec!["calendar invitation (text/calendar): for a person".into()],
            for_a_person: true,
            ..Classified::default()
        },
        None => Classified::default(),
    }
}

/// A calendar invitation (a call about the invoice on Friday) is no promise for Friday, and no
/// automatic reply either (mail27: filed as one, nobody saw the client's «hay un concepto que
/// no nos cuadra»): a person reads it.
fn calendar_invitation(msg: &Message<'_>) -> bool {
    calendar_parts(msg).next().is_some()
}

/// The message's `text/calendar` parts.
fn calendar_parts<'a, 'x>(msg: &'a Message<'x>) -> impl Iterator<Item = &'a MessagePart<'x>> {
    msg.parts.iter().filter(|p| {
        p.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
        })
    })
}

/// An answer to a calendar invitation (RFC 5546 `METHOD:REPLY`: accepted, declined,
/// tentative), by its `text/calendar` part's `method` parameter or its text.
fn calendar_reply(msg: &Message<'_>) -> bool {
    calendar_parts(msg).any(|p| {
        p.content_type()
            .and_then(|ct| ct.attribute("method"))
            .is_some_and(|m| m.eq_ignore_ascii_case("reply"))
            || p.text_contents().is_some_and(|t| {
                t.lines()
                    .any(|l| l.trim().eq_ignore_ascii_case("METHOD:REPLY"))
            })
    })
}

fn auto_reply_headers(msg: &Message<'_>) -> Option<String> {
    let value = |name: &str| msg.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    if let Some(v) = value("Auto-Submitted").filter(|v| !v.starts_with("no")) {
        return Some(format!("Auto-Submitted: {v}"));
    }
    for name in [
        "X-Autoreply",
        "X-Autorespond",
        "X-Autoresponder",
        "X-Auto-Reply",
        "X-AutoReply-From",
        "X-Mail-Autoreply",
        "X-Autoresponse",
        "X-Vacation",
    ] {
        if let Some(v) = value(name).filter(|v| v != "no" && v != "false") {
            return Some(format!("{name}: {v}"));
        }
    }
    // Not `list`: a billing address that is a group (Google Groups) adds it to people's mail.
    for name in ["Precedence", "X-Precedence"] {
        if let Some(v) =
            value(name).filter(|v| ["auto_reply", "bulk", "junk"].contains(&v.as_str()))
        {
            return Some(format!("{name}: {v}"));
        }
    }
    if let Some(v) = value("X-Autogenerated").filter(|v| v.contains("reply")) {
        return Some(format!("X-Autogenerated: {v}"));
    }
    if value("X-POST-MessageClass").is_some_and(|v| v.contains("autoresponder"))
        || value("X-FC-MachineGenerated").is_some_and(|v| v == "true")
    {
        return Some("autoresponder header".into());
    }
    // Read receipts (RFC 8098) and other reports that are not delivery failures.
    if let Some(ct) = msg.content_type()
        && ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        let report = ct.attribute("report-type").unwrap_or("report");
        return Some(format!("multipart/report; report-type={report}"));
    }
    if msg
        .headers_raw()
        .any(|(name, _)| name.to_ascii_lowercase().starts_with("x-boxbe"))
    {
        return Some("challenge-response (Boxbe)".into());
    }
    // Outlook's «Recuperar: …» asks the server to take back an earlier message: no answer.
    if value("X-MS-Exchange-Organization-Recall").is_some() {
        return Some("Outlook message recall".into());
    }
    None
}

/// A report about the business's own mail domain that a receiving mail system sends to the
/// address in its DMARC record (RFC 7489 §7.2.1.1: the subject «Report Domain: … Submitter: …
/// Report-ID: …», a zipped XML file named `receiver!domain!begin!end`), often with no
/// automatic-reply header at all (mail28 M38: one went to the owner's review). No client
/// wrote it.
fn domain_report(msg: &Message<'_>, subject: &str) -> Option<String> {
    let s = subject.trim().to_ascii_lowercase();
    if s.starts_with("report domain:") && s.contains("submitter:") {
        return Some("DMARC aggregate report (subject)".into());
    }
    msg.attachments().find_map(|part| {
        let name = part.attachment_name()?.to_ascii_lowercase();
        let archive = [".xml", ".gz", ".zip"].iter().any(|e| name.ends_with(e));
        (archive && name.matches('!').count() >= 3)
            .then(|| format!("DMARC aggregate report: {name}"))
    })
}

/// Local parts of addresses nobody reads: whatever comes from them a machine sent.
const NO_REPLY: [&str; 6] = [
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
];

/// A sender that says it reads no answers ("noreply@boxbe.com", "no-reply@…"): a challenge,
/// a ticket or a notice, never a person answering.
fn auto_reply_sender(from: Option<&str>) -> Option<String> {
    let local = from?.split('@').next()?.to_ascii_lowercase();
    NO_REPLY
        .iter()
        .any(|n| {
            local == *n
                || ["+", "-", ".", "_"]
                    .iter()
                    .any(|sep| local.starts_with(&format!("{n}{sep}")))
        })
        .then(|| format!("sender: {local}@"))
}

/// Phrases of auto-reply subjects (matched anywhere in the lower-cased subject).
const SUBJECT_PHRASES: [&str; 56] = [
    // es
    "respuesta automática",
    "respuesta automatica",
    "autorespuesta",
    "auto-respuesta",
    "fuera de la oficina",
    "fuera de oficina",
    "aviso de ausencia",
    "mensaje automático",
    "estoy de vacaciones",
    "de vacaciones",
    // en
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "out of office",
    "out of the office",
    "away from the office",
    "away from my desk",
    "on vacation",
    "vacation reply",
    "on holiday",
    // pt
    "resposta automática",
    "resposta automatica",
    "fora do escritório",
    "fora do escritorio",
    "ausente do escritório",
    "estou de férias",
    // ca
    "resposta automàtica",
    "fora de l'oficina",
    "fora de l’oficina",
    "fora de l´oficina",
    // fr
    "réponse automatique",
    "reponse automatique",
    "absent du bureau",
    "absente du bureau",
    "hors du bureau",
    "message d'absence",
    "message d’absence",
    // de, it
    "automatische antwort",
    "abwesenheitsnotiz",
    "risposta automatica",
    "fuori ufficio",
    "fuori sede",
    // challenge-response
    "please confirm your",
    "confirm your message",
    "verify your email",
    "sender verification",
    "verificación de remitente",
    "confirme su mensaje",
    "confirma tu mensaje",
    "awaiting verification",
    "spam arrest",
    "confirmação de remetente",
];

/// Single words of auto-reply subjects (matched as whole words).
const SUBJECT_WORDS: [&str; 10] = [
    "ooo",
    "ausente",
    "ausencia",
    "ausência",
    "absència",
    "absence",
    "absent",
    "vacaciones",
    "férias",
    "vacances",
];

/// Read receipts: "Leído: Recordatorio…".
const RECEIPT_PREFIXES: [&str; 12] = [
    "recuperar:",
    "recall:",
    "read:",
    "leído:",
    "leido:",
    "lu :",
    "lu:",
    "lido:",
    "llegit:",
    "gelesen:",
    "letto:",
    "not read:",
];

/// An auto-reply's subject: a read receipt's prefix, or a marker among the subject's own words
/// ([`subject::own_words`]). Behind "Re:" the words are an earlier message's: "Re: Fuera de la
/// oficina" or "RE: Respuesta automática: Factura F-1" is a person answering in that thread.
fn auto_reply_subject(subject: &str) -> Option<String> {
    let s = subject.to_lowercase();
    if let Some(p) = RECEIPT_PREFIXES
        .iter()
        .find(|p| s.trim_start().starts_with(*p))
    {
        return Some(format!("read receipt: {p}"));
    }
    let s = subject::own_words(&s, None);
    if s.is_empty() {
        return None;
    }
    if let Some(p) = SUBJECT_PHRASES.iter().find(|p| s.contains(*p)) {
        return Some(format!("subject: {p}"));
    }
    let words: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    SUBJECT_WORDS
        .iter()
        .find(|w| words.contains(w))
        .map(|w| format!("subject: {w}"))
}

/// Phrases an out-of-office or a challenge-response writes in its text.
const TEXT_PHRASES: [&str; 51] = [
    "fuera de la oficina",
    "fuera de oficina",
    "me encuentro fuera",
    "estaré fuera",
    "estare fuera",
    "estoy de vacaciones",
    "me encuentro de vacaciones",
    "sin acceso al correo",
    "acceso limitado al correo",
    "con acceso limitado",
    "estaré ausente",
    "me encuentro ausente",
    "responderé a su correo",
    "responderé a tu correo",
    "a mi regreso",
    "a mi vuelta",
    "out of the office",
    "out of office",
    "i am currently away",
    "i'm currently away",
    "i will be away",
    "i will be out",
    "limited access to email",
    "limited access to my email",
    "upon my return",
    "estou fora do escritório",
    "estarei ausente",
    "estou de férias",
    "sem acesso ao e-mail",
    "seré fora de l'oficina",
    "estaré fora de l'oficina",
    "estic de vacances",
    "je suis absent",
    "je suis absente",
    "je serai absent",
    "accès limité à mes e-mails",
    "ich bin abwesend",
    "sono fuori ufficio",
    "to verify that you are",
    "verify that you are a human",
    "hemos recibido su correo",
    "hemos recibido su mensaje",
    "hemos recibido tu mensaje",
    "este es un mensaje automático",
    "este es un mensaje automatico",
    "mensaje generado automáticamente",
    "this is an automated",
    "this is an automatic",
    "we have received your message",
    "recebemos sua mensagem",
    "nous avons bien reçu votre",
];

/// What help desks (Zendesk, Freshdesk, osTicket...) say when they open a ticket for a
/// message; some send it without any automatic-reply header.
const HELP_DESK_ACKS: [&str; 9] = [
    "se ha recibido y nuestro personal",
    "su solicitud ha sido recibida",
    "hemos recibido su solicitud",
    "se ha creado un ticket",
    "se ha creado el ticket",
    "su ticket ha sido creado",
    "your request has been received",
    "request has been received and is being reviewed",
    "a ticket has been created",
];

/// An automatic reply by its words: a help desk's acknowledgement anywhere in `text`, or a
/// short `visible` text that [`understand`] reads as automatic (an away notice, an automatic
/// acknowledgement: "Su solicitud (48213) ha sido recibida") or that holds a phrase of being
/// away and says nothing of paying. Not when the message quotes the history below the words
/// (a person's mail program does, an automatic reply almost never): "estaré fuera hasta el
/// jueves, ¿me reenvía la factura?" or "hemos recibido su correo, lo paso a administración"
/// above our reminder are a person writing.
fn auto_reply_text(text: &str, visible: &str) -> Option<String> {
    let full = text.to_lowercase();
    if let Some(ack) = HELP_DESK_ACKS.iter().find(|m| full.contains(*m)) {
        return Some(format!("text: {ack}"));
    }
    let lower = visible.to_lowercase();
    if lower.chars().count() > 1500 || visible.trim().is_empty() || trim::quotes_history(text) {
        return None;
    }
    let reading = understand::understand(visible, DateTime::<Utc>::UNIX_EPOCH, chrono_tz::UTC);
    if reading.intent == Intent::AutoReply {
        let said = reading.evidence.first().map_or("", String::as_str);
        return Some(format!("text read as automatic: {said}"));
    }
    let phrase = TEXT_PHRASES.iter().find(|p| lower.contains(*p))?;
    // A person who is away may still answer: "estoy de vacaciones, pero le pago el lunes".
    if matches!(
        reading.intent,
        Intent::Promise | Intent::Paid | Intent::Dispute | Intent::Plan | Intent::Stop
    ) {
        return None;
    }
    Some(format!("text: {phrase}"))
}
