//! A business in a temp dir for the library-level tests: a real SQLite file, the example
//! configuration, the shipped templates, and the clients and invoices the test names, imported
//! the way `cobrador import` imports them.
//!
//! ```ignore
//! let w = support::world()
//!     .clients("id;name;email\nC1;Uno;uno@cliente.example\n")
//!     .invoices("numero;cliente;fecha;vencimiento;importe\nF1;C1;10/10/2026;09/11/2026;2.000,00\n")
//!     .imported_at(utc("2026-11-01 09:00"))
//!     .build();
//! engine::queue_due(&mut w.store, &w.config, &w.renderer, utc("2026-11-12 11:00"))?;
//! ```

use chrono::{DateTime, NaiveDateTime, Utc};
use cobrador::config::{Config, EXAMPLE};
use cobrador::import::{Defaults, Kind, import_bytes};
use cobrador::render::Renderer;
use cobrador::store::Store;

/// `YYYY-MM-DD HH:MM` (UTC) as an instant: the one way tests write a moment.
pub fn utc(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap_or_else(|e| panic!("utc({text:?}): expected YYYY-MM-DD HH:MM: {e}"))
        .and_utc()
}

/// The import defaults of a Spanish business: country ES, euros, no practical amount limit.
pub fn import_defaults() -> Defaults {
    Defaults {
        country: "ES".into(),
        currency: "EUR".into(),
        max_amount: rust_decimal::Decimal::from(1_000_000_000_000i64),
        tuteo: false,
    }
}

/// The clients of [`two_clients`]: C1 uno@cliente.example and C2 dos@cliente.example.
pub const TWO_CLIENTS: &str =
    "id;name;email\nC1;Uno;uno@cliente.example\nC2;Dos;dos@cliente.example\n";

/// Their invoices: F-1 (C1, 500 €) and F-2 (C2, 700 €), both due on 2 November 2026.
pub const TWO_INVOICES: &str = "numero;cliente;fecha;vencimiento;importe\n\
                                F-1;C1;01/10/2026;02/11/2026;500\n\
                                F-2;C2;01/10/2026;02/11/2026;700\n";

/// A business of the library-level tests (see [`world`]).
pub struct World {
    /// The directory of the database (and of the file channel's outbox, when asked for).
    pub dir: tempfile::TempDir,
    /// The database, `dir/c.db`.
    pub store: Store,
    /// The example configuration, its `database` pointing at `dir/c.db`.
    pub config: Config,
    /// The shipped templates.
    pub renderer: Renderer,
}

/// What [`WorldBuilder::build`] makes; every option has a default.
pub struct WorldBuilder {
    dir: Option<tempfile::TempDir>,
    config: Option<Config>,
    clients: String,
    invoices: String,
    imported_at: DateTime<Utc>,
    file_outbox: bool,
}

/// An empty business: the example configuration, no clients, imports dated 2026-11-01 09:00.
pub fn world() -> WorldBuilder {
    WorldBuilder {
        dir: None,
        config: None,
        clients: String::new(),
        invoices: String::new(),
        imported_at: utc("2026-11-01 09:00"),
        file_outbox: false,
    }
}

/// Two clients of the same domain, each with one invoice due on 2 November 2026
/// ([`TWO_CLIENTS`], [`TWO_INVOICES`]).
pub fn two_clients() -> WorldBuilder {
    world().clients(TWO_CLIENTS).invoices(TWO_INVOICES)
}

impl WorldBuilder {
    /// The clients CSV to import (as `cobrador import clients` reads it).
    pub fn clients(mut self, csv: &str) -> Self {
        self.clients = csv.to_owned();
        self
    }

    /// The invoices CSV to import.
    pub fn invoices(mut self, csv: &str) -> Self {
        self.invoices = csv.to_owned();
        self
    }

    /// The moment of the imports.
    pub fn imported_at(mut self, now: DateTime<Utc>) -> Self {
        self.imported_at = now;
        self
    }

    /// Messages go through the file channel into `dir/outbox`.
    pub fn file_outbox(mut self) -> Self {
        self.file_outbox = true;
        self
    }

    /// Builds in `dir` (e.g. one that already holds certificates) instead of a new temp dir.
    pub fn in_dir(mut self, dir: tempfile::TempDir) -> Self {
        self.dir = Some(dir);
        self
    }

    /// This configuration instead of the example (its `database` is still set to `dir/c.db`).
    pub fn config(mut self, config: Config) -> Self {
        self.config = Some(config);
        self
    }

    /// Opens the database and imports the clients, then the invoices.
    pub fn build(self) -> World {
        let dir = self.dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        let mut config = self
            .config
            .unwrap_or_else(|| Config::parse(EXAMPLE, "example").unwrap());
        config.database = dir.path().join("c.db");
        if self.file_outbox {
            config.email.outbox_dir = Some(dir.path().join("outbox"));
        }
        let mut store = Store::open(&config.database).unwrap();
        let defaults = import_defaults();
        for (kind, name, csv) in [
            (Kind::Clients, "clients.csv", &self.clients),
            (Kind::Invoices, "invoices.csv", &self.invoices),
        ] {
            if !csv.is_empty() {
                import_bytes(
                    &mut store,
                    kind,
                    name,
                    csv.as_bytes(),
                    &defaults,
                    false,
                    self.imported_at,
                )
                .unwrap_or_else(|e| panic!("importing {name}: {e:#}"));
            }
        }
        World {
            dir,
            store,
            config,
            renderer: Renderer::new(None).unwrap(),
        }
    }
}

/// The client pays `amount` (`500` or `1.960,00`) of invoice `number` on `day` (YYYY-MM-DD),
/// recorded that day at 12:00 UTC (as `cobrador invoice pay` records it).
pub fn pay(store: &mut Store, number: &str, day: &str, amount: &str) {
    use cobrador::domain::{Actor, PaymentKind};
    use cobrador::store::invoices::{PaymentInput, add_payment};
    let now = utc(&format!("{day} 12:00"));
    store
        .transaction(|tx| {
            add_payment(
                tx,
                &PaymentInput {
                    invoice_number: number.into(),
                    paid_on: now.date_naive(),
                    amount: amount.parse()?,
                    reference: None,
                    kind: PaymentKind::Payment,
                    source: Actor::Cli,
                    import_key: None,
                },
                now,
            )
        })
        .unwrap();
}

/// The bank statements' fixture clients: three, C002 paying from a known IBAN (built by
/// scripts/gen-bank-fixtures.py with the statements).
pub const BANK_CLIENTS: &str = include_str!("../fixtures/import/bank-clients.csv");
/// Eight open invoices of [`BANK_CLIENTS`]; F2026-104 is 2,456.75 EUR (C003), F2026-101
/// 1,210.00 (C001).
pub const BANK_INVOICES: &str = include_str!("../fixtures/import/bank-invoices.csv");

/// [`BANK_CLIENTS`] and [`BANK_INVOICES`] imported at `at`.
pub fn eight_invoices(at: DateTime<Utc>) -> World {
    world()
        .clients(BANK_CLIENTS)
        .invoices(BANK_INVOICES)
        .imported_at(at)
        .build()
}

/// The same business set up through the command line in `dir`: the example configuration,
/// `init`, then `import clients` and `import invoices` of the two files.
pub fn eight_invoices_by_cli(dir: &std::path::Path) {
    std::fs::write(dir.join("cobrador.toml"), super::config_text("")).unwrap();
    std::fs::write(dir.join("clientes.csv"), BANK_CLIENTS).unwrap();
    std::fs::write(dir.join("facturas.csv"), BANK_INVOICES).unwrap();
    super::cobrador_ok(dir, &["init"]);
    super::cobrador_ok(dir, &["import", "clients", "clientes.csv"]);
    super::cobrador_ok(dir, &["import", "invoices", "facturas.csv"]);
}

/// The instant [`generated_book`] is generated at.
pub fn generated_as_of() -> DateTime<Utc> {
    utc("2026-11-24 09:00")
}

/// `clients` generated clients (`cobrador bench gen`, seed 7, as of [`generated_as_of`]) and
/// the file channel: a book with mixed due dates, partial payments, promises, plans and past
/// messages, not just the easy case.
pub fn generated_book(clients: usize) -> World {
    use cobrador::bench::{GenOptions, generate};
    let mut w = world().file_outbox().build();
    let report = generate(
        w.store.conn_mut(),
        &GenOptions {
            clients,
            now: generated_as_of(),
            seed: 7,
            body_bytes: 300,
        },
    )
    .unwrap();
    assert!(report.overdue > clients / 2, "{report:?}");
    assert!(
        report.promises > 0 && report.plans > 0 && report.messages > 0,
        "{report:?}"
    );
    w
}
