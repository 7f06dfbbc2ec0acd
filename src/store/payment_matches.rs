//! Payments reported twice: the recorded payments a new report is compared with, and the link
//! kept when it is the same money (`payment_matches`). The rule is
//! [`crate::policy::payment_match`].

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::invoices::PaymentInput;
use super::{parse_day, ts};
use crate::domain::{Actor, EventKind, Invoice, Money};
use crate::policy::payment_match::{Arriving, Origin, Recorded, Twin, twin};

/// The second report of a payment, linked to the payment recorded first.
#[derive(Debug, Clone)]
pub struct Repeat<'a> {
    /// The payment recorded first.
    pub payment_id: i64,
    /// Its invoice and client (for the audit log).
    pub invoice: &'a str,
    /// The invoice's client.
    pub client: &'a str,
    /// Who reported it again.
    pub source: Actor,
    /// The second report's own key (re-importing it changes nothing).
    pub import_key: Option<&'a str>,
    /// The second report's day, amount and reference.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Reference.
    pub reference: Option<&'a str>,
}

/// Records that a report repeats a recorded payment, with its audit event.
pub fn link(conn: &Connection, r: &Repeat<'_>, first: &Recorded, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO payment_matches (payment_id, source, import_key, paid_on, amount, reference, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        r.payment_id,
        r.source.as_str(),
        r.import_key,
        r.paid_on,
        r.amount,
        r.reference,
        ts(now)
    ])?;
    super::events::append(
        conn,
        now,
        r.source,
        EventKind::PaymentRepeated,
        Some(r.client),
        Some(r.invoice),
        serde_json::json!({ "amount": r.amount, "paid_on": r.paid_on, "reference": r.reference,
                            "same_as": first.id, "recorded_on": first.paid_on,
                            "recorded_from": first.origin.describe() }),
    )?;
    Ok(())
}

/// What became of a payment compared with the recorded ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compared {
    /// Nothing recorded is the same money: record it.
    New,
    /// The same money as a recorded payment: linked, not added; the line for the owner.
    Linked(String),
    /// It may be one of several recorded payments: not added (a `payment.doubtful` event);
    /// the line for the owner.
    Doubt(String),
}

/// Whether the row with `import_key` was already put before the owner as a doubtful payment
/// of `invoice` (`None`: a payment typed in, never the same row twice).
fn doubt_recorded(conn: &Connection, invoice: &Invoice, import_key: Option<&str>) -> Result<bool> {
    let Some(key) = import_key else {
        return Ok(false);
    };
    Ok(conn
        .prepare_cached(
            // Through the client's index: a client has few events.
            "SELECT 1 FROM events WHERE client_id = ?1 AND kind = ?2 AND invoice_number = ?3
               AND json_extract(detail, '$.import_key') = ?4",
        )?
        .exists(params![
            invoice.client_id,
            EventKind::PaymentDoubtful.as_str(),
            invoice.number,
            key
        ])?)
}

/// Compares `input` (from `origin`) with `recorded`, the payments of its invoice, by the rule
/// of [`crate::policy::payment_match`]; links it when it is the same money as one of them.
pub fn compare(
    conn: &Connection,
    invoice: &Invoice,
    input: &PaymentInput,
    origin: Origin,
    recorded: &[Recorded],
    now: DateTime<Utc>,
) -> Result<Compared> {
    let references: Vec<String> = input.reference.iter().cloned().collect();
    let arriving = Arriving {
        dates: &[input.paid_on],
        amount: input.amount,
        origin,
        references: &references,
    };
    let what = format!(
        "payment of {} {} to {} on {}",
        input.amount, invoice.currency, invoice.number, input.paid_on
    );
    Ok(match twin(&arriving, recorded) {
        Twin::None => Compared::New,
        Twin::Same(first) => {
            let repeat = Repeat {
                payment_id: first.id,
                invoice: &invoice.number,
                client: &invoice.client_id,
                source: input.source,
                import_key: input.import_key.as_deref(),
                paid_on: input.paid_on,
                amount: input.amount,
                reference: input.reference.as_deref(),
            };
            link(conn, &repeat, &first, now)?;
            Compared::Linked(format!(
                "{what} already recorded from {} ({}); not added again",
                first.origin.describe(),
                first.paid_on
            ))
        }
        Twin::Ambiguous(several) => {
            // Told once per row: the same file imported again lists the row again, but the
            // audit log keeps one event for it.
            if !doubt_recorded(conn, invoice, input.import_key.as_deref())? {
                super::events::append(
                    conn,
                    now,
                    input.source,
                    EventKind::PaymentDoubtful,
                    Some(&invoice.client_id),
                    Some(&invoice.number),
                    serde_json::json!({ "amount": input.amount, "paid_on": input.paid_on,
                                        "reference": input.reference,
                                        "import_key": input.import_key,
                                        "may_be": several.iter().map(|r| r.id).collect::<Vec<_>>() }),
                )?;
            }
            let days: Vec<String> = several
                .iter()
                .map(|r| format!("{} ({})", r.paid_on, r.origin.describe()))
                .collect();
            Compared::Doubt(format!(
                "{what} may be any of the payments already recorded on {}; not added",
                days.join(", ")
            ))
        }
    })
}

/// The payments (not discounts) recorded on `invoice`, with their references (a bank
/// credit's concept too) and whether each already pairs with a report from `arriving` (a
/// payment pairs with one report of each other source at most). One indexed probe of the
/// invoice's payments, and one per bank credit among them.
pub fn recorded(conn: &Connection, invoice: &str, arriving: Actor) -> Result<Vec<Recorded>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.paid_on, p.amount, p.source, p.import_key, p.reference,
                EXISTS (SELECT 1 FROM payment_matches m WHERE m.payment_id = p.id AND m.source = ?2)
         FROM payments p WHERE p.invoice_number = ?1 AND p.kind = 'payment'",
    )?;
    let rows = stmt
        .query_map(params![invoice, arriving.as_str()], row_of)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(r, key)| with_concept(conn, r, key.as_deref(), invoice))
        .collect()
}

type RecordedRow = (Recorded, Option<String>);

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordedRow> {
    let source: String = r.get(3)?;
    let key: Option<String> = r.get(4)?;
    let reference: Option<String> = r.get(5)?;
    Ok((
        Recorded {
            id: r.get(0)?,
            paid_on: parse_day(&r.get::<_, String>(1)?)?,
            amount: r.get(2)?,
            origin: Origin::of_stored(&source, key.as_deref()),
            references: reference.into_iter().collect(),
            matched: r.get(6)?,
        },
        key,
    ))
}

/// Adds the bank's concept to a payment recorded from a statement credit.
fn with_concept(
    conn: &Connection,
    mut r: Recorded,
    key: Option<&str>,
    invoice: &str,
) -> Result<Recorded> {
    let movement = key
        .and_then(|k| k.strip_prefix("bank|"))
        .and_then(|k| k.strip_suffix(invoice))
        .and_then(|k| k.strip_suffix('|'));
    if let Some(movement) = movement {
        let concept: Option<String> = conn
            .prepare_cached("SELECT concept FROM bank_movements WHERE import_key = ?1")?
            .query_row([movement], |r| r.get(0))
            .optional()?;
        r.references.extend(concept.filter(|c| !c.is_empty()));
    }
    Ok(r)
}

/// What an accounting export's rows are compared with, read once per import: which invoices
/// have payments not from an export (the export's own rows are never merged with each other),
/// and the export rows already found to repeat one (importing the file again changes nothing).
///
/// Kept small for an import of a million rows: a sorted list of (hash of the invoice number,
/// payment id), 16 bytes a payment; a candidate's details are read by its row id when a row
/// of its invoice arrives (never through a secondary index, which a bulk import sets aside).
#[derive(Debug, Default)]
pub struct ExportTwins {
    by_invoice: Vec<(u64, i64)>,
    repeated_keys: HashSet<String>,
}

fn invoice_hash(number: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    number.hash(&mut h);
    h.finish()
}

impl ExportTwins {
    /// Reads them (over the `payments_not_export` index and `payment_matches`).
    pub fn load(conn: &Connection) -> Result<ExportTwins> {
        let mut by_invoice = conn
            .prepare(
                "SELECT invoice_number, id FROM payments
                 WHERE source <> 'csv' AND kind = 'payment'",
            )?
            .query_map([], |r| {
                Ok((invoice_hash(&r.get::<_, String>(0)?), r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        by_invoice.sort_unstable();
        let repeated_keys = conn
            .prepare("SELECT import_key FROM payment_matches WHERE source = 'csv' AND import_key IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(ExportTwins {
            by_invoice,
            repeated_keys,
        })
    }

    /// Whether the export row with this key was found before to repeat a payment.
    pub fn repeated(&self, key: &str) -> bool {
        self.repeated_keys.contains(key)
    }

    /// The payments of `invoice` an export row may repeat: none for most invoices (a binary
    /// search, no SQL); otherwise each read by its row id.
    pub fn candidates(&self, conn: &Connection, invoice: &str) -> Result<Vec<Recorded>> {
        let h = invoice_hash(invoice);
        let from = self.by_invoice.partition_point(|(x, _)| *x < h);
        let mut out = Vec::new();
        for &(_, id) in self.by_invoice[from..].iter().take_while(|(x, _)| *x == h) {
            let row = conn
                .prepare_cached(
                    "SELECT p.id, p.paid_on, p.amount, p.source, p.import_key, p.reference,
                            EXISTS (SELECT 1 FROM payment_matches m
                                    WHERE m.payment_id = p.id AND m.source = 'csv')
                     FROM payments p WHERE p.id = ?1 AND p.invoice_number = ?2",
                )?
                .query_row(params![id, invoice], row_of)
                .optional()?;
            if let Some((r, key)) = row {
                out.push(with_concept(conn, r, key.as_deref(), invoice)?);
            }
        }
        Ok(out)
    }

    /// Notes that the export row `key` repeats a payment (importing it again changes nothing).
    pub fn paired(&mut self, key: &str) {
        self.repeated_keys.insert(key.to_owned());
    }
}
