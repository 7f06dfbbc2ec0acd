//! A client's own terms for being written to: «escríbanme solo por las mañanas», «solo por
//! correo», «no me llamen», «mi correo nuevo es…». Hours asked plainly (`super::asked_hours`) become
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

#[cfg(test)]
mod tests {
    use super::asks_another_contact;

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
