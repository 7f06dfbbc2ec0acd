//! A message longer than Telegram takes in one (`sendMessage`: 1–4,096 characters) goes as
//! several, cut where a reader expects a break.
//!
//! Why: a reminder listing many invoices, an owner's template grown long, or an owner alert
//! quoting a long reply can pass the limit; Telegram then refuses it («Bad Request: message is
//! too long»), a permanent failure, and a dead Telegram message moves the client to email for a
//! fault that is ours.
//!
//! How: parts of at most [`LIMIT`] UTF-16 code units of the HTML as written (what Telegram
//! counts is the text after its tags and entities are read, never longer), cut at the last
//! blank line that fits, else the last line break, else the last space, never inside a tag or
//! an entity (`<a href="…">`, `&amp;`); a word longer than a whole part is cut where it must.
//! The whitespace at a cut is dropped.

/// The most a part may hold, in UTF-16 code units.
pub const LIMIT: usize = 4096;

/// `text` in parts of at most `limit` UTF-16 code units (one part when it fits).
pub fn parts(text: &str, limit: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while units(rest) > limit {
        let end = cut(rest, limit);
        let (part, after) = rest.split_at(end);
        let part = part.trim_end();
        if !part.is_empty() {
            out.push(part);
        }
        rest = after.trim_start();
    }
    if out.is_empty() {
        return vec![text];
    }
    if !rest.trim_end().is_empty() {
        out.push(rest.trim_end());
    }
    out
}

fn units(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Where to cut `text` (longer than `limit`): a byte offset on a char boundary, after at least
/// one char, with `text[..offset]` at most `limit` units long.
fn cut(text: &str, limit: usize) -> usize {
    // The longest prefix that fits, and the places in it where a cut reads well.
    let mut fits = 0;
    let mut used = 0;
    let (mut blank, mut line, mut space) = (None, None, None);
    let mut in_tag = false;
    let mut in_entity = false;
    // Where the tag or entity the prefix ends in began: a forced cut goes before it.
    let mut opened = 0;
    let mut prev = '\0';
    for (i, c) in text.char_indices() {
        used += c.len_utf16();
        if used > limit {
            break;
        }
        let outside = !in_tag && !in_entity;
        if outside && c == '\n' {
            if prev == '\n' {
                blank = Some(i);
            }
            line = Some(i);
        } else if outside && c.is_whitespace() {
            space = Some(i);
        }
        match c {
            '<' => (in_tag, opened) = (true, i),
            '>' => in_tag = false,
            '&' if !in_tag => (in_entity, opened) = (true, i),
            ';' | ' ' | '\n' => in_entity = false,
            _ => {}
        }
        prev = c;
        fits = i + c.len_utf8();
    }
    let forced = match in_tag || in_entity {
        true if opened > 0 => opened,
        _ => fits,
    };
    let at = blank
        .or(line)
        .or(space)
        .filter(|&at| at > 0)
        .unwrap_or(forced);
    // A first char wider than the limit still moves on.
    at.max(text.chars().next().map_or(0, char::len_utf8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_fits_is_one_part() {
        assert_eq!(parts("Hola <b>Ana</b>", LIMIT), ["Hola <b>Ana</b>"]);
        assert_eq!(parts("", LIMIT), [""]);
    }

    #[test]
    fn long_messages_are_cut_at_blank_lines_then_lines_then_spaces() {
        let text = "uno dos\n\ntres cuatro\ncinco seis";
        assert_eq!(parts(text, 12), ["uno dos", "tres cuatro", "cinco seis"]);
        assert_eq!(parts("uno dos tres", 8), ["uno dos", "tres"]);
        // No break at all: cut where it must.
        assert_eq!(parts("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn never_inside_a_tag_or_an_entity() {
        let text = "ver <a href=\"https://x.example/pago\">enlace</a> &amp; más";
        for limit in 5..text.len() {
            for part in parts(text, limit) {
                assert!(units(part) <= limit, "{limit}: {part:?}");
                let opened = part.matches('<').count();
                let closed = part.matches('>').count();
                // A tag is whole in its part, unless a part had to be cut inside one (a tag
                // longer than a part).
                if limit > 32 {
                    assert_eq!(opened, closed, "{limit}: {part:?}");
                    assert!(!part.ends_with("&am") && !part.ends_with("&"), "{part:?}");
                }
            }
        }
    }

    #[test]
    fn every_part_fits_and_nothing_but_the_cut_whitespace_is_lost() {
        let line = "F2026-118 · vence el 15 de diciembre · 1.250,00 € 😊\n";
        let text = line.repeat(200);
        let got = parts(&text, LIMIT);
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|p| units(p) <= LIMIT));
        let joined: String = got.concat();
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&joined), squeeze(&text));
        // Cut at a line's end: every part ends a line.
        assert!(got.iter().all(|p| p.ends_with('😊')));
    }
}
