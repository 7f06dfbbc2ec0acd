//! The cobrador binary: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // `cobrador outbox list | head -1`: a closed pipe ends the program quietly, as for any Unix
    // tool, instead of a panic in `println!`.
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cobrador::cli::Cli::parse();
    cobrador::logging::init();
    match cobrador::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
