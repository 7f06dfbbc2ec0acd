//! Email out against real SMTP servers on 127.0.0.1: the message as a client and a spam filter
//! see it, TLS + AUTH, temporary and permanent failures, a stalled server, a server that is down
//! for a while. Servers come from tests/support and are stopped when each test ends.

mod support;

use std::time::Duration;

use chrono::Duration as Span;
use cobrador::channel::{Channel, FileChannel, SendContext, SendOutcome, SmtpChannel};
use cobrador::sender::{self, FlushOptions, FlushReport};
use cobrador::store::{NewOutboxMessage, OutboxStatus, Store, events, outbox};
use mail_parser::{MessageParser, MimeHeaders};
use support::*;

/// Bound on any flush in these tests: generous, only there so a regression cannot hang CI.
const FLUSH_BOUND: Duration = Duration::from_secs(120);

async fn flush(config: &cobrador::config::Config, store: &mut Store, hours: i64) -> FlushReport {
    tokio::time::timeout(
        FLUSH_BOUND,
        sender::flush_configured(
            config,
            store,
            t0() + Span::hours(hours),
            &FlushOptions::default(),
        ),
    )
    .await
    .expect("flush hung")
    .unwrap()
}

fn status_of(store: &Store, id: i64) -> OutboxStatus {
    outbox::get(store.conn(), id).unwrap().unwrap().status
}

fn full_reminder() -> NewOutboxMessage {
    let mut m = reminder(
        "C1",
        "C1|firm|1",
        &["ana@cliente.example", "pagos@cliente.example"],
    );
    m.cc = vec!["finanzas@cliente.example".into()];
    m.subject = Some("Factura Nº F-1 pendiente de pago".into());
    m.body_text = "Hola Ana:\n\nLe recordamos que la factura Nº F-1 está pendiente de pago \
                   (1.234,56 €).\n\nUn saludo,\nLucía Martín\n"
        .into();
    m.body_html = Some(
        "<p>Hola Ana:</p><p>Le recordamos que la factura Nº F-1 está pendiente de pago.</p>".into(),
    );
    m.message_id = Some("<f1.firm.cobrador@reformasprado.example>".into());
    m.in_reply_to = Some("<f1.early.cobrador@reformasprado.example>".into());
    m.references = Some(
        "<f1.due.cobrador@reformasprado.example> <f1.early.cobrador@reformasprado.example>".into(),
    );
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_and_body_are_what_clients_and_filters_expect() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let id = outbox::insert_if_new(store.conn(), &full_reminder(), t0())
        .unwrap()
        .unwrap();

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(
        (report.sent, report.retry, report.dead),
        (1, 0, 0),
        "{report:?}"
    );
    assert_eq!(status_of(&store, id), OutboxStatus::Sent);

    let raw = server.messages();
    assert_eq!(raw.len(), 1);
    let msg = MessageParser::default().parse(&raw[0]).unwrap();
    let from = msg.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Reformas Prado"));
    assert_eq!(from.address(), Some("cobros@reformasprado.example"));
    assert_eq!(
        msg.reply_to().unwrap().first().unwrap().address(),
        Some("cobros@reformasprado.example")
    );
    let to: Vec<_> = msg
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(to, ["ana@cliente.example", "pagos@cliente.example"]);
    let cc: Vec<_> = msg
        .cc()
        .unwrap()
        .iter()
        .filter_map(|a| a.address())
        .collect();
    assert_eq!(cc, ["finanzas@cliente.example"]);
    assert_eq!(
        msg.message_id(),
        Some("f1.firm.cobrador@reformasprado.example")
    );
    assert_eq!(
        msg.in_reply_to().as_text(),
        Some("f1.early.cobrador@reformasprado.example")
    );
    let refs: Vec<String> = msg
        .references()
        .as_text_list()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        refs,
        [
            "f1.due.cobrador@reformasprado.example",
            "f1.early.cobrador@reformasprado.example"
        ]
    );
    assert_eq!(msg.subject(), Some("Factura Nº F-1 pendiente de pago"));
    assert_eq!(msg.date().unwrap().to_timestamp(), t0().timestamp());
    assert_eq!(
        msg.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    assert_eq!(
        msg.header_raw("List-Unsubscribe").map(str::trim),
        Some("<mailto:cobros@reformasprado.example?subject=BAJA%20C1>")
    );
    assert_eq!(msg.text_body_count(), 1);
    assert_eq!(msg.html_body_count(), 1);
    let text = msg.body_text(0).unwrap();
    assert!(
        text.contains("Le recordamos que la factura Nº F-1 está pendiente"),
        "{text}"
    );
    assert!(text.contains("1.234,56 €"));
    assert!(
        msg.body_html(0)
            .unwrap()
            .contains("<p>Le recordamos que la factura Nº F-1 está pendiente de pago.</p>")
    );
    // One message, three envelope recipients.
    let env = &server.envelopes()[0];
    assert_eq!(env["mail_from"], "cobros@reformasprado.example");
    assert_eq!(env["rcpt_tos"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_is_attached_and_a_missing_one_makes_the_message_dead() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let pdf = tmp.path().join("F-1.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% test\n").unwrap();
    let mut with = reminder("C1", "C1|a|1", &["ana@cliente.example"]);
    with.attachment = Some(pdf.display().to_string());
    let mut missing = reminder("C1", "C1|b|1", &["ana@cliente.example"]);
    missing.attachment = Some(tmp.path().join("nope.pdf").display().to_string());
    let a = outbox::insert_if_new(store.conn(), &with, t0())
        .unwrap()
        .unwrap();
    let b = outbox::insert_if_new(store.conn(), &missing, t0())
        .unwrap()
        .unwrap();

    let report = flush(&config, &mut store, 0).await;
    assert_eq!((report.sent, report.dead), (1, 1), "{report:?}");
    assert_eq!(status_of(&store, a), OutboxStatus::Sent);
    let dead = outbox::get(store.conn(), b).unwrap().unwrap();
    assert_eq!(dead.status, OutboxStatus::Dead);
    assert!(dead.last_error.unwrap().contains("nope.pdf"));
    let told = events::for_client(store.conn(), "C1", None).unwrap();
    assert!(
        told.iter()
            .any(|e| e.kind == "outbox.dead" && e.detail["outbox_id"] == b)
    );

    let raw = server.messages();
    assert_eq!(raw.len(), 1);
    let msg = MessageParser::default().parse(&raw[0]).unwrap();
    assert_eq!(msg.attachment_count(), 1);
    let att = msg.attachment(0).unwrap();
    assert_eq!(att.attachment_name(), Some("F-1.pdf"));
    assert_eq!(att.contents(), b"%PDF-1.4\n% test\n");
    assert!(msg.body_text(0).unwrap().contains("está pendiente"));
}

fn tls_config(
    port: u16,
    security: &str,
    dir: &std::path::Path,
    ca: Option<&std::path::Path>,
) -> String {
    std::fs::write(dir.join("smtp-password"), "s3creto\n").unwrap();
    format!(
        "[email.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{security}\"\n\
         username = \"bot\"\npassword-file = \"{}\"\ntimeout-secs = 30\n{}",
        dir.join("smtp-password").display(),
        ca.map(|c| format!("ca-file = \"{}\"\n", c.display()))
            .unwrap_or_default()
    )
}

async fn tls_round_trip(security: &str, server_args: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let (cert, key) = (
        certs.cert.display().to_string(),
        certs.key.display().to_string(),
    );
    let mut args = vec![
        "--auth",
        "bot:s3creto",
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
    ];
    args.extend_from_slice(server_args);
    let server = Capture::start(&tmp.path().join("cap"), &args);

    // Without the test CA the certificate is not trusted: nothing is sent, the message waits.
    let untrusted = config(&tls_config(server.port, security, tmp.path(), None));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 2);
    let report = flush(&untrusted, &mut store, 0).await;
    assert_eq!(report.sent, 0, "{report:?}");
    assert!(report.stopped.unwrap().contains("invalid peer certificate"));
    assert!(server.messages().is_empty());
    assert_eq!(status_of(&store, ids[0]), OutboxStatus::Failed);

    // With it (ca-file), TLS and AUTH work and both go out.
    let trusted = config(&tls_config(
        server.port,
        security,
        tmp.path(),
        Some(&certs.ca),
    ));
    let report = flush(&trusted, &mut store, 7).await;
    assert_eq!((report.sent, report.retry), (2, 0), "{report:?}");
    let envelopes = server.envelopes();
    assert_eq!(envelopes.len(), 2);
    for env in envelopes {
        assert_eq!(env["tls"], true);
        assert_eq!(env["auth"], "bot");
    }

    // A wrong password is a configuration problem: the message waits, it is not dead.
    std::fs::write(tmp.path().join("smtp-password"), "wrong").unwrap();
    let mut one = reminder("C1", "C1|pw|1", &["ana@cliente.example"]);
    one.send_at = t0() + Span::hours(8);
    let id = outbox::insert_if_new(store.conn(), &one, t0())
        .unwrap()
        .unwrap();
    let wrong = Config::parse(
        &config_text(&format!(
            "[email.smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"{security}\"\n\
             username = \"bot\"\npassword-file = \"{}\"\nca-file = \"{}\"\n",
            server.port,
            tmp.path().join("smtp-password").display(),
            certs.ca.display()
        )),
        "wrong.toml",
    )
    .unwrap();
    let report = flush(&wrong, &mut store, 9).await;
    assert_eq!(
        (report.sent, report.retry, report.dead),
        (0, 1, 0),
        "{report:?}"
    );
    assert_eq!(status_of(&store, id), OutboxStatus::Failed);
    assert!(report.stopped.unwrap().contains("email.smtp.username"));
}

use cobrador::config::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_and_auth_with_a_test_ca() {
    tls_round_trip("starttls", &["--require-starttls"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn implicit_tls_and_auth_with_a_test_ca() {
    tls_round_trip("tls", &["--smtps"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_failure_is_retried_later_and_then_sent_once() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--tempfail-first", "1"]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 1);

    let report = flush(&config, &mut store, 0).await;
    assert_eq!((report.sent, report.retry), (0, 1), "{report:?}");
    let failed = outbox::get(store.conn(), ids[0]).unwrap().unwrap();
    assert_eq!(failed.status, OutboxStatus::Failed);
    assert!(failed.last_error.unwrap().contains("451"));
    let retry_at = failed.retry_at.unwrap();
    assert!(retry_at > t0() && retry_at <= t0() + Span::minutes(2));

    // Not yet due: nothing happens.
    let report = flush(&config, &mut store, 0).await;
    assert_eq!(report.sent + report.retry, 0);
    // Due: sent, once.
    let report = flush(&config, &mut store, 1).await;
    assert_eq!(report.sent, 1, "{report:?}");
    let sent = outbox::get(store.conn(), ids[0]).unwrap().unwrap();
    assert_eq!((sent.status, sent.attempts), (OutboxStatus::Sent, 2));
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permanent_failure_is_dead_at_once_and_the_owner_is_told() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--reject-rcpt", "nosuch"]);
    let config = config(&plain_smtp(server.port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let bad = outbox::insert_if_new(
        store.conn(),
        &reminder("C1", "C1|x|1", &["nosuch@cliente.example"]),
        t0(),
    )
    .unwrap()
    .unwrap();
    let good = outbox::insert_if_new(
        store.conn(),
        &reminder("C1", "C1|y|1", &["ana@cliente.example"]),
        t0(),
    )
    .unwrap()
    .unwrap();

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(
        (report.sent, report.retry, report.dead),
        (1, 0, 1),
        "{report:?}"
    );
    let dead = outbox::get(store.conn(), bad).unwrap().unwrap();
    assert_eq!((dead.status, dead.attempts), (OutboxStatus::Dead, 1));
    assert!(dead.last_error.unwrap().contains("550"));
    assert_eq!(status_of(&store, good), OutboxStatus::Sent);
    let told: Vec<_> = events::for_client(store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "outbox.dead")
        .collect();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].detail["outbox_id"], bad);
    // Never retried.
    let report = flush(&config, &mut store, 24).await;
    assert_eq!(report.sent + report.retry + report.dead, 0);
    assert_eq!(server.messages().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_server_times_out_and_the_flush_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let port = stall_server().await;
    let config = config(&plain_smtp(port, 1));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 5);

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(report.sent, 0);
    assert!(report.retry >= 1, "{report:?}");
    assert!(
        report
            .stopped
            .as_deref()
            .unwrap()
            .contains("did not answer"),
        "{report:?}"
    );
    for id in ids {
        let s = status_of(&store, id);
        assert!(
            matches!(s, OutboxStatus::Failed | OutboxStatus::Queued),
            "{id}: {s:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_down_for_a_while_gets_everything_once_when_back() {
    let tmp = tempfile::tempdir().unwrap();
    let port = unused_port();
    let config = config(&plain_smtp(port, 30));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 20);

    for hour in [0, 1] {
        let report = flush(&config, &mut store, hour).await;
        assert_eq!(report.sent, 0);
        assert!(
            report
                .stopped
                .as_deref()
                .unwrap()
                .contains("cannot connect"),
            "{report:?}"
        );
    }
    let server = Capture::start_on(&tmp.path().join("cap"), port, &[]);
    let report = flush(&config, &mut store, 8).await;
    assert_eq!(
        (report.sent, report.retry, report.dead),
        (20, 0, 0),
        "{report:?}"
    );
    let mut got: Vec<String> = server.messages().iter().map(|m| message_id_of(m)).collect();
    got.sort();
    let mut want: Vec<String> = ids
        .iter()
        .map(|id| {
            let m = outbox::get(store.conn(), *id).unwrap().unwrap();
            assert_eq!(m.status, OutboxStatus::Sent);
            m.message.message_id.unwrap()
        })
        .collect();
    want.sort();
    assert_eq!(got, want, "each message exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_channel_writes_each_message_once_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("outbox");
    let config = config(&format!("[email]\noutbox-dir = \"{}\"\n", out.display()));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let mut mail = full_reminder();
    mail.message_id = None;
    let e = outbox::insert_if_new(store.conn(), &mail, t0())
        .unwrap()
        .unwrap();
    let mut tg = reminder("C1", "C1|tg|1", &["123456"]);
    tg.channel = cobrador::domain::Channel::Telegram;
    let t = outbox::insert_if_new(store.conn(), &tg, t0())
        .unwrap()
        .unwrap();

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(report.sent, 2, "{report:?}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [format!("{e}-early-C1.eml"), format!("{t}-early-C1.txt")]
    );
    let raw = std::fs::read(out.join(&names[0])).unwrap();
    // The Message-ID given at send time was stored first, so replies can be matched.
    let stored = outbox::get(store.conn(), e).unwrap().unwrap();
    assert_eq!(Some(message_id_of(&raw)), stored.message.message_id);
    assert!(
        String::from_utf8_lossy(&std::fs::read(out.join(&names[1])).unwrap()).contains("Nº F-1")
    );

    // A re-run (e.g. after a crash before the commit) writes nothing twice.
    let channel = FileChannel::new(&out);
    let ctx = SendContext {
        business: &config.business,
        now: t0(),
    };
    assert_eq!(
        channel.send(&stored, ctx).await,
        SendOutcome::Sent {
            telegram_message_id: None
        }
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
    assert_eq!(std::fs::read(out.join(&names[0])).unwrap(), raw);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_address_is_a_permanent_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let config = config(&plain_smtp(server.port, 30));
    let channel =
        SmtpChannel::new(config.email.smtp.as_ref().unwrap(), &config.business, None).unwrap();
    let store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let id = outbox::insert_if_new(
        store.conn(),
        &reminder("C1", "k", &["no es un correo"]),
        t0(),
    )
    .unwrap()
    .unwrap();
    let msg = outbox::get(store.conn(), id).unwrap().unwrap();
    let ctx = SendContext {
        business: &config.business,
        now: t0(),
    };
    match channel.send(&msg, ctx).await {
        SendOutcome::Failure(e) => assert!(e.contains("no es un correo"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(server.messages().is_empty());
}

#[test]
fn send_test_prints_the_server_answer_and_names_the_setting_when_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &[]);
    let run = |config: &str| {
        let path = tmp.path().join("cobrador.toml");
        std::fs::write(&path, config_text(config)).unwrap();
        run_cobrador(tmp.path(), &["send-test", "ana@cliente.example"], &[])
    };
    let out = run(&plain_smtp(server.port, 30));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("250"), "{stdout}");
    let raw = server.messages();
    assert_eq!(raw.len(), 1);
    let msg = MessageParser::default().parse(&raw[0]).unwrap();
    assert!(msg.body_text(0).unwrap().contains("configuración"));
    let head = String::from_utf8_lossy(&raw[0]);
    assert!(head.contains("MIME-Version: 1.0"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain; charset=utf-8"),
        "{head}"
    );

    let out = run("");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("email.smtp"));

    let out = run(&plain_smtp(unused_port(), 30));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot connect to SMTP server 127.0.0.1:"),
        "{stderr}"
    );
}

/// Group commits: one refused recipient in the middle of a group is dead, and every other
/// message of that group and the next ones goes out exactly once, each with one attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_with_one_refused_recipient_sends_the_others_once() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--reject-rcpt", "nosuch"]);
    let config = config(&format!("{}pool-size = 2\n", plain_smtp(server.port, 30)));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let ids: Vec<i64> = (0..30)
        .map(|i| {
            let to = if i == 11 {
                "nosuch@cliente.example"
            } else {
                "ana@cliente.example"
            };
            outbox::insert_if_new(
                store.conn(),
                &reminder("C1", &format!("C1|g{i}|1"), &[to]),
                t0(),
            )
            .unwrap()
            .unwrap()
        })
        .collect();

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(
        (report.sent, report.dead, report.retry),
        (29, 1, 0),
        "{report:?}"
    );
    assert_eq!(report.uncertain + report.recovered_uncertain, 0);
    let mut delivered = std::collections::BTreeMap::new();
    for raw in server.messages() {
        *delivered.entry(message_id_of(&raw)).or_insert(0) += 1;
    }
    for (i, id) in ids.iter().enumerate() {
        let row = outbox::get(store.conn(), *id).unwrap().unwrap();
        assert_eq!(row.attempts, 1, "row {i}");
        let times = delivered
            .get(&row.message.message_id.unwrap())
            .copied()
            .unwrap_or(0);
        if i == 11 {
            assert_eq!((row.status, times), (OutboxStatus::Dead, 0));
        } else {
            assert_eq!((row.status, times), (OutboxStatus::Sent, 1), "row {i}");
        }
    }
    let report = flush(&config, &mut store, 24).await;
    assert_eq!(report.sent + report.retry + report.dead, 0);
    assert_eq!(server.messages().len(), 29);
}

/// A deferral stops the pass: the rest of the claimed group, never handed over, is queued
/// again as it was (no attempt counted, nothing uncertain) and goes out on the next pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferral_mid_group_gives_back_the_messages_not_handed_over() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(&tmp.path().join("cap"), &["--tempfail-first", "1"]);
    let config = config(&format!("{}pool-size = 1\n", plain_smtp(server.port, 30)));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 10);

    let report = flush(&config, &mut store, 0).await;
    assert_eq!(
        (report.sent, report.retry, report.uncertain),
        (0, 1, 0),
        "{report:?}"
    );
    let first = outbox::get(store.conn(), ids[0]).unwrap().unwrap();
    assert_eq!((first.status, first.attempts), (OutboxStatus::Failed, 1));
    for id in &ids[1..] {
        let row = outbox::get(store.conn(), *id).unwrap().unwrap();
        assert_eq!(
            (row.status, row.attempts),
            (OutboxStatus::Queued, 0),
            "row {id}"
        );
    }
    let report = flush(&config, &mut store, 1).await;
    assert_eq!((report.sent, report.retry), (10, 0), "{report:?}");
    assert_eq!(server.messages().len(), 10);
    let retried = outbox::get(store.conn(), ids[0]).unwrap().unwrap();
    assert_eq!((retried.status, retried.attempts), (OutboxStatus::Sent, 2));
}
