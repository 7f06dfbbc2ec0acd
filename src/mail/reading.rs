//! What a person's email says: its visible words read by [`understand`], with two things only
//! the mail knows. The inbox ([`crate::engine::apply`]) and `parse-reply --eml` read alike
//! through here.
//!
//! - **Away, but answering.** A text that quotes the thread below its words was written in a
//!   person's mail program (automatic replies do not quote; see [`super::classify`]). When
//!   understand takes such words for an automatic reply because the writer says they are away
//!   ("Estoy fuera de la oficina esta semana, pero le hago la transferencia el viernes"), the
//!   away words are about the writer, not the invoice: they are set aside and the rest is read.
//!   It stands when it says something (a promise, a payment, a dispute, a question…); words
//!   about being away and nothing else stay an automatic reply's reading.
//! - **Answers in the subject.** With no words in the body, the words the writer put in the
//!   subject are read ([`super::subject::own_words`]): "Pagaré el 20 de marzo", "RE: Factura
//!   F-1: pago pendiente - YA PAGADO".
//! - **Our words are not theirs.** The thread's subject is ours ("Factura F-1: pago
//!   pendiente": "pago" is not the writer paying): neither a copy of it in the text ("your
//!   message about "Factura F-1: pago pendiente"…") nor a subject field quoted on a line of
//!   its own ("Asunto: …", as notices and pasted messages show it) is read.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::forward::SUBJECT_FIELDS;
use super::subject::{self, find_ignoring_case};
use super::trim;
use crate::understand::{Intent, Reading, understand};

/// A person's email, as far as its reading goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Words<'a> {
    /// The visible words: the text without quoted history and signature.
    pub visible: &'a str,
    /// The whole text (whether it quotes the thread is read from it).
    pub text: &'a str,
    /// The subject.
    pub subject: Option<&'a str>,
    /// The subject of our message it answers, when known.
    pub thread_subject: Option<&'a str>,
}

/// How many times away words are set aside before the reading is left as it is.
const AWAY_ROUNDS: usize = 3;

/// Reads a person's email received at `received_at` from a client in `tz`.
pub fn read(words: &Words<'_>, received_at: DateTime<Utc>, tz: Tz) -> Reading {
    let in_subject = words
        .subject
        .map_or("", |s| subject::own_words(s, words.thread_subject));
    let silent = !words.visible.chars().any(char::is_alphanumeric);
    let said = if silent && !in_subject.is_empty() {
        in_subject.to_owned()
    } else {
        without_our_subject(words)
    };
    let reading = understand(&said, received_at, tz);
    if reading.intent != Intent::AutoReply || !trim::quotes_history(words.text) {
        return reading;
    }
    past_away_words(reading, received_at, tz)
}

/// The visible words without the thread's subject (see the module doc): known, or the subject
/// behind an answer's prefix as the mail program copied it.
fn without_our_subject(words: &Words<'_>) -> String {
    let thread = words.thread_subject.or_else(|| {
        let s = words.subject?;
        subject::first_prefix(s).map(|_| subject::strip_prefixes(s))
    });
    let mut text: String = words
        .visible
        .lines()
        .filter(|l| {
            let l = trim::clean(l);
            !SUBJECT_FIELDS.iter().any(|f| l.starts_with(f))
        })
        .collect::<Vec<_>>()
        .join("\n");
    // Short subjects ("Hola", "Factura") are words anyone writes.
    if let Some(thread) = thread.filter(|t| t.chars().count() >= 12) {
        while let Some(at) = find_ignoring_case(&text, thread) {
            text.replace_range(at..at + thread.len(), " ");
        }
    }
    text
}

/// The reading of `first`'s text without the words that made it an automatic reply, when
/// what remains says something.
fn past_away_words(first: Reading, received_at: DateTime<Utc>, tz: Tz) -> Reading {
    let mut text = first.cleaned_text.clone();
    let mut reading = first.clone();
    for _ in 0..AWAY_ROUNDS {
        if reading.intent != Intent::AutoReply || reading.evidence.is_empty() {
            break;
        }
        for away in &reading.evidence {
            text = text.replace(away.as_str(), " ");
        }
        reading = understand(&text, received_at, tz);
    }
    if matches!(reading.intent, Intent::AutoReply | Intent::Other) {
        return first;
    }
    reading.also.push(Intent::AutoReply);
    reading.cleaned_text = first.cleaned_text;
    reading
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        "2026-03-10T10:00:00Z".parse().unwrap()
    }

    fn read_words(visible: &str, text: &str, subject: Option<&str>) -> Reading {
        let words = Words {
            visible,
            text,
            subject,
            thread_subject: None,
        };
        read(&words, at(), chrono_tz::Europe::Madrid)
    }

    #[test]
    fn a_person_away_who_promises_is_read_as_promising() {
        let said = "Estoy fuera de la oficina hasta el día 15; el 16 le hago la transferencia.";
        let quoted = format!("{said}\n\nEl lun, 9 mar 2026, Reformas Prado escribió:\n> Factura\n");
        let r = read_words(said, &quoted, None);
        assert_eq!(r.intent, Intent::Promise);
        assert_eq!(r.promised_date.unwrap().to_string(), "2026-03-16");
        assert_eq!(r.cleaned_text, said);
        // Without the quote too: an away notice never tells of a payment its writer makes
        // («le hago la transferencia»), a person does (two outside testers: typed in, or sent
        // from a phone without quoting, the promise was lost).
        assert_eq!(read_words(said, said, None).intent, Intent::Promise);
        // Away and nothing else: still an away notice.
        let away = "Estoy fuera de la oficina esta semana.";
        let quoted = format!("{away}\n\n> Factura\n");
        assert_eq!(read_words(away, &quoted, None).intent, Intent::AutoReply);
    }

    #[test]
    fn our_subject_quoted_is_not_the_writer_paying() {
        let notice = "Your message about \"Factura F-1: pago pendiente\" has been held.\n\n\
                      Asunto: Factura F-1: pago pendiente\n";
        let words = Words {
            visible: notice,
            text: notice,
            subject: Some("Re: Factura F-1: pago pendiente"),
            thread_subject: None,
        };
        let r = read(&words, at(), chrono_tz::Europe::Madrid);
        assert_ne!(r.intent, Intent::Promise, "{r:?}");
        let words = Words {
            thread_subject: Some("Factura F-1: pago pendiente"),
            subject: None,
            ..words
        };
        let r = read(&words, at(), chrono_tz::Europe::Madrid);
        assert_ne!(r.intent, Intent::Promise, "{r:?}");
    }

    #[test]
    fn an_empty_body_is_answered_by_the_subject() {
        let r = read_words("", "", Some("Pagaré el 20 de marzo"));
        assert_eq!(r.intent, Intent::Promise);
        assert_eq!(r.promised_date.unwrap().to_string(), "2026-03-20");
        let r = read_words("", "", Some("RE: Factura F-1: pago pendiente - YA PAGADO"));
        assert_eq!(r.intent, Intent::Paid);
        // Our own subject, answered with nothing, says nothing.
        let r = read_words("", "", Some("RE: Factura F-1: pago pendiente"));
        assert_eq!(r.intent, Intent::Other);
        // Words in the body are the answer; the subject is not read.
        let r = read_words("Gracias", "Gracias", Some("Pagaré el 20 de marzo"));
        assert_ne!(r.intent, Intent::Promise);
    }
}
