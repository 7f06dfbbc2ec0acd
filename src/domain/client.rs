//! Clients (the businesses or people who owe) and their contacts.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// Whether the client is a business (Ley 3/2004 applies in Spain) or a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientKind {
    /// A business or a self-employed professional.
    B2b,
    /// A consumer.
    B2c,
}

impl ClientKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::B2b => "b2b",
            ClientKind::B2c => "b2c",
        }
    }
}

impl FromStr for ClientKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "b2b" | "empresa" | "business" | "autonomo" | "autónomo" => Ok(ClientKind::B2b),
            "b2c" | "particular" | "consumer" | "consumidor" => Ok(ClientKind::B2c),
            other => Err(format!("unknown client kind {other:?}: use b2b or b2c")),
        }
    }
}

/// A channel a message can travel by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Email over SMTP (or the file channel in the demo).
    Email,
    /// A linked Telegram chat.
    Telegram,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Telegram];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Telegram => "telegram",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "correo" | "mail" => Ok(Channel::Email),
            "telegram" => Ok(Channel::Telegram),
            other => Err(format!("unknown channel {other:?}: use email or telegram")),
        }
    }
}

/// What a contact does for the client; later stages may copy the finance manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactRole {
    /// Receives invoices and reminders.
    Billing,
    /// The client's finance manager, copied on later stages.
    Finance,
    /// Anyone else.
    Other,
}

impl ContactRole {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Billing => "billing",
            ContactRole::Finance => "finance",
            ContactRole::Other => "other",
        }
    }
}

impl FromStr for ContactRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "billing" | "facturacion" | "facturación" => Ok(ContactRole::Billing),
            "finance" | "finanzas" => Ok(ContactRole::Finance),
            "other" | "otro" => Ok(ContactRole::Other),
            other => Err(format!(
                "unknown contact role {other:?}: use billing, finance or other"
            )),
        }
    }
}

/// A client: who owes, where, and how to speak to them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Client {
    /// The owner's client code (stable across imports).
    pub id: String,
    /// The name used in greetings.
    pub name: String,
    /// Registered legal name, if different.
    pub legal_name: Option<String>,
    /// NIF/CIF, RFC, NIT, RUT, CUIT...
    pub tax_id: Option<String>,
    /// ISO 3166 alpha-2 country code, e.g. `ES`, `MX`.
    pub country: String,
    /// Region within the country (ES comunidad code such as `MD`), for holidays.
    pub region: Option<String>,
    /// IANA time zone for every calendar decision.
    #[serde(serialize_with = "serialize_tz")]
    pub time_zone: Tz,
    /// Business or consumer.
    pub kind: ClientKind,
    /// Explicit segment (`regular`, `new`, `late`); `None` = derived from history.
    pub segment: Option<String>,
    /// Language of the messages (`es`).
    pub language: String,
    /// Speak with tú instead of usted.
    pub tuteo: bool,
    /// Manual hold on every automatic reminder.
    pub on_hold: bool,
    /// Free notes from the owner.
    pub notes: Option<String>,
    /// A reply of the client's waits for a person's answer (a question, or words cobrador
    /// could not read): the automatic reminders wait too, until this instant or until the
    /// reply is reclassified. Set by cobrador, never by an import.
    pub awaiting_answer_until: Option<DateTime<Utc>>,
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// A person or chat at a client.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    /// Row id.
    pub id: i64,
    /// The client this contact belongs to.
    pub client_id: String,
    /// Name, when known (the salutation stays neutral otherwise).
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Linked Telegram chat id.
    pub telegram_chat_id: Option<i64>,
    /// Billing, finance or other.
    pub role: ContactRole,
    /// Preferred channel among those a stage allows.
    pub preferred_channel: Channel,
    /// The contact asked not to receive automatic reminders.
    pub opted_out: bool,
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

/// Two addresses at the same organisation's own domain (`ana@ebro.es`, `pagos@ebro.es`): never
/// at a mailbox provider anyone can sign up to, where a shared domain says nothing.
pub fn same_organisation(a: &str, b: &str) -> bool {
    let domain = |x: &str| {
        x.rsplit_once('@')
            .map(|(_, d)| d.trim().to_ascii_lowercase())
    };
    match (domain(a), domain(b)) {
        (Some(x), Some(y)) => x == y && !x.is_empty() && !PUBLIC_DOMAINS.contains(&x.as_str()),
        _ => false,
    }
}
