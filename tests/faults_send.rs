//! Faults on the way out, each a regression test for a defect found by probing (issue 14):
//! retries outside the client's contact hours, a dead message counted as sent, a lost reply
//! after DATA resent blindly, the SMTP password in debug logs, a silent `tick` with the server
//! down. Real aiosmtpd servers on 127.0.0.1 (tests/support), real SQLite files, the real binary.

mod support;

use std::path::Path;
use std::time::Duration;

use chrono::Datelike;
use chrono::{DateTime, Duration as Span, Timelike, Utc, Weekday};
use cobrador::config::Config;
use cobrador::policy::{ContactRules, Country, HolidayCalendar, is_allowed};
use cobrador::sender::{self, FlushOptions, FlushReport};
use cobrador::store::{OutboxStatus, Store, events, outbox};
use support::*;

const FLUSH_BOUND: Duration = Duration::from_secs(120);

async fn flush_at(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
    opts: &FlushOptions,
) -> FlushReport {
    tokio::time::timeout(
        FLUSH_BOUND,
        sender::flush_configured(config, store, now, opts),
    )
    .await
    .expect("flush hung")
    .unwrap()
}

fn row(store: &Store, id: i64) -> cobrador::store::OutboxMessage {
    outbox::get(store.conn(), id).unwrap().unwrap()
}

fn add_client_in(store: &Store, id: &str, country: &str, tz: &str) {
    store
        .conn()
        .execute(
            "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
             VALUES (?1, 'Cliente ' || ?1, ?2, ?3, 'b2b', 'x', 'x')",
            [id, country, tz],
        )
        .unwrap();
}

fn allowed(config: &Config, country: Country, tz: chrono_tz::Tz, at: DateTime<Utc>) -> bool {
    let rules = ContactRules::resolve(country, &config.contact_config(country.code())).unwrap();
    let calendar = HolidayCalendar::new(country, None, &[]).unwrap();
    is_allowed(at, tz, &rules, &calendar, &[])
}

// ---- 3. A lost reply after DATA ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_lost_after_data_is_uncertain_and_never_resent() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--close-after-data", "1"]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 2);
    let opts = FlushOptions::default();

    let report = flush_at(&config, &mut store, t0(), &opts).await;
    assert_eq!((report.uncertain, report.retry), (1, 0), "{report:?}");
    // Two sends run at once (pool-size 2): whichever reached the server first lost its answer.
    let (lost, other) = if row(&store, ids[0]).status == OutboxStatus::Uncertain {
        (ids[0], ids[1])
    } else {
        (ids[1], ids[0])
    };
    assert_eq!(row(&store, lost).status, OutboxStatus::Uncertain);
    assert!(
        row(&store, lost)
            .last_error
            .unwrap()
            .contains("answer was lost"),
        "the reason is kept"
    );
    // Later passes send the rest, and never the uncertain one again.
    for hours in [1, 2, 3] {
        flush_at(&config, &mut store, t0() + Span::hours(hours), &opts).await;
    }
    assert_eq!(row(&store, other).status, OutboxStatus::Sent);
    assert_eq!(row(&store, lost).status, OutboxStatus::Uncertain);
    let delivered: Vec<String> = server.messages().iter().map(|m| message_id_of(m)).collect();
    assert_eq!(
        delivered.len(),
        2,
        "each delivered exactly once: {delivered:?}"
    );
    let first = row(&store, lost).message.message_id.unwrap();
    assert_eq!(delivered.iter().filter(|m| **m == first).count(), 1);
    let kinds: Vec<String> = events::for_client(store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.iter().any(|k| k == "outbox.uncertain"), "{kinds:?}");
    // The owner (or the Sent mailbox) resolves it.
    sender::resolve_by_person(&mut store, lost, true, t0() + Span::hours(4)).unwrap();
    assert_eq!(row(&store, lost).status, OutboxStatus::Sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_silent_after_data_is_uncertain_but_a_451_after_data_is_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let stall = Capture::start(&tmp.path().join("stall"), &["--stall-after-data", "1"]);
    let config = config(&plain_smtp(stall.port, 2));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 1);
    let report = flush_at(&config, &mut store, t0(), &FlushOptions::default()).await;
    assert_eq!(report.uncertain, 1, "{report:?}");
    assert_eq!(row(&store, ids[0]).status, OutboxStatus::Uncertain);
    assert_eq!(stall.messages().len(), 1, "the server has it");

    // A real answer after the dot (451) is an answer: not delivered, retried.
    let tmp2 = tempfile::tempdir().unwrap();
    let busy = Capture::start(&tmp2.path().join("cap"), &["--tempfail-data", "1"]);
    let busy_config = support::config(&plain_smtp(busy.port, 30));
    let mut store = Store::open(&tmp2.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 1);
    let report = flush_at(&busy_config, &mut store, t0(), &FlushOptions::default()).await;
    assert_eq!((report.retry, report.uncertain), (1, 0), "{report:?}");
    let retry_at = row(&store, ids[0]).retry_at.unwrap();
    let report = flush_at(&busy_config, &mut store, retry_at, &FlushOptions::default()).await;
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(busy.messages().len(), 1);
}

// ---- 1. Contact windows for first tries and retries ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_that_falls_outside_contact_hours_waits_for_the_next_allowed_moment() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--tempfail-first", "2"]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client_in(&store, "CO1", "CO", "America/Bogota");
    add_client_in(&store, "ES1", "ES", "Europe/Madrid");
    // Friday 27 November 2026, 18:30 in Bogotá (23:30 UTC): a 451, and the backoff (2 h)
    // lands at night.
    let friday = utc("2026-11-27 23:30");
    let mut m = reminder("CO1", "CO1|firm|1", &["ana@cliente.example"]);
    m.send_at = friday;
    let co = outbox::insert_if_new(store.conn(), &m, friday)
        .unwrap()
        .unwrap();
    let opts = FlushOptions {
        first_retry: Span::hours(2),
        ..FlushOptions::default()
    };
    let report = flush_at(&config, &mut store, friday, &opts).await;
    assert_eq!(report.retry, 1, "{report:?}");
    let retry_at = row(&store, co).retry_at.unwrap();
    let bogota = chrono_tz::America::Bogota;
    let local = retry_at.with_timezone(&bogota);
    assert!(
        allowed(&config, Country::Colombia, bogota, retry_at),
        "{local}"
    );
    assert!(
        local.date_naive() > friday.with_timezone(&bogota).date_naive(),
        "{local}"
    );
    assert_ne!(local.weekday(), Weekday::Sun, "{local}");

    // Madrid, Monday 23 November 19:30 local: a retry one hour later would be 20:30.
    let monday = utc("2026-11-23 18:30");
    let mut m = reminder("ES1", "ES1|firm|1", &["eva@cliente.example"]);
    m.send_at = monday;
    let es = outbox::insert_if_new(store.conn(), &m, monday)
        .unwrap()
        .unwrap();
    let opts = FlushOptions {
        first_retry: Span::hours(1),
        ..FlushOptions::default()
    };
    let report = flush_at(&config, &mut store, monday, &opts).await;
    assert_eq!(report.retry, 1, "{report:?}");
    let retry_at = row(&store, es).retry_at.unwrap();
    let madrid = chrono_tz::Europe::Madrid;
    let local = retry_at.with_timezone(&madrid);
    assert!(
        allowed(&config, Country::Spain, madrid, retry_at),
        "{local}"
    );
    assert_eq!(local.weekday(), Weekday::Tue, "{local}");
    assert!(local.hour() >= 9, "{local}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_try_outside_contact_hours_waits_but_the_owner_is_told_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let client = outbox::insert_if_new(
        store.conn(),
        &reminder("C1", "C1|firm|1", &["ana@cliente.example"]),
        t0(),
    )
    .unwrap()
    .unwrap();
    let mut alert = reminder("C1", "C1|owner_alert|x", &["cobros@reformasprado.example"]);
    alert.stage = "owner_alert".into();
    let owner = outbox::insert_if_new(store.conn(), &alert, t0())
        .unwrap()
        .unwrap();
    // Due since 10:00, but the daemon only runs at 21:30 Madrid.
    let night = utc("2026-11-23 20:30");
    let report = flush_at(&config, &mut store, night, &FlushOptions::default()).await;
    assert_eq!((report.sent, report.postponed), (1, 1), "{report:?}");
    assert_eq!(row(&store, owner).status, OutboxStatus::Sent);
    let waiting = row(&store, client);
    assert_eq!(
        (waiting.status, waiting.attempts),
        (OutboxStatus::Queued, 0)
    );
    let madrid = chrono_tz::Europe::Madrid;
    assert!(allowed(
        &config,
        Country::Spain,
        madrid,
        waiting.message.send_at
    ));
    assert!(waiting.message.send_at > night);
    assert_eq!(server.messages().len(), 1);
    let report = flush_at(
        &config,
        &mut store,
        waiting.message.send_at,
        &FlushOptions::default(),
    )
    .await;
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(server.messages().len(), 2);
}

// ---- 2. Retry for a bounded time, not a bounded count ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_last_four_days_whatever_the_number_of_attempts() {
    let tmp = tempfile::tempdir().unwrap();
    let config = config(&plain_smtp(unused_port(), 5));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 1);
    let opts = FlushOptions::default();
    let mut now = t0();
    let mut attempts_before_dead = 0;
    for _ in 0..200 {
        let report = flush_at(&config, &mut store, now, &opts).await;
        let m = row(&store, ids[0]);
        if m.status == OutboxStatus::Dead {
            attempts_before_dead = m.attempts;
            assert!(now - t0() >= Span::hours(96), "dead too soon, at {now}");
            assert!(m.last_error.unwrap().contains("gave up after"));
            break;
        }
        assert_eq!(m.status, OutboxStatus::Failed, "{report:?}");
        now = m.retry_at.unwrap();
    }
    assert!(
        attempts_before_dead > 10,
        "the old count limit (10) no longer decides: {attempts_before_dead}"
    );
    let kinds: Vec<String> = events::for_client(store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.iter().any(|k| k == "outbox.dead"), "{kinds:?}");
}

// ---- The binary: tick says what failed; dead never advances; requeue; release ----

fn outbox_rows(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str(&cobrador_ok(dir, &["outbox", "list", "--json"])).unwrap()
}

#[test]
fn a_dead_message_never_advances_the_ladder_and_can_be_requeued() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = unused_port();
    std::fs::write(dir.join("cobrador.toml"), config_text(&plain_smtp(port, 5))).unwrap();
    init_with_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    // The server is down: tick says so, and when it retries.
    let out = run_cobrador(dir, &["tick", "--now", "2026-11-24T09:30:00Z"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: sending stopped: cannot connect to SMTP server 127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("the first at 2026-11-24"), "{stderr}");
    let formal = outbox_rows(dir)
        .into_iter()
        .find(|m| m["client_id"] == "C001")
        .expect("C001 queued");
    // First contact on an invoice already late starts at the first overdue stage (issue 13).
    assert_eq!(formal["stage"], "early");
    // Six days later (inside Madrid's hours) the next attempt gives up: dead.
    cobrador_ok(dir, &["tick", "--now", "2026-11-30T10:30:00Z"]);
    let rows = outbox_rows(dir);
    let dead = rows.iter().find(|m| m["id"] == formal["id"]).unwrap();
    assert_eq!(dead["status"], "dead", "{dead}");
    // Not counted as sent: no next stage, no "final notice sent".
    let plan: Vec<serde_json::Value> = serde_json::from_str(&cobrador_ok(
        dir,
        &["plan", "--now", "2026-11-30T10:35:00Z", "--json"],
    ))
    .unwrap();
    assert!(
        !plan
            .iter()
            .any(|m| m["client"] == "C001" && m["held"] != true),
        "C001 waits for its dead early stage: {plan:?}"
    );
    // The server comes back; the owner requeues another dead message by hand.
    let _server = Capture::start_on(&dir.join("cap"), port, &[]);
    let other = rows
        .iter()
        .find(|m| m["status"] == "dead" && m["client_id"] != "C001")
        .expect("another dead message");
    let other_id = other["id"].as_i64().unwrap().to_string();
    // At the simulated instant (the real clock is no part of this test: it ran green only
    // before 10:40 UTC of 30 November 2026, when the requeued message's send time came after
    // the flush's).
    cobrador_ok(
        dir,
        &[
            "outbox",
            "requeue",
            &other_id,
            "--now",
            "2026-11-30T10:38:00Z",
        ],
    );
    let out = cobrador_ok(dir, &["outbox", "flush", "--now", "2026-11-30T10:40:00Z"]);
    assert!(out.contains("sent 1"), "{out}");
    let out = run_cobrador(
        dir,
        &[
            "outbox",
            "requeue",
            &other_id,
            "--now",
            "2026-11-30T10:41:00Z",
        ],
        &[],
    );
    assert!(!out.status.success(), "only dead messages are requeued");
    // A day later the early stage is released and planned again, by the same pass (it took
    // a second pass, mail26: with a tick a day, a day late): the same stage (not the final
    // notice its age would reach), sent once. `plan`, a dry run, says the tick will (mail28 U1:
    // it showed the stage as still failed, and nothing more).
    let plan = cobrador_ok(dir, &["plan", "--now", "2026-12-01T10:45:00Z"]);
    assert!(
        plan.contains("the next `tick` plans their stages again"),
        "{plan}"
    );
    let before = cobrador_ok(dir, &["plan", "--now", "2026-11-30T10:45:00Z"]);
    assert!(!before.contains("plans their stages again"), "{before}");
    cobrador_ok(dir, &["tick", "--now", "2026-12-01T10:45:00Z"]);
    let rows = outbox_rows(dir);
    let c001: Vec<_> = rows.iter().filter(|m| m["client_id"] == "C001").collect();
    let stages: Vec<(&str, &str)> = c001
        .iter()
        .map(|m| (m["stage"].as_str().unwrap(), m["status"].as_str().unwrap()))
        .collect();
    assert!(
        stages.contains(&("early", "dead")) && stages.contains(&("early", "sent")),
        "{stages:?}"
    );
    assert_eq!(
        stages
            .iter()
            .filter(|(s, _)| *s != "early" && !s.starts_with("owner"))
            .count(),
        0,
        "{stages:?}"
    );
    // `outbox flush --now` takes the current time when bare.
    cobrador_ok(dir, &["outbox", "flush", "--now"]);
}

// ---- 7. No credentials in logs ----

#[test]
fn the_smtp_password_never_reaches_the_logs_at_any_level() {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let (cert, key) = (
        certs.cert.display().to_string(),
        certs.key.display().to_string(),
    );
    let password = "s3creto-Muy-Largo";
    let server = Capture::start(
        &tmp.path().join("cap"),
        &[
            "--auth",
            &format!("bot:{password}"),
            "--tls-cert",
            &cert,
            "--tls-key",
            &key,
        ],
    );
    std::fs::write(tmp.path().join("pw"), password).unwrap();
    let smtp = format!(
        "[email.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\n\
         username = \"bot\"\npassword-file = \"{}\"\nca-file = \"{}\"\ntimeout-secs = 30\n",
        server.port,
        tmp.path().join("pw").display(),
        certs.ca.display()
    );
    std::fs::write(tmp.path().join("cobrador.toml"), config_text(&smtp)).unwrap();
    use base64_free::encode;
    let secrets = [
        password.to_owned(),
        encode(format!("\0bot\0{password}").as_bytes()),
        encode(password.as_bytes()),
    ];
    for level in ["debug", "trace", "lettre=trace,async_imap=trace,trace"] {
        let out = run_cobrador(
            tmp.path(),
            &["send-test", "ana@cliente.example"],
            &[("COBRADOR_LOG", level)],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            stderr.contains("Logged in to 127.0.0.1"),
            "debug logging is on and AUTH happened: {stderr}"
        );
        for s in &secrets {
            assert!(!stderr.contains(s.as_str()), "{level}: {s} in\n{stderr}");
        }
    }
    assert_eq!(server.messages().len(), 3);
}

/// Base64 for the test's own use (no crate needed for one assertion).
mod base64_free {
    pub fn encode(bytes: &[u8]) -> String {
        const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn encodes_like_rfc_4648() {
        assert_eq!(encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(encode(b"fooba"), "Zm9vYmE=");
        assert_eq!(encode(b"foob"), "Zm9vYg==");
    }
}

// ---- 8. preview shows the headers that are sent ----

fn header_names(block: &str) -> std::collections::BTreeSet<String> {
    block
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.to_ascii_lowercase()))
        .collect()
}

#[test]
fn preview_shows_the_headers_a_send_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = dir.join("outbox");
    std::fs::write(
        dir.join("cobrador.toml"),
        config_text(&format!("[email]\noutbox-dir = \"{}\"\n", out.display())),
    )
    .unwrap();
    init_with_examples(dir, &["clientes.csv", "facturas.csv"]);
    // Previewed before the send (afterwards, a preview threads under what was sent).
    let preview = cobrador_ok(
        dir,
        &["preview", "--invoice", "F2026-101", "--stage", "early"],
    );
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T10:30:00Z"]);
    let rows = outbox_rows(dir);
    let sent = rows
        .iter()
        .find(|m| m["client_id"] == "C001" && m["status"] == "sent")
        .expect("C001 sent");
    assert_eq!(sent["stage"], "early");
    let eml = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("administracion@ebro.example"))
        .expect("the .eml of C001");
    let shown = header_names(&preview);
    let written = header_names(&eml.replace("\r\n", "\n"));
    assert_eq!(shown, written, "preview:\n{preview}");
    assert!(shown.contains("list-unsubscribe") && shown.contains("content-language"));
}

// ---- One sender at a time: recovery never takes a message another process is sending ----

#[test]
fn a_second_flush_waits_instead_of_calling_a_message_in_flight_uncertain() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let server = Capture::start(&dir.join("cap"), &["--stall-rcpt", "1"]);
    std::fs::write(
        dir.join("cobrador.toml"),
        format!(
            "database = \"c.db\"\n{}",
            config_text(&plain_smtp(server.port, 3))
        ),
    )
    .unwrap();
    let db = dir.join("c.db");
    let ids = {
        let store = Store::open(&db).unwrap();
        queue_many(&store, 1)
    };
    let now = t0().to_rfc3339();
    let mut cmd = cobrador_cmd(dir);
    cmd.args(["outbox", "flush", "--now", &now]);
    let first = std::thread::spawn(move || cmd.output());
    // Wait until the first pass has the message in flight (the server stalls it).
    let store = Store::open(&db).unwrap();
    while row(&store, ids[0]).status != OutboxStatus::Sending {
        std::thread::sleep(Duration::from_millis(10));
    }
    let second = run_cobrador(dir, &["outbox", "flush", "--now", &now], &[]);
    assert!(second.status.success());
    assert!(first.join().unwrap().unwrap().status.success());
    let m = row(&store, ids[0]);
    assert_eq!(
        m.status,
        OutboxStatus::Failed,
        "the stalled send timed out: {m:?}"
    );
    let kinds: Vec<String> = events::for_client(store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(!kinds.iter().any(|k| k == "outbox.uncertain"), "{kinds:?}");
}

/// After a crash, the next pass settles each message the interrupted one had claimed with what
/// its hand-over journal says: accepted by the server → sent (at that pass's clock); handed
/// over with no answer → uncertain (an event, for a person or the Sent mailbox); never handed
/// over → due again, as it was (`failed` if it had failed before). With no journal (a crash of
/// an older version), every claimed message is uncertain, as before.
#[test]
fn a_crash_leaves_uncertain_only_what_was_handed_over_without_an_answer() {
    use cobrador::sender::journal;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let mut store = Store::open(&db).unwrap();
    let ids = queue_many(&store, 5);
    let t = t0() + Span::hours(1);
    outbox::mark_failed(store.conn(), ids[3], "421 busy", t).unwrap();
    for id in &ids[..4] {
        outbox::mark_sending(store.conn(), *id).unwrap();
    }
    let mut j = journal::Journal::begin(&db, t).unwrap();
    j.handing_over(ids[0]).unwrap();
    j.handing_over(ids[1]).unwrap();
    j.accepted(ids[0], None);
    j.write_pending().unwrap();
    drop(j); // killed here

    let later = t + Span::minutes(10);
    let uncertain = sender::recover(&mut store, later).unwrap();
    assert_eq!(uncertain, vec![ids[1]]);
    let row = |id: i64| outbox::get(store.conn(), id).unwrap().unwrap();
    assert_eq!(row(ids[0]).status, OutboxStatus::Sent);
    assert_eq!(
        row(ids[0]).sent_at,
        Some(t),
        "sent at the interrupted pass's clock"
    );
    assert_eq!(row(ids[1]).status, OutboxStatus::Uncertain);
    assert_eq!(
        (row(ids[2]).status, row(ids[2]).attempts),
        (OutboxStatus::Queued, 0)
    );
    assert_eq!(
        (row(ids[3]).status, row(ids[3]).attempts),
        (OutboxStatus::Failed, 0)
    );
    assert_eq!(row(ids[4]).status, OutboxStatus::Queued, "never claimed");
    let kinds: Vec<String> = events::for_client(store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .map(|e| e.kind.to_string())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "outbox.uncertain").count(), 1);

    // No journal to tell: every claimed message may have gone out.
    std::fs::remove_file(journal::path_of(&db)).unwrap();
    outbox::mark_sending(store.conn(), ids[2]).unwrap();
    outbox::mark_sending(store.conn(), ids[4]).unwrap();
    let mut both = sender::recover(&mut store, later).unwrap();
    both.sort();
    assert_eq!(both, vec![ids[2], ids[4]]);
}
