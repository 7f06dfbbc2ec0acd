//! Faults in the data path, each a regression test for a defect found by probing (issue 14):
//! writers that gave up at once on a locked database, imports that lost data silently, amounts
//! that overflowed every sum, addresses and currencies accepted and then failing on every tick.
//! Real SQLite files, real CSV bytes, the real binary where the defect was seen through it.

mod support;

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use chrono::{DateTime, Utc};
use cobrador::domain::Money;
use cobrador::import::{Kind, import_bytes};
use cobrador::store::{self, Store};
use rust_decimal::Decimal;
use support::{World, import_defaults as defaults, run_cobrador, utc, world};

fn now() -> DateTime<Utc> {
    utc("2026-11-23 10:00")
}

fn import(store: &mut Store, kind: Kind, csv: &str) -> anyhow::Result<cobrador::import::Summary> {
    import_bytes(
        store,
        kind,
        "f.csv",
        csv.as_bytes(),
        &defaults(),
        false,
        now(),
    )
}

fn err(store: &mut Store, kind: Kind, csv: &str) -> String {
    format!("{:#}", import(store, kind, csv).unwrap_err())
}

// ---- 4. "database is locked" at once ----

/// Two processes' worth of writers on one real file: each transaction reads, then writes (the
/// pattern that a deferred transaction cannot retry). Every one must wait its turn and succeed.
#[test]
fn two_concurrent_writers_wait_for_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    Store::open(&path).unwrap();
    let start = Arc::new(Barrier::new(2));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                start.wait();
                for i in 0..150 {
                    store
                        .transaction(|tx| {
                            let n: i64 =
                                tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
                            store::events::append(
                                tx,
                                now(),
                                cobrador::domain::Actor::Cli,
                                cobrador::domain::EventKind::ClientUpdated,
                                None,
                                None,
                                serde_json::json!({ "writer": w, "i": i, "seen": n }),
                            )?;
                            Ok(())
                        })
                        .unwrap_or_else(|e| panic!("writer {w}, write {i}: {e:#}"));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 300);
}

/// An import waits for another writer to finish, then succeeds.
#[test]
fn an_import_waits_for_a_writer_holding_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut holder = Store::open(&path).unwrap();
    let mut importer = Store::open(&path).unwrap();
    let locked = Arc::new(Barrier::new(2));
    let l2 = Arc::clone(&locked);
    let t = std::thread::spawn(move || {
        holder
            .transaction(|tx| {
                store::events::append(
                    tx,
                    now(),
                    cobrador::domain::Actor::Cli,
                    cobrador::domain::EventKind::ClientHeld,
                    None,
                    None,
                    serde_json::json!({}),
                )?;
                l2.wait();
                std::thread::sleep(Duration::from_millis(400));
                Ok(())
            })
            .unwrap();
    });
    locked.wait();
    let s = import(
        &mut importer,
        Kind::Clients,
        "id;name;email\nC1;Uno;uno@x.example\n",
    )
    .unwrap();
    assert_eq!(s.created, 1);
    t.join().unwrap();
}

/// When the lock outlasts the busy timeout, the error says the database is busy and blames no
/// CSV line.
#[test]
fn a_lock_error_names_the_database_not_a_csv_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut holder = Store::open(&path).unwrap();
    let mut importer = Store::open(&path).unwrap();
    importer
        .conn()
        .busy_timeout(Duration::from_millis(50))
        .unwrap();
    let tx = holder.write_transaction().unwrap();
    store::events::append(
        &tx,
        now(),
        cobrador::domain::Actor::Cli,
        cobrador::domain::EventKind::ClientHeld,
        None,
        None,
        serde_json::json!({}),
    )
    .unwrap();
    let e = err(&mut importer, Kind::Clients, "id;name\nC1;Uno\nC2;Dos\n");
    tx.rollback().unwrap();
    assert!(e.contains("database is busy"), "{e}");
    assert!(!e.contains("f.csv:2") && !e.contains("f.csv:3"), "{e}");
}

// ---- 5. Overflow: bounded amounts, checked sums ----

#[test]
fn amounts_above_the_limit_are_refused_at_import() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import(&mut store, Kind::Clients, "id;name\nC1;Uno\n").unwrap();
    let e = err(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe\n\
         F1;C1;01/10/2026;01/11/2026;12345678901234567890123456789\n\
         F2;C1;01/10/2026;01/11/2026;1000000000000,01\n\
         F3;C1;01/10/2026;01/11/2026;999999999999,99\n",
    );
    assert!(
        e.contains("f.csv:2: amount") && e.contains("limits.max-amount"),
        "{e}"
    );
    assert!(e.contains("f.csv:3: amount"), "{e}");
    assert!(
        !e.contains("f.csv:4"),
        "the largest accepted amount is fine: {e}"
    );
}

#[test]
fn money_sums_saturate_or_report_instead_of_panicking() {
    let big = Money(Decimal::MAX);
    assert_eq!(big.checked_add(Money(Decimal::ONE)), None);
    assert_eq!(Money::checked_sum([big, big]), None);
    assert_eq!((big + big).0, Decimal::MAX, "saturates, never panics");
    assert_eq!((Money(Decimal::MIN) - big).0, Decimal::MIN);
    let small = Money::checked_sum([Money(Decimal::ONE), Money(Decimal::TWO)]);
    assert_eq!(small, Some(Money(Decimal::from(3))));
}

/// Rows written before the bound existed (two 29-digit invoices for one client) must not stop
/// `status`, `plan` or `tick` for the other clients.
#[test]
fn a_client_with_absurd_amounts_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| run_cobrador(dir.path(), args, &[]);
    assert!(run(&["init"]).status.success());
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "id;name;email\nBIG;Grande;grande@x.example\nOK;Normal;normal@x.example\n",
    )
    .unwrap();
    assert!(
        run(&["import", "clients", csv.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::write(
        &csv,
        "numero;cliente;fecha;vencimiento;importe\nN1;OK;01/09/2026;01/10/2026;100,00\n",
    )
    .unwrap();
    assert!(
        run(&["import", "invoices", csv.to_str().unwrap()])
            .status
            .success()
    );
    {
        let store = Store::open(&dir.path().join("cobrador.db")).unwrap();
        for n in ["B1", "B2"] {
            store
                .conn()
                .execute(
                    "INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount,
                                           status, created_at, updated_at)
                     VALUES (?1, 'BIG', '2026-09-01', '2026-10-01', 'EUR',
                             '79228162514264337593543950335', 'open', 'x', 'x')",
                    [n],
                )
                .unwrap();
        }
    }
    for args in [
        &["status"][..],
        &["plan", "--now", "2026-11-24T09:30:00Z"],
        &["tick", "--now", "2026-11-24T09:30:00Z"],
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if args[0] == "tick" {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains("queued: OK"), "{stdout}\n{stderr}");
        }
    }
}

// ---- 6. Import data loss ----

#[test]
fn an_unknown_header_is_an_error_with_a_suggestion() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let e = err(
        &mut store,
        Kind::Clients,
        "id;name;emial\nC1;Uno;uno@x.example\n",
    );
    assert!(e.contains("f.csv:1: unknown column \"emial\""), "{e}");
    assert!(e.contains("did you mean email?"), "{e}");
    let e = err(&mut store, Kind::Invoices, "numero;cliente;vencimeinto\n");
    assert!(e.contains("did you mean vencimiento?"), "{e}");
    let e = err(&mut store, Kind::Clients, "id;name;zzzzzzzz\nC1;Uno;x\n");
    assert!(e.contains("the clients columns are: id, name"), "{e}");
    assert!(store::clients::get(store.conn(), "C1").unwrap().is_none());
}

#[test]
fn a_column_absent_from_the_file_leaves_the_stored_value() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import(
        &mut store,
        Kind::Clients,
        "id;name;razon_social;nif;comunidad;tipo;trato;email;email_finanzas\n\
         C1;Uno;Uno S.L.;B123;MD;b2c;tú;uno@x.example;fin@x.example\n",
    )
    .unwrap();
    // Fewer columns: only the name changes.
    let s = import(&mut store, Kind::Clients, "id;name\nC1;Uno Renombrado\n").unwrap();
    assert_eq!(s.updated, 1);
    let c = store::clients::get(store.conn(), "C1").unwrap().unwrap();
    assert_eq!(c.name, "Uno Renombrado");
    assert_eq!(c.legal_name.as_deref(), Some("Uno S.L."));
    assert_eq!(c.tax_id.as_deref(), Some("B123"));
    assert_eq!(c.region.as_deref(), Some("MD"));
    assert!(c.tuteo);
    assert_eq!(c.kind, cobrador::domain::ClientKind::B2c);
    let contacts = store::clients::for_client(store.conn(), "C1").unwrap();
    assert_eq!(contacts.len(), 2, "{contacts:?}");
    // Only the billing email column: the finance contact stays.
    import(&mut store, Kind::Clients, "id;email\nC1;nuevo@x.example\n").unwrap();
    let emails: Vec<_> = store::clients::for_client(store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter_map(|c| c.email)
        .collect();
    assert_eq!(emails, ["nuevo@x.example", "fin@x.example"]);
    // A present but empty cell does blank the value: the file says so.
    import(&mut store, Kind::Clients, "id;name;nif\nC1;Uno;\n").unwrap();
    let c = store::clients::get(store.conn(), "C1").unwrap().unwrap();
    assert_eq!(c.tax_id, None);
    assert_eq!(c.legal_name.as_deref(), Some("Uno S.L."));
}

#[test]
fn an_invoice_reimport_without_optional_columns_keeps_them() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import(&mut store, Kind::Clients, "id;name\nC1;Uno\n").unwrap();
    import(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe;moneda;concepto\n\
         F1;C1;01/10/2026;01/11/2026;100;MXN;Obra\n",
    )
    .unwrap();
    import(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe\nF1;C1;01/10/2026;01/11/2026;100\n",
    )
    .unwrap();
    let i = store::invoices::require(store.conn(), "F1").unwrap();
    assert_eq!(i.currency, "MXN");
    assert_eq!(i.description.as_deref(), Some("Obra"));
}

#[test]
fn a_duplicate_id_in_one_file_names_both_lines() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let e = err(
        &mut store,
        Kind::Clients,
        "id;name\nC1;Uno\nC2;Dos\nC1;Otro Uno\n",
    );
    assert!(
        e.contains("f.csv:4: \"C1\" appears twice in this file, on lines 2 and 4"),
        "{e}"
    );
    import(&mut store, Kind::Clients, "id;name\nC1;Uno\n").unwrap();
    let e = err(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe\n\
         F1;C1;01/10/2026;01/11/2026;100\nF1;C1;01/10/2026;01/11/2026;200\n",
    );
    assert!(e.contains("lines 2 and 3"), "{e}");
}

// ---- 8. Lower ----

#[test]
fn an_unsupported_currency_is_refused_at_import() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import(&mut store, Kind::Clients, "id;name\nC1;Uno\n").unwrap();
    let e = err(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe;moneda\nF1;C1;01/10/2026;01/11/2026;100;JPY\n",
    );
    assert!(e.contains("f.csv:2: currency") && e.contains("JPY"), "{e}");
}

#[test]
fn addresses_with_brackets_or_line_breaks_are_refused() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    for bad in [
        "\"Ana <ana@x.example>\"",
        "\"ana@x.example>\"",
        "\"ana@x.example\r\nBcc: todos@x.example\"",
        "\"ana@x.example\nX: y\"",
    ] {
        let e = err(
            &mut store,
            Kind::Clients,
            &format!("id;name;email\nC1;Uno;{bad}\n"),
        );
        assert!(e.contains("f.csv:2: email"), "{bad}: {e}");
    }
    assert!(store::clients::get(store.conn(), "C1").unwrap().is_none());
}

#[test]
fn a_non_numeric_amount_is_reported_as_such() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    import(&mut store, Kind::Clients, "id;name\nC1;Uno\n").unwrap();
    let e = err(
        &mut store,
        Kind::Invoices,
        "numero;cliente;fecha;vencimiento;importe\nF1;C1;01/10/2026;01/11/2026;abc\n",
    );
    assert!(e.contains("not an amount: \"abc\""), "{e}");
    assert!(!e.contains("empty amount"), "{e}");
}

#[test]
fn crlf_files_report_the_right_line() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let e = err(
        &mut store,
        Kind::Clients,
        "id;name;email\r\nC1;Uno;uno@x.example\r\nC2;Dos;no-es-correo\r\n",
    );
    assert!(e.contains("f.csv:3: not an email address"), "{e}");
    let e = err(
        &mut store,
        Kind::Clients,
        "id;name;email\r\nC1;Uno;uno@x.example\r\nC2;\"Dos\r\ncon salto\";no-es-correo\r\nC3;Tres;x\r\n",
    );
    assert!(e.contains("f.csv:3: not an email address"), "{e}");
    assert!(e.contains("f.csv:5: not an email address"), "{e}");
}

#[test]
fn example_files_still_import() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
        (Kind::Payments, "pagos.csv"),
    ] {
        let bytes = std::fs::read(root.join(file)).unwrap();
        import_bytes(&mut store, kind, file, &bytes, &defaults(), false, now()).unwrap();
    }
    let _ = support::t0();
}

#[test]
fn limits_are_validated_with_the_setting_named() {
    let bad = cobrador::config::Config::parse(
        &support::config_text("[limits]\nmax-amount = \"0\"\n"),
        "c.toml",
    );
    let e = format!("{:#}", bad.unwrap_err());
    assert!(e.contains("limits.max-amount"), "{e}");
    let bad = cobrador::config::Config::parse(
        &support::config_text("[limits]\nretry-for-hours = 0\n"),
        "c.toml",
    );
    assert!(format!("{:#}", bad.unwrap_err()).contains("limits.retry-for-hours"));
    let ok = cobrador::config::Config::parse(
        &support::config_text("[limits]\nmax-amount = \"5000\"\nretry-for-hours = 12\n"),
        "c.toml",
    )
    .unwrap();
    assert_eq!(ok.limits.max_amount, Decimal::from(5000));
    assert_eq!(
        cobrador::sender::FlushOptions::for_config(&ok).retry_for,
        chrono::Duration::hours(12)
    );
}

/// A message queued again by a person gets a fresh retry period, whether it was dead or
/// uncertain.
#[test]
fn requeued_messages_get_a_fresh_retry_period() {
    use cobrador::store::{OutboxStatus, outbox};
    let World { dir: _d, store, .. } = world().build();
    let ids = support::queue_many(&store, 2);
    let t = support::t0();
    for id in &ids {
        outbox::mark_sending(store.conn(), *id).unwrap();
        outbox::mark_first_attempt(store.conn(), *id, t).unwrap();
    }
    for id in &ids {
        outbox::mark_interrupted(store.conn(), *id).unwrap();
    }
    outbox::resolve_uncertain(store.conn(), ids[0], false, t).unwrap();
    assert_eq!(outbox::first_attempt(store.conn(), ids[0]).unwrap(), None);
    outbox::mark_dead(store.conn(), ids[1], "550").unwrap();
    assert_eq!(
        outbox::get(store.conn(), ids[1]).unwrap().unwrap().status,
        OutboxStatus::Dead
    );
    outbox::requeue_dead(store.conn(), ids[1], t).unwrap();
    let m = outbox::get(store.conn(), ids[1]).unwrap().unwrap();
    assert_eq!((m.status, m.attempts), (OutboxStatus::Queued, 0));
    assert_eq!(outbox::first_attempt(store.conn(), ids[1]).unwrap(), None);
}

#[test]
fn an_unsupported_country_is_refused_at_import() {
    let World {
        dir: _d, mut store, ..
    } = world().build();
    let e = err(
        &mut store,
        Kind::Clients,
        "id;name;pais;tz\nC1;Uno;ZZ;Europe/Madrid\n",
    );
    assert!(
        e.contains("f.csv:2: country \"ZZ\" is not supported"),
        "{e}"
    );
}
