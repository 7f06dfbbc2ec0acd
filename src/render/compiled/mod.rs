//! Templates compiled once into a small program, run against the context without Handlebars.
//!
//! Handlebars (6.x) walks its parsed template on every render: each `{{value}}` resolves its
//! path through a stack of block contexts and clones the value it finds, each helper call
//! builds a `Helper` with its parameters cloned, each block pushes a context. At tens of
//! thousands of messages a second that machinery, not the text, was the cost (BENCHMARKS.md,
//! "Rendering"). This module turns each (inlined, see [`super::inline`]) template's parsed form
//! — Handlebars' own public AST, so the syntax and the whitespace rules are exactly the
//! parser's — into a list of [`Op`]s once, and [`run`] writes the output straight into one
//! string, looking values up by reference and calling our helpers' logic directly.
//!
//! It covers what the templates use: text, `{{path}}` and `{{{path}}}`, our inline helpers
//! (with subexpressions), `#if`/`#unless` with `else` (and `else if` chains), `#each` with
//! `@index`/`@first`/`@last`/`@key` and `../`, comments, partials (`{{> name}}`, with hash
//! parameters, and partial blocks with `{{> @partial-block}}`). Anything else (decorators,
//! inline partials, block parameters, `with`, `lookup`, a partial with a context parameter or
//! an indentation, a helper it does not know) makes [`compile`] return `None`, and the
//! template renders through Handlebars as before. At run time, anything Handlebars would report
//! as an error (a missing variable in strict mode, a helper's complaint, an index into a list
//! that is not a number) stops the program with [`Fallback`]: the caller renders the same
//! template through Handlebars, which produces the error exactly as before (or the output, if
//! the program was wrong to stop). The program never produces an error message of its own.

mod run;

use handlebars::template::{
    DecoratorTemplate, HelperTemplate, Parameter, Template, TemplateElement,
};
use handlebars::{Handlebars, Path, PathSeg};
use serde_json::Value;

use super::helpers::{INLINE, Logic};
use super::value::{Hint, Val};

pub(super) use run::run;

/// The program stopped where Handlebars would report an error, or met something it does not
/// handle: render the template through Handlebars instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fallback;

/// How values are escaped in the output: the registry's escape function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    /// Plain text: as is.
    None,
    /// `handlebars::html_escape`.
    Html,
    /// [`super::telegram_escape`].
    Telegram,
}

/// One compiled template.
#[derive(Debug)]
pub(super) struct Program {
    ops: Vec<Op>,
    escape: Escape,
}

/// A path in the context, resolved like Handlebars' `Context::navigate` does.
#[derive(Debug)]
enum CPath {
    /// `@index`, `@../first`...: a local variable of the block `level` blocks up.
    Local {
        level: usize,
        name: String,
        raw: String,
    },
    /// `a.b`, `../a`, `@root.a`, `this`.
    Relative {
        /// Leading `../`.
        up: usize,
        /// Starts with `@root`.
        root: bool,
        /// Whether a block parameter (a partial's hash value) may answer the first name.
        params: bool,
        /// The named segments (`this` and `..` dropped, as Handlebars does).
        segs: Vec<Seg>,
        /// As written: what a helper sees as the argument's path.
        raw: String,
    },
}

/// A named segment of a path, with where it was found in the last context.
#[derive(Debug)]
struct Seg {
    name: String,
    hint: Hint,
}

/// A value a helper or a block reads.
#[derive(Debug)]
enum Arg {
    Path(CPath),
    Literal(Value),
    /// `(helper args...)`: the helper's text, unescaped, as a string.
    Sub(Logic, Vec<Arg>),
}

#[derive(Debug)]
enum Op {
    Text(String),
    /// `{{path}}` (escaped) or `{{{path}}}`.
    Value {
        path: CPath,
        escape: bool,
    },
    /// An inline helper writing its text.
    Helper {
        logic: Logic,
        args: Vec<Arg>,
        escape: bool,
    },
    /// `#if` (positive) / `#unless`.
    If {
        cond: Arg,
        positive: bool,
        then: Vec<Op>,
        otherwise: Vec<Op>,
    },
    /// `#each list`, with its `else`.
    Each {
        list: Arg,
        body: Vec<Op>,
        otherwise: Option<Vec<Op>>,
    },
    /// A partial (or a partial block) rendered with the current context plus `hash`.
    Partial {
        body: Vec<Op>,
        hash: Vec<(String, Arg)>,
        block: Option<Vec<Op>>,
    },
    /// `{{> @partial-block}}`.
    PartialBlock,
    /// `{{usted "…" "…"}}` with both texts written in the template: one of them as is, by
    /// the root's `tuteo` (the most frequent call: a dozen per message).
    Usted {
        usted: String,
        tu: String,
    },
    /// `{{plural count "…" "…"}}` with both forms written in the template.
    Plural {
        count: CPath,
        one: String,
        other: String,
    },
}

/// Every helper name a registry knows (ours and Handlebars' built-ins): a `{{name}}` alone is a
/// helper call, not a value, when it is one of these.
const KNOWN_HELPERS: &[&str] = &[
    "if",
    "unless",
    "each",
    "with",
    "lookup",
    "raw",
    "log",
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "and",
    "or",
    "not",
    "len",
    "lowerCamelCase",
    "upperCamelCase",
    "snakeCase",
    "kebabCase",
    "shoutySnakeCase",
    "shoutyKebabCase",
    "titleCase",
    "trainCase",
    "helperMissing",
    "blockHelperMissing",
];

/// Partials nested deeper than this are not compiled (a guard: cycles are refused on load).
const MAX_DEPTH: usize = 16;

/// Compiles template `name` of `hb` (partials from `hb` too), or `None` if it uses something
/// this module does not handle.
pub(super) fn compile(hb: &Handlebars<'_>, name: &str, escape: Escape) -> Option<Program> {
    let template = hb.get_template(name)?;
    let ops = Compiler { hb, escape }.template(template, 0)?;
    Some(Program { ops, escape })
}

struct Compiler<'h, 'r> {
    hb: &'h Handlebars<'r>,
    /// The program's escaping, for helper calls whose text is known when compiling.
    escape: Escape,
}

impl Compiler<'_, '_> {
    fn template(&self, t: &Template, depth: usize) -> Option<Vec<Op>> {
        let mut ops = Vec::with_capacity(t.elements.len());
        for e in &t.elements {
            let op = match e {
                TemplateElement::RawString(s) => Op::Text(s.clone()),
                TemplateElement::Comment(_) => continue,
                TemplateElement::Expression(h) => self.expression(h, true)?,
                TemplateElement::HtmlExpression(h) => self.expression(h, false)?,
                TemplateElement::HelperBlock(h) => self.block(h, depth)?,
                TemplateElement::PartialExpression(d) => self.partial(d, depth)?,
                TemplateElement::PartialBlock(d) => self.partial(d, depth)?,
                _ => return None,
            };
            // Text after text (a helper call folded into its text too): one copy.
            match (ops.last_mut(), op) {
                (Some(Op::Text(prev)), Op::Text(s)) => prev.push_str(&s),
                (_, op) => ops.push(op),
            }
        }
        Some(ops)
    }

    fn expression(&self, h: &HelperTemplate, escape: bool) -> Option<Op> {
        if h.block_param.is_some() || !h.hash.is_empty() || h.template.is_some() {
            return None;
        }
        let name = helper_name(&h.name)?;
        if h.params.is_empty() {
            // A name alone: a helper call if a helper has that name, else a value.
            if is_helper(name) {
                return None;
            }
            let Parameter::Path(p) = &h.name else {
                return None;
            };
            return Some(Op::Value {
                path: path(p)?,
                escape,
            });
        }
        let logic = inline_logic(name)?;
        let args = self.args(&h.params)?;
        if let Some(op) = self.known_text(name, &h.params, logic, &args, escape) {
            return Some(op);
        }
        Some(Op::Helper {
            logic,
            args,
            escape,
        })
    }

    /// A helper call whose texts are written in the template: `usted` and `plural` choosing
    /// between two literals (the runner writes one, without calling the helper), or a call
    /// on literals alone that reads nothing of the context (`{{pad "Factura" 14}}`): its text,
    /// escaped, is known now. `None`: an ordinary call.
    fn known_text(
        &self,
        name: &str,
        params: &[Parameter],
        logic: Logic,
        args: &[Arg],
        escape: bool,
    ) -> Option<Op> {
        match (name, args, params.first()) {
            ("usted", [Arg::Literal(usted), Arg::Literal(tu)], _) => Some(Op::Usted {
                usted: literal_text(usted),
                tu: literal_text(tu),
            }),
            (
                "plural",
                [Arg::Path(_), Arg::Literal(one), Arg::Literal(other)],
                Some(Parameter::Path(count)),
            ) => Some(Op::Plural {
                count: path(count)?,
                one: literal_text(one),
                other: literal_text(other),
            }),
            _ => self.folded(logic, args, escape),
        }
    }

    /// The text of a helper call on literals alone, if it succeeds against an empty root
    /// context: every helper that reads the root (`locale`, `today`, `tuteo`) fails without
    /// it (helpers are strict), so only the ones whose text depends on the literals alone
    /// are folded. A failing call stays a call (the runner gives it back to Handlebars).
    fn folded(&self, logic: Logic, args: &[Arg], escape: bool) -> Option<Op> {
        let params: Vec<super::helpers::Arg<'_>> = args
            .iter()
            .map(|a| match a {
                Arg::Literal(v) => Some(super::helpers::Arg {
                    value: Val::Json(v),
                    path: None,
                    missing: false,
                }),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let empty = Value::Object(serde_json::Map::new());
        let mut buf = String::new();
        let written = logic(&params, Val::Json(&empty), &mut buf).ok()?;
        let mut text = String::new();
        text.push_str(&written.lead);
        run::write_value(&written.escaped, escape, self.escape, &mut text);
        text.push_str(&written.as_is);
        Some(Op::Text(text))
    }

    fn args(&self, params: &[Parameter]) -> Option<Vec<Arg>> {
        params.iter().map(|p| self.arg(p)).collect()
    }

    fn arg(&self, p: &Parameter) -> Option<Arg> {
        match p {
            Parameter::Path(p) => Some(Arg::Path(path(p)?)),
            Parameter::Literal(v) => Some(Arg::Literal(v.clone())),
            Parameter::Subexpression(sub) => {
                let TemplateElement::Expression(h) = sub.as_element() else {
                    return None;
                };
                if !h.hash.is_empty() || h.block_param.is_some() {
                    return None;
                }
                let name = helper_name(&h.name)?;
                if h.params.is_empty() {
                    // `(name)`: a helper without arguments or a value; neither is used.
                    return None;
                }
                Some(Arg::Sub(inline_logic(name)?, self.args(&h.params)?))
            }
            _ => None,
        }
    }

    fn block(&self, h: &HelperTemplate, depth: usize) -> Option<Op> {
        if h.block_param.is_some() || !h.hash.is_empty() {
            return None;
        }
        let name = helper_name(&h.name)?;
        let body = |t: &Option<Template>| match t {
            Some(t) => self.template(t, depth),
            None => Some(Vec::new()),
        };
        match name {
            "if" | "unless" if h.params.len() == 1 => Some(Op::If {
                cond: self.arg(&h.params[0])?,
                positive: name == "if",
                then: body(&h.template)?,
                otherwise: body(&h.inverse)?,
            }),
            "each" if h.params.len() == 1 && h.template.is_some() => Some(Op::Each {
                list: self.arg(&h.params[0])?,
                body: body(&h.template)?,
                otherwise: match &h.inverse {
                    Some(t) => Some(self.template(t, depth)?),
                    None => None,
                },
            }),
            _ => None,
        }
    }

    fn partial(&self, d: &DecoratorTemplate, depth: usize) -> Option<Op> {
        // An indentation other than none changes every line the partial writes: not handled.
        if !d.params.is_empty() || d.indent.as_deref().is_some_and(|i| !i.is_empty()) {
            return None;
        }
        let name = match &d.name {
            Parameter::Name(n) => n.as_str(),
            Parameter::Path(p) => path_raw(p),
            _ => return None,
        };
        if name == "@partial-block" {
            return (d.template.is_none() && d.hash.is_empty()).then_some(Op::PartialBlock);
        }
        if depth >= MAX_DEPTH {
            return None;
        }
        let partial = self.hb.get_template(name)?;
        let mut hash = Vec::with_capacity(d.hash.len());
        for (k, v) in &d.hash {
            hash.push((k.clone(), self.arg(v)?));
        }
        Some(Op::Partial {
            body: self.template(partial, depth + 1)?,
            hash,
            block: match &d.template {
                Some(t) => Some(self.template(t, depth + 1)?),
                None => None,
            },
        })
    }
}

fn helper_name(p: &Parameter) -> Option<&str> {
    match p {
        Parameter::Name(n) => Some(n),
        Parameter::Path(p) => Some(path_raw(p)),
        _ => None,
    }
}

fn path_raw(p: &Path) -> &str {
    match p {
        Path::Relative((_, raw)) | Path::Local((_, _, raw)) => raw,
    }
}

fn is_helper(name: &str) -> bool {
    KNOWN_HELPERS.contains(&name) || INLINE.iter().any(|(n, _)| *n == name)
}

/// A literal as a helper writes it (`Written::param`): a string as is, anything else as
/// Handlebars renders JSON.
fn literal_text(v: &Value) -> String {
    Val::Json(v).render().into_owned()
}

fn inline_logic(name: &str) -> Option<Logic> {
    INLINE.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

/// The grammar rule of a path segment, by name (Handlebars does not export its `Rule` type).
fn rule_name(seg: &PathSeg) -> Option<String> {
    match seg {
        PathSeg::Ruled(r) => Some(format!("{r:?}")),
        _ => None,
    }
}

/// A path as Handlebars resolves it (`context.rs`, `parse_json_visitor`).
fn path(p: &Path) -> Option<CPath> {
    match p {
        Path::Local((level, name, raw)) => Some(CPath::Local {
            level: *level,
            name: name.clone(),
            raw: raw.clone(),
        }),
        Path::Relative((segs, raw)) => {
            let (mut up, mut root, mut params) = (0, false, false);
            for seg in segs {
                match (seg, rule_name(seg).as_deref()) {
                    (PathSeg::Named(_), _) => {
                        params = true;
                        break;
                    }
                    (_, Some("path_up")) => up += 1,
                    (_, Some("path_root")) => {
                        root = true;
                        break;
                    }
                    _ => break,
                }
            }
            let mut named = Vec::with_capacity(segs.len());
            for seg in segs {
                match (seg, rule_name(seg).as_deref()) {
                    (PathSeg::Named(n), _) => named.push(Seg {
                        name: n.clone(),
                        hint: Hint::default(),
                    }),
                    (_, Some("path_up" | "path_root")) => {}
                    // A rule this module does not know: let Handlebars resolve it.
                    _ => return None,
                }
            }
            Some(CPath::Relative {
                up,
                root,
                params,
                segs: named,
                raw: raw.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests;
