//! A small pool of SMTP sessions on lettre's `AsyncSmtpConnection`, over sockets we open
//! ourselves so that they have `TCP_NODELAY`.
//!
//! Why not lettre's own pooled transport: it writes the message body and the final `.` in two
//! writes, and without `TCP_NODELAY` (which lettre 0.11 does not set) Nagle's algorithm holds the
//! `.` until the server's delayed ACK, about 40 ms per message (measured: 88 messages/s with 4
//! sessions against Postfix's smtp-sink; see bench/smtp.sh).
//!
//! And PIPELINING (RFC 2920): lettre waits for each reply before the next command, four round
//! trips per message. When the server's EHLO offers PIPELINING, MAIL, every RCPT and DATA go in
//! one write and their replies are read in order, then the body: two round trips
//! ([`pipelined`]). Every reply is read before anything is decided, so the outcome is the one
//! the unpipelined exchange gives (the first refusal in command order), and a DATA that a
//! server opened (354) after a refused command is never fed a body: the session is dropped
//! without a final `.`, so nothing is delivered (not even to the recipients it accepted).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use lettre::transport::smtp::response::Response;
use lettre::transport::smtp::{self};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;

/// Idle sessions older than this are closed rather than reused (below the usual 60 s server
/// idle timeout, lettre#743).
const MAX_IDLE: Duration = Duration::from_secs(30);
/// Sessions idle longer than this are checked with NOOP before reuse.
const CHECK_AFTER: Duration = Duration::from_secs(2);

/// How the session is secured.
pub(super) enum Security {
    /// Implicit TLS from the first byte.
    Tls(Arc<ClientConfig>),
    /// STARTTLS, required: never falls back to plaintext.
    Starttls(TlsParameters),
    /// No TLS (explicitly configured).
    Plaintext,
}

/// Why a send failed.
pub(super) enum PoolError {
    /// TCP or TLS could not be set up.
    Connect(String),
    /// The SMTP dialogue failed (lettre's classification applies).
    Smtp(smtp::Error),
    /// The message body and its final `.` were being written, or had been, when the session
    /// failed without an SMTP reply: the server may have accepted the message.
    AfterData(smtp::Error),
    /// This server cannot take this message (it lacks an extension the message needs).
    Unsendable(&'static str),
}

impl From<smtp::Error> for PoolError {
    fn from(e: smtp::Error) -> Self {
        PoolError::Smtp(e)
    }
}

/// A failed transaction, and how to leave its session.
struct Failed {
    error: PoolError,
    /// Say QUIT before closing. Not when the server is waiting for a body after a refusal:
    /// QUIT would be read as message text, and only a dropped connection ends the DATA
    /// without delivering anything.
    quit: bool,
}

impl From<PoolError> for Failed {
    fn from(error: PoolError) -> Self {
        Failed { error, quit: true }
    }
}

impl From<smtp::Error> for Failed {
    fn from(e: smtp::Error) -> Self {
        PoolError::Smtp(e).into()
    }
}

/// One SMTP session and what its server offers beyond what lettre records.
struct Session {
    conn: AsyncSmtpConnection,
    /// The server's EHLO offered PIPELINING (RFC 2920).
    pipelining: bool,
}

/// Sessions to one server.
pub(super) struct Pool {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: Mutex<Vec<(Session, Instant)>>,
}

impl Pool {
    /// A pool; nothing is connected until the first send.
    pub(super) fn new(
        host: String,
        port: u16,
        security: Security,
        credentials: Option<Credentials>,
    ) -> Pool {
        Pool {
            host,
            port,
            security,
            credentials,
            hello: ClientId::default(),
            idle: Mutex::new(Vec::new()),
        }
    }

    async fn connect(&self) -> Result<Session, PoolError> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| PoolError::Connect(e.to_string()))?;
        // The point of this module: no Nagle delay on the final "." of DATA.
        let _ = tcp.set_nodelay(true);
        let mut conn = match &self.security {
            Security::Tls(config) => {
                let name = ServerName::try_from(self.host.clone())
                    .map_err(|e| PoolError::Connect(format!("invalid host name: {e}")))?;
                let tls = TlsConnector::from(Arc::clone(config))
                    .connect(name, tcp)
                    .await
                    .map_err(|e| PoolError::Connect(format!("TLS failed: {e}")))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(TlsTcp(tls)), &self.hello)
                    .await?
            }
            Security::Starttls(_) | Security::Plaintext => {
                AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await?
            }
        };
        if let Security::Starttls(params) = &self.security {
            conn.starttls(params.clone(), &self.hello).await?;
        }
        let pipelining = offers_pipelining(&mut conn, &self.hello).await?;
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
            tracing::debug!(
                target: "cobrador::smtp",
                "Logged in to {}:{} (AUTH; credentials are never logged).",
                self.host,
                self.port
            );
        }
        Ok(Session { conn, pipelining })
    }

    async fn checkout(&self) -> Result<Session, PoolError> {
        loop {
            let candidate = self.idle.lock().ok().and_then(|mut idle| idle.pop());
            let Some((mut session, since)) = candidate else {
                return self.connect().await;
            };
            let fresh = since.elapsed() < CHECK_AFTER;
            if since.elapsed() < MAX_IDLE
                && !session.conn.has_broken()
                && (fresh || session.conn.test_connected().await)
            {
                return Ok(session);
            }
            session.conn.abort().await;
        }
    }

    /// Sends one message on a pooled (or new) session; the session goes back to the pool only
    /// after a clean exchange. `body_sent` is set once the server has said 354 and the body is
    /// on its way: from then on, a failure without an SMTP reply (or a timeout that drops this
    /// future) means the message may have been accepted.
    pub(super) async fn send(
        &self,
        envelope: &Envelope,
        raw: &[u8],
        body_sent: &AtomicBool,
    ) -> Result<Response, PoolError> {
        let mut session = self.checkout().await?;
        let options = mail_options(&session.conn, envelope, raw)?;
        let mail = Mail::new(envelope.from().cloned(), options);
        let result = if session.pipelining {
            pipelined(&mut session.conn, mail, envelope, raw, body_sent).await
        } else {
            transaction(&mut session.conn, mail, envelope, raw, body_sent).await
        };
        match result {
            Ok(response) => {
                if let Ok(mut idle) = self.idle.lock() {
                    idle.push((session, Instant::now()));
                }
                Ok(response)
            }
            Err(Failed { error, quit }) => {
                if quit {
                    session.conn.abort().await;
                }
                // Otherwise dropping the session closes the socket mid-DATA.
                Err(error)
            }
        }
    }

    /// Says QUIT on every idle session.
    pub(super) async fn shutdown(&self) {
        let sessions: Vec<_> = self
            .idle
            .lock()
            .map(|mut idle| idle.drain(..).collect())
            .unwrap_or_default();
        for (mut session, _) in sessions {
            let _ = session.conn.quit().await;
        }
    }
}

/// Asks EHLO again and reads what lettre's own EHLO parsing drops: whether the server offers
/// PIPELINING. Asked before AUTH (after STARTTLS: what a server offers may change with TLS),
/// one round trip per session.
async fn offers_pipelining(
    conn: &mut AsyncSmtpConnection,
    hello: &ClientId,
) -> Result<bool, smtp::Error> {
    let reply = conn.command(Ehlo::new(hello.clone())).await?;
    Ok(reply.message().skip(1).any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|keyword| keyword.eq_ignore_ascii_case("PIPELINING"))
    }))
}

/// The MAIL parameters a message needs (SMTPUTF8, 8BITMIME), or why this server cannot take it.
fn mail_options(
    conn: &AsyncSmtpConnection,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<Vec<MailParameter>, PoolError> {
    let mut options = Vec::new();
    let non_ascii = envelope
        .from()
        .into_iter()
        .chain(envelope.to())
        .any(|a| !AsRef::<str>::as_ref(a).is_ascii());
    if non_ascii {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(PoolError::Unsendable(
                "the envelope has non-ASCII addresses but the server does not offer SMTPUTF8",
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(PoolError::Unsendable(
                "the message is not ASCII but the server does not offer 8BITMIME",
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    Ok(options)
}

/// One SMTP mail transaction, as lettre's `AsyncSmtpConnection::send` does it (MAIL, RCPT,
/// DATA, body, each waiting for its reply), but knowing which side of DATA a failure happened
/// on (RFC 1047): before the body, nothing was delivered and a retry is safe; after it, only
/// an SMTP reply says what happened.
async fn transaction(
    conn: &mut AsyncSmtpConnection,
    mail: Mail,
    envelope: &Envelope,
    raw: &[u8],
    body_sent: &AtomicBool,
) -> Result<Response, Failed> {
    conn.command(mail).await?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![])).await?;
    }
    conn.command(Data).await?;
    body(conn, raw, body_sent).await
}

/// The same transaction pipelined (RFC 2920): MAIL, every RCPT and DATA in one write, then
/// every reply read in order. The first refusal (or lost session) is the answer, as in
/// [`transaction`]; the body goes only if every reply was positive.
async fn pipelined(
    conn: &mut AsyncSmtpConnection,
    mail: Mail,
    envelope: &Envelope,
    raw: &[u8],
    body_sent: &AtomicBool,
) -> Result<Response, Failed> {
    let mut group = mail.to_string();
    for to in envelope.to() {
        group.push_str(&Rcpt::new(to.clone(), vec![]).to_string());
    }
    group.push_str(&Data.to_string());
    // `command` writes the whole group and reads the first reply (MAIL's).
    let mut first_error = conn.command(group).await.err();
    if let Some(lost) = first_error.take_if(|e| e.status().is_none()) {
        // The group was not written or the session failed: no more replies will come.
        return Err(lost.into());
    }
    let mut data_open = false;
    let replies = envelope.to().len() + 1;
    for n in 1..=replies {
        match conn.read_response().await {
            Ok(_) if n == replies => data_open = true,
            Ok(_) => {}
            Err(e) => {
                let lost = e.status().is_none();
                first_error.get_or_insert(e);
                if lost {
                    break;
                }
            }
        }
    }
    match first_error {
        Some(error) => Err(Failed {
            error: PoolError::Smtp(error),
            quit: !data_open,
        }),
        None => body(conn, raw, body_sent).await,
    }
}

/// The body and its final `.`, once DATA was answered 354.
async fn body(
    conn: &mut AsyncSmtpConnection,
    raw: &[u8],
    body_sent: &AtomicBool,
) -> Result<Response, Failed> {
    tracing::debug!(target: "cobrador::smtp", "DATA accepted; sending {} bytes.", raw.len());
    body_sent.store(true, Ordering::SeqCst);
    // A text body (every message cobrador builds: its MIME parts are 7-bit or encoded) goes
    // dot-stuffed with its final `.` in one write; other bytes through lettre's own writer.
    let answer = match std::str::from_utf8(raw) {
        Ok(text) => conn.command(Stuffed(text)).await,
        Err(_) => conn.message(raw).await,
    };
    match answer {
        Ok(response) => Ok(response),
        // A reply code is an answer (4xx: not accepted, retry; 5xx: refused).
        Err(e) if e.status().is_some() => Err(PoolError::Smtp(e).into()),
        Err(e) => Err(PoolError::AfterData(e).into()),
    }
}

/// A message's text as DATA carries it (RFC 5321 4.5.2): a `.` that begins a line doubled,
/// then the final `<CRLF>.<CRLF>`; the same bytes lettre's `AsyncSmtpConnection::message`
/// writes, which copies the body a byte at a time and writes the final `.` apart (two writes
/// per message: a tenth of a 20,000-message flush).
struct Stuffed<'a>(&'a str);

impl std::fmt::Display for Stuffed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0;
        let mut from = 0;
        if text.starts_with('.') {
            f.write_str(".")?;
        }
        // Each `.` after a CRLF: the text up to and including it, then the `.` once more.
        for at in memchr::memmem::find_iter(text.as_bytes(), b"\r\n.") {
            f.write_str(&text[from..at + 3])?;
            f.write_str(".")?;
            from = at + 3;
        }
        f.write_str(&text[from..])?;
        f.write_str("\r\n.\r\n")
    }
}

/// A rustls stream as lettre wants its transports.
#[derive(Debug)]
struct TlsTcp(TlsStream<TcpStream>);

impl AsyncRead for TlsTcp {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsTcp {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsTcp {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::Stuffed;

    /// lettre's transparency rule, transcribed from its `ClientCodec::encode` (private): a
    /// state per byte; a `.` at the start of a line (the text's start, or after CRLF) doubled.
    fn stuffed_as_lettre_does(text: &str) -> String {
        #[derive(Clone, Copy)]
        enum Status {
            Middle,
            Starting,
            Start,
        }
        let mut out = Vec::new();
        let mut status = Status::Start;
        for &b in text.as_bytes() {
            out.push(b);
            match (b, status) {
                (b'\r', _) => status = Status::Starting,
                (b'\n', Status::Starting) => status = Status::Start,
                (_, Status::Starting) => status = Status::Middle,
                (b'.', Status::Start) => {
                    status = Status::Middle;
                    out.push(b'.');
                }
                (_, Status::Start) => status = Status::Middle,
                _ => {}
            }
        }
        out.extend_from_slice(b"\r\n.\r\n");
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dots_at_line_starts_are_doubled_as_lettre_does() {
        let cases = [
            "",
            ".",
            "..",
            ".hola\r\n.\r\n..x\r\n",
            "a\r\n.b\r\nc.\r\n.",
            "a\n.b\r.c\r\r\n.d",
            "sin puntos\r\n",
            "\r\n.\r\n.\r\n.",
            "Línea con acentos\r\n. y ñ\r\n",
        ];
        for case in cases {
            assert_eq!(
                Stuffed(case).to_string(),
                stuffed_as_lettre_does(case),
                "{case:?}"
            );
        }
        // Every short text over an alphabet with the bytes that matter.
        let alphabet = ['.', '\r', '\n', 'a'];
        for len in 0..=7u32 {
            for n in 0..4usize.pow(len) {
                let mut text = String::new();
                let mut k = n;
                for _ in 0..len {
                    text.push(alphabet[k % 4]);
                    k /= 4;
                }
                assert_eq!(
                    Stuffed(&text).to_string(),
                    stuffed_as_lettre_does(&text),
                    "{text:?}"
                );
            }
        }
    }
}
