//! Reading the CSV itself, one record at a time: the separator, the header row, records with
//! their true line numbers. Nothing of the file is kept once its row has been handled.

use std::borrow::Cow;
use std::io::Read;

use anyhow::{Context, Result};

use super::columns::known_columns;
use super::encoding::{Breaks, Decoder};
use super::mapping::{ColumnMap, header_names};
use super::reading::{Problems, Progress};
use super::{ImportError, Kind};

/// The file's columns under cobrador's names ("" for an ignored one), with the positions of
/// each known field's aliases worked out once per file rather than once per row.
pub(super) struct Columns {
    names: Vec<String>,
    fields: Vec<(&'static [&'static str], Vec<usize>)>,
}

impl Columns {
    pub(super) fn new(names: Vec<String>, kind: Kind) -> Columns {
        let fields = known_columns(kind)
            .into_iter()
            .map(|aliases| (aliases, positions(&names, aliases)))
            .collect();
        Columns { names, fields }
    }

    /// The column's name, for messages.
    pub(super) fn name(&self, i: usize) -> &str {
        self.names.get(i).map_or("", String::as_str)
    }

    /// Positions of the columns named by `aliases`, in the aliases' order.
    fn positions(&self, aliases: &[&str]) -> Cow<'_, [usize]> {
        self.fields
            .iter()
            .find(|(known, _)| std::ptr::eq(*known, aliases) || *known == aliases)
            .map_or_else(
                || Cow::Owned(positions(&self.names, aliases)),
                |(_, at)| Cow::Borrowed(at.as_slice()),
            )
    }
}

fn positions(names: &[String], aliases: &[&str]) -> Vec<usize> {
    aliases
        .iter()
        .filter_map(|a| names.iter().position(|n| n == a))
        .collect()
}

/// A row's values: a CSV record or a sheet's cells.
#[derive(Clone, Copy)]
pub(super) enum Values<'r> {
    Record(&'r csv::StringRecord),
    Cells(&'r [String]),
}

/// One data row, borrowed from the reader while it is handled.
pub(super) struct Row<'r> {
    pub(super) line: u64,
    pub(super) columns: &'r Columns,
    pub(super) values: Values<'r>,
}

impl Row<'_> {
    fn value(&self, i: usize) -> Option<&str> {
        match self.values {
            Values::Record(r) => r.get(i),
            Values::Cells(c) => c.get(i).map(String::as_str),
        }
    }

    /// Whether the file has a column under one of these names (empty or not).
    pub(super) fn has(&self, aliases: &[&str]) -> bool {
        !self.columns.positions(aliases).is_empty()
    }

    /// The value under these names; `keep` when the file has no such column at all.
    pub(super) fn or_keep<T>(
        &self,
        aliases: &[&str],
        keep: Option<T>,
        read: impl FnOnce(&str) -> T,
    ) -> Option<T> {
        if self.has(aliases) {
            self.get(aliases).map(read)
        } else {
            keep
        }
    }

    /// The first non-empty value among the header aliases.
    pub(super) fn get(&self, aliases: &[&str]) -> Option<&str> {
        self.columns
            .positions(aliases)
            .iter()
            .filter_map(|i| self.value(*i))
            .map(str::trim)
            .find(|v| !v.is_empty())
    }

    pub(super) fn require(&self, aliases: &[&str]) -> Result<&str> {
        self.get(aliases)
            .with_context(|| format!("missing {} (column {})", aliases[0], aliases.join(" / ")))
    }
}

/// Reads the CSV text of `decoder`, handing each data row to `each` as it is read. Refusals
/// of the file itself come before any row's: its encoding (anywhere in it), its header, then
/// its records' shape (every one reported); rows are no longer handed out once the file is
/// refused. An error of `each` stops the reading at once.
pub(super) fn read_csv<R: Read>(
    name: &str,
    mut decoder: Decoder<R>,
    kind: Kind,
    map: Option<&ColumnMap>,
    progress: &mut Progress,
    each: &mut dyn FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let header = decoder
        .first_line()
        .with_context(|| format!("cannot read {name}"))?;
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| header.matches(*d as char).count())
        .unwrap_or(b',');
    let breaks = decoder.breaks();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(decoder);
    let names = match reader.headers() {
        Ok(raw) => header_names(name, 1, raw.iter(), kind, map),
        Err(e) => Err(single(name, 1, &format!("cannot read the header row: {e}"))),
    };
    let columns = match names {
        Ok(names) => Columns::new(names, kind),
        Err(refusal) => {
            // A file in a doubtful encoding is refused for that first.
            reader.into_inner().finish()?;
            return Err(refusal.into());
        }
    };
    let mut problems = Problems::default();
    let mut lines = LineCounter::new(breaks);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) if reader.get_ref().refused() => break,
            Ok(true) => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
                if let Some(problem) = too_long(name, line, &record, &columns) {
                    problems.push(problem);
                } else if problems.is_empty() {
                    each(&Row {
                        line,
                        columns: &columns,
                        values: Values::Record(&record),
                    })?;
                }
                progress.row(Some(reader.get_ref().raw_read()));
            }
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(e).with_context(|| format!("cannot read {name}"));
                }
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                problems.push(format!("{name}:{line}: {}", record_error(&e)));
            }
        }
    }
    reader.into_inner().finish()?;
    problems.into_result(name)
}

/// A value too long to be one (a quote left open swallows the lines after it).
fn too_long(
    name: &str,
    line: u64,
    record: &csv::StringRecord,
    columns: &Columns,
) -> Option<String> {
    let (i, f) = record
        .iter()
        .enumerate()
        .find(|(_, f)| f.len() > MAX_FIELD)?;
    Some(format!(
        "{name}:{line}: the value in column {} ({}) is {} bytes long; \
         the largest accepted is {MAX_FIELD} (is a quote left open?)",
        i + 1,
        columns.name(i),
        f.len()
    ))
}

fn record_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "{len} fields where the header has {expected_len} (is a value with the separator missing its quotes?)"
        ),
        _ => e.to_string(),
    }
}

/// The longest value accepted in one cell: far above any name, address or note, and small
/// enough that a runaway quote cannot drag megabytes into the database.
pub(super) const MAX_FIELD: usize = 64 * 1024;

/// Line numbers from byte offsets: the decoder notes where the CR and LF bytes it hands out
/// are, and records come in order, so each break is counted once and then dropped.
struct LineCounter {
    breaks: Breaks,
    /// LF bytes before the last record.
    line: u64,
}

impl LineCounter {
    fn new(breaks: Breaks) -> LineCounter {
        LineCounter { breaks, line: 0 }
    }

    /// The 1-based line a record starts on, from its byte offset: the csv crate counts a
    /// CR LF pair's CR as the record's end and starts the next record at the LF, so the line
    /// breaks the record starts with are counted too.
    fn line_of(&mut self, start: u64) -> u64 {
        let mut breaks = self.breaks.borrow_mut();
        while let Some(&(at, lf)) = breaks.front() {
            if at >= start {
                break;
            }
            self.line += u64::from(lf);
            breaks.pop_front();
        }
        let skipped = breaks
            .iter()
            .zip(start..)
            .take_while(|((at, _), expected)| at == expected)
            .filter(|((_, lf), _)| *lf)
            .count() as u64;
        self.line + skipped + 1
    }
}

fn single(name: &str, line: u64, reason: &str) -> ImportError {
    ImportError {
        file: name.to_owned(),
        errors: vec![format!("{name}:{line}: {reason}")],
    }
}
