//! `cobrador check`: configuration, templates and database.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{Datelike, Utc};

use super::Context;
use crate::policy::{ContactRules, Country, HolidayCalendar};
use crate::render::{Renderer, lint};
use crate::store::Store;

pub fn run(ctx: &Context) -> Result<ExitCode> {
    let mut problems = Vec::new();
    match &ctx.config.source {
        Some(p) => println!("config: {} ok", p.display()),
        None => println!("config: none found, using the embedded example"),
    }
    if let Some(tg) = &ctx.config.telegram {
        match crate::telegram::api::Bot::from_config(tg) {
            Ok(_) => println!(
                "telegram: bot @{} at {} (`cobrador telegram me` checks the token)",
                tg.bot_username.trim_start_matches('@'),
                tg.api_base()
            ),
            Err(e) => problems.push(format!("telegram: {e:#}")),
        }
    }
    for country in Country::ALL {
        if let Ok(rules) =
            ContactRules::resolve(country, &ctx.config.contact_config(country.code()))
        {
            for adj in rules.adjustments() {
                println!("contact rules ({}): {adj}", country.code());
            }
        }
        let year = Utc::now().year() + 1;
        if let Ok(cal) = HolidayCalendar::new(country, None, &[])
            && let Err(e) = cal.check_year(year)
        {
            println!("warning: {e}");
        }
    }
    match Renderer::new(ctx.config.templates_dir.as_deref()) {
        Ok(renderer) => {
            let errors = lint(&renderer);
            if errors.is_empty() {
                println!(
                    "templates: ok ({})",
                    ctx.config
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
    if ctx.config.database.exists() {
        match Store::open(&ctx.config.database) {
            Ok(store) => {
                let check: String = store
                    .conn()
                    .query_row("PRAGMA quick_check", [], |r| r.get(0))
                    .unwrap_or_else(|e| e.to_string());
                if check == "ok" {
                    println!("database: {} ok", ctx.config.database.display());
                } else {
                    problems.push(format!(
                        "database: {}: {check}",
                        ctx.config.database.display()
                    ));
                }
            }
            Err(e) => problems.push(format!("database: {e:#}")),
        }
    } else {
        problems.push(format!(
            "database: {} does not exist: run `cobrador init`",
            ctx.config.database.display()
        ));
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
