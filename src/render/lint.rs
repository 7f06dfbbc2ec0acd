//! The template linter behind `cobrador check`.
//!
//! It renders every effective template for every kind and channel with the sample contexts
//! (five client profiles, usted and tú, with and without a broken promise, a discount and a
//! partial payment) and
//! checks what a careful collections professional would: the message renders in strict mode;
//! a client message names the invoices, the amount, the sender, how to pay, how to answer and
//! how to stop messages; no threats, court-like wording or debtors' lists anywhere; no lawyers
//! before `formal` and no late-payment interest before `firm`; an interest breakdown names each
//! period's principal when a payment changed it; consistent tú/usted; wording
//! natural on both sides of the Atlantic. Findings are reported as `file:line: reason`.

use std::collections::BTreeSet;
use std::fmt;

use crate::render::context::RenderContext;
use crate::render::sample::Sample;
use crate::render::words::{self, tokens};
use crate::render::{Audience, KINDS, Kind, Medium, RenderError, Renderer, dates, money};

/// One problem found in a template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LintError {
    /// Template file (default path or override path).
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// What is wrong, in English, with the sample that showed it.
    pub reason: String,
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// The owner's overrides that lack cases their built-in template tells apart (see
/// `check_cases_kept`): cheap (no render), for the daemon and `tick` to warn at start.
pub fn lagging_overrides(renderer: &Renderer) -> Vec<LintError> {
    let mut linter = Linter {
        renderer,
        seen: BTreeSet::new(),
        errors: Vec::new(),
    };
    for src in renderer.sources() {
        linter.check_cases_kept(src);
    }
    linter.errors
}

/// Checks every effective template; an empty list means all is well.
pub fn lint(renderer: &Renderer) -> Vec<LintError> {
    let mut linter = Linter {
        renderer,
        seen: BTreeSet::new(),
        errors: Vec::new(),
    };
    linter.check_sources();
    for kind in KINDS {
        for channel in [Medium::Email, Medium::Telegram, Medium::Letter] {
            if channel == Medium::Letter && !kind.letter {
                continue;
            }
            for sample in Sample::ALL {
                for tuteo in [false, true] {
                    for extras in [false, true] {
                        let mut ctx = RenderContext::sample(sample, kind.name);
                        ctx.tuteo = tuteo;
                        ctx.reply.telegram = channel == Medium::Telegram;
                        if extras {
                            ctx = ctx.with_extras();
                        }
                        linter.check_message(kind, channel, sample, &ctx);
                    }
                }
            }
        }
    }
    linter.errors
}

struct Linter<'a> {
    renderer: &'a Renderer,
    /// (file, line, reason without the sample label), to report each problem once.
    seen: BTreeSet<(String, usize, String)>,
    errors: Vec<LintError>,
}

/// One rendered part of a message and the template it came from.
struct Part {
    template: String,
    text: String,
    is_subject: bool,
}

impl Linter<'_> {
    fn report(&mut self, file: &str, line: usize, reason: String, label: &str) {
        if self.seen.insert((file.to_owned(), line, reason.clone())) {
            let reason = if label.is_empty() {
                reason
            } else {
                format!("{reason} [sample {label}]")
            };
            self.errors.push(LintError {
                file: file.to_owned(),
                line,
                reason,
            });
        }
    }

    fn file_of(&self, template: &str) -> String {
        self.renderer.source(template).map_or_else(
            || format!("templates/es/{template}.hbs"),
            |s| s.file.clone(),
        )
    }

    /// An override made from an older version of a template lacks the cases the built-in one
    /// tells apart since (`(eq owner_alert.kind "contact_changed")`...): such messages get the
    /// override's other wording, often untrue («cobrador no ha sabido interpretar esta
    /// respuesta» for a reply it applied). Each case the built-in tests and the override does
    /// not is reported.
    fn check_cases_kept(&mut self, src: &crate::render::TemplateSource) {
        let Some((_, built_in)) = crate::render::DEFAULT_TEMPLATES
            .iter()
            .find(|(n, _)| *n == src.name)
        else {
            return;
        };
        if !src.overridden {
            return;
        }
        let theirs = cases_of(&src.text);
        for case in cases_of(built_in).difference(&theirs) {
            self.report(
                &src.file,
                1,
                format!(
                    "the built-in template tells apart ({case}) and this override does not \
                     (it was probably made from an older version): those messages get this \
                     file's other wording; export the built-in templates to a new directory \
                     (cobrador templates export DIR) and carry your edits over, or add the case"
                ),
                "",
            );
        }
    }

    /// Template-level checks: unknown override names, escaping switched off.
    fn check_sources(&mut self) {
        let known: BTreeSet<&str> = crate::render::DEFAULT_TEMPLATES
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let sources: Vec<_> = self.renderer.sources().cloned().collect();
        for src in sources {
            if src.overridden && !src.name.starts_with('_') && !known.contains(src.name.as_str()) {
                self.report(
                    &src.file,
                    1,
                    format!(
                        "unknown template {:?}: an override must have the name of a default \
                         (e.g. firm.email.txt.hbs) or start with `_` to be a partial",
                        src.name
                    ),
                    "",
                );
            }
            self.check_cases_kept(&src);
            for (i, line) in src.text.lines().enumerate() {
                if line.contains("{{{") || line.contains("{{&") {
                    self.report(
                        &src.file,
                        i + 1,
                        "triple braces turn off escaping: a client name with `<` or `&` \
                         would break the HTML; use {{ }}"
                            .to_owned(),
                        "",
                    );
                }
            }
        }
    }

    fn part_names(&self, kind: &str, channel: Medium) -> Vec<(String, bool)> {
        match channel {
            Medium::Email => {
                let mut names = vec![
                    (format!("{kind}.email.subject"), true),
                    (format!("{kind}.email.txt"), false),
                ];
                let html = format!("{kind}.email.html");
                if self.renderer.has_template(&html) {
                    names.push((html, false));
                }
                names
            }
            Medium::Telegram => vec![(format!("{kind}.telegram"), false)],
            Medium::Letter => vec![(format!("{kind}.letter"), false)],
        }
    }

    fn check_message(&mut self, kind: &Kind, channel: Medium, sample: Sample, ctx: &RenderContext) {
        let label = format!(
            "{}, {}, {}{}",
            sample.name(),
            channel,
            if ctx.tuteo { "tú" } else { "usted" },
            if ctx.broken_promise.is_some() {
                ", extras (earlier reminders, broken promise and plan, discount, partial payment)"
            } else {
                ""
            }
        );
        let data = match ctx.to_value() {
            Ok(d) => d,
            Err(e) => {
                self.report(
                    "context",
                    1,
                    format!("cannot serialise sample: {e}"),
                    &label,
                );
                return;
            }
        };
        let mut parts = Vec::new();
        for (name, is_subject) in self.part_names(kind.name, channel) {
            if !self.renderer.has_template(&name) {
                self.report(
                    &self.file_of(&name),
                    1,
                    format!("missing template {name:?}"),
                    "",
                );
                continue;
            }
            match self.renderer.render_part(&name, &data) {
                Ok(text) => {
                    // Checks run on what a reader sees, not on markup.
                    let markup = [".html", ".letter", ".telegram"];
                    let text = if markup.iter().any(|m| name.ends_with(m)) {
                        words::strip_html(&text)
                    } else {
                        text
                    };
                    parts.push(Part {
                        template: name,
                        text,
                        is_subject,
                    });
                }
                Err(RenderError::Render {
                    file,
                    line,
                    message,
                }) => self.report(&file, line, message, &label),
                Err(e) => self.report(&self.file_of(&name), 1, e.to_string(), &label),
            }
        }
        for part in &parts {
            self.check_wording(kind, ctx, part, &label);
            if part.is_subject {
                self.check_subject(part, &label);
            } else {
                self.check_required(kind, channel, ctx, part, &label);
            }
        }
    }

    fn check_subject(&mut self, part: &Part, label: &str) {
        let chars = part.text.chars().count();
        if chars == 0 || chars > 140 {
            let file = self.file_of(&part.template);
            self.report(
                &file,
                1,
                format!("subject must have 1 to 140 characters, has {chars}"),
                label,
            );
        }
    }

    fn check_wording(&mut self, kind: &Kind, ctx: &RenderContext, part: &Part, label: &str) {
        let words = tokens(&part.text);
        let client = kind.audience == Audience::Client;
        let stage_pos = stage_position(kind.name);
        let mut lists: Vec<(&[&str], &str)> = vec![(
            words::ALWAYS,
            "threatening, court-like or shaming wording is never allowed",
        )];
        if client {
            lists.push((words::CLIENT, "wording that looks like an official notice"));
            lists.push((
                words::REGIONAL,
                "Spain-only or regional wording: use neutral Spanish for Spain and Latin America",
            ));
            if stage_pos < stage_position("formal") {
                lists.push((
                    words::BEFORE_FORMAL,
                    "lawyers and legal steps only from the formal stage",
                ));
            }
            if stage_pos < stage_position("firm") {
                lists.push((
                    words::BEFORE_FIRM,
                    "late-payment interest and costs only from the firm stage",
                ));
            }
            if !ctx.client.b2b {
                lists.push((
                    words::B2C,
                    "Ley 3/2004 interest and the 40 EUR apply only between businesses",
                ));
            }
            if ctx.history.reminders.is_empty() {
                lists.push((
                    words::EARLIER_REMINDERS,
                    "claims earlier reminders, but none reached this client: say it only \
                     inside {{#if history.reminders}}",
                ));
            }
            // The same template serves both forms: a sentence that must differ is written
            // once for each (walk27: the error did not say how).
            if ctx.tuteo {
                lists.push((
                    words::USTED_MARKERS,
                    "usted form in a tuteo message (a template serves clients of both forms: \
                     write it as {{usted \"usted's words\" \"tú's words\"}})",
                ));
            } else {
                lists.push((
                    words::TU_MARKERS,
                    "tú form in an usted message (a template serves clients of both forms: \
                     write it as {{usted \"usted's words\" \"tú's words\"}})",
                ));
            }
        }
        for (list, why) in lists {
            for pattern in list.iter().filter(|p| words::contains(&words, p)) {
                let (file, line) = self.locate(&part.template, pattern);
                let excerpt = excerpt(&part.text, pattern);
                self.report(
                    &file,
                    line,
                    format!("{why}: {pattern:?} in «{excerpt}»"),
                    label,
                );
            }
        }
    }

    fn check_required(
        &mut self,
        kind: &Kind,
        channel: Medium,
        ctx: &RenderContext,
        part: &Part,
        label: &str,
    ) {
        let mut missing: Vec<String> = Vec::new();
        let text = &part.text;
        let words = tokens(text);
        let has = |needle: &str| text.contains(needle);
        let any_hint = |list: &[&str]| words::first_match(&words, list).is_some();
        let money_of = |amount, currency: &str| {
            money::format_money(amount, currency, &ctx.locale).unwrap_or_default()
        };
        let date_mentioned = |d: chrono::NaiveDate| {
            has(&dates::date_long(d))
                || has(&dates::date_short(d))
                || has(&dates::date_text(d))
                || has(&dates::date_day(d, ctx.today))
        };
        let name = kind.name;
        let stage_pos = stage_position(name);
        let is_stage = STAGE_ORDER[..7].contains(&name);

        if kind.audience == Audience::Owner {
            if !has(&ctx.client.name) {
                missing.push("the client's name".into());
            }
            if let Some(alert) = &ctx.owner_alert
                && name == "owner_alert"
                && !alert.client_words.is_empty()
                && !has(&alert.client_words)
            {
                missing.push("the client's words, quoted".into());
            }
        } else {
            if !has(&ctx.business.name) && !has(&ctx.business.legal_name) {
                missing.push("who the sender is (business name)".into());
            }
            if name != "ack_stop" && !any_hint(words::REPLY_HINTS) {
                missing.push("how to answer (e.g. «responda a este correo»)".into());
            }
            if name != "ack_stop" && channel != Medium::Letter && !any_hint(words::OPT_OUT_HINTS) {
                missing.push("how to stop messages by this channel (e.g. «responda baja»)".into());
            }
            let needs_person = (is_stage && stage_pos >= stage_position("early"))
                || matches!(
                    name,
                    "ack_dispute" | "ack_plan" | "ack_stop" | "ack_question"
                );
            if needs_person && !has(&ctx.business.contact_person) {
                missing.push("a named person to talk to (business.contact_person)".into());
            }
        }
        if is_stage || kind.audience == Audience::Owner {
            for inv in &ctx.invoices {
                if !has(&inv.number) {
                    missing.push(format!("invoice number {}", inv.number));
                }
            }
        }
        if is_stage {
            for t in &ctx.totals {
                if !has(&money_of(t.balance, &t.currency))
                    && !has(&money_of(t.grand_total, &t.currency))
                {
                    missing.push(format!(
                        "the amount owed ({})",
                        money_of(t.balance, &t.currency)
                    ));
                }
            }
        }
        let needs_payment =
            is_stage || matches!(name, "plan_confirmation" | "instalment" | "ack_promise");
        if needs_payment && !payment_mentioned(ctx, text) {
            missing.push("how to pay (IBAN, payment link or a payment method)".into());
        }
        // After a promise or a plan not kept, the message asks for the payment's reference
        // instead («Si ya lo realizó, le agradecemos que nos envíe la referencia»).
        let agreement_broken = ctx.broken_promise.is_some() || ctx.broken_plan.is_some();
        if matches!(name, "preventive" | "due" | "early")
            && !agreement_broken
            && !any_hint(words::IGNORE_HINTS)
        {
            missing.push("an «ignore this message if already paid» line".into());
        }
        if matches!(name, "firm" | "formal" | "final") && !any_hint(words::PLAN_HINTS) {
            missing.push("an offer of a payment plan".into());
        }
        if matches!(name, "formal" | "final") {
            if let Some(d) = ctx.deadline.filter(|d| !date_mentioned(*d)) {
                missing.push(format!("the deadline ({})", dates::date_long(d)));
            }
            if ctx.invoices.iter().any(|i| i.interest.is_some()) {
                for inv in &ctx.invoices {
                    let Some(interest) = &inv.interest else {
                        continue;
                    };
                    for p in &interest.periods {
                        if channel != Medium::Telegram && !has(&p.boe_id) {
                            missing.push(format!("the interest breakdown (BOE id {})", p.boe_id));
                        }
                        // A period on another principal than the balance stated: said so.
                        let principal = money_of(p.principal, &inv.currency);
                        if channel != Medium::Telegram
                            && interest.principal_changed
                            && !has(&principal)
                        {
                            missing.push(format!(
                                "each interest period's principal ({principal}, interest.principal_changed)"
                            ));
                        }
                    }
                }
            }
        }
        if name == "final"
            && let Some(d) = ctx.handover_date.filter(|d| !date_mentioned(*d))
        {
            missing.push(format!("the hand-over date ({})", dates::date_long(d)));
        }
        if is_stage
            && name != "preventive"
            && let Some(d) = ctx.broken_promise.filter(|d| !date_mentioned(*d))
        {
            missing.push(format!("the broken promise ({})", dates::date_short(d)));
        }
        if let (Some(p), "ack_promise") = (&ctx.promise, name) {
            if !date_mentioned(p.date) {
                missing.push("the promised date".into());
            }
            if p.ambiguous && !text.contains('?') {
                missing.push("a question confirming the ambiguous date".into());
            }
        }
        if let (Some(plan), "instalment") = (&ctx.plan, name)
            && let Some(next) = plan
                .next
                .as_ref()
                .filter(|n| !has(&money_of(n.amount, &plan.currency)))
        {
            missing.push(format!(
                "the instalment amount ({})",
                money_of(next.amount, &plan.currency)
            ));
        }
        if channel == Medium::Letter {
            for (what, value) in [
                ("the business's legal name", &ctx.business.legal_name),
                ("the business's tax id", &ctx.business.tax_id),
                ("the business's address", &ctx.business.address),
            ] {
                if !has(value) {
                    missing.push(what.into());
                }
            }
        }
        let file = self.file_of(&part.template);
        for m in missing {
            self.report(&file, 1, format!("missing {m}"), label);
        }
    }

    /// Where `pattern` appears: the template itself, then the partials it includes.
    fn locate(&self, template: &str, pattern: &str) -> (String, usize) {
        let mut queue = vec![template.to_owned()];
        let mut visited = BTreeSet::new();
        while let Some(name) = queue.pop() {
            if !visited.insert(name.clone()) {
                continue;
            }
            let Some(src) = self.renderer.source(&name) else {
                continue;
            };
            for (i, line) in src.text.lines().enumerate() {
                if words::contains(&tokens(line), pattern) {
                    return (src.file.clone(), i + 1);
                }
            }
            let mut partials = partials_of(&src.text);
            partials.reverse();
            queue.extend(partials);
        }
        (self.file_of(template), 1)
    }
}

/// Position of a stage in the ladder; non-stage messages count as before `formal`.
fn stage_position(name: &str) -> usize {
    STAGE_ORDER.iter().position(|s| *s == name).unwrap_or(4)
}

/// The ladder's stages in order.
const STAGE_ORDER: [&str; 8] = [
    "preventive",
    "due",
    "early",
    "second",
    "firm",
    "formal",
    "final",
    "handover",
];

fn payment_mentioned(ctx: &RenderContext, text: &str) -> bool {
    // With no way to pay configured for the client's country, the message must say whom to
    // ask for the details.
    let none = ctx.business.iban.is_none()
        && ctx.business.payment_link.is_none()
        && ctx.business.payment_methods.is_empty()
        && ctx.invoices.iter().all(|i| i.payment_link.is_none());
    if none {
        return text.contains(&ctx.business.email);
    }
    ctx.business
        .iban
        .as_deref()
        .is_some_and(|i| text.contains(i))
        || ctx
            .business
            .payment_link
            .as_deref()
            .is_some_and(|l| text.contains(l))
        || ctx
            .business
            .payment_methods
            .iter()
            .any(|m| text.contains(m.as_str()))
        || ctx
            .invoices
            .iter()
            .filter_map(|i| i.payment_link.as_deref())
            .any(|l| text.contains(l))
}

/// Partial names included by a template (`{{> name}}` and `{{#> name}}`).
fn partials_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("{{") {
        let rest = text[i + 2..].trim_start_matches(['#', '~']);
        if let Some(rest) = rest.strip_prefix('>') {
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '}')
                .collect();
            if !name.is_empty() && !name.starts_with('@') {
                out.push(name);
            }
        }
    }
    out
}

/// A short piece of rendered text: the line holding the first word of `pattern`.
fn excerpt(text: &str, pattern: &str) -> String {
    let first = pattern
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches('*');
    let line = text
        .lines()
        .find(|l| tokens(l).iter().any(|w| w.starts_with(first)))
        .unwrap_or("");
    line.trim().chars().take(100).collect()
}

/// The `(eq path "value")` tests of a template, spaces made single: the cases it tells apart.
fn cases_of(text: &str) -> BTreeSet<String> {
    text.match_indices("(eq ")
        .filter_map(|(i, _)| {
            let rest = &text[i + 1..];
            let inner = &rest[..rest.find(')')?];
            let case = inner.split_whitespace().collect::<Vec<_>>().join(" ");
            case.contains('"').then_some(case)
        })
        .collect()
}
