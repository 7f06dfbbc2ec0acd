//! Which day and amount a promise names: the candidate days, the pick among them, and the
//! promise read from a day alone ("Vale, el viernes").

use chrono::NaiveDate;

use super::{Decision, FILLER_WORDS, Found};
use crate::understand::Confidence;
use crate::understand::amount::{AmountMention, PromisedAmount};
use crate::understand::calendar as cal;
use crate::understand::dates::DateMention;
use crate::understand::intent::StatementKind;
use crate::understand::lexicon::Cue;
use crate::understand::normalise::{Kind, Token};

/// A short reply that names a future day and no other intent ("Vale, el viernes",
/// "MAÑANA SIN FALTA").
pub(super) fn bare_date_promise(f: &Found<'_, '_>) -> bool {
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    // "El día 19, cuando cobremos de un cliente": a day said with the income it waits for is
    // when the client pays (hedged); the condition's words are not another topic.
    let income = |c: &&crate::understand::lexicon::CueHit| {
        c.cue == Cue::Hedge
            && matches!(word(c.start), "cuando" | "apenas" | "en" | "una")
            && (c.start..c.end).any(|i| INCOME.contains(&word(i)))
    };
    let income_from: Vec<usize> = f.cues.iter().filter(income).map(|c| c.start).collect();
    let other_hedge = f.cues.iter().any(|c| c.cue == Cue::Hedge && !income(&c));
    let in_condition = |i: usize| {
        income_from
            .iter()
            .any(|&s| s <= i && f.clause_of(i) == f.clause_of(s))
    };
    if f.has(Cue::NonPay) || other_hedge && !f.has(Cue::Sure) {
        return false;
    }
    let cands = f.candidates();
    let Some(last) = cands.iter().rev().find(|m| !m.weak) else {
        return false;
    };
    if f.has(Cue::Sure) || f.has(Cue::Agree) || f.has(Cue::Correction) {
        return true;
    }
    // "todavía no le pagué, pero el viernes sí": a payment denied, then a day affirmed;
    // "todavía no, pero mañana sí" denies it in one word.
    let denied_before = |end: usize| {
        f.stmts.iter().any(|s| s.negated && s.end <= end)
            || f.toks[..end].iter().any(|t| t.text == "no")
    };
    if affirmed(f, last) && denied_before(last.start) {
        return true;
    }
    // "en lugar del 30, el 4 de diciembre": a day turned down and another offered.
    if f.dates.iter().any(|m| m.negated && m.end <= last.start) {
        return true;
    }
    // «A finales de mes, que es cuando nos entra la facturación»: why that day, not another
    // topic; the sentence's words after «es cuando» are the reason.
    let reason_from = (last.end..(last.end + 4).min(f.toks.len()))
        .find(|&i| word(i) == "es" && word(i + 1) == "cuando");
    let reason_end = reason_from.map(|r| {
        (r..f.toks.len())
            .find(|&i| matches!(word(i), "." | "\n" | "?" | "!"))
            .unwrap_or(f.toks.len())
    });
    let in_reason = |i: usize| {
        reason_from
            .zip(reason_end)
            .is_some_and(|(a, b)| a <= i && i < b)
    };
    let content = f
        .toks
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.kind == Kind::Word
                && t.text.len() >= 4
                && !f.taken.get(*i).copied().unwrap_or(false)
                && !FILLER_WORDS.contains(&t.text)
                && !in_condition(*i)
                && !in_reason(*i)
        })
        .count();
    // One other word at most ("Para el viernes, seguro"); "El lunes estoy de viaje" says
    // something else about the day.
    content <= 1 && !last.vague || content == 0
}

/// Income the client waits for ("cuando cobremos", "en cuanto me paguen", "cobramos el 20").
const INCOME: [&str; 12] = [
    "cobre",
    "cobremos",
    "cobro",
    "cobramos",
    "cobraremos",
    "cobrare",
    "cobra",
    "gano",
    "ganamos",
    "paguen",
    "depositen",
    "transfieran",
];

/// After «me» or «nos»: money paid to the client ("me pagan", "nos depositan", "me cae la
/// quincena").
const PAID_TO_US: [&str; 19] = [
    "pagan",
    "paga",
    "paguen",
    "pagaran",
    "depositan",
    "deposita",
    "depositen",
    "consignan",
    "consigna",
    "consignen",
    "ingresan",
    "ingresa",
    "transfieren",
    "transfiere",
    "caiga",
    "cae",
    "caen",
    "llegue",
    "entre",
];

/// The client's own income said at token `i` ("cobramos", "me pagan", "nos depositan"): the
/// end of its words.
pub(super) fn income_at(toks: &[Token<'_>], i: usize) -> Option<usize> {
    let word = |k: usize| toks.get(k).map_or("", |t| t.text);
    if INCOME.contains(&word(i)) {
        return Some(i + 1);
    }
    (matches!(word(i), "me" | "nos") && PAID_TO_US.contains(&word(i + 1))).then_some(i + 2)
}

/// A day followed by a closing "sí" ("no le he pagado, el viernes sí"): said against the
/// denial before it.
fn affirmed(f: &Found<'_, '_>, m: &DateMention) -> bool {
    f.toks.get(m.end).is_some_and(|t| t.text == "si")
        && f.toks.get(m.end + 1).is_none_or(|t| t.kind == Kind::Punct)
}

/// Dates that can be promised: future, not negated, not a reference; "ahora" only next to a
/// payment; nothing in a clause that says "no puedo pagar" unless it says "hasta".
pub(super) fn candidates(f: &Found<'_, '_>) -> Vec<usize> {
    let n = f.is_question.len();
    let mut promise_clause = vec![false; n];
    for c in f.promise_clauses() {
        if let Some(p) = promise_clause.get_mut(c) {
            *p = true;
        }
    }
    let mut blocked = vec![false; n];
    let blocking = f
        .cues
        .iter()
        .filter(|c| matches!(c.cue, Cue::CantPay | Cue::NonPay | Cue::Question))
        .map(|c| f.clause_of(c.start))
        .chain(
            f.stmts
                .iter()
                .filter(|s| s.negated || s.kind != StatementKind::Promise)
                .map(|s| s.clause),
        );
    for c in blocking {
        if let Some(b) = blocked.get_mut(c) {
            *b = !promise_clause[c];
        }
    }
    // "el lunes le pago, bueno, el martes le llamo": a day right before another action is
    // that action's day, unless a payment is joined to the action ("el sábado paso por la
    // tienda y os lo pago").
    let joined = |c: &crate::understand::lexicon::CueHit| {
        f.positive(StatementKind::Promise).any(|s| {
            s.clause == f.clause_of(c.start)
                && c.end <= s.start
                && s.start <= c.end + 8
                && (c.end..s.start).any(|k| f.toks.get(k).is_some_and(|t| t.text == "y"))
        })
    };
    let acts = |m: &DateMention| {
        f.cues.iter().any(|c| {
            c.cue == Cue::NonPay
                && !joined(c)
                && (c.start == m.end
                    || c.start == m.end + 1 && f.toks.get(m.end).is_some_and(|t| t.text == ","))
                && !f
                    .positive(StatementKind::Promise)
                    .any(|s| s.start < c.end && c.start < s.end)
        })
    };
    let in_promise = |i: usize| promise_clause.get(f.clause_of(i)).copied().unwrap_or(false);
    let is_blocked = |i: usize| blocked.get(f.clause_of(i)).copied().unwrap_or(false);
    // "¿Podría pagar en 3 meses?": the plan's length, not a day.
    let in_plan = |m: &DateMention| {
        f.cues.iter().any(|c| {
            matches!(c.cue, Cue::Plan | Cue::Delay) && c.start <= m.start && m.start < c.end
        }) && f.toks.get(m.start).is_some_and(|t| t.text != "hasta")
    };
    f.dates
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_future_day() && !m.negated && !m.reference && !in_plan(m))
        .filter(|(_, m)| !acts(m) && !paid_that_day(f, m) && !aside(f, m))
        .filter(|(_, m)| !m.weak || in_promise(m.start))
        // "No puedo pagar el viernes, mejor el lunes": the day offered instead is not blocked;
        // nor is "no le he pagado, el viernes sí".
        .filter(|(_, m)| {
            !is_blocked(m.start)
                || m.preferred
                || m.from_on
                || affirmed(f, m)
                || f.toks.get(m.start).is_some_and(|t| t.text == "hasta")
        })
        .map(|(i, _)| i)
        .collect()
}

/// «Le pago el día 10, el 15 me operan», «Te lo pago el jueves, el lunes tengo el banco
/// cerrado»: a day after a comma that says something else (words of its own, no payment,
/// no firmness, no correction), once the payment named its day before the comma, is an aside
/// about that other day ("Le pago el viernes, el lunes a más tardar" and "Le pago la semana
/// que viene, el martes" keep theirs).
fn aside(f: &Found<'_, '_>, m: &DateMention) -> bool {
    let clause = f.clause_of(m.start);
    let in_clause = |i: usize| f.clause_of(i) == clause;
    let (from, to) = segment(f, m);
    if f.toks.get(from).is_none_or(|t| t.text != ",") {
        return false;
    }
    let inside = |i: usize| from < i && i < to;
    let promised_here = f.positive(StatementKind::Promise).any(|s| inside(s.start))
        || f.cues.iter().any(|c| {
            inside(c.start)
                && matches!(
                    c.cue,
                    Cue::PromisePhrase
                        | Cue::Sure
                        | Cue::Hedge
                        | Cue::Correction
                        | Cue::Reschedule
                        | Cue::Departs
                        | Cue::Partial
                        | Cue::Agree
                )
        });
    let dated_payment_before = f
        .positive(StatementKind::Promise)
        .any(|s| in_clause(s.start) && s.start < from)
        && f.dates.iter().any(|d| {
            in_clause(d.start) && d.end <= from && d.is_future_day() && !d.negated && !d.weak
        });
    let in_a_date = |i: usize| f.dates.iter().any(|d| d.start <= i && i < d.end);
    let words_of_its_own = (m.end..to).any(|i| {
        f.toks[i].kind == Kind::Word
            && f.toks[i].text.len() >= 3
            && !in_a_date(i)
            && !FILLER_WORDS.contains(&f.toks[i].text)
    });
    // "…, la primera semana que abra la gestoría": words that describe the day.
    let described = matches!(
        f.toks.get(m.end).map_or("", |t| t.text),
        "que" | "cuando" | "en" | "de" | "del" | "a" | "al"
    );
    dated_payment_before
        && !promised_here
        && !m.preferred
        && !m.alternative
        && words_of_its_own
        && !described
}

/// The stretch of the clause around `m` between commas: the comma before it (or the
/// clause's first token) and the comma after it (or the clause's end).
pub(super) fn segment(f: &Found<'_, '_>, m: &DateMention) -> (usize, usize) {
    let clause = f.clause_of(m.start);
    let in_clause = |i: usize| f.clause_of(i) == clause;
    let comma = |i: usize| f.toks.get(i).is_some_and(|t| t.text == ",");
    let first = (0..m.start)
        .rev()
        .take_while(|&i| in_clause(i))
        .last()
        .unwrap_or(m.start);
    let from = (first..m.start).rev().find(|&i| comma(i)).unwrap_or(first);
    let to = (m.end..f.toks.len())
        .find(|&i| !in_clause(i) || comma(i))
        .unwrap_or(f.toks.len());
    (from, to)
}

/// «Aún no tengo el dinero, el viernes», «Imposible pagar antes del 20. El 21 sin falta.»:
/// the day stands alone in its stretch (nothing but courtesy, firmness or punctuation beside
/// it), after something said before it.
pub(super) fn stands_alone(f: &Found<'_, '_>, m: &DateMention) -> bool {
    let (from, to) = segment(f, m);
    let firm = |i: usize| {
        f.cues
            .iter()
            .any(|c| c.cue == Cue::Sure && c.start <= i && i < c.end)
    };
    from > 0
        && (from..to).all(|i| {
            let t = &f.toks[i];
            (m.start..m.end).contains(&i)
                || t.kind != Kind::Word
                || t.text.len() < 3
                || FILLER_WORDS.contains(&t.text)
                || firm(i)
                || matches!(t.text, "pero" | "mejor")
        })
}

/// "He pagado hoy 620 € y el resto a finales de mes", "hoy le he pagado la mitad": today
/// beside a payment made (no promise between) is when that payment was made, not a day
/// promised ("ha dado orden de pago para el 1" keeps its day).
fn paid_that_day(f: &Found<'_, '_>, m: &DateMention) -> bool {
    let word = |i: usize| f.toks.get(i).map_or("", |t| t.text);
    let today = m.weak
        || word(m.start) == "hoy"
        || word(m.start) == "esta" && matches!(word(m.start + 1), "manana" | "tarde" | "noche");
    if !today {
        return false;
    }
    let Some(paid) = f
        .stmts
        .iter()
        .filter(|s| s.kind == StatementKind::Paid && !s.negated)
        .find(|s| {
            // Beside it, or with the auxiliary and pronouns between ("hoy le he pagado").
            let (a, b) = if m.end <= s.start {
                (m.end, s.start)
            } else {
                (s.end, m.start)
            };
            s.clause == f.clause_of(m.start)
                && b.saturating_sub(a) <= 2
                && (a..b).all(|i| f.toks.get(i).is_some_and(|t| t.kind == Kind::Word))
        })
    else {
        return false;
    };
    !f.positive(StatementKind::Promise)
        .any(|s| s.start < m.start.max(paid.start) && m.end.min(paid.end) < s.end)
}

/// Fills the promised day and amount; `first` picks the first dated payment (plans).
pub(super) fn promise_details(f: &Found<'_, '_>, today: NaiveDate, d: &mut Decision, first: bool) {
    let cands = f.candidates();
    let mut promise_clause = vec![false; f.is_question.len()];
    for c in f.promise_clauses() {
        if let Some(p) = promise_clause.get_mut(c) {
            *p = true;
        }
    }
    let in_promise_clause = |c: usize| promise_clause.get(c).copied().unwrap_or(false);
    // After "perdón, quise decir", "mejor", "o sea": the later days replace the earlier.
    let correction = f.first(Cue::Correction).map(|c| c.start);
    // A day named as the better one ("no, mejor el martes, el lunes tengo junta") wins over
    // the days merely said after the correction.
    let marked: Vec<&&DateMention> = cands.iter().filter(|m| m.preferred).collect();
    let preferred: Vec<&&DateMention> = if marked.is_empty() {
        cands
            .iter()
            .filter(|m| correction.is_some_and(|c| c < m.start))
            .collect()
    } else {
        marked
    };
    let in_promise: Vec<&&DateMention> = cands
        .iter()
        .filter(|m| in_promise_clause(f.clause_of(m.start)))
        .collect();
    let pool: Vec<&&DateMention> = if !preferred.is_empty() {
        preferred
    } else if !in_promise.is_empty() {
        in_promise
    } else {
        cands.iter().collect()
    };
    let pool = paying_days(f, pool);
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
    promised_amount(f, &promise_clause, d);
    if d.ambiguous {
        d.confidence = Confidence::Medium;
    }
}

/// The amount: the first marked one near a payment, or a bare number right after the verb;
/// never the sum of a payment already made.
fn promised_amount(f: &Found<'_, '_>, promise_clause: &[bool], d: &mut Decision) {
    let mut right_after_promise = vec![false; f.toks.len() + 2];
    for s in f.positive(StatementKind::Promise) {
        for t in right_after_promise.iter_mut().skip(s.end).take(2) {
            *t = true;
        }
    }
    let near_pay = |a: &AmountMention| {
        let c = f.clause_of(a.start);
        let after_verb = right_after_promise.get(a.start) == Some(&true);
        (a.marked && (promise_clause.get(c).copied().unwrap_or(false) || f.amounts.len() == 1))
            || after_verb
    };
    // "Os he pagado 300 €, los otros 300 a final de mes": the sum beside a payment made is
    // not the one promised; the sum right after "los otros" / "el resto" is.
    let words_only = |from: usize, to: usize| {
        (from..to).all(|k| f.toks.get(k).is_some_and(|t| t.kind == Kind::Word))
    };
    let paid_sum = |a: &AmountMention| {
        !matches!(a.amount, PromisedAmount::Remainder)
            && f.positive(StatementKind::Paid).any(|s| {
                (s.start <= a.start && a.start <= s.end + 2 && words_only(s.end, a.start))
                    || (a.end <= s.start && s.start <= a.end + 2 && words_only(a.end, s.start))
            })
    };
    let after_rest = |a: &AmountMention| {
        f.cues
            .iter()
            .any(|c| c.cue == Cue::Partial && c.start <= a.start && a.start <= c.end + 1)
    };
    if let Some(a) = f
        .amounts
        .iter()
        .find(|a| !paid_sum(a) && (near_pay(a) || after_rest(a)))
    {
        d.amount = Some(a.amount.clone());
        d.evidence.push((a.start, a.end));
    }
}

/// Of the days a promise may name, those of the paying itself: "El viernes le hago el
/// ingreso, se verá reflejado el lunes" (the day the client pays, not the day the bank shows
/// it), "te pago el lunes, que el viernes cobro" (a day in the reason given after the promised
/// one explains it). All of them when that would leave none.
fn paying_days<'m>(f: &Found<'_, '_>, pool: Vec<&'m &'m DateMention>) -> Vec<&'m &'m DateMention> {
    let arrival = |m: &DateMention| {
        let near = m.start.saturating_sub(3)..m.end + 3;
        near.filter(|i| *i < m.start || *i >= m.end)
            .any(|i| f.toks.get(i).is_some_and(|t| ARRIVAL.contains(&t.text)))
    };
    let paid_on: Vec<&&DateMention> = pool.iter().copied().filter(|m| !arrival(m)).collect();
    let pool = if paid_on.is_empty() || paid_on.len() == pool.len() {
        pool
    } else {
        paid_on
    };
    // "te pago el lunes, que el viernes cobro", "el lunes que viene, porque el martes es
    // feriado": a day in the reason given after the promised one explains it.
    let explains = |m: &DateMention| {
        pool.iter().any(|p| p.end <= m.start)
            && (m.start.saturating_sub(6)..m.start)
                .rev()
                .take_while(|&i| {
                    f.toks
                        .get(i)
                        .is_some_and(|t| t.kind != Kind::Punct || t.text == ",")
                        && f.clause_of(i) == f.clause_of(m.start)
                })
                .any(|i| {
                    matches!(
                        f.toks[i].text,
                        "porque" | "pq" | "xq" | "pues" | "que" | "como"
                    ) && !pool.iter().any(|p| p.start <= i && i < p.end)
                        && !consequence(f, i)
                })
    };
    // "te lo pago el lunes, ahora estoy en el médico": a weak "ahora" after a firm day says
    // what is happening now, not when the payment is (a correction marks itself).
    let now_after_a_day = |m: &DateMention| {
        m.weak && !m.preferred && pool.iter().any(|p| !p.weak && p.end <= m.start)
    };
    // «el 5 me pagan y le transfiero altiro»: a day of income stands for the payment when
    // nothing but "right away" is left beside it (right after the money comes in).
    let firm_day_besides = |m: &DateMention| {
        pool.iter()
            .any(|p| !p.weak && p.start != m.start && !income_day(f, p))
    };
    let promised: Vec<&&DateMention> = pool
        .iter()
        .copied()
        .filter(|m| {
            let income = income_day(f, m) && firm_day_besides(m);
            !(explains(m) || now_after_a_day(m) || said_exactly(f, &pool, m) || income)
        })
        .collect();
    if promised.is_empty() { pool } else { promised }
}

/// «así que», «por lo que», «de modo que»: what follows is the consequence (the promise),
/// not a reason ("Hasta el 20 no cobro, así que le pago el 22").
fn consequence(f: &Found<'_, '_>, i: usize) -> bool {
    f.toks[i].text == "que"
        && i > 0
        && matches!(
            f.toks[i - 1].text,
            "asi" | "lo" | "modo" | "manera" | "forma"
        )
}

/// "Te pago todo el viernes 23, cobramos el 20", "el 15 me depositan y el 20 les pago": a day
/// said with the client's own income (a verb of being paid: "cobramos", "me pagan") is when
/// the money comes in, not the day promised, when another day is left for the payment.
fn income_day(f: &Found<'_, '_>, m: &DateMention) -> bool {
    let income_at = |i: usize| income_at(f.toks, i);
    // Right beside the day, with nothing but words between and no promise among them; «te
    // pago el 10, que me pagan» gives the reason for the same day.
    let beside = |a: usize, b: usize| {
        (a..b).all(|k| {
            f.toks.get(k).is_some_and(|t| {
                t.kind == Kind::Word && !matches!(t.text, "que" | "porque" | "cuando" | "pues")
            })
        }) && !f
            .positive(StatementKind::Promise)
            .any(|s| s.start < b.max(a + 1) && a < s.end)
    };
    let before = (m.start.saturating_sub(3)..m.start)
        .any(|i| income_at(i).is_some_and(|end| end <= m.start && beside(end, m.start)));
    // After the day, right after it («el 25 me depositan»; not «el viernes, en cuanto me
    // caiga la quincena», where the income is the condition).
    let after = income_at(m.end).is_some();
    before || after
}

/// "El pago se hará el viernes 29 de enero, con el cierre de mes", "a fin de mes, el 29", "para
/// el día 30, en nuestra corrida de pagos de fin de mes": a period said beside an exact day
/// inside it, or after it in the same clause, is that day said loosely.
fn said_exactly(f: &Found<'_, '_>, pool: &[&&DateMention], m: &DateMention) -> bool {
    let loose = m.period || m.vague || m.range.is_some();
    let Some(last) = m.date.filter(|_| loose) else {
        return false;
    };
    let first = m.range.map_or(cal::first_of_month(last), |r| r.0);
    let last = m.range.map_or(last, |r| r.1);
    pool.iter().any(|x| {
        let exact = !(x.period || x.vague || x.weak || x.range.is_some());
        let gap = if x.end <= m.start {
            m.start - x.end
        } else if m.end <= x.start {
            x.start - m.end
        } else {
            usize::MAX
        };
        let between = x.end.min(m.end)..x.start.max(m.start);
        // Right beside it, or after it in the same sentence as where it falls («para el día
        // 30 de octubre, en nuestra corrida de pagos de fin de mes»), never as another choice.
        let beside = gap <= 3
            && between.clone().all(|i| {
                f.toks.get(i).is_some_and(|t| {
                    t.kind == Kind::Punct
                        || matches!(t.text, "con" | "a" | "al" | "el" | "en" | "para")
                })
            });
        let explained_after = x.end <= m.start
            && gap <= 8
            && between.clone().all(|i| {
                f.toks.get(i).is_some_and(|t| {
                    (t.kind != Kind::Punct || t.text == ",")
                        && !matches!(t.text, "o" | "u" | "y" | "sino" | "pero" | "luego")
                })
            });
        exact && (beside || explained_after) && x.date.is_some_and(|d| first <= d && d <= last)
    })
}

/// Words of money showing up on the creditor's side ("se verá reflejado el lunes", "le
/// llega el 15"), as opposed to the day the client pays.
const ARRIVAL: [&str; 17] = [
    "reflejado",
    "reflejada",
    "reflejarse",
    "refleja",
    "reflejara",
    "acredita",
    "acreditara",
    "acreditado",
    "ves",
    "vera",
    "veras",
    "llega",
    "llegara",
    "llegaran",
    "cae",
    "caera",
    "aparece",
];
