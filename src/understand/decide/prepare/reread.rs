//! Cues whose meaning depends on what is around them: "no es correcto" (a dispute only next
//! to an amount), payments on their way (paid, or a promise when a day follows), "sale el
//! jueves", a day turned down before the one offered, arrival words after a payment that
//! left, conditional disputes and polite "no hace falta" opt-outs.

use crate::understand::dates::DateMention;
use crate::understand::intent::{MONEY_NOUNS, Statement, StatementKind};
use crate::understand::lexicon::{Cue, CueHit};
use crate::understand::normalise::Token;

/// Converts or drops the context-dependent cues in place.
pub(super) fn reread(
    toks: &[Token<'_>],
    clause: &[usize],
    stmts: &[Statement],
    cues: &mut Vec<CueHit>,
    dates: &mut [DateMention],
) {
    cues.retain(|c| !(c.cue == Cue::PaidProof && bare_done_going_on(toks, c)));
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
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
            Cue::Stop if elsewhere_or_otherwise(toks, c) => c.cue = Cue::Question,
            Cue::Incorrect if names_an_amount(toks, clause, c.start) && !conditional(c) => {
                c.cue = Cue::Dispute;
            }
            // "tu dinero va para allá el lunes": on its way on a day still to come.
            Cue::InTransit if future_day_at(c.end) && word(c.end) != "hoy" && !paid_said => {
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
        Cue::PromisePhrase => !arrival_after_paid(c),
        Cue::Incorrect | Cue::InTransit | Cue::Departs => false,
        // "no hace falta enviar más recordatorios, el viernes les pago" is polite, not an
        // opt-out.
        Cue::Stop => !soft_request(c) && !until_we_send(toks, c),
        Cue::Dispute | Cue::DisputeWeak => !conditional(c),
        Cue::Plan => {
            !income_rhythm(toks, c)
                && !usual_payday(toks, c, clause)
                && !how_often_we_write(toks, c)
        }
        _ => true,
    });
}

/// «no me manden los recordatorios a mí sino a administracion@…», «No me escriban a este
/// correo, escríbanme a rosa@…», «No nos envíen más la factura en papel»: where or how to
/// write, not an opt-out. A person reads it (a question, beside whatever else the reply says).
fn elsewhere_or_otherwise(toks: &[Token<'_>], c: &CueHit) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let sentence_end = |i: &usize| matches!(word(*i), "." | "\n" | "!" | ";");
    let mut after = (c.end..toks.len().min(c.end + 16)).take_while(|i| !sentence_end(i));
    after.any(|i| {
        matches!(word(i), "sino" | "@" | "papel")
            || WRITE_VERBS.contains(&word(i))
                && word(i.saturating_sub(1)) != "no"
                && (i + 1..i + 3).any(|k| matches!(word(k), "a" | "al" | "por"))
    })
}

/// Asking to be written to elsewhere: «escríbanme a…», «mándenlos al…», «envíenlo por…».
const WRITE_VERBS: [&str; 20] = [
    "escriban",
    "escriba",
    "escribe",
    "escribid",
    "manden",
    "mande",
    "manda",
    "mandad",
    "envien",
    "envie",
    "envia",
    "enviad",
    "escribanme",
    "escribame",
    "escribeme",
    "escribidme",
    "escribannos",
    "mandenlos",
    "envienlos",
    "mandenlas",
];

/// «Hasta que no nos manden la factura corregida no podemos pagarla»: what the client waits
/// for before paying, not a request for silence.
fn until_we_send(toks: &[Token<'_>], c: &CueHit) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    c.start >= 2 && word(c.start - 2) == "hasta" && word(c.start - 1) == "que"
        || c.start >= 1 && word(c.start - 1) == "mientras"
}

/// «Ya está», «ya quedó» say done only where the clause ends («la AR-41 ya está.»), not in «ya
/// está bien de mensajes», «ya quedó en revisión».
fn bare_done_going_on(toks: &[Token<'_>], c: &CueHit) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let bare = c.end == c.start + 2
        && word(c.start) == "ya"
        && matches!(word(c.start + 1), "esta" | "estan" | "quedo" | "quedaron");
    bare && toks
        .get(c.end)
        .is_some_and(|t| t.kind != crate::understand::normalise::Kind::Punct)
}

/// «Los pagos a proveedores los hacemos los días 20 de cada mes»: the client's usual payday
/// (plural «los días 20»), not instalments offered («le pago 100 € el 5 de cada mes»).
/// Also «salen los días 10 y 25 de cada mes» (a list of days), «pagamos el día 5 de cada mes»
/// with no sum in the clause, and «se les carga el día 20 como cada mes» (probe31 P15, H16,
/// P08: read as a request for instalments, a clear «la suya se paga el 5 de enero» lost).
fn usual_payday(toks: &[Token<'_>], c: &CueHit, clause: &[usize]) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    if word(c.start) != "cada" || c.start < 1 {
        return false;
    }
    if word(c.start - 1) == "como" {
        return true;
    }
    if c.start < 3 || word(c.start - 1) != "de" || !toks[c.start - 2].is_num() {
        return false;
    }
    // Back over the list of days: «10 y 25», «10, 20 y 30».
    let mut k = c.start - 2;
    while k >= 2 && matches!(word(k - 1), "y" | ",") && toks[k - 2].is_num() {
        k -= 2;
    }
    let same_clause = |i: usize| clause.get(i) == clause.get(c.start);
    let sum_named = (0..toks.len())
        .filter(|&i| same_clause(i))
        .any(|i| crate::understand::amount::currency(word(i)).is_some());
    k >= 1 && (matches!(word(k - 1), "dias" | "los") || word(k - 1) == "dia" && !sum_named)
}

/// «Dejen de escribirme cada semana», «me mandan correos cada semana»: how often we write, not
/// instalments (probe31b A03: «les pago el 30» beside it became a plan request).
fn how_often_we_write(toks: &[Token<'_>], c: &CueHit) -> bool {
    const WRITE: [&str; 8] = [
        "escrib", "mand", "envi", "llam", "molest", "recuerd", "correo", "mensaje",
    ];
    word_at(toks, c.start) == "cada"
        && (c.start.saturating_sub(3)..c.start)
            .any(|i| WRITE.iter().any(|w| word_at(toks, i).starts_with(w)))
}

fn word_at<'a>(toks: &[Token<'a>], i: usize) -> &'a str {
    toks.get(i).map_or("", |t| t.text)
}

/// "Me pagan por quincena", "cobro por semana", "mi sueldo por quincena": how often the client
/// is paid, not a request to pay in instalments.
fn income_rhythm(toks: &[Token<'_>], c: &CueHit) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    if c.start == 0 || !matches!(word(c.start), "por" | "cada" | "al") {
        return false;
    }
    let income_before = (c.start.saturating_sub(2)..c.start)
        .any(|i| super::super::promise::income_at(toks, i) == Some(c.start));
    income_before || matches!(word(c.start - 1), "sueldo" | "nomina" | "salario")
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
    // "No es correcto: según el contrato, el vencimiento es a 60 días": what follows a colon
    // says what is not.
    let explained = c.and_then(|c| {
        let last = clause.iter().rposition(|k| *k == c)?;
        [last, last + 1]
            .iter()
            .any(|&k| toks.get(k).is_some_and(|t| t.text == ":"))
            .then_some(c + 1)
    });
    let mut words = toks
        .iter()
        .zip(clause)
        .filter(|(_, k)| Some(**k) == c || Some(**k) == explained)
        .map(|(t, _)| t);
    // "el IBAN 1234 no es correcto" is about our bank details, not the amount.
    let bank = [
        "cuenta", "iban", "clabe", "cbu", "alias", "swift", "telefono", "correo",
    ];
    let (mut amount, mut about_bank) = (false, false);
    for t in words.by_ref() {
        amount |= t.is_num() || AMOUNT_WORDS.contains(&t.text);
        about_bank |= bank.contains(&t.text);
    }
    amount && !about_bank
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
