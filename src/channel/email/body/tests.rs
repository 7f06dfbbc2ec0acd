//! [`encode`] against the crates it replaces: `encode_with_crates` (email-encoding's choice,
//! the CRLF pass and `quoted_printable::encode`, what the sender did before) and lettre's own
//! `Body::new`. The encoding and every byte must agree.

use super::*;

/// How many texts of each transfer encoding a test compared, to show it reached them all.
#[derive(Default, Debug)]
struct Seen {
    seven_bit: usize,
    quoted_printable: usize,
    other: usize,
}

impl Seen {
    /// Compares `encode(text)` with the crates' result and counts its encoding.
    fn check(&mut self, text: &str) {
        let ours = encode(text);
        let theirs = encode_with_crates(text);
        assert_eq!(ours.encoding(), theirs.encoding(), "encoding of {text:?}");
        if ours.as_ref() != theirs.as_ref() {
            panic!(
                "{text:?}\n  ours:   {:?}\n  crates: {:?}",
                String::from_utf8_lossy(ours.as_ref()),
                String::from_utf8_lossy(theirs.as_ref())
            );
        }
        match ours.encoding() {
            ContentTransferEncoding::SevenBit => self.seven_bit += 1,
            ContentTransferEncoding::QuotedPrintable => {
                // Made here, not by the fallback to lettre (which would give the same bytes).
                assert!(quoted_printable(text.as_bytes()).is_some(), "{text:?}");
                self.quoted_printable += 1;
            }
            _ => self.other += 1,
        }
    }

    /// [`Seen::check`], and lettre's `Body::new` gives the same (slower: its CRLF pass is
    /// quadratic).
    fn check_with_lettre(&mut self, text: &str) {
        self.check(text);
        let ours = encode(text);
        let lettre = Body::new(text.to_owned());
        assert_eq!(ours.encoding(), lettre.encoding(), "{text:?}");
        assert_eq!(ours.as_ref(), lettre.as_ref(), "{text:?}");
    }
}

#[test]
fn bodies_are_encoded_as_lettre_does() {
    let long = "x".repeat(80);
    let texts = [
        String::new(),
        "Hola".into(),
        "Hola\nqué tal\n".into(),
        "\nprimera línea vacía\r\nCRLF ya\rsolo CR\n\n".into(),
        format!("ascii con línea larga\n{long}\nfin"),
        format!("ascii {long}\n"),
        "línea de 74 ....................................................... fin\n".into(),
        "€€€€€€€€€€ ñ ñ ñ\n€€€€".into(),
        "=?utf-8?q?x?= = igual =\n\tTab final \n".into(),
        ".\n.linea que empieza con punto\n..\n".into(),
        format!("una línea de más de 998: {}\n", "y".repeat(1200)),
        format!("ascii de más de 998: {}\n", "y".repeat(1200)),
    ];
    let mut seen = Seen::default();
    for text in texts {
        seen.check_with_lettre(&text);
    }
    assert!(
        seen.seven_bit > 0 && seen.quoted_printable > 0 && seen.other > 0,
        "{seen:?}"
    );
}

/// The alphabet of the exhaustive tests: a plain letter and every byte with a rule.
const ALPHABET: [&str; 7] = ["a", " ", "\t", "=", "\r", "\n", "é"];

/// Calls `f` with every text of at most `max` symbols of [`ALPHABET`] after `prefix`.
fn every_text(prefix: &str, max: usize, mut f: impl FnMut(&str)) {
    let mut digits: Vec<usize> = Vec::with_capacity(max);
    let mut text = String::new();
    loop {
        text.clear();
        text.push_str(prefix);
        for &d in &digits {
            text.push_str(ALPHABET[d]);
        }
        f(&text);
        // The next sequence, shortest first: count in base 7, growing when all wrap.
        let mut i = digits.len();
        loop {
            if i == 0 {
                if digits.len() == max {
                    return;
                }
                digits.iter_mut().for_each(|d| *d = 0);
                digits.push(0);
                break;
            }
            i -= 1;
            digits[i] += 1;
            if digits[i] < ALPHABET.len() {
                break;
            }
            digits[i] = 0;
        }
    }
}

/// Every text of up to 7 symbols: CR/LF pairs and lone ones, trailing white space at the end
/// and before each kind of line end, escapes, and the choice between the three encodings.
#[test]
fn every_short_text_is_encoded_as_the_crates_do() {
    let mut seen = Seen::default();
    let mut count = 0;
    every_text("", 7, |text| {
        seen.check(text);
        count += 1;
    });
    assert_eq!(count, (0..=7).map(|n| 7usize.pow(n)).sum::<usize>());
    assert!(
        seen.seven_bit > 0 && seen.quoted_printable > 0 && seen.other > 0,
        "{seen:?}"
    );
}

/// Every text of up to 4 symbols after a line that ends at each column around the limit (and
/// after a first soft break), as 7bit-able ASCII and as quoted-printable text: the soft
/// break, the backup position and the trailing white space near the 76th column.
#[test]
fn every_short_ending_near_the_line_limit_is_encoded_as_the_crates_do() {
    let mut seen = Seen::default();
    for columns in 62..=80 {
        for prefix in [
            "x".repeat(columns),
            // `é` is 6 columns (`=C3=A9`): the text is quoted-printable whatever follows.
            format!("é{}", "x".repeat(columns - 6)),
            format!("=x{}", "x".repeat(columns - 4)),
            format!("line\n{}", "x".repeat(columns)),
            format!("{} ", "x".repeat(columns - 1)),
            format!("{}=", "x".repeat(columns - 3)),
            "x".repeat(columns + 75),
        ] {
            every_text(&prefix, 4, |text| seen.check(text));
        }
    }
    assert!(seen.quoted_printable > 100_000, "{seen:?}");
}

/// Lines of 70 to 80 bytes with each special piece at each position near their end, and what
/// may follow them.
#[test]
fn lines_around_the_limit_with_a_special_byte_near_the_end() {
    let specials = [
        " ", "\t", "=", "\r", "\n", "\r\n", "é", "€", "📬", " \n", "\t\r\n", "  ", "\r\r\n",
    ];
    let tails = [
        "",
        "\n",
        "\r\n",
        "b",
        " ",
        "\t",
        "\r",
        "é",
        "\nsegunda línea\n",
    ];
    let mut seen = Seen::default();
    for len in 70..=80 {
        let line = "a".repeat(len);
        for pos in len - 10..=len {
            for special in specials {
                for tail in tails {
                    let text = format!("{}{special}{}{tail}", &line[..pos], &line[pos..]);
                    seen.check(&text);
                    seen.check(&format!("{text}{text}"));
                    seen.check(&format!("é{text}"));
                }
            }
        }
    }
    assert!(
        seen.seven_bit > 0 && seen.quoted_printable > 10_000,
        "{seen:?}"
    );
}

/// SplitMix64: a deterministic generator for the random texts.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random text of Spanish-like words, accents, emoji, every kind of line end, trailing
/// white space, escapes and long runs without spaces.
fn random_text(rng: &mut Rng) -> String {
    const PIECES: [&str; 24] = [
        "factura",
        "pago",
        "según",
        "año",
        "señor",
        "información",
        "€",
        "📬",
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\n",
        "\r\n",
        "\r",
        " \n",
        "\t\r\n",
        "=",
        "=3D",
        ".",
        "\n\n",
        "ÁÉÍÓÚ",
        "<p>",
    ];
    let mut text = String::new();
    for _ in 0..rng.below(600) {
        match rng.below(20) {
            0 => text.push_str(&"y".repeat(rng.below(200))),
            1 => text.push(char::from(rng.below(128) as u8)),
            _ => text.push_str(PIECES[rng.below(PIECES.len())]),
        }
    }
    text
}

#[test]
fn random_texts_are_encoded_as_the_crates_do() {
    let mut rng = Rng(17);
    let mut seen = Seen::default();
    for case in 0..4000 {
        let text = random_text(&mut rng);
        if case % 10 == 0 {
            seen.check_with_lettre(&text);
        } else {
            seen.check(&text);
        }
    }
    assert!(seen.quoted_printable > 2000, "{seen:?}");
}

/// The bodies cobrador sends: every default email template, every sample client, usted and
/// tú, with and without the optional parts, text and HTML.
#[test]
fn rendered_templates_are_encoded_as_lettre_does() {
    use crate::render::{KINDS, Medium, RenderContext, Renderer};
    let renderer = Renderer::new(None).unwrap();
    let mut seen = Seen::default();
    for kind in KINDS {
        for (_, _, ctx) in RenderContext::variants(kind.name) {
            let rendered = renderer
                .render_message(kind.name, Medium::Email, &ctx)
                .unwrap();
            seen.check_with_lettre(&rendered.text);
            if let Some(html) = &rendered.html {
                seen.check_with_lettre(html);
            }
        }
    }
    assert!(seen.quoted_printable > 100, "{seen:?}");
}

/// The word-at-a-time scan stops where the table does, for every byte at every place of the
/// first two words and after a run longer than one word.
#[test]
fn plain_runs_end_at_the_first_byte_the_table_does_not_copy() {
    let by_table = |bytes: &[u8]| {
        bytes
            .iter()
            .position(|&b| !PLAIN[usize::from(b)])
            .unwrap_or(bytes.len())
    };
    let mut stops = 0;
    for len in [7, 8, 9, 16, 17, 31] {
        for at in 0..len {
            for b in 0..=255u8 {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b;
                assert_eq!(
                    plain_len(&bytes),
                    by_table(&bytes),
                    "{b:#04x} at {at} of {len}"
                );
                stops += usize::from(by_table(&bytes) < len);
            }
        }
    }
    // Every byte but the 95 printable ones other than `=`, and tab, stops a run.
    assert_eq!(stops, (7 + 8 + 9 + 16 + 17 + 31) * (256 - 95));
}
