//! The cobrador binary: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not glibc's malloc: rendering and planning allocate and free many short strings
/// and 5 KB bodies, where glibc spends about a tenth of the cpu (`malloc_consolidate` on every
/// large request, arena locks between the planning threads). Measured in BENCHMARKS.md
/// ("Sixth step"): about 10 % more messages rendered per second and 15 % less cpu per tick.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
