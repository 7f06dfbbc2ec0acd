//! Bulk appends: a table's secondary indexes set aside while an import adds many rows to it,
//! and built again by one sort before the same transaction commits.
//!
//! Inserting a million rows keeps every index of the table in step row by row; an index
//! keyed by client or date takes each row at a random place, and the B-tree walks and page
//! cache misses cost more than the rows themselves (a million invoices: about two thirds of
//! the import). Building the index once from the finished table is a sort, several times
//! cheaper. It pays only when the rows added are many and a good share of the table (the
//! rebuild reads the whole table), so an index is set aside only past a threshold. Being DDL
//! inside the import's transaction, it is all-or-nothing with the rows: a failed or dry-run
//! import rolls the indexes back too. The indexes are read from the schema, so one added by a
//! later migration is handled the same way; unique indexes and constraints stay in place.

use anyhow::{Context, Result};
use rusqlite::Connection;

/// Rows an import must have added to a table before its indexes are set aside.
pub const DEFER_AFTER_ROWS: u64 = 100_000;

/// Secondary indexes of some tables, set aside once enough rows were added.
#[derive(Debug)]
pub struct DeferredIndexes {
    tables: Vec<Deferred>,
}

#[derive(Debug)]
struct Deferred {
    table: &'static str,
    /// Rows the table had when the import began (an estimate: its largest rowid).
    rows_before: u64,
    /// The share of `rows_before` to write before the indexes are set aside (1 / share).
    share: u64,
    /// The indexes set aside: name and the SQL that creates them.
    dropped: Option<Vec<(String, String)>>,
}

impl DeferredIndexes {
    /// Watches `tables` (names from the schema, never from input), each with the share of its
    /// rows (1 / `share`) the import must have written before its indexes are set aside: 2 for
    /// a table rows are added to; more for one whose rows are updated at random places (a
    /// payment rewrites its invoice's entries in the partial indexes, and moves them when it
    /// settles the invoice: 500,000 payments on 1M invoices, 31.6 -> 21.7 s cpu with the
    /// invoices' indexes set aside after 100,000).
    pub fn new(conn: &Connection, tables: &[(&'static str, u64)]) -> Result<DeferredIndexes> {
        let tables = tables
            .iter()
            .map(|&(table, share)| {
                let rows: Option<i64> = conn
                    .query_row(&format!("SELECT max(rowid) FROM {table}"), [], |r| r.get(0))
                    .with_context(|| format!("cannot count the rows of {table}"))?;
                Ok(Deferred {
                    table,
                    share: share.max(1),
                    rows_before: rows.map_or(0, |n| n.unsigned_abs()),
                    dropped: None,
                })
            })
            .collect::<Result<_>>()?;
        Ok(DeferredIndexes { tables })
    }

    /// Notes that `added` rows in all were written to each table so far; sets a table's
    /// indexes aside when that is at least [`DEFER_AFTER_ROWS`] and its share of the table's rows.
    pub fn added(&mut self, conn: &Connection, added: u64) -> Result<()> {
        for t in &mut self.tables {
            if t.dropped.is_some() || added < DEFER_AFTER_ROWS.max(t.rows_before / t.share) {
                continue;
            }
            let indexes = secondary_indexes(conn, t.table)?;
            for (name, _) in &indexes {
                conn.execute_batch(&format!("DROP INDEX \"{name}\""))
                    .with_context(|| format!("cannot set index {name} aside"))?;
            }
            t.dropped = Some(indexes);
        }
        Ok(())
    }

    /// Whether any index was set aside (and [`DeferredIndexes::rebuild`] will sort).
    pub fn any_set_aside(&self) -> bool {
        self.tables.iter().any(|t| t.dropped.is_some())
    }

    /// Builds again every index set aside (call before committing).
    pub fn rebuild(self, conn: &Connection) -> Result<()> {
        for t in self.tables {
            for (name, sql) in t.dropped.into_iter().flatten() {
                conn.execute_batch(&sql)
                    .with_context(|| format!("cannot build index {name} again"))?;
            }
        }
        Ok(())
    }
}

/// The indexes of `table` that are neither unique nor a constraint's (those check rows as
/// they come), with the SQL that creates them.
fn secondary_indexes(conn: &Connection, table: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.name, m.sql FROM sqlite_master m
         WHERE m.type = 'index' AND m.tbl_name = ?1 AND m.sql IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pragma_index_list(?1) l
                           WHERE l.name = m.name AND l.\"unique\")
         ORDER BY m.name",
    )?;
    let rows = stmt.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Inserts an invoice that cannot exist yet: the import found the table empty when it began
/// and refuses a number twice in one file, so there is nothing to read first and no conflict
/// to resolve (a new invoice is open: the status keeps its default). Its audit event is
/// written afterwards by [`invoice_created_events`].
pub fn insert_new_invoice(
    conn: &Connection,
    input: &super::invoices::InvoiceInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    super::invoices::write_input(
        conn,
        "INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount, pdf_path,
                               description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        input,
        now,
    )
}

/// The `invoice.created` events of every invoice in the table, in the order they were
/// inserted, as one statement: for an import into an empty table, where every row is one of
/// its new invoices. Each event is the one the row-by-row path appends (actor `import`, the
/// detail `{"amount":…,"due_date":…}` as serde_json writes it: the stored amount and date
/// are the same text as their JSON strings). Returns how many were written.
pub fn invoice_created_events(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    use crate::domain::{Actor, EventKind};
    conn.execute(
        "INSERT INTO events (at, actor, kind, client_id, invoice_number, detail)
             SELECT ?1, ?2, ?3, client_id, number,
                    json_object('amount', amount, 'due_date', due_date)
             FROM invoices ORDER BY rowid",
        rusqlite::params![super::ts(now), Actor::Import, EventKind::InvoiceCreated],
    )
    .context("cannot write the new invoices' events")
}

/// Whether `table` (a name from the schema, never from input) has no row.
pub fn is_empty(conn: &Connection, table: &'static str) -> Result<bool> {
    conn.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
        [],
        |r| r.get(0),
    )
    .with_context(|| format!("cannot read {table}"))
}
