//! Money formatting for the Spanish-speaking locales cobrador supports.
//!
//! The *locale* (the client's) decides the digit grouping and the decimal mark; the
//! *currency* (the invoice's) decides the symbol and the number of decimals. When the currency
//! is the locale's own, the local convention is used (`1.234,56 €` in Spain, `$1,234.56` in
//! Mexico). Any other currency is written with its ISO code after the number, so a euro invoice
//! sent to a client in Mexico City reads `1,234.56 EUR` and is never mistaken for pesos.

use rust_decimal::{Decimal, RoundingStrategy};

/// A supported locale: separators and the home currency's symbol layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locale {
    /// BCP 47 tag, e.g. `es-ES`.
    pub tag: &'static str,
    /// Thousands separator.
    pub group: char,
    /// Decimal mark.
    pub decimal: char,
    /// ISO 4217 code of the home currency.
    pub home_currency: &'static str,
    /// Home-currency layout, `{}` standing for the number: `{} €`, `${}`, `S/ {}`.
    pub home_pattern: &'static str,
}

/// The dollar-sign locales written for a business of another currency (`es-CL` for a Mexican
/// firm): the home currency keeps its layout and adds its code, `$1.150.000 CLP`, so that a
/// client of a foreign firm never wonders whose pesos they are (walk30 G8b).
pub const CODED_LOCALES: &[(&str, &str)] = &[
    ("es-MX", "es-MX-x-coded"),
    ("es-CO", "es-CO-x-coded"),
    ("es-CL", "es-CL-x-coded"),
    ("es-AR", "es-AR-x-coded"),
];

/// The locales cobrador formats for (Spain and the Latin American profiles).
pub const LOCALES: &[Locale] = &[
    Locale {
        tag: "es-ES",
        group: '.',
        decimal: ',',
        home_currency: "EUR",
        home_pattern: "{} €",
    },
    Locale {
        tag: "es-MX",
        group: ',',
        decimal: '.',
        home_currency: "MXN",
        home_pattern: "${}",
    },
    Locale {
        tag: "es-CO",
        group: '.',
        decimal: ',',
        home_currency: "COP",
        home_pattern: "$ {}",
    },
    Locale {
        tag: "es-CL",
        group: '.',
        decimal: ',',
        home_currency: "CLP",
        home_pattern: "${}",
    },
    Locale {
        tag: "es-AR",
        group: '.',
        decimal: ',',
        home_currency: "ARS",
        home_pattern: "$ {}",
    },
    Locale {
        tag: "es-PE",
        group: ',',
        decimal: '.',
        home_currency: "PEN",
        home_pattern: "S/ {}",
    },
    // `CODED_LOCALES`.
    Locale {
        tag: "es-MX-x-coded",
        group: ',',
        decimal: '.',
        home_currency: "MXN",
        home_pattern: "${} MXN",
    },
    Locale {
        tag: "es-CO-x-coded",
        group: '.',
        decimal: ',',
        home_currency: "COP",
        home_pattern: "$ {} COP",
    },
    Locale {
        tag: "es-CL-x-coded",
        group: '.',
        decimal: ',',
        home_currency: "CLP",
        home_pattern: "${} CLP",
    },
    Locale {
        tag: "es-AR-x-coded",
        group: '.',
        decimal: ',',
        home_currency: "ARS",
        home_pattern: "$ {} ARS",
    },
];

/// Currencies cobrador accepts, with the decimals shown to clients (the table lives in
/// `domain`, which the owner's tables use too).
pub use crate::domain::CURRENCIES;

/// Why an amount could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The locale tag is not one of [`LOCALES`].
    #[error("unknown locale {0:?}: expected one of es-ES, es-MX, es-CO, es-CL, es-AR, es-PE")]
    UnknownLocale(String),
    /// The currency code is not one of [`CURRENCIES`].
    #[error("unknown currency {0:?}: expected one of EUR, MXN, COP, CLP, ARS, PEN, USD")]
    UnknownCurrency(String),
}

impl Locale {
    /// Finds a locale by tag (`es-MX`, also accepted as `es_MX`, any case).
    pub fn find(tag: &str) -> Result<&'static Locale, MoneyError> {
        // `_` read as `-`, compared byte by byte (no copy of the tag per amount).
        let same = |l: &&Locale| {
            l.tag.len() == tag.len()
                && l.tag
                    .bytes()
                    .zip(tag.bytes())
                    .all(|(a, b)| a.eq_ignore_ascii_case(&if b == b'_' { b'-' } else { b }))
        };
        // The tag as the context writes it (`es-ES`) first: one comparison of bytes.
        LOCALES
            .iter()
            .find(|l| l.tag == tag)
            .or_else(|| LOCALES.iter().find(same))
            .ok_or_else(|| MoneyError::UnknownLocale(tag.to_owned()))
    }
}

/// Number of decimals shown for a currency code (`EUR` → 2, `CLP` → 0).
pub fn currency_decimals(currency: &str) -> Result<u32, MoneyError> {
    // The code in capitals (as stored) first: one comparison of bytes.
    CURRENCIES
        .iter()
        .find(|(code, _)| *code == currency)
        .or_else(|| {
            CURRENCIES
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(currency))
        })
        .map(|(_, dp)| *dp)
        .ok_or_else(|| MoneyError::UnknownCurrency(currency.to_owned()))
}

/// Formats a plain number with the locale's separators and `decimals` decimals.
///
/// `format_number(1234.5, es-ES, 2)` → `1.234,50`.
pub fn format_number(amount: Decimal, locale: &Locale, decimals: u32) -> String {
    let mut out = String::with_capacity(24);
    write_number(&mut out, amount, locale, decimals);
    out
}

/// [`format_number`] appended to `out`: the digits come from the rounded amount's mantissa,
/// without an intermediate string per amount (every reminder formats a dozen amounts).
fn write_number(out: &mut String, amount: Decimal, locale: &Locale, decimals: u32) {
    if let Some(units) = units_of(amount, decimals) {
        write_units(out, amount.is_sign_negative(), units, locale, decimals);
    } else {
        write_number_wide(out, amount, locale, decimals);
    }
}

/// The amount rounded to `decimals` (half away from zero, as `round_dp_with_strategy` with
/// `MidpointAwayFromZero`) in units of `10^-decimals`, sign apart, when the mantissa and the
/// result fit in 64 bits (every real amount): no `Decimal` arithmetic or 128-bit operations,
/// which were most of a `money` call.
fn units_of(amount: Decimal, decimals: u32) -> Option<u64> {
    let mantissa = u64::try_from(amount.mantissa().unsigned_abs()).ok()?;
    let scale = amount.scale();
    if scale <= decimals {
        return mantissa.checked_mul(10u64.checked_pow(decimals - scale)?);
    }
    let down = 10u64.checked_pow(scale - decimals)?;
    let (whole, rest) = (mantissa / down, mantissa % down);
    // Half or more of a unit rounds up (`rest * 2 >= down`, without overflowing).
    Some(if rest >= down - rest {
        whole + 1
    } else {
        whole
    })
}

/// Writes `units` (in `10^-decimals`) with the locale's separators, `-` first if negative
/// and not zero.
fn write_units(out: &mut String, negative: bool, units: u64, locale: &Locale, decimals: u32) {
    let Some(pow) = 10u64.checked_pow(decimals) else {
        return;
    };
    if negative && units != 0 {
        out.push('-');
    }
    write_parts(
        out,
        u128::from(units / pow),
        u128::from(units % pow),
        locale,
        decimals,
    );
}

/// [`write_number`] for amounts [`units_of`] does not take, through `Decimal`'s rounding and
/// 128-bit digits.
fn write_number_wide(out: &mut String, amount: Decimal, locale: &Locale, decimals: u32) {
    let rounded = amount
        .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
        .abs();
    // Rounding to `decimals` leaves at most `decimals` digits after the point; scaled to
    // exactly `decimals` (zeros padded, as `{:.N}` does), unless that overflows.
    let scaled = 10u128.checked_pow(decimals).and_then(|pow| {
        let up = 10u128.checked_pow(decimals.checked_sub(rounded.scale())?)?;
        Some((rounded.mantissa().unsigned_abs().checked_mul(up)?, pow))
    });
    let Some((units, pow)) = scaled else {
        return write_number_slow(out, amount, rounded, locale, decimals);
    };
    if amount.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    // Whole units and the fraction: in 64 bits when they fit (every real amount), a 128-bit
    // division being a library call per digit.
    let (whole, fraction) = match (u64::try_from(units), u64::try_from(pow)) {
        (Ok(u), Ok(p)) => (u128::from(u / p), u128::from(u % p)),
        _ => (units / pow, units % pow),
    };
    write_parts(out, whole, fraction, locale, decimals);
}

/// The whole part with the locale's group separators, then the decimal mark and the fraction
/// padded to `decimals` digits.
fn write_parts(out: &mut String, whole: u128, fraction: u128, locale: &Locale, decimals: u32) {
    let mut digits = [0u8; 40];
    let int = digits_of(whole, &mut digits);
    for (i, d) in int.iter().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(locale.group);
        }
        out.push(char::from(*d));
    }
    if decimals > 0 {
        out.push(locale.decimal);
        let mut frac_digits = [0u8; 40];
        let frac = digits_of(fraction, &mut frac_digits);
        for _ in frac.len()..decimals as usize {
            out.push('0');
        }
        out.extend(frac.iter().map(|d| char::from(*d)));
    }
}

/// The decimal digits of `n` (`"0"` for zero), written at the end of `buf`.
pub(super) fn digits_of(mut n: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut at = buf.len();
    // 128-bit divisions (a library call each) only while the rest does not fit in 64 bits,
    // which no real amount reaches.
    let mut small = loop {
        match u64::try_from(n) {
            Ok(small) => break small,
            Err(_) => {
                at -= 1;
                // `n % 10` is below ten: the cast cannot truncate.
                buf[at] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
    };
    loop {
        at -= 1;
        // `small % 10` is below ten: the cast cannot truncate.
        buf[at] = b'0' + (small % 10) as u8;
        small /= 10;
        if small == 0 {
            return &buf[at..];
        }
    }
}

/// The general form of [`write_number`], through `Decimal`'s own formatting, for amounts
/// whose scaled digits do not fit in 128 bits.
fn write_number_slow(
    out: &mut String,
    amount: Decimal,
    rounded: Decimal,
    locale: &Locale,
    decimals: u32,
) {
    // `{:.N}` on Decimal pads with zeros, so "1234.5" becomes "1234.50".
    let plain = format!("{rounded:.prec$}", prec = decimals as usize);
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    if amount.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(locale.group);
        }
        out.push(ch);
    }
    if let Some(frac) = frac_part {
        out.push(locale.decimal);
        out.push_str(frac);
    }
}

/// Formats an amount of `currency` for a reader in `locale`.
///
/// ```
/// # use cobrador::render::money::format_money;
/// # use rust_decimal::Decimal;
/// let a: Decimal = "1234.56".parse().unwrap();
/// assert_eq!(format_money(a, "EUR", "es-ES").unwrap(), "1.234,56 €");
/// assert_eq!(format_money(a, "MXN", "es-MX").unwrap(), "$1,234.56");
/// assert_eq!(format_money(a, "EUR", "es-MX").unwrap(), "1,234.56 EUR");
/// ```
pub fn format_money(amount: Decimal, currency: &str, locale: &str) -> Result<String, MoneyError> {
    let mut out = String::with_capacity(32);
    write_money(&mut out, amount, currency, locale)?;
    Ok(out)
}

/// [`format_money`] appended to `out` (nothing written on an error).
pub(crate) fn write_money(
    out: &mut String,
    amount: Decimal,
    currency: &str,
    locale: &str,
) -> Result<(), MoneyError> {
    let loc = Locale::find(locale)?;
    let decimals = currency_decimals(currency)?;
    if loc.home_currency.eq_ignore_ascii_case(currency) {
        let (before, after) = split_pattern(loc.home_pattern);
        out.push_str(before);
        write_number(out, amount, loc, decimals);
        out.push_str(after);
    } else {
        write_number(out, amount, loc, decimals);
        out.push(' ');
        out.extend(currency.chars().map(|c| c.to_ascii_uppercase()));
    }
    Ok(())
}

/// A home pattern's text before and after its `{}`. Split at the first `{` when `}` follows
/// it (every pattern): a search for one byte, where a search for the two-character string
/// built a substring searcher on every amount.
fn split_pattern(pattern: &str) -> (&str, &str) {
    match pattern.split_once('{') {
        Some((before, rest)) if rest.starts_with('}') => (before, &rest[1..]),
        _ => pattern.split_once("{}").unwrap_or((pattern, "")),
    }
}

/// An amount as the context writes it (see `render::iso`), read back.
///
/// The usual text, `-?digits[.digits]` with at most 18 digits, is read straight into a
/// 64-bit mantissa and a scale (`Decimal::from_str` took about a fifth of a `money` call);
/// anything else (spaces around it, more digits, an exponent) goes through
/// `Decimal::from_str` as before. Both give the same value with the same scale.
pub(crate) fn parse_amount(text: &str) -> Option<Decimal> {
    plain_amount(text.as_bytes()).or_else(|| text.trim().parse().ok())
}

/// [`parse_amount`]'s usual case; `None` for anything else.
fn plain_amount(text: &[u8]) -> Option<Decimal> {
    let (negative, body) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        _ => (false, text),
    };
    let mut mantissa: i64 = 0;
    let mut digits = 0;
    let mut scale = None;
    for (i, &c) in body.iter().enumerate() {
        match c {
            b'0'..=b'9' if digits < 18 => {
                mantissa = mantissa * 10 + i64::from(c - b'0');
                digits += 1;
            }
            // A point between digits, once.
            b'.' if scale.is_none() && i > 0 && i + 1 < body.len() => {
                scale = Some(body.len() - i - 1);
            }
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    // At most 17 digits after the point: within `Decimal::new`'s limit of 28.
    let scale = u32::try_from(scale.unwrap_or(0)).ok()?;
    let mut amount = Decimal::new(mantissa, scale);
    // A zero is positive, as `from_str` reads `-0`.
    amount.set_sign_negative(negative && mantissa != 0);
    Some(amount)
}

/// Formats a percentage with the locale's decimal mark and two decimals (`10,15 %`, `10.15%`).
pub fn format_percent(rate: Decimal, locale: &str) -> Result<String, MoneyError> {
    let loc = Locale::find(locale)?;
    let number = format_number(rate, loc, 2);
    // Spain separates the sign (RAE); the Americas mostly write it attached.
    if loc.tag == "es-ES" {
        Ok(format!("{number} %"))
    } else {
        Ok(format!("{number}%"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn digits_from_the_mantissa_match_decimal_formatting() {
        let amounts = [
            "0",
            "-0",
            "0.004",
            "-0.005",
            "0.5",
            "1",
            "12",
            "123",
            "1234",
            "12345.678",
            "-1234.565",
            "999.995",
            "1000000",
            "-1000000.01",
            "0.000001",
            "79228162514264.33",
            // Where the cents (or units) pass 2^64: the 64-bit digits give way to 128-bit.
            "184467440737095516.15",
            "184467440737095516.16",
            "-184467440737095516.16",
            "18446744073709551615",
            "18446744073709551616",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
        ];
        for a in amounts {
            for loc in LOCALES {
                for dp in [0, 2, 4] {
                    // Decimal's `{:.N}` panics past 28 digits with padding: the fast path
                    // does not, so the two are compared where the old form worked.
                    if a.len() > 28 && dp > 0 {
                        continue;
                    }
                    let (mut fast, mut slow) = (String::new(), String::new());
                    write_number(&mut fast, d(a), loc, dp);
                    let rounded = d(a)
                        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
                        .abs();
                    write_number_slow(&mut slow, d(a), rounded, loc, dp);
                    assert_eq!(fast, slow, "{a} {} {dp}", loc.tag);
                }
            }
        }
        assert_eq!(Locale::find("ES_mx").map(|l| l.tag), Ok("es-MX"));
        assert!(Locale::find("es-M").is_err());
    }

    #[test]
    fn home_currencies_follow_local_conventions() {
        let cases = [
            ("1234.56", "EUR", "es-ES", "1.234,56 €"),
            ("1234.56", "MXN", "es-MX", "$1,234.56"),
            ("1234567", "COP", "es-CO", "$ 1.234.567"),
            ("1234567.49", "COP", "es-CO", "$ 1.234.567"),
            ("1234567", "CLP", "es-CL", "$1.234.567"),
            ("1234.56", "ARS", "es-AR", "$ 1.234,56"),
            ("1234.56", "PEN", "es-PE", "S/ 1,234.56"),
            ("0.5", "EUR", "es-ES", "0,50 €"),
            ("999", "EUR", "es-ES", "999,00 €"),
            ("1000000", "MXN", "es-MX", "$1,000,000.00"),
            ("-40", "EUR", "es-ES", "-40,00 €"),
        ];
        for (amount, cur, loc, want) in cases {
            assert_eq!(
                format_money(d(amount), cur, loc).unwrap(),
                want,
                "{amount} {cur} {loc}"
            );
        }
    }

    #[test]
    fn foreign_currency_uses_iso_code_with_local_separators() {
        assert_eq!(
            format_money(d("1234.56"), "EUR", "es-MX").unwrap(),
            "1,234.56 EUR"
        );
        assert_eq!(
            format_money(d("1234.56"), "USD", "es-ES").unwrap(),
            "1.234,56 USD"
        );
        assert_eq!(
            format_money(d("1234.56"), "usd", "es-PE").unwrap(),
            "1,234.56 USD"
        );
        assert_eq!(
            format_money(d("1500"), "CLP", "es-ES").unwrap(),
            "1.500 CLP"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(format_money(d("0.005"), "EUR", "es-ES").unwrap(), "0,01 €");
        assert_eq!(format_money(d("2.675"), "MXN", "es-MX").unwrap(), "$2.68");
        assert_eq!(format_money(d("-0.001"), "EUR", "es-ES").unwrap(), "0,00 €");
    }

    /// The fast reading of an amount's text is `Decimal::from_str`'s: same value, scale and
    /// sign (`-0` is a positive zero), and the texts it does not take still parse as before.
    #[test]
    fn amounts_read_back_like_from_str() {
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "-1",
            "12.5",
            "1234.56",
            "-1234.56",
            "0.005",
            "100.10",
            "999999999999999999",
            "-999999999999999999",
            "99999999999999999.9",
            "0.00000000000000001",
            "1000000000000000000",
            "12345678901234567890.5",
            " 12.5 ",
            "1.",
            ".5",
            "-",
            "",
            "1.2.3",
            "1e5",
            "+3",
            "--1",
            "1_000",
            "12,5",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for mantissa in [
            0i64,
            1,
            7,
            10,
            99,
            101,
            123_456,
            4_000_000_000,
            999_999_999_999,
        ] {
            for scale in 0..=6 {
                let d = Decimal::new(mantissa, scale);
                texts.push(d.to_string());
                texts.push((-d).to_string());
            }
        }
        for text in &texts {
            let want = text.trim().parse::<Decimal>().ok();
            let got = parse_amount(text);
            assert_eq!(got, want, "{text:?}");
            if let (Some(g), Some(w)) = (got, want) {
                assert_eq!(g.scale(), w.scale(), "{text:?}");
                assert_eq!(g.is_sign_negative(), w.is_sign_negative(), "{text:?}");
                assert_eq!(g.to_string(), w.to_string(), "{text:?}");
            }
        }
    }

    /// The 64-bit rounding and digits write what `Decimal`'s rounding and 128-bit digits
    /// write, for every locale, 0 and 2 decimals, both signs, midpoints and long mantissas.
    #[test]
    fn amounts_in_64_bits_are_written_like_wide_ones() {
        let mut checked = 0;
        for mantissa in [
            0u64,
            1,
            4,
            5,
            9,
            10,
            15,
            25,
            49,
            50,
            51,
            99,
            100,
            105,
            995,
            1_005,
            12_345,
            999_999,
            1_000_000,
            123_456_789,
            9_999_999_999_995,
            18_446_744_073_709_551,
            u64::MAX / 10,
            u64::MAX,
        ] {
            for scale in 0..=12 {
                for negative in [false, true] {
                    let mut amount = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
                    amount.set_sign_negative(negative);
                    for locale in LOCALES {
                        for decimals in [0, 2] {
                            let (mut fast, mut wide) = (String::new(), String::new());
                            write_number(&mut fast, amount, locale, decimals);
                            write_number_wide(&mut wide, amount, locale, decimals);
                            assert_eq!(fast, wide, "{amount} {} {decimals}", locale.tag);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 5000);
    }

    #[test]
    fn home_patterns_split_at_their_placeholder() {
        for l in LOCALES {
            let want = l.home_pattern.split_once("{}").unwrap();
            assert_eq!(split_pattern(l.home_pattern), want, "{}", l.tag);
        }
        assert_eq!(split_pattern("{x} {}"), ("{x} ", ""));
        assert_eq!(split_pattern("none"), ("none", ""));
    }

    /// Tags and codes in other cases (and `_` for `-`) still find their entry after the
    /// exact comparison misses.
    #[test]
    fn locale_and_currency_in_any_case() {
        let a = d("1234.5");
        assert_eq!(format_money(a, "eur", "ES_es").unwrap(), "1.234,50 €");
        assert_eq!(format_money(a, "Mxn", "es_mx").unwrap(), "$1,234.50");
        assert_eq!(format_money(a, "clp", "es-CL").unwrap(), "$1.235");
    }

    #[test]
    fn unknown_locale_or_currency_is_an_error() {
        assert_eq!(
            format_money(d("1"), "EUR", "en-GB"),
            Err(MoneyError::UnknownLocale("en-GB".into()))
        );
        assert_eq!(
            format_money(d("1"), "XYZ", "es-ES"),
            Err(MoneyError::UnknownCurrency("XYZ".into()))
        );
        assert!(Locale::find("es_mx").is_ok());
    }

    #[test]
    fn percent_by_locale() {
        assert_eq!(format_percent(d("10.15"), "es-ES").unwrap(), "10,15 %");
        assert_eq!(format_percent(d("8"), "es-MX").unwrap(), "8.00%");
    }
}
