//! Hours a client asks to be written to within: «no me escriban antes de las 11», «escríbame
//! solo hasta las 6 de la tarde», «mándame mensajes de 9 a 2», «no me escriban antes de las 11
//! ni después de las 7 de la noche», «por las mañanas no me escriban». They become the client's
//! own (`client hours`, see `engine::apply`).
//!
//! A sentence asks for hours when it has a verb of writing to the client (attached to «me» or
//! «nos»: «escríbanme», «no me manden», «me los envíe»; not «le pago», «les escribo», «escriba a
//! contabilidad») and a time: an hour before or after which, a range, a part of the day. A time
//! denied («no», «ni», «tampoco», «nunca» before the verb, or before the time itself: «y no antes
//! de las 11») bounds the other way. Explicit hours go before parts of the day («por la tarde, de
//! 16 a 19 h» is 16:00-19:00). Descriptions without such a verb («la tienda abre solo por las
//! mañanas», «le pago antes de las 11») ask for nothing.

use chrono::NaiveTime;

use super::fold_str;
use crate::policy::TimeRange;

/// Words that deny what follows.
const NOT: [&str; 4] = ["no", "ni", "tampoco", "nunca"];

/// Verbs of writing to the client with the client as object attached («escríbanme»).
const WRITE_ME: &[&str] = &[
    "escribanme",
    "escribeme",
    "escribame",
    "escribime",
    "escribidme",
    "escribannos",
    "escribanos",
    "escribirme",
    "escribirnos",
    "mandenme",
    "mandame",
    "mandeme",
    "mandadme",
    "mandarme",
    "envienme",
    "enviame",
    "envieme",
    "enviadme",
    "enviarme",
    "contactenme",
    "contactame",
    "contacteme",
    "contactadme",
    "contactarme",
    "contactenos",
    "comuniquense",
    "comuniquese",
    "comunicate",
    "comunicarse",
    "comunicarte",
];

/// The same verbs bare, counted after «me» or «nos» («no me escriban», «me los envíe»).
const WRITE: &[&str] = &[
    "escriban",
    "escribas",
    "escriba",
    "escribais",
    "escriben",
    "escribes",
    "escribir",
    "manden",
    "mandes",
    "mande",
    "mandeis",
    "mandan",
    "mandar",
    "envien",
    "envies",
    "envie",
    "envieis",
    "envian",
    "enviar",
    "contacten",
    "contactes",
    "contacte",
    "contacteis",
    "contactan",
    "contactar",
    "molesten",
    "molestes",
    "moleste",
    "molesteis",
    "molestar",
    "busquen",
    "busques",
    "lleguen",
    "llegue",
    // The past subjunctive of a polite request: «le agradecería que me escribiera…».
    "escribiera",
    "escribieran",
    "escribieras",
    "escribierais",
    "escribiese",
    "escribiesen",
    "escribieses",
    "escribieseis",
    "mandara",
    "mandaran",
    "mandase",
    "mandasen",
    "enviara",
    "enviaran",
    "enviase",
    "enviasen",
    "contactara",
    "contactaran",
    "contactase",
    "contactasen",
    "molestara",
    "molestaran",
    "llegaran",
    "llegasen",
];

/// What is sent to the client, denied without a verb: «nada de mensajes después de las 9».
const MESSAGES: &[&str] = &[
    "mensajes",
    "mensaje",
    "correos",
    "correo",
    "avisos",
    "recordatorios",
    "emails",
    "mails",
    "whatsapps",
    "notificaciones",
];

/// Words that deny the messages named after them («nada de», «ningún», «sin»).
const NO_MESSAGES: &[&str] = &["nada", "ningun", "ninguna", "cero", "ni"];

/// Asking without a verb: «Solo por las mañanas, por favor».
const PLEASE: [&str; 4] = ["favor", "porfa", "porfavor", "fa"];

/// Words of paying: a sentence with one of them and no verb of writing asks for no hours
/// («solo puedo pagar por la tarde, por favor»).
const PAYING: [&str; 6] = ["pag", "deposit", "transf", "abon", "cancel", "liquid"];

/// Words that make a time the client's own wish even after a denied verb: «no me escriban
/// temprano, recién desde las 8 y media».
const BUT: [&str; 6] = ["recien", "solo", "solamente", "unicamente", "sino", "pero"];

/// Hour names: «la una», «las cuatro».
const HOUR_WORDS: [&str; 12] = [
    "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
    "doce",
];

/// The hours a client asks to be written to within, or `None` (see the module doc). The range
/// is in the client's local time, end exclusive; «from 11 on» ends at 23:59.
pub fn asked_hours(text: &str) -> Option<TimeRange> {
    let text = undotted_meridians(text);
    // «9.30» is an hour, not the end of a sentence.
    let chars: Vec<char> = text.chars().collect();
    let text: String = chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let digit = |k: Option<usize>| {
                k.and_then(|k| chars.get(k))
                    .is_some_and(char::is_ascii_digit)
            };
            if *c == '.' && digit(i.checked_sub(1)) && digit(Some(i + 1)) {
                ':'
            } else {
                *c
            }
        })
        .collect();
    text.split(['.', ';', '!', '?', '\n']).find_map(in_sentence)
}

/// «8 a.m.», «5 p. m.» as «8 am», «5 pm»: their dots end no sentence.
fn undotted_meridians(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after_hour = out.trim_end().ends_with(|p: char| p.is_ascii_digit());
        let lower = rest.get(..5).unwrap_or(rest).to_ascii_lowercase();
        let found = ["a. m.", "p. m.", "a.m.", "p.m.", "a.m", "p.m"]
            .into_iter()
            .find(|m| lower.starts_with(m));
        match found {
            Some(m) if after_hour => {
                out.push_str(if m.starts_with('a') { "am" } else { "pm" });
                rest = &rest[m.len()..];
            }
            _ => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// A time of day said, before it is known whether it is morning or afternoon.
#[derive(Debug, Clone, Copy)]
struct Said {
    hour: u32,
    minute: u32,
    /// `Some(true)`: «pm», «de la tarde»; `Some(false)`: «am», «de la mañana»; `None`: unsaid.
    afternoon: Option<bool>,
    /// A number alone («antes del 15»), with no «las», minutes or «h»: a day as likely as an
    /// hour, so not one unless a range says so («de 9 a 2»).
    plain: bool,
}

impl Said {
    /// The time meant: a small hour without «de la mañana» is the afternoon's (nobody asks not
    /// to be written to before four in the morning).
    fn time(self) -> Option<NaiveTime> {
        let hour = match self.afternoon {
            Some(true) if self.hour < 12 => self.hour + 12,
            None if (1..=6).contains(&self.hour) => self.hour + 12,
            _ => self.hour,
        };
        NaiveTime::from_hms_opt(hour.min(23), self.minute, 0)
    }

    /// The evening reading of an hour read as the morning's, for an end of the hours said as
    /// a limit: «hasta las 9», «como máximo a las 9», «no me escriban después de las 8» end at
    /// 21:00 and 20:00 (hours that end at nine in the morning would leave none in Spain's
    /// legal window); «escríbanme antes de las 8» stays the morning's (before work).
    fn evening(self) -> Option<NaiveTime> {
        let unsaid = self.afternoon.is_none() && (7..=9).contains(&self.hour);
        unsaid
            .then(|| NaiveTime::from_hms_opt(self.hour + 12, self.minute, 0))
            .flatten()
    }
}

/// One bound or range a sentence says.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Time {
    /// A bound, with the evening reading an end of the hours takes ([`Said::evening`]).
    Before(NaiveTime, Option<NaiveTime>),
    After(NaiveTime, Option<NaiveTime>),
    Between(NaiveTime, NaiveTime),
    /// «fuera del horario de 8 a 15 h»: denied, the hours between.
    Outside(NaiveTime, NaiveTime),
    Morning,
    Afternoon,
    Night,
    Early,
}

/// The words of `sentence`, folded, «10am» and «19hrs» split.
fn words_of(sentence: &str) -> Vec<String> {
    let folded = fold_str(&sentence.to_lowercase());
    let mut words = Vec::new();
    for w in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let digits = w.chars().take_while(char::is_ascii_digit).count();
        let rest = &w[digits..];
        if digits > 0 && matches!(rest, "am" | "pm" | "h" | "hs" | "hrs" | "m") {
            words.push(w[..digits].to_owned());
            words.push(rest.to_owned());
        } else {
            words.push(w.to_owned());
        }
    }
    words
}

/// The hour at `w[i..]` and the index after it: «las 11», «la una y media», «16:30», «6 de la
/// tarde», «10 am», «12 m», «mediodía».
fn hour_at(w: &[&str], i: usize) -> Option<(Said, usize)> {
    let at = |k: usize| w.get(k).copied().unwrap_or("");
    let mut k = i;
    // «el» only before «mediodía»: «hasta el 20» is a day.
    if at(k) == "el" && at(k + 1) == "mediodia" {
        k += 1;
    }
    let article = matches!(at(k), "las" | "la");
    if article {
        k += 1;
    }
    if at(k) == "mediodia" {
        let noon = Said {
            hour: 12,
            minute: 0,
            afternoon: Some(false),
            plain: false,
        };
        return Some((noon, k + 1));
    }
    let hour = match at(k).parse::<u32>() {
        Ok(h) if h <= 24 && at(k).len() <= 2 => h,
        Ok(_) => return None,
        Err(_) => HOUR_WORDS
            .iter()
            .position(|h| *h == at(k))
            .map(|p| p as u32 + 1)?,
    };
    k += 1;
    let mut minute = 0;
    let after_number = k;
    if at(k).len() == 2
        && let Ok(m) = at(k).parse::<u32>()
        && m < 60
    {
        minute = m;
        k += 1;
    } else if at(k) == "y" && matches!(at(k + 1), "media" | "cuarto") {
        minute = if at(k + 1) == "media" { 30 } else { 15 };
        k += 2;
    }
    let mut said = Said {
        hour,
        minute,
        afternoon: None,
        plain: false,
    };
    match (at(k), at(k + 1), at(k + 2)) {
        ("am", ..) => (said.afternoon, k) = (Some(false), k + 1),
        ("pm", ..) => (said.afternoon, k) = (Some(true), k + 1),
        ("m", ..) if hour == 12 => (said.afternoon, k) = (Some(false), k + 1),
        ("de", "la", "manana") => (said.afternoon, k) = (Some(false), k + 3),
        ("de", "la", "tarde" | "noche") => (said.afternoon, k) = (Some(true), k + 3),
        _ => {}
    }
    if matches!(at(k), "h" | "hs" | "hrs" | "horas") {
        k += 1;
    }
    said.plain = !article && k == after_number;
    Some((said, k))
}

/// The time said at `w[i..]`, if one starts there, and the index after it.
fn time_at(w: &[&str], i: usize) -> Option<(Time, usize)> {
    let at = |k: usize| w.get(k).copied().unwrap_or("");
    let hour = |k: usize| hour_at(w, k).and_then(|(s, end)| Some((s.time()?, s, end)));
    // A bound alone needs an hour that says it is one («antes de las 11», not «antes del 15»).
    let marked = |k: usize| hour(k).filter(|(_, s, _)| !s.plain);
    let of = |k: usize| matches!(at(k), "de" | "del" | "d");
    match at(i) {
        "entre" | "de" | "desde" if hour(i + 1).is_some() => {
            let (_, first, end) = hour(i + 1)?;
            let joined = match at(i) {
                "entre" => at(end) == "y",
                "de" => at(end) == "a",
                _ => at(end) == "hasta",
            };
            if let Some((_, mut second, after)) = joined.then(|| hour(end + 1)).flatten() {
                // «de 9 a 11 pm» (both in the evening), «de 9 a 2» (the second after noon).
                let mut first = first;
                if first.afternoon.is_none()
                    && second.afternoon == Some(true)
                    && first.hour <= second.hour
                {
                    first.afternoon = Some(true);
                }
                let (from, mut to) = (first.time()?, second.time()?);
                if to <= from && second.afternoon.is_none() && second.hour < 12 {
                    second.afternoon = Some(true);
                    to = second.time()?;
                }
                return Some((Time::Between(from, to), after));
            }
            let from = first.time()?;
            (at(i) == "desde" && !first.plain).then_some((Time::After(from, first.evening()), end))
        }
        // «Escríbanme antes de las 8» may well be before work: the morning's.
        "antes" if of(i + 1) => marked(i + 2).map(|(t, _, end)| (Time::Before(t, None), end)),
        // «No me escribas hasta después de las 10»: not before 10.
        "hasta" if matches!(at(i + 1), "despues" | "luego") && of(i + 2) => {
            marked(i + 3).map(|(t, _, end)| (Time::Before(t, None), end))
        }
        "hasta" if at(i + 1) == "pasadas" => {
            marked(i + 2).map(|(t, _, end)| (Time::Before(t, None), end))
        }
        "hasta" => marked(i + 1).map(|(t, s, end)| (Time::Before(t, s.evening()), end)),
        "fuera" if of(i + 1) => {
            let k = if at(i + 2) == "horario" { i + 3 } else { i + 2 };
            match time_at(w, k)? {
                (Time::Between(a, b), end) => Some((Time::Outside(a, b), end)),
                _ => None,
            }
        }
        "maximo" if at(i + 1) == "a" => {
            marked(i + 2).map(|(t, s, end)| (Time::Before(t, s.evening()), end))
        }
        // «más tarde de las 6», «más temprano de las 9».
        "mas" if matches!(at(i + 1), "tarde" | "temprano") && of(i + 2) => {
            marked(i + 3).map(|(t, s, end)| match at(i + 1) {
                "tarde" => (Time::After(t, s.evening()), end),
                _ => (Time::Before(t, None), end),
            })
        }
        "despues" | "luego" | "pasadas" if of(i + 1) || at(i) == "pasadas" => {
            let k = if at(i) == "pasadas" { i + 1 } else { i + 2 };
            if let Some((t, s, end)) = marked(k) {
                return Some((Time::After(t, s.evening()), end));
            }
            // «después de comer», «después del almuerzo».
            let meal = matches!(at(k), "comer" | "almorzar" | "almuerzo" | "comida")
                || matches!((at(k), at(k + 1)), ("la", "comida") | ("el", "almuerzo"));
            let three = NaiveTime::from_hms_opt(15, 0, 0)?;
            meal.then_some((Time::After(three, None), k + 1))
        }
        "a" if at(i + 1) == "partir" && of(i + 2) => {
            marked(i + 3).map(|(t, s, end)| (Time::After(t, s.evening()), end))
        }
        _ => part_at(w, i),
    }
}

/// The part of the day said at `w[i..]`, if one starts there, and the index after it.
fn part_at(w: &[&str], i: usize) -> Option<(Time, usize)> {
    let at = |k: usize| w.get(k).copied().unwrap_or("");
    match at(i) {
        // «Escríbanme de mañana» (in the River Plate: in the morning), right after the verb.
        "de" if i >= 1
            && matches!(at(i + 1), "manana" | "tarde" | "noche")
            && (WRITE_ME.contains(&at(i - 1))
                || BUT.contains(&at(i - 1))
                || at(i - 1) == "mejor") =>
        {
            match at(i + 1) {
                "manana" => Some((Time::Morning, i + 2)),
                "tarde" => Some((Time::Afternoon, i + 2)),
                "noche" => Some((Time::Night, i + 2)),
                _ => None,
            }
        }
        "por" | "en" | "a" | "de" if matches!(at(i + 1), "la" | "las") => match at(i + 2) {
            "manana" | "mananas" => Some((Time::Morning, i + 3)),
            "tarde" | "tardes" => Some((Time::Afternoon, i + 3)),
            "noche" | "noches" => Some((Time::Night, i + 3)),
            _ => None,
        },
        "temprano" => Some((Time::Early, i + 1)),
        // «en horario de oficina», «en horario laboral».
        "horario"
            if at(i + 1) == "laboral"
                || (at(i + 1) == "de" && matches!(at(i + 2), "oficina" | "trabajo")) =>
        {
            let (nine, six) = (
                NaiveTime::from_hms_opt(9, 0, 0)?,
                NaiveTime::from_hms_opt(18, 0, 0)?,
            );
            let end = if at(i + 1) == "laboral" { i + 2 } else { i + 3 };
            Some((Time::Between(nine, six), end))
        }
        _ => None,
    }
}

/// Where the sentence's verb of writing to the client is, and whether it is denied; `w.len()`
/// for a request without one («solo por las mañanas, por favor»: not about paying); `None` when
/// the sentence asks nothing. Denied: «no», «ni», «tampoco», «nunca» in the three words before
/// it, or before «se os ocurra» («ni se os ocurra escribirme…»); «nada de mensajes…», without
/// a verb, is one denied.
fn the_verb(w: &[&str]) -> Option<(usize, bool)> {
    let me = |k: usize| {
        w[k.saturating_sub(2)..k]
            .iter()
            .any(|p| matches!(*p, "me" | "nos"))
    };
    let denied = |k: usize| w[k.saturating_sub(3)..k].iter().any(|p| NOT.contains(p));
    let verb = (0..w.len()).find(|&k| WRITE_ME.contains(&w[k]) || (WRITE.contains(&w[k]) && me(k)));
    if let Some(verb) = verb {
        let dared = verb >= 1 && w[verb - 1] == "ocurra" && denied(verb - 1);
        return Some((verb, denied(verb) || dared));
    }
    // The time right after the messages: «sin correo desde el lunes, ¿me la reenvían antes de
    // las 12?» asks for no hours.
    let no_messages = (0..w.len()).find(|&k| {
        MESSAGES.contains(&w[k])
            && w[k.saturating_sub(2)..k]
                .iter()
                .any(|p| NO_MESSAGES.contains(p))
            && time_at(w, k + 1).is_some()
    });
    if let Some(k) = no_messages {
        return Some((k, true));
    }
    // «Solo por las mañanas, por favor»: asked, without a verb, unless it is about paying.
    let polite = w.iter().any(|x| PLEASE.contains(x))
        && !w.iter().any(|x| PAYING.iter().any(|p| x.starts_with(p)));
    polite.then_some((w.len(), false))
}

/// [`asked_hours`] in one sentence.
fn in_sentence(sentence: &str) -> Option<TimeRange> {
    let owned = words_of(sentence);
    let w: Vec<&str> = owned.iter().map(String::as_str).collect();
    let (verb, verb_denied) = the_verb(&w)?;
    let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0);
    let (mut lower, mut upper) = (None::<NaiveTime>, None::<NaiveTime>);
    let mut parts = Vec::new();
    let mut k = 0;
    while k < w.len() {
        let Some((time, end)) = time_at(&w, k) else {
            k += 1;
            continue;
        };
        // Denied: right before it («y no antes de las 11»), or by the verb it follows, or by
        // the denied verb right after it («por las mañanas no me escriban»).
        let own_not = k >= 1 && NOT.contains(&w[k - 1]) || k >= 2 && NOT.contains(&w[k - 2]);
        let own_yes = k >= 1 && BUT.contains(&w[k - 1]);
        let after_verb = verb_denied && (k > verb || w.get(end).is_some_and(|n| NOT.contains(n)));
        let negated = own_not || (after_verb && !own_yes);
        let mut bound = |low: Option<NaiveTime>, high: Option<NaiveTime>| {
            lower = lower.max(low);
            upper = match (upper, high) {
                (Some(u), Some(h)) => Some(u.min(h)),
                (u, h) => u.or(h),
            };
        };
        match (time, negated) {
            // An end of the hours said with a morning hour that could be the evening's is.
            (Time::Before(h, evening), false) | (Time::After(h, evening), true) => {
                bound(None, Some(evening.unwrap_or(h)));
            }
            (Time::After(h, _), false) | (Time::Before(h, _), true) => bound(Some(h), None),
            (Time::Between(a, b), false) => bound(Some(a), Some(b)),
            (Time::Between(..), true) | (Time::Outside(..), false) => {}
            (Time::Outside(a, b), true) => bound(Some(a), Some(b)),
            (part, negated) => parts.push((part, negated)),
        }
        k = end.max(k + 1);
    }
    let (lower, upper) = with_parts((lower, upper), &parts);
    if lower.is_none() && upper.is_none() {
        return None;
    }
    TimeRange::new(lower.or(t(0, 0))?, upper.or(t(23, 59))?)
}

/// The bounds `(lower, upper)` a sentence's hours gave, or, without hours, its parts of the
/// day: the first part asked for («solo por las mañanas…, en la tarde estoy en obra»: the
/// afternoon is a description), and every one denied. (With one bound the parts are left:
/// «a partir de mediodía, en la mañana estoy en juntas», «en la tarde noche, después de las 6».)
fn with_parts(
    (mut lower, mut upper): (Option<NaiveTime>, Option<NaiveTime>),
    parts: &[(Time, bool)],
) -> (Option<NaiveTime>, Option<NaiveTime>) {
    if lower.is_some() || upper.is_some() {
        return (lower, upper);
    }
    let t = |h: u32| NaiveTime::from_hms_opt(h, 0, 0);
    let first = parts.iter().position(|(_, negated)| !negated);
    for (index, (part, negated)) in parts.iter().enumerate() {
        if !negated && Some(index) != first {
            continue;
        }
        let (low, high) = match (part, negated) {
            (Time::Morning, false) => (t(8), t(13)),
            (Time::Afternoon, false) => (t(15), t(20)),
            (Time::Morning, true) => (t(12), None),
            (Time::Afternoon, true) => (None, t(14)),
            (Time::Night, true) => (None, t(20)),
            (Time::Early, true) => (t(10), None),
            _ => continue,
        };
        lower = lower.max(low);
        upper = upper.or(high);
    }
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::asked_hours;

    /// Requests for hours, and the hours read: denials («ni», «tampoco»), explicit hours
    /// before parts of the day, two bounds, minutes in words, voseo, «de X a Y», glued «pm»,
    /// asking without a verb (most from an outside blind test, hours32).
    const REQUESTS: &[(&str, &str)] = &[
        ("Porfa no me escriban antes de las 11", "11:00-23:59"),
        (
            "Porfa escríbeme solo por correo, y no antes de las 11. Gracias",
            "11:00-23:59",
        ),
        (
            "No me manden mensajes antes de las 9:30, por favor.",
            "09:30-23:59",
        ),
        (
            "No me manden mensajes antes de las 9.30, por favor.",
            "09:30-23:59",
        ),
        (
            "Escríbanme después de las 4, en la mañana estoy en obra.",
            "16:00-23:59",
        ),
        ("Prefiero que me escriban por la tarde.", "15:00-20:00"),
        (
            "Escríbanme solo por las mañanas y solo por correo electrónico.",
            "08:00-13:00",
        ),
        (
            "No me escriban después de las 2 de la tarde.",
            "00:00-14:00",
        ),
        ("Contáctenme entre las 10 y las 12, gracias.", "10:00-12:00"),
        ("Escríbanme a partir del mediodía", "12:00-23:59"),
        ("no me escribas tan temprano porfa", "10:00-23:59"),
        ("no me marquen ni me escriban en las mañanas", "12:00-23:59"),
        ("ni me llamen ni me escriban antes de las 11", "11:00-23:59"),
        ("Escribame solo hasta las 6 de la tarde", "00:00-18:00"),
        ("Escríbanme por la tarde, de 16 a 19 h", "16:00-19:00"),
        ("Escríbanme solo en la mañana, de 8 a 12", "08:00-12:00"),
        (
            "No me escriban antes de las 11 y ya no me manden nada despues de las 7 de la noche",
            "11:00-19:00",
        ),
        ("no me escriban antes de las once y media", "11:30-23:59"),
        ("A partir de las 12 sí, antes no me escriban", "12:00-23:59"),
        ("Mandame mensajes entre las 9 y las 11", "09:00-11:00"),
        ("escribime despues de las 11:30", "11:30-23:59"),
        ("Escribime de 10 a 13 hs", "10:00-13:00"),
        ("Escríbanme de 9 a 2 de la tarde", "09:00-14:00"),
        ("Escríbanme de 2 a 5 pm", "14:00-17:00"),
        ("Escríbanme de 8 a 10 pm", "20:00-22:00"),
        ("Escríbanme en horario de oficina, por favor", "09:00-18:00"),
        (
            "Solo en horario de oficina por favor (9am a 6pm)",
            "09:00-18:00",
        ),
        ("no me escriban antes d las 10am", "10:00-23:59"),
        ("escribanme despues de las 6pm", "18:00-23:59"),
        // An end said as a limit is the evening's; a start, or «antes de», the morning's.
        ("Pueden escribirme como máximo hasta las 9", "00:00-21:00"),
        ("Por favor no me escriban más tarde de las 6", "00:00-18:00"),
        ("No me escriban después de las 8", "00:00-20:00"),
        (
            "Escríbanme antes de las 8, que luego entro a trabajar",
            "00:00-08:00",
        ),
        ("no me escriban más temprano de las 10", "10:00-23:59"),
        ("Escríbanme desde las 8", "08:00-23:59"),
        ("Escríbanme después del mediodía", "12:00-23:59"),
        ("Mejor contáctenme después de comer", "15:00-23:59"),
        ("Escríbame desde las nueve y cuarto", "09:15-23:59"),
        (
            "los mensajes me los envíe después de las 12:00 hrs",
            "12:00-23:59",
        ),
        ("Por las mañanas no me escriban", "12:00-23:59"),
        (
            "Solo por las mañanas por favor, en la tarde estoy en obra",
            "08:00-13:00",
        ),
        (
            "Favor comunicarse conmigo de 14:00 a 18:00 hrs",
            "14:00-18:00",
        ),
        ("Por favor comuníquense después del mediodía", "12:00-23:59"),
        (
            "solo de lunes a viernes de 10 a 17 hrs porfavor",
            "10:00-17:00",
        ),
        (
            "que los recordatorios me lleguen en la tarde noche, despues de las 6pm",
            "18:00-23:59",
        ),
        (
            "Entre las 9 y las 11 de la mañana, por favor, es cuando puedo leer el correo",
            "09:00-11:00",
        ),
        (
            "No me escriban de madrugada ni muy temprano, recién desde las 8 y media",
            "08:30-23:59",
        ),
        ("Despues de almuerzo por fa, en la mañana no", "15:00-23:59"),
        // A second outside blind test (hours33): denials without «no me escriban», polite
        // past subjunctives, «fuera del horario», dotted «a.m.», the River Plate «de mañana».
        (
            "Les pago la semana que viene sin falta. Y por favor, nada de mensajes después de las 9 de la noche.",
            "00:00-21:00",
        ),
        ("nada de mensajes antes de las 9.", "09:00-23:59"),
        (
            "Mirá, no me escribas hasta después de las 10, que duermo",
            "10:00-23:59",
        ),
        (
            "Ni se os ocurra escribirme antes de las 9, ¿vale?",
            "09:00-23:59",
        ),
        (
            "Le ruego que no me envíe mensajes fuera del horario de 8 a 15 h, ya que después no estoy en la empresa.",
            "08:00-15:00",
        ),
        (
            "Le agradecería que me escribiera entre las 15:00 y las 17:30 horas.",
            "15:00-17:30",
        ),
        (
            "Solicito que los mensajes de cobro me lleguen únicamente en horario de 8 a.m. a 5 p.m.",
            "08:00-17:00",
        ),
        (
            "Hola buenas, os agradecería que no me escribieseis más tarde de las 8 de la tarde.",
            "00:00-20:00",
        ),
        (
            "Les voy a transferir el lunes. Escríbanme de mañana, que a la tarde atiendo el negocio.",
            "08:00-13:00",
        ),
    ];

    /// Times that are not hours to be written to within.
    const CONTROLS: &[&str] = &[
        "Le atenderemos en horario de oficina a mi regreso.",
        "Cuando me llegue el bono de Navidad te pago, antes del 15",
        "No me escriban hasta el 20, estoy de viaje",
        "Le pago antes de las 11 del viernes.",
        "Le escribo después de las 4 para confirmarle.",
        "Ya pagué esta mañana.",
        "Le pago el viernes por la tarde.",
        "Solo puedo pagar por la tarde.",
        "Mi contador trabaja solo en las mañanas, él les va a pagar el viernes",
        "La tienda abre solo por las mañanas",
        "No me manden más recordatorios. El lunes antes de las 11 les deposito.",
        "Escriban a contabilidad antes del viernes.",
        "Atendemos de 10 a 13 hs",
        "Solo puedo pagar por la tarde, por favor.",
        "Llevo una semana sin correo, ¿me reenvían la factura antes de las 12?",
        "Nada de mensajes de su parte desde el lunes; le pago antes de las 11.",
        "Le pago a las 9 a.m. del lunes.",
    ];

    #[test]
    fn the_hours_a_client_asks_for_are_read() {
        for (text, hours) in REQUESTS {
            let read = asked_hours(text).map(|h| h.to_string());
            assert_eq!(read.as_deref(), Some(*hours), "{text}");
        }
    }

    #[test]
    fn times_that_ask_for_nothing_are_not_hours() {
        for text in CONTROLS {
            assert_eq!(asked_hours(text), None, "{text}");
        }
    }
}
