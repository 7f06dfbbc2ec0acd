//! `--columns map.toml`: an invoicing program's column names mapped to cobrador's, so its
//! export is imported as it is, without code per program and without editing the file.
//!
//! ```toml
//! # Columns of the export to leave out (their values are not needed).
//! ignore = ["Base imponible", "IVA", "Estado"]
//!
//! [columns]
//! "Nº factura" = "number"
//! "NIF cliente" = "client"
//! "Fecha" = "issue_date"
//! "Vencimiento" = "due_date"
//! "Total" = "amount"
//! ```
//!
//! Names are compared as the importer compares headers (case, accents, spaces and dots do not
//! matter). A column the map neither renames nor ignores must still be one cobrador knows, so a
//! program's new column is reported rather than dropped. See README "Import" for maps of
//! Holded, Contasimple, Factusol and Quipu exports.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

use super::columns::{edit_distance, known_columns, unknown_headers};
use super::{ImportError, Kind, normalise_header};

/// A mapping file: renamed and ignored columns.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ColumnMap {
    /// The file's column name → cobrador's column name (any of its aliases).
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Columns of the file to leave out.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Where the map was read from, for error messages.
    #[serde(skip)]
    pub source: String,
}

impl ColumnMap {
    /// Reads a mapping file; the error names the file and the line.
    pub fn load(path: &Path) -> Result<ColumnMap> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the column map {}", path.display()))?;
        let mut map: ColumnMap = toml::from_str(&text).with_context(|| {
            format!(
                "{}: not a column map (see README, \"--columns\")",
                path.display()
            )
        })?;
        map.source = path.display().to_string();
        Ok(map)
    }

    /// Each target must be a column of this kind of file.
    fn check(&self, kind: Kind) -> Vec<String> {
        let known: Vec<&str> = known_columns(kind).into_iter().flatten().copied().collect();
        let mut errors = Vec::new();
        for (from, to) in &self.columns {
            let target = normalise_header(to);
            if known.contains(&target.as_str()) {
                continue;
            }
            let hint = known
                .iter()
                .map(|k| (edit_distance(&target, k), *k))
                .min()
                .filter(|(d, _)| *d <= 3)
                .map_or_else(
                    || {
                        format!(
                            "use one of {}",
                            known_columns(kind)
                                .iter()
                                .map(|a| a[0])
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                    |(_, k)| format!("did you mean {k}?"),
                );
            errors.push(format!(
                "{}: \"{from}\" = \"{to}\": {to:?} is not a column of {} files: {hint}",
                self.source,
                format!("{kind:?}").to_lowercase()
            ));
        }
        errors
    }

    /// The cobrador name of one of the file's headers ("" when ignored).
    fn rename(&self, header: &str) -> String {
        let n = normalise_header(header);
        if self.ignore.iter().any(|i| normalise_header(i) == n) {
            return String::new();
        }
        self.columns
            .iter()
            .find(|(from, _)| normalise_header(from) == n)
            .map_or(n, |(_, to)| normalise_header(to))
    }
}

/// The header row as cobrador's column names, checked: a file without headers, an unknown
/// column or two columns meaning the same field are refused on line (or row) `line`.
pub(super) fn header_names<'a>(
    name: &str,
    line: u64,
    raw: impl IntoIterator<Item = &'a str>,
    kind: Kind,
    map: Option<&ColumnMap>,
) -> Result<Vec<String>, ImportError> {
    let refuse = |errors: Vec<String>| ImportError {
        file: name.to_owned(),
        errors,
    };
    if let Some(map) = map {
        let errors = map.check(kind);
        if !errors.is_empty() {
            return Err(refuse(errors));
        }
    }
    let raw: Vec<&str> = raw.into_iter().collect();
    let headers: Vec<String> = raw
        .iter()
        .map(|h| map.map_or_else(|| normalise_header(h), |m| m.rename(h)))
        .collect();
    if raw.iter().all(|h| h.trim().is_empty()) {
        return Err(refuse(vec![format!(
            "{name}:{line}: the file has no header row"
        )]));
    }
    let unknown: Vec<String> = unknown_headers(name, &headers, kind)
        .into_iter()
        .map(|e| match line {
            1 => e,
            _ => e.replacen(&format!("{name}:1:"), &format!("{name}:{line}:"), 1),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(refuse(unknown));
    }
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        if let Some(j) = first.insert(h, i) {
            errors.push(format!(
                "{name}:{line}: columns {:?} and {:?} both give {h}: keep one, or ignore the other in --columns",
                raw[j], raw[i]
            ));
        }
    }
    if errors.is_empty() {
        Ok(headers)
    } else {
        Err(refuse(errors))
    }
}
