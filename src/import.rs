//! All-or-nothing CSV import of clients, invoices and payments, as Spanish and Latin American
//! users export them from Excel and accounting programs.
//!
//! `;`, `,` or tab separated (detected from the header), UTF-8 with or without BOM, quoted
//! fields, amounts `1.234,56` or `1234.56`, dates `dd/mm/yyyy` or ISO. Headers may be English
//! or Spanish (`numero`, `vencimiento`, `importe`...). Every row is checked against the file
//! and the database inside one transaction; any error rolls everything back and every error is
//! reported as `FILE:LINE: reason`. Re-importing the same file changes nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Serialize;

use crate::domain::{Channel, Client, ClientKind, ContactRole, Money, PaymentKind, parse_date};
use crate::store::clients::ContactInput;
use crate::store::{self, Store};

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
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    import_bytes(store, kind, &name, &bytes, defaults, dry_run, now)
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
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError {
        file: name.to_owned(),
        errors: vec![format!(
            "{name}: not UTF-8 (byte {}): save it as \"CSV UTF-8\" in Excel",
            e.valid_up_to()
        )],
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table = Table::read(name, text)?;
    let tx = store.conn_mut().transaction()?;
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut seen = BTreeMap::new();
    for row in &table.rows {
        summary.rows += 1;
        let outcome = match kind {
            Kind::Clients => client_row(&tx, row, defaults, now),
            Kind::Invoices => invoice_row(&tx, row, defaults, now),
            Kind::Payments => payment_row(&tx, row, &mut seen, now),
        };
        match outcome {
            Ok(Change::Created) => summary.created += 1,
            Ok(Change::Updated) => summary.updated += 1,
            Ok(Change::Unchanged) => summary.unchanged += 1,
            Err(e) => errors.push(format!("{name}:{}: {e:#}", row.line)),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError {
            file: name.to_owned(),
            errors,
        }
        .into());
    }
    if dry_run {
        tx.rollback()?;
    } else {
        store::events::append(
            &tx,
            now,
            "import",
            "import.file",
            None,
            None,
            serde_json::json!({ "file": name, "kind": format!("{kind:?}").to_lowercase(), "summary": summary }),
        )?;
        tx.commit().context("Failed to commit the import")?;
    }
    Ok(summary)
}

enum Change {
    Created,
    Updated,
    Unchanged,
}

/// A parsed CSV: normalised header names and rows with their line numbers.
struct Table {
    rows: Vec<Row>,
}

struct Row {
    line: u64,
    fields: BTreeMap<String, String>,
}

impl Row {
    /// The first non-empty value among the header aliases.
    fn get(&self, aliases: &[&str]) -> Option<&str> {
        aliases
            .iter()
            .filter_map(|a| self.fields.get(*a))
            .map(|v| v.trim())
            .find(|v| !v.is_empty())
    }

    fn require(&self, aliases: &[&str]) -> Result<&str> {
        self.get(aliases)
            .with_context(|| format!("missing {} (column {})", aliases[0], aliases.join(" / ")))
    }
}

impl Table {
    fn read(name: &str, text: &str) -> Result<Table> {
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
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| single(name, 1, &format!("cannot read the header row: {e}")))?
            .iter()
            .map(normalise_header)
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(single(name, 1, "the file has no header row").into());
        }
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for record in reader.records() {
            match record {
                Ok(rec) => {
                    if rec.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    let line = rec.position().map(|p| p.line()).unwrap_or(0);
                    let fields = headers
                        .iter()
                        .cloned()
                        .zip(rec.iter().map(str::to_owned))
                        .collect();
                    rows.push(Row { line, fields });
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
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

fn single(name: &str, line: u64, reason: &str) -> ImportError {
    ImportError {
        file: name.to_owned(),
        errors: vec![format!("{name}:{line}: {reason}")],
    }
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

const CLIENT_ID: &[&str] = &[
    "id",
    "client",
    "client_id",
    "cliente",
    "codigo",
    "codigo_cliente",
    "id_cliente",
];
const INVOICE_NO: &[&str] = &[
    "number",
    "invoice",
    "numero",
    "factura",
    "num_factura",
    "n_factura",
    "numero_factura",
];

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

fn client_row(
    conn: &Connection,
    row: &Row,
    defaults: &Defaults,
    now: DateTime<Utc>,
) -> Result<Change> {
    let id = row.require(CLIENT_ID)?.to_owned();
    let name = row
        .require(&["name", "nombre", "nombre_comercial"])?
        .to_owned();
    let country = row
        .get(&["country", "pais"])
        .unwrap_or(&defaults.country)
        .to_ascii_uppercase();
    let time_zone = match row.get(&["time_zone", "timezone", "zona_horaria", "tz"]) {
        Some(tz) => Tz::from_str(tz).map_err(|_| {
            anyhow::anyhow!("unknown time zone {tz:?}: use an IANA name such as Europe/Madrid or America/Mexico_City")
        })?,
        None => default_time_zone(&country).with_context(|| {
            format!("country {country:?} is not supported: use ES, MX, CO, CL, PE or AR, or give a time_zone")
        })?,
    };
    let kind = match row.get(&["kind", "tipo", "type"]) {
        Some(k) => ClientKind::from_str(k).map_err(anyhow::Error::msg)?,
        None => ClientKind::B2b,
    };
    let tuteo = match row.get(&["tuteo", "trato", "tu"]).map(str::to_lowercase) {
        None => false,
        Some(v) => match v.as_str() {
            "tu" | "tú" | "si" | "sí" | "yes" | "true" | "1" => true,
            "usted" | "no" | "false" | "0" => false,
            other => anyhow::bail!("trato {other:?}: use usted or tú"),
        },
    };
    let segment = row.get(&["segment", "segmento"]).map(str::to_lowercase);
    if let Some(s) = &segment
        && !["regular", "new", "late"].contains(&s.as_str())
    {
        anyhow::bail!("segment {s:?}: use regular, new or late (or leave empty to derive it)");
    }
    let existing = store::clients::get(conn, &id)?;
    let client = Client {
        id: id.clone(),
        name,
        legal_name: row.get(&["legal_name", "razon_social"]).map(str::to_owned),
        tax_id: row
            .get(&["tax_id", "nif", "cif", "rfc", "nit", "rut", "cuit", "ruc"])
            .map(str::to_owned),
        country,
        region: row
            .get(&["region", "comunidad", "provincia"])
            .map(str::to_uppercase),
        time_zone,
        kind,
        segment,
        language: "es".into(),
        tuteo,
        on_hold: existing.as_ref().is_some_and(|c| c.on_hold),
        notes: row
            .get(&["notes", "notas", "observaciones"])
            .map(str::to_owned),
    };
    let preferred = match row.get(&["preferred_channel", "canal"]) {
        Some(c) => Channel::from_str(c).map_err(anyhow::Error::msg)?,
        None => Channel::Email,
    };
    let mut contacts = Vec::new();
    let contact_name = row
        .get(&["contact_name", "contacto", "nombre_contacto"])
        .map(str::to_owned);
    for email in split_emails(
        row.get(&["email", "correo", "emails", "email_facturacion"])
            .unwrap_or(""),
    )? {
        contacts.push(ContactInput {
            name: contact_name.clone(),
            email,
            role: ContactRole::Billing,
            preferred_channel: preferred,
        });
    }
    let finance_name = row
        .get(&["finance_name", "contacto_finanzas"])
        .map(str::to_owned);
    for email in split_emails(
        row.get(&["finance_email", "email_finanzas", "correo_finanzas"])
            .unwrap_or(""),
    )? {
        contacts.push(ContactInput {
            name: finance_name.clone(),
            email,
            role: ContactRole::Finance,
            preferred_channel: Channel::Email,
        });
    }
    let existed = existing.is_some();
    let mut changed = store::clients::upsert(conn, &client, now)?;
    changed |= store::clients::sync_imported_contacts(conn, &id, &contacts)?;
    if changed {
        store::events::append(
            conn,
            now,
            "import",
            if existed {
                "client.updated"
            } else {
                "client.created"
            },
            Some(&id),
            None,
            serde_json::json!({}),
        )?;
    }
    Ok(match (existed, changed) {
        (false, _) => Change::Created,
        (true, true) => Change::Updated,
        (true, false) => Change::Unchanged,
    })
}

/// Splits `a@x.es; b@y.es` (or commas, spaces) and checks each address's shape.
fn split_emails(field: &str) -> Result<Vec<String>> {
    field
        .split([';', ',', ' ', '|'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let s = s.trim().to_owned();
            let ok = s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
            if ok {
                Ok(s)
            } else {
                Err(anyhow::anyhow!("not an email address: {s:?}"))
            }
        })
        .collect()
}

fn date_field(row: &Row, aliases: &[&str]) -> Result<chrono::NaiveDate> {
    let text = row.require(aliases)?;
    parse_date(text).with_context(|| {
        format!(
            "{}: {text:?} is not a date (use dd/mm/yyyy or yyyy-mm-dd)",
            aliases[0]
        )
    })
}

fn amount_field(row: &Row, aliases: &[&str]) -> Result<Money> {
    let text = row.require(aliases)?;
    Money::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", aliases[0]))
}

fn invoice_row(
    conn: &Connection,
    row: &Row,
    defaults: &Defaults,
    now: DateTime<Utc>,
) -> Result<Change> {
    let number = row.require(INVOICE_NO)?.to_owned();
    let client_id = row.require(CLIENT_ID)?.to_owned();
    if store::clients::get(conn, &client_id)?.is_none() {
        anyhow::bail!("client {client_id:?} does not exist: import the clients file first");
    }
    let issue_date = date_field(
        row,
        &[
            "issue_date",
            "fecha",
            "fecha_emision",
            "fecha_factura",
            "emision",
        ],
    )?;
    let due_date = date_field(
        row,
        &[
            "due_date",
            "vencimiento",
            "fecha_vencimiento",
            "fecha_de_vencimiento",
        ],
    )?;
    if due_date < issue_date {
        anyhow::bail!("due date {due_date} is before the issue date {issue_date}");
    }
    let amount = amount_field(row, &["amount", "importe", "total", "importe_total"])?;
    if amount.0 <= rust_decimal::Decimal::ZERO {
        anyhow::bail!("amount must be positive (credit notes are recorded with `invoice cancel`)");
    }
    let currency = row
        .get(&["currency", "moneda", "divisa"])
        .unwrap_or(&defaults.currency)
        .to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        anyhow::bail!("currency {currency:?} is not an ISO code such as EUR, MXN or COP");
    }
    let input = store::invoices::InvoiceInput {
        number: number.clone(),
        client_id: client_id.clone(),
        issue_date,
        due_date,
        currency,
        amount,
        pdf_path: row.get(&["pdf", "pdf_path", "fichero"]).map(str::to_owned),
        description: row
            .get(&["description", "concepto", "descripcion"])
            .map(str::to_owned),
    };
    let existed = store::invoices::get(conn, &number)?.is_some();
    let changed = store::invoices::upsert(conn, &input, now)?;
    if changed {
        store::events::append(
            conn,
            now,
            "import",
            if existed {
                "invoice.updated"
            } else {
                "invoice.created"
            },
            Some(&client_id),
            Some(&number),
            serde_json::json!({ "amount": input.amount, "due_date": input.due_date }),
        )?;
    }
    Ok(match (existed, changed) {
        (false, _) => Change::Created,
        (true, true) => Change::Updated,
        (true, false) => Change::Unchanged,
    })
}

fn payment_row(
    conn: &Connection,
    row: &Row,
    seen: &mut BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> Result<Change> {
    let number = row.require(INVOICE_NO)?.to_owned();
    if store::invoices::get(conn, &number)?.is_none() {
        anyhow::bail!("invoice {number:?} does not exist: import the invoices file first");
    }
    let paid_on = date_field(row, &["date", "fecha", "fecha_pago", "paid_on"])?;
    let amount = amount_field(row, &["amount", "importe", "pagado", "importe_pagado"])?;
    let reference = row
        .get(&["reference", "referencia", "ref", "concepto"])
        .map(str::to_owned);
    // The same row imported twice must be the same payment; two identical rows in one file
    // are two payments, told apart by their order.
    let base = match &reference {
        Some(r) => format!("ref|{number}|{r}"),
        None => format!("row|{number}|{paid_on}|{}", amount.0.normalize()),
    };
    let n = seen.entry(base.clone()).or_insert(0);
    *n += 1;
    let key = format!("{base}|{n}");
    let input = store::invoices::PaymentInput {
        invoice_number: number.clone(),
        paid_on,
        amount,
        reference,
        kind: PaymentKind::Payment,
        source: "csv".into(),
        import_key: Some(key),
    };
    if store::invoices::add_payment(conn, &input, now)? {
        Ok(Change::Created)
    } else {
        Ok(Change::Unchanged)
    }
}
