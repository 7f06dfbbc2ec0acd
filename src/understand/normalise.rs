//! Unicode composition, lower-casing, accent folding and tokenising of a reply.
//!
//! Every later stage matches plain ASCII words ("manana", "miercoles", "pague"), so
//! "MAÑANA", "mañana" and "manana" read the same. Each token keeps the byte span it came
//! from in the cleaned text, so the evidence we report is the client's own spelling.
//!
//! Text arrives in either Unicode form: macOS and some webmails send decomposed "n + ◌̃"
//! (NFD). [`nfc`] composes it once, at the entry of `understand`, and [`fold_char`] is the
//! one folding rule every matcher uses ([`fold_str`] for whole lines, [`fold`] with offsets
//! for tokens), so no stage keeps its own copy of the accent table.

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (after folding).
    Word,
    /// A run of ASCII digits; its value is in [`Token::num`].
    Number,
    /// One punctuation or symbol character, or a line break (`"\n"`).
    Punct,
}

/// One token of the normalised text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    /// Folded text: lower case ASCII for Spanish words, digits, or the symbol itself.
    pub text: &'a str,
    /// What the token is.
    pub kind: Kind,
    /// Numeric value of a [`Kind::Number`] token (saturating), 0 otherwise.
    pub num: u64,
    /// Byte span in the cleaned text, for evidence.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
    /// True when no whitespace separates this token from the previous one
    /// ("1.234,56", "15/12", "1º").
    pub glued: bool,
    /// True when the word's last letter carried an accent ("pagó", "pagué"): it tells the
    /// past tense from the present one after folding.
    pub accent_final: bool,
}

impl Token<'_> {
    /// True when this token is the word or symbol `w`.
    pub fn is(&self, w: &str) -> bool {
        self.text == w
    }

    /// True for a number token.
    pub fn is_num(&self) -> bool {
        self.kind == Kind::Number
    }
}

/// The folded text plus the byte offset in the original of every folded byte.
pub(crate) struct Folded {
    /// Folded text.
    pub text: String,
    /// `offsets[i]` = byte offset in the original of folded byte `i`; one extra entry at the end.
    offsets: Vec<usize>,
    /// `accent[i]` = the folded byte `i` came from an accented letter.
    accent: Vec<bool>,
}

/// The text in Unicode composed form (NFC); borrowed when it already is (the usual case).
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

/// Lower-cased, accent-folded copy of `text` (the same rule as the tokens use), for
/// line-level matching ("escribió:" and "escribio:" read alike).
pub fn fold_str(text: &str) -> String {
    text.chars()
        .filter(|c| !is_combining(*c))
        .map(|c| fold_char(c).0.unwrap_or(' '))
        .collect()
}

/// A combining diacritic (U+0300–U+036F) that composition could not absorb.
fn is_combining(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// Folds one character; returns the replacement and whether it was an accented letter.
/// Combining marks left after composition (rare letters with two accents) fold to nothing.
fn fold_char(c: char) -> (Option<char>, bool) {
    let folded = match c {
        'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => ('a', true),
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => ('e', true),
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => ('i', true),
        'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Ö' => ('o', true),
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => ('u', true),
        // "ñ" folds to "n": clients without a Spanish keyboard write "manana", "ano".
        'ñ' | 'Ñ' => ('n', false),
        'ç' | 'Ç' => ('c', false),
        'º' | 'ª' | '°' => ('º', false),
        // Currency and Spanish opening marks carry meaning ("500 €", "¿me deja en cuotas?").
        '€' | '£' | '¿' | '¡' => (c, false),
        '…' => ('.', false),
        '\u{a0}' | '\t' | '\r' => (' ', false),
        c if c.is_ascii() => (c.to_ascii_lowercase(), false),
        c if c.is_alphabetic() => {
            let mut low = c.to_lowercase();
            match (low.next(), low.next()) {
                (Some(l), None) => (l, false),
                _ => (c, false),
            }
        }
        // Emoji and other symbols separate words but carry no meaning for us.
        _ => return (None, false),
    };
    (Some(folded.0), folded.1)
}

/// Lower-cases and strips accents, remembering where each byte came from.
pub(crate) fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() + 1);
    let mut accent = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        if is_combining(c) {
            // The mark belongs to the letter before it: extend that letter's span.
            if let Some(a) = accent.last_mut() {
                *a = true;
            }
            continue;
        }
        let (f, acc) = fold_char(c);
        let f = f.unwrap_or(' ');
        let before = out.len();
        out.push(f);
        for _ in before..out.len() {
            offsets.push(i);
            accent.push(acc);
        }
    }
    offsets.push(text.len());
    accent.push(false);
    Folded {
        text: out,
        offsets,
        accent,
    }
}

/// Shorthand used in chats, expanded so the lexicons need one spelling only.
fn expand_shorthand(w: &str) -> Option<&'static str> {
    Some(match w {
        "q" | "k" | "ke" | "qe" => "que",
        "xq" | "pq" | "porq" | "xk" => "porque",
        "x" => "por",
        "tb" | "tmb" | "tbn" => "tambien",
        "dsp" | "dps" | "desp" => "despues",
        "pa" => "para",
        "prox" | "prox." | "proxim" => "proximo",
        "mnn" | "mna" | "mnana" | "manan" | "mananaa" | "maniana" | "mannana" => "manana",
        "t" => "te",
        // "no m vuelvas a escribir xfa".
        "m" => "me",
        "xfa" | "xfavor" | "porfa" | "porfis" => "favor",
        // "te ago la transferencia": the h is often dropped in chats.
        "ago" => "hago",
        "transf" | "trasf" | "transfer" | "transf." => "transferencia",
        "aremos" => "haremos",
        "d" => "de",
        "sem" => "semana",
        "semanita" => "semana",
        // Andalusian and chat spellings: "pasao mañana", "ya ta pagao".
        "pasao" => "pasado",
        "pagao" => "pagado",
        // Letters dropped in a hurry: "ya esta pagda".
        "pagda" => "pagada",
        "pagdo" => "pagado",
        "pagdas" => "pagadas",
        "pagdos" => "pagados",
        "ta" => "esta",
        "semanitas" => "semanas",
        "diitas" | "diyas" => "dias",
        "ok" | "okey" | "okay" | "oki" => "ok",
        // Andalusian "er lune" (el lunes), the h dropped in "asta el viernes", "ya mismito".
        "er" => "el",
        "asta" => "hasta",
        "mismito" => "mismo",
        _ if chat_manana(w) => "manana",
        _ => return date_word_typo(w),
    })
}

/// "semnaa", "quinsena", "prosima": one letter changed or two swapped in a long date word.
/// Only words of the same length are corrected, so no other word ("semanas", "próximo" for
/// "próxima") is taken for one.
fn date_word_typo(w: &str) -> Option<&'static str> {
    const LONG: [&str; 4] = ["semana", "quincena", "proxima", "proximo"];
    if LONG.contains(&w) {
        return None;
    }
    LONG.iter()
        .find(|t| t.len() == w.len() && within_one_edit(w, t))
        .copied()
}

/// "mañna", "mñna", "mnana": "mañana" with vowels dropped in a chat. A word made of the
/// letters of "manana" in order, starting with "m" and keeping both "n"s, is no other word.
fn chat_manana(w: &str) -> bool {
    let mut rest = "manana".bytes();
    w.len() >= 3
        && w.starts_with('m')
        && w.bytes().filter(|b| *b == b'n').count() == 2
        && w.bytes().all(|b| rest.any(|r| r == b))
}

/// Splits an infinitive or gerund with enclitic pronouns ("pagarle", "transferirte",
/// "esperarme", "pagandole") so "pagar" is found by the same lexicon entry.
fn split_clitic(w: &str) -> Option<(&str, &str)> {
    // No "os": "primeros", "dineros" would split, and "pagaros" is rare. Two clitics
    // ("pagártelo", "mandármela") stay one token after the verb.
    const CLITICS: [&str; 25] = [
        "selas", "selos", "sela", "selo", "telas", "telos", "tela", "telo", "melas", "melos",
        "mela", "melo", "noslas", "noslos", "nosla", "noslo", "les", "los", "las", "nos", "le",
        "lo", "la", "te", "me",
    ];
    for c in CLITICS {
        if let Some(stem) = w.strip_suffix(c) {
            let verb_like = stem.ends_with("ar")
                || stem.ends_with("er")
                || stem.ends_with("ir")
                || stem.ends_with("ando")
                || stem.ends_with("iendo");
            // Three-letter stems are nouns more often than verbs ("parte" is not "par"+"te").
            if verb_like && (stem.len() >= 4 || stem == "dar") {
                return Some((stem, c));
            }
        }
    }
    None
}

/// Splits the folded text into tokens.
pub(crate) fn tokenise(f: &Folded) -> Vec<Token<'_>> {
    let bytes = f.text.as_bytes();
    let mut toks: Vec<Token<'_>> = Vec::with_capacity(bytes.len() / 4 + 4);
    let mut i = 0;
    let mut glued = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' {
            glued = false;
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            kind = Kind::Number;
        } else if is_word_byte(&f.text, i) {
            while i < bytes.len() && is_word_byte(&f.text, i) {
                i += char_len(bytes[i]);
            }
            kind = Kind::Word;
        } else if b == b'\n' {
            // Several blank lines are one break.
            while i < bytes.len() && (bytes[i] == b'\n' || bytes[i] == b' ') {
                i += 1;
            }
            let end = start + 1;
            push(
                &mut toks,
                f,
                &f.text[start..end],
                Kind::Punct,
                start,
                end,
                false,
            );
            glued = false;
            continue;
        } else {
            i += char_len(b);
            kind = Kind::Punct;
        }
        let text = &f.text[start..i];
        if kind == Kind::Word {
            if let Some(e) = expand_shorthand(text) {
                push(&mut toks, f, e, kind, start, i, glued);
            } else if let Some((stem, _clitic)) = split_clitic(text) {
                let mid = start + stem.len();
                push(&mut toks, f, &f.text[start..mid], kind, start, i, glued);
                push(&mut toks, f, &f.text[mid..i], kind, start, i, true);
            } else {
                push(&mut toks, f, text, kind, start, i, glued);
            }
        } else {
            push(&mut toks, f, text, kind, start, i, glued);
        }
        glued = true;
    }
    toks
}

fn push<'a>(
    toks: &mut Vec<Token<'a>>,
    f: &Folded,
    text: &'a str,
    kind: Kind,
    start: usize,
    end: usize,
    glued: bool,
) {
    let num = if kind == Kind::Number {
        text.bytes().fold(0u64, |acc, d| {
            acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
        })
    } else {
        0
    };
    toks.push(Token {
        text,
        kind,
        num,
        start: f.offsets[start],
        end: f.offsets[end],
        glued,
        accent_final: kind == Kind::Word && end > start && f.accent[end - 1],
    });
}

fn char_len(b: u8) -> usize {
    match b {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

fn is_word_byte(s: &str, i: usize) -> bool {
    let b = s.as_bytes()[i];
    if b.is_ascii_alphabetic() {
        return true;
    }
    if b < 0x80 {
        return false;
    }
    s[i..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && c != 'º')
}

/// Reads a number written in words ("quince", "veintiuno", "treinta y uno", "dos mil")
/// starting at token `i`; returns the value and the number of tokens used.
pub(crate) fn number_words(toks: &[Token<'_>], i: usize) -> Option<(u64, usize)> {
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut j = i;
    let mut any = false;
    while j < toks.len() {
        let t = toks[j];
        if t.kind != Kind::Word {
            break;
        }
        if let Some(v) = small_number_word(t.text) {
            current += v;
            any = true;
            j += 1;
            // "treinta y uno": the "y" only joins tens and units.
            if j + 1 < toks.len()
                && toks[j].is("y")
                && (30..100).contains(&v)
                && small_number_word(toks[j + 1].text).is_some_and(|u| u < 10)
            {
                j += 1;
            }
            continue;
        }
        match t.text {
            "mil" => {
                total += current.max(1) * 1000;
                current = 0;
            }
            "millon" | "millones" => {
                total += current.max(1) * 1_000_000;
                current = 0;
            }
            _ => break,
        }
        any = true;
        j += 1;
    }
    any.then_some((total + current, j - i))
}

/// Value of one number word below one thousand.
fn small_number_word(w: &str) -> Option<u64> {
    Some(match w {
        "un" | "uno" | "una" => 1,
        "dos" => 2,
        "tres" => 3,
        "cuatro" => 4,
        "cinco" => 5,
        "seis" => 6,
        "siete" => 7,
        "ocho" => 8,
        "nueve" => 9,
        "diez" => 10,
        "once" => 11,
        "doce" => 12,
        "trece" => 13,
        "catorce" => 14,
        "quince" => 15,
        "dieciseis" => 16,
        "diecisiete" => 17,
        "dieciocho" => 18,
        "diecinueve" => 19,
        "veinte" => 20,
        "veintiun" | "veintiuno" | "veintiuna" => 21,
        "veintidos" => 22,
        "veintitres" => 23,
        "veinticuatro" => 24,
        "veinticinco" => 25,
        "veintiseis" => 26,
        "veintisiete" => 27,
        "veintiocho" => 28,
        "veintinueve" => 29,
        "treinta" => 30,
        "cuarenta" => 40,
        "cincuenta" => 50,
        "sesenta" => 60,
        "setenta" => 70,
        "ochenta" => 80,
        "noventa" => 90,
        "cien" | "ciento" => 100,
        "doscientos" | "doscientas" => 200,
        "trescientos" | "trescientas" => 300,
        "cuatrocientos" | "cuatrocientas" => 400,
        "quinientos" | "quinientas" => 500,
        "seiscientos" | "seiscientas" => 600,
        "setecientos" | "setecientas" => 700,
        "ochocientos" | "ochocientas" => 800,
        "novecientos" | "novecientas" => 900,
        _ => return None,
    })
}

/// Damerau-free edit distance of at most one, for typo-tolerant weekday and month names.
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        // Adjacent transposition ("miercloes") counts as one edit.
        if i + 1 < a.len() && j + 1 < b.len() && a[i] == b[j + 1] && a[i + 1] == b[j] {
            i += 2;
            j += 2;
        } else if a.len() > b.len() {
            i += 1;
        } else if b.len() > a.len() {
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}
