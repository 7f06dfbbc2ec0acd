//! Amounts a client offers to pay: "500 €", "1.234,56 euros", "$2,500", "2 mil pesos",
//! "quinientos euros", "la mitad", "el 30 %", "el resto".

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::understand::normalise::{Kind, Token, number_words};

/// An amount the client says they will pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PromisedAmount {
    /// A sum of money; `currency` is an ISO code when the text names one ("€" → EUR), and
    /// `None` for "$" or "pesos", whose country the invoice knows.
    Money {
        /// The sum, exact.
        #[serde(with = "rust_decimal::serde::str")]
        amount: Decimal,
        /// ISO 4217 code, when stated.
        currency: Option<String>,
    },
    /// A share of the balance ("la mitad" = 1/2, "el 30 %" = 30/100).
    Fraction {
        /// Numerator.
        numerator: u32,
        /// Denominator.
        denominator: u32,
    },
    /// What is left after an earlier payment ("el resto", "lo que falta").
    Remainder,
}

/// An amount found in the text, with its token span.
#[derive(Debug, Clone)]
pub(crate) struct AmountMention {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The amount.
    pub amount: PromisedAmount,
    /// True when a currency or a share made it unmistakably an amount; bare numbers only
    /// count right after a payment verb.
    pub marked: bool,
}

/// Currency named by a token, as an ISO code ("" when the symbol leaves it open).
pub(crate) fn currency(w: &str) -> Option<&'static str> {
    Some(match w {
        "€" | "euros" | "euro" | "eur" | "eu" => "EUR",
        "$" | "pesos" | "peso" | "pesitos" => "",
        "dolares" | "dolar" | "usd" | "us" | "dls" => "USD",
        "mxn" => "MXN",
        "cop" => "COP",
        "clp" => "CLP",
        "ars" => "ARS",
        "pen" | "soles" | "sol" => "PEN",
        "lucas" => "",
        _ => return None,
    })
}

/// Words that may follow "los otros" when it names the rest of the debt ("los otros a fin
/// de mes", "los otros te los paso el lunes"); "los otros clientes" is not the debt.
pub(crate) const REST_FOLLOWS: [&str; 16] = [
    "a", "al", "el", "la", "para", "en", "de", "lo", "los", "las", "te", "se", "le", "os", "les",
    "y",
];

/// "los otros" at `i` names the rest of the debt: before a sum, a day, a pronoun or the end,
/// and not after a preposition ("como a los otros", "con las otras").
pub(crate) fn names_the_rest(toks: &[Token<'_>], i: usize) -> bool {
    let before = if i > 0 { w(toks, i - 1) } else { "" };
    !matches!(
        before,
        "a" | "como" | "con" | "de" | "para" | "que" | "entre" | "por" | "sin"
    ) && toks
        .get(i + 2)
        .is_none_or(|t| t.kind != Kind::Word || REST_FOLLOWS.contains(&t.text))
}

/// Finds amounts; tokens in `taken` (dates) are skipped.
pub(crate) fn find_amounts(toks: &[Token<'_>], taken: &[bool]) -> Vec<AmountMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if taken.get(i).copied().unwrap_or(false) {
            i += 1;
            continue;
        }
        if let Some(m) = fraction_at(toks, i).or_else(|| money_at(toks, i, taken)) {
            i = m.end.max(i + 1);
            out.push(m);
        } else {
            i += 1;
        }
    }
    // «300 el viernes y el resto el 15»: beside «the rest», a bare number is the first share
    // of the money, not a count.
    if out
        .iter()
        .any(|m| matches!(m.amount, PromisedAmount::Remainder))
    {
        for m in &mut out {
            if let PromisedAmount::Money { amount, .. } = &m.amount
                && *amount >= Decimal::from(10)
            {
                m.marked = true;
            }
        }
    }
    out
}

fn w<'a>(toks: &[Token<'a>], i: usize) -> &'a str {
    toks.get(i).map_or("", |t| t.text)
}

/// "la mitad", "un tercio", "la tercera parte", "el 30 %", "el 30 por ciento", "el resto".
fn fraction_at(toks: &[Token<'_>], i: usize) -> Option<AmountMention> {
    let frac = |end: usize, n: u32, d: u32| {
        Some(AmountMention {
            start: i,
            end,
            amount: PromisedAmount::Fraction {
                numerator: n,
                denominator: d,
            },
            marked: true,
        })
    };
    let a = w(toks, i);
    let b = w(toks, i + 1);
    match (a, b) {
        ("la", "mitad") => return frac(i + 2, 1, 2),
        // "la otra mitad": what is left once the first half is paid.
        ("otra", "mitad") => {
            return Some(AmountMention {
                start: i,
                end: i + 2,
                amount: PromisedAmount::Remainder,
                marked: true,
            });
        }
        // "mitad ahora y mitad en enero"; "a mitad de mes" is a day.
        ("mitad", _) if b != "de" && w(toks, i.wrapping_sub(1)) != "a" => {
            return frac(i + 1, 1, 2);
        }
        ("un" | "una", "tercio") => return frac(i + 2, 1, 3),
        ("dos", "tercios") => return frac(i + 2, 2, 3),
        ("un", "cuarto") => return frac(i + 2, 1, 4),
        ("tres", "cuartos") => return frac(i + 2, 3, 4),
        ("la", "tercera") if w(toks, i + 2) == "parte" => return frac(i + 3, 1, 3),
        ("la", "cuarta") if w(toks, i + 2) == "parte" => return frac(i + 3, 1, 4),
        // "los otros" alone ("los otros 300" is a sum).
        ("los" | "las", "otros" | "otras" | "demas")
            if names_the_rest(toks, i) && !toks.get(i + 2).is_some_and(Token::is_num) =>
        {
            return Some(AmountMention {
                start: i,
                end: i + 2,
                amount: PromisedAmount::Remainder,
                marked: true,
            });
        }
        ("el" | "lo", "resto" | "restante" | "pendiente" | "demas" | "saldo") | ("lo", "que")
            if b != "que" || w(toks, i + 2) == "falta" || w(toks, i + 2) == "queda" =>
        {
            let end = if b == "que" { i + 3 } else { i + 2 };
            return Some(AmountMention {
                start: i,
                end,
                amount: PromisedAmount::Remainder,
                marked: true,
            });
        }
        _ => {}
    }
    let t = toks.get(i)?;
    if t.kind == Kind::Number && t.num > 0 && t.num <= 100 {
        let pct = if b == "%" {
            Some(i + 2)
        } else if b == "por" && w(toks, i + 2) == "ciento" {
            Some(i + 3)
        } else {
            None
        };
        if let Some(end) = pct {
            let (n, d) = reduce(u32::try_from(t.num).ok()?, 100);
            return frac(end, n, d);
        }
    }
    None
}

fn reduce(n: u32, d: u32) -> (u32, u32) {
    let (mut a, mut b) = (n, d);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    match (n.checked_div(a), d.checked_div(a)) {
        (Some(n), Some(d)) => (n, d),
        _ => (n, d),
    }
}

/// Money: optional currency before, a number in digits (with `.`/`,` grouping) or words,
/// optional "mil"/"millones", optional currency after.
fn money_at(toks: &[Token<'_>], i: usize, taken: &[bool]) -> Option<AmountMention> {
    let mut k = i;
    let mut cur: Option<&'static str> = None;
    // "US$ 500", "$2,500", "€ 300", "S/ 200".
    if w(toks, k) == "us" && w(toks, k + 1) == "$" {
        cur = Some("USD");
        k += 2;
    } else if w(toks, k) == "s" && w(toks, k + 1) == "/" {
        cur = Some("PEN");
        k += 2;
    } else if matches!(
        w(toks, k),
        "$" | "€" | "usd" | "eur" | "mxn" | "cop" | "clp" | "ars"
    ) {
        cur = currency(w(toks, k));
        k += 1;
    }
    if taken.get(k).copied().unwrap_or(false) {
        return None;
    }
    let (mut value, mut end) = if toks.get(k).is_some_and(|t| t.kind == Kind::Number) {
        digits_value(toks, k)?
    } else if cur.is_none() || toks.get(k).is_some_and(|t| t.kind == Kind::Word) {
        let (n, used) = number_words(toks, k)?;
        // Words need a currency after them ("quinientos euros"); "un" alone is not money.
        let after = w(toks, k + used);
        if currency(after).is_none() && cur.is_none() {
            return None;
        }
        (Decimal::from(n), k + used)
    } else {
        return None;
    };
    // A figure too large to scale (28 digits from the fuzzer) is no amount anyone owes.
    match w(toks, end) {
        "mil" => {
            value = value.checked_mul(Decimal::from(1000))?;
            end += 1;
        }
        "millon" | "millones" => {
            value = value.checked_mul(Decimal::from(1_000_000))?;
            end += 1;
        }
        // "200k": chat shorthand expands a lone "k" to "que", so both spellings are read.
        "k" | "que" if toks.get(end).is_some_and(|t| t.glued) => {
            value = value.checked_mul(Decimal::from(1000))?;
            end += 1;
        }
        _ => {}
    }
    if matches!(w(toks, end), "de") && currency(w(toks, end + 1)).is_some() {
        // "un millón de pesos".
        end += 1;
    }
    if let Some(c) = currency(w(toks, end)) {
        if w(toks, end) == "lucas" {
            value = value.checked_mul(Decimal::from(1000))?;
        }
        if w(toks, end) == "us" && w(toks, end + 1) == "$" {
            end += 1;
        }
        cur = cur.or(Some(c));
        end += 1;
    }
    if cur.is_none() && counts(w(toks, end)) {
        return None;
    }
    let marked = cur.is_some();
    Some(AmountMention {
        start: i,
        end,
        amount: PromisedAmount::Money {
            amount: value.normalize(),
            currency: cur.filter(|c| !c.is_empty()).map(str::to_owned),
        },
        marked,
    })
}

/// "en 3 plazos", "2 facturas", "en 2 quincenas": a number before `noun` is a count, not money.
fn counts(noun: &str) -> bool {
    const COUNTED: [&str; 23] = [
        "plazos",
        "cuotas",
        "pagos",
        "partes",
        "veces",
        "quincenas",
        "quincena",
        "meses",
        "mes",
        "semanas",
        "semana",
        "dias",
        "dia",
        "horas",
        "facturas",
        "factura",
        "mensualidades",
        "abonos",
        "exhibiciones",
        "parcialidades",
        "transferencias",
        "recibos",
        "anos",
    ];
    COUNTED.contains(&noun)
}

/// A number in digits with Spanish or English grouping: "1.234,56", "1,234.56", "2.500",
/// "$2,500", "500,50". The last separator followed by one or two digits is the decimal mark;
/// groups of exactly three digits are thousands.
fn digits_value(toks: &[Token<'_>], k: usize) -> Option<(Decimal, usize)> {
    let mut groups: Vec<(&str, &str)> = vec![("", toks[k].text)];
    let mut end = k + 1;
    while let (Some(sep), Some(num)) = (toks.get(end), toks.get(end + 1)) {
        if sep.glued && num.glued && matches!(sep.text, "." | ",") && num.kind == Kind::Number {
            groups.push((sep.text, num.text));
            end += 2;
        } else {
            break;
        }
    }
    let mut int_part = String::new();
    let mut frac_part = "";
    let last = groups.len() - 1;
    for (idx, (sep, num)) in groups.iter().enumerate() {
        if idx == 0 {
            int_part.push_str(num);
            continue;
        }
        let is_decimal = idx == last && num.len() <= 2;
        if is_decimal {
            frac_part = num;
        } else if num.len() == 3 {
            int_part.push_str(num);
        } else {
            // "1.5.3" is not a number we understand.
            let _ = sep;
            return None;
        }
    }
    let text = if frac_part.is_empty() {
        int_part
    } else {
        format!("{int_part}.{frac_part}")
    };
    Decimal::from_str(&text).ok().map(|d| (d, end))
}
