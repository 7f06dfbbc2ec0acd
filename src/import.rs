//! All-or-nothing CSV import of clients, invoices and payments, as Spanish and Latin American
//! users export them from Excel and accounting programs.
//!
//! `;`, `,` or tab separated (detected from the header), in UTF-8 (with or without BOM),
//! UTF-16 or Windows-1252 (see `encoding`), or an XLSX/ODS workbook (`sheet`); quoted
//! fields, amounts `1.234,56` or `1234.56`, dates `dd/mm/yyyy` or ISO. Headers may be English
//! or Spanish (`numero`, `vencimiento`, `importe`...). Every row is checked against the file
//! and the database inside one transaction; any error rolls everything back and every error is
//! reported as `FILE:LINE: reason`. Re-importing the same file changes nothing.
//!
//! Nothing is lost silently: a column the importer does not know is an error with the nearest
//! known name (`emial: did you mean email?`), because ignoring it would drop its data; a column
//! absent from the file leaves the stored value untouched (a file with fewer columns updates
//! only what it has); an id twice in one file is an error naming both lines. Amounts are
//! bounded (`limits.max-amount`), currencies must be ones cobrador can write, and addresses
//! must be plain addresses (no `<`, `>` or line breaks that could smuggle headers).

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use serde::Serialize;

mod columns;
pub mod encoding;
mod mapping;
mod reading;
mod sheet;
mod table;

pub use self::mapping::ColumnMap;
pub use self::reading::ReadOptions;

use self::columns::*;
use self::table::Row;
use crate::domain::{Actor, EventKind};
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
    /// The largest amount accepted (`limits.max-amount`).
    pub max_amount: rust_decimal::Decimal,
}

impl Defaults {
    /// The defaults of a configuration.
    pub fn from_config(config: &crate::config::Config) -> Defaults {
        Defaults {
            country: config.business.country.clone(),
            currency: config.business.currency.clone(),
            max_amount: config.limits.max_amount,
        }
    }
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
    let options = ReadOptions::default();
    import_bytes_with(store, kind, name, bytes, &options, defaults, dry_run, now)
}

/// Imports `path` read with `options` (column map, sheet).
pub fn import_file_with(
    store: &mut Store,
    kind: Kind,
    path: &Path,
    options: &ReadOptions,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    import_bytes_with(store, kind, &name, &bytes, options, defaults, dry_run, now)
}

/// Imports a file's bytes: CSV (UTF-8, UTF-16 or Windows-1252), XLSX, ODS or XLS.
#[allow(clippy::too_many_arguments)]
pub fn import_bytes_with(
    store: &mut Store,
    kind: Kind,
    name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    defaults: &Defaults,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Summary> {
    let table = reading::read_table(name, bytes, kind, options)?;
    let tx = store.write_transaction()?;
    let mut summary = Summary::default();
    let mut errors = Vec::new();
    let mut seen = BTreeMap::new();
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    for row in &table.rows {
        summary.rows += 1;
        if let Some(id) = row_id(kind, row) {
            if let Some(first) = ids.get(&id) {
                errors.push(format!(
                    "{name}:{}: {id:?} appears twice in this file, on lines {first} and {}: keep one row",
                    row.line, row.line
                ));
                continue;
            }
            ids.insert(id, row.line);
        }
        let outcome = match kind {
            Kind::Clients => client_row(&tx, row, defaults, now),
            Kind::Invoices => invoice_row(&tx, row, defaults, now),
            Kind::Payments => payment_row(&tx, row, defaults, &mut seen, now),
        };
        match outcome {
            Ok(Change::Created) => summary.created += 1,
            Ok(Change::Updated) => summary.updated += 1,
            Ok(Change::Unchanged) => summary.unchanged += 1,
            // A database failure is not the row's fault: never blame a line for it.
            Err(e) if e.downcast_ref::<rusqlite::Error>().is_some() => {
                return Err(e.context(format!("{name}: the import could not be written")));
            }
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
            Actor::Import,
            EventKind::ImportFile,
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
    let existing = store::clients::get(conn, &id)?;
    let old = existing.as_ref();
    let name = match old {
        Some(c) if !row.has(NAME) => c.name.clone(),
        _ => row.require(NAME)?.to_owned(),
    };
    let country = row
        .or_keep(COUNTRY, old.map(|c| c.country.clone()), str::to_owned)
        .unwrap_or_else(|| defaults.country.clone())
        .to_ascii_uppercase();
    // An unsupported country would stop the planner for every client: refuse it here.
    country.parse::<crate::policy::Country>().map_err(|_| {
        anyhow::anyhow!("country {country:?} is not supported: use ES, MX, CO, CL, PE or AR")
    })?;
    let time_zone = match row.get(TIME_ZONE) {
        Some(tz) => Tz::from_str(tz).map_err(|_| {
            anyhow::anyhow!("unknown time zone {tz:?}: use an IANA name such as Europe/Madrid or America/Mexico_City")
        })?,
        None => match old {
            // The stored zone stays unless the country changed (or the column says otherwise).
            Some(c) if !row.has(TIME_ZONE) && c.country == country => c.time_zone,
            _ => default_time_zone(&country).with_context(|| {
                format!("country {country:?} is not supported: use ES, MX, CO, CL, PE or AR, or give a time_zone")
            })?,
        },
    };
    let kind = match row.get(CLIENT_KIND) {
        Some(k) => ClientKind::from_str(k).map_err(anyhow::Error::msg)?,
        None => old
            .filter(|_| !row.has(CLIENT_KIND))
            .map_or(ClientKind::B2b, |c| c.kind),
    };
    let tuteo = match row.get(TUTEO).map(str::to_lowercase) {
        None => old.filter(|_| !row.has(TUTEO)).is_some_and(|c| c.tuteo),
        Some(v) => match v.as_str() {
            "tu" | "tú" | "si" | "sí" | "yes" | "true" | "1" => true,
            "usted" | "no" | "false" | "0" => false,
            other => anyhow::bail!("trato {other:?}: use usted or tú"),
        },
    };
    let segment = row.or_keep(
        SEGMENT,
        old.and_then(|c| c.segment.clone()),
        str::to_lowercase,
    );
    if let Some(s) = &segment
        && !["regular", "new", "late"].contains(&s.as_str())
    {
        anyhow::bail!("segment {s:?}: use regular, new or late (or leave empty to derive it)");
    }
    let client = Client {
        id: id.clone(),
        name,
        legal_name: row.or_keep(
            LEGAL_NAME,
            old.and_then(|c| c.legal_name.clone()),
            str::to_owned,
        ),
        tax_id: row.or_keep(TAX_ID, old.and_then(|c| c.tax_id.clone()), str::to_owned),
        country,
        region: row.or_keep(
            REGION,
            old.and_then(|c| c.region.clone()),
            str::to_uppercase,
        ),
        time_zone,
        kind,
        segment,
        language: "es".into(),
        tuteo,
        on_hold: old.is_some_and(|c| c.on_hold),
        notes: row.or_keep(NOTES, old.and_then(|c| c.notes.clone()), str::to_owned),
    };
    let contacts = contact_inputs(conn, row, &id)?;
    let existed = existing.is_some();
    let mut changed = store::clients::upsert(conn, &client, now)?;
    if let Some(contacts) = contacts {
        changed |= store::clients::sync_imported_contacts(conn, &id, &contacts)?;
    }
    // The account the client pays from, for matching bank credits (see `bank`).
    if let Some(iban) = row.get(IBAN) {
        changed |= store::bank::add_client_iban(conn, &id, iban, now)?;
    }
    if changed {
        store::events::append(
            conn,
            now,
            Actor::Import,
            if existed {
                EventKind::ClientUpdated
            } else {
                EventKind::ClientCreated
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

/// The row's email contacts; `None` when the file has no contact columns at all (the stored
/// contacts stay). A role whose columns are absent keeps its stored contacts.
fn contact_inputs(conn: &Connection, row: &Row, id: &str) -> Result<Option<Vec<ContactInput>>> {
    let billing_cols = [EMAIL, CONTACT_NAME, PREFERRED];
    let finance_cols = [FINANCE_EMAIL, FINANCE_NAME];
    let has_billing = billing_cols.iter().any(|c| row.has(c));
    let has_finance = finance_cols.iter().any(|c| row.has(c));
    if !has_billing && !has_finance {
        return Ok(None);
    }
    let stored = store::clients::for_client(conn, id)?;
    let keep = |role: ContactRole| -> Vec<ContactInput> {
        stored
            .iter()
            .filter(|c| c.role == role)
            .filter_map(|c| {
                Some(ContactInput {
                    name: c.name.clone(),
                    email: c.email.clone()?,
                    role,
                    preferred_channel: c.preferred_channel,
                })
            })
            .collect()
    };
    let mut contacts = Vec::new();
    if has_billing && row.has(EMAIL) {
        let preferred = match row.get(PREFERRED) {
            Some(c) => Channel::from_str(c).map_err(anyhow::Error::msg)?,
            None => Channel::Email,
        };
        let name = row.get(CONTACT_NAME).map(str::to_owned);
        for email in split_emails(row.get(EMAIL).unwrap_or(""))? {
            contacts.push(ContactInput {
                name: name.clone(),
                email,
                role: ContactRole::Billing,
                preferred_channel: preferred,
            });
        }
    } else {
        contacts.extend(keep(ContactRole::Billing));
    }
    if has_finance && row.has(FINANCE_EMAIL) {
        let name = row.get(FINANCE_NAME).map(str::to_owned);
        for email in split_emails(row.get(FINANCE_EMAIL).unwrap_or(""))? {
            contacts.push(ContactInput {
                name: name.clone(),
                email,
                role: ContactRole::Finance,
                preferred_channel: Channel::Email,
            });
        }
    } else {
        contacts.extend(keep(ContactRole::Finance));
    }
    Ok(Some(contacts))
}

/// Splits `a@x.es; b@y.es` (or commas, spaces) and checks each address: a plain address
/// (`local@domain.tld`, as lettre parses it), never a display name, angle brackets, line breaks
/// or other control characters, which could smuggle headers into a message.
fn split_emails(field: &str) -> Result<Vec<String>> {
    if let Some(c) = field
        .chars()
        .find(|c| c.is_control() || ['<', '>', '"'].contains(c))
    {
        anyhow::bail!(
            "email {field:?} contains {c:?}: write only the address, e.g. pagos@empresa.es"
        );
    }
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
            }) && lettre::Address::from_str(&s).is_ok();
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

/// A required amount, bounded by `limits.max-amount`.
fn amount_field(row: &Row, aliases: &[&str], defaults: &Defaults) -> Result<Money> {
    let text = row.require(aliases)?;
    let amount = Money::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", aliases[0]))?;
    if amount.0.abs() > defaults.max_amount {
        anyhow::bail!(
            "{}: {text:?} is larger than the largest amount accepted, {} (limits.max-amount)",
            aliases[0],
            defaults.max_amount
        );
    }
    Ok(amount)
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
    let issue_date = date_field(row, ISSUE_DATE)?;
    let due_date = date_field(row, DUE_DATE)?;
    if due_date < issue_date {
        anyhow::bail!("due date {due_date} is before the issue date {issue_date}");
    }
    let amount = amount_field(row, INVOICE_AMOUNT, defaults)?;
    if amount.0 <= rust_decimal::Decimal::ZERO {
        anyhow::bail!("amount must be positive (credit notes are recorded with `invoice cancel`)");
    }
    let existing = store::invoices::get(conn, &number)?;
    let old = existing.as_ref();
    let currency = row
        .or_keep(CURRENCY, old.map(|i| i.currency.clone()), str::to_owned)
        .unwrap_or_else(|| defaults.currency.clone())
        .to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        anyhow::bail!("currency {currency:?} is not an ISO code such as EUR, MXN or COP");
    }
    // Refused here rather than failing to render on every tick.
    crate::render::money::currency_decimals(&currency)
        .map_err(|e| anyhow::anyhow!("currency: {e}"))?;
    let input = store::invoices::InvoiceInput {
        number: number.clone(),
        client_id: client_id.clone(),
        issue_date,
        due_date,
        currency,
        amount,
        pdf_path: row.or_keep(PDF, old.and_then(|i| i.pdf_path.clone()), str::to_owned),
        description: row.or_keep(
            DESCRIPTION,
            old.and_then(|i| i.description.clone()),
            str::to_owned,
        ),
    };
    let existed = existing.is_some();
    let changed = store::invoices::upsert(conn, &input, now)?;
    if changed {
        store::events::append(
            conn,
            now,
            Actor::Import,
            if existed {
                EventKind::InvoiceUpdated
            } else {
                EventKind::InvoiceCreated
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
    defaults: &Defaults,
    seen: &mut BTreeMap<String, usize>,
    now: DateTime<Utc>,
) -> Result<Change> {
    let number = row.require(INVOICE_NO)?.to_owned();
    if store::invoices::get(conn, &number)?.is_none() {
        anyhow::bail!("invoice {number:?} does not exist: import the invoices file first");
    }
    let paid_on = date_field(row, PAID_ON)?;
    let amount = amount_field(row, PAID_AMOUNT, defaults)?;
    let reference = row.get(REFERENCE).map(str::to_owned);
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
        source: Actor::Csv,
        import_key: Some(key),
    };
    if store::invoices::add_payment(conn, &input, now)? {
        Ok(Change::Created)
    } else {
        Ok(Change::Unchanged)
    }
}
