//! Spreadsheets read directly (XLSX, ODS, and old XLS), so the owner need not save a CSV.
//!
//! The first sheet is read unless `--sheet` names another; its first non-empty row is the
//! header. Errors cite the sheet's own row numbers (`facturas.xlsx:7`), the ones the owner
//! sees at the left of the window, empty rows included. Cells become the text the CSV importer reads: numbers
//! exactly (`1210.5`, never `1210.4999999`), dates as `yyyy-mm-dd`, so a spreadsheet and its
//! CSV export import the same.

use std::io::Cursor;

use anyhow::Result;
use calamine::{Data, Reader, Sheets, open_workbook_auto_from_rs};
use rust_decimal::Decimal;

use super::encoding::{mis_decoded, mis_decoded_error};
use super::mapping::{ColumnMap, header_names};
use super::reading::{Problems, Progress};
use super::table::{Columns, Row, Values};
use super::{ImportError, Kind};

/// Whether `bytes` look like a spreadsheet (a ZIP container or an OLE2 compound file).
pub(super) fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads one sheet of a workbook, handing each row to `each` (as [`super::table::read_csv`]).
pub(super) fn read(
    name: &str,
    bytes: &[u8],
    kind: Kind,
    map: Option<&ColumnMap>,
    sheet: Option<&str>,
    progress: &mut Progress,
    each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let single = |reason: String| ImportError {
        file: name.to_owned(),
        errors: vec![format!("{name}: {reason}")],
    };
    let mut book: Sheets<_> = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        single(format!(
            "not a spreadsheet cobrador can read ({e}): save it as .xlsx or .ods, or as CSV UTF-8"
        ))
    })?;
    let names = book.sheet_names();
    let chosen = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                single(format!(
                    "no sheet named {s:?}: the sheets are {}",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| single("the workbook has no sheets".to_owned()))?,
    };
    // The reader can panic on a damaged file (a cell reference past what a sheet holds
    // overflows its arithmetic; found by tests/fuzz.rs): an error naming the fix instead.
    let range = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        book.worksheet_range(&chosen)
    }))
    .map_err(|_| {
        single(format!(
            "sheet {chosen:?} is damaged (its cell references cannot be read): open the file and \
             save it again, or save it as CSV UTF-8"
        ))
    })?
    .map_err(|e| single(format!("cannot read sheet {chosen:?}: {e}")))?;
    let label = name.to_owned();
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c);
    let mut rows = range.rows().enumerate().filter_map(|(i, cells)| {
        let number = u64::from(first_row) + i as u64 + 1;
        let text: Vec<String> = cells.iter().map(cell_text).collect();
        (!text.iter().all(|t| t.trim().is_empty())).then_some((number, text))
    });
    let Some((header_row, header)) = rows.next() else {
        return Err(single(format!("sheet {chosen:?} is empty")).into());
    };
    let columns = Columns::new(
        header_names(
            &label,
            header_row,
            header.iter().map(String::as_str),
            kind,
            map,
        )?,
        kind,
    );
    let mut problems = Problems::default();
    for (number, cells) in rows {
        if let Some(problem) = cell_problem(&label, number, &cells, &header, first_col) {
            problems.push(problem);
            continue;
        }
        if problems.is_empty() {
            each(&Row {
                line: number,
                columns: &columns,
                values: Values::Cells(&cells),
            })?;
        }
        progress.row(None);
    }
    problems.into_result(&label)
}

/// Text mis-decoded before it reached the sheet, or a formula error, in one of a row's cells.
fn cell_problem(
    label: &str,
    number: u64,
    cells: &[String],
    header: &[String],
    first_col: u32,
) -> Option<String> {
    if let Some(pair) = cells.iter().find_map(|c| mis_decoded(c)) {
        return Some(mis_decoded_error(label, number, &pair));
    }
    let (i, e) = cells
        .iter()
        .enumerate()
        .find(|(_, c)| c.starts_with("#ERROR "))?;
    Some(format!(
        "{label}:{number}: column {} ({}) holds a formula error {}: correct it in the sheet",
        first_col as usize + i + 1,
        header.get(i).map_or("", String::as_str),
        &e["#ERROR ".len()..]
    ))
}

/// A cell as the text a CSV export would hold.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "sí" } else { "no" }.to_owned(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) => dt.to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#ERROR {e}"),
    }
}

/// `1210.0` → `1210`, `1210.5` → `1210.5`, binary noise (`0.1 + 0.2`) rounded away; three
/// decimals get a fourth digit so the amount reader does not take `1.234` for thousands.
fn number_text(f: f64) -> String {
    let Some(d) = Decimal::from_f64_retain(f) else {
        return f.to_string();
    };
    let d = d.round_dp(9).normalize();
    let text = d.to_string();
    if d.scale() == 3 {
        format!("{text}0")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::number_text;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number_text(1210.0), "1210");
        assert_eq!(number_text(1210.5), "1210.5");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(1.234), "1.2340");
        assert_eq!(number_text(2026001.0), "2026001");
    }
}
