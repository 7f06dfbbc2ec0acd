//! A payment reported twice — by the owner's payments export (CSV) and by the bank statement
//! (camt.053), in either order — counts once; equal instalments still count; a credit or a row
//! that could repeat one of several payments is not added and is put before the owner. Real
//! files on disk through the real readers, a real SQLite file, and the command line.

mod support;

use std::path::Path;

use chrono::{DateTime, Utc};
use cobrador::bank::{self, Settle};
use cobrador::import::{Defaults, Kind, import_file};
use cobrador::store::{self, Store};
use rust_decimal::Decimal;
use support::{World, cobrador_ok, utc};

fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn defaults() -> Defaults {
    Defaults {
        country: "ES".into(),
        currency: "EUR".into(),
        tuteo: false,
        max_amount: Decimal::from(1_000_000i64),
    }
}

/// One credit of a statement: amount, booking day, value day, payer, remittance text.
struct Credit<'a>(&'a str, &'a str, &'a str, &'a str, &'a str);

/// A camt.053 statement with these credits, as a bank's web gives it; each credit of each
/// statement has its own bank reference (a statement read twice is the same file again).
fn camt053(credits: &[Credit<'_>]) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let mut entries = String::new();
    for Credit(amount, booked, value, payer, text) in credits {
        let i = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        entries.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
             <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{booked}</Dt></BookgDt>\
             <ValDt><Dt>{value}</Dt></ValDt><AcctSvcrRef>TWIN{i:08}</AcctSvcrRef>\
             <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\
             <RltdPties><Dbtr><Pty><Nm>{payer}</Nm></Pty></Dbtr></RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>TWINS</MsgId><CreDtTm>2026-11-20T23:59:00</CreDtTm></GrpHdr>\
         <Stmt><Id>TWINS-1</Id><CreDtTm>2026-11-20T23:59:00</CreDtTm>\
         <Acct><Id><IBAN>ES7921000813610123456789</IBAN></Id><Ccy>EUR</Ccy></Acct>\n\
         {entries}</Stmt></BkToCstmrStmt></Document>\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import_payments(store: &mut Store, dir: &Path, csv: &str) -> cobrador::import::Summary {
    let path = write(dir, "pagos.csv", csv);
    import_file(store, Kind::Payments, &path, &defaults(), false, now()).unwrap()
}

fn import_statement(store: &mut Store, dir: &Path, credits: &[Credit<'_>]) -> bank::BankSummary {
    let path = write(dir, "extracto.xml", &camt053(credits));
    bank::import_file(store, &path, false, now()).unwrap()
}

fn import_statement_again(store: &mut Store, dir: &Path) -> bank::BankSummary {
    bank::import_file(store, &dir.join("extracto.xml"), false, now()).unwrap()
}

/// The payments recorded on `number` (amounts), and its stored paid sum checked against them.
fn paid(store: &Store, number: &str) -> Vec<String> {
    let payments = store::invoices::payments(store.conn(), number).unwrap();
    let sum: Decimal = payments.iter().map(|p| p.amount.0).sum();
    let inv = store::invoices::require(store.conn(), number).unwrap();
    assert_eq!(inv.paid.0, sum, "{number}: stored paid sum = its payments");
    payments.iter().map(|p| p.amount.0.to_string()).collect()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

const TALLERES: &str = "TALLERES PENA E HIJOS SL";
const GUEMES: &str = "DISTRIBUIDORA GUEMES";

#[test]
fn csv_then_bank_statement_counts_each_payment_once() {
    let World { dir, mut store, .. } = support::eight_invoices(now());
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\n\
         F2026-101;03/11/2026;1.210,00;TRF-88213\n\
         F2026-104;04/11/2026;1.000,00;AS-0042\n",
    );
    assert_eq!((s.created, s.already_recorded), (2, 0));
    // The bank books the full payment two days later and the partial one on the 6th, value
    // day the 5th: the same money.
    let b = import_statement(
        &mut store,
        dir.path(),
        &[
            Credit(
                "1210.00",
                "2026-11-05",
                "2026-11-05",
                TALLERES,
                "Pago factura F2026-101",
            ),
            Credit(
                "1000.00",
                "2026-11-06",
                "2026-11-05",
                GUEMES,
                "F2026-104 a cuenta",
            ),
        ],
    );
    assert_eq!(
        (b.matched, b.review, b.already_recorded),
        (0, 0, 2),
        "{b:?}"
    );
    assert!(
        b.notes[0].contains(
            "payment of 1210.00 EUR to F2026-101 on 2026-11-05 already recorded from the payments import (2026-11-03); not added again"
        ),
        "{:?}",
        b.notes
    );
    assert_eq!(paid(&store, "F2026-101"), ["1210.00"]);
    assert_eq!(
        paid(&store, "F2026-104"),
        ["1000.00"],
        "a partial payment, not doubled"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM payment_matches"), 2);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM events WHERE kind = 'payment.repeated'"
        ),
        2
    );
    // The credits are on record, linked to their invoices: not on the review list.
    assert!(
        store::bank::list(store.conn(), Some("review"))
            .unwrap()
            .is_empty()
    );
    // Importing either file again changes nothing.
    let b = import_statement_again(&mut store, dir.path());
    assert_eq!(b.already, 2);
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\n\
         F2026-101;03/11/2026;1.210,00;TRF-88213\n\
         F2026-104;04/11/2026;1.000,00;AS-0042\n",
    );
    assert_eq!((s.created, s.unchanged), (0, 2));
    assert_eq!(paid(&store, "F2026-104"), ["1000.00"]);
}

#[test]
fn bank_statement_then_csv_from_the_command_line_says_what_it_did_not_add() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    support::eight_invoices_by_cli(d);
    write(
        d,
        "extracto.xml",
        &camt053(&[Credit(
            "605.00",
            "2026-11-10",
            "2026-11-10",
            TALLERES,
            "Pago Factura F2026-105",
        )]),
    );
    let out = cobrador_ok(
        d,
        &[
            "import",
            "bank",
            "extracto.xml",
            "--now",
            "2026-11-23T10:00:00Z",
        ],
    );
    assert!(out.contains("1 matched to invoices"), "{out}");
    // The accounting export dates it two days later, with its own reference.
    write(
        d,
        "pagos.csv",
        "factura,fecha,importe,referencia\nF2026-105,12/11/2026,\"605,00\",TRF-55120\n",
    );
    let out = cobrador_ok(
        d,
        &[
            "import",
            "payments",
            "pagos.csv",
            "--now",
            "2026-11-23T10:00:00Z",
        ],
    );
    assert!(
        out.contains(
            "pagos.csv:2: payment of 605.00 EUR to F2026-105 on 2026-11-12 already recorded from the bank statement (2026-11-10); not added again"
        ),
        "{out}"
    );
    let show = cobrador_ok(d, &["invoice", "show", "F2026-105", "--json"]);
    let inv: serde_json::Value = serde_json::from_str(&show).unwrap();
    assert_eq!(inv["status"], "paid", "{inv}");
    assert_eq!(inv["balance"], "0.00", "{inv}");

    // The owner types the same payment in: not added either, unless told it is another one.
    let now = "--now=2026-11-23T10:00:00Z";
    let pay = [
        "invoice",
        "pay",
        "F2026-105",
        "605,00",
        "--date",
        "11/11/2026",
        now,
    ];
    let out = cobrador_ok(d, &pay);
    assert!(
        out.contains("payment of 605.00 EUR to F2026-105 on 2026-11-11 already recorded from the bank statement (2026-11-10); not added again"),
        "{out}"
    );
    let payments = |d: &Path| {
        let show = cobrador_ok(d, &["invoice", "show", "F2026-105", "--json"]);
        let inv: serde_json::Value = serde_json::from_str(&show).unwrap();
        inv["balance"].as_str().unwrap().to_owned()
    };
    assert_eq!(payments(d), "0.00");
    let out = cobrador_ok(d, &[&pay[..], &["--again"]].concat());
    assert!(out.contains("Recorded 605.00 EUR on 2026-11-11"), "{out}");
    assert_eq!(payments(d), "-605.00", "recorded as the owner said");
}

#[test]
fn equal_instalments_each_count_and_pair_once() {
    let World { dir, mut store, .. } = support::eight_invoices(now());
    // Two monthly instalments of 500 in the export: the same source, so both count.
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\n\
         F2026-104;05/10/2026;500,00;\n\
         F2026-104;05/11/2026;500,00;\n",
    );
    assert_eq!(s.created, 2);
    // The bank has both, a day later each, and a third instalment three days after the
    // second: the first two are the export's, the third is new money.
    let b = import_statement(
        &mut store,
        dir.path(),
        &[
            Credit(
                "500.00",
                "2026-10-06",
                "2026-10-06",
                GUEMES,
                "F2026-104 plazo",
            ),
            Credit(
                "500.00",
                "2026-11-06",
                "2026-11-06",
                GUEMES,
                "F2026-104 plazo",
            ),
            Credit(
                "500.00",
                "2026-11-08",
                "2026-11-08",
                GUEMES,
                "F2026-104 plazo",
            ),
        ],
    );
    assert_eq!(
        (b.already_recorded, b.matched, b.review),
        (2, 1, 0),
        "{b:?}"
    );
    assert_eq!(paid(&store, "F2026-104"), ["500.00", "500.00", "500.00"]);
    // References of one shape with different numbers are different payments, however close.
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\nF2026-107;04/11/2026;75,00;plazo 1\n",
    );
    assert_eq!(s.created, 1);
    let b = import_statement(
        &mut store,
        dir.path(),
        &[Credit(
            "75.00",
            "2026-11-05",
            "2026-11-05",
            TALLERES,
            "F2026-107 plazo 2",
        )],
    );
    assert_eq!((b.already_recorded, b.matched), (0, 1), "{b:?}");
    assert_eq!(paid(&store, "F2026-107"), ["75.00", "75.00"]);
}

#[test]
fn a_credit_or_a_row_that_may_repeat_either_of_two_payments_is_left_to_the_owner() {
    let World { dir, mut store, .. } = support::eight_invoices(now());
    import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\n\
         F2026-104;03/11/2026;500,00;\n\
         F2026-104;06/11/2026;500,00;\n",
    );
    let b = import_statement(
        &mut store,
        dir.path(),
        &[Credit(
            "500.00",
            "2026-11-05",
            "2026-11-05",
            GUEMES,
            "F2026-104",
        )],
    );
    assert_eq!(
        (b.already_recorded, b.matched, b.review),
        (0, 0, 1),
        "{b:?}"
    );
    assert_eq!(
        paid(&store, "F2026-104"),
        ["500.00", "500.00"],
        "not counted twice"
    );
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    let why = review[0].note.clone().unwrap_or_default();
    assert!(
        why.contains("may repeat a payment already recorded: F2026-104 on 2026-11-03 (the payments import), F2026-104 on 2026-11-06 (the payments import)"),
        "{why}"
    );
    // The owner knows it was a third instalment: it counts.
    bank::settle(
        &mut store,
        review[0].id,
        &Settle::Invoices(vec!["F2026-104".into()]),
        now(),
    )
    .unwrap();
    assert_eq!(paid(&store, "F2026-104").len(), 3);

    // The other way round: two credits of 300 on the statement, one export row between them.
    let b = import_statement(
        &mut store,
        dir.path(),
        &[
            Credit("300.00", "2026-11-10", "2026-11-10", TALLERES, "F2026-105"),
            Credit("300.00", "2026-11-13", "2026-11-13", TALLERES, "F2026-105"),
        ],
    );
    assert_eq!(b.matched, 2, "{b:?}");
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\nF2026-105;11/11/2026;300,00;\n",
    );
    assert_eq!((s.created, s.already_recorded), (0, 1), "{s:?}");
    assert!(
        s.notes[0].contains("may be any of the payments already recorded on 2026-11-10 (the bank statement), 2026-11-13 (the bank statement); not added"),
        "{:?}",
        s.notes
    );
    assert_eq!(paid(&store, "F2026-105"), ["300.00", "300.00"]);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM events WHERE kind = 'payment.doubtful'"
        ),
        1
    );
    // The same file again: the row is listed again, the audit log keeps its one event.
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\nF2026-105;11/11/2026;300,00;\n",
    );
    assert_eq!((s.created, s.already_recorded), (0, 1), "{s:?}");
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM events WHERE kind = 'payment.doubtful'"
        ),
        1
    );
    // A row with a reference is told how to record it with that reference.
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\nF2026-105;12/11/2026;300,00;TRF 77\n",
    );
    assert!(
        s.notes[0].contains(
            "`cobrador invoice pay F2026-105 300.00 --date 2026-11-12 --reference \"TRF 77\" --again`"
        ),
        "{:?}",
        s.notes
    );
}

/// A row of an export imported before is that payment again, even when a payment typed in
/// later (`invoice pay --again`, another instalment) has the same amount and a near date: it
/// must not be taken for a repeat of that one, or the typed payment's own export row would
/// later be added beside it.
#[test]
fn a_row_imported_before_stays_its_own_payment_beside_an_equal_one_typed_in() {
    let World { dir, mut store, .. } = support::eight_invoices(now());
    let first = "factura;fecha;importe;referencia\nF2026-104;05/11/2026;500,00;\n";
    let s = import_payments(&mut store, dir.path(), first);
    assert_eq!(s.created, 1);
    // The second instalment, typed in two days later (what `invoice pay --again` records).
    let typed = store::invoices::PaymentInput {
        invoice_number: "F2026-104".into(),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 7).unwrap(),
        amount: cobrador::domain::Money(Decimal::new(50000, 2)),
        reference: None,
        kind: cobrador::domain::PaymentKind::Payment,
        source: cobrador::domain::Actor::Cli,
        import_key: None,
    };
    assert!(store::invoices::add_payment(store.conn(), &typed, now()).unwrap());
    // The same export again: nothing new, nothing linked.
    let s = import_payments(&mut store, dir.path(), first);
    assert_eq!(
        (s.created, s.unchanged, s.already_recorded),
        (0, 1, 0),
        "{:?}",
        s.notes
    );
    // The next export has the typed instalment too: that row is the typed payment.
    let s = import_payments(
        &mut store,
        dir.path(),
        "factura;fecha;importe;referencia\n\
         F2026-104;05/11/2026;500,00;\n\
         F2026-104;07/11/2026;500,00;\n",
    );
    assert_eq!(
        (s.created, s.unchanged, s.already_recorded),
        (0, 1, 1),
        "{:?}",
        s.notes
    );
    assert_eq!(paid(&store, "F2026-104"), ["500.00", "500.00"]);
}
