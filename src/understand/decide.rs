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

/// The auto-reply phrase that decides, if any: one strong phrase or two distinct weak ones.
pub(crate) fn auto_reply_cue(cues: &[CueHit]) -> Option<CueHit> {
    if let Some(c) = cues.iter().find(|c| c.cue == Cue::AutoStrong) {
        return Some(*c);
    }
    let mut weak = cues.iter().filter(|c| c.cue == Cue::AutoWeak);
    let first = weak.next()?;
    weak.any(|c| c.start >= first.end).then_some(*first)
}

/// Words that carry no intent; a short reply made of these and a date is a promise.
const FILLER_WORDS: [&str; 48] = [
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
];

/// Everything found in one reply.
struct Found<'t, 'a> {
    toks: &'t [Token<'a>],
    clause: Vec<usize>,
    is_question: Vec<bool>,
    dates: Vec<DateMention>,
    amounts: Vec<AmountMention>,
    cues: Vec<CueHit>,
    stmts: Vec<Statement>,
}

impl Found<'_, '_> {
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
                    .filter(|c| matches!(c.cue, Cue::PromisePhrase | Cue::Partial | Cue::Sure))
                    .map(|c| self.clause_of(c.start)),
            )
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Reads the tokens of a cleaned reply.
pub(crate) fn read(cleaned: &str, toks: &[Token<'_>], today: NaiveDate) -> Reading {
    let dates = dates::find_dates(toks, today);
    let mut taken = vec![false; toks.len()];
    for d in &dates {
        for t in taken.iter_mut().take(d.end.min(toks.len())).skip(d.start) {
            *t = true;
        }
    }
    let amounts = amount::find_amounts(toks, &taken);
    let (clause, is_question) = intent::clauses(toks);
    let cues = lexicon::find_cues(toks);
    let mut stmts = intent::statements(toks, &clause, &is_question, &dates);
    // "¿A qué cuenta le deposito?": a payment verb inside a question about how to pay.
    for s in &mut stmts {
        let asks_how = cues
            .iter()
            .any(|c| c.cue == Cue::Question && clause.get(c.start) == Some(&s.clause));
        if s.kind == StatementKind::Promise && is_question[s.clause] && asks_how {
            s.kind = StatementKind::Asks;
        }
    }
    let mut cues = cues;
    // "le mando el comprobante" after a promise is a proof still to come, not a payment.
    let promised = stmts
        .iter()
        .any(|s| s.kind == StatementKind::Promise && !s.negated);
    cues.retain(|c| {
        !(promised
            && c.cue == Cue::PaidProof
            && toks.get(c.start).is_some_and(|t| {
                matches!(t.text, "envio" | "mando" | "paso" | "remito" | "comparto")
            }))
    });
    let f = Found {
        toks,
        clause,
        is_question,
        dates,
        amounts,
        cues,
        stmts,
    };
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
    let also = detected(&f)
        .into_iter()
        .filter(|i| *i != d.intent)
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
    if auto_reply_cue(&f.cues).is_some() {
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
    if f.has(Cue::Plan) || f.has(Cue::CantPay) {
        out.push(Intent::Plan);
    }
    if f.positive(StatementKind::Promise).next().is_some() || f.has(Cue::PromisePhrase) {
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

fn decide(f: &Found<'_, '_>, today: NaiveDate, d: &mut Decision) {
    if let Some(c) = auto_reply_cue(&f.cues) {
        let strong = c.cue == Cue::AutoStrong;
        let pays = f.positive(StatementKind::Promise).next().is_some()
            || f.positive(StatementKind::Paid).next().is_some();
        if strong || !pays {
            let conf = if strong {
                Confidence::High
            } else {
                Confidence::Medium
            };
            d.set(Intent::AutoReply, conf, hit(Some(c)));
            return;
        }
    }
    if let Some(c) = f.first(Cue::Dispute) {
        d.set(Intent::Dispute, Confidence::High, hit(Some(c)));
        return;
    }
    let last_paid = f
        .positive(StatementKind::Paid)
        .map(|s| (s.start, s.end))
        .chain(
            f.cues
                .iter()
                .filter(|c| c.cue == Cue::PaidProof)
                .map(|c| (c.start, c.end)),
        )
        .max();
    let promises: Vec<&Statement> = f.positive(StatementKind::Promise).collect();
    let last_promise = promises
        .iter()
        .map(|s| (s.start, s.end))
        .chain(
            f.cues
                .iter()
                .filter(|c| c.cue == Cue::PromisePhrase)
                .map(|c| (c.start, c.end)),
        )
        .max();
    // "Le he ingresado 300, el resto la semana que viene": the rest is promised.
    let rest_promised = last_paid.and_then(|paid| {
        f.cues
            .iter()
            .filter(|c| c.cue == Cue::Partial && c.start >= paid.1)
            .find(|c| {
                candidates(f)
                    .iter()
                    .any(|m| f.clause_of(m.start) == f.clause_of(c.start) && !m.weak)
            })
            .map(|c| (c.start, c.end))
    });
    let last_promise = last_promise.max(rest_promised);
    if let Some(paid) = last_paid {
        let plan_after = f
            .cues
            .iter()
            .any(|c| c.cue == Cue::Plan && c.start > paid.1);
        let promise_after = last_promise.is_some_and(|p| p.0 > paid.0);
        if !plan_after && !promise_after {
            let guessed = f.positive(StatementKind::Paid).all(|s| s.guessed);
            let conf = if guessed {
                Confidence::Medium
            } else {
                Confidence::High
            };
            d.set(Intent::Paid, conf, Some(paid));
            d.ambiguous = last_promise.is_some();
            return;
        }
    }
    let dated_promise = !promises.is_empty() && candidates(f).iter().any(|m| !m.weak);
    if let Some(c) = f.first(Cue::DisputeWeak)
        && !(dated_promise && last_promise.is_some_and(|p| p.0 > c.start))
    {
        d.set(Intent::Dispute, Confidence::Medium, hit(Some(c)));
        return;
    }
    if let Some(c) = f.first(Cue::Stop) {
        d.set(Intent::Stop, Confidence::High, hit(Some(c)));
        d.ambiguous = last_promise.is_some() || last_paid.is_some();
        return;
    }
    if single_word_stop(f.toks) {
        d.set(Intent::Stop, Confidence::High, Some((0, f.toks.len())));
        return;
    }
    let partial = f
        .first(Cue::Partial)
        .filter(|_| last_promise.is_some() && last_paid.is_none());
    let several_sums = f.amounts.iter().filter(|a| a.marked).count() >= 2
        && candidates(f).iter().filter(|m| !m.alternative).count() >= 2;
    if let Some(c) = f.first(Cue::Plan).or(partial).or(if several_sums {
        f.first(Cue::Partial)
    } else {
        None
    }) {
        d.set(Intent::Plan, Confidence::High, hit(Some(c)));
        if let Some(p) = promises.first() {
            d.evidence.push((p.start, p.end));
        }
        promise_details(f, today, d, true);
        return;
    }
    if last_promise.is_some() {
        let hedged = promises.iter().all(|s| s.hedged || s.guessed) && !f.has(Cue::Sure)
            || f.has(Cue::Hedge);
        if let Some(p) = last_promise {
            d.set(Intent::Promise, Confidence::High, Some(p));
        }
        if f.has(Cue::CantPay) && !dated_promise {
            // "no puedo pagar ahora, le pago cuando pueda": a request for time.
            d.set(Intent::Plan, Confidence::Medium, hit(f.first(Cue::CantPay)));
        }
        promise_details(f, today, d, d.intent == Intent::Plan);
        if hedged {
            d.ambiguous = true;
        }
        if last_paid.is_some() {
            d.ambiguous = true;
        }
        if d.ambiguous {
            d.confidence = Confidence::Medium;
        }
        return;
    }
    // "No puedo pagar hasta el 15": the day they can is the promise.
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
    if let Some(c) = cant {
        let until = f
            .dates
            .iter()
            .find(|m| m.is_future_day() && !m.negated && f.toks[m.start].text == "hasta");
        if let Some(m) = until {
            d.set(Intent::Promise, Confidence::Medium, hit(Some(c)));
            d.evidence.push((m.start, m.end));
            d.date = m.date;
            d.range = m.range;
            d.ambiguous = m.vague || m.shifted;
            return;
        }
        if f.first(Cue::CantPay).is_some() {
            d.set(Intent::Plan, Confidence::Medium, hit(Some(c)));
            return;
        }
    }
    if let Some(c) = f.first(Cue::Question) {
        d.set(Intent::Question, Confidence::High, hit(Some(c)));
        return;
    }
    if let Some(s) = f.stmts.iter().find(|s| s.kind == StatementKind::Asks) {
        d.set(Intent::Question, Confidence::High, Some((s.start, s.end)));
        return;
    }
    if bare_date_promise(f) {
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
        return;
    }
    if f.is_question.iter().any(|q| *q) {
        let q = f.toks.iter().position(|t| t.text == "?" || t.text == "¿");
        d.set(Intent::Question, Confidence::Low, q.map(|p| (p, p + 1)));
        return;
    }
    d.set(Intent::Other, Confidence::Medium, None);
}

/// A short reply that names a future day and no other intent ("Vale, el viernes",
/// "MAÑANA SIN FALTA").
fn bare_date_promise(f: &Found<'_, '_>) -> bool {
    if f.has(Cue::NonPay) || f.has(Cue::Hedge) && !f.has(Cue::Sure) {
        return false;
    }
    let cands = candidates(f);
    let Some(last) = cands.iter().rev().find(|m| !m.weak) else {
        return false;
    };
    if f.has(Cue::Sure) || f.has(Cue::Agree) || f.has(Cue::Correction) {
        return true;
    }
    let in_date = |i: usize| f.dates.iter().any(|m| (m.start..m.end).contains(&i));
    let content = f
        .toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.kind == Kind::Word
                && t.text.len() >= 4
                && !in_date(*i)
                && !FILLER_WORDS.contains(&t.text)
        })
        .count();
    content <= 2 && !last.vague || content == 0
}

/// Dates that can be promised: future, not negated, not a reference; "ahora" only next to a
/// payment; nothing in a clause that says "no puedo pagar" unless it says "hasta".
fn candidates<'f>(f: &'f Found<'_, '_>) -> Vec<&'f DateMention> {
    let promise_clauses = f.promise_clauses();
    let blocked: Vec<usize> = f
        .cues
        .iter()
        .filter(|c| matches!(c.cue, Cue::CantPay | Cue::NonPay | Cue::Question))
        .map(|c| f.clause_of(c.start))
        .chain(
            f.stmts
                .iter()
                .filter(|s| s.negated || s.kind != StatementKind::Promise)
                .map(|s| s.clause),
        )
        .filter(|c| !promise_clauses.contains(c))
        .collect();
    // "¿Podría pagar en 3 meses?": the plan's length, not a day.
    let in_plan = |m: &DateMention| {
        f.cues
            .iter()
            .any(|c| c.cue == Cue::Plan && c.start <= m.start && m.start < c.end)
            && f.toks.get(m.start).is_some_and(|t| t.text != "hasta")
    };
    f.dates
        .iter()
        .filter(|m| m.is_future_day() && !m.negated && !m.reference && !in_plan(m))
        .filter(|m| !m.weak || promise_clauses.contains(&f.clause_of(m.start)))
        .filter(|m| {
            !blocked.contains(&f.clause_of(m.start))
                || f.toks.get(m.start).is_some_and(|t| t.text == "hasta")
        })
        .collect()
}

/// Fills the promised day and amount; `first` picks the first dated payment (plans).
fn promise_details(f: &Found<'_, '_>, today: NaiveDate, d: &mut Decision, first: bool) {
    let cands = candidates(f);
    let promise_clauses = f.promise_clauses();
    // After "perdón, quise decir", "mejor", "o sea": the later days replace the earlier.
    let correction = f.first(Cue::Correction).map(|c| c.start);
    let preferred: Vec<&&DateMention> = cands
        .iter()
        .filter(|m| m.preferred || correction.is_some_and(|c| c < m.start))
        .collect();
    let in_promise: Vec<&&DateMention> = cands
        .iter()
        .filter(|m| promise_clauses.contains(&f.clause_of(m.start)))
        .collect();
    let pool: Vec<&&DateMention> = if !preferred.is_empty() {
        preferred
    } else if !in_promise.is_empty() {
        in_promise
    } else {
        cands.iter().collect()
    };
    let chosen = if first { pool.first() } else { pool.last() };
    if let Some(m) = chosen {
        let mut m: &DateMention = m;
        // Alternatives: the later day, to be confirmed.
        if m.alternative
            && let Some(later) = cands
                .iter()
                .filter(|x| x.alternative && x.date > m.date)
                .max_by_key(|x| x.date)
        {
            m = later;
        }
        d.date = m.date;
        d.range = m.range;
        d.evidence.push((m.start, m.end));
        let distinct = {
            let mut ds: Vec<NaiveDate> = pool.iter().filter_map(|x| x.date).collect();
            ds.sort_unstable();
            ds.dedup();
            ds.len()
        };
        let corrected = f.has(Cue::Correction) || m.preferred;
        let far = m.date.is_some_and(|x| (x - today).num_days() > 180);
        d.ambiguous |= m.vague
            || m.shifted
            || m.alternative
            || far
            || m.rolled_days_ago.is_some_and(|a| a <= 90)
            || (!first && distinct > 1 && !corrected);
    }
    // The amount: the first marked one near a payment, or a bare number right after the verb.
    let near_pay = |a: &AmountMention| {
        let c = f.clause_of(a.start);
        let after_verb = f
            .positive(StatementKind::Promise)
            .any(|s| a.start >= s.end && a.start <= s.end + 1);
        (a.marked && (promise_clauses.contains(&c) || f.amounts.len() == 1)) || after_verb
    };
    if let Some(a) = f.amounts.iter().find(|a| near_pay(a)) {
        d.amount = Some(a.amount.clone());
        d.evidence.push((a.start, a.end));
    }
    if d.ambiguous {
        d.confidence = Confidence::Medium;
    }
}
