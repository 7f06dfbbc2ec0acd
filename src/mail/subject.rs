//! Subject lines: the prefixes a mail program puts before a subject it answers or forwards
//! ("Re:", "RV:", "AW:", "Fwd:"…, after a list tag such as "[Soporte]"), and the words a writer
//! added to the thread's subject.
//!
//! Behind such a prefix the subject is the thread's, copied by the mail program: what an
//! earlier message's subject said ("Re: Fuera de la oficina", "RE: Respuesta automática:
//! Factura F-1") is not what this message says. Only what the writer appended is theirs
//! ("RE: Factura F-1: pago pendiente - YA PAGADO"); a subject without a prefix is all theirs.

/// Prefixes of an answer, lower case, without the colon (es, en, de, nl, sv, it, pt…).
const REPLY: [&str; 8] = ["re", "aw", "sv", "vs", "antw", "res", "rif", "odp"];

/// Prefixes of a forward.
const FORWARD: [&str; 8] = ["fw", "fwd", "rv", "reenv", "tr", "wg", "enc", "doorst"];

/// What a subject's first prefix says the message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    /// An answer ("Re:").
    Reply,
    /// A forward ("Fwd:", "RV:").
    Forward,
}

/// The prefix at the start of `s` (a list tag skipped) and the rest after it.
fn split_prefix(s: &str) -> Option<(Prefix, &str)> {
    let s = skip_tag(s.trim_start());
    let (word, rest) = s.split_once(':')?;
    // "Re[2]:", "RE :": a count in brackets or a space before the colon.
    let word = word.trim_end();
    let word = word.split_once('[').map_or(word, |(w, _)| w);
    let word = word.to_lowercase();
    let kind = if REPLY.contains(&word.as_str()) {
        Prefix::Reply
    } else if FORWARD.contains(&word.as_str()) {
        Prefix::Forward
    } else {
        return None;
    };
    Some((kind, rest.trim_start()))
}

/// `s` without a list tag ("[Hoteles Mediterráneo] Re: …") in front.
fn skip_tag(s: &str) -> &str {
    s.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map_or(s, |(_, rest)| rest.trim_start())
}

/// The first prefix of `subject` ("RE: RV: Factura" is an answer), if any.
pub fn first_prefix(subject: &str) -> Option<Prefix> {
    split_prefix(subject).map(|(p, _)| p)
}

/// `subject` without its leading prefixes and list tags ("[X] RE: RV: Factura" → "Factura").
pub fn strip_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    while let Some((_, rest)) = split_prefix(s) {
        s = rest;
    }
    s
}

/// Where a writer's addition to a subject starts: a dash or a bar between words, or a bracket.
const APPENDED: [&str; 6] = [" - ", " – ", " — ", " | ", " (", " ["];

/// The words the writer of `subject` put there themselves (see the module doc): all of a
/// subject without a prefix; behind one, what follows the thread's subject — `thread` when it
/// is known (our message's subject), else what was appended after a dash, a bar or in
/// brackets. Empty when the thread's subject was kept as it was.
pub fn own_words<'a>(subject: &'a str, thread: Option<&str>) -> &'a str {
    if first_prefix(subject).is_none() {
        return subject.trim();
    }
    let rest = strip_prefixes(subject);
    let appended = match thread.map(strip_prefixes).filter(|t| !t.is_empty()) {
        Some(thread) => Some(match find_ignoring_case(rest, thread) {
            Some(at) => &rest[at + thread.len()..],
            None => edited(rest, thread),
        }),
        None => APPENDED
            .iter()
            .filter_map(|sep| rest.find(sep))
            .min()
            .map(|at| &rest[at..]),
    };
    appended.map_or("", |a| {
        a.trim_matches(|c: char| c.is_whitespace() || "-–—|:()[]".contains(c))
    })
}

/// «Re: Factura F-E14 - pago el lunes» answering «Factura F-E14: pago pendiente»: our subject
/// edited, not kept whole. The words after those it shares with ours from the start are the
/// writer's, with the last shared one (they may have kept «pago» to say «pago el lunes»);
/// sharing nothing, the whole subject is theirs.
fn edited<'a>(rest: &'a str, thread: &str) -> &'a str {
    let words = |s: &str| -> Vec<(usize, String)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(b)) => {
                    out.push((b, s[b..i].to_lowercase()));
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    let (ours, theirs) = (words(thread), words(rest));
    let shared = ours
        .iter()
        .zip(&theirs)
        .take_while(|(a, b)| a.1 == b.1)
        .count();
    match shared.checked_sub(1).and_then(|k| theirs.get(k)) {
        Some((at, _)) if shared < theirs.len() => &rest[*at..],
        Some(_) => "",
        None => rest,
    }
}

/// The byte offset of `needle` in `hay`, comparing letters in any case (both stay valid
/// offsets into `hay`: only ASCII letters are folded).
pub(super) fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?)
        .filter(|&i| hay.is_char_boundary(i))
        .find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_answers_and_forwards() {
        assert_eq!(first_prefix("RE: RV: Factura F-1"), Some(Prefix::Reply));
        assert_eq!(first_prefix("Fwd: Undeliverable"), Some(Prefix::Forward));
        assert_eq!(first_prefix("[Soporte] Re: Factura"), Some(Prefix::Reply));
        assert_eq!(first_prefix("Re[2]: Factura"), Some(Prefix::Reply));
        assert_eq!(first_prefix("Respuesta automática: Re: Factura"), None);
        assert_eq!(first_prefix("Factura F-1: pago pendiente"), None);
        assert_eq!(strip_prefixes(" RE: RV:  Factura F-1 "), "Factura F-1");
    }

    #[test]
    fn own_words_are_what_the_writer_added() {
        let cases = [
            ("Pagaré el 20 de marzo", None, "Pagaré el 20 de marzo"),
            ("Re: Fuera de la oficina", None, ""),
            (
                "RE: Respuesta automática: Factura F-1: pago pendiente",
                None,
                "",
            ),
            (
                "RE: Factura F-1: pago pendiente - YA PAGADO",
                None,
                "YA PAGADO",
            ),
            ("Re: Factura F-1 [Auto-Reply]", None, "Auto-Reply"),
            (
                "RE: Factura F-1: pago pendiente ya pagado",
                Some("Factura F-1: pago pendiente"),
                "ya pagado",
            ),
            (
                "Re: factura f-1: pago pendiente",
                Some("Factura F-1: pago pendiente"),
                "",
            ),
            // Our subject edited by the writer (mail27).
            (
                "Re: Factura F-E14 - pago el lunes",
                Some("Factura F-E14: pago pendiente"),
                "pago el lunes",
            ),
            ("Re: Factura F-1", Some("Factura F-1: pago pendiente"), ""),
            (
                "Re: ya está pagada",
                Some("Factura F-1: pago pendiente"),
                "ya está pagada",
            ),
        ];
        for (subject, thread, want) in cases {
            assert_eq!(own_words(subject, thread), want, "{subject}");
        }
    }
}
