//! HTML to plain text for HTML-only mails, keeping what trimming needs: the text inside a
//! `<blockquote>` (and Gmail's, Thunderbird's, Yahoo's and Outlook's quote containers) comes out
//! prefixed by `> `, exactly as a plain-text client would have quoted it. A generic converter
//! flattens quotes into the answer, and the quoted reminder would then be read as the client's
//! words.
//!
//! One pass over the input, no backtracking: time is linear in the size of the HTML.

/// Plain text of an HTML body; quoted parts prefixed by `> ` (one per nesting level).
pub fn to_text(html: &str) -> String {
    let mut out = Out::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    // Tags whose content is never text.
    let mut skip_until: Option<&'static str> = None;
    // For each open <div>: whether it opened a quote.
    let mut div_quotes: Vec<bool> = Vec::new();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let end = match html[i..].find('>') {
                Some(e) => i + e,
                None => break,
            };
            let tag = &html[i + 1..end];
            i = end + 1;
            if tag.starts_with("!--") {
                // A comment: skip to its end (it may contain '>').
                if !tag.ends_with("--")
                    && let Some(e) = html[i..].find("-->")
                {
                    i += e + 3;
                }
                continue;
            }
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if let Some(until) = skip_until {
                if closing && name == until {
                    skip_until = None;
                }
                continue;
            }
            match name.as_str() {
                "style" | "script" | "head" | "title" if !closing => {
                    skip_until = Some(match name.as_str() {
                        "style" => "style",
                        "script" => "script",
                        "head" => "head",
                        _ => "title",
                    })
                }
                "blockquote" => {
                    out.newline();
                    if closing {
                        out.depth = out.depth.saturating_sub(1);
                    } else {
                        out.depth += 1;
                    }
                }
                "div" => {
                    out.newline();
                    if closing {
                        if div_quotes.pop() == Some(true) {
                            out.depth = out.depth.saturating_sub(1);
                        }
                    } else if !tag.ends_with('/') {
                        if is_history_start(tag) {
                            // Outlook puts only the header block in this div; the old message
                            // follows it, outside: everything from here on is history.
                            out.rest_is_history = true;
                        }
                        if !out.rest_is_history && is_signature_container(tag) {
                            // Gmail, Outlook and Thunderbird wrap the signature: mark it as a
                            // plain-text client would.
                            out.newline();
                            out.push_text("--");
                            out.hard_newline();
                        }
                        let quote = is_quote_container(tag);
                        if quote {
                            out.depth += 1;
                        }
                        div_quotes.push(quote);
                    }
                }
                "br" => out.hard_newline(),
                "hr" if is_history_start(tag) => {
                    out.newline();
                    out.rest_is_history = true;
                }
                "p" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "ul"
                | "ol" | "pre" | "hr" => {
                    out.newline();
                    if name == "p" && closing {
                        out.hard_newline();
                    }
                }
                "td" | "th" if closing => out.push_str(" "),
                _ => {}
            }
            continue;
        }
        let next = html[i..].find('<').map_or(html.len(), |n| i + n);
        if skip_until.is_none() {
            out.push_text(&decode_entities(&html[i..next]));
        }
        i = next;
    }
    out.finish()
}

/// Outlook's marks where the quoted message starts and runs to the end of the document.
fn is_history_start(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    ["divrplyfwdmsg", "appendonsend", "stopspelling"]
        .iter()
        .any(|c| t.contains(c))
}

/// Containers of a signature (`gmail_signature`, Outlook's `Signature`, `moz-signature`).
fn is_signature_container(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    (t.contains("class=") || t.contains("id=")) && t.contains("signature")
}

/// Containers that mail clients put around the quoted message instead of `<blockquote>`.
fn is_quote_container(tag: &str) -> bool {
    let t = tag.to_ascii_lowercase();
    [
        "gmail_quote",
        "moz-cite-prefix",
        "yahoo_quoted",
        "mail-editor-reference-message-container",
        "protonmail_quote",
        "zmail_extra",
    ]
    .iter()
    .any(|c| t.contains(c))
}

#[derive(Default)]
struct Out {
    text: String,
    line: String,
    depth: usize,
    line_depth: usize,
    /// Everything from here on is quoted history (Outlook's reply separator was seen).
    rest_is_history: bool,
}

impl Out {
    fn push_text(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' || c == '\r' || c == '\t' || c == ' ' || c == '\u{a0}' {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
            } else {
                if self.line.is_empty() {
                    self.line_depth = self.depth + usize::from(self.rest_is_history);
                }
                self.line.push(c);
            }
        }
    }

    fn push_str(&mut self, s: &str) {
        self.push_text(s);
    }

    /// Ends the current line if it has text.
    fn newline(&mut self) {
        if !self.line.trim().is_empty() {
            self.flush();
        }
        self.line.clear();
    }

    /// Ends the current line even if empty (a `<br>`).
    fn hard_newline(&mut self) {
        if self.line.trim().is_empty() {
            self.line_depth = self.depth + usize::from(self.rest_is_history);
            self.line.clear();
        }
        self.flush();
        self.line.clear();
    }

    fn flush(&mut self) {
        let text = self.line.trim();
        for _ in 0..self.line_depth {
            self.text.push('>');
        }
        if self.line_depth > 0 && !text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
        self.text.push('\n');
    }

    fn finish(mut self) -> String {
        self.newline();
        // Collapse runs of blank lines.
        let mut out = String::with_capacity(self.text.len());
        let mut blank = 0;
        for line in self.text.lines() {
            let empty = line.trim_start_matches('>').trim().is_empty();
            blank = if empty { blank + 1 } else { 0 };
            if blank <= 1 {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.trim().to_owned()
    }
}

/// Decodes the character references mail bodies use.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        // An entity name is ASCII and short: look for its `;` in the first 12 bytes, cut on a
        // character boundary (the text after a stray `&` may be anything).
        let mut limit = rest.len().min(12);
        while !rest.is_char_boundary(limit) {
            limit -= 1;
        }
        let end = rest[..limit].find(';');
        let decoded = end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "nbsp" => ' ',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "Aacute" => 'Á',
        "Eacute" => 'É',
        "Iacute" => 'Í',
        "Oacute" => 'Ó',
        "Uacute" => 'Ú',
        "ntilde" => 'ñ',
        "Ntilde" => 'Ñ',
        "uuml" => 'ü',
        "Uuml" => 'Ü',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "agrave" => 'à',
        "egrave" => 'è',
        "ograve" => 'ò',
        "atilde" => 'ã',
        "otilde" => 'õ',
        "acirc" => 'â',
        "ecirc" => 'ê',
        "ocirc" => 'ô',
        "iexcl" => '¡',
        "iquest" => '¿',
        "laquo" => '«',
        "raquo" => '»',
        "euro" => '€',
        "ordf" => 'ª',
        "ordm" => 'º',
        "middot" => '·',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stray_ampersand_before_multibyte_text_is_kept() {
        assert_eq!(super::decode_entities("&aacutáéíóú"), "&aacutáéíóú");
        assert_eq!(super::decode_entities("&aacute; y &amp;"), "á y &");
    }

    use super::*;

    #[test]
    fn quotes_keep_their_marks_and_entities_decode() {
        let html = "<html><head><style>p{}</style></head><body><div dir=\"ltr\">Le pago el \
                    viernes, gracias.<br></div><br><div class=\"gmail_quote\"><div \
                    class=\"gmail_attr\">El lun, 23 nov 2026 escribi&oacute;:<br></div>\
                    <blockquote>Le recordamos&nbsp;la factura</blockquote></div></body></html>";
        let text = to_text(html);
        assert!(text.starts_with("Le pago el viernes, gracias."), "{text}");
        assert!(text.contains("> El lun, 23 nov 2026 escribió:"), "{text}");
        assert!(text.contains(">> Le recordamos la factura"), "{text}");
    }

    #[test]
    fn paragraphs_and_breaks_are_lines() {
        assert_eq!(
            to_text("<p>Hola</p><p>Adi&oacute;s &amp; m&#225;s</p>"),
            "Hola\n\nAdiós & más"
        );
        assert_eq!(to_text("a<br>b<br/>c"), "a\nb\nc");
    }
}
