//! Handlebars helpers for Spanish messages: money, dates, plurals, tú/usted, alignment.
//!
//! Every helper is strict: a parameter that names a missing variable is an error, like a
//! missing `{{variable}}`. Helpers read `locale`, `today` and `tuteo` from the root context.
//! Text coming from data is escaped with the registry's escape function (none for plain
//! text, HTML for email HTML and Telegram); literal strings written in the template are not,
//! so `{{usted "<b>Le</b> recordamos" "<b>Te</b> recordamos"}}` keeps its markup.
//!
//! Each inline helper is only its logic, `fn(&[Arg], root: Val) -> Result<Written, _>`: the
//! text it makes, split into the part from data and the part written in the template. One
//! adapter, [`Inline`], turns it into a registered helper and does the writing and escaping
//! for all of them; the compiled programs (`render/compiled`) call the same logic directly, on
//! the flat context or on JSON ([`Val`]). Only the block helpers `if` and `unless`, which render
//! a sub-template, are Handlebars helpers in full (the programs restate them).

use std::borrow::Cow;
use std::str::FromStr;

use chrono::NaiveDate;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, JsonTruthy, Output, PathAndJson,
    RenderContext, RenderError, RenderErrorReason, Renderable,
};
use rust_decimal::Decimal;

use crate::render::value::{Hint, Kind, Val};
use crate::render::{dates, money};

/// Names of every helper registered by [`register`], for documentation and tests.
pub const HELPERS: &[&str] = &[
    "money",
    "percent",
    "date_long",
    "date_short",
    "date_text",
    "date_day",
    "date_list",
    "overdue",
    "ago",
    "number_words",
    "count",
    "plural",
    "usted",
    "pad",
    "padl",
    "eq",
    "if",
    "unless",
];

/// Registers the Spanish helpers, and strict `if`/`unless`, on a registry.
pub fn register(hb: &mut Handlebars<'static>) {
    for (name, logic) in INLINE {
        hb.register_helper(name, Box::new(Inline(*logic)));
    }
    hb.register_helper("if", Box::new(if_helper));
    hb.register_helper("unless", Box::new(unless_helper));
}

/// The inline helpers by name: what [`register`] registers, and what the compiled renderer
/// calls directly.
pub(crate) const INLINE: &[(&str, Logic)] = &[
    ("money", money_helper),
    ("percent", percent_helper),
    ("date_long", date_long_helper),
    ("date_short", date_short_helper),
    ("date_text", date_text_helper),
    ("date_day", date_day_helper),
    ("date_list", date_list_helper),
    ("overdue", overdue_helper),
    ("ago", ago_helper),
    ("number_words", number_words_helper),
    ("count", count_helper),
    ("plural", plural_helper),
    ("usted", usted_helper),
    ("pad", pad_helper),
    ("padl", padl_helper),
    ("eq", eq_helper),
];

fn other(msg: String) -> RenderError {
    RenderErrorReason::Other(msg).into()
}

/// One argument of a helper call, as both renderers see it: its value, the variable it names
/// (`None` for a literal written in the template or a subexpression's result), and whether
/// that variable is missing from the context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arg<'a> {
    /// The value (`null` when missing).
    pub value: Val<'a>,
    /// The path written in the template, for a variable.
    pub path: Option<&'a str>,
    /// The variable does not exist.
    pub missing: bool,
}

impl<'a> Arg<'a> {
    fn from_handlebars(p: &'a PathAndJson<'_>) -> Arg<'a> {
        Arg {
            value: Val::Json(p.value()),
            path: p.relative_path().map(String::as_str),
            missing: p.is_value_missing(),
        }
    }
}

/// Parameter `idx` of helper `name`, which must exist and not be a missing variable.
fn param<'a, 'v>(
    h: &'a [Arg<'v>],
    idx: usize,
    name: &'static str,
) -> Result<&'a Arg<'v>, RenderError> {
    let p = h
        .get(idx)
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex(name, idx))?;
    if p.missing {
        return Err(RenderErrorReason::MissingVariable(p.path.map(str::to_owned)).into());
    }
    Ok(p)
}

fn describe(p: &Arg<'_>) -> String {
    match p.path {
        Some(path) => format!("`{path}` = {}", p.value),
        None => p.value.to_string(),
    }
}

fn decimal_param(h: &[Arg<'_>], idx: usize, name: &'static str) -> Result<Decimal, RenderError> {
    let p = param(h, idx, name)?;
    let parsed = match p.value.kind() {
        Kind::Str(s) => money::parse_amount(s),
        Kind::Num(n) => Decimal::from_str(&n.to_string()).ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        other(format!(
            "{name}: expected a decimal amount, got {}",
            describe(p)
        ))
    })
}

/// A whole number as the helpers read one (`count`, `plural`, `overdue`, `pad`'s width...):
/// a number, or a text holding one.
pub(crate) fn int_value(v: Val<'_>) -> Option<i64> {
    match v.kind() {
        Kind::Num(n) => n.as_i64(),
        Kind::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn int_param(h: &[Arg<'_>], idx: usize, name: &'static str) -> Result<i64, RenderError> {
    let p = param(h, idx, name)?;
    int_value(p.value).ok_or_else(|| {
        other(format!(
            "{name}: expected a whole number, got {}",
            describe(p)
        ))
    })
}

fn str_param<'v>(
    h: &[Arg<'v>],
    idx: usize,
    name: &'static str,
) -> Result<Cow<'v, str>, RenderError> {
    let p = param(h, idx, name)?;
    match p.value.kind() {
        Kind::Null => Err(other(format!("{name}: expected text, got {}", describe(p)))),
        _ => Ok(p.value.render()),
    }
}

fn parse_date(v: Val<'_>) -> Option<NaiveDate> {
    v.as_str().and_then(dates::parse_iso)
}

fn date_param(h: &[Arg<'_>], idx: usize, name: &'static str) -> Result<NaiveDate, RenderError> {
    let p = param(h, idx, name)?;
    parse_date(p.value).ok_or_else(|| {
        other(format!(
            "{name}: expected a date YYYY-MM-DD, got {}",
            describe(p)
        ))
    })
}

/// Field `key` of the root context; the fields helpers read are looked up with a hint (see
/// [`Val::get_hinted`]). Inlined: every caller names a constant key, so the `match` on it
/// is decided when compiling, not by comparing strings on every call.
#[inline(always)]
fn root_field<'a>(ctx: Val<'a>, key: &str) -> Option<Val<'a>> {
    static LOCALE: Hint = Hint::new();
    static TODAY: Hint = Hint::new();
    static TUTEO: Hint = Hint::new();
    match key {
        "locale" => ctx.get_hinted(key, &LOCALE),
        "today" => ctx.get_hinted(key, &TODAY),
        "tuteo" => ctx.get_hinted(key, &TUTEO),
        _ => ctx.get(key),
    }
}

/// The root context's `tuteo`, as `usted` reads it (`None`: missing or not a boolean).
pub(crate) fn tuteo(ctx: Val<'_>) -> Option<bool> {
    root_field(ctx, "tuteo").and_then(Val::as_bool)
}

#[inline(always)]
fn root_str<'a>(ctx: Val<'a>, key: &str, helper: &str) -> Result<&'a str, RenderError> {
    root_field(ctx, key)
        .and_then(Val::as_str)
        .ok_or_else(|| other(format!("{helper}: the context has no `{key}`")))
}

/// What an inline helper writes, in order: text that needs no escaping (the spaces before a
/// right-aligned value); text made from data (a formatted amount, a date, a value of the
/// context), escaped like any `{{value}}`; then text written in the template itself (a
/// literal parameter, the spaces after a left-aligned value), as is.
#[derive(Debug, Default)]
pub(crate) struct Written<'a> {
    /// Text before the data, as is (only ever spaces).
    pub lead: Cow<'a, str>,
    /// Text made from data, escaped like any value.
    pub escaped: Cow<'a, str>,
    /// Text written in the template, as is.
    pub as_is: Cow<'a, str>,
}

impl<'a> Written<'a> {
    /// Text made from data, written into the helper's buffer.
    fn made(buf: &'a str) -> Written<'a> {
        Written {
            lead: Cow::Borrowed(""),
            escaped: Cow::Borrowed(buf),
            as_is: Cow::Borrowed(""),
        }
    }

    /// Text made from data.
    fn escaped(text: String) -> Written<'a> {
        Written {
            lead: Cow::Borrowed(""),
            escaped: Cow::Owned(text),
            as_is: Cow::Borrowed(""),
        }
    }

    /// A parameter: as is if it is a literal written in the template, escaped if from data.
    fn param(p: &Arg<'a>) -> Written<'a> {
        let text = p.value.render();
        if p.path.is_some() {
            Written {
                lead: Cow::Borrowed(""),
                escaped: text,
                as_is: Cow::Borrowed(""),
            }
        } else {
            Written {
                lead: Cow::Borrowed(""),
                escaped: Cow::Borrowed(""),
                as_is: text,
            }
        }
    }
}

/// The logic of an inline helper: its parameters and the root context in, its text out. The
/// text it makes is written into the buffer it is given (empty; the caller reuses it, so a
/// formatted amount or date costs no allocation) and returned borrowed from it.
pub(crate) type Logic =
    for<'a> fn(&[Arg<'a>], Val<'a>, &'a mut String) -> Result<Written<'a>, RenderError>;

/// The adapter that makes a [`Logic`] a Handlebars helper: it writes the [`Written`] text,
/// escaping the data part with the registry's escape function unless escaping is off (plain
/// text, `{{{ }}}`, a subexpression).
struct Inline(Logic);

impl HelperDef for Inline {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let args: Vec<Arg<'_>> = h.params().iter().map(Arg::from_handlebars).collect();
        let mut buf = String::new();
        let written = (self.0)(&args, Val::Json(ctx.data()), &mut buf)?;
        if !written.lead.is_empty() {
            out.write(&written.lead)?;
        }
        if !written.escaped.is_empty() {
            if rc.is_disable_escape() {
                out.write(&written.escaped)?;
            } else {
                out.write(&r.get_escape_fn()(&written.escaped))?;
            }
        }
        if !written.as_is.is_empty() {
            out.write(&written.as_is)?;
        }
        Ok(())
    }
}

/// `{{money amount currency}}` → `1.234,56 €` (es-ES), `$1,234.56` (es-MX), `1,234.56 EUR`.
fn money_helper<'a>(
    h: &[Arg<'a>],
    ctx: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let amount = decimal_param(h, 0, "money")?;
    let currency = str_param(h, 1, "money")?;
    let locale = root_str(ctx, "locale", "money")?;
    money::write_money(buf, amount, &currency, locale).map_err(|e| other(format!("money: {e}")))?;
    Ok(Written::made(buf))
}

/// `{{percent rate}}` → `10,15 %` (es-ES), `10.15%` (es-MX).
fn percent_helper<'a>(
    h: &[Arg<'a>],
    ctx: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let rate = decimal_param(h, 0, "percent")?;
    let locale = root_str(ctx, "locale", "percent")?;
    let s = money::format_percent(rate, locale).map_err(|e| other(format!("percent: {e}")))?;
    Ok(Written::escaped(s))
}

/// A date helper's text: its one date argument written by `push`.
fn dated<'a>(
    h: &[Arg<'a>],
    buf: &'a mut String,
    name: &'static str,
    push: fn(&mut String, NaiveDate),
) -> Result<Written<'a>, RenderError> {
    push(buf, date_param(h, 0, name)?);
    Ok(Written::made(buf))
}

/// `{{date_long due_date}}` → `viernes, 27 de noviembre de 2026`.
fn date_long_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    dated(h, buf, "date_long", dates::push_date_long)
}

/// The first argument as a date in the context's own `YYYY-MM-DD` form, if it is one.
fn iso_arg<'a>(h: &[Arg<'a>]) -> Option<dates::IsoText<'a>> {
    h.first()
        .filter(|p| !p.missing)
        .and_then(|p| p.value.as_str())
        .and_then(dates::iso_text)
}

/// `{{date_short due_date}}` → `27/11/2026`.
fn date_short_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    match iso_arg(h) {
        Some(d) => {
            d.push_short(buf);
            Ok(Written::made(buf))
        }
        None => dated(h, buf, "date_short", dates::push_date_short),
    }
}

/// `{{date_text deadline}}` → `27 de noviembre de 2026`.
fn date_text_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    match iso_arg(h) {
        Some(d) => {
            d.push_text(buf);
            Ok(Written::made(buf))
        }
        None => dated(h, buf, "date_text", dates::push_date_text),
    }
}

/// `{{date_day promise.date}}` → `viernes 27 de noviembre` (year added if not this year's).
fn date_day_helper<'a>(
    h: &[Arg<'a>],
    ctx: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let d = date_param(h, 0, "date_day")?;
    let today = root_field(ctx, "today")
        .and_then(parse_date)
        .ok_or_else(|| other("date_day: the context has no valid `today`".to_owned()))?;
    dates::push_date_day(buf, d, today);
    Ok(Written::made(buf))
}

/// `{{date_list history.reminders}}` → `del 3 y el 10 de noviembre`: the `date` of each
/// element (or each element, if it is a date).
fn date_list_helper<'a>(
    h: &[Arg<'a>],
    ctx: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let p = param(h, 0, "date_list")?;
    let items = p
        .value
        .items()
        .ok_or_else(|| other(format!("date_list: expected a list, got {}", describe(p))))?;
    let days: Option<Vec<NaiveDate>> = items
        .map(|v| parse_date(v.get("date").unwrap_or(v)))
        .collect();
    let days = days.ok_or_else(|| {
        other(format!(
            "date_list: expected dates or objects with a `date`, got {}",
            describe(p)
        ))
    })?;
    let today = root_field(ctx, "today")
        .and_then(parse_date)
        .ok_or_else(|| other("date_list: the context has no valid `today`".to_owned()))?;
    Ok(Written::escaped(dates::date_list(&days, today)))
}

/// `{{overdue days_overdue}}` → `vence mañana`, `vence hoy`, `vencida hace tres días`.
fn overdue_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let n = int_param(h, 0, "overdue")?;
    dates::push_overdue_words(buf, n);
    Ok(Written::made(buf))
}

/// `{{ago days}}` → `hoy`, `ayer`, `hace tres días`.
fn ago_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let n = int_param(h, 0, "ago")?;
    Ok(Written::escaped(dates::ago_words(n)))
}

/// `{{number_words 3}}` → `tres` (digits above twenty).
fn number_words_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let n = int_param(h, 0, "number_words")?;
    let s = u64::try_from(n).map_or_else(|_| n.to_string(), dates::number_words);
    Ok(Written::escaped(s))
}

fn plural_choice<'a, 'v>(
    h: &'a [Arg<'v>],
    name: &'static str,
) -> Result<(i64, &'a Arg<'v>), RenderError> {
    let n = int_param(h, 0, name)?;
    let form = if n == 1 {
        param(h, 1, name)?
    } else {
        param(h, 2, name)?
    };
    Ok((n, form))
}

/// `{{count summary.invoice_count "factura" "facturas"}}` → `1 factura`, `3 facturas`.
fn count_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    buf: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let (n, form) = plural_choice(h, "count")?;
    let Written { escaped, as_is, .. } = Written::param(form);
    // The number is data; a form from data follows it in the same escaped text.
    dates::push_int(buf, n);
    buf.push(' ');
    buf.push_str(&escaped);
    Ok(Written {
        as_is,
        ..Written::made(buf)
    })
}

/// `{{plural summary.invoice_count "la factura" "las facturas"}}` → the form only.
fn plural_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let (_, form) = plural_choice(h, "plural")?;
    Ok(Written::param(form))
}

/// `{{usted "Le escribimos" "Te escribimos"}}`: the first text for usted, the second for tú.
fn usted_helper<'a>(
    h: &[Arg<'a>],
    ctx: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    let tuteo =
        tuteo(ctx).ok_or_else(|| other("usted: the context has no boolean `tuteo`".to_owned()))?;
    let usted = param(h, 0, "usted")?;
    let tu = param(h, 1, "usted")?;
    Ok(Written::param(if tuteo { tu } else { usted }))
}

/// The spaces that fill a padded text: borrowed for the usual widths, no string per call.
fn spaces(n: usize) -> Cow<'static, str> {
    const SPACES: &str = "                                                                ";
    match SPACES.get(..n) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(" ".repeat(n)),
    }
}

/// The text of `pad`/`padl` (escaped like any value, as the whole padded text was) and the
/// spaces that fill it to the width (which no escaping changes), written around it without
/// building the padded string.
fn pad_common<'a>(
    h: &[Arg<'a>],
    name: &'static str,
    right: bool,
) -> Result<Written<'a>, RenderError> {
    let text = str_param(h, 0, name)?;
    let width = usize::try_from(int_param(h, 1, name)?).unwrap_or(0);
    let fill = spaces(width.saturating_sub(text.chars().count()));
    Ok(if right {
        Written {
            lead: fill,
            escaped: text,
            as_is: Cow::Borrowed(""),
        }
    } else {
        Written {
            lead: Cow::Borrowed(""),
            escaped: text,
            as_is: fill,
        }
    })
}

/// `{{pad number 14}}`: left-aligned in 14 characters (for plain-text tables).
fn pad_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    pad_common(h, "pad", false)
}

/// `{{padl (money balance currency) 14}}`: right-aligned in 14 characters.
fn padl_helper<'a>(
    h: &[Arg<'a>],
    _: Val<'a>,
    _: &'a mut String,
) -> Result<Written<'a>, RenderError> {
    pad_common(h, "padl", true)
}

/// `{{#if (eq owner_alert.kind "dispute")}}`: true when both values are equal.
fn eq_helper<'a>(h: &[Arg<'a>], _: Val<'a>, _: &'a mut String) -> Result<Written<'a>, RenderError> {
    let a = param(h, 0, "eq")?;
    let b = param(h, 1, "eq")?;
    let same = if a.value.same(b.value) { "true" } else { "" };
    Ok(Written {
        lead: Cow::Borrowed(""),
        escaped: Cow::Borrowed(""),
        as_is: Cow::Borrowed(same),
    })
}

fn conditional<'reg, 'rc>(
    h: &Helper<'rc>,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
    positive: bool,
) -> HelperResult {
    let name = if positive { "if" } else { "unless" };
    let p = h
        .param(0)
        .ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
    if p.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(p.relative_path().cloned()).into());
    }
    let truthy = p.value().is_truthy(false) == positive;
    match if truthy { h.template() } else { h.inverse() } {
        Some(t) => t.render(r, ctx, rc, out),
        None => Ok(()),
    }
}

/// Strict `{{#if value}}`: unlike the built-in, a missing variable is an error.
fn if_helper<'reg, 'rc>(
    h: &Helper<'rc>,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    conditional(h, r, ctx, rc, out, true)
}

/// Strict `{{#unless value}}`.
fn unless_helper<'reg, 'rc>(
    h: &Helper<'rc>,
    r: &'reg Handlebars<'reg>,
    ctx: &'rc Context,
    rc: &mut RenderContext<'reg, 'rc>,
    out: &mut dyn Output,
) -> HelperResult {
    conditional(h, r, ctx, rc, out, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn render(tpl: &str, data: &Value) -> Result<String, RenderError> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::html_escape);
        register(&mut hb);
        hb.render_template(tpl, data)
    }

    #[test]
    fn helpers_render_spanish() {
        let d = json!({"locale": "es-MX", "today": "2026-11-18", "tuteo": false,
            "n": 3, "one": 1, "a": "1234.5", "c": "MXN", "d": "2026-11-27", "r": "10.15",
            "name": "<A & B>"});
        let cases = [
            ("{{money a c}}", "$1,234.50"),
            ("{{money a \"EUR\"}}", "1,234.50 EUR"),
            ("{{percent r}}", "10.15%"),
            ("{{date_long d}}", "viernes, 27 de noviembre de 2026"),
            ("{{date_short d}}", "27/11/2026"),
            ("{{date_text d}}", "27 de noviembre de 2026"),
            ("{{date_day d}}", "viernes 27 de noviembre"),
            ("{{overdue n}}", "vencida hace tres días"),
            ("{{ago one}}", "ayer"),
            ("{{number_words n}}", "tres"),
            ("{{count n \"factura\" \"facturas\"}}", "3 facturas"),
            ("{{count one \"factura\" \"facturas\"}}", "1 factura"),
            (
                "{{plural n \"la factura\" \"las facturas\"}}",
                "las facturas",
            ),
            (
                "{{usted \"Le escribimos\" \"Te escribimos\"}}",
                "Le escribimos",
            ),
            ("[{{pad \"ab\" 4}}][{{padl \"ab\" 4}}]", "[ab  ][  ab]"),
            ("{{#if (eq c \"MXN\")}}sí{{else}}no{{/if}}", "sí"),
            ("{{#unless tuteo}}usted{{/unless}}", "usted"),
            ("{{usted name \"x\"}}", "&lt;A &amp; B&gt;"),
            ("{{usted \"<b>Le</b>\" \"x\"}}", "<b>Le</b>"),
        ];
        for (tpl, want) in cases {
            assert_eq!(render(tpl, &d).unwrap(), want, "{tpl}");
        }
        let tu = json!({"tuteo": true});
        assert_eq!(render("{{usted \"Le\" \"Te\"}}", &tu).unwrap(), "Te");
    }

    #[test]
    fn helpers_are_strict() {
        let d = json!({"locale": "es-ES", "today": "2026-11-18", "tuteo": false, "a": "x"});
        for tpl in [
            "{{money missing \"EUR\"}}",
            "{{money a \"EUR\"}}",
            "{{date_long a}}",
            "{{#if missing}}x{{/if}}",
            "{{#unless missing.deep}}x{{/unless}}",
            "{{count missing \"a\" \"b\"}}",
        ] {
            assert!(render(tpl, &d).is_err(), "{tpl} should fail");
        }
        let bad_locale = json!({"locale": "fr-FR", "a": "1"});
        let err = render("{{money a \"EUR\"}}", &bad_locale).unwrap_err();
        assert!(err.to_string().contains("unknown locale"), "{err}");
    }
}
