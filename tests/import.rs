//! CSV import against a real SQLite file: formats, all-or-nothing, idempotency, balances.

use std::path::{Path, PathBuf};

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

/// A payment dated weeks ahead is a typo (a walker's row settled an invoice 40 days early):
/// the file is refused naming the line and the fix; a bank's value date a few days ahead
/// is taken.
#[test]
fn a_payment_dated_weeks_ahead_is_refused() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    examples(&mut store);
    let csv = "factura;fecha;importe\nF2026-118;02/01/2027;100\n";
    let err = import_bytes(
        &mut store,
        Kind::Payments,
        "p.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    let err = format!("{err:#}");
    assert!(
        err.contains("p.csv:2:") && err.contains("2027-01-02") && err.contains("correct the date"),
        "{err}"
    );
    let csv = "factura;fecha;importe\nF2026-118;25/11/2026;100\n";
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
}

/// A generated invoices file of `rows` rows for the example clients, written to `dir`; data
/// row `i` (1-based) is on line `i + 1` and `edit` may change it (as bytes).
fn large_invoices(dir: &Path, rows: usize, edit: impl Fn(usize, Vec<u8>) -> Vec<u8>) -> PathBuf {
    let mut bytes = b"numero;cliente;fecha;vencimiento;importe;concepto\n".to_vec();
    for i in 1..=rows {
        let line = format!(
            "G{i:07};C00{};01/11/2026;01/12/2026;{},{:02};Servicios\n",
            1 + i % 4,
            100 + i % 900,
            i % 100
        );
        bytes.extend(edit(i, line.into_bytes()));
    }
    let path = dir.join("large.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The secondary indexes of invoices and events, by name.
fn indexes(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('invoices', 'events') ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn count_where(store: &Store, table: &str, condition: &str) -> i64 {
    store
        .conn()
        .query_row(
            &format!("SELECT count(*) FROM {table} WHERE {condition}"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn import_error(e: anyhow::Error) -> cobrador::import::ImportError {
    e.downcast::<cobrador::import::ImportError>()
        .expect("an ImportError")
}

#[test]
fn a_duplicate_near_the_end_of_a_large_file_refuses_everything() {
    let World { dir, mut store, .. } = world().build();
    examples(&mut store);
    let before = (count(&store, "invoices"), count(&store, "events"));
    let indexes_before = indexes(&store);
    assert!(
        indexes_before.iter().any(|i| i == "invoices_client_due"),
        "{indexes_before:?}"
    );
    let rows = 120_000;
    let path = large_invoices(dir.path(), rows, |i, line| {
        if i == 110_000 {
            String::from_utf8(line)
                .unwrap()
                .replacen("G0110000", "G0000005", 1)
                .into_bytes()
        } else {
            line
        }
    });
    let e = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    let at = format!("{}:110001:", path.display());
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert!(e.errors[0].starts_with(&at), "{}", e.errors[0]);
    assert!(
        e.errors[0].contains("\"G0000005\" appears twice in this file, on lines 6 and 110001"),
        "{}",
        e.errors[0]
    );
    let after = (count(&store, "invoices"), count(&store, "events"));
    assert_eq!(
        after, before,
        "110,000 rows were read and written, then rolled back"
    );
    // Past 100,000 rows the indexes were set aside; the rollback brought them back.
    let indexes = indexes(&store);
    assert_eq!(indexes, indexes_before);

    // The same file without the duplicate imports whole, and again changes nothing.
    let path = large_invoices(dir.path(), rows, |_, line| line);
    let s = import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.rows, s.created, s.unchanged), (rows, rows, 0));
    assert_eq!(
        self::indexes(&store),
        indexes,
        "built again before the commit"
    );
    let by_client: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM invoices INDEXED BY invoices_client_due WHERE client_id = 'C002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        by_client,
        count_where(&store, "invoices", "client_id = 'C002'")
    );
    assert_eq!(count(&store, "invoices"), before.0 + rows as i64);
    let events = count(&store, "events");
    assert_eq!(
        events,
        before.1 + rows as i64 + 1,
        "one event per invoice and the file's"
    );
    let s = import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, rows));
    assert_eq!(count(&store, "events"), events + 1, "only the file's event");
    let last = store::invoices::require(store.conn(), "G0120000").unwrap();
    assert_eq!(last.client_id, "C001");
    assert_eq!(last.amount.to_string(), "400.00");
}

#[test]
fn a_large_payments_file_is_counted_row_by_row_and_reimports_as_a_no_op() {
    let World { dir, mut store, .. } = world().build();
    examples(&mut store);
    let invoices = 5_000;
    let path = large_invoices(dir.path(), invoices, |_, line| line);
    import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    // Every row twice: two identical rows are two payments; G0000007 is paid in full.
    let mut csv = String::from("factura;fecha_pago;importe_pagado;referencia\n");
    for i in 1..=invoices {
        let row = format!("G{i:07};05/11/2026;1,00;\n");
        csv.push_str(&row);
        csv.push_str(&row);
    }
    csv.push_str("G0000007;06/11/2026;105,07;TRF-7\n");
    let path = dir.path().join("payments.csv");
    std::fs::write(&path, &csv).unwrap();
    let s = import_file(&mut store, Kind::Payments, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.rows, s.created), (2 * invoices + 1, 2 * invoices + 1));
    let g7 = store::invoices::require(store.conn(), "G0000007").unwrap();
    assert_eq!(
        (g7.status, g7.balance.to_string()),
        (InvoiceStatus::Paid, "0.00".into())
    );
    let g8 = store::invoices::require(store.conn(), "G0000008").unwrap();
    assert_eq!(
        (g8.status, g8.balance.to_string()),
        (InvoiceStatus::Open, "106.08".into())
    );
    let events = count(&store, "events");
    let s = import_file(&mut store, Kind::Payments, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.created, s.unchanged), (0, 2 * invoices + 1));
    assert_eq!(count(&store, "events"), events + 1);
}

#[test]
fn a_foreign_byte_on_the_last_line_of_a_large_file_refuses_it_whole() {
    let World { dir, mut store, .. } = world().build();
    examples(&mut store);
    let before = (count(&store, "invoices"), count(&store, "events"));
    let rows = 30_000;
    let path = large_invoices(dir.path(), rows, |i, line| {
        let line = String::from_utf8(line).unwrap();
        match i {
            10 => line.replace("Servicios", "Diseño").into_bytes(),
            30_000 => {
                let mut bytes = line.replace("Servicios", "Dise").into_bytes();
                bytes.splice(bytes.len() - 1..bytes.len() - 1, *b"\xf1o");
                bytes
            }
            _ => line.into_bytes(),
        }
    });
    let e = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert!(
        e.errors[0].contains(
            ":11: the file mixes two encodings (UTF-8 on line 11, something else on line 30001)"
        ),
        "{}",
        e.errors[0]
    );
    assert_eq!((count(&store, "invoices"), count(&store, "events")), before);
}

#[test]
fn a_file_wrong_on_every_row_lists_the_first_hundred_problems_and_counts_the_rest() {
    let World { dir, mut store, .. } = world().build();
    examples(&mut store);
    let path = large_invoices(dir.path(), 250, |_, line| {
        String::from_utf8(line)
            .unwrap()
            .replace("01/12/2026", "31/12/20x6")
            .into_bytes()
    });
    let e = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    assert_eq!(e.errors.len(), cobrador::import::MOST_PROBLEMS_LISTED + 1);
    assert!(
        e.errors[0].contains("large.csv:2: due_date: \"31/12/20x6\""),
        "{}",
        e.errors[0]
    );
    assert!(
        e.errors[99].contains("large.csv:101: due_date"),
        "{}",
        e.errors[99]
    );
    assert!(
        e.errors[100].contains("and 150 more problems"),
        "{}",
        e.errors[100]
    );
}

#[test]
fn progress_is_reported_on_stderr_only_when_asked_for_or_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    support::cobrador_ok(dir.path(), &["init"]);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let clients = examples.join("clientes.csv");
    support::cobrador_ok(
        dir.path(),
        &["import", "clients", clients.to_str().unwrap()],
    );
    let path = large_invoices(dir.path(), 100_000, |_, line| line);
    let file = path.to_str().unwrap();
    // stderr is a pipe here, not a terminal: nothing unless asked.
    let quiet = support::run_cobrador(dir.path(), &["import", "invoices", file, "--dry-run"], &[]);
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let out = support::run_cobrador(dir.path(), &["import", "invoices", file, "--progress"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{file}: 100000 rows read (100 % of the file)")),
        "{stderr}"
    );
    assert!(
        stderr.contains("rows read; writing the database"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

/// `business.form-of-address = "tú"`: a client imported without a `trato` is written to with
/// tú; a row's own `trato` wins, a stored client keeps its form when the file has no such
/// column, and the import names the clients left on usted.
#[test]
fn the_business_form_of_address_applies_to_clients_imported_without_a_trato() {
    let dir = tempfile::tempdir().unwrap();
    support::cobrador_ok(dir.path(), &["init"]);
    let toml = dir.path().join("cobrador.toml");
    let config = std::fs::read_to_string(&toml).unwrap();
    let config = config.replace("# form-of-address = \"tú\"", "form-of-address = \"tú\"");
    assert!(config.contains("\nform-of-address = \"tú\""));
    std::fs::write(&toml, config).unwrap();
    let old = dir.path().join("old.csv");
    std::fs::write(&old, "codigo;nombre;pais;trato\nV1;Viejo;ES;usted\n").unwrap();
    support::cobrador_ok(dir.path(), &["import", "clients", old.to_str().unwrap()]);
    let file = dir.path().join("clientes.csv");
    std::fs::write(
        &file,
        "codigo;nombre;pais;trato\nT1;Uno;ES;\nT2;Dos;MX;usted\nT3;Tres;MX;tú\n",
    )
    .unwrap();
    support::cobrador_ok(dir.path(), &["import", "clients", file.to_str().unwrap()]);
    let bare = dir.path().join("sin-trato.csv");
    std::fs::write(
        &bare,
        "codigo;nombre;pais\nT4;Cuatro;CO\nV1;Viejo Renombrado;ES\n",
    )
    .unwrap();
    let out = support::cobrador_ok(dir.path(), &["import", "clients", bare.to_str().unwrap()]);
    assert!(
        out.contains("note: 2 clients are written to with usted (T2, V1)"),
        "{out}"
    );
    for (id, form) in [
        ("T1", "tú"),
        ("T2", "usted"),
        ("T3", "tú"),
        ("T4", "tú"),
        ("V1", "usted"),
    ] {
        let show = support::cobrador_ok(dir.path(), &["client", "show", id]);
        let line = show.lines().nth(1).unwrap_or_default();
        assert!(line.ends_with(&format!("· {form}")), "{id}: {show}");
    }
    // A misspelt form is refused by name.
    let config = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        config.replace("form-of-address = \"tú\"", "form-of-address = \"vos\""),
    )
    .unwrap();
    let out = support::run_cobrador(dir.path(), &["status"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("form-of-address") && stderr.contains("usted"),
        "{stderr}"
    );
}

/// `client show` marks an address that bounced for good (an outside tester: the contact was
/// listed like any good one, in the text and in `--json`).
#[test]
fn client_show_marks_an_address_that_bounced_for_good() {
    let dir = tempfile::tempdir().unwrap();
    support::cobrador_ok(dir.path(), &["init"]);
    let file = dir.path().join("clientes.csv");
    std::fs::write(
        &file,
        "codigo;nombre;email;email_finanzas\nC1;Uno;pagos@uno.example;fin@uno.example\n",
    )
    .unwrap();
    support::cobrador_ok(dir.path(), &["import", "clients", file.to_str().unwrap()]);
    let db = rusqlite::Connection::open(dir.path().join("cobrador.db")).unwrap();
    db.execute(
        "UPDATE contacts SET email_undeliverable_at = '2026-12-01T10:00:00Z' WHERE email = 'pagos@uno.example'",
        [],
    )
    .unwrap();
    let show = support::cobrador_ok(dir.path(), &["client", "show", "C1"]);
    let line = |address: &str| {
        show.lines()
            .find(|l| l.contains(address))
            .unwrap()
            .to_owned()
    };
    assert!(
        line("pagos@uno.example").contains("address bounced"),
        "{show}"
    );
    assert!(!line("fin@uno.example").contains("bounced"), "{show}");
    let json = support::cobrador_ok(dir.path(), &["client", "show", "C1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["undeliverable_contacts"].as_array().unwrap().len(),
        1,
        "{json}"
    );
}

/// walk26: a new invoice of a client handed over to a person (its hand-over still covers an
/// open invoice) gets no overdue reminder from cobrador, and the import says so, as it does for
/// a client who opted out; a client whose hand-over is all paid is not named.
#[test]
fn a_new_invoice_of_a_handed_over_client_is_named_at_import() {
    let mut w = world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-1;C1;01/06/2026;01/07/2026;500\n\
             F-2;C2;01/06/2026;01/07/2026;700\n",
        )
        .build();
    for (client, invoice) in [("C1", "F-1"), ("C2", "F-2")] {
        let mut handover = support::reminder(client, &format!("{client}|handover|{invoice}"), &[]);
        handover.stage = "handover".into();
        handover.cycle = invoice.into();
        handover.invoices = vec![(invoice.into(), true)];
        let id = store::outbox::insert_if_new(w.store.conn(), &handover, utc("2026-10-01 10:00"))
            .unwrap()
            .unwrap();
        store::outbox::mark_sending(w.store.conn(), id).unwrap();
        store::outbox::mark_sent(w.store.conn(), id, utc("2026-10-01 10:00"), None).unwrap();
    }
    support::pay(&mut w.store, "F-2", "2026-10-15", "700");
    let at = utc("2026-11-25 09:00");
    import_bytes(
        &mut w.store,
        Kind::Invoices,
        "nuevas.csv",
        "numero;cliente;fecha;vencimiento;importe\n\
         F-3;C1;20/11/2026;20/12/2026;300\n\
         F-4;C2;20/11/2026;20/12/2026;400\n"
            .as_bytes(),
        &defaults(),
        false,
        at,
    )
    .unwrap();
    let named = store::clients::handed_over_new(w.store.conn(), at).unwrap();
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(
        (named[0].client_id.as_str(), named[0].invoices.as_slice()),
        ("C1", ["F-3".to_owned()].as_slice())
    );
}

/// walk26: an invoice paid twice (two references) is counted twice, and the import that made it
/// overpaid names it with the sum in the client's favour; the owner had no word of it.
#[test]
fn an_invoice_paid_twice_is_named_with_what_is_in_the_clients_favour() {
    let mut w = world()
        .clients(support::TWO_CLIENTS)
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\n\
             F-1;C1;01/06/2026;01/07/2026;500\n\
             F-2;C2;01/06/2026;01/07/2026;700\n",
        )
        .build();
    let first = utc("2026-11-24 09:00");
    let second = utc("2026-11-25 09:00");
    for (at, reference, amount) in [(first, "OP 1", "500"), (second, "OP 2", "500")] {
        import_bytes(
            &mut w.store,
            Kind::Payments,
            "pagos.csv",
            format!("factura;fecha;importe;referencia\nF-1;{};{amount};{reference}\nF-2;{};100;OP {reference}\n", at.date_naive(), at.date_naive())
                .as_bytes(),
            &defaults(),
            false,
            at,
        )
        .unwrap();
        // Once paid, not overpaid; twice, overpaid.
        let over = store::invoices::overpaid_by(w.store.conn(), at).unwrap();
        assert_eq!(over.len(), usize::from(at == second), "{over:?}");
    }
    let over = store::invoices::overpaid_by(w.store.conn(), second).unwrap();
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0].0.number, "F-1");
    assert_eq!(over[0].1.0.to_string(), "500");
}

#[test]
fn a_spanish_region_is_read_by_its_name_and_an_unknown_one_is_refused() {
    let mut w = world().build();
    let csv = "id;name;email;region\n\
               C1;Uno;uno@cliente.example;Madrid\n\
               C2;Dos;dos@cliente.example;Cataluña\n\
               C3;Tres;tres@cliente.example;Las Palmas\n\
               C4;Cuatro;cuatro@cliente.example;es-pv\n";
    import_bytes(
        &mut w.store,
        Kind::Clients,
        "c.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    let regions: Vec<String> = w
        .store
        .conn()
        .prepare("SELECT region FROM clients ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(regions, ["MD", "CT", "CN", "PV"]);
    // A region the holiday calendar does not know would have stopped every client's plan.
    let bad = "id;name;email;region\nC5;Cinco;cinco@cliente.example;Springfield\n";
    let err = import_bytes(
        &mut w.store,
        Kind::Clients,
        "b.csv",
        bad.as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("b.csv:2:") && err.contains("unknown region") && err.contains("MD"),
        "{err}"
    );
    assert_eq!(count(&w.store, "clients"), 4);
}

#[test]
fn a_client_with_an_unknown_region_in_the_database_does_not_stop_the_plan() {
    let w = world()
        .clients(support::TWO_CLIENTS)
        .invoices(support::TWO_INVOICES)
        .build();
    w.store
        .conn()
        .execute(
            "UPDATE clients SET region = 'SPRINGFIELD' WHERE id = 'C1'",
            [],
        )
        .unwrap();
    let plan = cobrador::engine::plan_now(&w.store, &w.config, utc("2026-11-12 11:00")).unwrap();
    let clients: std::collections::BTreeSet<&str> =
        plan.messages.iter().map(|m| m.client.as_str()).collect();
    assert!(
        clients.contains("C1") && clients.contains("C2"),
        "{clients:?} {:?}",
        plan.errors
    );
}

/// A clients file's `horario` column: the hours each client is written to within (`client
/// hours`), kept inside the law; hours the law never allows refuse the file, naming the row and
/// the legal hours; an empty cell keeps what is stored, the same hours again change nothing.
#[test]
fn a_clients_file_sets_their_own_hours() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let import = |store: &mut Store, csv: &str| {
        import_bytes(
            store,
            Kind::Clients,
            "clientes.csv",
            csv.as_bytes(),
            &defaults(),
            false,
            now(),
        )
    };
    let csv = "id;nombre;pais;email;horario\n\
               C1;Uno;ES;uno@uno.example;16:00-19:00\n\
               C2;Dos;MX;dos@dos.example;20:00-23:30\n\
               C3;Tres;ES;tres@tres.example;\n";
    import(&mut store, csv).unwrap();
    let hours = |store: &Store, id: &str| {
        store::clients::own_hours(store.conn(), id)
            .unwrap()
            .map(|own| own.hours.to_string())
    };
    assert_eq!(hours(&store, "C1").as_deref(), Some("16:00-19:00"));
    // Mexico's law ends at 22:00.
    assert_eq!(hours(&store, "C2").as_deref(), Some("20:00-22:00"));
    assert_eq!(hours(&store, "C3"), None);
    // Each file logs its own `import.file`; the clients' events are the rest.
    let changes = |store: &Store| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM events WHERE kind != 'import.file'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = changes(&store);
    // The same hours again, and C1's cell left empty: nothing changes.
    let again = "id;nombre;pais;email;horario\n\
                 C1;Uno;ES;uno@uno.example;\n\
                 C2;Dos;MX;dos@dos.example;20:00-23:30\n";
    import(&mut store, again).unwrap();
    assert_eq!(changes(&store), before);
    assert_eq!(hours(&store, "C1").as_deref(), Some("16:00-19:00"));
    // Hours no one may write in, or not hours at all: the file is refused, line by line.
    let bad = "id;nombre;pais;email;horario\n\
               C1;Uno;ES;uno@uno.example;03:00-05:00\n\
               C2;Dos;MX;dos@dos.example;por la tarde\n";
    let err = import(&mut store, bad).unwrap_err().to_string();
    assert!(
        err.contains("clientes.csv:2:") && err.contains("(09:00-20:00)"),
        "{err}"
    );
    assert!(
        err.contains("clientes.csv:3:") && err.contains("HH:MM-HH:MM"),
        "{err}"
    );
    assert_eq!(hours(&store, "C1").as_deref(), Some("16:00-19:00"));
}
