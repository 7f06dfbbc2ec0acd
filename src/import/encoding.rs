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

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

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
    let mut decoder = Decoder::new(name, bytes);
    let mut text = String::new();
    decoder
        .read_to_string(&mut text)
        .map_err(|e| refuse(name, 1, &format!("cannot read the file: {e}")))?;
    let detected = decoder.finish()?;
    Ok((text, detected))
}

/// The kinds of refusal, most decisive first: when a file has several problems, the first
/// kind found anywhere in it is the one reported (as when the file was decoded whole).
const NOT_DECODABLE: usize = 0;
const HOLDS_NUL: usize = 1;
const IMPLAUSIBLE: usize = 2;
const MIS_DECODED: usize = 3;

/// How the bytes are read now.
enum Mode {
    /// UTF-8; with `bom` nothing else is tried.
    Utf8 { bom: bool },
    /// UTF-16 with a byte order mark, through encoding_rs's streaming decoder.
    Utf16(encoding_rs::Decoder),
    /// Windows-1252 since line `bad_line`, the first that was not UTF-8 (the lines before
    /// were ASCII, the same text in both).
    Windows1252 { bad_line: u64 },
}

/// Breaks handed to the CSV reader: the offsets of CR (`false`) and LF (`true`) bytes in the
/// decoded text, not yet claimed by the line counter.
pub(super) type Breaks = Rc<RefCell<VecDeque<(u64, bool)>>>;

/// A CSV file decoded as it is read, one line at a time, with the verdicts of decoding it
/// whole: the encoding is decided from the bytes met so far (a file that is UTF-8 up to line
/// 900,000 and then not is Windows-1252 only if those lines were ASCII), and every line is
/// checked as it passes. Once a line is refused the reader ends; [`Decoder::finish`] reads
/// the rest for a more decisive refusal and returns the one to report.
pub(super) struct Decoder<R: Read> {
    name: String,
    input: BufReader<io::Chain<Cursor<Vec<u8>>, R>>,
    mode: Mode,
    detected: Detected,
    /// The line being decoded (1-based, counted by LF in the text).
    line: u64,
    /// UTF-8 without a mark: the first line with a multi-byte sequence.
    utf8_line: Option<u64>,
    raw: Vec<u8>,
    /// The line being decoded.
    text: String,
    /// UTF-16: decoded text not yet split into lines, from `pending_at`.
    pending: String,
    pending_at: usize,
    input_done: bool,
    /// Decoded, checked text for the reader, handed out up to `out_at`.
    out: Vec<u8>,
    out_at: usize,
    /// Bytes of text produced before `out`.
    produced: u64,
    breaks: Breaks,
    started: bool,
    /// An old Mac file: lines end with a bare CR, read as LF (same length).
    cr_only: bool,
    refusals: [Option<ImportError>; 4],
    raw_read: u64,
}

impl<R: Read> Decoder<R> {
    /// A decoder of `input` (named `name` in refusals).
    pub(super) fn new(name: &str, mut input: R) -> Decoder<R> {
        // The byte order mark decides first; the (up to) 3 bytes read for it are put back.
        let mut head = Vec::with_capacity(3);
        let _ = (&mut input).take(3).read_to_end(&mut head);
        let (mode, detected, bom) = match encoding_rs::Encoding::for_bom(&head) {
            Some((enc, len)) if enc == encoding_rs::UTF_8 => {
                (Mode::Utf8 { bom: true }, Detected::Utf8, len)
            }
            Some((enc, len)) => (
                Mode::Utf16(enc.new_decoder_without_bom_handling()),
                Detected::Utf16,
                len,
            ),
            None => (Mode::Utf8 { bom: false }, Detected::Utf8, 0),
        };
        let raw_read = bom as u64;
        head.drain(..bom);
        Decoder {
            name: name.to_owned(),
            input: BufReader::with_capacity(1 << 16, Cursor::new(head).chain(input)),
            mode,
            detected,
            line: 1,
            utf8_line: None,
            raw: Vec::new(),
            text: String::new(),
            pending: String::new(),
            pending_at: 0,
            input_done: false,
            out: Vec::new(),
            out_at: 0,
            produced: 0,
            breaks: Breaks::default(),
            started: false,
            cr_only: false,
            refusals: Default::default(),
            raw_read,
        }
    }

    /// The offsets of line breaks handed out, for the CSV reader's line numbers.
    pub(super) fn breaks(&self) -> Breaks {
        Rc::clone(&self.breaks)
    }

    /// Bytes of the file read so far (for progress).
    pub(super) fn raw_read(&self) -> u64 {
        self.raw_read
    }

    /// The first line of text (the header row), without reading it away.
    pub(super) fn first_line(&mut self) -> io::Result<String> {
        if !self.started {
            self.fill()?;
        }
        let rest = &self.out[self.out_at..];
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    /// Whether a line was refused (the reader has ended).
    pub(super) fn refused(&self) -> bool {
        self.refusals.iter().any(Option::is_some)
    }

    /// The encoding, or the refusal to report: after a refusal the rest of the file is read
    /// for a more decisive one (see the table at the top).
    pub(super) fn finish(mut self) -> Result<Detected, ImportError> {
        // The reader may have stopped early (a refused header): the rest is checked too.
        while self.refusals[NOT_DECODABLE].is_none() {
            match self.next_line() {
                Ok(true) => {
                    self.check_line();
                    self.advance();
                }
                Ok(false) => break,
                Err(e) => self.refuse(NOT_DECODABLE, 1, &format!("cannot read the file: {e}")),
            }
        }
        match self.refusals.into_iter().flatten().next() {
            Some(refusal) => Err(refusal),
            None => Ok(self.detected),
        }
    }

    /// Decodes, checks and hands out lines until about 8 KB wait in `out`; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        self.started = true;
        self.out.clear();
        self.out_at = 0;
        while self.out.len() < 8192 && !self.refused() {
            if !self.next_line()? {
                break;
            }
            self.check_line();
            if !self.refused() {
                self.hand_out();
            }
            self.advance();
        }
        Ok(!self.out.is_empty())
    }

    /// The next line into `text` (ending in LF unless it is the last); false at the end.
    fn next_line(&mut self) -> io::Result<bool> {
        self.text.clear();
        if let Mode::Utf16(_) = self.mode {
            return self.next_utf16_line();
        }
        self.raw.clear();
        let n = self.input.read_until(b'\n', &mut self.raw)?;
        self.raw_read += n as u64;
        if n == 0 {
            return Ok(false);
        }
        match self.mode {
            Mode::Utf8 { bom } => match std::str::from_utf8(&self.raw) {
                Ok(s) => {
                    if self.utf8_line.is_none() && !s.is_ascii() {
                        self.utf8_line = Some(self.line);
                    }
                    self.text.push_str(s);
                }
                Err(_) if bom => {
                    self.refuse(
                        NOT_DECODABLE,
                        1,
                        "the file starts with a UTF-8 mark but is not valid UTF-8",
                    );
                }
                Err(_) => {
                    self.mode = Mode::Windows1252 {
                        bad_line: self.line,
                    };
                    self.detected = Detected::Windows1252;
                    self.windows_1252_line(self.line);
                }
            },
            Mode::Windows1252 { bad_line } => self.windows_1252_line(bad_line),
            Mode::Utf16(_) => {}
        }
        Ok(true)
    }

    /// A line in Windows-1252, unless it (or an earlier line) holds UTF-8: two encodings.
    fn windows_1252_line(&mut self, bad_line: u64) {
        let utf8 = self
            .utf8_line
            .or_else(|| utf8_sequence(&self.raw).map(|_| self.line));
        if let Some(at) = utf8 {
            let reason = format!(
                "the file mixes two encodings (UTF-8 on line {at}, something else on line {bad_line})"
            );
            self.refuse(NOT_DECODABLE, at, &reason);
            return;
        }
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&self.raw);
        self.text.push_str(&text);
    }

    fn next_utf16_line(&mut self) -> io::Result<bool> {
        loop {
            if let Some(i) = self.pending[self.pending_at..].find('\n') {
                let end = self.pending_at + i + 1;
                self.text.push_str(&self.pending[self.pending_at..end]);
                self.pending_at = end;
                return Ok(true);
            }
            if self.input_done {
                self.text.push_str(&self.pending[self.pending_at..]);
                self.pending.clear();
                self.pending_at = 0;
                return Ok(!self.text.is_empty());
            }
            self.pending.drain(..self.pending_at);
            self.pending_at = 0;
            let Mode::Utf16(decoder) = &mut self.mode else {
                return Ok(false);
            };
            let buf = self.input.fill_buf()?;
            let last = buf.is_empty();
            if let Some(room) = decoder.max_utf8_buffer_length(buf.len()) {
                self.pending.reserve(room);
            }
            let (_, read, had_errors) = decoder.decode_to_string(buf, &mut self.pending, last);
            let name = decoder.encoding().name();
            self.input.consume(read);
            self.raw_read += read as u64;
            self.input_done = last;
            if had_errors {
                let reason = format!("the file starts with a {name} mark but is not valid {name}");
                self.refuse(NOT_DECODABLE, 1, &reason);
                return Ok(false);
            }
        }
    }

    /// The checks every line of text passes, whatever its encoding.
    fn check_line(&mut self) {
        if self.refusals[NOT_DECODABLE].is_some() {
            return;
        }
        let line = self.line;
        if self.text.contains('\0') {
            self.refuse(
                HOLDS_NUL,
                line,
                "the file holds NUL bytes: it is not a CSV text file (UTF-16 without its mark, \
                 or a binary file)",
            );
        }
        if self.text.is_ascii() {
            return;
        }
        if matches!(self.mode, Mode::Windows1252 { .. })
            && let Some(c) = implausible(&self.text)
        {
            let reason = format!(
                "the encoding cannot be told safely: read as Windows-1252 it holds {c:?}, \
                 which Spanish text does not (was it saved as \"CSV (MS-DOS)\" or on a Mac?)"
            );
            self.refuse(IMPLAUSIBLE, line, &reason);
        }
        if self.refusals[MIS_DECODED].is_none()
            && let Some(pair) = mis_decoded(&self.text)
        {
            self.refusals[MIS_DECODED] = Some(ImportError {
                file: self.name.clone(),
                errors: vec![mis_decoded_error(&self.name, line, &pair)],
            });
        }
    }

    /// Appends the checked line to `out`, noting its line breaks.
    fn hand_out(&mut self) {
        if !self.started_output() && !self.text.ends_with('\n') && self.text.contains('\r') {
            // The whole file is one "line" and holds CR: an old Mac file.
            self.cr_only = true;
        }
        let at = self.produced + self.out.len() as u64;
        let mut breaks = self.breaks.borrow_mut();
        for (i, b) in self.text.bytes().enumerate() {
            if b == b'\n' || b == b'\r' {
                breaks.push_back((at + i as u64, b == b'\n' || self.cr_only));
            }
        }
        drop(breaks);
        if self.cr_only {
            self.out.extend(
                self.text
                    .bytes()
                    .map(|b| if b == b'\r' { b'\n' } else { b }),
            );
        } else {
            self.out.extend_from_slice(self.text.as_bytes());
        }
    }

    /// On to the next line's number.
    fn advance(&mut self) {
        if self.text.ends_with('\n') {
            self.line += 1;
        }
    }

    fn started_output(&self) -> bool {
        self.produced > 0 || !self.out.is_empty()
    }

    fn refuse(&mut self, kind: usize, line: u64, reason: &str) {
        if self.refusals[kind].is_none() {
            self.refusals[kind] = Some(refuse(&self.name, line, reason));
        }
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_at == self.out.len() {
            self.produced += self.out.len() as u64;
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
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

/// The first character of a line read as Windows-1252 that no Spanish writer would produce:
/// the file was in another code page.
fn implausible(line: &str) -> Option<char> {
    let chars: Vec<char> = line.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
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
        odd.then_some(c)
    })
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
