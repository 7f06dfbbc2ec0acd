//! Deep links that link a chat to a client's contact: `https://t.me/<bot>?start=<token>`.
//!
//! The token is 192 random bits from the operating system (hex, 48 characters: Telegram
//! allows up to 64 of `A-Za-z0-9_-` in a `start` parameter), usable once, and expiring after
//! `telegram.link-valid-hours`. The database keeps only its SHA-256.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::store::{self, Store};

/// A deep link just issued.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The client.
    pub client: String,
    /// The contact's email (or name) the chat will stand for.
    pub contact: String,
    /// `https://t.me/<bot>?start=<token>`.
    pub url: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
    /// A line the owner can paste into an email to the client.
    pub invitation: String,
}

/// The SHA-256 of a token, hex: what the database stores.
pub fn token_hash(token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot read random bytes from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Issues a one-time link for a client's contact (`contact_email`, default the billing one).
pub fn create_link(
    store: &mut Store,
    config: &Config,
    client_id: &str,
    contact_email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Link> {
    let tg = config
        .telegram
        .as_ref()
        .context("there is no [telegram] section in the configuration: add one with bot-username and token-env")?;
    let client = store::clients::get(store.conn(), client_id)?
        .with_context(|| format!("there is no client {client_id}: see `client list`"))?;
    let contacts = store::clients::for_client(store.conn(), client_id)?;
    let contact = match contact_email {
        Some(email) => contacts
            .iter()
            .find(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            })
            .with_context(|| format!("client {client_id} has no contact {email}"))?,
        None => match contacts.first() {
            Some(c) => c,
            None => bail!("client {client_id} has no contact: import one first"),
        },
    };
    let token = new_token()?;
    // Valid to the end of the day the invitation names, in the client's time zone: «válido
    // hasta el 3 de diciembre» includes the 3rd's afternoon (it expired at that morning's hour).
    let earliest = now + Duration::hours(i64::from(tg.link_valid_hours.max(1)));
    let last_day = earliest.with_timezone(&client.time_zone).date_naive();
    let expires_at = last_day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(client.time_zone).earliest())
        .map_or(earliest, |t| t.with_timezone(&Utc));
    store.transaction(|tx| {
        store::telegram::add_token(
            tx,
            &token_hash(&token),
            client_id,
            contact.id,
            now,
            expires_at,
        )?;
        store::events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::TelegramLinkIssued,
            Some(client_id),
            None,
            serde_json::json!({ "contact": contact.id, "expires_at": expires_at }),
        )
    })?;
    let url = format!(
        "https://t.me/{}?start={token}",
        tg.bot_username.trim_start_matches('@')
    );
    let tu = client.tuteo;
    let invitation = format!(
        "¿{} recibir los avisos por Telegram? {} este enlace: {url} (válido hasta el {}).",
        if tu { "Prefieres" } else { "Prefiere" },
        if tu { "Abre" } else { "Abra" },
        crate::render::dates::date_text(last_day),
    );
    Ok(Link {
        client: client_id.to_owned(),
        contact: contact
            .email
            .clone()
            .or_else(|| contact.name.clone())
            .unwrap_or_else(|| contact.id.to_string()),
        url,
        expires_at,
        invitation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_192_bit_hex_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 48);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
