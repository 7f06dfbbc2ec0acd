//! The shape of the pure core, checked: no function in `policy`, `engine` or `understand`
//! (tests included) runs past [`MAX_FN_LINES`]. A function that needs more is several steps
//! that deserve names (the 515-line `plan_client` was the reason for this check).

#[path = "support/source_files.rs"]
mod source_files;

use std::path::Path;

/// The longest a function may be, counted from its `fn` line to its closing brace, both
/// included. About one screen and a half: longer, and a reader needs a table of contents.
const MAX_FN_LINES: usize = 100;

/// The directories (and their `foo.rs` parents) whose functions are measured.
const MEASURED: &[&str] = &["policy", "engine", "understand"];

/// One function: the line its `fn` is on (1-based), its name and its length in lines.
#[derive(Debug, PartialEq)]
struct Function {
    line: usize,
    name: String,
    lines: usize,
}

/// The functions with a body in `text`: a `fn` line (any visibility and qualifiers) whose
/// body closes with a `}` at the `fn`'s own indentation, as rustfmt writes it. Declarations
/// without a body (`fn f();` in a trait) are skipped.
fn functions(text: &str) -> Vec<Function> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let indent = &line[..line.len() - line.trim_start().len()];
        // The signature ends at the first line ending in `{` (a body) or `;` (none).
        let Some(open) = (i..lines.len()).find(|&k| {
            let t = lines[k].trim_end();
            t.ends_with('{') || t.ends_with(';') || (k == i && t.ends_with('}'))
        }) else {
            continue;
        };
        let t = lines[open].trim_end();
        if t.ends_with(';') {
            continue;
        }
        let close = if t.ends_with('}') {
            Some(open)
        } else {
            (open + 1..lines.len()).find(|&k| {
                let l = lines[k].trim_end();
                l.strip_prefix(indent)
                    .is_some_and(|rest| rest.starts_with('}'))
            })
        };
        if let Some(close) = close {
            found.push(Function {
                line: i + 1,
                name,
                lines: close - i + 1,
            });
        }
    }
    found
}

/// The name declared by a `fn` line, if it is one.
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line.trim_start();
    if rest.starts_with("//") {
        return None;
    }
    loop {
        let before = rest;
        for prefix in [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "const ",
            "async ",
            "unsafe ",
            "extern \"C\" ",
        ] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        if let Some(r) = rest.strip_prefix("pub(in ") {
            rest = r.split_once(") ").map_or(r, |(_, after)| after);
        }
        if rest == before {
            break;
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_function_of_the_pure_core_is_longer_than_the_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    for module in MEASURED {
        let file = src.join(format!("{module}.rs"));
        if file.exists() {
            files.push(file);
        }
        files.extend(source_files::rust_files(&src.join(module)));
    }
    assert!(
        files.len() > 20,
        "expected the modules' files, found {files:?}"
    );
    files.sort();
    let mut long = Vec::new();
    let mut measured = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for f in functions(&text) {
            measured += 1;
            let rel = file.strip_prefix(root).unwrap().to_string_lossy();
            if f.lines > MAX_FN_LINES {
                long.push(format!(
                    "{rel}:{}: fn {} is {} lines",
                    f.line, f.name, f.lines
                ));
            }
        }
    }
    assert!(
        measured > 200,
        "only {measured} functions found: the scanner is broken"
    );
    assert!(
        long.is_empty(),
        "functions longer than {MAX_FN_LINES} lines (split them into named steps):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_counter_measures_from_fn_to_its_closing_brace() {
    let mut long_body = String::new();
    for k in 0..101 {
        long_body.push_str(&format!("        let x{k} = {k};\n"));
    }
    let text = format!(
        "//! doc\n\
         pub fn short(a: u8) -> u8 {{\n    a + 1\n}}\n\
         trait T {{\n    fn declared(&self);\n    fn one_liner(&self) {{}}\n}}\n\
         mod m {{\n    pub(super) fn long(\n        a: u8,\n    ) {{\n{long_body}        \
         if a > 0 {{\n        }}\n    }}\n}}\n\
         // fn commented() {{\n"
    );
    let found = functions(&text);
    let summary: Vec<(usize, &str, usize)> = found
        .iter()
        .map(|f| (f.line, f.name.as_str(), f.lines))
        .collect();
    assert_eq!(
        summary,
        [(2, "short", 3), (7, "one_liner", 1), (10, "long", 107)]
    );
    assert!(
        found[2].lines > MAX_FN_LINES,
        "the long function must fail the check"
    );
}
