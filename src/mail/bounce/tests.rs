//! Bounce detection, recipients, permanence and diagnostics, on fixtures and on the corpus.

use super::report::recipient_we_wrote_to;
use super::*;
use crate::mail::mime;

/// What the whole parse makes of a fixture under tests/fixtures/mail/bounce/.
fn bounce_of(raw: &[u8]) -> Option<Bounce> {
    let own = vec!["cobros@reformasprado.example".to_owned()];
    mime::parse_with(raw, &own).unwrap().class.bounce
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/mail/bounce/", $name))
    };
}

#[test]
fn status_classes() {
    assert_eq!(
        status_class("said: 550 5.1.1 <a@b.c>: user unknown"),
        Some('5')
    );
    assert_eq!(status_class("451 4.3.0 try later"), Some('4'));
    assert_eq!(
        status_class("remote host said: 554 delivery error"),
        Some('5')
    );
    assert_eq!(status_class("nothing here 2026"), None);
}

#[test]
fn status_codes_are_whole_tokens() {
    let reply = |c: u8| Code {
        class: c,
        enhanced: None,
    };
    let enhanced = |c: u8, s: u16, d: u16| Code {
        class: c,
        enhanced: Some((s, d)),
    };
    let cases: [(&str, Vec<Code>); 9] = [
        ("s=mail2026; t=1795509002; h=from:to", vec![]),
        ("bh=47DEQpj8HBSa+/TI550W=", vec![]),
        (
            "Sorry, no mailbox here by that name. (#5.1.1)",
            vec![enhanced(b'5', 1, 1)],
        ),
        (
            "#554 5.2.2 mailbox full",
            vec![reply(b'5'), enhanced(b'5', 2, 2)],
        ),
        (
            "said: 550-5.1.1 The email",
            vec![reply(b'5'), enhanced(b'5', 1, 1)],
        ),
        ("Tel. 910 123 456", vec![]),
        ("[10.5.1.1] and 192.0.2.44", vec![]),
        ("1.250,00 EUR; 450,00 EUR", vec![]),
        (
            "smtp;550 5.1.10 RESOLVER",
            vec![reply(b'5'), enhanced(b'5', 1, 10)],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(status_codes(&text.to_lowercase()), want, "{text}");
    }
}

#[test]
fn spanish_notices_from_a_mail_system_are_bounces() {
    // MAILER-DAEMON with Auto-Submitted, a Spanish subject and body, a Spanish copy marker.
    let b = bounce_of(fixture!("es-localized-mailer-daemon.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["pilar@asesoriapilar.example"]);
    assert!(b.permanent);
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("Motivo: usuario desconocido en este servidor.")
    );
    // postmaster, no automatic headers, the original attached as message/rfc822.
    let b = bounce_of(fixture!("es-postmaster-full-mailbox.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["compras@ferreteriaroca.example"]);
    assert!(!b.permanent, "a full mailbox is a temporary failure");
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("Motivo: buzón lleno, el destinatario ha superado su cuota.")
    );
}

#[test]
fn a_person_who_writes_that_the_user_does_not_exist_is_no_bounce() {
    assert_eq!(bounce_of(fixture!("human-says-user-unknown.eml")), None);
}

#[test]
fn the_failed_recipient_is_the_address_we_wrote_to() {
    let b = bounce_of(fixture!("dsn-alias-expanded.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["facturas@talleresvidal.example"]);
    assert!(b.permanent);
    let s = |a: &str| Some(a.to_owned());
    let sent = ["final@x.example".to_owned()];
    // (Original-Recipient, Final-Recipient, returned message's To/Cc) -> the address.
    let cases = [
        (
            s("alias@x.example"),
            s("final@x.example"),
            &[][..],
            "alias@x.example",
        ),
        (
            s("alias@x.example"),
            s("final@x.example"),
            &sent[..],
            "final@x.example",
        ),
        (None, s("final@x.example"), &[][..], "final@x.example"),
        (s("alias@x.example"), None, &[][..], "alias@x.example"),
        (
            s("imceaex-_o=org_cn=ana@x.example"),
            s("final@x.example"),
            &[][..],
            "final@x.example",
        ),
    ];
    for (original, last, returned, want) in cases {
        let got = recipient_we_wrote_to(original.clone(), last.clone(), returned);
        assert_eq!(
            got.as_deref(),
            Some(want),
            "{original:?} {last:?} {returned:?}"
        );
    }
}

#[test]
fn spanish_copy_markers_end_the_notice() {
    for marker in [
        "------ Esta es una copia del mensaje, incluyendo todas las cabeceras. ------",
        "--- A continuación va una copia del mensaje.",
        "----- Cabeceras del mensaje original -----",
        "-----Mensaje original-----",
        "Se adjunta el mensaje original.",
    ] {
        let text =
            format!("No se pudo entregar a ana@x.example\n\n{marker}\n\nTo: otro@y.example\n");
        assert_eq!(
            notice_text(&text),
            "No se pudo entregar a ana@x.example\n\n",
            "{marker}"
        );
    }
    // Sendmail's and Yahoo's Spanish separators, and a copy whose header fields come unmarked.
    for copy in [
        "   ----- Unsent message follows -----\nFrom: cobros@y.example\n",
        "--- Debajo de esta línea se encuentra una copia del mensaje.\n\nFrom: cobros@y.example\n",
        "From: \"Reformas\" <cobros@y.example>\nSubject: Factura\nTo: ana@x.example\n",
    ] {
        let text = format!("No se pudo entregar a ana@x.example\n\n{copy}");
        assert_eq!(
            notice_text(&text),
            "No se pudo entregar a ana@x.example\n\n",
            "{copy}"
        );
    }
    // Inside a sentence, "mensaje original" is no heading.
    let text = "El mensaje original no llegó a ana@x.example.\nMotivo: no existe\n";
    assert_eq!(notice_text(text), text);
}

#[test]
fn diagnostics_never_come_from_the_returned_headers() {
    // A notice whose copy marker went unrecognised: the DKIM timestamp holds "550".
    let notice = "No he podido entregar su mensaje.\n\n<ana@x.example>:\n\
                  El buzón no existe.\n\nDKIM-Signature: v=1; a=rsa-sha256;\n\
                  \ts=mail2026; t=1795509002; h=from:to;\nX-Spam: 550 5.7.1 no\n";
    assert_eq!(
        first_diagnostic(notice, &["ana@x.example".to_owned()]).as_deref(),
        Some("El buzón no existe.")
    );
    let b = bounce_of(fixture!("qmail-es-full.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["recepcion@clinicasol.example"]);
    assert_eq!(
        b.diagnostic.as_deref(),
        Some("Lo siento, el buzón de destino está lleno. (#5.2.2)")
    );
    assert!(!b.permanent, "5.2.2 under a 'permanent error' template");
}

#[test]
fn qmail_and_exchange_codes_are_diagnostics() {
    let failed = ["ana@x.example".to_owned()];
    let cases = [
        (
            "<ana@x.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n",
            "Sorry, no mailbox here by that name. (#5.1.1)",
        ),
        (
            "Servidor generador: EXCH02.x.local\n\nana@x.example\n\
             #554 5.2.2 mailbox full; STOREDRV.Deliver.Exception ##\n",
            "#554 5.2.2 mailbox full; STOREDRV.Deliver.Exception ##",
        ),
        (
            "ana@x.example on Mon, 23 Nov 2026\n    The e-mail account does not exist.\n\
             \x20   <EXCH01.x.example #5.1.1>\n",
            "The e-mail account does not exist. <EXCH01.x.example #5.1.1>",
        ),
        (
            "  ana@x.example\n    SMTP error after RCPT TO:<ana@x.example>:\n\
             \x20   host mx.x.example [192.0.2.4]: 550 5.1.1 <ana@x.example>:\n\
             \x20   User unknown\n",
            "host mx.x.example [192.0.2.4]: 550 5.1.1 <ana@x.example>: User unknown",
        ),
        (
            "was not delivered to:\n\n  ana@x.example\n\nbecause:\n\n  User ana not listed\n",
            "User ana not listed",
        ),
    ];
    for (notice, want) in cases {
        assert_eq!(
            first_diagnostic(notice, &failed).as_deref(),
            Some(want),
            "{notice}"
        );
    }
}

#[test]
fn a_full_mailbox_is_not_permanent_unless_the_account_is_gone() {
    // (notice, permanent)
    let cases = [
        ("<a@x.example>: host said: 552 5.2.2 mailbox full", false),
        (
            "el buzón del usuario ha superado su cuota de disco. (#5.2.2)",
            false,
        ),
        ("#554 5.2.2 mailbox full; quotaexceededexception", false),
        (
            "mailbox is full: 552 quota exceeded. this is a permanent error",
            false,
        ),
        (
            "552 5.2.2 the recipient's inbox is out of storage space and inactive",
            true,
        ),
        (
            "552 5.2.2 over quota; 550 5.1.1 <b@x.example>: user unknown",
            true,
        ),
        ("buzón lleno: la cuenta está desactivada", true),
        ("550 5.1.1 user unknown", true),
        ("452 4.2.2 over quota", false),
    ];
    for (notice, want) in cases {
        assert_eq!(permanence(notice, ""), want, "{notice}");
    }
    // A report: only the dead address is listed, and as permanent.
    let b = bounce_of(fixture!("dsn-unknown-and-full.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["antiguo@almacenesgil.example"]);
    assert!(b.permanent);
    assert!(b.diagnostic.unwrap().contains("User unknown"));
    // Gmail's OverQuotaPerm, its "inactive" on a folded line of Diagnostic-Code.
    let b = bounce_of(fixture!("dsn-overquota-inactive-folded.eml")).expect("a bounce");
    assert_eq!(b.failed_recipients, ["mario.gil.77@gmail.com"]);
    assert!(b.permanent);
}

#[test]
fn a_final_full_mailbox_is_undelivered_and_a_delay_is_not() {
    // (notice, permanent, undelivered)
    let cases = [
        (
            "552 5.2.2 mailbox full. this is a permanent error",
            false,
            true,
        ),
        ("(#5.2.2) over quota; i've given up", false, true),
        ("550 5.1.1 user unknown", true, true),
        ("452 4.2.2 over quota; will retry", false, false),
        ("delivery is delayed; still being retried", false, false),
    ];
    for (notice, permanent, undelivered) in cases {
        assert_eq!(permanence(notice, ""), permanent, "{notice}");
        assert_eq!(gave_up(notice, ""), undelivered, "{notice}");
    }
}

/// A plain notice from `from`, to us, with `headers` and `body`.
fn notice(from: &str, subject: &str, headers: &str, body: &str) -> Option<Bounce> {
    let raw = format!(
        "From: {from}\r\nTo: Reformas <cobros@reformasprado.es>\r\nSubject: {subject}\r\n\
         {headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    );
    // Our address as configured may differ from the one the notice went to.
    mime::parse_with(raw.as_bytes(), &["cobros@otro.example".to_owned()])
        .unwrap()
        .class
        .bounce
}

#[test]
fn our_own_addresses_are_never_failed_recipients() {
    // The notice went to cobros@: it sent the message that failed, and its copy names it.
    let b = notice(
        "MAILER-DAEMON@mx.cliente.example",
        "Returned mail: User unknown",
        "",
        "550 5.1.1 ana@cliente.example... User unknown\n\n\
         Reply-To: cobros@reformasprado.es\nFrom: cobros@reformasprado.es\n",
    )
    .expect("a bounce");
    assert_eq!(b.failed_recipients, ["ana@cliente.example"]);
}

#[test]
fn a_notice_sent_with_a_null_reverse_path_is_a_bounce() {
    let body = "Your message to: ana@cliente.example\nwas blocked by our Spam Firewall. \
                It has NOT BEEN DELIVERED.\n\nSubject: Factura F-1: pago pendiente\n";
    let b = notice(
        "Email Gateway <gateway@cliente.example>",
        "**Message you sent blocked**",
        "Return-Path: <>\r\n",
        body,
    )
    .expect("a bounce");
    assert_eq!(b.failed_recipients, ["ana@cliente.example"]);
    assert!(b.permanent && b.undelivered);
    // The same words from a mailbox with a return path: a person's, for a person to read.
    assert!(notice("Ana <ana@cliente.example>", "Aviso", "", body).is_none());
    // An automatic reply sent so that speaks of a delay is no bounce.
    let away = "Estaré temporalmente fuera; su mensaje será atendido con retraso.\n";
    assert!(
        notice(
            "ana@cliente.example",
            "Ausente",
            "Return-Path: <>\r\n",
            away
        )
        .is_none()
    );
}

#[test]
fn a_notice_forwarded_by_our_own_side_is_a_bounce_a_clients_is_not() {
    let body = "Te reenvío esto, parece que su correo ya no funciona.\n\n\
                ---------- Forwarded message ---------\n\
                De: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n\
                Subject: Delivery Status Notification (Failure)\n\
                To: <administracion@reformasprado.es>\n\n\
                Tu mensaje no se ha entregado a info@cliente.example porque no se ha \
                encontrado la dirección.\n550 5.1.1 <info@cliente.example>: User unknown\n";
    let subject = "Fwd: Delivery Status Notification (Failure)";
    let b = notice("administracion@reformasprado.es", subject, "", body).expect("a bounce");
    assert_eq!(b.failed_recipients, ["info@cliente.example"]);
    assert!(b.permanent);
    assert!(notice("pepe@cliente.example", subject, "", body).is_none());
}

#[test]
fn addresses_skip_ids_and_trace() {
    let t = "Message-ID: <x.y@z.example>\n<ana@cliente.example>: host said 550\n\
             Received: from a@b.example\nmailto:Pepe@Otro.example.";
    assert_eq!(
        addresses_in(t),
        vec!["ana@cliente.example", "pepe@otro.example"]
    );
}
