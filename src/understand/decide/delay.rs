//! Requests for time ("necesito unos días más", "¿me da hasta el viernes?"): a plan held for
//! the owner, unless they name the day the whole invoice is paid, which makes them a promise
//! of that day (see "Requests for time" in the module docs of `understand`).

use chrono::NaiveDate;

use super::signals::Signals;
use super::{Decision, Found, hit, promise, promise_details};
use crate::understand::Confidence;
use crate::understand::dates::DateMention;
use crate::understand::intent::Intent;
use crate::understand::lexicon::{Cue, CueHit};
use crate::understand::normalise::Kind;

/// A request for time that names the day the whole invoice will be paid: a payment
/// statement or "sin falta" with a firm day ("necesito unos días más, el lunes 30 les
/// pago"), or the day asked for: after "hasta" / "al" ("¿me da hasta el viernes?", "denme
/// chance al viernes"), right after the request with no pause ("¿me da chance de pagarle
/// el viernes?"; not "necesito un plazo, el lunes mi contador le escribe"), or proposed in a question of its own
/// ("necesito unos días más, ¿le parece el lunes?"). Instalments, parts and schedules were
/// ruled out before.
pub(super) fn delay_names_the_day(f: &Found<'_, '_>, s: &Signals<'_>) -> bool {
    let firm: Vec<&DateMention> = f
        .candidates()
        .into_iter()
        .filter(|m| !m.weak && m.date.is_some())
        .collect();
    let committed = s.last_promise.is_some() || f.has(Cue::Sure);
    let until = |m: &DateMention| matches!(f.toks[m.start].text, "hasta" | "al");
    let after_request = |m: &DateMention| {
        f.cues.iter().any(|c| {
            c.cue == Cue::Delay
                && f.clause_of(c.start) == f.clause_of(m.start)
                && (c.end..=c.end + 4).contains(&m.start)
                && (c.end..m.start).all(|i| f.toks[i].kind == Kind::Word)
        })
    };
    !firm.is_empty()
        && (committed
            || firm
                .iter()
                .any(|m| until(m) || after_request(m) || proposed(f, m)))
}

/// "¿le parece el lunes?", "¿le viene bien el 30?", "¿qué tal el viernes?": a question made
/// of the day and words of approval only.
fn proposed(f: &Found<'_, '_>, m: &DateMention) -> bool {
    const APPROVAL: [&str; 22] = [
        "le", "te", "les", "os", "parece", "parecen", "viene", "vendria", "bien", "esta", "que",
        "tal", "puede", "podria", "ser", "vale", "seria", "sirve", "si", "entonces", "ok", "para",
    ];
    let clause = f.clause_of(m.start);
    f.is_question.get(clause) == Some(&true)
        && f.toks.iter().enumerate().all(|(i, t)| {
            f.clause_of(i) != clause
                || (m.start..m.end).contains(&i)
                || t.kind == Kind::Punct
                || APPROVAL.contains(&t.text)
        })
}

/// The promise a request for time makes: the day named, with the request as evidence.
pub(super) fn delayed_promise(
    f: &Found<'_, '_>,
    today: NaiveDate,
    s: &Signals<'_>,
    d: &mut Decision,
    delay: CueHit,
) -> bool {
    if promise(f, today, s, d) {
        return true;
    }
    d.set(Intent::Promise, Confidence::High, hit(Some(delay)));
    promise_details(f, today, d, false);
    d.ambiguous |= f.has(Cue::Hedge);
    if d.ambiguous {
        d.confidence = Confidence::Medium;
    }
    true
}
