//! The reading step: a file's bytes to named rows, whatever the owner saved (CSV in UTF-8,
//! UTF-16 or Windows-1252; XLSX, ODS or XLS), with the owner's column map applied.
//!
//! A CSV file is streamed: each row is handed to the importer as it is read and dropped, so
//! a million-row file needs no more memory than a ten-row one. Workbooks are read whole (the
//! spreadsheet libraries do; Excel stops at 1,048,576 rows anyway).

use std::io::{IsTerminal, Read};

use anyhow::{Context, Result};

use super::encoding::Decoder;
use super::mapping::ColumnMap;
use super::table::Row;
use super::{ImportError, Kind, sheet, table};

/// How to read a file: options of `cobrador import`.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--columns map.toml`: the file's column names mapped to cobrador's.
    pub columns: Option<ColumnMap>,
    /// `--sheet NAME`: the sheet of a workbook to read (the first when absent).
    pub sheet: Option<String>,
}

/// Rows between two progress lines.
pub const PROGRESS_EVERY: u64 = 100_000;

/// Reads `source` (named `name` in errors; `size` bytes when known, for progress), handing
/// each row to `each` as it is read. The file's own problems (encoding, header, shape) are
/// returned as an [`ImportError`] and outrank any a row handler found.
pub(super) fn read_rows(
    name: &str,
    mut source: impl Read,
    size: Option<u64>,
    kind: Kind,
    options: &ReadOptions,
    progress: bool,
    each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut head = Vec::with_capacity(4);
    (&mut source)
        .take(4)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {name}"))?;
    let mut progress = Progress::new(name, size, progress_on(progress));
    if sheet::is_spreadsheet(&head) {
        let mut bytes = head;
        source
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
        let map = options.columns.as_ref();
        let chosen = options.sheet.as_deref();
        return sheet::read(name, &bytes, kind, map, chosen, &mut progress, each);
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
    let decoder = Decoder::new(name, std::io::Cursor::new(head).chain(source));
    let map = options.columns.as_ref();
    table::read_csv(name, decoder, kind, map, &mut progress, each)
}

/// The most problems listed in one refusal: a file wrong on every line (a date format, a
/// shifted column) is told by its first lines, and a million lines would drown them.
pub const MOST_PROBLEMS_LISTED: usize = 100;

/// The problems found in a file, the first [`MOST_PROBLEMS_LISTED`] listed, the rest counted.
#[derive(Debug, Default)]
pub(super) struct Problems {
    listed: Vec<String>,
    more: usize,
}

impl Problems {
    pub(super) fn push(&mut self, problem: String) {
        if self.listed.len() < MOST_PROBLEMS_LISTED {
            self.listed.push(problem);
        } else {
            self.more += 1;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The refusal of file `name`, if anything was found.
    pub(super) fn into_result(self, name: &str) -> Result<()> {
        if self.listed.is_empty() {
            return Ok(());
        }
        let mut errors = self.listed;
        if self.more > 0 {
            errors.push(format!(
                "{name}: and {} more problems (only the first {MOST_PROBLEMS_LISTED} are \
                 listed): correct these and import again to see the rest",
                self.more
            ));
        }
        Err(ImportError {
            file: name.to_owned(),
            errors,
        }
        .into())
    }
}

/// Progress of a long import on stderr: a line every [`PROGRESS_EVERY`] rows, when asked or
/// when stderr is a terminal (never in a log by default).
pub(super) struct Progress {
    name: String,
    size: Option<u64>,
    on: bool,
    rows: u64,
}

/// Whether progress is shown: asked for, or stderr is a terminal.
pub(super) fn progress_on(asked: bool) -> bool {
    asked || std::io::stderr().is_terminal()
}

impl Progress {
    fn new(name: &str, size: Option<u64>, on: bool) -> Progress {
        Progress {
            name: name.to_owned(),
            size,
            on,
            rows: 0,
        }
    }

    /// One more row read; `bytes` of the file read so far, when known.
    pub(super) fn row(&mut self, bytes: Option<u64>) {
        self.rows += 1;
        if !self.on || !self.rows.is_multiple_of(PROGRESS_EVERY) {
            return;
        }
        match (bytes, self.size.filter(|s| *s > 0)) {
            (Some(read), Some(size)) => eprintln!(
                "{}: {} rows read ({} % of the file)",
                self.name,
                self.rows,
                read.min(size) * 100 / size
            ),
            _ => eprintln!("{}: {} rows read", self.name, self.rows),
        }
    }
}
