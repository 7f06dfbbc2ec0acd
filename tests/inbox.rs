//! Reading replies over IMAP from a real Dovecot: `inbox::check_once` fetches, classifies,
//! matches and applies each message exactly once. (Crash, restart and watcher tests are in
//! tests/inbox_recovery.rs.)

mod support;

use cobrador::engine;
use cobrador::store;
use support::inbox_world::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threaded_reply_records_a_promise_and_pauses_the_client() {
    let mut w = world("");
    let ours = w.ours();
    let reply = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "r1@cliente.example",
        Some(&ours),
        "Buenas tardes, le pago el viernes sin falta.\n\nUn saludo,\nAna\n\n\
         El lun, 23 nov 2026 a las 11:00, Reformas Prado <cobros@reformasprado.example> escribió:\n\
         > Le recordamos que la factura F-1 vence el 15 de diciembre.\n",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!((report.fetched, report.applied), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.intent.as_str(), r.status.as_str()),
        ("reply", "promise", "applied")
    );
    assert_eq!(r.promised_date.unwrap().to_string(), "2026-11-27");
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert!(
        r.raw_ref
            .as_deref()
            .unwrap()
            .starts_with("imap:INBOX;UIDVALIDITY=")
    );
    assert_eq!(
        r.excerpt.as_deref(),
        Some("Buenas tardes, le pago el viernes sin falta.")
    );
    // The acknowledgement is threaded and repeats the date.
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_promise")
        .expect("an acknowledgement");
    assert_eq!(
        ack.message.in_reply_to.as_deref(),
        Some("<r1@cliente.example>")
    );
    assert!(
        ack.message.body_text.contains("27 de noviembre"),
        "{}",
        ack.message.body_text
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-25 10:00")).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused: promise")),
        "{plan:?}"
    );
    assert_eq!(w.dovecot.count("INBOX", "SEEN"), 1, "flagged \\Seen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outlook_reply_without_in_reply_to_is_matched_by_the_invoice_number() {
    let mut w = world("");
    // From a colleague at the client's own domain who is not a contact: only the invoice
    // number in the subject ties it to C1 (C2 shares the domain).
    let reply = mail(
        "Contabilidad <conta@cliente.example>",
        "RE: Recordatorio: factura F-1",
        "AM6PR01MB1234@cliente.example",
        None,
        "Ya está pagada, hicimos la transferencia ayer.\n\nSaludos\n\n\
         ________________________________\nDe: Reformas Prado <cobros@reformasprado.example>\n\
         Enviado: lunes, 23 de noviembre de 2026 11:00\nPara: Uno <uno@cliente.example>\n\
         Asunto: Recordatorio\n\nLe recordamos que la factura vence el 15 de diciembre.\n",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!(report.applied, 1, "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert_eq!((r.intent.as_str(), r.status.as_str()), ("paid", "applied"));
    assert_eq!(r.invoices, ["F-1"]);
    let inv = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(inv.paid_claimed_on.is_some());
    let other = store::invoices::get(w.store.conn(), "F-2")
        .unwrap()
        .unwrap();
    assert!(other.paid_claimed_on.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_office_is_recorded_and_nothing_else_happens() {
    let mut w = world("");
    let ours = w.ours();
    let raw = String::from_utf8(mail_fixture("auto-exchange-es.eml"))
        .unwrap()
        .replace("marta.gil@ebrologistica.example", "uno@cliente.example")
        .replace(
            "<3f9a1c0e5b7d2a4e8c6f1b0d9e7a5c3b.cobrador@reformasprado.example>",
            &ours,
        );
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let before = w.outbox_len();
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!((report.applied, report.auto_replies), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.intent.as_str()),
        ("auto_reply", "auto_reply")
    );
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert!(r.promised_date.is_none(), "the date in it is not a promise");
    assert!(store::promises::all(w.store.conn()).unwrap().is_empty());
    assert_eq!(w.outbox_len(), before, "no acknowledgement, no alert");
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-30 10:00")).unwrap();
    assert!(
        !plan
            .held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused")),
        "{plan:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_text_bounce_marks_the_contact_undeliverable() {
    let mut w = world("");
    // qmail's notice: no multipart/report, no DSN fields.
    let raw = String::from_utf8(mail_fixture("bounce-qmail.eml"))
        .unwrap()
        .replace("pedro@mueblesgarcia.example", "uno@cliente.example");
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!((report.applied, report.bounces), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.client_id.as_deref()),
        ("bounce", Some("C1"))
    );
    assert_eq!(
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .len(),
        1
    );
    // The owner is told, and the planner no longer has an address to write to.
    let alert = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "owner_alert")
        .expect("an owner alert");
    assert!(
        alert.message.body_text.contains("uno@cliente.example"),
        "{}",
        alert.message.body_text
    );
    // About the address (no message of ours is named): correct it; nothing to requeue.
    assert!(
        alert
            .message
            .body_text
            .starts_with("Dirección de correo rechazada")
            && !alert.message.body_text.contains("requeue"),
        "{}",
        alert.message.body_text
    );
    let snapshot = store::snapshot::load(w.store.conn()).unwrap();
    let c1 = snapshot
        .clients
        .iter()
        .find(|f| f.client.id == "C1")
        .unwrap();
    assert!(
        c1.contacts.iter().all(|c| c.email.is_none()),
        "{:?}",
        c1.contacts
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-30 10:00")).unwrap();
    assert!(
        !plan.messages.iter().any(|m| m.client == "C1"),
        "nothing planned to a bounced address: {plan:?}"
    );
}

/// mail26: the client's server forwarded our reminder (to uno@…) to an address that is gone
/// (Exim's «maria…@oldisp.es generated by uno@…»). Our message did not arrive: it is undone,
/// the address we wrote to is marked (its mail goes nowhere), and the owner is told of the
/// forward. Before, the response said «address marked undeliverable» while nothing was marked,
/// and every later reminder was lost the same way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounce_after_the_clients_forward_undoes_the_message() {
    let mut w = world("");
    let ours = w.ours();
    let id = store::outbox::for_client(w.store.conn(), "C1").unwrap()[0].id;
    store::outbox::mark_sending(w.store.conn(), id).unwrap();
    store::outbox::mark_sent(w.store.conn(), id, utc("2026-11-24 10:00"), None).unwrap();
    let raw = String::from_utf8(mail_fixture("bounce-exim-forwarded.eml"))
        .unwrap()
        .replace("<OUR-MESSAGE-ID>", &ours);
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!((report.applied, report.bounces), (1, 1), "{report:?}");
    let undeliverable = store::inbox::undeliverable_contacts(w.store.conn()).unwrap();
    assert_eq!(undeliverable.len(), 1, "{undeliverable:?}");
    let msgs = store::outbox::for_client(w.store.conn(), "C1").unwrap();
    let reminder = msgs
        .iter()
        .find(|m| m.message.message_id.as_deref() == Some(ours.as_str()))
        .unwrap();
    assert_eq!(
        reminder.status.as_str(),
        "dead",
        "{:?}",
        reminder.last_error
    );
    assert!(
        reminder
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("maria.zurbaran@oldisp.es")),
        "{:?}",
        reminder.last_error
    );
}

/// A refusal of our message itself (5.7.1, taken for spam): the address is kept, and the
/// owner is told the client's server refused the message, to look at SPF/DKIM/DMARC, not to
/// correct the address (sessions 25–26: the alert said «si la dirección es incorrecta,
/// corregirla»).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_refused_as_spam_tells_the_owner_to_look_at_the_sending_not_the_address() {
    let mut w = world("");
    let ours = w.ours();
    let id = store::outbox::by_message_id(w.store.conn(), &ours)
        .unwrap()
        .unwrap()
        .id;
    store::outbox::mark_sent(w.store.conn(), id, utc("2026-11-24 10:00"), None).unwrap();
    let raw = String::from_utf8(mail_fixture("outside7-b12-spam-reject-571.eml"))
        .unwrap()
        .replace("gerencia@constructoravega.example", "uno@cliente.example")
        .replace(
            "<57f96763ce90dbf7de78753586cf203a.cobrador@reformasprado.example>",
            &ours,
        );
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let report = w.check(utc("2026-11-24 12:00")).await;
    assert_eq!(report.bounces, 1, "{report:?}");
    assert!(
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .is_empty(),
        "the address is kept"
    );
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    engine::queue_due(&mut w.store, &w.config, &renderer, utc("2026-11-24 13:00")).unwrap();
    let alerts: Vec<store::OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .collect();
    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let text = &alerts[0].message.body_text;
    assert!(
        text.starts_with("Mensaje no entregado: rechazado por el servidor del cliente"),
        "{text}"
    );
    assert!(text.contains("SPF, DKIM o DMARC"), "{text}");
    assert!(!text.contains("corregir"), "{text}");
}

/// A full mailbox is a temporary failure (RFC 3463): recorded, the address kept. When the
/// same address still bounces a week later, it is given up as if the failure were permanent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailbox_full_for_a_week_is_given_up() {
    let mut w = world("");
    let full = |date: &str, id: &str| {
        String::from_utf8(mail_fixture("bounce-zimbra.eml"))
            .unwrap()
            .replace("recepcion@clinicadental.example", "uno@cliente.example")
            .replace("Mon, 23 Nov 2026 11:08:00 +0100 (CET)", date)
            .replace("20261123100800.AB12C3D4E5", id)
    };
    let undeliverable = |w: &InboxWorld| {
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .len()
    };
    w.dovecot.deliver(
        "INBOX",
        full("Mon, 23 Nov 2026 11:08:00 +0100 (CET)", "first").as_bytes(),
    );
    let report = w.check(utc("2026-11-23 12:00")).await;
    assert_eq!((report.applied, report.bounces), (1, 1), "{report:?}");
    assert_eq!(undeliverable(&w), 0, "a full mailbox may be emptied");
    // Three days later: still only temporary.
    w.dovecot.deliver(
        "INBOX",
        full("Thu, 26 Nov 2026 11:08:00 +0100 (CET)", "second").as_bytes(),
    );
    w.check(utc("2026-11-26 12:00")).await;
    assert_eq!(undeliverable(&w), 0);
    // A week after the first: given up, and the owner told.
    w.dovecot.deliver(
        "INBOX",
        full("Tue, 01 Dec 2026 11:08:00 +0100 (CET)", "third").as_bytes(),
    );
    w.check(utc("2026-12-01 12:00")).await;
    assert_eq!(undeliverable(&w), 1);
    let mut rs = w.responses();
    rs.sort_by_key(|r| r.id);
    let effects: Vec<&str> = rs
        .iter()
        .map(|r| r.response.effect.as_deref().unwrap_or(""))
        .collect();
    assert!(effects[0].starts_with("temporary"), "{effects:?}");
    assert!(effects[2].contains("for a week"), "{effects:?}");
    assert!(
        store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .iter()
            .any(|m| m.message.stage == "owner_alert"
                && m.message.body_text.contains("uno@cliente.example")),
        "the owner is told"
    );
}

/// A server that refuses our message itself (a spam filter's "550 5.7.1 Message content
/// rejected"; likewise DMARC's 5.7.26 or a size limit's 5.3.4) says nothing of the address: it
/// is kept, at once and a week later (the fix is on our side: the owner reads the answer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_refused_as_spam_never_gives_up_the_address() {
    let mut w = world("");
    let blocked = |date: &str, id: &str| {
        String::from_utf8(mail_fixture("bounce-barracuda-blocked-no-dsn.eml"))
            .unwrap()
            .replace("reservas@hotelplayadorada.example", "uno@cliente.example")
            .replace("Mon, 11 Jan 2027 03:17:31 -0600", date)
            .replace("0a1b2c3d4e5f0001", id)
    };
    let undeliverable = |w: &InboxWorld| {
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .len()
    };
    w.dovecot.deliver(
        "INBOX",
        blocked("Mon, 23 Nov 2026 11:08:00 +0100", "first").as_bytes(),
    );
    let report = w.check(utc("2026-11-23 12:00")).await;
    assert_eq!((report.applied, report.bounces), (1, 1), "{report:?}");
    assert_eq!(undeliverable(&w), 0, "the address is not to blame");
    w.dovecot.deliver(
        "INBOX",
        blocked("Tue, 01 Dec 2026 11:08:00 +0100", "second").as_bytes(),
    );
    w.check(utc("2026-12-01 12:00")).await;
    assert_eq!(
        undeliverable(&w),
        0,
        "a week of refusals is still our side's"
    );
}

/// A final failure that keeps the address ("554 5.2.2 mailbox full", the mail system gave up)
/// means our reminder never arrived: it is dead, never counted as sent, and its stage is
/// planned again once `retry-stage-after-hours` have passed; the address stays. A delay ("452
/// 4.2.2, still trying") changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_final_full_mailbox_failure_undoes_the_reminder_a_delay_does_not() {
    let mut w = world("");
    let ours = w.ours();
    let reminder = |w: &InboxWorld| {
        store::outbox::by_message_id(w.store.conn(), &ours)
            .unwrap()
            .unwrap()
    };
    store::outbox::mark_sent(
        w.store.conn(),
        reminder(&w).id,
        utc("2026-11-24 10:00"),
        None,
    )
    .unwrap();
    let returned = |name: &str, address: &str, id: &str| {
        String::from_utf8(mail_fixture(name))
            .unwrap()
            .replace(address, "uno@cliente.example")
            .replace(id, &ours)
    };
    w.dovecot.deliver(
        "INBOX",
        returned(
            "bounce-postfix-delayed-452-full.eml",
            "info@clinicadentalsonrisa.es",
            "<63549beacb1c146b1d39a2fa76b85672.cobrador@reformasprado.es>",
        )
        .as_bytes(),
    );
    w.check(utc("2026-11-24 12:00")).await;
    assert_eq!(reminder(&w).status, store::OutboxStatus::Sent, "a delay");
    w.dovecot.deliver(
        "INBOX",
        returned(
            "bounce-o365-552-mailbox-full-final.eml",
            "miguel.delgado@delgadoreformas.es",
            "<aa5303d074bebd89c74828948075acef.cobrador@reformasprado.es>",
        )
        .as_bytes(),
    );
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!(report.bounces, 1, "{report:?}");
    let mut rs = w.responses();
    rs.sort_by_key(|r| r.id);
    let effect = rs[1].response.effect.as_deref().unwrap_or("");
    assert!(effect.starts_with("message not delivered"), "{effect}");
    let dead = reminder(&w);
    assert_eq!(dead.status, store::OutboxStatus::Dead);
    assert_eq!(
        dead.retry_at,
        Some(utc("2026-11-26 09:00")),
        "its stage is held"
    );
    assert!(
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .is_empty(),
        "a full mailbox is emptied one day"
    );
    // Once released, the stage is planned again, to the same address.
    store::outbox::release_dead(w.store.conn(), utc("2026-11-26 10:00")).unwrap();
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-26 10:00")).unwrap();
    assert!(
        plan.messages.iter().any(|m| m.client == "C1"
            && m.stage == dead.message.stage
            && m.recipients == ["uno@cliente.example"]),
        "{plan:?}"
    );
}

/// A permanent failure of our reminder's only address ("550 5.1.1 user unknown"): the reminder
/// is dead and the owner is told that the address was refused, to correct it; not to requeue
/// the message, which would go to the same address again (what the alert about any other dead
/// message suggests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_refused_for_good_tells_the_owner_to_correct_the_address_not_to_requeue() {
    let mut w = world("");
    let ours = w.ours();
    let id = store::outbox::by_message_id(w.store.conn(), &ours)
        .unwrap()
        .unwrap()
        .id;
    store::outbox::mark_sent(w.store.conn(), id, utc("2026-11-24 10:00"), None).unwrap();
    let raw = String::from_utf8(mail_fixture("bounce-postfix-dsn.eml"))
        .unwrap()
        .replace("ana.lopez@ebrologistica.example", "uno@cliente.example")
        .replace(
            "<3f9a1c0e5b7d2a4e8c6f1b0d9e7a5c3b.cobrador@reformasprado.example>",
            &ours,
        );
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let report = w.check(utc("2026-11-24 12:00")).await;
    assert_eq!(report.bounces, 1, "{report:?}");
    let dead = store::outbox::get(w.store.conn(), id).unwrap().unwrap();
    assert_eq!(dead.status, store::OutboxStatus::Dead);
    // The queueing pass tells the owner about dead messages.
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    engine::queue_due(&mut w.store, &w.config, &renderer, utc("2026-11-24 13:00")).unwrap();
    let alerts: Vec<store::OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .collect();
    assert_eq!(alerts.len(), 1, "told once: {alerts:#?}");
    let text = &alerts[0].message.body_text;
    assert!(
        text.starts_with("Mensaje no entregado: dirección rechazada"),
        "{text}"
    );
    assert!(text.contains("5.1.1"), "the server's answer: {text}");
    assert!(text.contains("corregir antes su dirección"), "{text}");
    assert!(!text.contains("para reintentarlo ya"), "{text}");
    assert!(
        !text.contains("bounced:"),
        "our own words stay ours: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iso_8859_1_and_html_only_replies_are_read() {
    let mut w = world("");
    w.dovecot.deliver("INBOX", &from_c1("reply-iso-8859-1.eml"));
    w.dovecot
        .deliver("INBOX", &from_c1("reply-gmail-html-only.eml"));
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!(report.applied, 2, "{report:?}");
    let mut rs = w.responses();
    rs.sort_by_key(|r| r.id);
    let latin = &rs[0].response;
    assert_eq!(latin.intent.as_str(), "promise");
    assert!(
        latin
            .excerpt
            .as_deref()
            .unwrap()
            .contains("Le pagaré el próximo lunes"),
        "{latin:?}"
    );
    let html = &rs[1].response;
    assert_eq!(html.intent.as_str(), "promise");
    assert_eq!(
        html.excerpt.as_deref(),
        Some("Hola Lucía,\n\nTe hago la transferencia el lunes 30.")
    );
    assert_eq!(html.promised_date.unwrap().to_string(), "2026-11-30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baja_opts_the_client_out() {
    let mut w = world("");
    let ours = w.ours();
    let reply = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "baja@cliente.example",
        Some(&ours),
        "Por favor, denme de baja, no quiero recibir más correos.",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!(w.responses()[0].response.intent.as_str(), "stop");
    let contacts = store::clients::for_client(w.store.conn(), "C1").unwrap();
    assert!(contacts.iter().all(|c| c.opted_out));
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-30 10:00")).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason == "opted out"),
        "{plan:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingesting_twice_records_nothing_twice_and_oversized_mail_waits_for_review() {
    // «Procesados» does not exist yet: the first move makes it (mail28 V5: every check applied
    // the messages, then failed on the move, with no summary).
    let mut w = world("max-message-bytes = 20000\nprocessed-mailbox = \"Procesados\"");
    let ours = w.ours();
    for i in 0..3 {
        w.dovecot.deliver(
            "INBOX",
            &mail(
                "Uno <uno@cliente.example>",
                "Re: Recordatorio",
                &format!("twice{i}@cliente.example"),
                Some(&ours),
                "Le pago el viernes.",
            ),
        );
    }
    let big = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "big@cliente.example",
        Some(&ours),
        &"Le pago el viernes. ".repeat(2000),
    );
    w.dovecot.deliver("INBOX", &big);
    let first = w.check(utc("2026-11-25 09:00")).await;
    assert_eq!(
        (first.fetched, first.applied, first.needs_review),
        (4, 3, 1),
        "{first:?}"
    );
    let second = w.check(utc("2026-11-25 10:00")).await;
    assert_eq!((second.fetched, second.applied), (0, 0), "{second:?}");
    // Processed messages moved; the oversized one stays, unread, for a person.
    assert_eq!(w.dovecot.count("Procesados", "ALL"), 3);
    assert_eq!(w.dovecot.count("INBOX", "ALL"), 1);
    assert_eq!(w.dovecot.count("INBOX", "UNSEEN"), 1);
    let review = store::responses::list(w.store.conn(), true).unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].response.kind.as_str(), "unparsed");
    assert!(
        review[0]
            .response
            .effect
            .as_deref()
            .unwrap()
            .contains("max-message-bytes")
    );
    // The server forgets our UIDs (UIDVALIDITY changes) and everything is re-read: Message-IDs
    // keep it exact.
    w.store
        .conn()
        .execute("UPDATE mailbox_state SET uidvalidity = uidvalidity + 1", [])
        .unwrap();
    w.dovecot.doveadm(&[
        "move",
        "-u",
        "cobros",
        "INBOX",
        "mailbox",
        "Procesados",
        "ALL",
    ]);
    let rescan = w.check(utc("2026-11-25 11:00")).await;
    assert!(rescan.uidvalidity_reset, "{rescan:?}");
    assert_eq!((rescan.applied, rescan.needs_review), (0, 0), "{rescan:?}");
    assert_eq!(rescan.duplicates, rescan.fetched, "{rescan:?}");
    assert_eq!(w.responses().len(), 4);
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 3);
}

/// Walk 2, fault 02: a reply written during an outage is read as of its own date, so «el 27
/// de noviembre» written on the 25th and read on 1 December is this year's 27th (a day already
/// past), not next year's; the acknowledgement about a day gone by is not sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_written_during_an_outage_is_read_as_of_its_own_date() {
    let mut w = world("");
    let ours = w.ours();
    // The mailbox is read on the 24th (nothing yet); then cobrador is down for a week.
    let report = w.check(utc("2026-11-24 12:00")).await;
    assert_eq!(report.fetched, 0);
    let reply = String::from_utf8(mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "r-outage@cliente.example",
        Some(&ours),
        "Les pagamos la F-1 el 27 de noviembre.",
    ))
    .unwrap()
    .replace(
        "Date: Tue, 24 Nov 2026 18:05:00 +0100",
        "Date: Wed, 25 Nov 2026 10:15:00 +0100",
    );
    w.dovecot.deliver("INBOX", reply.as_bytes());
    let report = w.check(utc("2026-12-01 09:00")).await;
    assert_eq!(report.fetched, 1, "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(r.intent.as_str(), "promise");
    assert_eq!(r.promised_date.unwrap().to_string(), "2026-11-27");
    assert_eq!(r.received_at, utc("2026-11-25 09:15"));
}
