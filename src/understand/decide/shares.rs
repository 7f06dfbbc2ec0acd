//! Shares of the balance: "el 30 %", "un tercio", "mitad ahora y mitad en enero".

use super::Found;
use crate::understand::amount::{AmountMention, PromisedAmount};
use crate::understand::lexicon::{Cue, CueHit};

/// Adds a `Partial` cue for each share of the balance asked for in a question.
pub(super) fn asked_shares(
    amounts: &[AmountMention],
    clause: &[usize],
    is_question: &[bool],
    cues: &mut Vec<CueHit>,
) {
    // "¿Puedo pagar el 30 % ahora?": a share of the balance asked for reads like "la
    // mitad" (stated, "le pago el 50 % el viernes" stays a promise with its amount).
    for a in amounts {
        let share = matches!(a.amount, PromisedAmount::Fraction { numerator, denominator } if numerator < denominator);
        let asked = clause
            .get(a.start)
            .and_then(|c| is_question.get(*c))
            .copied()
            .unwrap_or(false);
        if share
            && asked
            && !cues
                .iter()
                .any(|c| c.cue == Cue::Partial && c.start < a.end && a.start < c.end)
        {
            cues.push(CueHit {
                cue: Cue::Partial,
                start: a.start,
                end: a.end,
            });
        }
    }
}

/// "50% ahora y 50% en 30 días", "un tercio ya y el resto en enero": two shares of the
/// balance, at least one a fraction, are instalments.
pub(super) fn split(f: &Found<'_, '_>) -> Option<CueHit> {
    let mut shares = f.amounts.iter().filter(|a| {
        matches!(
            a.amount,
            PromisedAmount::Fraction { .. } | PromisedAmount::Remainder
        )
    });
    let first = shares.next()?;
    let second = shares.next()?;
    let fraction = [first, second]
        .iter()
        .any(|a| matches!(a.amount, PromisedAmount::Fraction { .. }));
    fraction.then_some(CueHit {
        cue: Cue::Partial,
        start: first.start,
        end: first.end,
    })
}
