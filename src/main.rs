//! The cobrador binary: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc instead of glibc's malloc for everything Rust allocates (SQLite keeps glibc's). A
/// first tick of a large book allocates and frees millions of small strings and rows across
/// three threads at once, where glibc's arenas cost ~15 % of the cpu (`malloc_consolidate` on
/// every message body); see BENCHMARKS.md ("Eighth step") for the figures, and
/// `daemon::run::give_back_freed_memory` for the idle daemon's memory.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = cobrador::cli::Cli::parse();
    // `cobrador client list | head -1`: a closed pipe ends the program quietly, as for any Unix
    // tool, instead of a panic in `println!`. Not for a command that talks to servers: a
    // socket's peer gone (a vectored write is not sent with MSG_NOSIGNAL) would kill it with
    // SIGPIPE, silently (the daemon died when Dovecot restarted); its own lists stream with
    // the closed pipe handled.
    if !cli.talks_to_servers() {
        // SAFETY: called before any thread exists; SIG_DFL is a valid disposition.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    cobrador::logging::init();
    match cobrador::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
