//! Before weighing: drop the cues and statements that context contradicts, and mark the days
//! a rescheduling moves a payment to. Every pass is linear in the number of tokens.

use crate::understand::amount::names_the_rest;
use crate::understand::dates::DateMention;
use crate::understand::intent::{MONEY_NOUNS, Statement, StatementKind};
use crate::understand::lexicon::{Cue, CueHit};
use crate::understand::normalise::Token;

mod reread;

/// Adjusts cues, statements and dates in place; see the comments on each rule.
pub(super) fn prepare(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    cues: &mut Vec<CueHit>,
    stmts: &mut Vec<Statement>,
    dates: &mut [DateMention],
) {
    demote_questions(clause, is_question, cues, stmts, dates);
    drop_told(toks, clause, cues, stmts);
    // "le mando el comprobante" after a promise is a proof still to come, not a payment.
    let promised = stmts
        .iter()
        .any(|s| s.kind == StatementKind::Promise && !s.negated);
    let maps = TokenMaps::new(toks, clause, cues, dates);
    deadline_to_come(toks, cues, &maps);
    reread::reread(toks, clause, stmts, cues, dates);
    drop_contradicted(toks, clause, is_question, cues, &maps, promised);
    mark_rescheduled(toks, clause, cues, dates);
}

/// "¿A qué cuenta le deposito?", "¿El pago se puede hacer con tarjeta?": a payment verb
/// inside a question is a question, unless it names a day ("¿le puedo pagar el viernes?"
/// offers one).
fn demote_questions(
    clause: &[usize],
    is_question: &[bool],
    cues: &[CueHit],
    stmts: &mut [Statement],
    dates: &[DateMention],
) {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
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
        let in_question = is_question.get(s.clause).copied().unwrap_or(false);
        let how = asks_how.get(s.clause).copied().unwrap_or(false);
        let has_day = dated.get(s.clause).copied().unwrap_or(false);
        if s.kind == StatementKind::Promise && in_question && (how || !has_day) {
            s.kind = StatementKind::Asks;
        }
    }
}

/// "el lunes te aviso cuándo te puedo pagar", "le confirmo qué día le deposito": the payment
/// is what will be told, not a promise; "nunca dije que le pagaría" denies one.
fn drop_told(toks: &[Token<'_>], clause: &[usize], cues: &[CueHit], stmts: &mut Vec<Statement>) {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let told = |s: &Statement| {
        s.kind == StatementKind::Promise
            && cues.iter().any(|c| {
                let asks = matches!(word(c.end), "cuando" | "si")
                    || word(c.end) == "que" && matches!(word(c.end + 1), "dia" | "fecha");
                c.cue == Cue::NonPay
                    && asks
                    && c.end <= s.start
                    && s.start <= c.end + 5
                    && clause_of(c.end) == s.clause
            })
    };
    // "Nunca dije que pagaría el viernes": a promise denied, not made.
    let denied = |s: &Statement| {
        s.kind == StatementKind::Promise
            && word(s.start.wrapping_sub(1)) == "que"
            && matches!(
                word(s.start.wrapping_sub(2)),
                "dije" | "dijimos" | "prometi" | "prometimos" | "dijo" | "quede" | "quedamos"
            )
            && matches!(word(s.start.wrapping_sub(3)), "nunca" | "no" | "jamas")
    };
    // «Ya fueron ingresadas a contrarrecibo»: the invoices entered in the client's payables,
    // not money paid in.
    let filed = |s: &Statement| {
        s.kind == StatementKind::Paid
            && (s.start..s.end).any(|i| word(i).starts_with("ingresad"))
            && matches!(word(s.end), "a" | "al" | "en")
            && (s.end + 1..s.end + 3).any(|i| FILED_IN.contains(&word(i)))
    };
    stmts.retain(|s| !told(s) && !denied(s) && !filed(s));
}

/// Where a client files an invoice before paying it («ingresada a contrarrecibo», «al sistema»).
const FILED_IN: [&str; 8] = [
    "contrarrecibo",
    "sistema",
    "revision",
    "proceso",
    "tramite",
    "contabilidad",
    "cartera",
    "programacion",
];

/// Token maps, so each rule of [`drop_contradicted`] costs one look per cue: tokens inside an
/// auto-reply phrase; tokens where a cue would start right after a day that was turned down;
/// tokens inside a date. Taken before [`reread::reread`] changes the cues and dates.
struct TokenMaps {
    auto: Vec<bool>,
    after_negated_day: Vec<bool>,
    /// The token's clause names a day to come ("el viernes lo tienes").
    dated: Vec<bool>,
    /// The token's clause names a deadline to come ("para el 20", "antes del lunes").
    deadline: Vec<bool>,
    in_date: Vec<bool>,
}

impl TokenMaps {
    fn new(
        toks: &[Token<'_>],
        clause: &[usize],
        cues: &[CueHit],
        dates: &[DateMention],
    ) -> TokenMaps {
        let n = toks.len();
        let word = |i: usize| toks.get(i).map_or("", |t| t.text);
        let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
        let mut auto = vec![false; n];
        for c in cues
            .iter()
            .filter(|c| matches!(c.cue, Cue::AutoStrong | Cue::AutoWeak))
        {
            for t in auto.iter_mut().take(c.end).skip(c.start) {
                *t = true;
            }
        }
        let mut after_negated_day = vec![false; n];
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
        let mut in_date = vec![false; n];
        for m in dates.iter() {
            for t in in_date.iter_mut().take(m.end).skip(m.start) {
                *t = true;
            }
        }
        let dated_clauses: Vec<usize> = dates
            .iter()
            .filter(|m| m.is_future_day() && !m.negated && !m.reference)
            .map(|m| clause_of(m.start))
            .collect();
        let dated = (0..n)
            .map(|i| dated_clauses.contains(&clause_of(i)))
            .collect();
        let deadline_clauses: Vec<usize> = dates
            .iter()
            .filter(|m| m.is_future_day() && !m.negated && !m.reference)
            .filter(|m| {
                let head = |w: &str| matches!(w, "para" | "antes");
                head(word(m.start)) || m.start > 0 && head(word(m.start - 1))
            })
            .map(|m| clause_of(m.start))
            .collect();
        let deadline = (0..n)
            .map(|i| deadline_clauses.contains(&clause_of(i)))
            .collect();
        TokenMaps {
            auto,
            after_negated_day,
            in_date,
            dated,
            deadline,
        }
    }
}

/// "Para el 20 ya tiene su pago", "antes del viernes ya lo tienes": "ya tiene" before a
/// deadline to come is what the client will have done by then, a promise; without one
/// ("ya tiene su pago") it is paid.
fn deadline_to_come(toks: &[Token<'_>], cues: &mut [CueHit], maps: &TokenMaps) {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    for c in cues.iter_mut() {
        let have = match word(c.start + 1) {
            "lo" | "la" => word(c.start + 2),
            w => w,
        };
        if c.cue == Cue::PaidProof
            && word(c.start) == "ya"
            && HAVE.contains(&have)
            && maps.deadline.get(c.start) == Some(&true)
        {
            c.cue = Cue::PromisePhrase;
        }
    }
}

/// "mira el banco", "revisa tu cuenta": look at where the money is.
const LOOK: [&str; 12] = [
    "mira", "mire", "miren", "mirad", "revisa", "revise", "revisen", "revisad", "checa", "cheque",
    "chequea", "chequee",
];

/// "lo tienes", "lo tendréis": you (will) have it.
const HAVE: [&str; 8] = [
    "tienes", "tiene", "tienen", "teneis", "tendras", "tendra", "tendran", "tendreis",
];

/// «Pasaré por el banco», «voy al banco»: going where a payment is made (the first words of
/// that promise phrase, see `lexicon::talk`).
const GO: [&str; 12] = [
    "pasare",
    "pasaremos",
    "paso",
    "pasamos",
    "ire",
    "iremos",
    "voy",
    "vamos",
    "acudire",
    "acudiremos",
    "pasaria",
    "iria",
];

/// «Recibida la factura rectificativa, gracias. Se paga el 18»: the corrected invoice has come,
/// the dispute is over (probe31 D13: read as a dispute, its promise lost).
fn corrected_invoice_received(toks: &[Token<'_>], clause: &[usize], c: &CueHit) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    (c.start..c.end).any(|i| CORRECTED.contains(&word(i)))
        && (1..=3).any(|b| {
            c.start >= b
                && clause.get(c.start - b) == clause.get(c.start)
                && RECEIVED.contains(&word(c.start - b))
        })
}

/// What puts an invoice right (a dispute's phrase naming it), folded.
const CORRECTED: [&str; 6] = [
    "rectificativa",
    "rectificativas",
    "rectificada",
    "corregida",
    "abono",
    "credito",
];

/// «Recibida», «ya nos llegó»: what came, before a corrected invoice (see `drop_contradicted`).
const RECEIVED: [&str; 9] = [
    "recibida",
    "recibidas",
    "recibido",
    "recibimos",
    "recibi",
    "llego",
    "llegaron",
    "tenemos",
    "tengo",
];

/// Complaints and legal action threatened ("los denuncio", "una queja ante la SIC").
const THREATS: [&str; 13] = [
    "denuncia",
    "denunciar",
    "demanda",
    "abogado",
    "abogada",
    "abogados",
    "profeco",
    "sernac",
    "omic",
    "condusef",
    "queja",
    "reclamo",
    "reclamacion",
];

/// Forms of "estar" and its kin before "de baja": someone on sick or parental leave
/// ("está de baja", "sigue de baja médica"), not an opt-out ("denme de baja").
const ON_LEAVE: [&str; 14] = [
    "esta", "estoy", "estan", "estamos", "estaba", "estara", "sigue", "sigo", "siguen", "anda",
    "ando", "continua", "lleva", "llevo",
];

/// Drops the cues their context contradicts; see the comment on each rule.
fn drop_contradicted(
    toks: &[Token<'_>],
    clause: &[usize],
    is_question: &[bool],
    cues: &mut Vec<CueHit>,
    maps: &TokenMaps,
    promised: bool,
) {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    let question = |i: usize| is_question.get(clause_of(i)).copied().unwrap_or(false);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let in_auto = |c: &CueHit| (c.start..c.end).any(|i| maps.auto.get(i) == Some(&true));
    let negated_day_near = |c: &CueHit| maps.after_negated_day.get(c.start) == Some(&true);
    let inside_date = |c: &CueHit| {
        (c.start..c.end).all(|i| maps.in_date.get(i) == Some(&true))
            && (c.start..c.end).any(|i| word(i) == "plazo")
    };
    // "si me vuelven a escribir los denuncio a Profeco": a complaint threatened to make us
    // stop writing is an opt-out, not a dispute of the invoice.
    let stop_clauses: Vec<usize> = cues
        .iter()
        .filter(|c| c.cue == Cue::Stop && !in_auto(c))
        .map(|c| clause_of(c.start))
        .collect();
    cues.retain(|c| !said_of_another(toks, c, maps));
    cues.retain(|c| match c.cue {
        Cue::Dispute if c.end == c.start + 1 && THREATS.contains(&word(c.start)) => {
            !stop_clauses.contains(&clause_of(c.start))
        }
        Cue::Dispute if corrected_invoice_received(toks, clause, c) => false,
        // «Pongo en copia a administración», «con copia a Pedro»: a carbon copy, not a copy of
        // the invoice asked for.
        Cue::Question if c.end == c.start + 1 && word(c.start) == "copia" => {
            let before = c.start.checked_sub(1).map_or("", word);
            !(matches!(before, "en" | "con") || matches!(word(c.end), "a" | "al"))
        }
        // "en cuanto pueda" alone asks for time; "le pago en cuanto pueda" promises.
        Cue::Delay if matches!(word(c.start), "en" | "cuando") && word(c.end - 1) == "pueda" => {
            !promised
        }
        // "mira el banco" is done; "mira tu cuenta el lunes" is to come.
        Cue::PaidProof if LOOK.contains(&word(c.start)) => maps.dated.get(c.start) != Some(&true),
        Cue::PaidProof => !proof_to_come(toks, clause, c, promised),
        // "el pago lo tendremos listo": ready is about money only when money was named
        // ("el informe lo tenemos listo" is not).
        Cue::PromisePhrase if matches!(word(c.end.saturating_sub(1)), "listo" | "lista") => {
            (c.start.saturating_sub(4)..c.start).any(|i| MONEY_NOUNS.contains(&word(i)))
        }
        // "le comento que el pago...", "le confirmo que el viernes le pago": words that
        // introduce what is said, not another action.
        Cue::NonPay
            if word(c.end) == "que"
                && matches!(
                    word(c.end.saturating_sub(1)),
                    "comento" | "digo" | "aviso" | "confirmo" | "cuento" | "confirmamos"
                ) =>
        {
            false
        }
        // "el viernes lo tienes (en la cuenta)": the money, when a day to come is named;
        // without one, "lo tienes en el correo" may be anything.
        Cue::PromisePhrase if word(c.start) == "lo" && HAVE.contains(&word(c.start + 1)) => {
            maps.dated.get(c.start) == Some(&true)
                && !question(c.start)
                && !(c.start > 0 && word(c.start - 1) == "ya")
        }
        // «Pasaré por el banco el lunes»: a payment, when a day to come is named; «voy al banco
        // a preguntar» without one is not.
        Cue::PromisePhrase if GO.contains(&word(c.start)) => {
            maps.dated.get(c.start) == Some(&true) && !question(c.start)
        }
        // "ya tenéis el dinero" is paid; "¿la transferencia se hace a qué cuenta?" asks.
        // "no se incluirá en la remesa del 5": denied.
        Cue::PromisePhrase => {
            let before = |k: usize| c.start.checked_sub(k).map_or("", word);
            let clitic = matches!(before(1), "se" | "lo" | "la" | "los" | "las" | "le" | "les");
            let denied = matches!(before(1), "no" | "nunca" | "tampoco")
                || clitic && matches!(before(2), "no" | "nunca" | "tampoco");
            // «ya tengo autorizado su pago para el viernes»: approved already, paid later.
            let arranged = ["ado", "ada"]
                .iter()
                .any(|e| word(c.start + 1).ends_with(e));
            !(question(c.start) || before(1) == "ya" && !arranged || denied)
        }
        Cue::Stop => opt_out_meant(toks, c, in_auto(c), promised),
        // "el viernes no me da tiempo": not a request for time; "en un plazo de 10 días"
        // is a date.
        Cue::Plan | Cue::Delay => !(inside_date(c) || c.start > 0 && word(c.start - 1) == "no"),
        // "el martes me es imposible": the impossibility is that day's, not the debt's.
        // "los otros 300", "los otros a fin de mes" are the rest of the debt; "los otros
        // clientes" are not.
        Cue::Partial if matches!(word(c.start), "los" | "las") => names_the_rest(toks, c.start),
        Cue::CantPay => cant_pay_meant(toks, c, negated_day_near(c)),
        _ => true,
    });
}

/// Whether «no puedo pagar» at `c` is about the debt: not after a day said not to suit
/// (`after_negated_day`: «el martes me es imposible») unless it is now («ahora no puedo»,
/// «ahorita no hay liquidez»: probe31 Y05), and not for want of a document («sin la factura no
/// puedo pagar», «no puedo pagar hasta que me manden el CFDI corregido»: a question or a
/// dispute says which).
fn cant_pay_meant(toks: &[Token<'_>], c: &CueHit, after_negated_day: bool) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let now = |w: &str| matches!(w, "ahora" | "ahorita");
    !for_want_of_the_invoice(toks, c)
        && (!after_negated_day
            || now(word(c.start))
            || now(c.start.checked_sub(1).map_or("", word)))
}

/// Whether the stop words at `c` ask us to stop writing: not inside an auto-reply
/// (`in_auto`), nor a channel or an hour asked for beside a promise (see `channel_or_hour`),
/// nor "de baja médica" / "Javier está de baja" (a person on leave), nor «un mes que ya había
/// dado de baja» (a service cancelled), nor «no quiero darme de baja», «no me den de baja» (the
/// opposite).
fn opt_out_meant(toks: &[Token<'_>], c: &CueHit, in_auto: bool, promised: bool) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let denied = word(c.end.saturating_sub(1)) == "baja"
        && (1..=4)
            .take_while(|&b| c.start >= b && !matches!(word(c.start - b), "," | "." | ";" | "\n"))
            .any(|b| word(c.start - b) == "no");
    // «dejen de llamar y escribir tanto», «no me escriban tan seguido»: fewer messages, not
    // none (a person reads it).
    let too_often = (c.end..c.end + 5)
        .map(word)
        .take_while(|w| !matches!(*w, "" | "," | "." | ";" | "\n" | "que" | "pero"))
        .any(|w| matches!(w, "tanto" | "tantos" | "tantas" | "seguido" | "seguidos"));
    // «no me escriban antes de las 11», «no me escribas en la mañana», «no me manden mensajes
    // los fines de semana», «no me escriban hasta el 15»: when, not whether (walk30: read as
    // an opt-out, the client was told «no te enviaremos más recordatorios»). A person reads it.
    let at_some_times = (c.end..c.end + 6)
        .map(word)
        .take_while(|w| !matches!(*w, "" | "," | "." | ";" | "\n" | "que" | "pero" | "y"))
        .any(|w| WHEN_WORDS.contains(&w));
    !(in_auto
        || too_often
        || at_some_times
        || promised && channel_or_hour(word(c.end))
        || word(c.start) == "de" && c.start > 0 && ON_LEAVE.contains(&word(c.start - 1))
        || word(c.start) == "de"
            && said_of_a_thing(word(c.start.wrapping_sub(1)), word(c.start.wrapping_sub(2)))
        || denied)
}

/// Words that make «no me escriban» a matter of when (see `opt_out_meant`), folded.
const WHEN_WORDS: [&str; 30] = [
    "antes",
    "despues",
    "hasta",
    "temprano",
    "madrugada",
    "noche",
    "noches",
    "manana",
    "mananas",
    "tarde",
    "tardes",
    "mediodia",
    "finde",
    "fines",
    "fin",
    "semana",
    "lunes",
    "martes",
    "miercoles",
    "jueves",
    "viernes",
    "sabado",
    "sabados",
    "domingo",
    "domingos",
    "horario",
    "hora",
    "horas",
    "festivos",
    "feriados",
];

/// «la factura fue dada de baja en el SAT», «esta cuenta ha sido dada de baja»: something was
/// cancelled; «quiero ser dado de baja» still asks for it.
fn said_of_a_thing(participle: &str, before: &str) -> bool {
    matches!(participle, "dado" | "dada" | "dados" | "dadas")
        && !matches!(before, "ser" | "sea" | "seamos" | "sean")
}

/// Whether the "no puedo pagar" at `c` waits for the invoice: «sin la factura / el CFDI» just
/// before it, or «sin …» / «hasta que … la factura / el CFDI» in the words after it.
fn for_want_of_the_invoice(toks: &[Token<'_>], c: &CueHit) -> bool {
    const DOCUMENT: [&str; 9] = [
        "factura",
        "facturas",
        "cfdi",
        "cfdis",
        "xml",
        "comprobante",
        "complemento",
        "albaran",
        "remito",
    ];
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    // «No me ha llegado el CFDI, sin él no puedo pagar»: the pronoun names it; «nos falta el
    // complemento de pago…, sin eso no podemos pagar la siguiente» (probe31 D02: read as a
    // request for instalments).
    let named_before = |i: usize| (i.saturating_sub(12)..i).any(|j| DOCUMENT.contains(&word(j)));
    let before = (c.start.saturating_sub(4)..c.start).any(|i| {
        word(i) == "sin"
            && ((i + 1..c.start).any(|j| DOCUMENT.contains(&word(j)))
                || matches!(
                    word(i + 1),
                    "el" | "ella" | "ellos" | "ellas" | "eso" | "esto"
                ) && named_before(i))
    });
    let after: Vec<&str> = (c.end..c.end + 10)
        .map(word)
        .take_while(|w| !matches!(*w, "" | "." | ";" | "\n" | "pero"))
        .collect();
    let waits = after
        .iter()
        .position(|w| matches!(*w, "sin" | "hasta"))
        .is_some_and(|k| after[k..].iter().any(|w| DOCUMENT.contains(w)));
    before || waits
}

/// Cues about what someone else does or did: «ya les reenvié su correo» tells what the writer
/// did («reenvíe la factura» asks); «el pago lo realiza nuestro corporativo», «el pago lo hace
/// el área de cuentas por pagar» is a third party's payment, named after the verb, no promise
/// of the writer's unless a day is said with it.
fn said_of_another(toks: &[Token<'_>], c: &CueHit, maps: &TokenMaps) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    match c.cue {
        Cue::Question => {
            c.end == c.start + 1
                && toks
                    .get(c.start)
                    .is_some_and(|t| t.accent_final && t.text.ends_with('e'))
        }
        Cue::PromisePhrase => {
            let subject_after = matches!(
                word(c.end),
                "mi" | "mis" | "su" | "sus" | "nuestro" | "nuestra" | "nuestros" | "nuestras"
            ) || matches!(word(c.end), "el" | "la" | "los" | "las")
                && maps.in_date.get(c.end) != Some(&true);
            matches!(word(c.end.saturating_sub(2)), "lo" | "la")
                && subject_after
                && maps.dated.get(c.start) != Some(&true)
        }
        _ => false,
    }
}

/// "le envío el comprobante" beside a promise, or "en cuanto lo realice le envío el
/// comprobante": the proof comes after a payment still to be made, so it claims nothing.
fn proof_to_come(toks: &[Token<'_>], clause: &[usize], c: &CueHit, promised: bool) -> bool {
    let clause_of = |i: usize| clause.get(i).copied().unwrap_or(usize::MAX);
    let word = |i: usize| toks.get(i).map_or("", |t| t.text);
    let once_paid = (c.start.saturating_sub(6)..c.end + 6)
        .filter(|&i| clause_of(i) == clause_of(c.start) && !(c.start..c.end).contains(&i))
        .any(|i| {
            matches!(word(i), "cuando" | "apenas" | "pronto")
                || (word(i) == "en" && word(i + 1) == "cuanto")
                || (word(i) == "una" && word(i + 1) == "vez")
        });
    // "le envío", "les enviamos": the verb may follow a pronoun.
    let verb = if matches!(word(c.start), "le" | "te" | "les" | "os") {
        word(c.start + 1)
    } else {
        word(c.start)
    };
    (promised || once_paid)
        && matches!(
            verb,
            "envio" | "mando" | "paso" | "remito" | "comparto" | "enviamos" | "mandamos"
        )
}

/// "No me llamen al móvil, que estoy trabajando. Le pago el lunes": the word after "no me
/// llamen" asks for a channel or an hour, not for silence.
fn channel_or_hour(next: &str) -> bool {
    matches!(
        next,
        "al" | "a" | "por" | "en" | "antes" | "despues" | "tan" | "durante"
    )
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
        // "pero será el 27" moves a day only when another day was named before it; "dejó la
        // empresa en diciembre" (a preterite) moved nothing.
        if (matches!(word(c.start), "sera" | "seria") && !dates.iter().any(|m| m.end <= c.start))
            || toks
                .get(c.start)
                .is_some_and(|t| t.accent_final && t.text.ends_with('o'))
        {
            return false;
        }
        let target = dates.iter_mut().find(|m| {
            m.start >= c.start
                && m.start <= c.end + 4
                && clause_of(m.start) == clause_of(c.start)
                && m.is_future_day()
                && m.rolled_days_ago.is_none()
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
