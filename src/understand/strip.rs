//! Removal of quoted history and signatures from a reply, and recognition of auto-replies.
//!
//! A reply usually carries our own reminder below it ("El vie, 20 nov 2026, Cobrador
//! escribió: > ... vence el 15 de diciembre") and a signature with phone numbers and an
//! address. Only the client's new words may decide the reading, so both are cut first.
//!
//! Every pass here is linear in the text: one scan for the start of the history, one for
//! the signature (with a precomputed count of the lines below each closing formula).

use crate::understand::normalise::{fold_str, nfc};

/// The most of a reply that is read: the client's own words, after the quoted history is cut,
/// are capped here (at a line or character boundary). Real replies are a few hundred bytes;
/// the cap keeps a pasted log or a 5 MB attachment-as-text from costing more than a normal
/// reply, and nothing that decides a reading comes after 20 KB of new text.
pub const MAX_READ_BYTES: usize = 20 * 1024;

/// Returns the client's own words: quoted history, forwarded blocks, "sent from" lines and
/// the signature removed; trailing blank lines trimmed; at most [`MAX_READ_BYTES`].
/// The text is composed to NFC first, so every later stage sees one spelling of "mañana".
pub fn strip_quotes_and_signature(text: &str) -> String {
    let text = nfc(text);
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find_map(|i| history_starts_at(&lines, i, lines[i]))
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = Vec::new();
    let mut size = 0;
    for l in lines[..end]
        .iter()
        .copied()
        .filter(|l| !l.trim_start().starts_with('>'))
    {
        if size + l.len() > MAX_READ_BYTES {
            let room = MAX_READ_BYTES.saturating_sub(size);
            kept.push(&l[..l.floor_char_boundary(room)]);
            break;
        }
        size += l.len() + 1;
        kept.push(l);
    }
    let kept = cut_contact_block(&cut_signature(&kept));
    let mut out = kept.join("\n");
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    let lead = out.len() - out.trim_start().len();
    out.drain(..lead);
    out
}

/// Folded line (lower case, no accents) with leading markup (`*`, `_`, spaces) removed.
fn clean_line(line: &str) -> String {
    fold_str(line.trim().trim_start_matches(['*', '_', ' ']))
}

/// If line `i` starts the quoted history, returns the index of the first line to drop.
fn history_starts_at(lines: &[&str], i: usize, line: &str) -> Option<usize> {
    // An Outlook separator line directly above a header block.
    let raw = line.trim();
    if raw.len() >= 10 && raw.chars().all(|c| c == '_' || c == '-') && is_header_block(lines, i + 1)
    {
        return Some(i);
    }
    let l = clean_line(line);
    if l.is_empty() {
        return None;
    }
    let dashed = l.starts_with("---") || l.starts_with("___") || l.starts_with("===");
    if dashed
        && [
            "mensaje original",
            "original message",
            "mensaje reenviado",
            "forwarded message",
            "correo reenviado",
        ]
        .iter()
        .any(|m| l.contains(m))
    {
        return Some(i);
    }
    if is_header_block(lines, i) {
        return Some(i);
    }
    // Gmail/Apple: "El vie, 20 nov 2026 a las 9:15, Cobrador <x@y.es> escribió:", sometimes
    // wrapped so that "escribió:" lands on the next line.
    let ends_wrote = l.ends_with("escribio:")
        || l.ends_with("wrote:")
        || l.ends_with("a ecrit :")
        || l.ends_with("escreveu:");
    if ends_wrote {
        if l.starts_with("el ") || l.starts_with("on ") || l.starts_with("em ") {
            return Some(i);
        }
        for back in 1..=2 {
            if i >= back {
                let prev = clean_line(lines[i - back]);
                if prev.starts_with("el ") || prev.starts_with("on ") {
                    return Some(i - back);
                }
            }
        }
        return Some(i);
    }
    let sent_from = [
        "enviado desde mi",
        "enviado desde el",
        "enviado desde outlook",
        "enviado desde yahoo",
        "sent from my",
        "sent from outlook",
        "obtener outlook para",
        "get outlook for",
        "enviado con ",
        "descarga outlook",
    ];
    if sent_from.iter().any(|s| l.starts_with(s)) {
        return Some(i);
    }
    None
}

/// True when line `i` opens a "De: / Enviado: / Para: / Asunto:" block.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let Some(first) = lines.get(i) else {
        return false;
    };
    // Checked on the raw line first: this runs for every line of the reply.
    let raw = first.trim().trim_start_matches(['*', '_', ' ']).as_bytes();
    let starts =
        |p: &str| raw.len() >= p.len() && raw[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if !(starts("de:") || starts("from:")) {
        return false;
    }
    let headers = [
        "enviado:",
        "enviado el:",
        "sent:",
        "para:",
        "to:",
        "asunto:",
        "subject:",
        "fecha:",
        "date:",
        "cc:",
    ];
    lines
        .iter()
        .skip(i + 1)
        .take(4)
        .filter(|l| {
            let l = clean_line(l);
            headers.iter().any(|h| l.starts_with(h))
        })
        .count()
        >= 1
}

/// Closing formulas after which only a signature follows.
const CLOSINGS: [&str; 22] = [
    "saludos",
    "un saludo",
    "muchos saludos",
    "saludos cordiales",
    "cordiales saludos",
    "atentamente",
    "atte",
    "cordialmente",
    "un abrazo",
    "abrazos",
    "slds",
    "sds",
    "besos",
    "bendiciones",
    "quedo atento",
    "quedo atenta",
    "quedo a la espera",
    "gracias y saludos",
    "muchas gracias y saludos",
    "un cordial saludo",
    "reciba un cordial saludo",
    "best regards",
];

/// True when the line is only a closing formula, maybe followed by a name ("Saludos, Ana").
fn is_closing(line: &str) -> bool {
    let l = clean_line(line);
    let l = l.trim_end_matches(['.', ',', '!', ' ']);
    CLOSINGS.iter().any(|c| {
        l == *c
            || l.strip_prefix(c)
                .is_some_and(|rest| rest.starts_with(',') && rest.len() <= 40)
    })
}

/// Drops the signature: everything after a `-- ` line, or after a closing formula when what
/// follows is a handful of short lines (name, phone, address), unless a "PD:" follows.
fn cut_signature<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_end();
        if t == "--" || t == "-- " || t == "—" {
            return lines[..i].to_vec();
        }
    }
    // nonempty_below[i] = non-blank lines after line i; a signature has at most 8.
    let mut nonempty_below = vec![0usize; lines.len()];
    let mut below = 0;
    for (i, l) in lines.iter().enumerate().rev() {
        nonempty_below[i] = below;
        if !l.trim().is_empty() {
            below += 1;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if nonempty_below[i] > 8 {
            continue;
        }
        // A closing on the very first line is the whole message ("Saludos, le pago el lunes"
        // is not a closing line anyway: is_closing wants the formula alone).
        if i == 0 || !is_closing(line) {
            continue;
        }
        let rest: Vec<&str> = lines[i + 1..]
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let postscript = rest.iter().position(|l| {
            let l = clean_line(l);
            l.starts_with("pd")
                || l.starts_with("p.d")
                || l.starts_with("p.s")
                || l.starts_with("ps:")
        });
        let looks_like_signature = rest.len() <= 8 && rest.iter().all(|l| l.trim().len() <= 80);
        if !looks_like_signature {
            continue;
        }
        let mut out = lines[..i].to_vec();
        if let Some(p) = postscript {
            out.extend(rest[p..].iter().copied());
        }
        return out;
    }
    lines.to_vec()
}

/// Drops a last paragraph that is a signature without a closing formula or a `-- ` line:
/// it opens with a name-like line ("Departamento de Administración", "Ana López Ruiz") and
/// holds a contact line (phone, fax, web, email address), in at most eight lines under the
/// reply's own words. Its other lines (addresses, opening hours, "Días de pago: 10 y 25 de
/// cada mes") are the company's, not the reply's.
fn cut_contact_block<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    let Some(blank) = lines.iter().rposition(|l| l.trim().is_empty()) else {
        return lines.to_vec();
    };
    let block: Vec<&str> = lines[blank + 1..]
        .iter()
        .copied()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let body = lines[..blank].iter().any(|l| !l.trim().is_empty());
    let signature = body
        && (2..=8).contains(&block.len())
        && block.first().is_some_and(|l| name_like(l))
        && block.iter().any(|l| contact_line(l));
    if signature {
        lines[..blank].to_vec()
    } else {
        lines.to_vec()
    }
}

/// A short line whose longer words are all capitalised, without digits or a sentence's
/// final mark: a name, a title, a department or a company.
fn name_like(line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| w.chars().count() >= 3)
        .collect();
    t.chars().count() <= 60
        && !t.ends_with(['.', '!', '?', ':'])
        && !t.chars().any(|c| c.is_ascii_digit())
        && !words.is_empty()
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// A phone, fax, web or email line.
fn contact_line(line: &str) -> bool {
    let l = clean_line(line);
    const HEADS: [&str; 12] = [
        "tel", "tlf", "tfno", "movil", "cel", "fax", "whatsapp", "www.", "http", "email", "e-mail",
        "correo:",
    ];
    let digits = l.chars().filter(char::is_ascii_digit).count();
    HEADS.iter().any(|h| l.starts_with(h))
        || l.contains('@') && l.contains('.')
        || digits >= 7 && l.chars().count() <= 25
}
