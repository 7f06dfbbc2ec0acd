//! Payments from the bank: statements read, credits matched to open invoices, the rest left to
//! the owner.
//!
//! `cobrador import bank FILE` reads a Spanish bank statement, AEB Norma 43 (Cuaderno 43, what
//! every Spanish bank's web offers as "fichero Norma 43") or ISO 20022 camt.053 (XML), and
//! looks at its credits only. Each credit is first compared with the payments already recorded
//! from the accounting export or typed in ([`repeat`], the rule of
//! [`crate::policy::payment_match`]): the same money is linked to that payment and not added
//! (rule `already-recorded`), a credit that may repeat one of several goes to review. The
//! others are matched by [`matching`]:
//!
//! | evidence                                                   | outcome                 |
//! |------------------------------------------------------------|-------------------------|
//! | the concept names open invoices, amount = their balance    | paid (rule `reference`) |
//! | the concept names one invoice, amount below its balance    | partly paid             |
//! | exact amount of an open invoice AND the payer's IBAN is the client's | paid (`amount+iban`) |
//! | exact amount AND the payer's name (or the concept) names the client  | paid (`amount+name`) |
//! | exact amount of the only invoice whose client said "ya pagué" | paid (`claim`)       |
//! | anything else (two candidates, overpayment, nobody)        | review list             |
//!
//! A confident match is recorded as a payment with the bank's reference; each movement has an
//! import key (the bank's own reference when it gives one, otherwise its fields), so the same
//! statement imported twice, or two overlapping statements, change nothing the second time.
//! Everything is in one transaction: a statement that does not parse writes nothing.
//!
//! The review list (`cobrador bank review`) is settled one credit at a time with
//! `cobrador bank settle ID --invoice N` (the payer's IBAN is then remembered for that client)
//! or `--ignore`. A client's "ya pagué" (`invoices.paid_claimed_on`, set when the reply is
//! applied) is checked against the statement: a matching credit confirms it and pays the
//! invoice; and a reply that arrives after the statement is checked against the credits
//! waiting for review ([`confirm_claims`], in the store so that the engine applying the
//! reply may call it) before the owner is asked.

pub mod camt053;
pub mod matching;
pub mod norma43;
mod record;
pub mod repeat;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use self::record::{BankSummary, Settle, import_bytes, import_file, settle};
pub use crate::store::bank::confirm_claims;

/// The statement formats cobrador reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    /// AEB Norma 43 (Cuaderno 43): fixed-width 80-character records, Latin-1.
    Norma43,
    /// ISO 20022 camt.053 (BankToCustomerStatement), XML.
    Camt053,
}

/// A statement: our account and its credits.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Which format it was.
    pub format: Format,
    /// Credits (money in), in file order.
    pub credits: Vec<Movement>,
    /// How many debits (money out) were skipped.
    pub debits: usize,
}

/// One credit on a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// Identity of the bank movement, the same each time the statement is read.
    pub key: String,
    /// Our account: IBAN (camt.053) or bank-branch-account (Norma 43).
    pub account: String,
    /// Line (Norma 43) or entry number (camt.053), for error messages and review.
    pub line: u64,
    /// Booking day.
    pub booked_on: NaiveDate,
    /// Value day.
    pub value_on: Option<NaiveDate>,
    /// Amount credited (positive).
    pub amount: Decimal,
    /// ISO currency code.
    pub currency: String,
    /// The bank's reference for the movement.
    pub reference: Option<String>,
    /// Everything the payer wrote and the bank added (concept lines, remittance information).
    pub concept: String,
    /// Who paid, when the bank says.
    pub payer_name: Option<String>,
    /// From which account, when the bank says.
    pub payer_iban: Option<String>,
}

/// A statement that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    /// A record or element is wrong.
    #[error("{file}:{line}: {reason}")]
    Line {
        /// The statement file.
        file: String,
        /// 1-based line (Norma 43) or line of the XML element.
        line: u64,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The file as a whole is not a statement.
    #[error("{file}: {reason}")]
    File {
        /// The statement file.
        file: String,
        /// What is wrong and what to do.
        reason: String,
    },
}

/// Reads a statement in either format, decided from its first bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Statement, BankError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF)
        .unwrap_or(0);
    match bytes.get(start..start + 2) {
        Some(b"<?") | Some(b"<D") | Some(b"<d") => camt053::parse(name, bytes),
        Some(b"11") => norma43::parse(name, bytes),
        _ => Err(BankError::File {
            file: name.to_owned(),
            reason: "not a bank statement cobrador reads: download it from the bank as \
                     \"Norma 43\" (Cuaderno 43, a .txt or .n43 file) or as camt.053 (XML)"
                .to_owned(),
        }),
    }
}

/// Lets a credit told apart from an identical one in the same file (same day, amount and
/// concept): the n-th occurrence gets `#n`.
pub(crate) fn number_duplicates(credits: &mut [Movement]) {
    let mut seen = std::collections::BTreeMap::<String, u32>::new();
    for m in credits {
        let n = seen.entry(m.key.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            m.key = format!("{}#{n}", m.key);
        }
    }
}
