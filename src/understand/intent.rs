//! The intents and the payment statements ("le pago", "ya le transferí", "voy a pagarle")
//! found by conjugation, tense, negation and context.
//!
//! Fixed phrases live in `lexicon`; this file handles the verbs, whose many forms
//! (present, future, preterite, perfect, periphrasis, clitics) would not fit a phrase list.

use crate::understand::normalise::{Kind, Token};

mod statements;
mod verbs;

pub(crate) use statements::statements;
pub(crate) use verbs::MONEY_NOUNS;

pub use crate::domain::{Intent, UnknownIntent};

/// A payment statement found in the text.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    /// Promise (future) or Paid (past).
    pub kind: StatementKind,
    /// First token (including "ya" and pronouns before the verb).
    pub start: usize,
    /// One past the verb (and its money object when one was required).
    pub end: usize,
    /// Clause number.
    pub clause: usize,
    /// "no le pago", "todavía no he pagado".
    pub negated: bool,
    /// "espero pagarle", "le pagaría", "intentaré pagar".
    pub hedged: bool,
    /// "pagamos" without "ya" or a date: tense guessed.
    pub guessed: bool,
}

/// The direction of a payment statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementKind {
    /// Will pay.
    Promise,
    /// Has paid.
    Paid,
    /// Asks how/where/when to pay ("¿cómo le pago?").
    Asks,
}

/// Whether `word` (folded) is a conjugated form of a verb that pays or hands money over
/// («pagué», «transfiero», «cancelamos», «te paso»), not an infinitive nor a participle: what
/// follows it may be what is paid for («te pagué septiembre»).
pub(crate) fn pays_for(word: &str) -> bool {
    use verbs::{Family, Tense, VERBS};
    VERBS.get(word).is_some_and(|(family, tense)| {
        matches!(family, Family::Pay | Family::Cancel | Family::Send)
            && !matches!(tense, Tense::Infinitive | Tense::Participle)
    })
}

/// Splits tokens into clauses: sentence punctuation, line breaks and "pero"/"sino" end one;
/// «…y el resto lo…», «…, lo demás se…» open one (the part paid and the rest promised apart:
/// «Les pagamos 1.000 € el 20/11 y el resto lo pagamos el 18 de diciembre»).
/// Returns the clause of every token and, per clause, whether it is a question.
pub(crate) fn clauses(toks: &[Token<'_>]) -> (Vec<usize>, Vec<bool>) {
    let mut ids = Vec::with_capacity(toks.len());
    let mut questions = vec![false];
    let mut id = 0;
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    for (i, t) in toks.iter().enumerate() {
        // Only with a verb of its own after it («el resto lo pagamos…», «lo demás se lo
        // transfiero…»): «hoy 150 y el saldo el lunes» stays one clause.
        let the_rest = matches!(t.text, "el" | "lo")
            && matches!(word(i + 1), "resto" | "demas" | "saldo" | "restante")
            && matches!(
                word(i + 2),
                "lo" | "la" | "los" | "las" | "se" | "te" | "le" | "les"
            )
            && i > 0
            && matches!(word(i - 1), "y" | ",");
        let opens = t.kind == Kind::Punct && matches!(t.text, "¿" | "¡")
            || t.kind == Kind::Word && matches!(t.text, "pero" | "sino" | "aunque")
            || the_rest;
        if opens && i > 0 && ids.last() == Some(&id) {
            id += 1;
            questions.push(false);
        }
        ids.push(id);
        if t.text == "¿" || t.text == "?" {
            questions[id] = true;
        }
        let decimal_dot = t.text == "."
            && t.glued
            && toks.get(i + 1).is_some_and(|n| n.glued && n.is_num())
            && i > 0
            && toks[i - 1].is_num();
        let closes = t.kind == Kind::Punct
            && matches!(t.text, "." | "!" | "?" | ";" | "\n" | ":")
            && !decimal_dot;
        if closes {
            id += 1;
            questions.push(false);
        }
    }
    (ids, questions)
}
