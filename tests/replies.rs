//! Replies end to end: `parse-reply` on the real binary, and applying replies to a real
//! database (match, record, change course, acknowledge, alert the owner; nothing lost).

mod support;

use cobrador::config::EXAMPLE;
use cobrador::domain::{Channel, InvoiceStatus};
use cobrador::engine::{
    self,
    apply::{Applied, Incoming},
};
use cobrador::store::{self, OutboxMessage, Store};
use support::{TWO_INVOICES, World, cobrador_ok, mail_fixture, parse_reply, two_clients, utc};

#[test]
fn parse_reply_reads_text_and_whole_messages() {
    let v = parse_reply(
        &["--now", "2026-11-25T10:00:00Z", "--tz", "Europe/Madrid"],
        "Le pago el viernes".as_bytes(),
    );
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-11-27");
    // With --eml the Date header is the reference, and the quoted reminder is not read.
    let eml = mail_fixture("reply-manana-quoted-due-date.eml");
    let v = parse_reply(&["--eml", "--tz", "Europe/Madrid"], &eml);
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-12-01");
    let ooo = mail_fixture("auto-submitted-header-only.eml");
    let v = parse_reply(&["--eml"], &ooo);
    assert_eq!(v["intent"], "auto_reply");
    assert_eq!(v["kind"], "auto_reply");
    // A bounce: who failed, and for good; never read as a promise.
    let v = parse_reply(&["--eml"], &mail_fixture("bounce-qmail.eml"));
    assert_eq!(v["kind"], "bounce");
    assert_eq!(
        v["failed_recipients"],
        serde_json::json!(["pedro@mueblesgarcia.example"])
    );
    assert_eq!(v["permanent"], true);
    assert_eq!(v["promised_date"], serde_json::Value::Null);
    let v = parse_reply(&["--eml"], &mail_fixture("bounce-gmail-delay.eml"));
    assert_eq!(
        (v["kind"].as_str(), v["permanent"].as_bool()),
        (Some("bounce"), Some(false))
    );
    let v = parse_reply(&["--eml"], &mail_fixture("reply-thunderbird-bottom.eml"));
    assert_eq!(v["kind"], "reply");
    assert_eq!(v["intent"], "promise");
    assert_eq!(
        v["visible_text"],
        "Buenas tardes. Le pagaré el día 15 de diciembre."
    );
}

/// Queues our first reminder to C1 (Tuesday 24 November, 10:00 UTC) and returns it.
fn our_reminder_to_c1(w: &mut World) -> OutboxMessage {
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-11-24 10:00"),
    )
    .unwrap();
    store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .pop()
        .unwrap()
}

/// Applies `inc` at the moment it was received; it must match something.
fn apply(w: &mut World, inc: &Incoming) -> Applied {
    engine::apply::apply_reply(&mut w.store, &w.config, &w.renderer, inc, inc.received_at)
        .unwrap()
        .expect("the reply is applied")
}

fn reply(id: &str, from: &str, body: &str, refs: Vec<String>) -> Incoming {
    Incoming {
        channel: Some(Channel::Email),
        external_id: Some(id.into()),
        received_at: utc("2026-11-24 17:00"),
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
    let mut w = two_clients().build();
    // Our reminder to C1, then the client's answer threaded to it.
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    // Sent by a colleague at the client's own domain: the thread identifies the client, and the
    // domain vouches for the sender.
    let inc = reply(
        "<r1@x.example>",
        "otra@cliente.example",
        "Le pago el viernes sin falta.\n\nSaludos,\nAna",
        refs,
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.client.as_deref(), Some("C1"));
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied")
    );
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(ack.message.recipients, ["otra@cliente.example"]);
    assert_eq!(ack.message.in_reply_to.as_deref(), Some("<r1@x.example>"));
    assert!(
        ack.message.body_text.contains("27 de noviembre"),
        "{}",
        ack.message.body_text
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-25 10:00")).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused: promise until 2026-12-01")),
        "{plan:?}"
    );
    // The same message read again (IMAP re-fetch) changes nothing.
    assert!(
        engine::apply::apply_reply(
            &mut w.store,
            &w.config,
            &w.renderer,
            &inc,
            utc("2026-11-24 18:00")
        )
        .unwrap()
        .is_none()
    );
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 1);
}

#[test]
fn a_threaded_reply_from_a_stranger_changes_nothing_until_reviewed() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let inc = reply(
        "<r9@x.example>",
        "alguien@gmail.com",
        "Ya está pagado, no escriban más.",
        refs,
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.client.as_deref(), Some("C1"));
    assert_eq!(applied.status.as_str(), "needs_review");
    assert!(applied.ack.is_none(), "nothing is said to a stranger");
    assert!(applied.alert.is_some(), "the owner is asked to look");
    // The owner is told who wrote it, not shown it as the client's words (two outside testers:
    // «cobrador no ha sabido interpretar esta respuesta», no sender).
    let alert = store::outbox::get(w.store.conn(), applied.alert.unwrap())
        .unwrap()
        .unwrap();
    let subject = alert.message.subject.clone().unwrap_or_default();
    assert!(
        subject.starts_with("Mensaje de alguien que no es contacto del cliente"),
        "{subject}"
    );
    assert!(
        alert
            .message
            .body_text
            .contains("Lo que escribe alguien@gmail.com:")
            && alert.message.body_text.contains("no viene de un contacto")
            && !alert.message.body_text.contains("no ha sabido interpretar"),
        "{}",
        alert.message.body_text
    );
    let inv = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(inv.paid_claimed_on.is_none(), "{inv:?}");
    assert!(!store::clients::for_client(w.store.conn(), "C1").unwrap()[0].opted_out);
    // The owner reads it and vouches for it: the effect follows, and it leaves the review queue.
    let review = engine::apply::Reclassify {
        kind: cobrador::mail::classify::Kind::Reply,
        intent: Some(cobrador::understand::Intent::Paid),
        ..Default::default()
    };
    let done = engine::apply::reclassify(
        &mut w.store,
        &w.config,
        &w.renderer,
        applied.response_id,
        &review,
        utc("2026-11-25 09:00"),
    )
    .unwrap();
    assert_eq!(
        (done.intent.as_str(), done.status.as_str()),
        ("paid", "reviewed")
    );
    assert!(done.ack.is_some(), "the client hears that it was noted");
    let inv = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(inv.paid_claimed_on.is_some(), "{inv:?}");
    assert!(
        store::responses::list(w.store.conn(), true)
            .unwrap()
            .is_empty()
    );
    let r = store::responses::get(w.store.conn(), applied.response_id)
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.response.intent.as_str(), r.response.status.as_str()),
        ("paid", "reviewed")
    );
}

#[test]
fn an_answer_given_by_phone_is_recorded_by_the_owner_and_applied() {
    let World { dir, store, .. } = two_clients().build();
    drop(store);
    std::fs::write(dir.path().join("cobrador.toml"), EXAMPLE).unwrap();
    let out = cobrador_ok(
        dir.path(),
        &[
            "--db",
            dir.path().join("c.db").to_str().unwrap(),
            "reply",
            "record",
            "C2",
            "--text",
            "Me ha dicho por teléfono que le paga el viernes.",
            "--now",
            "2026-11-24T17:00:00Z",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
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
    let mut w = two_clients().build();
    let inc = reply(
        "<r2@x.example>",
        "dos@cliente.example",
        "No reconozco esta factura, nunca recibimos el material.",
        vec![],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(
        applied.client.as_deref(),
        Some("C2"),
        "matched by the sender's address"
    );
    assert_eq!(applied.intent.as_str(), "dispute");
    assert_eq!(
        store::invoices::require(w.store.conn(), "F-2")
            .unwrap()
            .status,
        InvoiceStatus::Disputed
    );
    let alert = store::outbox::get(w.store.conn(), applied.alert.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(alert.message.recipients, [w.config.owner_email()]);
    assert!(
        alert
            .message
            .body_text
            .contains("nunca recibimos el material")
    );
    // The invoice the alert is about is not labelled as another one beside it.
    let body = &alert.message.body_text;
    assert!(body.contains("F-2"), "{body}");
    assert!(!body.contains("también pendiente"), "{body}");
}

#[test]
fn a_paid_claim_stops_reminders_until_a_person_checks() {
    let mut w = two_clients().build();
    let inc = reply(
        "<r3@x.example>",
        "uno@cliente.example",
        "Sobre la F-1: ya está pagada, hicimos la transferencia ayer.",
        vec![],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.intent.as_str(), "paid");
    assert!(
        store::invoices::require(w.store.conn(), "F-1")
            .unwrap()
            .paid_claimed_on
            .is_some()
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-25 10:00")).unwrap();
    assert!(plan.messages.iter().all(|m| m.client != "C1"), "{plan:?}");
    // The owner reads it otherwise: the claim is withdrawn and the reminders no longer wait
    // for a bank check (they waited for weeks, the digest listing the claim every day).
    let other = engine::apply::Reclassify {
        kind: cobrador::mail::classify::Kind::Reply,
        intent: Some(cobrador::understand::Intent::Other),
        ..Default::default()
    };
    engine::apply::reclassify(
        &mut w.store,
        &w.config,
        &w.renderer,
        applied.response_id,
        &other,
        utc("2026-11-25 11:00"),
    )
    .unwrap();
    let inv = store::invoices::require(w.store.conn(), "F-1").unwrap();
    assert!(inv.paid_claimed_on.is_none(), "{inv:?}");
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-30 10:00")).unwrap();
    assert!(
        !plan
            .held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paid")),
        "{plan:?}"
    );
}

/// «Hecho, pagado hoy» about an invoice on hold (held while a plan was prepared): the claim is
/// recorded all the same, so that lifting the hold does not bring the reminders back as if the
/// client had said nothing (they were told «no le enviaremos más recordatorios»; mail28 U2).
#[test]
fn a_paid_claim_about_an_invoice_on_hold_outlasts_the_hold() {
    let mut w = two_clients().build();
    w.store
        .transaction(|tx| {
            store::invoices::set_status(tx, "F-1", InvoiceStatus::OnHold, utc("2026-11-24 10:00"))
        })
        .unwrap();
    let inc = reply(
        "<r-held@x.example>",
        "uno@cliente.example",
        "F-1: hecho, pagado hoy.",
        vec![],
    );
    assert_eq!(apply(&mut w, &inc).intent.as_str(), "paid");
    let inv = store::invoices::require(w.store.conn(), "F-1").unwrap();
    assert!(inv.paid_claimed_on.is_some(), "{inv:?}");
    w.store
        .transaction(|tx| {
            store::invoices::set_status(tx, "F-1", InvoiceStatus::Open, utc("2026-11-25 10:00"))
        })
        .unwrap();
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-26 10:00")).unwrap();
    assert!(plan.messages.iter().all(|m| m.client != "C1"), "{plan:?}");
}

/// A reply threaded to our reminder of F-1 that names only another client's invoice («La F-2
/// sí la reconocemos, la pagamos el viernes»): not a promise about F-1 (it was moved to Friday
/// and acknowledged as such; mail28 U3), nor about F-2 (written by C1's contact): a person
/// reads it.
#[test]
fn a_reply_naming_only_another_clients_invoice_goes_to_a_person() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let inc = reply(
        "<r-foreign@x.example>",
        "uno@cliente.example",
        "La F-2 sí la reconocemos, la pagamos el viernes.",
        vec![ours.message.message_id.clone().unwrap()],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.status.as_str(), "needs_review", "{applied:?}");
    assert!(store::promises::all(w.store.conn()).unwrap().is_empty());
    assert!(
        store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .iter()
            .all(|m| !m.message.stage.starts_with("ack_")),
        "no acknowledgement"
    );
    // Naming its own invoice too, it is applied as usual.
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let inc = reply(
        "<r-own@x.example>",
        "uno@cliente.example",
        "La F-1 la pagamos el viernes.",
        vec![ours.message.message_id.clone().unwrap()],
    );
    assert_eq!(apply(&mut w, &inc).intent.as_str(), "promise");
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 1);
}

/// A gestoría's address is the contact of two clients; its «Ya está pagado», in a new message
/// naming no invoice, may be about either: a person reads it (it claimed C1's invoice paid and
/// left C2's reminders going; mail28 W2). Naming an invoice, it is that invoice's client's.
#[test]
fn an_unthreaded_reply_from_the_contact_of_two_clients_goes_to_a_person() {
    let shared =
        "id;name;email\nC1;Uno;gestoria@asesores.example\nC2;Dos;gestoria@asesores.example\n";
    let mut w = support::world()
        .clients(shared)
        .invoices(TWO_INVOICES)
        .build();
    let inc = reply(
        "<r-shared@x.example>",
        "gestoria@asesores.example",
        "Ya está pagado.",
        vec![],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.status.as_str(), "needs_review", "{applied:?}");
    for n in ["F-1", "F-2"] {
        let inv = store::invoices::require(w.store.conn(), n).unwrap();
        assert!(inv.paid_claimed_on.is_none(), "{inv:?}");
    }
    let inc = reply(
        "<r-shared-2@x.example>",
        "gestoria@asesores.example",
        "La F-2 ya está pagada.",
        vec![],
    );
    assert_eq!(apply(&mut w, &inc).intent.as_str(), "paid");
    let inv = store::invoices::require(w.store.conn(), "F-2").unwrap();
    assert!(inv.paid_claimed_on.is_some(), "{inv:?}");
}

/// «Escríbanme solo por las mañanas y solo por correo… Pagaremos a final de mes»: the promise is
/// recorded and acknowledged, and the owner is told of the client's terms (walk28 S08a: only the
/// promise was recorded, and nobody was told): the hours are the client's from now on, a
/// channel is for the owner to set. So is a new contact writing with a promise (walk30: «Pedro
/// ya no labora con nosotros»).
#[test]
fn a_clients_terms_for_being_written_to_reach_the_owner() {
    for (from, text, title, action) in [
        (
            "uno@cliente.example",
            "Escríbanme solo por las mañanas y solo por correo electrónico, por favor. Pagaremos a final de mes.",
            // The hours are set (`client hours`); the channel is for the owner to change.
            "Pide que se le escriba a otras horas",
            "no los cambia cobrador por su cuenta",
        ),
        (
            "uno@cliente.example",
            "Pagaremos a final de mes. Por favor, solo por WhatsApp.",
            "Pide que se le escriba de otra forma o a otras horas",
            "no cambia por su cuenta el canal",
        ),
        (
            "sofia@cliente.example",
            "Hola, Pedro ya no labora con nosotros, ahora llevo yo los pagos. Te pago el viernes.",
            "El contacto ya no está en la empresa",
            "Actualizar los contactos del cliente",
        ),
    ] {
        let mut w = support::world()
            .clients(
                "id;name;email;contacto\nC1;Uno;uno@cliente.example;Pedro Canul\n\
                 C2;Dos;dos@cliente.example;\n",
            )
            .invoices(support::TWO_INVOICES)
            .build();
        let ours = our_reminder_to_c1(&mut w);
        let inc = reply(
            "<r-terms@x.example>",
            from,
            text,
            vec![ours.message.message_id.clone().unwrap()],
        );
        let applied = apply(&mut w, &inc);
        assert_eq!(applied.intent.as_str(), "promise", "{applied:?}");
        assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 1);
        let alert = store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .find(|m| m.message.stage == "owner_alert")
            .expect("the owner is told");
        let subject = alert.message.subject.clone().unwrap_or_default();
        assert!(subject.contains(title), "{text}: {subject}");
        let body = alert.message.body_text.replace('\n', " ");
        assert!(body.contains(action), "{body}");
        assert!(body.contains("ya se ha aplicado"), "{body}");
        // The acknowledgement greets who wrote: the contact, or else the client (walk30: «Hola,
        // Pedro…» to Sofía, who had written that Pedro left).
        let ack = store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .find(|m| m.message.stage == "ack_promise")
            .expect("acknowledged");
        assert_eq!(ack.message.recipients, [from]);
        let greeting = ack.message.body_text.lines().next().unwrap().to_owned();
        let greets = if from.starts_with("uno@") {
            "Pedro Canul:"
        } else {
            "Uno:"
        };
        assert!(greeting.ends_with(greets), "{greeting}");
    }
}

/// «Ya está pagada» acknowledged («lo comprobaremos»), then not found by the owner (`invoice
/// resolve`): the next reminder says so and asks for the reference, instead of «si ya ha
/// realizado el pago, ignore este mensaje» (a walker saw that 84 minutes after resolving).
#[test]
fn a_claim_not_found_is_told_in_the_next_reminder_once() {
    let mut w = two_clients().build();
    let inc = reply(
        "<r3@x.example>",
        "uno@cliente.example",
        "Sobre la F-1: ya está pagada, hicimos la transferencia ayer.",
        vec![],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.intent.as_str(), "paid");
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_paid")
        .expect("the claim is acknowledged");
    store::outbox::mark_sent(w.store.conn(), ack.id, inc.received_at, None).unwrap();
    engine::decisions::decide(
        &mut w.store,
        "F-1",
        engine::decisions::Decision::Resolve,
        None,
        cobrador::domain::Actor::Owner,
        utc("2026-11-27 09:00"),
    )
    .unwrap();
    let reminder = |w: &mut World, at: &str| {
        engine::queue_due(&mut w.store, &w.config, &w.renderer, utc(at)).unwrap();
        store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .filter(|m| !m.message.stage.starts_with("ack_") && m.message.stage != "owner_alert")
            .max_by_key(|m| m.id)
            .expect("a reminder")
    };
    let next = reminder(&mut w, "2026-11-27 10:00");
    let text = &next.message.body_text;
    assert!(
        text.contains("lo hemos buscado y no nos consta en nuestras cuentas")
            && text.contains("justificante o la referencia"),
        "{text}"
    );
    assert!(!text.contains("ignore este mensaje"), "{text}");
    let html = next.message.body_html.as_deref().unwrap_or_default();
    assert!(html.contains("no nos consta en nuestras cuentas"), "{html}");
    // Told once: the reminder after it no longer repeats it.
    store::outbox::mark_sent(w.store.conn(), next.id, utc("2026-11-27 10:00"), None).unwrap();
    let later = reminder(&mut w, "2026-12-10 10:00");
    assert_ne!(later.id, next.id);
    assert!(
        !later
            .message
            .body_text
            .contains("no nos consta en nuestras cuentas"),
        "{}",
        later.message.body_text
    );
}

/// A dispute acknowledged («lo revisamos») and resolved by the owner: the next reminder says
/// the matter was looked into, not «puede que se trate de un olvido» (a walker saw that 30
/// minutes after the owner corrected the amount).
#[test]
fn a_resolved_dispute_is_told_in_the_next_reminder() {
    let mut w = two_clients().build();
    let inc = reply(
        "<r9@x.example>",
        "uno@cliente.example",
        "No reconozco la factura F-1: el importe no es el que acordamos.",
        vec![],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.intent.as_str(), "dispute");
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_dispute")
        .expect("the dispute is acknowledged");
    store::outbox::mark_sent(w.store.conn(), ack.id, inc.received_at, None).unwrap();
    engine::decisions::decide(
        &mut w.store,
        "F-1",
        engine::decisions::Decision::Resolve,
        None,
        cobrador::domain::Actor::Owner,
        utc("2026-11-27 09:00"),
    )
    .unwrap();
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-11-27 10:00"),
    )
    .unwrap();
    let next = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| !m.message.stage.starts_with("ack_") && m.message.stage != "owner_alert")
        .max_by_key(|m| m.id)
        .expect("a reminder");
    let text = &next.message.body_text;
    assert!(
        text.contains("Ya hemos revisado la incidencia que nos indicó sobre esta factura"),
        "{text}"
    );
    assert!(!text.contains("olvido"), "{text}");
}

#[test]
fn the_list_unsubscribe_link_opts_the_client_out() {
    let mut w = two_clients().build();
    let mut inc = reply("<r6@x.example>", "uno@cliente.example", "", vec![]);
    inc.subject = Some("BAJA C1".into());
    let applied = apply(&mut w, &inc);
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("stop", "applied")
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-25 10:00")).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason == "opted out"),
        "{plan:?}"
    );
}

#[test]
fn an_unmatched_or_unclear_reply_is_kept_for_review_never_lost() {
    let mut w = two_clients().build();
    let stranger = reply(
        "<r4@x.example>",
        "nadie@desconocido.example",
        "Hola, ¿quién es usted?",
        vec![],
    );
    let applied = apply(&mut w, &stranger);
    assert_eq!(applied.status.as_str(), "needs_review");
    assert!(applied.client.is_none());
    let question = reply(
        "<r5@x.example>",
        "uno@cliente.example",
        "¿Me pueden reenviar la factura en PDF?",
        vec![],
    );
    let applied = apply(&mut w, &question);
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("question", "needs_review")
    );
    assert!(applied.alert.is_some(), "the owner is asked to answer");
    let review = store::responses::list(w.store.conn(), true).unwrap();
    assert_eq!(review.len(), 2);
    // Dealt with by the owner: no longer to review, its reading kept (walk28 S10c: a reply
    // stayed «por revisar» in every digest for months after the owner had acted on it).
    let id = review[0].id;
    let done = cobrador::engine::apply::mark_handled(&mut w.store, id, chrono::Utc::now()).unwrap();
    assert_eq!(done.response.status.as_str(), "reviewed");
    assert_eq!(done.response.intent, review[0].response.intent);
    assert_eq!(
        store::responses::list(w.store.conn(), true).unwrap().len(),
        1
    );
    let again = cobrador::engine::apply::mark_handled(&mut w.store, id, chrono::Utc::now());
    assert!(
        again
            .unwrap_err()
            .to_string()
            .contains("not waiting for review")
    );
}

/// C1 answers our reminder "Le pago la semana que viene" (Tuesday 24 November: a week, not a
/// day, so the acknowledgement asks which day).
fn a_week_promised(w: &mut World, ours: &OutboxMessage) -> Applied {
    apply(
        w,
        &reply(
            "<r1@x.example>",
            "ana@cliente.example",
            "Le pago la semana que viene.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    )
}

#[test]
fn a_plain_yes_to_our_question_confirms_the_date_asked_about() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let first = a_week_promised(&mut w, &ours);
    assert_eq!(first.intent.as_str(), "promise");
    let asking = store::outbox::get(w.store.conn(), first.ack.unwrap())
        .unwrap()
        .unwrap();
    assert!(
        asking.message.body_text.contains("¿Confirmamos el"),
        "{}",
        asking.message.body_text
    );
    let asked = store::promises::pending(w.store.conn()).unwrap()[0].clone();
    assert!(asked.ambiguous);
    let to_the_question = vec![asking.message.message_id.clone().unwrap()];

    // A yes to a reminder (no question asked) is not a promise: a person reads it.
    let stray = apply(
        &mut w,
        &Incoming {
            received_at: utc("2026-11-24 18:00"),
            ..reply(
                "<r2@x.example>",
                "ana@cliente.example",
                "Sí.",
                vec![ours.message.message_id.clone().unwrap()],
            )
        },
    );
    assert_eq!(stray.intent.as_str(), "other");

    // The yes threaded to the question: the date asked about, now without doubt, and the
    // client told so; nothing for the owner to review.
    let yes = apply(
        &mut w,
        &Incoming {
            received_at: utc("2026-11-25 09:00"),
            ..reply(
                "<r3@x.example>",
                "ana@cliente.example",
                "Sí, confirmado. Gracias.\n\nEl 24/11/2026 a las 18:00, Cobros escribió:\n> ¿Confirmamos el …",
                to_the_question.clone(),
            )
        },
    );
    assert_eq!(
        (yes.intent.as_str(), yes.status.as_str()),
        ("promise", "applied")
    );
    let pending = store::promises::pending(w.store.conn()).unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].promised_date, asked.promised_date);
    assert!(!pending[0].ambiguous);
    let noted = store::outbox::get(w.store.conn(), yes.ack.unwrap())
        .unwrap()
        .unwrap();
    assert!(
        noted.message.body_text.contains("Anotado"),
        "{}",
        noted.message.body_text
    );

    // A yes that comes after the date asked about confirms nothing: a person reads it.
    let late = apply(
        &mut w,
        &Incoming {
            received_at: utc("2026-12-20 09:00"),
            ..reply(
                "<r4@x.example>",
                "ana@cliente.example",
                "Sí",
                to_the_question,
            )
        },
    );
    assert_eq!(late.intent.as_str(), "other");
}

/// «Sí, confirmado» said on the phone and typed in by the owner (`reply record`) answers the
/// last message the client got: when that asked to confirm a date, the date is confirmed (it
/// went to review and held the reminders for five days).
#[test]
fn a_yes_typed_in_by_the_owner_answers_the_question_last_sent() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let first = a_week_promised(&mut w, &ours);
    let asking = first.ack.unwrap();
    store::outbox::mark_sent(w.store.conn(), asking, utc("2026-11-24 16:00"), None).unwrap();
    let asked = store::promises::pending(w.store.conn()).unwrap()[0].clone();
    assert!(asked.ambiguous);
    let mut said = reply(
        "<phone-1@x.example>",
        "ana@cliente.example",
        "Sí, confirmado",
        vec![],
    );
    said.received_at = utc("2026-11-25 09:00");
    said.trusted = true;
    said.client = Some("C1".into());
    said.via = Some(cobrador::domain::ReplyChannel::Manual);
    let yes = apply(&mut w, &said);
    assert_eq!(
        (yes.intent.as_str(), yes.status.as_str()),
        ("promise", "applied")
    );
    let pending = store::promises::pending(w.store.conn()).unwrap();
    assert_eq!(pending[0].promised_date, asked.promised_date);
    assert!(!pending[0].ambiguous);
}

/// Walk 2, fault 06: «¿Confirmamos el viernes 13?» queued before an outage must not go out
/// after the 13th, nor «Anotado» once the promise is settled.
#[tokio::test]
async fn an_acknowledgement_about_a_day_gone_by_is_withdrawn_not_sent() {
    let mut w = two_clients().file_outbox().build();
    let ours = our_reminder_to_c1(&mut w);
    let first = a_week_promised(&mut w, &ours);
    let ack = first.ack.unwrap();
    let promised = store::promises::pending(w.store.conn()).unwrap()[0].promised_date;
    // The sender next runs after the promised day (an outage): the question is withdrawn.
    let later = utc(&format!("{} 10:00", promised + chrono::Duration::days(3)));
    let report = support::flush_bounded(&w.config, &mut w.store, later).await;
    let row = store::outbox::get(w.store.conn(), ack).unwrap().unwrap();
    assert_eq!(row.status.as_str(), "cancelled", "{report:?}");
    assert!(
        row.last_error.as_deref().unwrap_or("").contains("is past"),
        "{:?}",
        row.last_error
    );
    assert!(report.cancelled >= 1);
}

/// Walk 2, fault 14: the owner's `--date` already gone was recorded and acknowledged to the
/// client («Anotado: pago el sábado 31 de octubre de 2026») months later, after the hand-over.
/// A past date is refused with the fix; after a hand-over or an opt-out nothing automatic
/// answers the client, whoever read the reply.
#[test]
fn a_past_promise_is_refused_and_no_acknowledgement_follows_a_hand_over_or_an_opt_out() {
    use cobrador::mail::classify::Kind;
    use cobrador::understand::Intent;
    let mut w = two_clients().build();
    let unclear = apply(
        &mut w,
        &reply(
            "<r20@x.example>",
            "alguien@gmail.com",
            "Sí, confirmado.",
            vec![],
        ),
    );
    let as_promise = |w: &mut World, date: &str| {
        let review = engine::apply::Reclassify {
            kind: Kind::Reply,
            intent: Some(Intent::Promise),
            promised_date: Some(date.parse().unwrap()),
            client: Some("C1".into()),
            ..Default::default()
        };
        engine::apply::reclassify(
            &mut w.store,
            &w.config,
            &w.renderer,
            unclear.response_id,
            &review,
            utc("2026-11-25 09:00"),
        )
    };
    let err = as_promise(&mut w, "2026-10-31").unwrap_err().to_string();
    assert!(
        err.contains("--date 2026-10-31 is already past (today is 2026-11-25")
            && err.contains("give the day the client now promises to pay"),
        "{err}"
    );
    assert!(store::promises::all(w.store.conn()).unwrap().is_empty());
    // The client had asked for no more messages: the promise is recorded, nothing is said.
    store::clients::set_opt_out(w.store.conn(), "C1", true).unwrap();
    let done = as_promise(&mut w, "2026-12-04").unwrap();
    assert!(done.ack.is_none(), "{done:?}");
    assert!(
        done.effect.contains("no acknowledgement"),
        "{}",
        done.effect
    );
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 1);

    // C2's invoice was handed over to a person: a reply read by cobrador gets no answer either.
    let mut handover = support::reminder("C2", "C2|handover|1", &["duena@x.example"]);
    handover.stage = cobrador::domain::HANDOVER_STAGE.into();
    handover.invoices = vec![("F-2".into(), false)];
    let id = store::outbox::insert_if_new(w.store.conn(), &handover, utc("2026-11-20 09:00"))
        .unwrap()
        .unwrap();
    store::outbox::mark_sent(w.store.conn(), id, utc("2026-11-20 09:00"), None).unwrap();
    let applied = apply(
        &mut w,
        &reply(
            "<r21@x.example>",
            "dos@cliente.example",
            "La factura F-2 se la pago el viernes.",
            vec![],
        ),
    );
    assert_eq!(applied.intent.as_str(), "promise");
    assert!(applied.ack.is_none(), "{applied:?}");
    assert!(
        store::outbox::for_client(w.store.conn(), "C2")
            .unwrap()
            .iter()
            .all(|m| !m.message.stage.starts_with("ack_")),
    );
}

/// C1 with F-1 and F-3 open, C2 with F-2; our first reminder to C1.
const C1_F1_F3: &str = "numero;cliente;fecha;vencimiento;importe\n\
                        F-1;C1;01/10/2026;02/11/2026;500\n\
                        F-3;C1;05/10/2026;05/11/2026;300\n\
                        F-2;C2;01/10/2026;02/11/2026;700\n";

fn c1_with_f1_and_f3() -> (World, OutboxMessage) {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(C1_F1_F3)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    (w, ours)
}

/// Walk 2, fault 03: a reply that clears one invoice and disputes the other stops only the one
/// disputed, and says so; a dispute that names no invoice is about all of them.
#[test]
fn a_dispute_concerns_the_invoices_named_where_the_client_disputes() {
    let invoices = C1_F1_F3;
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r30@x.example>",
            "uno@cliente.example",
            "Buenos días:\n\nLa F-1 la tenemos en la remesa de pagos de este mes, no hay problema \
             con ella.\n\nPero la factura F-3 no la reconocemos: el trabajo no se ha terminado. \
             Hasta que no esté terminado no vamos a pagar esa factura.\n\nUn saludo,\nPedro",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "dispute");
    let status = |w: &World, n: &str| {
        store::invoices::get(w.store.conn(), n)
            .unwrap()
            .unwrap()
            .status
    };
    assert_eq!(status(&w, "F-3"), InvoiceStatus::Disputed);
    assert_eq!(status(&w, "F-1"), InvoiceStatus::Open);
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    // The dispute's answer names F-3 alone; F-1's words («en la remesa de este mes», no day)
    // are passed to a person, under F-1.
    let text = &ack.message.body_text;
    let (f3, f1) = (
        text.find("Factura F-3:").expect(text),
        text.find("Factura F-1:").expect(text),
    );
    assert!(f3 < f1, "{text}");
    assert!(
        text[f3..f1].contains("el problema con la factura F-3") && !text[f3..f1].contains("F-1"),
        "{text}"
    );
    assert!(text[f1..].contains("se lo hemos pasado a"), "{text}");
    // Named nowhere: both.
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(invoices)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    apply(
        &mut w,
        &reply(
            "<r31@x.example>",
            "uno@cliente.example",
            "No vamos a pagar nada hasta que terminen el trabajo.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(status(&w, "F-1"), InvoiceStatus::Disputed);
    assert_eq!(status(&w, "F-3"), InvoiceStatus::Disputed);
}

/// «La F-1 ya la pagamos el lunes. La F-3 no la reconocemos»: each invoice gets the answer the
/// client gave for it (walk 2's fault 03, the rest of it): F-1 claimed paid, F-3 disputed, an
/// acknowledgement and an owner alert for each, each naming only its invoice; the reply's own
/// record says both.
#[test]
fn a_reply_that_answers_differently_per_invoice_is_acted_on_per_invoice() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r40@x.example>",
            "uno@cliente.example",
            "Buenas tardes:\n\nLa F-1 ya la pagamos el lunes por transferencia. La F-3 no la \
             reconocemos: no hicimos ese pedido.\n\nSaludos,\nMarta",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "dispute");
    assert!(
        applied
            .effect
            .contains("per invoice: F-3 dispute; F-1 paid"),
        "{}",
        applied.effect
    );
    let invoice = |w: &World, n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert_eq!(invoice(&w, "F-3").status, InvoiceStatus::Disputed);
    assert_eq!(invoice(&w, "F-1").status, InvoiceStatus::Open);
    assert!(invoice(&w, "F-1").paid_claimed_on.is_some());
    assert!(invoice(&w, "F-3").paid_claimed_on.is_none());
    let queued: Vec<OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.cycle.starts_with("response-"))
        .collect();
    let one = |stage: &str| -> Vec<&OutboxMessage> {
        queued.iter().filter(|m| m.message.stage == stage).collect()
    };
    // One acknowledgement answers both, as a person would (it was one a day, each answer
    // on its own day): the dispute first, each answer under its invoice, each saying only
    // what its own acknowledgement says.
    assert!(
        one("ack_paid").is_empty() && one("ack_dispute").is_empty(),
        "{queued:#?}"
    );
    let answers = one("ack_answers");
    assert_eq!(answers.len(), 1, "{queued:#?}");
    assert_eq!(applied.ack, Some(answers[0].id));
    assert_eq!(answers[0].message.send_at, utc("2026-11-24 17:00"));
    let text = answers[0].message.body_text.clone();
    let (dispute, paid) = (
        text.find("Factura F-3:").expect(&text),
        text.find("Factura F-1:").expect(&text),
    );
    assert!(dispute < paid, "{text}");
    let (dispute, paid) = (&text[dispute..paid], &text[paid..]);
    assert!(
        dispute.contains("el problema con la factura F-3") && !dispute.contains("F-1"),
        "{text}"
    );
    assert!(
        paid.contains("del pago de la factura F-1") && !paid.contains("F-3"),
        "{text}"
    );
    assert_eq!(text.matches("Si prefiere no recibir").count(), 1, "{text}");
    assert_eq!(
        answers[0].message.subject.as_deref(),
        Some("Sobre sus facturas F-1 y F-3")
    );
    let alerts = one("owner_alert");
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    let invoices_of = |m: &OutboxMessage| -> Vec<String> {
        m.message.invoices.iter().map(|(n, _)| n.clone()).collect()
    };
    let mut alerted: Vec<Vec<String>> = alerts.iter().map(|m| invoices_of(m)).collect();
    alerted.sort();
    assert_eq!(
        alerted,
        vec![vec!["F-1".to_owned()], vec!["F-3".to_owned()]]
    );
}

/// «Ya pagué la F-1, y no me escriban más»: the opt-out beside the payment claim is honoured
/// (it was dropped: only the reply's main answer was acted on); the claim is recorded too, and
/// the only message to the client confirms the opt-out.
#[test]
fn an_opt_out_beside_another_answer_is_honoured() {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-1;C1;01/10/2026;02/11/2026;500\n\
             F-2;C2;01/10/2026;02/11/2026;700\n",
        )
        .build();
    let ours = our_reminder_to_c1(&mut w);
    let applied = apply(
        &mut w,
        &reply(
            "<r41@x.example>",
            "uno@cliente.example",
            "La F-1 ya la pagamos ayer. Por favor, no me escriban más.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "paid");
    let invoice = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(invoice.paid_claimed_on.is_some());
    let contacts = store::clients::for_client(w.store.conn(), "C1").unwrap();
    assert!(contacts.iter().all(|c| c.opted_out), "{contacts:?}");
    let to_client: Vec<String> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.cycle.starts_with("response-") && m.message.stage.starts_with("ack_"))
        .map(|m| m.message.stage)
        .collect();
    assert_eq!(to_client, ["ack_stop"]);
}

/// «Una de las dos ya está pagada y la otra se la pago el viernes»: paid and promised for
/// invoices it does not name one by one. No one reading is true for all (a promise for all told
/// the client «Anotado: el viernes» about an invoice they said was paid): nothing changes, a
/// person reads it. («La F-1 ya la pagamos y las demás se las pago el viernes» names them: «las
/// demás» are the invoices not named, see the test after this one.)
#[test]
fn paid_and_promised_without_naming_each_invoice_goes_to_a_person() {
    for (n, text) in [
        "Una de las dos ya está pagada y la otra se la pago el viernes.",
        "Unas facturas ya están pagadas y otras no, déjeme revisar y le confirmo.",
        "Están todas pagadas menos la F-3, que la pagamos el viernes.",
        // A promise for some of them, not named (a blind tester's P36, P37).
        "Una de las dos te la pago el viernes y la otra en cuanto me paguen a mí.",
        "La mayoría de las facturas las pagamos el viernes, la otra la estamos revisando.",
    ]
    .iter()
    .enumerate()
    {
        let (mut w, ours) = c1_with_f1_and_f3();
        let applied = apply(
            &mut w,
            &reply(
                &format!("<r5{n}@x.example>"),
                "uno@cliente.example",
                text,
                vec![ours.message.message_id.clone().unwrap()],
            ),
        );
        assert_eq!(
            applied.status.as_str(),
            "needs_review",
            "{text}: {applied:?}"
        );
        assert_eq!(applied.invoices, ["F-1", "F-3"], "{text}");
        for n in ["F-1", "F-3"] {
            let inv = store::invoices::get(w.store.conn(), n).unwrap().unwrap();
            assert_eq!(inv.status, InvoiceStatus::Open, "{text}");
            assert!(inv.paid_claimed_on.is_none(), "{text}");
        }
        assert!(
            store::promises::pending(w.store.conn())
                .unwrap()
                .iter()
                .all(|p| p.client_id != "C1"),
            "{text}"
        );
        let to_c1 = store::outbox::for_client(w.store.conn(), "C1").unwrap();
        assert!(
            to_c1.iter().all(|m| !m.message.stage.starts_with("ack_")),
            "{text}"
        );
        assert!(
            to_c1.iter().any(|m| m.message.stage == "owner_alert"),
            "{text}: a person is told"
        );
    }
}

/// A question beside another answer: the owner's alert about it says what it is (a question
/// about that invoice, the rest of the reply applied), not «no ha hecho nada con ella».
#[test]
fn a_question_beside_another_answer_is_told_as_a_question() {
    let (mut w, ours) = c1_with_f1_and_f3();
    apply(
        &mut w,
        &reply(
            "<r60@x.example>",
            "uno@cliente.example",
            "La F-1 ya está pagada. Sobre la F-3, ¿el importe incluye el IVA?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    let f1 = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(f1.paid_claimed_on.is_some());
    let alerts: Vec<OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .collect();
    let about_f3 = alerts
        .iter()
        .find(|m| {
            m.message
                .invoices
                .iter()
                .map(|(n, _)| n.as_str())
                .eq(["F-3"])
        })
        .expect("an alert about F-3");
    let text = &about_f3.message.body_text;
    assert!(text.contains("El cliente pregunta"), "{text}");
    assert!(!text.contains("no ha hecho nada"), "{text}");
}

/// The pending promises: the invoice each covers (`None`: the whole client), and its day.
fn pending_promises(w: &World) -> Vec<(Option<String>, String)> {
    let mut promised: Vec<(Option<String>, String)> = store::promises::pending(w.store.conn())
        .unwrap()
        .into_iter()
        .map(|p| (p.invoice_number, p.promised_date.to_string()))
        .collect();
    promised.sort();
    promised
}

/// «Las facturas F-1 y F-3 se las pago el 15 de diciembre» from a client who owes F-4 too: the promise
/// covers F-1 and F-3 (one promise each, same day), and F-4 keeps being reminded; a promise for
/// every open invoice still pauses the whole client.
#[test]
fn a_promise_for_some_invoices_pauses_only_those() {
    let invoices = "numero;cliente;fecha;vencimiento;importe\n\
                    F-1;C1;01/10/2026;02/11/2026;500\n\
                    F-3;C1;05/10/2026;05/11/2026;300\n\
                    F-4;C1;06/10/2026;06/11/2026;200\n\
                    F-2;C2;01/10/2026;02/11/2026;700\n";
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(invoices)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    let applied = apply(
        &mut w,
        &reply(
            "<r60@x.example>",
            "uno@cliente.example",
            "Buenas tardes:\n\nLas facturas F-1 y F-3 se las pago el 15 de diciembre.\n\nUn saludo,\nPedro",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied")
    );
    assert_eq!(
        pending_promises(&w),
        [
            (Some("F-1".to_owned()), "2026-12-15".to_owned()),
            (Some("F-3".to_owned()), "2026-12-15".to_owned())
        ]
    );
    // Until the promised day and its grace, the next reminders are about F-4 alone (once the
    // reminder listing it has left: none is planned while it waits in the outbox).
    store::outbox::mark_sent(w.store.conn(), ours.id, utc("2026-11-24 10:00"), None).unwrap();
    let mut reminded: Vec<Vec<String>> = Vec::new();
    for day in ["2026-12-02", "2026-12-04", "2026-12-07", "2026-12-09"] {
        let plan = engine::plan_now(&w.store, &w.config, utc(&format!("{day} 10:00"))).unwrap();
        assert!(
            !plan
                .held
                .iter()
                .any(|h| h.client == "C1" && h.invoices.is_empty()),
            "{day}: the whole client paused: {:?}",
            plan.held
        );
        reminded.extend(
            plan.messages
                .iter()
                .filter(|m| m.client == "C1")
                .map(|m| m.invoices.clone()),
        );
    }
    assert!(!reminded.is_empty(), "F-4 is never reminded");
    assert!(
        reminded.iter().all(|i| i == &["F-4".to_owned()]),
        "{reminded:?}"
    );
    // A promise for every open invoice (the reply names none: all of them) pauses the client.
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(invoices)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    apply(
        &mut w,
        &reply(
            "<r61@x.example>",
            "uno@cliente.example",
            "Se lo pago todo el viernes.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    let pending = store::promises::pending(w.store.conn()).unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].invoice_number, None);
}

/// «La F-1 se la pago el viernes. La F-3, el día 15 de diciembre.»: each invoice's promise on its
/// own day (one date for both paused F-1 till the 15th, or F-3 was reminded before its day),
/// both acknowledged in one message, each with its day.
#[test]
fn promises_for_different_days_are_kept_per_invoice() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r62@x.example>",
            "uno@cliente.example",
            "Buenas tardes:\n\nLa F-1 se la pago el viernes. La F-3 se la pago el 15 de \
             diciembre.\n\nSaludos,\nMarta",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "promise");
    assert_eq!(
        pending_promises(&w),
        [
            (Some("F-1".to_owned()), "2026-11-27".to_owned()),
            (Some("F-3".to_owned()), "2026-12-15".to_owned())
        ]
    );
    let acks: Vec<OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage.starts_with("ack_"))
        .collect();
    // One acknowledgement now (it was one a day): each promise under its invoice, with its day.
    assert_eq!(acks.len(), 1, "{acks:#?}");
    assert_eq!(acks[0].message.stage, "ack_answers");
    let text = &acks[0].message.body_text;
    let (f1, f3) = (
        text.find("Factura F-1:").expect(text),
        text.find("Factura F-3:").expect(text),
    );
    let (friday, fifteenth) = if f1 < f3 {
        (&text[f1..f3], &text[f3..])
    } else {
        (&text[f1..], &text[f3..f1])
    };
    assert!(
        friday.contains("27 de noviembre") && !friday.contains("F-3"),
        "{text}"
    );
    assert!(
        fifteenth.contains("15 de diciembre") && !fifteenth.contains("F-1"),
        "{text}"
    );
    // The ways to pay, once, after the last promise.
    assert_eq!(text.matches("realizar el pago").count(), 1, "{text}");
    assert!(text.find("realizar el pago") > Some(f1.max(f3)), "{text}");
}

/// «La F-1 ya la pagamos. La F-3 se la pago la semana que viene»: the one acknowledgement asks
/// to confirm a day for F-3, and a plain yes threaded to it confirms that promise (the yes
/// answered an `ack_promise` only: to the acknowledgement of several answers it was read as
/// nothing, and a person had to confirm by hand).
#[test]
fn a_yes_to_the_acknowledgement_of_several_answers_confirms_its_one_question() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r63@x.example>",
            "uno@cliente.example",
            "Buenas tardes:\n\nLa F-1 ya la pagamos el lunes. La F-3 se la pago la semana que \
             viene.\n\nSaludos,\nMarta",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    let asking = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(asking.message.stage, "ack_answers");
    assert!(
        asking.message.body_text.contains("¿Confirmamos el"),
        "{}",
        asking.message.body_text
    );
    assert_eq!(pending_promises(&w).len(), 1);
    assert!(store::promises::pending(w.store.conn()).unwrap()[0].ambiguous);
    let yes = apply(
        &mut w,
        &Incoming {
            received_at: utc("2026-11-25 09:00"),
            ..reply(
                "<r64@x.example>",
                "uno@cliente.example",
                "Sí",
                vec![asking.message.message_id.clone().unwrap()],
            )
        },
    );
    assert_eq!(
        (yes.intent.as_str(), yes.status.as_str()),
        ("promise", "applied")
    );
    let pending = store::promises::pending(w.store.conn()).unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].invoice_number.as_deref(), Some("F-3"));
    assert!(!pending[0].ambiguous);
}

/// «La F-1 se la pago el viernes. De la F-3, ¿nos pueden mandar el albarán firmado?»: the F-3
/// words are for a person. The one acknowledgement says who answers them
/// (it said nothing of F-3), and the client's reminders wait for that answer (F-3 was reminded
/// two days later, with the question unanswered); the owner's alert says until when.
#[test]
fn words_for_a_person_among_other_answers_are_acknowledged_and_hold_the_reminders() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let waits = |w: &World, at: &str| {
        engine::plan_now(&w.store, &w.config, utc(at))
            .unwrap()
            .held
            .iter()
            .any(|h| h.client == "C1" && h.reason.starts_with("waiting for an answer"))
    };
    assert!(!waits(&w, "2026-11-25 10:00"));
    let applied = apply(
        &mut w,
        &reply(
            "<r65@x.example>",
            "uno@cliente.example",
            "Buenas tardes:\n\nLa F-1 se la pago el viernes. De la F-3, ¿nos pueden mandar el \
             albarán firmado? No lo encontramos.\n\nSaludos,\nMarta",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert!(applied.effect.contains("per invoice"), "{}", applied.effect);
    assert_eq!(
        pending_promises(&w),
        [(Some("F-1".to_owned()), "2026-11-27".to_owned())]
    );
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(ack.message.stage, "ack_answers");
    let text = &ack.message.body_text;
    let f3 = text.find("Factura F-3:").expect(text);
    assert!(
        text[f3..].contains("se lo hemos pasado a Lucía Martín, que le contestará personalmente"),
        "{text}"
    );
    assert!(
        text.contains("Anotado: el viernes 27 de noviembre"),
        "{text}"
    );
    assert!(waits(&w, "2026-11-25 10:00"));
    assert!(!waits(&w, "2026-11-30 10:00"), "five days, answered or not");
    let alerts: Vec<OutboxMessage> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .collect();
    assert!(
        alerts.iter().any(|a| a
            .message
            .body_text
            .contains("esperan hasta el domingo 29 de noviembre")),
        "{alerts:#?}"
    );
    // An invoice the reply does not speak of keeps its course: no hold (F-4 would wait too).
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-1;C1;01/10/2026;02/11/2026;500\n\
             F-3;C1;05/10/2026;05/11/2026;300\n\
             F-4;C1;06/10/2026;06/11/2026;200\n",
        )
        .build();
    let ours = our_reminder_to_c1(&mut w);
    let applied = apply(
        &mut w,
        &reply(
            "<r69@x.example>",
            "uno@cliente.example",
            "La F-1 se la pago el viernes. De la F-3, ¿nos pueden mandar el albarán firmado?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert!(applied.effect.contains("per invoice"), "{}", applied.effect);
    assert!(!waits(&w, "2026-11-25 10:00"));
}

/// «Hoy le hicimos un pago a cuenta de 200 € por la F-1. El saldo de esa factura y la F-3 se los
/// pagamos el 4 de diciembre»: a part paid and the rest of both promised for one day is one
/// promise, acknowledged (the part paid read as an invoice paid beside a promise sent the
/// reply to a person, and nothing paused the reminders).
#[test]
fn a_part_paid_and_the_rest_promised_is_a_promise_not_a_mix() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r66@x.example>",
            "uno@cliente.example",
            "Hoy le hicimos un pago a cuenta de 200 € por la F-1. El saldo de esa factura y la \
             F-3 completa se los pagamos el 4 de diciembre.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied"),
        "{}",
        applied.effect
    );
    assert_eq!(pending_promises(&w), [(None, "2026-12-04".to_owned())]);
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert!(
        ack.message.body_text.contains("4 de diciembre"),
        "{}",
        ack.message.body_text
    );
    // The rest promised for no day: a part paid beside it, for a person.
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r68@x.example>",
            "uno@cliente.example",
            "Hola! te he hecho un bizum de 200 € esta mañana, el resto cuando pueda",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        applied.status.as_str(),
        "needs_review",
        "{}",
        applied.effect
    );
    assert!(pending_promises(&w).is_empty());
}

/// «La F-1 ya se abonó el lunes. El resto lo incluimos en el pago del 4 de diciembre»: after one
/// invoice paid in full, «el resto» is the others (the reply was taken to be about F-1 alone, and
/// F-1 promised for the 4th: its payment lost, F-3 reminded).
#[test]
fn the_rest_after_one_paid_in_full_is_the_other_invoices() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r67@x.example>",
            "uno@cliente.example",
            "Buenos días:\n\nLa F-1 ya se abonó el lunes. El resto lo incluimos en el pago del \
             4 de diciembre.\n\nSaludos",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.invoices, ["F-1", "F-3"]);
    let invoice = |w: &World, n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert!(invoice(&w, "F-1").paid_claimed_on.is_some());
    assert_eq!(
        pending_promises(&w),
        [(Some("F-3".to_owned()), "2026-12-04".to_owned())]
    );
}

/// «La F-1 ya está pagada y la segunda se la pago el viernes»: an invoice named by its place in
/// our reminder's list beside one named by number (the reply was taken to be about F-1 alone,
/// and F-1 promised for Friday).
#[test]
fn an_invoice_named_by_its_place_beside_one_named_by_number_gets_its_answer() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r70@x.example>",
            "uno@cliente.example",
            "La F-1 ya está pagada y la segunda se la pago el viernes.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.invoices, ["F-1", "F-3"]);
    let invoice = |w: &World, n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert!(invoice(&w, "F-1").paid_claimed_on.is_some());
    assert_eq!(
        pending_promises(&w),
        [(Some("F-3".to_owned()), "2026-11-27".to_owned())]
    );
}

/// The client names one invoice, under our quoted reminder that lists all three: the invoices
/// it is about are those it names (the quote named F-1, F-3 and F-4, and the promise paused
/// all), also by a short form of the number («la f3»).
#[test]
fn the_invoices_named_are_the_clients_not_the_quoted_reminders() {
    let invoices = "numero;cliente;fecha;vencimiento;importe\n\
                    F-1;C1;01/10/2026;02/11/2026;500\n\
                    F-3;C1;05/10/2026;05/11/2026;300\n\
                    F-4;C1;06/10/2026;06/11/2026;200\n\
                    F-2;C2;01/10/2026;02/11/2026;700\n";
    for (n, named) in [
        "La F-3 se la pago el viernes.",
        "la f3 se la pago el viernes",
    ]
    .into_iter()
    .enumerate()
    {
        let mut w = support::world()
            .clients(support::TWO_CLIENTS)
            .invoices(invoices)
            .build();
        let ours = our_reminder_to_c1(&mut w);
        let quoted: String = ours
            .message
            .body_text
            .lines()
            .map(|l| format!("> {l}\n"))
            .collect();
        assert!(quoted.contains("F-1") && quoted.contains("F-4"), "{quoted}");
        let body = format!(
            "{named}\n\nUn saludo,\nPedro\n\nEl mar, 24 nov 2026 a las 11:00, Cobros \
             <cobros@ejemplo.example> escribió:\n{quoted}"
        );
        let applied = apply(
            &mut w,
            &reply(
                &format!("<r7{n}@x.example>"),
                "uno@cliente.example",
                &body,
                vec![ours.message.message_id.clone().unwrap()],
            ),
        );
        assert_eq!(applied.intent.as_str(), "promise", "{named}");
        let promised: Vec<Option<String>> = store::promises::pending(w.store.conn())
            .unwrap()
            .into_iter()
            .map(|p| p.invoice_number)
            .collect();
        assert_eq!(promised, [Some("F-3".to_owned())], "{named}");
    }
}

/// «Lo de la persiana te lo pago el viernes»: an invoice named by what it was for (a word of its
/// description no other open invoice has) is the one the promise covers; «las dos» is both.
#[test]
fn an_invoice_named_by_what_it_was_for_is_the_one_promised() {
    let invoices = "numero;cliente;fecha;vencimiento;importe;concepto\n\
                    F-1;C1;01/10/2026;02/11/2026;500;Reparación persiana\n\
                    F-3;C1;05/10/2026;05/11/2026;300;Pintura dormitorio\n\
                    F-2;C2;01/10/2026;02/11/2026;700;Pintura fachada\n";
    let cases = [
        (
            "Lo de la persiana te lo pago el viernes.",
            vec![Some("F-1")],
        ),
        (
            "Las dos te las pago el viernes, también la persiana.",
            vec![None],
        ),
    ];
    for (n, (text, covered)) in cases.into_iter().enumerate() {
        let mut w = support::world()
            .clients(support::TWO_CLIENTS)
            .invoices(invoices)
            .build();
        let ours = our_reminder_to_c1(&mut w);
        apply(
            &mut w,
            &reply(
                &format!("<r8{n}@x.example>"),
                "uno@cliente.example",
                text,
                vec![ours.message.message_id.clone().unwrap()],
            ),
        );
        let got: Vec<Option<String>> = pending_promises(&w).into_iter().map(|(i, _)| i).collect();
        let want: Vec<Option<String>> = covered.iter().map(|c| c.map(str::to_owned)).collect();
        assert_eq!(got, want, "{text}");
    }
}

/// A world with `invoices` (C1's and C2's) where C1 answers our reminder with `text`.
fn c1_answers(invoices: &str, text: &str) -> World {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(invoices)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    apply(
        &mut w,
        &reply(
            "<r90@x.example>",
            "uno@cliente.example",
            text,
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    w
}

/// «La F-1 ya se pagó. La pintura no la reconocemos»: an invoice named by what it was for beside
/// one named by number gets its own answer (the dispute went to F-1, and F-3 kept being
/// reminded: a blind tester's tenth set, R11).
#[test]
fn invoices_named_by_number_and_by_what_they_were_for_are_answered_each() {
    let invoices = "numero;cliente;fecha;vencimiento;importe;concepto\n\
                    F-1;C1;01/10/2026;02/11/2026;500;Reparación persiana\n\
                    F-3;C1;05/10/2026;05/11/2026;300;Pintura dormitorio\n\
                    F-2;C2;01/10/2026;02/11/2026;700;Pintura fachada\n";
    let w = c1_answers(
        invoices,
        "La F-1 ya se pagó por transferencia. La pintura no la reconocemos, nunca se terminó.",
    );
    let invoice = |n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert_eq!(invoice("F-3").status, InvoiceStatus::Disputed);
    assert_eq!(invoice("F-1").status, InvoiceStatus::Open);
    assert!(invoice("F-1").paid_claimed_on.is_some());
}

/// «La de la cocina ya está pagada; la del baño no la reconocemos»: a short word of a
/// description names its invoice in the naming form (mail29 X07: «baño» named nothing, the
/// dispute went to the kitchen, whose client was told so, and the bathroom kept being reminded).
#[test]
fn an_invoice_named_by_a_short_word_in_the_naming_form_gets_its_own_answer() {
    let invoices = "numero;cliente;fecha;vencimiento;importe;concepto\n\
                    F-1;C1;01/10/2026;02/11/2026;450;Obra cocina\n\
                    F-3;C1;05/10/2026;05/11/2026;300;Reparación baño\n\
                    F-2;C2;01/10/2026;02/11/2026;700;Pintura fachada\n";
    let w = c1_answers(
        invoices,
        "La de la cocina ya está pagada; la del baño no la reconocemos.",
    );
    let invoice = |n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert_eq!(invoice("F-3").status, InvoiceStatus::Disputed);
    assert_eq!(invoice("F-1").status, InvoiceStatus::Open);
    assert!(invoice("F-1").paid_claimed_on.is_some());
    assert!(invoice("F-3").paid_claimed_on.is_none());
}

/// «La de septiembre ya la pagamos; la de octubre se la pago el viernes»: invoices named by the
/// month they were issued in (a held-out tester's set, m12, m20) get each its own answer; the
/// month of a date («a finales de octubre») names nothing.
#[test]
fn invoices_named_by_their_month_get_their_own_answers() {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-8;C1;01/09/2026;01/10/2026;500\n\
             F-9;C1;05/10/2026;05/11/2026;300\n\
             F-2;C2;01/10/2026;02/11/2026;700\n",
        )
        .build();
    let ours = our_reminder_to_c1(&mut w);
    apply(
        &mut w,
        &reply(
            "<r50@x.example>",
            "uno@cliente.example",
            "Buenos días. La de septiembre ya la pagamos la semana pasada. La de octubre se la \
             pago el viernes sin falta.\n\nUn saludo",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    let invoice = |n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert!(invoice("F-8").paid_claimed_on.is_some());
    assert!(invoice("F-9").paid_claimed_on.is_none());
    assert_eq!(
        pending_promises(&w),
        [(Some("F-9".to_owned()), "2026-11-27".to_owned())]
    );
}

/// «La de septiembre no, esa la cancelamos. La de octubre sí te la pago el viernes»: the first
/// refused and cancelled (a dispute), the second promised (walk30: read as one promise for
/// both, the final notice later quoted it and the owner never heard of the dispute).
#[test]
fn one_invoice_refused_and_cancelled_the_other_promised() {
    let invoices = "numero;cliente;fecha;vencimiento;importe\n\
                    F-8;C1;01/09/2026;01/10/2026;500\n\
                    F-9;C1;05/10/2026;05/11/2026;300\n\
                    F-2;C2;01/10/2026;02/11/2026;700\n";
    let w = c1_answers(
        invoices,
        "La de septiembre no, esa la cancelamos. La de octubre sí te la pago el viernes.",
    );
    let invoice = |n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert_eq!(invoice("F-8").status, InvoiceStatus::Disputed);
    assert!(invoice("F-8").paid_claimed_on.is_none());
    assert_eq!(invoice("F-9").status, InvoiceStatus::Open);
    assert_eq!(
        pending_promises(&w),
        [(Some("F-9".to_owned()), "2026-11-27".to_owned())]
    );
}

/// «La persona a la que escribe ya no labora en la empresa»: an automatic reply that says the
/// contact has left goes to the owner (someone must update the contacts), while an out-of-office
/// reply is recorded and nothing else; neither changes the invoices.
#[test]
fn an_automatic_reply_saying_the_contact_left_goes_to_the_owner() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let gone = Incoming {
        automatic: true,
        ..reply(
            "<r60@x.example>",
            "uno@cliente.example",
            "Mensaje automático: la persona a la que escribe ya no labora en la empresa. Para \
             temas de pagos escriba a contabilidad@cliente.example.",
            refs.clone(),
        )
    };
    let applied = apply(&mut w, &gone);
    assert_eq!(applied.status.as_str(), "needs_review");
    let alerts = |w: &World| {
        store::outbox::for_client(w.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .filter(|m| m.message.stage == "owner_alert")
            .count()
    };
    assert_eq!(alerts(&w), 1);
    let alert = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "owner_alert")
        .unwrap();
    // Its own alert, saying what to do (not «cobrador no ha sabido interpretar esta respuesta»).
    assert!(
        alert
            .message
            .subject
            .as_deref()
            .unwrap()
            .starts_with("El contacto ya no está en la empresa"),
        "{:?}",
        alert.message.subject
    );
    assert!(alert.message.body_text.contains("Actualizar los contactos"));
    let away = Incoming {
        automatic: true,
        ..reply(
            "<r61@x.example>",
            "uno@cliente.example",
            "Estoy fuera de la oficina hasta el lunes 30 de noviembre, con acceso limitado al \
             correo.",
            refs,
        )
    };
    let applied = apply(&mut w, &away);
    assert_eq!(applied.status.as_str(), "applied");
    assert_eq!(alerts(&w), 1);
    for n in ["F-1", "F-3"] {
        let i = store::invoices::get(w.store.conn(), n).unwrap().unwrap();
        assert_eq!(i.status, InvoiceStatus::Open);
        assert!(i.paid_claimed_on.is_none());
    }
}

/// «La F-1 ya la pagamos y las demás se las pago el viernes»: «las demás» are the invoices the
/// reply does not name, so each gets its own answer: F-1 claimed paid, F-3 promised.
#[test]
fn the_others_are_the_invoices_the_reply_does_not_name() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r70@x.example>",
            "uno@cliente.example",
            "La F-1 ya la pagamos y las demás se las pago el viernes.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.status.as_str(), "applied", "{applied:?}");
    let invoice = |n: &str| store::invoices::get(w.store.conn(), n).unwrap().unwrap();
    assert!(invoice("F-1").paid_claimed_on.is_some());
    assert!(invoice("F-3").paid_claimed_on.is_none());
    assert_eq!(
        pending_promises(&w),
        [(Some("F-3".to_owned()), "2026-11-27".to_owned())]
    );
}

/// «Muchas gracias, recibido.»: nothing for a person to answer; no alert, nothing changes, the
/// reply is not left for review.
#[test]
fn thanks_alone_change_nothing_and_bother_nobody() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r80@x.example>",
            "uno@cliente.example",
            "Muchas gracias, recibido.\n\nUn saludo,\nAna",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("other", "applied"),
        "{applied:?}"
    );
    assert!(
        applied.alert.is_none() && applied.ack.is_none(),
        "{applied:?}"
    );
    assert!(
        store::responses::list(w.store.conn(), true)
            .unwrap()
            .is_empty()
    );
    for n in ["F-1", "F-3"] {
        let i = store::invoices::get(w.store.conn(), n).unwrap().unwrap();
        assert_eq!(i.status, InvoiceStatus::Open);
    }
    // Thanks with a question is for a person.
    let applied = apply(
        &mut w,
        &reply(
            "<r81@x.example>",
            "uno@cliente.example",
            "Gracias. ¿Me reenvía la factura F-3?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.status.as_str(), "needs_review");
    assert!(applied.alert.is_some());
}

/// «Le pago 200 € el viernes y el resto el día 30»: the client proposed the calendar; the
/// acknowledgement passes it on and does not ask for a proposal just made. A request without
/// sums or days still invites one.
#[test]
fn a_plan_proposed_is_passed_on_not_asked_for() {
    let ack_text = |w: &World, id: i64| {
        store::outbox::get(w.store.conn(), id)
            .unwrap()
            .unwrap()
            .message
            .body_text
    };
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r82@x.example>",
            "uno@cliente.example",
            "Le pago 200 € el viernes y el resto el día 30.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "plan", "{applied:?}");
    let text = ack_text(&w, applied.ack.unwrap());
    assert!(text.contains("Gracias por su propuesta"), "{text}");
    assert!(!text.contains("adelantar una propuesta"), "{text}");
    let alert = ack_text(&w, applied.alert.unwrap());
    assert!(
        alert.contains("Propone sus propias fechas o importes"),
        "{alert}"
    );
    assert!(!alert.contains("le propondrá un calendario"), "{alert}");
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r83@x.example>",
            "uno@cliente.example",
            "No puedo pagarlo todo junto, ¿podemos hacerlo en plazos?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "plan", "{applied:?}");
    let text = ack_text(&w, applied.ack.unwrap());
    assert!(text.contains("adelantar una propuesta"), "{text}");
    // The owner's alert says what the client was told.
    let alert = ack_text(&w, applied.alert.unwrap());
    assert!(alert.contains("le propondrá un calendario"), "{alert}");
}

/// «Ya está pagada, le adjunto el justificante»: the acknowledgement thanks for the proof and
/// does not ask for it again; the owner's alert says it came. Without it, both ask.
#[test]
fn a_paid_claim_with_its_proof_is_not_asked_for_it() {
    let body = |w: &World, id: i64| {
        store::outbox::get(w.store.conn(), id)
            .unwrap()
            .unwrap()
            .message
            .body_text
    };
    for (text, proof) in [
        (
            "Ya están pagadas, le adjunto el justificante de la transferencia.",
            true,
        ),
        (
            "Pagadas el lunes, referencia de la operación 4471220.",
            true,
        ),
        ("Ya están pagadas las dos.", false),
    ] {
        let (mut w, ours) = c1_with_f1_and_f3();
        let applied = apply(
            &mut w,
            &reply(
                "<r90@x.example>",
                "uno@cliente.example",
                text,
                vec![ours.message.message_id.clone().unwrap()],
            ),
        );
        assert_eq!(applied.intent.as_str(), "paid", "{text}: {applied:?}");
        let ack = body(&w, applied.ack.unwrap());
        let alert = body(&w, applied.alert.unwrap());
        assert_eq!(
            !ack.contains("referencia de la transferencia"),
            proof,
            "{text}: {ack}"
        );
        assert_eq!(
            ack.contains("por los datos para localizarlo"),
            proof,
            "{text}: {ack}"
        );
        assert_eq!(
            !alert.contains("Se le ha pedido la referencia"),
            proof,
            "{text}: {alert}"
        );
    }
}

/// «¿Me reenvía la factura F-3?» waits for a person's answer: the client's reminders wait
/// too (five days, or until the reply is reclassified), and the owner's alert says until
/// when; then they go on. A stranger's message holds nothing.
#[test]
fn a_question_holds_the_reminders_while_it_waits_for_an_answer() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let waits = |w: &World, at: &str| {
        engine::plan_now(&w.store, &w.config, utc(at))
            .unwrap()
            .held
            .iter()
            .any(|h| h.client == "C1" && h.reason.starts_with("waiting for an answer"))
    };
    assert!(!waits(&w, "2026-11-25 10:00"));
    let stranger = apply(
        &mut w,
        &reply(
            "<r95@x.example>",
            "nadie@otro.example",
            "¿Me reenvían la factura F-3?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(stranger.status.as_str(), "needs_review");
    assert!(!waits(&w, "2026-11-25 10:00"), "a stranger holds nothing");
    let applied = apply(
        &mut w,
        &reply(
            "<r96@x.example>",
            "uno@cliente.example",
            "¿Me reenvía la factura F-3 en PDF? No la encuentro.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("question", "needs_review")
    );
    // The client is told who will answer (by email nothing was said, and a reminder came
    // after the wait).
    let ack = store::outbox::get(w.store.conn(), applied.ack.expect("an acknowledgement"))
        .unwrap()
        .unwrap();
    assert_eq!(ack.message.stage, "ack_question");
    assert!(
        ack.message.body_text.contains("se lo hemos pasado a")
            && ack
                .message
                .subject
                .as_deref()
                .unwrap_or_default()
                .contains("F-3"),
        "{:?}\n{}",
        ack.message.subject,
        ack.message.body_text
    );
    let alert = store::outbox::get(w.store.conn(), applied.alert.unwrap())
        .unwrap()
        .unwrap();
    assert!(
        alert
            .message
            .body_text
            .contains("esperan hasta el domingo 29 de noviembre"),
        "{}",
        alert.message.body_text
    );
    assert!(waits(&w, "2026-11-25 10:00"));
    assert!(waits(&w, "2026-11-29 16:00"));
    assert!(!waits(&w, "2026-11-30 10:00"), "five days, answered or not");
    // Reclassified by the owner: the wait is over at once.
    let review = engine::apply::Reclassify {
        kind: Default::default(),
        intent: Some(cobrador::understand::Intent::Other),
        promised_date: None,
        client: None,
        address: None,
    };
    engine::apply::reclassify(
        &mut w.store,
        &w.config,
        &w.renderer,
        applied.response_id,
        &review,
        utc("2026-11-25 09:00"),
    )
    .unwrap();
    assert!(!waits(&w, "2026-11-25 10:00"));
}

/// «Les pago el viernes sin falta.» naming no invoice, from a client who owes F-1 (overdue,
/// reminded) and F-5 (due next month, never mentioned): the promise is about F-1 alone, by
/// email or told by phone. It covered F-5 too, and broke when F-1 alone was paid on the day
/// (an outside walk over months).
#[test]
fn an_answer_naming_no_invoice_is_about_those_due_or_told_not_next_months() {
    let invoices = "numero;cliente;fecha;vencimiento;importe\n\
                    F-1;C1;01/10/2026;02/11/2026;500\n\
                    F-5;C1;20/11/2026;20/12/2026;300\n\
                    F-2;C2;01/10/2026;02/11/2026;700\n";
    let world = || {
        support::world()
            .clients(support::TWO_CLIENTS)
            .invoices(invoices)
            .build()
    };
    let mut w = world();
    let by_email = reply(
        "<r90@x.example>",
        "uno@cliente.example",
        "Les pago el viernes sin falta.",
        vec![],
    );
    let applied = apply(&mut w, &by_email);
    assert_eq!(applied.intent.as_str(), "promise");
    assert_eq!(
        pending_promises(&w),
        [(Some("F-1".to_owned()), "2026-11-27".to_owned())]
    );
    let mut w = world();
    let by_phone = Incoming {
        channel: None,
        sender: None,
        client: Some("C1".into()),
        via: Some(cobrador::domain::ReplyChannel::Manual),
        trusted: true,
        ..by_email
    };
    apply(&mut w, &by_phone);
    assert_eq!(
        pending_promises(&w),
        [(Some("F-1".to_owned()), "2026-11-27".to_owned())]
    );
}

/// «Les pago el viernes. ¿Me indican el número de cuenta?»: the promise is recorded and
/// acknowledged, and the owner is told that the client asks something a person must answer
/// (the question was lost: nobody was asked to give the payment details; an outside walk).
#[test]
fn a_promise_with_a_question_records_the_promise_and_tells_the_owner_of_the_question() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let applied = apply(
        &mut w,
        &reply(
            "<r70@x.example>",
            "uno@cliente.example",
            "Les pago el viernes. ¿Me indican el número de cuenta?",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied")
    );
    assert_eq!(pending_promises(&w).len(), 1);
    let messages = store::outbox::for_client(w.store.conn(), "C1").unwrap();
    assert!(
        messages.iter().any(|m| m.message.stage == "ack_promise"),
        "{messages:#?}"
    );
    let alert = messages
        .iter()
        .find(|m| m.message.stage == "owner_alert")
        .expect("an alert for the question");
    let text = &alert.message.body_text;
    assert!(
        text.starts_with("Pregunta algo además de lo que dice: "),
        "{text}"
    );
    assert!(text.contains("el cliente pregunta algo"), "{text}");
    assert!(text.contains("su fecha ha quedado registrada"), "{text}");
}

/// mail26: «Le pago el viernes» answering a reminder of F-1, paid since, from a client who
/// also owes F-5 (not due, never reminded): no promise is pinned on F-5, no acknowledgement
/// tells the client it promised F-5, and nothing goes to a person.
#[test]
fn a_promise_answering_a_reminder_paid_since_changes_nothing() {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-1;C1;01/10/2026;02/11/2026;500\n\
             F-5;C1;20/11/2026;15/01/2027;300\n",
        )
        .build();
    let ours = our_reminder_to_c1(&mut w);
    assert_eq!(
        ours.message.invoices.len(),
        1,
        "{:?}",
        ours.message.invoices
    );
    support::pay(&mut w.store, "F-1", "2026-11-24", "500");
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let inc = reply(
        "<r-paid@x.example>",
        "uno@cliente.example",
        "Buenos días, le pago el viernes.",
        refs,
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.client.as_deref(), Some("C1"));
    assert!(applied.invoices.is_empty(), "{:?}", applied.invoices);
    assert_eq!(applied.status.as_str(), "applied");
    assert!(applied.ack.is_none());
    assert!(applied.alert.is_none());
    assert!(
        pending_promises(&w).is_empty(),
        "{:?}",
        pending_promises(&w)
    );
}

/// tg26: «Ya está pagado», then «Perdón, me equivoqué: aún no he pagado, le pago el viernes»:
/// the later words count. The claim is withdrawn, so a broken promise is followed again; before,
/// F-1 stayed «stopped: client says it was paid» for good.
#[test]
fn a_promise_after_a_paid_claim_withdraws_the_claim() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let claim = reply(
        "<r-a@x.example>",
        "uno@cliente.example",
        "Ya está pagado.",
        refs.clone(),
    );
    assert_eq!(apply(&mut w, &claim).intent.as_str(), "paid");
    let f1 = |w: &World| {
        store::invoices::get(w.store.conn(), "F-1")
            .unwrap()
            .unwrap()
    };
    assert!(f1(&w).paid_claimed_on.is_some());
    let mut back = reply(
        "<r-b@x.example>",
        "uno@cliente.example",
        "Perdón, me equivoqué: aún no he pagado, le pago el viernes.",
        refs,
    );
    back.received_at = utc("2026-11-24 18:00");
    assert_eq!(apply(&mut w, &back).intent.as_str(), "promise");
    assert_eq!(f1(&w).paid_claimed_on, None);
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-12-03 10:00")).unwrap();
    assert!(
        !plan
            .held
            .iter()
            .any(|h| h.reason.contains("says it was paid")),
        "{plan:?}"
    );
}

/// «Le pago el viernes», then «No reconozco esta factura» (tg27: an edited message; a later
/// one alike): the promise is taken back. Left pending, it was found broken after the owner
/// settled the dispute, and the next reminder told the client of a promise it withdrew.
#[test]
fn a_dispute_after_a_promise_withdraws_the_promise() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let promise = reply(
        "<r-a@x.example>",
        "uno@cliente.example",
        "Le pago el viernes.",
        refs.clone(),
    );
    assert_eq!(apply(&mut w, &promise).intent.as_str(), "promise");
    let pending = |w: &World| store::promises::pending(w.store.conn()).unwrap().len();
    assert_eq!(pending(&w), 1);
    let mut dispute = reply(
        "<r-b@x.example>",
        "uno@cliente.example",
        "Perdone, me equivoqué: no reconozco esta factura, no la vamos a pagar.",
        refs,
    );
    dispute.received_at = utc("2026-11-24 18:00");
    assert_eq!(apply(&mut w, &dispute).intent.as_str(), "dispute");
    assert_eq!(pending(&w), 0);
    let withdrawn: i64 = w
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'promise.withdrawn' AND client_id = 'C1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(withdrawn, 1);
}

/// mail27: a calendar invitation from the client («Le propongo una llamada el viernes para
/// aclarar la factura, hay un concepto que no nos cuadra») was filed as an automatic reply:
/// nobody saw it and the reminders went on. It is a person's message for a person: in the
/// review queue, the owner alerted, the reminders waiting; no promise read in its Friday.
#[test]
fn a_calendar_invitation_from_the_client_goes_to_a_person() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let raw = format!(
        "From: Uno <uno@cliente.example>\r\nTo: cobros@reformasprado.example\r\n\
         Subject: =?utf-8?q?Invitaci=C3=B3n=3A_Llamada_sobre_la_factura_F-1?=\r\n\
         Date: Tue, 24 Nov 2026 17:00:00 +0000\r\nMessage-ID: <cal-1@cliente.example>\r\n\
         In-Reply-To: <{}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Le propongo una llamada el viernes para aclarar la factura F-1, hay un concepto que \
         no nos cuadra.\r\n\
         --b\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n\
         BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:20261127T090000Z\r\n\
         SUMMARY:Llamada sobre la factura F-1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--b--\r\n",
        ours.message
            .message_id
            .as_deref()
            .unwrap()
            .trim_matches(|c| c == '<' || c == '>')
    );
    let mail = cobrador::mail::mime::parse_with(raw.as_bytes(), &[]).unwrap();
    let inc = cobrador::inbox::check::incoming_from(&mail, raw.as_bytes(), utc("2026-11-24 17:05"));
    let applied = apply(&mut w, &inc);
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("other", "needs_review")
    );
    assert!(applied.alert.is_some(), "the owner is alerted");
    assert!(store::promises::pending(w.store.conn()).unwrap().is_empty());
    assert!(
        store::clients::awaiting_answer_until(w.store.conn(), "C1")
            .unwrap()
            .is_some(),
        "the reminders wait for the person"
    );
}

/// mail27: the owner forwards into cobrador's mailbox what a client answered to them (Gmail's
/// «---------- Forwarded message ---------»): the client's words, read as the client's.
/// They were "not a contact of this client: nothing changes", and the reminders went on.
#[test]
fn a_clients_answer_forwarded_by_the_owner_is_read_as_the_clients() {
    let mut w = two_clients().build();
    our_reminder_to_c1(&mut w);
    let owner = w.config.owner_email().to_owned();
    let raw = format!(
        "From: Lucía <{owner}>\r\nTo: cobros@reformasprado.example\r\n\
         Subject: Fwd: Re: Recordatorio de pago\r\n\
         Date: Tue, 24 Nov 2026 17:00:00 +0000\r\nMessage-ID: <fwd-1@reformasprado.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Os lo paso.\r\n\r\n\
         ---------- Forwarded message ---------\r\n\
         De: Uno <uno@cliente.example>\r\n\
         Date: mar, 24 nov 2026 a las 16:10\r\n\
         Subject: Re: Recordatorio de pago\r\n\
         To: Lucía <{owner}>\r\n\r\n\
         Les pago el jueves 26 sin falta.\r\n"
    );
    let inc = cobrador::inbox::check::incoming(&w.config, raw.as_bytes(), utc("2026-11-24 17:05"));
    assert_eq!(inc.sender.as_deref(), Some("uno@cliente.example"));
    let applied = apply(&mut w, &inc);
    assert_eq!(
        (applied.intent.as_str(), applied.status.as_str()),
        ("promise", "applied")
    );
    let promises = store::promises::pending(w.store.conn()).unwrap();
    assert_eq!((promises.len(), promises[0].client_id.as_str()), (1, "C1"));
    assert_eq!(promises[0].promised_date.to_string(), "2026-11-26");
}

/// walk27: «Estoy fuera hasta el 7 de enero, a la vuelta lo miro» waited the usual five days
/// for a person, and the next reminder went while the client was away. The reminders wait for
/// the day after the return (the usual wait when the return is sooner).
#[test]
fn a_client_away_until_a_day_is_waited_for() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let away = reply(
        "<r-away@x.example>",
        "uno@cliente.example",
        "Estoy fuera hasta el 7 de enero, a la vuelta lo miro.",
        refs.clone(),
    );
    assert_eq!(apply(&mut w, &away).status.as_str(), "needs_review");
    let until = |w: &World| store::clients::awaiting_answer_until(w.store.conn(), "C1").unwrap();
    assert_eq!(
        until(&w),
        Some(utc("2027-01-07 23:00")),
        "8 January, Madrid"
    );
    // Back sooner than the usual wait: the usual wait.
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let soon = reply(
        "<r-soon@x.example>",
        "uno@cliente.example",
        "Estoy de viaje hasta el jueves, lo miro a la vuelta.",
        vec![ours.message.message_id.clone().unwrap()],
    );
    assert_eq!(apply(&mut w, &soon).status.as_str(), "needs_review");
    assert_eq!(until(&w), Some(utc("2026-11-29 17:00")));
}

/// An answer to our receipt of F-1 («la otra se la pago el viernes»): about what is still open,
/// F-3, as before; only an answer to a reminder whose invoices were all paid since is about
/// nothing open.
#[test]
fn an_answer_to_a_receipt_is_about_what_is_still_open() {
    let (mut w, ours) = c1_with_f1_and_f3();
    let mut receipt = support::reminder("C1", "C1|receipt|F-1", &["uno@cliente.example"]);
    receipt.stage = "receipt".into();
    receipt.invoices = vec![("F-1".into(), true)];
    let id = store::outbox::insert_if_new(w.store.conn(), &receipt, utc("2026-11-24 12:00"))
        .unwrap()
        .unwrap();
    store::outbox::mark_sending(w.store.conn(), id).unwrap();
    store::outbox::mark_sent(w.store.conn(), id, utc("2026-11-24 12:00"), None).unwrap();
    support::pay(&mut w.store, "F-1", "2026-11-24", "500");
    let refs = vec![receipt.message_id.clone().unwrap()];
    let applied = apply(
        &mut w,
        &reply(
            "<r-receipt@x.example>",
            "uno@cliente.example",
            "Gracias. La otra se la pago el viernes.",
            refs,
        ),
    );
    assert_eq!(applied.intent.as_str(), "promise");
    assert_eq!(applied.invoices, ["F-3"]);
    let _ = ours;
}

/// A reply with no words and a PDF (a payment receipt alone) goes to a person, and the owner's
/// alert names the file (mail29 P27: «no ha sabido interpretar esta respuesta», and nothing
/// said there was a receipt).
#[test]
fn a_reply_with_only_a_file_names_the_file_to_the_owner() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let mut inc = reply(
        "<r92@x.example>",
        "ana@cliente.example",
        "",
        vec![ours.message.message_id.clone().unwrap()],
    );
    inc.files = vec!["justificante_transferencia.pdf".into()];
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.status.as_str(), "needs_review");
    let alert = store::outbox::get(w.store.conn(), applied.alert.expect("the owner is told"))
        .unwrap()
        .unwrap();
    let text = alert.message.body_text.replace('\n', " ");
    assert!(
        text.contains("trae un archivo adjunto: justificante_transferencia.pdf"),
        "{text}"
    );
}

/// A mailing list's message (`List-Id`) from someone who is no client's contact, in none of our
/// threads, is the list's mail: the invoice number in it (another business's words quoted in
/// a digest) files it on no client and alerts no one (mail29 M22). The same list relaying a
/// client's own contact (a billing address that is a group) is that client's answer.
#[test]
fn a_mailing_list_digest_naming_an_invoice_is_no_clients_answer() {
    let mut w = two_clients().build();
    our_reminder_to_c1(&mut w);
    let words = "Temas del día:\n\n1. Re: clientes morosos (Ana)\n\nA mí un cliente me contestó \
                 'la factura F-1 ya está pagada' y no era verdad.";
    let mut digest = reply("<d1@pymes.example>", "lista@pymes.example", words, vec![]);
    digest.subject = Some("Pymes-ES Digest, Vol 12, Número 3".into());
    digest.list = Some("Pymes-ES <pymes-es.pymes.example>".into());
    let applied = apply(&mut w, &digest);
    assert_eq!(applied.client, None, "{applied:?}");
    assert_eq!(applied.status.as_str(), "applied", "{applied:?}");
    assert!(applied.alert.is_none(), "{applied:?}");
    assert!(
        applied.effect.contains("mailing list"),
        "{}",
        applied.effect
    );
    let inv = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(inv.paid_claimed_on.is_none(), "{inv:?}");
    // Through a group that is the client's billing address: the client's contact wrote it.
    let mut relayed = reply(
        "<d2@x.example>",
        "uno@cliente.example",
        "La F-1 ya está pagada.",
        vec![],
    );
    relayed.list = Some("Facturas <facturas.cliente.example>".into());
    let applied = apply(&mut w, &relayed);
    assert_eq!(applied.client.as_deref(), Some("C1"), "{applied:?}");
    assert_eq!(applied.intent.as_str(), "paid", "{applied:?}");
    // And a colleague at the client's own domain, through that group: the client's too.
    let mut colleague = reply(
        "<d3@x.example>",
        "marta@cliente.example",
        "La F-1 ya está pagada.",
        vec![],
    );
    colleague.list = Some("Facturas <facturas.cliente.example>".into());
    let applied = apply(&mut w, &colleague);
    assert_eq!(applied.client.as_deref(), Some("C1"), "{applied:?}");
}

/// «Ya les transferí 300 €, el resto se lo pago el viernes»: the acknowledgement says it is the
/// rest that is noted for Friday (walk30 S2b: «Anotado: el viernes…» read as if the whole
/// balance were promised then); its sum is not stated, the part paid may not be recorded yet.
#[test]
fn the_rest_promised_is_acknowledged_as_the_rest() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let applied = apply(
        &mut w,
        &reply(
            "<r-rest@x.example>",
            "uno@cliente.example",
            "Ya les transferí 300 €, el resto se lo pago el viernes.",
            vec![ours.message.message_id.clone().unwrap()],
        ),
    );
    assert_eq!(applied.intent.as_str(), "promise", "{applied:?}");
    let ack = store::outbox::get(w.store.conn(), applied.ack.expect("acknowledged"))
        .unwrap()
        .unwrap();
    let text = ack.message.body_text.replace('\n', " ");
    assert!(
        text.contains("Anotado: el resto, el viernes 27 de noviembre. Gracias."),
        "{text}"
    );
}

/// walk30 S2b: a promise for an invoice partly paid is acknowledged with what was received and
/// what is left, so the client pays the rest and not the whole amount again.
#[test]
fn a_promise_for_an_invoice_partly_paid_is_told_what_is_left() {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(support::TWO_INVOICES)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    support::pay(&mut w.store, "F-1", "2026-11-20", "200");
    let inc = reply(
        "<r-part@x.example>",
        "uno@cliente.example",
        "Le pago el viernes.",
        vec![ours.message.message_id.clone().unwrap()],
    );
    assert_eq!(apply(&mut w, &inc).intent.as_str(), "promise");
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_promise")
        .expect("acknowledged");
    let body = ack.message.body_text.replace('\n', " ");
    assert!(
        body.contains("De la factura F-1 ya hemos recibido 200,00 € de 500,00 € (gracias): quedan pendientes 300,00 €."),
        "{body}"
    );
}

/// Hours the law does not let anyone write in («después de las 10 de la noche», in Spain) are
/// not promised to the client: nothing is set, and a person reads the reply (hours32: a client
/// in Bogotá was told «a partir de las 19:00» and written to at 09:00).
#[test]
fn hours_outside_the_law_are_for_a_person() {
    let mut w = support::world()
        .clients(support::TWO_CLIENTS)
        .invoices(support::TWO_INVOICES)
        .build();
    let ours = our_reminder_to_c1(&mut w);
    let inc = reply(
        "<r-night@x.example>",
        "uno@cliente.example",
        "Escríbanme después de las 10 de la noche, antes no puedo leer nada.",
        vec![ours.message.message_id.clone().unwrap()],
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(
        applied.status,
        cobrador::domain::ResponseStatus::NeedsReview,
        "{applied:?}"
    );
    assert!(
        store::clients::own_hours(w.store.conn(), "C1")
            .unwrap()
            .is_none()
    );
    let sent = store::outbox::for_client(w.store.conn(), "C1").unwrap();
    assert!(
        !sent.iter().any(|m| m.message.stage == "ack_hours"),
        "{sent:?}"
    );
}

/// The greeting follows the hour the message goes at, where the client is (hours32: «Buenos
/// días» read at four in the afternoon). With contact hours 10:00-20:00 in Madrid: the reminder
/// at 11:00 says «Buenos días»; a reply read at 18:00 is answered at once, «Buenas tardes»; one
/// read at 22:30 is answered at the next morning's window, «Buenos días», not «Buenas noches».
#[test]
fn the_greeting_follows_the_hour_the_message_goes_at() {
    let text = EXAMPLE.replace("hours = \"10:00-12:30\"", "hours = \"10:00-20:00\"");
    assert_ne!(text, EXAMPLE, "the example's contact hours moved");
    let mut w = two_clients()
        .config(cobrador::config::Config::parse(&text, "test").unwrap())
        .build();
    let ours = our_reminder_to_c1(&mut w);
    assert!(
        ours.message.body_text.starts_with("Buenos días, "),
        "{}",
        ours.message.body_text
    );
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let afternoon = reply(
        "<r1@x.example>",
        "uno@cliente.example",
        "Le pago el viernes.",
        refs,
    );
    let ack = apply(&mut w, &afternoon).ack.unwrap();
    let ack = store::outbox::get(w.store.conn(), ack).unwrap().unwrap();
    assert!(
        ack.message.body_text.starts_with("Buenas tardes, "),
        "{}",
        ack.message.body_text
    );
    let night = Incoming {
        received_at: utc("2026-11-24 21:30"),
        ..reply(
            "<r2@x.example>",
            "dos@cliente.example",
            "Le pago el viernes.",
            vec![],
        )
    };
    let applied = engine::apply::apply_reply(
        &mut w.store,
        &w.config,
        &w.renderer,
        &night,
        utc("2026-11-24 21:30"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(applied.client.as_deref(), Some("C2"));
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert!(
        ack.message.body_text.starts_with("Buenos días, "),
        "{}",
        ack.message.body_text
    );
}

/// Hours asked beside a promise («le pago el viernes; y no me escriban antes de las 11») are
/// set, and the promise's acknowledgement says so: the client is not left to find out.
#[test]
fn hours_asked_beside_a_promise_are_acknowledged_with_it() {
    let mut w = two_clients().build();
    let ours = our_reminder_to_c1(&mut w);
    let refs = vec![ours.message.message_id.clone().unwrap()];
    let inc = reply(
        "<r1@x.example>",
        "uno@cliente.example",
        "Le pago el viernes. Y por favor no me escriban antes de las 11, que estoy en la obra.",
        refs,
    );
    let applied = apply(&mut w, &inc);
    assert_eq!(applied.intent.as_str(), "promise");
    let ack = store::outbox::get(w.store.conn(), applied.ack.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(ack.message.stage, "ack_promise");
    let body = ack.message.body_text.replace('\n', " ");
    assert!(
        body.contains(
            "También tomamos nota de su horario: desde ahora le escribiremos solo a partir de las 11:00"
        ),
        "{body}"
    );
    let own = store::clients::own_hours(w.store.conn(), "C1").unwrap();
    assert!(own.is_some(), "the hours are set");
}
