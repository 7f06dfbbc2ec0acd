//! Everything the integration tests share: a new test file says `mod support;` and starts
//! here (docs/architecture.md, "Tests", says how to write one).
//!
//! - A business to test against: [`world`] / [`two_clients`] (world.rs) for library-level
//!   tests (a real SQLite file, imported clients and invoices, the example configuration);
//!   [`config_text`] / [`config`] for the test business's configuration with extra sections;
//!   [`world_with_clients`] and [`init_with_examples`] for a directory the binary runs in.
//! - Time: [`utc`] (`"2026-11-24 10:00"`), the one way to write a moment; [`t0`], the fixed
//!   clock of the outbox tests.
//! - The real binary (bin.rs): [`cobrador_cmd`], [`run_cobrador`] (its `Output`),
//!   [`cobrador_ok`] (panics with stderr unless it succeeds); [`wait_until`] for a daemon.
//! - MIME fixtures: [`mail_fixture`] reads `tests/fixtures/mail/NAME.eml` (the corpus
//!   tests/mail_corpus.rs checks every file there against `expected.json`).
//! - Real servers on 127.0.0.1, started and stopped by the tests: [`Capture`] (Debian's
//!   aiosmtpd, `smtp_capture.py` beside this file, storing every accepted message; killed on
//!   drop); [`stall_server`] (greets, answers EHLO, then never says another word);
//!   [`SmtpSink`] (Postfix's smtp-sink: offers PIPELINING, dumps each message, fails on
//!   command); [`make_certs`] (a throwaway CA and a certificate for 127.0.0.1/localhost, made with
//!   openssl); [`Dovecot`] (plus dovecot_ops.rs and inbox_world.rs for the inbox tests). The
//!   fake Telegram Bot API is telegram.rs, included by the tests that need it.
//!
//! Needs the packages in scripts/test.sh (python3-aiosmtpd, openssl, postfix, dovecot-imapd).

// Each test binary compiles this module and uses a part of it.
#![allow(dead_code, unused_imports)]

mod bin;
mod dovecot_ops;
pub mod inbox_world;
mod smtp_sink;
mod world;

pub use bin::{
    all_output, cobrador_cmd, cobrador_ok, generated_book_in, import_examples, init_with_examples,
    parse_reply, run_cobrador, run_with_stdin, wait_until,
};
pub use dovecot_ops::imap_section;
pub use smtp_sink::{SmtpSink, sink_recipients};
pub use world::{
    BANK_CLIENTS, BANK_INVOICES, TWO_CLIENTS, TWO_INVOICES, World, WorldBuilder, eight_invoices,
    eight_invoices_by_cli, generated_as_of, generated_book, import_defaults, pay, two_clients, utc,
    world,
};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use cobrador::config::Config;
use cobrador::domain::Channel;
use cobrador::store::{NewOutboxMessage, Store, outbox};

/// How long a server may take to start (generous: machines are noisy).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running capturing SMTP server.
pub struct Capture {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Where messages land (`NNNNNN.eml`, `envelopes.jsonl`).
    pub dir: PathBuf,
}

impl Capture {
    /// Starts a server on a free port, storing into `dir`.
    pub fn start(dir: &Path, args: &[&str]) -> Capture {
        Capture::start_on(dir, 0, args)
    }

    /// Starts a server on `port` (0: a free one).
    pub fn start_on(dir: &Path, port: u16, args: &[&str]) -> Capture {
        std::fs::create_dir_all(dir).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_capture.py");
        let stderr = std::fs::File::create(dir.join("capture.stderr")).unwrap();
        let mut child = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg("--port")
            .arg(port.to_string())
            .arg("--dir")
            .arg(dir)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("cannot run /usr/bin/python3: see scripts/test.sh for the packages");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        let Some(port) = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
        else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "smtp_capture.py did not start (is python3-aiosmtpd installed?): {}",
                std::fs::read_to_string(dir.join("capture.stderr")).unwrap_or_default()
            );
        };
        Capture {
            child: Some(child),
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// Every captured message, in arrival order.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        captured(&self.dir)
    }

    /// Every envelope (JSON: mail_from, rcpt_tos, tls, auth), in arrival order.
    pub fn envelopes(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.join("envelopes.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Kills the server and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Messages stored in a capture directory, in arrival order.
pub fn captured(dir: &Path) -> Vec<Vec<u8>> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The Message-ID of a raw message, with angle brackets.
pub fn message_id_of(raw: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default().parse(raw).unwrap();
    format!("<{}>", parsed.message_id().unwrap())
}

/// The file `tests/fixtures/mail/{name}` (e.g. `reply-gmail-es.eml`).
pub fn mail_fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A port with nothing listening (bound, then released).
pub fn unused_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An SMTP server that greets, answers EHLO, then stalls forever. Returns its port; it lives
/// as long as the current tokio runtime.
pub async fn stall_server() -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let _ = write.write_all(b"220 stall.test ESMTP\r\n").await;
                let mut lines = tokio::io::BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let verb = line.to_ascii_uppercase();
                    if verb.starts_with("EHLO") || verb.starts_with("HELO") {
                        let _ = write.write_all(b"250 stall.test\r\n").await;
                    }
                    // Anything else: silence, with the connection held open.
                }
            });
        }
    });
    port
}

/// Paths of a throwaway CA and a server certificate for 127.0.0.1 and localhost.
pub struct Certs {
    /// The CA certificate to trust (`ca-file`).
    pub ca: PathBuf,
    /// The server's certificate.
    pub cert: PathBuf,
    /// The server's key.
    pub key: PathBuf,
}

/// Makes a CA and a server certificate with openssl in `dir`.
pub fn make_certs(dir: &Path) -> Certs {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("cannot run openssl: see scripts/test.sh");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=cobrador test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("ext.cnf"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n\
         extendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "server.pem",
    ]);
    Certs {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

/// The test business, contact hours covering the legal day, plus `extra` TOML (e.g. an
/// `[email.smtp]` section).
pub fn config_text(extra: &str) -> String {
    format!(
        r#"
[business]
name = "Reformas Prado"
legal-name = "Reformas Prado S.L."
tax-id = "B86543210"
email = "cobros@reformasprado.example"
contact-person = "Lucía Martín"
country = "ES"
time-zone = "Europe/Madrid"

# The whole legal day (Spain: 9:00-20:00, Monday to Friday), so that sends at the fixed test
# clock (Monday 10:00 in Madrid) are inside the contact window the sender enforces.
[contact]
hours = "09:00-20:00"
avoid-monday-morning = false
avoid-friday-afternoon = false

{extra}
"#
    )
}

/// A parsed test configuration.
pub fn config(extra: &str) -> Config {
    Config::parse(&config_text(extra), "test.toml").unwrap()
}

/// `[email.smtp]` for a plaintext server on 127.0.0.1:`port`.
pub fn plain_smtp(port: u16, timeout_secs: u64) -> String {
    format!(
        "[email.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plaintext\"\n\
         timeout-secs = {timeout_secs}\n"
    )
}

/// A fixed test clock: Monday 23 November 2026, 10:00 in Madrid.
pub fn t0() -> DateTime<Utc> {
    utc("2026-11-23 09:00")
}

/// A rehearsal's Tuesday morning (09:30 UTC) and the Friday after it, months away from the
/// real date: replies written now carry the real time, from another era than a daemon whose
/// clock starts there. The first of a list of June Tuesdays (no holiday in any supported
/// country) more than 60 days from today, so the test keeps showing that the clock, not the
/// real date, decides, whatever day it runs.
pub fn rehearsal_tuesday() -> (DateTime<Utc>, chrono::NaiveDate) {
    const TUESDAYS: [&str; 8] = [
        "2027-06-08",
        "2028-06-13",
        "2029-06-12",
        "2030-06-11",
        "2031-06-10",
        "2032-06-08",
        "2033-06-14",
        "2034-06-13",
    ];
    let today = Utc::now();
    let tuesday = TUESDAYS
        .iter()
        .map(|d| utc(&format!("{d} 09:30")))
        .find(|t| (*t - today).num_days() > 60)
        .expect("add later June Tuesdays to support::rehearsal_tuesday");
    assert_eq!(
        chrono::Datelike::weekday(&tuesday),
        chrono::Weekday::Tue,
        "{tuesday}"
    );
    (tuesday, tuesday.date_naive() + chrono::Days::new(3))
}

/// Creates a client row (outbox rows need one).
pub fn add_client(store: &Store, id: &str) {
    store
        .conn()
        .execute(
            "INSERT OR IGNORE INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
             VALUES (?1, 'Cliente ' || ?1, 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')",
            [id],
        )
        .unwrap();
}

/// A plain email reminder for `client`, due at [`t0`], with a Message-ID derived from `key`.
pub fn reminder(client: &str, key: &str, to: &[&str]) -> NewOutboxMessage {
    NewOutboxMessage {
        dedup_key: key.into(),
        client_id: client.into(),
        stage: "early".into(),
        cycle: "1".into(),
        channel: Channel::Email,
        recipients: to.iter().map(|s| s.to_string()).collect(),
        cc: vec![],
        subject: Some(format!("Factura pendiente ({key})")),
        body_text: "Hola:\n\nLe recordamos que la factura Nº F-1 está pendiente.\n".into(),
        body_html: None,
        attachment: None,
        message_id: Some(cobrador::channel::email::new_message_id(
            "reformasprado.example",
            key,
        )),
        in_reply_to: None,
        references: None,
        send_at: t0(),
        invoices: vec![],
    }
}

/// Queues `n` reminders for one client; returns their ids.
pub fn queue_many(store: &Store, n: usize) -> Vec<i64> {
    add_client(store, "C1");
    (0..n)
        .map(|i| {
            let key = format!("C1|r{i}|1");
            outbox::insert_if_new(
                store.conn(),
                &reminder("C1", &key, &["ana@cliente.example"]),
                t0(),
            )
            .unwrap()
            .unwrap()
        })
        .collect()
}

/// A throwaway Dovecot IMAP server (plain/STARTTLS and implicit TLS) with one user,
/// `cobros` / `secreto`, and a `Sent` mailbox. Stopped on drop.
pub struct Dovecot {
    child: Option<Child>,
    /// Where its configuration and mail live (short: unix sockets need < 108 bytes).
    pub dir: tempfile::TempDir,
    /// IMAP (STARTTLS offered) on 127.0.0.1.
    pub port: u16,
    /// IMAPS on 127.0.0.1.
    pub tls_port: u16,
}

fn id(flag: &str, user: Option<&str>) -> String {
    let out = Command::new("id").arg(flag).args(user).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Dovecot {
    /// Starts Dovecot with the certificate in `certs`.
    pub fn start(certs: &Certs) -> Dovecot {
        let dir = tempfile::Builder::new()
            .prefix("dv")
            .tempdir_in("/tmp")
            .unwrap();
        let d = dir.path().display().to_string();
        let (port, tls_port) = (unused_port(), unused_port());
        let me = id("-un", None);
        let root = id("-u", None) == "0";
        // As root, Dovecot refuses to run logins and mail processes as root.
        let login_user = if root {
            "dovenull".to_owned()
        } else {
            me.clone()
        };
        let mail_user = if root {
            "nobody".to_owned()
        } else {
            me.clone()
        };
        let (mail_uid, mail_gid) = (id("-u", Some(&mail_user)), id("-g", Some(&mail_user)));
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        if root {
            Command::new("chmod").args(["0755", &d]).status().unwrap();
            Command::new("chown")
                .args([&format!("{mail_uid}:{mail_gid}"), &format!("{d}/mail")])
                .status()
                .unwrap();
        }
        std::fs::write(
            dir.path().join("users"),
            format!("cobros:{{PLAIN}}secreto:::{d}/mail/cobros::\n"),
        )
        .unwrap();
        std::fs::copy(&certs.cert, dir.path().join("cert.pem")).unwrap();
        std::fs::copy(&certs.key, dir.path().join("key.pem")).unwrap();
        let group = id("-gn", None);
        let conf = format!(
            r#"protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
instance_name = cobrador-test-{port}
log_path = {d}/dovecot.log
default_internal_user = {me}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = 1
last_valid_uid = 0
first_valid_gid = 1
mail_uid = {mail_uid}
mail_gid = {mail_gid}
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%n {d}/users
}}
mail_location = maildir:{d}/mail/%n/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
    auto = create
  }}
}}
mail_fsync = never
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"#
        );
        std::fs::write(dir.path().join("dovecot.conf"), conf).unwrap();
        let child = Command::new("dovecot")
            .args(["-F", "-c", &format!("{d}/dovecot.conf")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run dovecot: see scripts/test.sh for the packages");
        let dovecot = Dovecot {
            child: Some(child),
            dir,
            port,
            tls_port,
        };
        let start = std::time::Instant::now();
        for p in [port, tls_port] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(
                    start.elapsed() < START_TIMEOUT,
                    "dovecot did not open port {p}: {}",
                    std::fs::read_to_string(dovecot.dir.path().join("dovecot.log"))
                        .unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        dovecot
    }

    /// `doveadm` against this instance.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let conf = self.dir.path().join("dovecot.conf");
        let out = Command::new("doveadm")
            .arg("-c")
            .arg(&conf)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "doveadm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Dovecot {
    /// Stops the server and its mail processes: a test leaves nothing running.
    fn drop(&mut self) {
        self.stop();
    }
}

/// Writes `cobrador.toml` (the test business plus `extra`), creates the database and imports
/// `n` clients, alternately in Madrid and Bogotá, each with one invoice 40 days overdue on
/// 2026-11-24.
pub fn world_with_clients(dir: &Path, extra: &str, n: usize) {
    std::fs::write(dir.join("cobrador.toml"), config_text(extra)).unwrap();
    cobrador_ok(dir, &["init"]);
    let mut clients = String::from("id;name;email;pais;tz\n");
    let mut invoices = String::from("numero;cliente;fecha;vencimiento;importe;moneda\n");
    for i in 0..n {
        let (country, tz, currency) = if i % 2 == 0 {
            ("ES", "Europe/Madrid", "EUR")
        } else {
            ("CO", "America/Bogota", "COP")
        };
        clients.push_str(&format!(
            "K{i:03};Cliente {i};pagos{i}@cliente{i}.example;{country};{tz}\n"
        ));
        invoices.push_str(&format!(
            "FX-{i:03};K{i:03};01/09/2026;15/10/2026;{}.{:03},00;{currency}\n",
            1 + i,
            i
        ));
    }
    std::fs::write(dir.join("clients.csv"), clients).unwrap();
    std::fs::write(dir.join("invoices.csv"), invoices).unwrap();
    cobrador_ok(dir, &["import", "clients", "clients.csv"]);
    cobrador_ok(dir, &["import", "invoices", "invoices.csv"]);
}

/// One `sender::flush_configured` pass at `now` with default options, bounded (generously:
/// only so that a regression cannot hang CI).
pub async fn flush_bounded(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
) -> cobrador::sender::FlushReport {
    tokio::time::timeout(
        Duration::from_secs(120),
        cobrador::sender::flush_configured(
            config,
            store,
            now,
            &cobrador::sender::FlushOptions::default(),
        ),
    )
    .await
    .expect("flush hung")
    .unwrap()
}
