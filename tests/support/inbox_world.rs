//! A Dovecot and a database for the inbox tests: two clients of the same domain (C1
//! uno@cliente.example with F-1, C2 dos@cliente.example with F-2) and our first reminder to C1.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cobrador::config::{Config, EXAMPLE};
use cobrador::engine;
use cobrador::inbox;
use cobrador::store::{self, Store};

use super::{Dovecot, imap_section, make_certs, two_clients};
pub use super::{mail_fixture, utc};

/// Bound on one pass (generous: the machine is shared).
pub const BOUND: Duration = Duration::from_secs(180);

/// The harness of one inbox test.
pub struct InboxWorld {
    /// Config file, database, certificates.
    pub tmp: tempfile::TempDir,
    /// The IMAP server.
    pub dovecot: Dovecot,
    /// The configuration (also written to `tmp/cobrador.toml`).
    pub config: Config,
    /// The database.
    pub store: Store,
}

fn config_for(tmp: &Path, dovecot: &Dovecot, ca: &Path, extra: &str) -> String {
    format!("{EXAMPLE}\n{}", imap_section(dovecot, tmp, ca, extra))
}

/// Dovecot, a database with two clients (C1 uno@cliente.example with F-1, C2
/// dos@cliente.example with F-2: [`two_clients`]), and our first reminder to C1 queued.
pub fn world(extra: &str) -> InboxWorld {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let dovecot = Dovecot::start(&certs);
    let text = config_for(tmp.path(), &dovecot, &certs.ca, extra);
    std::fs::write(tmp.path().join("cobrador.toml"), &text).unwrap();
    let config = Config::parse(&text, "cobrador.toml").unwrap();
    let mut base = two_clients()
        .in_dir(tmp)
        .config(config)
        .imported_at(utc("2026-11-01 09:00"))
        .build();
    engine::queue_due(
        &mut base.store,
        &base.config,
        &base.renderer,
        utc("2026-11-24 10:00"),
    )
    .unwrap();
    InboxWorld {
        tmp: base.dir,
        dovecot,
        config: base.config,
        store: base.store,
    }
}

impl InboxWorld {
    /// The Message-ID of our reminder to C1.
    pub fn ours(&self) -> String {
        store::outbox::for_client(self.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .find_map(|m| m.message.message_id)
            .unwrap()
    }

    /// One `check_once`, bounded.
    pub async fn check(&mut self, now: DateTime<Utc>) -> inbox::InboxReport {
        tokio::time::timeout(BOUND, inbox::check_once(&self.config, &mut self.store, now))
            .await
            .expect("inbox check hung")
            .unwrap()
    }

    /// Every stored response.
    pub fn responses(&self) -> Vec<store::StoredResponse> {
        store::responses::list(self.store.conn(), false).unwrap()
    }

    /// Rows in the outbox.
    pub fn outbox_len(&self) -> usize {
        store::outbox::all(self.store.conn()).unwrap().len()
    }
}

/// A plain-text reply.
pub fn mail(from: &str, subject: &str, id: &str, in_reply_to: Option<&str>, body: &str) -> Vec<u8> {
    let thread = in_reply_to
        .map(|r| format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: cobros@reformasprado.example\r\nSubject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 18:05:00 +0100\r\nMessage-ID: <{id}>\r\n{thread}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// A fixture sent by C1's contact instead of its original sender (its first line is From:).
pub fn from_c1(name: &str) -> Vec<u8> {
    let raw = mail_fixture(name);
    let end = raw.iter().position(|b| *b == b'\n').unwrap() + 1;
    assert!(raw.starts_with(b"From: "), "{name}");
    [
        b"From: Uno <uno@cliente.example>\r\n".as_slice(),
        &raw[end..],
    ]
    .concat()
}

/// Waits (bounded) until `n` responses are stored.
pub async fn wait_for_responses(db: &Path, n: usize) {
    let store = Store::open(db).unwrap();
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let got = store::responses::list(store.conn(), false).unwrap().len();
        if got >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {got} of {n} responses recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
