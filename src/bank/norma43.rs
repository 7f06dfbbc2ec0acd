//! AEB Norma 43 (Cuaderno 43): the account statement every Spanish bank exports.
//!
//! Fixed-width records of 80 characters, Latin-1, one per line (CRLF or LF):
//!
//! | record | positions (1-based)                                                              |
//! |--------|----------------------------------------------------------------------------------|
//! | `11` account header | 3-6 bank, 7-10 branch, 11-20 account, 21-26 from (YYMMDD), 27-32 to, 48-50 currency (ISO numeric, 978 = EUR) |
//! | `22` movement | 7-10 branch, 11-16 operation date, 17-22 value date, 23-24 common concept, 25-27 own concept, 28 sign (1 debit, 2 credit), 29-42 amount (cents), 43-52 document, 53-64 reference 1, 65-80 reference 2 |
//! | `23` concept  | 3-4 sequence (01-05), 5-42 and 43-80 free text (payer, remittance) |
//! | `24` currency equivalence (ignored) |
//! | `33` account totals | 21-25 debit count, 26-39 debit total, 40-44 credit count, 45-58 credit total |
//! | `88` end of file | 21-26 record count |
//!
//! The `33` totals are checked against the movements read, so a truncated or edited file is
//! refused instead of half-imported. Norma 43 has no field for the payer: banks write the name
//! (and sometimes the IBAN) in the `23` records, which become the concept the matcher reads.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BankError, Format, Movement, Statement, number_duplicates};

struct Account {
    id: String,
    currency: String,
    credits: (u64, Decimal),
    debits: (u64, Decimal),
}

/// One record: its characters and its 0-based line.
struct Record {
    chars: Vec<char>,
    index: usize,
}

impl Record {
    /// Positions `from..=to`, 1-based as the standard numbers them (short lines read as blank).
    fn field(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from - 1..to.min(self.chars.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }
}

/// The state of a file being read.
struct Reader<'a> {
    name: &'a str,
    account: Option<Account>,
    credits: Vec<Movement>,
    debits: usize,
    records: u64,
    ended: bool,
    /// Whether the last movement (22) was a credit: its concept lines (23) follow it.
    last_credit: bool,
}

/// Parses a Norma 43 file.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Statement, BankError> {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let mut r = Reader {
        name,
        account: None,
        credits: Vec::new(),
        debits: 0,
        records: 0,
        ended: false,
        last_credit: false,
    };
    for (index, raw) in text.lines().enumerate() {
        let rec = Record {
            chars: raw.trim_end_matches('\r').chars().collect(),
            index,
        };
        if rec.chars.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        if r.ended {
            return Err(r.err(&rec, "records after the end record 88".into()));
        }
        r.records += 1;
        match rec.field(1, 2).as_str() {
            "11" => r.header(&rec)?,
            "22" => r.movement(&rec)?,
            "23" => r.concept(&rec),
            "24" => {}
            "33" => r.totals(&rec)?,
            "88" => r.end(&rec)?,
            other => {
                return Err(r.err(
                    &rec,
                    format!("record type {other:?} is not Norma 43 (11, 22, 23, 24, 33, 88)"),
                ));
            }
        }
    }
    let cut = |what: &str| BankError::File {
        file: name.to_owned(),
        reason: format!("{what}: the file is cut short; download it again"),
    };
    if r.account.is_some() {
        return Err(cut("the last account has no totals record (33)"));
    }
    if !r.ended {
        return Err(cut("no end record (88)"));
    }
    number_duplicates(&mut r.credits);
    Ok(Statement {
        format: Format::Norma43,
        credits: r.credits,
        debits: r.debits,
    })
}

impl Reader<'_> {
    fn err(&self, rec: &Record, reason: String) -> BankError {
        BankError::Line {
            file: self.name.to_owned(),
            line: rec.index as u64 + 1,
            reason,
        }
    }

    /// `11`: a new account, its currency.
    fn header(&mut self, rec: &Record) -> Result<(), BankError> {
        let currency = match rec.field(48, 50).as_str() {
            "978" => "EUR",
            "840" => "USD",
            "826" => "GBP",
            "484" => "MXN",
            other => {
                return Err(self.err(
                    rec,
                    format!("currency code {other:?} is not one cobrador knows (978 is EUR)"),
                ));
            }
        };
        self.account = Some(Account {
            id: format!(
                "{}-{}-{}",
                rec.field(3, 6),
                rec.field(7, 10),
                rec.field(11, 20)
            ),
            currency: currency.to_owned(),
            credits: (0, Decimal::ZERO),
            debits: (0, Decimal::ZERO),
        });
        Ok(())
    }

    /// `22`: a movement; credits are kept, debits counted.
    fn movement(&mut self, rec: &Record) -> Result<(), BankError> {
        let Some(acc) = self.account.as_ref() else {
            return Err(self.err(rec, "a movement (22) before any account header (11)".into()));
        };
        let booked_on = date(&rec.field(11, 16)).ok_or_else(|| {
            self.err(
                rec,
                format!("operation date {:?} is not YYMMDD", rec.field(11, 16)),
            )
        })?;
        let cents: i64 = rec.field(29, 42).trim().parse().map_err(|_| {
            self.err(
                rec,
                format!("amount {:?} is not 14 digits", rec.field(29, 42)),
            )
        })?;
        let amount = Decimal::new(cents, 2);
        let (doc, ref1, ref2) = (rec.field(43, 52), rec.field(53, 64), rec.field(65, 80));
        let (doc, ref1, ref2) = (doc.trim(), ref1.trim(), ref2.trim());
        let credit = Movement {
            key: format!(
                "n43|{}|{}|{}|{amount}|{doc}|{ref1}|{ref2}",
                acc.id,
                rec.field(11, 16),
                rec.field(17, 22)
            ),
            account: acc.id.clone(),
            line: rec.index as u64 + 1,
            booked_on,
            value_on: date(&rec.field(17, 22)),
            amount,
            currency: acc.currency.clone(),
            reference: [ref1, ref2, doc]
                .into_iter()
                .find(|r| !r.is_empty() && !r.chars().all(|c| c == '0'))
                .map(str::to_owned),
            concept: [ref1, ref2]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            payer_name: None,
            payer_iban: None,
        };
        let sign = rec.field(28, 28);
        let Some(acc) = self.account.as_mut() else {
            return Ok(());
        };
        match sign.as_str() {
            "1" => {
                acc.debits.0 += 1;
                acc.debits.1 += amount;
                self.debits += 1;
            }
            "2" => {
                acc.credits.0 += 1;
                acc.credits.1 += amount;
                self.credits.push(credit);
            }
            other => {
                return Err(self.err(
                    rec,
                    format!("sign {other:?} is neither 1 (debit) nor 2 (credit)"),
                ));
            }
        }
        self.last_credit = sign == "2";
        Ok(())
    }

    /// `23`: concept lines of the movement just read (a debit's are dropped with it).
    fn concept(&mut self, rec: &Record) {
        if !self.last_credit {
            return;
        }
        if let Some(m) = self.credits.last_mut() {
            for part in [rec.field(5, 42), rec.field(43, 80)] {
                let part = part.trim();
                if !part.is_empty() {
                    m.concept = format!("{} {part}", m.concept).trim().to_owned();
                }
            }
            m.payer_iban = m.payer_iban.take().or_else(|| find_iban(&m.concept));
        }
    }

    /// `33`: the account's totals must be those of the movements read.
    fn totals(&mut self, rec: &Record) -> Result<(), BankError> {
        let Some(acc) = self.account.take() else {
            return Err(self.err(
                rec,
                "account totals (33) without an account header (11)".into(),
            ));
        };
        let count = |a: usize, b: usize| rec.field(a, b).trim().parse::<u64>().ok();
        let total = |a: usize, b: usize| {
            rec.field(a, b)
                .trim()
                .parse::<i64>()
                .ok()
                .map(|c| Decimal::new(c, 2))
        };
        if count(21, 25) != Some(acc.debits.0)
            || total(26, 39) != Some(acc.debits.1)
            || count(40, 44) != Some(acc.credits.0)
            || total(45, 58) != Some(acc.credits.1)
        {
            return Err(self.err(
                rec,
                format!(
                    "the account totals do not add up: the record says {} debits and {} \
                     credits, the file holds {} ({}) and {} ({}): the file is incomplete or was \
                     edited; download it from the bank again",
                    rec.field(21, 25).trim(),
                    rec.field(40, 44).trim(),
                    acc.debits.0,
                    acc.debits.1,
                    acc.credits.0,
                    acc.credits.1
                ),
            ));
        }
        Ok(())
    }

    /// `88`: the record count (banks differ on whether it includes the 88 itself).
    fn end(&mut self, rec: &Record) -> Result<(), BankError> {
        let declared: Option<u64> = rec.field(21, 26).trim().parse().ok();
        if declared.is_some_and(|n| n != self.records - 1 && n != self.records) {
            return Err(self.err(
                rec,
                format!(
                    "the end record counts {} records, the file has {}: download it again",
                    rec.field(21, 26).trim(),
                    self.records - 1
                ),
            ));
        }
        self.ended = true;
        Ok(())
    }
}

/// `YYMMDD` (years 2000-2099).
fn date(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize| s[a..a + 2].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(2000 + n(0)? as i32, n(2)?, n(4)?)
}

/// The first Spanish IBAN written in a text (`ES` + 22 digits, spaces allowed).
pub(crate) fn find_iban(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    compact.match_indices("ES").find_map(|(at, _)| {
        let candidate = compact.get(at..at + 24)?;
        candidate[2..]
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| candidate.to_owned())
    })
}
