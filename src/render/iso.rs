//! Dates (`YYYY-MM-DD`) and amounts serialised without chrono's and rust_decimal's
//! formatters.
//!
//! Every context is serialised once per message (laid flat for the compiled templates, or
//! as JSON), and a context holds a dozen dates and as many amounts: chrono writes each date
//! through `fmt` (its `Debug` form), rust_decimal each amount by dividing its 96-bit
//! mantissa by ten per digit. These functions, used with `#[serde(serialize_with)]` on the
//! context's fields, write the same text by hand for the years 0 to 9999 and the amounts
//! whose digits fit in 64 bits, and leave anything else to the crates, so the JSON is
//! unchanged.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
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

/// `d` as rust_decimal serialises it (its `to_str_internal` with the sign and no precision:
/// every digit of the scale, `0.50`, `-0`), written at the end of `buf`: the digits first, then
/// the point and the sign put around them in place (no second buffer, no copy per piece).
fn decimal_text<'b>(d: &Decimal, buf: &'b mut [u8; 40]) -> Option<&'b [u8]> {
    // At most 29 digits (96 bits) and a scale of at most 28 (anything else is left to
    // rust_decimal): with the point and the sign, at most 31 of the 40 bytes.
    let scale = usize::try_from(d.scale()).ok().filter(|s| *s <= 28)?;
    let end = buf.len();
    let mut start = end - super::money::digits_of(d.mantissa().unsigned_abs(), buf).len();
    if scale > 0 {
        // Zeros before the digits until there is one before the point: `5` at scale 2 is `0.05`.
        while end - start < scale + 1 {
            start -= 1;
            buf[start] = b'0';
        }
        // The whole part moves one place left, and the point goes where it was.
        let point = end - scale;
        buf.copy_within(start..point, start - 1);
        start -= 1;
        buf[point - 1] = b'.';
    }
    if d.is_sign_negative() {
        start -= 1;
        buf[start] = b'-';
    }
    buf.get(start..)
}

/// A `Decimal` field, as rust_decimal serialises it.
pub(super) fn decimal<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 40];
    match decimal_text(d, &mut buf).and_then(|t| std::str::from_utf8(t).ok()) {
        Some(t) => s.serialize_str(t),
        None => Serialize::serialize(d, s),
    }
}

/// An amount that serialises through [`decimal`].
struct Amount(Decimal);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal(&self.0, s)
    }
}

/// An `Option<Decimal>` field, as serde serialises it.
pub(super) fn opt_decimal<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&Amount(*d)),
        None => s.serialize_none(),
    }
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

    /// The hand-written amounts are rust_decimal's text: signs, zeros, scales up to 28,
    /// mantissas around the 64-bit limit and up to the 96-bit largest, at every scale.
    #[test]
    fn amounts_serialise_like_rust_decimal() {
        let mut amounts: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "-1",
            "0.5",
            "-0.05",
            "1234.56",
            "-1234.565",
            "0.000001",
            "100",
            "1000000.10",
            "18446744073709551615",
            "18446744073709551616",
            "1.8446744073709551615",
            "-184467440737.09551616",
        ]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
        amounts.extend([Decimal::MAX, Decimal::MIN, Decimal::ZERO]);
        for scale in [1, 20, 28] {
            let largest = Decimal::MAX.mantissa();
            amounts.push(Decimal::from_i128_with_scale(largest, scale));
            amounts.push(Decimal::from_i128_with_scale(-largest, scale));
        }
        amounts.push(Decimal::from_parts(0, 0, 0, true, 0));
        amounts.push(Decimal::from_parts(0, 0, 0, true, 3));
        for scale in 0..=28 {
            for m in [
                0i64,
                1,
                -1,
                7,
                10,
                99,
                12345,
                -987654321,
                i64::MAX,
                i64::MIN,
            ] {
                amounts.push(Decimal::new(m, scale));
            }
        }
        for d in &amounts {
            assert_eq!(
                decimal(d, serde_json::value::Serializer).unwrap(),
                serde_json::to_value(d).unwrap(),
                "{d:?}"
            );
            for o in [Some(*d), None] {
                assert_eq!(
                    opt_decimal(&o, serde_json::value::Serializer).unwrap(),
                    serde_json::to_value(o).unwrap()
                );
            }
        }
    }
}
