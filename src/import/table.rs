//! Reading the CSV itself: the separator, the header row, records with their true line numbers.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use super::mapping::{ColumnMap, header_names};
use super::{ImportError, Kind};

/// A parsed CSV: normalised header names and rows with their line numbers.
pub(super) struct Table {
    pub(super) rows: Vec<Row>,
}

pub(super) struct Row {
    pub(super) line: u64,
    pub(super) fields: BTreeMap<String, String>,
}

impl Row {
    /// Whether the file has a column under one of these names (empty or not).
    pub(super) fn has(&self, aliases: &[&str]) -> bool {
        aliases.iter().any(|a| self.fields.contains_key(*a))
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
        aliases
            .iter()
            .filter_map(|a| self.fields.get(*a))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
    }

    pub(super) fn require(&self, aliases: &[&str]) -> Result<&str> {
        self.get(aliases)
            .with_context(|| format!("missing {} (column {})", aliases[0], aliases.join(" / ")))
    }
}

impl Table {
    pub(super) fn read(
        name: &str,
        text: &str,
        kind: Kind,
        map: Option<&ColumnMap>,
    ) -> Result<Table> {
        let header = text.lines().next().unwrap_or_default();
        let delimiter = [b';', b',', b'\t']
            .into_iter()
            .max_by_key(|d| header.matches(*d as char).count())
            .unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let raw = reader
            .headers()
            .map_err(|e| single(name, 1, &format!("cannot read the header row: {e}")))?
            .clone();
        let headers = header_names(name, 1, raw.iter(), kind, map)?;
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        let mut lines = LineCounter::default();
        for record in reader.records() {
            match record {
                Ok(rec) => {
                    if rec.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    let line = rec.position().map_or(0, |p| lines.line_of(text, p));
                    if let Some((i, f)) = rec.iter().enumerate().find(|(_, f)| f.len() > MAX_FIELD)
                    {
                        errors.push(format!(
                            "{name}:{line}: the value in column {} ({}) is {} bytes long; \
                             the largest accepted is {MAX_FIELD} (is a quote left open?)",
                            i + 1,
                            headers.get(i).map_or("", String::as_str),
                            f.len()
                        ));
                        continue;
                    }
                    let fields = headers
                        .iter()
                        .cloned()
                        .zip(rec.iter().map(str::to_owned))
                        .collect();
                    rows.push(Row { line, fields });
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.line_of(text, p));
                    let reason = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!(
                            "{len} fields where the header has {expected_len} (is a value with the separator missing its quotes?)"
                        ),
                        _ => e.to_string(),
                    };
                    errors.push(format!("{name}:{line}: {reason}"));
                }
            }
        }
        if !errors.is_empty() {
            return Err(ImportError {
                file: name.to_owned(),
                errors,
            }
            .into());
        }
        Ok(Table { rows })
    }
}

/// The longest value accepted in one cell: far above any name, address or note, and small
/// enough that a runaway quote cannot drag megabytes into the database.
pub(super) const MAX_FIELD: usize = 64 * 1024;

/// Line numbers from byte offsets, counted incrementally (records come in order, so the whole
/// file is scanned once, not once per record).
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: u64,
}

impl LineCounter {
    /// The 1-based line a record starts on, counted from its byte offset: the csv crate counts
    /// a CR LF pair's CR as the record's end and reports the line before (one too low).
    fn line_of(&mut self, text: &str, pos: &csv::Position) -> u64 {
        let bytes = text.as_bytes();
        let start = usize::try_from(pos.byte())
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        if start < self.byte {
            *self = LineCounter::default();
        }
        self.line += bytes[self.byte..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.byte = start;
        let skipped = bytes[start..]
            .iter()
            .take_while(|b| **b == b'\r' || **b == b'\n')
            .filter(|b| **b == b'\n')
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
