//! `cobrador backup FILE`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::Context;

pub fn run(ctx: &Context, file: &Path) -> Result<ExitCode> {
    let store = ctx.store()?;
    store.backup(file)?;
    println!(
        "Backed up {} to {}",
        ctx.config.database.display(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
