//! Fixed phrases that signal an intent, written folded (no accents, lower case).
//!
//! A phrase is a space-separated list of elements; `a|b` is a choice, a leading `?` makes
//! the element optional. Phrases are indexed by every choice of their first element, so each
//! token costs one hash lookup.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::understand::normalise::Token;

mod auto;
mod disputes;
mod payments;
mod talk;

/// Every phrase table.
const PHRASES: [&[(Cue, &str)]; 4] = [
    auto::AUTO,
    disputes::DISPUTES,
    payments::PAYMENTS,
    talk::TALK,
];

/// What a phrase signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cue {
    /// Only automatic replies say this ("respuesta automática", "fuera de la oficina").
    AutoStrong,
    /// Typical of automatic replies; two are needed.
    AutoWeak,
    /// Contests the invoice, the amount or the work.
    Dispute,
    /// Refuses or denies the debt without a reason ("no debo nada", "no voy a pagar").
    DisputeWeak,
    /// Asks for instalments or offers partial payments or a schedule.
    Plan,
    /// Asks for time ("necesito unos días más", "¿me da hasta el viernes?", "denme
    /// chance"): a plan held for the owner, unless it names the day the whole invoice is
    /// paid, which is then a promise (see `decide::delay`).
    Delay,
    /// Says they cannot pay now (an implicit request for time).
    CantPay,
    /// A part of the amount ("la mitad", "una parte", "un adelanto").
    Partial,
    /// Asks not to be contacted.
    Stop,
    /// Asks for a copy, bank details, an explanation.
    Question,
    /// Agrees ("vale", "de acuerdo", "perfecto").
    Agree,
    /// Strengthens a promise ("sin falta", "a más tardar", "se lo aseguro").
    Sure,
    /// Weakens a promise ("espero", "intentaré", "cuando cobre").
    Hedge,
    /// Takes a promise back ("no te prometo nada", "no le aseguro nada"): the day said is
    /// a guess, not a commitment.
    Disclaim,
    /// A promise without a payment verb ("cuente con el pago", "le llega el dinero").
    PromisePhrase,
    /// Proof of payment ("adjunto comprobante", "le paso el justificante").
    PaidProof,
    /// A future action that is not a payment ("le llamo el lunes", "lo reviso").
    NonPay,
    /// A correction: the later statement replaces the earlier one.
    Correction,
    /// Moves a payment to a new day ("lo dejamos para el 22", "pospongo el pago al viernes"):
    /// a promise for the day right after it.
    Reschedule,
    /// The payment has left and is on its way or being processed ("ya va en camino", "está
    /// en proceso", "se verá reflejado mañana"): paid, unless a payment verb promises it.
    InTransit,
    /// "sale", "saldrá": the payment leaves on the day named right after it ("sale el
    /// jueves"); a promise for that day, dropped when no day follows.
    Departs,
    /// "no es correcto", "no es la correcta": a dispute when the sentence names an amount,
    /// a price or the invoice's data ("el importe no es correcto"), dropped otherwise.
    Incorrect,
    /// Asks or proposes rather than commits ("les propongo", "¿sería posible?"): a plan
    /// request names no promised day.
    PlanRequest,
}

/// A compiled phrase.
pub(crate) struct Phrase {
    /// Elements: the choices for each position and whether it may be skipped.
    elems: Vec<(Vec<&'static str>, bool)>,
    /// What the phrase signals.
    pub cue: Cue,
}

fn compile(pattern: &'static str, cue: Cue) -> Phrase {
    let elems = pattern
        .split(' ')
        .map(|e| {
            let (opt, body) = match e.strip_prefix('?') {
                Some(b) => (true, b),
                None => (false, e),
            };
            // Sorted, so a token is looked up by binary search.
            let mut choices: Vec<&'static str> = body.split('|').collect();
            choices.sort_unstable();
            choices.dedup();
            (choices, opt)
        })
        .collect();
    Phrase { elems, cue }
}

/// Phrases indexed by the words their first element accepts.
static INDEX: LazyLock<HashMap<&'static str, Vec<Phrase>>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Vec<Phrase>> = HashMap::new();
    for (cue, pattern) in PHRASES.iter().flat_map(|t| t.iter()) {
        let first = pattern.split(' ').next().unwrap_or("");
        for word in first.trim_start_matches('?').split('|') {
            map.entry(word).or_default().push(compile(pattern, *cue));
        }
    }
    map
});

/// A phrase found in the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CueHit {
    /// What it signals.
    pub cue: Cue,
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
}

/// Tries to match `elems` at token `i`; returns the end of the longest match.
fn match_at(elems: &[(Vec<&'static str>, bool)], toks: &[Token<'_>], i: usize) -> Option<usize> {
    let Some(((choices, optional), rest)) = elems.split_first() else {
        return Some(i);
    };
    let here = toks
        .get(i)
        .filter(|t| choices.binary_search(&t.text).is_ok())
        .and_then(|_| match_at(rest, toks, i + 1));
    if here.is_some() {
        return here;
    }
    if *optional {
        return match_at(rest, toks, i);
    }
    None
}

/// Every phrase in the text; overlapping matches of different cues are all kept.
pub(crate) fn find_cues(toks: &[Token<'_>]) -> Vec<CueHit> {
    let mut hits = Vec::new();
    for i in 0..toks.len() {
        let Some(phrases) = INDEX.get(toks[i].text) else {
            continue;
        };
        for p in phrases {
            if let Some(end) = match_at(&p.elems, toks, i) {
                hits.push(CueHit {
                    cue: p.cue,
                    start: i,
                    end,
                });
            }
        }
    }
    hits
}
