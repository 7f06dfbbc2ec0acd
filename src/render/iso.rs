//! Dates serialised as `YYYY-MM-DD` without chrono's formatter.
//!
//! Every context is serialised once per message (laid flat for the compiled templates, or
//! as JSON), and a context holds a dozen dates: chrono writes each through `fmt` (its `Debug`
//! form), which cost more than the rest of the date's handling. These functions, used with
//! `#[serde(serialize_with)]` on the context's date fields, write the same text by hand for
//! the years 0 to 9999 and leave any other year to chrono, so the JSON is unchanged.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

use super::dates::put_digits;

/// `YYYY-MM-DD` for a year in 0..=9999 (chrono writes other years with a sign).
fn text(d: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut b = *b"0000-00-00";
    put_digits(&mut b[0..4], year);
    put_digits(&mut b[5..7], d.month());
    put_digits(&mut b[8..10], d.day());
    Some(b)
}

/// A date that serialises through [`date`].
struct Iso(NaiveDate);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        date(&self.0, s)
    }
}

/// A `NaiveDate` field, as chrono serialises it.
pub(super) fn date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    match text(*d) {
        // Digits and dashes only: always UTF-8.
        Some(b) => match std::str::from_utf8(&b) {
            Ok(t) => s.serialize_str(t),
            Err(_) => d.serialize(s),
        },
        None => d.serialize(s),
    }
}

/// An `Option<NaiveDate>` field, as serde serialises it (`serialize_some` / `serialize_none`).
pub(super) fn opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&Iso(*d)),
        None => s.serialize_none(),
    }
}

/// A `Vec<NaiveDate>` field, as serde serialises it (a sequence).
pub(super) fn dates<S: Serializer>(d: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(d.iter().map(|d| Iso(*d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written text is chrono's, for ordinary and extreme dates, alone, optional and
    /// in lists.
    #[test]
    fn dates_serialise_like_chrono() {
        let mut days: Vec<NaiveDate> = [
            (2026, 11, 27),
            (2026, 1, 1),
            (9, 12, 31),
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
        ]
        .iter()
        .map(|&(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
        .collect();
        days.extend([NaiveDate::MIN, NaiveDate::MAX]);
        // Every day of a leap year and of a common one.
        for y in [2024, 2026] {
            let first = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
            days.extend(first.iter_days().take_while(|d| d.year() == y));
        }
        for d in &days {
            assert_eq!(
                date(d, serde_json::value::Serializer).unwrap(),
                serde_json::to_value(d).unwrap(),
                "{d}"
            );
            for o in [Some(*d), None] {
                assert_eq!(
                    opt_date(&o, serde_json::value::Serializer).unwrap(),
                    serde_json::to_value(o).unwrap()
                );
            }
        }
        assert_eq!(
            dates(&days, serde_json::value::Serializer).unwrap(),
            serde_json::to_value(&days).unwrap()
        );
    }
}
