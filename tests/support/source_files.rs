//! The crate's own source files, for the tests that read the code itself (`layers.rs`,
//! `shape.rs`). Included by path (`#[path = "support/source_files.rs"] mod source_files;`) so
//! those tests need none of the servers the rest of `support` starts.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, depth first; an absent directory gives none.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    visit(dir, &mut files);
    files
}

fn visit(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            visit(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}
