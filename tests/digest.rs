//! The owner's morning digest end to end: the real binary, a real SQLite file, and the
//! capturing SMTP server. It goes once a day from the configured hour, and says what happened.

mod support;

use std::path::Path;

use support::{Capture, cobrador_ok, config_text, init_with_examples, plain_smtp};

/// (subject, text body) of every captured digest, in arrival order.
fn digests(server: &Capture) -> Vec<(String, String)> {
    server
        .messages()
        .iter()
        .filter_map(|raw| {
            let m = mail_parser::MessageParser::default().parse(raw).unwrap();
            let subject = m.subject().unwrap_or_default().to_owned();
            subject.starts_with("Resumen de cobros").then(|| {
                (
                    subject,
                    m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
                )
            })
        })
        .collect()
}

fn setup(dir: &Path, port: u16) {
    let extra = format!("{}\n[digest]\nhour = \"08:00\"\n", plain_smtp(port, 10));
    std::fs::write(dir.join("cobrador.toml"), config_text(&extra)).unwrap();
    init_with_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
}

#[test]
fn the_digest_goes_once_a_day_from_its_hour_and_tells_what_happened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let server = Capture::start(&dir.join("cap"), &[]);
    setup(dir, server.port);

    // Tuesday 24 November, 10:30 in Madrid: reminders go, and that day's digest too.
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    assert_eq!(digests(&server).len(), 1, "the day's first digest");

    // During the day: a dispute, a promise typed by the owner, and a reply read from the inbox.
    cobrador_ok(dir, &["invoice", "dispute", "F2026-118"]);
    cobrador_ok(
        dir,
        &[
            "agreement",
            "promise",
            "F2026-131",
            "2026-11-25",
            "--now",
            "2026-11-24T16:00:00Z",
        ],
    );
    {
        let store = cobrador::store::Store::open(&dir.join("cobrador.db")).unwrap();
        let reply = cobrador::store::NewResponse {
            client_id: Some("C002".into()),
            outbox_id: None,
            channel: "email".parse().unwrap(),
            external_id: Some("<reply-1@lalatina.example>".into()),
            received_at: "2026-11-24T15:00:00Z".parse().unwrap(),
            sender: Some("pagos@lalatina.example".into()),
            subject: Some("Re: factura F2026-120".into()),
            body: "> Le recordamos...\nBuenas tardes, le pago el viernes sin falta.\nJavier".into(),
            intent: "promise".parse().unwrap(),
            promised_date: Some("2026-11-27".parse().unwrap()),
            promised_amount: None,
            ambiguous: false,
            evidence: vec![],
            status: "applied".parse().unwrap(),
            invoices: vec!["F2026-120".into()],
            kind: "reply".parse().unwrap(),
            raw_ref: None,
            excerpt: Some("Buenas tardes, le pago el viernes sin falta.".into()),
            effect: None,
        };
        cobrador::store::responses::insert_if_new(
            store.conn(),
            &reply,
            "2026-11-24T15:00:00Z".parse().unwrap(),
        )
        .unwrap();
    }

    // Wednesday 07:59 in Madrid: not yet.
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T06:59:00Z"]);
    assert_eq!(digests(&server).len(), 1, "nothing before 08:00");

    // 08:00: the digest of the 25th.
    let out = cobrador_ok(dir, &["tick", "--now", "2026-11-25T07:00:00Z"]);
    assert!(out.contains("_owner digest"), "{out}");
    let all = digests(&server);
    assert_eq!(all.len(), 2, "{out}");
    let (subject, body) = &all[1];
    assert!(
        subject.starts_with("Resumen de cobros del 25 de noviembre de 2026"),
        "{subject}"
    );
    for want in [
        "miércoles, 25 de noviembre de 2026",
        "Construcciones Ebro: primer recordatorio (correo)",
        "Café La Latina: promete pagar el viernes 27 de noviembre. «Buenas tardes, le pago el viernes sin falta.»",
        "Vence hoy: Laura Pérez (factura F2026-131)",
        "Construcciones Ebro: factura F2026-118 en disputa",
        "Entrega de mensajes",
        "Datos de pagos",
    ] {
        assert!(body.contains(want), "missing {want:?} in\n{body}");
    }
    // Addressed to the owner (no owner-email in this config: the business address).
    let envelopes = server.envelopes();
    let last = envelopes.last().unwrap();
    assert_eq!(
        last["rcpt_tos"],
        serde_json::json!(["cobros@reformasprado.example"])
    );

    // Later passes the same day, and a restart, send no second digest.
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T07:00:00Z"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T18:00:00Z"]);
    assert_eq!(digests(&server).len(), 2, "once a day");

    // The service stopped for days: the next digest tells what happened since the last one
    // (a reply of Friday the 27th), not only since yesterday's digest hour.
    {
        let store = cobrador::store::Store::open(&dir.join("cobrador.db")).unwrap();
        let reply = cobrador::store::NewResponse {
            client_id: Some("C003".into()),
            outbox_id: None,
            channel: "email".parse().unwrap(),
            external_id: Some("<reply-2@laura.example>".into()),
            received_at: "2026-11-27T15:00:00Z".parse().unwrap(),
            sender: Some("laura@example.com".into()),
            subject: Some("Re: factura F2026-131".into()),
            body: "Le pago el martes 1 sin falta.".into(),
            intent: "promise".parse().unwrap(),
            promised_date: Some("2026-12-01".parse().unwrap()),
            promised_amount: None,
            ambiguous: false,
            evidence: vec![],
            status: "applied".parse().unwrap(),
            invoices: vec!["F2026-131".into()],
            kind: "reply".parse().unwrap(),
            raw_ref: None,
            excerpt: Some("Le pago el martes 1 sin falta.".into()),
            effect: None,
        };
        cobrador::store::responses::insert_if_new(
            store.conn(),
            &reply,
            "2026-11-27T15:00:00Z".parse().unwrap(),
        )
        .unwrap();
    }
    cobrador_ok(dir, &["tick", "--now", "2026-11-30T07:30:00Z"]);
    let all = digests(&server);
    assert_eq!(all.len(), 3);
    let (_, body) = &all[2];
    for want in [
        "Periodo: desde el último resumen, del miércoles, 25 de noviembre de 2026 a las 08:00",
        "Le pago el martes 1 sin falta.",
    ] {
        assert!(body.contains(want), "missing {want:?} in\n{body}");
    }

    // The owner's reserved row is no client.
    let clients = cobrador_ok(dir, &["client", "list"]);
    assert!(!clients.contains("_owner"), "{clients}");
}
