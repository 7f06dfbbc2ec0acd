//! Template syntax errors an owner can fix: the line where the problem starts and a Spanish
//! hint, instead of the parser's list of expected tokens at the end of the file.
//!
//! Why a second scanner: Handlebars reports an unclosed `{{#if}}` where the file ends, as "expected
//! escape, expression, html_expression, ...". The owner who edited a template needs the line of
//! the `{{#if}}` they left open and the words to close it. This scanner only balances blocks and
//! braces; anything else it cannot explain falls back to the parser's line and a short hint.

/// A syntax problem: its 1-based line and a Spanish hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line where the problem starts.
    pub line: usize,
    /// What to do, in Spanish.
    pub hint: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Finds the first unbalanced block or unclosed `{{` in `text`, if any.
pub fn find_problem(text: &str) -> Option<Problem> {
    // (block name, tag text, line) of every block still open.
    let mut open: Vec<(String, String, usize)> = Vec::new();
    let mut rest = 0;
    while let Some(found) = text[rest..].find("{{") {
        let start = rest + found;
        let line = line_of(text, start);
        let after = &text[start + 2..];
        // Comments may contain anything, braces included.
        let (inner_len, close_len) = if after.starts_with("!--") {
            match after.find("--}}") {
                Some(end) => (end, 4),
                None => return Some(unclosed_comment(line)),
            }
        } else {
            match after.find("}}") {
                Some(end) => (end, 2),
                None => return Some(unclosed_tag(text, start, line)),
            }
        };
        let inner = after[..inner_len]
            .trim_start_matches('{')
            .trim_start_matches('~')
            .trim_end_matches('~')
            .trim();
        if let Some(p) = newline_inside(inner, text, start, line) {
            return Some(p);
        }
        rest = start + 2 + inner_len + close_len;
        if let Some(block) = inner.strip_prefix('#') {
            let name = block
                .trim_start_matches(['>', '*'])
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            open.push((name, format!("{{{{{inner}}}}}"), line));
        } else if let Some(block) = inner.strip_prefix('^').filter(|b| !b.trim().is_empty()) {
            let name = block.split_whitespace().next().unwrap_or("").to_owned();
            open.push((name, format!("{{{{{inner}}}}}"), line));
        } else if let Some(block) = inner.strip_prefix('/') {
            let name = block.trim().to_owned();
            match open.pop() {
                Some((opened, _, _)) if opened == name => {}
                Some((opened, tag, at)) => {
                    return Some(Problem {
                        line,
                        hint: format!(
                            "«{{{{/{name}}}}}» no cierra el bloque abierto en la línea {at}, «{tag}»: \
                             ciérrelo antes con «{{{{/{opened}}}}}»"
                        ),
                    });
                }
                None => {
                    return Some(Problem {
                        line,
                        hint: format!(
                            "«{{{{/{name}}}}}» cierra un bloque que no está abierto: bórrelo, o \
                             abra antes el bloque con «{{{{#{name} ...}}}}»"
                        ),
                    });
                }
            }
        }
    }
    open.pop().map(|(name, tag, line)| Problem {
        line,
        hint: format!(
            "el bloque «{tag}» no se cierra: añada «{{{{/{name}}}}}» donde deba terminar lo que \
             depende de él"
        ),
    })
}

fn unclosed_comment(line: usize) -> Problem {
    Problem {
        line,
        hint: "el comentario «{{!--» no se cierra: termínelo con «--}}»".into(),
    }
}

fn unclosed_tag(text: &str, start: usize, line: usize) -> Problem {
    let snippet: String = text[start..]
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(40)
        .collect();
    Problem {
        line,
        hint: format!("a «{snippet}» le faltan las llaves de cierre «}}}}»"),
    }
}

/// A tag that runs over a line end is almost always a missing `}}` on its first line.
fn newline_inside(inner: &str, text: &str, start: usize, line: usize) -> Option<Problem> {
    if inner.starts_with('!') || !inner.contains('\n') {
        return None;
    }
    Some(unclosed_tag(text, start, line))
}

/// The hint when the scanner found nothing but the parser did.
pub fn generic_hint() -> &'static str {
    "revise las llaves de esta línea: cada «{{» necesita su «}}», y cada «{{#bloque}}» su «{{/bloque}}»"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_what_is_wrong() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "Hola\n{{#if tuteo}}\nte escribo\nSaludos\n",
                2,
                "el bloque «{{#if tuteo}}» no se cierra: añada «{{/if}}»",
            ),
            (
                "{{#each invoices}}\n{{#if x}}\n{{/each}}\n",
                3,
                "«{{/each}}» no cierra el bloque abierto en la línea 2, «{{#if x}}»: ciérrelo antes con «{{/if}}»",
            ),
            (
                "a\n\n{{/if}}\n",
                3,
                "«{{/if}}» cierra un bloque que no está abierto",
            ),
            (
                "Hola {{client.name\nfin\n",
                1,
                "a «{{client.name» le faltan las llaves de cierre «}}»",
            ),
            ("x {{!-- nota\n", 1, "el comentario «{{!--» no se cierra"),
        ];
        for (text, line, hint) in cases {
            let p = find_problem(text).unwrap_or_else(|| panic!("nothing found in {text:?}"));
            assert_eq!(p.line, *line, "{text:?}");
            assert!(p.hint.starts_with(hint), "{text:?}: {}", p.hint);
        }
    }

    #[test]
    fn balanced_templates_have_no_problem() {
        for text in [
            "{{#if a}}x{{else}}y{{/if}}",
            "{{~#each list as |i|~}}{{i}}{{~/each~}}",
            "{{!-- {{#if}} in a comment --}}{{> _signature.txt}}",
            "{{{raw}}} {{#> layout}}body{{/layout}}",
            "{{^if a}}no{{/if}} {{#if b}}x{{^}}y{{/if}}",
        ] {
            assert_eq!(find_problem(text), None, "{text:?}");
        }
        for (name, text) in crate::render::defaults::DEFAULT_TEMPLATES {
            assert_eq!(find_problem(text), None, "{name}");
        }
    }
}
