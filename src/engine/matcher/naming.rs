//! What names an invoice in a reply besides its number: the words of its description that no
//! other open invoice of the client has («la del hosting»), and its month («la de septiembre»:
//! the month its description names, else the month it was issued) when no other has it.

use chrono::Datelike;

use crate::domain::Invoice;
use crate::render::dates::MONTHS;

/// Words that are not what an invoice was for: any invoice may carry them (the months are
/// read apart, [`months_naming`]: a reply says them of dates too).
const COMMON: [&str; 10] = [
    "factura",
    "facturas",
    "servicio",
    "servicios",
    "pedido",
    "trabajo",
    "trabajos",
    "mensual",
    "setiembre",
    "importe",
];

/// What names one invoice among the client's open ones, besides its number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Described {
    /// Words of its description no other of them has (folded).
    pub words: Vec<String>,
    /// Its short words (three or four letters) no other of them has, which name it only in the
    /// naming form «la del baño», «la de la obra» (mail29 X07: «la del baño no la reconocemos»
    /// named nothing, and the dispute went to the other invoice).
    pub short: Vec<String>,
    /// The months that name it and no other of them ([`months_naming`]).
    pub months: Vec<&'static str>,
    /// Every word of the open invoices' descriptions: «el transporte de agosto» names by
    /// month as «la de agosto» does.
    pub nouns: Vec<String>,
}

impl Described {
    /// Whether `folded` (a reply's words, folded) names the invoice by one of these.
    pub(crate) fn said_in(&self, folded: &str) -> bool {
        self.words.iter().any(|w| says_word(folded, w))
            || self.short.iter().any(|w| in_naming_form(folded, w))
            || self
                .months
                .iter()
                .any(|m| names_month(folded, m, &self.nouns))
    }
}

/// For each of `invoices`, what names it and no other of them.
pub(crate) fn what_for(invoices: &[Invoice]) -> Vec<Described> {
    let words: Vec<Vec<String>> = invoices.iter().map(description_words).collect();
    let short: Vec<Vec<String>> = invoices.iter().map(short_words).collect();
    let named = months_naming(invoices);
    let nouns = nouns(invoices);
    words
        .iter()
        .enumerate()
        .map(|(k, ws)| Described {
            words: ws
                .iter()
                .filter(|w| words.iter().filter(|o| o.contains(w)).count() == 1)
                .cloned()
                .collect(),
            short: short[k]
                .iter()
                .filter(|w| short.iter().filter(|o| o.contains(w)).count() == 1)
                .cloned()
                .collect(),
            months: MONTHS
                .iter()
                .zip(&named)
                .filter(|(_, which)| which.len() == 1 && which[0] == k)
                .map(|(m, _)| *m)
                .collect(),
            nouns: nouns.clone(),
        })
        .collect()
}

/// For each month, the invoices «la de <month>» may be: those whose description names it
/// («Transporte septiembre»), else those issued in it.
fn months_naming(invoices: &[Invoice]) -> Vec<Vec<usize>> {
    let described: Vec<Option<&'static str>> = invoices.iter().map(described_month).collect();
    MONTHS
        .iter()
        .enumerate()
        .map(|(m0, month)| {
            let by_description: Vec<usize> = (0..invoices.len())
                .filter(|&k| described[k] == Some(*month))
                .collect();
            if !by_description.is_empty() {
                return by_description;
            }
            (0..invoices.len())
                .filter(|&k| invoices[k].issue_date.month0() as usize == m0)
                .collect()
        })
        .collect()
}

/// Whether `folded` names something several of `open` share («el transporte» of two transport
/// invoices, «la de septiembre» of two issued in September): then it names none of them.
pub(crate) fn says_a_shared_name(folded: &str, open: &[Invoice]) -> bool {
    let shared_word = open.iter().flat_map(description_words).any(|w| {
        says_word(folded, &w)
            && open
                .iter()
                .filter(|i| description_words(i).contains(&w))
                .count()
                > 1
    });
    let named = months_naming(open);
    let nouns = nouns(open);
    let shared_month = MONTHS
        .iter()
        .zip(&named)
        .any(|(m, which)| which.len() > 1 && names_month(folded, m, &nouns));
    // «El transporte de agosto»: a shared word with a month that names one is not shared.
    let month_names_one = MONTHS
        .iter()
        .zip(&named)
        .any(|(m, which)| which.len() == 1 && names_month(folded, m, &nouns));
    shared_month || shared_word && !month_names_one
}

/// The words of an invoice's description that may name it (five letters or more, not
/// [`COMMON`], not a month), folded.
fn description_words(invoice: &Invoice) -> Vec<String> {
    crate::understand::fold_str(invoice.description.as_deref().unwrap_or(""))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 5 && !COMMON.contains(w) && !MONTHS.contains(w))
        .map(str::to_owned)
        .collect()
}

/// The short words of an invoice's description (three or four letters, not [`COMMON`]), folded:
/// «baño», «obra», «gas».
fn short_words(invoice: &Invoice) -> Vec<String> {
    crate::understand::fold_str(invoice.description.as_deref().unwrap_or(""))
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| (3..5).contains(&w.chars().count()) && !COMMON.contains(w))
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect()
}

/// Whether `folded` names `word` in the naming form: «la del baño», «la de la obra», «lo del
/// gas», «la factura del baño».
fn in_naming_form(folded: &str, word: &str) -> bool {
    let ws: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let head = |w: &str| matches!(w, "la" | "el" | "lo" | "las" | "los" | "factura");
    ws.iter().enumerate().any(|(j, w)| {
        let prev = |k: usize| if j >= k { ws[j - k] } else { "" };
        *w == word
            && (matches!(prev(1), "del" | "de") && head(prev(2))
                || matches!(prev(1), "la" | "el" | "las" | "los")
                    && prev(2) == "de"
                    && head(prev(3)))
    })
}

/// The month an invoice's description names («Clases de yoga octubre», «Transporte agosto»).
fn described_month(invoice: &Invoice) -> Option<&'static str> {
    crate::understand::fold_str(invoice.description.as_deref().unwrap_or(""))
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|w| {
            let w = if w == "setiembre" { "septiembre" } else { w };
            MONTHS.iter().find(|m| **m == w).copied()
        })
}

/// Every word (four letters or more) of the invoices' descriptions, folded.
fn nouns(invoices: &[Invoice]) -> Vec<String> {
    let mut all: Vec<String> = invoices
        .iter()
        .flat_map(|i| {
            crate::understand::fold_str(i.description.as_deref().unwrap_or(""))
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 4 && !MONTHS.contains(w))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Whether `folded` names an invoice by `month`: «la de septiembre», «la factura de octubre»,
/// «lo del mes de agosto», «el recibo de setiembre», «el transporte de agosto» (a word of
/// the descriptions, `nouns`); not a date («a finales de octubre», «el 15 de octubre», «en
/// octubre», «cuando cobre la nómina de octubre»).
fn names_month(folded: &str, month: &str, nouns: &[String]) -> bool {
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let is_month = |w: &str| w == month || (month == "septiembre" && w == "setiembre");
    words.iter().enumerate().any(|(k, w)| {
        let before = |n: usize| k.checked_sub(n).map_or("", |i| words[i]);
        let after = |n: usize| words.get(k + n).copied().unwrap_or("");
        // «ya te pagué septiembre», «y octubre te lo deposito»: the month paid for, as the
        // payment's object (after the verb, or before a pronoun that stands for it).
        let object = crate::understand::pays_for(before(1))
            || matches!(before(1), "" | "y" | "e" | "ya" | "pero")
                && matches!(after(1), "te" | "le" | "se" | "les" | "os")
                && matches!(after(2), "lo" | "la");
        // «la de septiembre», «la factura de octubre», «lo del mes de agosto», «el transporte
        // de agosto».
        let named = before(1) == "de"
            && (matches!(
                before(2),
                "la" | "las"
                    | "lo"
                    | "el"
                    | "factura"
                    | "facturas"
                    | "fra"
                    | "recibo"
                    | "cuota"
                    | "mensualidad"
                    | "cuenta"
            ) || before(2) == "mes" && before(3) == "del"
                || nouns.iter().any(|n| n == before(2)));
        is_month(w) && (object || named)
    })
}

/// «La primera ya está pagada, la segunda la pagamos el lunes»: the places (0 the first) of
/// `count` invoices named by their place in our reminder's list (oldest first, as it lists
/// them; «la última» the last) in `folded` text; not «la primera semana», «la segunda
/// quincena», «la primera cuota», «la primera vez».
pub(crate) fn by_place(folded: &str, count: usize) -> Vec<usize> {
    const PLACES: [&str; 4] = ["primera", "segunda", "tercera", "cuarta"];
    const NOT_AN_INVOICE: [&str; 9] = [
        "semana",
        "quincena",
        "vez",
        "cuota",
        "parte",
        "mitad",
        "fecha",
        "mensualidad",
        "hora",
    ];
    if count < 2 {
        return Vec::new();
    }
    let words = words_of(folded);
    let mut places: Vec<usize> = words
        .windows(2)
        .enumerate()
        .filter(|(j, pair)| {
            pair[0] == "la"
                && !words
                    .get(j + 2)
                    .is_some_and(|next| NOT_AN_INVOICE.contains(&next.as_str()))
        })
        .filter_map(|(_, pair)| match pair[1].as_str() {
            "ultima" => Some(count - 1),
            w => PLACES.iter().position(|p| *p == w).filter(|&p| p < count),
        })
        .collect();
    places.sort_unstable();
    places.dedup();
    places
}

/// «Las otras dos», «los demás», «lo demás», «el resto de las facturas»: the words by which a
/// reply speaks of the invoices it does not name (not «la otra semana», «los otros días»).
/// Returns them as found in `text` folded (whole words, one space between).
pub(crate) fn the_others(text: &str) -> Option<&'static str> {
    const OTHERS: [&str; 9] = [
        "las otras",
        "los otros",
        "las demas",
        "los demas",
        "lo demas",
        "las restantes",
        "los restantes",
        "el resto de las facturas",
        "el resto de facturas",
    ];
    let padded = format!(" {} ", words_of(text).join(" "));
    OTHERS
        .into_iter()
        .find(|o| {
            padded.match_indices(&format!(" {o} ")).any(|(at, m)| {
                let next = padded[at + m.len()..].split(' ').next().unwrap_or("");
                !matches!(
                    next,
                    "semana"
                        | "semanas"
                        | "dia"
                        | "dias"
                        | "vez"
                        | "veces"
                        | "mes"
                        | "meses"
                        | "ano"
                        | "anos"
                )
            })
        })
        .or_else(|| the_other_one(&padded))
}

/// «La F-101 ya la pagamos, la otra la pagamos el viernes»: «la otra» (or «el otro») alone,
/// where the words after it go on about an invoice (a pronoun, a verb, «factura»), not «la otra
/// mitad», «la otra cuenta», «el otro lunes»; and not after «esta semana» («esta semana no
/// puedo, la otra le pago» is next week). `padded` is the folded words, space around.
fn the_other_one(padded: &str) -> Option<&'static str> {
    const THEN: [&str; 28] = [
        "",
        "factura",
        "fra",
        "recibo",
        "la",
        "lo",
        "se",
        "te",
        "le",
        "les",
        "me",
        "nos",
        "ya",
        "no",
        "si",
        "tambien",
        "esta",
        "queda",
        "quedo",
        "va",
        "sera",
        "pendiente",
        "y",
        "en",
        "para",
        "que",
        "os",
        "ahorita",
    ];
    const THIS_PERIOD: [&str; 5] = [
        " esta semana ",
        " esta quincena ",
        " este mes ",
        " este finde ",
        " este fin de semana ",
    ];
    ["la otra", "el otro"].into_iter().find(|o| {
        padded.match_indices(&format!(" {o} ")).any(|(at, m)| {
            let next = padded[at + m.len()..].split(' ').next().unwrap_or("");
            THEN.contains(&next) && !THIS_PERIOD.iter().any(|p| padded[..at + 1].contains(p))
        })
    })
}

/// `text`'s words, folded.
fn words_of(text: &str) -> Vec<String> {
    crate::understand::fold_str(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `text` (folded) has `word` as a whole word.
pub(crate) fn says_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| w == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_names_an_invoice_only_in_the_naming_form() {
        let nouns = vec!["transporte".to_owned()];
        for said in [
            "el transporte de octubre ya se abono",
            "ya te pague la de septiembre",
            "la factura de octubre la pago el viernes",
            "lo del mes de octubre",
            "el recibo de setiembre esta pagado",
            "ya te pague septiembre y octubre te lo deposito el 30",
            "y octubre te lo deposito el 30",
        ] {
            let month = if said.contains("octubre") {
                "octubre"
            } else {
                "septiembre"
            };
            assert!(names_month(said, month, &nouns), "{said}");
        }
        for said in [
            "le pago a finales de octubre",
            "el 15 de octubre",
            "en octubre sin falta",
            "el mes de octubre le pago",
            "cuando cobre la nomina de octubre",
            "en octubre te lo deposito",
            "le pago el 3 de octubre",
        ] {
            assert!(!names_month(said, "octubre", &nouns), "{said}");
        }
    }

    /// A short word of a description («baño», «obra») names its invoice in the naming form only
    /// (mail29 X07).
    #[test]
    fn a_short_word_names_an_invoice_only_in_the_naming_form() {
        for said in [
            "la del bano no la reconocemos",
            "la de la obra ya esta pagada",
            "lo del gas te lo pago el viernes",
            "la factura del bano",
        ] {
            let word = said
                .split(' ')
                .find(|w| ["bano", "obra", "gas"].contains(w))
                .unwrap();
            assert!(in_naming_form(said, word), "{said}");
        }
        for (said, word) in [
            ("el bano esta precioso", "bano"),
            ("gracias por la obra", "obra"),
            ("pagamos el gas del mes", "gas"),
            ("la de cocina", "bano"),
        ] {
            assert!(!in_naming_form(said, word), "{said}");
        }
    }
}
