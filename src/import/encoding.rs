//! Which encoding a CSV file is in, decided from its bytes, never guessed silently.
//!
//! Owners' CSV files come from Excel, LibreOffice and invoicing programs. What they contain:
//!
//! | bytes                                   | read as        | why                                   |
//! |-----------------------------------------|----------------|---------------------------------------|
//! | UTF-8 BOM, or valid UTF-8               | UTF-8          | "CSV UTF-8", LibreOffice, most tools   |
//! | UTF-16 BOM (LE or BE)                   | UTF-16         | Excel's "Texto Unicode"               |
//! | not UTF-8, no UTF-8 sequences at all    | Windows-1252   | Excel's plain "CSV (delimitado por comas)" on Spanish Windows |
//! | not UTF-8 but with UTF-8 sequences      | refused        | two encodings mixed in one file       |
//! | Windows-1252 text with characters no Spanish text has (`¤`, `¥`, `µ`, `§`, a no-break space inside a word, `¿` after a letter, `à` inside an upper-case word...) | refused | "CSV (MS-DOS)" (code page 850) or Mac Roman: reading it as Windows-1252 would store "Espa¤a" |
//! | any encoding, text with `Ã±`, `Ã©`, `Â°`... | refused    | already mis-decoded once by another program; storing it would send "Ã±" to clients |
//!
//! A refusal names the line and the Excel menu that writes a file we can read without doubt:
//! "Archivo > Guardar como > CSV UTF-8 (delimitado por comas)". Old Mac files ending lines with
//! a bare CR get LF instead (same length, so byte offsets and line numbers stay right).

use super::ImportError;

/// The Excel menu that saves a CSV file cobrador reads without doubt.
pub const EXCEL_UTF8_MENU: &str = "Archivo > Guardar como > CSV UTF-8 (delimitado por comas)";

/// The encoding a file was read in (reported in errors and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// UTF-8, with or without BOM.
    Utf8,
    /// UTF-16 with a BOM.
    Utf16,
    /// Windows-1252 (Excel's "CSV" on Spanish Windows).
    Windows1252,
}

/// Decodes a CSV file's bytes to text, or refuses with the line and the fix.
pub fn decode(name: &str, bytes: &[u8]) -> Result<(String, Detected), ImportError> {
    let (text, detected) = if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(refuse(
                name,
                line_at(bytes, 0),
                &format!(
                    "the file starts with a {} mark but is not valid {}",
                    enc.name(),
                    enc.name()
                ),
            ));
        }
        let detected = if enc == encoding_rs::UTF_8 {
            Detected::Utf8
        } else {
            Detected::Utf16
        };
        (text.into_owned(), detected)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), Detected::Utf8),
            Err(e) => (
                windows_1252(name, bytes, e.valid_up_to())?,
                Detected::Windows1252,
            ),
        }
    };
    if let Some(at) = text.find('\0') {
        let line = text[..at].matches('\n').count() as u64 + 1;
        return Err(refuse(
            name,
            line,
            "the file holds NUL bytes: it is not a CSV text file (UTF-16 without its mark, or a \
             binary file)",
        ));
    }
    check_plausible(name, &text, detected)?;
    check_not_mis_decoded(name, &text)?;
    // A file whose lines end with a bare CR (old Mac): CR becomes LF, same length.
    let text = if text.contains('\r') && !text.contains('\n') {
        text.replace('\r', "\n")
    } else {
        text
    };
    Ok((text, detected))
}

/// Not UTF-8: Windows-1252, unless the file also holds UTF-8 sequences (a mix of two).
fn windows_1252(name: &str, bytes: &[u8], bad_at: usize) -> Result<String, ImportError> {
    if let Some(at) = utf8_sequence(bytes) {
        return Err(refuse(
            name,
            line_at(bytes, at),
            &format!(
                "the file mixes two encodings (UTF-8 on line {}, something else on line {})",
                line_at(bytes, at),
                line_at(bytes, bad_at)
            ),
        ));
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    Ok(text.into_owned())
}

/// The offset of the first well-formed multi-byte UTF-8 sequence, if any.
fn utf8_sequence(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(seq) = bytes.get(i..i + len)
            && std::str::from_utf8(seq).is_ok()
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Characters Spanish and Latin American text has beyond ASCII, as Windows-1252 writes them.
fn plausible(c: char) -> bool {
    c.is_ascii()
        || "áéíóúüñÁÉÍÓÚÜÑàèìòùÀÈÌÒÙçÇïÏâêîôûÂÊÎÔÛãõÃÕäëöÄË".contains(c)
        || "ªº¿¡€«»°·‘’“”–—…\u{a0}²³½¼¾©®×".contains(c)
}

/// A text read as Windows-1252 that no Spanish writer would produce was another code page.
fn check_plausible(name: &str, text: &str, detected: Detected) -> Result<(), ImportError> {
    if detected != Detected::Windows1252 {
        return Ok(());
    }
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
        let odd = !plausible(c)
            // A no-break space between two letters is code page 850's "á".
            || (c == '\u{a0}' && letter(prev) && letter(next))
            // "¿" and "¡" open a phrase; after a letter they are 850's "¿"/"í" read wrongly.
            || ((c == '¿' || c == '¡') && letter(prev))
            // "à" and "é" are code page 850's "Ó" and "Ú": inside or at the start of an
            // upper-case word they are those ("CAMIàN" for "CAMIÓN", "éLTIMO" for "ÚLTIMO").
            || ((c == 'à' || c == 'é')
                && next.is_some_and(char::is_uppercase)
                && !prev.is_some_and(char::is_lowercase));
        if odd {
            let line = text[..text.char_indices().nth(i).map_or(0, |(b, _)| b)]
                .matches('\n')
                .count()
                + 1;
            return Err(refuse(
                name,
                line as u64,
                &format!(
                    "the encoding cannot be told safely: read as Windows-1252 it holds {c:?}, \
                     which Spanish text does not (was it saved as \"CSV (MS-DOS)\" or on a Mac?)"
                ),
            ));
        }
    }
    Ok(())
}

/// `Ã±`, `Ã©`, `Â°`: UTF-8 once read as Windows-1252 and saved again. Storing it would put the
/// garbage in front of clients, so it is refused wherever it comes from.
pub(super) fn check_not_mis_decoded(name: &str, text: &str) -> Result<(), ImportError> {
    for (n, line) in text.lines().enumerate() {
        if let Some(pair) = mis_decoded(line) {
            return Err(ImportError {
                file: name.to_owned(),
                errors: vec![mis_decoded_error(name, n as u64 + 1, &pair)],
            });
        }
    }
    Ok(())
}

/// The first `Ã±`-like pair in `text`, if any.
pub(super) fn mis_decoded(text: &str) -> Option<String> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(&next) = chars.peek() else { break };
        let second =
            ('\u{80}'..='\u{bf}').contains(&next) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(next);
        if (c == 'Ã' || c == 'Â') && second {
            return Some(format!("{c}{next}"));
        }
    }
    None
}

/// The refusal of mis-decoded text on `line` (a line or a spreadsheet row).
pub(super) fn mis_decoded_error(name: &str, line: u64, pair: &str) -> String {
    format!(
        "{name}:{line}: {pair:?} is text already mis-decoded by another program \
         (\"ñ\" shows as \"Ã±\"): export the data again from the invoicing program, or in \
         Excel use {EXCEL_UTF8_MENU}"
    )
}

/// The 1-based line of a byte offset.
fn line_at(bytes: &[u8], at: usize) -> u64 {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
        + 1
}

fn refuse(name: &str, line: u64, reason: &str) -> ImportError {
    ImportError {
        file: name.to_owned(),
        errors: vec![format!(
            "{name}:{line}: {reason}: in Excel use {EXCEL_UTF8_MENU}; in LibreOffice, \
             Guardar como > Texto CSV with the character set Unicode (UTF-8)"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_decided_not_guessed() {
        let utf8 = "nombre;país\r\nPeña;España\r\n".as_bytes();
        assert_eq!(decode("a", utf8).unwrap().1, Detected::Utf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(utf8);
        let (text, d) = decode("a", &bom).unwrap();
        assert_eq!((text.starts_with("nombre"), d), (true, Detected::Utf8));
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode("nombre;país\r\nPeña;€ 1.000\r\n");
        let (text, d) = decode("a", &cp1252).unwrap();
        assert_eq!(d, Detected::Windows1252);
        assert!(text.contains("Peña;€ 1.000"));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "nombre\tpaís\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode("a", &utf16).unwrap().0, "nombre\tpaís\r\n");
    }

    #[test]
    fn doubtful_files_are_refused_with_the_excel_menu() {
        // Code page 850 ("CSV (MS-DOS)"): ñ is 0xA4, which Windows-1252 reads as ¤.
        let e = decode("f.csv", b"nombre\r\nEspa\xa4a\r\n").unwrap_err();
        assert!(e.errors[0].starts_with("f.csv:2: "), "{e}");
        assert!(e.errors[0].contains(EXCEL_UTF8_MENU));
        // UTF-8 and Windows-1252 in one file.
        let mut mixed = "nombre\nPeña\n".as_bytes().to_vec();
        mixed.extend_from_slice(b"Pe\xf1a\n");
        let e = decode("f.csv", &mixed).unwrap_err();
        assert!(e.errors[0].contains("mixes two encodings"), "{e}");
        // Mis-decoded once already, whatever the encoding now.
        let e = decode("f.csv", "nombre\nEspaÃ±a\n".as_bytes()).unwrap_err();
        assert!(e.errors[0].starts_with("f.csv:2: \"Ã±\""), "{e}");
        // Code page 850 upper case: "CAMIÓN" (Ó is 0xE0, Windows-1252's à), "ÁVILA" (0xB5, µ).
        assert!(decode("f.csv", b"n\r\nCAMI\xe0N\r\n").is_err());
        assert!(decode("f.csv", b"n\r\n\xb5VILA\r\n").is_err());
        // Real Windows-1252 text with the same letters passes (a hand-typed "ESPAñA" too).
        let (ok, _, _) =
            encoding_rs::WINDOWS_1252.encode("n\r\nCAMIÓN à la carta; Àvila; ESPAñA\r\n");
        assert!(decode("f.csv", &ok).is_ok());
        // UTF-16 without its byte order mark: valid UTF-8 full of NULs, refused.
        assert!(decode("f.csv", b"i\0d\0\r\0\n\0").is_err());
        // Old Mac line ends.
        assert_eq!(decode("a", b"a\rb\r").unwrap().0, "a\nb\n");
    }
}
