//! Partials inlined into the templates that include them, for speed.
//!
//! Handlebars (6.x) clones the whole render context, as JSON, for every partial it includes,
//! even one without parameters: a reminder includes eight to twelve partials across its
//! subject, text and HTML, and those clones (and their drops) were most of the time spent
//! rendering (see BENCHMARKS.md, "Scale"). A plain `{{> _name}}` means "this partial's text,
//! rendered with the current context", which is what the text itself, pasted in place, does:
//! so the renderer compiles a second copy of each template with such partials pasted in, and
//! renders from it. Errors are still reported from the original templates (file and line of the
//! partial), by rendering again from those when the fast copy fails.
//!
//! Only the plain form alone on its line is pasted: `{{> _name}}` with nothing else in the tag
//! or on the line. It is replaced like Handlebars does with standalone partials: the whole line
//! goes, and each line of the partial gets the tag's indentation. Partials inside a line, with
//! parameters or whitespace control, partial blocks (`{{#> _layout.html}}`) and
//! `@partial-block` stay real partials.

use std::collections::BTreeMap;

use handlebars::Handlebars;

use super::TemplateSource;

/// The three registries (text, HTML, Telegram: see `registry_for`) with every template in
/// its own output's registry, plain partials pasted in, and every partial as it is in all three
/// (partial blocks and partials inside a line still include them). `None` if a pasted copy
/// does not compile: the caller renders from the originals.
pub(super) fn compile(
    sources: &BTreeMap<String, TemplateSource>,
    registry_for: fn(usize) -> Handlebars<'static>,
) -> Option<[Handlebars<'static>; 3]> {
    let mut fast = [registry_for(0), registry_for(1), registry_for(2)];
    for source in sources.values() {
        if source.name.starts_with('_') {
            let partial = super::parse(source).ok()?;
            for hb in &mut fast {
                hb.register_template(&source.name, partial.clone());
            }
            continue;
        }
        fast[super::output_of(&source.name)]
            .register_template_string(&source.name, inline(&source.text, sources))
            .ok()?;
    }
    Some(fast)
}

/// `text` with every plain partial tag replaced by the partial's (inlined) text. Partials that
/// do not exist are left as tags (rendering reports them). `sources` has no cycles
/// (checked before, see `cycles`).
pub(super) fn inline(text: &str, sources: &BTreeMap<String, TemplateSource>) -> String {
    inline_depth(text, sources, 0)
}

/// Deeper than any sane template set; a guard, not a limit anyone meets.
const MAX_DEPTH: usize = 16;

fn inline_depth(text: &str, sources: &BTreeMap<String, TemplateSource>, depth: usize) -> String {
    if depth > MAX_DEPTH || !text.contains("{{>") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, true),
            None => (line, false),
        };
        // Only a tag alone on its line: pasted in the middle of a line, a partial whose first
        // line is a block tag would lose that line's standalone status (and keep its newline).
        let trimmed = body.trim();
        if let Some(name) = plain_partial(trimmed)
            && let Some(source) = sources.get(name)
        {
            // Standalone: the line goes; the partial's lines take its indentation.
            let indent = &body[..body.len() - body.trim_start().len()];
            let inner = inline_depth(&source.text, sources, depth + 1);
            for l in inner.split_inclusive('\n') {
                out.push_str(indent);
                out.push_str(l);
            }
            if !newline && inner.ends_with('\n') {
                out.pop();
            }
            continue;
        }
        out.push_str(line);
    }
    out
}

/// The partial's name when `tag` is exactly `{{> name}}` (a name of letters, digits, `_`, `.`
/// and `-`; not `@partial-block`).
fn plain_partial(tag: &str) -> Option<&str> {
    let name = tag.strip_prefix("{{>")?.strip_suffix("}}")?.trim();
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(list: &[(&str, &str)]) -> BTreeMap<String, TemplateSource> {
        list.iter()
            .map(|(name, text)| {
                (
                    (*name).to_owned(),
                    TemplateSource {
                        name: (*name).to_owned(),
                        file: format!("{name}.hbs"),
                        text: (*text).to_owned(),
                        overridden: false,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn standalone_and_inline_tags_are_pasted_others_kept() {
        let s = sources(&[("_a", "uno\ndos\n"), ("_b", "{{> _a}}fin\n"), ("_c", "x")]);
        assert_eq!(inline("  {{> _a}}\nsigue", &s), "  uno\n  dos\nsigue");
        assert_eq!(inline("{{> _c}}\n{{> _c}}", &s), "xx");
        assert_eq!(inline("{{> _b}}\n", &s), "{{> _a}}fin\n");
        for kept in [
            "{{> _a x=1}}\n",
            "{{~> _a}}\n",
            "{{> @partial-block}}\n",
            "{{#> _a}}y{{/_a}}\n",
            "{{> _nope}}\n",
            "antes {{> _c}} después\n",
        ] {
            assert_eq!(inline(kept, &s), kept);
        }
    }

    /// Every default template renders byte for byte the same from the pasted copy as through
    /// Handlebars' own partials: every kind, channel, sample client, usted and tú, with and
    /// without the optional parts.
    #[test]
    fn pasted_templates_render_exactly_like_partials() {
        use crate::render::{KINDS, RenderContext, Renderer};
        let r = Renderer::new(None).unwrap();
        let compiled =
            compile(&r.sources, super::super::registry_for).expect("pasted copies compile");
        let mut compared = 0;
        for kind in KINDS {
            for (sample, extras, ctx) in RenderContext::variants(kind.name) {
                let tuteo = ctx.tuteo;
                let data = ctx.to_value().unwrap();
                for suffix in [
                    "email.subject",
                    "email.txt",
                    "email.html",
                    "telegram",
                    "letter",
                ] {
                    let name = format!("{}.{suffix}", kind.name);
                    if !r.has_template(&name) {
                        continue;
                    }
                    let i = super::super::output_of(&name);
                    let slow = [&r.text, &r.html, &r.telegram][i].render(&name, &data);
                    let fast = compiled[i].render(&name, &data);
                    assert_eq!(
                        fast.as_ref().ok(),
                        slow.as_ref().ok(),
                        "{name}, {}, extras {extras}, tuteo {tuteo}",
                        sample.name()
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 500, "only {compared} renders compared");
    }
}
