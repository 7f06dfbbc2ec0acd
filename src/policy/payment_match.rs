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
//! | references numbering the same thing differently (`TRF-88213` / `TRF-88214`, `plazo 1` / `plazo 2`) | two payments |
//! | two or more recorded ones fit and no reference tells which      | ambiguous: not added, the owner is told |
//! | the recorded one already stands for a report from the same source | two payments (equal instalments) |
//!
//! References conflict only when they can be compared: both number the same thing (the same
//! word before a number: `TRF-88213` / `TRF 88214`, `plazo 1` / `Plazo 2`) with different
//! numbers. References with nothing in common (an accounting entry `AS-0042` and a bank concept
//! `TRANSFERENCIA F2026-101`), and bare numbers, say nothing either way. A reference (4
//! characters or more) contained in the other record's (its reference or the bank's concept)
//! confirms the pair and decides between several candidates.
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
    /// Already the twin of a report from the arriving payment's source (a payment pairs with
    /// one report of each other source at most: equal instalments stay apart).
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

/// The numbers of a reference with the word before each (`plazo 2/3` → `PLAZO`: 2; a number
/// right after another has no word and is left out, like bare numbers).
fn labelled(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut word, mut number) = (String::new(), String::new());
    let mut after_number = false;
    for c in s.chars().flat_map(char::to_uppercase) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            if word.chars().count() >= 2 {
                out.push((word.clone(), number.trim_start_matches('0').to_owned()));
            }
            number.clear();
            word.clear();
            after_number = true;
        }
        if c.is_alphabetic() {
            if after_number {
                word.clear();
                after_number = false;
            }
            word.push(c);
        } else if !word.is_empty() {
            // A separator: the word stays the label of the number that follows.
            after_number = false;
        }
    }
    if !number.is_empty() && word.chars().count() >= 2 {
        out.push((word, number.trim_start_matches('0').to_owned()));
    }
    out
}

/// Two references that number the same thing differently (`TRF-88213` / `TRF-88214`,
/// `plazo 1` / `plazo 2`): two different payments.
fn conflict(a: &[String], b: &[String]) -> bool {
    if confirms(a, b) {
        return false;
    }
    let (la, lb): (Vec<_>, Vec<_>) = (
        a.iter().flat_map(|x| labelled(x)).collect(),
        b.iter().flat_map(|y| labelled(y)).collect(),
    );
    la.iter().any(|(word, _)| {
        let numbers = |l: &[(String, String)]| -> Vec<String> {
            l.iter()
                .filter(|(w, _)| w == word)
                .map(|(_, n)| n.clone())
                .collect()
        };
        let (na, nb) = (numbers(&la), numbers(&lb));
        !nb.is_empty() && !na.iter().any(|n| nb.contains(n))
    })
}

/// One record's reference found in the other's (at least 4 letters or digits).
fn confirms(a: &[String], b: &[String]) -> bool {
    let inside = |x: &String, y: &String| {
        let (x, y) = (compact(x), compact(y));
        x.len() >= 4 && y.contains(&x)
    };
    a.iter()
        .any(|x| b.iter().any(|y| inside(x, y) || inside(y, x)))
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
        type Case<'a> = (u32, Origin, Vec<&'a str>, Vec<Recorded>, Vec<i64>);
        let cases: Vec<Case> = vec![
            (
                4,
                Export,
                vec!["TRF-88213"],
                vec![bank_credit(1, 3)],
                vec![1],
            ),
            (
                3,
                Bank,
                vec!["F-1"],
                vec![rec(1, 7, "500", Export, &[])],
                vec![1],
            ),
            (3, Typed, vec![], vec![bank_credit(1, 1)], vec![1]),
            // Same origin: two instalments of the export are two payments.
            (
                4,
                Export,
                vec![],
                vec![rec(1, 4, "500", Export, &[])],
                vec![],
            ),
            // Too far apart, or another amount.
            (20, Export, vec![], vec![bank_credit(1, 3)], vec![]),
            (
                4,
                Export,
                vec![],
                vec![rec(1, 4, "499.99", Bank, &[])],
                vec![],
            ),
            // References numbering the same thing differently: instalments.
            (
                4,
                Export,
                vec!["plazo 2"],
                vec![rec(1, 3, "500", Bank, &["Plazo 1"])],
                vec![],
            ),
            (
                4,
                Export,
                vec!["TRF-88214"],
                vec![rec(1, 3, "500", Bank, &["TRF-88213"])],
                vec![],
            ),
            // Bare numbers, or references with nothing in common, say nothing.
            (
                4,
                Export,
                vec!["88214"],
                vec![rec(1, 3, "500", Bank, &["0000012345"])],
                vec![1],
            ),
            // Two candidates: ambiguous, unless a reference tells which.
            (
                4,
                Export,
                vec![],
                vec![bank_credit(1, 3), bank_credit(2, 5)],
                vec![-1, -2],
            ),
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
    fn references_number_things_with_the_word_before() {
        let l = |s: &str| labelled(s);
        assert_eq!(l("plazo 2/3"), [("PLAZO".into(), "2".into())]);
        assert_eq!(l("TRF-088213"), [("TRF".into(), "88213".into())]);
        assert_eq!(l("F2026-107 plazo 2").len(), 1);
        assert!(l("88213").is_empty());
        let v = |s: &str| vec![s.to_owned()];
        assert!(conflict(&v("F2026-107 plazo 2"), &v("plazo 1")));
        assert!(!conflict(&v("F2026-107 plazo 1"), &v("Plazo 01")));
        assert!(!conflict(&v("TRANSFERENCIA F2026-101"), &v("AS-0042")));
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
