//! When two records of a payment are the same money (pure: no store).
//!
//! A payment can reach cobrador twice: from the owner's accounting export (`import payments`),
//! from the bank statement (`import bank`), or typed by the owner (`invoice pay`). Counting both
//! makes a paid invoice look overpaid and a partial payment look doubled. The rule a business
//! owner expects, applied when a payment arrives:
//!
//! | the arriving payment and a recorded one                         | then                     |
//! |-----------------------------------------------------------------|--------------------------|
//! | same invoice and amount, dates within [`WINDOW_DAYS`] days, from different sources (bank / accounting export / typed in), no conflicting references, the recorded one not already matched | the same payment: linked, not added |
//! | from the same source (two rows of the export, two bank credits) | two payments: both count |
//! | dates further apart, or another amount                          | two payments             |
//! | references of the same shape with different numbers (`TRF-88213` / `TRF-88214`, `plazo 1` / `plazo 2`) | two payments |
//! | two or more recorded ones fit and no reference tells which      | ambiguous: not added, the owner is told |
//!
//! References conflict only when they can be compared: two references of the same shape (the
//! same letters, each run of digits standing for a number; a bare number has no shape) whose
//! numbers differ. References of
//! different shapes (an accounting entry `AS-0042` and a bank concept `TRANSFERENCIA F2026-101`)
//! say nothing either way. A reference contained in the other record's (its reference or the
//! bank's concept) confirms the pair and decides between several candidates.
//!
//! Dates: a bank books a transfer a day or two after the payer ordered it, and value dates
//! differ again; an accounting export dates it when the entry was made. A few days cover that
//! without merging monthly instalments.

use chrono::NaiveDate;

use crate::domain::Money;

/// How many days apart two records of the same payment may be dated.
pub const WINDOW_DAYS: i64 = 5;

/// Where a payment record came from; records from the same origin are never merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A bank statement credit (matched automatically or settled by the owner).
    Bank,
    /// The owner's accounting export (`import payments`).
    Export,
    /// Typed in by the owner (`invoice pay`) or another manual path.
    Typed,
}

impl Origin {
    /// The origin of a stored payment, from its `source` column and import key.
    pub fn of_stored(source: &str, import_key: Option<&str>) -> Origin {
        if import_key.is_some_and(|k| k.starts_with("bank|")) || source == "bank" {
            Origin::Bank
        } else if source == "csv" {
            Origin::Export
        } else {
            Origin::Typed
        }
    }

    /// How the owner reads it: «the bank statement», «the payments export»...
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Bank => "the bank statement",
            Origin::Export => "the payments import",
            Origin::Typed => "a payment typed in",
        }
    }
}

/// A payment already recorded on the invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// `payments.id`.
    pub id: i64,
    /// Day paid.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Where it came from.
    pub origin: Origin,
    /// Its references: the payment's reference, and for a bank credit the concept too.
    pub references: Vec<String>,
    /// Already the twin of another record (each record pairs with one other at most).
    pub matched: bool,
}

/// A payment about to be recorded on the same invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct Arriving<'a> {
    /// Days it is dated (booking and value day for a bank credit).
    pub dates: &'a [NaiveDate],
    /// Amount.
    pub amount: Money,
    /// Where it comes from.
    pub origin: Origin,
    /// Its references (reference, concept).
    pub references: &'a [String],
}

/// What the rule found for an arriving payment.
#[derive(Debug, Clone, PartialEq)]
pub enum Twin {
    /// No recorded payment is the same money: record it.
    None,
    /// The same money as this recorded payment: link, do not add.
    Same(Recorded),
    /// Several recorded payments could be it: do not add; tell the owner.
    Ambiguous(Vec<Recorded>),
}

/// Finds the recorded payment the arriving one repeats (see the module doc).
pub fn twin(arriving: &Arriving<'_>, recorded: &[Recorded]) -> Twin {
    let fits: Vec<&Recorded> = recorded
        .iter()
        .filter(|r| {
            !r.matched
                && r.origin != arriving.origin
                && r.amount.0 == arriving.amount.0
                && arriving
                    .dates
                    .iter()
                    .any(|d| (*d - r.paid_on).num_days().abs() <= WINDOW_DAYS)
                && !conflict(arriving.references, &r.references)
        })
        .collect();
    let confirmed: Vec<&Recorded> = fits
        .iter()
        .copied()
        .filter(|r| confirms(arriving.references, &r.references))
        .collect();
    match (confirmed.as_slice(), fits.as_slice()) {
        ([one], _) | ([], [one]) => Twin::Same((*one).clone()),
        ([], []) => Twin::None,
        ([], many) | (many, _) => Twin::Ambiguous(many.iter().map(|r| (*r).clone()).collect()),
    }
}

/// Upper-case letters and digits only.
fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The shape of a reference (letters kept, each run of digits as `#`) and its numbers.
fn shape(s: &str) -> (String, Vec<String>) {
    let mut shape = String::new();
    let mut numbers: Vec<String> = Vec::new();
    let mut in_number = false;
    for c in compact(s).chars() {
        if c.is_ascii_digit() {
            if !in_number {
                shape.push('#');
                numbers.push(String::new());
            }
            if let Some(n) = numbers.last_mut() {
                n.push(c);
            }
            in_number = true;
        } else {
            shape.push(c);
            in_number = false;
        }
    }
    (shape, numbers)
}

/// Two references of the same shape with different numbers: two different payments.
fn conflict(a: &[String], b: &[String]) -> bool {
    if confirms(a, b) {
        return false;
    }
    a.iter().any(|x| {
        let (sx, nx) = shape(x);
        // A bare number (a bank's internal id, a transfer number) has no shape to compare.
        !nx.is_empty()
            && sx.chars().any(char::is_alphabetic)
            && b.iter().any(|y| {
                let (sy, ny) = shape(y);
                sx == sy && nx != ny
            })
    })
}

/// One record's reference found in the other's (at least 4 letters or digits).
fn confirms(a: &[String], b: &[String]) -> bool {
    let inside = |x: &String, y: &String| {
        let (x, y) = (compact(x), compact(y));
        x.len() >= 4 && y.contains(&x)
    };
    a.iter().any(|x| b.iter().any(|y| inside(x, y) || inside(y, x)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn rec(id: i64, d: u32, amount: &str, origin: Origin, refs: &[&str]) -> Recorded {
        Recorded {
            id,
            paid_on: day(d),
            amount: Money(amount.parse().unwrap()),
            origin,
            references: refs.iter().map(|s| (*s).to_owned()).collect(),
            matched: false,
        }
    }

    fn ids(t: &Twin) -> Vec<i64> {
        match t {
            Twin::None => vec![],
            Twin::Same(r) => vec![r.id],
            Twin::Ambiguous(rs) => rs.iter().map(|r| -r.id).collect(),
        }
    }

    #[test]
    fn the_rule_by_cases() {
        use Origin::{Bank, Export, Typed};
        let bank_credit = |id, d| rec(id, d, "500", Bank, &["TRANSFERENCIA CAFE F-1"]);
        // (arriving day, origin, references, recorded, expected: id, or -id each when ambiguous)
        let cases: Vec<(u32, Origin, Vec<&str>, Vec<Recorded>, Vec<i64>)> = vec![
            (4, Export, vec!["TRF-88213"], vec![bank_credit(1, 3)], vec![1]),
            (3, Bank, vec!["F-1"], vec![rec(1, 7, "500", Export, &[])], vec![1]),
            (3, Typed, vec![], vec![bank_credit(1, 1)], vec![1]),
            // Same origin: two instalments of the export are two payments.
            (4, Export, vec![], vec![rec(1, 4, "500", Export, &[])], vec![]),
            // Too far apart, or another amount.
            (20, Export, vec![], vec![bank_credit(1, 3)], vec![]),
            (4, Export, vec![], vec![rec(1, 4, "499.99", Bank, &[])], vec![]),
            // References of the same shape, other numbers: instalments.
            (4, Export, vec!["plazo 2"], vec![rec(1, 3, "500", Bank, &["Plazo 1"])], vec![]),
            (4, Export, vec!["TRF-88214"], vec![rec(1, 3, "500", Bank, &["TRF-88213"])], vec![]),
            // Bare numbers, or different shapes, say nothing.
            (4, Export, vec!["88214"], vec![rec(1, 3, "500", Bank, &["0000012345"])], vec![1]),
            // Two candidates: ambiguous, unless a reference tells which.
            (4, Export, vec![], vec![bank_credit(1, 3), bank_credit(2, 5)], vec![-1, -2]),
            (
                4,
                Export,
                vec!["88213"],
                vec![bank_credit(1, 3), rec(2, 5, "500", Bank, &["TRF 88213"])],
                vec![2],
            ),
        ];
        for (i, (d, origin, refs, recorded, want)) in cases.into_iter().enumerate() {
            let refs: Vec<String> = refs.into_iter().map(str::to_owned).collect();
            let arriving = Arriving {
                dates: &[day(d)],
                amount: Money("500".parse().unwrap()),
                origin,
                references: &refs,
            };
            assert_eq!(ids(&twin(&arriving, &recorded)), want, "case {i}");
        }
    }

    #[test]
    fn a_recorded_payment_pairs_once() {
        let mut r = rec(1, 3, "500", Origin::Bank, &[]);
        r.matched = true;
        let arriving = Arriving {
            dates: &[day(3)],
            amount: Money("500".parse().unwrap()),
            origin: Origin::Export,
            references: &[],
        };
        assert_eq!(twin(&arriving, &[r]), Twin::None);
    }
}
