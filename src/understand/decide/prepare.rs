//! Before weighing: drop the cues and statements that context contradicts, and mark the days
//! a rescheduling moves a payment to. Every pass is linear in the number of tokens.

use crate::understand::dates::DateMention;
use crate::understand::intent::{MONEY_NOUNS, Statement, StatementKind};
use crate::understand::lexicon::{Cue, CueHit};
use crate::understand::normalise::Token;

/// Adjusts cues, statements and dates in place; see the comments on each rule.
pub(super) fn prepare(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    cues: &mut Vec<CueHit>,
    stmts: &mut [Statement],
    dates: &mut [DateMention],
) {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    let question = |i: usize| is_question.get(clause_of(i)).copied().unwrap_or(false);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    // Per clause: does it ask how/where/when to pay, does it hold a date?
    let n_clauses = is_question.len();
    let mut asks_how = vec![false; n_clauses];
    for c in cues.iter().filter(|c| c.cue == Cue::Question) {
        if let Some(a) = asks_how.get_mut(clause_of(c.start)) {
            *a = true;
        }
    }
    let mut dated = vec![false; n_clauses];
    for m in dates.iter().filter(|m| m.is_future_day()) {
        if let Some(a) = dated.get_mut(clause_of(m.start)) {
            *a = true;
        }
    }
    for s in stmts.iter_mut() {
        // "¿A qué cuenta le deposito?", "¿El pago se puede hacer con tarjeta?": a payment
        // verb inside a question is a question, unless it names a day ("¿le puedo pagar el
        // viernes?" offers one).
        let in_question = is_question.get(s.clause).copied().unwrap_or(false);
        let how = asks_how.get(s.clause).copied().unwrap_or(false);
        let has_day = dated.get(s.clause).copied().unwrap_or(false);
        if s.kind == StatementKind::Promise && in_question && (how || !has_day) {
            s.kind = StatementKind::Asks;
        }
    }
    // "le mando el comprobante" after a promise is a proof still to come, not a payment.
    let promised = stmts
        .iter()
        .any(|s| s.kind == StatementKind::Promise && !s.negated);
    // Token maps, so each rule below costs one look per cue: tokens inside an auto-reply
    // phrase; tokens where a cue would start right after a day that was turned down.
    let mut auto_tok = vec![false; toks.len()];
    for c in cues
        .iter()
        .filter(|c| matches!(c.cue, Cue::AutoStrong | Cue::AutoWeak))
    {
        for t in auto_tok.iter_mut().take(c.end).skip(c.start) {
            *t = true;
        }
    }
    let in_auto = |c: &CueHit| (c.start..c.end).any(|i| auto_tok.get(i) == Some(&true));
    let mut after_negated_day = vec![false; toks.len()];
    for m in dates.iter().filter(|m| m.negated) {
        let from = m.end.saturating_sub(1);
        for (i, t) in after_negated_day
            .iter_mut()
            .enumerate()
            .take(m.end + 4)
            .skip(from)
        {
            *t |= clause_of(i) == clause_of(m.start);
        }
    }
    let negated_day_near = |c: &CueHit| after_negated_day.get(c.start) == Some(&true);
    let mut in_date = vec![false; toks.len()];
    for m in dates.iter() {
        for t in in_date.iter_mut().take(m.end).skip(m.start) {
            *t = true;
        }
    }
    let inside_date = |c: &CueHit| {
        (c.start..c.end).all(|i| in_date.get(i) == Some(&true))
            && (c.start..c.end).any(|i| word(i) == "plazo")
    };
    let firm_promise = stmts
        .iter()
        .any(|s| s.kind == StatementKind::Promise && !s.negated && !s.guessed && !s.hedged);
    let future_day_at = |i: usize| {
        dates
            .iter()
            .any(|m| m.start == i && m.is_future_day() && !m.negated)
    };
    // "el pedido va en camino" is not about the money; "ya le pagué, va en camino" is.
    let paid_said = stmts
        .iter()
        .any(|s| s.kind == StatementKind::Paid && !s.negated)
        || cues.iter().any(|c| c.cue == Cue::PaidProof);
    let money_near = |c: &CueHit| {
        let here = clause_of(c.start);
        let near = |k: usize| k == here || k + 1 == here;
        paid_said
            || stmts.iter().any(|s| !s.negated && near(s.clause))
            || toks
                .iter()
                .zip(clause)
                .any(|(t, k)| near(*k) && MONEY_NOUNS.contains(&t.text))
    };
    // "si el importe no es correcto, le aviso": a condition, not a complaint.
    let conditional = |c: &CueHit| {
        (c.start.saturating_sub(4)..c.start)
            .any(|i| clause_of(i) == clause_of(c.start) && word(i) == "si")
    };
    let soft_request = |c: &CueHit| {
        (c.start.saturating_sub(4)..c.start)
            .any(|i| clause_of(i) == clause_of(c.start) && matches!(word(i), "falta" | "necesario"))
    };
    for c in cues.iter_mut() {
        match c.cue {
            Cue::Incorrect if names_an_amount(toks, clause, c.start) && !conditional(c) => {
                c.cue = Cue::Dispute;
            }
            // "tu dinero va para allá el lunes": on its way on a day still to come.
            Cue::InTransit if future_day_at(c.end) && word(c.end) != "hoy" => {
                c.cue = Cue::PromisePhrase;
            }
            // "ya está en proceso, debería verse reflejado mañana": the payment has left.
            Cue::InTransit
                if !firm_promise
                    && money_near(c)
                    && !in_process_of(toks, c)
                    && word(c.end) != "a" =>
            {
                c.cue = Cue::PaidProof;
            }
            // "sale el jueves": a promise for that day.
            Cue::Departs if future_day_at(c.end) => c.cue = Cue::PromisePhrase,
            _ => {}
        }
    }
    turn_down_days_after_cant_pay(toks, clause, cues, dates);
    // "La transferencia salió ayer, mañana la tendrán": arrival after a payment that left.
    let first_paid = stmts
        .iter()
        .filter(|s| s.kind == StatementKind::Paid && !s.negated)
        .map(|s| s.end)
        .chain(
            cues.iter()
                .filter(|c| c.cue == Cue::PaidProof)
                .map(|c| c.end),
        )
        .min();
    let arrival_after_paid = |c: &CueHit| {
        first_paid.is_some_and(|p| p <= c.start)
            && (c.start..c.end).any(|i| ARRIVAL_WORDS.contains(&word(i)))
    };
    cues.retain(|c| match c.cue {
        Cue::PromisePhrase if arrival_after_paid(c) => false,
        Cue::Incorrect | Cue::InTransit | Cue::Departs => false,
        // "no hace falta enviar más recordatorios, el viernes les pago" is polite, not an
        // opt-out.
        Cue::Stop if soft_request(c) => false,
        Cue::Dispute | Cue::DisputeWeak if conditional(c) => false,
        Cue::PaidProof => {
            !(promised
                && matches!(
                    word(c.start),
                    "envio" | "mando" | "paso" | "remito" | "comparto"
                ))
        }
        // "ya tenéis el dinero" is paid; "¿la transferencia se hace a qué cuenta?" asks.
        Cue::PromisePhrase => !(question(c.start) || c.start > 0 && word(c.start - 1) == "ya"),
        // "de baja médica" in an absence notice is not "darme de baja".
        Cue::Stop => !in_auto(c),
        // "el viernes no me da tiempo": not a request for time; "en un plazo de 10 días"
        // is a date.
        Cue::Plan => !(inside_date(c) || c.start > 0 && word(c.start - 1) == "no"),
        // "el martes me es imposible": the impossibility is that day's, not the debt's.
        Cue::CantPay => !negated_day_near(c),
        _ => true,
    });
    mark_rescheduled(toks, clause, cues, dates);
}

/// "lo dejamos para el 22", "pospongo el pago al viernes": the day right after a
/// rescheduling verb is the new promise; a rescheduling verb with no day after it is dropped.
fn mark_rescheduled(
    toks: &[Token<'_>],
    clause: &[usize],
    cues: &mut Vec<CueHit>,
    dates: &mut [DateMention],
) {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    cues.retain(|c| {
        if c.cue != Cue::Reschedule {
            return true;
        }
        // "pero será el 27" moves a day only when another day was named before it.
        if matches!(word(c.start), "sera" | "seria") && !dates.iter().any(|m| m.end <= c.start) {
            return false;
        }
        let target = dates.iter_mut().find(|m| {
            m.start >= c.start
                && m.start <= c.end + 4
                && clause_of(m.start) == clause_of(c.start)
                && m.is_future_day()
                && !m.negated
        });
        match target {
            Some(m) => {
                m.preferred = true;
                true
            }
            None => false,
        }
    });
}

/// Words that make "no es correcto" a dispute about the amount, the price or the invoice.
const AMOUNT_WORDS: [&str; 24] = [
    "importe",
    "monto",
    "precio",
    "total",
    "cantidad",
    "cifra",
    "cobro",
    "cargo",
    "valor",
    "suma",
    "factura",
    "tarifa",
    "saldo",
    "presupuesto",
    "euros",
    "pesos",
    "€",
    "$",
    "rfc",
    "nif",
    "cif",
    "acordado",
    "pactado",
    "quedamos",
];

/// True when the sentence of token `at` names an amount, a price or a number.
fn names_an_amount(toks: &[Token<'_>], clause: &[usize], at: usize) -> bool {
    let c = clause.get(at).copied();
    toks.iter()
        .zip(clause)
        .filter(|(_, k)| Some(**k) == c)
        .any(|(t, _)| t.is_num() || AMOUNT_WORDS.contains(&t.text))
}

/// Words of a payment arriving ("la tendrán", "le llega", "te cae"), not being made.
const ARRIVAL_WORDS: [&str; 16] = [
    "tendra",
    "tendran",
    "tendras",
    "tendreis",
    "tendria",
    "tendrian",
    "llega",
    "llegara",
    "llegaran",
    "cae",
    "caera",
    "entra",
    "entrara",
    "recibira",
    "recibiran",
    "vera",
];

/// "estamos en proceso de pagar": the payment has not left.
fn in_process_of(toks: &[Token<'_>], c: &CueHit) -> bool {
    toks.get(c.start).is_some_and(|t| t.text == "en")
        && toks
            .get(c.end)
            .is_some_and(|t| matches!(t.text, "de" | "para"))
}

/// "No puedo pagar el viernes, mejor el lunes": when another day follows, the impossibility
/// is the first day's, not the debt's; that day is turned down and the cue dropped.
fn turn_down_days_after_cant_pay(
    toks: &[Token<'_>],
    clause: &[usize],
    cues: &mut Vec<CueHit>,
    dates: &mut [DateMention],
) {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    cues.retain(|c| {
        if c.cue != Cue::CantPay {
            return true;
        }
        // "no puedo pagar el viernes", "no voy a poder pagarle el lunes".
        let object_gap = |m: &DateMention| {
            (c.end..m.start).all(|i| {
                toks.get(i).is_some_and(|t| {
                    matches!(
                        t.text,
                        "pagar"
                            | "abonar"
                            | "transferir"
                            | "depositar"
                            | "le"
                            | "te"
                            | "les"
                            | "lo"
                    )
                })
            })
        };
        let Some(k) = dates.iter().position(|m| {
            m.start >= c.end
                && m.start <= c.end + 2
                && object_gap(m)
                && m.is_future_day()
                && !m.negated
                && !toks
                    .get(m.start)
                    .is_some_and(|t| matches!(t.text, "hasta" | "antes" | "despues"))
        }) else {
            return true;
        };
        let other = dates[k + 1..].iter().any(|m| {
            m.is_future_day() && !m.negated && clause_of(m.start) <= clause_of(c.start) + 1
        });
        if other {
            dates[k].negated = true;
        }
        !other
    });
}
