//! Which client and which of our messages a received message is about.
//!
//! In order: In-Reply-To/References (and, for a bounce, the Message-ID of the returned copy)
//! against our outbox Message-IDs; then an invoice number in the subject or the text (Outlook
//! often drops In-Reply-To but keeps "RE: … F2026-101"); then the sender (or, for a bounce,
//! the failed recipient) among the contacts. Whether the sender is a known contact of the
//! matched client is reported separately: an unknown sender's words change nothing until a
//! person has read them.

use rusqlite::Connection;

use crate::domain::{Client, Contact, Invoice, same_organisation};
use crate::store::{self, OutboxMessage};

mod naming;
pub(crate) use naming::{Described, by_place, the_others, what_for};

/// Who and what a message is about.
#[derive(Debug, Clone)]
pub struct Match {
    /// The client.
    pub client: Client,
    /// Its contacts (billing first).
    pub contacts: Vec<Contact>,
    /// The message of ours it answers, if threaded.
    pub outbox: Option<OutboxMessage>,
    /// The invoices it concerns.
    pub invoices: Vec<Invoice>,
    /// The sender is one of the client's contacts (or the same organisation's domain).
    pub known_sender: bool,
    /// Whose it is may be wrong: the words name another client's invoices and none of this
    /// client's («La F-136B sí la reconocemos», threaded to our reminder of F-135), or an
    /// unthreaded message naming no invoice comes from an address that is the contact of
    /// several clients (a gestoría's «Ya está pagado»). A person reads it, rather than applying
    /// it to one client's invoices.
    pub unsure_whose: bool,
}

impl Match {
    /// Why no automatic acknowledgement may answer this client, if one applies: an invoice the
    /// message is about was handed over to a person (the hand-over was sent: a person has the
    /// case, and no automatic message follows it), or the sender, or every contact, asked for
    /// no more messages. Receipts and plan confirmations skip opted-out contacts the same way.
    pub fn silenced(
        &self,
        conn: &Connection,
        sender: Option<&str>,
    ) -> anyhow::Result<Option<&'static str>> {
        let opted_out = |c: &Contact| c.opted_out;
        if (!self.contacts.is_empty() && self.contacts.iter().all(opted_out))
            || sender.is_some_and(|s| {
                self.contacts
                    .iter()
                    .any(|c| c.opted_out && is_contact(c, s))
            })
        {
            return Ok(Some("the client asked for no more messages"));
        }
        let handed_over = store::outbox::for_client(conn, &self.client.id)?
            .iter()
            .filter(|m| {
                m.message.stage == crate::domain::HANDOVER_STAGE
                    && m.status == store::OutboxStatus::Sent
            })
            .flat_map(|m| &m.message.invoices)
            .any(|(n, _)| self.invoices.iter().any(|i| &i.number == n));
        Ok(handed_over.then_some("handed over to a person: a person answers now"))
    }
}

/// What the matcher looks at.
#[derive(Debug, Clone, Default)]
pub struct Clues<'a> {
    /// Message-IDs this message refers to (threading headers, a bounce's returned copy).
    pub references: Vec<&'a str>,
    /// Subject and text to search for invoice numbers.
    pub subject: &'a str,
    /// The text.
    pub text: &'a str,
    /// What the person wrote (the text without what it quotes), when known: the invoices it
    /// is about are those it names, not those our quoted reminder lists.
    pub visible: Option<&'a str>,
    /// Addresses (or Telegram chat ids) that identify the client: the sender, or a bounce's
    /// failed recipients.
    pub senders: Vec<&'a str>,
    /// When the message was received.
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// It came through a mailing list (`List-Id`).
    pub via_list: bool,
}

/// Finds the client and the message; `None` if nothing ties it to a client.
pub fn find(conn: &Connection, clues: &Clues<'_>) -> anyhow::Result<Option<Match>> {
    let mut outbox = None;
    for r in clues.references.iter().rev() {
        // A reply to the owner's own digest is not a client's answer.
        if let Some(m) = store::outbox::by_message_id(conn, r)?
            .filter(|m| m.message.client_id != crate::domain::OWNER_CLIENT)
        {
            outbox = Some(m);
            break;
        }
    }
    let mentioned = named_in(conn, &format!("{}\n{}", clues.subject, clues.text))?;
    let by_sender = store::clients::first_for_senders(conn, &clues.senders)?.map(|c| c.client_id);
    let ours = outbox.is_some() || by_sender.is_some();
    if others_list_mail(conn, clues, ours, &mentioned)? {
        return Ok(None);
    }
    let client_id = if let Some(m) = &outbox {
        m.message.client_id.clone()
    } else if let Some(id) = by_sender.clone().filter(|id| {
        // The sender's client, when the text names several clients' invoices.
        mentioned.iter().any(|i| i.client_id == *id)
    }) {
        id
    } else if let Some(first) = mentioned.first() {
        first.client_id.clone()
    } else if let Some(id) = by_sender {
        id
    } else {
        return Ok(None);
    };
    let Some(client) = store::clients::get(conn, &client_id)? else {
        return Ok(None);
    };
    let open: Vec<Invoice> = store::invoices::list(conn, Some(&client_id))?
        .into_iter()
        .filter(|i| !i.status.is_closed())
        .collect();
    let quoted: Vec<Invoice> = mentioned
        .into_iter()
        .filter(|i| i.client_id == client_id && !i.status.is_closed())
        .collect();
    let (named, words) = match clues.visible {
        Some(visible) => {
            // A threaded reply's subject is ours («Re: Recordatorio … F-1, F-3»).
            let words = match &outbox {
                Some(_) => visible.to_lowercase(),
                None => format!(
                    "{}
{}",
                    clues.subject, visible
                )
                .to_lowercase(),
            };
            let numbers: Vec<&str> = open.iter().map(|i| i.number.as_str()).collect();
            let named: Vec<Invoice> = open
                .iter()
                .filter(|i| {
                    mentions(&words, &i.number) || by_short_form(&words, &i.number, &numbers)
                })
                .cloned()
                .collect();
            // And by what they were for («la 0042 de mantenimiento ya se pagó … la visita
            // técnica no procede»).
            let mut named = named;
            for described in by_description(&words, &open) {
                if !named.iter().any(|n| n.number == described.number) {
                    named.push(described);
                }
            }
            // Not threaded and naming none itself: the invoices of what it quotes.
            match named.is_empty() && outbox.is_none() {
                true => (quoted, words),
                false => (named, words),
            }
        }
        None => (quoted, clues.text.to_lowercase()),
    };
    let unsure_whose =
        named.is_empty() && unsure_whose(conn, clues, outbox.is_some(), &client_id, &words)?;
    // «La A-101 ya la pagamos y las demás se las pago el viernes»: every open one.
    let others_too = !named.is_empty() && speaks_of_the_others(&words, clues.received_at);
    let invoices = if others_too {
        open
    } else if !named.is_empty() {
        named
    } else {
        answered(conn, &client, open, outbox.as_ref(), clues.received_at)?
    };
    let client_contacts = store::clients::for_client(conn, &client_id)?;
    let known_sender = clues.senders.iter().any(|s| is_known(&client_contacts, s));
    Ok(Some(Match {
        contacts: client_contacts,
        client,
        outbox,
        invoices,
        known_sender,
        unsure_whose,
    }))
}

/// Whether a message came through a mailing list, is not `ours` (in one of our threads, or
/// from a contact), and none of its senders is at the own domain of a client whose invoice it
/// names (someone at the client's, writing through the client's own group): the list's mail,
/// whose invoice numbers are other people's words, never a client's answer.
fn others_list_mail(
    conn: &Connection,
    clues: &Clues<'_>,
    ours: bool,
    mentioned: &[Invoice],
) -> anyhow::Result<bool> {
    if !clues.via_list || ours {
        return Ok(false);
    }
    for client in mentioned.iter().map(|i| &i.client_id) {
        let contacts = store::clients::for_client(conn, client)?;
        if clues.senders.iter().any(|s| is_known(&contacts, s)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// [`Match::unsure_whose`] of a message that names none of `client_id`'s invoices (`words`: its
/// own words, lower case): threaded, it names another client's; unthreaded, its sender is the
/// contact of several clients.
fn unsure_whose(
    conn: &Connection,
    clues: &Clues<'_>,
    threaded: bool,
    client_id: &str,
    words: &str,
) -> anyhow::Result<bool> {
    Ok(if clues.visible.is_some() && threaded {
        named_in(conn, words)?
            .iter()
            .any(|i| i.client_id != client_id)
    } else {
        !threaded && store::clients::clients_of_senders(conn, &clues.senders)?.len() > 1
    })
}

/// The open invoices an answer that names none is about: those of the message it answers
/// (`outbox`; none when they have all been paid since), else [`asked_about`].
fn answered(
    conn: &Connection,
    client: &Client,
    open: Vec<Invoice>,
    outbox: Option<&OutboxMessage>,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Invoice>> {
    let threaded: Vec<Invoice> = open
        .iter()
        .filter(|i| outbox.is_some_and(|m| m.message.invoices.iter().any(|(n, _)| *n == i.number)))
        .cloned()
        .collect();
    // A reminder whose invoices have all been paid since: the answer is about them, not about
    // another invoice it never named (a promise was pinned on an invoice not yet due, and the
    // client was told so). An answer to a receipt or an acknowledgement («la otra se la pago
    // el viernes») is about what is still open.
    let settled = outbox.is_some_and(|m| {
        !m.message.invoices.is_empty() && crate::engine::receipts::is_reminder(&m.message.stage)
    });
    match (threaded.is_empty(), settled) {
        (false, _) => Ok(threaded),
        (true, true) => Ok(Vec::new()),
        (true, false) => asked_about(conn, client, open, at),
    }
}

/// The open invoices an answer that names none is about: those already due, and those a
/// message of ours told the client about; all open ones when that leaves none. «Les pago el
/// viernes» said after a reminder of F-102 is not a promise about F-103, due next month and
/// never mentioned (it broke when F-102 alone was paid on the day).
fn asked_about(
    conn: &Connection,
    client: &Client,
    open: Vec<Invoice>,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Invoice>> {
    let today = at.with_timezone(&client.time_zone).date_naive();
    let told = store::outbox::for_client(conn, &client.id)?;
    let told = |number: &str| {
        told.iter().any(|m| {
            m.status == crate::domain::OutboxStatus::Sent
                && !crate::domain::is_owner_facing(&m.message.stage)
                && m.message.invoices.iter().any(|(n, _)| n == number)
        })
    };
    let asked: Vec<Invoice> = open
        .iter()
        .filter(|i| i.due_date < today || told(&i.number))
        .cloned()
        .collect();
    Ok(if asked.is_empty() { open } else { asked })
}

/// «La 115 la pagamos el viernes», «la b7»: an invoice named by a short form of its number,
/// when no other of `numbers` has the same: the digits its number ends with (leading zeros or
/// not: «la 42», «la 0042» for FAC-2026-0042) after «la», «factura», «nº», its prefix («FAC
/// 0057», «fac-0057»)…; or the number written without its separators («b7», «B12» for B-7,
/// B-12). `text` is lower case.
pub(crate) fn by_short_form(text: &str, number: &str, numbers: &[&str]) -> bool {
    let digits = |n: &str| -> String {
        let tail: String = n.chars().rev().take_while(char::is_ascii_digit).collect();
        tail.chars()
            .rev()
            .collect::<String>()
            .trim_start_matches('0')
            .to_owned()
    };
    let compact = |n: &str| -> String {
        n.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == 'º' || c == '°' || c == '#'))
        .filter(|w| !w.is_empty())
        .collect();
    let mine = compact(number);
    // «b7»: letters and digits together, as no other invoice writes them.
    if mine.chars().any(char::is_alphabetic)
        && numbers.iter().filter(|n| compact(n) == mine).count() == 1
        && words.contains(&mine.as_str())
    {
        return true;
    }
    let mine = digits(number);
    if mine.len() < 2 || numbers.iter().filter(|n| digits(n) == mine).count() > 1 {
        return false;
    }
    let prefix: String = number
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    words.windows(2).any(|w| {
        (matches!(
            w[0],
            "la" | "las"
                | "factura"
                | "facturas"
                | "fra"
                | "nº"
                | "n°"
                | "#"
                | "numero"
                | "número"
                | "y"
        ) || (!prefix.is_empty() && w[0] == prefix))
            && w[1].trim_start_matches('0') == mine
    })
}

/// «La del hosting ya te la transferí», «lo de la persiana te lo pago el viernes»: the open
/// invoices a reply names by what they were for. A word of an invoice's description ([`what_for`])
/// names it; nothing is named when the reply speaks of several («las dos», «todas», «la
/// mayoría») or says a word that several descriptions share («el transporte» of two transport
/// invoices). `text` is lower case.
fn by_description(text: &str, open: &[Invoice]) -> Vec<Invoice> {
    const SEVERAL: [&str; 14] = [
        "las dos",
        "los dos",
        "ambas",
        "todas",
        "todos",
        "las tres",
        "la mayoria",
        "el resto",
        "las demas",
        "los demas",
        "cada una",
        "una de",
        "alguna",
        "otra",
    ];
    let text = crate::understand::fold_str(text);
    // «El resto del hosting» is what is left of one invoice, not the other invoices.
    let text_of_several = text
        .replace("el resto del ", "lo que falta del ")
        .replace("el resto de la ", "lo que falta de la ");
    if SEVERAL.iter().any(|s| text_of_several.contains(s)) {
        return Vec::new();
    }
    if naming::says_a_shared_name(&text, open) {
        return Vec::new();
    }
    open.iter()
        .zip(what_for(open))
        .filter(|(_, d)| d.said_in(&text))
        .map(|(i, _)| i.clone())
        .collect()
}

/// Whether a reply speaks of "the other" invoices beside those it names
/// ([`naming::the_others`]), or of all but the one it names («Están todas pagadas menos la
/// F-11»), or of «el resto» after one paid in full («La F-12 ya se abonó. El resto lo incluimos
/// en el pago del 5»; the client's time zone is not known yet: UTC, for a reading of what is
/// paid).
fn speaks_of_the_others(text: &str, received_at: chrono::DateTime<chrono::Utc>) -> bool {
    const ALL_BUT: [&str; 6] = [
        "todas menos",
        "todas excepto",
        "todas salvo",
        "pagadas menos",
        "pagadas excepto",
        "pagadas salvo",
    ];
    naming::the_others(text).is_some()
        || ALL_BUT.iter().any(|o| text.contains(o))
        // «La A-101 ya está pagada y la segunda se la pago el lunes»: one named by its place.
        || !naming::by_place(text, usize::MAX).is_empty()
        || crate::understand::the_rest_after_paid(text, received_at, chrono_tz::UTC)
}

/// The match a person decided: this client, these invoices (or, naming none, those of the
/// message answered, else those it was asked about, see [`asked_about`]), this message;
/// `at` is when the client spoke.
pub fn for_client(
    conn: &Connection,
    client_id: &str,
    numbers: &[String],
    outbox_id: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Match> {
    let client = store::clients::get(conn, client_id)?
        .ok_or_else(|| anyhow::anyhow!("no client {client_id} (see `cobrador client list`)"))?;
    let open: Vec<Invoice> = store::invoices::list(conn, Some(client_id))?
        .into_iter()
        .filter(|i| !i.status.is_closed())
        .collect();
    let named: Vec<Invoice> = open
        .iter()
        .filter(|i| numbers.contains(&i.number))
        .cloned()
        .collect();
    let outbox = match outbox_id {
        Some(id) => store::outbox::get(conn, id)?,
        None => None,
    };
    let invoices = if named.is_empty() {
        answered(conn, &client, open, outbox.as_ref(), at)?
    } else {
        named
    };
    Ok(Match {
        contacts: store::clients::for_client(conn, client_id)?,
        client,
        outbox,
        invoices,
        known_sender: true,
        unsure_whose: false,
    })
}

/// Whether `sender` (an address or a Telegram chat id) is contact `c`'s.
pub(crate) fn is_contact(c: &Contact, sender: &str) -> bool {
    c.email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(sender))
        || c.telegram_chat_id.is_some_and(|t| t.to_string() == sender)
}

/// A contact of the client, or someone at the same organisation's own domain.
fn is_known(contacts: &[Contact], sender: &str) -> bool {
    if contacts.iter().any(|c| is_contact(c, sender)) {
        return true;
    }
    contacts.iter().any(|c| {
        c.email
            .as_deref()
            .is_some_and(|e| same_organisation(e, sender))
    })
}

/// The longest invoice number looked for in a text, in bytes.
const LONGEST_NUMBER: usize = 64;

/// The invoices `text` names as whole words ([`mentions`], in any case), by due date and number.
///
/// Looked up by index: every stretch of the text that could be a whole-word mention (it starts
/// and ends where [`mentions`] sees a word's edge, holds no line break and at most three
/// spaces, and is at most [`LONGEST_NUMBER`] bytes long) is asked for as the text spells it,
/// in small letters and in capitals; the index compares ASCII letters in any case, other
/// letters as they are. So every number is found as reading every invoice of the book found
/// it, except one that mixes small and capital non-ASCII letters (`Ññ-1`): found only when the
/// text writes it as stored.
pub fn named_in(conn: &Connection, text: &str) -> anyhow::Result<Vec<Invoice>> {
    let (lower, upper) = (text.to_lowercase(), text.to_uppercase());
    let mut candidates = std::collections::BTreeSet::new();
    for spelling in [text, &lower, &upper] {
        candidate_numbers(spelling, &mut candidates);
    }
    Ok(store::invoices::numbered_any_case(conn, candidates)?
        .into_iter()
        .filter(|i| mentions(&lower, &i.number))
        .collect())
}

/// Adds to `out` every stretch of `text` that [`named_in`] looks up.
fn candidate_numbers<'t>(text: &'t str, out: &mut std::collections::BTreeSet<&'t str>) {
    let edge = |c: Option<char>| !c.is_some_and(inner);
    let starts = text
        .char_indices()
        .filter(|&(i, c)| !c.is_whitespace() && edge(text[..i].chars().next_back()))
        .map(|(i, _)| i);
    for start in starts {
        let mut spaces = 0;
        for (offset, c) in text[start..].char_indices() {
            let end = start + offset + c.len_utf8();
            if end - start > LONGEST_NUMBER || c == '\n' || c == '\r' {
                break;
            }
            if c.is_whitespace() {
                spaces += 1;
                if spaces > 3 {
                    break;
                }
                continue;
            }
            if edge(text[end..].chars().next()) {
                out.insert(&text[start..end]);
            }
        }
    }
}

/// A character that continues an invoice number's word: F-1 is not F-10, nor F-1/2.
fn inner(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '/'
}

/// Whether lower-cased `text` names invoice `number` as a whole word (F-1 is not F-10).
pub fn mentions(text: &str, number: &str) -> bool {
    let needle = number.to_lowercase();
    if needle.is_empty() {
        return false;
    }
    text.match_indices(&needle).any(|(pos, _)| {
        let before = text[..pos].chars().next_back();
        let after = text[pos + needle.len()..].chars().next();
        !before.is_some_and(inner) && !after.is_some_and(inner)
    })
}

#[cfg(test)]
mod tests {
    use super::{is_contact, mentions, named_in};
    use crate::store::Store;

    #[test]
    fn invoice_numbers_match_whole_words_only() {
        assert!(mentions("sobre la factura f-1, ya pagué", "F-1"));
        assert!(!mentions("sobre la factura f-10, ya pagué", "F-1"));
        assert!(mentions("re: f2026-101", "f2026-101"));
        assert!(!mentions("af2026-101", "F2026-101"));
    }

    /// A book with numbers of every shape: the index lookup finds what reading every invoice
    /// and keeping those [`mentions`] names found, on thousands of texts built from them.
    fn book(numbers: &[&str]) -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute_batch(
                "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
                 VALUES ('A', 'Ana', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x'),
                        ('B', 'Beto', 'MX', 'America/Mexico_City', 'b2b', 'x', 'x');",
            )
            .unwrap();
        for (i, n) in numbers.iter().enumerate() {
            store
                .conn()
                .execute(
                    "INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount,
                                           created_at, updated_at)
                     VALUES (?1, ?2, '2026-10-01', ?3, 'EUR', '100', 'x', 'x')",
                    rusqlite::params![
                        n,
                        if i % 2 == 0 { "A" } else { "B" },
                        format!("2026-11-{:02}", 28 - i % 27)
                    ],
                )
                .unwrap();
        }
        store
    }

    const NUMBERS: [&str; 14] = [
        "F-1",
        "F-10",
        "F-1/2",
        "f2026-101",
        "F2026-101B",
        "FAC 2026 001",
        "2026/7",
        "7",
        "A.B-3",
        "FÑ-7",
        "Fra-12",
        "#44",
        "X_9",
        "12345678901234567890",
    ];

    fn numbers_of(found: Vec<crate::domain::Invoice>) -> Vec<String> {
        found.into_iter().map(|i| i.number).collect()
    }

    #[test]
    fn numbers_are_found_by_index_as_whole_words_in_any_ascii_case() {
        let store = book(&NUMBERS);
        let conn = store.conn();
        let named = |t: &str| {
            let mut n = numbers_of(named_in(conn, t).unwrap());
            n.sort();
            n
        };
        assert_eq!(named("Sobre la factura F-1, ya pagué"), ["F-1"]);
        assert_eq!(named("RE: f-10 y F-1/2"), ["F-1/2", "F-10"]);
        assert_eq!(
            named("re: F2026-101 (no la F2026-101b)"),
            ["F2026-101B", "f2026-101"]
        );
        assert_eq!(named("Pagada la FAC 2026 001."), ["FAC 2026 001"]);
        assert_eq!(named("fra-12 y FRA-12"), ["Fra-12"]);
        assert_eq!(named("la Fñ-7, la fñ-7"), ["FÑ-7"]);
        assert_eq!(named("la FÑ-7"), ["FÑ-7"]);
        assert_eq!(named("af-1 f-1x 2026/7/1 #44"), ["#44"]);
        assert!(named("nada que ver").is_empty());
    }

    #[test]
    fn the_index_lookup_finds_what_reading_every_invoice_found() {
        let store = book(&NUMBERS);
        let conn = store.conn();
        let all = crate::store::invoices::list(conn, None).unwrap();
        let words = [
            "F-1",
            "f-10",
            "F-1/2",
            "F2026-101",
            "f2026-101b",
            "FAC",
            "2026",
            "001",
            "7",
            "a.b-3",
            "fñ-7",
            "FRA-12",
            "#44",
            "x_9",
            "12345678901234567890",
            "pago",
            ",",
            ".",
            "/",
            "-",
            " ",
            "  ",
            "\n",
            "ya",
            "é",
            "Ñ",
        ];
        let mut rng = fastrand::Rng::with_seed(17);
        for _ in 0..3000 {
            let text: String = (0..rng.usize(1..9))
                .map(|_| words[rng.usize(..words.len())])
                .collect::<Vec<_>>()
                .join(if rng.bool() { " " } else { "" });
            let lower = text.to_lowercase();
            let by_reading: Vec<String> = all
                .iter()
                .filter(|i| mentions(&lower, &i.number))
                .map(|i| i.number.clone())
                .collect();
            assert_eq!(
                numbers_of(named_in(conn, &text).unwrap()),
                by_reading,
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_sender_is_found_by_index_as_reading_every_contact_found_it() {
        let store = book(&[]);
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
             VALUES ('C', 'Carla', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
             INSERT INTO contacts (client_id, email, telegram_chat_id, role, position) VALUES
               ('B', 'pagos@beto.mx', NULL, 'other', 0),
               ('B', 'Ana@Shared.example', 77, 'finance', 1),
               ('A', 'ana@shared.example', NULL, 'other', 0),
               ('A', 'jefe@ana.es', 12, 'billing', 3),
               ('A', NULL, 77, 'billing', 2),
               ('C', 'PAGOS@BETO.MX', 5, 'billing', 0);",
        )
        .unwrap();
        let all = crate::store::clients::all_contacts(conn).unwrap();
        let senders = [
            "pagos@beto.mx",
            "ANA@shared.example",
            "77",
            "12",
            "012",
            "+12",
            "5",
            "nadie@x.es",
            "jefe@ANA.es",
            "",
        ];
        for a in senders {
            for b in senders {
                let pair = [a, b];
                let by_reading = all.iter().find(|c| pair.iter().any(|s| is_contact(c, s)));
                let by_index = crate::store::clients::first_for_senders(conn, &pair).unwrap();
                assert_eq!(by_index.map(|c| c.id), by_reading.map(|c| c.id), "{pair:?}");
            }
        }
    }
}
