//! CSV import against a real SQLite file: formats, all-or-nothing, idempotency, balances.

use std::path::Path;

mod support;

use chrono::{DateTime, Utc};
use cobrador::domain::InvoiceStatus;
use cobrador::import::{Kind, import_bytes, import_file};
use cobrador::store::{self, Store};
use support::{World, import_defaults as defaults, utc, world};

fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn examples(store: &mut Store) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
        (Kind::Payments, "pagos.csv"),
    ] {
        import_file(store, kind, &root.join(file), &defaults(), false, now()).unwrap();
    }
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn sample_files_import_with_bom_quotes_and_both_separators() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    examples(&mut store);
    assert_eq!(count(&store, "clients"), 4);
    let contacts = store::clients::for_client(store.conn(), "C002").unwrap();
    assert_eq!(
        contacts.len(),
        2,
        "a quoted field with two addresses gives two billing contacts"
    );
    let ebro = store::clients::for_client(store.conn(), "C001").unwrap();
    assert_eq!(ebro[1].email.as_deref(), Some("finanzas@ebro.example"));
    let laura = store::clients::get(store.conn(), "C003").unwrap().unwrap();
    assert!(laura.tuteo);
    let mx = store::clients::get(store.conn(), "C004").unwrap().unwrap();
    assert_eq!(mx.time_zone, chrono_tz::America::Mexico_City);
    let f101 = store::invoices::require(store.conn(), "F2026-101").unwrap();
    assert_eq!(f101.amount.to_string(), "12450.00");
    assert_eq!(f101.balance.to_string(), "8450.00");
    assert_eq!(f101.status, InvoiceStatus::Open);
    let f120 = store::invoices::require(store.conn(), "F2026-120").unwrap();
    assert_eq!(f120.status, InvoiceStatus::Paid);
}

#[test]
fn reimport_is_a_no_op_and_an_updated_row_updates() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    examples(&mut store);
    let events = count(&store, "events");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
        (Kind::Payments, "pagos.csv"),
    ] {
        let s = import_file(
            &mut store,
            kind,
            &root.join(file),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        assert_eq!((s.created, s.updated), (0, 0), "{file}: {s:?}");
        assert_eq!(s.unchanged, s.rows);
    }
    assert_eq!(count(&store, "payments"), 2, "payments are not doubled");
    // Only the three per-file import events were added, no per-row changes.
    assert_eq!(count(&store, "events"), events + 3);
    let csv =
        "numero,cliente,fecha,vencimiento,importe\nF2026-118,C001,15/10/2026,30/11/2026,3200.50\n";
    let s = import_bytes(
        &mut store,
        Kind::Invoices,
        "upd.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_eq!(s.updated, 1);
    let f = store::invoices::require(store.conn(), "F2026-118").unwrap();
    assert_eq!(f.due_date.to_string(), "2026-11-30");
}

#[test]
fn each_format_variant_reads_the_same() {
    let variants = [
        "id;name;country\nX1;Uno;ES\n",
        "id,name,country\r\nX1,Uno,ES\r\n",
        "\u{feff}id\tname\tcountry\nX1\tUno\tES\n",
        "\"id\";\"name\";\"country\"\n\"X1\";\"Uno\";\"ES\"\n",
    ];
    for v in variants {
        let World {
            dir: _d, mut store, ..
        } = world().build();
        import_bytes(
            &mut store,
            Kind::Clients,
            "v.csv",
            v.as_bytes(),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        let c = store::clients::get(store.conn(), "X1").unwrap().unwrap();
        assert_eq!(c.name, "Uno", "{v:?}");
    }
    let invoices = [
        ("1.234,56", "05/11/2026"),
        ("1234,56", "2026-11-05"),
        ("1,234.56", "5/11/2026"),
        ("1234.56", "05-11-2026"),
    ];
    for (amount, date) in invoices {
        let World {
            dir: _d, mut store, ..
        } = world().build();
        import_bytes(
            &mut store,
            Kind::Clients,
            "c.csv",
            b"id;name\nX1;Uno\n",
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        let csv =
            format!("numero;cliente;fecha;vencimiento;importe\nF1;X1;{date};{date};\"{amount}\"\n");
        import_bytes(
            &mut store,
            Kind::Invoices,
            "i.csv",
            csv.as_bytes(),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        let f = store::invoices::require(store.conn(), "F1").unwrap();
        assert_eq!(f.amount.to_string(), "1234.56", "{amount}");
        assert_eq!(f.due_date.to_string(), "2026-11-05", "{date}");
    }
}

#[test]
fn one_bad_row_rejects_the_whole_file_naming_the_line() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    examples(&mut store);
    let before = (count(&store, "invoices"), count(&store, "events"));
    let csv = "numero;cliente;fecha;vencimiento;importe\n\
               N1;C001;01/11/2026;01/12/2026;100,00\n\
               N2;C001;01/11/2026;31/13/2026;100,00\n\
               N3;NOPE;01/11/2026;01/12/2026;100,00\n\
               N4;C001;01/11/2026;01/12/2026;1.234\n";
    let err = import_bytes(
        &mut store,
        Kind::Invoices,
        "bad.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("bad.csv:3:") && err.contains("not a date"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:4:") && err.contains("import the clients file first"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:5:") && err.contains("ambiguous"),
        "{err}"
    );
    assert!(!err.contains("bad.csv:2:"), "{err}");
    assert_eq!(
        (count(&store, "invoices"), count(&store, "events")),
        before,
        "database untouched"
    );
}

#[test]
fn a_row_with_a_missing_field_separator_is_reported() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let csv = "id;name;country\nX1;Uno;ES\nX2;Dos\n";
    let err = import_bytes(
        &mut store,
        Kind::Clients,
        "c.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("c.csv:3:"), "{err}");
    assert_eq!(count(&store, "clients"), 0);
}

#[test]
fn dry_run_changes_nothing() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let s = import_file(
        &mut store,
        Kind::Clients,
        &root.join("clientes.csv"),
        &defaults(),
        true,
        now(),
    )
    .unwrap();
    assert_eq!(s.created, 4);
    assert_eq!(count(&store, "clients"), 0);
    assert_eq!(count(&store, "events"), 0);
}

#[test]
fn partial_payments_change_balance_and_status() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    examples(&mut store);
    let csv = "factura;fecha;importe\nF2026-118;21/11/2026;1.200,50\n";
    import_bytes(
        &mut store,
        Kind::Payments,
        "p.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    let f = store::invoices::require(store.conn(), "F2026-118").unwrap();
    assert_eq!(f.balance.to_string(), "2000.00");
    assert_eq!(f.status, InvoiceStatus::Open);
    let csv = "factura;fecha;importe\nF2026-118;22/11/2026;2.000,00\n";
    import_bytes(
        &mut store,
        Kind::Payments,
        "p2.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    let f = store::invoices::require(store.conn(), "F2026-118").unwrap();
    assert_eq!(f.balance.to_string(), "0.00");
    assert_eq!(f.status, InvoiceStatus::Paid);
    // Two identical rows in one file are two payments.
    let csv = "factura;fecha;importe\nF2026-101;22/11/2026;100\nF2026-101;22/11/2026;100\n";
    import_bytes(
        &mut store,
        Kind::Payments,
        "p3.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    let f = store::invoices::require(store.conn(), "F2026-101").unwrap();
    assert_eq!(f.balance.to_string(), "8250.00");
}
