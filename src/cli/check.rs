//! `cobrador check`: configuration, templates and database.

use std::process::ExitCode;

use anyhow::Result;

use super::Context;
use crate::store::Store;

pub fn run(ctx: &Context) -> Result<ExitCode> {
    let mut problems = Vec::new();
    match &ctx.config.source {
        Some(p) => println!("config: {} ok", p.display()),
        None => println!("config: none found, using the embedded example"),
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
