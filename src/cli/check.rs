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
        // The token is checked with the other secrets below.
        match crate::channel::telegram::api::check_api_url(tg.api_base()) {
            Ok(()) => println!(
                "telegram: bot @{} at {} (`cobrador telegram me` asks the Bot API)",
                tg.bot_username.trim_start_matches('@'),
                tg.api_base()
            ),
            Err(e) => problems.push(format!("telegram: {e:#}")),
        }
        warnings.extend(webhook(tg));
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

/// A webhook set on the bot: Telegram refuses `getUpdates` while it is, so no client's answer
/// can be read. Asked with `getWebhookInfo` (within 10 s: `check` runs before every start of
/// the service); a token that cannot be read is reported with the other secrets.
fn webhook(tg: &crate::config::Telegram) -> Option<String> {
    let bot = crate::channel::telegram::api::Bot::from_config(tg).ok()?;
    let asked = super::outbox::runtime().and_then(|rt| {
        rt.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(10), bot.get_webhook_info())
                .await
                .map_err(|_| anyhow::anyhow!("no answer within 10 s"))?
                .map_err(anyhow::Error::from)
        })
    });
    match asked {
        Ok(hook) if hook.is_set() => Some(format!(
            "telegram: {}",
            crate::channel::telegram::api::webhook_problem(&hook.url, tg.api_base())
        )),
        Ok(_) => {
            println!("telegram: no webhook set (the updates are read by polling)");
            None
        }
        Err(e) => Some(format!(
            "telegram: cannot ask the Bot API whether a webhook is set (getWebhookInfo): {e:#}"
        )),
    }
}

/// The example's business data would be printed in every message to a real client.
fn example_business(config: &Config) -> Option<String> {
    let example = Config::parse(EXAMPLE, "example").ok()?;
    let (b, e) = (&config.business, &example.business);
    let same = b.name == e.name || b.email == e.email || b.tax_id == e.tax_id || b.iban == e.iban;
    same.then(|| {
        "business: still the example's (Reformas Prado): set your own name, tax id, email and IBAN in [business] before sending to real clients".to_owned()
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
    match payments_age(&store, now) {
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
pub(crate) fn payments_age(store: &Store, now: DateTime<Utc>) -> Result<Option<Option<i64>>> {
    crate::engine::digest::payments_age(store.conn(), now)
}
