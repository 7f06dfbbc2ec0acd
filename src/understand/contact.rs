//! A client's own terms for being written to: «escríbanme solo por las mañanas», «solo por
//! correo», «no me llamen», «mi correo nuevo es…». Hours asked plainly ([`asked_hours`]) become
//! the client's own (`client hours`); cobrador does not change a client's channel or address by
//! itself (a person sets them in the client's file): such words, beside a promise or a claim
//! that is applied, are for the owner to read (see `engine::apply`).

use super::fold_str;

/// Channels a client may ask for or against.
const CHANNELS: [&str; 11] = [
    "correo", "email", "mail", "e mail", "telegram", "whatsapp", "wasap", "telefono", "sms",
    "carta", "escrito",
];

/// Parts of the day, and days, a client may limit us to.
const TIMES: [&str; 7] = [
    "las mananas",
    "la manana",
    "las tardes",
    "la tarde",
    "de manana",
    "entre semana",
    "horario de oficina",
];

/// Whether `text` asks to be written to another way, at other times, or at another address.
pub fn asks_another_contact(text: &str) -> bool {
    let folded = fold_str(text);
    let words = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let padded = format!(" {words} ");
    let only = |what: &str| {
        [
            "solo por",
            "solamente por",
            "unicamente por",
            "solo en",
            "solo de",
            "solo a",
        ]
        .iter()
        .any(|o| padded.contains(&format!(" {o} {what} ")))
    };
    CHANNELS.iter().chain(TIMES.iter()).any(|w| only(w))
        || CHANNELS
            .iter()
            .any(|c| padded.contains(&format!(" prefiero que me escriban por {c} ")))
        || [
            " no me llamen ",
            " no me llames ",
            " no nos llamen ",
            " mi nuevo correo ",
            " mi correo nuevo ",
            " nuestro nuevo correo ",
            " nuestro correo nuevo ",
            " escribanme a ",
            " escribanos a ",
            " escribeme a ",
            " a partir de ahora escriban a ",
            " no me escriban los fines de semana ",
            " no me escriban por la noche ",
        ]
        .iter()
        .any(|p| padded.contains(p))
}

/// Verbs for writing to the client, folded, negated in «no me escriban antes de las 11».
const WRITE: [&str; 16] = [
    "escriban",
    "escribas",
    "escriba",
    "escribais",
    "manden",
    "mandes",
    "envien",
    "envies",
    "contacten",
    "contactes",
    "molesten",
    "molestes",
    "escriben",
    "mandan",
    "envian",
    "contactan",
];

/// The same asked for: «escríbanme después de las 4», «prefiero que me escriban por la tarde».
const WRITE_TO_ME: [&str; 16] = [
    "escribanme",
    "escribeme",
    "escribame",
    "escribannos",
    "escribanos",
    "contactenme",
    "contacteme",
    "contactame",
    "mandenme",
    "envienme",
    "escribirme",
    "contactarme",
    "escriban",
    "escribas",
    "contacten",
    "escriba",
];

/// Words read as an hour: «las 11», «la una», «las cuatro», «el mediodía».
fn hour_word(word: &str) -> Option<u32> {
    const WORDS: [&str; 12] = [
        "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once",
        "doce",
    ];
    match word.parse::<u32>() {
        Ok(h) if h <= 23 => Some(h),
        Ok(_) => None,
        Err(_) => WORDS.iter().position(|w| *w == word).map(|i| i as u32 + 1),
    }
}

/// The hour at `words[i..]` («las 11», «las 4 de la tarde», «las 16 30», «mediodía»): the
/// time of day, a small hour without «de la mañana» or «am» read as the afternoon's (nobody
/// asks not to be written to before four in the morning).
fn hour_at(words: &[&str], i: usize) -> Option<chrono::NaiveTime> {
    let at = |k: usize| words.get(i + k).copied().unwrap_or("");
    if at(0) == "mediodia" || (at(0) == "el" && at(1) == "mediodia") {
        return chrono::NaiveTime::from_hms_opt(12, 0, 0);
    }
    if !matches!(at(0), "las" | "la") {
        return None;
    }
    let hour = hour_word(at(1))?;
    let minutes = at(2)
        .parse::<u32>()
        .ok()
        .filter(|m| *m < 60 && at(2).len() == 2);
    let next = if minutes.is_some() { 3 } else { 2 };
    let morning = matches!(at(next), "am") || (at(next) == "de" && at(next + 2) == "manana");
    let afternoon =
        matches!(at(next), "pm") || (at(next) == "de" && matches!(at(next + 2), "tarde" | "noche"));
    let hour = if hour < 12 && (afternoon || (!morning && hour <= 7)) {
        hour + 12
    } else {
        hour
    };
    chrono::NaiveTime::from_hms_opt(hour, minutes.unwrap_or(0), 0)
}

/// The hours a client asks to be written to within, when it says so plainly: «no me escriban
/// antes de las 11» (11:00 to the end of the day), «escríbanme después de las 4» (16:00 on),
/// «no me manden mensajes después de las 2» (until 14:00), «prefiero que me escriban por la
/// tarde» (16:00-20:00), «solo por las mañanas» (08:00-13:00), «entre las 9 y las 11». `None`
/// for hours that are not about writing to the client («le pago antes de las 11»).
pub fn asked_hours(text: &str) -> Option<crate::policy::TimeRange> {
    text.split(['.', ';', '!', '?', '\n'])
        .find_map(hours_in_sentence)
}

/// [`asked_hours`] in one sentence: a verb of writing to the client, then within a few words
/// the hours («no me manden más recordatorios; el lunes antes de las 11 les deposito» asks
/// for none).
fn hours_in_sentence(sentence: &str) -> Option<crate::policy::TimeRange> {
    use crate::policy::TimeRange;
    let folded = fold_str(&sentence.to_lowercase());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let t = |h: u32, m: u32| chrono::NaiveTime::from_hms_opt(h, m, 0);
    let (day_start, day_end) = (t(0, 0)?, t(23, 59)?);
    let part_of_day = |i: usize| -> Option<&'static str> {
        let w = |k: usize| words.get(i + k).copied().unwrap_or("");
        if !matches!(w(0), "por" | "en" | "de") || !matches!(w(1), "la" | "las") {
            return (w(0) == "temprano").then_some("morning");
        }
        match w(2) {
            "manana" | "mananas" => Some("morning"),
            "tarde" | "tardes" => Some("afternoon"),
            "noche" | "noches" => Some("night"),
            _ => None,
        }
    };
    for (i, word) in words.iter().enumerate() {
        let negated = WRITE.contains(word) && words[i.saturating_sub(3)..i].contains(&"no");
        let asked = WRITE_TO_ME.contains(word) && !negated;
        // «solo por las mañanas», with or without a verb before it.
        let only = matches!(*word, "solo" | "solamente" | "unicamente");
        if !negated && !asked && !only {
            continue;
        }
        // «solo por las mañanas»: right after; a verb: within six words.
        let reach = if only { 2 } else { 7 };
        for j in i + 1..(i + reach).min(words.len()) {
            let (w0, w1) = (words[j], words.get(j + 1).copied().unwrap_or(""));
            // «escríbeme solo por correo, y no antes de las 11»: the hours' own «no».
            let negated = negated != matches!(words[j - 1], "no" | "nunca");
            let range = match (w0, w1) {
                ("antes", "de") | ("antes", "del") => {
                    let h = hour_at(&words, j + 2)?;
                    if negated {
                        TimeRange::new(h, day_end)
                    } else {
                        TimeRange::new(day_start, h)
                    }
                }
                ("despues", "de") | ("despues", "del") | ("partir", "de") | ("partir", "del") => {
                    let h = hour_at(&words, j + 2)?;
                    if negated {
                        TimeRange::new(day_start, h)
                    } else {
                        TimeRange::new(h, day_end)
                    }
                }
                ("entre", _) if !negated => {
                    let from = hour_at(&words, j + 1)?;
                    let and = (j + 2..j + 6).find(|k| words.get(*k) == Some(&"y"))?;
                    TimeRange::new(from, hour_at(&words, and + 1)?)
                }
                _ => match (part_of_day(j), negated) {
                    (Some("morning"), false) => TimeRange::new(t(8, 0)?, t(13, 0)?),
                    (Some("afternoon"), false) => TimeRange::new(t(16, 0)?, t(20, 0)?),
                    (Some("morning"), true) => TimeRange::new(t(13, 0)?, day_end),
                    (Some("afternoon"), true) => TimeRange::new(day_start, t(14, 0)?),
                    (Some("night"), true) => TimeRange::new(day_start, t(20, 0)?),
                    _ => continue,
                },
            };
            return range;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{asked_hours, asks_another_contact};

    #[test]
    fn the_hours_a_client_asks_for_are_read() {
        for (text, hours) in [
            ("Porfa no me escriban antes de las 11", Some("11:00-23:59")),
            (
                "Porfa escríbeme solo por correo, y no antes de las 11. Gracias",
                Some("11:00-23:59"),
            ),
            (
                "No me manden mensajes antes de las 9:30, por favor.",
                Some("09:30-23:59"),
            ),
            (
                "Escríbanme después de las 4, en la mañana estoy en obra.",
                Some("16:00-23:59"),
            ),
            (
                "Prefiero que me escriban por la tarde.",
                Some("16:00-20:00"),
            ),
            (
                "Escríbanme solo por las mañanas y solo por correo electrónico.",
                Some("08:00-13:00"),
            ),
            (
                "No me escriban después de las 2 de la tarde.",
                Some("00:00-14:00"),
            ),
            (
                "Contáctenme entre las 10 y las 12, gracias.",
                Some("10:00-12:00"),
            ),
            ("a partir del mediodía escríbanme", None),
            ("Escríbanme a partir del mediodía", Some("12:00-23:59")),
            ("no me escribas tan temprano porfa", Some("13:00-23:59")),
            ("Le pago antes de las 11 del viernes.", None),
            ("Le escribo después de las 4 para confirmarle.", None),
            ("Ya pagué esta mañana.", None),
            ("Le pago el viernes por la tarde.", None),
            ("Solo puedo pagar por la tarde.", None),
            ("Solo por las tardes, por favor.", Some("16:00-20:00")),
            (
                "No me manden más recordatorios. El lunes antes de las 11 les deposito.",
                None,
            ),
            ("Escriban a contabilidad antes del viernes.", None),
        ] {
            assert_eq!(
                asked_hours(text).map(|h| h.to_string()).as_deref(),
                hours,
                "{text}"
            );
        }
    }

    #[test]
    fn a_clients_terms_for_being_written_to_are_seen() {
        for t in [
            "Escríbanme solo por las mañanas y solo por correo electrónico. Pagaremos a final de mes.",
            "Le pago el viernes. Por favor, solo por WhatsApp.",
            "No me llamen, estoy en reuniones; el 15 les pago.",
            "Mi nuevo correo es pagos@nueva.example, ya está pagado.",
        ] {
            assert!(asks_another_contact(t), "{t}");
        }
        for t in [
            "Le pago el viernes por transferencia.",
            "Ya pagué, les mando el comprobante por correo.",
            "Solo por esta vez le pido unos días más.",
            "La pago mañana por la mañana.",
        ] {
            assert!(!asks_another_contact(t), "{t}");
        }
    }
}
