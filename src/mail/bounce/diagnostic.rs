//! Status codes as whole tokens, and the line of a notice that says why delivery failed.

use super::words::{COPIED_HEADER_PREFIXES, COPIED_HEADERS};

/// The class of the first enhanced status code (`5.1.1`) or, failing that, of the first SMTP
/// reply code in the text.
pub(super) fn status_class(lower: &str) -> Option<char> {
    let codes = status_codes(lower);
    codes
        .iter()
        .find(|c| c.enhanced.is_some())
        .or(codes.first())
        .map(|c| c.class as char)
}

/// A failure status written as a whole token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Code {
    /// `b'4'` or `b'5'`.
    pub(super) class: u8,
    /// Subject and detail of an enhanced code (`5.2.2` → `(2, 2)`); `None` for a reply code.
    pub(super) enhanced: Option<(u16, u16)>,
}

/// Every 4xx/5xx status in `text` written as a whole token: enhanced codes (`5.1.1`, qmail's
/// `#5.1.1`, `550-5.1.1`) and SMTP reply codes (`550`, `#554`), never digits inside a longer
/// number (`t=1795509002`), an address (`10.5.1.1`) or a list of numbers (`910 123 456`).
pub(super) fn status_codes(text: &str) -> Vec<Code> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if boundary
            && (b[i] == b'4' || b[i] == b'5')
            && let Some((code, len)) = enhanced_code_at(b, i).or_else(|| reply_code_at(b, i))
        {
            out.push(code);
            i += len;
            continue;
        }
        i += 1;
    }
    out
}

/// The number of ASCII digits starting at `from`.
pub(super) fn digits_at(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .map_or(0, |s| s.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// A token ends at `end`: the text ends, or a character that continues no word or number.
pub(super) fn token_ends(b: &[u8], end: usize) -> bool {
    match b.get(end) {
        None => true,
        Some(c) if c.is_ascii_alphanumeric() => false,
        Some(b'.' | b',') => !b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => true,
    }
}

/// An enhanced status code `c.d{1,3}.d{1,3}` at `i`, and its length.
pub(super) fn enhanced_code_at(b: &[u8], i: usize) -> Option<(Code, usize)> {
    if b.get(i + 1) != Some(&b'.') {
        return None;
    }
    let n1 = digits_at(b, i + 2);
    if !(1..=3).contains(&n1) || b.get(i + 2 + n1) != Some(&b'.') {
        return None;
    }
    let n2 = digits_at(b, i + 3 + n1);
    let end = i + 3 + n1 + n2;
    if !(1..=3).contains(&n2) || !token_ends(b, end) {
        return None;
    }
    let number = |from: usize, n: usize| {
        std::str::from_utf8(&b[from..from + n])
            .ok()
            .and_then(|s| s.parse().ok())
    };
    let enhanced = (number(i + 2, n1)?, number(i + 3 + n1, n2)?);
    Some((
        Code {
            class: b[i],
            enhanced: Some(enhanced),
        },
        end - i,
    ))
}

/// An SMTP reply code `[45][0-5]d` at `i`, and its length.
pub(super) fn reply_code_at(b: &[u8], i: usize) -> Option<(Code, usize)> {
    let second = *b.get(i + 1)?;
    if !(b'0'..=b'5').contains(&second)
        || !b.get(i + 2).is_some_and(u8::is_ascii_digit)
        || !token_ends(b, i + 3)
    {
        return None;
    }
    // "910 123 456": a number after other numbers is part of a phone number or a list.
    let before = b[..i].iter().rev().find(|c| **c != b' ');
    if i > 0 && b[i - 1] == b' ' && before.is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some((
        Code {
            class: b[i],
            enhanced: None,
        },
        3,
    ))
}

/// A header field line of the returned message (`DKIM-Signature: …`, `Received: …`).
pub(super) fn is_copied_header(line: &str) -> bool {
    let Some((name, _)) = line.split_once(':') else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    !name.is_empty()
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        && (COPIED_HEADERS.contains(&name.as_str())
            || COPIED_HEADER_PREFIXES.iter().any(|p| name.starts_with(p)))
}

/// The server's words for the owner: the first notice line with a status code, else the reason
/// written beside or under a failed address; never a header line of the returned message.
pub(super) fn first_diagnostic(notice: &str, failed: &[String]) -> Option<String> {
    let lines: Vec<&str> = notice.lines().collect();
    let mut in_header = false;
    let usable: Vec<bool> = lines
        .iter()
        .map(|l| {
            let folded = l.starts_with([' ', '\t']) && !l.trim().is_empty();
            in_header = (folded && in_header) || is_copied_header(l);
            !in_header && l.trim().len() > 6
        })
        .collect();
    let next_text = |from: usize| (from..lines.len()).find(|&j| !lines[j].trim().is_empty());
    let coded = (0..lines.len()).find(|&i| {
        let l = lines[i].to_lowercase();
        usable[i] && (!status_codes(&l).is_empty() || l.contains(" said:"))
    });
    if let Some(i) = coded {
        return Some(with_continuation(
            &lines,
            paragraph_start(&lines, &usable, i),
        ));
    }
    for (i, line) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        let Some(at) = failed.iter().find_map(|a| {
            lower
                .find(a.as_str())
                .map(|p| p + a.len())
                .filter(|_| usable[i])
        }) else {
            continue;
        };
        // "<ana@x.es>: la cuenta no existe" or "Your message to ana@x.es couldn't be delivered".
        let after = lower[at..].chars().filter(|c| c.is_alphabetic()).count();
        if after >= 12 {
            return Some(with_continuation(&lines, i));
        }
        // "  ana@x.es\n    La cuenta de correo no existe" (Exim, localized templates), past a
        // label of its own ("because:").
        let mut next = next_text(i + 1);
        if let Some(j) = next.filter(|&j| is_label(lines[j])) {
            next = next_text(j + 1);
        }
        if let Some(j) = next.filter(|&j| usable[j] && !lines[j].contains('@')) {
            return Some(with_continuation(&lines, j));
        }
    }
    None
}

/// A short line that only introduces the next one: "because:", "Motivo:".
pub(super) fn is_label(line: &str) -> bool {
    let t = line.trim();
    t.ends_with(':') && t.split_whitespace().count() <= 3 && !t.contains('@')
}

/// Where the diagnostic on line `i` starts: the line itself, or, when it holds only a code in
/// brackets (Exchange's "<host #5.1.1>" under its words), the start of its indented paragraph.
pub(super) fn paragraph_start(lines: &[&str], usable: &[bool], i: usize) -> usize {
    let t = lines[i].trim();
    let bracketed = [('<', '>'), ('(', ')'), ('[', ']')]
        .iter()
        .any(|(open, close)| t.starts_with(*open) && t.ends_with(*close));
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[i]);
    if !bracketed || base == 0 {
        return i;
    }
    let mut start = i;
    while start > 0
        && usable[start - 1]
        && !lines[start - 1].trim().is_empty()
        && indent(lines[start - 1]) == base
    {
        start -= 1;
    }
    start
}

/// Line `i` with the lines that continue it: more indented ones, or, for an indented line, the
/// rest of its indented paragraph (Exim wraps a reply over several lines). Runs of spaces are
/// collapsed; at most 300 characters.
pub(super) fn with_continuation(lines: &[&str], i: usize) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let base = indent(lines[i]);
    let mut out = lines[i].to_owned();
    for l in &lines[i + 1..] {
        if l.trim().is_empty() || indent(l) < base || (base == 0 && indent(l) == 0) {
            break;
        }
        out.push(' ');
        out.push_str(l);
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ").chars().take(300).collect()
}
