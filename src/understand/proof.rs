//! «Le adjunto el comprobante», «ahí va el justificante», «la referencia es 4471220», «folio
//! 88123»: the client sends or quotes the proof of a payment. The acknowledgement of a paid
//! claim then thanks for it instead of asking for it again.

use super::normalise::{Kind, Token, fold, tokenise};

/// Verbs that say something goes with the message («le adjunto», «anexo»).
const ATTACH: [&str; 10] = [
    "adjunto",
    "adjunta",
    "adjuntamos",
    "adjunte",
    "adjuntado",
    "adjuntada",
    "anexo",
    "anexamos",
    "anexe",
    "adjuntos",
];

/// Verbs that send something («le envío el justificante», «ahí va el comprobante»).
const SEND: [&str; 16] = [
    "envio",
    "enviamos",
    "mando",
    "mandamos",
    "paso",
    "pasamos",
    "comparto",
    "compartimos",
    "remito",
    "remitimos",
    "va",
    "van",
    "aqui",
    "aca",
    "envie",
    "mande",
];

/// What proves a payment.
const RECEIPTS: [&str; 8] = [
    "comprobante",
    "justificante",
    "voucher",
    "recibo",
    "captura",
    "pantallazo",
    "constancia",
    "comprobantes",
];

/// Words a payment's reference follows («referencia 4471220», «folio: 88123», «n.º de
/// operación 99812», «clave de rastreo 0838…»).
const REFERENCES: [&str; 7] = [
    "referencia",
    "ref",
    "folio",
    "operacion",
    "rastreo",
    "transaccion",
    "autorizacion",
];

/// How far after a reference word its number may come («la referencia de la transferencia es
/// 4471220»).
const REFERENCE_REACH: usize = 7;

/// Whether the reply gives the proof of a payment: it quotes the payment's reference
/// («referencia 4471220», «folio: 88123»), or says the receipt goes with it («le adjunto el
/// comprobante», «ahí va el justificante») and `file_seen`: a file sent with it reaches a
/// person (a file sent to the bot without an owner's chat does not). An offer or a question
/// («¿le adjunto el comprobante?», «si quiere le mando el justificante») or a denial («no
/// tengo el comprobante») is not.
pub fn gives_proof(text: &str, file_seen: bool) -> bool {
    let folded = fold(text);
    let toks = tokenise(&folded);
    (0..toks.len()).any(|i| {
        let given =
            reference_at(&toks, i) || file_seen && receipt_at(&toks, i) && !put_off(&toks, i);
        given && !asked_or_denied(&toks, i)
    })
}

/// «Comprobante», «el justificante», «pago»: the caption of a file that is, by its words, the
/// proof of a payment (a few words, all of them a receipt's name or an article; no question).
pub fn is_receipt_caption(text: &str) -> bool {
    const RECEIPT: [&str; 12] = [
        "comprobante",
        "justificante",
        "voucher",
        "resguardo",
        "recibo",
        "captura",
        "pantallazo",
        "transferencia",
        "deposito",
        "consignacion",
        "pago",
        "spei",
    ];
    const FILLER: [&str; 9] = ["el", "la", "de", "del", "mi", "su", "aqui", "ahi", "va"];
    if text.contains('?') {
        return false;
    }
    let folded = fold(text);
    let words: Vec<&str> = tokenise(&folded)
        .into_iter()
        .filter(|t| t.kind == Kind::Word)
        .map(|t| t.text)
        .collect();
    words.len() <= 5
        && words.iter().any(|w| RECEIPT.contains(w))
        && words
            .iter()
            .all(|w| RECEIPT.contains(w) || FILLER.contains(w))
}

/// Words that put a sending off («ahorita te mando», «luego le paso», «en un rato», «en cuanto
/// pueda», «más tarde», «se lo mando mañana»).
const PUT_OFF: [&str; 8] = [
    "ahorita", "luego", "despues", "manana", "rato", "tarde", "cuando", "cuanto",
];

/// The sending verb at `i` is put off: a word of [`PUT_OFF`] among the three words before it or
/// the three after («ahorita te mando la captura», «te lo paso luego»). Only there: «la
/// referencia es 4471220, pagué esta mañana» and «adjunto el comprobante de la transferencia
/// de esta mañana» give it now.
fn put_off(toks: &[Token<'_>], i: usize) -> bool {
    toks[i.saturating_sub(3)..(i + 4).min(toks.len())]
        .iter()
        .any(|t| PUT_OFF.contains(&t.text))
}

/// «Adjunto», «anexo», or a sending verb with a receipt in the next words at `i`.
fn receipt_at(toks: &[Token<'_>], i: usize) -> bool {
    let word = |i: usize| toks.get(i).map_or("", |t: &Token<'_>| t.text);
    ATTACH.contains(&word(i))
        || SEND.contains(&word(i))
            && (i + 1..(i + 5).min(toks.len())).any(|j| RECEIPTS.contains(&word(j)))
}

/// A reference word at `i` followed by a number of four digits or more.
fn reference_at(toks: &[Token<'_>], i: usize) -> bool {
    REFERENCES.contains(&toks[i].text)
        && toks
            .iter()
            .skip(i + 1)
            .take(REFERENCE_REACH)
            .take_while(|t| !t.is("\n") && !t.is("?"))
            .any(|t| t.kind == Kind::Number && t.text.len() >= 4)
}

/// The sentence around `i` asks («¿le adjunto…?»), offers («si quiere le mando…») or denies
/// («no tengo el comprobante»).
fn asked_or_denied(toks: &[Token<'_>], i: usize) -> bool {
    let ends = |t: &&Token<'_>| t.is(".") || t.is("\n") || t.is("!");
    let before = toks[..i].iter().rev().take_while(|t| !ends(t));
    let after = toks[i..].iter().take_while(|t| !ends(t));
    let mut sentence = before.chain(after);
    sentence.any(|t| {
        matches!(
            t.text,
            "?" | "¿" | "si" | "no" | "quiere" | "quieres" | "necesita" | "necesitas" | "puedo"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{gives_proof, is_receipt_caption};

    #[test]
    fn a_receipt_named_alone_is_a_receipt_caption() {
        for t in [
            "comprobante",
            "Comprobante de pago",
            "el justificante",
            "Aquí va el recibo",
        ] {
            assert!(is_receipt_caption(t), "{t}");
        }
        for t in [
            "",
            "¿comprobante?",
            "No tengo el comprobante",
            "la factura",
            "Hola",
        ] {
            assert!(!is_receipt_caption(t), "{t}");
        }
    }

    #[test]
    fn a_receipt_sent_or_a_reference_quoted_is_proof() {
        // A receipt counts only where a person sees it; a reference always.
        assert!(!gives_proof("Adjunto justificante", false));
        assert!(gives_proof("referencia 4471220", false));
        for t in [
            "Ya está pagada, le adjunto el comprobante.",
            "Pagado. Adjunto justificante",
            "Ya quedó, ahí va el comprobante",
            "Ya te pagué, te paso el comprobante por acá",
            "Le envío el justificante de la transferencia",
            "Pagado el martes, referencia 4471220",
            "La transferencia salió ayer, n.º de operación: 99812331",
            "Ya se hizo el SPEI, clave de rastreo 085903123456789",
            "Anexo comprobante de pago. Saludos",
            "Les comparto el voucher del depósito",
            // A time word elsewhere in the sentence does not put the proof off.
            "Ya pagué esta mañana, la referencia es 4471220",
            "Después de hablar con el banco: referencia 4471220",
            "Adjunto el comprobante de la transferencia de esta mañana",
            "Cuando recibí su correo ya estaba pagado, le adjunto el justificante",
        ] {
            assert!(gives_proof(t, true), "{t}");
        }
        for t in [
            "Ya está pagada",
            "¿Le adjunto el comprobante?",
            "Si quiere le mando el justificante",
            "No tengo el comprobante a mano, lo busco",
            "Ya pagué la factura 2026-0042",
            "Pagado, ¿necesita la referencia?",
            "El comprobante se lo mando mañana",
            "Le pago el viernes",
            "Ya te pagué, ahorita te mando la captura",
            "Luego le paso el justificante",
            "En un rato te mando el comprobante",
            "Te lo paso luego, el comprobante",
            "En cuanto pueda le envío el comprobante",
        ] {
            assert!(!gives_proof(t, true), "{t}");
        }
    }
}
