//! Templates that include themselves through other partials (`_a` includes `_b`, `_b`
//! includes `_a`) would recurse until the stack overflows and the process aborts: handlebars
//! only refuses *direct* self-inclusion, and only at render time. An owner's override directory
//! can create such a loop, so every cycle is refused when the templates load, with its path.

use std::collections::BTreeMap;

use super::TemplateSource;

/// The partials a template includes (`{{> name}}`, `{{#> name}}`), with the line of each.
/// Dynamic partials (`{{> (lookup ...)}}`) cannot be followed and are skipped.
fn includes(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("{{") {
            rest = &rest[i + 2..];
            let tag = rest.trim_start_matches('~').trim_start_matches('#');
            let Some(tag) = tag.strip_prefix('>') else {
                continue;
            };
            let name: String = tag
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '}' && *c != '~')
                .collect();
            if !name.is_empty() && !name.starts_with('(') {
                out.push((name, n + 1));
            }
        }
    }
    out
}

/// The first inclusion cycle found, as (template file, line, path of names), if any.
pub(super) fn find_cycle(
    sources: &BTreeMap<String, TemplateSource>,
) -> Option<(String, usize, Vec<String>)> {
    let edges: BTreeMap<&str, Vec<(String, usize)>> = sources
        .iter()
        .map(|(name, s)| (name.as_str(), includes(&s.text)))
        .collect();
    // Iterative depth-first search, colouring names: 1 = on the current path, 2 = done.
    let mut colour: BTreeMap<&str, u8> = BTreeMap::new();
    for start in edges.keys() {
        if colour.contains_key(start) {
            continue;
        }
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some(&(node, next)) = path.last() {
            let out = edges.get(node).map(Vec::as_slice).unwrap_or(&[]);
            let Some((target, line)) = out.get(next) else {
                colour.insert(node, 2);
                path.pop();
                continue;
            };
            if let Some(top) = path.last_mut() {
                top.1 += 1;
            }
            let Some((target, _)) = edges.get_key_value(target.as_str()) else {
                continue;
            };
            match colour.get(target) {
                Some(1) => {
                    let from = path.iter().position(|(n, _)| n == target).unwrap_or(0);
                    let mut names: Vec<String> =
                        path[from..].iter().map(|(n, _)| (*n).to_owned()).collect();
                    names.push((*target).to_owned());
                    let file = sources
                        .get(node)
                        .map(|s| s.file.clone())
                        .unwrap_or_default();
                    return Some((file, *line, names));
                }
                Some(_) => {}
                None => {
                    colour.insert(target, 1);
                    path.push((target, 0));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[(&str, &str)]) -> BTreeMap<String, TemplateSource> {
        items
            .iter()
            .map(|(n, t)| {
                (
                    (*n).to_owned(),
                    TemplateSource {
                        name: (*n).to_owned(),
                        file: format!("{n}.hbs"),
                        text: (*t).to_owned(),
                        overridden: true,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn finds_direct_and_indirect_cycles_and_accepts_trees() {
        let tree = set(&[("a", "{{> _b}} {{> _c}}"), ("_b", "{{> _c}}"), ("_c", "x")]);
        assert_eq!(find_cycle(&tree), None);
        let self_loop = set(&[("_a", "x\n{{~> _a}}")]);
        let (file, line, names) = find_cycle(&self_loop).unwrap();
        assert_eq!(
            (file.as_str(), line, names),
            ("_a.hbs", 2, vec!["_a".into(), "_a".into()])
        );
        let pair = set(&[
            ("m", "{{#> _x}}{{/_x}}"),
            ("_x", "{{> _y}}"),
            ("_y", "{{> _x }}"),
        ]);
        let (_, _, names) = find_cycle(&pair).unwrap();
        assert_eq!(names, ["_x", "_y", "_x"]);
        let dynamic = set(&[("_a", "{{> (lookup . \"p\")}}")]);
        assert_eq!(find_cycle(&dynamic), None);
    }
}
