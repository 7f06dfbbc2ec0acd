//! The SMTP channel: lettre's SMTP client over a small session pool of our own ([`pool`]:
//! sockets with `TCP_NODELAY`), certificates verified by default (rustls, plus `ca-file`), and
//! every send, connection included, bounded by `tokio::time::timeout`, because lettre's own
//! timeout does not cover a server that stalls mid-session (lettre#1027).
//!
//! Classification: 5xx → [`SendOutcome::Failure`] (never retried), except the login codes
//! (530, 534, 535, 538), which are a configuration problem and not the message's fault; 4xx,
//! refused connections, TLS errors and timeouts → [`SendOutcome::Retry`].
//!
//! After DATA's 354, the body and its final `.` are on their way: from then on a lost answer
//! (the server closes the connection, or the timeout fires) may hide an accepted message
//! (RFC 1047). That is [`SendOutcome::Uncertain`], never a retry: a blind resend is how a
//! client gets the same reminder twice.

mod pool;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::Message;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::{self};

use self::pool::{Pool, PoolError};
use super::imap_sent::{SentMailbox, rustls_config};
use super::{Channel, ChannelError, SendContext, SendOutcome, email};
use crate::config::{Business, Imap, Security, Smtp, read_secret};
use crate::domain;
use crate::store::OutboxMessage;

/// Reply codes that mean "your login is wrong", not "this message is wrong".
const AUTH_CODES: [u16; 4] = [530, 534, 535, 538];

/// Sends email through one SMTP server.
pub struct SmtpChannel {
    pool: Pool,
    server: String,
    timeout: Duration,
    pool_size: usize,
    sent_copy: Option<SentMailbox>,
}

impl SmtpChannel {
    /// Builds the transport from `[email.smtp]` (and `[email.imap]` when `save-sent` is on).
    /// Nothing is connected yet; errors name the setting to fix.
    pub fn new(
        config: &Smtp,
        business: &Business,
        imap: Option<&Imap>,
    ) -> Result<SmtpChannel, ChannelError> {
        email::business_mailbox(business)?;
        let port = config.port.unwrap_or(match config.security {
            Security::Tls => 465,
            Security::Starttls => 587,
            Security::Plaintext => 25,
        });
        let server = format!("{}:{port}", config.host);
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        let pool_size = config.pool_size.max(1);
        let security = match config.security {
            Security::Plaintext => pool::Security::Plaintext,
            Security::Tls => pool::Security::Tls(Arc::new(
                rustls_config(config.ca_file.as_deref())
                    .map_err(|e| ChannelError::Config(format!("email.smtp: {e:#}")))?,
            )),
            Security::Starttls => {
                let mut params = TlsParameters::builder(config.host.clone());
                if let Some(ca) = &config.ca_file {
                    let pem = std::fs::read(ca).map_err(|e| {
                        ChannelError::Config(format!(
                            "email.smtp.ca-file: cannot read {}: {e}",
                            ca.display()
                        ))
                    })?;
                    let cert = Certificate::from_pem(&pem).map_err(|e| {
                        ChannelError::Config(format!(
                            "email.smtp.ca-file: {} is not a PEM certificate: {e}",
                            ca.display()
                        ))
                    })?;
                    params = params.add_root_certificate(cert);
                }
                pool::Security::Starttls(params.build_rustls().map_err(|e| {
                    ChannelError::Config(format!("email.smtp: cannot set up TLS: {e}"))
                })?)
            }
        };
        let credentials = match &config.username {
            Some(user) => {
                let password = read_secret(
                    "email.smtp",
                    config.password_env.as_deref(),
                    config.password_file.as_deref(),
                )
                .map_err(|e| ChannelError::Config(format!("{e:#}")))?;
                Some(Credentials::new(user.clone(), password))
            }
            None => None,
        };
        let sent_copy = match imap {
            Some(imap) if imap.save_sent => Some(SentMailbox::new(imap)?),
            _ => None,
        };
        Ok(SmtpChannel {
            pool: Pool::new(config.host.clone(), port, security, credentials),
            server,
            timeout,
            pool_size,
            sent_copy,
        })
    }

    /// `host:port`, for messages.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Sends a built message and returns the server's answer (used by `send-test`). The whole
    /// exchange, connection included, is bounded by `timeout-secs`.
    pub async fn send_message(&self, message: &Message) -> Result<Response, ChannelError> {
        let raw = message.formatted();
        let body_sent = AtomicBool::new(false);
        let send = self.pool.send(message.envelope(), &raw, &body_sent);
        let server = self.server.clone();
        match tokio::time::timeout(self.timeout, send).await {
            Err(_) if body_sent.load(Ordering::SeqCst) => Err(ChannelError::AnswerLost {
                server,
                detail: format!(
                    "no answer within {} s (email.smtp.timeout-secs)",
                    self.timeout.as_secs()
                ),
            }),
            Err(_) => Err(ChannelError::Timeout {
                server,
                secs: self.timeout.as_secs(),
            }),
            Ok(Ok(response)) => Ok(response),
            Ok(Err(PoolError::Connect(detail))) => Err(ChannelError::Connect { server, detail }),
            Ok(Err(PoolError::Smtp(e))) => Err(self.classify(&e)),
            Ok(Err(PoolError::AfterData(e))) => Err(ChannelError::AnswerLost {
                server,
                detail: error_chain(&e),
            }),
            Ok(Err(PoolError::Unsendable(why))) => Err(ChannelError::Rejected {
                server,
                reply: why.to_owned(),
            }),
        }
    }

    fn classify(&self, e: &smtp::Error) -> ChannelError {
        let server = self.server.clone();
        let reply = e.to_string();
        match e.status().map(u16::from) {
            Some(code) if AUTH_CODES.contains(&code) => ChannelError::Auth { server, reply },
            Some(_) if e.is_permanent() => ChannelError::Rejected { server, reply },
            Some(_) => ChannelError::Deferred { server, reply },
            None if e.is_timeout() => ChannelError::Timeout {
                server,
                secs: self.timeout.as_secs(),
            },
            None => ChannelError::Connect {
                server,
                detail: error_chain(e),
            },
        }
    }

    /// Closes pooled connections politely (QUIT).
    pub async fn shutdown(&self) {
        let _ = tokio::time::timeout(self.timeout, self.pool.shutdown()).await;
    }
}

/// An error and its sources on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Whether an error is the message's fault (never retried) or the moment's (retried).
pub fn outcome_of(error: &ChannelError) -> SendOutcome {
    match error {
        ChannelError::Rejected { .. }
        | ChannelError::Address { .. }
        | ChannelError::Attachment { .. }
        | ChannelError::Build(_) => SendOutcome::Failure(error.to_string()),
        ChannelError::AnswerLost { .. } => SendOutcome::Uncertain(error.to_string()),
        ChannelError::Connect { .. }
        | ChannelError::Timeout { .. }
        | ChannelError::Auth { .. }
        | ChannelError::Deferred { .. }
        | ChannelError::Write { .. }
        | ChannelError::Config(_) => SendOutcome::Retry(error.to_string()),
    }
}

impl Channel for SmtpChannel {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn kinds(&self) -> &[domain::Channel] {
        &[domain::Channel::Email]
    }

    fn concurrency(&self) -> usize {
        self.pool_size
    }

    async fn send(&self, msg: &OutboxMessage, ctx: SendContext<'_>) -> SendOutcome {
        let message = match email::build_message(msg, ctx.business, ctx.now) {
            Ok(m) => m,
            Err(e) => return outcome_of(&e),
        };
        match self.send_message(&message).await {
            Ok(_) => {
                if let Some(sent) = &self.sent_copy {
                    // A copy for the owner's Sent folder: best effort, never a reason to resend.
                    if let Err(e) = sent.append(&message.formatted()).await {
                        tracing::warn!(outbox_id = msg.id, "Cannot save a copy in Sent: {e:#}.");
                    }
                }
                SendOutcome::Sent {
                    telegram_message_id: None,
                }
            }
            Err(e) => outcome_of(&e),
        }
    }
}

/// A sample message in Spanish, for `send-test`.
pub fn sample_message(business: &Business, to: &str) -> Result<Message, ChannelError> {
    let from = email::business_mailbox(business)?;
    let to: Mailbox = to.trim().parse().map_err(|_| ChannelError::Address {
        field: "to",
        address: to.to_owned(),
    })?;
    let body = format!(
        "Hola:\n\nEste es un mensaje de prueba de cobrador, enviado por {} para comprobar \
         la configuración del correo saliente.\n\nSi lo ha recibido, todo está en orden: \
         no hace falta responder.\n\nUn saludo,\n{}\n",
        business.name, business.contact_person
    );
    Ok(Message::builder()
        .from(from.clone())
        .reply_to(from)
        .to(to)
        .subject(format!("Prueba de envío de {}", business.name))
        .message_id(Some(email::random_message_id(email::domain_of(
            &business.email,
        ))))
        .singlepart(lettre::message::SinglePart::plain(body))?)
}
