//! The smallest HTTP/1.1 client the Bot API needs: one `POST` of a JSON body per connection
//! (`Connection: close`), over TLS verified by rustls (or plain TCP for an `http://` test or
//! local Bot API server). Bodies may come with `Content-Length`, chunked, or until close.
//!
//! Why not reqwest (or teloxide, which brings it): the daemon makes one long poll every
//! 25 s and a few sends per tick; a connection per call is plenty, and this keeps every call
//! under our own timeout with no further crates to build.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;

/// Where requests go: scheme, host, port and a path prefix, parsed once from `api-url`.
#[derive(Clone)]
pub(crate) struct Endpoint {
    host: String,
    port: u16,
    prefix: String,
    tls: Option<Arc<ClientConfig>>,
}

/// A failed HTTP exchange (never contains the URL: it carries the bot token).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// `api-url` is not an `http://` or `https://` URL.
    #[error("telegram.api-url {0:?} is not an http:// or https:// URL")]
    BadUrl(String),
    /// Connecting or TLS failed: nothing was sent.
    #[error("cannot reach the Bot API at {host}: {detail}")]
    Io {
        /// `host:port`.
        host: String,
        /// What went wrong.
        detail: String,
    },
    /// The request went out but no complete answer came back: it may have been acted on.
    #[error("the Bot API at {host} did not answer (within {secs} s): {detail}")]
    NoAnswer {
        /// `host:port`.
        host: String,
        /// The limit.
        secs: u64,
        /// What went wrong.
        detail: String,
    },
    /// No connection in time: nothing was sent.
    #[error("cannot connect to the Bot API at {host} within {secs} s")]
    Timeout {
        /// `host:port`.
        host: String,
        /// The limit.
        secs: u64,
    },
    /// The answer is not HTTP.
    #[error("the Bot API at {host} sent a malformed HTTP answer: {detail}")]
    Malformed {
        /// `host:port`.
        host: String,
        /// What was wrong.
        detail: String,
    },
}

impl Endpoint {
    /// Parses `http[s]://host[:port][/prefix]`; `ca_file` adds a CA to trust for `https`.
    pub(crate) fn parse(
        url: &str,
        ca_file: Option<&std::path::Path>,
    ) -> Result<Endpoint, HttpError> {
        let bad = || HttpError::BadUrl(url.to_owned());
        let (tls, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(bad());
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.contains(']') => (h, p.parse::<u16>().map_err(|_| bad())?),
            _ => (authority, if tls { 443 } else { 80 }),
        };
        if host.is_empty() {
            return Err(bad());
        }
        let tls = if tls {
            let config =
                crate::channel::imap_sent::rustls_config(ca_file).map_err(|e| HttpError::Io {
                    host: authority.to_owned(),
                    detail: format!("{e:#}"),
                })?;
            Some(Arc::new(config))
        } else {
            None
        };
        Ok(Endpoint {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
            prefix: path.to_owned(),
            tls,
        })
    }

    fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// POSTs `body` as JSON to `prefix + path`; returns the status and the body. Connecting
    /// and the exchange each get `timeout`.
    pub(crate) async fn post_json(
        &self,
        path: &str,
        body: &[u8],
        timeout: Duration,
    ) -> Result<(u16, Vec<u8>), HttpError> {
        let host = self.authority();
        let secs = timeout.as_secs();
        let stream = match tokio::time::timeout(timeout, self.connect()).await {
            Ok(r) => r?,
            Err(_) => return Err(HttpError::Timeout { host, secs }),
        };
        let head = format!(
            "POST {}{} HTTP/1.1\r\nHost: {}\r\nUser-Agent: cobrador/{}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nAccept: application/json\r\n\
             Connection: close\r\n\r\n",
            self.prefix,
            path,
            self.host_header(),
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        let no_answer = |detail: String| HttpError::NoAnswer {
            host: host.clone(),
            secs,
            detail,
        };
        let exchange = async {
            match stream {
                Stream::Plain(s) => round_trip(s, head.as_bytes(), body).await,
                Stream::Tls(s) => round_trip(*s, head.as_bytes(), body).await,
            }
        };
        let parsed = match tokio::time::timeout(timeout, exchange).await {
            Ok(r) => r.map_err(|e| no_answer(e.to_string()))?,
            Err(_) => return Err(no_answer("timed out".into())),
        };
        parsed.map_err(|detail| HttpError::Malformed {
            host: host.clone(),
            detail,
        })
    }

    fn host_header(&self) -> String {
        let default = if self.tls.is_some() { 443 } else { 80 };
        if self.port == default {
            self.host.clone()
        } else {
            self.authority()
        }
    }

    async fn connect(&self) -> Result<Stream, HttpError> {
        let host = self.authority();
        let io = |e: std::io::Error| HttpError::Io {
            host: host.clone(),
            detail: e.to_string(),
        };
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(io)?;
        tcp.set_nodelay(true).map_err(io)?;
        let Some(config) = &self.tls else {
            return Ok(Stream::Plain(tcp));
        };
        let name = ServerName::try_from(self.host.clone()).map_err(|e| HttpError::Io {
            host: host.clone(),
            detail: format!("invalid server name: {e}"),
        })?;
        let tls = TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await
            .map_err(io)?;
        Ok(Stream::Tls(Box::new(tls)))
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

async fn round_trip<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    head: &[u8],
    body: &[u8],
) -> std::io::Result<Result<(u16, Vec<u8>), String>> {
    stream.write_all(head).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    let mut raw = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    // The answer ends where its framing says (Content-Length or the last chunk), so a server
    // that keeps the connection open despite `Connection: close` does not make us wait.
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(n) => n,
            // A TLS peer that closes without close_notify: treat as the end of the stream.
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(try_parse(&raw, true).and_then(|r| r.ok_or_else(|| "truncated".into())));
        }
        raw.extend_from_slice(&buf[..n]);
        match try_parse(&raw, false) {
            Ok(None) => continue,
            Ok(Some(done)) => return Ok(Ok(done)),
            Err(e) => return Ok(Err(e)),
        }
    }
}

/// Splits an HTTP/1.1 answer into status and body (de-chunked); `None` while more bytes are
/// needed (`eof`: no more will come).
fn try_parse(raw: &[u8], eof: bool) -> Result<Option<(u16, Vec<u8>)>, String> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if eof {
            Err("no end of headers".into())
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&raw[..end]).map_err(|_| "headers are not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| "bad Content-Length")?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    let rest = &raw[end + 4..];
    if chunked {
        return match dechunk(rest) {
            Ok(body) => Ok(Some((status, body))),
            Err(_) if !eof => Ok(None),
            Err(e) => Err(e),
        };
    }
    match length {
        Some(n) if rest.len() >= n => Ok(Some((status, rest[..n].to_vec()))),
        Some(_) if eof => Err("body shorter than Content-Length".into()),
        Some(_) => Ok(None),
        None if eof => Ok(Some((status, rest.to_vec()))),
        None => Ok(None),
    }
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk size")?;
        let size_text = std::str::from_utf8(&rest[..eol]).map_err(|_| "bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "bad chunk size")?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(rest.get(..size).ok_or("truncated chunk")?);
        rest = rest.get(size + 2..).ok_or("truncated chunk")?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_length_chunked_and_close_delimited_bodies() {
        let done = |raw: &[u8], eof| try_parse(raw, eof).unwrap().unwrap();
        let r = done(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}xx", false);
        assert_eq!(r, (200, b"{}".to_vec()));
        let chunked: &[u8] =
            b"HTTP/1.1 429 Too Many\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n2;x=y\r\n\"}\r\n0\r\n\r\n";
        assert_eq!(done(chunked, false), (429, b"{\"a\"}".to_vec()));
        for cut in 0..chunked.len() - 5 {
            assert_eq!(
                try_parse(&chunked[..cut], false),
                Ok(None),
                "incomplete at {cut}"
            );
        }
        assert_eq!(
            done(b"HTTP/1.0 403 Forbidden\r\n\r\n{}", true),
            (403, b"{}".to_vec())
        );
        assert_eq!(
            try_parse(b"HTTP/1.0 403 Forbidden\r\n\r\n{}", false),
            Ok(None)
        );
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}";
        assert_eq!(try_parse(short, false), Ok(None));
        assert!(try_parse(short, true).is_err());
        assert!(try_parse(b"garbage", true).is_err());
    }

    #[test]
    fn parses_api_urls() {
        let e = Endpoint::parse("http://127.0.0.1:8081/", None).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.prefix.as_str()),
            ("127.0.0.1", 8081, "")
        );
        let e = Endpoint::parse("https://api.telegram.org", None).unwrap();
        assert_eq!((e.host.as_str(), e.port), ("api.telegram.org", 443));
        let e = Endpoint::parse("http://localhost/tg/", None).unwrap();
        assert_eq!((e.port, e.prefix.as_str()), (80, "/tg"));
        assert!(Endpoint::parse("ftp://x", None).is_err());
        assert!(Endpoint::parse("http://:80", None).is_err());
    }
}
