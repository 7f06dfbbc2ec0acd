//! `gather` against a real (in-memory) SQLite store: each section reads the rows it should.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::store::Store;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn config() -> Config {
    Config::parse(
        &crate::config::EXAMPLE.replace(
            "# [digest]\n# hour = \"08:00\"",
            "[digest]\nhour = \"08:00\"",
        ),
        "example",
    )
    .unwrap()
}

fn exec(store: &Store, sql: &str) {
    store.conn().execute_batch(sql).unwrap();
}

/// A Mexican client, C1, and the start of the statement that inserts its invoices.
const AZTECA: &str =
    "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
    VALUES ('C1', 'Azteca', 'MX', 'America/Mexico_City', 'b2b', 'x', 'x');
    INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount, status,
                          created_at, updated_at) VALUES";

/// What the digest of `today` (a `YYYY-MM-DD`), made at `now`, gathers from a book of `sql`.
fn gathered(sql: &str, today: &str, now: &str) -> DigestData {
    let store = Store::open_in_memory().unwrap();
    let config = config();
    let digest = config.digest.clone().expect("[digest] in the test config");
    exec(&store, sql);
    gather(
        store.conn(),
        &config,
        &digest,
        today.parse().unwrap(),
        at(now),
    )
    .unwrap()
}

#[test]
fn each_section_reads_its_rows_and_only_its_period() {
    let store = Store::open_in_memory().unwrap();
    let config = config();
    let digest = config.digest.clone().expect("[digest] in the test config");
    exec(
        &store,
        "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at) VALUES
           ('C1', 'Ebro', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x'),
           ('C2', 'Latina', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
         INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount, status,
                               paid_claimed_on, created_at, updated_at) VALUES
           ('F1', 'C1', '2026-10-01', '2026-11-01', 'EUR', '100.00', 'open', NULL, 'x', 'x'),
           ('F2', 'C2', '2026-10-01', '2026-11-01', 'EUR', '50.00', 'open', '2026-11-24', 'x', 'x'),
           ('F3', 'C2', '2026-10-01', '2026-11-01', 'EUR', '70.00', 'disputed', NULL, 'x', 'x');
         INSERT INTO promises (client_id, invoice_number, promised_date, source, status, created_at, resolved_at) VALUES
           ('C1', 'F1', '2026-11-25', 'reply', 'pending', 'x', NULL),
           ('C2', 'F2', '2026-11-20', 'reply', 'broken', 'x', '2026-11-24T12:00:00Z'),
           ('C2', 'F2', '2026-11-10', 'reply', 'broken', 'x', '2026-11-12T12:00:00Z');
         INSERT INTO outbox (dedup_key, client_id, stage, cycle, channel, recipients, body_text, status,
                             last_error, send_at, sent_at, created_at) VALUES
           ('k1', 'C1', 'early', 'c', 'email', '[\"a@ebro.example\"]', 'b', 'sent', NULL,
            '2026-11-24T09:00:00Z', '2026-11-24T09:00:05Z', 'x'),
           ('k2', 'C1', 'early', 'd', 'email', '[\"a@ebro.example\"]', 'b', 'sent', NULL,
            '2026-11-20T09:00:00Z', '2026-11-20T09:00:05Z', 'x'),
           ('k3', 'C2', 'second', 'c', 'email', '[\"nadie@latina.example\"]', 'b', 'dead',
            '550 5.1.1 no such user', '2026-11-24T09:00:00Z', NULL, 'x'),
           ('k4', 'C2', 'firm', 'c', 'email', '[\"x@latina.example\"]', 'b', 'uncertain', NULL,
            '2026-11-24T09:00:00Z', NULL, 'x');
         INSERT INTO responses (client_id, channel, received_at, body, excerpt, intent, promised_date, status, created_at) VALUES
           ('C1', 'email', '2026-11-24T16:00:00Z',
            'El 23/11/26 a las 10:00, Reformas <cobros@x.es> escribió:\n> Factura F1\nBuenas tardes:\nLe pago mañana\nJuan',
            'Buenas tardes:\nLe pago mañana', 'promise', '2026-11-25', 'applied', 'x'),
           ('C2', 'email', '2026-11-24T17:00:00Z', '¿Qué factura es?\n> Factura F2', NULL, 'question', NULL, 'needs_review', 'x'),
           ('C2', 'email', '2026-11-02T17:00:00Z', 'antigua', NULL, 'other', NULL, 'reviewed', 'x');",
    );
    // Wednesday 25 November, 08:00 in Madrid.
    let now = at("2026-11-25T07:00:00Z");
    let d = gather(
        store.conn(),
        &config,
        &digest,
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        now,
    )
    .unwrap();
    assert_eq!(
        d.sent,
        vec![SentLine {
            client: "Ebro".into(),
            stage: "early".into(),
            channel: "email".into()
        }],
        "only the period's sends"
    );
    assert_eq!(d.replies.len(), 2, "{:?}", d.replies);
    // The client's visible words after the greeting (walk 2, fault 8: the attribution line of
    // a bottom-posted reply was quoted); trimmed here when the row has none.
    assert_eq!(d.replies[0].excerpt, "Le pago mañana");
    assert_eq!(d.replies[1].excerpt, "¿Qué factura es?");
    assert!(d.replies[1].needs_review);
    assert_eq!(d.promises_today.len(), 1);
    assert_eq!(d.promises_today[0].invoice.as_deref(), Some("F1"));
    assert_eq!(
        d.promises_broken.len(),
        1,
        "only the one broken in the period"
    );
    assert_eq!(
        d.promises_broken[0].date,
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    );
    assert_eq!(d.disputes.len(), 1);
    assert_eq!(d.disputes[0].invoice, "F3");
    assert_eq!(d.paid_claims.len(), 1);
    assert_eq!(
        d.paid_claims[0].since,
        NaiveDate::from_ymd_opt(2026, 11, 24)
    );
    assert_eq!(d.to_review, 1);
    assert_eq!(d.undeliverable.len(), 1);
    assert_eq!(d.undeliverable[0].recipients, "nadie@latina.example");
    assert!(d.undeliverable[0].error.contains("no such user"));
    assert_eq!((d.outbox.dead, d.outbox.uncertain), (1, 1));
    assert_eq!(d.payments_age, Some(None), "open invoices, never a payment");
    let text = text::compose(&d, "es-ES");
    assert!(
        text.body
            .contains("nunca se ha registrado ni importado un pago"),
        "{}",
        text.body
    );
}

#[test]
fn the_telegram_copy_is_escaped_and_fits_a_telegram_message() {
    let row = NewOutboxMessage {
        dedup_key: "k".into(),
        client_id: OWNER_CLIENT.into(),
        stage: STAGE.into(),
        cycle: "2026-11-24".into(),
        channel: Channel::Email,
        recipients: vec![],
        cc: vec![],
        subject: Some("Resumen <martes>".into()),
        body_text: format!("Talleres & Hijos: <b>no</b>\n{}", "x".repeat(10_000)),
        body_html: None,
        attachment: None,
        message_id: None,
        in_reply_to: None,
        references: None,
        send_at: Utc::now(),
        invoices: vec![],
    };
    let text = telegram_text(&row);
    assert!(text.starts_with("<b>Resumen &lt;martes&gt;</b>"), "{text}");
    assert!(text.contains("Talleres &amp; Hijos: &lt;b&gt;no&lt;/b&gt;"));
    assert!(text.chars().count() < 4096);
    assert!(text.ends_with("(el resumen completo está en su correo)"));
}

/// Walk 2, fault 9: while a plan request held the only invoice, every digest said that nothing
/// waited for the owner and that no invoice was open.
#[test]
fn a_plan_request_waits_for_the_owner_and_its_invoice_is_still_owed() {
    let d = gathered(
        &format!(
            "{AZTECA}
           ('Z1', 'C1', '2026-08-16', '2026-09-15', 'MXN', '85000.00', 'on_hold', 'x', 'x'),
           ('Z2', 'C1', '2026-08-16', '2026-09-15', 'MXN', '100.00', 'on_hold', 'x', 'x');
         INSERT INTO events (at, actor, kind, client_id, invoice_number) VALUES
           ('2026-09-21T21:00:00Z', 'inbox', 'invoice.held_for_plan', 'C1', 'Z1'),
           ('2026-09-21T21:00:00Z', 'inbox', 'invoice.held_for_plan', 'C1', 'Z2'),
           ('2026-09-22T09:00:00Z', 'cli', 'invoice.unheld', 'C1', 'Z2'),
           ('2026-09-22T09:05:00Z', 'cli', 'invoice.held', 'C1', 'Z2');"
        ),
        "2026-09-23",
        "2026-09-23T06:00:00Z",
    );
    assert_eq!(
        d.plan_requests,
        vec![WaitingLine {
            client: "Azteca".into(),
            invoice: "Z1".into(),
            since: NaiveDate::from_ymd_opt(2026, 9, 21),
        }],
        "Z2 is held by the owner: not a request waiting"
    );
    assert_eq!(d.payments_age, Some(None), "held invoices are owed");
    let text = text::compose(&d, "es-MX");
    for want in [
        "1 asunto espera su atención",
        "- Azteca: el lunes 21 de septiembre pidió pagar la factura Z1 a plazos; los recordatorios están parados hasta que usted le proponga un calendario y lo registre (`cobrador agreement plan --invoice Z1 …`) o los reanude (`cobrador invoice unhold Z1`).",
        "nunca se ha registrado ni importado un pago",
    ] {
        assert!(
            text.subject.contains(want) || text.body.contains(want),
            "{want}\n{}\n{}",
            text.subject,
            text.body
        );
    }
    assert!(!text.body.contains("ningún asunto espera"), "{}", text.body);
}

/// Walk 2, fault 7: a payment plan the owner agreed broke and no digest said so (a broken
/// promise is listed under «Promesas de pago»).
#[test]
fn a_broken_plan_is_told_like_a_broken_promise() {
    let d = gathered(
        &format!(
            "{AZTECA}
           ('Z1', 'C1', '2026-08-16', '2026-09-15', 'MXN', '85000.00', 'open', 'x', 'x'),
           ('Z2', 'C1', '2026-08-20', '2026-09-20', 'MXN', '1000.00', 'open', 'x', 'x');
         INSERT INTO plans (id, client_id, currency, status, created_at, resolved_at) VALUES
           (1, 'C1', 'MXN', 'broken', '2026-10-08T07:00:00Z', '2026-10-20T07:00:00Z'),
           (2, 'C1', 'MXN', 'broken', '2026-09-01T07:00:00Z', '2026-09-20T07:00:00Z');
         INSERT INTO plan_invoices (plan_id, invoice_number) VALUES (1, 'Z1'), (1, 'Z2'), (2, 'Z1');
         INSERT INTO instalments (plan_id, number, due_date, amount) VALUES
           (1, 1, '2026-10-15', '30000.00'), (1, 2, '2026-11-17', '56000.00'),
           (2, 1, '2026-09-10', '100.00');
         INSERT INTO events (at, actor, kind, client_id, detail) VALUES
           ('2026-10-20T07:00:00Z', 'planner', 'plan.broken', 'C1', '{{\"plan\": 1, \"instalment\": 1}}'),
           ('2026-09-20T07:00:00Z', 'planner', 'plan.broken', 'C1', '{{\"plan\": 2, \"instalment\": 1}}');"
        ),
        "2026-10-21",
        "2026-10-21T06:00:00Z",
    );
    assert_eq!(
        d.plans_broken,
        vec![PromiseLine {
            client: "Azteca".into(),
            invoice: Some("Z1, Z2".into()),
            date: NaiveDate::from_ymd_opt(2026, 10, 15).unwrap(),
        }],
        "only the one broken in the period"
    );
    let text = text::compose(&d, "es-MX");
    let want = "- Plan de pagos incumplido: Azteca (facturas Z1, Z2), no consta el pago del plazo que vencía el jueves 15 de octubre; los recordatorios se reanudan.";
    assert!(text.body.contains(want), "{}", text.body);
    assert!(
        !text.body.contains("ninguna se ha incumplido"),
        "{}",
        text.body
    );
}

/// A client handed over since the last digest is listed among what waits for the owner (the
/// digest said «Nada: ningún asunto espera su decisión» the morning of a hand-over); an older
/// hand-over is not repeated.
#[test]
fn a_hand_over_in_the_period_waits_for_the_owner() {
    let d = gathered(
        &format!(
            "{AZTECA}
           ('Z1', 'C1', '2026-07-01', '2026-08-01', 'MXN', '900.00', 'open', 'x', 'x'),
           ('Z2', 'C1', '2026-07-01', '2026-08-01', 'MXN', '100.00', 'open', 'x', 'x');
         INSERT INTO outbox (id, dedup_key, client_id, stage, cycle, channel, recipients, body_text,
                             status, send_at, sent_at, created_at) VALUES
           (1, 'h1', 'C1', 'handover', 'Z1', 'email', '[\"d@x.example\"]', 'b', 'sent',
            '2026-10-20T15:00:00Z', '2026-10-20T15:00:05Z', 'x'),
           (2, 'h0', 'C1', 'handover', 'Z2', 'email', '[\"d@x.example\"]', 'b', 'sent',
            '2026-10-01T15:00:00Z', '2026-10-01T15:00:05Z', 'x');
         INSERT INTO outbox_invoices (outbox_id, invoice_number) VALUES (1, 'Z1'), (2, 'Z2');"
        ),
        "2026-10-21",
        "2026-10-21T06:00:00Z",
    );
    assert_eq!(
        d.handovers
            .iter()
            .map(|w| w.invoice.as_str())
            .collect::<Vec<_>>(),
        ["Z1"]
    );
    let text = text::compose(&d, "es-MX");
    assert!(
        text.body
            .contains("- Azteca: factura Z1 pasada a usted el martes 20 de octubre")
            && !text.body.contains("Nada: ningún asunto espera"),
        "{}",
        text.body
    );
    assert!(text.subject.contains("1 asunto espera"), "{}", text.subject);
}

/// A promise the pass itself finds broken (its first after an outage) is in that pass's
/// digest, not the next day's; one found by the last digest's pass is not told again.
#[test]
fn a_promise_broken_by_the_digests_own_pass_is_told_that_day_and_once() {
    let d = gathered(
        &format!(
            "{AZTECA}
           ('Z1', 'C1', '2026-07-01', '2026-08-01', 'MXN', '900.00', 'open', 'x', 'x'),
           ('Z2', 'C1', '2026-07-01', '2026-08-01', 'MXN', '100.00', 'open', 'x', 'x');
         INSERT INTO promises (client_id, invoice_number, promised_date, source, status, created_at, resolved_at) VALUES
           ('C1', 'Z1', '2026-10-05', 'reply', 'broken', 'x', '2026-10-21T07:00:00Z'),
           ('C1', 'Z2', '2026-10-01', 'reply', 'broken', 'x', '2026-10-20T07:00:00Z');
         INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
           VALUES ('_owner', 'o', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
         INSERT INTO outbox (id, dedup_key, client_id, stage, cycle, channel, recipients, body_text,
                             status, send_at, sent_at, created_at) VALUES
           (1, 'd1', '_owner', 'digest', 'd', 'email', '[\"o@x.example\"]', 'b', 'sent',
            '2026-10-20T07:00:00Z', '2026-10-20T07:00:05Z', 'x');"
        ),
        "2026-10-21",
        "2026-10-21T07:00:00Z",
    );
    let broken: Vec<_> = d
        .promises_broken
        .iter()
        .map(|p| p.invoice.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(broken, ["Z1"]);
}

/// The age of the payment data counts calendar days on the business's clock (Madrid): a payment
/// recorded at 19:00 yesterday is «ayer» in the 08:05 digest (it said «hoy»: 13 hours are not a
/// day), one recorded at 10:05 two days before is «hace 2 días» (it said «ayer»).
#[test]
fn the_payment_data_is_as_old_as_the_days_on_the_business_clock() {
    let book = |recorded: &str| {
        format!(
            "{AZTECA}
               ('Z1', 'C1', '2027-01-16', '2027-02-15', 'MXN', '85000.00', 'open', 'x', 'x');
             INSERT INTO events (at, actor, kind, client_id, invoice_number) VALUES
               ('{recorded}', 'cli', 'payment.recorded', 'C1', 'Z1');"
        )
    };
    // Monday 22 February 2027, 19:00 in Madrid; the digest on Tuesday 23 at 08:05.
    let d = gathered(
        &book("2027-02-22T18:00:00Z"),
        "2027-02-23",
        "2027-02-23T07:05:00Z",
    );
    assert_eq!(d.payments_age, Some(Some(1)));
    assert!(
        text::compose(&d, "es-ES")
            .body
            .contains("el último pago se registró ayer")
    );
    // Saturday 20, 10:05; the digest on Monday 22 at 08:05.
    let d = gathered(
        &book("2027-02-20T09:05:00Z"),
        "2027-02-22",
        "2027-02-22T07:05:00Z",
    );
    assert_eq!(d.payments_age, Some(Some(2)));
    // The same morning: «hoy».
    let d = gathered(
        &book("2027-02-23T06:30:00Z"),
        "2027-02-23",
        "2027-02-23T07:05:00Z",
    );
    assert_eq!(d.payments_age, Some(Some(0)));
}

/// A client who asked not to be written to and still owes waits for the owner every day (the
/// digest never named them: an outside walker's client sat at 90 days unchased).
#[test]
fn a_client_who_opted_out_and_still_owes_waits_for_the_owner() {
    let d = gathered(
        &format!(
            "{AZTECA}
               ('Z1', 'C1', '2026-08-16', '2026-09-15', 'MXN', '85000.00', 'open', 'x', 'x'),
               ('Z2', 'C1', '2026-08-16', '2026-09-15', 'MXN', '100.00', 'paid', 'x', 'x');
             INSERT INTO contacts (client_id, email, role, preferred_channel, opted_out)
               VALUES ('C1', 'pagos@azteca.example', 'billing', 'email', 1);"
        ),
        "2026-10-23",
        "2026-10-23T06:00:00Z",
    );
    assert_eq!(d.opted_out.len(), 1);
    assert_eq!(d.opted_out[0].invoices, ["Z1"]);
    let text = text::compose(&d, "es-MX");
    assert!(
        text.body.contains(
            "- Azteca: pidió no recibir más mensajes y debe la factura Z1; cobrador ya no le escribe"
        ),
        "{}",
        text.body
    );
    assert!(text.subject.contains("1 asunto espera"), "{}", text.subject);
}

/// A plan the owner was told had broken and that a payment recorded later restored is told as
/// running again (a walker's owner read «Plan de pagos incumplido» and never learnt otherwise).
#[test]
fn a_restored_plan_is_told_as_running_again() {
    let d = gathered(
        &format!(
            "{AZTECA}
           ('Z1', 'C1', '2026-08-16', '2026-09-15', 'MXN', '85000.00', 'open', 'x', 'x');
         INSERT INTO plans (id, client_id, currency, status, created_at, resolved_at) VALUES
           (1, 'C1', 'MXN', 'active', '2026-10-08T07:00:00Z', NULL);
         INSERT INTO plan_invoices (plan_id, invoice_number) VALUES (1, 'Z1');
         INSERT INTO instalments (plan_id, number, due_date, amount) VALUES
           (1, 1, '2026-10-15', '30000.00'), (1, 2, '2026-11-17', '55000.00');
         INSERT INTO events (at, actor, kind, client_id, detail) VALUES
           ('2026-10-20T07:00:00Z', 'planner', 'plan.broken', 'C1', '{{\"plan\": 1, \"instalment\": 1}}'),
           ('2026-10-20T16:00:00Z', 'planner', 'plan.restored', 'C1', '{{\"plan\": 1}}');"
        ),
        "2026-10-21",
        "2026-10-21T06:00:00Z",
    );
    assert!(d.plans_broken.is_empty(), "{:?}", d.plans_broken);
    assert_eq!(d.plans_restored.len(), 1);
    let text = text::compose(&d, "es-MX");
    assert!(
        text.body
            .contains("- Plan de pagos en marcha de nuevo: Azteca (factura Z1);"),
        "{}",
        text.body
    );
}

/// A message not delivered asks the owner to correct the address only when the address is
/// gone (a contact marked undeliverable, or the server saying so): a full mailbox keeps it,
/// and a refusal of the message itself (spam, DMARC) is for the business to fix (the ninth
/// outside reader's mail: the digest said «Corrija la dirección» for both).
#[test]
fn an_undelivered_message_asks_to_correct_the_address_only_when_it_is_gone() {
    let d = gathered(
        "INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at) VALUES
           ('C1', 'Ebro', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x'),
           ('C2', 'Vega', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x'),
           ('C3', 'Ruiz', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x'),
           ('C4', 'Sanz', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');
         INSERT INTO contacts (client_id, role, email, email_undeliverable_at) VALUES
           ('C1', 'billing', 'Pagos@Ebro.example', '2026-11-24T10:00:00Z'),
           ('C2', 'billing', 'frutas@vega.example', NULL),
           ('C3', 'billing', 'admin@ruiz.example', NULL),
           ('C4', 'billing', 'cuentas@sanz.example', NULL);
         INSERT INTO outbox (dedup_key, client_id, stage, cycle, channel, recipients, body_text, status,
                             last_error, send_at, sent_at, created_at) VALUES
           ('k1', 'C1', 'early', 'c', 'email', '[\"pagos@ebro.example\"]', 'b', 'dead',
            'bounced: Remote server returned an error', '2026-11-24T09:00:00Z', NULL, 'x'),
           ('k2', 'C2', 'early', 'c', 'email', '[\"frutas@vega.example\"]', 'b', 'dead',
            'bounced: 552 5.2.2 Mailbox full', '2026-11-24T09:00:00Z', NULL, 'x'),
           ('k3', 'C3', 'early', 'c', 'email', '[\"admin@ruiz.example\"]', 'b', 'dead',
            'bounced: 554 5.7.1 Message rejected as spam', '2026-11-24T09:00:00Z', NULL, 'x'),
           ('k4', 'C4', 'early', 'c', 'email', '[\"cuentas@sanz.example\"]', 'b', 'dead',
            '550 5.1.1 <cuentas@sanz.example>: Recipient address rejected: User unknown',
            '2026-11-24T09:00:00Z', NULL, 'x');",
        "2026-11-25",
        "2026-11-25T07:00:00Z",
    );
    let fix = |client: &str| {
        d.undeliverable
            .iter()
            .find(|u| u.client == client)
            .unwrap_or_else(|| panic!("{client}: {:?}", d.undeliverable))
            .fix
    };
    assert_eq!(fix("Ebro"), UndeliveredFix::Address, "marked undeliverable");
    assert_eq!(fix("Vega"), UndeliveredFix::None, "a full mailbox");
    assert_eq!(fix("Ruiz"), UndeliveredFix::Sending, "refused as spam");
    assert_eq!(
        fix("Sanz"),
        UndeliveredFix::Address,
        "the server says no such user"
    );
    let body = text::compose(&d, "es-ES").body;
    let line = |client: &str| {
        body.lines()
            .find(|l| l.starts_with(&format!("- {client}:")))
            .unwrap_or_else(|| panic!("{client}: {body}"))
            .to_owned()
    };
    assert!(
        line("Ebro").ends_with("Corrija la dirección del cliente."),
        "{body}"
    );
    assert!(
        line("Sanz").ends_with("Corrija la dirección del cliente."),
        "{body}"
    );
    assert!(line("Vega").contains("La dirección se conserva"), "{body}");
    assert!(!line("Vega").contains("Corrija"), "{body}");
    assert!(
        line("Ruiz").contains("rechazó el mensaje en sí, no la dirección"),
        "{body}"
    );
    assert!(!line("Ruiz").contains("Corrija"), "{body}");
}

/// An invoice paid beyond its amount is money the client has in its favour: listed every day,
/// with the commands that refund or apply it, until a negative payment settles it (walk28 S07c:
/// the credit was told once, at the import, and forgotten).
#[test]
fn money_in_a_clients_favour_is_listed_until_refunded() {
    let book = format!(
        "{AZTECA} ('M1', 'C1', '2026-10-01', '2026-11-01', 'MXN', '8000.00', 'open', 'x', 'x'),
                  ('M2', 'C1', '2026-10-01', '2026-11-01', 'MXN', '500.00', 'open', 'x', 'x');
         INSERT INTO payments (invoice_number, paid_on, amount, source, created_at) VALUES
           ('M1', '2026-11-20', '8000.00', 'csv', 'x'), ('M1', '2026-11-21', '726.50', 'csv', 'x');
         UPDATE invoices SET status = 'paid' WHERE number = 'M1';"
    );
    let d = gathered(&book, "2026-11-25", "2026-11-25T14:00:00Z");
    assert_eq!(d.in_favour.len(), 1, "{d:?}");
    assert_eq!(d.in_favour[0].over.0.to_string(), "726.50");
    let text = text::compose(&d, "es-ES").body;
    assert!(
        text.contains("Azteca: tiene 726,50 MXN a su favor (la factura M1 está pagada por encima"),
        "{text}"
    );
    assert!(text.contains("`cobrador invoice pay M1 -726.50`"), "{text}");
    let refunded = format!(
        "{book} INSERT INTO payments (invoice_number, paid_on, amount, source, created_at)
                VALUES ('M1', '2026-11-24', '-726.50', 'cli', 'x');"
    );
    let d = gathered(&refunded, "2026-11-25", "2026-11-25T14:00:00Z");
    assert!(d.in_favour.is_empty(), "{d:?}");
}
