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

/// A request for time that names the day the whole invoice will be paid: a payment
/// statement or "sin falta" with a firm day ("necesito unos días más, el lunes 30 les
/// pago"), or the day asked for ("¿me da hasta el viernes?", "¿me puede esperar hasta el
/// 15?"). Instalments, parts and schedules were ruled out before.
pub(super) fn delay_names_the_day(f: &Found<'_, '_>, s: &Signals<'_>) -> bool {
    let firm: Vec<&DateMention> = f
        .candidates()
        .into_iter()
        .filter(|m| !m.weak && m.date.is_some())
        .collect();
    let committed = s.last_promise.is_some() || f.has(Cue::Sure);
    !firm.is_empty() && (committed || firm.iter().any(|m| f.toks[m.start].text == "hasta"))
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
