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

#[cfg(test)]
mod tests {
    use super::is_short_yes;

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
