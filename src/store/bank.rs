//! Bank movements read from statements, their matches to invoices, and clients' accounts.

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::{parse_day, ts};
use crate::domain::{Actor, EventKind};
use crate::domain::{Money, PaymentKind};

/// The rule of a credit left for review with no evidence at all (nothing named, payer
/// unknown): a "ya pagué" for its exact amount may explain it later ([`confirm_claims`]).
pub const UNMATCHED: &str = "unmatched";

/// A credit as stored, with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredMovement {
    /// Row id: what `bank settle ID` takes.
    pub id: i64,
    /// The bank movement's identity (see `bank::Movement::key`).
    pub import_key: String,
    /// The statement file it came from.
    pub file: String,
    /// Our account (IBAN or bank/branch/account).
    pub account: String,
    /// Booking day.
    pub booked_on: NaiveDate,
    /// Amount credited.
    pub amount: Money,
    /// Currency code.
    pub currency: String,
    /// The bank's reference.
    pub reference: Option<String>,
    /// Remittance text.
    pub concept: String,
    /// Who paid, when the bank says.
    pub payer_name: Option<String>,
    /// From which account, when the bank says.
    pub payer_iban: Option<String>,
    /// `matched`, `review`, `settled` or `ignored`.
    pub status: String,
    /// How it was matched, or why it waits for review.
    pub rule: Option<String>,
    /// The owner's note, or the reason for review.
    pub note: Option<String>,
    /// Invoices it paid, with the amount each.
    pub invoices: Vec<(String, Money)>,
}

/// A new credit to store.
pub struct NewMovement<'a> {
    /// Identity of the bank movement.
    pub import_key: &'a str,
    /// Statement file.
    pub file: &'a str,
    /// Our account.
    pub account: &'a str,
    /// Booking day.
    pub booked_on: NaiveDate,
    /// Value day.
    pub value_on: Option<NaiveDate>,
    /// Amount credited.
    pub amount: Money,
    /// Currency.
    pub currency: &'a str,
    /// Bank reference.
    pub reference: Option<&'a str>,
    /// Remittance text.
    pub concept: &'a str,
    /// Payer's name.
    pub payer_name: Option<&'a str>,
    /// Payer's IBAN.
    pub payer_iban: Option<&'a str>,
}

/// Whether a movement with this key was already imported.
pub fn exists(conn: &Connection, import_key: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM bank_movements WHERE import_key = ?1",
            [import_key],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Stores a credit with its status; returns its id.
pub fn insert(
    conn: &Connection,
    m: &NewMovement<'_>,
    status: &str,
    rule: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO bank_movements (import_key, file, account, booked_on, value_on, amount, currency,
                                     reference, concept, payer_name, payer_iban, status, rule, note,
                                     created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            m.import_key,
            m.file,
            m.account,
            m.booked_on,
            m.value_on,
            m.amount,
            m.currency,
            m.reference,
            m.concept,
            m.payer_name,
            m.payer_iban,
            status,
            rule,
            note,
            ts(now)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records that a credit paid `amount` of an invoice.
pub fn allocate(conn: &Connection, id: i64, invoice: &str, amount: Money) -> Result<()> {
    conn.execute(
        "INSERT INTO bank_allocations (movement_id, invoice_number, amount) VALUES (?1, ?2, ?3)",
        params![id, invoice, amount],
    )?;
    Ok(())
}

/// Sets what became of a credit.
pub fn resolve(
    conn: &Connection,
    id: i64,
    status: &str,
    rule: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE bank_movements SET status = ?2, rule = ?3, note = ?4, resolved_at = ?5 WHERE id = ?1",
        params![id, status, rule, note, ts(now)],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, import_key, file, account, booked_on, amount, currency, reference,
    concept, payer_name, payer_iban, status, rule, note";

fn from_row(conn: &Connection, r: &Row<'_>) -> rusqlite::Result<StoredMovement> {
    let id: i64 = r.get(0)?;
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_number, amount FROM bank_allocations WHERE movement_id = ?1
         ORDER BY invoice_number",
    )?;
    let invoices = stmt
        .query_map([id], |a| Ok((a.get(0)?, a.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(StoredMovement {
        id,
        import_key: r.get(1)?,
        file: r.get(2)?,
        account: r.get(3)?,
        booked_on: parse_day(&r.get::<_, String>(4)?)?,
        amount: r.get(5)?,
        currency: r.get(6)?,
        reference: r.get(7)?,
        concept: r.get(8)?,
        payer_name: r.get(9)?,
        payer_iban: r.get(10)?,
        status: r.get(11)?,
        rule: r.get(12)?,
        note: r.get(13)?,
        invoices,
    })
}

/// One credit by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<StoredMovement>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM bank_movements WHERE id = ?1"),
            [id],
            |r| from_row(conn, r),
        )
        .optional()?)
}

/// Credits with a status (all when `None`), oldest first.
pub fn list(conn: &Connection, status: Option<&str>) -> Result<Vec<StoredMovement>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM bank_movements WHERE ?1 IS NULL OR status = ?1
         ORDER BY booked_on, id"
    ))?;
    let rows = stmt.query_map([status], |r| from_row(conn, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every known (client, IBAN) pair.
pub fn ibans(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT client_id, iban FROM client_ibans ORDER BY client_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Remembers that a client pays from `iban` (spaces removed, upper case); returns whether new.
pub fn add_iban(
    conn: &Connection,
    client_id: &str,
    iban: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let iban = normalise_iban(iban);
    Ok(conn.execute(
        "INSERT OR IGNORE INTO client_ibans (client_id, iban, source, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![client_id, iban, source, ts(now)],
    )? > 0)
}

/// `es91 2100 0418...` → `ES912100 0418...` without spaces.
pub fn normalise_iban(iban: &str) -> String {
    iban.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// A stored credit, as payments are recorded from it.
#[derive(Debug, Clone, Copy)]
pub struct Credit<'a> {
    /// Row id of the movement.
    pub id: i64,
    /// Its import key (each payment's key derives from it).
    pub key: &'a str,
    /// Booking day: the payment's date.
    pub booked_on: NaiveDate,
    /// The bank's reference.
    pub reference: Option<&'a str>,
    /// Remittance text (the payment's reference when the bank gives none).
    pub concept: &'a str,
    /// The payer's account, remembered for the client.
    pub payer_iban: Option<&'a str>,
}

impl<'a> From<&'a StoredMovement> for Credit<'a> {
    fn from(m: &'a StoredMovement) -> Credit<'a> {
        Credit {
            id: m.id,
            key: &m.import_key,
            booked_on: m.booked_on,
            reference: m.reference.as_deref(),
            concept: &m.concept,
            payer_iban: m.payer_iban.as_deref(),
        }
    }
}

/// Records the payments of one credit (`actor`: `bank` or `owner`), links them to it, confirms
/// the "ya pagué" claims they answer and remembers the payer's account; returns how many claims
/// it confirmed.
pub fn pay(
    tx: &Connection,
    credit: &Credit<'_>,
    allocations: &[(String, Money)],
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut confirmed = 0;
    let reference = credit
        .reference
        .map(str::to_owned)
        .or_else(|| Some(credit.concept.chars().take(140).collect::<String>()))
        .filter(|r| !r.is_empty());
    for (number, amount) in allocations {
        let before = super::invoices::require(tx, number)?;
        super::invoices::add_payment(
            tx,
            &super::invoices::PaymentInput {
                invoice_number: number.clone(),
                paid_on: credit.booked_on,
                amount: *amount,
                reference: reference.clone(),
                kind: PaymentKind::Payment,
                source: actor,
                import_key: Some(format!("bank|{}|{number}", credit.key)),
            },
            now,
        )?;
        allocate(tx, credit.id, number, *amount)?;
        if let Some(claimed_on) = before.paid_claimed_on {
            confirmed += 1;
            super::events::append(
                tx,
                now,
                Actor::Bank,
                EventKind::InvoicePaidClaimConfirmed,
                Some(&before.client_id),
                Some(number),
                serde_json::json!({ "claimed_on": claimed_on, "movement": credit.id, "amount": amount,
                                    "booked_on": credit.booked_on, "reference": reference }),
            )?;
        }
    }
    if let (Some(iban), Some((first, _))) = (credit.payer_iban, allocations.first()) {
        let client = super::invoices::require(tx, first)?.client_id;
        let source = if actor == Actor::Owner {
            Actor::Owner
        } else {
            Actor::Bank
        };
        add_iban(tx, &client, iban, source.as_str(), now)?;
    }
    Ok(confirmed)
}

/// Checks a client's "ya pagué" against the credits already imported and left for review
/// with no evidence ([`UNMATCHED`]): when one has exactly the claimed invoice's balance, and
/// no other claimed invoice has that balance, it is recorded as its payment (rule `claim`)
/// and the claim confirmed. Returns whether no claimed invoice of the client is left unpaid,
/// i.e. whether nobody needs to be asked. Runs inside the caller's transaction.
pub fn confirm_claims(tx: &Connection, client_id: &str, now: DateTime<Utc>) -> Result<bool> {
    // (By the index of claimed invoices: a handful, not the whole book.)
    let mine = super::invoices::claimed_open(tx, Some(client_id))?;
    if mine.is_empty() {
        return Ok(false);
    }
    let everyone = super::invoices::claimed_open(tx, None)?;
    for inv in &mine {
        let twins = everyone
            .iter()
            .filter(|o| o.balance == inv.balance && o.currency == inv.currency)
            .count();
        if twins != 1 {
            continue;
        }
        let waiting: Vec<StoredMovement> = list(tx, Some("review"))?
            .into_iter()
            .filter(|m| {
                m.rule.as_deref() == Some(UNMATCHED)
                    && m.amount == inv.balance
                    && m.currency == inv.currency
            })
            .collect();
        if let [credit] = waiting.as_slice() {
            pay(
                tx,
                &Credit::from(credit),
                &[(inv.number.clone(), inv.balance)],
                Actor::Bank,
                now,
            )?;
            resolve(tx, credit.id, "matched", Some("claim"), None, now)?;
        }
    }
    Ok(super::invoices::claimed_open(tx, Some(client_id))?.is_empty())
}

/// Remembers the account a client pays from, from a clients file's `iban` column; the IBAN is
/// checked first (country, check digits), so a typo cannot pair the client with a stranger.
pub fn add_client_iban(
    conn: &Connection,
    client_id: &str,
    iban: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let compact = normalise_iban(iban);
    if !iban_valid(&compact) {
        bail!(
            "iban {iban:?} is not a valid IBAN (check its digits, e.g. ES91 2100 0418 4502 0005 1332)"
        );
    }
    add_iban(conn, client_id, &compact, "csv", now)
}

/// ISO 13616 check: two letters, two check digits, mod 97 of the rearranged digits is 1.
pub fn iban_valid(iban: &str) -> bool {
    let b = iban.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}
