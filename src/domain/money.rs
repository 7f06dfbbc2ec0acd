//! Money as exact decimals, and the number and date formats that Spanish and Latin American
//! spreadsheets export.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount of money, stored in SQLite as TEXT so that no `f64` ever touches it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(#[serde(with = "rust_decimal::serde::str")] pub Decimal);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// The amount with the decimals `currency` is written with (`1250000` for CLP and COP,
    /// `1210.00` for EUR), for the owner's tables; width and alignment honoured.
    pub fn in_currency(self, currency: &str) -> InCurrency<'_> {
        InCurrency(self, currency)
    }

    /// The amount rounded to cents, for display and comparison.
    pub fn cents(self) -> Money {
        Money(self.0.round_dp(2))
    }

    /// Whether the amount is zero or less.
    pub fn is_settled(self) -> bool {
        self.0 <= Decimal::ZERO
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Two decimals, and honour width/alignment so tables line up.
        f.pad(&format!("{:.2}", self.0))
    }
}

/// Currencies cobrador accepts, with the decimals shown to clients and owners.
///
/// COP and CLP are written without decimals, as businesses there do.
pub const CURRENCIES: &[(&str, u32)] = &[
    ("EUR", 2),
    ("MXN", 2),
    ("COP", 0),
    ("CLP", 0),
    ("ARS", 2),
    ("PEN", 2),
    ("USD", 2),
];

/// [`Money::in_currency`]: an amount shown with its currency's decimals.
pub struct InCurrency<'a>(Money, &'a str);

impl fmt::Display for InCurrency<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let decimals = CURRENCIES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(self.1))
            .map_or(2, |(_, dp)| *dp as usize);
        f.pad(&format!("{:.*}", decimals, self.0.0))
    }
}

impl Money {
    /// `self + rhs`, or `None` past `Decimal`'s range (about 7.9 × 10^28).
    pub fn checked_add(self, rhs: Money) -> Option<Money> {
        self.0.checked_add(rhs.0).map(Money)
    }

    /// `self - rhs`, or `None` past `Decimal`'s range.
    pub fn checked_sub(self, rhs: Money) -> Option<Money> {
        self.0.checked_sub(rhs.0).map(Money)
    }

    /// The sum of `amounts`, or `None` if it leaves `Decimal`'s range.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Money>) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, |a, b| a.checked_add(b))
    }
}

// `+`, `-` and `sum` never panic: they saturate at `Decimal`'s range. Imports and `invoice pay`
// bound amounts (`limits.max-amount`, 10^12 by default) so a saturated value can only come from
// rows written before that bound; code that must tell uses the `checked_` forms.
impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl FromStr for Money {
    type Err = ParseAmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_amount(s).map(Money)
    }
}

impl ToSql for Money {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for Money {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Decimal::from_str(text)
            .map(Money)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// Why an amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseAmountError {
    /// Nothing to read.
    #[error("empty amount")]
    Empty,
    /// `1.234` may be one thousand or one point two: the writer must say.
    #[error("ambiguous amount {0:?}: write it as 1234, 1.234,00 or 1234.00")]
    Ambiguous(String),
    /// Not a number at all.
    #[error("not an amount: {0:?} (expected e.g. 1.234,56 or 1234.56)")]
    Invalid(String),
}

/// Reads an amount as Spanish and Latin American users write it: `1.234,56`, `1234,56`,
/// `1,234.56`, `1234.56`, with an optional currency sign or code and spaces.
///
/// The last separator followed by one or two digits is the decimal one. A lone separator
/// followed by exactly three digits (`1.234`, `1,234`) is ambiguous and refused, because
/// guessing wrong would multiply a debt by a thousand.
pub fn parse_amount(input: &str) -> Result<Decimal, ParseAmountError> {
    let trimmed: String = input
        .trim()
        .trim_start_matches(['€', '$'])
        .trim_end_matches(['€', '$'])
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'')
        .collect();
    let (negative, body) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.as_str()),
    };
    if body.is_empty() {
        // Letters alone (`abc`, `EUR`) are not an empty cell: say what was read.
        return Err(if input.trim().is_empty() {
            ParseAmountError::Empty
        } else {
            ParseAmountError::Invalid(input.trim().to_owned())
        });
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(ParseAmountError::Invalid(input.trim().to_owned()));
    }
    let last_sep = body.rfind(['.', ',']);
    let normalised = match last_sep {
        None => body.to_owned(),
        Some(pos) => {
            let sep = body.as_bytes()[pos] as char;
            let other = if sep == '.' { ',' } else { '.' };
            let decimals = &body[pos + 1..];
            let count_sep = body.matches(sep).count();
            let has_other = body.contains(other);
            if has_other {
                // Both kinds: the last is the decimal separator, the other groups thousands.
                if count_sep > 1 || body[..pos].contains(sep) {
                    return Err(ParseAmountError::Invalid(input.trim().to_owned()));
                }
                check_groups(&body[..pos], other, input)?;
                format!("{}.{}", body[..pos].replace(other, ""), decimals)
            } else if count_sep > 1 {
                // `1.234.567` or `1,234,567`: thousands only.
                check_groups(body, sep, input)?;
                body.replace(sep, "")
            } else if decimals.len() == 3 {
                return Err(ParseAmountError::Ambiguous(input.trim().to_owned()));
            } else {
                format!("{}.{}", &body[..pos], decimals)
            }
        }
    };
    if normalised.starts_with('.') || normalised.ends_with('.') {
        return Err(ParseAmountError::Invalid(input.trim().to_owned()));
    }
    let value = Decimal::from_str(&normalised)
        .map_err(|_| ParseAmountError::Invalid(input.trim().to_owned()))?;
    Ok(if negative { -value } else { value })
}

/// Thousands groups must be 1-3 digits then exactly 3 digits each.
fn check_groups(integer: &str, sep: char, input: &str) -> Result<(), ParseAmountError> {
    let mut groups = integer.split(sep);
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) || !integer.contains(sep));
    if first_ok && groups.all(|g| g.len() == 3) {
        Ok(())
    } else {
        Err(ParseAmountError::Invalid(input.trim().to_owned()))
    }
}

/// Reads a date as `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, `dd/mm/yy` (day first, always)
/// or ISO `yyyy-mm-dd`.
pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let day: u32 = parts[0].parse().ok()?;
    let month: u32 = parts[1].parse().ok()?;
    let mut year: i32 = parts[2].parse().ok()?;
    match parts[2].len() {
        2 => year += 2000,
        4 => {}
        _ => return None,
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// The owner's tables write pesos chilenos and colombianos without decimals («1250000»,
    /// not «1250000.00»), euros with two; the width still lines columns up.
    #[test]
    fn amounts_shown_with_their_currencys_decimals() {
        let m = Money(dec!(1250000));
        assert_eq!(m.in_currency("CLP").to_string(), "1250000");
        assert_eq!(m.in_currency("COP").to_string(), "1250000");
        assert_eq!(Money(dec!(1210)).in_currency("EUR").to_string(), "1210.00");
        assert_eq!(Money(dec!(99.5)).in_currency("MXN").to_string(), "99.50");
        assert_eq!(
            format!("{:>9}", Money(dec!(380000)).in_currency("CLP")),
            "   380000"
        );
    }

    #[test]
    fn amounts_in_every_format() {
        let cases = [
            ("1.234,56", dec!(1234.56)),
            ("1234,56", dec!(1234.56)),
            ("1,234.56", dec!(1234.56)),
            ("1234.56", dec!(1234.56)),
            ("1234", dec!(1234)),
            ("0,10", dec!(0.10)),
            ("1.234.567", dec!(1234567)),
            ("1,234,567.5", dec!(1234567.5)),
            ("  1.234,56 € ", dec!(1234.56)),
            ("$ 2,500.00", dec!(2500.00)),
            ("EUR 10,5", dec!(10.5)),
            ("-15,00", dec!(-15.00)),
            ("12.3", dec!(12.3)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_amount(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn ambiguous_and_invalid_amounts_are_refused() {
        assert!(matches!(
            parse_amount("1.234"),
            Err(ParseAmountError::Ambiguous(_))
        ));
        assert!(matches!(
            parse_amount("1,234"),
            Err(ParseAmountError::Ambiguous(_))
        ));
        assert!(matches!(
            parse_amount("12a4"),
            Err(ParseAmountError::Invalid(_))
        ));
        assert!(matches!(
            parse_amount("1.23.4,5"),
            Err(ParseAmountError::Invalid(_))
        ));
        assert!(matches!(parse_amount(""), Err(ParseAmountError::Empty)));
    }

    #[test]
    fn sums_are_exact() {
        let a: Money = "1.234,56".parse().unwrap();
        let b: Money = "0,10".parse().unwrap();
        assert_eq!((a + b).0, dec!(1234.66));
        assert_eq!((a + b).to_string(), "1234.66");
        // The f64 sum of 0.1 + 0.2 is not 0.3; ours is.
        let c: Money = "0.1".parse().unwrap();
        let d: Money = "0.2".parse().unwrap();
        assert_eq!((c + d).0, dec!(0.3));
    }

    #[test]
    fn dates_day_first_or_iso() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("05/11/2026"), d(2026, 11, 5));
        assert_eq!(parse_date("5/11/2026"), d(2026, 11, 5));
        assert_eq!(parse_date("05-11-2026"), d(2026, 11, 5));
        assert_eq!(parse_date("05.11.26"), d(2026, 11, 5));
        assert_eq!(parse_date("2026-11-05"), d(2026, 11, 5));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("11/2026"), None);
    }
}
