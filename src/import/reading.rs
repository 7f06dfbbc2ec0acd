//! The reading step: a file's bytes to named rows, whatever the owner saved (CSV in UTF-8,
//! UTF-16 or Windows-1252; XLSX, ODS or XLS), with the owner's column map applied.

use anyhow::Result;

use super::mapping::ColumnMap;
use super::table::Table;
use super::{ImportError, Kind, encoding, sheet};

/// How to read a file: options of `cobrador import`.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--columns map.toml`: the file's column names mapped to cobrador's.
    pub columns: Option<ColumnMap>,
    /// `--sheet NAME`: the sheet of a workbook to read (the first when absent).
    pub sheet: Option<String>,
}

/// Reads `bytes` (named `name` in errors) into rows.
pub(super) fn read_table(
    name: &str,
    bytes: &[u8],
    kind: Kind,
    options: &ReadOptions,
) -> Result<Table> {
    if sheet::is_spreadsheet(bytes) {
        return sheet::read(
            name,
            bytes,
            kind,
            options.columns.as_ref(),
            options.sheet.as_deref(),
        );
    }
    if let Some(s) = &options.sheet {
        return Err(ImportError {
            file: name.to_owned(),
            errors: vec![format!(
                "{name}: --sheet {s:?} given, but this is a CSV file, not a spreadsheet"
            )],
        }
        .into());
    }
    let (text, _) = encoding::decode(name, bytes)?;
    Table::read(name, &text, kind, options.columns.as_ref())
}
