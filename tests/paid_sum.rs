//! The stored paid sum of each invoice (`invoices.paid`, `invoices.last_paid_on`), kept by
//! SQLite triggers on `payments`, against the payments themselves, on a real SQLite file after
//! every way a payment comes, changes or goes: CSV imports (twice: idempotent), a bank
//! statement, a review-list settlement, `invoice pay` (with its prompt-payment discount), an
//! edited and a moved payment, deletions. And `status`'s sums in SQL against the balances
//! computed in Rust.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, TimeZone, Utc};
use cobrador::bank::{self, Settle};
use cobrador::domain::{InvoiceStatus, Money, PaymentKind};
use cobrador::import::{Defaults, Kind, import_bytes, import_file};
use cobrador::store::{self, Store};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

/// Three clients, one with an IBAN (the statements' tests match by it).
const CLIENTS: &str = include_str!("fixtures/import/bank-clients.csv");

/// Eight open invoices of those clients.
const INVOICES: &str = include_str!("fixtures/import/bank-invoices.csv");

const PAYMENTS: &str = "\
factura;fecha;importe;referencia
F2026-103;2026-10-20;100,10;TR-1
F2026-103;2026-10-25;0,3333;TR-2
F2026-104;2026-11-02;2.456,75;TR-3
F2026-106;2026-11-05;120,00;TR-4
";

/// Every invoice's stored paid sum and last payment day equal what its payments give, and
/// `status`'s grouped sums equal the positive balances summed in Rust.
fn assert_stored_sums_exact(store: &Store, step: &str) {
    let conn = store.conn();
    let computed = store::invoices::list(conn, None).unwrap();
    assert!(!computed.is_empty());
    for inv in &computed {
        let (paid, last, returned): (String, Option<String>, Option<(String, String)>) = conn
            .query_row(
                "SELECT paid, last_paid_on, returned_on, returned_amount FROM invoices
                 WHERE number = ?1",
                [&inv.number],
                |r| {
                    let on: Option<String> = r.get(2)?;
                    let amount: Option<String> = r.get(3)?;
                    Ok((r.get(0)?, r.get(1)?, on.zip(amount)))
                },
            )
            .unwrap();
        let payments = store::invoices::payments(conn, &inv.number).unwrap();
        let paid = Money(paid.parse().unwrap());
        assert_eq!(paid, inv.paid, "{step}: {}", inv.number);
        // The last day paid counts payments, not returns.
        assert_eq!(
            last,
            payments
                .iter()
                .filter(|p| p.amount.0.is_sign_positive())
                .map(|p| p.paid_on.to_string())
                .max(),
            "{step}: {}",
            inv.number
        );
        // The standing return: the latest one no payment recorded after it, on its day or
        // later, made good.
        let standing = payments
            .iter()
            .filter(|r| r.amount.0.is_sign_negative())
            .max_by_key(|r| (r.paid_on, r.id))
            .filter(|r| {
                !payments
                    .iter()
                    .any(|q| q.amount.0.is_sign_positive() && q.paid_on >= r.paid_on && q.id > r.id)
            })
            .map(|r| (r.paid_on.to_string(), (-r.amount.0).to_string()));
        assert_eq!(returned, standing, "{step}: {}", inv.number);
        // The balance every command reads is the stored one.
        let got = store::invoices::require(conn, &inv.number).unwrap();
        assert_eq!((got.paid, got.balance), (inv.paid, inv.balance), "{step}");
    }
    let mut expected: BTreeMap<(String, NaiveDate), Money> = BTreeMap::new();
    for inv in computed
        .iter()
        .filter(|i| !i.status.is_closed() && !i.balance.is_settled())
    {
        let sum = expected
            .entry((inv.currency.clone(), inv.due_date))
            .or_insert(Money::ZERO);
        *sum = *sum + inv.balance;
    }
    let grouped: BTreeMap<(String, NaiveDate), Money> = store::invoices::open_by_due_date(conn)
        .unwrap()
        .into_iter()
        .filter_map(|g| Some(((g.currency, g.due_date), g.owed?)))
        .collect();
    assert_eq!(grouped, expected, "{step}");
}

fn defaults() -> Defaults {
    Defaults {
        country: "ES".into(),
        currency: "EUR".into(),
        max_amount: rust_decimal::Decimal::from(1_000_000i64),
        tuteo: false,
    }
}

#[test]
fn stored_paid_sums_stay_exact_through_every_way_payments_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    for (kind, text) in [
        (Kind::Clients, CLIENTS),
        (Kind::Invoices, INVOICES),
        (Kind::Payments, PAYMENTS),
    ] {
        import_bytes(
            &mut store,
            kind,
            "x.csv",
            text.as_bytes(),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
    }
    assert_stored_sums_exact(&store, "import");
    let paid = |store: &Store, n: &str| store::invoices::require(store.conn(), n).unwrap();
    assert_eq!(paid(&store, "F2026-103").paid.to_string(), "100.43");
    assert_eq!(paid(&store, "F2026-103").paid.0.to_string(), "100.4333");
    assert_eq!(paid(&store, "F2026-104").status, InvoiceStatus::Paid);
    // The same file again adds nothing.
    import_bytes(
        &mut store,
        Kind::Payments,
        "x.csv",
        PAYMENTS.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_stored_sums_exact(&store, "import again");
    assert_eq!(paid(&store, "F2026-103").paid.0.to_string(), "100.4333");

    // A bank statement: matched credits become payments; one credit waits for review and is
    // settled by hand over two invoices.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    bank::import_file(&mut store, &fixtures.join("statement.n43"), false, now()).unwrap();
    assert_stored_sums_exact(&store, "bank statement");
    let review = store::bank::list(store.conn(), Some("review")).unwrap();
    let first = review.first().expect("a credit to review");
    let settled = bank::settle(
        &mut store,
        first.id,
        &Settle::Invoices(vec![
            "F2026-105".into(),
            "F2026-107".into(),
            "F2026-103".into(),
        ]),
        now(),
    )
    .unwrap();
    assert!(!settled.is_empty());
    assert_stored_sums_exact(&store, "bank settlement");

    // `invoice pay`: a payment, then one that leaves the offered discount, which settles.
    let pay = |store: &mut Store, number: &str, amount: &str, key: &str| {
        let input = store::invoices::PaymentInput {
            invoice_number: number.into(),
            paid_on: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            amount: Money(amount.parse().unwrap()),
            reference: None,
            kind: PaymentKind::Payment,
            source: cobrador::domain::Actor::Cli,
            import_key: Some(key.into()),
        };
        store
            .transaction(|tx| store::invoices::add_payment(tx, &input, now()))
            .unwrap()
    };
    assert!(pay(&mut store, "F2026-108", "30.005", "k1"));
    assert!(!pay(&mut store, "F2026-108", "30.005", "k1"));
    assert_stored_sums_exact(&store, "invoice pay");
    assert_eq!(paid(&store, "F2026-108").balance.0.to_string(), "49.995");

    // A payment the bank returned (a negative row in the payments file), then one more return
    // and a payment that makes them good.
    let returns = "factura;fecha;importe;referencia\n\
                   F2026-104;2026-11-21;-2.456,75;DEV-1\n\
                   F2026-106;2026-11-21;-20,00;DEV-2\n";
    import_bytes(
        &mut store,
        Kind::Payments,
        "returns.csv",
        returns.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_stored_sums_exact(&store, "returned payments");
    let f104 = paid(&store, "F2026-104");
    assert_eq!(f104.status, InvoiceStatus::Open);
    assert_eq!(
        f104.returned.as_ref().unwrap().amount.to_string(),
        "2456.75"
    );
    assert!(pay(&mut store, "F2026-104", "2456.75", "k2"));
    assert_stored_sums_exact(&store, "returned payment paid again");
    assert_eq!(paid(&store, "F2026-104").status, InvoiceStatus::Paid);
    assert!(paid(&store, "F2026-104").returned.is_none());

    // A payment edited, moved to another invoice, and deleted: the sums follow.
    let conn = store.conn();
    conn.execute(
        "UPDATE payments SET amount = '99.90', paid_on = '2026-10-01' WHERE reference = 'TR-1'",
        [],
    )
    .unwrap();
    assert_stored_sums_exact(&store, "edited payment");
    conn.execute(
        "UPDATE payments SET invoice_number = 'F2026-101' WHERE reference = 'TR-2'",
        [],
    )
    .unwrap();
    assert_stored_sums_exact(&store, "moved payment");
    conn.execute("DELETE FROM payments WHERE reference = 'TR-1'", [])
        .unwrap();
    assert_stored_sums_exact(&store, "deleted payment");
    conn.execute("DELETE FROM payments WHERE import_key = 'k2'", [])
        .unwrap();
    assert_stored_sums_exact(&store, "a payment after a return deleted");
    assert!(paid(&store, "F2026-104").returned.is_some());
    conn.execute(
        "UPDATE payments SET paid_on = '2026-11-20' WHERE reference = 'DEV-2'",
        [],
    )
    .unwrap();
    assert_stored_sums_exact(&store, "a return edited");
    conn.execute("DELETE FROM payments", []).unwrap();
    assert_stored_sums_exact(&store, "every payment deleted");
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM invoices
             WHERE paid <> '0' OR last_paid_on IS NOT NULL OR returned_on IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn the_migration_back_fills_the_sums_of_an_older_database() {
    // The example files imported, then the stored sums wiped as a database from before the
    // migration would have them; re-running the migration's back-fill gives the exact sums.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
        (Kind::Payments, "pagos.csv"),
    ] {
        import_file(
            &mut store,
            kind,
            &root.join(file),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
    }
    let migration = include_str!("../src/store/schema_paid_sum.sql");
    let back_fill = migration
        .split(';')
        .find(|s| s.trim_start().starts_with("UPDATE invoices"))
        .unwrap();
    let conn = store.conn();
    conn.execute_batch("UPDATE invoices SET paid = '0', last_paid_on = NULL")
        .unwrap();
    let wrong: i64 = conn
        .query_row("SELECT count(*) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert!(wrong > 0);
    conn.execute_batch(back_fill).unwrap();
    assert_stored_sums_exact(&store, "back-fill");
}
