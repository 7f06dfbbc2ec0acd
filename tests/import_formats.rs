//! Files as owners have them (tests/fixtures/import, built by scripts/gen-import-fixtures.py):
//! Excel's Windows-1252 CRLF CSV, XLSX and ODS workbooks, an invoicing program's export read
//! through a column map. Real SQLite file; every failure leaves the database as it was.

use std::path::{Path, PathBuf};

mod support;

use chrono::{DateTime, NaiveDate, Utc};
use cobrador::import::{
    ColumnMap, Defaults, ImportError, Kind, ReadOptions, import_bytes, import_file,
    import_file_with,
};
use cobrador::store::{self, Store};
use support::{World, import_defaults, utc, world};

/// A business whose invoices are at most 1.000.000 (a typo's extra zeros are caught).
fn defaults() -> Defaults {
    Defaults {
        max_amount: rust_decimal::Decimal::from(1_000_000i64),
        tuteo: false,
        ..import_defaults()
    }
}

fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn clients(store: &mut Store) {
    let s = import_file(
        store,
        Kind::Clients,
        &fixture("clients-excel.csv"),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_eq!((s.rows, s.created), (3, 3));
}

fn errors(e: anyhow::Error) -> Vec<String> {
    e.downcast::<ImportError>()
        .expect("an ImportError naming lines")
        .errors
}

#[test]
fn excel_windows_1252_csv_is_read_with_its_accents() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    clients(&mut store);
    let pena = store::clients::get(store.conn(), "C001").unwrap().unwrap();
    assert_eq!(pena.name, "Talleres Peña");
    assert_eq!(
        pena.legal_name.as_deref(),
        Some("Talleres Peña e Hijos S.L.")
    );
    assert_eq!(
        pena.notes.as_deref(),
        Some("Cliente desde 2019 — paga con transferencia")
    );
    let anon = store::clients::get(store.conn(), "C002").unwrap().unwrap();
    assert_eq!(
        anon.notes.as_deref(),
        Some("Pide el albarán; «urgente» si > 1.000 €")
    );
    let contacts = store::clients::for_client(store.conn(), "C003").unwrap();
    assert_eq!(contacts[0].name.as_deref(), Some("Iñaki Güemes"));
    // Nothing mis-decoded anywhere in the database.
    let mojibake: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM clients WHERE name LIKE '%Ã%' OR notes LIKE '%Ã%' OR notes LIKE '%â%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mojibake, 0);
    // The same file again changes nothing.
    let again = import_file(
        &mut store,
        Kind::Clients,
        &fixture("clients-excel.csv"),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_eq!((again.created, again.unchanged), (0, 3));
}

#[test]
fn crlf_csv_errors_name_the_line_an_editor_shows_and_roll_back() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    clients(&mut store);
    let e = import_file(
        &mut store,
        Kind::Invoices,
        &fixture("invoices-excel-bad.csv"),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    let errors = errors(e);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("invoices-excel-bad.csv:5: due_date: \"31/02/2026\""),
        "{errors:?}"
    );
    assert_eq!(count(&store, "invoices"), 0, "the good rows were not kept");
}

#[test]
fn xlsx_and_ods_import_the_same_invoices() {
    for file in ["invoices.xlsx", "invoices.ods"] {
        let World {
            dir: _d, mut store, ..
        } = world().build();
        clients(&mut store);
        let s = import_file(
            &mut store,
            Kind::Invoices,
            &fixture(file),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        assert_eq!((s.rows, s.created), (3, 3), "{file}");
        let f3 = store::invoices::require(store.conn(), "F2026-003").unwrap();
        assert_eq!(f3.client_id, "C003");
        assert_eq!(f3.amount.0.to_string(), "2456.75", "{file}");
        assert_eq!(
            f3.due_date,
            NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            "{file}"
        );
        assert_eq!(
            f3.description.as_deref(),
            Some("Portes y montaje en Añorbe")
        );
        let f1 = store::invoices::require(store.conn(), "F2026-001").unwrap();
        assert_eq!(f1.amount.0.to_string(), "1210", "{file}");
        assert_eq!(f1.issue_date, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        let again = import_file(
            &mut store,
            Kind::Invoices,
            &fixture(file),
            &defaults(),
            false,
            now(),
        )
        .unwrap();
        assert_eq!(again.unchanged, 3, "{file}: re-import changes nothing");
    }
}

#[test]
fn a_bad_spreadsheet_row_names_its_sheet_row_and_rolls_back_the_file() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    clients(&mut store);
    let e = import_file(
        &mut store,
        Kind::Invoices,
        &fixture("invoices-bad.xlsx"),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    let errors = errors(e);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("invoices-bad.xlsx:5: client \"C999\" does not exist"),
        "row 5 as the sheet shows it (an empty row 4 above): {errors:?}"
    );
    assert_eq!(count(&store, "invoices"), 0);
    // Another sheet by name; a missing one lists the sheets.
    let options = ReadOptions {
        sheet: Some("Resumen".into()),
        ..ReadOptions::default()
    };
    let e = import_file_with(
        &mut store,
        Kind::Invoices,
        &fixture("invoices.xlsx"),
        &options,
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("the sheets are Facturas, Notas"),
        "{e:#}"
    );
}

#[test]
fn an_invoicing_program_export_is_read_through_a_column_map() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import_bytes(
        &mut store,
        Kind::Clients,
        "nif.csv",
        "id;nombre;email\nB12345678;Talleres Peña;pagos@tallerespena.es\nA87654321;Ferretería Añón;admin@anon.es\n"
            .as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    let map_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/columns/holded.toml");
    let options = ReadOptions {
        columns: Some(ColumnMap::load(&map_path).unwrap()),
        sheet: None,
    };
    let s = import_file_with(
        &mut store,
        Kind::Invoices,
        &fixture("holded-facturas.csv"),
        &options,
        &defaults(),
        false,
        now(),
    )
    .unwrap();
    assert_eq!(s.created, 2);
    let h2 = store::invoices::require(store.conn(), "H-0002").unwrap();
    assert_eq!(h2.client_id, "A87654321");
    assert_eq!(h2.amount.0.to_string(), "1815.00");
    // Without the map, the program's names are refused with the nearest known name.
    let e = import_file(
        &mut store,
        Kind::Invoices,
        &fixture("holded-facturas.csv"),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("unknown column \"fecha_ddmmyyyy\""),
        "{e:#}"
    );
    // A map naming a field cobrador does not have is refused before reading.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[columns]\n\"Total\" = \"importe_totl\"\n").unwrap();
    let options = ReadOptions {
        columns: Some(ColumnMap::load(&bad).unwrap()),
        sheet: None,
    };
    let e = import_file_with(
        &mut store,
        Kind::Invoices,
        &fixture("holded-facturas.csv"),
        &options,
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    assert!(
        format!("{e:#}").contains("did you mean importe_total?"),
        "{e:#}"
    );
}

#[test]
fn doubtful_encodings_are_refused_with_the_excel_menu_and_nothing_written() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    // Code page 850 ("CSV (MS-DOS)"): "España" with ñ as byte 0xA4.
    let e = import_bytes(
        &mut store,
        Kind::Clients,
        "dos.csv",
        b"id;nombre\r\nC1;Espa\xa4a Motor\r\n",
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    let found = errors(e);
    assert!(found[0].starts_with("dos.csv:2: "), "{found:?}");
    assert!(
        found[0].contains("Archivo > Guardar como > CSV UTF-8 (delimitado por comas)"),
        "{found:?}"
    );
    // UTF-8 that another program already mis-decoded.
    let e = import_bytes(
        &mut store,
        Kind::Clients,
        "twice.csv",
        "id;nombre\nC1;Talleres PeÃ±a\n".as_bytes(),
        &defaults(),
        false,
        now(),
    )
    .unwrap_err();
    assert!(errors(e)[0].starts_with("twice.csv:2: \"Ã±\""));
    assert_eq!(count(&store, "clients"), 0);
}
