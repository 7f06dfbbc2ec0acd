//! `cobrador templates export DIR`: the default templates as files, to start editing from.
//!
//! The defaults are embedded in the binary; an owner who wants to change a word needs them as
//! files. Every file written is one `templates-dir` override: a file left unchanged behaves
//! exactly like the default, and a file deleted falls back to it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::render::defaults::DEFAULT_TEMPLATES;

/// `templates` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Write the default templates into DIR (`<name>.hbs`), plus a short guide (LEEME.txt).
    Export {
        /// Directory to write into (created if missing).
        dir: PathBuf,
        /// Overwrite files that already exist (your edits in them are lost).
        #[arg(long)]
        force: bool,
    },
}

const GUIDE: &str = "\
Plantillas de cobrador
======================

Cada fichero .hbs es un mensaje o una parte de un mensaje. Cambie el texto que quiera y
guarde el fichero en UTF-8. Lo que va entre llaves, como {{client.name}}, lo rellena cobrador:
no lo traduzca. Cada {{#if ...}} necesita su {{/if}}, y cada {{#each ...}} su {{/each}}.

Para usar esta carpeta, añada a la configuración:  templates-dir = \"CARPETA\"
Compruebe los cambios con:  cobrador check
Vea un mensaje tal como saldría:  cobrador preview --invoice NUMERO --stage firm --templates CARPETA

Cada correo tiene dos versiones: la de texto (.txt.hbs) y la que muestran Gmail y Outlook
(.html.hbs). Si cambia solo la de texto, ese correo sale solo en texto, con sus palabras;
para conservar también el formato, haga el mismo cambio en el .html.hbs de al lado.

Un fichero que borre vuelve a la versión de fábrica. Guía completa: docs/templates.md.
";

/// Runs a `templates` subcommand.
pub fn run(cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Export { dir, force } => {
            let written = export(&dir, force)?;
            println!(
                "{written} templates written to {}; to use them, set templates-dir = \"{}\" in the \
                 configuration, then run `cobrador check` after each edit (see LEEME.txt).",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes every default template into `dir`; refuses to overwrite unless `force`.
pub fn export(dir: &Path, force: bool) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if !force {
        let existing: Vec<String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, _)| format!("{name}.hbs"))
            .filter(|f| dir.join(f).exists())
            .collect();
        if !existing.is_empty() {
            bail!(
                "{} already has {} template files (e.g. {}): choose an empty directory, or pass \
                 --force to overwrite them (edits in them are lost)",
                dir.display(),
                existing.len(),
                existing[0]
            );
        }
    }
    for (name, text) in DEFAULT_TEMPLATES {
        let path = dir.join(format!("{name}.hbs"));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let guide = dir.join("LEEME.txt");
    std::fs::write(&guide, GUIDE).with_context(|| format!("cannot write {}", guide.display()))?;
    Ok(DEFAULT_TEMPLATES.len())
}
