//! `cobrador demo [--out DIR] [--days N]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

/// Options of `demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where every message (and the demo's database) is written. Default: ./demo-out.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Days to simulate.
    #[arg(long, default_value_t = 120)]
    pub days: u64,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let out = args.out.clone().unwrap_or_else(crate::demo::default_out);
    crate::demo::run(&out, args.days, |line| println!("{line}"))?;
    Ok(ExitCode::SUCCESS)
}
