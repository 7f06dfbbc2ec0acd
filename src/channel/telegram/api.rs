//! The Bot API methods cobrador calls, and the parts of its objects it reads
//! (<https://core.telegram.org/bots/api>).
//!
//! Every call is `POST {api-url}/bot{token}/{method}` with a JSON body; every answer is
//! `{"ok": true, "result": ...}` or `{"ok": false, "error_code": N, "description": "...",
//! "parameters": {"retry_after": S}}`. Unknown fields are ignored, so newer servers keep
//! working.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::http::{Endpoint, HttpError};
use super::pace::Pacer;
use crate::config;

/// Why a Bot API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The HTTP exchange failed (network, TLS, timeout): transient.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The Bot API answered `ok: false`.
    #[error("the Bot API refused {method}: {code} {description}{hint}", hint = refused_hint(*code))]
    Refused {
        /// The method called.
        method: &'static str,
        /// `error_code` (400, 401, 403, 409, 429...).
        code: i64,
        /// `description`.
        description: String,
        /// `parameters.retry_after`, with 429.
        retry_after: Option<u64>,
        /// `parameters.migrate_to_chat_id`: the group became this supergroup.
        migrate_to: Option<i64>,
    },
    /// Not sent: an earlier 429 holds the chat for longer than this send may wait in place.
    #[error("not sent: Telegram asked to wait before sending again ({secs} s left)")]
    Paused {
        /// Seconds left of the pause.
        secs: u64,
    },
    /// The answer was not the documented JSON.
    #[error("the Bot API answered {method} with something unexpected: {detail}")]
    Decode {
        /// The method called.
        method: &'static str,
        /// The HTTP status it came with (0: the request was never sent).
        status: u16,
        /// What was wrong.
        detail: String,
    },
}

/// What the owner can do about a refusal that lasts until someone changes something.
fn refused_hint(code: i64) -> &'static str {
    match code {
        401 | 404 => {
            " (the token was revoked or mistyped: get the bot's token from @BotFather, /mybots → \
             API Token, and put it in the variable `telegram.token-env` names, \
             COBRADOR_TELEGRAM_TOKEN by default)"
        }
        _ => "",
    }
}

impl ApiError {
    /// Seconds to wait, for a 429.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::Refused {
                code: 429,
                retry_after,
                ..
            } => Some(retry_after.unwrap_or(1)),
            ApiError::Paused { secs } => Some(*secs),
            _ => None,
        }
    }

    /// The user blocked the bot, deleted their account (403), or the chat is gone or was
    /// never this bot's (400 "chat not found"): nothing sent there will arrive.
    pub fn is_blocked(&self) -> bool {
        match self {
            ApiError::Refused { code: 403, .. } => true,
            ApiError::Refused {
                code: 400,
                description,
                ..
            } => {
                let d = description.to_lowercase();
                d.contains("chat not found") || d.contains("peer_id_invalid")
            }
            _ => false,
        }
    }

    /// The group became a supergroup: its new id (400 with `migrate_to_chat_id`).
    pub fn migrated_to(&self) -> Option<i64> {
        match self {
            ApiError::Refused { migrate_to, .. } => *migrate_to,
            _ => None,
        }
    }

    /// Telegram refused an edit that would change nothing ("message is not modified"): the
    /// message already is as asked (a second tap removed buttons the first had removed).
    pub fn is_unchanged(&self) -> bool {
        matches!(self, ApiError::Refused { code: 400, description, .. }
            if description.contains("message is not modified"))
    }

    /// The request went out but its answer was lost, or came back 2xx in a shape the Bot API
    /// does not give (a proxy's page, `ok: true` without the message): the message may have
    /// been delivered.
    pub fn maybe_delivered(&self) -> bool {
        matches!(
            self,
            ApiError::Http(HttpError::NoAnswer { .. } | HttpError::Malformed { .. })
                | ApiError::Decode {
                    status: 200..=299,
                    ..
                }
        )
    }

    /// Worth trying again later: network trouble, 429, 5xx, a 409 polling conflict, or a
    /// wrong token or `api-url` (401, 404): a setting to fix, not a reason to drop messages.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Http(_) | ApiError::Paused { .. } => true,
            ApiError::Refused { code, .. } => matches!(code, 401 | 404 | 409 | 429) || *code >= 500,
            ApiError::Decode { .. } => false,
        }
    }
}

/// A Telegram user (the parts read).
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// User id.
    pub id: i64,
    /// First name.
    #[serde(default)]
    pub first_name: String,
    /// `@username` without the `@`.
    pub username: Option<String>,
}

/// A chat.
#[derive(Debug, Clone, Deserialize)]
pub struct Chat {
    /// Chat id (for a private chat, the user's id).
    pub id: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The other party's username, in private chats.
    pub username: Option<String>,
}

/// A message (or, inside a callback query, an inaccessible message with `date` 0).
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    /// Id within the chat.
    pub message_id: i64,
    /// Unix time it was sent (0 for an inaccessible message).
    #[serde(default)]
    pub date: i64,
    /// Where it was sent.
    pub chat: Chat,
    /// Who sent it.
    pub from: Option<User>,
    /// Text, for text messages.
    pub text: Option<String>,
    /// The words under a photo or a file.
    pub caption: Option<String>,
    /// A photo (its sizes; only whether there is one is read).
    pub photo: Option<Value>,
    /// A file (a PDF receipt, say).
    pub document: Option<Document>,
    /// The message this one replies to.
    pub reply_to_message: Option<Box<Message>>,
    /// Unix time of the last edit, in an edited message.
    pub edit_date: Option<i64>,
    /// Every other field, by name (a sticker, a voice note, a pinned message...): what kind
    /// of message it is, for [`Message::is_service`].
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// The fields of a `Message` that carry what a person sent ("Message is a photo...", in the
/// Bot API's words), besides the text, caption, photo and document read above.
const CONTENT: &[&str] = &[
    "animation",
    "audio",
    "paid_media",
    "sticker",
    "story",
    "video",
    "video_note",
    "voice",
    "checklist",
    "contact",
    "dice",
    "game",
    "poll",
    "venue",
    "location",
    "invoice",
    "giveaway",
    "giveaway_winners",
];

impl Message {
    /// A message forwarded from someone else (`forward_origin`, Bot API 7.0; `forward_date`
    /// before it): not the sender's own words.
    pub fn is_forwarded(&self) -> bool {
        self.other.contains_key("forward_origin") || self.other.contains_key("forward_date")
    }

    /// A service message: Telegram's own note in the chat (a message pinned, a member joined
    /// or left, a new chat title or photo, an auto-delete timer, a chat background...), not
    /// something a person wrote or sent. Told by what it lacks: no text, no caption and none
    /// of the content fields, so that service messages added to the Bot API later are
    /// recognised too.
    pub fn is_service(&self) -> bool {
        self.text.is_none()
            && self.caption.is_none()
            && self.photo.is_none()
            && self.document.is_none()
            && !CONTENT.iter().any(|k| self.other.contains_key(*k))
    }
}

/// What `getWebhookInfo` says (the parts read).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookInfo {
    /// The webhook's URL; empty when none is set (then `getUpdates` works).
    #[serde(default)]
    pub url: String,
    /// Updates waiting to be delivered.
    #[serde(default)]
    pub pending_update_count: i64,
    /// The last error delivering to the webhook, if any.
    pub last_error_message: Option<String>,
}

impl WebhookInfo {
    /// Whether a webhook is set: Telegram then refuses `getUpdates` (409) and cobrador cannot
    /// read the clients' answers.
    pub fn is_set(&self) -> bool {
        !self.url.trim().is_empty()
    }
}

/// The parts of a Document read.
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    /// The file's name, as the sender's device gave it.
    pub file_name: Option<String>,
}

/// A press on an inline button.
#[derive(Debug, Clone, Deserialize)]
pub struct CallbackQuery {
    /// Id to answer with `answerCallbackQuery`.
    pub id: String,
    /// Who pressed.
    pub from: User,
    /// The message with the button.
    pub message: Option<Message>,
    /// The button's `callback_data`.
    pub data: Option<String>,
}

/// A change of the bot's membership in a chat (a private chat blocking the bot: `kicked`).
#[derive(Debug, Clone, Deserialize)]
pub struct ChatMemberUpdated {
    /// The chat.
    pub chat: Chat,
    /// The bot's new membership.
    pub new_chat_member: ChatMember,
}

/// The parts of a ChatMember read.
#[derive(Debug, Clone, Deserialize)]
pub struct ChatMember {
    /// `member`, `kicked`, `left`...
    pub status: String,
}

/// One incoming update.
#[derive(Debug, Clone, Deserialize)]
pub struct Update {
    /// Increasing id; the next `getUpdates` offset is the last one plus one.
    pub update_id: i64,
    /// A new message.
    pub message: Option<Message>,
    /// A new version of a message already sent (the client edited it).
    pub edited_message: Option<Message>,
    /// A button press.
    pub callback_query: Option<CallbackQuery>,
    /// The bot was blocked or unblocked in a private chat.
    pub my_chat_member: Option<ChatMemberUpdated>,
}

impl Update {
    /// When Telegram says the update's message was sent: `None` for a button press (its
    /// message is the bot's old one) and for a missing date. The received time is decided by
    /// [`crate::domain::received_at`].
    pub fn sent_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let date = match (&self.message, &self.edited_message) {
            (Some(m), _) => m.date,
            // An edit says what the client means from the moment of the edit.
            (None, Some(m)) => m.edit_date.unwrap_or(m.date),
            (None, None) => return None,
        };
        (date > 0)
            .then(|| chrono::DateTime::from_timestamp(date, 0))
            .flatten()
    }
}

/// One update of a `getUpdates` answer. One that does not have the documented shape is
/// logged and kept as an update without content (so the offset moves past it and is
/// confirmed), not a failure of the whole answer: the same answer comes back on every poll until
/// confirmed, and one unreadable update would stop the bot for good.
fn readable_update(raw: Value) -> Option<Update> {
    let update_id = raw.get("update_id").and_then(Value::as_i64);
    match serde_json::from_value::<Update>(raw) {
        Ok(update) => Some(update),
        Err(e) => {
            tracing::warn!(update_id, error = %e, "A Telegram update not in the documented shape; skipped.");
            update_id.map(|update_id| Update {
                update_id,
                message: None,
                edited_message: None,
                callback_query: None,
                my_chat_member: None,
            })
        }
    }
}

/// What a webhook set on the bot means, and the fix: `url` is the webhook's, `api_base`
/// the configured Bot API (for the `curl` line; the token is left as a placeholder).
pub fn webhook_problem(url: &str, api_base: &str) -> String {
    format!(
        "a webhook is set on this bot ({url}): Telegram refuses getUpdates while it is, so \
         cobrador cannot read the clients' answers. Remove it with `cobrador telegram \
         delete-webhook` (or `curl -X POST {}/bot<TOKEN>/deleteWebhook`); the updates waiting \
         are kept and read next",
        api_base.trim_end_matches('/')
    )
}

/// Checks that `telegram.api-url` is a URL the client can use.
pub fn check_api_url(url: &str) -> anyhow::Result<()> {
    Endpoint::parse(url, None)?;
    Ok(())
}

/// A bot: the endpoint and token, the timeouts, and the pace of its sends.
#[derive(Clone)]
pub struct Bot {
    endpoint: Endpoint,
    token: String,
    timeout: Duration,
    pacer: Arc<Pacer>,
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bot { token: <hidden> }")
    }
}

impl Bot {
    /// A bot from `[telegram]`: reads the token (env or file) and parses `api-url`.
    pub fn from_config(tg: &config::Telegram) -> anyhow::Result<Bot> {
        let token = tg.token()?;
        Ok(Bot {
            endpoint: Endpoint::parse(tg.api_base(), tg.ca_file.as_deref())?,
            pacer: Pacer::for_bot(tg.api_base(), &token),
            token,
            timeout: Duration::from_secs(tg.timeout_secs.max(1)),
        })
    }

    /// The pace of this bot's sends (shared by every `Bot` of the process for this token):
    /// every message to a chat goes through [`Pacer::send`].
    pub fn pacer(&self) -> &Pacer {
        &self.pacer
    }

    /// Calls `method` with `params`; `extra` is added to the timeout (long polling).
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: &'static str,
        params: &Value,
        extra: Duration,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_vec(params).map_err(|e| ApiError::Decode {
            method,
            status: 0,
            detail: e.to_string(),
        })?;
        let path = format!("/bot{}/{method}", self.token);
        let (status, body) = self
            .endpoint
            .post_json(&path, &body, self.timeout + extra)
            .await?;
        decode(method, status, &body)
    }

    /// `getMe`: the bot's own user (checks the token).
    pub async fn get_me(&self) -> Result<User, ApiError> {
        self.call("getMe", &json!({}), Duration::ZERO).await
    }

    /// `getWebhookInfo`: whether a webhook is set on the bot (polling cannot work then).
    pub async fn get_webhook_info(&self) -> Result<WebhookInfo, ApiError> {
        self.call("getWebhookInfo", &json!({}), Duration::ZERO)
            .await
    }

    /// `deleteWebhook`, keeping the updates waiting unless `drop_pending_updates`.
    pub async fn delete_webhook(&self, drop_pending_updates: bool) -> Result<bool, ApiError> {
        let params = json!({ "drop_pending_updates": drop_pending_updates });
        self.call("deleteWebhook", &params, Duration::ZERO).await
    }

    /// `getUpdates` from `offset`, waiting up to `timeout` seconds for news.
    pub async fn get_updates(&self, offset: i64, timeout: u64) -> Result<Vec<Update>, ApiError> {
        let params = json!({
            "offset": offset,
            "timeout": timeout,
            "allowed_updates": ["message", "edited_message", "callback_query", "my_chat_member"],
        });
        let raw: Vec<Value> = self
            .call("getUpdates", &params, Duration::from_secs(timeout))
            .await?;
        Ok(raw.into_iter().filter_map(readable_update).collect())
    }

    /// `sendMessage` with `parse_mode=HTML` and an optional `reply_markup`.
    pub async fn send_message(
        &self,
        chat_id: i64,
        html: &str,
        reply_markup: Option<Value>,
    ) -> Result<Message, ApiError> {
        let mut params = json!({
            "chat_id": chat_id,
            "text": html,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": true},
        });
        if let Some(markup) = reply_markup {
            params["reply_markup"] = markup;
        }
        self.call("sendMessage", &params, Duration::ZERO).await
    }

    /// `answerCallbackQuery`, with a short notice shown to the user.
    pub async fn answer_callback_query(&self, id: &str, text: &str) -> Result<bool, ApiError> {
        let params = json!({ "callback_query_id": id, "text": text });
        self.call("answerCallbackQuery", &params, Duration::ZERO)
            .await
    }

    /// `forwardMessage`: message `message_id` of chat `from` copied into chat `to`, as sent.
    pub async fn forward_message(
        &self,
        to: i64,
        from: i64,
        message_id: i64,
    ) -> Result<Value, ApiError> {
        let params = json!({ "chat_id": to, "from_chat_id": from, "message_id": message_id });
        self.call("forwardMessage", &params, Duration::ZERO).await
    }

    /// `editMessageReplyMarkup`: replaces (or with `None`, removes) a message's buttons.
    pub async fn edit_message_reply_markup(
        &self,
        chat_id: i64,
        message_id: i64,
        reply_markup: Option<Value>,
    ) -> Result<Value, ApiError> {
        let mut params = json!({ "chat_id": chat_id, "message_id": message_id });
        if let Some(markup) = reply_markup {
            params["reply_markup"] = markup;
        }
        self.call("editMessageReplyMarkup", &params, Duration::ZERO)
            .await
    }
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    result: Option<Value>,
    error_code: Option<i64>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
    migrate_to_chat_id: Option<i64>,
}

fn decode<T: DeserializeOwned>(
    method: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, ApiError> {
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        // A proxy's error page in front of the Bot API: transient when the status says so.
        Err(_) if status >= 500 || status == 429 => {
            return Err(ApiError::Refused {
                method,
                code: i64::from(status),
                description: format!("HTTP {status}"),
                retry_after: None,
                migrate_to: None,
            });
        }
        Err(e) => {
            return Err(ApiError::Decode {
                method,
                status,
                detail: format!("HTTP {status}, not Bot API JSON ({e})"),
            });
        }
    };
    if !envelope.ok {
        let mut description = envelope.description.unwrap_or_default();
        let migrate_to = envelope
            .parameters
            .as_ref()
            .and_then(|p| p.migrate_to_chat_id);
        if let Some(to) = migrate_to {
            // The owner's group became a supergroup: the fix, where the error is read.
            description.push_str(&format!(
                " (it is now chat {to}: set telegram.owner-chat-id = {to})"
            ));
        }
        return Err(ApiError::Refused {
            method,
            code: envelope.error_code.unwrap_or(i64::from(status)),
            description,
            retry_after: envelope.parameters.and_then(|p| p.retry_after),
            migrate_to,
        });
    }
    serde_json::from_value(envelope.result.unwrap_or(Value::Null)).map_err(|e| ApiError::Decode {
        method,
        status,
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_not_in_the_documented_shape_does_not_hold_up_the_others() {
        let raw: Vec<Value> = decode(
            "getUpdates",
            200,
            br#"{"ok":true,"result":[
                {"update_id":10,"message":{"message_id":1,"date":5,"chat":{"id":7,"type":"private"},"text":"hola"}},
                {"update_id":11,"message":{"message_id":2,"date":5,"text":"no chat"}},
                {"message":{"message_id":3}},
                {"update_id":13,"callback_query":{"id":"q","from":{"id":7,"first_name":"A"},"data":"x"}}
            ]}"#,
        )
        .unwrap();
        let updates: Vec<Update> = raw.into_iter().filter_map(readable_update).collect();
        let ids: Vec<i64> = updates.iter().map(|u| u.update_id).collect();
        assert_eq!(ids, [10, 11, 13]);
        assert_eq!(
            updates[0].message.as_ref().unwrap().text.as_deref(),
            Some("hola")
        );
        assert!(updates[1].message.is_none() && updates[1].callback_query.is_none());
        assert_eq!(
            updates[2].callback_query.as_ref().unwrap().data.as_deref(),
            Some("x")
        );
    }

    #[test]
    fn service_messages_are_told_from_what_people_send() {
        let message = |extra: Value| {
            let mut m = json!({"message_id": 1, "date": 5, "chat": {"id": 7, "type": "private"}});
            m.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            serde_json::from_value::<Message>(m).unwrap()
        };
        for service in [
            json!({"pinned_message": {"message_id": 2, "date": 4, "chat": {"id": 7, "type": "private"}, "text": "hola"}}),
            json!({"new_chat_members": [{"id": 8, "is_bot": false, "first_name": "B"}]}),
            json!({"left_chat_member": {"id": 8, "is_bot": false, "first_name": "B"}}),
            json!({"new_chat_title": "Pagos"}),
            json!({"new_chat_photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}]}),
            json!({"delete_chat_photo": true}),
            json!({"message_auto_delete_timer_changed": {"message_auto_delete_time": 86400}}),
            json!({"chat_background_set": {"type": {"type": "fill"}}}),
        ] {
            assert!(message(service.clone()).is_service(), "{service}");
        }
        for content in [
            json!({"text": "hola"}),
            json!({"photo": [{"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1}]}),
            json!({"voice": {"file_id": "v", "file_unique_id": "w", "duration": 3}}),
            json!({"sticker": {"file_id": "s", "file_unique_id": "t", "type": "regular"}}),
            json!({"document": {"file_id": "d", "file_unique_id": "e"}}),
            json!({"video_note": {"file_id": "n", "file_unique_id": "o", "length": 1, "duration": 1}}),
            json!({"location": {"latitude": 40.4, "longitude": -3.7}}),
        ] {
            assert!(!message(content.clone()).is_service(), "{content}");
        }
    }

    #[test]
    fn decodes_results_and_documented_errors() {
        let m: Message = decode(
            "sendMessage",
            200,
            br#"{"ok":true,"result":{"message_id":7,"date":1,"chat":{"id":5,"type":"private"},"text":"x","entities":[]}}"#,
        )
        .unwrap();
        assert_eq!((m.message_id, m.chat.id), (7, 5));
        let e = decode::<Message>(
            "sendMessage",
            429,
            br#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#,
        )
        .unwrap_err();
        assert_eq!(e.retry_after(), Some(3));
        assert!(e.is_transient() && !e.is_blocked());
        let e = decode::<Message>(
            "sendMessage",
            403,
            br#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#,
        )
        .unwrap_err();
        assert!(e.is_blocked() && !e.is_transient());
        let e = decode::<Message>(
            "sendMessage",
            400,
            br#"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string().ends_with(
                "(it is now chat -1001234567890: set telegram.owner-chat-id = -1001234567890)"
            ),
            "{e}"
        );
        let e = decode::<Message>("sendMessage", 502, b"<html>Bad Gateway</html>").unwrap_err();
        assert!(e.is_transient());
        let e = decode::<Message>("sendMessage", 200, b"<html>").unwrap_err();
        assert!(!e.is_transient());
    }
}
