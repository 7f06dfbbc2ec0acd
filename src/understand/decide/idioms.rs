//! Replies whose meaning is an idiom rather than their words: a promise mocked ("cuando las
//! ranas críen pelo") and a bare "done" ("Hecho ✅", "Ya está, perdón por el retraso").

use super::Found;
use crate::understand::intent::StatementKind;
use crate::understand::lexicon::Cue;
use crate::understand::normalise::Kind;

/// A promise mocked: no day, and either a never-day idiom ("cuando las ranas críen pelo",
/// "el día de San Nunca", "en cuanto me toque la lotería", "el 30 de febrero") or laughter
/// beside a condition that is not about money ("jaja sí, te pago cuando San Lorenzo salga
/// campeón"; "jaja, te pago cuando cobre" stays a promise).
pub(super) fn mocked(f: &Found<'_, '_>) -> bool {
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    if f.positive(StatementKind::Promise).next().is_none() {
        return false;
    }
    let never = (0..f.toks.len()).any(|i| {
        (word(i) == "ranas" && (i + 1..i + 4).any(|k| word(k) == "pelo"))
            || (word(i) == "san" && word(i + 1) == "nunca")
            || (word(i) == "juicio" && word(i + 1) == "final")
            || (LOTTERIES.contains(&word(i))
                && (i.saturating_sub(3)..i).any(|k| WINS.contains(&word(k))))
    }) || f.dates.iter().any(|m| m.impossible);
    // A day named beside a never-day or a sneer is mocked too (probe31b H01, H06: «Sí, claro,
    // el lunes les pago... cuando me toque la lotería», «Ajá, y yo les pago el viernes,
    // seguro» were promises for Monday and Friday, acknowledged to an angry client).
    if never || sneered(f) {
        return true;
    }
    if f.candidates().iter().any(|m| !m.weak) {
        return false;
    }
    let laugh = |i: usize| {
        ["jaja", "jeje", "jiji", "jsjs", "ajaj"]
            .iter()
            .any(|l| word(i).starts_with(l))
    };
    // A yes that mocks: "jaja sí", "sí, claro", "sí, hombre", "sí, sí".
    let words: Vec<usize> = (0..f.toks.len())
        .filter(|&i| f.toks[i].kind == Kind::Word)
        .collect();
    let w = |n: usize| words.get(n).map_or("", |&i| word(i));
    let mocking_yes = (laugh(words.first().copied().unwrap_or(usize::MAX)) && w(1) == "si")
        || (w(0) == "si" && matches!(w(1), "claro" | "hombre" | "si"));
    // "cuando" opening a condition about neither money nor the client's means.
    let odd_condition = (0..f.toks.len()).any(|i| {
        word(i) == "cuando"
            && !MEANS.contains(&word(i + 1))
            && !f.cues.iter().any(|c| c.start <= i && i < c.end)
            && f.positive(StatementKind::Promise).any(|s| s.end <= i)
    });
    mocking_yes && odd_condition
}

/// «… y yo soy el Papa», «ja, ya quisieran», «Ajá, y yo les pago…»: said to mean the opposite.
fn sneered(f: &Found<'_, '_>) -> bool {
    let words: Vec<&str> = f
        .toks
        .iter()
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.text)
        .collect();
    let w = |n: usize| words.get(n).copied().unwrap_or("");
    let opens_with_aja = matches!(w(0), "aja" | "aha") && w(1) == "y" && w(2) == "yo";
    opens_with_aja
        || words.windows(4).any(|q| {
            q[..3] == ["y", "yo", "soy"] && matches!(q[3], "el" | "la" | "papa" | "rey" | "reina")
        })
        || words
            .windows(2)
            .any(|p| p[0] == "ya" && matches!(p[1], "quisieran" | "quisieras" | "quisiera"))
}

/// A lottery won is the never-day of Spain and Latin America alike.
const LOTTERIES: [&str; 7] = [
    "loteria",
    "gordo",
    "primitiva",
    "quiniela",
    "melate",
    "baloto",
    "euromillon",
];

/// Winning it: "me toque", "me toca", "me saque", "gane".
const WINS: [&str; 7] = [
    "toque", "toca", "tocara", "saque", "gane", "ganemos", "caiga",
];

/// Words after "cuando" that make the condition the client's means ("cuando pueda",
/// "cuando me paguen", "cuando cobre").
const MEANS: [&str; 14] = [
    "pueda",
    "podamos",
    "cobre",
    "cobremos",
    "tenga",
    "tengamos",
    "me",
    "nos",
    "reciba",
    "recibamos",
    "llegue",
    "entre",
    "haya",
    "vendamos",
];

/// "Hecho ✅", "Ya está, perdón por el retraso", "Ya quedó, gracias": the reply opens with a
/// bare "done" and says nothing else that a cue or a statement reads (an apology, thanks,
/// agreement at most). Said to a payment reminder, what is done is the payment.
pub(super) fn done_alone(f: &Found<'_, '_>) -> bool {
    // The words before the first punctuation mark.
    let first: Vec<&str> = f
        .toks
        .iter()
        .take_while(|t| t.kind == Kind::Word)
        .map(|t| t.text)
        .collect();
    let done = matches!(
        first.as_slice(),
        ["hecho" | "hecha" | "hechito"] | ["ya", "esta" | "quedo" | "estuvo"] | ["listo", "ya"]
    );
    let quiet = f.stmts.is_empty()
        && f.dates.is_empty()
        && f.amounts.is_empty()
        && f.cues
            .iter()
            .all(|c| matches!(c.cue, Cue::Agree | Cue::Correction | Cue::Sure));
    done && quiet && !f.is_question.iter().any(|q| *q)
}
