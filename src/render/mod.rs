//! Message rendering: Handlebars templates in Spanish, strict, one registry per output format.
//!
//! Templates live in `templates/es/` and are embedded in the binary; a file with the same name
//! in the override directory replaces a default. Names follow `<kind>.<part>.hbs`:
//! `firm.email.subject`, `firm.email.txt`, `firm.email.html` (optional HTML alternative),
//! `firm.telegram`, `formal.letter`; partials start with `_` (`_reply.txt`). Plain text is
//! rendered without escaping, email HTML and letters with HTML escaping, Telegram with the
//! escaping its `parse_mode=HTML` needs. See `docs/templates.md` for variables and helpers.

mod compiled;
pub mod context;
mod cycles;
pub mod dates;
pub mod defaults;
pub mod helpers;
mod inline;
mod iso;
pub mod lint;
pub mod money;
pub mod sample;
pub mod syntax;
mod value;
pub mod words;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use handlebars::{Handlebars, RenderErrorReason};

pub use context::RenderContext;
pub use defaults::DEFAULT_TEMPLATES;
pub use lint::{LintError, lint};
pub use sample::{Sample, compute_totals};

/// The medium a message is rendered for (email, a Telegram message, a printed letter); decides
/// which templates and which escaping are used. Not to be confused with `domain::Channel` (how
/// a contact is reached) or the `channel::Channel` trait (a way of delivering).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// Email: subject, plain-text body and an optional HTML alternative.
    Email,
    /// Telegram message with `parse_mode=HTML`.
    Telegram,
    /// Printable letter (HTML document), for `formal` and `final`.
    Letter,
}

impl std::fmt::Display for Medium {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Medium::Email => "email",
            Medium::Telegram => "telegram",
            Medium::Letter => "letter",
        })
    }
}

/// A rendered message.
///
/// `text` is the body in the channel's own format: plain text for email, Telegram HTML for
/// Telegram, and for a letter the plain-text email of the same kind. `html` is the email's HTML
/// alternative, or the letter's complete HTML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Email subject (also the letter's title); `None` for Telegram.
    pub subject: Option<String>,
    /// Main body.
    pub text: String,
    /// HTML alternative or letter document.
    pub html: Option<String>,
}

/// Who reads a kind of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The client who owes the money.
    Client,
    /// The business owner (handover tasks, alerts).
    Owner,
}

/// A kind of message: a stage of the ladder or a non-stage message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// Template base name: `firm`, `ack_promise`, ...
    pub name: &'static str,
    /// Who reads it.
    pub audience: Audience,
    /// Whether a printable letter exists for it.
    pub letter: bool,
}

const fn kind(name: &'static str, audience: Audience, letter: bool) -> Kind {
    Kind {
        name,
        audience,
        letter,
    }
}

/// Every kind of message cobrador renders.
pub const KINDS: &[Kind] = &[
    kind("preventive", Audience::Client, false),
    kind("due", Audience::Client, false),
    kind("early", Audience::Client, false),
    kind("second", Audience::Client, false),
    kind("firm", Audience::Client, false),
    kind("formal", Audience::Client, true),
    kind("final", Audience::Client, true),
    kind("handover", Audience::Owner, false),
    kind("ack_promise", Audience::Client, false),
    kind("ack_paid", Audience::Client, false),
    kind("ack_dispute", Audience::Client, false),
    kind("ack_plan", Audience::Client, false),
    kind("ack_stop", Audience::Client, false),
    kind("ack_hours", Audience::Client, false),
    kind("ack_question", Audience::Client, false),
    kind("ack_answers", Audience::Client, false),
    kind("plan_confirmation", Audience::Client, false),
    kind("instalment", Audience::Client, false),
    kind("owner_alert", Audience::Owner, false),
    kind("receipt", Audience::Client, false),
];

/// Why a template could not be loaded or rendered. Messages start with `file:line:`.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The override directory or one of its files could not be read.
    #[error("{path}: cannot read templates: {source}")]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A template has a syntax error.
    #[error("{file}:{line}: invalid template: {message}")]
    Syntax {
        /// Template file.
        file: String,
        /// Line of the error.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Rendering failed (unknown variable, wrong helper argument, ...).
    #[error("{file}:{line}: {message}")]
    Render {
        /// Template file where rendering stopped.
        file: String,
        /// Line in that file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No template exists for this kind and channel.
    #[error("no template {name:?} (kind {kind:?}, channel {channel})")]
    Missing {
        /// The template name looked for.
        name: String,
        /// The kind asked for.
        kind: String,
        /// The channel asked for.
        channel: Medium,
    },
    /// The context could not be turned into JSON.
    #[error("cannot serialise the render context: {0}")]
    Context(#[from] serde_json::Error),
}

/// One effective template: a default, or the override that replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    /// Registry name: file name without `.hbs`.
    pub name: String,
    /// File to report in errors: `templates/es/firm.email.txt.hbs` or the override's path.
    pub file: String,
    /// Template text.
    pub text: String,
    /// True when it comes from the override directory.
    pub overridden: bool,
}

impl TemplateSource {
    /// The embedded default `name`, reported as `templates/es/{name}.hbs`.
    fn default_of(name: &str, text: &str) -> TemplateSource {
        TemplateSource {
            name: name.to_owned(),
            file: format!("templates/es/{name}.hbs"),
            text: text.to_owned(),
            overridden: false,
        }
    }
}

/// Renders messages from the effective template set (defaults plus overrides).
pub struct Renderer {
    text: Handlebars<'static>,
    html: Handlebars<'static>,
    telegram: Handlebars<'static>,
    /// What renders; the registries above report errors. Built on the first render (a
    /// command that renders nothing does not pay for it).
    fast: std::sync::OnceLock<Fast>,
    sources: BTreeMap<String, TemplateSource>,
    /// The emails sent as plain text only (see [`text_edits_only`]).
    text_only: TextOnly,
}

/// The emails whose HTML part would not say what the owner wrote: `all` of them (a text part
/// edited that the HTML does not include), or those of `kinds`.
#[derive(Debug, Default, Clone)]
pub struct TextOnly {
    /// Every email.
    pub all: bool,
    /// These kinds' emails (`preventive`...).
    pub kinds: std::collections::BTreeSet<String>,
    /// The edited text files, for `check` to name.
    pub files: Vec<String>,
}

/// The templates prepared for speed: each compiled to a program ([`compiled`]) where it can be,
/// and the same templates with plain partials pasted in ([`inline`]) for Handlebars to render
/// the others and the messages a program gives back.
struct Fast {
    /// The pasted copies; `None` if one does not compile.
    registries: Option<[Handlebars<'static>; 3]>,
    /// Programs by template name (partials excepted).
    programs: std::collections::HashMap<String, compiled::Program>,
}

impl Fast {
    fn new(renderer: &Renderer) -> Fast {
        let registries = inline::compile(&renderer.sources, registry_for);
        let originals = [&renderer.text, &renderer.html, &renderer.telegram];
        let mut programs = std::collections::HashMap::new();
        for name in renderer.sources.keys().filter(|n| !n.starts_with('_')) {
            let i = output_of(name);
            let hb = registries.as_ref().map_or(originals[i], |r| &r[i]);
            let escape = [
                compiled::Escape::None,
                compiled::Escape::Html,
                compiled::Escape::Telegram,
            ][i];
            if let Some(program) = compiled::compile(hb, name, escape) {
                programs.insert(name.clone(), program);
            }
        }
        Fast {
            registries,
            programs,
        }
    }
}

/// The context of one render, as the compiled programs and Handlebars read it.
enum Data<'a> {
    /// JSON, given.
    Json(&'a serde_json::Value),
    /// Laid flat, with the JSON built on first need.
    Flat {
        flat: &'a value::Flat,
        ctx: &'a RenderContext<'a>,
        json: &'a std::cell::OnceCell<serde_json::Value>,
    },
}

impl Data<'_> {
    fn val(&self) -> value::Val<'_> {
        match self {
            Data::Json(v) => value::Val::Json(v),
            Data::Flat { flat, .. } => flat.root(),
        }
    }

    fn json(&self) -> Result<&serde_json::Value, RenderError> {
        match self {
            Data::Json(v) => Ok(v),
            Data::Flat { ctx, json, .. } => {
                if let Some(v) = json.get() {
                    return Ok(v);
                }
                let v = ctx.to_value()?;
                Ok(json.get_or_init(|| v))
            }
        }
    }
}

/// Escaping for Telegram's `parse_mode=HTML`: only `&`, `<`, `>` and `"` are special there.
pub fn telegram_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Which output a template renders to, by its name: 0 plain text (subjects too), 1 HTML
/// (`*.html`, `*.letter`), 2 Telegram.
fn output_of(name: &str) -> usize {
    if name.ends_with(".html") || name.ends_with(".letter") {
        1
    } else if name.ends_with(".telegram") {
        2
    } else {
        0
    }
}

/// How a template's output is tidied, by its name.
fn format_of(name: &str) -> Format {
    match output_of(name) {
        1 => Format::Html,
        _ if name.ends_with(".subject") => Format::Line,
        _ => Format::Text,
    }
}

/// An empty registry for output `i`: 0 plain text, 1 HTML, 2 Telegram.
fn registry_for(i: usize) -> Handlebars<'static> {
    match i {
        1 => registry(handlebars::html_escape),
        2 => registry(telegram_escape),
        _ => registry(handlebars::no_escape),
    }
}

/// `source` parsed as every registry here would parse it (none prevents indenting partials).
fn parse(source: &TemplateSource) -> Result<handlebars::Template, handlebars::TemplateError> {
    handlebars::Template::compile_with_name(&source.text, source.name.clone())
}

fn registry(escape: fn(&str) -> String) -> Handlebars<'static> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(escape);
    helpers::register(&mut hb);
    hb
}

impl Renderer {
    /// Loads the embedded defaults, then every `*.hbs` file of `override_dir` over them.
    pub fn new(override_dir: Option<&Path>) -> Result<Renderer, RenderError> {
        let (renderer, mut broken) = Renderer::new_with_broken(override_dir)?;
        if broken.is_empty() {
            Ok(renderer)
        } else {
            Err(broken.swap_remove(0))
        }
    }

    /// [`Renderer::new`] for `cobrador check`: the syntax error of every override that does not
    /// parse, not only the first, with a renderer in which each of them is replaced by its
    /// default (by an empty template if it has none), so that the linter checks the others in
    /// the same run and the owner fixes every file in one round.
    pub fn new_with_broken(
        override_dir: Option<&Path>,
    ) -> Result<(Renderer, Vec<RenderError>), RenderError> {
        let mut sources = BTreeMap::new();
        for (name, text) in DEFAULT_TEMPLATES {
            sources.insert((*name).to_owned(), TemplateSource::default_of(name, text));
        }
        if let Some(dir) = override_dir {
            for source in read_overrides(dir)? {
                sources.insert(source.name.clone(), source);
            }
        }
        if let Some((file, line, names)) = cycles::find_cycle(&sources) {
            return Err(RenderError::Syntax {
                file,
                line,
                message: format!(
                    "templates include each other in a loop ({}): a template cannot include itself",
                    names.join(" → ")
                ),
            });
        }
        let text_only = text_edits_only(&sources);
        let mut renderer = Renderer {
            text: registry(handlebars::no_escape),
            html: registry(handlebars::html_escape),
            telegram: registry(telegram_escape),
            fast: std::sync::OnceLock::new(),
            sources,
            text_only,
        };
        let mut broken = Vec::new();
        for source in renderer.sources.values_mut() {
            // Parsed once (parsing does not depend on the registry), then given to all three:
            // parsing is most of a command's start (Handlebars finds each element's line and
            // column from the template's start).
            let template = match parse(source) {
                Ok(template) => template,
                Err(e) => {
                    broken.push(syntax_error(source, &e));
                    *source = match DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == source.name) {
                        Some((name, text)) => TemplateSource::default_of(name, text),
                        None => TemplateSource {
                            text: String::new(),
                            overridden: false,
                            ..source.clone()
                        },
                    };
                    parse(source).map_err(|e| syntax_error(source, &e))?
                }
            };
            renderer
                .text
                .register_template(&source.name, template.clone());
            renderer
                .html
                .register_template(&source.name, template.clone());
            renderer.telegram.register_template(&source.name, template);
        }
        Ok((renderer, broken))
    }

    /// The effective templates, by name.
    pub fn sources(&self) -> impl Iterator<Item = &TemplateSource> {
        self.sources.values()
    }

    /// The effective template called `name`, if any.
    pub fn source(&self, name: &str) -> Option<&TemplateSource> {
        self.sources.get(name)
    }

    /// Whether template `name` exists (default or override).
    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The emails sent as plain text only, because the owner edited their text and not their
    /// HTML.
    pub fn text_only(&self) -> &TextOnly {
        &self.text_only
    }

    /// Renders one message of `kind` (template base name) for `channel`.
    pub fn render_message(
        &self,
        kind: &str,
        channel: Medium,
        ctx: &RenderContext,
    ) -> Result<Rendered, RenderError> {
        // The compiled programs read the context laid flat; Handlebars, for a template they
        // do not handle or an error to report, gets the JSON, built only then.
        let json = std::cell::OnceCell::new();
        let flat = value::Flat::of(ctx, "summary", &ctx.summary());
        let whole;
        let data = match &flat {
            Some(flat) => Data::Flat {
                flat,
                ctx,
                json: &json,
            },
            None => {
                whole = ctx.to_value()?;
                Data::Json(&whole)
            }
        };
        // One buffer for the parts' names (`{kind}.email.subject`...), written in turn.
        let mut name = String::with_capacity(kind.len() + 16);
        let mut part = |suffix: &str, required: bool| -> Result<Option<String>, RenderError> {
            name.clear();
            name.push_str(kind);
            name.push_str(suffix);
            // A compiled template is rendered without looking for its source first.
            if let Some(out) = self.render_compiled(&name, &data) {
                Ok(Some(out))
            } else if self.has_template(&name) {
                self.render_handlebars(&name, &data).map(Some)
            } else if required {
                Err(RenderError::Missing {
                    name: name.clone(),
                    kind: kind.to_owned(),
                    channel,
                })
            } else {
                Ok(None)
            }
        };
        let required = |p: Option<String>| p.unwrap_or_default();
        match channel {
            Medium::Email | Medium::Letter => {
                let subject = required(part(".email.subject", true)?);
                let text = required(part(".email.txt", true)?);
                let text_only = self.text_only.all || self.text_only.kinds.contains(kind);
                let html = match channel {
                    Medium::Letter => part(".letter", true)?,
                    _ if text_only => None,
                    _ => part(".email.html", false)?,
                };
                Ok(Rendered {
                    subject: Some(subject),
                    text,
                    html,
                })
            }
            Medium::Telegram => {
                let text = required(part(".telegram", true)?);
                // (Once: a shortened context's own render is not shortened again.)
                let text = if fits_telegram(&text) || ctx.more_invoices > 0 {
                    text
                } else {
                    self.shortened_for_telegram(kind, ctx).unwrap_or(text)
                };
                Ok(Rendered {
                    subject: None,
                    text,
                    html: None,
                })
            }
        }
    }

    /// A Telegram message too long for one message, rendered again with as many of its
    /// invoices (the oldest) as fit and the count of the others (`more_invoices`, at least two,
    /// so that the templates can say "otras N" in the plural); `None` if even one invoice does
    /// not fit, or the message lists fewer than three.
    fn shortened_for_telegram(&self, kind: &str, ctx: &RenderContext) -> Option<String> {
        let n = ctx.invoices.len();
        let with = |k: usize| -> Option<String> {
            let mut short = ctx.clone();
            short.invoices.truncate(k);
            short.more_invoices = ctx.more_invoices + (n - k);
            let r = self.render_message(kind, Medium::Telegram, &short).ok()?;
            fits_telegram(&r.text).then_some(r.text)
        };
        // The most invoices that fit, by halving: the text grows with each one listed.
        let (mut lo, mut hi) = (0usize, n.checked_sub(2)?);
        let mut best = None;
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            match with(mid) {
                Some(text) => {
                    best = Some(text);
                    lo = mid;
                }
                None => hi = mid - 1,
            }
        }
        // `best` is the render for `lo`, the last length that fitted (none: not even one).
        best
    }

    /// Renders one template by name with the escaping its name implies, tidied.
    ///
    /// `*.email.html` and `*.letter` use HTML escaping, `*.telegram` Telegram escaping, and
    /// everything else (subjects, plain text) none.
    pub fn render_part(&self, name: &str, data: &serde_json::Value) -> Result<String, RenderError> {
        self.render_data(name, &Data::Json(data))
    }

    /// Template `name` rendered by its compiled program, tidied; `None` if it has none or
    /// the program gives it back to Handlebars.
    fn render_compiled(&self, name: &str, data: &Data<'_>) -> Option<String> {
        let fast = self.fast.get_or_init(|| Fast::new(self));
        let program = fast.programs.get(name)?;
        // The program writes into a buffer kept by the thread (no allocation and growth
        // per part); `tidy` copies the result out at its size.
        thread_local! {
            static SCRATCH: std::cell::Cell<String> = const { std::cell::Cell::new(String::new()) };
        }
        let mut raw = SCRATCH.take();
        raw.clear();
        let ran = compiled::run(program, data.val(), &mut raw);
        let tidied = ran.is_ok().then(|| tidy_str(&raw, format_of(name)));
        SCRATCH.set(raw);
        tidied
    }

    fn render_data(&self, name: &str, data: &Data<'_>) -> Result<String, RenderError> {
        match self.render_compiled(name, data) {
            Some(out) => Ok(out),
            None => self.render_handlebars(name, data),
        }
    }

    /// Template `name` rendered by Handlebars (no program, or one that gave it back).
    fn render_handlebars(&self, name: &str, data: &Data<'_>) -> Result<String, RenderError> {
        let i = output_of(name);
        let hb = [&self.text, &self.html, &self.telegram][i];
        let format = format_of(name);
        let fast = self.fast.get_or_init(|| Fast::new(self));
        let data = data.json()?;
        // The error, if any, from the original templates: it names the partial's own file.
        let raw = match fast.registries.as_ref().map(|f| f[i].render(name, data)) {
            Some(Ok(raw)) => raw,
            _ => hb
                .render(name, data)
                .map_err(|e| self.map_error(name, &e, data))?,
        };
        Ok(tidy(raw, format))
    }

    fn map_error(
        &self,
        root: &str,
        e: &handlebars::RenderError,
        data: &serde_json::Value,
    ) -> RenderError {
        let name = e.template_name.clone().unwrap_or_else(|| root.to_owned());
        let file = self
            .sources
            .get(&name)
            .map_or_else(|| name.clone(), |s| s.file.clone());
        let message = match e.reason() {
            RenderErrorReason::MissingVariable(Some(path)) => {
                let hint = nearest_variable(path, data)
                    .map(|v| format!("did you mean `{v}`? "))
                    .unwrap_or_default();
                format!(
                    "unknown variable `{path}` ({hint}strict mode: check the name in docs/templates.md)"
                )
            }
            RenderErrorReason::PartialNotFound(p) => format!("unknown partial `{p}`"),
            RenderErrorReason::HelperNotFound(h) => format!("unknown helper `{h}`"),
            reason => reason.to_string(),
        };
        RenderError::Render {
            file,
            line: e.line_no.unwrap_or(1),
            message,
        }
    }
}

/// The variable an owner most likely meant by `path` («client.nombre» → «client.name»): a
/// sibling of the same object named by the Spanish word's English name, or a few letters away.
fn nearest_variable(path: &str, data: &serde_json::Value) -> Option<String> {
    const SPANISH: [(&str, &str); 12] = [
        ("nombre", "name"),
        ("importe", "amount"),
        ("monto", "amount"),
        ("numero", "number"),
        ("número", "number"),
        ("vencimiento", "due_date"),
        ("fecha", "date"),
        ("moneda", "currency"),
        ("saldo", "balance"),
        ("correo", "email"),
        ("telefono", "phone"),
        ("teléfono", "phone"),
    ];
    let (parent, leaf) = path.rsplit_once('.').unwrap_or(("", path));
    let mut object = data;
    for segment in parent.split('.').filter(|s| !s.is_empty()) {
        object = object.get(segment)?;
    }
    let keys: Vec<&str> = object.as_object()?.keys().map(String::as_str).collect();
    let lower = leaf.to_lowercase();
    let named = SPANISH
        .iter()
        .find(|(es, en)| *es == lower && keys.contains(en))
        .map(|(_, en)| *en);
    let near = || {
        keys.iter()
            .map(|k| (crate::domain::edit_distance(&lower, k), *k))
            .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d < lower.len())
            .min()
            .map(|(_, k)| k)
    };
    let key = named.or_else(near)?;
    Some(match parent {
        "" => key.to_owned(),
        p => format!("{p}.{key}"),
    })
}

/// walk27: the owner edited `preventive.email.txt.hbs` (a friendlier first line) and not
/// `preventive.email.html.hbs`; the HTML part, the one Gmail and Outlook show, kept the
/// default wording. An email whose text the owner edited and whose HTML they did not goes as
/// plain text only, so that one edit changes what the client reads; so does every email when
/// a text part (`_payment.txt`) is edited and its HTML twin, which does not include it, is not.
fn text_edits_only(sources: &BTreeMap<String, TemplateSource>) -> TextOnly {
    let edited = |name: &str| {
        sources.get(name).is_some_and(|s| {
            DEFAULT_TEMPLATES
                .iter()
                .find(|(n, _)| *n == name)
                .is_none_or(|(_, text)| s.text.trim() != text.trim())
        })
    };
    let mut out = TextOnly::default();
    for (name, source) in sources {
        let (twin, includes_text) = if let Some(kind) = name.strip_suffix(".email.txt") {
            (format!("{kind}.email.html"), false)
        } else if let Some(part) = name.strip_suffix(".txt").filter(|n| n.starts_with('_')) {
            let html = format!("{part}.html");
            let includes = sources
                .get(&html)
                .is_some_and(|h| h.text.contains(&format!("{{{{> {name}}}}}")));
            (html, includes)
        } else {
            continue;
        };
        if includes_text || !sources.contains_key(&twin) || !edited(name) || edited(&twin) {
            continue;
        }
        out.files.push(source.file.clone());
        match name.strip_suffix(".email.txt") {
            Some(kind) => {
                out.kinds.insert(kind.to_owned());
            }
            None => out.all = true,
        }
    }
    out
}

/// A syntax error at the line where it starts, with a Spanish hint the owner can act on.
fn syntax_error(source: &TemplateSource, e: &handlebars::TemplateError) -> RenderError {
    match syntax::find_problem(&source.text) {
        Some(p) => RenderError::Syntax {
            file: source.file.clone(),
            line: p.line,
            message: p.hint,
        },
        None => {
            // The parser's reason can be a list of every token it expected: keep one short line.
            let reason = e.reason().to_string();
            let short: String = reason
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect();
            RenderError::Syntax {
                file: source.file.clone(),
                line: e.pos().map_or(1, |(line, _)| line),
                message: format!("{} ({short})", syntax::generic_hint()),
            }
        }
    }
}

fn read_overrides(dir: &Path) -> Result<Vec<TemplateSource>, RenderError> {
    let io = |path: &Path, source| RenderError::Io {
        path: path.to_owned(),
        source,
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let path = entry.map_err(|e| io(dir, e))?.path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(name) = file_name.strip_suffix(".hbs") else {
            continue;
        };
        if !path.is_file() || name.starts_with('.') {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        out.push(TemplateSource {
            name: name.to_owned(),
            file: path.display().to_string(),
            text,
            overridden: true,
        });
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Format {
    /// One line (a subject).
    Line,
    /// Text with literal newlines (plain text, Telegram).
    Text,
    /// HTML, left as written.
    Html,
}

/// Normalises whitespace so templates can be laid out for readability.
fn tidy(mut raw: String, format: Format) -> String {
    match format {
        Format::Html => {
            // In place: the HTML part is the largest, and only its ends change.
            raw.truncate(raw.trim_end().len());
            raw.drain(..raw.len() - raw.trim_start().len());
            raw.push('\n');
            raw
        }
        _ => tidy_str(&raw, format),
    }
}

/// [`tidy`] into a new string.
fn tidy_str(raw: &str, format: Format) -> String {
    match format {
        Format::Line => {
            let mut out = String::with_capacity(raw.len());
            for word in raw.split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
            out
        }
        Format::Html => {
            let body = raw.trim();
            let mut out = String::with_capacity(body.len() + 1);
            out.push_str(body);
            out.push('\n');
            out
        }
        Format::Text => {
            let body = raw.trim();
            let mut out = String::with_capacity(body.len() + 1);
            let mut blank = 0;
            // Lines split at each `\n` by a byte scan (`str::lines` checks every match with a
            // `memcmp` call); `trim_end` drops a `\r` as `lines` would. Lines that stay as
            // they are (most) are copied in runs, one copy for many lines: only a line with
            // trailing whitespace, a second blank line or the last line ends a run.
            let mut run = 0;
            for line in lines(body) {
                let start = line.as_ptr() as usize - body.as_ptr() as usize;
                let end = start + line.len();
                // A line ending in a visible ASCII character (most) has nothing to trim: all
                // ASCII whitespace is at most `' '`, other whitespace is not ASCII.
                let kept = match line.as_bytes().last() {
                    Some(&b) if b > b' ' && b.is_ascii() => line,
                    _ => line.trim_end(),
                };
                let skip = if kept.is_empty() {
                    blank += 1;
                    blank > 1
                } else {
                    blank = 0;
                    false
                };
                if !skip && kept.len() == line.len() && end < body.len() {
                    // Unchanged and followed by its `\n`: part of the run.
                    continue;
                }
                out.push_str(&body[run..start]);
                if !skip {
                    out.push_str(kept);
                    out.push('\n');
                }
                run = (end + 1).min(body.len());
            }
            out.push_str(&body[run..]);
            out
        }
    }
}

/// The lines of `s` as `str::lines` gives them, but for a `\r` left at their end.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = (!s.is_empty()).then_some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        // `memchr` scans a word (or a vector) at a time: plain text is a few kilobytes per
        // message, byte by byte it was most of `tidy`.
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(at) => {
                rest = Some(&r[at + 1..]).filter(|t| !t.is_empty());
                Some(&r[..at])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The longest Telegram message, in UTF-16 code units (the Bot API's 4,096 characters, counted
/// after its HTML is parsed; counted here with the tags, so a little short of it).
pub const TELEGRAM_LIMIT: usize = 4096;

/// Whether `text` (Telegram HTML) can go as one message.
pub fn fits_telegram(text: &str) -> bool {
    text.encode_utf16().count() <= TELEGRAM_LIMIT
}

#[cfg(test)]
mod tests;
