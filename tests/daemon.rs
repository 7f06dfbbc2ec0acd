//! `cobrador run` end to end: the real binary, a real SQLite file, a real SMTP server (aiosmtpd),
//! real signals. The daemon's clock starts at a fixed Tuesday morning (`--clock-start`) so that
//! the contact windows are open whatever the machine's time.

#[path = "support/telegram.rs"]
mod fake;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use support::{
    Capture, cobrador_cmd, cobrador_ok, config_text, init_with_examples, plain_smtp, run_cobrador,
    wait_until,
};

const MONDAY: &str = "2026-11-24T09:30:00Z";

/// A directory with a config pointing at `smtp_port`, the example clients and invoices imported.
fn setup(smtp: &str) -> tempfile::TempDir {
    setup_with(|_| smtp.to_owned())
}

/// As [`setup`], with the extra configuration written for the directory.
fn setup_with(extra: impl Fn(&Path) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), &extra(dir.path()));
    init_with_examples(dir.path(), &["clientes.csv", "facturas.csv"]);
    dir
}

fn write_config(dir: &Path, smtp: &str) {
    let text = config_text(&format!(
        "[daemon]\nchange-poll-secs = 1\nplan-interval-secs = 2\n\n{smtp}"
    ));
    std::fs::write(dir.join("cobrador.toml"), text).unwrap();
}

/// The running daemon; killed on drop if a test fails half-way.
struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(dir: &Path) -> Daemon {
        start_at(dir, MONDAY)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log contains `needle` (at most 60 s: the machine may be busy).
    fn wait_for_log(&self, needle: &str) {
        wait_until(&format!("log line {needle:?}"), || {
            self.log().contains(needle)
        });
        let _ = &self.child;
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
    }

    /// Sends SIGTERM and returns the exit status (the daemon must stop within 30 s).
    fn terminate(mut self) -> std::process::ExitStatus {
        self.signal(libc::SIGTERM);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the daemon did not stop within 30 s of SIGTERM:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn statuses(dir: &Path) -> Vec<String> {
    let json = cobrador_ok(dir, &["outbox", "list", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    rows.iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn run_sends_what_is_due_refuses_a_second_instance_reloads_and_stops_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let smtp = plain_smtp(server.port, 30);
    let dir = setup(&smtp);
    let daemon = Daemon::start(dir.path());
    wait_until("the two due reminders", || server.messages().len() >= 2);
    daemon.wait_for_log("cobrador is running");
    // mail27: a mail server gone mid-write must be an error the daemon handles, not SIGPIPE
    // killing it without a word (exit 141 when Dovecot restarted): the signal stays ignored.
    let status = std::fs::read_to_string(format!("/proc/{}/status", daemon.child.id())).unwrap();
    let ignored = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .map(|mask| u64::from_str_radix(mask.trim(), 16).unwrap())
        .unwrap();
    assert_ne!(
        ignored & (1 << (libc::SIGPIPE - 1)),
        0,
        "SigIgn: {ignored:x}"
    );

    // One instance per database: a second `run` is refused, a `tick` says why it cannot start.
    let second = run_cobrador(dir.path(), &["run"], &[]);
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("only one `cobrador run`"), "{err}");
    assert!(err.contains("`cobrador run`"), "{err}");
    let tick = run_cobrador(dir.path(), &["tick", "--wait", "1"], &[]);
    assert!(!tick.status.success());
    assert!(
        String::from_utf8_lossy(&tick.stderr).contains("is using the database"),
        "{}",
        String::from_utf8_lossy(&tick.stderr)
    );

    // A change by another process (a payment) wakes the loop at once.
    cobrador_ok(
        dir.path(),
        &["invoice", "pay", "F2026-101", "1", "--date", "2026-11-24"],
    );
    daemon.wait_for_log("the database changed");

    // SIGHUP with a broken config: logged with its line, the old one stays in force.
    std::fs::write(
        dir.path().join("cobrador.toml"),
        config_text("[daemon]\nplan-interval-secs = \"often\"\n"),
    )
    .unwrap();
    daemon.signal(libc::SIGHUP);
    daemon.wait_for_log("keeping the running one");
    assert!(daemon.log().contains("cobrador.toml:"), "{}", daemon.log());
    // A good config is then taken.
    write_config(dir.path(), &smtp);
    daemon.signal(libc::SIGHUP);
    daemon.wait_for_log("configuration and templates reloaded");

    let status = daemon.terminate();
    assert!(status.success(), "exit status {status:?}");
    let statuses = statuses(dir.path());
    assert!(!statuses.iter().any(|s| s == "sending"), "{statuses:?}");
    assert_eq!(
        server.messages().len(),
        statuses.iter().filter(|s| *s == "sent").count(),
        "every sent row was delivered once"
    );
}

#[test]
fn sigterm_mid_send_lets_the_send_finish_and_leaves_nothing_sending() {
    let tmp = tempfile::tempdir().unwrap();
    // Each DATA takes 2 s to be answered: the daemon is mid-send when SIGTERM comes.
    let server = Capture::start(&tmp.path().join("cap"), &["--delay-data", "2"]);
    let dir = setup(&format!("{}pool-size = 1\n", plain_smtp(server.port, 30)));
    {
        let store = cobrador::store::Store::open_existing(&dir.path().join("cobrador.db")).unwrap();
        support::queue_many(&store, 20);
    }
    let daemon = Daemon::start(dir.path());
    wait_until("the first send to start", || {
        statuses(dir.path()).iter().any(|s| s == "sending")
    });
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status:?}");
    let after = statuses(dir.path());
    assert!(
        !after.iter().any(|s| s == "sending" || s == "uncertain"),
        "{after:?}"
    );
    let sent = after.iter().filter(|s| *s == "sent").count();
    assert!(sent >= 1, "the send in flight finished: {after:?}");
    assert!(
        after.iter().any(|s| s == "queued"),
        "no new send started after SIGTERM: {after:?}"
    );
    assert_eq!(
        server.messages().len(),
        sent,
        "each sent row delivered once"
    );
}

/// Starts `cobrador run` in `dir` with its clock starting at `clock`, logging to a file.
fn start_at(dir: &Path, clock: &str) -> Daemon {
    let log = dir.join(format!("run-{}.log", fastrand::u32(..)));
    let child = cobrador_cmd(dir)
        .env("COBRADOR_LOG", "info")
        .args(["run", "--clock-start", clock])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    Daemon { child, log }
}

#[test]
fn run_reads_a_reply_over_imap_and_acts_on_it_within_seconds() {
    let tmp = tempfile::tempdir().unwrap();
    let certs = support::make_certs(tmp.path());
    let dovecot = support::Dovecot::start(&certs);
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let dir = setup_with(|d| {
        format!(
            "{}\n{}",
            plain_smtp(server.port, 30),
            support::imap_section(&dovecot, d, &certs.ca, "")
        )
    });
    let (tuesday, friday) = support::rehearsal_tuesday();
    let daemon = start_at(dir.path(), &tuesday.to_rfc3339());
    wait_until("a reminder by SMTP", || !server.messages().is_empty());
    daemon.wait_for_log("cobrador is running");
    let sent = server.messages();
    let first = mail_parser::MessageParser::default()
        .parse(&sent[0])
        .unwrap();
    let ours = first.message_id().unwrap().to_owned();
    let to = first
        .to()
        .unwrap()
        .first()
        .unwrap()
        .address()
        .unwrap()
        .to_owned();
    let reply = format!(
        "From: <{to}>\r\nTo: <cobros@reformasprado.example>\r\nSubject: Re: {}\r\n\
         Message-ID: <respuesta-1@cliente.example>\r\nIn-Reply-To: <{ours}>\r\n\
         References: <{ours}>\r\nDate: {}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Buenos días, le pago el viernes sin falta.\r\n\r\nUn saludo\r\n",
        first.subject().unwrap_or(""),
        chrono::Utc::now().to_rfc2822()
    );
    dovecot.deliver("INBOX", reply.as_bytes());
    // The watcher reads it, the promise is recorded, and the acknowledgement goes out. The
    // message's Date is the real one, months before the daemon's clock: "el viernes" is the
    // Friday after the clock's date, not after the real date.
    wait_until("the promise to be recorded", || {
        let out = run_cobrador(dir.path(), &["responses", "--json"], &[]);
        String::from_utf8_lossy(&out.stdout).contains("\"promise\"")
    });
    let out = run_cobrador(dir.path(), &["responses", "--json"], &[]);
    let responses: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let promise = responses
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["intent"] == "promise")
        .unwrap();
    assert_eq!(
        promise["promised_date"],
        friday.to_string(),
        "read against the daemon's clock: {promise}"
    );
    wait_until("the acknowledgement", || {
        server
            .messages()
            .iter()
            .any(|m| String::from_utf8_lossy(m).contains("respuesta-1@cliente.example"))
    });
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status:?}");
}

/// Benchmark, not a test (run by bench/daemon-idle.sh): the daemon idle with an IMAP IDLE
/// watcher and a Telegram long poll for BENCH_SECS (default 600); prints its peak RSS and the
/// CPU seconds it used.
#[test]
#[ignore]
fn idle_daemon_resources() {
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let tmp = tempfile::tempdir().unwrap();
    let certs = support::make_certs(tmp.path());
    let dovecot = support::Dovecot::start(&certs);
    let bot = fake::FakeBotApi::start(tmp.path(), "123:abc");
    std::fs::write(tmp.path().join("token"), "123:abc\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let imap = support::imap_section(&dovecot, dir.path(), &certs.ca, "");
    let telegram = format!(
        "[telegram]\nbot-username = \"CobrosPradoBot\"\ntoken-file = {:?}\napi-url = \"{}\"\n",
        tmp.path().join("token"),
        bot.url()
    );
    std::fs::write(
        dir.path().join("cobrador.toml"),
        config_text(&format!("{imap}\n{telegram}")),
    )
    .unwrap();
    cobrador_ok(dir.path(), &["init"]);
    let daemon = start_at(dir.path(), &support::rehearsal_tuesday().0.to_rfc3339());
    daemon.wait_for_log("cobrador is running");
    std::thread::sleep(Duration::from_secs(secs));
    let pid = daemon.child.id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
            .unwrap_or_default()
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    let hz = 100.0; // USER_HZ on Linux
    println!(
        "idle daemon for {secs} s: RSS now {} kB, peak {} kB, CPU {:.2} s (user+system)",
        field("VmRSS:"),
        field("VmHWM:"),
        ticks / hz
    );
    assert!(daemon.terminate().success());
}
