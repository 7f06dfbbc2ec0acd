//! One reply, several invoices, a different answer for each: «La F-10 ya la pagamos el lunes.
//! La F-11 no la reconocemos: no hicimos ese pedido.» The reply's reading has one intent (the
//! dispute), with the others beside it or not noticed at all; acting on that one intent alone
//! would dispute an invoice the client says is paid, or keep reminding it. When each invoice
//! the reply is about is named in words of its own, those words are read again, invoice by
//! invoice, and each group of invoices gets its own answer: the paid one claimed paid, the other
//! disputed, each with its alert (and acknowledgements one day apart: `effects::act`).
//!
//! The rule is conservative: any doubt leaves the reply as it was read (one intent). No split
//! when the reply opts out (that is about the client), when an invoice it is about is not
//! named, when the words about one invoice say nothing alone («La F-11 también») or say two
//! things («una ya está pagada y la otra la pagamos el viernes»; a dispute among them is read as
//! the dispute: a person reads it anyway), or when every invoice's words say the same.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::Invoice;
use crate::engine::matcher::{
    Described, Match, by_place, by_short_form, mentions, the_others, what_for,
};
use crate::understand::{Intent, PromisedAmount, Reading, understand};

/// Some of a reply's invoices and what the reply says about them.
#[derive(Debug)]
pub(super) struct Part {
    pub invoices: Vec<Invoice>,
    pub reading: Reading,
}

/// The reply's answer per invoice, when it gives different ones (see the module's doc);
/// `None` to act on `reading` for every invoice, as before.
pub(super) fn by_invoice(
    m: &Match,
    reading: &Reading,
    visible: &str,
    received_at: DateTime<Utc>,
    tz: Tz,
) -> Option<Vec<Part>> {
    let numbers: Vec<&str> = m.invoices.iter().map(|i| i.number.as_str()).collect();
    let described = what_for(&m.invoices);
    let groups = by_number(&numbers, &described, reading, visible, received_at, tz)?;
    Some(
        groups
            .into_iter()
            .map(|(which, reading)| Part {
                invoices: which.iter().map(|&i| m.invoices[i].clone()).collect(),
                reading,
            })
            .collect(),
    )
}

/// [`by_invoice`] on the invoices' numbers (and the words of their descriptions that name
/// them, `matcher::what_for`): the indexes of each group, with its reading.
fn by_number(
    numbers: &[&str],
    described: &[Described],
    reading: &Reading,
    visible: &str,
    received_at: DateTime<Utc>,
    tz: Tz,
) -> Option<Vec<(Vec<usize>, Reading)>> {
    // An opt-out is about the client; an automatic reply about nothing.
    if numbers.len() < 2
        || matches!(
            reading.intent,
            Intent::Stop | Intent::AutoReply | Intent::Bounce
        )
    {
        return None;
    }
    if speaks_of_some(visible) {
        return None;
    }
    let units = units(&visible.to_lowercase(), numbers, described, received_at, tz);
    let mut groups: Vec<(Vec<usize>, Reading)> = Vec::new();
    for (index, number) in numbers.iter().enumerate() {
        let words = words_about(&units, &[number])?;
        let mut read = understand(&words, received_at, tz);
        // «Un pago a cuenta de 200 € por la F-1. El saldo de esa factura y la F-3, el 4 de
        // diciembre»: a part of the invoice paid is not the invoice paid; when the reply
        // promises the rest, the invoice has that promise (it was claimed paid, in full).
        if read.intent == Intent::Paid
            && reading.intent == Intent::Promise
            && reading.promised_date.is_some()
            && crate::understand::pays_a_part(&words)
            && crate::understand::names_the_rest(visible)
        {
            read = reading.clone();
        }
        // Words that say nothing alone («La F-11 también.») lean on the rest: one reading.
        // Words of their own that say nothing known («la F-10 y la F-11 las vemos a final de
        // mes», «no estoy segura si ya se pagó») are for a person: nothing changes for those
        // invoices, the others get their answers. An opt-out in them is about the client.
        if says_nothing(&read) && leans_on_the_rest(&words, described)
            || read.intent == Intent::Stop
        {
            return None;
        }
        // The words about this invoice say two things themselves («una ya está pagada y la
        // otra la pagamos el viernes»): doubt, unless one is a dispute (a person reads it).
        // (A payment told with the day it was made, «ya fue cancelada … el 8 de octubre», or
        // instalments asked for, «te las pago en cuotas», have a promise beside them: one thing.)
        // Nor a part paid and the rest promised («un abono ayer; el saldo se lo cancelamos el
        // 30»): a promise of what is left.
        let rest_promised = read.intent == Intent::Promise
            && matches!(read.promised_amount, Some(PromisedAmount::Remainder));
        let two_things = read.also.iter().any(|a| {
            changes_state(*a)
                && *a != read.intent
                && !(matches!(read.intent, Intent::Paid | Intent::Plan) && *a == Intent::Promise)
                && !(rest_promised && *a == Intent::Paid)
        });
        if read.intent != Intent::Dispute && two_things {
            return None;
        }
        // Promises on different days are different answers («La F-10 se la pago el viernes. La
        // F-11, el día 15.»): each invoice its own promise, on its own day. Words without a day
        // lean on the others' («Pagaremos la F-11 y la F-12 el 23/10»).
        let same = |r: &Reading| {
            r.intent == read.intent
                && (r.intent != Intent::Promise
                    || r.promised_date.is_none()
                    || read.promised_date.is_none()
                    || r.promised_date == read.promised_date)
        };
        match groups.iter_mut().find(|(_, r)| same(r)) {
            Some((which, group)) => {
                which.push(index);
                if group.promised_date.is_none() && read.promised_date.is_some() {
                    *group = read;
                }
            }
            None => groups.push((vec![index], read)),
        }
    }
    if groups.len() < 2 || !groups.iter().any(|(_, r)| changes_state(r.intent)) {
        return None;
    }
    // A group of several invoices is read on all their words together (a promise's date is
    // then the one the words give for the group, as for a reply about those invoices alone).
    for (which, reading) in groups.iter_mut().filter(|(w, _)| w.len() > 1) {
        let group: Vec<&str> = which.iter().map(|&i| numbers[i]).collect();
        let together = understand(&words_about(&units, &group)?, received_at, tz);
        if together.intent == reading.intent {
            *reading = together;
        }
    }
    Some(groups)
}

/// «Unas facturas ya están pagadas y otras no», «una de las dos te la pago el viernes», «la
/// mayoría las pagamos el viernes»: the reply speaks of some of the invoices without saying
/// which (then no per-invoice reading is sure, even where some are named).
pub(super) fn speaks_of_some(visible: &str) -> bool {
    let text = visible.to_lowercase();
    [
        "una de las dos",
        "una de las tres",
        "una de ellas",
        "una de las facturas",
        "alguna de las",
        "la mayoría",
        "la mayoria",
        "parte de las facturas",
        "y otras no",
        "unas sí",
        "unas si ",
        "algunas sí",
        "algunas si ",
        "no todas",
        "menos una",
        "excepto una",
        "salvo una",
        "todas menos",
        "pagadas menos",
        "todas excepto",
        "pagadas excepto",
        "todas salvo",
        "pagadas salvo",
        "no sé cuál",
        "no se cual",
        "no sé cuáles",
        "no se cuales",
    ]
    .iter()
    .any(|p| text.contains(p))
}

/// Words that say nothing alone: no cue at all («la F-13», «la F-11 también»).
fn says_nothing(read: &Reading) -> bool {
    read.intent == Intent::Other && read.evidence.is_empty()
}

/// Whether words about an invoice that say nothing known only lean on the rest of the reply:
/// «también», «igual», or no word of their own beyond the invoice's names.
fn leans_on_the_rest(words: &str, described: &[Described]) -> bool {
    const LEANING: [&str; 7] = ["tambien", "igual", "mismo", "misma", "idem", "tb", "tmb"];
    const PLAIN: [&str; 22] = [
        "las", "los", "del", "que", "con", "por", "para", "una", "uno", "unos", "unas", "esa",
        "ese", "esas", "esos", "esta", "este", "factura", "facturas", "numero", "fra", "nro",
    ];
    let folded = crate::understand::fold_str(words);
    let tokens: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if tokens.iter().any(|w| LEANING.contains(w)) {
        return true;
    }
    let naming = |w: &str| {
        described
            .iter()
            .any(|d| d.words.iter().any(|x| x == w) || d.months.contains(&w))
    };
    let own = tokens
        .iter()
        .filter(|w| {
            w.chars().count() >= 3
                && !w.chars().any(|c| c.is_ascii_digit())
                && !PLAIN.contains(w)
                && !naming(w)
        })
        .count();
    own <= 1
}

/// Intents that change an invoice when acted on.
fn changes_state(intent: Intent) -> bool {
    matches!(
        intent,
        Intent::Paid | Intent::Dispute | Intent::Promise | Intent::Plan
    )
}

/// A stretch of the reply that names some invoices, with the sentences after it that name
/// none (they go on about the same: «La F-11 no la reconocemos. Nunca hicimos ese pedido.»).
#[derive(Debug)]
struct Unit {
    text: String,
    names: Vec<String>,
    then: Vec<String>,
}

/// The reply cut into units: sentences (and clauses after «pero»), and a sentence that names
/// several invoices cut again where a clause about one of them has said something of its own
/// («la F-10 ya la pagué y la F-11 no la reconozco»; not «la F-10 y la F-11 se las pago el
/// viernes», whose first clause says nothing alone). Words before the first invoice named are
/// left out (a greeting; anything more makes an invoice's words say two things, or none).
fn units(
    text: &str,
    numbers: &[&str],
    described: &[Described],
    received_at: DateTime<Utc>,
    tz: Tz,
) -> Vec<Unit> {
    let named = |s: &str| -> Vec<String> {
        let folded = crate::understand::fold_str(s);
        let what_for = |k: usize| described.get(k).is_some_and(|d| d.said_in(&folded));
        let places = by_place(&folded, numbers.len());
        numbers
            .iter()
            .enumerate()
            .filter(|&(k, n)| {
                mentions(s, n) || by_short_form(s, n, numbers) || what_for(k) || places.contains(&k)
            })
            .map(|(_, n)| n.to_string())
            .collect()
    };
    let mut units: Vec<Unit> = Vec::new();
    // Units about «las otras dos», «lo demás»: named once every unit is known.
    let mut others: Vec<usize> = Vec::new();
    for sentence in sentences(text) {
        for clause in clauses(&sentence, &named, received_at, tz) {
            let names = named(&clause);
            let about_the_others = the_others(&clause).is_some()
                || rest_after_paid(&clause, units.last(), received_at, tz);
            if !names.is_empty() || !units.is_empty() && about_the_others {
                if names.is_empty() {
                    others.push(units.len());
                }
                units.push(Unit {
                    text: clause,
                    names,
                    then: Vec::new(),
                });
            } else if let Some(last) = units.last_mut() {
                last.then.push(clause);
            }
        }
    }
    asides_dropped(&mut units, numbers, described);
    let rest: Vec<String> = numbers
        .iter()
        .filter(|n| !units.iter().any(|u| u.names.iter().any(|x| x == *n)))
        .map(|n| n.to_string())
        .collect();
    for &k in others.iter().rev() {
        if rest.is_empty() {
            // Nothing left for them: they go on about the unit before.
            let unit = units.remove(k);
            let last = &mut units[k - 1];
            last.then.push(unit.text);
            last.then.extend(unit.then);
        } else {
            units[k].names = rest.clone();
            units[k].text = as_those_invoices(&units[k].text);
        }
    }
    units
}

/// «La F-13 no es correcta: los embalajes ya venían incluidos en la F-12», after «la F-12 la
/// pagamos el jueves»: an invoice named in passing (in brackets, or after «en», «con», «de»)
/// in words about another one named before it is not what those words are about, when other
/// words are.
fn asides_dropped(units: &mut [Unit], numbers: &[&str], described: &[Described]) {
    let elsewhere = |units: &[Unit], k: usize, n: &str| {
        units
            .iter()
            .enumerate()
            .any(|(j, u)| j != k && u.names.iter().any(|x| x == n))
    };
    // Where each invoice is named in `text` (folded): its number, or the words of its
    // description that name it («incluido en la asesoría mensual»).
    let places = |text: &str, n: &str| -> Vec<usize> {
        let number = crate::understand::fold_str(n);
        let mut at: Vec<usize> = text.match_indices(&number).map(|(i, _)| i).collect();
        if let Some(d) = numbers
            .iter()
            .position(|x| *x == n)
            .and_then(|k| described.get(k))
        {
            for w in &d.words {
                at.extend(
                    text.match_indices(w.as_str())
                        .filter(|(i, _)| {
                            text[..*i]
                                .chars()
                                .last()
                                .is_none_or(|c| !c.is_alphanumeric())
                        })
                        .map(|(i, _)| i),
                );
            }
        }
        at
    };
    for k in 0..units.len() {
        let text = crate::understand::fold_str(&units[k].text);
        let first = units[k]
            .names
            .iter()
            .filter_map(|n| places(&text, n).into_iter().min())
            .min();
        let aside = |n: &String| {
            let at = places(&text, n);
            !at.is_empty()
                && at.iter().all(|&i| {
                    let before = &text[..i];
                    let bracketed = before.rfind('(') > before.rfind(')');
                    let words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
                    let after_preposition = words.len() == 2
                        && matches!(words[0], "la" | "el" | "las" | "los")
                        && matches!(words[1], "en" | "con" | "de" | "desde");
                    first.is_some_and(|f| f < i) && (bracketed || after_preposition)
                })
        };
        let drop: Vec<String> = units[k]
            .names
            .iter()
            .filter(|n| aside(n) && elsewhere(units, k, n))
            .cloned()
            .collect();
        if drop.len() < units[k].names.len() {
            units[k].names.retain(|n| !drop.contains(n));
        }
    }
}

/// The words of a unit about «the others» ([`the_others`]) with those words as «las facturas»
/// («las demás se las pago el viernes» is not «the rest» of a debt), folded.
fn as_those_invoices(text: &str) -> String {
    let folded = crate::understand::fold_str(text);
    let Some(others) = the_others(text) else {
        return folded;
    };
    let whole = |at: usize| {
        folded[..at]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric())
            && folded[at + others.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    };
    match folded
        .match_indices(others)
        .map(|(at, _)| at)
        .find(|&at| whole(at))
    {
        Some(at) => format!(
            "{}las facturas{}",
            &folded[..at],
            &folded[at + others.len()..]
        ),
        None => folded,
    }
}

/// Sentences: cut at `;`, `!`, `?`, line ends and a full stop followed by a space (not the
/// dots inside "F.2026.10" or "1.200,00"), and before «pero» and an invoice ([`but_cuts`]).
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let ends = matches!(c, ';' | '!' | '?' | '\n')
            || (c == '.' && chars.peek().is_none_or(|n| n.is_whitespace()));
        if ends {
            // «¿Me la reenvían?» stays a question.
            if matches!(c, '?' | '!') {
                current.push(c);
            }
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.iter()
        .flat_map(|s| but_cuts(s))
        .map(|s| {
            without_lead_in(s.trim())
                .trim()
                .trim_matches(',')
                .trim()
                .to_owned()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Words that only introduce what follows («Te cuento: el mantenimiento y el hosting ya te los
/// transferí»): cut off, so that the first invoice named is not left alone with them.
const LEAD_INS: [&str; 14] = [
    "te cuento",
    "le cuento",
    "les cuento",
    "te comento",
    "le comento",
    "les comento",
    "le informo",
    "les informo",
    "te aviso",
    "le aviso",
    "mira",
    "mire",
    "oye",
    "fijate",
];

/// `sentence` without a lead-in at its start («Te cuento:», «Le comento que», «Mira,»).
fn without_lead_in(sentence: &str) -> &str {
    let folded = crate::understand::fold_str(sentence);
    for lead in LEAD_INS {
        let Some(rest) = folded.strip_prefix(lead) else {
            continue;
        };
        let cut = [":", ",", " que "]
            .iter()
            .find(|sep| rest.starts_with(**sep))
            .map(|sep| lead.len() + sep.len());
        // Folding keeps ASCII lengths; a lead-in is ASCII once folded, so map the cut back by
        // characters.
        if let Some(n) = cut {
            let chars = folded[..n].chars().count();
            let at = sentence
                .char_indices()
                .nth(chars)
                .map_or(sentence.len(), |(i, _)| i);
            return &sentence[at..];
        }
    }
    sentence
}

/// A sentence cut before «pero» when an invoice is named in the next few words («pero la
/// factura A-115 no la reconocemos»); «la pagamos el viernes pero no estamos de acuerdo con el
/// importe, y la A-115…» goes on about the first invoice and stays whole.
fn but_cuts(sentence: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    for (at, _) in sentence.match_indices(" pero ") {
        let next: Vec<&str> = sentence[at + 6..].split_whitespace().take(4).collect();
        if next.iter().any(|w| w.chars().any(|c| c.is_ascii_digit())) && at > from {
            out.push(&sentence[from..at]);
            from = at + 6;
        }
    }
    out.push(&sentence[from..]);
    out
}

/// A sentence naming several invoices, cut at a comma or «y» before a later invoice when the
/// words before it say something alone.
fn clauses(
    sentence: &str,
    named: &dyn Fn(&str) -> Vec<String>,
    received_at: DateTime<Utc>,
    tz: Tz,
) -> Vec<String> {
    let names = named(sentence).len();
    if names == 0 || names < 2 && the_others(sentence).is_none() {
        return vec![sentence.to_owned()];
    }
    let mut out = Vec::new();
    let mut rest = sentence.to_owned();
    'cut: loop {
        for (at, sep) in joints(&rest) {
            let (left, right) = (&rest[..at], &rest[at + sep..]);
            // «El AR-33 te lo transfiero mañana y los otros dos la semana que viene»: the right
            // part may name the others.
            if named(left).is_empty() || named(right).is_empty() && the_others(right).is_none() {
                continue;
            }
            let alone = |s: &str| !says_nothing(&understand(s, received_at, tz));
            // «la F-10 ya la pagué y la F-11 no la reconozco», not «les pagamos la F-12 y la
            // F-13» (its second part says nothing alone).
            let right = if alone(left) && alone(right) {
                right.to_owned()
            } else if let Some(again) = promised_again(left, right, received_at, tz) {
                again
            } else {
                continue;
            };
            out.push(left.trim().to_owned());
            rest = right;
            continue 'cut;
        }
        out.push(rest.trim().to_owned());
        return out;
    }
}

/// «La A-115 la pagamos el viernes y la A-120 el día 30», «la de septiembre te la pago el 16 y
/// la de octubre el 30»: a part without a verb that gives a day of its own after a promise
/// with a day is a promise for that day. Returns the part as a promise («pago …»), read so.
fn promised_again(left: &str, right: &str, received_at: DateTime<Utc>, tz: Tz) -> Option<String> {
    let before = understand(left, received_at, tz);
    let alone = understand(right, received_at, tz);
    let again = format!("pago {}", right.trim());
    let read = understand(&again, received_at, tz);
    (before.intent == Intent::Promise
        && before.promised_date.is_some()
        && says_nothing(&alone)
        && read.intent == Intent::Promise
        && read.promised_date.is_some()
        && read.promised_date != before.promised_date)
        .then_some(again)
}

/// Where a sentence may be cut between clauses: `(byte offset, separator length)`.
fn joints(s: &str) -> Vec<(usize, usize)> {
    let mut at: Vec<(usize, usize)> = [", ", " y ", " e ", " mientras que "]
        .iter()
        .flat_map(|sep| s.match_indices(sep).map(|(i, m)| (i, m.len())))
        .collect();
    at.sort_unstable();
    at
}

/// A clause about «el resto» after a unit that says its invoices are paid in full: the other
/// invoices ([`crate::understand::the_rest_after_paid`]).
fn rest_after_paid(
    clause: &str,
    before: Option<&Unit>,
    received_at: DateTime<Utc>,
    tz: Tz,
) -> bool {
    before.is_some_and(|u| {
        let said = std::iter::once(u.text.as_str())
            .chain(u.then.iter().map(String::as_str))
            .chain(std::iter::once(clause))
            .collect::<Vec<_>>()
            .join(". ");
        crate::understand::the_rest_after_paid(&said, received_at, tz)
    })
}

/// The words about the invoices `numbers`: the units that name any of them, each with the
/// sentences after it; `None` when none is named.
fn words_about(units: &[Unit], numbers: &[&str]) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for unit in units
        .iter()
        .filter(|u| u.names.iter().any(|n| numbers.contains(&n.as_str())))
    {
        words.push(&unit.text);
        words.extend(unit.then.iter().map(String::as_str));
    }
    (!words.is_empty()).then(|| words.join(". "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` read whole, then per invoice: `(numbers, intent)` per part, or `None`.
    fn split(numbers: &[&str], text: &str) -> Option<Vec<(Vec<String>, Intent)>> {
        let at: DateTime<Utc> = "2026-10-14T10:00:00Z".parse().unwrap();
        let tz = chrono_tz::Europe::Madrid;
        let reading = understand(text, at, tz);
        by_number(numbers, &[], &reading, text, at, tz).map(|groups| {
            groups
                .into_iter()
                .map(|(which, r)| {
                    (
                        which.iter().map(|&i| numbers[i].to_owned()).collect(),
                        r.intent,
                    )
                })
                .collect()
        })
    }
    fn part(numbers: &[&str], intent: Intent) -> (Vec<String>, Intent) {
        (numbers.iter().map(|n| n.to_string()).collect(), intent)
    }

    #[test]
    fn each_invoice_named_in_its_own_words_gets_its_own_answer() {
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "La F-10 ya la pagamos el lunes. La F-11 no la reconocemos: no hicimos ese pedido."
            ),
            Some(vec![
                part(&["F-10"], Intent::Paid),
                part(&["F-11"], Intent::Dispute)
            ])
        );
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Buenos días. La F-10 ya está pagada, la F-11 se la pago el viernes."
            ),
            Some(vec![
                part(&["F-10"], Intent::Paid),
                part(&["F-11"], Intent::Promise)
            ])
        );
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Ya pagué la F-10. La F-11 ¿podría pagarla en tres cuotas?"
            ),
            Some(vec![
                part(&["F-10"], Intent::Paid),
                part(&["F-11"], Intent::Plan)
            ])
        );
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12"],
                "La F-10 y la F-12 ya están pagadas. La F-11 no la reconozco.\nUn saludo"
            ),
            Some(vec![
                part(&["F-10", "F-12"], Intent::Paid),
                part(&["F-11"], Intent::Dispute)
            ])
        );
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "La F-10 ya la pagué y la F-11 no la reconozco"
            ),
            Some(vec![
                part(&["F-10"], Intent::Paid),
                part(&["F-11"], Intent::Dispute)
            ])
        );
    }

    /// Promises for different days: one per day (each invoice's promise on its own date).
    #[test]
    fn promises_on_different_days_are_different_answers() {
        let at: DateTime<Utc> = "2026-10-14T10:00:00Z".parse().unwrap();
        let tz = chrono_tz::Europe::Madrid;
        let text = "La F-10 se la pago el viernes. La F-11 se la pago el día 30.";
        let numbers = ["F-10", "F-11"];
        let groups = by_number(&numbers, &[], &understand(text, at, tz), text, at, tz).unwrap();
        let dates: Vec<(Vec<usize>, Intent, Option<String>)> = groups
            .into_iter()
            .map(|(w, r)| (w, r.intent, r.promised_date.map(|d| d.to_string())))
            .collect();
        assert_eq!(
            dates,
            [
                (vec![0], Intent::Promise, Some("2026-10-16".to_owned())),
                (vec![1], Intent::Promise, Some("2026-10-30".to_owned()))
            ]
        );
        // A day said once for both: one answer.
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12"],
                "Pagamos ayer la F-12. Pagaremos la F-10 y la F-11 el 23/10."
            ),
            Some(vec![
                part(&["F-10", "F-11"], Intent::Promise),
                part(&["F-12"], Intent::Paid)
            ])
        );
        // The same day for both: one answer, as before.
        assert_eq!(
            split(
                &numbers,
                "La F-10 se la pago el viernes. La F-11 también se la pago el viernes."
            ),
            None
        );
    }

    /// A blind tester's replies (`/tmp/probe6`, cases S37, S38, S07, S23, S16): the reply's
    /// own reading need not list every answer; the invoices' words do.
    #[test]
    fn the_invoices_words_decide_even_when_the_whole_reading_misses_an_answer() {
        assert_eq!(
            split(
                &["PE-2201", "PE-2214"],
                "Hola, la PE-2201 ya fue pagada. La PE-2214 no la reconocemos, la capacitación se canceló."
            ),
            Some(vec![
                part(&["PE-2201"], Intent::Paid),
                part(&["PE-2214"], Intent::Dispute)
            ])
        );
        assert_eq!(
            split(
                &["AR-33", "AR-41", "AR-48"],
                "Hola, te cuento:\nAR-33 pagada el 2/10.\nAR-41 la pago a principios de noviembre.\n\
                 AR-48 no corresponde, lo dimos de baja en agosto."
            ),
            Some(vec![
                part(&["AR-33"], Intent::Paid),
                part(&["AR-41"], Intent::Promise),
                part(&["AR-48"], Intent::Dispute)
            ])
        );
        assert_eq!(
            split(
                &["FAC-2026-0042", "FAC-2026-0057", "FAC-2026-0063"],
                "Buenas tardes. Respecto a la FAC-2026-0063, ¿me puede enviar el XML? No lo tenemos. \
                 Las facturas FAC-2026-0042 y FAC-2026-0057 ya quedaron liquidadas la semana pasada."
            ),
            Some(vec![
                part(&["FAC-2026-0042", "FAC-2026-0057"], Intent::Paid),
                part(&["FAC-2026-0063"], Intent::Question)
            ])
        );
        assert_eq!(
            split(
                &["PE-2201", "PE-2214"],
                "La factura PE-2201 ya fue cancelada mediante depósito el 8 de octubre. Respecto a \
                 la PE-2214, ¿podrían enviarnos el detalle de horas de la capacitación?"
            ),
            Some(vec![
                part(&["PE-2201"], Intent::Paid),
                part(&["PE-2214"], Intent::Question)
            ])
        );
    }

    /// More of the blind tester's replies (S35, S36, D04, D05, S13).
    #[test]
    fn a_part_paid_and_the_rest_promised_is_a_promise_of_the_rest() {
        assert_eq!(
            split(
                &["CO-2026-301", "CO-2026-318"],
                "Ayer hicimos un abono de $1.000.000 a la factura CO-2026-301; el saldo se lo \
                 cancelamos el 30 de octubre. La 318 queda para el 5 de noviembre."
            ),
            Some(vec![
                part(&["CO-2026-301"], Intent::Promise),
                part(&["CO-2026-318"], Intent::Promise)
            ])
        );
    }

    #[test]
    fn a_lead_in_does_not_cut_the_first_invoice_off() {
        assert_eq!(
            split(
                &["AR-33", "AR-41", "AR-48"],
                "Te cuento: la AR-41 y la AR-48 ya te las transferí el viernes. La AR-33 ¿te la \
                 puedo pagar en 3 cuotas?"
            ),
            Some(vec![
                part(&["AR-33"], Intent::Plan),
                part(&["AR-41", "AR-48"], Intent::Paid)
            ])
        );
        assert_eq!(
            without_lead_in("Le comento que la F-1 está pagada"),
            "la F-1 está pagada"
        );
        assert_eq!(without_lead_in("Mírame la F-1"), "Mírame la F-1");
        assert_eq!(without_lead_in("Fíjate, la F-1"), " la F-1");
    }

    #[test]
    fn clauses_are_cut_where_each_part_says_something() {
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12", "F-13"],
                "El viernes les pagamos la F-12 y la F-13. La F-11 ya la pagamos hace dos semanas. \
                 La F-10 está en revisión porque el transporte llegó con retraso y no estamos \
                 conformes con el importe."
            ),
            Some(vec![
                part(&["F-10"], Intent::Dispute),
                part(&["F-11"], Intent::Paid),
                part(&["F-12", "F-13"], Intent::Promise)
            ])
        );
        assert_eq!(
            split(
                &["CO-2026-301", "CO-2026-318"],
                "Buenas tardes, ya cancelamos la CO-2026-318 y quedamos pendientes de pagar la \
                 CO-2026-301 el próximo viernes 23 de octubre."
            ),
            Some(vec![
                part(&["CO-2026-301"], Intent::Promise),
                part(&["CO-2026-318"], Intent::Paid)
            ])
        );
        // «pero» goes on about the A-101: its words are a dispute, the A-115's a payment.
        assert_eq!(
            split(
                &["A-101", "A-115"],
                "La A-101 la pagamos el viernes pero no estamos de acuerdo con el importe, y la \
                 A-115 ya está pagada."
            ),
            Some(vec![
                part(&["A-101"], Intent::Dispute),
                part(&["A-115"], Intent::Paid)
            ])
        );
        assert_eq!(
            split(
                &["AR-33", "AR-41", "AR-48"],
                "Che, la AR-48 ya está paga. La AR-33 y la AR-41 te las pago en cuotas si puede \
                 ser, ¿podemos armar un plan?"
            ),
            Some(vec![
                part(&["AR-33", "AR-41"], Intent::Plan),
                part(&["AR-48"], Intent::Paid)
            ])
        );
        // Which is paid and which promised is not said: one reading.
        assert_eq!(
            split(
                &["FAC-2026-0042", "FAC-2026-0057", "FAC-2026-0063"],
                "De la FAC-2026-0042 y la FAC-2026-0057, una ya está pagada y la otra la pagamos \
                 el viernes, tengo que revisar cuál. La FAC-2026-0063 no la reconocemos."
            ),
            None
        );
    }

    /// Invoices named by their last digits (the tester's S29, S52).
    #[test]
    fn an_invoice_may_be_named_by_the_digits_it_ends_with() {
        assert_eq!(
            split(
                &["A-101", "A-115", "A-120"],
                "La 101 ya se pagó. La 115 la pagamos el viernes y la 120 a fin de mes."
            ),
            // Each promise on its own day (the viernes, the end of the month).
            Some(vec![
                part(&["A-101"], Intent::Paid),
                part(&["A-115"], Intent::Promise),
                part(&["A-120"], Intent::Promise)
            ])
        );
        assert_eq!(
            split(
                &["CO-2026-301", "CO-2026-318"],
                "La 301 ya fue cancelada y la 318 la pagamos el 30."
            ),
            Some(vec![
                part(&["CO-2026-301"], Intent::Paid),
                part(&["CO-2026-318"], Intent::Promise)
            ])
        );
        // The same digits end two of the reply's invoices: neither is named so.
        assert_eq!(
            split(
                &["A-101", "B-101"],
                "La 101 ya se pagó. La otra el viernes."
            ),
            None
        );
        // A day is not an invoice: «el 30» is not F-30.
        assert!(!by_short_form(
            "la pagamos el 30",
            "F-30",
            &["F-30", "F-31"]
        ));
    }

    #[test]
    fn any_doubt_leaves_the_reply_as_read() {
        // Words that say nothing alone.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Le pago la F-10 el viernes. La F-11 también."
            ),
            None
        );
        // One intent for both.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "La F-10 y la F-11 se las pago el viernes."
            ),
            None
        );
        // An invoice of the reply not named.
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12"],
                "La F-10 ya la pagué. La F-11 no la reconozco."
            ),
            None
        );
        // Both in one clause that says two things.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Lo de la F-10 y la F-11: una pagada y la otra no la reconozco."
            ),
            None
        );
        // An opt-out is about the client.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "No me escriban más. La F-10 ya la pagué y la F-11 no es asunto suyo."
            ),
            None
        );
        // One invoice.
        assert_eq!(
            split(&["F-10"], "La F-10 ya la pagué. No la reconozco."),
            None
        );
    }

    /// The day each group was promised, by its invoices.
    fn days(numbers: &[&str], text: &str) -> Option<Vec<(Vec<String>, Option<String>)>> {
        let at: DateTime<Utc> = "2026-10-14T10:00:00Z".parse().unwrap();
        let tz = chrono_tz::Europe::Madrid;
        let reading = understand(text, at, tz);
        by_number(numbers, &[], &reading, text, at, tz).map(|groups| {
            groups
                .into_iter()
                .map(|(which, r)| {
                    (
                        which.iter().map(|&i| numbers[i].to_owned()).collect(),
                        r.promised_date.map(|d| d.to_string()),
                    )
                })
                .collect()
        })
    }

    #[test]
    fn a_part_with_only_a_day_leans_on_the_promise_before_it() {
        let got = days(
            &["A-115", "A-120"],
            "La A-115 la pagamos el viernes 16 y la A-120 el día 30, es que ando corta este mes.",
        );
        assert_eq!(
            got,
            Some(vec![
                (vec!["A-115".to_owned()], Some("2026-10-16".to_owned())),
                (vec!["A-120".to_owned()], Some("2026-10-30".to_owned())),
            ])
        );
        // The same day twice is one promise: nothing to cut.
        assert_eq!(
            days(
                &["A-115", "A-120"],
                "La A-115 la pagamos el viernes 16 y la A-120 también."
            ),
            None
        );
    }

    #[test]
    fn invoices_named_by_their_place_get_their_answers() {
        let mut got = split(
            &["A-101", "A-115", "A-120"],
            "La primera ya está pagada, la segunda se la pagamos el lunes y la tercera no la \
             reconocemos.",
        )
        .expect("answered per invoice");
        got.sort();
        let mut want = vec![
            part(&["A-101"], Intent::Paid),
            part(&["A-115"], Intent::Promise),
            part(&["A-120"], Intent::Dispute),
        ];
        want.sort();
        assert_eq!(got, want);
        // «La primera semana» is a time.
        assert_eq!(
            split(
                &["A-101", "A-115"],
                "Les pagamos la primera semana de noviembre."
            ),
            None
        );
    }

    #[test]
    fn the_other_one_alone_is_the_invoice_not_named() {
        assert_eq!(
            split(
                &["F-101", "F-102"],
                "La F-101 ya la pagamos, la otra la pagamos el viernes"
            ),
            Some(vec![
                part(&["F-101"], Intent::Paid),
                part(&["F-102"], Intent::Promise)
            ])
        );
        assert_eq!(
            split(
                &["F-101", "F-102"],
                "La F-101 no la reconocemos, la otra la pagamos a fin de mes"
            ),
            Some(vec![
                part(&["F-101"], Intent::Dispute),
                part(&["F-102"], Intent::Promise)
            ])
        );
        // The other half of the same invoice, another account, next week: not an invoice.
        for text in [
            "La F-101 la pago hoy y la otra mitad el viernes",
            "La F-101 la pagamos desde la otra cuenta el viernes",
            "La F-101 esta semana no puedo, la otra le pago",
        ] {
            assert_eq!(split(&["F-101", "F-102"], text), None, "{text}");
        }
    }

    #[test]
    fn the_rest_after_one_paid_in_full_is_the_others() {
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12", "F-13"],
                "La F-12 ya se abonó el día 7 (adjunto justificante). El resto lo incluimos en \
                 el pago del 5 de noviembre."
            ),
            Some(vec![
                part(&["F-10", "F-11", "F-13"], Intent::Promise),
                part(&["F-12"], Intent::Paid)
            ])
        );
        // After a part paid, the rest is that invoice's: a part named as such, or a sum.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Le transferí ayer 300 € de los 1.250 de la F-10, el resto se lo pago a fin de mes."
            ),
            None
        );
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "Hicimos un abono a cuenta de la F-10. El resto lo pagamos el 5 de noviembre."
            ),
            None
        );
    }

    #[test]
    fn the_others_are_the_invoices_not_named() {
        assert_eq!(
            split(
                &["FAC-0042", "FAC-0057", "FAC-0063"],
                "La FAC-0042 ya fue pagada el 5 de octubre. Las otras dos se programan para \
                 pago el viernes 30."
            ),
            Some(vec![
                part(&["FAC-0042"], Intent::Paid),
                part(&["FAC-0057", "FAC-0063"], Intent::Promise)
            ])
        );
        // «La otra semana» is a date, not the other invoices.
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12"],
                "La F-10 ya la pagué la otra semana. La F-11 no la reconozco."
            ),
            None
        );
    }

    #[test]
    fn an_invoice_named_in_passing_keeps_the_answer_about_it() {
        assert_eq!(
            split(
                &["F-10", "F-12", "F-13"],
                "Las facturas F-10 y F-12 las pagaremos el próximo jueves. La F-13 no es \
                 correcta: los embalajes se facturaron dos veces (ya venían incluidos en la F-12)."
            ),
            Some(vec![
                part(&["F-10", "F-12"], Intent::Promise),
                part(&["F-13"], Intent::Dispute)
            ])
        );
    }

    #[test]
    fn words_of_their_own_that_say_nothing_known_go_to_a_person() {
        assert_eq!(
            split(
                &["F-10", "F-11", "F-12", "F-13"],
                "El viernes les transferimos 915 €, que corresponden a la F-12 y la F-13. La \
                 F-10 y la F-11 las vemos a final de mes."
            ),
            Some(vec![
                part(&["F-10", "F-11"], Intent::Other),
                part(&["F-12", "F-13"], Intent::Promise)
            ])
        );
        // A question about one invoice stays a question.
        assert_eq!(
            split(
                &["F-10", "F-11"],
                "De la F-10 no tengo la factura, ¿me la reenvían? La F-11 se paga el 15 de \
                 noviembre."
            ),
            Some(vec![
                part(&["F-10"], Intent::Question),
                part(&["F-11"], Intent::Promise)
            ])
        );
    }

    #[test]
    fn the_others_may_be_a_clause_of_the_sentence_that_names_one() {
        assert_eq!(
            days(
                &["AR-33", "AR-41", "AR-48"],
                "El AR-33 te lo transfiero mañana y los otros dos el viernes 23."
            ),
            Some(vec![
                (vec!["AR-33".to_owned()], Some("2026-10-15".to_owned())),
                (
                    vec!["AR-41".to_owned(), "AR-48".to_owned()],
                    Some("2026-10-23".to_owned())
                ),
            ])
        );
    }

    #[test]
    fn the_others_in_a_question_tag() {
        let got = days(
            &["AR-33", "AR-41", "AR-48"],
            "Hola! Sí, perdón, venimos con atraso. El AR-33 te lo transfiero mañana y los otros \
             dos la semana que viene, ¿dale?",
        );
        assert_eq!(got.map(|g| g.len()), Some(2));
        assert_eq!(
            split(
                &["A-101", "A-115", "A-120"],
                "La A-101 ya la pagamos y las demás se las pago el viernes."
            ),
            Some(vec![
                part(&["A-101"], Intent::Paid),
                part(&["A-115", "A-120"], Intent::Promise)
            ])
        );
    }
}
