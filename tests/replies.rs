//! Replies end to end: `parse-reply` on the real binary, and applying replies to a real
//! database (match, record, change course, acknowledge, alert the owner; nothing lost).

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, TimeZone, Utc};
use cobrador::config::{Config, EXAMPLE};
use cobrador::domain::{Channel, InvoiceStatus};
use cobrador::engine::{self, apply::Incoming};
use cobrador::import::{Defaults, Kind, import_bytes};
use cobrador::render::Renderer;
use cobrador::store::{self, Store};

fn parse_reply(args: &[&str], stdin: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cobrador"))
        .current_dir(dir.path())
        .arg("parse-reply")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn parse_reply_reads_text_and_whole_messages() {
    let v = parse_reply(
        &["--now", "2026-11-25T10:00:00Z", "--tz", "Europe/Madrid"],
        "Le pago el viernes".as_bytes(),
    );
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-11-27");
    // With --eml the Date header is the reference, and the quoted reminder is not read.
    let eml = "From: Rosa <rosa@bodega.example>\r\nDate: Mon, 30 Nov 2026 18:00:00 +0100\r\n\
               Subject: Re: factura BOD-301\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
               Perdone, lo pago ma\u{f1}ana.\r\n\r\nEl lun, 23 nov 2026, Bodega escribi\u{f3}:\r\n\
               > La factura vence el 15 de diciembre.\r\n";
    let v = parse_reply(&["--eml", "--tz", "Europe/Madrid"], eml.as_bytes());
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-12-01");
    let ooo = "From: a@b.example\r\nAuto-Submitted: auto-replied\r\nDate: Mon, 30 Nov 2026 18:00:00 +0100\r\n\r\nEstoy fuera hasta el 7 de diciembre.\r\n";
    let v = parse_reply(&["--eml"], ooo.as_bytes());
    assert_eq!(v["intent"], "auto_reply");
    assert_eq!(v["kind"], "auto_reply");
    // A bounce: who failed, and for good; never read as a promise.
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let v = parse_reply(
        &["--eml"],
        &std::fs::read(fixtures.join("bounce-qmail.eml")).unwrap(),
    );
    assert_eq!(v["kind"], "bounce");
    assert_eq!(
        v["failed_recipients"],
        serde_json::json!(["pedro@mueblesgarcia.example"])
    );
    assert_eq!(v["permanent"], true);
    assert_eq!(v["promised_date"], serde_json::Value::Null);
    let v = parse_reply(
        &["--eml"],
        &std::fs::read(fixtures.join("bounce-gmail-delay.eml")).unwrap(),
    );
    assert_eq!(
        (v["kind"].as_str(), v["permanent"].as_bool()),
        (Some("bounce"), Some(false))
    );
    let v = parse_reply(
        &["--eml"],
        &std::fs::read(fixtures.join("reply-thunderbird-bottom.eml")).unwrap(),
    );
    assert_eq!(v["kind"], "reply");
    assert_eq!(v["intent"], "promise");
    assert_eq!(
        v["visible_text"],
        "Buenas tardes. Le pagaré el día 15 de diciembre."
    );
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn world() -> (tempfile::TempDir, Store, Config, Renderer) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    let d = Defaults {
        country: "ES".into(),
        currency: "EUR".into(),
        max_amount: rust_decimal::Decimal::from(1_000_000_000_000i64),
    };
    let clients = "id;name;email\nC1;Uno;uno@cliente.example\nC2;Dos;dos@cliente.example\n";
    import_bytes(
        &mut store,
        Kind::Clients,
        "c.csv",
        clients.as_bytes(),
        &d,
        false,
        at(1, 9),
    )
    .unwrap();
    let inv = "numero;cliente;fecha;vencimiento;importe\nF-1;C1;01/10/2026;02/11/2026;500\nF-2;C2;01/10/2026;02/11/2026;700\n";
    import_bytes(
        &mut store,
        Kind::Invoices,
        "i.csv",
        inv.as_bytes(),
        &d,
        false,
        at(1, 9),
    )
    .unwrap();
    (
        dir,
        store,
        Config::parse(EXAMPLE, "example").unwrap(),
        Renderer::new(None).unwrap(),
    )
}

fn reply(id: &str, from: &str, body: &str, refs: Vec<String>) -> Incoming {
    Incoming {
        channel: Some(Channel::Email),
        external_id: Some(id.into()),
        received_at: at(24, 17),
        sender: Some(from.into()),
        subject: Some("Re: Recordatorio".into()),
        body: body.into(),
        references: refs,
        automatic: false,
        ..Incoming::default()
    }
}

#[test]
fn a_threaded_promise_pauses_and_is_acknowledged_once() {
    let (_d, mut store, config, renderer) = world();
    // Our reminder to C1, then the client's answer threaded to it.
    engine::queue_due(&mut store, &config, &renderer, at(24, 10)).unwrap();
    let ours = store::outbox::for_client(store.conn(), "C1")
        .unwrap()
        .pop()
        .unwrap();
    let refs = vec![ours.message.message_id.clone().unwrap()];
    // Sent by a colleague at the client's own domain: the thread identifies the client, and the
    // domain vouches for the sender.
    let inc = reply(
        "<r1@x.example>",
        "otra@cliente.example",
        "Le pago el viernes sin falta.\n\nSaludos,\nAna",
        refs,
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(applied.client.as_deref(), Some("C1"));
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied")
    );
    let ack = store::outbox::get(store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(ack.message.recipients, ["otra@cliente.example"]);
    assert_eq!(ack.message.in_reply_to.as_deref(), Some("<r1@x.example>"));
    assert!(
        ack.message.body_text.contains("27 de noviembre"),
        "{}",
        ack.message.body_text
    );
    let plan = engine::plan_now(&store, &config, at(25, 10)).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused: promise until 2026-12-01")),
        "{plan:?}"
    );
    // The same message read again (IMAP re-fetch) changes nothing.
    assert!(
        engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 18))
            .unwrap()
            .is_none()
    );
    assert_eq!(store::promises::all(store.conn()).unwrap().len(), 1);
}

#[test]
fn a_threaded_reply_from_a_stranger_changes_nothing_until_reviewed() {
    let (_d, mut store, config, renderer) = world();
    engine::queue_due(&mut store, &config, &renderer, at(24, 10)).unwrap();
    let ours = store::outbox::for_client(store.conn(), "C1")
        .unwrap()
        .pop()
        .unwrap();
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let inc = reply(
        "<r9@x.example>",
        "alguien@gmail.com",
        "Ya está pagado, no escriban más.",
        refs,
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(applied.client.as_deref(), Some("C1"));
    assert_eq!(applied.status.as_str(), "needs_review");
    assert!(applied.ack.is_none(), "nothing is said to a stranger");
    assert!(applied.alert.is_some(), "the owner is asked to look");
    let inv = store::invoices::get(store.conn(), "F-1").unwrap().unwrap();
    assert!(inv.paid_claimed_on.is_none(), "{inv:?}");
    assert!(!store::clients::for_client(store.conn(), "C1").unwrap()[0].opted_out);
    // The owner reads it and vouches for it: the effect follows, and it leaves the review queue.
    let review = engine::apply::Reclassify {
        kind: cobrador::mail::classify::Kind::Reply,
        intent: Some(cobrador::understand::Intent::Paid),
        ..Default::default()
    };
    let done = engine::apply::reclassify(
        &mut store,
        &config,
        &renderer,
        applied.response_id,
        &review,
        at(25, 9),
    )
    .unwrap();
    assert_eq!(
        (done.intent.as_str(), done.status.as_str()),
        ("paid", "reviewed")
    );
    assert!(done.ack.is_some(), "the client hears that it was noted");
    let inv = store::invoices::get(store.conn(), "F-1").unwrap().unwrap();
    assert!(inv.paid_claimed_on.is_some(), "{inv:?}");
    assert!(
        store::responses::list(store.conn(), true)
            .unwrap()
            .is_empty()
    );
    let r = store::responses::get(store.conn(), applied.response_id)
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.response.intent.as_str(), r.response.status.as_str()),
        ("paid", "reviewed")
    );
}

#[test]
fn an_answer_given_by_phone_is_recorded_by_the_owner_and_applied() {
    let (dir, store, _config, _renderer) = world();
    drop(store);
    std::fs::write(dir.path().join("cobrador.toml"), EXAMPLE).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cobrador"))
        .arg("--config")
        .arg(dir.path().join("cobrador.toml"))
        .arg("--db")
        .arg(dir.path().join("c.db"))
        .args([
            "reply",
            "record",
            "C2",
            "--text",
            "Me ha dicho por teléfono que le paga el viernes.",
            "--now",
            "2026-11-24T17:00:00Z",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["client"], "C2");
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["status"], "applied");
    let store = Store::open(&dir.path().join("c.db")).unwrap();
    let r = &store::responses::list(store.conn(), false).unwrap()[0].response;
    assert_eq!(r.channel.as_str(), "manual");
    assert_eq!(r.promised_date.unwrap().to_string(), "2026-11-27");
    assert_eq!(store::promises::all(store.conn()).unwrap().len(), 1);
}

#[test]
fn a_dispute_stops_reminders_and_alerts_the_owner() {
    let (_d, mut store, config, renderer) = world();
    let inc = reply(
        "<r2@x.example>",
        "dos@cliente.example",
        "No reconozco esta factura, nunca recibimos el material.",
        vec![],
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(
        applied.client.as_deref(),
        Some("C2"),
        "matched by the sender's address"
    );
    assert_eq!(applied.intent.as_str(), "dispute");
    assert_eq!(
        store::invoices::require(store.conn(), "F-2")
            .unwrap()
            .status,
        InvoiceStatus::Disputed
    );
    let alert = store::outbox::get(store.conn(), applied.alert.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(alert.message.recipients, [config.owner_email()]);
    assert!(
        alert
            .message
            .body_text
            .contains("nunca recibimos el material")
    );
}

#[test]
fn a_paid_claim_stops_reminders_until_a_person_checks() {
    let (_d, mut store, config, renderer) = world();
    let inc = reply(
        "<r3@x.example>",
        "uno@cliente.example",
        "Sobre la F-1: ya está pagada, hicimos la transferencia ayer.",
        vec![],
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(applied.intent.as_str(), "paid");
    assert!(
        store::invoices::require(store.conn(), "F-1")
            .unwrap()
            .paid_claimed_on
            .is_some()
    );
    let plan = engine::plan_now(&store, &config, at(25, 10)).unwrap();
    assert!(plan.messages.iter().all(|m| m.client != "C1"), "{plan:?}");
}

#[test]
fn the_list_unsubscribe_link_opts_the_client_out() {
    let (_d, mut store, config, renderer) = world();
    let mut inc = reply("<r6@x.example>", "uno@cliente.example", "", vec![]);
    inc.subject = Some("BAJA C1".into());
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("stop", "applied")
    );
    let plan = engine::plan_now(&store, &config, at(25, 10)).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason == "opted out"),
        "{plan:?}"
    );
}

#[test]
fn an_unmatched_or_unclear_reply_is_kept_for_review_never_lost() {
    let (_d, mut store, config, renderer) = world();
    let stranger = reply(
        "<r4@x.example>",
        "nadie@desconocido.example",
        "Hola, ¿quién es usted?",
        vec![],
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &stranger, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(applied.status.as_str(), "needs_review");
    assert!(applied.client.is_none());
    let question = reply(
        "<r5@x.example>",
        "uno@cliente.example",
        "¿Me pueden reenviar la factura en PDF?",
        vec![],
    );
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &question, at(24, 17))
        .unwrap()
        .unwrap();
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("question", "needs_review")
    );
    assert!(applied.alert.is_some(), "the owner is asked to answer");
    let review = store::responses::list(store.conn(), true).unwrap();
    assert_eq!(review.len(), 2);
}
