//! A message that waits (the SMTP server is down, so it is retried later) must not go out once
//! what it says is no longer true: the client paid, disputed the invoice or promised a date
//! meanwhile. At send time such a message is withdrawn (`cancelled`, an `outbox.cancelled`
//! event) and the planner plans the stage again from what is true now. The real binary, a real
//! SMTP server (aiosmtpd) that is down at first, and a real SQLite file.

mod support;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use cobrador::store::{OutboxStatus, Store, outbox};
use support::*;

fn at(dir: &Path, args: &[&str], now: DateTime<Utc>) -> String {
    let mut all: Vec<&str> = args.to_vec();
    let now = now.to_rfc3339();
    all.extend(["--now", &now]);
    let out = run_cobrador(dir, &all, &[]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

/// The client's reminders (not receipts or acknowledgements), oldest first.
fn reminders(db: &Path, client: &str) -> Vec<outbox::OutboxMessage> {
    let store = Store::open(db).unwrap();
    outbox::for_client(store.conn(), client)
        .unwrap()
        .into_iter()
        .filter(|m| {
            let stage = m.message.stage.as_str();
            stage != "receipt" && !stage.starts_with("ack") && !stage.starts_with("owner")
        })
        .collect()
}

#[test]
fn a_retry_after_a_payment_a_dispute_or_a_promise_is_withdrawn_and_planned_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = unused_port();
    // K000, K002 and K004 (Madrid), K001 and K003 (Bogotá), all overdue since 15 October.
    world_with_clients(dir, &plain_smtp(port, 2), 5);
    let db = dir.join("cobrador.db");
    let t1 = utc("2026-11-24 15:00");
    // The server is down: the first reminders fail and wait for a retry.
    let out = at(dir, &["tick"], t1);
    assert!(out.contains("0 sent"), "{out}");
    for k in ["K000", "K001", "K002", "K003", "K004"] {
        let r = reminders(&db, k);
        assert_eq!(r.len(), 1, "{k}: {r:?}");
        assert!(
            matches!(r[0].status, OutboxStatus::Failed | OutboxStatus::Queued),
            "{k}: {:?}",
            r[0].status
        );
    }
    // Meanwhile: K000 pays in full, K001 disputes, K002 promises a date, K004 pays part.
    let t = t1 + Duration::minutes(10);
    at(dir, &["invoice", "pay", "FX-000", "1.000,00"], t);
    at(dir, &["invoice", "dispute", "FX-001"], t);
    at(
        dir,
        &[
            "reply",
            "record",
            "K002",
            "--text",
            "Le pago el 4 de diciembre, disculpe.",
        ],
        t,
    );
    at(dir, &["invoice", "pay", "FX-004", "1.004,00"], t);
    // The server is back: only K003, about whom nothing changed, gets the old message.
    let capture = Capture::start_on(dir, port, &[]);
    let t2 = t1 + Duration::hours(1);
    let out = at(dir, &["outbox", "flush"], t2);
    assert!(out.contains("withdrawn 4"), "{out}");
    // Delivered: K003's reminder, and the acknowledgement of K002's promise (queued by
    // `reply record`, written after the promise: true).
    let delivered: Vec<String> = capture
        .envelopes()
        .iter()
        .map(|e| e["rcpt_tos"].to_string())
        .collect();
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    assert!(
        delivered
            .iter()
            .any(|to| to.contains("pagos3@cliente3.example"))
    );
    let sent: Vec<(String, String)> = {
        let store = Store::open(&db).unwrap();
        outbox::all(store.conn())
            .unwrap()
            .into_iter()
            .filter(|m| m.status == OutboxStatus::Sent)
            .map(|m| (m.message.client_id, m.message.stage))
            .collect()
    };
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.contains(&("K003".into(), "early".into())), "{sent:?}");
    assert!(
        sent.iter()
            .any(|(c, stage)| c == "K002" && stage.starts_with("ack")),
        "{sent:?}"
    );
    for k in ["K000", "K001", "K002", "K004"] {
        let r = reminders(&db, k);
        assert_eq!(r[0].status, OutboxStatus::Cancelled, "{k}");
        assert!(
            r[0].last_error
                .as_deref()
                .is_some_and(|e| e.contains("withdrawn")),
            "{k}: {:?}",
            r[0].last_error
        );
    }
    let store = Store::open(&db).unwrap();
    let cancelled: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'outbox.cancelled'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cancelled, 4);
    drop(store);
    // The next pass plans from what is true now: nothing for the paid, disputed and promised
    // invoices; the part still owed by K004, under a new key, with the new balance.
    let t3 = t2 + Duration::minutes(5);
    let out = at(dir, &["tick"], t3);
    assert!(!out.contains("withdrawn"), "{out}");
    for k in ["K000", "K001", "K002"] {
        assert_eq!(reminders(&db, k).len(), 1, "{k}: nothing new");
    }
    let k004 = reminders(&db, "K004");
    assert_eq!(k004.len(), 2, "{k004:?}");
    assert_eq!(k004[1].status, OutboxStatus::Sent);
    assert_ne!(k004[1].message.dedup_key, k004[0].message.dedup_key);
    assert!(
        k004[1].message.body_text.contains("4.000,00"),
        "{}",
        k004[1].message.body_text
    );
    // Part of it was paid: the message does not say that no payment arrived.
    assert!(
        k004[1]
            .message
            .body_text
            .contains("no nos consta el pago completo"),
        "{}",
        k004[1].message.body_text
    );
    assert_eq!(capture.envelopes().len(), 3 + receipts(&db));
}

/// Thank-you receipts the payments earned (sent with the reminders of the last pass).
fn receipts(db: &Path) -> usize {
    let store = Store::open(db).unwrap();
    outbox::all(store.conn())
        .unwrap()
        .iter()
        .filter(|m| m.message.stage == "receipt" && m.status == OutboxStatus::Sent)
        .count()
}

/// A withdrawn message whose stage is planned once (the reminder before a due date) is planned
/// again too: under a new key, with what is true now, not lost because its first key is taken.
#[test]
fn a_withdrawn_reminder_before_the_due_date_is_planned_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = unused_port();
    world_with_clients(dir, &plain_smtp(port, 2), 1);
    // K000 paid its overdue invoice; another one is due on 26 November (its reminder is due
    // three days before).
    std::fs::write(
        dir.join("more.csv"),
        "numero;cliente;fecha;vencimiento;importe;moneda\nFX-100;K000;01/11/2026;26/11/2026;300,00;EUR\n",
    )
    .unwrap();
    cobrador_ok(dir, &["import", "invoices", "more.csv"]);
    let t1 = utc("2026-11-24 15:00");
    at(
        dir,
        &["invoice", "pay", "FX-000", "1.000,00"],
        t1 - Duration::days(1),
    );
    let db = dir.join("cobrador.db");
    at(dir, &["tick"], t1);
    let before = reminders(&db, "K000");
    assert_eq!(before.len(), 1, "{before:?}");
    let first_key = before[0].message.dedup_key.clone();
    assert!(
        first_key.contains("preventive") && first_key.contains("FX-100"),
        "{first_key}"
    );
    // Part of it is paid while the server is down: the waiting reminder is withdrawn.
    at(
        dir,
        &["invoice", "pay", "FX-100", "100,00"],
        t1 + Duration::minutes(10),
    );
    let capture = Capture::start_on(dir, port, &[]);
    let out = at(dir, &["outbox", "flush"], t1 + Duration::hours(1));
    assert!(out.contains("withdrawn 1"), "{out}");
    assert!(capture.envelopes().is_empty());
    // The next pass: the same reminder again, under a new key, with the balance now owed.
    at(
        dir,
        &["tick"],
        t1 + Duration::hours(1) + Duration::minutes(5),
    );
    let after = reminders(&db, "K000");
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after[0].status, OutboxStatus::Cancelled);
    assert_eq!(after[1].status, OutboxStatus::Sent);
    assert_eq!(after[1].message.dedup_key, format!("{first_key}|retry1"));
    assert!(
        after[1].message.body_text.contains("200,00"),
        "{}",
        after[1].message.body_text
    );
    assert_eq!(capture.envelopes().len(), 1 + receipts(&db));
}
