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

/// Parses a Norma 43 file.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Statement, BankError> {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let err = |line: usize, reason: String| BankError::Line {
        file: name.to_owned(),
        line: line as u64 + 1,
        reason,
    };
    let mut credits = Vec::new();
    let mut debits = 0;
    let mut account: Option<Account> = None;
    let mut records = 0u64;
    let mut ended = false;
    // Whether the last movement (22) was a credit: its concept lines (23) follow it.
    let mut last_credit = false;
    for (i, raw) in text.lines().enumerate() {
        let line: Vec<char> = raw.trim_end_matches('\r').chars().collect();
        if line.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        if ended {
            return Err(err(i, "records after the end record 88".into()));
        }
        let field = |from: usize, to: usize| -> String {
            line.get(from - 1..to.min(line.len()))
                .map(|s| s.iter().collect())
                .unwrap_or_default()
        };
        records += 1;
        match field(1, 2).as_str() {
            "11" => {
                let currency = match field(48, 50).as_str() {
                    "978" => "EUR",
                    "840" => "USD",
                    "826" => "GBP",
                    "484" => "MXN",
                    other => {
                        return Err(err(
                            i,
                            format!(
                                "currency code {other:?} is not one cobrador knows (978 is EUR)"
                            ),
                        ));
                    }
                };
                account = Some(Account {
                    id: format!("{}-{}-{}", field(3, 6), field(7, 10), field(11, 20)),
                    currency: currency.to_owned(),
                    credits: (0, Decimal::ZERO),
                    debits: (0, Decimal::ZERO),
                });
            }
            "22" => {
                let Some(acc) = account.as_mut() else {
                    return Err(err(
                        i,
                        "a movement (22) before any account header (11)".into(),
                    ));
                };
                let booked_on = date(&field(11, 16)).ok_or_else(|| {
                    err(
                        i,
                        format!("operation date {:?} is not YYMMDD", field(11, 16)),
                    )
                })?;
                let value_on = date(&field(17, 22));
                let cents: i64 = field(29, 42)
                    .trim()
                    .parse()
                    .map_err(|_| err(i, format!("amount {:?} is not 14 digits", field(29, 42))))?;
                let amount = Decimal::new(cents, 2);
                last_credit = field(28, 28) == "2";
                match field(28, 28).as_str() {
                    "1" => {
                        acc.debits.0 += 1;
                        acc.debits.1 += amount;
                        debits += 1;
                    }
                    "2" => {
                        acc.credits.0 += 1;
                        acc.credits.1 += amount;
                        let (doc, ref1, ref2) = (field(43, 52), field(53, 64), field(65, 80));
                        let reference = [ref1.trim(), ref2.trim(), doc.trim()]
                            .into_iter()
                            .find(|r| !r.is_empty() && !r.chars().all(|c| c == '0'))
                            .map(str::to_owned);
                        credits.push(Movement {
                            key: format!(
                                "n43|{}|{}|{}|{amount}|{}|{}|{}",
                                acc.id,
                                field(11, 16),
                                field(17, 22),
                                doc.trim(),
                                ref1.trim(),
                                ref2.trim()
                            ),
                            account: acc.id.clone(),
                            line: i as u64 + 1,
                            booked_on,
                            value_on,
                            amount,
                            currency: acc.currency.clone(),
                            reference,
                            concept: [ref1.trim(), ref2.trim()]
                                .iter()
                                .filter(|s| !s.is_empty())
                                .copied()
                                .collect::<Vec<_>>()
                                .join(" "),
                            payer_name: None,
                            payer_iban: None,
                        });
                    }
                    other => {
                        return Err(err(
                            i,
                            format!("sign {other:?} is neither 1 (debit) nor 2 (credit)"),
                        ));
                    }
                }
            }
            "23" => {
                // Concept lines belong to the movement just read; debits' are dropped with them.
                if last_credit && let Some(m) = credits.last_mut() {
                    for part in [field(5, 42), field(43, 80)] {
                        let part = part.trim();
                        if !part.is_empty() {
                            m.concept = format!("{} {part}", m.concept).trim().to_owned();
                        }
                    }
                    m.payer_iban = m.payer_iban.take().or_else(|| find_iban(&m.concept));
                }
            }
            "24" => {}
            "33" => {
                let Some(acc) = account.take() else {
                    return Err(err(
                        i,
                        "account totals (33) without an account header (11)".into(),
                    ));
                };
                let count = |a: usize, b: usize| field(a, b).trim().parse::<u64>().ok();
                let total = |a: usize, b: usize| {
                    field(a, b)
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
                    return Err(err(
                        i,
                        format!(
                            "the account totals do not add up: the record says {} debits and {} credits, \
                         the file holds {} ({}) and {} ({}): the file is incomplete or was edited; \
                         download it from the bank again",
                            field(21, 25).trim(),
                            field(40, 44).trim(),
                            acc.debits.0,
                            acc.debits.1,
                            acc.credits.0,
                            acc.credits.1
                        ),
                    ));
                }
            }
            "88" => {
                let declared: Option<u64> = field(21, 26).trim().parse().ok();
                // Banks differ on whether the count includes the 88 record itself.
                if declared.is_some_and(|n| n != records - 1 && n != records) {
                    return Err(err(
                        i,
                        format!(
                            "the end record counts {} records, the file has {}: download it again",
                            field(21, 26).trim(),
                            records - 1
                        ),
                    ));
                }
                ended = true;
            }
            other => {
                return Err(err(
                    i,
                    format!("record type {other:?} is not Norma 43 (11, 22, 23, 24, 33, 88)"),
                ));
            }
        }
    }
    if account.is_some() {
        return Err(BankError::File {
            file: name.to_owned(),
            reason: "the last account has no totals record (33): the file is cut short; download it again".into(),
        });
    }
    if !ended {
        return Err(BankError::File {
            file: name.to_owned(),
            reason: "no end record (88): the file is cut short; download it again".into(),
        });
    }
    number_duplicates(&mut credits);
    Ok(Statement {
        format: Format::Norma43,
        credits,
        debits,
    })
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
