//! Bulk paths of an import. The first invoices import into an empty table takes one (no read before each
//! insert, the `invoice.created` events written by one statement, SQLite's foreign-key probe
//! left to the importer's own check): it must write exactly what the row-by-row path writes,
//! and keep all-or-nothing, refusals and idempotency. A large payments file sets the
//! invoices' indexes aside too, and brings them back whether it commits or is refused.

use std::path::{Path, PathBuf};

mod support;

use chrono::{DateTime, Utc};
use cobrador::domain::InvoiceStatus;
use cobrador::import::{ImportError, Kind, import_file};
use cobrador::store::Store;
use support::{World, import_defaults as defaults, utc, world};

fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn clients(store: &mut Store) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let file = root.join("clientes.csv");
    import_file(store, Kind::Clients, &file, &defaults(), false, now()).unwrap();
}

/// `rows` invoices with amounts of every shape (thousands, no decimals, one decimal, cents),
/// optional descriptions, PDFs and currencies, for the example clients C001..C004.
fn invoices_file(
    dir: &Path,
    name: &str,
    rows: usize,
    edit: impl Fn(usize, String) -> String,
) -> PathBuf {
    let mut text = String::from("numero;cliente;fecha;vencimiento;importe;moneda;concepto;pdf\n");
    for i in 1..=rows {
        let amount = match i % 5 {
            0 => format!("{}.{:03},{:02}", 1 + i % 90, i % 1000, i % 100),
            1 => format!("{}", 1 + i % 700),
            2 => format!("{},5", i % 300 + 1),
            3 => format!("0,{:02}", 1 + i % 99),
            _ => format!("{}.{:02}", 10 + i % 5000, i % 100),
        };
        let currency = ["EUR", "", "MXN", "eur"][i % 4];
        let description = if i % 3 == 0 {
            ""
        } else {
            "Servicios \"mensuales\""
        };
        let pdf = if i % 7 == 0 {
            format!("pdf/G{i}.pdf")
        } else {
            String::new()
        };
        let line = format!(
            "G{i:07};C00{};{:02}/10/2026;{:02}/12/2026;{amount};{currency};{description};{pdf}\n",
            1 + i % 4,
            1 + i % 28,
            1 + i % 28,
        );
        text.push_str(&edit(i, line));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Rows of a query, each as one string (columns joined by `|`).
fn rows(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(format!("{v:?}"))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A store with the example clients and one invoice: an invoices import into it goes row by row.
fn seeded() -> (tempfile::TempDir, Store) {
    let World { dir, mut store, .. } = world().build();
    clients(&mut store);
    let seed = dir.path().join("seed.csv");
    std::fs::write(
        &seed,
        "numero;cliente;fecha;vencimiento;importe\nZ1;C001;01/10/2026;01/11/2026;10\n",
    )
    .unwrap();
    import_file(&mut store, Kind::Invoices, &seed, &defaults(), false, now()).unwrap();
    (dir, store)
}

const INVOICES: &str = "SELECT * FROM invoices WHERE number LIKE 'G%' ORDER BY rowid";
const EVENTS: &str = "SELECT at, actor, kind, client_id, invoice_number, detail FROM events
    WHERE invoice_number LIKE 'G%' ORDER BY id";
const LAST_EVENT: &str = "SELECT kind, detail ->> '$.kind', detail ->> '$.summary.created',
    detail ->> '$.summary.unchanged' FROM events
    ORDER BY id DESC LIMIT 1";
const INDEXES: &str = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";

fn import_error(e: anyhow::Error) -> ImportError {
    e.downcast::<ImportError>().expect("an ImportError")
}

#[test]
fn a_first_import_writes_what_the_row_by_row_path_writes() {
    let World { dir, mut store, .. } = world().build();
    clients(&mut store);
    let rows_in_file = 3_000;
    let path = invoices_file(dir.path(), "g.csv", rows_in_file, |_, l| l);
    let s = import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.rows, s.created), (rows_in_file, rows_in_file));

    // The same file into a table that already holds an invoice: every row is read first.
    let (_other_dir, mut other) = seeded();
    let s2 = import_file(&mut other, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    assert_eq!(s2, s);

    let invoices = rows(&store, INVOICES);
    assert_eq!(invoices.len(), rows_in_file);
    assert_eq!(invoices, rows(&other, INVOICES));
    let events = rows(&store, EVENTS);
    assert_eq!(events.len(), rows_in_file, "one per invoice");
    assert_eq!(rows(&store, LAST_EVENT), rows(&other, LAST_EVENT));
    assert_eq!(events, rows(&other, EVENTS));
    assert!(
        events[0].contains(r#"{\"amount\":\"2\",\"due_date\":\"2026-12-02\"}"#),
        "{}",
        events[0]
    );
    assert_eq!(rows(&store, INDEXES), rows(&other, INDEXES));
    let open_by_client = |s: &Store| {
        rows(
            s,
            "SELECT number FROM invoices INDEXED BY invoices_open_client
                 WHERE status IN ('open', 'disputed', 'on_hold') AND number LIKE 'G%'
                 ORDER BY client_id, due_date, number",
        )
    };
    assert_eq!(open_by_client(&store).len(), rows_in_file);
    assert_eq!(open_by_client(&store), open_by_client(&other));

    // Again: the table is no longer empty, every row is compared and nothing changes.
    let s = import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, rows_in_file));
    assert_eq!(rows(&store, INVOICES), invoices);
    assert_eq!(rows(&store, EVENTS), events, "no invoice event");
    let last = rows(&store, LAST_EVENT);
    let expected =
        format!("Text(\"import.file\")|Text(\"invoices\")|Integer(0)|Integer({rows_in_file})");
    assert_eq!(last, vec![expected]);
}

#[test]
fn a_refused_first_import_leaves_the_empty_table_and_its_indexes() {
    let World { dir, mut store, .. } = world().build();
    clients(&mut store);
    let events_before = rows(&store, "SELECT * FROM events ORDER BY id");
    let indexes_before = rows(&store, INDEXES);
    // Past 100,000 rows the indexes are set aside; a duplicate near the end refuses the file.
    let total = 110_000;
    let path = invoices_file(dir.path(), "dup.csv", total, |i, l| {
        if i == 105_000 {
            l.replacen("G0105000", "G0000009", 1)
        } else {
            l
        }
    });
    let e = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert!(
        e.errors[0].ends_with(
            "\"G0000009\" appears twice in this file, on lines 10 and 105001: keep one row"
        ),
        "{}",
        e.errors[0]
    );
    assert!(rows(&store, "SELECT number FROM invoices").is_empty());
    assert_eq!(
        rows(&store, "SELECT * FROM events ORDER BY id"),
        events_before
    );
    assert_eq!(rows(&store, INDEXES), indexes_before);

    // A client that does not exist is still refused (the importer's check, not SQLite's).
    let path = invoices_file(dir.path(), "ghost.csv", 20, |i, l| {
        if i == 17 {
            l.replacen(";C002;", ";C999;", 1)
        } else {
            l
        }
    });
    let e = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    assert_eq!(e.errors.len(), 1, "{:?}", e.errors);
    assert!(
        e.errors[0].contains(":18: client \"C999\" does not exist"),
        "{}",
        e.errors[0]
    );
    assert!(rows(&store, "SELECT number FROM invoices").is_empty());
    assert_eq!(
        rows(&store, "PRAGMA foreign_keys"),
        vec!["Integer(1)".to_owned()],
        "restored after a refused import"
    );

    // A dry run of a good file writes nothing either.
    let path = invoices_file(dir.path(), "good.csv", 50, |_, l| l);
    let s = import_file(&mut store, Kind::Invoices, &path, &defaults(), true, now()).unwrap();
    assert_eq!(s.created, 50);
    assert!(rows(&store, "SELECT number FROM invoices").is_empty());
    assert_eq!(
        rows(&store, "SELECT * FROM events ORDER BY id"),
        events_before
    );
    let foreign_keys = rows(&store, "PRAGMA foreign_keys");
    assert_eq!(
        foreign_keys,
        vec!["Integer(1)".to_owned()],
        "restored after the import"
    );
}

#[test]
fn a_first_import_refuses_what_the_row_by_row_path_refuses_and_writes_nothing() {
    // The first import reads on one thread and writes on another: rows well past the first
    // batches are refused, in the middle of the file, after many rows were written.
    let World { dir, mut store, .. } = world().build();
    clients(&mut store);
    let events_before = rows(&store, "SELECT * FROM events ORDER BY id");
    let indexes_before = rows(&store, INDEXES);
    let path = invoices_file(dir.path(), "bad.csv", 30_000, |i, l| match i {
        12_345 => l.replacen("/10/2026", "/13/2026", 1),
        // An unknown client and a wrong date: the client is what is reported.
        15_000 => l
            .replacen(";C001;", ";C999;", 1)
            .replacen("/10/2026", "/13/2026", 1),
        // The number of a refused row, again.
        20_000 => l.replacen("G0020000", "G0012345", 1),
        25_000 => "G0025000;C001;01/10/2026;01/12/2026;-5;EUR;;\n".to_owned(),
        _ => l,
    });
    let fresh = import_error(
        import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    let expected = [
        ":12346: issue_date: \"26/13/2026\" is not a date",
        ":15001: client \"C999\" does not exist",
        ":20001: \"G0012345\" appears twice in this file, on lines 12346 and 20001",
        ":25001: amount must be positive",
    ];
    assert_eq!(fresh.errors.len(), expected.len(), "{:?}", fresh.errors);
    for (error, part) in fresh.errors.iter().zip(expected) {
        assert!(error.contains(part), "{error} should contain {part}");
    }
    assert!(rows(&store, "SELECT number FROM invoices").is_empty());
    assert_eq!(
        rows(&store, "SELECT * FROM events ORDER BY id"),
        events_before
    );
    assert_eq!(rows(&store, INDEXES), indexes_before);

    // Row by row (a table that holds an invoice), the same file is refused in the same words.
    let (_other_dir, mut other) = seeded();
    let by_row = import_error(
        import_file(&mut other, Kind::Invoices, &path, &defaults(), false, now()).unwrap_err(),
    );
    assert_eq!(fresh.errors, by_row.errors);
}

#[test]
fn a_payments_file_past_the_threshold_sets_the_invoices_indexes_aside_and_restores_them() {
    let World { dir, mut store, .. } = world().build();
    clients(&mut store);
    let path = invoices_file(dir.path(), "g.csv", 60_000, |_, l| l);
    import_file(&mut store, Kind::Invoices, &path, &defaults(), false, now()).unwrap();
    let indexes_before = rows(&store, INDEXES);
    let mut csv = String::from("factura;fecha_pago;importe_pagado\n");
    for i in 1..=55_000 {
        csv.push_str(&format!(
            "G{i:07};05/11/2026;1,00\nG{i:07};06/11/2026;2,00\n"
        ));
    }
    let good = format!("{csv}G0000007;07/11/2026;5,50\n");
    let bad = format!("{csv}G9999999;07/11/2026;1,00\n");
    let (good_path, bad_path) = (dir.path().join("good.csv"), dir.path().join("bad.csv"));
    std::fs::write(&good_path, good).unwrap();
    std::fs::write(&bad_path, bad).unwrap();
    let events = rows(&store, "SELECT id FROM events").len();
    let e = import_error(
        import_file(
            &mut store,
            Kind::Payments,
            &bad_path,
            &defaults(),
            false,
            now(),
        )
        .unwrap_err(),
    );
    assert!(e.errors[0].contains("G9999999"), "{:?}", e.errors);
    assert_eq!(
        (
            rows(&store, "SELECT id FROM events").len(),
            rows(&store, INDEXES)
        ),
        (events, indexes_before.clone())
    );
    let s = import_file(
        &mut store,
        Kind::Payments,
        &good_path,
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_eq!(s.created, 110_001);
    assert_eq!(
        rows(&store, INDEXES),
        indexes_before,
        "built again before the commit"
    );
    let g7 = cobrador::store::invoices::require(store.conn(), "G0000007").unwrap();
    assert_eq!(g7.status, InvoiceStatus::Paid);
    let open_by_index = rows(
        &store,
        "SELECT number FROM invoices INDEXED BY invoices_open_due
         WHERE status IN ('open', 'disputed', 'on_hold') ORDER BY number",
    );
    let open = rows(
        &store,
        "SELECT number FROM invoices WHERE status = 'open' ORDER BY number",
    );
    assert_eq!(open_by_index.len(), open.len());
    assert!(
        open_by_index == open,
        "the rebuilt index lists the open invoices"
    );
    assert!(open.len() > 40_000, "{}", open.len());
}
