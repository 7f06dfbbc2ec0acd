//! The layering of the crate, checked: a module may only use modules of a lower layer, so
//! there is no cycle between top-level modules and the pure core (domain, policy, understand)
//! never reaches up to the configuration, the store or the network. See docs/architecture.md.

#[path = "support/source_files.rs"]
mod source_files;

use std::collections::BTreeMap;
use std::path::Path;

/// Layers, lowest first. A new top-level module must be placed here.
const LAYERS: &[&[&str]] = &[
    &["domain", "logging"],
    &["policy"],
    // Reading a reply counts business days less the country's holidays (`policy::holidays`).
    &["understand"],
    &["render", "config", "store", "mail"],
    &["channel", "import"],
    &["sender", "engine"],
    &["inbox", "telegram", "bank", "report", "digest"],
    &["daemon"],
    &["demo", "bench"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// `crate::x` references in the code of `text`, outside comments and `#[cfg(test)]` modules.
fn references(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn modules_only_use_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    files.extend(source_files::rust_files(&src));
    assert!(
        files.len() > 50,
        "expected the crate's sources, found {files:?}"
    );
    let mut violations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if rel == "lib.rs"
            || rel == "main.rs"
            || rel.ends_with("tests.rs")
            || rel.contains("/tests/")
        {
            continue;
        }
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        let Some(own) = layer_of(&top) else {
            violations.entry(rel.clone()).or_default().push(format!(
                "module `{top}` is not in the LAYERS table of tests/layers.rs"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for used in references(&text) {
            if used == top {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                Some(_) => violations
                    .entry(rel.clone())
                    .or_default()
                    .push(format!("`{top}` uses `{used}`, which is not below it")),
                None => violations
                    .entry(rel.clone())
                    .or_default()
                    .push(format!("uses `crate::{used}`, not in the LAYERS table")),
            }
        }
    }
    for v in violations.values_mut() {
        v.sort();
        v.dedup();
    }
    assert!(
        violations.is_empty(),
        "layering violations: {violations:#?}"
    );
}

#[test]
fn the_checker_sees_a_violation() {
    let text = "use crate::store::Store;\n// crate::cli in a comment\n#[cfg(test)]\nmod tests { use crate::cli; }";
    assert_eq!(references(text), vec!["store".to_owned()]);
    assert!(layer_of("policy") < layer_of("store"));
}
