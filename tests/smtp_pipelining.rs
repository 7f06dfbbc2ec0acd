//! SMTP PIPELINING (RFC 2920) against real servers that offer it: Postfix's `smtp-sink` (the
//! benchmark's server; it fails on command with `-A`, `-q`, `-Q`) and aiosmtpd told to offer
//! it (`--pipelining`: refuses single recipients, defers MAIL, RCPT or the body on command,
//! and records whether the client really pipelined). Every message is delivered exactly once
//! or not at all, and each refusal ends as it does without pipelining: the first refusal in
//! command order decides.

mod support;

use std::collections::BTreeMap;

use chrono::Duration as Span;
use cobrador::store::{OutboxStatus, Store, outbox};
use support::*;

fn row(store: &Store, id: i64) -> cobrador::store::OutboxMessage {
    outbox::get(store.conn(), id).unwrap().unwrap()
}

fn pool(port: u16, size: usize) -> cobrador::config::Config {
    config(&format!("{}pool-size = {size}\n", plain_smtp(port, 30)))
}

/// How many times each Message-ID was delivered.
fn delivered(messages: &[Vec<u8>]) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for raw in messages {
        *seen.entry(message_id_of(raw)).or_insert(0) += 1;
    }
    seen
}

/// Queues `n` reminders, every third with two recipients and a copy; returns their ids.
fn queue_mixed(store: &Store, n: usize) -> Vec<i64> {
    add_client(store, "C1");
    (0..n)
        .map(|i| {
            let mut m = if i % 3 == 0 {
                reminder(
                    "C1",
                    &format!("C1|p{i}|1"),
                    &["ana@cliente.example", "pagos@cliente.example"],
                )
            } else {
                reminder("C1", &format!("C1|p{i}|1"), &["ana@cliente.example"])
            };
            if i % 3 == 0 {
                m.cc = vec!["finanzas@cliente.example".into()];
            }
            outbox::insert_if_new(store.conn(), &m, t0())
                .unwrap()
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_sink_gets_every_message_once_with_its_recipients() {
    let tmp = tempfile::tempdir().unwrap();
    let sink = SmtpSink::start(&[]);
    assert!(sink.ehlo_keywords().contains(&"PIPELINING".to_owned()));
    let config = pool(sink.port, 4);
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_mixed(&store, 60);

    let report = flush_bounded(&config, &mut store, t0()).await;
    assert_eq!(
        (report.sent, report.retry, report.dead, report.uncertain),
        (60, 0, 0, 0),
        "{report:?}"
    );
    let dumps = sink.messages();
    let times = delivered(&dumps);
    let recipients: BTreeMap<String, Vec<String>> = dumps
        .iter()
        .map(|raw| (message_id_of(raw), sink_recipients(raw)))
        .collect();
    for id in &ids {
        let m = row(&store, *id);
        assert_eq!((m.status, m.attempts), (OutboxStatus::Sent, 1));
        let message_id = m.message.message_id.unwrap();
        assert_eq!(times.get(&message_id), Some(&1), "{message_id}");
        let mut want = m.message.recipients.clone();
        want.extend(m.message.cc.clone());
        assert_eq!(recipients[&message_id], want, "{message_id}");
    }
    assert_eq!(dumps.len(), 60);

    let report = flush_bounded(&config, &mut store, t0() + Span::hours(24)).await;
    assert_eq!(report.sent + report.retry + report.dead, 0, "{report:?}");
    assert_eq!(sink.messages().len(), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_pipelined_only_when_the_server_offers_it() {
    for (args, pipelined) in [(&["--pipelining"][..], true), (&[][..], false)] {
        let tmp = tempfile::tempdir().unwrap();
        let server = Capture::start(&tmp.path().join("cap"), args);
        let config = pool(server.port, 2);
        let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
        let ids = queue_mixed(&store, 12);
        let report = flush_bounded(&config, &mut store, t0()).await;
        assert_eq!((report.sent, report.retry), (12, 0), "{args:?}: {report:?}");
        let envelopes = server.envelopes();
        assert_eq!(envelopes.len(), ids.len());
        for e in &envelopes {
            assert_eq!(e["pipelined"], pipelined, "{args:?}: {e}");
        }
        assert!(delivered(&server.messages()).values().all(|n| *n == 1));
    }
}

/// One refused recipient beside an accepted one: the server opens DATA (354) for the other,
/// and the client must not feed it a body (that would deliver to part of the recipients, which
/// the unpipelined exchange never does). The message is dead with the 550, nothing of it is
/// delivered, and the messages around it go out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_beside_an_accepted_one_delivers_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Capture::start(
        &tmp.path().join("cap"),
        &["--pipelining", "--reject-rcpt", "nosuch"],
    );
    let config = pool(server.port, 1);
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    add_client(&store, "C1");
    let recipients: [&[&str]; 5] = [
        &["ana@cliente.example"],
        &["ana@cliente.example", "nosuch@cliente.example"],
        &["pagos@cliente.example"],
        &["nosuch@cliente.example"],
        &["ana@cliente.example"],
    ];
    let ids: Vec<i64> = recipients
        .iter()
        .enumerate()
        .map(|(i, to)| {
            let m = reminder("C1", &format!("C1|r{i}|1"), to);
            outbox::insert_if_new(store.conn(), &m, t0())
                .unwrap()
                .unwrap()
        })
        .collect();

    let report = flush_bounded(&config, &mut store, t0()).await;
    assert_eq!(
        (report.sent, report.dead, report.retry, report.uncertain),
        (3, 2, 0, 0),
        "{report:?}"
    );
    let times = delivered(&server.messages());
    for (i, id) in ids.iter().enumerate() {
        let m = row(&store, *id);
        let n = times
            .get(m.message.message_id.as_ref().unwrap())
            .copied()
            .unwrap_or(0);
        if i == 1 || i == 3 {
            assert_eq!((m.status, n), (OutboxStatus::Dead, 0), "row {i}");
            let error = m.last_error.unwrap();
            assert!(error.contains("550"), "row {i}: {error}");
        } else {
            assert_eq!(
                (m.status, n, m.attempts),
                (OutboxStatus::Sent, 1, 1),
                "row {i}"
            );
        }
    }
    let report = flush_bounded(&config, &mut store, t0() + Span::hours(24)).await;
    assert_eq!(report.sent + report.retry + report.dead, 0, "{report:?}");
    assert_eq!(server.messages().len(), 3);
}

/// A deferral anywhere in the pipelined group (MAIL, RCPT, 421 on RCPT) or after the body
/// stops the pass with a retry, whatever the server answered to the commands after it; the
/// next pass sends everything once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferral_in_the_group_or_after_the_body_is_retried_then_sent_once() {
    for (option, code) in [
        ("--tempfail-mail", "451"),
        ("--tempfail-first", "451"),
        ("--unavailable-first", "421"),
        ("--tempfail-data", "451"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let server = Capture::start(&tmp.path().join("cap"), &["--pipelining", option, "1"]);
        let config = pool(server.port, 1);
        let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
        let ids = queue_many(&store, 6);

        let report = flush_bounded(&config, &mut store, t0()).await;
        assert_eq!(
            (report.sent, report.retry, report.uncertain),
            (0, 1, 0),
            "{option}: {report:?}"
        );
        let first = row(&store, ids[0]);
        assert_eq!(first.status, OutboxStatus::Failed, "{option}");
        let error = first.last_error.unwrap();
        assert!(error.contains(code), "{option}: {error}");
        for id in &ids[1..] {
            assert_eq!(row(&store, *id).status, OutboxStatus::Queued, "{option}");
        }
        assert!(server.messages().is_empty(), "{option}");

        let report = flush_bounded(&config, &mut store, t0() + Span::hours(1)).await;
        assert_eq!((report.sent, report.retry), (6, 0), "{option}: {report:?}");
        assert!(delivered(&server.messages()).values().all(|n| *n == 1));
        assert_eq!(server.messages().len(), 6, "{option}");
        assert_eq!(row(&store, ids[0]).attempts, 2, "{option}");
    }
}

/// smtp-sink failing on command, PIPELINING offered: 550 after the body is dead; a session
/// dropped before the body, or 421 on RCPT, is retried with nothing delivered; a session
/// dropped after the final `.` (the message was taken) is uncertain and never resent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_sink_failures_end_as_without_pipelining() {
    for (args, status, kept) in [
        (&["-A", "3"][..], OutboxStatus::Dead, 0),
        (&["-q", "MAIL"][..], OutboxStatus::Failed, 0),
        (&["-q", "RCPT"][..], OutboxStatus::Failed, 0),
        (&["-Q", "RCPT"][..], OutboxStatus::Failed, 0),
        (&["-q", "."][..], OutboxStatus::Uncertain, 1),
    ] {
        let sink = SmtpSink::start(args);
        assert!(sink.ehlo_keywords().contains(&"PIPELINING".to_owned()));
        let tmp = tempfile::tempdir().unwrap();
        let config = pool(sink.port, 1);
        let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
        let ids = queue_many(&store, 1);

        let report = flush_bounded(&config, &mut store, t0()).await;
        let m = row(&store, ids[0]);
        assert_eq!((m.status, m.attempts), (status, 1), "{args:?}: {report:?}");
        let dumps = sink.messages();
        assert_eq!(dumps.len(), kept, "{args:?}: {report:?}");
        if kept == 1 {
            assert_eq!(message_id_of(&dumps[0]), m.message.message_id.unwrap());
        }
        // Only a retry goes again; dead and uncertain rows never do.
        let report = flush_bounded(&config, &mut store, t0() + Span::hours(1)).await;
        let again = usize::from(status == OutboxStatus::Failed);
        assert_eq!(
            report.sent + report.retry + report.dead,
            again,
            "{args:?}: {report:?}"
        );
        assert_eq!(sink.messages().len(), kept, "{args:?}");
    }
}
