//! All-or-nothing CSV import of clients, invoices and payments, as Spanish and Latin American
//! users export them from Excel and accounting programs.
//!
//! `;`, `,` or tab separated (detected from the header), in UTF-8 (with or without BOM),
//! UTF-16 or Windows-1252 (see `encoding`), or an XLSX/ODS workbook (`sheet`); quoted
//! fields, amounts `1.234,56` or `1234.56`, dates `dd/mm/yyyy` or ISO. Headers may be English
//! or Spanish (`numero`, `vencimiento`, `importe`...). Every row is checked against the file
//! and the database inside one transaction; any error rolls everything back and every error is
//! reported as `FILE:LINE: reason`. Re-importing the same file changes nothing.
//!
//! Nothing is lost silently: a column the importer does not know is an error with the nearest
//! known name (`emial: did you mean email?`), because ignoring it would drop its data; a column
//! absent from the file leaves the stored value untouched (a file with fewer columns updates
//! only what it has); an id twice in one file is an error naming both lines. Amounts are
//! bounded (`limits.max-amount`), currencies must be ones cobrador can write, and addresses
//! must be plain addresses (no `<`, `>` or line breaks that could smuggle headers).

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use foldhash::HashMap;
use rusqlite::Connection;
use serde::Serialize;

mod clients;
mod columns;
pub mod encoding;
mod fresh;
mod invoices;
mod mapping;
mod reading;
mod repeated;
mod sheet;
mod table;

pub use self::mapping::ColumnMap;
pub use self::reading::{MOST_PROBLEMS_LISTED, PROGRESS_EVERY, ReadOptions};

use self::reading::Problems;
use self::table::Row;
use crate::domain::{Actor, EventKind};
use crate::store::bulk::DeferredIndexes;
use crate::store::{self, Store};

/// The page cache of an import (KiB): the keys it looks up at random stay in memory.
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

/// The page cache of a payments import (KiB): each payment updates a random invoice, and
/// pages spilled from a smaller cache are read back from the WAL (the payments' peak memory
/// is lower than the invoices', 114 MB at 500k rows with 32 MiB: 64 MiB stays well under 200).
const PAYMENTS_CACHE_KIB: i64 = 64 * 1024;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Clients and their contacts.
    Clients,
    /// Invoices.
    Invoices,
    /// Payments (partial or full).
    Payments,
}

/// What an import did (or would do, with `--dry-run`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Data rows read.
    pub rows: usize,
    /// Rows that created something.
    pub created: usize,
    /// Rows that changed something existing.
    pub updated: usize,
    /// Rows that changed nothing.
    pub unchanged: usize,
    /// Payment rows not added: the same money was already recorded from another source (the
    /// bank statement, typed in), or may be one of several recorded payments (see
    /// `policy::payment_match`). Each is explained in `notes`.
    pub already_recorded: usize,
    /// One line per payment row not added, for the owner (not in the import's audit event:
    /// each has its own `payment.repeated` or `payment.doubtful` event).
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// An import refused: every problem found, each as `FILE:LINE: reason`.
#[derive(Debug, thiserror::Error)]
#[error("{} rejected, nothing imported:\n{}", .file, .errors.join("\n"))]
pub struct ImportError {
    /// The file.
    pub file: String,
    /// One line per problem.
    pub errors: Vec<String>,
}

/// Defaults taken from the configuration.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// Country when a client row has none.
    pub country: String,
    /// Currency when an invoice row has none.
    pub currency: String,
    /// The largest amount accepted (`limits.max-amount`).
    pub max_amount: rust_decimal::Decimal,
    /// Tú for a new client whose row gives no `trato` (`business.form-of-address`).
    pub tuteo: bool,
}

impl Defaults {
    /// The defaults of a configuration.
    pub fn from_config(config: &crate::config::Config) -> Defaults {
        Defaults {
            country: config.business.country.clone(),
            currency: config.business.currency.clone(),
            max_amount: config.limits.max_amount,
            tuteo: config.business.form_of_address == crate::config::FormOfAddress::Tu,
        }
    }
}

/// Imports `path` into the store; with `dry_run` the transaction is rolled back.
pub fn import_file(
    store: &mut Store,
    kind: Kind,
    path: &Path,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    let options = ReadOptions::default();
    import_file_with(store, kind, path, &options, defaults, dry_run, now)
}

/// Imports CSV bytes; `name` is used in error messages.
pub fn import_bytes(
    store: &mut Store,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    let options = ReadOptions::default();
    import_bytes_with(store, kind, name, bytes, &options, defaults, dry_run, now)
}

/// Imports `path` read with `options` (column map, sheet).
pub fn import_file_with(
    store: &mut Store,
    kind: Kind,
    path: &Path,
    options: &ReadOptions,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    import_file_reporting(store, kind, path, options, defaults, dry_run, now, false)
}

/// Imports `path` as [`import_file_with`] does; with `progress` (or when stderr is a
/// terminal) a line on stderr every [`PROGRESS_EVERY`] rows.
#[allow(clippy::too_many_arguments)]
pub fn import_file_reporting(
    store: &mut Store,
    kind: Kind,
    path: &Path,
    options: &ReadOptions,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
    progress: bool,
) -> Result<Summary> {
    let cannot_read = || format!("cannot read {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot_read)?;
    let size = file.metadata().with_context(cannot_read)?.len();
    let name = path.display().to_string();
    let job = Job {
        kind,
        name: &name,
        defaults,
        dry_run,
        now,
    };
    job.run(store, file, Some(size), options, progress)
}

/// Imports a file's bytes: CSV (UTF-8, UTF-16 or Windows-1252), XLSX, ODS or XLS.
#[allow(clippy::too_many_arguments)]
pub fn import_bytes_with(
    store: &mut Store,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    let job = Job {
        kind,
        name,
        defaults,
        dry_run,
        now,
    };
    job.run(store, bytes, Some(bytes.len() as u64), options, false)
}

/// Connection settings changed for the duration of an import, put back as they were by
/// [`ImportSettings::restore`], or when dropped (an import that failed or panicked leaves the
/// connection as it found it).
struct ImportSettings<'s> {
    store: &'s mut Store,
    /// Each changed pragma with its value before.
    before: Vec<(&'static str, i64)>,
}

impl<'s> ImportSettings<'s> {
    fn set(store: &'s mut Store, settings: &[(&'static str, i64)]) -> Result<ImportSettings<'s>> {
        let mut changed = ImportSettings {
            store,
            before: Vec::new(),
        };
        for &(name, value) in settings {
            let conn = changed.store.conn();
            let before: i64 = conn.pragma_query_value(None, name, |r| r.get(0))?;
            changed.before.push((name, before));
            conn.pragma_update(None, name, value)?;
        }
        Ok(changed)
    }

    fn store(&mut self) -> &mut Store {
        self.store
    }

    /// Puts every setting back; the first failure is returned after trying them all.
    fn restore(&mut self) -> Result<()> {
        let mut first = Ok(());
        for (name, before) in self.before.drain(..).rev() {
            let done = self.store.conn().pragma_update(None, name, before);
            if first.is_ok() {
                first = done.with_context(|| format!("Failed to restore the {name} setting"));
            }
        }
        first
    }
}

impl Drop for ImportSettings<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.restore() {
            tracing::warn!("{e:#}");
        }
    }
}

/// One import to run.
struct Job<'a> {
    kind: Kind,
    name: &'a str,
    defaults: &'a Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
}

impl Job<'_> {
    /// Reads `source` row by row into one transaction: committed when every row was right,
    /// rolled back at the first database failure, or when any row (or the file) was refused.
    fn run(
        &self,
        store: &mut Store,
        source: impl std::io::Read + Send,
        size: Option<u64>,
        options: &ReadOptions,
        progress: bool,
    ) -> Result<Summary> {
        // The import reads the clients' and invoices' keys at random: a larger page cache
        // for its duration (bounded: the import's memory is the point).
        // The indexes built again at the end sort on a second core when there is one.
        // Each row's statement journal (ON CONFLICT, triggers) in memory, not a temp file:
        // 1M invoice rows 1.7 s less cpu, same peak memory (it is freed after each row).
        let kib = match self.kind {
            Kind::Payments => PAYMENTS_CACHE_KIB,
            Kind::Clients | Kind::Invoices => IMPORT_CACHE_KIB,
        };
        let mut settings = vec![("cache_size", -kib), ("threads", 2), ("temp_store", 2)];
        // The importer checks each reference itself before writing the row (an invoice's
        // client, a payment's invoice: read in the same transaction, and nothing is deleted
        // during it), so SQLite's own foreign-key probe of every row would find the same
        // thing again: off for the import (it can only change outside a transaction).
        if matches!(self.kind, Kind::Invoices | Kind::Payments) {
            settings.push(("foreign_keys", 0));
        }
        let mut changed = ImportSettings::set(store, &settings)?;
        let result = self.write(changed.store(), source, size, options, progress);
        changed.restore()?;
        result
    }

    fn write(
        &self,
        store: &mut Store,
        source: impl std::io::Read + Send,
        size: Option<u64>,
        options: &ReadOptions,
        progress: bool,
    ) -> Result<Summary> {
        let tx = store.write_transaction()?;
        let tables: &[(&'static str, u64)] = match self.kind {
            Kind::Invoices => &[("invoices", 2), ("events", 2)],
            // A payment no longer reads its invoice's payments (the paid sum is added to), so
            // the payments' own indexes can be set aside too (the import key's stays: unique);
            // and the invoices' (only the primary key is read), past a smaller share of them:
            // each payment moves its invoice's entries at random places (see `store::bulk`).
            Kind::Payments => &[("payments", 2), ("events", 2), ("invoices", 10)],
            Kind::Clients => &[("events", 2)],
        };
        let deferred = DeferredIndexes::new(&tx, tables)?;
        // An invoices import into an empty table takes the bulk path (see `fresh`).
        let fresh = self.kind == Kind::Invoices && store::bulk::is_empty(&tx, "invoices")?;
        let (summary, deferred) = if fresh {
            fresh::write(self, &tx, deferred, source, size, options, progress)?
        } else {
            let mut session = Session::new(self, deferred);
            reading::read_rows(
                self.name,
                source,
                size,
                self.kind,
                options,
                progress,
                &mut |row| session.row(&tx, row),
            )?;
            session.finish()?
        };
        if self.dry_run {
            tx.rollback()?;
            return Ok(summary);
        }
        if reading::progress_on(progress) && summary.rows as u64 >= PROGRESS_EVERY {
            eprintln!(
                "{}: {} rows read; writing the database",
                self.name, summary.rows
            );
        }
        // The indexes set aside are built again by SQLite's sorter. With temporary storage in
        // memory it holds every key of an index in one list sorted at once (1M invoices: six
        // such sorts were a third of the import); with temporary files it sorts runs of the
        // page cache's size, on both cores, and merges them (about 1 s less cpu, the same peak
        // memory). `run` restores the setting. Best effort: SQLite refuses the change while a
        // temporary table is open, and the sort then stays in memory.
        if deferred.any_set_aside() {
            let _sorted_on_files = tx.pragma_update(None, "temp_store", 1);
        }
        deferred.rebuild(&tx)?;
        let kind = format!("{:?}", self.kind).to_lowercase();
        audit(
            &tx,
            self.now,
            EventKind::ImportFile,
            None,
            None,
            serde_json::json!({ "file": self.name, "kind": kind, "summary": summary }),
        )?;
        tx.commit().context("Failed to commit the import")?;
        Ok(summary)
    }
}

/// An import under way: the counts, the problems found, and what all-or-nothing must
/// remember of the rows already read (nothing else of them is kept).
struct Session<'a> {
    job: &'a Job<'a>,
    summary: Summary,
    problems: Problems,
    /// Ids met so far (client ids, invoice numbers) and their lines: an id twice is refused.
    ids: fresh::SeenIds,
    /// Payments: rows so far with each identity (two identical rows are two payments).
    seen: HashMap<Box<str>, u32>,
    /// Clients found to exist (an invoice file names each client many times).
    clients: fresh::KnownClients,
    /// Payments: what the rows may repeat from other sources (read at the first row).
    twins: Option<crate::store::payment_matches::ExportTwins>,
    /// Rows created or updated so far, and the indexes set aside once they are many.
    written: u64,
    deferred: DeferredIndexes,
}

impl<'a> Session<'a> {
    fn new(job: &'a Job<'a>, deferred: DeferredIndexes) -> Session<'a> {
        Session {
            job,
            written: 0,
            deferred,
            summary: Summary::default(),
            problems: Problems::default(),
            ids: fresh::SeenIds::default(),
            seen: HashMap::default(),
            clients: fresh::KnownClients::default(),
            twins: None,
        }
    }

    /// Checks and writes one row; a problem with the row is noted (the import goes on to
    /// find the others), a database failure stops it.
    fn row(&mut self, conn: &Connection, row: &Row<'_>) -> Result<()> {
        let name = self.job.name;
        self.summary.rows += 1;
        if let Some(problem) = self.ids.repeated(name, self.job.kind, row) {
            self.problems.push(problem);
            return Ok(());
        }
        let (defaults, now) = (self.job.defaults, self.job.now);
        let outcome = match self.job.kind {
            Kind::Clients => clients::client_row(conn, row, defaults, now),
            Kind::Invoices => self.invoice_row(conn, row),
            Kind::Payments => self.payment_row(conn, row),
        };
        match outcome {
            Ok(Change::Created) => {
                self.summary.created += 1;
                self.wrote(conn)?;
            }
            Ok(Change::Updated) => {
                self.summary.updated += 1;
                self.wrote(conn)?;
            }
            Ok(Change::Unchanged) => self.summary.unchanged += 1,
            Ok(Change::NotAdded(note)) => {
                self.summary.already_recorded += 1;
                self.summary
                    .notes
                    .push(format!("{name}:{}: {note}", row.line));
            }
            // A database failure is not the row's fault: never blame a line for it.
            Err(e) if e.downcast_ref::<rusqlite::Error>().is_some() => {
                return Err(e.context(format!("{name}: the import could not be written")));
            }
            Err(e) => self.problems.push(format!("{name}:{}: {e:#}", row.line)),
        }
        Ok(())
    }

    /// One more row written (and its event): past a threshold the tables' secondary
    /// indexes are set aside until the end (see `store::bulk`).
    fn wrote(&mut self, conn: &Connection) -> Result<()> {
        self.written += 1;
        if self.written.is_multiple_of(10_000) {
            self.deferred.added(conn, self.written)?;
        }
        Ok(())
    }

    /// The counts and the indexes to build again, or the refusal listing the problems.
    fn finish(self) -> Result<(Summary, DeferredIndexes)> {
        self.problems.into_result(self.job.name)?;
        Ok((self.summary, self.deferred))
    }
}

/// Writes one of the import's audit events (the actor is always `import`).
fn audit(
    conn: &Connection,
    now: DateTime<Utc>,
    kind: EventKind,
    client: Option<&str>,
    invoice: Option<&str>,
    detail: serde_json::Value,
) -> Result<()> {
    store::events::append(conn, now, Actor::Import, kind, client, invoice, detail)
}

enum Change {
    Created,
    Updated,
    Unchanged,
    /// A payment row already recorded from another source (or possibly): why.
    NotAdded(String),
}

/// `Fecha de Vencimiento` → `fecha_de_vencimiento`; accents removed.
fn normalise_header(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            ' ' | '-' | '.' => '_',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// The usual time zone of a country's capital.
pub fn default_time_zone(country: &str) -> Option<Tz> {
    Some(match country {
        "ES" => chrono_tz::Europe::Madrid,
        "MX" => chrono_tz::America::Mexico_City,
        "CO" => chrono_tz::America::Bogota,
        "CL" => chrono_tz::America::Santiago,
        "PE" => chrono_tz::America::Lima,
        "AR" => chrono_tz::America::Argentina::Buenos_Aires,
        _ => return None,
    })
}
