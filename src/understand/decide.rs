//! Weighing the signals: one intent, the promised day and amount, ambiguity and evidence.
//!
//! Precedence, highest first: auto-reply text; a dispute with a reason; between "paid" and
//! "promise" the last positive statement wins; a bare refusal ("no debo nada"); opt-out;
//! plans and delays; promises; questions; a bare future date ("Vale, el viernes"); other.

use chrono::NaiveDate;

use crate::understand::amount::{self, AmountMention, PromisedAmount};
use crate::understand::dates::{self, DateMention};
use crate::understand::intent::{self, Intent, Statement, StatementKind};
use crate::understand::lexicon::{self, Cue, CueHit};
use crate::understand::normalise::{Kind, Token};
use crate::understand::{Confidence, Reading};

mod delay;
mod idioms;
mod prepare;
mod promise;
mod shares;
mod signals;

use signals::Signals;

use delay::{delay_names_the_day, delayed_promise};
use idioms::{done_alone, mocked};
use promise::{bare_date_promise, candidates, promise_details};
use shares::split;

/// The auto-reply phrase that decides, if any: one strong phrase or two distinct weak ones.
/// An absence told in the past is a person's ("estuve fuera de la oficina", "I was out of
/// the office", "he estado de baja"): an auto-reply announces one that lasts.
pub(crate) fn auto_reply_cue(cues: &[CueHit], toks: &[Token<'_>]) -> Option<CueHit> {
    let announced = |c: &&CueHit| !told_in_the_past(toks, c.start);
    if let Some(c) = cues
        .iter()
        .filter(announced)
        .find(|c| c.cue == Cue::AutoStrong)
    {
        return Some(*c);
    }
    let mut weak = cues
        .iter()
        .filter(announced)
        .filter(|c| c.cue == Cue::AutoWeak);
    let first = weak.next()?;
    weak.any(|c| c.start >= first.end).then_some(*first)
}

/// «Está», «estará», «anda», «sigue»: someone else is away (see `auto_reply`'s lone weak cue).
const THIRD_PERSON_BE: [&str; 9] = [
    "esta",
    "estan",
    "estara",
    "estaran",
    "anda",
    "andan",
    "sigue",
    "siguen",
    "encuentra",
];

/// A payment verb in the first person: «pago», «hago», «transfiero», «pagamos», «haremos»,
/// «pagué» (folded «pague»: also the subjunctive, which a statement does not carry).
fn first_person(word: &str) -> bool {
    const SINGULAR: [&str; 16] = [
        "pago",
        "hago",
        "transfiero",
        "deposito",
        "ingreso",
        "abono",
        "mando",
        "envio",
        "liquido",
        "cancelo",
        "consigno",
        "pague",
        "hice",
        "transferi",
        "deposite",
        "ingrese",
    ];
    SINGULAR.contains(&word)
        || ["amos", "emos", "imos"]
            .iter()
            .any(|e| word.len() > e.len() + 2 && word.ends_with(e))
}

/// Whether a past form of "to be" comes right before `start` ("estuve | estaba | he estado
/// fuera", "I was | I've been out of the office"), or two words before ("estuve unos días
/// fuera" is not needed: the phrase starts at "fuera de la oficina").
fn told_in_the_past(toks: &[Token<'_>], start: usize) -> bool {
    const WAS: [&str; 12] = [
        "estuve",
        "estuvimos",
        "estaba",
        "estabamos",
        "estado",
        "estuvo",
        "estaban",
        "estuvieron",
        "was",
        "were",
        "been",
        "anduve",
    ];
    (1..=2).any(|b| start >= b && WAS.contains(&toks[start - b].text))
}

/// Words that carry no intent; a short reply made of these and a date is a promise.
const FILLER_WORDS: [&str; 50] = [
    "hola",
    "buenas",
    "buenos",
    "dias",
    "tardes",
    "noches",
    "gracias",
    "muchas",
    "senor",
    "senora",
    "estimado",
    "estimada",
    "estimados",
    "para",
    "por",
    "que",
    "usted",
    "ustedes",
    "nosotros",
    "entonces",
    "bueno",
    "pues",
    "falta",
    "seguro",
    "como",
    "maximo",
    "tardar",
    "factura",
    "facturas",
    "pago",
    "favor",
    "saludos",
    "abrazo",
    "disculpe",
    "perdon",
    "queda",
    "acuerdo",
    "perfecto",
    "listo",
    "claro",
    "vale",
    "okey",
    "dale",
    "mismo",
    "todo",
    "este",
    "esta",
    "sale",
    // "mañana a primera hora".
    "primera",
    "hora",
];

/// Everything found in one reply.
struct Found<'t, 'a> {
    toks: &'t [Token<'a>],
    /// Indices in `dates` of the days that can be promised (see `promise::candidates`),
    /// computed once.
    cands: Vec<usize>,
    /// Tokens inside a date expression.
    taken: Vec<bool>,
    clause: Vec<usize>,
    is_question: Vec<bool>,
    dates: Vec<DateMention>,
    amounts: Vec<AmountMention>,
    cues: Vec<CueHit>,
    stmts: Vec<Statement>,
}

impl Found<'_, '_> {
    /// The days that can be promised, in text order.
    fn candidates(&self) -> Vec<&DateMention> {
        self.cands.iter().map(|&i| &self.dates[i]).collect()
    }

    fn has(&self, cue: Cue) -> bool {
        self.cues.iter().any(|c| c.cue == cue)
    }

    fn first(&self, cue: Cue) -> Option<CueHit> {
        self.cues.iter().find(|c| c.cue == cue).copied()
    }

    fn clause_of(&self, tok: usize) -> usize {
        self.clause.get(tok).copied().unwrap_or(usize::MAX)
    }

    fn positive(&self, kind: StatementKind) -> impl Iterator<Item = &Statement> {
        self.stmts
            .iter()
            .filter(move |s| s.kind == kind && !s.negated)
    }

    /// Clauses holding a positive promise (statement or phrase) or a partial payment.
    fn promise_clauses(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .positive(StatementKind::Promise)
            .map(|s| s.clause)
            .chain(
                self.cues
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.cue,
                            Cue::PromisePhrase | Cue::Partial | Cue::Sure | Cue::Reschedule
                        )
                    })
                    .map(|c| self.clause_of(c.start)),
            )
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Which of `len` tokens the `dates` found take (their numbers are no sums).
fn taken_by(dates: &[DateMention], len: usize) -> Vec<bool> {
    let mut taken = vec![false; len];
    for d in dates {
        for t in taken.iter_mut().take(d.end.min(len)).skip(d.start) {
            *t = true;
        }
    }
    taken
}

/// Whether the tokens of a cleaned reply name a sum of money, with its currency (not a day's
/// number, nor an invoice's).
pub(crate) fn names_a_sum(
    toks: &[Token<'_>],
    today: NaiveDate,
    region: crate::understand::calendar::Region,
) -> bool {
    let dates = dates::find_dates(toks, today, region);
    amount::find_amounts(toks, &taken_by(&dates, toks.len()))
        .iter()
        .any(|a| a.marked && matches!(a.amount, crate::understand::PromisedAmount::Money { .. }))
}

/// Reads the tokens of a cleaned reply.
/// `region`: the client's country as far as dates depend on it (see [`dates::find_dates`]).
pub(crate) fn read(
    cleaned: &str,
    toks: &[Token<'_>],
    today: NaiveDate,
    region: crate::understand::calendar::Region,
) -> Reading {
    let dates = dates::find_dates(toks, today, region);
    let taken = taken_by(&dates, toks.len());
    let amounts = amount::find_amounts(toks, &taken);
    let (clause, is_question) = intent::clauses(toks);
    let mut cues = lexicon::find_cues(toks);
    shares::asked_shares(&amounts, &clause, &is_question, &mut cues);
    let mut dates = dates;
    let mut stmts = intent::statements(toks, &clause, &is_question, &dates);
    prepare::prepare(
        toks,
        &clause,
        &is_question,
        &mut cues,
        &mut stmts,
        &mut dates,
    );
    let mut f = Found {
        toks,
        cands: Vec::new(),
        taken,
        clause,
        is_question,
        dates,
        amounts,
        cues,
        stmts,
    };
    f.cands = candidates(&f);
    let f = f;
    let span = |start: usize, end: usize| -> String {
        match (toks.get(start), toks.get(end.saturating_sub(1))) {
            (Some(a), Some(b)) if b.end >= a.start => cleaned[a.start..b.end].to_string(),
            _ => String::new(),
        }
    };
    let mut d = Decision::default();
    decide(&f, today, &mut d);
    let mut evidence: Vec<String> = d
        .evidence
        .iter()
        .map(|&(a, b)| span(a, b))
        .filter(|s| !s.is_empty())
        .collect();
    let mut seen = Vec::new();
    evidence.retain(|e| {
        let new = !seen.contains(e);
        seen.push(e.clone());
        new
    });
    // «Un pago a cuenta de S/ 2,000 por la PE-2201; el saldo de esa factura y la PE-2214 se
    // cancelarán el 29»: the payment named is a part of the debt whose rest is promised, not
    // an invoice paid beside a promise (read so, the reply went to a person as a mix).
    let remainder = |a: &crate::understand::PromisedAmount| {
        matches!(a, crate::understand::PromisedAmount::Remainder)
    };
    // (A day to come: «un bizum de 200 € esta mañana, el resto cuando pueda» promises no day.)
    let part_of_the_promised = d.intent == Intent::Promise
        && d.date.is_some_and(|day| day > today)
        && f.has(Cue::Partial)
        && f.amounts.iter().any(|a| remainder(&a.amount));
    // What is promised is then the rest, not the part's sum.
    if part_of_the_promised {
        d.amount = Some(crate::understand::PromisedAmount::Remainder);
    }
    let also = detected(&f)
        .into_iter()
        .filter(|i| *i != d.intent && !(part_of_the_promised && *i == Intent::Paid))
        .collect();
    Reading {
        intent: d.intent,
        promised_date: d.date,
        promised_range: d.range.filter(|_| d.date.is_some()),
        promised_amount: d.amount,
        ambiguous: d.ambiguous,
        confidence: d.confidence,
        evidence,
        also,
        cleaned_text: cleaned.to_string(),
    }
}

#[derive(Debug)]
struct Decision {
    intent: Intent,
    date: Option<NaiveDate>,
    range: Option<(NaiveDate, NaiveDate)>,
    amount: Option<PromisedAmount>,
    ambiguous: bool,
    confidence: Confidence,
    evidence: Vec<(usize, usize)>,
}

impl Default for Decision {
    fn default() -> Self {
        Self {
            intent: Intent::Other,
            date: None,
            range: None,
            amount: None,
            ambiguous: false,
            confidence: Confidence::Medium,
            evidence: Vec::new(),
        }
    }
}

impl Decision {
    fn set(&mut self, intent: Intent, confidence: Confidence, hit: Option<(usize, usize)>) {
        self.intent = intent;
        self.confidence = confidence;
        if let Some(h) = hit {
            self.evidence.push(h);
        }
    }
}

fn hit(c: Option<CueHit>) -> Option<(usize, usize)> {
    c.map(|c| (c.start, c.end))
}

/// Every intent with some signal, in precedence order.
fn detected(f: &Found<'_, '_>) -> Vec<Intent> {
    let mut out = Vec::new();
    if auto_reply_cue(&f.cues, f.toks).is_some() {
        out.push(Intent::AutoReply);
    }
    if f.has(Cue::Dispute) || f.has(Cue::DisputeWeak) {
        out.push(Intent::Dispute);
    }
    if f.positive(StatementKind::Paid).next().is_some() || f.has(Cue::PaidProof) {
        out.push(Intent::Paid);
    }
    if f.has(Cue::Stop) || single_word_stop(f.toks) {
        out.push(Intent::Stop);
    }
    if f.has(Cue::Plan) || f.has(Cue::Delay) || f.has(Cue::CantPay) {
        out.push(Intent::Plan);
    }
    if f.positive(StatementKind::Promise).next().is_some()
        || f.has(Cue::PromisePhrase)
        || f.has(Cue::Reschedule)
    {
        out.push(Intent::Promise);
    }
    if f.has(Cue::Question) || f.stmts.iter().any(|s| s.kind == StatementKind::Asks) {
        out.push(Intent::Question);
    }
    out
}

/// "BAJA", "Stop", "Basta": a one-word opt-out.
fn single_word_stop(toks: &[Token<'_>]) -> bool {
    let mut words = toks.iter().filter(|t| t.kind == Kind::Word);
    matches!(
        (words.next(), words.next()),
        (Some(w), None) if matches!(w.text, "baja" | "stop" | "basta" | "unsubscribe")
    )
}

/// Applies the precedence in the module docs, one phase per function; the first phase that
/// recognises the reply decides it.
fn decide(f: &Found<'_, '_>, today: NaiveDate, d: &mut Decision) {
    let s = Signals::of(f);
    if auto_reply(f, &s, d) || strong_dispute(f, d) {
        return;
    }
    if paid(f, &s, d) || weak_dispute(f, &s, d) || stop(f, &s, d) || plan(f, today, &s, d) {
        return;
    }
    if mocked(f) {
        // "Jaja sí, te pago cuando San Lorenzo salga campeón": a joke, not a promise.
        d.set(Intent::Other, Confidence::Medium, None);
        return;
    }
    if promise(f, today, &s, d) {
        no_money_until(f, d);
        return;
    }
    if cannot_pay(f, d) || question(f, d) {
        return;
    }
    if bare_date_promise(f) {
        bare_promise(f, today, d);
        return;
    }
    if done_alone(f) {
        d.set(Intent::Paid, Confidence::Medium, Some((0, 1)));
        return;
    }
    if f.has(Cue::NonPay) {
        // "Le escribo el jueves, ¿qué tal?": a non-payment action, not a question.
        d.set(Intent::Other, Confidence::Medium, hit(f.first(Cue::NonPay)));
        return;
    }
    if f.is_question.iter().any(|q| *q) {
        let q = f.toks.iter().position(|t| t.text == "?" || t.text == "¿");
        d.set(Intent::Question, Confidence::Low, q.map(|p| (p, p + 1)));
        return;
    }
    d.set(Intent::Other, Confidence::Medium, None);
}

/// Auto-reply text decides unless a person also speaks of paying or asks us something; one
/// weak cue is enough when nothing else is said ("Estaré ausente hasta el lunes 23.").
fn auto_reply(f: &Found<'_, '_>, s: &Signals<'_>, d: &mut Decision) -> bool {
    let pays = s.pays();
    // "Estaré fuera de la oficina hasta el jueves. ¿Me reenvía la factura?": a person asking.
    if f.has(Cue::Question) && f.is_question.iter().any(|q| *q) {
        return false;
    }
    if let Some(c) = auto_reply_cue(&f.cues, f.toks) {
        let strong = c.cue == Cue::AutoStrong;
        // «Estoy fuera de la oficina, pero le pago el viernes»: a person, whose "but" turns
        // from the absence to the payment.
        let but = (c.end..f.toks.len())
            .take_while(|&i| s.last_paid.max(s.last_promise).is_some_and(|p| i < p.0))
            .any(|i| {
                matches!(
                    f.toks[i].text,
                    "pero" | "but" | "igualmente" | "aun" | "aunque"
                )
            });
        // «Estaré fuera hasta el lunes 14, ese día le hago la transferencia»: a person's own
        // payment, said in the first person after the absence (an auto-reply tells of its
        // writer's absence, never of a payment the writer makes).
        let mine = [StatementKind::Promise, StatementKind::Paid]
            .into_iter()
            .flat_map(|k| f.positive(k))
            .filter(|st| st.start >= c.end && !st.hedged)
            .any(|st| (st.start..st.end).any(|i| first_person(f.toks[i].text)));
        // «Respuesta automática» says itself what it is.
        let says_automatic = (c.start..c.end).any(|i| {
            let w = f.toks[i].text;
            w.starts_with("automati") || w.starts_with("autorespu") || w == "autoreply"
        });
        if !pays || (strong && !but && (!mine || says_automatic)) {
            let conf = if strong {
                Confidence::High
            } else {
                Confidence::Medium
            };
            d.set(Intent::AutoReply, conf, hit(Some(c)));
            return true;
        }
        return false;
    }
    // "Estoy de vacaciones hasta el 10" is the absence the auto-reply announces, not an
    // action of a person's.
    let auto_words = |c: &CueHit| {
        f.cues
            .iter()
            .any(|a| a.cue == Cue::AutoWeak && a.start < c.end && c.start < a.end)
    };
    let alone = detected(f).is_empty()
        && !f
            .cues
            .iter()
            .any(|c| c.cue == Cue::NonPay && !auto_words(c));
    // «Mi jefe está de vacaciones hasta el 7 de enero y es quien firma los pagos»: someone
    // else's absence, told by a person (probe31 W03: taken for an auto-reply, nobody read it).
    let someone_else = |c: &CueHit| {
        (1..=2).any(|b| {
            c.start
                .checked_sub(b)
                .is_some_and(|i| THIRD_PERSON_BE.contains(&f.toks[i].text))
        })
    };
    let weak = f
        .cues
        .iter()
        .find(|c| c.cue == Cue::AutoWeak && !told_in_the_past(f.toks, c.start) && !someone_else(c));
    if let Some(&c) = weak.filter(|_| !pays && alone) {
        d.set(Intent::AutoReply, Confidence::Medium, hit(Some(c)));
        return true;
    }
    false
}

fn strong_dispute(f: &Found<'_, '_>, d: &mut Decision) -> bool {
    let Some(c) = f.first(Cue::Dispute) else {
        return false;
    };
    d.set(Intent::Dispute, Confidence::High, hit(Some(c)));
    true
}

/// Between "paid" and "promise" the last positive statement wins.
fn paid(f: &Found<'_, '_>, s: &Signals<'_>, d: &mut Decision) -> bool {
    let Some(paid) = s.last_paid else {
        return false;
    };
    let plan_after = f
        .cues
        .iter()
        .any(|c| matches!(c.cue, Cue::Plan | Cue::Delay) && c.start > paid.1);
    // «Ya fue cancelada mediante depósito el 8 de octubre», said on the 14th: a promise whose
    // only days are ones just gone by (rolled to next year) tells when it was paid.
    let only_gone_by = {
        let days = f.candidates();
        !days.is_empty()
            && days
                .iter()
                .all(|m| m.rolled_days_ago.is_some_and(|a| a <= 90))
    };
    let promise_after = s.last_promise.is_some_and(|p| p.0 > paid.0) && !only_gone_by;
    // «hoy se hizo un depósito como abono a la MXC-77; el resto se lo liquidamos el viernes 23.
    // Anexo comprobante»: the proof is of the part paid; the rest is promised, for a day to
    // come (read as paid, the rest's day was lost and the reminders stopped for good).
    let rest_promised = s.last_promise.is_some()
        && f.amounts
            .iter()
            .any(|a| matches!(a.amount, crate::understand::PromisedAmount::Remainder))
        && f.candidates()
            .iter()
            .any(|m| m.is_future_day() && !m.negated);
    if plan_after || promise_after || rest_promised {
        return false;
    }
    if let Some(day) = post_dated(f, paid) {
        // «Le dejé un cheque que vence el 15»: the money is there on the cheque's day.
        d.set(Intent::Promise, Confidence::High, Some(paid));
        d.date = Some(day);
        return true;
    }
    let guessed = f.positive(StatementKind::Paid).all(|s| s.guessed);
    let (believed, checking) = belief(f, paid);
    if believed && checking {
        // «Creo que ya lo pagamos el mes pasado, revísalo», «pensaba que ya la habíamos
        // pagado, déjeme comprobarlo»: the client is not sure and will look; a person reads.
        d.set(Intent::Other, Confidence::Medium, Some(paid));
        return true;
    }
    let conf = if guessed || believed {
        Confidence::Medium
    } else {
        Confidence::High
    };
    d.set(Intent::Paid, conf, Some(paid));
    d.ambiguous = s.last_promise.is_some();
    true
}

/// «Le dejé un cheque que vence el 15», «ya les enviamos un pagaré con vencimiento
/// 30/01/2027», «le mandé un cheque a fecha 20 de diciembre», «un cheque diferido al 5 de
/// enero»: a cheque or promissory note handed over is paid on the day it can be cashed, when
/// the reply names that day (a maturity word right before a day to come, the document a few
/// words before it). «Le mandé el cheque por correo el martes» names no maturity.
fn post_dated(f: &Found<'_, '_>, paid: (usize, usize)) -> Option<NaiveDate> {
    const DOCUMENT: [&str; 5] = ["cheque", "cheques", "pagare", "pagares", "confirming"];
    const MATURITY: [&str; 9] = [
        "vence",
        "vencen",
        "vencimiento",
        "fecha",
        "posfechado",
        "diferido",
        "cobrar",
        "cobro",
        "cobrarlo",
    ];
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    let near_document = (paid.0.saturating_sub(2)..paid.1 + 8).any(|i| DOCUMENT.contains(&word(i)));
    if !near_document {
        return None;
    }
    f.dates
        .iter()
        .filter(|m| m.is_future_day() && !m.negated && m.rolled_days_ago.is_none_or(|a| a > 90))
        .find(|m| {
            (1..=3).any(|b| m.start >= b && MATURITY.contains(&word(m.start - b)))
                && (1..=10).any(|b| m.start >= b && DOCUMENT.contains(&word(m.start - b)))
        })
        .and_then(|m| m.date)
}

/// Whether the payment at `paid` is only believed («creo que», «pensaba que», «me parece
/// que» before it, in its clause), and whether the reply says it will be checked.
fn belief(f: &Found<'_, '_>, paid: (usize, usize)) -> (bool, bool) {
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    let clause = f.clause_of(paid.0);
    let believed = (paid.0.saturating_sub(6)..paid.0)
        .filter(|&i| f.clause_of(i) == clause)
        .any(|i| BELIEFS.contains(&word(i)) && matches!(word(i + 1), "que" | "ya"));
    let checking = (0..f.toks.len()).any(|i| CHECKS.contains(&word(i)));
    (believed, checking)
}

/// «creo que ya…», «pensaba que…», «juraría que…».
const BELIEFS: [&str; 9] = [
    "creo",
    "creemos",
    "pensaba",
    "pensabamos",
    "parece",
    "juraria",
    "supongo",
    "suponemos",
    "entiendo",
];

/// «lo reviso», «déjeme comprobarlo», «revísalo», «voy a verificarlo».
const CHECKS: [&str; 18] = [
    "reviso",
    "revisamos",
    "revisalo",
    "revisala",
    "revisar",
    "compruebo",
    "comprobamos",
    "comprobar",
    "compruebalo",
    "verifico",
    "verificamos",
    "verificar",
    "verificalo",
    "chequeo",
    "checo",
    "checar",
    "chequear",
    "confirmo",
];

/// "No debo nada", "no voy a pagar": a refusal, unless a dated promise follows it.
fn weak_dispute(f: &Found<'_, '_>, s: &Signals<'_>, d: &mut Decision) -> bool {
    let dated_promise = !s.promises.is_empty() && f.candidates().iter().any(|m| !m.weak);
    // "No le voy a pagar el viernes, sino el lunes": the refusal is of a day, corrected;
    // "no voy a pagar hoy porque no tengo dinero" is hardship (a plan), not a refusal.
    let corrected = |c: &CueHit| {
        f.dates
            .iter()
            .any(|m| m.preferred && m.start > c.end && m.is_future_day() && !m.negated)
    };
    // «No pago esa factura hasta el viernes»: a day to pay from, not a refusal.
    let until_a_day = |c: &CueHit| {
        f.toks.get(c.end).is_some_and(|t| t.text == "hasta")
            && f.dates
                .iter()
                .any(|m| m.start <= c.end + 1 && m.end > c.end && m.is_future_day())
    };
    match f.first(Cue::DisputeWeak) {
        Some(c)
            if !(dated_promise && s.last_promise.is_some_and(|p| p.0 > c.start)
                || corrected(&c)
                || until_a_day(&c)
                || f.has(Cue::CantPay)) =>
        {
            d.set(Intent::Dispute, Confidence::Medium, hit(Some(c)));
            true
        }
        _ => false,
    }
}

fn stop(f: &Found<'_, '_>, s: &Signals<'_>, d: &mut Decision) -> bool {
    if let Some(c) = f.first(Cue::Stop) {
        d.set(Intent::Stop, Confidence::High, hit(Some(c)));
        d.ambiguous = s.pays();
        return true;
    }
    if single_word_stop(f.toks) {
        d.set(Intent::Stop, Confidence::High, Some((0, f.toks.len())));
        return true;
    }
    false
}

/// Plans: an explicit request, or a promise of part of the amount. A stated schedule keeps
/// its first dated payment; a request ("¿podría pagar 300 este mes y el resto en febrero?")
/// names no promised day. A request for time alone that names the day is a promise.
fn plan(f: &Found<'_, '_>, today: NaiveDate, s: &Signals<'_>, d: &mut Decision) -> bool {
    let cands = f.candidates();
    let distinct_days = days_of(&cands).len();
    // "el resto" alone with one day is the last payment of a plan already under way.
    let partial = f
        .cues
        .iter()
        .find(|c| {
            c.cue == Cue::Partial
                && !(matches!(f.toks[c.start].text, "el" | "lo")
                    && distinct_days <= 1
                    && !cands.iter().any(|m| m.weak)
                    && f.is_question.get(f.clause_of(c.start)) != Some(&true))
        })
        .copied()
        .filter(|_| s.last_promise.is_some() && s.last_paid.is_none());
    let several_sums = f.amounts.iter().filter(|a| a.marked).count() >= 2
        && cands.iter().filter(|m| !m.alternative).count() >= 2;
    // "propongo pagar 400 € ahora y 400 € en abril": a proposal of sums with a day to come
    // is a plan request even when the days are too vague to promise.
    let proposal = f.amounts.iter().filter(|a| a.marked).count() >= 2
        && f.dates.iter().any(DateMention::is_future_day);
    let sums = if several_sums {
        f.first(Cue::Partial)
    } else {
        None
    }
    .or_else(|| f.first(Cue::PlanRequest).filter(|_| proposal));
    let split = split(f).filter(|_| s.last_paid.is_none());
    let delay = f.first(Cue::Delay);
    let Some(c) = f.first(Cue::Plan).or(partial).or(sums).or(split).or(delay) else {
        return false;
    };
    if c.cue == Cue::Delay && delay_names_the_day(f, s) {
        return delayed_promise(f, today, s, d, c);
    }
    if now_and_the_rest(f, today, &cands) {
        d.set(Intent::Promise, Confidence::High, hit(Some(c)));
        if let Some(p) = s.promises.first() {
            d.evidence.push((p.start, p.end));
        }
        promise_details(f, today, d, false);
        d.amount = Some(crate::understand::PromisedAmount::Remainder);
        return true;
    }
    d.set(Intent::Plan, Confidence::High, hit(Some(c)));
    if let Some(p) = s.promises.first() {
        d.evidence.push((p.start, p.end));
    }
    promise_details(f, today, d, true);
    let asked = f.has(Cue::PlanRequest)
        || f.is_question.get(f.clause_of(c.start)) == Some(&true)
        || f.cues
            .iter()
            .filter(|c| matches!(c.cue, Cue::Plan | Cue::Delay | Cue::Partial))
            .any(|c| f.is_question.get(f.clause_of(c.start)) == Some(&true));
    // "¿me puede esperar hasta el 15?" asks for one day: that day is kept.
    let until_one_day = d.date.is_some()
        && !f.has(Cue::Partial)
        && cands
            .iter()
            .any(|m| m.date == d.date && f.toks[m.start].text == "hasta");
    if asked && !until_one_day {
        d.date = None;
        d.range = None;
        d.ambiguous = true;
    }
    // "necesito unos días más, el lunes mi contador le escribe": a request for time whose
    // day is not the payment's (see `delay_names_the_day`) promises no day; nor does a
    // schedule whose first share has none ("la mitad por ahora, la otra mitad el mes que
    // viene").
    if c.cue == Cue::Delay || first_share_undated(f, &cands) {
        d.date = None;
        d.range = None;
    }
    true
}

/// «Le yapeo 150 soles hoy y el saldo el lunes», «le doy $300 ahorita y el resto el 30», «hoy
/// hacemos un pago parcial y el saldo lo cancelamos el viernes 23»: a part now and the rest on
/// one later day, stated (not asked), is a promise to have paid it all by that day (what four
/// blind testers expected: the reminders pause until then; a plan would hold them until a
/// person acts). A schedule of later days («300 el viernes y el resto el 15») stays a plan.
fn now_and_the_rest(f: &Found<'_, '_>, today: NaiveDate, cands: &[&DateMention]) -> bool {
    let days = days_of(cands);
    let rest = f
        .cues
        .iter()
        .any(|c| c.cue == Cue::Partial && matches!(f.toks[c.start].text, "el" | "lo" | "la"))
        || f.amounts
            .iter()
            .any(|a| matches!(a.amount, crate::understand::PromisedAmount::Remainder));
    let asked = f.has(Cue::PlanRequest) || f.is_question.iter().any(|q| *q);
    matches!(days.as_slice(), [first, last] if *first <= today && *last > today)
        && rest
        && !asked
        && !cands.iter().any(|m| m.alternative)
}

/// The different days `cands` name, in order.
fn days_of(cands: &[&DateMention]) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = cands.iter().filter_map(|m| m.date).collect();
    days.sort_unstable();
    days.dedup();
    days
}

/// Two shares ("la mitad ... la otra mitad") with no day between them: the first is undated.
fn first_share_undated(f: &Found<'_, '_>, cands: &[&DateMention]) -> bool {
    let mut parts = f.cues.iter().filter(|c| c.cue == Cue::Partial);
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) => !cands.iter().any(|m| m.start >= a.end && m.end <= b.start),
        _ => false,
    }
}

fn promise(f: &Found<'_, '_>, today: NaiveDate, s: &Signals<'_>, d: &mut Decision) -> bool {
    let Some(p) = s.last_promise else {
        return false;
    };
    let dated_promise = !s.promises.is_empty() && f.candidates().iter().any(|m| !m.weak);
    let hedged = !s.promises.is_empty()
        && s.promises.iter().all(|s| s.hedged || s.guessed)
        && !f.has(Cue::Sure)
        || f.has(Cue::Hedge);
    // "¿Me puede enviar el número de cuenta? Quiero pagarle por ACH.": a wish to pay with no
    // day, said to ask how, is the question.
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    let wish = |st: &&Statement| {
        WISHES.contains(&word(st.start.wrapping_sub(1)))
            || matches!(word(st.start.wrapping_sub(1)), "le" | "te" | "les" | "os")
                && WISHES.contains(&word(st.start.wrapping_sub(2)))
    };
    let only_wishes = !s.promises.is_empty()
        && s.promises.iter().all(wish)
        && !f.has(Cue::PromisePhrase)
        && !f.has(Cue::Reschedule);
    if !dated_promise && only_wishes && f.has(Cue::Question) {
        return false;
    }
    if !s.promises.is_empty() && s.promises.iter().all(|st| on_our_answer(f, st)) {
        return false;
    }
    d.set(Intent::Promise, Confidence::High, Some(p));
    if f.has(Cue::CantPay) && !dated_promise && !f.has(Cue::Reschedule) {
        // "no puedo pagar ahora, le pago cuando pueda": a request for time.
        d.set(Intent::Plan, Confidence::Medium, hit(f.first(Cue::CantPay)));
    }
    promise_details(f, today, d, d.intent == Intent::Plan);
    // «Le yapeo 150 soles hoy y el saldo el lunes»: Monday's payment is the rest, not 150.
    if d.intent == Intent::Promise && now_and_the_rest(f, today, &f.candidates()) {
        d.amount = Some(crate::understand::PromisedAmount::Remainder);
    }
    // "calculo que la semana que viene, pero no te prometo nada": the promise taken back
    // after it is made promises no day ("no le prometo nada para esta semana, pero el lunes
    // le pago" keeps its Monday).
    if f.cues
        .iter()
        .any(|c| c.cue == Cue::Disclaim && c.start > p.0)
    {
        d.date = None;
        d.range = None;
        d.confidence = Confidence::Medium;
    }
    // A payment told beside a promise makes the promise doubtful («ya pagué, le pago el
    // viernes»: which is it?), unless the promise is of what is left after it («ya pagué la
    // mitad, el resto el viernes 18»: one story, a firm day).
    let paid_before_the_rest = s.last_paid.is_some_and(|paid| paid.0 < p.0)
        && matches!(d.amount, Some(crate::understand::PromisedAmount::Remainder));
    let paid_beside = s.last_paid.is_some() && !paid_before_the_rest;
    // «Le pago el 31 de noviembre»: which day was meant is for the client to say.
    d.ambiguous |= hedged || paid_beside || f.dates.iter().any(|m| m.slip);
    if d.ambiguous {
        d.confidence = Confidence::Medium;
    }
    true
}

/// «¿Aceptan tarjeta? Así pago hoy mismo», «¿Nos hacen un descuento? Si nos dejan en 3.200
/// pagamos esta semana», «Si me hacéis un descuento lo pago mañana»: a payment that waits for
/// our answer to the client's question or offer (what a person must answer; no day is
/// promised yet).
fn on_our_answer(f: &Found<'_, '_>, st: &Statement) -> bool {
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    let clause = f.clause_of(st.start);
    let in_clause = |i: usize| f.clause_of(i) == clause;
    let from = (0..st.start)
        .rev()
        .take_while(|&i| in_clause(i))
        .last()
        .unwrap_or(st.start);
    let to = (st.end..f.toks.len())
        .take_while(|&i| in_clause(i))
        .last()
        .map_or(st.end, |i| i + 1);
    // «si nos dejan en 3.200», «lo pago mañana si me quitáis el recargo».
    let if_we_let = |range: std::ops::Range<usize>| {
        range.clone().any(|i| {
            word(i) == "si"
                && (i + 1..(i + 4).min(range.end)).any(|k| {
                    matches!(word(k), "me" | "nos" | "le" | "les" | "te" | "os")
                        && LETTING.contains(&word(k + 1))
                })
        })
    };
    // Without a question before it, only a concession asked for is an offer: «si me da
    // tiempo, le pago el viernes» is the writer's own time.
    let concession = |range: std::ops::Range<usize>| {
        range.clone().any(|i| {
            CONCESSIONS.contains(&word(i))
                || matches!(word(i), "dejan" | "dejais" | "deja" | "dejas") && word(i + 1) == "en"
        }) && if_we_let(range)
    };
    if concession(from..st.start) || concession(st.end..to) {
        return true;
    }
    let asked_before = (0..st.start)
        .any(|i| f.is_question.get(f.clause_of(i)).copied().unwrap_or(false) && !in_clause(i));
    let so = word(from) == "asi" || word(from) == "y" && word(from + 1) == "asi";
    // «¿La factura incluye el desplazamiento? Si es así, la pagamos el lunes»: the payment
    // waits for our answer.
    let if_yes = (from..st.start).any(|i| {
        let w = |k: usize| word(i + k);
        w(0) == "si"
            && matches!(w(1), "es" | "fuera" | "fuese")
            && matches!(w(2), "asi" | "correcto" | "cierto")
            || w(0) == "de" && w(1) == "ser" && matches!(w(2), "asi" | "correcto" | "cierto")
            || w(0) == "en" && matches!(w(1), "ese" | "tal") && w(2) == "caso"
            || w(0) == "si"
                && matches!(w(1), "me" | "nos")
                && w(2) == "lo"
                && w(3).starts_with("confirm")
    });
    asked_before && (so || if_yes || if_we_let(from..st.start))
}

/// What a client may ask the creditor to give up before paying.
const CONCESSIONS: [&str; 12] = [
    "descuento",
    "descuentito",
    "rebaja",
    "rebajita",
    "quita",
    "intereses",
    "recargo",
    "recargos",
    "mora",
    "condonan",
    "condonais",
    "perdonais",
];

/// What the creditor may grant: «si nos dejan en 3.200», «si me hacen el descuento» (usted,
/// ustedes, vosotros, tú).
const LETTING: [&str; 34] = [
    "dejan",
    "deja",
    "hacen",
    "hace",
    "aceptan",
    "acepta",
    "rebajan",
    "rebaja",
    "descuentan",
    "descuenta",
    "quitan",
    "quita",
    "aplican",
    "aplica",
    "condonan",
    "perdonan",
    "respetan",
    "mantienen",
    "dan",
    "da",
    "haceis",
    "haces",
    "dejais",
    "dejas",
    "rebajais",
    "rebajas",
    "descontais",
    "descuentas",
    "quitais",
    "quitas",
    "aplicais",
    "aplicas",
    "dais",
    "das",
];

/// "Quiero pagarle", "deseamos pagar": a wish to pay, not yet a commitment.
const WISHES: [&str; 6] = [
    "quiero",
    "queremos",
    "quisiera",
    "quisieramos",
    "deseo",
    "deseamos",
];

/// «Le pagaría el viernes pero no tengo fondos hasta el 20»: the day the client says they
/// cannot pay before comes after the day promised, so that later day is the promise, to be
/// confirmed (probe29 H02: Friday was taken, and the reminders came back before the 20th).
fn no_money_until(f: &Found<'_, '_>, d: &mut Decision) {
    let (Intent::Promise, Some(promised)) = (d.intent, d.date) else {
        return;
    };
    let Some(cant) = f.first(Cue::CantPay) else {
        return;
    };
    let until = f.dates.iter().find(|m| {
        m.start >= cant.end
            && m.is_future_day()
            && !m.negated
            && (f.toks[m.start].text == "hasta"
                || m.start > 0 && f.toks[m.start - 1].text == "hasta")
    });
    if let Some(m) = until
        && m.date.is_some_and(|later| later > promised)
    {
        d.evidence.push((m.start, m.end));
        d.date = m.date;
        d.range = m.range;
        d.ambiguous = true;
    }
}

/// "No puedo pagar hasta el 15": the day they can is the promise; otherwise a plan.
fn cannot_pay(f: &Found<'_, '_>, d: &mut Decision) -> bool {
    let cant = f.first(Cue::CantPay).or_else(|| {
        f.stmts
            .iter()
            .find(|s| s.kind == StatementKind::Promise && s.negated)
            .map(|s| lexicon::CueHit {
                cue: Cue::CantPay,
                start: s.start,
                end: s.end,
            })
    });
    let until = f
        .dates
        .iter()
        .find(|m| {
            m.is_future_day()
                && !m.negated
                && (m.from_on
                    || m.preferred
                    || f.toks[m.start].text == "hasta"
                    // «Hasta después de Reyes no puedo».
                    || m.start > 0 && f.toks[m.start - 1].text == "hasta")
        })
        .or_else(|| {
            // "no podré pagar hasta que cobre, el día 30": the day the condition is met.
            f.dates.iter().find(|m| {
                m.is_future_day() && !m.negated && !m.weak && after_until_that(f, m.start)
            })
        });
    // "Hasta el lunes no tengo": the day they can pay from, without a payment verb.
    let cant = cant.or_else(|| {
        until.filter(|m| m.from_on).map(|m| lexicon::CueHit {
            cue: Cue::CantPay,
            start: m.start,
            end: m.end,
        })
    });
    // «No he podido pagar aún, la semana que viene»: a payment not made yet, then a day.
    let not_yet = f
        .stmts
        .iter()
        .find(|s| s.kind == StatementKind::Paid && s.negated)
        .map(|s| (s.start, s.end));
    let Some(after) = cant.map(|c| c.end).or(not_yet.map(|s| s.1)) else {
        return false;
    };
    // «Aún no tengo el dinero, el viernes», «Imposible pagar antes del 20. El 21 sin
    // falta.»: the day said on its own after the difficulty is the one offered.
    let offered = f
        .dates
        .iter()
        .filter(|m| m.start >= after && m.is_future_day() && !m.negated && !m.weak)
        .rfind(|m| !m.reference && promise::stands_alone(f, m));
    if let (None, Some((start, end)), Some(m)) = (cant, not_yet, offered) {
        d.set(Intent::Promise, Confidence::Medium, Some((start, end)));
        d.evidence.push((m.start, m.end));
        d.date = m.date;
        d.range = m.range;
        d.ambiguous = m.vague || m.shifted;
        return true;
    }
    let Some(c) = cant else {
        return false;
    };
    if let Some(m) = offered.or(until) {
        d.set(Intent::Promise, Confidence::Medium, hit(Some(c)));
        d.evidence.push((m.start, m.end));
        d.date = m.date;
        d.range = m.range;
        d.ambiguous = m.vague || m.shifted;
        return true;
    }
    if f.first(Cue::CantPay).is_some() {
        d.set(Intent::Plan, Confidence::Medium, hit(Some(c)));
        return true;
    }
    false
}

/// "hasta que cobre, el día 30": "hasta que" among the six tokens before `start`, in its
/// clause.
fn after_until_that(f: &Found<'_, '_>, start: usize) -> bool {
    (start.saturating_sub(6)..start).any(|k| {
        f.toks[k].text == "hasta"
            && f.toks.get(k + 1).is_some_and(|t| t.text == "que")
            && f.clause_of(k) == f.clause_of(start)
    })
}

fn question(f: &Found<'_, '_>, d: &mut Decision) -> bool {
    if let Some(c) = f.first(Cue::Question) {
        d.set(Intent::Question, Confidence::High, hit(Some(c)));
        return true;
    }
    if let Some(s) = f.stmts.iter().find(|s| s.kind == StatementKind::Asks) {
        d.set(Intent::Question, Confidence::High, Some((s.start, s.end)));
        return true;
    }
    false
}

/// "Vale, el viernes": a promise read from a day alone, confirmed by agreement words.
fn bare_promise(f: &Found<'_, '_>, today: NaiveDate, d: &mut Decision) {
    d.set(Intent::Promise, Confidence::Low, None);
    promise_details(f, today, d, false);
    let sure = f.has(Cue::Sure) || f.has(Cue::Agree) || f.has(Cue::Correction);
    d.ambiguous |= !sure;
    if let Some(c) = f
        .first(Cue::Sure)
        .or(f.first(Cue::Agree))
        .or(f.first(Cue::Correction))
    {
        d.evidence.insert(0, (c.start, c.end));
        d.confidence = if d.ambiguous {
            Confidence::Medium
        } else {
            Confidence::High
        };
    }
}
