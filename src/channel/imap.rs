//! The one IMAP connection code, shared by the inbox reader and the Sent mailbox: async-imap
//! over tokio, TLS by rustls (implicit TLS, STARTTLS, or plaintext only when the config says
//! so), certificates always verified (`ca-file` adds a private CA).
//!
//! Every exchange is bounded by [`IMAP_TIMEOUT`]: a server that stops answering is an error,
//! never a hang.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, crypto};

use crate::config::{Imap, Security, read_secret};

/// Bound on one IMAP exchange (connect, login, one command).
pub const IMAP_TIMEOUT: Duration = Duration::from_secs(60);

/// Anything an IMAP session can run over: plain TCP or TLS.
pub trait ImapIo: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> ImapIo for T {}

/// A logged-in IMAP session.
pub type ImapSession = Session<Box<dyn ImapIo>>;

/// How to reach and log in to the `[email.imap]` server; nothing is connected until
/// [`Account::connect`].
#[derive(Clone)]
pub struct Account {
    host: String,
    port: u16,
    security: Security,
    username: String,
    password: String,
    tls: Arc<ClientConfig>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Account")
            .field("server", &self.server())
            .field("username", &self.username)
            .finish()
    }
}

impl Account {
    /// Reads the settings and the password (from its env variable or file).
    pub fn new(imap: &Imap) -> Result<Account> {
        let password = read_secret(
            "email.imap",
            imap.password_env.as_deref(),
            imap.password_file.as_deref(),
        )?;
        let tls = rustls_config(imap.ca_file.as_deref()).context("email.imap")?;
        Ok(Account {
            host: imap.host.clone(),
            port: imap.port.unwrap_or(match imap.security {
                Security::Tls => 993,
                Security::Starttls | Security::Plaintext => 143,
            }),
            security: imap.security,
            username: imap.username.clone(),
            password,
            tls: Arc::new(tls),
        })
    }

    /// `host:port`, for messages.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// Connects, secures and logs in, within [`IMAP_TIMEOUT`].
    pub async fn connect(&self) -> Result<ImapSession> {
        bounded(&self.server(), self.connect_unbounded()).await
    }

    async fn connect_unbounded(&self) -> Result<ImapSession> {
        let server = self.server();
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .with_context(|| format!("cannot connect to IMAP server {server}"))?;
        // IDLE and small commands: no Nagle delay on our side.
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(self.host.clone())
            .with_context(|| format!("email.imap.host: {:?} is not a host name", self.host))?;
        let connector = TlsConnector::from(Arc::clone(&self.tls));
        let stream: Box<dyn ImapIo> = match self.security {
            Security::Tls => Box::new(
                connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| tls_failed(&server, &e))?,
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
                    .map_err(|e| tls_failed(&server, &e))?;
                let client = Client::new(Box::new(tls) as Box<dyn ImapIo>);
                return login(client, &self.username, &self.password, &server).await;
            }
        };
        let mut client = Client::new(stream);
        read_greeting(&mut client, &server).await?;
        login(client, &self.username, &self.password, &server).await
    }
}

/// A failed TLS handshake, with what the owner can do about the certificates rustls refuses
/// (mail27: «invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))» said nothing).
fn tls_failed(server: &str, e: &std::io::Error) -> anyhow::Error {
    let said = e.to_string();
    let hint = if said.contains("CaUsedAsEndEntity") {
        ": the server presents a CA certificate as its own (one made with `openssl req -x509` \
         has CA:TRUE); issue the server a certificate signed by a CA and give that CA in \
         email.imap.ca-file"
    } else if said.contains("UnknownIssuer") {
        ": its certificate is not signed by a CA this machine trusts; if it is your own CA, give \
         it in email.imap.ca-file"
    } else if said.contains("NotValidForName") {
        ": its certificate is not for this name; set email.imap.host to a name the certificate \
         covers"
    } else if said.contains("Expired") {
        ": its certificate has expired; renew it on the server"
    } else {
        ""
    };
    anyhow!("TLS with IMAP server {server} failed: {said}{hint}")
}

/// Runs one IMAP exchange under [`IMAP_TIMEOUT`]; the error names the server.
pub async fn bounded<T>(server: &str, fut: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(IMAP_TIMEOUT, fut)
        .await
        .unwrap_or_else(|_| {
            Err(anyhow!(
                "IMAP server {server} did not answer within {} s",
                IMAP_TIMEOUT.as_secs()
            ))
        })
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
pub fn rustls_config(ca_file: Option<&std::path::Path>) -> Result<ClientConfig> {
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

#[cfg(test)]
mod tests {
    use super::tls_failed;

    #[test]
    fn a_refused_certificate_is_told_with_what_to_do() {
        let said = |rustls: &str| {
            let e = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls.to_owned());
            tls_failed("127.0.0.1:993", &e).to_string()
        };
        let ca = said("invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))");
        assert!(
            ca.contains("CA:TRUE") && ca.contains("email.imap.ca-file"),
            "{ca}"
        );
        let unknown = said("invalid peer certificate: UnknownIssuer");
        assert!(unknown.contains("email.imap.ca-file"), "{unknown}");
        let other = said("received fatal alert: HandshakeFailure");
        assert_eq!(
            other,
            "TLS with IMAP server 127.0.0.1:993 failed: received fatal alert: HandshakeFailure"
        );
    }
}
