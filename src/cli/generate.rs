//! `cobrador generate man|completions DIR`: the man page and shell completions, generated from
//! the command line definition itself (so they never drift). The .deb build runs this.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;

/// What to generate.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write cobrador.1 (and one page per subcommand) into DIR.
    Man {
        /// Output directory (created if missing).
        dir: PathBuf,
    },
    /// Write completions for bash, zsh and fish into DIR.
    Completions {
        /// Output directory (created if missing).
        dir: PathBuf,
    },
}

/// Runs a `generate` subcommand.
pub fn run(cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Man { dir } => man(&dir)?,
        Command::Completions { dir } => completions(&dir)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn man(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write man pages into {}", dir.display()))
}

fn completions(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut Cli::command(), "cobrador", dir)
            .with_context(|| format!("cannot write {shell} completions into {}", dir.display()))?;
    }
    Ok(())
}
