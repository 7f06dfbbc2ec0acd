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
];

/// Currencies cobrador accepts, with the decimals shown to clients.
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
        let wanted = tag.replace('_', "-");
        LOCALES
            .iter()
            .find(|l| l.tag.eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| MoneyError::UnknownLocale(tag.to_owned()))
    }
}

/// Number of decimals shown for a currency code (`EUR` → 2, `CLP` → 0).
pub fn currency_decimals(currency: &str) -> Result<u32, MoneyError> {
    CURRENCIES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(currency))
        .map(|(_, dp)| *dp)
        .ok_or_else(|| MoneyError::UnknownCurrency(currency.to_owned()))
}

/// Formats a plain number with the locale's separators and `decimals` decimals.
///
/// `format_number(1234.5, es-ES, 2)` → `1.234,50`.
pub fn format_number(amount: Decimal, locale: &Locale, decimals: u32) -> String {
    let rounded = amount
        .round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
        .abs();
    // `{:.N}` on Decimal pads with zeros, so "1234.5" becomes "1234.50".
    let plain = format!("{rounded:.prec$}", prec = decimals as usize);
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
        None => (plain, None),
    };
    let mut grouped = String::new();
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(locale.group);
        }
        grouped.push(ch);
    }
    let mut out = String::new();
    if amount.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(frac) = frac_part {
        out.push(locale.decimal);
        out.push_str(&frac);
    }
    out
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
    let loc = Locale::find(locale)?;
    let decimals = currency_decimals(currency)?;
    let number = format_number(amount, loc, decimals);
    if loc.home_currency.eq_ignore_ascii_case(currency) {
        Ok(loc.home_pattern.replace("{}", &number))
    } else {
        Ok(format!("{number} {}", currency.to_ascii_uppercase()))
    }
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
