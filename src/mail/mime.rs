//! Parsing a received message into what cobrador needs: who, when, threading, the text, and
//! whether it was sent by a machine (RFC 3834 auto-replies, delivery status notifications).

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{HeaderValue, MessageParser, PartType};

use super::classify::{self, Classified, Kind};
use super::{html, trim};

/// A received email, reduced to what matching and understanding need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedMail {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    /// The Date header.
    pub date: Option<DateTime<Utc>>,
    /// The sender's address.
    pub from: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// In-Reply-To then References, without angle brackets.
    pub references: Vec<String>,
    /// The whole text: the text/plain part, or the HTML part converted with its quotes marked.
    pub text: String,
    /// The client's visible words: `text` without quoted history and signature.
    pub visible: String,
    /// The message had no text/plain part.
    pub html_only: bool,
    /// Reply, auto-reply or bounce, and why.
    pub class: Classified,
    /// Not a person's reply (an auto-reply or a bounce).
    pub automatic: bool,
    /// A delivery failure notice.
    pub bounce: bool,
    /// The names of its attached files (a PDF receipt, a photo), as the sender named them.
    pub attachments: Vec<String>,
    /// The mailing list it came through (its `List-Id` header, RFC 2919), if any.
    pub list: Option<String>,
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// Parses raw RFC 5322 bytes; `None` if it is not a message at all.
pub fn parse(raw: &[u8]) -> Option<ParsedMail> {
    parse_with(raw, &[])
}

/// As [`parse`], with our own addresses (never taken for a bounce's failed recipient).
pub fn parse_with(raw: &[u8], own: &[String]) -> Option<ParsedMail> {
    // mail-parser 0.11.9 has a `debug_assert!` ("Invalid part ID, could not find multipart")
    // that malformed multiparts reach (found by tests/fuzz.rs; the inputs are in
    // tests/fuzz-corpus/mime/). Release builds go on; a debug build must not die on a hostile
    // message either: such a message is "not a message" here.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw));
    let msg = parsed.ok().flatten()?;
    let mut references = ids(msg.in_reply_to());
    for r in ids(msg.references()) {
        if !references.contains(&r) {
            references.push(r);
        }
    }
    // mail-parser lists an HTML part as the text body when there is no text/plain one.
    let html_only = msg
        .text_body
        .first()
        .and_then(|i| msg.parts.get(*i as usize))
        .is_none_or(|p| matches!(p.body, PartType::Html(_)));
    let from_html = || {
        msg.body_html(0)
            .map(|h| html::to_text(&h))
            .unwrap_or_default()
    };
    let text = if html_only {
        from_html()
    } else {
        // Every text part, in order: Apple Mail sends "text, image, text" when a picture is
        // pasted in the middle of the words.
        let plain = (0..msg.text_body.len())
            .filter(|&i| {
                msg.text_body
                    .get(i)
                    .and_then(|p| msg.parts.get(*p as usize))
                    .is_some_and(|p| matches!(p.body, PartType::Text(_)))
            })
            .filter_map(|i| part_text(&msg, i))
            .collect::<Vec<_>>()
            .join("\n");
        // Some clients send an empty text/plain beside the real HTML.
        if plain.trim().is_empty() {
            from_html()
        } else {
            plain
        }
    };
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.to_ascii_lowercase());
    let subject = msg.subject().map(str::to_owned);
    let mut visible = trim::visible_text(&text);
    // Some programs mark the quote only in the HTML part (a <blockquote>, Zoho's and Yahoo's
    // apps): the plain part then carries our reminder as if the client had written it. When
    // the HTML part's words without their quote are clearly fewer, they are the client's.
    let has_html = msg
        .html_body
        .first()
        .and_then(|i| msg.parts.get(*i as usize))
        .is_some_and(|p| matches!(p.body, PartType::Html(_)));
    if !html_only
        && has_html
        && let Some(html) = msg.body_html(0)
    {
        let from_html = trim::visible_text(&html::to_text(&html));
        if !from_html.trim().is_empty() && from_html.len() * 3 < visible.len() * 2 {
            visible = from_html;
        }
    }
    if let Some(words) = colleague_words(&text, from.as_deref(), subject.as_deref(), own)
        .or_else(|| attached_colleague_words(&msg, from.as_deref(), own))
    {
        visible = format!("{visible}\n\n{words}").trim().to_owned();
    }
    let class = classify::classify(
        &msg,
        from.as_deref(),
        subject.as_deref().unwrap_or(""),
        &text,
        &visible,
        own,
    );
    Some(ParsedMail {
        message_id: msg.message_id().map(str::to_owned),
        date: msg
            .date()
            .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single()),
        from,
        subject,
        references,
        text,
        visible,
        html_only,
        automatic: class.kind != Kind::Reply,
        bounce: class.kind == Kind::Bounce,
        class,
        attachments: msg
            .attachments()
            .map(|part| {
                use mail_parser::MimeHeaders as _;
                // A part without a name by its type («text/calendar», «image/png»).
                part.attachment_name().map_or_else(
                    || {
                        part.content_type().map_or_else(
                            || "sin nombre".to_owned(),
                            |ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")),
                        )
                    },
                    str::to_owned,
                )
            })
            .collect(),
        list: msg
            .header_raw("List-Id")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty()),
    })
}

/// The words of a message its writer forwards (the subject says so: "RV:", "Fwd:") from a
/// colleague, someone at the writer's own organisation and not us: "Les reenvío la respuesta
/// de nuestro gerente" above the manager's "la pagamos el día 25". They speak for the client
/// as much as the writer does; trimming would drop them as history. Their own quoted history
/// and signature go as usual. In a reply, what follows the writer's words is history (a
/// colleague's old promise quoted there is not a new one).
fn colleague_words(
    text: &str,
    from: Option<&str>,
    subject: Option<&str>,
    own: &[String],
) -> Option<String> {
    let from = from?;
    if super::subject::first_prefix(subject?) != Some(super::subject::Prefix::Forward) {
        return None;
    }
    let fwd = super::forward::first(text)?;
    let author = fwd.from.as_deref()?;
    let colleague = crate::domain::same_organisation(author, from)
        && !own.iter().any(|a| a.eq_ignore_ascii_case(author));
    let words = trim::visible_text(fwd.body);
    (colleague && !words.trim().is_empty()).then_some(words)
}

/// «Les reenvío la respuesta de nuestro gerente» with the manager's message attached whole
/// (message/rfc822, as Outlook forwards "as attachment"): the attached message's words, when a
/// colleague of the writer wrote it, as [`colleague_words`] reads an inline forward (mail27:
/// the manager's «No reconocemos esta factura» went unread, and the client was reminded).
fn attached_colleague_words(
    msg: &mail_parser::Message<'_>,
    from: Option<&str>,
    own: &[String],
) -> Option<String> {
    let from = from?;
    msg.parts.iter().find_map(|part| {
        let PartType::Message(inner) = &part.body else {
            return None;
        };
        let author = inner
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())?
            .to_ascii_lowercase();
        let colleague = crate::domain::same_organisation(&author, from)
            && !own.iter().any(|a| a.eq_ignore_ascii_case(&author));
        let text = inner
            .body_text(0)
            .map(|t| t.into_owned())
            .or_else(|| inner.body_html(0).map(|h| html::to_text(&h)))?;
        let words = trim::visible_text(&text);
        (colleague && !words.trim().is_empty()).then_some(words)
    })
}

/// Text part `index` of the body. One sent in 8 bits with no charset (old webmail, some
/// scanners' mailers) whose bytes are not UTF-8 is read as Windows-1252, the Latin-1 that
/// Spanish mail without a label is written in («Le pagaré mañana», not «Le pagar� ma�ana»).
fn part_text(msg: &mail_parser::Message<'_>, index: usize) -> Option<String> {
    use mail_parser::MimeHeaders as _;
    let text = msg.body_text(index)?;
    let part = msg
        .text_body
        .get(index)
        .and_then(|id| msg.parts.get(*id as usize))?;
    let unlabelled = part
        .content_type()
        .is_none_or(|ct| ct.attribute("charset").is_none());
    if text.contains('\u{FFFD}') && unlabelled && part.encoding == mail_parser::Encoding::None {
        let raw = msg
            .raw_message()
            .get(part.offset_body as usize..part.offset_end as usize)?;
        if std::str::from_utf8(raw).is_err() {
            let (latin, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(raw);
            return Some(latin.into_owned());
        }
    }
    Some(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &[u8] = b"From: Marta Gil <Marta@Ebro.example>\r\n\
To: cobros@reformasprado.example\r\n\
Subject: Re: Recordatorio: factura F2026-101\r\n\
Date: Tue, 24 Nov 2026 18:05:00 +0100\r\n\
Message-ID: <abc123@ebro.example>\r\n\
In-Reply-To: <cobrador.C001.early.F2026-101.1@reformasprado.example>\r\n\
References: <cobrador.C001.due.F2026-101.1@reformasprado.example> <cobrador.C001.early.F2026-101.1@reformasprado.example>\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 8bit\r\n\
\r\n\
Buenas tardes, le pago el viernes sin falta.\r\n\
\r\n\
El lun, 23 nov 2026 a las 11:00, Reformas Prado escribi\xc3\xb3:\r\n\
> Le recordamos que la factura vence el 1 de diciembre.\r\n";

    #[test]
    fn reads_threading_sender_date_and_text() {
        let m = parse(REPLY).unwrap();
        assert_eq!(m.message_id.as_deref(), Some("abc123@ebro.example"));
        assert_eq!(m.from.as_deref(), Some("marta@ebro.example"));
        assert_eq!(m.date.unwrap().to_rfc3339(), "2026-11-24T17:05:00+00:00");
        assert_eq!(
            m.references[0],
            "cobrador.C001.early.F2026-101.1@reformasprado.example"
        );
        assert_eq!(m.references.len(), 2);
        assert!(m.text.contains("le pago el viernes"));
        assert!(!m.automatic && !m.bounce);
    }

    #[test]
    fn a_colleagues_answer_forwarded_is_read_an_old_one_quoted_is_not() {
        let mail = |subject: &str| {
            format!(
                "From: Marta <marta@ortega.example>\r\nSubject: {subject}\r\n\r\n\
                 Os reenvio lo que dice Carlos.\r\n\r\n________________________________\r\n\
                 De: Carlos Ortega <carlos@ortega.example>\r\nEnviado: martes\r\n\
                 Para: Marta <marta@ortega.example>\r\nAsunto: RE: Factura F-1\r\n\r\n\
                 Marta, diles que la pagamos el viernes.\r\n"
            )
        };
        let fwd = parse(mail("RV: Factura F-1").as_bytes()).unwrap();
        assert_eq!(
            fwd.visible,
            "Os reenvio lo que dice Carlos.\n\nMarta, diles que la pagamos el viernes."
        );
        let reply = parse(mail("RE: Factura F-1").as_bytes()).unwrap();
        assert_eq!(reply.visible, "Os reenvio lo que dice Carlos.");
        // Our own message, forwarded by someone at our domain, is no client's colleague's.
        let ours =
            mail("RV: Factura F-1").replace("carlos@ortega.example", "cobros@ortega.example");
        let ours = parse_with(ours.as_bytes(), &["cobros@ortega.example".to_owned()]).unwrap();
        assert_eq!(ours.visible, "Os reenvio lo que dice Carlos.");
    }

    #[test]
    fn recognises_auto_replies_and_bounces() {
        let ooo = b"From: a@b.example\r\nAuto-Submitted: auto-replied\r\nSubject: Fuera de la oficina\r\n\r\nVuelvo el 30.\r\n";
        assert!(parse(ooo).unwrap().automatic);
        let dsn = b"From: MAILER-DAEMON@b.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--x--\r\n";
        let m = parse(dsn).unwrap();
        assert!(m.bounce && m.automatic);
        let human = b"From: a@b.example\r\nAuto-Submitted: no\r\n\r\nhola\r\n";
        assert!(!parse(human).unwrap().automatic);
    }

    /// The names of the files a reply came with (the owner's alert names them).
    #[test]
    fn names_the_attached_files() {
        let raw = b"From: a@b.example\r\nSubject: Re: Factura\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
            Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n--b\r\n\
            Content-Type: application/pdf; name=\"justificante.pdf\"\r\n\
            Content-Disposition: attachment; filename=\"justificante.pdf\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
        assert_eq!(parse(raw).unwrap().attachments, ["justificante.pdf"]);
        let unnamed = b"From: a@b.example\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
            Content-Type: text/plain\r\n\r\n\r\n--b\r\n\
            Content-Type: image/png\r\nContent-Disposition: attachment\r\n\
            Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n";
        assert_eq!(parse(unnamed).unwrap().attachments, ["image/png"]);
        assert!(
            parse(b"From: a@b.example\r\n\r\nhola\r\n")
                .unwrap()
                .attachments
                .is_empty()
        );
    }

    /// The mailing list a message came through (RFC 2919 `List-Id`).
    #[test]
    fn knows_the_mailing_list() {
        let raw = b"From: lista@pymes.example\r\nList-Id: Pymes-ES <pymes-es.pymes.example>\r\n\
            Precedence: list\r\n\r\nTemas del d\xc3\xada\r\n";
        assert_eq!(
            parse(raw).unwrap().list.as_deref(),
            Some("Pymes-ES <pymes-es.pymes.example>")
        );
        assert_eq!(
            parse(b"From: a@b.example\r\n\r\nhola\r\n").unwrap().list,
            None
        );
    }
}
