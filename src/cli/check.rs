//! `cobrador check`: configuration, secrets, templates, database and data freshness.
//! Errors (exit 1) stop cobrador from working; warnings (exit 0, printed) are worth fixing.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Datelike, Utc};

use super::Context;
use crate::config::{Config, EXAMPLE, read_secret};
use crate::policy::{ContactRules, Country, HolidayCalendar};
use crate::render::{Renderer, lint};
use crate::store::Store;

/// Options of `check`.
#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// The instant the freshness checks are made at (RFC 3339): interest rates, next year's
    /// holidays, the age of the last payment. Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<DateTime<Utc>>,
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let config = &ctx.config;
    let now = args.now.unwrap_or_else(Utc::now);
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    match &config.source {
        Some(p) => println!("config: {} ok", p.display()),
        None => warnings.push(
            "config: none found, using the embedded example (create one with `cobrador init`)"
                .to_owned(),
        ),
    }
    if let Some(tg) = &config.telegram {
        // The token is read with the other secrets below; the bot is asked here.
        match crate::channel::telegram::api::check_api_url(tg.api_base()) {
            Ok(()) => bot(tg, &mut problems, &mut warnings),
            Err(e) => problems.push(format!("telegram: {e:#}")),
        }
    }
    warnings.extend(example_business(config));
    // Late-payment interest is Spanish law: only a Spanish business states it.
    if config.business.country == "ES" {
        let today = now.with_timezone(&config.business.time_zone).date_naive();
        warnings.extend(crate::policy::interest::configured::warnings(
            &config.interest,
            today,
        ));
    }
    for (error, file) in secrets(config) {
        match file {
            Some(f) if f.starts_with("/run/credentials/") && std::env::var_os("CREDENTIALS_DIRECTORY").is_none() => {
                warnings.push(format!("{error} ({} exists only inside the service: it is checked again when the service starts)", f.display()))
            }
            _ => problems.push(error),
        }
    }
    for country in Country::ALL {
        if let Ok(rules) = ContactRules::resolve(country, &config.contact_config(country.code())) {
            for adj in rules.adjustments() {
                println!("contact rules ({}): {adj}", country.code());
            }
        }
        let year = now.year() + 1;
        if let Ok(cal) = HolidayCalendar::new(country, None, &[])
            && let Err(e) = cal.check_year(year)
        {
            warnings.push(e.to_string());
        }
    }
    match Renderer::new_with_broken(config.templates_dir.as_deref()) {
        Ok((renderer, broken)) => {
            // Every file that does not parse, then what the linter finds in the others: the
            // owner fixes them all in one round instead of one per run.
            problems.extend(broken.iter().map(|e| format!("templates: {e}")));
            let errors = lint(&renderer);
            if broken.is_empty() && errors.is_empty() {
                println!(
                    "templates: ok ({})",
                    config
                        .templates_dir
                        .as_ref()
                        .map(|d| format!("defaults + overrides in {}", d.display()))
                        .unwrap_or_else(|| "built-in defaults".into())
                );
            }
            problems.extend(errors.iter().map(|e| format!("template {e}")));
            let only = renderer.text_only();
            if !only.files.is_empty() {
                warnings.push(format!(
                    "templates: {} edited and not {}: {} go as plain text only, so that the \
                     client reads your words (edit the .html.hbs beside it too to keep the \
                     formatted version)",
                    only.files.join(", "),
                    if only.files.len() == 1 {
                        "its .html.hbs twin"
                    } else {
                        "their .html.hbs twins"
                    },
                    if only.all {
                        "all emails".to_owned()
                    } else {
                        format!(
                            "the {} emails",
                            only.kinds.iter().cloned().collect::<Vec<_>>().join(", ")
                        )
                    }
                ));
            }
        }
        Err(e) => problems.push(format!("templates: {e}")),
    }
    database(config, now, &mut problems, &mut warnings);
    for w in &warnings {
        println!("warning: {w}");
    }
    for p in &problems {
        eprintln!("error: {p}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The bot behind the token (`getMe`) and its webhook (`getWebhookInfo`), each asked within
/// 10 s (`check` runs before every start of the service). Errors: a token the Bot API refuses
/// (401: revoked or mistyped; nothing could be sent or read) and a token of another bot than
/// `bot-username` (every deep link would open the wrong bot). Warnings: a webhook set (no
/// answer can be read until it is removed) and a Bot API that cannot be reached now (the
/// daemon keeps trying). A token that cannot be read is reported with the other secrets.
fn bot(tg: &crate::config::Telegram, problems: &mut Vec<String>, warnings: &mut Vec<String>) {
    use crate::channel::telegram::api::{self, ApiError};
    let Ok(bot) = api::Bot::from_config(tg) else {
        return;
    };
    let Ok(rt) = super::outbox::runtime() else {
        return;
    };
    let ten = std::time::Duration::from_secs(10);
    let late = "no answer within 10 s";
    let wanted = tg.bot_username.trim_start_matches('@');
    match rt.block_on(async { tokio::time::timeout(ten, bot.get_me()).await }) {
        Ok(Err(ApiError::Refused {
            code: 401 | 404,
            description,
            ..
        })) => {
            return problems.push(format!(
                "telegram: the Bot API at {} refuses the token ({description}): it was revoked \
                 or mistyped, and nothing can be sent or read by Telegram. Get the bot's token \
                 from @BotFather (/mybots → API Token) and put it in {}",
                tg.api_base(),
                token_source(tg)
            ));
        }
        Ok(Ok(user)) => {
            let name = user.username.unwrap_or_default();
            if name.eq_ignore_ascii_case(wanted) {
                println!(
                    "telegram: bot @{name} (id {}) at {}",
                    user.id,
                    tg.api_base()
                );
            } else {
                problems.push(format!(
                    "telegram: the token is the one of @{name}, not of @{wanted} \
                     (telegram.bot-username): every deep link would open the wrong bot. Set \
                     bot-username = \"{name}\", or put @{wanted}'s token in {}",
                    token_source(tg)
                ));
            }
        }
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => late.to_owned(),
            };
            return warnings.push(format!(
                "telegram: cannot ask the Bot API at {} which bot the token is (getMe): {why}",
                tg.api_base()
            ));
        }
    }
    match rt.block_on(async { tokio::time::timeout(ten, bot.get_webhook_info()).await }) {
        Ok(Ok(hook)) if hook.is_set() => warnings.push(format!(
            "telegram: {}",
            api::webhook_problem(&hook.url, tg.api_base())
        )),
        Ok(Ok(_)) => println!("telegram: no webhook set (the updates are read by polling)"),
        other => {
            let why = match other {
                Ok(Err(e)) => e.to_string(),
                _ => late.to_owned(),
            };
            warnings.push(format!(
                "telegram: cannot ask the Bot API whether a webhook is set (getWebhookInfo): {why}"
            ))
        }
    }
}

/// Where the token is read from, for an error's fix.
fn token_source(tg: &crate::config::Telegram) -> String {
    match (&tg.token_env, &tg.token_file) {
        (Some(var), _) => format!("the environment variable {var} (telegram.token-env)"),
        (None, Some(file)) => format!("{} (telegram.token-file)", file.display()),
        (None, None) => "telegram.token-env or telegram.token-file".to_owned(),
    }
}

/// The example's business data would be printed in every message to a real client.
fn example_business(config: &Config) -> Option<String> {
    let example = Config::parse(EXAMPLE, "example").ok()?;
    let (b, e) = (&config.business, &example.business);
    let fields = [
        ("name", b.name == e.name),
        ("email", b.email == e.email),
        ("tax-id", b.tax_id == e.tax_id),
        ("iban", b.iban.is_some() && b.iban == e.iban),
        (
            "payment-methods",
            !b.payment_methods.is_empty() && b.payment_methods == e.payment_methods,
        ),
    ];
    let same: Vec<&str> = fields.iter().filter(|(_, s)| *s).map(|(f, _)| *f).collect();
    (!same.is_empty()).then(|| {
        format!(
            "business: {} still the example's (Reformas Prado's): set your own in [business] before sending to real clients",
            same.join(", ")
        )
    })
}

/// Every secret the configuration points to must be readable now: each failure, with the
/// secret file it names (if any).
fn secrets(config: &Config) -> Vec<(String, Option<std::path::PathBuf>)> {
    let mut errors = Vec::new();
    if let Some(smtp) = &config.email.smtp
        && smtp.username.is_some()
        && let Err(e) = read_secret(
            "email.smtp",
            smtp.password_env.as_deref(),
            smtp.password_file.as_deref(),
        )
    {
        errors.push((
            format!("{e:#}: no email can be sent"),
            smtp.password_file.clone(),
        ));
    }
    if let Some(imap) = &config.email.imap
        && let Err(e) = read_secret(
            "email.imap",
            imap.password_env.as_deref(),
            imap.password_file.as_deref(),
        )
    {
        errors.push((
            format!("{e:#}: no reply can be read"),
            imap.password_file.clone(),
        ));
    }
    if let Some(tg) = &config.telegram
        && let Err(e) = read_secret(
            "telegram",
            tg.token_env.as_deref(),
            tg.token_file.as_deref(),
        )
    {
        errors.push((
            format!("{e:#}: nothing can be sent by Telegram"),
            tg.token_file.clone(),
        ));
    }
    errors
}

fn database(
    config: &Config,
    now: DateTime<Utc>,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let path = &config.database;
    if !path.exists() {
        warnings.push(format!(
            "database: {} does not exist yet: `cobrador init` (or the first `cobrador run`) creates it",
            path.display()
        ));
        return;
    }
    let store = match Store::open_existing(path) {
        Ok(store) => store,
        Err(e) => return problems.push(format!("database: {e:#}")),
    };
    let check: String = store
        .conn()
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap_or_else(|e| e.to_string());
    if check != "ok" {
        return problems.push(format!("database: {}: {check}", path.display()));
    }
    println!("database: {} ok", path.display());
    let fix = "clients who already paid may be reminded: import your payments (`cobrador import payments FILE`) or record them (`cobrador invoice pay`)";
    match payments_age(&store, now, config.business.time_zone) {
        Ok(Some(Some(days))) if days > i64::from(config.daemon.payments_stale_days) => {
            warnings.push(format!(
                "payments: none recorded or imported for {days} days while invoices are open (daemon.payments-stale-days = {}): {fix}",
                config.daemon.payments_stale_days
            ));
        }
        Ok(Some(None)) => warnings.push(format!(
            "payments: none was ever recorded or imported while invoices are open: {fix}"
        )),
        Ok(_) => {}
        Err(e) => warnings.push(format!(
            "payments: cannot tell when they were last updated: {e:#}"
        )),
    }
}

/// Days since payment data was last updated (`Some(None)`: never), when some invoice is open
/// (`None`: nothing open, nothing to worry about): the digest's measure.
pub(crate) fn payments_age(
    store: &Store,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Result<Option<Option<i64>>> {
    crate::engine::digest::payments_age(store.conn(), now, tz)
}
