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
            t.dropped = Some(set_aside(conn, t.table, false)?);
        }
        Ok(())
    }

    /// Sets the indexes of `table` aside now, for rows added to a table that was empty, once
    /// its first rows are in: sorting the new rows once costs less than keeping each index in
    /// step row by row. A partial index none of those first rows is in stays (rows like them
    /// will not be in it either: the invoices' closed history for new, open invoices; building
    /// it again would read the whole table to find none).
    pub fn set_aside_first(&mut self, conn: &Connection, table: &str) -> Result<()> {
        for t in &mut self.tables {
            if t.table == table && t.dropped.is_none() {
                t.dropped = Some(set_aside(conn, t.table, true)?);
            }
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

/// Drops the secondary indexes of `table`, but with `unless_empty` not a partial index no
/// row of the table is in; their names and SQL.
fn set_aside(conn: &Connection, table: &str, unless_empty: bool) -> Result<Vec<(String, String)>> {
    let mut indexes = secondary_indexes(conn, table)?;
    if unless_empty {
        let mut empty = Vec::with_capacity(indexes.len());
        for (_, sql) in &indexes {
            empty.push(match partial_condition(sql) {
                Some(condition) => !conn.query_row(
                    &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {condition})"),
                    [],
                    |r| r.get::<_, bool>(0),
                )?,
                None => false,
            });
        }
        let mut empty = empty.into_iter();
        indexes.retain(|_| !empty.next().unwrap_or(false));
    }
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{name}\""))
            .with_context(|| format!("cannot set index {name} aside"))?;
    }
    Ok(indexes)
}

/// The `WHERE` condition of a partial index's SQL (from the schema: an index's columns and
/// expressions hold no `WHERE`).
fn partial_condition(sql: &str) -> Option<&str> {
    let at = sql.to_ascii_uppercase().rfind("WHERE")?;
    Some(&sql[at + "WHERE".len()..])
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

/// Text fields of a row of [`NewInvoices`]: the invoice's eight, then its event's detail.
const FIELDS: usize = 9;

/// Rows per `INSERT` of [`insert_new_invoices`]: one statement's fixed cost (VDBE set-up,
/// reset, the call through rusqlite) shared by many rows.
pub const INVOICES_PER_INSERT: usize = 64;

/// New invoices to insert, their fields already the text stored (dates as ISO days, amounts
/// as [`Money`](crate::domain::Money) writes them) in one buffer, with the detail of each
/// one's `invoice.created` event: a batch is made on one thread and written on another, and
/// one buffer is one allocation to free, not seven a row.
#[derive(Debug, Default)]
pub struct NewInvoices {
    text: String,
    /// Each row's fields in [`InvoiceInput`](super::invoices::InvoiceInput)'s order, then
    /// its event's detail: where the row's text starts, where each field ends, and which are
    /// NULL (bit per field).
    rows: Vec<(u32, [u32; FIELDS], u16)>,
}

impl NewInvoices {
    /// An empty batch with room for `rows` rows.
    pub fn with_capacity(rows: usize) -> NewInvoices {
        NewInvoices {
            text: String::with_capacity(rows * 96),
            rows: Vec::with_capacity(rows),
        }
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds `input`'s row, its fields as the row-by-row insert binds them.
    pub fn push(&mut self, input: &super::invoices::InvoiceInput) {
        use std::fmt::Write;
        let start = self.offset();
        let mut ends = [0; FIELDS];
        let mut nulls = 0u16;
        let mut field = |text: &mut String, i: usize, value: Option<&dyn std::fmt::Display>| {
            match value {
                // Writing to a String cannot fail.
                Some(v) => {
                    let _ = write!(text, "{v}");
                }
                None => nulls |= 1 << i,
            }
            ends[i] = u32::try_from(text.len()).unwrap_or(u32::MAX);
        };
        let t = &mut self.text;
        field(t, 0, Some(&input.number));
        field(t, 1, Some(&input.client_id));
        // rusqlite's `NaiveDate` is "%F"; `Money` writes its decimal.
        field(t, 2, Some(&input.issue_date.format("%F")));
        field(t, 3, Some(&input.due_date.format("%F")));
        field(t, 4, Some(&input.currency));
        field(t, 5, Some(&input.amount.0));
        field(
            t,
            6,
            input.pdf_path.as_ref().map(|p| p as &dyn std::fmt::Display),
        );
        field(
            t,
            7,
            input
                .description
                .as_ref()
                .map(|d| d as &dyn std::fmt::Display),
        );
        // The detail the row-by-row path writes (`json!({"amount", "due_date"})`): the
        // decimal and the day have nothing JSON escapes.
        let detail = format!(
            r#"{{"amount":"{}","due_date":"{}"}}"#,
            input.amount.0,
            input.due_date.format("%F")
        );
        field(t, 8, Some(&detail));
        self.rows.push((start, ends, nulls));
    }

    fn offset(&self) -> u32 {
        u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    /// Field `i` of row `row`: its text, or `None` for NULL.
    fn field(&self, row: usize, i: usize) -> Option<&str> {
        let (start, ends, nulls) = &self.rows[row];
        if nulls & (1 << i) != 0 {
            return None;
        }
        let from = if i == 0 { *start } else { ends[i - 1] };
        self.text.get(from as usize..ends[i] as usize)
    }

    /// Row `row`'s invoice number, for messages.
    fn number(&self, row: usize) -> &str {
        self.field(row, 0).unwrap_or_default()
    }
}

/// Inserts invoices that cannot exist yet, in order, each followed by its `invoice.created`
/// event: the import found the table empty when it began and refuses a number twice in one
/// file, so there is nothing to read first and no conflict to resolve (a new invoice is open:
/// the status keeps its default). Rows go in by [`INVOICES_PER_INSERT`] per statement (the
/// rowids follow the order of its `VALUES`, as one statement per row would give them), and
/// their events after them in the same order: the same ids as events appended one by one,
/// as nothing else writes events meanwhile.
pub fn insert_new_invoices(
    conn: &Connection,
    batch: &NewInvoices,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    use crate::domain::{Actor, EventKind};
    let whole = batch.len() / INVOICES_PER_INSERT * INVOICES_PER_INSERT;
    let at = super::ts(now);
    let mut row = 0;
    while row < batch.len() {
        let rows = if row < whole { INVOICES_PER_INSERT } else { 1 };
        let (invoices, events) = many_rows_sql(rows);
        // `OR FAIL`: no statement journal for a statement of many rows (an error fails the
        // import, and its transaction is rolled back whole).
        let mut stmt = conn.prepare_cached(invoices)?;
        stmt.raw_bind_parameter(1, &at)?;
        for k in 0..rows {
            for i in 0..8 {
                stmt.raw_bind_parameter(2 + 8 * k + i, batch.field(row + k, i))?;
            }
        }
        let first_last = || (batch.number(row), batch.number(row + rows - 1));
        stmt.raw_execute().with_context(|| {
            let (first, last) = first_last();
            format!("Failed to save invoices {first} to {last}")
        })?;
        let mut stmt = conn.prepare_cached(events)?;
        stmt.raw_bind_parameter(1, &at)?;
        stmt.raw_bind_parameter(2, Actor::Import)?;
        stmt.raw_bind_parameter(3, EventKind::InvoiceCreated)?;
        for k in 0..rows {
            let at = 4 + 3 * k;
            stmt.raw_bind_parameter(at, batch.field(row + k, 1))?;
            stmt.raw_bind_parameter(at + 1, batch.field(row + k, 0))?;
            stmt.raw_bind_parameter(at + 2, batch.field(row + k, 8))?;
        }
        stmt.raw_execute().with_context(|| {
            let (first, last) = first_last();
            format!("cannot write the events of invoices {first} to {last}")
        })?;
        row += rows;
    }
    Ok(())
}

/// The SQL of [`insert_new_invoices`]' statements (invoices, events) of one row and of
/// [`INVOICES_PER_INSERT`] rows.
fn many_rows_sql(rows: usize) -> (&'static str, &'static str) {
    type Sql = std::sync::OnceLock<(String, String)>;
    static ONE: Sql = Sql::new();
    static MANY: Sql = Sql::new();
    let cell = if rows == 1 { &ONE } else { &MANY };
    let (invoices, events) = cell.get_or_init(|| {
        (
            values_sql(
                "INSERT OR FAIL INTO invoices (created_at, updated_at, number, client_id, \
                 issue_date, due_date, currency, amount, pdf_path, description) VALUES ",
                rows,
                8,
                "?1, ?1",
            ),
            values_sql(
                "INSERT OR FAIL INTO events (at, actor, kind, client_id, invoice_number, \
                 detail) VALUES ",
                rows,
                3,
                "?1, ?2, ?3",
            ),
        )
    });
    (invoices, events)
}

/// `head` and `rows` tuples of `common` (parameters `?1` to `?N` shared by every row) then
/// `fields` parameters of their own, numbered on from `?N+1`.
fn values_sql(head: &str, rows: usize, fields: usize, common: &str) -> String {
    use std::fmt::Write;
    let first = common
        .split('?')
        .filter_map(|n| n.trim_end_matches(", ").parse::<usize>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let mut sql = String::from(head);
    for k in 0..rows {
        sql.push_str(if k == 0 { "(" } else { ", (" });
        sql.push_str(common);
        for i in 0..fields {
            // Writing to a String cannot fail.
            let _ = write!(sql, ", ?{}", first + fields * k + i);
        }
        sql.push(')');
    }
    sql
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

/// Every client's id (as [`super::clients::exists`] finds them: the owner's reserved row too),
/// for an import that checks many rows' clients on another thread.
pub fn client_ids(conn: &Connection) -> Result<foldhash::HashSet<Box<str>>> {
    let mut stmt = conn.prepare("SELECT id FROM clients")?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0).map(String::into_boxed_str))?;
    ids.collect::<rusqlite::Result<_>>()
        .context("cannot read the clients' ids")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_keeps_each_field_as_it_is_bound() {
        let input = |number: &str, pdf: Option<&str>| crate::store::invoices::InvoiceInput {
            number: number.into(),
            client_id: "C1".into(),
            issue_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            currency: "EUR".into(),
            amount: crate::domain::Money(rust_decimal::Decimal::new(123450, 2)),
            pdf_path: pdf.map(Into::into),
            description: None,
        };
        let mut batch = NewInvoices::default();
        batch.push(&input("F1", Some("a.pdf")));
        batch.push(&input("F2", None));
        let fields = |row| (0..FIELDS).map(|i| batch.field(row, i)).collect::<Vec<_>>();
        let detail = r#"{"amount":"1234.50","due_date":"2026-11-02"}"#;
        let first = [
            "F1",
            "C1",
            "2026-10-01",
            "2026-11-02",
            "EUR",
            "1234.50",
            "a.pdf",
        ];
        let mut expected: Vec<_> = first.into_iter().map(Some).collect();
        expected.extend([None, Some(detail)]);
        assert_eq!(fields(0), expected);
        expected[0] = Some("F2");
        expected[6] = None;
        assert_eq!(fields(1), expected);
        assert_eq!(
            serde_json::json!({ "amount": input("F", None).amount, "due_date": input("F", None).due_date }).to_string(),
            detail
        );
    }

    #[test]
    fn many_rows_number_their_parameters_after_the_shared_ones() {
        let (invoices, events) = many_rows_sql(INVOICES_PER_INSERT);
        assert!(
            invoices.contains("VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9), (?1, ?1, ?10,")
        );
        let last = 1 + 8 * INVOICES_PER_INSERT;
        assert!(invoices.ends_with(&format!(", ?{last})")), "{invoices}");
        assert!(events.contains("VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?1, ?2, ?3, ?7, ?8, ?9)"));
        let (one, _) = many_rows_sql(1);
        assert!(
            one.ends_with("VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            "{one}"
        );
    }
}
