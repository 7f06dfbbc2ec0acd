//! Payment links per invoice (a `business.payment-link` template) in reminders, and the thank-you
//! receipt when a reminded invoice is paid: the real binary, a real database, the file channel.

mod support;

use std::path::Path;

use support::{cobrador_ok, import_examples};

/// (subject, To, text body) of every message written to the outbox directory.
fn messages(dir: &Path) -> Vec<(String, String, String)> {
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("outbox"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    paths.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "eml"));
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let raw = std::fs::read(p).unwrap();
            let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
            let to = m
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_owned();
            (
                m.subject().unwrap_or_default().to_owned(),
                to,
                m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
            )
        })
        .collect()
}

/// `invoice pay NUMBER AMOUNT --date PAID_ON --now RECORDED`: a payment made on one day and
/// recorded (imported, typed in) at another moment.
fn pay_recorded(dir: &Path, number: &str, amount: &str, paid_on: &str, recorded: &str) {
    cobrador_ok(
        dir,
        &[
            "invoice", "pay", number, amount, "--date", paid_on, "--now", recorded,
        ],
    );
}

fn receipts(dir: &Path) -> Vec<(String, String, String)> {
    messages(dir)
        .into_iter()
        .filter(|(s, _, _)| s.starts_with("Recibido"))
        .collect()
}

#[test]
fn reminders_carry_each_invoices_link_and_a_paid_invoice_is_thanked_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    let config = std::fs::read_to_string(dir.join("cobrador.toml")).unwrap();
    let with_link = config.replacen(
        "# payment-link = \"https://pagos.example/reformasprado\"",
        "payment-link = \"https://pagos.example/rp/{numero}?importe={importe}\"",
        1,
    );
    assert_ne!(
        config, with_link,
        "the example config has a payment-link line"
    );
    std::fs::write(dir.join("cobrador.toml"), with_link).unwrap();
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);

    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    let all = messages(dir);
    let (_, _, ebro) = all
        .iter()
        .find(|(_, to, _)| to == "administracion@ebro.example")
        .expect("a reminder to Construcciones Ebro");
    for want in [
        "En línea, factura F2026-101: https://pagos.example/rp/F2026-101?importe=8450.00",
        "En línea, factura F2026-118: https://pagos.example/rp/F2026-118?importe=3200.50",
    ] {
        assert!(ebro.contains(want), "missing {want:?} in\n{ebro}");
    }
    assert!(!ebro.contains("{numero}"), "{ebro}");
    assert!(receipts(dir).is_empty());

    // The client pays the younger invoice. At 07:00 in Madrid the receipt waits for the morning.
    cobrador_ok(
        dir,
        &[
            "invoice",
            "pay",
            "F2026-118",
            "3200,50",
            "--date",
            "2026-11-25",
        ],
    );
    let early = cobrador_ok(dir, &["tick", "--now", "2026-11-25T06:00:00Z"]);
    assert!(early.contains("receipt"), "{early}");
    assert!(receipts(dir).is_empty(), "not before the client's morning");
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T09:00:00Z"]);
    let got = receipts(dir);
    assert_eq!(got.len(), 1, "{got:?}");
    let (subject, to, body) = &got[0];
    assert_eq!(
        subject,
        "Recibido: gracias por el pago de la factura F2026-118"
    );
    assert_eq!(to, "administracion@ebro.example");
    assert!(
        body.contains("Factura F2026-118: 3.200,50 €, pagada."),
        "{body}"
    );
    assert!(body.contains("Muchas gracias por su pago."), "{body}");
    assert!(!body.contains("F2026-101"), "only the paid invoice: {body}");

    // Once per invoice; F2026-120 was paid before any reminder: no receipt for it.
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T15:00:00Z"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T10:00:00Z"]);
    let got = receipts(dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got.iter().all(|(s, _, _)| !s.contains("F2026-120")));
}

/// Walk 02: the client paid the day before our reminder went out, and the payment was
/// imported the day after it: the invoice was reminded and is now paid, so it is thanked.
#[test]
fn a_payment_that_crossed_with_our_reminder_is_thanked_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    let reminded = messages(dir);
    assert!(
        reminded
            .iter()
            .any(|(_, to, body)| to == "administracion@ebro.example" && body.contains("F2026-118")),
        "a reminder about F2026-118 on the 24th: {reminded:?}"
    );
    // Paid on the 23rd, known on the 25th.
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-11-23",
        "2026-11-25T08:00:00Z",
    );
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T09:00:00Z"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T10:00:00Z"]);
    let got = receipts(dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].0,
        "Recibido: gracias por el pago de la factura F2026-118"
    );
}

/// A payment made three weeks before cobrador learned of it (a bank statement imported late)
/// on an invoice it had reminded: thanked, once. One made months ago and entered only now
/// (history being loaded, an old statement) is not: a thank-you months after the transfer
/// reads as a mistake, not as news.
#[test]
fn a_payment_imported_late_is_thanked_and_an_ancient_one_is_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv"]);
    // The example payments as the business recorded them, each on its day (F2026-101's
    // 4,000 € in October): a payment is never recorded weeks before its date (refused).
    let example =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pagos.csv"))
            .unwrap();
    let mut lines = example.lines();
    let header = lines.next().unwrap();
    for (row, now) in lines.zip(["2026-10-21T08:00:00Z", "2026-11-20T20:00:00Z"]) {
        let file = dir.join("pago.csv");
        std::fs::write(&file, format!("{header}\n{row}\n")).unwrap();
        cobrador_ok(
            dir,
            &["import", "payments", file.to_str().unwrap(), "--now", now],
        );
    }
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    let reminded = messages(dir);
    assert!(
        reminded
            .iter()
            .any(|(_, to, body)| to == "administracion@ebro.example"
                && body.contains("F2026-101")
                && body.contains("F2026-118")),
        "a reminder about F2026-101 and F2026-118 on the 24th: {reminded:?}"
    );
    // Paid on 3 November, known on the 26th (23 days later).
    let known = "2026-11-26T08:00:00Z";
    pay_recorded(dir, "F2026-118", "3200,50", "2026-11-03", known);
    // The rest of F2026-101, paid on 15 September (over two months before), entered the same day.
    pay_recorded(dir, "F2026-101", "8450,00", "2026-09-15", known);
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T10:00:00Z"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-27T10:00:00Z"]);
    let got = receipts(dir);
    let subjects: Vec<&str> = got.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(
        subjects,
        ["Recibido: gracias por el pago de la factura F2026-118"],
        "{got:?}"
    );
}

/// Two invoices of one client paid the same day the reminder about them went: one receipt for
/// both (they were thanked in two messages in the same minute), and not that day (one message
/// per client per local day): the next morning. An outside walk over months.
#[test]
fn invoices_paid_together_are_thanked_in_one_receipt_on_a_day_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    let reminded = messages(dir);
    assert!(
        reminded
            .iter()
            .any(|(_, to, body)| to == "administracion@ebro.example"
                && body.contains("F2026-101")
                && body.contains("F2026-118")),
        "a reminder about F2026-101 and F2026-118 on the 24th: {reminded:?}"
    );
    let paid = "2026-11-24T11:00:00Z";
    pay_recorded(dir, "F2026-118", "3200,50", "2026-11-24", paid);
    pay_recorded(dir, "F2026-101", "8450,00", "2026-11-24", paid);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T12:00:00Z"]);
    assert!(receipts(dir).is_empty(), "not on the reminder's day");
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T09:00:00Z"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T09:00:00Z"]);
    let got = receipts(dir);
    assert_eq!(got.len(), 1, "{got:?}");
    let (subject, to, body) = &got[0];
    assert_eq!(
        subject,
        "Recibido: gracias por el pago de las facturas F2026-101 y F2026-118"
    );
    assert_eq!(to, "administracion@ebro.example");
    assert!(body.contains("Factura F2026-101"), "{body}");
    assert!(
        body.contains("Factura F2026-118: 3.200,50 €, pagada."),
        "{body}"
    );
    // The audit log has the receipt under each invoice it thanks for (it named «F2026-101,
    // F2026-118» as one invoice).
    let store = cobrador::store::Store::open(&dir.join("cobrador.db")).unwrap();
    for number in ["F2026-101", "F2026-118"] {
        let events =
            cobrador::store::events::for_client(store.conn(), "C001", Some(number)).unwrap();
        assert!(
            events
                .iter()
                .any(|e| e.kind == "receipt.queued" && e.invoice_number.as_deref() == Some(number)),
            "{number}: {events:#?}"
        );
    }
}

/// mail26: an acknowledgement queued by yesterday evening's reading of the inbox (no tick
/// since) goes with this morning's tick; the receipt of a payment recorded meanwhile does not go
/// beside it, but the next day (they went in the same pass).
#[test]
fn a_receipt_does_not_go_beside_an_acknowledgement_waiting_from_yesterday() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    cobrador_ok(
        dir,
        &[
            "reply",
            "record",
            "C001",
            "--text",
            "Gracias por el aviso. Les pago mañana sin falta.",
            "--now",
            "2026-11-25T17:30:00Z",
        ],
    );
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-11-26",
        "2026-11-26T08:00:00Z",
    );
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T09:00:00Z"]);
    let acks: Vec<_> = messages(dir)
        .into_iter()
        .filter(|(s, _, _)| !s.starts_with("Recibido") && s.contains("Anotado"))
        .collect();
    assert_eq!(acks.len(), 1, "{:?}", messages(dir));
    assert!(receipts(dir).is_empty(), "not beside the acknowledgement");
    cobrador_ok(dir, &["tick", "--now", "2026-11-27T09:00:00Z"]);
    assert_eq!(receipts(dir).len(), 1, "{:?}", messages(dir));
}

/// A payment the bank returned (a direct debit sent back): recorded as a negative payment, it
/// makes the invoice due again; the next reminder says what happened instead of «si ya ha
/// realizado el pago, ignore este mensaje», and no receipt thanks the client for it. A return of
/// more than was received is refused naming the amounts; a payment made later settles it.
#[test]
fn a_payment_the_bank_returned_is_due_again_and_the_next_reminder_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-11-25",
        "2026-11-25T08:00:00Z",
    );
    cobrador_ok(dir, &["tick", "--now", "2026-11-25T09:00:00Z"]);
    assert_eq!(receipts(dir).len(), 1, "the payment is thanked");

    let out = support::run_cobrador(
        dir,
        &[
            "invoice",
            "pay",
            "F2026-118",
            "-5000",
            "--date",
            "2026-12-02",
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("has received 3200.50 in all") && err.contains("returned payment of 5000"),
        "{err}"
    );
    pay_recorded(
        dir,
        "F2026-118",
        "-3200,50",
        "2026-12-02",
        "2026-12-02T08:00:00Z",
    );
    let shown: serde_json::Value = serde_json::from_str(&cobrador_ok(
        dir,
        &["invoice", "show", "F2026-118", "--json"],
    ))
    .unwrap();
    assert_eq!(shown["status"], "open", "{shown}");
    assert_eq!(shown["balance"], "3200.50", "{shown}");
    assert_eq!(shown["returned"]["on"], "2026-12-02", "{shown}");
    assert_eq!(shown["returned"]["amount"], "3200.50", "{shown}");

    let before = messages(dir).len();
    let mut told = None;
    for day in 2..20 {
        cobrador_ok(
            dir,
            &["tick", "--now", &format!("2026-12-{day:02}T09:30:00Z")],
        );
        told = messages(dir)
            .into_iter()
            .skip(before)
            .find(|(_, _, body)| body.contains("F2026-118"));
        if told.is_some() {
            break;
        }
    }
    let (_, to, body) = told.expect("a reminder naming the returned invoice");
    assert_eq!(to, "administracion@ebro.example");
    assert!(
        body.contains(
            "El miércoles 2 de diciembre el banco nos devolvió el pago de 3.200,50 € de la factura F2026-118."
        ),
        "{body}"
    );
    assert!(body.contains("¿Podría revisarlo"), "{body}");
    assert!(!body.contains("ignore este mensaje"), "{body}");
    assert_eq!(receipts(dir).len(), 1, "a return is not thanked");

    // Paid again: nothing is returned any more.
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-12-21",
        "2026-12-21T08:00:00Z",
    );
    let shown: serde_json::Value = serde_json::from_str(&cobrador_ok(
        dir,
        &["invoice", "show", "F2026-118", "--json"],
    ))
    .unwrap();
    assert_eq!(shown["status"], "paid", "{shown}");
    assert!(shown["returned"].is_null(), "{shown}");
}

/// A payment recorded twice leaves the client money in its favour: the import's note says how
/// to record the refund (a negative payment), and recording it settles the invoice again.
#[test]
fn money_paid_twice_is_refunded_as_the_import_says() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    std::fs::write(
        dir.join("again.csv"),
        "factura;fecha;importe;referencia\nF2026-120;2026-11-21;860,00;BIZUM-1121\n",
    )
    .unwrap();
    let out = cobrador_ok(
        dir,
        &[
            "import",
            "payments",
            "again.csv",
            "--now",
            "2026-11-22T10:00:00Z",
        ],
    );
    assert!(
        out.contains("Refunded: `cobrador invoice pay F2026-120 -860.00`"),
        "{out}"
    );
    pay_recorded(
        dir,
        "F2026-120",
        "-860.00",
        "2026-11-23",
        "2026-11-23T10:00:00Z",
    );
    let shown: serde_json::Value = serde_json::from_str(&cobrador_ok(
        dir,
        &["invoice", "show", "F2026-120", "--json"],
    ))
    .unwrap();
    assert_eq!(shown["status"], "paid", "{shown}");
    assert_eq!(shown["balance"], "0.00", "{shown}");
}

/// Money a client has in its favour (an invoice paid beyond its amount) is said in the
/// reminders of its other invoices, with the offer to deduct or refund it, until a negative
/// payment settles it (walk28 S07c: a formal notice went while we held 726 € of theirs, and
/// nothing said so).
#[test]
fn a_reminder_says_what_money_the_client_has_in_its_favour() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    // F2026-118 (3.200,50 €) paid 100 € beyond; F2026-101 still owes 8.450 €.
    let paid = cobrador_ok(
        dir,
        &[
            "invoice",
            "pay",
            "F2026-118",
            "3300.50",
            "--date",
            "2026-11-20",
            "--now",
            "2026-11-20T10:00:00Z",
        ],
    );
    assert!(
        paid.contains(
            "100.00 EUR are the client's (refund it: `cobrador invoice pay F2026-118 -100.00`)"
        ),
        "{paid}"
    );
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    let ebro = |all: Vec<(String, String, String)>| {
        all.into_iter()
            .filter(|(s, to, _)| to == "administracion@ebro.example" && s.contains("F2026-101"))
            .map(|(_, _, text)| text)
            .collect::<Vec<_>>()
    };
    let first = ebro(messages(dir));
    assert_eq!(first.len(), 1, "{first:?}");
    let text = first[0].replace('\n', " ");
    assert!(
        text.contains(
            "Por otra parte, tenemos a su favor 100,00 € de una factura que se pagó de más."
        ),
        "{text}"
    );
    assert!(
        text.contains("Si lo desea, lo descontamos de lo pendiente o se lo devolvemos"),
        "{text}"
    );
    // `status` lists it with the command that records its refund.
    let status = cobrador_ok(dir, &["status", "--now", "2026-11-24T10:00:00Z"]);
    assert!(status.contains("Money in clients' favour: 1"), "{status}");
    assert!(
        status
            .contains("F2026-118 100.00 EUR (refunded: `cobrador invoice pay F2026-118 -100.00`)"),
        "{status}"
    );
    // Refunded: the next reminder says nothing of it.
    let refunded = cobrador_ok(
        dir,
        &[
            "invoice",
            "pay",
            "F2026-118",
            "-100.00",
            "--date",
            "2026-11-25",
            "--now",
            "2026-11-25T10:00:00Z",
        ],
    );
    assert!(
        refunded.contains("Recorded a payment returned (or refunded) of 100.00 EUR on 2026-11-25: balance 0.00 EUR, status paid"),
        "{refunded}"
    );
    cobrador_ok(dir, &["tick", "--now", "2026-12-15T09:30:00Z"]);
    let all = ebro(messages(dir));
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(!all[1].contains("a su favor"), "{}", all[1]);
    let status = cobrador_ok(dir, &["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["in_favour"], serde_json::json!([]), "{status}");
}

/// The stages of the reminders written to Construcciones Ebro (C001), in order.
fn ebro_stages(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-C001.eml"))
        .collect();
    names.sort_by_key(|n| n.split('-').next().unwrap().parse::<u64>().unwrap());
    names
        .iter()
        .map(|n| n.split('-').nth(1).unwrap().to_owned())
        .collect()
}

/// A payment that settled the invoice and was then returned by the bank: the invoice was closed
/// and its client thanked, so its ladder starts again from the first step, not from the one
/// after the last reminder (walk28 G3: «gracias por su pago», then a second-stage reminder).
#[test]
fn after_a_settling_payment_is_returned_the_ladder_starts_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    // F2026-101 (the oldest, 8.450 € still owed) is reminded until a second stage goes.
    for day in 24..=30 {
        cobrador_ok(
            dir,
            &["tick", "--now", &format!("2026-11-{day:02}T09:30:00Z")],
        );
    }
    for day in 1..=10 {
        cobrador_ok(
            dir,
            &["tick", "--now", &format!("2026-12-{day:02}T09:30:00Z")],
        );
    }
    let before = ebro_stages(dir);
    assert!(before.len() >= 2, "{before:?}");
    let ladder_so_far = before.clone();
    // Both invoices paid in full, thanked; then the bank returns F2026-101's payment.
    pay_recorded(
        dir,
        "F2026-101",
        "8450",
        "2026-12-10",
        "2026-12-10T12:00:00Z",
    );
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-12-10",
        "2026-12-10T12:00:00Z",
    );
    cobrador_ok(dir, &["tick", "--now", "2026-12-11T09:30:00Z"]);
    pay_recorded(
        dir,
        "F2026-101",
        "-8450",
        "2026-12-14",
        "2026-12-14T08:00:00Z",
    );
    for day in 14..=22 {
        cobrador_ok(
            dir,
            &["tick", "--now", &format!("2026-12-{day:02}T09:30:00Z")],
        );
    }
    let after: Vec<String> = ebro_stages(dir)
        .into_iter()
        .skip(ladder_so_far.len())
        .filter(|s| s != "receipt")
        .collect();
    assert_eq!(
        after.first().map(String::as_str),
        ladder_so_far.first().map(String::as_str),
        "before the payment {ladder_so_far:?}, after its return {after:?}"
    );
}

/// A payment recorded at four in the afternoon in Madrid: its receipt waits for the client's
/// next contact window (10:00-12:30, the example's), and greets for then, «Buenos días», not
/// for the moment it was queued.
#[test]
fn a_receipt_held_for_the_next_morning_greets_the_morning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    cobrador_ok(dir, &["init"]);
    import_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    pay_recorded(
        dir,
        "F2026-118",
        "3200,50",
        "2026-11-25",
        "2026-11-25T15:00:00Z",
    );
    let afternoon = cobrador_ok(dir, &["tick", "--now", "2026-11-25T15:00:00Z"]);
    assert!(afternoon.contains("receipt"), "{afternoon}");
    assert!(receipts(dir).is_empty(), "it waits for the contact window");
    cobrador_ok(dir, &["tick", "--now", "2026-11-26T09:05:00Z"]);
    let got = receipts(dir);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].2.starts_with("Buenos días, "), "{}", got[0].2);
}
