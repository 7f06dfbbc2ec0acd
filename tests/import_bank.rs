//! Bank statements against a real SQLite file (fixtures built by scripts/gen-bank-fixtures.py):
//! Norma 43 and camt.053 credits matched by reference, by amount with the payer's name or IBAN,
//! by a "ya pagué" claim, or left for review; re-import idempotent; a broken file writes
//! nothing; the review list settled with one command; a claim confirmed from the statement.

mod support;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use cobrador::bank::{self, Settle};
use cobrador::domain::{Channel, InvoiceStatus};
use cobrador::engine::{self, apply::Incoming};
use cobrador::store::{self, Store};
use support::{World, cobrador_ok, run_cobrador, utc};

/// Monday 23 November 2026, 11:00 in Madrid: the imports and the statements.
fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn status(store: &Store, number: &str) -> InvoiceStatus {
    store::invoices::require(store.conn(), number)
        .unwrap()
        .status
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn norma43_credits_match_by_reference_and_by_name_and_the_rest_wait() {
    let World {
        dir: _d, mut store, ..
    } = support::eight_invoices(now());
    let s = bank::import_file(&mut store, &fixture("statement.n43"), false, now()).unwrap();
    assert_eq!((s.credits, s.debits), (4, 1));
    assert_eq!((s.matched, s.review, s.already), (2, 2, 0));
    // By the invoice number in the concept.
    assert_eq!(status(&store, "F2026-101"), InvoiceStatus::Paid);
    let p = store::invoices::payments(store.conn(), "F2026-101").unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].paid_on, NaiveDate::from_ymd_opt(2026, 11, 3).unwrap());
    assert_eq!(p[0].reference.as_deref(), Some("F2026-101"));
    // By the exact amount and the client's name in the concept records (Latin-1 "AÑON").
    assert_eq!(status(&store, "F2026-102"), InvoiceStatus::Paid);
    // The debit's concept names F2026-102 too, and is not a payment.
    assert_eq!(
        store::invoices::payments(store.conn(), "F2026-102")
            .unwrap()
            .len(),
        1
    );
    // Nobody and an unknown payer: for review, with the reason.
    assert_eq!(status(&store, "F2026-103"), InvoiceStatus::Open);
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    let amounts: Vec<String> = review.iter().map(|m| m.amount.to_string()).collect();
    assert_eq!(amounts, ["777.77", "500.00"]);
    assert!(
        review[1]
            .note
            .as_deref()
            .unwrap()
            .contains("same amount as F2026-103"),
        "{:?}",
        review[1].note
    );
    // The same statement again changes nothing.
    let payments = count(&store, "SELECT count(*) FROM payments");
    let again = bank::import_file(&mut store, &fixture("statement.n43"), false, now()).unwrap();
    assert_eq!((again.already, again.matched, again.review), (4, 0, 0));
    assert_eq!(count(&store, "SELECT count(*) FROM payments"), payments);
    assert_eq!(count(&store, "SELECT count(*) FROM bank_movements"), 4);
}

#[test]
fn camt053_credits_match_by_reference_iban_and_claim_skipping_debits_and_pending() {
    let World {
        dir: _d, mut store, ..
    } = support::eight_invoices(now());
    // The client had written "ya pagué" for F2026-104.
    store::invoices::set_paid_claim(
        store.conn(),
        "F2026-104",
        Some(NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()),
        now(),
    )
    .unwrap();
    let s = bank::import_file(&mut store, &fixture("statement.camt053.xml"), false, now()).unwrap();
    assert_eq!(
        (s.credits, s.debits),
        (6, 2),
        "a debit and a pending entry skipped, the remesa read as its two receipts"
    );
    assert_eq!((s.matched, s.review, s.claims_confirmed), (5, 1, 1));
    assert_eq!(status(&store, "F2026-107"), InvoiceStatus::Paid);
    assert_eq!(status(&store, "F2026-108"), InvoiceStatus::Paid);
    let p = store::invoices::payments(store.conn(), "F2026-108").unwrap();
    assert_eq!(
        (p[0].amount.to_string().as_str(), p[0].reference.as_deref()),
        ("80.00", Some("REM0042-2"))
    );
    assert_eq!(status(&store, "F2026-105"), InvoiceStatus::Paid);
    assert_eq!(
        status(&store, "F2026-106"),
        InvoiceStatus::Paid,
        "by IBAN on file"
    );
    let claimed = store::invoices::require(store.conn(), "F2026-104").unwrap();
    assert_eq!(claimed.status, InvoiceStatus::Paid);
    assert_eq!(
        claimed.paid_claimed_on, None,
        "the claim is confirmed, not pending"
    );
    let events = store::events::for_client(store.conn(), "C003", Some("F2026-104")).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == "invoice.paid_claim_confirmed")
    );
    let rules: Vec<(String, Option<String>)> = store::bank::list(store.conn(), None)
        .unwrap()
        .into_iter()
        .map(|m| (m.amount.to_string(), m.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("605.00".into(), Some("reference".into())),
            ("99.50".into(), Some("amount+iban".into())),
            ("1000.00".into(), Some("unmatched".into())),
            ("2456.75".into(), Some("claim".into())),
            ("150.00".into(), Some("reference".into())),
            ("80.00".into(), Some("reference".into())),
        ]
    );
    // The payer's account of a matched credit is remembered for next time.
    let ibans = store::bank::ibans(store.conn()).unwrap();
    assert!(ibans.contains(&("C001".into(), "ES4200810216110001111111".into())));
    // The escaped name of the unmatched credit is read whole.
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    assert_eq!(
        review[0].payer_name.as_deref(),
        Some("Inmobiliaria & Gestión SL")
    );
    let again =
        bank::import_file(&mut store, &fixture("statement.camt053.xml"), false, now()).unwrap();
    assert_eq!((again.already, again.matched), (6, 0));
}

#[test]
fn a_broken_statement_writes_nothing() {
    let World {
        dir: _d, mut store, ..
    } = support::eight_invoices(now());
    let bytes = std::fs::read(fixture("statement.n43")).unwrap();
    // Cut before the totals: the first credit is fine, but the file is not complete.
    let cut: Vec<u8> = bytes[..82 * 5].to_vec();
    let e = bank::import_bytes(&mut store, "cut.n43", &cut, false, now()).unwrap_err();
    assert!(format!("{e:#}").contains("cut short"), "{e:#}");
    // A total that does not add up (an edited amount) names the totals line.
    let text = String::from_utf8_lossy(&bytes).replace("000000121000", "000000121001");
    let e =
        bank::import_bytes(&mut store, "edited.n43", text.as_bytes(), false, now()).unwrap_err();
    assert!(
        format!("{e:#}").starts_with("edited.n43:12: the account totals do not add up"),
        "{e:#}"
    );
    let xml = std::fs::read_to_string(fixture("statement.camt053.xml")).unwrap();
    let broken = xml.replace(
        "<Amt Ccy=\"EUR\">99.50</Amt>",
        "<Amt Ccy=\"EUR\">99,5O</Amt>",
    );
    let e = bank::import_bytes(&mut store, "bad.xml", broken.as_bytes(), false, now()).unwrap_err();
    assert!(format!("{e:#}").contains("is not an amount"), "{e:#}");
    assert_eq!(count(&store, "SELECT count(*) FROM payments"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM bank_movements"), 0);
    assert_eq!(status(&store, "F2026-101"), InvoiceStatus::Open);
}

#[test]
fn the_owner_settles_a_credit_in_one_command_and_its_account_is_remembered() {
    let World {
        dir: _d, mut store, ..
    } = support::eight_invoices(now());
    bank::import_file(&mut store, &fixture("statement.camt053.xml"), false, now()).unwrap();
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    assert_eq!(review.len(), 2, "1.000,00 and the unclaimed 2.456,75");
    let guemes = review
        .iter()
        .find(|m| m.amount.to_string() == "2456.75")
        .unwrap();
    let paid = bank::settle(
        &mut store,
        guemes.id,
        &Settle::Invoices(vec!["F2026-104".into()]),
        now(),
    )
    .unwrap();
    assert_eq!(paid.len(), 1);
    assert_eq!(status(&store, "F2026-104"), InvoiceStatus::Paid);
    let refund = review
        .iter()
        .find(|m| m.amount.to_string() == "1000.00")
        .unwrap();
    let e = bank::settle(
        &mut store,
        refund.id,
        &Settle::Invoices(vec!["F2026-103".into()]),
        now(),
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("500.00 more than what F2026-103 owe"),
        "{e:#}"
    );
    bank::settle(
        &mut store,
        refund.id,
        &Settle::Ignore(Some("fianza".into())),
        now(),
    )
    .unwrap();
    assert!(
        store::bank::list(store.conn(), Some("review"))
            .unwrap()
            .is_empty()
    );
    let e = bank::settle(&mut store, refund.id, &Settle::Ignore(None), now()).unwrap_err();
    assert!(format!("{e:#}").contains("already ignored"), "{e:#}");
}

#[test]
fn a_ya_pague_after_the_statement_is_confirmed_without_asking_the_owner() {
    let World {
        dir: _d,
        mut store,
        config,
        renderer,
    } = support::eight_invoices(now());
    bank::import_file(&mut store, &fixture("statement.n43"), false, now()).unwrap();
    assert_eq!(status(&store, "F2026-103"), InvoiceStatus::Open);
    let inc = Incoming {
        channel: Some(Channel::Email),
        external_id: Some("<claim@guemes.es>".into()),
        received_at: now(),
        sender: Some("cobros@guemes.es".into()),
        subject: Some("Re: Factura F2026-103".into()),
        body:
            "Buenos días, la factura F2026-103 ya la pagamos por transferencia el día 7.\n\nIñaki"
                .into(),
        references: vec![],
        automatic: false,
        ..Incoming::default()
    };
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, now())
        .unwrap()
        .unwrap();
    assert_eq!(applied.intent.as_str(), "paid");
    assert_eq!(
        applied.alert, None,
        "the statement answered it: nobody is asked"
    );
    assert_eq!(status(&store, "F2026-103"), InvoiceStatus::Paid);
    let credit = store::bank::list(store.conn(), None)
        .unwrap()
        .into_iter()
        .find(|m| m.amount.to_string() == "500.00")
        .unwrap();
    assert_eq!(
        (credit.status.as_str(), credit.rule.as_deref()),
        ("matched", Some("claim"))
    );
    // A claim the statement does not show still goes to the owner.
    let inc = Incoming {
        external_id: Some("<claim2@guemes.es>".into()),
        body: "La factura F2026-104 ya está pagada.".into(),
        subject: Some("Re: Factura F2026-104".into()),
        ..inc
    };
    let applied = engine::apply::apply_reply(&mut store, &config, &renderer, &inc, now())
        .unwrap()
        .unwrap();
    assert_eq!(applied.intent.as_str(), "paid");
    assert!(applied.alert.is_some());
    assert_eq!(status(&store, "F2026-104"), InvoiceStatus::Open);
}

#[test]
fn the_owner_imports_reviews_and_settles_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    support::eight_invoices_by_cli(d);
    let n43 = fixture("statement.n43");
    let n43 = n43.to_str().unwrap();
    let out = cobrador_ok(d, &["import", "bank", n43, "--dry-run"]);
    assert!(out.starts_with("[dry run, nothing written]"), "{out}");
    let out = cobrador_ok(d, &["import", "bank", n43]);
    assert!(
        out.contains("Norma43, 4 credits (1 debits skipped): 2 matched to invoices, 2 to review"),
        "{out}"
    );
    // The debit is not read; how to record a payment the bank returned is said.
    assert!(
        out.contains("record it with `cobrador invoice pay NUMBER -AMOUNT --date DAY`"),
        "{out}"
    );
    let out = cobrador_ok(d, &["bank", "review"]);
    assert!(out.contains("777.77 EUR"), "{out}");
    assert!(
        out.contains("why: payer unknown; same amount as F2026-103"),
        "{out}"
    );
    let json = cobrador_ok(d, &["bank", "review", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    let id_of = |amount: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|m| m["amount"] == amount)
            .unwrap()["id"]
            .to_string()
    };
    let out = cobrador_ok(
        d,
        &["bank", "settle", &id_of("500.00"), "--invoice", "F2026-103"],
    );
    assert!(
        out.contains("F2026-103: 500.00 EUR recorded from bank movement"),
        "{out}"
    );
    cobrador_ok(d, &["bank", "settle", &id_of("777.77"), "--ignore"]);
    assert!(cobrador_ok(d, &["bank", "review"]).contains("nothing to review"));
    // Without --invoice or --ignore, clap says what is missing.
    assert!(
        !run_cobrador(d, &["bank", "settle", "1"], &[])
            .status
            .success()
    );
}

/// A Norma 43 statement (Latin-1 is not needed: ASCII) of credits, each `(cents, concept)`.
fn norma43(credits: &[(u64, &str)]) -> Vec<u8> {
    let head = "1100810216000123456726110126113020000000100000097830TALLERES EJEMPLO SL";
    let mut lines = vec![format!("{head:<80}")];
    for (k, (cents, concept)) in credits.iter().enumerate() {
        lines.push(format!(
            "22    0216261103261103020992{cents:014}{k:010}{:28}",
            ""
        ));
        lines.push(format!("2301{concept:<76}"));
    }
    let total: u64 = credits.iter().map(|(c, _)| c).sum();
    lines.push(format!(
        "3300810216000123456700000{:014}{:05}{total:014}200000001000000978    ",
        0,
        credits.len()
    ));
    lines.push(format!("88{}{:06}{:54}", "9".repeat(18), lines.len(), ""));
    assert!(lines.iter().all(|l| l.len() == 80), "{lines:#?}");
    (lines.join("\r\n") + "\r\n").into_bytes()
}

/// A credit paid by one line of a statement is seen as paid by the next lines of the same
/// statement: a second transfer naming it goes to review, it is not paid twice.
#[test]
fn a_later_credit_of_the_same_statement_sees_the_invoice_an_earlier_one_paid() {
    let World {
        dir: _d, mut store, ..
    } = support::eight_invoices(now());
    let statement = norma43(&[
        (121_000, "TRANSFERENCIA FRA F2026-101"),
        (121_000, "TRANSFERENCIA FRA F2026-101"),
    ]);
    let s = bank::import_bytes(&mut store, "twice.n43", &statement, false, now()).unwrap();
    assert_eq!((s.credits, s.matched, s.review), (2, 1, 1));
    assert_eq!(status(&store, "F2026-101"), InvoiceStatus::Paid);
    assert_eq!(
        store::invoices::payments(store.conn(), "F2026-101")
            .unwrap()
            .len(),
        1
    );
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    assert!(
        review[0]
            .note
            .as_deref()
            .unwrap()
            .contains("F2026-101, which is paid"),
        "{:?}",
        review[0].note
    );
}
