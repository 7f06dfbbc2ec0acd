//! The Sent mailbox over IMAP (async-imap on tokio, TLS by rustls): finds the Message-IDs of
//! uncertain sends there, and appends a copy of each sent message when `save-sent = true`.
//!
//! Connections are short-lived: one per lookup pass, one kept for appends and dropped on any
//! error. Every IMAP exchange is bounded by a timeout.

use anyhow::{Context, Result, anyhow};
use tokio::sync::Mutex;

use super::ChannelError;
use crate::channel::imap::{Account, IMAP_TIMEOUT, ImapSession};
use crate::config::Imap;

pub(crate) use crate::channel::imap::rustls_config;

/// The Sent mailbox of `[email.imap]`.
pub struct SentMailbox {
    account: Account,
    mailbox: String,
    session: Mutex<Option<ImapSession>>,
}

impl SentMailbox {
    /// Reads the settings and the password; needs `sent-mailbox`. Nothing is connected yet.
    pub fn new(imap: &Imap) -> Result<SentMailbox, ChannelError> {
        let mailbox = imap.sent_mailbox.clone().ok_or_else(|| {
            ChannelError::Config(
                "email.imap.sent-mailbox: set it (e.g. \"Sent\") to use save-sent or to resolve \
                 uncertain sends"
                    .into(),
            )
        })?;
        let account = Account::new(imap).map_err(|e| ChannelError::Config(format!("{e:#}")))?;
        Ok(SentMailbox {
            account,
            mailbox,
            session: Mutex::new(None),
        })
    }

    fn server(&self) -> String {
        self.account.server()
    }

    async fn connect(&self) -> Result<ImapSession> {
        self.account.connect().await
    }

    /// Appends one raw message to the Sent mailbox, marked as read.
    pub async fn append(&self, raw: &[u8]) -> Result<()> {
        let mut guard = self.session.lock().await;
        let result = tokio::time::timeout(IMAP_TIMEOUT, async {
            if guard.is_none() {
                *guard = Some(self.connect().await?);
            }
            let session = guard.as_mut().ok_or_else(|| anyhow!("no IMAP session"))?;
            session
                .append(&self.mailbox, Some("(\\Seen)"), None, raw)
                .await
                .with_context(|| format!("cannot append to IMAP mailbox {:?}", self.mailbox))
        })
        .await
        .unwrap_or_else(|_| Err(anyhow!("IMAP server {} did not answer", self.server())));
        if result.is_err() {
            // A failed session may be out of step with the server: start afresh next time.
            *guard = None;
        }
        result
    }

    /// Which of `message_ids` (with angle brackets) are in the Sent mailbox.
    pub async fn find(&self, message_ids: &[String]) -> Result<Vec<String>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let server = self.server();
        let mut session = tokio::time::timeout(IMAP_TIMEOUT, self.connect())
            .await
            .map_err(|_| anyhow!("IMAP server {server} did not answer"))??;
        tokio::time::timeout(IMAP_TIMEOUT, session.examine(&self.mailbox))
            .await
            .map_err(|_| anyhow!("IMAP server {server} did not answer"))?
            .with_context(|| format!("cannot open IMAP mailbox {:?}", self.mailbox))?;
        let mut found = Vec::new();
        for id in message_ids {
            if id.contains(['"', '\\', '\r', '\n']) {
                continue;
            }
            let query = format!("HEADER Message-ID \"{id}\"");
            let uids = tokio::time::timeout(IMAP_TIMEOUT, session.uid_search(&query))
                .await
                .map_err(|_| anyhow!("IMAP server {server} did not answer"))?
                .with_context(|| format!("IMAP search for {id} failed"))?;
            if !uids.is_empty() {
                found.push(id.clone());
            }
        }
        let _ = tokio::time::timeout(IMAP_TIMEOUT, session.logout()).await;
        Ok(found)
    }
}
