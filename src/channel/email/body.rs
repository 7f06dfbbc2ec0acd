//! A text body's transfer encoding, in one pass: the bytes lettre's `Body::new` would produce.
//!
//! lettre chooses the encoding (`email_encoding`'s `Encoding::choose`), makes line ends CRLF
//! and encodes with the `quoted_printable` crate. Together that cost about a fifth of the
//! sender thread's CPU in a 20,000-message flush: the choice counts bytes three times, the CRLF
//! conversion pushes byte by byte and the encoder appends byte by byte. [`encode`] does the
//! same in one scan per path, copying runs of plain bytes whole.
//!
//! The output must stay byte for byte what the crates give (a message already sent must not
//! change on a retry, and the tests in `body/tests.rs` hold the crates as oracles), so this
//! follows their rules, quirks included:
//!
//! - **Choice**: ASCII with no line too long is 7bit. A line is too long when the distance
//!   between two `\n` is 76 or more (so a first line of 76 bytes, a later one of 75, and the
//!   tail after the last `\n` of 75, or 76 without any `\n`). Otherwise quoted-printable when at
//!   most a third of the bytes are outside tab and `' '..='~'`, else base64 (left to lettre).
//! - **Line ends**: a `\n` is a hard line break (`\r\n`) whether or not a `\r` precedes it; a
//!   lone `\r` is encoded `=0D`.
//! - **Soft breaks** (`=\r\n`, lines of at most 76): a run of plain bytes is copied while it
//!   leaves two columns free; past that, bytes are added one at a time, and one that finds the
//!   line exactly full moves the item added last (one byte or one `=XX`) to the next line.
//! - **Trailing white space**: a space or tab just before a hard break or at the end of the
//!   text becomes `=20` / `=09` (which may itself move to a new line).

use email_encoding::body::Encoding;
use lettre::message::Body;
use lettre::message::header::ContentTransferEncoding;

/// The longest encoded line, without its CRLF (RFC 2045 6.7).
const LIMIT: usize = 76;

/// The bytes quoted-printable copies as they are: tab and printable ASCII but `=`.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b' ';
    while b <= b'~' {
        table[b as usize] = b != b'=';
        b += 1;
    }
    table[b'\t' as usize] = true;
    table
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `text` encoded exactly as lettre's `Body::new(text.to_owned())` encodes it.
pub fn encode(text: &str) -> Body {
    let bytes = text.as_bytes();
    if text.is_ascii() && !line_too_long(bytes) {
        return Body::dangerous_pre_encoded(crlf(bytes), ContentTransferEncoding::SevenBit);
    }
    match quoted_printable(bytes) {
        Some(encoded) => {
            Body::dangerous_pre_encoded(encoded, ContentTransferEncoding::QuotedPrintable)
        }
        // Mostly not ASCII: base64, rare enough to leave to lettre.
        None => Body::new(text.to_owned()),
    }
}

/// [`encode`] the way it was done before, with the crates: the choice, a CRLF pass, then
/// `quoted_printable::encode`. The tests' oracle and `cobrador bench qp`'s baseline.
pub fn encode_with_crates(text: &str) -> Body {
    let crlf = || {
        let mut out = Vec::with_capacity(text.len() + text.len() / 32);
        let mut previous = None;
        for &b in text.as_bytes() {
            if b == b'\n' && previous != Some(b'\r') {
                out.push(b'\r');
            }
            out.push(b);
            previous = Some(b);
        }
        out
    };
    match Encoding::choose(text, false) {
        Encoding::QuotedPrintable => Body::dangerous_pre_encoded(
            quoted_printable::encode(crlf()),
            ContentTransferEncoding::QuotedPrintable,
        ),
        Encoding::SevenBit => {
            Body::dangerous_pre_encoded(crlf(), ContentTransferEncoding::SevenBit)
        }
        _ => Body::new(text.to_owned()),
    }
}

/// `email_encoding`'s rule, distances between `\n` included (see the module doc).
fn line_too_long(bytes: &[u8]) -> bool {
    let mut last = 0;
    memchr::memchr_iter(b'\n', bytes).any(|i| {
        let previous = std::mem::replace(&mut last, i);
        i - previous >= LIMIT
    }) || bytes.len() - last >= LIMIT
}

/// `bytes` with every `\n` not preceded by `\r` made `\r\n`.
fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32 + 2);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', bytes) {
        if i == 0 || bytes[i - 1] != b'\r' {
            out.extend_from_slice(&bytes[start..i]);
            out.push(b'\r');
            start = i;
        }
    }
    out.extend_from_slice(&bytes[start..]);
    out
}

/// The quoted-printable text of `bytes` with CRLF line ends, or `None` when more than a third
/// of the bytes are outside tab and `' '..='~'` (lettre then chooses base64).
fn quoted_printable(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut qp = Encoder {
        out: Vec::with_capacity(bytes.len() + bytes.len() / 4 + 8),
        column: 0,
        last: 0,
    };
    // Bytes `email_encoding` counts as needing an escape: not tab, not `' '..='~'`.
    let mut escapes = 0;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let plain = plain_len(rest);
        if plain > 0 {
            qp.run(&rest[..plain]);
            i += plain;
            continue;
        }
        let b = rest[0];
        i += 1;
        escapes += usize::from(b != b'=');
        match b {
            b'\n' => qp.hard_break(),
            b'\r' if rest.get(1) == Some(&b'\n') => {
                escapes += 1;
                i += 1;
                qp.hard_break();
            }
            _ => qp.append(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]),
        }
    }
    qp.trailing_white_space();
    (escapes <= bytes.len() / 3).then_some(qp.out)
}

/// How many bytes at the start of `bytes` are [`PLAIN`]: eight at a time while a word holds
/// only printable ASCII but `=`, then by the table (which also takes tabs).
fn plain_len(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for word in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let w = u64::from_ne_bytes(w);
        // Bit hacks (exact as a yes/no for the whole word): a byte below 0x20, a byte above
        // 0x7E, a byte equal to `=`.
        let control = w.wrapping_sub(ONES * 0x20) & !w;
        let high = w.wrapping_add(ONES) | w;
        let equals = w ^ (ONES * u64::from(b'='));
        let equals = equals.wrapping_sub(ONES) & !equals;
        if (control | high | equals) & HIGH != 0 {
            break;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .position(|&b| !PLAIN[usize::from(b)])
        .unwrap_or(bytes.len() - n)
}

/// The state of `quoted_printable`'s `_encode`: the output, the column and the length of the
/// item appended last (0 after a run: its "backup position" is then the end).
struct Encoder {
    out: Vec<u8>,
    column: usize,
    last: usize,
}

impl Encoder {
    /// Plain bytes: copied whole while two columns stay free, then one at a time.
    fn run(&mut self, mut plain: &[u8]) {
        while !plain.is_empty() {
            if self.column + 3 <= LIMIT {
                let n = plain.len().min(LIMIT - 2 - self.column);
                self.out.extend_from_slice(&plain[..n]);
                self.column += n;
                self.last = 0;
                plain = &plain[n..];
            } else {
                self.append(&plain[..1]);
                plain = &plain[1..];
            }
        }
    }

    /// One item (a byte or `=XX`), after a soft break if it does not fit; on a line exactly
    /// full the break goes before the item appended last, as the crate does.
    fn append(&mut self, item: &[u8]) {
        if self.column + item.len() > LIMIT {
            if self.column == LIMIT {
                let at = self.out.len() - self.last;
                let mut moved = [0u8; 3];
                moved[..self.last].copy_from_slice(&self.out[at..]);
                self.out.truncate(at);
                self.out.extend_from_slice(b"=\r\n");
                self.out.extend_from_slice(&moved[..self.last]);
                self.column = self.last;
            } else {
                self.out.extend_from_slice(b"=\r\n");
                self.column = 0;
            }
        }
        self.out.extend_from_slice(item);
        self.column += item.len();
        self.last = item.len();
    }

    fn hard_break(&mut self) {
        self.trailing_white_space();
        self.out.extend_from_slice(b"\r\n");
        self.column = 0;
    }

    /// A space or tab that ends a line or the text is encoded (RFC 2045 6.7 rule 3).
    fn trailing_white_space(&mut self) {
        let item: &[u8] = match self.out.last() {
            Some(b' ') => b"=20",
            Some(b'\t') => b"=09",
            _ => return,
        };
        self.out.pop();
        self.column = self.column.saturating_sub(1);
        self.append(item);
    }
}

#[cfg(test)]
mod tests;
