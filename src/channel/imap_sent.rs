//! The Sent mailbox over IMAP (async-imap on tokio, TLS by rustls): finds the Message-IDs of
//! uncertain sends there, and appends a copy of each sent message when `save-sent = true`.
//!
//! Connections are short-lived: one per lookup pass, one kept for appends and dropped on any
//! error. Every IMAP exchange is bounded by a timeout.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto};

use super::ChannelError;
use crate::config::{Imap, Security, read_secret};

/// Bound on one IMAP exchange (connect, login, one command).
const IMAP_TIMEOUT: Duration = Duration::from_secs(60);

/// Anything an IMAP session can run over: plain TCP or TLS.
trait ImapIo: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> ImapIo for T {}

type ImapSession = Session<Box<dyn ImapIo>>;

/// The Sent mailbox of `[email.imap]`.
pub struct SentMailbox {
    host: String,
    port: u16,
    security: Security,
    username: String,
    password: String,
    mailbox: String,
    tls: Arc<ClientConfig>,
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
        let password = read_secret(
            "email.imap",
            imap.password_env.as_deref(),
            imap.password_file.as_deref(),
        )
        .map_err(|e| ChannelError::Config(format!("{e:#}")))?;
        let tls = rustls_config(imap.ca_file.as_deref())
            .map_err(|e| ChannelError::Config(format!("email.imap: {e:#}")))?;
        Ok(SentMailbox {
            host: imap.host.clone(),
            port: imap.port.unwrap_or(match imap.security {
                Security::Tls => 993,
                Security::Starttls | Security::Plaintext => 143,
            }),
            security: imap.security,
            username: imap.username.clone(),
            password,
            mailbox,
            tls: Arc::new(tls),
            session: Mutex::new(None),
        })
    }

    fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    async fn connect(&self) -> Result<ImapSession> {
        let server = self.server();
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .with_context(|| format!("cannot connect to IMAP server {server}"))?;
        let name = ServerName::try_from(self.host.clone())
            .with_context(|| format!("email.imap.host: {:?} is not a host name", self.host))?;
        let connector = TlsConnector::from(Arc::clone(&self.tls));
        let stream: Box<dyn ImapIo> = match self.security {
            Security::Tls => Box::new(
                connector
                    .connect(name, tcp)
                    .await
                    .with_context(|| format!("TLS with IMAP server {server} failed"))?,
            ),
            Security::Plaintext => Box::new(tcp),
            Security::Starttls => {
                let mut client = Client::new(tcp);
                read_greeting(&mut client, &server).await?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .with_context(|| format!("IMAP server {server} refused STARTTLS"))?;
                let tcp = client.into_inner();
                let tls = connector
                    .connect(name, tcp)
                    .await
                    .with_context(|| format!("TLS with IMAP server {server} failed"))?;
                let client = Client::new(Box::new(tls) as Box<dyn ImapIo>);
                return login(client, &self.username, &self.password, &server).await;
            }
        };
        let mut client = Client::new(stream);
        read_greeting(&mut client, &server).await?;
        login(client, &self.username, &self.password, &server).await
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

async fn read_greeting(client: &mut Client<impl ImapIo>, server: &str) -> Result<()> {
    match client.read_response().await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => bail!("IMAP server {server} closed the connection before its greeting"),
        Err(e) => {
            Err(e).with_context(|| format!("cannot read the greeting of IMAP server {server}"))
        }
    }
}

async fn login(
    client: Client<Box<dyn ImapIo>>,
    user: &str,
    password: &str,
    server: &str,
) -> Result<ImapSession> {
    client.login(user, password).await.map_err(|(e, _)| {
        anyhow!(e).context(format!(
            "IMAP server {server} refused the login of {user:?} (check email.imap.username and \
             the password)"
        ))
    })
}

/// Native roots plus an optional extra CA file (PEM).
pub(crate) fn rustls_config(ca_file: Option<&std::path::Path>) -> Result<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(path) = ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .with_context(|| format!("ca-file: cannot read {}", path.display()))?;
        for cert in certs {
            let cert = cert.with_context(|| format!("ca-file: {} is not PEM", path.display()))?;
            roots
                .add(cert)
                .with_context(|| format!("ca-file: {} is not a usable CA", path.display()))?;
        }
    }
    let provider = Arc::new(crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("cannot set up TLS")?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
