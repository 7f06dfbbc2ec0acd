//! The compiled programs against Handlebars itself: same bytes, or a fallback.

use serde_json::{Value, json};

use super::*;
use crate::render::value::{Flat, Val};
use crate::render::{KINDS, RenderContext, Renderer, Sample, output_of};

const SUFFIXES: [&str; 5] = [
    "email.subject",
    "email.txt",
    "email.html",
    "telegram",
    "letter",
];

/// A program's output into a new string (dirty: the buffer a render reuses is not empty).
fn run(program: &Program, data: Val<'_>) -> Result<String, Fallback> {
    let mut out = String::from("left over");
    out.clear();
    super::run(program, data, &mut out).map(|()| out)
}

/// What the original registries (real partials, no pasting) render for `name`.
fn handlebars(r: &Renderer, name: &str, data: &Value) -> Result<String, handlebars::RenderError> {
    [&r.text, &r.html, &r.telegram][output_of(name)].render(name, data)
}

fn fast(r: &Renderer) -> &super::super::Fast {
    r.fast.get_or_init(|| super::super::Fast::new(r))
}

/// Every default template compiles, and its program writes byte for byte what Handlebars
/// writes from the original templates: every kind, medium, sample client, usted and tú, with
/// and without the optional parts.
#[test]
fn every_default_template_renders_exactly_like_handlebars() {
    let r = Renderer::new(None).unwrap();
    let fast = fast(&r);
    for name in r.sources.keys().filter(|n| !n.starts_with('_')) {
        assert!(fast.programs.contains_key(name), "{name} did not compile");
    }
    let mut compared = 0;
    for kind in KINDS {
        for sample in Sample::ALL {
            for (extras, tuteo) in [(false, false), (false, true), (true, false), (true, true)] {
                let mut ctx = RenderContext::sample(sample, kind.name);
                if extras {
                    ctx = ctx.with_extras();
                }
                ctx.tuteo = tuteo;
                let data = ctx.to_value().unwrap();
                for suffix in SUFFIXES {
                    let name = format!("{}.{suffix}", kind.name);
                    if !r.has_template(&name) {
                        continue;
                    }
                    let want = handlebars(&r, &name, &data).unwrap();
                    let got = run(&fast.programs[&name], Val::Json(&data));
                    assert_eq!(
                        got.as_deref(),
                        Ok(want.as_str()),
                        "{name}, {}, extras {extras}, tuteo {tuteo}",
                        sample.name()
                    );
                    let flat = Flat::of(&ctx, "summary", &ctx.summary()).unwrap();
                    let got = run(&fast.programs[&name], flat.root());
                    assert_eq!(
                        got.as_deref(),
                        Ok(want.as_str()),
                        "flat: {name}, {}, extras {extras}, tuteo {tuteo}",
                        sample.name()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 600, "only {compared} renders compared");
}

/// A renderer with the defaults plus `overrides` (name without `.hbs`, text).
fn with_overrides(overrides: &[(&str, &str)]) -> (Renderer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in overrides {
        std::fs::write(dir.path().join(format!("{name}.hbs")), text).unwrap();
    }
    (Renderer::new(Some(dir.path())).unwrap(), dir)
}

/// Owner-written templates using every construct the compiler handles, and some it does not:
/// each either compiles and renders exactly like Handlebars (output or error: an error must
/// come back as a fallback) or does not compile. The supported ones must compile.
#[test]
fn custom_templates_render_like_handlebars_or_fall_back() {
    // (template text, must compile)
    let cases: &[(&str, bool)] = &[
        ("{{money summary.numbers \"EUR\"}}", true),
        (
            "{{#each invoices}}{{@index}}:{{number}}{{#if @first}} primera{{/if}}{{#if @last}} última{{else}}, {{/if}}{{/each}}",
            true,
        ),
        (
            "{{#each invoices}}{{#each ../totals}}[{{currency}} {{../number}} {{@../index}}]{{/each}}{{/each}}",
            true,
        ),
        (
            "{{#each history.reminders}}x{{else}}sin recordatorios{{/each}}",
            true,
        ),
        ("{{#each nothing_here}}x{{else}}vacío{{/each}}", true),
        ("{{#each client}}{{@key}}={{this}};{{/each}}", true),
        (
            "{{#if discount}}a{{else if plan}}b{{else if promise}}c{{else}}d{{/if}}",
            true,
        ),
        ("{{#unless tuteo}}usted{{else}}tú{{/unless}}", true),
        (
            "  {{~#if tuteo~}}  hola  {{~else~}}  buenas  {{~/if~}}  fin",
            true,
        ),
        (
            "{{{business.name}}} {{business.name}} <{{client.name}}>",
            true,
        ),
        ("antes {{!-- un comentario --}}{{! otro }} después", true),
        ("\\{{literal}} y {{business.name}}", true),
        (
            "{{usted \"<b>Le</b>\" \"<b>Te</b>\"}} {{{usted client.name \"x\"}}}",
            true,
        ),
        (
            "{{padl (money (pad summary.invoice_count 3) \"EUR\") 20}}|{{pad (date_short today) 12}}|",
            true,
        ),
        (
            "{{percent \"10.15\"}} {{date_long today}} {{date_text today}} {{date_day today}} {{overdue 3}} {{ago 1}} {{number_words 7}} {{count summary.invoice_count \"factura\" \"facturas\"}} {{plural 1 \"a\" \"b\"}}",
            true,
        ),
        (
            "{{#if (eq client.country \"ES\")}}España{{else}}fuera{{/if}}",
            true,
        ),
        (
            "{{#each invoices}}{{money balance ../totals.0.currency}}\n{{/each}}",
            true,
        ),
        (
            "{{@root.business.name}} {{this.business.name}} {{./client.name}}",
            true,
        ),
        ("{{#each invoices}}{{@root.locale}}{{/each}}", true),
        (
            "{{> _signature.txt}}\n{{#each invoices}}{{> _greeting.txt}}{{/each}}",
            true,
        ),
        (
            "{{#> _layout.html}}<p>{{client.name}}</p>{{/_layout.html}}",
            true,
        ),
        (
            "{{#> _letter.html title=\"Carta & <aviso>\"}}{{title}}{{/_letter.html}}",
            true,
        ),
        (
            "{{#> _letter.html title=client.name}}{{#each invoices}}{{title}}{{/each}}{{/_letter.html}}",
            true,
        ),
        // Texts chosen or known when compiling (`Op::Usted`, `Op::Plural`, folded calls).
        (
            "{{usted 1 \"x\"}}|{{usted \"a\" null}}|{{plural \"1\" \"una\" \"varias\"}}|{{plural summary.invoice_count 1 2.5}}|{{plural summary.numbers \"a\" \"b\"}}",
            true,
        ),
        (
            "{{pad \"<a & b>\" 9}}|{{padl \"x\" 3}}|{{{pad \"é\" 2}}}|{{date_short \"2026-02-28\"}}|{{overdue 1}}{{count 2 \"día\" \"días\"}}",
            true,
        ),
        ("{{usted \"a\"}}", true),
        ("{{plural missing \"a\" \"b\"}}", true),
        ("{{plural client.name \"a\" \"b\"}}", true),
        ("{{date_short \"2026-02-30\"}}", true),
        ("{{money \"1.5\" \"EUR\"}}", true),
        // Errors: compiled, but the program must give them back to Handlebars.
        ("{{no_such_variable}}", true),
        ("{{money client.name \"EUR\"}}", true),
        ("{{#if no_such}}x{{/if}}", true),
        ("{{#each client.name}}x{{/each}}", true),
        ("{{invoices.first.number}}", true),
        ("{{date_long client.name}}", true),
        ("{{@index}}", true),
        // Not handled: Handlebars renders them.
        ("{{#with client}}{{name}}{{/with}}", false),
        ("{{lookup invoices 0}}", false),
        (
            "{{#each invoices as |inv i|}}{{inv.number}}{{/each}}",
            false,
        ),
        ("{{len invoices}}", false),
        ("{{#*inline \"p\"}}x{{/inline}}{{> p}}", false),
        ("{{> _greeting.txt client}}", false),
        ("{{#if tuteo}}\n  {{> _greeting.txt x=1}}\n{{/if}}", false),
        ("{{{{raw}}}}{{x}}{{{{/raw}}}}", false),
    ];
    let overrides: Vec<(String, &str)> = cases
        .iter()
        .enumerate()
        .map(|(i, (text, _))| (format!("custom{i}.email.txt"), *text))
        .collect();
    let list: Vec<(&str, &str)> = overrides.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let (r, _dir) = with_overrides(&list);
    let fast = fast(&r);
    let mut ran = 0;
    for (i, (text, must_compile)) in cases.iter().enumerate() {
        let name = format!("custom{i}.email.txt");
        let program = fast.programs.get(&name);
        assert_eq!(program.is_some(), *must_compile, "{text}: compiled?");
        let Some(program) = program else { continue };
        for sample in Sample::ALL {
            for (extras, tuteo) in [(false, false), (true, true)] {
                let mut ctx = RenderContext::sample(sample, "formal");
                if extras {
                    ctx = ctx.with_extras();
                }
                ctx.tuteo = tuteo;
                let data = ctx.to_value().unwrap();
                let want = handlebars(&r, &name, &data);
                let flat = Flat::of(&ctx, "summary", &ctx.summary()).unwrap();
                for (form, got) in [
                    ("json", run(program, Val::Json(&data))),
                    ("flat", run(program, flat.root())),
                ] {
                    match (got, &want) {
                        (Ok(got), Ok(want)) => {
                            assert_eq!(&got, want, "{form}: {text}");
                            ran += 1;
                        }
                        // The flat form leaves an object's fields to Handlebars.
                        (Err(Fallback), Err(_)) => {}
                        (Err(Fallback), Ok(_))
                            if form == "flat" && text.contains("#each client") => {}
                        (got, want) => {
                            panic!("{form}: {text}: program {got:?}, Handlebars {want:?}")
                        }
                    }
                }
            }
        }
    }
    assert!(ran > 300, "only {ran} programs ran to the end");
}

/// The program's escaping is the registries' escape functions, character for character,
/// for values and for helper calls whose text is known when compiling.
#[test]
fn escaping_matches_the_registries() {
    let text = "a<b>c&d\"e'f`g=h ñ€ 💶 <<&&>>";
    let data = json!({ "t": text, "tuteo": false });
    let folded =
        "|{{pad \"<a & b>\" 9}}|{{{padl \"<x>\" 5}}}|{{usted \"<b>Le</b>\" \"<b>Te</b>\"}}";
    for (name, want) in [
        ("x.email.html", handlebars::html_escape(text)),
        ("x.telegram", crate::render::telegram_escape(text)),
        ("x.email.txt", text.to_owned()),
    ] {
        let template = format!("{{{{t}}}}|{{{{{{t}}}}}}{folded}");
        let (r, _dir) = with_overrides(&[(name, &template)]);
        let got = run(&fast(&r).programs[name], Val::Json(&data)).unwrap();
        assert!(got.starts_with(&format!("{want}|{text}|")), "{name}: {got}");
        assert_eq!(got, handlebars(&r, name, &data).unwrap(), "{name}");
    }
}
