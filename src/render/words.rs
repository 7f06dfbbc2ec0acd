//! Word lists for the template linter and the accent- and case-insensitive matcher.
//!
//! A pattern is a sequence of words; a word ending in `*` matches any word starting with it.
//! Text and patterns are normalised the same way: lower case, accents removed, split on
//! anything that is not a letter or a digit (`Ley 3/2004` → `ley 3 2004`).

/// Forbidden in every message, to clients and to the owner: threats, court-like words,
/// debtors' lists and credit bureaus, shaming labels.
pub const ALWAYS: &[&str] = &[
    "juzgad*",
    "embarg*",
    "notificacion* judicial*",
    "demand*",
    "denunci*",
    "carcel*",
    "encarcel*",
    "prision*",
    "penal",
    "penales",
    "penalmente",
    "delito*",
    "delictiv*",
    "asnef",
    "lista* de moros*",
    "fichero* de moros*",
    "registro* de moros*",
    "buro de credito",
    "datacredito",
    "dicom",
    "veraz",
    "equifax",
    "experian",
    "infocorp",
    "central* de riesgo*",
    "amenaz*",
    "atengase",
    "atenganse",
    "atente",
    "tribunal*",
    "procedimiento* judicial*",
    "orden judicial",
    "sentencia*",
    "policia*",
    "moroso",
    "morosos",
    "morosa",
    "morosas",
];

/// Forbidden in every client message: wording that looks like an official notice.
pub const CLIENT: &[&str] = &[
    "notificacion*",
    "expediente judicial",
    "citacion*",
    "emplazamiento*",
];

/// Forbidden before the `formal` stage (and in acknowledgements and plan messages): lawyers,
/// legal action, formal demands.
pub const BEFORE_FORMAL: &[&str] = &[
    "abogad*",
    "asesor* legal*",
    "asesor* juridic*",
    "asesoria* juridic*",
    "via judicial",
    "vias judiciales",
    "reclamacion* judicial*",
    "accion* legal*",
    "accion* judicial*",
    "medida* legal*",
    "monitorio",
    "burofax",
    "requerimiento*",
    "ultimo aviso",
    "aviso final",
    "recobro",
    "agencia* de cobro*",
    "expediente*",
];

/// Forbidden before the `firm` stage: late-payment interest and recovery costs.
pub const BEFORE_FIRM: &[&str] = &[
    "interes* de demora",
    "ley 3 2004",
    "indemnizacion*",
    "costes de cobro",
    "gastos de cobro",
    "recargo*",
];

/// Forbidden for consumers (B2C): Ley 3/2004 applies between businesses only.
pub const B2C: &[&str] = &[
    "interes* de demora",
    "ley 3 2004",
    "indemnizacion*",
    "costes de cobro",
];

/// Spain-only or awkward across countries: keep messages natural in Madrid and in Mexico City.
pub const REGIONAL: &[&str] = &[
    "vale", "coger", "coja", "cojan", "os", "vosotros", "vuestr*",
];

/// Claims that earlier reminders were sent: allowed only when the client's history has some
/// (`{{#if history.reminders}}`). A first message that says "pese a nuestros recordatorios"
/// is untrue.
pub const EARLIER_REMINDERS: &[&str] = &[
    "recordatorios anteriores",
    "pese a nuestros recordatorios",
    "pese a los recordatorios",
    "recordatorios que le hemos enviado",
    "recordatorios que te hemos enviado",
    "le hemos recordado",
    "te hemos recordado",
    "segundo recordatorio",
    "nuevo recordatorio",
    "escribimos de nuevo",
    "una vez mas",
    "nuevamente",
];

/// Not allowed in a message written with tuteo (`tuteo: true`).
pub const USTED_MARKERS: &[&str] = &["usted", "ustedes"];

/// Not allowed in a message written with usted (`tuteo: false`).
pub const TU_MARKERS: &[&str] = &[
    "tu",
    "tus",
    "te",
    "ti",
    "contigo",
    "puedes",
    "quieres",
    "necesitas",
    "tienes",
    "hiciste",
];

/// Any of these shows the message says how to answer.
pub const REPLY_HINTS: &[&str] = &["respond*", "contest*", "escrib*"];

/// Any of these shows the message says how to stop messages by this channel.
pub const OPT_OUT_HINTS: &[&str] = &[
    "baja",
    "no recibir",
    "dejar de recibir",
    "no desea* recibir",
];

/// Any of these shows an early message allows for an oversight.
pub const IGNORE_HINTS: &[&str] = &["ignor*"];

/// Any of these shows a middle or late message offers a payment plan.
pub const PLAN_HINTS: &[&str] = &["plan* de pago*"];

/// Lower-cases, removes accents and splits into words.
///
/// "Sin embargo" (however) is folded into one word so it never matches `embarg*`.
pub fn tokens(text: &str) -> Vec<String> {
    // The same folding as the reply reader's, so both sides agree on what a word is.
    let lower = crate::understand::fold_str(text);
    let mut out: Vec<String> = Vec::new();
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if word == "embargo" && out.last().is_some_and(|w| w == "sin") {
            out.pop();
            out.push("sin_embargo".to_owned());
        } else {
            out.push(word.to_owned());
        }
    }
    out
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

/// Whether `pattern` (see the module doc) occurs in already tokenised text.
pub fn contains(words: &[String], pattern: &str) -> bool {
    let pat: Vec<&str> = pattern.split_whitespace().collect();
    if pat.is_empty() || pat.len() > words.len() {
        return false;
    }
    words
        .windows(pat.len())
        .any(|w| w.iter().zip(&pat).all(|(word, p)| word_matches(p, word)))
}

/// The first pattern of `list` found in `words`.
pub fn first_match<'a>(words: &[String], list: &[&'a str]) -> Option<&'a str> {
    list.iter().copied().find(|p| contains(words, p))
}

/// Plain text of an HTML fragment: tags removed, the entities our escaping produces decoded.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x60;", "`")
        .replace("&#x3D;", "=")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_accents_case_and_allow_prefixes() {
        let t = tokens("Pasaremos el asunto a la VÍA JUDICIAL y a nuestros Abogados.");
        assert!(contains(&t, "via judicial"));
        assert!(contains(&t, "abogad*"));
        assert!(!contains(&t, "abogado"));
        assert!(contains(&tokens("Ley 3/2004"), "ley 3 2004"));
        assert!(contains(
            &tokens("intereses de demora"),
            "interes* de demora"
        ));
    }

    #[test]
    fn sin_embargo_is_not_a_seizure() {
        assert!(!contains(&tokens("Sin embargo, le escribimos"), "embarg*"));
        assert!(contains(&tokens("procederemos al embargo"), "embarg*"));
        assert!(contains(&tokens("sin más, embargaremos"), "embarg*"));
    }

    #[test]
    fn strip_html_decodes_escapes() {
        assert_eq!(
            strip_html("<b>&lt;Pérez &amp; Hijos&gt;</b>").trim(),
            "<Pérez & Hijos>"
        );
    }
}
