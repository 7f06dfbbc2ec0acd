//! Outbox messages as the planner and the channels see them; the store keeps them durable
//! (`store::outbox`), the sender moves them through their states.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Channel;

/// Whether a message of this stage (or kind) goes to the business owner — a hand-over, an
/// alert, the morning digest — rather than to a client. Owner messages are never held by a
/// client's contact window and never count against a client's gaps and caps. The one place
/// that decides it.
pub fn is_owner_facing(stage: &str) -> bool {
    matches!(stage, HANDOVER_STAGE | "digest") || stage.starts_with("owner")
}

/// The ladder stage that hands a client over to the owner. Configuration requires the stage
/// marked `handover = true` to carry this name, so that "is this message for the owner?" can be
/// answered from the stage name alone wherever a message travels.
pub const HANDOVER_STAGE: &str = "handover";

/// Whether `name` is one of the message kinds cobrador sends outside the ladder (an
/// acknowledgement, an owner alert, the digest, a receipt, a plan's confirmation or
/// instalment). A ladder stage may not take one of these names: the sender, the contact windows
/// and the receipts tell messages apart by them.
pub fn is_reserved_kind(name: &str) -> bool {
    matches!(
        name,
        "digest" | "receipt" | "plan_confirmation" | "instalment"
    ) || name.starts_with("ack_")
        || name.starts_with("owner")
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    /// Waiting for its send time.
    Queued,
    /// Handed to a channel; not yet confirmed.
    Sending,
    /// Accepted by the server.
    Sent,
    /// A transient failure; retried at `retry_at`.
    Failed,
    /// A permanent failure; never retried, the owner is told.
    Dead,
    /// Interrupted after hand-over: may or may not have gone out. Never resent blindly.
    Uncertain,
    /// Withdrawn before sending (the invoice was paid, a dispute arrived...).
    Cancelled,
}

impl OutboxStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Dead => "dead",
            OutboxStatus::Uncertain => "uncertain",
            OutboxStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for OutboxStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "queued" => OutboxStatus::Queued,
            "sending" => OutboxStatus::Sending,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            "dead" => OutboxStatus::Dead,
            "uncertain" => OutboxStatus::Uncertain,
            "cancelled" => OutboxStatus::Cancelled,
            other => return Err(format!("unknown outbox status {other:?}")),
        })
    }
}

/// A message to queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewOutboxMessage {
    /// `client|stage|cycle`: the idempotency key.
    pub dedup_key: String,
    /// Recipient client.
    pub client_id: String,
    /// Stage or message kind (`early`, `ack_promise`...).
    pub stage: String,
    /// The dunning cycle (see the planner).
    pub cycle: String,
    /// Channel.
    pub channel: Channel,
    /// Addresses or chat ids.
    pub recipients: Vec<String>,
    /// Copies (finance managers on later stages).
    pub cc: Vec<String>,
    /// Email subject.
    pub subject: Option<String>,
    /// Plain text (or Telegram HTML).
    pub body_text: String,
    /// HTML alternative.
    pub body_html: Option<String>,
    /// A file to attach.
    pub attachment: Option<String>,
    /// Our Message-ID, with angle brackets.
    pub message_id: Option<String>,
    /// Threading.
    pub in_reply_to: Option<String>,
    /// Threading (space separated).
    pub references: Option<String>,
    /// Earliest send instant.
    pub send_at: DateTime<Utc>,
    /// Invoices covered, with whether each reached this stage (`false` = "also pending").
    pub invoices: Vec<(String, bool)>,
}

/// A message in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxMessage {
    /// Row id.
    pub id: i64,
    /// The message as queued.
    #[serde(flatten)]
    pub message: NewOutboxMessage,
    /// State.
    pub status: OutboxStatus,
    /// Attempts so far.
    pub attempts: i64,
    /// When a failed message is retried.
    pub retry_at: Option<DateTime<Utc>>,
    /// The last error seen.
    pub last_error: Option<String>,
    /// When the server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// Telegram's id for the sent message (to match replies).
    pub telegram_message_id: Option<i64>,
}
