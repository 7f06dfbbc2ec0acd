//! Running a compiled [`Program`] against the context: Handlebars' lookup and block rules
//! (`context.rs`, `partial.rs`, the `each` helper) restated over borrowed values.

use serde_json::Value;

use super::{Arg, CPath, Escape, Fallback, Op, Program, Seg};
use crate::render::helpers::{self, Written};
use crate::render::value::{Kind, Val};

static NULL: Value = Value::Null;

/// `@index`, `@first`, `@last` (and `@key` over an object) of an `#each` iteration.
#[derive(Debug, Clone)]
struct Locals {
    index: Value,
    first: Value,
    last: Value,
    key: Option<Value>,
}

impl Locals {
    fn get(&self, name: &str) -> Option<&Value> {
        match name {
            "index" => Some(&self.index),
            "first" => Some(&self.first),
            "last" => Some(&self.last),
            "key" => self.key.as_ref(),
            _ => None,
        }
    }
}

/// What `{{> @partial-block}}` writes in a scope.
#[derive(Debug, Clone, Copy)]
enum PartialBlock<'a> {
    /// Not a partial's scope: ask the enclosing one.
    Inherit,
    /// A partial's scope: its block's rendered text, if it was called as a block.
    Own(Option<&'a str>),
}

/// One of Handlebars' block contexts: the root, an `#each` iteration, or a partial.
struct Scope<'a> {
    /// The value names are looked up in.
    base: Val<'a>,
    /// A partial's hash values: block parameters for everything inside it.
    params: &'a [(String, Value)],
    /// This scope or an enclosing one has hash values (most have none: no search).
    any_params: bool,
    /// `base` is really `base` plus the hash values of this or an enclosing partial: fine
    /// for names (the hash values answer as parameters first), not as a whole value.
    merged: bool,
    locals: Option<Locals>,
    partial_block: PartialBlock<'a>,
    parent: Option<&'a Scope<'a>>,
}

impl<'a> Scope<'a> {
    fn ancestor(&self, level: usize) -> Option<&Scope<'a>> {
        let mut s = self;
        for _ in 0..level {
            s = s.parent?;
        }
        Some(s)
    }

    fn param(&self, name: &str) -> Option<Val<'a>> {
        if !self.any_params {
            return None;
        }
        let mut s = Some(self);
        while let Some(scope) = s {
            if let Some((_, v)) = scope.params.iter().find(|(k, _)| k == name) {
                return Some(Val::Json(v));
            }
            s = scope.parent;
        }
        None
    }

    fn partial_block(&self) -> Option<&'a str> {
        let mut s = Some(self);
        while let Some(scope) = s {
            if let PartialBlock::Own(content) = scope.partial_block {
                return content;
            }
            s = scope.parent;
        }
        None
    }

    /// A child scope (an iteration) over `base`.
    fn child<'b>(&'b self, base: Val<'b>, locals: Locals) -> Scope<'b> {
        Scope {
            base,
            params: &[],
            any_params: self.any_params,
            merged: false,
            locals: Some(locals),
            partial_block: PartialBlock::Inherit,
            parent: Some(self),
        }
    }
}

/// Renders `program` against `data` (the context), or [`Fallback`] where Handlebars must
/// render it (an error to report, or something the program does not handle).
pub(in crate::render) fn run(
    program: &Program,
    data: Val<'_>,
    out: &mut String,
) -> Result<(), Fallback> {
    let root = Scope {
        base: data,
        params: &[],
        any_params: false,
        merged: false,
        locals: None,
        partial_block: PartialBlock::Inherit,
        parent: None,
    };
    let runner = Runner {
        root: data,
        escape: program.escape,
        buffers: std::cell::RefCell::new(BUFFERS.take()),
    };
    let ran = runner.ops(&program.ops, &root, out);
    BUFFERS.set(runner.buffers.into_inner());
    ran
}

thread_local! {
    /// The helpers' text buffers, kept by the thread from one program's run to the next.
    static BUFFERS: std::cell::Cell<Vec<String>> = const { std::cell::Cell::new(Vec::new()) };
}

struct Runner<'d> {
    root: Val<'d>,
    escape: Escape,
    /// Empty buffers for the helpers' texts (see [`helpers::Logic`]).
    buffers: std::cell::RefCell<Vec<String>>,
}

/// Most arguments a helper call can have here (more: Handlebars renders the template).
const MAX_ARGS: usize = 4;

/// A value read from the context, or computed (a subexpression's text).
enum Got<'a> {
    Read(Val<'a>),
    Made(Value),
}

/// An evaluated argument of a block or a partial's hash: its value, and whether it names a
/// missing variable.
struct Evaluated<'a> {
    value: Got<'a>,
    missing: bool,
}

impl Evaluated<'_> {
    fn val(&self) -> Val<'_> {
        match &self.value {
            Got::Read(v) => *v,
            Got::Made(v) => Val::Json(v),
        }
    }

    fn into_json(self) -> Value {
        match self.value {
            Got::Read(v) => v.to_json(),
            Got::Made(v) => v,
        }
    }
}

impl<'d> Runner<'d> {
    fn ops(&self, ops: &[Op], scope: &Scope<'_>, out: &mut String) -> Result<(), Fallback> {
        for op in ops {
            match op {
                Op::Text(s) => out.push_str(s),
                Op::Value { path, escape } => {
                    let v = self.resolve(path, scope)?.ok_or(Fallback)?;
                    self.write_escaped(&v.render(), *escape, out);
                }
                Op::Helper {
                    logic,
                    args,
                    escape,
                } => self.call(*logic, args, scope, |w| {
                    // Most calls write one of the three parts: no empty copies.
                    if !w.lead.is_empty() {
                        out.push_str(&w.lead);
                    }
                    if !w.escaped.is_empty() {
                        self.write_escaped(&w.escaped, *escape, out);
                    }
                    if !w.as_is.is_empty() {
                        out.push_str(&w.as_is);
                    }
                })?,
                Op::If {
                    cond,
                    positive,
                    then,
                    otherwise,
                } => {
                    let c = self.arg(cond, scope)?;
                    if c.missing {
                        return Err(Fallback);
                    }
                    let branch = if c.val().truthy() == *positive {
                        then
                    } else {
                        otherwise
                    };
                    if let Got::Made(Value::String(text)) = c.value {
                        self.give_back(text);
                    }
                    self.ops(branch, scope, out)?;
                }
                Op::Each {
                    list,
                    body,
                    otherwise,
                } => self.each(list, body, otherwise.as_deref(), scope, out)?,
                Op::Partial { body, hash, block } => {
                    self.partial(body, hash, block.as_deref(), scope, out)?;
                }
                Op::PartialBlock => out.push_str(scope.partial_block().ok_or(Fallback)?),
                // The helpers' own checks: a missing or non-boolean `tuteo`, a count that is
                // missing or not a whole number, are errors Handlebars reports.
                Op::Usted { usted, tu } => {
                    let tuteo = helpers::tuteo(self.root).ok_or(Fallback)?;
                    out.push_str(if tuteo { tu } else { usted });
                }
                Op::Plural { count, one, other } => {
                    let n = self.resolve(count, scope)?;
                    let n = n.and_then(helpers::int_value).ok_or(Fallback)?;
                    out.push_str(if n == 1 { one } else { other });
                }
            }
        }
        Ok(())
    }

    fn each(
        &self,
        list: &Arg,
        body: &[Op],
        otherwise: Option<&[Op]>,
        scope: &Scope<'_>,
        out: &mut String,
    ) -> Result<(), Fallback> {
        let v = self.arg(list, scope)?;
        let locals = |i: usize, len: usize, key: Option<&String>| Locals {
            index: Value::from(i),
            first: Value::Bool(i == 0),
            last: Value::Bool(i + 1 == len),
            key: key.map(|k| Value::String(k.clone())),
        };
        let val = v.val();
        let len = val.len();
        match (val.kind(), val, otherwise) {
            (Kind::Array, _, o) if len > 0 || o.is_none() => {
                // The iterations sit in one block: `../` from inside goes to the scope outside.
                for (i, item) in val.items().into_iter().flatten().enumerate() {
                    let child = scope.child(item, locals(i, len, None));
                    self.ops(body, &child, out)?;
                }
                Ok(())
            }
            // Over an object's fields, only in JSON (the flat form keeps the fields in
            // declaration order, JSON in name order).
            (Kind::Object, Val::Json(Value::Object(map)), o) if len > 0 || o.is_none() => {
                for (i, (k, item)) in map.iter().enumerate() {
                    let child = scope.child(Val::Json(item), locals(i, len, Some(k)));
                    self.ops(body, &child, out)?;
                }
                Ok(())
            }
            (Kind::Object, Val::Flat(..), _) => Err(Fallback),
            (_, _, Some(o)) => self.ops(o, scope, out),
            // Strict mode: Handlebars reports the missing or empty list.
            (_, _, None) => Err(Fallback),
        }
    }

    fn partial(
        &self,
        body: &[Op],
        hash: &[(String, Arg)],
        block: Option<&[Op]>,
        scope: &Scope<'_>,
        out: &mut String,
    ) -> Result<(), Fallback> {
        let mut params = Vec::with_capacity(hash.len());
        for (k, a) in hash {
            params.push((k.clone(), self.arg(a, scope)?.into_json()));
        }
        let mut inner = Scope {
            base: scope.base,
            params: &params,
            any_params: scope.any_params || !params.is_empty(),
            merged: scope.merged || !params.is_empty(),
            locals: scope.locals.clone(),
            partial_block: PartialBlock::Inherit,
            parent: Some(scope),
        };
        // The block is rendered first, in the partial's scope, where `@partial-block` is
        // still the enclosing partial's.
        // Into a reused buffer: a layout's block is a whole HTML body, which a new string
        // would reach by doubling several times per message.
        let content = match block {
            Some(ops) => {
                let mut s = self.buffer();
                if let Err(e) = self.ops(ops, &inner, &mut s) {
                    self.give_back(s);
                    return Err(e);
                }
                Some(s)
            }
            None => None,
        };
        inner.partial_block = PartialBlock::Own(content.as_deref());
        let ran = self.ops(body, &inner, out);
        if let Some(s) = content {
            self.give_back(s);
        }
        ran
    }

    /// Calls helper `logic` on `args` and hands what it writes to `f`. Up to [`MAX_ARGS`]
    /// arguments live on the stack (the default templates use three at most).
    fn call<R>(
        &self,
        logic: helpers::Logic,
        args: &[Arg],
        scope: &Scope<'_>,
        f: impl FnOnce(Written<'_>) -> R,
    ) -> Result<R, Fallback> {
        if args.len() > MAX_ARGS {
            return Err(Fallback);
        }
        let mut params = [helpers::Arg {
            value: Val::Json(&NULL),
            path: None,
            missing: true,
        }; MAX_ARGS];
        if !args.iter().any(|a| matches!(a, Arg::Sub(..))) {
            // The usual call: every argument read in place.
            for (param, a) in params.iter_mut().zip(args) {
                *param = self.read(a, scope)?;
            }
            return self.invoke(logic, &params[..args.len()], f);
        }
        // Subexpressions' texts first (they own their value), then the other arguments.
        let mut made: [Option<Value>; MAX_ARGS] = [None, None, None, None];
        let mut result = Ok(());
        for (slot, a) in made.iter_mut().zip(args) {
            if let Arg::Sub(logic, sub) = a {
                match self.sub_text(*logic, sub, scope) {
                    Ok(text) => *slot = Some(Value::String(text)),
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
        }
        for ((param, a), made) in params.iter_mut().zip(args).zip(&made) {
            if result.is_err() {
                break;
            }
            *param = match (a, made) {
                (_, Some(v)) => helpers::Arg {
                    value: Val::Json(v),
                    path: None,
                    missing: false,
                },
                _ => match self.read(a, scope) {
                    Ok(p) => p,
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                },
            };
        }
        let called = result.and_then(|()| self.invoke(logic, &params[..args.len()], f));
        for v in made {
            if let Some(Value::String(text)) = v {
                self.give_back(text);
            }
        }
        called
    }

    /// Calls `logic` with a buffer for its text and hands what it writes to `f`.
    fn invoke<R>(
        &self,
        logic: helpers::Logic,
        params: &[helpers::Arg<'_>],
        f: impl FnOnce(Written<'_>) -> R,
    ) -> Result<R, Fallback> {
        let mut buf = self.buffer();
        let result = logic(params, self.root, &mut buf)
            .map(f)
            .map_err(|_| Fallback);
        self.give_back(buf);
        result
    }

    /// An empty buffer for a helper's text.
    fn buffer(&self) -> String {
        self.buffers.borrow_mut().pop().unwrap_or_default()
    }

    /// A buffer (a helper's, a subexpression's text) to use again, emptied.
    fn give_back(&self, mut buf: String) {
        buf.clear();
        let mut buffers = self.buffers.borrow_mut();
        // A few suffice (subexpressions nest at most a couple deep).
        if buffers.len() < 8 {
            buffers.push(buf);
        }
    }

    /// A subexpression's text, unescaped: Handlebars turns escaping off for it.
    fn sub_text(
        &self,
        logic: helpers::Logic,
        args: &[Arg],
        scope: &Scope<'_>,
    ) -> Result<String, Fallback> {
        self.call(logic, args, scope, |w| {
            let mut s = self.buffer();
            s.push_str(&w.lead);
            s.push_str(&w.escaped);
            s.push_str(&w.as_is);
            s
        })
    }

    /// A path or literal argument, read in place (a subexpression: [`Self::arg`]).
    #[inline]
    fn read<'a>(&self, a: &'a Arg, scope: &'a Scope<'a>) -> Result<helpers::Arg<'a>, Fallback>
    where
        'd: 'a,
    {
        match a {
            Arg::Path(p) => {
                let raw = match p {
                    CPath::Local { raw, .. } | CPath::Relative { raw, .. } => raw.as_str(),
                };
                let found = self.resolve(p, scope)?;
                Ok(helpers::Arg {
                    value: found.unwrap_or(Val::Json(&NULL)),
                    path: Some(raw),
                    missing: found.is_none(),
                })
            }
            Arg::Literal(v) => Ok(helpers::Arg {
                value: Val::Json(v),
                path: None,
                missing: false,
            }),
            Arg::Sub(..) => Err(Fallback),
        }
    }

    fn arg<'a>(&self, a: &'a Arg, scope: &'a Scope<'a>) -> Result<Evaluated<'a>, Fallback>
    where
        'd: 'a,
    {
        Ok(match a {
            Arg::Sub(logic, args) => Evaluated {
                value: Got::Made(Value::String(self.sub_text(*logic, args, scope)?)),
                missing: false,
            },
            _ => {
                let read = self.read(a, scope)?;
                Evaluated {
                    value: Got::Read(read.value),
                    missing: read.missing,
                }
            }
        })
    }
    /// The value at `p`, `None` if missing, like `Context::navigate`.
    #[inline]
    fn resolve<'a>(&self, p: &CPath, scope: &'a Scope<'a>) -> Result<Option<Val<'a>>, Fallback>
    where
        'd: 'a,
    {
        match p {
            CPath::Local { level, name, .. } => Ok(scope
                .ancestor(*level)
                .and_then(|s| s.locals.as_ref())
                .and_then(|l| l.get(name))
                .map(Val::Json)),
            CPath::Relative {
                up,
                root,
                params,
                segs,
                ..
            } => {
                if *params
                    && let Some(first) = segs.first()
                    && let Some(v) = scope.param(&first.name)
                {
                    return walk(v, &segs[1..]);
                }
                let base = if *root {
                    self.root
                } else {
                    // Past the outermost block, Handlebars uses the innermost one.
                    let s = scope.ancestor(*up).unwrap_or(scope);
                    if s.merged && segs.is_empty() {
                        return Err(Fallback);
                    }
                    s.base
                };
                walk(base, segs)
            }
        }
    }

    #[inline]
    fn write_escaped(&self, s: &str, escape: bool, out: &mut String) {
        write_value(s, escape, self.escape, out);
    }
}

/// Appends a value's text `s`, escaped by `mode` unless `escape` is off (`{{{ }}}`).
#[inline]
pub(super) fn write_value(s: &str, escape: bool, mode: Escape, out: &mut String) {
    match (escape, mode) {
        (false, _) | (_, Escape::None) => out.push_str(s),
        (true, Escape::Html) => escape_into(s, out, &HTML),
        (true, Escape::Telegram) => escape_into(s, out, &TELEGRAM),
    }
}

/// `segs` under `v`, like Handlebars' `get_data`: a list takes numbers only.
#[inline(always)]
fn walk<'a>(v: Val<'a>, segs: &[Seg]) -> Result<Option<Val<'a>>, Fallback> {
    let mut cur = v;
    for s in segs {
        // An object's field (hinted), or a list's element by number.
        let next = match cur.get_hinted(&s.name, &s.hint) {
            Some(v) => Some(v),
            None => match cur.kind() {
                Kind::Array => {
                    let i = s.name.parse::<usize>().map_err(|_| Fallback)?;
                    cur.items().and_then(|mut it| it.nth(i))
                }
                _ => None,
            },
        };
        match next {
            Some(v) => cur = v,
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// What replaces each byte in `handlebars::html_escape` (`None`: kept).
static HTML: [Option<&str>; 256] = entities(&[
    (b'<', "&lt;"),
    (b'>', "&gt;"),
    (b'"', "&quot;"),
    (b'&', "&amp;"),
    (b'\'', "&#x27;"),
    (b'`', "&#x60;"),
    (b'=', "&#x3D;"),
]);

/// What replaces each byte in [`crate::render::telegram_escape`].
static TELEGRAM: [Option<&str>; 256] = entities(&[
    (b'<', "&lt;"),
    (b'>', "&gt;"),
    (b'"', "&quot;"),
    (b'&', "&amp;"),
]);

/// A table of replacements by byte, from a list.
const fn entities(list: &[(u8, &'static str)]) -> [Option<&'static str>; 256] {
    let mut table = [None; 256];
    let mut i = 0;
    while i < list.len() {
        table[list[i].0 as usize] = Some(list[i].1);
        i += 1;
    }
    table
}

/// Appends `s` with the ASCII characters `entity` names replaced (all are ASCII, so the
/// byte positions are character boundaries).
/// A table, not a `match`, and a plain search for the next byte to replace (most values have
/// none): escaping was a twentieth of a render.
fn escape_into(s: &str, out: &mut String, entity: &[Option<&'static str>; 256]) {
    out.reserve(s.len());
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(at) = bytes[start..]
        .iter()
        .position(|&b| entity[usize::from(b)].is_some())
    {
        let i = start + at;
        out.push_str(&s[start..i]);
        out.push_str(entity[usize::from(bytes[i])].unwrap_or_default());
        start = i + 1;
    }
    out.push_str(&s[start..]);
}
