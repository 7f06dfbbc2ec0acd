//! The first import of invoices into an empty table, on two threads: one reads the file
//! (decoding, CSV, each row's own checks), the other writes the rows into SQLite.
//!
//! Into a table that was empty when the transaction began every row is new (a number twice in
//! the file is refused), so nothing is read before each insert, the rows go in by many-row
//! `INSERT`s, each batch followed by its `invoice.created` events (`store::bulk`). What is
//! left per row is about as much work reading it as writing it, so the two halves run side by
//! side (a million rows: the reader ~2.4 s of cpu, the writer ~1.8 s, overlapped).
//!
//! All-or-nothing is the same as row by row: the reading thread makes every check (the clients'
//! ids are read from the transaction before it starts: an invoices import changes no client),
//! in the row-by-row path's order and with its messages, and hands the good rows in file
//! order through a bounded channel of batches (memory stays flat) to the writing thread, which
//! owns the transaction. Once a row is refused no more rows are handed over (they would be
//! rolled back); any problem, or an error of the file itself, is the reading thread's result,
//! and the transaction is then rolled back.

use std::collections::hash_map::Entry;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::{Result, anyhow};
use foldhash::{HashMap, HashSet};
use rusqlite::Connection;

use super::columns::row_id;
use super::invoices::{invoice_fields, invoice_keys, missing_client};
use super::reading::{self, Problems, ReadOptions};
use super::table::Row;
use super::{Defaults, Job, Kind, Summary};
use crate::store::bulk::{self, DeferredIndexes, NewInvoices};
use crate::store::{self, invoices::InvoiceInput};

/// Rows per batch sent from the reading thread to the writing one.
const BATCH: usize = 1024;

/// Batches in flight between the threads: enough that neither waits on the other's
/// hiccups, few enough that memory does not grow with the file.
const BATCHES_IN_FLIGHT: usize = 8;

/// Ids met so far in a file (client ids, invoice numbers) and their lines: an id twice is
/// refused, naming both lines.
#[derive(Default)]
pub(super) struct SeenIds(HashMap<Box<str>, u64>);

impl SeenIds {
    /// The problem of `row` if its id was met before (the id is remembered otherwise).
    pub(super) fn repeated(&mut self, name: &str, kind: Kind, row: &Row) -> Option<String> {
        let id = row_id(kind, row)?;
        match self.0.entry(id.into()) {
            Entry::Occupied(first) => Some(format!(
                "{name}:{}: {:?} appears twice in this file, on lines {} and {}: keep one row",
                row.line,
                first.key(),
                first.get(),
                row.line
            )),
            Entry::Vacant(slot) => {
                slot.insert(row.line);
                None
            }
        }
    }
}

/// Clients found to exist (an invoice file names each client many times; clients are not
/// deleted during an import).
#[derive(Default)]
pub(super) struct KnownClients(HashSet<Box<str>>);

impl KnownClients {
    /// Whether client `id` exists.
    pub(super) fn exist(&mut self, conn: &Connection, id: &str) -> Result<bool> {
        if self.0.contains(id) {
            return Ok(true);
        }
        let exists = store::clients::exists(conn, id)?;
        if exists {
            self.0.insert(id.into());
        }
        Ok(exists)
    }
}

/// Reads `source` on a second thread and writes its invoices into the empty table through
/// `conn` (the import's transaction); the counts and the indexes to build again, or the
/// refusal. A database error stops both threads and is returned.
pub(super) fn write(
    job: &Job,
    conn: &Connection,
    mut deferred: DeferredIndexes,
    source: impl std::io::Read + Send,
    size: Option<u64>,
    options: &ReadOptions,
    progress: bool,
) -> Result<(Summary, DeferredIndexes)> {
    let name = job.name;
    let clients = bulk::client_ids(conn)?;
    let (sender, receiver) = sync_channel(BATCHES_IN_FLIGHT);
    let rows = Reader {
        name,
        defaults: job.defaults,
        clients,
        ids: SeenIds::default(),
        problems: Problems::default(),
        summary: Summary::default(),
        batch: NewInvoices::with_capacity(BATCH),
        sender,
    };
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || rows.read_all(source, size, options, progress));
        // The receiver is dropped when the writing stops, early or not: a reading thread
        // waiting to send then stops too.
        let written = write_all(conn, job.now, &mut deferred, receiver);
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.map_err(|e| e.context(format!("{name}: the import could not be written")))?;
        Ok((read?, deferred))
    })
}

/// The writing thread's part: each batch inserted in order; past a threshold the tables'
/// secondary indexes are set aside until the end (see `store::bulk`).
fn write_all(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    deferred: &mut DeferredIndexes,
    receiver: Receiver<NewInvoices>,
) -> Result<()> {
    let mut written = 0;
    for batch in receiver {
        bulk::insert_new_invoices(conn, &batch, now)?;
        let before = written;
        written += batch.len() as u64;
        if before == 0 && written >= FIRST_ROWS {
            // A large file: the new rows are sorted into the indexes once, at the end.
            deferred.set_aside_first(conn, "invoices")?;
        }
        if before / 10_000 != written / 10_000 {
            deferred.added(conn, written)?;
        }
    }
    Ok(())
}

/// A first batch this full means a large file (see `DeferredIndexes::set_aside_first`).
const FIRST_ROWS: u64 = BATCH as u64;

/// The reading thread: each row checked as the row-by-row path checks it.
struct Reader<'a> {
    name: &'a str,
    defaults: &'a Defaults,
    /// Every client's id.
    clients: HashSet<Box<str>>,
    ids: SeenIds,
    problems: Problems,
    summary: Summary,
    /// Good rows not yet handed over.
    batch: NewInvoices,
    sender: SyncSender<NewInvoices>,
}

impl Reader<'_> {
    fn read_all(
        mut self,
        source: impl std::io::Read,
        size: Option<u64>,
        options: &ReadOptions,
        progress: bool,
    ) -> Result<Summary> {
        let name = self.name;
        let kind = Kind::Invoices;
        reading::read_rows(name, source, size, kind, options, progress, &mut |row| {
            self.row(row)
        })?;
        if !self.batch.is_empty() {
            let last = std::mem::take(&mut self.batch);
            self.sender.send(last).map_err(|_| self.stopped())?;
        }
        self.problems.into_result(name)?;
        Ok(self.summary)
    }

    fn row(&mut self, row: &Row) -> Result<()> {
        self.summary.rows += 1;
        if let Some(problem) = self.ids.repeated(self.name, Kind::Invoices, row) {
            self.problems.push(problem);
            return Ok(());
        }
        match self.check(row) {
            Ok(input) => {
                self.summary.created += 1;
                // Nothing more is written once the file is refused.
                if self.problems.is_empty() {
                    self.batch.push(&input);
                }
            }
            Err(e) => self
                .problems
                .push(format!("{}:{}: {e:#}", self.name, row.line)),
        }
        if self.batch.len() == BATCH {
            let full = std::mem::replace(&mut self.batch, NewInvoices::with_capacity(BATCH));
            self.sender.send(full).map_err(|_| self.stopped())?;
        }
        Ok(())
    }

    /// The row-by-row path's checks (`Session::invoice_row`), in its order.
    fn check(&self, row: &Row) -> Result<InvoiceInput> {
        let (number, client_id) = invoice_keys(row)?;
        if !self.clients.contains(client_id.as_str()) {
            return Err(missing_client(&client_id));
        }
        invoice_fields(row, number, client_id, None, self.defaults)
    }

    fn stopped(&self) -> anyhow::Error {
        anyhow!("{}: the import stopped writing", self.name)
    }
}
