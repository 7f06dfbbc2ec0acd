//! The client's visible words: a reply without the quoted history and without the signature.
//!
//! Rules, in order (each general, none fitted to one client):
//!
//! 1. **Hard cuts** — everything from here down is history: an Outlook header block
//!    (`De:`/`From:`/`Von:`/`Da:` followed within a few lines by `Enviado:`/`Sent:`/`Para:`/
//!    `Asunto:`…, with or without a `____` rule above), an "original message" or "forwarded"
//!    separator in es/ca/pt/en/fr/de/it, or an attribution line ("El … escribió:", "On … wrote:",
//!    "Le … a écrit :", "Em … escreveu:", "El … va escriure:", "Am … schrieb …:",
//!    "Il … ha scritto:", wrapped over up to three lines) that is *not* followed by `>` lines.
//! 2. **Quotes** — an attribution followed by `>` lines, and any `>` line, are dropped, but
//!    unquoted text *after* them is kept: that is a bottom-posted or inline answer.
//! 3. **Signature** — cut at `-- `, at a mobile footer ("Enviado desde mi iPhone", "Get
//!    Outlook for Android"…), at a legal disclaimer, or at a closing formula ("Saludos,",
//!    "Atentamente", "Best regards", "Cordialement"…) followed only by a few short lines.
//!
//! Time is linear in the length of the text (attributions look at most three lines ahead).

/// The visible text of a reply (see the module doc); empty if nothing but quotes.
pub fn visible_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut comments: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_quoted(line) {
            i += 1;
            continue;
        }
        if starts_history_block(&lines, i) {
            comments = inline_comments(&lines[i..]);
            break;
        }
        if let Some(len) = attribution_at(&lines, i, is_attribution) {
            if quote_follows(&lines, i + len) {
                // A quote: skip it, keep what follows (bottom-posting).
                i += len;
                continue;
            }
            comments = inline_comments(&lines[i..]);
            break;
        }
        // "Ana escribió el 23/11/2026 11:00:" and other word orders, trusted only when a
        // quote follows.
        if let Some(len) = attribution_at(&lines, i, is_loose_attribution)
            && quote_follows(&lines, i + len)
        {
            i += len;
            continue;
        }
        kept.push(line);
        i += 1;
    }
    let mut kept = cut_signature(&kept);
    if !comments.is_empty() {
        kept.push("");
        kept.extend(comments);
    }
    let mut out: Vec<&str> = Vec::with_capacity(kept.len());
    for line in kept {
        // No more than one blank line in a row (quotes removed leave holes).
        if line.trim().is_empty() && out.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(line.trim_end());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// The writer's comments inside an unmarked quoted message, as Outlook prefixes them
/// ("[Juan Gómez] La pagamos el 4 de enero."): a line opening with a bracketed name (letters,
/// spaces, dots, hyphens; no digits, which a reference or an invoice number would carry).
/// Returned without the name.
fn inline_comments<'a>(history: &[&'a str]) -> Vec<&'a str> {
    history
        .iter()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix('[')?;
            let (name, said) = rest.split_once(']')?;
            let letters = name.chars().filter(|c| c.is_alphabetic()).count();
            // A heading in capitals ("[CONFIDENCIAL]", "[AVISO LEGAL]") is no name; initials
            // ("[JG]") are.
            let shouted = letters > 3 && !name.chars().any(char::is_lowercase);
            let name_like = (2..=40).contains(&name.chars().count())
                && letters > 0
                && !shouted
                && name
                    .chars()
                    .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\''));
            let said = said.trim();
            (name_like && said.chars().any(char::is_alphabetic)).then_some(said)
        })
        .collect()
}

/// Whether the text carries quoted history below or between its lines (`>` lines, an
/// attribution, an Outlook header block, an "original message" separator): what a person's
/// mail program adds to a reply, and automatic replies almost never do.
pub fn quotes_history(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len()).any(|i| {
        is_quoted(lines[i])
            || starts_history_block(&lines, i)
            || attribution_at(&lines, i, is_attribution).is_some()
    })
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Lower case, without leading markup (`*`, `_`, spaces) that HTML-to-text leaves.
pub(super) fn clean(line: &str) -> String {
    line.trim()
        .trim_start_matches(['*', '_', ' ', '\u{a0}'])
        .replace(['*', '\u{a0}'], "")
        .to_lowercase()
}

/// Separators that open original-message blocks.
const ORIGINAL: [&str; 9] = [
    "original message",
    "mensaje original",
    "missatge original",
    "mensagem original",
    "message d'origine",
    "message d’origine",
    "message original",
    "ursprüngliche nachricht",
    "messaggio originale",
];

/// Separators that open forwarded blocks.
const FORWARDED: [&str; 7] = [
    "forwarded message",
    "mensaje reenviado",
    "correo reenviado",
    "missatge reenviat",
    "mensagem encaminhada",
    "message transféré",
    "weitergeleitete nachricht",
];

/// Whether line `raw` is dashes, underscores or equals signs around one of `separators`
/// ("---------- Forwarded message ---------", "-----Mensaje original-----").
fn is_separator(raw: &str, separators: &[&str]) -> bool {
    let raw = raw.trim();
    let l = clean(raw);
    (raw.starts_with("--") || raw.starts_with("__") || raw.starts_with("=="))
        && separators.iter().any(|s| l.contains(s))
}

/// Whether line `raw` opens a forwarded message: a separator, or Apple Mail's "Begin forwarded
/// message:".
pub(super) fn is_forward_separator(raw: &str) -> bool {
    let l = clean(raw);
    is_separator(raw, &FORWARDED)
        || l == "begin forwarded message:"
        || l == "inicio del mensaje reenviado:"
}

/// True when line `i` starts a block that is all history (rule 1, except attributions).
fn starts_history_block(lines: &[&str], i: usize) -> bool {
    let raw = lines[i].trim();
    if raw.len() >= 8
        && raw.chars().all(|c| c == '_' || c == '-' || c == '=')
        && header_block_at(lines, i + 1)
    {
        return true;
    }
    if is_separator(raw, &ORIGINAL) || is_forward_separator(raw) {
        return true;
    }
    header_block_at(lines, i) || notes_header_at(lines, i)
}

/// Lotus Notes' reply header: the sender with its address, then within a few lines the
/// labels `Para`/`To` and `Asunto`/`Subject`, each alone on its line (no colon).
fn notes_header_at(lines: &[&str], i: usize) -> bool {
    let first = lines[i].trim();
    if !(first.contains('@') && first.contains('<') && first.ends_with('>')) {
        return false;
    }
    let labels: Vec<String> = lines
        .iter()
        .skip(i + 1)
        .take(8)
        .map(|l| clean(l).trim().to_owned())
        .collect();
    labels.iter().any(|l| l == "para" || l == "to")
        && labels.iter().any(|l| l == "asunto" || l == "subject")
}

pub(super) const FROM_FIELDS: [&str; 6] = ["de:", "from:", "von:", "da:", "de :", "van:"];
pub(super) const OTHER_FIELDS: [&str; 28] = [
    "enviado:",
    "enviado el:",
    "enviada:",
    "enviada em:",
    "enviat:",
    "tramès:",
    "sent:",
    "date:",
    "fecha:",
    "data:",
    "datum:",
    "gesendet:",
    "inviato:",
    "envoyé :",
    "envoyé:",
    "para:",
    "per a:",
    "to:",
    "à :",
    "à:",
    "an:",
    "a:",
    "asunto:",
    "assumpte:",
    "assunto:",
    "subject:",
    "objet :",
    "betreff:",
];

/// True when line `i` is `From:` (any language) and two more header fields follow closely.
pub(super) fn header_block_at(lines: &[&str], i: usize) -> bool {
    let Some(first) = lines.get(i) else {
        return false;
    };
    let first = clean(first);
    if !FROM_FIELDS.iter().any(|f| first.starts_with(f)) {
        return false;
    }
    let fields = lines
        .iter()
        .skip(i + 1)
        .take(6)
        .filter(|l| {
            let l = clean(l);
            OTHER_FIELDS.iter().any(|f| l.starts_with(f))
                || l.starts_with("objet:")
                || l.starts_with("oggetto:")
                || l.starts_with("cc:")
        })
        .count();
    fields >= 2
}

/// Endings of an attribution line, by language.
const WROTE: [&str; 12] = [
    "escribió:",
    "escribio:",
    "wrote:",
    "a écrit :",
    "a écrit:",
    "escreveu:",
    "va escriure:",
    "ha escrit:",
    "schrieb:",
    "ha scritto:",
    "scrisse:",
    "skrev:",
];

fn quote_follows(lines: &[&str], from: usize) -> bool {
    lines
        .get(from..)
        .and_then(|rest| rest.iter().find(|l| !l.trim().is_empty()))
        .is_some_and(|l| is_quoted(l))
}

/// If an attribution (as `test` sees it) starts at line `i`, how many lines it spans (1 to 3).
fn attribution_at(lines: &[&str], i: usize, test: fn(&str) -> bool) -> Option<usize> {
    let mut joined = String::new();
    for len in 1..=3 {
        let line = lines.get(i + len - 1)?;
        if line.trim().is_empty() || is_quoted(line) {
            return None;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(&clean(line));
        if joined.len() > 400 {
            return None;
        }
        if test(&joined) {
            return Some(len);
        }
    }
    None
}

/// A line ending in ':' that says someone wrote, in any word order.
fn is_loose_attribution(l: &str) -> bool {
    let l = l.trim_end();
    l.ends_with(':')
        && l.chars().count() <= 250
        && [
            " escribió",
            " escribio",
            " wrote",
            " a écrit",
            " escreveu",
            " va escriure",
            " ha escrit",
            " schrieb",
            " ha scritto",
        ]
        .iter()
        .any(|v| l.contains(v))
}

fn is_attribution(l: &str) -> bool {
    let l = l.trim_end();
    if WROTE.iter().any(|w| l.ends_with(w)) {
        return true;
    }
    // German puts the name after the verb: "Am 20.11.2026 um 09:15 schrieb Ana <a@b.de>:".
    if l.ends_with(':') && (l.starts_with("am ") || l.starts_with("le ")) {
        return l.contains(" schrieb ") || l.contains(" a écrit ");
    }
    false
}

/// Mobile and webmail footers: the client's text ends above them.
const FOOTERS: [&str; 22] = [
    "enviado desde mi",
    "enviado desde el",
    "enviado desde outlook",
    "enviado desde yahoo",
    "enviado desde correo",
    "enviado con ",
    "enviado do meu",
    "enviado do ",
    "enviat des del meu",
    "enviat des de",
    "envoyé de mon",
    "envoyé depuis",
    "sent from my",
    "sent from outlook",
    "sent from mail for",
    "sent from yahoo",
    "sent with ",
    "get outlook for",
    "obtener outlook para",
    "obtenha o outlook",
    "von meinem",
    "inviato da",
];

/// Words of legal disclaimers (Spanish businesses attach them to every mail).
const DISCLAIMER: [&str; 12] = [
    "aviso legal",
    "confidencial",
    "confidential",
    "intended recipient",
    "protección de datos",
    "proteccion de datos",
    "datos personales",
    "rgpd",
    "lopd",
    "antes de imprimir",
    "before printing",
    "disclaimer",
];

/// Words of a person asking about their own data, which a legal footer never says ("solicito
/// que supriman mis datos personales conforme al RGPD"): the line is the message, not a footer.
const OWN_REQUEST: [&str; 12] = [
    "solicito",
    "solicitamos",
    "exijo",
    "exigimos",
    "quiero",
    "queremos",
    "supriman",
    "borren",
    "eliminen",
    "dejen de",
    "mis datos",
    "nuestros datos",
];

/// Closing formulas after which only a signature follows (es, ca, pt, en, fr, de, it).
const CLOSINGS: [&str; 44] = [
    "saludos",
    "un saludo",
    "muchos saludos",
    "saludos cordiales",
    "cordiales saludos",
    "un cordial saludo",
    "reciba un cordial saludo",
    "atentamente",
    "atte",
    "cordialmente",
    "un abrazo",
    "abrazos",
    "slds",
    "sds",
    "gracias",
    "muchas gracias",
    "gracias y saludos",
    "quedo atento",
    "quedo atenta",
    "salutacions",
    "una salutació",
    "cordialment",
    "atentament",
    "atenciosamente",
    "cumprimentos",
    "abraços",
    "obrigado",
    "obrigada",
    "regards",
    "best regards",
    "kind regards",
    "best",
    "thanks",
    "thank you",
    "cheers",
    "cordialement",
    "bien à vous",
    "bien cordialement",
    "merci",
    "mit freundlichen grüßen",
    "viele grüße",
    "beste grüße",
    "cordiali saluti",
    "distinti saluti",
];

/// A closing formula alone, or followed by a name ("Saludos, Ana Gil"): not "Gracias, le pago
/// el lunes", which is the message itself.
fn is_closing(line: &str) -> bool {
    let l = clean(line);
    let l = l.trim_end_matches(['.', ',', '!', ' ', ';', '-']);
    let original = line.trim().trim_start_matches(['*', '_', ' ']);
    CLOSINGS.iter().any(|c| {
        if l == *c {
            return true;
        }
        let Some(rest) = l.strip_prefix(c) else {
            return false;
        };
        if !rest.starts_with(',') {
            return false;
        }
        // The name as written: each word capitalised, at most four words.
        let name = original
            .get(original.len() - rest.len().min(original.len())..)
            .unwrap_or("")
            .trim_start_matches([',', ' '])
            .trim_end_matches(['.', '!', ' ']);
        let words: Vec<&str> = name.split_whitespace().collect();
        !words.is_empty()
            && words.len() <= 4
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    })
}

/// Closings that are also the message's last words when nothing follows ("Gracias").
const THANKS: [&str; 8] = [
    "gracias",
    "muchas gracias",
    "thanks",
    "thank you",
    "merci",
    "obrigado",
    "obrigada",
    "gràcies",
];

/// A line that reads as part of the message, not of a signature: a sentence going on in
/// lower case, or a long one that ends like a sentence.
fn is_content(line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .count();
    let lower_start = t.chars().next().is_some_and(char::is_lowercase);
    // Company names ("Comercializadora del Valle S.A. de C.V.") are capitalised; sentences are
    // mostly lower case.
    (lower_start && words.len() >= 3 && !t.contains('@') && !t.starts_with("www"))
        || (words.len() >= 6 && t.ends_with(['.', '?', '!']) && lower * 10 >= words.len() * 6)
}

fn is_postscript(line: &str) -> bool {
    let l = clean(line);
    ["pd", "p.d", "p.s", "ps:", "ps "]
        .iter()
        .any(|p| l.starts_with(p))
}

/// Drops the signature (rule 3).
fn cut_signature<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_end();
        let l = clean(line);
        let footer = FOOTERS.iter().any(|f| l.starts_with(f)) && l.chars().count() <= 90;
        let disclaimer = i > 0
            && DISCLAIMER.iter().any(|d| l.contains(d))
            && !OWN_REQUEST.iter().any(|r| l.contains(r));
        if t == "--" || t == "-- " || t == "—" || t == "__" || footer || disclaimer {
            end = i;
            break;
        }
    }
    let lines = &lines[..end];
    // A signature is short: only closings among the last lines can start one (this also keeps
    // the scan linear on a message made of thousands of "Saludos").
    let non_empty: Vec<usize> = (0..lines.len())
        .filter(|i| !lines[*i].trim().is_empty())
        .collect();
    let first_candidate = non_empty.len().checked_sub(40).map_or(0, |k| non_empty[k]);
    for (i, line) in lines.iter().enumerate().skip(first_candidate) {
        // A closing on the very first line is the message itself ("Gracias" alone).
        if i == 0 || !is_closing(line) {
            continue;
        }
        let rest: Vec<&str> = lines[i + 1..]
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let postscript = rest.iter().position(|l| is_postscript(l));
        let before_ps = postscript.map_or(&rest[..], |p| &rest[..p]);
        let thanks = THANKS.contains(&clean(line).trim_end_matches(['.', ',', '!', ' ']));
        let signature_like = before_ps.len() <= 15
            && before_ps.iter().all(|l| l.trim().chars().count() <= 100)
            && !before_ps.iter().any(|l| is_content(l))
            && !(thanks && before_ps.is_empty());
        if !signature_like {
            continue;
        }
        let mut out = lines[..i].to_vec();
        if let Some(p) = postscript {
            out.push("");
            out.extend(rest[p..].iter().copied());
        }
        return out;
    }
    lines.to_vec()
}

#[cfg(test)]
mod tests {
    use super::visible_text;

    #[test]
    fn top_posted_gmail_reply() {
        let t = "Le pago el viernes.\n\nEl lun, 23 nov 2026 a las 11:00, Reformas Prado <\
                 cobros@x.es> escribió:\n> Le recordamos la factura.\n";
        assert_eq!(visible_text(t), "Le pago el viernes.");
    }

    #[test]
    fn bottom_posted_reply_keeps_the_answer_below_the_quote() {
        let t = "El lun, 23 nov 2026 a las 11:00, Reformas Prado\n<cobros@x.es> escribió:\n\
                 > Le recordamos la factura F-1.\n>\n> Un saludo\n\nLa pago el viernes 27.\n\n\
                 Saludos,\nMarta\n";
        assert_eq!(visible_text(t), "La pago el viernes 27.");
    }

    #[test]
    fn outlook_header_block_without_quote_marks() {
        let t = "Ya está pagado, adjunto justificante.\n\n________________________________\n\
                 De: Reformas Prado <cobros@x.es>\nEnviado: lunes, 23 de noviembre de 2026 \
                 11:00\nPara: Marta\nAsunto: Factura F-1\n\nLe recordamos que vence.\n";
        assert_eq!(visible_text(t), "Ya está pagado, adjunto justificante.");
    }

    #[test]
    fn outlook_inline_comments_inside_the_unmarked_original_are_kept() {
        let t = "Lucía, te contesto entre líneas.\n\nUn saludo,\nJuan\n\nDe: Reformas Prado <c@x.es>\n\
                 Enviado el: lunes, 11 de enero de 2027 10:15\nPara: Juan\nAsunto: Factura F-1\n\n\
                 Le recordamos que la factura F-1 sigue pendiente.\n\n\
                 [Juan Gómez] La pagamos el 4 de enero.\n\n[F-1] Si ya la ha pagado, ignore este \
                 mensaje.\n[Nota: 2027] Un saludo\n[AVISO LEGAL] Este mensaje es confidencial.\n";
        assert_eq!(
            visible_text(t),
            "Lucía, te contesto entre líneas.\n\nLa pagamos el 4 de enero."
        );
    }

    #[test]
    fn signatures_footers_and_disclaimers_go() {
        let t = "Le pago el lunes.\n\nEnviado desde mi iPhone";
        assert_eq!(visible_text(t), "Le pago el lunes.");
        let t = "Pagado ayer.\n--\nMarta Gil\nTel 600";
        assert_eq!(visible_text(t), "Pagado ayer.");
        let t = "Pagado ayer.\n\nUn saludo,\nMarta Gil\nEbro S.L.\n\nPD: adjunto el recibo";
        assert_eq!(visible_text(t), "Pagado ayer.\n\nPD: adjunto el recibo");
        let t = "Pagaré el día 30.\n\nAVISO LEGAL: este mensaje es confidencial y va dirigido...";
        assert_eq!(visible_text(t), "Pagaré el día 30.");
    }

    #[test]
    fn attributions_in_other_languages() {
        for a in [
            "On Mon, Nov 23, 2026 at 11:00 AM Reformas Prado <c@x.es> wrote:",
            "Le lun. 23 nov. 2026 à 11:00, Reformas Prado <c@x.es> a écrit :",
            "Em seg., 23 de nov. de 2026 às 11:00, Reformas Prado <c@x.es> escreveu:",
            "El dl., 23 de nov. 2026 a les 11:00, Reformas Prado (<c@x.es>) va escriure:",
            "Am Mo., 23. Nov. 2026 um 11:00 Uhr schrieb Reformas Prado <c@x.es>:",
            "Il giorno lun 23 nov 2026 alle ore 11:00 Reformas Prado <c@x.es> ha scritto:",
        ] {
            let t = format!("Pago mañana.\n\n{a}\n> Recordatorio\n");
            assert_eq!(visible_text(&t), "Pago mañana.", "{a}");
        }
    }

    #[test]
    fn a_thank_you_with_the_answer_is_not_a_closing() {
        let t = "Hola Lucía,\nGracias, le pago el lunes\nMarta";
        assert_eq!(visible_text(t), t);
        let t = "Pago el lunes.\nSaludos, Marta Gil\nEbro S.L.";
        assert_eq!(visible_text(t), "Pago el lunes.");
        let t = "Hola,\nGracias,\nle pago el lunes sin falta\nMarta";
        assert_eq!(visible_text(t), t);
        assert_eq!(
            visible_text("Le pago el lunes.\n\nGracias"),
            "Le pago el lunes.\n\nGracias"
        );
        assert_eq!(
            visible_text("Le pago el lunes.\n\nGracias,\nAna"),
            "Le pago el lunes."
        );
    }

    #[test]
    fn attributions_in_another_word_order_before_a_quote() {
        let t = "Reformas Prado escribió el 23/11/2026 11:00:\n> Recordatorio\n\nPagado ayer.";
        assert_eq!(visible_text(t), "Pagado ayer.");
        // Without a quote below, such a line is the client's own words.
        let t = "Como ya le escribió mi socio:";
        assert_eq!(visible_text(t), t);
    }

    #[test]
    fn inline_answers_between_quotes_are_kept() {
        let t = "> ¿Podrá pagar este mes?\nSí, el día 30.\n> ¿Por transferencia?\nSí.\n";
        assert_eq!(visible_text(t), "Sí, el día 30.\nSí.");
    }
}
