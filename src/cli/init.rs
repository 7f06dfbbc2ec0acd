//! `cobrador init`: the database, and a configuration from the example if there is none.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::config::{Config, EXAMPLE};
use crate::store::Store;

/// Options of `init`.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(config_path: Option<&Path>, db: Option<&Path>, _args: &Args) -> Result<ExitCode> {
    let config = match config_path {
        Some(path) if !path.exists() => write_example(path)?,
        Some(path) => Config::load(path)?,
        None => {
            let discovered = Config::discover(None)?;
            if discovered.has_file() {
                discovered
            } else {
                write_example(Path::new("cobrador.toml"))?
            }
        }
    };
    let db_path = db.map(Path::to_path_buf).unwrap_or(config.database.clone());
    let store = Store::open(&db_path)?;
    println!(
        "Database ready: {} (schema version {})",
        db_path.display(),
        store.schema_version()?
    );
    println!("Next: cobrador import clients FILE.csv, then invoices, then `cobrador status`.");
    Ok(ExitCode::SUCCESS)
}

fn write_example(path: &Path) -> Result<Config> {
    std::fs::write(path, EXAMPLE).with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "Wrote {} from the example: edit the [business] section.",
        path.display()
    );
    Config::load(path)
}
