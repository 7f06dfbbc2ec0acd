//! Which client and which of our messages a received message is about.
//!
//! In order: In-Reply-To/References (and, for a bounce, the Message-ID of the returned copy)
//! against our outbox Message-IDs; then an invoice number in the subject or the text (Outlook
//! often drops In-Reply-To but keeps "RE: … F2026-101"); then the sender (or, for a bounce,
//! the failed recipient) among the contacts. Whether the sender is a known contact of the
//! matched client is reported separately: an unknown sender's words change nothing until a
//! person has read them.

use rusqlite::Connection;

use crate::domain::{Client, Contact, Invoice};
use crate::store::{self, OutboxMessage};

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
    /// Addresses (or Telegram chat ids) that identify the client: the sender, or a bounce's
    /// failed recipients.
    pub senders: Vec<&'a str>,
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
    let all_invoices = store::invoices::list(conn, None)?;
    let haystack = format!("{}\n{}", clues.subject, clues.text).to_lowercase();
    let mentioned: Vec<&Invoice> = all_invoices
        .iter()
        .filter(|i| mentions(&haystack, &i.number))
        .collect();
    let contacts = store::clients::all_contacts(conn)?;
    let by_sender = contacts
        .iter()
        .find(|c| clues.senders.iter().any(|s| is_contact(c, s)))
        .map(|c| c.client_id.clone());
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
    let mine: Vec<&Invoice> = all_invoices
        .iter()
        .filter(|i| i.client_id == client_id)
        .collect();
    let named: Vec<Invoice> = mentioned
        .iter()
        .filter(|i| i.client_id == client_id && !i.status.is_closed())
        .map(|i| (*i).clone())
        .collect();
    let open: Vec<Invoice> = mine
        .iter()
        .filter(|i| !i.status.is_closed())
        .map(|i| (*i).clone())
        .collect();
    let invoices = if !named.is_empty() {
        named
    } else if let Some(m) = &outbox {
        let threaded: Vec<Invoice> = open
            .iter()
            .filter(|i| m.message.invoices.iter().any(|(n, _)| *n == i.number))
            .cloned()
            .collect();
        if threaded.is_empty() { open } else { threaded }
    } else {
        open
    };
    let client_contacts = store::clients::for_client(conn, &client_id)?;
    let known_sender = clues.senders.iter().any(|s| is_known(&client_contacts, s));
    Ok(Some(Match {
        contacts: client_contacts,
        client,
        outbox,
        invoices,
        known_sender,
    }))
}

/// The match a person decided: this client, these invoices (or its open ones), this message.
pub fn for_client(
    conn: &Connection,
    client_id: &str,
    numbers: &[String],
    outbox_id: Option<i64>,
) -> anyhow::Result<Match> {
    let client = store::clients::get(conn, client_id)?
        .ok_or_else(|| anyhow::anyhow!("no client {client_id} (see `cobrador client list`)"))?;
    let open: Vec<Invoice> = store::invoices::list(conn, None)?
        .into_iter()
        .filter(|i| i.client_id == client_id && !i.status.is_closed())
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
    Ok(Match {
        contacts: store::clients::for_client(conn, client_id)?,
        client,
        outbox,
        invoices: if named.is_empty() { open } else { named },
        known_sender: true,
    })
}

fn is_contact(c: &Contact, sender: &str) -> bool {
    c.email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(sender))
        || c.telegram_chat_id.is_some_and(|t| t.to_string() == sender)
}

/// Mailbox providers anyone can sign up to: a shared domain there says nothing.
const PUBLIC_DOMAINS: [&str; 24] = [
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.es",
    "outlook.com",
    "outlook.es",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.es",
    "yahoo.com.mx",
    "ymail.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "gmx.com",
    "gmx.es",
    "proton.me",
    "protonmail.com",
    "telefonica.net",
    "movistar.es",
    "prodigy.net.mx",
    "terra.com",
    "zoho.com",
];

/// A contact of the client, or someone at the same organisation's own domain.
fn is_known(contacts: &[Contact], sender: &str) -> bool {
    if contacts.iter().any(|c| is_contact(c, sender)) {
        return true;
    }
    let Some((_, domain)) = sender.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_ascii_lowercase();
    !PUBLIC_DOMAINS.contains(&domain.as_str())
        && contacts.iter().any(|c| {
            c.email
                .as_deref()
                .and_then(|e| e.rsplit_once('@'))
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(&domain))
        })
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
        !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '/')
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn invoice_numbers_match_whole_words_only() {
        assert!(mentions("sobre la factura f-1, ya pagué", "F-1"));
        assert!(!mentions("sobre la factura f-10, ya pagué", "F-1"));
        assert!(mentions("re: f2026-101", "f2026-101"));
        assert!(!mentions("af2026-101", "F2026-101"));
    }
}
