//! A short yes ("sí", "vale", "correcto"...): on its own it says nothing, but as the answer to a
//! question cobrador asked ("¿Confirmamos el viernes 13 como fecha de pago? Basta con que
//! responda «sí»") it confirms what was asked. The caller knows whether a question was asked;
//! this only says whether the words are a plain yes.

use super::normalise::fold_str;

/// The words a yes starts with.
const YES: [&str; 10] = [
    "si",
    "vale",
    "ok",
    "okay",
    "correcto",
    "exacto",
    "confirmo",
    "confirmado",
    "perfecto",
    "claro",
];

/// At most this many words: "Sí, confirmado. Gracias, un saludo" is a yes; a longer message says
/// more than yes and is read as what it says.
const MAX_WORDS: usize = 6;

/// Whether `text` is a short yes: it starts with a yes word and says little else. "Sí, pero el
/// lunes no puedo" is not (a "pero" turns it into something else), nor is "no" or "gracias".
pub fn is_short_yes(text: &str) -> bool {
    let folded: String = fold_str(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    words.len() <= MAX_WORDS
        && words.first().is_some_and(|w| YES.contains(w))
        && !words
            .iter()
            .any(|w| matches!(*w, "pero" | "no" | "aunque" | "mejor"))
}

/// Words that thank or say the message arrived: a reply made only of them (and courtesy)
/// asks nothing and changes nothing.
const THANKS: &[&str] = &[
    "gracias",
    "recibi",
    "recibimos",
    "recibido",
    "recibida",
    "recibidos",
    "recibidas",
    "enterado",
    "enterada",
    "enterados",
    "anotado",
    "anotada",
    "entendido",
    "entendida",
];

/// The words of a greeting, a farewell or an apology said alone (around thanks, courtesy too).
const GREETINGS: &[&str] = &[
    "hola",
    "buen",
    "buenos",
    "buenas",
    "dia",
    "dias",
    "tarde",
    "tardes",
    "noche",
    "noches",
    "un",
    "saludo",
    "saludos",
    "cordial",
    "cordiales",
    "atentamente",
    "abrazo",
    "perdon",
    "perdone",
    "perdona",
    "disculpe",
    "disculpa",
    "adios",
    "chao",
    "chau",
    "hasta",
    "luego",
    "pronto",
    "que",
    "tal",
    "muy",
];

/// Courtesy around the thanks besides [`GREETINGS`]: closings, «muy amable», «quedo atento».
const COURTESY: &[&str] = &[
    "muchas",
    "muchisimas",
    "mil",
    "amable",
    "amables",
    "ok",
    "okay",
    "vale",
    "perfecto",
    "bien",
    "de",
    "acuerdo",
    "por",
    "el",
    "la",
    "lo",
    "su",
    "tu",
    "sus",
    "aviso",
    "mensaje",
    "correo",
    "recordatorio",
    "informacion",
    "info",
    "una",
    "atte",
    "quedo",
    "quedamos",
    "atento",
    "atenta",
    "atentos",
    "a",
    "orden",
    "ordenes",
    "estimado",
    "estimada",
    "estimados",
    "sr",
    "sra",
    "y",
    "todo",
    "feliz",
    "igualmente",
    "tenga",
    "tengas",
    "tengan",
    "fin",
    "semana",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "domingo",
    // «Gracias a ustedes», «gracias a ti», «gracias a vosotros»: thanks returned.
    "usted",
    "ustedes",
    "ti",
    "vos",
    "vosotros",
    "vosotras",
    // Rioplatense, Caribbean and Andean assent: «Dale, genial, gracias», «Chévere, gracias».
    "dale",
    "genial",
    "excelente",
    "buenisimo",
    "barbaro",
    "joya",
    "chevere",
    "super",
];

/// Emoji that only acknowledge: a thumbs-up, folded hands, an OK hand, a smile, a heart (with
/// any skin tone or variation selector).
fn only_acknowledging_emoji(text: &str) -> bool {
    let mut any = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        match c {
            '\u{1F44D}' | '\u{1F64F}' | '\u{1F44C}' | '\u{1F44F}' | '\u{1F642}' | '\u{1F60A}'
            | '\u{1F600}' | '\u{1F603}' | '\u{1F604}' | '\u{2764}' | '\u{1F499}' | '\u{2705}'
            | '\u{1F91D}' => any = true,
            '\u{1F3FB}'..='\u{1F3FF}' | '\u{FE0F}' | '\u{200D}' | '!' | '.' => {}
            _ => return false,
        }
    }
    any
}

/// «Gracias», «Recibido, muchas gracias», «Enterado. Saludos cordiales, Marta»: the client
/// thanks us or says the message arrived, and nothing else (no question, no other word but
/// courtesy and a name or two, written with a capital). Said to a reminder it asks nothing of
/// anyone: no person needs to read it, reminders go on as planned.
pub fn is_thanks_only(text: &str) -> bool {
    const MAX_WORDS: usize = 16;
    if text.contains('?') {
        return false;
    }
    // A signature's lines after the first (a name, a company: every word capitalised) say
    // nothing.
    let signature = |line: &str| {
        line.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || w.len() <= 3)
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let said: Vec<&str> = std::iter::once(first)
        .chain(lines.filter(|l| !signature(l)))
        .collect();
    let words: Vec<&str> = said
        .iter()
        .flat_map(|l| l.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    // «Ok», «Vale, perfecto», «De acuerdo»: a bare acknowledgement.
    let acknowledged = !words.is_empty()
        && words.len() <= 3
        && words.iter().all(|w| {
            matches!(
                fold_str(w).as_str(),
                "ok" | "okay"
                    | "okey"
                    | "dale"
                    | "genial"
                    | "vale"
                    | "perfecto"
                    | "de"
                    | "acuerdo"
                    | "entendido"
                    | "entendida"
                    | "bien"
                    | "muy"
            )
        });
    // «Hola», «Buenos días», «Un saludo», «Perdón»: a fragment of a chat, nothing to answer.
    let greeting = !words.is_empty()
        && words.len() <= 4
        && words
            .iter()
            .all(|w| GREETINGS.contains(&fold_str(w).as_str()));
    if acknowledged || greeting || only_acknowledging_emoji(text) {
        return true;
    }
    let mut thanks = false;
    let mut names = 0;
    for (i, w) in words.iter().enumerate() {
        let folded = fold_str(w);
        let a_name = i > 0 && w.chars().next().is_some_and(char::is_uppercase);
        match folded.as_str() {
            t if THANKS.contains(&t) => thanks = true,
            c if COURTESY.contains(&c) || GREETINGS.contains(&c) => {}
            _ if a_name && names < 2 => names += 1,
            _ => return false,
        }
    }
    thanks && words.len() <= MAX_WORDS
}

#[cfg(test)]
mod tests {
    use super::{is_short_yes, is_thanks_only};

    #[test]
    fn thanks_alone_are_recognised() {
        for t in [
            "Gracias",
            "Muchas gracias!",
            "Recibido, muchas gracias.",
            "Enterado. Saludos cordiales,\nMarta",
            "Gracias a ustedes.",
            "Perfecto, gracias a ti",
            "Recibido 👍",
            "Ok, gracias por el aviso. Un saludo",
            "Buenos días, recibido. Quedo atenta.",
            "Mil gracias, muy amable",
            "Gracias! Buen lunes",
            "Muchas gracias, que tenga un buen viernes",
            "Recibí el correo, gracias",
            "Recibido, gracias.\n\nMarta Iglesias\nClínica Dental Sonrisa",
            "ok",
            "Vale, perfecto",
            "De acuerdo.",
            "Dale, genial, gracias!",
            "Chévere, muchas gracias",
            "👍🏼🙏",
            "👍",
            "Hola",
            "buenos días",
            "Un saludo",
            "perdón",
        ] {
            assert!(is_thanks_only(t), "{t}");
        }
        for t in [
            "",
            "Ok, el viernes",
            "Gracias, le pago el viernes",
            "Recibido, pero no reconozco la factura",
            "Gracias. ¿Me reenvía la factura?",
            "gracias ya pagué",
            "Gracias, lo reviso y le digo",
            "Recibido. Gracias. No me escriban más",
            "Gracias, Dios le pague",
            "😡",
            "👍 el viernes",
            "Dale, el viernes te pago",
            "Hola, le escribo por la factura",
        ] {
            assert!(!is_thanks_only(t), "{t}");
        }
    }

    #[test]
    fn short_yeses_are_recognised() {
        for t in [
            "Sí",
            "Sí.",
            "si, gracias",
            "Vale!",
            "ok",
            "Correcto, ese día",
            "Sí, confirmado. Gracias.",
            "SÍ, CONFIRMO",
            "Confirmado 👍",
        ] {
            assert!(is_short_yes(t), "{t}");
        }
        for t in [
            "no",
            "sí, pero el lunes no puedo, mejor otro día",
            "Sí, pero no ese día",
            "",
            "Gracias",
            "Sí, le pago el viernes que viene sin falta y le aviso",
        ] {
            assert!(!is_short_yes(t), "{t}");
        }
    }
}
